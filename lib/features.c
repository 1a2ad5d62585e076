/* SPDX-License-Identifier: MIT */
/* CPUID features the model consults, by their /proc/cpuinfo names. */
#include "nvmx/host.h"
#include "model.h"

static const char *const feature_names[NVMX_F_COUNT] = {
	[NVMX_F_VME] = "vme", [NVMX_F_DE] = "de", [NVMX_F_PSE] = "pse",
	[NVMX_F_TSC] = "tsc", [NVMX_F_PAE] = "pae", [NVMX_F_MCE] = "mce",
	[NVMX_F_PGE] = "pge", [NVMX_F_FXSR] = "fxsr", [NVMX_F_SSE] = "sse",
	[NVMX_F_VMX] = "vmx", [NVMX_F_SMX] = "smx", [NVMX_F_PCID] = "pcid",
	[NVMX_F_XSAVE] = "xsave", [NVMX_F_RDRAND] = "rdrand",
	[NVMX_F_FSGSBASE] = "fsgsbase", [NVMX_F_SGX] = "sgx", [NVMX_F_SMEP] = "smep",
	[NVMX_F_INVPCID] = "invpcid", [NVMX_F_MPX] = "mpx", [NVMX_F_RDSEED] = "rdseed",
	[NVMX_F_SMAP] = "smap", [NVMX_F_UMIP] = "umip", [NVMX_F_PKU] = "pku",
	[NVMX_F_WAITPKG] = "waitpkg", [NVMX_F_SHSTK] = "shstk", [NVMX_F_LA57] = "la57",
	[NVMX_F_RDPID] = "rdpid", [NVMX_F_IBT] = "ibt", [NVMX_F_LAM] = "lam",
	[NVMX_F_XSAVES] = "xsaves", [NVMX_F_NX] = "nx", [NVMX_F_RDTSCP] = "rdtscp",
	[NVMX_F_LM] = "lm",
};

/* Other cpuinfo names of a feature. */
static const struct { const char *name; enum nvmx_feature f; } aliases[] = {
	{ "user_shstk", NVMX_F_SHSTK },	/* the kernel's name for CET shadow stacks since 6.6 */
};
#define NALIASES (sizeof(aliases) / sizeof(aliases[0]))

static int name_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int nvmx_feature_lookup(const char *name)
{
	for (int f = 0; f < NVMX_F_COUNT; f++)
		if (name_eq(feature_names[f], name))
			return f;
	for (unsigned a = 0; a < NALIASES; a++)
		if (name_eq(aliases[a].name, name))
			return (int)aliases[a].f;
	return -1;
}

/*
 * A flags line has a hundred or more words and the model reads a few dozen
 * names: hash the names once per line (open addressing, on the stack) so a
 * word costs one hash and one compare instead of a scan of every name.
 */
#define SLOTS 128	/* a power of two, well over twice the names and aliases */

#define FNV_BASIS 2166136261u	/* FNV-1a */
#define FNV_PRIME 16777619u

/* Entry e: feature e below NVMX_F_COUNT, else alias e - NVMX_F_COUNT. */
static const char *entry_name(unsigned e)
{
	return e < NVMX_F_COUNT ? feature_names[e] : aliases[e - NVMX_F_COUNT].name;
}

static bool word_is(const char *name, const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (name[i] != w[i])	/* a shorter name stops at its NUL */
			return false;
	return name[n] == '\0';
}

uint64_t nvmx_features_from_text(const char *flags, size_t len)
{
	unsigned char slot[SLOTS] = { 0 };	/* entry + 1, 0 = empty */
	for (unsigned e = 0; e < NVMX_F_COUNT + NALIASES; e++) {
		uint32_t h = FNV_BASIS;
		for (const char *s = entry_name(e); *s; s++)
			h = (h ^ (unsigned char)*s) * FNV_PRIME;
		unsigned i = h & (SLOTS - 1);
		while (slot[i])
			i = (i + 1) & (SLOTS - 1);
		slot[i] = (unsigned char)(e + 1);
	}
	uint64_t feat = 0;
	const char *p = flags, *end = flags + len;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *w = p;
		uint32_t h = FNV_BASIS;	/* name_hash() while scanning the word */
		while (p < end && *p != ' ' && *p != '\t')
			h = (h ^ (unsigned char)*p++) * FNV_PRIME;
		size_t n = (size_t)(p - w);
		if (!n)
			continue;
		for (unsigned i = h & (SLOTS - 1); slot[i]; i = (i + 1) & (SLOTS - 1)) {
			unsigned e = slot[i] - 1u;
			if (word_is(entry_name(e), w, n)) {
				feat |= NVMX_FEAT(e < NVMX_F_COUNT ? e : aliases[e - NVMX_F_COUNT].f);
				break;
			}
		}
	}
	return feat;
}

const char *nvmx_feature_name(enum nvmx_feature f)
{
	return (unsigned)f < NVMX_F_COUNT ? feature_names[f] : 0;
}

uint32_t nvmx_host_signature(const struct nvmx_host *h)
{
	unsigned fam = h->family, base = fam > 15 ? 15 : fam;
	uint32_t sig = (h->stepping & 0xf) | (h->model & 0xf) << 4 | base << 8;
	if (fam >= 6)
		sig |= ((h->model >> 4) & 0xf) << 16;
	if (fam >= 15)
		sig |= ((fam - 15) & 0xff) << 20;
	return sig;
}
