/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kh_kvm.h: stand-ins for the KVM and x86 infrastructure around the copied
 * vendor code. Included after the kernel's own definitions (kgen_defs.h), so
 * it may use their constants. Only what the copied code touches is here; each
 * stand-in says what it models. Guards KH_HAS_<name> (kh_layout.h) skip a
 * stand-in when the recipe copied the kernel's own definition instead.
 */
#ifndef KH_KVM_H
#define KH_KVM_H

struct kvm_vcpu;
struct kvm;
static inline bool lapic_in_kernel(struct kvm_vcpu *v) { (void)v; return true; }
/* the kernel's cpu_has_vmx() asks CPUID; the dump's flags answer */
#define cpu_has_vmx() boot_cpu_has(X86_FEATURE_VMX)

/*
 * KVM's supported CPUID (kvm_cpu_caps): the stand-in kvm_set_cpu_caps() starts
 * from the host's flags (DATA.md); the real vmx_set_cpu_caps() adjusts them.
 */
void kh_kvm_set_cpu_caps(void);
bool kh_kcap_has(unsigned int f);
void kh_kcap_set(unsigned int f, bool on);
#define kvm_set_cpu_caps() kh_kvm_set_cpu_caps()
#define kvm_initialize_cpu_caps() kh_kvm_set_cpu_caps()
#define kvm_finalize_cpu_caps() kh_noop()
#define kvm_cpu_cap_has(f) kh_kcap_has(f)
#define kvm_cpu_cap_set(f) kh_kcap_set(f, true)
#define kvm_cpu_cap_clear(f) kh_kcap_set(f, false)
#define kvm_cpu_cap_check_and_set(f) do { if (boot_cpu_has(f)) kh_kcap_set(f, true); } while (0)
#define guest_cpuid_has(v, f) false
u32 kh_cpuid_ecx(u32 leaf);
#define cpuid_ecx(l) kh_cpuid_ecx(l)
#define feature_bit(w) BIT(X86_FEATURE_##w & 0x1f)
#define migrate_disable() kh_noop()
#define migrate_enable() kh_noop()

/* module parameters, by the kernel's names (kh_params.h) */
struct kh_param { const char *name; void *var; int type; };
enum { KH_P_OTHER, KH_P_BOOL, KH_P_INT, KH_P_UINT, KH_P_ULONG };
#define KH_PARAM_TYPE(v) _Generic((v), bool: KH_P_BOOL, int: KH_P_INT, \
	unsigned int: KH_P_UINT, unsigned long: KH_P_ULONG, default: KH_P_OTHER)
extern const struct kh_param kh_params[];
struct kh_feature { const char *name; unsigned int bit; };
extern const struct kh_feature kh_features[];

/* Hyper-V as KVM's host sees it (env hyperv_evmcs): runtime.c fills it in */
struct ms_hyperv_info {
	u32 features, priv_high, misc_features, hints, nested_features;
	u32 max_vp_index, max_lp_index, isolation_config_a, isolation_config_b;
	u64 shared_gpa_boundary;
};
extern struct ms_hyperv_info ms_hyperv;
extern bool kh_hyperv;
struct hv_vp_assist_page;
struct hv_vp_assist_page *hv_get_vp_assist_page(unsigned int cpu);
#define hypervisor_is_type(t) kh_hyperv

/* The vendor ops tables: only the members vendor code assigns or the driver calls. */
typedef void (*kh_fn)(void);
struct kh_x86_ops {
	const char *name;
	void *set_apic_access_page_addr, *update_cr8_intercept, *tlb_remote_flush,
	     *tlb_remote_flush_with_range, *flush_remote_tlbs, *flush_remote_tlbs_range,
	     *sync_pir_to_irr, *set_hv_timer, *cancel_hv_timer, *request_immediate_exit,
	     *enable_direct_tlbflush, *handle_intel_pt_intr, *enable_l2_tlb_flush,
	     *hardware_enable, *vcpu_size_dummy, *nested_ops_dummy, *get_mt_mask,
	     *protected_apic_has_interrupt, *deliver_interrupt, *alloc_apic_backing_page,
	     *slot_enable_log_dirty, *slot_disable_log_dirty, *flush_log_dirty,
	     *enable_log_dirty_pt_masked;
	int cpu_dirty_log_size;
	int (*cpu_has_kvm_support)(void);
	int (*disabled_by_bios)(void);
	int (*check_processor_compatibility)(void);
	int (*hardware_setup)(void);
	struct kh_x86_ops *runtime_ops;
	/* 5.4: the nested ops nested_vmx_hardware_setup() assigns, and the MPX test
	 * of cpuid.c's kvm_mpx_supported() */
	void *check_nested_events, *get_nested_state, *set_nested_state, *get_vmcs12_pages,
	     *nested_enable_evmcs, *nested_get_evmcs_version;
	bool (*mpx_supported)(void);
};
#if KH_LAYOUT == 504
/* 5.4: kvm_x86_ops is a pointer to the vendor's table (kvm_arch_init() sets it) */
#define kvm_x86_ops (&KH_X86_OPS)
#define vmx_check_nested_events NULL
#define vmx_get_nested_state NULL
#define vmx_set_nested_state NULL
#define nested_get_vmcs12_pages NULL
#define kvm_define_shared_msr(i, m) kh_noop()
#define kvm_disable_largepages() kh_noop()
#define kvm_disable_tdp() kh_noop()
#define wakeup_handler NULL
#define spin_lock_init(l) kh_noop()
#define blocked_vcpu_on_cpu 0
#define blocked_vcpu_on_cpu_lock 0
/* no TXT launch: vmx_disabled_by_bios() then asks IA32_FEATURE_CONTROL alone */
#define tboot_enabled() 0
#else
#define kvm_x86_ops kh_x86_ops
#endif
#define kvm_x86_init_ops kh_x86_ops

/* nested ops table: only its `enabled` flag is set at setup (7.2) */
struct kh_nested_ops { bool enabled; };
extern struct kh_nested_ops vmx_nested_ops;

/* the names of the vendor's ops tables and setup function in this layout */
#ifndef KH_X86_OPS
#define KH_X86_OPS vmx_x86_ops
#endif
#ifndef KH_INIT_OPS
#define KH_INIT_OPS vmx_init_ops
#endif
#ifndef KH_HW_SETUP
#define KH_HW_SETUP hardware_setup
#endif

/* KVM's x86 state the vendor code adjusts; values that matter are in runtime.c */
extern unsigned int tsc_khz;
extern bool allow_smaller_maxphyaddr;
extern bool enable_pmu;
extern bool enable_apicv;
extern u64 host_efer, host_xcr0;
#ifndef KH_HAS_host_xss
extern u64 host_xss;	/* 5.4: vmx.c's own static */
#endif
extern unsigned long host_idt_base_kh;

struct desc_ptr { unsigned short size; unsigned long address; } __attribute__((packed));
static inline void store_idt(struct desc_ptr *dt) { dt->size = 0; dt->address = 0; }

/* mitigations, MMU, timers, allocations: no bearing on the capability MSRs */
#define kh_noop(...) do { } while (0)
#define vmx_setup_user_return_msrs() kh_noop()
#define kvm_enable_efer_bits(b) kh_noop()
#define kvm_mmu_set_ept_masks(...) kh_noop()
#define vmx_setup_me_spte_mask() kh_noop()
#define kvm_configure_mmu(...) kh_noop()
#define vmx_get_max_tdp_level() 4
#define setup_default_sgx_lepubkeyhash() kh_noop()
#ifndef KH_HAS_nested_vmx_hardware_setup
#define nested_vmx_hardware_setup(...) 0
#endif
/* what the copied nested_vmx_hardware_setup() allocates and registers */
#define __get_free_page(gfp) ((unsigned long)kh_page())
void *kh_page(void);
#define init_vmcs_shadow_fields() kh_noop()
#define handle_vmclear NULL
#define handle_vmlaunch NULL
#define handle_vmptrld NULL
#define handle_vmptrst NULL
#define handle_vmread NULL
#define handle_vmresume NULL
#define handle_vmwrite NULL
#define handle_vmxoff NULL
#define handle_vmxon NULL
#define handle_vmoff NULL
#define handle_vmon NULL
#define handle_invept NULL
#define handle_invvpid NULL
#define handle_vmfunc NULL
extern bool enable_ipiv, enable_mediated_pmu;
#ifndef KH_HAS_nested_vmx_hardware_unsetup
#define nested_vmx_hardware_unsetup() kh_noop()
#endif
#define alloc_kvm_area() 0
#define get_order(x) 0
#define kvm_define_user_return_msr(i, m) kh_noop()
#define vmx_enable_tdp() kh_noop()
#define cpu_emergency_register_virt_callback(f) kh_noop()
#define KVM_SANITY_CHECK_VM_STRUCT_SIZE(x) kh_noop()
#define kvm_set_posted_intr_wakeup_handler(h) kh_noop()
#define vmx_setup_l1d_flush(p) 0
#define vmx_setup_fb_clear_ctrl() kh_noop()
#define INIT_LIST_HEAD(l) kh_noop()
#define pi_init_cpu(c) kh_noop()
#define vmx_exit() kh_noop()
#define rcu_assign_pointer(p, v) kh_noop()
#define set_bit(n, a) ((a)[(n) / 64] |= 1UL << ((n) % 64))
#define clear_bit(n, a) ((a)[(n) / 64] &= ~(1UL << ((n) % 64)))
#define test_bit(n, a) (((a)[(n) / 64] >> ((n) % 64)) & 1)
#define vmentry_l1d_flush_param 0
#define loaded_vmcss_on_cpu 0
#define hv_remote_flush_tlb NULL
#define hv_remote_flush_tlb_with_range NULL
#define hv_flush_remote_tlbs NULL
#define hv_flush_remote_tlbs_range NULL
#define hv_enable_direct_tlbflush NULL
#define hv_enable_l2_tlb_flush NULL
#define vmx_handle_intel_pt_intr NULL
#define pi_wakeup_handler NULL
#define __kvm_request_immediate_exit NULL
extern int (*kvm_vmx_exit_handlers[128])(struct kvm_vcpu *);

/* perf: the host PMU as KVM sees it (no LBR; version from the dump's arch_perfmon) */
struct x86_pmu_lbr { unsigned int nr, from, to, info; bool has_callstack; };
static inline int x86_perf_get_lbr(struct x86_pmu_lbr *l) { memset(l, 0, sizeof(*l)); return -1; }
struct x86_pmu_capability { int version, pebs_ept, num_counters_gp, num_counters_fixed, bit_width_gp, bit_width_fixed; unsigned int events_mask; int events_mask_len; };
extern struct x86_pmu_capability kvm_pmu_cap;

/* the vmcs12 field table vmx_check_vmcs12_offsets() and VMCS_ENUM walk (layout dependent) */
#endif
