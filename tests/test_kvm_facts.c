/* SPDX-License-Identifier: MIT */
/*
 * The KVM model against facts stated independently of it: the spec's
 * Appendix C test vector (literal values), rules of the spec (§2-§3) checked
 * on every bundled host dump with the expectation computed here from the
 * dump's raw bits, the facts DATA.md reports from the real kernels (the
 * Hyper-V/TSC-scaling seed thread, ENCLS, VMCS_ENUM, BASIC bit 56,
 * PERF_GLOBAL_CTRL), and the conditions under which kvm_intel refuses to load.
 * Nothing here asks the model what it would compute.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/io.h"
#include "nvmx/kvm.h"
#include "tap.h"
#include "hostgen.h"

/* The releases, oldest first, as the brief and the conformance data name them.
 * Deliberately the nine conformance releases, named: the tables below are facts read for
 * each of them. Other rows are covered by tests that walk nvmx_kernel_at(). */
enum rel { R510, R515, R519, R61, R66, R612, R6182, R70, R713, NREL };
static const char *const rel_name[NREL] = { "5.10", "5.15", "5.19", "6.1", "6.6",
					    "6.12", "6.18.2", "7.0", "7.1.3" };
static const struct nvmx_kernel *kern[NREL];

/* ≤5.19: nested controls from the raw MSRs; 6.1+: from vmcs_config (spec §3.1). */
static int pre61(unsigned r) { return r <= R519; }

/* bit n of a control MSR's allowed-1 half, as the 64-bit MSR numbers it */
#define HI(n) ((n) + 32)

static int has(uint64_t v, unsigned bit) { return (int)(v >> bit & 1); }

/* ---- loading -------------------------------------------------------------- */

static void load_p(struct nvmx_kvm *k, const struct nvmx_host *h, unsigned r, const char *name,
		   const char *value)
{
	struct nvmx_params p;
	nvmx_params_default(kern[r], &p);
	if (name && nvmx_params_set(kern[r], &p, name, value, NULL) != 0)
		tap_diag("%s: cannot set %s=%s", rel_name[r], name, value);
	memset(k, 0, sizeof(*k));
	nvmx_kvm_load(k, h, kern[r], &p);
}

static void load(struct nvmx_kvm *k, const struct nvmx_host *h, unsigned r)
{
	memset(k, 0, sizeof(*k));
	nvmx_kvm_load(k, h, kern[r], NULL);
}

static uint64_t rd(const struct nvmx_kvm *k, enum nvmx_msr_id id)
{
	return nvmx_caps_read(&k->caps, id);
}

static int loaded(const struct nvmx_kvm *k)
{
	return k->status == NVMX_LOAD_OK && k->load_rc == 0 && k->nested;
}

/* ---- the release table ---------------------------------------------------- */

static void test_releases(void)
{
	tap_ok(nvmx_kernel_count() >= NREL, "%u release profiles (at least the %d with conformance data)",
	       nvmx_kernel_count(), NREL);
	int ok = 1;
	unsigned last = 0;
	for (unsigned r = 0; r < NREL; r++) {
		unsigned at = 0;
		kern[r] = nvmx_kernel_find(rel_name[r]);
		while (at < nvmx_kernel_count() && nvmx_kernel_at(at) != kern[r])
			at++;
		/* The table is oldest first, so these nine appear in this order. */
		if (!kern[r] || at == nvmx_kernel_count() || (r && at <= last) ||
		    strcmp(nvmx_kernel_name(kern[r]), rel_name[r])) {
			tap_diag("release %u: want %s", r, rel_name[r]);
			ok = 0;
		}
		last = at;
	}
	tap_ok(ok, "releases present, oldest first: 5.10 5.15 5.19 6.1 6.6 6.12 6.18.2 7.0 7.1.3");
	if (!ok) {
		printf("Bail out! release table differs\n");
		exit(1);
	}
}

/* ---- spec Appendix C ------------------------------------------------------ */

/* Columns of the Appendix C table used here. */
enum col { C515, C61, C62, C70, NCOL };

static const struct {
	enum nvmx_msr_id id;
	uint64_t v[NCOL];	/* v5.15/v5.19, v6.1, v6.2-v6.19, v7.0-v7.1 */
} appc[] = {
	{ NVMX_BASIC, { 0x00D8100011E57ED0, 0x00D8100011E57ED0, 0x00D8100011E57ED0, 0x00D8100011E57ED0 } },
	{ NVMX_PINBASED, { 0x0000007F00000016, 0x0000007F00000016, 0x0000007F00000016, 0x0000007F00000016 } },
	{ NVMX_PROCBASED, { 0xFFF9FFFE0401E172, 0xFFF9FFFE0401E172, 0xFFF9FFFE0401E172, 0xFFF9FFFE0401E172 } },
	{ NVMX_EXIT, { 0x00FFFFFF00036DFF, 0x00FFFFFF00036DFF, 0x00FFFFFF00036DFF, 0x00FFFFFF00036DFF } },
	{ NVMX_ENTRY, { 0x0001F3FF000011FF, 0x0001F3FF000011FF, 0x0001F3FF000011FF, 0x0001F3FF000011FF } },
	{ NVMX_MISC, { 0x0000000020000165, 0x0000000020000165, 0x0000000020000165, 0x0000000020000165 } },
	{ NVMX_CR0_FIXED0, { 0x0000000080000021, 0x0000000080000021, 0x0000000080000021, 0x0000000080000021 } },
	{ NVMX_CR0_FIXED1, { 0x00000000FFFFFFFF, 0x00000000FFFFFFFF, 0x00000000FFFFFFFF, 0x00000000FFFFFFFF } },
	{ NVMX_CR4_FIXED0, { 0x0000000000002000, 0x0000000000002000, 0x0000000000002000, 0x0000000000002000 } },
	{ NVMX_CR4_FIXED1, { 0x00000000003767FF, 0x0000000000376FFF, 0x0000000000376FFF, 0x0000000000376FFF } },
	{ NVMX_VMCS_ENUM, { 0x0000000000000032, 0x0000000000000032, 0x0000000000000032, 0x000000000000002E } },
	{ NVMX_PROCBASED2, { 0x0013FBFF00000000, 0x00137BFF00000000, 0x00137BFF00000000, 0x00137BFF00000000 } },
	{ NVMX_EPT_VPID_CAP, { 0x00000F0106334041, 0x00000F0106334041, 0x00000F0106334041, 0x00000F0106334041 } },
	{ NVMX_TRUE_PINBASED, { 0x0000007F00000016, 0x0000007F00000016, 0x0000007F00000016, 0x0000007F00000016 } },
	{ NVMX_TRUE_PROCBASED, { 0xFFF9FFFE04006172, 0xFFF9FFFE04006172, 0xFFF9FFFE04006172, 0xFFF9FFFE04006172 } },
	{ NVMX_TRUE_EXIT, { 0x00FFFFFF00036DFB, 0x00FFFFFF00036DFB, 0x00FFFFFF00036DFB, 0x00FFFFFF00036DFB } },
	{ NVMX_TRUE_ENTRY, { 0x0001F3FF000011FB, 0x0001F3FF000011FB, 0x0001F3FF000011FB, 0x0001F3FF000011FB } },
	{ NVMX_VMFUNC, { 0x0000000000000001, 0x0000000000000001, 0x0000000000000001, 0x0000000000000001 } },
};


static void test_appendix_c(void)
{
	static const int colof[NREL] = { -1, C515, C515, C61, C62, C62, C62, C70, C70 };
	struct nvmx_host h;
	struct nvmx_kvm k;
	hg_appendix_c_host(&h);
	tap_ok(!(h.features & (NVMX_FEAT(NVMX_F_SGX) | NVMX_FEAT(NVMX_F_UMIP))) &&
	       (h.features & NVMX_FEAT(NVMX_F_VMX)) && (h.features & NVMX_FEAT(NVMX_F_NX)),
	       "Appendix C host: vmx nx, no sgx, no umip");
	for (unsigned r = 0; r < NREL; r++) {
		if (colof[r] < 0)
			continue;
		load(&k, &h, r);
		if (!tap_ok(loaded(&k), "Appendix C: %s loads with nested", rel_name[r]))
			continue;
		unsigned bad = 0;
		for (size_t i = 0; i < sizeof(appc) / sizeof(appc[0]); i++) {
			uint64_t want = appc[i].v[colof[r]], got = rd(&k, appc[i].id);
			if (got != want) {
				bad++;
				tap_diag("%s 0x%x: got 0x%016llx, want 0x%016llx", rel_name[r],
					 nvmx_msr_index(appc[i].id), (unsigned long long)got,
					 (unsigned long long)want);
			}
		}
		tap_ok(bad == 0, "Appendix C: %s all 18 MSRs 0x480-0x491 as tabled (%u differ)",
		       rel_name[r], bad);
	}
}

/* ---- the bundled dumps ---------------------------------------------------- */

struct dump {
	char *name;
	struct nvmx_hostfile hf;
};

static struct dump *dumps;
static size_t ndumps;

static void read_dumps(void)
{
	size_t n;
	char **names = hg_list_dumps(&n);
	dumps = calloc(n ? n : 1, sizeof(*dumps));
	unsigned bad = 0;
	for (size_t i = 0; i < n; i++) {
		if (hg_read_dump(names[i], &dumps[ndumps].hf) < 0) {
			tap_diag("cannot read %s", names[i]);
			bad++;
			continue;
		}
		dumps[ndumps++].name = strdup(names[i]);
	}
	hg_free_list(names, n);
	tap_ok(ndumps == 178 && bad == 0, "read all 178 bundled dumps (%zu, %u unreadable)", ndumps, bad);
}

static const struct nvmx_host *dump_host(const char *name)
{
	for (size_t i = 0; i < ndumps; i++)
		if (!strcmp(dumps[i].name, name))
			return &dumps[i].hf.host;
	tap_diag("dump %s not found", name);
	return NULL;
}

/* What the host offers, straight from its raw MSRs (spec §2.2, §2.8). */
struct raw {
	int sec;		/* 0x482 allowed-1 "activate secondary controls" */
	uint32_t p2;		/* 0x48B allowed-1, 0 without secondary controls */
	uint32_t ept, vpid;	/* 0x48C halves */
	int ept_ok, vpid_ok, ug_ok;
	int sgx;		/* CPUID SGX */
};

static void raw_of(const struct nvmx_host *h, struct raw *w)
{
	memset(w, 0, sizeof(*w));
	w->sec = has(nvmx_msrs_get(&h->msrs, NVMX_PROCBASED), HI(31));
	w->p2 = w->sec ? nvmx_hi(nvmx_msrs_get(&h->msrs, NVMX_PROCBASED2)) : 0;
	w->ept = nvmx_lo(nvmx_msrs_get(&h->msrs, NVMX_EPT_VPID_CAP));
	w->vpid = nvmx_hi(nvmx_msrs_get(&h->msrs, NVMX_EPT_VPID_CAP));
	/* EPT usable: control + page-walk 4 (6) + WB (14) + all-context INVEPT (26) */
	w->ept_ok = (w->p2 & 0x2) && (w->ept & 0x40) && (w->ept & 0x4000) && (w->ept & 0x4000000);
	/* VPID usable: control + INVVPID (0) + single (9) or all (10) context */
	w->vpid_ok = (w->p2 & 0x20) && (w->vpid & 0x1) && (w->vpid & 0x600);
	w->ug_ok = (w->p2 & 0x80) && w->ept_ok;
	w->sgx = !!(h->features & NVMX_FEAT(NVMX_F_SGX));
}

#define MAXBAD 4
struct tally {
	unsigned n, bad;
};

static void tally(struct tally *t, int ok, const char *what, const char *host, unsigned r)
{
	t->n++;
	if (!ok && ++t->bad <= MAXBAD)
		tap_diag("%s: %s on %s", what, host, rel_name[r]);
}

static void test_dumps(void)
{
	static struct nvmx_kvm k, k0;
	unsigned hw_no_pgc_loaded_61 = 0, b56_hosts = 0;
	for (unsigned r = 0; r < NREL; r++) {
		struct tally nload = { 0, 0 }, eptv = { 0, 0 }, ept0 = { 0, 0 }, pgc = { 0, 0 },
			     encls = { 0, 0 }, vmcsenum = { 0, 0 }, b56 = { 0, 0 },
			     tscs = { 0, 0 };
		unsigned nonsgx = 0;
		for (size_t i = 0; i < ndumps; i++) {
			const struct nvmx_host *h = &dumps[i].hf.host;
			const char *nm = dumps[i].name;
			struct raw w;
			raw_of(h, &w);
			load(&k, h, r);
			if (!loaded(&k))
				continue;
			nload.n++;

			/* EPT, VPID, unrestricted guest offered exactly when usable */
			uint64_t p2 = rd(&k, NVMX_PROCBASED2);
			tally(&eptv, has(p2, HI(1)) == w.ept_ok && has(p2, HI(5)) == w.vpid_ok &&
					     has(p2, HI(7)) == w.ug_ok,
			      "EPT/VPID/UG offer vs host", nm, r);

			/* ept=0: no EPT, UG, PML; EPT caps and VMFUNC zero */
			load_p(&k0, h, r, "ept", "0");
			if (loaded(&k0)) {
				uint64_t q = rd(&k0, NVMX_PROCBASED2);
				tally(&ept0, !has(q, HI(1)) && !has(q, HI(7)) && !has(q, HI(17)) &&
						     nvmx_lo(rd(&k0, NVMX_EPT_VPID_CAP)) == 0 &&
						     rd(&k0, NVMX_VMFUNC) == 0,
				      "ept=0 leaves EPT bits", nm, r);
			} else {
				/* only a host without NX may refuse (spec §2.4) */
				tally(&ept0, r != R510 && k0.status == NVMX_LOAD_NO_NX &&
						     !(h->features & NVMX_FEAT(NVMX_F_NX)),
				      "ept=0 refused", nm, r);
			}

			/* PERF_GLOBAL_CTRL load controls: forced 6.1+, raw hardware bit ≤5.19 */
			int hx = has(nvmx_msrs_get(&h->msrs, NVMX_EXIT), HI(12));
			int hn = has(nvmx_msrs_get(&h->msrs, NVMX_ENTRY), HI(13));
			int gx = has(rd(&k, NVMX_TRUE_EXIT), 44), gn = has(rd(&k, NVMX_TRUE_ENTRY), 45);
			if (pre61(r))
				tally(&pgc, gx == hx && gn == hn, "PERF_GLOBAL_CTRL = hardware", nm, r);
			else
				tally(&pgc, gx && gn, "PERF_GLOBAL_CTRL forced", nm, r);
			if (r == R61 && !(hx && hn))
				hw_no_pgc_loaded_61++;

			/* ENCLS exiting (0x48B bit 47) */
			int e = has(p2, HI(15));
			if (r == R510)
				tally(&encls, !e, "5.10 offers ENCLS", nm, r);
			else if (pre61(r)) {
				if (!w.sgx) {
					nonsgx++;
					tally(&encls, e, "ENCLS not offered without SGX", nm, r);
				}
			} else
				tally(&encls, e == (w.sgx && (w.p2 & 0x8000)), "ENCLS vs SGX host",
				      nm, r);

			/* VMCS_ENUM */
			uint64_t en = rd(&k, NVMX_VMCS_ENUM);
			int tsc = !!(w.p2 & 0x02000000);
			if (r == R510)
				tally(&vmcsenum, en == 0x2E, "5.10 VMCS_ENUM", nm, r);
			else if (r >= R70)
				tally(&vmcsenum, en == (tsc ? 0x32u : 0x2Eu), "VMCS_ENUM vs TSC scaling",
				      nm, r);
			else
				tally(&vmcsenum, en == 0x32, "VMCS_ENUM 0x32", nm, r);

			/* TSC scaling (bit 57) from 5.15 on follows the host; 5.10 never */
			tally(&tscs, has(p2, HI(25)) == (r != R510 && tsc), "TSC scaling offer", nm, r);

			/* BASIC bit 56 */
			int hb = has(nvmx_msrs_get(&h->msrs, NVMX_BASIC), 56);
			if (r == R70 && hb)
				b56_hosts++;
			tally(&b56, has(rd(&k, NVMX_BASIC), 56) == (r >= R6182 && hb), "BASIC bit 56",
			      nm, r);
		}
		tap_ok(nload.n >= 150, "%s: %u of %zu dumps load with nested", rel_name[r], nload.n,
		       ndumps);
		tap_ok(!eptv.bad, "%s: EPT/VPID/unrestricted guest in 0x48B exactly when the host "
			"can (%u dumps)", rel_name[r], eptv.n);
		tap_ok(!ept0.bad, "%s: ept=0 drops EPT, UG, PML, EPT caps and VMFUNC (%u dumps)",
		       rel_name[r], ept0.n);
		tap_ok(!pgc.bad, "%s: TRUE_EXIT bit 44 / TRUE_ENTRY bit 45 %s (%u dumps)", rel_name[r],
		       pre61(r) ? "equal the hardware bits" : "always set", pgc.n);
		if (r == R510)
			tap_ok(!encls.bad, "5.10: never offers ENCLS exiting (%u dumps)", encls.n);
		else if (pre61(r))
			tap_ok(!encls.bad && nonsgx >= 100,
			       "%s: offers ENCLS exiting on every dump without SGX (%u dumps)",
			       rel_name[r], nonsgx);
		else
			tap_ok(!encls.bad, "%s: ENCLS exiting only on SGX hosts with the control (%u)",
			       rel_name[r], encls.n);
		tap_ok(!vmcsenum.bad, "%s: VMCS_ENUM %s (%u dumps)", rel_name[r],
		       r == R510 ? "0x2e" : r >= R70 ? "0x32 with TSC scaling, else 0x2e" : "0x32",
		       vmcsenum.n);
		tap_ok(!tscs.bad, "%s: TSC scaling offered %s (%u dumps)", rel_name[r],
		       r == R510 ? "never" : "iff the host has it", tscs.n);
		tap_ok(!b56.bad, "%s: BASIC bit 56 %s (%u dumps)", rel_name[r],
		       r >= R6182 ? "passed through" : "never set", b56.n);
	}
	tap_ok(hw_no_pgc_loaded_61 >= 3,
	       "dumps without the hardware PERF_GLOBAL_CTRL controls were covered in 6.1 (%u)",
	       hw_no_pgc_loaded_61);
	tap_ok(b56_hosts >= 40, "dumps with BASIC bit 56 were covered (%u)", b56_hosts);
}

/* ---- PERF_GLOBAL_CTRL erratum (spec §2.5, row q of §2.3) ------------------- */

static void test_perf_erratum(void)
{
	static struct nvmx_kvm k;
	/* The one erratum CPU among the dumps: Xeon W3670, Westmere-EP, 6/44. */
	unsigned found = 0;
	for (size_t i = 0; i < ndumps; i++) {
		const struct nvmx_host *h = &dumps[i].hf.host;
		if (h->family == 6 && (h->model == 26 || h->model == 30 || h->model == 37 ||
				       h->model == 44 || h->model == 46)) {
			found++;
			tap_diag("erratum model: %s (6/%u)", dumps[i].name, h->model);
		}
	}
	tap_ok(found == 1, "exactly one dump is on the PERF_GLOBAL_CTRL erratum list (%u)", found);
	const struct nvmx_host *w = dump_host("intel-xeon-w3670.msrs");
	if (!tap_ok(w && w->model == 44, "intel-xeon-w3670.msrs is 6/44"))
		return;
	tap_ok(has(w->msrs.val[NVMX_EXIT], HI(12)) && has(w->msrs.val[NVMX_ENTRY], HI(13)),
	       "W3670 hardware has both load-PERF_GLOBAL_CTRL controls");

	/* The W3670 itself and, with only the model changed, the other erratum models;
	 * a non-erratum model (45) and a VIA CPU with model 46 as controls. */
	static const struct {
		const char *vendor;
		unsigned model;
	} ids[] = { { "GenuineIntel", 44 }, { "GenuineIntel", 26 }, { "GenuineIntel", 30 },
		    { "GenuineIntel", 37 }, { "GenuineIntel", 46 }, { "GenuineIntel", 45 },
		    { "CentaurHauls", 46 } };
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct nvmx_host h = *w;
		hg_identity(&h, ids[i].vendor, 6, ids[i].model, w->stepping);
		int erratum = ids[i].model != 45;
		int intel = !strcmp(ids[i].vendor, "GenuineIntel");
		for (unsigned r = 0; r < NREL; r++) {
			load(&k, &h, r);
			if (!tap_ok(loaded(&k), "%s 6/%u loads on %s", ids[i].vendor, ids[i].model,
				    rel_name[r]))
				continue;
			/* cleared in vmcs_config ≤6.0 (any vendor) and 6.13+ (Intel only) */
			int cleared = erratum && (pre61(r) || (r >= R6182 && intel));
			int cx = !!(k.cfg.exit & 0x1000), cn = !!(k.cfg.entry & 0x2000);
			tap_ok(cx == !cleared && cn == !cleared,
			       "%s 6/%u %s: vmcs_config load-PERF_GLOBAL_CTRL exit/entry %s (got %d/%d)",
			       ids[i].vendor, ids[i].model, rel_name[r], cleared ? "cleared" : "kept",
			       cx, cn);
			tap_ok(has(rd(&k, NVMX_TRUE_EXIT), 44) && has(rd(&k, NVMX_TRUE_ENTRY), 45),
			       "%s 6/%u %s: nested TRUE_EXIT bit 44, TRUE_ENTRY bit 45 still offered",
			       ids[i].vendor, ids[i].model, rel_name[r]);
		}
	}
}

/* ---- vnmi: 6.1's cpu_has_virtual_nmis() also wants NMI-window exiting ------ */

static void test_vnmi_nmi_window(void)
{
	static struct nvmx_kvm k;
	const struct nvmx_host *x = dump_host("intel-xeon-platinum-8180.msrs");
	if (!tap_ok(x != NULL, "intel-xeon-platinum-8180.msrs is bundled"))
		return;
	/* The same processor without NMI-window exiting (primary bit 22 allowed-1):
	 * optional in every set, so the module still loads. */
	struct nvmx_host h = *x;
	h.msrs.val[NVMX_PROCBASED] &= ~(UINT64_C(1) << HI(22));
	h.msrs.val[NVMX_TRUE_PROCBASED] &= ~(UINT64_C(1) << HI(22));
	for (unsigned r = 0; r < NREL; r++) {
		load(&k, x, r);
		tap_ok(loaded(&k) && k.params.val[NVMX_P_VNMI] == 1, "%s: 8180 keeps vnmi=1",
		       rel_name[r]);
		load(&k, &h, r);
		int want = pre61(r) ? 1 : 0;
		tap_ok(loaded(&k) && k.params.val[NVMX_P_VNMI] == want,
		       "%s: 8180 without NMI-window exiting reads vnmi=%d (got %d)", rel_name[r],
		       want, (int)k.params.val[NVMX_P_VNMI]);
	}
}

/* ---- the seed thread: Xeon Platinum 8180, KVM on Hyper-V with eVMCS -------- */

static void test_seed_thread(void)
{
	static struct nvmx_kvm bare, hv;
	const struct nvmx_host *b = dump_host("intel-xeon-platinum-8180.msrs");
	if (!tap_ok(b != NULL, "Xeon Platinum 8180 dump"))
		return;
	struct nvmx_host h = *b;
	h.hyperv_evmcs = true;
	tap_ok(has(b->msrs.val[NVMX_PROCBASED2], HI(25)), "8180 hardware has TSC scaling");
	for (unsigned r = 0; r < NREL; r++) {
		const char *v = rel_name[r];
		load(&bare, b, r);
		load(&hv, &h, r);
		if (!tap_ok(loaded(&bare) && loaded(&hv), "8180 %s loads bare metal and on Hyper-V", v))
			continue;
		uint64_t bp2 = rd(&bare, NVMX_PROCBASED2), hp2 = rd(&hv, NVMX_PROCBASED2);
		int cfg_tsc = !!(hv.cfg.proc2 & 0x02000000), n_tsc = has(hp2, HI(25));
		if (r != R510)
			tap_ok(hv.using_evmcs, "8180 %s on Hyper-V: KVM uses eVMCS", v);
		if (r == R510) {
			tap_ok(!has(bp2, HI(25)) && !n_tsc, "8180 5.10: TSC scaling never offered to L1");
		} else if (pre61(r)) {
			tap_ok(!cfg_tsc && n_tsc,
			       "8180 %s on Hyper-V: vmcs_config lacks TSC scaling, L1 still offered "
			       "it (0x48B bit 57) - the seed-thread bug", v);
			tap_ok((bare.cfg.proc2 & 0x02000000) && has(bp2, HI(25)),
			       "8180 %s bare metal: TSC scaling in vmcs_config and 0x48B", v);
		} else if (r == R61) {
			tap_ok(cfg_tsc && n_tsc, "8180 6.1 on Hyper-V: TSC scaling in vmcs_config and 0x48B");
			int same = !memcmp(&bare.cfg, &hv.cfg, sizeof(bare.cfg));
			for (int id = NVMX_BASIC; id <= NVMX_VMFUNC; id++)
				same &= rd(&bare, (enum nvmx_msr_id)id) == rd(&hv, (enum nvmx_msr_id)id);
			tap_ok(same, "8180 6.1 on Hyper-V: vmcs_config and nested values as on bare "
				     "metal (no sanitization)");
		} else {
			tap_ok(cfg_tsc && n_tsc, "8180 %s on Hyper-V: TSC scaling in vmcs_config and 0x48B", v);
			/* posted interrupts (pin 7), VAPIC (0), APIC-register virt (8), VID (9), VMFUNC (13) */
			int bare_has = has(rd(&bare, NVMX_TRUE_PINBASED), HI(7)) && has(bp2, HI(0)) &&
				       has(bp2, HI(8)) && has(bp2, HI(9)) && has(bp2, HI(13)) &&
				       rd(&bare, NVMX_VMFUNC) == 1;
			int hv_none = !has(rd(&hv, NVMX_TRUE_PINBASED), HI(7)) &&
				      !has(rd(&hv, NVMX_PINBASED), HI(7)) && !has(hp2, HI(0)) &&
				      !has(hp2, HI(8)) && !has(hp2, HI(9)) && !has(hp2, HI(13)) &&
				      rd(&hv, NVMX_VMFUNC) == 0;
			tap_ok(bare_has, "8180 %s bare metal: posted intr, APICv, VMFUNC offered", v);
			tap_ok(hv_none, "8180 %s on Hyper-V: posted intr, APICv, VMFUNC dropped from "
				        "0x481/0x48D, 0x48B, 0x491", v);
		}
	}
}

/* ---- refusals (spec §2.4) -------------------------------------------------- */

static int describe_has(const struct nvmx_kvm *k, const char *needle)
{
	char buf[1024];
	size_t n = nvmx_kvm_describe_failure(k, buf, sizeof(buf));
	if (!n || !strstr(buf, needle)) {
		tap_diag("describe: '%s'", n ? buf : "");
		return 0;
	}
	return 1;
}

/* A required control taken away from a real dump. */
struct missing {
	enum nvmx_msr_id msr;	/* non-TRUE MSR cleared (TRUE twin cleared too) */
	enum nvmx_msr_id twin;
	unsigned bit;		/* control bit within the word */
	enum nvmx_word word;
	const char *macro;
	unsigned first;		/* first release that requires it */
};

static void test_refusals(void)
{
	static struct nvmx_kvm k;
	const struct nvmx_host *base = dump_host("intel-core-i7-6700k.msrs");
	if (!tap_ok(base != NULL, "i7-6700K dump"))
		return;
	for (unsigned r = 0; r < NREL; r++) {
		load(&k, base, r);
		tap_ok(loaded(&k), "i7-6700K as dumped loads on %s", rel_name[r]);
	}

	static const struct missing req[] = {
		{ NVMX_PROCBASED, NVMX_TRUE_PROCBASED, 7, NVMX_WORD_PROC, "CPU_BASED_HLT_EXITING", R510 },
		{ NVMX_PROCBASED, NVMX_TRUE_PROCBASED, 24, NVMX_WORD_PROC, "CPU_BASED_UNCOND_IO_EXITING", R510 },
		{ NVMX_PROCBASED, NVMX_TRUE_PROCBASED, 2, NVMX_WORD_PROC, "CPU_BASED_INTR_WINDOW_EXITING", R61 },
		{ NVMX_PINBASED, NVMX_TRUE_PINBASED, 3, NVMX_WORD_PIN, "PIN_BASED_NMI_EXITING", R510 },
		{ NVMX_EXIT, NVMX_TRUE_EXIT, 15, NVMX_WORD_EXIT, "VM_EXIT_ACK_INTR_ON_EXIT", R510 },
		{ NVMX_ENTRY, NVMX_TRUE_ENTRY, 9, NVMX_WORD_ENTRY, "VM_ENTRY_IA32E_MODE", R61 },
	};
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		struct nvmx_host h = *base;
		h.msrs.val[req[i].msr] &= ~HG_BIT(HI(req[i].bit));
		h.msrs.val[req[i].twin] &= ~HG_BIT(HI(req[i].bit));
		for (unsigned r = 0; r < NREL; r++) {
			load(&k, &h, r);
			if (r < req[i].first) {
				tap_ok(loaded(&k), "%s without %s loads (not required before %s)",
				       rel_name[r], req[i].macro, rel_name[req[i].first]);
				continue;
			}
			int ok = k.status == NVMX_LOAD_MISSING_CONTROLS && k.load_rc == -EIO &&
				 k.fail_word == req[i].word && (k.fail_bits & (UINT64_C(1) << req[i].bit));
			ok = tap_ok(ok, "%s without %s: refuses, missing controls, -EIO (status %d rc %d)",
				    rel_name[r], req[i].macro, k.status, k.load_rc) && ok;
			tap_ok(!k.nested && describe_has(&k, req[i].macro),
			       "%s: the failure names %s", rel_name[r], req[i].macro);
		}
	}

	/* BASIC: memory type UC, region size 8192, 32-bit addresses */
	static const struct {
		const char *what;
		uint64_t clear, set;
	} basics[] = {
		{ "memory type UC", UINT64_C(0xF) << 50, 0 },
		/* bits 44:32 hold at most 8191; 8192 itself is not encodable */
		{ "VMCS size 4097", UINT64_C(0x1FFF) << 32, UINT64_C(0x1001) << 32 },
		{ "VMCS size 8191", UINT64_C(0x1FFF) << 32, UINT64_C(0x1FFF) << 32 },
		{ "bit 48 (32-bit addresses)", 0, HG_BIT(48) },
	};
	for (size_t i = 0; i < sizeof(basics) / sizeof(basics[0]); i++) {
		struct nvmx_host h = *base;
		h.msrs.val[NVMX_BASIC] = (h.msrs.val[NVMX_BASIC] & ~basics[i].clear) | basics[i].set;
		unsigned bad = 0;
		for (unsigned r = 0; r < NREL; r++) {
			load(&k, &h, r);
			if (k.status != NVMX_LOAD_BAD_BASIC || k.nested) {
				bad++;
				tap_diag("%s: status %d", rel_name[r], k.status);
			}
		}
		tap_ok(!bad, "BASIC with %s: every release refuses (bad BASIC)", basics[i].what);
	}
	{
		struct nvmx_host h = *base;
		h.msrs.val[NVMX_BASIC] = (h.msrs.val[NVMX_BASIC] & ~(UINT64_C(0x1FFF) << 32)) |
					 (UINT64_C(0x1000) << 32);
		unsigned bad = 0;
		for (unsigned r = 0; r < NREL; r++) {
			load(&k, &h, r);
			bad += !loaded(&k);
		}
		tap_ok(!bad, "BASIC with VMCS size exactly 4096 loads everywhere");
	}

	/* Entry/exit pair half present: exit LOAD_IA32_EFER (21) without entry LOAD_IA32_EFER (15) */
	struct nvmx_host h = *base;
	tap_ok(has(h.msrs.val[NVMX_EXIT], HI(21)) && has(h.msrs.val[NVMX_ENTRY], HI(15)),
	       "i7-6700K has both LOAD_IA32_EFER controls");
	h.msrs.val[NVMX_ENTRY] &= ~HG_BIT(HI(15));
	h.msrs.val[NVMX_TRUE_ENTRY] &= ~HG_BIT(HI(15));
	for (unsigned r = 0; r < NREL; r++) {
		load(&k, &h, r);
		if (pre61(r)) {
			/* no pair check before 6.0 (spec §2.3 p): loads, vmcs_config keeps the half */
			tap_ok(loaded(&k) && (k.cfg.exit & 0x200000) && !(k.cfg.entry & 0x8000),
			       "%s: half LOAD_IA32_EFER pair loads, exit side kept (no pair check)",
			       rel_name[r]);
		} else {
			tap_ok(k.status == NVMX_LOAD_PAIR_INCONSISTENT && !k.nested,
			       "%s: half LOAD_IA32_EFER pair refused (status %d)", rel_name[r], k.status);
			tap_ok(describe_has(&k, "EFER"), "%s: the pair failure names EFER", rel_name[r]);
			load_p(&k, &h, r, "error_on_inconsistent_vmcs_config", "0");
			tap_ok(loaded(&k) && !(k.cfg.exit & 0x200000) && !(k.cfg.entry & 0x8000),
			       "%s error_on_inconsistent_vmcs_config=0: loads, both sides cleared",
			       rel_name[r]);
		}
	}

	/* EPT capabilities without the EPT control */
	h = *base;
	h.msrs.val[NVMX_PROCBASED2] &= ~HG_BIT(HI(1));
	for (unsigned r = 0; r < NREL; r++) {
		load(&k, &h, r);
		if (pre61(r)) {
			tap_ok(loaded(&k) && !has(rd(&k, NVMX_PROCBASED2), HI(1)) &&
				       nvmx_lo(rd(&k, NVMX_EPT_VPID_CAP)) == 0,
			       "%s: EPT caps without EPT: loads, no EPT, EPT caps 0", rel_name[r]);
		} else {
			tap_ok(k.status == NVMX_LOAD_EPT_INCONSISTENT && !k.nested,
			       "%s: EPT caps without EPT refused (status %d)", rel_name[r], k.status);
			load_p(&k, &h, r, "error_on_inconsistent_vmcs_config", "0");
			tap_ok(loaded(&k) && !has(rd(&k, NVMX_PROCBASED2), HI(1)) &&
				       nvmx_lo(rd(&k, NVMX_EPT_VPID_CAP)) == 0,
			       "%s error_on_inconsistent_vmcs_config=0: loads without EPT", rel_name[r]);
		}
	}

	/* No NX with EPT off: 5.15+ refuse, 5.10 loads (DATA.md) */
	h = *base;
	h.features &= ~NVMX_FEAT(NVMX_F_NX);
	for (unsigned r = 0; r < NREL; r++) {
		load(&k, &h, r);
		int with_ept = loaded(&k);
		load_p(&k, &h, r, "ept", "0");
		if (r == R510)
			tap_ok(with_ept && loaded(&k), "5.10: no NX loads with and without EPT");
		else
			tap_ok(with_ept && k.status == NVMX_LOAD_NO_NX,
			       "%s: no NX loads with EPT, refuses with ept=0 (status %d)", rel_name[r],
			       k.status);
	}

	/* No VMX in CPUID */
	h = *base;
	h.features &= ~NVMX_FEAT(NVMX_F_VMX);
	unsigned bad = 0;
	for (unsigned r = 0; r < NREL; r++) {
		load(&k, &h, r);
		bad += k.status != NVMX_LOAD_NO_VMX || k.nested;
	}
	tap_ok(!bad, "no VMX in CPUID: every release refuses");

	/* nested=0: loads, no nested values */
	bad = 0;
	for (unsigned r = 0; r < NREL; r++) {
		load_p(&k, base, r, "nested", "0");
		bad += k.status != NVMX_LOAD_OK || k.nested;
	}
	tap_ok(!bad, "nested=0: loads, no nested MSRs");
}

int main(void)
{
	test_releases();
	test_appendix_c();
	read_dumps();
	test_dumps();
	test_perf_erratum();
	test_vnmi_nmi_window();
	test_seed_thread();
	test_refusals();
	for (size_t i = 0; i < ndumps; i++)
		free(dumps[i].name);
	free(dumps);
	return tap_done();
}
