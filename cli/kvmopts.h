/* SPDX-License-Identifier: MIT */
/* Options naming a KVM: --kvm, --param, --hyperv-evmcs (shared by commands). */
#ifndef NVMX_KVMOPTS_H
#define NVMX_KVMOPTS_H

#include "cli.h"
#include "opts.h"

struct kvm_opts {
	const struct nvmx_kernel *kernel;
	struct nvmx_params params;
	bool hyperv_evmcs;
	const char *param_args[64];	/* NAME=VALUE, applied once the release is known */
	unsigned nparam;
};

/*
 * A table entry of the family: the struct kvm_opts at ctx + o->off; a name
 * starting with "from-" is the source's (nvmx check).
 */
int kvmopts_opt(void *ctx, const struct opt *o, const char *v);
#define KVM_OPTS_AS(p, type, ko, who) \
	OPT_CALL_AT(p "kvm", p "kernel", "RELEASE", kvmopts_opt, type, ko, \
		    "the KVM release (nvmx kernels)" who), \
	OPT_CALL_AT(p "param", NULL, "NAME=VALUE", kvmopts_opt, type, ko, \
		    "a kvm_intel parameter (repeatable)" who), \
	OPT_CALL_AT(p "hyperv-evmcs", NULL, NULL, kvmopts_opt, type, ko, \
		    "KVM runs on Hyper-V with the enlightened VMCS" who)
#define KVM_OPTS(type, ko) KVM_OPTS_AS("", type, ko, "")
/* Resolve after parsing: release required; params applied.  0 or EXIT_USAGE. */
int kvmopts_finish(struct kvm_opts *o, const char *cmd, const char *prefix);
/* Apply the options to a host (environment) and load the model. */
void kvmopts_load(const struct kvm_opts *o, const struct nvmx_host *h, struct nvmx_kvm *kvm);
/* The same as a scenario (a VM without CPUID, strict, until vcpu_opts_apply). */
void kvmopts_scenario(const struct kvm_opts *o, const struct nvmx_host *h, struct nvmx_scenario *sc);

#endif
