/* SPDX-License-Identifier: MIT */
/*
 * The names users type (nvmx_kernel_resolve): row names, aliases, plain
 * versions and `uname -r` strings of the distributions modelled.  Expected
 * rows are literals from the distributions' version schemes (Debian's ABI
 * numbers from its changelogs, Ubuntu's and RHEL's package names, Proxmox's
 * builds); an approximation must say so, and a kernel outside the modelled
 * range must be refused, in the words docs/bad-input.md shows the CLI printing
 * (nvmx_kernel_refusal).
 */
#include <stdio.h>
#include <string.h>
#include "nvmx/kvm.h"
#include "tap.h"

static const char *how_name(enum nvmx_match h)
{
	static const char *const n[] = { "exact", "nearest", "unknown", "too old", "too new",
					 "not modelled" };
	return (unsigned)h < sizeof(n) / sizeof(n[0]) ? n[h] : "?";
}

/*
 * docs/bad-input.md's row `id`: the asked release (after `--kvm ` or
 * `--from-kvm `) and the message after "nvmx CMD: ".  0 when found.
 */
static int bad_input_row(const char *id, char *asked, size_t na, char *msg, size_t nm)
{
	FILE *f = fopen("docs/bad-input.md", "r");
	char line[2048], head[64];
	int rc = -1;
	snprintf(head, sizeof(head), "| %s |", id);
	while (f && rc && fgets(line, sizeof(line), f)) {
		if (strncmp(line, head, strlen(head)))
			continue;
		const char *cmd = strstr(line, "`nvmx ");
		const char *k = cmd ? strstr(cmd, "-kvm ") : NULL, *m = strrchr(line, '`');
		const char *start = m ? m : line;
		while (start > line && start[-1] != '`')
			start--;
		const char *colon = strstr(start, ": ");
		if (!k || !m || !colon)
			break;
		k += 5;
		snprintf(asked, na, "%.*s", (int)strcspn(k, " `"), k);
		snprintf(msg, nm, "%.*s", (int)(m - colon - 2), colon + 2);
		rc = 0;
	}
	if (f)
		fclose(f);
	return rc;
}

int main(void)
{
	static const struct {
		const char *asked;
		enum nvmx_match how;
		const char *row;	/* NULL when refused */
		const char *may;	/* a may_differ entry that must be there, or NULL */
	} cases[] = {
		/* row names, aliases, series */
		{ "debian-12", NVMX_MATCH_EXACT, "debian-12", NULL },
		{ "bookworm", NVMX_MATCH_EXACT, "debian-12", NULL },
		{ "rhel-9.6", NVMX_MATCH_EXACT, "rhel-9.6", NULL },
		{ "pve-9.2", NVMX_MATCH_EXACT, "pve-9.2", NULL },
		{ "ubuntu-24.04", NVMX_MATCH_EXACT, "ubuntu-24.04", NULL },
		{ "6.18", NVMX_MATCH_EXACT, "6.18.2", NULL },
		{ "7.2", NVMX_MATCH_EXACT, "7.2.13", NULL },
		/* plain versions */
		{ "6.12.0", NVMX_MATCH_EXACT, "6.12", NULL },
		{ "6.12.33", NVMX_MATCH_EXACT, "6.12.33", NULL },
		{ "6.12.19", NVMX_MATCH_NEAREST, "6.12", "Revert \"KVM: VMX: Move LOAD_IA32_PERF_GLOBAL_CTRL "
		  "errata handling out of setup_vmcs_config()\"" },
		{ "6.12.50", NVMX_MATCH_NEAREST, "6.12.33", NULL },
		{ "6.10", NVMX_MATCH_NEAREST, "6.9", NULL },
		{ "6.10.14", NVMX_MATCH_NEAREST, "6.9", NULL },
		{ "6.1.100", NVMX_MATCH_NEAREST, "6.1", "KVM: nVMX: Properly expose ENABLE_USR_WAIT_PAUSE control to L1" },
		{ "5.4", NVMX_MATCH_TOO_OLD, NULL, NULL },
		{ "4.18.0", NVMX_MATCH_TOO_OLD, NULL, NULL },
		{ "7.3", NVMX_MATCH_TOO_NEW, NULL, NULL },
		{ "8.0.1", NVMX_MATCH_TOO_NEW, NULL, NULL },
		{ "7.2.20", NVMX_MATCH_NEAREST, "7.2.13", NULL },
		/* Debian: ABI 41 is the package 6.1.158, 55-57 are 6.1.192 */
		{ "6.1.0-41-amd64", NVMX_MATCH_NEAREST, "6.1.158", "patches of the distribution" },
		{ "6.1.0-57-amd64", NVMX_MATCH_EXACT, "debian-12", NULL },
		{ "6.1.0-55-cloud-amd64", NVMX_MATCH_EXACT, "debian-12", NULL },
		{ "6.1.0-18-amd64", NVMX_MATCH_NEAREST, "6.1", "KVM: nVMX: Properly expose ENABLE_USR_WAIT_PAUSE control to L1" },
		{ "5.10.0-46-amd64", NVMX_MATCH_EXACT, "debian-11", NULL },
		{ "5.10.0-28-amd64", NVMX_MATCH_NEAREST, "5.10", NULL },
		{ "6.12.118+deb13-amd64", NVMX_MATCH_EXACT, "debian-13", NULL },
		{ "6.12.48+deb13-amd64", NVMX_MATCH_NEAREST, "6.12.33", NULL },
		/* Ubuntu */
		{ "6.8.0-31-generic", NVMX_MATCH_EXACT, "ubuntu-24.04", NULL },
		{ "6.8.0-45-generic", NVMX_MATCH_NEAREST, "ubuntu-24.04", NULL },
		{ "5.15.0-160-generic", NVMX_MATCH_NEAREST, "ubuntu-22.04", NULL },
		{ "6.17.0-8-generic", NVMX_MATCH_NEAREST, "ubuntu-24.04-hwe", NULL },
		{ "5.4.0-150-generic", NVMX_MATCH_TOO_OLD, NULL, NULL },
		/* RHEL and rebuilds */
		{ "5.14.0-570.32.1.el9_6.x86_64", NVMX_MATCH_EXACT, "rhel-9.6", NULL },
		{ "5.14.0-570.12.1.el9_6.x86_64", NVMX_MATCH_NEAREST, "rhel-9.6", NULL },
		{ "5.14.0-427.42.1.el9_4.x86_64", NVMX_MATCH_EXACT, "rhel-9.4", NULL },
		{ "6.12.0-55.24.1.el10_0.x86_64", NVMX_MATCH_EXACT, "rhel-10.0", NULL },
		{ "4.18.0-553.66.1.el8_10.x86_64", NVMX_MATCH_EXACT, "rhel-8.10", NULL },
		{ "4.18.0-477.10.1.el8_8.x86_64", NVMX_MATCH_NOT_MODELLED, NULL, NULL },
		{ "5.14.0-284.30.1.el9_2.x86_64", NVMX_MATCH_NOT_MODELLED, NULL, NULL },
		/* Proxmox */
		{ "7.0.14-14-pve", NVMX_MATCH_EXACT, "pve-9.2", NULL },
		{ "7.0.14-10-pve", NVMX_MATCH_NEAREST, "pve-9.2", NULL },
		{ "6.8.12-43-pve", NVMX_MATCH_EXACT, "pve-8", NULL },
		{ "6.14.11-9-pve", NVMX_MATCH_EXACT, "pve-9.0", NULL },
		{ "6.17.13-21-pve", NVMX_MATCH_EXACT, "pve-9.1", NULL },
		/* earlier builds of the same version: the same VMX patches (pve-kernel read) */
		{ "6.8.12-4-pve", NVMX_MATCH_EXACT, "pve-8", NULL },
		{ "6.14.11-2-pve", NVMX_MATCH_EXACT, "pve-9.0", NULL },
		{ "6.17.13-1-pve", NVMX_MATCH_EXACT, "pve-9.1", NULL },
		/* a build past the ones read, or another point release: nearest */
		{ "6.8.12-44-pve", NVMX_MATCH_NEAREST, "pve-8", "other Proxmox kernel builds carry other patches" },
		{ "6.17.9-1-pve", NVMX_MATCH_NEAREST, "pve-9.1", NULL },
		{ "6.14.11-0-pve", NVMX_MATCH_NEAREST, "pve-9.0", NULL },
		/* others */
		{ "7.1.0-rc2", NVMX_MATCH_NEAREST, "7.1.3", NULL },
		{ "6.13.2-arch1-1", NVMX_MATCH_NEAREST, "6.13.7", NULL },
		{ "x", NVMX_MATCH_UNKNOWN, NULL, NULL },
		{ "", NVMX_MATCH_UNKNOWN, NULL, NULL },
		{ "6", NVMX_MATCH_UNKNOWN, NULL, NULL },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nvmx_kernel_match m;
		nvmx_kernel_resolve(cases[i].asked, &m);
		const char *got = m.kernel ? nvmx_kernel_name(m.kernel) : NULL;
		bool row_ok = cases[i].row ? got && !strcmp(got, cases[i].row) : !got;
		bool may_ok = !cases[i].may;
		for (unsigned j = 0; j < m.nmay; j++)
			may_ok |= cases[i].may && !strcmp(m.may_differ[j], cases[i].may);
		bool says = m.how != NVMX_MATCH_NEAREST || m.kernel;
		tap_ok(m.how == cases[i].how && row_ok && may_ok && says,
		       "'%s': %s %s (got %s %s)", cases[i].asked, how_name(cases[i].how),
		       cases[i].row ? cases[i].row : "-", how_name(m.how), got ? got : "-");
	}

	/* refusals in the words the CLI prints (rows of docs/bad-input.md) */
	static const char *const rows[] = { "derive-3", "derive-17", "derive-18", "check-6" };
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char asked[128], want[512], got[512];
		struct nvmx_kernel_match m;
		if (!tap_ok(!bad_input_row(rows[i], asked, sizeof(asked), want, sizeof(want)),
			    "docs/bad-input.md has row %s", rows[i]))
			continue;
		nvmx_kernel_resolve(asked, &m);
		size_t need = nvmx_kernel_refusal(&m, asked, got, sizeof(got));
		tap_ok(!m.kernel && !strcmp(got, want) && need == strlen(want),
		       "%s: '%s' refused as the CLI says it: %s", rows[i], asked, got);
	}
	return tap_done();
}
