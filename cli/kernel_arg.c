/* SPDX-License-Identifier: MIT */
/*
 * A kernel named on the command line or in an inventory: resolved by
 * nvmx_kernel_resolve(), an approximation warned about on stderr and kept
 * for the command's JSON ("approximate"), a refusal said in full.
 */
#include <string.h>
#include "cli.h"

#define MAX_APPROX 4

static struct {
	char asked[128];
	const struct nvmx_kernel *used;
	unsigned nmay;
	const char *may[16];
} approx[MAX_APPROX];
static unsigned napprox;

void cli_kernel_arg_reset(void)
{
	napprox = 0;
}

const struct nvmx_kernel *cli_kernel_arg(const char *cmd, const char *asked, bool quiet)
{
	struct nvmx_kernel_match m;
	nvmx_kernel_resolve(asked, &m);
	if (m.how == NVMX_MATCH_EXACT)
		return m.kernel;
	if (m.how != NVMX_MATCH_NEAREST) {
		if (!quiet) {
			char why[256];
			nvmx_kernel_refusal(&m, asked, why, sizeof(why));
			fprintf(stderr, "nvmx %s: %s\n", cmd, why);
		}
		return NULL;
	}
	if (napprox < MAX_APPROX) {
		snprintf(approx[napprox].asked, sizeof(approx[napprox].asked), "%s", asked);
		approx[napprox].used = m.kernel;
		approx[napprox].nmay = m.nmay;
		for (unsigned i = 0; i < m.nmay; i++)
			approx[napprox].may[i] = m.may_differ[i];
		napprox++;
	}
	fprintf(stderr, "nvmx %s: warning: no row for kernel '%s'; modelled as %s", cmd, asked,
		nvmx_kernel_name(m.kernel));
	for (unsigned i = 0; i < m.nmay; i++)
		fprintf(stderr, "%s%s", i ? "; " : " (may differ: ", m.may_differ[i]);
	fprintf(stderr, "%s\n", m.nmay ? ")" : "");
	return m.kernel;
}

/*
 * A release given to an option (--since, --revoke-since, --also HOST@R): the
 * same names as --kvm; a refusal is a usage error naming the option.
 */
const struct nvmx_kernel *cli_kernel_opt(const char *cmd, const char *opt, const char *asked)
{
	struct nvmx_kernel_match m;
	nvmx_kernel_resolve(asked, &m);
	if (m.how != NVMX_MATCH_EXACT && m.how != NVMX_MATCH_NEAREST) {
		char why[256];
		nvmx_kernel_refusal(&m, asked, why, sizeof(why));
		cli_usage_error(cmd, "%s: %s", opt, why);
		return NULL;
	}
	return cli_kernel_arg(cmd, asked, false);
}

static void one(FILE *f, unsigned i)
{
	fprintf(f, "{\"asked\":");
	cli_json_str(f, approx[i].asked);
	fprintf(f, ",\"used\":");
	cli_json_str(f, nvmx_kernel_name(approx[i].used));
	fprintf(f, ",\"may_differ\":[");
	for (unsigned j = 0; j < approx[i].nmay; j++) {
		if (j)
			fputc(',', f);
		cli_json_str(f, approx[i].may[j]);
	}
	fprintf(f, "]}");
}

void cli_json_approximate(FILE *f)
{
	if (!napprox)
		return;
	fprintf(f, ",\"approximate\":");
	one(f, 0);
	if (napprox > 1) {
		fprintf(f, ",\"approximate_more\":[");
		for (unsigned i = 1; i < napprox; i++) {
			if (i > 1)
				fputc(',', f);
			one(f, i);
		}
		fputc(']', f);
	}
}
