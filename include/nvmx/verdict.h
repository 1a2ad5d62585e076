/* SPDX-License-Identifier: MIT */
/*
 * Whole-VM verdicts at fleet scale: a destination vCPU compiled once into
 * the masks and fields its restore checks read, then any saved set checked
 * against it with a few masked compares.  The answer is exactly
 * nvmx_migrate(...).migratable on a copy of that vCPU -- no reasons, no
 * final values; ask nvmx_migrate for those.
 */
#ifndef NVMX_VERDICT_H
#define NVMX_VERDICT_H

#include "migrate.h"

#define NVMX_TARGET_MAX_ORDER 64

struct nvmx_target {
	/* Per MSR written: accepted only if (value & mask) == want. */
	uint64_t mask[NVMX_MSR_COUNT], want[NVMX_MSR_COUNT];
	uint32_t ids;			/* the MSRs the order writes */
	uint32_t pin_first;		/* TRUE_PINBASED's bit when it is written before MISC */
	/* The range rules: BASIC's VMCS size at least, MISC's counts at most. */
	uint32_t basic_size_min, misc_cr3_max, misc_msrs_max;
	/* MISC's timer rate must equal timer_rate while the vCPU may use the timer. */
	uint32_t timer_rate;
	bool timer_initially;		/* the vCPU's PINBASED allows the timer before any write */
	/*
	 * A vCPU that ran (or runs L2) or an order that writes an MSR twice:
	 * the verdict is the full restore model on a copy of `vcpu`.
	 */
	bool slow;
	struct nvmx_vcpu vcpu;
	enum nvmx_msr_id order[NVMX_TARGET_MAX_ORDER];
	unsigned norder;
};

/*
 * Compile the writes of `order` (NULL: QEMU's; at most NVMX_TARGET_MAX_ORDER
 * entries) into vcpu: its KVM, CPUID, state, policy and revoke list as they
 * are now.  vcpu->kvm (and the revoke list) must outlive t.
 */
void nvmx_target_compile(struct nvmx_target *t, const struct nvmx_vcpu *vcpu,
			 const enum nvmx_msr_id *order, unsigned norder);
/* Would every write of `saved` be accepted: nvmx_migrate's `migratable`. */
bool nvmx_target_check(const struct nvmx_target *t, const struct nvmx_msrs *saved);

#endif
