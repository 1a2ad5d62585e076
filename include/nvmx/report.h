/* SPDX-License-Identifier: MIT */
/*
 * Reading a user's error report: the QEMU lines about VMX MSRs found in a
 * log excerpt (QEMU stderr, libvirt's "internal error: ..." message with its
 * escaped newlines, a KubeVirt event), and the explanation's vocabulary.
 * Pure: the caller hands in the text and the room for the results.
 */
#ifndef NVMX_REPORT_H
#define NVMX_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kvm.h"
#include "vcpu.h"

struct nvmx_qemu_release;

enum nvmx_event_kind {
	NVMX_EV_SET_MSR,	/* "failed to set MSR 0x48d to 0xff00000016" (any index) */
	NVMX_EV_ASSERT,		/* kvm_buf_set_msrs / kvm_put_msrs / kvm_init_msrs assertion */
	NVMX_EV_FEATURE,	/* "doesn't support requested feature: MSR(48DH).vmx-posted-intr [bit 7]" */
};

struct nvmx_event {
	enum nvmx_event_kind kind;
	unsigned line;		/* 1-based line of the first occurrence */
	unsigned count;		/* identical events folded into this one */
	uint32_t index;		/* SET_MSR, FEATURE: the MSR */
	uint64_t value;		/* SET_MSR */
	unsigned bit;		/* FEATURE: as QEMU prints it (control number for control MSRs) */
	bool tcg;		/* FEATURE: "TCG doesn't support" (no KVM involved) */
	char name[48];		/* FEATURE: "vmx-posted-intr", "" when unnamed; ASSERT: function */
};

/* What the excerpt says about the environment, when it says it. */
struct nvmx_report_hints {
	char qemu[16];		/* "4.2.1", from a build path or "QEMU emulator version" */
	char kernel[64];	/* "5.4.0-131-generic", from uname -a, "kernel: " or "with kernel " */
	/* Evidence for ranking what would reject a write (nvmx_would_fail): */
	bool evmcs;		/* the command line turns on eVMCS: hv-evmcs, hv-passthrough */
	bool hyperv;		/* KVM itself on Hyper-V: "Hyper-V", "WSL", "microsoft-standard", "Azure" */
	bool outer_vm;		/* KVM in another hypervisor's VM: VMware, VirtualBox, a cloud VM */
};

/*
 * Scan len bytes of text.  Fills up to max events in order of first
 * appearance and returns how many distinct events there are (which may
 * exceed max).  hints may be NULL.  Never reads past buf + len.
 */
size_t nvmx_report_scan(const char *buf, size_t len, struct nvmx_event *out, size_t max,
			struct nvmx_report_hints *hints);

/* ---- What would make it fail ------------------------------------------- */

/* Where a write or a feature query happens: host, release, parameters, vCPU. */
struct nvmx_env {
	struct nvmx_host host;		/* incl. hyperv_evmcs */
	const struct nvmx_kernel *kernel;
	struct nvmx_params params;	/* as given; nvmx_params_for() carries them */
	bool cpuid_set;			/* KVM_SET_CPUID2 happened */
	uint64_t cpuid;			/* its NVMX_FEAT() bits */
	unsigned pmu_version;
	uint32_t state;			/* enum nvmx_vcpu_state bits */
	uint64_t quirks_disabled;
	/* The restore rule (zero: strict); a revoke policy's list is computed per probe. */
	enum nvmx_policy policy;
	const struct nvmx_kernel *revoke_since;	/* NULL: every older release */
	/* The QEMU release the log names, or NULL: other releases are then tried. */
	const struct nvmx_qemu_release *qemu;
	/* What the user's inputs say, for ranking only (never for a verdict). */
	uint32_t user_kernel;		/* uname/log kernel as nvmx_kernel_version() encodes it, 0: none */
	bool hint_evmcs, hint_hyperv, hint_outer_vm;	/* as struct nvmx_report_hints */
};

/*
 * A write (QEMU's KVM_SET_MSRS of index = value on a fresh vCPU), or a
 * QEMU feature (bit `bit`, MSR layout, of MSR id in what KVM offers on
 * /dev/kvm -- what QEMU filters its vmx-* words against).
 */
struct nvmx_probe {
	bool feature;
	uint32_t index;
	uint64_t value;
	enum nvmx_msr_id id;
	unsigned bit;
};

/* Does the probe fail in env (write rejected / feature not offered)?  r: the verdict. */
bool nvmx_probe_fails(const struct nvmx_env *env, const struct nvmx_probe *p,
		      struct nvmx_kvm *scratch, struct nvmx_result *r);

enum nvmx_env_change_kind {
	NVMX_CH_STATE_EVMCS,	/* L1 enabled eVMCS: never produced on 5.10+ rows (reads only) */
	NVMX_CH_GUEST_NO_MPX,	/* the guest CPUID lacks MPX (-mpx) */
	NVMX_CH_GUEST_NO_WAITPKG,	/* the guest CPUID lacks WAITPKG (-waitpkg) */
	NVMX_CH_GUEST_NO_PMU,	/* the guest has no PMU (pmu=off) */
	NVMX_CH_PARAM,		/* a kvm_intel parameter flipped */
	NVMX_CH_STATE_HAS_RUN,	/* the vCPU already ran (a write after KVM_RUN) */
	NVMX_CH_HOST_HYPERV,	/* KVM itself runs on Hyper-V with eVMCS */
	NVMX_CH_HOST_HIDES,	/* an outer hypervisor hides a control/capability (hide_mask: each alone) */
	NVMX_CH_HOST_FORCES,	/* an outer hypervisor reports a control must-be-1 (hide_mask: each alone) */
	NVMX_CH_RELEASE,	/* another KVM release */
	NVMX_CH_QEMU_RELEASE,	/* another QEMU release writes another value (log names none) */
};

#define NVMX_ENV_MAX_RELEASES 256

struct nvmx_env_change {
	enum nvmx_env_change_kind kind;
	enum nvmx_param param;		/* PARAM */
	int64_t param_value;
	enum nvmx_msr_id hide_id;	/* HOST_HIDES, HOST_FORCES: the MSR and bit (MSR layout) */
	unsigned hide_bit;		/* the lowest bit of hide_mask */
	uint64_t hide_mask;		/* every bit that, hidden (forced) alone, rejects the probe */
	const struct nvmx_kernel *kernel;	/* RELEASE */
	const struct nvmx_qemu_release *qemu;	/* QEMU_RELEASE */
	uint64_t value;			/* QEMU_RELEASE: the value that release writes */
	struct nvmx_result r;		/* the verdict under the change */
	/* bit i % 64 of word i / 64: nvmx_kernel_at(i) passes under the change */
	uint64_t releases_ok[NVMX_ENV_MAX_RELEASES / 64];
	/* Ranking (nvmx_would_fail_rank): higher is likelier; why: enum nvmx_rank_why bits. */
	unsigned likelihood;
	uint32_t why;
};

/*
 * Why a difference ranks where it does (docs/nvmx.1, explain, "ranking"):
 * evidence in the user's inputs first, then a change reproducing every
 * failure of the log, then how common the difference is among users.
 */
enum nvmx_rank_why {
	NVMX_WHY_LOG_KERNEL = 1u << 0,	/* the log's/uname's kernel is of this release's series */
	NVMX_WHY_LOG_EVMCS = 1u << 1,	/* the command line turns on hv-evmcs (hv-passthrough) */
	NVMX_WHY_LOG_HYPERV = 1u << 2,	/* the inputs name Hyper-V/WSL/Azure */
	NVMX_WHY_LOG_OUTER_VM = 1u << 3,	/* the inputs name VMware/VirtualBox/a cloud VM */
	NVMX_WHY_VALUE = 1u << 4,	/* the value lacks a control every QEMU model sets */
	NVMX_WHY_ALL_EVENTS = 1u << 5,	/* reproduces every failure the log shows */
	NVMX_WHY_SAME_SERIES = 1u << 6,	/* a build of the series explained (stable, distribution) */
	NVMX_WHY_COMMON = 1u << 7,	/* a difference users commonly have (CPUID flag off, enable_apicv=0) */
	NVMX_WHY_OTHER_SERIES = 1u << 8,	/* another series: nearer releases first */
	NVMX_WHY_LOG_OTHER_KERNEL = 1u << 9,	/* against: the log's kernel is another series */
	NVMX_WHY_UNCOMMON = 1u << 10,	/* a setting few users change, or a rare situation */
	NVMX_WHY_UNSEEN = 1u << 11,	/* needs a setup nothing in the inputs shows (outer VM, Hyper-V, hv-evmcs) */
	NVMX_WHY_NO_QEMU = 1u << 12,	/* the log names no QEMU release: an old one is possible */
};

#define NVMX_MAX_ENV_CHANGES 96

struct nvmx_would_fail {
	unsigned n;			/* changes that make the probe fail, most likely first */
	unsigned tried;			/* changes evaluated */
	bool truncated;
	struct nvmx_env_change c[NVMX_MAX_ENV_CHANGES];
};

/*
 * Search the environment differences that make a probe fail which passes in
 * env: vCPU state (eVMCS, has-run), guest CPUID (no MPX, no PMU), every bool
 * kvm_intel parameter the release has, KVM on Hyper-V, an outer hypervisor
 * hiding one bit the probe relies on, and every release row.  Ordered most
 * likely first by nvmx_would_fail_rank().
 */
void nvmx_would_fail(struct nvmx_would_fail *out, const struct nvmx_env *env,
		     const struct nvmx_probe *p, struct nvmx_kvm *scratch);
/*
 * Order out by likelihood (the rules of enum nvmx_rank_why, scores in
 * likelihood), after folding the per-bit HOST_HIDES and HOST_FORCES entries
 * into one of each.  nvmx_would_fail() calls it; call it again after
 * changing env's hints.
 */
void nvmx_would_fail_rank(struct nvmx_would_fail *out, const struct nvmx_env *env);
/*
 * Across the probes of one log (n lists, each ranked): a change that
 * reproduces every probe's failure (the same release, parameter, guest
 * CPUID, vCPU state, QEMU, or an outer hypervisor hiding/forcing bits) gains
 * NVMX_WHY_ALL_EVENTS and each list is ordered again.  With fewer than two
 * non-empty lists nothing changes.
 */
void nvmx_would_fail_rank_across(struct nvmx_would_fail *const *lists, unsigned n);
/* The reasons of c->why, "; "-separated ("the log's kernel is of this series; ..."). */
size_t nvmx_env_change_why(const struct nvmx_env_change *c, char *buf, size_t n);
/* "state:evmcs", "guest-cpuid:-mpx", "param:enable_apicv=0", "host-hides:0x48d:39", "release:5.10". */
size_t nvmx_env_change_key(const struct nvmx_env_change *c, char *buf, size_t n);
/* "L1 enables the enlightened VMCS (hv-evmcs)", "kvm_intel enable_apicv=0", ... */
size_t nvmx_env_change_describe(const struct nvmx_env_change *c, char *buf, size_t n);

/*
 * Releases older than every row: what is known about them for this probe
 * (history that the rows start after).  Returns a sentence, or 0 when
 * nothing is known.  version: as nvmx_kernel_version() encodes it.
 */
size_t nvmx_prehistory_note(uint32_t version, const struct nvmx_probe *p, char *buf, size_t n);

#endif
