/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kh_vcpu.h: a vCPU for the copied vCPU functions (vmx_set_vmx_msr and the
 * vmx_restore_* helpers, vmx_get_vmx_msr on the vCPU's values). Written for
 * the harness: only the members those functions touch, by the kernel's names,
 * so the copied code compiles unchanged; the nested MSR set itself is the
 * tree's own struct nested_vmx_msrs. The vCPU is never in VMX operation
 * (nested.vmxon false) and has never run, as DATA.md's "fresh vCPU" says.
 */
#ifndef KH_VCPU_H
#define KH_VCPU_H

/* the VM: no dirty logging, no bus-lock detection or notify exits enabled, PAUSE intercepted */
struct kh_kvm_arch {
	int cpu_dirty_logging_count;
	bool bus_lock_detection_enabled;
	bool pause_in_guest;
	u64 disabled_quirks;
};
struct kvm { struct kh_kvm_arch arch; atomic_t nr_memslots_dirty_logging; };

#ifndef atomic_read
#define atomic_read(v) ((v)->counter)
#endif

/* Hyper-V enlightenments of the vCPU (L1 reads with eVMCS): the nested-features EBX */
struct kh_hv_cpuid_cache { u32 nested_ebx; };
struct kvm_vcpu_hv { struct kh_hv_cpuid_cache cpuid_cache; };

struct kh_vcpu_arch {
	struct kvm_cpuid_entry2 *cpuid_entries;	/* the KVM_SET_CPUID2 table */
	int cpuid_nent;
	bool xsaves_enabled;
	bool hyperv_enabled;			/* guest CPUID has the Hyper-V leaves */
	struct kvm_vcpu_hv *hyperv;
	unsigned long kh_governed[4];		/* governed features (6.6-6.12) in use */
	unsigned int kh_pmu_version;		/* the vPMU's version after its refresh (5.x) */
	u32 cpu_caps[32];			/* 6.14+: the vCPU's capabilities, by word */
};

struct kvm_vcpu {
	struct kvm *kvm;
	struct kh_vcpu_arch arch;
};

#ifndef KH_HAS_struct_vcpu_vmx
struct kh_nested_vmx {
	bool vmxon;
	bool enlightened_vmcs_enabled;		/* KVM_CAP_HYPERV_ENLIGHTENED_VMCS */
	struct nested_vmx_msrs msrs;
};

struct vcpu_vmx {
	struct kvm_vcpu vcpu;
	int vpid;				/* a VPID was allocated (enable_vpid) */
	u32 secondary_exec_control;		/* 5.10's vmx_compute_secondary_exec_control() */
	u64 msr_ia32_feature_control_valid_bits;
	struct kh_nested_vmx nested;
};
#endif

/*
 * The guest CPUID as KVM keeps it (vcpu->arch.cpuid_entries) and the kernel's
 * lookups over it: kvm_find_cpuid_entry[_index]() return the entry for a
 * leaf (and subleaf where it is significant); guest_cpuid_has() tests one
 * X86_FEATURE_* bit in the entry and register its word stands for
 * (kh_word_cpuid(), the hardware-defined words of cpufeatures.h).
 */
#define KH_ANY_INDEX 0xffffffffu
struct kvm_cpuid_entry2 *kh_find_cpuid(struct kvm_vcpu *vcpu, u32 function, u32 index);
bool kh_guest_cpuid_has(struct kvm_vcpu *vcpu, unsigned int x86_feature);
void kh_guest_cpuid_clear(struct kvm_vcpu *vcpu, unsigned int x86_feature);
#define guest_cpuid_clear(vcpu, f) kh_guest_cpuid_clear(vcpu, f)
#ifndef KH_HAS_kvm_find_cpuid_entry
#define kvm_find_cpuid_entry(vcpu, fn, ...) kh_find_cpuid(vcpu, fn, KH_ANY_INDEX)
#endif
#ifndef KH_HAS_kvm_find_cpuid_entry_index
#define kvm_find_cpuid_entry_index(vcpu, fn, idx) kh_find_cpuid(vcpu, fn, idx)
#endif
#undef guest_cpuid_has
#define guest_cpuid_has(vcpu, f) kh_guest_cpuid_has(vcpu, f)

/*
 * 6.6-6.12's governed features (cpuid.h, governed_features.h): a feature KVM
 * supports and the guest CPUID has, recorded at KVM_SET_CPUID2; only XSAVES,
 * VMX and LAM (6.12) of the tree's list are ever asked for on Intel.
 */
static inline int kh_governed_slot(unsigned int f)
{
	return f == X86_FEATURE_XSAVES ? 0 : f == X86_FEATURE_VMX ? 1 :
#ifdef X86_FEATURE_LAM
	       f == X86_FEATURE_LAM ? 2 :
#endif
	       f == X86_FEATURE_GBPAGES ? 3 : -1;
}
#define kvm_is_governed_feature(f) (kh_governed_slot(f) >= 0)
static inline void kvm_governed_feature_set(struct kvm_vcpu *vcpu, unsigned int f)
{
	if (kh_governed_slot(f) >= 0)
		vcpu->arch.kh_governed[kh_governed_slot(f)] = 1;
}
#define kvm_governed_feature_check_and_set(vcpu, f) \
	do { if (kvm_cpu_cap_has(f) && guest_cpuid_has(vcpu, f)) kvm_governed_feature_set(vcpu, f); } while (0)
#define guest_can_use(vcpu, f) (kh_governed_slot(f) >= 0 && (vcpu)->arch.kh_governed[kh_governed_slot(f)])
#if KH_LAYOUT < 614
/* 6.12.y trees (Debian's 6.12.118) carry 6.14's names for the same governed features */
#define guest_cpu_cap_set(vcpu, f) kvm_governed_feature_set(vcpu, f)
#define guest_cpu_cap_check_and_set(vcpu, f) kvm_governed_feature_check_and_set(vcpu, f)
#define guest_cpu_cap_has(vcpu, f) guest_can_use(vcpu, f)
#else
/* 6.14+: every feature, from vcpu->arch.cpu_caps (cpuid.h's accessors) */
#define guest_cpu_cap_has(vcpu, f) (((vcpu)->arch.cpu_caps[(f) / 32] >> ((f) % 32)) & 1)
#define guest_cpu_cap_set(vcpu, f) ((vcpu)->arch.cpu_caps[(f) / 32] |= 1u << ((f) % 32))
#define guest_cpu_cap_clear(vcpu, f) ((vcpu)->arch.cpu_caps[(f) / 32] &= ~(1u << ((f) % 32)))
#define guest_cpu_cap_change(vcpu, f, on) do { if (on) guest_cpu_cap_set(vcpu, f); else guest_cpu_cap_clear(vcpu, f); } while (0)
#endif
#ifndef feature_bit
#define feature_bit(name) (1u << (X86_FEATURE_##name & 31))
#endif

/* no APICv on this vCPU (lapic_in_kernel: kh_kvm.h) */
static inline bool kvm_vcpu_apicv_active(struct kvm_vcpu *vcpu) { (void)vcpu; return false; }
#ifndef KH_HAS_kvm_check_has_quirk
/* x86.h's: a quirk is on unless the VMM disabled it (KVM_CAP_DISABLE_QUIRKS2) */
static inline bool kvm_check_has_quirk(struct kvm *kvm, u64 quirk) { return !(kvm->arch.disabled_quirks & quirk); }
#endif
static inline bool kvm_pause_in_guest(struct kvm *kvm) { return kvm->arch.pause_in_guest; }
static inline bool kvm_notify_vmexit_enabled(struct kvm *kvm) { (void)kvm; return false; }
static inline struct kvm_vcpu_hv *to_hv_vcpu(struct kvm_vcpu *vcpu) { return vcpu->arch.hyperv; }
static inline bool guest_has_pred_cmd_msr(struct kvm_vcpu *vcpu) { (void)vcpu; return false; }

/*
 * What vmx_vcpu_after_set_cpuid() does besides the nested MSRs: VMCS writes
 * (the secondary controls of the vCPU's own VMCS, CR4 guest/host mask,
 * exception bitmap, ENCLS bitmap), user-return and Intel PT MSRs, MSR
 * interception. None of it feeds a nested MSR, so they are empty here; the
 * values computed for them (vmx_secondary_exec_control(), which also stuffs
 * the nested PROCBASED_CTLS2) are still computed, by the kernel's code.
 */
struct vmx_uret_msr;
#define MSR_TYPE_R 1
#define MSR_TYPE_W 2
#define MSR_TYPE_RW 3
static inline void vmx_setup_uret_msrs(struct vcpu_vmx *vmx) { (void)vmx; }
/* one argument in 5.10, two later: the value is computed by the caller either way */
static inline void kh_vmcs_set_secondary_exec_control(struct vcpu_vmx *vmx, ...) { (void)vmx; }
#define vmcs_set_secondary_exec_control(...) kh_vmcs_set_secondary_exec_control(__VA_ARGS__)
#define update_exception_bitmap(vcpu) vmx_update_exception_bitmap(vcpu)
static inline void update_intel_pt_cfg(struct kvm_vcpu *vcpu) { (void)vcpu; }
/* 5.4's KVM_SET_CPUID2 vendor hook has the older name; the kinds call it by the newer */
#if defined(KH_HAS_vmx_cpuid_update) && !defined(KH_HAS_vmx_vcpu_after_set_cpuid)
#define KH_HAS_vmx_vcpu_after_set_cpuid 1
#define vmx_vcpu_after_set_cpuid(vcpu) vmx_cpuid_update(vcpu)
#endif
static inline struct vmx_uret_msr *vmx_find_uret_msr(struct vcpu_vmx *vmx, u32 msr) { (void)vmx; (void)msr; return NULL; }
static inline void vmx_set_guest_uret_msr(struct vcpu_vmx *vmx, struct vmx_uret_msr *m, u64 d) { (void)vmx; (void)m; (void)d; }
static inline void vmx_set_intercept_for_msr(struct kvm_vcpu *vcpu, u32 msr, int type, bool value) { (void)vcpu; (void)msr; (void)type; (void)value; }
static inline void set_cr4_guest_host_mask(struct vcpu_vmx *vmx) { (void)vmx; }
static inline void vmx_write_encls_bitmap(struct kvm_vcpu *vcpu, void *vmcs12) { (void)vcpu; (void)vmcs12; }
static inline void vmx_update_exception_bitmap(struct kvm_vcpu *vcpu) { (void)vcpu; }
#ifndef KH_HAS_vmx_recalc_msr_intercepts
static inline void vmx_recalc_msr_intercepts(struct kvm_vcpu *vcpu) { (void)vcpu; }	/* 6.17 */
#endif
/*
 * 5.10/5.15's nested_vmx_pmu_entry_exit_ctls_update() asks the vPMU through
 * kvm_x86_ops.pmu_ops->is_valid_msr(): a variable of that name (the struct tag
 * kh_x86_ops is another namespace) whose is_valid_msr answers as
 * intel_is_valid_msr() does for MSR_CORE_PERF_GLOBAL_CTRL: version > 1.
 */
struct kh_pmu_ops { bool (*is_valid_msr)(struct kvm_vcpu *vcpu, u32 msr); };
struct kh_vcpu_x86_ops { struct kh_pmu_ops *pmu_ops; };
extern struct kh_vcpu_x86_ops kh_x86_ops;
bool intel_is_valid_msr(struct kvm_vcpu *vcpu, u32 msr);
#endif
