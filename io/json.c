/* SPDX-License-Identifier: MIT */
/*
 * Recursive-descent JSON reader over a caller-owned node pool.  Inputs come
 * from files people edit by hand and from other programs, so every rejection
 * names the place and the rule that was broken.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "json.h"

struct parser {
	const char *b;
	size_t len, pos;
	unsigned line;
	size_t line_start;
	struct json_node *pool;
	size_t npool, used;
	struct json_error *err;
	bool failed;
};

static void fail_at(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* pos must be on the current line (the parser never reports behind a newline it passed). */
static void fail_at(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	if (p->failed)
		return;
	p->failed = true;
	p->err->line = p->line;
	p->err->col = (unsigned)(pos - p->line_start + 1);
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

/* A character as an error message shows it. */
static const char *show_char(char c, char buf[8])
{
	unsigned char u = (unsigned char)c;
	if (u >= 0x20 && u < 0x7f)
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "0x%02x", u);
	return buf;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->b[p->pos];
		if (c == '\n') {
			p->line++;
			p->line_start = ++p->pos;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			p->pos++;
		} else {
			break;
		}
	}
}

static int new_node(struct parser *p, enum json_type t)
{
	if (p->used >= p->npool) {
		fail_at(p, p->pos, "too many values: the node pool holds %zu", p->npool);
		return -1;
	}
	struct json_node *n = &p->pool[p->used];
	memset(n, 0, sizeof(*n));
	n->type = t;
	n->line = p->line;
	n->col = (unsigned)(p->pos - p->line_start + 1);
	n->first = n->next = -1;
	n->pool = p->pool;
	return (int)p->used++;
}

static int hex4(const char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Validate a string literal at p->pos (on the quote); leaves pos after the closing quote. */
static int scan_string(struct parser *p, const char **text, size_t *len, bool *escaped)
{
	size_t open = p->pos++;
	*escaped = false;
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->b[p->pos];
		if (c == '"') {
			*text = p->b + open + 1;
			*len = p->pos - open - 1;
			p->pos++;
			return 0;
		}
		if (c < 0x20) {
			fail_at(p, p->pos, "control character 0x%02x inside a string (escape it)", c);
			return -1;
		}
		if (c == '\\') {
			*escaped = true;
			if (p->pos + 1 >= p->len)
				break;
			char e = p->b[p->pos + 1];
			if (e != 'u') {
				if (!strchr("\"\\/bfnrt", e) || !e) {
					char cb[8];
					fail_at(p, p->pos, "invalid escape '\\' followed by %s", show_char(e, cb));
					return -1;
				}
				p->pos += 2;
				continue;
			}
			int cp = p->pos + 6 <= p->len ? hex4(p->b + p->pos + 2) : -1;
			if (cp < 0) {
				fail_at(p, p->pos, "\\u must be followed by 4 hex digits");
				return -1;
			}
			if (cp == 0) {
				fail_at(p, p->pos, "\\u0000 (NUL) inside a string is not supported");
				return -1;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				fail_at(p, p->pos, "unpaired low surrogate \\u%04x", (unsigned)cp);
				return -1;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				int lo = p->pos + 12 <= p->len && p->b[p->pos + 6] == '\\' &&
						 p->b[p->pos + 7] == 'u'
					 ? hex4(p->b + p->pos + 8) : -1;
				if (lo < 0xdc00 || lo > 0xdfff) {
					fail_at(p, p->pos, "high surrogate \\u%04x not followed by a low one",
						(unsigned)cp);
					return -1;
				}
				p->pos += 12;
			} else {
				p->pos += 6;
			}
			continue;
		}
		if (c >= 0x80) {
			size_t n = io_utf8_seq((const unsigned char *)p->b + p->pos, p->len - p->pos);
			if (!n) {
				fail_at(p, p->pos, "invalid UTF-8 (byte 0x%02x) inside a string", c);
				return -1;
			}
			p->pos += n;
			continue;
		}
		p->pos++;
	}
	fail_at(p, open, "unterminated string");
	return -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int scan_number(struct parser *p, struct json_node *n)
{
	size_t s = p->pos, i = p->pos;
	const char *b = p->b;
	if (i < p->len && b[i] == '-')
		i++;
	if (i >= p->len || !is_digit(b[i])) {
		fail_at(p, i, "expected a digit");
		return -1;
	}
	if (b[i] == '0' && i + 1 < p->len && is_digit(b[i + 1])) {
		fail_at(p, i, "leading zero in a number");
		return -1;
	}
	while (i < p->len && is_digit(b[i]))
		i++;
	if (i < p->len && b[i] == '.') {
		i++;
		if (i >= p->len || !is_digit(b[i])) {
			fail_at(p, i, "expected a digit after the decimal point");
			return -1;
		}
		while (i < p->len && is_digit(b[i]))
			i++;
	}
	if (i < p->len && (b[i] == 'e' || b[i] == 'E')) {
		i++;
		if (i < p->len && (b[i] == '+' || b[i] == '-'))
			i++;
		if (i >= p->len || !is_digit(b[i])) {
			fail_at(p, i, "expected a digit in the exponent");
			return -1;
		}
		while (i < p->len && is_digit(b[i]))
			i++;
	}
	char tmp[64];
	size_t n_len = i - s;
	if (n_len >= sizeof(tmp)) {
		fail_at(p, s, "number literal longer than %zu characters", sizeof(tmp) - 1);
		return -1;
	}
	memcpy(tmp, b + s, n_len);
	tmp[n_len] = '\0';
	/* strtod follows LC_NUMERIC; JSON always uses '.', so speak the locale's language. */
	const char *dp = localeconv()->decimal_point;
	if (dp && dp[0] && dp[0] != '.' && !dp[1]) {
		char *dot = strchr(tmp, '.');
		if (dot)
			*dot = dp[0];
	}
	n->num = strtod(tmp, NULL);
	n->text = b + s;
	n->text_len = n_len;
	p->pos = i;
	return 0;
}

/* Turns a validated escaped span back into the bytes it stands for. */
struct decoder {
	const char *s, *e;
	bool escaped;		/* false: plain bytes, a backslash is just a backslash */
	unsigned char buf[4];
	unsigned nbuf, ibuf;
};

static unsigned put_utf8(unsigned char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Next decoded byte, or -1 at the end.  The span was validated by scan_string. */
static int dec_next(struct decoder *d)
{
	if (d->ibuf < d->nbuf)
		return d->buf[d->ibuf++];
	if (d->s >= d->e)
		return -1;
	if (!d->escaped || *d->s != '\\')
		return (unsigned char)*d->s++;
	char c = d->s[1];
	d->s += 2;
	unsigned cp;
	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'u':
		cp = (unsigned)hex4(d->s);
		d->s += 4;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			unsigned lo = (unsigned)hex4(d->s + 2);
			d->s += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		d->nbuf = put_utf8(d->buf, cp);
		d->ibuf = 1;
		return d->buf[0];
	default:
		return (unsigned char)c;	/* '"', '\\', '/' */
	}
}

/* The escaped spans a and b decode to the same bytes. */
static bool span_eq(const char *a, size_t alen, bool aesc, const char *b, size_t blen, bool besc)
{
	if (!aesc && !besc)
		return alen == blen && !memcmp(a, b, alen);
	struct decoder da = { a, a + alen, aesc, {0}, 0, 0 }, db = { b, b + blen, besc, {0}, 0, 0 };
	for (;;) {
		int x = dec_next(&da), y = dec_next(&db);
		if (x != y)
			return false;
		if (x < 0)
			return true;
	}
}

static int parse_value(struct parser *p, unsigned depth);

static int parse_container(struct parser *p, unsigned depth, bool is_obj)
{
	int self = new_node(p, is_obj ? JSON_OBJECT : JSON_ARRAY);
	if (self < 0)
		return -1;
	char close = is_obj ? '}' : ']';
	if (depth >= JSON_MAX_DEPTH) {
		fail_at(p, p->pos, "nesting deeper than %d levels", JSON_MAX_DEPTH);
		return -1;
	}
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->b[p->pos] == close) {
		p->pos++;
		return self;
	}
	int last = -1;
	for (;;) {
		skip_ws(p);
		const char *key = NULL;
		size_t key_len = 0;
		unsigned key_line = 0, key_col = 0;
		bool key_esc = false;
		if (is_obj) {
			if (p->pos >= p->len || p->b[p->pos] != '"') {
				char cb[8];
				if (p->pos >= p->len)
					fail_at(p, p->pos, "unexpected end of input, expected a member name");
				else if (p->b[p->pos] == '}')
					fail_at(p, p->pos, "trailing comma before '}'");
				else
					fail_at(p, p->pos, "expected a member name in double quotes, found %s",
						show_char(p->b[p->pos], cb));
				return -1;
			}
			size_t kpos = p->pos;
			key_line = p->line;
			key_col = (unsigned)(kpos - p->line_start + 1);
			if (scan_string(p, &key, &key_len, &key_esc) < 0)
				return -1;
			for (int c = p->pool[self].first; c >= 0; c = p->pool[c].next)
				if (span_eq(p->pool[c].key, p->pool[c].key_len, p->pool[c].key_escaped,
					    key, key_len, key_esc)) {
					fail_at(p, kpos, "duplicate key \"%.*s\" (first at %u:%u)",
						(int)(key_len > 40 ? 40 : key_len), key, p->pool[c].key_line,
						p->pool[c].key_col);
					return -1;
				}
			skip_ws(p);
			if (p->pos >= p->len || p->b[p->pos] != ':') {
				fail_at(p, p->pos, "expected ':' after the member name");
				return -1;
			}
			p->pos++;
			skip_ws(p);
		} else if (p->pos < p->len && p->b[p->pos] == ']') {
			fail_at(p, p->pos, "trailing comma before ']'");
			return -1;
		}
		int child = parse_value(p, depth + 1);
		if (child < 0)
			return -1;
		p->pool[child].key_line = key_line;
		p->pool[child].key_col = key_col;
		p->pool[child].key = key;
		p->pool[child].key_len = key_len;
		p->pool[child].key_escaped = key_esc;
		if (last < 0)
			p->pool[self].first = child;
		else
			p->pool[last].next = child;
		last = child;
		p->pool[self].count++;
		skip_ws(p);
		if (p->pos < p->len && p->b[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->b[p->pos] == close) {
			p->pos++;
			return self;
		}
		if (p->pos >= p->len) {
			fail_at(p, p->pos, "unexpected end of input, expected ',' or '%c'", close);
		} else {
			char cb[8];
			fail_at(p, p->pos, "expected ',' or '%c', found %s", close,
				show_char(p->b[p->pos], cb));
		}
		return -1;
	}
}

static int parse_literal(struct parser *p, const char *word, enum json_type t)
{
	size_t n = strlen(word);
	if (p->len - p->pos < n || memcmp(p->b + p->pos, word, n)) {
		fail_at(p, p->pos, "invalid literal (expected %s)", word);
		return -1;
	}
	int self = new_node(p, t);
	if (self >= 0)
		p->pos += n;
	return self;
}

static int parse_value(struct parser *p, unsigned depth)
{
	skip_ws(p);
	if (p->pos >= p->len) {
		fail_at(p, p->pos, "unexpected end of input, expected a value");
		return -1;
	}
	char c = p->b[p->pos];
	int self;
	switch (c) {
	case '{':
		return parse_container(p, depth, true);
	case '[':
		return parse_container(p, depth, false);
	case '"': {
		self = new_node(p, JSON_STRING);
		if (self < 0)
			return -1;
		struct json_node *n = &p->pool[self];
		return scan_string(p, &n->text, &n->text_len, &n->text_escaped) < 0 ? -1 : self;
	}
	case 't':
		return parse_literal(p, "true", JSON_TRUE);
	case 'f':
		return parse_literal(p, "false", JSON_FALSE);
	case 'n':
		return parse_literal(p, "null", JSON_NULL);
	default:
		if (c == '-' || is_digit(c)) {
			self = new_node(p, JSON_NUMBER);
			if (self < 0)
				return -1;
			return scan_number(p, &p->pool[self]) < 0 ? -1 : self;
		}
		char cb[8];
		fail_at(p, p->pos, "unexpected %s, expected a value", show_char(c, cb));
		return -1;
	}
}

const struct json_node *json_parse(const char *buf, size_t len, struct json_node *pool,
				   size_t npool, struct json_error *err)
{
	struct json_error scratch;
	struct parser p = { .b = buf, .len = len, .line = 1, .pool = pool, .npool = npool,
			    .err = err ? err : &scratch };
	memset(p.err, 0, sizeof(*p.err));
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		p.pos = p.line_start = 3;
	if (parse_value(&p, 0) < 0)
		return NULL;
	skip_ws(&p);
	if (p.pos < p.len) {
		char cb[8];
		fail_at(&p, p.pos, "unexpected %s after the JSON value", show_char(p.b[p.pos], cb));
		return NULL;
	}
	return &pool[0];
}

const char *json_error_str(const struct json_error *err, char *out, size_t n)
{
	snprintf(out, n, "%u:%u: %s", err->line, err->col, err->msg);
	return out;
}

const struct json_node *json_child(const struct json_node *v)
{
	return v && v->first >= 0 ? &v->pool[v->first] : NULL;
}

const struct json_node *json_next(const struct json_node *v)
{
	return v && v->next >= 0 ? &v->pool[v->next] : NULL;
}

const struct json_node *json_at(const struct json_node *arr, size_t i)
{
	if (!json_is(arr, JSON_ARRAY))
		return NULL;
	const struct json_node *c = json_child(arr);
	while (c && i--)
		c = json_next(c);
	return c;
}

const struct json_node *json_get(const struct json_node *obj, const char *key)
{
	if (!json_is(obj, JSON_OBJECT))
		return NULL;
	size_t klen = strlen(key);
	for (const struct json_node *c = json_child(obj); c; c = json_next(c))
		if (span_eq(c->key, c->key_len, c->key_escaped, key, klen, false))
			return c;
	return NULL;
}

bool json_is(const struct json_node *v, enum json_type t)
{
	return v && v->type == t;
}

bool json_is_bool(const struct json_node *v)
{
	return v && (v->type == JSON_TRUE || v->type == JSON_FALSE);
}

bool json_bool(const struct json_node *v)
{
	return v && v->type == JSON_TRUE;
}

static long span_copy(const char *s, size_t len, bool esc, char *out, size_t n)
{
	struct decoder d = { s, s + len, esc, {0}, 0, 0 };
	size_t i = 0;
	int c;
	if (!n)
		return -1;
	while ((c = dec_next(&d)) >= 0) {
		if (i + 1 >= n) {
			out[i] = '\0';
			return -1;
		}
		out[i++] = (char)c;
	}
	out[i] = '\0';
	return (long)i;
}

long json_str_copy(const struct json_node *v, char *out, size_t n)
{
	if (!json_is(v, JSON_STRING)) {
		if (n)
			out[0] = '\0';
		return -1;
	}
	return span_copy(v->text, v->text_len, v->text_escaped, out, n);
}

long json_key_copy(const struct json_node *v, char *out, size_t n)
{
	if (!v || !v->key) {
		if (n)
			out[0] = '\0';
		return -1;
	}
	return span_copy(v->key, v->key_len, v->key_escaped, out, n);
}

bool json_str_eq(const struct json_node *v, const char *s)
{
	return json_is(v, JSON_STRING) &&
	       span_eq(v->text, v->text_len, v->text_escaped, s, strlen(s), false);
}

/* Integer literal -> sign and magnitude; -1 if it has a fraction or exponent or overflows. */
static int int_literal(const struct json_node *v, bool *neg, uint64_t *mag)
{
	if (!json_is(v, JSON_NUMBER))
		return -1;
	const char *s = v->text, *e = v->text + v->text_len;
	*neg = s < e && *s == '-';
	if (*neg)
		s++;
	uint64_t m = 0;
	for (; s < e; s++) {
		if (!is_digit(*s))
			return -1;
		unsigned d = (unsigned)(*s - '0');
		if (m > (UINT64_MAX - d) / 10)
			return -1;
		m = m * 10 + d;
	}
	*mag = m;
	return 0;
}

int json_int64(const struct json_node *v, int64_t *out)
{
	bool neg;
	uint64_t m;
	if (int_literal(v, &neg, &m) < 0)
		return -1;
	if (neg) {
		if (m > (uint64_t)INT64_MAX + 1)
			return -1;
		*out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
	} else {
		if (m > (uint64_t)INT64_MAX)
			return -1;
		*out = (int64_t)m;
	}
	return 0;
}

int json_uint64(const struct json_node *v, uint64_t *out)
{
	bool neg;
	uint64_t m;
	if (int_literal(v, &neg, &m) < 0 || (neg && m))
		return -1;
	*out = m;
	return 0;
}

void json_write_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c >= 0x80) {
			size_t k = io_utf8_seq(p + i, n - i);
			if (k) {
				fwrite(p + i, 1, k, f);
				i += k;
			} else {
				/* Keep the output valid JSON whatever the input bytes were. */
				fputs("\\ufffd", f);
				i++;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}
