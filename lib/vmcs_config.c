/* SPDX-License-Identifier: MIT */
/*
 * kvm_intel loading: setup_vmcs_config() (the sanitized host control words),
 * the KVM-on-Hyper-V trimming, and hardware_setup()'s clamping of module
 * parameters against what the host can do.  One path for every release; the
 * profile decides what differs.
 */
#include "kernels.h"
#include "model.h"
#include "vmx_bits.h"

/* CPUs whose PERF_GLOBAL_CTRL VM-entry/exit load is broken (family 6). */
static const uint8_t perf_global_erratum_models[] = { 0x1a, 0x1e, 0x25, 0x2c, 0x2e };

/* CPUID.1:EAX signatures (stepping-exact) with a broken preemption timer. */
static const uint32_t preempt_timer_erratum_sigs[] = {
	0x000206E6, 0x00020652, 0x00020655, 0x000106E5, 0x000106A0,
	0x000106A1, 0x000106A4, 0x000106A5, 0x000306A8,
};

static bool has_perf_global_erratum(const struct nvmx_kernel *k, const struct nvmx_host *h)
{
	if (k->perf_erratum_vendor && !str_equal(h->vendor, "GenuineIntel"))
		return false;
	if (h->family != 6)
		return false;
	for (unsigned i = 0; i < sizeof(perf_global_erratum_models); i++)
		if (h->model == perf_global_erratum_models[i])
			return true;
	return false;
}

static bool has_preempt_timer_erratum(const struct nvmx_host *h)
{
	uint32_t sig = nvmx_host_signature(h) & ~(UINT32_C(3) << 14 | UINT32_C(0xf) << 28);
	for (unsigned i = 0; i < sizeof(preempt_timer_erratum_sigs) / 4; i++)
		if (sig == preempt_timer_erratum_sigs[i])
			return true;
	return false;
}

/*
 * The adjust rule: keep what the CPU may set, add what it forces, and fail
 * if a required control is left out.
 */
static bool adjust(uint32_t min, uint32_t opt, uint64_t msr, uint32_t *out, uint32_t *missing)
{
	uint32_t c = ((min | opt) & nvmx_hi(msr)) | nvmx_lo(msr);
	*missing = min & ~c;
	*out = c;
	return *missing == 0;
}

static void fail(struct nvmx_kvm *kvm, enum nvmx_load_status st, int rc,
		 enum nvmx_word w, uint64_t bits)
{
	kvm->status = st;
	kvm->load_rc = rc;
	kvm->fail_word = w;
	kvm->fail_bits = bits;
}

#define EIO 5
#define EINVAL 22
#define EOPNOTSUPP 95

const struct nvmx__ctl_pair nvmx__entry_exit_pairs[NVMX__ENTRY_EXIT_PAIRS] = {
	{ ENTRY_LOAD_PERF_GLOBAL, EXIT_LOAD_PERF_GLOBAL },
	{ ENTRY_LOAD_PAT, EXIT_LOAD_PAT },
	{ ENTRY_LOAD_EFER, EXIT_LOAD_EFER },
	{ ENTRY_LOAD_BNDCFGS, EXIT_CLEAR_BNDCFGS },
	{ ENTRY_LOAD_RTIT, EXIT_CLEAR_RTIT },
	{ ENTRY_LOAD_CET, EXIT_LOAD_CET },
};

/* setup_vmcs_config(): false when kvm_intel would refuse to load. */
static bool setup_vmcs_config(struct nvmx_kvm *kvm, const struct nvmx_host *h)
{
	const struct nvmx_kernel *k = kvm->kernel;
	const struct nvmx_msrs *m = &h->msrs;
	struct nvmx_vmcs_config *c = &kvm->cfg;
	bool strict = k->inconsistent_can_fail && kvm->params.val[NVMX_P_ERROR_ON_INCONSISTENT];
	uint32_t missing;

	if (!adjust(k->min_proc, k->opt_proc, nvmx_msrs_get(m, NVMX_PROCBASED), &c->proc, &missing)) {
		fail(kvm, NVMX_LOAD_MISSING_CONTROLS, -EIO, NVMX_WORD_PROC, missing);
		return false;
	}
	if (k->cfg_cr8_cr3_adjust && (c->proc & PROC_TPR_SHADOW))
		c->proc &= ~(PROC_CR8_LOAD | PROC_CR8_STORE);

	if (c->proc & PROC_SECONDARY) {
		uint32_t opt2 = k->opt_proc2;
		if (k->encls_opt_if_sgx && (h->features & NVMX_FEAT(NVMX_F_SGX)))
			opt2 |= P2_ENCLS;
		adjust(0, opt2, nvmx_msrs_get(m, NVMX_PROCBASED2), &c->proc2, &missing);
	}
	if (k->cfg_clears_ept_ve)
		c->proc2 &= ~P2_EPT_VE;
	if (!(c->proc & PROC_TPR_SHADOW))
		c->proc2 &= ~(P2_APIC_REG | P2_X2APIC | P2_VID);

	uint64_t cap = nvmx_msrs_get(m, NVMX_EPT_VPID_CAP);
	c->ept = nvmx_lo(cap);
	c->vpid = nvmx_hi(cap);
	if (k->cfg_cr8_cr3_adjust && (c->proc2 & P2_EPT))
		c->proc &= ~(PROC_CR3_LOAD | PROC_CR3_STORE | PROC_INVLPG);
	if (!(c->proc2 & P2_EPT) && c->ept) {
		if (strict) {
			fail(kvm, NVMX_LOAD_EPT_INCONSISTENT, -EIO, NVMX_WORD_PROC2, P2_EPT);
			return false;
		}
		c->ept = 0;
		if (k->cfg_mbec_needs_ept)
			c->proc2 &= ~P2_MBEC;
	}
	if (!(c->proc2 & P2_VPID) && c->vpid) {
		if (strict) {
			fail(kvm, NVMX_LOAD_VPID_INCONSISTENT, -EIO, NVMX_WORD_PROC2, P2_VPID);
			return false;
		}
		c->vpid = 0;
	}
	/* MBEC is virtualized only with the access type the advanced exit info gives. */
	if (k->cfg_mbec_needs_advinfo && !(c->ept & EPT_ADV_EXIT))
		c->proc2 &= ~P2_MBEC;
	if (k->cfg_encls_needs_sgx && !(h->features & NVMX_FEAT(NVMX_F_SGX)))
		c->proc2 &= ~P2_ENCLS;
	if (k->opt_proc3 && (c->proc & PROC_TERTIARY))
		c->proc3 = k->opt_proc3 & nvmx_msrs_get(m, NVMX_PROCBASED3);

	if (!adjust(k->min_exit, k->opt_exit, nvmx_msrs_get(m, NVMX_EXIT), &c->exit, &missing)) {
		fail(kvm, NVMX_LOAD_MISSING_CONTROLS, -EIO, NVMX_WORD_EXIT, missing);
		return false;
	}
	if (!adjust(k->min_pin, k->opt_pin, nvmx_msrs_get(m, NVMX_PINBASED), &c->pin, &missing)) {
		fail(kvm, NVMX_LOAD_MISSING_CONTROLS, -EIO, NVMX_WORD_PIN, missing);
		return false;
	}
	if (has_preempt_timer_erratum(h))
		c->pin &= ~PIN_PREEMPT_TIMER;
	if (!(c->proc2 & P2_VID))
		c->pin &= ~PIN_POSTED_INTR;
	if (!adjust(k->min_entry, k->opt_entry, nvmx_msrs_get(m, NVMX_ENTRY), &c->entry, &missing)) {
		fail(kvm, NVMX_LOAD_MISSING_CONTROLS, -EIO, NVMX_WORD_ENTRY, missing);
		return false;
	}

	for (unsigned i = 0; i < k->entry_exit_pairs; i++) {
		const struct nvmx__ctl_pair *p = &nvmx__entry_exit_pairs[i];
		bool en = c->entry & p->entry, ex = c->exit & p->exit;
		if (en == ex)
			continue;
		if (strict) {
			fail(kvm, NVMX_LOAD_PAIR_INCONSISTENT, -EIO,
			     en ? NVMX_WORD_ENTRY : NVMX_WORD_EXIT, en ? p->entry : p->exit);
			return false;
		}
		c->entry &= ~p->entry;
		c->exit &= ~p->exit;
	}
	if (k->perf_erratum_in_cfg && has_perf_global_erratum(k, h)) {
		c->entry &= ~ENTRY_LOAD_PERF_GLOBAL;
		c->exit &= ~EXIT_LOAD_PERF_GLOBAL;
	}

	uint64_t basic = nvmx_msrs_get(m, NVMX_BASIC);
	uint64_t size = (basic >> BASIC_SIZE_SHIFT) & BASIC_SIZE_MASK;
	uint64_t memtype = (basic >> BASIC_MEMTYPE_SHIFT) & BASIC_MEMTYPE_MASK;
	if (size > 4096 || (basic & BASIC_32BIT_ADDR) || memtype != BASIC_MEMTYPE_WB) {
		fail(kvm, NVMX_LOAD_BAD_BASIC, -EIO, NVMX_WORD_NONE, 0);
		return false;
	}
	c->basic = basic;
	c->misc = nvmx_msrs_get(m, NVMX_MISC);

	if (kvm->using_evmcs && k->evmcs_cfg == EVMCS_CFG_MASK) {
		const struct evmcs_keep *e = &k->evmcs_cfg_keep;
		c->pin &= e->pin;
		c->proc &= e->proc;
		c->proc2 &= e->proc2;
		c->proc3 &= e->proc3;
		c->exit &= e->exit;
		c->entry &= e->entry;
	}
	return true;
}

static void clamp(struct nvmx_params *p, enum nvmx_param which, bool keep)
{
	if (!keep)
		p->val[which] = 0;
}

/* hardware_setup(): parameters only ever switched off, never on. */
static bool clamp_params(struct nvmx_kvm *kvm, const struct nvmx_host *h)
{
	const struct nvmx_kernel *k = kvm->kernel;
	const struct nvmx_vmcs_config *c = &kvm->cfg;
	struct nvmx_params *p = &kvm->params;

	clamp(p, NVMX_P_VPID, (c->proc2 & P2_VPID) && (c->vpid & VPID_INVVPID) &&
			      (c->vpid & (VPID_SINGLE | VPID_GLOBAL)));
	clamp(p, NVMX_P_EPT, (c->proc2 & P2_EPT) && (c->ept & EPT_PWL4) && (c->ept & EPT_WB) &&
			     (c->ept & EPT_INVEPT_GLOBAL));
	bool ept = p->val[NVMX_P_EPT];
	clamp(p, NVMX_P_EPTAD, ept && (c->ept & EPT_AD));
	clamp(p, NVMX_P_UNRESTRICTED_GUEST, ept && (c->proc2 & P2_UNRESTRICTED));
	if (k->cfg_mbec_needs_ept)
		clamp(p, NVMX_P_MBEC, ept && (c->proc2 & P2_MBEC));
	clamp(p, NVMX_P_FLEXPRIORITY, (c->proc & PROC_TPR_SHADOW) && (c->proc2 & P2_VAPIC));
	clamp(p, NVMX_P_VNMI, (c->pin & PIN_VIRTUAL_NMIS) &&
			      (!k->vnmi_needs_nmi_window || (c->proc & PROC_NMI_WINDOW)));
	clamp(p, NVMX_P_ENABLE_APICV, (c->proc2 & P2_APIC_REG) && (c->proc2 & P2_VID) &&
				      (c->pin & PIN_POSTED_INTR));
	clamp(p, NVMX_P_ENABLE_IPIV, p->val[NVMX_P_ENABLE_APICV] && (c->proc3 & P3_IPI_VIRT));
	if (!(c->proc2 & P2_PLE)) {
		p->val[NVMX_P_PLE_GAP] = p->val[NVMX_P_PLE_WINDOW] = 0;
		p->val[NVMX_P_PLE_WINDOW_GROW] = p->val[NVMX_P_PLE_WINDOW_SHRINK] = 0;
		p->val[NVMX_P_PLE_WINDOW_MAX] = 0;
	}
	clamp(p, NVMX_P_PML, ept && p->val[NVMX_P_EPTAD] && (c->proc2 & P2_PML));
	if (k->sgx_needs_encls)
		clamp(p, NVMX_P_SGX, c->proc2 & P2_ENCLS);

	/*
	 * The timer runs at TSC >> rate; with the unknown-TSC fallback of
	 * 5 GHz a rate below 4 would overflow KVM's 32-bit deadline maths.
	 */
	uint64_t freq = UINT64_C(5000000000) >> (c->misc & MISC_TIMER_RATE);
	clamp(p, NVMX_P_PREEMPTION_TIMER, (c->pin & PIN_PREEMPT_TIMER) &&
					  freq <= UINT64_C(0xffffffff) / 10);

	/* hardware_setup() refuses a host without NX before it looks at pt_mode. */
	if (k->nx_required && !ept && !(h->features & NVMX_FEAT(NVMX_F_NX))) {
		fail(kvm, NVMX_LOAD_NO_NX, -EOPNOTSUPP, NVMX_WORD_NONE, 0);
		return false;
	}
	if (p->val[NVMX_P_PT_MODE] != 0 && p->val[NVMX_P_PT_MODE] != 1) {
		fail(kvm, NVMX_LOAD_BAD_PT_MODE, -EINVAL, NVMX_WORD_NONE, 0);
		return false;
	}
	bool pt = (c->misc & MISC_INTEL_PT) && (c->proc2 & P2_PT_USE_GPA) &&
		  (c->exit & EXIT_CLEAR_RTIT) && (c->entry & ENTRY_LOAD_RTIT);
	/* Guest PT needs EPT and, where the parameter exists, a vPMU. */
	bool pmu = !nvmx_kernel_has_param(k, NVMX_P_ENABLE_PMU) || p->val[NVMX_P_ENABLE_PMU];
	clamp(p, NVMX_P_PT_MODE, ept && pmu && pt);

	/*
	 * RHEL 8: nested not given (-1) is on iff EPT and VMCS shadowing are usable;
	 * "usable" is cpu_has_vmx_shadow_vmcs(): the secondary control and MISC bit 29
	 * (VMWRITE to read-only exit fields), which that kernel checks first.
	 */
	if (k->nested_auto && p->val[NVMX_P_NESTED] < 0)
		p->val[NVMX_P_NESTED] = ept && (c->proc2 & P2_SHADOW_VMCS) &&
					(c->misc & MISC_VMWRITE_ALL) && p->val[NVMX_P_SHADOW_VMCS];

	/* nested_vmx_hardware_setup() runs only with nested=1. */
	if (k->clamps_shadow_vmcs && p->val[NVMX_P_NESTED])
		clamp(p, NVMX_P_SHADOW_VMCS, (c->proc2 & P2_SHADOW_VMCS) &&
						 (c->misc & MISC_VMWRITE_ALL));
	if (k->cet_param)
		clamp(p, NVMX_P_CET, c->entry & ENTRY_LOAD_CET);
	return true;
}

/*
 * KVM's supported CPUID for CET (kvm_cpu_caps SHSTK/IBT): the host feature,
 * the VMCS controls to switch CET state, unrestricted guest and the relaxed
 * error-code check; 7.0+ also CET state in the host's IA32_XSS, which no dump
 * records, so it is taken as absent.
 */
static uint64_t kvm_cet_caps(const struct nvmx_kvm *kvm, const struct nvmx_host *h)
{
	const struct nvmx_kernel *k = kvm->kernel;
	uint64_t f = h->features & (NVMX_FEAT(NVMX_F_SHSTK) | NVMX_FEAT(NVMX_F_IBT));
	if (k->cet == CET_NONE || k->cet == CET_NEEDS_XSS)
		return 0;
	if (!(kvm->cfg.entry & ENTRY_LOAD_CET) || !kvm->params.val[NVMX_P_UNRESTRICTED_GUEST] ||
	    !(kvm->cfg.basic & BASIC_NO_HW_ERRCODE))
		return 0;
	return f;
}

void nvmx_kvm_load(struct nvmx_kvm *kvm, const struct nvmx_host *h,
		   const struct nvmx_kernel *k, const struct nvmx_params *p)
{
	*kvm = (struct nvmx_kvm){ 0 };
	kvm->kernel = k;
	kvm->fail_word = NVMX_WORD_NONE;
	if (p)
		kvm->params = *p;
	else
		nvmx_params_default(k, &kvm->params);

	if (!nvmx_msrs_has(&h->msrs, NVMX_BASIC) ||
	    (h->features && !(h->features & NVMX_FEAT(NVMX_F_VMX)))) {
		fail(kvm, NVMX_LOAD_NO_VMX, -EOPNOTSUPP, NVMX_WORD_NONE, 0);
		return;
	}
	kvm->using_evmcs = h->hyperv_evmcs && kvm->params.val[NVMX_P_ENLIGHTENED_VMCS];
	if (!setup_vmcs_config(kvm, h) || !clamp_params(kvm, h))
		return;
	kvm->params.val[NVMX_P_ENLIGHTENED_VMCS] = kvm->using_evmcs;
	kvm->kvm_features = kvm_cet_caps(kvm, h);
	kvm->host_features = h->features;
	kvm->mpx_supported = (h->features & NVMX_FEAT(NVMX_F_MPX)) &&
			     (kvm->cfg.entry & ENTRY_LOAD_BNDCFGS) && (kvm->cfg.exit & EXIT_CLEAR_BNDCFGS);
	kvm->status = NVMX_LOAD_OK;
	if (kvm->params.val[NVMX_P_NESTED]) {
		kvm->nested = true;
		nvmx_nested_setup(kvm, h);
	}
}
