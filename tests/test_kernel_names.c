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

static bool upstream_id(const char *id)
{
	unsigned n = 0;
	while (n < 12 && strchr("0123456789abcdef", id[n]) && id[n])
		n++;
	return (n == 12 && !id[n]) || strstr(id, "(stable ");
}

static bool row_has(const struct nvmx_kernel *k, const char *id)
{
	const char *cid, *title, *effect;
	for (unsigned c = 0; nvmx_kernel_change(k, c, &cid, &title, &effect); c++)
		if (!strcmp(cid, id))
			return true;
	return false;
}

static bool says_may(const struct nvmx_kernel_match *m, const char *what)
{
	for (unsigned j = 0; j < m->nmay; j++)
		if (!strcmp(m->may_differ[j], what))
			return true;
	return false;
}

#define SER(v) ((v) & ~0xffffu)

/*
 * A plain version next to a row that names an upstream change (a stable
 * backport, in any row of the series, distribution rows too): the row used
 * must have the change where the version surely has it, or may_differ must
 * name it; and where the row used has it but the version may not yet, too.
 * (Issue 12: 5.10.262 was modelled as 5.10.0 with nothing said, while Debian
 * 11's 5.10.262 carries restore and eVMCS changes.)
 */
static void past_known_changes(void)
{
	unsigned checked = 0, bad = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		uint32_t kv = nvmx_kernel_version(k);
		const char *id, *title, *effect;
		for (unsigned c = 0; nvmx_kernel_change(k, c, &id, &title, &effect); c++) {
			if (!upstream_id(id))
				continue;
			for (int d = -1; d <= 1; d += 2) {
				if ((kv & 0xffff) == 0 && d < 0)
					continue;
				uint32_t v = kv + (uint32_t)d;
				bool is_row = false, surely = false;
				for (unsigned r = 0; r < nvmx_kernel_count(); r++) {
					const struct nvmx_kernel *o = nvmx_kernel_at(r);
					if (nvmx_kernel_distro(o) || SER(nvmx_kernel_version(o)) != SER(v))
						continue;
					is_row |= nvmx_kernel_version(o) == v;
					surely |= nvmx_kernel_version(o) <= v && row_has(o, id);
				}
				if (is_row)
					continue;
				char name[32];
				snprintf(name, sizeof(name), "%u.%u.%u", v >> 24, (v >> 16) & 0xff, v & 0xffff);
				struct nvmx_kernel_match m;
				nvmx_kernel_resolve(name, &m);
				if (m.how != NVMX_MATCH_NEAREST || SER(nvmx_kernel_version(m.kernel)) != SER(v))
					continue;
				checked++;
				bool has = row_has(m.kernel, id);
				bool need = (v >= kv && !has) || (has && nvmx_kernel_version(m.kernel) > v && !surely);
				if (need && !says_may(&m, title)) {
					bad++;
					tap_diag("%s: modelled as %s, may_differ lacks %s (%s's %s)", name,
						 nvmx_kernel_name(m.kernel), title, nvmx_kernel_name(k), id);
				}
			}
		}
	}
	tap_ok(checked > 20 && !bad, "plain versions next to a named change: %u checked, %u say nothing of it",
	       checked, bad);
}

/*
 * A distribution's build is never exactly an upstream row: for every series
 * with a row, an Ubuntu, a Debian ABI, a Debian +deb and a Proxmox name of it
 * are exact only to that distribution's row, else approximate with something
 * named in may_differ.
 */
static void distribution_builds(void)
{
	static const struct { const char *fmt, *family; } kinds[] = {
		{ "%u.%u.0-99-generic", "Ubuntu" },
		{ "%u.%u.0-1-amd64", "Debian" },
		{ "%u.%u.3+deb99-amd64", "Debian" },
		{ "%u.%u.3-1-pve", "Proxmox" },
	};
	unsigned checked = 0, bad = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		uint32_t v = nvmx_kernel_version(nvmx_kernel_at(i));
		if (nvmx_kernel_distro(nvmx_kernel_at(i)))
			continue;
		for (unsigned t = 0; t < sizeof(kinds) / sizeof(kinds[0]); t++) {
			char name[40];
			snprintf(name, sizeof(name), kinds[t].fmt, v >> 24, (v >> 16) & 0xff);
			struct nvmx_kernel_match m;
			nvmx_kernel_resolve(name, &m);
			const char *d = m.kernel ? nvmx_kernel_distro(m.kernel) : NULL;
			bool ok = m.how == NVMX_MATCH_EXACT ? d && !strncmp(d, kinds[t].family, strlen(kinds[t].family)) :
				  m.how == NVMX_MATCH_NEAREST ? m.kernel && m.nmay > 0 : true;
			checked++;
			if (!ok) {
				bad++;
				tap_diag("%s: %s %s with %u may_differ", name, how_name(m.how),
					 m.kernel ? nvmx_kernel_name(m.kernel) : "-", m.nmay);
			}
		}
	}
	tap_ok(checked > 40 && !bad, "distribution builds of every series: %u names, %u exact to an upstream "
	       "row or silent", checked, bad);
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
		/* no 7.2.0 tree: 7.2 is the 7.2.13 stable row (Debian's tree), approximately */
		{ "7.2", NVMX_MATCH_NEAREST, "7.2.13", "the release itself has no row: the series' "
		  "point-release row may carry stable backports it lacks (not listed)" },
		{ "6.12", NVMX_MATCH_EXACT, "6.12", NULL },
		{ "7.1", NVMX_MATCH_EXACT, "7.1.3", NULL },
		/* plain versions */
		{ "6.12.0", NVMX_MATCH_EXACT, "6.12", NULL },
		{ "6.12.33", NVMX_MATCH_EXACT, "6.12.33", NULL },
		/* 6.12.19 is nearer 6.12.33 than 6.12.0 (the two trees agree, kharness/TREES.md) */
		{ "6.12.19", NVMX_MATCH_NEAREST, "6.12.33", "Revert \"KVM: VMX: Move LOAD_IA32_PERF_GLOBAL_CTRL "
		  "errata handling out of setup_vmcs_config()\"" },
		{ "6.12.50", NVMX_MATCH_NEAREST, "6.12.33", NULL },
		{ "6.10", NVMX_MATCH_NEAREST, "6.9", NULL },
		{ "6.10.14", NVMX_MATCH_NEAREST, "6.9", NULL },
		{ "6.1.100", NVMX_MATCH_NEAREST, "6.1.158", "KVM: nVMX: Properly expose ENABLE_USR_WAIT_PAUSE control to L1" },
		{ "5.4", NVMX_MATCH_EXACT, "5.4.210", NULL },
		{ "5.4.286", NVMX_MATCH_EXACT, "5.4.286", NULL },
		{ "5.4.250", NVMX_MATCH_NEAREST, "5.4.286", NULL },
		{ "5.4.215", NVMX_MATCH_NEAREST, "5.4.210",
		  "KVM: nVMX: Let userspace set nVMX MSR to any _host_ supported value" },
		{ "5.4.0", NVMX_MATCH_NEAREST, "5.4.210", NULL },
		{ "4.19.316", NVMX_MATCH_TOO_OLD, NULL, NULL },
		{ "5.3", NVMX_MATCH_TOO_OLD, NULL, NULL },
		{ "4.18.0", NVMX_MATCH_TOO_OLD, NULL, NULL },
		{ "7.3", NVMX_MATCH_TOO_NEW, NULL, NULL },
		{ "8.0.1", NVMX_MATCH_TOO_NEW, NULL, NULL },
		{ "7.2.20", NVMX_MATCH_NEAREST, "7.2.13", NULL },
		/* Debian: ABI 41 is the package 6.1.158, 55-57 are 6.1.192 */
		{ "6.1.0-41-amd64", NVMX_MATCH_NEAREST, "6.1.158", "Debian's patches (not modelled)" },
		{ "6.1.0-57-amd64", NVMX_MATCH_EXACT, "debian-12", NULL },
		{ "6.1.0-55-cloud-amd64", NVMX_MATCH_EXACT, "debian-12", NULL },
		{ "6.1.0-18-amd64", NVMX_MATCH_NEAREST, "6.1.158", "KVM: nVMX: Properly expose ENABLE_USR_WAIT_PAUSE control to L1" },
		{ "5.10.0-46-amd64", NVMX_MATCH_EXACT, "debian-11", NULL },
		/* ABI 28 is 5.10.205: Debian's lineage (debian-11, the 5.10.y row), not 5.10.0 */
		{ "5.10.0-28-amd64", NVMX_MATCH_NEAREST, "debian-11",
		  "KVM: nVMX: Let userspace set nVMX MSR to any _host_ supported value" },
		/* ABI 35 is 5.10.237, ABI 26 of 6.1 is 6.1.112 (issue 12: they became 5.10.0 / 6.1.0) */
		{ "5.10.0-35-amd64", NVMX_MATCH_NEAREST, "debian-11",
		  "KVM: VMX: Bury Intel PT virtualization (guest/host mode) behind CONFIG_BROKEN" },
		{ "6.1.0-26-amd64", NVMX_MATCH_NEAREST, "6.1.158",
		  "KVM: VMX: Bury Intel PT virtualization (guest/host mode) behind CONFIG_BROKEN" },
		/* a Debian series without an ABI table or a Debian row: the stable row, approximate */
		{ "6.0.0-1-amd64", NVMX_MATCH_NEAREST, "6.0.19", "Debian's patches (not modelled)" },
		/* plain 5.10.262 (Debian 11's version): the 5.10.y stable row, with its changes named */
		{ "5.10.262", NVMX_MATCH_NEAREST, "5.10.265",
		  "KVM: nVMX: Let userspace set nVMX MSR to any _host_ supported value" },
		{ "5.10.265", NVMX_MATCH_EXACT, "5.10.265", NULL },
		{ "5.10.50", NVMX_MATCH_NEAREST, "5.10",
		  "KVM: nVMX: Filter out all unsupported controls when eVMCS was activated" },
		{ "6.1.200", NVMX_MATCH_NEAREST, "6.1.158",
		  "stable updates after the series' newest row (not read)" },
		{ "6.12.118+deb13-amd64", NVMX_MATCH_EXACT, "debian-13", NULL },
		{ "6.12.48+deb13-amd64", NVMX_MATCH_NEAREST, "6.12.33", NULL },
		/* Ubuntu */
		{ "6.8.0-31-generic", NVMX_MATCH_EXACT, "ubuntu-24.04-6.8.0-31", NULL },
		{ "6.8.0-45-generic", NVMX_MATCH_NEAREST, "ubuntu-24.04-6.8.0-31", NULL },
		/* between 6.8.0-31 and -90: the later build's backports may be in it */
		{ "6.8.0-60-generic", NVMX_MATCH_NEAREST, "ubuntu-24.04-6.8.0-31",
		  "Revert \"KVM: VMX: Move LOAD_IA32_PERF_GLOBAL_CTRL errata handling out of setup_vmcs_config()\"" },
		/* 6.8.0-90: 24.04's GA row (22.04's HWE row is the same build of the same source) */
		{ "6.8.0-90-generic", NVMX_MATCH_EXACT, "ubuntu-24.04", NULL },
		{ "6.8.0-100-generic", NVMX_MATCH_NEAREST, "ubuntu-24.04", NULL },	/* newest build not newer */
		{ "6.8.0-20-generic", NVMX_MATCH_NEAREST, "ubuntu-24.04-6.8.0-31", NULL },	/* else the oldest */
		{ "5.15.0-160-generic", NVMX_MATCH_NEAREST, "ubuntu-22.04", NULL },
		{ "5.15.0-185-generic", NVMX_MATCH_EXACT, "ubuntu-22.04", NULL },
		{ "6.17.0-8-generic", NVMX_MATCH_NEAREST, "ubuntu-24.04-hwe", NULL },
		/* 5.4.0-132 ... -215: -131's row, and what -216 has that it lacks may differ */
		{ "5.4.0-150-generic", NVMX_MATCH_NEAREST, "ubuntu-20.04-5.4.0-131",
		  "Ubuntu stable updates and SRU backports of this build" },
		{ "5.4.0-150-generic", NVMX_MATCH_NEAREST, "ubuntu-20.04-5.4.0-131",
		  "KVM: nVMX: Let userspace set nVMX MSR to any _host_ supported value" },
		{ "5.4.0-131-generic", NVMX_MATCH_EXACT, "ubuntu-20.04-5.4.0-131", NULL },
		{ "5.4.0-26-generic", NVMX_MATCH_NEAREST, "ubuntu-20.04-5.4.0-131", NULL },
		{ "5.4.0-216-generic", NVMX_MATCH_EXACT, "ubuntu-20.04", NULL },
		{ "5.4.0-218-generic", NVMX_MATCH_NEAREST, "ubuntu-20.04", NULL },
		{ "4.15.0-213-generic", NVMX_MATCH_TOO_OLD, NULL, NULL },
		/* Ubuntu builds of a series without an Ubuntu row: never exactly the upstream row */
		{ "6.5.0-44-generic", NVMX_MATCH_NEAREST, "6.5",
		  "Ubuntu's patches and stable updates (not modelled)" },
		/* Ubuntu 24.04's HWE kernels 6.11 and 6.14: their rows, approximately (builds differ) */
		{ "6.14.0-37-generic", NVMX_MATCH_NEAREST, "ubuntu-24.04-hwe-6.14",
		  "Ubuntu stable updates and SRU backports of this build" },
		{ "6.11.0-29-generic", NVMX_MATCH_NEAREST, "ubuntu-24.04-hwe-6.11",
		  "Ubuntu stable updates and SRU backports of this build" },
		/* the build whose tree was run (Ubuntu 6.11.0-19.19) */
		{ "6.11.0-19-generic", NVMX_MATCH_EXACT, "ubuntu-24.04-hwe-6.11", NULL },
		{ "6.9.0-1-generic", NVMX_MATCH_NEAREST, "6.9",
		  "Ubuntu's patches and stable updates (not modelled)" },
		/* RHEL and rebuilds */
		{ "5.14.0-570.32.1.el9_6.x86_64", NVMX_MATCH_EXACT, "rhel-9.6", NULL },
		{ "5.14.0-570.12.1.el9_6.x86_64", NVMX_MATCH_NEAREST, "rhel-9.6", NULL },
		{ "5.14.0-427.42.1.el9_4.x86_64", NVMX_MATCH_EXACT, "rhel-9.4", NULL },
		{ "6.12.0-55.24.1.el10_0.x86_64", NVMX_MATCH_EXACT, "rhel-10.0", NULL },
		{ "4.18.0-553.66.1.el8_10.x86_64", NVMX_MATCH_EXACT, "rhel-8.10", NULL },
		{ "4.18.0-477.10.1.el8_8.x86_64", NVMX_MATCH_NOT_MODELLED, NULL, NULL },
		{ "5.14.0-284.30.1.el9_2.x86_64", NVMX_MATCH_NOT_MODELLED, NULL, NULL },
		/* Proxmox */
		/*
		 * Proxmox's trees are assembled from public parts (kharness/TREES.md):
		 * the Ubuntu base with its stable updates is not public, so even the
		 * build the row names is nearest, saying what its tree lacks.
		 */
		{ "7.0.14-14-pve", NVMX_MATCH_NEAREST, "pve-9.2",
		  "the 7.0.1-7.0.14 stable updates and Ubuntu's own backports (the tree is upstream 7.0.0 + Proxmox's patches)" },
		{ "7.0.14-10-pve", NVMX_MATCH_NEAREST, "pve-9.2", NULL },
		{ "6.8.12-43-pve", NVMX_MATCH_NEAREST, "pve-8",
		  "Ubuntu 6.8.0-91 and later, the base of builds -18 on (the tree is Ubuntu 6.8.0-90 + Proxmox's patches)" },
		{ "6.14.11-9-pve", NVMX_MATCH_NEAREST, "pve-9.0",
		  "the 6.14.1-6.14.11 stable updates and Ubuntu's own backports (the tree is upstream 6.14.0 + Proxmox's patches)" },
		{ "6.17.13-21-pve", NVMX_MATCH_NEAREST, "pve-9.1",
		  "the 6.17.1-6.17.13 stable updates and Ubuntu's own backports (the tree is upstream 6.17.0 + Proxmox's patches)" },
		/* earlier builds of the same version: the same VMX patches (pve-kernel read) */
		{ "6.8.12-4-pve", NVMX_MATCH_NEAREST, "pve-8", NULL },
		{ "6.14.11-2-pve", NVMX_MATCH_NEAREST, "pve-9.0", NULL },
		{ "6.17.13-1-pve", NVMX_MATCH_NEAREST, "pve-9.1", NULL },
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
		bool says = m.how != NVMX_MATCH_NEAREST || (m.kernel && m.nmay);
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
	past_known_changes();
	distribution_builds();
	return tap_done();
}
