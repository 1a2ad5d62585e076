/* SPDX-License-Identifier: MIT */
/*
 * Fleets (include/nvmx/fleet.h): the baseline restores on every member
 * under every release it names, VMs started with it move between any two
 * members, pools are valid, the restore classes used to check a large fleet
 * once per class agree with direct restores, and the fold rules are those
 * documented.  Random fleets are drawn from data/hosts x releases x
 * parameters with a fixed seed; NVMX_CONFORMANCE_SAMPLE (set by the ASan
 * run) shrinks the counts.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "nvmx/nvmx.h"
#include "nvmx/fleet.h"

#define MAX_DUMPS 512
#define MAX_FLEET 24

static struct nvmx_hostfile dumps[MAX_DUMPS];
static unsigned ndumps;

static uint64_t rng_state = UINT64_C(0x243f6a8885a308d3);
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_dump(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 5 && !strcmp(e->d_name + n - 5, ".msrs");
}

static void load_dumps(void)
{
	const char *dir = getenv("NVMX_HOSTS_DIR") ? getenv("NVMX_HOSTS_DIR") : "data/hosts";
	struct dirent **ents;
	int n = scandir(dir, &ents, is_dump, by_name);
	for (int i = 0; i < n; i++) {
		char path[1024];
		struct nvmx_diag d;
		memset(&d, 0, sizeof(d));
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (ndumps < MAX_DUMPS && !nvmx_hostfile_read(path, &dumps[ndumps], &d))
			ndumps++;
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
}

/* One random member: a dump, a release, sometimes a parameter or Hyper-V. */
struct member {
	struct nvmx_host host;
	const struct nvmx_kernel *k;
	struct nvmx_params p;
	struct nvmx_fleet_host fh;
};

static const char *const tweaks[] = {
	"ept=0", "enable_apicv=0", "pml=0", "preemption_timer=0", "vpid=0", "enable_shadow_vmcs=0",
};

/*
 * The VM of the fleet (the same on every member, as a VMM gives it the same
 * CPUID wherever it runs), or none: no KVM_SET_CPUID2, no quirks disabled.
 */
static struct nvmx_vm fleet_vm;
static bool use_vm;

/* A random VM: a dump's CPUID (sometimes without VMX), a PMU version, the stuffing quirk off. */
static void draw_vm(void)
{
	fleet_vm.cpuid_set = rnd() % 4 != 0;
	fleet_vm.guest_features = dumps[rnd() % ndumps].host.features;
	if (rnd() % 8 == 0)
		fleet_vm.guest_features &= ~NVMX_FEAT(NVMX_F_VMX);
	fleet_vm.pmu_version = (unsigned)(rnd() % 6);
	fleet_vm.quirks_disabled = rnd() % 3 == 0 ? NVMX_QUIRK_STUFF_FEATURE_MSRS : 0;
	use_vm = true;
}

static bool draw(struct member *m, bool revoke)
{
	for (int tries = 0; tries < 50; tries++) {
		m->host = dumps[rnd() % ndumps].host;
		m->k = nvmx_kernel_at((unsigned)(rnd() % nvmx_kernel_count()));
		nvmx_params_default(m->k, &m->p);
		unsigned t = (unsigned)(rnd() % 16);
		if (t < sizeof(tweaks) / sizeof(tweaks[0])) {
			char name[32];
			const char *eq = strchr(tweaks[t], '=');
			snprintf(name, sizeof(name), "%.*s", (int)(eq - tweaks[t]), tweaks[t]);
			nvmx_params_set(m->k, &m->p, name, eq + 1, NULL);	/* may not exist: ignored */
		} else if (t == 15) {
			m->host.hyperv_evmcs = true;
		}
		nvmx_fleet_host_init(&m->fh, &m->host, m->k, &m->p, use_vm ? &fleet_vm : NULL);
		if (!m->fh.usable)
			continue;
		if (revoke)
			nvmx_fleet_host_revoke(&m->fh);
		return true;
	}
	return false;
}

static struct member fleet[MAX_FLEET];

static unsigned draw_fleet(unsigned n, bool revoke)
{
	unsigned got = 0;
	for (unsigned i = 0; i < n; i++)
		if (draw(&fleet[got], revoke))
			got++;
	return got;
}

static bool features_subset(const struct nvmx_msrs *a, const struct nvmx_msrs *b)
{
	struct nvmx_fleet_features fa, fb;
	nvmx_fleet_features(a, &fa);
	nvmx_fleet_features(b, &fb);
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		if (fa.w[i] & ~fb.w[i])
			return false;
	return true;
}

/* A VM started on a with values v, saved, restored on b. */
static bool moves(const struct nvmx_fleet_host *a, const struct nvmx_fleet_host *b,
		  const struct nvmx_msrs *v)
{
	struct nvmx_vcpu va;
	struct nvmx_migration m;
	struct nvmx_msrs saved;
	nvmx_scenario_vcpu_as(&a->s, &va, NVMX_POLICY_STRICT);
	nvmx_migrate(&m, &va, v, nvmx_order_qemu, NVMX_RESTORABLE_COUNT);
	if (!m.migratable)
		return false;
	nvmx_vcpu_save(&va, &saved);
	nvmx_fleet_restore(&m, b, &saved, NVMX_POLICY_STRICT);
	return m.migratable;
}

static void test_baseline_property(unsigned nfleets)
{
	unsigned fleets = 0, restores = 0, bad_restore = 0, bad_subset = 0, bad_move = 0,
		 bad_status = 0, bad_order = 0, bad_loss = 0;
	for (unsigned t = 0; t < nfleets; t++) {
		unsigned n = draw_fleet(2 + (unsigned)(rnd() % 10), false);
		if (n < 2)
			continue;
		fleets++;
		struct nvmx_baseline b, r, h1, h2;
		nvmx_baseline_init(&b);
		nvmx_baseline_init(&r);
		nvmx_baseline_init(&h1);
		nvmx_baseline_init(&h2);
		for (unsigned i = 0; i < n; i++) {
			nvmx_baseline_add(&b, &fleet[i].fh, 1);
			nvmx_baseline_add(&r, &fleet[n - 1 - i].fh, 1);
			nvmx_baseline_add(i < n / 2 ? &h1 : &h2, &fleet[i].fh, 1);
		}
		nvmx_baseline_merge(&h1, &h2);
		if (b.status != NVMX_BASELINE_OK || b.members != n) {
			bad_status++;
			continue;
		}
		if (!nvmx_fleet_msrs_equal(&b.msrs, &r.msrs) || !nvmx_fleet_msrs_equal(&b.msrs, &h1.msrs))
			bad_order++;
		for (unsigned i = 0; i < n; i++) {
			struct nvmx_migration m;
			struct nvmx_fleet_loss l;
			nvmx_fleet_restore(&m, &fleet[i].fh, &b.msrs, NVMX_POLICY_STRICT);
			restores++;
			if (!m.migratable) {
				bad_restore++;
				if (bad_restore < 4) {
					char why[1024];
					for (unsigned w = 0; w < m.nwrites; w++)
						if (m.writes[w].r.rc) {
							nvmx_result_describe(&m.writes[w].r, why, sizeof(why));
							tap_diag("KVM %s rejects the baseline: %s",
								 nvmx_kernel_name(fleet[i].k), why);
						}
				}
			}
			if (!features_subset(&b.msrs, &fleet[i].fh.offer))
				bad_subset++;
			nvmx_fleet_loss(&fleet[i].fh.offer, &b.msrs, &l);
			struct nvmx_fleet_features fo, fb;
			nvmx_fleet_features(&fleet[i].fh.offer, &fo);
			nvmx_fleet_features(&b.msrs, &fb);
			if (l.features != nvmx_fleet_features_lost(&fo, &fb))
				bad_loss++;
		}
		unsigned a = (unsigned)(rnd() % n), c = (unsigned)(rnd() % n);
		if (!moves(&fleet[a].fh, &fleet[c].fh, &b.msrs))
			bad_move++;
	}
	tap_ok(fleets > nfleets / 2, "%u random fleets of 2-11 hosts drawn (dumps x %u releases x parameters)",
	       fleets, nvmx_kernel_count());
	tap_ok(!bad_status, "every fleet has a baseline (%u without)", bad_status);
	tap_ok(!bad_restore, "the baseline restores on every member under its release: %u restores, %u rejected",
	       restores, bad_restore);
	tap_ok(!bad_subset, "the baseline's features are a subset of every member's offer (%u not)", bad_subset);
	tap_ok(!bad_move, "a VM started with the baseline on one member restores on another (%u not)", bad_move);
	tap_ok(!bad_order, "the baseline does not depend on the order or grouping of members (%u differ)", bad_order);
	tap_ok(!bad_loss, "nvmx_fleet_loss counts what the member has and the baseline does not (%u off)", bad_loss);
}

/* Restore classes: same class => same verdict for any saved state, under each policy. */
static void test_restore_classes(unsigned rounds)
{
	static const enum nvmx_policy pols[] = {
		NVMX_POLICY_STRICT, NVMX_POLICY_REVOKE_KEEP, NVMX_POLICY_REVOKE_CLEAR,
	};
	unsigned same_pairs = 0, checks = 0, bad = 0, bad_hash = 0, bad_cls = 0, multi = 0;
	unsigned yes = 0, split = 0;	/* guards: both verdicts and both classings occur */
	static struct nvmx_fleet_host fh[MAX_FLEET];
	static unsigned long long weight[MAX_FLEET];
	static unsigned table[4 * MAX_FLEET], cls[MAX_FLEET];
	static struct nvmx_fleet_class classes[MAX_FLEET];
	for (unsigned t = 0; t < rounds; t++) {
		use_vm = false;
		if (t % 2)
			draw_vm();
		unsigned n = draw_fleet(MAX_FLEET, true);
		/* nvmx_fleet_classify: same class exactly when same offer / same restore, weights add up */
		for (unsigned i = 0; i < n; i++) {
			fh[i] = fleet[i].fh;
			weight[i] = 1 + i % 3;
		}
		for (unsigned p = 0; p < 4; p++) {
			enum nvmx_fleet_classing by = p == 3 ? NVMX_CLASS_OFFER : NVMX_CLASS_RESTORE;
			enum nvmx_policy pol = p == 3 ? NVMX_POLICY_STRICT : pols[p];
			unsigned nc = nvmx_fleet_classify(fh, weight, n, by, pol, table, 4 * MAX_FLEET,
							  classes, cls);
			unsigned long long sum = 0, want = 0;
			for (unsigned c = 0; c < nc; c++)
				sum += classes[c].hosts;
			for (unsigned i = 0; i < n; i++)
				want += weight[i];
			bad_cls += sum != want;
			multi += nc < n;
			for (unsigned a = 0; a < n; a++)
				for (unsigned b = 0; b < n; b++) {
					bool same = by == NVMX_CLASS_OFFER
						? fh[a].usable == fh[b].usable &&
						  nvmx_fleet_msrs_equal(&fh[a].offer, &fh[b].offer)
						: nvmx_fleet_same_restore(&fh[a], &fh[b], pol);
					bad_cls += same != (cls[a] == cls[b]);
					split += !same;
				}
		}
		for (unsigned a = 0; a < n; a++)
			for (unsigned b = 0; b < n; b++)
				for (unsigned p = 0; p < 3; p++) {
					if (!nvmx_fleet_same_restore(&fleet[a].fh, &fleet[b].fh, pols[p]))
						continue;
					same_pairs += a != b;
					if (nvmx_fleet_restore_hash(&fleet[a].fh, pols[p]) !=
					    nvmx_fleet_restore_hash(&fleet[b].fh, pols[p]))
						bad_hash++;
					for (unsigned s = 0; s < n; s++) {
						struct nvmx_migration ma, mb;
						nvmx_fleet_restore(&ma, &fleet[a].fh, &fleet[s].fh.offer, pols[p]);
						nvmx_fleet_restore(&mb, &fleet[b].fh, &fleet[s].fh.offer, pols[p]);
						checks++;
						yes += ma.migratable;
						if (ma.migratable != mb.migratable)
							bad++;
					}
				}
	}
	tap_ok(same_pairs > 0, "restore classes with more than one member occur (%u pairs)", same_pairs);
	tap_ok(!bad_cls && multi && split, "nvmx_fleet_classify: one class per equivalence class, hosts "
	       "summed (%u wrong; %u classings merged members, %u pairs apart)", bad_cls, multi, split);
	tap_ok(!bad && yes && yes < checks, "members of a restore class give the same verdict: %u checks "
	       "(%u migratable), %u differ", checks, yes, bad);
	tap_ok(!bad_hash, "members of a restore class hash alike (%u differ)", bad_hash);
}

/* The compiled destination (nvmx_fleet_target, what nvmx matrix uses) gives nvmx_fleet_restore's verdict. */
static void test_target_is_restore(unsigned rounds)
{
	static const enum nvmx_policy pols[] = {
		NVMX_POLICY_STRICT, NVMX_POLICY_REVOKE_KEEP, NVMX_POLICY_REVOKE_CLEAR,
	};
	unsigned checks = 0, bad = 0, yes = 0;
	static struct nvmx_target t;
	for (unsigned r = 0; r < rounds; r++) {
		use_vm = false;
		if (r % 2)
			draw_vm();
		unsigned n = draw_fleet(MAX_FLEET, true);
		for (unsigned b = 0; b < n; b++)
			for (unsigned p = 0; p < 3; p++) {
				nvmx_fleet_target(&t, &fleet[b].fh, pols[p]);
				for (unsigned a = 0; a < n; a++) {
					struct nvmx_migration m;
					nvmx_fleet_restore(&m, &fleet[b].fh, &fleet[a].fh.offer, pols[p]);
					bool c = nvmx_target_check(&t, &fleet[a].fh.offer);
					checks++;
					yes += c;
					bad += c != m.migratable;
				}
			}
	}
	use_vm = false;
	tap_ok(!bad && yes && yes < checks, "compiled destinations give the restore model's verdict: "
	       "%u checks (%u migratable), %u differ", checks, yes, bad);
}

/*
 * The fleet verdict is `nvmx check`'s: the source's saved fresh vCPU of the
 * VM (scenario.h, built here apart from the fleet) checked into a fresh vCPU
 * of the same VM on the destination -- strict through nvmx_check, the revoke
 * policy with the destination's revoke list computed directly.
 */
static void test_restore_is_check(unsigned rounds)
{
	static struct nvmx_scenario src, dst;
	static struct nvmx_revoke rev;
	unsigned checks = 0, bad = 0, yes = 0, vm_checks = 0;
	for (unsigned t = 0; t < rounds; t++) {
		use_vm = false;
		if (t % 2)
			draw_vm();
		unsigned n = draw_fleet(8, true);
		for (unsigned b = 0; b < n; b++) {
			nvmx_scenario_init(&dst, &fleet[b].host, false, fleet[b].k, &fleet[b].p);
			if (use_vm)
				dst.vm = fleet_vm;
			nvmx_revoke_compute(&rev, &fleet[b].host, fleet[b].k, &fleet[b].p, NULL);
			for (unsigned a = 0; a < n; a++) {
				struct nvmx_vcpu v;
				struct nvmx_msrs saved;
				struct nvmx_migration m1, m2, k1, k2;
				nvmx_scenario_init(&src, &fleet[a].host, false, fleet[a].k, &fleet[a].p);
				if (use_vm)
					src.vm = fleet_vm;
				nvmx_scenario_save(&src, &saved);
				nvmx_check(&m1, &v, &dst, &saved, NULL, 0);
				nvmx_fleet_restore(&m2, &fleet[b].fh, &fleet[a].fh.offer, NVMX_POLICY_STRICT);
				nvmx_vcpu_init(&v, &dst.kvm, use_vm ? fleet_vm.quirks_disabled : 0);
				if (use_vm && fleet_vm.cpuid_set)
					nvmx_vcpu_set_cpuid(&v, fleet_vm.guest_features, fleet_vm.pmu_version);
				v.policy = NVMX_POLICY_REVOKE_KEEP;
				v.revoke = &rev;
				nvmx_migrate(&k1, &v, &saved, nvmx_order_qemu, NVMX_RESTORABLE_COUNT);
				nvmx_fleet_restore(&k2, &fleet[b].fh, &fleet[a].fh.offer, NVMX_POLICY_REVOKE_KEEP);
				checks += 2;
				vm_checks += use_vm ? 2 : 0;
				yes += m1.migratable + k1.migratable;
				bad += (m1.migratable != m2.migratable) + (k1.migratable != k2.migratable) +
				       !nvmx_fleet_msrs_equal(&saved, &fleet[a].fh.offer);
			}
		}
	}
	use_vm = false;
	tap_ok(checks && vm_checks && yes && yes < checks && !bad,
	       "nvmx_fleet_restore is nvmx check of the same VM (guest CPUID, PMU, quirks on both "
	       "sides): %u checks (%u with a VM, %u migratable), %u differ", checks, vm_checks, yes, bad);
}

static void test_pools(unsigned rounds)
{
	static struct nvmx_pool_item items[MAX_FLEET];
	static struct nvmx_pool_slot slots[MAX_FLEET];
	static struct nvmx_pools_step steps[MAX_FLEET];
	unsigned pool_of[MAX_FLEET];
	unsigned runs = 0, bad_accept = 0, bad_move = 0, bad_target = 0, bad_loss = 0, bad_curve = 0,
		 pairs = 0;
	for (unsigned t = 0; t < rounds; t++) {
		unsigned n = draw_fleet(4 + (unsigned)(rnd() % (MAX_FLEET - 3)), false);
		if (!n)
			continue;
		struct nvmx_pools_opts o = { 1 + (unsigned)(rnd() % 5), rnd() % 3 ? UINT_MAX : (unsigned)(rnd() % 40) };
		for (unsigned i = 0; i < n; i++)
			items[i] = (struct nvmx_pool_item){ &fleet[i].fh.offer, true, 1 + rnd() % 1000 };
		unsigned nsteps = 0;
		unsigned pools = nvmx_pools_compute(items, n, &o, slots, pool_of, steps, &nsteps);
		runs++;
		if (pools < o.target && pools != n)
			bad_target++;
		if (nsteps != n - pools)
			bad_curve++;
		for (unsigned s = 1; s < nsteps; s++)
			bad_curve += steps[s].pools != steps[s - 1].pools - 1 || steps[s].lost < steps[s - 1].lost;
		for (unsigned i = 0; i < n; i++) {
			const struct nvmx_baseline *b = &slots[pool_of[i]].b;
			struct nvmx_migration m;
			struct nvmx_fleet_loss l;
			nvmx_fleet_restore(&m, &fleet[i].fh, &b->msrs, NVMX_POLICY_STRICT);
			bad_accept += !m.migratable;
			nvmx_fleet_loss(&fleet[i].fh.offer, &b->msrs, &l);
			if (o.max_loss != UINT_MAX && l.features > o.max_loss && slots[pool_of[i]].weight != items[i].weight)
				bad_loss++;
			for (unsigned j = 0; j < n; j++)
				if (pool_of[j] == pool_of[i]) {
					pairs++;
					bad_move += !moves(&fleet[i].fh, &fleet[j].fh, &b->msrs);
				}
		}
	}
	tap_ok(runs > 0, "%u random fleets pooled (targets 1-5, some with a loss limit)", runs);
	tap_ok(!bad_accept, "every member accepts its pool's baseline (%u not)", bad_accept);
	tap_ok(!bad_move, "VMs started with a pool's baseline move between any two members: %u pairs, %u fail",
	       pairs, bad_move);
	tap_ok(!bad_target, "pooling stops at the target unless nothing may merge (%u runs)", bad_target);
	tap_ok(!bad_loss, "no member of a merged pool loses more than --max-loss bits (%u do)", bad_loss);
	tap_ok(!bad_curve, "one merge per step, the loss never shrinks (%u off)", bad_curve);
}

static void set(struct nvmx_msrs *m, enum nvmx_msr_id id, uint64_t v)
{
	nvmx_msrs_set(m, id, v);
}

static void test_fold_rules(void)
{
	struct nvmx_msrs a = { { 0 }, 0 }, b = { { 0 }, 0 };
	set(&a, NVMX_TRUE_PROCBASED, UINT64_C(0x00f0000f00000011));
	set(&b, NVMX_TRUE_PROCBASED, UINT64_C(0x0f0000f000000101));
	set(&a, NVMX_BASIC, UINT64_C(0x00da040011e57ed0));
	set(&b, NVMX_BASIC, UINT64_C(0x0098100011e57ed0));
	set(&a, NVMX_MISC, UINT64_C(0x0000000020000065));
	set(&b, NVMX_MISC, UINT64_C(0x00000000000301e5));
	set(&a, NVMX_CR0_FIXED0, UINT64_C(0x21));
	set(&b, NVMX_CR0_FIXED0, UINT64_C(0x80000021));
	set(&a, NVMX_EPT_VPID_CAP, UINT64_C(0xf0106334141));
	set(&b, NVMX_EPT_VPID_CAP, UINT64_C(0x106114141));
	set(&a, NVMX_VMCS_ENUM, 0x2e);
	set(&b, NVMX_VMCS_ENUM, 0x32);
	set(&a, NVMX_VMFUNC, 1);
	set(&b, NVMX_VMFUNC, 0);
	set(&a, NVMX_PROCBASED2, UINT64_C(0x1234000000000000));

	struct nvmx_baseline bl;
	nvmx_baseline_init(&bl);
	tap_ok(bl.status == NVMX_BASELINE_EMPTY, "an empty baseline says so");
	nvmx_baseline_add_msrs(&bl, &a, 3);
	nvmx_baseline_add_msrs(&bl, &b, 4);
	tap_ok(bl.status == NVMX_BASELINE_OK && bl.members == 7, "members are weighted (3 + 4)");
	tap_eq64(bl.msrs.val[NVMX_TRUE_PROCBASED], UINT64_C(0x0000000000000111),
		 "controls: allowed-1 intersected, must-be-1 united");
	tap_eq64(bl.msrs.val[NVMX_BASIC], UINT64_C(0x0098100011e57ed0),
		 "BASIC: flags ANDed, largest VMCS size, revision and memory type kept");
	tap_eq64(bl.msrs.val[NVMX_MISC], UINT64_C(0x0000000000000065),
		 "MISC: flags ANDed, fewest CR3 targets and smallest MSR list, timer rate kept");
	tap_eq64(bl.msrs.val[NVMX_CR0_FIXED0], UINT64_C(0x80000021), "CR0_FIXED0 ORed");
	tap_eq64(bl.msrs.val[NVMX_EPT_VPID_CAP], UINT64_C(0x106114141), "EPT_VPID_CAP ANDed");
	tap_eq64(bl.msrs.val[NVMX_VMCS_ENUM], 0x2e, "VMCS_ENUM the smallest");
	tap_eq64(bl.msrs.val[NVMX_VMFUNC], 0, "VMFUNC ANDed");
	tap_ok(!nvmx_msrs_has(&bl.msrs, NVMX_PROCBASED2), "an MSR not every member saves is left out");

	struct nvmx_msrs c = b;
	c.val[NVMX_MISC] = (c.val[NVMX_MISC] & ~UINT64_C(0x1f)) | 7;
	set(&c, NVMX_TRUE_PINBASED, UINT64_C(0x0000007f00000016));
	set(&a, NVMX_TRUE_PINBASED, UINT64_C(0x0000007f00000016));
	nvmx_baseline_init(&bl);
	nvmx_baseline_add_msrs(&bl, &a, 1);
	nvmx_baseline_add_msrs(&bl, &c, 1);
	tap_ok(bl.timer_dropped && !(bl.msrs.val[NVMX_TRUE_PINBASED] & (UINT64_C(1) << 38)),
	       "different timer rates drop the preemption-timer control");

	c = b;
	c.val[NVMX_BASIC] ^= 1;
	nvmx_baseline_init(&bl);
	nvmx_baseline_add_msrs(&bl, &a, 1);
	nvmx_baseline_add_msrs(&bl, &c, 1);
	tap_ok(bl.status == NVMX_BASELINE_REVISION, "different VMCS revisions: no baseline (%s)",
	       nvmx_baseline_status_text(bl.status));

	struct nvmx_fleet_host off;
	memset(&off, 0, sizeof(off));
	struct nvmx_host h = dumps[0].host;
	struct nvmx_params p;
	const struct nvmx_kernel *k = nvmx_kernel_at(0);
	nvmx_params_default(k, &p);
	nvmx_params_set(k, &p, "nested", "0", NULL);
	nvmx_fleet_host_init(&off, &h, k, &p, NULL);
	nvmx_baseline_init(&bl);
	nvmx_baseline_add_msrs(&bl, &a, 1);
	nvmx_baseline_add(&bl, &off, 1);
	tap_ok(!off.usable && bl.status == NVMX_BASELINE_UNUSABLE,
	       "a host with nested=0 leaves no baseline (%s)", nvmx_baseline_status_text(bl.status));

	struct nvmx_host h2 = h;
	struct nvmx_params p2 = p;
	tap_ok(nvmx_fleet_profile_hash(&h, k, &p) == nvmx_fleet_profile_hash(&h2, k, &p2) &&
	       nvmx_fleet_profile_equal(&h, k, &p, &h2, k, &p2), "equal profiles hash alike");
	h2.hyperv_evmcs = !h2.hyperv_evmcs;
	tap_ok(!nvmx_fleet_profile_equal(&h, k, &p, &h2, k, &p2) &&
	       nvmx_fleet_profile_hash(&h, k, &p) != nvmx_fleet_profile_hash(&h2, k, &p2),
	       "the environment is part of a profile");
	p2.val[NVMX_P_EPT] ^= 1;
	h2 = h;
	tap_ok(!nvmx_fleet_profile_equal(&h, k, &p, &h2, k, &p2), "parameters are part of a profile");
	tap_ok(!nvmx_fleet_profile_equal(&h, k, &p, &h2, nvmx_kernel_at(1), &p),
	       "the release is part of a profile");
}

int main(void)
{
	load_dumps();
	if (!ndumps) {
		printf("1..0 # SKIP no dumps in data/hosts (run from the repository root)\n");
		return 0;
	}
	bool sampled = getenv("NVMX_CONFORMANCE_SAMPLE") != NULL;
	test_fold_rules();
	test_baseline_property(sampled ? 60 : 400);
	test_restore_classes(sampled ? 4 : 25);
	test_restore_is_check(sampled ? 3 : 20);
	test_target_is_restore(sampled ? 4 : 25);
	test_pools(sampled ? 15 : 80);
	return tap_done();
}
