/* SPDX-License-Identifier: MIT */
/*
 * A small strict JSON (RFC 8259) reader and a few writing helpers.
 *
 * Parsing allocates nothing: the caller supplies the node pool, and the
 * parsed tree points into the caller's buffer, which must outlive it.
 * Strings stay in their escaped source form; json_str_copy/json_str_eq
 * decode on demand.  Strict means: no comments, no trailing commas, no
 * leading zeros, no NaN/Infinity, no raw control characters or invalid
 * UTF-8 in strings, no unpaired surrogates, no duplicate keys in an object,
 * and nothing but white space after the value.
 */
#ifndef NVMX_IO_JSON_H
#define NVMX_IO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum json_type {
	JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT
};

struct json_node {
	enum json_type type;
	unsigned line, col;	/* where the value starts: 1-based line, byte column */
	const char *key;	/* member name as in the source (escaped), or NULL */
	size_t key_len;
	unsigned key_line, key_col;	/* where the member name starts */
	const char *text;	/* STRING: contents between the quotes; NUMBER: the literal */
	size_t text_len;
	bool key_escaped, text_escaped;	/* contains a backslash escape */
	double num;		/* NUMBER */
	size_t count;		/* ARRAY/OBJECT: number of children */
	int first, next;	/* pool indexes of first child / next sibling, -1 if none */
	const struct json_node *pool;	/* the pool this node lives in */
};

struct json_error {
	unsigned line, col;
	char msg[128];
};

/* Nesting deeper than this is refused (the parser recurses). */
#define JSON_MAX_DEPTH 64

/*
 * Parse buf[0..len) into pool[0..npool).  Returns the root (pool[0]) or NULL
 * with *err set (line and byte column of the offending character).  Every
 * value takes one node; running out of nodes is an error like any other.
 */
const struct json_node *json_parse(const char *buf, size_t len, struct json_node *pool,
				   size_t npool, struct json_error *err);

/* "line:col: msg" into out; returns out. */
const char *json_error_str(const struct json_error *err, char *out, size_t n);

/* Children: for (c = json_child(v); c; c = json_next(c)) */
const struct json_node *json_child(const struct json_node *v);
const struct json_node *json_next(const struct json_node *v);
/* Array element i, or NULL. */
const struct json_node *json_at(const struct json_node *arr, size_t i);

/* Object member by (unescaped) name; NULL if v is not an object or has no such key. */
const struct json_node *json_get(const struct json_node *obj, const char *key);

/* Type checks that also accept NULL, so lookups can be chained. */
bool json_is(const struct json_node *v, enum json_type t);
bool json_is_bool(const struct json_node *v);
bool json_bool(const struct json_node *v);	/* true only for JSON true */

/*
 * Decode a string value (or a member's key with json_key_copy) into out,
 * NUL-terminated.  Returns the decoded length, or -1 if v is not a string or
 * it does not fit (out is then left holding a truncated prefix).
 */
long json_str_copy(const struct json_node *v, char *out, size_t n);
long json_key_copy(const struct json_node *v, char *out, size_t n);
/* Decoded string equals s. */
bool json_str_eq(const struct json_node *v, const char *s);

/*
 * Exact integers from the number's literal (no rounding through double).
 * Return 0, or -1 if v is not a number, not an integer, or out of range.
 */
int json_int64(const struct json_node *v, int64_t *out);
int json_uint64(const struct json_node *v, uint64_t *out);

/* Writing: a JSON string literal with escapes (input is taken as UTF-8). */
void json_write_str(FILE *f, const char *s);

#endif
