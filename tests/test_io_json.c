/* SPDX-License-Identifier: MIT */
/*
 * The JSON reader against RFC 8259: what it must accept, what it must refuse
 * and where it says the problem is; the accessors; and JSON host files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/io.h"
#include "../io/json.h"
#include "tap.h"

static struct json_node pool[256];

static const struct json_node *parse(const char *s, struct json_error *e)
{
	return json_parse(s, strlen(s), pool, sizeof(pool) / sizeof(pool[0]), e);
}

static void test_accept(void)
{
	struct json_error e;
	const struct json_node *r = parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\"],\n"
					  "  \"b\": {\"c\": {}}, \"d\": [], \"e\": 0, \"f\": -0.0} ", &e);
	if (!tap_ok(r != NULL, "a document with every kind of value"))
		tap_diag("%u:%u: %s", e.line, e.col, e.msg);
	const struct json_node *a = json_get(r, "a");
	tap_ok(json_is(a, JSON_ARRAY) && a->count == 6, "array with 6 elements");
	tap_ok(json_at(a, 1)->num == -2500.0, "-2.5e3 == -2500");
	tap_ok(json_is(json_at(a, 2), JSON_TRUE) && json_bool(json_at(a, 2)), "true");
	tap_ok(json_is_bool(json_at(a, 3)) && !json_bool(json_at(a, 3)), "false");
	tap_ok(json_is(json_at(a, 4), JSON_NULL), "null");
	tap_ok(json_str_eq(json_at(a, 5), "x"), "string element");
	tap_ok(json_at(a, 6) == NULL, "past the end is NULL");
	tap_ok(json_is(json_get(json_get(json_get(r, "b"), "c"), "zz"), JSON_OBJECT) == false,
	       "chained lookups through a missing key are safe");
	tap_ok(json_get(r, "b")->line == 2 && json_get(r, "b")->col == 8,
	       "node position line 2 col 8 (%u:%u)", json_get(r, "b")->line, json_get(r, "b")->col);
	tap_ok(json_get(a, "x") == NULL && json_get(NULL, "x") == NULL, "json_get on non-objects");
	unsigned n = 0;
	for (const struct json_node *c = json_child(r); c; c = json_next(c))
		n++;
	tap_ok(n == 5 && r->count == 5, "iterating members");

	r = parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20ac\\ud83d\\ude00\"", &e);
	char buf[64];
	long len = json_str_copy(r, buf, sizeof(buf));
	tap_ok(len == 21 && !memcmp(buf, "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 21),
	       "escapes decode to UTF-8 (len %ld)", len);
	tap_ok(json_str_eq(r, "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	       "json_str_eq decodes too");
	tap_ok(json_str_copy(r, buf, 5) == -1 && !strcmp(buf, "a\"b\\"), "too small: -1, prefix kept");

	r = parse("{\"k\\u0065y\": 1}", &e);
	tap_ok(json_get(r, "key") != NULL, "escaped key found by its decoded name");
	tap_ok(json_key_copy(json_child(r), buf, sizeof(buf)) == 3 && !strcmp(buf, "key"),
	       "json_key_copy");

	r = parse("[9223372036854775807, -9223372036854775808, 18446744073709551615, "
		  "18446744073709551616, 1.0, 1e2, -1]", &e);
	int64_t i64;
	uint64_t u64;
	tap_ok(json_int64(json_at(r, 0), &i64) == 0 && i64 == INT64_MAX, "INT64_MAX exact");
	tap_ok(json_int64(json_at(r, 1), &i64) == 0 && i64 == INT64_MIN, "INT64_MIN exact");
	tap_ok(json_uint64(json_at(r, 2), &u64) == 0 && u64 == UINT64_MAX, "UINT64_MAX exact");
	tap_ok(json_uint64(json_at(r, 3), &u64) < 0, "2^64 overflows");
	tap_ok(json_int64(json_at(r, 2), &i64) < 0, "UINT64_MAX is not an int64");
	tap_ok(json_int64(json_at(r, 4), &i64) < 0 && json_int64(json_at(r, 5), &i64) < 0,
	       "1.0 and 1e2 are not integer literals");
	tap_ok(json_uint64(json_at(r, 6), &u64) < 0 && json_int64(json_at(r, 6), &i64) == 0 &&
	       i64 == -1, "-1: int64 yes, uint64 no");

	char big[8 * 70 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(big, "[");
	for (int i = 0; i < 64; i++)
		strcat(big, "]");
	tap_ok(parse(big, &e) != NULL, "64 levels of nesting");
	tap_ok(parse("\xef\xbb\xbf{}", &e) != NULL, "a leading byte-order mark is skipped");
}

struct bad {
	const char *text;
	unsigned line, col;
	const char *msg;
};

static void test_reject(void)
{
	static const struct bad cases[] = {
		{ "", 1, 1, "unexpected end of input" },
		{ "{\"a\":1,}", 1, 8, "trailing comma" },
		{ "[1,2,]", 1, 6, "trailing comma" },
		{ "{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}'" },
		{ "{\"a\" 1}", 1, 6, "expected ':'" },
		{ "{a:1}", 1, 2, "member name in double quotes" },
		{ "{\"a\":1,\n \"a\":2}", 2, 2, "duplicate key \"a\" (first at 1:2)" },
		{ "01", 1, 1, "leading zero" },
		{ "-", 1, 2, "expected a digit" },
		{ "1.", 1, 3, "after the decimal point" },
		{ "1e+", 1, 4, "exponent" },
		{ "+1", 1, 1, "unexpected '+'" },
		{ "NaN", 1, 1, "unexpected 'N'" },
		{ "tru", 1, 1, "invalid literal" },
		{ "nul", 1, 1, "invalid literal" },
		{ "\"abc", 1, 1, "unterminated string" },
		{ "[\n  \"a\tb\"]", 2, 5, "control character 0x09" },
		{ "\"\\x\"", 1, 2, "invalid escape" },
		{ "\"\\u12\"", 1, 2, "4 hex digits" },
		{ "\"\\ud800x\"", 1, 2, "high surrogate" },
		{ "\"\\udc00\"", 1, 2, "unpaired low surrogate" },
		{ "\"\\u0000\"", 1, 2, "\\u0000" },
		{ "\"\xff\"", 1, 2, "invalid UTF-8" },
		{ "\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8" },
		{ "{} {}", 1, 4, "after the JSON value" },
		{ "[1] x", 1, 5, "after the JSON value" },
		{ "// c\n{}", 1, 1, "unexpected '/'" },
		{ "[\n\n   ]]", 3, 5, "after the JSON value" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_error e;
		const struct bad *c = &cases[i];
		const struct json_node *r = parse(c->text, &e);
		bool ok = !r && e.line == c->line && e.col == c->col && strstr(e.msg, c->msg);
		if (!tap_ok(ok, "rejects case %zu at %u:%u (%s)", i, c->line, c->col, c->msg))
			tap_diag("got %s %u:%u: %s", r ? "success" : "error", e.line, e.col, e.msg);
	}
	char deep[200] = "";
	for (int i = 0; i < 65; i++)
		strcat(deep, "[");
	struct json_error e;
	tap_ok(!parse(deep, &e) && strstr(e.msg, "nesting deeper than 64"), "65 levels: %s", e.msg);
	struct json_node small[3];
	tap_ok(!json_parse("[1,2,3]", 7, small, 3, &e) && strstr(e.msg, "node pool holds 3"),
	       "pool exhaustion is an error: %s", e.msg);
	tap_ok(json_parse("[1,2]", 5, small, 3, &e) != NULL, "exactly enough nodes");
	char msg[200];
	tap_ok(!parse("[1,", &e) && !strcmp(json_error_str(&e, msg, sizeof(msg)),
					     "1:4: unexpected end of input, expected a value"),
	       "json_error_str: %s", msg);
}

static void test_write_str(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_write_str(f, "q\"b\\n\n\x01\xc3\xa9\xff");
	fclose(f);
	tap_ok(!strcmp(buf, "\"q\\\"b\\\\n\\n\\u0001\xc3\xa9\\ufffd\""), "json_write_str: %s", buf);
	struct json_error e;
	const struct json_node *r = json_parse(buf, len, pool, 4, &e);
	tap_ok(json_str_eq(r, "q\"b\\n\n\x01\xc3\xa9\xef\xbf\xbd"),
	       "written string reads back (invalid byte became U+FFFD)");
	free(buf);
}

struct bad_host {
	const char *what, *text, *msg;
};

static void test_json_hosts(void)
{
	struct nvmx_hostfile h;
	struct nvmx_diag d;
	const char *good = "{\"name\":\"N\",\"vendor\":\"GenuineIntel\",\"family\":6,\"model\":94,"
			   "\"stepping\":3,\"cpuid.features\":\"vmx ept smap\",\"hyperv_evmcs\":true,"
			   "\"report\":{\"ignored\":[1,2]},"
			   "\"msrs\":{\"IA32_VMX_BASIC\":\"0x00da040000000004\",\"0x48b\":\"0x1\","
			   "\"IA32_VMX_VMFUNC\":null}}";
	int rc = nvmx_hostfile_parse_json("h.json", good, strlen(good), &h, &d);
	if (!tap_ok(rc == 0, "a JSON host with every field"))
		tap_diag("%s", d.error.msg);
	tap_eq64(h.host.msrs.val[NVMX_BASIC], 0x00da040000000004, "BASIC from JSON");
	tap_eq64(h.host.msrs.val[NVMX_PROCBASED2], 1, "hex-index key in JSON");
	tap_ok(!nvmx_msrs_has(&h.host.msrs, NVMX_VMFUNC), "null means absent");
	tap_ok(h.has_identity && h.host.model == 94 && h.host.hyperv_evmcs && !strcmp(h.name, "N"),
	       "identity, name, hyperv_evmcs");
	tap_ok(h.host.features == (NVMX_FEAT(NVMX_F_VMX) | NVMX_FEAT(NVMX_F_SMAP)),
	       "features from cpuid.features (ept is not a CPUID feature the model reads)");

	const char *wrapped = "{\"host\":{\"msrs\":{\"IA32_VMX_BASIC\":\"0x1\"}}}";
	rc = nvmx_hostfile_parse_json("dir/w.json", wrapped, strlen(wrapped), &h, &d);
	tap_ok(rc == 0 && h.host.msrs.present == 1 && !strcmp(h.name, "w.json"),
	       "a host nested under \"host\" is found; name from the file");

	static const struct bad_host cases[] = {
		{ "syntax error", "{\"msrs\":{}\n,}", "h.json:2:2: trailing comma" },
		{ "not an object", "[1]", "h.json:1:1: a host must be a JSON object" },
		{ "no msrs", "{\"name\":\"x\"}", "no \"msrs\" object" },
		{ "empty msrs", "{\"msrs\":{}}", "h.json:1:9: \"msrs\" holds no VMX MSR values" },
		{ "msrs not object", "{\"msrs\":[]}", "h.json:1:9: \"msrs\" must be an object" },
		{ "unknown MSR", "{\"msrs\":{\"IA32_VMX_FOO\":\"0x1\"}}",
		  "h.json:1:25: unknown MSR \"IA32_VMX_FOO\"" },
		{ "number value", "{\"msrs\":{\"IA32_VMX_BASIC\":1}}",
		  "h.json:1:27: IA32_VMX_BASIC value: must be a hex string" },
		{ "wide value", "{\"msrs\":{\"IA32_VMX_BASIC\":\"0x10000000000000000\"}}",
		  "IA32_VMX_BASIC value: wider than 64 bits" },
		{ "non-hex value", "{\"msrs\":{\"IA32_VMX_BASIC\":\"0xfg\"}}",
		  "IA32_VMX_BASIC value: not a hex number" },
		{ "name and index twice", "{\"msrs\":{\"IA32_VMX_BASIC\":\"0x1\",\"0x480\":\"0x1\"}}",
		  "h.json:1:41: duplicate MSR \"0x480\": IA32_VMX_BASIC already given at 1:27" },
		{ "family as string", "{\"family\":\"6\",\"msrs\":{\"0x480\":\"0x1\"}}",
		  "h.json:1:11: \"family\" must be a non-negative integer" },
		{ "family fraction", "{\"family\":6.5,\"msrs\":{\"0x480\":\"0x1\"}}",
		  "\"family\" must be a non-negative integer" },
		{ "model out of range", "{\"model\":256,\"msrs\":{\"0x480\":\"0x1\"}}",
		  "\"model\" 256 is out of range" },
		{ "evmcs not bool", "{\"hyperv_evmcs\":1,\"msrs\":{\"0x480\":\"0x1\"}}",
		  "\"hyperv_evmcs\" must be true or false" },
		{ "vendor too long", "{\"vendor\":\"GenuineIntelGenuineIntel\",\"msrs\":{\"0x480\":\"0x1\"}}",
		  "\"vendor\" is too long" },
		{ "control char in name", "{\"name\":\"a\\nb\",\"msrs\":{\"0x480\":\"0x1\"}}",
		  "\"name\" contains a control character" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = nvmx_hostfile_parse_json("h.json", cases[i].text, strlen(cases[i].text), &h, &d);
		if (!tap_ok(rc < 0 && strstr(d.error.msg, cases[i].msg), "JSON host: rejects %s",
			    cases[i].what))
			tap_diag("rc %d, error '%s'", rc, d.error.msg);
	}
}

/* nvmx_json_strings: what nvmx batch reads a request with. */
static void test_json_strings(void)
{
	char *argv[4], store[16];
	unsigned argc = 99;
	struct nvmx_diag d;
	const char *ok = "[\"ab\", \"\\u00e9\\n\", \"\"]";
	int rc = nvmx_json_strings("in", 3, ok, strlen(ok), argv, 3, &argc, store, sizeof(store), &d);
	tap_ok(rc == 0 && argc == 3 && !strcmp(argv[0], "ab") && !strcmp(argv[1], "\xc3\xa9\n") &&
	       !strcmp(argv[2], "") && argv[3] == NULL,
	       "strings decoded into argv, NULL after the last (rc %d, argc %u)", rc, argc);
	static const struct {
		const char *text;
		int code;
		unsigned column;
		const char *msg;
	} bad[] = {
		{ "[\"ab\"", NVMX_E_SYNTAX, 6, "in:3:6: " },
		{ "{\"a\":\"b\"}", NVMX_E_VALUE, 0, "in:3: a request is a non-empty JSON array" },
		{ "[]", NVMX_E_VALUE, 0, "in:3: a request is a non-empty JSON array" },
		{ "[\"a\", 1]", NVMX_E_VALUE, 0, "in:3: every element of a request must be a string" },
		{ "[\"a\",\"b\",\"c\",\"d\"]", NVMX_E_SYNTAX, 14, "in:3:14: too many values" },
		{ "[\"0123456789\",\"abcdef\"]", NVMX_E_LIMIT, 0, "in:3: the request's arguments exceed 16 bytes" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = nvmx_json_strings("in", 3, bad[i].text, strlen(bad[i].text), argv, 3, &argc, store,
				       sizeof(store), &d);
		if (!tap_ok(rc == -1 && argc == 0 && argv[0] == NULL && d.error.code == bad[i].code &&
			    d.error.line == 3 && d.error.column == bad[i].column &&
			    !strncmp(d.error.msg, bad[i].msg, strlen(bad[i].msg)),
			    "json strings: %s refused (%s)", bad[i].text, nvmx_errc_name(bad[i].code)))
			tap_diag("rc %d argc %u code %d column %u '%s'", rc, argc, d.error.code,
				 d.error.column, d.error.msg);
	}
}

int main(void)
{
	test_accept();
	test_reject();
	test_write_str();
	test_json_hosts();
	test_json_strings();
	return tap_done();
}
