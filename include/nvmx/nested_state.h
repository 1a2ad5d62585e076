/* SPDX-License-Identifier: MIT */
/*
 * The KVM_GET_NESTED_STATE / KVM_SET_NESTED_STATE blob of an Intel (VMX)
 * vCPU: a 128-byte header, then up to two 4096-byte vmcs12 images.
 *
 * nvmx_nested_state_parse() reads a caller-provided buffer (no I/O, no
 * allocation), applies the header rules KVM_SET_NESTED_STATE applies and
 * reports what state L1 was in and which VMX controls its vmcs12 uses.
 * nvmx_nested_state_check() compares those controls with a set of nested VMX
 * capability MSRs, the way KVM does when it enters L2.
 * docs/nested-state.md describes the layout and the rules.
 */
#ifndef NVMX_NESTED_STATE_H
#define NVMX_NESTED_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "msr.h"

/* ---- layout facts (all integers little-endian) ------------------------- */

#define NVMX_NS_HEADER_SIZE	128u	/* struct kvm_nested_state */
#define NVMX_NS_SLOT_SIZE	4096u	/* each vmcs12 data slot */
#define NVMX_NS_VMCS12_OFF	128u	/* vmcs12 image in the blob */
#define NVMX_NS_SHADOW_OFF	4224u	/* shadow vmcs12 image in the blob */
#define NVMX_NS_MAX_SIZE	8320u	/* 128 + 2 x 4096: what KVM_CAP_NESTED_STATE reports */
#define NVMX_NS_VMCS12_USED	998u	/* bytes of a slot KVM reads on SET */
#define NVMX_NS_VMCS12_REVISION	UINT32_C(0x11e57ed0)
#define NVMX_NS_INVALID_GPA	UINT64_MAX
#define NVMX_NS_FORMAT_VMX	0u
#define NVMX_NS_FORMAT_SVM	1u

/* Top-level flags (u16 at offset 0). */
#define NVMX_NS_F_GUEST_MODE	0x0001u
#define NVMX_NS_F_RUN_PENDING	0x0002u
#define NVMX_NS_F_EVMCS		0x0004u
#define NVMX_NS_F_MTF_PENDING	0x0008u
#define NVMX_NS_F_GIF_SET	0x0100u
/* SMM flags (u16 at offset 24). */
#define NVMX_NS_SMM_GUEST_MODE	0x0001u
#define NVMX_NS_SMM_VMXON	0x0002u
/* VMX header flags (u32 at offset 28). */
#define NVMX_NS_VMX_F_PREEMPTION_DEADLINE 0x00000001u

/* ---- errors ------------------------------------------------------------- */

enum nvmx_ns_err {
	NVMX_NS_OK = 0,
	NVMX_NS_ERR_ARG,		/* NULL buffer or output */
	NVMX_NS_ERR_IO,			/* file could not be read (io/ only) */
	NVMX_NS_ERR_TRUNCATED,		/* buffer ends inside a header field */
	NVMX_NS_ERR_FORMAT,		/* format is not 0 (VMX) */
	NVMX_NS_ERR_SIZE_SMALL,		/* size < 128 */
	NVMX_NS_ERR_SIZE_BUFFER,	/* size larger than the buffer */
	NVMX_NS_ERR_FLAGS_UNKNOWN,	/* top-level flag bit KVM does not accept */
	NVMX_NS_ERR_RUN_PENDING,	/* RUN_PENDING without GUEST_MODE */
	NVMX_NS_ERR_VMX_OFF_STATE,	/* vmxon_pa all-ones but vmcs12_pa/flags/smm say otherwise */
	NVMX_NS_ERR_VMXON_PA,		/* vmxon_pa not page-aligned */
	NVMX_NS_ERR_SMM_FLAGS_UNKNOWN,	/* smm.flags bit other than GUEST_MODE/VMXON */
	NVMX_NS_ERR_SMM_COMBO,		/* SMM flag rules (see docs) */
	NVMX_NS_ERR_VMX_FLAGS_UNKNOWN,	/* hdr.vmx.flags bit other than the deadline */
	NVMX_NS_ERR_NO_VMCS12,		/* size holds no vmcs12, but the header needs one */
	NVMX_NS_ERR_VMCS12_PA,		/* vmcs12_pa equal to vmxon_pa, unaligned, or missing */
	NVMX_NS_ERR_REVISION,		/* vmcs12 revision id is not 0x11e57ed0 */
	NVMX_NS_ERR_SHADOW_MISSING,	/* shadow vmcs12 needed, size too small */
	NVMX_NS_ERR_SHADOW_HEADER,	/* shadow vmcs12 revision id or bit 31 wrong */
	NVMX_NS_ERR_COUNT
};

/* How `found` must relate to `expected` for the blob to be accepted. */
enum nvmx_ns_rel {
	NVMX_NS_REL_NONE,	/* no numeric comparison (ARG, IO) */
	NVMX_NS_REL_EQ,		/* found == expected */
	NVMX_NS_REL_NE,		/* found != expected */
	NVMX_NS_REL_MIN,	/* found >= expected */
	NVMX_NS_REL_MAX,	/* found <= expected */
	NVMX_NS_REL_MASK,	/* found has no bit outside expected */
	NVMX_NS_REL_CLEAR,	/* found has none of the bits of expected */
	NVMX_NS_REL_ALIGN,	/* found is a multiple of expected */
};

/*
 * Where a parse failed: the common error (code NVMX_E_SYNTAX for a blob cut
 * inside its header, NVMX_E_VALUE for a field KVM refuses, NVMX_E_IO or
 * NVMX_E_LIMIT reading a file, NVMX_E_ARG; msg "field at offset N (W bytes):
 * why: expected X, found Y") and the details a program can act on.
 */
struct nvmx_ns_error {
	struct nvmx_error error;
	enum nvmx_ns_err code;
	const char *field;	/* e.g. "hdr.vmx.vmcs12_pa", "vmcs12.hdr"; NULL when OK */
	uint32_t offset;	/* blob offset of that field */
	uint32_t width;		/* its width in bytes */
	enum nvmx_ns_rel rel;
	uint64_t expected;	/* see rel */
	uint64_t found;
};

/* ---- the parsed blob ---------------------------------------------------- */

enum nvmx_ns_state {
	NVMX_NS_STATE_VMX_OFF,	/* vmxon_pa all-ones */
	NVMX_NS_STATE_VMXON,	/* VMX on, no current vmcs12 */
	NVMX_NS_STATE_L1,	/* VMX on, vmcs12 current, L1 running */
	NVMX_NS_STATE_L2,	/* L2 running (GUEST_MODE) */
	NVMX_NS_STATE_SMM_L2,	/* in SMM, L2 was running when the SMI came (SMM_GUEST_MODE) */
};

/* Facts the parser noticed that KVM_SET_NESTED_STATE tolerates but GET never produces. */
#define NVMX_NS_NOTE_PAD_NONZERO	0x0001u	/* hdr.vmx.pad (offset 26) */
#define NVMX_NS_NOTE_HDR_PAD_NONZERO	0x0002u	/* header padding 40..127 */
#define NVMX_NS_NOTE_SIZE_ODD		0x0004u	/* size not 128, 4224 or 8320 */
#define NVMX_NS_NOTE_MTF_IGNORED	0x0008u	/* MTF_PENDING without GUEST_MODE */
#define NVMX_NS_NOTE_GIF_IGNORED	0x0010u	/* GIF_SET (SVM only) with VMX on */
#define NVMX_NS_NOTE_DEADLINE_IGNORED	0x0020u	/* deadline flag without GUEST_MODE */
#define NVMX_NS_NOTE_DATA_IGNORED	0x0040u	/* size > 128 but no vmcs12 is read */
#define NVMX_NS_NOTE_VMCS12_SHADOW_BIT	0x0080u	/* bit 31 set in the main vmcs12 header */
#define NVMX_NS_NOTE_SHADOW_UNUSED	0x0100u	/* size covers the shadow slot, SET does not read it */
#define NVMX_NS_NOTE_SMM_L2_NO_VMCS12	0x0200u	/* SMM_GUEST_MODE but no vmcs12 */

/*
 * The controls L1 set in its vmcs12 (all zero when there is none).  A word
 * KVM does not look at (secondary with primary bit 31 clear, ...) is still
 * reported as stored, with its `*_active` flag false.
 */
struct nvmx_ns_controls {
	uint32_t pin;			/* vmcs12 +744 */
	uint32_t proc;			/* +748 */
	uint32_t proc2;			/* +804 */
	bool proc2_active;		/* primary bit 31 */
	bool has_proc3;			/* always false: vmcs12 has no tertiary field */
	uint64_t proc3;			/* always 0 */
	uint32_t exit;			/* +768 */
	uint32_t entry;			/* +780 */
	uint64_t vmfunc;		/* +296 */
	bool vmfunc_active;		/* secondary active and bit 13 */
	uint64_t eptp;			/* +120 */
	bool ept_active;		/* secondary active and bit 1 */
	bool eptp_ad;			/* EPTP bit 6: accessed/dirty flags enabled */
	unsigned eptp_memtype;		/* EPTP bits 2:0 */
	unsigned eptp_walk_levels;	/* EPTP bits 5:3 plus one */
	uint32_t cr3_target_count;	/* +764 */
	uint64_t vmcs_link_pointer;	/* +176 */
	bool shadowing_active;		/* secondary active and bit 14 */
	uint32_t preemption_timer_value;/* +928 */
};

struct nvmx_nested_state {
	/* header, as stored */
	uint16_t flags;
	uint16_t format;
	uint32_t size;
	uint64_t vmxon_pa;
	uint64_t vmcs12_pa;
	uint16_t smm_flags;
	uint16_t pad;
	uint32_t vmx_flags;
	uint64_t preemption_timer_deadline;

	/* what it says */
	enum nvmx_ns_state state;
	bool vmx_on;		/* vmxon_pa is not all-ones */
	bool guest_mode;	/* L2 running */
	bool run_pending;	/* VMLAUNCH/VMRESUME emulated, L2 not yet entered */
	bool mtf_pending;
	bool evmcs;		/* L1 uses an enlightened VMCS */
	bool smm;		/* smm_flags != 0: the vCPU is in SMM */
	bool smm_vmxon;
	bool smm_guest_mode;
	bool has_deadline;	/* preemption_timer_deadline valid */

	/* vmcs12 image at blob offset 128 */
	bool vmcs12_present;
	uint32_t vmcs12_revision;	/* bits 30:0 of vmcs12 +0 */
	bool vmcs12_shadow_bit;		/* bit 31 of vmcs12 +0 */
	uint32_t vmcs12_abort;		/* +4 */
	uint32_t launch_state;		/* +8: 1 = next entry is VMRESUME */
	struct nvmx_ns_controls ctl;

	/* shadow vmcs12 image at blob offset 4224 (read by SET only in guest mode) */
	bool shadow_present;
	uint32_t shadow_revision;	/* bits 30:0 */

	uint32_t notes;			/* NVMX_NS_NOTE_* */
};

/*
 * Parse `len` bytes.  Returns 0, or -1 with *err filled (err may be NULL).
 * Applies the checks KVM_SET_NESTED_STATE makes on the blob alone: the
 * ones that depend on the destination vCPU (guest MAXPHYADDR, VMX in guest
 * CPUID, eVMCS enabled, whether it is in SMM) are left to the caller.
 */
int nvmx_nested_state_parse(const void *buf, size_t len, struct nvmx_nested_state *out,
			    struct nvmx_ns_error *err);

/* Short names: "truncated", "format", ...; state and word names. */
const char *nvmx_ns_err_name(enum nvmx_ns_err e);
const char *nvmx_ns_state_name(enum nvmx_ns_state s);

/* ---- vmcs12 controls against capability MSRs ---------------------------- */

enum nvmx_ns_word {
	NVMX_NS_W_PIN,		/* vs IA32_VMX_TRUE_PINBASED_CTLS 0x48d */
	NVMX_NS_W_PROC,		/* vs IA32_VMX_TRUE_PROCBASED_CTLS 0x48e */
	NVMX_NS_W_PROC2,	/* vs IA32_VMX_PROCBASED_CTLS2 0x48b, if primary bit 31 */
	NVMX_NS_W_PROC3,	/* never checked: not in vmcs12 */
	NVMX_NS_W_EXIT,		/* vs IA32_VMX_TRUE_EXIT_CTLS 0x48f */
	NVMX_NS_W_ENTRY,	/* vs IA32_VMX_TRUE_ENTRY_CTLS 0x490 */
	NVMX_NS_W_VMFUNC,	/* subset of IA32_VMX_VMFUNC 0x491, if secondary bit 13 */
	NVMX_NS_W_EPTP,		/* vs IA32_VMX_EPT_VPID_CAP 0x48c, if secondary bit 1 */
	NVMX_NS_W_COUNT
};

/* When a finding makes KVM fail. */
enum nvmx_ns_when {
	NVMX_NS_WHEN_NONE,	/* no vmcs12: nothing is checked */
	NVMX_NS_WHEN_SET,	/* KVM_SET_NESTED_STATE fails with EINVAL (GUEST_MODE) */
	NVMX_NS_WHEN_VMENTRY,	/* SET accepts; L1's next VMLAUNCH/VMRESUME fails (VMfailValid) */
	NVMX_NS_WHEN_RSM,	/* SET accepts; RSM back into L2 re-checks (7.1: triple fault) */
};

/* Why an EPTP is refused (NVMX_NS_W_EPTP). */
#define NVMX_NS_EPTP_MEMTYPE	0x1u	/* bits 2:0 not UC/WB, or that type not advertised */
#define NVMX_NS_EPTP_WALK	0x2u	/* bits 5:3 not a 4/5-level walk, or not advertised */
#define NVMX_NS_EPTP_AD		0x4u	/* bit 6 set, A/D flags not advertised (cap bit 21) */
#define NVMX_NS_EPTP_RESERVED	0x8u	/* bits 11:7 not zero */

struct nvmx_ns_finding {
	bool checked;		/* KVM looks at this word for this vmcs12 */
	enum nvmx_msr_id msr;	/* MSR compared with */
	bool msr_absent;	/* neither it nor its non-TRUE twin is in the set: read as 0 */
	bool non_true;		/* TRUE MSR absent, its non-TRUE twin (0x481..0x484) used */
	uint64_t value;		/* the vmcs12 word */
	uint64_t not_allowed;	/* set in vmcs12, allowed-1 bit clear (EPTP: offending bits) */
	uint64_t must_be_one;	/* clear in vmcs12, allowed-0 setting is 1 */
	unsigned eptp_why;	/* NVMX_NS_EPTP_* */
	bool bad;		/* any of the above */
	bool rejected_by_set;	/* KVM_SET_NESTED_STATE itself fails on it */
	enum nvmx_ns_when when;	/* when it surfaces */
};

struct nvmx_ns_check {
	bool applicable;	/* a vmcs12 was present */
	enum nvmx_ns_when when;	/* same for every finding of this blob */
	bool set_fails;		/* some finding has rejected_by_set */
	unsigned nbad;		/* words with bad set */
	struct nvmx_ns_finding w[NVMX_NS_W_COUNT];
};

/*
 * Compare the vmcs12 controls of `ns` with the nested capability MSRs
 * `msrs` (what the destination vCPU would have).  Returns the number of
 * words with findings (0 when none or when there is no vmcs12).
 * Not modelled: eVMCS-supported subsets, structural checks that involve no
 * MSR, address checks against the guest MAXPHYADDR.
 */
unsigned nvmx_nested_state_check(const struct nvmx_nested_state *ns,
				 const struct nvmx_msrs *msrs, struct nvmx_ns_check *out);

const char *nvmx_ns_word_name(enum nvmx_ns_word w);
const char *nvmx_ns_when_name(enum nvmx_ns_when w);

/*
 * One line per bad word, naming the control bits, into buf (always
 * NUL-terminated when size > 0).  Returns the length the full text needs.
 */
size_t nvmx_ns_check_describe(const struct nvmx_ns_check *c, char *buf, size_t size);

#endif
