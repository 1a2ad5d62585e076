/* SPDX-License-Identifier: MIT */
/*
 * The supported KVM releases, one row each, oldest first.  Values and the
 * release that introduced each switch are from the kernel sources of those
 * releases (arch/x86/kvm/vmx/{vmx.c,vmx.h,nested.c,capabilities.h,evmcs.c,
 * hyperv.c,hyperv_evmcs.h}, arch/x86/kvm/x86.c); docs/kernels.md names the
 * tree each row was checked against and which rows the conformance cases
 * check.  A row named by a point release ("6.2.1") was read in that stable
 * tree; stable trees can carry backports the mainline release lacks.
 */
#include "kernels.h"
#include "vmx_bits.h"

/* Parameters every release has. */
#define PARAMS_BASE (P(NESTED) | P(EPT) | P(VPID) | P(UNRESTRICTED_GUEST) | P(EPTAD) | \
		     P(FLEXPRIORITY) | P(ENABLE_APICV) | P(PML) | P(PREEMPTION_TIMER) | \
		     P(PT_MODE) | P(ENLIGHTENED_VMCS) | P(SHADOW_VMCS) | P(VNMI) | \
		     P(PLE_GAP) | P(PLE_WINDOW) | P(PLE_WINDOW_GROW) | \
		     P(PLE_WINDOW_SHRINK) | P(PLE_WINDOW_MAX))

/* 6.0-6.19: IPI virtualization and error_on_inconsistent_vmcs_config arrive in 6.0. */
#define PARAMS_60 (PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) | \
		   P(ERROR_ON_INCONSISTENT))

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

/*
 * 6.0 (and 6.0.y): setup_vmcs_config() still has its inline sets and the
 * nested control words still come from the raw MSRs, but tertiary controls
 * (IPI virtualization), NOTIFY exiting, the entry/exit pair check and
 * error_on_inconsistent_vmcs_config are there; restores are checked against
 * KVM's maximum and the 5.x CPUID tweaks of BNDCFGS/PERF_GLOBAL_CTRL are
 * reverted; the eVMCS denylist also drops the tertiary controls.
 */
#define SETUP_60							\
	SETUP_5X,							\
	.opt_proc = UINT32_C(0x90220000), .opt_proc3 = P3_IPI_VIRT,	\
	.opt_proc2 = UINT32_C(0xc71b7fff),				\
	.inconsistent_can_fail = true, .entry_exit_pairs = 5, .nx_required = true, \
	.evmcs_cfg_keep = { ~EVMCS_DENY_PIN, ~PROC_TERTIARY, ~EVMCS_DENY_PROC2, \
			    ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT), \
			    ~ENTRY_LOAD_PERF_GLOBAL, 0, ALL64 },	\
	.misc_force = UINT32_C(0x20000145),				\
	.umip_cr4_fixed1 = true,					\
	.vmcs_enum_value = 0x32,					\
	.restore_vs_vcpu = false, .cpuid_mpx_pmu_tweaks = false,	\
	.evmcs_read = READ_FILTER_519

/* Sets of the vmcs_config-based releases (6.1+). */
#define SETUP_6X							\
	.min_pin = PIN_EXT_INTR | PIN_NMI_EXIT,				\
	.opt_pin = PIN_VIRTUAL_NMIS | PIN_POSTED_INTR | PIN_PREEMPT_TIMER, \
	.min_proc = UINT32_C(0x21998e8c), .opt_proc = UINT32_C(0xda621000), \
	.opt_proc3 = P3_IPI_VIRT,					\
	.min_exit = UINT32_C(0x8204), .opt_exit = UINT32_C(0x03fc1000), \
	.min_entry = ENTRY_LOAD_DEBUG | ENTRY_IA32E, .opt_entry = UINT32_C(0x7e000), \
	.cfg_encls_needs_sgx = true, .sgx_needs_encls = true,		\
	.inconsistent_can_fail = true,					\
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

/* 6.3-6.10: eVMCS allowlists, VMFUNC through the secondary mask, bounded stuffing. */
#define SETUP_63							\
	SETUP_6X,							\
	.opt_proc2 = UINT32_C(0xc71bffff),				\
	EVMCS_CFG_ALLOWLIST,						\
	.proc2_mask = UINT32_C(0x06113b5c),				\
	.stuff_bounded = true,						\
	.evmcs_read = READ_FILTER_63

/* 6.5-6.9: UMIP in CR4_FIXED1 only without host UMIP; immutable after KVM_RUN, same value ignored (6.4). */
#define SETUP_65							\
	SETUP_63,							\
	.umip_only_without_host = true,					\
	.freeze = FREEZE_IGNORE_SAME

/* 6.11-6.17: EPT-violation #VE in the optional set (dropped again), same-value writes checked. */
#define SETUP_611							\
	SETUP_63,							\
	.opt_proc2 = UINT32_C(0xc71fffff), .cfg_clears_ept_ve = true,	\
	.umip_only_without_host = true,					\
	.freeze = FREEZE_CHECK_SAME,					\
	.cr4_lam = true

/* 6.13-6.17: STUFF_FEATURE_MSRS quirk; PERF_GLOBAL_CTRL erratum in vmcs_config, Intel only. */
#define SETUP_613							\
	SETUP_611,							\
	.perf_erratum_in_cfg = true, .perf_erratum_vendor = true,	\
	.stuff_quirk = true

/* 6.18-7.1: CET (sixth entry/exit pair, nested load-CET-state), BASIC bit 56. */
#define SETUP_618							\
	SETUP_613,							\
	.opt_exit = UINT32_C(0x13fc1000), .opt_entry = UINT32_C(0x17e000), \
	.entry_exit_pairs = 6, .clamps_shadow_vmcs = true,		\
	.exit_mask = UINT32_C(0x108c0200), .entry_mask = UINT32_C(0x00114200), \
	.basic_no_hw_errcode = true,					\
	.cet = CET_KVM_CAPS,						\
	.cr4_cet = true

/* 7.0-7.1: mediated-PMU exit control, VMCS_ENUM from the fields the host backs,
 * CET needs host IA32_XSS, writes refused while L2 runs. */
#define SETUP_70							\
	SETUP_618,							\
	.opt_exit = UINT32_C(0x53fc1000),				\
	.cet = CET_NEEDS_XSS,						\
	.vmcs_enum = VMCS_ENUM_BY_FIELDS,				\
	.freeze_in_guest_mode = true

static const struct nvmx_kernel kernels[] = {
	{
		.name = "5.10", .version = 0x050a00,
		.summary = "oldest model: nested MSRs from raw hardware MSRs, restore checked "
			   "against the vCPU's current values; no TSC scaling, ENCLS or "
			   "wait-for-SIPI for L1; VMCS_ENUM 0x2e [5.10.0; conformance data]",
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
			   "scaling from vmcs_config but still offers it to L1 "
			   "[5.15.0; conformance data]",
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
			   "TRUE_PINBASED; enable_pmu parameter [5.19.0; conformance data]",
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
		.name = "6.0", .version = 0x060000,
		.summary = "nested MSRs still from the raw hardware MSRs, but restore checked "
			   "against KVM's maximum; tertiary controls, NOTIFY exiting and "
			   "entry/exit pair checks (error_on_inconsistent_vmcs_config) in "
			   "vmcs_config; no CPUID tweaks of BNDCFGS/PERF_GLOBAL_CTRL; CR4_FIXED1 "
			   "gains UMIP when emulated; eVMCS also drops tertiary controls "
			   "[6.0.0 tree, read]",
		.params = PARAMS_60,
		SETUP_60,
		.proc2_mask = UINT32_C(0x02111b5c),
	},
	{
		.name = "6.0.19", .version = 0x060013,
		.summary = "6.0 with the stable backports: USR_WAIT_PAUSE offered to L1 "
			   "(31de69f4eea7, from 6.0.18) and sgx cleared without ENCLS exiting "
			   "(1c1a41497ab8) [6.0.19 tree, read]",
		.params = PARAMS_60,
		SETUP_60,
		.proc2_mask = UINT32_C(0x06111b5c),
		.sgx_needs_encls = true,
	},
	{
		.name = "6.1", .version = 0x060100,
		.summary = "nested MSRs from vmcs_config; PERF_GLOBAL_CTRL load controls always "
			   "offered; restore checked against KVM's maximum; ENCLS exiting only "
			   "with SGX; inconsistent entry/exit pairs refuse to load; no eVMCS "
			   "trimming of vmcs_config; CR4_FIXED1 gains UMIP when emulated "
			   "[6.1-rc7 = 6.1.0; conformance data]",
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
		.name = "6.2.1", .version = 0x060201,
		.summary = "L1 gets USR_WAIT_PAUSE (31de69f4eea7); CPUID stuffing bounded by "
			   "KVM's maximum (a0860d68a25d); otherwise 6.1 [6.2.1 tree, read]",
		.params = PARAMS_60,
		SETUP_6X,
		.opt_proc2 = UINT32_C(0xc71bffff),
		.evmcs_cfg = EVMCS_CFG_NONE,
		.proc2_mask = UINT32_C(0x06111b5c),
		.vmfunc_added = true,
		.stuff_bounded = true,
		.evmcs_read = READ_FILTER_61,
	},
	{
		.name = "6.3.8", .version = 0x060308,
		.summary = "on Hyper-V vmcs_config trimmed to the eVMCS allowlists; L1's eVMCS "
			   "read filter becomes the allowlist (primary controls too, VMFUNC 0); "
			   "VMFUNC control via the secondary mask [6.3.8 tree, read]",
		.params = PARAMS_60,
		SETUP_63,
	},
	{
		.name = "6.4", .version = 0x060400,
		.summary = "writes after KVM_RUN with a different value refused, same value "
			   "ignored (0094f62c7eaa) [6.4.0 tree, read]",
		.params = PARAMS_60,
		SETUP_63,
		.freeze = FREEZE_IGNORE_SAME,
	},
	{
		.name = "6.5", .version = 0x060500,
		.summary = "UMIP in CR4_FIXED1 only when the host lacks it [6.5.0 tree, read]",
		.params = PARAMS_60,
		SETUP_63,
		.umip_only_without_host = true,
		.freeze = FREEZE_IGNORE_SAME,
	},
	{
		.name = "6.6", .version = 0x060600,
		.summary = "nested values and checks as 6.5 (XSAVES and the guest-VMX gate "
			   "through governed features, same result): the 6.2-6.5 changes as "
			   "checked by conformance data [6.6.0; conformance data]",
		.params = PARAMS_60,
		SETUP_65,
	},
	{
		.name = "6.8", .version = 0x060800,
		.summary = "CR4.LAM_SUP in the vCPU's CR4_FIXED1 follows guest CPUID (LAM) "
			   "[6.8.0 tree, read]",
		.params = PARAMS_60,
		SETUP_65,
		.cr4_lam = true,
	},
	{
		.name = "6.9", .version = 0x060900,
		.summary = "nested values and checks as 6.8 [6.9.0 tree, read]",
		.params = PARAMS_60,
		SETUP_65,
		.cr4_lam = true,
	},
	{
		.name = "6.11.11", .version = 0x060b0b,
		.summary = "same-value writes after KVM_RUN go through the normal checks; "
			   "EPT-violation #VE optional but never used [6.11.11 tree, read]",
		.params = PARAMS_60,
		SETUP_611,
	},
	{
		.name = "6.12", .version = 0x060c00,
		.summary = "nested values and checks as 6.11.11 (VMX_BASIC kept whole in "
			   "vmcs_config, same masks) [6.12.0; conformance data]",
		.params = PARAMS_60,
		SETUP_611,
	},
	{
		.name = "6.13.7", .version = 0x060d07,
		.summary = "KVM_X86_QUIRK_STUFF_FEATURE_MSRS (disabled: vCPU starts with zero "
			   "VMX MSRs, no CPUID stuffing); PERF_GLOBAL_CTRL erratum back in "
			   "vmcs_config, Intel only [6.13.7 tree, read]",
		.params = PARAMS_60,
		SETUP_613,
	},
	{
		.name = "6.14", .version = 0x060e00,
		.summary = "nested values and checks as 6.13 [6.14.0 tree, read]",
		.params = PARAMS_60,
		SETUP_613,
	},
	{
		.name = "6.17", .version = 0x061100,
		.summary = "nested values and checks as 6.13; entry/exit pair check finishes "
			   "all pairs before failing (same outcome) [6.17.0 tree, read]",
		.params = PARAMS_60,
		SETUP_613,
	},
	{
		.name = "6.18.2", .version = 0x061202,
		.summary = "CET: load-CET-state entry/exit controls offered to L1 where the "
			   "hardware has them (host IA32_XSS not yet consulted); sixth "
			   "entry/exit pair; BASIC bit 56 (no HW error-code check) passed "
			   "through; CR4.CET follows guest CPUID [6.18.2; conformance data]",
		.params = PARAMS_60,
		SETUP_618,
	},
	{
		.name = "6.19.9", .version = 0x061309,
		.summary = "as 6.18.2, but CET for L1 needs CET state in host IA32_XSS "
			   "(kvm_setup_xss_caps() from vmx_set_cpu_caps(), as in 7.0) "
			   "[6.19.9 tree, read]",
		.params = PARAMS_60,
		SETUP_618,
		.cet = CET_NEEDS_XSS,
	},
	{
		.name = "7.0", .version = 0x070000,
		.summary = "VMCS_ENUM from the vmcs12 fields the host supports (0x2e without "
			   "TSC scaling); writes refused while L2 runs; save-PERF_GLOBAL_CTRL "
			   "exit control in vmcs_config (mediated PMU) [7.0.0; conformance data]",
		.params = PARAMS_60 | P(MEDIATED_PMU),
		SETUP_70,
	},
	{
		.name = "7.1.3", .version = 0x070103,
		.summary = "`cet` module parameter (cleared without the load-CET-state "
			   "entry control); nested values as 7.0 [7.1.3; conformance data]",
		.params = PARAMS_60 | P(MEDIATED_PMU) | P(CET),
		SETUP_70,
		.cet_param = true,
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

/* major << 16 | minor << 8, the series a row or a release belongs to. */
#define SERIES(v) ((v) & ~UINT32_C(0xff))

/*
 * A row by its exact name ("6.2.1"); failing that, a plain "X.Y" names the
 * row of that series, the oldest point release if there are several
 * ("6.18" is the 6.18.2 row).
 */
const struct nvmx_kernel *nvmx_kernel_find(const char *name)
{
	for (unsigned i = 0; i < NKERNELS; i++)
		if (str_eq(kernels[i].name, name))
			return &kernels[i];
	unsigned maj, min;
	const char *s = parse_num(name, &maj);
	if (!s || *s != '.' || !(s = parse_num(s + 1, &min)) || *s || maj > 255 || min > 255)
		return 0;
	uint32_t series = maj << 16 | min << 8;
	for (unsigned i = 0; i < NKERNELS; i++)
		if (SERIES(kernels[i].version) == series)
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

/*
 * A running kernel "6.1.0-18-amd64" maps to the newest row of its own series
 * (major.minor) not newer than it; when the series has only newer point
 * releases (6.18.0 against the 6.18.2 row) to the oldest of those, which is
 * closer than the previous series; else to the newest older row (6.10 runs
 * as 6.9).  Distribution suffixes are ignored (their backports are not).
 */
const struct nvmx_kernel *nvmx_kernel_for_uname(const char *release)
{
	unsigned maj, min, patch = 0;
	const char *s = parse_num(release, &maj);
	if (!s || *s != '.' || !(s = parse_num(s + 1, &min)))
		return 0;
	if (*s == '.' && !parse_num(s + 1, &patch))
		patch = 0;
	if (maj > 255 || min > 255)
		return 0;
	uint32_t v = maj << 16 | min << 8 | (patch > 255 ? 255 : patch);
	const struct nvmx_kernel *best = 0, *same_series = 0;
	for (unsigned i = 0; i < NKERNELS; i++) {
		if (kernels[i].version <= v)
			best = &kernels[i];
		if (!same_series && SERIES(kernels[i].version) == SERIES(v))
			same_series = &kernels[i];
	}
	if (best && SERIES(best->version) == SERIES(v))
		return best;
	return same_series ? same_series : best;
}
