/* SPDX-License-Identifier: MIT */
/*
 * The nested-state parser on blobs built here in the kernel's layout.  Every
 * offset and constant below is written out from the reference notes (header
 * layout, VMX header, vmcs12 field table), never taken from the parser, so a
 * wrong constant in the parser cannot agree with itself.  Each blob is copied
 * into a buffer of exactly its length so the sanitizer build sees over-reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "nvmx/msr.h"
#include "nvmx/nested_state.h"
#include "nvmx/io.h"

/* ---- the blob builder --------------------------------------------------- */

#define ALL_ONES UINT64_C(0xffffffffffffffff)
#define BLOB_MAX 8320

/* What a test puts into a blob; build() lays it out at the spec's offsets. */
struct spec {
	uint16_t flags, format;
	uint32_t size;
	uint64_t vmxon_pa, vmcs12_pa;
	uint16_t smm_flags, pad;
	uint32_t vmx_flags;
	uint64_t deadline;
	/* vmcs12 (written when size >= 128 + 998 unless no_vmcs12) */
	bool no_vmcs12;
	uint32_t v12_hdr, abort_ind, launch_state;
	uint32_t pin, proc, proc2, exit_ctl, entry_ctl, cr3_count, timer_value;
	uint64_t vmfunc, eptp, link;
	/* shadow vmcs12 header, written when size >= 4224 + 998 */
	uint32_t shadow_hdr;
};

static uint8_t blob[BLOB_MAX];

static void p16(size_t off, uint16_t v)
{
	blob[off] = (uint8_t)v;
	blob[off + 1] = (uint8_t)(v >> 8);
}

static void p32(size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		blob[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void p64(size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		blob[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void build(const struct spec *s)
{
	memset(blob, 0, sizeof(blob));
	p16(0, s->flags);
	p16(2, s->format);
	p32(4, s->size);
	p64(8, s->vmxon_pa);
	p64(16, s->vmcs12_pa);
	p16(24, s->smm_flags);
	p16(26, s->pad);
	p32(28, s->vmx_flags);
	p64(32, s->deadline);
	if (s->size >= 128 + 998 && !s->no_vmcs12) {
		/* vmcs12 at blob offset 128 */
		p32(128 + 0, s->v12_hdr);
		p32(128 + 4, s->abort_ind);
		p32(128 + 8, s->launch_state);
		p64(128 + 120, s->eptp);
		p64(128 + 176, s->link);
		p64(128 + 296, s->vmfunc);
		p32(128 + 744, s->pin);
		p32(128 + 748, s->proc);
		p32(128 + 764, s->cr3_count);
		p32(128 + 768, s->exit_ctl);
		p32(128 + 780, s->entry_ctl);
		p32(128 + 804, s->proc2);
		p32(128 + 928, s->timer_value);
	}
	if (s->size >= 4224 + 998)
		p32(4224, s->shadow_hdr);
}

/* The blob in a heap buffer of exactly len bytes. */
static int parse_len(size_t len, struct nvmx_nested_state *ns, struct nvmx_ns_error *e)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, blob, len);
	int rc = nvmx_nested_state_parse(copy, len, ns, e);
	free(copy);
	return rc;
}

/* An error struct with a stale message, so that a test sees a success clear it. */
static struct nvmx_ns_error new_err(void)
{
	struct nvmx_ns_error e = { 0 };
	e.error.msg[0] = 'X';
	return e;
}

/* Spec states (section 4 / worked example in section 8). */
static struct spec vmx_off(void)
{
	return (struct spec){ .size = 128, .vmxon_pa = ALL_ONES, .vmcs12_pa = ALL_ONES };
}

static struct spec vmxon_only(void)
{
	return (struct spec){ .size = 128, .vmxon_pa = 0x7f000, .vmcs12_pa = ALL_ONES };
}

/* The worked example: VMX on, vmcs12 at 0x7e000 launched, L1 running. */
static struct spec l1_example(void)
{
	return (struct spec){
		.size = 4224, .vmxon_pa = 0x7f000, .vmcs12_pa = 0x7e000,
		.v12_hdr = 0x11e57ed0, .launch_state = 1, .link = ALL_ONES,
		.pin = 0x00000016, .proc = 0x0401e172, .exit_ctl = 0x00036dff,
		.entry_ctl = 0x000011ff,
	};
}

/* The nested MSRs KVM offers by default (companion notes, constant rows). */
static struct nvmx_msrs kvm_default_msrs(void)
{
	struct nvmx_msrs m = { 0 };
	nvmx_msrs_set(&m, NVMX_TRUE_PINBASED, UINT64_C(0x0000007f00000016));
	nvmx_msrs_set(&m, NVMX_TRUE_PROCBASED, UINT64_C(0xfff9fffe04006172));
	nvmx_msrs_set(&m, NVMX_TRUE_EXIT, UINT64_C(0x00ffffff00036dfb));
	nvmx_msrs_set(&m, NVMX_TRUE_ENTRY, UINT64_C(0x0001f3ff000011fb));
	/* a rich secondary word, EPT caps with UC/WB, 4-level, A/D; EPTP switching */
	nvmx_msrs_set(&m, NVMX_PROCBASED2, UINT64_C(0x0000ffff00000000));
	nvmx_msrs_set(&m, NVMX_EPT_VPID_CAP, UINT64_C(0x00000f0106334141));
	nvmx_msrs_set(&m, NVMX_VMFUNC, 1);
	return m;
}

/* ---- valid states --------------------------------------------------------- */

static void test_vmx_off(void)
{
	struct spec s = vmx_off();
	struct nvmx_nested_state ns;
	struct nvmx_ns_error e = new_err();
	build(&s);
	int rc = parse_len(128, &ns, &e);
	tap_ok(rc == 0 && e.code == NVMX_NS_OK && e.error.msg[0] == 0, "VMX off: parses, message cleared");
	tap_ok(ns.state == NVMX_NS_STATE_VMX_OFF && !ns.vmx_on && !ns.guest_mode &&
	       !ns.vmcs12_present && !ns.evmcs && !ns.smm && !ns.run_pending && ns.notes == 0,
	       "VMX off: not in VMX operation, no L2, no vmcs12, no notes");
	tap_eq64(ns.vmxon_pa, ALL_ONES, "VMX off: vmxon_pa all-ones");
	tap_eq64(ns.size, 128, "VMX off: size 128");

	struct nvmx_msrs m = kvm_default_msrs();
	struct nvmx_ns_check c;
	unsigned n = nvmx_nested_state_check(&ns, &m, &c);
	tap_ok(n == 0 && !c.applicable && c.when == NVMX_NS_WHEN_NONE && !c.set_fails,
	       "VMX off: no vmcs12, nothing to check");

	/* EVMCS is accepted with VMX off (backward compatibility) */
	s.flags = 0x0004;
	build(&s);
	rc = parse_len(128, &ns, &e);
	tap_ok(rc == 0 && ns.evmcs && ns.state == NVMX_NS_STATE_VMX_OFF,
	       "VMX off with EVMCS flag: accepted, evmcs reported");

	/* A longer size with VMX off: SET reads nothing more */
	s = vmx_off();
	s.size = 4224;
	build(&s);
	rc = parse_len(4224, &ns, &e);
	tap_ok(rc == 0 && (ns.notes & NVMX_NS_NOTE_DATA_IGNORED) && !ns.vmcs12_present,
	       "VMX off, size 4224: accepted, data noted as ignored");
}

static void test_vmxon_only(void)
{
	struct spec s = vmxon_only();
	struct nvmx_nested_state ns;
	struct nvmx_ns_error e = new_err();
	build(&s);
	int rc = parse_len(128, &ns, &e);
	tap_ok(rc == 0 && ns.state == NVMX_NS_STATE_VMXON && ns.vmx_on && !ns.vmcs12_present &&
	       !ns.guest_mode, "VMXON without VMPTRLD: VMX on, no vmcs12");
	tap_eq64(ns.vmxon_pa, 0x7f000, "VMXON without VMPTRLD: vmxon_pa");
	tap_eq64(ns.vmcs12_pa, ALL_ONES, "VMXON without VMPTRLD: vmcs12_pa all-ones");

	/* SMM with VMX on, no vmcs12 */
	s.smm_flags = 0x0002;
	build(&s);
	rc = parse_len(128, &ns, &e);
	tap_ok(rc == 0 && ns.smm && ns.smm_vmxon && !ns.smm_guest_mode &&
	       ns.state == NVMX_NS_STATE_VMXON, "in SMM, was in VMX operation: smm_vmxon");
}

static void test_l1_example(void)
{
	struct spec s = l1_example();
	s.abort_ind = 0x5a;	/* any value: the parser must report it */
	build(&s);
	/* the bytes of the worked example, as listed there */
	static const uint8_t hdr_bytes[] = {
		0x00, 0x00, 0x00, 0x00, 0x80, 0x10, 0x00, 0x00,
		0x00, 0xf0, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0xe0, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t rev_bytes[] = { 0xd0, 0x7e, 0xe5, 0x11 };
	static const uint8_t proc_bytes[] = { 0x72, 0xe1, 0x01, 0x04 };
	tap_ok(!memcmp(blob, hdr_bytes, sizeof(hdr_bytes)) &&
	       !memcmp(blob + 0x80, rev_bytes, 4) && !memcmp(blob + 0x36c, proc_bytes, 4),
	       "builder reproduces the worked example's bytes");

	struct nvmx_nested_state ns;
	struct nvmx_ns_error e = new_err();
	int rc = parse_len(4224, &ns, &e);
	tap_ok(rc == 0 && ns.state == NVMX_NS_STATE_L1 && ns.vmx_on && !ns.guest_mode &&
	       ns.vmcs12_present && !ns.shadow_present && !ns.evmcs && ns.notes == 0,
	       "worked example: VMX on, vmcs12 present, L1 running, no notes");
	tap_eq64(ns.vmcs12_pa, 0x7e000, "worked example: vmcs12_pa");
	tap_eq64(ns.vmcs12_revision, 0x11e57ed0, "worked example: revision");
	tap_eq64(ns.vmcs12_abort, 0x5a, "worked example: abort indicator");
	tap_eq64(ns.launch_state, 1, "worked example: launched");
	tap_eq64(ns.ctl.pin, 0x16, "worked example: pin-based");
	tap_eq64(ns.ctl.proc, 0x0401e172, "worked example: primary");
	tap_eq64(ns.ctl.exit, 0x00036dff, "worked example: exit");
	tap_eq64(ns.ctl.entry, 0x000011ff, "worked example: entry");
	tap_eq64(ns.ctl.vmcs_link_pointer, ALL_ONES, "worked example: link pointer");
	tap_ok(!ns.ctl.proc2_active && !ns.ctl.ept_active && !ns.ctl.vmfunc_active &&
	       !ns.ctl.has_proc3 && ns.ctl.proc3 == 0,
	       "worked example: no secondary, EPT, VMFUNC, tertiary");

	struct nvmx_msrs m = kvm_default_msrs();
	struct nvmx_ns_check c;
	unsigned n = nvmx_nested_state_check(&ns, &m, &c);
	tap_ok(n == 0 && c.applicable && c.when == NVMX_NS_WHEN_VMENTRY && !c.set_fails,
	       "worked example vs KVM's default MSRs: nothing missing");
	tap_ok(c.w[NVMX_NS_W_PIN].checked && c.w[NVMX_NS_W_PIN].msr == NVMX_TRUE_PINBASED &&
	       !c.w[NVMX_NS_W_PROC2].checked && !c.w[NVMX_NS_W_PROC3].checked &&
	       !c.w[NVMX_NS_W_VMFUNC].checked && !c.w[NVMX_NS_W_EPTP].checked,
	       "only the words in effect are checked, pin against 0x48d");

	/* L1 uses secondary controls with EPT; the destination has no EPT */
	s.proc |= UINT32_C(1) << 31;
	s.proc2 = (1u << 1) | (1u << 5);
	s.eptp = UINT64_C(0x12345000) | 6 | (3 << 3);
	build(&s);
	rc = parse_len(4224, &ns, &e);
	tap_ok(rc == 0 && ns.ctl.proc2_active && ns.ctl.ept_active && !ns.ctl.eptp_ad &&
	       ns.ctl.eptp_memtype == 6 && ns.ctl.eptp_walk_levels == 4,
	       "L1 with EPT: secondary active, EPTP WB 4-level without A/D");
	m = kvm_default_msrs();
	nvmx_msrs_set(&m, NVMX_PROCBASED2, UINT64_C(0x0000fffd00000000));
	n = nvmx_nested_state_check(&ns, &m, &c);
	tap_ok(n == 1 && c.w[NVMX_NS_W_PROC2].bad && c.w[NVMX_NS_W_PROC2].not_allowed == 0x2 &&
	       !c.w[NVMX_NS_W_PROC2].must_be_one, "destination without EPT: secondary bit 1 missing");
	tap_ok(!c.w[NVMX_NS_W_PROC2].rejected_by_set && !c.set_fails &&
	       c.w[NVMX_NS_W_PROC2].when == NVMX_NS_WHEN_VMENTRY,
	       "not in guest mode: SET accepts, surfaces at L1's next VM entry");
	char text[1024];
	size_t need = nvmx_ns_check_describe(&c, text, sizeof(text));
	bool one_line = need && text[need - 1] == '\n' && !strchr(text, '\n')[1];
	text[strcspn(text, "\n")] = 0;
	tap_ok(one_line && need == strlen(text) + 1 && strstr(text, "secondary") && strstr(text, "bit 1") &&
	       strstr(text, "IA32_VMX_PROCBASED_CTLS2") && strstr(text, "VMLAUNCH/VMRESUME"),
	       "describe names the word, bit, MSR and when: %s", text);
}

static void test_l2_running(void)
{
	/* L2 running: preemption timer, secondary (EPT, VPID, unrestricted, VMFUNC), EPTP with A/D */
	struct spec s = l1_example();
	s.flags = 0x0001 | 0x0002;
	s.vmx_flags = 0x1;
	s.deadline = 0x123456789;
	s.pin = 0x16 | (1u << 6);
	s.proc = 0x0401e172 | (UINT32_C(1) << 31);
	s.proc2 = (1u << 1) | (1u << 5) | (1u << 7) | (1u << 13);
	s.vmfunc = 1;
	s.eptp = UINT64_C(0x7d000) | 6 | (3 << 3) | (1 << 6);
	s.exit_ctl = 0x00036dfa;	/* bit 0 cleared */
	s.cr3_count = 0;
	s.timer_value = 1000;
	build(&s);

	struct nvmx_nested_state ns;
	struct nvmx_ns_error e = new_err();
	int rc = parse_len(4224, &ns, &e);
	tap_ok(rc == 0 && ns.state == NVMX_NS_STATE_L2 && ns.guest_mode && ns.run_pending &&
	       ns.vmcs12_present && ns.has_deadline && !ns.shadow_present && ns.notes == 0,
	       "L2 running, run pending, deadline valid");
	tap_eq64(ns.preemption_timer_deadline, 0x123456789, "L2: deadline");
	tap_eq64(ns.ctl.preemption_timer_value, 1000, "L2: timer value");
	tap_eq64(ns.ctl.proc2, 0x20a2, "L2: secondary");
	tap_eq64(ns.ctl.vmfunc, 1, "L2: VMFUNC");
	tap_eq64(ns.ctl.eptp, UINT64_C(0x7d05e), "L2: EPTP");
	tap_ok(ns.ctl.eptp_ad && ns.ctl.vmfunc_active && ns.ctl.ept_active,
	       "L2: EPT A/D enabled, VMFUNC and EPT active");

	/* KVM's defaults allow all of it but the cleared exit bit 0 (allowed-0 says 1) */
	struct nvmx_msrs m = kvm_default_msrs();
	struct nvmx_ns_check c;
	unsigned n = nvmx_nested_state_check(&ns, &m, &c);
	tap_ok(n == 1 && c.w[NVMX_NS_W_EXIT].must_be_one == 1 && !c.w[NVMX_NS_W_EXIT].not_allowed,
	       "exit bit 0 cleared although 0x48f requires it");
	tap_ok(c.set_fails && c.w[NVMX_NS_W_EXIT].rejected_by_set && c.when == NVMX_NS_WHEN_SET,
	       "L2 running: KVM_SET_NESTED_STATE itself rejects it");

	/* A destination without the preemption timer, unrestricted guest, EPT A/D, VMFUNC */
	nvmx_msrs_set(&m, NVMX_TRUE_PINBASED, UINT64_C(0x0000003f00000016));
	nvmx_msrs_set(&m, NVMX_PROCBASED2, UINT64_C(0x0000ff7f00000000));
	nvmx_msrs_set(&m, NVMX_EPT_VPID_CAP, UINT64_C(0x00000f0106134141));
	nvmx_msrs_set(&m, NVMX_VMFUNC, 0);
	n = nvmx_nested_state_check(&ns, &m, &c);
	tap_ok(n == 5, "five words with findings (%u)", n);
	tap_eq64(c.w[NVMX_NS_W_PIN].not_allowed, 0x40, "pin: preemption timer not allowed");
	tap_eq64(c.w[NVMX_NS_W_PROC2].not_allowed, 0x80, "secondary: unrestricted guest not allowed");
	tap_eq64(c.w[NVMX_NS_W_VMFUNC].not_allowed, 1, "VMFUNC: EPTP switching not allowed");
	tap_ok(c.w[NVMX_NS_W_EPTP].eptp_why == NVMX_NS_EPTP_AD &&
	       c.w[NVMX_NS_W_EPTP].not_allowed == 0x40, "EPTP: A/D not advertised");
	tap_ok(!c.w[NVMX_NS_W_PROC].bad && !c.w[NVMX_NS_W_ENTRY].bad && c.w[NVMX_NS_W_EXIT].bad,
	       "primary and entry fine, exit still bad");
	int all_set = 1;
	for (int i = 0; i < NVMX_NS_W_COUNT; i++)
		if (c.w[i].bad && (!c.w[i].rejected_by_set || c.w[i].when != NVMX_NS_WHEN_SET))
			all_set = 0;
	tap_ok(all_set, "every finding flagged as rejected by SET");
	char text[2048];
	nvmx_ns_check_describe(&c, text, sizeof(text));
	tap_ok(strstr(text, "PIN_BASED_VMX_PREEMPTION_TIMER") && strstr(text, "accessed/dirty") &&
	       strstr(text, "EINVAL"), "describe names the preemption timer, A/D, EINVAL");
	char tiny[16];
	size_t need = nvmx_ns_check_describe(&c, tiny, sizeof(tiny));
	tap_ok(need > sizeof(tiny) && strlen(tiny) == sizeof(tiny) - 1,
	       "describe truncates into a small buffer and reports the full length");

	/* Other EPTP faults */
	struct { uint64_t eptp; unsigned why; const char *what; } ep[] = {
		{ 0x7d000 | 1 | (3 << 3), NVMX_NS_EPTP_MEMTYPE, "memory type 1" },
		{ 0x7d000 | 0 | (3 << 3), 0, "memory type UC advertised" },
		{ 0x7d000 | 6 | (4 << 3), NVMX_NS_EPTP_WALK, "5-level walk not advertised" },
		{ 0x7d000 | 6 | (2 << 3), NVMX_NS_EPTP_WALK, "3-level walk" },
		{ 0x7d000 | 6 | (3 << 3) | 0x100, NVMX_NS_EPTP_RESERVED, "bit 8 reserved" },
	};
	m = kvm_default_msrs();
	for (size_t i = 0; i < sizeof(ep) / sizeof(ep[0]); i++) {
		s.eptp = ep[i].eptp;
		s.exit_ctl = 0x00036dfb;
		build(&s);
		rc = parse_len(4224, &ns, &e);
		nvmx_nested_state_check(&ns, &m, &c);
		tap_ok(rc == 0 && c.w[NVMX_NS_W_EPTP].eptp_why == ep[i].why &&
		       c.w[NVMX_NS_W_EPTP].bad == (ep[i].why != 0), "EPTP: %s", ep[i].what);
	}

	/* Absent TRUE MSR: its non-TRUE twin is used; both absent reads as 0 */
	s = l1_example();
	s.flags = 0x0001;
	build(&s);
	parse_len(4224, &ns, &e);
	struct nvmx_msrs only_plain = { 0 };
	nvmx_msrs_set(&only_plain, NVMX_PINBASED, UINT64_C(0x0000007f00000016));
	nvmx_msrs_set(&only_plain, NVMX_TRUE_PROCBASED, UINT64_C(0xfff9fffe04006172));
	nvmx_msrs_set(&only_plain, NVMX_TRUE_EXIT, UINT64_C(0x00ffffff00036dfb));
	n = nvmx_nested_state_check(&ns, &only_plain, &c);
	tap_ok(c.w[NVMX_NS_W_PIN].non_true && c.w[NVMX_NS_W_PIN].msr == NVMX_PINBASED &&
	       !c.w[NVMX_NS_W_PIN].bad, "pin against 0x481 when 0x48d is absent");
	tap_ok(n == 1 && c.w[NVMX_NS_W_ENTRY].msr_absent &&
	       c.w[NVMX_NS_W_ENTRY].not_allowed == 0x11ff, "entry against nothing: every bit missing");
}

static void test_shadow_smm_evmcs(void)
{
	/* L2 with VMCS shadowing and a link pointer: the shadow image is read */
	struct spec s = l1_example();
	s.flags = 0x0001;
	s.proc |= UINT32_C(1) << 31;
	s.proc2 = 1u << 14;
	s.link = 0x7c000;
	s.size = 8320;
	s.shadow_hdr = 0x91e57ed0;
	build(&s);
	struct nvmx_nested_state ns;
	struct nvmx_ns_error e = new_err();
	int rc = parse_len(8320, &ns, &e);
	tap_ok(rc == 0 && ns.shadow_present && ns.ctl.shadowing_active &&
	       ns.shadow_revision == 0x11e57ed0, "L2 with shadowing: shadow vmcs12 present");

	s.shadow_hdr = 0x11e57ed0;
	build(&s);
	rc = parse_len(8320, &ns, &e);
	tap_ok(rc < 0 && e.code == NVMX_NS_ERR_SHADOW_HEADER && e.offset == 4224 &&
	       e.expected == 0x91e57ed0 && e.found == 0x11e57ed0, "shadow header without bit 31: %s",
	       e.error.msg);
	s.size = 4224;
	build(&s);
	rc = parse_len(4224, &ns, &e);
	tap_ok(rc < 0 && e.code == NVMX_NS_ERR_SHADOW_MISSING && e.offset == 4 &&
	       e.expected == 4224 + 998 && e.found == 4224, "shadow needed, size 4224: %s", e.error.msg);
	/* not in guest mode: SET does not read the shadow slot */
	s.flags = 0;
	s.size = 8320;
	s.shadow_hdr = 0;
	build(&s);
	rc = parse_len(8320, &ns, &e);
	tap_ok(rc == 0 && !ns.shadow_present && (ns.notes & NVMX_NS_NOTE_SHADOW_UNUSED),
	       "shadowing but L1 running: shadow slot not read, noted");

	/* In SMM, L2 was running */
	s = l1_example();
	s.smm_flags = 0x0003;
	build(&s);
	rc = parse_len(4224, &ns, &e);
	tap_ok(rc == 0 && ns.state == NVMX_NS_STATE_SMM_L2 && ns.smm_guest_mode && ns.smm_vmxon &&
	       !ns.guest_mode, "SMM with L2 interrupted");
	struct nvmx_msrs m = kvm_default_msrs();
	nvmx_msrs_set(&m, NVMX_TRUE_PINBASED, UINT64_C(0x0000000000000016));
	struct nvmx_ns_check c;
	unsigned n = nvmx_nested_state_check(&ns, &m, &c);
	tap_ok(n == 1 && c.when == NVMX_NS_WHEN_RSM && !c.set_fails &&
	       c.w[NVMX_NS_W_PIN].not_allowed == 0x16, "SMM L2: surfaces at RSM, not at SET");

	/* eVMCS current: vmcs12_pa all-ones with EVMCS */
	s = l1_example();
	s.vmcs12_pa = ALL_ONES;
	s.flags = 0x0004;
	build(&s);
	rc = parse_len(4224, &ns, &e);
	tap_ok(rc == 0 && ns.evmcs && ns.vmcs12_present && ns.state == NVMX_NS_STATE_L1,
	       "eVMCS current: vmcs12 present from the eVMCS");
}

static void test_notes(void)
{
	struct spec s = l1_example();
	s.pad = 1;
	s.flags = 0x0008 | 0x0100;
	s.vmx_flags = 1;
	s.v12_hdr = 0x91e57ed0;
	build(&s);
	blob[100] = 1;	/* header padding */
	struct nvmx_nested_state ns;
	struct nvmx_ns_error e = new_err();
	int rc = parse_len(4224, &ns, &e);
	uint32_t want = NVMX_NS_NOTE_PAD_NONZERO | NVMX_NS_NOTE_HDR_PAD_NONZERO |
			NVMX_NS_NOTE_MTF_IGNORED | NVMX_NS_NOTE_GIF_IGNORED |
			NVMX_NS_NOTE_DEADLINE_IGNORED | NVMX_NS_NOTE_VMCS12_SHADOW_BIT;
	tap_ok(rc == 0 && ns.notes == want && ns.vmcs12_shadow_bit,
	       "tolerated oddities become notes (0x%x)", ns.notes);

	s = l1_example();
	s.size = 128 + 998;
	build(&s);
	rc = parse_len(128 + 998, &ns, &e);
	tap_ok(rc == 0 && ns.vmcs12_present && ns.notes == NVMX_NS_NOTE_SIZE_ODD,
	       "size 1126 is the least that holds a vmcs12; odd size noted");

	s = vmxon_only();
	s.size = 1000;
	build(&s);
	rc = parse_len(1000, &ns, &e);
	tap_ok(rc == 0 && ns.state == NVMX_NS_STATE_VMXON &&
	       ns.notes == (NVMX_NS_NOTE_SIZE_ODD | NVMX_NS_NOTE_DATA_IGNORED),
	       "VMX on, size 1000 without vmcs12_pa: data ignored");

	/* longer buffer than size (a GET buffer of the capability size) */
	s = l1_example();
	build(&s);
	rc = parse_len(8320, &ns, &e);
	tap_ok(rc == 0 && ns.size == 4224 && ns.notes == 0, "buffer longer than size is fine");
}

/* ---- malformed blobs ------------------------------------------------------ */

static void test_truncated(void)
{
	/* header fields per the spec: offset, width, name */
	static const struct { uint32_t off, width; const char *name; } f[] = {
		{ 0, 2, "flags" }, { 2, 2, "format" }, { 4, 4, "size" },
		{ 8, 8, "hdr.vmx.vmxon_pa" }, { 16, 8, "hdr.vmx.vmcs12_pa" },
		{ 24, 2, "hdr.vmx.smm.flags" }, { 26, 2, "hdr.vmx.pad" },
		{ 28, 4, "hdr.vmx.flags" }, { 32, 8, "hdr.vmx.preemption_timer_deadline" },
		{ 40, 88, "header padding" },
	};
	struct spec s = l1_example();
	build(&s);
	/* at every field boundary */
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		struct nvmx_nested_state ns;
		struct nvmx_ns_error e = new_err();
		int rc = parse_len(f[i].off, &ns, &e);
		tap_ok(rc < 0 && e.code == NVMX_NS_ERR_TRUNCATED && e.field &&
		       !strcmp(e.field, f[i].name) && e.offset == f[i].off && e.width == f[i].width &&
		       e.rel == NVMX_NS_REL_MIN && e.expected == f[i].off + f[i].width &&
		       e.found == f[i].off, "truncated at %u: %s", f[i].off, e.error.msg);
	}
	/* and inside every field */
	int ok = 1;
	for (size_t len = 0; len < 128; len++) {
		size_t i = 0;
		while (!(len >= f[i].off && len < f[i].off + f[i].width))
			i++;
		struct nvmx_nested_state ns;
		struct nvmx_ns_error e = new_err();
		int rc = parse_len(len, &ns, &e);
		if (rc >= 0 || e.code != NVMX_NS_ERR_TRUNCATED || strcmp(e.field, f[i].name) ||
		    e.found != len) {
			tap_diag("len %zu: %s", len, e.error.msg);
			ok = 0;
		}
	}
	tap_ok(ok, "every length 0..127 names the field it ends in");

	struct nvmx_ns_error e = new_err();
	struct nvmx_nested_state ns;
	parse_len(20, &ns, &e);
	tap_ok(!strcmp(e.error.msg, "hdr.vmx.vmcs12_pa at offset 16 (8 bytes): blob truncated inside "
			       "the header: buffer length: expected at least 24, found 20"),
	       "truncation message is exact");
}

struct bad_case {
	const char *what;
	struct spec s;
	size_t len;		/* 0: the spec's size */
	enum nvmx_ns_err code;
	uint32_t off;
	uint64_t expected, found;
};

static void run_bad(const struct bad_case *b)
{
	build(&b->s);
	struct nvmx_nested_state ns;
	struct nvmx_ns_error e = new_err();
	int rc = parse_len(b->len ? b->len : b->s.size, &ns, &e);
	int ok = tap_ok(rc < 0 && e.code == b->code && e.offset == b->off &&
			e.expected == b->expected && e.found == b->found && e.field && e.error.msg[0],
			"%s -> %s: %s", b->what, nvmx_ns_err_name(b->code), e.error.msg);
	if (!ok)
		tap_diag("got code %d (%s) off %u expected 0x%llx found 0x%llx", e.code,
			 nvmx_ns_err_name(e.code), e.offset, (unsigned long long)e.expected,
			 (unsigned long long)e.found);
}

static void test_malformed(void)
{
	struct bad_case c;
	const uint32_t A = 0x7f000;

	c = (struct bad_case){ "format 1 (SVM)", vmx_off(), 0, NVMX_NS_ERR_FORMAT, 2, 0, 1 };
	c.s.format = 1;
	run_bad(&c);
	c = (struct bad_case){ "format 0x1234", vmx_off(), 0, NVMX_NS_ERR_FORMAT, 2, 0, 0x1234 };
	c.s.format = 0x1234;
	run_bad(&c);

	c = (struct bad_case){ "size 0", vmx_off(), 128, NVMX_NS_ERR_SIZE_SMALL, 4, 128, 0 };
	c.s.size = 0;
	run_bad(&c);
	c = (struct bad_case){ "size 127", vmx_off(), 128, NVMX_NS_ERR_SIZE_SMALL, 4, 128, 127 };
	c.s.size = 127;
	run_bad(&c);
	c = (struct bad_case){ "size 4224, buffer 4000", l1_example(), 4000,
			       NVMX_NS_ERR_SIZE_BUFFER, 4, 4000, 4224 };
	run_bad(&c);
	c = (struct bad_case){ "size 0xffffffff, buffer 128", vmx_off(), 128,
			       NVMX_NS_ERR_SIZE_BUFFER, 4, 128, 0xffffffff };
	c.s.size = 0xffffffff;
	run_bad(&c);

	c = (struct bad_case){ "flag 0x10", vmxon_only(), 0, NVMX_NS_ERR_FLAGS_UNKNOWN, 0, 0x010f,
			       0x10 };
	c.s.flags = 0x10;
	run_bad(&c);
	c = (struct bad_case){ "flag 0x8000", vmxon_only(), 0, NVMX_NS_ERR_FLAGS_UNKNOWN, 0, 0x010f,
			       0x8001 };
	c.s.flags = 0x8001;
	run_bad(&c);
	c = (struct bad_case){ "RUN_PENDING alone", l1_example(), 0, NVMX_NS_ERR_RUN_PENDING, 0,
			       0x3, 0x2 };
	c.s.flags = 0x2;
	run_bad(&c);

	c = (struct bad_case){ "VMX off with GUEST_MODE", vmx_off(), 0, NVMX_NS_ERR_VMX_OFF_STATE, 0,
			       0x4, 0x1 };
	c.s.flags = 0x1;
	run_bad(&c);
	c = (struct bad_case){ "VMX off with GIF_SET", vmx_off(), 0, NVMX_NS_ERR_VMX_OFF_STATE, 0,
			       0x4, 0x100 };
	c.s.flags = 0x100;
	run_bad(&c);
	c = (struct bad_case){ "VMX off with a vmcs12_pa", vmx_off(), 0, NVMX_NS_ERR_VMX_OFF_STATE,
			       16, ALL_ONES, 0x7e000 };
	c.s.vmcs12_pa = 0x7e000;
	run_bad(&c);
	c = (struct bad_case){ "VMX off with SMM_VMXON", vmx_off(), 0, NVMX_NS_ERR_VMX_OFF_STATE, 24,
			       0, 2 };
	c.s.smm_flags = 2;
	run_bad(&c);

	c = (struct bad_case){ "vmxon_pa unaligned", vmxon_only(), 0, NVMX_NS_ERR_VMXON_PA, 8,
			       4096, A + 8 };
	c.s.vmxon_pa = A + 8;
	run_bad(&c);

	c = (struct bad_case){ "SMM flag 0x4", vmxon_only(), 0, NVMX_NS_ERR_SMM_FLAGS_UNKNOWN, 24,
			       0x3, 0x6 };
	c.s.smm_flags = 0x6;
	run_bad(&c);
	c = (struct bad_case){ "SMM_GUEST_MODE without SMM_VMXON", l1_example(), 0,
			       NVMX_NS_ERR_SMM_COMBO, 24, 0x3, 0x1 };
	c.s.smm_flags = 0x1;
	run_bad(&c);
	c = (struct bad_case){ "SMM_VMXON with GUEST_MODE", l1_example(), 0, NVMX_NS_ERR_SMM_COMBO,
			       0, 0x3, 0x1 };
	c.s.smm_flags = 0x2;
	c.s.flags = 0x1;
	run_bad(&c);
	c = (struct bad_case){ "SMM_GUEST_MODE with GUEST_MODE", l1_example(), 0,
			       NVMX_NS_ERR_SMM_COMBO, 0, 0x3, 0x1 };
	c.s.smm_flags = 0x3;
	c.s.flags = 0x1;
	run_bad(&c);

	c = (struct bad_case){ "VMX header flag 0x2", l1_example(), 0, NVMX_NS_ERR_VMX_FLAGS_UNKNOWN,
			       28, 0x1, 0x3 };
	c.s.vmx_flags = 0x3;
	run_bad(&c);

	c = (struct bad_case){ "size 128 with a vmcs12_pa", l1_example(), 0, NVMX_NS_ERR_NO_VMCS12,
			       4, 1126, 128 };
	c.s.size = 128;
	run_bad(&c);
	c = (struct bad_case){ "size 1125 in guest mode", vmxon_only(), 0, NVMX_NS_ERR_NO_VMCS12, 4,
			       1126, 1125 };
	c.s.size = 1125;
	c.s.flags = 0x1;
	run_bad(&c);
	c = (struct bad_case){ "size 128 with EVMCS", vmxon_only(), 0, NVMX_NS_ERR_NO_VMCS12, 4,
			       1126, 128 };
	c.s.flags = 0x4;
	run_bad(&c);

	c = (struct bad_case){ "vmcs12_pa == vmxon_pa", l1_example(), 0, NVMX_NS_ERR_VMCS12_PA, 16,
			       A, A };
	c.s.vmcs12_pa = A;
	run_bad(&c);
	c = (struct bad_case){ "vmcs12_pa unaligned", l1_example(), 0, NVMX_NS_ERR_VMCS12_PA, 16,
			       4096, 0x7e010 };
	c.s.vmcs12_pa = 0x7e010;
	run_bad(&c);
	c = (struct bad_case){ "vmcs12 data without any current VMCS", l1_example(), 0,
			       NVMX_NS_ERR_VMCS12_PA, 16, ALL_ONES, ALL_ONES };
	c.s.vmcs12_pa = ALL_ONES;
	run_bad(&c);

	c = (struct bad_case){ "vmcs12 revision 0x10", l1_example(), 0, NVMX_NS_ERR_REVISION, 128,
			       0x11e57ed0, 0x10 };
	c.s.v12_hdr = 0x80000010;
	run_bad(&c);
	c = (struct bad_case){ "vmcs12 image all zero", l1_example(), 0, NVMX_NS_ERR_REVISION, 128,
			       0x11e57ed0, 0 };
	c.s.no_vmcs12 = true;
	run_bad(&c);

	/* the message carries field, offset, expectation and value */
	struct spec s = vmx_off();
	s.format = 1;
	build(&s);
	struct nvmx_nested_state ns;
	struct nvmx_ns_error e = new_err();
	parse_len(128, &ns, &e);
	tap_ok(!strcmp(e.error.msg, "format at offset 2 (2 bytes): SVM blob, not VMX: expected 0x0, found 0x1"),
	       "format message is exact");

	/* the common error's code: a field KVM refuses is a value, a cut blob a syntax error */
	tap_ok(e.code == NVMX_NS_ERR_FORMAT && e.error.code == NVMX_E_VALUE && !e.error.line,
	       "a refused field: NVMX_E_VALUE (%s)", nvmx_errc_name(e.error.code));
	e = new_err();
	int rc = parse_len(12, &ns, &e);
	tap_ok(rc < 0 && e.code == NVMX_NS_ERR_TRUNCATED && e.error.code == NVMX_E_SYNTAX,
	       "a blob cut inside its header: NVMX_E_SYNTAX (%s)", nvmx_errc_name(e.error.code));
	tap_ok(parse_len(128, &ns, NULL) < 0, "no error struct: still fails");
	e = new_err();
	rc = nvmx_nested_state_parse(NULL, 128, &ns, &e);
	tap_ok(rc < 0 && e.code == NVMX_NS_ERR_ARG, "NULL buffer: %s", e.error.msg);
	rc = nvmx_nested_state_parse(blob, 128, NULL, &e);
	tap_ok(rc < 0 && e.code == NVMX_NS_ERR_ARG, "NULL output: %s", e.error.msg);
	tap_ok(nvmx_nested_state_check(NULL, NULL, NULL) == 0, "check with NULLs: 0");

	int names = 1;
	for (int i = 0; i < NVMX_NS_ERR_COUNT; i++)
		if (!nvmx_ns_err_name((enum nvmx_ns_err)i) || !*nvmx_ns_err_name((enum nvmx_ns_err)i))
			names = 0;
	tap_ok(names && !strcmp(nvmx_ns_err_name(NVMX_NS_ERR_COUNT), "unknown error"),
	       "every error has a name");
}

/* ---- mutations: whatever the bytes, a clean verdict ---------------------- */

static uint32_t rng_state = 12345;

static uint32_t rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void test_mutations(void)
{
	struct spec bases[4] = { vmx_off(), vmxon_only(), l1_example(), l1_example() };
	bases[3].flags = 0x0001;
	bases[3].proc |= UINT32_C(1) << 31;
	bases[3].proc2 = (1u << 14) | (1u << 1);
	bases[3].link = 0x7c000;
	bases[3].size = 8320;
	bases[3].shadow_hdr = 0x91e57ed0;
	/* header bytes and the vmcs12 words the parser reads */
	static const uint16_t hot[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 23, 24, 25, 28, 31,
					128, 131, 876, 879, 932, 935, 4224, 4227 };
	struct nvmx_msrs m = kvm_default_msrs();
	int ok = 1, accepted = 0;
	for (int it = 0; it < 20000 && ok; it++) {
		const struct spec *b = &bases[rnd() % 4];
		build(b);
		size_t len = b->size;
		for (int k = 1 + (int)(rnd() % 3); k > 0; k--) {
			size_t at = hot[rnd() % (sizeof(hot) / sizeof(hot[0]))];
			if (at < len)
				blob[at] = (uint8_t)rnd();
		}
		if (rnd() % 4 == 0)
			len = rnd() % (len + 1);
		struct nvmx_nested_state ns;
		struct nvmx_ns_error e = new_err();
		int rc = parse_len(len, &ns, &e);
		if (rc == 0) {
			accepted++;
			struct nvmx_ns_check c;
			nvmx_nested_state_check(&ns, &m, &c);
			ok = e.code == NVMX_NS_OK && ns.size <= len && ns.size >= 128 &&
			     (!ns.vmcs12_present || ns.size >= 128 + 998) &&
			     (!ns.shadow_present || ns.size >= 4224 + 998) &&
			     c.applicable == ns.vmcs12_present;
		} else {
			ok = e.code > NVMX_NS_ERR_IO && e.code < NVMX_NS_ERR_COUNT && e.field &&
			     e.error.msg[0] && strlen(e.error.msg) < sizeof(e.error.msg) &&
			     e.offset + e.width <= 8320;
		}
		if (!ok)
			tap_diag("iteration %d, len %zu: rc %d code %d: %s", it, len, rc, e.code, e.error.msg);
	}
	tap_ok(ok && accepted > 100, "20000 mutated blobs: each accepted consistently or refused with a "
	       "located error (%d accepted)", accepted);
}

/* ---- the file reader ------------------------------------------------------ */

static void test_file(void)
{
	const char *dir = getenv("NVMX_BUILD");
	char path[256];
	snprintf(path, sizeof(path), "%s/tests/nested_state_XXXXXX", dir && *dir ? dir : "build");
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(path, sizeof(path), "nested_state_XXXXXX");
		fd = mkstemp(path);
	}
	if (fd < 0) {
		tap_ok(1, "# SKIP cannot create a temporary file");
		return;
	}
	struct spec s = l1_example();
	build(&s);
	int wrote = write(fd, blob, 4224) == 4224;
	close(fd);

	static uint8_t buf[8320];
	struct nvmx_nested_state ns;
	struct nvmx_ns_error e = new_err();
	int rc = nvmx_nested_state_load(path, buf, sizeof(buf), &ns, &e);
	tap_ok(wrote && rc == 0 && ns.state == NVMX_NS_STATE_L1 && ns.ctl.proc == 0x0401e172,
	       "load a 4224-byte blob from a file");
	size_t len = 0;
	rc = nvmx_nested_state_read_file(path, buf, 4224, &len, &e);
	tap_ok(rc == 0 && len == 4224, "a file exactly the buffer's size is read");
	rc = nvmx_nested_state_read_file(path, buf, 4223, &len, &e);
	tap_ok(rc < 0 && e.code == NVMX_NS_ERR_IO && e.error.code == NVMX_E_LIMIT &&
	       e.error.sys_errno == EFBIG && strstr(e.error.msg, path),
	       "a file larger than the buffer: %s", e.error.msg);

	fd = open(path, O_WRONLY | O_TRUNC);
	wrote = fd >= 0 && write(fd, blob, 100) == 100;
	if (fd >= 0)
		close(fd);
	rc = nvmx_nested_state_load(path, buf, sizeof(buf), &ns, &e);
	tap_ok(wrote && rc < 0 && e.code == NVMX_NS_ERR_TRUNCATED &&
	       !strncmp(e.error.msg, path, strlen(path)) && strstr(e.error.msg, "header padding"),
	       "a truncated file: parse error prefixed with the path: %s", e.error.msg);
	unlink(path);

	rc = nvmx_nested_state_load(path, buf, sizeof(buf), &ns, &e);
	tap_ok(rc < 0 && e.code == NVMX_NS_ERR_IO && e.error.code == NVMX_E_IO &&
	       e.error.sys_errno == ENOENT && !strcmp(e.error.msg + strlen(path), ": no such file"),
	       "missing file, said as the host readers say it: %s",
	       e.error.msg);
	rc = nvmx_nested_state_read_file("tests", buf, sizeof(buf), &len, &e);
	tap_ok(rc < 0 && e.code == NVMX_NS_ERR_IO && e.error.sys_errno == EISDIR &&
	       !strcmp(e.error.msg, "tests: is a directory, not a nested-state blob"), "a directory: %s",
	       e.error.msg);
	rc = nvmx_nested_state_read_file(NULL, buf, sizeof(buf), &len, &e);
	tap_ok(rc < 0 && e.code == NVMX_NS_ERR_ARG && e.error.code == NVMX_E_ARG, "no path: %s", e.error.msg);
}

int main(void)
{
	test_vmx_off();
	test_vmxon_only();
	test_l1_example();
	test_l2_running();
	test_shadow_smm_evmcs();
	test_notes();
	test_truncated();
	test_malformed();
	test_mutations();
	test_file();
	return tap_done();
}
