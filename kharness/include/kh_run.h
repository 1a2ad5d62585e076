/* SPDX-License-Identifier: GPL-2.0-only */
/* kh_run.h: what the driver (main.c) and the kernel side (kgen.c) share. No kernel types. */
#ifndef KH_RUN_H
#define KH_RUN_H
#include <stdbool.h>
#include <stdint.h>

#define KH_MAX_MSRS 64
#define KH_MAX_FEATURES 400
#define KH_MAX_PARAMS 32
#define KH_MAX_LOG 64
#define KH_MAX_EXTRA 256

struct kh_host {
	char vendor[16];
	int family, model, stepping;
	int nmsrs;
	uint32_t msr_index[KH_MAX_MSRS];
	uint64_t msr_value[KH_MAX_MSRS];
	int nfeatures;
	char features[KH_MAX_FEATURES][24];
};

struct kh_log {
	int n;
	int lvl[KH_MAX_LOG];
	char msg[KH_MAX_LOG][256];
};

/* one case as the driver read it: the host, the environment, the request */
struct kh_case {
	char name[256];
	char kind[32];
	int nparams;
	char param_name[KH_MAX_PARAMS][48];
	char param_value[KH_MAX_PARAMS][32];
	/* `env KEY VALUE` lines, for the kind to interpret */
	int nenv;
	char env_key[16][32];
	char env_value[16][128];
	/* `arg ...` lines, free-form, for the kind (writes, reads, ...) */
	int nextra;
	char extra[KH_MAX_EXTRA][96];
};

extern struct kh_host kh_host;
extern struct kh_log kh_klog;
extern bool kh_hyperv;

/* kernel side: run one case (in a forked child); prints one JSON object line */
int kh_run_case(const struct kh_case *c);
const char *kh_env(const struct kh_case *c, const char *key);
#endif
