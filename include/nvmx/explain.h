/* SPDX-License-Identifier: MIT */
/*
 * One write QEMU (or a VMM) failed on, explained: the verdict on the vCPU
 * the caller describes, bit by bit against what KVM offers; when rejected,
 * what would make it pass (the vmx-...=off flags and the value QEMU then
 * writes, another release, one module parameter) and a hint; when
 * accepted, what difference would make it fail; on a partial host, whether
 * the unknown bits decide it; and the cause keys.  What `nvmx explain`
 * prints for each write.  Pure: the caller gives the room.
 */
#ifndef NVMX_EXPLAIN_H
#define NVMX_EXPLAIN_H

#include "partial.h"
#include "qemu.h"
#include "report.h"
#include "scenario.h"

/* Where the write happens, and what is known about the user's kernel. */
struct nvmx_explain_env {
	/*
	 * Host (its hyperv_evmcs included), release, parameters, the VM
	 * (CPUID, PMU, quirks), vCPU state, restore policy, and the QEMU
	 * release the log names (NULL: none named).
	 */
	struct nvmx_env env;
	const struct nvmx_unknown *unknown;	/* a partial host's unknown bits, or NULL */
	bool not_modelled;		/* env.user_kernel is older than every row (its history is noted) */
};

#define NVMX_EXPLAIN_MAX_CAUSES (NVMX_MAX_ENV_CHANGES + 4)
#define NVMX_EXPLAIN_KEY 128		/* room for one cause key */

struct nvmx_explanation {
	uint32_t index;
	uint64_t value;
	/* The verdict (ex.r) on the vCPU env describes, and the bits against KVM's offer. */
	struct nvmx_qemu_explain ex;
	/* The named QEMU models writing this value: "Skylake-Server Icelake-Server-v1,v2", or "". */
	char models[1024];
	/* Rejected: what makes it pass, each verified (nvmx_remedies). */
	const char *flags[NVMX_REMEDY_MAX_FLAGS];	/* vmx-* names to turn off */
	unsigned nflags;
	uint64_t unnamed_bits;		/* offending bits QEMU has no flag for */
	bool fixed_valid;		/* the flags cure every rule they address ... */
	uint64_t fixed;			/* ... and QEMU then writes this value, */
	bool fixed_ok;			/* ... which is accepted */
	const struct nvmx_kernel *releases[NVMX_REMEDY_MAX_RELEASES];	/* accepting it here */
	unsigned nreleases;
	struct nvmx_param_change params[2 * NVMX_P_COUNT];	/* one parameter that accepts it */
	unsigned nparams;
	const char *hint;		/* rejected: a sentence on the likely cause, or NULL */
	/* Accepted: the differences that would reject it, most likely first. */
	struct nvmx_would_fail wf;
	/* A partial host (env->unknown): the write asked of its completions. */
	bool partial_searched;
	bool partial_dep;		/* the unknown bits change the verdict */
	struct nvmx_partial_result pr;
	/* The log's QEMU widens 0x48b's allowed-1 bits from KVM's CPUID (4.2). */
	bool qemu_widens_ctls2;
	/* The user's kernel is older than every row: what is known (nvmx_prehistory_note), or "". */
	char before_oldest_row[1024];
	/* Cause keys ("rejected:ALLOWED1_ADDED", "param:enable_apicv=0", ...), each once. */
	unsigned ncauses;
	char causes[NVMX_EXPLAIN_MAX_CAUSES][NVMX_EXPLAIN_KEY];
	/* Room the search works in (not part of the answer). */
	struct {
		struct nvmx_scenario sc;
		struct nvmx_vcpu vcpu;
		struct nvmx_migration m;
		struct nvmx_remedies fx;
		struct nvmx_kvm kvm;
		struct nvmx_env alt;
		char key[4096];		/* one would-fail entry's key, folded bits and all */
	} work;
};

/*
 * Explain writing `value` to VMX capability MSR `index` (0x480..0x493) in
 * env: everything above, as `nvmx explain` prints it.  Returns the verdict's
 * rc (0 accepted).  A partial host's answer that depends on its unknown bits
 * is out->partial_dep, whatever the rc.
 */
int nvmx_explain_write(struct nvmx_explanation *out, const struct nvmx_explain_env *env,
		       uint32_t index, uint64_t value);
/*
 * The cause keys again from out's current would-fail order: after
 * nvmx_would_fail_rank_across() reorders the lists of one log's writes.
 */
void nvmx_explanation_causes(struct nvmx_explanation *out);

/*
 * QEMU's warning that KVM lacks a feature it asked for (an NVMX_EV_FEATURE
 * event: "MSR(48BH).vmx-... [bit n]"): is it offered in env, and if so, what
 * difference would hide it.
 */
struct nvmx_feature_explanation {
	bool tcg;			/* TCG's warning: no KVM involved */
	bool probed;			/* under KVM, a VMX capability bit nvmx models */
	struct nvmx_probe p;		/* that bit, MSR layout */
	bool offered;			/* KVM offers it here */
	struct nvmx_result r;		/* not offered: why */
	struct nvmx_would_fail wf;	/* offered: what would hide it, most likely first */
	/* Cause keys: "tcg", "not-offered" (also for a bit nvmx does not model), or the search's. */
	unsigned ncauses;
	char causes[NVMX_EXPLAIN_MAX_CAUSES][NVMX_EXPLAIN_KEY];
	struct {
		struct nvmx_kvm kvm;
		char key[4096];
	} work;
};

/* Explain one feature warning; returns out->offered. */
bool nvmx_explain_feature(struct nvmx_feature_explanation *out, const struct nvmx_explain_env *env,
			  const struct nvmx_event *ev);
/* Its cause keys again, after nvmx_would_fail_rank_across() reorders out->wf. */
void nvmx_feature_explanation_causes(struct nvmx_feature_explanation *out);

#endif
