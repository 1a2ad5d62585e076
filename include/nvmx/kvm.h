/* SPDX-License-Identifier: MIT */
/*
 * The KVM model: kernel release profiles, module parameters, what
 * kvm_intel computes when it loads (vmcs_config, effective parameters) and
 * the nested VMX capability MSRs a fresh vCPU gets.
 */
#ifndef NVMX_KVM_H
#define NVMX_KVM_H

#include <stddef.h>
#include "catalog.h"
#include "host.h"
#include "error.h"

struct nvmx_kernel;	/* a release profile: lib/kernels.c */

unsigned nvmx_kernel_count(void);
const struct nvmx_kernel *nvmx_kernel_at(unsigned i);		/* oldest first */
const struct nvmx_kernel *nvmx_kernel_find(const char *name);	/* exact name */
const char *nvmx_kernel_name(const struct nvmx_kernel *k);
const char *nvmx_kernel_summary(const struct nvmx_kernel *k);
uint32_t nvmx_kernel_version(const struct nvmx_kernel *k);	/* major << 24 | minor << 16 | patch */
/* The newest upstream release: the row commands use when none is named. */
const struct nvmx_kernel *nvmx_kernel_default(void);
/* The upstream row of the lowest version: where the modelled range starts (5.4.210). */
const struct nvmx_kernel *nvmx_kernel_oldest(void);
/* Does L1 enabling eVMCS cut the vCPU's own MSRs on this release (5.4), so that a
 * restore after it can be refused? */
bool nvmx_kernel_evmcs_cuts_vcpu(const struct nvmx_kernel *k);
/*
 * Lineage: a released before b (release dates, not version numbers: 6.0.19
 * came out after 6.1).  The table is in this order.
 */
bool nvmx_kernel_older(const struct nvmx_kernel *a, const struct nvmx_kernel *b);
uint32_t nvmx_kernel_date(const struct nvmx_kernel *k);		/* YYYYMMDD */
/*
 * b follows a in a release history both belong to: the upstream mainline
 * releases (the rows plain "X.Y" names), a stable line (the upstream rows of
 * one series), or one distribution's releases (Debian 11 -> 12 -> 13 ->
 * unstable; Ubuntu 22.04 -> its HWE -> 24.04 -> its HWE kernels; RHEL 8.10 ->
 * 9.4 -> ... -> 10.0; Proxmox VE 8 -> 9.0 -> ...).  Rows of different
 * lineages follow nothing: the upgrade pairs of `nvmx upgrade --all`.
 */
bool nvmx_kernel_follows(const struct nvmx_kernel *a, const struct nvmx_kernel *b);
/* Distribution rows: "Debian 12 (bookworm)"; NULL for an upstream release. */
const char *nvmx_kernel_distro(const struct nvmx_kernel *k);
const char *nvmx_kernel_aliases(const struct nvmx_kernel *k);	/* space-separated, or NULL */
/* The distribution's own version ("6.1.192-3", "5.14.0-570.32.1.el9_6"), or NULL. */
const char *nvmx_kernel_release(const struct nvmx_kernel *k);
/* The row a distribution or stable row is derived from, and its changes. */
const struct nvmx_kernel *nvmx_kernel_base(const struct nvmx_kernel *k);
unsigned nvmx_kernel_change_count(const struct nvmx_kernel *k);
bool nvmx_kernel_change(const struct nvmx_kernel *k, unsigned i, const char **id,
			const char **title, const char **effect);
/* "conformance data", "kernel harness" or "read from tree"; and the tree. */
const char *nvmx_kernel_verified(const struct nvmx_kernel *k);
const char *nvmx_kernel_tree(const struct nvmx_kernel *k);
/*
 * The names users type, for every command: a row's name or alias
 * ("debian-12", "bookworm"), a plain version ("6.12.19", "6.10"), or a
 * `uname -r` string ("6.1.0-41-amd64", "6.12.48+deb13-amd64",
 * "6.8.0-45-generic", "5.14.0-570.32.1.el9_6.x86_64", "7.0.14-14-pve").
 */
enum nvmx_match {
	NVMX_MATCH_EXACT,		/* kernel is the row of that kernel */
	NVMX_MATCH_NEAREST,		/* kernel is the nearest row; may_differ says what may not hold */
	NVMX_MATCH_UNKNOWN,		/* not a name or version nvmx understands */
	NVMX_MATCH_TOO_OLD,		/* older than the oldest row (5.4, 4.18) */
	NVMX_MATCH_TOO_NEW,		/* a series newer than the newest row */
	NVMX_MATCH_NOT_MODELLED,	/* a distribution release without a row (RHEL 8.10) */
};

struct nvmx_kernel_match {
	enum nvmx_match how;
	const struct nvmx_kernel *kernel;	/* EXACT or NEAREST; NULL otherwise */
	uint32_t version;			/* the kernel version understood (KV encoding), or 0 */
	const char *distro;			/* the distribution the name says, or NULL */
	unsigned nmay;
	const char *may_differ[16];		/* changes the asked kernel may have or lack */
};

int nvmx_kernel_resolve(const char *asked, struct nvmx_kernel_match *m);	/* returns m->how */
/*
 * Why a name was refused (m from nvmx_kernel_resolve, how neither EXACT nor
 * NEAREST), in words: "kernel 4.19 is older than every modelled release (the
 * oldest is 5.10)".  Into buf[0..n), truncated; returns the length it needs.
 */
size_t nvmx_kernel_refusal(const struct nvmx_kernel_match *m, const char *asked, char *buf, size_t n);

/* Closest profile for a `uname -r` string ("6.1.0-18-amd64"), or NULL. */
const struct nvmx_kernel *nvmx_kernel_for_uname(const char *release);

/* kvm_intel module parameters (kernel names). */
enum nvmx_param {
	NVMX_P_NESTED, NVMX_P_EPT, NVMX_P_VPID, NVMX_P_UNRESTRICTED_GUEST,
	NVMX_P_EPTAD, NVMX_P_FLEXPRIORITY, NVMX_P_ENABLE_APICV, NVMX_P_ENABLE_IPIV,
	NVMX_P_PML, NVMX_P_PREEMPTION_TIMER, NVMX_P_SGX, NVMX_P_PT_MODE,
	NVMX_P_ERROR_ON_INCONSISTENT, NVMX_P_ENLIGHTENED_VMCS, NVMX_P_SHADOW_VMCS,
	NVMX_P_VNMI, NVMX_P_ENABLE_PMU, NVMX_P_CET, NVMX_P_MEDIATED_PMU,
	NVMX_P_PLE_GAP, NVMX_P_PLE_WINDOW, NVMX_P_PLE_WINDOW_GROW,
	NVMX_P_PLE_WINDOW_SHRINK, NVMX_P_PLE_WINDOW_MAX,
	NVMX_P_MBEC,		/* 7.2 and Proxmox 7.0.x: the MBEC series */
	NVMX_P_COUNT
};

struct nvmx_params {
	int64_t val[NVMX_P_COUNT];
	uint32_t given;		/* bit p: set explicitly */
};

const char *nvmx_param_name(enum nvmx_param p);
int nvmx_param_lookup(const char *name);				/* -1 if unknown */
bool nvmx_kernel_has_param(const struct nvmx_kernel *k, enum nvmx_param p);
void nvmx_params_default(const struct nvmx_kernel *k, struct nvmx_params *p);
/*
 * The same module parameters under another release: what `from` set
 * explicitly, where release k has that parameter; k's defaults otherwise.
 */
void nvmx_params_for(const struct nvmx_kernel *k, const struct nvmx_params *from,
		     struct nvmx_params *to);
/*
 * Set parameter NAME to VALUE (as sysfs or modprobe spells it) in p; 0, or -1
 * with err (NVMX_E_ARG: unknown name, not in release k, bad value; err may be NULL).
 */
int nvmx_params_set(const struct nvmx_kernel *k, struct nvmx_params *p,
		    const char *name, const char *value, struct nvmx_error *err);

/* KVM's sanitized host configuration (struct vmcs_config + vmx_capability). */
struct nvmx_vmcs_config {
	uint64_t basic;
	uint32_t pin, proc, proc2, exit, entry;
	uint64_t proc3;
	uint64_t misc;
	uint32_t ept, vpid;
};

/* The nested MSR state (struct nested_vmx_msrs): N system-wide, V per vCPU. */
struct nvmx_caps {
	uint32_t pin_lo, pin_hi, proc_lo, proc_hi, proc2_lo, proc2_hi;
	uint32_t exit_lo, exit_hi, entry_lo, entry_hi, misc_lo, misc_hi;
	uint64_t basic, cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1, vmcs_enum;
	uint32_t ept_caps, vpid_caps;
	uint64_t vmfunc;
};

enum nvmx_load_status {
	NVMX_LOAD_OK,
	NVMX_LOAD_NO_VMX,		/* CPUID lacks VMX / not an Intel-compatible VMX CPU */
	NVMX_LOAD_MISSING_CONTROLS,	/* a required control is not allowed-1 */
	NVMX_LOAD_BAD_BASIC,		/* VMCS size > 4 KiB, 32-bit addresses, memory type not WB */
	NVMX_LOAD_EPT_INCONSISTENT,	/* EPT caps without the EPT control */
	NVMX_LOAD_VPID_INCONSISTENT,	/* VPID caps without the VPID control */
	NVMX_LOAD_PAIR_INCONSISTENT,	/* VM-entry/VM-exit control pair half present */
	NVMX_LOAD_NO_NX,		/* no EPT and no NX */
	NVMX_LOAD_BAD_PT_MODE,		/* pt_mode not 0 or 1 */
};

/* Messages KVM prints while loading (kernel_log). */
#define NVMX_MAX_LOG 8
struct nvmx_log {
	unsigned n;
	struct { uint8_t code; uint8_t word; uint32_t bits; } ent[NVMX_MAX_LOG];
};

/* Everything kvm_intel computes at load time. */
struct nvmx_kvm {
	const struct nvmx_kernel *kernel;
	struct nvmx_params params;	/* effective, after clamping */
	enum nvmx_load_status status;
	int load_rc;			/* 0 or negative errno, as vmx_init returns */
	enum nvmx_word fail_word;	/* MISSING_CONTROLS / PAIR: which word */
	uint64_t fail_bits;		/* the missing required controls */
	struct nvmx_vmcs_config cfg;
	bool using_evmcs;		/* KVM uses eVMCS itself */
	bool nested;			/* nested=1 and loaded: caps valid */
	struct nvmx_caps caps;		/* N */
	uint64_t kvm_features;		/* KVM's supported CPUID, NVMX_FEAT() bits */
	uint64_t host_features;		/* the host's CPUID, as KVM saw it */
	bool mpx_supported;		/* kvm_mpx_supported(): host MPX and the BNDCFGS controls */
	struct nvmx_log log;
};

/* Model kvm_intel loading on host h with params p (NULL: defaults). */
void nvmx_kvm_load(struct nvmx_kvm *out, const struct nvmx_host *h,
		   const struct nvmx_kernel *k, const struct nvmx_params *p);

/* One MSR of a cap set as KVM_GET_MSRS returns it (non-TRUE adds default1). */
uint64_t nvmx_caps_read(const struct nvmx_caps *c, enum nvmx_msr_id id);
/* Fill m with every MSR the release reports, from caps c. */
void nvmx_caps_to_msrs(const struct nvmx_kernel *k, const struct nvmx_caps *c,
		       struct nvmx_msrs *m);

/* Human text for a failed load, naming missing controls; returns len. */
size_t nvmx_kvm_describe_failure(const struct nvmx_kvm *kvm, char *buf, size_t n);

#endif
