/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "side.h"

void side_init(struct side *s)
{
	memset(s, 0, sizeof(*s));
	vcpu_opts_init(&s->vo);
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
