/* SPDX-License-Identifier: MIT */
/*
 * What would make a failed migration work, or a QEMU VM start, each change
 * verified by asking again with it: QEMU flags that drop the offending
 * features, another version of the VM's model, another release, a
 * parameter back at its default, the revoke list; for a QEMU VM's
 * migration, a -cpu that both sides build alike.  check (both semantics),
 * explain, upgrade and qemu-check all take their fixes from here.
 */
#include "nvmx/scenario.h"
#include "nvmx/qemu_migrate.h"
#include "qemu_words.h"

/*
 * Rejections a vmx-...=off flag can cure: bits offered on the source only,
 * and a must-be-1 control left free (QEMU forces a default-1 control it
 * turns off to 1).  The re-check decides whether it did.
 */
static bool flag_curable(enum nvmx_reason r)
{
	return r == NVMX_R_ALLOWED1_ADDED || r == NVMX_R_MUST1_DROPPED || r == NVMX_R_BASIC_FEATURE ||
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

/*
 * The value a VM started with the flags for `bits` off has: QEMU builds its
 * control words again (make_vmx_msr_value); other MSRs lose the bits.
 */
static uint64_t value_without(enum nvmx_msr_id id, uint64_t value, uint64_t bits)
{
	int w = nvmx_qword_of_msr(id);
	if (!bits || w < 0 || !nvmx_qword_is_control((enum nvmx_qword)w))
		return value & ~bits;
	uint32_t off = nvmx_hi(bits) | nvmx_lo(bits);
	uint32_t features = nvmx_qemu_control_supported(value) & ~off;
	uint64_t v = nvmx_qemu_control_msr((enum nvmx_qword)w, features);
	/* Exit bit 9 is not a word bit: QEMU adds it from the guest's lm. */
	if (id == NVMX_TRUE_EXIT)
		v |= value & (UINT64_C(1) << 41);
	return v;
}

/*
 * Saved values: flags for each rejected write's bits, the values QEMU then
 * writes checked again, until they are accepted or nothing more can be
 * turned off (a rule no flag cures, a bit QEMU has no name for).
 */
static void qemu_flags(struct nvmx_remedies *out, struct nvmx_scenario *dst,
		       const struct nvmx_msrs *saved, const struct nvmx_migration *m,
		       const enum nvmx_msr_id *order, unsigned norder)
{
	const struct nvmx_qemu_release *rel = dst->vm.qemu ? dst->vm.qemu : nvmx_qemu_release_default();
	struct nvmx_migration t;
	struct nvmx_vcpu v;
	uint64_t off[NVMX_MSR_COUNT] = { 0 };
	const struct nvmx_migration *cur = m;

	out->qemu_values = *saved;
	for (unsigned round = 0; round < NVMX_MSR_COUNT; round++) {
		bool progress = false;
		for (unsigned i = 0; i < cur->nwrites; i++) {
			const struct nvmx_write *w = &cur->writes[i];
			if (!w->r.rc)
				continue;
			if (!flag_curable(w->r.reason) || !w->r.bits) {
				out->unfixable = true;
				continue;
			}
			for (unsigned b = 0; b < 64; b++) {
				if (!((w->r.bits >> b) & 1))
					continue;
				const char *f = nvmx_qemu_flag_for_bit(rel, nvmx_msr_true(w->id), b);
				if (!f) {
					out->unnamed[w->id] |= UINT64_C(1) << b;
					out->unfixable = true;
					continue;
				}
				if (!((off[w->id] >> b) & 1)) {
					off[w->id] |= UINT64_C(1) << b;
					progress = true;
				}
				if (out->nqemu < NVMX_REMEDY_MAX_FLAGS && !listed(out->qemu_off, out->nqemu, f))
					out->qemu_off[out->nqemu++] = f;
			}
		}
		if (!progress || out->unfixable)
			break;
		for (int id = 0; id < NVMX_MSR_COUNT; id++)
			out->qemu_values.val[id] = value_without((enum nvmx_msr_id)id, saved->val[id], off[id]);
		nvmx_check(&t, &v, dst, &out->qemu_values, order, norder);
		cur = &t;
		if (t.migratable)
			break;
	}
	out->qemu_off_sufficient = out->nqemu && !out->unfixable && cur != m && cur->migratable;
}

/* Does the problem go away on alt: the saved values accepted, or the QEMU VM started? */
static bool works(struct nvmx_scenario *alt, const struct nvmx_msrs *saved,
		  const enum nvmx_msr_id *order, unsigned norder, struct nvmx_migration *t)
{
	if (!saved) {
		struct nvmx_qemu_host qh;
		struct nvmx_qemu_plan plan;
		struct nvmx_qemu_replay rep;
		struct nvmx_qemu_env env;
		nvmx_scenario_qemu_env(alt, &qh, &env);
		return nvmx_qemu_run(&env, alt->vm.qemu_cpu, &plan, &rep);
	}
	struct nvmx_vcpu v;
	nvmx_check(t, &v, alt, saved, order, norder);
	return t->migratable;
}

/* A QEMU VM: flags that make it start, and the versions of its model that start as they are. */
static void qemu_cpu(struct nvmx_remedies *out, unsigned what, const struct nvmx_scenario *dst)
{
	struct nvmx_qemu_host qh;
	struct nvmx_qemu_plan plan;
	struct nvmx_qemu_replay rep;
	struct nvmx_qemu_env env;
	const struct nvmx_qemu_cpu *cpu = dst->vm.qemu_cpu;
	nvmx_scenario_qemu_env(dst, &qh, &env);
	if (what & NVMX_REMEDY_QEMU)
		nvmx_qemu_find_fix(&out->cpu_fix, &env, cpu);
	if (!(what & NVMX_REMEDY_VERSIONS) || cpu->kind != NVMX_QCPU_NAMED ||
	    nvmx_qemu_run(&env, cpu, &plan, &rep))
		return;
	for (unsigned v = 1; v <= cpu->model->nversions && out->nversions < NVMX_REMEDY_MAX_VERSIONS; v++) {
		struct nvmx_qemu_cpu c;
		if (v == cpu->version || !nvmx_qemu_model_in(cpu->model, v, env.release))
			continue;
		c = *cpu;
		c.version = v;
		if (nvmx_qemu_run(&env, &c, &plan, &rep))
			out->versions[out->nversions++] = v;
	}
}

/*
 * A QEMU VM migrating from src to dst: QEMU rebuilds the MSRs from the
 * -cpu on the destination, so the remedy is a -cpu both sides build alike.
 */
static void qemu_migration(struct nvmx_remedies *out, unsigned what, const struct nvmx_scenario *src,
			   const struct nvmx_scenario *dst)
{
	struct nvmx_qemu_host sqh, dqh;
	struct nvmx_qemu_env senv, denv;
	struct nvmx_qmig_fix f;
	if (!(what & NVMX_REMEDY_QEMU))
		return;
	nvmx_scenario_qemu_env(src, &sqh, &senv);
	nvmx_scenario_qemu_env(dst, &dqh, &denv);
	nvmx_qemu_migrate_fix(&f, &senv, &denv, dst->vm.qemu_cpu, NULL);
	out->migrate_fix.found = f.found;
	out->migrate_fix.n = f.n;
	for (unsigned i = 0; i < f.n; i++)
		out->migrate_fix.item[i] = f.item[i];
	out->migrate_fix.stuck = f.stuck;
}

void nvmx_remedies(struct nvmx_remedies *out, unsigned what, const struct nvmx_scenario *src,
		   struct nvmx_scenario *dst, const struct nvmx_msrs *saved,
		   const struct nvmx_migration *m, const enum nvmx_msr_id *order, unsigned norder)
{
	struct nvmx_scenario alt;
	struct nvmx_migration t;

	*out = (struct nvmx_remedies){ .policy = NVMX_POLICY_STRICT };
	if (!saved && !dst->vm.qemu_cpu)
		return;
	if (!saved && src) {
		qemu_migration(out, what, src, dst);
		return;
	}

	if (saved && (what & NVMX_REMEDY_QEMU))
		qemu_flags(out, dst, saved, m, order, norder);
	if (!saved)
		qemu_cpu(out, what, dst);

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
		if (works(&alt, saved, order, norder, &t))
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
			if (works(&alt, saved, order, norder, &t))
				out->params[out->nparams++] = (struct nvmx_param_change){
					(enum nvmx_param)q, cand[c], cand[c] == def.val[q] };
		}
	}

	/* The review thread's revoke list, when the destination is strict. */
	if (saved && (what & NVMX_REMEDY_REVOKE) && dst->policy == NVMX_POLICY_STRICT) {
		alt = *dst;
		alt.policy = NVMX_POLICY_REVOKE_KEEP;
		if (works(&alt, saved, order, norder, &t)) {
			out->policy = NVMX_POLICY_REVOKE_KEEP;
			for (int id = 0; id < NVMX_MSR_COUNT; id++)
				out->revoked[id] = t.revoked[id];
		}
	}
}
