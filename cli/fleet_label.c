/* SPDX-License-Identifier: MIT */
/*
 * What a group of profiles (a pool, a fleet) is made of, by processor model:
 * the library counts and orders the models (nvmx_fleet_models_*); here the
 * arrays and the JSON.
 */
#include <stdlib.h>
#include "fleet.h"

unsigned fleet_group_models(const struct fleet *f, const unsigned *profs, unsigned n,
			    struct nvmx_fleet_model **out)
{
	struct nvmx_fleet_model *m = calloc(n ? n : 1, sizeof(*m));
	unsigned nm = 0;
	*out = m;
	if (!m)
		return 0;
	for (unsigned k = 0; k < n; k++)
		nvmx_fleet_models_add(m, &nm, f->inv.prof[profs[k]].cpu, f->inv.prof[profs[k]].count);
	nvmx_fleet_models_sort(m, nm);
	return nm;
}

unsigned fleet_all_models(const struct fleet *f, struct nvmx_fleet_model **out)
{
	unsigned *all = malloc((f->inv.nprof ? f->inv.nprof : 1) * sizeof(*all));
	*out = NULL;
	if (!all)
		return 0;
	for (unsigned i = 0; i < f->inv.nprof; i++)
		all[i] = i;
	unsigned nm = fleet_group_models(f, all, f->inv.nprof, out);
	free(all);
	return nm;
}

void fleet_group_json(FILE *out, const struct nvmx_fleet_model *m, unsigned nm)
{
	char label[512];
	nvmx_fleet_models_label(m, nm, label, sizeof(label));
	fputs("\"label\":", out);
	cli_json_str(out, label);
	fputs(",\"example\":", out);
	if (nm)
		cli_json_str(out, m[0].cpu);
	else
		fputs("null", out);
	fputs(",\"models\":[", out);
	for (unsigned k = 0; k < nm; k++) {
		fprintf(out, "%s{\"cpu\":", k ? "," : "");
		cli_json_str(out, m[k].cpu);
		fprintf(out, ",\"hosts\":%llu}", m[k].hosts);
	}
	fputc(']', out);
}
