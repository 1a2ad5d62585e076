/* SPDX-License-Identifier: MIT */
/*
 * SDM-consistency checks over one set of capability MSRs (SDM Vol. 3
 * App. A), as data: each finding names the MSR(s) and the bit(s) concerned.
 */
#include "nvmx/sdm_check.h"

struct sink {
	struct nvmx_sdm_finding *out;
	unsigned max, n;
};

static void add(struct sink *s, struct nvmx_sdm_finding f)
{
	if (s->n < s->max)
		s->out[s->n] = f;
	s->n++;
}

/* One finding per set bit of `bits`. */
static void add_bits(struct sink *s, enum nvmx_sdm_kind kind, enum nvmx_msr_id msr,
		     enum nvmx_msr_id other, enum nvmx_word word, uint64_t bits)
{
	for (unsigned b = 0; b < 64; b++)
		if ((bits >> b) & 1)
			add(s, (struct nvmx_sdm_finding){ kind, msr, other, word, b, 0, 0 });
}

/* Allowed-0 bits that are not allowed-1: no setting of the control is valid. */
static void check_control_msr(const struct nvmx_msrs *m, enum nvmx_msr_id id, struct sink *s)
{
	if (!nvmx_msrs_has(m, id))
		return;
	uint64_t v = m->val[id];
	add_bits(s, NVMX_SDM_MUST1_NOT_ALLOWED1, id, id, nvmx_msr_desc(id)->word,
		 nvmx_lo(v) & ~nvmx_hi(v));
}

/*
 * A non-TRUE control MSR and its TRUE twin describe the same controls; the
 * TRUE one may only relax default1 bits to "may be 0" (SDM A.2, A.3).
 */
static void check_true_pair(const struct nvmx_msrs *m, enum nvmx_msr_id non, struct sink *s)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(non);
	enum nvmx_msr_id tru = d->twin;
	uint32_t def1 = nvmx_word_default1(d->word);

	if (nvmx_msrs_has(m, non))
		add_bits(s, NVMX_SDM_DEFAULT1_NOT_MUST1, non, non, d->word,
			 def1 & ~nvmx_lo(m->val[non]));
	if (!nvmx_msrs_has(m, non) || !nvmx_msrs_has(m, tru))
		return;
	uint64_t a = m->val[non], t = m->val[tru];
	add_bits(s, NVMX_SDM_PAIR_ALLOWS, tru, non, d->word, nvmx_hi(t) & ~nvmx_hi(a));
	add_bits(s, NVMX_SDM_PAIR_ALLOWS, non, tru, d->word, nvmx_hi(a) & ~nvmx_hi(t));
	add_bits(s, NVMX_SDM_PAIR_REQUIRES, tru, non, d->word, nvmx_lo(t) & ~nvmx_lo(a));
	add_bits(s, NVMX_SDM_PAIR_REQUIRES_NONDEF1, non, tru, d->word,
		 nvmx_lo(a) & ~nvmx_lo(t) & ~def1);
}

/* BASIC[55] says whether the four TRUE MSRs exist. */
static void check_true_presence(const struct nvmx_msrs *m, struct sink *s)
{
	if (!nvmx_msrs_has(m, NVMX_BASIC))
		return;
	bool true_ctls = (m->val[NVMX_BASIC] >> 55) & 1;
	static const enum nvmx_msr_id trues[] = { NVMX_TRUE_PINBASED, NVMX_TRUE_PROCBASED,
						  NVMX_TRUE_EXIT, NVMX_TRUE_ENTRY };
	for (unsigned i = 0; i < sizeof(trues) / sizeof(trues[0]); i++) {
		bool has = nvmx_msrs_has(m, trues[i]);
		if (has != true_ctls)
			add(s, (struct nvmx_sdm_finding){
				has ? NVMX_SDM_TRUE_WITHOUT_BASIC55 : NVMX_SDM_TRUE_ABSENT, trues[i],
				NVMX_BASIC, NVMX_WORD_PIN, 55, 0, 0 });
	}
}

/*
 * The allowed-1 half of a control word, from the non-TRUE MSR if present,
 * else the TRUE one.  *src is set to the MSR used; false if neither exists.
 */
static bool allowed1(const struct nvmx_msrs *m, enum nvmx_word word, uint64_t *out,
		     enum nvmx_msr_id *src)
{
	enum nvmx_msr_id non = nvmx_word_msr(word), tru = nvmx_msr_desc(non)->twin;
	const struct nvmx_msr_desc *d = nvmx_msr_desc(non);
	enum nvmx_msr_id id = nvmx_msrs_has(m, non) ? non : tru;
	*src = id;
	if (!nvmx_msrs_has(m, id))
		return false;
	*out = d->layout == NVMX_LAYOUT_CONTROLS ? nvmx_hi(m->val[id]) : m->val[id];
	return true;
}

/* An MSR that exists exactly when some control may be 1 (SDM A.3.3, A.4.2, A.10, A.11). */
static void check_enumerated(const struct nvmx_msrs *m, struct sink *s, enum nvmx_word word,
			     uint32_t bits, enum nvmx_msr_id dep)
{
	uint64_t a1 = 0;
	enum nvmx_msr_id src;
	bool have_word = allowed1(m, word, &a1, &src);
	bool enumerated = have_word && (a1 & bits);
	bool has = nvmx_msrs_has(m, dep);
	if (has && !enumerated)
		add(s, (struct nvmx_sdm_finding){
			have_word ? NVMX_SDM_ENUM_NOT_ALLOWED : NVMX_SDM_ENUM_WORD_ABSENT, dep,
			have_word ? src : nvmx_word_msr(word), word, 0, bits, 0 });
	else if (!has && enumerated)
		add(s, (struct nvmx_sdm_finding){ NVMX_SDM_ENUM_ABSENT, dep, src, word, 0, bits, 0 });
}

static void field(struct sink *s, enum nvmx_sdm_kind kind, enum nvmx_msr_id id, uint64_t v)
{
	add(s, (struct nvmx_sdm_finding){ kind, id, id, NVMX_WORD_PIN, 0, 0, v });
}

static void check_basic(const struct nvmx_msrs *m, struct sink *s)
{
	if (!nvmx_msrs_has(m, NVMX_BASIC))
		return;
	uint64_t v = m->val[NVMX_BASIC];
	unsigned size = (unsigned)((v >> 32) & 0x1fff), memtype = (unsigned)((v >> 50) & 0xf);
	if (size == 0 || size > 4096)
		field(s, NVMX_SDM_BASIC_SIZE, NVMX_BASIC, size);
	if (memtype != 0 && memtype != 6)
		field(s, NVMX_SDM_BASIC_MEMTYPE, NVMX_BASIC, memtype);
	if ((v >> 31) & 1)
		field(s, NVMX_SDM_BASIC_BIT31, NVMX_BASIC, 1);
	if ((v >> 45) & 7)
		field(s, NVMX_SDM_BASIC_RESERVED, NVMX_BASIC, (v >> 45) & 7);
}

static void check_vmcs_enum(const struct nvmx_msrs *m, struct sink *s)
{
	if (!nvmx_msrs_has(m, NVMX_VMCS_ENUM))
		return;
	uint64_t extra = m->val[NVMX_VMCS_ENUM] & ~UINT64_C(0x3fe);
	if (extra)
		field(s, NVMX_SDM_VMCS_ENUM_RESERVED, NVMX_VMCS_ENUM, extra);
}

/* A CR bit fixed to 1 must also be allowed to be 1. */
static void check_cr(const struct nvmx_msrs *m, enum nvmx_word word, enum nvmx_msr_id f0,
		     enum nvmx_msr_id f1, struct sink *s)
{
	if (nvmx_msrs_has(m, f0) && nvmx_msrs_has(m, f1))
		add_bits(s, NVMX_SDM_CR_FIXED, f0, f1, word, m->val[f0] & ~m->val[f1]);
}

unsigned nvmx_sdm_check(const struct nvmx_msrs *m, struct nvmx_sdm_finding *out, unsigned max)
{
	struct sink s = { out, max, 0 };
	check_basic(m, &s);
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (nvmx_msr_desc((enum nvmx_msr_id)id)->layout == NVMX_LAYOUT_CONTROLS)
			check_control_msr(m, (enum nvmx_msr_id)id, &s);
	check_true_pair(m, NVMX_PINBASED, &s);
	check_true_pair(m, NVMX_PROCBASED, &s);
	check_true_pair(m, NVMX_EXIT, &s);
	check_true_pair(m, NVMX_ENTRY, &s);
	check_true_presence(m, &s);
	check_enumerated(m, &s, NVMX_WORD_PROC, UINT32_C(1) << 31, NVMX_PROCBASED2);
	check_enumerated(m, &s, NVMX_WORD_PROC, UINT32_C(1) << 17, NVMX_PROCBASED3);
	check_enumerated(m, &s, NVMX_WORD_PROC2, (UINT32_C(1) << 1) | (UINT32_C(1) << 5),
			 NVMX_EPT_VPID_CAP);
	check_enumerated(m, &s, NVMX_WORD_PROC2, UINT32_C(1) << 13, NVMX_VMFUNC);
	check_enumerated(m, &s, NVMX_WORD_EXIT, UINT32_C(1) << 31, NVMX_EXIT2);
	check_vmcs_enum(m, &s);
	check_cr(m, NVMX_WORD_CR0, NVMX_CR0_FIXED0, NVMX_CR0_FIXED1, &s);
	check_cr(m, NVMX_WORD_CR4, NVMX_CR4_FIXED0, NVMX_CR4_FIXED1, &s);
	return s.n;
}
