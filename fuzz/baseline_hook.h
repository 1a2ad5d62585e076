/* SPDX-License-Identifier: MIT */
/*
 * Hook of the restore target for checks that involve fleets, called after
 * every operation with the KVM and the vCPU.  The fleet baseline invariant
 * itself (a baseline restores on every member, has no feature a member
 * lacks, does not depend on the order members are folded in) has its own
 * target, fuzz_baseline.c, over random small fleets; this hook stays for
 * per-vCPU fleet checks and checks nothing yet.
 */
#ifndef NVMX_FUZZ_BASELINE_HOOK_H
#define NVMX_FUZZ_BASELINE_HOOK_H

#include "nvmx/vcpu.h"

static inline void fuzz_baseline_hook(const struct nvmx_kvm *kvm, const struct nvmx_vcpu *vcpu)
{
	(void)kvm;
	(void)vcpu;
}

#endif
