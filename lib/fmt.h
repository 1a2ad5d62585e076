/* SPDX-License-Identifier: MIT */
/* Bounded string building for the core's messages (no stdio in the core). */
#ifndef NVMX_FMT_H
#define NVMX_FMT_H

#include <stddef.h>
#include <stdint.h>
#include "nvmx/error.h"

struct fmt {
	char *buf;
	size_t size, len;	/* len counts what would have been written */
};

static inline struct fmt fmt_init(char *buf, size_t size)
{
	struct fmt f = { buf, size, 0 };
	if (size)
		buf[0] = 0;
	return f;
}

void fmt_str(struct fmt *f, const char *s);
void fmt_hex(struct fmt *f, uint64_t v);		/* 0x1f */
void fmt_uint(struct fmt *f, uint64_t v);
/* ", "-separated names of the set bits of a control word or MSR. */
void fmt_bits(struct fmt *f, int msr_id, uint64_t bits, int word_shift);

/* Clear e, set its code and write its message through the returned fmt (e may be NULL). */
struct fmt err_begin(struct nvmx_error *e, int code);

#endif
