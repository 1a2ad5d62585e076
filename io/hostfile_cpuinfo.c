/* SPDX-License-Identifier: MIT */
/*
 * /proc/cpuinfo as a host.  Since Linux 5.6 (CONFIG_X86_VMX_FEATURE_NAMES)
 * each processor block has a "vmx flags" line: the kernel reads the control
 * MSRs' allowed-1 halves, EPT_VPID_CAP and VMFUNC at boot and prints a name
 * for some of the bits.  A printed name says the bit is 1; a name the kernel
 * knows but did not print says it is 0; every other bit is unknown.  The host
 * built here has the known bits as read, the unknown ones at the least KVM
 * needs to load (its required controls and the SDM's default1 bits) and
 * records the unknown ones in unknown[], so answers can say what they could
 * change.  BASIC and MISC are placeholders; CR0/CR4_FIXED and VMCS_ENUM are
 * absent.  The "flags" line gives the real CPUID features.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "nvmx/catalog.h"

/*
 * Names printed in "vmx flags" and the bit each stands for.  `since` is the
 * first kernel generation printing the name: 0 = every kernel with the line,
 * 1 = 6.0 on (notify_vm_exiting, ipi_virt), 2 = 6.10 on (ept_5level,
 * ept_violation_ve).  An older kernel cannot print a newer name, so its
 * absence is only news when the kernel is known to be new enough.
 */
struct vmx_name {
	const char *name;
	enum nvmx_msr_id msr;
	unsigned bit;
	unsigned since;
};

static const struct vmx_name vmx_names[] = {
	{ "vnmi", NVMX_PINBASED, 32 + 5, 0 },
	{ "preemption_timer", NVMX_PINBASED, 32 + 6, 0 },
	{ "posted_intr", NVMX_PINBASED, 32 + 7, 0 },
	{ "invvpid", NVMX_EPT_VPID_CAP, 32, 0 },
	{ "ept_x_only", NVMX_EPT_VPID_CAP, 0, 0 },
	{ "ept_ad", NVMX_EPT_VPID_CAP, 21, 0 },
	{ "ept_1gb", NVMX_EPT_VPID_CAP, 17, 0 },
	{ "ept_5level", NVMX_EPT_VPID_CAP, 7, 2 },
	{ "eptp_switching", NVMX_VMFUNC, 0, 0 },
	{ "tsc_offset", NVMX_PROCBASED, 32 + 3, 0 },
	{ "vtpr", NVMX_PROCBASED, 32 + 21, 0 },
	{ "mtf", NVMX_PROCBASED, 32 + 27, 0 },
	{ "vapic", NVMX_PROCBASED2, 32 + 0, 0 },
	{ "ept", NVMX_PROCBASED2, 32 + 1, 0 },
	{ "vpid", NVMX_PROCBASED2, 32 + 5, 0 },
	{ "unrestricted_guest", NVMX_PROCBASED2, 32 + 7, 0 },
	{ "vapic_reg", NVMX_PROCBASED2, 32 + 8, 0 },
	{ "vid", NVMX_PROCBASED2, 32 + 9, 0 },
	{ "ple", NVMX_PROCBASED2, 32 + 10, 0 },
	{ "shadow_vmcs", NVMX_PROCBASED2, 32 + 14, 0 },
	{ "pml", NVMX_PROCBASED2, 32 + 17, 0 },
	{ "ept_violation_ve", NVMX_PROCBASED2, 32 + 18, 2 },
	{ "ept_mode_based_exec", NVMX_PROCBASED2, 32 + 22, 0 },
	{ "tsc_scaling", NVMX_PROCBASED2, 32 + 25, 0 },
	{ "usr_wait_pause", NVMX_PROCBASED2, 32 + 26, 0 },
	{ "notify_vm_exiting", NVMX_PROCBASED2, 32 + 31, 1 },
	{ "ipi_virt", NVMX_PROCBASED3, 4, 1 },
};
#define NNAMES (sizeof(vmx_names) / sizeof(vmx_names[0]))

/* The kernel's aggregates: printed exactly when all their parts are. */
static const struct {
	const char *name;
	const char *parts[4];
} aggregates[] = {
	{ "flexpriority", { "vtpr", "vapic", 0, 0 } },
	{ "apicv", { "vtpr", "vapic_reg", "vid", "posted_intr" } },
};

/* The SDM's default1 classes (reserved to 1 in the non-TRUE MSRs). */
#define PIN_DEFAULT1 0x00000016u
#define PROC_DEFAULT1 0x0401e172u
#define EXIT_DEFAULT1 0x00036dffu
#define ENTRY_DEFAULT1 0x000011ffu
static bool word_in(const char *list, size_t len, const char *w)
{
	size_t wl = strlen(w);
	for (size_t i = 0; i < len;) {
		while (i < len && (list[i] == ' ' || list[i] == '\t'))
			i++;
		size_t j = i;
		while (j < len && list[j] != ' ' && list[j] != '\t')
			j++;
		if (j - i == wl && !memcmp(list + i, w, wl))
			return true;
		i = j;
	}
	return false;
}

/* Value of "key<tabs>: value" when the line's key is `key`, else NULL. */
static const char *key_value(const char *line, size_t n, const char *key, size_t *vlen)
{
	size_t kl = strlen(key);
	if (n < kl || memcmp(line, key, kl))
		return NULL;
	size_t i = kl;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= n || line[i] != ':')
		return NULL;
	i++;
	while (i < n && line[i] == ' ')
		i++;
	*vlen = n - i;
	return line + i;
}

static bool parse_uint(const char *v, size_t n, unsigned *out)
{
	if (!n || n > 9)
		return false;
	unsigned x = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (unsigned)(v[i] - '0');
	}
	*out = x;
	return true;
}

int io_parse_cpuinfo(const char *path, const char *buf, size_t len, struct nvmx_hostfile *out,
		     struct nvmx_diag *d)
{
	const char *label = io_label(path);
	io_hostfile_init(out, path);
	const char *vflags = NULL, *flags = NULL, *vendor = NULL, *mname = NULL;
	size_t vflen = 0, flen = 0, vlen = 0, mlen = 0;
	unsigned vfline = 0, lineno = 0, fam = 0, model = 0, step = 0;
	unsigned famline = 0, modelline = 0, stepline = 0;
	bool have_fam = false, have_model = false, have_step = false;
	struct io_lines it;
	const char *line;
	size_t ln;
	io_lines_init(&it, buf, len);
	/* The first processor's block: up to the first blank line after content. */
	while (io_lines_next(&it, &line, &ln)) {
		lineno = it.lineno;
		for (size_t i = 0; i < ln; i++)
			if ((unsigned char)line[i] < 0x20 && line[i] != '\t') {
				io_fail(d, NVMX_E_SYNTAX, label, lineno,
					"control character in /proc/cpuinfo text");
				return -1;
			}
		if (!ln) {
			if (vendor || flags || vflags)
				break;
			continue;
		}
		const char *v;
		size_t vl;
		if ((v = key_value(line, ln, "vmx flags", &vl))) {
			vflags = v, vflen = vl, vfline = lineno;
		} else if ((v = key_value(line, ln, "flags", &vl))) {
			flags = v, flen = vl;
		} else if ((v = key_value(line, ln, "vendor_id", &vl))) {
			vendor = v, vlen = vl;
		} else if ((v = key_value(line, ln, "model name", &vl))) {
			mname = v, mlen = vl;
		} else if ((v = key_value(line, ln, "cpu family", &vl))) {
			have_fam = parse_uint(v, vl, &fam), famline = lineno;
		} else if ((v = key_value(line, ln, "model", &vl))) {
			have_model = parse_uint(v, vl, &model), modelline = lineno;
		} else if ((v = key_value(line, ln, "stepping", &vl))) {
			have_step = parse_uint(v, vl, &step), stepline = lineno;
		}
	}
	/* The CPUID signature's widths, as every host reader takes them. */
	static const struct { const char *key; unsigned max; } sig[] = {
		{ "cpu family", 15 + 255 }, { "model", 255 }, { "stepping", 15 },
	};
	const unsigned sv[] = { fam, model, step }, sl[] = { famline, modelline, stepline };
	const bool sh[] = { have_fam, have_model, have_step };
	for (unsigned i = 0; i < 3; i++)
		if (sh[i] && sv[i] > sig[i].max) {
			io_fail(d, NVMX_E_VALUE, label, sl[i], "%s %u is out of range (at most %u)",
				sig[i].key, sv[i], sig[i].max);
			return -1;
		}
	if (!flags || !word_in(flags, flen, "vmx")) {
		io_fail(d, NVMX_E_MISSING, label, 0,
			"/proc/cpuinfo without the 'vmx' flag: VMX is absent, disabled in the "
			"firmware, or hidden by a hypervisor");
		return -1;
	}
	if (!vflags) {
		io_fail(d, NVMX_E_MISSING, label, 0,
			"/proc/cpuinfo has no 'vmx flags' line: the kernel that wrote it is older "
			"than 5.6 (or built without CONFIG_X86_VMX_FEATURE_NAMES), and its 'flags' line "
			"says only that VMX is there, not which controls: on that host give QEMU's vmxcap "
			"output (scripts/kvm/vmxcap, as root), a dump, or the line 'nvmx inventory-line "
			"--live' prints");
		return -1;
	}
	if (flen >= sizeof(out->flags)) {
		io_fail(d, NVMX_E_LIMIT, label, 0, "the flags line is longer than %zu bytes",
			sizeof(out->flags) - 1);
		return -1;
	}
	/* Which generation of names the printing kernel had, as far as the line shows. */
	unsigned gen = 0;
	for (unsigned i = 0; i < NNAMES; i++)
		if (vmx_names[i].since > gen && word_in(vflags, vflen, vmx_names[i].name))
			gen = vmx_names[i].since;
	for (unsigned a = 0; a < sizeof(aggregates) / sizeof(aggregates[0]); a++) {
		bool all = true;
		for (unsigned k = 0; k < 4 && aggregates[a].parts[k]; k++)
			all = all && word_in(vflags, vflen, aggregates[a].parts[k]);
		if (all != word_in(vflags, vflen, aggregates[a].name)) {
			io_fail(d, NVMX_E_VALUE, label, vfline,
				"vmx flags: '%s' %s: not as a kernel prints them (it is the "
				"aggregate of its parts)",
				aggregates[a].name,
				all ? "missing though its parts are there"
				    : "without all of its parts");
			return -1;
		}
	}
	/* Unknown words are warned about: a newer kernel may print more names. */
	unsigned unknown_words = 0;
	for (size_t i = 0; i < vflen;) {
		while (i < vflen && (vflags[i] == ' ' || vflags[i] == '\t'))
			i++;
		size_t j = i;
		while (j < vflen && vflags[j] != ' ' && vflags[j] != '\t')
			j++;
		if (j == i)
			break;
		bool known = false;
		for (unsigned k = 0; k < NNAMES && !known; k++)
			known = strlen(vmx_names[k].name) == j - i && !memcmp(vmx_names[k].name, vflags + i, j - i);
		for (unsigned k = 0; k < 2 && !known; k++)
			known = strlen(aggregates[k].name) == j - i && !memcmp(aggregates[k].name, vflags + i, j - i);
		if (!known && unknown_words++ < 4)
			io_warn(d, "%s:%u: vmx flag '%.*s' is not one nvmx maps to a bit, left out", label,
				vfline, (int)(j - i > 40 ? 40 : j - i), vflags + i);
		i = j;
	}

	/* Known-1, known-0 and unknown bits per MSR. */
	uint64_t one[NVMX_MSR_COUNT] = { 0 }, known[NVMX_MSR_COUNT] = { 0 };
	for (unsigned i = 0; i < NNAMES; i++) {
		const struct vmx_name *x = &vmx_names[i];
		bool set = word_in(vflags, vflen, x->name);
		if (set)
			one[x->msr] |= UINT64_C(1) << x->bit;
		if (set || x->since <= gen)
			known[x->msr] |= UINT64_C(1) << x->bit;
	}
	bool any2 = (uint32_t)(one[NVMX_PROCBASED2] >> 32) != 0;
	/* Secondary (tertiary) names printed: the processor has those controls at all. */
	if (any2)
		one[NVMX_PROCBASED] |= UINT64_C(1) << 63, known[NVMX_PROCBASED] |= UINT64_C(1) << 63;
	if (one[NVMX_PROCBASED3])
		one[NVMX_PROCBASED] |= UINT64_C(1) << (32 + 17),
			known[NVMX_PROCBASED] |= UINT64_C(1) << (32 + 17);

	struct nvmx_msrs *ms = &out->host.msrs;
	static const struct {
		enum nvmx_msr_id msr, true_msr;
		uint32_t default1, kvm_min;
	} ctl[] = {
		{ NVMX_PINBASED, NVMX_TRUE_PINBASED, PIN_DEFAULT1, KVM_MIN_PIN },
		{ NVMX_PROCBASED, NVMX_TRUE_PROCBASED, PROC_DEFAULT1, KVM_MIN_PROC },
		{ NVMX_EXIT, NVMX_TRUE_EXIT, EXIT_DEFAULT1, KVM_MIN_EXIT },
		{ NVMX_ENTRY, NVMX_TRUE_ENTRY, ENTRY_DEFAULT1, KVM_MIN_ENTRY },
	};
	for (unsigned i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		enum nvmx_msr_id id = ctl[i].msr;
		uint32_t k = (uint32_t)(known[id] >> 32), o = (uint32_t)(one[id] >> 32);
		uint32_t hi = o | ctl[i].default1 | (ctl[i].kvm_min & ~k);
		uint32_t unk = nvmx_catalog_controls(id) & ~k & ~ctl[i].default1 & ~ctl[i].kvm_min;
		nvmx_msrs_set(ms, id, nvmx_mk64(ctl[i].default1, hi));
		/* TRUE: which default1 bits may be 0 is not in the line; taken as none. */
		nvmx_msrs_set(ms, ctl[i].true_msr, nvmx_mk64(ctl[i].default1, hi));
		out->unknown[id] = (uint64_t)unk << 32;
		out->unknown[ctl[i].true_msr] = ((uint64_t)unk << 32) | ctl[i].default1;
	}
	if (any2) {
		uint32_t k = (uint32_t)(known[NVMX_PROCBASED2] >> 32);
		nvmx_msrs_set(ms, NVMX_PROCBASED2, one[NVMX_PROCBASED2]);
		out->unknown[NVMX_PROCBASED2] = (uint64_t)(nvmx_catalog_controls(NVMX_PROCBASED2) & ~k) << 32;
		if (one[NVMX_PROCBASED2] & (UINT64_C(3) << 32 | UINT64_C(1) << 37)) {
			/* EPT/VPID: the named capabilities; the rest (page-walk 4, WB, INVEPT types) unknown. */
			/*
			 * Assumed where unknown, as every EPT (VPID) processor so far has them
			 * and KVM uses neither without them: 4-level walks, write-back, 2 MiB
			 * pages, INVEPT single and all-context; INVVPID's four types.
			 */
			uint64_t typical = 0;
			if (one[NVMX_PROCBASED2] & UINT64_C(1) << 33)
				typical |= UINT64_C(1) << 6 | UINT64_C(1) << 14 | UINT64_C(1) << 16 |
					   UINT64_C(1) << 20 | UINT64_C(1) << 25 | UINT64_C(1) << 26;
			if (one[NVMX_EPT_VPID_CAP] & UINT64_C(1) << 32)
				typical |= UINT64_C(0xf) << 41;
			nvmx_msrs_set(ms, NVMX_EPT_VPID_CAP,
				      one[NVMX_EPT_VPID_CAP] | (typical & ~known[NVMX_EPT_VPID_CAP]));
			out->unknown[NVMX_EPT_VPID_CAP] = nvmx_catalog_bits(NVMX_EPT_VPID_CAP) & ~known[NVMX_EPT_VPID_CAP];
		}
		if (one[NVMX_VMFUNC]) {
			nvmx_msrs_set(ms, NVMX_PROCBASED2, one[NVMX_PROCBASED2] | UINT64_C(1) << (32 + 13));
			nvmx_msrs_set(ms, NVMX_VMFUNC, one[NVMX_VMFUNC]);
			out->unknown[NVMX_VMFUNC] = nvmx_catalog_bits(NVMX_VMFUNC) & ~known[NVMX_VMFUNC];
		}
	}
	if (one[NVMX_PROCBASED3]) {
		nvmx_msrs_set(ms, NVMX_PROCBASED3, one[NVMX_PROCBASED3]);
		out->unknown[NVMX_PROCBASED3] = nvmx_catalog_bits(NVMX_PROCBASED3) & ~known[NVMX_PROCBASED3];
	}
	/* BASIC: TRUE controls, INS/OUTS info, 64-bit addresses; revision, size, memory type placeholders. */
	nvmx_msrs_set(ms, NVMX_BASIC, UINT64_C(1) | (UINT64_C(0x400) << 32) | (UINT64_C(6) << 50) |
				      (UINT64_C(1) << 54) | (UINT64_C(1) << 55));
	/*
	 * Its capability bits are unknown: dual-monitor SMM (49), INS/OUTS
	 * information (54), TRUE controls (55), no error-code consistency check
	 * (56).  The rest is held, not varied: the revision and VMCS size KVM
	 * does not pass to L1 (its own vmcs12 constants), a memory type other
	 * than write-back or a region over 4 KiB no processor has reported and
	 * KVM refuses, and bit 48 (32-bit addresses) is 0 on every processor
	 * with Intel 64 ("lm").
	 */
	out->unknown[NVMX_BASIC] = UINT64_C(1) << 49 | UINT64_C(0xf) << 54;
	/*
	 * MISC: unknown, every field; assumed as on most processors: timer rate 5,
	 * EFER.LMA stored on exit, HLT/shutdown/wait-for-SIPI activity states, 4
	 * CR3 targets.
	 */
	nvmx_msrs_set(ms, NVMX_MISC, UINT64_C(0x000401e5));
	out->unknown[NVMX_MISC] = nvmx_catalog_bits(NVMX_MISC);

	memcpy(out->flags, flags, flen);
	out->flags[flen] = 0;
	out->has_flags = true;
	io_features_from_flags(out);
	/*
	 * A kernel prints a CPUID flag only if it has a name for it and did not
	 * clear it.  Unknown when not printed: the flags a configuration or boot
	 * option clears while the processor has them (no5lvl, nopku, noxsaves,
	 * CONFIG_X86_UMIP, ibt=off, shadow stacks named only as user_shstk), and,
	 * when the vmx flags show a kernel before 6.0, the names it may predate
	 * (sgx 5.11, lam).  Any other flag not printed is absent.
	 */
	static const enum nvmx_feature hideable[] = {
		NVMX_F_SHSTK, NVMX_F_IBT, NVMX_F_LA57, NVMX_F_PKU, NVMX_F_XSAVES, NVMX_F_UMIP,
	};
	static const enum nvmx_feature newer[] = { NVMX_F_SGX, NVMX_F_LAM };
	for (unsigned i = 0; i < sizeof(hideable) / sizeof(hideable[0]); i++)
		if (!(out->host.features & NVMX_FEAT(hideable[i])))
			out->unknown_features |= NVMX_FEAT(hideable[i]);
	for (unsigned i = 0; gen < 1 && i < sizeof(newer) / sizeof(newer[0]); i++)
		if (!(out->host.features & NVMX_FEAT(newer[i])))
			out->unknown_features |= NVMX_FEAT(newer[i]);
	if (vendor && vlen < sizeof(out->host.vendor)) {
		memcpy(out->host.vendor, vendor, vlen);
		out->host.vendor[vlen] = 0;
	} else
		snprintf(out->host.vendor, sizeof(out->host.vendor), "GenuineIntel");
	if (have_fam && have_model && have_step) {
		out->host.family = fam, out->host.model = model, out->host.stepping = step;
		out->has_identity = true;
	}
	if (mname && mlen) {
		size_t n = mlen < sizeof(out->name) - 1 ? mlen : sizeof(out->name) - 1, o = 0;
		/* Printable ASCII only: the name lands in JSON output. */
		for (size_t i = 0; i < n; i++)
			if (mname[i] >= 0x20 && mname[i] < 0x7f)
				out->name[o++] = mname[i];
		out->name[o] = 0;
	}
	snprintf(out->source, sizeof(out->source), "/proc/cpuinfo vmx flags (partial)");
	out->partial = true;
	snprintf(out->partial_note, sizeof(out->partial_note),
		 "the vmx flags name %u bits; the other controls are unknown (taken as KVM's "
		 "required minimum; EPT/VPID and MISC as typical), BASIC's capability bits unknown (its "
		 "revision and size placeholders), CPUID flags not printed unknown, CR0/CR4_FIXED and "
		 "VMCS_ENUM missing: "
		 "answers that depend on an unknown bit say so%s",
		 (unsigned)__builtin_popcountll(known[NVMX_PINBASED]) +
			 (unsigned)__builtin_popcountll(known[NVMX_PROCBASED]) +
			 (unsigned)__builtin_popcountll(known[NVMX_PROCBASED2]) +
			 (unsigned)__builtin_popcountll(known[NVMX_PROCBASED3]) +
			 (unsigned)__builtin_popcountll(known[NVMX_EPT_VPID_CAP]) +
			 (unsigned)__builtin_popcountll(known[NVMX_VMFUNC]),
		 gen < 2 ? "; the printing kernel may predate ept_5level/ipi_virt names, those read unknown" : "");
	io_warn(d, "%s: partial host (/proc/cpuinfo): %s", label, out->partial_note);
	return 0;
}
