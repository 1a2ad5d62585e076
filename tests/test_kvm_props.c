/* SPDX-License-Identifier: MIT */
/*
 * Properties of the KVM model over thousands of random SDM-consistent hosts
 * (tests/hostgen.h, fixed seed) per release.  Every expectation is written
 * here from the spec (kvm-nested-vmx.md §2-§4, Appendix A/B tables as
 * literals) or from the SDM's encoding rules, never taken from the model:
 *
 *   - loading never crashes; it succeeds exactly when the release's
 *     requirements (§2.2 required sets, §2.3 r BASIC checks, §2.3 h/i/p
 *     consistency checks 6.1+, §2.4 NX) hold;
 *   - every nested control MSR has must-be-1 within allowed-1, the fixed
 *     must-be-1 words of Appendix B, allowed-1 within what the release can
 *     emulate and containing what it always emulates (§3.2-§3.6);
 *   - whatever KVM does not emulate is offered only where the host allows it;
 *   - on bare metal the allowed-1 words follow the §3 formulas exactly;
 *   - BASIC, MISC, CR*_FIXED*, VMCS_ENUM, EPT/VPID caps and VMFUNC follow
 *     §3.7-§3.11;
 *   - each restorable value KVM derives is accepted back on a fresh vCPU,
 *     alone and all in one sequence, and reads back unchanged.
 *
 * NVMX_PROPS_N overrides the number of hosts per release (default 3000).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/kvm.h"
#include "nvmx/vcpu.h"
#include "tap.h"
#include "hostgen.h"

/* Deliberately the nine conformance releases, named: the tables below are facts read for
 * each of them. Other rows are covered by tests that walk nvmx_kernel_at(). */
enum rel { R510, R515, R519, R61, R66, R612, R6182, R70, R713, NREL };
static const char *const rel_name[NREL] = { "5.10", "5.15", "5.19", "6.1", "6.6",
					    "6.12", "6.18.2", "7.0", "7.1.3" };
static const struct nvmx_kernel *kern[NREL];

/* ---- the release tables (spec §2.2, §3.2-§3.6, Appendix A) ----------------- */

struct family {
	uint32_t min_proc, min_entry;		/* required sets (pin 0x9, exit 0x8204 in all) */
	uint32_t exit_m, exit_f, entry_m, entry_f;
	uint32_t m2;				/* secondary mask */
	uint32_t adds;				/* secondary bits KVM may add on its own */
	uint32_t misc;				/* MISC constant */
	unsigned npairs;			/* entry/exit pairs checked at load (0 = none) */
	uint32_t cet_exit, cet_entry;		/* LOAD_CET_STATE bits KVM may offer */
	uint32_t opt_proc, opt_proc2, opt_exit, opt_entry;	/* optional sets (§2.2) */
	int erratum_in_cfg, erratum_intel_only;	/* PERF_GLOBAL_CTRL erratum (§2.3 q, §2.5) */
};

static struct family fam_of(unsigned r)
{
	struct family f;
	memset(&f, 0, sizeof(f));
	int pre61 = r <= R519;
	f.min_proc = pre61 ? 0x21998E88 : 0x21998E8C;
	f.min_entry = pre61 ? 0x4 : 0x204;
	if (pre61) {
		f.exit_m = 0x008C1200, f.exit_f = 0x0073EDFF;
		f.entry_m = 0x00016200, f.entry_f = 0x000091FF;
	} else {
		f.exit_m = 0x008C0200, f.exit_f = 0x0073FDFF;
		f.entry_m = 0x00014200, f.entry_f = 0x0000B1FF;
	}
	if (r >= R6182) {
		f.cet_exit = 0x10000000, f.cet_entry = 0x00100000;
		f.exit_m |= f.cet_exit, f.entry_m |= f.cet_entry;
	}
	/* 5.10 (DATA.md): no TSC scaling, no ENCLS, no wait-for-SIPI for L1 */
	f.m2 = r == R510 ? 0x00111B5C : r <= R61 ? 0x02111B5C : 0x06113B5C;
	/* SHADOW_VMCS, EPT, PML, VMFUNC, VPID, UG, VAPIC (+ENCLS from 5.15) */
	f.adds = 0x4000 | 0x2 | 0x20000 | 0x2000 | 0x20 | 0x80 | 0x1 | (r == R510 ? 0 : 0x8000);
	f.misc = r == R510 ? 0x20000045 : 0x20000145;
	f.npairs = pre61 ? 0 : r >= R6182 ? 6 : 5;
	/* 5.10 is not in the spec's §2.2 table; it is held to the ≤5.19 column */
	f.opt_proc = pre61 ? 0x90200000 : 0xDA621000;
	f.opt_proc2 = pre61 ? 0x471BFFFF : 0xC71BFFFF;	/* ≤5.19: ENCLS only with host SGX */
	f.opt_exit = pre61 ? 0x03A81000 : r < R6182 ? 0x03FC1000 : r == R6182 ? 0x13FC1000
										: 0x53FC1000;
	f.opt_entry = r < R6182 ? 0x0007E000 : 0x0017E000;
	f.erratum_in_cfg = pre61 || r >= R6182;
	f.erratum_intel_only = r >= R6182;
	return f;
}

#define PROC_M 0xEBF99E8Cu
#define PROC_F 0x1401E172u
#define PIN_F  0x00000056u
static const uint32_t pair_entry[6] = { 0x2000, 0x4000, 0x8000, 0x10000, 0x40000, 0x100000 };
static const uint32_t pair_exit[6] = { 0x1000, 0x80000, 0x200000, 0x800000, 0x2000000, 0x10000000 };

#define BIT(n) (UINT64_C(1) << (n))

/* ---- parameters ---------------------------------------------------------- */

struct req {
	int ept, vpid, ug, eptad, flex, apicv, sgx, err_incons;
};

static void random_params(struct hg_rng *rng, unsigned r, struct nvmx_params *p, struct req *q)
{
	static const enum nvmx_param ids[] = {
		NVMX_P_EPT, NVMX_P_VPID, NVMX_P_UNRESTRICTED_GUEST, NVMX_P_EPTAD,
		NVMX_P_FLEXPRIORITY, NVMX_P_ENABLE_APICV, NVMX_P_SGX, NVMX_P_ERROR_ON_INCONSISTENT,
	};
	int *slot[] = { &q->ept, &q->vpid, &q->ug, &q->eptad, &q->flex, &q->apicv, &q->sgx,
			&q->err_incons };
	nvmx_params_default(kern[r], p);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		*slot[i] = 1;
	if (r == R510)
		q->sgx = 0;	/* 5.10 has no nested ENCLS at all */
	if (r <= R519)
		q->err_incons = 0;	/* no such checks before 6.0 */
	if (!hg_chance(rng, 30))
		return;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (!nvmx_kernel_has_param(kern[r], ids[i]) || !hg_chance(rng, 20))
			continue;
		if (nvmx_params_set(kern[r], p, nvmx_param_name(ids[i]), "0", NULL) == 0)
			*slot[i] = 0;
	}
}

/* ---- what the host offers, from its raw MSRs ------------------------------ */

struct raw {
	uint32_t pin, proc, exit, entry;	/* allowed-1 halves of 0x481-0x484 */
	int sec, tpr;
	uint32_t p2, ept, vpid;
	uint64_t basic, misc;
	int ept_ok, vpid_ok, ug_ok, sgx, umip, nx, vmx;
};

static void raw_of(const struct nvmx_host *h, struct raw *w)
{
	const struct nvmx_msrs *m = &h->msrs;
	memset(w, 0, sizeof(*w));
	w->pin = nvmx_hi(nvmx_msrs_get(m, NVMX_PINBASED));
	w->proc = nvmx_hi(nvmx_msrs_get(m, NVMX_PROCBASED));
	w->exit = nvmx_hi(nvmx_msrs_get(m, NVMX_EXIT));
	w->entry = nvmx_hi(nvmx_msrs_get(m, NVMX_ENTRY));
	w->sec = !!(w->proc & 0x80000000u);
	w->tpr = !!(w->proc & 0x00200000u);
	w->p2 = w->sec ? nvmx_hi(nvmx_msrs_get(m, NVMX_PROCBASED2)) : 0;
	w->ept = nvmx_lo(nvmx_msrs_get(m, NVMX_EPT_VPID_CAP));
	w->vpid = nvmx_hi(nvmx_msrs_get(m, NVMX_EPT_VPID_CAP));
	w->basic = nvmx_msrs_get(m, NVMX_BASIC);
	w->misc = nvmx_msrs_get(m, NVMX_MISC);
	w->ept_ok = (w->p2 & 0x2) && (w->ept & 0x40) && (w->ept & 0x4000) && (w->ept & 0x4000000);
	w->vpid_ok = (w->p2 & 0x20) && (w->vpid & 0x1) && (w->vpid & 0x600);
	w->ug_ok = (w->p2 & 0x80) && w->ept_ok;
	w->sgx = !!(h->features & NVMX_FEAT(NVMX_F_SGX));
	w->umip = !!(h->features & NVMX_FEAT(NVMX_F_UMIP));
	w->nx = !!(h->features & NVMX_FEAT(NVMX_F_NX));
	w->vmx = !!(h->features & NVMX_FEAT(NVMX_F_VMX));
}

/* Should kvm_intel load?  NULL, or the first reason it must not (spec §2.4). */
static const char *refusal(unsigned r, const struct family *f, const struct raw *w,
			   const struct req *q)
{
	uint64_t size = w->basic >> 32 & 0x1FFF, mt = w->basic >> 50 & 0xF;
	if (!w->vmx)
		return "no VMX";
	if ((w->pin & 0x9) != 0x9)
		return "pin required";
	if ((w->proc & f->min_proc) != f->min_proc)
		return "primary required";
	if ((w->exit & 0x8204) != 0x8204)
		return "exit required";
	if ((w->entry & f->min_entry) != f->min_entry)
		return "entry required";
	if (r > R519 && q->err_incons) {
		if (w->ept && !(w->p2 & 0x2))
			return "EPT caps without EPT";
		if (w->vpid && !(w->p2 & 0x20))
			return "VPID caps without VPID";
		for (unsigned i = 0; i < f->npairs; i++)
			if (!(w->entry & pair_entry[i]) != !(w->exit & pair_exit[i]))
				return "half pair";
	}
	if (size > 0x1000 || (w->basic & BIT(48)) || mt != 6)
		return "BASIC";
	if (r != R510 && !w->nx && !(q->ept && w->ept_ok))
		return "no NX without EPT";
	return NULL;
}

/* ---- property bookkeeping -------------------------------------------------- */

enum prop {
	P_STATUS, P_LOAD, P_NESTED, P_CFG, P_LO_HI, P_LO, P_EMUL, P_HW, P_EXACT, P_EPTCAP, P_VMFUNC,
	P_BASIC, P_MISC, P_CR, P_ENUM, P_RESTORE1, P_RESTORE_ALL, P_READBACK, NPROP
};
static const char *const prop_what[NPROP] = {
	[P_STATUS] = "status, rc, nested flag and failure text agree",
	[P_LOAD] = "loads exactly when the release's requirements hold (spec §2.4)",
	[P_NESTED] = "a loaded KVM has nested values; a refused one has none",
	[P_CFG] = "vmcs_config within the adjust rule's bounds; PERF_GLOBAL_CTRL erratum placement",
	[P_LO_HI] = "every control MSR (0x481-0x484, 0x48B, 0x48D-0x490): must-be-1 within allowed-1",
	[P_LO] = "must-be-1 words: TRUE 0x16/0x04006172/0x36DFB/0x11FB, 0x48B 0; non-TRUE = TRUE | default1",
	[P_EMUL] = "allowed-1 within what the release emulates, forced bits always present",
	[P_HW] = "bits KVM does not emulate offered only when the host allows them",
	[P_EXACT] = "bare metal: allowed-1 words follow the spec's formulas exactly",
	[P_EPTCAP] = "EPT/VPID caps: forced + host bits, only with EPT/VPID offered",
	[P_VMFUNC] = "VMFUNC: EPTP switching only with EPT and host VMFUNC",
	[P_BASIC] = "BASIC: 0x11E57ED0, 0x1000, WB, TRUE_CTLS, INOUT (and bit 56 6.18+) from host",
	[P_MISC] = "MISC: constant | host bit 5, hi 0",
	[P_CR] = "CR0_FIXED0 0x80000021, CR4_FIXED0 0x2000, FIXED1 from host (+UMIP)",
	[P_ENUM] = "VMCS_ENUM per release",
	[P_RESTORE1] = "each restorable derived value accepted alone on a fresh vCPU",
	[P_RESTORE_ALL] = "all restorable derived values accepted in sequence on one vCPU",
	[P_READBACK] = "restored values read back unchanged",
};

static unsigned nchecked[NPROP], nbad[NPROP];
static unsigned cur_host;

static void check(enum prop p, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(enum prop p, int ok, const char *fmt, ...)
{
	nchecked[p]++;
	if (ok)
		return;
	if (++nbad[p] <= 3) {
		va_list ap;
		printf("#   host %u: ", cur_host);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
}

static uint64_t rd(const struct nvmx_kvm *k, enum nvmx_msr_id id)
{
	return nvmx_caps_read(&k->caps, id);
}

/* ---- the properties of one loaded KVM -------------------------------------- */

static int perf_erratum_model(const struct nvmx_host *h)
{
	return h->family == 6 && (h->model == 26 || h->model == 30 || h->model == 37 ||
				  h->model == 44 || h->model == 46);
}

/* §2.1-§2.3: c = ((min | opt) & allowed-1) | allowed-0, then only bits cleared. */
static void check_cfg(unsigned r, const struct family *f, const struct nvmx_host *h,
		      const struct raw *w, const struct req *q, const struct nvmx_kvm *k)
{
	const struct nvmx_vmcs_config *c = &k->cfg;
	uint32_t pin_lo = nvmx_lo(nvmx_msrs_get(&h->msrs, NVMX_PINBASED));
	uint32_t proc_lo = nvmx_lo(nvmx_msrs_get(&h->msrs, NVMX_PROCBASED));
	uint32_t exit_lo = nvmx_lo(nvmx_msrs_get(&h->msrs, NVMX_EXIT));
	uint32_t entry_lo = nvmx_lo(nvmx_msrs_get(&h->msrs, NVMX_ENTRY));
	uint32_t opt2 = f->opt_proc2 & (r <= R519 && !w->sgx ? ~0x8000u : ~0u);
	check(P_CFG, (c->pin & 0x9) == 0x9 && (c->pin & ~(((0x9 | 0xE0) & w->pin) | pin_lo)) == 0,
	      "%s cfg.pin %x", rel_name[r], c->pin);
	check(P_CFG, (c->proc & f->min_proc & ~0x18200u & ~0x180000u) ==
			      (f->min_proc & ~0x18200u & ~0x180000u) &&
			      (c->proc & ~(((f->min_proc | f->opt_proc) & w->proc) | proc_lo)) == 0,
	      "%s cfg.proc %x", rel_name[r], c->proc);
	check(P_CFG, (c->proc2 & ~(opt2 & w->p2)) == 0, "%s cfg.proc2 %x host %x", rel_name[r],
	      c->proc2, w->p2);
	check(P_CFG, (c->exit & 0x8204) == 0x8204 &&
			      (c->exit & ~(((0x8204 | f->opt_exit) & w->exit) | exit_lo)) == 0,
	      "%s cfg.exit %x", rel_name[r], c->exit);
	check(P_CFG, (c->entry & f->min_entry) == f->min_entry &&
			      (c->entry & ~(((f->min_entry | f->opt_entry) & w->entry) | entry_lo)) == 0,
	      "%s cfg.entry %x", rel_name[r], c->entry);
	if (h->hyperv_evmcs)
		return;
	/* bare metal: the PERF_GLOBAL_CTRL load controls (a pair from 6.1) */
	int cleared = perf_erratum_model(h) && f->erratum_in_cfg &&
		      (!f->erratum_intel_only || !strcmp(h->vendor, "GenuineIntel"));
	int hx = !!(w->exit & 0x1000), hn = !!(w->entry & 0x2000);
	if (r > R519 && hx != hn)
		hx = hn = 0;	/* loaded only with error_on_inconsistent_vmcs_config=0 */
	check(P_CFG, !!(c->exit & 0x1000) == (hx && !cleared) && !!(c->entry & 0x2000) == (hn && !cleared),
	      "%s cfg PERF_GLOBAL_CTRL exit %d entry %d (host %d/%d, erratum %d)", rel_name[r],
	      !!(c->exit & 0x1000), !!(c->entry & 0x2000), hx, hn, cleared);
	(void)q;
}

static const enum nvmx_msr_id ctl_msrs[] = { NVMX_PINBASED, NVMX_PROCBASED, NVMX_EXIT,
					     NVMX_ENTRY, NVMX_PROCBASED2, NVMX_TRUE_PINBASED,
					     NVMX_TRUE_PROCBASED, NVMX_TRUE_EXIT, NVMX_TRUE_ENTRY };

static void check_controls(unsigned r, const struct family *f, const struct nvmx_host *h,
			   const struct raw *w, const struct req *q, const struct nvmx_kvm *k)
{
	for (size_t i = 0; i < sizeof(ctl_msrs) / sizeof(ctl_msrs[0]); i++) {
		uint64_t v = rd(k, ctl_msrs[i]);
		check(P_LO_HI, (nvmx_lo(v) & ~nvmx_hi(v)) == 0, "%s 0x%x = 0x%016llx", rel_name[r],
		      nvmx_msr_index(ctl_msrs[i]), (unsigned long long)v);
	}
	uint64_t pin = rd(k, NVMX_TRUE_PINBASED), proc = rd(k, NVMX_TRUE_PROCBASED);
	uint64_t ex = rd(k, NVMX_TRUE_EXIT), en = rd(k, NVMX_TRUE_ENTRY), p2v = rd(k, NVMX_PROCBASED2);
	uint32_t pin_hi = nvmx_hi(pin), proc_hi = nvmx_hi(proc), ex_hi = nvmx_hi(ex), en_hi = nvmx_hi(en),
		 p2 = nvmx_hi(p2v);

	/* Appendix B lo words; §4.4: non-TRUE read = TRUE | default1, same hi */
	check(P_LO, nvmx_lo(pin) == 0x16 && nvmx_lo(proc) == 0x04006172 &&
			    nvmx_lo(ex) == 0x00036DFB && nvmx_lo(en) == 0x000011FB && nvmx_lo(p2v) == 0,
	      "%s lo words %x %x %x %x %x", rel_name[r], nvmx_lo(pin), nvmx_lo(proc), nvmx_lo(ex),
	      nvmx_lo(en), nvmx_lo(p2v));
	check(P_LO, rd(k, NVMX_PINBASED) == (pin | HG_PIN_DEFAULT1) &&
			    rd(k, NVMX_PROCBASED) == (proc | HG_PROC_DEFAULT1) &&
			    rd(k, NVMX_EXIT) == (ex | HG_EXIT_DEFAULT1) &&
			    rd(k, NVMX_ENTRY) == (en | HG_ENTRY_DEFAULT1),
	      "%s non-TRUE reads differ from TRUE | default1", rel_name[r]);

	/* emulation envelope: forced ⊆ hi ⊆ mask | forced */
	uint32_t pin_env = 0x29 | 0x80 | PIN_F, proc_env = PROC_M | PROC_F;
	uint32_t ex_env = f->exit_m | f->exit_f, en_env = f->entry_m | f->entry_f;
	uint32_t p2_env = f->m2 | f->adds;
	check(P_EMUL, (pin_hi & ~pin_env) == 0 && (pin_hi & PIN_F) == PIN_F, "%s pin hi %x",
	      rel_name[r], pin_hi);
	check(P_EMUL, (proc_hi & ~proc_env) == 0 && (proc_hi & PROC_F) == PROC_F, "%s proc hi %x",
	      rel_name[r], proc_hi);
	check(P_EMUL, (ex_hi & ~ex_env) == 0 && (ex_hi & f->exit_f) == f->exit_f, "%s exit hi %x",
	      rel_name[r], ex_hi);
	check(P_EMUL, (en_hi & ~en_env) == 0 && (en_hi & f->entry_f) == f->entry_f,
	      "%s entry hi %x", rel_name[r], en_hi);
	check(P_EMUL, (p2 & ~p2_env) == 0 && (p2 & 0x4000), "%s 0x48B hi %x", rel_name[r], p2);

	/* not emulated => needs the host */
	check(P_HW, (pin_hi & ~PIN_F & ~w->pin) == 0, "%s pin hi %x host %x", rel_name[r], pin_hi,
	      w->pin);
	check(P_HW, (proc_hi & ~PROC_F & ~w->proc) == 0, "%s proc hi %x host %x", rel_name[r],
	      proc_hi, w->proc);
	check(P_HW, (ex_hi & ~f->exit_f & ~w->exit) == 0, "%s exit hi %x host %x", rel_name[r],
	      ex_hi, w->exit);
	check(P_HW, (en_hi & ~f->entry_f & ~w->entry) == 0, "%s entry hi %x host %x", rel_name[r],
	      en_hi, w->entry);
	uint32_t p2_emul = 0x4000 | 0x20000 | (r <= R519 ? 0x8000 : 0);
	check(P_HW, (p2 & ~p2_emul & ~w->p2) == 0, "%s 0x48B hi %x host %x", rel_name[r], p2, w->p2);
	if (r > R519)
		check(P_HW, !(p2 & 0x8000) || w->sgx, "%s ENCLS exiting without host SGX", rel_name[r]);
	check(P_HW, !(p2 & 0x2) || w->ept_ok, "%s EPT offered, host EPT unusable", rel_name[r]);
	check(P_HW, !(p2 & 0x20) || w->vpid_ok, "%s VPID offered, host VPID unusable", rel_name[r]);
	check(P_HW, !(p2 & 0x80) || ((p2 & 0x2) && w->ug_ok), "%s UG offered without EPT/host UG",
	      rel_name[r]);
	check(P_HW, !(p2 & 0x20000) || ((p2 & 0x2) && (w->ept & 0x200000)),
	      "%s PML offered without EPT + host A/D", rel_name[r]);

	/* requested-off parameters remove their controls (§3.6, §3.2) */
	check(P_HW, (q->ept || !(p2 & 0x20002)) && (q->vpid || !(p2 & 0x20)) &&
			    (q->ug || !(p2 & 0x80)) && (q->eptad || !(p2 & 0x20000)) &&
			    (q->flex || !(p2 & 0x1)) && (q->apicv || !(pin_hi & 0x80)) &&
			    (q->sgx || !(p2 & 0x8000)),
	      "%s a parameter set to 0 left its control (0x48B %x pin %x)", rel_name[r], p2, pin_hi);

	if (h->hyperv_evmcs)
		return;

	/* bare metal: the §3 formulas, computed from the raw MSRs and the requests */
	int ept = q->ept && w->ept_ok, vpid = q->vpid && w->vpid_ok;
	int ug = q->ug && w->ug_ok && ept;
	int ad = q->eptad && (w->ept & 0x200000) && ept;
	int flex = q->flex && w->tpr && (w->p2 & 0x1);
	int apicv = q->apicv && (w->pin & 0x80) && w->tpr && (w->p2 & 0x300) == 0x300;
	int sgx = r == R510 ? 0 : r <= R519 ? q->sgx : q->sgx && w->sgx && (w->p2 & 0x8000);
	uint32_t want_pin = (w->pin & 0x29) | PIN_F | (apicv ? 0x80 : 0);
	uint32_t want_proc = (w->proc & PROC_M) | PROC_F;
	uint32_t src2 = r <= R519 ? w->p2 : w->p2 & (w->tpr ? ~0u : ~0x310u);
	uint32_t want_p2 = (src2 & f->m2) | 0x4000 | (ept ? 0x2 : 0) | (ad ? 0x20000 : 0) |
			   ((w->p2 & 0x2000) ? 0x2000 : 0) | (vpid ? 0x20 : 0) | (ug ? 0x80 : 0) |
			   (flex ? 0x1 : 0) | (sgx ? 0x8000 : 0);
	check(P_EXACT, pin_hi == want_pin, "%s pin hi %x want %x", rel_name[r], pin_hi, want_pin);
	check(P_EXACT, proc_hi == want_proc, "%s proc hi %x want %x", rel_name[r], proc_hi, want_proc);
	check(P_EXACT, p2 == want_p2, "%s 0x48B hi %x want %x", rel_name[r], p2, want_p2);
	int pairs_ok = 1;
	for (unsigned i = 0; i < 6; i++)
		if (!(w->entry & pair_entry[i]) != !(w->exit & pair_exit[i]))
			pairs_ok = 0;
	if (r <= R519 || pairs_ok) {
		uint32_t cet = f->cet_exit | f->cet_entry;
		uint32_t want_ex = ((w->exit & f->exit_m) | f->exit_f) & ~cet;
		uint32_t want_en = ((w->entry & f->entry_m) | f->entry_f) & ~cet;
		check(P_EXACT, (ex_hi & ~cet) == want_ex && (en_hi & ~cet) == want_en,
		      "%s exit/entry hi %x/%x want %x/%x (CET bits aside)", rel_name[r], ex_hi,
		      en_hi, want_ex, want_en);
	}
}

static void check_fields(unsigned r, const struct family *f, const struct nvmx_host *h,
			 const struct raw *w, const struct req *q, const struct nvmx_kvm *k)
{
	uint64_t p2 = nvmx_hi(rd(k, NVMX_PROCBASED2));
	uint64_t cap = rd(k, NVMX_EPT_VPID_CAP);
	uint32_t ept = nvmx_lo(cap), vpid = nvmx_hi(cap);
	int ept_on = !!(p2 & 0x2), vpid_on = !!(p2 & 0x20);

	/* §3.7 */
	check(P_EPTCAP, ept_on ? (ept & 0x06030000) == 0x06030000 : ept == 0, "%s EPT caps %x",
	      rel_name[r], ept);
	check(P_EPTCAP, (ept & ~0x063340C1u) == 0 && (ept & ~0x06030000u & ~w->ept) == 0,
	      "%s EPT caps %x host %x", rel_name[r], ept, w->ept);
	check(P_EPTCAP, !!(ept & 0x200000) == !!(p2 & 0x20000), "%s EPT A/D %x vs PML", rel_name[r],
	      ept);
	check(P_EPTCAP, vpid == (vpid_on ? 0xF01u : 0u), "%s VPID caps %x", rel_name[r], vpid);
	int want_ept = q->ept && w->ept_ok;
	if (ept_on == want_ept && want_ept) {
		uint32_t want = (w->ept & 0x001040C1) | 0x06030000 |
				(q->eptad && (w->ept & 0x200000) ? 0x200000 : 0);
		check(P_EPTCAP, ept == want, "%s EPT caps %x want %x", rel_name[r], ept, want);
	}
	check(P_EPTCAP, ept_on == want_ept && vpid_on == (q->vpid && w->vpid_ok),
	      "%s EPT %d/%d VPID %d/%d offered/usable", rel_name[r], ept_on, want_ept, vpid_on,
	      q->vpid && w->vpid_ok);

	uint64_t vf = rd(k, NVMX_VMFUNC);
	check(P_VMFUNC, vf == 0 || (vf == 1 && ept_on && (w->p2 & 0x2000)), "%s VMFUNC %llx",
	      rel_name[r], (unsigned long long)vf);
	if (!h->hyperv_evmcs)
		check(P_VMFUNC, vf == (ept_on && (w->p2 & 0x2000) ? 1u : 0u), "%s VMFUNC %llx",
		      rel_name[r], (unsigned long long)vf);

	/* §3.9 */
	uint64_t want_basic = UINT64_C(0x0098100011E57ED0) | (w->basic & BIT(54)) |
			      (r >= R6182 ? w->basic & BIT(56) : 0);
	uint64_t basic = rd(k, NVMX_BASIC);
	check(P_BASIC, basic == want_basic && (basic & 0x7FFFFFFF) == 0x11E57ED0 &&
			       (basic >> 32 & 0x1FFF) == 0x1000,
	      "%s BASIC %016llx want %016llx", rel_name[r], (unsigned long long)basic,
	      (unsigned long long)want_basic);

	/* §3.8 */
	uint64_t misc = rd(k, NVMX_MISC), want_misc = (w->misc & 0x20) | f->misc;
	check(P_MISC, misc == want_misc, "%s MISC %llx want %llx", rel_name[r],
	      (unsigned long long)misc, (unsigned long long)want_misc);

	/* §3.10 */
	uint64_t cr4f1 = nvmx_msrs_get(&h->msrs, NVMX_CR4_FIXED1);
	int umip = r > R519 && (w->p2 & 0x4) && (r < R66 || !w->umip);
	check(P_CR, rd(k, NVMX_CR0_FIXED0) == 0x80000021 && rd(k, NVMX_CR4_FIXED0) == 0x2000,
	      "%s CR fixed0 %llx %llx", rel_name[r], (unsigned long long)rd(k, NVMX_CR0_FIXED0),
	      (unsigned long long)rd(k, NVMX_CR4_FIXED0));
	check(P_CR, rd(k, NVMX_CR0_FIXED1) == nvmx_msrs_get(&h->msrs, NVMX_CR0_FIXED1) &&
			    rd(k, NVMX_CR4_FIXED1) == (cr4f1 | (umip ? 0x800 : 0)),
	      "%s CR fixed1 %llx %llx", rel_name[r], (unsigned long long)rd(k, NVMX_CR0_FIXED1),
	      (unsigned long long)rd(k, NVMX_CR4_FIXED1));

	/* §3.11, DATA.md for 5.10 */
	uint64_t en = rd(k, NVMX_VMCS_ENUM);
	uint64_t want_en = r == R510 ? 0x2E : r < R70 ? 0x32 : (w->p2 & 0x02000000) ? 0x32 : 0x2E;
	check(P_ENUM, en == want_en, "%s VMCS_ENUM %llx want %llx", rel_name[r],
	      (unsigned long long)en, (unsigned long long)want_en);
}

/* The restorable MSRs (spec §1.1 "emulated list"). */
static const enum nvmx_msr_id restorable[] = {
	NVMX_BASIC, NVMX_MISC, NVMX_CR0_FIXED0, NVMX_CR4_FIXED0, NVMX_VMCS_ENUM, NVMX_PROCBASED2,
	NVMX_EPT_VPID_CAP, NVMX_TRUE_PINBASED, NVMX_TRUE_PROCBASED, NVMX_TRUE_EXIT,
	NVMX_TRUE_ENTRY, NVMX_VMFUNC,
};
#define NRESTORABLE (sizeof(restorable) / sizeof(restorable[0]))

static void check_restore(unsigned r, const struct nvmx_kvm *k)
{
	static struct nvmx_vcpu v;
	for (size_t i = 0; i < NRESTORABLE; i++) {
		uint32_t idx = nvmx_msr_index(restorable[i]);
		uint64_t val = rd(k, restorable[i]);
		nvmx_vcpu_init(&v, k, 0);
		struct nvmx_result res = nvmx_vcpu_set_msr(&v, idx, val);
		check(P_RESTORE1, res.rc == 0, "%s 0x%x = %016llx rejected alone (%s)", rel_name[r],
		      idx, (unsigned long long)val, nvmx_reason_name(res.reason));
	}
	nvmx_vcpu_init(&v, k, 0);
	int all = 1;
	for (size_t i = 0; i < NRESTORABLE; i++) {
		uint32_t idx = nvmx_msr_index(restorable[i]);
		struct nvmx_result res = nvmx_vcpu_set_msr(&v, idx, rd(k, restorable[i]));
		if (res.rc != 0) {
			all = 0;
			check(P_RESTORE_ALL, 0, "%s 0x%x rejected in sequence (%s)", rel_name[r], idx,
			      nvmx_reason_name(res.reason));
		}
	}
	if (all)
		check(P_RESTORE_ALL, 1, "-");
	for (size_t i = 0; i < NRESTORABLE; i++) {
		uint32_t idx = nvmx_msr_index(restorable[i]);
		uint64_t got = ~UINT64_C(0);
		struct nvmx_result res = nvmx_vcpu_get_msr(&v, idx, false, &got);
		check(P_READBACK, res.rc == 0 && got == rd(k, restorable[i]),
		      "%s 0x%x reads %016llx after restore", rel_name[r], idx, (unsigned long long)got);
	}
}

/* ---- driver ---------------------------------------------------------------- */

/* How often each refusal reason came up, so the load property is not vacuous. */
static const char *reason_seen[16];
static unsigned reason_n[16];

static void count_reason(const char *why)
{
	if (!why)
		return;
	for (unsigned i = 0; i < 16; i++) {
		if (!reason_seen[i])
			reason_seen[i] = why;
		if (reason_seen[i] == why) {
			reason_n[i]++;
			return;
		}
	}
}

static unsigned reason_count(const char *why)
{
	for (unsigned i = 0; i < 16 && reason_seen[i]; i++)
		if (!strcmp(reason_seen[i], why))
			return reason_n[i];
	return 0;
}

/*
 * Hosts that are not SDM-consistent at all (random 64-bit values, random
 * features, MSRs randomly absent): the model must not crash or misbehave
 * (ASan/UBSan/valgrind watch), must report a consistent status, and
 * whatever it derives must still be accepted back by a vCPU.
 */
static void run_garbage(unsigned r, unsigned nhosts)
{
	static struct nvmx_host h;
	static struct nvmx_kvm k;
	static struct nvmx_vcpu v;
	struct hg_rng rng = { UINT64_C(0xD1B54A32D192ED03) + r };
	unsigned bad = 0, nloaded = 0;
	for (unsigned i = 0; i < nhosts; i++) {
		memset(&h, 0, sizeof(h));
		hg_identity(&h, hg_chance(&rng, 80) ? "GenuineIntel" : "AuthenticAMD",
			    hg_below(&rng, 32), hg_below(&rng, 256), hg_below(&rng, 16));
		h.features = hg_next(&rng);
		h.hyperv_evmcs = hg_chance(&rng, 20);
		for (int id = 0; id < NVMX_MSR_COUNT; id++)
			if (hg_chance(&rng, 90)) {
				uint64_t val = hg_next(&rng);
				if (id == NVMX_BASIC && hg_chance(&rng, 70))
					val = (val & ~(UINT64_C(0x1FFF) << 32) & ~BIT(48) &
					       ~(UINT64_C(0xF) << 50)) | (UINT64_C(0x1000) << 32) |
					      (UINT64_C(6) << 50);
				nvmx_msrs_set(&h.msrs, (enum nvmx_msr_id)id, val);
			}
		/* often enough, what every release requires, so that some load */
		if (hg_chance(&rng, 60)) {
			h.features |= NVMX_FEAT(NVMX_F_VMX) | NVMX_FEAT(NVMX_F_NX);
			nvmx_msrs_set(&h.msrs, NVMX_PINBASED, h.msrs.val[NVMX_PINBASED] | BIT(32 + 0) | BIT(32 + 3));
			nvmx_msrs_set(&h.msrs, NVMX_PROCBASED,
				      h.msrs.val[NVMX_PROCBASED] | (uint64_t)0x21998E8C << 32);
			nvmx_msrs_set(&h.msrs, NVMX_EXIT, h.msrs.val[NVMX_EXIT] | (uint64_t)0x8204 << 32);
			nvmx_msrs_set(&h.msrs, NVMX_ENTRY, h.msrs.val[NVMX_ENTRY] | (uint64_t)0x204 << 32);
		}
		struct nvmx_params p;
		nvmx_params_default(kern[r], &p);
		if (nvmx_kernel_has_param(kern[r], NVMX_P_ERROR_ON_INCONSISTENT) && hg_chance(&rng, 70))
			nvmx_params_set(kern[r], &p, "error_on_inconsistent_vmcs_config", "0", NULL);
		memset(&k, 0, sizeof(k));
		nvmx_kvm_load(&k, &h, kern[r], &p);
		char buf[64];
		memset(buf, 'x', sizeof(buf));
		size_t dl = nvmx_kvm_describe_failure(&k, buf, sizeof(buf));
		int ok = k.status == NVMX_LOAD_OK;
		/* the text may be longer than the buffer, but stays terminated inside it */
		if ((ok != (k.load_rc == 0)) ||
		    (!ok && (k.nested || dl == 0 || !memchr(buf, '\0', sizeof(buf)))))
			bad++;
		if (!ok || !k.nested)
			continue;
		nloaded++;
		for (size_t j = 0; j < NRESTORABLE; j++) {
			nvmx_vcpu_init(&v, &k, 0);
			if (nvmx_vcpu_set_msr(&v, nvmx_msr_index(restorable[j]),
					      rd(&k, restorable[j])).rc != 0)
				bad++;
		}
	}
	tap_ok(bad == 0 && nloaded > 0,
	       "%s: %u arbitrary (non-SDM) hosts: no crash, consistent status, derived values "
	       "restorable (%u loaded, %u bad)", rel_name[r], nhosts, nloaded, bad);
}

static void run_release(unsigned r, unsigned nhosts)
{
	static struct nvmx_host h;
	static struct nvmx_kvm k;
	struct family f = fam_of(r);
	struct hg_rng rng = { UINT64_C(0x9E3779B97F4A7C15) ^ (UINT64_C(0x100000001B3) * (r + 1)) };
	static const struct nvmx_caps zero;
	unsigned nloaded = 0, nhv = 0;
	memset(nchecked, 0, sizeof(nchecked));
	memset(nbad, 0, sizeof(nbad));
	memset(reason_seen, 0, sizeof(reason_seen));
	memset(reason_n, 0, sizeof(reason_n));
	for (unsigned i = 0; i < nhosts; i++) {
		struct nvmx_params p;
		struct req q;
		struct raw w;
		cur_host = i;
		hg_random_host(&rng, &h);
		random_params(&rng, r, &p, &q);
		raw_of(&h, &w);
		memset(&k, 0, sizeof(k));
		nvmx_kvm_load(&k, &h, kern[r], &p);

		int ok = k.status == NVMX_LOAD_OK;
		char buf[4096];
		size_t dl = nvmx_kvm_describe_failure(&k, buf, sizeof(buf));
		check(P_STATUS, (ok == (k.load_rc == 0)) && (unsigned)k.status <= NVMX_LOAD_BAD_PT_MODE &&
				       (ok || (dl > 0 && dl < sizeof(buf) && !k.nested)),
		      "%s status %d rc %d describe %zu", rel_name[r], k.status, k.load_rc, dl);
		const char *why = refusal(r, &f, &w, &q);
		count_reason(why);
		check(P_LOAD, ok == (why == NULL), "%s status %d, expected %s", rel_name[r], k.status,
		      why ? why : "to load");
		check(P_NESTED, ok ? k.nested : !k.nested && !memcmp(&k.caps, &zero, sizeof(zero)),
		      "%s status %d nested %d", rel_name[r], k.status, k.nested);
		if (!ok || !k.nested)
			continue;
		nloaded++;
		nhv += h.hyperv_evmcs;
		check_cfg(r, &f, &h, &w, &q, &k);
		check_controls(r, &f, &h, &w, &q, &k);
		check_fields(r, &f, &h, &w, &q, &k);
		check_restore(r, &k);
	}
	tap_ok(nloaded >= nhosts / 2 && nhv >= nhosts / 40,
	       "%s: %u random hosts, %u load with nested (%u on Hyper-V)", rel_name[r], nhosts,
	       nloaded, nhv);
	for (unsigned p = 0; p < NPROP; p++)
		tap_ok(nbad[p] == 0 && nchecked[p] > 0, "%s: %s (%u checks, %u failed)", rel_name[r],
		       prop_what[p], nchecked[p], nbad[p]);
	/* every kind of refusal the release has was met at least a few times */
	static const char *const kinds[] = { "no VMX", "pin required", "primary required",
					     "exit required", "entry required", "BASIC",
					     "no NX without EPT", "EPT caps without EPT",
					     "VPID caps without VPID", "half pair" };
	/* ≤5.19 requires only LOAD_DEBUG_CONTROLS on entry, a default1 bit: cannot be missing */
	unsigned need = r == R510 ? 6 : r <= R519 ? 7 : 10, missing = 0;
	for (unsigned i = 0; i < need; i++)
		if (!(r <= R519 && !strcmp(kinds[i], "entry required")) && reason_count(kinds[i]) < 3) {
			missing++;
			tap_diag("%s: refusal '%s' seen %u times", rel_name[r], kinds[i],
				 reason_count(kinds[i]));
		}
	tap_ok(!missing, "%s: each refusal kind of this release was exercised", rel_name[r]);
	run_garbage(r, nhosts / 6);
}

int main(void)
{
	unsigned n = 3000;
	const char *e = getenv("NVMX_PROPS_N");
	if (e && atoi(e) > 0)
		n = (unsigned)atoi(e);
	int ok = 1;
	for (unsigned r = 0; r < NREL && ok; r++) {
		kern[r] = nvmx_kernel_find(rel_name[r]);
		ok = kern[r] != NULL;
	}
	if (!tap_ok(ok, "the nine releases 5.10 ... 7.1.3 are there"))
		return tap_done();
	for (unsigned r = 0; r < NREL; r++)
		run_release(r, n);
	return tap_done();
}
