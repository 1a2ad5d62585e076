/* SPDX-License-Identifier: MIT */
/*
 * qemu-check's answers, for any VMM embedding the library: does a QEMU VM
 * (a scenario's -cpu) start on the scenario's host -- on every completion
 * of what a partial host leaves unknown --, what would make it start, and
 * could it live-migrate to another host and release under either
 * semantics (qemu-check --also); and the same VM moved between two
 * scenarios (check --cpu).  The commands only parse, read the files and
 * print these.
 */
#include "nvmx/qemu_migrate.h"
#include "fmt.h"

const char *nvmx_qemu_skip_name(enum nvmx_qemu_skip s)
{
	static const char *const names[] = { NULL, "qemu-too-old", "no-vmx", "no-feature-list",
					     "basic-zero" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : NULL;
}

const char *nvmx_qemu_skip_text(const struct nvmx_qemu_plan *p, const struct nvmx_kvm *kvm)
{
	switch (p->skip) {
	case NVMX_QSKIP_QEMU_TOO_OLD:
		return "this QEMU release has no vmx-* words and writes no VMX MSR; the vCPU keeps "
		       "the values KVM derives from its CPUID";
	case NVMX_QSKIP_NO_VMX:
		/* Filtered: the user asked for vmx and KVM has none to give. */
		if (p->cpuid_filtered & NVMX_FEAT(NVMX_F_VMX))
			return kvm->nested ? "KVM does not offer vmx: no VMX MSR written"
					   : "KVM does not offer vmx (nested=0): it was dropped, no VMX "
					     "MSR written";
		return "the guest CPU has no vmx (named models leave it off: add ,+vmx): no VMX MSR "
		       "written";
	case NVMX_QSKIP_NO_FEATURE_LIST:
		return "KVM lists no feature MSRs: no VMX MSR written";
	case NVMX_QSKIP_BASIC_ZERO:
		return "KVM's IA32_VMX_BASIC reads 0 (nested=0): no VMX MSR written";
	default:
		return NULL;
	}
}

size_t nvmx_qemu_fix_cpu_str(const char *spec, const struct nvmx_qemu_fix_item *items, unsigned n,
			     char *buf, size_t size)
{
	struct fmt f = fmt_init(buf, size);
	fmt_str(&f, spec);
	for (unsigned i = 0; i < n; i++) {
		char item[96];
		fmt_str(&f, ",");
		fmt_str(&f, nvmx_qemu_fix_item_str(&items[i], item, sizeof(item)));
	}
	return f.len;
}

/*
 * from's scenario on h, a completion of from's host: the completion's bits
 * with from's host and environment otherwise.
 */
static void on_completion(struct nvmx_scenario *sc, const struct nvmx_scenario *from,
			  const struct nvmx_host *h)
{
	struct nvmx_host t = from->host;
	t.msrs = h->msrs;
	t.features = h->features;
	nvmx_scenario_init(sc, &t, false, from->kvm.kernel, &from->params);
	sc->vm = from->vm;
	sc->state = from->state;
	sc->policy = from->policy;
}

/* One completion of a partial host: the same scenario on it, does the -cpu start? */
static bool starts_on(void *ctx, const struct nvmx_host *src, const struct nvmx_host *dst)
{
	struct nvmx_qemu_start *o = ctx;
	struct nvmx_qemu_env env;
	(void)src;
	on_completion(&o->work.sc, o->work.from, dst);
	nvmx_scenario_qemu_env(&o->work.sc, &o->work.qh, &env);
	return nvmx_qemu_run(&env, o->work.from->vm.qemu_cpu, &o->work.plan, &o->work.rep);
}

void nvmx_qemu_start(struct nvmx_qemu_start *out, struct nvmx_scenario *sc,
		     const struct nvmx_unknown *u)
{
	const struct nvmx_qemu_cpu *cpu = sc->vm.qemu_cpu;
	nvmx_scenario_qemu_env(sc, &out->qh, &out->env);
	out->starts = nvmx_qemu_run(&out->env, cpu, &out->plan, &out->rep);
	out->guest_cpuid = out->env.cpuid_override ? out->env.guest_cpuid : out->plan.cpuid;
	out->guest_vmx = out->plan.cpuid & NVMX_FEAT(NVMX_F_VMX);

	/* A partial host: "starts" only if it starts on every completion of its unknown bits. */
	out->partial = out->starts && u && nvmx_unknown_any(u, &sc->host);
	bool not_proven = false;
	if (out->partial) {
		out->work.from = sc;
		nvmx_partial_search(&out->pr, NULL, NULL, &sc->host, u, false, starts_on, out);
		not_proven = out->pr.answer != NVMX_PARTIAL_HOLDS;
	}
	if (out->starts)
		out->verdict = not_proven ? NVMX_QSTART_NOT_PROVEN : NVMX_QSTART_STARTS;
	else if (out->plan.stop == NVMX_QSTOP_NO_KVM)
		out->verdict = NVMX_QSTART_NO_KVM;
	else if (out->plan.stop == NVMX_QSTOP_ENFORCE)
		out->verdict = NVMX_QSTART_ENFORCE;
	else
		out->verdict = NVMX_QSTART_REJECTED;

	/* QEMU ends with two lines for a rejected write (error, assertion) or no KVM, one for enforce. */
	char line[512];
	out->nmessages = 0;
	while (nvmx_qemu_message(&out->plan, &out->rep, out->nmessages, line, sizeof(line)))
		out->nmessages++;
	unsigned tail = out->rep.first >= 0 ? 2 : out->plan.stop == NVMX_QSTOP_ENFORCE ? 1 :
			out->plan.stop == NVMX_QSTOP_NO_KVM ? 2 : 0;
	out->nwarnings = out->nmessages > tail ? out->nmessages - tail : 0;

	/* The flags that make it start, the versions of its model that start as they are. */
	nvmx_remedies(&out->fx, NVMX_REMEDY_QEMU | NVMX_REMEDY_VERSIONS, NULL, sc, NULL, NULL, NULL, 0);
	out->fix_drops_vmx = false;
	for (unsigned i = 0; i < out->fx.cpu_fix.n; i++)
		out->fix_drops_vmx |= out->fx.cpu_fix.item[i].feature == NVMX_F_VMX;
	out->hint_nested = sc->kvm.status == NVMX_LOAD_OK && !sc->kvm.nested;
}

/*
 * saved-msrs as qemu-check asks it: the writes of plan, in QEMU's order, on
 * a fresh vCPU of env (the VM's CPUID); rejections counted, at least 1 when
 * kvm_intel does not load there.
 */
static unsigned replay_writes(struct nvmx_result *r, const struct nvmx_qemu_env *env,
			      const struct nvmx_qemu_plan *plan)
{
	struct nvmx_vcpu vcpu;
	unsigned rejected = 0;
	nvmx_qemu_vcpu(&vcpu, env, plan);
	for (unsigned i = 0; i < plan->nwrites; i++) {
		r[i] = nvmx_vcpu_set_msr(&vcpu, plan->writes[i].index, plan->writes[i].value);
		rejected += r[i].rc != 0;
	}
	if (env->kvm->status != NVMX_LOAD_OK && !rejected)
		rejected = 1;
	return rejected;
}

/* One completion of the source (hs) and destination (hd) inputs: does the move still hold? */
static bool dest_holds(void *ctx, const struct nvmx_host *hs, const struct nvmx_host *hd)
{
	struct nvmx_qemu_dest *o = ctx;
	struct nvmx_qemu_env se, de;
	const struct nvmx_qemu_cpu *cpu = o->sc.vm.qemu_cpu;
	on_completion(&o->work.sc[0], o->work.from, hs);
	on_completion(&o->work.sc[1], &o->sc, hd);
	nvmx_scenario_qemu_env(&o->work.sc[0], &o->work.qh[0], &se);
	nvmx_scenario_qemu_env(&o->work.sc[1], &o->work.qh[1], &de);
	/* where the VM does not start on the source, there is no VM to move */
	if (o->sem == NVMX_SEM_QEMU) {
		nvmx_qemu_migrate(&o->work.m, &se, &de, cpu, NULL);
		return !o->work.m.src.starts || o->work.m.verdict == NVMX_QMIG_SAFE;
	}
	if (!nvmx_qemu_run(&se, cpu, &o->work.plan, &o->work.rep))
		return true;
	return !replay_writes(o->work.r, &de, &o->work.plan);
}

void nvmx_qemu_dest(struct nvmx_qemu_dest *out, const struct nvmx_qemu_start *src,
		    const struct nvmx_scenario *src_sc, const struct nvmx_host *h, bool hyperv_evmcs,
		    const struct nvmx_kernel *k, enum nvmx_semantics sem,
		    const struct nvmx_unknown *usrc, const struct nvmx_unknown *udst, bool same)
{
	const struct nvmx_qemu_plan *plan = &src->plan;
	struct nvmx_params p;
	/* The source's parameters, as far as release k has them; the same VM. */
	nvmx_params_for(k, &src_sc->params, &p);
	nvmx_scenario_init(&out->sc, h, hyperv_evmcs, k, &p);
	out->sc.vm = src_sc->vm;
	nvmx_scenario_qemu_env(&out->sc, &out->qh, &out->env);
	out->sem = sem;

	/* saved-msrs: the running VM's values, written to a fresh vCPU there (same CPUID). */
	out->rejected = replay_writes(out->r, &out->env, plan);

	/* qemu: a QEMU started there with the same -cpu builds the MSRs itself. */
	nvmx_qemu_migrate(&out->mig, &src->env, &out->env, src_sc->vm.qemu_cpu, NULL);
	const struct nvmx_qemu_plan *d = &out->mig.dst.plan;
	out->same_values = d->nwrites == plan->nwrites;
	for (unsigned i = 0; out->same_values && i < plan->nwrites; i++)
		out->same_values = d->writes[i].index == plan->writes[i].index &&
				   d->writes[i].value == plan->writes[i].value;
	bool holds = src->starts && (sem == NVMX_SEM_QEMU ? out->mig.verdict == NVMX_QMIG_SAFE
							  : !out->rejected);

	/* Partial inputs: the answer stands only on every completion of their unknown bits. */
	bool sp = usrc && nvmx_unknown_any(usrc, &src_sc->host);
	bool dp = udst && nvmx_unknown_any(udst, &out->sc.host);
	out->partial = sp || dp;
	out->two_sides = false;
	out->not_proven = false;
	out->pr = (struct nvmx_partial_result){ .answer = NVMX_PARTIAL_HOLDS };
	if (out->partial && holds) {
		out->two_sides = !same && sp && dp;
		out->work.from = src_sc;
		nvmx_partial_search(&out->pr, &src_sc->host, usrc, &out->sc.host, udst, same,
				    dest_holds, out);
		out->not_proven = out->pr.answer != NVMX_PARTIAL_HOLDS;
	}
	out->migratable = holds && !out->not_proven;
}

/* The saved-msrs question: the source vCPU's values into the destination's fresh QEMU vCPU. */
static void saved_msrs(struct nvmx_migration *sm, struct nvmx_vcpu *dv, struct nvmx_msrs *saved,
		       const struct nvmx_qemu_migration *m, const struct nvmx_qemu_env *denv)
{
	nvmx_vcpu_save(&m->src.vcpu, saved);
	nvmx_qemu_vcpu(dv, denv, &m->dst.plan);
	nvmx_migrate(sm, dv, saved, nvmx_order_qemu, NVMX_RESTORABLE_COUNT);
}

/* The verdict on one completion; a -cpu that does not start on the source is no VM to move. */
static bool move_holds(void *ctx, const struct nvmx_host *src, const struct nvmx_host *dst)
{
	struct nvmx_qemu_move *o = ctx;
	struct nvmx_qemu_env se, de;
	const struct nvmx_host *h[2] = { src ? src : &o->work.from[0]->host, dst };
	for (int i = 0; i < 2; i++) {
		on_completion(&o->work.sc[i], o->work.from[i], h[i]);
		nvmx_scenario_qemu_env(&o->work.sc[i], &o->work.qh[i], i ? &de : &se);
	}
	nvmx_qemu_migrate(&o->work.m, &se, &de, o->work.from[0]->vm.qemu_cpu, o->work.ns);
	if (!o->work.m.src.starts)
		return true;
	if (o->sem != NVMX_SEM_SAVED_MSRS)
		return o->work.m.verdict == NVMX_QMIG_SAFE;
	saved_msrs(&o->work.sm, &o->work.v, &o->work.saved, &o->work.m, &de);
	return o->work.sm.migratable;
}

void nvmx_qemu_move(struct nvmx_qemu_move *out, const struct nvmx_scenario *src,
		    const struct nvmx_scenario *dst, enum nvmx_semantics sem,
		    const struct nvmx_nested_state *ns, const struct nvmx_unknown *usrc,
		    const struct nvmx_unknown *udst, bool same)
{
	const struct nvmx_qemu_cpu *cpu = src->vm.qemu_cpu;
	const struct nvmx_qemu_migration *m = &out->m;
	out->sem = sem;
	nvmx_scenario_qemu_env(src, &out->sqh, &out->senv);
	nvmx_scenario_qemu_env(dst, &out->dqh, &out->denv);
	nvmx_qemu_migrate(&out->m, &out->senv, &out->denv, cpu, ns);
	bool holds;
	if (sem == NVMX_SEM_SAVED_MSRS) {
		saved_msrs(&out->sm, &out->work.v, &out->work.saved, m, &out->denv);
		holds = out->sm.migratable && m->src.starts;
	} else {
		out->sm.nwrites = 0;
		out->sm.migratable = false;
		holds = m->verdict == NVMX_QMIG_SAFE;
	}
	out->why = 0;
	if (m->verdict == NVMX_QMIG_FAILS) {
		if (!m->src.starts)
			out->why |= NVMX_QMOVE_SRC_NO_START;
		else if (!m->dst.starts)
			out->why |= NVMX_QMOVE_DST_NO_START;
		else if (m->cpuid_gone & NVMX_FEAT(NVMX_F_VMX))
			out->why |= NVMX_QMOVE_VMX_LOST;
		if (m->nested && m->ns.nbad)
			out->why |= NVMX_QMOVE_VMCS12;
	}

	/* Partial sides: the answer stands only on every completion. */
	bool sp = usrc && nvmx_unknown_any(usrc, &src->host);
	bool dp = udst && nvmx_unknown_any(udst, &dst->host);
	out->partial = sp || dp;
	out->two_sides = false;
	out->not_proven = false;
	out->pr = (struct nvmx_partial_result){ .answer = NVMX_PARTIAL_HOLDS };
	if (out->partial && holds) {
		out->two_sides = !same && sp && dp;
		out->work.from[0] = src;
		out->work.from[1] = dst;
		out->work.ns = ns;
		nvmx_partial_search(&out->pr, &src->host, usrc, &dst->host, udst, same, move_holds, out);
		out->not_proven = out->pr.answer != NVMX_PARTIAL_HOLDS;
	}
	out->ok = holds && !out->not_proven;

	/*
	 * The one remedy search, with the source: a -cpu both sides build alike,
	 * for VMs started from now on (so no nested state).  On a copy of dst,
	 * whose revoke list nvmx_remedies may recompute.
	 */
	out->fix = (struct nvmx_qemu_migrate_remedy){ .found = false, .stuck = -1 };
	if (sem == NVMX_SEM_QEMU && m->verdict != NVMX_QMIG_SAFE) {
		out->work.sc[1] = *dst;
		out->work.sc[1].vm.qemu_cpu = cpu;
		nvmx_remedies(&out->work.fx, NVMX_REMEDY_QEMU, src, &out->work.sc[1], NULL, NULL, NULL, 0);
		out->fix = out->work.fx.migrate_fix;
	}
}
