/* SPDX-License-Identifier: MIT */
/*
 * The release rows that were read in the kernel trees but have no
 * conformance data (6.0, 6.0.19, 6.2.1, 6.3.8, 6.4, 6.5, 6.8, 6.9, 6.11.11,
 * 6.13.7, 6.14, 6.17, 6.19.9): for each, facts that the spec
 * (shared/spec/kvm-nested-vmx.md, section named at each test) or the
 * release's own tree (docs/kernels.md) states, checked through the public
 * API on the spec's Appendix C vector, on real dumps and on small variations
 * of them.  Every expected value is a literal; none is asked of the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/io.h"
#include "nvmx/kvm.h"
#include "nvmx/vcpu.h"
#include "tap.h"
#include "hostgen.h"

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

static uint64_t feats(const char *flags)
{
	uint64_t f = 0;
	char buf[1024], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", flags);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		int i = nvmx_feature_lookup(t);
		if (i < 0) {
			printf("Bail out! unknown flag %s\n", t);
			exit(1);
		}
		f |= NVMX_FEAT(i);
	}
	return f;
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

static void load(struct nvmx_kvm *kvm, const struct nvmx_host *h, const char *rel,
		 const char *param, const char *value)
{
	const struct nvmx_kernel *k = K(rel);
	struct nvmx_params p;
	nvmx_params_default(k, &p);
	if (param && nvmx_params_set(k, &p, param, value, NULL)) {
		printf("Bail out! %s has no %s\n", rel, param);
		exit(1);
	}
	nvmx_kvm_load(kvm, h, k, &p);
}

static bool loaded(const struct nvmx_kvm *kvm)
{
	return kvm->status == NVMX_LOAD_OK && kvm->nested;
}

static uint64_t N(const struct nvmx_kvm *kvm, enum nvmx_msr_id id)
{
	return nvmx_caps_read(&kvm->caps, id);
}

static uint64_t vread(const struct nvmx_vcpu *v, enum nvmx_msr_id id, bool guest)
{
	uint64_t x = 0;
	struct nvmx_result r = nvmx_vcpu_get_msr(v, nvmx_msr_index(id), guest, &x);
	return r.rc ? UINT64_C(0xdeadbeefdeadbeef) : x;
}

static int vwrite(struct nvmx_vcpu *v, enum nvmx_msr_id id, uint64_t x)
{
	return nvmx_vcpu_set_msr(v, nvmx_msr_index(id), x).rc;
}

/* ---- the table and the lookups -------------------------------------------- */

static void test_table(void)
{
	/* Deliberately named: these rows and their order are facts (release dates); rows
	 * added later need not be listed, the date-order test below walks every row.
	 * Release history, not version order: 6.0.19 (2023-01-12) came out after
	 * 6.1 (2022-12-11), 6.11.11 (2024-12-05) after 6.12 (2024-11-17). */
	static const char *const order[] = {
		"5.10", "5.15", "5.19", "6.0", "6.1", "6.0.19", "6.2.1", "6.3.8", "6.4", "6.5",
		"6.6", "6.8", "6.9", "6.12", "6.11.11", "6.13.7", "6.14", "6.17", "6.18.2",
		"6.19.9", "7.0", "7.1.3",
	};
	unsigned last = 0, bad = 0;
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_find(order[i]);
		unsigned at = nvmx_kernel_count();
		for (unsigned j = 0; k && j < nvmx_kernel_count(); j++)
			if (nvmx_kernel_at(j) == k)
				at = j;
		if (!k || strcmp(nvmx_kernel_name(k), order[i]) || (i && at <= last) ||
		    at == nvmx_kernel_count()) {
			tap_diag("row %s missing or out of order", order[i]);
			bad++;
		}
		last = at;
	}
	tap_ok(!bad, "rows 5.10 ... 7.1.3 present, in release order, 13 of them added after 5.19/6.1/6.6/"
	       "6.12/6.18.2/7.0/7.1.3");
	tap_ok(nvmx_kernel_older(K("6.1"), K("6.0.19")) && !nvmx_kernel_older(K("6.0.19"), K("6.1")) &&
	       nvmx_kernel_older(K("6.12"), K("6.11.11")),
	       "lineage by date: 6.1 is older than 6.0.19, 6.12 older than 6.11.11");
	bad = 0;
	for (unsigned j = 1; j < nvmx_kernel_count(); j++)
		if (nvmx_kernel_older(nvmx_kernel_at(j), nvmx_kernel_at(j - 1)))
			bad++;
	tap_ok(!bad, "the table is in release-date order (%u rows)", nvmx_kernel_count());
	tap_ok(nvmx_kernel_count() <= NVMX_MAX_KERNELS, "%u rows fit the revoke list's release sets (%d)",
	       nvmx_kernel_count(), NVMX_MAX_KERNELS);
	/* Stated as a property over every row, so a newer upstream row (7.3) moves the default
	 * without breaking this test; 7.1.3 is the newest upstream release known to be a row. */
	const struct nvmx_kernel *def = nvmx_kernel_default();
	bad = !def || nvmx_kernel_base(def) || nvmx_kernel_distro(def) || nvmx_kernel_older(def, K("7.1.3"));
	for (unsigned j = 0; def && j < nvmx_kernel_count(); j++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(j);
		if (!nvmx_kernel_base(k) && !nvmx_kernel_distro(k) && nvmx_kernel_older(def, k)) {
			tap_diag("upstream row %s is newer than the default", nvmx_kernel_name(k));
			bad++;
		}
	}
	tap_ok(!bad, "the default row is the newest upstream release, 7.1.3 or newer (got %s)",
	       def ? nvmx_kernel_name(def) : "none");

	static const struct { const char *ask, *want; } find[] = {
		{ "6.0", "6.0" }, { "6.0.19", "6.0.19" }, { "6.2", "6.2.1" }, { "6.3", "6.3.8" },
		{ "6.11", "6.11.11" }, { "6.13", "6.13.7" }, { "6.18", "6.18.2" },
		{ "6.19", "6.19.9" }, { "7.1", "7.1.3" }, { "6.7", NULL }, { "6.2.2", NULL },
		{ "5.4", "5.4.210" }, { "5.4.286", "5.4.286" }, { "ubuntu-20.04", "ubuntu-20.04" },
		{ "focal", "ubuntu-20.04" },
		{ "6.2.1x", NULL }, { "6", NULL },
	};
	for (unsigned i = 0; i < sizeof(find) / sizeof(find[0]); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_find(find[i].ask);
		const char *got = k ? nvmx_kernel_name(k) : NULL;
		tap_ok(find[i].want ? got && !strcmp(got, find[i].want) : !got,
		       "--kvm %s selects %s (got %s)", find[i].ask,
		       find[i].want ? find[i].want : "nothing", got ? got : "nothing");
	}

	static const struct { const char *uname, *want; } un[] = {
		{ "5.4.0-150-generic", "ubuntu-20.04-5.4.0-131" },
		{ "5.4.0-131-generic", "ubuntu-20.04-5.4.0-131" }, { "5.4.0-216-generic", "ubuntu-20.04" },
		{ "5.4.286", "5.4.286" }, { "4.19.0-27-amd64", NULL }, { "5.10.0-28-amd64", "debian-11" },
		{ "5.16.20", "5.15" }, { "6.0.5", "6.0" }, { "6.0.19-1", "6.0.19" },
		{ "6.1.0-18-amd64", "6.1.158" }, { "6.2.0-39-generic", "6.2.1" },
		{ "6.3.0", "6.3.8" }, { "6.3.13", "6.3.8" }, { "6.7.12", "6.6" },
		{ "6.10.14", "6.9" }, { "6.11.0-29-generic", "ubuntu-24.04-hwe-6.11" },
		{ "6.13.2-arch1-1", "6.13.7" }, { "6.15.9", "6.14" }, { "6.16.1", "6.14" },
		{ "6.17.0-5-generic", "ubuntu-24.04-hwe" }, { "6.18.0", "6.18.2" }, { "6.18.7", "6.18.2" },
		{ "6.19", "6.19.9" }, { "7.0.3", "7.0" }, { "7.1.0-rc2", "7.1.3" },
		{ "7.2.1", "7.2.13" }, { "x", NULL },
	};
	for (unsigned i = 0; i < sizeof(un) / sizeof(un[0]); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_for_uname(un[i].uname);
		const char *got = k ? nvmx_kernel_name(k) : NULL;
		tap_ok(un[i].want ? got && !strcmp(got, un[i].want) : !got,
		       "uname %s runs as %s (got %s)", un[i].uname, un[i].want ? un[i].want : "nothing",
		       got ? got : "nothing");
	}
}

/* ---- spec Appendix C ------------------------------------------------------ */

enum col { C60, C6019, C62, NCOL };
static const struct {
	enum nvmx_msr_id id;
	uint64_t v[NCOL];	/* v6.0, 6.0.19, v6.2 - v6.19 */
} appc[] = {
	{ NVMX_BASIC, { 0x00D8100011E57ED0, 0x00D8100011E57ED0, 0x00D8100011E57ED0 } },
	{ NVMX_PINBASED, { 0x0000007F00000016, 0x0000007F00000016, 0x0000007F00000016 } },
	{ NVMX_PROCBASED, { 0xFFF9FFFE0401E172, 0xFFF9FFFE0401E172, 0xFFF9FFFE0401E172 } },
	{ NVMX_EXIT, { 0x00FFFFFF00036DFF, 0x00FFFFFF00036DFF, 0x00FFFFFF00036DFF } },
	{ NVMX_ENTRY, { 0x0001F3FF000011FF, 0x0001F3FF000011FF, 0x0001F3FF000011FF } },
	{ NVMX_MISC, { 0x0000000020000165, 0x0000000020000165, 0x0000000020000165 } },
	{ NVMX_CR0_FIXED0, { 0x0000000080000021, 0x0000000080000021, 0x0000000080000021 } },
	{ NVMX_CR0_FIXED1, { 0x00000000FFFFFFFF, 0x00000000FFFFFFFF, 0x00000000FFFFFFFF } },
	{ NVMX_CR4_FIXED0, { 0x0000000000002000, 0x0000000000002000, 0x0000000000002000 } },
	{ NVMX_CR4_FIXED1, { 0x0000000000376FFF, 0x0000000000376FFF, 0x0000000000376FFF } },
	{ NVMX_VMCS_ENUM, { 0x0000000000000032, 0x0000000000000032, 0x0000000000000032 } },
	/* 6.0.19: sgx cleared without ENCLS exiting (stable backport of 1c1a41497ab8) */
	{ NVMX_PROCBASED2, { 0x0013FBFF00000000, 0x00137BFF00000000, 0x00137BFF00000000 } },
	{ NVMX_EPT_VPID_CAP, { 0x00000F0106334041, 0x00000F0106334041, 0x00000F0106334041 } },
	{ NVMX_TRUE_PINBASED, { 0x0000007F00000016, 0x0000007F00000016, 0x0000007F00000016 } },
	{ NVMX_TRUE_PROCBASED, { 0xFFF9FFFE04006172, 0xFFF9FFFE04006172, 0xFFF9FFFE04006172 } },
	{ NVMX_TRUE_EXIT, { 0x00FFFFFF00036DFB, 0x00FFFFFF00036DFB, 0x00FFFFFF00036DFB } },
	{ NVMX_TRUE_ENTRY, { 0x0001F3FF000011FB, 0x0001F3FF000011FB, 0x0001F3FF000011FB } },
	{ NVMX_VMFUNC, { 0x0000000000000001, 0x0000000000000001, 0x0000000000000001 } },
};

static void test_appendix_c(void)
{
	static const struct { const char *rel; enum col c; } rows[] = {
		{ "6.0", C60 }, { "6.0.19", C6019 }, { "6.2.1", C62 }, { "6.3.8", C62 },
		{ "6.4", C62 }, { "6.5", C62 }, { "6.8", C62 }, { "6.9", C62 },
		{ "6.11.11", C62 }, { "6.13.7", C62 }, { "6.14", C62 }, { "6.17", C62 },
		{ "6.19.9", C62 },
	};
	struct nvmx_host h;
	struct nvmx_kvm kvm;
	hg_appendix_c_host(&h);
	for (unsigned r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		load(&kvm, &h, rows[r].rel, NULL, NULL);
		if (!tap_ok(loaded(&kvm), "Appendix C: %s loads with nested", rows[r].rel))
			continue;
		unsigned bad = 0;
		for (unsigned i = 0; i < sizeof(appc) / sizeof(appc[0]); i++) {
			uint64_t want = appc[i].v[rows[r].c], got = N(&kvm, appc[i].id);
			if (got != want) {
				bad++;
				tap_diag("%s 0x%x: got 0x%016llx, want 0x%016llx", rows[r].rel,
					 nvmx_msr_index(appc[i].id), (unsigned long long)got,
					 (unsigned long long)want);
			}
		}
		tap_ok(!bad, "Appendix C: %s, all 18 MSRs 0x480-0x491 (column %s)", rows[r].rel,
		       rows[r].c == C60 ? "v6.0" : rows[r].c == C6019 ? "v6.0 less ENCLS" : "v6.2-v6.19");
	}
}

/* ---- 6.0 ------------------------------------------------------------------ */

static void test_60(void)
{
	struct nvmx_host h;
	struct nvmx_kvm a, b;
	struct nvmx_vcpu v;
	hg_appendix_c_host(&h);

	/* §4.2: 6.0 validates against KVM's maximum, 5.19 against the vCPU's value. */
	const uint64_t pin = 0x0000007F00000016, pin_no_vnmi = 0x0000005F00000016;
	load(&a, &h, "5.19", NULL, NULL);
	load(&b, &h, "6.0", NULL, NULL);
	nvmx_vcpu_init(&v, &a, 0);
	int r1 = vwrite(&v, NVMX_TRUE_PINBASED, pin_no_vnmi), r2 = vwrite(&v, NVMX_TRUE_PINBASED, pin);
	tap_ok(r1 == 0 && r2 == -22, "5.19: virtual NMIs cleared in TRUE_PINBASED cannot be given back");
	nvmx_vcpu_init(&v, &b, 0);
	r1 = vwrite(&v, NVMX_TRUE_PINBASED, pin_no_vnmi), r2 = vwrite(&v, NVMX_TRUE_PINBASED, pin);
	tap_ok(r1 == 0 && r2 == 0, "6.0: restore checked against KVM's maximum, the bit comes back");

	/* §3.3/§3.4: PERF_GLOBAL_CTRL load controls = the hardware bit before 6.1. */
	struct nvmx_host c2;
	dump_host("intel-core2-x6800.msrs", &c2);
	load(&a, &c2, "6.0", NULL, NULL);
	load(&b, &c2, "6.1", NULL, NULL);
	tap_ok(loaded(&a) && loaded(&b), "Core2 X6800 (no PERF_GLOBAL_CTRL load controls): 6.0 and 6.1 load");
	tap_ok(!(N(&a, NVMX_TRUE_EXIT) & BIT(44)) && !(N(&a, NVMX_TRUE_ENTRY) & BIT(45)),
	       "6.0: no load-PERF_GLOBAL_CTRL for L1 where the hardware lacks it");
	tap_ok((N(&b, NVMX_TRUE_EXIT) & BIT(44)) && (N(&b, NVMX_TRUE_ENTRY) & BIT(45)),
	       "6.1: load-PERF_GLOBAL_CTRL always offered (emulated)");

	/* §3.12: the 5.x PMU-version tweak of V is gone in 6.0 (9389d5774aca). */
	load(&a, &c2, "5.19", NULL, NULL);
	load(&b, &c2, "6.0", NULL, NULL);
	nvmx_vcpu_init(&v, &a, 0);
	nvmx_vcpu_set_cpuid(&v, feats("vmx"), 2);
	tap_ok(!!(vread(&v, NVMX_TRUE_EXIT, false) & BIT(44)),
	       "5.19: a v2 PMU puts load-PERF_GLOBAL_CTRL into the vCPU's TRUE_EXIT");
	nvmx_vcpu_init(&v, &b, 0);
	nvmx_vcpu_set_cpuid(&v, feats("vmx"), 2);
	tap_eq64(vread(&v, NVMX_TRUE_EXIT, false), N(&b, NVMX_TRUE_EXIT),
		 "6.0: guest PMU version leaves the vCPU's TRUE_EXIT alone");

	/* §3.12: ... and so is the MPX tweak (8805875aa473). */
	struct nvmx_host sk;
	dump_host("intel-core-i7-6700k.msrs", &sk);
	load(&a, &sk, "5.19", NULL, NULL);
	load(&b, &sk, "6.0", NULL, NULL);
	nvmx_vcpu_init(&v, &a, 0);
	nvmx_vcpu_set_cpuid(&v, feats("vmx"), 0);
	tap_ok((N(&a, NVMX_TRUE_ENTRY) & BIT(48)) && !(vread(&v, NVMX_TRUE_ENTRY, false) & BIT(48)),
	       "5.19 on i7-6700K (MPX): a guest without MPX loses load-BNDCFGS");
	nvmx_vcpu_init(&v, &b, 0);
	nvmx_vcpu_set_cpuid(&v, feats("vmx"), 0);
	tap_ok((N(&b, NVMX_TRUE_ENTRY) & BIT(48)) && (vread(&v, NVMX_TRUE_ENTRY, false) & BIT(48)),
	       "6.0 on i7-6700K: load-BNDCFGS stays whatever the guest CPUID");

	/* §2.3 p: the entry/exit pair check, new in 6.0; nested still from the raw MSRs. */
	struct nvmx_host half = h;
	nvmx_msrs_set(&half.msrs, NVMX_ENTRY, 0x0003BFFF000011FF);	/* no VM-entry load PAT */
	load(&a, &half, "5.19", NULL, NULL);
	load(&b, &half, "6.0", NULL, NULL);
	tap_ok(loaded(&a), "half a load-PAT pair: 5.19 loads");
	tap_ok(b.status == NVMX_LOAD_PAIR_INCONSISTENT && b.load_rc == -5,
	       "half a load-PAT pair: 6.0 refuses to load (-EIO)");
	load(&a, &half, "6.0", "error_on_inconsistent_vmcs_config", "0");
	load(&b, &half, "6.1", "error_on_inconsistent_vmcs_config", "0");
	tap_ok(loaded(&a) && !(a.cfg.exit & BIT(19)), "6.0 with error_on_inconsistent_vmcs_config=0: "
	       "loads, load-PAT dropped from vmcs_config");
	tap_eq64(N(&a, NVMX_TRUE_EXIT), 0x00FFFFFF00036DFB,
		 "6.0: L1 still gets exit load-PAT (nested from the raw MSR)");
	tap_eq64(N(&b, NVMX_TRUE_EXIT), 0x00F7FFFF00036DFB,
		 "6.1: L1 loses exit load-PAT (nested from vmcs_config)");

	/* §2.2/§2.3 k, §2.7: tertiary controls read in 6.0, dropped by its eVMCS denylist. */
	struct nvmx_host t = h;
	nvmx_msrs_set(&t.msrs, NVMX_PROCBASED, 0xFFFBFFFE0401E172);
	nvmx_msrs_set(&t.msrs, NVMX_PROCBASED3, 0x0000000000000010);
	load(&a, &t, "5.19", NULL, NULL);
	load(&b, &t, "6.0", NULL, NULL);
	tap_ok(a.cfg.proc3 == 0 && b.cfg.proc3 == 0x10 && (b.cfg.proc & BIT(17)),
	       "IPI virtualization: tertiary controls in 6.0's vmcs_config, not in 5.19's");
	t.hyperv_evmcs = true;
	load(&b, &t, "6.0", NULL, NULL);
	tap_ok(loaded(&b) && b.using_evmcs && b.cfg.proc3 == 0 && !(b.cfg.proc & BIT(17)),
	       "6.0 on Hyper-V: the eVMCS denylist drops the tertiary controls");
	tap_ok(!(N(&b, NVMX_TRUE_PROCBASED) & BIT(49)), "tertiary controls never offered to L1");
}

/* ---- 6.0.19 and 6.2.1: USR_WAIT_PAUSE, the SGX clamp, bounded stuffing ------ */

static void test_waitpkg_sgx(void)
{
	struct nvmx_host h;
	struct nvmx_kvm kvm;
	struct nvmx_vcpu v;
	dump_host("intel-celeron-j6412.msrs", &h);	/* WAITPKG, no SGX */
	static const struct { const char *rel; bool uwp, encls; } rows[] = {
		{ "5.19", false, true }, { "6.0", false, true }, { "6.0.19", true, false },
		{ "6.1", false, false }, { "6.2.1", true, false }, { "6.3.8", true, false },
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		load(&kvm, &h, rows[i].rel, NULL, NULL);
		uint64_t p2 = N(&kvm, NVMX_PROCBASED2);
		tap_ok(loaded(&kvm) && !!(p2 & BIT(58)) == rows[i].uwp && !!(p2 & BIT(47)) == rows[i].encls &&
		       kvm.params.val[NVMX_P_SGX] == rows[i].encls,
		       "Celeron J6412 on %s: USR_WAIT_PAUSE %s, ENCLS exiting %s (sgx=%d)", rows[i].rel,
		       rows[i].uwp ? "offered" : "not offered", rows[i].encls ? "offered" : "not offered",
		       rows[i].encls);
	}

	/* §3.12, §7.3: with WAITPKG in guest CPUID the vCPU's own 0x48b only restores
	 * where KVM's maximum has USR_WAIT_PAUSE. */
	static const struct { const char *rel; int rc; } back[] = {
		{ "6.0", -22 }, { "6.0.19", 0 }, { "6.1", -22 }, { "6.2.1", 0 },
	};
	for (unsigned i = 0; i < sizeof(back) / sizeof(back[0]); i++) {
		load(&kvm, &h, back[i].rel, NULL, NULL);
		nvmx_vcpu_init(&v, &kvm, 0);
		nvmx_vcpu_set_cpuid(&v, h.features, 2);
		uint64_t own = vread(&v, NVMX_PROCBASED2, false);
		int rc = vwrite(&v, NVMX_PROCBASED2, own);
		tap_ok((own & BIT(58)) && rc == back[i].rc,
		       "%s: vCPU's own PROCBASED_CTLS2 with stuffed USR_WAIT_PAUSE written back: %s",
		       back[i].rel, back[i].rc ? "rejected" : "accepted");
	}
}

/* ---- 6.3.8: the eVMCS allowlists on Hyper-V, the guest-read filter --------- */

static void test_evmcs(void)
{
	struct nvmx_host h;
	struct nvmx_kvm a, b;
	struct nvmx_vcpu v;
	dump_host("intel-xeon-platinum-8180.msrs", &h);
	h.hyperv_evmcs = true;
	load(&a, &h, "6.2.1", NULL, NULL);
	load(&b, &h, "6.3.8", NULL, NULL);
	tap_ok(loaded(&a) && loaded(&b) && a.using_evmcs && b.using_evmcs,
	       "Xeon 8180 under Hyper-V: 6.2.1 and 6.3.8 use the enlightened VMCS");
	tap_ok((a.cfg.pin & BIT(7)) && (a.cfg.proc2 & BIT(13)) && (N(&a, NVMX_TRUE_PINBASED) & BIT(39)) &&
	       (N(&a, NVMX_PROCBASED2) & BIT(45)) && N(&a, NVMX_VMFUNC) == 1,
	       "6.2.1: no eVMCS trimming, posted interrupts and VMFUNC reach L1");
	tap_ok(!(b.cfg.pin & BIT(7)) && !(b.cfg.proc2 & BIT(13)) && !(N(&b, NVMX_TRUE_PINBASED) & BIT(39)) &&
	       !(N(&b, NVMX_PROCBASED2) & BIT(45)) && N(&b, NVMX_VMFUNC) == 0,
	       "6.3.8: vmcs_config kept to the allowlist, no posted interrupts or VMFUNC for L1");
	tap_ok((b.cfg.proc2 & BIT(25)) && (N(&b, NVMX_PROCBASED2) & BIT(57)) && (a.cfg.proc2 & BIT(25)),
	       "TSC scaling stays in vmcs_config and in L1's PROCBASED_CTLS2 (6.2.1, 6.3.8)");
	load(&a, &h, "6.0", NULL, NULL);
	tap_ok(!(a.cfg.proc2 & BIT(25)) && (N(&a, NVMX_PROCBASED2) & BIT(57)),
	       "6.0 under Hyper-V: TSC scaling denied in vmcs_config, still offered to L1 (raw MSR)");

	nvmx_vcpu_init(&v, &b, 0);
	nvmx_vcpu_set_cpuid(&v, h.features, 2);
	v.state = NVMX_STATE_EVMCS;
	tap_ok(!(vread(&v, NVMX_PROCBASED2, true) & BIT(57)) &&
	       (vread(&v, NVMX_PROCBASED2, false) & BIT(57)),
	       "6.3.8: L1 with eVMCS reads PROCBASED_CTLS2 without TSC scaling, userspace with it");
	tap_eq64(vread(&v, NVMX_TRUE_PROCBASED, true), vread(&v, NVMX_TRUE_PROCBASED, false),
		 "6.3.8: the primary-control allowlist covers every control KVM offers");
	tap_ok(!(vread(&v, NVMX_TRUE_EXIT, true) & BIT(44)) && (vread(&v, NVMX_TRUE_EXIT, false) & BIT(44)),
	       "6.3.8: load-PERF_GLOBAL_CTRL hidden from L1 without EVMCS1_PERF_GLOBAL_CTRL");
	v.state = NVMX_STATE_EVMCS | NVMX_STATE_EVMCS_PGC;
	tap_ok(!!(vread(&v, NVMX_TRUE_EXIT, true) & BIT(44)), "6.3.8: ... and shown with it");
}

/* ---- 6.4 / 6.11.11 / 6.19.9: writes after KVM_RUN -------------------------- */

static void test_freeze(void)
{
	struct nvmx_host h;
	struct nvmx_kvm kvm;
	struct nvmx_vcpu v;
	hg_appendix_c_host(&h);
	const uint64_t pin = 0x0000007F00000016, pin_no_vnmi = 0x0000005F00000016;
	const uint64_t pin481 = 0x0000007F00000016;
	static const struct {
		const char *rel;
		int diff, same, same_ro, same_vmxon;
	} rows[] = {
		{ "6.3.8", 0, 0, -22, -16 },	/* no freeze: the normal checks */
		{ "6.4", -22, 0, 0, 0 },	/* same value ignored */
		{ "6.9", -22, 0, 0, 0 },
		{ "6.11.11", -22, 0, -22, -16 },	/* same value goes through the checks */
		{ "6.17", -22, 0, -22, -16 },
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		load(&kvm, &h, rows[i].rel, NULL, NULL);
		nvmx_vcpu_init(&v, &kvm, 0);
		v.state = NVMX_STATE_HAS_RUN;
		int d = vwrite(&v, NVMX_TRUE_PINBASED, pin_no_vnmi);
		nvmx_vcpu_init(&v, &kvm, 0);
		v.state = NVMX_STATE_HAS_RUN;
		int s = vwrite(&v, NVMX_TRUE_PINBASED, pin);
		int ro = vwrite(&v, NVMX_PINBASED, pin481);
		v.state = NVMX_STATE_HAS_RUN | NVMX_STATE_VMXON;
		int vx = vwrite(&v, NVMX_TRUE_PINBASED, pin);
		tap_ok(d == rows[i].diff && s == rows[i].same && ro == rows[i].same_ro &&
		       vx == rows[i].same_vmxon,
		       "%s after KVM_RUN: other value %d, same value %d, same non-TRUE value %d, "
		       "same value after VMXON %d (got %d %d %d %d)", rows[i].rel, rows[i].diff,
		       rows[i].same, rows[i].same_ro, rows[i].same_vmxon, d, s, ro, vx);
	}
	/* §4.1 step 2: the guest-mode freeze is 7.0's; 6.19.9 freezes only after KVM_RUN. */
	static const struct { const char *rel; int rc; } gm[] = { { "6.19.9", -16 }, { "7.0", -22 } };
	for (unsigned i = 0; i < 2; i++) {
		load(&kvm, &h, gm[i].rel, NULL, NULL);
		nvmx_vcpu_init(&v, &kvm, 0);
		v.state = NVMX_STATE_VMXON | NVMX_STATE_GUEST_MODE;
		tap_ok(vwrite(&v, NVMX_TRUE_PINBASED, pin_no_vnmi) == gm[i].rc,
		       "%s, L2 active before any KVM_RUN, other value: %s", gm[i].rel,
		       gm[i].rc == -16 ? "-EBUSY (not frozen)" : "-EINVAL (frozen)");
	}
}

/* ---- 6.5 UMIP, 6.8 LAM, 6.19.9 CET in CR4_FIXED1 ---------------------------- */

static void test_cr4(void)
{
	struct nvmx_host h;
	struct nvmx_kvm kvm;
	struct nvmx_vcpu v;
	hg_appendix_c_host(&h);
	h.features |= feats("umip");	/* host UMIP, hardware CR4_FIXED1 without it */
	static const struct { const char *rel; uint64_t want; } umip[] = {
		{ "5.19", 0x3767FF }, { "6.0", 0x376FFF }, { "6.4", 0x376FFF }, { "6.5", 0x3767FF },
		{ "6.9", 0x3767FF },
	};
	for (unsigned i = 0; i < sizeof(umip) / sizeof(umip[0]); i++) {
		load(&kvm, &h, umip[i].rel, NULL, NULL);
		tap_eq64(N(&kvm, NVMX_CR4_FIXED1), umip[i].want,
			 "%s, host with UMIP and DESC exiting: CR4_FIXED1 %s UMIP", umip[i].rel,
			 umip[i].want & 0x800 ? "gains" : "without");
	}

	hg_appendix_c_host(&h);
	static const struct { const char *rel; uint64_t lam, cet; } g[] = {
		{ "6.6", 0x2100, 0x2100 }, { "6.8", 0x10002100, 0x2100 }, { "6.9", 0x10002100, 0x2100 },
		{ "6.17", 0x10002100, 0x2100 }, { "6.19.9", 0x10002100, 0x802100 },
	};
	for (unsigned i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		load(&kvm, &h, g[i].rel, NULL, NULL);
		nvmx_vcpu_init(&v, &kvm, 0);
		nvmx_vcpu_set_cpuid(&v, feats("vmx lam"), 0);
		uint64_t lam = vread(&v, NVMX_CR4_FIXED1, false);
		nvmx_vcpu_set_cpuid(&v, feats("vmx shstk"), 0);
		uint64_t cet = vread(&v, NVMX_CR4_FIXED1, false);
		tap_ok(lam == g[i].lam && cet == g[i].cet,
		       "%s: guest CPUID vmx+lam -> CR4_FIXED1 0x%llx, vmx+shstk -> 0x%llx", g[i].rel,
		       (unsigned long long)g[i].lam, (unsigned long long)g[i].cet);
	}
}

/* ---- 6.13.7: the quirk and the PERF_GLOBAL_CTRL erratum ---------------------- */

static void test_613(void)
{
	struct nvmx_host h;
	struct nvmx_kvm kvm;
	struct nvmx_vcpu v;
	hg_appendix_c_host(&h);
	static const struct { const char *rel; bool quirk; } q[] = {
		{ "6.11.11", false }, { "6.13.7", true }, { "6.14", true }, { "6.17", true },
		{ "6.19.9", true },
	};
	for (unsigned i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		load(&kvm, &h, q[i].rel, NULL, NULL);
		nvmx_vcpu_init(&v, &kvm, NVMX_QUIRK_STUFF_FEATURE_MSRS);
		uint64_t basic = vread(&v, NVMX_BASIC, false);
		nvmx_vcpu_set_cpuid(&v, feats("vmx rdtscp rdrand"), 0);
		uint64_t p2 = vread(&v, NVMX_PROCBASED2, false);
		if (q[i].quirk)
			tap_ok(basic == 0 && p2 == 0, "%s, STUFF_FEATURE_MSRS disabled: vCPU starts at 0, "
			       "no CPUID stuffing", q[i].rel);
		else
			tap_ok(basic == 0x00D8100011E57ED0 && (p2 & BIT(35)),
			       "%s knows no such quirk: vCPU starts at KVM's values", q[i].rel);
	}

	/* §2.3 q, §2.5: Westmere-EP (family 6 model 44) erratum. */
	struct nvmx_host w;
	dump_host("intel-xeon-w3670.msrs", &w);
	static const struct { const char *rel; bool in_cfg; } e[] = {
		{ "6.0", false }, { "6.12", true }, { "6.13.7", false }, { "6.17", false },
	};
	for (unsigned i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		load(&kvm, &w, e[i].rel, NULL, NULL);
		tap_ok(loaded(&kvm) && !!(kvm.cfg.entry & BIT(13)) == e[i].in_cfg &&
		       !!(kvm.cfg.exit & BIT(12)) == e[i].in_cfg &&
		       (N(&kvm, NVMX_TRUE_ENTRY) & BIT(45)) && (N(&kvm, NVMX_TRUE_EXIT) & BIT(44)),
		       "Xeon W3670 on %s: PERF_GLOBAL_CTRL loads %s vmcs_config, offered to L1",
		       e[i].rel, e[i].in_cfg ? "kept in" : "dropped from");
	}
	strcpy(w.vendor, "CentaurHauls");
	load(&kvm, &w, "6.0", NULL, NULL);
	tap_ok(!(kvm.cfg.entry & BIT(13)), "6.0: the erratum matches family/model of any vendor");
	load(&kvm, &w, "6.13.7", NULL, NULL);
	tap_ok(!!(kvm.cfg.entry & BIT(13)), "6.13.7: the erratum matches Intel only");
}

/* ---- 6.18+: CET ---------------------------------------------------------- */

static void test_cet(void)
{
	struct nvmx_host h;
	struct nvmx_kvm kvm;
	dump_host("intel-celeron-6305.msrs", &h);	/* load-CET-state, SHSTK/IBT, BASIC[56] */
	static const struct { const char *rel; bool cet, b56; } r[] = {
		{ "6.17", false, false }, { "6.18.2", true, true }, { "6.19.9", false, true },
		{ "7.0", false, true },
	};
	for (unsigned i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		load(&kvm, &h, r[i].rel, NULL, NULL);
		tap_ok(loaded(&kvm) && !!(N(&kvm, NVMX_TRUE_EXIT) & BIT(60)) == r[i].cet &&
		       !!(N(&kvm, NVMX_TRUE_ENTRY) & BIT(52)) == r[i].cet &&
		       !!(N(&kvm, NVMX_BASIC) & BIT(56)) == r[i].b56,
		       "Celeron 6305 on %s: load-CET-state %s, BASIC bit 56 %s", r[i].rel,
		       r[i].cet ? "offered" : "not offered", r[i].b56 ? "passed through" : "0");
	}
	/* §2.3 p: the sixth pair (load CET state) from 6.18 on. */
	hg_appendix_c_host(&h);
	nvmx_msrs_set(&h.msrs, NVMX_ENTRY, 0x0013FFFF000011FF);	/* entry CET, no exit CET */
	load(&kvm, &h, "6.17", NULL, NULL);
	tap_ok(loaded(&kvm), "entry-only load-CET-state: 6.17 loads (not in its optional set)");
	load(&kvm, &h, "6.19.9", NULL, NULL);
	tap_ok(kvm.status == NVMX_LOAD_PAIR_INCONSISTENT, "entry-only load-CET-state: 6.19.9 refuses");
}

/*
 * Upgrade pairs follow release histories (issue 12 item 4): Debian's, Ubuntu's,
 * RHEL's and Proxmox's release numbers, a stable line's point releases, the
 * mainline releases; never across lineages by date (rhel-8.10's rebuild came
 * out after 5.15.215 and 10.0; 6.19.9 before the Ubuntu 22.04 row's 5.15.215).
 */
static void test_follows(void)
{
	static const struct { const char *a, *b; bool follows; } f[] = {
		{ "rhel-8.10", "5.15.215", false }, { "6.19.9", "ubuntu-22.04", false },
		{ "rhel-8.10", "rhel-9.4", true }, { "rhel-10.0", "rhel-8.10", false },
		{ "rhel-9.4", "rhel-9.5", true }, { "rhel-9.6", "rhel-10.0", true },
		{ "debian-11", "debian-12", true }, { "debian-12", "debian-13", true },
		{ "debian-13", "debian-unstable", true }, { "debian-unstable", "debian-13", false },
		{ "ubuntu-22.04", "ubuntu-22.04-hwe", true }, { "ubuntu-22.04-hwe", "ubuntu-24.04", true },
		{ "ubuntu-24.04", "ubuntu-24.04-hwe", true }, { "ubuntu-24.04-hwe", "ubuntu-22.04", false },
		{ "ubuntu-24.04", "ubuntu-24.04-hwe-6.11", true },
		{ "ubuntu-24.04-hwe-6.11", "ubuntu-24.04-hwe-6.14", true },
		{ "ubuntu-24.04-hwe-6.14", "ubuntu-24.04-hwe", true },
		{ "ubuntu-24.04-hwe-6.14", "ubuntu-24.04-hwe-6.11", false },
		{ "pve-8", "pve-9.0", true }, { "pve-9.1", "pve-9.2", true }, { "pve-9.2", "pve-8", false },
		{ "5.10", "5.10.265", true }, { "5.15", "5.15.215", true }, { "6.1", "6.1.158", true },
		{ "6.0", "6.0.19", true }, { "6.12", "6.12.33", true }, { "6.18.2", "6.18.26", true },
		{ "5.10", "5.15", true }, { "6.0", "6.1", true }, { "6.18.2", "7.0", true },
		{ "6.11.11", "6.12", true }, { "6.1.158", "6.1", false },
		{ "5.15.215", "6.1.158", false }, { "6.18.26", "7.0", false }, { "6.1", "debian-12", false },
		{ "debian-12", "6.1.158", false }, { "pve-9.2", "7.0", false }, { "rhel-10.0", "6.12.33", false },
	};
	unsigned bad = 0;
	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!K(f[i].a) || !K(f[i].b) || nvmx_kernel_follows(K(f[i].a), K(f[i].b)) != f[i].follows) {
			tap_diag("%s -> %s: %s an upgrade along a release history", f[i].a, f[i].b,
				 f[i].follows ? "is" : "is not");
			bad++;
		}
	tap_ok(!bad, "upgrade pairs follow release histories (%zu pairs checked)", sizeof(f) / sizeof(f[0]));
	bad = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++)
		for (unsigned j = 0; j < nvmx_kernel_count(); j++) {
			const struct nvmx_kernel *a = nvmx_kernel_at(i), *b = nvmx_kernel_at(j);
			if (nvmx_kernel_follows(a, b) && (nvmx_kernel_follows(b, a) || i == j))
				bad++;
			/* distribution rows pair only within their distribution */
			const char *da = nvmx_kernel_distro(a), *db = nvmx_kernel_distro(b);
			if (nvmx_kernel_follows(a, b) && (!da != !db || (da && strncmp(da, db, strcspn(da, " ")))))
				bad++;
		}
	tap_ok(!bad, "no row follows itself or a row that follows it; no pair crosses distributions");
}

int main(void)
{
	test_table();
	test_appendix_c();
	test_60();
	test_waitpkg_sgx();
	test_evmcs();
	test_freeze();
	test_cr4();
	test_613();
	test_cet();
	test_follows();
	return tap_done();
}
