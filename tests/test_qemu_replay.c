/* SPDX-License-Identifier: MIT */
/*
 * QEMU against KVM on every bundled server (Xeon) dump, under every KVM
 * release, for every named model and version (and host): the verdict of
 * the QEMU replay equals the writes run through the restore model in QEMU's
 * order on a fresh vCPU; the values follow QEMU's formulas; a found fix,
 * applied, starts the VM; explain's bits are the restore model's offending
 * bits.  One TAP line per host and release.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/nvmx.h"
#include "nvmx/qemu.h"
#include "tap.h"

static const char *data_dir(void)
{
	const char *d = getenv("NVMX_DATA");
	return d && *d ? d : "data/hosts";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* data/hosts/ *xeon*.msrs, sorted. */
static size_t list_xeons(char ***out)
{
	DIR *d = opendir(data_dir());
	size_t n = 0, cap = 0;
	char **v = NULL;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".msrs") || !strstr(e->d_name, "xeon"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof(*v));
		}
		size_t plen = strlen(data_dir()) + l + 2;
		v[n] = malloc(plen);
		snprintf(v[n], plen, "%s/%s", data_dir(), e->d_name);
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static const uint32_t qemu_order[] = { 0x48e, 0x48d, 0x48f, 0x490, 0x48b, 0x48c, 0x480, 0x485,
				       0x491, 0x486, 0x488, 0x48a };

/* The writes follow QEMU's order (0x491 only when KVM lists it). */
static bool order_ok(const struct nvmx_qemu_plan *p, const struct nvmx_qemu_host *h)
{
	if (!p->nwrites)
		return true;
	unsigned j = 0;
	for (unsigned i = 0; i < 12; i++) {
		if (qemu_order[i] == 0x491 && !nvmx_msrs_has(&h->feat, NVMX_VMFUNC))
			continue;
		if (j >= p->nwrites || p->writes[j].index != qemu_order[i])
			return false;
		j++;
	}
	return j == p->nwrites;
}

/* QEMU's control formula, written out again. */
static bool values_ok(const struct nvmx_qemu_plan *p)
{
	static const struct { uint32_t index; enum nvmx_qword w; uint32_t d1; } ctl[] = {
		{ 0x48e, NVMX_QW_PROCBASED, 0x0401e172 }, { 0x48d, NVMX_QW_PINBASED, 0x16 },
		{ 0x48f, NVMX_QW_EXIT, 0x36dff }, { 0x490, NVMX_QW_ENTRY, 0x11ff },
		{ 0x48b, NVMX_QW_SECONDARY, 0 },
	};
	for (unsigned i = 0; i < p->nwrites; i++)
		for (unsigned c = 0; c < 5; c++) {
			if (p->writes[i].index != ctl[c].index)
				continue;
			uint32_t f = (uint32_t)p->words.w[ctl[c].w];
			uint64_t want = (uint64_t)(ctl[c].d1 & ~f) | ((uint64_t)(f | ctl[c].d1) << 32);
			if (ctl[c].index == 0x48f && (p->cpuid & NVMX_FEAT(NVMX_F_LM)))
				want |= UINT64_C(1) << 41;
			if (p->writes[i].value != want)
				return false;
		}
	return true;
}

struct counts {
	unsigned runs, starts, fails, enforce, mismatch, order, values, filtered_bad;
	unsigned fixes_needed, fixes_found, fixes_verified, explained, explain_bad;
};

static void one(const struct nvmx_qemu_env *env, const struct nvmx_qemu_cpu *cpu,
		struct counts *c)
{
	struct nvmx_qemu_plan plan;
	struct nvmx_qemu_replay rep;
	bool starts = nvmx_qemu_run(env, cpu, &plan, &rep);
	c->runs++;
	if (starts)
		c->starts++;
	else
		c->fails++;
	if (plan.stop == NVMX_QSTOP_ENFORCE)
		c->enforce++;
	if (!order_ok(&plan, env->host))
		c->order++;
	if (!values_ok(&plan))
		c->values++;
	/* Without x-force-features nothing KVM does not offer is left in the words. */
	if (!cpu->force_features)
		for (int w = 0; w < NVMX_QW_COUNT; w++)
			if (plan.words.w[w] & ~plan.supported.w[w])
				c->filtered_bad++;

	/* The restore model alone: a fresh vCPU, KVM_SET_CPUID2, the writes in order. */
	struct nvmx_vcpu v;
	nvmx_vcpu_init(&v, env->kvm, 0);
	nvmx_vcpu_set_cpuid(&v, plan.cpuid, plan.pmu_version);
	int first = -1;
	for (unsigned i = 0; i < plan.nwrites && first < 0; i++)
		if (nvmx_vcpu_set_msr(&v, plan.writes[i].index, plan.writes[i].value).rc)
			first = (int)i;
	bool want = plan.stop == NVMX_QSTOP_NONE && first < 0;
	if (want != starts || first != rep.first)
		c->mismatch++;

	/* explain on each rejected write: its bits are the restore model's. */
	for (unsigned i = 0; i < plan.nwrites; i++) {
		if (!rep.r[i].rc)
			continue;
		struct nvmx_qemu_explain ex;
		struct nvmx_vcpu fresh;
		nvmx_qemu_explain(&ex, env->kvm, true, plan.cpuid, plan.pmu_version,
				  plan.writes[i].index, plan.writes[i].value);
		nvmx_vcpu_init(&fresh, env->kvm, 0);
		nvmx_vcpu_set_cpuid(&fresh, plan.cpuid, plan.pmu_version);
		struct nvmx_result r = nvmx_vcpu_set_msr(&fresh, plan.writes[i].index,
							 plan.writes[i].value);
		bool ok = ex.r.rc == r.rc && ex.r.reason == r.reason && ex.r.bits == r.bits;
		switch (r.reason) {
		case NVMX_R_ALLOWED1_ADDED: case NVMX_R_BITS_ADDED: case NVMX_R_MISC_FEATURE:
			ok = ok && ex.added == r.bits;
			break;
		case NVMX_R_MUST1_DROPPED: case NVMX_R_FIXED0_DROPPED:
			ok = ok && ex.dropped == r.bits;
			break;
		case NVMX_R_BASIC_FEATURE:
			ok = ok && (ex.added & ~(UINT64_C(1) << 48)) == r.bits;
			break;
		default:
			break;
		}
		c->explained++;
		if (!ok)
			c->explain_bad++;
	}

	if (starts)
		return;
	struct nvmx_qemu_fix fx;
	nvmx_qemu_find_fix(&fx, env, cpu);
	c->fixes_needed++;
	if (!fx.found)
		return;
	c->fixes_found++;
	struct nvmx_qemu_cpu fixed = *cpu;
	nvmx_qemu_fix_apply(&fixed, fx.item, fx.n);
	if (nvmx_qemu_run(env, &fixed, &plan, &rep))
		c->fixes_verified++;
}

int main(void)
{
	char **hosts = NULL;
	size_t nh = list_xeons(&hosts);
	tap_ok(nh >= 30, "%zu Xeon dumps in %s", nh, data_dir());
	const char *modes[] = { ",+vmx", ",+vmx,enforce", ",+vmx,x-force-features=on" };
	/* 4.2 (no guard), 7.0 (no MPX dependency), 9.0 (WAITPKG dependency reversed). */
	const struct nvmx_qemu_release *rels[] = { nvmx_qemu_release_default(),
						   nvmx_qemu_release_find("4.2"),
						   nvmx_qemu_release_find("7.0"),
						   nvmx_qemu_release_find("9.0") };
	const unsigned nrels = sizeof(rels) / sizeof(rels[0]);
	struct counts total = { 0 };
	static struct nvmx_kvm kvm;
	struct nvmx_qemu_host qh;

	for (size_t h = 0; h < nh; h++) {
		struct nvmx_hostfile hf;
		struct nvmx_diag d;
		memset(&d, 0, sizeof(d));
		if (!tap_ok(nvmx_hostfile_read(hosts[h], &hf, &d) == 0, "read %s %s", hosts[h], d.error.msg))
			continue;
		for (unsigned k = 0; k < nvmx_kernel_count(); k++) {
			struct counts c = { 0 };
			nvmx_kvm_load(&kvm, &hf.host, nvmx_kernel_at(k), NULL);
			nvmx_qemu_host_from_kvm(&qh, &kvm, &hf.host);
			for (unsigned r = 0; r < nrels; r++) {
				struct nvmx_qemu_env env = { &kvm, &qh, rels[r], false, 0 };
				for (unsigned m = 0; m <= nvmx_qemu_model_count(); m++) {
					const struct nvmx_qemu_model *md = nvmx_qemu_model_at(m);
					/* The versions this release has (none: not in it). */
					unsigned nv = md ? nvmx_qemu_model_versions(md, rels[r]) : 1;
					for (unsigned v = 1; v <= nv; v++)
						for (unsigned mo = 0; mo < 3; mo++) {
							/* Older releases: the default mode only. */
							if (r && mo)
								continue;
							char spec[128];
							struct nvmx_error err;
							if (md)
								snprintf(spec, sizeof(spec), "%s-v%u%s",
									 md->name, v, modes[mo]);
							else
								snprintf(spec, sizeof(spec), "host%s",
									 modes[mo]);
							struct nvmx_qemu_cpu cpu;
							if (nvmx_qemu_cpu_parse(&cpu, rels[r], spec, &err)) {
								tap_ok(0, "parse %s: %s", spec, err.msg);
								continue;
							}
							one(&env, &cpu, &c);
						}
				}
			}
			tap_ok(!c.mismatch && !c.order && !c.values && !c.filtered_bad &&
			       !c.explain_bad && c.fixes_verified == c.fixes_found &&
			       (kvm.status != NVMX_LOAD_OK || c.fixes_found == c.fixes_needed),
			       "%s KVM %s: %u runs, %u start, %u not (%u enforce), %u fixes found of %u "
			       "and verified %u, %u rejected writes explained; mismatches %u, order %u, "
			       "values %u, unfiltered %u, explain %u",
			       hf.name, nvmx_kernel_name(nvmx_kernel_at(k)), c.runs, c.starts, c.fails,
			       c.enforce, c.fixes_found, c.fixes_needed, c.fixes_verified, c.explained,
			       c.mismatch, c.order, c.values, c.filtered_bad, c.explain_bad);
			total.runs += c.runs;
			total.starts += c.starts;
			total.fails += c.fails;
			total.fixes_needed += c.fixes_needed;
			total.fixes_found += c.fixes_found;
			total.explained += c.explained;
		}
		free(hosts[h]);
	}
	free(hosts);
	tap_ok(total.runs > 10000, "%u runs in all: %u start, %u do not; %u fixes found for %u; "
	       "%u rejected writes explained", total.runs, total.starts, total.fails,
	       total.fixes_found, total.fixes_needed, total.explained);
	tap_ok(total.fails > 0 && total.explained > 0 && total.fixes_found > 0,
	       "the sweep exercises failures, explanations and fixes");
	return tap_done();
}
