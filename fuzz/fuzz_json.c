/* SPDX-License-Identifier: MIT */
/*
 * The JSON host reader, and the strict JSON parser under it, on arbitrary
 * bytes.  Invariants: no crash or sanitizer report; refusals carry a message
 * naming the input; every string of a parsed document decodes within its
 * buffer; an accepted host writes back (JSON and text) to the same host.
 */
#include "json.h"
#include "nvmx/io.h"
#include "fuzz.h"
#include "roundtrip.h"

#define POOL 4096

static void walk(const struct json_node *v, unsigned depth)
{
	static char s[1024];
	FUZZ_CHECK(depth <= JSON_MAX_DEPTH + 1, "depth %u past the limit", depth);
	if (v->key) {
		long n = json_key_copy(v, s, sizeof(s));
		FUZZ_CHECK(n < (long)sizeof(s) && memchr(s, '\0', sizeof(s)), "key copy overran");
	}
	switch (v->type) {
	case JSON_STRING: {
		long n = json_str_copy(v, s, sizeof(s));
		FUZZ_CHECK(n < (long)sizeof(s) && memchr(s, '\0', sizeof(s)), "string copy overran");
		if (n >= 0)
			FUZZ_CHECK((size_t)n == strlen(s) || memchr(s, '\0', (size_t)n),
				   "decoded length %ld disagrees", n);
		break;
	}
	case JSON_NUMBER: {
		int64_t i;
		uint64_t u;
		int ri = json_int64(v, &i), ru = json_uint64(v, &u);
		if (!ri && !ru && i >= 0)
			FUZZ_CHECK((uint64_t)i == u, "int64 %lld and uint64 %llu differ", (long long)i,
				   (unsigned long long)u);
		break;
	}
	case JSON_ARRAY:
	case JSON_OBJECT: {
		size_t count = 0;
		for (const struct json_node *c = json_child(v); c; c = json_next(c)) {
			walk(c, depth + 1);
			count++;
		}
		FUZZ_CHECK(count == v->count, "child count %zu, node says %zu", count, v->count);
		break;
	}
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nvmx_hostfile h;
	static struct nvmx_diag d;
	static struct json_node pool[POOL];
	char *buf = fuzz_dup(data, size);

	struct json_error err;
	const struct json_node *root = json_parse(buf, size, pool, POOL, &err);
	if (root) {
		walk(root, 0);
	} else {
		char msg[200];
		json_error_str(&err, msg, sizeof(msg));
		FUZZ_CHECK(err.msg[0] && memchr(err.msg, '\0', sizeof(err.msg)), "parse error without text");
		FUZZ_CHECK(err.line >= 1 && err.col >= 1, "error position %u:%u", err.line, err.col);
	}

	int rc = nvmx_hostfile_parse_json("fuzz.json", buf, size, &h, &d);
	if (rc < 0) {
		fuzz_check_error(&d.error, "fuzz.json");
	} else {
		FUZZ_CHECK(rc == 0, "rc %d", rc);
		FUZZ_CHECK(root != NULL || size / 2 + 2 > POOL,
			   "host reader accepted what the parser refused");
		FUZZ_CHECK(h.host.msrs.present != 0, "accepted without any MSR");
		FUZZ_CHECK(!(h.host.msrs.present >> NVMX_MSR_COUNT), "present bits past the block");
		if (fuzz_plain_host(&h)) {
			fuzz_roundtrip(&h, nvmx_hostfile_write_json, nvmx_hostfile_parse_json, "json");
			fuzz_roundtrip(&h, nvmx_hostfile_write_text, nvmx_hostfile_parse_text, "text");
		}
	}
	free(buf);
	return 0;
}
