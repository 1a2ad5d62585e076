/* SPDX-License-Identifier: MIT */
/*
 * QEMU's scripts/kvm/vmxcap output as a host.  vmxcap prints BASIC, MISC,
 * EPT_VPID_CAP and VMFUNC whole ("Hex: 0x..."), and each named control as
 * no / yes / forced / default, which is the two bits of the non-TRUE MSR and,
 * for "default", of the TRUE one.  What it leaves out makes the host partial:
 * the unnamed controls (taken as not offered, except the SDM's default1 bits,
 * must-be-1 in both MSRs as on every processor so far), CR0/CR4_FIXED0/1 and
 * VMCS_ENUM (absent), and the CPUID flags (inferred from the controls).
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "nvmx/catalog.h"

enum sec_kind { SEC_FIELDS, SEC_CONTROLS, SEC_ALLOWED1 };

struct name_bit {
	const char *name;
	unsigned bit;
};

/* Control names as vmxcap prints them, with the SDM bit each stands for. */
static const struct name_bit pin_names[] = {
	{ "External interrupt exiting", 0 }, { "NMI exiting", 3 }, { "Virtual NMIs", 5 },
	{ "Activate VMX-preemption timer", 6 }, { "Process posted interrupts", 7 }, { 0, 0 } };
static const struct name_bit proc_names[] = {
	{ "Interrupt window exiting", 2 }, { "Use TSC offsetting", 3 }, { "HLT exiting", 7 },
	{ "INVLPG exiting", 9 }, { "MWAIT exiting", 10 }, { "RDPMC exiting", 11 },
	{ "RDTSC exiting", 12 }, { "CR3-load exiting", 15 }, { "CR3-store exiting", 16 },
	{ "Activate tertiary controls", 17 }, { "CR8-load exiting", 19 }, { "CR8-store exiting", 20 },
	{ "Use TPR shadow", 21 }, { "NMI-window exiting", 22 }, { "MOV-DR exiting", 23 },
	{ "Unconditional I/O exiting", 24 }, { "Use I/O bitmaps", 25 }, { "Monitor trap flag", 27 },
	{ "Use MSR bitmaps", 28 }, { "MONITOR exiting", 29 }, { "PAUSE exiting", 30 },
	{ "Activate secondary control", 31 }, { 0, 0 } };
static const struct name_bit proc2_names[] = {
	{ "Virtualize APIC accesses", 0 }, { "Enable EPT", 1 }, { "Descriptor-table exiting", 2 },
	{ "Enable RDTSCP", 3 }, { "Virtualize x2APIC mode", 4 }, { "Enable VPID", 5 },
	{ "WBINVD exiting", 6 }, { "Unrestricted guest", 7 }, { "APIC register emulation", 8 },
	{ "Virtual interrupt delivery", 9 }, { "PAUSE-loop exiting", 10 }, { "RDRAND exiting", 11 },
	{ "Enable INVPCID", 12 }, { "Enable VM functions", 13 }, { "VMCS shadowing", 14 },
	{ "Enable ENCLS exiting", 15 }, { "RDSEED exiting", 16 }, { "Enable PML", 17 },
	{ "EPT-violation #VE", 18 }, { "Conceal non-root operation from PT", 19 },
	{ "Enable XSAVES/XRSTORS", 20 }, { "Mode-based execute control (XS/XU)", 22 },
	{ "Sub-page write permissions", 23 }, { "GPA translation for PT", 24 }, { "TSC scaling", 25 },
	{ "User wait and pause", 26 }, { "ENCLV exiting", 28 }, { 0, 0 } };
static const struct name_bit proc3_names[] = { { "Enable IPI virtualization", 4 }, { 0, 0 } };
static const struct name_bit exit_names[] = {
	{ "Save debug controls", 2 }, { "Host address-space size", 9 },
	{ "Load IA32_PERF_GLOBAL_CTRL", 12 }, { "Acknowledge interrupt on exit", 15 },
	{ "Save IA32_PAT", 18 }, { "Load IA32_PAT", 19 }, { "Save IA32_EFER", 20 },
	{ "Load IA32_EFER", 21 }, { "Save VMX-preemption timer value", 22 },
	{ "Clear IA32_BNDCFGS", 23 }, { "Conceal VM exits from PT", 24 },
	{ "Clear IA32_RTIT_CTL", 25 }, { 0, 0 } };
static const struct name_bit entry_names[] = {
	{ "Load debug controls", 2 }, { "IA-32e mode guest", 9 }, { "Entry to SMM", 10 },
	{ "Deactivate dual-monitor treatment", 11 }, { "Load IA32_PERF_GLOBAL_CTRL", 13 },
	{ "Load IA32_PAT", 14 }, { "Load IA32_EFER", 15 }, { "Load IA32_BNDCFGS", 16 },
	{ "Conceal VM entries from PT", 17 }, { "Load IA32_RTIT_CTL", 18 }, { 0, 0 } };

/* The SDM's default1 classes (bits reserved to 1 in the non-TRUE MSRs). */
#define PIN_DEFAULT1 0x00000016u
#define PROC_DEFAULT1 0x0401e172u
#define EXIT_DEFAULT1 0x00036dffu
#define ENTRY_DEFAULT1 0x000011ffu

struct section {
	const char *title;
	enum sec_kind kind;
	enum nvmx_msr_id msr, true_msr;	/* true_msr == msr: none */
	const struct name_bit *names;
	uint32_t default1;
};

static const struct section sections[] = {
	{ "Basic VMX Information", SEC_FIELDS, NVMX_BASIC, NVMX_BASIC, 0, 0 },
	{ "pin-based controls", SEC_CONTROLS, NVMX_PINBASED, NVMX_TRUE_PINBASED, pin_names, PIN_DEFAULT1 },
	{ "primary processor-based controls", SEC_CONTROLS, NVMX_PROCBASED, NVMX_TRUE_PROCBASED,
	  proc_names, PROC_DEFAULT1 },
	{ "secondary processor-based controls", SEC_CONTROLS, NVMX_PROCBASED2, NVMX_PROCBASED2,
	  proc2_names, 0 },
	{ "tertiary processor-based controls", SEC_ALLOWED1, NVMX_PROCBASED3, NVMX_PROCBASED3,
	  proc3_names, 0 },
	{ "VM-Exit controls", SEC_CONTROLS, NVMX_EXIT, NVMX_TRUE_EXIT, exit_names, EXIT_DEFAULT1 },
	{ "VM-Entry controls", SEC_CONTROLS, NVMX_ENTRY, NVMX_TRUE_ENTRY, entry_names, ENTRY_DEFAULT1 },
	{ "Miscellaneous data", SEC_FIELDS, NVMX_MISC, NVMX_MISC, 0, 0 },
	{ "VPID and EPT capabilities", SEC_FIELDS, NVMX_EPT_VPID_CAP, NVMX_EPT_VPID_CAP, 0, 0 },
	{ "VM Functions", SEC_FIELDS, NVMX_VMFUNC, NVMX_VMFUNC, 0, 0 },
};
#define NSEC (sizeof(sections) / sizeof(sections[0]))

bool io_is_vmxcap(const char *buf, size_t len)
{
	static const char head[] = "Basic VMX Information";
	for (const char *p = buf; p && p < buf + len; p = memchr(p, '\n', (size_t)(buf + len - p))) {
		if (*p == '\n')
			p++;
		if ((size_t)(buf + len - p) >= sizeof(head) - 1 && !memcmp(p, head, sizeof(head) - 1))
			return true;
	}
	return false;
}

/* Per control MSR pair: the non-TRUE lo/hi and the TRUE lo/hi. */
struct ctl {
	bool seen;
	uint32_t lo, hi, tlo, thi;
};

int io_parse_vmxcap(const char *path, const char *buf, size_t len, struct nvmx_hostfile *out,
		    struct nvmx_diag *d)
{
	const char *label = io_label(path);
	io_hostfile_init(out, path);
	struct ctl c[NSEC];
	bool fields_seen[NSEC];
	memset(c, 0, sizeof(c));
	memset(fields_seen, 0, sizeof(fields_seen));
	int cur = -1;
	unsigned lineno = 0, unknown = 0;
	struct io_lines it;
	const char *p;
	size_t n;
	io_lines_init(&it, buf, len);
	while (io_lines_next(&it, &p, &n)) {
		lineno = it.lineno;
		char line[256];
		if (n >= sizeof(line)) {
			io_fail(d, NVMX_E_LIMIT, label, lineno, "line too long for vmxcap output");
			return -1;
		}
		memcpy(line, p, n);
		line[n] = 0;
		if (!n)
			continue;
		if (line[0] != ' ') {
			cur = -1;
			for (unsigned s = 0; s < NSEC; s++)
				if (!strcmp(line, sections[s].title))
					cur = (int)s;
			if (cur < 0) {
				io_fail(d, NVMX_E_SYNTAX, label, lineno,
					"'%s' is not a vmxcap section", line);
				return -1;
			}
			continue;
		}
		if (cur < 0) {
			io_fail(d, NVMX_E_SYNTAX, label, lineno,
				"an indented line before any section");
			return -1;
		}
		const struct section *sec = &sections[cur];
		char *s = line;
		while (*s == ' ')
			s++;
		if (sec->kind == SEC_FIELDS) {
			/* Only the whole value counts; the decoded fields repeat it. */
			if (!strncmp(s, "Hex: ", 5)) {
				uint64_t v;
				const char *why;
				if (io_parse_hex64(s + 5, &v, &why) < 0) {
					io_fail(d, NVMX_E_VALUE, label, lineno, "%s: %s",
						sec->title, why);
					return -1;
				}
				nvmx_msrs_set(&out->host.msrs, sec->msr, v);
				fields_seen[cur] = true;
			}
			continue;
		}
		/* "Name<spaces>state": the state is the last word. */
		char *sp = strrchr(s, ' ');
		if (!sp) {
			io_fail(d, NVMX_E_SYNTAX, label, lineno,
				"expected a control name and its state");
			return -1;
		}
		char *state = sp + 1;
		while (sp > s && sp[-1] == ' ')
			sp--;
		*sp = 0;
		int bit = -1;
		for (const struct name_bit *nb = sec->names; nb->name; nb++)
			if (!strcmp(nb->name, s))
				bit = (int)nb->bit;
		if (bit < 0) {
			/* A newer vmxcap names more controls: tell, and leave it unknown. */
			if (unknown++ < 4)
				io_warn(d, "%s:%u: unknown control '%s' in %s, left out", label, lineno, s,
					sec->title);
			continue;
		}
		uint32_t m = 1u << bit;
		struct ctl *k = &c[cur];
		k->seen = true;
		if (sec->kind == SEC_ALLOWED1) {
			if (!strcmp(state, "yes") || !strcmp(state, "forced"))
				k->hi |= m;
			continue;
		}
		if (!strcmp(state, "no")) {
		} else if (!strcmp(state, "yes")) {
			k->hi |= m, k->thi |= m;
		} else if (!strcmp(state, "forced")) {
			k->lo |= m, k->hi |= m, k->tlo |= m, k->thi |= m;
		} else if (!strcmp(state, "default")) {
			k->lo |= m, k->hi |= m, k->thi |= m;
		} else {
			io_fail(d, NVMX_E_VALUE, label, lineno,
				"state '%s' (vmxcap prints no, yes, forced or default)", state);
			return -1;
		}
	}
	uint64_t basic = nvmx_msrs_get(&out->host.msrs, NVMX_BASIC);
	if (!nvmx_msrs_has(&out->host.msrs, NVMX_BASIC)) {
		io_fail(d, NVMX_E_MISSING, label, 0,
			"no 'Hex:' line under Basic VMX Information: IA32_VMX_BASIC is unknown");
		return -1;
	}
	bool has_true = (basic >> 55) & 1;
	for (unsigned s = 0; s < NSEC; s++) {
		const struct section *sec = &sections[s];
		if (sec->kind == SEC_FIELDS || !c[s].seen)
			continue;
		const struct ctl *k = &c[s];
		/*
		 * The controls vmxcap does not name (a catalogued bit this vmxcap has
		 * no line for: load CET state, PKRS, ... in an older script) are held
		 * at 0 but unknown, and so are the unnamed default1 bits of a TRUE MSR.
		 */
		uint32_t named = 0;
		for (const struct name_bit *nb = sec->names; nb->name; nb++)
			named |= 1u << nb->bit;
		uint32_t unnamed = nvmx_catalog_controls(sec->msr) & ~named & ~sec->default1;
		out->unknown[sec->msr] = (uint64_t)unnamed << 32;
		if (sec->kind == SEC_ALLOWED1) {
			nvmx_msrs_set(&out->host.msrs, sec->msr, k->hi);
			continue;
		}
		nvmx_msrs_set(&out->host.msrs, sec->msr,
			      nvmx_mk64(k->lo | sec->default1, k->hi | sec->default1));
		/* A named default1 bit is what vmxcap says; only the unnamed ones are assumed. */
		uint32_t assumed = sec->default1 & ~named;
		if (sec->true_msr != sec->msr && has_true) {
			nvmx_msrs_set(&out->host.msrs, sec->true_msr,
				      nvmx_mk64(k->tlo | assumed, k->thi | assumed));
			out->unknown[sec->true_msr] = (uint64_t)unnamed << 32 | assumed;
		}
	}
	/* vmxcap reads an MSR the processor lacks as 0; the primary controls say which exist. */
	uint32_t proc_hi = nvmx_hi(nvmx_msrs_get(&out->host.msrs, NVMX_PROCBASED));
	if (!(proc_hi & (1u << 31))) {
		out->host.msrs.present &= ~(1u << NVMX_PROCBASED2);
		out->host.msrs.present &= ~(1u << NVMX_EPT_VPID_CAP);
		out->host.msrs.present &= ~(1u << NVMX_VMFUNC);
	}
	if (!(proc_hi & (1u << 17)))
		out->host.msrs.present &= ~(1u << NVMX_PROCBASED3);
	uint32_t p2 = nvmx_hi(nvmx_msrs_get(&out->host.msrs, NVMX_PROCBASED2));
	if (!(p2 & ((1u << 1) | (1u << 5))))
		out->host.msrs.present &= ~(1u << NVMX_EPT_VPID_CAP);
	if (!(p2 & (1u << 13)))
		out->host.msrs.present &= ~(1u << NVMX_VMFUNC);

	/* CPUID flags the controls imply; the rest of what KVM consults is unknown. */
	static const struct { enum nvmx_msr_id msr; unsigned bit; const char *flag; } implied[] = {
		{ NVMX_PROCBASED2, 3, "rdtscp" }, { NVMX_PROCBASED2, 11, "rdrand" },
		{ NVMX_PROCBASED2, 12, "invpcid" }, { NVMX_PROCBASED2, 15, "sgx" },
		{ NVMX_PROCBASED2, 16, "rdseed" }, { NVMX_PROCBASED2, 20, "xsave xsaves" },
		{ NVMX_PROCBASED2, 26, "waitpkg" }, { NVMX_ENTRY, 16, "mpx" },
	};
	snprintf(out->flags, sizeof(out->flags), "vme de pse tsc pae mce pge fxsr sse vmx nx lm");
	for (unsigned i = 0; i < sizeof(implied) / sizeof(implied[0]); i++)
		if ((nvmx_hi(nvmx_msrs_get(&out->host.msrs, implied[i].msr)) >> implied[i].bit) & 1) {
			size_t fl = strlen(out->flags);
			snprintf(out->flags + fl, sizeof(out->flags) - fl, " %s", implied[i].flag);
		}
	out->has_flags = true;
	io_features_from_flags(out);
	/*
	 * vmxcap prints no CPUID: beyond what every 64-bit VMX processor has,
	 * each feature the model reads is unknown (a control does not prove the
	 * CPUID bit: a hypervisor or the firmware may hide the feature).
	 */
	uint64_t base = 0;
	static const enum nvmx_feature always[] = {
		NVMX_F_VME, NVMX_F_DE, NVMX_F_PSE, NVMX_F_TSC, NVMX_F_PAE, NVMX_F_MCE,
		NVMX_F_PGE, NVMX_F_FXSR, NVMX_F_SSE, NVMX_F_VMX, NVMX_F_NX, NVMX_F_LM,
	};
	for (unsigned i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		base |= NVMX_FEAT(always[i]);
	out->unknown_features = (NVMX_FEAT(NVMX_F_COUNT) - 1) & ~base;
	snprintf(out->host.vendor, sizeof(out->host.vendor), "GenuineIntel");
	snprintf(out->source, sizeof(out->source), "vmxcap output (partial)");
	out->partial = true;
	snprintf(out->partial_note, sizeof(out->partial_note),
		 "unnamed controls unknown (held as absent), CR0/CR4_FIXED and VMCS_ENUM missing, "
		 "CPUID unknown beyond VMX and 64-bit basics: answers that depend on an unknown bit say so");
	io_warn(d, "%s: partial host (vmxcap): %s", label, out->partial_note);
	(void)fields_seen;
	return 0;
}
