/* SPDX-License-Identifier: MIT */
/* nvmx derive: what kvm_intel of a release computes on a host. */
#include <string.h>
#include "kvmopts.h"
#include "live.h"
#include "print.h"
#include "partial.h"

/*
 * A partial host: KVM derived again with the unknown host bits all 0 and all
 * 1.  Offer bits that differ depend on what the input does not give.
 */
struct partial_offer {
	bool on;
	bool load_lo, load_hi;		/* KVM loads (nested) in each variant */
	uint64_t unknown[NVMX_MSR_COUNT];	/* nested-offer bits the variants change */
};

static void partial_offer(const struct nvmx_hostfile *hf, const struct kvm_opts *ko,
			  const struct nvmx_kvm *kvm, struct partial_offer *po)
{
	memset(po, 0, sizeof(*po));
	if (!partial_has_unknown(hf) || kvm->status != NVMX_LOAD_OK || !kvm->nested)
		return;
	po->on = true;
	struct nvmx_msrs n, v;
	nvmx_caps_to_msrs(kvm->kernel, &kvm->caps, &n);
	for (int ones = 0; ones < 2; ones++) {
		static struct nvmx_host h;
		static struct nvmx_kvm k;
		partial_variant(hf, ones, &h);
		kvmopts_load(ko, &h, &k);
		bool ok = k.status == NVMX_LOAD_OK && k.nested;
		*(ones ? &po->load_hi : &po->load_lo) = ok;
		if (!ok)
			continue;
		nvmx_caps_to_msrs(k.kernel, &k.caps, &v);
		for (int i = 0; i < NVMX_MSR_COUNT; i++)
			po->unknown[i] |= (n.val[i] ^ v.val[i]) |
					  (((n.present ^ v.present) >> i & 1) ? ~UINT64_C(0) : 0);
	}
}

static void print_json(const struct nvmx_hostfile *hf, const struct nvmx_kvm *kvm,
		       const struct partial_offer *po)
{
	char why[CLI_REASON_MAX];
	struct nvmx_msrs n;
	bool ok = kvm->status == NVMX_LOAD_OK;

	printf("{\"kernel\":");
	cli_json_str(stdout, nvmx_kernel_name(kvm->kernel));
	printf(",\"host\":");
	cli_json_str(stdout, hf->name);
	printf(",\"load_ok\":%s,\"load_rc\":%d,\"error\":", ok ? "true" : "false", kvm->load_rc);
	if (ok) {
		printf("null");
	} else {
		nvmx_kvm_describe_failure(kvm, why, sizeof(why));
		cli_json_str(stdout, why);
	}
	printf(",\"kvm_using_evmcs\":%s", kvm->using_evmcs ? "true" : "false");
	if (ok) {
		printf(",\"params_effective\":");
		print_params_json(stdout, kvm->kernel, &kvm->params);
		printf(",\"vmcs_config\":");
		print_vmcs_config_json(stdout, kvm);
	}
	printf(",\"nested\":");
	if (ok && kvm->nested) {
		nvmx_caps_to_msrs(kvm->kernel, &kvm->caps, &n);
		print_msrs_json(stdout, &n);
	} else {
		printf("null");
	}
	printf(",\"partial_host\":");
	if (po->on) {
		printf("{\"note\":");
		cli_json_str(stdout, hf->partial_note);
		printf(",\"loads_if_unknown_0\":%s,\"loads_if_unknown_1\":%s,\"offer_unknown\":{",
		       po->load_lo ? "true" : "false", po->load_hi ? "true" : "false");
		const char *sep = "";
		for (int i = 0; i < NVMX_MSR_COUNT; i++)
			if (po->unknown[i]) {
				printf("%s\"%s\":\"0x%016llx\"", sep, nvmx_msr_desc((enum nvmx_msr_id)i)->sdm,
				       (unsigned long long)po->unknown[i]);
				sep = ",";
			}
		printf("}}");
	} else {
		printf("null");
	}
	cli_json_approximate(stdout);
	printf("}\n");
}

static void print_word(const char *label, enum nvmx_msr_id id, uint32_t v)
{
	printf("  %-12s 0x%08x  ", label, v);
	print_bit_names(stdout, id, v, 32);
	putchar('\n');
}

static void print_text(const struct nvmx_hostfile *hf, const struct nvmx_kvm *kvm,
		       const struct partial_offer *po)
{
	char why[CLI_REASON_MAX];
	printf("KVM %s on %s: ", nvmx_kernel_name(kvm->kernel), hf->name);
	if (kvm->status != NVMX_LOAD_OK) {
		nvmx_kvm_describe_failure(kvm, why, sizeof(why));
		printf("kvm_intel refuses to load (%d): %s\n", kvm->load_rc, why);
		return;
	}
	printf("kvm_intel loads%s\n", kvm->using_evmcs ? " (using Hyper-V enlightened VMCS)" : "");
	printf("\nmodule parameters after loading (clamped ones marked):\n ");
	struct nvmx_params def;
	nvmx_params_default(kvm->kernel, &def);
	for (int i = 0; i < NVMX_P_COUNT; i++)
		if (nvmx_kernel_has_param(kvm->kernel, (enum nvmx_param)i))
			printf(" %s=%lld%s", nvmx_param_name((enum nvmx_param)i),
			       (long long)kvm->params.val[i],
			       kvm->params.val[i] != def.val[i] ? "*" : "");
	printf("\n\nvmcs_config (KVM's own controls):\n");
	print_word("pin-based", NVMX_TRUE_PINBASED, kvm->cfg.pin);
	print_word("primary", NVMX_TRUE_PROCBASED, kvm->cfg.proc);
	print_word("secondary", NVMX_PROCBASED2, kvm->cfg.proc2);
	printf("  %-12s 0x%08llx\n", "tertiary", (unsigned long long)kvm->cfg.proc3);
	print_word("VM-exit", NVMX_TRUE_EXIT, kvm->cfg.exit);
	print_word("VM-entry", NVMX_TRUE_ENTRY, kvm->cfg.entry);
	printf("  %-12s ept 0x%08x vpid 0x%08x\n", "EPT/VPID", kvm->cfg.ept, kvm->cfg.vpid);
	if (!kvm->nested) {
		printf("\nnested=0: no nested VMX MSRs\n");
		return;
	}
	struct nvmx_msrs n;
	nvmx_caps_to_msrs(kvm->kernel, &kvm->caps, &n);
	printf("\nnested VMX MSRs of a fresh vCPU (KVM_GET_MSRS):\n");
	print_msrs_text(stdout, &n, "  ");
	if (!po->on)
		return;
	printf("\npartial host: %s\n", hf->partial_note);
	if (!po->load_lo || !po->load_hi)
		printf("  KVM would not load (or run nested) with the unknown bits all %s\n",
		       !po->load_lo ? "0" : "1");
	bool any = false;
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		if (po->unknown[i]) {
			if (!any)
				printf("  offer bits that depend on them (all 0 vs all 1):\n");
			any = true;
			printf("    %-30s 0x%016llx\n", nvmx_msr_desc((enum nvmx_msr_id)i)->sdm,
			       (unsigned long long)po->unknown[i]);
		}
	if (!any)
		printf("  the offer is the same with them all 0 or all 1\n");
}

struct derive_args {
	struct live_kvm_args k;
	const char *host;
};

static int operand_host(void *ctx, const char *arg)
{
	struct derive_args *a = ctx;
	if (a->host)
		return cli_usage_error("derive", "more than one HOST given ('%s')", arg);
	a->host = arg;
	return 0;
}

const struct opt derive_opts[] = {
	LIVE_KVM_OPTS(struct derive_args, k),
	OPT_END,
};

int cmd_derive(int argc, char **argv)
{
	static struct derive_args a;
	live_kvm_args_init(&a.k);
	a.host = NULL;
	int prc = opts_parse("derive", derive_opts, &a, NULL, operand_host, argc, argv);
	if (prc)
		return prc;
	struct kvm_opts ko = a.k.ko;
	struct live l = a.k.l;
	const char *host = a.host;
	bool json = a.k.json, live = a.k.live;
	static struct nvmx_hostfile hf;
	int rc;
	if (live && host)
		return cli_usage_error("derive", "give HOST (a .msrs dump or JSON) or --live, not both");
	if (!live && !host)
		return cli_usage_error("derive", "HOST is required (a .msrs dump or JSON), or --live");
	if (live) {
		if ((rc = live_load(&l, "derive", &ko, &hf)))
			return rc;
		if (!json)
			printf("running kernel %s: %s profile %s\n", l.release,
			       l.profile_guessed ? "closest" : "given", nvmx_kernel_name(ko.kernel));
	} else {
		if ((rc = kvmopts_finish(&ko, "derive", "")))
			return rc;
		if ((rc = cli_load_host("derive", host, &hf)))
			return rc;
	}

	struct nvmx_kvm kvm;
	kvmopts_load(&ko, &hf.host, &kvm);
	static struct partial_offer po;
	partial_offer(&hf, &ko, &kvm, &po);
	if (json)
		print_json(&hf, &kvm, &po);
	else
		print_text(&hf, &kvm, &po);
	return kvm.status == NVMX_LOAD_OK ? EXIT_OK : EXIT_NO;
}
