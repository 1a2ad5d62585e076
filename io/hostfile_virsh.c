/* SPDX-License-Identifier: MIT */
/*
 * libvirt's XML as a host: `virsh domcapabilities` (the host-model CPU: a
 * QEMU model name and the features beyond it, vmx-* ones included) or
 * `virsh capabilities` (the host CPU's model and features).  The vmx-* names
 * are QEMU properties, so they say which bits QEMU found KVM offering on
 * /dev/kvm -- KVM's offer to a guest, not the processor's own MSRs; the host
 * built from them has those bits as its controls and capabilities, QEMU's
 * default1 bits as must-be-1, placeholder BASIC fields, no CR0/CR4 fixed
 * MSRs and no VMCS_ENUM.  It is partial, and says so.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "nvmx/qemu.h"
#include "nvmx/catalog.h"

bool io_is_virsh_xml(const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i >= len || buf[i] != '<')
		return false;
	/* strstr needs a NUL: io_read_all's buffers end in one. */
	return strstr(buf + i, "<capabilities") || strstr(buf + i, "<domainCapabilities");
}

static unsigned line_at(const char *buf, const char *p)
{
	unsigned l = 1;
	for (const char *q = buf; q < p; q++)
		l += *q == '\n';
	return l;
}

/* The value of attribute `name` inside tag [t, e), or 0 length. */
static size_t attr(const char *t, const char *e, const char *name, const char **v)
{
	size_t nl = strlen(name);
	for (const char *p = t; p + nl + 2 < e; p++) {
		if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') && !strncmp(p, name, nl) &&
		    p[nl] == '=' && (p[nl + 1] == '\'' || p[nl + 1] == '"')) {
			char q = p[nl + 1];
			const char *s = p + nl + 2, *z = memchr(s, q, (size_t)(e - s));
			if (!z)
				return 0;
			*v = s;
			return (size_t)(z - s);
		}
	}
	return 0;
}

/* The text of the first <tag>TEXT</tag> in [p, e). */
static size_t element_text(const char *p, const char *e, const char *tag, char *out, size_t n)
{
	char open[32];
	snprintf(open, sizeof(open), "<%s", tag);
	for (const char *s = p; s < e; s++) {
		if (strncmp(s, open, strlen(open)) || (s[strlen(open)] != '>' && s[strlen(open)] != ' '))
			continue;
		const char *gt = memchr(s, '>', (size_t)(e - s));
		if (!gt || gt[-1] == '/')
			return 0;
		const char *lt = memchr(gt, '<', (size_t)(e - gt));
		if (!lt || (size_t)(lt - gt - 1) >= n)
			return 0;
		memcpy(out, gt + 1, (size_t)(lt - gt - 1));
		out[lt - gt - 1] = 0;
		return (size_t)(lt - gt - 1);
	}
	return 0;
}

int io_parse_virsh_xml(const char *path, const char *buf, size_t len, struct nvmx_hostfile *out,
		       struct nvmx_diag *d)
{
	const char *label = io_label(path);
	const char *end = buf + len, *from, *to;
	io_hostfile_init(out, path);
	/* Where the host's CPU is described. */
	if ((from = strstr(buf, "<mode name='host-model'")) || (from = strstr(buf, "<mode name=\"host-model\""))) {
		to = strstr(from, "</mode>");
	} else if ((from = strstr(buf, "<host>"))) {
		to = strstr(from, "</host>");
		const char *cpu = strstr(from, "<cpu>");
		if (cpu && (!to || cpu < to))
			from = cpu;
	} else {
		io_fail(d, NVMX_E_MISSING, label, 0,
			"neither a host-model CPU (virsh domcapabilities) nor a <host> (virsh "
			"capabilities) in this XML");
		return -1;
	}
	if (!to)
		to = end;
	const struct nvmx_qemu_release *rel = nvmx_qemu_release_default();
	struct nvmx_qwords words;
	memset(&words, 0, sizeof(words));
	uint64_t cpuid = 0;
	unsigned nvmx = 0, unknown = 0;
	char model[64] = "", vendor[32] = "";
	element_text(from, to, "model", model, sizeof(model));
	element_text(from, to, "vendor", vendor, sizeof(vendor));
	/* They become the host's name and vendor: printable ASCII only, as a dump's are. */
	for (const char *s = model; *s; s++)
		if (*s < ' ' || *s > '~') {
			model[0] = 0;
			break;
		}
	for (const char *s = vendor; *s; s++)
		if (*s < ' ' || *s > '~') {
			vendor[0] = 0;
			break;
		}
	/*
	 * The named model's CPUID flags, as QEMU defines the model.  Not its vmx-*
	 * words: libvirt lists every vmx-* feature of a host-model CPU itself.
	 */
	unsigned ver = 0;
	const struct nvmx_qemu_model *m = model[0] ? nvmx_qemu_model_find(model, strlen(model), &ver) : NULL;
	if (m) {
		struct nvmx_qwords mw;
		nvmx_qemu_model_resolve(m, ver, &mw, &cpuid);
	}
	char flags[sizeof(out->flags)] = "";
	size_t fl = 0;
	for (const char *p = from; p && p < to; p++) {
		if (strncmp(p, "<feature", 8) || (p[8] != ' ' && p[8] != '\t'))
			continue;
		const char *e = memchr(p, '>', (size_t)(to - p));
		if (!e) {
			io_fail(d, NVMX_E_SYNTAX, label, line_at(buf, p), "unterminated <feature");
			return -1;
		}
		const char *nv, *pv;
		size_t nn = attr(p + 8, e, "name", &nv), pn = attr(p + 8, e, "policy", &pv);
		p = e;
		if (!nn)
			continue;
		if (pn && (!strncmp(pv, "disable", pn) || !strncmp(pv, "forbid", pn)))
			continue;
		if (nn > 4 && !strncmp(nv, "vmx-", 4)) {
			struct nvmx_qwords b;
			if (!nvmx_qemu_prop_lookup(rel, nv, nn, &b)) {
				if (unknown++ < 4)
					io_warn(d, "%s:%u: %.*s is not a vmx-* property QEMU %s knows, left out",
						label, line_at(buf, nv), (int)nn, nv, rel->name);
				continue;
			}
			for (int w = 0; w < NVMX_QW_COUNT; w++)
				words.w[w] |= b.w[w];
			nvmx++;
			continue;
		}
		int f = nvmx_qemu_cpuid_lookup(nv, nn);
		if (f >= 0)
			cpuid |= NVMX_FEAT(f);
	}
	/* Disabled features of the model come off again, and are known to be 0. */
	struct nvmx_qwords off;
	memset(&off, 0, sizeof(off));
	uint64_t cpuid_off = 0;
	for (const char *p = from; p && p < to; p++) {
		if (strncmp(p, "<feature", 8))
			continue;
		const char *e = memchr(p, '>', (size_t)(to - p));
		const char *nv, *pv;
		size_t nn = e ? attr(p + 8, e, "name", &nv) : 0, pn = e ? attr(p + 8, e, "policy", &pv) : 0;
		if (!nn || !pn || strncmp(pv, "disable", pn))
			continue;
		struct nvmx_qwords b;
		if (nn > 4 && !strncmp(nv, "vmx-", 4) && nvmx_qemu_prop_lookup(rel, nv, nn, &b))
			for (int w = 0; w < NVMX_QW_COUNT; w++) {
				words.w[w] &= ~b.w[w];
				off.w[w] |= b.w[w];
			}
		int f = nvmx_qemu_cpuid_lookup(nv, nn);
		if (f >= 0) {
			cpuid &= ~NVMX_FEAT(f);
			cpuid_off |= NVMX_FEAT(f);
		}
	}
	if (nvmx_qwords_empty(&words)) {
		io_fail(d, NVMX_E_MISSING, label, 0,
			"no vmx-* feature in the host CPU%s%s%s: this XML does not say which VMX "
			"controls the host has (virsh domcapabilities of a libvirt that knows "
			"QEMU's vmx-* features lists them under host-model)",
			model[0] ? " (" : "", model, model[0] ? ")" : "");
		return -1;
	}
	cpuid |= NVMX_FEAT(NVMX_F_VMX);
	if (!m)
		cpuid |= NVMX_FEAT(NVMX_F_LM) | NVMX_FEAT(NVMX_F_NX);
	for (int f = 0; f < NVMX_F_COUNT; f++)
		if (cpuid & NVMX_FEAT(f)) {
			fl += (size_t)snprintf(flags + fl, fl < sizeof(flags) ? sizeof(flags) - fl : 0, "%s%s",
					       fl ? " " : "", nvmx_feature_name((enum nvmx_feature)f));
		}
	snprintf(out->flags, sizeof(out->flags), "%s", flags);
	out->has_flags = true;
	io_features_from_flags(out);
	/*
	 * A CPUID flag of leaves 7 and 0xD that neither the model nor the XML
	 * gives, and that is not disabled, is unknown: libvirt lists only the
	 * features its CPU map knows.
	 */
	static const enum nvmx_feature late[] = {
		NVMX_F_FSGSBASE, NVMX_F_SGX, NVMX_F_SMEP, NVMX_F_INVPCID, NVMX_F_MPX, NVMX_F_RDSEED,
		NVMX_F_SMAP, NVMX_F_UMIP, NVMX_F_PKU, NVMX_F_WAITPKG, NVMX_F_SHSTK, NVMX_F_LA57,
		NVMX_F_RDPID, NVMX_F_IBT, NVMX_F_LAM, NVMX_F_XSAVES,
	};
	for (unsigned i = 0; i < sizeof(late) / sizeof(late[0]); i++)
		if (!(out->host.features & NVMX_FEAT(late[i])) && !(cpuid_off & NVMX_FEAT(late[i])))
			out->unknown_features |= NVMX_FEAT(late[i]);
	snprintf(out->host.vendor, sizeof(out->host.vendor), "%s",
		 !strcmp(vendor, "Intel") || !vendor[0] ? "GenuineIntel" : vendor);
	if (model[0])
		snprintf(out->name, sizeof(out->name), "libvirt %s", model);
	/* The MSRs QEMU would build from these words, which is how it saw KVM's offer. */
	static const struct { enum nvmx_qword w; enum nvmx_msr_id msr, plain; } ctl[] = {
		{ NVMX_QW_PINBASED, NVMX_TRUE_PINBASED, NVMX_PINBASED },
		{ NVMX_QW_PROCBASED, NVMX_TRUE_PROCBASED, NVMX_PROCBASED },
		{ NVMX_QW_EXIT, NVMX_TRUE_EXIT, NVMX_EXIT },
		{ NVMX_QW_ENTRY, NVMX_TRUE_ENTRY, NVMX_ENTRY },
	};
	/*
	 * A feature the XML does not list is unknown, not absent: libvirt lists
	 * the vmx-* features its CPU map knows, and only those the model does
	 * not already imply; only policy='disable' says a bit is 0.  QEMU saw
	 * KVM's offer, so kvm_intel loaded: its required controls are there.
	 */
	static const uint32_t kvm_min[] = { KVM_MIN_PIN, KVM_MIN_PROC, KVM_MIN_EXIT, KVM_MIN_ENTRY };
	struct nvmx_msrs *ms = &out->host.msrs;
	for (unsigned i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		uint32_t f = (uint32_t)words.w[ctl[i].w], d1 = nvmx_lo(nvmx_qemu_control_msr(ctl[i].w, 0));
		/* Host address-space size is no vmx-* property: QEMU sets it for a 64-bit CPU. */
		if (ctl[i].w == NVMX_QW_EXIT && (cpuid & NVMX_FEAT(NVMX_F_LM)))
			f |= 1u << 9;
		uint32_t unk = nvmx_catalog_controls(ctl[i].plain) & ~f & ~(uint32_t)off.w[ctl[i].w] & ~d1 & ~kvm_min[i];
		f |= kvm_min[i] & ~(uint32_t)off.w[ctl[i].w];
		nvmx_msrs_set(ms, ctl[i].msr, nvmx_qemu_control_msr(ctl[i].w, f));
		nvmx_msrs_set(ms, ctl[i].plain, nvmx_mk64(d1, f | d1));
		out->unknown[ctl[i].plain] = (uint64_t)unk << 32;
		out->unknown[ctl[i].msr] = (uint64_t)unk << 32;
	}
	/*
	 * The assumption stays consistent where the listed features imply an
	 * unlisted control (KVM refuses EPT capabilities without EPT): EPT or
	 * VPID capabilities, VM functions or secondary controls listed hold the
	 * control that enumerates them as present (still unknown).
	 */
	uint32_t p2 = (uint32_t)words.w[NVMX_QW_SECONDARY];
	uint32_t p2_unk = nvmx_catalog_controls(NVMX_PROCBASED2) & ~p2 & ~(uint32_t)off.w[NVMX_QW_SECONDARY];
	if (((uint32_t)words.w[NVMX_QW_EPT_VPID] && (p2_unk & (1u << 1))))
		p2 |= 1u << 1;
	if ((words.w[NVMX_QW_EPT_VPID] >> 32) && (p2_unk & (1u << 5)))
		p2 |= 1u << 5;
	if (words.w[NVMX_QW_VMFUNC] && (p2_unk & (1u << 13)))
		p2 |= 1u << 13;
	if (p2 && (out->unknown[NVMX_PROCBASED] >> 63 & 1)) {
		ms->val[NVMX_PROCBASED] |= UINT64_C(1) << 63;
		ms->val[NVMX_TRUE_PROCBASED] |= UINT64_C(1) << 63;
	}
	/* The secondary controls: present when listed, or unknown when not disabled. */
	if (words.w[NVMX_QW_PROCBASED] & (1u << 31) || (out->unknown[NVMX_PROCBASED] >> 63 & 1)) {
		nvmx_msrs_set(ms, NVMX_PROCBASED2, nvmx_qemu_control_msr(NVMX_QW_SECONDARY, p2));
		out->unknown[NVMX_PROCBASED2] =
			(uint64_t)p2_unk << 32;
	}
	/* BASIC: QEMU's named bits; revision, VMCS size and memory type are placeholders. */
	nvmx_msrs_set(ms, NVMX_BASIC, words.w[NVMX_QW_BASIC] | UINT64_C(1) | (UINT64_C(0x400) << 32) |
				      (UINT64_C(6) << 50));
	nvmx_msrs_set(ms, NVMX_MISC, words.w[NVMX_QW_MISC]);
	/* The capability bits QEMU names and the XML does not list, as for the controls. */
	/* BASIC's capability bits (49, 54-56) whether or not QEMU names them; not its placeholders. */
	out->unknown[NVMX_BASIC] = (UINT64_C(1) << 49 | UINT64_C(0xf) << 54) & ~words.w[NVMX_QW_BASIC] &
				   ~off.w[NVMX_QW_BASIC];
	out->unknown[NVMX_MISC] = nvmx_catalog_bits(NVMX_MISC) & ~words.w[NVMX_QW_MISC] & ~off.w[NVMX_QW_MISC];
	uint64_t p2u = out->unknown[NVMX_PROCBASED2] >> 32;
	if ((p2 | p2u) & ((1u << 1) | (1u << 5))) {
		nvmx_msrs_set(ms, NVMX_EPT_VPID_CAP, words.w[NVMX_QW_EPT_VPID]);
		out->unknown[NVMX_EPT_VPID_CAP] = nvmx_catalog_bits(NVMX_EPT_VPID_CAP) & ~words.w[NVMX_QW_EPT_VPID] &
						  ~off.w[NVMX_QW_EPT_VPID];
	}
	if ((p2 | p2u) & (1u << 13)) {
		nvmx_msrs_set(ms, NVMX_VMFUNC, words.w[NVMX_QW_VMFUNC]);
		out->unknown[NVMX_VMFUNC] = nvmx_catalog_bits(NVMX_VMFUNC) & ~words.w[NVMX_QW_VMFUNC] &
					    ~off.w[NVMX_QW_VMFUNC];
	}
	snprintf(out->source, sizeof(out->source), "libvirt XML (partial: KVM's offer as QEMU saw it)");
	out->partial = true;
	snprintf(out->partial_note, sizeof(out->partial_note),
		 "vmx-* features are KVM's offer as QEMU saw it, not the CPU's MSRs; a feature the XML "
		 "does not list is unknown (held as absent; KVM's required controls as present), BASIC "
		 "fields, MISC limits, CR0/CR4_FIXED and VMCS_ENUM missing");
	io_warn(d, "%s: partial host (libvirt, %u vmx-* features): %s", label, nvmx, out->partial_note);
	return 0;
}
