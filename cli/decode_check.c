/* SPDX-License-Identifier: MIT */
/*
 * SDM-consistency checks over one set of capability MSRs (SDM Vol. 3
 * App. A).  Each finding names the MSR(s) and the bit(s) concerned; nothing
 * here judges what KVM would do with the values, only whether they agree
 * with each other and with the SDM's rules for how they are enumerated.
 */
#include <stdarg.h>
#include <stdio.h>
#include "decode.h"

__attribute__((format(printf, 2, 3)))
static void warn(struct decode_warnings *w, const char *fmt, ...)
{
	if (w->n >= DECODE_MAX_WARN) {
		w->dropped++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->msg[w->n++], sizeof(w->msg[0]), fmt, ap);
	va_end(ap);
}

static const char *sdm(enum nvmx_msr_id id)
{
	return nvmx_msr_desc(id)->sdm;
}

/* One warning per set bit of `bits`: "<prefix> bit N (name) <suffix>". */
static void warn_bits(struct decode_warnings *w, enum nvmx_word word, uint64_t bits,
		      const char *prefix, const char *suffix)
{
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		char label[128];
		bit_label(word, b, label, sizeof(label));
		warn(w, "%s %s %s", prefix, label, suffix);
	}
}

/* Allowed-0 bits that are not allowed-1: no setting of the control is valid. */
static void check_control_msr(const struct nvmx_msrs *m, enum nvmx_msr_id id,
			      struct decode_warnings *w)
{
	if (!nvmx_msrs_has(m, id))
		return;
	uint64_t v = m->val[id];
	char prefix[96];
	snprintf(prefix, sizeof(prefix), "%s:", sdm(id));
	warn_bits(w, nvmx_msr_desc(id)->word, nvmx_lo(v) & ~nvmx_hi(v), prefix,
		  "must be 1 (allowed-0 bit set) but is not allowed to be 1 (allowed-1 bit clear)");
}

/*
 * A non-TRUE control MSR and its TRUE twin describe the same controls; the
 * TRUE one may only relax default1 bits to "may be 0" (SDM A.2, A.3).
 */
static void check_true_pair(const struct nvmx_msrs *m, enum nvmx_msr_id non,
			    struct decode_warnings *w)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(non);
	enum nvmx_msr_id tru = d->twin;
	uint32_t def1 = nvmx_word_default1(d->word);
	char prefix[160];

	if (nvmx_msrs_has(m, non)) {
		snprintf(prefix, sizeof(prefix), "%s: default1", sdm(non));
		warn_bits(w, d->word, def1 & ~nvmx_lo(m->val[non]), prefix,
			  "is not reported as must-be-1 (allowed-0 bit clear), as the SDM "
			  "requires of a non-TRUE control MSR");
	}
	if (!nvmx_msrs_has(m, non) || !nvmx_msrs_has(m, tru))
		return;
	uint64_t a = m->val[non], t = m->val[tru];

	snprintf(prefix, sizeof(prefix), "%s allows", sdm(tru));
	char suffix[160];
	snprintf(suffix, sizeof(suffix), "to be 1 but %s does not", sdm(non));
	warn_bits(w, d->word, nvmx_hi(t) & ~nvmx_hi(a), prefix, suffix);

	snprintf(prefix, sizeof(prefix), "%s allows", sdm(non));
	snprintf(suffix, sizeof(suffix), "to be 1 but %s does not", sdm(tru));
	warn_bits(w, d->word, nvmx_hi(a) & ~nvmx_hi(t), prefix, suffix);

	snprintf(prefix, sizeof(prefix), "%s requires", sdm(tru));
	snprintf(suffix, sizeof(suffix), "to be 1 but %s does not", sdm(non));
	warn_bits(w, d->word, nvmx_lo(t) & ~nvmx_lo(a), prefix, suffix);

	snprintf(prefix, sizeof(prefix), "%s requires", sdm(non));
	snprintf(suffix, sizeof(suffix),
		 "to be 1 but %s does not, and it is not a default1 control", sdm(tru));
	warn_bits(w, d->word, nvmx_lo(a) & ~nvmx_lo(t) & ~def1, prefix, suffix);
}

/* BASIC[55] says whether the four TRUE MSRs exist. */
static void check_true_presence(const struct nvmx_msrs *m, struct decode_warnings *w)
{
	if (!nvmx_msrs_has(m, NVMX_BASIC))
		return;
	bool true_ctls = (m->val[NVMX_BASIC] >> 55) & 1;
	static const enum nvmx_msr_id trues[] = { NVMX_TRUE_PINBASED, NVMX_TRUE_PROCBASED,
						  NVMX_TRUE_EXIT, NVMX_TRUE_ENTRY };
	for (size_t i = 0; i < sizeof(trues) / sizeof(trues[0]); i++) {
		bool has = nvmx_msrs_has(m, trues[i]);
		if (has && !true_ctls)
			warn(w, "%s is present but IA32_VMX_BASIC bit 55 (TRUE capability MSRs) is 0",
			     sdm(trues[i]));
		else if (!has && true_ctls)
			warn(w, "IA32_VMX_BASIC bit 55 (TRUE capability MSRs) is 1 but %s is absent",
			     sdm(trues[i]));
	}
}

/*
 * The allowed-1 half of a control word, from the non-TRUE MSR if present,
 * else the TRUE one.  *src is set to the MSR used; false if neither exists.
 */
static bool allowed1(const struct nvmx_msrs *m, enum nvmx_word word, uint64_t *out,
		     enum nvmx_msr_id *src)
{
	enum nvmx_msr_id non = nvmx_word_msr(word), tru = nvmx_msr_desc(non)->twin;
	const struct nvmx_msr_desc *d = nvmx_msr_desc(non);
	enum nvmx_msr_id id = nvmx_msrs_has(m, non) ? non : tru;
	*src = id;
	if (!nvmx_msrs_has(m, id))
		return false;
	*out = d->layout == NVMX_LAYOUT_CONTROLS ? nvmx_hi(m->val[id]) : m->val[id];
	return true;
}

/* An MSR that exists exactly when some control may be 1 (SDM A.3.3, A.4.2, A.10, A.11). */
static void check_enumerated(const struct nvmx_msrs *m, struct decode_warnings *w,
			     enum nvmx_word word, uint32_t bits, enum nvmx_msr_id dep)
{
	uint64_t a1 = 0;
	enum nvmx_msr_id src;
	bool have_word = allowed1(m, word, &a1, &src);
	bool enumerated = have_word && (a1 & bits);
	bool has = nvmx_msrs_has(m, dep);
	char which[256] = "";
	for (unsigned b = 0, len = 0; b < 32; b++) {
		if (!((bits >> b) & 1))
			continue;
		char label[128];
		bit_label(word, b, label, sizeof(label));
		int k = snprintf(which + len, sizeof(which) - len, "%s%s", len ? " or " : "", label);
		if (k > 0 && (unsigned)k < sizeof(which) - len)
			len += (unsigned)k;
	}
	if (has && !enumerated) {
		if (have_word)
			warn(w, "%s is present but %s does not allow %s to be 1", sdm(dep),
			     sdm(src), which);
		else
			warn(w, "%s is present but %s, which enumerates it, is absent", sdm(dep),
			     sdm(nvmx_word_msr(word)));
	} else if (!has && enumerated) {
		warn(w, "%s allows %s to be 1 but %s is absent", sdm(src), which, sdm(dep));
	}
}

static void check_basic(const struct nvmx_msrs *m, struct decode_warnings *w)
{
	if (!nvmx_msrs_has(m, NVMX_BASIC))
		return;
	uint64_t v = m->val[NVMX_BASIC];
	unsigned size = (unsigned)((v >> 32) & 0x1fff), memtype = (unsigned)((v >> 50) & 0xf);
	if (size == 0 || size > 4096)
		warn(w, "IA32_VMX_BASIC bits 44:32 (VMCS region size) = %u: the SDM bounds it to "
		     "1..4096 bytes", size);
	if (memtype != 0 && memtype != 6)
		warn(w, "IA32_VMX_BASIC bits 53:50 (VMCS memory type) = %u: the SDM allows only "
		     "0 (UC) and 6 (WB)", memtype);
	if ((v >> 31) & 1)
		warn(w, "IA32_VMX_BASIC bit 31 is 1: the SDM says it always reads 0");
	if ((v >> 45) & 7)
		warn(w, "IA32_VMX_BASIC bits 47:45 = %u: reserved, the SDM says they read 0",
		     (unsigned)((v >> 45) & 7));
}

static void check_vmcs_enum(const struct nvmx_msrs *m, struct decode_warnings *w)
{
	if (!nvmx_msrs_has(m, NVMX_VMCS_ENUM))
		return;
	uint64_t extra = m->val[NVMX_VMCS_ENUM] & ~UINT64_C(0x3fe);
	if (extra)
		warn(w, "IA32_VMX_VMCS_ENUM has bits outside 9:1 set (0x%llx): reserved, "
		     "the SDM says they read 0", (unsigned long long)extra);
}

/* A CR bit fixed to 1 must also be allowed to be 1. */
static void check_cr(const struct nvmx_msrs *m, enum nvmx_word word, enum nvmx_msr_id f0,
		     enum nvmx_msr_id f1, struct decode_warnings *w)
{
	if (!nvmx_msrs_has(m, f0) || !nvmx_msrs_has(m, f1))
		return;
	char prefix[160], suffix[96];
	snprintf(prefix, sizeof(prefix), "%s requires %s", sdm(f0),
		 word == NVMX_WORD_CR0 ? "CR0" : "CR4");
	snprintf(suffix, sizeof(suffix), "to be 1 but %s does not allow it", sdm(f1));
	warn_bits(w, word, m->val[f0] & ~m->val[f1], prefix, suffix);
}

void decode_check(const struct nvmx_msrs *m, struct decode_warnings *w)
{
	w->n = w->dropped = 0;
	check_basic(m, w);
	for (enum nvmx_msr_id id = 0; id < NVMX_MSR_COUNT; id++)
		if (nvmx_msr_desc(id)->layout == NVMX_LAYOUT_CONTROLS)
			check_control_msr(m, id, w);
	check_true_pair(m, NVMX_PINBASED, w);
	check_true_pair(m, NVMX_PROCBASED, w);
	check_true_pair(m, NVMX_EXIT, w);
	check_true_pair(m, NVMX_ENTRY, w);
	check_true_presence(m, w);
	check_enumerated(m, w, NVMX_WORD_PROC, UINT32_C(1) << 31, NVMX_PROCBASED2);
	check_enumerated(m, w, NVMX_WORD_PROC, UINT32_C(1) << 17, NVMX_PROCBASED3);
	check_enumerated(m, w, NVMX_WORD_PROC2, (UINT32_C(1) << 1) | (UINT32_C(1) << 5),
			 NVMX_EPT_VPID_CAP);
	check_enumerated(m, w, NVMX_WORD_PROC2, UINT32_C(1) << 13, NVMX_VMFUNC);
	check_enumerated(m, w, NVMX_WORD_EXIT, UINT32_C(1) << 31, NVMX_EXIT2);
	check_vmcs_enum(m, w);
	check_cr(m, NVMX_WORD_CR0, NVMX_CR0_FIXED0, NVMX_CR0_FIXED1, w);
	check_cr(m, NVMX_WORD_CR4, NVMX_CR4_FIXED0, NVMX_CR4_FIXED1, w);
}
