/* SPDX-License-Identifier: MIT */
/* Minimal TAP producer for the C tests; prove reads the output. */
#ifndef NVMX_TAP_H
#define NVMX_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

#define tap_eq64(got, want, ...)                                                     \
	do {                                                                         \
		uint64_t g_ = (got), w_ = (want);                                    \
		if (!tap_ok(g_ == w_, __VA_ARGS__))                                  \
			printf("#   got 0x%016" PRIx64 ", want 0x%016" PRIx64 "\n", g_, w_); \
	} while (0)

static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
