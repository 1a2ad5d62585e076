// SPDX-License-Identifier: GPL-2.0-only
/*
 * glue.c: how KVM's common x86 code drives the vendor module at load time,
 * written for the harness per layout (the copied vendor code is unmodified;
 * this is the part of virt/kvm and arch/x86/kvm/x86.c around it). Only the
 * steps that can fail a load or change what the vendor code sees are here:
 * VMX present and not disabled by firmware, the PMU capability, the vendor
 * hardware_setup(), and the per-CPU compatibility check (one CPU).
 */

#define KH_INIT_OPS_FIELDS \
	.check_processor_compatibility = vmx_check_processor_compat, \
	.hardware_setup = KH_HW_SETUP, \
	.runtime_ops = &KH_X86_OPS

#if KH_LAYOUT == 504
/* 5.4: one table, vmx_x86_ops, holds the setup ops too; kvm_init() gets it */
struct kh_x86_ops KH_X86_OPS = {
	.name = "kvm_intel",
	.cpu_has_kvm_support = cpu_has_kvm_support,
	.disabled_by_bios = vmx_disabled_by_bios,
	.mpx_supported = vmx_mpx_supported,
	KH_INIT_OPS_FIELDS,
};
struct kh_x86_ops KH_INIT_OPS = { .name = "kvm_intel" };
#else
struct kh_x86_ops KH_X86_OPS = { .name = "kvm_intel" };
struct kh_x86_ops KH_INIT_OPS = {
	.name = "kvm_intel",
#ifdef KH_HAS_cpu_has_kvm_support
	.cpu_has_kvm_support = cpu_has_kvm_support,
#endif
#ifdef KH_HAS_vmx_disabled_by_bios
	.disabled_by_bios = vmx_disabled_by_bios,
#endif
	KH_INIT_OPS_FIELDS,
};
#endif

/* Host XCR0 (DATA.md): x87/SSE, plus AVX, MPX, AVX-512, PKRU where the dump lists them */
static u64 kh_host_xcr0(void)
{
	u64 x = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	if (kh_host_lists("avx"))
		x |= XFEATURE_MASK_YMM;
	if (kh_host_lists("mpx"))
		x |= XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR;
	if (kh_host_lists("avx512f"))
		x |= XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 | XFEATURE_MASK_Hi16_ZMM;
	if (kh_host_lists("pku"))
		x |= XFEATURE_MASK_PKRU;
	return x;
}

/* x86 common init before the vendor's hardware_setup(): KVM's XCR0 from the host's */
static void kh_set_supported_xcr0(void)
{
	if (!boot_cpu_has(X86_FEATURE_XSAVE))
		return;
#if defined(KH_HAS_kvm_caps)
	kvm_caps.supported_xcr0 = kh_host_xcr0();
#elif defined(KH_HAS_supported_xcr0)
	supported_xcr0 = kh_host_xcr0();
#elif KH_LAYOUT == 504
	host_xcr0 = kh_host_xcr0();	/* 5.4: kvm_arch_init() reads XCR0; kvm_mpx_supported() asks it */
#endif
}

/* x86's kvm_init_pmu_capability(): the host PMU (runtime.c) keeps enable_pmu on */
static void kh_init_pmu_capability(void)
{
#ifdef KH_HAS_enable_pmu
	if (!kvm_pmu_cap.version || !kvm_pmu_cap.num_counters_gp)
		enable_pmu = false;
#endif
}

/*
 * What KVM's common code does around the vendor setup, in the order it does it:
 * VMX present and not disabled by firmware (where the vendor still has those
 * ops), KVM's XCR0 and PMU capability, the vendor hardware_setup(), the per-CPU
 * compatibility check (one CPU).
 */
static int kh_vendor_setup(struct kh_x86_ops *ops)
{
	if (ops->cpu_has_kvm_support && !ops->cpu_has_kvm_support()) {
		pr_err_ratelimited("kvm: no hardware support\n");
		return -EOPNOTSUPP;
	}
	if (ops->disabled_by_bios && ops->disabled_by_bios()) {
		pr_err_ratelimited("kvm: disabled by bios\n");
		return -EOPNOTSUPP;
	}
	kh_set_supported_xcr0();
	kh_init_pmu_capability();
	int r = ops->hardware_setup();
	if (r)
		return r;
	return ops->check_processor_compatibility();
}

#ifdef KH_VENDOR_INIT
/* 6.2+ (and stable lines that took it, e.g. 6.1.y): vmx_init() -> kvm_x86_vendor_init(), then kvm_init() */
int kvm_x86_vendor_init(struct kh_x86_ops *ops)
{
	return kh_vendor_setup(ops);
}

int kvm_init()
{
	return 0;
}
#else
/* before: kvm_init(ops, ...) -> kvm_arch_init() -> kvm_arch_hardware_setup() -> compat check */
int kvm_init(void *opaque, unsigned vcpu_size, unsigned vcpu_align, void *module)
{
	(void)vcpu_size; (void)vcpu_align; (void)module;
	return kh_vendor_setup(opaque);
}
#endif

static int kh_load(void)
{
	return vmx_init();
}

/* the static key KVM sets when it uses eVMCS itself: renamed in 6.6 */
#if defined(KH_HAS_DEFINE_STATIC_KEY_FALSE___kvm_is_using_evmcs)
#define KH_USING_EVMCS() static_branch_unlikely(&__kvm_is_using_evmcs)
#else
#define KH_USING_EVMCS() static_branch_unlikely(&enable_evmcs)
#endif
#if KH_HAS_CONF_NESTED
#define KH_NESTED_MSRS (&vmcs_config.nested)
#else
#define KH_NESTED_MSRS (&vmcs_config.nested)
#endif
