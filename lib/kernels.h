/* SPDX-License-Identifier: MIT */
/*
 * A KVM release as data.  Every difference between releases that changes a
 * value, a load decision or a restore verdict is a field here; the single
 * derivation (vmcs_config.c, nested.c) and restore path (vcpu.c) read them.
 * Adding a release is adding a row in kernels.c.
 */
#ifndef NVMX_KERNELS_H
#define NVMX_KERNELS_H

#include <stddef.h>
#include "nvmx/kvm.h"

/* Where KVM-on-Hyper-V trims vmcs_config (setup_vmcs_config's tail). */
enum evmcs_cfg_rule {
	EVMCS_CFG_NONE,		/* 6.1-6.2: not at all */
	EVMCS_CFG_MASK,		/* deny- or allowlist, as keep-masks below */
};

/* Control words kept when eVMCS is in use (AND masks). */
struct evmcs_keep {
	uint32_t pin, proc, proc2, exit, entry;
	uint64_t proc3, vmfunc;
};

/* Filter of L1's RDMSR once L1 has enabled eVMCS (vmx_get_msr path). */
struct evmcs_read_filter {
	struct evmcs_keep keep;
	bool pin_true_too;	/* 5.19+: 0x48D filtered as well as 0x481 */
	bool proc_filtered;	/* 6.3+: 0x482/0x48E filtered */
	uint32_t exit_unless_pgc, entry_unless_pgc;	/* 6.1+: kept if L1 has EVMCS1_PERF_GLOBAL_CTRL */
};

enum freeze_rule {
	FREEZE_NONE,		/* writes allowed after KVM_RUN */
	FREEZE_IGNORE_SAME,	/* 6.4-6.9: different value -EINVAL, same value ignored */
	FREEZE_CHECK_SAME,	/* 6.10+: same value goes on to the normal checks */
};

enum vmcs_enum_rule {
	VMCS_ENUM_FIXED,	/* `vmcs_enum_value` */
	VMCS_ENUM_BY_FIELDS,	/* 7.0+: highest vmcs12 field the host supports */
};

enum cet_rule {
	CET_NONE,		/* no CET VM-entry/exit controls for L1 */
	CET_KVM_CAPS,		/* 6.18.2: offered when KVM's CPUID caps have SHSTK/IBT */
	CET_NEEDS_XSS,		/* 6.19.9, 7.0+: caps also need CET state in host IA32_XSS
				 * (kvm_setup_xss_caps() before the nested setup) */
};

/*
 * A backport or a distribution patch as data: which fields of the base row it
 * changes and how.  A distribution or stable row is its base row with its
 * changes applied (nvmx_kernel_apply); its compiled form in the table is
 * checked against that by tests/test_kernel_rows.c, so the change list, not
 * the compiled row, is the statement of what the tree does.
 */
enum nvmx_edit_op { EDIT_SET, EDIT_OR, EDIT_CLEAR };

struct nvmx_edit {
	uint16_t off;		/* offsetof(struct nvmx_kernel, field) */
	uint8_t size;		/* 1, 4 or 8 */
	uint8_t op;		/* enum nvmx_edit_op */
	uint64_t val;
};

#define NVMX_MAX_EDITS 6

struct nvmx_change {
	const char *id;		/* upstream commit (12 hex digits), or the distribution's patch name */
	const char *title;	/* the commit's or patch's subject line */
	const char *effect;	/* what it changes for nested VMX */
	unsigned nedits;
	struct nvmx_edit edits[NVMX_MAX_EDITS];
};

#define EDIT_(f, op, v) { (uint16_t)offsetof(struct nvmx_kernel, f), \
			  (uint8_t)sizeof(((struct nvmx_kernel *)0)->f), (op), (uint64_t)(v) }
#define SET(f, v)   EDIT_(f, EDIT_SET, v)
#define OR(f, v)    EDIT_(f, EDIT_OR, v)
#define CLEAR(f, v) EDIT_(f, EDIT_CLEAR, v)

#define NVMX_MAX_CHANGES 12

/* How a row's facts were established. */
enum nvmx_verified {
	NVMX_VERIFIED_NONE,		/* no tree: modelled as its base (the default: a row
					 * claims no more unless it says so) */
	NVMX_VERIFIED_READ,		/* read in the tree, checked by tests/test_*_rows.c */
	NVMX_VERIFIED_HARNESS,		/* kernel harness cases run on the row's own tree */
	NVMX_VERIFIED_CONFORMANCE,	/* conformance/ cases, outputs of the real kernel functions */
};

/* major << 24 | minor << 16 | patch (stable patch levels pass 255: 5.10.262) */
#define KV(maj, min, patch) ((uint32_t)(maj) << 24 | (uint32_t)(min) << 16 | (uint32_t)(patch))

struct nvmx_kernel {
	const char *name;	/* what --kvm takes: "6.1", "6.2.1", "debian-12" */
	uint32_t version;	/* KV(): the kernel version the row's tree is */
	const char *summary;
	uint32_t params;	/* bit per enum nvmx_param the release has */

	/* Identity and lineage (not read by the derivation). */
	uint32_t date;			/* release date, YYYYMMDD: "older" means released before */
	const char *distro;		/* "Debian 12 (bookworm)", or NULL for an upstream release */
	const char *release;		/* the distribution's version ("6.1.192-3"), or NULL */
	const char *aliases;		/* other names, space-separated ("bookworm"), or NULL */
	uint16_t same_builds;		/* Proxmox: builds VERSION-1-pve .. VERSION-N-pve carry the
					 * same VMX patches as the row's tree (their pve-kernel
					 * patches read), so each names this row exactly; 0: only
					 * `release` does */
	const char *base;		/* the row this one is derived from, or NULL */
	const struct nvmx_change *changes[NVMX_MAX_CHANGES];	/* applied to base, in order */
	enum nvmx_verified verified;
	const char *tree;		/* where the row was read or run ("linux-source-6.1 6.1.192-3") */
	const char *tree_lacks;		/* what of the named kernel the verified tree does not have
					 * (a build assembled from public parts): a name of the row's
					 * own builds is then nearest, with this as what may differ */

	/* setup_vmcs_config: required and optional sets */
	uint32_t min_pin, opt_pin, min_proc, opt_proc, opt_proc2, min_exit, opt_exit,
		 min_entry, opt_entry;
	uint64_t opt_proc3;
	bool encls_opt_if_sgx;		/* <=6.0: ENCLS exiting optional only on SGX hosts */
	bool cfg_cr8_cr3_adjust;	/* <=6.0: TPR shadow drops CR8 exits, EPT drops CR3/INVLPG exits */
	bool cfg_clears_ept_ve;		/* 6.11+: !CONFIG_KVM_INTEL_PROVE_VE */
	bool cfg_encls_needs_sgx;	/* 6.1+: ENCLS exiting dropped from vmcs_config without SGX */
	bool sgx_needs_encls;		/* 6.1+ and the 6.0.y backport (6.0.19 read) of 1c1a41497ab8:
					 * hardware_setup clears sgx without ENCLS exiting */
	bool inconsistent_can_fail;	/* 6.0+: error_on_inconsistent_vmcs_config */
	uint8_t entry_exit_pairs;	/* 0, 5, or 6 (with CET) */
	bool perf_erratum_in_cfg;	/* <=6.0 and 6.13+ */
	bool perf_erratum_vendor;	/* 6.13+: Intel only */
	bool nx_required;		/* 5.15+: no EPT needs NX */
	bool vnmi_needs_nmi_window;	/* 6.1+: cpu_has_virtual_nmis() also wants NMI-window exiting
					 * in vmcs_config, else vnmi reads 0 (no nested MSR changes) */
	bool clamps_shadow_vmcs;	/* 6.18+: enable_shadow_vmcs reads 0 without VMCS shadowing,
					 * as the conformance data has it; the trees clamp in every
					 * release (docs/kernels.md) */
	enum evmcs_cfg_rule evmcs_cfg;
	struct evmcs_keep evmcs_cfg_keep;

	/* nested_vmx_setup_ctls_msrs */
	bool nested_from_cfg;		/* 6.1+: control words from vmcs_config */
	uint32_t exit_mask, exit_force, entry_mask, entry_force, proc2_mask;
	bool vmfunc_added;		/* <=6.2: VMFUNC control added on its own, not via mask */
	uint32_t misc_force;
	bool basic_no_hw_errcode;	/* 6.18+: BASIC bit 56 passed through */
	enum cet_rule cet;
	bool cet_param;			/* 7.1.3: `cet` parameter gates CET */
	bool umip_cr4_fixed1;		/* 6.0+: CR4.UMIP when KVM emulates UMIP */
	bool umip_only_without_host;	/* 6.5+: ... only if the host lacks UMIP */
	enum vmcs_enum_rule vmcs_enum;
	uint64_t vmcs_enum_value;
	/* The MBEC series (mainline 7.2; Proxmox 7.0.x patches 0034-0039). */
	bool cfg_mbec_needs_ept;	/* a0bdba68547c: MBEC (opt_proc2 bit 22) dropped with
					 * inconsistent EPT caps; `mbec` cleared without MBEC or EPT */
	bool cfg_mbec_needs_advinfo;	/* 9f4442eb1553: ... and without advanced EPT-violation
					 * exit info (EPT_VPID_CAP bit 22) */
	uint32_t nested_ept_extra;	/* f899ebca4435: EPT caps passed to L1 beyond the usual set */
	bool nested_mbec;		/* 6ee40dc40a84: MBEC offered to L1 with ept and mbec */
	bool nested_auto;		/* RHEL 8: `nested` defaults to -1, "auto": on iff ept and
					 * the hardware's VMCS shadowing (with enable_shadow_vmcs) */
	bool nested_ept_no_pwl5;	/* 5.4: L1 is not offered 5-level EPT (EPT_VPID_CAP bit 7) */

	/* vCPU: restore, reads, CPUID */
	bool restore_vs_vcpu;		/* <=5.19: writes checked against the vCPU's V, not N */
	uint64_t basic_features, basic_reserved;
	enum freeze_rule freeze;
	bool freeze_in_guest_mode;	/* 7.0+ */
	bool stuff_bounded;		/* 6.2+: CPUID stuffing cannot add bits outside N */
	bool stuff_quirk;		/* 6.13+: KVM_X86_QUIRK_STUFF_FEATURE_MSRS */
	bool invpcid_needs_pcid;	/* 5.10: INVPCID offered to L1 only with guest PCID too */
	bool cpuid_mpx_pmu_tweaks;	/* <=5.19: BNDCFGS and PERF_GLOBAL bits follow guest CPUID */
	bool cpuid_no_pmu_tweak;	/* 5.4: ... but not PERF_GLOBAL (no nested vPMU hook yet) */
	bool xsaves_ignores_host;	/* 5.4: XSAVES for L1 follows the guest's XSAVE/XSAVES
					 * alone, not also the host's XSAVE */
	bool cr4_no_la57;		/* 5.4: CR4_FIXED1 never gains LA57 from the guest CPUID */
	bool evmcs_cuts_vcpu;		/* 5.4: L1 enabling eVMCS (nested_enable_evmcs) clears the
					 * unsupported controls in the vCPU's own MSRs (the masks
					 * of evmcs_read), so restores checked against the vCPU
					 * (restore_vs_vcpu) are checked against the cut values */
	bool cr4_lam, cr4_cet;		/* 6.8+ / 6.18+ CR4_FIXED1 bits */
	bool evmcs_read_needs_hv;	/* 6.1+: filter only with Hyper-V CPUID enabled */
	struct evmcs_read_filter evmcs_read;
};

#define P(x) (UINT32_C(1) << NVMX_P_##x)

/*
 * out = base with the changes of row applied, identity fields from row:
 * what a distribution row must equal.  Returns the number of changes
 * applied, or -1 if row has no base or an edit does not fit its field.
 */
int nvmx_kernel_apply(const struct nvmx_kernel *row, struct nvmx_kernel *out);

/*
 * 1 if row k is exactly its base row with its changes applied (the table's
 * compiled form agrees with the change list), 0 if not, -1 for an upstream
 * row.  A self-check of the table for the tests, not API.
 */
int nvmx_kernel_check_changes(const struct nvmx_kernel *k);

/* Which of 0x480..0x493 this release answers for nested (0x480..0x491). */
bool nvmx_kernel_reports(const struct nvmx_kernel *k, enum nvmx_msr_id id);

#endif
