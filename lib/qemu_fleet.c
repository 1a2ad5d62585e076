/* SPDX-License-Identifier: MIT */
/*
 * One -cpu for a pool of hosts: a named model plus the flags that make QEMU
 * start it on every host without filtering and give L1 the same VMX MSRs
 * everywhere, found by replaying QEMU on each environment and turning off
 * what one of them lacks or reads differently, until nothing differs.
 */
#include "nvmx/qemu_migrate.h"
#include "qemu_flags.h"
#include "qemu_words.h"

#define ROUNDS 8

static unsigned popcount(uint64_t v)
{
	unsigned n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

/* CPUID flags QEMU filtered: name=off items (vmx itself: the host runs no VMX guests). */
static bool add_cpuid_items(struct nvmx_qemu_fleet_fit *c, uint64_t filtered)
{
	bool added = false;
	for (int f = 0; f < NVMX_F_COUNT; f++) {
		if (!(filtered & NVMX_FEAT(f)) || f == NVMX_F_VMX)
			continue;
		const char *name = nvmx_feature_name((enum nvmx_feature)f);
		if (!name)
			continue;
		struct nvmx_qemu_fix_item it = { .kind = NVMX_QFIX_CPUID_OFF, .word = NVMX_QW_PINBASED,
						 .mask = 0, .feature = f, .name = name };
		added |= nvmx__qemu_flag_add(c->item, &c->n, &it);
	}
	return added;
}

/* Word bits QEMU filtered or the dependency pass dropped with a warning: vmx-*=off items. */
static bool add_word_items(struct nvmx_qemu_fleet_fit *c, const struct nvmx_qemu_release *r,
			   const struct nvmx_qemu_cpu *cpu, const struct nvmx_qemu_plan *p)
{
	bool added = false;
	for (int w = 0; w < NVMX_QW_COUNT; w++) {
		uint64_t bits = p->filtered.w[w] | p->dep_warned.w[w];
		enum nvmx_msr_id id = nvmx_qword_msr((enum nvmx_qword)w);
		if (nvmx_qword_is_control((enum nvmx_qword)w))
			bits <<= 32;
		added |= nvmx__qemu_flags_for_bits(r, cpu, id, bits, c->item, &c->n);
	}
	return added;
}

/* One round on every environment: true when it fits; else flags added (*progress). */
static bool round_fits(struct nvmx_qemu_fleet_fit *c, const struct nvmx_qemu_env *envs,
		       unsigned nenv, const struct nvmx_qemu_release *r,
		       const struct nvmx_qemu_cpu *base, bool *progress)
{
	struct nvmx_qemu_cpu cpu;
	struct nvmx_qemu_plan p;
	struct nvmx_qemu_replay rep;
	struct nvmx_vcpu v;
	bool fits = true, have_ref = false;
	*progress = false;
	nvmx__qemu_cpu_with(&cpu, base, c->item, c->n, -1);
	for (unsigned e = 0; e < nenv; e++) {
		nvmx_qemu_plan(&p, &cpu, envs[e].host, r);
		nvmx_qemu_vcpu(&v, &envs[e], &p);
		nvmx_qemu_replay(&rep, &p, &v);
		c->replays++;
		if (p.stop == NVMX_QSTOP_NO_KVM || p.skip != NVMX_QSKIP_NONE ||
		    (p.cpuid_filtered & NVMX_FEAT(NVMX_F_VMX))) {
			/* No VMX guest possible there with any flag. */
			c->stuck_msr = -1;
			c->stuck_env = e;
			*progress = false;
			return false;
		}
		bool clean = rep.starts && !p.cpuid_filtered && !p.fred_filtered &&
			     nvmx_qwords_empty(&p.filtered) && nvmx_qwords_empty(&p.dep_warned) &&
			     !p.cpuid_dep_warned;
		if (!clean) {
			fits = false;
			*progress |= add_cpuid_items(c, p.cpuid_filtered);
			*progress |= add_word_items(c, r, &cpu, &p);
			for (unsigned i = 0; i < p.nwrites; i++)
				if (rep.r[i].rc && rep.r[i].msr < NVMX_MSR_COUNT)
					*progress |= nvmx__qemu_flags_for_bits(r, &cpu, rep.r[i].msr,
									       rep.r[i].bits, c->item,
									       &c->n);
			if (!*progress) {
				c->stuck_msr = -1;
				c->stuck_env = e;
			}
			continue;
		}
		struct nvmx_msrs l1 = { { 0 }, 0 };
		for (int id = 0; id < NVMX_MSR_COUNT; id++) {
			uint64_t x;
			if (!nvmx_vcpu_get_msr(&v, nvmx_msr_index((enum nvmx_msr_id)id), true, &x).rc)
				nvmx_msrs_set(&l1, (enum nvmx_msr_id)id, x);
		}
		/*
		 * The first environment that starts cleanly is the reference;
		 * the others are compared with it (none before it started).
		 */
		if (!have_ref) {
			have_ref = true;
			c->l1 = l1;
			c->kept = 0;
			for (int w = 0; w < NVMX_QW_COUNT; w++)
				c->kept += popcount(p.words.w[w]);
			continue;
		}
		for (int id = 0; id < NVMX_MSR_COUNT; id++) {
			enum nvmx_msr_id m = (enum nvmx_msr_id)id;
			uint64_t a = nvmx_msrs_get(&c->l1, m), b = nvmx_msrs_get(&l1, m);
			if (nvmx_msrs_has(&c->l1, m) == nvmx_msrs_has(&l1, m) && a == b)
				continue;
			fits = false;
			bool added = nvmx__qemu_flags_for_bits(r, &cpu, m, a ^ b, c->item, &c->n);
			*progress |= added;
			if (!added && c->stuck_msr < 0) {
				c->stuck_msr = id;
				c->stuck_env = e;
			}
		}
	}
	return fits;
}

static bool libvirt_named(const struct nvmx_qemu_model *m, unsigned v, const char **alias)
{
	*alias = 0;
	if (v == 1)
		return true;
	for (unsigned i = 0; m->versions && i < m->nversions; i++)
		if (m->versions[i].version == v && m->versions[i].alias) {
			*alias = m->versions[i].alias;
			return true;
		}
	return false;
}

static bool better(const struct nvmx_qemu_fleet_fit *c, const struct nvmx_qemu_fleet_fit *best)
{
	if (!best->found)
		return true;
	if (c->cpuid_off != best->cpuid_off)
		return c->cpuid_off < best->cpuid_off;
	if (c->kept != best->kept)
		return c->kept > best->kept;
	return c->n < best->n;
}

static bool same_vendor(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	return *a == *b;
}

void nvmx_qemu_fleet_fit(struct nvmx_qemu_fleet_fit *out, const struct nvmx_qemu_env *envs,
			 unsigned nenv, const struct nvmx_qemu_release *r, bool libvirt_only,
			 const char *vendor)
{
	struct nvmx_qemu_fleet_fit c;
	unsigned tried = 0, replays = 0;
	int stuck_msr = -1;
	unsigned stuck_env = 0;
	*out = (struct nvmx_qemu_fleet_fit){ .stuck_msr = -1 };
	if (!nenv || !r->vmx_words)
		return;
	for (unsigned i = 0; i < nvmx_qemu_model_count(); i++) {
		const struct nvmx_qemu_model *m = nvmx_qemu_model_at(i);
		for (unsigned v = 1; v <= m->nversions; v++) {
			const char *alias;
			if (!nvmx_qemu_model_in(m, v, r) || (!libvirt_named(m, v, &alias) && libvirt_only) ||
			    (vendor && !same_vendor(vendor, m->vendor ? m->vendor : "GenuineIntel")))
				continue;
			/* "MODEL-vN,vmx=on" */
			struct nvmx_qemu_cpu base = { .kind = NVMX_QCPU_NAMED, .model = m, .version = v,
						      .check = true, .migratable = true, .pmu = -1,
						      .fred_prop = -1,
						      .cpuid_prop_mask = NVMX_FEAT(NVMX_F_VMX),
						      .cpuid_prop_val = NVMX_FEAT(NVMX_F_VMX) };
			c = (struct nvmx_qemu_fleet_fit){ .model = m, .version = v, .stuck_msr = -1 };
			libvirt_named(m, v, &c.alias);
			tried++;
			for (unsigned round = 0; round < ROUNDS; round++) {
				bool progress;
				c.stuck_msr = -1;
				if (round_fits(&c, envs, nenv, r, &base, &progress)) {
					c.found = true;
					break;
				}
				if (!progress)
					break;
			}
			replays += c.replays;
			for (unsigned k = 0; k < c.n; k++)
				c.cpuid_off += c.item[k].kind == NVMX_QFIX_CPUID_OFF ||
					       c.item[k].kind == NVMX_QFIX_CPUID_MINUS;
			if (c.found && better(&c, out))
				*out = c;
			else if (!c.found && !out->found && stuck_msr < 0) {
				stuck_msr = c.stuck_msr;
				stuck_env = c.stuck_env;
			}
		}
	}
	/* Drop every item the winner fits without (QEMU's dependencies may cover it). */
	if (out->found) {
		const struct nvmx_qemu_model *m = out->model;
		struct nvmx_qemu_cpu base = { .kind = NVMX_QCPU_NAMED, .model = m,
					      .version = out->version, .check = true,
					      .migratable = true, .pmu = -1, .fred_prop = -1,
					      .cpuid_prop_mask = NVMX_FEAT(NVMX_F_VMX),
					      .cpuid_prop_val = NVMX_FEAT(NVMX_F_VMX) };
		for (int i = (int)out->n - 1; i >= 0; i--) {
			bool progress;
			c = *out;
			c.replays = 0;
			for (unsigned j = (unsigned)i; j + 1 < c.n; j++)
				c.item[j] = c.item[j + 1];
			c.n--;
			bool fits = round_fits(&c, envs, nenv, r, &base, &progress);
			replays += c.replays;
			if (fits) {
				c.cpuid_off = 0;
				for (unsigned k = 0; k < c.n; k++)
					c.cpuid_off += c.item[k].kind == NVMX_QFIX_CPUID_OFF ||
						       c.item[k].kind == NVMX_QFIX_CPUID_MINUS;
				*out = c;
			}
		}
	}
	out->tried = tried;
	out->replays = replays;
	if (!out->found) {
		out->stuck_msr = stuck_msr;
		out->stuck_env = stuck_env;
	}
}

bool nvmx_qemu_offer(struct nvmx_msrs *out, const struct nvmx_qemu_env *env)
{
	struct nvmx_qemu_cpu cpu;
	struct nvmx_qemu_plan plan;
	struct nvmx_qemu_replay rep;
	struct nvmx_vcpu vcpu;
	*out = (struct nvmx_msrs){ { 0 }, 0 };
	if (!env->release->vmx_words || nvmx_qemu_cpu_parse(&cpu, env->release, "max", NULL))
		return false;
	nvmx_qemu_plan(&plan, &cpu, env->host, env->release);
	nvmx_qemu_vcpu(&vcpu, env, &plan);
	nvmx_qemu_replay(&rep, &plan, &vcpu);
	if (!rep.starts)
		return false;
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		uint64_t v;
		if (!nvmx_vcpu_get_msr(&vcpu, nvmx_msr_index((enum nvmx_msr_id)id), true, &v).rc)
			nvmx_msrs_set(out, (enum nvmx_msr_id)id, v);
	}
	return nvmx_msrs_has(out, NVMX_BASIC);
}
