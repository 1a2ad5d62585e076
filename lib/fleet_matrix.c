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
