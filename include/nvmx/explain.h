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

/* ---- What to do about a difference that would make a probe fail ---- */

/* An outer hypervisor's entry standing for several bits (its verdict is one bit's, an example). */
bool nvmx_env_change_folded(const struct nvmx_env_change *c);
/*
 * The way back from difference c, as explain's "fix:" says it first ("give
 * the guest MPX (+mpx), ...; or QEMU 7.1 or later, ...", "load kvm_intel with
 * ept=1").  Into buf[0..n), truncated; returns the length it needs.
 */
size_t nvmx_env_change_fix(const struct nvmx_env_change *c, char *buf, size_t n);
/*
 * The -cpu flags that avoid what KVM refuses under c, for a write probe p:
 * "vmx-a=off,vmx-b=off", or "" (returns 0) when none help -- a feature
 * (QEMU drops it itself), a folded entry, a control an outer hypervisor
 * forces to 1 (QEMU already writes it 0).  Returns the length it needs.
 */
size_t nvmx_env_change_cpu_flags(const struct nvmx_env_change *c, const struct nvmx_probe *p, char *buf,
				 size_t n);

/* ---- A whole log (or the writes a user typed), as `nvmx explain` answers it ---- */

#define NVMX_EXPLAIN_MAX_WRITES 16	/* VMX writes in one answer */
#define NVMX_EXPLAIN_MAX_EVENTS 64	/* distinct QEMU lines in one log */
#define NVMX_EXPLAIN_LOG_MAX_CAUSES 256

/* A kvm_intel parameter as the user gave it: name[0..name_len) = value. */
struct nvmx_param_arg {
	const char *name;
	size_t name_len;
	const char *value;
};

/* What the user gave: the host, the VM, and a log or writes. */
struct nvmx_explain_request {
	/*
	 * Host (hyperv_evmcs included), the VM (cpuid_set, cpuid,
	 * pmu_version, quirks_disabled), vCPU state, policy, revoke_since.
	 * env.kernel is the release asked for, or NULL: the one the user's
	 * kernel (uname, else the log's) stands for.  env.params, env.qemu,
	 * env.user_kernel and the hints are the library's to fill.
	 */
	struct nvmx_env env;
	const struct nvmx_unknown *unknown;	/* a partial host's unknown bits, or NULL */
	const char *uname;			/* the user's kernel (uname -r), or NULL: the log's */
	const struct nvmx_param_arg *params;	/* applied on the release's defaults */
	unsigned nparams;
	const char *text;			/* the log, or NULL: the writes below */
	size_t len;
	uint32_t index[NVMX_EXPLAIN_MAX_WRITES];	/* writes given instead of a log */
	uint64_t value[NVMX_EXPLAIN_MAX_WRITES];
	unsigned nwrites;
};

enum nvmx_explain_status {
	NVMX_EXPLAIN_OK,
	NVMX_EXPLAIN_NO_EVENTS,		/* the log has no line nvmx reads */
	NVMX_EXPLAIN_TOO_MANY_EVENTS,	/* more distinct lines than NVMX_EXPLAIN_MAX_EVENTS (nevents: how many) */
	NVMX_EXPLAIN_TOO_MANY_WRITES,	/* more VMX writes than NVMX_EXPLAIN_MAX_WRITES */
	NVMX_EXPLAIN_BAD_UNAME,		/* request->uname is not a kernel release */
	NVMX_EXPLAIN_NO_KERNEL,		/* no release asked for, none follows from a kernel */
	NVMX_EXPLAIN_BAD_PARAM,		/* a parameter does not apply to the release (err says why) */
};

struct nvmx_log_explanation {
	enum nvmx_explain_status status;
	/* The user's kernel: request->uname, else the log's, or NULL (points into request or here). */
	const char *uname;
	bool uname_from_log;
	struct nvmx_kernel_match match;	/* nvmx_kernel_resolve(uname) */
	bool not_modelled;		/* older than every row, or a distribution's without a row */
	/* The release explained under: asked for, the uname's row (exact or nearest), the
	 * oldest row for a kernel older than them all, else the default. */
	const struct nvmx_kernel *kernel;
	bool kernel_asked;		/* request->env.kernel */
	bool kernel_nearest;		/* chosen as the uname's nearest row: an approximation */
	struct nvmx_report_hints hints;	/* what the log says (QEMU release, kernel, eVMCS, ...) */
	const char *qemu;		/* hints.qemu, or NULL when the log names none */
	struct nvmx_explain_env env;	/* where every write is explained */
	struct nvmx_kvm kvm;		/* KVM there: kvm.status, kvm.nested */
	/* The log's distinct lines, in order of first appearance. */
	size_t nevents;
	struct nvmx_event events[NVMX_EXPLAIN_MAX_EVENTS];
	/* The VMX writes (request's, or the log's NVMX_EV_SET_MSR in 0x480..0x493), explained. */
	unsigned nwrites;
	struct nvmx_explanation writes[NVMX_EXPLAIN_MAX_WRITES];
	unsigned line[NVMX_EXPLAIN_MAX_WRITES];	/* each write's log line, 0 for a given one */
	/* features[e] explains events[e] when it is an NVMX_EV_FEATURE. */
	struct nvmx_feature_explanation features[NVMX_EXPLAIN_MAX_EVENTS];
	bool assert_only;		/* QEMU's assertion without its "failed to set MSR" line */
	/* Every write accepted, and none depends on a partial host's unknown bits. */
	bool all_accepted;
	/* The answer's cause keys, each once: "kernel-not-modelled", each write's, "out-of-scope:0x..",
	 * each feature's, "assert-only". */
	unsigned ncauses;
	char causes[NVMX_EXPLAIN_LOG_MAX_CAUSES][NVMX_EXPLAIN_KEY];
	struct {
		struct nvmx_would_fail *lists[NVMX_EXPLAIN_MAX_WRITES + NVMX_EXPLAIN_MAX_EVENTS];
	} work;
};

/* A name for an MSR outside 0x480..0x493 QEMU often fails on ("IA32_UMWAIT_CONTROL"), or NULL. */
const char *nvmx_other_msr_name(uint32_t index);

/*
 * Explain a log excerpt (request->text) or the writes request gives, as
 * `nvmx explain` does: scan the log, take the user's kernel (request->uname,
 * else the log's) to pick the release when none is asked for and to rank,
 * apply the parameters, explain each VMX write and each feature warning in
 * the one environment, rank every difference across the whole log (one that
 * reproduces every failure first), and collect the cause keys.  Returns
 * out->status; anything but NVMX_EXPLAIN_OK also fills err (may be NULL).
 */
enum nvmx_explain_status nvmx_explain_log(struct nvmx_log_explanation *out,
					  const struct nvmx_explain_request *req, struct nvmx_error *err);

#endif
