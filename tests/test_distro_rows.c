/* SPDX-License-Identifier: MIT */
/*
 * Distribution and stable rows: each is its base row plus named changes.
 * For every such row this checks (1) the identity the distribution
 * publishes (version string, distribution name, base, change ids: literals
 * from the distribution's changelog and shared/spec/distro-kernels.md),
 * (2) that the compiled row is exactly base + changes, (3) the facts the
 * row's tree states, as observable values on real dumps, and (4) that on
 * every bundled dump the row differs from its base only where its changes
 * say.  Expected values are literals, never asked of the model.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/io.h"
#include "nvmx/kvm.h"
#include "nvmx/vcpu.h"
#include "tap.h"

#define BIT(n) (UINT64_C(1) << (n))

static const struct nvmx_kernel *K(const char *name)
{
	const struct nvmx_kernel *k = nvmx_kernel_find(name);
	if (!k) {
		printf("Bail out! no release row %s\n", name);
		exit(1);
	}
	return k;
}

static void dump_host(const char *file, struct nvmx_host *h)
{
	static struct nvmx_hostfile hf;
	struct nvmx_diag d;
	char path[256];
	memset(&d, 0, sizeof(d));
	snprintf(path, sizeof(path), "data/hosts/%s", file);
	if (nvmx_hostfile_read(path, &hf, &d)) {
		printf("Bail out! %s: %s\n", path, d.error);
		exit(1);
	}
	*h = hf.host;
}

static void load(struct nvmx_kvm *kvm, const struct nvmx_host *h, const char *rel)
{
	nvmx_kvm_load(kvm, h, K(rel), NULL);
}

static bool loaded(const struct nvmx_kvm *kvm)
{
	return kvm->status == NVMX_LOAD_OK && kvm->nested;
}

static uint64_t N(const struct nvmx_kvm *kvm, enum nvmx_msr_id id)
{
	return nvmx_caps_read(&kvm->caps, id);
}

static const char *version_str(const struct nvmx_kernel *k, char *buf, size_t n)
{
	uint32_t v = nvmx_kernel_version(k);
	snprintf(buf, n, "%u.%u.%u", v >> 24, (v >> 16) & 0xff, v & 0xffff);
	return buf;
}

/* ---- identity: what the distribution publishes ----------------------------- */

static const struct {
	const char *name, *version, *distro, *base, *changes;	/* change ids, space-separated */
	uint32_t date;
} rows[] = {
	/* Debian: linux 6.1.192-3 (bookworm-security, 2026-11-26) and
	 * 6.12.118-1 (trixie-security; -1~deb12u1 rebuilt 2026-11-28). */
	{ "debian-12", "6.1.192", "Debian 12 (bookworm)", "6.1", "31de69f4eea7 aa0d42cacf09", 20261126 },
	{ "debian-13", "6.12.118", "Debian 13 (trixie)", "6.12", "85434c3c73fc", 20261128 },
};

static void test_identity(void)
{
	unsigned nderived = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++)
		nderived += nvmx_kernel_base(nvmx_kernel_at(i)) != NULL;
	tap_ok(nderived == sizeof(rows) / sizeof(rows[0]),
	       "every derived row has a literal identity here (%u rows)", nderived);
	for (unsigned r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct nvmx_kernel *k = K(rows[r].name);
		char v[32], ids[256] = "";
		for (unsigned c = 0; c < nvmx_kernel_change_count(k); c++) {
			const char *id, *title, *effect;
			nvmx_kernel_change(k, c, &id, &title, &effect);
			snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s", c ? " " : "", id);
		}
		const struct nvmx_kernel *b = nvmx_kernel_base(k);
		tap_ok(!strcmp(version_str(k, v, sizeof(v)), rows[r].version) &&
		       nvmx_kernel_distro(k) && !strcmp(nvmx_kernel_distro(k), rows[r].distro) &&
		       b && !strcmp(nvmx_kernel_name(b), rows[r].base) && !strcmp(ids, rows[r].changes) &&
		       nvmx_kernel_date(k) == rows[r].date,
		       "%s is %s %s = %s + %s, released %u", rows[r].name, rows[r].distro, rows[r].version,
		       rows[r].base, rows[r].changes, rows[r].date);
		tap_ok(nvmx_kernel_check_changes(k) == 1,
		       "%s: the table's row is exactly %s with its changes applied", rows[r].name, rows[r].base);
		tap_ok(nvmx_kernel_older(b, k), "%s: its base %s is older", rows[r].name, rows[r].base);
	}
	/* Upstream rows: the version is the name. */
	unsigned bad = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		char v[32], want[32];
		if (nvmx_kernel_base(k))
			continue;
		snprintf(want, sizeof(want), "%s%s", nvmx_kernel_name(k),
			 strchr(strchr(nvmx_kernel_name(k), '.') + 1, '.') ? "" : ".0");
		if (strcmp(version_str(k, v, sizeof(v)), want) || nvmx_kernel_check_changes(k) != -1) {
			tap_diag("%s: version %s", nvmx_kernel_name(k), v);
			bad++;
		}
	}
	tap_ok(!bad, "every upstream row's version is its name");
}

/* ---- debian-12: USR_WAIT_PAUSE and pt_mode ---------------------------------- */

static void test_debian12(void)
{
	struct nvmx_host h;
	struct nvmx_kvm a, b;
	struct nvmx_vcpu v;
	dump_host("intel-celeron-j6412.msrs", &h);	/* WAITPKG */
	load(&a, &h, "6.1");
	load(&b, &h, "debian-12");
	tap_ok(loaded(&a) && loaded(&b) && !(N(&a, NVMX_PROCBASED2) & BIT(58)) &&
	       (N(&b, NVMX_PROCBASED2) & BIT(58)),
	       "Celeron J6412: USR_WAIT_PAUSE offered to L1 by debian-12 (31de69f4eea7), not by 6.1");
	tap_eq64(N(&b, NVMX_PROCBASED2) & ~BIT(58), N(&a, NVMX_PROCBASED2),
		 "... and nothing else in PROCBASED_CTLS2 changes");
	/* The migration 31de69f4eea7 fixes: a WAITPKG guest's stuffed value restores. */
	static const struct { const char *rel; int rc; } back[] = { { "6.1", -22 }, { "debian-12", 0 } };
	for (unsigned i = 0; i < 2; i++) {
		struct nvmx_kvm *kvm = i ? &b : &a;
		uint64_t own = 0;
		nvmx_vcpu_init(&v, kvm, 0);
		nvmx_vcpu_set_cpuid(&v, h.features, 2);
		nvmx_vcpu_get_msr(&v, nvmx_msr_index(NVMX_PROCBASED2), false, &own);
		int rc = nvmx_vcpu_set_msr(&v, nvmx_msr_index(NVMX_PROCBASED2), own).rc;
		tap_ok((own & BIT(58)) && rc == back[i].rc, "%s: a WAITPKG vCPU's own PROCBASED_CTLS2 "
		       "written back is %s", back[i].rel, back[i].rc ? "rejected" : "accepted");
	}
	struct nvmx_params p;
	nvmx_params_default(K("6.1"), &p);
	int r61 = nvmx_params_set(K("6.1"), &p, "pt_mode", "1");
	nvmx_params_default(K("debian-12"), &p);
	int rdeb = nvmx_params_set(K("debian-12"), &p, "pt_mode", "1");
	tap_ok(r61 == 0 && rdeb == -1, "pt_mode: a parameter of 6.1, not of debian-12 (aa0d42cacf09)");
}

/* ---- debian-13: the PERF_GLOBAL_CTRL erratum back in setup_vmcs_config -------- */

static void test_debian13(void)
{
	struct nvmx_host w;
	struct nvmx_kvm a, b;
	dump_host("intel-xeon-w3670.msrs", &w);	/* Westmere-EP, family 6 model 44 */
	load(&a, &w, "6.12");
	load(&b, &w, "debian-13");
	tap_ok(loaded(&a) && loaded(&b) && (a.cfg.entry & BIT(13)) && (a.cfg.exit & BIT(12)) &&
	       !(b.cfg.entry & BIT(13)) && !(b.cfg.exit & BIT(12)),
	       "Xeon W3670: 6.12 keeps the PERF_GLOBAL_CTRL loads in vmcs_config, debian-13 drops them");
	tap_ok((N(&b, NVMX_TRUE_ENTRY) & BIT(45)) && (N(&b, NVMX_TRUE_EXIT) & BIT(44)),
	       "debian-13: L1 is still offered them (emulated)");
	strcpy(w.vendor, "CentaurHauls");
	load(&b, &w, "debian-13");
	tap_ok(!!(b.cfg.entry & BIT(13)), "debian-13: the erratum matches Intel only (x86_vfm)");
	struct nvmx_params p;
	nvmx_params_default(K("debian-13"), &p);
	tap_ok(nvmx_params_set(K("debian-13"), &p, "pt_mode", "1") == -1,
	       "debian-13: no pt_mode parameter (as 6.12.0)");
}

/* ---- every dump: a derived row differs from its base only where it says ------ */

static int ends_msrs(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 5 && !strcmp(e->d_name + n - 5, ".msrs");
}

static void test_sweep(void)
{
	struct dirent **ents;
	int n = scandir("data/hosts", &ents, ends_msrs, alphasort);
	if (n <= 0) {
		printf("Bail out! no data/hosts\n");
		exit(1);
	}
	unsigned d12_other = 0, d12_uwp = 0, d13_other = 0, d13_cfg = 0, hosts = 0;
	for (int i = 0; i < n; i++) {
		struct nvmx_host h;
		struct nvmx_kvm a, b;
		dump_host(ents[i]->d_name, &h);
		hosts++;
		load(&a, &h, "6.1");
		load(&b, &h, "debian-12");
		if (a.status != b.status || a.nested != b.nested)
			d12_other++;
		else if (loaded(&a))
			for (int id = 0; id < NVMX_MSR_COUNT; id++) {
				uint64_t x = N(&a, (enum nvmx_msr_id)id), y = N(&b, (enum nvmx_msr_id)id);
				if (id == NVMX_PROCBASED2 && (x ^ y) == BIT(58) && (y & BIT(58)) &&
				    (h.features & NVMX_FEAT(nvmx_feature_lookup("waitpkg"))))
					d12_uwp++;
				else if (x != y)
					d12_other++;
			}
		load(&a, &h, "6.12");
		load(&b, &h, "debian-13");
		if (a.status != b.status || a.nested != b.nested)
			d13_other++;
		else if (loaded(&a)) {
			for (int id = 0; id < NVMX_MSR_COUNT; id++)
				if (N(&a, (enum nvmx_msr_id)id) != N(&b, (enum nvmx_msr_id)id))
					d13_other++;
			d13_cfg += a.cfg.entry != b.cfg.entry || a.cfg.exit != b.cfg.exit;
		}
		free(ents[i]);
	}
	free(ents);
	tap_ok(d12_other == 0 && d12_uwp > 0,
	       "%u dumps: debian-12 differs from 6.1 only by USR_WAIT_PAUSE on WAITPKG hosts (%u hosts)",
	       hosts, d12_uwp);
	tap_ok(d13_other == 0, "%u dumps: debian-13's nested MSRs are 6.12's on every host", hosts);
	tap_ok(d13_cfg > 0, "... its vmcs_config differs on the erratum CPUs (%u hosts)", d13_cfg);
}

int main(void)
{
	test_identity();
	test_debian12();
	test_debian13();
	test_sweep();
	return tap_done();
}
