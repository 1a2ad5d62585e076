/* SPDX-License-Identifier: MIT */
/*
 * Fleets for the baseline, matrix and pools commands: hosts given as
 * HOST[@RELEASE] operands, directories of dumps, or JSON Lines inventories,
 * deduplicated into unique profiles (same MSRs, identity, release,
 * parameters and environment) as they stream in, so memory grows with the
 * unique profiles and not with the hosts.
 */
#ifndef NVMX_CLI_FLEET_H
#define NVMX_CLI_FLEET_H

#include "cli.h"
#include "opts.h"
#include "nvmx/fleet.h"
#include "nvmx/inventory.h"
#include "nvmx/partial.h"

struct fleet {
	const char *cmd;
	/*
	 * The hosts as unique profiles (io: nvmx_inventory_read/_add_path);
	 * the options set inv.kernel (--kvm), inv.hyperv_evmcs, inv.dedup
	 * (--no-dedup), inv.keep_members.
	 */
	struct nvmx_inventory inv;
	const char *param_args[64];	/* --param NAME=VALUE, every host */
	unsigned nparam;
	bool progress;			/* stderr is a terminal and not --no-progress */
	bool skip_unusable;
	struct nvmx_vm vm;		/* the VM's properties, on every member (default: none) */
	struct fleet_operand { const char *arg; bool inventory; } *operands;
	unsigned noperands, capoperands;	/* HOST[@RELEASE], DIR[@RELEASE], inventories */

	/* per profile, after fleet_compute */
	struct nvmx_fleet_host *fh;
	unsigned long long unusable_hosts;	/* hosts that run no VMX guests */
	unsigned unusable;			/* ... profiles */

	/* classes (fleet_compute) */
	struct nvmx_fleet_class *src, *dst[3];	/* nvmx_fleet_classify */
	unsigned nsrc, ndst[3];
	unsigned *src_of, *dst_of[3];		/* per profile: its source / destination class */
	bool revoke;			/* revoke lists computed */

	/* progress */
	double t0, last_progress;
};

void fleet_init(struct fleet *f, const char *cmd);
void fleet_free(struct fleet *f);
/*
 * The options every fleet command shares, for a ctx `type` holding a
 * `struct fleet *` field `f`; fleet_operand takes HOST[@RELEASE], a
 * directory, an inventory (.jsonl) or - (an inventory on standard input).
 */
int fleet_opt(void *ctx, const struct opt *o, const char *v);
int fleet_operand(struct fleet *f, const char *arg);
#define FLEET_OPTS(type, f) \
	OPT_CALL_AT("kvm", "kernel", "RELEASE", fleet_opt, type, f, \
		    "the release of a HOST without @RELEASE (default: the newest upstream release)"), \
	OPT_CALL_AT("param", NULL, "NAME=VALUE", fleet_opt, type, f, "a kvm_intel parameter, every host"), \
	OPT_CALL_AT("hyperv-evmcs", NULL, NULL, fleet_opt, type, f, \
		    "every host's KVM runs on Hyper-V with the enlightened VMCS"), \
	OPT_CALL_AT("inventory", NULL, "FILE", fleet_opt, type, f, "hosts, one JSON line each (- stdin)"), \
	OPT_CALL_AT("no-dedup", NULL, NULL, fleet_opt, type, f, "one profile per host"), \
	OPT_CALL_AT("no-progress", NULL, NULL, fleet_opt, type, f, "no progress on standard error"), \
	OPT_CALL_AT("skip-unusable", NULL, NULL, fleet_opt, type, f, "drop hosts that run no VMX guests")
/* Read every operand and inventory.  0 or an EXIT_* code (errors printed). */
int fleet_load(struct fleet *f);
/*
 * One inventory alone (upgrade, revoke-list --inventory): its unique
 * profiles in f->inv.prof with their host counts; fleet_free(f) afterwards.
 */
int fleet_load_inventory(struct fleet *f, const char *cmd, const char *path, bool hyperv_evmcs);
/*
 * Load every profile's KVM and take its offer, the revoke lists if asked,
 * and the classes.  With need_usable, a host that runs no VMX guests is an
 * error (EXIT_NO, each named) unless --skip-unusable drops those profiles.
 */
int fleet_compute(struct fleet *f, bool revoke, bool need_usable);

/* Policies as indexes of fleet.dst[] */
extern const enum nvmx_policy fleet_policies[3];
const char *fleet_policy_name(unsigned i);

/* "Intel Xeon Platinum 8180 @6.1 ept=0 hyperv-evmcs" */
void fleet_profile_desc(const struct nvmx_inventory_profile *p, char *buf, size_t n);
/*
 * The processor models of profiles profs[0..n) with their host counts, most
 * hosts first, ties by name (nvmx_fleet_models_sort); *out is malloc'd (free
 * it).  The label is nvmx_fleet_models_label's.
 */
unsigned fleet_group_models(const struct fleet *f, const unsigned *profs, unsigned n,
			    struct nvmx_fleet_model **out);
/* The same over every profile of the fleet. */
unsigned fleet_all_models(const struct fleet *f, struct nvmx_fleet_model **out);
/* "label":"...","example":"A","models":[{"cpu":"A","hosts":N},...] (no braces). */
void fleet_group_json(FILE *out, const struct nvmx_fleet_model *m, unsigned nm);
/* "ept=0 pml=0" (empty when none given) */
void fleet_profile_params(const struct nvmx_inventory_profile *p, char *buf, size_t n);

/* Progress on stderr (only when f->progress and the run is long). */
void fleet_progress(struct fleet *f, const char *what, unsigned long long done,
		    unsigned long long total);
void fleet_progress_done(struct fleet *f);
double fleet_now(void);

/* ---- Output helpers (fleet_out.c) ---- */

/* Name of one bit of MSR id: "SECONDARY_EXEC_ENABLE_EPT" (or SDM name, or "bit N"). */
const char *fleet_bit_name(enum nvmx_msr_id id, unsigned bit, char *buf, size_t n);
/* A loss in words on f, one line per MSR with the indent; returns lines printed. */
unsigned fleet_print_loss(FILE *out, const struct nvmx_fleet_loss *l, const char *indent);
/* The loss as JSON: [{"msr":..,"kind":"dropped"|"forced",...}] */
void fleet_loss_json(FILE *out, const struct nvmx_fleet_loss *l);
/* "vmx-foo=off,vmx-bar=off" for the dropped bits QEMU names; unnamed ones counted. */
unsigned fleet_qemu_off(const struct nvmx_fleet_loss *l, char *buf, size_t n, unsigned *unnamed);
/* One rejected write in JSON (msr, rule, reason text, offending bits by name). */
void fleet_write_json(FILE *out, const struct nvmx_write *w);
/* {"ept":0} -- the parameters given (defaults left out) */
void fleet_params_json(FILE *out, const struct nvmx_inventory_profile *p);
/* The baseline as a .msrs dump that nvmx reads back. */
void fleet_print_msrs(FILE *out, const struct nvmx_msrs *m, const char *title,
		      unsigned long long hosts, unsigned profiles);


/* ---- Matrix and pools (fleet_calc.c) ---- */

struct fleet_matrix {
	unsigned npol;
	unsigned pol[3];		/* indexes of fleet_policies */
	unsigned char *m[3];		/* [pol slot][src class * ndst + dst class]: nvmx_fleet_matrix */
	/*
	 * With partial hosts: [pol slot][profile a * nprof + profile b] is 1 where
	 * the class cell says yes but a completion of the unknown bits fails.
	 */
	unsigned char *np[3];
	unsigned nprof;
	struct fleet_not_proven {	/* each such cell, with the bits that decide */
		unsigned k, a, b;
		struct nvmx_partial_result r;
	} *npl;
	unsigned nnpl;
	unsigned long long not_proven[3];	/* host pairs, per policy slot */
	unsigned long long ok[3];	/* host pairs that migrate, per policy slot */
	unsigned long long pairs;	/* host pairs with a usable source */
	unsigned long long restores;	/* restore-model runs it took */
};

/* Every source class into every destination class under each policy (nvmx_fleet_matrix). 0 or EXIT_*. */
int fleet_matrix_compute(struct fleet *f, struct fleet_matrix *mx, const unsigned *pols,
			 unsigned npol);
void fleet_matrix_free(struct fleet_matrix *mx);
/* Profile a -> profile b under policy slot k. */
static inline int fleet_cell(const struct fleet *f, const struct fleet_matrix *mx, unsigned k,
			     unsigned a, unsigned b)
{
	unsigned pol = mx->pol[k];
	if (mx->np[k] && mx->np[k][(size_t)a * mx->nprof + b])
		return NVMX_CELL_NOT_PROVEN;
	return mx->m[k][(size_t)f->src_of[a] * f->ndst[pol] + f->dst_of[pol][b]];
}
/*
 * Does partial profile i accept vals (saved values written into a fresh vCPU,
 * strict) on every completion of its unknown bits?  True for a complete
 * profile; false with r the search (deciding bits) when some completion
 * rejects them or runs no VMX guests.
 */
bool fleet_partial_accepts(const struct fleet *f, unsigned i, const struct nvmx_msrs *vals,
			   struct nvmx_partial_result *r);
/* The partial-host search of a NVMX_CELL_NOT_PROVEN cell (NULL for others). */
const struct nvmx_partial_result *fleet_cell_partial(const struct fleet_matrix *mx, unsigned k,
						     unsigned a, unsigned b);
/* The migration of profile a's offer into profile b (for the reasons). */
void fleet_cell_run(const struct fleet *f, const struct fleet_matrix *mx, unsigned k, unsigned a,
		    unsigned b, struct nvmx_migration *out);

struct fleet_pools {
	unsigned n;			/* pools, largest first */
	unsigned *pool_of;		/* per profile: pool index, or UINT32_MAX (unusable) */
	struct nvmx_baseline *b;	/* per pool */
	unsigned long long *hosts;	/* per pool */
	unsigned *profiles;		/* per pool */
	unsigned long long lost;	/* host-weighted feature bits lost */
	struct nvmx_pools_step *steps;	/* the merges, in order */
	unsigned nsteps;
	unsigned items;			/* pooled items (unique offers) */
	unsigned bad;			/* verification failures (bugs) */
	unsigned not_proven;		/* partial profiles that may reject their pool's values */
};

/* Pools over the unique offers, each verified on every member profile. */
int fleet_pools_run(struct fleet *f, const struct nvmx_pools_opts *o, struct fleet_pools *p);
/* The same over QEMU's offers (-cpu max's L1 MSRs, per profile) with release r: semantics qemu. */
struct nvmx_qemu_release;
int fleet_pools_run_qemu(struct fleet *f, const struct nvmx_pools_opts *o,
			 const struct nvmx_qemu_release *r, struct fleet_pools *p);
void fleet_pools_free(struct fleet_pools *p);
/* --pools K / --max-loss N into the struct nvmx_pools_opts at ctx + o->off. */
int fleet_pools_opt(void *ctx, const struct opt *o, const char *v);
#define POOLS_OPTS(type, po) \
	OPT_CALL_AT("pools", NULL, "K", fleet_pools_opt, type, po, "merge down to K pools (default 1)"), \
	OPT_CALL_AT("max-loss", NULL, "N", fleet_pools_opt, type, po, "no host loses more than N bits")

/* The HTML report (report_html.c). */
/* rows: the profiles to show (nrows of them). */
void report_html(FILE *out, struct fleet *f, const struct fleet_matrix *mx,
		 const struct nvmx_baseline *b, const struct fleet_pools *pools,
		 const unsigned *rows, unsigned nrows);
/*
 * The same page under semantics qemu: cells[i * nrows + j] is 'Y' safe, 'c'
 * L1-visible change or '.' fails for -cpu spec started on rows[i] and
 * migrated to rows[j] (env[] per row); the reason of every cell that is not
 * safe is nvmx_qemu_migrate() run again, as check --cpu prints it.
 */
struct nvmx_qemu_env;
struct nvmx_qemu_cpu;
void report_html_qemu(FILE *out, struct fleet *f, const unsigned *rows, unsigned nrows,
		      const char *cells, const unsigned long long counts[3], const char *spec,
		      const struct nvmx_qemu_release *rel, const struct nvmx_qemu_env *env,
		      const struct nvmx_qemu_cpu *cpu);

/*
 * QEMU advice (cli/fleet_qemu.c): one named model and flags off that start
 * without filtering on every profile of profs[] and give L1 the same VMX
 * MSRs on all, verified by replaying QEMU release r on each; as -cpu or
 * as libvirt <cpu>.  fleet_qemu_model() does it for the whole fleet.
 */
struct nvmx_qemu_release;
struct nvmx_qemu_fleet_fit;
bool fleet_qemu_fit(struct fleet *f, const unsigned *profs, unsigned n,
		    const struct nvmx_qemu_release *r, bool libvirt, struct nvmx_qemu_fleet_fit *fit);
void fleet_qemu_advice(FILE *out, struct fleet *f, const unsigned *profs, unsigned n,
		       const struct nvmx_qemu_release *r, bool libvirt, const char *what);
void fleet_qemu_model(FILE *out, struct fleet *f, const struct nvmx_qemu_release *r, bool libvirt);
/* The same as a JSON object: {"semantics":"qemu","cpu":"MODEL-vN,vmx=on,...","verified":...}. */
void fleet_qemu_json(FILE *out, struct fleet *f, const unsigned *profs, unsigned n,
		     const struct nvmx_qemu_release *r);

#endif
