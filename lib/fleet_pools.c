/* SPDX-License-Identifier: MIT */
/*
 * Migration pools by greedy agglomerative merging (the algorithm is
 * described in include/nvmx/fleet.h and docs/fleet.md).
 */
#include "nvmx/fleet.h"

#define NO_COST (~0ULL)		/* the largest unsigned long long */

static unsigned popcount64(uint64_t v)
{
	unsigned n = 0;
	while (v) {
		v &= v - 1;
		n++;
	}
	return n;
}

/* |a \ b| over the feature words. */
static unsigned minus(const struct nvmx_fleet_features *a, const struct nvmx_fleet_features *b)
{
	unsigned n = 0;
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		n += popcount64(a->w[i] & ~b->w[i]);
	return n;
}

/* Baselines that can fold into one: same VMCS revision and MSEG revision. */
static bool compatible(const struct nvmx_baseline *a, const struct nvmx_baseline *b)
{
	if (a->status != NVMX_BASELINE_OK || b->status != NVMX_BASELINE_OK)
		return false;
	const struct nvmx_msrs *x = &a->msrs, *y = &b->msrs;
	if (nvmx_msrs_has(x, NVMX_BASIC) && nvmx_msrs_has(y, NVMX_BASIC) &&
	    (x->val[NVMX_BASIC] & 0x7fffffff) != (y->val[NVMX_BASIC] & 0x7fffffff))
		return false;
	if (nvmx_msrs_has(x, NVMX_MISC) && nvmx_msrs_has(y, NVMX_MISC) &&
	    nvmx_hi(x->val[NVMX_MISC]) != nvmx_hi(y->val[NVMX_MISC]))
		return false;
	return true;
}

static unsigned long long cost(const struct nvmx_pool_slot *s, unsigned p, unsigned q,
			       const struct nvmx_pools_opts *o)
{
	const struct nvmx_pool_slot *a = &s[p], *b = &s[q];
	if (!compatible(&a->b, &b->b))
		return NO_COST;
	unsigned ab = minus(&a->fv, &b->fv), ba = minus(&b->fv, &a->fv);
	unsigned ma = a->max_loss + ab, mb = b->max_loss + ba;
	if ((ma > mb ? ma : mb) > o->max_loss)
		return NO_COST;
	return a->weight * ab + b->weight * ba;
}

/* Cheaper, or as cheap with a lower index: deterministic for a given input. */
static bool better(unsigned long long c, unsigned j, unsigned long long best_c, unsigned best)
{
	return c < best_c || (c == best_c && c != NO_COST && j < best);
}

static void rescan(struct nvmx_pool_slot *s, unsigned n, unsigned i, const struct nvmx_pools_opts *o)
{
	s[i].best = n;
	s[i].best_cost = NO_COST;
	for (unsigned j = 0; j < n; j++) {
		if (j == i || !s[j].alive)
			continue;
		unsigned long long c = cost(s, i, j, o);
		if (better(c, j, s[i].best_cost, s[i].best)) {
			s[i].best = j;
			s[i].best_cost = c;
		}
	}
}

static unsigned root(struct nvmx_pool_slot *s, unsigned i)
{
	while (s[i].parent != i) {
		s[i].parent = s[s[i].parent].parent;
		i = s[i].parent;
	}
	return i;
}

unsigned nvmx_pools_compute(const struct nvmx_pool_item *items, unsigned n,
			    const struct nvmx_pools_opts *opts, struct nvmx_pool_slot *s,
			    unsigned *pool_of, struct nvmx_pools_step *steps, unsigned *nsteps)
{
	struct nvmx_pools_opts o = *opts;
	unsigned pools = 0, nst = 0;
	unsigned long long total = 0;
	if (o.target < 1)
		o.target = 1;

	for (unsigned i = 0; i < n; i++) {
		struct nvmx_pool_slot *p = &s[i];
		*p = (struct nvmx_pool_slot){ .parent = i, .best = n, .best_cost = NO_COST };
		nvmx_baseline_init(&p->b);
		if (!items[i].usable)
			continue;
		nvmx_baseline_add_msrs(&p->b, items[i].offer, items[i].weight);
		nvmx_fleet_features(&p->b.msrs, &p->fv);
		p->weight = items[i].weight;
		p->alive = true;
		pools++;
	}
	for (unsigned i = 0; i < n; i++)
		if (s[i].alive)
			rescan(s, n, i, &o);

	while (pools > o.target) {
		unsigned p = n;
		for (unsigned i = 0; i < n; i++)
			if (s[i].alive && (p == n || better(s[i].best_cost, i, s[p].best_cost, p)))
				p = i;
		if (p == n || s[p].best_cost == NO_COST)
			break;
		unsigned q = s[p].best;
		if (q < p) {
			unsigned t = p;
			p = q;
			q = t;
		}
		/* Merge q into p; losses grow by what each side's baseline loses. */
		struct nvmx_pool_slot *a = &s[p], *b = &s[q];
		struct nvmx_fleet_features fa = a->fv, fb = b->fv;
		nvmx_baseline_merge(&a->b, &b->b);
		nvmx_fleet_features(&a->b.msrs, &a->fv);
		unsigned la = minus(&fa, &a->fv), lb = minus(&fb, &a->fv);
		a->lost += b->lost + a->weight * la + b->weight * lb;
		total += a->weight * la + b->weight * lb;
		a->max_loss = a->max_loss + la > b->max_loss + lb ? a->max_loss + la : b->max_loss + lb;
		a->weight += b->weight;
		b->alive = false;
		b->parent = p;
		pools--;
		if (steps)
			steps[nst] = (struct nvmx_pools_step){ pools, total };
		nst++;

		/* p changed: its partner and everyone who pointed at p or q look again. */
		rescan(s, n, p, &o);
		for (unsigned j = 0; j < n; j++) {
			if (!s[j].alive || j == p)
				continue;
			if (s[j].best == p || s[j].best == q) {
				rescan(s, n, j, &o);
				continue;
			}
			unsigned long long c = cost(s, j, p, &o);
			if (better(c, p, s[j].best_cost, s[j].best)) {
				s[j].best = p;
				s[j].best_cost = c;
			}
		}
	}
	for (unsigned i = 0; i < n; i++)
		pool_of[i] = items[i].usable ? root(s, i) : n;
	if (nsteps)
		*nsteps = nst;
	return pools;
}

/* Pool a is listed before pool b: more hosts, then the lower root. */
static bool listed_before(const struct nvmx_pool_slot *s, unsigned a, unsigned b)
{
	if (s[a].weight != s[b].weight)
		return s[a].weight > s[b].weight;
	return a < b;
}

static void sift(const struct nvmx_pool_slot *s, unsigned *order, unsigned i, unsigned n)
{
	for (;;) {
		unsigned c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && listed_before(s, order[c], order[c + 1]))
			c++;
		if (!listed_before(s, order[i], order[c]))
			return;
		unsigned t = order[i];
		order[i] = order[c];
		order[c] = t;
		i = c;
	}
}

unsigned nvmx_pools_rank(const struct nvmx_pool_slot *slots, const unsigned *pool_of, unsigned n,
			 unsigned *order, unsigned *rank)
{
	unsigned np = 0;
	for (unsigned i = 0; i < n; i++)
		if (slots[i].alive)
			order[np++] = i;
	/* heapsort (no libc): a total order, so the result is the same as any sort's */
	for (unsigned i = np / 2; i-- > 0;)
		sift(slots, order, i, np);
	for (unsigned end = np; end > 1; end--) {
		unsigned t = order[0];
		order[0] = order[end - 1];
		order[end - 1] = t;
		sift(slots, order, 0, end - 1);
	}
	for (unsigned r = 0; r < np; r++)
		rank[order[r]] = r;
	for (unsigned i = 0; i < n; i++)
		if (!slots[i].alive)
			rank[i] = pool_of[i] < n ? rank[pool_of[i]] : UINT32_MAX;
	return np;
}
