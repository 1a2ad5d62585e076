/* SPDX-License-Identifier: MIT */
/*
 * A straightforward reference for the benchmarks: what a first version of
 * these tools would do.  MSRs live in string-keyed tables looked up with
 * strcmp, the .msrs text is read with sscanf/strtoull, and the 6.1 write
 * check recomputes KVM's values (N) from the host for every write.  Only
 * KVM 6.1 with default parameters, a fresh vCPU without CPUID, strict policy.
 * bench.c checks that it agrees with libnvmx on every bundled dump before it
 * times anything.
 */
#ifndef NVMX_BENCH_REFERENCE_H
#define NVMX_BENCH_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REF_MAX_MSRS 24
#define REF_MAX_FLAGS 256

struct ref_msr {
	char name[40];
	uint64_t value;
};

struct ref_host {
	char vendor[16];
	unsigned family, model, stepping;
	unsigned nflags;
	char flags[REF_MAX_FLAGS][32];	/* cpuid.features words */
	unsigned nmsr;
	struct ref_msr msr[REF_MAX_MSRS];
};

/* KVM's nested MSRs as a name -> value table; loaded false when kvm_intel refuses. */
struct ref_caps {
	bool loaded;
	unsigned n;
	struct ref_msr msr[REF_MAX_MSRS];
};

struct ref_vcpu {
	const struct ref_host *host;
	struct ref_caps v;	/* the vCPU's values */
};

/* Parse .msrs text; 0 or -1. */
int ref_parse_text(const char *buf, size_t len, struct ref_host *out);
/* kvm_intel 6.1 loading with default parameters: N. */
void ref_derive_61(const struct ref_host *h, struct ref_caps *out);
/* Value of a named MSR in a table; false when absent. */
bool ref_caps_get(const struct ref_caps *c, const char *name, uint64_t *v);
/* SDM name of an MSR index 0x480..0x493, or NULL. */
const char *ref_msr_name(uint32_t index);
/* A fresh vCPU on host h (V = N). */
void ref_vcpu_init(struct ref_vcpu *v, const struct ref_host *h);
/* KVM_SET_MSRS of one MSR, checked as 6.1 does: 0, 1 or -EINVAL (-22). */
int ref_set_msr_61(struct ref_vcpu *v, uint32_t index, uint64_t data);

#endif
