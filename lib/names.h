/* SPDX-License-Identifier: MIT */
/* Name matching inside the core (not API: callers have <strings.h>). */
#ifndef NVMX_NAMES_H
#define NVMX_NAMES_H

#include <stdbool.h>

/* ASCII case-insensitive string equality (the core has no <strings.h>). */
bool nvmx_name_eq(const char *a, const char *b);

#endif
