/* SPDX-License-Identifier: MIT */
/*
 * nvmx explain: take QEMU's "failed to set MSR 0x48d to 0x7f00000016" (or
 * MSR=VALUE, or MSR VALUE) and say why a KVM release on a host rejects that
 * write, bit by bit and by name, and what would make it pass: the vmx-*=off
 * flags, another release, another module parameter.  A log excerpt (FILE or
 * -) is scanned for every such line, QEMU's MSR(48xH) warnings and the MSRs
 * outside the VMX block; an accepted write or an offered feature gets the
 * environment differences that would reproduce the user's failure
 * (explain_more.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "explain.h"
#include "partial.h"
#include "kvmopts.h"
#include "opts.h"
#include "vcpu_opts.h"
#include "nvmx/explain.h"
#include "nvmx/io.h"
#include "nvmx/qemu.h"
#include "nvmx/scenario.h"

#define CMD "explain"
#define MAX_WRITES 16
#define MAX_EVENTS 64

struct write {
	uint32_t index;
	uint64_t value;
};


static int parse_hex(const char *s, size_t len, uint64_t *out)
{
	char buf[40];
	if (len < 3 || len >= sizeof(buf) || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf + 2, &end, 16);
	if (errno || *end || end == buf + 2 || buf[2] == '-' || buf[2] == '+')
		return -1;
	*out = v;
	return 0;
}

/* An MSR: hex index 0x480..0x493 or a name the catalogue knows. */
static int parse_msr(const char *s, size_t len, uint32_t *index)
{
	char name[64];
	uint64_t v;
	if (!parse_hex(s, len, &v)) {
		if (v < NVMX_MSR_BASE || v >= NVMX_MSR_BASE + NVMX_MSR_COUNT)
			return -1;
		*index = (uint32_t)v;
		return 0;
	}
	if (len >= sizeof(name))
		return -1;
	memcpy(name, s, len);
	name[len] = 0;
	const struct nvmx_msr_desc *d = nvmx_msr_lookup(name);
	if (!d)
		return -1;
	*index = d->index;
	return 0;
}

static size_t hex_len(const char *s)
{
	size_t n = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		n = 2;
	while ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
	       (s[n] >= 'A' && s[n] <= 'F'))
		n++;
	return n;
}

/* QEMU's line, or MSR=VALUE.  0, or an error already printed. */
static int parse_one(const char *arg, struct write *w)
{
	const char *p = strstr(arg, "failed to set MSR ");
	if (p) {
		p += strlen("failed to set MSR ");
		size_t il = hex_len(p);
		if (parse_msr(p, il, &w->index))
			return cli_usage_error(CMD, "'%s': no VMX MSR index after 'failed to set MSR'", arg);
		p += il;
		if (strncmp(p, " to ", 4))
			return cli_usage_error(CMD, "'%s': expected ' to 0xVALUE' after the MSR", arg);
		p += 4;
		size_t vl = hex_len(p);
		if (parse_hex(p, vl, &w->value))
			return cli_usage_error(CMD, "'%s': the value is not a 64-bit hex number", arg);
		return 0;
	}
	const char *eq = strchr(arg, '=');
	if (!eq)
		return cli_usage_error(CMD, "'%s': expected QEMU's \"failed to set MSR 0x... to 0x...\" "
				       "line, MSR=VALUE, or MSR VALUE", arg);
	if (parse_msr(arg, (size_t)(eq - arg), &w->index))
		return cli_usage_error(CMD, "'%.*s': not a VMX capability MSR (0x480..0x493 or an SDM "
				       "name)", (int)(eq - arg), arg);
	if (parse_hex(eq + 1, strlen(eq + 1), &w->value))
		return cli_usage_error(CMD, "'%s': the value must be 0x and up to 16 hex digits", arg);
	return 0;
}

struct bitname {
	unsigned bit;
	const struct nvmx_field *f;
	const char *flag;
};

static unsigned name_bits(enum nvmx_msr_id id, uint64_t bits, struct bitname *out)
{
	unsigned n = 0;
	for (unsigned b = 0; b < 64; b++)
		if ((bits >> b) & 1) {
			out[n].bit = b;
			out[n].f = nvmx_field_at(id, b);
			out[n].flag = nvmx_qemu_flag_for_bit(nvmx_qemu_release_default(), id, b);
			n++;
		}
	return n;
}

static bool is_control(enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	return d && d->layout == NVMX_LAYOUT_CONTROLS;
}

static void print_bit_line(enum nvmx_msr_id id, const struct bitname *b)
{
	if (is_control(id))
		printf("  control bit %u (MSR bit %u): ", b->bit % 32, b->bit);
	else
		printf("  bit %u: ", b->bit);
	if (b->f)
		printf("%s / %s / %s\n", b->f->sdm, b->f->linux_name ? b->f->linux_name : "(no Linux name)",
		       b->f->qemu ? b->f->qemu : "(no QEMU name)");
	else
		printf("reserved\n");
}

static void json_bits(enum nvmx_msr_id id, uint64_t bits)
{
	struct bitname b[64];
	unsigned n = name_bits(id, bits, b);
	putchar('[');
	for (unsigned i = 0; i < n; i++) {
		printf("%s{\"bit\":%u,", i ? "," : "", b[i].bit);
		if (is_control(id))
			printf("\"control\":%u,", b[i].bit % 32);
		printf("\"sdm\":");
		if (b[i].f)
			cli_json_str(stdout, b[i].f->sdm);
		else
			printf("\"reserved\"");
		printf(",\"linux\":");
		if (b[i].f && b[i].f->linux_name)
			cli_json_str(stdout, b[i].f->linux_name);
		else
			printf("null");
		printf(",\"qemu\":");
		if (b[i].f && b[i].f->qemu)
			cli_json_str(stdout, b[i].f->qemu);
		else
			printf("null");
		putchar('}');
	}
	putchar(']');
}

static void print_differs(enum nvmx_msr_id id, const struct nvmx_qemu_explain *ex, bool json)
{
	size_t n;
	const struct nvmx_field *f = nvmx_msr_fields(id, &n);
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (f[i].width < 2 || !(nvmx_field_mask(&f[i]) & ex->differs))
			continue;
		uint64_t a = nvmx_field_get(&f[i], ex->value), b = nvmx_field_get(&f[i], ex->offered);
		if (json) {
			printf("%s{\"field\":", first ? "" : ",");
			cli_json_str(stdout, f[i].sdm);
			printf(",\"wrote\":\"0x%llx\",\"kvm\":\"0x%llx\"}", (unsigned long long)a,
			       (unsigned long long)b);
		} else {
			printf("  %s: wrote 0x%llx, KVM has 0x%llx\n", f[i].sdm, (unsigned long long)a,
			       (unsigned long long)b);
		}
		first = false;
	}
}

static bool is_log_arg(const char *a)
{
	struct stat st;
	if (!strcmp(a, "-"))
		return true;
	return !strchr(a, '=') && !strstr(a, "failed to set MSR ") && !stat(a, &st) && S_ISREG(st.st_mode);
}

struct explain_args {
	struct kvm_opts ko;
	struct vcpu_opts vo;
	const char *host, *uname_opt, *log;
	const char **pos;
	unsigned npos;
	bool json;
};

/* A log, or a write (MSR=VALUE, MSR VALUE, QEMU's line). */
static int operand_write(void *ctx, const char *a)
{
	struct explain_args *e = ctx;
	if (is_log_arg(a)) {
		if (e->log)
			return cli_usage_error(CMD, "one log at a time ('%s' and '%s')", e->log, a);
		e->log = a;
		return 0;
	}
	if (e->npos >= 2 * MAX_WRITES)
		return cli_usage_error(CMD, "at most %d writes", MAX_WRITES);
	e->pos[e->npos++] = a;
	return 0;
}

/* A single-dash word is an operand (a value), not an option. */
static int more_vcpu(void *ctx, const char *cmd, int argc, char **argv, int *i)
{
	struct explain_args *e = ctx;
	(void)cmd, (void)argc;
	if (argv[*i][0] == '-' && argv[*i][1] != '-')
		return operand_write(e, argv[*i]) ? -1 : 1;
	return 0;
}

const struct opt explain_opts[] = {
	OPT_STRING("to", "host", "HOST", struct explain_args, host, "the host QEMU ran on"),
	OPT_STRING("uname", NULL, "REL", struct explain_args, uname_opt,
		   "the kernel (uname -r) that picks the release when --kvm is absent"),
	KVM_OPTS(struct explain_args, ko),
	VCPU_OPTS(struct explain_args, vo),
	OPT_FLAG("json", NULL, struct explain_args, json, "one JSON document"),
	OPT_END,
};

/* One write's JSON object. */
static void json_write(const struct nvmx_log_explanation *o, unsigned i, const struct nvmx_hostfile *hf)
{
	char why[CLI_REASON_MAX];
	const struct nvmx_explanation *x = &o->writes[i];
	const struct nvmx_qemu_explain *ex = &x->ex;
	enum nvmx_msr_id id = (enum nvmx_msr_id)(x->index - NVMX_MSR_BASE);
	nvmx_result_describe(&ex->r, why, sizeof(why));
	printf("%s{\"index\":\"0x%x\",\"msr\":\"%s\",\"value\":", i ? "," : "", x->index,
	       nvmx_msr_desc(id)->sdm);
	cli_json_hex(stdout, x->value);
	printf(",\"line\":%u,\"accepted\":%s,\"rc\":%d,\"rule\":\"%s\",\"reason\":", o->line[i],
	       ex->r.rc ? "false" : "true", ex->r.rc, nvmx_reason_name(ex->r.reason));
	if (ex->r.rc)
		cli_json_str(stdout, why);
	else
		printf("null");
	printf(",\"offending\":\"0x%016llx\",\"offered\":", (unsigned long long)ex->r.bits);
	if (ex->offered_valid)
		cli_json_hex(stdout, ex->offered);
	else
		printf("null");
	printf(",\"checked_against\":\"%s\",\"added\":",
	       !ex->offered_valid ? "none" : ex->against_vcpu ? "vcpu" : "kvm");
	json_bits(id, ex->added);
	printf(",\"dropped\":");
	json_bits(id, ex->dropped);
	printf(",\"differs\":[");
	print_differs(id, ex, true);
	printf("],\"models\":");
	cli_json_str(stdout, x->models);
	printf(",\"flags\":[");
	for (unsigned f = 0; f < x->nflags; f++)
		printf("%s\"%s=off\"", f ? "," : "", x->flags[f]);
	printf("],\"fixed_value\":");
	if (x->fixed_valid) {
		cli_json_hex(stdout, x->fixed);
		printf(",\"fixed_accepted\":%s", x->fixed_ok ? "true" : "false");
	} else {
		printf("null,\"fixed_accepted\":null");
	}
	printf(",\"releases_accepting\":[");
	for (unsigned k = 0; k < x->nreleases; k++)
		printf("%s\"%s\"", k ? "," : "", nvmx_kernel_name(x->releases[k]));
	printf("],\"params_accepting\":[");
	for (unsigned k = 0; k < x->nparams; k++)
		printf("%s\"%s=%lld\"", k ? "," : "", nvmx_param_name(x->params[k].param),
		       (long long)x->params[k].value);
	printf("],\"hint\":");
	if (x->hint)
		cli_json_str(stdout, x->hint);
	else
		printf("null");
	struct nvmx_probe p = { .index = x->index, .value = x->value, .id = id };
	printf(",\"partial_host\":");
	if (hf->partial && x->pr.vars) {
		printf("{\"depends_on_unknown\":%s,\"unknown_bits\":%u,\"completions\":%lu,"
		       "\"exhaustive\":%s,\"deciding\":", x->partial_dep ? "true" : "false",
		       x->pr.vars, x->pr.tried, x->pr.exhaustive ? "true" : "false");
		partial_decide_json(stdout, &x->pr, false);
		putchar('}');
	} else
		printf("null");
	printf(",\"before_oldest_row\":");
	if (x->before_oldest_row[0])
		cli_json_str(stdout, x->before_oldest_row);
	else
		printf("null");
	printf(",\"would_fail_with\":");
	explain_would_fail_json(&p, &x->wf);
	printf(",\"causes\":");
	json_keys(x->causes, x->ncauses);
	printf("}");
}

static void json_answer(const struct nvmx_log_explanation *o, const struct nvmx_hostfile *hf)
{
	printf("{\"host\":");
	cli_json_str(stdout, hf->name);
	printf(",\"host_partial\":");
	if (hf->partial)
		cli_json_str(stdout, hf->partial_note);
	else
		printf("null");
	printf(",\"kernel\":");
	cli_json_str(stdout, nvmx_kernel_name(o->kernel));
	printf(",\"uname\":");
	if (o->uname)
		cli_json_str(stdout, o->uname);
	else
		printf("null");
	printf(",\"kernel_modelled\":%s,\"qemu\":", o->not_modelled ? "false" : "true");
	if (o->qemu)
		cli_json_str(stdout, o->qemu);
	else
		printf("null");
	printf(",\"kvm_loaded\":%s,\"nested\":%s,\"writes\":[",
	       o->kvm.status == NVMX_LOAD_OK ? "true" : "false", o->kvm.nested ? "true" : "false");
	for (unsigned i = 0; i < o->nwrites; i++)
		json_write(o, i, hf);
	printf("],\"out_of_scope\":[");
	bool first = true;
	for (size_t e = 0; e < o->nevents; e++) {
		const struct nvmx_event *ev = &o->events[e];
		if (ev->kind != NVMX_EV_SET_MSR || (ev->index >= NVMX_MSR_BASE &&
						     ev->index < NVMX_MSR_BASE + NVMX_MSR_COUNT))
			continue;
		printf("%s{\"index\":\"0x%x\",\"name\":", first ? "" : ",", ev->index);
		const char *nm = nvmx_other_msr_name(ev->index);
		if (nm)
			cli_json_str(stdout, nm);
		else
			printf("null");
		printf(",\"value\":");
		cli_json_hex(stdout, ev->value);
		printf(",\"line\":%u}", ev->line);
		first = false;
	}
	printf("],\"features\":[");
	first = true;
	for (size_t e = 0; e < o->nevents; e++) {
		const struct nvmx_event *ev = &o->events[e];
		const struct nvmx_feature_explanation *f = &o->features[e];
		if (ev->kind != NVMX_EV_FEATURE)
			continue;
		printf("%s{\"msr\":\"0x%x\",\"name\":", first ? "" : ",", ev->index);
		cli_json_str(stdout, ev->name);
		printf(",\"bit\":%u,\"line\":%u,\"count\":%u,\"tcg\":%s,\"offered_here\":", ev->bit,
		       ev->line, ev->count, ev->tcg ? "true" : "false");
		printf("%s,\"would_fail_with\":", !f->probed ? "null" : f->offered ? "true" : "false");
		if (f->probed && f->offered)
			explain_would_fail_json(&f->p, &f->wf);
		else
			printf("[]");
		printf("}");
		first = false;
	}
	printf("],\"assertions\":[");
	first = true;
	for (size_t e = 0; e < o->nevents; e++)
		if (o->events[e].kind == NVMX_EV_ASSERT) {
			printf("%s{\"function\":", first ? "" : ",");
			cli_json_str(stdout, o->events[e].name);
			printf(",\"line\":%u}", o->events[e].line);
			first = false;
		}
	printf("],\"causes\":");
	json_keys(o->causes, o->ncauses);
	cli_json_approximate(stdout);
	printf("}\n");
}

/* The user's kernel and the release the answer is under. */
static void text_kernel(const struct nvmx_log_explanation *o)
{
	const struct nvmx_kernel_match *km = &o->match;
	const char *k = nvmx_kernel_name(o->kernel);
	printf("kernel %s%s: ", o->uname, o->uname_from_log ? " (from the log)" : "");
	if (km->how == NVMX_MATCH_NOT_MODELLED)
		printf("a %s release nvmx has no row for, so it is not modelled; explained under %s\n",
		       km->distro ? km->distro : "distribution", k);
	else if (o->not_modelled)
		printf("older than every modelled release (the oldest is %s), so it is not modelled; "
		       "explained under %s\n", nvmx_kernel_name(nvmx_kernel_oldest()), k);
	else if (km->how == NVMX_MATCH_TOO_NEW && !o->kernel_asked)
		printf("newer than every modelled release; explained under the newest, %s\n", k);
	else if (km->how == NVMX_MATCH_NEAREST && km->kernel == o->kernel)
		printf("no row of its own; explained under the nearest, %s\n", k);
	else
		printf("explained under %s\n", k);
	for (unsigned i = 0; km->kernel == o->kernel && i < km->nmay && i < 8; i++)
		printf("  it may differ from %s in: %s\n", k, km->may_differ[i]);
}

/* One write: the verdict, the bits, and what to change (or what would reject it). */
static void text_write(const struct nvmx_log_explanation *o, unsigned i, const struct nvmx_hostfile *hf,
		       const struct explain_args *a)
{
	char why[CLI_REASON_MAX];
	const struct nvmx_explanation *x = &o->writes[i];
	const struct nvmx_qemu_explain *ex = &x->ex;
	enum nvmx_msr_id id = (enum nvmx_msr_id)(x->index - NVMX_MSR_BASE);
	if (i || o->uname || o->qemu)
		putchar('\n');
	if (o->line[i])
		printf("log line %u: ", o->line[i]);
	printf("KVM %s on %s: write 0x%x %s = 0x%016llx on %s%s\n", nvmx_kernel_name(o->kernel), hf->name,
	       x->index, nvmx_msr_desc(id)->sdm, (unsigned long long)x->value,
	       a->vo.state ? "the vCPU --state describes" : "a fresh vCPU",
	       a->vo.guest_cpuid ? " (after KVM_SET_CPUID2)" : "");
	nvmx_result_describe(&ex->r, why, sizeof(why));
	if (x->partial_dep) {
		char dec[1024];
		partial_decide_text(&x->pr, false, dec, sizeof(dec));
		printf("verdict: depends on what %s does not give: %s as assumed, %s when these "
		       "differ: %s\n", hf->name, ex->r.rc ? "rejected" : "accepted",
		       ex->r.rc ? "accepted" : "rejected", dec);
		printf("  partial host: %s\n", hf->partial_note);
		if (ex->r.rc)
			printf("  as assumed: %s\n", why);
	} else if (!ex->r.rc) {
		printf("verdict: accepted%s\n", hf->partial ? " (partial host: the same on every "
				"completion of its unknown bits searched)" : "");
	} else {
		printf("verdict: rejected (%s, rule %s)\n",
		       ex->r.rc == -22 ? "-EINVAL" : ex->r.rc == -16 ? "-EBUSY" : "the handler returns 1",
		       nvmx_reason_name(ex->r.reason));
		printf("  %s\n", why);
	}
	if (ex->offered_valid)
		printf("KVM offers 0x%016llx (%s)\n", (unsigned long long)ex->offered,
		       ex->against_vcpu ? "this vCPU's current value: 5.19 and older check "
					  "writes against it"
					: "its maximum, which writes are checked against");
	if (ex->added) {
		struct bitname b[64];
		unsigned n = name_bits(id, ex->added, b);
		printf("set but not offered (SDM / Linux / QEMU):\n");
		for (unsigned k = 0; k < n; k++)
			print_bit_line(id, &b[k]);
	}
	if (ex->dropped) {
		struct bitname b[64];
		unsigned n = name_bits(id, ex->dropped, b);
		printf("required by KVM but clear (SDM / Linux / QEMU):\n");
		for (unsigned k = 0; k < n; k++)
			print_bit_line(id, &b[k]);
	}
	if (ex->differs) {
		printf("fields that differ:\n");
		print_differs(id, ex, false);
	}
	if (x->models[0])
		printf("QEMU models that write this value: %s\n", x->models);
	else if (nvmx_qword_of_msr(id) >= 0 && id != NVMX_BASIC)
		printf("no named QEMU model writes this value (-cpu host or max, or added "
		       "vmx-* flags, do)\n");
	struct nvmx_probe p = { .index = x->index, .value = x->value, .id = id };
	if (x->before_oldest_row[0])
		printf("before the oldest row: %s\n", x->before_oldest_row);
	if (x->qemu_widens_ctls2)
		printf("QEMU %s: it widens 0x48b's allowed-1 bits from KVM's CPUID even when KVM "
		       "lists 0x48b itself (fixed in 5.0), so this value can hold bits KVM never "
		       "offered\n", o->qemu);
	if (!ex->r.rc) {
		/* For a typed write without a kernel, only when something would reject it. */
		if (a->log || o->uname || x->wf.n)
			explain_would_fail_text(&p, &x->wf);
		return;
	}
	printf("what to change:\n");
	if (x->nflags) {
		printf("  -cpu ...");
		for (unsigned f = 0; f < x->nflags; f++)
			printf(",%s=off", x->flags[f]);
		if (x->fixed_valid)
			printf("  (QEMU then writes 0x%llx: %s)", (unsigned long long)x->fixed,
			       x->fixed_ok ? "accepted" : "still rejected");
		putchar('\n');
	}
	if (x->nreleases) {
		printf("  %sa KVM release that accepts it here:", x->nflags ? "or " : "");
		for (unsigned k = 0; k < x->nreleases; k++)
			printf(" %s", nvmx_kernel_name(x->releases[k]));
		putchar('\n');
	} else {
		printf("  no KVM release accepts it on this host\n");
	}
	if (x->nparams) {
		printf("  or kvm_intel parameters:");
		for (unsigned k = 0; k < x->nparams; k++)
			printf(" %s=%lld", nvmx_param_name(x->params[k].param), (long long)x->params[k].value);
		putchar('\n');
	}
	if (x->hint)
		printf("  note: %s\n", x->hint);
}

/* The log's other lines: MSRs outside the VMX block, QEMU's feature warnings. */
static void text_event(const struct nvmx_log_explanation *o, size_t e, const struct nvmx_hostfile *hf)
{
	char why[CLI_REASON_MAX];
	const struct nvmx_event *ev = &o->events[e];
	const char *k = nvmx_kernel_name(o->kernel);
	if (ev->kind == NVMX_EV_SET_MSR && (ev->index < NVMX_MSR_BASE ||
					    ev->index >= NVMX_MSR_BASE + NVMX_MSR_COUNT)) {
		const char *nm = nvmx_other_msr_name(ev->index);
		printf("\nlog line %u: MSR 0x%x%s%s%s = 0x%llx: not a VMX capability MSR (0x480-0x493), "
		       "out of scope for nvmx\n", ev->line, ev->index, nm ? " (" : "", nm ? nm : "",
		       nm ? ")" : "", (unsigned long long)ev->value);
	} else if (ev->kind == NVMX_EV_FEATURE) {
		const struct nvmx_feature_explanation *f = &o->features[e];
		printf("\nlog line %u: QEMU dropped MSR(%XH)%s%s [bit %u]%s: ", ev->line, ev->index,
		       ev->name[0] ? "." : "", ev->name, ev->bit, ev->count > 1 ? " (more than once)" : "");
		if (ev->tcg) {
			printf("under TCG QEMU offers no VMX feature; not a KVM question\n");
		} else if (!f->probed) {
			printf("not a VMX capability MSR nvmx models\n");
		} else if (!f->offered) {
			nvmx_result_describe(&f->r, why, sizeof(why));
			printf("KVM %s on %s does not offer it either (%s), so QEMU's warning is expected "
			       "and harmless (the guest starts without it); ask for a CPU model "
			       "the host has\n", k, hf->name,
			       f->r.reason == NVMX_R_NO_NESTED ? "nested=0" :
			       f->r.reason == NVMX_R_NO_KVM ? "kvm_intel does not load" : "the host lacks it");
		} else {
			printf("KVM %s on %s offers it\n", k, hf->name);
			explain_would_fail_text(&f->p, &f->wf);
		}
	}
}

/* The library's answer refused: in the command's words (options and the log's name). */
static int refused(const struct nvmx_log_explanation *o, const struct explain_args *a,
		   const struct nvmx_error *err)
{
	switch (o->status) {
	case NVMX_EXPLAIN_TOO_MANY_EVENTS:
		return cli_usage_error(CMD, "%s: %zu distinct QEMU lines, at most %d: cut the excerpt",
				       a->log, o->nevents, NVMX_EXPLAIN_MAX_EVENTS);
	case NVMX_EXPLAIN_NO_EVENTS:
		return cli_usage_error(CMD, "%s: no \"failed to set MSR\" line, kvm_buf_set_msrs or "
				       "kvm_put_msrs assertion, or MSR(48xH) warning in it", a->log);
	case NVMX_EXPLAIN_TOO_MANY_WRITES:
		return cli_usage_error(CMD, "%s: at most %d VMX writes", a->log, NVMX_EXPLAIN_MAX_WRITES);
	case NVMX_EXPLAIN_BAD_UNAME:
		return cli_usage_error(CMD, "--uname '%s': not a kernel release (e.g. 5.4.0-131-generic)",
				       a->uname_opt);
	case NVMX_EXPLAIN_NO_KERNEL:
		return cli_usage_error(CMD, "--kvm RELEASE is required (see 'nvmx kernels')");
	default:
		return cli_error(CMD, err);
	}
}

int cmd_explain(int argc, char **argv)
{
	const char *pos[2 * MAX_WRITES];
	static struct explain_args a;
	static struct nvmx_explain_request req;
	static struct nvmx_log_explanation out;
	static struct nvmx_hostfile hf;
	static struct nvmx_unknown unknown;
	struct nvmx_param_arg params[64];
	memset(&a, 0, sizeof(a));
	memset(&req, 0, sizeof(req));
	vcpu_opts_init(&a.vo);
	a.pos = pos;
	int rc = opts_parse(CMD, explain_opts, &a, more_vcpu, operand_write, argc, argv);
	if (rc)
		return rc;
	if (a.log && a.npos)
		return cli_usage_error(CMD, "give a log or writes, not both");
	for (unsigned i = 0; i < a.npos; i++) {
		struct write w;
		/* MSR VALUE as two arguments. */
		if (!strchr(pos[i], '=') && !strstr(pos[i], "failed to set MSR ") && i + 1 < a.npos &&
		    !strchr(pos[i + 1], '=')) {
			char both[256];
			snprintf(both, sizeof(both), "%s=%s", pos[i], pos[i + 1]);
			if (parse_one(both, &w))
				return EXIT_USAGE;
			i++;
		} else if (parse_one(pos[i], &w)) {
			return EXIT_USAGE;
		}
		if (req.nwrites >= MAX_WRITES)
			return cli_usage_error(CMD, "at most %d writes", MAX_WRITES);
		req.index[req.nwrites] = w.index;
		req.value[req.nwrites++] = w.value;
	}
	if (!a.log && !req.nwrites)
		return cli_usage_error(CMD, "give QEMU's error line, MSR=VALUE, MSR VALUE, or a log (FILE or -)");
	if (!a.host)
		return cli_usage_error(CMD, "--host HOST is required (a .msrs dump or JSON)");
	for (unsigned n = 0; n < a.ko.nparam; n++) {
		const char *arg = a.ko.param_args[n], *eq = strchr(arg, '=');
		if (!eq || eq == arg || eq - arg >= 64 || !eq[1])
			return cli_usage_error(CMD, "--param '%s': expected NAME=VALUE", arg);
		params[n] = (struct nvmx_param_arg){ arg, (size_t)(eq - arg), eq + 1 };
	}
	char *buf = NULL;
	if (a.log) {
		struct nvmx_diag d;
		memset(&d, 0, sizeof(d));
		if (!(buf = nvmx_log_read(a.log, &req.len, &d)))
			return cli_error(CMD, &d.error);
		req.text = buf;
	}
	if ((rc = cli_load_host(CMD, a.host, &hf)) ||
	    (a.vo.guest_cpuid && guest_cpuid_parse(CMD, a.vo.guest_cpuid, &hf, &req.env.cpuid))) {
		free(buf);
		return rc ? rc : EXIT_USAGE;
	}
	req.env.host = hf.host;
	req.env.host.hyperv_evmcs |= a.ko.hyperv_evmcs;
	req.env.kernel = a.ko.kernel;
	req.env.cpuid_set = a.vo.guest_cpuid != NULL;
	req.env.pmu_version = a.vo.pmu_version;
	req.env.state = a.vo.state;
	req.env.quirks_disabled = a.vo.quirks_disabled;
	req.env.policy = a.vo.policy;
	req.env.revoke_since = a.vo.revoke_since;
	if (partial_has_unknown(&hf)) {
		partial_unknowns(&hf, &unknown);
		req.unknown = &unknown;
	}
	req.uname = a.uname_opt;
	req.params = params;
	req.nparams = a.ko.nparam;
	struct nvmx_error err;
	nvmx_explain_log(&out, &req, &err);
	free(buf);
	if (out.kernel_nearest)	/* warned about, and kept for "approximate" */
		cli_kernel_arg(CMD, out.uname, true);
	if (out.status)
		return refused(&out, &a, &err);

	if (a.json) {
		json_answer(&out, &hf);
		return out.all_accepted ? EXIT_OK : EXIT_NO;
	}
	if (out.uname)
		text_kernel(&out);
	if (out.qemu)
		printf("QEMU %s (from the log)\n", out.qemu);
	for (unsigned i = 0; i < out.nwrites; i++)
		text_write(&out, i, &hf, &a);
	for (size_t e = 0; e < out.nevents; e++)
		text_event(&out, e, &hf);
	if (out.assert_only)
		printf("\nQEMU's MSR assertion without its \"failed to set MSR 0x... to 0x...\" line: "
		       "the log does not say which MSR KVM refused (QEMU prints it just before the "
		       "assertion); give that line\n");
	return out.all_accepted ? EXIT_OK : EXIT_NO;
}
