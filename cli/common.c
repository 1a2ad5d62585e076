/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "datadir.h"
#include "opts.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "nvmx %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int cli_error(const char *cmd, const struct nvmx_error *e)
{
	fprintf(stderr, "nvmx %s: %s\n", cmd, e->msg[0] ? e->msg : "failed");
	return e->code == NVMX_E_UNAVAILABLE ? EXIT_SYSTEM : EXIT_USAGE;
}

void cli_warnings(const char *cmd, const struct nvmx_diag *d)
{
	for (unsigned i = 0; i < d->nwarn && i < NVMX_MAX_WARNINGS; i++)
		fprintf(stderr, "nvmx %s: warning: %s\n", cmd, d->warn[i]);
}

void cli_help(FILE *f, const char *cmd)
{
	const struct cmd *c = cli_find_cmd(cmd);
	if (c)
		fputs(c->usage, f);
	const struct opt *t = c ? opts_table(c->name) : NULL;
	if (t)
		opts_help(f, t);
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

int cli_load_host(const char *cmd, const char *path, struct nvmx_hostfile *out)
{
	struct nvmx_diag d;
	char bundled[4096];
	memset(&d, 0, sizeof(d));
	/* Not a file here: a bundled dump by name ("intel-celeron-j6412"). */
	if (access(path, F_OK) && cli_find_dump(path, bundled, sizeof(bundled)))
		path = bundled;
	if (nvmx_hostfile_read(path, out, &d) < 0)
		return cli_error(cmd, &d.error);
	cli_warnings(cmd, &d);
	return 0;
}

void cli_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void cli_json_hex(FILE *f, uint64_t v)
{
	fprintf(f, "\"0x%016llx\"", (unsigned long long)v);
}
