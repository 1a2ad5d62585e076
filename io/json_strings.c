/* SPDX-License-Identifier: MIT */
/*
 * A JSON array of strings as an argument vector: one request of `nvmx
 * batch`, or of any program that passes command lines as JSON.  The strict
 * parser (json.h) stays inside io/; callers get the strings and one error.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "json.h"

int nvmx_json_strings(const char *path, unsigned line, const char *buf, size_t len, char **argv,
		      unsigned max, unsigned *argc, char *store, size_t cap, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	struct nvmx_diag *d = io_diag_begin(diag, &scratch);
	*argc = 0;
	argv[0] = NULL;
	/* One node per string and one for the array; a longer array fails as too many nodes. */
	struct json_node *pool = malloc(((size_t)max + 1) * sizeof(*pool));
	if (!pool) {
		io_fail(d, NVMX_E_NOMEM, path, line, "out of memory");
		return -1;
	}
	struct json_error err;
	int rc = -1;
	const struct json_node *root = json_parse(buf, len, pool, (size_t)max + 1, &err);
	if (!root) {
		io_fail_col(d, NVMX_E_SYNTAX, path, line, err.col,
			    "%s (a request is a JSON array of strings)", err.msg);
		goto out;
	}
	if (!json_is(root, JSON_ARRAY) || root->count == 0) {
		io_fail(d, NVMX_E_VALUE, path, line,
			"a request is a non-empty JSON array of strings: [\"COMMAND\", \"ARG\", ...]");
		goto out;
	}
	size_t used = 0;
	for (const struct json_node *a = json_child(root); a; a = json_next(a)) {
		if (!json_is(a, JSON_STRING)) {
			io_fail(d, NVMX_E_VALUE, path, line,
				"every element of a request must be a string");
			goto out;
		}
		long n = used < cap ? json_str_copy(a, store + used, cap - used) : -1;
		if (n < 0) {
			io_fail(d, NVMX_E_LIMIT, path, line,
				"the request's arguments exceed %zu bytes", cap);
			goto out;
		}
		/* The parser refuses \u0000 in a string; this guards the C strings anyway. */
		if (strlen(store + used) != (size_t)n) {
			io_fail(d, NVMX_E_VALUE, path, line, "an argument contains a NUL character");
			goto out;
		}
		argv[(*argc)++] = store + used;
		used += (size_t)n + 1;
	}
	argv[*argc] = NULL;
	rc = 0;
out:
	if (rc)
		*argc = 0, argv[0] = NULL;
	free(pool);
	return rc;
}
