/* SPDX-License-Identifier: MIT */
/*
 * One vCPU's VMX capability MSRs and every way userspace and L1 read and
 * write them: KVM_SET_CPUID2 adjustments, host-initiated KVM_SET_MSRS checked
 * with the release's exact rule, KVM_GET_MSRS, and L1's RDMSR (with the eVMCS
 * filter).  No allocation: the caller owns every struct.
 */
#ifndef NVMX_VCPU_H
#define NVMX_VCPU_H

#include "kvm.h"

/* KVM_X86_QUIRK_STUFF_FEATURE_MSRS (6.13+). */
#define NVMX_QUIRK_STUFF_FEATURE_MSRS (UINT64_C(1) << 8)

enum nvmx_policy {
	NVMX_POLICY_STRICT,		/* the release's own rule */
	NVMX_POLICY_REVOKE_KEEP,	/* revoked allowed-1 bits accepted, L1 still sees them */
	NVMX_POLICY_REVOKE_CLEAR,	/* accepted, hidden from L1 */
};

/* Release rows the library can hold (nvmx_kernel_count() <= this; a test checks). */
#define NVMX_MAX_KERNELS 256
/* The control MSRs a revoke list covers: TRUE_PINBASED, TRUE_PROCBASED, TRUE_EXIT,
 * TRUE_ENTRY, PROCBASED2 (nvmx_revoke_slot). */
#define NVMX_REVOKE_MSRS 5

/* Bits a release accepts back although it no longer offers them. */
struct nvmx_revoke {
	uint32_t hi[NVMX_MSR_COUNT];	/* allowed-1 bits per control MSR (hi half) */
	/* For each revocable MSR and bit: which releases (nvmx_kernel_at index, a
	 * bit each) offered it; read it with nvmx_revoke_offered_by(). */
	uint64_t offered_by[NVMX_REVOKE_MSRS][32][NVMX_MAX_KERNELS / 64];
};

/* Did release row `kernel` (an nvmx_kernel_at index) offer allowed-1 bit `bit` of id? */
bool nvmx_revoke_offered_by(const struct nvmx_revoke *r, enum nvmx_msr_id id, unsigned bit,
			    unsigned kernel);

enum nvmx_vcpu_state {
	NVMX_STATE_HAS_RUN = 1 << 0,	/* KVM_RUN happened */
	NVMX_STATE_VMXON = 1 << 1,	/* L1 in VMX operation (e.g. nested state loaded) */
	NVMX_STATE_GUEST_MODE = 1 << 2,	/* L2 active (implies VMXON) */
	NVMX_STATE_EVMCS = 1 << 3,	/* L1 enabled eVMCS (and has Hyper-V CPUID) */
	NVMX_STATE_EVMCS_PGC = 1 << 4,	/* ... advertising EVMCS1_PERF_GLOBAL_CTRL */
};

struct nvmx_vcpu {
	const struct nvmx_kvm *kvm;
	struct nvmx_caps v;		/* the vCPU's nested MSRs (V) */
	uint32_t state;			/* enum nvmx_vcpu_state bits */
	bool cpuid_set;
	uint64_t guest_features;	/* NVMX_FEAT() bits of the guest CPUID */
	unsigned pmu_version;		/* CPUID.0xA version, 0 = no leaf */
	uint64_t quirks_disabled;
	enum nvmx_policy policy;
	const struct nvmx_revoke *revoke;	/* for the revoke policies */
	uint32_t revoked_in_use[NVMX_MSR_COUNT];	/* bits accepted only via revoke */
};

enum nvmx_reason {
	NVMX_R_OK,
	NVMX_R_NO_KVM,		/* kvm_intel did not load: no vCPU */
	NVMX_R_NO_NESTED,	/* nested=0 */
	NVMX_R_NOT_VMX_MSR,	/* not one of 0x480..0x491 */
	NVMX_R_GUEST_WRITE,	/* WRMSR from L1: #GP */
	NVMX_R_NO_VMX_CPUID,	/* guest CPUID lacks VMX */
	NVMX_R_FROZEN,		/* changed after KVM_RUN (or while L2 runs) */
	NVMX_R_VMXON,		/* L1 is in VMX operation: -EBUSY */
	NVMX_R_READ_ONLY,	/* non-TRUE controls, CR0/CR4_FIXED1 */
	NVMX_R_MUST1_DROPPED,	/* control: a must-be-1 bit cleared */
	NVMX_R_ALLOWED1_ADDED,	/* control: an allowed-1 bit KVM does not offer */
	NVMX_R_BASIC_FEATURE,	/* BASIC feature/reserved bit not offered */
	NVMX_R_BASIC_ADDR32,	/* BASIC bit 48 */
	NVMX_R_BASIC_REVISION,	/* revision id differs */
	NVMX_R_BASIC_SIZE,	/* VMCS size smaller */
	NVMX_R_MISC_FEATURE,	/* MISC feature/reserved bit not offered */
	NVMX_R_MISC_TIMER_RATE,	/* preemption-timer rate differs while the timer is allowed */
	NVMX_R_MISC_CR3_COUNT,
	NVMX_R_MISC_MAX_MSR,
	NVMX_R_MISC_MSEG,
	NVMX_R_FIXED0_DROPPED,	/* CR0/CR4 must-be-1 bit cleared */
	NVMX_R_BITS_ADDED,	/* EPT_VPID_CAP / VMFUNC bit not offered */
};

struct nvmx_result {
	int rc;			/* 0, or what the kernel returns: 1, -EINVAL, -EBUSY */
	enum nvmx_reason reason;
	enum nvmx_msr_id msr;
	uint64_t bits;		/* offending bits, in the MSR's 64-bit layout */
	uint64_t wrote, allowed;	/* the field as written / as KVM allows */
	uint32_t revoked;	/* accepted allowed-1 bits from the revoke list */
};

/* A fresh vCPU (KVM_CREATE_VCPU + RESET); quirks: KVM_CAP_DISABLE_QUIRKS2 mask. */
void nvmx_vcpu_init(struct nvmx_vcpu *vcpu, const struct nvmx_kvm *kvm, uint64_t quirks_disabled);
/* KVM_SET_CPUID2 with these features and PMU version. */
void nvmx_vcpu_set_cpuid(struct nvmx_vcpu *vcpu, uint64_t features, unsigned pmu_version);
/* The vCPU's state (enum nvmx_vcpu_state bits), as a VMM sets it before restoring:
 * where the release cuts the vCPU's MSRs when L1 enables eVMCS (5.4), newly set
 * NVMX_STATE_EVMCS cuts them here. */
void nvmx_vcpu_set_state(struct nvmx_vcpu *vcpu, uint32_t state);
/* Host-initiated KVM_SET_MSRS of one MSR (index 0x480...). */
struct nvmx_result nvmx_vcpu_set_msr(struct nvmx_vcpu *vcpu, uint32_t index, uint64_t value);
/* KVM_GET_MSRS (guest=false) or L1's RDMSR (guest=true). rc != 0: fails / #GP. */
struct nvmx_result nvmx_vcpu_get_msr(const struct nvmx_vcpu *vcpu, uint32_t index, bool guest,
				     uint64_t *value);
/* The reason in words, naming the MSR and every offending bit. */
size_t nvmx_result_describe(const struct nvmx_result *r, char *buf, size_t n);
const char *nvmx_reason_name(enum nvmx_reason r);

/*
 * The revoke list of release `dest` on host h: allowed-1 bits of the control
 * MSRs that any older supported release (not older than `since`, NULL = all)
 * offered with the same parameters (p NULL: each release's defaults), and
 * dest does not.  Returns the number of bits.
 */
unsigned nvmx_revoke_compute(struct nvmx_revoke *out, const struct nvmx_host *h,
			     const struct nvmx_kernel *dest, const struct nvmx_params *p,
			     const struct nvmx_kernel *since);

/*
 * The revoke lists of many hosts together (`nvmx revoke-list`): list.hi
 * every bit some host's list holds, nvmx_revoke_offered_by(&u->list, ...)
 * the releases that offered it on a host whose list holds it; need the hosts
 * (by weight) whose list holds each bit, example the first of them (the
 * caller's string, kept as a pointer).  Init, then add each host's list.
 */
struct nvmx_revoke_union {
	struct nvmx_revoke list;
	unsigned bits;				/* distinct bits */
	unsigned long long hosts;		/* the weights added */
	unsigned long long need[NVMX_MSR_COUNT][32];
	const char *example[NVMX_MSR_COUNT][32];
};

void nvmx_revoke_union_init(struct nvmx_revoke_union *u);
void nvmx_revoke_union_add(struct nvmx_revoke_union *u, const struct nvmx_revoke *r, const char *name,
			   unsigned long long weight);

#endif
