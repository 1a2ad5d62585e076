/* SPDX-License-Identifier: MIT */
/*
 * The `.msrs` text form (data/README.md): `key = value` lines, `#` comments.
 *
 * The reader is deliberately strict.  A dump feeds a model whose answers are
 * only as good as the values it is given, so anything that could be a typo in
 * an MSR line stops the read with the file, the line and the problem; only
 * metadata keys nobody reads are let through, with a warning.
 */
#include <string.h>
#include <strings.h>
#include "internal.h"

enum meta_key {
	META_NAME, META_VENDOR, META_FAMILY, META_MODEL, META_STEPPING,
	META_FEATURES, META_EVMCS, META_COUNT
};

static const char *const meta_names[META_COUNT] = {
	[META_NAME] = "name", [META_VENDOR] = "vendor", [META_FAMILY] = "family",
	[META_MODEL] = "model", [META_STEPPING] = "stepping",
	[META_FEATURES] = "cpuid.features", [META_EVMCS] = "hyperv_evmcs",
};

/* Display family is base (<= 15) plus extended (<= 255). */
static const unsigned meta_max[META_COUNT] = {
	[META_FAMILY] = 15 + 255, [META_MODEL] = 255, [META_STEPPING] = 15,
};

struct text_reader {
	const char *label;
	struct nvmx_hostfile *out;
	struct nvmx_diag *d;
	unsigned line;
	unsigned msr_line[NVMX_MSR_COUNT];
	unsigned meta_line[META_COUNT];
	bool saw_content;
	struct io_msr_names names;
};

/*
 * Eight bytes all printable ASCII (0x20..0x7e)?  A byte below 0x20 borrows
 * into its top bit when 0x20 is subtracted, one from 0x80 up has it set, and
 * 0x7f gets it when 1 is added; a borrow or carry between bytes only starts
 * from a byte that is itself caught, so nothing is missed (a false alarm just
 * takes the byte-by-byte path).
 */
static bool printable8(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	return !(((x - UINT64_C(0x2020202020202020)) | x | (x + UINT64_C(0x0101010101010101))) &
		 UINT64_C(0x8080808080808080));
}

/* Refuse anything that is not text before looking at it line by line. */
static int check_encoding(const char *label, const char *buf, size_t len, struct nvmx_diag *d)
{
	const unsigned char *p = (const unsigned char *)buf;
	unsigned line = 1;
	for (size_t i = 0; i < len;) {
		while (i + 8 <= len && printable8(p + i))
			i += 8;
		if (i >= len)
			break;
		unsigned c = p[i];
		if (c >= 0x20 && c < 0x7f) {
			i++;
		} else if (c == '\n') {
			line++;
			i++;
		} else if (c == 0) {
			io_fail(d, NVMX_E_SYNTAX, label, line,
				"NUL byte: binary data, not a .msrs text dump");
			return -1;
		} else if (c == '\r') {
			if (i + 1 < len && p[i + 1] != '\n') {
				io_fail(d, NVMX_E_SYNTAX, label, line,
					"carriage return in the middle of a line");
				return -1;
			}
			i++;
		} else if (c < 0x20 && c != '\t') {
			io_fail(d, NVMX_E_SYNTAX, label, line,
				"control character 0x%02x: binary data, not a .msrs text dump", c);
			return -1;
		} else if (c == 0x7f) {
			io_fail(d, NVMX_E_SYNTAX, label, line,
				"control character 0x7f: not a .msrs text dump");
			return -1;
		} else if (c < 0x80) {
			i++;
		} else {
			size_t n = io_utf8_seq(p + i, len - i);
			if (!n) {
				io_fail(d, NVMX_E_SYNTAX, label, line,
					"invalid UTF-8 (byte 0x%02x): binary data, not a .msrs "
					"text dump",
					c);
				return -1;
			}
			i += n;
		}
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_space(const char *s, const char *e)
{
	while (s < e && is_space(*s))
		s++;
	return s;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

/*
 * '#' opens a comment at the start of a line, or as a word of its own after a
 * value ("family = 6   # display family").  A '#' inside a word is text, so
 * a name such as "Sample #2" survives and "0x1#" stays an error.
 */
static bool opens_comment(const char *s, const char *p, const char *e)
{
	if (*p != '#')
		return false;
	if (p == skip_space(s, e))
		return true;
	return is_space(p[-1]) && (p + 1 == e || is_space(p[1]));
}

static const char *comment_start(const char *s, const char *e)
{
	for (const char *p = s; p < e && (p = memchr(p, '#', (size_t)(e - p))); p++)
		if (opens_comment(s, p, e))
			return p;
	return e;
}

/* Short form of a value for error messages: long garbage is cut. */
static void excerpt(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap) {
		memcpy(dst, s, cap - 4);
		strcpy(dst + cap - 4, "...");
	} else {
		memcpy(dst, s, n);
		dst[n] = '\0';
	}
}

static int parse_decimal(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -2;
	}
	*out = v;
	return 0;
}

static int set_meta(struct text_reader *r, enum meta_key k, const char *val, size_t vlen)
{
	struct nvmx_hostfile *h = r->out;
	const char *key = meta_names[k];
	char v[64];
	switch (k) {
	case META_NAME:
		if (io_copy(h->name, sizeof(h->name), val, vlen) < 0)
			goto too_long;
		return 0;
	case META_VENDOR:
		if (io_copy(h->host.vendor, sizeof(h->host.vendor), val, vlen) < 0)
			goto too_long;
		return 0;
	case META_FEATURES:
		if (io_copy(h->flags, sizeof(h->flags), val, vlen) < 0)
			goto too_long;
		h->has_flags = true;
		io_features_from_flags(h);
		return 0;
	case META_EVMCS:
		excerpt(v, sizeof(v), val, vlen);
		if (!strcmp(v, "true") || !strcmp(v, "1"))
			h->host.hyperv_evmcs = true;
		else if (!strcmp(v, "false") || !strcmp(v, "0"))
			h->host.hyperv_evmcs = false;
		else {
			io_fail(r->d, NVMX_E_VALUE, r->label, r->line,
				"%s '%s' is not a boolean (true/false/1/0)", key, v);
			return -1;
		}
		return 0;
	case META_FAMILY:
	case META_MODEL:
	case META_STEPPING: {
		unsigned n;
		excerpt(v, sizeof(v), val, vlen);
		int rc = vlen < sizeof(v) ? parse_decimal(v, meta_max[k], &n) : -1;
		if (rc == -1) {
			io_fail(r->d, NVMX_E_VALUE, r->label, r->line,
				"%s '%s' is not a decimal number", key, v);
			return -1;
		}
		if (rc == -2) {
			io_fail(r->d, NVMX_E_VALUE, r->label, r->line,
				"%s %s is out of range (at most %u)", key, v, meta_max[k]);
			return -1;
		}
		if (k == META_FAMILY)
			h->host.family = n;
		else if (k == META_MODEL)
			h->host.model = n;
		else
			h->host.stepping = n;
		return 0;
	}
	case META_COUNT:
		break;
	}
	return 0;
too_long:
	io_fail(r->d, NVMX_E_LIMIT, r->label, r->line, "%s value too long (%zu bytes)", key, vlen);
	return -1;
}

/* A key nobody defined but that names an MSR must not be mistaken for metadata. */
static bool looks_like_msr(const char *key)
{
	return !strncasecmp(key, "IA32_VMX_", 9) || !strncasecmp(key, "MSR_IA32_VMX_", 13) ||
	       (key[0] == '0' && (key[1] == 'x' || key[1] == 'X'));
}

static int do_line(struct text_reader *r, const char *s, const char *e)
{
	const char *c = comment_start(s, e);
	if (c < e && c == skip_space(s, e)) {
		/* Only the first "# source:" header counts; later ones are plain comments. */
		const char *t = c + 1, *te = e;
		trim(&t, &te);
		if (!r->out->source[0] && te - t > 7 && !strncmp(t, "source:", 7)) {
			t += 7;
			trim(&t, &te);
			size_t n = (size_t)(te - t);
			if (n >= sizeof(r->out->source))
				n = sizeof(r->out->source) - 1;
			memcpy(r->out->source, t, n);
			r->out->source[n] = '\0';
		}
	}
	e = c;
	trim(&s, &e);
	if (s == e)
		return 0;
	r->saw_content = true;

	const char *eq = memchr(s, '=', (size_t)(e - s));
	char shown[96];
	if (!eq) {
		excerpt(shown, sizeof(shown), s, (size_t)(e - s));
		io_fail(r->d, NVMX_E_SYNTAX, r->label, r->line,
			"expected 'key = value', found no '=' in '%s'", shown);
		return -1;
	}
	const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
	trim(&ks, &ke);
	trim(&vs, &ve);
	if (ks == ke) {
		io_fail(r->d, NVMX_E_SYNTAX, r->label, r->line, "missing key before '='");
		return -1;
	}
	char key[96];
	size_t klen = (size_t)(ke - ks);
	excerpt(key, sizeof(key), ks, klen);
	if (klen >= sizeof(key) || strpbrk(key, " \t")) {
		io_fail(r->d, NVMX_E_SYNTAX, r->label, r->line, "malformed key '%s'", key);
		return -1;
	}
	if (vs == ve) {
		io_fail(r->d, NVMX_E_SYNTAX, r->label, r->line, "empty value for '%s'", key);
		return -1;
	}
	size_t vlen = (size_t)(ve - vs);

	int id = io_msr_id_n(&r->names, key, klen);
	if (id >= 0) {
		if (r->msr_line[id]) {
			io_fail(r->d, NVMX_E_VALUE, r->label, r->line,
				"duplicate key '%s': %s already set on line %u", key,
				nvmx_io_msr_name((enum nvmx_msr_id)id), r->msr_line[id]);
			return -1;
		}
		char v[40];
		const char *why;
		uint64_t val;
		if (io_parse_hex64n(vs, vlen, &val, &why) < 0) {
			excerpt(v, sizeof(v), vs, vlen);
			io_fail(r->d, NVMX_E_VALUE, r->label, r->line, "%s value '%s': %s", key, v,
				why);
			return -1;
		}
		r->msr_line[id] = r->line;
		nvmx_msrs_set(&r->out->host.msrs, (enum nvmx_msr_id)id, val);
		return 0;
	}
	if (looks_like_msr(key)) {
		io_fail(r->d, NVMX_E_VALUE, r->label, r->line,
			"unknown MSR '%s' (VMX capability MSRs are 0x480..0x493)", key);
		return -1;
	}
	for (int k = 0; k < META_COUNT; k++) {
		if (strcmp(key, meta_names[k]))
			continue;
		if (r->meta_line[k]) {
			io_fail(r->d, NVMX_E_VALUE, r->label, r->line,
				"duplicate key '%s' (already set on line %u)", key,
				r->meta_line[k]);
			return -1;
		}
		r->meta_line[k] = r->line;
		return set_meta(r, (enum meta_key)k, vs, vlen);
	}
	io_warn(r->d, "%s:%u: unknown key '%s' ignored", r->label, r->line, key);
	return 0;
}

int nvmx_hostfile_parse_text(const char *path, const char *buf, size_t len,
			     struct nvmx_hostfile *out, struct nvmx_diag *diag)
{
	return io_parse_text(path, buf, len, out, diag, false);
}

int io_parse_text(const char *path, const char *buf, size_t len, struct nvmx_hostfile *out,
		  struct nvmx_diag *diag, bool allow_no_msrs)
{
	struct nvmx_diag scratch;
	struct text_reader r = { .label = io_label(path), .out = out };
	r.d = io_diag_begin(diag, &scratch);
	io_hostfile_init(out, path);
	io_msr_names_init(&r.names);

	if (check_encoding(r.label, buf, len, r.d) < 0)
		return -1;
	/* A byte-order mark from an editor carries no meaning; skip it. */
	size_t bom = len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
	struct io_lines it;
	const char *line;
	size_t n;
	io_lines_init(&it, buf + bom, len - bom);
	while (io_lines_next(&it, &line, &n)) {
		r.line = it.lineno;
		if (do_line(&r, line, line + n) < 0)
			return -1;
	}
	if (!r.saw_content && !allow_no_msrs) {
		io_fail(r.d, NVMX_E_MISSING, r.label, 0, "empty file: no 'key = value' lines");
		return -1;
	}
	if (!out->host.msrs.present && !allow_no_msrs) {
		io_fail(r.d, NVMX_E_MISSING, r.label, 0,
			"no VMX MSR values (expected lines like 'IA32_VMX_BASIC = 0x...')");
		return -1;
	}
	out->has_identity = r.meta_line[META_VENDOR] && r.meta_line[META_FAMILY] &&
			    r.meta_line[META_MODEL];
	return 0;
}

static bool text_safe(const char *s)
{
	/* A value the reader would cut at a comment or reject cannot be written as is. */
	const char *e = s + strlen(s);
	for (const char *p = s; p < e; p++)
		if ((unsigned char)*p < 0x20 || opens_comment(s, p, e))
			return false;
	return true;
}

void nvmx_hostfile_write_text(FILE *f, const struct nvmx_hostfile *h)
{
	const struct nvmx_host *host = &h->host;
	if (h->source[0] && text_safe(h->source))
		fprintf(f, "# source: %s\n", h->source);
	if (h->name[0] && text_safe(h->name))
		fprintf(f, "name = %s\n", h->name);
	if (h->has_identity) {
		if (host->vendor[0] && text_safe(host->vendor))
			fprintf(f, "vendor = %s\n", host->vendor);
		fprintf(f, "family = %u\nmodel = %u\nstepping = %u\n", host->family, host->model,
			host->stepping);
	}
	if (h->has_flags && h->flags[0] && text_safe(h->flags))
		fprintf(f, "cpuid.features = %s\n", h->flags);
	if (host->hyperv_evmcs)
		fprintf(f, "hyperv_evmcs = true\n");
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		if (nvmx_msrs_has(&host->msrs, (enum nvmx_msr_id)i))
			fprintf(f, "%s = 0x%016llx\n", nvmx_io_msr_name((enum nvmx_msr_id)i),
				(unsigned long long)host->msrs.val[i]);
}
