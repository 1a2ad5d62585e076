/* SPDX-License-Identifier: MIT */
/*
 * Live migration of a vCPU's VMX capability MSRs: the values saved on the
 * source (KVM_GET_MSRS) written in a VMM's order into a fresh vCPU of the
 * destination KVM (KVM_SET_MSRS), each checked by the restore model.
 */
#ifndef NVMX_MIGRATE_H
#define NVMX_MIGRATE_H

#include "vcpu.h"

/* The MSRs a VMM saves and restores (KVM_GET_MSR_INDEX_LIST's VMX part). */
#define NVMX_RESTORABLE_COUNT 12
extern const enum nvmx_msr_id nvmx_order_qemu[NVMX_RESTORABLE_COUNT];
extern const enum nvmx_msr_id nvmx_order_ascending[NVMX_RESTORABLE_COUNT];
bool nvmx_msr_restorable(enum nvmx_msr_id id);

struct nvmx_write {
	enum nvmx_msr_id id;
	uint64_t value;
	struct nvmx_result r;
};

struct nvmx_migration {
	bool migratable;		/* every write accepted */
	int first_failure;		/* index in writes[], -1 if none: where a batch stops */
	unsigned nwrites;
	struct nvmx_write writes[NVMX_MSR_COUNT];
	uint32_t revoked[NVMX_MSR_COUNT];	/* bits accepted only through the revoke list */
};

/*
 * Write every MSR of `saved` that is in `order` (and present) into `dest`,
 * a vCPU the caller initialised (CPUID, policy, state).  Each write is
 * checked on its own, as KVM does per entry; a rejected write changes
 * nothing and the next one proceeds, so every failure is reported.
 */
void nvmx_migrate(struct nvmx_migration *out, struct nvmx_vcpu *dest, const struct nvmx_msrs *saved,
		  const enum nvmx_msr_id *order, unsigned norder);

/* What a VMM saves on the source: KVM_GET_MSRS of the restorable MSRs of vcpu. */
void nvmx_vcpu_save(const struct nvmx_vcpu *vcpu, struct nvmx_msrs *out);

#endif
