/* SPDX-License-Identifier: MIT */
/*
 * QEMU's side of nested VMX, as data and pure functions: its vmx-* feature
 * words, its named Intel CPU models and their versions, how `-cpu` strings
 * change the words, its dependency pass, its filtering against what KVM
 * reports, the VMX MSR values it builds from the words and the order in
 * which it writes them -- and a replay of those writes against the restore
 * model (vcpu.h), a search for the vmx-...=off flags that make a VM start, and
 * an explanation of a single rejected write.
 *
 * Property names come from the catalogue (catalog.h: nvmx_field.qemu); this
 * module only knows which word and bit each catalogue field maps to.  Like
 * the rest of the core: no I/O, no allocation, no global state.
 */
#ifndef NVMX_QEMU_H
#define NVMX_QEMU_H

#include <stddef.h>
#include "kvm.h"
#include "vcpu.h"

/* ---- Feature words ---------------------------------------------------- */

/* QEMU's VMX feature words, each bound to one MSR (QEMU's FEAT_VMX_*). */
enum nvmx_qword {
	NVMX_QW_PINBASED,	/* FEAT_VMX_PINBASED_CTLS  -> 0x48D (control bits) */
	NVMX_QW_PROCBASED,	/* FEAT_VMX_PROCBASED_CTLS -> 0x48E (control bits) */
	NVMX_QW_SECONDARY,	/* FEAT_VMX_SECONDARY_CTLS -> 0x48B (control bits) */
	NVMX_QW_EXIT,		/* FEAT_VMX_EXIT_CTLS      -> 0x48F (control bits) */
	NVMX_QW_ENTRY,		/* FEAT_VMX_ENTRY_CTLS     -> 0x490 (control bits) */
	NVMX_QW_MISC,		/* FEAT_VMX_MISC           -> 0x485 (MSR bits) */
	NVMX_QW_EPT_VPID,	/* FEAT_VMX_EPT_VPID_CAPS  -> 0x48C (MSR bits) */
	NVMX_QW_BASIC,		/* FEAT_VMX_BASIC          -> 0x480 (MSR bits) */
	NVMX_QW_VMFUNC,		/* FEAT_VMX_VMFUNC         -> 0x491 (MSR bits) */
	NVMX_QW_COUNT
};

/* One value per word: bit n of a control word is control n (not n + 32). */
struct nvmx_qwords {
	uint64_t w[NVMX_QW_COUNT];
};

const char *nvmx_qword_name(enum nvmx_qword w);		/* "FEAT_VMX_PINBASED_CTLS" */
enum nvmx_msr_id nvmx_qword_msr(enum nvmx_qword w);	/* NVMX_TRUE_PINBASED ... */
/* The word bound to an MSR (0x480, 0x485, 0x48B..0x491), or -1. */
int nvmx_qword_of_msr(enum nvmx_msr_id id);
bool nvmx_qwords_empty(const struct nvmx_qwords *q);

/*
 * make_vmx_msr_value(): a control MSR from a 32-bit word F:
 * must-be-1 = default1 & ~F in bits 31:0, may-be-1 = F | default1 in 63:32.
 */
uint64_t nvmx_qemu_control_msr(enum nvmx_qword w, uint32_t features);
/* The reverse QEMU uses for what KVM supports: allowed-1 & ~allowed-0. */
uint32_t nvmx_qemu_control_supported(uint64_t msr_value);

/* ---- QEMU releases ---------------------------------------------------- */

/* QEMU's feature_dependencies[] entry between CPUID WAITPKG and the user-wait control. */
enum nvmx_qemu_waitpkg_dep {
	NVMX_QWAITPKG_NONE,	/* before 8.2: no entry (and no vmx-enable-user-wait-pause name) */
	NVMX_QWAITPKG_REVERSED,	/* 8.2 to 9.0: without the control, WAITPKG is cleared */
	NVMX_QWAITPKG_FORWARD,	/* 9.1 on: without WAITPKG, the control is cleared */
};

/*
 * One QEMU release as it matters here.  Every x.y from 4.2 to the newest
 * has a row (4.1 stands for every release before the vmx-* words); the
 * facts, and the QEMU commits they come from, are in docs/qemu.md.
 */
struct nvmx_qemu_release {
	const char *name;		/* "4.2" */
	const char *summary;		/* what changed for VMX in this release, or "" */
	bool vmx_words;			/* 4.2+: vmx-* words exist and are written */
	bool basic_guard;		/* 5.0+: no VMX MSRs when KVM's BASIC reads 0 */
	bool ctls2_workaround_always;	/* 4.2 only: 0x48B allowed-1 from KVM's CPUID even
					 * when KVM lists 0x48B itself */
	bool vmcs_enum_tsc;		/* 6.1+: VMCS_ENUM 0x32 with vmx-tsc-scaling */
	bool vmcs_enum_fred;		/* 9.2+: VMCS_ENUM 0x52 with guest FRED, 0x44 with
					 * vmx-exit-secondary-ctls */
	bool mpx_dep;			/* 7.1+: without CPUID MPX the BNDCFGS controls go */
	enum nvmx_qemu_waitpkg_dep waitpkg_dep;
	const char *assert_file;	/* where kvm_buf_set_msrs lives, as glibc prints it */
};

unsigned nvmx_qemu_release_count(void);
const struct nvmx_qemu_release *nvmx_qemu_release_at(unsigned i);	/* oldest first */
/* "9.2" or "9.2.1" (any patch release of a row); NULL when no row matches. */
const struct nvmx_qemu_release *nvmx_qemu_release_find(const char *name);
const struct nvmx_qemu_release *nvmx_qemu_release_default(void);	/* the newest */
/* Position in the table (oldest 0), for "from this release on" comparisons. */
unsigned nvmx_qemu_release_index(const struct nvmx_qemu_release *r);
/* Whether r is `since` or newer ("6.1"); false for an unknown `since`. */
bool nvmx_qemu_release_has(const struct nvmx_qemu_release *r, const char *since);
/* The release a vmx-* name first appeared in ("4.2", "6.0", ...), or NULL if none. */
const char *nvmx_qemu_name_since(const char *name);

/*
 * The word and bit of a catalogue field QEMU can name, and whether the
 * release has the name.  False for fields outside QEMU's words.
 */
bool nvmx_qemu_field_bit(const struct nvmx_field *f, enum nvmx_qword *w, unsigned *bit);
/* QEMU's name for bit `bit` of word w in release r, or NULL when unnamed. */
const char *nvmx_qemu_bit_name(const struct nvmx_qemu_release *r, enum nvmx_qword w,
			       unsigned bit);
/*
 * A vmx-* property of release r (case-insensitive; '_' reads as '-'): the
 * bits it sets or clears, in out.  One name may cover two bits (QEMU's
 * vmx-invept-single-context is EPT bit 25 and, by mistake, bit 41).
 */
bool nvmx_qemu_prop_lookup(const struct nvmx_qemu_release *r, const char *name, size_t len,
			   struct nvmx_qwords *out);

/*
 * CPUID features (host.h NVMX_F_*) as QEMU names and reports them:
 * "CPUID.01H:ECX.vmx [bit 5]" in warnings.
 */
int nvmx_qemu_cpuid_lookup(const char *name, size_t len);	/* -1 if not one nvmx reads */
size_t nvmx_qemu_cpuid_describe(enum nvmx_feature f, char *buf, size_t n);
/* "MSR(48DH).vmx-posted-intr [bit 7]", or "MSR(48CH) [bit 14]" for an unnamed bit. */
size_t nvmx_qemu_bit_describe(const struct nvmx_qemu_release *r, enum nvmx_qword w,
			      unsigned bit, char *buf, size_t n);

/* ---- Named CPU models ------------------------------------------------- */

/* What one -vN version adds on top of the previous one (cumulative). */
struct nvmx_qemu_version {
	uint8_t version;
	const char *since;		/* first QEMU release with this version ("5.1") */
	const char *alias;		/* "Haswell-noTSX", or NULL */
	uint64_t cpuid_on, cpuid_off;	/* NVMX_FEAT() bits it turns on / off */
	struct nvmx_qwords vmx_on;	/* vmx-* properties it turns on */
};

struct nvmx_qemu_model {
	const char *name;		/* "Skylake-Server" */
	const char *since;		/* first QEMU release with the model (v1) */
	const char *vendor;		/* CPUID vendor it reports; NULL: "GenuineIntel" */
	uint64_t cpuid;			/* v1 CPUID, the NVMX_FEAT() features nvmx reads */
	struct nvmx_qwords vmx;		/* v1 VMX words, as defined (before dependencies) */
	uint8_t nversions;		/* 1..n */
	const struct nvmx_qemu_version *versions;	/* [0] is v1; NULL when only v1 */
};

unsigned nvmx_qemu_model_count(void);
const struct nvmx_qemu_model *nvmx_qemu_model_at(unsigned i);
/*
 * "Skylake-Server", "Skylake-Server-v4" or an alias ("Haswell-noTSX") of
 * `len` characters.  *version: 1 for a bare name (QEMU's default version),
 * else the one asked for.  NULL when unknown or the version does not exist.
 */
const struct nvmx_qemu_model *nvmx_qemu_model_find(const char *name, size_t len,
						   unsigned *version);
/* Whether model m at version v exists in release r. */
bool nvmx_qemu_model_in(const struct nvmx_qemu_model *m, unsigned v,
			const struct nvmx_qemu_release *r);
/* The newest version of m in release r, 0 when r does not have the model. */
unsigned nvmx_qemu_model_versions(const struct nvmx_qemu_model *m,
				  const struct nvmx_qemu_release *r);
/* The words and CPUID of model m at version v (version props applied). */
void nvmx_qemu_model_resolve(const struct nvmx_qemu_model *m, unsigned v,
			     struct nvmx_qwords *vmx, uint64_t *cpuid);

/* ---- The -cpu string -------------------------------------------------- */

enum nvmx_qemu_cpu_kind { NVMX_QCPU_NAMED, NVMX_QCPU_HOST, NVMX_QCPU_MAX };

#define NVMX_QEMU_MAX_IGNORED 16

struct nvmx_qemu_cpu {
	enum nvmx_qemu_cpu_kind kind;
	const struct nvmx_qemu_model *model;	/* NVMX_QCPU_NAMED */
	unsigned version;
	/* feat=on|off in command-line order, last wins: which bits, what value */
	struct nvmx_qwords prop_mask, prop_val;
	uint64_t cpuid_prop_mask, cpuid_prop_val;
	/* +feat / -feat lists (applied after the properties, - after +) */
	struct nvmx_qwords plus, minus;
	uint64_t cpuid_plus, cpuid_minus;
	/*
	 * CPUID.7.1:EAX fred, which nvmx's feature set does not carry: only
	 * QEMU's VMCS_ENUM depends on it.  fred_prop: -1 unset, else the last
	 * fred=on|off; fred_plus / fred_minus: +fred / -fred.
	 */
	int fred_prop;
	bool fred_plus, fred_minus;
	bool enforce;			/* enforce=on: refuse the CPU when anything is filtered */
	bool check;			/* check=on (default): warn for filtered bits */
	bool migratable;		/* host/max: only named bits (default on) */
	bool force_features;		/* x-force-features=on: keep filtered bits */
	int pmu;			/* -1: the model's default (host/max on, named off) */
	bool ambiguous;			/* "+feat" and "feat=on" mixed for one feature */
	/* Options nvmx does not model (offsets into the parsed string). */
	unsigned nignored;
	struct { uint16_t off, len; } ignored[NVMX_QEMU_MAX_IGNORED];
};

/*
 * Parse "MODEL[,FLAG]..." as QEMU's -cpu does: FLAG is +feat, -feat,
 * feat=on|off (also true/false, yes/no), or a bare feat (= feat=on); feat is
 * a vmx-* property of release r or a CPUID flag.  enforce, check,
 * migratable, x-force-features and pmu are read; other options are recorded
 * in `ignored`.  Returns 0, or -1 with err (NVMX_E_ARG: an unknown model
 * or property, a bad value; err may be NULL).
 */
int nvmx_qemu_cpu_parse(struct nvmx_qemu_cpu *cpu, const struct nvmx_qemu_release *r,
			const char *spec, struct nvmx_error *err);

/* ---- What /dev/kvm tells QEMU ----------------------------------------- */

struct nvmx_qemu_host {
	bool kvm_ok;		/* /dev/kvm works (kvm_intel loaded) */
	bool feature_list;	/* KVM_GET_MSR_FEATURE_INDEX_LIST (Linux 4.17+) */
	struct nvmx_msrs feat;	/* the VMX MSRs it lists, system-wide values */
	bool ctls2_listed;	/* 0x48B in KVM_GET_MSR_INDEX_LIST */
	uint64_t cpuid;		/* KVM_GET_SUPPORTED_CPUID, as NVMX_FEAT() bits */
	unsigned pmu_version;	/* the PMU version a pmu=on guest gets */
	bool fred;		/* KVM offers CPUID FRED (no modelled KVM release does) */
};

/*
 * QEMU's view of KVM kvm on host h.  The feature MSRs and the index lists
 * are KVM's (nested=1: all of 0x480..0x491, values as KVM_GET_MSRS on
 * /dev/kvm returns them).  KVM's supported CPUID is approximated from the
 * host's flags: vmx iff nested=1, never smx, MPX and CET as KVM decides,
 * XSAVES/RDTSCP/INVPCID/WAITPKG only with their VMX controls (XSAVES, which
 * dumps do not record, whenever XSAVE and the XSAVES control are there), PKU
 * only with EPT, UMIP also when emulated, LAM from 6.8; a host without a
 * flag list counts as having every flag.
 */
void nvmx_qemu_host_from_kvm(struct nvmx_qemu_host *out, const struct nvmx_kvm *kvm,
			     const struct nvmx_host *h);

/* ---- The plan: words, filtering and the MSR writes --------------------- */

enum nvmx_qemu_stop {
	NVMX_QSTOP_NONE,
	NVMX_QSTOP_NO_KVM,		/* kvm_intel did not load: no accelerator */
	NVMX_QSTOP_ENFORCE,		/* enforce and something was filtered */
};

enum nvmx_qemu_skip {
	NVMX_QSKIP_NONE,		/* the VMX block is written */
	NVMX_QSKIP_QEMU_TOO_OLD,	/* QEMU < 4.2 writes no VMX MSR */
	NVMX_QSKIP_NO_VMX,		/* the guest CPUID has no vmx */
	NVMX_QSKIP_NO_FEATURE_LIST,	/* KVM has no feature-MSR list */
	NVMX_QSKIP_BASIC_ZERO,		/* KVM's BASIC reads 0 (nested=0) */
};

#define NVMX_QEMU_MAX_WRITES 12

struct nvmx_qemu_write {
	uint32_t index;			/* 0x48E, 0x48D, ... in QEMU's order */
	uint64_t value;
};

struct nvmx_qemu_plan {
	const struct nvmx_qemu_release *release;
	struct nvmx_qwords user;	/* bits the command line set (on or off) */
	struct nvmx_qwords dep_cleared;	/* cleared by the dependency pass */
	struct nvmx_qwords dep_warned;	/* ... of those, asked for by the user (warned) */
	struct nvmx_qwords requested;	/* after expansion and dependencies */
	struct nvmx_qwords supported;	/* what QEMU believes KVM supports */
	struct nvmx_qwords filtered;	/* requested, not supported: dropped (warned) */
	struct nvmx_qwords words;	/* what the MSR values are built from */
	uint64_t cpuid_requested, cpuid_filtered;
	uint64_t cpuid_dep_cleared, cpuid_dep_warned;	/* CPUID flags the dependency pass
							 * cleared (8.2-9.0: WAITPKG) */
	uint64_t cpuid;			/* the guest CPUID (features nvmx reads) */
	bool fred_requested, fred_filtered;
	bool fred;			/* the guest has CPUID FRED */
	unsigned pmu_version;		/* guest CPUID.0xA version, 0 = none */
	bool warn_filtered;		/* check=on or enforce: QEMU prints the filtered bits */
	enum nvmx_qemu_stop stop;
	enum nvmx_qemu_skip skip;
	unsigned nwrites;
	struct nvmx_qemu_write writes[NVMX_QEMU_MAX_WRITES];
};

/* Expand, resolve dependencies, filter, and build the writes. */
void nvmx_qemu_plan(struct nvmx_qemu_plan *out, const struct nvmx_qemu_cpu *cpu,
		    const struct nvmx_qemu_host *host, const struct nvmx_qemu_release *r);

/* ---- Replay against the restore model ---------------------------------- */

struct nvmx_qemu_replay {
	bool starts;		/* the CPU was created and every write was accepted */
	int first;		/* index of the first rejected write (what QEMU names), or -1 */
	unsigned nrejected;
	/*
	 * Each write's verdict.  KVM stops at the first rejected entry; the
	 * later ones are checked as if the rejected ones had been left out,
	 * so that every failing MSR is named.
	 */
	struct nvmx_result r[NVMX_QEMU_MAX_WRITES];
};

/* Write i of a replay, as qemu-check lists it. */
enum nvmx_qwrite_state {
	NVMX_QWRITE_ACCEPTED,
	NVMX_QWRITE_NOT_REACHED,	/* after the first rejected one, where KVM stops;
					 * accepted on its own */
	NVMX_QWRITE_REJECTED,		/* the first rejected write: the one QEMU names */
	NVMX_QWRITE_REJECTED_TOO,	/* a later write, rejected on its own as well */
};
enum nvmx_qwrite_state nvmx_qemu_write_state(const struct nvmx_qemu_replay *rep, unsigned i);

/* Everything a run needs besides the -cpu string. */
struct nvmx_qemu_env {
	const struct nvmx_kvm *kvm;
	const struct nvmx_qemu_host *host;
	const struct nvmx_qemu_release *release;
	bool cpuid_override;		/* KVM_SET_CPUID2 gets guest_cpuid, not the model's */
	uint64_t guest_cpuid;
};

/* A fresh vCPU as QEMU sets it up: KVM_CREATE_VCPU, then KVM_SET_CPUID2. */
void nvmx_qemu_vcpu(struct nvmx_vcpu *vcpu, const struct nvmx_qemu_env *env,
		    const struct nvmx_qemu_plan *plan);
/* Write the plan's MSRs, in order, to vcpu. */
void nvmx_qemu_replay(struct nvmx_qemu_replay *out, const struct nvmx_qemu_plan *plan,
		      struct nvmx_vcpu *vcpu);
/* Plan, fresh vCPU and replay in one; returns whether the VM starts. */
bool nvmx_qemu_run(const struct nvmx_qemu_env *env, const struct nvmx_qemu_cpu *cpu,
		   struct nvmx_qemu_plan *plan, struct nvmx_qemu_replay *rep);

/*
 * QEMU's own lines for a plan and its replay, one at a time: i = 0, 1, ...
 * until it returns 0.  Warnings (filtered and dependency-dropped bits), the
 * enforce error, and for a rejected write QEMU's error and assertion lines.
 */
size_t nvmx_qemu_message(const struct nvmx_qemu_plan *plan, const struct nvmx_qemu_replay *rep,
			 unsigned i, char *buf, size_t n);
/* "qemu-system-x86_64: error: failed to set MSR 0x48d to 0xff00000016" */
size_t nvmx_qemu_error_line(const struct nvmx_qemu_write *w, char *buf, size_t n);

/* ---- Making it start ---------------------------------------------------- */

#define NVMX_QEMU_MAX_FIX 64

enum nvmx_qemu_fix_kind {
	NVMX_QFIX_VMX_OFF,	/* vmx-foo=off */
	NVMX_QFIX_VMX_MINUS,	/* -vmx-foo (the user wrote +vmx-foo) */
	NVMX_QFIX_CPUID_OFF,	/* foo=off for a CPUID flag */
	NVMX_QFIX_CPUID_MINUS,	/* -foo */
};

struct nvmx_qemu_fix_item {
	enum nvmx_qemu_fix_kind kind;
	enum nvmx_qword word;	/* VMX kinds */
	uint64_t mask;		/* VMX kinds: the property's bits */
	int feature;		/* CPUID kinds: enum nvmx_feature */
	const char *name;	/* "vmx-posted-intr", "pku" */
};

struct nvmx_qemu_fix {
	bool needed;		/* the VM does not start as given */
	bool found;		/* items make it start (verified by a re-run) */
	unsigned n;
	struct nvmx_qemu_fix_item item[NVMX_QEMU_MAX_FIX];
	/* Why no flags help, when !found: the first write no flag can change. */
	struct nvmx_result blocker;
	bool blocker_set;
	unsigned runs;		/* pipeline runs the search took */
};

/* Apply fix items to a parsed -cpu, as if appended to the string. */
void nvmx_qemu_fix_apply(struct nvmx_qemu_cpu *cpu, const struct nvmx_qemu_fix_item *items,
			 unsigned n);
/* How a fix item is written in -cpu: "-NAME" for a feature QEMU only knows
 * as a minus flag, "NAME=off" otherwise; NUL-terminated in buf, returns buf. */
const char *nvmx_qemu_fix_item_str(const struct nvmx_qemu_fix_item *it, char *buf, size_t n);
/*
 * Find a short list of flags that makes the VM start: turn off what
 * enforce refused or what KVM rejected, re-run until it starts, then drop
 * every flag it still starts without.
 */
void nvmx_qemu_find_fix(struct nvmx_qemu_fix *out, const struct nvmx_qemu_env *env,
			const struct nvmx_qemu_cpu *cpu);

/* ---- Explaining one write ------------------------------------------------ */

struct nvmx_qemu_explain {
	enum nvmx_msr_id id;
	uint64_t value;
	struct nvmx_result r;	/* the write on a fresh vCPU (after KVM_SET_CPUID2) */
	bool offered_valid;
	bool against_vcpu;	/* 5.19 and older: checked against the vCPU's own values */
	uint64_t offered;	/* what the write is checked against: KVM's maximum (6.0+)
				 * or the vCPU's values (5.19 and older) */
	uint64_t added;		/* bits set that KVM does not offer (MSR layout) */
	uint64_t dropped;	/* bits KVM requires that are clear (MSR layout) */
	uint64_t differs;	/* multi-bit fields that differ (revision, sizes, rates) */
};

/*
 * The restore model's verdict on writing `value` to MSR `index` on a fresh
 * vCPU of kvm (CPUID features `cpuid`, or none set when cpuid_set is
 * false), and the bit-by-bit comparison with what KVM offers.
 */
void nvmx_qemu_explain(struct nvmx_qemu_explain *out, const struct nvmx_kvm *kvm,
		       bool cpuid_set, uint64_t cpuid, unsigned pmu_version,
		       uint32_t index, uint64_t value);
/*
 * The vmx-* flag turning off bit `bit` (MSR layout) of MSR id, in release
 * r: for a control MSR, bit 32+n and bit n are control n.  NULL when QEMU
 * has no name for it or does not write that MSR.
 */
const char *nvmx_qemu_flag_for_bit(const struct nvmx_qemu_release *r, enum nvmx_msr_id id,
				   unsigned bit);
/*
 * The value model m at version v writes to MSR id when nothing is filtered
 * and the guest has lm: exact for the control MSRs, VMCS_ENUM, CR0/CR4_FIXED0
 * and VMFUNC, the model part for BASIC, MISC and EPT_VPID_CAP (whose
 * host-copied fields are in *host_mask).  False when the model writes no
 * such MSR.
 */
bool nvmx_qemu_model_msr(const struct nvmx_qemu_model *m, unsigned v,
			 const struct nvmx_qemu_release *r, enum nvmx_msr_id id,
			 uint64_t *value, uint64_t *host_mask);

#endif
