/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the core's files. */
#ifndef NVMX_MODEL_H
#define NVMX_MODEL_H

#include "kernels.h"

/* nested_vmx_setup_ctls_msrs(): fill kvm->caps from kvm->cfg and the host. */
void nvmx_nested_setup(struct nvmx_kvm *kvm, const struct nvmx_host *h);

/* CPUID.1:EAX rebuilt from family/model/stepping (the host's processor signature). */
uint32_t nvmx_host_signature(const struct nvmx_host *h);

static inline bool str_equal(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

#endif
