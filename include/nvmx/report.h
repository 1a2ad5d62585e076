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
	NVMX_CH_HOST_HIDES,	/* an outer hypervisor hides one control/capability */
	NVMX_CH_HOST_FORCES,	/* an outer hypervisor reports one control must-be-1 */
	NVMX_CH_RELEASE,	/* another KVM release */
	NVMX_CH_QEMU_RELEASE,	/* another QEMU release writes another value (log names none) */
};

#define NVMX_ENV_MAX_RELEASES 256

struct nvmx_env_change {
	enum nvmx_env_change_kind kind;
	enum nvmx_param param;		/* PARAM */
	int64_t param_value;
	enum nvmx_msr_id hide_id;	/* HOST_HIDES, HOST_FORCES: the MSR and bit (MSR layout) */
	unsigned hide_bit;
	const struct nvmx_kernel *kernel;	/* RELEASE */
	const struct nvmx_qemu_release *qemu;	/* QEMU_RELEASE */
	uint64_t value;			/* QEMU_RELEASE: the value that release writes */
	struct nvmx_result r;		/* the verdict under the change */
	/* bit i % 64 of word i / 64: nvmx_kernel_at(i) passes under the change */
	uint64_t releases_ok[NVMX_ENV_MAX_RELEASES / 64];
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
 * hiding one bit the probe relies on, and every release row.  Ordered as the
 * public reports show them most often: vCPU and guest-CPUID differences,
 * parameters, the host's environment, then releases (oldest first).
 */
void nvmx_would_fail(struct nvmx_would_fail *out, const struct nvmx_env *env,
		     const struct nvmx_probe *p, struct nvmx_kvm *scratch);
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
