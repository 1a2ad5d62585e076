/* SPDX-License-Identifier: MIT */
/*
 * nvmx matrix: which hosts of a fleet can take VMs from which, under each
 * restore policy, as a text table, CSV, JSON or a self-contained HTML report.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "fleet.h"
#include "partial.h"
#include "nvmx/qemu_migrate.h"
#include "print.h"
#include "vcpu_opts.h"

enum mx_format { MX_TEXT, MX_CSV, MX_JSON, MX_HTML };

struct rows {
	bool per_host;
	size_t n;
	unsigned *prof;		/* profile of each row (per profile: shown profiles) */
	size_t *member;		/* per host: member index */
	size_t omitted;		/* profiles not shown (text/html limit) */
	unsigned long long omitted_hosts;
	enum nvmx_policy pol[3];	/* the policies of the matrix's slots */
};

/*
 * The VM's properties (--guest-cpuid, --pmu-version, --disable-quirks), the
 * same on every host as in nvmx check: 1 consumed, 0 not ours, -1 error.
 */
/* The VM of every cell; "host" would name one host's CPUID of many. 0 or EXIT_USAGE. */
static int apply_vm(const struct vcpu_opts *vo, struct nvmx_vm *vm)
{
	uint64_t features = 0;
	if (vo->guest_cpuid) {
		static const struct nvmx_hostfile none;
		if (!strncmp(vo->guest_cpuid, "host", 4) && strchr(",", vo->guest_cpuid[4]))
			return cli_usage_error("matrix", "--guest-cpuid host: a fleet has many hosts' "
					       "CPUIDs; give the VM's (none|empty[,+flag|,-flag]...)");
		if (guest_cpuid_parse("matrix", vo->guest_cpuid, &none, &features))
			return EXIT_USAGE;
	}
	*vm = (struct nvmx_vm){ .cpuid_set = vo->guest_cpuid != NULL, .guest_features = features,
				.pmu_version = vo->pmu_version, .quirks_disabled = vo->quirks_disabled };
	return 0;
}

static const char *row_name(const struct fleet *f, const struct rows *r, size_t i)
{
	return r->per_host ? nvmx_inventory_member_name(&f->inv, r->member[i]) : f->inv.prof[r->prof[i]].name;
}

static unsigned long long row_hosts(const struct fleet *f, const struct rows *r, size_t i)
{
	return r->per_host ? 1 : f->inv.prof[r->prof[i]].count;
}

/* Rows: every host (--per-host), else the profiles -- the most populous `limit` of them. */
static int make_rows(const struct fleet *f, struct rows *r, bool per_host, size_t limit)
{
	memset(r, 0, sizeof(*r));
	r->per_host = per_host;
	if (per_host) {
		r->n = f->inv.nmembers;
		r->prof = malloc((r->n + 1) * sizeof(*r->prof));
		r->member = malloc((r->n + 1) * sizeof(*r->member));
		if (!r->prof || !r->member)
			return cli_usage_error(f->cmd, "out of memory");
		for (size_t i = 0; i < r->n; i++) {
			r->member[i] = i;
			r->prof[i] = f->inv.members[i].profile;
		}
		return 0;
	}
	r->prof = malloc(((size_t)f->inv.nprof + 1) * sizeof(*r->prof));
	unsigned long long *hosts = malloc(((size_t)f->inv.nprof + 1) * sizeof(*hosts));
	if (!r->prof || !hosts) {
		free(hosts);
		return cli_usage_error(f->cmd, "out of memory");
	}
	for (unsigned i = 0; i < f->inv.nprof; i++)
		hosts[i] = f->inv.prof[i].count;
	r->n = nvmx_fleet_matrix_rows(hosts, f->inv.nprof, limit > UINT_MAX ? 0 : (unsigned)limit, r->prof,
				      &r->omitted_hosts);
	r->omitted = f->inv.nprof - r->n;
	free(hosts);
	return 0;
}

/* The cell of profile a -> b under each policy slot, as the library marks it. */
static char cell_char(const struct fleet *f, const struct fleet_matrix *mx, const struct rows *r,
		      unsigned a, unsigned b)
{
	unsigned char c[3];
	for (unsigned k = 0; k < mx->npol; k++)
		c[k] = (unsigned char)fleet_cell(f, mx, k, a, b);
	return nvmx_fleet_cell_mark(c, r->pol, mx->npol);
}

/*
 * Every not-proven cell among the rows, in row, column, policy order: the
 * one loop behind the text's list and the JSON's "not_proven".
 */
struct not_proven_cell {
	size_t from, to;		/* row numbers, from 1 */
	unsigned k;			/* policy slot */
	const struct nvmx_partial_result *pr;
	bool two_sides;			/* two partial inputs */
};

static void each_not_proven(const struct fleet *f, const struct fleet_matrix *mx, const struct rows *r,
			    void (*fn)(const struct fleet_matrix *mx, const struct not_proven_cell *c,
				       bool first))
{
	bool first = true;
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->n; j++)
			for (unsigned k = 0; k < mx->npol; k++) {
				const struct nvmx_partial_result *pr =
					fleet_cell_partial(mx, k, r->prof[i], r->prof[j]);
				if (!pr)
					continue;
				const struct nvmx_inventory_profile *pa = &f->inv.prof[r->prof[i]],
								    *pb = &f->inv.prof[r->prof[j]];
				struct not_proven_cell c = { i + 1, j + 1, k, pr,
							     pa->machine != pb->machine && pa->machine &&
							     pb->machine };
				fn(mx, &c, first);
				first = false;
			}
}

static void not_proven_text(const struct fleet_matrix *mx, const struct not_proven_cell *c, bool first)
{
	char dec[1024];
	(void)first;
	partial_decide_text(c->pr, c->two_sides, dec, sizeof(dec));
	printf("not proven %zu -> %zu%s%s: these unknown bits decide: %s\n", c->from, c->to,
	       mx->npol > 1 ? " " : "", mx->npol > 1 ? fleet_policy_name(mx->pol[c->k]) : "", dec);
}

static void not_proven_json(const struct fleet_matrix *mx, const struct not_proven_cell *c, bool first)
{
	printf("%s{\"from\":%zu,\"to\":%zu,\"policy\":\"%s\",\"exhaustive\":%s,\"deciding\":",
	       first ? "" : ",", c->from, c->to, fleet_policy_name(mx->pol[c->k]),
	       c->pr->exhaustive ? "true" : "false");
	partial_decide_json(stdout, c->pr, c->two_sides);
	putchar('}');
}

/* The legend of '?', when a cell has it. */
static void legend_not_proven(const struct fleet_matrix *mx)
{
	if (mx->nnpl)
		printf("? not proven: with a partial host (cpuinfo, vmxcap, libvirt) it migrates for some\n"
		       "  values of the bits its input does not give and not for others\n");
}

static void print_summary(const struct fleet *f, const struct fleet_matrix *mx, const char *indent)
{
	printf("%shost pairs that migrate (ordered, each host with itself counted):\n", indent);
	for (unsigned k = 0; k < mx->npol; k++)
	{
		printf("%s  %-13s %llu of %llu (%.1f%%)", indent, fleet_policy_name(mx->pol[k]),
		       mx->ok[k], mx->pairs, mx->pairs ? 100.0 * (double)mx->ok[k] / (double)mx->pairs : 0.0);
		if (mx->not_proven[k])
			printf(", %llu not proven (partial hosts)", mx->not_proven[k]);
		putchar('\n');
	}
	if (f->unusable)
		printf("%s  (%llu host%s run no VMX guests: no VM starts there to move)\n", indent,
		       f->unusable_hosts, f->unusable_hosts == 1 ? "" : "s");
}

static void report_text(const struct fleet *f, const struct fleet_matrix *mx, const struct rows *r)
{
	printf("nvmx matrix: %llu host%s, %u unique profile%s; rows are sources (VMs started there with\n"
	       "its own offer), columns destinations\n", f->inv.nhosts, f->inv.nhosts == 1 ? "" : "s", f->inv.nprof,
	       f->inv.nprof == 1 ? "" : "s");
	struct nvmx_fleet_model *mod;
	unsigned nmod = fleet_all_models(f, &mod);
	char label[256];
	nvmx_fleet_models_label(mod, nmod, label, sizeof(label));
	free(mod);
	printf("processor models (most hosts first): %s\n", label);
	printf("semantics saved-msrs: the VMM writes back the VMX MSRs it saved (for QEMU, which\n"
	       "rebuilds them from the VM's -cpu, give --cpu SPEC)\n");
	if (mx->npol == 1)
		printf("policy %s: Y migrates, . does not, - the source runs no VMX guests\n",
		       fleet_policy_name(mx->pol[0]));
	else
		printf("Y migrates (strict), k only with revoke-keep, c only with revoke-clear, . under no\n"
		       "policy, - the source runs no VMX guests\n");
	legend_not_proven(mx);
	if (mx->npol > 1 || fleet_policies[mx->pol[0]] != NVMX_POLICY_STRICT)
		printf("hypothetical (revoke policies): %s\n",
		       CLI_REVOKE_HYPOTHETICAL);
	if (r->omitted)
		printf("(the %zu most common profiles; %zu more with %llu hosts are in the summary only,\n"
		       " --limit N or --format csv shows them)\n", r->n, r->omitted, r->omitted_hosts);
	putchar('\n');
	int w = r->n >= 1000 ? 4 : r->n >= 100 ? 3 : r->n >= 10 ? 2 : 1;
	for (int line = w - 1; line >= 0; line--) {
		printf("%*s", w + 3, "");
		for (size_t j = 0; j < r->n; j++) {
			unsigned long d = (unsigned long)(j + 1);
			for (int q = 0; q < line; q++)
				d /= 10;
			putchar(d || !line ? (char)('0' + d % 10) : ' ');
		}
		putchar('\n');
	}
	for (size_t i = 0; i < r->n; i++) {
		char desc[256];
		printf(" %*zu  ", w, i + 1);
		for (size_t j = 0; j < r->n; j++)
			putchar(cell_char(f, mx, r, r->prof[i], r->prof[j]));
		fleet_profile_desc(&f->inv.prof[r->prof[i]], desc, sizeof(desc));
		printf("  %s  %s", row_name(f, r, i), desc);
		if (row_hosts(f, r, i) > 1)
			printf("  (%llu hosts)", row_hosts(f, r, i));
		putchar('\n');
	}
	putchar('\n');
	each_not_proven(f, mx, r, not_proven_text);
	if (mx->nnpl)
		putchar('\n');
	print_summary(f, mx, "");
}

static void csv_field(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void first_rejection(const struct fleet *f, const struct fleet_matrix *mx, unsigned k,
			    unsigned a, unsigned b, char *buf, size_t n)
{
	struct nvmx_migration m;
	buf[0] = 0;
	fleet_cell_run(f, mx, k, a, b, &m);
	size_t len = 0;
	for (unsigned w = 0; w < m.nwrites && len < n; w++)
		if (m.writes[w].r.rc)
			len += (size_t)snprintf(buf + len, n - len, "%s%s:%s", len ? " " : "",
						nvmx_msr_desc(m.writes[w].id)->sdm,
						nvmx_reason_name(m.writes[w].r.reason));
}

static void csv_side(const struct fleet *f, const struct rows *r, size_t i)
{
	const struct nvmx_inventory_profile *p = &f->inv.prof[r->prof[i]];
	char params[256];
	fleet_profile_params(p, params, sizeof(params));
	csv_field(row_name(f, r, i));
	putchar(',');
	csv_field(p->cpu);
	printf(",%s,", nvmx_kernel_name(p->kernel));
	csv_field(params);
	printf(",%s,%llu,", p->host.hyperv_evmcs ? "true" : "false", row_hosts(f, r, i));
}

static void report_csv(const struct fleet *f, const struct fleet_matrix *mx, const struct rows *r)
{
	printf("source,source_cpu,source_kvm,source_params,source_hyperv_evmcs,source_hosts,"
	       "destination,destination_cpu,destination_kvm,destination_params,destination_hyperv_evmcs,"
	       "destination_hosts,policy,migratable,rejected\n");
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->n; j++)
			for (unsigned k = 0; k < mx->npol; k++) {
				unsigned a = r->prof[i], b = r->prof[j];
				int c = fleet_cell(f, mx, k, a, b);
				char why[CLI_REASON_MAX] = "";
				csv_side(f, r, i);
				csv_side(f, r, j);
				printf("%s,%s,", fleet_policy_name(mx->pol[k]),
				       nvmx_fleet_cell_name((enum nvmx_fleet_cell)c));
				if (c == NVMX_CELL_NO)
					first_rejection(f, mx, k, a, b, why, sizeof(why));
				else if (c == NVMX_CELL_NOT_PROVEN)
					partial_decide_text(fleet_cell_partial(mx, k, a, b),
							    f->inv.prof[a].machine != f->inv.prof[b].machine &&
							    f->inv.prof[a].machine && f->inv.prof[b].machine,
							    why, sizeof(why));
				else if (c == NVMX_CELL_NA)
					snprintf(why, sizeof(why), "the source runs no VMX guests");
				csv_field(why);
				putchar('\n');
			}
}

static void report_json(const struct fleet *f, const struct fleet_matrix *mx, const struct rows *r,
			bool reasons)
{
	struct nvmx_fleet_model *mod;
	unsigned nmod = fleet_all_models(f, &mod);
	printf("{\"semantics\":\"saved-msrs\",\"hosts\":%llu,\"profiles\":%u,", f->inv.nhosts, f->inv.nprof);
	fleet_group_json(stdout, mod, nmod);
	free(mod);
	printf(",\"rows\":\"%s\",\"policies\":[", r->per_host ? "hosts" : "profiles");
	for (unsigned k = 0; k < mx->npol; k++)
		printf("%s\"%s\"", k ? "," : "", fleet_policy_name(mx->pol[k]));
	/* The revoke policies model a proposal no released kernel implements. */
	printf("],\"hypothetical\":[");
	for (unsigned k = 0, n = 0; k < mx->npol; k++)
		if (fleet_policies[mx->pol[k]] != NVMX_POLICY_STRICT)
			printf("%s\"%s\"", n++ ? "," : "", fleet_policy_name(mx->pol[k]));
	printf("],\"pairs\":%llu,\"migratable_pairs\":{", mx->pairs);
	for (unsigned k = 0; k < mx->npol; k++)
		printf("%s\"%s\":%llu", k ? "," : "", fleet_policy_name(mx->pol[k]), mx->ok[k]);
	printf("},\"not_proven_pairs\":{");
	for (unsigned k = 0; k < mx->npol; k++)
		printf("%s\"%s\":%llu", k ? "," : "", fleet_policy_name(mx->pol[k]), mx->not_proven[k]);
	printf("},\"groups\":[");
	for (size_t i = 0; i < r->n; i++) {
		const struct nvmx_inventory_profile *p = &f->inv.prof[r->prof[i]];
		printf("%s{\"id\":%zu,\"name\":", i ? "," : "", i + 1);
		cli_json_str(stdout, row_name(f, r, i));
		printf(",\"cpu\":");
		cli_json_str(stdout, p->cpu);
		printf(",\"kvm\":\"%s\",\"params\":", nvmx_kernel_name(p->kernel));
		fleet_params_json(stdout, p);
		printf(",\"hyperv_evmcs\":%s,\"hosts\":%llu,\"usable\":%s,\"partial\":%s}",
		       p->host.hyperv_evmcs ? "true" : "false", row_hosts(f, r, i),
		       f->fh[r->prof[i]].usable ? "true" : "false", p->machine ? "true" : "false");
	}
	printf("],\"matrix\":{");
	for (unsigned k = 0; k < mx->npol; k++) {
		printf("%s\"%s\":[", k ? "," : "", fleet_policy_name(mx->pol[k]));
		for (size_t i = 0; i < r->n; i++) {
			printf("%s\"", i ? "," : "");
			for (size_t j = 0; j < r->n; j++) {
				unsigned char c = (unsigned char)fleet_cell(f, mx, k, r->prof[i], r->prof[j]);
				putchar(nvmx_fleet_cell_mark(&c, &r->pol[k], 1));
			}
			putchar('"');
		}
		putchar(']');
	}
	/* '?' cells: a partial host that migrates as given but not on every completion. */
	printf("},\"not_proven\":[");
	each_not_proven(f, mx, r, not_proven_json);
	printf("],\"reasons_included\":%s", reasons ? "true" : "false");
	if (reasons) {
		printf(",\"rejections\":[");
		bool first = true;
		for (size_t i = 0; i < r->n; i++)
			for (size_t j = 0; j < r->n; j++)
				for (unsigned k = 0; k < mx->npol; k++) {
					if (fleet_cell(f, mx, k, r->prof[i], r->prof[j]) != NVMX_CELL_NO)
						continue;
					struct nvmx_migration m;
					fleet_cell_run(f, mx, k, r->prof[i], r->prof[j], &m);
					printf("%s{\"from\":%zu,\"to\":%zu,\"policy\":\"%s\",\"rejected\":[",
					       first ? "" : ",", i + 1, j + 1, fleet_policy_name(mx->pol[k]));
					first = false;
					bool fw = true;
					for (unsigned w = 0; w < m.nwrites; w++)
						if (m.writes[w].r.rc) {
							if (!fw)
								putchar(',');
							fw = false;
							fleet_write_json(stdout, &m.writes[w]);
						}
					printf("]}");
				}
		printf("]");
	}
	cli_json_approximate(stdout);
	printf("}\n");
}

/*
 * The qemu semantics: a cell is nvmx_qemu_migrate() of the -cpu from the row's
 * profile to the column's (the destination QEMU builds the MSRs again).
 * Y safe, c it starts but L1's VMX MSRs change, . it fails.  Exit 1 unless
 * every cell is Y.
 */
static int report_qemu(struct fleet *f, const struct rows *r, const struct nvmx_qemu_cpu *cpu,
		       const char *spec, const struct nvmx_qemu_release *rel, enum mx_format fmt)
{
	bool json = fmt == MX_JSON;
	struct nvmx_qemu_host *qh = calloc(r->n ? r->n : 1, sizeof(*qh));
	struct nvmx_qemu_env *env = calloc(r->n ? r->n : 1, sizeof(*env));
	char *cells = calloc(r->n * r->n + 1, 1);
	static struct nvmx_qemu_migration m;
	unsigned long long counts[3] = { 0 };
	if (!qh || !env || !cells) {
		free(qh);
		free(env);
		free(cells);
		return EXIT_SYSTEM;
	}
	for (size_t i = 0; i < r->n; i++) {
		unsigned p = r->prof[i];
		nvmx_qemu_host_from_kvm(&qh[i], &f->fh[p].s.kvm, &f->inv.prof[p].host);
		env[i] = (struct nvmx_qemu_env){ &f->fh[p].s.kvm, &qh[i], rel, false, 0 };
	}
	/* the verdicts, then their marks in place */
	nvmx_fleet_qemu_matrix((unsigned char *)cells, counts, env, (unsigned)r->n, cpu, &m);
	for (size_t c = 0; c < r->n * r->n; c++)
		cells[c] = nvmx_fleet_qemu_mark((enum nvmx_qmig_verdict)cells[c]);
	if (fmt == MX_HTML) {
		report_html_qemu(stdout, f, r->prof, (unsigned)r->n, cells, counts, spec, rel, env, cpu);
	} else if (json) {
		printf("{\"semantics\":\"qemu\",\"cpu\":");
		cli_json_str(stdout, spec);
		printf(",\"qemu\":\"%s\",\"rows\":[", rel->name);
		for (size_t i = 0; i < r->n; i++) {
			printf("%s", i ? "," : "");
			cli_json_str(stdout, row_name(f, r, i));
		}
		printf("],\"pairs\":{\"safe\":%llu,\"l1_visible_change\":%llu,\"fails\":%llu},"
		       "\"matrix\":[", counts[0], counts[1], counts[2]);
		for (size_t i = 0; i < r->n; i++) {
			printf("%s[", i ? "," : "");
			for (size_t j = 0; j < r->n; j++)
				printf("%s\"%c\"", j ? "," : "", cells[i * r->n + j]);
			putchar(']');
		}
		printf("]");
		cli_json_approximate(stdout);
		printf("}\n");
	} else {
		printf("nvmx matrix: %zu profile%s, semantics qemu: -cpu %s (QEMU %s) started on the row's\n"
		       "profile, migrated to the column's, where QEMU builds the VMX MSRs again from it\n"
		       "Y safe, c starts but L1's VMX MSRs change, . fails (does not start there, or\n"
		       "not on the source)\n\n", r->n, r->n == 1 ? "" : "s", spec, rel->name);
		for (size_t i = 0; i < r->n; i++) {
			char desc[256];
			printf(" %3zu  %.*s", i + 1, (int)r->n, cells + i * r->n);
			fleet_profile_desc(&f->inv.prof[r->prof[i]], desc, sizeof(desc));
			printf("  %s  %s\n", row_name(f, r, i), desc);
		}
		printf("\nordered pairs: %llu safe, %llu L1-visible change, %llu fail\n", counts[0],
		       counts[1], counts[2]);
	}
	free(qh);
	free(env);
	free(cells);
	return counts[1] || counts[2] ? EXIT_NO : EXIT_OK;
}

static int parse_policy(const char *v, unsigned *pols, unsigned *n)
{
	if (!strcmp(v, "all")) {
		*n = 3;
		pols[0] = 0, pols[1] = 1, pols[2] = 2;
		return 0;
	}
	for (unsigned k = 0; k < 3; k++)
		if (!strcmp(v, fleet_policy_name(k))) {
			*n = 1;
			pols[0] = k;
			return 0;
		}
	return -1;
}

struct matrix_args {
	struct fleet *f;
	struct nvmx_pools_opts po;
	enum mx_format fmt;
	unsigned pols[3], npol;
	bool per_host, policy_given;
	int reasons;		/* -1: when at most 200 rows */
	long limit;
	const char *spec;
	const struct nvmx_qemu_release *rel;
	struct vcpu_opts vo;	/* the VM of every cell */
};

static int opt_matrix(void *ctx, const struct opt *o, const char *v)
{
	struct matrix_args *a = ctx;
	const char *n = o->name;
	if (!strcmp(n, "policy")) {
		a->policy_given = true;
		if (parse_policy(v, a->pols, &a->npol))
			return cli_usage_error("matrix", "--policy: strict, revoke-keep, revoke-clear or all");
	} else if (!strcmp(n, "limit")) {
		char *end;
		a->limit = strtol(v, &end, 10);
		if (!*v || *end || a->limit < 1)
			return cli_usage_error("matrix", "--limit needs a positive number");
	} else if (!strcmp(n, "format")) {
		if (!strcmp(v, "text"))
			a->fmt = MX_TEXT;
		else if (!strcmp(v, "csv"))
			a->fmt = MX_CSV;
		else if (!strcmp(v, "json"))
			a->fmt = MX_JSON;
		else if (!strcmp(v, "html"))
			a->fmt = MX_HTML;
		else
			return cli_usage_error("matrix", "--format: text, csv, json or html");
	} else if (!strcmp(n, "json")) {
		a->fmt = MX_JSON;
	} else if (!strcmp(n, "cpu")) {
		a->spec = v;
	} else if (!strcmp(n, "qemu")) {
		if (!(a->rel = nvmx_qemu_release_find(v)))
			return cli_usage_error("matrix", "--qemu: a QEMU release x.y or x.y.z, 4.2 to %s",
					       nvmx_qemu_release_default()->name);
	} else if (!strcmp(n, "per-host")) {
		a->per_host = true;
		a->f->inv.keep_members = true;
	} else {
		a->reasons = !strcmp(n, "reasons");
	}
	return 0;
}

/* QEMU's own spelling, -cpu SPEC. */
static int more_cpu(void *ctx, const char *cmd, int argc, char **argv, int *i)
{
	if (strcmp(argv[*i], "-cpu"))
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(cmd, "--cpu needs a QEMU -cpu string");
		return -1;
	}
	((struct matrix_args *)ctx)->spec = argv[++*i];
	return 1;
}

static int operand_host(void *ctx, const char *arg)
{
	return fleet_operand(((struct matrix_args *)ctx)->f, arg);
}

const struct opt matrix_opts[] = {
	FLEET_OPTS(struct matrix_args, f),
	OPT_CALL("policy", NULL, "POLICY", opt_matrix, "strict (default), revoke-keep, revoke-clear or all"),
	OPT_CALL("format", NULL, "FORMAT", opt_matrix, "text (default), csv, json or html"),
	OPT_CALL("json", NULL, NULL, opt_matrix, "one JSON document (--format json)"),
	OPT_CALL("per-host", NULL, NULL, opt_matrix, "rows and columns are hosts, not profiles"),
	OPT_CALL("limit", NULL, "N", opt_matrix, "text, html: the N most common rows"),
	OPT_CALL("reasons", NULL, NULL, opt_matrix, "json: every failing cell's writes, any size"),
	OPT_CALL("no-reasons", NULL, NULL, opt_matrix, "json: no failing cell's writes"),
	POOLS_OPTS(struct matrix_args, po),
	/* The VM of every cell (the first three of VCPU_OPTS: a fresh vCPU, strict). */
	OPT_CALL_AT("guest-cpuid", NULL, "SPEC", vcpu_opts_opt, struct matrix_args, vo,
		    "the VM's CPUID: none|empty, then ,+flag ,-flag"),
	OPT_CALL_AT("pmu-version", NULL, "N", vcpu_opts_opt, struct matrix_args, vo,
		    "the VM's CPUID.0xA version"),
	OPT_CALL_AT("disable-quirks", NULL, "MASK", vcpu_opts_opt, struct matrix_args, vo,
		    "the VM's KVM_CAP_DISABLE_QUIRKS2 mask"),
	OPT_CALL("cpu", NULL, "SPEC", opt_matrix, "QEMU's -cpu (also -cpu SPEC): semantics qemu"),
	OPT_CALL("qemu", NULL, "VER", opt_matrix, "with --cpu: the QEMU release (default the newest)"),
	OPT_END,
};

int cmd_matrix(int argc, char **argv)
{
	static struct fleet f;
	fleet_init(&f, "matrix");
	static struct matrix_args args;
	args = (struct matrix_args){ &f, { 1, UINT_MAX }, MX_TEXT, { 0 }, 1, false, false, -1, -1, NULL,
				    nvmx_qemu_release_default(), { 0 } };
	vcpu_opts_init(&args.vo);
	int prc = opts_parse("matrix", matrix_opts, &args, more_cpu, operand_host, argc, argv);
	if (prc)
		return prc;
	enum mx_format fmt = args.fmt;
	unsigned *pols = args.pols, npol = args.npol;
	bool per_host = args.per_host, policy_given = args.policy_given;
	int reasons = args.reasons;
	long limit = args.limit;
	struct nvmx_pools_opts po = args.po;
	const char *spec = args.spec;
	const struct nvmx_qemu_release *rel = args.rel;
	struct vcpu_opts vo = args.vo;
	if (per_host && fmt == MX_HTML)
		return cli_usage_error("matrix", "--per-host is for text, csv and json");
	if (apply_vm(&vo, &f.vm))
		return EXIT_USAGE;
	static struct nvmx_qemu_cpu cpu;
	if (spec) {
		struct nvmx_error err;
		if (fmt == MX_CSV)
			return cli_usage_error("matrix", "--cpu (semantics qemu) is for text, json and html");
		/* Under QEMU the -cpu gives the guest CPUID and PMU, and nothing is written back. */
		if (vo.given)
			return cli_usage_error("matrix", "--guest-cpuid, --pmu-version and --disable-quirks "
					       "do not apply with --cpu: QEMU sets the vCPU up from the -cpu");
		if (policy_given)
			return cli_usage_error("matrix", "--policy does not apply with --cpu: the destination "
					       "QEMU builds the VMX MSRs again from the -cpu, no restore policy "
					       "applies");
		if (nvmx_qemu_cpu_parse(&cpu, rel, spec, &err))
			return cli_usage_error("matrix", "--cpu %s: %s", spec, err.msg);
	}
	int rc = fleet_load(&f);
	bool revoke = false;
	for (unsigned k = 0; k < npol; k++)
		revoke |= pols[k] != 0;
	if (!rc)
		rc = fleet_compute(&f, revoke, false);
	static struct fleet_matrix mx;
	if (!rc)
		rc = fleet_matrix_compute(&f, &mx, pols, npol);
	struct rows r;
	if (!rc) {
		size_t lim = limit > 0 ? (size_t)limit
				       : fmt == MX_TEXT ? 40 : fmt == MX_HTML ? 150 : 0;
		rc = make_rows(&f, &r, per_host || !f.inv.dedup, lim);
		for (unsigned k = 0; k < mx.npol; k++)
			r.pol[k] = fleet_policies[mx.pol[k]];
	}
	if (rc) {
		fleet_matrix_free(&mx);
		fleet_free(&f);
		return rc;
	}
	if (spec) {
		rc = report_qemu(&f, &r, &cpu, spec, rel, fmt);
		free(r.prof);
		free(r.member);
		fleet_matrix_free(&mx);
		fleet_free(&f);
		return rc;
	}
	switch (fmt) {
	case MX_TEXT: report_text(&f, &mx, &r); break;
	case MX_CSV: report_csv(&f, &mx, &r); break;
	case MX_JSON: report_json(&f, &mx, &r, reasons < 0 ? r.n <= 200 : reasons == 1); break;
	case MX_HTML: {
		struct nvmx_baseline b;
		static struct fleet_pools pools;
		nvmx_baseline_init(&b);
		for (unsigned i = 0; i < f.inv.nprof; i++)
			nvmx_baseline_add(&b, &f.fh[i], f.inv.prof[i].count);
		rc = fleet_pools_run(&f, &po, &pools);
		if (!rc)
			report_html(stdout, &f, &mx, &b, &pools, r.prof, (unsigned)r.n);
		fleet_pools_free(&pools);
		break;
	}
	}
	int verdict = rc ? rc : nvmx_fleet_matrix_all(mx.ok, mx.npol, mx.pairs, f.unusable_hosts)
				? EXIT_OK : EXIT_NO;
	free(r.prof);
	free(r.member);
	fleet_matrix_free(&mx);
	fleet_free(&f);
	return verdict;
}
