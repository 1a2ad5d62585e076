/* SPDX-License-Identifier: MIT */
/* nvmx explain: what the per-write analysis and the environment search share. */
#ifndef NVMX_CLI_EXPLAIN_H
#define NVMX_CLI_EXPLAIN_H

#include "cli.h"
#include "nvmx/report.h"

/* The environment the user described (host, release, parameters, vCPU). */
struct explain_env {
	struct nvmx_env env;
	const char *uname;		/* the user's kernel (--uname or the log), or NULL */
	bool not_modelled;		/* uname is older than every row */
	const char *qemu;		/* QEMU release the log names, or NULL */
};

/* Search and print (text) or emit (JSON value) what would make probe p fail. */
void explain_would_fail_text(const struct nvmx_probe *p, const struct nvmx_would_fail *wf);
void explain_would_fail_json(const struct nvmx_probe *p, const struct nvmx_would_fail *wf);
/* Cause keys, each once, in the order first added. */
#define EXPLAIN_MAX_KEYS 256
struct explain_keys {
	unsigned n;
	char key[EXPLAIN_MAX_KEYS][128];
};
void explain_key_add(struct explain_keys *k, const char *key);
void explain_keys_json(const struct explain_keys *k);
/* A name for an MSR outside 0x480..0x493 QEMU often fails on, or NULL. */
const char *explain_other_msr_name(uint32_t index);

#endif
