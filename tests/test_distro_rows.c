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
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/io.h"
#include "nvmx/kvm.h"
#include "nvmx/vcpu.h"
#include "tap.h"
#include "../lib/kernels.h"	/* nvmx_kernel_check_changes: a table self-check, not API */

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
		printf("Bail out! %s: %s\n", path, d.error.msg);
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

/* Every row, derived or not, walked through the public API so a new row is covered:
 * a row named like a version ("6.1.158", "7.2") carries exactly that version; a
 * distribution row ships its base's kernel series, except RHEL, whose own kernel series
 * (8: 4.18, 9: 5.14, 10: 6.12) carries KVM backported from its newer base; names and
 * aliases are unique and find their own row. */
static bool name_is_version(const char *name, uint32_t *ver)
{
	unsigned a, b, c = 0;
	int n = 0;
	if (sscanf(name, "%u.%u%n", &a, &b, &n) != 2)
		return false;
	if (name[n] == '.') {
		int m = 0;
		if (sscanf(name + n, ".%u%n", &c, &m) != 1)
			return false;
		n += m;
	}
	if (name[n] || !isdigit((unsigned char)name[0]))
		return false;
	*ver = (uint32_t)a << 24 | (uint32_t)b << 16 | c;
	return true;
}

static void test_row_versions(void)
{
	unsigned bad = 0, named = 0, distros = 0, rhel = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i), *b = nvmx_kernel_base(k);
		const char *name = nvmx_kernel_name(k), *distro = nvmx_kernel_distro(k);
		uint32_t v = nvmx_kernel_version(k), want;
		char vs[32];
		version_str(k, vs, sizeof(vs));
		if (name_is_version(name, &want)) {
			named++;
			if (v != want) {
				tap_diag("%s: version %s", name, vs);
				bad++;
			}
		}
		if (!distro)
			continue;
		distros++;
		uint32_t series = v >> 16;
		if (!b) {
			tap_diag("%s: a distribution row without a base", name);
			bad++;
		} else if (!strncmp(distro, "RHEL ", 5)) {
			static const struct { unsigned major; uint32_t series; } rh[] = {
				{ 8, 4 << 8 | 18 }, { 9, 5 << 8 | 14 }, { 10, 6 << 8 | 12 },
			};
			unsigned major = (unsigned)atoi(distro + 5), j = 0;
			rhel++;
			while (j < sizeof(rh) / sizeof(rh[0]) && rh[j].major != major)
				j++;
			if (j == sizeof(rh) / sizeof(rh[0]) || series != rh[j].series ||
			    nvmx_kernel_version(b) >> 16 < series) {
				tap_diag("%s: version %s, base %s", name, vs, nvmx_kernel_name(b));
				bad++;
			}
		} else if (series != nvmx_kernel_version(b) >> 16) {
			tap_diag("%s: version %s, base %s", name, vs, nvmx_kernel_name(b));
			bad++;
		}
	}
	tap_ok(!bad && named >= 20 && distros >= 15 && rhel >= 4,
	       "every row named like a version has that version (%u rows); every distribution row "
	       "ships its base's series, RHEL its own (%u rows, %u RHEL)", named, distros, rhel);
	/* Names and aliases: one spelling, one row. */
	bad = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (nvmx_kernel_find(nvmx_kernel_name(k)) != k) {
			tap_diag("%s does not find its own row", nvmx_kernel_name(k));
			bad++;
		}
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(nvmx_kernel_name(k), nvmx_kernel_name(nvmx_kernel_at(j)))) {
				tap_diag("%s named twice", nvmx_kernel_name(k));
				bad++;
			}
		const char *al = nvmx_kernel_aliases(k);
		while (al && *al) {
			size_t n = strcspn(al, " ");
			for (unsigned j = 0; j < nvmx_kernel_count(); j++) {
				const struct nvmx_kernel *o = nvmx_kernel_at(j);
				const char *oa = nvmx_kernel_aliases(o);
				if (strlen(nvmx_kernel_name(o)) == n && !strncmp(nvmx_kernel_name(o), al, n)) {
					tap_diag("alias %.*s of %s is a row's name", (int)n, al, nvmx_kernel_name(k));
					bad++;
				}
				while (o != k && oa && *oa) {
					size_t m = strcspn(oa, " ");
					if (m == n && !strncmp(oa, al, n)) {
						tap_diag("alias %.*s on %s and %s", (int)n, al, nvmx_kernel_name(k),
							 nvmx_kernel_name(o));
						bad++;
					}
					oa += m + (oa[m] == ' ');
				}
			}
			al += n + (al[n] == ' ');
		}
	}
	tap_ok(!bad, "row names and aliases are unique and each name finds its row (%u rows)",
	       nvmx_kernel_count());
}

/* ---- identity: what the distribution publishes ----------------------------- */

static const struct {
	const char *name, *version, *distro, *base, *changes;	/* change ids, space-separated */
	uint32_t date;
} rows[] = {
	/* Stable imports (shared/spec/distro-kernels.md, the trees' Makefiles). */
	{ "6.1.158", "6.1.158", NULL, "6.1", "31de69f4eea7 aa0d42cacf09", 20251109 },
	{ "6.6.87", "6.6.87", NULL, "6.6", "aa0d42cacf09", 20250420 },
	/* unifreq/linux-6.6.y's "up to 6.6.150" import (2026-08-07). */
	{ "6.6.150", "6.6.150", NULL, "6.6", "aa0d42cacf09", 20260807 },
	{ "6.12.33", "6.12.33", NULL, "6.12", "85434c3c73fc", 20250619 },
	{ "6.18.26", "6.18.26", NULL, "6.18.2", "f8ade833b733", 20260425 },
	{ "5.15.215", "5.15.215", NULL, "5.15", "31de69f4eea7 a910b5ab6b25 f8ae08f9789a 1c1a41497ab8 "
	  "f80ae0ef089a 7a601e2cf615 aa0d42cacf09", 20260610 },
	{ "7.1.5", "7.1.5", NULL, "7.1.3", "", 20260716 },
	/* unifreq/linux-5.10.y's "up to 5.10.265" import (2026-08-20). */
	{ "5.10.265", "5.10.265", NULL, "5.10", "f8ae08f9789a 5.15-rc (stable 5.10.84) "
	  "f80ae0ef089a 7a601e2cf615 aa0d42cacf09", 20260820 },
	{ "5.4.286", "5.4.286", NULL, "5.4.210", "f8ae08f9789a 31de69f4eea7", 20241122 },
	/* Debian: linux 5.10.262-1 (2026-07-31), 6.1.192-3 (2026-11-26), 6.12.118-1
	 * (2026-11-20), as their changelogs date them. */
	{ "debian-11", "5.10.262", "Debian 11 (bullseye)", "5.10", "f8ae08f9789a 5.15-rc (stable 5.10.84) "
	  "f80ae0ef089a 7a601e2cf615 aa0d42cacf09", 20260731 },
	{ "debian-12", "6.1.192", "Debian 12 (bookworm)", "6.1", "31de69f4eea7 aa0d42cacf09", 20261126 },
	{ "debian-13", "6.12.118", "Debian 13 (trixie)", "6.12", "85434c3c73fc 088b8eeb25ec", 20261120 },
	/* Ubuntu: 22.04's 5.15.0-185 is 5.15.200 with 5.15.215's vmx/ (balabit-os-9-linux's import),
	 * its HWE is 24.04's 6.8; 24.04 GA up to 6.8.0-57 is 6.8.0-31, from 6.8.0-58 6.8.0-90. */
	{ "ubuntu-22.04", "5.15.200", "Ubuntu 22.04 LTS (GA)", "5.15.215", "", 20260619 },
	/* Ubuntu 20.04 (balabit-os-8-linux's imports, dated by their changelogs): 5.4.0-131.147
	 * is 5.4.210 (2022-10-14); 5.4.0-216.236 is 5.4.291 (2025-04-11), whose KVM took
	 * f8ae08f9789a in -132, 31de69f4eea7 in -144 and aa0d42cacf09 in -211. */
	{ "ubuntu-20.04-5.4.0-131", "5.4.210", "Ubuntu 20.04 LTS (GA)", "5.4.210", "", 20221014 },
	{ "ubuntu-20.04", "5.4.291", "Ubuntu 20.04 LTS (GA)", "5.4.210", "f8ae08f9789a 31de69f4eea7 aa0d42cacf09",
	  20250411 },
	{ "ubuntu-24.04-6.8.0-31", "6.8.0", "Ubuntu 24.04 LTS (GA)", "6.8", "", 20240425 },
	{ "ubuntu-24.04", "6.8.12", "Ubuntu 24.04 LTS (GA)", "ubuntu-24.04-6.8.0-31", "85434c3c73fc aa0d42cacf09",
	  20251120 },
	{ "ubuntu-22.04-hwe", "6.8.12", "Ubuntu 22.04 LTS (HWE)", "ubuntu-24.04", "", 20251120 },
	/* 24.04.2 (2025-02-20) and 24.04.3 (2025-08-07) brought HWE 6.11 and 6.14. */
	{ "ubuntu-24.04-hwe-6.11", "6.11.0", "Ubuntu 24.04 LTS (HWE)", "6.11.11", "", 20250220 },
	{ "ubuntu-24.04-hwe-6.14", "6.14.0", "Ubuntu 24.04 LTS (HWE)", "6.14", "", 20250807 },
	{ "ubuntu-24.04-hwe", "6.17.0", "Ubuntu 24.04 LTS (HWE)", "6.17", "", 20260212 },
	/* RHEL (AlmaLinux rebuilds): the KVM each carries. */
	{ "rhel-8.10", "4.18.0", "RHEL 8.10 (AlmaLinux, Rocky)", "5.19", "1c1a41497ab8 RHEL 8: nested=-1",
	  20250812 },
	{ "rhel-9.4", "5.14.0", "RHEL 9.4 (AlmaLinux, Rocky)", "6.6", "", 20241112 },
	{ "rhel-9.5", "5.14.0", "RHEL 9.5 (AlmaLinux, Rocky)", "6.8", "RHEL 9.5: 6.10's EPT-violation #VE",
	  20250429 },
	{ "rhel-9.6", "5.14.0", "RHEL 9.6 (AlmaLinux, Rocky)", "6.11.11", "RHEL 9.6: no aa0d42cacf09", 20250805 },
	{ "rhel-10.0", "6.12.0", "RHEL 10.0 (AlmaLinux, Rocky)", "6.12", "", 20250807 },
	/* Proxmox: proxmox/pve-kernel debian/changelog dates. */
	{ "pve-8", "6.8.12", "Proxmox VE 8", "6.8", "85434c3c73fc aa0d42cacf09", 20260818 },
	{ "pve-9.0", "6.14.11", "Proxmox VE 9.0", "6.14", "", 20260515 },
	{ "pve-9.1", "6.17.13", "Proxmox VE 9.1", "6.17", "", 20260728 },
	{ "pve-9.2", "7.0.14", "Proxmox VE 9.2", "7.0", "0034-KVM-VMX-enable-use-of-MBEC.patch "
	  "0035-KVM-nVMX-pass-advanced-EPT-violation-vmexit-info-to-.patch "
	  "0036-KVM-nVMX-pass-PFERR_USER_MASK-to-MMU-on-EPT-violatio.patch "
	  "0038-KVM-nVMX-advertise-MBEC-to-nested-guests.patch 0039-KVM-nVMX-allow-MBEC-with-EVMCS.patch",
	  20260822 },
	/* Mainline 7.2 merged the series Proxmox carries (the patches' cherry-pick lines). */
	{ "7.2.13", "7.2.13", NULL, "7.1.3", "a0bdba68547c f899ebca4435 9f4442eb1553 6ee40dc40a84 "
	  "57c45de75dc1", 20261028 },
	{ "debian-unstable", "7.2.13", "Debian unstable (sid)", "7.2.13", "", 20261028 },
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
		char v[32], ids[1024] = "";
		for (unsigned c = 0; c < nvmx_kernel_change_count(k); c++) {
			const char *id, *title, *effect;
			nvmx_kernel_change(k, c, &id, &title, &effect);
			snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s", c ? " " : "", id);
		}
		const struct nvmx_kernel *b = nvmx_kernel_base(k);
		const char *distro = nvmx_kernel_distro(k);
		tap_ok(!strcmp(version_str(k, v, sizeof(v)), rows[r].version) &&
		       (rows[r].distro ? distro && !strcmp(distro, rows[r].distro) : !distro) &&
		       b && !strcmp(nvmx_kernel_name(b), rows[r].base) && !strcmp(ids, rows[r].changes) &&
		       nvmx_kernel_date(k) == rows[r].date,
		       "%s is %s %s = %s + %s, released %u", rows[r].name,
		       rows[r].distro ? rows[r].distro : "upstream", rows[r].version,
		       rows[r].base, rows[r].changes, rows[r].date);
		tap_ok(nvmx_kernel_check_changes(k) == 1,
		       "%s: the table's row is exactly %s with its changes applied", rows[r].name, rows[r].base);
		tap_ok(!nvmx_kernel_older(k, b), "%s: not older than its base %s", rows[r].name, rows[r].base);
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
	test_row_versions();
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
	int r61 = nvmx_params_set(K("6.1"), &p, "pt_mode", "1", NULL);
	nvmx_params_default(K("debian-12"), &p);
	int rdeb = nvmx_params_set(K("debian-12"), &p, "pt_mode", "1", NULL);
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
	tap_ok(nvmx_params_set(K("debian-13"), &p, "pt_mode", "1", NULL) == -1,
	       "debian-13: no pt_mode parameter (as 6.12.0)");
}

/* ---- Ubuntu's 6.8.0-58+: the 6.12.y erratum revert and the pt_mode burial ---- */

static void test_ubuntu68(void)
{
	/* The Ubuntu 6.8.0-90 tree (and Proxmox 8's, built on it) drops the loads on
	 * Westmere-EP in setup_vmcs_config (kernel harness: 8 derive and 11 synthetic
	 * cases differed from 6.8 in exactly these two bits); 6.8.0-31 does not. */
	struct nvmx_host w;
	struct nvmx_kvm a, b, c;
	dump_host("intel-xeon-w3670.msrs", &w);
	load(&a, &w, "ubuntu-24.04-6.8.0-31");
	load(&b, &w, "ubuntu-24.04");
	load(&c, &w, "pve-8");
	tap_ok(loaded(&a) && loaded(&b) && loaded(&c) && (a.cfg.entry & BIT(13)) && (a.cfg.exit & BIT(12)) &&
	       !(b.cfg.entry & BIT(13)) && !(b.cfg.exit & BIT(12)) &&
	       !(c.cfg.entry & BIT(13)) && !(c.cfg.exit & BIT(12)),
	       "Xeon W3670: ubuntu-24.04-6.8.0-31 keeps the PERF_GLOBAL_CTRL loads in vmcs_config, "
	       "ubuntu-24.04 (6.8.0-90) and pve-8 drop them");
	tap_ok(N(&a, NVMX_TRUE_ENTRY) == N(&b, NVMX_TRUE_ENTRY) && N(&a, NVMX_TRUE_EXIT) == N(&b, NVMX_TRUE_EXIT) &&
	       N(&a, NVMX_TRUE_EXIT) == N(&c, NVMX_TRUE_EXIT) && (N(&b, NVMX_TRUE_ENTRY) & BIT(45)),
	       "ubuntu-24.04, pve-8: L1 is still offered them (emulated), as by ubuntu-24.04-6.8.0-31");
	struct nvmx_params p;
	nvmx_params_default(K("ubuntu-24.04-6.8.0-31"), &p);
	int r24 = nvmx_params_set(K("ubuntu-24.04-6.8.0-31"), &p, "pt_mode", "1", NULL);
	nvmx_params_default(K("ubuntu-22.04-hwe"), &p);
	int rhwe = nvmx_params_set(K("ubuntu-22.04-hwe"), &p, "pt_mode", "1", NULL);
	nvmx_params_default(K("pve-8"), &p);
	int rpve = nvmx_params_set(K("pve-8"), &p, "pt_mode", "1", NULL);
	tap_ok(r24 == 0 && rhwe == -1 && rpve == -1,
	       "pt_mode: a parameter of ubuntu-24.04-6.8.0-31, not of ubuntu-24.04, ubuntu-22.04-hwe or pve-8 "
	       "(6.8.0-58+)");
}

/* ---- the other backports, one observable fact each ------------------------- */

static int vwrite(struct nvmx_vcpu *v, enum nvmx_msr_id id, uint64_t x)
{
	return nvmx_vcpu_set_msr(v, nvmx_msr_index(id), x).rc;
}

static uint64_t gread(const struct nvmx_vcpu *v, enum nvmx_msr_id id)
{
	uint64_t x = 0;
	struct nvmx_result r = nvmx_vcpu_get_msr(v, nvmx_msr_index(id), true, &x);
	return r.rc ? UINT64_C(0xdeadbeefdeadbeef) : x;
}

static uint64_t raw_msr(const struct nvmx_host *h, enum nvmx_msr_id id)
{
	return nvmx_msrs_get(&h->msrs, id);
}

static void test_backports(void)
{
	struct nvmx_host h;
	struct nvmx_kvm kvm;
	struct nvmx_vcpu v;
	dump_host("intel-xeon-platinum-8180.msrs", &h);

	/* f8ae08f9789a: clear virtual NMIs in TRUE_PINBASED, then give it back. */
	static const struct { const char *rel; int rc; } give_back[] = {
		{ "5.10", -22 }, { "debian-11", 0 }, { "5.10.265", 0 }, { "5.15", -22 }, { "5.15.215", 0 },
		{ "ubuntu-22.04", 0 }, { "5.4.210", -22 }, { "5.4.286", 0 }, { "ubuntu-20.04-5.4.0-131", -22 },
		{ "ubuntu-20.04", 0 },
	};
	for (unsigned i = 0; i < sizeof(give_back) / sizeof(give_back[0]); i++) {
		load(&kvm, &h, give_back[i].rel);
		nvmx_vcpu_init(&v, &kvm, 0);
		uint64_t pin = N(&kvm, NVMX_TRUE_PINBASED);
		int r1 = vwrite(&v, NVMX_TRUE_PINBASED, pin & ~BIT(32 + 5));
		int r2 = vwrite(&v, NVMX_TRUE_PINBASED, pin);
		tap_ok(loaded(&kvm) && (pin & BIT(32 + 5)) && r1 == 0 && r2 == give_back[i].rc,
		       "%s: virtual NMIs cleared in TRUE_PINBASED and written back: %s", give_back[i].rel,
		       give_back[i].rc ? "rejected (checked against the vCPU)" : "accepted (against KVM's maximum)");
	}

	/* The eVMCS read filter backports: what L1 with eVMCS reads. */
	static const struct { const char *rel; bool pin_true, save_preempt_hidden, posted_hidden; } ev[] = {
		{ "5.10", false, false, false }, { "debian-11", true, true, true }, { "5.10.265", true, true, true },
		{ "5.15", false, false, true }, { "5.15.215", true, true, true },
	};
	for (unsigned i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
		load(&kvm, &h, ev[i].rel);
		nvmx_vcpu_init(&v, &kvm, 0);
		nvmx_vcpu_set_cpuid(&v, h.features, 2);
		v.state = NVMX_STATE_EVMCS;
		bool true_pin_posted = !!(gread(&v, NVMX_TRUE_PINBASED) & BIT(39));
		bool pin_posted = !!(gread(&v, NVMX_PINBASED) & BIT(39));
		bool save_preempt = !!(gread(&v, NVMX_TRUE_EXIT) & BIT(54));
		tap_ok((N(&kvm, NVMX_TRUE_PINBASED) & BIT(39)) && (N(&kvm, NVMX_TRUE_EXIT) & BIT(54)) &&
		       pin_posted == !ev[i].posted_hidden && true_pin_posted == !ev[i].pin_true &&
		       save_preempt == !ev[i].save_preempt_hidden,
		       "%s, L1 with eVMCS: posted interrupts %s in 0x481, %s in 0x48d; "
		       "save-preemption-timer %s in 0x48f", ev[i].rel,
		       ev[i].posted_hidden ? "hidden" : "shown", ev[i].pin_true ? "hidden" : "shown",
		       ev[i].save_preempt_hidden ? "hidden" : "shown");
	}

	/*
	 * 5.4: L1 enabling eVMCS (QEMU's hv-evmcs, before it restores) cuts the vCPU's own
	 * controls (nested_enable_evmcs).  5.4.210 then refuses KVM's own TRUE_PINBASED
	 * with the preemption timer (bit 38: quickemu#594's "failed to set MSR 0x48d");
	 * 5.4.286 (f8ae08f9789a) checks against KVM's maximum, and L1 reads what was
	 * restored.  The harness cases (guestread, kharness/VALIDATION.md) agree.
	 */
	static const struct { const char *rel; int rc; bool l1_timer; } cut[] = {
		{ "5.4.210", -22, false }, { "ubuntu-20.04-5.4.0-131", -22, false }, { "5.4.286", 0, true },
		{ "ubuntu-20.04", 0, true },
	};
	for (unsigned i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		load(&kvm, &h, cut[i].rel);
		nvmx_vcpu_init(&v, &kvm, 0);
		nvmx_vcpu_set_cpuid(&v, h.features, 2);
		uint64_t pin = N(&kvm, NVMX_TRUE_PINBASED);
		bool fresh_cut = !(gread(&v, NVMX_TRUE_PINBASED) & BIT(38));
		nvmx_vcpu_set_state(&v, NVMX_STATE_EVMCS);
		bool l1_cut = !(gread(&v, NVMX_TRUE_PINBASED) & BIT(38));
		int rc = vwrite(&v, NVMX_TRUE_PINBASED, pin);
		bool l1_timer = !!(gread(&v, NVMX_TRUE_PINBASED) & BIT(38));
		tap_ok(loaded(&kvm) && (pin & BIT(38)) && !fresh_cut && l1_cut && rc == cut[i].rc &&
		       l1_timer == cut[i].l1_timer,
		       "%s, eVMCS enabled before the restore: TRUE_PINBASED with the preemption timer %s, "
		       "L1 then %s it", cut[i].rel, cut[i].rc ? "rejected" : "accepted",
		       cut[i].l1_timer ? "sees" : "does not see");
	}

	/* 088b8eeb25ec: the quirk, disabled, in debian-13 but not 6.12. */
	static const struct { const char *rel; bool quirk; } q[] = {
		{ "6.12", false }, { "debian-13", true }, { "6.12.33", false },
	};
	for (unsigned i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		load(&kvm, &h, q[i].rel);
		nvmx_vcpu_init(&v, &kvm, NVMX_QUIRK_STUFF_FEATURE_MSRS);
		uint64_t basic = 0;
		nvmx_vcpu_get_msr(&v, nvmx_msr_index(NVMX_BASIC), false, &basic);
		tap_ok(q[i].quirk ? basic == 0 : basic == N(&kvm, NVMX_BASIC),
		       "%s with STUFF_FEATURE_MSRS disabled: a fresh vCPU's VMX_BASIC is %s", q[i].rel,
		       q[i].quirk ? "0 (the quirk exists)" : "KVM's (no such quirk)");
	}

	/* RHEL 8: nested defaults to auto -- on iff EPT and VMCS shadowing. */
	struct nvmx_host ns = h;	/* Xeon 8180 without the shadow-VMCS control */
	nvmx_msrs_set(&ns.msrs, NVMX_PROCBASED2, raw_msr(&h, NVMX_PROCBASED2) & ~BIT(32 + 14));
	/* cpu_has_vmx_shadow_vmcs() also needs MISC bit 29 (as on the Centaur host of data/). */
	struct nvmx_host nm = h;
	nvmx_msrs_set(&nm.msrs, NVMX_MISC, raw_msr(&h, NVMX_MISC) & ~BIT(29));
	const struct { const struct nvmx_host *host; const char *what, *param; bool nested; } au[] = {
		{ &h, "Xeon 8180", NULL, true },
		{ &nm, "Xeon 8180 without VMWRITE to exit fields", NULL, false },
		{ &nm, "Xeon 8180 without VMWRITE to exit fields", "nested", true },
		{ &h, "Xeon 8180", "ept", false },
		{ &ns, "Xeon 8180 without VMCS shadowing", NULL, false },
		{ &ns, "Xeon 8180 without VMCS shadowing", "nested", true },
	};
	for (unsigned i = 0; i < sizeof(au) / sizeof(au[0]); i++) {
		struct nvmx_params p;
		nvmx_params_default(K("rhel-8.10"), &p);
		if (au[i].param)
			nvmx_params_set(K("rhel-8.10"), &p, au[i].param, !strcmp(au[i].param, "ept") ? "0" : "1", NULL);
		nvmx_kvm_load(&kvm, au[i].host, K("rhel-8.10"), &p);
		struct nvmx_kvm up;
		nvmx_kvm_load(&up, au[i].host, K("5.19"), NULL);
		tap_ok(kvm.status == NVMX_LOAD_OK && kvm.nested == au[i].nested && up.nested &&
		       kvm.params.val[NVMX_P_NESTED] == au[i].nested,
		       "rhel-8.10 on %s%s%s: nested %s (5.19: on)", au[i].what, au[i].param ? ", " : "",
		       au[i].param ? (!strcmp(au[i].param, "ept") ? "ept=0" : "nested=1") : "",
		       au[i].nested ? "on" : "off");
	}

	/* pt_mode: buried in 6.11.11, kept by RHEL 9.6, buried in 6.6.87, not in 6.6. */
	static const struct { const char *rel; bool has; } pt[] = {
		{ "6.6", true }, { "6.6.87", false }, { "rhel-9.4", true }, { "6.11.11", false },
		{ "rhel-9.6", true }, { "5.10", true }, { "debian-11", false }, { "5.10.265", false },
		{ "5.15.215", false },
	};
	for (unsigned i = 0; i < sizeof(pt) / sizeof(pt[0]); i++)
		tap_ok(nvmx_kernel_has_param(K(pt[i].rel), NVMX_P_PT_MODE) == pt[i].has,
		       "%s: pt_mode %s a kvm_intel parameter", pt[i].rel, pt[i].has ? "is" : "is not");
}

static int ends_msrs(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 5 && !strcmp(e->d_name + n - 5, ".msrs");
}

/* ---- MBEC (7.2, Proxmox VE 9.2) ------------------------------------------------ */

static uint64_t raw(const struct nvmx_host *h, enum nvmx_msr_id id)
{
	return nvmx_msrs_get(&h->msrs, id);
}

static void test_mbec(void)
{
	struct nvmx_host h;
	struct nvmx_kvm kvm;
	struct nvmx_params p;
	dump_host("intel-core-i7-1365u.msrs", &h);	/* MBEC and advanced exit info */
	tap_ok((raw(&h, NVMX_PROCBASED2) & BIT(54)) && (raw(&h, NVMX_EPT_VPID_CAP) & BIT(22)),
	       "i7-1365U: the hardware has MBEC and advanced EPT-violation exit info");
	static const struct { const char *rel, *param, *value; bool mbec, adv, cfg; } r[] = {
		{ "7.0", NULL, NULL, false, false, false },
		{ "7.1.3", NULL, NULL, false, false, false },
		{ "pve-9.2", NULL, NULL, true, true, true },
		{ "7.2.13", NULL, NULL, true, true, true },
		{ "pve-9.2", "mbec", "0", false, true, true },	/* mbec=0: not for L1, still in vmcs_config */
		/* ept=0: neither for L1 (mbec cleared); vmcs_config keeps the hardware's MBEC */
		{ "7.2.13", "ept", "0", false, false, true },
	};
	for (unsigned i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		const struct nvmx_kernel *k = K(r[i].rel);
		nvmx_params_default(k, &p);
		if (r[i].param && nvmx_params_set(k, &p, r[i].param, r[i].value, NULL)) {
			tap_ok(0, "%s has no %s", r[i].rel, r[i].param);
			continue;
		}
		nvmx_kvm_load(&kvm, &h, k, &p);
		tap_ok(loaded(&kvm) && !!(N(&kvm, NVMX_PROCBASED2) & BIT(54)) == r[i].mbec &&
		       !!(N(&kvm, NVMX_EPT_VPID_CAP) & BIT(22)) == r[i].adv &&
		       !!(kvm.cfg.proc2 & BIT(22)) == r[i].cfg,
		       "i7-1365U on %s%s%s%s: MBEC %s L1, advanced exit info %s L1, MBEC %s vmcs_config",
		       r[i].rel, r[i].param ? " " : "", r[i].param ? r[i].param : "",
		       r[i].param ? "=0" : "", r[i].mbec ? "offered to" : "not offered to",
		       r[i].adv ? "offered to" : "not offered to", r[i].cfg ? "in" : "not in");
	}
	tap_ok(nvmx_kernel_has_param(K("pve-9.2"), NVMX_P_MBEC) && nvmx_kernel_has_param(K("7.2.13"), NVMX_P_MBEC) &&
	       !nvmx_kernel_has_param(K("7.1.3"), NVMX_P_MBEC) && !nvmx_kernel_has_param(K("7.0"), NVMX_P_MBEC),
	       "the mbec parameter exists in pve-9.2 and 7.2.13, not in 7.0 or 7.1.3");
	nvmx_params_default(K("pve-9.2"), &p);
	tap_ok(p.val[NVMX_P_MBEC] == 1, "mbec defaults to 1");

	/* 9f4442eb1553: MBEC without advanced exit info is dropped from vmcs_config. */
	struct nvmx_host noadv = h;
	nvmx_msrs_set(&noadv.msrs, NVMX_EPT_VPID_CAP, raw(&h, NVMX_EPT_VPID_CAP) & ~BIT(22));
	nvmx_kvm_load(&kvm, &noadv, K("pve-9.2"), NULL);
	tap_ok(loaded(&kvm) && !(kvm.cfg.proc2 & BIT(22)) && !(N(&kvm, NVMX_PROCBASED2) & BIT(54)) &&
	       kvm.params.val[NVMX_P_MBEC] == 0,
	       "i7-1365U without advanced exit info on pve-9.2: no MBEC in vmcs_config, for L1, mbec=0");

	/* 57c45de75dc1 / 0039: with eVMCS (KVM on Hyper-V, L1 with eVMCS) MBEC stays. */
	struct nvmx_host hv = h;
	hv.hyperv_evmcs = true;
	static const struct { const char *rel; bool mbec; } ev[] = { { "7.0", false }, { "pve-9.2", true } };
	for (unsigned i = 0; i < 2; i++) {
		struct nvmx_vcpu v;
		nvmx_kvm_load(&kvm, &hv, K(ev[i].rel), NULL);
		nvmx_vcpu_init(&v, &kvm, 0);
		nvmx_vcpu_set_cpuid(&v, hv.features, 2);
		v.state = NVMX_STATE_EVMCS;
		tap_ok(loaded(&kvm) && kvm.using_evmcs && !!(kvm.cfg.proc2 & BIT(22)) == ev[i].mbec &&
		       !!(gread(&v, NVMX_PROCBASED2) & BIT(54)) == ev[i].mbec,
		       "i7-1365U under Hyper-V on %s: MBEC %s KVM's vmcs_config and L1's eVMCS read",
		       ev[i].rel, ev[i].mbec ? "kept in" : "not in");
	}

	/* The counts the sweep expects, from the raw dumps. */
	struct dirent **ents;
	int n = scandir("data/hosts", &ents, ends_msrs, alphasort);
	unsigned mbec = 0, both = 0;
	for (int i = 0; i < n; i++) {
		dump_host(ents[i]->d_name, &h);
		mbec += !!(raw(&h, NVMX_PROCBASED2) & BIT(54));
		both += (raw(&h, NVMX_PROCBASED2) & BIT(54)) && (raw(&h, NVMX_EPT_VPID_CAP) & BIT(22));
		free(ents[i]);
	}
	free(ents);
	tap_ok(mbec == 115 && both == 113, "dumps: %u with MBEC (115 expected), %u of them with advanced "
	       "exit info (113)", mbec, both);
}

/* ---- every dump: a row differs from its base only where its changes say ----- */


/*
 * Literal expectations: the bits of the nested MSRs (KVM_GET_MSRS of a
 * fresh vCPU, default parameters) in which `row` differs from `against`, and
 * on how many of the bundled real dumps.  Host counts are the ones the facts
 * state (51 WAITPKG hosts, 52 with the load-CET-state controls, 136 without
 * ENCLS exiting: the issue and the trees' findings); -1 where no fact gives a
 * count (the bit may then differ on any number of hosts, but no other bit).
 */
static const struct expect {
	const char *row, *against;
	const char *param;	/* NAME=VALUE on both, or NULL */
	unsigned ndiff;
	struct { enum nvmx_msr_id id; int bit; bool gained; int hosts; } diff[6];
} expect[] = {
	{ "6.1.158", "6.1", NULL, 1, { { NVMX_PROCBASED2, 58, true, 51 } } },
	{ "debian-12", "6.1", NULL, 1, { { NVMX_PROCBASED2, 58, true, 51 } } },
	{ "debian-12", "6.1.158", NULL, 0, { { 0, 0, false, 0 } } },
	{ "6.6.87", "6.6", NULL, 0, { { 0, 0, false, 0 } } },
	{ "6.6.150", "6.6", NULL, 0, { { 0, 0, false, 0 } } },
	{ "6.12.33", "6.12", NULL, 0, { { 0, 0, false, 0 } } },
	{ "debian-13", "6.12", NULL, 0, { { 0, 0, false, 0 } } },
	{ "6.18.26", "6.18.2", NULL, 4, { { NVMX_EXIT, 60, false, 52 }, { NVMX_TRUE_EXIT, 60, false, 52 },
				 { NVMX_ENTRY, 52, false, 52 }, { NVMX_TRUE_ENTRY, 52, false, 52 } } },
	{ "5.15.215", "5.15", NULL, 3, { { NVMX_PROCBASED2, 47, false, 136 }, { NVMX_PROCBASED2, 58, true, 51 },
				{ NVMX_CR4_FIXED1, 11, true, -1 } } },
	{ "7.1.5", "7.1.3", NULL, 0, { { 0, 0, false, 0 } } },
	{ "5.4.286", "5.4.210", NULL, 1, { { NVMX_PROCBASED2, 58, true, 51 } } },
	{ "ubuntu-20.04-5.4.0-131", "5.4.210", NULL, 0, { { 0, 0, false, 0 } } },
	{ "ubuntu-20.04", "5.4.210", NULL, 1, { { NVMX_PROCBASED2, 58, true, 51 } } },
	{ "ubuntu-20.04", "5.4.286", NULL, 0, { { 0, 0, false, 0 } } },
	{ "debian-11", "5.10", NULL, 0, { { 0, 0, false, 0 } } },
	{ "5.10.265", "5.10", NULL, 0, { { 0, 0, false, 0 } } },
	{ "ubuntu-22.04", "5.15.215", NULL, 0, { { 0, 0, false, 0 } } },
	{ "ubuntu-24.04-6.8.0-31", "6.8", NULL, 0, { { 0, 0, false, 0 } } },
	{ "ubuntu-24.04", "ubuntu-24.04-6.8.0-31", NULL, 0, { { 0, 0, false, 0 } } },
	{ "ubuntu-22.04-hwe", "ubuntu-24.04", NULL, 0, { { 0, 0, false, 0 } } },
	{ "ubuntu-24.04-hwe", "6.17", NULL, 0, { { 0, 0, false, 0 } } },
	{ "ubuntu-24.04-hwe-6.11", "6.11.11", NULL, 0, { { 0, 0, false, 0 } } },
	{ "ubuntu-24.04-hwe-6.14", "6.14", NULL, 0, { { 0, 0, false, 0 } } },
	/* RHEL 8.10 with nested=1 (its default is auto): 5.19 with the SGX fix. */
	{ "rhel-8.10", "5.19", "nested=1", 1, { { NVMX_PROCBASED2, 47, false, 136 } } },
	{ "rhel-9.4", "6.6", NULL, 0, { { 0, 0, false, 0 } } },
	{ "rhel-9.5", "6.8", NULL, 0, { { 0, 0, false, 0 } } },
	{ "rhel-9.6", "6.11.11", NULL, 0, { { 0, 0, false, 0 } } },
	{ "rhel-10.0", "6.12", NULL, 0, { { 0, 0, false, 0 } } },
	{ "pve-8", "6.8", NULL, 0, { { 0, 0, false, 0 } } },
	{ "pve-9.0", "6.14", NULL, 0, { { 0, 0, false, 0 } } },
	{ "pve-9.1", "6.17", NULL, 0, { { 0, 0, false, 0 } } },
	/* MBEC: 115 of the dumps have it, 113 of those advanced EPT-violation exit info. */
	{ "pve-9.2", "7.0", NULL, 2, { { NVMX_PROCBASED2, 54, true, 113 }, { NVMX_EPT_VPID_CAP, 22, true, 113 } } },
	{ "7.2.13", "7.1.3", NULL, 2, { { NVMX_PROCBASED2, 54, true, 113 }, { NVMX_EPT_VPID_CAP, 22, true, 113 } } },
	{ "debian-unstable", "7.2.13", NULL, 0, { { 0, 0, false, 0 } } },
};
#define NEXPECT (sizeof(expect) / sizeof(expect[0]))

static void test_sweep(void)
{
	static struct nvmx_host hosts[256];
	static char names[256][300];
	struct dirent **ents;
	int n = scandir("data/hosts", &ents, ends_msrs, alphasort);
	if (n <= 0 || n > 256) {
		printf("Bail out! data/hosts: %d dumps\n", n);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		dump_host(ents[i]->d_name, &hosts[i]);
		snprintf(names[i], sizeof(names[i]), "%s", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);

	/* Every derived row is checked against its base at least once. */
	unsigned missing = 0;
	for (unsigned r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		bool seen = false;
		for (unsigned e = 0; e < NEXPECT; e++)
			seen |= !strcmp(expect[e].row, rows[r].name) && !strcmp(expect[e].against, rows[r].base);
		if (!seen) {
			tap_diag("no sweep of %s against its base %s", rows[r].name, rows[r].base);
			missing++;
		}
	}
	tap_ok(!missing, "every derived row is swept against its base");

	for (unsigned e = 0; e < NEXPECT; e++) {
		const struct expect *x = &expect[e];
		unsigned count[6] = { 0 }, other = 0, load_diff = 0;
		for (int i = 0; i < n; i++) {
			struct nvmx_kvm a, b;
			struct nvmx_params pa, pb;
			nvmx_params_default(K(x->against), &pa);
			nvmx_params_default(K(x->row), &pb);
			if (x->param) {
				char name[64];
				const char *eq = strchr(x->param, '=');
				snprintf(name, sizeof(name), "%.*s", (int)(eq - x->param), x->param);
				nvmx_params_set(K(x->against), &pa, name, eq + 1, NULL);
				nvmx_params_set(K(x->row), &pb, name, eq + 1, NULL);
			}
			nvmx_kvm_load(&a, &hosts[i], K(x->against), &pa);
			nvmx_kvm_load(&b, &hosts[i], K(x->row), &pb);
			if (a.status != b.status || a.nested != b.nested) {
				load_diff++;
				continue;
			}
			if (!loaded(&a))
				continue;
			for (int id = 0; id < NVMX_MSR_COUNT; id++) {
				uint64_t va = N(&a, (enum nvmx_msr_id)id), vb = N(&b, (enum nvmx_msr_id)id);
				uint64_t d = va ^ vb;
				for (unsigned k = 0; k < x->ndiff; k++)
					if (x->diff[k].id == (enum nvmx_msr_id)id && (d & BIT(x->diff[k].bit))) {
						bool gained = !!(vb & BIT(x->diff[k].bit));
						if (gained == x->diff[k].gained)
							count[k]++;
						else
							other++;
						d &= ~BIT(x->diff[k].bit);
					}
				if (d) {
					if (!other)
						tap_diag("%s vs %s on %s: 0x%x differs by 0x%016llx", x->row,
							 x->against, names[i], nvmx_msr_index((enum nvmx_msr_id)id),
							 (unsigned long long)d);
					other++;
				}
			}
		}
		bool ok = !other && !load_diff;
		char what[512] = "";
		for (unsigned k = 0; k < x->ndiff; k++) {
			ok &= x->diff[k].hosts < 0 ? true : count[k] == (unsigned)x->diff[k].hosts;
			snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s0x%x bit %d %s on %u",
				 k ? ", " : ": ", nvmx_msr_index(x->diff[k].id), x->diff[k].bit,
				 x->diff[k].gained ? "gained" : "lost", count[k]);
		}
		tap_ok(ok, "%d dumps, %s against %s: %s%s", n, x->row, x->against,
		       !x->ndiff ? "the same nested MSRs on every host" : "differs only",
		       what);
	}
}

int main(void)
{
	test_identity();
	test_debian12();
	test_debian13();
	test_ubuntu68();
	test_backports();
	test_mbec();
	test_sweep();
	return tap_done();
}
