/* SPDX-License-Identifier: MIT */
/*
 * VMX capability MSR identities and the plain value container every other
 * part of nvmx passes around.
 */
#ifndef NVMX_MSR_H
#define NVMX_MSR_H

#include <stdbool.h>
#include <stdint.h>

#define NVMX_MSR_BASE 0x480u

/* Position in the 0x480..0x493 block: index = NVMX_MSR_BASE + id. */
enum nvmx_msr_id {
	NVMX_BASIC,		/* 0x480 */
	NVMX_PINBASED,		/* 0x481 */
	NVMX_PROCBASED,		/* 0x482 */
	NVMX_EXIT,		/* 0x483 */
	NVMX_ENTRY,		/* 0x484 */
	NVMX_MISC,		/* 0x485 */
	NVMX_CR0_FIXED0,	/* 0x486 */
	NVMX_CR0_FIXED1,	/* 0x487 */
	NVMX_CR4_FIXED0,	/* 0x488 */
	NVMX_CR4_FIXED1,	/* 0x489 */
	NVMX_VMCS_ENUM,		/* 0x48a */
	NVMX_PROCBASED2,	/* 0x48b */
	NVMX_EPT_VPID_CAP,	/* 0x48c */
	NVMX_TRUE_PINBASED,	/* 0x48d */
	NVMX_TRUE_PROCBASED,	/* 0x48e */
	NVMX_TRUE_EXIT,		/* 0x48f */
	NVMX_TRUE_ENTRY,	/* 0x490 */
	NVMX_VMFUNC,		/* 0x491 */
	NVMX_PROCBASED3,	/* 0x492 */
	NVMX_EXIT2,		/* 0x493 */
	NVMX_MSR_COUNT
};

/* A set of VMX MSR values; `present` has bit `id` set for each value held. */
struct nvmx_msrs {
	uint64_t val[NVMX_MSR_COUNT];
	uint32_t present;
};

static inline uint32_t nvmx_msr_index(enum nvmx_msr_id id)
{
	return NVMX_MSR_BASE + (uint32_t)id;
}

static inline bool nvmx_msrs_has(const struct nvmx_msrs *m, enum nvmx_msr_id id)
{
	return (m->present >> id) & 1u;
}

static inline void nvmx_msrs_set(struct nvmx_msrs *m, enum nvmx_msr_id id, uint64_t v)
{
	m->val[id] = v;
	m->present |= 1u << id;
}

/* Absent MSRs read as 0, as the kernel's fault-tolerant rdmsr returns. */
static inline uint64_t nvmx_msrs_get(const struct nvmx_msrs *m, enum nvmx_msr_id id)
{
	return nvmx_msrs_has(m, id) ? m->val[id] : 0;
}

static inline uint32_t nvmx_lo(uint64_t v) { return (uint32_t)v; }
static inline uint32_t nvmx_hi(uint64_t v) { return (uint32_t)(v >> 32); }
static inline uint64_t nvmx_mk64(uint32_t lo, uint32_t hi)
{
	return (uint64_t)lo | ((uint64_t)hi << 32);
}

#endif
