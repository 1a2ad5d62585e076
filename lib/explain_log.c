/* SPDX-License-Identifier: MIT */
/*
 * A whole log explained as `nvmx explain` answers it: the user's kernel
 * (given, else the one the log names) picks the release when none is asked
 * for and weighs the ranking; every VMX write and every feature warning is
 * explained in that one environment; a difference that reproduces every
 * failure of the log ranks above one that reproduces some; and the cause
 * keys of the whole answer.  The command only reads files and prints.
 */
#include "nvmx/explain.h"
#include "fmt.h"

/* Names for the MSRs outside the VMX block that QEMU's same message is often about. */
const char *nvmx_other_msr_name(uint32_t index)
{
	static const struct {
		uint32_t index;
		const char *name;
	} names[] = {
		{ 0x3a, "IA32_FEATURE_CONTROL" }, { 0x48, "IA32_SPEC_CTRL" },
		{ 0xe1, "IA32_UMWAIT_CONTROL" }, { 0x10a, "IA32_ARCH_CAPABILITIES" },
		{ 0x10b, "IA32_FLUSH_CMD" }, { 0x122, "IA32_TSX_CTRL" },
		{ 0x1d9, "IA32_DEBUGCTL" }, { 0x345, "IA32_PERF_CAPABILITIES" },
		{ 0x38d, "IA32_FIXED_CTR_CTRL" }, { 0x38f, "IA32_PERF_GLOBAL_CTRL" },
		{ 0x6e0, "IA32_TSC_DEADLINE" }, { 0xd90, "IA32_BNDCFGS" },
		{ 0xda0, "IA32_XSS" }, { 0x4b564d00, "MSR_KVM_WALL_CLOCK_NEW" },
		{ 0x4b564d01, "MSR_KVM_SYSTEM_TIME_NEW" },
	};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].index == index)
			return names[i].name;
	return NULL;
}

static bool in_vmx_block(uint32_t index)
{
	return index >= NVMX_MSR_BASE && index < NVMX_MSR_BASE + NVMX_MSR_COUNT;
}

/*
 * Major/minor/patch of a uname string as nvmx_kernel_version() encodes
 * them, or 0: for a kernel no row resolves ("4.4.0-generic" on a name form
 * the rows do not know), which still ranks and dates the answer.
 */
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

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Each key once, in the order first added; cut to the room. */
static void cause_add(struct nvmx_log_explanation *out, const char *key)
{
	char k[NVMX_EXPLAIN_KEY];
	struct fmt f = fmt_init(k, sizeof(k));
	fmt_str(&f, key);
	for (unsigned i = 0; i < out->ncauses; i++)
		if (same(out->causes[i], k))
			return;
	if (out->ncauses >= NVMX_EXPLAIN_LOG_MAX_CAUSES)
		return;
	f = fmt_init(out->causes[out->ncauses++], NVMX_EXPLAIN_KEY);
	fmt_str(&f, k);
}

static enum nvmx_explain_status fail(struct nvmx_log_explanation *out, struct nvmx_error *err,
				     enum nvmx_explain_status st, int code, const char *what)
{
	struct fmt f = err_begin(err, code);
	fmt_str(&f, what);
	return out->status = st;
}

/* The log's lines: its VMX writes become out->writes. */
static enum nvmx_explain_status scan(struct nvmx_log_explanation *out, const struct nvmx_explain_request *req,
				     struct nvmx_error *err)
{
	size_t total = nvmx_report_scan(req->text, req->len, out->events, NVMX_EXPLAIN_MAX_EVENTS,
					&out->hints);
	out->nevents = total;
	if (total > NVMX_EXPLAIN_MAX_EVENTS) {
		struct fmt f = err_begin(err, NVMX_E_LIMIT);
		fmt_uint(&f, total);
		fmt_str(&f, " distinct QEMU lines, at most 64: cut the excerpt");
		return out->status = NVMX_EXPLAIN_TOO_MANY_EVENTS;
	}
	if (!total)
		return fail(out, err, NVMX_EXPLAIN_NO_EVENTS, NVMX_E_MISSING,
			    "no \"failed to set MSR\" line, kvm_buf_set_msrs or kvm_put_msrs assertion, or "
			    "MSR(48xH) warning in it");
	for (size_t e = 0; e < total; e++) {
		const struct nvmx_event *ev = &out->events[e];
		if (ev->kind != NVMX_EV_SET_MSR || !in_vmx_block(ev->index))
			continue;
		if (out->nwrites >= NVMX_EXPLAIN_MAX_WRITES)
			return fail(out, err, NVMX_EXPLAIN_TOO_MANY_WRITES, NVMX_E_LIMIT,
				    "at most 16 VMX writes");
		out->writes[out->nwrites].index = ev->index;
		out->writes[out->nwrites].value = ev->value;
		out->line[out->nwrites++] = ev->line;
	}
	return NVMX_EXPLAIN_OK;
}

/* The user's kernel, and the release the answer is under. */
static enum nvmx_explain_status pick_kernel(struct nvmx_log_explanation *out,
					    const struct nvmx_explain_request *req, struct nvmx_error *err)
{
	struct nvmx_kernel_match *km = &out->match;
	out->uname = req->uname ? req->uname : out->hints.kernel[0] ? out->hints.kernel : 0;
	out->uname_from_log = !req->uname && out->uname;
	*km = (struct nvmx_kernel_match){ .how = NVMX_MATCH_UNKNOWN };
	if (out->uname)
		nvmx_kernel_resolve(out->uname, km);
	uint32_t uver = km->version ? km->version : out->uname ? uname_version(out->uname) : 0;
	if (req->uname && !uver && km->how == NVMX_MATCH_UNKNOWN)
		return fail(out, err, NVMX_EXPLAIN_BAD_UNAME, NVMX_E_ARG,
			    "not a kernel release (e.g. 5.4.0-131-generic)");
	/* A kernel older than the oldest row's series is history the rows start after. */
	out->not_modelled = km->how == NVMX_MATCH_TOO_OLD || km->how == NVMX_MATCH_NOT_MODELLED ||
			    (km->how == NVMX_MATCH_UNKNOWN && uver &&
			     (uver & 0xffff0000u) < (nvmx_kernel_version(nvmx_kernel_oldest()) & 0xffff0000u));
	out->env.env.user_kernel = uver;
	out->kernel_asked = req->env.kernel != 0;
	out->kernel = req->env.kernel;
	if (!out->kernel && uver) {
		if (km->kernel) {	/* a nearest row is kept, and said to be an approximation */
			out->kernel = km->kernel;
			out->kernel_nearest = km->how == NVMX_MATCH_NEAREST;
		} else if (out->not_modelled) {
			out->kernel = nvmx_kernel_oldest();
		} else {
			out->kernel = nvmx_kernel_default();
		}
	}
	if (!out->kernel)
		return fail(out, err, NVMX_EXPLAIN_NO_KERNEL, NVMX_E_ARG,
			    "no KVM release given, and no kernel to take it from");
	return NVMX_EXPLAIN_OK;
}

static enum nvmx_explain_status set_params(struct nvmx_log_explanation *out,
					   const struct nvmx_explain_request *req, struct nvmx_error *err)
{
	struct nvmx_params *p = &out->env.env.params;
	nvmx_params_default(out->kernel, p);
	for (unsigned i = 0; i < req->nparams; i++) {
		char name[64];
		const struct nvmx_param_arg *a = &req->params[i];
		if (a->name_len >= sizeof(name))
			return fail(out, err, NVMX_EXPLAIN_BAD_PARAM, NVMX_E_ARG, "parameter name too long");
		for (size_t k = 0; k < a->name_len; k++)
			name[k] = a->name[k];
		name[a->name_len] = 0;
		if (nvmx_params_set(out->kernel, p, name, a->value, err))
			return out->status = NVMX_EXPLAIN_BAD_PARAM;
	}
	return NVMX_EXPLAIN_OK;
}

/* The answer's cause keys, in the order the command has always listed them. */
static void causes(struct nvmx_log_explanation *out)
{
	bool have_set = false, have_assert = false;
	out->ncauses = 0;
	if (out->not_modelled)
		cause_add(out, "kernel-not-modelled");
	for (unsigned i = 0; i < out->nwrites; i++)
		for (unsigned c = 0; c < out->writes[i].ncauses; c++)
			cause_add(out, out->writes[i].causes[c]);
	for (size_t e = 0; e < out->nevents; e++) {
		const struct nvmx_event *ev = &out->events[e];
		have_set |= ev->kind == NVMX_EV_SET_MSR;
		have_assert |= ev->kind == NVMX_EV_ASSERT;
		if (ev->kind == NVMX_EV_SET_MSR && !in_vmx_block(ev->index)) {
			char key[64];
			struct fmt f = fmt_init(key, sizeof(key));
			fmt_str(&f, "out-of-scope:");
			fmt_hex(&f, ev->index);
			cause_add(out, key);
		} else if (ev->kind == NVMX_EV_FEATURE) {
			for (unsigned c = 0; c < out->features[e].ncauses; c++)
				cause_add(out, out->features[e].causes[c]);
		}
	}
	out->assert_only = have_assert && !have_set;
	if (out->assert_only)
		cause_add(out, "assert-only");
}

enum nvmx_explain_status nvmx_explain_log(struct nvmx_log_explanation *out,
					  const struct nvmx_explain_request *req, struct nvmx_error *err)
{
	enum nvmx_explain_status st;
	out->status = NVMX_EXPLAIN_OK;
	out->nevents = out->nwrites = out->ncauses = 0;
	out->uname = out->qemu = 0;
	out->uname_from_log = out->not_modelled = out->kernel_asked = out->kernel_nearest = false;
	out->assert_only = false;
	out->all_accepted = true;
	out->hints = (struct nvmx_report_hints){ .evmcs = false };
	out->env = (struct nvmx_explain_env){ .env = req->env, .unknown = req->unknown };
	if (err)
		nvmx_error_clear(err);

	if (req->text) {
		if ((st = scan(out, req, err)))
			return st;
	} else {
		if (req->nwrites > NVMX_EXPLAIN_MAX_WRITES)
			return fail(out, err, NVMX_EXPLAIN_TOO_MANY_WRITES, NVMX_E_LIMIT, "at most 16 writes");
		for (unsigned i = 0; i < req->nwrites; i++) {
			out->writes[i].index = req->index[i];
			out->writes[i].value = req->value[i];
			out->line[i] = 0;
		}
		out->nwrites = req->nwrites;
	}
	if ((st = pick_kernel(out, req, err)) || (st = set_params(out, req, err)))
		return st;
	out->qemu = out->hints.qemu[0] ? out->hints.qemu : 0;

	/* One environment for every write and warning: the evidence ranks, never decides. */
	struct nvmx_env *env = &out->env.env;
	env->kernel = out->kernel;
	env->qemu = out->qemu ? nvmx_qemu_release_find(out->qemu) : 0;
	env->hint_evmcs = out->hints.evmcs;
	env->hint_hyperv = out->hints.hyperv;
	env->hint_outer_vm = out->hints.outer_vm;
	out->env.not_modelled = out->not_modelled;
	nvmx_kvm_load(&out->kvm, &env->host, env->kernel, &env->params);

	for (unsigned i = 0; i < out->nwrites; i++) {
		struct nvmx_explanation *x = &out->writes[i];
		x->pr = (struct nvmx_partial_result){ 0 };	/* read only when partial_searched */
		if (nvmx_explain_write(x, &out->env, x->index, x->value))
			out->all_accepted = false;
		/* Never a confident "accepted" that a partial host's unknown bits could turn. */
		if (x->partial_dep)
			out->all_accepted = false;
	}
	for (size_t e = 0; e < out->nevents; e++)
		if (out->events[e].kind == NVMX_EV_FEATURE)
			nvmx_explain_feature(&out->features[e], &out->env, &out->events[e]);

	/* One difference reproducing every failure of the log ranks above one reproducing some. */
	unsigned nl = 0;
	for (unsigned i = 0; i < out->nwrites; i++)
		if (!out->writes[i].ex.r.rc)
			out->work.lists[nl++] = &out->writes[i].wf;
	for (size_t e = 0; e < out->nevents; e++)
		if (out->events[e].kind == NVMX_EV_FEATURE && out->features[e].offered)
			out->work.lists[nl++] = &out->features[e].wf;
	nvmx_would_fail_rank_across(out->work.lists, nl);
	/* The cause keys follow the lists' new order. */
	for (unsigned i = 0; i < out->nwrites; i++)
		nvmx_explanation_causes(&out->writes[i]);
	for (size_t e = 0; e < out->nevents; e++)
		if (out->events[e].kind == NVMX_EV_FEATURE)
			nvmx_feature_explanation_causes(&out->features[e]);
	causes(out);
	return NVMX_EXPLAIN_OK;
}
