/* SPDX-License-Identifier: MIT */
/* The running host as a derivation input: MSRs, release, kvm_intel parameters. */
#ifndef NVMX_CLI_LIVE_H
#define NVMX_CLI_LIVE_H

#include "kvmopts.h"
#include "opts.h"

struct live {
	const char *root;	/* --root DIR, "" for the real system */
	unsigned cpu;
	char release[128];	/* the running kernel's */
	bool profile_guessed;	/* release not given: the closest profile was chosen */
};

/* --live-cpu N (decode's spelling; --cpu N the old one) into the struct live at ctx + o->off. */
int live_opt_cpu(void *ctx, const struct opt *o, const char *v);
/* --live, --root DIR, --live-cpu N: table entries for a ctx `type` with a bool
 * `live_flag` and a struct live `l`. */
#define LIVE_OPTS(type, live_flag, l) \
	OPT_FLAG("live", NULL, type, live_flag, "read the running host"), \
	OPT_STRING("root", NULL, "DIR", type, l.root, "read /dev, /proc and /sys under DIR"), \
	OPT_CALL_AT("live-cpu", "cpu", "N", live_opt_cpu, type, l, \
		    "the CPU whose MSRs are read (default 0)")

/*
 * A command that loads KVM on one host, a file or the running machine
 * (derive, verify): the KVM options, the live ones and --json, one fragment
 * so that both take the same options the same way.  `f` names the struct
 * live_kvm_args in the ctx `type`; live_kvm_args_init starts one.
 */
struct live_kvm_args {
	struct kvm_opts ko;
	struct live l;
	bool json, live;
};
#define LIVE_KVM_OPTS(type, f) \
	KVM_OPTS(type, f.ko), \
	LIVE_OPTS(type, f.live, f.l), \
	OPT_FLAG("json", NULL, type, f.json, "one JSON document")
void live_kvm_args_init(struct live_kvm_args *a);

/*
 * Read the host from /dev/cpu/N/msr, the release from osrelease (unless
 * --kvm gave one) and the parameters from sysfs into o.  0 or an EXIT_* code.
 */
int live_load(struct live *l, const char *cmd, struct kvm_opts *o, struct nvmx_hostfile *hf);

#endif
