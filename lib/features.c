/* SPDX-License-Identifier: MIT */
/* CPUID features the model consults, by their /proc/cpuinfo names. */
#include "nvmx/host.h"

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
	/* The kernel's cpuinfo name for CET shadow stacks since 6.6. */
	if (name_eq(name, "user_shstk"))
		return NVMX_F_SHSTK;
	return -1;
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
