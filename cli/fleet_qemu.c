/* SPDX-License-Identifier: MIT */
/*
 * A named QEMU CPU model for a fleet's baseline: the model and version
 * that keeps the most of the baseline's vmx-* features once the ones the
 * baseline lacks are turned off, and that QEMU (nvmx/qemu.h) then starts on
 * every host without filtering anything, writing VMX MSRs that every other
 * host's fresh vCPU accepts too -- so VMs move freely across the fleet.
 */
#include <stdlib.h>
#include <string.h>
#include "fleet.h"
#include "nvmx/qemu.h"

struct cand {
	const struct nvmx_qemu_model *m;
	unsigned v;
	unsigned kept, dropped;
	char spec[2048];
};

static int by_kept(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->kept != y->kept)
		return x->kept > y->kept ? -1 : 1;
	if (x->dropped != y->dropped)
		return x->dropped < y->dropped ? -1 : 1;
	return strcmp(x->spec, y->spec);
}

static unsigned popcount(uint64_t v)
{
	unsigned n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

/* Which bits of word w the baseline allows. */
static uint64_t allowed(const struct nvmx_msrs *b, enum nvmx_qword w)
{
	enum nvmx_msr_id id = nvmx_qword_msr(w);
	if (!nvmx_msrs_has(b, id))
		return 0;
	return nvmx_qword_is_control(w) ? nvmx_hi(b->val[id]) : b->val[id];
}

/* Build "MODEL-vN,vmx-a=off,..." for model m at version v; false when a bit has no name. */
static bool make(struct cand *c, const struct nvmx_qemu_release *r, const struct nvmx_msrs *b)
{
	struct nvmx_qwords words;
	uint64_t cpuid;
	nvmx_qemu_model_resolve(c->m, c->v, &words, &cpuid);
	size_t len = (size_t)snprintf(c->spec, sizeof(c->spec), "%s-v%u,vmx=on", c->m->name, c->v);
	c->kept = c->dropped = 0;
	for (int w = 0; w < NVMX_QW_COUNT; w++) {
		uint64_t ok = allowed(b, (enum nvmx_qword)w), have = words.w[w];
		c->kept += popcount(have & ok);
		for (unsigned bit = 0; bit < 64; bit++) {
			if (!((have & ~ok) >> bit & 1))
				continue;
			const char *name = nvmx_qemu_bit_name(r, (enum nvmx_qword)w, bit);
			if (!name)
				return false;
			char item[96];
			snprintf(item, sizeof(item), ",%s=off", name);
			if (strstr(c->spec, item))
				continue;
			if (len + strlen(item) + 1 >= sizeof(c->spec))
				return false;
			memcpy(c->spec + len, item, strlen(item) + 1);
			len += strlen(item);
			c->dropped++;
		}
	}
	return true;
}

/* Starts on profile i without filtering; its writes in *plan. */
static bool starts(struct fleet *f, unsigned i, const struct nvmx_qemu_cpu *cpu,
		   const struct nvmx_qemu_release *r, struct nvmx_qemu_plan *plan)
{
	struct nvmx_qemu_host qh;
	struct nvmx_qemu_replay rep;
	nvmx_qemu_host_from_kvm(&qh, &f->fh[i].kvm, &f->prof[i].host);
	struct nvmx_qemu_env env = { &f->fh[i].kvm, &qh, r, false, 0 };
	if (!nvmx_qemu_run(&env, cpu, plan, &rep) || plan->stop != NVMX_QSTOP_NONE ||
	    plan->skip != NVMX_QSKIP_NONE || plan->cpuid_filtered || !nvmx_qwords_empty(&plan->filtered))
		return false;
	return true;
}

static bool same_writes(const struct nvmx_qemu_plan *a, const struct nvmx_qemu_plan *b)
{
	if (a->nwrites != b->nwrites || a->cpuid != b->cpuid)
		return false;
	for (unsigned w = 0; w < a->nwrites; w++)
		if (a->writes[w].index != b->writes[w].index || a->writes[w].value != b->writes[w].value)
			return false;
	return true;
}

/* Every profile starts it, and every profile's fresh vCPU accepts every other one's writes. */
static bool fits(struct fleet *f, const struct nvmx_qemu_cpu *cpu, const struct nvmx_qemu_release *r)
{
	struct nvmx_qemu_plan *plans = malloc(((size_t)f->nprof + 1) * sizeof(*plans));
	bool ok = plans != NULL, all_same = true;
	for (unsigned i = 0; ok && i < f->nprof; i++) {
		ok = starts(f, i, cpu, r, &plans[i]);
		all_same = all_same && same_writes(&plans[0], &plans[i]);
	}
	/*
	 * Different values per host (host-copied fields): replay each on every
	 * other host -- quadratic, so big fleets need identical values instead.
	 */
	if (!all_same && f->nprof > 300)
		ok = false;
	for (unsigned i = 0; ok && !all_same && i < f->nprof; i++)
		for (unsigned j = 0; ok && j < f->nprof; j++) {
			struct nvmx_qemu_host qh;
			struct nvmx_vcpu v;
			struct nvmx_qemu_replay rep;
			nvmx_qemu_host_from_kvm(&qh, &f->fh[j].kvm, &f->prof[j].host);
			struct nvmx_qemu_env env = { &f->fh[j].kvm, &qh, r, false, 0 };
			nvmx_qemu_vcpu(&v, &env, &plans[i]);
			nvmx_qemu_replay(&rep, &plans[i], &v);
			ok = rep.starts;
		}
	free(plans);
	return ok;
}

void fleet_qemu_model(FILE *out, struct fleet *f, const struct nvmx_baseline *b)
{
	const struct nvmx_qemu_release *r = nvmx_qemu_release_default();
	unsigned n = 0, cap = 0;
	for (unsigned i = 0; i < nvmx_qemu_model_count(); i++)
		cap += nvmx_qemu_model_at(i)->nversions;
	struct cand *c = calloc(cap + 1, sizeof(*c));
	if (!c)
		return;
	for (unsigned i = 0; i < nvmx_qemu_model_count(); i++) {
		const struct nvmx_qemu_model *m = nvmx_qemu_model_at(i);
		for (unsigned v = 1; v <= m->nversions; v++) {
			if (!nvmx_qemu_model_in(m, v, r))
				continue;
			c[n].m = m;
			c[n].v = v;
			if (make(&c[n], r, &b->msrs))
				n++;
		}
	}
	qsort(c, n, sizeof(*c), by_kept);
	const struct cand *best = NULL;
	unsigned tried = 0;
	for (unsigned k = 0; k < n && !best; k++) {
		struct nvmx_qemu_cpu cpu;
		char err[256];
		if (nvmx_qemu_cpu_parse(&cpu, r, c[k].spec, err, sizeof(err)))
			continue;
		tried++;
		if (fits(f, &cpu, r))
			best = &c[k];
	}
	fprintf(out, "# a named model (QEMU %s), the same line on every host: ", r->name);
	if (best)
		fprintf(out, "keeps %u vmx-* feature%s, starts\n# on every host without filtering and writes values "
			"every other host accepts\n-cpu %s\n", best->kept, best->kept == 1 ? "" : "s", best->spec);
	else
		fprintf(out, "none of the %u model versions tried\n# starts on every host without filtering "
			"(a host lacks a CPUID feature the model needs)\n", tried);
	free(c);
}
