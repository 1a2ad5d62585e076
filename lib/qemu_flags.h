/* SPDX-License-Identifier: MIT */
/*
 * Inside the library: turning VMX MSR bits into the -cpu flags that remove
 * them, shared by the migration fix (qemu_migrate.c) and the fleet model
 * (qemu_fleet.c).
 */
#ifndef NVMX_QEMU_FLAGS_H
#define NVMX_QEMU_FLAGS_H

#include "nvmx/qemu.h"

/* Append it to items[*n] unless a flag of that name is there; true when added. */
bool nvmx__qemu_flag_add(struct nvmx_qemu_fix_item *items, unsigned *n,
			 const struct nvmx_qemu_fix_item *it);
/*
 * The vmx-* flags (=off, or -flag when cpu has +flag) that clear `bits` (MSR
 * layout: allowed-1 halves of control MSRs, feature bits of the others) of
 * MSR id, a non-TRUE control MSR standing for its TRUE twin.  Bits QEMU has
 * no name for are skipped.  True when a flag was added.
 */
bool nvmx__qemu_flags_for_bits(const struct nvmx_qemu_release *r, const struct nvmx_qemu_cpu *cpu,
			       enum nvmx_msr_id id, uint64_t bits, struct nvmx_qemu_fix_item *items,
			       unsigned *n);
/* cpu with items applied (copy). */
void nvmx__qemu_cpu_with(struct nvmx_qemu_cpu *out, const struct nvmx_qemu_cpu *cpu,
			 const struct nvmx_qemu_fix_item *items, unsigned n, int skip);

#endif
