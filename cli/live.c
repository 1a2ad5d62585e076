/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "live.h"

int live_opt_cpu(void *ctx, const struct opt *o, const char *v)
{
	struct live *l = (struct live *)((char *)ctx + o->off);
	char *end;
	errno = 0;
	unsigned long cpu = strtoul(v, &end, 10);
	if (!*v || *end || errno || cpu > 65535)
		return cli_usage_error(opts_cmd(), "--live-cpu: '%s' is not a CPU number", v);
	l->cpu = (unsigned)cpu;
	return 0;
}

void live_kvm_args_init(struct live_kvm_args *a)
{
	memset(a, 0, sizeof(*a));
	a->l.root = "";	/* the real system */
}

int live_load(struct live *l, const char *cmd, struct kvm_opts *o, struct nvmx_hostfile *hf)
{
	struct nvmx_diag d;
	static struct nvmx_live_kvm lk;
	memset(&d, 0, sizeof(d));
	if (nvmx_live_read_cpu(l->root, l->cpu, hf, &d)) {
		return cli_error(cmd, &d.error);
	}
	memset(&d, 0, sizeof(d));
	if (nvmx_live_read_kvm_params(l->root, &lk, &d)) {
		return cli_error(cmd, &d.error);
	}
	snprintf(l->release, sizeof(l->release), "%s", lk.release);
	if (!o->kernel) {
		struct nvmx_kernel_match km;
		l->profile_guessed = true;
		if (nvmx_kernel_resolve(lk.release, &km) != NVMX_MATCH_EXACT && km.how != NVMX_MATCH_NEAREST) {
			char why[256];
			nvmx_kernel_refusal(&km, lk.release, why, sizeof(why));
			fprintf(stderr, "nvmx %s: the running %s; give --kvm\n", cmd, why);
			return EXIT_USAGE;
		}
		o->kernel = cli_kernel_arg(cmd, lk.release, true);
	}
	int rc = kvmopts_finish(o, cmd, "");
	if (rc)
		return rc;
	/*
	 * sysfs shows the values after loading; clamping them again changes
	 * nothing, so they serve as the requested ones.  enlightened_vmcs reads
	 * Y only when KVM runs on Hyper-V and uses the enlightened VMCS.
	 */
	for (unsigned i = 0; i < lk.nparams; i++) {
		int p = nvmx_param_lookup(lk.name[i]);
		if (p == NVMX_P_ENLIGHTENED_VMCS) {
			o->hyperv_evmcs = !strcmp(lk.value[i], "Y") || !strcmp(lk.value[i], "1");
			continue;
		}
		if (p < 0 || !nvmx_kernel_has_param(o->kernel, (enum nvmx_param)p))
			continue;
		/* Parameters given on the command line win. */
		bool given = false;
		for (unsigned a = 0; a < o->nparam; a++)
			if (!strncmp(o->param_args[a], lk.name[i], strlen(lk.name[i])) &&
			    o->param_args[a][strlen(lk.name[i])] == '=')
				given = true;
		if (!given && nvmx_params_set(o->kernel, &o->params, lk.name[i], lk.value[i], NULL))
			fprintf(stderr, "nvmx %s: warning: kvm_intel.%s=%s not understood, default used\n",
				cmd, lk.name[i], lk.value[i]);
	}
	return 0;
}
