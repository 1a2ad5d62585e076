/* SPDX-License-Identifier: MIT */
/* kvm_intel (and kvm) module parameters: names, defaults, parsing. */
#include "kernels.h"
#include "fmt.h"

enum ptype { PT_BOOL, PT_INT, PT_UINT };

static const struct {
	const char *name;
	int64_t def;
	enum ptype type;
} param_table[NVMX_P_COUNT] = {
	[NVMX_P_NESTED] = { "nested", 1, PT_BOOL },
	[NVMX_P_EPT] = { "ept", 1, PT_BOOL },
	[NVMX_P_VPID] = { "vpid", 1, PT_BOOL },
	[NVMX_P_UNRESTRICTED_GUEST] = { "unrestricted_guest", 1, PT_BOOL },
	[NVMX_P_EPTAD] = { "eptad", 1, PT_BOOL },
	[NVMX_P_FLEXPRIORITY] = { "flexpriority", 1, PT_BOOL },
	[NVMX_P_ENABLE_APICV] = { "enable_apicv", 1, PT_BOOL },
	[NVMX_P_ENABLE_IPIV] = { "enable_ipiv", 1, PT_BOOL },
	[NVMX_P_PML] = { "pml", 1, PT_BOOL },
	[NVMX_P_PREEMPTION_TIMER] = { "preemption_timer", 1, PT_BOOL },
	[NVMX_P_SGX] = { "sgx", 1, PT_BOOL },
	[NVMX_P_PT_MODE] = { "pt_mode", 0, PT_INT },
	[NVMX_P_ERROR_ON_INCONSISTENT] = { "error_on_inconsistent_vmcs_config", 1, PT_BOOL },
	[NVMX_P_ENLIGHTENED_VMCS] = { "enlightened_vmcs", 1, PT_BOOL },
	[NVMX_P_SHADOW_VMCS] = { "enable_shadow_vmcs", 1, PT_BOOL },
	[NVMX_P_VNMI] = { "vnmi", 1, PT_BOOL },
	[NVMX_P_ENABLE_PMU] = { "enable_pmu", 1, PT_BOOL },
	[NVMX_P_CET] = { "cet", 1, PT_BOOL },
	[NVMX_P_MEDIATED_PMU] = { "enable_mediated_pmu", 0, PT_BOOL },
	[NVMX_P_PLE_GAP] = { "ple_gap", 128, PT_UINT },
	[NVMX_P_PLE_WINDOW] = { "ple_window", 4096, PT_UINT },
	[NVMX_P_PLE_WINDOW_GROW] = { "ple_window_grow", 2, PT_UINT },
	[NVMX_P_PLE_WINDOW_SHRINK] = { "ple_window_shrink", 0, PT_UINT },
	[NVMX_P_PLE_WINDOW_MAX] = { "ple_window_max", 4294967295, PT_UINT },
	[NVMX_P_MBEC] = { "mbec", 1, PT_BOOL },
};

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

const char *nvmx_param_name(enum nvmx_param p)
{
	return (unsigned)p < NVMX_P_COUNT ? param_table[p].name : 0;
}

int nvmx_param_lookup(const char *name)
{
	for (int p = 0; p < NVMX_P_COUNT; p++)
		if (str_eq(param_table[p].name, name))
			return p;
	return -1;
}

bool nvmx_kernel_has_param(const struct nvmx_kernel *k, enum nvmx_param p)
{
	return (unsigned)p < NVMX_P_COUNT && (k->params >> p) & 1;
}

void nvmx_params_default(const struct nvmx_kernel *k, struct nvmx_params *p)
{
	for (int i = 0; i < NVMX_P_COUNT; i++)
		p->val[i] = nvmx_kernel_has_param(k, (enum nvmx_param)i) ? param_table[i].def : 0;
	if (k->nested_auto)
		p->val[NVMX_P_NESTED] = -1;	/* not given: decided in hardware setup */
	p->given = 0;
}

/* The kernel's bool parser accepts 0/1/y/n/Y/N (and on/off since 4.x). */
static int parse_bool(const char *s, int64_t *out)
{
	static const struct { const char *s; int v; } words[] = {
		{ "0", 0 }, { "1", 1 }, { "y", 1 }, { "n", 0 }, { "Y", 1 }, { "N", 0 },
		{ "on", 1 }, { "off", 0 },
	};
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (str_eq(words[i].s, s)) {
			*out = words[i].v;
			return 0;
		}
	return -1;
}

static int parse_int(const char *s, bool allow_neg, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0;
	if (*s == '-' && allow_neg)
		neg = true, s++;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > UINT64_C(0xffffffff))
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > UINT64_C(0xffffffff))
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

int nvmx_params_set(const struct nvmx_kernel *k, struct nvmx_params *p,
		    const char *name, const char *value, struct nvmx_error *err)
{
	int i = nvmx_param_lookup(name);
	int64_t v;
	int bad;
	if (i < 0 || !nvmx_kernel_has_param(k, (enum nvmx_param)i)) {
		struct fmt f = err_begin(err, NVMX_E_ARG);
		fmt_str(&f, "unknown kvm_intel parameter '");
		fmt_str(&f, name);
		fmt_str(&f, "' for release ");
		fmt_str(&f, nvmx_kernel_name(k));
		return -1;
	}
	switch (param_table[i].type) {
	case PT_BOOL:
		bad = parse_bool(value, &v);
		break;
	case PT_INT:
		bad = parse_int(value, true, &v);
		break;
	default:
		bad = parse_int(value, false, &v);
		break;
	}
	if (bad) {
		struct fmt f = err_begin(err, NVMX_E_ARG);
		fmt_str(&f, "bad value '");
		fmt_str(&f, value);
		fmt_str(&f, "' for parameter ");
		fmt_str(&f, name);
		return -1;
	}
	p->val[i] = v;
	p->given |= UINT32_C(1) << i;
	return 0;
}

void nvmx_params_for(const struct nvmx_kernel *k, const struct nvmx_params *from,
		     struct nvmx_params *to)
{
	nvmx_params_default(k, to);
	if (!from)	/* none given: k's defaults, as nvmx_kvm_load takes NULL */
		return;
	for (int i = 0; i < NVMX_P_COUNT; i++)
		if (((from->given >> i) & 1) && nvmx_kernel_has_param(k, (enum nvmx_param)i)) {
			to->val[i] = from->val[i];
			to->given |= UINT32_C(1) << i;
		}
}
