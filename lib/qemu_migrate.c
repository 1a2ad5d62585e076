/* SPDX-License-Identifier: MIT */
/*
 * A QEMU VM's live migration: the same -cpu started on both sides (QEMU
 * rebuilds the VMX MSRs on the destination, it does not carry them), what
 * L1 reads before and after, the live vmcs12 against the destination, and
 * the vmx-* flags that make VMs started from now on migrate unchanged.
 */
#include "nvmx/qemu_migrate.h"
#include "names.h"
#include "qemu_flags.h"

const char *nvmx_semantics_name(enum nvmx_semantics s)
{
	return s == NVMX_SEM_QEMU ? "qemu" : "saved-msrs";
}

int nvmx_semantics_parse(const char *s)
{
	if (nvmx_name_eq(s, "qemu"))
		return NVMX_SEM_QEMU;
	if (nvmx_name_eq(s, "saved-msrs"))
		return NVMX_SEM_SAVED_MSRS;
	return -1;
}

const char *nvmx_qmig_verdict_name(enum nvmx_qmig_verdict v)
{
	switch (v) {
	case NVMX_QMIG_SAFE: return "safe";
	case NVMX_QMIG_CHANGE: return "l1-visible-change";
	default: return "fails";
	}
}

static void run_side(struct nvmx_qmig_side *s, const struct nvmx_qemu_env *env,
		     const struct nvmx_qemu_cpu *cpu)
{
	nvmx_qemu_plan(&s->plan, cpu, env->host, env->release);
	nvmx_qemu_vcpu(&s->vcpu, env, &s->plan);
	nvmx_qemu_replay(&s->rep, &s->plan, &s->vcpu);
	s->starts = s->rep.starts;
	s->l1 = (struct nvmx_msrs){ { 0 }, 0 };
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		uint64_t v;
		if (!nvmx_vcpu_get_msr(&s->vcpu, nvmx_msr_index((enum nvmx_msr_id)id), true, &v).rc)
			nvmx_msrs_set(&s->l1, (enum nvmx_msr_id)id, v);
	}
}

void nvmx_qemu_migrate(struct nvmx_qemu_migration *out, const struct nvmx_qemu_env *src,
		       const struct nvmx_qemu_env *dst, const struct nvmx_qemu_cpu *cpu,
		       const struct nvmx_nested_state *ns)
{
	out->verdict = NVMX_QMIG_SAFE;
	out->nchanged = 0;
	out->presence_changed = 0;
	out->nested = false;
	out->ns = (struct nvmx_ns_check){ 0 };
	run_side(&out->src, src, cpu);
	run_side(&out->dst, dst, cpu);
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		enum nvmx_msr_id m = (enum nvmx_msr_id)id;
		bool a = nvmx_msrs_has(&out->src.l1, m), b = nvmx_msrs_has(&out->dst.l1, m);
		uint64_t va = a ? out->src.l1.val[id] : 0, vb = b ? out->dst.l1.val[id] : 0;
		out->gone[id] = va & ~vb;
		out->appeared[id] = vb & ~va;
		if (a != b)
			out->presence_changed |= UINT32_C(1) << id;
		if (a != b || va != vb)
			out->nchanged++;
	}
	if (ns) {
		struct nvmx_msrs now = { { 0 }, 0 };
		for (int id = 0; id <= NVMX_VMFUNC; id++) {
			uint64_t v;
			if (!nvmx_vcpu_get_msr(&out->dst.vcpu, nvmx_msr_index((enum nvmx_msr_id)id),
					       false, &v).rc)
				nvmx_msrs_set(&now, (enum nvmx_msr_id)id, v);
		}
		out->nested = true;
		nvmx_nested_state_check(ns, &now, &out->ns);
	}
	out->cpuid_gone = out->src.plan.cpuid & ~out->dst.plan.cpuid;
	out->cpuid_appeared = out->dst.plan.cpuid & ~out->src.plan.cpuid;
	/* A guest that had VMX and has none there: a running L1 hypervisor cannot go on. */
	bool vmx_lost = out->cpuid_gone & NVMX_FEAT(NVMX_F_VMX);
	if (!out->src.starts || !out->dst.starts || (out->nested && out->ns.nbad) || vmx_lost)
		out->verdict = NVMX_QMIG_FAILS;
	else if (out->nchanged || out->cpuid_gone || out->cpuid_appeared)
		out->verdict = NVMX_QMIG_CHANGE;
}

/* ---- Flags for new VMs -------------------------------------------------------- */

static bool add_item(struct nvmx_qmig_fix *fx, const struct nvmx_qemu_fix_item *it)
{
	return nvmx__qemu_flag_add(fx->item, &fx->n, it);
}

/* vmx-*=off for each feature bit set on one side only; true when one was added. */
static bool add_for_changes(struct nvmx_qmig_fix *fx, const struct nvmx_qemu_env *env,
			    const struct nvmx_qemu_cpu *cpu, const struct nvmx_qemu_migration *m)
{
	bool added = false;
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		added |= nvmx__qemu_flags_for_bits(env->release, cpu, (enum nvmx_msr_id)id,
						   m->gone[id] | m->appeared[id], fx->item, &fx->n);
	return added;
}

/* What makes the -cpu start on one side, as flags (nvmx_qemu_find_fix, verified there). */
static bool add_start_fix(struct nvmx_qmig_fix *fx, const struct nvmx_qemu_env *env,
			  const struct nvmx_qemu_cpu *cur)
{
	struct nvmx_qemu_fix f;
	nvmx_qemu_find_fix(&f, env, cur);
	bool added = false;
	for (unsigned i = 0; f.found && i < f.n; i++)
		added |= add_item(fx, &f.item[i]);
	return added;
}

static bool try_items(struct nvmx_qmig_fix *fx, const struct nvmx_qemu_env *src,
		      const struct nvmx_qemu_env *dst, const struct nvmx_qemu_cpu *cpu, int skip,
		      struct nvmx_qemu_cpu *cur)
{
	*cur = *cpu;
	for (unsigned i = 0; i < fx->n; i++)
		if ((int)i != skip)
			nvmx_qemu_fix_apply(cur, &fx->item[i], 1);
	nvmx_qemu_migrate(&fx->check, src, dst, cur, 0);
	return fx->check.verdict == NVMX_QMIG_SAFE;
}

static int first_changed(const struct nvmx_qemu_migration *m)
{
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (m->gone[id] | m->appeared[id] || (m->presence_changed >> id & 1))
			return id;
	return -1;
}

void nvmx_qemu_migrate_fix(struct nvmx_qmig_fix *out, const struct nvmx_qemu_env *src,
			   const struct nvmx_qemu_env *dst, const struct nvmx_qemu_cpu *cpu,
			   const struct nvmx_nested_state *ns)
{
	struct nvmx_qemu_cpu cur;
	out->found = false;
	out->n = 0;
	out->stuck = -1;
	/*
	 * The flags are for VMs started from now on: a running L1's vmcs12 was
	 * made under the old -cpu, so the search ignores ns and the result
	 * says only that the new -cpu starts on both sides with the same MSRs.
	 */
	(void)ns;
	for (unsigned round = 0; round < 2 * NVMX_QEMU_MAX_FIX; round++) {
		if (try_items(out, src, dst, cpu, -1, &cur)) {
			out->found = true;
			break;
		}
		const struct nvmx_qemu_migration *m = &out->check;
		bool progress = false;
		if (!m->src.starts)
			progress = add_start_fix(out, src, &cur);
		else if (!m->dst.starts)
			progress = add_start_fix(out, dst, &cur);
		else {
			progress = add_for_changes(out, src, &cur, m);
			/* CPUID flags one side lacks: off for both (never vmx itself). */
			uint64_t c = (m->cpuid_gone | m->cpuid_appeared) & ~NVMX_FEAT(NVMX_F_VMX);
			for (int f = 0; f < NVMX_F_COUNT; f++) {
				const char *name = nvmx_feature_name((enum nvmx_feature)f);
				if (!(c & NVMX_FEAT(f)) || !name)
					continue;
				struct nvmx_qemu_fix_item it = {
					.kind = cur.cpuid_plus & NVMX_FEAT(f) ? NVMX_QFIX_CPUID_MINUS
									      : NVMX_QFIX_CPUID_OFF,
					.word = NVMX_QW_PINBASED, .feature = f, .name = name };
				progress |= add_item(out, &it);
			}
		}
		if (!progress) {
			out->stuck = first_changed(m);
			break;
		}
	}
	if (!out->found) {
		out->n = 0;
		return;
	}
	/* Drop every flag the result holds without, last found first. */
	for (int i = (int)out->n - 1; i >= 0; i--) {
		if (!try_items(out, src, dst, cpu, i, &cur))
			continue;
		for (unsigned j = (unsigned)i; j + 1 < out->n; j++)
			out->item[j] = out->item[j + 1];
		out->n--;
	}
	out->found = try_items(out, src, dst, cpu, -1, &cur);
}
