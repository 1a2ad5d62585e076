/* SPDX-License-Identifier: MIT */
/* The nvmx command line: one cmd_*.c per subcommand, shared helpers in common.c. */
#ifndef NVMX_CLI_H
#define NVMX_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "nvmx/nvmx.h"

/* Exit codes, stable across releases (documented in nvmx.1). */
enum {
	EXIT_OK = 0,		/* success / migratable / accepted */
	EXIT_NO = 1,		/* a negative verdict: rejected, not migratable, KVM won't load */
	EXIT_USAGE = 2,		/* bad input: arguments, files, values */
	EXIT_SYSTEM = 3,	/* a live source is unavailable (device, permission, no VMX) */
};

/* Room for a verdict that names every bit of a 64-bit MSR with all its names. */
#define CLI_REASON_MAX 8192

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage;	/* full --help text; then the option table, if any (cli/opts.h) */
};

int cmd_decode(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_derive(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_kernels(int argc, char **argv);
int cmd_check(int argc, char **argv);
/* check --cpu: the QEMU migration (cmd_check_qemu.c). */
bool check_wants_cpu(int argc, char **argv);
int cmd_check_qemu(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_upgrade(int argc, char **argv);
int cmd_revoke_list(int argc, char **argv);
int cmd_qemu_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_inventory_line(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_pools(int argc, char **argv);
int cmd_fleet_gen(int argc, char **argv);
int cmd_batch(int argc, char **argv);

extern const struct cmd nvmx_cmds[];
const struct cmd *cli_find_cmd(const char *name);

/* Print "nvmx CMD: msg" to stderr; returns EXIT_USAGE for `return die(...)`. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The one way an error reaches the user: "nvmx CMD: MESSAGE" on stderr (the
 * message starts "FILE:LINE:" when it is about an input).  Returns the exit
 * status: EXIT_SYSTEM for NVMX_E_UNAVAILABLE (a live source), else EXIT_USAGE.
 */
int cli_error(const char *cmd, const struct nvmx_error *e);
/* A reader's warnings, "nvmx CMD: warning: ..." each. */
void cli_warnings(const char *cmd, const struct nvmx_diag *d);
/* Print the command's --help text to f. */
void cli_help(FILE *f, const char *cmd);
bool cli_is_help(const char *arg);

/* Load a host source: a file path (text or JSON). 0 or an EXIT_* code. */
int cli_load_host(const char *cmd, const char *path, struct nvmx_hostfile *out);

/* JSON string output with escaping. */
void cli_json_str(FILE *f, const char *s);

/*
 * A kernel the user named (--kvm, --from-kvm, an inventory's "kvm" or
 * "uname", HOST@RELEASE, the running kernel): nvmx_kernel_resolve's row;
 * an approximation is warned about on stderr and recorded for
 * cli_json_approximate; NULL for a refusal, said on stderr unless quiet.
 */
const struct nvmx_kernel *cli_kernel_arg(const char *cmd, const char *asked, bool quiet);
/* ,"approximate":{"asked":...,"used":...,"may_differ":[...]} when a name was approximated. */
void cli_json_approximate(FILE *f);
/* the same for an option's release; a refusal is a usage error naming opt */
const struct nvmx_kernel *cli_kernel_opt(const char *cmd, const char *opt, const char *asked);
void cli_kernel_arg_reset(void);	/* per command (nvmx batch runs many) */
/* "0x%016llx" */
void cli_json_hex(FILE *f, uint64_t v);

#endif
