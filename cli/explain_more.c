/* SPDX-License-Identifier: MIT */
/*
 * nvmx explain, the part after the verdict: when this environment accepts
 * what the user's failed on, which differences reproduce the failure and how
 * each is fixed; and names for the MSRs outside the VMX block that QEMU's
 * same message is often about.
 */
#include <string.h>
#include "explain.h"
#include "nvmx/qemu.h"

static void releases_ok_list(const struct nvmx_env_change *c, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < nvmx_kernel_count() && i < NVMX_ENV_MAX_RELEASES; i++)
		if ((c->releases_ok[i / 64] >> (i % 64)) & 1)
			len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? " " : "",
						nvmx_kernel_name(nvmx_kernel_at(i)));
}

static void rejected_text(const struct nvmx_probe *p, const struct nvmx_env_change *c, char *buf, size_t n)
{
	if (!p->feature) {
		char why[CLI_REASON_MAX];
		nvmx_result_describe(&c->r, why, sizeof(why));
		snprintf(buf, n, "0x%x: %s", p->index, why);
		return;
	}
	const char *f = nvmx_qemu_flag_for_bit(nvmx_qemu_release_default(), p->id, p->bit);
	snprintf(buf, n, "MSR(%XH)%s%s (MSR bit %u): %s", p->index, f ? "." : "", f ? f : "", p->bit,
		 c->r.reason == NVMX_R_NO_NESTED ? "no VMX for guests at all (nested=0)"
						 : "not offered, QEMU drops it with a warning");
}

void explain_would_fail_text(const struct nvmx_probe *p, const struct nvmx_would_fail *wf)
{
	char d[4096], why[CLI_REASON_MAX + 64], flags[512], rel[1024], undo[256], ranked[1024];
	if (!wf->n) {
		printf("no difference searched reproduces a failure (%u tried: vCPU state, guest CPUID, "
		       "kvm_intel parameters, Hyper-V, an outer hypervisor hiding or forcing a bit, every release)\n",
		       wf->tried);
		return;
	}
	printf("%s when (most likely first):\n", p->feature ? "KVM does not offer it" :
	       "accepted here, but KVM rejects it");
	unsigned rank = 0;
	for (unsigned i = 0; i < wf->n; i++) {
		const struct nvmx_env_change *c = &wf->c[i];
		nvmx_env_change_why(c, ranked, sizeof(ranked));
		if (c->kind == NVMX_CH_RELEASE) {
			/* Releases of equal likelihood next to each other: one entry. */
			unsigned j = i;
			while (j + 1 < wf->n && wf->c[j + 1].kind == NVMX_CH_RELEASE &&
			       wf->c[j + 1].likelihood / 100 == c->likelihood / 100)
				j++;
			printf("  %u. KVM", ++rank);
			for (unsigned k = i; k <= j; k++)
				printf(" %s", nvmx_kernel_name(wf->c[k].kernel));
			printf(" %s it\n", p->feature ? (i == j ? "does not offer" : "do not offer")
						      : (i == j ? "rejects" : "reject"));
			for (unsigned k = i; k <= j; k++) {
				rejected_text(p, &wf->c[k], why, sizeof(why));
				printf("     %s: %s\n", nvmx_kernel_name(wf->c[k].kernel), why);
			}
			nvmx_env_change_fix(c, undo, sizeof(undo));
			printf("     fix: %s\n     ranked: %s\n", undo, ranked);
			i = j;
			continue;
		}
		nvmx_env_change_describe(c, d, sizeof(d));
		rejected_text(p, c, why, sizeof(why));
		nvmx_env_change_fix(c, undo, sizeof(undo));
		printf("  %u. %s\n     %s%s\n     fix: %s", ++rank, d, nvmx_env_change_folded(c) ? "e.g. " : "",
		       why, undo);
		if (nvmx_env_change_cpu_flags(c, p, flags, sizeof(flags)))
			printf("; or -cpu ...,%s", flags);
		releases_ok_list(c, rel, sizeof(rel));
		if (rel[0])
			printf("; or KVM %s, which %s%s it even then", rel, p->feature ? "offer" : "accept",
			       strchr(rel, ' ') ? "" : "s");
		printf("\n     ranked: %s\n", ranked);
	}
	if (wf->truncated)
		printf("  (more differences reproduce it than are listed)\n");
}

void explain_would_fail_json(const struct nvmx_probe *p, const struct nvmx_would_fail *wf)
{
	char ranked[1024];
	char d[4096], key[4096], why[CLI_REASON_MAX + 64], flags[512], rel[1024], undo[256];
	putchar('[');
	for (unsigned i = 0; i < wf->n; i++) {
		const struct nvmx_env_change *c = &wf->c[i];
		nvmx_env_change_describe(c, d, sizeof(d));
		nvmx_env_change_key(c, key, sizeof(key));
		rejected_text(p, c, why, sizeof(why));
		printf("%s{\"key\":", i ? "," : "");
		cli_json_str(stdout, key);
		printf(",\"change\":");
		cli_json_str(stdout, d);
		printf(",\"rule\":\"%s\",\"rejected\":[", nvmx_reason_name(c->r.reason));
		cli_json_str(stdout, why);
		printf("],\"fix\":[");
		nvmx_env_change_fix(c, undo, sizeof(undo));
		cli_json_str(stdout, undo);
		if (nvmx_env_change_cpu_flags(c, p, flags, sizeof(flags))) {
			char f2[600];
			snprintf(f2, sizeof(f2), "-cpu ...,%s", flags);
			putchar(',');
			cli_json_str(stdout, f2);
		}
		releases_ok_list(c, rel, sizeof(rel));
		if (rel[0]) {
			char r2[1100];
			snprintf(r2, sizeof(r2), "KVM %s", rel);
			putchar(',');
			cli_json_str(stdout, r2);
		}
		nvmx_env_change_why(c, ranked, sizeof(ranked));
		printf("],\"likelihood\":%u,\"why_ranked\":", c->likelihood);
		cli_json_str(stdout, ranked);
		printf("}");
	}
	putchar(']');
}

void json_keys(const char (*keys)[NVMX_EXPLAIN_KEY], unsigned n)
{
	putchar('[');
	for (unsigned i = 0; i < n; i++) {
		printf("%s", i ? "," : "");
		cli_json_str(stdout, keys[i]);
	}
	putchar(']');
}
