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

/* Hex digit value + 1; 0 for every other byte. */
static const unsigned char hex_digit[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static bool is_hex(char c)
{
	return hex_digit[(unsigned char)c] != 0;
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
	if (p == e || !is_hex(*p)) {
		*why = "no hex digits after 0x";
		return -1;
	}
	while (p < e && *p == '0')	/* leading zeros are not significant */
		p++;
	const char *first = p;
	uint64_t v = 0;
	for (; p < e && is_hex(*p); p++)
		v = v << 4 | (uint64_t)(hex_digit[(unsigned char)*p] - 1);
	if (p - first > 16) {
		*why = "wider than 64 bits";
		return -1;
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

int io_parse_hex64(const char *s, uint64_t *out, const char **why)
{
	return io_parse_hex64n(s, strlen(s), out, why);
}

/* Every catalogue name starts with this (test_catalog checks it). */
#define NAME_PREFIX "IA32_VMX_"
#define PREFIX_LEN 9

void io_msr_names_init(struct io_msr_names *t)
{
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		t->rest[i] = nvmx_msr_desc((enum nvmx_msr_id)i)->sdm + PREFIX_LEN;
		t->len[i] = (unsigned char)strlen(t->rest[i]);
	}
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

int io_msr_id_n(const struct io_msr_names *t, const char *key, size_t n)
{
	if (n >= 2 && key[0] == '0' && (key[1] == 'x' || key[1] == 'X')) {
		uint64_t idx;
		if (io_parse_hex64n(key, n, &idx, NULL) < 0)
			return -1;
		if (idx < NVMX_MSR_BASE || idx >= NVMX_MSR_BASE + NVMX_MSR_COUNT)
			return -1;
		return (int)(idx - NVMX_MSR_BASE);
	}
	if (n >= 4 && upper(key[0]) == 'M' && !strncasecmp(key, "MSR_", 4))
		key += 4, n -= 4;
	if (n <= PREFIX_LEN || upper(key[0]) != 'I' || strncasecmp(key, NAME_PREFIX, PREFIX_LEN))
		return -1;
	key += PREFIX_LEN;
	n -= PREFIX_LEN;
	char first = upper(key[0]);
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		if (t->len[i] != n || t->rest[i][0] != first)
			continue;
		size_t k = 1;
		while (k < n && upper(key[k]) == t->rest[i][k])
			k++;
		if (k == n)
			return i;
	}
	return -1;
}

int nvmx_io_msr_id(const char *key)
{
	struct io_msr_names t;
	io_msr_names_init(&t);
	return io_msr_id_n(&t, key, strlen(key));
}
