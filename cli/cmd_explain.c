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

struct report {
	struct write w;
	struct nvmx_explanation x;	/* the library's analysis of the write */
	unsigned line;			/* in the log, 0 for an argument */
};

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

/* Major/minor/patch of a uname string, or 0. */
static uint32_t uname_version(const char *s)
{
	unsigned v[3] = { 0, 0, 0 };
	for (int k = 0; k < 3; k++) {
		if (!(*s >= '0' && *s <= '9'))
			return k >= 2 ? (v[0] << 24 | v[1] << 16 | v[2]) : 0;
		while (*s >= '0' && *s <= '9')
			v[k] = v[k] * 10 + (unsigned)(*s++ - '0');
		if (v[k] > (k == 2 ? 0xffffu : 255u))
			v[k] = k == 2 ? 0xffffu : 255u;
		if (*s == '.')
			s++;
		else
			return k >= 1 ? (v[0] << 24 | v[1] << 16 | v[2]) : 0;
	}
	return v[0] << 24 | v[1] << 16 | v[2];
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

int cmd_explain(int argc, char **argv)
{
	const char *pos[2 * MAX_WRITES];
	static struct explain_args args;
	memset(&args, 0, sizeof(args));
	vcpu_opts_init(&args.vo);
	args.pos = pos;
	int prc = opts_parse(CMD, explain_opts, &args, more_vcpu, operand_write, argc, argv);
	if (prc)
		return prc;
	struct kvm_opts ko = args.ko;
	struct vcpu_opts vo = args.vo;
	const char *host = args.host, *uname_opt = args.uname_opt, *log = args.log;
	unsigned npos = args.npos;
	bool json = args.json;
	if (log && npos)
		return cli_usage_error(CMD, "give a log or writes, not both");
	static struct report reps[MAX_WRITES];
	static struct nvmx_event evs[MAX_EVENTS];
	struct nvmx_report_hints hints;
	memset(&hints, 0, sizeof(hints));
	size_t nev = 0;
	unsigned nw = 0;
	for (unsigned i = 0; i < npos; i++) {
		struct write w;
		/* MSR VALUE as two arguments. */
		if (!strchr(pos[i], '=') && !strstr(pos[i], "failed to set MSR ") && i + 1 < npos &&
		    !strchr(pos[i + 1], '=')) {
			char both[256];
			snprintf(both, sizeof(both), "%s=%s", pos[i], pos[i + 1]);
			if (parse_one(both, &w))
				return EXIT_USAGE;
			i++;
		} else if (parse_one(pos[i], &w)) {
			return EXIT_USAGE;
		}
		if (nw >= MAX_WRITES)
			return cli_usage_error(CMD, "at most %d writes", MAX_WRITES);
		memset(&reps[nw], 0, sizeof(reps[nw]));
		reps[nw++].w = w;
	}
	if (log) {
		struct nvmx_diag d;
		size_t len;
		memset(&d, 0, sizeof(d));
		char *buf = nvmx_log_read(log, &len, &d);
		if (!buf)
			return cli_error(CMD, &d.error);
		size_t total = nvmx_report_scan(buf, len, evs, MAX_EVENTS, &hints);
		free(buf);
		if (total > MAX_EVENTS)
			return cli_usage_error(CMD, "%s: %zu distinct QEMU lines, at most %d: cut the excerpt",
					       log, total, MAX_EVENTS);
		nev = total;
		if (!nev)
			return cli_usage_error(CMD, "%s: no \"failed to set MSR\" line, kvm_buf_set_msrs or "
					       "kvm_put_msrs assertion, or MSR(48xH) warning in it", log);
		for (size_t e = 0; e < nev; e++) {
			const struct nvmx_event *ev = &evs[e];
			if (ev->kind != NVMX_EV_SET_MSR || ev->index < NVMX_MSR_BASE ||
			    ev->index >= NVMX_MSR_BASE + NVMX_MSR_COUNT)
				continue;
			if (nw >= MAX_WRITES)
				return cli_usage_error(CMD, "%s: at most %d VMX writes", log, MAX_WRITES);
			memset(&reps[nw], 0, sizeof(reps[nw]));
			reps[nw].w.index = ev->index;
			reps[nw].w.value = ev->value;
			reps[nw++].line = ev->line;
		}
	}
	if (!nw && !nev)
		return cli_usage_error(CMD, "give QEMU's error line, MSR=VALUE, MSR VALUE, or a log (FILE or -)");
	if (!host)
		return cli_usage_error(CMD, "--host HOST is required (a .msrs dump or JSON)");

	/* The user's kernel: --uname, else what the log says. */
	struct explain_env xe;
	memset(&xe, 0, sizeof(xe));
	xe.uname = uname_opt ? uname_opt : hints.kernel[0] ? hints.kernel : NULL;
	xe.qemu = hints.qemu[0] ? hints.qemu : NULL;
	/* The rows' own name resolution (distribution kernels, uname forms). */
	static struct nvmx_kernel_match km;
	memset(&km, 0, sizeof(km));
	if (xe.uname)
		nvmx_kernel_resolve(xe.uname, &km);
	uint32_t uver = km.version ? km.version : xe.uname ? uname_version(xe.uname) : 0;
	if (uname_opt && !uver && km.how == NVMX_MATCH_UNKNOWN)
		return cli_usage_error(CMD, "--uname '%s': not a kernel release (e.g. 5.4.0-131-generic)",
				       uname_opt);
	xe.not_modelled = km.how == NVMX_MATCH_TOO_OLD || km.how == NVMX_MATCH_NOT_MODELLED ||
			  (km.how == NVMX_MATCH_UNKNOWN && uver &&
			   (uver & 0xffff0000u) < (nvmx_kernel_version(nvmx_kernel_oldest()) & 0xffff0000u));
	bool ko_given = ko.kernel != NULL;
	if (!ko.kernel && uver) {
		if (km.kernel)	/* a nearest row is warned about and kept for "approximate" */
			ko.kernel = km.how == NVMX_MATCH_NEAREST ? cli_kernel_arg(CMD, xe.uname, true) : km.kernel;
		else if (xe.not_modelled)
			ko.kernel = nvmx_kernel_oldest();
		else
			ko.kernel = nvmx_kernel_default();
	}
	int rc = kvmopts_finish(&ko, CMD, "");
	if (rc)
		return rc;
	static struct nvmx_hostfile hf;
	if ((rc = cli_load_host(CMD, host, &hf)))
		return rc;
	uint64_t cpuid = 0;
	if (vo.guest_cpuid && guest_cpuid_parse(CMD, vo.guest_cpuid, &hf, &cpuid))
		return EXIT_USAGE;
	xe.env.host = hf.host;
	xe.env.host.hyperv_evmcs |= ko.hyperv_evmcs;
	xe.env.kernel = ko.kernel;
	xe.env.params = ko.params;
	xe.env.cpuid_set = vo.guest_cpuid != NULL;
	xe.env.cpuid = cpuid;
	xe.env.pmu_version = vo.pmu_version;
	xe.env.state = vo.state;
	xe.env.quirks_disabled = vo.quirks_disabled;
	xe.env.qemu = xe.qemu ? nvmx_qemu_release_find(xe.qemu) : NULL;
	xe.env.policy = vo.policy;
	xe.env.revoke_since = vo.revoke_since;
	/* Evidence for the ranking only: the user's kernel and what the text names. */
	xe.env.user_kernel = uver;
	xe.env.hint_evmcs = hints.evmcs;
	xe.env.hint_hyperv = hints.hyperv;
	xe.env.hint_outer_vm = hints.outer_vm;

	static struct nvmx_kvm kvm;
	kvmopts_load(&ko, &hf.host, &kvm);
	bool all_ok = true;
	/* Each write, as the library explains it for the vCPU the options describe. */
	static struct nvmx_unknown unknown;
	struct nvmx_explain_env xenv = { .env = xe.env, .not_modelled = xe.not_modelled };
	if (partial_has_unknown(&hf)) {
		partial_unknowns(&hf, &unknown);
		xenv.unknown = &unknown;
	}
	for (unsigned i = 0; i < nw; i++) {
		struct report *rp = &reps[i];
		if (nvmx_explain_write(&rp->x, &xenv, rp->w.index, rp->w.value))
			all_ok = false;
		/* Never a confident "accepted" that a partial host's unknown bits could turn. */
		if (rp->x.partial_dep)
			all_ok = false;
	}
	/* Features QEMU filtered: offered here?  If so, what would hide them. */
	static struct nvmx_feature_explanation fx[MAX_EVENTS];
	for (size_t e = 0; e < nev; e++)
		if (evs[e].kind == NVMX_EV_FEATURE)
			nvmx_explain_feature(&fx[e], &xenv, &evs[e]);
	/* One difference reproducing every failure of the log ranks above one reproducing some. */
	{
		static struct nvmx_would_fail *lists[MAX_WRITES + MAX_EVENTS];
		unsigned nl = 0;
		for (unsigned i = 0; i < nw; i++)
			if (!reps[i].x.ex.r.rc)
				lists[nl++] = &reps[i].x.wf;
		for (size_t e = 0; e < nev; e++)
			if (evs[e].kind == NVMX_EV_FEATURE && fx[e].offered)
				lists[nl++] = &fx[e].wf;
		nvmx_would_fail_rank_across(lists, nl);
		/* The cause keys follow the lists' new order. */
		for (unsigned i = 0; i < nw; i++)
			nvmx_explanation_causes(&reps[i].x);
		for (size_t e = 0; e < nev; e++)
			if (evs[e].kind == NVMX_EV_FEATURE)
				nvmx_feature_explanation_causes(&fx[e]);
	}
	bool have_set = false, have_assert = false;
	for (size_t e = 0; e < nev; e++) {
		have_set |= evs[e].kind == NVMX_EV_SET_MSR;
		have_assert |= evs[e].kind == NVMX_EV_ASSERT;
	}

	char why[CLI_REASON_MAX];
	if (json) {
		printf("{\"host\":");
		cli_json_str(stdout, hf.name);
		printf(",\"host_partial\":");
		if (hf.partial)
			cli_json_str(stdout, hf.partial_note);
		else
			printf("null");
		printf(",\"kernel\":");
		cli_json_str(stdout, nvmx_kernel_name(kvm.kernel));
		printf(",\"uname\":");
		if (xe.uname)
			cli_json_str(stdout, xe.uname);
		else
			printf("null");
		printf(",\"kernel_modelled\":%s,\"qemu\":", xe.not_modelled ? "false" : "true");
		if (xe.qemu)
			cli_json_str(stdout, xe.qemu);
		else
			printf("null");
		printf(",\"kvm_loaded\":%s,\"nested\":%s,\"writes\":[",
		       kvm.status == NVMX_LOAD_OK ? "true" : "false", kvm.nested ? "true" : "false");
		for (unsigned i = 0; i < nw; i++) {
			struct report *rp = &reps[i];
			struct nvmx_qemu_explain *ex = &rp->x.ex;
			enum nvmx_msr_id id = (enum nvmx_msr_id)(rp->w.index - NVMX_MSR_BASE);
			nvmx_result_describe(&ex->r, why, sizeof(why));
			printf("%s{\"index\":\"0x%x\",\"msr\":\"%s\",\"value\":", i ? "," : "", rp->w.index,
			       nvmx_msr_desc(id)->sdm);
			cli_json_hex(stdout, rp->w.value);
			printf(",\"line\":%u,\"accepted\":%s,\"rc\":%d,\"rule\":\"%s\",\"reason\":", rp->line,
			       ex->r.rc ? "false" : "true", ex->r.rc, nvmx_reason_name(ex->r.reason));
			if (ex->r.rc)
				cli_json_str(stdout, why);
			else
				printf("null");
			printf(",\"offending\":\"0x%016llx\",\"offered\":",
			       (unsigned long long)ex->r.bits);
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
			cli_json_str(stdout, rp->x.models);
			printf(",\"flags\":[");
			for (unsigned f = 0; f < rp->x.nflags; f++) {
				printf("%s\"%s=off\"", f ? "," : "", rp->x.flags[f]);
			}
			printf("],\"fixed_value\":");
			if (rp->x.fixed_valid) {
				cli_json_hex(stdout, rp->x.fixed);
				printf(",\"fixed_accepted\":%s", rp->x.fixed_ok ? "true" : "false");
			} else {
				printf("null,\"fixed_accepted\":null");
			}
			printf(",\"releases_accepting\":[");
			for (unsigned k = 0; k < rp->x.nreleases; k++)
				printf("%s\"%s\"", k ? "," : "", nvmx_kernel_name(rp->x.releases[k]));
			printf("],\"params_accepting\":[");
			for (unsigned k = 0; k < rp->x.nparams; k++)
				printf("%s\"%s=%lld\"", k ? "," : "", nvmx_param_name(rp->x.params[k].param),
				       (long long)rp->x.params[k].value);
			printf("],\"hint\":");
			const char *hint = rp->x.hint;
			if (hint)
				cli_json_str(stdout, hint);
			else
				printf("null");
			struct nvmx_probe p = { .index = rp->w.index, .value = rp->w.value, .id = id };
			printf(",\"partial_host\":");
			if (hf.partial && rp->x.pr.vars) {
				printf("{\"depends_on_unknown\":%s,\"unknown_bits\":%u,\"completions\":%lu,"
				       "\"exhaustive\":%s,\"deciding\":", rp->x.partial_dep ? "true" : "false",
				       rp->x.pr.vars, rp->x.pr.tried, rp->x.pr.exhaustive ? "true" : "false");
				partial_decide_json(stdout, &rp->x.pr, false);
				putchar('}');
			} else
				printf("null");
			printf(",\"before_oldest_row\":");
			if (rp->x.before_oldest_row[0])
				cli_json_str(stdout, rp->x.before_oldest_row);
			else
				printf("null");
			printf(",\"would_fail_with\":");
			explain_would_fail_json(&p, &rp->x.wf);
			static struct explain_keys wk;
			wk.n = 0;
			for (unsigned c = 0; c < rp->x.ncauses; c++)
				explain_key_add(&wk, rp->x.causes[c]);
			printf(",\"causes\":");
			explain_keys_json(&wk);
			printf("}");
		}
		printf("],\"out_of_scope\":[");
		bool first = true;
		for (size_t e = 0; e < nev; e++) {
			const struct nvmx_event *ev = &evs[e];
			if (ev->kind != NVMX_EV_SET_MSR || (ev->index >= NVMX_MSR_BASE &&
							     ev->index < NVMX_MSR_BASE + NVMX_MSR_COUNT))
				continue;
			printf("%s{\"index\":\"0x%x\",\"name\":", first ? "" : ",", ev->index);
			const char *nm = explain_other_msr_name(ev->index);
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
		for (size_t e = 0; e < nev; e++) {
			const struct nvmx_event *ev = &evs[e];
			if (ev->kind != NVMX_EV_FEATURE)
				continue;
			printf("%s{\"msr\":\"0x%x\",\"name\":", first ? "" : ",", ev->index);
			cli_json_str(stdout, ev->name);
			printf(",\"bit\":%u,\"line\":%u,\"count\":%u,\"tcg\":%s,\"offered_here\":", ev->bit,
			       ev->line, ev->count, ev->tcg ? "true" : "false");
			printf("%s,\"would_fail_with\":", !fx[e].probed ? "null" : fx[e].offered ? "true" : "false");
			if (fx[e].probed && fx[e].offered)
				explain_would_fail_json(&fx[e].p, &fx[e].wf);
			else
				printf("[]");
			printf("}");
			first = false;
		}
		printf("],\"assertions\":[");
		first = true;
		for (size_t e = 0; e < nev; e++)
			if (evs[e].kind == NVMX_EV_ASSERT) {
				printf("%s{\"function\":", first ? "" : ",");
				cli_json_str(stdout, evs[e].name);
				printf(",\"line\":%u}", evs[e].line);
				first = false;
			}
		printf("],\"causes\":");
		static struct explain_keys all;
		all.n = 0;
		if (xe.not_modelled)
			explain_key_add(&all, "kernel-not-modelled");
		for (unsigned i = 0; i < nw; i++)
			for (unsigned c = 0; c < reps[i].x.ncauses; c++)
				explain_key_add(&all, reps[i].x.causes[c]);
		for (size_t e = 0; e < nev; e++) {
			const struct nvmx_event *ev = &evs[e];
			char key[64] = "";
			if (ev->kind == NVMX_EV_SET_MSR && (ev->index < NVMX_MSR_BASE ||
							    ev->index >= NVMX_MSR_BASE + NVMX_MSR_COUNT))
				snprintf(key, sizeof(key), "out-of-scope:0x%x", ev->index);
			else if (ev->kind == NVMX_EV_FEATURE)
				for (unsigned c = 0; c < fx[e].ncauses; c++)
					explain_key_add(&all, fx[e].causes[c]);
			if (key[0])
				explain_key_add(&all, key);
		}
		if (have_assert && !have_set)
			explain_key_add(&all, "assert-only");
		explain_keys_json(&all);
		cli_json_approximate(stdout);
		printf("}\n");
		return all_ok ? EXIT_OK : EXIT_NO;
	}

	if (xe.uname) {
		printf("kernel %s%s: ", xe.uname, uname_opt ? "" : " (from the log)");
		if (km.how == NVMX_MATCH_NOT_MODELLED)
			printf("a %s release nvmx has no row for, so it is not modelled; explained under %s\n",
			       km.distro ? km.distro : "distribution", nvmx_kernel_name(kvm.kernel));
		else if (xe.not_modelled)
			printf("older than every modelled release (the oldest is %s), so it is not modelled; "
			       "explained under %s\n", nvmx_kernel_name(nvmx_kernel_oldest()),
			       nvmx_kernel_name(kvm.kernel));
		else if (km.how == NVMX_MATCH_TOO_NEW && !ko_given)
			printf("newer than every modelled release; explained under the newest, %s\n",
			       nvmx_kernel_name(kvm.kernel));
		else if (km.how == NVMX_MATCH_NEAREST && km.kernel == kvm.kernel)
			printf("no row of its own; explained under the nearest, %s\n", nvmx_kernel_name(kvm.kernel));
		else
			printf("explained under %s\n", nvmx_kernel_name(kvm.kernel));
		for (unsigned i = 0; km.kernel == kvm.kernel && i < km.nmay && i < 8; i++)
			printf("  it may differ from %s in: %s\n", nvmx_kernel_name(kvm.kernel), km.may_differ[i]);
	}
	if (xe.qemu)
		printf("QEMU %s (from the log)\n", xe.qemu);
	for (unsigned i = 0; i < nw; i++) {
		struct report *rp = &reps[i];
		struct nvmx_qemu_explain *ex = &rp->x.ex;
		enum nvmx_msr_id id = (enum nvmx_msr_id)(rp->w.index - NVMX_MSR_BASE);
		if (i || xe.uname || xe.qemu)
			putchar('\n');
		if (rp->line)
			printf("log line %u: ", rp->line);
		printf("KVM %s on %s: write 0x%x %s = 0x%016llx on %s%s\n",
		       nvmx_kernel_name(kvm.kernel), hf.name, rp->w.index, nvmx_msr_desc(id)->sdm,
		       (unsigned long long)rp->w.value, vo.state ? "the vCPU --state describes" : "a fresh vCPU",
		       vo.guest_cpuid ? " (after KVM_SET_CPUID2)" : "");
		nvmx_result_describe(&ex->r, why, sizeof(why));
		if (rp->x.partial_dep) {
			char dec[1024];
			partial_decide_text(&rp->x.pr, false, dec, sizeof(dec));
			printf("verdict: depends on what %s does not give: %s as assumed, %s when these "
			       "differ: %s\n", hf.name, ex->r.rc ? "rejected" : "accepted",
			       ex->r.rc ? "accepted" : "rejected", dec);
			printf("  partial host: %s\n", hf.partial_note);
			if (ex->r.rc)
				printf("  as assumed: %s\n", why);
		} else if (!ex->r.rc) {
			printf("verdict: accepted%s\n", hf.partial ? " (partial host: the same on every "
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
		if (rp->x.models[0])
			printf("QEMU models that write this value: %s\n", rp->x.models);
		else if (nvmx_qword_of_msr(id) >= 0 && id != NVMX_BASIC)
			printf("no named QEMU model writes this value (-cpu host or max, or added "
			       "vmx-* flags, do)\n");
		struct nvmx_probe p = { .index = rp->w.index, .value = rp->w.value, .id = id };
		if (rp->x.before_oldest_row[0])
			printf("before the oldest row: %s\n", rp->x.before_oldest_row);
		if (rp->x.qemu_widens_ctls2)
			printf("QEMU %s: it widens 0x48b's allowed-1 bits from KVM's CPUID even when KVM "
			       "lists 0x48b itself (fixed in 5.0), so this value can hold bits KVM never "
			       "offered\n", xe.qemu);
		if (!ex->r.rc) {
			if (log || xe.uname)
				explain_would_fail_text(&p, &rp->x.wf);
			else if (rp->x.wf.n)
				explain_would_fail_text(&p, &rp->x.wf);
			continue;
		}
		printf("what to change:\n");
		if (rp->x.nflags) {
			printf("  -cpu ...");
			for (unsigned f = 0; f < rp->x.nflags; f++)
				printf(",%s=off", rp->x.flags[f]);
			if (rp->x.fixed_valid)
				printf("  (QEMU then writes 0x%llx: %s)", (unsigned long long)rp->x.fixed,
				       rp->x.fixed_ok ? "accepted" : "still rejected");
			putchar('\n');
		}
		if (rp->x.nreleases) {
			printf("  %sa KVM release that accepts it here:", rp->x.nflags ? "or " : "");
			for (unsigned k = 0; k < rp->x.nreleases; k++)
				printf(" %s", nvmx_kernel_name(rp->x.releases[k]));
			putchar('\n');
		} else {
			printf("  no KVM release accepts it on this host\n");
		}
		if (rp->x.nparams) {
			printf("  or kvm_intel parameters:");
			for (unsigned k = 0; k < rp->x.nparams; k++)
				printf(" %s=%lld", nvmx_param_name(rp->x.params[k].param),
				       (long long)rp->x.params[k].value);
			putchar('\n');
		}
		const char *hint = rp->x.hint;
		if (hint)
			printf("  note: %s\n", hint);
	}
	for (size_t e = 0; e < nev; e++) {
		const struct nvmx_event *ev = &evs[e];
		if (ev->kind == NVMX_EV_SET_MSR && (ev->index < NVMX_MSR_BASE ||
						    ev->index >= NVMX_MSR_BASE + NVMX_MSR_COUNT)) {
			const char *nm = explain_other_msr_name(ev->index);
			printf("\nlog line %u: MSR 0x%x%s%s%s = 0x%llx: not a VMX capability MSR (0x480-0x493), "
			       "out of scope for nvmx\n", ev->line, ev->index, nm ? " (" : "", nm ? nm : "",
			       nm ? ")" : "", (unsigned long long)ev->value);
		} else if (ev->kind == NVMX_EV_FEATURE) {
			const struct nvmx_feature_explanation *f = &fx[e];
			printf("\nlog line %u: QEMU dropped MSR(%XH)%s%s [bit %u]%s: ", ev->line, ev->index,
			       ev->name[0] ? "." : "", ev->name, ev->bit,
			       ev->count > 1 ? " (more than once)" : "");
			if (ev->tcg) {
				printf("under TCG QEMU offers no VMX feature; not a KVM question\n");
			} else if (!f->probed) {
				printf("not a VMX capability MSR nvmx models\n");
			} else if (!f->offered) {
				nvmx_result_describe(&f->r, why, sizeof(why));
				printf("KVM %s on %s does not offer it either (%s), so QEMU's warning is expected "
				       "and harmless (the guest starts without it); ask for a CPU model "
				       "the host has\n", nvmx_kernel_name(kvm.kernel), hf.name,
				       f->r.reason == NVMX_R_NO_NESTED ? "nested=0" :
				       f->r.reason == NVMX_R_NO_KVM ? "kvm_intel does not load" : "the host lacks it");
			} else {
				printf("KVM %s on %s offers it\n", nvmx_kernel_name(kvm.kernel), hf.name);
				explain_would_fail_text(&f->p, &f->wf);
			}
		}
	}
	if (have_assert && !have_set)
		printf("\nQEMU's MSR assertion without its \"failed to set MSR 0x... to 0x...\" line: "
		       "the log does not say which MSR KVM refused (QEMU prints it just before the "
		       "assertion); give that line\n");
	return all_ok ? EXIT_OK : EXIT_NO;
}
