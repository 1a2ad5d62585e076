/* SPDX-License-Identifier: MIT */
/*
 * QEMU's named Intel CPU models as data: the VMX words of each v1
 * definition (before QEMU's dependency pass), the CPUID features nvmx reads,
 * and what each -vN version adds.  Built from the building blocks of the
 * QEMU facts reference (section 3): P-* pin-based, C-* primary, S-*
 * secondary, X-* exit, N-* entry, M-* MISC, B-* BASIC, E-* EPT/VPID sets.
 */
#include "nvmx/qemu.h"

#define B(n) (UINT64_C(1) << (n))

/* Pin-based. */
#define P_MIN	(B(0) | B(3))				/* intr-exit, nmi-exit */
#define P_C2	(P_MIN | B(5))				/* + vnmi */
#define P_NHM	(P_C2 | B(6))				/* + preemption-timer */
#define P_PI	(P_NHM | B(7))				/* + posted-intr */

/* Primary processor-based. */
#define C_YONAH	(B(2) | B(3) | B(7) | B(9) | B(10) | B(11) | B(12) | B(23) | B(24) | \
		 B(25) | B(28) | B(29) | B(30))
#define C_K64	((C_YONAH & ~B(28)) | B(19) | B(20) | B(21))	/* - msr-bitmap + CR8, TPR */
#define C_C2	(C_K64 | B(22) | B(28) | B(31))		/* + vnmi-pending, msr-bitmap, secondary */
#define C_NHM	(C_C2 | B(15) | B(16) | B(27))		/* + cr3-load/store-noexit, mtf */

/* Secondary processor-based. */
#define S_C2	B(0)					/* apicv-xapic */
#define S_PNR	(S_C2 | B(6))				/* + wbinvd-exit */
#define S_NHM	(S_PNR | B(1) | B(2) | B(3) | B(4) | B(5))	/* + ept, desc, rdtscp, x2apic, vpid */
#define S_WSM	(S_NHM | B(7))				/* + unrestricted-guest */
#define S_IVB	(S_WSM | B(8) | B(9) | B(11))		/* + apicv-register, -vid, rdrand-exit */
#define S_HSW	(S_IVB | B(12) | B(13) | B(14))		/* + invpcid-exit, vmfunc, shadow-vmcs */
#define S_BDW	(S_HSW | B(16) | B(17))			/* + rdseed-exit, pml */
#define S_SKL	(S_BDW & ~(B(4) | B(8) | B(9)))		/* - x2apic, apicv-register, apicv-vid */
#define S_SPR	(S_BDW | B(20))				/* + xsaves */

/* VM-exit, VM-entry. */
#define X_MIN	B(15)					/* ack-intr */
#define X_PNR	(X_MIN | B(12))				/* + load-perf-global-ctrl */
#define X_NHM	(X_PNR | B(2) | B(18) | B(19) | B(20) | B(21) | B(22))
#define N_MIN	B(9)					/* ia32e-mode */
#define N_PNR	(N_MIN | B(13))				/* + load-perf-global-ctrl */
#define N_NHM	(N_PNR | B(2) | B(14) | B(15))		/* + noload-debugctl, load-pat, load-efer */

/* MISC, BASIC, EPT/VPID, VMFUNC. */
#define M_HLT	B(6)					/* activity-hlt */
#define M_WSM	(M_HLT | B(5))				/* + store-lma */
#define M_HSW	(M_WSM | B(29))				/* + vmwrite-vmexit-fields */
#define B_IO	B(54)					/* ins-outs */
#define B_TRUE	(B_IO | B(55))				/* + true-ctls */
#define E_NHM	(B(0) | B(6) | B(14) | B(16) | B(17) | B(20) | B(25) | B(26) | \
		 B(32) | B(40) | B(41) | B(42) | B(43))	/* bit 14: WB, unnamed */
#define E_HSW	(E_NHM | B(21))				/* + eptad */
#define E_SPR	(E_HSW | B(7))				/* + page-walk-5 */
#define F_SW	B(0)					/* eptp-switching */

#define WORDS(pin, proc, sec, exit, entry, misc, ept, basic, vmfunc) \
	{ { [NVMX_QW_PINBASED] = (pin), [NVMX_QW_PROCBASED] = (proc), \
	    [NVMX_QW_SECONDARY] = (sec), [NVMX_QW_EXIT] = (exit), [NVMX_QW_ENTRY] = (entry), \
	    [NVMX_QW_MISC] = (misc), [NVMX_QW_EPT_VPID] = (ept), [NVMX_QW_BASIC] = (basic), \
	    [NVMX_QW_VMFUNC] = (vmfunc) } }

/* CPUID features nvmx reads. */
#define F(x) NVMX_FEAT(NVMX_F_##x)
#define CPU_BASE	(F(VME) | F(DE) | F(PSE) | F(TSC) | F(PAE) | F(MCE) | F(PGE) | F(FXSR) | F(SSE))
#define CPU_64		(CPU_BASE | F(NX) | F(LM))
#define CPU_SNB		(CPU_64 | F(XSAVE) | F(RDTSCP))
#define CPU_IVB		(CPU_SNB | F(RDRAND) | F(FSGSBASE) | F(SMEP))
#define CPU_HSW		(CPU_IVB | F(PCID) | F(INVPCID))
#define CPU_BDW		(CPU_HSW | F(RDSEED) | F(SMAP))
#define CPU_SKX		(CPU_BDW | F(PKU))
#define CPU_ICX		(CPU_BDW | F(UMIP) | F(PKU) | F(LA57))
#define CPU_SPR		(CPU_ICX | F(RDPID) | F(XSAVES))
#define CPU_SRF		(CPU_BDW | F(UMIP) | F(PKU) | F(RDPID) | F(XSAVES))

/*
 * The QEMU release that added each model and version ("since").  Dated by
 * the QEMU pull or patch that added them: Denverton posted July 2019 (4.2);
 * Skylake-Server-v4, Cascadelake-Server-v4 and Icelake-Server-v4 (EPT
 * switching) pull of July 2020 (5.1); the +xsaves versions posted April 2021
 * (6.1); Icelake-Server-v6 (5-level EPT) posted Feb 2022 (7.0); SierraForest
 * queued March 2024 (9.0) with Icelake-Server-v7; ClearwaterForest and
 * SierraForest-v2 pull of Jan 2025 (10.0); YongFeng pull of Feb 2025 (10.0).
 * Checked against cpu.c at the 4.1.0, 5.0.0, 6.2.0, 8.1.0 and 9.2.4 tags
 * and the pulls between them: versioned models came with 4.1 (the -IBRS
 * aliases as v2, and Cascadelake-Server-v2); the no-TSX versions in 4.2
 * (posted for 4.2 in Nov 2019; absent at 4.1.0, present at 5.0.0);
 * Snowridge-v2 pulled Oct 2019, before the 4.2 freeze (4.2); Cooperlake
 * pulled Dec 2019, after 4.2 shipped (5.0); Denverton-v2 reposted Jan 2020
 * (5.0); Snowridge-v4 queued Sep 2021, after 6.1 shipped, present at 6.2.0
 * (6.2); SapphireRapids-v2 and GraniteRapids in the pull of July 2023 (8.1);
 * Icelake-Server-v3 in the x86 pull for 5.0-rc2 (5.0); SapphireRapids-v3 in
 * the pull of May 2024, after 9.0 shipped (9.1, not 9.2 as the release notes
 * had been read); GraniteRapids-v2 in the pull of Oct 2024 (9.2).
 */
#define V(n, s, a) { .version = (n), .since = (s), .alias = (a) }
#define V_XSAVES(n, s) { .version = (n), .since = (s), .cpuid_on = F(XSAVES), \
			 .vmx_on = { { [NVMX_QW_SECONDARY] = B(20) } } }
#define V_EPTP(n, s) { .version = (n), .since = (s), \
		       .vmx_on = { { [NVMX_QW_VMFUNC] = F_SW } } }
#define V_NOMPX(n, s) { .version = (n), .since = (s), .cpuid_off = F(MPX) }

static const struct nvmx_qemu_version v_nehalem[] = { V(1, "4.1", 0), V(2, "4.1", "Nehalem-IBRS") };
static const struct nvmx_qemu_version v_westmere[] = {
	V(1, "4.1", 0), V(2, "4.1", "Westmere-IBRS"),
};
static const struct nvmx_qemu_version v_snb[] = {
	V(1, "4.1", 0), V(2, "4.1", "SandyBridge-IBRS"),
};
static const struct nvmx_qemu_version v_ivb[] = { V(1, "4.1", 0), V(2, "4.1", "IvyBridge-IBRS") };
static const struct nvmx_qemu_version v_hsw[] = {
	V(1, "4.1", 0), V(2, "4.1", "Haswell-noTSX"), V(3, "4.1", "Haswell-IBRS"),
	V(4, "4.1", "Haswell-noTSX-IBRS"),
};
static const struct nvmx_qemu_version v_bdw[] = {
	V(1, "4.1", 0), V(2, "4.1", "Broadwell-noTSX"), V(3, "4.1", "Broadwell-IBRS"),
	V(4, "4.1", "Broadwell-noTSX-IBRS"),
};
static const struct nvmx_qemu_version v_skl[] = {
	V(1, "4.1", 0), V(2, "4.1", "Skylake-Client-IBRS"), V(3, "4.2", "Skylake-Client-noTSX-IBRS"),
	V_XSAVES(4, "6.1"),
};
static const struct nvmx_qemu_version v_skx[] = {
	V(1, "4.1", 0), V(2, "4.1", "Skylake-Server-IBRS"), V(3, "4.2", "Skylake-Server-noTSX-IBRS"),
	V_EPTP(4, "5.1"), V_XSAVES(5, "6.1"),
};
static const struct nvmx_qemu_version v_clx[] = {
	V(1, "4.1", 0), V(2, "4.1", 0), V(3, "4.2", "Cascadelake-Server-noTSX"), V_EPTP(4, "5.1"),
	V_XSAVES(5, "6.1"),
};
static const struct nvmx_qemu_version v_cpx[] = { V(1, "5.0", 0), V_XSAVES(2, "6.1") };
static const struct nvmx_qemu_version v_icx[] = {
	V(1, "4.1", 0), V(2, "4.2", "Icelake-Server-noTSX"), V(3, "5.0", 0),
	{ .version = 4, .since = "5.1", .cpuid_on = F(RDPID),
	  .vmx_on = { { [NVMX_QW_SECONDARY] = B(16) | B(17), [NVMX_QW_VMFUNC] = F_SW } } },
	V_XSAVES(5, "6.1"),
	{ .version = 6, .since = "7.0", .vmx_on = { { [NVMX_QW_EPT_VPID] = B(7) } } },
	V(7, "9.0", 0),
};
static const struct nvmx_qemu_version v_spr[] = {
	V(1, "7.0", 0), V(2, "8.1", 0), V(3, "9.1", 0),
};
static const struct nvmx_qemu_version v_gnr[] = { V(1, "8.1", 0), V(2, "9.2", 0) };
static const struct nvmx_qemu_version v_srf[] = {
	V(1, "9.0", 0), { .version = 2, .since = "10.0", .cpuid_on = F(LAM) },
};
static const struct nvmx_qemu_version v_cwf[] = { V(1, "10.0", 0) };
static const struct nvmx_qemu_version v_dnv[] = {
	V(1, "4.2", 0), V_NOMPX(2, "5.0"), V_XSAVES(3, "6.1"),
};
static const struct nvmx_qemu_version v_snr[] = {
	V(1, "4.1", 0), V_NOMPX(2, "4.2"), V_XSAVES(3, "6.1"), V(4, "6.2", 0),
};
static const struct nvmx_qemu_version v_yongfeng[] = { V(1, "10.0", 0) };

#define MODEL(n, s, c, w, vs) { .name = (n), .since = (s), .cpuid = (c), .vmx = w, \
				.nversions = sizeof(vs) / sizeof((vs)[0]), .versions = (vs) }
#define MODEL1(n, c, w) { .name = (n), .since = "4.1", .cpuid = (c), .vmx = w, .nversions = 1 }

#define W_NHM(sec, misc) WORDS(P_NHM, C_NHM, sec, X_NHM, N_NHM, misc, E_NHM, B_TRUE, 0)
#define W_ATOM WORDS(P_PI, C_NHM, S_BDW, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, F_SW)
#define CPU_DNV (CPU_64 | F(XSAVE) | F(RDTSCP) | F(RDRAND) | F(FSGSBASE) | F(SMEP) | F(MPX) | \
		 F(RDSEED) | F(SMAP))
#define CPU_YONGFENG (CPU_64 | F(XSAVE) | F(RDTSCP) | F(RDRAND) | F(PCID) | F(FSGSBASE) | \
		      F(SMEP) | F(INVPCID) | F(RDSEED) | F(SMAP) | F(UMIP) | F(PKU) | F(RDPID))

static const struct nvmx_qemu_model models[] = {
	MODEL1("kvm32", CPU_BASE, WORDS(P_MIN, C_YONAH, 0, X_MIN, N_MIN, M_HLT, 0, 0, 0)),
	MODEL1("coreduo", CPU_BASE | F(NX), WORDS(P_MIN, C_YONAH, 0, X_MIN, N_MIN, M_HLT, 0, 0, 0)),
	MODEL1("kvm64", CPU_64, WORDS(P_MIN, C_K64, 0, X_MIN, N_MIN, M_HLT, 0, 0, 0)),
	MODEL1("core2duo", CPU_64, WORDS(P_C2, C_C2, S_C2, X_MIN, N_MIN, M_HLT, 0, B_IO, 0)),
	MODEL1("Conroe", CPU_64, WORDS(P_C2, C_C2, S_C2, X_MIN, N_MIN, M_HLT, 0, B_IO, 0)),
	MODEL1("Penryn", CPU_64, WORDS(P_C2, C_C2, S_PNR, X_PNR, N_PNR, M_HLT, 0, B_IO, 0)),
	MODEL("Nehalem", "4.1", CPU_64, W_NHM(S_NHM, M_HLT), v_nehalem),
	MODEL("Westmere", "4.1", CPU_64, W_NHM(S_WSM, M_WSM), v_westmere),
	MODEL("SandyBridge", "4.1", CPU_SNB, W_NHM(S_WSM, M_WSM), v_snb),
	MODEL("IvyBridge", "4.1", CPU_IVB,
	      WORDS(P_PI, C_NHM, S_IVB, X_NHM, N_NHM, M_WSM, E_NHM, B_TRUE, 0), v_ivb),
	MODEL("Haswell", "4.1", CPU_HSW,
	      WORDS(P_PI, C_NHM, S_HSW, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, F_SW), v_hsw),
	MODEL("Broadwell", "4.1", CPU_BDW,
	      WORDS(P_PI, C_NHM, S_BDW, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, F_SW), v_bdw),
	MODEL("Skylake-Client", "4.1", CPU_BDW,
	      WORDS(P_NHM, C_NHM, S_SKL, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, F_SW), v_skl),
	MODEL("Skylake-Server", "4.1", CPU_SKX,
	      WORDS(P_PI, C_NHM, S_BDW, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, 0), v_skx),
	MODEL("Cascadelake-Server", "4.1", CPU_SKX,
	      WORDS(P_PI, C_NHM, S_BDW, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, 0), v_clx),
	MODEL("Cooperlake", "5.0", CPU_SKX,
	      WORDS(P_PI, C_NHM, S_BDW, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, F_SW), v_cpx),
	MODEL("Icelake-Server", "4.1", CPU_ICX,
	      WORDS(P_PI, C_NHM, S_HSW, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, 0), v_icx),
	MODEL("SapphireRapids", "7.0", CPU_SPR,
	      WORDS(P_PI, C_NHM, S_SPR, X_NHM, N_NHM, M_HSW, E_SPR, B_TRUE, F_SW), v_spr),
	MODEL("GraniteRapids", "8.1", CPU_SPR,
	      WORDS(P_PI, C_NHM, S_SPR, X_NHM, N_NHM, M_HSW, E_SPR, B_TRUE, F_SW), v_gnr),
	MODEL("SierraForest", "9.0", CPU_SRF,
	      WORDS(P_PI, C_NHM, S_SPR, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, F_SW), v_srf),
	MODEL("ClearwaterForest", "10.0", CPU_SRF | F(LAM),
	      WORDS(P_PI, C_NHM, S_SPR, X_NHM, N_NHM, M_HSW, E_HSW, B_TRUE, F_SW), v_cwf),
	MODEL("Denverton", "4.2", CPU_DNV, W_ATOM, v_dnv),
	/* Snowridge adds UMIP and RDPID to Denverton's flags nvmx reads. */
	MODEL("Snowridge", "4.1", CPU_DNV | F(UMIP) | F(RDPID), W_ATOM, v_snr),
	/* Zhaoxin: Broadwell's secondary set without RDSEED exiting; exit bit 9 in the word. */
	{ .name = "YongFeng", .since = "10.0", .vendor = "CentaurHauls", .cpuid = CPU_YONGFENG,
	  .vmx = WORDS(P_PI, C_NHM, S_BDW & ~B(16), X_NHM | B(9), N_NHM, M_HSW, E_HSW, B_TRUE, F_SW),
	  .nversions = 1, .versions = v_yongfeng },
};

#define NMODELS (sizeof(models) / sizeof(models[0]))

unsigned nvmx_qemu_model_count(void)
{
	return NMODELS;
}

const struct nvmx_qemu_model *nvmx_qemu_model_at(unsigned i)
{
	return i < NMODELS ? &models[i] : 0;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s[0..len) equals name (ASCII case-insensitive); *rest: what follows a prefix match. */
static bool prefix_eq(const char *s, size_t len, const char *name, size_t *used)
{
	size_t i = 0;
	for (; name[i]; i++)
		if (i >= len || lower(s[i]) != lower(name[i]))
			return false;
	*used = i;
	return true;
}

const struct nvmx_qemu_model *nvmx_qemu_model_find(const char *s, size_t len, unsigned *version)
{
	for (unsigned m = 0; m < NMODELS; m++) {
		const struct nvmx_qemu_model *md = &models[m];
		size_t used;
		/* Aliases first: "Haswell-noTSX" also starts with "Haswell". */
		for (unsigned v = 0; md->versions && v < md->nversions; v++) {
			const char *a = md->versions[v].alias;
			if (a && prefix_eq(s, len, a, &used) && used == len) {
				*version = md->versions[v].version;
				return md;
			}
		}
		if (!prefix_eq(s, len, md->name, &used))
			continue;
		if (used == len) {
			*version = 1;
			return md;
		}
		if (used + 2 > len || s[used] != '-' || lower(s[used + 1]) != 'v')
			continue;
		unsigned n = 0;
		size_t i = used + 2;
		if (i == len)
			continue;
		for (; i < len && s[i] >= '0' && s[i] <= '9' && n < 1000; i++)
			n = n * 10 + (unsigned)(s[i] - '0');
		if (i != len || n < 1 || n > md->nversions)
			return 0;
		*version = n;
		return md;
	}
	return 0;
}

bool nvmx_qemu_model_in(const struct nvmx_qemu_model *m, unsigned v,
			const struct nvmx_qemu_release *r)
{
	if (!m || v < 1 || v > m->nversions || !nvmx_qemu_release_has(r, m->since))
		return false;
	for (unsigned i = 0; m->versions && i < m->nversions; i++)
		if (m->versions[i].version == v)
			return nvmx_qemu_release_has(r, m->versions[i].since);
	return v == 1;
}

unsigned nvmx_qemu_model_versions(const struct nvmx_qemu_model *m,
				  const struct nvmx_qemu_release *r)
{
	unsigned n = 0;
	for (unsigned v = 1; v <= m->nversions; v++)
		if (nvmx_qemu_model_in(m, v, r))
			n = v;
	return n;
}

void nvmx_qemu_model_resolve(const struct nvmx_qemu_model *m, unsigned v,
			     struct nvmx_qwords *vmx, uint64_t *cpuid)
{
	*vmx = m->vmx;
	*cpuid = m->cpuid;
	for (unsigned i = 0; m->versions && i < m->nversions && m->versions[i].version <= v; i++) {
		const struct nvmx_qemu_version *ver = &m->versions[i];
		*cpuid = (*cpuid | ver->cpuid_on) & ~ver->cpuid_off;
		for (int w = 0; w < NVMX_QW_COUNT; w++)
			vmx->w[w] |= ver->vmx_on.w[w];
	}
}
