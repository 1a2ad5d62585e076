/* SPDX-License-Identifier: MIT */
/*
 * How dump files name MSRs and spell their values.  Names come from the
 * catalogue, the single table of every MSR; what is strict here is the
 * spelling of values.
 */
#include <string.h>
#include <strings.h>
#include "internal.h"
#include "nvmx/catalog.h"

const char *nvmx_io_msr_name(enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = (unsigned)id < NVMX_MSR_COUNT ? nvmx_msr_desc(id) : NULL;
	return d ? d->sdm : NULL;
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
		if (!strcasecmp(key, nvmx_msr_desc((enum nvmx_msr_id)i)->sdm))
			return i;
	return -1;
}
