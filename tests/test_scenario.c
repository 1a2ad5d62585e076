/* SPDX-License-Identifier: MIT */
/*
 * A program linking libnvmx reproduces the verdicts and remedies that
 * `nvmx check`, `nvmx explain` and `nvmx upgrade` print: the scenario API (nvmx/scenario.h)
 * is all a VMM needs for the same answers.  For a few hosts, every
 * consecutive pair of releases and two VMs (no CPUID; the host's CPUID with
 * PMU v2), the library's answer is compared with the CLI's JSON; the
 * comparison must see both verdicts and non-empty remedies to count.  And the
 * Celeron J6412 case that was once a false MIGRATABLE, from the library alone.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "nvmx/nvmx.h"

static const char *nvmx_bin;

static void run(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");
	size_t len = p ? fread(out, 1, n - 1, p) : 0;
	out[len] = 0;
	if (p)
		pclose(p);
}

static void append(char *buf, size_t n, const char *s)
{
	size_t l = strlen(buf);
	snprintf(buf + l, n - l, "%s", s);
}

/* The "fixes" object check --json prints, from the library's remedies. */
static void fixes_json(const struct nvmx_remedies *fx, char *b, size_t n)
{
	b[0] = 0;
	append(b, n, "\"fixes\":{\"qemu_off\":[");
	for (unsigned i = 0; i < fx->nqemu; i++) {
		append(b, n, i ? ",\"" : "\"");
		append(b, n, fx->qemu_off[i]);
		append(b, n, "\"");
	}
	append(b, n, fx->qemu_off_sufficient ? "],\"qemu_off_sufficient\":true,\"releases\":["
					     : "],\"qemu_off_sufficient\":false,\"releases\":[");
	for (unsigned i = 0; i < fx->nreleases; i++) {
		append(b, n, i ? ",\"" : "\"");
		append(b, n, nvmx_kernel_name(fx->releases[i]));
		append(b, n, "\"");
	}
	append(b, n, "],\"params_at_default\":[");
	for (unsigned i = 0, k = 0; i < fx->nparams; i++)
		if (fx->params[i].is_default) {
			append(b, n, k++ ? ",\"" : "\"");
			append(b, n, nvmx_param_name(fx->params[i].param));
			append(b, n, "\"");
		}
	append(b, n, "],\"params\":[");
	for (unsigned i = 0; i < fx->nparams; i++) {
		char one[96];
		snprintf(one, sizeof(one), "%s\"%s=%lld\"", i ? "," : "",
			 nvmx_param_name(fx->params[i].param), (long long)fx->params[i].value);
		append(b, n, one);
	}
	/* the revoke list is a proposal: its remedy is marked hypothetical */
	append(b, n, fx->policy == NVMX_POLICY_STRICT
		     ? "],\"policy\":null,\"policy_hypothetical\":false}"
		     : "],\"policy\":\"revoke-keep\",\"policy_hypothetical\":true}");
}

static struct nvmx_scenario src, dst;

/*
 * explain of the first rejected write alone (its MSR=VALUE) on dst: the
 * verdict and the releases and parameters accepting it, from nvmx_check and
 * nvmx_remedies of that one write; and the vmx-...=off flags of
 * nvmx_remedies against explain's.  Returns whether explain --json agrees.
 */
static bool explain_agrees(const struct nvmx_migration *m, const struct nvmx_msrs *saved,
			   const char *host, bool cpuid, unsigned *flags_same)
{
	static struct nvmx_scenario x;
	static struct nvmx_vcpu v;
	static struct nvmx_migration one_m;
	static struct nvmx_remedies fx;
	static char cmd[1024], out[1 << 16], want[4096];
	const struct nvmx_write *w = NULL;
	for (unsigned i = 0; i < m->nwrites && !w; i++)
		if (m->writes[i].r.rc)
			w = &m->writes[i];
	if (!w)
		return false;
	enum nvmx_msr_id id = w->id;
	struct nvmx_msrs one = { { 0 }, 0 };
	nvmx_msrs_set(&one, id, saved->val[id]);
	x = dst;
	nvmx_check(&one_m, &v, &x, &one, &id, 1);
	nvmx_remedies(&fx, NVMX_REMEDY_QEMU | NVMX_REMEDY_RELEASES | NVMX_REMEDY_PARAMS, &x, &one,
		      &one_m, &id, 1);
	snprintf(cmd, sizeof(cmd), "%s explain 0x%x=0x%llx --to %s --kvm %s %s --json", nvmx_bin,
		 NVMX_MSR_BASE + id, (unsigned long long)saved->val[id], host,
		 nvmx_kernel_name(dst.kvm.kernel), cpuid ? "--guest-cpuid host --pmu-version 2" : "");
	run(cmd, out, sizeof(out));
	snprintf(want, sizeof(want), "\"accepted\":%s,", one_m.migratable ? "true" : "false");
	bool same = strstr(out, want) != NULL;
	snprintf(want, sizeof(want), "\"releases_accepting\":[");
	for (unsigned i = 0; i < fx.nreleases; i++) {
		append(want, sizeof(want), i ? ",\"" : "\"");
		append(want, sizeof(want), nvmx_kernel_name(fx.releases[i]));
		append(want, sizeof(want), "\"");
	}
	append(want, sizeof(want), "],\"params_accepting\":[");
	for (unsigned i = 0; i < fx.nparams; i++) {
		char p[96];
		snprintf(p, sizeof(p), "%s\"%s=%lld\"", i ? "," : "",
			 nvmx_param_name(fx.params[i].param), (long long)fx.params[i].value);
		append(want, sizeof(want), p);
	}
	append(want, sizeof(want), "]");
	same = same && strstr(out, want);
	/* The flags: explain prints nvmx_remedies' own. */
	snprintf(want, sizeof(want), "\"flags\":[");
	for (unsigned i = 0; i < fx.nqemu; i++) {
		append(want, sizeof(want), i ? ",\"" : "\"");
		append(want, sizeof(want), fx.qemu_off[i]);
		append(want, sizeof(want), "=off\"");
	}
	append(want, sizeof(want), "]");
	*flags_same += strstr(out, want) != NULL;
	if (!same)
		tap_diag("explain differs: %s", cmd);
	return same;
}

static void scenarios(const struct nvmx_hostfile *hf, const struct nvmx_kernel *a,
		      const struct nvmx_kernel *b, bool cpuid)
{
	nvmx_scenario_init(&src, &hf->host, false, a, NULL);
	nvmx_scenario_init(&dst, &hf->host, false, b, NULL);
	if (cpuid) {
		struct nvmx_vm vm = { .cpuid_set = true, .guest_features = hf->host.features, .pmu_version = 2 };
		src.vm = dst.vm = vm;
	}
}

int main(void)
{
	static const char *hosts[] = {
		"data/hosts/intel-celeron-j6412.msrs", "data/hosts/centaur-es-cns-0040672.msrs",
		"data/hosts/intel-core-i7-1365u.msrs", "data/hosts/intel-xeon-e5-4669-v3.msrs",
	};
	static struct nvmx_hostfile hf;
	static struct nvmx_vcpu v;
	static struct nvmx_migration m;
	static struct nvmx_remedies fx;
	static char cmd[2048], out[1 << 16], want[4096];
	struct nvmx_msrs saved;
	struct nvmx_diag diag;
	unsigned agree = 0, total = 0, yes = 0, no = 0, with_fix = 0, up_agree = 0, up_total = 0;
	unsigned ex_agree = 0, ex_total = 0, ex_flags = 0, ex_fix = 0;

	nvmx_bin = getenv("NVMX") ? getenv("NVMX") : "build/nvmx";

	/* The J6412: 5.10's VM with the host's CPUID has waitpkg's control, 6.1 lacks it. */
	memset(&diag, 0, sizeof(diag));
	if (nvmx_hostfile_read(hosts[0], &hf, &diag)) {
		tap_ok(0, "read %s", hosts[0]);
		printf("1..%d\n", tap_n);
		return 1;
	}
	scenarios(&hf, nvmx_kernel_find("5.10"), nvmx_kernel_find("6.1"), true);
	nvmx_scenario_save(&src, &saved);
	nvmx_check(&m, &v, &dst, &saved, NULL, 0);
	bool wait_pause = false;
	for (unsigned i = 0; i < m.nwrites; i++)
		wait_pause |= m.writes[i].id == NVMX_PROCBASED2 && m.writes[i].r.rc &&
			      m.writes[i].r.bits == UINT64_C(1) << (32 + 26);
	tap_ok(!m.migratable && wait_pause,
	       "J6412 5.10 -> 6.1 with the host's CPUID: not migratable, USR_WAIT_PAUSE rejected");
	nvmx_remedies(&fx, NVMX_REMEDY_ALL, &dst, &saved, &m, NULL, 0);
	/* No release before 6.1 (by date; 6.0.19 came later) offered the control:
	 * only 5.10's CPUID stuffing put it there, so the revoke list lacks it. */
	tap_ok(fx.nqemu == 1 && !strcmp(fx.qemu_off[0], "vmx-enable-user-wait-pause") &&
	       fx.qemu_off_sufficient && fx.policy == NVMX_POLICY_STRICT,
	       "... remedies: vmx-enable-user-wait-pause=off suffices, the revoke list does not accept it");

	for (unsigned h = 0; h < sizeof(hosts) / sizeof(hosts[0]); h++) {
		if (nvmx_hostfile_read(hosts[h], &hf, &diag))
			continue;
		for (unsigned k = 0; k + 1 < nvmx_kernel_count(); k++) {
			const struct nvmx_kernel *a = nvmx_kernel_at(k), *b = nvmx_kernel_at(k + 1);
			for (int cpuid = 0; cpuid < 2; cpuid++) {
				scenarios(&hf, a, b, cpuid);
				if (!nvmx_scenario_usable(&src) || dst.kvm.status != NVMX_LOAD_OK)
					continue;
				nvmx_scenario_save(&src, &saved);
				nvmx_check(&m, &v, &dst, &saved, NULL, 0);
				snprintf(cmd, sizeof(cmd), "%s check --from-host %s --from-kvm %s --to %s "
					 "--kvm %s %s --json", nvmx_bin, hosts[h], nvmx_kernel_name(a),
					 hosts[h], nvmx_kernel_name(b),
					 cpuid ? "--guest-cpuid host --pmu-version 2" : "");
				run(cmd, out, sizeof(out));
				bool same = strstr(out, m.migratable ? "\"migratable\":true,"
								  : "\"migratable\":false,") != NULL;
				if (!m.migratable) {
					nvmx_remedies(&fx, NVMX_REMEDY_ALL, &dst, &saved, &m, NULL, 0);
					fixes_json(&fx, want, sizeof(want));
					same = same && strstr(out, want);
					with_fix += fx.nqemu || fx.nreleases || fx.policy != NVMX_POLICY_STRICT;
					ex_fix += fx.nreleases > 0;
					ex_total++;
					ex_agree += explain_agrees(&m, &saved, hosts[h], cpuid, &ex_flags);
				}
				total++;
				agree += same;
				yes += m.migratable;
				no += !m.migratable;
				if (!same)
					tap_diag("differs: %s", cmd);

				/* upgrade: the same verdict, and whether the revoke list fixes it */
				if (!nvmx_scenario_usable(&dst))
					continue;
				snprintf(cmd, sizeof(cmd), "%s upgrade --from-kvm %s --to-kvm %s %s --json %s",
					 nvmx_bin, nvmx_kernel_name(a), nvmx_kernel_name(b),
					 cpuid ? "--guest-cpuid host --pmu-version 2" : "", hosts[h]);
				run(cmd, out, sizeof(out));
				snprintf(want, sizeof(want), "\"migratable\":%s,\"revoke_fixes\":%s",
					 m.migratable ? "true" : "false",
					 !m.migratable && fx.policy != NVMX_POLICY_STRICT ? "true" : "false");
				up_total++;
				if (strstr(out, want))
					up_agree++;
				else
					tap_diag("differs: %s", cmd);
			}
		}
	}
	tap_ok(total && agree == total, "check --json: the library's verdict and remedies on %u of %u",
	       agree, total);
	tap_ok(ex_total && ex_agree == ex_total && ex_fix,
	       "explain --json of the first rejected write: the library's verdict, releases and "
	       "parameters on %u of %u (%u cases with a release remedy)", ex_agree, ex_total, ex_fix);
	tap_ok(ex_flags == ex_total, "... explain's vmx-...=off flags are nvmx_remedies' on %u of %u",
	       ex_flags, ex_total);
	tap_ok(up_total && up_agree == up_total, "upgrade --json: the library's verdict on %u of %u",
	       up_agree, up_total);
	tap_ok(yes && no && with_fix, "... not trivial: %u migratable, %u not, %u with a remedy",
	       yes, no, with_fix);
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
