/* SPDX-License-Identifier: MIT */
/*
 * What would make a failed migration work, each change verified by checking
 * the migration again with it: QEMU flags that drop the offending features,
 * another release, a parameter back at its default, the revoke list.
 */
#include "nvmx/scenario.h"

/* Rejections a vmx-...=off flag can cure: bits offered on the source only. */
static bool flag_curable(enum nvmx_reason r)
{
	return r == NVMX_R_ALLOWED1_ADDED || r == NVMX_R_BASIC_FEATURE ||
	       r == NVMX_R_MISC_FEATURE || r == NVMX_R_BITS_ADDED;
}

/* Boolean module parameters worth flipping to see whether KVM then accepts. */
static bool flippable(enum nvmx_param p)
{
	switch (p) {
	case NVMX_P_NESTED: case NVMX_P_EPT: case NVMX_P_VPID: case NVMX_P_UNRESTRICTED_GUEST:
	case NVMX_P_EPTAD: case NVMX_P_FLEXPRIORITY: case NVMX_P_ENABLE_APICV:
	case NVMX_P_ENABLE_IPIV: case NVMX_P_PML: case NVMX_P_PREEMPTION_TIMER: case NVMX_P_SGX:
	case NVMX_P_ENLIGHTENED_VMCS: case NVMX_P_SHADOW_VMCS: case NVMX_P_VNMI:
	case NVMX_P_ENABLE_PMU: case NVMX_P_CET: case NVMX_P_MEDIATED_PMU:
		return true;
	default:
		return false;
	}
}

static bool listed(const char *const *v, unsigned n, const char *s)
{
	for (unsigned i = 0; i < n; i++)
		if (v[i] == s)
			return true;
	return false;
}

static void qemu_flags(struct nvmx_remedies *out, const struct nvmx_migration *m)
{
	for (unsigned i = 0; i < m->nwrites; i++) {
		const struct nvmx_write *w = &m->writes[i];
		if (!w->r.rc)
			continue;
		if (!flag_curable(w->r.reason)) {
			out->unfixable = true;
			continue;
		}
		for (unsigned b = 0; b < 64; b++) {
			if (!((w->r.bits >> b) & 1))
				continue;
			const struct nvmx_field *f = nvmx_field_at(w->id, b);
			if (!f || !f->qemu) {
				out->unfixable = true;
				continue;
			}
			if (out->nqemu < NVMX_REMEDY_MAX_FLAGS && !listed(out->qemu_off, out->nqemu, f->qemu))
				out->qemu_off[out->nqemu++] = f->qemu;
		}
	}
}

void nvmx_remedies(struct nvmx_remedies *out, unsigned what, struct nvmx_scenario *dst,
		   const struct nvmx_msrs *saved, const struct nvmx_migration *m,
		   const enum nvmx_msr_id *order, unsigned norder)
{
	struct nvmx_scenario alt;
	struct nvmx_vcpu v;
	struct nvmx_migration t;
	struct nvmx_msrs reduced = *saved;

	*out = (struct nvmx_remedies){ .policy = NVMX_POLICY_STRICT };

	/* The values a VM started without the offending features saves. */
	if (what & NVMX_REMEDY_QEMU) {
		qemu_flags(out, m);
		for (unsigned i = 0; i < m->nwrites; i++)
			if (m->writes[i].r.rc)
				reduced.val[m->writes[i].id] &= ~m->writes[i].r.bits;
		nvmx_check(&t, &v, dst, &reduced, order, norder);
		out->qemu_off_sufficient = t.migratable && !out->unfixable;
	}

	/* Another release on the destination host, the same parameters where it has them. */
	for (unsigned i = 0; (what & NVMX_REMEDY_RELEASES) && i < nvmx_kernel_count() &&
			     out->nreleases < NVMX_REMEDY_MAX_RELEASES; i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (k == dst->kvm.kernel)
			continue;
		alt = *dst;
		alt.policy = NVMX_POLICY_STRICT;
		nvmx_scenario_reload(&alt, k);
		if (alt.kvm.status != NVMX_LOAD_OK)
			continue;
		nvmx_check(&t, &v, &alt, saved, order, norder);
		if (t.migratable)
			out->releases[out->nreleases++] = k;
	}

	/* One module parameter: back at its default, or a boolean one flipped. */
	struct nvmx_params def;
	nvmx_params_default(dst->kvm.kernel, &def);
	for (int q = 0; (what & NVMX_REMEDY_PARAMS) && q < NVMX_P_COUNT; q++) {
		int64_t cand[2];
		unsigned nc = 0;
		if (((dst->params.given >> q) & 1) && dst->params.val[q] != def.val[q])
			cand[nc++] = def.val[q];
		if (flippable((enum nvmx_param)q) && nvmx_kernel_has_param(dst->kvm.kernel, (enum nvmx_param)q) &&
		    (!nc || cand[0] != !dst->params.val[q]))
			cand[nc++] = !dst->params.val[q];
		for (unsigned c = 0; c < nc; c++) {
			alt = *dst;
			alt.params.val[q] = cand[c];
			alt.params.given |= UINT32_C(1) << q;
			nvmx_scenario_reload(&alt, NULL);
			if (alt.kvm.status != NVMX_LOAD_OK)
				continue;
			nvmx_check(&t, &v, &alt, saved, order, norder);
			if (t.migratable)
				out->params[out->nparams++] = (struct nvmx_param_change){
					(enum nvmx_param)q, cand[c], cand[c] == def.val[q] };
		}
	}

	/* The review thread's revoke list, when the destination is strict. */
	if ((what & NVMX_REMEDY_REVOKE) && dst->policy == NVMX_POLICY_STRICT) {
		alt = *dst;
		alt.policy = NVMX_POLICY_REVOKE_KEEP;
		nvmx_check(&t, &v, &alt, saved, order, norder);
		if (t.migratable) {
			out->policy = NVMX_POLICY_REVOKE_KEEP;
			for (int id = 0; id < NVMX_MSR_COUNT; id++)
				out->revoked[id] = t.revoked[id];
		}
	}
}
