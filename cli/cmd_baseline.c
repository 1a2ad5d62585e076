/* SPDX-License-Identifier: MIT */
/*
 * nvmx baseline: the richest VMX MSR values every host of a fleet accepts on
 * restore, verified by the restore model on each host, and what each host
 * gives up for it.
 */
#include <stdlib.h>
#include <string.h>
#include "fleet.h"
#include "nvmx/qemu.h"
#include "print.h"
#include "partial.h"

enum bl_format { BL_MSRS, BL_JSON, BL_QEMU, BL_LIBVIRT };

/* A rejected verification: a bug in the baseline rules (or the model changed). */
static unsigned verify(struct fleet *f, const struct nvmx_baseline *b, const char *cmd)
{
	unsigned bad = 0;
	/* Every unique profile, not one per restore class: it costs one restore each. */
	for (unsigned i = 0; i < f->inv.nprof; i++) {
		static struct nvmx_migration m;
		nvmx_fleet_restore(&m, &f->fh[i], &b->msrs, NVMX_POLICY_STRICT);
		if (m.migratable)
			continue;
		char desc[256], why[1024];
		fleet_profile_desc(&f->inv.prof[i], desc, sizeof(desc));
		fprintf(stderr, "nvmx %s: BUG: %s (%s) rejects the baseline:\n", cmd, f->inv.prof[i].name, desc);
		for (unsigned w = 0; w < m.nwrites; w++)
			if (m.writes[w].r.rc) {
				nvmx_result_describe(&m.writes[w].r, why, sizeof(why));
				fprintf(stderr, "    %s\n", why);
			}
		bad++;
	}
	return bad;
}

/*
 * A partial host accepts the baseline as given; it is verified only if it
 * accepts it on every completion of its unknown bits.
 */
static unsigned verify_partial(struct fleet *f, const struct nvmx_baseline *b, bool json, bool quiet)
{
	unsigned n = 0;
	if (json && !quiet)
		printf(",\"not_proven\":[");
	for (unsigned i = 0; i < f->inv.nprof; i++) {
		static struct nvmx_partial_result pr;
		if (fleet_partial_accepts(f, i, &b->msrs, &pr))
			continue;
		if (quiet) {
		} else if (json) {
			printf("%s{\"host\":", n ? "," : "");
			cli_json_str(stdout, f->inv.prof[i].name);
			printf(",\"deciding\":");
			partial_decide_json(stdout, &pr, false);
			putchar('}');
		} else {
			char dec[1024];
			partial_decide_text(&pr, false, dec, sizeof(dec));
			fprintf(stderr, "nvmx baseline: NOT PROVEN: %s is a partial host and rejects the "
				"baseline when these differ from its input: %s\n", f->inv.prof[i].name, dec);
		}
		n++;
	}
	if (json && !quiet)
		putchar(']');
	return n;
}

static void report_json(struct fleet *f, const struct nvmx_baseline *b, unsigned bad,
			const struct nvmx_qemu_release *rel)
{
	/* Partial hosts: verified only if every completion accepts it. */
	unsigned np = verify_partial(f, b, true, true);
	printf("{\"hosts\":%llu,\"profiles\":%u,\"status\":\"%s\",\"verified\":%s,"
	       "\"timer_dropped\":%s,\"msrs\":",
	       f->inv.nhosts, f->inv.nprof, b->status == NVMX_BASELINE_OK ? "ok" : "none",
	       b->status == NVMX_BASELINE_OK && !bad && !np ? "true" : "false",
	       b->timer_dropped ? "true" : "false");
	print_msrs_json(stdout, &b->msrs);
	/* For QEMU the values do not travel: one -cpu, verified on every profile. */
	unsigned *all = malloc((f->inv.nprof ? f->inv.nprof : 1) * sizeof(*all));
	printf(",\"qemu\":");
	if (all) {
		struct nvmx_fleet_model *mod;
		for (unsigned i = 0; i < f->inv.nprof; i++)
			all[i] = i;
		fleet_qemu_json(stdout, f, all, f->inv.nprof, rel);
		unsigned nmod = fleet_group_models(f, all, f->inv.nprof, &mod);
		putchar(',');
		fleet_group_json(stdout, mod, nmod);
		free(mod);
		free(all);
	} else {
		printf("null");
	}
	printf(",\"members\":[");
	for (unsigned i = 0; i < f->inv.nprof; i++) {
		const struct nvmx_inventory_profile *p = &f->inv.prof[i];
		struct nvmx_fleet_loss l;
		char off[4096];
		unsigned unnamed;
		nvmx_fleet_loss(&f->fh[i].offer, &b->msrs, &l);
		printf("%s{\"name\":", i ? "," : "");
		cli_json_str(stdout, p->name);
		printf(",\"cpu\":");
		cli_json_str(stdout, p->cpu);
		printf(",\"kvm\":\"%s\",\"params\":", nvmx_kernel_name(p->kernel));
		fleet_params_json(stdout, p);
		printf(",\"hyperv_evmcs\":%s,\"hosts\":%llu,\"loss\":", p->host.hyperv_evmcs ? "true" : "false",
		       p->count);
		fleet_loss_json(stdout, &l);
		fleet_qemu_off(&l, off, sizeof(off), &unnamed);
		printf(",\"qemu\":");
		char cpu[4200];
		snprintf(cpu, sizeof(cpu), "host%s%s", off[0] ? "," : "", off);
		cli_json_str(stdout, cpu);
		printf(",\"qemu_unnamed\":%u}", unnamed);
	}
	printf("]");
	verify_partial(f, b, true, false);
	cli_json_approximate(stdout);
	printf("}\n");
}

static void report_msrs(struct fleet *f, const struct nvmx_baseline *b)
{
	fleet_print_msrs(stdout, &b->msrs, "nvmx baseline", f->inv.nhosts, f->inv.nprof);
	struct nvmx_fleet_model *mod;
	char label[256];
	unsigned nmod = fleet_all_models(f, &mod);
	nvmx_fleet_models_label(mod, nmod, label, sizeof(label));
	printf("# processor models (most hosts first): %s\n", label);
	free(mod);
	if (b->timer_dropped)
		printf("# the hosts' preemption-timer rates differ: the timer control is left out\n");
	printf("#\n# what each host gives up against its own offer:\n");
	for (unsigned i = 0; i < f->inv.nprof; i++) {
		const struct nvmx_inventory_profile *p = &f->inv.prof[i];
		struct nvmx_fleet_loss l;
		char desc[256];
		nvmx_fleet_loss(&f->fh[i].offer, &b->msrs, &l);
		fleet_profile_desc(p, desc, sizeof(desc));
		printf("# %s (%s", p->name, desc);
		if (p->count > 1)
			printf(", %llu hosts", p->count);
		printf("): %u feature bit%s\n", l.features, l.features == 1 ? "" : "s");
		fleet_print_loss(stdout, &l, "#     ");
	}
}

/*
 * QEMU and libvirt: QEMU rebuilds the VMX MSRs from -cpu on every host, so
 * the advice is one named model with flags off, verified on every profile
 * (fleet_qemu.c), not the baseline's values.
 */
static void report_qemu(struct fleet *f, const struct nvmx_qemu_release *r, bool libvirt)
{
	printf("%snvmx baseline over %llu host%s for QEMU (semantics qemu: each host's QEMU builds the\n"
	       "%sVMX MSRs from the VM's -cpu; start every VM with this and it migrates unchanged)%s\n",
	       libvirt ? "<!-- " : "# ", f->inv.nhosts, f->inv.nhosts == 1 ? "" : "s", libvirt ? "     " : "# ",
	       libvirt ? " -->" : "");
	fleet_qemu_model(stdout, f, r, libvirt);
}

struct baseline_args {
	struct fleet *f;
	enum bl_format fmt;
	const struct nvmx_qemu_release *rel;
};

static int opt_format(void *ctx, const struct opt *o, const char *v)
{
	struct baseline_args *a = ctx;
	(void)o;
	if (!strcmp(v, "msrs"))
		a->fmt = BL_MSRS;
	else if (!strcmp(v, "json"))
		a->fmt = BL_JSON;
	else if (!strcmp(v, "qemu"))
		a->fmt = BL_QEMU;
	else if (!strcmp(v, "libvirt"))
		a->fmt = BL_LIBVIRT;
	else
		return cli_usage_error("baseline", "--format: msrs, json, qemu or libvirt");
	return 0;
}

static int opt_json(void *ctx, const struct opt *o, const char *v)
{
	(void)o, (void)v;
	((struct baseline_args *)ctx)->fmt = BL_JSON;
	return 0;
}

static int opt_qemu(void *ctx, const struct opt *o, const char *v)
{
	struct baseline_args *a = ctx;
	(void)o;
	a->rel = nvmx_qemu_release_find(v);
	if (!a->rel || !a->rel->vmx_words)
		return cli_usage_error("baseline", "--qemu: a QEMU release x.y or x.y.z, "
				       "4.2 to %s", nvmx_qemu_release_default()->name);
	return 0;
}

static int operand_host(void *ctx, const char *arg)
{
	return fleet_operand(((struct baseline_args *)ctx)->f, arg);
}

const struct opt baseline_opts[] = {
	FLEET_OPTS(struct baseline_args, f),
	OPT_CALL("format", NULL, "FORMAT", opt_format, "msrs (default), json, qemu or libvirt"),
	OPT_CALL("json", NULL, NULL, opt_json, "one JSON document (--format json)"),
	OPT_CALL("qemu", NULL, "VER", opt_qemu, "for qemu, libvirt: the QEMU release (default the newest)"),
	OPT_END,
};

int cmd_baseline(int argc, char **argv)
{
	static struct fleet f;
	fleet_init(&f, "baseline");
	struct baseline_args args = { &f, BL_MSRS, nvmx_qemu_release_default() };
	int prc = opts_parse("baseline", baseline_opts, &args, NULL, operand_host, argc, argv);
	if (prc)
		return prc;
	enum bl_format fmt = args.fmt;
	const struct nvmx_qemu_release *rel = args.rel;
	int rc = fleet_load(&f);
	if (!rc)
		rc = fleet_compute(&f, false, true);
	if (rc) {
		fleet_free(&f);
		return rc;
	}
	struct nvmx_baseline b;
	nvmx_baseline_init(&b);
	for (unsigned i = 0; i < f.inv.nprof; i++)
		nvmx_baseline_add(&b, &f.fh[i], f.inv.prof[i].count);
	if (b.status != NVMX_BASELINE_OK) {
		fprintf(stderr, "nvmx baseline: no common baseline: %s\n", nvmx_baseline_status_text(b.status));
		fleet_free(&f);
		return EXIT_NO;
	}
	unsigned bad = verify(&f, &b, "baseline");
	/* JSON lists them in the document; the other forms on standard error. */
	unsigned np = verify_partial(&f, &b, false, fmt == BL_JSON);
	switch (fmt) {
	case BL_MSRS: report_msrs(&f, &b); break;
	case BL_JSON: report_json(&f, &b, bad, rel); break;
	case BL_QEMU: report_qemu(&f, rel, false); break;
	case BL_LIBVIRT: report_qemu(&f, rel, true); break;
	}
	fleet_free(&f);
	return bad || np ? EXIT_NO : EXIT_OK;
}
