/* SPDX-License-Identifier: MIT */
/*
 * Host dumps as JSON:
 *
 *   {"name": "...", "source": "...", "vendor": "GenuineIntel", "family": 6,
 *    "model": 94, "stepping": 3, "cpuid.features": "vmx ept ...",
 *    "hyperv_evmcs": false, "msrs": {"IA32_VMX_BASIC": "0x00da040000000004", ...}}
 *
 * MSR values are strings because JSON numbers are doubles to most readers and
 * cannot carry 64 bits.  A null value means "absent".  Other top-level keys
 * are ignored silently: JSON hosts are usually written by programs (nvmx
 * itself among them) that add sections of their own.  When the top level has
 * no "msrs" but a "host" object, the host is read from there.  A saved vCPU
 * state as nvmx prints it is read too: the "final" object of `nvmx restore
 * --json` or the "nested" object of `nvmx derive --json` stands for "msrs".
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "json.h"

/* A host object is a few dozen values; documents with other sections stay far below this. */
#define JSON_HOST_MAX_NODES 65536u

struct json_reader {
	const char *label;
	struct nvmx_diag *d;
	struct nvmx_hostfile *out;
};

static int err_at(struct json_reader *r, const struct json_node *v, const char *what,
		  const char *expect)
{
	io_fail_col(r->d, NVMX_E_VALUE, r->label, v->line, v->col, "\"%s\" %s", what, expect);
	return -1;
}

/* A printable string member into dst; absent is fine, anything else is an error. */
static int get_text(struct json_reader *r, const struct json_node *obj, const char *key,
		    char *dst, size_t cap, bool *given)
{
	const struct json_node *v = json_get(obj, key);
	if (given)
		*given = false;
	if (!v)
		return 0;
	if (!json_is(v, JSON_STRING))
		return err_at(r, v, key, "must be a string");
	char tmp[4096];
	long n = json_str_copy(v, tmp, sizeof(tmp));
	if (n < 0 || (size_t)n >= cap)
		return err_at(r, v, key, "is too long");
	for (long i = 0; i < n; i++)
		if ((unsigned char)tmp[i] < 0x20)
			return err_at(r, v, key, "contains a control character");
	memcpy(dst, tmp, (size_t)n + 1);
	if (given)
		*given = true;
	return 0;
}

static int get_uint(struct json_reader *r, const struct json_node *obj, const char *key,
		    unsigned max, unsigned *dst, bool *given)
{
	const struct json_node *v = json_get(obj, key);
	uint64_t n;
	*given = false;
	if (!v)
		return 0;
	if (json_uint64(v, &n) < 0)
		return err_at(r, v, key, "must be a non-negative integer");
	if (n > max) {
		io_fail_col(r->d, NVMX_E_VALUE, r->label, v->line, v->col,
			    "\"%s\" %llu is out of range (at most %u)", key, (unsigned long long)n,
			    max);
		return -1;
	}
	*dst = (unsigned)n;
	*given = true;
	return 0;
}

static int read_msrs(struct json_reader *r, const struct json_node *msrs, const char *what,
		     struct nvmx_msrs *dst)
{
	char key[64], val[64];
	if (!json_is(msrs, JSON_OBJECT))
		return err_at(r, msrs, what, "must be an object of \"NAME\": \"0x...\"");
	const struct json_node *seen[NVMX_MSR_COUNT] = { 0 };
	for (const struct json_node *m = json_child(msrs); m; m = json_next(m)) {
		if (json_key_copy(m, key, sizeof(key)) < 0) {
			io_fail_col(r->d, NVMX_E_VALUE, r->label, m->line, m->col,
				    "unknown MSR (name too long)");
			return -1;
		}
		int id = nvmx_io_msr_id(key);
		if (id < 0) {
			io_fail_col(r->d, NVMX_E_VALUE, r->label, m->line, m->col,
				    "unknown MSR \"%s\" (VMX capability MSRs are 0x480..0x493)",
				    key);
			return -1;
		}
		/* The parser caught literal duplicates; this catches a name and its index. */
		if (seen[id]) {
			io_fail_col(r->d, NVMX_E_VALUE, r->label, m->line, m->col,
				    "duplicate MSR \"%s\": %s already given at %u:%u", key,
				    nvmx_io_msr_name((enum nvmx_msr_id)id), seen[id]->line,
				    seen[id]->col);
			return -1;
		}
		seen[id] = m;
		if (json_is(m, JSON_NULL))
			continue;
		const char *why = "must be a hex string such as \"0x00000000000000ff\"";
		uint64_t v;
		if (!json_is(m, JSON_STRING) || json_str_copy(m, val, sizeof(val)) < 0 ||
		    io_parse_hex64(val, &v, &why) < 0) {
			io_fail_col(r->d, NVMX_E_VALUE, r->label, m->line, m->col, "%s value: %s",
				    key, why);
			return -1;
		}
		nvmx_msrs_set(dst, (enum nvmx_msr_id)id, v);
	}
	return 0;
}

static int read_host(struct json_reader *r, const struct json_node *root)
{
	struct nvmx_hostfile *h = r->out;
	struct nvmx_host *host = &h->host;
	bool has_vendor, has_family, has_model, has_stepping, has_name;
	char name[sizeof(h->name)];

	if (get_text(r, root, "name", name, sizeof(name), &has_name) < 0 ||
	    get_text(r, root, "source", h->source, sizeof(h->source), NULL) < 0 ||
	    get_text(r, root, "vendor", host->vendor, sizeof(host->vendor), &has_vendor) < 0 ||
	    get_text(r, root, "cpuid.features", h->flags, sizeof(h->flags), &h->has_flags) < 0 ||
	    get_uint(r, root, "family", 15 + 255, &host->family, &has_family) < 0 ||
	    get_uint(r, root, "model", 255, &host->model, &has_model) < 0 ||
	    get_uint(r, root, "stepping", 15, &host->stepping, &has_stepping) < 0)
		return -1;
	if (has_name)
		memcpy(h->name, name, sizeof(name));
	h->has_identity = has_vendor && has_family && has_model;
	io_features_from_flags(h);

	const struct json_node *ev = json_get(root, "hyperv_evmcs");
	if (ev && !json_is_bool(ev))
		return err_at(r, ev, "hyperv_evmcs", "must be true or false");
	host->hyperv_evmcs = json_bool(ev);

	const struct json_node *msrs = json_get(root, "msrs");
	if (!msrs)
		msrs = json_get(root, "final");
	if (!msrs || json_is(msrs, JSON_NULL))
		msrs = json_get(root, "nested");
	if (!msrs || json_is(msrs, JSON_NULL)) {
		io_fail(r->d, NVMX_E_MISSING, r->label, 0,
			"no \"msrs\" object (nor a saved vCPU's \"final\" or \"nested\"): not a "
			"host");
		return -1;
	}
	if (read_msrs(r, msrs, "msrs", &host->msrs) < 0)
		return -1;
	/* A partial host written by nvmx (decode --json) stays partial when read back. */
	char note[sizeof(h->partial_note)];
	bool has_note;
	if (get_text(r, root, "partial", note, sizeof(note), &has_note) < 0)
		return -1;
	if (has_note) {
		h->partial = true;
		memcpy(h->partial_note, note, sizeof(note));
		const struct json_node *unk = json_get(root, "unknown");
		struct nvmx_msrs u = { 0 };
		if (unk && read_msrs(r, unk, "unknown", &u) < 0)
			return -1;
		for (int i = 0; i < NVMX_MSR_COUNT; i++)
			h->unknown[i] = nvmx_msrs_has(&u, (enum nvmx_msr_id)i) ? u.val[i] : 0;
		char uf[sizeof(h->flags)];
		bool has_uf;
		if (get_text(r, root, "unknown_features", uf, sizeof(uf), &has_uf) < 0)
			return -1;
		h->unknown_features = has_uf ? nvmx_features_from_text(uf, strlen(uf)) : 0;
		io_warn(r->d, "%s: partial host: %s", r->label, h->partial_note);
	}
	if (!host->msrs.present) {
		io_fail_col(r->d, NVMX_E_MISSING, r->label, msrs->line, msrs->col,
			    "\"msrs\" holds no VMX MSR values");
		return -1;
	}
	return 0;
}

int nvmx_hostfile_parse_json(const char *path, const char *buf, size_t len,
			     struct nvmx_hostfile *out, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	struct json_reader r = { .label = io_label(path), .out = out };
	r.d = io_diag_begin(diag, &scratch);
	io_hostfile_init(out, path);

	size_t npool = len / 2 + 2;
	if (npool > JSON_HOST_MAX_NODES)
		npool = JSON_HOST_MAX_NODES;
	struct json_node *pool = malloc(npool * sizeof(*pool));
	if (!pool) {
		io_fail(r.d, NVMX_E_NOMEM, r.label, 0, "out of memory");
		return -1;
	}
	struct json_error jerr;
	const struct json_node *root = json_parse(buf, len, pool, npool, &jerr);
	int rc = -1;
	if (!root) {
		io_fail_col(r.d, NVMX_E_SYNTAX, r.label, jerr.line, jerr.col, "%s", jerr.msg);
	} else if (!json_is(root, JSON_OBJECT)) {
		io_fail_col(r.d, NVMX_E_SYNTAX, r.label, root->line, root->col,
			    "a host must be a JSON object");
	} else {
		const struct json_node *host = json_get(root, "host");
		if (!json_get(root, "msrs") && json_is(host, JSON_OBJECT))
			root = host;
		rc = read_host(&r, root);
	}
	free(pool);
	return rc;
}

void nvmx_hostfile_write_json(FILE *f, const struct nvmx_hostfile *h)
{
	const struct nvmx_host *host = &h->host;
	fputs("{\"name\":", f);
	json_write_str(f, h->name);
	if (h->source[0]) {
		fputs(",\"source\":", f);
		json_write_str(f, h->source);
	}
	if (h->has_identity) {
		fputs(",\"vendor\":", f);
		json_write_str(f, host->vendor);
		fprintf(f, ",\"family\":%u,\"model\":%u,\"stepping\":%u", host->family, host->model,
			host->stepping);
	}
	if (h->has_flags) {
		fputs(",\"cpuid.features\":", f);
		json_write_str(f, h->flags);
	}
	fprintf(f, ",\"hyperv_evmcs\":%s,\"msrs\":{", host->hyperv_evmcs ? "true" : "false");
	const char *sep = "";
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		if (!nvmx_msrs_has(&host->msrs, (enum nvmx_msr_id)i))
			continue;
		fprintf(f, "%s\"%s\":\"0x%016llx\"", sep, nvmx_io_msr_name((enum nvmx_msr_id)i),
			(unsigned long long)host->msrs.val[i]);
		sep = ",";
	}
	fputc('}', f);
	if (h->partial) {
		fputs(",\"partial\":", f);
		json_write_str(f, h->partial_note);
		fputs(",\"unknown\":{", f);
		sep = "";
		for (int i = 0; i < NVMX_MSR_COUNT; i++) {
			if (!h->unknown[i] || !nvmx_msrs_has(&host->msrs, (enum nvmx_msr_id)i))
				continue;
			fprintf(f, "%s\"%s\":\"0x%016llx\"", sep, nvmx_io_msr_name((enum nvmx_msr_id)i),
				(unsigned long long)h->unknown[i]);
			sep = ",";
		}
		fputc('}', f);
		/* The CPUID features the input does not give, as flag names. */
		fputs(",\"unknown_features\":\"", f);
		sep = "";
		for (unsigned i = 0; i < NVMX_F_COUNT; i++)
			if (h->unknown_features >> i & 1) {
				fprintf(f, "%s%s", sep, nvmx_feature_name((enum nvmx_feature)i));
				sep = " ";
			}
		fputc('"', f);
	}
	fputc('}', f);
}
