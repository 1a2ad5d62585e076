/* SPDX-License-Identifier: MIT */
/*
 * What a group of profiles (a pool, a fleet) is made of, by processor model:
 * the models ordered by how many hosts of the inventory have them (ties by
 * name, so the order never depends on the input order), a short label that
 * names them ("A, B" or "A + 3 more models") and the example, the first one:
 * the most common processor of the group, not the alphabetically first.
 */
#include <stdlib.h>
#include <string.h>
#include "fleet.h"

static int by_hosts(const void *a, const void *b)
{
	const struct fleet_model *x = a, *y = b;
	if (x->hosts != y->hosts)
		return x->hosts > y->hosts ? -1 : 1;
	return strcmp(x->cpu, y->cpu);
}

unsigned fleet_group_models(const struct fleet *f, const unsigned *profs, unsigned n,
			    struct fleet_model **out)
{
	struct fleet_model *m = calloc(n ? n : 1, sizeof(*m));
	unsigned nm = 0;
	*out = m;
	if (!m)
		return 0;
	for (unsigned k = 0; k < n; k++) {
		const struct fleet_profile *p = &f->prof[profs[k]];
		unsigned j = 0;
		while (j < nm && strcmp(m[j].cpu, p->cpu))
			j++;
		if (j == nm)
			m[nm++].cpu = p->cpu;
		m[j].hosts += p->count;
	}
	qsort(m, nm, sizeof(*m), by_hosts);
	return nm;
}

unsigned fleet_all_models(const struct fleet *f, struct fleet_model **out)
{
	unsigned *all = malloc((f->nprof ? f->nprof : 1) * sizeof(*all));
	*out = NULL;
	if (!all)
		return 0;
	for (unsigned i = 0; i < f->nprof; i++)
		all[i] = i;
	unsigned nm = fleet_group_models(f, all, f->nprof, out);
	free(all);
	return nm;
}

void fleet_group_label(const struct fleet_model *m, unsigned nm, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	/* up to three named; more than that: the most common and a count */
	unsigned shown = nm <= 3 ? nm : 1;
	for (unsigned k = 0; k < shown && len < n; k++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", k ? ", " : "", m[k].cpu);
	if (shown < nm && len < n)
		snprintf(buf + len, n - len, " + %u more models", nm - shown);
}

void fleet_group_json(FILE *out, const struct fleet_model *m, unsigned nm)
{
	char label[512];
	fleet_group_label(m, nm, label, sizeof(label));
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
