/* SPDX-License-Identifier: MIT */
/*
 * The inventory reader (include/nvmx/inventory.h) through the public API:
 * - tests/fleet_check.sh's fleet plus a duplicate and a nested=0 host: the
 *   unique profiles, names and host counts `nvmx matrix --json` lists for it
 *   ("groups"), with and without deduplication;
 * - HOST@RELEASE and directory operands named as the CLI names them, a
 *   release resolved to the nearest row reported, the bundled-dump lookup;
 * - every inventory row of docs/bad-input.md: the same inputs give the
 *   message the CLI prints there (after "nvmx baseline: "), file and line
 *   included;
 * - keeping profiles (as --skip-unusable) keeps their hosts and members.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "nvmx/nvmx.h"

static char repo[PATH_MAX];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void copy(const char *from, const char *to)
{
	char buf[1 << 16];
	FILE *a = fopen(from, "r"), *b = fopen(to, "w");
	size_t n;
	while (a && b && (n = fread(buf, 1, sizeof(buf), a)))
		fwrite(buf, 1, n, b);
	if (a)
		fclose(a);
	if (b)
		fclose(b);
}

/* docs/bad-input.md row id: the CLI's message after "nvmx CMD: " into msg. */
static int doc_message(const char *id, char *msg, size_t n)
{
	char path[PATH_MAX + 32], line[2048], head[64];
	snprintf(path, sizeof(path), "%s/docs/bad-input.md", repo);
	snprintf(head, sizeof(head), "| %s |", id);
	FILE *f = fopen(path, "r");
	int rc = -1;
	while (f && rc && fgets(line, sizeof(line), f)) {
		if (strncmp(line, head, strlen(head)))
			continue;
		char *end = strrchr(line, '`');
		char *start = end;
		while (start && start > line && start[-1] != '`')
			start--;
		char *colon = start ? strstr(start, ": ") : NULL;
		if (end && colon && colon < end) {
			snprintf(msg, n, "%.*s", (int)(end - colon - 2), colon + 2);
			rc = 0;
		}
	}
	if (f)
		fclose(f);
	return rc;
}

static unsigned approximations;
static char approx_asked[64];
static void on_approximate(void *ctx, const char *asked)
{
	(void)ctx;
	approximations++;
	snprintf(approx_asked, sizeof(approx_asked), "%s", asked);
}

static const char fleet_jsonl[] =
	"{\"name\":\"a\",\"dump\":\"data/hosts/intel-core-i7-6700k.msrs\",\"kvm\":\"6.1\"}\n"
	"{\"name\":\"b\",\"dump\":\"data/hosts/intel-core2-x6800.msrs\",\"kvm\":\"6.12\"}\n"
	"{\"name\":\"c\",\"dump\":\"data/hosts/centaur-es-cns-0040672.msrs\",\"kvm\":\"5.19\"}\n"
	"{\"name\":\"d\",\"dump\":\"data/hosts/centaur-es-cns-0040672.msrs\",\"kvm\":\"6.1\"}\n"
	"{\"name\":\"e\",\"dump\":\"data/hosts/intel-xeon-platinum-8180.msrs\",\"kvm\":\"5.15\",\"params\":{\"ept\":\"0\"}}\n"
	"{\"name\":\"f\",\"dump\":\"data/hosts/intel-core-i9-13900k.msrs\",\"kvm\":\"7.0\"}\n"
	"\n"
	"{\"name\":\"g\",\"dump\":\"data/hosts/intel-core-i9-13900k.msrs\",\"kvm\":\"6.18.2\"}\n"
	"{\"name\":\"h\",\"dump\":\"data/hosts/intel-xeon-platinum-8180.msrs\",\"kvm\":\"6.6\",\"hyperv_evmcs\":true}\n"
	"{\"name\":\"i\",\"dump\":\"data/hosts/intel-core-i7-6700k.msrs\",\"kvm\":\"6.1\",\"params\":{\"enable_apicv\":\"0\",\"pml\":\"0\"}}\n"
	"{\"name\":\"j\",\"dump\":\"data/hosts/intel-core-i7-6700k.msrs\",\"kvm\":\"6.1\"}\n"
	"{\"name\":\"k\",\"dump\":\"data/hosts/intel-celeron-j6412.msrs\",\"kvm\":\"6.1\",\"params\":{\"nested\":\"0\"}}\n";

/* `nvmx matrix --json` on that inventory: "groups" name, cpu, kvm, hosts. */
static const struct { const char *name, *cpu, *kvm; unsigned hosts; } groups[] = {
	{ "a", "Intel Core i7-6700K", "6.1", 2 },
	{ "b", "Intel Core2 X6800", "6.12", 1 },
	{ "c", "Centaur CNS engineering sample 2.2GHz", "5.19", 1 },
	{ "d", "Centaur CNS engineering sample 2.2GHz", "6.1", 1 },
	{ "e", "Intel Xeon Platinum 8180", "5.15", 1 },
	{ "f", "Intel Core i9-13900K", "7.0", 1 },
	{ "g", "Intel Core i9-13900K", "6.18.2", 1 },
	{ "h", "Intel Xeon Platinum 8180", "6.6", 1 },
	{ "i", "Intel Core i7-6700K", "6.1", 1 },
	{ "k", "Intel Celeron J6412", "6.1", 1 },
};

static void fleet_profiles(void)
{
	static struct nvmx_inventory inv;
	struct nvmx_diag d;
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/fleet.jsonl", getenv("TMPDIR_INV"));
	put(path, fleet_jsonl);

	nvmx_inventory_init(&inv);
	int rc = nvmx_inventory_read(&inv, path, &d);
	tap_ok(!rc, "the fleet reads (%s)", rc ? d.error.msg : "ok");
	tap_ok(inv.nhosts == 11 && inv.nprof == 10, "11 hosts, 10 profiles as nvmx matrix says (%llu, %u)",
	       inv.nhosts, inv.nprof);
	bool same = inv.nprof == 10;
	for (unsigned i = 0; same && i < 10; i++) {
		const struct nvmx_inventory_profile *p = &inv.prof[i];
		same = !strcmp(p->name, groups[i].name) && !strcmp(p->cpu, groups[i].cpu) &&
		       !strcmp(nvmx_kernel_name(p->kernel), groups[i].kvm) && p->count == groups[i].hosts;
		if (!same)
			tap_diag("profile %u: %s %s %s %llu", i, p->name, p->cpu, nvmx_kernel_name(p->kernel),
				 p->count);
	}
	tap_ok(same, "profiles in order with nvmx matrix's names, processors, releases and host counts");
	tap_ok(inv.prof[7].host.hyperv_evmcs && !inv.prof[0].host.hyperv_evmcs,
	       "\"hyperv_evmcs\": true is the profile's environment");
	tap_ok(inv.prof[4].params.val[NVMX_P_EPT] == 0 && inv.prof[0].params.val[NVMX_P_EPT] == 1 &&
	       inv.prof[8].params.val[NVMX_P_PML] == 0, "a line's params on top of the release's defaults");
	tap_ok(inv.nmembers == 0, "no members kept unless asked");
	nvmx_inventory_free(&inv);

	/* --no-dedup: a profile per host, every member named */
	nvmx_inventory_init(&inv);
	inv.dedup = false;
	inv.keep_members = true;
	rc = nvmx_inventory_read(&inv, path, &d);
	tap_ok(!rc && inv.nprof == 11 && inv.nmembers == 11 &&
	       !strcmp(nvmx_inventory_member_name(&inv, 9), "j") && inv.members[9].profile == 9,
	       "without dedup: 11 profiles, 11 members, j its own");
	/* keep the usable ones, as --skip-unusable: k (nested=0) goes, with its host */
	bool keep[11];
	unsigned map[11];
	for (unsigned i = 0; i < 11; i++)
		keep[i] = i != 10;
	nvmx_inventory_keep(&inv, keep, map);
	tap_ok(inv.nprof == 10 && inv.nhosts == 10 && inv.nmembers == 10 && map[10] == UINT32_MAX &&
	       map[9] == 9 && !strcmp(nvmx_inventory_member_name(&inv, 9), "j"),
	       "keeping profiles drops their hosts and members");
	keep[0] = false;
	nvmx_inventory_keep(&inv, keep, map);
	tap_ok(inv.nprof == 9 && inv.nhosts == 9 && inv.members[0].profile == 0 &&
	       !strcmp(nvmx_inventory_member_name(&inv, 0), "b") && !strcmp(inv.prof[0].name, "b"),
	       "members are renumbered with their profiles");
	nvmx_inventory_free(&inv);
}

static void operands(void)
{
	static struct nvmx_inventory inv;
	struct nvmx_diag d;
	const char *t = getenv("TMPDIR_INV");
	char dir[PATH_MAX], arg[PATH_MAX + 64], src[PATH_MAX + 64];
	snprintf(dir, sizeof(dir), "%s/dumps", t);
	mkdir(dir, 0755);
	static const char *const names[] = { "intel-xeon-e5-2620-v4", "intel-atom-c2750" };
	for (unsigned i = 0; i < 2; i++) {
		snprintf(src, sizeof(src), "%s/data/hosts/%s.msrs", repo, names[i]);
		snprintf(arg, sizeof(arg), "%s/%s.msrs", dir, names[i]);
		copy(src, arg);
	}
	nvmx_inventory_init(&inv);
	inv.approximate = on_approximate;
	inv.keep_members = true;
	snprintf(arg, sizeof(arg), "%s@6.1.999", dir);
	approximations = 0;
	int rc = nvmx_inventory_add_path(&inv, arg, &d);
	tap_ok(!rc && inv.nhosts == 2, "DIR@RELEASE: both dumps (%s)", rc ? d.error.msg : "ok");
	tap_ok(approximations == 1 && !strcmp(approx_asked, "6.1.999"),
	       "a release that is no row: the nearest, reported once");
	tap_ok(inv.nprof == 2 && !strcmp(inv.prof[0].name, "intel-atom-c2750@6.1.158") &&
	       !strcmp(inv.prof[1].name, "intel-xeon-e5-2620-v4@6.1.158") &&
	       !strcmp(inv.prof[0].cpu, "Intel Atom C2750"),
	       "hosts in name order, named BASE@RELEASE as baseline/matrix name them");
	snprintf(arg, sizeof(arg), "%s/intel-atom-c2750.msrs", dir);
	rc = nvmx_inventory_add_path(&inv, arg, &d);
	tap_ok(!rc && inv.nhosts == 3 && inv.nprof == 3 && !strcmp(inv.prof[2].name, "intel-atom-c2750"),
	       "a file at the default release: a profile of its own, named by its base name");
	snprintf(arg, sizeof(arg), "%s/intel-atom-c2750.msrs@%s", dir, nvmx_kernel_name(nvmx_kernel_default()));
	rc = nvmx_inventory_add_path(&inv, arg, &d);
	char want[160];
	snprintf(want, sizeof(want), "intel-atom-c2750@%s", nvmx_kernel_name(nvmx_kernel_default()));
	tap_ok(!rc && inv.nhosts == 4 && inv.nprof == 3 && inv.prof[2].count == 2 && inv.nmembers == 4 &&
	       inv.members[3].profile == 2 && !strcmp(nvmx_inventory_member_name(&inv, 3), want),
	       "the same host at the same release again: one profile, two hosts, the member named %s", want);
	nvmx_inventory_free(&inv);

	/* a bare dump name in an inventory: the bundled dumps */
	char path[PATH_MAX + 32], bundled[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/bundled.jsonl", t);
	put(path, "{\"name\":\"x\",\"dump\":\"intel-atom-c2750.msrs\",\"kvm\":\"6.1\"}\n"
		  "{\"name\":\"y\",\"dump\":\"intel-atom-c2750.msrs\",\"kvm\":\"5.10\"}\n");
	snprintf(bundled, sizeof(bundled), "%s/data/hosts", repo);
	nvmx_inventory_init(&inv);
	rc = nvmx_inventory_read(&inv, path, &d);
	tap_ok(rc && strstr(d.error.msg, "bundled.jsonl:1: dump 'intel-atom-c2750.msrs': no such file"),
	       "without dumps_dir a bare name is not found: %s", rc ? d.error.msg : "read");
	nvmx_inventory_free(&inv);
	nvmx_inventory_init(&inv);
	inv.dumps_dir = bundled;
	rc = nvmx_inventory_read(&inv, path, &d);
	tap_ok(!rc && inv.nprof == 2 && !strcmp(inv.prof[1].cpu, "Intel Atom C2750"),
	       "with dumps_dir: the bundled dump, read once for two releases");
	nvmx_inventory_free(&inv);
}

static void bad_input(void)
{
	/* tests/bad_input.sh's fixtures, in a directory of our own */
	static const struct { const char *row, *file, *text; } cases[] = {
		{ "inventory-1", "inv-syntax.jsonl", "{\"name\":\"a\",\"dump\":\"good.msrs\",\"kvm\":\"6.1\"}\n{\"name\":\"b\",}\n" },
		{ "inventory-2", "inv-key.jsonl", "{\"name\":\"a\",\"dump\":\"good.msrs\",\"kvmm\":\"6.1\"}\n" },
		{ "inventory-3", "inv-release.jsonl", "{\"dump\":\"good.msrs\",\"kvm\":\"9.9\"}\n" },
		{ "inventory-4", "inv-param.jsonl", "{\"dump\":\"good.msrs\",\"kvm\":\"5.10\",\"params\":{\"enable_pmu\":\"0\"}}\n" },
		{ "inventory-5", "inv-value.jsonl", "{\"dump\":\"good.msrs\",\"params\":{\"ept\":\"maybe\"}}\n" },
		{ "inventory-6", "inv-nodump.jsonl", "{\"dump\":\"nope.msrs\"}\n" },
		{ "inventory-7", "inv-both.jsonl", "{\"dump\":\"good.msrs\",\"msrs\":{\"IA32_VMX_BASIC\":\"0x00da040000000004\"}}\n" },
		{ "inventory-8", "inv-msrs.jsonl", "{\"name\":\"x\",\"msrs\":{\"IA32_VMX_BASIC\":\"0x1g\"}}\n" },
		{ "inventory-9", "inv-array.jsonl", "\n[1]\n" },
		{ "inventory-10", NULL, NULL },
	};
	char src[PATH_MAX + 64];
	snprintf(src, sizeof(src), "%s/data/hosts/intel-xeon-platinum-8180.msrs", repo);
	if (chdir(getenv("TMPDIR_INV")))
		return;
	mkdir("bad", 0755);
	copy(src, "good.msrs");
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct nvmx_inventory inv;
		struct nvmx_diag d;
		char path[128], want[1024];
		if (cases[i].file) {
			snprintf(path, sizeof(path), "bad/%s", cases[i].file);
			put(path, cases[i].text);
		} else {
			snprintf(path, sizeof(path), "nope.jsonl");
		}
		if (!tap_ok(!doc_message(cases[i].row, want, sizeof(want)), "docs/bad-input.md has %s",
			    cases[i].row))
			continue;
		nvmx_inventory_init(&inv);
		int rc = nvmx_inventory_read(&inv, path, &d);
		tap_ok(rc == -1 && !strcmp(d.error.msg, want), "%s: %s", cases[i].row, rc ? d.error.msg : "read");
		if (rc && strcmp(d.error.msg, want))
			tap_diag("the CLI prints: %s", want);
		nvmx_inventory_free(&inv);
	}
	if (chdir(repo))
		return;
}

/* Hosts a program already holds: equal ones are one profile, counted; errors in a diag. */
static void add_host(void)
{
	static struct nvmx_inventory inv;
	static struct nvmx_hostfile hf;
	struct nvmx_diag d;
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/data/hosts/intel-atom-c2750.msrs", repo);
	if (!tap_ok(!nvmx_hostfile_read(path, &hf, &d), "add_host: the dump reads"))
		return;
	const struct nvmx_kernel *k = nvmx_kernel_find("6.1");
	struct nvmx_params p, noept;
	nvmx_params_default(k, &p);
	nvmx_params_default(k, &noept);
	nvmx_params_set(k, &noept, "ept", "0", NULL);
	nvmx_inventory_init(&inv);
	inv.keep_members = true;
	int rc = nvmx_inventory_add_host(&inv, &hf.host, "Atom", "a", k, &p, false, &d);
	rc |= nvmx_inventory_add_host(&inv, &hf.host, "Atom", "b", k, &p, false, &d);
	tap_ok(!rc && d.error.code == NVMX_OK && inv.nprof == 1 && inv.prof[0].count == 2 &&
	       inv.nhosts == 2 && !strcmp(inv.prof[0].name, "a") &&
	       !strcmp(nvmx_inventory_member_name(&inv, 1), "b"),
	       "add_host: the same host twice is one profile of 2 hosts, named by the first");
	rc = nvmx_inventory_add_host(&inv, &hf.host, "Atom", "c", k, &noept, false, &d);
	rc |= nvmx_inventory_add_host(&inv, &hf.host, "Atom", "e", k, &p, true, NULL);
	tap_ok(!rc && inv.nprof == 3 && !inv.prof[1].params.val[NVMX_P_EPT] &&
	       inv.prof[2].host.hyperv_evmcs && !inv.prof[0].host.hyperv_evmcs,
	       "add_host: other parameters, or KVM on Hyper-V with eVMCS, are other profiles");
	nvmx_inventory_free(&inv);
}

int main(void)
{
	char tmpl[] = "/tmp/nvmx-inv.XXXXXX";
	if (!getcwd(repo, sizeof(repo)) || !mkdtemp(tmpl))
		return 2;
	setenv("TMPDIR_INV", tmpl, 1);
	fleet_profiles();
	operands();
	add_host();
	bad_input();
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	if (system(cmd))
		tap_diag("could not remove %s", tmpl);
	return tap_done();
}
