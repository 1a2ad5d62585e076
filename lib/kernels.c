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

/* 6.11.11 and 6.12+: pt_mode is registered only with CONFIG_BROKEN (aa0d42cacf09,
 * read in the 6.11.11, 6.12.0 and 6.18.2 trees); the conformance cases never set it
 * for these rows. */
#define PARAMS_612 (PARAMS_60 & ~P(PT_MODE))

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
	.inconsistent_can_fail = true, .vnmi_needs_nmi_window = true,	\
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

/*
 * Backports and distribution patches, each once: a distribution or stable
 * row names its base and lists these; nvmx_kernel_apply() is the meaning.
 */
static const struct nvmx_change ch_31de69f4eea7 = {
	"31de69f4eea7", "KVM: nVMX: Properly expose ENABLE_USR_WAIT_PAUSE control to L1",
	"the secondary-controls mask gains USR_WAIT_PAUSE (bit 26): L1 is offered it on "
	"WAITPKG hosts, and a vCPU's CPUID-stuffed value restores",
	1, { OR(proc2_mask, P2_USR_WAIT_PAUSE) },
};

static const struct nvmx_change ch_aa0d42cacf09 = {
	"aa0d42cacf09", "KVM: VMX: Bury Intel PT virtualization (guest/host mode) behind CONFIG_BROKEN",
	"no pt_mode module parameter (host/guest PT only with CONFIG_BROKEN); the nested "
	"MSRs do not change (PT controls are never offered to L1)",
	1, { CLEAR(params, P(PT_MODE)) },
};

static const struct nvmx_change ch_85434c3c73fc = {
	"85434c3c73fc",
	"Revert \"KVM: VMX: Move LOAD_IA32_PERF_GLOBAL_CTRL errata handling out of setup_vmcs_config()\"",
	"on the Nehalem/Westmere errata CPUs (Intel only) the PERF_GLOBAL_CTRL entry/exit load "
	"controls are dropped from vmcs_config again; L1's offer is unchanged (emulated)",
	2, { SET(perf_erratum_in_cfg, true), SET(perf_erratum_vendor, true) },
};

static const struct nvmx_change ch_f8ae08f9789a = {
	"f8ae08f9789a", "KVM: nVMX: Let userspace set nVMX MSR to any _host_ supported value",
	"restores are checked against KVM's maximum (vmcs_config.nested), not the vCPU's current "
	"values: clearing a bit and writing it back is accepted",
	1, { SET(restore_vs_vcpu, false) },
};

static const struct nvmx_change ch_evmcs_filter_all = {
	"5.15-rc (stable 5.10.84)",
	"KVM: nVMX: Filter out all unsupported controls when eVMCS was activated",
	"L1 with eVMCS reads 0x481, 0x48b and 0x491 without every control eVMCS v1 cannot carry "
	"(posted interrupts, preemption timer; APIC virtualization, PML, VMFUNC, shadow VMCS, TSC "
	"scaling, PLE; EPTP switching), not only without APIC-access virtualization",
	3, { SET(evmcs_read.keep.pin, ~EVMCS_DENY_PIN), SET(evmcs_read.keep.proc2, ~EVMCS_DENY_PROC2),
	     SET(evmcs_read.keep.vmfunc, ~UINT64_C(1)) },
};

static const struct nvmx_change ch_f80ae0ef089a = {
	"f80ae0ef089a", "KVM: nVMX: Also filter MSR_IA32_VMX_TRUE_PINBASED_CTLS when eVMCS",
	"the L1 eVMCS read filter covers 0x48d as well as 0x481",
	1, { SET(evmcs_read.pin_true_too, true) },
};

static const struct nvmx_change ch_7a601e2cf615 = {
	"7a601e2cf615", "KVM: nVMX: eVMCS: Filter out VM_EXIT_SAVE_VMX_PREEMPTION_TIMER",
	"save-preemption-timer (exit bit 22) hidden from L1 with eVMCS and, on Hyper-V, dropped "
	"from KVM's own vmcs_config",
	2, { CLEAR(evmcs_read.keep.exit, EXIT_SAVE_PREEMPT), CLEAR(evmcs_cfg_keep.exit, EXIT_SAVE_PREEMPT) },
};

static const struct nvmx_change ch_1c1a41497ab8 = {
	"1c1a41497ab8", "KVM: VMX: fully disable SGX if SECONDARY_EXEC_ENCLS_EXITING unavailable",
	"sgx is cleared where the hardware has no ENCLS exiting, so L1 is no longer offered "
	"ENCLS exiting (0x48b bit 47) on such hosts",
	1, { SET(sgx_needs_encls, true) },
};

static const struct nvmx_change ch_a910b5ab6b25 = {
	"a910b5ab6b25", "KVM: nVMX: Set UMIP bit CR4_FIXED1 MSR when emulating UMIP",
	"CR4_FIXED1 (0x489) gains UMIP (bit 11) where KVM emulates UMIP",
	1, { SET(umip_cr4_fixed1, true) },
};

static const struct nvmx_change ch_088b8eeb25ec = {
	"088b8eeb25ec", "KVM: x86: Quirk initialization of feature MSRs to KVM's max configuration",
	"KVM_X86_QUIRK_STUFF_FEATURE_MSRS exists (default on: nothing changes); with it disabled a "
	"fresh vCPU's VMX MSRs are 0 and KVM_SET_CPUID2 no longer adjusts 0x48b",
	1, { SET(stuff_quirk, true) },
};

static const struct nvmx_change ch_f8ade833b733 = {
	"f8ade833b733", "KVM: x86: Explicitly configure supported XSS from {svm,vmx}_set_cpu_caps()",
	"KVM's XSS caps are settled before the nested MSRs: without CET state in host IA32_XSS "
	"L1 is no longer offered the load-CET-state entry/exit controls",
	1, { SET(cet, CET_NEEDS_XSS) },
};

static const struct nvmx_change ch_rhel_nested_auto = {
	"RHEL 8: nested=-1",
	"kvm_intel.nested is a bint defaulting to -1 (auto): nested_vmx_hardware_setup() turns it on "
	"only with EPT and VMCS shadowing",
	"with default parameters nested is off (no nested MSRs) on hosts without usable EPT, "
	"without the shadow-VMCS control or without VMWRITE to exit fields (MISC bit 29), and with "
	"ept=0; nested=1 keeps 5.19's behaviour",
	1, { SET(nested_auto, true) },
};

/*
 * RHEL 9.5 took 6.10's EPT-violation #VE plumbing: the control is optional in
 * setup_vmcs_config() and cleared again right after unless
 * CONFIG_KVM_INTEL_PROVE_VE (not set in RHEL's or any distribution's config),
 * as in 6.11+ (SETUP_611).  Net: no VMX capability changes; kcheck on the
 * rhel-9.5 tree agrees with the row either way.
 */
static const struct nvmx_change ch_rhel_ept_ve = {
	"RHEL 9.5: 6.10's EPT-violation #VE",
	"SECONDARY_EXEC_EPT_VIOLATION_VE in KVM's optional secondary controls, cleared without "
	"CONFIG_KVM_INTEL_PROVE_VE (6.10's #VE test mode)",
	"none with CONFIG_KVM_INTEL_PROVE_VE unset (every distribution kernel): vmcs_config never "
	"keeps EPT-violation #VE and L1 is never offered it",
	2, { OR(opt_proc2, P2_EPT_VE), SET(cfg_clears_ept_ve, true) },
};
static const struct nvmx_change ch_rhel_pt_mode = {
	"RHEL 9.6: no aa0d42cacf09",
	"pt_mode stays a kvm_intel parameter (the CONFIG_BROKEN burial is not backported)",
	"pt_mode can be given again; the nested MSRs do not change",
	1, { OR(params, P(PT_MODE)) },
};

/*
 * The MBEC series: mainline 7.2 merged it; Proxmox VE 9.2 carries it as
 * patches 0034-0039 over 7.0 (0037 is MMU only).  Each patch once as edits,
 * named both ways.
 */
#define MBEC_0034 3, { OR(opt_proc2, P2_MBEC), OR(params, P(MBEC)), SET(cfg_mbec_needs_ept, true) }
#define MBEC_0034_EFFECT "SECONDARY_EXEC_MODE_BASED_EPT_EXEC optional in vmcs_config; new `mbec` " \
	"parameter (default 1), cleared without MBEC or EPT"
#define MBEC_0035 1, { OR(nested_ept_extra, EPT_ADV_EXIT) }
#define MBEC_0035_EFFECT "L1's IA32_VMX_EPT_VPID_CAP gains bit 22 (advanced EPT-violation exit " \
	"info) where the host has it, with ept=1"
#define MBEC_0036 1, { SET(cfg_mbec_needs_advinfo, true) }
#define MBEC_0036_EFFECT "MBEC dropped from vmcs_config when the host lacks advanced EPT-violation " \
	"exit info (EPT_VPID_CAP bit 22)"
#define MBEC_0038 1, { SET(nested_mbec, true) }
#define MBEC_0038_EFFECT "L1's PROCBASED_CTLS2 gains MBEC (allowed-1 bit 22, MSR bit 54) with ept=1 " \
	"and mbec=1"
#define MBEC_0039 2, { OR(evmcs_cfg_keep.proc2, P2_MBEC), OR(evmcs_read.keep.proc2, P2_MBEC) }
#define MBEC_0039_EFFECT "MBEC allowed with eVMCS: kept in KVM's vmcs_config on Hyper-V and in L1's " \
	"eVMCS reads of 0x48b"

static const struct nvmx_change ch_a0bdba68547c = {
	"a0bdba68547c", "KVM: VMX: enable use of MBEC", MBEC_0034_EFFECT, MBEC_0034 };
static const struct nvmx_change ch_f899ebca4435 = {
	"f899ebca4435", "KVM: nVMX: pass advanced EPT violation vmexit info to guest",
	MBEC_0035_EFFECT, MBEC_0035 };
static const struct nvmx_change ch_9f4442eb1553 = {
	"9f4442eb1553", "KVM: nVMX: pass PFERR_USER_MASK to MMU on EPT violations",
	MBEC_0036_EFFECT, MBEC_0036 };
static const struct nvmx_change ch_6ee40dc40a84 = {
	"6ee40dc40a84", "KVM: nVMX: advertise MBEC to nested guests", MBEC_0038_EFFECT, MBEC_0038 };
static const struct nvmx_change ch_57c45de75dc1 = {
	"57c45de75dc1", "KVM: nVMX: allow MBEC with EVMCS", MBEC_0039_EFFECT, MBEC_0039 };

static const struct nvmx_change pve_0034 = {
	"0034-KVM-VMX-enable-use-of-MBEC.patch", "KVM: VMX: enable use of MBEC (a0bdba68547c)",
	MBEC_0034_EFFECT, MBEC_0034 };
static const struct nvmx_change pve_0035 = {
	"0035-KVM-nVMX-pass-advanced-EPT-violation-vmexit-info-to-.patch",
	"KVM: nVMX: pass advanced EPT violation vmexit info to guest (f899ebca4435)",
	MBEC_0035_EFFECT, MBEC_0035 };
static const struct nvmx_change pve_0036 = {
	"0036-KVM-nVMX-pass-PFERR_USER_MASK-to-MMU-on-EPT-violatio.patch",
	"KVM: nVMX: pass PFERR_USER_MASK to MMU on EPT violations (9f4442eb1553)",
	MBEC_0036_EFFECT, MBEC_0036 };
static const struct nvmx_change pve_0038 = {
	"0038-KVM-nVMX-advertise-MBEC-to-nested-guests.patch",
	"KVM: nVMX: advertise MBEC to nested guests (6ee40dc40a84)", MBEC_0038_EFFECT, MBEC_0038 };
static const struct nvmx_change pve_0039 = {
	"0039-KVM-nVMX-allow-MBEC-with-EVMCS.patch", "KVM: nVMX: allow MBEC with EVMCS (57c45de75dc1)",
	MBEC_0039_EFFECT, MBEC_0039 };

/* The compiled form of the series (checked against the edits above). */
#define MBEC_ROW(params_, evmcs_read_proc2)						\
	.opt_proc2 = UINT32_C(0xc71fffff) | P2_MBEC,					\
	.params = (params_) | P(MBEC),							\
	.cfg_mbec_needs_ept = true, .cfg_mbec_needs_advinfo = true,			\
	.nested_ept_extra = EPT_ADV_EXIT, .nested_mbec = true,				\
	.evmcs_cfg_keep.proc2 = EVMCS_ALLOW_PROC2 | P2_MBEC,				\
	.evmcs_read.keep.proc2 = (evmcs_read_proc2) | P2_MBEC

/* The upstream rows' bodies, by name; a derived row starts from one. */

/*
 * 5.4.y, read in the 5.4.210 stable tree: 5.10's shape (nested MSRs from the raw
 * MSRs, restores checked against the vCPU), but N offers L1 neither the BNDCFGS
 * nor the PERF_GLOBAL_CTRL entry/exit controls (BNDCFGS come only with a guest
 * MPX CPUID, PERF_GLOBAL_CTRL never), nor 5-level EPT; ENCLS exiting is optional
 * in vmcs_config on every host; CR4_FIXED1 never gains LA57; and L1 enabling
 * eVMCS cuts the vCPU's own controls (nested_enable_evmcs) rather than filtering
 * its reads.  The eVMCS lists already have save-preemption-timer (7a601e2cf615,
 * stable 5.4.161-5.4.180).
 */
#define R_5_4 \
	.params = PARAMS_BASE, \
	SETUP_5X, \
	.encls_opt_if_sgx = false, \
	.opt_proc2 = UINT32_C(0x071bffff), \
	.evmcs_cfg_keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2, \
			    ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT), \
			    ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ALL64 }, \
	.exit_mask = UINT32_C(0x000c0200), .entry_mask = UINT32_C(0x00004200), \
	.proc2_mask = UINT32_C(0x00111b5c), \
	.misc_force = UINT32_C(0x20000045), \
	.invpcid_needs_pcid = true, \
	.vmcs_enum_value = 0x2e, \
	.nested_ept_no_pwl5 = true, .cpuid_no_pmu_tweak = true, \
	.xsaves_ignores_host = true, .cr4_no_la57 = true, .evmcs_cuts_vcpu = true, \
	.evmcs_read = READ_FILTER_519

#define R_5_10 \
	.params = PARAMS_BASE, \
	SETUP_5X, \
	.opt_proc2 = UINT32_C(0x071b7fff), \
	.evmcs_cfg_keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2, \
			    ~EXIT_LOAD_PERF_GLOBAL, ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ALL64 }, \
	.proc2_mask = UINT32_C(0x00111b5c), \
	.misc_force = UINT32_C(0x20000045), \
	.invpcid_needs_pcid = true, \
	.vmcs_enum_value = 0x2e, \
	.evmcs_read = READ_FILTER_510

#define R_5_15 \
	.params = PARAMS_BASE | P(SGX), \
	SETUP_5X, \
	.opt_proc2 = UINT32_C(0x471b7fff), \
	.nx_required = true, \
	.evmcs_cfg_keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2, \
			    ~EXIT_LOAD_PERF_GLOBAL, ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ALL64 }, \
	.proc2_mask = UINT32_C(0x02111b5c), \
	.misc_force = UINT32_C(0x20000145), \
	.vmcs_enum_value = 0x32, \
	.evmcs_read = READ_FILTER_515

#define R_5_19 \
	.params = PARAMS_BASE | P(SGX) | P(ENABLE_PMU), \
	SETUP_5X, \
	.opt_proc2 = UINT32_C(0x471b7fff), \
	.nx_required = true, \
	.evmcs_cfg_keep = { ~EVMCS_DENY_PIN, ALL32, ~EVMCS_DENY_PROC2, \
			    ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT), \
			    ~ENTRY_LOAD_PERF_GLOBAL, ALL64, ALL64 }, \
	.proc2_mask = UINT32_C(0x02111b5c), \
	.misc_force = UINT32_C(0x20000145), \
	.vmcs_enum_value = 0x32, \
	.evmcs_read = READ_FILTER_519

#define R_6_0 \
	.params = PARAMS_60, \
	SETUP_60, \
	.proc2_mask = UINT32_C(0x02111b5c)

#define R_6_0_19 \
	.params = PARAMS_60, \
	SETUP_60, \
	.proc2_mask = UINT32_C(0x06111b5c), \
	.sgx_needs_encls = true

#define R_6_1 \
	.params = PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) | \
		  P(ERROR_ON_INCONSISTENT), \
	SETUP_6X, \
	.opt_proc2 = UINT32_C(0xc71bffff), \
	.evmcs_cfg = EVMCS_CFG_NONE, \
	.proc2_mask = UINT32_C(0x02111b5c), \
	.vmfunc_added = true, \
	.evmcs_read = READ_FILTER_61

#define R_6_2_1 \
	.params = PARAMS_60, \
	SETUP_6X, \
	.opt_proc2 = UINT32_C(0xc71bffff), \
	.evmcs_cfg = EVMCS_CFG_NONE, \
	.proc2_mask = UINT32_C(0x06111b5c), \
	.vmfunc_added = true, \
	.stuff_bounded = true, \
	.evmcs_read = READ_FILTER_61

#define R_6_3_8 \
	.params = PARAMS_60, \
	SETUP_63

#define R_6_4 \
	.params = PARAMS_60, \
	SETUP_63, \
	.freeze = FREEZE_IGNORE_SAME

#define R_6_5 \
	.params = PARAMS_60, \
	SETUP_63, \
	.umip_only_without_host = true, \
	.freeze = FREEZE_IGNORE_SAME

#define R_6_6 \
	.params = PARAMS_60, \
	SETUP_65

#define R_6_8 \
	.params = PARAMS_60, \
	SETUP_65, \
	.cr4_lam = true

#define R_6_9 \
	.params = PARAMS_60, \
	SETUP_65, \
	.cr4_lam = true

#define R_6_11_11 \
	.params = PARAMS_612, \
	SETUP_611

#define R_6_12 \
	.params = PARAMS_612, \
	SETUP_611

#define R_6_13_7 \
	.params = PARAMS_612, \
	SETUP_613

#define R_6_14 \
	.params = PARAMS_612, \
	SETUP_613

#define R_6_17 \
	.params = PARAMS_612, \
	SETUP_613

#define R_6_18_2 \
	.params = PARAMS_612, \
	SETUP_618

#define R_6_19_9 \
	.params = PARAMS_612, \
	SETUP_618, \
	.cet = CET_NEEDS_XSS

#define R_7_0 \
	.params = PARAMS_612 | P(MEDIATED_PMU), \
	SETUP_70

#define R_7_1_3 \
	.params = PARAMS_612 | P(MEDIATED_PMU) | P(CET), \
	SETUP_70, \
	.cet_param = true

static const struct nvmx_kernel kernels[] = {
	{
		.name = "5.10", .version = KV(5, 10, 0), .date = 20201213, .verified = NVMX_VERIFIED_CONFORMANCE,
		.tree = "5.10.0 release tree (conformance harness)",
		.summary = "oldest model: nested MSRs from raw hardware MSRs, restore checked "
			   "against the vCPU's current values; no TSC scaling, ENCLS or "
			   "wait-for-SIPI for L1; VMCS_ENUM 0x2e [5.10.0; conformance data]",
		R_5_10,
	},
	{
		.name = "5.15", .version = KV(5, 15, 0), .date = 20211031, .verified = NVMX_VERIFIED_CONFORMANCE,
		.tree = "sndrzt/linux-5.15 @ 75c6ad16ec64, 5.15.0",
		.summary = "L1 gets TSC scaling, ENCLS exiting (sgx=1) and wait-for-SIPI; "
			   "refuses to load without NX when EPT is off; on Hyper-V drops TSC "
			   "scaling from vmcs_config but still offers it to L1 "
			   "[5.15.0; conformance data]",
		R_5_15,
	},
	{
		.name = "5.19", .version = KV(5, 19, 0), .date = 20220731, .verified = NVMX_VERIFIED_CONFORMANCE,
		.tree = "yishangzhang/linux-5.19 @ 319643233978, 5.19.0",
		.summary = "last release before the vmcs_config rework; eVMCS also drops "
			   "save-preemption-timer, and L1's eVMCS read filter covers "
			   "TRUE_PINBASED; enable_pmu parameter [5.19.0; conformance data]",
		R_5_19,
	},
	{
		.name = "5.4.210", .version = KV(5, 4, 210), .date = 20220811, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "unifreq/linux-5.4.y @ 8c7afda1a (stable imports; 5.4.210)",
		.summary = "5.4.y before the restore-check backport: nested MSRs from raw hardware "
			   "MSRs, restores checked against the vCPU's values; no BNDCFGS (without "
			   "guest MPX), PERF_GLOBAL_CTRL or 5-level EPT for L1; L1 enabling eVMCS "
			   "cuts the vCPU's own controls [5.4.210 tree]",
		R_5_4,
	},
	{
		.name = "6.0", .version = KV(6, 0, 0), .date = 20221002, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "Dima-diep/linux-6.0 @ 60a7cfc764a0, 6.0.0",
		.summary = "nested MSRs still from the raw hardware MSRs, but restore checked "
			   "against KVM's maximum; tertiary controls, NOTIFY exiting and "
			   "entry/exit pair checks (error_on_inconsistent_vmcs_config) in "
			   "vmcs_config; no CPUID tweaks of BNDCFGS/PERF_GLOBAL_CTRL; CR4_FIXED1 "
			   "gains UMIP when emulated; eVMCS also drops tertiary controls "
			   "[6.0.0 tree, read]",
		R_6_0,
	},
	{
		.name = "ubuntu-20.04-5.4.0-131", .version = KV(5, 4, 210), .date = 20221014,
		.verified = NVMX_VERIFIED_HARNESS,
		.distro = "Ubuntu 20.04 LTS (GA)", .release = "5.4.0-131",
		.base = "5.4.210",
		.tree = "balabit-deps/balabit-os-8-linux @ 2bbec3624539 (Ubuntu's linux 5.4.0-131.147 "
			"imported: 5.4.210 + Ubuntu's backports; its builds up to -131 lack f8ae08f9789a, "
			"which -132 took)",
		.summary = "Ubuntu 20.04's GA kernel up to 5.4.0-131: restores checked against the vCPU's "
			   "own values, which L1's eVMCS (hv-evmcs) cuts (quickemu#594)",
		R_5_4,
	},
	{
		.name = "6.1", .version = KV(6, 1, 0), .date = 20221211, .verified = NVMX_VERIFIED_CONFORMANCE,
		.tree = "tianrenz2/linux-6.1.0 @ 7c210bc387c3, 6.1.0-rc7 (= 6.1.0 for these files)",
		.summary = "nested MSRs from vmcs_config; PERF_GLOBAL_CTRL load controls always "
			   "offered; restore checked against KVM's maximum; ENCLS exiting only "
			   "with SGX; inconsistent entry/exit pairs refuse to load; no eVMCS "
			   "trimming of vmcs_config; CR4_FIXED1 gains UMIP when emulated "
			   "[6.1-rc7 = 6.1.0; conformance data]",
		R_6_1,
	},
	{
		.name = "6.0.19", .version = KV(6, 0, 19), .date = 20230112, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "RahulBoipai/linux-6.0.19 @ 22e9f0024734, 6.0.19",
		.summary = "6.0 with the stable backports: USR_WAIT_PAUSE offered to L1 "
			   "(31de69f4eea7, from 6.0.18) and sgx cleared without ENCLS exiting "
			   "(1c1a41497ab8) [6.0.19 tree, read]",
		R_6_0_19,
	},
	{
		.name = "6.2.1", .version = KV(6, 2, 1), .date = 20230225, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "daniellucs2002/linux-6.2.1-customized @ 52c70098cb4d, 6.2.1",
		.summary = "L1 gets USR_WAIT_PAUSE (31de69f4eea7); CPUID stuffing bounded by "
			   "KVM's maximum (a0860d68a25d); otherwise 6.1 [6.2.1 tree, read]",
		R_6_2_1,
	},
	{
		.name = "6.3.8", .version = KV(6, 3, 8), .date = 20230614, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "SToPire/linux-6.3.8 @ 15edfdde6504, 6.3.8",
		.summary = "on Hyper-V vmcs_config trimmed to the eVMCS allowlists; L1's eVMCS "
			   "read filter becomes the allowlist (primary controls too, VMFUNC 0); "
			   "VMFUNC control via the secondary mask [6.3.8 tree, read]",
		R_6_3_8,
	},
	{
		.name = "6.4", .version = KV(6, 4, 0), .date = 20230625, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "julianw1010/WASP-linux-6.4.0 @ 6e5f9d87eda5, 6.4.0",
		.summary = "writes after KVM_RUN with a different value refused, same value "
			   "ignored (0094f62c7eaa) [6.4.0 tree, read]",
		R_6_4,
	},
	{
		.name = "6.5", .version = KV(6, 5, 0), .date = 20230827, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "sndrzt/linux-6.5 @ f5744aac0f31, 6.5.0",
		.summary = "UMIP in CR4_FIXED1 only when the host lacks it [6.5.0 tree, read]",
		R_6_5,
	},
	{
		.name = "6.6", .version = KV(6, 6, 0), .date = 20231030, .verified = NVMX_VERIFIED_CONFORMANCE,
		.tree = "UEFI-code/linux-6.6-lumia920 @ 7b3ecd1345ff, 6.6.0",
		.summary = "nested values and checks as 6.5 (XSAVES and the guest-VMX gate "
			   "through governed features, same result): the 6.2-6.5 changes as "
			   "checked by conformance data [6.6.0; conformance data]",
		R_6_6,
	},
	{
		.name = "6.8", .version = KV(6, 8, 0), .date = 20240310, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "sndrzt/linux-6.8 @ 3bc197e7cf3c, 6.8.0",
		.summary = "CR4.LAM_SUP in the vCPU's CR4_FIXED1 follows guest CPUID (LAM) "
			   "[6.8.0 tree, read]",
		R_6_8,
	},
	{
		.name = "ubuntu-24.04-6.8.0-31", .version = KV(6, 8, 0), .date = 20240425,
		.verified = NVMX_VERIFIED_HARNESS,
		.distro = "Ubuntu 24.04 LTS (GA)", .release = "6.8.0-31",
		.base = "6.8",
		.tree = "sndrzt/linux-6.8 @ f116ff45a2ca (Ubuntu 6.8.0-31; vmx/ identical to 6.8.0); "
			"yukimaruyama2023/ubuntu-noble @ b6014e538651 (Ubuntu 6.8.0-49.49) the same",
		.summary = "Ubuntu 24.04's GA kernel up to 6.8.0-57 (release 6.8.0-31): nested values and "
			   "checks as 6.8",
		R_6_8,
	},
	{
		.name = "6.9", .version = KV(6, 9, 0), .date = 20240512, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "ec-jt/linux-6.9.0 @ dd616aa63e4f, 6.9.0",
		.summary = "nested values and checks as 6.8 [6.9.0 tree, read]",
		R_6_9,
	},
	{
		.name = "rhel-9.4", .version = KV(5, 14, 0), .date = 20241112, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "RHEL 9.4 (AlmaLinux, Rocky)", .release = "5.14.0-427.42.1.el9_4",
		.base = "6.6",
		.tree = "mkuron/almalinux-kernel @ 4f3c6cb80cb5 (vmx/ = 6.6.0's; date estimated)",
		.summary = "RHEL 9.4's 5.14.0-427: KVM is 6.6.0's (nested values and checks as 6.6)",
		R_6_6,
	},
	{
		.name = "6.12", .version = KV(6, 12, 0), .date = 20241117, .verified = NVMX_VERIFIED_CONFORMANCE,
		.tree = "shilei-massclouds/linux-6.12 @ 2974a9e75df2, 6.12.0",
		.summary = "nested values and checks as 6.11.11 (VMX_BASIC kept whole in "
			   "vmcs_config, same masks) [6.12.0; conformance data]",
		R_6_12,
	},
	{
		.name = "5.4.286", .version = KV(5, 4, 286), .date = 20241122, .verified = NVMX_VERIFIED_HARNESS,
		.base = "5.4.210", .changes = { &ch_f8ae08f9789a, &ch_31de69f4eea7 },
		.tree = "KINGFIOX/linux-5.4.286 @ 157e1f2b846f (date estimated)",
		.summary = "5.4.y stable line: restores checked against KVM's maximum (5.4.211), "
			   "USR_WAIT_PAUSE offered to L1 (5.4.221-5.4.229)",
		R_5_4,
		.restore_vs_vcpu = false,
		.proc2_mask = UINT32_C(0x04111b5c),
	},
	{
		.name = "6.11.11", .version = KV(6, 11, 11), .date = 20241205, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "segzix/linux-6.11.11 @ 323e1467a22a, 6.11.11",
		.summary = "same-value writes after KVM_RUN go through the normal checks; "
			   "EPT-violation #VE optional but never used [6.11.11 tree, read]",
		R_6_11_11,
	},
	{
		.name = "ubuntu-24.04-hwe-6.11", .version = KV(6, 11, 0), .date = 20250220,
		.verified = NVMX_VERIFIED_HARNESS,
		.distro = "Ubuntu 24.04 LTS (HWE)", .release = "6.11.0-19",
		.base = "6.11.11",
		.tree = "m-santh/linux_6.11.0-19-generic @ dbe43a8195ca (Ubuntu's linux 6.11.0-19.19, "
			"which linux-hwe-6.11 rebuilds at the same version; Makefile 6.11.11; vmx/ "
			"identical to 6.11.11)",
		.summary = "Ubuntu 24.04.2's HWE kernel (linux-hwe-6.11, 6.11.0-19): nested values and "
			   "checks as 6.11.11",
		R_6_11_11,
	},
	{
		.name = "6.13.7", .version = KV(6, 13, 7), .date = 20250313, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "ChenRuiwei/linux-6.13.7 @ f442e55ae5d6, 6.13.7",
		.summary = "KVM_X86_QUIRK_STUFF_FEATURE_MSRS (disabled: vCPU starts with zero "
			   "VMX MSRs, no CPUID stuffing); PERF_GLOBAL_CTRL erratum back in "
			   "vmcs_config, Intel only [6.13.7 tree, read]",
		R_6_13_7,
	},
	{
		.name = "6.14", .version = KV(6, 14, 0), .date = 20250324, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "perishh/linux-6.14 @ 16b95dcdf585, 6.14.0",
		.summary = "nested values and checks as 6.13 [6.14.0 tree, read]",
		R_6_14,
	},
	{
		.name = "ubuntu-20.04", .version = KV(5, 4, 291), .date = 20250411,
		.verified = NVMX_VERIFIED_HARNESS,
		.distro = "Ubuntu 20.04 LTS (GA)", .release = "5.4.0-216", .aliases = "focal",
		.base = "5.4.210", .changes = { &ch_f8ae08f9789a, &ch_31de69f4eea7, &ch_aa0d42cacf09 },
		.tree = "balabit-deps/balabit-os-8-linux @ f02bfe143245 (Ubuntu's linux 5.4.0-216.236 "
			"imported: 5.4.291 + Ubuntu's backports; f8ae08f9789a from 5.4.0-132, "
			"31de69f4eea7 from -144, aa0d42cacf09 from -211)",
		.summary = "Ubuntu 20.04's GA kernel (5.4.0-216): the 5.4.y stable line's nested values "
			   "and checks (as 5.4.286: restores against KVM's maximum, USR_WAIT_PAUSE for L1), "
			   "no pt_mode",
		R_5_4,
		.restore_vs_vcpu = false,
		.proc2_mask = UINT32_C(0x04111b5c),
		.params = PARAMS_BASE & ~P(PT_MODE),
	},
	{
		.name = "6.6.87", .version = KV(6, 6, 87), .date = 20250420, .verified = NVMX_VERIFIED_HARNESS,
		.base = "6.6", .changes = { &ch_aa0d42cacf09 },
		.tree = "Yunbaby8/linux-6.6.87-lab @ 7fe0c4ed5035 (date estimated)",
		.summary = "6.6.y stable line: no pt_mode parameter; nested values and checks as 6.6",
		R_6_6,
		.params = PARAMS_60 & ~P(PT_MODE),
	},
	{
		.name = "rhel-9.5", .version = KV(5, 14, 0), .date = 20250429, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "RHEL 9.5 (AlmaLinux, Rocky)", .release = "5.14.0-503.40.1.el9_5",
		.base = "6.8", .changes = { &ch_rhel_ept_ve },
		.tree = "mkuron/almalinux-kernel @ 6ce8c56cba55 (date estimated)",
		.summary = "RHEL 9.5's 5.14.0-503: 6.8's KVM plus 6.10's EPT-violation #VE plumbing, "
			   "which without CONFIG_KVM_INTEL_PROVE_VE changes no value",
		R_6_8,
		.opt_proc2 = UINT32_C(0xc71bffff) | P2_EPT_VE, .cfg_clears_ept_ve = true,
	},
	{
		.name = "6.12.33", .version = KV(6, 12, 33), .date = 20250619, .verified = NVMX_VERIFIED_HARNESS,
		.base = "6.12", .changes = { &ch_85434c3c73fc },
		.tree = "tes-rep/linux-6.12.y @ 445e77df6f0d; wishday/linux-6.12.y @ 21ae40e85ea7 "
			"(6.12.19) the same (date: Debian's 6.12.33-1 upload)",
		.summary = "6.12.y stable line: the PERF_GLOBAL_CTRL erratum back in setup_vmcs_config",
		R_6_12,
		.perf_erratum_in_cfg = true, .perf_erratum_vendor = true,
	},
	{
		.name = "rhel-9.6", .version = KV(5, 14, 0), .date = 20250805, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "RHEL 9.6 (AlmaLinux, Rocky)", .release = "5.14.0-570.32.1.el9_6",
		.base = "6.11.11", .changes = { &ch_rhel_pt_mode },
		.tree = "mkuron/almalinux-kernel @ a29d65115b42 (date estimated)",
		.summary = "RHEL 9.6's 5.14.0-570: 6.11.11's KVM with the pt_mode parameter kept",
		R_6_11_11,
		.params = PARAMS_60,
	},
	{
		.name = "rhel-10.0", .version = KV(6, 12, 0), .date = 20250807, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "RHEL 10.0 (AlmaLinux, Rocky)", .release = "6.12.0-55.24.1.el10_0",
		.base = "6.12",
		.tree = "mkuron/almalinux-kernel @ da382d9450a9 (no 6.12.y erratum revert; date estimated)",
		.summary = "RHEL 10.0's 6.12.0-55: nested values and checks as 6.12.0",
		R_6_12,
	},
	{
		.name = "ubuntu-24.04-hwe-6.14", .version = KV(6, 14, 0), .date = 20250807,
		.verified = NVMX_VERIFIED_NONE,
		.distro = "Ubuntu 24.04 LTS (HWE)", .release = "6.14.0-N",
		.base = "6.14",
		.tree = "no Ubuntu 6.14.0-N tree found (kharness/TREES.md): modelled as upstream 6.14 "
			"(not verified)",
		.summary = "Ubuntu 24.04.3's HWE kernel (linux-hwe-6.14) as upstream 6.14",
		R_6_14,
	},
	{
		.name = "rhel-8.10", .version = KV(4, 18, 0), .date = 20250812, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "RHEL 8.10 (AlmaLinux, Rocky)", .release = "4.18.0-553.66.1.el8_10",
		.base = "5.19", .changes = { &ch_1c1a41497ab8, &ch_rhel_nested_auto },
		.tree = "mkuron/almalinux-kernel @ 7622b1caa08e (5.19's KVM with the SGX fix and RHEL's "
			"nested=-1 default; date estimated)",
		.summary = "RHEL 8.10's 4.18.0-553: 5.19's KVM with the SGX fix, and nested on by default "
			   "only where EPT and VMCS shadowing are usable",
		R_5_19,
		.sgx_needs_encls = true,
		.nested_auto = true,
	},
	{
		.name = "6.17", .version = KV(6, 17, 0), .date = 20250928, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "busysteve/linux-6.17.0-rust-ported-c @ 1e9822c103f8, 6.17.0 (KVM files pristine)",
		.summary = "nested values and checks as 6.13; entry/exit pair check finishes "
			   "all pairs before failing (same outcome) [6.17.0 tree, read]",
		R_6_17,
	},
	{
		.name = "6.1.158", .version = KV(6, 1, 158), .date = 20251109, .verified = NVMX_VERIFIED_HARNESS,
		.base = "6.1", .changes = { &ch_31de69f4eea7, &ch_aa0d42cacf09 },
		.tree = "HDevices/linux-6.1.158 @ 71dd535994d7 (date: Debian's 6.1.158-1 upload)",
		.summary = "6.1.y stable line: USR_WAIT_PAUSE offered to L1, no pt_mode parameter",
		R_6_1,
		.proc2_mask = UINT32_C(0x06111b5c),
		.params = (PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) |
			   P(ERROR_ON_INCONSISTENT)) & ~P(PT_MODE),
	},
	{
		.name = "ubuntu-24.04", .version = KV(6, 8, 12), .date = 20251120,
		.verified = NVMX_VERIFIED_HARNESS,
		.distro = "Ubuntu 24.04 LTS (GA)", .release = "6.8.0-90", .aliases = "noble",
		.base = "ubuntu-24.04-6.8.0-31", .changes = { &ch_85434c3c73fc, &ch_aa0d42cacf09 },
		.tree = "rahaaaiii/linux-hwe-6.8-6.8.0 @ 7b13fd4625cd (Ubuntu's linux 6.8.0-90.91 as "
			"linux-hwe-6.8 6.8.0-90.91~22.04.1 rebuilds it; Makefile 6.8.12)",
		.summary = "Ubuntu 24.04's GA kernel from 6.8.0-58 (release 6.8.0-90): 6.8.0-31 with "
			   "the backports Ubuntu took in 6.8.0-58: the PERF_GLOBAL_CTRL erratum back in "
			   "vmcs_config, no pt_mode parameter",
		R_6_8,
		.perf_erratum_in_cfg = true, .perf_erratum_vendor = true,
		.params = PARAMS_60 & ~P(PT_MODE),
	},
	{
		.name = "ubuntu-22.04-hwe", .version = KV(6, 8, 12), .date = 20251120,
		.verified = NVMX_VERIFIED_HARNESS,
		.distro = "Ubuntu 22.04 LTS (HWE)", .release = "6.8.0-90",
		.base = "ubuntu-24.04",
		.tree = "rahaaaiii/linux-hwe-6.8-6.8.0 @ 7b13fd4625cd (Ubuntu's linux-hwe-6.8 "
			"6.8.0-90.91~22.04.1, the 24.04 kernel's source; Makefile 6.8.12)",
		.summary = "Ubuntu 22.04.5's HWE kernel (6.8.0-90): 24.04's GA kernel of the same "
			   "build",
		R_6_8,
		.perf_erratum_in_cfg = true, .perf_erratum_vendor = true,
		.params = PARAMS_60 & ~P(PT_MODE),
	},
	{
		.name = "6.18.2", .version = KV(6, 18, 2), .date = 20251218, .verified = NVMX_VERIFIED_CONFORMANCE,
		.tree = "gfunkmonk/linux-6.18.2 @ 57dc26c98e5e, 6.18.2",
		.summary = "CET: load-CET-state entry/exit controls offered to L1 where the "
			   "hardware has them (host IA32_XSS not yet consulted); sixth "
			   "entry/exit pair; BASIC bit 56 (no HW error-code check) passed "
			   "through; CR4.CET follows guest CPUID [6.18.2; conformance data]",
		R_6_18_2,
	},
	{
		.name = "ubuntu-24.04-hwe", .version = KV(6, 17, 0), .date = 20260212, .verified = NVMX_VERIFIED_NONE,
		.distro = "Ubuntu 24.04 LTS (HWE)", .release = "6.17.0-N",
		.base = "6.17",
		.tree = "no Ubuntu 6.17.0-N tree found: modelled as upstream 6.17 (not verified)",
		.summary = "Ubuntu 24.04.4's HWE kernel as upstream 6.17",
		R_6_17,
	},
	{
		.name = "6.19.9", .version = KV(6, 19, 9), .date = 20260319, .verified = NVMX_VERIFIED_HARNESS,
		.tree = "AlfredoFerreira04/scheduler-linux-6.19.9-env @ 2537048804c9, 6.19.9",
		.summary = "as 6.18.2, but CET for L1 needs CET state in host IA32_XSS "
			   "(kvm_setup_xss_caps() from vmx_set_cpu_caps(), as in 7.0) "
			   "[6.19.9 tree, read]",
		R_6_19_9,
	},
	{
		.name = "7.0", .version = KV(7, 0, 0), .date = 20260412, .verified = NVMX_VERIFIED_CONFORMANCE,
		.tree = "julianw1010/WASP-linux-7.0.0 @ 1d9f96d2d, 7.0.0",
		.summary = "VMCS_ENUM from the vmcs12 fields the host supports (0x2e without "
			   "TSC scaling); writes refused while L2 runs; save-PERF_GLOBAL_CTRL "
			   "exit control in vmcs_config (mediated PMU) [7.0.0; conformance data]",
		R_7_0,
	},
	{
		.name = "6.18.26", .version = KV(6, 18, 26), .date = 20260425, .verified = NVMX_VERIFIED_HARNESS,
		.base = "6.18.2", .changes = { &ch_f8ade833b733 },
		.tree = "nickfox-taterli/nanopi-r5c-linux-6.18.26 @ aa1ac7b60845 (date estimated)",
		.summary = "6.18.y stable line: CET for L1 needs CET state in host IA32_XSS (as 7.0)",
		R_6_18_2,
		.cet = CET_NEEDS_XSS,
	},
	{
		.name = "pve-9.0", .version = KV(6, 14, 11), .date = 20260515, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "Proxmox VE 9.0", .release = "6.14.11-9-pve", .same_builds = 9,
		.base = "6.14",
		.tree_lacks = "the 6.14.1-6.14.11 stable updates and Ubuntu's own backports (the tree is upstream 6.14.0 + Proxmox's patches)",
		.tree = "upstream 6.14.0 (perishh/linux-6.14 @ 16b95dcdf585) + proxmox/pve-kernel "
			"trixie-6.14 @ c4e4dcb patches 0005, 0008; its Ubuntu 6.14.0-30..37 base "
			"(6.14.11 stable) is not public",
		.summary = "Proxmox VE 9.0's 6.14.11-pve (builds -1 to -9): its KVM patches (halt "
			   "polling, XSAVE PKRU) change no nested MSR: as 6.14",
		R_6_14,
	},
	{
		.name = "5.15.215", .version = KV(5, 15, 215), .date = 20260610, .verified = NVMX_VERIFIED_HARNESS,
		.base = "5.15",
		.changes = { &ch_31de69f4eea7, &ch_a910b5ab6b25, &ch_f8ae08f9789a, &ch_1c1a41497ab8,
			     &ch_f80ae0ef089a, &ch_7a601e2cf615, &ch_aa0d42cacf09 },
		.tree = "unifreq/linux-5.15.y @ 5c88653f6cce (stable imports only; date estimated)",
		.summary = "5.15.y stable line: USR_WAIT_PAUSE offered, UMIP in CR4_FIXED1 when emulated, "
			   "restores against KVM's maximum, ENCLS exiting only where the hardware has it, "
			   "eVMCS filter on TRUE_PINBASED and save-preemption-timer, no pt_mode",
		R_5_15,
		.proc2_mask = UINT32_C(0x06111b5c),
		.umip_cr4_fixed1 = true,
		.restore_vs_vcpu = false,
		.sgx_needs_encls = true,
		.evmcs_read.pin_true_too = true,
		.evmcs_read.keep.exit = ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT),
		.evmcs_cfg_keep.exit = ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT),
		.params = (PARAMS_BASE & ~P(PT_MODE)) | P(SGX),
	},
	{
		.name = "ubuntu-22.04", .version = KV(5, 15, 200), .date = 20260619,
		.verified = NVMX_VERIFIED_HARNESS,
		.distro = "Ubuntu 22.04 LTS (GA)", .release = "5.15.0-185", .aliases = "jammy",
		.base = "5.15.215",
		.tree = "balabit-deps/balabit-os-9-linux @ fe791404257d (Ubuntu's linux 5.15.0-185.195 "
			"imported: 5.15.200 + Ubuntu's backports; vmx/ is 5.15.215's but for a CR8-intercept "
			"fix)",
		.summary = "Ubuntu 22.04's GA kernel (5.15.0-185): the 5.15.y stable line's nested values "
			   "and checks (as 5.15.215), not 5.15.0's, whose ENCLS-exiting offer breaks "
			   "5.15 -> 6.1 upgrades",
		R_5_15,
		.proc2_mask = UINT32_C(0x06111b5c),
		.umip_cr4_fixed1 = true,
		.restore_vs_vcpu = false,
		.sgx_needs_encls = true,
		.evmcs_read.pin_true_too = true,
		.evmcs_read.keep.exit = ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT),
		.evmcs_cfg_keep.exit = ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT),
		.params = (PARAMS_BASE & ~P(PT_MODE)) | P(SGX),
	},
	{
		.name = "7.1.3", .version = KV(7, 1, 3), .date = 20260702, .verified = NVMX_VERIFIED_CONFORMANCE,
		.tree = "rikudousennin22/linux-7.1.3 @ 5e6bc1446adb, 7.1.3",
		.summary = "`cet` module parameter (cleared without the load-CET-state "
			   "entry control); nested values as 7.0 [7.1.3; conformance data]",
		R_7_1_3,
	},
	{
		.name = "7.1.5", .version = KV(7, 1, 5), .date = 20260716, .verified = NVMX_VERIFIED_HARNESS,
		.base = "7.1.3",
		.tree = "danayer/linux-7.1.5 @ 9d1745cf8134 (date estimated)",
		.summary = "7.1.y stable line: nested values and checks as 7.1.3",
		R_7_1_3,
	},
	{
		.name = "pve-9.1", .version = KV(6, 17, 13), .date = 20260728, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "Proxmox VE 9.1", .release = "6.17.13-21-pve", .same_builds = 21,
		.base = "6.17",
		.tree_lacks = "the 6.17.1-6.17.13 stable updates and Ubuntu's own backports (the tree is upstream 6.17.0 + Proxmox's patches)",
		.tree = "upstream 6.17.0 (busysteve/linux-6.17.0-rust-ported-c @ 1e9822c103f8) + "
			"proxmox/pve-kernel trixie-6.17 @ 74c6afb patches 0005, 0008; its Ubuntu "
			"6.17.0-16..42 base (6.17.13 stable) is not public",
		.summary = "Proxmox VE 9.1's 6.17.13-pve (builds -1 to -21): its KVM patches (halt "
			   "polling, XSAVE PKRU) change no nested MSR: as 6.17",
		R_6_17,
	},
	{
		.name = "debian-11", .version = KV(5, 10, 262), .date = 20260731, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "Debian 11 (bullseye)", .release = "5.10.262-1", .aliases = "bullseye",
		.base = "5.10",
		.changes = { &ch_f8ae08f9789a, &ch_evmcs_filter_all, &ch_f80ae0ef089a, &ch_7a601e2cf615,
			     &ch_aa0d42cacf09 },
		.tree = "Debian linux-source-5.10 5.10.262-1 (bullseye-security)",
		.summary = "Debian 11's 5.10.262: 5.10's nested values, restores checked against KVM's "
			   "maximum, L1's eVMCS read filter as 5.19's, no pt_mode",
		R_5_10,
		.restore_vs_vcpu = false,
		.evmcs_read = READ_FILTER_519,
		.evmcs_cfg_keep.exit = ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT),
		.params = PARAMS_BASE & ~P(PT_MODE),
	},
	{
		.name = "6.6.150", .version = KV(6, 6, 150), .date = 20260807, .verified = NVMX_VERIFIED_HARNESS,
		.base = "6.6", .changes = { &ch_aa0d42cacf09 },
		.tree = "unifreq/linux-6.6.y @ 3c7c31e62162 (stable imports plus OpenWrt patches, which touch "
			"no vmx/ file; date: the import's)",
		.summary = "6.6.y stable line at 6.6.150: no pt_mode parameter; nested values and checks as 6.6",
		R_6_6,
		.params = PARAMS_60 & ~P(PT_MODE),
	},
	{
		.name = "pve-8", .version = KV(6, 8, 12), .date = 20260818, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "Proxmox VE 8", .release = "6.8.12-43-pve", .aliases = "pve-8.4",
		.same_builds = 43,
		.base = "6.8", .changes = { &ch_85434c3c73fc, &ch_aa0d42cacf09 },
		.tree_lacks = "Ubuntu 6.8.0-91 and later, the base of builds -18 on (the tree is Ubuntu 6.8.0-90 + Proxmox's patches)",
		.tree = "Ubuntu 6.8.0-90 (rahaaaiii/linux-hwe-6.8-6.8.0 @ 7b13fd4625cd) + "
			"proxmox/pve-kernel bookworm-6.8 @ b187eb7 patches 0005, 0008, 0028, 0036-0038; "
			"Ubuntu's 6.8.0-91..139 (the base of builds -18 to -43) is not public",
		.summary = "Proxmox VE 8's 6.8.12-pve (builds -1 to -43): Ubuntu's 6.8 with its "
			   "backports (PERF_GLOBAL_CTRL erratum back in vmcs_config, no pt_mode); "
			   "Proxmox's KVM patches change no nested MSR",
		R_6_8,
		.perf_erratum_in_cfg = true, .perf_erratum_vendor = true,
		.params = PARAMS_60 & ~P(PT_MODE),
	},
	{
		.name = "5.10.265", .version = KV(5, 10, 265), .date = 20260820, .verified = NVMX_VERIFIED_HARNESS,
		.base = "5.10",
		.changes = { &ch_f8ae08f9789a, &ch_evmcs_filter_all, &ch_f80ae0ef089a, &ch_7a601e2cf615,
			     &ch_aa0d42cacf09 },
		.tree = "unifreq/linux-5.10.y @ dd73f55c9408 (stable imports only; date: the import's)",
		.summary = "5.10.y stable line: 5.10's nested values, restores checked against KVM's "
			   "maximum, L1's eVMCS read filter as 5.19's, no pt_mode",
		R_5_10,
		.restore_vs_vcpu = false,
		.evmcs_read = READ_FILTER_519,
		.evmcs_cfg_keep.exit = ~(EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT),
		.params = PARAMS_BASE & ~P(PT_MODE),
	},
	{
		.name = "pve-9.2", .version = KV(7, 0, 14), .date = 20260822, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "Proxmox VE 9.2", .release = "7.0.14-14-pve",
		.base = "7.0", .changes = { &pve_0034, &pve_0035, &pve_0036, &pve_0038, &pve_0039 },
		.tree_lacks = "the 7.0.1-7.0.14 stable updates and Ubuntu's own backports (the tree is upstream 7.0.0 + Proxmox's patches)",
		.tree = "upstream 7.0.0 + proxmox/pve-kernel @ 6e44995b70ad patches 0020-0039; Proxmox's "
			"Ubuntu 7.0 base is not public (its nested.c, capabilities.h, vmx.h and "
			"hyperv_evmcs.h are 7.0.0's, its vmx.c is not)",
		.summary = "Proxmox VE 9.2's 7.0.14-pve: 7.0 with the MBEC series as patches: L1 is "
			   "offered MBEC and advanced EPT-violation exit info, new `mbec` parameter",
		R_7_0,
		MBEC_ROW(PARAMS_612 | P(MEDIATED_PMU), EVMCS_ALLOW_PROC2 & ~P2_TSC_SCALING),
	},
	{
		.name = "7.2.13", .version = KV(7, 2, 13), .date = 20261028, .verified = NVMX_VERIFIED_HARNESS,
		.base = "7.1.3",
		.changes = { &ch_a0bdba68547c, &ch_f899ebca4435, &ch_9f4442eb1553, &ch_6ee40dc40a84,
			     &ch_57c45de75dc1 },
		.tree = "Debian linux-source-7.2 7.2.13-1 (no 7.2.0 tree; compared with 7.1.3; date: "
			"Debian's upload)",
		.summary = "7.2 (7.2.13): 7.1.3 with the MBEC series merged in mainline 7.2: L1 is "
			   "offered MBEC and advanced EPT-violation exit info, new `mbec` parameter",
		R_7_1_3,
		MBEC_ROW(PARAMS_612 | P(MEDIATED_PMU) | P(CET), EVMCS_ALLOW_PROC2 & ~P2_TSC_SCALING),
	},
	{
		.name = "debian-unstable", .version = KV(7, 2, 13), .date = 20261028,
		.verified = NVMX_VERIFIED_HARNESS,
		.distro = "Debian unstable (sid)", .release = "7.2.13-1", .aliases = "sid",
		.base = "7.2.13",
		.tree = "Debian linux-source-7.2 7.2.13-1",
		.summary = "Debian unstable's 7.2.13: nested values and checks as 7.2.13",
		R_7_1_3,
		MBEC_ROW(PARAMS_612 | P(MEDIATED_PMU) | P(CET), EVMCS_ALLOW_PROC2 & ~P2_TSC_SCALING),
	},
	{
		.name = "debian-13", .version = KV(6, 12, 118), .date = 20261120, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "Debian 13 (trixie)", .release = "6.12.118-1", .aliases = "trixie",
		.base = "6.12", .changes = { &ch_85434c3c73fc, &ch_088b8eeb25ec },
		.tree = "Debian linux-source-6.12 6.12.118-1 (trixie-security)",
		.summary = "Debian 13's 6.12.118: 6.12 with the 6.12.y revert that puts the "
			   "PERF_GLOBAL_CTRL erratum back into setup_vmcs_config, and the "
			   "STUFF_FEATURE_MSRS quirk (6.12.85)",
		R_6_12,
		.perf_erratum_in_cfg = true, .perf_erratum_vendor = true,
		.stuff_quirk = true,
	},
	{
		.name = "debian-12", .version = KV(6, 1, 192), .date = 20261126, .verified = NVMX_VERIFIED_HARNESS,
		.distro = "Debian 12 (bookworm)", .release = "6.1.192-3", .aliases = "bookworm",
		.base = "6.1", .changes = { &ch_31de69f4eea7, &ch_aa0d42cacf09 },
		.tree = "Debian linux-source-6.1 6.1.192-3 (bookworm-security)",
		.summary = "Debian 12's 6.1.192: 6.1 with the stable backports that change nested "
			   "VMX: USR_WAIT_PAUSE offered to L1, no pt_mode parameter",
		R_6_1,
		.proc2_mask = UINT32_C(0x06111b5c),
		.params = (PARAMS_BASE | P(SGX) | P(ENABLE_PMU) | P(ENABLE_IPIV) |
			   P(ERROR_ON_INCONSISTENT)) & ~P(PT_MODE),
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

/* The newest upstream release: what commands model when no release is named. */
const struct nvmx_kernel *nvmx_kernel_default(void)
{
	for (unsigned i = NKERNELS; i-- > 0;)
		if (!kernels[i].base)
			return &kernels[i];
	return 0;
}

const struct nvmx_kernel *nvmx_kernel_oldest(void)
{
	const struct nvmx_kernel *o = 0;
	for (unsigned i = 0; i < NKERNELS; i++)
		if (!kernels[i].distro && (!o || kernels[i].version < o->version))
			o = &kernels[i];
	return o;
}

bool nvmx_kernel_evmcs_cuts_vcpu(const struct nvmx_kernel *k)
{
	return k->evmcs_cuts_vcpu;
}

bool nvmx_kernel_older(const struct nvmx_kernel *a, const struct nvmx_kernel *b)
{
	return a->date < b->date;
}

uint32_t nvmx_kernel_date(const struct nvmx_kernel *k)
{
	return k->date;
}

const char *nvmx_kernel_distro(const struct nvmx_kernel *k)
{
	return k->distro;
}

const char *nvmx_kernel_release(const struct nvmx_kernel *k)
{
	return k->release;
}

const char *nvmx_kernel_aliases(const struct nvmx_kernel *k)
{
	return k->aliases;
}

const struct nvmx_kernel *nvmx_kernel_base(const struct nvmx_kernel *k)
{
	if (!k->base)
		return 0;
	for (unsigned i = 0; i < NKERNELS; i++)
		if (str_eq(kernels[i].name, k->base))
			return &kernels[i];
	return 0;
}

unsigned nvmx_kernel_change_count(const struct nvmx_kernel *k)
{
	unsigned n = 0;
	while (n < NVMX_MAX_CHANGES && k->changes[n])
		n++;
	return n;
}

bool nvmx_kernel_change(const struct nvmx_kernel *k, unsigned i, const char **id,
			const char **title, const char **effect)
{
	if (i >= nvmx_kernel_change_count(k))
		return false;
	*id = k->changes[i]->id;
	*title = k->changes[i]->title;
	*effect = k->changes[i]->effect;
	return true;
}

const char *nvmx_kernel_verified(const struct nvmx_kernel *k)
{
	switch (k->verified) {
	case NVMX_VERIFIED_CONFORMANCE:
		return "conformance data";
	case NVMX_VERIFIED_HARNESS:
		return "kernel harness";
	case NVMX_VERIFIED_READ:
		return "read from tree";
	default:
		return "not verified (no tree: modelled as its base)";
	}
}

const char *nvmx_kernel_tree(const struct nvmx_kernel *k)
{
	return k->tree;
}

static void copy_bytes(void *dst, const void *src, unsigned n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
}

static bool edit_field(unsigned char *field, const struct nvmx_edit *e)
{
	uint64_t v;
	switch (e->size) {
	case 1: { uint8_t x; copy_bytes(&x, field, 1); v = x; break; }
	case 4: { uint32_t x; copy_bytes(&x, field, 4); v = x; break; }
	case 8: { uint64_t x; copy_bytes(&x, field, 8); v = x; break; }
	default: return false;
	}
	v = e->op == EDIT_SET ? e->val : e->op == EDIT_OR ? v | e->val : v & ~e->val;
	switch (e->size) {
	case 1: { uint8_t x = (uint8_t)v; if (x != v) return false; copy_bytes(field, &x, 1); break; }
	case 4: { uint32_t x = (uint32_t)v; if (x != v) return false; copy_bytes(field, &x, 4); break; }
	default: copy_bytes(field, &v, 8); break;
	}
	return true;
}

int nvmx_kernel_apply(const struct nvmx_kernel *row, struct nvmx_kernel *out)
{
	const struct nvmx_kernel *base = nvmx_kernel_base(row);
	if (!base)
		return -1;
	copy_bytes(out, base, sizeof(*out));	/* padding too: rows compare bytewise */
	unsigned n = nvmx_kernel_change_count(row);
	for (unsigned c = 0; c < n; c++)
		for (unsigned e = 0; e < row->changes[c]->nedits; e++) {
			const struct nvmx_edit *ed = &row->changes[c]->edits[e];
			if (ed->off + ed->size > sizeof(*out) || !edit_field((unsigned char *)out + ed->off, ed))
				return -1;
		}
	/* Identity is the row's own. */
	out->name = row->name;
	out->version = row->version;
	out->summary = row->summary;
	out->date = row->date;
	out->distro = row->distro;
	out->release = row->release;
	out->aliases = row->aliases;
	out->same_builds = row->same_builds;
	out->base = row->base;
	for (unsigned c = 0; c < NVMX_MAX_CHANGES; c++)
		out->changes[c] = row->changes[c];
	out->verified = row->verified;
	out->tree = row->tree;
	out->tree_lacks = row->tree_lacks;
	return (int)n;
}

int nvmx_kernel_check_changes(const struct nvmx_kernel *k)
{
	struct nvmx_kernel built;
	if (!k->base)
		return -1;
	if (nvmx_kernel_apply(k, &built) < 0)
		return 0;
	const unsigned char *a = (const unsigned char *)&built, *b = (const unsigned char *)k;
	for (unsigned i = 0; i < sizeof(built); i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static const char *parse_num(const char *s, unsigned *out)
{
	unsigned v = 0;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9' && v < 100000)
		v = v * 10 + (unsigned)(*s++ - '0');
	*out = v;
	return s;
}

/* major.minor, the series a row or a release belongs to. */
#define SERIES(v) ((v) & ~UINT32_C(0xffff))

/*
 * A row by its exact name ("6.2.1") or alias ("bookworm"); failing that, a
 * plain "X.Y" names the upstream or stable row of that series, the oldest
 * point release if there are several ("6.18" is the 6.18.2 row, "7.2" the
 * 7.2.13 row).
 */
const struct nvmx_kernel *nvmx_kernel_find(const char *name)
{
	for (unsigned i = 0; i < NKERNELS; i++)
		if (str_eq(kernels[i].name, name))
			return &kernels[i];
	for (unsigned i = 0; i < NKERNELS; i++) {
		const char *a = kernels[i].aliases;
		while (a && *a) {
			unsigned n = 0;
			while (a[n] && a[n] != ' ')
				n++;
			unsigned m = 0;
			while (m < n && a[m] == name[m])
				m++;
			if (m == n && !name[n])
				return &kernels[i];
			a += n;
			while (*a == ' ')
				a++;
		}
	}
	unsigned maj, min;
	const char *s = parse_num(name, &maj);
	if (!s || *s != '.' || !(s = parse_num(s + 1, &min)) || *s || maj > 255 || min > 255)
		return 0;
	uint32_t series = KV(maj, min, 0);
	const struct nvmx_kernel *best = 0;
	for (unsigned i = 0; i < NKERNELS; i++)
		if (!kernels[i].distro && SERIES(kernels[i].version) == series &&
		    (!best || kernels[i].version < best->version))
			best = &kernels[i];
	return best;
}

const char *nvmx_kernel_name(const struct nvmx_kernel *k)
{
	return k->name;
}

const char *nvmx_kernel_summary(const struct nvmx_kernel *k)
{
	return k->summary;
}

/* A running kernel's row: nvmx_kernel_resolve's exact or nearest row. */
const struct nvmx_kernel *nvmx_kernel_for_uname(const char *release)
{
	struct nvmx_kernel_match m;
	nvmx_kernel_resolve(release, &m);
	return m.how == NVMX_MATCH_EXACT || m.how == NVMX_MATCH_NEAREST ? m.kernel : 0;
}
