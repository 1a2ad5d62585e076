/* SPDX-License-Identifier: MIT */
/*
 * Reading a fleet: HOST[@RELEASE] operands, directories of dumps and JSON
 * Lines inventories, one host per line:
 *
 *   {"name":"h000001","dump":"data/hosts/intel-xeon-platinum-8180.msrs",
 *    "kvm":"6.1","params":{"ept":"0"},"hyperv_evmcs":false}
 *
 * or with the MSRs inline ("msrs": {...}, as in a JSON dump).  Lines stream
 * through one buffer; each becomes a profile key (MSRs, identity, release,
 * parameters, environment) that is hashed and counted, so memory holds the
 * unique profiles and the dumps read, not the lines.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fleet.h"
#include "datadir.h"
#include "../io/json.h"

struct fleet_dump {
	char *key;		/* as the inventory spells it */
	size_t key_len;
	uint64_t hash;
	struct nvmx_hostfile *hf;
};

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

#define GROW(f, arr, n, cap)                                                             \
	do {                                                                             \
		if ((n) >= (cap)) {                                                      \
			(cap) = (cap) ? (cap) * 2 : 64;                                  \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr)));                 \
		}                                                                        \
	} while (0)

void fleet_init(struct fleet *f, const char *cmd)
{
	memset(f, 0, sizeof(*f));
	f->cmd = cmd;
	f->dedup = true;
	f->progress = isatty(STDERR_FILENO);
	f->t0 = fleet_now();
}

void fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->capdumps; i++) {	/* an open-addressing table */
		free(f->dumps[i].key);
		free(f->dumps[i].hf);
	}
	free(f->dumps);
	free(f->operands);
	free(f->prof);
	free(f->table);
	free(f->members);
	free(f->names);
	free(f->fh);
	free(f->src);
	for (int p = 0; p < 3; p++)
		free(f->dst[p]);
	memset(f, 0, sizeof(*f));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static void add_operand(struct fleet *f, const char *arg, bool inventory)
{
	GROW(f, f->operands, f->noperands, f->capoperands);
	f->operands[f->noperands].arg = arg;
	f->operands[f->noperands++].inventory = inventory;
}

int fleet_opt(void *ctx, const struct opt *o, const char *v)
{
	struct fleet *f = *(struct fleet **)((char *)ctx + o->off);
	const char *n = o->name;
	if (!strcmp(n, "kvm")) {
		f->kernel = cli_kernel_arg(f->cmd, v, false);
		return f->kernel ? 0 : EXIT_USAGE;
	}
	if (!strcmp(n, "param")) {
		if (f->nparam >= sizeof(f->param_args) / sizeof(f->param_args[0]))
			return cli_usage_error(f->cmd, "too many --param options");
		f->param_args[f->nparam++] = v;
	} else if (!strcmp(n, "inventory")) {
		add_operand(f, v, true);
	} else if (!strcmp(n, "hyperv-evmcs")) {
		f->hyperv_evmcs = true;
	} else if (!strcmp(n, "no-dedup")) {
		f->dedup = false;
		f->keep_members = true;
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
			f->nprof);
	}
}

void fleet_progress_done(struct fleet *f)
{
	if (f->progress && f->last_progress > 0) {
		fputs("\r\033[K", stderr);
		f->last_progress = 0;
	}
}

/* ---- Profiles ------------------------------------------------------------------ */

static void table_insert(unsigned *table, size_t cap, uint64_t hash, unsigned idx)
{
	size_t m = cap - 1;
	for (size_t s = hash & m;; s = (s + 1) & m)
		if (!table[s]) {
			table[s] = idx + 1;
			return;
		}
}

static void grow_table(struct fleet *f)
{
	size_t cap = f->tcap ? f->tcap * 2 : 1024;
	unsigned *t = calloc(cap, sizeof(*t));
	if (!t) {
		fputs("nvmx: out of memory\n", stderr);
		exit(EXIT_USAGE);
	}
	for (unsigned i = 0; i < f->nprof; i++)
		table_insert(t, cap, f->prof[i].hash, i);
	free(f->table);
	f->table = t;
	f->tcap = cap;
}

static void add_member_name(struct fleet *f, unsigned profile, const char *name)
{
	size_t len = strlen(name) + 1;
	GROW(f, f->members, f->nmembers, f->capmembers);
	while (f->names_len + len > f->names_cap) {
		f->names_cap = f->names_cap ? f->names_cap * 2 : 4096;
		f->names = xrealloc(f->names, f->names_cap);
	}
	memcpy(f->names + f->names_len, name, len);
	f->members[f->nmembers].profile = profile;
	f->members[f->nmembers++].name = (unsigned)f->names_len;
	f->names_len += len;
}

const char *fleet_member_name(const struct fleet *f, size_t i)
{
	return f->names + f->members[i].name;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static void add_host(struct fleet *f, const struct nvmx_host *h, const char *cpu, const char *name,
		     const struct nvmx_kernel *k, const struct nvmx_params *p, bool hyperv)
{
	struct nvmx_host env = *h;
	env.hyperv_evmcs = env.hyperv_evmcs || hyperv || f->hyperv_evmcs;
	uint64_t hash = nvmx_fleet_profile_hash(&env, k, p);
	unsigned idx = f->nprof;
	if (f->dedup && f->tcap) {
		size_t m = f->tcap - 1;
		for (size_t s = hash & m; f->table[s]; s = (s + 1) & m) {
			struct fleet_profile *q = &f->prof[f->table[s] - 1];
			if (q->hash == hash &&
			    nvmx_fleet_profile_equal(&q->host, q->kernel, &q->params, &env, k, p)) {
				idx = f->table[s] - 1;
				break;
			}
		}
	}
	if (idx == f->nprof) {
		GROW(f, f->prof, f->nprof, f->capprof);
		struct fleet_profile *q = &f->prof[f->nprof];
		memset(q, 0, sizeof(*q));
		q->hash = hash;
		q->host = env;
		q->kernel = k;
		q->params = *p;
		copy_str(q->name, sizeof(q->name), name);
		copy_str(q->cpu, sizeof(q->cpu), cpu);
		f->nprof++;
		if (f->dedup) {
			if ((size_t)f->nprof * 2 > f->tcap)
				grow_table(f);
			else
				table_insert(f->table, f->tcap, hash, idx);
		}
	}
	f->prof[idx].count++;
	f->nhosts++;
	if (f->keep_members)
		add_member_name(f, idx, name);
}

/* Defaults, then the run's --param where the release has them. */
static void run_params(const struct fleet *f, const struct nvmx_kernel *k, struct nvmx_params *p)
{
	nvmx_params_default(k, p);
	for (unsigned n = 0; n < f->nparam; n++) {
		char name[64];
		const char *eq = strchr(f->param_args[n], '=');
		size_t len = (size_t)(eq - f->param_args[n]);
		memcpy(name, f->param_args[n], len);
		name[len] = 0;
		int q = nvmx_param_lookup(name);
		if (nvmx_kernel_has_param(k, (enum nvmx_param)q))
			nvmx_params_set(k, p, name, eq + 1);
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
			ok = !nvmx_params_set(kk, &p, name, eq + 1);
		}
		if (!ok)
			return cli_usage_error(f->cmd, "bad value '%s' for parameter %s", eq + 1, name);
	}
	return 0;
}

static const struct nvmx_kernel *default_kernel(const struct fleet *f)
{
	return f->kernel ? f->kernel : nvmx_kernel_default();
}

/* "dir/name.msrs" -> "name" */
static void base_name(const char *path, char *out, size_t cap)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	const char *dot = strrchr(b, '.');
	if (dot && dot != b)
		n = (size_t)(dot - b);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, b, n);
	out[n] = 0;
}

/* A host from a file: named by its base name, "@RELEASE" added when the operand gave one. */
static int add_file(struct fleet *f, const char *path, const struct nvmx_kernel *k,
		    struct nvmx_hostfile *hf, bool named_release)
{
	int rc = cli_load_host(f->cmd, path, hf);
	if (rc)
		return rc;
	char name[128];
	struct nvmx_params p;
	base_name(path, name, sizeof(name));
	if (named_release) {
		size_t l = strlen(name), r = strlen(nvmx_kernel_name(k));
		if (l + r + 1 >= sizeof(name))
			l = sizeof(name) - r - 2;
		snprintf(name + l, sizeof(name) - l, "@%s", nvmx_kernel_name(k));
	}
	run_params(f, k, &p);
	add_host(f, &hf->host, hf->name, name, k, &p, false);
	return 0;
}

static int dump_filter(const struct dirent *e)
{
	return e->d_name[0] != '.' && (ends_with(e->d_name, ".msrs") || ends_with(e->d_name, ".json"));
}

static int add_dir(struct fleet *f, const char *dir, const struct nvmx_kernel *k,
		   struct nvmx_hostfile *hf, bool named_release)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, dump_filter, alphasort);
	if (n < 0)
		return cli_usage_error(f->cmd, "%s: %s", dir, strerror(errno));
	int rc = 0;
	char *path = NULL;
	size_t cap = 0;
	for (int i = 0; i < n; i++) {
		size_t need = strlen(dir) + strlen(ents[i]->d_name) + 2;
		if (need > cap)
			path = xrealloc(path, cap = need * 2);
		snprintf(path, cap, "%s/%s", dir, ents[i]->d_name);
		if (!rc)
			rc = add_file(f, path, k, hf, named_release);
		if (!(i & 1023))
			fleet_progress(f, "reading", f->nhosts, 0);
		free(ents[i]);
	}
	free(ents);
	free(path);
	if (!rc && !n)
		return cli_usage_error(f->cmd, "%s: no .msrs or .json dumps", dir);
	return rc;
}

/* ---- JSON Lines ---------------------------------------------------------------- */

struct inv {
	struct fleet *f;
	const char *path;	/* as given, for messages */
	char dir[4096];		/* the inventory's directory, for relative dumps */
	unsigned long line;
	struct nvmx_hostfile *scratch;
};

static int inv_error(struct inv *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int inv_error(struct inv *in, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "nvmx %s: %s:%lu: ", in->f->cmd, in->path, in->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static const struct nvmx_hostfile *find_dump(struct inv *in, const struct json_node *v, int *rc)
{
	struct fleet *f = in->f;
	uint64_t h = nvmx_fleet_hash_bytes(0x64756d70, v->text, v->text_len);
	for (size_t i = 0; i < f->ndumps; i++) {
		struct fleet_dump *d = &f->dumps[(h + i) % f->capdumps];
		if (!d->key)
			break;
		if (d->hash == h && d->key_len == v->text_len && !memcmp(d->key, v->text, v->text_len))
			return d->hf;
	}
	char path[4096];
	if (json_str_copy(v, path, sizeof(path)) <= 0) {
		*rc = inv_error(in, "\"dump\" must be a file name");
		return NULL;
	}
	char resolved[8192];
	struct stat st;
	snprintf(resolved, sizeof(resolved), "%s", path);
	if (path[0] != '/' && stat(resolved, &st) && in->dir[0])
		snprintf(resolved, sizeof(resolved), "%s/%s", in->dir, path);
	/* A bare file name: a bundled dump (fleet-gen writes those so). */
	char bundled[4096];
	if (stat(resolved, &st) && cli_find_dump(path, bundled, sizeof(bundled)))
		snprintf(resolved, sizeof(resolved), "%s", bundled);
	if (stat(resolved, &st)) {
		*rc = inv_error(in, "dump '%s': %s", path, strerror(errno));
		return NULL;
	}
	struct nvmx_hostfile *hf = malloc(sizeof(*hf));
	struct nvmx_diag d;
	memset(&d, 0, sizeof(d));
	if (!hf) {
		*rc = inv_error(in, "out of memory");
		return NULL;
	}
	if (nvmx_hostfile_read(resolved, hf, &d) < 0) {
		*rc = inv_error(in, "dump %s", d.error);
		free(hf);
		return NULL;
	}
	/* Keep the cache at most half full (open addressing, linear probing). */
	if ((f->ndumps + 1) * 2 > f->capdumps) {
		size_t cap = f->capdumps ? f->capdumps * 2 : 256;
		struct fleet_dump *t = calloc(cap, sizeof(*t));
		if (!t) {
			free(hf);
			*rc = inv_error(in, "out of memory");
			return NULL;
		}
		for (size_t i = 0; i < f->capdumps; i++)
			if (f->dumps[i].key)
				for (size_t s = f->dumps[i].hash % cap;; s = (s + 1) % cap)
					if (!t[s].key) {
						t[s] = f->dumps[i];
						break;
					}
		free(f->dumps);
		f->dumps = t;
		f->capdumps = cap;
	}
	size_t s = h % f->capdumps;
	while (f->dumps[s].key)
		s = (s + 1) % f->capdumps;
	struct fleet_dump *d2 = &f->dumps[s];
	d2->key = malloc(v->text_len + 1);
	if (!d2->key) {
		free(hf);
		*rc = inv_error(in, "out of memory");
		return NULL;
	}
	memcpy(d2->key, v->text, v->text_len);
	d2->key[v->text_len] = 0;
	d2->key_len = v->text_len;
	d2->hash = h;
	d2->hf = hf;
	f->ndumps++;
	return hf;
}

static const char *const inv_keys[] = {
	"name", "dump", "msrs", "kvm", "uname", "params", "hyperv_evmcs",
	/* identity of an inline host, as in a JSON dump */
	"vendor", "family", "model", "stepping", "cpuid.features", "source",
};

/* A parameter value: "0", 0 or false. */
static int param_value(const struct json_node *v, char *buf, size_t n)
{
	if (json_is(v, JSON_STRING))
		return json_str_copy(v, buf, n) < 0 ? -1 : 0;
	if (json_is(v, JSON_NUMBER)) {
		if (v->text_len >= n)
			return -1;
		memcpy(buf, v->text, v->text_len);
		buf[v->text_len] = 0;
		return 0;
	}
	if (json_is_bool(v)) {
		snprintf(buf, n, "%d", json_bool(v) ? 1 : 0);
		return 0;
	}
	return -1;
}

static int inv_line(struct inv *in, char *line, size_t len, struct json_node *pool, size_t npool)
{
	struct fleet *f = in->f;
	struct json_error jerr;
	const struct json_node *root = json_parse(line, len, pool, npool, &jerr);
	if (!root)
		return inv_error(in, "column %u: %s", jerr.col, jerr.msg);
	if (!json_is(root, JSON_OBJECT))
		return inv_error(in, "a host must be a JSON object");
	for (const struct json_node *c = json_child(root); c; c = json_next(c)) {
		bool known = false;
		for (size_t k = 0; k < sizeof(inv_keys) / sizeof(inv_keys[0]) && !known; k++)
			known = c->key_len == strlen(inv_keys[k]) && !memcmp(c->key, inv_keys[k], c->key_len);
		if (!known)
			return inv_error(in, "unknown key \"%.*s\" (expected name, dump or msrs, kvm, "
					 "uname, params, hyperv_evmcs)", (int)c->key_len, c->key);
	}
	char name[128];
	const struct json_node *v = json_get(root, "name");
	if (v) {
		if (!json_is(v, JSON_STRING) || json_str_copy(v, name, sizeof(name)) <= 0)
			return inv_error(in, "\"name\" must be a string of 1 to 127 bytes");
	} else {
		snprintf(name, sizeof(name), "line%lu", in->line);
	}
	const struct nvmx_kernel *k = default_kernel(f);
	if ((v = json_get(root, "kvm"))) {
		char rel[32];
		if (!json_is(v, JSON_STRING) || json_str_copy(v, rel, sizeof(rel)) < 0)
			return inv_error(in, "\"kvm\" must be a release of 'nvmx kernels'");
		struct nvmx_kernel_match km;
		char why[256];
		if (nvmx_kernel_resolve(rel, &km) == NVMX_MATCH_UNKNOWN)
			return inv_error(in, "\"kvm\" must be a release of 'nvmx kernels'");
		if (!km.kernel) {
			nvmx_kernel_refusal(&km, rel, why, sizeof(why));
			return inv_error(in, "\"kvm\": %s", why);
		}
		k = cli_kernel_arg(f->cmd, rel, true);
	}
	/* The running kernel (nvmx inventory-line): its row, when "kvm" does not name one. */
	if ((v = json_get(root, "uname")) && !json_get(root, "kvm")) {
		char un[128];
		if (!json_is(v, JSON_STRING) || json_str_copy(v, un, sizeof(un)) <= 0)
			return inv_error(in, "\"uname\" must be a kernel release string");
		struct nvmx_kernel_match km;
		char why[256];
		if (nvmx_kernel_resolve(un, &km) != NVMX_MATCH_EXACT && km.how != NVMX_MATCH_NEAREST) {
			nvmx_kernel_refusal(&km, un, why, sizeof(why));
			return inv_error(in, "%s: give \"kvm\"", why);
		}
		k = cli_kernel_arg(f->cmd, un, true);
	}
	bool hyperv = false;
	if ((v = json_get(root, "hyperv_evmcs"))) {
		if (!json_is_bool(v))
			return inv_error(in, "\"hyperv_evmcs\" must be true or false");
		hyperv = json_bool(v);
	}
	struct nvmx_params p;
	run_params(f, k, &p);
	if ((v = json_get(root, "params"))) {
		if (!json_is(v, JSON_OBJECT))
			return inv_error(in, "\"params\" must be an object of NAME: VALUE");
		for (const struct json_node *c = json_child(v); c; c = json_next(c)) {
			char pn[64], pv[64];
			if (json_key_copy(c, pn, sizeof(pn)) < 0 || nvmx_param_lookup(pn) < 0)
				return inv_error(in, "unknown kvm_intel parameter \"%.*s\"", (int)c->key_len,
						 c->key);
			if (!nvmx_kernel_has_param(k, (enum nvmx_param)nvmx_param_lookup(pn)))
				return inv_error(in, "KVM %s has no parameter %s", nvmx_kernel_name(k), pn);
			if (param_value(c, pv, sizeof(pv)) || nvmx_params_set(k, &p, pn, pv))
				return inv_error(in, "bad value for parameter %s", pn);
		}
	}
	const struct json_node *dump = json_get(root, "dump"), *msrs = json_get(root, "msrs");
	if (!dump == !msrs)
		return inv_error(in, "give either \"dump\" (a file) or \"msrs\" (the values)");
	if (dump) {
		if (!json_is(dump, JSON_STRING))
			return inv_error(in, "\"dump\" must be a file name");
		int rc = 0;
		const struct nvmx_hostfile *hf = find_dump(in, dump, &rc);
		if (!hf)
			return rc;
		add_host(f, &hf->host, hf->name, name, k, &p, hyperv);
		return 0;
	}
	struct nvmx_diag d;
	memset(&d, 0, sizeof(d));
	if (nvmx_hostfile_parse_json(in->path, line, len, in->scratch, &d) < 0) {
		/* "PATH:1:COL: msg" from the one-line document -> "PATH:LINE: column COL: msg" */
		const char *msg = d.error;
		size_t pl = strlen(in->path);
		unsigned col = 0;
		int used = 0;
		if (!strncmp(msg, in->path, pl) && sscanf(msg + pl, ":1:%u: %n", &col, &used) == 1 && used)
			return inv_error(in, "column %u: %s", col, msg + pl + used);
		if (!strncmp(msg, in->path, pl) && msg[pl] == ':')
			return inv_error(in, "%s", msg + pl + 1 + (msg[pl + 1] == ' '));
		return inv_error(in, "%s", msg);
	}
	const struct nvmx_hostfile *hf = in->scratch;
	char cpu[128];
	if (hf->has_identity)
		snprintf(cpu, sizeof(cpu), "%s family %u model %u stepping %u", hf->host.vendor,
			 hf->host.family, hf->host.model, hf->host.stepping);
	else
		snprintf(cpu, sizeof(cpu), "inline MSRs");
	add_host(f, &hf->host, cpu, name, k, &p, hyperv);
	return 0;
}

static int read_inventory(struct fleet *f, const char *path)
{
	struct inv in = { .f = f, .path = path };
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!strcmp(path, "-"))
		in.path = "<stdin>";
	if (!fp)
		return cli_usage_error(f->cmd, "%s: %s", path, strerror(errno));
	const char *slash = strrchr(path, '/');
	if (slash && (size_t)(slash - path) < sizeof(in.dir)) {
		memcpy(in.dir, path, (size_t)(slash - path));
		in.dir[slash - path] = 0;
	}
	in.scratch = malloc(sizeof(*in.scratch));
	size_t npool = 4096;
	struct json_node *pool = malloc(npool * sizeof(*pool));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	if (!in.scratch || !pool)
		rc = cli_usage_error(f->cmd, "out of memory");
	while (!rc && (len = getline(&line, &cap, fp)) >= 0) {
		in.line++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		size_t s = 0;
		while (s < (size_t)len && (line[s] == ' ' || line[s] == '\t'))
			s++;
		if (s == (size_t)len)
			continue;
		if ((size_t)len != strlen(line)) {
			rc = inv_error(&in, "NUL byte in the line");
			break;
		}
		rc = inv_line(&in, line, (size_t)len, pool, npool);
		if (!(in.line & 4095))
			fleet_progress(f, "reading", f->nhosts, 0);
	}
	if (!rc && ferror(fp))
		rc = cli_usage_error(f->cmd, "%s: read error", in.path);
	free(line);
	free(pool);
	free(in.scratch);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

int fleet_load_inventory(struct fleet *f, const char *cmd, const char *path, bool hyperv_evmcs)
{
	fleet_init(f, cmd);
	add_operand(f, path, true);
	f->hyperv_evmcs = hyperv_evmcs;
	return fleet_load(f);
}

int fleet_load(struct fleet *f)
{
	int rc = check_run_params(f);
	if (rc)
		return rc;
	struct nvmx_hostfile *hf = malloc(sizeof(*hf));
	if (!hf)
		return cli_usage_error(f->cmd, "out of memory");
	for (unsigned i = 0; i < f->noperands && !rc; i++) {
		const char *arg = f->operands[i].arg;
		if (f->operands[i].inventory) {
			rc = read_inventory(f, arg);
			continue;
		}
		/* HOST[@RELEASE]: a path that exists is a path, else the release follows the last '@'. */
		char path[4096];
		const struct nvmx_kernel *k = default_kernel(f);
		bool named = false;
		struct stat st;
		snprintf(path, sizeof(path), "%s", arg);
		if (stat(path, &st)) {
			char *at = strrchr(path, '@');
			if (at) {
				*at = 0;
				named = true;
				if (!(k = cli_kernel_arg(f->cmd, at + 1, true))) {
					struct nvmx_kernel_match km;
					char why[256];
					nvmx_kernel_resolve(at + 1, &km);
					nvmx_kernel_refusal(&km, at + 1, why, sizeof(why));
					rc = cli_usage_error(f->cmd, "%s: %s", arg, why);
					break;
				}
			}
			if (stat(path, &st)) {
				rc = cli_usage_error(f->cmd, "%s: %s", path, strerror(errno));
				break;
			}
		}
		if (S_ISDIR(st.st_mode))
			rc = add_dir(f, path, k, hf, named);
		else
			rc = add_file(f, path, k, hf, named);
	}
	free(hf);
	fleet_progress_done(f);
	if (!rc && !f->nhosts)
		rc = cli_usage_error(f->cmd, "no hosts given (HOST[@RELEASE], a directory, or --inventory FILE)");
	return rc;
}

/* ---- Profiles, computed --------------------------------------------------------- */

void fleet_profile_params(const struct fleet_profile *p, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < NVMX_P_COUNT && len < n; i++)
		if ((p->params.given >> i) & 1)
			len += (size_t)snprintf(buf + len, n - len, "%s%s=%lld", len ? " " : "",
						nvmx_param_name((enum nvmx_param)i),
						(long long)p->params.val[i]);
}

void fleet_profile_desc(const struct fleet_profile *p, char *buf, size_t n)
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
	f->fh = calloc(f->nprof ? f->nprof : 1, sizeof(*f->fh));
	if (!f->fh)
		return cli_usage_error(f->cmd, "out of memory");
	f->unusable = 0;
	f->unusable_hosts = 0;
	for (unsigned i = 0; i < f->nprof; i++) {
		struct fleet_profile *p = &f->prof[i];
		nvmx_fleet_host_init(&f->fh[i], &p->host, p->kernel, &p->params, &f->vm);
		if (revoke)
			nvmx_fleet_host_revoke(&f->fh[i]);
		if (!f->fh[i].usable) {
			f->unusable++;
			f->unusable_hosts += p->count;
		}
		if (!(i & 255))
			fleet_progress(f, "loading KVM per profile", i, f->nprof);
	}
	fleet_progress_done(f);
	f->revoke = revoke;
	if (f->unusable && (need_usable || f->skip_unusable)) {
		unsigned shown = 0;
		for (unsigned i = 0; i < f->nprof && shown < 20; i++) {
			if (f->fh[i].usable)
				continue;
			char why[600], desc[256];
			describe_unusable(f, i, why, sizeof(why));
			fleet_profile_desc(&f->prof[i], desc, sizeof(desc));
			fprintf(stderr, "nvmx %s: %s%s (%s, %llu host%s): %s\n", f->cmd,
				f->skip_unusable ? "skipped " : "", f->prof[i].name, desc,
				f->prof[i].count, f->prof[i].count == 1 ? "" : "s", why);
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
		/* Drop them: compact profiles, members keep pointing at the right ones. */
		unsigned *map = malloc(((size_t)f->nprof + 1) * sizeof(*map));
		if (!map)
			return cli_usage_error(f->cmd, "out of memory");
		unsigned n = 0;
		for (unsigned i = 0; i < f->nprof; i++) {
			map[i] = f->fh[i].usable ? n : UINT32_MAX;
			if (f->fh[i].usable) {
				f->prof[n] = f->prof[i];
				f->fh[n] = f->fh[i];
				n++;
			}
		}
		size_t m = 0;
		for (size_t i = 0; i < f->nmembers; i++)
			if (map[f->members[i].profile] != UINT32_MAX) {
				f->members[m] = f->members[i];
				f->members[m++].profile = map[f->members[i].profile];
			}
		f->nmembers = m;
		f->nhosts -= f->unusable_hosts;
		f->nprof = n;
		f->unusable = 0;
		f->unusable_hosts = 0;
		free(map);
		if (!n)
			return cli_usage_error(f->cmd, "no host runs VMX guests");
	}

	/* The library classifies (nvmx_fleet_classify); here only the buffers. */
	size_t cap = 16;
	while (cap < (size_t)f->nprof * 2)
		cap *= 2;
	unsigned *table = malloc(cap * sizeof(*table));
	unsigned long long *weight = malloc(((size_t)f->nprof + 1) * sizeof(*weight));
	unsigned *cls = malloc(((size_t)f->nprof + 1) * sizeof(*cls));
	f->src = malloc(((size_t)f->nprof + 1) * sizeof(*f->src));
	for (unsigned pol = 0; pol < 3 && (!pol || revoke); pol++)
		f->dst[pol] = malloc(((size_t)f->nprof + 1) * sizeof(*f->dst[pol]));
	if (!table || !weight || !cls || !f->src || !f->dst[0] || (revoke && (!f->dst[1] || !f->dst[2])))
		return cli_usage_error(f->cmd, "out of memory");
	for (unsigned i = 0; i < f->nprof; i++)
		weight[i] = f->prof[i].count;
	f->nsrc = nvmx_fleet_classify(f->fh, weight, f->nprof, NVMX_CLASS_OFFER, NVMX_POLICY_STRICT,
				      table, cap, f->src, cls);
	for (unsigned i = 0; i < f->nprof; i++)
		f->prof[i].src = cls[i];
	for (unsigned pol = 0; pol < 3; pol++) {
		if (pol && !revoke)
			break;
		f->ndst[pol] = nvmx_fleet_classify(f->fh, weight, f->nprof, NVMX_CLASS_RESTORE,
						   fleet_policies[pol], table, cap, f->dst[pol], cls);
		for (unsigned i = 0; i < f->nprof; i++)
			f->prof[i].dst[pol] = cls[i];
	}
	free(table);
	free(weight);
	free(cls);
	return 0;
}
