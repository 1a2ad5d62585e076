/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vcpu_opts.h"

void vcpu_opts_init(struct vcpu_opts *o)
{
	memset(o, 0, sizeof(*o));
}

const char *vcpu_policy_name(enum nvmx_policy p)
{
	return p == NVMX_POLICY_REVOKE_KEEP ? "revoke-keep" :
	       p == NVMX_POLICY_REVOKE_CLEAR ? "revoke-clear" : "strict";
}

static const char *opt_value(const char *arg, const char *prefix, const char *name,
			     int argc, char **argv, int *i, bool *matched)
{
	size_t pl = strlen(prefix), nl = strlen(name);
	*matched = false;
	if (strncmp(arg, "--", 2) || strncmp(arg + 2, prefix, pl) || strncmp(arg + 2 + pl, name, nl))
		return NULL;
	const char *rest = arg + 2 + pl + nl;
	if (*rest == '=') {
		*matched = true;
		return rest + 1;
	}
	if (*rest)
		return NULL;
	*matched = true;
	return *i + 1 < argc ? argv[++*i] : NULL;
}

static int parse_state(struct vcpu_opts *o, const char *cmd, const char *prefix, const char *s)
{
	static const struct { const char *name; uint32_t bits; } names[] = {
		{ "has-run", NVMX_STATE_HAS_RUN },
		{ "vmxon", NVMX_STATE_VMXON },
		{ "guest-mode", NVMX_STATE_GUEST_MODE | NVMX_STATE_VMXON },
		{ "evmcs", NVMX_STATE_EVMCS },
		{ "evmcs-pgc", NVMX_STATE_EVMCS_PGC | NVMX_STATE_EVMCS },
	};
	while (*s) {
		size_t len = strcspn(s, ",");
		bool found = false;
		for (unsigned n = 0; n < sizeof(names) / sizeof(names[0]); n++)
			if (strlen(names[n].name) == len && !strncmp(names[n].name, s, len)) {
				o->state |= names[n].bits;
				found = true;
			}
		if (!found && len) {
			cli_usage_error(cmd, "--%sstate: unknown flag '%.*s' (has-run, vmxon, guest-mode, "
				       "evmcs, evmcs-pgc)", prefix, (int)len, s);
			return -1;
		}
		s += len + (s[len] == ',');
	}
	return 1;
}

int vcpu_opts_parse(struct vcpu_opts *o, const char *cmd, const char *prefix,
		    int argc, char **argv, int *i)
{
	bool m;
	const char *arg = argv[*i], *v;
	char *end;

	if ((v = opt_value(arg, prefix, "guest-cpuid", argc, argv, i, &m)) || m) {
		if (!v) {
			cli_usage_error(cmd, "--%sguest-cpuid needs SPEC (host|none|empty[,+flag|,-flag]...)", prefix);
			return -1;
		}
		o->guest_cpuid = v;
		o->given |= VO_CPUID;
		return 1;
	}
	if ((v = opt_value(arg, prefix, "pmu-version", argc, argv, i, &m)) || m) {
		errno = 0;
		unsigned long n = v ? strtoul(v, &end, 10) : 0;
		if (!v || !*v || *end || errno || n > 255) {
			cli_usage_error(cmd, "--%spmu-version needs a number 0..255", prefix);
			return -1;
		}
		o->pmu_version = (unsigned)n;
		o->given |= VO_PMU;
		return 1;
	}
	if ((v = opt_value(arg, prefix, "disable-quirks", argc, argv, i, &m)) || m) {
		errno = 0;
		unsigned long long q = v ? strtoull(v, &end, 0) : 0;
		if (!v || !*v || *end || errno) {
			cli_usage_error(cmd, "--%sdisable-quirks needs a mask (e.g. 0x100)", prefix);
			return -1;
		}
		o->quirks_disabled = q;
		o->given |= VO_QUIRKS;
		return 1;
	}
	if ((v = opt_value(arg, prefix, "state", argc, argv, i, &m)) || m) {
		if (!v) {
			cli_usage_error(cmd, "--%sstate needs flags", prefix);
			return -1;
		}
		return parse_state(o, cmd, prefix, v);
	}
	if ((v = opt_value(arg, prefix, "policy", argc, argv, i, &m)) || m) {
		if (v && !strcmp(v, "strict"))
			o->policy = NVMX_POLICY_STRICT;
		else if (v && !strcmp(v, "revoke-keep"))
			o->policy = NVMX_POLICY_REVOKE_KEEP;
		else if (v && !strcmp(v, "revoke-clear"))
			o->policy = NVMX_POLICY_REVOKE_CLEAR;
		else {
			cli_usage_error(cmd, "--%spolicy must be strict, revoke-keep or revoke-clear", prefix);
			return -1;
		}
		o->given |= VO_POLICY;
		return 1;
	}
	if ((v = opt_value(arg, prefix, "revoke-since", argc, argv, i, &m)) || m) {
		if (!v) {
			cli_usage_error(cmd, "--%srevoke-since needs a release (see 'nvmx kernels')", prefix);
			return -1;
		}
		char opt[48];
		snprintf(opt, sizeof(opt), "--%srevoke-since", prefix);
		if (!(o->revoke_since = cli_kernel_opt(cmd, opt, v)))
			return -1;
		o->given |= VO_SINCE;
		return 1;
	}
	return 0;
}

int vcpu_opts_opt(void *ctx, const struct opt *o, const char *v)
{
	char name[64];
	snprintf(name, sizeof(name), "--%s", o->name);
	char *av[] = { name, (char *)v };
	int i = 0;
	const char *prefix = strncmp(o->name, "from-", 5) ? "" : "from-";
	return vcpu_opts_parse((struct vcpu_opts *)((char *)ctx + o->off), opts_cmd(), prefix, 2, av,
			       &i) == 1 ? 0 : EXIT_USAGE;
}

void vcpu_opts_inherit_vm(struct vcpu_opts *side, const struct vcpu_opts *vm)
{
	if (!(side->given & VO_CPUID))
		side->guest_cpuid = vm->guest_cpuid;
	if (!(side->given & VO_PMU))
		side->pmu_version = vm->pmu_version;
	if (!(side->given & VO_QUIRKS))
		side->quirks_disabled = vm->quirks_disabled;
}

static bool flag_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Apply one cpuinfo flag name to the feature set. */
static int apply_flag(const char *cmd, const char *name, size_t len, bool add, uint64_t *f)
{
	char buf[64];
	if (!len || len >= sizeof(buf))
		return cli_usage_error(cmd, "--guest-cpuid: empty or overlong flag name");
	for (size_t n = 0; n < len; n++)
		if (!flag_char(name[n]))
			return cli_usage_error(cmd, "--guest-cpuid: bad flag name '%.*s'", (int)len, name);
	memcpy(buf, name, len);
	buf[len] = 0;
	int feat = nvmx_feature_lookup(buf);
	if (feat < 0)
		return 0;	/* a real flag KVM's VMX MSR code never reads: no effect */
	if (add)
		*f |= NVMX_FEAT(feat);
	else
		*f &= ~NVMX_FEAT(feat);
	return 0;
}

int guest_cpuid_parse(const char *cmd, const char *spec, const struct nvmx_hostfile *hf,
		      uint64_t *features)
{
	size_t len = strcspn(spec, ",");
	if (len == 4 && !strncmp(spec, "host", 4)) {
		if (!hf->has_flags)
			return cli_usage_error(cmd, "--guest-cpuid host: %s lists no cpuid.features",
					       hf->path);
		*features = hf->host.features;
	} else if (len == 4 && !strncmp(spec, "none", 4)) {
		*features = NVMX_FEAT(NVMX_F_VMX);
	} else if (len == 5 && !strncmp(spec, "empty", 5)) {
		*features = 0;
	} else {
		return cli_usage_error(cmd, "--guest-cpuid '%s': must start with host, none or empty",
				       spec);
	}
	spec += len;
	while (*spec == ',') {
		spec++;
		if (*spec != '+' && *spec != '-')
			return cli_usage_error(cmd, "--guest-cpuid: expected ,+flag or ,-flag at '%s'", spec);
		bool add = *spec++ == '+';
		len = strcspn(spec, ",");
		if (apply_flag(cmd, spec, len, add, features))
			return EXIT_USAGE;
		spec += len;
	}
	if (*spec)
		return cli_usage_error(cmd, "--guest-cpuid: trailing text '%s'", spec);
	return 0;
}

int vcpu_opts_apply(const struct vcpu_opts *o, const char *cmd, const struct nvmx_hostfile *hf,
		    struct nvmx_scenario *sc)
{
	uint64_t features = 0;
	if (o->guest_cpuid && guest_cpuid_parse(cmd, o->guest_cpuid, hf, &features))
		return EXIT_USAGE;
	sc->vm = (struct nvmx_vm){ .cpuid_set = o->guest_cpuid != NULL, .guest_features = features,
				   .pmu_version = o->pmu_version, .quirks_disabled = o->quirks_disabled };
	sc->state = o->state;
	sc->policy = o->policy;
	sc->revoke_since = o->revoke_since;
	return 0;
}
