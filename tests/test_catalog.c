/* SPDX-License-Identifier: MIT */
/*
 * The catalogue: integrity of the tables, every QEMU property and Linux macro
 * of the reference notes found at the right bit, lookups that round-trip, and
 * field positions checked against hand-decoded values of real processors.
 */
#include <string.h>
#include <strings.h>
#include "tap.h"
#include "nvmx/catalog.h"

/* ---- table integrity -------------------------------------------------- */

static void test_msr_table(void)
{
	int ok = 1;
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		const struct nvmx_msr_desc *d = nvmx_msr_desc((enum nvmx_msr_id)i);
		if (!d || d->id != (enum nvmx_msr_id)i || d->index != 0x480u + (unsigned)i ||
		    !d->sdm || !d->desc || strncmp(d->sdm, "IA32_VMX_", 9)) {
			tap_diag("MSR %d: bad identity", i);
			ok = 0;
			continue;
		}
		/* every MSR has a Linux macro except IA32_VMX_EXIT_CTLS2 */
		if ((d->linux_name == NULL) != (i == NVMX_EXIT2)) {
			tap_diag("%s: Linux name %s", d->sdm, d->linux_name ? d->linux_name : "missing");
			ok = 0;
		}
		if (d->linux_name && strcmp(d->linux_name + 4, d->sdm)) {
			tap_diag("%s: Linux name %s is not MSR_ + SDM name", d->sdm, d->linux_name);
			ok = 0;
		}
		const struct nvmx_msr_desc *t = nvmx_msr_desc(d->twin);
		if (!t || t->twin != d->id || t->word != d->word) {
			tap_diag("%s: twin not symmetric", d->sdm);
			ok = 0;
		}
		bool is_ctl = d->layout == NVMX_LAYOUT_CONTROLS || d->layout == NVMX_LAYOUT_CONTROLS64;
		if (is_ctl != (d->word >= NVMX_WORD_PIN && d->word <= NVMX_WORD_EXIT2)) {
			tap_diag("%s: layout and word disagree", d->sdm);
			ok = 0;
		}
	}
	tap_ok(ok, "every MSR 0x480..0x493 has an SDM name, description, Linux macro (but 0x493) and a symmetric twin");
	tap_ok(nvmx_msr_desc(NVMX_PINBASED)->twin == NVMX_TRUE_PINBASED &&
	       nvmx_msr_desc(NVMX_ENTRY)->twin == NVMX_TRUE_ENTRY &&
	       nvmx_msr_desc(NVMX_PROCBASED2)->twin == NVMX_PROCBASED2,
	       "TRUE twins: 0x481<->0x48d, 0x484<->0x490; 0x48b is its own");
	tap_ok(nvmx_msr_desc(NVMX_PROCBASED3)->layout == NVMX_LAYOUT_CONTROLS64 &&
	       nvmx_msr_desc(NVMX_EXIT2)->layout == NVMX_LAYOUT_CONTROLS64 &&
	       nvmx_msr_desc(NVMX_CR4_FIXED1)->layout == NVMX_LAYOUT_CR_FIXED &&
	       nvmx_msr_desc(NVMX_VMCS_ENUM)->layout == NVMX_LAYOUT_VMCS_ENUM,
	       "layouts of 0x492, 0x493, 0x489, 0x48a");
	tap_ok(nvmx_msr_desc(NVMX_MSR_COUNT) == NULL && nvmx_msr_by_index(0x47f) == NULL &&
	       nvmx_msr_by_index(0x494) == NULL && nvmx_msr_by_index(0x493)->id == NVMX_EXIT2,
	       "out-of-range ids and indexes give NULL");
}

/* Fields of one slice: sorted, inside the word, no overlap, sane metadata. */
static int check_slice(const char *what, const struct nvmx_field *f, size_t n, unsigned bits,
		       enum nvmx_word w, enum nvmx_msr_id msr)
{
	int ok = 1;
	for (size_t i = 0; i < n; i++) {
		const struct nvmx_field *x = &f[i];
		if (x->word != w || x->msr != msr || !x->width || x->lsb + x->width > bits ||
		    !x->sdm || !x->desc) {
			tap_diag("%s: field at %u malformed", what, x->lsb);
			ok = 0;
		}
		if (i && f[i - 1].lsb + f[i - 1].width > x->lsb) {
			tap_diag("%s: %s overlaps or is out of order with %s", what, x->sdm, f[i - 1].sdm);
			ok = 0;
		}
		if ((x->width > 1) != (x->fmt != NVMX_FMT_FLAG)) {
			tap_diag("%s: %s width %u but format %d", what, x->sdm, x->width, x->fmt);
			ok = 0;
		}
		if (x->reserved && (x->linux_name || x->qemu)) {
			tap_diag("%s: reserved entry at %u carries a name", what, x->lsb);
			ok = 0;
		}
	}
	return ok;
}

static void test_field_tables(void)
{
	static const struct { enum nvmx_word w; enum nvmx_msr_id msr; unsigned bits; } words[] = {
		{ NVMX_WORD_PIN, NVMX_TRUE_PINBASED, 32 },
		{ NVMX_WORD_PROC, NVMX_TRUE_PROCBASED, 32 },
		{ NVMX_WORD_PROC2, NVMX_PROCBASED2, 32 },
		{ NVMX_WORD_PROC3, NVMX_PROCBASED3, 64 },
		{ NVMX_WORD_EXIT, NVMX_TRUE_EXIT, 32 },
		{ NVMX_WORD_ENTRY, NVMX_TRUE_ENTRY, 32 },
		{ NVMX_WORD_EXIT2, NVMX_EXIT2, 64 },
		{ NVMX_WORD_CR0, NVMX_CR0_FIXED0, 64 },
		{ NVMX_WORD_CR4, NVMX_CR4_FIXED0, 64 },
	};
	size_t total = 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n;
		const struct nvmx_field *f = nvmx_word_fields(words[i].w, &n);
		total += n;
		tap_ok(f && n && check_slice(nvmx_word_name(words[i].w), f, n, words[i].bits,
					    words[i].w, words[i].msr),
		       "%s: %zu entries, in bit order, no overlaps", nvmx_word_name(words[i].w), n);
	}
	static const enum nvmx_msr_id field_msrs[] = { NVMX_BASIC, NVMX_MISC, NVMX_VMCS_ENUM,
						       NVMX_EPT_VPID_CAP, NVMX_VMFUNC };
	for (size_t i = 0; i < sizeof(field_msrs) / sizeof(field_msrs[0]); i++) {
		size_t n;
		const struct nvmx_field *f = nvmx_msr_fields(field_msrs[i], &n);
		total += n;
		const char *name = nvmx_msr_desc(field_msrs[i])->sdm;
		tap_ok(f && n && check_slice(name, f, n, 64, NVMX_WORD_NONE, field_msrs[i]),
		       "%s: %zu fields, in bit order, no overlaps", name, n);
	}
	tap_ok(total == nvmx_field_count(), "nvmx_field_count covers every table (%zu)", total);
	size_t n = 0;
	for (size_t i = 0; nvmx_field_index(i); i++)
		n++;
	tap_ok(n == total && nvmx_field_index(total) == NULL, "nvmx_field_index walks all of them");

	/* A non-TRUE MSR shares the word of its TRUE twin. */
	size_t a, b;
	tap_ok(nvmx_msr_fields(NVMX_PINBASED, &a) == nvmx_msr_fields(NVMX_TRUE_PINBASED, &b) &&
	       a == b && nvmx_msr_fields(NVMX_CR4_FIXED1, &a) == nvmx_word_fields(NVMX_WORD_CR4, &b),
	       "0x481/0x48d and 0x489/CR4 bits share one table");
}

/* The reserved default1 entries plus the named default1 controls are the SDM classes. */
static void test_default1(void)
{
	static const struct { enum nvmx_word w; uint32_t named_default1; } cases[] = {
		{ NVMX_WORD_PIN, 0 },
		{ NVMX_WORD_PROC, (1u << 15) | (1u << 16) },	/* CR3-load/store exiting */
		{ NVMX_WORD_EXIT, 1u << 2 },			/* save debug controls */
		{ NVMX_WORD_ENTRY, 1u << 2 },			/* load debug controls */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n;
		const struct nvmx_field *f = nvmx_word_fields(cases[i].w, &n);
		uint32_t rsv = 0;
		for (size_t k = 0; k < n; k++)
			if (f[k].reserved)
				rsv |= 1u << f[k].lsb;
		tap_eq64(rsv | cases[i].named_default1, nvmx_word_default1(cases[i].w),
			 "%s: reserved (default1) entries match the default1 class",
			 nvmx_word_name(cases[i].w));
	}
	tap_eq64(nvmx_word_default1(NVMX_WORD_PROC), 0x0401e172, "primary default1 = 0x0401E172");
	tap_eq64(nvmx_word_default1(NVMX_WORD_EXIT), 0x00036dff, "exit default1 = 0x00036DFF");
	tap_ok(nvmx_word_default1(NVMX_WORD_PROC2) == 0, "secondary controls have no default1 class");
}

/* ---- names from the reference notes ----------------------------------- */

/* QEMU's `vmx-*` properties (qemu-vmx.md §1.1-1.9), with the bit each sets. */
static const struct { const char *name; enum nvmx_msr_id msr; unsigned bit; } qemu_names[] = {
	{ "vmx-intr-exit", NVMX_TRUE_PINBASED, 0 }, { "vmx-nmi-exit", NVMX_TRUE_PINBASED, 3 },
	{ "vmx-vnmi", NVMX_TRUE_PINBASED, 5 }, { "vmx-preemption-timer", NVMX_TRUE_PINBASED, 6 },
	{ "vmx-posted-intr", NVMX_TRUE_PINBASED, 7 },
	{ "vmx-vintr-pending", NVMX_TRUE_PROCBASED, 2 }, { "vmx-tsc-offset", NVMX_TRUE_PROCBASED, 3 },
	{ "vmx-hlt-exit", NVMX_TRUE_PROCBASED, 7 }, { "vmx-invlpg-exit", NVMX_TRUE_PROCBASED, 9 },
	{ "vmx-mwait-exit", NVMX_TRUE_PROCBASED, 10 }, { "vmx-rdpmc-exit", NVMX_TRUE_PROCBASED, 11 },
	{ "vmx-rdtsc-exit", NVMX_TRUE_PROCBASED, 12 },
	{ "vmx-cr3-load-noexit", NVMX_TRUE_PROCBASED, 15 },
	{ "vmx-cr3-store-noexit", NVMX_TRUE_PROCBASED, 16 },
	{ "vmx-cr8-load-exit", NVMX_TRUE_PROCBASED, 19 },
	{ "vmx-cr8-store-exit", NVMX_TRUE_PROCBASED, 20 },
	{ "vmx-flexpriority", NVMX_TRUE_PROCBASED, 21 }, { "vmx-vnmi-pending", NVMX_TRUE_PROCBASED, 22 },
	{ "vmx-movdr-exit", NVMX_TRUE_PROCBASED, 23 }, { "vmx-io-exit", NVMX_TRUE_PROCBASED, 24 },
	{ "vmx-io-bitmap", NVMX_TRUE_PROCBASED, 25 }, { "vmx-mtf", NVMX_TRUE_PROCBASED, 27 },
	{ "vmx-msr-bitmap", NVMX_TRUE_PROCBASED, 28 }, { "vmx-monitor-exit", NVMX_TRUE_PROCBASED, 29 },
	{ "vmx-pause-exit", NVMX_TRUE_PROCBASED, 30 },
	{ "vmx-secondary-ctls", NVMX_TRUE_PROCBASED, 31 },
	{ "vmx-apicv-xapic", NVMX_PROCBASED2, 0 }, { "vmx-ept", NVMX_PROCBASED2, 1 },
	{ "vmx-desc-exit", NVMX_PROCBASED2, 2 }, { "vmx-rdtscp-exit", NVMX_PROCBASED2, 3 },
	{ "vmx-apicv-x2apic", NVMX_PROCBASED2, 4 }, { "vmx-vpid", NVMX_PROCBASED2, 5 },
	{ "vmx-wbinvd-exit", NVMX_PROCBASED2, 6 }, { "vmx-unrestricted-guest", NVMX_PROCBASED2, 7 },
	{ "vmx-apicv-register", NVMX_PROCBASED2, 8 }, { "vmx-apicv-vid", NVMX_PROCBASED2, 9 },
	{ "vmx-ple", NVMX_PROCBASED2, 10 }, { "vmx-rdrand-exit", NVMX_PROCBASED2, 11 },
	{ "vmx-invpcid-exit", NVMX_PROCBASED2, 12 }, { "vmx-vmfunc", NVMX_PROCBASED2, 13 },
	{ "vmx-shadow-vmcs", NVMX_PROCBASED2, 14 }, { "vmx-encls-exit", NVMX_PROCBASED2, 15 },
	{ "vmx-rdseed-exit", NVMX_PROCBASED2, 16 }, { "vmx-pml", NVMX_PROCBASED2, 17 },
	{ "vmx-xsaves", NVMX_PROCBASED2, 20 }, { "vmx-tsc-scaling", NVMX_PROCBASED2, 25 },
	{ "vmx-enable-user-wait-pause", NVMX_PROCBASED2, 26 },
	{ "vmx-exit-nosave-debugctl", NVMX_TRUE_EXIT, 2 },
	{ "vmx-exit-load-perf-global-ctrl", NVMX_TRUE_EXIT, 12 },
	{ "vmx-exit-ack-intr", NVMX_TRUE_EXIT, 15 }, { "vmx-exit-save-pat", NVMX_TRUE_EXIT, 18 },
	{ "vmx-exit-load-pat", NVMX_TRUE_EXIT, 19 }, { "vmx-exit-save-efer", NVMX_TRUE_EXIT, 20 },
	{ "vmx-exit-load-efer", NVMX_TRUE_EXIT, 21 },
	{ "vmx-exit-save-preemption-timer", NVMX_TRUE_EXIT, 22 },
	{ "vmx-exit-clear-bndcfgs", NVMX_TRUE_EXIT, 23 },
	{ "vmx-exit-clear-rtit-ctl", NVMX_TRUE_EXIT, 25 },
	{ "vmx-exit-load-pkrs", NVMX_TRUE_EXIT, 29 },
	{ "vmx-exit-secondary-ctls", NVMX_TRUE_EXIT, 31 },
	{ "vmx-entry-noload-debugctl", NVMX_TRUE_ENTRY, 2 },
	{ "vmx-entry-ia32e-mode", NVMX_TRUE_ENTRY, 9 },
	{ "vmx-entry-load-perf-global-ctrl", NVMX_TRUE_ENTRY, 13 },
	{ "vmx-entry-load-pat", NVMX_TRUE_ENTRY, 14 }, { "vmx-entry-load-efer", NVMX_TRUE_ENTRY, 15 },
	{ "vmx-entry-load-bndcfgs", NVMX_TRUE_ENTRY, 16 },
	{ "vmx-entry-load-rtit-ctl", NVMX_TRUE_ENTRY, 18 },
	{ "vmx-entry-load-pkrs", NVMX_TRUE_ENTRY, 22 }, { "vmx-entry-load-fred", NVMX_TRUE_ENTRY, 23 },
	{ "vmx-store-lma", NVMX_MISC, 5 }, { "vmx-activity-hlt", NVMX_MISC, 6 },
	{ "vmx-activity-shutdown", NVMX_MISC, 7 }, { "vmx-activity-wait-sipi", NVMX_MISC, 8 },
	{ "vmx-vmwrite-vmexit-fields", NVMX_MISC, 29 }, { "vmx-zero-len-inject", NVMX_MISC, 30 },
	{ "vmx-ept-execonly", NVMX_EPT_VPID_CAP, 0 }, { "vmx-page-walk-4", NVMX_EPT_VPID_CAP, 6 },
	{ "vmx-page-walk-5", NVMX_EPT_VPID_CAP, 7 }, { "vmx-ept-2mb", NVMX_EPT_VPID_CAP, 16 },
	{ "vmx-ept-1gb", NVMX_EPT_VPID_CAP, 17 }, { "vmx-invept", NVMX_EPT_VPID_CAP, 20 },
	{ "vmx-eptad", NVMX_EPT_VPID_CAP, 21 },
	{ "vmx-ept-advanced-exitinfo", NVMX_EPT_VPID_CAP, 22 },
	{ "vmx-invept-single-context", NVMX_EPT_VPID_CAP, 25 },
	{ "vmx-invept-all-context", NVMX_EPT_VPID_CAP, 26 },
	{ "vmx-invvpid", NVMX_EPT_VPID_CAP, 32 },
	{ "vmx-invvpid-single-addr", NVMX_EPT_VPID_CAP, 40 },
	{ "vmx-invvpid-all-context", NVMX_EPT_VPID_CAP, 42 },
	{ "vmx-invept-single-context-noglobals", NVMX_EPT_VPID_CAP, 43 },
	{ "vmx-ins-outs", NVMX_BASIC, 54 }, { "vmx-true-ctls", NVMX_BASIC, 55 },
	{ "vmx-any-errcode", NVMX_BASIC, 56 }, { "vmx-nested-exception", NVMX_BASIC, 58 },
	{ "vmx-eptp-switching", NVMX_VMFUNC, 0 },
};
#define NQEMU (sizeof(qemu_names) / sizeof(qemu_names[0]))

/* How many catalogue entries carry QEMU property `name`, and the bit of the last one. */
static unsigned qemu_count(const char *name, unsigned *bits_or)
{
	unsigned n = 0;
	*bits_or = 0;
	for (size_t i = 0; i < nvmx_field_count(); i++) {
		const struct nvmx_field *f = nvmx_field_index(i);
		if (f->qemu && !strcmp(f->qemu, name)) {
			n++;
			*bits_or |= 1u << (f->lsb & 31);
		}
	}
	return n;
}

static void test_qemu_names(void)
{
	int ok = 1;
	tap_ok(NQEMU == 93, "93 distinct QEMU property names in the reference list");
	for (size_t i = 0; i < NQEMU; i++) {
		const char *q = qemu_names[i].name;
		const struct nvmx_field *f = nvmx_field_lookup(q);
		unsigned bits, n = qemu_count(q, &bits);
		/*
		 * QEMU spells INVVPID single-context (EPT_VPID bit 41) with the
		 * same name as INVEPT single-context (bit 25): one property
		 * that sets both.  Every other name names exactly one bit.
		 */
		unsigned want = strcmp(q, "vmx-invept-single-context") ? 1 : 2;
		if (n != want || !f || f->msr != qemu_names[i].msr || f->lsb != qemu_names[i].bit) {
			tap_diag("%s: %u entries, lookup gives %s bit %d", q, n,
				 f ? nvmx_msr_desc(f->msr)->sdm : "nothing", f ? f->lsb : -1);
			ok = 0;
		}
	}
	tap_ok(ok, "every QEMU property is present exactly once, at its bit (bit 41 shares bit 25's name)");

	unsigned extra = 0;
	for (size_t i = 0; i < nvmx_field_count(); i++) {
		const struct nvmx_field *f = nvmx_field_index(i);
		bool known = !f->qemu;
		for (size_t k = 0; !known && k < NQEMU; k++)
			known = !strcmp(f->qemu, qemu_names[k].name);
		if (!known) {
			tap_diag("catalogue QEMU name %s is not QEMU's", f->qemu);
			extra++;
		}
	}
	tap_ok(!extra, "the catalogue has no QEMU name beyond QEMU's own");
	unsigned bits;
	tap_ok(qemu_count("vmx-invept-single-context", &bits) == 2 && bits == ((1u << 25) | (1u << 9)),
	       "vmx-invept-single-context sits on EPT_VPID bits 25 and 41, as in QEMU");
}

/* Linux macros of the reference notes (kvm-nested-vmx.md §1), with their bit. */
static const struct { const char *name; enum nvmx_msr_id msr; unsigned bit; } linux_names[] = {
	{ "PIN_BASED_EXT_INTR_MASK", NVMX_PINBASED, 0 }, { "PIN_BASED_NMI_EXITING", NVMX_PINBASED, 3 },
	{ "PIN_BASED_VIRTUAL_NMIS", NVMX_PINBASED, 5 },
	{ "PIN_BASED_VMX_PREEMPTION_TIMER", NVMX_PINBASED, 6 },
	{ "PIN_BASED_POSTED_INTR", NVMX_PINBASED, 7 },
	{ "CPU_BASED_INTR_WINDOW_EXITING", NVMX_PROCBASED, 2 },
	{ "CPU_BASED_USE_TSC_OFFSETTING", NVMX_PROCBASED, 3 },
	{ "CPU_BASED_HLT_EXITING", NVMX_PROCBASED, 7 }, { "CPU_BASED_INVLPG_EXITING", NVMX_PROCBASED, 9 },
	{ "CPU_BASED_MWAIT_EXITING", NVMX_PROCBASED, 10 }, { "CPU_BASED_RDPMC_EXITING", NVMX_PROCBASED, 11 },
	{ "CPU_BASED_RDTSC_EXITING", NVMX_PROCBASED, 12 },
	{ "CPU_BASED_CR3_LOAD_EXITING", NVMX_PROCBASED, 15 },
	{ "CPU_BASED_CR3_STORE_EXITING", NVMX_PROCBASED, 16 },
	{ "CPU_BASED_ACTIVATE_TERTIARY_CONTROLS", NVMX_PROCBASED, 17 },
	{ "CPU_BASED_CR8_LOAD_EXITING", NVMX_PROCBASED, 19 },
	{ "CPU_BASED_CR8_STORE_EXITING", NVMX_PROCBASED, 20 },
	{ "CPU_BASED_TPR_SHADOW", NVMX_PROCBASED, 21 },
	{ "CPU_BASED_NMI_WINDOW_EXITING", NVMX_PROCBASED, 22 },
	{ "CPU_BASED_MOV_DR_EXITING", NVMX_PROCBASED, 23 },
	{ "CPU_BASED_UNCOND_IO_EXITING", NVMX_PROCBASED, 24 },
	{ "CPU_BASED_USE_IO_BITMAPS", NVMX_PROCBASED, 25 },
	{ "CPU_BASED_MONITOR_TRAP_FLAG", NVMX_PROCBASED, 27 },
	{ "CPU_BASED_USE_MSR_BITMAPS", NVMX_PROCBASED, 28 },
	{ "CPU_BASED_MONITOR_EXITING", NVMX_PROCBASED, 29 },
	{ "CPU_BASED_PAUSE_EXITING", NVMX_PROCBASED, 30 },
	{ "CPU_BASED_ACTIVATE_SECONDARY_CONTROLS", NVMX_PROCBASED, 31 },
	{ "SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES", NVMX_PROCBASED2, 0 },
	{ "SECONDARY_EXEC_ENABLE_EPT", NVMX_PROCBASED2, 1 }, { "SECONDARY_EXEC_DESC", NVMX_PROCBASED2, 2 },
	{ "SECONDARY_EXEC_ENABLE_RDTSCP", NVMX_PROCBASED2, 3 },
	{ "SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE", NVMX_PROCBASED2, 4 },
	{ "SECONDARY_EXEC_ENABLE_VPID", NVMX_PROCBASED2, 5 },
	{ "SECONDARY_EXEC_WBINVD_EXITING", NVMX_PROCBASED2, 6 },
	{ "SECONDARY_EXEC_UNRESTRICTED_GUEST", NVMX_PROCBASED2, 7 },
	{ "SECONDARY_EXEC_APIC_REGISTER_VIRT", NVMX_PROCBASED2, 8 },
	{ "SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY", NVMX_PROCBASED2, 9 },
	{ "SECONDARY_EXEC_PAUSE_LOOP_EXITING", NVMX_PROCBASED2, 10 },
	{ "SECONDARY_EXEC_RDRAND_EXITING", NVMX_PROCBASED2, 11 },
	{ "SECONDARY_EXEC_ENABLE_INVPCID", NVMX_PROCBASED2, 12 },
	{ "SECONDARY_EXEC_ENABLE_VMFUNC", NVMX_PROCBASED2, 13 },
	{ "SECONDARY_EXEC_SHADOW_VMCS", NVMX_PROCBASED2, 14 },
	{ "SECONDARY_EXEC_ENCLS_EXITING", NVMX_PROCBASED2, 15 },
	{ "SECONDARY_EXEC_RDSEED_EXITING", NVMX_PROCBASED2, 16 },
	{ "SECONDARY_EXEC_ENABLE_PML", NVMX_PROCBASED2, 17 },
	{ "SECONDARY_EXEC_EPT_VIOLATION_VE", NVMX_PROCBASED2, 18 },
	{ "SECONDARY_EXEC_PT_CONCEAL_VMX", NVMX_PROCBASED2, 19 },
	{ "SECONDARY_EXEC_ENABLE_XSAVES", NVMX_PROCBASED2, 20 },
	{ "SECONDARY_EXEC_XSAVES", NVMX_PROCBASED2, 20 },
	{ "SECONDARY_EXEC_MODE_BASED_EPT_EXEC", NVMX_PROCBASED2, 22 },
	{ "SECONDARY_EXEC_PT_USE_GPA", NVMX_PROCBASED2, 24 },
	{ "SECONDARY_EXEC_TSC_SCALING", NVMX_PROCBASED2, 25 },
	{ "SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE", NVMX_PROCBASED2, 26 },
	{ "SECONDARY_EXEC_BUS_LOCK_DETECTION", NVMX_PROCBASED2, 30 },
	{ "SECONDARY_EXEC_NOTIFY_VM_EXITING", NVMX_PROCBASED2, 31 },
	{ "TERTIARY_EXEC_IPI_VIRT", NVMX_PROCBASED3, 4 },
	{ "VM_EXIT_SAVE_DEBUG_CONTROLS", NVMX_EXIT, 2 },
	{ "VM_EXIT_HOST_ADDR_SPACE_SIZE", NVMX_EXIT, 9 },
	{ "VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL", NVMX_EXIT, 12 },
	{ "VM_EXIT_ACK_INTR_ON_EXIT", NVMX_EXIT, 15 }, { "VM_EXIT_SAVE_IA32_PAT", NVMX_EXIT, 18 },
	{ "VM_EXIT_LOAD_IA32_PAT", NVMX_EXIT, 19 }, { "VM_EXIT_SAVE_IA32_EFER", NVMX_EXIT, 20 },
	{ "VM_EXIT_LOAD_IA32_EFER", NVMX_EXIT, 21 },
	{ "VM_EXIT_SAVE_VMX_PREEMPTION_TIMER", NVMX_EXIT, 22 },
	{ "VM_EXIT_CLEAR_BNDCFGS", NVMX_EXIT, 23 }, { "VM_EXIT_PT_CONCEAL_PIP", NVMX_EXIT, 24 },
	{ "VM_EXIT_CLEAR_IA32_RTIT_CTL", NVMX_EXIT, 25 }, { "VM_EXIT_LOAD_CET_STATE", NVMX_EXIT, 28 },
	{ "VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL", NVMX_EXIT, 30 },
	{ "VM_ENTRY_LOAD_DEBUG_CONTROLS", NVMX_ENTRY, 2 }, { "VM_ENTRY_IA32E_MODE", NVMX_ENTRY, 9 },
	{ "VM_ENTRY_SMM", NVMX_ENTRY, 10 }, { "VM_ENTRY_DEACT_DUAL_MONITOR", NVMX_ENTRY, 11 },
	{ "VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL", NVMX_ENTRY, 13 },
	{ "VM_ENTRY_LOAD_IA32_PAT", NVMX_ENTRY, 14 }, { "VM_ENTRY_LOAD_IA32_EFER", NVMX_ENTRY, 15 },
	{ "VM_ENTRY_LOAD_BNDCFGS", NVMX_ENTRY, 16 }, { "VM_ENTRY_PT_CONCEAL_PIP", NVMX_ENTRY, 17 },
	{ "VM_ENTRY_LOAD_IA32_RTIT_CTL", NVMX_ENTRY, 18 }, { "VM_ENTRY_LOAD_CET_STATE", NVMX_ENTRY, 20 },
	{ "VMX_BASIC_32BIT_PHYS_ADDR_ONLY", NVMX_BASIC, 48 }, { "VMX_BASIC_64", NVMX_BASIC, 48 },
	{ "VMX_BASIC_DUAL_MONITOR_TREATMENT", NVMX_BASIC, 49 }, { "VMX_BASIC_INOUT", NVMX_BASIC, 54 },
	{ "VMX_BASIC_TRUE_CTLS", NVMX_BASIC, 55 }, { "VMX_BASIC_NO_HW_ERROR_CODE_CC", NVMX_BASIC, 56 },
	{ "VMX_MISC_SAVE_EFER_LMA", NVMX_MISC, 5 }, { "VMX_MISC_ACTIVITY_HLT", NVMX_MISC, 6 },
	{ "VMX_MISC_ACTIVITY_SHUTDOWN", NVMX_MISC, 7 }, { "VMX_MISC_ACTIVITY_WAIT_SIPI", NVMX_MISC, 8 },
	{ "VMX_MISC_INTEL_PT", NVMX_MISC, 14 }, { "MSR_IA32_VMX_MISC_INTEL_PT", NVMX_MISC, 14 },
	{ "VMX_MISC_RDMSR_IN_SMM", NVMX_MISC, 15 }, { "VMX_MISC_VMXOFF_BLOCK_SMI", NVMX_MISC, 28 },
	{ "VMX_MISC_VMWRITE_SHADOW_RO_FIELDS", NVMX_MISC, 29 },
	{ "MSR_IA32_VMX_MISC_VMWRITE_SHADOW_RO_FIELDS", NVMX_MISC, 29 },
	{ "MSR_IA32_VMX_MISC_PREEMPTION_TIMER_SCALE", NVMX_MISC, 0 },
	{ "VMX_MISC_ZERO_LEN_INS", NVMX_MISC, 30 },
	{ "VMX_EPT_EXECUTE_ONLY_BIT", NVMX_EPT_VPID_CAP, 0 },
	{ "VMX_EPT_PAGE_WALK_4_BIT", NVMX_EPT_VPID_CAP, 6 },
	{ "VMX_EPT_PAGE_WALK_5_BIT", NVMX_EPT_VPID_CAP, 7 }, { "VMX_EPTP_UC_BIT", NVMX_EPT_VPID_CAP, 8 },
	{ "VMX_EPTP_WB_BIT", NVMX_EPT_VPID_CAP, 14 }, { "VMX_EPT_2MB_PAGE_BIT", NVMX_EPT_VPID_CAP, 16 },
	{ "VMX_EPT_1GB_PAGE_BIT", NVMX_EPT_VPID_CAP, 17 }, { "VMX_EPT_INVEPT_BIT", NVMX_EPT_VPID_CAP, 20 },
	{ "VMX_EPT_AD_BIT", NVMX_EPT_VPID_CAP, 21 },
	{ "VMX_EPT_EXTENT_CONTEXT_BIT", NVMX_EPT_VPID_CAP, 25 },
	{ "VMX_EPT_EXTENT_GLOBAL_BIT", NVMX_EPT_VPID_CAP, 26 },
	{ "VMX_VPID_INVVPID_BIT", NVMX_EPT_VPID_CAP, 32 },
	{ "VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT", NVMX_EPT_VPID_CAP, 40 },
	{ "VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT", NVMX_EPT_VPID_CAP, 41 },
	{ "VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT", NVMX_EPT_VPID_CAP, 42 },
	{ "VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT", NVMX_EPT_VPID_CAP, 43 },
	{ "VMX_VMFUNC_EPTP_SWITCHING", NVMX_VMFUNC, 0 },
};

static void test_linux_names(void)
{
	int ok = 1;
	for (size_t i = 0; i < sizeof(linux_names) / sizeof(linux_names[0]); i++) {
		const struct nvmx_field *f = nvmx_field_lookup(linux_names[i].name);
		const struct nvmx_field *at = nvmx_field_at(linux_names[i].msr, linux_names[i].bit);
		if (!f || f != at) {
			tap_diag("%s: lookup %s, expected bit %u of %s", linux_names[i].name,
				 f ? f->sdm : "failed", linux_names[i].bit,
				 nvmx_msr_desc(linux_names[i].msr)->sdm);
			ok = 0;
		}
	}
	tap_ok(ok, "every Linux macro of the reference notes (%zu, old spellings included) finds its bit",
	       sizeof(linux_names) / sizeof(linux_names[0]));
	tap_ok(nvmx_field_lookup("CPU_BASED_VIRTUAL_INTR_PENDING") == nvmx_field_at(NVMX_PROCBASED, 2) &&
	       nvmx_field_lookup("vmx-invvpid-single-context-noglobals") ==
		       nvmx_field_at(NVMX_EPT_VPID_CAP, 43),
	       "aliases: pre-5.6 kernel spelling, libvirt's corrected QEMU name");
}

/* ---- lookups ---------------------------------------------------------- */

static void lower(char *dst, const char *src, size_t n)
{
	size_t i = 0;
	for (; src[i] && i + 1 < n; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] - 'A' + 'a' : src[i]);
	dst[i] = '\0';
}

static unsigned sdm_uses(const char *sdm)
{
	unsigned n = 0;
	for (size_t i = 0; i < nvmx_field_count(); i++) {
		const struct nvmx_field *f = nvmx_field_index(i);
		n += !f->reserved && !strcasecmp(f->sdm, sdm);
	}
	return n;
}

static void test_round_trips(void)
{
	int lx = 1, qm = 1, sd = 1, in = 1, at = 1;
	unsigned shared_sdm = 0;
	for (size_t i = 0; i < nvmx_field_count(); i++) {
		const struct nvmx_field *f = nvmx_field_index(i);
		char low[128];
		if (f->reserved) {
			/* listed for display only: invisible to lookups and nvmx_field_at */
			at &= nvmx_field_at(f->msr, f->lsb) == NULL;
			continue;
		}
		if (f->linux_name) {
			lower(low, f->linux_name, sizeof(low));
			lx &= nvmx_field_lookup(f->linux_name) == f && nvmx_field_lookup(low) == f;
		}
		if (f->qemu && !(f->msr == NVMX_EPT_VPID_CAP && f->lsb == 41))
			qm &= nvmx_field_lookup(f->qemu) == f;
		in &= nvmx_field_lookup_in(f->msr, f->sdm) == f;
		if (sdm_uses(f->sdm) == 1) {
			lower(low, f->sdm, sizeof(low));
			sd &= nvmx_field_lookup(low) == f;
		} else {
			shared_sdm++;
		}
		for (unsigned b = f->lsb; b < (unsigned)f->lsb + f->width; b++)
			at &= nvmx_field_at(f->msr, b) == f;
	}
	tap_ok(lx, "every Linux name looks up to its field, in any case");
	tap_ok(qm, "every QEMU name looks up to its field");
	tap_ok(sd, "every SDM wording used once looks up to its field, in any case");
	tap_ok(in, "every SDM wording looks up within its MSR (%u wordings repeat across words)",
	       shared_sdm);
	tap_ok(at, "nvmx_field_at covers every bit of every named field and skips reserved entries");

	const struct nvmx_field *pat_exit = nvmx_field_lookup_in(NVMX_EXIT, "load ia32_pat");
	const struct nvmx_field *pat_entry = nvmx_field_lookup_in(NVMX_TRUE_ENTRY, "Load IA32_PAT");
	tap_ok(pat_exit && pat_exit->word == NVMX_WORD_EXIT && pat_exit->lsb == 19 && pat_entry &&
	       pat_entry->word == NVMX_WORD_ENTRY && pat_entry->lsb == 14,
	       "\"Load IA32_PAT\" resolves per word: exit bit 19, entry bit 14");
	tap_ok(nvmx_field_lookup("") == NULL && nvmx_field_lookup(NULL) == NULL &&
	       nvmx_field_lookup("vmx-no-such-thing") == NULL &&
	       nvmx_field_lookup("reserved (default1)") == NULL,
	       "unknown, empty and reserved names find nothing");

	/* both halves of a control MSR, and both twins, name the same control */
	const struct nvmx_field *ept = nvmx_field_lookup("vmx-ept");
	tap_ok(ept && nvmx_field_at(NVMX_PROCBASED2, 1) == ept &&
	       nvmx_field_at(NVMX_PROCBASED2, 33) == ept &&
	       nvmx_field_at(NVMX_PINBASED, 32 + 6) == nvmx_field_at(NVMX_TRUE_PINBASED, 6) &&
	       nvmx_field_at(NVMX_PROCBASED3, 36) == NULL &&
	       nvmx_field_at(NVMX_PROCBASED3, 4) == nvmx_field_lookup("TERTIARY_EXEC_IPI_VIRT") &&
	       nvmx_field_at(NVMX_CR4_FIXED1, 13) == nvmx_field_lookup("X86_CR4_VMXE") &&
	       nvmx_field_at(NVMX_PINBASED, 64) == NULL,
	       "nvmx_field_at: allowed-0/allowed-1 halves, TRUE twins, 64-bit words, CR bits");
}

static void test_msr_lookup(void)
{
	tap_ok(nvmx_msr_lookup("IA32_VMX_PROCBASED_CTLS2")->id == NVMX_PROCBASED2 &&
	       nvmx_msr_lookup("ia32_vmx_true_entry_ctls")->id == NVMX_TRUE_ENTRY &&
	       nvmx_msr_lookup("MSR_IA32_VMX_EPT_VPID_CAP")->id == NVMX_EPT_VPID_CAP &&
	       nvmx_msr_lookup("0x48b")->id == NVMX_PROCBASED2 &&
	       nvmx_msr_lookup("0X493")->id == NVMX_EXIT2 &&
	       nvmx_msr_lookup("IA32_VMX_EXIT_CTLS2")->id == NVMX_EXIT2,
	       "MSR lookup by SDM name, Linux name, hex index, any case");
	tap_ok(!nvmx_msr_lookup("0x494") && !nvmx_msr_lookup("0x") && !nvmx_msr_lookup("48b") &&
	       !nvmx_msr_lookup("0x48g") && !nvmx_msr_lookup("0x0000000480") &&
	       !nvmx_msr_lookup("IA32_VMX") && !nvmx_msr_lookup(NULL),
	       "MSR lookup rejects out-of-range, malformed and partial names");
	int ok = 1;
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		const struct nvmx_msr_desc *d = nvmx_msr_desc((enum nvmx_msr_id)i);
		ok &= nvmx_msr_lookup(d->sdm) == d && nvmx_msr_by_index(d->index) == d &&
		      (!d->linux_name || nvmx_msr_lookup(d->linux_name) == d);
	}
	tap_ok(ok, "every MSR round-trips through its names and index");
}

/* ---- hand-decoded processors ------------------------------------------ */

static uint64_t fld(const char *name, enum nvmx_msr_id id, uint64_t v)
{
	const struct nvmx_field *f = nvmx_field_lookup_in(id, name);
	if (!f) {
		tap_diag("no field %s", name);
		return ~UINT64_C(0);
	}
	return nvmx_field_get(f, v);
}

/* allowed-1 of a named control in a control MSR value */
static int may1(const char *name, uint64_t v)
{
	const struct nvmx_field *f = nvmx_field_lookup(name);
	return f ? (int)((v >> (32 + f->lsb)) & 1) : -1;
}

/*
 * Values from data/hosts, decoded by hand from the SDM (App. A) layout:
 *
 * Core 2 X6800 (Conroe), BASIC 0x001a040000000007: bits 30:0 = 7; bits
 * 44:32 = 0x400 = 1024; bits 63:48 = 0x001a = 0b11010: bit 48 = 0, 49 = 1,
 * 53:50 = 0b0110 = 6 (WB), 54 = 0 (no INS/OUTS info), 55 = 0 (no TRUE MSRs).
 * MISC 0x403c0: 4:0 = 0, 5 = 0, 8:6 = 0b111, 24:16 = 4, 27:25 = 0 -> 512.
 * VMCS_ENUM 0x2c: 9:1 = 22.  PINBASED hi 0x1f: virtual NMIs (5) and the
 * preemption timer (6) must be 0.  PROCBASED hi 0x77b9fffe: bit 31 = 0 (no
 * secondary controls), 21 = 1 (TPR shadow), 22 = 0, 27 = 0 (no MTF).
 */
static void test_core2(void)
{
	const uint64_t basic = 0x001a040000000007, misc = 0x00000000000403c0;
	tap_eq64(fld("VMCS revision identifier", NVMX_BASIC, basic), 7, "Core 2: revision 7");
	tap_eq64(fld("VMCS region size", NVMX_BASIC, basic), 1024, "Core 2: VMCS 1024 bytes");
	tap_eq64(fld("vmx_basic_vmcs_mem_type()", NVMX_BASIC, basic), 6, "Core 2: VMCS memory WB");
	tap_eq64(fld("VMX_BASIC_DUAL_MONITOR_TREATMENT", NVMX_BASIC, basic), 1, "Core 2: dual monitor");
	tap_eq64(fld("vmx-ins-outs", NVMX_BASIC, basic), 0, "Core 2: no INS/OUTS information");
	tap_eq64(fld("vmx-true-ctls", NVMX_BASIC, basic), 0, "Core 2: no TRUE MSRs");
	tap_eq64(fld("VMX-preemption timer rate", NVMX_MISC, misc), 0, "Core 2: timer rate 0");
	tap_eq64(fld("vmx-store-lma", NVMX_MISC, misc), 0, "Core 2: no EFER.LMA store");
	tap_eq64(fld("vmx-activity-wait-sipi", NVMX_MISC, misc), 1, "Core 2: wait-for-SIPI");
	tap_eq64(fld("Number of CR3-target values", NVMX_MISC, misc), 4, "Core 2: 4 CR3 targets");
	const struct nvmx_field *ml = nvmx_field_lookup("vmx_misc_max_msr()");
	tap_eq64(ml ? nvmx_field_scaled(ml, nvmx_field_get(ml, misc)) : 0, 512,
		 "Core 2: MSR lists of 512 entries");
	tap_eq64(fld("Highest VMCS field index", NVMX_VMCS_ENUM, 0x2c), 22, "Core 2: highest index 22");
	tap_ok(may1("vmx-vnmi", 0x0000001f00000016) == 0 &&
	       may1("vmx-preemption-timer", 0x0000001f00000016) == 0 &&
	       may1("vmx-nmi-exit", 0x0000001f00000016) == 1,
	       "Core 2: NMI exiting, but no virtual NMIs or preemption timer");
	const uint64_t proc = 0x77b9fffe0401e172;
	tap_ok(may1("vmx-secondary-ctls", proc) == 0 && may1("vmx-flexpriority", proc) == 1 &&
	       may1("vmx-vnmi-pending", proc) == 0 && may1("vmx-mtf", proc) == 0,
	       "Core 2: TPR shadow but no secondary controls, NMI window or MTF");
}

/*
 * Xeon X5482 (Penryn), BASIC 0x005a08000000000d: revision 0xd, 44:32 = 0x800
 * = 2048 bytes, 63:48 = 0x5a: 53:50 = 6, 54 = 1, 55 = 0.  PROCBASED2 hi 0x41:
 * virtualize APIC accesses (0) and WBINVD exiting (6) only, no EPT or VPID.
 */
static void test_penryn(void)
{
	const uint64_t basic = 0x005a08000000000d, p2 = 0x0000004100000000;
	tap_eq64(fld("VMCS revision identifier", NVMX_BASIC, basic), 0xd, "Penryn: revision 0xd");
	tap_eq64(fld("VMCS region size", NVMX_BASIC, basic), 2048, "Penryn: VMCS 2048 bytes");
	tap_eq64(fld("VMCS memory type", NVMX_BASIC, basic), 6, "Penryn: VMCS memory WB");
	tap_eq64(fld("VMX_BASIC_INOUT", NVMX_BASIC, basic), 1, "Penryn: INS/OUTS information");
	tap_ok(may1("SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES", p2) == 1 &&
	       may1("vmx-wbinvd-exit", p2) == 1 && may1("vmx-ept", p2) == 0 && may1("vmx-vpid", p2) == 0,
	       "Penryn: APIC-access virtualization and WBINVD exiting, no EPT or VPID");
}

/*
 * Core i7-6700K (Skylake), BASIC 0x00da040000000004: revision 4, 1024 bytes,
 * 63:48 = 0xda: 53:50 = 6, 54 = 1, 55 = 1.  MISC 0x7004c1e7: 4:0 = 7, bits 5-8,
 * 14, 15 set, 24:16 = 4, 27:25 = 0, 28-30 set.  EPT_VPID 0x00000f0106334141:
 * 0, 6, 8, 14, 16, 17, 20, 21, 25, 26 and 32, 40-43 set; 7 (5-level) and 22
 * clear.  PROCBASED2 hi 0x001ffcff: bits 0-7 and 10-20: no APIC-register
 * virtualization (8) or virtual-interrupt delivery (9), no TSC scaling (25).
 * PINBASED hi 0x7f: no posted interrupts.  VMFUNC 1: EPTP switching.
 */
static void test_skylake(void)
{
	const uint64_t basic = 0x00da040000000004, misc = 0x000000007004c1e7;
	const uint64_t ept = 0x00000f0106334141, p2 = 0x001ffcff00000000;
	tap_eq64(fld("VMCS revision identifier", NVMX_BASIC, basic), 4, "Skylake: revision 4");
	tap_eq64(fld("VMCS region size", NVMX_BASIC, basic), 1024, "Skylake: VMCS 1024 bytes");
	tap_eq64(fld("VMCS memory type", NVMX_BASIC, basic), 6, "Skylake: VMCS memory WB");
	tap_ok(fld("vmx-ins-outs", NVMX_BASIC, basic) == 1 && fld("vmx-true-ctls", NVMX_BASIC, basic) == 1,
	       "Skylake: INS/OUTS information and TRUE MSRs");
	tap_eq64(fld("VMX-preemption timer rate", NVMX_MISC, misc), 7, "Skylake: timer = TSC >> 7");
	tap_eq64(fld("Number of CR3-target values", NVMX_MISC, misc), 4, "Skylake: 4 CR3 targets");
	tap_eq64(fld("Maximum MSR-list entries", NVMX_MISC, misc), 0, "Skylake: MSR-list N = 0");
	tap_ok(fld("VMX_MISC_INTEL_PT", NVMX_MISC, misc) == 1 &&
	       fld("vmx-vmwrite-vmexit-fields", NVMX_MISC, misc) == 1 &&
	       fld("vmx-activity-shutdown", NVMX_MISC, misc) == 1,
	       "Skylake: PT in VMX, VMWRITE to exit fields, shutdown state");
	tap_ok(fld("vmx-page-walk-4", NVMX_EPT_VPID_CAP, ept) == 1 &&
	       fld("vmx-page-walk-5", NVMX_EPT_VPID_CAP, ept) == 0 &&
	       fld("vmx-ept-2mb", NVMX_EPT_VPID_CAP, ept) == 1 &&
	       fld("vmx-ept-1gb", NVMX_EPT_VPID_CAP, ept) == 1 &&
	       fld("VMX_EPTP_WB_BIT", NVMX_EPT_VPID_CAP, ept) == 1 &&
	       fld("VMX_EPT_AD_BIT", NVMX_EPT_VPID_CAP, ept) == 1 &&
	       fld("vmx-ept-advanced-exitinfo", NVMX_EPT_VPID_CAP, ept) == 0,
	       "Skylake: EPT 4-level, 2M and 1G pages, WB, A/D; no 5-level, no advanced exit info");
	tap_ok(fld("VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT", NVMX_EPT_VPID_CAP, ept) == 1 &&
	       fld("vmx-invvpid", NVMX_EPT_VPID_CAP, ept) == 1,
	       "Skylake: INVVPID with all four extents");
	tap_ok(may1("vmx-ept", p2) == 1 && may1("vmx-unrestricted-guest", p2) == 1 &&
	       may1("vmx-shadow-vmcs", p2) == 1 && may1("vmx-pml", p2) == 1 &&
	       may1("vmx-apicv-register", p2) == 0 && may1("vmx-apicv-vid", p2) == 0 &&
	       may1("vmx-tsc-scaling", p2) == 0,
	       "Skylake client: EPT, unrestricted guest, shadow VMCS, PML; no APICv, no TSC scaling");
	tap_ok(may1("vmx-posted-intr", 0x0000007f00000016) == 0, "Skylake client: no posted interrupts");
	tap_eq64(fld("vmx-eptp-switching", NVMX_VMFUNC, 1), 1, "Skylake: VMFUNC EPTP switching");
}

/*
 * Xeon Platinum 8351N (Ice Lake-SP), BASIC 0x00da050000000013: revision 0x13,
 * 44:32 = 0x500 = 1280 bytes.  EPT_VPID 0x00000f01067341c1: 7 (5-level) and
 * 22 (advanced exit info) set, 23 clear.  PROCBASED2 hi 0x4bdfffff: APICv
 * (8, 9), mode-based EPT execute (22), TSC scaling (25) yes; PASID (21), user
 * wait/pause (26), notify (31) no.  EXIT hi 0x037fffff: clear BNDCFGS (23)
 * no (no MPX), clear RTIT_CTL (25) yes.
 */
static void test_icelake(void)
{
	const uint64_t basic = 0x00da050000000013, ept = 0x00000f01067341c1;
	const uint64_t p2 = 0x4bdfffff00000000, exit = 0x037fffff00036dff;
	tap_eq64(fld("VMCS revision identifier", NVMX_BASIC, basic), 0x13, "Ice Lake-SP: revision 0x13");
	tap_eq64(fld("VMCS region size", NVMX_BASIC, basic), 1280, "Ice Lake-SP: VMCS 1280 bytes");
	tap_ok(fld("vmx-page-walk-5", NVMX_EPT_VPID_CAP, ept) == 1 &&
	       fld("vmx-ept-advanced-exitinfo", NVMX_EPT_VPID_CAP, ept) == 1 &&
	       fld("Supervisor shadow-stack control", NVMX_EPT_VPID_CAP, ept) == 0,
	       "Ice Lake-SP: 5-level EPT, advanced exit info, no supervisor shadow-stack control");
	tap_ok(may1("vmx-apicv-register", p2) == 1 && may1("vmx-apicv-vid", p2) == 1 &&
	       may1("SECONDARY_EXEC_MODE_BASED_EPT_EXEC", p2) == 1 && may1("vmx-tsc-scaling", p2) == 1 &&
	       may1("vmx-enable-user-wait-pause", p2) == 0 &&
	       may1("SECONDARY_EXEC_NOTIFY_VM_EXITING", p2) == 0,
	       "Ice Lake-SP: APICv, MBEC, TSC scaling; no user wait/pause, no notify");
	tap_ok(may1("vmx-exit-clear-bndcfgs", exit) == 0 && may1("vmx-exit-clear-rtit-ctl", exit) == 1,
	       "Ice Lake-SP: no BNDCFGS clearing (no MPX), RTIT_CTL clearing");
}

/* The masks a partial-input reader marks unknown: named bits only (SDM). */
static void test_masks(void)
{
	/* pin-based: external-interrupt (0), NMI (3) exiting, virtual NMIs (5),
	 * preemption timer (6), posted interrupts (7); 1, 2 and 4 are reserved */
	tap_ok(nvmx_catalog_controls(NVMX_PINBASED) == 0xe9 && nvmx_catalog_controls(NVMX_TRUE_PINBASED) == 0xe9,
	       "pin-based controls named: 0xe9 (0x%x)", nvmx_catalog_controls(NVMX_PINBASED));
	tap_ok(nvmx_catalog_bits(NVMX_PINBASED) == 0xe9000000e9ull,
	       "... in both halves of the 64-bit MSR (0x%llx)", (unsigned long long)nvmx_catalog_bits(NVMX_PINBASED));
	/* VM functions: EPTP switching (bit 0) is the only one the SDM defines */
	tap_ok(nvmx_catalog_bits(NVMX_VMFUNC) == 1, "VMFUNC: EPTP switching only (0x%llx)",
	       (unsigned long long)nvmx_catalog_bits(NVMX_VMFUNC));
	/* proc-based: bit 31 activates the secondary controls; bits 0, 1, 4-6, 8, 13, 14, 26 reserved */
	/* SDM A.3-A.5: 0x48d..0x490 are the TRUE forms of 0x481..0x484 */
	tap_ok(nvmx_msr_true(NVMX_PINBASED) == NVMX_TRUE_PINBASED && nvmx_msr_desc(nvmx_msr_true(NVMX_ENTRY))->index == 0x490 &&
	       nvmx_msr_true(NVMX_PROCBASED2) == NVMX_PROCBASED2 && nvmx_msr_true(NVMX_TRUE_EXIT) == NVMX_TRUE_EXIT,
	       "nvmx_msr_true: 0x481..0x484 -> 0x48d..0x490, others themselves");
	uint32_t p = nvmx_catalog_controls(NVMX_PROCBASED);
	tap_ok((p >> 31) & 1 && !(p & 0x6173u) && !((p >> 26) & 1),
	       "proc-based: secondary controls named, reserved bits not (0x%x)", p);
}

int main(void)
{
	test_masks();
	test_msr_table();
	test_field_tables();
	test_default1();
	test_qemu_names();
	test_linux_names();
	test_round_trips();
	test_msr_lookup();
	test_core2();
	test_penryn();
	test_skylake();
	test_icelake();
	return tap_done();
}
