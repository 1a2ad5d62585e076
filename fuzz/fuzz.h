/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the fuzz targets: reading typed values from the fuzzer's
 * bytes, and the invariant check that aborts with a message (libFuzzer then
 * saves the input that broke it).
 */
#ifndef NVMX_FUZZ_H
#define NVMX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the library: report where and what, then abort. */
#define FUZZ_CHECK(cond, ...)                                                        \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: invariant violated: %s\n  ", __FILE__, \
				__LINE__, #cond);                                    \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

/* The fuzzer's bytes as a stream; past the end every read yields zero. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fin_u8(struct fuzz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint16_t fin_u16(struct fuzz_in *in)
{
	uint16_t v = fin_u8(in);
	return (uint16_t)(v | (uint16_t)fin_u8(in) << 8);
}

static inline uint32_t fin_u32(struct fuzz_in *in)
{
	uint32_t v = fin_u16(in);
	return v | (uint32_t)fin_u16(in) << 16;
}

static inline uint64_t fin_u64(struct fuzz_in *in)
{
	uint64_t v = fin_u32(in);
	return v | (uint64_t)fin_u32(in) << 32;
}

static inline int fin_more(const struct fuzz_in *in)
{
	return in->n != 0;
}

/* An exact-size heap copy, so reading one byte past the input is a sanitizer report. */
static inline char *fuzz_dup(const uint8_t *data, size_t size)
{
	char *b = malloc(size ? size : 1);
	if (!b)
		abort();
	if (size)
		memcpy(b, data, size);
	return b;
}

/* A message a reader produced must be a proper string that starts with the label. */
static inline void fuzz_check_message(const char *msg, size_t cap, const char *label)
{
	FUZZ_CHECK(memchr(msg, '\0', cap) != NULL, "message not terminated");
	FUZZ_CHECK(msg[0] != '\0', "failure without a message");
	FUZZ_CHECK(!strncmp(msg, label, strlen(label)), "message does not name the input: %s", msg);
}

/*
 * A reader's failure (include/nvmx/error.h): a code other than NVMX_OK, one
 * line naming the input, and the line and column it names kept in the
 * struct: "LABEL:LINE:COL: ", "LABEL:LINE: " or "LABEL: ".
 */
static inline void fuzz_check_error(const struct nvmx_error *e, const char *label)
{
	char want[160];
	fuzz_check_message(e->msg, sizeof(e->msg), label);
	FUZZ_CHECK(e->code > NVMX_OK && e->code < NVMX_E_COUNT, "code %d: %s", e->code, e->msg);
	FUZZ_CHECK(!strchr(e->msg, '\n'), "a message of more than one line: %s", e->msg);
	FUZZ_CHECK(e->line || !e->column, "a column without a line: %s", e->msg);
	if (e->line && e->column)
		snprintf(want, sizeof(want), "%s:%u:%u: ", label, e->line, e->column);
	else if (e->line)
		snprintf(want, sizeof(want), "%s:%u: ", label, e->line);
	else
		snprintf(want, sizeof(want), "%s: ", label);
	FUZZ_CHECK(!strncmp(e->msg, want, strlen(want)), "line %u, column %u, but '%s'", e->line,
		   e->column, e->msg);
}

#endif
