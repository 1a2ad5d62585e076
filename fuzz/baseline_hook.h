/* SPDX-License-Identifier: MIT */
/*
 * Hook for the fleet baseline invariant (to come with the fleet work): called
 * by the restore target after every operation with the KVM and the vCPU.
 * Once a fleet baseline exists (the VMX MSR values every host of a fleet can
 * take), this is where to check that a vCPU restored from the baseline keeps
 * host reads inside it and that the baseline's values restore accepted on
 * each member host.  Until then it checks nothing.
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
