/* SPDX-License-Identifier: MIT */
/*
 * Reading a fleet (include/nvmx/inventory.h): operands, directories and JSON
 * Lines inventories into unique profiles.  Lines stream through one buffer;
 * each host is hashed into an open-addressing table of profiles, and the
 * dumps an inventory names are read once each (a table keyed by the line's
 * spelling of the path).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include "json.h"
#include "nvmx/fleet.h"
#include "nvmx/inventory.h"

struct nvmx_inventory_dump {
	char *key;		/* as the inventory spells it */
	size_t key_len;
	uint64_t hash;
	struct nvmx_hostfile *hf;
};

void nvmx_inventory_init(struct nvmx_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	inv->dedup = true;
}

void nvmx_inventory_free(struct nvmx_inventory *inv)
{
	for (size_t i = 0; i < inv->capdumps; i++) {	/* an open-addressing table */
		free(inv->dumps[i].key);
		free(inv->dumps[i].hf);
	}
	free(inv->dumps);
	for (size_t i = 0; i < inv->nmachines; i++)
		free(inv->machines[i]);
	free(inv->machines);
	free(inv->prof);
	free(inv->table);
	free(inv->members);
	free(inv->names);
	memset(inv, 0, sizeof(*inv));
}

/* Room for one more of arr[n] (cap doubles); false when out of memory. */
static bool grow(void **arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, c * size);
	if (!p)
		return false;
	*arr = p;
	*cap = c;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
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

static bool grow_table(struct nvmx_inventory *inv)
{
	size_t cap = inv->tcap ? inv->tcap * 2 : 1024;
	while ((size_t)inv->nprof * 2 > cap)
		cap *= 2;
	unsigned *t = calloc(cap, sizeof(*t));
	if (!t)
		return false;
	for (unsigned i = 0; i < inv->nprof; i++)
		table_insert(t, cap, inv->prof[i].hash, i);
	free(inv->table);
	inv->table = t;
	inv->tcap = cap;
	return true;
}

static bool add_member(struct nvmx_inventory *inv, unsigned profile, const char *name)
{
	size_t len = strlen(name) + 1;
	if (!grow((void **)&inv->members, inv->nmembers, &inv->capmembers, sizeof(*inv->members)))
		return false;
	if (inv->names_len + len > inv->names_cap) {
		size_t cap = inv->names_cap ? inv->names_cap : 4096;
		while (inv->names_len + len > cap)
			cap *= 2;
		char *p = realloc(inv->names, cap);
		if (!p)
			return false;
		inv->names = p;
		inv->names_cap = cap;
	}
	memcpy(inv->names + inv->names_len, name, len);
	inv->members[inv->nmembers].profile = profile;
	inv->members[inv->nmembers++].name = (unsigned)inv->names_len;
	inv->names_len += len;
	return true;
}

const char *nvmx_inventory_member_name(const struct nvmx_inventory *inv, size_t i)
{
	return inv->names + inv->members[i].name;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static int add_profile(struct nvmx_inventory *inv, const struct nvmx_host *h, unsigned machine,
		       const struct nvmx_unknown *unknown, const char *cpu, const char *name,
		       const struct nvmx_kernel *k, const struct nvmx_params *p, bool hyperv);

int nvmx_inventory_add_host(struct nvmx_inventory *inv, const struct nvmx_host *h, const char *cpu,
			    const char *name, const struct nvmx_kernel *k, const struct nvmx_params *p,
			    bool hyperv, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	diag = io_diag_begin(diag, &scratch);
	if (add_profile(inv, h, 0, NULL, cpu, name, k, p, hyperv) < 0) {
		io_fail(diag, NVMX_E_NOMEM, NULL, 0, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * The machine a partial host's input stands for: one per input (key: its
 * path; NULL: an input of its own), 0 for a complete host; -1 out of memory.
 */
static long machine_of(struct nvmx_inventory *inv, const struct nvmx_hostfile *hf, const char *key,
		       struct nvmx_unknown *u)
{
	memset(u, 0, sizeof(*u));
	if (!hf->partial)
		return 0;
	memcpy(u->msr, hf->unknown, sizeof(u->msr));
	u->features = hf->unknown_features;
	if (!nvmx_unknown_any(u, &hf->host))
		return 0;
	for (size_t i = 0; key && i < inv->nmachines; i++)
		if (inv->machines[i] && !strcmp(inv->machines[i], key))
			return (long)i + 1;
	if (!grow((void **)&inv->machines, inv->nmachines, &inv->capmachines, sizeof(*inv->machines)))
		return -1;
	char *k = NULL;
	if (key && !(k = strdup(key)))
		return -1;
	inv->machines[inv->nmachines++] = k;
	return (long)inv->nmachines;
}

/* A host read from a file (key: its path) or inline (NULL): partial hosts keep what is unknown. */
static int add_hostfile(struct nvmx_inventory *inv, const struct nvmx_hostfile *hf, const char *key,
			const char *cpu, const char *name, const struct nvmx_kernel *k,
			const struct nvmx_params *p, bool hyperv)
{
	struct nvmx_unknown u;
	long machine = machine_of(inv, hf, key, &u);
	if (machine < 0)
		return -1;
	return add_profile(inv, &hf->host, (unsigned)machine, &u, cpu, name, k, p, hyperv);
}

static int add_profile(struct nvmx_inventory *inv, const struct nvmx_host *h, unsigned machine,
		       const struct nvmx_unknown *unknown, const char *cpu, const char *name,
		       const struct nvmx_kernel *k, const struct nvmx_params *p, bool hyperv)
{
	struct nvmx_host env = *h;
	env.hyperv_evmcs = env.hyperv_evmcs || hyperv || inv->hyperv_evmcs;
	uint64_t hash = nvmx_fleet_profile_hash(&env, k, p);
	unsigned idx = inv->nprof;
	if (inv->dedup && inv->tcap) {
		size_t m = inv->tcap - 1;
		for (size_t s = hash & m; inv->table[s]; s = (s + 1) & m) {
			struct nvmx_inventory_profile *q = &inv->prof[inv->table[s] - 1];
			if (q->hash == hash && q->machine == machine &&
			    nvmx_fleet_profile_equal(&q->host, q->kernel, &q->params, &env, k, p)) {
				idx = inv->table[s] - 1;
				break;
			}
		}
	}
	if (idx == inv->nprof) {
		size_t cap = inv->capprof;
		if (!grow((void **)&inv->prof, inv->nprof, &cap, sizeof(*inv->prof)))
			return -1;
		inv->capprof = (unsigned)cap;
		struct nvmx_inventory_profile *q = &inv->prof[inv->nprof];
		memset(q, 0, sizeof(*q));
		q->hash = hash;
		q->host = env;
		q->kernel = k;
		q->params = *p;
		copy_str(q->name, sizeof(q->name), name);
		copy_str(q->cpu, sizeof(q->cpu), cpu);
		q->machine = machine;
		if (unknown)
			q->unknown = *unknown;
		inv->nprof++;
		if (inv->dedup) {
			if ((size_t)inv->nprof * 2 > inv->tcap) {
				if (!grow_table(inv))
					return -1;
			} else {
				table_insert(inv->table, inv->tcap, hash, idx);
			}
		}
	}
	inv->prof[idx].count++;
	inv->nhosts++;
	if (inv->keep_members && !add_member(inv, idx, name))
		return -1;
	return 0;
}

/* The defaults of release k with the inventory's params where k has them. */
static void inventory_params(const struct nvmx_inventory *inv, const struct nvmx_kernel *k,
			     struct nvmx_params *p)
{
	nvmx_params_default(k, p);
	for (unsigned n = 0; n < inv->nparams; n++) {
		char name[64];
		const char *eq = strchr(inv->params[n], '=');
		size_t len = eq ? (size_t)(eq - inv->params[n]) : 0;
		if (!eq || len >= sizeof(name))
			continue;
		memcpy(name, inv->params[n], len);
		name[len] = 0;
		int q = nvmx_param_lookup(name);
		if (q >= 0 && nvmx_kernel_has_param(k, (enum nvmx_param)q))
			nvmx_params_set(k, p, name, eq + 1, NULL);
	}
}

void nvmx_inventory_keep(struct nvmx_inventory *inv, const bool *keep, unsigned *old_to_new)
{
	unsigned n = 0;
	for (unsigned i = 0; i < inv->nprof; i++) {
		old_to_new[i] = keep[i] ? n : UINT32_MAX;
		if (keep[i])
			inv->prof[n++] = inv->prof[i];
		else
			inv->nhosts -= inv->prof[i].count;
	}
	/* members point at profiles: renumber them, dropping those of dropped profiles */
	size_t m = 0;
	for (size_t i = 0; i < inv->nmembers; i++)
		if (old_to_new[inv->members[i].profile] != UINT32_MAX) {
			inv->members[m] = inv->members[i];
			inv->members[m++].profile = old_to_new[inv->members[i].profile];
		}
	inv->nmembers = m;
	inv->nprof = n;
	/* the profile table is rebuilt by the next host added */
	free(inv->table);
	inv->table = NULL;
	inv->tcap = 0;
}

/* ---- Files and directories ------------------------------------------------------ */

static const struct nvmx_kernel *default_kernel(const struct nvmx_inventory *inv)
{
	return inv->kernel ? inv->kernel : nvmx_kernel_default();
}

static bool is_file(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISREG(st.st_mode);
}

/* A bare file name in dumps_dir (NAME or NAME.msrs) into buf; NULL when there is none. */
static const char *bundled_dump(const struct nvmx_inventory *inv, const char *name, char *buf,
				size_t n)
{
	if (!inv->dumps_dir || !*name || strchr(name, '/'))
		return NULL;
	snprintf(buf, n, "%s/%s", inv->dumps_dir, name);
	if (is_file(buf))
		return buf;
	snprintf(buf, n, "%s/%s.msrs", inv->dumps_dir, name);
	return is_file(buf) ? buf : NULL;
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
static int add_file(struct nvmx_inventory *inv, const char *path, const struct nvmx_kernel *k,
		    struct nvmx_hostfile *hf, bool named_release, struct nvmx_diag *diag)
{
	struct nvmx_diag d;
	char bundled[4096];
	memset(&d, 0, sizeof(d));
	if (access(path, F_OK) && bundled_dump(inv, path, bundled, sizeof(bundled)))
		path = bundled;
	if (nvmx_hostfile_read(path, hf, &d) < 0) {
		io_fail_from(diag, &d.error);
		return -1;
	}
	for (unsigned i = 0; i < d.nwarn && i < NVMX_MAX_WARNINGS; i++) {
		if (inv->warning)
			inv->warning(inv->ctx, d.warn[i]);
		else
			io_warn(diag, "%s", d.warn[i]);
	}
	char name[128];
	struct nvmx_params p;
	base_name(path, name, sizeof(name));
	if (named_release) {
		size_t l = strlen(name), r = strlen(nvmx_kernel_name(k));
		if (l + r + 1 >= sizeof(name))
			l = sizeof(name) - r - 2;
		snprintf(name + l, sizeof(name) - l, "@%s", nvmx_kernel_name(k));
	}
	inventory_params(inv, k, &p);
	if (add_hostfile(inv, hf, path, hf->name, name, k, &p, false)) {
		io_fail(diag, NVMX_E_NOMEM, NULL, 0, "out of memory");
		return -1;
	}
	return 0;
}

static int dump_filter(const struct dirent *e)
{
	return e->d_name[0] != '.' && (ends_with(e->d_name, ".msrs") || ends_with(e->d_name, ".json"));
}

static int add_dir(struct nvmx_inventory *inv, const char *dir, const struct nvmx_kernel *k,
		   struct nvmx_hostfile *hf, bool named_release, struct nvmx_diag *diag)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, dump_filter, alphasort);
	if (n < 0) {
		io_fail_read(diag, NVMX_E_IO, dir, errno, 0, "a directory of dumps");
		return -1;
	}
	int rc = 0;
	char *path = NULL;
	size_t cap = 0;
	for (int i = 0; i < n; i++) {
		size_t need = strlen(dir) + strlen(ents[i]->d_name) + 2;
		if (!rc && need > cap) {
			char *p = realloc(path, cap = need * 2);
			if (!p) {
				io_fail(diag, NVMX_E_NOMEM, NULL, 0, "out of memory");
				rc = -1;
			}
			path = p ? p : path;
		}
		if (!rc) {
			snprintf(path, cap, "%s/%s", dir, ents[i]->d_name);
			rc = add_file(inv, path, k, hf, named_release, diag);
		}
		if (!(i & 1023) && inv->progress)
			inv->progress(inv->ctx);
		free(ents[i]);
	}
	free(ents);
	free(path);
	if (!rc && !n) {
		io_fail(diag, NVMX_E_MISSING, dir, 0, "no .msrs or .json dumps");
		return -1;
	}
	return rc;
}

int nvmx_inventory_add_path(struct nvmx_inventory *inv, const char *arg, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	diag = io_diag_begin(diag, &scratch);
	/* HOST[@RELEASE]: a path that exists is a path, else the release follows the last '@'. */
	char path[4096];
	const struct nvmx_kernel *k = default_kernel(inv);
	bool named = false;
	struct stat st;
	snprintf(path, sizeof(path), "%s", arg);
	if (stat(path, &st)) {
		char *at = strrchr(path, '@');
		if (at) {
			struct nvmx_kernel_match km;
			*at = 0;
			named = true;
			nvmx_kernel_resolve(at + 1, &km);
			if (!km.kernel) {
				char why[256];
				nvmx_kernel_refusal(&km, at + 1, why, sizeof(why));
				io_fail(diag, NVMX_E_ARG, arg, 0, "%s", why);
				return -1;
			}
			if (km.how == NVMX_MATCH_NEAREST && inv->approximate)
				inv->approximate(inv->ctx, at + 1);
			k = km.kernel;
		}
		if (stat(path, &st)) {
			io_fail_read(diag, NVMX_E_IO, path, errno, 0, "a host dump");
			return -1;
		}
	}
	struct nvmx_hostfile *hf = malloc(sizeof(*hf));
	if (!hf) {
		io_fail(diag, NVMX_E_NOMEM, NULL, 0, "out of memory");
		return -1;
	}
	int rc = S_ISDIR(st.st_mode) ? add_dir(inv, path, k, hf, named, diag)
				     : add_file(inv, path, k, hf, named, diag);
	free(hf);
	return rc;
}

/* ---- JSON Lines ---------------------------------------------------------------- */

struct inv_reader {
	struct nvmx_inventory *inv;
	struct nvmx_diag *diag;
	const char *path;	/* as given, for messages */
	char dir[4096];		/* the inventory's directory, for relative dumps */
	unsigned long line;
	struct nvmx_hostfile *scratch;
};

/* "FILE:LINE: problem" (with col: "FILE:LINE:COL: problem", as the JSON reader says it); -1. */
static int inv_fail(struct inv_reader *in, int code, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int inv_fail(struct inv_reader *in, int code, unsigned col, const char *fmt, ...)
{
	char msg[sizeof(in->diag->error.msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	io_fail_col(in->diag, code, in->path, (unsigned)in->line, col, "%s", msg);
	return -1;
}
#define inv_error(in, code, ...) inv_fail(in, code, 0, __VA_ARGS__)

/* Keep the dump cache at most half full (open addressing, linear probing). */
static bool grow_dumps(struct nvmx_inventory *inv)
{
	if ((inv->ndumps + 1) * 2 <= inv->capdumps)
		return true;
	size_t cap = inv->capdumps ? inv->capdumps * 2 : 256;
	struct nvmx_inventory_dump *t = calloc(cap, sizeof(*t));
	if (!t)
		return false;
	for (size_t i = 0; i < inv->capdumps; i++)
		if (inv->dumps[i].key)
			for (size_t s = inv->dumps[i].hash % cap;; s = (s + 1) % cap)
				if (!t[s].key) {
					t[s] = inv->dumps[i];
					break;
				}
	free(inv->dumps);
	inv->dumps = t;
	inv->capdumps = cap;
	return true;
}

static const struct nvmx_hostfile *find_dump(struct inv_reader *in, const struct json_node *v)
{
	struct nvmx_inventory *inv = in->inv;
	uint64_t h = nvmx_fleet_hash_bytes(0x64756d70, v->text, v->text_len);
	for (size_t i = 0; i < inv->ndumps; i++) {
		struct nvmx_inventory_dump *d = &inv->dumps[(h + i) % inv->capdumps];
		if (!d->key)
			break;
		if (d->hash == h && d->key_len == v->text_len && !memcmp(d->key, v->text, v->text_len))
			return d->hf;
	}
	char path[4096];
	if (json_str_copy(v, path, sizeof(path)) <= 0) {
		inv_error(in, NVMX_E_VALUE, "\"dump\" must be a file name");
		return NULL;
	}
	/* From here, then beside the inventory, then a bundled dump (fleet-gen writes those so). */
	char resolved[8192], bundled[4096];
	struct stat st;
	snprintf(resolved, sizeof(resolved), "%s", path);
	if (path[0] != '/' && stat(resolved, &st) && in->dir[0])
		snprintf(resolved, sizeof(resolved), "%s/%s", in->dir, path);
	if (stat(resolved, &st) && bundled_dump(inv, path, bundled, sizeof(bundled)))
		snprintf(resolved, sizeof(resolved), "%s", bundled);
	if (stat(resolved, &st)) {
		inv_error(in, NVMX_E_IO, "dump '%s': %s", path,
			  errno == ENOENT ? "no such file" : strerror(errno));
		return NULL;
	}
	struct nvmx_hostfile *hf = malloc(sizeof(*hf));
	struct nvmx_diag d;
	memset(&d, 0, sizeof(d));
	if (!hf) {
		inv_error(in, NVMX_E_NOMEM, "out of memory");
		return NULL;
	}
	if (nvmx_hostfile_read(resolved, hf, &d) < 0) {
		inv_error(in, d.error.code, "dump %s", d.error.msg);
		free(hf);
		return NULL;
	}
	char *key = malloc(v->text_len + 1);
	if (!key || !grow_dumps(inv)) {
		free(hf);
		free(key);
		inv_error(in, NVMX_E_NOMEM, "out of memory");
		return NULL;
	}
	size_t s = h % inv->capdumps;
	while (inv->dumps[s].key)
		s = (s + 1) % inv->capdumps;
	struct nvmx_inventory_dump *d2 = &inv->dumps[s];
	memcpy(key, v->text, v->text_len);
	key[v->text_len] = 0;
	d2->key = key;
	d2->key_len = v->text_len;
	d2->hash = h;
	d2->hf = hf;
	inv->ndumps++;
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

/* The release a line names ("kvm", else the running kernel's "uname"), or the default. */
static int line_kernel(struct inv_reader *in, const struct json_node *root,
		       const struct nvmx_kernel **k)
{
	const struct json_node *v;
	struct nvmx_kernel_match km;
	char why[256];
	*k = default_kernel(in->inv);
	if ((v = json_get(root, "kvm"))) {
		char rel[32];
		if (!json_is(v, JSON_STRING) || json_str_copy(v, rel, sizeof(rel)) < 0)
			return inv_error(in, NVMX_E_VALUE, "\"kvm\" must be a release of 'nvmx kernels'");
		if (nvmx_kernel_resolve(rel, &km) == NVMX_MATCH_UNKNOWN)
			return inv_error(in, NVMX_E_VALUE, "\"kvm\" must be a release of 'nvmx kernels'");
		if (!km.kernel) {
			nvmx_kernel_refusal(&km, rel, why, sizeof(why));
			return inv_error(in, NVMX_E_VALUE, "\"kvm\": %s", why);
		}
		if (km.how == NVMX_MATCH_NEAREST && in->inv->approximate)
			in->inv->approximate(in->inv->ctx, rel);
		*k = km.kernel;
		return 0;
	}
	/* The running kernel (nvmx inventory-line): its row, when "kvm" does not name one. */
	if ((v = json_get(root, "uname"))) {
		char un[128];
		if (!json_is(v, JSON_STRING) || json_str_copy(v, un, sizeof(un)) <= 0)
			return inv_error(in, NVMX_E_VALUE, "\"uname\" must be a kernel release string");
		enum nvmx_match how = (enum nvmx_match)nvmx_kernel_resolve(un, &km);
		if (how == NVMX_MATCH_EXACT || how == NVMX_MATCH_NEAREST) {
			if (km.how == NVMX_MATCH_NEAREST && in->inv->approximate)
				in->inv->approximate(in->inv->ctx, un);
			*k = km.kernel;
			return 0;
		}
		nvmx_kernel_refusal(&km, un, why, sizeof(why));
		return inv_error(in, NVMX_E_VALUE, "%s: give \"kvm\"", why);
	}
	return 0;
}

static int inv_line(struct inv_reader *in, char *line, size_t len, struct json_node *pool, size_t npool)
{
	struct nvmx_inventory *inv = in->inv;
	struct json_error jerr;
	const struct json_node *root = json_parse(line, len, pool, npool, &jerr);
	if (!root)
		return inv_fail(in, NVMX_E_SYNTAX, jerr.col, "%s", jerr.msg);
	if (!json_is(root, JSON_OBJECT))
		return inv_error(in, NVMX_E_SYNTAX, "a host must be a JSON object");
	for (const struct json_node *c = json_child(root); c; c = json_next(c)) {
		bool known = false;
		for (size_t k = 0; k < sizeof(inv_keys) / sizeof(inv_keys[0]) && !known; k++)
			known = c->key_len == strlen(inv_keys[k]) && !memcmp(c->key, inv_keys[k], c->key_len);
		if (!known)
			return inv_error(in, NVMX_E_VALUE, "unknown key \"%.*s\" (expected name, dump or msrs, kvm, "
					 "uname, params, hyperv_evmcs)", (int)c->key_len, c->key);
	}
	char name[128];
	const struct json_node *v = json_get(root, "name");
	if (v) {
		if (!json_is(v, JSON_STRING) || json_str_copy(v, name, sizeof(name)) <= 0)
			return inv_error(in, NVMX_E_VALUE, "\"name\" must be a string of 1 to 127 bytes");
	} else {
		snprintf(name, sizeof(name), "line%lu", in->line);
	}
	const struct nvmx_kernel *k;
	if (line_kernel(in, root, &k))
		return -1;
	bool hyperv = false;
	if ((v = json_get(root, "hyperv_evmcs"))) {
		if (!json_is_bool(v))
			return inv_error(in, NVMX_E_VALUE, "\"hyperv_evmcs\" must be true or false");
		hyperv = json_bool(v);
	}
	struct nvmx_params p;
	inventory_params(inv, k, &p);
	if ((v = json_get(root, "params"))) {
		if (!json_is(v, JSON_OBJECT))
			return inv_error(in, NVMX_E_VALUE, "\"params\" must be an object of NAME: VALUE");
		for (const struct json_node *c = json_child(v); c; c = json_next(c)) {
			char pn[64], pv[64];
			if (json_key_copy(c, pn, sizeof(pn)) < 0 || nvmx_param_lookup(pn) < 0)
				return inv_error(in, NVMX_E_VALUE, "unknown kvm_intel parameter \"%.*s\"", (int)c->key_len,
						 c->key);
			if (!nvmx_kernel_has_param(k, (enum nvmx_param)nvmx_param_lookup(pn)))
				return inv_error(in, NVMX_E_VALUE, "KVM %s has no parameter %s", nvmx_kernel_name(k), pn);
			if (param_value(c, pv, sizeof(pv)) || nvmx_params_set(k, &p, pn, pv, NULL))
				return inv_error(in, NVMX_E_VALUE, "bad value for parameter %s", pn);
		}
	}
	const struct json_node *dump = json_get(root, "dump"), *msrs = json_get(root, "msrs");
	if (!dump == !msrs)
		return inv_error(in, NVMX_E_VALUE, "give either \"dump\" (a file) or \"msrs\" (the values)");
	const struct nvmx_hostfile *hf;
	char cpu[128];
	if (dump) {
		if (!json_is(dump, JSON_STRING))
			return inv_error(in, NVMX_E_VALUE, "\"dump\" must be a file name");
		if (!(hf = find_dump(in, dump)))
			return -1;
		copy_str(cpu, sizeof(cpu), hf->name);
	} else {
		struct nvmx_diag d;
		memset(&d, 0, sizeof(d));
		if (nvmx_hostfile_parse_json(in->path, line, len, in->scratch, &d) < 0) {
			/* "PATH:1:COL: msg" from the one-line document -> "PATH:LINE:COL: msg" */
			char pre[600];
			const char *msg = d.error.msg;
			if (d.error.line && d.error.column)
				snprintf(pre, sizeof(pre), "%s:%u:%u: ", in->path, d.error.line, d.error.column);
			else
				snprintf(pre, sizeof(pre), "%s: ", in->path);
			if (!strncmp(msg, pre, strlen(pre)))
				msg += strlen(pre);
			return inv_fail(in, d.error.code, d.error.column, "%s", msg);
		}
		hf = in->scratch;
		if (hf->has_identity)
			snprintf(cpu, sizeof(cpu), "%s family %u model %u stepping %u", hf->host.vendor,
				 hf->host.family, hf->host.model, hf->host.stepping);
		else
			snprintf(cpu, sizeof(cpu), "inline MSRs");
	}
	if (add_hostfile(inv, hf, dump ? hf->path : NULL, cpu, name, k, &p, hyperv))
		return inv_error(in, NVMX_E_NOMEM, "out of memory");
	return 0;
}

int nvmx_inventory_read(struct nvmx_inventory *inv, const char *path, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	struct inv_reader in = { .inv = inv, .diag = io_diag_begin(diag, &scratch), .path = path };
	bool is_stdin = !strcmp(path, "-");
	FILE *fp = is_stdin ? stdin : fopen(path, "r");
	if (is_stdin)
		in.path = "<stdin>";
	if (!fp) {
		io_fail_read(in.diag, NVMX_E_IO, path, errno, 0, "an inventory");
		return -1;
	}
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
	if (!in.scratch || !pool) {
		io_fail(in.diag, NVMX_E_NOMEM, NULL, 0, "out of memory");
		rc = -1;
	}
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
			rc = inv_error(&in, NVMX_E_SYNTAX, "NUL byte in the line");
			break;
		}
		rc = inv_line(&in, line, (size_t)len, pool, npool);
		if (!(in.line & 4095) && inv->progress)
			inv->progress(inv->ctx);
	}
	if (!rc && ferror(fp)) {
		io_fail_sys(in.diag, NVMX_E_IO, errno, in.path, 0, "read error");
		rc = -1;
	}
	free(line);
	free(pool);
	free(in.scratch);
	if (fp != stdin)
		fclose(fp);
	return rc;
}
