/* SPDX-License-Identifier: MIT */
/*
 * The supported KVM releases, one row each.  Values and the release that
 * introduced each switch are from the kernel sources of those releases
 * (arch/x86/kvm/vmx/{vmx.c,vmx.h,nested.c,hyperv.c,evmcs.c}) as summarised in
 * docs/kernels.md; the conformance cases check every row.
 */
#include "kernels.h"
#include "vmx_bits.h"

/* Parameters every release has. */
#define PARAMS_BASE (P(NESTED) | P(EPT) | P(VPID) | P(UNRESTRICTED_GUEST) | P(EPTAD) | \
		     P(FLEXPRIORITY) | P(ENABLE_APICV) | P(PML) | P(PREEMPTION_TIMER) | \
		     P(PT_MODE) | P(ENLIGHTENED_VMCS) | P(SHADOW_VMCS) | P(VNMI) | \
		     P(PLE_GAP) | P(PLE_WINDOW) | P(PLE_WINDOW_GROW) | \
		     P(PLE_WINDOW_SHRINK) | P(PLE_WINDOW_MAX))

/* eVMCS v1 denylists (<=6.0), written as keep-masks. */
#define EVMCS_DENY_PIN		(PIN_POSTED_INTR | PIN_PREEMPT_TIMER)
#define EVMCS_DENY_PROC2	(P2_VID | P2_VAPIC | P2_APIC_REG | P2_PML | P2_VMFUNC | \
				 P2_SHADOW_VMCS | P2_TSC_SCALING | P2_PLE)

/* eVMCS v1 allowlists (6.3+): what Hyper-V's enlightened VMCS can carry. */
#define EVMCS_ALLOW_PIN		UINT32_C(0x0000003f)
#define EVMCS_ALLOW_PROC	UINT32_C(0xfff9fffe)
#define EVMCS_ALLOW_PROC2	UINT32_C(0xc71998fe)
#define EVMCS_ALLOW_EXIT	UINT32_C(0x03bfffff)
#define EVMCS_ALLOW_ENTRY	UINT32_C(0x0007f3ff)

#define ALL32 UINT32_C(0xffffffff)
#define ALL64 UINT64_C(0xffffffffffffffff)

/* The guest-read filters, by the release that introduced them. */
#define READ_FILTER_510 { .keep = { ALL32, ALL32, ~P2_VAPIC, ~EXIT_LOAD_PERF_GLOBAL, \
				    ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ALL64 } }
#define READ_FILTER_515 { .keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2, \
				    ~EXIT_LOAD_PERF_GLOBAL, ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ~UINT64_C(1) } }
#define READ_FILTER_519 { .keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2, \
				    ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT), \
				    ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ~UINT64_C(1) }, \
			  .pin_true_too = true }
#define READ_FILTER_61 { .keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2, ~EXIT_SAVE_PREEMPT, \
				   ALL32, ALL64, ~UINT64_C(1) }, \
			 .pin_true_too = true, .exit_unless_pgc = EXIT_LOAD_PERF_GLOBAL, \
			 .entry_unless_pgc = ENTRY_LOAD_PERF_GLOBAL }
/* 6.3+: L1 never sees TSC scaling with eVMCS, unlike KVM's own allowlist. */
#define READ_FILTER_63 { .keep = { EVMCS_ALLOW_PIN, EVMCS_ALLOW_PROC, \
				   EVMCS_ALLOW_PROC2 & ~P2_TSC_SCALING, EVMCS_ALLOW_EXIT, \
				   EVMCS_ALLOW_ENTRY, ALL64, 0 }, \
			 .pin_true_too = true, .proc_filtered = true, \
			 .exit_unless_pgc = EXIT_LOAD_PERF_GLOBAL, \
			 .entry_unless_pgc = ENTRY_LOAD_PERF_GLOBAL }

/* Sets shared by the pre-rework releases (<=5.19). */
#define SETUP_5X							\
	.min_pin = PIN_EXT_INTR | PIN_NMI_EXIT,				\
	.opt_pin = PIN_VIRTUAL_NMIS | PIN_POSTED_INTR | PIN_PREEMPT_TIMER, \
	.min_proc = UINT32_C(0x21998e88), .opt_proc = UINT32_C(0x90200000), \
	.min_exit = UINT32_C(0x8204), .opt_exit = UINT32_C(0x03a81000), \
	.min_entry = ENTRY_LOAD_DEBUG, .opt_entry = UINT32_C(0x7e000),	\
	.encls_opt_if_sgx = true, .cfg_cr8_cr3_adjust = true,		\
	.perf_erratum_in_cfg = true,					\
	.evmcs_cfg = EVMCS_CFG_MASK,					\
	.exit_mask = UINT32_C(0x008c1200), .exit_force = UINT32_C(0x0073edff), \
	.entry_mask = UINT32_C(0x00016200), .entry_force = UINT32_C(0x000091ff), \
	.vmfunc_added = true,						\
	.vmcs_enum = VMCS_ENUM_FIXED,					\
	.restore_vs_vcpu = true, .cpuid_mpx_pmu_tweaks = true

/* Sets of the vmcs_config-based releases (6.1+). */
#define SETUP_6X							\
	.min_pin = PIN_EXT_INTR | PIN_NMI_EXIT,				\
	.opt_pin = PIN_VIRTUAL_NMIS | PIN_POSTED_INTR | PIN_PREEMPT_TIMER, \
	.min_proc = UINT32_C(0x21998e8c), .opt_proc = UINT32_C(0xda621000), \
	.opt_proc3 = P3_IPI_VIRT,					\
	.min_exit = UINT32_C(0x8204), .opt_exit = UINT32_C(0x03fc1000), \
	.min_entry = ENTRY_LOAD_DEBUG | ENTRY_IA32E, .opt_entry = UINT32_C(0x7e000), \
	.cfg_encls_needs_sgx = true, .inconsistent_can_fail = true,	\
	.entry_exit_pairs = 5, .nx_required = true,			\
	.nested_from_cfg = true,					\
	.exit_mask = UINT32_C(0x008c0200), .exit_force = UINT32_C(0x0073fdff), \
	.entry_mask = UINT32_C(0x00014200), .entry_force = UINT32_C(0x0000b1ff), \
	.misc_force = UINT32_C(0x20000145),				\
	.umip_cr4_fixed1 = true,					\
	.vmcs_enum = VMCS_ENUM_FIXED, .vmcs_enum_value = 0x32,		\
	.evmcs_read_needs_hv = true

#define EVMCS_CFG_ALLOWLIST .evmcs_cfg = EVMCS_CFG_MASK,		\
	.evmcs_cfg_keep = { EVMCS_ALLOW_PIN, EVMCS_ALLOW_PROC, EVMCS_ALLOW_PROC2, \
			    EVMCS_ALLOW_EXIT, EVMCS_ALLOW_ENTRY, 0, 0 }

static const struct nvmx_kernel kernels[] = {
	{
		.name = "5.10", .version = 0x050a00,
		.summary = "oldest model: nested MSRs from raw hardware MSRs, restore checked "
			   "against the vCPU's current values; no TSC scaling, ENCLS or "
			   "wait-for-SIPI for L1; VMCS_ENUM 0x2e",
		.params = PARAMS_BASE,
		SETUP_5X,
		.opt_proc2 = UINT32_C(0x071b7fff),
		.evmcs_cfg_keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2,
				    ~EXIT_LOAD_PERF_GLOBAL, ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ALL64 },
		.proc2_mask = UINT32_C(0x00111b5c),
		.misc_force = UINT32_C(0x20000045),
		.invpcid_needs_pcid = true,
		.vmcs_enum_value = 0x2e,
		.evmcs_read = READ_FILTER_510,
	},
	{
		.name = "5.15", .version = 0x050f00,
		.summary = "L1 gets TSC scaling, ENCLS exiting (sgx=1) and wait-for-SIPI; "
			   "refuses to load without NX when EPT is off; on Hyper-V drops TSC "
			   "scaling from vmcs_config but still offers it to L1",
		.params = PARAMS_BASE | P(SGX),
		SETUP_5X,
		.opt_proc2 = UINT32_C(0x471b7fff),
		.nx_required = true,
		.evmcs_cfg_keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2,
				    ~EXIT_LOAD_PERF_GLOBAL, ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ALL64 },
		.proc2_mask = UINT32_C(0x02111b5c),
		.misc_force = UINT32_C(0x20000145),
		.vmcs_enum_value = 0x32,
		.evmcs_read = READ_FILTER_515,
	},
	{
		.name = "5.19", .version = 0x051300,
		.summary = "last release before the vmcs_config rework; eVMCS also drops "
			   "save-preemption-timer, and L1's eVMCS read filter covers "
			   "TRUE_PINBASED; enable_pmu parameter",
		.params = PARAMS_BASE | P(SGX) | P(ENABLE_PMU),
		SETUP_5X,
		.opt_proc2 = UINT32_C(0x471b7fff),
		.nx_required = true,
		.evmcs_cfg_keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2,
				    ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT),
				    ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ALL64 },
		.proc2_mask = UINT32_C(0x02111b5c),
		.misc_force = UINT32_C(0x20000145),
		.vmcs_enum_value = 0x32,
		.evmcs_read = READ_FILTER_519,
	},
	{
		.name = "6.1", .version = 0x060100,
		.summary = "nested MSRs from vmcs_config; PERF_GLOBAL_CTRL load controls always "
			   "offered; restore checked against KVM's maximum; ENCLS exiting only "
			   "with SGX; inconsistent entry/exit pairs refuse to load; no eVMCS "
			   "trimming of vmcs_config; CR4_FIXED1 gains UMIP when emulated",
		.params = PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) |
			  P(ERROR_ON_INCONSISTENT),
		SETUP_6X,
		.opt_proc2 = UINT32_C(0xc71bffff),
		.evmcs_cfg = EVMCS_CFG_NONE,
		.proc2_mask = UINT32_C(0x02111b5c),
		.vmfunc_added = true,
		.evmcs_read = READ_FILTER_61,
	},
	{
		.name = "6.6", .version = 0x060600,
		.summary = "L1 gets USR_WAIT_PAUSE; CPUID stuffing bounded by KVM's maximum; "
			   "on Hyper-V vmcs_config trimmed to eVMCS allowlists; writes after "
			   "KVM_RUN with a different value refused (same value ignored); UMIP "
			   "in CR4_FIXED1 only when the host lacks it",
		.params = PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) |
			  P(ERROR_ON_INCONSISTENT),
		SETUP_6X,
		.opt_proc2 = UINT32_C(0xc71bffff),
		EVMCS_CFG_ALLOWLIST,
		.proc2_mask = UINT32_C(0x06113b5c),
		.umip_only_without_host = true,
		.freeze = FREEZE_IGNORE_SAME,
		.stuff_bounded = true,
		.evmcs_read = READ_FILTER_63,
	},
	{
		.name = "6.12", .version = 0x060c00,
		.summary = "same-value writes after KVM_RUN go through the normal checks; "
			   "CR4.LAM_SUP follows guest CPUID; EPT-violation #VE never used",
		.params = PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) |
			  P(ERROR_ON_INCONSISTENT),
		SETUP_6X,
		.opt_proc2 = UINT32_C(0xc71fffff),
		.cfg_clears_ept_ve = true,
		EVMCS_CFG_ALLOWLIST,
		.proc2_mask = UINT32_C(0x06113b5c),
		.umip_only_without_host = true,
		.freeze = FREEZE_CHECK_SAME,
		.stuff_bounded = true,
		.cr4_lam = true,
		.evmcs_read = READ_FILTER_63,
	},
	{
		.name = "6.18.2", .version = 0x061202,
		.summary = "CET: load-CET-state entry/exit controls offered to L1 where the "
			   "hardware has them; BASIC bit 56 (no HW error-code check) passed "
			   "through; PERF_GLOBAL_CTRL erratum back in vmcs_config; "
			   "STUFF_FEATURE_MSRS quirk",
		.params = PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) |
			  P(ERROR_ON_INCONSISTENT),
		SETUP_6X,
		.opt_proc2 = UINT32_C(0xc71fffff),
		.opt_exit = UINT32_C(0x13fc1000), .opt_entry = UINT32_C(0x17e000),
		.entry_exit_pairs = 6, .clamps_shadow_vmcs = true,
		.perf_erratum_in_cfg = true, .perf_erratum_vendor = true,
		.cfg_clears_ept_ve = true,
		EVMCS_CFG_ALLOWLIST,
		.exit_mask = UINT32_C(0x108c0200), .entry_mask = UINT32_C(0x00114200),
		.proc2_mask = UINT32_C(0x06113b5c),
		.basic_no_hw_errcode = true,
		.cet = CET_KVM_CAPS,
		.umip_only_without_host = true,
		.freeze = FREEZE_CHECK_SAME,
		.stuff_bounded = true, .stuff_quirk = true,
		.cr4_lam = true, .cr4_cet = true,
		.evmcs_read = READ_FILTER_63,
	},
	{
		.name = "7.0", .version = 0x070000,
		.summary = "VMCS_ENUM from the vmcs12 fields the host supports (0x2e without "
			   "TSC scaling); CET for L1 needs CET state in host IA32_XSS; writes "
			   "refused while L2 runs; save-PERF_GLOBAL_CTRL exit control in "
			   "vmcs_config (mediated PMU)",
		.params = PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) |
			  P(ERROR_ON_INCONSISTENT) | P(MEDIATED_PMU),
		SETUP_6X,
		.opt_proc2 = UINT32_C(0xc71fffff),
		.opt_exit = UINT32_C(0x53fc1000), .opt_entry = UINT32_C(0x17e000),
		.entry_exit_pairs = 6, .clamps_shadow_vmcs = true,
		.perf_erratum_in_cfg = true, .perf_erratum_vendor = true,
		.cfg_clears_ept_ve = true,
		EVMCS_CFG_ALLOWLIST,
		.exit_mask = UINT32_C(0x108c0200), .entry_mask = UINT32_C(0x00114200),
		.proc2_mask = UINT32_C(0x06113b5c),
		.basic_no_hw_errcode = true,
		.cet = CET_NEEDS_XSS,
		.umip_only_without_host = true,
		.vmcs_enum = VMCS_ENUM_BY_FIELDS,
		.freeze = FREEZE_CHECK_SAME, .freeze_in_guest_mode = true,
		.stuff_bounded = true, .stuff_quirk = true,
		.cr4_lam = true, .cr4_cet = true,
		.evmcs_read = READ_FILTER_63,
	},
	{
		.name = "7.1.3", .version = 0x070103,
		.summary = "`cet` module parameter (cleared without the load-CET-state "
			   "entry control); nested values as 7.0",
		.params = PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) |
			  P(ERROR_ON_INCONSISTENT) | P(MEDIATED_PMU) | P(CET),
		SETUP_6X,
		.opt_proc2 = UINT32_C(0xc71fffff),
		.opt_exit = UINT32_C(0x53fc1000), .opt_entry = UINT32_C(0x17e000),
		.entry_exit_pairs = 6, .clamps_shadow_vmcs = true,
		.perf_erratum_in_cfg = true, .perf_erratum_vendor = true,
		.cfg_clears_ept_ve = true,
		EVMCS_CFG_ALLOWLIST,
		.exit_mask = UINT32_C(0x108c0200), .entry_mask = UINT32_C(0x00114200),
		.proc2_mask = UINT32_C(0x06113b5c),
		.basic_no_hw_errcode = true,
		.cet = CET_NEEDS_XSS, .cet_param = true,
		.umip_only_without_host = true,
		.vmcs_enum = VMCS_ENUM_BY_FIELDS,
		.freeze = FREEZE_CHECK_SAME, .freeze_in_guest_mode = true,
		.stuff_bounded = true, .stuff_quirk = true,
		.cr4_lam = true, .cr4_cet = true,
		.evmcs_read = READ_FILTER_63,
	},
};

#define NKERNELS (sizeof(kernels) / sizeof(kernels[0]))

unsigned nvmx_kernel_count(void)
{
	return NKERNELS;
}

const struct nvmx_kernel *nvmx_kernel_at(unsigned i)
{
	return i < NKERNELS ? &kernels[i] : 0;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

const struct nvmx_kernel *nvmx_kernel_find(const char *name)
{
	for (unsigned i = 0; i < NKERNELS; i++)
		if (str_eq(kernels[i].name, name))
			return &kernels[i];
	return 0;
}

const char *nvmx_kernel_name(const struct nvmx_kernel *k)
{
	return k->name;
}

const char *nvmx_kernel_summary(const struct nvmx_kernel *k)
{
	return k->summary;
}

static const char *parse_num(const char *s, unsigned *out)
{
	unsigned v = 0;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned)(*s++ - '0');
	*out = v;
	return s;
}

/*
 * A running kernel "6.1.0-18-amd64" maps to the newest profile not newer
 * than it; distribution suffixes are ignored (their backports are not).
 */
const struct nvmx_kernel *nvmx_kernel_for_uname(const char *release)
{
	unsigned maj, min, patch = 0;
	const char *s = parse_num(release, &maj);
	if (!s || *s != '.' || !(s = parse_num(s + 1, &min)))
		return 0;
	if (*s == '.' && !parse_num(s + 1, &patch))
		patch = 0;
	else if (*s == '.')
		parse_num(s + 1, &patch);
	uint32_t v = maj << 16 | min << 8 | (patch > 255 ? 255 : patch);
	const struct nvmx_kernel *best = 0;
	for (unsigned i = 0; i < NKERNELS; i++)
		if (kernels[i].version <= v)
			best = &kernels[i];
	return best;
}
