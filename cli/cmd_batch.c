/* SPDX-License-Identifier: MIT */
/*
 * nvmx batch: many commands in one process.  Starting a process per question
 * costs far more than answering it (a restore check is microseconds, an exec
 * milliseconds), so a caller with thousands of questions -- the conformance
 * checker above all -- writes them here one per line and reads the answers
 * back in order.  Each request runs exactly as `nvmx ARGS...` would.
 */
#include <stdlib.h>
#include <string.h>
#include "opts.h"

/* Room for one request: a restore with every write and option fits many times over. */
#define BATCH_MAX_ARGS 256
#define BATCH_ARG_BYTES 65536

/*
 * Commands that may run here: the ones that answer one question and return.
 * The fleet commands end the process on some bad inputs (exit()) and hold
 * large state, and verify reads live devices: they stay one per process.
 */
static const char *const batchable[] = {
	"decode", "diff", "derive", "restore", "check", "upgrade", "revoke-list",
	"kernels", "qemu-check", "explain", NULL,
};

static bool is_batchable(const char *name)
{
	for (unsigned i = 0; batchable[i]; i++)
		if (!strcmp(batchable[i], name))
			return true;
	return false;
}

static int run_request(char **argv, int argc)
{
	const struct cmd *c = cli_find_cmd(argv[0]);
	if (!c)
		return cli_usage_error("batch", "unknown command '%s'", argv[0]);
	if (!is_batchable(c->name))
		return cli_usage_error("batch", "'%s' cannot run in a batch; run it on its own",
				       c->name);
	for (int i = 1; i < argc; i++)
		if (cli_is_help(argv[i])) {
			cli_help(stdout, c->name);
			return EXIT_OK;
		}
	cli_kernel_arg_reset();
	return c->run(argc, argv);
}

const struct opt batch_opts[] = { OPT_END };

static int operand_none(void *ctx, const char *arg)
{
	(void)ctx;
	return cli_usage_error("batch", "takes no arguments (requests come on standard input), "
			       "got '%s'", arg);
}

int cmd_batch(int argc, char **argv)
{
	int prc = opts_parse("batch", batch_opts, NULL, NULL, operand_none, argc, argv);
	if (prc)
		return prc;
	static char *args[BATCH_MAX_ARGS + 1];
	static char store[BATCH_ARG_BYTES];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int status = EXIT_OK;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		size_t lead = strspn(line, " \t");
		if ((size_t)len == lead)
			continue;	/* blank lines are no requests */
		unsigned n = 0;
		struct nvmx_diag d;
		/* A malformed request ends the batch: no answer is a guess at what was meant. */
		if (nvmx_json_strings("<stdin>", lineno, line, (size_t)len, args, BATCH_MAX_ARGS, &n,
				      store, sizeof(store), &d) < 0) {
			status = cli_error("batch", &d.error);
			break;
		}
		int rc = run_request(args, (int)n);
		/* The record separator: ASCII RS, never in nvmx's text or JSON output. */
		printf("\036%d\n", rc);
		fflush(stdout);
	}
	free(line);
	if (status == EXIT_OK && ferror(stdin))
		return cli_usage_error("batch", "cannot read standard input");
	return status;
}
