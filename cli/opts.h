/* SPDX-License-Identifier: MIT */
/*
 * One way to parse: a command declares its options in a table (in the style
 * of git's and kvmtool's parse-options); the parser accepts `--opt value` and
 * `--opt=value`, old spellings as aliases, and `--help` prints the table.
 */
#ifndef NVMX_OPTS_H
#define NVMX_OPTS_H

#include "cli.h"

struct opt;
/* Handle one option's value (NULL for a flag): 0, or EXIT_USAGE (printed). */
typedef int (*opt_fn)(void *ctx, const struct opt *o, const char *value);

struct opt {
	const char *name;	/* without "--"; NULL ends the table */
	const char *alias;	/* an older spelling, still accepted, or NULL */
	const char *arg;	/* the value's placeholder ("RELEASE"); NULL: a flag */
	const char *help;
	opt_fn fn;		/* or: */
	size_t off;		/* flags: a bool at ctx + off; values: a const char * there */
};

#define OPT_FLAG(name, alias, type, field, help) \
	{ name, alias, NULL, help, NULL, offsetof(type, field) }
#define OPT_STRING(name, alias, arg, type, field, help) \
	{ name, alias, arg, help, NULL, offsetof(type, field) }
#define OPT_CALL(name, alias, arg, fn, help) { name, alias, arg, help, fn, 0 }
/* A handler shared by commands: it finds its field at ctx + o->off. */
#define OPT_CALL_AT(name, alias, arg, fn, type, field, help) \
	{ name, alias, arg, help, fn, offsetof(type, field) }
#define OPT_END { NULL, NULL, NULL, NULL, NULL, 0 }

/*
 * One output format per command: --format FORMAT, and the flags that name a
 * format (--json for machine output everywhere, older ones such as
 * --markdown) all set the same const char * (the format's name); two
 * different formats are a usage error.  The command checks the name.
 */
int opts_format(void *ctx, const struct opt *o, const char *value);
#define OPT_FORMAT(type, field, help) \
	OPT_CALL_AT("format", NULL, "FORMAT", opts_format, type, field, help)
/* A flag standing for --format NAME (its own name: "json", "markdown"). */
#define OPT_FORMAT_FLAG(name, type, field, help) \
	OPT_CALL_AT(name, NULL, NULL, opts_format, type, field, help)

/*
 * Another parser for what a table cannot name (QEMU's -cpu, single-dash operands):
 * 1 consumed argv[*i] (and its value), 0 not its, -1 usage error (printed).
 */
typedef int (*opt_more_fn)(void *ctx, const char *cmd, int argc, char **argv, int *i);

/*
 * Parse argv[1..argc-1]: table options, then `more`, and everything not
 * starting with "-" (or "-" alone) as an operand passed to `operand` (NULL: the
 * command takes none).
 * 0, or EXIT_USAGE (printed).
 */
int opts_parse(const char *cmd, const struct opt *table, void *ctx, opt_more_fn more,
	       int (*operand)(void *ctx, const char *arg), int argc, char **argv);
/* The command opts_parse is parsing for (a shared handler's error message). */
const char *opts_cmd(void);
/* "options:" and one line per table entry (name, value, alias, help). */
void opts_help(FILE *f, const struct opt *table);

/* The commands' tables, and the table of a command (NULL: not converted yet). */
extern const struct opt upgrade_opts[], revoke_list_opts[], check_opts[], decode_opts[],
	diff_opts[], kernels_opts[], derive_opts[], verify_opts[], inventory_line_opts[], restore_opts[],
	fleet_gen_opts[], batch_opts[], baseline_opts[], pools_opts[], matrix_opts[],
	qemu_check_opts[], explain_opts[];

const struct opt *opts_table(const char *cmd);

#endif
