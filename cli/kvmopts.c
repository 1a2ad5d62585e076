/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "kvmopts.h"

static bool is_opt(const char *arg, const char *prefix, const char *name, const char **val)
{
	size_t pl = strlen(prefix), nl = strlen(name);
	if (strncmp(arg, "--", 2) || strncmp(arg + 2, prefix, pl) || strncmp(arg + 2 + pl, name, nl))
		return false;
	const char *rest = arg + 2 + pl + nl;
	if (*rest == '=') {
		*val = rest + 1;
		return true;
	}
	if (!*rest) {
		*val = NULL;
		return true;
	}
	return false;
}

/*
 * Consume argv[*i] (and its value) if it is one of the KVM options, with the
 * given prefix ("" or "from-").  Returns 1 consumed, 0 not ours, -1 on a
 * usage error (already printed).
 */
static int kvmopts_parse(struct kvm_opts *o, const char *cmd, const char *prefix,
			 int argc, char **argv, int *i)
{
	const char *v;
	const char *arg = argv[*i];
	if (is_opt(arg, prefix, "kvm", &v) || is_opt(arg, prefix, "kernel", &v)) {
		if (!v) {
			if (*i + 1 >= argc) {
				cli_usage_error(cmd, "--%skvm needs a release (see 'nvmx kernels')", prefix);
				return -1;
			}
			v = argv[++*i];
		}
		o->kernel = cli_kernel_arg(cmd, v, false);
		if (!o->kernel)
			return -1;
		return 1;
	}
	if (is_opt(arg, prefix, "param", &v)) {
		if (!v) {
			if (*i + 1 >= argc) {
				cli_usage_error(cmd, "--%sparam needs NAME=VALUE", prefix);
				return -1;
			}
			v = argv[++*i];
		}
		if (o->nparam >= sizeof(o->param_args) / sizeof(o->param_args[0])) {
			cli_usage_error(cmd, "too many --%sparam options", prefix);
			return -1;
		}
		o->param_args[o->nparam++] = v;
		return 1;
	}
	if (is_opt(arg, prefix, "hyperv-evmcs", &v) && !v) {
		o->hyperv_evmcs = true;
		return 1;
	}
	return 0;
}

int kvmopts_opt(void *ctx, const struct opt *o, const char *v)
{
	char name[64];
	snprintf(name, sizeof(name), "--%s", o->name);
	char *av[] = { name, (char *)v };
	int i = 0;
	const char *prefix = strncmp(o->name, "from-", 5) ? "" : "from-";
	return kvmopts_parse((struct kvm_opts *)((char *)ctx + o->off), opts_cmd(), prefix, v ? 2 : 1,
			     av, &i) == 1 ? 0 : EXIT_USAGE;
}

int kvmopts_finish(struct kvm_opts *o, const char *cmd, const char *prefix)
{
	if (!o->kernel)
		return cli_usage_error(cmd, "--%skvm RELEASE is required (see 'nvmx kernels')", prefix);
	nvmx_params_default(o->kernel, &o->params);
	for (unsigned n = 0; n < o->nparam; n++) {
		char name[64];
		const char *eq = strchr(o->param_args[n], '=');
		size_t len = eq ? (size_t)(eq - o->param_args[n]) : 0;
		if (!eq || !len || len >= sizeof(name) || !eq[1])
			return cli_usage_error(cmd, "--%sparam '%s': expected NAME=VALUE", prefix,
					       o->param_args[n]);
		memcpy(name, o->param_args[n], len);
		name[len] = 0;
		struct nvmx_error err;
		if (nvmx_params_set(o->kernel, &o->params, name, eq + 1, &err))
			return cli_error(cmd, &err);
	}
	return 0;
}

void kvmopts_load(const struct kvm_opts *o, const struct nvmx_host *h, struct nvmx_kvm *kvm)
{
	struct nvmx_host env = *h;
	if (o->hyperv_evmcs)
		env.hyperv_evmcs = true;
	nvmx_kvm_load(kvm, &env, o->kernel, &o->params);
}

void kvmopts_scenario(const struct kvm_opts *o, const struct nvmx_host *h, struct nvmx_scenario *sc)
{
	nvmx_scenario_init(sc, h, o->hyperv_evmcs, o->kernel, &o->params);
}
