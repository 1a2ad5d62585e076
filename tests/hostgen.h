/* SPDX-License-Identifier: MIT */
/*
 * Hosts for the KVM-model tests: the bundled dumps (sorted), hosts built from
 * literal MSR values, and random hosts that respect the SDM's encoding rules
 * for the VMX capability MSRs.  Everything here is static inline so a test
 * may use any part of it.
 */
#ifndef NVMX_TEST_HOSTGEN_H
#define NVMX_TEST_HOSTGEN_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/io.h"
#include "nvmx/kvm.h"

/* ---- bits of the MSRs, as the SDM numbers them ------------------------ */

#define HG_BIT(n) (UINT64_C(1) << (n))

/* SDM default1 classes of the non-TRUE control MSRs (Vol. 3D, A.3-A.5). */
#define HG_PIN_DEFAULT1   0x00000016u
#define HG_PROC_DEFAULT1  0x0401E172u
#define HG_EXIT_DEFAULT1  0x00036DFFu
#define HG_ENTRY_DEFAULT1 0x000011FFu

/* ---- a small PRNG (xorshift64*), fixed seed, no libc state ------------ */

struct hg_rng {
	uint64_t s;
};

static inline uint64_t hg_next(struct hg_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * UINT64_C(0x2545F4914F6CDD1D);
}

static inline unsigned hg_below(struct hg_rng *r, unsigned n)
{
	return (unsigned)((hg_next(r) >> 33) % n);
}

/* true with probability pct/100 */
static inline int hg_chance(struct hg_rng *r, unsigned pct)
{
	return hg_below(r, 100) < pct;
}

/* each bit of mask independently, with probability pct/100 */
static inline uint32_t hg_bits(struct hg_rng *r, uint32_t mask, unsigned pct)
{
	uint32_t v = 0;
	for (unsigned b = 0; b < 32; b++)
		if ((mask >> b & 1) && hg_chance(r, pct))
			v |= 1u << b;
	return v;
}

/* ---- feature flags by their cpuinfo names ----------------------------- */

static inline uint64_t hg_features(const char *names)
{
	uint64_t f = 0;
	char word[32];
	while (*names) {
		size_t n = strcspn(names, " ");
		if (n && n < sizeof(word)) {
			memcpy(word, names, n);
			word[n] = '\0';
			int id = nvmx_feature_lookup(word);
			if (id >= 0)
				f |= NVMX_FEAT(id);
		}
		names += n;
		names += strspn(names, " ");
	}
	return f;
}

static inline void hg_identity(struct nvmx_host *h, const char *vendor, unsigned family,
			       unsigned model, unsigned stepping)
{
	snprintf(h->vendor, sizeof(h->vendor), "%s", vendor);
	h->family = family;
	h->model = model;
	h->stepping = stepping;
}

/* ---- the bundled dumps ------------------------------------------------- */

static inline const char *hg_data_dir(void)
{
	const char *d = getenv("NVMX_DATA");
	return d && *d ? d : "data/hosts";
}

static inline int hg_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted base names of data/hosts/\*.msrs; free with hg_free_list. */
static inline char **hg_list_dumps(size_t *n)
{
	DIR *d = opendir(hg_data_dir());
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l <= 5 || strcmp(e->d_name + l - 5, ".msrs"))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			char **nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (v)
		qsort(v, *n, sizeof(*v), hg_cmp_name);
	return v;
}

static inline void hg_free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Read data/hosts/<name>; 0 or -1. */
static inline int hg_read_dump(const char *name, struct nvmx_hostfile *out)
{
	char path[1024];
	struct nvmx_diag d;
	snprintf(path, sizeof(path), "%s/%s", hg_data_dir(), name);
	return nvmx_hostfile_read(path, out, &d);
}

/* ---- random SDM-consistent hosts ---------------------------------------
 *
 * Rules kept (SDM Vol. 3D appendix A): a non-TRUE control MSR reports its
 * default1 class as allowed-0; the TRUE twin may clear some of those
 * (TRUE lo is a subset of non-TRUE lo), with the same allowed-1 half;
 * allowed-0 bits are always allowed-1; PROCBASED_CTLS2 has no allowed-0 bit.
 * Most hosts have a 4 KiB-or-smaller WB VMCS; a few have a larger one, UC, or the
 * 32-bit address limit so that the refusals are exercised too.
 */

/* Every control the SDM defines in each word (reserved bits excluded). */
#define HG_PIN_DEFINED   0x000000E9u
#define HG_PROC_DEFINED  0xFBFB9E8Cu
#define HG_PROC2_DEFINED 0xD75FFFFFu
#define HG_EXIT_DEFINED  0x53FC9204u
#define HG_ENTRY_DEFINED 0x0017EE04u

static inline void hg_random_host(struct hg_rng *r, struct nvmx_host *h)
{
	static const unsigned models[] = { 26, 30, 37, 44, 46,		/* PERF_GLOBAL erratum */
					   15, 23, 42, 58, 60, 63, 79, 85, 94, 106,
					   126, 140, 143, 151, 154, 183, 189, 207 };
	struct nvmx_msrs *m = &h->msrs;
	memset(h, 0, sizeof(*h));
	hg_identity(h, hg_chance(r, 95) ? "GenuineIntel" : "CentaurHauls", 6,
		    models[hg_below(r, sizeof(models) / sizeof(models[0]))], hg_below(r, 16));
	h->hyperv_evmcs = hg_chance(r, 10);

	/* features: VMX nearly always, NX and LM mostly, the rest at random */
	h->features = hg_next(r) & (NVMX_FEAT(NVMX_F_COUNT) - 1);
	h->features &= ~(NVMX_FEAT(NVMX_F_VMX) | NVMX_FEAT(NVMX_F_NX) | NVMX_FEAT(NVMX_F_LM));
	if (hg_chance(r, 98))
		h->features |= NVMX_FEAT(NVMX_F_VMX);
	if (hg_chance(r, 92))
		h->features |= NVMX_FEAT(NVMX_F_NX);
	if (hg_chance(r, 97))
		h->features |= NVMX_FEAT(NVMX_F_LM);

	/* "noise": a few hosts also allow reserved bits, to test KVM's masks */
	int noisy = hg_chance(r, 6);

	/* BASIC */
	uint64_t basic = hg_next(r) & 0x7FFFFFFF;
	unsigned sz = hg_below(r, 100);
	uint64_t size = sz < 80 ? 0x1000 : sz < 90 ? 0x400 : sz < 96 ? 1 + hg_below(r, 0x1000)
								 : 0x1001 + hg_below(r, 0xFFF);
	basic |= size << 32;
	basic |= (uint64_t)(hg_chance(r, 93) ? 6 : 0) << 50;
	if (hg_chance(r, 3))
		basic |= HG_BIT(48);
	if (hg_chance(r, 20))
		basic |= HG_BIT(49);
	if (hg_chance(r, 75))
		basic |= HG_BIT(54);
	int true_ctls = hg_chance(r, 92);
	if (true_ctls)
		basic |= HG_BIT(55);
	if (hg_chance(r, 35))
		basic |= HG_BIT(56);
	nvmx_msrs_set(m, NVMX_BASIC, basic);

	/* pin */
	uint32_t pin_hi = HG_PIN_DEFAULT1 | hg_bits(r, 0x09, 99) | hg_bits(r, 0xE0, 70);
	if (noisy)
		pin_hi |= (uint32_t)hg_next(r);
	nvmx_msrs_set(m, NVMX_PINBASED, nvmx_mk64(HG_PIN_DEFAULT1, pin_hi));

	/* primary: the controls KVM requires (any release) very likely present */
	uint32_t proc_hi = HG_PROC_DEFAULT1 | hg_bits(r, 0x21998E8C, 99) |
			   hg_bits(r, HG_PROC_DEFINED & ~0x21998E8Cu, 75);
	if (hg_chance(r, 85))
		proc_hi |= 0x80000000u;	/* activate secondary controls */
	if (noisy)
		proc_hi |= (uint32_t)hg_next(r);
	nvmx_msrs_set(m, NVMX_PROCBASED, nvmx_mk64(HG_PROC_DEFAULT1, proc_hi));

	/* secondary */
	uint32_t p2 = hg_bits(r, HG_PROC2_DEFINED, 60);
	if (hg_chance(r, 75))
		p2 |= 0x22;	/* EPT, VPID: usually both */
	if (noisy)
		p2 |= (uint32_t)hg_next(r);
	if (hg_chance(r, 97))
		nvmx_msrs_set(m, NVMX_PROCBASED2, nvmx_mk64(0, p2));

	/* EPT/VPID capabilities, normally only with the controls */
	uint32_t ept = 0, vpid = 0;
	if (p2 & 0x2) {
		ept = hg_bits(r, 0x06734141u, 85) | hg_bits(r, 0x00400080u, 40);
		if (noisy)
			ept |= (uint32_t)hg_next(r);
	} else if (hg_chance(r, 5)) {
		ept = 0x06734141u;
	}
	if (p2 & 0x20)
		vpid = hg_bits(r, 0xF01, 85);
	else if (hg_chance(r, 5))
		vpid = 0xF01;
	if (hg_chance(r, 97))
		nvmx_msrs_set(m, NVMX_EPT_VPID_CAP, nvmx_mk64(ept, vpid));

	/* exit / entry, with the entry/exit pairs usually matching */
	static const uint32_t pair_entry[] = { 0x2000, 0x4000, 0x8000, 0x10000, 0x40000, 0x100000 };
	static const uint32_t pair_exit[] = { 0x1000, 0x80000, 0x200000, 0x800000, 0x2000000,
					      0x10000000 };
	uint32_t exit_hi = HG_EXIT_DEFAULT1 | hg_bits(r, 0x8204, 99) |
			   hg_bits(r, HG_EXIT_DEFINED & ~0x8204u, 70);
	uint32_t entry_hi = HG_ENTRY_DEFAULT1 | hg_bits(r, 0x4, 99) | hg_bits(r, 0x200, 96) |
			    hg_bits(r, HG_ENTRY_DEFINED & ~0x204u, 70);
	for (unsigned i = 0; i < sizeof(pair_entry) / sizeof(pair_entry[0]); i++)
		if (hg_chance(r, 93)) {
			if (exit_hi & pair_exit[i])
				entry_hi |= pair_entry[i];
			else
				entry_hi &= ~pair_entry[i];
		}
	if (noisy) {
		exit_hi |= (uint32_t)hg_next(r);
		entry_hi |= (uint32_t)hg_next(r);
	}
	nvmx_msrs_set(m, NVMX_EXIT, nvmx_mk64(HG_EXIT_DEFAULT1, exit_hi));
	nvmx_msrs_set(m, NVMX_ENTRY, nvmx_mk64(HG_ENTRY_DEFAULT1, entry_hi));

	/* TRUE twins: lo may drop some default1 bits; hi is the same */
	if (true_ctls) {
		nvmx_msrs_set(m, NVMX_TRUE_PINBASED,
			      nvmx_mk64(HG_PIN_DEFAULT1 & ~hg_bits(r, HG_PIN_DEFAULT1, 25), pin_hi));
		nvmx_msrs_set(m, NVMX_TRUE_PROCBASED,
			      nvmx_mk64(HG_PROC_DEFAULT1 & ~hg_bits(r, HG_PROC_DEFAULT1, 25), proc_hi));
		nvmx_msrs_set(m, NVMX_TRUE_EXIT,
			      nvmx_mk64(HG_EXIT_DEFAULT1 & ~hg_bits(r, HG_EXIT_DEFAULT1, 25), exit_hi));
		nvmx_msrs_set(m, NVMX_TRUE_ENTRY,
			      nvmx_mk64(HG_ENTRY_DEFAULT1 & ~hg_bits(r, HG_ENTRY_DEFAULT1, 25), entry_hi));
	}

	/* MISC: timer rate, activity states, CR3 targets, MSR-list limit, MSEG */
	uint32_t misc = hg_below(r, 32) | hg_bits(r, 0x000001E0, 70) |
			hg_bits(r, 0x7000C000u, 50) | (hg_below(r, 5) << 16) | (hg_below(r, 8) << 25);
	uint32_t mseg = hg_chance(r, 90) ? 0 : (uint32_t)hg_next(r);
	nvmx_msrs_set(m, NVMX_MISC, nvmx_mk64(misc, mseg));

	/* CR fixed bits */
	nvmx_msrs_set(m, NVMX_CR0_FIXED0, (p2 & 0x80) ? 0x21 : 0x80000021);
	nvmx_msrs_set(m, NVMX_CR0_FIXED1, hg_chance(r, 90) ? 0xFFFFFFFFu
							  : 0x80000021u | hg_bits(r, 0x6005003E, 80));
	nvmx_msrs_set(m, NVMX_CR4_FIXED0, 0x2000);
	nvmx_msrs_set(m, NVMX_CR4_FIXED1, 0x2000u | hg_bits(r, 0x11F77FFFu, 70));
	nvmx_msrs_set(m, NVMX_VMCS_ENUM, 2u * hg_below(r, 0x200));

	if (p2 & 0x2000)
		nvmx_msrs_set(m, NVMX_VMFUNC, hg_chance(r, 90) ? 1 : hg_next(r) & 0xFF);
	if (proc_hi & 0x20000)
		nvmx_msrs_set(m, NVMX_PROCBASED3, hg_next(r) & (noisy ? ~UINT64_C(0) : 0x1F));
}

/* kvm-nested-vmx.md Appendix C, the input: synthetic Skylake-like host, no SGX, no UMIP, bare metal. */
static inline void hg_appendix_c_host(struct nvmx_host *h)
{
	memset(h, 0, sizeof(*h));
	hg_identity(h, "GenuineIntel", 6, 85, 4);
	h->features = hg_features("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov "
				  "pat pse36 clflush mmx fxsr sse sse2 ss ht pni vmx est ssse3 "
				  "cx16 pcid sse4_1 sse4_2 x2apic popcnt xsave avx rdrand "
				  "fsgsbase smep invpcid rdseed smap syscall nx pdpe1gb rdtscp lm");
	nvmx_msrs_set(&h->msrs, NVMX_BASIC, 0x00DA040000000010);
	nvmx_msrs_set(&h->msrs, NVMX_PINBASED, 0x0000007F00000016);
	nvmx_msrs_set(&h->msrs, NVMX_PROCBASED, 0xFFF9FFFE0401E172);
	nvmx_msrs_set(&h->msrs, NVMX_EXIT, 0x01FFFFFF00036DFF);
	nvmx_msrs_set(&h->msrs, NVMX_ENTRY, 0x0003FFFF000011FF);
	nvmx_msrs_set(&h->msrs, NVMX_MISC, 0x000000007004C1E7);
	nvmx_msrs_set(&h->msrs, NVMX_CR0_FIXED1, 0x00000000FFFFFFFF);
	nvmx_msrs_set(&h->msrs, NVMX_CR4_FIXED1, 0x00000000003767FF);
	nvmx_msrs_set(&h->msrs, NVMX_PROCBASED2, 0x01537FFF00000000);
	nvmx_msrs_set(&h->msrs, NVMX_EPT_VPID_CAP, 0x00000F0106734141);
}

#endif
