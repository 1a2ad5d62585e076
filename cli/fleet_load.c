/* SPDX-License-Identifier: MIT */
/*
 * A fleet for the baseline, matrix and pools commands: the shared options,
 * the operands read by io/ (nvmx_inventory_read, nvmx_inventory_add_path:
 * HOST[@RELEASE], directories, JSON Lines inventories), the progress line,
 * and each profile's KVM and classes (nvmx_fleet_host_init,
 * nvmx_fleet_classify).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fleet.h"
#include "datadir.h"

const enum nvmx_policy fleet_policies[3] = {
	NVMX_POLICY_STRICT, NVMX_POLICY_REVOKE_KEEP, NVMX_POLICY_REVOKE_CLEAR,
};

const char *fleet_policy_name(unsigned i)
{
	static const char *const n[] = { "strict", "revoke-keep", "revoke-clear" };
	return i < 3 ? n[i] : "?";
}

double fleet_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("nvmx: out of memory\n", stderr);
		exit(EXIT_USAGE);
	}
	return q;
}

void fleet_init(struct fleet *f, const char *cmd)
{
	memset(f, 0, sizeof(*f));
	f->cmd = cmd;
	nvmx_inventory_init(&f->inv);
	f->progress = isatty(STDERR_FILENO);
	f->t0 = fleet_now();
}

void fleet_free(struct fleet *f)
{
	nvmx_inventory_free(&f->inv);
	free(f->operands);
	free(f->fh);
	free(f->src);
	free(f->src_of);
	for (int p = 0; p < 3; p++) {
		free(f->dst[p]);
		free(f->dst_of[p]);
	}
	memset(f, 0, sizeof(*f));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static void add_operand(struct fleet *f, const char *arg, bool inventory)
{
	if (f->noperands >= f->capoperands) {
		f->capoperands = f->capoperands ? f->capoperands * 2 : 64;
		f->operands = xrealloc(f->operands, f->capoperands * sizeof(*f->operands));
	}
	f->operands[f->noperands].arg = arg;
	f->operands[f->noperands++].inventory = inventory;
}

int fleet_opt(void *ctx, const struct opt *o, const char *v)
{
	struct fleet *f = *(struct fleet **)((char *)ctx + o->off);
	const char *n = o->name;
	if (!strcmp(n, "kvm")) {
		f->inv.kernel = cli_kernel_arg(f->cmd, v, false);
		return f->inv.kernel ? 0 : EXIT_USAGE;
	}
	if (!strcmp(n, "param")) {
		if (f->nparam >= sizeof(f->param_args) / sizeof(f->param_args[0]))
			return cli_usage_error(f->cmd, "too many --param options");
		f->param_args[f->nparam++] = v;
	} else if (!strcmp(n, "inventory")) {
		add_operand(f, v, true);
	} else if (!strcmp(n, "hyperv-evmcs")) {
		f->inv.hyperv_evmcs = true;
	} else if (!strcmp(n, "no-dedup")) {
		f->inv.dedup = false;
		f->inv.keep_members = true;
	} else if (!strcmp(n, "no-progress")) {
		f->progress = false;
	} else {
		f->skip_unusable = true;
	}
	return 0;
}

int fleet_operand(struct fleet *f, const char *a)
{
	add_operand(f, a, !strcmp(a, "-") || ends_with(a, ".jsonl") || ends_with(a, ".ndjson"));
	return 0;
}

/* ---- Progress --------------------------------------------------------------- */

void fleet_progress(struct fleet *f, const char *what, unsigned long long done,
		    unsigned long long total)
{
	if (!f->progress)
		return;
	double t = fleet_now();
	if (t - f->t0 < 1.0 || t - f->last_progress < 0.1)
		return;
	f->last_progress = t;
	if (total) {
		unsigned pct = (unsigned)(done * 100 / total);
		char bar[26];
		for (unsigned k = 0; k < 25; k++)
			bar[k] = k < pct / 4 ? '#' : '.';
		bar[25] = 0;
		fprintf(stderr, "\rnvmx %s: %s [%s] %3u%%\033[K", f->cmd, what, bar, pct);
	} else {
		fprintf(stderr, "\rnvmx %s: %s %llu hosts, %u profiles\033[K", f->cmd, what, done,
			f->inv.nprof);
	}
}

void fleet_progress_done(struct fleet *f)
{
	if (f->progress && f->last_progress > 0) {
		fputs("\r\033[K", stderr);
		f->last_progress = 0;
	}
}

/* Every --param names a parameter and a value some release accepts. */
static int check_run_params(const struct fleet *f)
{
	for (unsigned n = 0; n < f->nparam; n++) {
		char name[64];
		const char *eq = strchr(f->param_args[n], '=');
		size_t len = eq ? (size_t)(eq - f->param_args[n]) : 0;
		if (!eq || !len || len >= sizeof(name) || !eq[1])
			return cli_usage_error(f->cmd, "--param '%s': expected NAME=VALUE", f->param_args[n]);
		memcpy(name, f->param_args[n], len);
		name[len] = 0;
		if (nvmx_param_lookup(name) < 0)
			return cli_usage_error(f->cmd, "unknown kvm_intel parameter '%s'", name);
		bool ok = false;
		for (unsigned k = 0; k < nvmx_kernel_count() && !ok; k++) {
			struct nvmx_params p;
			const struct nvmx_kernel *kk = nvmx_kernel_at(k);
			nvmx_params_default(kk, &p);
			ok = !nvmx_params_set(kk, &p, name, eq + 1, NULL);
		}
		if (!ok)
			return cli_usage_error(f->cmd, "bad value '%s' for parameter %s", eq + 1, name);
	}
	return 0;
}

/* The hooks of the inventory reader: the CLI's warnings and progress line. */
static void approximate(void *ctx, const char *asked)
{
	struct fleet *f = ctx;
	cli_kernel_arg(f->cmd, asked, true);	/* warns, and records it for the JSON */
}

static void warning(void *ctx, const char *msg)
{
	struct fleet *f = ctx;
	fprintf(stderr, "nvmx %s: warning: %s\n", f->cmd, msg);
}

static void progress(void *ctx)
{
	struct fleet *f = ctx;
	fleet_progress(f, "reading", f->inv.nhosts, 0);
}

int fleet_load_inventory(struct fleet *f, const char *cmd, const char *path, bool hyperv_evmcs)
{
	fleet_init(f, cmd);
	add_operand(f, path, true);
	f->inv.hyperv_evmcs = hyperv_evmcs;
	return fleet_load(f);
}

int fleet_load(struct fleet *f)
{
	int rc = check_run_params(f);
	if (rc)
		return rc;
	char dumps[4096];
	f->inv.params = f->param_args;
	f->inv.nparams = f->nparam;
	f->inv.dumps_dir = cli_hosts_dir(dumps, sizeof(dumps));
	f->inv.approximate = approximate;
	f->inv.warning = warning;
	f->inv.progress = progress;
	f->inv.ctx = f;
	for (unsigned i = 0; i < f->noperands && !rc; i++) {
		struct nvmx_diag d;
		const char *arg = f->operands[i].arg;
		if (f->operands[i].inventory ? nvmx_inventory_read(&f->inv, arg, &d)
					     : nvmx_inventory_add_path(&f->inv, arg, &d))
			rc = cli_error(f->cmd, &d.error);
	}
	f->inv.dumps_dir = NULL;	/* dumps[] goes out of scope */
	fleet_progress_done(f);
	if (!rc && !f->inv.nhosts)
		rc = cli_usage_error(f->cmd, "no hosts given (HOST[@RELEASE], a directory, or --inventory FILE)");
	return rc;
}

/* ---- Profiles, computed --------------------------------------------------------- */

void fleet_profile_params(const struct nvmx_inventory_profile *p, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < NVMX_P_COUNT && len < n; i++)
		if ((p->params.given >> i) & 1)
			len += (size_t)snprintf(buf + len, n - len, "%s%s=%lld", len ? " " : "",
						nvmx_param_name((enum nvmx_param)i),
						(long long)p->params.val[i]);
}

void fleet_profile_desc(const struct nvmx_inventory_profile *p, char *buf, size_t n)
{
	char params[256];
	fleet_profile_params(p, params, sizeof(params));
	snprintf(buf, n, "%s @%s%s%s%s", p->cpu, nvmx_kernel_name(p->kernel), params[0] ? " " : "",
		 params, p->host.hyperv_evmcs ? " hyperv-evmcs" : "");
}

/* Group profiles into classes by (hash, equal); class ids into out[i]. */
static void describe_unusable(const struct fleet *f, unsigned i, char *buf, size_t n)
{
	const struct nvmx_kvm *kvm = &f->fh[i].s.kvm;
	if (kvm->status != NVMX_LOAD_OK) {
		char why[512];
		nvmx_kvm_describe_failure(kvm, why, sizeof(why));
		snprintf(buf, n, "KVM %s does not load: %s", nvmx_kernel_name(kvm->kernel), why);
	} else {
		snprintf(buf, n, "KVM %s runs with nested=0", nvmx_kernel_name(kvm->kernel));
	}
}

int fleet_compute(struct fleet *f, bool revoke, bool need_usable)
{
	f->fh = calloc(f->inv.nprof ? f->inv.nprof : 1, sizeof(*f->fh));
	if (!f->fh)
		return cli_usage_error(f->cmd, "out of memory");
	f->unusable = 0;
	f->unusable_hosts = 0;
	for (unsigned i = 0; i < f->inv.nprof; i++) {
		struct nvmx_inventory_profile *p = &f->inv.prof[i];
		nvmx_fleet_host_init(&f->fh[i], &p->host, p->kernel, &p->params, &f->vm);
		if (revoke)
			nvmx_fleet_host_revoke(&f->fh[i]);
		if (!f->fh[i].usable) {
			f->unusable++;
			f->unusable_hosts += p->count;
		}
		if (!(i & 255))
			fleet_progress(f, "loading KVM per profile", i, f->inv.nprof);
	}
	fleet_progress_done(f);
	f->revoke = revoke;
	if (f->unusable && (need_usable || f->skip_unusable)) {
		unsigned shown = 0;
		for (unsigned i = 0; i < f->inv.nprof && shown < 20; i++) {
			if (f->fh[i].usable)
				continue;
			char why[600], desc[256];
			describe_unusable(f, i, why, sizeof(why));
			fleet_profile_desc(&f->inv.prof[i], desc, sizeof(desc));
			fprintf(stderr, "nvmx %s: %s%s (%s, %llu host%s): %s\n", f->cmd,
				f->skip_unusable ? "skipped " : "", f->inv.prof[i].name, desc,
				f->inv.prof[i].count, f->inv.prof[i].count == 1 ? "" : "s", why);
			shown++;
		}
		if (f->unusable > shown)
			fprintf(stderr, "nvmx %s: ... and %u more profiles that run no VMX guests\n",
				f->cmd, f->unusable - shown);
		if (!f->skip_unusable) {
			fprintf(stderr, "nvmx %s: %llu host(s) run no VMX guests, so no VM state can move "
				"to them (--skip-unusable leaves them out)\n", f->cmd, f->unusable_hosts);
			return EXIT_NO;
		}
		/* Drop them (io: the profiles, their hosts and members), and their KVMs here. */
		bool *keep = malloc(((size_t)f->inv.nprof + 1) * sizeof(*keep));
		unsigned *map = malloc(((size_t)f->inv.nprof + 1) * sizeof(*map));
		if (!keep || !map) {
			free(keep);
			free(map);
			return cli_usage_error(f->cmd, "out of memory");
		}
		for (unsigned i = 0; i < f->inv.nprof; i++)
			keep[i] = f->fh[i].usable;
		unsigned old = f->inv.nprof;
		nvmx_inventory_keep(&f->inv, keep, map);
		for (unsigned i = 0; i < old; i++)
			if (map[i] != UINT32_MAX)
				f->fh[map[i]] = f->fh[i];
		f->unusable = 0;
		f->unusable_hosts = 0;
		free(keep);
		free(map);
		if (!f->inv.nprof)
			return cli_usage_error(f->cmd, "no host runs VMX guests");
	}

	/* The library classifies (nvmx_fleet_classify); here only the buffers. */
	unsigned n = f->inv.nprof;
	size_t cap = 16;
	while (cap < (size_t)n * 2)
		cap *= 2;
	unsigned *table = malloc(cap * sizeof(*table));
	unsigned long long *weight = malloc(((size_t)n + 1) * sizeof(*weight));
	f->src = malloc(((size_t)n + 1) * sizeof(*f->src));
	f->src_of = malloc(((size_t)n + 1) * sizeof(*f->src_of));
	bool nomem = !table || !weight || !f->src || !f->src_of;
	for (unsigned pol = 0; pol < 3 && (!pol || revoke); pol++) {
		f->dst[pol] = malloc(((size_t)n + 1) * sizeof(*f->dst[pol]));
		f->dst_of[pol] = malloc(((size_t)n + 1) * sizeof(*f->dst_of[pol]));
		nomem = nomem || !f->dst[pol] || !f->dst_of[pol];
	}
	if (nomem) {
		free(table);
		free(weight);
		return cli_usage_error(f->cmd, "out of memory");
	}
	for (unsigned i = 0; i < n; i++)
		weight[i] = f->inv.prof[i].count;
	f->nsrc = nvmx_fleet_classify(f->fh, weight, n, NVMX_CLASS_OFFER, NVMX_POLICY_STRICT,
				      table, cap, f->src, f->src_of);
	for (unsigned pol = 0; pol < 3 && (!pol || revoke); pol++)
		f->ndst[pol] = nvmx_fleet_classify(f->fh, weight, n, NVMX_CLASS_RESTORE,
						   fleet_policies[pol], table, cap, f->dst[pol], f->dst_of[pol]);
	free(table);
	free(weight);
	return 0;
}
