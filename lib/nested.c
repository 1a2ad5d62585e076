/* SPDX-License-Identifier: MIT */
/*
 * nested_vmx_setup_ctls_msrs(): KVM's maximal nested VMX MSRs (N), which
 * /dev/kvm reports and every fresh vCPU starts from.  Before the 6.1 rework
 * the control words come from the raw non-TRUE hardware MSRs; after it from
 * vmcs_config.  Everything else is per-release masks in the profile.
 */
#include "kernels.h"
#include "model.h"
#include "vmx_bits.h"

/* What L1 may always set, whatever the host: KVM emulates these. */
#define NESTED_PIN_MASK		(PIN_EXT_INTR | PIN_NMI_EXIT | PIN_VIRTUAL_NMIS)
#define NESTED_PIN_FORCE	(PIN_DEFAULT1 | PIN_PREEMPT_TIMER)
#define NESTED_PROC_MASK	UINT32_C(0xebf99e8c)
#define NESTED_PROC_FORCE	(PROC_DEFAULT1 | PROC_MSR_BITMAPS)
#define NESTED_PROC_LO		(PROC_DEFAULT1 & ~(PROC_CR3_LOAD | PROC_CR3_STORE))
#define NESTED_EXIT_LO		(EXIT_DEFAULT1 & ~EXIT_SAVE_DEBUG)
#define NESTED_ENTRY_LO		(ENTRY_DEFAULT1 & ~ENTRY_LOAD_DEBUG)
#define NESTED_EPT_MASK		(EPT_EXEC_ONLY | EPT_PWL4 | EPT_PWL5 | EPT_WB | EPT_INVEPT)
#define NESTED_EPT_FORCE	(EPT_INVEPT_GLOBAL | EPT_INVEPT_CONTEXT | EPT_2M | EPT_1G)
#define NESTED_VPID_CAPS	(VPID_INVVPID | VPID_INDIVIDUAL | VPID_SINGLE | VPID_GLOBAL | \
				 VPID_SINGLE_NONGLOBAL)
#define NESTED_BASIC		(VMCS12_REVISION | VMCS12_SIZE << BASIC_SIZE_SHIFT | \
				 (uint64_t)BASIC_MEMTYPE_WB << BASIC_MEMTYPE_SHIFT | BASIC_TRUE_CTLS)

/* 7.0+: VMCS_ENUM is the highest vmcs12 field index the host can back. */
static uint64_t vmcs_enum_by_fields(const struct nvmx_vmcs_config *c)
{
	/* TSC_MULTIPLIER (index 25) is the only field above index 23 that can go. */
	return (c->proc2 & P2_TSC_SCALING) ? 0x32 : 0x2e;
}

void nvmx_nested_setup(struct nvmx_kvm *kvm, const struct nvmx_host *h)
{
	const struct nvmx_kernel *k = kvm->kernel;
	const struct nvmx_vmcs_config *c = &kvm->cfg;
	const struct nvmx_msrs *m = &h->msrs;
	const int64_t *p = kvm->params.val;
	struct nvmx_caps *n = &kvm->caps;
	uint32_t src_pin, src_proc, src_exit, src_entry, src_proc2;
	uint64_t src_misc;

	*n = (struct nvmx_caps){ 0 };
	if (k->nested_from_cfg) {
		src_pin = c->pin;
		src_proc = c->proc;
		src_exit = c->exit;
		src_entry = c->entry;
		src_proc2 = c->proc2;
		src_misc = c->misc;
		n->pin_lo = PIN_DEFAULT1;
	} else {
		src_pin = nvmx_hi(nvmx_msrs_get(m, NVMX_PINBASED));
		src_proc = nvmx_hi(nvmx_msrs_get(m, NVMX_PROCBASED));
		src_exit = nvmx_hi(nvmx_msrs_get(m, NVMX_EXIT));
		src_entry = nvmx_hi(nvmx_msrs_get(m, NVMX_ENTRY));
		src_proc2 = 0;
		src_misc = nvmx_msrs_get(m, NVMX_MISC);
		n->pin_lo = nvmx_lo(nvmx_msrs_get(m, NVMX_PINBASED)) | PIN_DEFAULT1;
	}

	n->pin_hi = (src_pin & (NESTED_PIN_MASK | (p[NVMX_P_ENABLE_APICV] ? PIN_POSTED_INTR : 0))) |
		    NESTED_PIN_FORCE;

	n->exit_lo = NESTED_EXIT_LO;
	n->exit_hi = (src_exit & k->exit_mask) | k->exit_force;
	n->entry_lo = NESTED_ENTRY_LO;
	n->entry_hi = (src_entry & k->entry_mask) | k->entry_force;
	if (k->cet != CET_NONE &&
	    !(kvm->kvm_features & (NVMX_FEAT(NVMX_F_SHSTK) | NVMX_FEAT(NVMX_F_IBT)))) {
		n->exit_hi &= ~EXIT_LOAD_CET;
		n->entry_hi &= ~ENTRY_LOAD_CET;
	}

	n->proc_lo = NESTED_PROC_LO;
	n->proc_hi = (src_proc & NESTED_PROC_MASK) | NESTED_PROC_FORCE;

	/* Pre-rework: the raw secondary MSR counts only if L1 may activate it. */
	if (!k->nested_from_cfg && (n->proc_hi & PROC_SECONDARY))
		src_proc2 = nvmx_hi(nvmx_msrs_get(m, NVMX_PROCBASED2));
	n->proc2_lo = 0;
	n->proc2_hi = (src_proc2 & k->proc2_mask) | P2_SHADOW_VMCS;

	if (p[NVMX_P_EPT]) {
		n->proc2_hi |= P2_EPT;
		n->ept_caps = (c->ept & (NESTED_EPT_MASK | k->nested_ept_extra)) | NESTED_EPT_FORCE;
		if (k->nested_ept_no_pwl5)
			n->ept_caps &= ~EPT_PWL5;
		if (p[NVMX_P_EPTAD]) {
			n->proc2_hi |= P2_PML;
			n->ept_caps |= EPT_AD;
		}
		if (k->nested_mbec && p[NVMX_P_MBEC])
			n->proc2_hi |= P2_MBEC;
		if (c->proc2 & P2_VMFUNC)
			n->vmfunc = 1;	/* EPTP switching */
	}
	if (k->vmfunc_added && (c->proc2 & P2_VMFUNC))
		n->proc2_hi |= P2_VMFUNC;
	if (p[NVMX_P_VPID]) {
		n->proc2_hi |= P2_VPID;
		n->vpid_caps = NESTED_VPID_CAPS;
	}
	if (p[NVMX_P_UNRESTRICTED_GUEST])
		n->proc2_hi |= P2_UNRESTRICTED;
	if (p[NVMX_P_FLEXPRIORITY])
		n->proc2_hi |= P2_VAPIC;
	if (p[NVMX_P_SGX])
		n->proc2_hi |= P2_ENCLS;

	n->misc_lo = (nvmx_lo(src_misc) & MISC_SAVE_EFER_LMA) | k->misc_force;
	n->misc_hi = 0;

	n->basic = NESTED_BASIC | (c->basic & BASIC_INOUT);
	if (k->basic_no_hw_errcode)
		n->basic |= c->basic & BASIC_NO_HW_ERRCODE;

	n->cr0_fixed0 = 0x80000021;	/* PE, NE, PG */
	n->cr4_fixed0 = 0x2000;		/* VMXE */
	n->cr0_fixed1 = nvmx_msrs_get(m, NVMX_CR0_FIXED1);
	n->cr4_fixed1 = nvmx_msrs_get(m, NVMX_CR4_FIXED1);
	if (k->umip_cr4_fixed1 && (c->proc2 & P2_DESC) &&
	    !(k->umip_only_without_host && (h->features & NVMX_FEAT(NVMX_F_UMIP))))
		n->cr4_fixed1 |= CR4_UMIP;

	n->vmcs_enum = k->vmcs_enum == VMCS_ENUM_BY_FIELDS ? vmcs_enum_by_fields(c)
							   : k->vmcs_enum_value;
}

uint64_t nvmx_caps_read(const struct nvmx_caps *c, enum nvmx_msr_id id)
{
	switch (id) {
	case NVMX_BASIC: return c->basic;
	case NVMX_PINBASED: return nvmx_mk64(c->pin_lo | PIN_DEFAULT1, c->pin_hi);
	case NVMX_TRUE_PINBASED: return nvmx_mk64(c->pin_lo, c->pin_hi);
	case NVMX_PROCBASED: return nvmx_mk64(c->proc_lo | PROC_DEFAULT1, c->proc_hi);
	case NVMX_TRUE_PROCBASED: return nvmx_mk64(c->proc_lo, c->proc_hi);
	case NVMX_EXIT: return nvmx_mk64(c->exit_lo | EXIT_DEFAULT1, c->exit_hi);
	case NVMX_TRUE_EXIT: return nvmx_mk64(c->exit_lo, c->exit_hi);
	case NVMX_ENTRY: return nvmx_mk64(c->entry_lo | ENTRY_DEFAULT1, c->entry_hi);
	case NVMX_TRUE_ENTRY: return nvmx_mk64(c->entry_lo, c->entry_hi);
	case NVMX_MISC: return nvmx_mk64(c->misc_lo, c->misc_hi);
	case NVMX_CR0_FIXED0: return c->cr0_fixed0;
	case NVMX_CR0_FIXED1: return c->cr0_fixed1;
	case NVMX_CR4_FIXED0: return c->cr4_fixed0;
	case NVMX_CR4_FIXED1: return c->cr4_fixed1;
	case NVMX_VMCS_ENUM: return c->vmcs_enum;
	case NVMX_PROCBASED2: return nvmx_mk64(c->proc2_lo, c->proc2_hi);
	case NVMX_EPT_VPID_CAP: return nvmx_mk64(c->ept_caps, c->vpid_caps);
	case NVMX_VMFUNC: return c->vmfunc;
	default: return 0;
	}
}

bool nvmx_kernel_reports(const struct nvmx_kernel *k, enum nvmx_msr_id id)
{
	(void)k;	/* 0x480..0x491 in every supported release */
	return id <= NVMX_VMFUNC;
}

void nvmx_caps_to_msrs(const struct nvmx_kernel *k, const struct nvmx_caps *c,
		       struct nvmx_msrs *m)
{
	*m = (struct nvmx_msrs){ { 0 }, 0 };
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (nvmx_kernel_reports(k, (enum nvmx_msr_id)id))
			nvmx_msrs_set(m, (enum nvmx_msr_id)id, nvmx_caps_read(c, (enum nvmx_msr_id)id));
}
