/* SPDX-License-Identifier: MIT */
/*
 * nvmx revoke-list: the bits release R would have to accept on restore,
 * although it no longer offers them, for VMs started under older releases.
 */
#include <string.h>
#include "fleet.h"
#include "kvmopts.h"
#include "opts.h"
#include "print.h"

#define MAX_HOSTS 4096

struct revoke_args {
	struct kvm_opts ko;
	const struct nvmx_kernel *since;
	bool json;
	const char *inventory;
	struct nvmx_hostfile *hosts;
	unsigned nhosts;
};

static int opt_since(void *ctx, const struct opt *o, const char *v)
{
	struct revoke_args *ra = ctx;
	(void)o;
	if (!(ra->since = cli_kernel_opt("revoke-list", "--since", v)))
		return EXIT_USAGE;
	return 0;
}

static int operand_host(void *ctx, const char *arg)
{
	struct revoke_args *ra = ctx;
	if (ra->nhosts >= MAX_HOSTS)
		return cli_usage_error("revoke-list", "more than %d hosts", MAX_HOSTS);
	int rc = cli_load_host("revoke-list", arg, &ra->hosts[ra->nhosts]);
	if (!rc)
		ra->nhosts++;
	return rc;
}

const struct opt revoke_list_opts[] = {
	KVM_OPTS(struct revoke_args, ko),
	OPT_CALL("since", "revoke-since", "OLDER", opt_since,
		 "only releases from OLDER on (as restore --revoke-since)"),
	OPT_STRING("inventory", NULL, "FILE", struct revoke_args, inventory,
		   "hosts of a fleet inventory (docs/fleet.md), counted by host"),
	OPT_FLAG("json", NULL, struct revoke_args, json, "one JSON document"),
	OPT_END,
};

int cmd_revoke_list(int argc, char **argv)
{
	static struct nvmx_hostfile hosts[MAX_HOSTS];
	static struct nvmx_revoke r;
	static struct nvmx_revoke_union u;	/* over the hosts: bits, hosts needing each, releases */
	static struct fleet fl;
	struct kvm_opts o;
	const struct nvmx_kernel *since = NULL;
	unsigned nhosts = 0;
	bool json = false;
	memset(&o, 0, sizeof(o));

	static struct revoke_args ra;
	ra = (struct revoke_args){ .hosts = hosts };
	int rc = opts_parse("revoke-list", revoke_list_opts, &ra, NULL, operand_host, argc, argv);
	if (rc)
		return rc;
	o = ra.ko;
	since = ra.since;
	json = ra.json;
	nhosts = ra.nhosts;
	if ((rc = kvmopts_finish(&o, "revoke-list", "")))
		return rc;
	if (!nhosts && !ra.inventory)
		return cli_usage_error("revoke-list", "give at least one HOST (or --inventory FILE)");
	if (since && !nvmx_kernel_older(since, o.kernel))
		return cli_usage_error("revoke-list", "--since %s is not older than --kvm %s",
				       nvmx_kernel_name(since), nvmx_kernel_name(o.kernel));

	if (ra.inventory && (rc = fleet_load_inventory(&fl, "revoke-list", ra.inventory, o.hyperv_evmcs))) {
		fleet_free(&fl);
		return rc;
	}
	/* HOST operands with the run's options, then the inventory's profiles with their own. */
	unsigned nunits = nhosts + (ra.inventory ? fl.inv.nprof : 0);
	nvmx_revoke_union_init(&u);
	for (unsigned h = 0; h < nunits; h++) {
		struct nvmx_host host;
		struct nvmx_params p = o.params;
		const char *name;
		unsigned long long w = 1;
		if (h < nhosts) {
			host = hosts[h].host;
			host.hyperv_evmcs = host.hyperv_evmcs || o.hyperv_evmcs;
			name = hosts[h].name;
		} else {
			const struct nvmx_inventory_profile *fp = &fl.inv.prof[h - nhosts];
			host = fp->host;	/* environment applied */
			name = fp->name;
			w = fp->count;
			/* The line's parameters under --kvm's release, the run's --param on top. */
			nvmx_params_for(o.kernel, &fp->params, &p);
			for (int q = 0; q < NVMX_P_COUNT; q++)
				if (o.params.given & (1u << q)) {
					p.val[q] = o.params.val[q];
					p.given |= 1u << q;
				}
		}
		nvmx_revoke_compute(&r, &host, o.kernel, &p, since);
		nvmx_revoke_union_add(&u, &r, name, w);
	}

	if (json) {
		/* The list is what the 2022 review proposed; no released kernel
		 * accepts these bits back, so the answer is always hypothetical. */
		printf("{\"kernel\":\"%s\",\"hypothetical\":true,\"since\":%s%s%s,\"bits\":[", nvmx_kernel_name(o.kernel),
		       since ? "\"" : "", since ? nvmx_kernel_name(since) : "null", since ? "\"" : "");
	} else {
		printf("revoke list of KVM %s over %llu host(s)%s%s: %u bit(s)\n", nvmx_kernel_name(o.kernel),
		       u.hosts, since ? ", releases since " : "", since ? nvmx_kernel_name(since) : "", u.bits);
		printf("hypothetical: the revoke list is a proposal (2022 review) no released kernel implements\n");
	}
	bool first = true;
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		for (unsigned b = 0; b < 32; b++) {
			if (!u.need[id][b])
				continue;
			const struct nvmx_field *f = nvmx_field_at((enum nvmx_msr_id)id, b + 32);
			if (json) {
				printf("%s{\"msr\":\"%s\",\"bit\":%u,\"linux\":", first ? "" : ",",
				       nvmx_msr_desc((enum nvmx_msr_id)id)->sdm, b);
				cli_json_str(stdout, f && f->linux_name ? f->linux_name : "");
				printf(",\"qemu\":");
				cli_json_str(stdout, f && f->qemu ? f->qemu : "");
				printf(",\"hosts\":%llu,\"example\":", u.need[id][b]);
				cli_json_str(stdout, u.example[id][b]);
				printf(",\"offered_by\":[");
			} else {
				printf("  %s allowed-1 bit %u %s%s%s%s: %llu host(s), e.g. %s; offered by",
				       nvmx_msr_desc((enum nvmx_msr_id)id)->sdm, b,
				       f && f->linux_name ? f->linux_name : "?", f && f->qemu ? " (" : "",
				       f && f->qemu ? f->qemu : "", f && f->qemu ? ")" : "", u.need[id][b],
				       u.example[id][b]);
			}
			bool f2 = true;
			for (unsigned k = 0; k < nvmx_kernel_count(); k++)
				if (nvmx_revoke_offered_by(&u.list, (enum nvmx_msr_id)id, b, k)) {
					const char *n = nvmx_kernel_name(nvmx_kernel_at(k));
					if (json)
						printf("%s\"%s\"", f2 ? "" : ",", n);
					else
						printf(" %s", n);
					f2 = false;
				}
			printf(json ? "]}" : "\n");
			first = false;
		}
	if (json) {
		printf("]");
		cli_json_approximate(stdout);
		printf("}\n");
	}
	fleet_free(&fl);
	return EXIT_OK;
}
