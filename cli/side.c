/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "side.h"

void side_init(struct side *s)
{
	memset(s, 0, sizeof(*s));
	vcpu_opts_init(&s->vo);
}

int side_parse(struct side *s, const char *cmd, const char *prefix, const char *host_opt,
	       int argc, char **argv, int *i)
{
	char opt[64];
	snprintf(opt, sizeof(opt), "--%s", host_opt);
	size_t ol = strlen(opt);
	if (!strncmp(argv[*i], opt, ol) && (argv[*i][ol] == '=' || !argv[*i][ol])) {
		if (argv[*i][ol] == '=') {
			s->host_path = argv[*i] + ol + 1;
		} else if (*i + 1 < argc) {
			s->host_path = argv[++*i];
		} else {
			cli_usage_error(cmd, "%s needs a host dump", opt);
			return -1;
		}
		return 1;
	}
	int r = kvmopts_parse(&s->ko, cmd, prefix, argc, argv, i);
	if (!r)
		r = vcpu_opts_parse(&s->vo, cmd, prefix, argc, argv, i);
	return r;
}

int side_load(struct side *s, const char *cmd, const char *prefix, const struct nvmx_hostfile *ref)
{
	int rc = kvmopts_finish(&s->ko, cmd, prefix);
	if (rc)
		return rc;
	if ((rc = cli_load_host(cmd, s->host_path, &s->hf)))
		return rc;
	kvmopts_scenario(&s->ko, &s->hf.host, &s->sc);
	return vcpu_opts_apply(&s->vo, cmd, ref ? ref : &s->hf, &s->sc);
}
