/* SPDX-License-Identifier: MIT */
/*
 * A vCPU's nested VMX MSRs: creation, KVM_SET_CPUID2 adjustments, and the
 * host-initiated restore checks of vmx_set_vmx_msr() and its helpers.
 * The profile says which release does what; the release that introduced a
 * rule is named where it is applied.
 */
#include <stddef.h>
#include "nvmx/catalog.h"
#include "nvmx/vcpu.h"
#include "kernels.h"
#include "vmx_bits.h"

#define EINVAL 22
#define EBUSY 16

#define BASIC_CHECKED	BASIC_RESTORE_CHECKED
#define MISC_CHECKED	MISC_RESTORE_CHECKED

void nvmx_vcpu_init(struct nvmx_vcpu *vcpu, const struct nvmx_kvm *kvm, uint64_t quirks_disabled)
{
	*vcpu = (struct nvmx_vcpu){ 0 };
	vcpu->kvm = kvm;
	vcpu->quirks_disabled = quirks_disabled;
	if (kvm->status != NVMX_LOAD_OK || !kvm->nested)
		return;
	/* 6.13+: without the quirk userspace must write every VMX MSR itself. */
	if (kvm->kernel->stuff_quirk && (quirks_disabled & NVMX_QUIRK_STUFF_FEATURE_MSRS))
		return;
	vcpu->v = kvm->caps;
}

/*
 * 5.4's nested_enable_evmcs(), run when L1 enables eVMCS (QEMU's hv-evmcs
 * does it at vCPU creation, before restoring MSRs): the controls eVMCS v1
 * cannot carry leave the vCPU's own MSRs, once.  Later writes are checked
 * against the cut values where restores are checked against the vCPU
 * (5.4.210), and what they restore is what L1 reads.
 */
void nvmx_vcpu_set_state(struct nvmx_vcpu *vcpu, uint32_t state)
{
	const struct nvmx_kernel *k = vcpu->kvm->kernel;
	bool enable = (state & NVMX_STATE_EVMCS) && !(vcpu->state & NVMX_STATE_EVMCS);
	vcpu->state = state;
	if (!enable || !k->evmcs_cuts_vcpu || vcpu->kvm->status != NVMX_LOAD_OK || !vcpu->kvm->nested)
		return;
	const struct evmcs_keep *keep = &k->evmcs_read.keep;
	vcpu->v.pin_hi &= keep->pin;
	vcpu->v.proc2_hi &= keep->proc2;
	vcpu->v.exit_hi &= keep->exit;
	vcpu->v.entry_hi &= keep->entry;
	vcpu->v.vmfunc &= keep->vmfunc;
}

static bool has(uint64_t features, enum nvmx_feature f)
{
	return features & NVMX_FEAT(f);
}

/* Without KVM_SET_CPUID2 the model assumes a VMM that gives L1 VMX. */
static bool vmx_allowed(const struct nvmx_vcpu *vcpu)
{
	if (vcpu->kvm->status != NVMX_LOAD_OK || !vcpu->kvm->nested)
		return false;
	return !vcpu->cpuid_set || has(vcpu->guest_features, NVMX_F_VMX);
}

static bool stuffing_enabled(const struct nvmx_vcpu *vcpu)
{
	const struct nvmx_kernel *k = vcpu->kvm->kernel;
	return !(k->stuff_quirk && (vcpu->quirks_disabled & NVMX_QUIRK_STUFF_FEATURE_MSRS));
}

static void stuff_one(struct nvmx_vcpu *vcpu, uint32_t control, bool enabled)
{
	const struct nvmx_kvm *kvm = vcpu->kvm;
	if (!(kvm->cfg.proc2 & control))
		return;
	if (kvm->kernel->stuff_bounded && !(kvm->caps.proc2_hi & control))
		enabled = false;
	if (enabled)
		vcpu->v.proc2_hi |= control;
	else
		vcpu->v.proc2_hi &= ~control;
}

/*
 * vmx_compute_secondary_exec_control(): controls KVM can offer follow the
 * guest's CPUID in V.  Before 6.2 this could even add a bit N lacks.
 */
static void stuff_secondary(struct nvmx_vcpu *vcpu)
{
	uint64_t g = vcpu->guest_features;
	uint64_t host = vcpu->kvm->host_features;
	if (!(vcpu->kvm->cfg.proc & PROC_SECONDARY))
		return;
	stuff_one(vcpu, P2_XSAVES, (vcpu->kvm->kernel->xsaves_ignores_host || has(host, NVMX_F_XSAVE)) &&
				   has(g, NVMX_F_XSAVE) && has(g, NVMX_F_XSAVES));
	stuff_one(vcpu, P2_RDTSCP, has(g, NVMX_F_RDTSCP) || has(g, NVMX_F_RDPID));
	stuff_one(vcpu, P2_INVPCID, has(g, NVMX_F_INVPCID) &&
				    (!vcpu->kvm->kernel->invpcid_needs_pcid || has(g, NVMX_F_PCID)));
	stuff_one(vcpu, P2_RDRAND, has(g, NVMX_F_RDRAND));
	stuff_one(vcpu, P2_RDSEED, has(g, NVMX_F_RDSEED));
	stuff_one(vcpu, P2_USR_WAIT_PAUSE, has(g, NVMX_F_WAITPKG));
}

/* nested_vmx_cr_fixed1_bits_update(): CR4 bits L1 may set follow its CPUID. */
static uint64_t cr4_fixed1_from_cpuid(const struct nvmx_kernel *k, uint64_t g)
{
	static const struct { enum nvmx_feature f; uint64_t cr4; } map[] = {
		{ NVMX_F_VME, CR4_VME | CR4_PVI }, { NVMX_F_TSC, CR4_TSD }, { NVMX_F_DE, CR4_DE },
		{ NVMX_F_PSE, CR4_PSE }, { NVMX_F_PAE, CR4_PAE }, { NVMX_F_MCE, CR4_MCE },
		{ NVMX_F_PGE, CR4_PGE }, { NVMX_F_FXSR, CR4_OSFXSR }, { NVMX_F_SSE, CR4_OSXMMEXCPT },
		{ NVMX_F_VMX, CR4_VMXE }, { NVMX_F_SMX, CR4_SMXE }, { NVMX_F_PCID, CR4_PCIDE },
		{ NVMX_F_XSAVE, CR4_OSXSAVE }, { NVMX_F_FSGSBASE, CR4_FSGSBASE },
		{ NVMX_F_SMEP, CR4_SMEP }, { NVMX_F_SMAP, CR4_SMAP }, { NVMX_F_PKU, CR4_PKE },
		{ NVMX_F_UMIP, CR4_UMIP }, { NVMX_F_LA57, CR4_LA57 },
	};
	uint64_t v = CR4_PCE;
	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (has(g, map[i].f))
			v |= map[i].cr4;
	if (k->cr4_no_la57)
		v &= ~CR4_LA57;
	if (k->cr4_lam && has(g, NVMX_F_LAM))
		v |= CR4_LAM_SUP;
	if (k->cr4_cet && (has(g, NVMX_F_SHSTK) || has(g, NVMX_F_IBT)))
		v |= CR4_CET;
	return v;
}

void nvmx_vcpu_set_cpuid(struct nvmx_vcpu *vcpu, uint64_t features, unsigned pmu_version)
{
	const struct nvmx_kvm *kvm = vcpu->kvm;
	vcpu->cpuid_set = true;
	vcpu->guest_features = features;
	vcpu->pmu_version = pmu_version;
	if (kvm->status != NVMX_LOAD_OK || !kvm->nested)
		return;
	const struct nvmx_kernel *k = kvm->kernel;
	bool allowed = vmx_allowed(vcpu);

	/* <=5.19 intel_pmu_refresh(): PERF_GLOBAL_CTRL loads follow the PMU version. */
	if (k->cpuid_mpx_pmu_tweaks && !k->cpuid_no_pmu_tweak && allowed && pmu_version &&
	    (!nvmx_kernel_has_param(k, NVMX_P_ENABLE_PMU) || kvm->params.val[NVMX_P_ENABLE_PMU])) {
		if (pmu_version >= 2) {
			vcpu->v.entry_hi |= ENTRY_LOAD_PERF_GLOBAL;
			vcpu->v.exit_hi |= EXIT_LOAD_PERF_GLOBAL;
		} else {
			vcpu->v.entry_hi &= ~ENTRY_LOAD_PERF_GLOBAL;
			vcpu->v.exit_hi &= ~EXIT_LOAD_PERF_GLOBAL;
		}
	}
	if (stuffing_enabled(vcpu))
		stuff_secondary(vcpu);
	if (allowed) {
		vcpu->v.cr0_fixed1 = 0xffffffff;
		vcpu->v.cr4_fixed1 = cr4_fixed1_from_cpuid(k, features);
		/* <=5.19: BNDCFGS controls only for a guest with MPX, if KVM supports MPX. */
		if (k->cpuid_mpx_pmu_tweaks && kvm->mpx_supported) {
			if (has(features, NVMX_F_MPX)) {
				vcpu->v.entry_hi |= ENTRY_LOAD_BNDCFGS;
				vcpu->v.exit_hi |= EXIT_CLEAR_BNDCFGS;
			} else {
				vcpu->v.entry_hi &= ~ENTRY_LOAD_BNDCFGS;
				vcpu->v.exit_hi &= ~EXIT_CLEAR_BNDCFGS;
			}
		}
	}
}

static struct nvmx_result result(int rc, enum nvmx_reason why, enum nvmx_msr_id id, uint64_t bits)
{
	struct nvmx_result r = { rc, why, id, bits, 0, 0, 0 };
	return r;
}

static struct nvmx_result mismatch(enum nvmx_reason why, enum nvmx_msr_id id, uint64_t bits,
				   uint64_t wrote, uint64_t allowed)
{
	struct nvmx_result r = { -EINVAL, why, id, bits, wrote, allowed, 0 };
	return r;
}

/* Where each control MSR's halves live in a cap set. */
static const struct { uint16_t lo, hi; } control_off[NVMX_MSR_COUNT] = {
	[NVMX_TRUE_PINBASED] = { offsetof(struct nvmx_caps, pin_lo), offsetof(struct nvmx_caps, pin_hi) },
	[NVMX_TRUE_PROCBASED] = { offsetof(struct nvmx_caps, proc_lo), offsetof(struct nvmx_caps, proc_hi) },
	[NVMX_TRUE_EXIT] = { offsetof(struct nvmx_caps, exit_lo), offsetof(struct nvmx_caps, exit_hi) },
	[NVMX_TRUE_ENTRY] = { offsetof(struct nvmx_caps, entry_lo), offsetof(struct nvmx_caps, entry_hi) },
	[NVMX_PROCBASED2] = { offsetof(struct nvmx_caps, proc2_lo), offsetof(struct nvmx_caps, proc2_hi) },
};

static uint32_t *half(struct nvmx_caps *c, uint16_t off)
{
	return (uint32_t *)((char *)c + off);
}

static uint32_t half_of(const struct nvmx_caps *c, uint16_t off)
{
	return *(const uint32_t *)((const char *)c + off);
}

static struct nvmx_result restore_control(struct nvmx_vcpu *vcpu, const struct nvmx_caps *ref,
					  enum nvmx_msr_id id, uint64_t data)
{
	/* ref may be the vCPU itself (<=5.19): both halves are read before either is written. */
	uint32_t rlo = half_of(ref, control_off[id].lo), rhi = half_of(ref, control_off[id].hi);
	uint32_t lo = nvmx_lo(data), hi = nvmx_hi(data);
	uint32_t revoked = 0;

	if (rlo & ~lo)
		return mismatch(NVMX_R_MUST1_DROPPED, id, rlo & ~lo, lo, rlo);
	uint32_t extra = hi & ~rhi;
	if (extra && vcpu->policy != NVMX_POLICY_STRICT && vcpu->revoke) {
		revoked = extra & vcpu->revoke->hi[id];
		extra &= ~revoked;
	}
	if (extra)
		return mismatch(NVMX_R_ALLOWED1_ADDED, id, (uint64_t)extra << 32, hi, rhi);
	*half(&vcpu->v, control_off[id].lo) = lo;
	*half(&vcpu->v, control_off[id].hi) = hi;
	vcpu->revoked_in_use[id] = revoked;
	struct nvmx_result r = result(0, NVMX_R_OK, id, 0);
	r.revoked = revoked;
	return r;
}

static struct nvmx_result restore_basic(struct nvmx_vcpu *vcpu, uint64_t ref, uint64_t data)
{
	uint64_t extra = (data & BASIC_CHECKED) & ~(ref & BASIC_CHECKED);
	if (extra)
		return mismatch(NVMX_R_BASIC_FEATURE, NVMX_BASIC, extra, data, ref);
	if (data & BASIC_32BIT_ADDR)
		return mismatch(NVMX_R_BASIC_ADDR32, NVMX_BASIC, BASIC_32BIT_ADDR, data, ref);
	if ((data & 0x7fffffff) != (ref & 0x7fffffff))
		return mismatch(NVMX_R_BASIC_REVISION, NVMX_BASIC, 0x7fffffff, data & 0x7fffffff,
				ref & 0x7fffffff);
	uint64_t dsize = (data >> BASIC_SIZE_SHIFT) & BASIC_SIZE_MASK;
	uint64_t rsize = (ref >> BASIC_SIZE_SHIFT) & BASIC_SIZE_MASK;
	if (dsize < rsize)
		return mismatch(NVMX_R_BASIC_SIZE, NVMX_BASIC, BASIC_SIZE_MASK << BASIC_SIZE_SHIFT,
				dsize, rsize);
	vcpu->v.basic = data;
	return result(0, NVMX_R_OK, NVMX_BASIC, 0);
}

static struct nvmx_result restore_misc(struct nvmx_vcpu *vcpu, uint64_t ref, uint64_t data)
{
	uint64_t extra = (data & MISC_CHECKED) & ~(ref & MISC_CHECKED);
	if (extra)
		return mismatch(NVMX_R_MISC_FEATURE, NVMX_MISC, extra, data, ref);
	/* The timer rate matters only while the vCPU may use the timer (its own V). */
	if ((vcpu->v.pin_hi & PIN_PREEMPT_TIMER) &&
	    (data & MISC_TIMER_RATE) != (ref & MISC_TIMER_RATE))
		return mismatch(NVMX_R_MISC_TIMER_RATE, NVMX_MISC, MISC_TIMER_RATE,
				data & MISC_TIMER_RATE, ref & MISC_TIMER_RATE);
	uint64_t dc = (data >> MISC_CR3_COUNT_SHIFT) & MISC_CR3_COUNT_MASK;
	uint64_t rc = (ref >> MISC_CR3_COUNT_SHIFT) & MISC_CR3_COUNT_MASK;
	if (dc > rc)
		return mismatch(NVMX_R_MISC_CR3_COUNT, NVMX_MISC,
				(uint64_t)MISC_CR3_COUNT_MASK << MISC_CR3_COUNT_SHIFT, dc, rc);
	uint64_t dm = (data >> MISC_MAX_MSR_SHIFT) & MISC_MAX_MSR_MASK;
	uint64_t rm = (ref >> MISC_MAX_MSR_SHIFT) & MISC_MAX_MSR_MASK;
	if (dm > rm)
		return mismatch(NVMX_R_MISC_MAX_MSR, NVMX_MISC,
				(uint64_t)MISC_MAX_MSR_MASK << MISC_MAX_MSR_SHIFT, dm, rm);
	if (nvmx_hi(data) != nvmx_hi(ref))
		return mismatch(NVMX_R_MISC_MSEG, NVMX_MISC, UINT64_C(0xffffffff) << 32,
				nvmx_hi(data), nvmx_hi(ref));
	vcpu->v.misc_lo = nvmx_lo(data);
	vcpu->v.misc_hi = nvmx_hi(data);
	return result(0, NVMX_R_OK, NVMX_MISC, 0);
}

static struct nvmx_result restore_fixed0(uint64_t *stored, enum nvmx_msr_id id, uint64_t ref,
					 uint64_t data)
{
	if (ref & ~data)
		return mismatch(NVMX_R_FIXED0_DROPPED, id, ref & ~data, data, ref);
	*stored = data;
	return result(0, NVMX_R_OK, id, 0);
}

static struct nvmx_result restore_subset(enum nvmx_msr_id id, uint64_t ref, uint64_t data)
{
	if (data & ~ref)
		return mismatch(NVMX_R_BITS_ADDED, id, data & ~ref, data, ref);
	return result(0, NVMX_R_OK, id, 0);
}

static bool is_vmx_msr(uint32_t index, enum nvmx_msr_id *id)
{
	if (index < NVMX_MSR_BASE || index > NVMX_MSR_BASE + NVMX_VMFUNC)
		return false;
	*id = (enum nvmx_msr_id)(index - NVMX_MSR_BASE);
	return true;
}

/* The gates before the per-MSR rule, rarely taken: kept out of the hot path. */
__attribute__((noinline, cold))
static struct nvmx_result set_msr_gates(struct nvmx_vcpu *vcpu, uint32_t index, uint64_t data,
					bool *go_on)
{
	const struct nvmx_kvm *kvm = vcpu->kvm;
	const struct nvmx_kernel *k = kvm->kernel;
	enum nvmx_msr_id id = NVMX_BASIC;

	*go_on = false;
	if (kvm->status != NVMX_LOAD_OK)
		return result(1, NVMX_R_NO_KVM, id, 0);
	if (!is_vmx_msr(index, &id))
		return result(1, NVMX_R_NOT_VMX_MSR, NVMX_MSR_COUNT, 0);
	if (!kvm->nested)
		return result(1, NVMX_R_NO_NESTED, id, 0);

	/* 6.4+: feature MSRs are immutable once the vCPU ran (7.0+: or L2 is active). */
	bool frozen = (vcpu->state & NVMX_STATE_HAS_RUN) ||
		      (k->freeze_in_guest_mode && (vcpu->state & NVMX_STATE_GUEST_MODE));
	if (k->freeze != FREEZE_NONE && frozen) {
		uint64_t cur;
		struct nvmx_result rd = nvmx_vcpu_get_msr(vcpu, index, false, &cur);
		if (rd.rc || cur != data)
			return result(-EINVAL, NVMX_R_FROZEN, id, rd.rc ? 0 : cur ^ data);
		if (k->freeze == FREEZE_IGNORE_SAME)
			return result(0, NVMX_R_OK, id, 0);
	}
	if (!vmx_allowed(vcpu))
		return result(1, NVMX_R_NO_VMX_CPUID, id, 0);
	if (vcpu->state & (NVMX_STATE_VMXON | NVMX_STATE_GUEST_MODE))
		return result(-EBUSY, NVMX_R_VMXON, id, 0);
	*go_on = true;
	return result(0, NVMX_R_OK, id, 0);
}


struct nvmx_result nvmx_vcpu_set_msr(struct nvmx_vcpu *vcpu, uint32_t index, uint64_t data)
{
	const struct nvmx_kvm *kvm = vcpu->kvm;
	const struct nvmx_kernel *k = kvm->kernel;
	enum nvmx_msr_id id = (enum nvmx_msr_id)(index - NVMX_MSR_BASE);

	/* A loaded KVM, a VMX MSR, a vCPU that never ran, may use VMX, is not in VMX operation. */
	bool plain = kvm->status == NVMX_LOAD_OK && kvm->nested && (unsigned)id <= NVMX_VMFUNC &&
		     !vcpu->state && (!vcpu->cpuid_set || (vcpu->guest_features & NVMX_FEAT(NVMX_F_VMX)));
	if (__builtin_expect(!plain, 0)) {
		bool go_on;
		struct nvmx_result g = set_msr_gates(vcpu, index, data, &go_on);
		if (!go_on)
			return g;
	}

	/* <=5.19 check against the vCPU's current values, 6.0+ against KVM's maximum. */
	const struct nvmx_caps *ref = k->restore_vs_vcpu ? &vcpu->v : &kvm->caps;
	struct nvmx_result r;
	switch (id) {
	case NVMX_BASIC:
		return restore_basic(vcpu, ref->basic, data);
	case NVMX_TRUE_PINBASED: case NVMX_TRUE_PROCBASED: case NVMX_TRUE_EXIT:
	case NVMX_TRUE_ENTRY: case NVMX_PROCBASED2:
		return restore_control(vcpu, ref, id, data);
	case NVMX_MISC:
		return restore_misc(vcpu, nvmx_mk64(ref->misc_lo, ref->misc_hi), data);
	case NVMX_CR0_FIXED0:
		return restore_fixed0(&vcpu->v.cr0_fixed0, id, ref->cr0_fixed0, data);
	case NVMX_CR4_FIXED0:
		return restore_fixed0(&vcpu->v.cr4_fixed0, id, ref->cr4_fixed0, data);
	case NVMX_EPT_VPID_CAP:
		r = restore_subset(id, nvmx_mk64(ref->ept_caps, ref->vpid_caps), data);
		if (!r.rc) {
			vcpu->v.ept_caps = nvmx_lo(data);
			vcpu->v.vpid_caps = nvmx_hi(data);
		}
		return r;
	case NVMX_VMFUNC:
		r = restore_subset(id, ref->vmfunc, data);
		if (!r.rc)
			vcpu->v.vmfunc = data;
		return r;
	case NVMX_VMCS_ENUM:
		vcpu->v.vmcs_enum = data;
		return result(0, NVMX_R_OK, id, 0);
	default:	/* non-TRUE controls and CR0/CR4_FIXED1 are derived, never restored */
		return result(-EINVAL, NVMX_R_READ_ONLY, id, 0);
	}
}

/* nested_evmcs_filter_control_msr(): what an eVMCS-enabled L1 may see. */
static uint64_t evmcs_filter(const struct nvmx_vcpu *vcpu, enum nvmx_msr_id id, uint64_t v)
{
	const struct evmcs_read_filter *f = &vcpu->kvm->kernel->evmcs_read;
	bool pgc = vcpu->state & NVMX_STATE_EVMCS_PGC;
	uint32_t lo = nvmx_lo(v), hi = nvmx_hi(v);
	switch (id) {
	case NVMX_PINBASED:
		hi &= f->keep.pin;
		break;
	case NVMX_TRUE_PINBASED:
		if (f->pin_true_too)
			hi &= f->keep.pin;
		break;
	case NVMX_PROCBASED: case NVMX_TRUE_PROCBASED:
		if (f->proc_filtered)
			hi &= f->keep.proc;
		break;
	case NVMX_PROCBASED2:
		hi &= f->keep.proc2;
		break;
	case NVMX_EXIT: case NVMX_TRUE_EXIT:
		hi &= f->keep.exit & ~(pgc ? 0 : f->exit_unless_pgc);
		break;
	case NVMX_ENTRY: case NVMX_TRUE_ENTRY:
		hi &= f->keep.entry & ~(pgc ? 0 : f->entry_unless_pgc);
		break;
	case NVMX_VMFUNC:
		return v & f->keep.vmfunc;
	default:
		return v;
	}
	return nvmx_mk64(lo, hi);
}

struct nvmx_result nvmx_vcpu_get_msr(const struct nvmx_vcpu *vcpu, uint32_t index, bool guest,
				     uint64_t *value)
{
	enum nvmx_msr_id id = NVMX_BASIC;
	*value = 0;
	if (vcpu->kvm->status != NVMX_LOAD_OK)
		return result(1, NVMX_R_NO_KVM, id, 0);
	if (!is_vmx_msr(index, &id))
		return result(1, NVMX_R_NOT_VMX_MSR, NVMX_MSR_COUNT, 0);
	if (!vcpu->kvm->nested)
		return result(1, NVMX_R_NO_NESTED, id, 0);
	if (!vmx_allowed(vcpu))
		return result(1, NVMX_R_NO_VMX_CPUID, id, 0);
	uint64_t v = nvmx_caps_read(&vcpu->v, id);
	if (guest) {
		if ((vcpu->state & NVMX_STATE_EVMCS) && !vcpu->kvm->kernel->evmcs_cuts_vcpu)
			v = evmcs_filter(vcpu, id, v);
		if (vcpu->policy == NVMX_POLICY_REVOKE_CLEAR)
			v &= ~((uint64_t)vcpu->revoked_in_use[nvmx_msr_desc(id)->twin] << 32 |
			       (uint64_t)vcpu->revoked_in_use[id] << 32);
	}
	*value = v;
	return result(0, NVMX_R_OK, id, 0);
}
