/* SPDX-License-Identifier: MIT */
/*
 * The catalogue's tables, shared between lib/catalog*.c only.  Each word and
 * each field-layout MSR has its own array, sorted by bit, so that
 * nvmx_word_fields()/nvmx_msr_fields() can hand out a slice without copying.
 */
#ifndef NVMX_CATALOG_TABLES_H
#define NVMX_CATALOG_TABLES_H

#include "nvmx/catalog.h"

struct catalog_slice {
	const struct nvmx_field *f;
	size_t n;
};

/* Control words and CR bit names, indexed by enum nvmx_word. */
extern const struct catalog_slice catalog_words[NVMX_WORD_COUNT];

/* Field-layout MSRs: BASIC, MISC, VMCS_ENUM, EPT_VPID_CAP, VMFUNC. */
extern const struct catalog_slice catalog_basic, catalog_misc, catalog_vmcs_enum,
	catalog_ept_vpid, catalog_vmfunc;

#define CATALOG_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
