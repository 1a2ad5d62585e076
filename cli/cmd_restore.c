/* SPDX-License-Identifier: MIT */
/* nvmx restore: a sequence of KVM_SET_MSRS writes to one fresh vCPU. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "kvmopts.h"
#include "opts.h"
#include "print.h"
#include "vcpu_opts.h"

#define MAX_WRITES 128

struct write { uint32_t index; uint64_t value; struct nvmx_result r; };

static int parse_write(const char *arg, struct write *w)
{
	char name[64];
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : 0;
	if (!eq || !len || len >= sizeof(name))
		return cli_usage_error("restore", "'%s': expected MSR=VALUE", arg);
	memcpy(name, arg, len);
	name[len] = 0;
	const struct nvmx_msr_desc *d = nvmx_msr_lookup(name);
	if (!d)
		return cli_usage_error("restore", "'%s': unknown MSR (an SDM name like "
				       "IA32_VMX_PROCBASED_CTLS2 or an index 0x480..0x493)", name);
	const char *v = eq + 1;
	char *end;
	errno = 0;
	unsigned long long val = strtoull(v, &end, 16);
	if (strncmp(v, "0x", 2) && strncmp(v, "0X", 2))
		return cli_usage_error("restore", "'%s': value must be hex with 0x", arg);
	if (errno || *end || end == v + 2)
		return cli_usage_error("restore", "'%s': value is not a 64-bit hex number", arg);
	w->index = d->index;
	w->value = val;
	return 0;
}

/* The review thread's worry about keeping revoked bits, and what revoke-clear does instead. */
static const char *revoke_risk(enum nvmx_policy p)
{
	return p == NVMX_POLICY_REVOKE_KEEP ?
	       "L1 still sees these controls and may set them in vmcs12; KVM's checks then let "
	       "L2 start with controls this KVM does not provide (ENCLS exiting without "
	       "hardware support made L1's VM entry fail, the reason 6.1 dropped it)" :
	       "these controls are hidden from L1 (its RDMSR no longer shows them); an L1 that "
	       "already read them may notice the change";
}

static void print_reads_text(const struct nvmx_vcpu *vcpu)
{
	for (int id = 0; id <= NVMX_VMFUNC; id++) {
		uint64_t h, g;
		uint32_t idx = nvmx_msr_index((enum nvmx_msr_id)id);
		struct nvmx_result rh = nvmx_vcpu_get_msr(vcpu, idx, false, &h);
		struct nvmx_result rg = nvmx_vcpu_get_msr(vcpu, idx, true, &g);
		printf("  %-30s ", nvmx_msr_desc((enum nvmx_msr_id)id)->sdm);
		if (rh.rc)
			printf("%-18s", "(read fails)");
		else
			printf("0x%016llx", (unsigned long long)h);
		if (rg.rc)
			printf("  L1: #GP");
		else if (g != h)
			printf("  L1 reads 0x%016llx", (unsigned long long)g);
		putchar('\n');
	}
}

struct restore_args {
	struct kvm_opts ko;
	struct vcpu_opts vo;
	const char *ops[MAX_WRITES + 1];
	unsigned nops;
	const char *host;
	bool json;
};

/* HOST (unless --to HOST), then MSR=VALUE writes; sorted out after parsing. */
static int operand_write(void *ctx, const char *arg)
{
	struct restore_args *a = ctx;
	if (a->nops >= MAX_WRITES + 1)
		return cli_usage_error("restore", "more than %d writes", MAX_WRITES);
	a->ops[a->nops++] = arg;
	return 0;
}

const struct opt restore_opts[] = {
	OPT_STRING("to", NULL, "HOST", struct restore_args, host,
		   "the host written to (or HOST before the writes)"),
	KVM_OPTS(struct restore_args, ko),
	VCPU_OPTS(struct restore_args, vo),
	OPT_FLAG("json", NULL, struct restore_args, json, "one JSON document"),
	OPT_END,
};

int cmd_restore(int argc, char **argv)
{
	static struct write writes[MAX_WRITES];
	static struct restore_args a;
	memset(&a, 0, sizeof(a));
	vcpu_opts_init(&a.vo);
	int prc = opts_parse("restore", restore_opts, &a, NULL, operand_write, argc, argv);
	if (prc)
		return prc;
	struct kvm_opts ko = a.ko;
	struct vcpu_opts vo = a.vo;
	const char *host = a.host;
	bool json = a.json;
	unsigned nw = 0, first = 0;
	if (!host && a.nops)
		host = a.ops[first++];
	if (!host)
		return cli_usage_error("restore", "HOST is required (a .msrs dump or JSON)");
	for (unsigned i = first; i < a.nops; i++) {
		if (nw >= MAX_WRITES)
			return cli_usage_error("restore", "more than %d writes", MAX_WRITES);
		if (parse_write(a.ops[i], &writes[nw]))
			return EXIT_USAGE;
		nw++;
	}
	int rc = kvmopts_finish(&ko, "restore", "");
	if (rc)
		return rc;
	static struct nvmx_hostfile hf;
	if ((rc = cli_load_host("restore", host, &hf)))
		return rc;

	static struct nvmx_scenario sc;
	static struct nvmx_vcpu vcpu;
	kvmopts_scenario(&ko, &hf.host, &sc);
	if ((rc = vcpu_opts_apply(&vo, "restore", &hf, &sc)))
		return rc;
	nvmx_scenario_vcpu(&sc, &vcpu);
	const struct nvmx_kvm *kvm = &sc.kvm;

	bool all_ok = kvm->status == NVMX_LOAD_OK;
	for (unsigned n = 0; n < nw; n++) {
		writes[n].r = nvmx_vcpu_set_msr(&vcpu, writes[n].index, writes[n].value);
		if (writes[n].r.rc)
			all_ok = false;
	}

	char why[CLI_REASON_MAX];
	if (json) {
		printf("{\"kernel\":");
		cli_json_str(stdout, nvmx_kernel_name(kvm->kernel));
		printf(",\"load_ok\":%s,\"policy\":\"%s\",\"writes\":[",
		       kvm->status == NVMX_LOAD_OK ? "true" : "false", vcpu_policy_name(vo.policy));
		for (unsigned n = 0; n < nw; n++) {
			const struct nvmx_msr_desc *d = nvmx_msr_by_index(writes[n].index);
			printf("%s{\"msr\":\"%s\",\"value\":", n ? "," : "", d->sdm);
			cli_json_hex(stdout, writes[n].value);
			printf(",\"accepted\":%s,\"rc\":%d,\"rule\":\"%s\",\"reason\":",
			       writes[n].r.rc ? "false" : "true", writes[n].r.rc,
			       nvmx_reason_name(writes[n].r.reason));
			if (writes[n].r.rc || writes[n].r.revoked) {
				nvmx_result_describe(&writes[n].r, why, sizeof(why));
				cli_json_str(stdout, why);
			} else {
				printf("null");
			}
			if (writes[n].r.revoked) {
				printf(",\"risk\":");
				cli_json_str(stdout, revoke_risk(vo.policy));
			}
			printf("}");
		}
		bool revoked = false;
		for (unsigned n = 0; n < nw; n++)
			revoked |= !writes[n].r.rc && writes[n].r.revoked;
		printf("],\"hypothetical\":%s,\"final\":", revoked ? "true" : "false");
		print_vcpu_reads_json(stdout, &vcpu, false);
		printf(",\"guest\":");
		print_vcpu_reads_json(stdout, &vcpu, true);
		cli_json_approximate(stdout);
		printf("}\n");
	} else {
		printf("KVM %s on %s", nvmx_kernel_name(kvm->kernel), hf.name);
		if (kvm->status != NVMX_LOAD_OK) {
			nvmx_kvm_describe_failure(kvm, why, sizeof(why));
			printf(": kvm_intel refuses to load: %s\n", why);
			return EXIT_NO;
		}
		printf(", policy %s\n", vcpu_policy_name(vo.policy));
		for (unsigned n = 0; n < nw; n++) {
			nvmx_result_describe(&writes[n].r, why, sizeof(why));
			printf("  write %u %s=0x%016llx: %s\n", n + 1,
			       nvmx_msr_by_index(writes[n].index)->sdm,
			       (unsigned long long)writes[n].value,
			       writes[n].r.rc ? why : (writes[n].r.revoked ? why : "accepted"));
			if (writes[n].r.revoked)
				printf("      risk: %s\n      hypothetical: %s\n", revoke_risk(vo.policy),
				       CLI_REVOKE_HYPOTHETICAL);
		}
		printf("\nvCPU VMX MSRs after the writes (KVM_GET_MSRS; L1's RDMSR where it differs):\n");
		print_reads_text(&vcpu);
	}
	return all_ok ? EXIT_OK : EXIT_NO;
}
