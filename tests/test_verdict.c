/* SPDX-License-Identifier: MIT */
/*
 * The compiled verdict (nvmx_target_compile/check) against the restore model
 * and the kernel:
 *  1. every conformance case that writes to a vCPU (restore, cross, cpuid,
 *     guestread): for each prefix of its writes, the compiled verdict, the
 *     model's (nvmx_migrate) and the kernel's (every write of the prefix
 *     accepted) are the same;
 *  2. random hosts and dumps, every release, random parameters, guest CPUID,
 *     PMU, quirks, vCPU state, policy and write order, saved sets from other
 *     releases and hosts with bits and fields disturbed: compiled == model.
 * Cases live in conformance/cases (NVMX_CASES to override), run from the
 * repository root.
 */
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include "nvmx/nvmx.h"
#include "../io/json.h"
#include "hostgen.h"
#include "tap.h"

static bool model_verdict(const struct nvmx_vcpu *vcpu, const struct nvmx_msrs *saved,
			  const enum nvmx_msr_id *order, unsigned n)
{
	struct nvmx_vcpu v = *vcpu;
	struct nvmx_migration m;
	nvmx_migrate(&m, &v, saved, order ? order : nvmx_order_qemu,
		     order ? n : NVMX_RESTORABLE_COUNT);
	return m.migratable;
}

/* ---- 1. the conformance cases ------------------------------------------------ */

#define MAX_HOSTS 512
static struct { char name[128]; struct nvmx_hostfile hf; bool ok; } hosts[MAX_HOSTS];
static unsigned nhosts;

static const struct nvmx_hostfile *host_named(const char *name)
{
	for (unsigned i = 0; i < nhosts; i++)
		if (!strcmp(hosts[i].name, name))
			return hosts[i].ok ? &hosts[i].hf : NULL;
	if (nhosts == MAX_HOSTS)
		return NULL;
	unsigned i = nhosts++;
	snprintf(hosts[i].name, sizeof(hosts[i].name), "%s", name);
	static const char *const dirs[] = { "data/hosts", "conformance/hosts" };
	for (unsigned d = 0; d < 2 && !hosts[i].ok; d++) {
		char path[512];
		struct nvmx_diag diag;
		snprintf(path, sizeof(path), "%s/%s", dirs[d], name);
		hosts[i].ok = nvmx_hostfile_read(path, &hosts[i].hf, &diag) == 0;
	}
	return hosts[i].ok ? &hosts[i].hf : NULL;
}

/* --guest-cpuid SPEC as the CLI reads it: host | none | empty, then ,+flag / ,-flag. */
static int guest_features(const char *spec, const struct nvmx_hostfile *hf, uint64_t *f)
{
	size_t len = strcspn(spec, ",");
	if (len == 4 && !strncmp(spec, "host", 4))
		*f = hf->host.features;
	else if (len == 4 && !strncmp(spec, "none", 4))
		*f = NVMX_FEAT(NVMX_F_VMX);
	else if (len == 5 && !strncmp(spec, "empty", 5))
		*f = 0;
	else
		return -1;
	for (spec += len; *spec == ','; spec += len) {
		bool add = *++spec == '+';
		char name[64];
		len = strcspn(++spec, ",");
		if (len >= sizeof(name))
			return -1;
		memcpy(name, spec, len);
		name[len] = 0;
		int feat = nvmx_feature_lookup(name);
		if (feat >= 0)
			*f = add ? *f | NVMX_FEAT(feat) : *f & ~NVMX_FEAT(feat);
	}
	return 0;
}

static bool str_of(const struct json_node *v, char *out, size_t n)
{
	return json_str_copy(v, out, n) >= 0;
}

struct tally {
	unsigned long cases, prefixes, fast, slow, accepted, refused, disagree, skipped;
};

/* One case line; false when it cannot be set up (counted as skipped, reported). */
static bool one_case(const struct json_node *c, struct tally *t)
{
	char kname[32], hname[128], buf[128];
	const struct nvmx_kernel *k;
	const struct nvmx_hostfile *hf;
	if (!str_of(json_get(c, "kernel"), kname, sizeof(kname)) || !(k = nvmx_kernel_find(kname)) ||
	    !str_of(json_get(c, "host"), hname, sizeof(hname)) || !(hf = host_named(hname)))
		return false;
	struct nvmx_params p;
	nvmx_params_default(k, &p);
	const struct json_node *pp = json_get(c, "params_requested");
	if (!pp)
		pp = json_get(c, "params");
	for (const struct json_node *e = json_child(pp); e; e = json_next(e)) {
		char key[64];
		if (json_key_copy(e, key, sizeof(key)) < 0 || !str_of(e, buf, sizeof(buf)) ||
		    nvmx_params_set(k, &p, key, buf, NULL))
			return false;
	}
	const struct json_node *env = json_get(c, "env");
	int64_t num = 0;
	bool evmcs = json_int64(json_get(env, "hyperv_evmcs"), &num) == 0 && num;
	static struct nvmx_scenario sc;
	nvmx_scenario_init(&sc, &hf->host, evmcs, k, &p);
	if (json_get(env, "guest_cpuid")) {
		if (!str_of(json_get(env, "guest_cpuid"), buf, sizeof(buf)) ||
		    guest_features(buf, hf, &sc.vm.guest_features))
			return false;
		sc.vm.cpuid_set = true;
	}
	if (json_int64(json_get(env, "pmu_version"), &num) == 0)
		sc.vm.pmu_version = (unsigned)num;
	if (str_of(json_get(env, "disable_quirks"), buf, sizeof(buf)))
		sc.vm.quirks_disabled = strtoull(buf, NULL, 0);
	struct nvmx_vcpu vcpu;
	nvmx_scenario_vcpu(&sc, &vcpu);

	const struct json_node *w = json_get(c, "writes");
	struct nvmx_msrs saved = { { 0 }, 0 };
	enum nvmx_msr_id order[NVMX_TARGET_MAX_ORDER];
	unsigned n = 0;
	bool kernel_ok = true;
	t->cases++;
	for (const struct json_node *e = json_child(w); e && n < NVMX_TARGET_MAX_ORDER; e = json_next(e)) {
		uint64_t idx, val;
		if (!str_of(json_get(e, "index"), buf, sizeof(buf)))
			return false;
		idx = strtoull(buf, NULL, 16);
		if (!str_of(json_get(e, "value"), buf, sizeof(buf)))
			return false;
		val = strtoull(buf, NULL, 16);
		if (idx < NVMX_MSR_BASE || idx >= NVMX_MSR_BASE + NVMX_MSR_COUNT)
			return false;
		enum nvmx_msr_id id = (enum nvmx_msr_id)(idx - NVMX_MSR_BASE);
		/* A prefix that writes an MSR again keeps the value of its last write. */
		nvmx_msrs_set(&saved, id, val);
		order[n++] = id;
		kernel_ok &= json_bool(json_get(e, "accepted"));
		struct nvmx_target tg;
		nvmx_target_compile(&tg, &vcpu, order, n);
		bool fast = nvmx_target_check(&tg, &saved), model = model_verdict(&vcpu, &saved, order, n);
		/* A repeated MSR: the saved set holds one value, the kernel saw two writes. */
		bool repeated = false;
		for (unsigned i = 0; i + 1 < n; i++)
			repeated |= order[i] == id;
		t->prefixes++;
		tg.slow ? t->slow++ : t->fast++;
		fast ? t->accepted++ : t->refused++;
		if (fast != model || (!repeated && !tg.slow && fast != kernel_ok)) {
			if (t->disagree++ < 5) {
				char cname[160] = "";
				str_of(json_get(c, "case"), cname, sizeof(cname));
				tap_diag("%s %s %s, %u writes: compiled %d, model %d, kernel %d", kname, hname,
					 cname, n, fast, model, kernel_ok);
			}
		}
		if (repeated)
			break;	/* later prefixes would need both values */
	}
	return true;
}

static void conformance(void)
{
	const char *dir = getenv("NVMX_CASES");
	if (!dir || !*dir)
		dir = "conformance/cases";
	static const char *const kinds[] = { "restore-", "cross-", "cpuid-", "guestread-" };
	struct tally t = { 0 };
	unsigned files = 0;
	DIR *d = opendir(dir);
	if (!tap_ok(d != NULL, "conformance cases in %s", dir))
		return;
	size_t cap = 1 << 16;
	struct json_node *pool = malloc(cap * sizeof(*pool));
	struct dirent *e;
	while ((e = readdir(d))) {
		bool want = false;
		for (unsigned i = 0; i < 4; i++)
			want |= !strncmp(e->d_name, kinds[i], strlen(kinds[i]));
		size_t l = strlen(e->d_name);
		if (!want || l < 6 || strcmp(e->d_name + l - 6, ".jsonl"))
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		files++;
		char *line = NULL;
		size_t lcap = 0;
		ssize_t len;
		unsigned long lineno = 0;
		while ((len = getline(&line, &lcap, f)) > 0) {
			struct json_error err;
			lineno++;
			const struct json_node *c = json_parse(line, (size_t)len, pool, cap, &err);
			if (!c || !one_case(c, &t)) {
				if (t.skipped++ < 5)
					tap_diag("%s:%lu: cannot set this case up", path, lineno);
			}
		}
		free(line);
		fclose(f);
	}
	closedir(d);
	free(pool);
	tap_ok(t.skipped == 0, "every case of %u files set up (%lu cases)", files, t.cases);
	tap_ok(t.disagree == 0 && t.prefixes > 100000,
	       "%lu write prefixes: compiled verdict == restore model == kernel (%lu compiled, "
	       "%lu by the model; %lu migratable, %lu not)", t.prefixes, t.fast, t.slow, t.accepted,
	       t.refused);
	tap_ok(t.accepted > 1000 && t.refused > 1000 && t.fast > t.slow,
	       "both verdicts are common, and most prefixes take the compiled path");
}

/* ---- 2. random inputs ---------------------------------------------------------- */

static const char *const param_changes[] = {
	"ept=0", "vpid=0", "unrestricted_guest=0", "enable_apicv=0", "preemption_timer=0",
	"nested=0", "eptad=0", "pml=0", "flexpriority=0", "enable_pmu=0",
};

static void random_scenario(struct hg_rng *r, struct nvmx_scenario *s, struct nvmx_host *h,
			    const struct nvmx_hostfile *dumps, size_t ndumps)
{
	if (ndumps && hg_chance(r, 60))
		*h = dumps[hg_below(r, (unsigned)ndumps)].host;
	else
		hg_random_host(r, h);
	const struct nvmx_kernel *k = nvmx_kernel_at(hg_below(r, nvmx_kernel_count()));
	struct nvmx_params p;
	nvmx_params_default(k, &p);
	while (hg_chance(r, 25)) {
		char nv[64];
		snprintf(nv, sizeof(nv), "%s", param_changes[hg_below(r, 10)]);
		char *eq = strchr(nv, '=');
		*eq = 0;
		nvmx_params_set(k, &p, nv, eq + 1, NULL);	/* not every release has every one */
	}
	nvmx_scenario_init(s, h, hg_chance(r, 15), k, &p);
}

static void disturb(struct hg_rng *r, struct nvmx_msrs *m)
{
	unsigned n = hg_below(r, 4);
	for (unsigned i = 0; i < n; i++) {
		enum nvmx_msr_id id = (enum nvmx_msr_id)hg_below(r, NVMX_MSR_COUNT);
		uint64_t v = nvmx_msrs_get(m, id);
		switch (hg_below(r, 6)) {
		case 0:	/* VMCS size one either side */
			id = NVMX_BASIC;
			v = nvmx_msrs_get(m, id);
			v = hg_chance(r, 50) ? v + (UINT64_C(1) << 32) : v - (UINT64_C(1) << 32);
			break;
		case 1:	/* MISC counts and timer rate */
			id = NVMX_MISC;
			v = nvmx_msrs_get(m, id) ^ ((uint64_t)hg_below(r, 8) << 25 | (uint64_t)hg_below(r, 4) << 16 |
						    hg_below(r, 3));
			break;
		case 2:	/* the preemption-timer control */
			id = NVMX_TRUE_PINBASED;
			v = nvmx_msrs_get(m, id) ^ (UINT64_C(1) << 38);
			break;
		default:
			v ^= UINT64_C(1) << hg_below(r, 64);
		}
		nvmx_msrs_set(m, id, v);
	}
	if (hg_chance(r, 10))
		m->present &= (uint32_t)hg_next(r);
}

static void random_inputs(void)
{
	struct hg_rng r = { UINT64_C(0x7665726469637421) };
	size_t nnames = 0;
	char **names = hg_list_dumps(&nnames);
	struct nvmx_hostfile *dumps = calloc(nnames ? nnames : 1, sizeof(*dumps));
	size_t ndumps = 0;
	for (size_t i = 0; i < nnames; i++)
		if (!hg_read_dump(names[i], &dumps[ndumps]))
			ndumps++;
	hg_free_list(names, nnames);
	tap_ok(ndumps > 100, "%zu bundled dumps read", ndumps);

	static struct nvmx_scenario dst, src;
	struct nvmx_host hd, hs;
	unsigned long runs = 0, bad = 0, fast = 0, yes = 0, no = 0, timer_rule = 0;
	for (unsigned i = 0; i < 6000; i++) {
		random_scenario(&r, &dst, &hd, dumps, ndumps);
		if (hg_chance(&r, 40)) {
			dst.vm.cpuid_set = true;
			dst.vm.guest_features = hd.features ^ (hg_chance(&r, 30) ? hg_next(&r) & hg_next(&r) : 0);
			if (hg_chance(&r, 5))
				dst.vm.guest_features &= ~NVMX_FEAT(NVMX_F_VMX);
			dst.vm.pmu_version = hg_below(&r, 3);
		}
		if (hg_chance(&r, 10))
			dst.vm.quirks_disabled = NVMX_QUIRK_STUFF_FEATURE_MSRS;
		if (hg_chance(&r, 15))
			dst.state = (uint32_t)hg_below(&r, 32);
		dst.policy = (enum nvmx_policy)hg_below(&r, 3);
		struct nvmx_vcpu v;
		nvmx_scenario_vcpu(&dst, &v);

		enum nvmx_msr_id order[NVMX_TARGET_MAX_ORDER];
		unsigned n = 0;
		const enum nvmx_msr_id *ord = NULL;
		switch (hg_below(&r, 4)) {
		case 0:
			ord = nvmx_order_ascending;
			n = NVMX_RESTORABLE_COUNT;
			break;
		case 1:	/* a random order of a random subset of all 20, now and then one twice */
			for (unsigned id = 0; id < NVMX_MSR_COUNT; id++)
				if (hg_chance(&r, 70))
					order[n++] = (enum nvmx_msr_id)id;
			for (unsigned j = n; j > 1; j--) {
				unsigned x = hg_below(&r, j);
				enum nvmx_msr_id tmp = order[j - 1];
				order[j - 1] = order[x];
				order[x] = tmp;
			}
			if (n && hg_chance(&r, 10)) {
				order[n] = order[hg_below(&r, n)];
				n++;
			}
			ord = order;
			break;
		default:
			break;	/* QEMU's */
		}
		struct nvmx_target t;
		nvmx_target_compile(&t, &v, ord, n);
		for (unsigned s = 0; s < 8; s++) {
			struct nvmx_msrs saved;
			if (s == 0) {
				nvmx_scenario_save(&dst, &saved);
			} else {
				random_scenario(&r, &src, &hs, dumps, ndumps);
				nvmx_scenario_save(&src, &saved);
				if (hg_chance(&r, 30))
					nvmx_scenario_save(&dst, &saved);
			}
			if (s > 1)
				disturb(&r, &saved);
			bool f = nvmx_target_check(&t, &saved), m = model_verdict(&v, &saved, ord, n);
			runs++;
			fast += !t.slow;
			f ? yes++ : no++;
			timer_rule += !t.slow && (saved.present >> NVMX_MISC & 1) &&
				      (t.pin_first ? nvmx_hi(saved.val[NVMX_TRUE_PINBASED]) >> 6 & 1
						   : t.timer_initially);
			if (f != m && bad++ < 5)
				tap_diag("case %u/%u: %s, state 0x%x, policy %d: compiled %d, model %d", i, s,
					 nvmx_kernel_name(dst.kvm.kernel), dst.state, dst.policy, f, m);
		}
	}
	tap_ok(bad == 0, "%lu random saved sets: compiled verdict == restore model (%lu compiled; "
	       "%lu migratable, %lu not)", runs, fast, yes, no);
	tap_ok(yes > 2000 && no > 2000 && fast > runs / 2 && timer_rule > 1000,
	       "both verdicts common, most compiled, the timer-rate rule live in %lu", timer_rule);
	free(dumps);
}

int main(void)
{
	conformance();
	random_inputs();
	return tap_done();
}
