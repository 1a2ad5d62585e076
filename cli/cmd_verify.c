/* SPDX-License-Identifier: MIT */
/*
 * nvmx verify --live: the model's prediction for this host against what the
 * running KVM offers on /dev/kvm.  A difference is a bug in the model or a
 * kernel the profile does not describe; either way it is named bit by bit.
 */
#include <string.h>
#include "live.h"
#include "print.h"

struct verify_args {
	struct live_kvm_args k;
};

const struct opt verify_opts[] = {
	LIVE_KVM_OPTS(struct verify_args, k),
	OPT_END,
};

int cmd_verify(int argc, char **argv)
{
	static struct verify_args args;
	live_kvm_args_init(&args.k);
	int prc = opts_parse("verify", verify_opts, &args, NULL, NULL, argc, argv);
	if (prc)
		return prc;
	struct kvm_opts ko = args.k.ko;
	struct live l = args.k.l;
	bool json = args.k.json, live = args.k.live;
	if (!live)
		return cli_usage_error("verify", "only --live is supported: it compares the model with "
				       "the running KVM");
	static struct nvmx_hostfile hf;
	int rc = live_load(&l, "verify", &ko, &hf);
	if (rc)
		return rc;
	struct nvmx_msrs actual;
	struct nvmx_diag d;
	memset(&d, 0, sizeof(d));
	if (nvmx_live_read_kvm(l.root, &actual, &d)) {
		return cli_error("verify", &d.error);
	}
	static struct nvmx_kvm kvm;
	kvmopts_load(&ko, &hf.host, &kvm);
	struct nvmx_msrs predicted = { { 0 }, 0 };
	if (kvm.status == NVMX_LOAD_OK && kvm.nested)
		nvmx_caps_to_msrs(kvm.kernel, &kvm.caps, &predicted);

	unsigned ndiff = 0;
	if (json) {
		printf("{\"kernel\":");
		cli_json_str(stdout, l.release);
		printf(",\"profile\":\"%s\",\"profile_guessed\":%s,\"differences\":[",
		       nvmx_kernel_name(kvm.kernel), l.profile_guessed ? "true" : "false");
	} else {
		printf("running kernel %s, model profile %s%s\n", l.release, nvmx_kernel_name(kvm.kernel),
		       l.profile_guessed ? " (closest release nvmx knows)" : "");
	}
	for (int i = 0; i <= NVMX_VMFUNC; i++) {
		enum nvmx_msr_id id = (enum nvmx_msr_id)i;
		bool hp = nvmx_msrs_has(&predicted, id), ha = nvmx_msrs_has(&actual, id);
		uint64_t p = predicted.val[id], a = actual.val[id];
		if (hp == ha && (!hp || p == a))
			continue;
		const char *name = nvmx_msr_desc(id)->sdm;
		if (json) {
			printf("%s{\"msr\":\"%s\",\"predicted\":", ndiff ? "," : "", name);
			if (hp)
				cli_json_hex(stdout, p);
			else
				printf("null");
			printf(",\"kvm\":");
			if (ha)
				cli_json_hex(stdout, a);
			else
				printf("null");
			printf("}");
		} else if (hp != ha) {
			printf("  %-30s %s\n", name, hp ? "predicted, but KVM does not list it"
							: "listed by KVM, not predicted");
		} else {
			printf("  %-30s predicted 0x%016llx, KVM 0x%016llx\n", name,
			       (unsigned long long)p, (unsigned long long)a);
			if (a & ~p) {
				printf("      KVM offers, model does not: ");
				print_bit_names(stdout, id, a & ~p, 0);
				putchar('\n');
			}
			if (p & ~a) {
				printf("      model predicts, KVM does not: ");
				print_bit_names(stdout, id, p & ~a, 0);
				putchar('\n');
			}
		}
		ndiff++;
	}
	if (json) {
		printf("]");
		cli_json_approximate(stdout);
		printf("}\n");
	}
	else if (!ndiff)
		printf("the model agrees with /dev/kvm on every VMX MSR\n");
	else
		printf("%u MSR(s) differ: %s\n", ndiff, l.profile_guessed ?
		       "the running kernel may differ from the profile (a distribution backport or a "
		       "newer release), or the model has a bug" : "a bug in nvmx's model for this release");
	return ndiff ? EXIT_NO : EXIT_OK;
}
