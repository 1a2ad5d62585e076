/* SPDX-License-Identifier: MIT */
/*
 * nvmx upgrade: would VMs started under one KVM release restore under
 * another on the same host (the review thread's question: the new
 * KVM_SET_MSRS must accept what the old KVM_GET_MSRS returned)?
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "fleet.h"
#include "kvmopts.h"
#include "opts.h"
#include "vcpu_opts.h"
#include "print.h"
#include "partial.h"

#define MAX_HOSTS 4096

/* Counts are of hosts: an inventory's profile counts as many hosts as it stands for. */
struct pair_stats {
	unsigned long long hosts, broken, fixed_by_revoke, not_loading;
	unsigned long long not_proven;	/* partial hosts that break on some completion */
	/* per MSR and bit: how many hosts break on it, and one example */
	unsigned long long bit_hosts[NVMX_MSR_COUNT][64];
	const char *bit_example[NVMX_MSR_COUNT][64];
	unsigned long long other[NVMX_MSR_COUNT];	/* rejections that are not bit additions */
};

/*
 * One host, or one profile of an inventory: the host with its environment,
 * the parameters given, the release it runs now (inventories; NULL:
 * --from-kvm), and how many hosts it stands for.
 */
struct unit {
	struct nvmx_hostfile hf;	/* hf.host has the environment applied */
	struct nvmx_params params;	/* what was given (nvmx_params_for carries it) */
	const struct nvmx_kernel *now;
	unsigned long long weight;
	uint64_t features;		/* the VM's guest CPUID on this host */
	uint64_t from_features;		/* ... on the old release (--from-guest-cpuid) */
};

struct host_verdict {
	bool old_ok, new_ok, migratable, revoke_ok;
	bool not_proven;		/* a partial host: some completions break, some not */
	bool as_given;			/* ... and what the input's assumption gives */
	struct nvmx_partial_result pr;	/* ... and the bits that decide */
	struct nvmx_migration m;
};

/*
 * The VM's guest CPUID, PMU version and quirks, when the VMM sets them: the
 * same on both releases (a VM keeps its CPUID across an upgrade), unless a
 * --from-... option says the VM ran with others on the old one.
 */
struct guest { bool set; const char *spec; unsigned pmu; uint64_t quirks; };
struct vm_pair { struct guest from, to; };

static int guest_features(const struct guest *g, const struct nvmx_hostfile *hf, uint64_t *f)
{
	*f = 0;
	return g->set ? guest_cpuid_parse("upgrade", g->spec, hf, f) : 0;
}

/* One host under release k with its parameters, running the VM. */
static void scenario_for(struct nvmx_scenario *s, const struct unit *un,
			 const struct nvmx_kernel *k, const struct guest *g, uint64_t features)
{
	struct nvmx_params p;
	nvmx_params_for(k, &un->params, &p);
	nvmx_scenario_init(s, &un->hf.host, false, k, &p);
	s->vm = (struct nvmx_vm){ .cpuid_set = g->set, .guest_features = features,
				  .pmu_version = g->pmu, .quirks_disabled = g->quirks };
}

/* One completion of a partial host: does the VM still restore after the upgrade? */
struct completion_ctx {
	const struct unit *un;
	const struct nvmx_kernel *from, *to;
	const struct vm_pair *g;
};

static bool upgrade_completion(void *ctx, const struct nvmx_host *src, const struct nvmx_host *dst)
{
	const struct completion_ctx *c = ctx;
	static struct unit un;
	static struct nvmx_scenario s1, s2;
	static struct nvmx_vcpu v;
	static struct nvmx_migration m;
	struct nvmx_msrs saved;
	(void)dst;	/* one machine: the same completion */
	un = *c->un;
	un.hf.host = *src;
	scenario_for(&s1, &un, c->from, &c->g->from, un.from_features);
	if (!nvmx_scenario_usable(&s1))
		return true;	/* no VM with VMX to carry over */
	scenario_for(&s2, &un, c->to, &c->g->to, un.features);
	if (!nvmx_scenario_usable(&s2))
		return false;
	nvmx_scenario_save(&s1, &saved);
	nvmx_check(&m, &v, &s2, &saved, NULL, 0);
	return m.migratable;
}

static void verdict(const struct unit *un, const struct nvmx_kernel *from,
		    const struct nvmx_kernel *to, const struct vm_pair *g, struct host_verdict *hv)
{
	static struct nvmx_scenario src, dst;
	static struct nvmx_vcpu v;
	static struct nvmx_remedies fx;
	struct nvmx_msrs saved;

	memset(hv, 0, sizeof(*hv));
	scenario_for(&src, un, from, &g->from, un->from_features);
	scenario_for(&dst, un, to, &g->to, un->features);
	hv->old_ok = nvmx_scenario_usable(&src);
	hv->new_ok = nvmx_scenario_usable(&dst);
	if (!hv->old_ok || !hv->new_ok)
		return;
	nvmx_scenario_save(&src, &saved);
	nvmx_check(&hv->m, &v, &dst, &saved, NULL, 0);
	hv->migratable = hv->m.migratable;
	/*
	 * A partial host: "ok" only if no completion of its unknown bits breaks,
	 * and "breaks" only if none is ok; otherwise NOT PROVEN.
	 */
	if (partial_has_unknown(&un->hf)) {
		struct nvmx_unknown u;
		struct completion_ctx c = { un, from, to, g };
		partial_unknowns(&un->hf, &u);
		nvmx_partial_search(&hv->pr, &un->hf.host, &u, &un->hf.host, &u, true,
				    upgrade_completion, &c);
		hv->not_proven = hv->pr.answer == NVMX_PARTIAL_DEPENDS ||
				 (hv->migratable && hv->pr.answer != NVMX_PARTIAL_HOLDS);
		hv->as_given = hv->migratable;
		if (hv->not_proven)
			hv->migratable = false;
	}
	if (hv->migratable || hv->not_proven)
		return;
	nvmx_remedies(&fx, NVMX_REMEDY_REVOKE, &src, &dst, &saved, &hv->m, NULL, 0);
	hv->revoke_ok = fx.policy != NVMX_POLICY_STRICT;
}

static void account(struct pair_stats *s, const struct host_verdict *hv, const char *name,
		    unsigned long long wt)
{
	s->hosts += wt;
	if (!hv->old_ok || !hv->new_ok) {
		s->not_loading += wt;
		return;
	}
	if (hv->migratable)
		return;
	if (hv->not_proven) {
		s->not_proven += wt;
		return;
	}
	s->broken += wt;
	s->fixed_by_revoke += hv->revoke_ok ? wt : 0;
	for (unsigned i = 0; i < hv->m.nwrites; i++) {
		const struct nvmx_write *w = &hv->m.writes[i];
		if (!w->r.rc)
			continue;
		if (!w->r.bits) {
			s->other[w->id] += wt;
			continue;
		}
		for (unsigned b = 0; b < 64; b++)
			if ((w->r.bits >> b) & 1) {
				if (!s->bit_hosts[w->id][b])
					s->bit_example[w->id][b] = name;
				s->bit_hosts[w->id][b] += wt;
			}
	}
}

static void bit_label(FILE *f, enum nvmx_msr_id id, unsigned b)
{
	const struct nvmx_field *fld = nvmx_field_at(id, b);
	bool ctl = nvmx_msr_desc(id)->layout == NVMX_LAYOUT_CONTROLS;
	fprintf(f, "%s bit %u", nvmx_msr_desc(id)->sdm, ctl ? b % 32 : b);
	if (fld)
		fprintf(f, " %s%s%s%s", fld->linux_name ? fld->linux_name : fld->sdm,
			fld->qemu ? " (" : "", fld->qemu ? fld->qemu : "", fld->qemu ? ")" : "");
	if (ctl)
		fprintf(f, ", %s", b >= 32 ? "allowed-1" : "allowed-0");
}

static void print_stats(const struct pair_stats *s, const char *from, const char *to, bool md)
{
	if (md) {
		printf("| %s → %s | %llu/%llu", from, to, s->broken, s->hosts - s->not_loading);
		if (s->not_proven)
			printf(" (%llu not proven)", s->not_proven);
		printf(" | %llu | ", s->fixed_by_revoke);
	} else {
		printf("%s -> %s: %llu of %llu hosts break", from, to, s->broken, s->hosts - s->not_loading);
		if (s->not_proven)
			printf(", %llu not proven (partial hosts that break for some value of their unknown "
			       "bits)", s->not_proven);
		if (s->not_loading)
			printf(" (%llu where a release does not load or nested is off)", s->not_loading);
		if (s->broken)
			printf("; the revoke list (hypothetical) would fix %llu", s->fixed_by_revoke);
		printf("\n");
	}
	bool first = true;
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		for (unsigned b = 0; b < 64; b++) {
			if (!s->bit_hosts[id][b])
				continue;
			if (md) {
				printf("%s", first ? "" : "<br>");
				bit_label(stdout, (enum nvmx_msr_id)id, b);
				printf(": %llu (e.g. %s)", s->bit_hosts[id][b], s->bit_example[id][b]);
			} else {
				printf("    ");
				bit_label(stdout, (enum nvmx_msr_id)id, b);
				printf(": %llu hosts, e.g. %s\n", s->bit_hosts[id][b], s->bit_example[id][b]);
			}
			first = false;
		}
		if (s->other[id]) {
			if (md)
				printf("%s%s: %llu (other rule)", first ? "" : "<br>",
				       nvmx_msr_desc((enum nvmx_msr_id)id)->sdm, s->other[id]);
			else
				printf("    %s: %llu hosts (other rule)\n",
				       nvmx_msr_desc((enum nvmx_msr_id)id)->sdm, s->other[id]);
			first = false;
		}
	}
	if (md)
		printf("%s |\n", first ? "—" : "");
}

struct upgrade_args {
	struct kvm_opts ko;
	struct guest g, gf;		/* gf: the --from-... overrides */
	bool gf_cpuid, gf_pmu, gf_quirks;	/* which of them were given */
	const char *from_name, *to_name, *releases, *path, *inventory;
	const char *format;
	bool all;
	uint64_t quirks, from_quirks;
	struct nvmx_hostfile *hosts;
	unsigned nhosts;
};

static int opt_release(void *ctx, const struct opt *o, const char *v)
{
	struct upgrade_args *u = ctx;
	if (!cli_kernel_arg("upgrade", v, false))	/* the names every command takes */
		return EXIT_USAGE;
	*(!strcmp(o->name, "from-kvm") ? &u->from_name : &u->to_name) = v;
	return 0;
}

static int opt_cpuid(void *ctx, const struct opt *o, const char *v)
{
	struct upgrade_args *u = ctx;
	bool from = !strncmp(o->name, "from-", 5);
	struct guest *g = from ? &u->gf : &u->g;
	u->gf_cpuid |= from;
	g->set = true;
	g->spec = v;
	return 0;
}

static int opt_pmu(void *ctx, const struct opt *o, const char *v)
{
	struct upgrade_args *u = ctx;
	char *end;
	bool from = !strncmp(o->name, "from-", 5);
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || n > 255)
		return cli_usage_error("upgrade", "--%s needs 0..255", o->name);
	(from ? &u->gf : &u->g)->pmu = (unsigned)n;
	u->gf_pmu |= from;
	return 0;
}

static int opt_quirks(void *ctx, const struct opt *o, const char *v)
{
	struct upgrade_args *u = ctx;
	char *end;
	bool from = !strncmp(o->name, "from-", 5);
	errno = 0;
	unsigned long long q = strtoull(v, &end, 0);
	if (!*v || *end || errno)
		return cli_usage_error("upgrade", "--%s needs a mask (e.g. 0x100)", o->name);
	*(from ? &u->from_quirks : &u->quirks) = q;
	u->gf_quirks |= from;
	return 0;
}

/* --kernel names one release where upgrade needs two: refused, saying which. */
static int opt_one_release(void *ctx, const struct opt *o, const char *v)
{
	(void)ctx, (void)o, (void)v;
	return cli_usage_error("upgrade", "use --from-kvm OLD and --kvm NEW");
}

static int operand_host(void *ctx, const char *arg)
{
	struct upgrade_args *u = ctx;
	if (u->nhosts >= MAX_HOSTS)
		return cli_usage_error("upgrade", "more than %d hosts", MAX_HOSTS);
	int rc = cli_load_host("upgrade", arg, &u->hosts[u->nhosts]);
	if (!rc)
		u->nhosts++;
	return rc;
}

const struct opt upgrade_opts[] = {
	OPT_CALL("from-kvm", NULL, "OLD", opt_release, "the release the VMs were started under"),
	OPT_CALL("kvm", "to-kvm", "NEW", opt_release, "the release they restore under"),
	OPT_CALL_AT("param", NULL, "NAME=VALUE", kvmopts_opt, struct upgrade_args, ko,
		    "a kvm_intel parameter, both releases (repeatable)"),
	OPT_CALL_AT("hyperv-evmcs", NULL, NULL, kvmopts_opt, struct upgrade_args, ko,
		    "KVM runs on Hyper-V with the enlightened VMCS"),
	OPT_CALL("guest-cpuid", NULL, "SPEC", opt_cpuid,
		 "the VM's CPUID (host|none|empty[,+flag|,-flag]...), on both releases"),
	OPT_CALL("pmu-version", NULL, "N", opt_pmu, "the VM's CPUID.0xA version"),
	OPT_CALL("disable-quirks", NULL, "MASK", opt_quirks, "the VM's KVM_CAP_DISABLE_QUIRKS2 mask"),
	OPT_CALL("from-guest-cpuid", NULL, "SPEC", opt_cpuid,
		 "the VM's CPUID under OLD, when it differed (default: --guest-cpuid)"),
	OPT_CALL("from-pmu-version", NULL, "N", opt_pmu,
		 "the VM's CPUID.0xA version under OLD (default: --pmu-version)"),
	OPT_CALL("from-disable-quirks", NULL, "MASK", opt_quirks,
		 "the VM's quirks mask under OLD (default: --disable-quirks)"),
	OPT_STRING("inventory", NULL, "FILE", struct upgrade_args, inventory,
		   "hosts of a fleet inventory (docs/fleet.md), counted by host; a line's release is OLD"
		   " unless --from-kvm"),
	OPT_FLAG("all", NULL, struct upgrade_args, all, "every upgrade pair along a release history"),
	OPT_STRING("releases", NULL, "A,B,...", struct upgrade_args, releases,
		   "with --all: only these releases"),
	OPT_STRING("path", NULL, "A,B,...", struct upgrade_args, path,
		   "an operator's path: A->B, B->C, ... and back (B->A, ...), printed as --all does"),
	OPT_FORMAT(struct upgrade_args, format,
		   "text (default), json (one JSON document) or, with --all or --path, markdown"),
	OPT_FORMAT_FLAG("json", struct upgrade_args, format, "one JSON document (--format json)"),
	OPT_FORMAT_FLAG("markdown", struct upgrade_args, format, "the same as --format markdown"),
	OPT_CALL("kernel", NULL, "RELEASE", opt_one_release, NULL),	/* refused: not in --help */
	OPT_END,
};

static int parse_releases(const char *list, const struct nvmx_kernel **sel, unsigned *nsel)
{
	for (const char *rl = list; *rl;) {
		char name[128];
		size_t len = strcspn(rl, ",");
		if (!len || len >= sizeof(name) || *nsel >= 64)
			return cli_usage_error("upgrade", "--releases: bad list '%s'", list);
		memcpy(name, rl, len);
		name[len] = 0;
		if (!(sel[(*nsel)++] = cli_kernel_arg("upgrade", name, false)))
			return EXIT_USAGE;
		rl += len + (rl[len] == ',');
	}
	return 0;
}

static void stats_json(const struct pair_stats *s, const char *from, const char *to, bool first)
{
	printf("%s{\"from\":\"%s\",\"to\":\"%s\",\"hosts\":%llu,\"broken\":%llu,\"not_proven\":%llu,"
	       "\"not_loading\":%llu,\"revoke_fixes\":%llu,\"revoke_hypothetical\":true,\"bits\":[",
	       first ? "" : ",", from, to, s->hosts - s->not_loading, s->broken, s->not_proven,
	       s->not_loading, s->fixed_by_revoke);
	bool f1 = true;
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		for (unsigned b = 0; b < 64; b++) {
			if (!s->bit_hosts[id][b])
				continue;
			const struct nvmx_field *fld = nvmx_field_at((enum nvmx_msr_id)id, b);
			bool ctl = nvmx_msr_desc((enum nvmx_msr_id)id)->layout == NVMX_LAYOUT_CONTROLS;
			printf("%s{\"msr\":\"%s\",\"bit\":%u,\"half\":\"%s\",\"name\":", f1 ? "" : ",",
			       nvmx_msr_desc((enum nvmx_msr_id)id)->sdm, ctl ? b % 32 : b,
			       ctl ? (b >= 32 ? "allowed-1" : "allowed-0") : "field");
			cli_json_str(stdout, fld ? (fld->linux_name ? fld->linux_name : fld->sdm) : "reserved");
			printf(",\"hosts\":%llu,\"example\":", s->bit_hosts[id][b]);
			cli_json_str(stdout, s->bit_example[id][b]);
			putchar('}');
			f1 = false;
		}
	printf("],\"other\":{");
	f1 = true;
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (s->other[id]) {
			printf("%s\"%s\":%llu", f1 ? "" : ",", nvmx_msr_desc((enum nvmx_msr_id)id)->sdm,
			       s->other[id]);
			f1 = false;
		}
	printf("}}");
}

/* The verdicts over the units: one pair (per host), or the pairs (--all, --path). */
static int run(const struct upgrade_args *u, const struct vm_pair *g, const struct unit *units,
	       unsigned nunits, const struct nvmx_kernel **sel, unsigned nsel, bool all, bool md,
	       bool json)
{
	static struct pair_stats stats;
	static struct host_verdict hv;
	const char *from_name = u->from_name, *to_name = u->to_name;

	if (!all) {
		const struct nvmx_kernel *to = nvmx_kernel_for_uname(to_name);	/* as opt_release resolved it */
		bool any_broken = false;
		memset(&stats, 0, sizeof(stats));
		if (json) {
			printf("{\"from\":");
			if (from_name)
				printf("\"%s\"", from_name);
			else
				printf("null");	/* each inventory line's own release */
			printf(",\"to\":\"%s\",\"hosts\":[", to_name);
		}
		for (unsigned h = 0; h < nunits; h++) {
			/* --from-kvm, else the release the inventory says the host runs. */
			const struct nvmx_kernel *from = from_name ? nvmx_kernel_for_uname(from_name) : units[h].now;
			const char *name = units[h].hf.name;
			verdict(&units[h], from, to, g, &hv);
			account(&stats, &hv, name, units[h].weight);
			any_broken |= hv.old_ok && hv.new_ok && !hv.migratable;	/* not proven too */
			char why[CLI_REASON_MAX];
			if (json) {
				printf("%s{\"host\":", h ? "," : "");
				cli_json_str(stdout, name);
				printf(",\"from\":\"%s\",\"count\":%llu", nvmx_kernel_name(from),
				       units[h].weight);
				printf(",\"loads\":%s,\"migratable\":%s,\"not_proven\":%s,\"deciding\":",
				       hv.old_ok && hv.new_ok ? "true" : "false",
				       hv.old_ok && hv.new_ok && hv.migratable ? "true" : "false",
				       hv.not_proven ? "true" : "false");
				if (hv.not_proven)
					partial_decide_json(stdout, &hv.pr, false);
				else
					printf("null");
				printf(",\"revoke_fixes\":%s,\"revoke_hypothetical\":%s,\"rejected\":[",
				       hv.revoke_ok ? "true" : "false", hv.revoke_ok ? "true" : "false");
				bool first = true;
				for (unsigned i = 0; i < hv.m.nwrites; i++)
					if (hv.m.writes[i].r.rc) {
						nvmx_result_describe(&hv.m.writes[i].r, why, sizeof(why));
						printf("%s", first ? "" : ",");
						cli_json_str(stdout, why);
						first = false;
					}
				printf("]}");
				continue;
			}
			printf("%-45s ", name);
			if (u->inventory)
				printf("(%llu host%s, from %s) ", units[h].weight,
				       units[h].weight == 1 ? "" : "s", nvmx_kernel_name(from));
			if (!hv.old_ok || !hv.new_ok) {
				printf("n/a: KVM %s does not load or has nested=0\n",
				       nvmx_kernel_name(!hv.old_ok ? from : to));
				continue;
			}
			if (hv.migratable) {
				printf("ok\n");
				continue;
			}
			if (hv.not_proven) {
				char dec[1024];
				partial_decide_text(&hv.pr, false, dec, sizeof(dec));
				printf("NOT PROVEN (a partial host: %s as given; these unknown bits decide: %s)\n",
				       hv.as_given ? "ok" : "breaks", dec);
				continue;
			}
			printf("BREAKS%s\n", hv.revoke_ok ? " (the revoke list would fix it: hypothetical)" : "");
			for (unsigned i = 0; i < hv.m.nwrites; i++)
				if (hv.m.writes[i].r.rc) {
					nvmx_result_describe(&hv.m.writes[i].r, why, sizeof(why));
					printf("    %s\n", why);
				}
		}
		if (json) {
			printf("]");
			cli_json_approximate(stdout);
			printf("}\n");
		}
		else
			print_stats(&stats, from_name ? from_name : "each host's release", to_name, false);
		return any_broken ? EXIT_NO : EXIT_OK;
	}

	if (md && !json)
		printf("| upgrade | hosts that break | fixed by the revoke list (hypothetical) | rejected bits: hosts (example) |\n"
		       "|---|---|---|---|\n");
	if (!nsel)
		for (unsigned k = 0; k < nvmx_kernel_count() && nsel < 64; k++)
			sel[nsel++] = nvmx_kernel_at(k);
	bool any_broken = false, first = true;
	if (json)
		printf("{\"pairs\":[");
	/* The pairs: every upgrade along a release history, or along the path and back. */
	static unsigned pa[64 * 64], pb[64 * 64];
	unsigned np = 0;
	if (u->path) {
		for (unsigned i = 0; i + 1 < nsel; i++)
			pa[np] = i, pb[np++] = i + 1;
		for (unsigned i = nsel - 1; i > 0; i--)
			pa[np] = i, pb[np++] = i - 1;
	} else {
		for (unsigned a = 0; a < nsel; a++)
			for (unsigned b = 0; b < nsel; b++)
				if (nvmx_kernel_follows(sel[a], sel[b]))	/* upgrades along a release history */
					pa[np] = a, pb[np++] = b;
	}
	for (unsigned p = 0; p < np; p++) {
		unsigned a = pa[p], b = pb[p];
		{
			memset(&stats, 0, sizeof(stats));
			for (unsigned h = 0; h < nunits; h++) {
				verdict(&units[h], sel[a], sel[b], g, &hv);
				account(&stats, &hv, units[h].hf.name, units[h].weight);
			}
			any_broken |= stats.broken > 0 || stats.not_proven > 0;
			if (json)
				stats_json(&stats, nvmx_kernel_name(sel[a]), nvmx_kernel_name(sel[b]), first);
			else
				print_stats(&stats, nvmx_kernel_name(sel[a]), nvmx_kernel_name(sel[b]), md);
			first = false;
		}
	}
	if (json) {
		printf("]");
		cli_json_approximate(stdout);
		printf("}\n");
	}
	return any_broken ? EXIT_NO : EXIT_OK;
}

/*
 * The inventory's unique profiles as units (the run's --param and
 * --hyperv-evmcs apply to them as to HOST operands).  0 or EXIT_*.
 */
static int load_inventory(const char *path, const struct kvm_opts *o, struct unit **units,
			  unsigned *n)
{
	static struct fleet f;
	int rc = fleet_load_inventory(&f, "upgrade", path, o->hyperv_evmcs);
	struct unit *u = rc ? NULL : realloc(*units, ((size_t)*n + f.inv.nprof + 1) * sizeof(**units));
	if (!rc && !u)
		rc = cli_usage_error("upgrade", "out of memory");
	if (rc) {
		fleet_free(&f);
		return rc;
	}
	for (unsigned p = 0; p < f.inv.nprof; p++) {
		struct unit *un = &u[(*n)++];
		memset(un, 0, sizeof(*un));
		un->hf.host = f.inv.prof[p].host;
		un->hf.has_flags = f.inv.prof[p].host.features != 0;
		snprintf(un->hf.name, sizeof(un->hf.name), "%s", f.inv.prof[p].name);
		snprintf(un->hf.path, sizeof(un->hf.path), "%s", f.inv.prof[p].name);
		/* A partial host keeps what its input leaves unknown. */
		if (f.inv.prof[p].machine) {
			un->hf.partial = true;
			memcpy(un->hf.unknown, f.inv.prof[p].unknown.msr, sizeof(un->hf.unknown));
			un->hf.unknown_features = f.inv.prof[p].unknown.features;
		}
		/* The line's parameters, then the run's --param on top. */
		un->params = f.inv.prof[p].params;
		for (int q = 0; q < NVMX_P_COUNT; q++)
			if (o->params.given & (1u << q)) {
				un->params.val[q] = o->params.val[q];
				un->params.given |= 1u << q;
			}
		un->now = f.inv.prof[p].kernel;
		un->weight = f.inv.prof[p].count;
	}
	*units = u;
	fleet_free(&f);
	return 0;
}

int cmd_upgrade(int argc, char **argv)
{
	static struct nvmx_hostfile hosts[MAX_HOSTS];
	static struct upgrade_args u;
	struct unit *units = NULL;
	unsigned nunits = 0;
	const struct nvmx_kernel *sel[64];
	unsigned nsel = 0;
	memset(&u, 0, sizeof(u));
	u.hosts = hosts;

	int rc = opts_parse("upgrade", upgrade_opts, &u, NULL, operand_host, argc, argv);
	if (rc)
		return rc;
	struct kvm_opts o = u.ko;
	struct vm_pair g = { u.g, u.g };
	const char *from_name = u.from_name, *to_name = u.to_name;
	unsigned nhosts = u.nhosts;
	bool all = u.all || u.path;
	const char *fmt = u.format ? u.format : "text";
	bool md = !strcmp(fmt, "markdown"), json = !strcmp(fmt, "json");
	if (!md && !json && strcmp(fmt, "text"))
		return cli_usage_error("upgrade", "--format: text, json or markdown");
	if (md && !all)
		return cli_usage_error("upgrade", "--format markdown is the table of --all or --path");
	if (u.releases && u.path)
		return cli_usage_error("upgrade", "--releases and --path: choose one");
	if (u.releases && parse_releases(u.releases, sel, &nsel))
		return EXIT_USAGE;
	if (u.path && parse_releases(u.path, sel, &nsel))
		return EXIT_USAGE;
	if (u.path && nsel < 2)
		return cli_usage_error("upgrade", "--path needs at least two releases");
	if (u.releases) {
		bool pair = false;
		for (unsigned i = 0; i < nsel; i++)
			for (unsigned j = 0; j < nsel; j++)
				pair |= nvmx_kernel_follows(sel[i], sel[j]);
		if (!pair)
			return cli_usage_error("upgrade", "--releases %s: no two lie on one release history "
					       "(the mainline releases, a stable line, one distribution's "
					       "releases); --path takes any order", u.releases);
	}
	if (!nhosts && !u.inventory)
		return cli_usage_error("upgrade", "give at least one HOST (or --inventory FILE)");
	if (!all && (!(from_name || (u.inventory && !nhosts)) || !to_name))
		return cli_usage_error("upgrade", "--from-kvm OLD and --kvm NEW are required (or --all)");
	/* The VM's properties on both releases; --from-... replaces one on OLD. */
	g.to.quirks = u.quirks;
	g.from.quirks = u.gf_quirks ? u.from_quirks : u.quirks;
	if (u.gf_cpuid)
		g.from.set = true, g.from.spec = u.gf.spec;
	if (u.gf_pmu)
		g.from.pmu = u.gf.pmu;
	/* Parameters are checked against the newest release that has them. */
	o.kernel = nvmx_kernel_default();
	if ((rc = kvmopts_finish(&o, "upgrade", "")))
		return rc;
	if (!(units = calloc((size_t)nhosts + 1, sizeof(*units))))
		return cli_usage_error("upgrade", "out of memory");
	for (unsigned h = 0; h < nhosts; h++, nunits++) {
		units[h].hf = hosts[h];
		units[h].hf.host.hyperv_evmcs |= o.hyperv_evmcs;
		units[h].params = o.params;
		units[h].weight = 1;
	}
	if (u.inventory && (rc = load_inventory(u.inventory, &o, &units, &nunits))) {
		free(units);
		return rc;
	}
	for (unsigned h = 0; h < nunits; h++)
		if (guest_features(&g.to, &units[h].hf, &units[h].features) ||
		    guest_features(&g.from, &units[h].hf, &units[h].from_features)) {
			free(units);
			return EXIT_USAGE;
		}
	rc = run(&u, &g, units, nunits, sel, nsel, all, md, json);
	free(units);
	return rc;
}
