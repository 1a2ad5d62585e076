/* SPDX-License-Identifier: MIT */
/*
 * nvmx_qemu_migrate(): a QEMU VM's migration, where the destination QEMU
 * builds the VMX MSRs from the same -cpu.  Checked against its definition on
 * every ordered pair of a sample of Xeon dumps and releases: the verdict
 * is "fails" exactly when one side's QEMU run does not start, "safe"
 * exactly when L1's reads are equal MSR by MSR, and the changed bits are
 * the XOR of the two sides' reads, each side's reads being what a vCPU
 * set up by QEMU's own writes returns.  Every fix found re-runs safe.
 */
#include <stdlib.h>
#include <string.h>
#include "nvmx/nvmx.h"
#include "nvmx/qemu_migrate.h"
#include "tap.h"

static const char *data_dir(void)
{
	const char *d = getenv("NVMX_DATA");
	return d && *d ? d : "data/hosts";
}

struct side {
	struct nvmx_hostfile hf;
	struct nvmx_kvm kvm;
	struct nvmx_qemu_host qh;
	struct nvmx_qemu_env env;
};

static bool load(struct side *s, const char *file, const char *kernel,
		 const struct nvmx_qemu_release *r)
{
	char path[512];
	struct nvmx_diag d;
	memset(&d, 0, sizeof(d));
	snprintf(path, sizeof(path), "%s/%s", data_dir(), file);
	if (nvmx_hostfile_read(path, &s->hf, &d)) {
		tap_diag("read %s: %s", path, d.error.msg);
		return false;
	}
	nvmx_kvm_load(&s->kvm, &s->hf.host, nvmx_kernel_find(kernel), NULL);
	nvmx_qemu_host_from_kvm(&s->qh, &s->kvm, &s->hf.host);
	s->env = (struct nvmx_qemu_env){ &s->kvm, &s->qh, r, false, 0 };
	return true;
}

/* The definition, recomputed from two independent QEMU runs. */
static bool agrees(const struct nvmx_qemu_migration *m, const struct side *a,
		   const struct side *b, const struct nvmx_qemu_cpu *cpu)
{
	static struct nvmx_qemu_plan pa, pb;
	static struct nvmx_qemu_replay ra, rb;
	static struct nvmx_vcpu va, vb;
	nvmx_qemu_plan(&pa, cpu, a->env.host, a->env.release);
	nvmx_qemu_vcpu(&va, &a->env, &pa);
	nvmx_qemu_replay(&ra, &pa, &va);
	nvmx_qemu_plan(&pb, cpu, b->env.host, b->env.release);
	nvmx_qemu_vcpu(&vb, &b->env, &pb);
	nvmx_qemu_replay(&rb, &pb, &vb);
	unsigned changed = 0;
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		uint64_t x = 0, y = 0;
		bool hx = !nvmx_vcpu_get_msr(&va, nvmx_msr_index((enum nvmx_msr_id)id), true, &x).rc;
		bool hy = !nvmx_vcpu_get_msr(&vb, nvmx_msr_index((enum nvmx_msr_id)id), true, &y).rc;
		x = hx ? x : 0;
		y = hy ? y : 0;
		if (hx != hy || x != y)
			changed++;
		if (m->gone[id] != (x & ~y) || m->appeared[id] != (y & ~x))
			return false;
	}
	/* The guest CPUID QEMU gives: losing vmx fails, any other difference is a change. */
	uint64_t cd = pa.cpuid ^ pb.cpuid;
	bool vmx_lost = (pa.cpuid & ~pb.cpuid) & NVMX_FEAT(NVMX_F_VMX);
	enum nvmx_qmig_verdict want = !ra.starts || !rb.starts || vmx_lost ? NVMX_QMIG_FAILS
				      : changed || cd ? NVMX_QMIG_CHANGE : NVMX_QMIG_SAFE;
	return m->verdict == want && m->nchanged == changed && m->src.starts == ra.starts &&
	       m->dst.starts == rb.starts;
}

int main(void)
{
	static const char *const hosts[] = {
		"intel-xeon-e5-2620-v4.msrs", "intel-xeon-e3-1245-v3.msrs",
		"intel-xeon-platinum-8180.msrs",
	};
	static const char *const kernels[] = { "5.15", "6.6" };
	static const char *const cpus[] = { "Haswell,+vmx", "Skylake-Server,+vmx", "host",
					    "Haswell,+vmx,enforce", "host,-mpx" };
	static const char *const releases[] = { "5.0", "10.1" };
	enum { NH = 3, NK = 2 };
	static struct side sides[NH * NK];
	static struct nvmx_qemu_migration m;
	static struct nvmx_qmig_fix fx;
	unsigned runs = 0, bad = 0, fixes = 0, fix_bad = 0, verdicts[3] = { 0 };

	tap_ok(!strcmp(nvmx_semantics_name(NVMX_SEM_QEMU), "qemu") &&
	       !strcmp(nvmx_semantics_name(NVMX_SEM_SAVED_MSRS), "saved-msrs") &&
	       nvmx_semantics_parse("QEMU") == NVMX_SEM_QEMU &&
	       nvmx_semantics_parse("saved-msrs") == NVMX_SEM_SAVED_MSRS &&
	       nvmx_semantics_parse("saved") < 0, "semantics names parse and print");

	for (unsigned r = 0; r < 2; r++) {
		const struct nvmx_qemu_release *rel = nvmx_qemu_release_find(releases[r]);
		for (unsigned h = 0; h < NH; h++)
			for (unsigned k = 0; k < NK; k++)
				if (!load(&sides[h * NK + k], hosts[h], kernels[k], rel))
					return tap_ok(0, "load %s", hosts[h]), tap_done();
		for (unsigned c = 0; c < sizeof(cpus) / sizeof(cpus[0]); c++) {
			struct nvmx_qemu_cpu cpu;
			struct nvmx_error err;
			if (!tap_ok(!nvmx_qemu_cpu_parse(&cpu, rel, cpus[c], &err),
				    "parse %s: %s", cpus[c], err.msg))
				continue;
			for (unsigned a = 0; a < NH * NK; a++)
				for (unsigned b = 0; b < NH * NK; b++) {
					nvmx_qemu_migrate(&m, &sides[a].env, &sides[b].env, &cpu, NULL);
					runs++;
					verdicts[m.verdict]++;
					if (!agrees(&m, &sides[a], &sides[b], &cpu)) {
						bad++;
						tap_diag("%s %s: %s@%s -> %s@%s disagrees", releases[r],
							 cpus[c], hosts[a / NK], kernels[a % NK],
							 hosts[b / NK], kernels[b % NK]);
					}
					if (a == b && m.verdict == NVMX_QMIG_CHANGE)
						bad++;	/* the same side twice cannot differ */
					if (m.verdict == NVMX_QMIG_SAFE || (a + b) % 3)
						continue;	/* the search is sampled */
					nvmx_qemu_migrate_fix(&fx, &sides[a].env, &sides[b].env, &cpu,
							      NULL);
					if (!fx.found)
						continue;
					fixes++;
					struct nvmx_qemu_cpu f = cpu;
					nvmx_qemu_fix_apply(&f, fx.item, fx.n);
					nvmx_qemu_migrate(&m, &sides[a].env, &sides[b].env, &f, NULL);
					if (m.verdict != NVMX_QMIG_SAFE)
						fix_bad++;
				}
		}
	}
	/* One -cpu for all six sides (last release loaded: 10.1): safe between every pair. */
	static struct nvmx_qemu_env envs[NH * NK];
	static struct nvmx_qemu_fleet_fit fit;
	for (unsigned i = 0; i < NH * NK; i++)
		envs[i] = sides[i].env;
	const struct nvmx_qemu_release *newest = nvmx_qemu_release_find("10.1");
	nvmx_qemu_fleet_fit(&fit, envs, NH * NK, newest, false, "GenuineIntel");
	unsigned unsafe = 0, filtered = 0;
	if (fit.found) {
		struct nvmx_qemu_cpu base, cpu;
		char spec[64];
		struct nvmx_error err;
		snprintf(spec, sizeof(spec), "%s-v%u,vmx=on", fit.model->name, fit.version);
		nvmx_qemu_cpu_parse(&base, newest, spec, &err);
		cpu = base;
		nvmx_qemu_fix_apply(&cpu, fit.item, fit.n);
		for (unsigned a = 0; a < NH * NK; a++) {
			filtered += !nvmx_qwords_empty(&m.src.plan.filtered);
			for (unsigned b = 0; b < NH * NK; b++) {
				nvmx_qemu_migrate(&m, &envs[a], &envs[b], &cpu, NULL);
				unsafe += m.verdict != NVMX_QMIG_SAFE;
				filtered += !nvmx_qwords_empty(&m.dst.plan.filtered) ||
					    m.dst.plan.cpuid_filtered != 0;
			}
		}
		tap_diag("fleet -cpu %s with %u flags, keeps %u", spec, fit.n, fit.kept);
	}
	tap_ok(fit.found && fit.kept > 0 && !unsafe && !filtered,
	       "the fleet -cpu is safe on all %u ordered pairs, nothing filtered (%u unsafe, %u filtered)",
	       NH * NK * NH * NK, unsafe, filtered);
	tap_ok(!bad, "%u migrations agree with two independent QEMU runs (%u bad)", runs, bad);
	tap_ok(verdicts[0] && verdicts[1] && verdicts[2],
	       "the sample has every verdict: %u safe, %u L1-visible change, %u fails", verdicts[0],
	       verdicts[1], verdicts[2]);
	tap_ok(fixes > 10 && !fix_bad, "%u fixes found, each re-run safe (%u not)", fixes, fix_bad);
	return tap_done();
}
