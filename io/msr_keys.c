/* SPDX-License-Identifier: MIT */
/*
 * How dump files name MSRs and spell their values.  Kept in io/ (rather than
 * leaning on the catalogue) so the readers stand on their own and a reader bug
 * can never be masked by a catalogue lookup that is more lenient.
 */
#include <string.h>
#include <strings.h>
#include "internal.h"

static const char *const sdm_names[NVMX_MSR_COUNT] = {
	[NVMX_BASIC] = "IA32_VMX_BASIC",
	[NVMX_PINBASED] = "IA32_VMX_PINBASED_CTLS",
	[NVMX_PROCBASED] = "IA32_VMX_PROCBASED_CTLS",
	[NVMX_EXIT] = "IA32_VMX_EXIT_CTLS",
	[NVMX_ENTRY] = "IA32_VMX_ENTRY_CTLS",
	[NVMX_MISC] = "IA32_VMX_MISC",
	[NVMX_CR0_FIXED0] = "IA32_VMX_CR0_FIXED0",
	[NVMX_CR0_FIXED1] = "IA32_VMX_CR0_FIXED1",
	[NVMX_CR4_FIXED0] = "IA32_VMX_CR4_FIXED0",
	[NVMX_CR4_FIXED1] = "IA32_VMX_CR4_FIXED1",
	[NVMX_VMCS_ENUM] = "IA32_VMX_VMCS_ENUM",
	[NVMX_PROCBASED2] = "IA32_VMX_PROCBASED_CTLS2",
	[NVMX_EPT_VPID_CAP] = "IA32_VMX_EPT_VPID_CAP",
	[NVMX_TRUE_PINBASED] = "IA32_VMX_TRUE_PINBASED_CTLS",
	[NVMX_TRUE_PROCBASED] = "IA32_VMX_TRUE_PROCBASED_CTLS",
	[NVMX_TRUE_EXIT] = "IA32_VMX_TRUE_EXIT_CTLS",
	[NVMX_TRUE_ENTRY] = "IA32_VMX_TRUE_ENTRY_CTLS",
	[NVMX_VMFUNC] = "IA32_VMX_VMFUNC",
	[NVMX_PROCBASED3] = "IA32_VMX_PROCBASED_CTLS3",
	[NVMX_EXIT2] = "IA32_VMX_EXIT_CTLS2",
};

const char *nvmx_io_msr_name(enum nvmx_msr_id id)
{
	return (unsigned)id < NVMX_MSR_COUNT ? sdm_names[id] : NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int io_parse_hex64n(const char *s, size_t n, uint64_t *out, const char **why)
{
	const char *dummy, *e = s + n;
	if (!why)
		why = &dummy;
	if (n < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
		*why = "not a hex number (expected 0x followed by hex digits)";
		return -1;
	}
	const char *p = s + 2;
	if (p == e || hexval(*p) < 0) {
		*why = "no hex digits after 0x";
		return -1;
	}
	uint64_t v = 0;
	unsigned significant = 0;
	for (; p < e && hexval(*p) >= 0; p++) {
		if (v || *p != '0')
			significant++;
		if (significant > 16) {
			*why = "wider than 64 bits";
			return -1;
		}
		v = v << 4 | (uint64_t)hexval(*p);
	}
	if (p < e && (*p == ' ' || *p == '\t')) {
		*why = "unexpected text after the value";
		return -1;
	}
	if (p < e) {
		*why = "not a hex number (contains a non-hex character)";
		return -1;
	}
	*out = v;
	return 0;
}

int nvmx_io_parse_hex64(const char *s, uint64_t *out, const char **why)
{
	return io_parse_hex64n(s, strlen(s), out, why);
}

int nvmx_io_msr_id(const char *key)
{
	if (key[0] == '0' && (key[1] == 'x' || key[1] == 'X')) {
		uint64_t idx;
		if (nvmx_io_parse_hex64(key, &idx, NULL) < 0)
			return -1;
		if (idx < NVMX_MSR_BASE || idx >= NVMX_MSR_BASE + NVMX_MSR_COUNT)
			return -1;
		return (int)(idx - NVMX_MSR_BASE);
	}
	if (!strncasecmp(key, "MSR_", 4))
		key += 4;
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		if (!strcasecmp(key, sdm_names[i]))
			return i;
	return -1;
}
