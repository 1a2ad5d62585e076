/* SPDX-License-Identifier: MIT */
/*
 * The catalogue: the single source of truth for every VMX capability MSR and
 * every control bit or field inside it (SDM name, Linux macro, QEMU property,
 * description).  Decode, diff, explain, restore reasons and the exporters all
 * name things through these tables and nowhere else.
 */
#ifndef NVMX_CATALOG_H
#define NVMX_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include "msr.h"

/* How an MSR's 64 bits are laid out. */
enum nvmx_layout {
	NVMX_LAYOUT_CONTROLS,	/* lo = allowed-0 (must be 1), hi = allowed-1 */
	NVMX_LAYOUT_CONTROLS64,	/* 64-bit allowed-1 mask (tertiary, exit2) */
	NVMX_LAYOUT_FIELDS,	/* bit fields (BASIC, MISC, EPT_VPID_CAP, VMFUNC) */
	NVMX_LAYOUT_CR_FIXED,	/* CR0/CR4 bits: fixed0 must be 1, fixed1 may be 1 */
	NVMX_LAYOUT_VMCS_ENUM,	/* highest VMCS field index in bits 9:1 */
};

/* Control words shared by a TRUE MSR and its non-TRUE twin. */
enum nvmx_word {
	NVMX_WORD_NONE = -1,
	NVMX_WORD_PIN,
	NVMX_WORD_PROC,
	NVMX_WORD_PROC2,
	NVMX_WORD_PROC3,
	NVMX_WORD_EXIT,
	NVMX_WORD_ENTRY,
	NVMX_WORD_EXIT2,
	NVMX_WORD_CR0,		/* CR0 bit names, for CR0_FIXED0/1 */
	NVMX_WORD_CR4,		/* CR4 bit names, for CR4_FIXED0/1 */
	NVMX_WORD_COUNT
};

struct nvmx_msr_desc {
	enum nvmx_msr_id id;
	uint32_t index;
	const char *sdm;	/* "IA32_VMX_PROCBASED_CTLS2" */
	const char *linux_name;	/* "MSR_IA32_VMX_PROCBASED_CTLS2" */
	const char *desc;	/* one line */
	enum nvmx_layout layout;
	enum nvmx_word word;	/* control word or CR bit names, else NONE */
	enum nvmx_msr_id twin;	/* TRUE <-> non-TRUE control MSR, else itself */
};

/*
 * One named bit or multi-bit field.  For control MSRs `lsb` is the control's
 * bit number within its 32-bit word (allowed-0 at lsb, allowed-1 at lsb+32);
 * for field MSRs it is the position within the 64-bit value.
 */
/* How a field's value reads (decode and diff print it this way). */
enum nvmx_field_fmt {
	NVMX_FMT_FLAG,		/* one bit: yes / no (controls: their allowed settings) */
	NVMX_FMT_NUMBER,	/* a count or size, in `unit` */
	NVMX_FMT_ID,		/* an identifier, printed in hex */
	NVMX_FMT_MEMTYPE,	/* a memory type number (0 UC, 6 WB) */
	NVMX_FMT_TSC_SHIFT,	/* timer ticks once every 2^N TSC cycles */
	NVMX_FMT_MSR_LIST,	/* N encodes a list limit of 512 * (N + 1) entries */
};

struct nvmx_field {
	enum nvmx_msr_id msr;	/* for control words: the TRUE MSR (or 0x48B/0x492) */
	enum nvmx_word word;
	uint8_t lsb;
	uint8_t width;		/* 1 for flags */
	const char *sdm;	/* SDM wording, short */
	const char *linux_name;	/* kernel macro, or NULL */
	const char *qemu;	/* QEMU property ("vmx-ept"), or NULL */
	const char *desc;	/* one line */
	const char *unit;	/* for multi-bit fields: how to print the value, or NULL */
	/* Extensions (appended; the members above keep their meaning). */
	enum nvmx_field_fmt fmt;
	bool reserved;		/* a reserved bit listed only so decode can show it
				 * (default1 controls, BASIC[31]); nvmx_field_at
				 * and the lookups skip these */
};

const struct nvmx_msr_desc *nvmx_msr_desc(enum nvmx_msr_id id);
/* By SDM name (case-insensitive), Linux name, or hex index "0x48b". */
const struct nvmx_msr_desc *nvmx_msr_lookup(const char *name);
const struct nvmx_msr_desc *nvmx_msr_by_index(uint32_t index);

/*
 * The named field covering bit `bit` (0..63) of MSR `id`'s 64-bit value; for
 * control MSRs both halves map to the same control.  NULL if unnamed/reserved.
 */
const struct nvmx_field *nvmx_field_at(enum nvmx_msr_id id, unsigned bit);

/*
 * The bits of MSR `id` the catalogue names (reserved bits are never
 * unknown to a reader that cannot see them); for a control MSR,
 * nvmx_catalog_controls() gives the controls of its allowed-1 half as a
 * 32-bit mask (a control named in either half).
 */
uint64_t nvmx_catalog_bits(enum nvmx_msr_id id);
uint32_t nvmx_catalog_controls(enum nvmx_msr_id id);

/* Every field of a word or field-MSR, in bit order. */
const struct nvmx_field *nvmx_word_fields(enum nvmx_word w, size_t *count);
const struct nvmx_field *nvmx_msr_fields(enum nvmx_msr_id id, size_t *count);

/* By Linux macro, QEMU property or SDM wording (case-insensitive). */
const struct nvmx_field *nvmx_field_lookup(const char *name);

/* ---- Extensions ------------------------------------------------------- */

/*
 * Like nvmx_field_lookup, but only among the fields of MSR `id` (for a
 * control MSR: its word, shared with the twin).  SDM wordings repeat across
 * words ("Load IA32_PAT" is both an exit and an entry control); this picks one.
 */
const struct nvmx_field *nvmx_field_lookup_in(enum nvmx_msr_id id, const char *name);

/* Every field of the catalogue, reserved entries included: 0..count-1. */
size_t nvmx_field_count(void);
const struct nvmx_field *nvmx_field_index(size_t i);

/*
 * Mask of a field's bits: within the 32-bit word for NVMX_LAYOUT_CONTROLS
 * words, within the 64-bit value for every other layout.
 */
uint64_t nvmx_field_mask(const struct nvmx_field *f);
/* The field's raw value taken from a field-layout MSR value (shifted down). */
uint64_t nvmx_field_get(const struct nvmx_field *f, uint64_t msr_value);
/* The raw value in the field's unit: 512 * (N + 1) for the MSR-list limit. */
uint64_t nvmx_field_scaled(const struct nvmx_field *f, uint64_t raw);

/* "UC" / "WB" ... for VMCS and EPT memory types, or NULL when reserved. */
const char *nvmx_memtype_name(unsigned type);

/* "pin-based", "primary processor-based", ... ; NULL when out of range. */
const char *nvmx_word_name(enum nvmx_word w);
/*
 * The non-TRUE MSR that carries word w (0x481..0x484, 0x48B, 0x492, 0x493;
 * CR0/CR4_FIXED0 for the CR words).  Its desc->twin is the TRUE MSR.
 */
enum nvmx_msr_id nvmx_word_msr(enum nvmx_word w);
/*
 * The TRUE control MSR (0x48d..0x490) a non-TRUE one (0x481..0x484) stands
 * for when a processor has both (QEMU's feature word, KVM's restore target);
 * any other MSR is itself.
 */
enum nvmx_msr_id nvmx_msr_true(enum nvmx_msr_id id);
/* The SDM's default1 class of a word (0x16, 0x0401E172, 0x36DFF, 0x11FF), else 0. */
uint32_t nvmx_word_default1(enum nvmx_word w);

#endif
