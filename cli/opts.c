/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "opts.h"

/* "--name" or "--name=value" for name; the value, or NULL when not attached. */
static bool matches(const char *arg, const char *name, const char **attached)
{
	size_t n = strlen(name);
	if (!name[0] || strncmp(arg, "--", 2) || strncmp(arg + 2, name, n))
		return false;
	if (arg[2 + n] == '=') {
		*attached = arg + 3 + n;
		return true;
	}
	*attached = NULL;
	return !arg[2 + n];
}

static const struct opt *find(const struct opt *t, const char *arg, const char **attached)
{
	for (; t->name; t++)
		if (matches(arg, t->name, attached) || (t->alias && matches(arg, t->alias, attached)))
			return t;
	return NULL;
}

static const char *parsing = "";

const char *opts_cmd(void)
{
	return parsing;
}

int opts_parse(const char *cmd, const struct opt *table, void *ctx, opt_more_fn more,
	       int (*operand)(void *ctx, const char *arg), int argc, char **argv)
{
	parsing = cmd;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value;
		const struct opt *o = find(table, arg, &value);
		if (o) {
			if (!o->arg && value)
				return cli_usage_error(cmd, "--%s takes no value", o->name);
			if (o->arg && !value) {
				if (i + 1 >= argc)
					return cli_usage_error(cmd, "--%s needs %s%s%s", o->name, o->arg,
							       o->help ? ": " : "", o->help ? o->help : "");
				value = argv[++i];
			}
			if (o->fn) {
				if (o->fn(ctx, o, value))
					return EXIT_USAGE;
			} else if (o->arg) {
				*(const char **)((char *)ctx + o->off) = value;
			} else {
				*(bool *)((char *)ctx + o->off) = true;
			}
			continue;
		}
		if (more) {
			int r = more(ctx, cmd, argc, argv, &i);
			if (r < 0)
				return EXIT_USAGE;
			if (r)
				continue;
		}
		if (arg[0] == '-' && arg[1])
			return cli_usage_error(cmd, "unknown option '%s' (see nvmx %s --help)", arg, cmd);
		if (!operand)
			return cli_usage_error(cmd, "unknown argument '%s'", arg);
		if (operand(ctx, arg))
			return EXIT_USAGE;
	}
	return 0;
}

int opts_format(void *ctx, const struct opt *o, const char *value)
{
	const char **fmt = (const char **)((char *)ctx + o->off);
	const char *name = value ? value : o->name;
	if (*fmt && strcmp(*fmt, name))
		return cli_usage_error(parsing, "two output formats (%s and %s): choose one", *fmt, name);
	*fmt = name;
	return 0;
}

void opts_help(FILE *f, const struct opt *t)
{
	if (!t->name) {
		fprintf(f, "\noptions: none\n");
		return;
	}
	fprintf(f, "\noptions (a value follows as the next argument or after '='):\n");
	for (; t->name; t++) {
		char left[64];
		if (!t->help)	/* parsed only to explain why it is refused */
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", t->name, t->arg ? " " : "", t->arg ? t->arg : "");
		fprintf(f, "  %-28s %s", left, t->help);
		if (t->alias)
			fprintf(f, " (also --%s)", t->alias);
		fputc('\n', f);
	}
}

const struct opt *opts_table(const char *cmd)
{
	static const struct { const char *cmd; const struct opt *t; } tables[] = {
		{ "upgrade", upgrade_opts },
		{ "revoke-list", revoke_list_opts },
		{ "check", check_opts },
		{ "decode", decode_opts },
		{ "diff", diff_opts },
		{ "kernels", kernels_opts },
		{ "derive", derive_opts },
		{ "verify", verify_opts },
		{ "inventory-line", inventory_line_opts },
		{ "restore", restore_opts },
		{ "fleet-gen", fleet_gen_opts },
		{ "batch", batch_opts },
		{ "baseline", baseline_opts },
		{ "pools", pools_opts },
		{ "matrix", matrix_opts },
		{ "qemu-check", qemu_check_opts },
		{ "explain", explain_opts },
	};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (!strcmp(tables[i].cmd, cmd))
			return tables[i].t;
	return NULL;
}
