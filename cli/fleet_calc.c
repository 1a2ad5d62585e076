/* SPDX-License-Identifier: MIT */
/*
 * The matrix and the pools behind `nvmx matrix` and `nvmx pools`: the
 * library computes (nvmx_fleet_matrix, nvmx_pools_compute); here the
 * buffers, the progress and the verification messages.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/qemu_migrate.h"
#include "fleet.h"
#include "partial.h"

struct matrix_progress {
	struct fleet *f;
	unsigned long long before, total;	/* cells of earlier policies, of all */
	unsigned ndst;
};

static void matrix_progress(void *ctx, unsigned rows)
{
	struct matrix_progress *p = ctx;
	if (!((rows - 1) & 15))
		fleet_progress(p->f, "matrix", p->before + (unsigned long long)rows * p->ndst, p->total);
}

/*
 * Cells with a partial host: the class cell was asked of the hosts as given;
 * a "yes" stands only if no completion of their unknown bits fails.
 */
static int partial_cells(struct fleet *f, struct fleet_matrix *mx, unsigned k)
{
	bool any = false;
	for (unsigned i = 0; i < f->inv.nprof && !any; i++)
		any = f->inv.prof[i].machine != 0;
	if (!any)
		return 0;
	mx->nprof = f->inv.nprof;
	if (!(mx->np[k] = calloc((size_t)f->inv.nprof * f->inv.nprof + 1, 1)))
		return cli_usage_error(f->cmd, "out of memory (partial hosts of %u profiles)", f->inv.nprof);
	for (unsigned a = 0; a < f->inv.nprof; a++)
		for (unsigned b = 0; b < f->inv.nprof; b++) {
			const struct nvmx_inventory_profile *pa = &f->inv.prof[a], *pb = &f->inv.prof[b];
			int cell = fleet_cell(f, mx, k, a, b);
			if ((!pa->machine && !pb->machine) || cell == NVMX_CELL_NA)
				continue;
			static struct nvmx_fleet_cell_work w;
			w.src_kernel = pa->kernel, w.dst_kernel = pb->kernel;
			w.src_params = &pa->params, w.dst_params = &pb->params;
			w.vm = &f->vm, w.policy = fleet_policies[mx->pol[k]];
			struct fleet_not_proven *n = realloc(mx->npl, (mx->nnpl + 1) * sizeof(*n));
			if (!n)
				return cli_usage_error(f->cmd, "out of memory");
			mx->npl = n;
			n = &mx->npl[mx->nnpl];
			/* hyperv_evmcs of the run is in the profile's host already */
			if (nvmx_fleet_cell_partial(&n->r, &w, (enum nvmx_fleet_cell)cell, &pa->host, &pa->unknown,
						    &pb->host, &pb->unknown,
						    pa->machine && pa->machine == pb->machine) != NVMX_CELL_NOT_PROVEN)
				continue;
			n->k = k, n->a = a, n->b = b;
			mx->nnpl++;
			mx->np[k][(size_t)a * f->inv.nprof + b] = 1;
			if (cell == NVMX_CELL_YES)
				mx->ok[k] -= pa->count * pb->count;
			mx->not_proven[k] += pa->count * pb->count;
		}
	return 0;
}

/* One completion of a partial profile: does its fresh vCPU take the values? */
struct accepts_ctx {
	const struct fleet *f;
	unsigned i;
	const struct nvmx_msrs *vals;
};

static bool accepts_completion(void *ctx, const struct nvmx_host *src, const struct nvmx_host *dst)
{
	const struct accepts_ctx *c = ctx;
	const struct nvmx_inventory_profile *p = &c->f->inv.prof[c->i];
	static struct nvmx_fleet_host to;
	static struct nvmx_migration m;
	(void)src;
	nvmx_fleet_host_init(&to, dst, p->kernel, &p->params, &c->f->vm);
	if (!to.usable)
		return false;
	nvmx_fleet_restore(&m, &to, c->vals, NVMX_POLICY_STRICT);
	return m.migratable;
}

bool fleet_partial_accepts(const struct fleet *f, unsigned i, const struct nvmx_msrs *vals,
			   struct nvmx_partial_result *r)
{
	const struct nvmx_inventory_profile *p = &f->inv.prof[i];
	if (!p->machine)
		return true;
	struct accepts_ctx c = { f, i, vals };
	nvmx_partial_search(r, NULL, NULL, &p->host, &p->unknown, false, accepts_completion, &c);
	return r->answer == NVMX_PARTIAL_HOLDS;
}

const struct nvmx_partial_result *fleet_cell_partial(const struct fleet_matrix *mx, unsigned k,
						     unsigned a, unsigned b)
{
	for (unsigned i = 0; i < mx->nnpl; i++)
		if (mx->npl[i].k == k && mx->npl[i].a == a && mx->npl[i].b == b)
			return &mx->npl[i].r;
	return NULL;
}

int fleet_matrix_compute(struct fleet *f, struct fleet_matrix *mx, const unsigned *pols,
			 unsigned npol)
{
	memset(mx, 0, sizeof(*mx));
	mx->npol = npol;
	struct matrix_progress pr = { f, 0, 0, 0 };
	for (unsigned k = 0; k < npol; k++)
		pr.total += (unsigned long long)f->nsrc * f->ndst[pols[k]];
	for (unsigned k = 0; k < npol; k++) {
		unsigned pol = pols[k];
		unsigned nd = f->ndst[pol];
		mx->pol[k] = pol;
		mx->m[k] = malloc((size_t)f->nsrc * nd + 1);
		struct nvmx_target *tg = malloc((size_t)nd * sizeof(*tg) + 1);
		if (!mx->m[k] || !tg) {
			free(tg);
			return cli_usage_error(f->cmd, "out of memory (matrix of %u x %u classes)", f->nsrc, nd);
		}
		struct nvmx_fleet_matrix_counts c;
		pr.ndst = nd;
		nvmx_fleet_matrix(mx->m[k], &c, f->fh, f->src, f->nsrc, f->dst[pol], nd,
				  fleet_policies[pol], tg, matrix_progress, &pr);
		pr.before += (unsigned long long)f->nsrc * nd;
		mx->ok[k] = c.ok;
		mx->pairs = c.pairs;
		mx->restores += c.restores;
		free(tg);
		int rc = partial_cells(f, mx, k);
		if (rc)
			return rc;
	}
	fleet_progress_done(f);
	return 0;
}

void fleet_matrix_free(struct fleet_matrix *mx)
{
	for (unsigned k = 0; k < 3; k++) {
		free(mx->m[k]);
		free(mx->np[k]);
	}
	free(mx->npl);
	memset(mx, 0, sizeof(*mx));
}

void fleet_cell_run(const struct fleet *f, const struct fleet_matrix *mx, unsigned k, unsigned a,
		    unsigned b, struct nvmx_migration *out)
{
	nvmx_fleet_restore(out, &f->fh[b], &f->fh[a].offer, fleet_policies[mx->pol[k]]);
}

/* ---- Pools ----------------------------------------------------------------- */

int fleet_pools_opt(void *ctx, const struct opt *o, const char *v)
{
	struct nvmx_pools_opts *po = (struct nvmx_pools_opts *)((char *)ctx + o->off);
	bool pools = !strcmp(o->name, "pools");
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || n > UINT_MAX - 1 || (pools && n < 1))
		return cli_usage_error(opts_cmd(), "--%s needs a number%s", o->name,
				       pools ? " of at least 1" : "");
	if (pools)
		po->target = (unsigned)n;
	else
		po->max_loss = (unsigned)n;
	return 0;
}

/*
 * Pools over items[n] (item_of[i]: profile i's item); qemu: the items are
 * QEMU's offers (nvmx_qemu_offer), whose baselines a KVM restore does not
 * have to take, so the restore check is skipped there.  Frees items.
 */
static int pools_core(struct fleet *f, const struct nvmx_pools_opts *o, struct fleet_pools *p,
		      struct nvmx_pool_item *items, unsigned n, const unsigned *item_of, bool qemu)
{
	struct nvmx_pool_slot *slots = calloc(n + 1, sizeof(*slots));
	unsigned *item_pool = calloc(n + 1, sizeof(*item_pool));
	unsigned *order = calloc(n + 1, sizeof(*order));
	unsigned *rank = calloc(n + 1, sizeof(*rank));
	p->steps = calloc(n + 1, sizeof(*p->steps));
	p->pool_of = calloc((size_t)f->inv.nprof + 1, sizeof(*p->pool_of));
	if (!items || !slots || !item_pool || !order || !rank || !p->steps || !p->pool_of)
		return cli_usage_error(f->cmd, "out of memory");
	p->items = n;
	nvmx_pools_compute(items, n, o, slots, item_pool, p->steps, &p->nsteps);
	unsigned nr = nvmx_pools_rank(slots, item_pool, n, order, rank);
	p->b = calloc(nr + 1, sizeof(*p->b));
	p->hosts = calloc(nr + 1, sizeof(*p->hosts));
	p->profiles = calloc(nr + 1, sizeof(*p->profiles));
	if (!p->b || !p->hosts || !p->profiles)
		return cli_usage_error(f->cmd, "out of memory");
	for (unsigned r = 0; r < nr; r++) {
		p->b[r] = slots[order[r]].b;
		p->hosts[r] = slots[order[r]].weight;
		p->lost += slots[order[r]].lost;
	}
	p->n = nr;
	for (unsigned i = 0; i < f->inv.nprof; i++) {
		p->pool_of[i] = rank[item_of[i]];
		if (p->pool_of[i] == UINT32_MAX)
			continue;
		p->profiles[p->pool_of[i]]++;
		if (qemu)
			continue;
		struct nvmx_migration m;
		nvmx_fleet_restore(&m, &f->fh[i], &p->b[p->pool_of[i]].msrs, NVMX_POLICY_STRICT);
		if (!m.migratable) {
			char why[CLI_REASON_MAX];
			fprintf(stderr, "nvmx %s: BUG: %s rejects the baseline of pool %u:\n", f->cmd,
				f->inv.prof[i].name, p->pool_of[i] + 1);
			for (unsigned w = 0; w < m.nwrites; w++)
				if (m.writes[w].r.rc) {
					nvmx_result_describe(&m.writes[w].r, why, sizeof(why));
					fprintf(stderr, "    %s\n", why);
				}
			p->bad++;
			continue;
		}
		static struct nvmx_partial_result pr;
		if (!fleet_partial_accepts(f, i, &p->b[p->pool_of[i]].msrs, &pr)) {
			char dec[1024];
			partial_decide_text(&pr, false, dec, sizeof(dec));
			fprintf(stderr, "nvmx %s: NOT PROVEN: %s is a partial host and rejects the baseline "
				"of pool %u when these differ from its input: %s\n", f->cmd,
				f->inv.prof[i].name, p->pool_of[i] + 1, dec);
			p->not_proven++;
		}
	}
	free(items);
	free(slots);
	free(item_pool);
	free(order);
	free(rank);
	return 0;
}

int fleet_pools_run(struct fleet *f, const struct nvmx_pools_opts *o, struct fleet_pools *p)
{
	unsigned n = f->nsrc;
	memset(p, 0, sizeof(*p));
	struct nvmx_pool_item *items = calloc(n + 1, sizeof(*items));
	unsigned *item_of = calloc((size_t)f->inv.nprof + 1, sizeof(*item_of));
	if (!items || !item_of) {
		free(items);
		free(item_of);
		return cli_usage_error(f->cmd, "out of memory");
	}
	for (unsigned c = 0; c < n; c++) {
		const struct nvmx_fleet_host *fh = &f->fh[f->src[c].rep];
		items[c] = (struct nvmx_pool_item){ &fh->offer, fh->usable, f->src[c].hosts };
	}
	for (unsigned i = 0; i < f->inv.nprof; i++)
		item_of[i] = f->src_of[i];
	int rc = pools_core(f, o, p, items, n, item_of, false);
	free(item_of);
	return rc;
}

/*
 * Under the qemu semantics a VM's VMX MSRs are what QEMU builds on each
 * host, so the pools merge QEMU's offers (-cpu max's L1 MSRs, one item per
 * profile: the same KVM offer gives different QEMU offers when the CPUID
 * or the release differs), not the KVM offers a saving VMM restores.
 */
int fleet_pools_run_qemu(struct fleet *f, const struct nvmx_pools_opts *o,
			 const struct nvmx_qemu_release *r, struct fleet_pools *p)
{
	unsigned n = f->inv.nprof;
	memset(p, 0, sizeof(*p));
	struct nvmx_pool_item *items = calloc(n + 1, sizeof(*items));
	unsigned *item_of = calloc(n + 1, sizeof(*item_of));
	struct nvmx_msrs *offer = calloc(n + 1, sizeof(*offer));
	struct nvmx_qemu_host *qh = calloc(n + 1, sizeof(*qh));
	int rc;
	if (!items || !item_of || !offer || !qh) {
		free(items);
		rc = cli_usage_error(f->cmd, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct nvmx_kvm *kvm = &f->fh[i].s.kvm;
		nvmx_qemu_host_from_kvm(&qh[i], kvm, &f->inv.prof[i].host);
		struct nvmx_qemu_env env = { kvm, &qh[i], r, false, 0 };
		bool ok = f->fh[i].usable && nvmx_qemu_offer(&offer[i], &env);
		items[i] = (struct nvmx_pool_item){ &offer[i], ok, f->inv.prof[i].count };
		item_of[i] = i;
	}
	rc = pools_core(f, o, p, items, n, item_of, true);
out:
	free(item_of);
	free(offer);
	free(qh);
	return rc;
}

void fleet_pools_free(struct fleet_pools *p)
{
	free(p->pool_of);
	free(p->b);
	free(p->hosts);
	free(p->profiles);
	free(p->steps);
	memset(p, 0, sizeof(*p));
}
