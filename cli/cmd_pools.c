/* SPDX-License-Identifier: MIT */
/*
 * nvmx pools: partition a fleet into migration pools -- groups whose hosts
 * all accept the pool's baseline, so VMs started with it move freely inside
 * the pool -- losing as few features as the pool count allows.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "fleet.h"
#include "print.h"
#include "nvmx/qemu_migrate.h"

static void print_curve(const struct fleet_pools *c, bool json)
{
	if (json) {
		printf("[");
		for (unsigned s = 0; s < c->nsteps; s++)
			printf("%s{\"pools\":%u,\"lost\":%llu}", s ? "," : "", c->steps[s].pools,
			       c->steps[s].lost);
		printf("]");
		return;
	}
	printf("merging further (pools: host-weighted feature bits lost):");
	unsigned shown = 0;
	for (unsigned s = c->nsteps > 24 ? c->nsteps - 24 : 0; s < c->nsteps; s++, shown++)
		printf("%s %u:%llu", shown && !(shown % 8) ? "\n   " : "", c->steps[s].pools,
		       c->steps[s].lost);
	if (!c->nsteps)
		printf(" (no merge possible)");
	putchar('\n');
}

static void member_text(const struct fleet *f, unsigned i, const struct nvmx_baseline *b)
{
	const struct nvmx_inventory_profile *p = &f->inv.prof[i];
	struct nvmx_fleet_loss l;
	char desc[256];
	nvmx_fleet_loss(&f->fh[i].offer, &b->msrs, &l);
	fleet_profile_desc(p, desc, sizeof(desc));
	printf("    %s (%s", p->name, desc);
	if (p->count > 1)
		printf(", %llu hosts", p->count);
	printf("): loses %u feature bit%s\n", l.features, l.features == 1 ? "" : "s");
	fleet_print_loss(stdout, &l, "        ");
}

static void member_json(const struct fleet *f, unsigned i, const struct nvmx_baseline *b)
{
	const struct nvmx_inventory_profile *p = &f->inv.prof[i];
	printf("{\"name\":");
	cli_json_str(stdout, p->name);
	printf(",\"cpu\":");
	cli_json_str(stdout, p->cpu);
	printf(",\"kvm\":\"%s\",\"params\":", nvmx_kernel_name(p->kernel));
	fleet_params_json(stdout, p);
	printf(",\"hyperv_evmcs\":%s,\"hosts\":%llu", p->host.hyperv_evmcs ? "true" : "false", p->count);
	if (b) {
		struct nvmx_fleet_loss l;
		nvmx_fleet_loss(&f->fh[i].offer, &b->msrs, &l);
		printf(",\"loss\":");
		fleet_loss_json(stdout, &l);
	}
	putchar('}');
}

/*
 * Per pool, the -cpu (or libvirt <cpu>) QEMU VMs start with: one named model
 * and flags off, verified by replaying QEMU on every unique profile of the
 * pool.  Exit 1 when a pool has none.
 */
static int report_qemu(struct fleet *f, const struct fleet_pools *pools,
		       const struct nvmx_qemu_release *r, bool libvirt)
{
	unsigned *members = malloc((f->inv.nprof ? f->inv.nprof : 1) * sizeof(*members));
	int rc = EXIT_OK;
	if (!members)
		return EXIT_SYSTEM;
	printf("%snvmx pools: %llu host%s -> %u pool%s; per pool the %s QEMU VMs start with\n"
	       "%s(semantics qemu: each host's QEMU builds the VMX MSRs from it; VMs move freely\n"
	       "%swithin a pool; hosts pooled by what QEMU %s's -cpu max gives L1 on each)%s\n",
	       libvirt ? "<!-- " : "# ", f->inv.nhosts, f->inv.nhosts == 1 ? "" : "s",
	       pools->n, pools->n == 1 ? "" : "s", libvirt ? "libvirt <cpu>" : "-cpu",
	       libvirt ? "     " : "# ", libvirt ? "     " : "# ", r->name, libvirt ? " -->" : "");
	for (unsigned q = 0; q < pools->n; q++) {
		unsigned n = 0;
		char what[320];
		static struct nvmx_qemu_fleet_fit fit;
		for (unsigned i = 0; i < f->inv.nprof; i++)
			if (pools->pool_of[i] == q)
				members[n++] = i;
		struct nvmx_fleet_model *mod;
		unsigned nmod = fleet_group_models(f, members, n, &mod);
		char label[256];
		nvmx_fleet_models_label(mod, nmod, label, sizeof(label));
		free(mod);
		snprintf(what, sizeof(what), "pool %u (%s)", q + 1, label);
		putchar('\n');
		fleet_qemu_advice(stdout, f, members, n, r, libvirt, what);
		if (!fleet_qemu_fit(f, members, n, r, libvirt, &fit))
			rc = EXIT_NO;
		for (unsigned k = 0; k < n; k++) {
			char desc[256];
			fleet_profile_desc(&f->inv.prof[members[k]], desc, sizeof(desc));
			printf("%s  %s (%s, %llu host%s)%s\n", libvirt ? "<!--" : "#", f->inv.prof[members[k]].name,
			       desc, f->inv.prof[members[k]].count, f->inv.prof[members[k]].count == 1 ? "" : "s",
			       libvirt ? " -->" : "");
		}
	}
	/* Profiles where no VM with VMX starts under QEMU (-cpu max): in no pool, said so. */
	for (unsigned i = 0; i < f->inv.nprof; i++)
		if (pools->pool_of[i] == UINT32_MAX)
			printf("%s not pooled: %s: no VM with VMX starts there under QEMU %s%s\n",
			       libvirt ? "<!--" : "#", f->inv.prof[i].name, r->name, libvirt ? " -->" : "");
	free(members);
	return rc;
}

struct pools_args {
	struct fleet *f;
	struct nvmx_pools_opts po;
	bool json;
	int qfmt;		/* 1: -cpu per pool, 2: libvirt <cpu> per pool */
	const struct nvmx_qemu_release *rel;
};

static int opt_format(void *ctx, const struct opt *o, const char *v)
{
	struct pools_args *a = ctx;
	(void)o;
	if (!strcmp(v, "json"))
		a->json = true;
	else if (!strcmp(v, "text"))
		a->json = false;
	else if (!strcmp(v, "qemu"))
		a->qfmt = 1;
	else if (!strcmp(v, "libvirt"))
		a->qfmt = 2;
	else
		return cli_usage_error("pools", "--format: text, json, qemu or libvirt");
	return 0;
}

static int opt_qemu(void *ctx, const struct opt *o, const char *v)
{
	struct pools_args *a = ctx;
	(void)o;
	a->rel = nvmx_qemu_release_find(v);
	if (!a->rel || !a->rel->vmx_words)
		return cli_usage_error("pools", "--qemu: a QEMU release x.y or x.y.z, 4.2 to %s",
				       nvmx_qemu_release_default()->name);
	return 0;
}

static int operand_host(void *ctx, const char *arg)
{
	return fleet_operand(((struct pools_args *)ctx)->f, arg);
}

const struct opt pools_opts[] = {
	FLEET_OPTS(struct pools_args, f),
	POOLS_OPTS(struct pools_args, po),
	OPT_FLAG("json", NULL, struct pools_args, json, "one JSON document"),
	OPT_CALL("format", NULL, "FORMAT", opt_format, "text (default), json, qemu or libvirt"),
	OPT_CALL("qemu", NULL, "VER", opt_qemu, "for qemu, libvirt: the QEMU release (default the newest)"),
	OPT_END,
};

int cmd_pools(int argc, char **argv)
{
	static struct fleet f;
	static struct fleet_pools pools, curve;
	fleet_init(&f, "pools");
	struct pools_args args = { &f, { 1, UINT_MAX }, false, 0, nvmx_qemu_release_default() };
	int prc = opts_parse("pools", pools_opts, &args, NULL, operand_host, argc, argv);
	if (prc)
		return prc;
	struct nvmx_pools_opts po = args.po;
	bool json = args.json;
	int qfmt = args.qfmt;
	const struct nvmx_qemu_release *rel = args.rel;
	int rc = fleet_load(&f);
	if (!rc)
		rc = fleet_compute(&f, false, false);
	if (!rc)
		rc = qfmt ? fleet_pools_run_qemu(&f, &po, rel, &pools) : fleet_pools_run(&f, &po, &pools);
	struct nvmx_pools_opts all = po;
	all.target = 1;
	if (!rc)
		rc = fleet_pools_run(&f, &all, &curve);
	if (rc) {
		fleet_pools_free(&pools);
		fleet_pools_free(&curve);
		fleet_free(&f);
		return rc;
	}

	if (qfmt) {
		rc = report_qemu(&f, &pools, rel, qfmt == 2);
		fleet_pools_free(&pools);
		fleet_pools_free(&curve);
		fleet_free(&f);
		return rc;
	}
	if (json) {
		printf("{\"hosts\":%llu,\"profiles\":%u,\"offers\":%u,\"target\":%u,\"max_loss\":",
		       f.inv.nhosts, f.inv.nprof, pools.items, po.target);
		if (po.max_loss == UINT_MAX)
			printf("null");
		else
			printf("%u", po.max_loss);
		printf(",\"verified\":%s,\"not_proven\":%u,\"lost\":%llu,\"pools\":[",
		       pools.bad || pools.not_proven ? "false" : "true", pools.not_proven, pools.lost);
	} else {
		printf("nvmx pools: %llu host%s, %u unique profile%s, %u unique offer%s -> %u pool%s; "
		       "%llu feature bit%s lost (host-weighted)\n",
		       f.inv.nhosts, f.inv.nhosts == 1 ? "" : "s", f.inv.nprof, f.inv.nprof == 1 ? "" : "s", pools.items,
		       pools.items == 1 ? "" : "s", pools.n, pools.n == 1 ? "" : "s", pools.lost,
		       pools.lost == 1 ? "" : "s");
	}
	for (unsigned q = 0; q < pools.n; q++) {
		const struct nvmx_baseline *b = &pools.b[q];
		/* the pool's profiles, and its processor models by hosts (label, example) */
		unsigned *mem = malloc((f.inv.nprof ? f.inv.nprof : 1) * sizeof(*mem)), nm = 0;
		for (unsigned i = 0; mem && i < f.inv.nprof; i++)
			if (pools.pool_of[i] == q)
				mem[nm++] = i;
		struct nvmx_fleet_model *mod = NULL;
		unsigned nmod = mem ? fleet_group_models(&f, mem, nm, &mod) : 0;
		if (json) {
			printf("%s{\"id\":%u,\"hosts\":%llu,\"profiles\":%u,", q ? "," : "", q + 1,
			       pools.hosts[q], pools.profiles[q]);
			fleet_group_json(stdout, mod, nmod);
			printf(",\"msrs\":");
			print_msrs_json(stdout, &b->msrs);
			/* QEMU's -cpu for the pool (semantics qemu), verified on its profiles. */
			printf(",\"qemu\":");
			if (mem)
				fleet_qemu_json(stdout, &f, mem, nm, rel);
			else
				printf("null");
			printf(",\"members\":[");
		} else {
			char label[256];
			nvmx_fleet_models_label(mod, nmod, label, sizeof(label));
			printf("\npool %u (%s): %llu host%s, %u profile%s; VMs start with:\n", q + 1, label,
			       pools.hosts[q], pools.hosts[q] == 1 ? "" : "s", pools.profiles[q],
			       pools.profiles[q] == 1 ? "" : "s");
			for (int id = 0; id < NVMX_MSR_COUNT; id++)
				if (nvmx_msrs_has(&b->msrs, (enum nvmx_msr_id)id))
					printf("    %-30s 0x%016llx\n", nvmx_msr_desc((enum nvmx_msr_id)id)->sdm,
					       (unsigned long long)b->msrs.val[id]);
			printf("  members and what they give up:\n");
		}
		free(mod);
		free(mem);
		bool first = true;
		for (unsigned i = 0; i < f.inv.nprof; i++) {
			if (pools.pool_of[i] != q)
				continue;
			if (json) {
				printf("%s", first ? "" : ",");
				member_json(&f, i, b);
			} else {
				member_text(&f, i, b);
			}
			first = false;
		}
		if (json)
			printf("]}");
	}
	if (json)
		printf("],\"unpooled\":[");
	bool first = true;
	for (unsigned i = 0; i < f.inv.nprof; i++) {
		if (pools.pool_of[i] != UINT32_MAX)
			continue;
		if (json) {
			printf("%s", first ? "" : ",");
			member_json(&f, i, NULL);
		} else {
			char desc[256];
			fleet_profile_desc(&f.inv.prof[i], desc, sizeof(desc));
			if (first)
				printf("\nin no pool (they run no VMX guests):\n");
			printf("    %s (%s, %llu host%s)\n", f.inv.prof[i].name, desc, f.inv.prof[i].count,
			       f.inv.prof[i].count == 1 ? "" : "s");
		}
		first = false;
	}
	if (json) {
		printf("],\"curve\":");
		print_curve(&curve, true);
		cli_json_approximate(stdout);
		printf("}\n");
	} else {
		putchar('\n');
		print_curve(&curve, false);
	}
	rc = pools.bad || pools.not_proven || curve.bad ? EXIT_NO : EXIT_OK;
	fleet_pools_free(&pools);
	fleet_pools_free(&curve);
	fleet_free(&f);
	return rc;
}
