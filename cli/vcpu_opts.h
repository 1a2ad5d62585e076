/* SPDX-License-Identifier: MIT */
/* Options describing a vCPU: guest CPUID, PMU, quirks, state, revoke policy. */
#ifndef NVMX_VCPU_OPTS_H
#define NVMX_VCPU_OPTS_H

#include "cli.h"
#include "opts.h"

struct vcpu_opts {
	const char *guest_cpuid;	/* NULL: no KVM_SET_CPUID2 */
	unsigned pmu_version;
	uint64_t quirks_disabled;
	uint32_t state;
	enum nvmx_policy policy;
	const struct nvmx_kernel *revoke_since;
	uint32_t given;			/* VO_* bits: options given explicitly */
};

/* The VM's own properties (guest CPUID, PMU, quirks): the same on both sides. */
enum { VO_CPUID = 1, VO_PMU = 2, VO_QUIRKS = 4, VO_POLICY = 8, VO_SINCE = 16 };

void vcpu_opts_init(struct vcpu_opts *o);
/* argv[*i] (and its value) if a vCPU option with prefix: 1 consumed, 0 not ours, -1 usage error (printed). */
int vcpu_opts_parse(struct vcpu_opts *o, const char *cmd, const char *prefix,
		    int argc, char **argv, int *i);
/* A table entry of the family: the struct vcpu_opts at ctx + o->off ("from-": the source's). */
int vcpu_opts_opt(void *ctx, const struct opt *o, const char *v);
#define VCPU_VM_OPTS_AS(p, type, vo, who) \
	OPT_CALL_AT(p "guest-cpuid", NULL, "SPEC", vcpu_opts_opt, type, vo, \
		    "the VM's CPUID: host|none|empty, then ,+flag ,-flag" who), \
	OPT_CALL_AT(p "pmu-version", NULL, "N", vcpu_opts_opt, type, vo, "the VM's CPUID.0xA version" who), \
	OPT_CALL_AT(p "disable-quirks", NULL, "MASK", vcpu_opts_opt, type, vo, \
		    "the VM's KVM_CAP_DISABLE_QUIRKS2 mask" who), \
	OPT_CALL_AT(p "state", NULL, "FLAGS", vcpu_opts_opt, type, vo, \
		    "has-run,vmxon,guest-mode,evmcs,evmcs-pgc" who)
#define VCPU_OPTS_AS(p, type, vo, who) \
	VCPU_VM_OPTS_AS(p, type, vo, who), \
	OPT_CALL_AT(p "policy", NULL, "POLICY", vcpu_opts_opt, type, vo, \
		    "strict (default), revoke-keep or revoke-clear" who), \
	OPT_CALL_AT(p "revoke-since", NULL, "RELEASE", vcpu_opts_opt, type, vo, \
		    "the revoke list from RELEASE on" who)
/*
 * A migration's source: the same, but the restore policy is the
 * destination's; --from-policy and --from-revoke-since are parsed only to
 * say so (help NULL: not listed in --help).
 */
#define VCPU_SOURCE_OPTS_AS(p, type, vo) \
	VCPU_VM_OPTS_AS(p, type, vo, ", source"), \
	OPT_CALL_AT(p "policy", NULL, "POLICY", vcpu_opts_opt, type, vo, NULL), \
	OPT_CALL_AT(p "revoke-since", NULL, "RELEASE", vcpu_opts_opt, type, vo, NULL)
#define VCPU_OPTS(type, vo) VCPU_OPTS_AS("", type, vo, "")
/*
 * Give a scenario these options: the VM (a guest CPUID "host" read from hf),
 * state, policy, revoke list.  0 or EXIT_USAGE.
 */
int vcpu_opts_apply(const struct vcpu_opts *o, const char *cmd, const struct nvmx_hostfile *hf,
		    struct nvmx_scenario *sc);
/* Parse a --guest-cpuid SPEC against a host's flags into NVMX_FEAT() bits. */
int guest_cpuid_parse(const char *cmd, const char *spec, const struct nvmx_hostfile *hf,
		      uint64_t *features);
const char *vcpu_policy_name(enum nvmx_policy p);
/* Give `side` the VM properties of `vm` that it does not override itself. */
void vcpu_opts_inherit_vm(struct vcpu_opts *side, const struct vcpu_opts *vm);

#endif
