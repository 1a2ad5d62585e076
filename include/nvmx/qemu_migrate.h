/* SPDX-License-Identifier: MIT */
/*
 * Live migration of a QEMU VM, as QEMU does it: the VMX capability MSRs are
 * not in QEMU's migration stream.  The destination QEMU starts with the same
 * -cpu and builds them again from the model, the vmx-* flags and what the
 * destination KVM offers (qemu.h), then writes them to fresh vCPUs before
 * the incoming state (and KVM_SET_NESTED_STATE) arrives.  So the questions
 * are: does that -cpu start on the destination, does L1 read the same VMX
 * MSRs there as on the source, and does the live vmcs12 still fit them.
 *
 * A VMM that saves the MSRs and writes them back (migrate.h, nvmx check
 * without --cpu) answers a different question; enum nvmx_semantics names
 * which one a verdict answers.  Pure: no I/O, no allocation.
 */
#ifndef NVMX_QEMU_MIGRATE_H
#define NVMX_QEMU_MIGRATE_H

#include "qemu.h"
#include "nested_state.h"
#include "partial.h"
#include "scenario.h"

/* Which migration a verdict is about. */
enum nvmx_semantics {
	NVMX_SEM_QEMU,		/* the destination rebuilds the MSRs from the VM's -cpu */
	NVMX_SEM_SAVED_MSRS,	/* the VMM writes back the values it saved on the source */
};
const char *nvmx_semantics_name(enum nvmx_semantics s);	/* "qemu", "saved-msrs" */
/* "qemu" or "saved-msrs" (case-insensitive); -1 when neither. */
int nvmx_semantics_parse(const char *s);

enum nvmx_qmig_verdict {
	NVMX_QMIG_SAFE,		/* starts, L1 reads the same MSRs, the vmcs12 fits */
	NVMX_QMIG_CHANGE,	/* starts, but L1's VMX MSRs change under it */
	NVMX_QMIG_FAILS,	/* the destination QEMU does not start, or the nested state
				 * does not restore / the next VM entry fails */
};
const char *nvmx_qmig_verdict_name(enum nvmx_qmig_verdict v);	/* "safe", "l1-visible-change", "fails" */

/* The VMX MSRs L1 can read (0x480..0x493) and what each side gives it. */
struct nvmx_qmig_side {
	struct nvmx_qemu_plan plan;
	struct nvmx_qemu_replay rep;
	bool starts;
	struct nvmx_vcpu vcpu;		/* after QEMU's writes */
	struct nvmx_msrs l1;		/* what L1's RDMSR returns (absent: #GP) */
};

struct nvmx_qemu_migration {
	enum nvmx_qmig_verdict verdict;
	struct nvmx_qmig_side src, dst;
	/* L1-visible changes, per MSR: bits set on one side only. */
	uint64_t gone[NVMX_MSR_COUNT];		/* set on the source, clear on the destination */
	uint64_t appeared[NVMX_MSR_COUNT];	/* clear on the source, set on the destination */
	uint32_t presence_changed;		/* MSRs L1 can read on one side only (bit = id) */
	/* Guest CPUID flags (NVMX_FEAT) QEMU gives on one side only; losing vmx fails. */
	uint64_t cpuid_gone, cpuid_appeared;
	unsigned nchanged;			/* MSRs with any change */
	/* With a nested state: its vmcs12 against the destination vCPU's MSRs. */
	bool nested;
	struct nvmx_ns_check ns;
};

/*
 * Start cpu on src (it must start there for the question to make sense:
 * src.starts says), start the same cpu on dst, compare what L1 reads, and
 * check ns (NULL: none) against the destination vCPU.  Both environments
 * use the same QEMU release (the VM's machine keeps its -cpu meaning).
 */
void nvmx_qemu_migrate(struct nvmx_qemu_migration *out, const struct nvmx_qemu_env *src,
		       const struct nvmx_qemu_env *dst, const struct nvmx_qemu_cpu *cpu,
		       const struct nvmx_nested_state *ns);

/*
 * Flags for VMs started from now on: vmx-*=off (or -flag) items that make
 * the same -cpu start on both sides with identical L1-visible VMX MSRs,
 * found by removing what one side lacks and verified by a re-run of
 * nvmx_qemu_migrate, which `check` holds.  A running L1's vmcs12 was made
 * under the old -cpu, so the search does not use ns: the flags are for VMs
 * started from now on.
 */
struct nvmx_qmig_fix {
	bool found;		/* check.verdict is SAFE with the items applied */
	unsigned n;
	struct nvmx_qemu_fix_item item[NVMX_QEMU_MAX_FIX];
	struct nvmx_qemu_migration check;	/* the re-run with the items */
	/* What no vmx-* flag can remove, when !found: one MSR id that still differs, or -1. */
	int stuck;
};
void nvmx_qemu_migrate_fix(struct nvmx_qmig_fix *out, const struct nvmx_qemu_env *src,
			   const struct nvmx_qemu_env *dst, const struct nvmx_qemu_cpu *cpu,
			   const struct nvmx_nested_state *ns);

/* ---- One -cpu for a pool of hosts --------------------------------------- */

/*
 * A named model and a list of -cpu flags (vmx-*=off, CPUID flags off) that,
 * replayed with QEMU release r on every environment (one per unique host
 * profile: host, KVM release, parameters), starts everywhere without QEMU
 * filtering anything and gives L1 the same VMX MSRs everywhere -- so VMs
 * started with it migrate across the pool unchanged.  Every model version
 * the release has is tried (with libvirt_only, those libvirt can name: v1
 * or an alias; with vendor, models reporting that CPUID vendor); the one
 * turning off the fewest CPUID flags, then keeping the most vmx-*
 * features, wins.
 */
struct nvmx_qemu_fleet_fit {
	bool found;
	const struct nvmx_qemu_model *model;
	unsigned version;
	const char *alias;		/* the version's alias, or NULL */
	unsigned n;
	struct nvmx_qemu_fix_item item[NVMX_QEMU_MAX_FIX];
	unsigned kept;			/* vmx-* feature bits the guest keeps */
	unsigned cpuid_off;		/* CPUID flags among the items */
	unsigned tried;			/* model versions tried */
	unsigned replays;		/* QEMU replays run (each environment, each round) */
	struct nvmx_msrs l1;		/* what L1 reads, the same on every environment */
	/* When !found, for the best candidate: the MSR that still differs (-1: it does not
	 * start somewhere) and the environment where. */
	int stuck_msr;
	unsigned stuck_env;
};
void nvmx_qemu_fleet_fit(struct nvmx_qemu_fleet_fit *out, const struct nvmx_qemu_env *envs,
			 unsigned nenv, const struct nvmx_qemu_release *r, bool libvirt_only,
			 const char *vendor);

/*
 * What QEMU can give L1 on one environment: the VMX MSRs L1 reads under
 * -cpu max (every vmx-* feature and CPUID flag this QEMU names and the KVM
 * supports), the most any -cpu gets there.  Pools under the qemu semantics
 * merge these, not the KVM offers.  False when no VM with VMX starts there
 * (no KVM, nested=0, or the release writes no VMX MSRs).
 */
bool nvmx_qemu_offer(struct nvmx_msrs *out, const struct nvmx_qemu_env *env);

/* ---- qemu-check: does it start here, could it move there ---------------- */

/* Why no VMX MSR is written ("qemu-too-old", "no-vmx", ...; NULL for NONE). */
const char *nvmx_qemu_skip_name(enum nvmx_qemu_skip s);
/*
 * The same in words, for a plan run under kvm (whether KVM dropped vmx, and
 * why, or the -cpu left it off); NULL for NVMX_QSKIP_NONE.
 */
const char *nvmx_qemu_skip_text(const struct nvmx_qemu_plan *p, const struct nvmx_kvm *kvm);
/* "SPEC,item,item..." (the -cpu with fix items appended), NUL-terminated; returns the length. */
size_t nvmx_qemu_fix_cpu_str(const char *spec, const struct nvmx_qemu_fix_item *items, unsigned n,
			     char *buf, size_t size);

enum nvmx_qstart_verdict {
	NVMX_QSTART_STARTS,	/* every write accepted (on every completion of a partial host) */
	NVMX_QSTART_NOT_PROVEN,	/* starts as given, not on some completion of the unknown bits */
	NVMX_QSTART_NO_KVM,	/* kvm_intel does not load: no accelerator */
	NVMX_QSTART_ENFORCE,	/* enforce refuses the CPU before any MSR is written */
	NVMX_QSTART_REJECTED,	/* KVM rejects a write, QEMU aborts */
};

/*
 * A QEMU VM started on one host: the scenario's -cpu (sc->vm.qemu_cpu, its
 * release sc->vm.qemu) run there, the verdict, QEMU's lines and what would
 * make it start.  env points into the struct (do not copy it).
 */
struct nvmx_qemu_start {
	struct nvmx_qemu_host qh;
	struct nvmx_qemu_env env;
	struct nvmx_qemu_plan plan;
	struct nvmx_qemu_replay rep;
	bool starts;			/* as given (a partial host: on its assumption) */
	enum nvmx_qstart_verdict verdict;
	uint64_t guest_cpuid;		/* what KVM_SET_CPUID2 gets */
	bool guest_vmx;			/* QEMU's guest CPU has vmx (not dropped, not left off) */
	/* QEMU's lines (nvmx_qemu_message): the first nwarnings are warnings, the rest
	 * the final error lines. */
	unsigned nmessages, nwarnings;
	/* A partial host where it starts as given: the search over its completions. */
	bool partial;
	struct nvmx_partial_result pr;
	/* nvmx_remedies(QEMU | VERSIONS): fx.cpu_fix.needed when it does not start. */
	struct nvmx_remedies fx;
	bool fix_drops_vmx;		/* the fix turns the guest's vmx off */
	bool hint_nested;		/* kvm_intel loaded with nested=0: nested=1 gives VMX */
	/* work space of the partial search */
	struct { const struct nvmx_scenario *from; struct nvmx_scenario sc;
		 struct nvmx_qemu_host qh; struct nvmx_qemu_plan plan;
		 struct nvmx_qemu_replay rep; } work;
};

/*
 * Start sc's QEMU VM on sc's host; u (NULL: none) the bits a partial host
 * leaves unknown: "starts" then holds only if it does on every completion.
 */
void nvmx_qemu_start(struct nvmx_qemu_start *out, struct nvmx_scenario *sc,
		     const struct nvmx_unknown *u);

/*
 * Could the VM of nvmx_qemu_start (on scenario src_sc) live-migrate to host
 * h under release k, with src_sc's parameters carried over and
 * hyperv_evmcs added to h's environment?  Both semantics are asked; sem
 * picks the one `migratable` answers.  usrc, udst (NULL: none): what partial
 * inputs leave unknown of src_sc's host and of h; same: they are one input.
 * out->env points into the struct.
 */
struct nvmx_qemu_dest {
	struct nvmx_scenario sc;	/* the destination, the same VM */
	struct nvmx_qemu_host qh;
	struct nvmx_qemu_env env;
	enum nvmx_semantics sem;
	/*
	 * Under sem, on every completion of a partial input (where the VM
	 * starts on the source); never when it does not start on the source.
	 */
	bool migratable;
	/* saved-msrs: the source's writes, in QEMU's order, on a fresh vCPU there */
	struct nvmx_result r[NVMX_QEMU_MAX_WRITES];
	unsigned rejected;		/* at least 1 when kvm_intel does not load there */
	/* qemu: the same -cpu started there (mig.dst), and what L1 reads */
	struct nvmx_qemu_migration mig;
	bool same_values;		/* QEMU there writes the source's values, in order */
	/*
	 * A partial input: partial says one leaves bits unknown; when the
	 * answer holds as given, pr is the search over the completions and
	 * not_proven says some completion breaks it (two_sides: two inputs,
	 * both partial).
	 */
	bool partial, not_proven, two_sides;
	struct nvmx_partial_result pr;
	/* work space of the partial search */
	struct { const struct nvmx_scenario *from; struct nvmx_scenario sc[2];
		 struct nvmx_qemu_host qh[2]; struct nvmx_qemu_plan plan;
		 struct nvmx_qemu_replay rep; struct nvmx_qemu_migration m;
		 struct nvmx_result r[NVMX_QEMU_MAX_WRITES]; } work;
};
void nvmx_qemu_dest(struct nvmx_qemu_dest *out, const struct nvmx_qemu_start *src,
		    const struct nvmx_scenario *src_sc, const struct nvmx_host *h, bool hyperv_evmcs,
		    const struct nvmx_kernel *k, enum nvmx_semantics sem,
		    const struct nvmx_unknown *usrc, const struct nvmx_unknown *udst, bool same);

/* ---- check --cpu: the same QEMU VM moved from one scenario to another ---- */

/* Why a qemu-semantics verdict is "fails" (bits of nvmx_qemu_move.why). */
enum {
	NVMX_QMOVE_SRC_NO_START = 1 << 0,	/* the -cpu does not start on the source */
	NVMX_QMOVE_DST_NO_START = 1 << 1,	/* the destination QEMU refuses or aborts */
	NVMX_QMOVE_VMX_LOST = 1 << 2,		/* QEMU there drops the guest's vmx */
	NVMX_QMOVE_VMCS12 = 1 << 3,		/* the live vmcs12 uses controls dst lacks */
};

struct nvmx_qemu_move {
	struct nvmx_qemu_host sqh, dqh;
	struct nvmx_qemu_env senv, denv;	/* point into the struct */
	enum nvmx_semantics sem;
	struct nvmx_qemu_migration m;	/* qemu: the same -cpu started on both sides */
	/* saved-msrs: the source vCPU's values written, in QEMU's order, to the
	 * destination's fresh vCPU as QEMU creates it (same CPUID) */
	struct nvmx_migration sm;
	unsigned why;			/* NVMX_QMOVE_* when m.verdict is FAILS */
	/*
	 * The answer: safe (qemu) or migratable with a source that starts
	 * (saved-msrs), and, on a partial side, so on every completion of its
	 * unknown bits (not_proven otherwise).
	 */
	bool ok;
	bool partial;			/* a side leaves bits unknown (pr: the search, if asked) */
	bool not_proven, two_sides;	/* two_sides: two inputs, both partial */
	struct nvmx_partial_result pr;
	/* qemu: flags for VMs started from now on, when the verdict is not safe
	 * (nvmx_remedies' migrate_fix) */
	struct nvmx_qemu_migrate_remedy fix;
	/* work space of the partial search and of the remedy search */
	struct { const struct nvmx_scenario *from[2]; const struct nvmx_nested_state *ns;
		 struct nvmx_scenario sc[2]; struct nvmx_qemu_host qh[2];
		 struct nvmx_qemu_migration m; struct nvmx_vcpu v; struct nvmx_migration sm;
		 struct nvmx_msrs saved; struct nvmx_remedies fx; } work;
};

/*
 * nvmx check --cpu: the QEMU VM src->vm.qemu_cpu (dst's VM is the same)
 * moved from src to dst under semantics sem, with ns (NULL: none) its
 * nested state.  usrc, udst (NULL: none): what partial inputs leave
 * unknown; same: src and dst are one input (one completion for both).
 */
void nvmx_qemu_move(struct nvmx_qemu_move *out, const struct nvmx_scenario *src,
		    const struct nvmx_scenario *dst, enum nvmx_semantics sem,
		    const struct nvmx_nested_state *ns, const struct nvmx_unknown *usrc,
		    const struct nvmx_unknown *udst, bool same);

#endif
