/* SPDX-License-Identifier: MIT */
/* nvmx decode: every capability MSR of one source, by name, with SDM checks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "opts.h"

struct decode_args {
	const char *path;	/* a dump file, or NULL for a live source */
	bool live_cpu, live_kvm, json;
	unsigned cpu;
	const char *root;
};

static int parse_cpu(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v > 1u << 20)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int opt_live_cpu(void *ctx, const struct opt *o, const char *v)
{
	struct decode_args *a = ctx;
	(void)o;
	a->live_cpu = true;
	if (parse_cpu(v, &a->cpu) < 0)
		return cli_usage_error("decode", "--live-cpu: '%s' is not a CPU number", v);
	return 0;
}

static int operand_source(void *ctx, const char *s)
{
	struct decode_args *a = ctx;
	if (a->path)
		return cli_usage_error("decode", "one SOURCE only ('%s' and '%s')", a->path, s);
	a->path = s;
	return 0;
}

const struct opt decode_opts[] = {
	OPT_CALL("live-cpu", NULL, "N", opt_live_cpu, "the running host's CPU N (/dev/cpu/N/msr)"),
	OPT_FLAG("live-kvm", NULL, struct decode_args, live_kvm, "what the running KVM offers (/dev/kvm)"),
	OPT_STRING("root", NULL, "DIR", struct decode_args, root, "read /dev under DIR"),
	OPT_FLAG("json", NULL, struct decode_args, json, "one JSON document"),
	OPT_END,
};

static int parse_args(int argc, char **argv, struct decode_args *a)
{
	memset(a, 0, sizeof(*a));
	int rc = opts_parse("decode", decode_opts, a, NULL, operand_source, argc, argv);
	if (rc)
		return rc;
	int sources = (a->path != NULL) + a->live_cpu + a->live_kvm;
	if (sources != 1)
		return cli_usage_error("decode", sources ? "give one source: a file, --live-cpu N or --live-kvm"
						      : "no source (see nvmx decode --help)");
	if (a->root && a->path)
		return cli_usage_error("decode", "--root applies to --live-cpu and --live-kvm only");
	return 0;
}

/* Fill h from the chosen source; 0 or an EXIT_* code. */
static int load(const struct decode_args *a, struct nvmx_hostfile *h, char *input, size_t n)
{
	struct nvmx_diag d;
	memset(&d, 0, sizeof(d));
	memset(h, 0, sizeof(*h));
	if (a->path) {
		snprintf(input, n, "%s", a->path);
		return cli_load_host("decode", a->path, h);
	}
	const char *root = a->root ? a->root : "";
	int rc;
	if (a->live_cpu) {
		snprintf(input, n, "%s/dev/cpu/%u/msr", root, a->cpu);
		rc = nvmx_live_read_cpu(a->root, a->cpu, h, &d);
	} else {
		snprintf(input, n, "%s/dev/kvm", root);
		rc = nvmx_live_read_kvm(a->root, &h->host.msrs, &d);
		if (!rc)
			snprintf(h->name, sizeof(h->name), "KVM feature MSRs");
	}
	if (rc < 0)
		return cli_error("decode", &d.error);
	cli_warnings("decode", &d);
	return 0;
}

int cmd_decode(int argc, char **argv)
{
	struct decode_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc;

	static struct nvmx_hostfile h;		/* large; one per process */
	static struct decode_warnings w;
	char input[600];
	rc = load(&a, &h, input, sizeof(input));
	if (rc)
		return rc;

	decode_check(&h.host.msrs, &w);
	if (a.json)
		decode_print_json(stdout, input, &h, &w);
	else
		decode_print_text(stdout, input, &h, &w);
	/* a full disk or closed pipe must not pass for a complete decode */
	if (fflush(stdout) != 0) {
		fprintf(stderr, "nvmx decode: write error: %s\n", strerror(errno));
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}
