/* SPDX-License-Identifier: MIT */
/*
 * SDM-consistency checks over one set of capability MSRs (SDM Vol. 3
 * App. A): whether the values agree with each other and with the SDM's rules
 * for how they are enumerated -- nothing about what KVM would do with them.
 * Findings are data (kind, MSRs, bit); `nvmx decode` words them.
 */
#ifndef NVMX_SDM_CHECK_H
#define NVMX_SDM_CHECK_H

#include "catalog.h"

enum nvmx_sdm_kind {
	/* per bit of `word` (bit): */
	NVMX_SDM_MUST1_NOT_ALLOWED1,	/* msr: allowed-0 bit set, allowed-1 bit clear */
	NVMX_SDM_DEFAULT1_NOT_MUST1,	/* msr (non-TRUE): a default1 control not must-be-1 */
	NVMX_SDM_PAIR_ALLOWS,		/* msr allows it to be 1, other does not */
	NVMX_SDM_PAIR_REQUIRES,		/* msr (TRUE) requires it to be 1, other does not */
	NVMX_SDM_PAIR_REQUIRES_NONDEF1,	/* msr (non-TRUE) requires it, other (TRUE) does not,
					 * and it is not a default1 control */
	NVMX_SDM_CR_FIXED,		/* msr (FIXED0) requires the CR bit, other (FIXED1) forbids */
	/* TRUE MSR msr against BASIC bit 55: */
	NVMX_SDM_TRUE_WITHOUT_BASIC55,	/* present, bit 55 clear */
	NVMX_SDM_TRUE_ABSENT,		/* absent, bit 55 set */
	/* msr enumerated by controls `bits` of `word` (other: the MSR read for them): */
	NVMX_SDM_ENUM_NOT_ALLOWED,	/* msr present, other does not allow the controls */
	NVMX_SDM_ENUM_WORD_ABSENT,	/* msr present, other (enumerating it) absent */
	NVMX_SDM_ENUM_ABSENT,		/* other allows the controls, msr absent */
	/* fields, with `value`: */
	NVMX_SDM_BASIC_SIZE,		/* VMCS region size outside 1..4096 */
	NVMX_SDM_BASIC_MEMTYPE,		/* memory type neither 0 nor 6 */
	NVMX_SDM_BASIC_BIT31,		/* bit 31 set */
	NVMX_SDM_BASIC_RESERVED,	/* bits 47:45 set */
	NVMX_SDM_VMCS_ENUM_RESERVED,	/* bits outside 9:1 set */
};

struct nvmx_sdm_finding {
	enum nvmx_sdm_kind kind;
	enum nvmx_msr_id msr, other;
	enum nvmx_word word;
	unsigned bit;			/* per-bit kinds */
	uint32_t bits;			/* enumeration kinds: the enumerating controls */
	uint64_t value;			/* field kinds */
};

/*
 * Check m; up to max findings into out, in a fixed order (BASIC, control
 * MSRs, TRUE pairs, TRUE presence, enumerated MSRs, VMCS_ENUM, CR0, CR4).
 * Returns how many were found (more than max: the rest are not stored).
 */
unsigned nvmx_sdm_check(const struct nvmx_msrs *m, struct nvmx_sdm_finding *out, unsigned max);

#endif
