/* SPDX-License-Identifier: MIT */
/* How controls, CR bits and fields read; shared by decode and diff. */
#include <stdio.h>
#include "decode.h"

const char *ctl_state_name(enum ctl_state s)
{
	switch (s) {
	case CTL_MUST0: return "must be 0";
	case CTL_MAY1: return "may be 1";
	case CTL_MUST1: return "must be 1";
	case CTL_INVALID: return "invalid";
	default: return "unknown";	/* an MSR needed to tell is absent */
	}
}

enum ctl_state ctl_state_of(enum nvmx_msr_id id, uint64_t v, unsigned bit)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	if (!d || bit > 63)
		return CTL_UNKNOWN;
	if (d->layout == NVMX_LAYOUT_CONTROLS64)
		return (v >> bit) & 1 ? CTL_MAY1 : CTL_MUST0;
	if (bit > 31)
		return CTL_UNKNOWN;
	bool must1 = (nvmx_lo(v) >> bit) & 1, may1 = (nvmx_hi(v) >> bit) & 1;
	if (must1)
		return may1 ? CTL_MUST1 : CTL_INVALID;
	return may1 ? CTL_MAY1 : CTL_MUST0;
}

enum ctl_state cr_state_of(const struct nvmx_msrs *m, enum nvmx_word w, unsigned bit)
{
	enum nvmx_msr_id f0 = w == NVMX_WORD_CR0 ? NVMX_CR0_FIXED0 : NVMX_CR4_FIXED0;
	enum nvmx_msr_id f1 = w == NVMX_WORD_CR0 ? NVMX_CR0_FIXED1 : NVMX_CR4_FIXED1;
	bool has0 = nvmx_msrs_has(m, f0), has1 = nvmx_msrs_has(m, f1);
	bool must1 = has0 && ((m->val[f0] >> bit) & 1);
	bool may1 = has1 && ((m->val[f1] >> bit) & 1);
	if (must1)
		return !has1 || may1 ? CTL_MUST1 : CTL_INVALID;
	if (!has1)
		return CTL_UNKNOWN;	/* FIXED0 alone cannot tell "may be 1" from "must be 0" */
	if (!may1)
		return CTL_MUST0;
	return has0 ? CTL_MAY1 : CTL_UNKNOWN;
}

unsigned word_bits(enum nvmx_word w)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(nvmx_word_msr(w));
	return d && d->layout == NVMX_LAYOUT_CONTROLS ? 32 : 64;
}

const struct nvmx_field *word_field(enum nvmx_word w, unsigned bit)
{
	size_t n;
	const struct nvmx_field *f = nvmx_word_fields(w, &n);
	for (size_t i = 0; i < n; i++)
		if (bit >= f[i].lsb && bit < (unsigned)f[i].lsb + f[i].width)
			return &f[i];
	return NULL;
}

void bit_label(enum nvmx_word w, unsigned bit, char *buf, size_t n)
{
	const struct nvmx_field *f = word_field(w, bit);
	if (f)
		snprintf(buf, n, "bit %u (%s)", bit, f->sdm);
	else
		snprintf(buf, n, "bit %u", bit);
}

void field_bits_text(const struct nvmx_field *f, char *buf, size_t n)
{
	if (f->width == 1)
		snprintf(buf, n, "%u", f->lsb);
	else
		snprintf(buf, n, "%u:%u", f->lsb + f->width - 1, f->lsb);
}

void field_value_text(const struct nvmx_field *f, uint64_t raw, char *buf, size_t n)
{
	unsigned long long v = raw;
	switch (f->fmt) {
	case NVMX_FMT_FLAG:
		snprintf(buf, n, "%s", raw ? "yes" : "no");
		break;
	case NVMX_FMT_NUMBER:
		if (f->unit)
			snprintf(buf, n, "%llu %s", v, f->unit);
		else
			snprintf(buf, n, "%llu (0x%llx)", v, v);
		break;
	case NVMX_FMT_ID:
		snprintf(buf, n, "0x%llx", v);
		break;
	case NVMX_FMT_MEMTYPE: {
		const char *name = nvmx_memtype_name((unsigned)raw);
		snprintf(buf, n, "%llu (%s)", v, name ? name : "reserved");
		break;
	}
	case NVMX_FMT_TSC_SHIFT:
		snprintf(buf, n, "TSC >> %llu", v);
		break;
	case NVMX_FMT_MSR_LIST:
		snprintf(buf, n, "%llu %s (N=%llu)", (unsigned long long)nvmx_field_scaled(f, raw),
			 f->unit ? f->unit : "", v);
		break;
	}
}

uint64_t unnamed_bits(enum nvmx_msr_id id, uint64_t v)
{
	size_t n;
	const struct nvmx_field *f = nvmx_msr_fields(id, &n);
	for (size_t i = 0; i < n; i++)
		v &= ~nvmx_field_mask(&f[i]);
	return v;
}

void json_str_or_null(FILE *f, const char *s)
{
	if (s)
		cli_json_str(f, s);
	else
		fputs("null", f);
}
