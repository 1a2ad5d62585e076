/* SPDX-License-Identifier: MIT */
/*
 * Fleets: many hosts, each with its own KVM release, parameters and
 * environment.  The baseline (the richest VMX MSR values every host accepts
 * on restore), the migration verdict between two hosts, and migration pools.
 *
 * Everything is checked by the restore model (migrate.h): a fleet verdict is
 * nvmx_migrate of what one side saves into a fresh vCPU of the other, so it
 * is the verdict `nvmx check` gives for the same pair.  Like the rest of the
 * core: no I/O, no allocation, no global state; the caller owns the arrays.
 */
#ifndef NVMX_FLEET_H
#define NVMX_FLEET_H

#include <stddef.h>
#include "migrate.h"
#include "partial.h"
#include "qemu_migrate.h"
#include "scenario.h"
#include "verdict.h"

/* ---- Members -------------------------------------------------------------- */

/*
 * One host of a fleet as the fleet functions see it (one per unique
 * profile): a scenario (scenario.h), so a fleet's vCPUs are built by the
 * same builder as `nvmx check`'s and the two agree by construction.
 */
struct nvmx_fleet_host {
	struct nvmx_scenario s;		/* host, release, parameters, the VM; s.kvm: kvm_intel */
	bool usable;			/* loaded and nested=1: it runs VMs with VMX */
	struct nvmx_msrs offer;		/* what a VM started here carries: nvmx_scenario_save
					 * of a fresh vCPU of the VM */
};

/*
 * Load release k with parameters p (NULL: defaults) on host h -- whose
 * hyperv_evmcs is the environment -- for a VM with properties vm (NULL: no
 * KVM_SET_CPUID2, no quirks disabled; the same VM on every member) and take
 * the offer.
 */
void nvmx_fleet_host_init(struct nvmx_fleet_host *fh, const struct nvmx_host *h,
			  const struct nvmx_kernel *k, const struct nvmx_params *p,
			  const struct nvmx_vm *vm);
/* Compute the revoke list (as `nvmx check --policy revoke-*` does: every older release). */
void nvmx_fleet_host_revoke(struct nvmx_fleet_host *fh);

/*
 * Write `saved` in QEMU's order (nvmx_order_qemu) into a fresh vCPU of dst
 * under `policy` (the revoke policies need nvmx_fleet_host_revoke first).
 */
void nvmx_fleet_restore(struct nvmx_migration *out, const struct nvmx_fleet_host *dst,
			const struct nvmx_msrs *saved, enum nvmx_policy policy);
/*
 * The same fresh vCPU of dst compiled once (verdict.h): nvmx_target_check(t,
 * saved) is nvmx_fleet_restore(...).migratable.  dst must outlive t.
 */
void nvmx_fleet_target(struct nvmx_target *t, const struct nvmx_fleet_host *dst,
		       enum nvmx_policy policy);

/*
 * Restore equivalence: two members whose fresh vCPUs give the same verdict
 * for every saved state under `policy` (same usability, same nested MSRs,
 * for the revoke policies the same revoke list, and with VM properties the
 * same release, VM and vCPU values after KVM_SET_CPUID2).  The hash agrees with
 * it; seed chains hashes.  Lets a fleet check each destination class once.
 */
bool nvmx_fleet_same_restore(const struct nvmx_fleet_host *a, const struct nvmx_fleet_host *b,
			     enum nvmx_policy policy);
uint64_t nvmx_fleet_restore_hash(const struct nvmx_fleet_host *fh, enum nvmx_policy policy);

/*
 * Classes of members fh[0..n), for checking a large fleet once per class:
 * by offer (sources: same usability and saved values), or by restore
 * behaviour under `policy` (destinations: nvmx_fleet_same_restore).  weight[i]
 * is how many hosts member i stands for.  The caller gives the workspace:
 * table[0..cap), cap a power of two at least 2n; classes[0..n) receives each
 * class (a representative member, the hosts, the hash), class_of[i] member
 * i's class.  Returns the number of classes, numbered in order of first
 * member.
 */
struct nvmx_fleet_class {
	unsigned rep;			/* a member of the class */
	unsigned long long hosts;
	uint64_t hash;
};

enum nvmx_fleet_classing { NVMX_CLASS_OFFER, NVMX_CLASS_RESTORE };

unsigned nvmx_fleet_classify(const struct nvmx_fleet_host *fh, const unsigned long long *weight,
			     unsigned n, enum nvmx_fleet_classing by, enum nvmx_policy policy,
			     unsigned *table, size_t cap, struct nvmx_fleet_class *classes,
			     unsigned *class_of);

/* ---- The migration matrix --------------------------------------------------- */

/*
 * Every source class into every destination class (classes from
 * nvmx_fleet_classify over the same members fh: src by NVMX_CLASS_OFFER, dst
 * by NVMX_CLASS_RESTORE under `policy`): cells[s * ndst + d] is
 * NVMX_CELL_YES when class s's offer restores into class d's fresh vCPU
 * under `policy` (nvmx_fleet_restore(...).migratable, compiled once per
 * destination into targets[0..ndst), the caller's workspace), NVMX_CELL_NO
 * when it does not, NVMX_CELL_NA when s runs no VMX guests.  The counts are
 * host pairs (a class weighs its hosts).  progress (may be NULL) is called
 * after each row with the rows done.
 */
enum nvmx_fleet_cell { NVMX_CELL_NO = 0, NVMX_CELL_YES = 1, NVMX_CELL_NA = 2,
		       NVMX_CELL_NOT_PROVEN = 3 /* nvmx_fleet_cell_proven */ };

struct nvmx_fleet_matrix_counts {
	unsigned long long ok;		/* host pairs that migrate */
	unsigned long long pairs;	/* host pairs with a usable source */
	unsigned long long restores;	/* cells checked */
};

void nvmx_fleet_matrix(unsigned char *cells, struct nvmx_fleet_matrix_counts *out,
		       const struct nvmx_fleet_host *fh, const struct nvmx_fleet_class *src,
		       unsigned nsrc, const struct nvmx_fleet_class *dst, unsigned ndst,
		       enum nvmx_policy policy, struct nvmx_target *targets,
		       void (*progress)(void *ctx, unsigned rows), void *ctx);

/*
 * A cell with a partial host (partial.h): `as_given` was asked of the hosts
 * as their input gives them, `answer` of the completions of their unknown
 * bits (nvmx_partial_search).  A YES stands only if every completion
 * holds, a NO only if none does; otherwise NVMX_CELL_NOT_PROVEN.
 */
enum nvmx_fleet_cell nvmx_fleet_cell_proven(enum nvmx_fleet_cell as_given,
					    enum nvmx_partial_answer answer);
/*
 * A cell with a partial host, decided: class cell `as_given` (asked of the
 * hosts as their input gives them) asked again of every completion of the
 * unknown bits (nvmx_partial_search; r receives the search, with the bits
 * that decide): a fresh member of each completion (w's release, parameters
 * and VM per side) and the source's offer restored under w->policy, a
 * source without VMX guests counting as holding.  Returns
 * nvmx_fleet_cell_proven's answer.  same_machine: both sides are one input
 * (one completion for both).  w is the caller's workspace.
 */
struct nvmx_fleet_cell_work {
	const struct nvmx_kernel *src_kernel, *dst_kernel;
	const struct nvmx_params *src_params, *dst_params;
	const struct nvmx_vm *vm;		/* the same VM on both sides */
	enum nvmx_policy policy;
	struct nvmx_fleet_host from, to;	/* work space */
	struct nvmx_migration m;
};
enum nvmx_fleet_cell nvmx_fleet_cell_partial(struct nvmx_partial_result *r,
					     struct nvmx_fleet_cell_work *w,
					     enum nvmx_fleet_cell as_given,
					     const struct nvmx_host *src, const struct nvmx_unknown *usrc,
					     const struct nvmx_host *dst, const struct nvmx_unknown *udst,
					     bool same_machine);
/*
 * One cell asked under npol policies (cells[k] under policies[k], most
 * restrictive first), as one mark: '-' the source runs no VMX guests; 'Y'
 * migrates under the first policy that says so -- 'k' / 'c' when that is
 * revoke-keep / revoke-clear and more than one policy was asked; '?' not
 * proven before any says yes; '.' under none.  With one policy: Y . ? -.
 */
char nvmx_fleet_cell_mark(const unsigned char *cells, const enum nvmx_policy *policies,
			  unsigned npol);
/* "true", "false", "not proven", "n/a" (the matrix's CSV). */
const char *nvmx_fleet_cell_name(enum nvmx_fleet_cell c);
/*
 * The rows a matrix shows when it may show only `limit` of n groups (0: no
 * limit): the `limit` with the most hosts (hosts[i]; ties: the earlier),
 * in input order, into rows[0..return).  *omitted_hosts: the hosts of the
 * groups left out.
 */
unsigned nvmx_fleet_matrix_rows(const unsigned long long *hosts, unsigned n, unsigned limit,
				unsigned *rows, unsigned long long *omitted_hosts);

/*
 * The matrix's answer: every host pair migrates under some policy asked
 * (ok[k]: the pairs that migrate under policy k, not-proven ones excluded;
 * pairs: those with a usable source) and no host runs without VMX guests
 * (unusable_hosts: none of its VMs could move).
 */
bool nvmx_fleet_matrix_all(const unsigned long long *ok, unsigned npol, unsigned long long pairs,
			   unsigned long long unusable_hosts);

/*
 * The matrix under the qemu semantics (`nvmx matrix --cpu`): the VM's -cpu
 * started on env[s] and migrated to env[d], where QEMU builds the VMX MSRs
 * again from it (nvmx_qemu_migrate, no nested state): cells[s * n + d] is
 * the verdict, counts[v] the ordered pairs with verdict v.  m is the
 * caller's workspace.
 */
void nvmx_fleet_qemu_matrix(unsigned char *cells, unsigned long long counts[3],
			    const struct nvmx_qemu_env *env, unsigned n,
			    const struct nvmx_qemu_cpu *cpu, struct nvmx_qemu_migration *m);
/* A qemu-semantics cell's mark: 'Y' safe, 'c' L1-visible change, '.' fails. */
char nvmx_fleet_qemu_mark(enum nvmx_qmig_verdict v);

/* ---- What a group is made of ---------------------------------------------- */

/*
 * A group's processor models (a pool, a matrix's fleet, a baseline's hosts)
 * with their host counts.  Count each member in with nvmx_fleet_models_add
 * (m needs room for one entry per distinct cpu: at most one per member; cpu
 * is the caller's string, e.g. a dump's name, and must outlive m), then
 * nvmx_fleet_models_sort: most hosts first, ties by name (byte order), so the
 * order never depends on the input order.  m[0] is then the group's example,
 * its most common processor.
 */
struct nvmx_fleet_model {
	const char *cpu;
	unsigned long long hosts;
};

void nvmx_fleet_models_add(struct nvmx_fleet_model *m, unsigned *nm, const char *cpu,
			   unsigned long long hosts);
void nvmx_fleet_models_sort(struct nvmx_fleet_model *m, unsigned nm);
/*
 * The label of sorted models: "A, B, C" (up to three) or "A + N more models"
 * (A the most common), "" for none.  Into buf[0..n) (truncated, terminated
 * when n > 0); returns the length it needs, as snprintf does.
 */
size_t nvmx_fleet_models_label(const struct nvmx_fleet_model *m, unsigned nm, char *buf, size_t n);

/* ---- Hashing (profiles, classes) ------------------------------------------ */

uint64_t nvmx_fleet_hash_bytes(uint64_t seed, const void *p, size_t n);
bool nvmx_fleet_msrs_equal(const struct nvmx_msrs *a, const struct nvmx_msrs *b);
/*
 * A profile: everything the KVM model reads of a host (MSRs, identity,
 * CPUID features, environment), the release and the parameters.
 */
uint64_t nvmx_fleet_profile_hash(const struct nvmx_host *h, const struct nvmx_kernel *k,
				 const struct nvmx_params *p);
bool nvmx_fleet_profile_equal(const struct nvmx_host *ha, const struct nvmx_kernel *ka,
			      const struct nvmx_params *pa, const struct nvmx_host *hb,
			      const struct nvmx_kernel *kb, const struct nvmx_params *pb);

/* ---- Features --------------------------------------------------------------- */

/*
 * The feature bits of a set of saved values, one 64-bit word per MSR, such
 * that the baseline's features are the AND of the members' features and a
 * host's loss is what it has and the baseline does not:
 *   controls (0x48B, 0x48D-0x490): allowed-1 bits in 63:32 ("may be 1"),
 *     the complement of the must-be-1 bits in 31:0 ("may be 0");
 *   BASIC: bits 49, 54, 55, 56 (and the reserved bits KVM checks);
 *   MISC: the flag bits KVM checks (5-8, 14, 15, 28-30 ...);
 *   EPT_VPID_CAP, VMFUNC: every bit;
 *   CR0_FIXED0, CR4_FIXED0: the complement ("CR bit may be 0").
 * The numeric fields (VMCS size, CR3-target count, MSR-list limit, timer
 * rate, VMCS_ENUM) are not features; nvmx_fleet_loss reports them apart.
 */
struct nvmx_fleet_features {
	uint64_t w[NVMX_MSR_COUNT];
};

void nvmx_fleet_features(const struct nvmx_msrs *m, struct nvmx_fleet_features *out);
/* Number of feature bits in `have` and not in `kept`. */
unsigned nvmx_fleet_features_lost(const struct nvmx_fleet_features *have,
				  const struct nvmx_fleet_features *kept);

/* ---- Baseline ----------------------------------------------------------------- */

enum nvmx_baseline_status {
	NVMX_BASELINE_OK,
	NVMX_BASELINE_EMPTY,		/* no member yet */
	NVMX_BASELINE_UNUSABLE,		/* a member runs no VMX guests (no KVM, nested=0) */
	NVMX_BASELINE_REVISION,		/* VMCS revision identifiers differ */
	NVMX_BASELINE_MSEG,		/* MISC MSEG revision identifiers differ */
};

/*
 * Field by field over the members' offers:
 *   control MSRs: allowed-1 intersected, must-be-1 united;
 *   BASIC: feature bits ANDed, revision equal, VMCS size the largest,
 *     memory type the first member's (KVM's: write-back);
 *   MISC: flag bits ANDed, timer rate KVM's (when members differ, the
 *     preemption-timer control is dropped instead), CR3-target count and
 *     MSR-list limit the smallest, MSEG revision equal;
 *   EPT_VPID_CAP, VMFUNC: ANDed; CR0/CR4_FIXED0: ORed; VMCS_ENUM: the smallest.
 * An MSR is in the baseline when every member saves it.  Every rule is
 * associative and commutative, so members and baselines fold in any order.
 */
struct nvmx_baseline {
	enum nvmx_baseline_status status;
	unsigned long long members;	/* members folded in (weights add) */
	struct nvmx_msrs msrs;		/* the values, when status is OK */
	bool timer_dropped;		/* timer rates differed: pin-based bit 6 dropped */
};

void nvmx_baseline_init(struct nvmx_baseline *b);
/* Fold in one member (weight: how many hosts it stands for). */
void nvmx_baseline_add(struct nvmx_baseline *b, const struct nvmx_fleet_host *fh,
		       unsigned long long weight);
/* Fold in saved values directly (a usable member's offer). */
void nvmx_baseline_add_msrs(struct nvmx_baseline *b, const struct nvmx_msrs *offer,
			    unsigned long long weight);
/* b := b folded with o. */
void nvmx_baseline_merge(struct nvmx_baseline *b, const struct nvmx_baseline *o);
const char *nvmx_baseline_status_text(enum nvmx_baseline_status s);

/* What a member gives up when its VMs run with the baseline. */
struct nvmx_fleet_loss {
	unsigned features;		/* feature bits lost (nvmx_fleet_features_lost) */
	/* Per MSR, in the MSR's layout: allowed-1 / flag / capability bits lost. */
	uint64_t dropped[NVMX_MSR_COUNT];
	/* Controls that become must-be-1, CR bits that become fixed to 1 (MSR layout). */
	uint64_t forced[NVMX_MSR_COUNT];
	/* Numeric fields lowered (bit per MSR id): MISC CR3 count / MSR limit, VMCS_ENUM. */
	bool cr3_count, msr_limit, vmcs_enum;
};

void nvmx_fleet_loss(const struct nvmx_msrs *offer, const struct nvmx_msrs *baseline,
		     struct nvmx_fleet_loss *out);

/* ---- Pools ---------------------------------------------------------------- */

/*
 * Greedy agglomerative pooling.  Start with one pool per item (a unique
 * profile, weighted by its host count); repeatedly merge the two pools whose
 * merge loses the fewest host-weighted feature bits, until `target` pools
 * remain or no merge is allowed.  A merge is allowed when the merged baseline
 * exists (same VMCS revision and MSEG, every member usable) and no host then
 * loses more than `max_loss` feature bits against its own offer.  Since a
 * pool's baseline features are the AND of its members', a host in pool P
 * loses |b(P) \ b(Q)| more bits when P merges with Q, so the cost of a
 * merge is W(P)*|b(P)\b(Q)| + W(Q)*|b(Q)\b(P)| and needs only the two
 * baselines.  Each pool remembers its cheapest partner; after a merge only
 * the merged pool and the pools whose partner vanished are rescanned.
 */
struct nvmx_pool_item {
	const struct nvmx_msrs *offer;
	bool usable;
	unsigned long long weight;
};

/* Per-item workspace, also the result: pool i lives in slot root(i). */
struct nvmx_pool_slot {
	struct nvmx_baseline b;
	struct nvmx_fleet_features fv;
	unsigned long long weight;
	unsigned max_loss;		/* the largest loss of a member */
	unsigned long long lost;	/* host-weighted loss of the members */
	unsigned parent;		/* union-find; the root is the pool */
	unsigned best;			/* cheapest partner, or n */
	unsigned long long best_cost;
	bool alive;			/* a pool root */
};

struct nvmx_pools_step {
	unsigned pools;			/* pools after this merge */
	unsigned long long lost;	/* host-weighted feature bits lost in total */
};

struct nvmx_pools_opts {
	unsigned target;		/* stop at this many pools (at least 1) */
	unsigned max_loss;		/* per-host limit; UINT_MAX: none */
};

/*
 * Pool items[0..n) with slots[0..n) as workspace; pool_of[i] receives the
 * pool root of item i (n for an unusable item: it runs no VMX guests and
 * is in no pool).  steps (may be NULL) receives one entry per merge, in
 * order; *nsteps their count.  Returns the number of pools.
 */
unsigned nvmx_pools_compute(const struct nvmx_pool_item *items, unsigned n,
			    const struct nvmx_pools_opts *opts, struct nvmx_pool_slot *slots,
			    unsigned *pool_of, struct nvmx_pools_step *steps, unsigned *nsteps);
/*
 * The pools of nvmx_pools_compute as `nvmx pools` lists them: most hosts
 * first, ties by root.  order[0..return) receives each pool's root slot
 * (slots[root].b its baseline, .weight its hosts, .lost its loss); rank[i]
 * item i's pool as a position in order, or UINT32_MAX for an item in no
 * pool.  order and rank have room for n.
 */
unsigned nvmx_pools_rank(const struct nvmx_pool_slot *slots, const unsigned *pool_of, unsigned n,
			 unsigned *order, unsigned *rank);

#endif
