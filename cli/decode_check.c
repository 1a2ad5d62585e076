/* SPDX-License-Identifier: MIT */
/*
 * The words for the library's SDM-consistency findings (nvmx/sdm_check.h):
 * each names the MSR(s) and the bit(s) concerned.
 */
#include <stdarg.h>
#include <stdio.h>
#include "decode.h"
#include "nvmx/sdm_check.h"

__attribute__((format(printf, 2, 3)))
static void warn(struct decode_warnings *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->msg[w->n++], sizeof(w->msg[0]), fmt, ap);
	va_end(ap);
}

static const char *sdm(enum nvmx_msr_id id)
{
	return nvmx_msr_desc(id)->sdm;
}

/* "bit 31 (Activate secondary controls) or bit 17 (...)" */
static void labels(enum nvmx_word word, uint32_t bits, char *which, size_t n)
{
	which[0] = 0;
	for (unsigned b = 0, len = 0; b < 32; b++) {
		if (!((bits >> b) & 1))
			continue;
		char label[128];
		bit_label(word, b, label, sizeof(label));
		int k = snprintf(which + len, n - len, "%s%s", len ? " or " : "", label);
		if (k > 0 && (unsigned)k < n - len)
			len += (unsigned)k;
	}
}

static void word_finding(struct decode_warnings *w, const struct nvmx_sdm_finding *f)
{
	char label[128], which[256];
	if (f->kind <= NVMX_SDM_CR_FIXED)
		bit_label(f->word, f->bit, label, sizeof(label));
	switch (f->kind) {
	case NVMX_SDM_MUST1_NOT_ALLOWED1:
		warn(w, "%s: %s must be 1 (allowed-0 bit set) but is not allowed to be 1 "
		     "(allowed-1 bit clear)", sdm(f->msr), label);
		break;
	case NVMX_SDM_DEFAULT1_NOT_MUST1:
		warn(w, "%s: default1 %s is not reported as must-be-1 (allowed-0 bit clear), as the "
		     "SDM requires of a non-TRUE control MSR", sdm(f->msr), label);
		break;
	case NVMX_SDM_PAIR_ALLOWS:
		warn(w, "%s allows %s to be 1 but %s does not", sdm(f->msr), label, sdm(f->other));
		break;
	case NVMX_SDM_PAIR_REQUIRES:
		warn(w, "%s requires %s to be 1 but %s does not", sdm(f->msr), label, sdm(f->other));
		break;
	case NVMX_SDM_PAIR_REQUIRES_NONDEF1:
		warn(w, "%s requires %s to be 1 but %s does not, and it is not a default1 control",
		     sdm(f->msr), label, sdm(f->other));
		break;
	case NVMX_SDM_CR_FIXED:
		warn(w, "%s requires %s %s to be 1 but %s does not allow it", sdm(f->msr),
		     f->word == NVMX_WORD_CR0 ? "CR0" : "CR4", label, sdm(f->other));
		break;
	case NVMX_SDM_TRUE_WITHOUT_BASIC55:
		warn(w, "%s is present but IA32_VMX_BASIC bit 55 (TRUE capability MSRs) is 0",
		     sdm(f->msr));
		break;
	case NVMX_SDM_TRUE_ABSENT:
		warn(w, "IA32_VMX_BASIC bit 55 (TRUE capability MSRs) is 1 but %s is absent",
		     sdm(f->msr));
		break;
	case NVMX_SDM_ENUM_NOT_ALLOWED:
		labels(f->word, f->bits, which, sizeof(which));
		warn(w, "%s is present but %s does not allow %s to be 1", sdm(f->msr), sdm(f->other),
		     which);
		break;
	case NVMX_SDM_ENUM_WORD_ABSENT:
		warn(w, "%s is present but %s, which enumerates it, is absent", sdm(f->msr),
		     sdm(f->other));
		break;
	case NVMX_SDM_ENUM_ABSENT:
		labels(f->word, f->bits, which, sizeof(which));
		warn(w, "%s allows %s to be 1 but %s is absent", sdm(f->other), which, sdm(f->msr));
		break;
	case NVMX_SDM_BASIC_SIZE:
		warn(w, "IA32_VMX_BASIC bits 44:32 (VMCS region size) = %u: the SDM bounds it to "
		     "1..4096 bytes", (unsigned)f->value);
		break;
	case NVMX_SDM_BASIC_MEMTYPE:
		warn(w, "IA32_VMX_BASIC bits 53:50 (VMCS memory type) = %u: the SDM allows only "
		     "0 (UC) and 6 (WB)", (unsigned)f->value);
		break;
	case NVMX_SDM_BASIC_BIT31:
		warn(w, "IA32_VMX_BASIC bit 31 is 1: the SDM says it always reads 0");
		break;
	case NVMX_SDM_BASIC_RESERVED:
		warn(w, "IA32_VMX_BASIC bits 47:45 = %u: reserved, the SDM says they read 0",
		     (unsigned)f->value);
		break;
	case NVMX_SDM_VMCS_ENUM_RESERVED:
		warn(w, "IA32_VMX_VMCS_ENUM has bits outside 9:1 set (0x%llx): reserved, "
		     "the SDM says they read 0", (unsigned long long)f->value);
		break;
	}
}

void decode_check(const struct nvmx_msrs *m, struct decode_warnings *w)
{
	static struct nvmx_sdm_finding found[DECODE_MAX_WARN];
	unsigned n = nvmx_sdm_check(m, found, DECODE_MAX_WARN);
	w->n = 0;
	w->dropped = n > DECODE_MAX_WARN ? n - DECODE_MAX_WARN : 0;
	for (unsigned i = 0; i < n && i < DECODE_MAX_WARN; i++)
		word_finding(w, &found[i]);
}
