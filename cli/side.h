/* SPDX-License-Identifier: MIT */
/*
 * One side of a migration: a host, a KVM release with its parameters and
 * environment, and the vCPU options.  Options are read with a prefix
 * ("from-" for the source), so both sides take the same flags; the library's
 * scenario (nvmx/scenario.h) is what they build.
 */
#ifndef NVMX_SIDE_H
#define NVMX_SIDE_H

#include "kvmopts.h"
#include "vcpu_opts.h"

struct side {
	const char *host_path;
	struct kvm_opts ko;
	struct vcpu_opts vo;
	struct nvmx_hostfile hf;
	struct nvmx_scenario sc;
};

void side_init(struct side *s);
/* Table entries for a side `s` of a ctx `type`: its host option, KVM and vCPU options. */
#define SIDE_OPTS(p, host_opt, type, s, who) \
	OPT_STRING(host_opt, NULL, "HOST", type, s.host_path, "the host (a dump)" who), \
	KVM_OPTS_AS(p, type, s.ko, who), VCPU_OPTS_AS(p, type, s.vo, who)
/* The source side: its restore policy options are the destination's (refused). */
#define SIDE_SOURCE_OPTS(p, host_opt, type, s) \
	OPT_STRING(host_opt, NULL, "HOST", type, s.host_path, "the host (a dump), source"), \
	KVM_OPTS_AS(p, type, s.ko, ", source"), VCPU_SOURCE_OPTS_AS(p, type, s.vo)
/*
 * Load host and KVM, and give the scenario the vCPU options (a guest CPUID
 * "host" read from `ref`, NULL: this side's host).  0 or an EXIT_* code.
 */
int side_load(struct side *s, const char *cmd, const char *prefix, const struct nvmx_hostfile *ref);

#endif
