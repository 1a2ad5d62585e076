/* SPDX-License-Identifier: MIT */
/*
 * One failed (or accepted) VMX MSR write explained for the vCPU the caller
 * describes: the verdict as nvmx restore decides it, the remedies searched
 * for that same vCPU (so a release said to accept a write on a vCPU that has
 * run is one that accepts it there), what would make an accepted write fail,
 * whether a partial host's unknown bits decide it, and the cause keys.
 */
#include "nvmx/explain.h"
#include "fmt.h"

static bool same_key(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Each key once, in the order first added; cut to the room as the CLI always did. */
static void key_add(char (*keys)[NVMX_EXPLAIN_KEY], unsigned *n, const char *key)
{
	char k[NVMX_EXPLAIN_KEY];
	struct fmt f = fmt_init(k, sizeof(k));
	fmt_str(&f, key);
	for (unsigned i = 0; i < *n; i++)
		if (same_key(keys[i], k))
			return;
	if (*n >= NVMX_EXPLAIN_MAX_CAUSES)
		return;
	f = fmt_init(keys[(*n)++], NVMX_EXPLAIN_KEY);
	fmt_str(&f, k);
}

static void cause_add(struct nvmx_explanation *out, const char *key)
{
	key_add(out->causes, &out->ncauses, key);
}

/*
 * The named QEMU models (and versions, when not all) whose -cpu writes this
 * value, host-copied fields aside: "Skylake-Server Cascadelake-Server-v1,v2".
 */
static void models_writing(struct nvmx_explanation *out, enum nvmx_msr_id id)
{
	struct fmt f = fmt_init(out->models, sizeof(out->models));
	/* A BASIC without a revision did not come from a KVM that offers VMX. */
	if (id == NVMX_BASIC && !(out->value & 0x7fffffff))
		return;
	for (unsigned i = 0; i < nvmx_qemu_model_count(); i++) {
		const struct nvmx_qemu_model *m = nvmx_qemu_model_at(i);
		unsigned match[32], nm = 0;
		for (unsigned v = 1; v <= m->nversions && nm < 32; v++) {
			uint64_t mv, hm;
			if (nvmx_qemu_model_msr(m, v, nvmx_qemu_release_default(), id, &mv, &hm) &&
			    (mv & ~hm) == (out->value & ~hm))
				match[nm++] = v;
		}
		if (!nm || f.len >= f.size)
			continue;
		if (f.len)
			fmt_str(&f, " ");
		fmt_str(&f, m->name);
		if (nm == m->nversions)
			continue;
		fmt_str(&f, "-");
		for (unsigned k = 0; k < nm && f.len < f.size; k++) {
			fmt_str(&f, k ? ",v" : "v");
			fmt_uint(&f, match[k]);
		}
	}
}

/* BASIC written as 0: what QEMU before 5.0 does when KVM has nested=0. */
static bool nested_off(const struct nvmx_explanation *out)
{
	return out->ex.r.reason == NVMX_R_NO_NESTED || (out->index == 0x480 && out->value == 0);
}

static const char *hint_for(const struct nvmx_explanation *out)
{
	const struct nvmx_result *r = &out->ex.r;
	if (nested_off(out))
		return "KVM's IA32_VMX_BASIC reads 0 when kvm_intel has nested=0: QEMU 5.0 and later "
		       "skip the VMX MSRs then; with an older QEMU drop vmx from the guest "
		       "(-cpu ...,-vmx) or load kvm_intel with nested=1";
	if (r->reason == NVMX_R_NO_KVM)
		return "kvm_intel does not load on this host: there is no vCPU to write to";
	if (r->reason == NVMX_R_NO_VMX_CPUID)
		return "the guest CPUID given has no vmx: QEMU writes VMX MSRs only to a guest with vmx";
	if (out->unnamed_bits)
		return "some offending bits have no QEMU name, so no -cpu flag clears them (-cpu host "
		       "with migratable=off copies such bits): use a named model or another host";
	if (out->ex.differs)
		return "a multi-bit field differs from KVM's; QEMU copies these from what KVM reports, "
		       "so the value comes from another host or release (e.g. a migration source)";
	return 0;
}

/*
 * What would make it pass: the library's remedies (the search check does)
 * for this one write into a fresh vCPU of the VM -- the vmx-...=off flags
 * and the value QEMU then writes, another release, one module parameter.
 */
static void remedies(struct nvmx_explanation *out, enum nvmx_msr_id id)
{
	struct nvmx_remedies *fx = &out->work.fx;
	struct nvmx_msrs one = { { 0 }, 0 };
	nvmx_msrs_set(&one, id, out->value);
	nvmx_check(&out->work.m, &out->work.vcpu, &out->work.sc, &one, &id, 1);
	nvmx_remedies(fx, NVMX_REMEDY_QEMU | NVMX_REMEDY_RELEASES | NVMX_REMEDY_PARAMS, NULL,
		      &out->work.sc, &one, &out->work.m, &id, 1);
	for (unsigned i = 0; i < fx->nqemu; i++)
		out->flags[out->nflags++] = fx->qemu_off[i];
	out->unnamed_bits = fx->unnamed[id];
	if (fx->nqemu && !fx->unfixable) {
		out->fixed_valid = true;
		out->fixed = fx->qemu_values.val[id];
		out->fixed_ok = fx->qemu_off_sufficient;
	}
	for (unsigned i = 0; i < fx->nreleases && out->nreleases < NVMX_REMEDY_MAX_RELEASES; i++)
		out->releases[out->nreleases++] = fx->releases[i];
	for (unsigned i = 0; i < fx->nparams; i++)
		out->params[out->nparams++] = fx->params[i];
}

/* One completion of a partial host: is the write accepted there? */
struct probe_ctx {
	struct nvmx_explanation *out;
	const struct nvmx_env *env;
	const struct nvmx_probe *p;
};

static bool probe_completion(void *ctx, const struct nvmx_host *src, const struct nvmx_host *dst)
{
	const struct probe_ctx *c = ctx;
	struct nvmx_env *alt = &c->out->work.alt;
	struct nvmx_result r;
	(void)src;
	*alt = *c->env;
	alt->host = *dst;
	alt->host.hyperv_evmcs = c->env->host.hyperv_evmcs;
	return !nvmx_probe_fails(alt, c->p, &c->out->work.kvm, &r);
}

/* A folded outer-hypervisor entry ("host-hides:a=0,b=0"): one cause key per bit, as before folding. */
static void add_search_key(char (*keys)[NVMX_EXPLAIN_KEY], unsigned *nkeys, char *key)
{
	static const char pfx[] = "host-hides:";
	char one[NVMX_EXPLAIN_KEY];
	unsigned n = 0;
	while (n < sizeof(pfx) - 1 && key[n] == pfx[n])
		n++;
	if (n < sizeof(pfx) - 1) {
		key_add(keys, nkeys, key);
		return;
	}
	for (char *s = key + n, *t; s && *s; s = t) {
		for (t = s; *t && *t != ','; t++)
			;
		if (*t)
			*t++ = 0;
		else
			t = 0;
		struct fmt f = fmt_init(one, sizeof(one));
		fmt_str(&f, pfx);
		fmt_str(&f, s);
		key_add(keys, nkeys, one);
	}
}

void nvmx_explanation_causes(struct nvmx_explanation *out)
{
	char key[sizeof(out->causes[0])];
	out->ncauses = 0;
	if (out->qemu_widens_ctls2)
		cause_add(out, "qemu:4.2-ctls2-widened");
	if (out->ex.r.rc) {
		struct fmt f = fmt_init(key, sizeof(key));
		fmt_str(&f, "rejected:");
		fmt_str(&f, nvmx_reason_name(out->ex.r.reason));
		cause_add(out, key);
		if (nested_off(out))
			cause_add(out, "nested=0");
		return;
	}
	if (out->before_oldest_row[0])
		cause_add(out, "before-oldest-row:evmcs");
	for (unsigned i = 0; i < out->wf.n; i++) {
		nvmx_env_change_key(&out->wf.c[i], out->work.key, sizeof(out->work.key));
		add_search_key(out->causes, &out->ncauses, out->work.key);
	}
}

int nvmx_explain_write(struct nvmx_explanation *out, const struct nvmx_explain_env *xe,
		       uint32_t index, uint64_t value)
{
	const struct nvmx_env *env = &xe->env;
	enum nvmx_msr_id id = (enum nvmx_msr_id)(index - NVMX_MSR_BASE);
	bool in_range = index >= NVMX_MSR_BASE && index < NVMX_MSR_BASE + NVMX_MSR_COUNT;
	struct nvmx_scenario *sc = &out->work.sc;
	struct nvmx_probe p = { .index = index, .value = value, .id = id };

	out->index = index;
	out->value = value;
	out->nflags = out->nreleases = out->nparams = out->ncauses = 0;
	out->unnamed_bits = 0;
	out->fixed_valid = out->fixed_ok = false;
	out->fixed = 0;
	out->hint = 0;
	out->wf.n = out->wf.tried = 0;
	out->wf.truncated = false;
	out->partial_searched = out->partial_dep = false;
	out->before_oldest_row[0] = 0;
	out->models[0] = 0;
	if (in_range)
		models_writing(out, id);

	/*
	 * The write into the vCPU env describes: its CPUID and PMU, and its
	 * state, quirks and restore policy, which decide the verdict as nvmx
	 * restore decides it.
	 */
	nvmx_scenario_init(sc, &env->host, false, env->kernel, &env->params);
	sc->vm = (struct nvmx_vm){ .cpuid_set = env->cpuid_set, .guest_features = env->cpuid,
				   .pmu_version = env->pmu_version,
				   .quirks_disabled = env->quirks_disabled };
	sc->state = env->state;
	sc->policy = env->policy;
	sc->revoke_since = env->revoke_since;
	nvmx_qemu_explain(&out->ex, &sc->kvm, env->cpuid_set, env->cpuid, env->pmu_version, index, value);
	if (env->state || env->quirks_disabled || env->policy != NVMX_POLICY_STRICT) {
		nvmx_scenario_vcpu(sc, &out->work.vcpu);
		out->ex.r = nvmx_vcpu_set_msr(&out->work.vcpu, index, value);
	}
	if (out->ex.r.rc && in_range)
		remedies(out, id);
	if (!out->ex.r.rc)
		nvmx_would_fail(&out->wf, env, &p, &out->work.kvm);
	/* A partial host: the write asked of every completion of its unknown bits. */
	if (xe->unknown) {
		struct probe_ctx pc = { out, env, &p };
		nvmx_partial_search(&out->pr, 0, 0, &env->host, xe->unknown, false, probe_completion, &pc);
		out->partial_searched = true;
		out->partial_dep = out->pr.answer == NVMX_PARTIAL_DEPENDS;
	}
	if (out->ex.r.rc)
		out->hint = hint_for(out);
	out->qemu_widens_ctls2 = env->qemu && env->qemu->ctls2_workaround_always && index == 0x48b;
	if (xe->not_modelled)
		nvmx_prehistory_note(env->user_kernel, &p, out->before_oldest_row,
				     sizeof(out->before_oldest_row));
	nvmx_explanation_causes(out);
	return out->ex.r.rc;
}

/* MSR-layout bit of a QEMU warning's "[bit n]" (the control number for control MSRs). */
static bool feature_probe(const struct nvmx_event *ev, struct nvmx_probe *p)
{
	if (ev->index < NVMX_MSR_BASE || ev->index >= NVMX_MSR_BASE + NVMX_MSR_COUNT)
		return false;
	*p = (struct nvmx_probe){ .feature = true, .index = ev->index,
				  .id = (enum nvmx_msr_id)(ev->index - NVMX_MSR_BASE) };
	const struct nvmx_msr_desc *d = nvmx_msr_desc(p->id);
	p->bit = ev->bit + (d && d->layout == NVMX_LAYOUT_CONTROLS ? 32 : 0);
	return p->bit < 64;
}

void nvmx_feature_explanation_causes(struct nvmx_feature_explanation *out)
{
	out->ncauses = 0;
	if (out->tcg)
		key_add(out->causes, &out->ncauses, "tcg");
	else if (!out->offered)
		key_add(out->causes, &out->ncauses, "not-offered");
	else
		for (unsigned i = 0; i < out->wf.n; i++) {
			nvmx_env_change_key(&out->wf.c[i], out->work.key, sizeof(out->work.key));
			add_search_key(out->causes, &out->ncauses, out->work.key);
		}
}

bool nvmx_explain_feature(struct nvmx_feature_explanation *out, const struct nvmx_explain_env *xe,
			  const struct nvmx_event *ev)
{
	out->tcg = ev->tcg;
	out->probed = !ev->tcg && feature_probe(ev, &out->p);
	out->offered = false;
	out->r = (struct nvmx_result){ 0 };
	out->wf.n = out->wf.tried = 0;
	out->wf.truncated = false;
	if (out->probed) {
		out->offered = !nvmx_probe_fails(&xe->env, &out->p, &out->work.kvm, &out->r);
		if (out->offered)
			nvmx_would_fail(&out->wf, &xe->env, &out->p, &out->work.kvm);
	}
	nvmx_feature_explanation_causes(out);
	return out->offered;
}
