/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kinds.h: the kinds of case the harness runs. Included at the end of kgen.c,
 * so each kind sees the copied kernel code and its statics. A new kind: a file
 * kind_NAME.c with `static int kind_NAME(const struct kh_case *)` that prints
 * its fields with the json.c writers, and one line in the table below
 * (HACKING.md).
 */
#include "kind_derive.c"
#include "kind_vcpu.c"

static const struct {
	const char *name;
	int (*run)(const struct kh_case *c);
} kh_kinds[] = {
	{ "derive", kind_derive },
	{ "synthetic", kind_derive },
	{ "vcpu", kind_vcpu },
};

const char *kh_env(const struct kh_case *c, const char *key)
{
	for (int i = 0; i < c->nenv; i++)
		if (!strcmp(c->env_key[i], key))
			return c->env_value[i];
	return NULL;
}

int kh_run_case(const struct kh_case *c)
{
	for (size_t i = 0; i < sizeof(kh_kinds) / sizeof(kh_kinds[0]); i++) {
		if (strcmp(kh_kinds[i].name, c->kind))
			continue;
		kh_json_first = true;
		putchar('{');
		kh_json_key("case");
		kh_json_str(c->name);
		int r = kh_kinds[i].run(c);
		puts("}");
		return r;
	}
	fprintf(stderr, "kharness: %s: no kind %s\n", c->name, c->kind);
	return 5;
}
