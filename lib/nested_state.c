/* SPDX-License-Identifier: MIT */
/*
 * The VMX nested-state blob: header rules, the vmcs12 controls L1 uses, and
 * those controls against a set of capability MSRs.  Pure: the caller owns
 * every byte read and written.  Layout and rules: docs/nested-state.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fmt.h"
#include "nvmx/catalog.h"
#include "nvmx/nested_state.h"

/* Header offsets. */
enum {
	OFF_FLAGS = 0,
	OFF_FORMAT = 2,
	OFF_SIZE = 4,
	OFF_VMXON_PA = 8,
	OFF_VMCS12_PA = 16,
	OFF_SMM_FLAGS = 24,
	OFF_PAD = 26,
	OFF_VMX_FLAGS = 28,
	OFF_DEADLINE = 32,
	OFF_HDR_PAD = 40,
};

/* vmcs12 offsets (relative to the image). */
enum {
	V12_HDR = 0,
	V12_ABORT = 4,
	V12_LAUNCH_STATE = 8,
	V12_EPT_POINTER = 120,
	V12_LINK_POINTER = 176,
	V12_VMFUNC = 296,
	V12_PIN = 744,
	V12_PROC = 748,
	V12_CR3_TARGET_COUNT = 764,
	V12_EXIT = 768,
	V12_ENTRY = 780,
	V12_PROC2 = 804,
	V12_PREEMPT_VALUE = 928,
};

#define ALLOWED_FLAGS (NVMX_NS_F_GUEST_MODE | NVMX_NS_F_RUN_PENDING | NVMX_NS_F_EVMCS | \
		       NVMX_NS_F_MTF_PENDING | NVMX_NS_F_GIF_SET)
#define SMM_ALL (NVMX_NS_SMM_GUEST_MODE | NVMX_NS_SMM_VMXON)
#define REV_MASK UINT32_C(0x7fffffff)
#define SHADOW_BIT UINT32_C(0x80000000)
#define PAGE 4096u

/* Control bits the parser needs to know which words are in effect. */
#define PROC_ACTIVATE_SECONDARY	(UINT32_C(1) << 31)
#define SEC_EPT			(UINT32_C(1) << 1)
#define SEC_VMFUNC		(UINT32_C(1) << 13)
#define SEC_SHADOW_VMCS		(UINT32_C(1) << 14)

/* EPTP fields and the EPT_VPID_CAP bits that allow them. */
#define EPTP_MEMTYPE_MASK	UINT64_C(0x7)
#define EPTP_WALK_MASK		UINT64_C(0x38)
#define EPTP_AD_BIT		(UINT64_C(1) << 6)
#define EPTP_RESERVED_MASK	UINT64_C(0xf80)
#define CAP_WALK4		(UINT64_C(1) << 6)
#define CAP_WALK5		(UINT64_C(1) << 7)
#define CAP_UC			(UINT64_C(1) << 8)
#define CAP_WB			(UINT64_C(1) << 14)
#define CAP_AD			(UINT64_C(1) << 21)

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* ---- errors ------------------------------------------------------------- */

static const char *const err_names[NVMX_NS_ERR_COUNT] = {
	[NVMX_NS_OK] = "ok",
	[NVMX_NS_ERR_ARG] = "bad argument",
	[NVMX_NS_ERR_IO] = "I/O error",
	[NVMX_NS_ERR_TRUNCATED] = "truncated",
	[NVMX_NS_ERR_FORMAT] = "not VMX format",
	[NVMX_NS_ERR_SIZE_SMALL] = "size below header",
	[NVMX_NS_ERR_SIZE_BUFFER] = "size beyond buffer",
	[NVMX_NS_ERR_FLAGS_UNKNOWN] = "unknown flags",
	[NVMX_NS_ERR_RUN_PENDING] = "run pending without guest mode",
	[NVMX_NS_ERR_VMX_OFF_STATE] = "state with VMX off",
	[NVMX_NS_ERR_VMXON_PA] = "bad vmxon_pa",
	[NVMX_NS_ERR_SMM_FLAGS_UNKNOWN] = "unknown SMM flags",
	[NVMX_NS_ERR_SMM_COMBO] = "SMM flag combination",
	[NVMX_NS_ERR_VMX_FLAGS_UNKNOWN] = "unknown VMX header flags",
	[NVMX_NS_ERR_NO_VMCS12] = "vmcs12 missing",
	[NVMX_NS_ERR_VMCS12_PA] = "bad vmcs12_pa",
	[NVMX_NS_ERR_REVISION] = "vmcs12 revision",
	[NVMX_NS_ERR_SHADOW_MISSING] = "shadow vmcs12 missing",
	[NVMX_NS_ERR_SHADOW_HEADER] = "shadow vmcs12 header",
};

const char *nvmx_ns_err_name(enum nvmx_ns_err e)
{
	return (unsigned)e < NVMX_NS_ERR_COUNT ? err_names[e] : "unknown error";
}

const char *nvmx_ns_state_name(enum nvmx_ns_state s)
{
	switch (s) {
	case NVMX_NS_STATE_VMX_OFF: return "VMX off";
	case NVMX_NS_STATE_VMXON: return "VMX on, no current vmcs12";
	case NVMX_NS_STATE_L1: return "VMX on, vmcs12 current, L1 running";
	case NVMX_NS_STATE_L2: return "L2 running";
	case NVMX_NS_STATE_SMM_L2: return "in SMM, L2 was running";
	}
	return "unknown state";
}

static void put_num(struct fmt *f, uint64_t v, bool dec)
{
	if (dec)
		fmt_uint(f, v);
	else
		fmt_hex(f, v);
}

/*
 * Record a failure and write "FIELD at offset N (W bytes): WHY: expected
 * ..., found ...".  Sizes and byte counts print in decimal, the rest in hex.
 */
static int fail(struct nvmx_ns_error *e, enum nvmx_ns_err code, const char *field,
		uint32_t off, uint32_t width, enum nvmx_ns_rel rel, uint64_t expected,
		uint64_t found, const char *why)
{
	if (!e)
		return -1;
	e->code = code;
	e->field = field;
	e->offset = off;
	e->width = width;
	e->rel = rel;
	e->expected = expected;
	e->found = found;

	bool dec = rel == NVMX_NS_REL_MIN || rel == NVMX_NS_REL_MAX;
	struct fmt f = err_begin(&e->error, code == NVMX_NS_ERR_ARG	    ? NVMX_E_ARG
					    : code == NVMX_NS_ERR_TRUNCATED ? NVMX_E_SYNTAX
									    : NVMX_E_VALUE);
	if (field) {
		fmt_str(&f, field);
		fmt_str(&f, " at offset ");
		fmt_uint(&f, off);
		fmt_str(&f, " (");
		fmt_uint(&f, width);
		fmt_str(&f, width == 1 ? " byte): " : " bytes): ");
	}
	fmt_str(&f, why);
	switch (rel) {
	case NVMX_NS_REL_NONE:
		return -1;
	case NVMX_NS_REL_EQ: fmt_str(&f, ": expected "); break;
	case NVMX_NS_REL_NE: fmt_str(&f, ": expected anything but "); break;
	case NVMX_NS_REL_MIN: fmt_str(&f, ": expected at least "); break;
	case NVMX_NS_REL_MAX: fmt_str(&f, ": expected at most "); break;
	case NVMX_NS_REL_MASK: fmt_str(&f, ": expected only bits of "); break;
	case NVMX_NS_REL_CLEAR: fmt_str(&f, ": expected none of bits "); break;
	case NVMX_NS_REL_ALIGN: fmt_str(&f, ": expected a multiple of "); break;
	}
	put_num(&f, expected, dec);
	fmt_str(&f, ", found ");
	put_num(&f, found, dec);
	return -1;
}

static void set_ok(struct nvmx_ns_error *e)
{
	if (!e)
		return;
	e->code = NVMX_NS_OK;
	e->field = 0;
	e->offset = e->width = 0;
	e->rel = NVMX_NS_REL_NONE;
	e->expected = e->found = 0;
	nvmx_error_clear(&e->error);
}

/* ---- parsing ------------------------------------------------------------ */

struct hdr_field {
	const char *name;
	uint32_t off, width;
};

/* Every byte of the 128-byte header belongs to exactly one of these. */
static const struct hdr_field hdr_fields[] = {
	{ "flags", OFF_FLAGS, 2 },
	{ "format", OFF_FORMAT, 2 },
	{ "size", OFF_SIZE, 4 },
	{ "hdr.vmx.vmxon_pa", OFF_VMXON_PA, 8 },
	{ "hdr.vmx.vmcs12_pa", OFF_VMCS12_PA, 8 },
	{ "hdr.vmx.smm.flags", OFF_SMM_FLAGS, 2 },
	{ "hdr.vmx.pad", OFF_PAD, 2 },
	{ "hdr.vmx.flags", OFF_VMX_FLAGS, 4 },
	{ "hdr.vmx.preemption_timer_deadline", OFF_DEADLINE, 8 },
	{ "header padding", OFF_HDR_PAD, NVMX_NS_HEADER_SIZE - OFF_HDR_PAD },
};

static void read_controls(const uint8_t *v, struct nvmx_ns_controls *c)
{
	c->pin = rd32(v + V12_PIN);
	c->proc = rd32(v + V12_PROC);
	c->proc2 = rd32(v + V12_PROC2);
	c->proc2_active = (c->proc & PROC_ACTIVATE_SECONDARY) != 0;
	c->has_proc3 = false;
	c->proc3 = 0;
	c->exit = rd32(v + V12_EXIT);
	c->entry = rd32(v + V12_ENTRY);
	c->vmfunc = rd64(v + V12_VMFUNC);
	c->vmfunc_active = c->proc2_active && (c->proc2 & SEC_VMFUNC);
	c->eptp = rd64(v + V12_EPT_POINTER);
	c->ept_active = c->proc2_active && (c->proc2 & SEC_EPT);
	c->eptp_ad = (c->eptp & EPTP_AD_BIT) != 0;
	c->eptp_memtype = (unsigned)(c->eptp & EPTP_MEMTYPE_MASK);
	c->eptp_walk_levels = (unsigned)((c->eptp & EPTP_WALK_MASK) >> 3) + 1;
	c->cr3_target_count = rd32(v + V12_CR3_TARGET_COUNT);
	c->vmcs_link_pointer = rd64(v + V12_LINK_POINTER);
	c->shadowing_active = c->proc2_active && (c->proc2 & SEC_SHADOW_VMCS);
	c->preemption_timer_value = rd32(v + V12_PREEMPT_VALUE);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int nvmx_nested_state_parse(const void *buf, size_t len, struct nvmx_nested_state *out,
			    struct nvmx_ns_error *err)
{
	const uint8_t *b = buf;

	if (!out)
		return fail(err, NVMX_NS_ERR_ARG, 0, 0, 0, NVMX_NS_REL_NONE, 0, 0,
			    "no output structure given");
	*out = (struct nvmx_nested_state){ 0 };
	if (!b)
		return fail(err, NVMX_NS_ERR_ARG, 0, 0, 0, NVMX_NS_REL_NONE, 0, 0,
			    "no buffer given");

	/* The whole header must be there; name the first field that is not. */
	for (size_t i = 0; i < sizeof(hdr_fields) / sizeof(hdr_fields[0]); i++) {
		const struct hdr_field *h = &hdr_fields[i];
		if (len < (size_t)h->off + h->width)
			return fail(err, NVMX_NS_ERR_TRUNCATED, h->name, h->off, h->width,
				    NVMX_NS_REL_MIN, h->off + h->width, len,
				    "blob truncated inside the header: buffer length");
	}

	struct nvmx_nested_state *s = out;
	s->flags = rd16(b + OFF_FLAGS);
	s->format = rd16(b + OFF_FORMAT);
	s->size = rd32(b + OFF_SIZE);
	s->vmxon_pa = rd64(b + OFF_VMXON_PA);
	s->vmcs12_pa = rd64(b + OFF_VMCS12_PA);
	s->smm_flags = rd16(b + OFF_SMM_FLAGS);
	s->pad = rd16(b + OFF_PAD);
	s->vmx_flags = rd32(b + OFF_VMX_FLAGS);
	s->preemption_timer_deadline = rd64(b + OFF_DEADLINE);

	s->vmx_on = s->vmxon_pa != NVMX_NS_INVALID_GPA;
	s->guest_mode = s->flags & NVMX_NS_F_GUEST_MODE;
	s->run_pending = s->flags & NVMX_NS_F_RUN_PENDING;
	s->mtf_pending = s->flags & NVMX_NS_F_MTF_PENDING;
	s->evmcs = s->flags & NVMX_NS_F_EVMCS;
	s->smm = s->smm_flags != 0;
	s->smm_vmxon = s->smm_flags & NVMX_NS_SMM_VMXON;
	s->smm_guest_mode = s->smm_flags & NVMX_NS_SMM_GUEST_MODE;
	s->has_deadline = s->vmx_flags & NVMX_NS_VMX_F_PREEMPTION_DEADLINE;

	/* What the blob is, then the checks common to every vendor, then VMX's. */
	if (s->format != NVMX_NS_FORMAT_VMX)
		return fail(err, NVMX_NS_ERR_FORMAT, "format", OFF_FORMAT, 2, NVMX_NS_REL_EQ,
			    NVMX_NS_FORMAT_VMX,  s->format,
			    s->format == NVMX_NS_FORMAT_SVM ? "SVM blob, not VMX" : "not a VMX blob");
	if (s->size < NVMX_NS_HEADER_SIZE)
		return fail(err, NVMX_NS_ERR_SIZE_SMALL, "size", OFF_SIZE, 4, NVMX_NS_REL_MIN,
			    NVMX_NS_HEADER_SIZE, s->size, "size smaller than the header");
	if (s->flags & ~ALLOWED_FLAGS)
		return fail(err, NVMX_NS_ERR_FLAGS_UNKNOWN, "flags", OFF_FLAGS, 2, NVMX_NS_REL_MASK,
			    ALLOWED_FLAGS, s->flags, "flag bits KVM does not accept");
	if (s->run_pending && !s->guest_mode)
		return fail(err, NVMX_NS_ERR_RUN_PENDING, "flags", OFF_FLAGS, 2, NVMX_NS_REL_EQ,
			    s->flags | NVMX_NS_F_GUEST_MODE, s->flags,
			    "RUN_PENDING (0x2) without GUEST_MODE (0x1)");
	if (s->size > len)
		return fail(err, NVMX_NS_ERR_SIZE_BUFFER, "size", OFF_SIZE, 4, NVMX_NS_REL_MAX,
			    len, s->size, "size claims more bytes than the buffer holds");

	if (!s->vmx_on) {
		if (s->smm_flags)
			return fail(err, NVMX_NS_ERR_VMX_OFF_STATE, "hdr.vmx.smm.flags",
				    OFF_SMM_FLAGS, 2, NVMX_NS_REL_EQ, 0, s->smm_flags,
				    "SMM flags with VMX off (vmxon_pa all-ones)");
		if (s->vmcs12_pa != NVMX_NS_INVALID_GPA)
			return fail(err, NVMX_NS_ERR_VMX_OFF_STATE, "hdr.vmx.vmcs12_pa",
				    OFF_VMCS12_PA, 8, NVMX_NS_REL_EQ, NVMX_NS_INVALID_GPA,
				    s->vmcs12_pa, "a current VMCS with VMX off (vmxon_pa all-ones)");
		if (s->flags & ~NVMX_NS_F_EVMCS)
			return fail(err, NVMX_NS_ERR_VMX_OFF_STATE, "flags", OFF_FLAGS, 2,
				    NVMX_NS_REL_MASK, NVMX_NS_F_EVMCS, s->flags,
				    "flags other than EVMCS with VMX off (vmxon_pa all-ones)");
	} else if (s->vmxon_pa % PAGE) {
		return fail(err, NVMX_NS_ERR_VMXON_PA, "hdr.vmx.vmxon_pa", OFF_VMXON_PA, 8,
			    NVMX_NS_REL_ALIGN, PAGE, s->vmxon_pa, "VMXON region not page-aligned");
	}

	if (s->smm_flags & ~SMM_ALL)
		return fail(err, NVMX_NS_ERR_SMM_FLAGS_UNKNOWN, "hdr.vmx.smm.flags", OFF_SMM_FLAGS, 2,
			    NVMX_NS_REL_MASK, SMM_ALL, s->smm_flags, "SMM flag bits KVM does not accept");
	if (s->smm_guest_mode && !s->smm_vmxon)
		return fail(err, NVMX_NS_ERR_SMM_COMBO, "hdr.vmx.smm.flags", OFF_SMM_FLAGS, 2,
			    NVMX_NS_REL_EQ, SMM_ALL, s->smm_flags,
			    "SMM_GUEST_MODE (0x1) without SMM_VMXON (0x2)");
	if (s->smm && (s->flags & (NVMX_NS_F_GUEST_MODE | NVMX_NS_F_RUN_PENDING)))
		return fail(err, NVMX_NS_ERR_SMM_COMBO, "flags", OFF_FLAGS, 2, NVMX_NS_REL_CLEAR,
			    NVMX_NS_F_GUEST_MODE | NVMX_NS_F_RUN_PENDING, s->flags,
			    "GUEST_MODE/RUN_PENDING while SMM flags say the vCPU is in SMM");
	if (s->vmx_flags & ~NVMX_NS_VMX_F_PREEMPTION_DEADLINE)
		return fail(err, NVMX_NS_ERR_VMX_FLAGS_UNKNOWN, "hdr.vmx.flags", OFF_VMX_FLAGS, 4,
			    NVMX_NS_REL_MASK, NVMX_NS_VMX_F_PREEMPTION_DEADLINE, s->vmx_flags,
			    "VMX header flag bits KVM does not accept");

	/* Notes on what SET tolerates but GET never writes. */
	if (s->pad)
		s->notes |= NVMX_NS_NOTE_PAD_NONZERO;
	if (!all_zero(b + OFF_HDR_PAD, NVMX_NS_HEADER_SIZE - OFF_HDR_PAD))
		s->notes |= NVMX_NS_NOTE_HDR_PAD_NONZERO;
	if (s->size != NVMX_NS_HEADER_SIZE && s->size != NVMX_NS_SHADOW_OFF &&
	    s->size != NVMX_NS_MAX_SIZE)
		s->notes |= NVMX_NS_NOTE_SIZE_ODD;
	if (s->mtf_pending && !s->guest_mode)
		s->notes |= NVMX_NS_NOTE_MTF_IGNORED;
	if (s->has_deadline && !s->guest_mode)
		s->notes |= NVMX_NS_NOTE_DEADLINE_IGNORED;
	if ((s->flags & NVMX_NS_F_GIF_SET) && s->vmx_on)
		s->notes |= NVMX_NS_NOTE_GIF_IGNORED;

	if (!s->vmx_on) {
		s->state = NVMX_NS_STATE_VMX_OFF;
		if (s->size > NVMX_NS_HEADER_SIZE)
			s->notes |= NVMX_NS_NOTE_DATA_IGNORED;
		set_ok(err);
		return 0;
	}

	const uint32_t need_v12 = NVMX_NS_VMCS12_OFF + NVMX_NS_VMCS12_USED;
	if (s->size < need_v12) {
		const char *why = 0;
		if (s->vmcs12_pa != NVMX_NS_INVALID_GPA)
			why = "no room for a vmcs12, but hdr.vmx.vmcs12_pa names one: size";
		else if (s->guest_mode)
			why = "no room for a vmcs12, but GUEST_MODE needs one: size";
		else if (s->evmcs)
			why = "no room for a vmcs12, but EVMCS needs one: size";
		if (why)
			return fail(err, NVMX_NS_ERR_NO_VMCS12, "size", OFF_SIZE, 4,
				    NVMX_NS_REL_MIN, need_v12, s->size, why);
		s->state = NVMX_NS_STATE_VMXON;
		if (s->size > NVMX_NS_HEADER_SIZE)
			s->notes |= NVMX_NS_NOTE_DATA_IGNORED;
		if (s->smm_guest_mode)
			s->notes |= NVMX_NS_NOTE_SMM_L2_NO_VMCS12;
		set_ok(err);
		return 0;
	}

	if (s->vmcs12_pa != NVMX_NS_INVALID_GPA) {
		if (s->vmcs12_pa == s->vmxon_pa)
			return fail(err, NVMX_NS_ERR_VMCS12_PA, "hdr.vmx.vmcs12_pa", OFF_VMCS12_PA, 8,
				    NVMX_NS_REL_NE, s->vmxon_pa, s->vmcs12_pa,
				    "current VMCS is the VMXON region");
		if (s->vmcs12_pa % PAGE)
			return fail(err, NVMX_NS_ERR_VMCS12_PA, "hdr.vmx.vmcs12_pa", OFF_VMCS12_PA, 8,
				    NVMX_NS_REL_ALIGN, PAGE, s->vmcs12_pa,
				    "current VMCS not page-aligned");
	} else if (!s->evmcs) {
		return fail(err, NVMX_NS_ERR_VMCS12_PA, "hdr.vmx.vmcs12_pa", OFF_VMCS12_PA, 8,
			    NVMX_NS_REL_NE, NVMX_NS_INVALID_GPA, s->vmcs12_pa,
			    "size carries a vmcs12 but there is no current VMCS and EVMCS is clear");
	}

	const uint8_t *v = b + NVMX_NS_VMCS12_OFF;
	uint32_t hdr = rd32(v + V12_HDR);
	s->vmcs12_revision = hdr & REV_MASK;
	s->vmcs12_shadow_bit = (hdr & SHADOW_BIT) != 0;
	if (s->vmcs12_revision != NVMX_NS_VMCS12_REVISION)
		return fail(err, NVMX_NS_ERR_REVISION, "vmcs12.hdr", NVMX_NS_VMCS12_OFF, 4,
			    NVMX_NS_REL_EQ, NVMX_NS_VMCS12_REVISION, s->vmcs12_revision,
			    "vmcs12 revision id (bits 30:0)");
	if (s->vmcs12_shadow_bit)
		s->notes |= NVMX_NS_NOTE_VMCS12_SHADOW_BIT;
	s->vmcs12_present = true;
	s->vmcs12_abort = rd32(v + V12_ABORT);
	s->launch_state = rd32(v + V12_LAUNCH_STATE);
	read_controls(v, &s->ctl);

	const uint32_t need_shadow = NVMX_NS_SHADOW_OFF + NVMX_NS_VMCS12_USED;
	bool shadow_needed = s->guest_mode && s->ctl.shadowing_active &&
			     s->ctl.vmcs_link_pointer != NVMX_NS_INVALID_GPA;
	if (shadow_needed) {
		if (s->size < need_shadow)
			return fail(err, NVMX_NS_ERR_SHADOW_MISSING, "size", OFF_SIZE, 4,
				    NVMX_NS_REL_MIN, need_shadow, s->size,
				    "L2 runs with VMCS shadowing and a link pointer, no room for the shadow vmcs12: size");
		uint32_t sh = rd32(b + NVMX_NS_SHADOW_OFF);
		if (sh != (NVMX_NS_VMCS12_REVISION | SHADOW_BIT))
			return fail(err, NVMX_NS_ERR_SHADOW_HEADER, "shadow_vmcs12.hdr",
				    NVMX_NS_SHADOW_OFF, 4, NVMX_NS_REL_EQ,
				    NVMX_NS_VMCS12_REVISION | SHADOW_BIT, sh,
				    "shadow vmcs12 needs the revision id with bit 31 set");
		s->shadow_present = true;
		s->shadow_revision = sh & REV_MASK;
	} else if (s->size > NVMX_NS_SHADOW_OFF) {
		s->notes |= NVMX_NS_NOTE_SHADOW_UNUSED;
	}

	if (s->guest_mode)
		s->state = NVMX_NS_STATE_L2;
	else if (s->smm_guest_mode)
		s->state = NVMX_NS_STATE_SMM_L2;
	else
		s->state = NVMX_NS_STATE_L1;
	set_ok(err);
	return 0;
}

/* ---- controls against capability MSRs ----------------------------------- */

const char *nvmx_ns_word_name(enum nvmx_ns_word w)
{
	switch (w) {
	case NVMX_NS_W_PIN: return "pin-based VM-execution controls";
	case NVMX_NS_W_PROC: return "primary processor-based VM-execution controls";
	case NVMX_NS_W_PROC2: return "secondary processor-based VM-execution controls";
	case NVMX_NS_W_PROC3: return "tertiary processor-based VM-execution controls";
	case NVMX_NS_W_EXIT: return "VM-exit controls";
	case NVMX_NS_W_ENTRY: return "VM-entry controls";
	case NVMX_NS_W_VMFUNC: return "VM-function controls";
	case NVMX_NS_W_EPTP: return "EPT pointer";
	case NVMX_NS_W_COUNT: break;
	}
	return "unknown word";
}

const char *nvmx_ns_when_name(enum nvmx_ns_when w)
{
	switch (w) {
	case NVMX_NS_WHEN_NONE: return "never (no vmcs12)";
	case NVMX_NS_WHEN_SET: return "KVM_SET_NESTED_STATE fails with EINVAL (L2 was running)";
	case NVMX_NS_WHEN_VMENTRY:
		return "KVM_SET_NESTED_STATE accepts it; L1's next VMLAUNCH/VMRESUME fails";
	case NVMX_NS_WHEN_RSM:
		return "KVM_SET_NESTED_STATE accepts it; RSM back into L2 re-checks it";
	}
	return "unknown";
}

/* A control word against the TRUE MSR, or its non-TRUE twin when that is all there is. */
static void check_ctl(struct nvmx_ns_finding *f, const struct nvmx_msrs *m,
		      enum nvmx_msr_id true_id, enum nvmx_msr_id plain_id, uint32_t value)
{
	enum nvmx_msr_id id = true_id;
	if (!nvmx_msrs_has(m, true_id) && plain_id != true_id && nvmx_msrs_has(m, plain_id)) {
		id = plain_id;
		f->non_true = true;
	}
	uint64_t msr = nvmx_msrs_get(m, id);
	f->msr = id;
	f->msr_absent = !nvmx_msrs_has(m, id);
	f->value = value;
	f->not_allowed = value & ~(uint64_t)nvmx_hi(msr);
	f->must_be_one = nvmx_lo(msr) & ~(uint64_t)value;
}

static void check_eptp(struct nvmx_ns_finding *f, const struct nvmx_msrs *m, uint64_t eptp)
{
	uint64_t cap = nvmx_msrs_get(m, NVMX_EPT_VPID_CAP);
	f->msr = NVMX_EPT_VPID_CAP;
	f->msr_absent = !nvmx_msrs_has(m, NVMX_EPT_VPID_CAP);
	f->value = eptp;

	uint64_t mt = eptp & EPTP_MEMTYPE_MASK;
	bool mt_ok = (mt == 0 && (cap & CAP_UC)) || (mt == 6 && (cap & CAP_WB));
	uint64_t walk = (eptp & EPTP_WALK_MASK) >> 3;
	bool walk_ok = (walk == 3 && (cap & CAP_WALK4)) || (walk == 4 && (cap & CAP_WALK5));
	if (!mt_ok) {
		f->eptp_why |= NVMX_NS_EPTP_MEMTYPE;
		f->not_allowed |= EPTP_MEMTYPE_MASK;
	}
	if (!walk_ok) {
		f->eptp_why |= NVMX_NS_EPTP_WALK;
		f->not_allowed |= EPTP_WALK_MASK;
	}
	if ((eptp & EPTP_AD_BIT) && !(cap & CAP_AD)) {
		f->eptp_why |= NVMX_NS_EPTP_AD;
		f->not_allowed |= EPTP_AD_BIT;
	}
	if (eptp & EPTP_RESERVED_MASK) {
		f->eptp_why |= NVMX_NS_EPTP_RESERVED;
		f->not_allowed |= eptp & EPTP_RESERVED_MASK;
	}
}

unsigned nvmx_nested_state_check(const struct nvmx_nested_state *ns,
				 const struct nvmx_msrs *msrs, struct nvmx_ns_check *out)
{
	if (!out)
		return 0;
	*out = (struct nvmx_ns_check){ 0 };
	if (!ns || !msrs || !ns->vmcs12_present)
		return 0;

	const struct nvmx_ns_controls *c = &ns->ctl;
	out->applicable = true;
	out->when = ns->guest_mode ? NVMX_NS_WHEN_SET
		  : ns->smm_guest_mode ? NVMX_NS_WHEN_RSM : NVMX_NS_WHEN_VMENTRY;

	struct nvmx_ns_finding *w = out->w;
	check_ctl(&w[NVMX_NS_W_PIN], msrs, NVMX_TRUE_PINBASED, NVMX_PINBASED, c->pin);
	w[NVMX_NS_W_PIN].checked = true;
	check_ctl(&w[NVMX_NS_W_PROC], msrs, NVMX_TRUE_PROCBASED, NVMX_PROCBASED, c->proc);
	w[NVMX_NS_W_PROC].checked = true;
	w[NVMX_NS_W_PROC2].msr = NVMX_PROCBASED2;
	w[NVMX_NS_W_PROC2].value = c->proc2;
	if (c->proc2_active) {
		check_ctl(&w[NVMX_NS_W_PROC2], msrs, NVMX_PROCBASED2, NVMX_PROCBASED2, c->proc2);
		w[NVMX_NS_W_PROC2].checked = true;
	}
	w[NVMX_NS_W_PROC3].msr = NVMX_PROCBASED3;
	check_ctl(&w[NVMX_NS_W_EXIT], msrs, NVMX_TRUE_EXIT, NVMX_EXIT, c->exit);
	w[NVMX_NS_W_EXIT].checked = true;
	check_ctl(&w[NVMX_NS_W_ENTRY], msrs, NVMX_TRUE_ENTRY, NVMX_ENTRY, c->entry);
	w[NVMX_NS_W_ENTRY].checked = true;

	struct nvmx_ns_finding *vf = &w[NVMX_NS_W_VMFUNC];
	vf->msr = NVMX_VMFUNC;
	vf->value = c->vmfunc;
	if (c->vmfunc_active) {
		vf->checked = true;
		vf->msr_absent = !nvmx_msrs_has(msrs, NVMX_VMFUNC);
		vf->not_allowed = c->vmfunc & ~nvmx_msrs_get(msrs, NVMX_VMFUNC);
	}

	w[NVMX_NS_W_EPTP].msr = NVMX_EPT_VPID_CAP;
	w[NVMX_NS_W_EPTP].value = c->eptp;
	if (c->ept_active) {
		check_eptp(&w[NVMX_NS_W_EPTP], msrs, c->eptp);
		w[NVMX_NS_W_EPTP].checked = true;
	}

	for (unsigned i = 0; i < NVMX_NS_W_COUNT; i++) {
		struct nvmx_ns_finding *f = &w[i];
		f->when = out->when;
		f->bad = f->checked && (f->not_allowed || f->must_be_one || f->eptp_why);
		if (!f->bad)
			continue;
		f->rejected_by_set = out->when == NVMX_NS_WHEN_SET;
		out->set_fails |= f->rejected_by_set;
		out->nbad++;
	}
	return out->nbad;
}

static const char *msr_label(enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	return d && d->sdm ? d->sdm : "?";
}

size_t nvmx_ns_check_describe(const struct nvmx_ns_check *c, char *buf, size_t size)
{
	struct fmt f = fmt_init(buf, buf ? size : 0);
	if (!c)
		return 0;
	for (unsigned i = 0; i < NVMX_NS_W_COUNT; i++) {
		const struct nvmx_ns_finding *x = &c->w[i];
		if (!x->bad)
			continue;
		int msr = i == NVMX_NS_W_EPTP ? -1 : (int)x->msr;
		fmt_str(&f, nvmx_ns_word_name((enum nvmx_ns_word)i));
		fmt_str(&f, " ");
		fmt_hex(&f, x->value);
		fmt_str(&f, " vs ");
		fmt_str(&f, msr_label(x->msr));
		if (x->msr_absent)
			fmt_str(&f, " (absent, read as 0)");
		else if (x->non_true)
			fmt_str(&f, " (TRUE MSR absent)");
		fmt_str(&f, ":");
		if (i == NVMX_NS_W_EPTP) {
			if (x->eptp_why & NVMX_NS_EPTP_MEMTYPE)
				fmt_str(&f, " memory type not supported;");
			if (x->eptp_why & NVMX_NS_EPTP_WALK)
				fmt_str(&f, " page-walk length not supported;");
			if (x->eptp_why & NVMX_NS_EPTP_AD)
				fmt_str(&f, " accessed/dirty flags not supported;");
			if (x->eptp_why & NVMX_NS_EPTP_RESERVED)
				fmt_str(&f, " reserved bits 11:7 set;");
		} else {
			if (x->not_allowed) {
				fmt_str(&f, " uses what the MSR does not allow: ");
				fmt_bits(&f, msr, x->not_allowed, i == NVMX_NS_W_VMFUNC ? 0 : 32);
				fmt_str(&f, ";");
			}
			if (x->must_be_one) {
				fmt_str(&f, " clears what the MSR requires: ");
				fmt_bits(&f, msr, x->must_be_one, 0);
				fmt_str(&f, ";");
			}
		}
		fmt_str(&f, " ");
		fmt_str(&f, nvmx_ns_when_name(x->when));
		fmt_str(&f, "\n");
	}
	return f.len;
}
