/* SPDX-License-Identifier: MIT */
/* The running host as a derivation input: MSRs, release, kvm_intel parameters. */
#ifndef NVMX_CLI_LIVE_H
#define NVMX_CLI_LIVE_H

#include "kvmopts.h"

struct live {
	const char *root;	/* --root DIR, "" for the real system */
	unsigned cpu;
	char release[128];	/* the running kernel's */
	bool profile_guessed;	/* release not given: the closest profile was chosen */
};

/* --live, --root DIR, --cpu N: 1 consumed, 0 not ours, -1 usage error (printed). */
int live_parse(struct live *l, bool *live, const char *cmd, int argc, char **argv, int *i);

/*
 * Read the host from /dev/cpu/N/msr, the release from osrelease (unless
 * --kvm gave one) and the parameters from sysfs into o.  0 or an EXIT_* code.
 */
int live_load(struct live *l, const char *cmd, struct kvm_opts *o, struct nvmx_hostfile *hf);

#endif
