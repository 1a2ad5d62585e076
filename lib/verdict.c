/* SPDX-License-Identifier: MIT */
/*
 * nvmx_target_compile / nvmx_target_check: vmx_set_vmx_msr()'s rules as
 * masks.  Only the verdict of a whole write sequence is asked, which is what
 * makes them independent: each MSR is written once, a rejected write makes
 * the verdict false whatever follows, so every later write may assume the
 * earlier ones took effect.  The one rule that reads another MSR (MISC's
 * timer rate, while the vCPU's PINBASED allows the preemption timer) then
 * reads the saved PINBASED when the order writes it first, else the vCPU's.
 * tests/test_verdict.c holds this against nvmx_migrate.
 */
#include "nvmx/verdict.h"
#include "kernels.h"
#include "vmx_bits.h"

/* Never equal: an MSR every write of which is refused. */
#define REFUSE_MASK 0
#define REFUSE_WANT 1

static void refuse_all(struct nvmx_target *t)
{
	for (unsigned id = 0; id < NVMX_MSR_COUNT; id++) {
		t->mask[id] = REFUSE_MASK;
		t->want[id] = REFUSE_WANT;
	}
}

static void control(struct nvmx_target *t, enum nvmx_msr_id id, uint32_t must1, uint32_t may1)
{
	/* Every must-be-1 bit kept, no allowed-1 bit beyond what KVM (or the revoke list) allows. */
	t->mask[id] = must1 | (uint64_t)~may1 << 32;
	t->want[id] = must1;
}

static uint32_t revoked(const struct nvmx_vcpu *v, enum nvmx_msr_id id)
{
	return v->policy != NVMX_POLICY_STRICT && v->revoke ? v->revoke->hi[id] : 0;
}

static void compile_rules(struct nvmx_target *t, const struct nvmx_vcpu *v)
{
	const struct nvmx_kvm *kvm = v->kvm;
	/* <=5.19 checks against the vCPU's current values, 6.0+ against KVM's maximum. */
	const struct nvmx_caps *r = kvm->kernel->restore_vs_vcpu ? &v->v : &kvm->caps;

	refuse_all(t);	/* non-TRUE controls, CR0/CR4_FIXED1, beyond VMFUNC */
	control(t, NVMX_TRUE_PINBASED, r->pin_lo, r->pin_hi | revoked(v, NVMX_TRUE_PINBASED));
	control(t, NVMX_TRUE_PROCBASED, r->proc_lo, r->proc_hi | revoked(v, NVMX_TRUE_PROCBASED));
	control(t, NVMX_TRUE_EXIT, r->exit_lo, r->exit_hi | revoked(v, NVMX_TRUE_EXIT));
	control(t, NVMX_TRUE_ENTRY, r->entry_lo, r->entry_hi | revoked(v, NVMX_TRUE_ENTRY));
	control(t, NVMX_PROCBASED2, r->proc2_lo, r->proc2_hi | revoked(v, NVMX_PROCBASED2));

	/* BASIC: checked flags kept or cleared, no 32-bit addresses, same revision. */
	t->mask[NVMX_BASIC] = (BASIC_RESTORE_CHECKED & ~r->basic) | BASIC_32BIT_ADDR | BASIC_REVISION;
	t->want[NVMX_BASIC] = r->basic & BASIC_REVISION;
	t->basic_size_min = (uint32_t)((r->basic >> BASIC_SIZE_SHIFT) & BASIC_SIZE_MASK);

	/* MISC: checked flags kept or cleared, the MSEG revision (high half) equal. */
	uint64_t misc = nvmx_mk64(r->misc_lo, r->misc_hi);
	t->mask[NVMX_MISC] = (MISC_RESTORE_CHECKED & ~misc) | UINT64_C(0xffffffff) << 32;
	t->want[NVMX_MISC] = misc & UINT64_C(0xffffffff) << 32;
	t->misc_cr3_max = (r->misc_lo >> MISC_CR3_COUNT_SHIFT) & MISC_CR3_COUNT_MASK;
	t->misc_msrs_max = (r->misc_lo >> MISC_MAX_MSR_SHIFT) & MISC_MAX_MSR_MASK;
	t->timer_rate = r->misc_lo & MISC_TIMER_RATE;
	t->timer_initially = v->v.pin_hi & PIN_PREEMPT_TIMER;

	/* Must-be-1 CR bits kept; EPT/VPID and VMFUNC bits a subset; VMCS_ENUM anything. */
	t->mask[NVMX_CR0_FIXED0] = t->want[NVMX_CR0_FIXED0] = r->cr0_fixed0;
	t->mask[NVMX_CR4_FIXED0] = t->want[NVMX_CR4_FIXED0] = r->cr4_fixed0;
	t->mask[NVMX_EPT_VPID_CAP] = ~nvmx_mk64(r->ept_caps, r->vpid_caps);
	t->want[NVMX_EPT_VPID_CAP] = 0;
	t->mask[NVMX_VMFUNC] = ~r->vmfunc;
	t->want[NVMX_VMFUNC] = 0;
	t->mask[NVMX_VMCS_ENUM] = t->want[NVMX_VMCS_ENUM] = 0;
}

void nvmx_target_compile(struct nvmx_target *t, const struct nvmx_vcpu *vcpu,
			 const enum nvmx_msr_id *order, unsigned norder)
{
	*t = (struct nvmx_target){ .vcpu = *vcpu };
	if (!order) {
		order = nvmx_order_qemu;
		norder = NVMX_RESTORABLE_COUNT;
	}
	if (norder > NVMX_TARGET_MAX_ORDER)
		norder = NVMX_TARGET_MAX_ORDER;
	bool misc_seen = false;
	for (unsigned i = 0; i < norder; i++) {
		enum nvmx_msr_id id = order[i];
		t->order[i] = id;
		if ((unsigned)id >= NVMX_MSR_COUNT || (t->ids >> id & 1))
			t->slow = true;	/* out of range or written twice: the model decides */
		else
			t->ids |= 1u << id;
		if (id == NVMX_TRUE_PINBASED && !misc_seen)
			t->pin_first = 1u << NVMX_TRUE_PINBASED;
		misc_seen |= id == NVMX_MISC;
	}
	t->norder = norder;

	const struct nvmx_kvm *kvm = vcpu->kvm;
	/* After KVM_RUN (or while L2 runs) the freeze rules compare with current values. */
	if (vcpu->state & (NVMX_STATE_HAS_RUN | NVMX_STATE_GUEST_MODE))
		t->slow = true;
	if (t->slow)
		return;
	/* The gates before the rules: every write refused. */
	if (kvm->status != NVMX_LOAD_OK || !kvm->nested ||
	    (vcpu->cpuid_set && !(vcpu->guest_features & NVMX_FEAT(NVMX_F_VMX))) ||
	    (vcpu->state & NVMX_STATE_VMXON))
		refuse_all(t);
	else
		compile_rules(t, vcpu);
	/* An MSR the order does not write cannot refuse anything: (v & 0) == 0. */
	for (unsigned id = 0; id < NVMX_MSR_COUNT; id++)
		if (!(t->ids >> id & 1))
			t->mask[id] = t->want[id] = 0;
}

__attribute__((noinline))
static bool check_slow(const struct nvmx_target *t, const struct nvmx_msrs *saved)
{
	struct nvmx_vcpu v = t->vcpu;
	struct nvmx_migration m;
	nvmx_migrate(&m, &v, saved, t->order, t->norder);
	return m.migratable;
}

bool nvmx_target_check(const struct nvmx_target *t, const struct nvmx_msrs *saved)
{
	if (__builtin_expect(t->slow, 0))
		return check_slow(t, saved);
	uint32_t p = saved->present & t->ids;
	uint64_t bad = 0;
	if (p == t->ids) {
		/* Everything the order writes is there (the usual case): every lane, no branches. */
		for (unsigned id = 0; id < NVMX_MSR_COUNT; id++)
			bad |= (saved->val[id] & t->mask[id]) ^ t->want[id];
	} else {
		for (uint32_t left = p; left; left &= left - 1) {
			unsigned id = (unsigned)__builtin_ctz(left);
			bad |= (saved->val[id] & t->mask[id]) ^ t->want[id];
		}
	}
	if (bad)
		return false;
	if (p & 1u << NVMX_BASIC) {
		uint64_t b = saved->val[NVMX_BASIC];
		if (((b >> BASIC_SIZE_SHIFT) & BASIC_SIZE_MASK) < t->basic_size_min)
			return false;
	}
	if (p & 1u << NVMX_MISC) {
		uint32_t m = nvmx_lo(saved->val[NVMX_MISC]);
		if (((m >> MISC_CR3_COUNT_SHIFT) & MISC_CR3_COUNT_MASK) > t->misc_cr3_max ||
		    ((m >> MISC_MAX_MSR_SHIFT) & MISC_MAX_MSR_MASK) > t->misc_msrs_max)
			return false;
		bool timer = p & t->pin_first ? nvmx_hi(saved->val[NVMX_TRUE_PINBASED]) & PIN_PREEMPT_TIMER
					      : t->timer_initially;
		if (timer && (m & MISC_TIMER_RATE) != t->timer_rate)
			return false;
	}
	return true;
}
