/* SPDX-License-Identifier: MIT */
/*
 * QEMU's VMX behaviour release by release, against the dates of the QEMU
 * commits that changed it (docs/qemu.md, "QEMU releases"): which vmx-*
 * names exist, the MPX and WAITPKG dependencies, VMCS_ENUM, the models and
 * versions each release has, and `--qemu` accepting x.y and x.y.z.  Each
 * rule is checked on the release before the change and on the one that
 * brought it, so a fact moved to the wrong release fails here.
 */
#include <string.h>
#include "nvmx/qemu.h"
#include "tap.h"

#define B(n) (UINT64_C(1) << (n))
#define FEAT(x) NVMX_FEAT(NVMX_F_##x)

static const struct nvmx_qemu_release *rel(const char *name)
{
	const struct nvmx_qemu_release *r = nvmx_qemu_release_find(name);
	if (!r)
		tap_diag("no release row %s", name);
	return r;
}

/* A KVM that offers every control and every CPUID flag nvmx reads. */
static void open_host(struct nvmx_qemu_host *h)
{
	*h = (struct nvmx_qemu_host){ .kvm_ok = true, .feature_list = true, .ctls2_listed = true,
				      .cpuid = NVMX_FEAT(NVMX_F_COUNT) - 1 };
	for (int id = 0; id <= NVMX_VMFUNC; id++)
		nvmx_msrs_set(&h->feat, (enum nvmx_msr_id)id, 0xffffffff00000000ull);
	h->feat.val[NVMX_BASIC] = 0x00da040000000004ull;
}

static bool plan(struct nvmx_qemu_plan *p, const char *release, const char *spec,
		 const struct nvmx_qemu_host *h)
{
	const struct nvmx_qemu_release *r = rel(release);
	struct nvmx_qemu_cpu c;
	struct nvmx_error err;
	if (!r || nvmx_qemu_cpu_parse(&c, r, spec, &err)) {
		tap_diag("%s under %s: %s", spec, release, r ? err.msg : "no release");
		return false;
	}
	nvmx_qemu_plan(p, &c, h, r);
	return true;
}

static uint64_t written(const struct nvmx_qemu_plan *p, uint32_t index)
{
	for (unsigned i = 0; i < p->nwrites; i++)
		if (p->writes[i].index == index)
			return p->writes[i].value;
	return UINT64_C(0xdead);
}

static void releases(void)
{
	/* Every x.y from 4.2 to 10.1, oldest first, 4.1 for everything before. */
	static const char *const all[] = { "4.1", "4.2", "5.0", "5.1", "5.2", "6.0", "6.1", "6.2",
					   "7.0", "7.1", "7.2", "8.0", "8.1", "8.2", "9.0", "9.1",
					   "9.2", "10.0", "10.1" };
	unsigned n = sizeof(all) / sizeof(all[0]);
	bool ok = nvmx_qemu_release_count() == n;
	for (unsigned i = 0; ok && i < n; i++)
		ok = !strcmp(nvmx_qemu_release_at(i)->name, all[i]) &&
		     nvmx_qemu_release_find(all[i]) == nvmx_qemu_release_at(i);
	tap_ok(ok, "one row per QEMU release 4.1 .. 10.1 in order");
	tap_ok(!strcmp(nvmx_qemu_release_default()->name, "10.1"), "the default is the newest");
	tap_ok(rel("9.2.3") == rel("9.2") && rel("4.2.1") == rel("4.2") && rel("10.0.0") == rel("10.0"),
	       "x.y.z is the x.y row");
	const char *bad[] = { "4.0", "9.3", "9", "9.", "9.2.", "9.2.1.1", "v9.2", "9.2a", "", "10.1 ",
			      "99999.1" };
	bool none = true;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (nvmx_qemu_release_find(bad[i])) {
			tap_diag("'%s' was accepted", bad[i]);
			none = false;
		}
	tap_ok(none, "releases without a row and malformed versions are refused");
	tap_ok(nvmx_qemu_release_has(rel("6.1"), "6.0") && !nvmx_qemu_release_has(rel("6.0"), "6.1") &&
	       nvmx_qemu_release_has(rel("10.0"), "9.2"), "release ordering (10.0 after 9.2)");
	tap_ok(!strcmp(rel("5.1")->assert_file, "target/i386/kvm.c") &&
	       !strcmp(rel("6.0")->assert_file, "../target/i386/kvm/kvm.c"),
	       "kvm_buf_set_msrs moved to target/i386/kvm/ in 6.0");
}

/* Each name absent in the release before `since` and present from it on. */
static void names(void)
{
	static const struct {
		const char *name, *before, *since;
	} late[] = {
		{ "vmx-exit-load-pkrs", "5.2", "6.0" },
		{ "vmx-entry-load-pkrs", "5.2", "6.0" },
		{ "vmx-tsc-scaling", "6.0", "6.1" },
		{ "vmx-enable-user-wait-pause", "8.1", "8.2" },
		{ "vmx-any-errcode", "8.1", "8.2" },
		{ "vmx-nested-exception", "9.0", "9.1" },
		{ "vmx-entry-load-fred", "9.1", "9.2" },
		{ "vmx-exit-secondary-ctls", "9.1", "9.2" },
	};
	struct nvmx_qwords m;
	for (unsigned i = 0; i < sizeof(late) / sizeof(late[0]); i++) {
		const char *n = late[i].name;
		size_t len = strlen(n);
		tap_ok(!nvmx_qemu_prop_lookup(rel(late[i].before), n, len, &m) &&
		       nvmx_qemu_prop_lookup(rel(late[i].since), n, len, &m) &&
		       nvmx_qemu_prop_lookup(nvmx_qemu_release_default(), n, len, &m) &&
		       !strcmp(nvmx_qemu_name_since(n), late[i].since),
		       "%s: not in %s, in %s and later", n, late[i].before, late[i].since);
	}
	tap_ok(nvmx_qemu_prop_lookup(rel("4.2"), "vmx-exit-clear-bndcfgs", 22, &m) &&
	       !strcmp(nvmx_qemu_name_since("vmx-posted-intr"), "4.2") &&
	       !nvmx_qemu_name_since("vmx-nonsense"), "the 2019 names are in 4.2");
	struct nvmx_qemu_cpu c;
	struct nvmx_error err;
	tap_ok(nvmx_qemu_cpu_parse(&c, rel("8.1"), "host,vmx-enable-user-wait-pause=off", &err) < 0 && strstr(err.msg, "vmx-enable-user-wait-pause"),
	       "8.1 refuses vmx-enable-user-wait-pause: %s", err.msg);
}

/* QEMU 7.1 made the BNDCFGS controls depend on CPUID MPX. */
static void mpx(void)
{
	struct nvmx_qemu_host h;
	struct nvmx_qemu_plan p;
	open_host(&h);
	uint64_t exit_b = B(23), entry_b = B(16);
	if (plan(&p, "7.0", "host,-mpx", &h))
		tap_ok((p.words.w[NVMX_QW_EXIT] & exit_b) && (p.words.w[NVMX_QW_ENTRY] & entry_b) &&
		       (written(&p, 0x48f) >> 32 & exit_b) && !(p.cpuid & FEAT(MPX)),
		       "7.0: -cpu host,-mpx still writes the BNDCFGS controls");
	if (plan(&p, "7.1", "host,-mpx", &h))
		tap_ok(!(p.words.w[NVMX_QW_EXIT] & exit_b) && !(p.words.w[NVMX_QW_ENTRY] & entry_b) &&
		       !(written(&p, 0x48f) >> 32 & exit_b) && !(written(&p, 0x490) >> 32 & entry_b),
		       "7.1: without MPX the BNDCFGS controls are dropped");
	if (plan(&p, "7.1", "host,-mpx,vmx-exit-clear-bndcfgs=on", &h))
		tap_ok(p.dep_warned.w[NVMX_QW_EXIT] == exit_b,
		       "7.1: asking for a BNDCFGS control without MPX warns");
	if (plan(&p, "7.1", "host", &h))
		tap_ok((p.words.w[NVMX_QW_EXIT] & exit_b) && (p.words.w[NVMX_QW_ENTRY] & entry_b),
		       "7.1: with MPX they stay");
}

/*
 * WAITPKG and the user-wait control: no dependency before 8.2, the control
 * gating WAITPKG (the wrong way round) in 8.2 and 9.0, WAITPKG gating the
 * control from 9.1.
 */
static void waitpkg(void)
{
	struct nvmx_qemu_host h;
	struct nvmx_qemu_plan p;
	open_host(&h);
	uint64_t uwp = B(26);
	if (plan(&p, "8.1", "host,migratable=off,-waitpkg", &h))
		tap_ok((p.words.w[NVMX_QW_SECONDARY] & uwp) && !(p.cpuid & FEAT(WAITPKG)),
		       "8.1: no dependency (migratable=off keeps the unnamed bit 26 without WAITPKG)");
	if (plan(&p, "8.2", "host,-waitpkg", &h))
		tap_ok((p.words.w[NVMX_QW_SECONDARY] & uwp) && !(p.cpuid & FEAT(WAITPKG)),
		       "8.2: WAITPKG off does not drop the control (the dependency is reversed)");
	if (plan(&p, "9.0", "host,vmx-enable-user-wait-pause=off", &h))
		tap_ok(!(p.words.w[NVMX_QW_SECONDARY] & uwp) && !(p.cpuid & FEAT(WAITPKG)) &&
		       (p.cpuid_dep_cleared & FEAT(WAITPKG)),
		       "9.0: without the control QEMU drops WAITPKG from the guest");
	if (plan(&p, "9.0", "host,+waitpkg,vmx-enable-user-wait-pause=off", &h)) {
		char line[200];
		nvmx_qemu_message(&p, NULL, 0, line, sizeof(line));
		tap_ok((p.cpuid_dep_warned & FEAT(WAITPKG)) && strstr(line, "waitpkg") &&
		       strstr(line, "depends on other features"), "9.0: asked-for WAITPKG warns: %s",
		       line);
	}
	if (plan(&p, "9.1", "host,vmx-enable-user-wait-pause=off", &h))
		tap_ok((p.cpuid & FEAT(WAITPKG)) && !(p.words.w[NVMX_QW_SECONDARY] & uwp),
		       "9.1: WAITPKG stays without the control");
	if (plan(&p, "9.1", "host,-waitpkg", &h))
		tap_ok(!(p.words.w[NVMX_QW_SECONDARY] & uwp) &&
		       (p.dep_cleared.w[NVMX_QW_SECONDARY] & uwp),
		       "9.1: without WAITPKG the control is dropped");
}

/* VMCS_ENUM: 0x2e; 0x32 with TSC scaling from 6.1; 0x44 / 0x52 from 9.2. */
static void vmcs_enum(void)
{
	struct nvmx_qemu_host h;
	struct nvmx_qemu_plan p;
	open_host(&h);
	static const struct {
		const char *release, *spec;
		uint64_t want;
	} rows[] = {
		{ "4.2", "Skylake-Server,+vmx", 0x2e },
		{ "6.1", "Skylake-Server,+vmx", 0x2e },
		{ "6.1", "Skylake-Server,+vmx,vmx-tsc-scaling=on", 0x32 },
		{ "6.0", "host", 0x2e },	/* no vmx-tsc-scaling name yet: host cannot take it */
		{ "6.1", "host", 0x32 },
		{ "9.1", "host", 0x32 },
		{ "9.2", "host", 0x44 },	/* host offers the secondary exit controls */
		{ "9.2", "host,vmx-exit-secondary-ctls=off", 0x32 },
		{ "9.2", "Skylake-Server,+vmx,vmx-exit-secondary-ctls=on", 0x44 },
		{ "9.2", "Skylake-Server,+vmx,x-force-features=on,+fred", 0x52 },
		{ "9.1", "Skylake-Server,+vmx,x-force-features=on,+fred", 0x2e },
		{ "10.1", "Skylake-Server,+vmx,x-force-features=on,fred=on", 0x52 },
		{ "10.1", "Skylake-Server,+vmx,x-force-features=on,fred=on,-fred", 0x2e },
		{ "10.1", "kvm32,+vmx,x-force-features=on,+fred", 0x2e },	/* FRED needs lm */
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (plan(&p, rows[i].release, rows[i].spec, &h))
			tap_eq64(written(&p, 0x48a), rows[i].want, "QEMU %s -cpu %s: VMCS_ENUM 0x%llx",
				 rows[i].release, rows[i].spec, (unsigned long long)rows[i].want);
	/* No modelled KVM offers FRED: QEMU filters it, with a warning. */
	if (plan(&p, "10.1", "Skylake-Server,+vmx,+fred", &h)) {
		bool warned = false;
		char line[200];
		for (unsigned i = 0; nvmx_qemu_message(&p, NULL, i, line, sizeof(line)); i++)
			warned |= strstr(line, "fred [bit 17]") != NULL;
		tap_ok(p.fred_filtered && !p.fred && written(&p, 0x48a) == 0x2e && warned,
		       "a KVM without FRED: fred filtered with a warning, VMCS_ENUM 0x2e");
	}
}

/* Models and versions from the release that added them. */
static void models(void)
{
	static const struct {
		const char *model, *before, *since;
	} rows[] = {
		{ "Skylake-Server-v4", "5.0", "5.1" },
		{ "Cascadelake-Server-v4", "5.0", "5.1" },
		{ "Icelake-Server-v4", "5.0", "5.1" },
		{ "Skylake-Client-v4", "6.0", "6.1" },
		{ "Skylake-Server-v5", "6.0", "6.1" },
		{ "Cooperlake-v2", "6.0", "6.1" },
		{ "Icelake-Server-v5", "6.0", "6.1" },
		{ "Denverton-v3", "6.0", "6.1" },
		{ "Snowridge-v3", "6.0", "6.1" },
		{ "Icelake-Server-v6", "6.2", "7.0" },
		{ "SapphireRapids", "6.2", "7.0" },
		{ "SierraForest", "8.2", "9.0" },
		{ "ClearwaterForest", "9.2", "10.0" },
		{ "SierraForest-v2", "9.2", "10.0" },
		{ "YongFeng", "9.2", "10.0" },
		{ "Cooperlake", "4.2", "5.0" },
		{ "Denverton", "4.1", "4.2" },
		/* Checked against cpu.c at release tags and the pulls between them. */
		{ "Skylake-Client-v3", "4.1", "4.2" },
		{ "Skylake-Server-v3", "4.1", "4.2" },
		{ "Cascadelake-Server-v3", "4.1", "4.2" },
		{ "Icelake-Server-v2", "4.1", "4.2" },
		{ "Snowridge-v2", "4.1", "4.2" },
		{ "Denverton-v2", "4.2", "5.0" },
		{ "Snowridge-v4", "6.1", "6.2" },
		{ "SapphireRapids-v2", "8.0", "8.1" },
		{ "GraniteRapids", "8.0", "8.1" },
		{ "Icelake-Server-v3", "4.2", "5.0" },
		{ "SapphireRapids-v3", "9.0", "9.1" },
		{ "GraniteRapids-v2", "9.1", "9.2" },
	};
	/* The first modelled release, 4.1, already has the -IBRS aliases (as v2) and
	 * Cascadelake-Server-v2: QEMU's 4.1.0 cpu.c defines them. */
	static const char *const in41[] = { "Nehalem-IBRS", "Haswell-noTSX-IBRS",
					    "Skylake-Server-IBRS", "Cascadelake-Server-v2" };
	for (unsigned i = 0; i < sizeof(in41) / sizeof(in41[0]); i++) {
		unsigned v;
		const struct nvmx_qemu_model *m = nvmx_qemu_model_find(in41[i], strlen(in41[i]), &v);
		tap_ok(m && nvmx_qemu_model_in(m, v, rel("4.1")), "%s: in 4.1", in41[i]);
	}
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned v;
		const char *n = rows[i].model;
		const struct nvmx_qemu_model *m = nvmx_qemu_model_find(n, strlen(n), &v);
		tap_ok(m && !nvmx_qemu_model_in(m, v, rel(rows[i].before)) &&
		       nvmx_qemu_model_in(m, v, rel(rows[i].since)) &&
		       nvmx_qemu_model_in(m, v, nvmx_qemu_release_default()),
		       "%s: not in %s, in %s and later", n, rows[i].before, rows[i].since);
	}
	struct nvmx_qemu_cpu c;
	struct nvmx_error err;
	tap_ok(nvmx_qemu_cpu_parse(&c, rel("6.0"), "Skylake-Server-v5,+vmx", &err) < 0 &&
	       strstr(err.msg, "Skylake-Server-v4"), "-cpu Skylake-Server-v5 under 6.0: %s", err.msg);
	tap_ok(nvmx_qemu_cpu_parse(&c, rel("9.2"), "YongFeng", &err) < 0,
	       "-cpu YongFeng under 9.2: %s", err.msg);
	tap_ok(nvmx_qemu_cpu_parse(&c, rel("6.1"), "Skylake-Server-v5,+vmx", &err) == 0,
	       "-cpu Skylake-Server-v5 under 6.1");
	/* Versions within a model appear in order: a version never predates the one before. */
	bool ordered = true;
	for (unsigned i = 0; i < nvmx_qemu_model_count(); i++) {
		const struct nvmx_qemu_model *m = nvmx_qemu_model_at(i);
		for (unsigned k = 0; k < nvmx_qemu_release_count(); k++) {
			const struct nvmx_qemu_release *r = nvmx_qemu_release_at(k);
			for (unsigned v = 2; v <= m->nversions; v++)
				if (nvmx_qemu_model_in(m, v, r) && !nvmx_qemu_model_in(m, v - 1, r)) {
					tap_diag("%s-v%u in %s without v%u", m->name, v, r->name, v - 1);
					ordered = false;
				}
		}
	}
	tap_ok(ordered, "no model version exists without the one before it");
	/* Denverton-v2 and Snowridge-v2 drop MPX. */
	unsigned v;
	const struct nvmx_qemu_model *m = nvmx_qemu_model_find("Snowridge-v2", 12, &v);
	struct nvmx_qwords w;
	uint64_t cpuid1, cpuid2;
	nvmx_qemu_model_resolve(m, 1, &w, &cpuid1);
	nvmx_qemu_model_resolve(m, v, &w, &cpuid2);
	tap_ok((cpuid1 & FEAT(MPX)) && !(cpuid2 & FEAT(MPX)), "Snowridge-v2 has no MPX");
}

int main(void)
{
	releases();
	names();
	mpx();
	waitpkg();
	vmcs_enum();
	models();
	return tap_done();
}
