/* SPDX-License-Identifier: MIT */
/*
 * The migration matrix over the classes of a fleet (`nvmx matrix`): a cell
 * is one restore-model verdict, the source class's offer written in QEMU's
 * order into a fresh vCPU of the destination class -- what `nvmx check
 * --from-host A --from-kvm RA --to B --kvm RB` computes for the pair.  Each
 * destination is compiled once (nvmx_fleet_target), so a cell is a few
 * masked compares; a failing cell's reasons come from nvmx_fleet_restore.
 */
#include "nvmx/fleet.h"

void nvmx_fleet_matrix(unsigned char *cells, struct nvmx_fleet_matrix_counts *out,
		       const struct nvmx_fleet_host *fh, const struct nvmx_fleet_class *src,
		       unsigned nsrc, const struct nvmx_fleet_class *dst, unsigned ndst,
		       enum nvmx_policy policy, struct nvmx_target *targets,
		       void (*progress)(void *ctx, unsigned rows), void *ctx)
{
	unsigned long long usable_hosts = 0, hosts = 0;
	*out = (struct nvmx_fleet_matrix_counts){ 0, 0, 0 };
	for (unsigned s = 0; s < nsrc; s++)
		if (fh[src[s].rep].usable)
			usable_hosts += src[s].hosts;
	for (unsigned d = 0; d < ndst; d++)
		hosts += dst[d].hosts;
	out->pairs = usable_hosts * hosts;
	for (unsigned d = 0; d < ndst; d++)
		nvmx_fleet_target(&targets[d], &fh[dst[d].rep], policy);
	for (unsigned s = 0; s < nsrc; s++) {
		const struct nvmx_fleet_host *from = &fh[src[s].rep];
		unsigned char *row = cells + (size_t)s * ndst;
		for (unsigned d = 0; d < ndst; d++) {
			if (!from->usable) {
				/* a source that runs no VMX guests has no VM state to move */
				row[d] = NVMX_CELL_NA;
				continue;
			}
			bool yes = nvmx_target_check(&targets[d], &from->offer);
			out->restores++;
			row[d] = yes ? NVMX_CELL_YES : NVMX_CELL_NO;
			if (yes)
				out->ok += src[s].hosts * dst[d].hosts;
		}
		if (progress)
			progress(ctx, s + 1);
	}
}

enum nvmx_fleet_cell nvmx_fleet_cell_proven(enum nvmx_fleet_cell as_given,
					    enum nvmx_partial_answer answer)
{
	if (as_given == NVMX_CELL_YES && answer != NVMX_PARTIAL_HOLDS)
		return NVMX_CELL_NOT_PROVEN;
	if (as_given == NVMX_CELL_NO && answer == NVMX_PARTIAL_DEPENDS)
		return NVMX_CELL_NOT_PROVEN;
	return as_given;
}

/* One completion of a cell with partial hosts: the same restore as the class cell. */
static bool cell_completion(void *ctx, const struct nvmx_host *src, const struct nvmx_host *dst)
{
	struct nvmx_fleet_cell_work *w = ctx;
	nvmx_fleet_host_init(&w->from, src, w->src_kernel, w->src_params, w->vm);
	if (!w->from.usable)
		return true;	/* no VM with VMX to move */
	nvmx_fleet_host_init(&w->to, dst, w->dst_kernel, w->dst_params, w->vm);
	if (!w->to.usable)
		return false;
	if (w->policy != NVMX_POLICY_STRICT)
		nvmx_fleet_host_revoke(&w->to);
	nvmx_fleet_restore(&w->m, &w->to, &w->from.offer, w->policy);
	return w->m.migratable;
}

enum nvmx_fleet_cell nvmx_fleet_cell_partial(struct nvmx_partial_result *r,
					     struct nvmx_fleet_cell_work *w,
					     enum nvmx_fleet_cell as_given,
					     const struct nvmx_host *src, const struct nvmx_unknown *usrc,
					     const struct nvmx_host *dst, const struct nvmx_unknown *udst,
					     bool same_machine)
{
	nvmx_partial_search(r, src, usrc, dst, udst, same_machine, cell_completion, w);
	return nvmx_fleet_cell_proven(as_given, r->answer);
}

char nvmx_fleet_cell_mark(const unsigned char *cells, const enum nvmx_policy *policies,
			  unsigned npol)
{
	for (unsigned k = 0; k < npol; k++) {
		if (cells[k] == NVMX_CELL_NA)
			return '-';
		if (cells[k] == NVMX_CELL_YES)
			return npol == 1 || policies[k] == NVMX_POLICY_STRICT ? 'Y' :
			       policies[k] == NVMX_POLICY_REVOKE_KEEP ? 'k' : 'c';
		/* a policy that may say yes on some completion: no later policy can settle it */
		if (cells[k] == NVMX_CELL_NOT_PROVEN)
			return '?';
	}
	return '.';
}

const char *nvmx_fleet_cell_name(enum nvmx_fleet_cell c)
{
	switch (c) {
	case NVMX_CELL_YES: return "true";
	case NVMX_CELL_NO: return "false";
	case NVMX_CELL_NOT_PROVEN: return "not proven";
	default: return "n/a";
	}
}

unsigned nvmx_fleet_matrix_rows(const unsigned long long *hosts, unsigned n, unsigned limit,
				unsigned *rows, unsigned long long *omitted_hosts)
{
	unsigned nr = 0;
	*omitted_hosts = 0;
	for (unsigned i = 0; i < n; i++) {
		/* its rank by hosts, ties by position: quadratic, as the matrix itself is */
		unsigned rank = 0;
		for (unsigned j = 0; limit && j < n && rank < limit; j++)
			rank += hosts[j] > hosts[i] || (hosts[j] == hosts[i] && j < i);
		if (!limit || rank < limit)
			rows[nr++] = i;
		else
			*omitted_hosts += hosts[i];
	}
	return nr;
}

void nvmx_fleet_qemu_matrix(unsigned char *cells, unsigned long long counts[3],
			    const struct nvmx_qemu_env *env, unsigned n,
			    const struct nvmx_qemu_cpu *cpu, struct nvmx_qemu_migration *m)
{
	counts[0] = counts[1] = counts[2] = 0;
	for (unsigned s = 0; s < n; s++)
		for (unsigned d = 0; d < n; d++) {
			nvmx_qemu_migrate(m, &env[s], &env[d], cpu, NULL);
			cells[(size_t)s * n + d] = (unsigned char)m->verdict;
			counts[m->verdict]++;
		}
}

char nvmx_fleet_qemu_mark(enum nvmx_qmig_verdict v)
{
	return v == NVMX_QMIG_SAFE ? 'Y' : v == NVMX_QMIG_CHANGE ? 'c' : '.';
}

bool nvmx_fleet_matrix_all(const unsigned long long *ok, unsigned npol, unsigned long long pairs,
			   unsigned long long unusable_hosts)
{
	/* the most permissive policy asked decides: a pair needs one policy that moves it */
	unsigned long long best = 0;
	for (unsigned k = 0; k < npol; k++)
		if (ok[k] > best)
			best = ok[k];
	return best == pairs && !unusable_hosts;
}
