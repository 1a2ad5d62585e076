/* SPDX-License-Identifier: MIT */
/*
 * nvmx inventory-line --live: this host as one line of a fleet inventory
 * (docs/fleet.md): its VMX MSRs and identity, the running kernel, kvm_intel's
 * parameters and whether KVM runs on Hyper-V with the enlightened VMCS -- so
 * that a fleet inventory is one loop over ssh:
 *
 *   for h in $(cat hosts); do ssh "$h" nvmx inventory-line --live; done > fleet.jsonl
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "live.h"

#define CMD "inventory-line"

struct inv_args {
	struct live l;
	bool live;
	bool json;	/* accepted as every command takes it: the line is JSON already */
	const char *name;
};

const struct opt inventory_line_opts[] = {
	LIVE_OPTS(struct inv_args, live, l),
	OPT_STRING("name", NULL, "NAME", struct inv_args, name,
		   "the host's name (default: the hostname)"),
	OPT_FLAG("json", NULL, struct inv_args, json, "the output is one JSON line either way"),
	OPT_END,
};

int cmd_inventory_line(int argc, char **argv)
{
	struct inv_args a = { .l = { .root = "" } };
	int prc = opts_parse(CMD, inventory_line_opts, &a, NULL, NULL, argc, argv);
	if (prc)
		return prc;
	struct live l = a.l;
	bool live = a.live;
	const char *name = a.name;
	if (!live)
		return cli_usage_error(CMD, "--live is required (this command reads the running host)");

	static struct nvmx_hostfile hf;
	static struct nvmx_live_kvm lk;
	struct nvmx_diag d;
	memset(&d, 0, sizeof(d));
	if (nvmx_live_read_cpu(l.root, l.cpu, &hf, &d)) {
		return cli_error(CMD, &d.error);
	}
	memset(&d, 0, sizeof(d));
	if (nvmx_live_read_kvm_params(l.root, &lk, &d)) {
		return cli_error(CMD, &d.error);
	}
	char host[256];
	if (!name) {
		memset(&d, 0, sizeof(d));
		name = nvmx_live_read_hostname(l.root, host, sizeof(host), &d) ? "localhost" : host;
	}
	/* The rows' own resolution: distribution and stable kernels have rows of their own. */
	static struct nvmx_kernel_match km;
	nvmx_kernel_resolve(lk.release, &km);
	const struct nvmx_kernel *k = km.kernel;
	bool hyperv = false;
	for (unsigned i = 0; i < lk.nparams; i++)
		if (nvmx_param_lookup(lk.name[i]) == NVMX_P_ENLIGHTENED_VMCS)
			hyperv = !strcmp(lk.value[i], "Y") || !strcmp(lk.value[i], "1");
	/* What the line cannot hold goes to stderr: the reader of the inventory needs to know. */
	if (!k) {
		char why[256];
		nvmx_kernel_refusal(&km, lk.release, why, sizeof(why));
		fprintf(stderr, "nvmx %s: warning: %s: the line carries \"uname\" only\n", CMD, why);
	}
	if (strstr(hf.flags, "hypervisor") && !hyperv)
		fprintf(stderr, "nvmx %s: warning: this host is itself a virtual machine: its VMX MSRs "
			"are the outer hypervisor's offer, not the processor's\n", CMD);

	printf("{\"name\":");
	cli_json_str(stdout, name);
	printf(",\"uname\":");
	cli_json_str(stdout, lk.release);
	if (k) {
		printf(",\"kvm\":");
		cli_json_str(stdout, nvmx_kernel_name(k));
	}
	if (hf.has_identity) {
		printf(",\"vendor\":");
		cli_json_str(stdout, hf.host.vendor);
		printf(",\"family\":%u,\"model\":%u,\"stepping\":%u", hf.host.family, hf.host.model,
		       hf.host.stepping);
	}
	if (hf.has_flags) {
		printf(",\"cpuid.features\":");
		cli_json_str(stdout, hf.flags);
	}
	printf(",\"params\":{");
	const char *sep = "";
	for (unsigned i = 0; k && i < lk.nparams; i++) {
		int p = nvmx_param_lookup(lk.name[i]);
		if (p < 0 || p == NVMX_P_ENLIGHTENED_VMCS || !nvmx_kernel_has_param(k, (enum nvmx_param)p))
			continue;
		printf("%s", sep);
		cli_json_str(stdout, lk.name[i]);
		putchar(':');
		cli_json_str(stdout, lk.value[i]);
		sep = ",";
	}
	printf("},\"hyperv_evmcs\":%s,\"msrs\":{", hyperv ? "true" : "false");
	sep = "";
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		if (!nvmx_msrs_has(&hf.host.msrs, (enum nvmx_msr_id)i))
			continue;
		printf("%s\"%s\":\"0x%016llx\"", sep, nvmx_io_msr_name((enum nvmx_msr_id)i),
		       (unsigned long long)hf.host.msrs.val[i]);
		sep = ",";
	}
	printf("}}\n");
	return EXIT_OK;
}
