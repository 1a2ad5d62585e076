/* SPDX-License-Identifier: MIT */
/*
 * When a write is accepted in the environment the user described, but their
 * QEMU failed: which difference between that description and their machine
 * reproduces the failure?  Each candidate difference is applied on its own
 * and the restore model decides; only differences that turn a pass into a
 * failure are kept, and for each the releases that would pass even with it.
 */
#include "nvmx/report.h"
#include "nvmx/qemu.h"
#include "fmt.h"
#include "kernels.h"

/*
 * Bool parameters a host may have flipped.  Not nested: with nested=0 QEMU
 * 5.0+ writes no VMX MSR, and it drops vmx itself from the guest CPUID with
 * its own warning, a different symptom from the ones searched here.
 */
static const enum nvmx_param flip_params[] = {
	NVMX_P_EPT, NVMX_P_VPID, NVMX_P_UNRESTRICTED_GUEST, NVMX_P_EPTAD,
	NVMX_P_FLEXPRIORITY, NVMX_P_ENABLE_APICV, NVMX_P_ENABLE_IPIV, NVMX_P_PML,
	NVMX_P_PREEMPTION_TIMER, NVMX_P_SGX, NVMX_P_ENLIGHTENED_VMCS, NVMX_P_SHADOW_VMCS,
	NVMX_P_VNMI, NVMX_P_ENABLE_PMU, NVMX_P_CET, NVMX_P_MEDIATED_PMU,
};
#define NFLIP (sizeof(flip_params) / sizeof(flip_params[0]))

static bool is_control(enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	return d && d->layout == NVMX_LAYOUT_CONTROLS;
}

bool nvmx_probe_fails(const struct nvmx_env *env, const struct nvmx_probe *p,
		      struct nvmx_kvm *scratch, struct nvmx_result *r)
{
	struct nvmx_params prm;
	nvmx_params_for(env->kernel, &env->params, &prm);
	nvmx_kvm_load(scratch, &env->host, env->kernel, &prm);
	if (p->feature) {
		*r = (struct nvmx_result){ .msr = p->id, .bits = UINT64_C(1) << p->bit };
		if (scratch->status != NVMX_LOAD_OK) {
			r->rc = 1;
			r->reason = NVMX_R_NO_KVM;
		} else if (!scratch->nested) {
			r->rc = 1;
			r->reason = NVMX_R_NO_NESTED;
		} else if (!nvmx_kernel_reports(env->kernel, p->id) ||
			   !((nvmx_caps_read(&scratch->caps, p->id) >> p->bit) & 1)) {
			r->rc = 1;
			r->reason = is_control(p->id) ? NVMX_R_ALLOWED1_ADDED : NVMX_R_BITS_ADDED;
		}
		return r->rc != 0;
	}
	struct nvmx_vcpu v;
	nvmx_vcpu_init(&v, scratch, env->quirks_disabled);
	if (env->cpuid_set)
		nvmx_vcpu_set_cpuid(&v, env->cpuid, env->pmu_version);
	nvmx_vcpu_set_state(&v, env->state);
	/* The user's restore rule: a revoke policy accepts what an older release offered. */
	struct nvmx_revoke rl;
	if (env->policy != NVMX_POLICY_STRICT && scratch->status == NVMX_LOAD_OK) {
		nvmx_revoke_compute(&rl, &env->host, env->kernel, &env->params, env->revoke_since);
		v.policy = env->policy;
		v.revoke = &rl;
	}
	*r = nvmx_vcpu_set_msr(&v, p->index, p->value);
	return r->rc != 0;
}

/*
 * A failure that would show as the user's symptom: a write QEMU makes and
 * KVM refuses, or a feature QEMU filters.  kvm_intel not loading at all is
 * another symptom (no /dev/kvm), so it does not count.
 */
static bool fails_as_reported(const struct nvmx_env *env, const struct nvmx_probe *p,
			      struct nvmx_kvm *scratch, struct nvmx_result *r)
{
	if (!nvmx_probe_fails(env, p, scratch, r))
		return false;
	if (r->reason == NVMX_R_NO_KVM)
		return false;
	return p->feature || r->reason != NVMX_R_NO_NESTED;
}

static void keep(struct nvmx_would_fail *out, const struct nvmx_env *env2,
		 const struct nvmx_probe *p, struct nvmx_kvm *scratch, struct nvmx_env_change *c)
{
	out->tried++;
	if (!fails_as_reported(env2, p, scratch, &c->r))
		return;
	if (out->n >= NVMX_MAX_ENV_CHANGES) {
		out->truncated = true;
		return;
	}
	/* Releases that pass even with this difference (for the fix). */
	if (c->kind != NVMX_CH_RELEASE) {
		struct nvmx_env e = *env2;
		struct nvmx_result r;
		for (unsigned i = 0; i < nvmx_kernel_count() && i < NVMX_ENV_MAX_RELEASES; i++) {
			e.kernel = nvmx_kernel_at(i);
			if (c->kind == NVMX_CH_PARAM && !nvmx_kernel_has_param(e.kernel, c->param))
				continue;
			if (!nvmx_probe_fails(&e, p, scratch, &r))
				c->releases_ok[i / 64] |= UINT64_C(1) << (i % 64);
		}
	}
	out->c[out->n++] = *c;
}

/* The host MSR bits a write relies on (MSR layout), that the host has. */
static uint64_t relied_bits(const struct nvmx_env *env, const struct nvmx_probe *p)
{
	if (p->feature)
		return UINT64_C(1) << p->bit;
	enum nvmx_msr_id id = p->id;
	uint64_t host = nvmx_msrs_get(&env->host.msrs, id);
	switch (id) {
	case NVMX_TRUE_PINBASED: case NVMX_TRUE_PROCBASED: case NVMX_TRUE_EXIT:
	case NVMX_TRUE_ENTRY: case NVMX_PROCBASED2:
		return p->value & host & UINT64_C(0xffffffff00000000);
	case NVMX_MISC: case NVMX_EPT_VPID_CAP: case NVMX_VMFUNC:
		return p->value & host;
	default:
		return 0;
	}
}

/*
 * The controls every named QEMU model that has the word sets (pin-based:
 * external-interrupt and NMI exiting).  QEMU writes such a control 0 only
 * when the user turns its flag off or when KVM reports it forced to 1,
 * which QEMU reads as "not supported" (allowed-1 and not allowed-0).
 */
static uint32_t qemu_always_sets(enum nvmx_msr_id id)
{
	uint32_t all = UINT32_MAX;
	bool any = false;
	for (unsigned i = 0; i < nvmx_qemu_model_count(); i++) {
		uint64_t v, hm;
		if (!nvmx_qemu_model_msr(nvmx_qemu_model_at(i), 1, nvmx_qemu_release_default(), id,
					 &v, &hm) || !(v >> 32))
			continue;
		all &= (uint32_t)(v >> 32) & ~(uint32_t)v;
		any = true;
	}
	return any ? all : 0;
}

/*
 * An outer hypervisor that reports a control as must-be-1 (allowed-0 and
 * allowed-1 both set) in the MSRs KVM reads.  Releases before the 6.1
 * rework copy the hardware's pin-based must-be-1 bits into what L1 must
 * keep; QEMU reads a forced control as unsupported and writes it 0 in both
 * halves, and KVM then refuses its own must-be-1 bit.  Only controls the
 * write has 0 in both halves are tried: a control QEMU wrote as may-be-1
 * was not forced by the host it read.
 */
static void try_forced(struct nvmx_would_fail *out, const struct nvmx_env *env,
		       const struct nvmx_probe *p, struct nvmx_kvm *scratch, uint32_t only)
{
	if (!is_control(p->id))
		return;
	enum nvmx_msr_id twin = nvmx_msr_desc(p->id)->twin;
	uint64_t host = nvmx_msrs_get(&env->host.msrs, p->id) | nvmx_msrs_get(&env->host.msrs, twin);
	uint32_t cand = (uint32_t)(host >> 32) & ~(uint32_t)(p->value >> 32) & ~(uint32_t)p->value & only;
	for (unsigned b = 0; b < 32; b++) {
		if (!((cand >> b) & 1))
			continue;
		struct nvmx_env e = *env;
		uint64_t bit = UINT64_C(1) << b;
		if (nvmx_msrs_has(&e.host.msrs, p->id))
			e.host.msrs.val[p->id] |= bit;
		if (twin != p->id && nvmx_msrs_has(&e.host.msrs, twin))
			e.host.msrs.val[twin] |= bit;
		struct nvmx_env_change c = { .kind = NVMX_CH_HOST_FORCES, .hide_id = p->id,
					     .hide_bit = b + 32 };
		keep(out, &e, p, scratch, &c);
	}
}

void nvmx_would_fail(struct nvmx_would_fail *out, const struct nvmx_env *env,
		     const struct nvmx_probe *p, struct nvmx_kvm *scratch)
{
	struct nvmx_result r;
	*out = (struct nvmx_would_fail){ 0 };
	if (nvmx_probe_fails(env, p, scratch, &r))
		return;		/* it fails already: explain the failure, not this */
	struct nvmx_env e;
	struct nvmx_env_change c;

	/*
	 * The write lacks a control every QEMU model sets: only a host that
	 * forces it explains that, so those changes come first.
	 */
	uint32_t telling = 0;
	if (!p->feature && is_control(p->id))
		telling = qemu_always_sets(p->id) & ~(uint32_t)(p->value >> 32);
	if (telling) {
		try_forced(out, env, p, scratch, telling);
		for (unsigned i = 0; i < out->n; i++)
			out->c[i].why |= NVMX_WHY_VALUE;
	}
	if (!p->feature) {
		/* The guest as QEMU sets it up: the given CPUID, else the host's own. */
		struct nvmx_env g = *env;
		if (!g.cpuid_set) {
			g.cpuid_set = true;
			g.cpuid = env->host.features;
			g.pmu_version = 2;
		}
		bool guest_ok = !nvmx_probe_fails(&g, p, scratch, &r);

		/*
		 * "L1 enabled eVMCS" (QEMU's hv-evmcs, before it restores): from
		 * 5.10 on eVMCS only filters what L1 reads, so it cannot turn an
		 * accepted write into a rejected one; 5.4 cuts the vCPU's own MSRs
		 * (nested_enable_evmcs) and, before 5.4.211, checks writes against
		 * them.  Releases older than every row: nvmx_prehistory_note().
		 */
		if (nvmx_kernel_evmcs_cuts_vcpu(env->kernel) && !(env->state & NVMX_STATE_EVMCS)) {
			e = g;
			e.state |= NVMX_STATE_EVMCS;
			c = (struct nvmx_env_change){ .kind = NVMX_CH_STATE_EVMCS };
			keep(out, &e, p, scratch, &c);
		}
		/*
		 * QEMU 4.2 sets 0x48B's allowed-1 bits for RDTSCP, INVPCID, RDRAND,
		 * RDSEED and XSAVES from the guest CPUID whatever KVM lists; 5.0 on
		 * only when KVM does not list 0x48B.  A log naming no QEMU may come
		 * from it: that value is tried as the write.
		 */
		if (!env->qemu && p->id == NVMX_PROCBASED2) {
			for (unsigned i = 0; i < nvmx_qemu_release_count(); i++) {
				const struct nvmx_qemu_release *q = nvmx_qemu_release_at(i);
				if (!q->ctls2_workaround_always)
					continue;
				static const struct { enum nvmx_feature f; unsigned bit; } wid[] = {
					{ NVMX_F_RDTSCP, 3 }, { NVMX_F_RDRAND, 11 }, { NVMX_F_INVPCID, 12 },
					{ NVMX_F_RDSEED, 16 }, { NVMX_F_XSAVES, 20 },
				};
				uint64_t add = 0;
				for (unsigned k = 0; k < sizeof(wid) / sizeof(wid[0]); k++)
					if (g.cpuid & NVMX_FEAT(wid[k].f))
						add |= UINT64_C(1) << (32 + wid[k].bit);
				if (!(add & ~p->value))
					continue;
				struct nvmx_probe pq = *p;
				pq.value = p->value | add;
				c = (struct nvmx_env_change){ .kind = NVMX_CH_QEMU_RELEASE, .qemu = q,
							      .value = pq.value };
				keep(out, env, &pq, scratch, &c);
			}
		}
		/*
		 * QEMU 7.1 on drops the BNDCFGS controls itself for a guest
		 * without MPX, so a value from it that KVM could refuse for that
		 * reason never reaches KVM: the cause needs an older QEMU.
		 */
		bool qemu_drops_mpx = env->qemu && env->qemu->mpx_dep;
		if (guest_ok && !qemu_drops_mpx && (g.cpuid & NVMX_FEAT(NVMX_F_MPX))) {
			e = g;
			e.cpuid &= ~NVMX_FEAT(NVMX_F_MPX);
			c = (struct nvmx_env_change){ .kind = NVMX_CH_GUEST_NO_MPX };
			keep(out, &e, p, scratch, &c);
		}
		/*
		 * The user-wait-pause control (0x48b bit 58) of a guest without
		 * WAITPKG: releases that check restores against the vCPU clear it
		 * there from the guest CPUID.  QEMU 9.1 on clears the control
		 * itself for such a guest; 8.2 to 9.0 tie it the other way (no
		 * control, no WAITPKG) and keep it, and older releases have no
		 * name for it (written only with migratable=off).
		 */
		bool qemu_drops_wait = env->qemu && env->qemu->waitpkg_dep == NVMX_QWAITPKG_FORWARD;
		if (guest_ok && !qemu_drops_wait && p->id == NVMX_PROCBASED2 && (p->value >> 58 & 1) &&
		    (g.cpuid & NVMX_FEAT(NVMX_F_WAITPKG))) {
			e = g;
			e.cpuid &= ~NVMX_FEAT(NVMX_F_WAITPKG);
			c = (struct nvmx_env_change){ .kind = NVMX_CH_GUEST_NO_WAITPKG };
			keep(out, &e, p, scratch, &c);
		}
		if (guest_ok && g.pmu_version) {
			e = g;
			e.pmu_version = 0;
			c = (struct nvmx_env_change){ .kind = NVMX_CH_GUEST_NO_PMU };
			keep(out, &e, p, scratch, &c);
		}
	}
	/* Parameters, flipped from their effective value on this release. */
	nvmx_probe_fails(env, p, scratch, &r);
	struct nvmx_params eff = scratch->params;
	for (unsigned i = 0; i < NFLIP; i++) {
		enum nvmx_param q = flip_params[i];
		if (!nvmx_kernel_has_param(env->kernel, q))
			continue;
		e = *env;
		e.params.val[q] = eff.val[q] ? 0 : 1;
		e.params.given |= 1u << q;
		c = (struct nvmx_env_change){ .kind = NVMX_CH_PARAM, .param = q, .param_value = e.params.val[q] };
		keep(out, &e, p, scratch, &c);
	}
	if (!p->feature && !(env->state & NVMX_STATE_HAS_RUN)) {
		e = *env;
		e.state |= NVMX_STATE_HAS_RUN;
		c = (struct nvmx_env_change){ .kind = NVMX_CH_STATE_HAS_RUN };
		keep(out, &e, p, scratch, &c);
	}
	if (!env->host.hyperv_evmcs) {
		e = *env;
		e.host.hyperv_evmcs = true;
		c = (struct nvmx_env_change){ .kind = NVMX_CH_HOST_HYPERV };
		keep(out, &e, p, scratch, &c);
	}
	/* An outer hypervisor (a cloud VM, VMware, Hyper-V) that hides one bit. */
	uint64_t bits = relied_bits(env, p);
	enum nvmx_msr_id twin = nvmx_msr_desc(p->id)->twin;
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		e = *env;
		uint64_t m = ~(UINT64_C(1) << b);
		if (nvmx_msrs_has(&e.host.msrs, p->id))
			e.host.msrs.val[p->id] &= m;
		if (twin != p->id && nvmx_msrs_has(&e.host.msrs, twin))
			e.host.msrs.val[twin] &= m;
		c = (struct nvmx_env_change){ .kind = NVMX_CH_HOST_HIDES, .hide_id = p->id, .hide_bit = b };
		keep(out, &e, p, scratch, &c);
	}
	if (!p->feature)
		try_forced(out, env, p, scratch, ~telling);
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		if (nvmx_kernel_at(i) == env->kernel)
			continue;
		e = *env;
		e.kernel = nvmx_kernel_at(i);
		c = (struct nvmx_env_change){ .kind = NVMX_CH_RELEASE, .kernel = e.kernel };
		keep(out, &e, p, scratch, &c);
	}
	nvmx_would_fail_rank(out, env);
}

static uint64_t hide_mask(const struct nvmx_env_change *c)
{
	return c->hide_mask ? c->hide_mask : UINT64_C(1) << c->hide_bit;
}

/* A hidden (forced) bit by its QEMU name, else "0x48c:3" (MSR layout). */
static void bit_name(struct fmt *f, const struct nvmx_env_change *c, unsigned b)
{
	const char *nm = nvmx_qemu_flag_for_bit(nvmx_qemu_release_default(), c->hide_id, b);
	if (nm) {
		fmt_str(f, nm);
		return;
	}
	fmt_hex(f, nvmx_msr_index(c->hide_id));
	fmt_str(f, ":");
	fmt_uint(f, b);
}

/* The bits as names: "vmx-ept, vmx-vpid or control 5". */
static void bit_list(struct fmt *f, const struct nvmx_env_change *c)
{
	uint64_t m = hide_mask(c);
	for (unsigned b = 0, k = 0; b < 64; b++) {
		if (!((m >> b) & 1))
			continue;
		m &= ~(UINT64_C(1) << b);
		fmt_str(f, !k++ ? "" : m ? ", " : " or ");
		const char *nm = nvmx_qemu_flag_for_bit(nvmx_qemu_release_default(), c->hide_id, b);
		if (nm) {
			fmt_str(f, nm);
		} else {
			fmt_str(f, c->kind == NVMX_CH_HOST_FORCES ? "control " : "bit ");
			fmt_uint(f, c->kind == NVMX_CH_HOST_FORCES ? b - 32 : b);
		}
	}
}

size_t nvmx_env_change_key(const struct nvmx_env_change *c, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	switch (c->kind) {
	case NVMX_CH_STATE_EVMCS: fmt_str(&f, "state:evmcs"); break;
	case NVMX_CH_STATE_HAS_RUN: fmt_str(&f, "state:has-run"); break;
	case NVMX_CH_GUEST_NO_MPX: fmt_str(&f, "guest-cpuid:-mpx"); break;
	case NVMX_CH_GUEST_NO_WAITPKG: fmt_str(&f, "guest-cpuid:-waitpkg"); break;
	case NVMX_CH_GUEST_NO_PMU: fmt_str(&f, "guest-cpuid:no-pmu"); break;
	case NVMX_CH_HOST_HYPERV: fmt_str(&f, "host:hyperv-evmcs"); break;
	case NVMX_CH_PARAM:
		fmt_str(&f, "param:");
		fmt_str(&f, nvmx_param_name(c->param));
		fmt_str(&f, "=");
		fmt_uint(&f, (uint64_t)c->param_value);
		break;
	case NVMX_CH_HOST_HIDES:
	case NVMX_CH_HOST_FORCES:
		/* Forcing is the same family as hiding: the outer hypervisor hides the 0-setting. */
		fmt_str(&f, "host-hides:");
		for (unsigned b = 0, k = 0; b < 64; b++) {
			if (!((hide_mask(c) >> b) & 1))
				continue;
			fmt_str(&f, k++ ? "," : "");
			bit_name(&f, c, b);
			if (c->kind == NVMX_CH_HOST_FORCES)
				fmt_str(&f, "=0");
		}
		break;
	case NVMX_CH_RELEASE:
		fmt_str(&f, "release:");
		fmt_str(&f, nvmx_kernel_name(c->kernel));
		break;
	case NVMX_CH_QEMU_RELEASE:
		fmt_str(&f, "qemu:");
		fmt_str(&f, c->qemu->name);
		break;
	}
	return f.len;
}

size_t nvmx_env_change_describe(const struct nvmx_env_change *c, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	switch (c->kind) {
	case NVMX_CH_STATE_EVMCS:
		fmt_str(&f, "L1 enables the enlightened VMCS (QEMU hv-evmcs, also turned on by hv-passthrough)");
		break;
	case NVMX_CH_STATE_HAS_RUN:
		fmt_str(&f, "the write comes after the vCPU ran (a reset or a late restore)");
		break;
	case NVMX_CH_GUEST_NO_MPX:
		fmt_str(&f, "the guest CPUID has no MPX (-cpu ...,-mpx; libvirt <feature policy='disable' name='mpx'/>)");
		break;
	case NVMX_CH_GUEST_NO_WAITPKG:
		fmt_str(&f, "the guest CPUID has no WAITPKG (-cpu ...,-waitpkg, or a model without it) "
			    "and QEMU older than 9.1 keeps vmx-enable-user-wait-pause for it");
		break;
	case NVMX_CH_GUEST_NO_PMU:
		fmt_str(&f, "the guest has no PMU (-cpu ...,pmu=off)");
		break;
	case NVMX_CH_HOST_HYPERV:
		fmt_str(&f, "KVM itself runs on Hyper-V with the enlightened VMCS (Azure, WSL2, Hyper-V VMs)");
		break;
	case NVMX_CH_PARAM:
		fmt_str(&f, "kvm_intel ");
		fmt_str(&f, nvmx_param_name(c->param));
		fmt_str(&f, "=");
		fmt_uint(&f, (uint64_t)c->param_value);
		break;
	case NVMX_CH_HOST_HIDES:
		fmt_str(&f, "KVM runs in a VM whose hypervisor hides ");
		bit_list(&f, c);
		fmt_str(&f, " of ");
		fmt_hex(&f, nvmx_msr_index(c->hide_id));
		fmt_str(&f, hide_mask(c) & (hide_mask(c) - 1) ? " (any one of them alone rejects it; "
								 "a cloud VM, VMware, VirtualBox)"
							       : " (a cloud VM, VMware, VirtualBox)");
		break;
	case NVMX_CH_HOST_FORCES:
		fmt_str(&f, "KVM runs in a VM whose hypervisor reports ");
		bit_list(&f, c);
		fmt_str(&f, " of ");
		fmt_hex(&f, nvmx_msr_index(c->hide_id));
		fmt_str(&f, " as must-be-1 (VMware, a cloud VM): KVM passes that on to L1, QEMU reads "
			    "a forced control as unsupported and writes it 0");
		break;
	case NVMX_CH_RELEASE:
		fmt_str(&f, "KVM ");
		fmt_str(&f, nvmx_kernel_name(c->kernel));
		break;
	case NVMX_CH_QEMU_RELEASE:
		fmt_str(&f, "QEMU ");
		fmt_str(&f, c->qemu->name);
		fmt_str(&f, " (the log names none), which sets 0x48b's allowed-1 bits from the guest CPUID "
			    "(RDTSCP, INVPCID, RDRAND, RDSEED, XSAVES) whatever KVM offers: it writes ");
		fmt_hex(&f, c->value);
		break;
	}
	return f.len;
}

/*
 * Before the oldest row (5.4.210), enabling eVMCS for a vCPU also narrowed
 * that vCPU's own control MSRs, and restores were checked against them (as
 * 5.4.210 still does); the lists are the eVMCS denylists of that time (spec:
 * kvm-nested-vmx.md, eVMCS).
 */
static uint64_t pre510_evmcs_narrowed(enum nvmx_msr_id id)
{
	switch (id) {
	case NVMX_TRUE_PINBASED: return (uint64_t)0xC0 << 32;
	case NVMX_PROCBASED2: return (uint64_t)0x02026701 << 32;
	case NVMX_TRUE_EXIT: return (uint64_t)0x1000 << 32;
	case NVMX_TRUE_ENTRY: return (uint64_t)0x2000 << 32;
	case NVMX_VMFUNC: return 1;
	default: return 0;
	}
}

size_t nvmx_prehistory_note(uint32_t version, const struct nvmx_probe *p, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	if (!nvmx_kernel_count() || (version & 0xffff0000u) >= (nvmx_kernel_version(nvmx_kernel_oldest()) & 0xffff0000u) ||
	    p->feature)
		return 0;
	uint64_t narrowed = p->value & pre510_evmcs_narrowed(p->id);
	if (!narrowed)
		return 0;
	fmt_str(&f, "releases older than the oldest row (5.3 and older, as 5.4.210 still does) cut the vCPU's own ");
	fmt_str(&f, nvmx_msr_desc(p->id)->sdm);
	fmt_str(&f, " down when L1 enabled the enlightened VMCS (QEMU hv-evmcs, part of hv-passthrough) "
		    "and checked writes against the vCPU's values: with hv-evmcs they reject this write "
		    "for ");
	if (is_control(p->id))
		fmt_bits(&f, (int)p->id, narrowed >> 32, 32);
	else
		fmt_bits(&f, (int)p->id, narrowed, 0);
	fmt_str(&f, "; from 5.4.211 writes are checked against KVM's maximum, and from 5.10 eVMCS "
		    "only filters L1's reads");
	return f.len;
}
