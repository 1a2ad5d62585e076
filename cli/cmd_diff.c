/* SPDX-License-Identifier: MIT */
/*
 * nvmx diff A B: what B can do that A cannot and the other way round, control
 * by control and field by field, named through the catalogue.  Only the VMX
 * MSRs are compared; names and CPU identity are shown, not compared.
 */
#include <string.h>
#include "decode.h"
#include "opts.h"

/* One difference inside one MSR. */
struct change {
	const struct nvmx_field *f;	/* NULL for an unnamed bit or bit group */
	int bit;			/* control/CR bit, or -1 for a field */
	char sign;			/* '+' B allows more, '-' B allows less, '~' changed */
	const char *what;		/* "newly allowed", ... */
	char a[96], b[96];		/* the setting or value on each side */
};

#define MAX_CHANGES 80	/* 64 bits + named fields + one unnamed-bits entry */

struct msr_diff {
	unsigned n;
	struct change c[MAX_CHANGES];
};

static struct change *add(struct msr_diff *d)
{
	if (d->n >= MAX_CHANGES)
		return NULL;
	struct change *c = &d->c[d->n++];
	memset(c, 0, sizeof(*c));
	c->bit = -1;
	return c;
}

/* A control's allowed settings went from sa to sb: classify for a reader. */
static void classify(struct change *c, enum ctl_state sa, enum ctl_state sb)
{
	snprintf(c->a, sizeof(c->a), "%s", ctl_state_name(sa));
	snprintf(c->b, sizeof(c->b), "%s", ctl_state_name(sb));
	c->sign = '~';
	c->what = "changed";
	if (sa == CTL_MUST0 && sb == CTL_MAY1) {
		c->sign = '+';
		c->what = "newly allowed";
	} else if (sa == CTL_MUST0 && sb == CTL_MUST1) {
		c->what = "newly allowed and required";
	} else if (sb == CTL_MUST0 && (sa == CTL_MAY1 || sa == CTL_MUST1)) {
		c->sign = '-';
		c->what = "no longer allowed";
	} else if (sa == CTL_MAY1 && sb == CTL_MUST1) {
		c->sign = '-';
		c->what = "newly required";
	} else if (sa == CTL_MUST1 && sb == CTL_MAY1) {
		c->sign = '+';
		c->what = "no longer required";
	}
}

static void diff_controls(enum nvmx_msr_id id, uint64_t a, uint64_t b, struct msr_diff *d)
{
	enum nvmx_word w = nvmx_msr_desc(id)->word;
	for (unsigned bit = 0; bit < word_bits(w); bit++) {
		enum ctl_state sa = ctl_state_of(id, a, bit), sb = ctl_state_of(id, b, bit);
		if (sa == sb)
			continue;
		struct change *c = add(d);
		if (!c)
			return;
		c->f = word_field(w, bit);
		c->bit = (int)bit;
		classify(c, sa, sb);
	}
}

/* FIXED0 bits are "must be 1", FIXED1 bits "may be 1": compare each on its own. */
static void diff_cr(enum nvmx_msr_id id, uint64_t a, uint64_t b, struct msr_diff *d)
{
	enum nvmx_word w = nvmx_msr_desc(id)->word;
	bool fixed0 = id == NVMX_CR0_FIXED0 || id == NVMX_CR4_FIXED0;
	for (unsigned bit = 0; bit < 64; bit++) {
		bool ba = (a >> bit) & 1, bb = (b >> bit) & 1;
		if (ba == bb)
			continue;
		struct change *c = add(d);
		if (!c)
			return;
		c->f = word_field(w, bit);
		c->bit = (int)bit;
		if (fixed0) {
			snprintf(c->a, sizeof(c->a), "%s", ba ? "must be 1" : "not fixed to 1");
			snprintf(c->b, sizeof(c->b), "%s", bb ? "must be 1" : "not fixed to 1");
			c->sign = bb ? '-' : '+';
			c->what = bb ? "newly required" : "no longer required";
		} else {
			snprintf(c->a, sizeof(c->a), "%s", ba ? "may be 1" : "must be 0");
			snprintf(c->b, sizeof(c->b), "%s", bb ? "may be 1" : "must be 0");
			c->sign = bb ? '+' : '-';
			c->what = bb ? "newly allowed" : "no longer allowed";
		}
	}
}

static void diff_fields(enum nvmx_msr_id id, uint64_t a, uint64_t b, struct msr_diff *d)
{
	size_t n;
	const struct nvmx_field *fl = nvmx_msr_fields(id, &n);
	for (size_t i = 0; i < n; i++) {
		uint64_t ra = nvmx_field_get(&fl[i], a), rb = nvmx_field_get(&fl[i], b);
		if (ra == rb)
			continue;
		struct change *c = add(d);
		if (!c)
			return;
		c->f = &fl[i];
		c->sign = '~';
		c->what = "changed";
		if (fl[i].fmt == NVMX_FMT_FLAG && !fl[i].reserved) {
			/* a capability flag: gaining it is "more", like a control */
			c->sign = rb ? '+' : '-';
			c->what = rb ? "newly supported" : "no longer supported";
		}
		field_value_text(&fl[i], ra, c->a, sizeof(c->a));
		field_value_text(&fl[i], rb, c->b, sizeof(c->b));
	}
	uint64_t ua = unnamed_bits(id, a), ub = unnamed_bits(id, b);
	if (ua != ub) {
		struct change *c = add(d);
		if (!c)
			return;
		c->sign = '~';
		c->what = "unnamed bits changed";
		snprintf(c->a, sizeof(c->a), "0x%llx", (unsigned long long)ua);
		snprintf(c->b, sizeof(c->b), "0x%llx", (unsigned long long)ub);
	}
}

static void diff_msr(enum nvmx_msr_id id, uint64_t a, uint64_t b, struct msr_diff *d)
{
	d->n = 0;
	switch (nvmx_msr_desc(id)->layout) {
	case NVMX_LAYOUT_CONTROLS:
	case NVMX_LAYOUT_CONTROLS64:
		diff_controls(id, a, b, d);
		break;
	case NVMX_LAYOUT_CR_FIXED:
		diff_cr(id, a, b, d);
		break;
	case NVMX_LAYOUT_FIELDS:
	case NVMX_LAYOUT_VMCS_ENUM:
		diff_fields(id, a, b, d);
		break;
	}
}

/* ---- output ----------------------------------------------------------- */

static void text_change(FILE *f, const struct change *c)
{
	char where[16] = "";
	if (c->bit >= 0)
		snprintf(where, sizeof(where), "bit %d", c->bit);
	else if (c->f)
		field_bits_text(c->f, where, sizeof(where));
	fprintf(f, "  %c %-7s %s", c->sign, where, c->f ? c->f->sdm : "(unnamed)");
	if (c->f && (c->f->linux_name || c->f->qemu)) {
		fprintf(f, " [%s%s%s]", c->f->linux_name ? c->f->linux_name : "",
			c->f->linux_name && c->f->qemu ? ", " : "", c->f->qemu ? c->f->qemu : "");
	}
	fprintf(f, ": %s (%s -> %s)\n", c->what, c->a, c->b);
}

static void json_change(FILE *f, const struct change *c)
{
	fputc('{', f);
	if (c->bit >= 0) {
		fprintf(f, "\"bit\":%d,", c->bit);
	} else if (c->f) {
		char bits[16];
		field_bits_text(c->f, bits, sizeof(bits));
		fprintf(f, "\"bits\":\"%s\",", bits);
	}
	fputs("\"sdm\":", f);
	json_str_or_null(f, c->f ? c->f->sdm : NULL);
	fputs(",\"linux\":", f);
	json_str_or_null(f, c->f ? c->f->linux_name : NULL);
	fputs(",\"qemu\":", f);
	json_str_or_null(f, c->f ? c->f->qemu : NULL);
	fputs(",\"change\":", f);
	cli_json_str(f, c->what);
	fprintf(f, ",\"direction\":\"%c\",\"a\":", c->sign);
	cli_json_str(f, c->a);
	fputs(",\"b\":", f);
	cli_json_str(f, c->b);
	fputc('}', f);
}

static void side_text(FILE *f, const char *tag, const char *path, const struct nvmx_hostfile *h)
{
	fprintf(f, "%s: %s", tag, path);
	if (h->name[0])
		fprintf(f, " (%s)", h->name);
	fputc('\n', f);
}

static void side_json(FILE *f, const char *path, const struct nvmx_hostfile *h)
{
	fputs("{\"input\":", f);
	cli_json_str(f, path);
	fputs(",\"name\":", f);
	cli_json_str(f, h->name);
	fputc('}', f);
}

/* Present in `in` but not in `out`, as names. */
static void only_list(FILE *f, bool json, const struct nvmx_msrs *in, const struct nvmx_msrs *out,
		      const char *label)
{
	bool first = true;
	for (enum nvmx_msr_id id = 0; id < NVMX_MSR_COUNT; id++) {
		if (!nvmx_msrs_has(in, id) || nvmx_msrs_has(out, id))
			continue;
		const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
		if (json) {
			fputs(first ? "" : ",", f);
			cli_json_str(f, d->sdm);
		} else {
			fprintf(f, "%s%s (0x%x)", first ? label : ", ", d->sdm, d->index);
		}
		first = false;
	}
	if (!json && !first)
		fputc('\n', f);
}

struct diff_args {
	const char *path[2];
	bool json;
};

static int operand_source(void *ctx, const char *arg)
{
	struct diff_args *a = ctx;
	if (a->path[1])
		return cli_usage_error("diff", "two sources only (A and B)");
	a->path[!!a->path[0]] = arg;
	return 0;
}

const struct opt diff_opts[] = {
	OPT_FLAG("json", NULL, struct diff_args, json, "one JSON document"),
	OPT_END,
};

int cmd_diff(int argc, char **argv)
{
	struct diff_args args = { { NULL, NULL }, false };
	int prc = opts_parse("diff", diff_opts, &args, NULL, operand_source, argc, argv);
	if (prc)
		return prc;
	const char **path = args.path;
	bool json = args.json;
	if (!path[1])
		return cli_usage_error("diff", "needs two sources: nvmx diff A B");

	static struct nvmx_hostfile h[2];
	for (int s = 0; s < 2; s++) {
		int rc = cli_load_host("diff", path[s], &h[s]);
		if (rc)
			return rc;
	}
	const struct nvmx_msrs *a = &h[0].host.msrs, *b = &h[1].host.msrs;
	static struct msr_diff d;
	unsigned nmsrs = 0;

	if (json) {
		fputs("{\"a\":", stdout);
		side_json(stdout, path[0], &h[0]);
		fputs(",\"b\":", stdout);
		side_json(stdout, path[1], &h[1]);
		fputs(",\"only_in_a\":[", stdout);
		only_list(stdout, true, a, b, NULL);
		fputs("],\"only_in_b\":[", stdout);
		only_list(stdout, true, b, a, NULL);
		fputs("],\"changed\":[", stdout);
	} else {
		side_text(stdout, "A", path[0], &h[0]);
		side_text(stdout, "B", path[1], &h[1]);
		only_list(stdout, false, a, b, "only in A: ");
		only_list(stdout, false, b, a, "only in B: ");
	}

	for (enum nvmx_msr_id id = 0; id < NVMX_MSR_COUNT; id++) {
		if (!nvmx_msrs_has(a, id) || !nvmx_msrs_has(b, id) || a->val[id] == b->val[id])
			continue;
		const struct nvmx_msr_desc *md = nvmx_msr_desc(id);
		diff_msr(id, a->val[id], b->val[id], &d);
		if (json) {
			fprintf(stdout, "%s{\"msr\":", nmsrs ? "," : "");
			cli_json_str(stdout, md->sdm);
			fprintf(stdout, ",\"index\":\"0x%x\",\"a\":", md->index);
			cli_json_hex(stdout, a->val[id]);
			fputs(",\"b\":", stdout);
			cli_json_hex(stdout, b->val[id]);
			fputs(",\"changes\":[", stdout);
			for (unsigned i = 0; i < d.n; i++) {
				if (i)
					fputc(',', stdout);
				json_change(stdout, &d.c[i]);
			}
			fputs("]}", stdout);
		} else {
			printf("\n%s (0x%x): 0x%016llx -> 0x%016llx\n", md->sdm, md->index,
			       (unsigned long long)a->val[id], (unsigned long long)b->val[id]);
			for (unsigned i = 0; i < d.n; i++)
				text_change(stdout, &d.c[i]);
		}
		nmsrs++;
	}

	bool same_set = a->present == b->present;
	bool identical = same_set && !nmsrs;
	if (json)
		printf("],\"identical\":%s}\n", identical ? "true" : "false");
	else if (identical)
		printf("\nno differences in the VMX capability MSRs\n");
	else
		printf("\n%u MSR(s) differ in value%s\n", nmsrs,
		       same_set ? "" : "; some are present on one side only");
	return identical ? EXIT_OK : EXIT_NO;
}
