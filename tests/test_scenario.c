/* SPDX-License-Identifier: MIT */
/*
 * A program linking libnvmx reproduces the verdicts and remedies that
 * `nvmx check` (both semantics), `nvmx explain`, `nvmx upgrade` and
 * `nvmx qemu-check` print (explain's on a whole log too): the scenario API (nvmx/scenario.h) is all a VMM
 * needs for the same answers.
 *
 * Run alone (TAP): the Celeron J6412 case that was once a false MIGRATABLE,
 * from the library alone, against the facts (5.10 stuffs USR_WAIT_PAUSE into
 * a VM with WAITPKG, 6.1 does not offer it; QEMU names it
 * vmx-enable-user-wait-pause).
 *
 * With --answers: one case per line of standard input, the library's answer
 * as one JSON line each, in the field names the commands' --json uses;
 * tests/library_cli.sh feeds the same cases to the CLI and compares.
 *   check HOST FROM TO VM                  saved-msrs: nvmx_check + nvmx_remedies
 *   upgrade HOST FROM TO VM                the same pair as upgrade sees it
 *   explain HOST REL MSR VALUE VM          one write (MSR by SDM name): nvmx_explain_write
 *   qemu HOST REL SPEC [ALSO@REL SEM]      qemu-check: nvmx_qemu_start (verdict, remedies),
 *                                          with --also: nvmx_qemu_dest under semantics SEM
 *   cpu HOST FROM TO SPEC SEM              check --cpu: nvmx_qemu_move (verdict, fix)
 *   matrix POLICY HOST@REL...             the fleet's cells: nvmx_fleet_classify + nvmx_fleet_matrix,
 *                                          a partial host's cells nvmx_fleet_cell_partial
 *   log HOST FILE REL UNAME VM             a whole log (explain FILE): nvmx_explain_log;
 *                                          REL, UNAME "-" when not given
 * VM is "none" (no KVM_SET_CPUID2), "host2" (the host's CPUID, PMU v2) or
 * NAME=VALUE, a kvm_intel parameter on the destination (check --param).
 * check answers {"source_loads":false} where the CLI refuses a source
 * without a usable KVM.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "nvmx/nvmx.h"

static void jstr(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static const char *tf(bool b)
{
	return b ? "true" : "false";
}

static struct nvmx_hostfile hf;
static struct nvmx_scenario src, dst;
static struct nvmx_vcpu vcpu;
static struct nvmx_migration mig;
static struct nvmx_remedies fx;

static int load_host(const char *path)
{
	static char loaded[4096];
	struct nvmx_diag diag;
	if (!strcmp(loaded, path))
		return 0;
	memset(&diag, 0, sizeof(diag));
	if (nvmx_hostfile_read(path, &hf, &diag))
		return -1;
	snprintf(loaded, sizeof(loaded), "%s", path);
	return 0;
}

static void set_vm(struct nvmx_scenario *s, const char *vm)
{
	if (!strcmp(vm, "host2"))
		s->vm = (struct nvmx_vm){ .cpuid_set = true, .guest_features = hf.host.features,
					  .pmu_version = 2 };
}

/* A destination parameter NAME=VALUE, as --param gives it. */
static void set_param(struct nvmx_scenario *s, const char *vm)
{
	char name[64];
	const char *eq = strchr(vm, '=');
	if (!eq || (size_t)(eq - vm) >= sizeof(name))
		return;
	memcpy(name, vm, (size_t)(eq - vm));
	name[eq - vm] = 0;
	int q = nvmx_param_lookup(name);
	if (q < 0)
		return;
	s->params.val[q] = strtoll(eq + 1, NULL, 0);
	s->params.given |= UINT32_C(1) << q;
	nvmx_scenario_reload(s, NULL);
}

/* src under a, dst under b, the same host and VM. */
static void pair(const char *a, const char *b, const char *vm)
{
	nvmx_scenario_init(&src, &hf.host, false, nvmx_kernel_find(a), NULL);
	nvmx_scenario_init(&dst, &hf.host, false, nvmx_kernel_find(b), NULL);
	set_vm(&src, vm);
	set_vm(&dst, vm);
	set_param(&dst, vm);
}

static void names(const char *key, const char *const *v, unsigned n, const char *suffix)
{
	printf("\"%s\":[", key);
	for (unsigned i = 0; i < n; i++) {
		char b[128];
		snprintf(b, sizeof(b), "%s%s", v[i], suffix);
		printf("%s", i ? "," : "");
		jstr(b);
	}
	putchar(']');
}

static void releases(const char *key)
{
	printf("\"%s\":[", key);
	for (unsigned i = 0; i < fx.nreleases; i++) {
		printf("%s", i ? "," : "");
		jstr(nvmx_kernel_name(fx.releases[i]));
	}
	putchar(']');
}

static void params(const char *key)
{
	printf("\"%s\":[", key);
	for (unsigned i = 0; i < fx.nparams; i++)
		printf("%s\"%s=%lld\"", i ? "," : "", nvmx_param_name(fx.params[i].param),
		       (long long)fx.params[i].value);
	putchar(']');
}

static void rejected(const struct nvmx_migration *m, bool described)
{
	char why[1024];
	printf("\"rejected\":[");
	for (unsigned i = 0, n = 0; i < m->nwrites; i++) {
		const struct nvmx_write *w = &m->writes[i];
		if (!w->r.rc)
			continue;
		printf("%s", n++ ? "," : "");
		if (described) {
			nvmx_result_describe(&w->r, why, sizeof(why));
			jstr(why);
		} else {
			printf("{\"msr\":\"%s\",\"rule\":\"%s\"}", nvmx_msr_desc(w->id)->sdm,
			       nvmx_reason_name(w->r.reason));
		}
	}
	putchar(']');
}

static void answer_check(const char *a, const char *b, const char *vm)
{
	struct nvmx_msrs saved;
	pair(a, b, vm);
	if (!nvmx_scenario_usable(&src)) {
		printf("{\"source_loads\":false}\n");
		return;
	}
	nvmx_scenario_save(&src, &saved);
	nvmx_check(&mig, &vcpu, &dst, &saved, NULL, 0);
	printf("{\"migratable\":%s,", tf(mig.migratable));
	rejected(&mig, false);
	if (!mig.migratable) {
		nvmx_remedies(&fx, NVMX_REMEDY_ALL, &src, &dst, &saved, &mig, NULL, 0);
		printf(",\"fixes\":{");
		names("qemu_off", fx.qemu_off, fx.nqemu, "");
		printf(",\"qemu_off_sufficient\":%s,", tf(fx.qemu_off_sufficient));
		releases("releases");
		printf(",\"params_at_default\":[");
		for (unsigned i = 0, n = 0; i < fx.nparams; i++)
			if (fx.params[i].is_default)
				printf("%s\"%s\"", n++ ? "," : "", nvmx_param_name(fx.params[i].param));
		printf("],");
		params("params");
		/* the revoke list is a proposal: its remedy is marked hypothetical */
		printf(",\"policy\":%s,\"policy_hypothetical\":%s}",
		       fx.policy == NVMX_POLICY_STRICT ? "null" : "\"revoke-keep\"",
		       tf(fx.policy != NVMX_POLICY_STRICT));
	}
	printf("}\n");
}

static void answer_upgrade(const char *a, const char *b, const char *vm)
{
	struct nvmx_msrs saved;
	pair(a, b, vm);
	bool loads = nvmx_scenario_usable(&src) && nvmx_scenario_usable(&dst);
	bool ok = false, revoke = false;
	mig.nwrites = 0;
	if (loads) {
		nvmx_scenario_save(&src, &saved);
		nvmx_check(&mig, &vcpu, &dst, &saved, NULL, 0);
		ok = mig.migratable;
		if (!ok) {
			nvmx_remedies(&fx, NVMX_REMEDY_REVOKE, &src, &dst, &saved, &mig, NULL, 0);
			revoke = fx.policy != NVMX_POLICY_STRICT;
		}
	}
	printf("{\"loads\":%s,\"migratable\":%s,\"revoke_fixes\":%s,", tf(loads), tf(ok), tf(revoke));
	rejected(&mig, true);
	printf("}\n");
}

static void answer_explain(const char *rel, uint32_t index, uint64_t value, const char *vm)
{
	/* The VM and parameters as the other answers build them, given to explain as its env. */
	static struct nvmx_explanation x;
	struct nvmx_explain_env env;
	nvmx_scenario_init(&dst, &hf.host, false, nvmx_kernel_find(rel), NULL);
	set_vm(&dst, vm);
	set_param(&dst, vm);
	memset(&env, 0, sizeof(env));
	env.env.host = hf.host;
	env.env.kernel = dst.kvm.kernel;
	env.env.params = dst.params;
	env.env.cpuid_set = dst.vm.cpuid_set;
	env.env.cpuid = dst.vm.guest_features;
	env.env.pmu_version = dst.vm.pmu_version;
	nvmx_explain_write(&x, &env, index, value);
	const struct nvmx_result *r = &x.ex.r;
	printf("{\"accepted\":%s,\"rule\":\"%s\",\"offending\":\"0x%016llx\"", tf(!r->rc),
	       nvmx_reason_name(r->reason), (unsigned long long)r->bits);
	if (r->rc) {
		putchar(',');
		names("flags", x.flags, x.nflags, "=off");
		/* the value QEMU then writes, when the flags address every rule */
		if (x.fixed_valid)
			printf(",\"fixed_value\":\"0x%016llx\",\"fixed_accepted\":%s",
			       (unsigned long long)x.fixed, tf(x.fixed_ok));
		else
			printf(",\"fixed_value\":null,\"fixed_accepted\":null");
		printf(",\"releases_accepting\":[");
		for (unsigned i = 0; i < x.nreleases; i++) {
			printf("%s", i ? "," : "");
			jstr(nvmx_kernel_name(x.releases[i]));
		}
		printf("],\"params_accepting\":[");
		for (unsigned i = 0; i < x.nparams; i++)
			printf("%s\"%s=%lld\"", i ? "," : "", nvmx_param_name(x.params[i].param),
			       (long long)x.params[i].value);
		printf("],\"hint\":");
		if (x.hint)
			jstr(x.hint);
		else
			printf("null");
	}
	printf(",\"models\":");
	jstr(x.models);
	printf(",\"causes\":[");
	for (unsigned i = 0; i < x.ncauses; i++) {
		printf("%s", i ? "," : "");
		jstr(x.causes[i]);
	}
	printf("]}\n");
}

/* "0x48d" or null */
static void jindex(const char *key, bool set, uint32_t index)
{
	printf("\"%s\":", key);
	if (set)
		printf("\"0x%x\"", index);
	else
		printf("null");
}

/*
 * qemu-check -cpu SPEC --to HOST --kvm REL [--also ALSO --semantics SEM]:
 * nvmx_qemu_start (verdict, remedies) and nvmx_qemu_dest, nothing else.
 */
static int answer_qemu(const char *rel, const char *spec, const char *also, const char *sem)
{
	static struct nvmx_qemu_cpu cpu;
	static struct nvmx_qemu_start st;
	static struct nvmx_qemu_dest d;
	static struct nvmx_hostfile ahf;
	struct nvmx_error err;
	char buf[4600];
	if (nvmx_qemu_cpu_parse(&cpu, nvmx_qemu_release_default(), spec, &err))
		return -1;
	nvmx_scenario_init(&dst, &hf.host, false, nvmx_kernel_find(rel), NULL);
	dst.vm.qemu_cpu = &cpu;
	nvmx_qemu_start(&st, &dst, NULL);
	const struct nvmx_qemu_fix *fix = &st.fx.cpu_fix;
	printf("{\"starts\":%s,\"enforce_refused\":%s,", tf(st.verdict == NVMX_QSTART_STARTS),
	       tf(st.plan.stop == NVMX_QSTOP_ENFORCE));
	jindex("first_rejected", st.rep.first >= 0, st.rep.first >= 0 ? st.plan.writes[st.rep.first].index : 0);
	/* which of QEMU's writes KVM rejects, and by which rule */
	printf(",\"rejected\":[");
	for (unsigned i = 0, n = 0; i < st.plan.nwrites; i++)
		if (st.rep.r[i].rc)
			printf("%s{\"index\":\"0x%x\",\"rule\":\"%s\"}", n++ ? "," : "",
			       st.plan.writes[i].index, nvmx_reason_name(st.rep.r[i].reason));
	putchar(']');
	printf(",\"fix\":");
	if (!fix->needed) {
		printf("null");
	} else {
		printf("{\"found\":%s,\"flags\":[", tf(fix->found));
		for (unsigned i = 0; i < fix->n; i++) {
			printf("%s", i ? "," : "");
			jstr(nvmx_qemu_fix_item_str(&fix->item[i], buf, sizeof(buf)));
		}
		printf("],\"cpu\":");
		nvmx_qemu_fix_cpu_str(spec, fix->item, fix->n, buf, sizeof(buf));
		if (fix->found)
			jstr(buf);
		else
			printf("null");
		printf(",\"blocker\":");
		if (fix->blocker_set) {
			nvmx_result_describe(&fix->blocker, buf, sizeof(buf));
			jstr(buf);
		} else {
			printf("null");
		}
		printf(",\"versions_that_start\":[");
		for (unsigned i = 0; i < st.fx.nversions; i++)
			printf("%s\"%s-v%u\"", i ? "," : "", cpu.model->name, st.fx.versions[i]);
		printf("]}");
	}
	printf(",\"also\":[");
	const char *at = also ? strrchr(also, '@') : NULL;
	if (at) {
		struct nvmx_diag diag;
		int sv = nvmx_semantics_parse(sem);
		snprintf(buf, sizeof(buf), "%.*s", (int)(at - also), also);
		memset(&diag, 0, sizeof(diag));
		if (sv < 0 || !nvmx_kernel_find(at + 1) || nvmx_hostfile_read(buf, &ahf, &diag))
			return -1;
		nvmx_qemu_dest(&d, &st, &dst, &ahf.host, false, nvmx_kernel_find(at + 1),
			       (enum nvmx_semantics)sv, NULL, NULL, false);
		printf("{\"migratable\":%s,\"qemu_verdict\":\"%s\",\"same_cpu_starts\":%s,"
		       "\"same_cpu_same_values\":%s,\"rejected\":[", tf(d.migratable),
		       nvmx_qmig_verdict_name(d.mig.verdict), tf(d.mig.dst.rep.starts), tf(d.same_values));
		for (unsigned i = 0, n = 0; i < st.plan.nwrites; i++)
			if (d.r[i].rc)
				printf("%s\"0x%x\"", n++ ? "," : "", st.plan.writes[i].index);
		printf("]}");
	}
	printf("]}\n");
	return 0;
}

/* check --cpu SPEC, either semantics: nvmx_qemu_move. */
static int answer_cpu(const char *a, const char *b, const char *spec, const char *sem)
{
	static struct nvmx_qemu_cpu cpu;
	static struct nvmx_qemu_move mv;
	struct nvmx_error err;
	char buf[4600];
	int sv = nvmx_semantics_parse(sem);
	if (sv < 0 || nvmx_qemu_cpu_parse(&cpu, nvmx_qemu_release_default(), spec, &err))
		return -1;
	pair(a, b, "none");
	src.vm.qemu_cpu = dst.vm.qemu_cpu = &cpu;
	nvmx_qemu_move(&mv, &src, &dst, (enum nvmx_semantics)sv, NULL, NULL, NULL, true);
	if (sv == NVMX_SEM_SAVED_MSRS) {
		printf("{\"source_starts\":%s,\"migratable\":%s}\n", tf(mv.m.src.starts), tf(mv.ok));
		return 0;
	}
	printf("{\"verdict\":\"%s\",\"fix\":", nvmx_qmig_verdict_name(mv.m.verdict));
	if (mv.m.verdict == NVMX_QMIG_SAFE || !mv.fix.found) {
		printf("null}\n");
		return 0;
	}
	nvmx_qemu_fix_cpu_str(spec, mv.fix.item, mv.fix.n, buf, sizeof(buf));
	printf("{\"cpu\":");
	jstr(buf);
	printf("}}\n");
	return 0;
}

/*
 * The difference keys of a would-fail list, in their ranked order, and each
 * one's fixes as explain lists them: the way back, the -cpu flags, the
 * releases that accept it even then.
 */
static void ranking(const struct nvmx_would_fail *wf, const struct nvmx_probe *p)
{
	char key[4096], fix[512];
	printf("\"ranking\":[");
	for (unsigned i = 0; i < wf->n; i++) {
		nvmx_env_change_key(&wf->c[i], key, sizeof(key));
		printf("%s", i ? "," : "");
		jstr(key);
	}
	printf("],\"fixes\":[");
	for (unsigned i = 0; i < wf->n; i++) {
		const struct nvmx_env_change *c = &wf->c[i];
		nvmx_env_change_fix(c, fix, sizeof(fix));
		printf("%s[", i ? "," : "");
		jstr(fix);
		if (nvmx_env_change_cpu_flags(c, p, fix, sizeof(fix)))
			printf(",\"-cpu ...,%s\"", fix);
		bool any = false;
		for (unsigned k = 0; k < nvmx_kernel_count() && k < NVMX_ENV_MAX_RELEASES; k++)
			if ((c->releases_ok[k / 64] >> (k % 64)) & 1) {
				printf("%s%s", any ? " " : ",\"KVM ", nvmx_kernel_name(nvmx_kernel_at(k)));
				any = true;
			}
		printf("%s]", any ? "\"" : "");
	}
	putchar(']');
}

static void keys(const char *name, const char (*k)[NVMX_EXPLAIN_KEY], unsigned n)
{
	printf("\"%s\":[", name);
	for (unsigned i = 0; i < n; i++) {
		printf("%s", i ? "," : "");
		jstr(k[i]);
	}
	putchar(']');
}

/*
 * A whole log as `nvmx explain FILE` answers it, from nvmx_explain_log: the
 * kernel chosen (REL "-": from UNAME, else the log's), each write's verdict
 * and remedies, each ranking, the answer's causes.
 */
static int answer_log(const char *file, const char *rel, const char *uname, const char *vm)
{
	static struct nvmx_explain_request req;
	static struct nvmx_log_explanation x;
	struct nvmx_param_arg param;
	struct nvmx_diag diag;
	struct nvmx_error err;
	memset(&req, 0, sizeof(req));
	memset(&diag, 0, sizeof(diag));
	char *text = nvmx_log_read(file, &req.len, &diag);
	if (!text)
		return -1;
	req.text = text;
	req.env.host = hf.host;
	req.env.kernel = strcmp(rel, "-") ? nvmx_kernel_find(rel) : NULL;
	req.uname = strcmp(uname, "-") ? uname : NULL;
	if (!strcmp(vm, "host2")) {
		req.env.cpuid_set = true;
		req.env.cpuid = hf.host.features;
		req.env.pmu_version = 2;
	} else if (strchr(vm, '=')) {
		param = (struct nvmx_param_arg){ vm, (size_t)(strchr(vm, '=') - vm), strchr(vm, '=') + 1 };
		req.params = &param;
		req.nparams = 1;
	}
	enum nvmx_explain_status st = nvmx_explain_log(&x, &req, &err);
	free(text);
	if (st) {	/* the CLI refuses it too (no JSON) */
		printf("{\"refused\":true}\n");
		return 0;
	}
	printf("{\"kernel\":");
	jstr(nvmx_kernel_name(x.kernel));
	printf(",\"uname\":");
	if (x.uname)
		jstr(x.uname);
	else
		printf("null");
	printf(",\"kernel_modelled\":%s,\"kernel_nearest\":%s,\"writes\":[", tf(!x.not_modelled),
	       tf(x.kernel_nearest));
	for (unsigned i = 0; i < x.nwrites; i++) {
		const struct nvmx_explanation *w = &x.writes[i];
		printf("%s{\"index\":\"0x%x\",\"line\":%u,\"accepted\":%s,\"rule\":\"%s\",", i ? "," : "",
		       w->index, x.line[i], tf(!w->ex.r.rc), nvmx_reason_name(w->ex.r.reason));
		names("flags", w->flags, w->nflags, "=off");
		printf(",\"releases_accepting\":[");
		for (unsigned k = 0; k < w->nreleases; k++) {
			printf("%s", k ? "," : "");
			jstr(nvmx_kernel_name(w->releases[k]));
		}
		printf("],\"params_accepting\":[");
		for (unsigned k = 0; k < w->nparams; k++)
			printf("%s\"%s=%lld\"", k ? "," : "", nvmx_param_name(w->params[k].param),
			       (long long)w->params[k].value);
		printf("],");
		struct nvmx_probe p = { .index = w->index, .value = w->value,
					.id = (enum nvmx_msr_id)(w->index - NVMX_MSR_BASE) };
		ranking(&w->wf, &p);
		putchar(',');
		keys("causes", w->causes, w->ncauses);
		putchar('}');
	}
	printf("],\"features\":[");
	bool first = true;
	for (size_t e = 0; e < x.nevents; e++) {
		const struct nvmx_feature_explanation *f = &x.features[e];
		if (x.events[e].kind != NVMX_EV_FEATURE)
			continue;
		printf("%s{\"msr\":\"0x%x\",\"bit\":%u,\"offered_here\":%s,", first ? "" : ",",
		       x.events[e].index, x.events[e].bit,
		       !f->probed ? "null" : f->offered ? "true" : "false");
		ranking(&f->wf, &f->p);
		putchar('}');
		first = false;
	}
	printf("],\"out_of_scope\":[");
	first = true;
	for (size_t e = 0; e < x.nevents; e++) {
		const struct nvmx_event *ev = &x.events[e];
		if (ev->kind != NVMX_EV_SET_MSR || (ev->index >= NVMX_MSR_BASE &&
						     ev->index < NVMX_MSR_BASE + NVMX_MSR_COUNT))
			continue;
		printf("%s{\"index\":\"0x%x\",\"name\":", first ? "" : ",", ev->index);
		if (nvmx_other_msr_name(ev->index))
			jstr(nvmx_other_msr_name(ev->index));
		else
			printf("null");
		putchar('}');
		first = false;
	}
	printf("],\"accepted\":%s,", tf(x.all_accepted));
	keys("causes", x.causes, x.ncauses);
	printf("}\n");
	return 0;
}

/*
 * matrix POLICY HOST@REL...: the fleet's cells and host pairs as `nvmx matrix
 * --policy POLICY --json` gives them (one host per distinct HOST@REL, no VM
 * properties): classes (nvmx_fleet_classify) and nvmx_fleet_matrix.
 */
#define MX_MAX 32
static int answer_matrix(char *args)
{
	static struct nvmx_hostfile mh[MX_MAX];
	static struct nvmx_fleet_host fh[MX_MAX];
	static struct nvmx_target targets[MX_MAX];
	static const enum nvmx_policy pols[] = { NVMX_POLICY_STRICT, NVMX_POLICY_REVOKE_KEEP,
						  NVMX_POLICY_REVOKE_CLEAR };
	static const char *const names[] = { "strict", "revoke-keep", "revoke-clear" };
	struct nvmx_fleet_class sc[MX_MAX], dc[MX_MAX];
	unsigned src_of[MX_MAX], dst_of[MX_MAX], table[4 * MX_MAX];
	unsigned long long weight[MX_MAX];
	unsigned char cells[MX_MAX * MX_MAX];
	struct nvmx_fleet_matrix_counts cnt;
	struct nvmx_diag diag;
	const char *path[MX_MAX];
	unsigned n = 0, k = 3;
	char *save = NULL, *pol = strtok_r(args, " \n", &save);
	for (unsigned i = 0; pol && i < 3; i++)
		if (!strcmp(pol, names[i]))
			k = i;
	if (k == 3)
		return -1;
	for (char *t = strtok_r(NULL, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		char *at = strrchr(t, '@');
		const struct nvmx_kernel *kern;
		if (n == MX_MAX || !at)
			return -1;
		*at = 0;
		path[n] = t;
		memset(&diag, 0, sizeof(diag));
		if (!(kern = nvmx_kernel_find(at + 1)) || nvmx_hostfile_read(t, &mh[n], &diag))
			return -1;
		nvmx_fleet_host_init(&fh[n], &mh[n].host, kern, NULL, NULL);
		if (pols[k] != NVMX_POLICY_STRICT)
			nvmx_fleet_host_revoke(&fh[n]);
		weight[n++] = 1;
	}
	unsigned ns = nvmx_fleet_classify(fh, weight, n, NVMX_CLASS_OFFER, pols[k], table, 4 * MX_MAX,
					  sc, src_of);
	unsigned nd = nvmx_fleet_classify(fh, weight, n, NVMX_CLASS_RESTORE, pols[k], table, 4 * MX_MAX,
					  dc, dst_of);
	nvmx_fleet_matrix(cells, &cnt, fh, sc, ns, dc, nd, pols[k], targets, NULL, NULL);
	/* A partial host (cpuinfo, vmxcap): a cell stands only on every completion. */
	static struct nvmx_fleet_cell_work w;
	static struct nvmx_partial_result pr;
	struct nvmx_unknown u[MX_MAX];
	for (unsigned i = 0; i < n; i++) {
		memset(&u[i], 0, sizeof(u[i]));
		if (mh[i].partial) {
			memcpy(u[i].msr, mh[i].unknown, sizeof(u[i].msr));
			u[i].features = mh[i].unknown_features;
		}
	}
	printf("{\"pairs\":%llu,\"migratable\":", cnt.pairs);
	unsigned long long ok = cnt.ok;
	char marks[MX_MAX][MX_MAX + 1];
	for (unsigned a = 0; a < n; a++) {
		for (unsigned b = 0; b < n; b++) {
			unsigned char c = cells[src_of[a] * nd + dst_of[b]];
			bool pa = nvmx_unknown_any(&u[a], &mh[a].host), pb = nvmx_unknown_any(&u[b], &mh[b].host);
			if ((pa || pb) && c != NVMX_CELL_NA) {
				w.src_kernel = fh[a].s.kvm.kernel, w.dst_kernel = fh[b].s.kvm.kernel;
				w.src_params = &fh[a].s.params, w.dst_params = &fh[b].s.params;
				w.vm = NULL, w.policy = pols[k];
				unsigned char p = (unsigned char)nvmx_fleet_cell_partial(
					&pr, &w, (enum nvmx_fleet_cell)c, &mh[a].host, &u[a], &mh[b].host, &u[b],
					pa && pb && !strcmp(path[a], path[b]));
				ok -= c == NVMX_CELL_YES && p == NVMX_CELL_NOT_PROVEN;
				c = p;
			}
			marks[a][b] = nvmx_fleet_cell_mark(&c, &pols[k], 1);
		}
		marks[a][n] = 0;
	}
	printf("%llu,\"matrix\":[", ok);
	for (unsigned a = 0; a < n; a++)
		printf("%s\"%s\"", a ? "," : "", marks[a]);
	printf("]}\n");
	return 0;
}

/* One case per line; an unreadable case is a line "null" (the comparison fails). */
static int answers(void)
{
	char line[4096];
	while (fgets(line, sizeof(line), stdin)) {
		char kind[16], host[2048], a[128], b[128], c[1024], d[64];
		int rc = -1, n = sscanf(line, "%15s %2047s %127s %127s %1023s %63s", kind, host, a, b, c, d);
		if (!strncmp(line, "matrix ", 7))
			rc = answer_matrix(line + 7);
		else if (n >= 4 && !load_host(host)) {
			if (!strcmp(kind, "check") && n == 5)
				rc = (answer_check(a, b, c), 0);
			else if (!strcmp(kind, "upgrade") && n == 5)
				rc = (answer_upgrade(a, b, c), 0);
			else if (!strcmp(kind, "explain") && n == 6 && nvmx_msr_lookup(b))
				rc = (answer_explain(a, nvmx_msr_lookup(b)->index, strtoull(c, NULL, 0), d), 0);
			else if (!strcmp(kind, "qemu") && n == 4)
				rc = answer_qemu(a, b, NULL, NULL);
			else if (!strcmp(kind, "qemu") && n == 6)
				rc = answer_qemu(a, b, c, d);
			else if (!strcmp(kind, "cpu") && n == 6)
				rc = answer_cpu(a, b, c, d);
			else if (!strcmp(kind, "log") && n == 6)
				rc = answer_log(a, b, c, d);
		}
		if (rc)
			printf("null\n");
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char j6412[] = "data/hosts/intel-celeron-j6412.msrs";
	struct nvmx_msrs saved;

	if (argc > 1 && !strcmp(argv[1], "--answers"))
		return answers();

	/* The J6412: 5.10's VM with the host's CPUID has waitpkg's control, 6.1 lacks it. */
	if (load_host(j6412)) {
		tap_ok(0, "read %s", j6412);
		printf("1..%d\n", tap_n);
		return 1;
	}
	pair("5.10", "6.1", "host2");
	nvmx_scenario_save(&src, &saved);
	nvmx_check(&mig, &vcpu, &dst, &saved, NULL, 0);
	bool wait_pause = false;
	for (unsigned i = 0; i < mig.nwrites; i++)
		wait_pause |= mig.writes[i].id == NVMX_PROCBASED2 && mig.writes[i].r.rc &&
			      mig.writes[i].r.bits == UINT64_C(1) << (32 + 26);
	tap_ok(!mig.migratable && wait_pause,
	       "J6412 5.10 -> 6.1 with the host's CPUID: not migratable, USR_WAIT_PAUSE rejected");
	nvmx_remedies(&fx, NVMX_REMEDY_ALL, &src, &dst, &saved, &mig, NULL, 0);
	/* No release before 6.1 (by date; 6.0.19 came later) offered the control:
	 * only 5.10's CPUID stuffing put it there, so the revoke list lacks it. */
	tap_ok(fx.nqemu == 1 && !strcmp(fx.qemu_off[0], "vmx-enable-user-wait-pause") &&
	       fx.qemu_off_sufficient && fx.policy == NVMX_POLICY_STRICT,
	       "... remedies: vmx-enable-user-wait-pause=off suffices, the revoke list does not accept it");
	/* QEMU turns a free control off by clearing its allowed-1 bit: the value it then writes */
	tap_ok(!(fx.qemu_values.val[NVMX_PROCBASED2] & (UINT64_C(1) << (32 + 26))) &&
	       (fx.qemu_values.val[NVMX_PROCBASED2] | (UINT64_C(1) << (32 + 26))) == saved.val[NVMX_PROCBASED2],
	       "... the value QEMU then writes lacks only that control");
	/* Without the VM's CPUID (no KVM_SET_CPUID2) 5.10 does not stuff it: migratable. */
	pair("5.10", "6.1", "none");
	nvmx_scenario_save(&src, &saved);
	nvmx_check(&mig, &vcpu, &dst, &saved, NULL, 0);
	tap_ok(mig.migratable, "... the same VM without KVM_SET_CPUID2: migratable");
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
