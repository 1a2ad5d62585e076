/* SPDX-License-Identifier: MIT */
/*
 * nvmx kernels: every release row with its distribution, base, the named
 * changes it applies to the base and how it was verified.  --format markdown prints
 * the table docs/kernels.md carries (tests/kernels_doc.sh keeps it current).
 */
#include <string.h>
#include "opts.h"

static void version_str(const struct nvmx_kernel *k, char *buf, size_t n)
{
	uint32_t v = nvmx_kernel_version(k);
	snprintf(buf, n, "%u.%u.%u", v >> 24, (v >> 16) & 0xff, v & 0xffff);
}

static void date_str(const struct nvmx_kernel *k, char *buf, size_t n)
{
	uint32_t d = nvmx_kernel_date(k);
	snprintf(buf, n, "%04u-%02u-%02u", d / 10000, d / 100 % 100, d % 100);
}

static void print_json(const struct nvmx_kernel *k)
{
	char v[32], d[16];
	version_str(k, v, sizeof(v));
	date_str(k, d, sizeof(d));
	printf("{\"name\":");
	cli_json_str(stdout, nvmx_kernel_name(k));
	printf(",\"version\":\"%s\",\"date\":\"%s\",\"distro\":", v, d);
	if (nvmx_kernel_distro(k))
		cli_json_str(stdout, nvmx_kernel_distro(k));
	else
		printf("null");
	printf(",\"release\":");
	if (nvmx_kernel_release(k))
		cli_json_str(stdout, nvmx_kernel_release(k));
	else
		printf("null");
	printf(",\"aliases\":[");
	const char *a = nvmx_kernel_aliases(k);
	for (bool first = true; a && *a;) {
		size_t n = strcspn(a, " ");
		printf("%s\"%.*s\"", first ? "" : ",", (int)n, a);
		first = false;
		a += n + strspn(a + n, " ");
	}
	printf("],\"base\":");
	if (nvmx_kernel_base(k))
		cli_json_str(stdout, nvmx_kernel_name(nvmx_kernel_base(k)));
	else
		printf("null");
	printf(",\"changes\":[");
	for (unsigned c = 0; c < nvmx_kernel_change_count(k); c++) {
		const char *id, *title, *effect;
		nvmx_kernel_change(k, c, &id, &title, &effect);
		printf("%s{\"id\":", c ? "," : "");
		cli_json_str(stdout, id);
		printf(",\"title\":");
		cli_json_str(stdout, title);
		printf(",\"effect\":");
		cli_json_str(stdout, effect);
		putchar('}');
	}
	printf("],\"verified\":\"%s\",\"tree\":", nvmx_kernel_verified(k));
	cli_json_str(stdout, nvmx_kernel_tree(k) ? nvmx_kernel_tree(k) : "");
	printf(",\"params\":[");
	bool first = true;
	for (int p = 0; p < NVMX_P_COUNT; p++)
		if (nvmx_kernel_has_param(k, (enum nvmx_param)p)) {
			printf("%s\"%s\"", first ? "" : ",", nvmx_param_name((enum nvmx_param)p));
			first = false;
		}
	printf("],\"summary\":");
	cli_json_str(stdout, nvmx_kernel_summary(k));
	putchar('}');
}

static void print_text(const struct nvmx_kernel *k)
{
	char v[32], d[16];
	version_str(k, v, sizeof(v));
	date_str(k, d, sizeof(d));
	printf("%-10s %-9s %s  %s", nvmx_kernel_name(k), v, d,
	       nvmx_kernel_distro(k) ? nvmx_kernel_distro(k) : "upstream");
	if (nvmx_kernel_base(k))
		printf(" = %s + %u change(s)", nvmx_kernel_name(nvmx_kernel_base(k)),
		       nvmx_kernel_change_count(k));
	printf("  [%s]\n", nvmx_kernel_verified(k));
	printf("    %s\n", nvmx_kernel_summary(k));
	printf("    tree: %s\n", nvmx_kernel_tree(k) && *nvmx_kernel_tree(k) ? nvmx_kernel_tree(k) : "none");
	for (unsigned c = 0; c < nvmx_kernel_change_count(k); c++) {
		const char *id, *title, *effect;
		nvmx_kernel_change(k, c, &id, &title, &effect);
		printf("    + %s \"%s\": %s\n", id, title, effect);
	}
}

/* A markdown cell: no '|' or newline inside. */
static void cell(const char *s)
{
	for (; *s; s++)
		fputs(*s == '|' ? "\\|" : *s == '\n' ? " " : (char[2]){ *s, 0 }, stdout);
}

static void print_markdown_header(void)
{
	printf("| row | version | released | distribution | base + changes | verified | tree |\n"
	       "|---|---|---|---|---|---|---|\n");
}

static void print_markdown(const struct nvmx_kernel *k)
{
	char v[32], d[16];
	version_str(k, v, sizeof(v));
	date_str(k, d, sizeof(d));
	printf("| %s | %s | %s | %s | ", nvmx_kernel_name(k), v, d,
	       nvmx_kernel_distro(k) ? nvmx_kernel_distro(k) : "upstream");
	if (nvmx_kernel_base(k)) {
		printf("%s", nvmx_kernel_name(nvmx_kernel_base(k)));
		for (unsigned c = 0; c < nvmx_kernel_change_count(k); c++) {
			const char *id, *title, *effect;
			nvmx_kernel_change(k, c, &id, &title, &effect);
			printf(" + `%s` ", id);
			cell(title);
		}
	} else {
		printf("—");
	}
	printf(" | %s | ", nvmx_kernel_verified(k));
	cell(nvmx_kernel_tree(k) ? nvmx_kernel_tree(k) : "");
	printf(" |\n");
}

/*
 * Kernels operators run that have no row, as `uname -r` shows them: listed
 * after the rows while the resolver refuses them (5.4 disappears from the
 * list when a 5.4 row lands), each with the refusal every command prints.
 */
static const struct {
	const char *uname, *what;
} unmodelled[] = {
	{ "5.4.0-216-generic", "5.4 (Ubuntu 20.04 GA, Ubuntu 18.04 HWE)" },
	{ "4.19.0-27-amd64", "4.19 (Debian 10)" },
	{ "5.14.0-284.30.1.el9_2.x86_64", "RHEL 9.0-9.3 (5.14.0-70 ... 5.14.0-362)" },
	{ "4.18.0-477.10.1.el8_8.x86_64", "RHEL 8 before 8.10 (4.18.0-80 ... 4.18.0-513)" },
};

static void print_unmodelled(void)
{
	bool first = true;
	for (unsigned i = 0; i < sizeof(unmodelled) / sizeof(unmodelled[0]); i++) {
		struct nvmx_kernel_match m;
		char why[256];
		nvmx_kernel_resolve(unmodelled[i].uname, &m);
		if (m.how == NVMX_MATCH_EXACT || m.how == NVMX_MATCH_NEAREST)
			continue;
		if (first)
			printf("\nnot modelled (every command refuses them):\n");
		first = false;
		nvmx_kernel_refusal(&m, unmodelled[i].uname, why, sizeof(why));
		printf("  %-46s %s\n", unmodelled[i].what, why);
	}
}

struct kernels_args {
	const char *format;
};

const struct opt kernels_opts[] = {
	OPT_FORMAT(struct kernels_args, format,
		   "text (default), json (a JSON array) or markdown (the table of docs/kernels.md)"),
	OPT_FORMAT_FLAG("json", struct kernels_args, format, "a JSON array (--format json)"),
	OPT_FORMAT_FLAG("markdown", struct kernels_args, format, "the same as --format markdown"),
	OPT_END,
};

int cmd_kernels(int argc, char **argv)
{
	struct kernels_args a = { NULL };
	int prc = opts_parse("kernels", kernels_opts, &a, NULL, NULL, argc, argv);
	if (prc)
		return prc;
	const char *fmt = a.format ? a.format : "text";
	bool json = !strcmp(fmt, "json"), md = !strcmp(fmt, "markdown");
	if (!json && !md && strcmp(fmt, "text"))
		return cli_usage_error("kernels", "--format: text, json or markdown");
	if (json)
		putchar('[');
	if (md)
		print_markdown_header();
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (json) {
			if (i)
				putchar(',');
			print_json(k);
		} else if (md) {
			print_markdown(k);
		} else {
			print_text(k);
		}
	}
	if (json)
		printf("]\n");
	else if (!md)
		print_unmodelled();
	return EXIT_OK;
}
