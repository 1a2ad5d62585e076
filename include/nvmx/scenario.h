/* SPDX-License-Identifier: MIT */
/*
 * A scenario: one host under one KVM release (module parameters,
 * environment), a VM with its own properties, the state of its vCPU and the
 * restore policy -- built in one place, so that every question asked of a
 * "fresh vCPU of this VM on that host" (derive, restore, check, upgrade,
 * fleets) builds the vCPU the same way.  And the checks asked of two
 * scenarios: will the saved values of one restore on the other, and what
 * change would make them.
 */
#ifndef NVMX_SCENARIO_H
#define NVMX_SCENARIO_H

#include "migrate.h"
#include "qemu.h"

/*
 * What belongs to the VM rather than to a host: the same on both sides of a
 * migration (a VMM gives the VM the same CPUID wherever it runs).
 */
struct nvmx_vm {
	bool cpuid_set;			/* the VMM does KVM_SET_CPUID2 */
	uint64_t guest_features;	/* NVMX_FEAT() bits of the guest CPUID */
	unsigned pmu_version;		/* CPUID.0xA version, 0 = no leaf */
	uint64_t quirks_disabled;	/* KVM_CAP_DISABLE_QUIRKS2 mask */
	/*
	 * A QEMU VM: its -cpu (the same wherever it runs) and QEMU's release;
	 * NULL cpu for a VMM that writes back what it saved.  QEMU names the
	 * -cpu flags of the remedies (qemu NULL: the newest release).  With a
	 * cpu, cpuid_set means KVM_SET_CPUID2 gets guest_features instead of
	 * the model's CPUID.
	 */
	const struct nvmx_qemu_cpu *qemu_cpu;
	const struct nvmx_qemu_release *qemu;
};

struct nvmx_scenario {
	struct nvmx_host host;		/* the host with its environment applied */
	struct nvmx_params params;	/* as requested (nvmx_params_default + changes) */
	struct nvmx_kvm kvm;		/* what kvm_intel computed at load */
	struct nvmx_vm vm;
	uint32_t state;			/* enum nvmx_vcpu_state bits */
	enum nvmx_policy policy;
	const struct nvmx_kernel *revoke_since;	/* revoke list: releases from here on (NULL all) */
	bool has_revoke;		/* revoke holds the list of the current load */
	struct nvmx_revoke revoke;	/* filled by nvmx_scenario_vcpu for the revoke policies */
};

/*
 * Load release k on host h with params p (NULL: k's defaults); hyperv_evmcs
 * adds the environment "KVM runs on Hyper-V with enlightened VMCS" to the
 * host's own.  The VM starts without CPUID, state 0, strict policy.
 */
void nvmx_scenario_init(struct nvmx_scenario *s, const struct nvmx_host *h, bool hyperv_evmcs,
			const struct nvmx_kernel *k, const struct nvmx_params *p);
/* Load again after changing params (or for release k, carrying params over). */
void nvmx_scenario_reload(struct nvmx_scenario *s, const struct nvmx_kernel *k);
/* kvm_intel loaded with nested=1: the VM has VMX MSRs. */
bool nvmx_scenario_usable(const struct nvmx_scenario *s);
/*
 * A fresh vCPU of the VM: created, KVM_SET_CPUID2 if the VM has a CPUID,
 * state and policy set; for a revoke policy the list is computed into
 * s->revoke, which the vCPU points to (s must outlive it).
 */
void nvmx_scenario_vcpu(struct nvmx_scenario *s, struct nvmx_vcpu *v);
/*
 * For one scenario asked under several policies (fleets): compute the revoke
 * list once (empty when KVM does not load), then build vCPUs under `policy`
 * without recomputing it.  nvmx_scenario_vcpu(s, v) is these two with
 * s->policy.  The revoke policies need nvmx_scenario_revoke first.
 */
void nvmx_scenario_revoke(struct nvmx_scenario *s);
void nvmx_scenario_vcpu_as(const struct nvmx_scenario *s, struct nvmx_vcpu *v,
			   enum nvmx_policy policy);
/*
 * A QEMU VM (s->vm.qemu_cpu) on the scenario's host and KVM: what KVM
 * reports to QEMU there (*qh, which env points to) and the run's
 * environment; nvmx_qemu_run(env, s->vm.qemu_cpu, ...) starts it.
 */
void nvmx_scenario_qemu_env(const struct nvmx_scenario *s, struct nvmx_qemu_host *qh,
			    struct nvmx_qemu_env *env);
/* What a VMM saves from a fresh vCPU of the VM (KVM_GET_MSRS). */
void nvmx_scenario_save(struct nvmx_scenario *s, struct nvmx_msrs *saved);

/*
 * Live migration into dst: the saved values written in `order` (NULL: QEMU's)
 * into a fresh vCPU of dst, left in *v for what L1 reads afterwards.
 */
void nvmx_check(struct nvmx_migration *m, struct nvmx_vcpu *v, struct nvmx_scenario *dst,
		const struct nvmx_msrs *saved, const enum nvmx_msr_id *order, unsigned norder);

#define NVMX_REMEDY_MAX_RELEASES 128
#define NVMX_REMEDY_MAX_FLAGS 64
#define NVMX_REMEDY_MAX_VERSIONS 32

/*
 * Changes verified to make a failed migration work (saved values restored
 * on dst), or a QEMU VM start (dst->vm.qemu_cpu, no saved values), each on
 * its own.
 */
struct nvmx_remedies {
	/*
	 * Saved values: the vmx-...=off flags (QEMU's names in dst->vm.qemu)
	 * that clear the offending bits, each rejected write's bits until the
	 * values are accepted or a rejection no flag can cure.
	 */
	const char *qemu_off[NVMX_REMEDY_MAX_FLAGS];
	unsigned nqemu;
	bool unfixable;			/* an offending bit or rule no flag can clear */
	uint64_t unnamed[NVMX_MSR_COUNT];	/* offending bits QEMU has no flag for */
	bool qemu_off_sufficient;	/* the values QEMU then writes are accepted */
	/*
	 * The values a VM started with those flags off has: QEMU's own
	 * make_vmx_msr_value() for its control words (a default-1 control
	 * turned off becomes must-be-1), the bits cleared elsewhere.
	 */
	struct nvmx_msrs qemu_values;
	/*
	 * A QEMU VM: -cpu items that make it start (nvmx_qemu_find_fix,
	 * verified by a re-run), and the other versions of its named model
	 * that start as they are.
	 */
	struct nvmx_qemu_fix cpu_fix;
	unsigned versions[NVMX_REMEDY_MAX_VERSIONS];
	unsigned nversions;
	/*
	 * A QEMU VM's live migration (a source given, no saved values): the
	 * -cpu items for VMs started from now on that start on both sides and
	 * give L1 the same VMX MSRs there (nvmx_qemu_migrate_fix's, verified by
	 * a re-run); found with no items when it is safe already; when not
	 * found, stuck is an MSR id that still differs (or -1).
	 */
	struct nvmx_qemu_migrate_remedy {
		bool found;
		unsigned n;
		struct nvmx_qemu_fix_item item[NVMX_QEMU_MAX_FIX];
		int stuck;
	} migrate_fix;
	/* other releases on the destination host that accept the values (strict) or start the VM */
	const struct nvmx_kernel *releases[NVMX_REMEDY_MAX_RELEASES];
	unsigned nreleases;
	/*
	 * One module parameter changed on the destination that accepts them: a
	 * parameter given away from its default back at the default, or a
	 * boolean parameter flipped.
	 */
	struct nvmx_param_change { enum nvmx_param param; int64_t value; bool is_default; }
		params[2 * NVMX_P_COUNT];
	unsigned nparams;
	/*
	 * The revoke list (a proposal no released kernel implements): REVOKE_KEEP
	 * when it accepts the values under a strict destination, else STRICT.
	 * Saved values only.
	 */
	enum nvmx_policy policy;
	uint32_t revoked[NVMX_MSR_COUNT];	/* bits it would accept */
};

/* Which remedies to look for (each costs a check per candidate). */
enum {
	NVMX_REMEDY_QEMU = 1 << 0,	/* saved values: vmx-...=off; a QEMU VM: cpu_fix */
	NVMX_REMEDY_RELEASES = 1 << 1,
	NVMX_REMEDY_PARAMS = 1 << 2,
	NVMX_REMEDY_REVOKE = 1 << 3,
	NVMX_REMEDY_VERSIONS = 1 << 4,	/* a QEMU VM: other versions of its model */
	NVMX_REMEDY_ALL = 0x1f,
};

/*
 * What would make migration m (nvmx_check of saved into dst, in `order`)
 * work; or, with saved NULL (m, order unused), what would make the QEMU VM
 * dst->vm.qemu_cpu start on dst -- or, with a source src too, migrate
 * from src to dst as QEMU migrates it (the same -cpu started on both
 * sides): then only NVMX_REMEDY_QEMU applies (migrate_fix).  src is the
 * scenario the VM comes from (NULL: unknown, e.g. a saved file); saved
 * values carry what the search needs of it.  dst's revoke list may be
 * recomputed; nothing else changes.  The one search check (both
 * semantics), explain, upgrade and qemu-check take their fixes from.
 */
void nvmx_remedies(struct nvmx_remedies *out, unsigned what, const struct nvmx_scenario *src,
		   struct nvmx_scenario *dst, const struct nvmx_msrs *saved,
		   const struct nvmx_migration *m, const enum nvmx_msr_id *order, unsigned norder);

#endif
