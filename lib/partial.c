/* SPDX-License-Identifier: MIT */
/*
 * Completions of partial hosts: every unknown bit is a variable, and a
 * question is asked of as many completions as it takes to find one where
 * the answer differs from the others (nvmx/partial.h).  The variables are
 * bits of the input, not of KVM's view: one physical capability is one
 * variable even where two MSRs report it (non-TRUE and TRUE allowed-1).
 */
#include "nvmx/partial.h"
#include "nvmx/catalog.h"
#include "vmx_bits.h"

struct var {
	unsigned char side;	/* 0 source, 1 destination */
	unsigned char msr;	/* enum nvmx_msr_id, or NVMX_MSR_COUNT for a feature */
	unsigned char bit;
};

#define WORDS (NVMX_PARTIAL_MAX_VARS / 64)

struct space {
	struct var v[NVMX_PARTIAL_MAX_VARS];
	unsigned n;
	const struct nvmx_host *base[2];
	const struct nvmx_unknown *u[2];
	bool same, has_src;
	nvmx_partial_fn fn;
	void *ctx;
	unsigned long tried;
	struct nvmx_host h[2];	/* the completion last applied */
};

/* The TRUE twin of a non-TRUE control MSR, or -1. */
static int true_twin(unsigned id)
{
	enum nvmx_msr_id t = nvmx_msr_true((enum nvmx_msr_id)id);
	return t != (enum nvmx_msr_id)id ? (int)t : -1;
}

/*
 * An unknown entry bit carries its exit partner: a processor reports both
 * halves of a pair (nvmx__entry_exit_pairs) or neither, and KVM 6.4+ refuses
 * to load on a host that does not.  The exit control paired with allowed-1
 * bit b (32..63) of the entry controls, or 0.
 */
static uint32_t exit_partner(unsigned b)
{
	for (unsigned i = 0; i < NVMX__ENTRY_EXIT_PAIRS; i++)
		if (b >= 32 && nvmx__entry_exit_pairs[i].entry == 1u << (b - 32))
			return nvmx__entry_exit_pairs[i].exit;
	return 0;
}

/* The entry control paired with allowed-1 bit b of the exit controls, or 0. */
static uint32_t entry_partner(unsigned b)
{
	for (unsigned i = 0; i < NVMX__ENTRY_EXIT_PAIRS; i++)
		if (b >= 32 && nvmx__entry_exit_pairs[i].exit == 1u << (b - 32))
			return nvmx__entry_exit_pairs[i].entry;
	return 0;
}

static int plain_twin(unsigned id)
{
	for (unsigned p = 0; p < NVMX_MSR_COUNT; p++)
		if (true_twin(p) == (int)id)
			return (int)p;
	return -1;
}

bool nvmx_unknown_any(const struct nvmx_unknown *u, const struct nvmx_host *h)
{
	if (!u)
		return false;
	if (u->features)
		return true;
	for (unsigned i = 0; i < NVMX_MSR_COUNT; i++)
		if (u->msr[i] && nvmx_msrs_has(&h->msrs, (enum nvmx_msr_id)i))
			return true;
	return false;
}

static void add(struct space *s, unsigned side, unsigned msr, unsigned bit)
{
	if (s->n < NVMX_PARTIAL_MAX_VARS)
		s->v[s->n++] = (struct var){ (unsigned char)side, (unsigned char)msr, (unsigned char)bit };
}

static void collect(struct space *s, unsigned side)
{
	const struct nvmx_unknown *u = s->u[side];
	const struct nvmx_host *h = s->base[side];
	if (!u || !h)
		return;
	for (unsigned id = 0; id < NVMX_MSR_COUNT; id++) {
		if (!nvmx_msrs_has(&h->msrs, (enum nvmx_msr_id)id))
			continue;
		int p = plain_twin(id);
		for (unsigned b = 0; b < 64; b++) {
			if (!(u->msr[id] >> b & 1))
				continue;
			/* An allowed-1 bit of a TRUE MSR moves with its non-TRUE twin. */
			if (p >= 0 && b >= 32 && nvmx_msrs_has(&h->msrs, (enum nvmx_msr_id)p) &&
			    (u->msr[p] >> b & 1))
				continue;
			/* An exit control moves with its entry partner. */
			uint32_t e = id == NVMX_EXIT || id == NVMX_TRUE_EXIT ? entry_partner(b) : 0;
			if (e && nvmx_msrs_has(&h->msrs, NVMX_ENTRY) &&
			    (u->msr[NVMX_ENTRY] >> 32 & e))
				continue;
			add(s, side, id, b);
		}
	}
	for (unsigned f = 0; f < NVMX_F_COUNT; f++)
		if (u->features >> f & 1)
			add(s, side, NVMX_MSR_COUNT, f);
}

static void put(uint64_t *w, unsigned b, bool on)
{
	if (on)
		*w |= UINT64_C(1) << b;
	else
		*w &= ~(UINT64_C(1) << b);
}

static bool get(const uint64_t *a, unsigned i)
{
	return a[i / 64] >> (i % 64) & 1;
}

static void set(uint64_t *a, unsigned i, bool on)
{
	put(&a[i / 64], i % 64, on);
}

/* Bit b of MSR id, and of its TRUE twin where that bit is unknown too. */
static void move(struct nvmx_host *h, const struct nvmx_unknown *u, unsigned id, unsigned b, bool on)
{
	put(&h->msrs.val[id], b, on);
	int t = true_twin(id);
	if (t >= 0 && b >= 32 && nvmx_msrs_has(&h->msrs, (enum nvmx_msr_id)t) && (u->msr[t] >> b & 1))
		put(&h->msrs.val[t], b, on);
}

static void apply(struct space *s, const uint64_t *a)
{
	for (unsigned side = 0; side < 2; side++)
		if (s->base[side])
			s->h[side] = *s->base[side];
	for (unsigned i = 0; i < s->n; i++) {
		const struct var *v = &s->v[i];
		struct nvmx_host *h = &s->h[v->side];
		bool on = get(a, i);
		if (v->msr == NVMX_MSR_COUNT) {
			put(&h->features, v->bit, on);
			continue;
		}
		move(h, s->u[v->side], v->msr, v->bit, on);
		uint32_t x = v->msr == NVMX_ENTRY ? exit_partner(v->bit) : 0;
		if (x) {
			unsigned xb = 32 + (unsigned)__builtin_ctz(x);
			if (nvmx_msrs_has(&h->msrs, NVMX_EXIT) && (s->u[v->side]->msr[NVMX_EXIT] >> xb & 1))
				move(h, s->u[v->side], NVMX_EXIT, xb, on);
			else if (nvmx_msrs_has(&h->msrs, NVMX_TRUE_EXIT) &&
				 (s->u[v->side]->msr[NVMX_TRUE_EXIT] >> xb & 1))
				put(&h->msrs.val[NVMX_TRUE_EXIT], xb, on);
		}
	}
	if (s->same)
		s->h[1] = s->h[0];
}

static bool ask(struct space *s, const uint64_t *a)
{
	apply(s, a);
	s->tried++;
	return s->fn(s->ctx, s->has_src ? &s->h[0] : 0, &s->h[1]);
}

/* The assumption the input's reader made: the base hosts' own bits. */
static void assumption(const struct space *s, uint64_t *a)
{
	for (unsigned i = 0; i < WORDS; i++)
		a[i] = 0;
	for (unsigned i = 0; i < s->n; i++) {
		const struct var *v = &s->v[i];
		const struct nvmx_host *h = s->base[v->side];
		uint64_t w = v->msr == NVMX_MSR_COUNT ? h->features : h->msrs.val[v->msr];
		set(a, i, w >> v->bit & 1);
	}
}

struct found {
	bool hold, fail;
	uint64_t hold_a[WORDS], fail_a[WORDS];
};

static bool note(struct found *f, const uint64_t *a, bool ok)
{
	if (ok && !f->hold) {
		f->hold = true;
		for (unsigned i = 0; i < WORDS; i++)
			f->hold_a[i] = a[i];
	}
	if (!ok && !f->fail) {
		f->fail = true;
		for (unsigned i = 0; i < WORDS; i++)
			f->fail_a[i] = a[i];
	}
	return ok;
}

static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The search's budget (overridable at build time to measure it against a larger one). */
#ifndef EXHAUSTIVE_VARS
#define EXHAUSTIVE_VARS 14
#endif
#ifndef RELEVANT_VARS
#define RELEVANT_VARS 12
#endif
#ifndef RANDOM_TRIES
#define RANDOM_TRIES 64
#endif

void nvmx_partial_search(struct nvmx_partial_result *r, const struct nvmx_host *src,
			 const struct nvmx_unknown *usrc, const struct nvmx_host *dst,
			 const struct nvmx_unknown *udst, bool same, nvmx_partial_fn fn,
			 void *ctx)
{
	static const struct nvmx_unknown none;
	struct space s;
	s.n = 0;
	s.base[0] = src ? src : dst;
	s.base[1] = dst;
	s.u[0] = src && usrc ? usrc : &none;
	s.u[1] = udst ? udst : &none;
	s.same = same && src;
	s.has_src = src != 0;
	s.fn = fn;
	s.ctx = ctx;
	s.tried = 0;
	if (src)
		collect(&s, 0);
	if (!s.same)
		collect(&s, 1);

	struct found f = { false, false, { 0 }, { 0 } };
	uint64_t a[WORDS], base[WORDS];
	assumption(&s, base);
	note(&f, base, ask(&s, base));
	r->exhaustive = s.n <= EXHAUSTIVE_VARS;
	if (r->exhaustive) {
		for (unsigned long m = 0; m < (1ul << s.n); m++) {
			for (unsigned i = 0; i < WORDS; i++)
				a[i] = 0;
			a[0] = m;
			note(&f, a, ask(&s, a));
		}
	} else {
		/* Anchors, and each bit flipped from each anchor. */
		uint64_t anchor[3][WORDS];
		bool relevant[NVMX_PARTIAL_MAX_VARS] = { false };
		for (unsigned i = 0; i < WORDS; i++) {
			anchor[0][i] = base[i];
			anchor[1][i] = 0;
			anchor[2][i] = 0;
		}
		for (unsigned i = 0; i < s.n; i++)
			set(anchor[2], i, true);
		for (unsigned k = 0; k < 3; k++) {
			bool at = note(&f, anchor[k], ask(&s, anchor[k]));
			for (unsigned i = 0; i < s.n; i++) {
				for (unsigned w = 0; w < WORDS; w++)
					a[w] = anchor[k][w];
				set(a, i, !get(a, i));
				if (note(&f, a, ask(&s, a)) != at)
					relevant[i] = true;
			}
		}
		uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
		for (unsigned t = 0; t < RANDOM_TRIES; t++) {
			for (unsigned w = 0; w < WORDS; w++)
				a[w] = next_rand(&x);
			note(&f, a, ask(&s, a));
		}
		/* Every combination of the bits seen to matter, from each anchor. */
		unsigned rel[RELEVANT_VARS], nrel = 0;
		bool few = true;
		for (unsigned i = 0; i < s.n; i++)
			if (relevant[i]) {
				if (nrel == RELEVANT_VARS)
					few = false;
				else
					rel[nrel++] = i;
			}
		for (unsigned k = 0; few && nrel && k < 3; k++)
			for (unsigned long m = 0; m < (1ul << nrel); m++) {
				for (unsigned w = 0; w < WORDS; w++)
					a[w] = anchor[k][w];
				for (unsigned j = 0; j < nrel; j++)
					set(a, rel[j], m >> j & 1);
				note(&f, a, ask(&s, a));
			}
	}
	r->vars = s.n;
	r->answer = f.fail ? (f.hold ? NVMX_PARTIAL_DEPENDS : NVMX_PARTIAL_FAILS) : NVMX_PARTIAL_HOLDS;
	for (unsigned side = 0; side < 2; side++)
		r->decide[side] = none;
	if (!f.fail) {
		r->tried = s.tried;
		apply(&s, base);
		r->fail[0] = s.h[0];
		r->fail[1] = s.h[1];
		return;
	}
	/*
	 * The deciding bits: walk the failing completion toward the holding one
	 * bit by bit, keeping each step that still fails; what is left differs.
	 */
	const uint64_t *hold = f.hold ? (ask(&s, base) ? base : f.hold_a) : f.fail_a;
	uint64_t cur[WORDS];
	for (unsigned w = 0; w < WORDS; w++)
		cur[w] = f.fail_a[w];
	for (unsigned i = 0; i < s.n; i++) {
		if (get(cur, i) == get(hold, i))
			continue;
		for (unsigned w = 0; w < WORDS; w++)
			a[w] = cur[w];
		set(a, i, get(hold, i));
		if (!ask(&s, a))
			for (unsigned w = 0; w < WORDS; w++)
				cur[w] = a[w];
	}
	for (unsigned i = 0; i < s.n; i++) {
		if (get(cur, i) == get(hold, i))
			continue;
		const struct var *v = &s.v[i];
		struct nvmx_unknown *d = &r->decide[v->side];
		if (v->msr == NVMX_MSR_COUNT)
			put(&d->features, v->bit, true);
		else
			put(&d->msr[v->msr], v->bit, true);
	}
	apply(&s, cur);
	r->fail[0] = s.h[0];
	r->fail[1] = s.h[1];
	r->tried = s.tried;
}
