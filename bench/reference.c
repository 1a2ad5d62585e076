/* SPDX-License-Identifier: MIT */
/*
 * The naive reference (see reference.h): correct for KVM 6.1 with default
 * parameters, written the obvious way with no thought for speed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reference.h"

static const struct {
	uint32_t index;
	const char *name;
} msr_names[] = {
	{ 0x480, "IA32_VMX_BASIC" }, { 0x481, "IA32_VMX_PINBASED_CTLS" },
	{ 0x482, "IA32_VMX_PROCBASED_CTLS" }, { 0x483, "IA32_VMX_EXIT_CTLS" },
	{ 0x484, "IA32_VMX_ENTRY_CTLS" }, { 0x485, "IA32_VMX_MISC" },
	{ 0x486, "IA32_VMX_CR0_FIXED0" }, { 0x487, "IA32_VMX_CR0_FIXED1" },
	{ 0x488, "IA32_VMX_CR4_FIXED0" }, { 0x489, "IA32_VMX_CR4_FIXED1" },
	{ 0x48a, "IA32_VMX_VMCS_ENUM" }, { 0x48b, "IA32_VMX_PROCBASED_CTLS2" },
	{ 0x48c, "IA32_VMX_EPT_VPID_CAP" }, { 0x48d, "IA32_VMX_TRUE_PINBASED_CTLS" },
	{ 0x48e, "IA32_VMX_TRUE_PROCBASED_CTLS" }, { 0x48f, "IA32_VMX_TRUE_EXIT_CTLS" },
	{ 0x490, "IA32_VMX_TRUE_ENTRY_CTLS" }, { 0x491, "IA32_VMX_VMFUNC" },
	{ 0x492, "IA32_VMX_PROCBASED_CTLS3" }, { 0x493, "IA32_VMX_EXIT_CTLS2" },
};
#define NNAMES (sizeof(msr_names) / sizeof(msr_names[0]))

const char *ref_msr_name(uint32_t index)
{
	for (unsigned i = 0; i < NNAMES; i++)
		if (msr_names[i].index == index)
			return msr_names[i].name;
	return NULL;
}

static void table_set(struct ref_msr *t, unsigned *n, const char *name, uint64_t v)
{
	for (unsigned i = 0; i < *n; i++)
		if (!strcmp(t[i].name, name)) {
			t[i].value = v;
			return;
		}
	if (*n < REF_MAX_MSRS) {
		snprintf(t[*n].name, sizeof(t[*n].name), "%s", name);
		t[*n].value = v;
		(*n)++;
	}
}

static bool table_get(const struct ref_msr *t, unsigned n, const char *name, uint64_t *v)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(t[i].name, name)) {
			*v = t[i].value;
			return true;
		}
	return false;
}

bool ref_caps_get(const struct ref_caps *c, const char *name, uint64_t *v)
{
	return table_get(c->msr, c->n, name, v);
}

/* ---- reading .msrs text ---------------------------------------------------- */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

int ref_parse_text(const char *buf, size_t len, struct ref_host *out)
{
	memset(out, 0, sizeof(*out));
	size_t pos = 0;
	while (pos < len) {
		char line[8192];
		size_t n = 0;
		while (pos < len && buf[pos] != '\n' && n < sizeof(line) - 1)
			line[n++] = buf[pos++];
		line[n] = 0;
		pos++;
		char *hash = strstr(line, " # ");
		if (hash)
			*hash = 0;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			return -1;
		*eq = 0;
		char *key = trim(s), *val = trim(eq + 1);
		if (!strcmp(key, "vendor")) {
			snprintf(out->vendor, sizeof(out->vendor), "%s", val);
		} else if (!strcmp(key, "family")) {
			out->family = (unsigned)strtoul(val, NULL, 10);
		} else if (!strcmp(key, "model")) {
			out->model = (unsigned)strtoul(val, NULL, 10);
		} else if (!strcmp(key, "stepping")) {
			out->stepping = (unsigned)strtoul(val, NULL, 10);
		} else if (!strcmp(key, "cpuid.features")) {
			for (char *w = strtok(val, " \t"); w && out->nflags < REF_MAX_FLAGS;
			     w = strtok(NULL, " \t"))
				snprintf(out->flags[out->nflags++], sizeof(out->flags[0]), "%s", w);
		} else if (!strncmp(key, "IA32_VMX_", 9) || !strncmp(key, "0x", 2)) {
			const char *name = key;
			if (key[0] == '0') {
				name = ref_msr_name((uint32_t)strtoul(key, NULL, 16));
			} else {
				for (char *c = key; *c; c++)
					*c = (char)toupper((unsigned char)*c);
			}
			if (!name || strncmp(val, "0x", 2))
				return -1;
			bool known = false;
			for (unsigned i = 0; i < NNAMES; i++)
				known |= !strcmp(msr_names[i].name, name);
			char *end;
			uint64_t v = strtoull(val, &end, 16);
			if (!known || *end)
				return -1;
			table_set(out->msr, &out->nmsr, name, v);
		}
	}
	return out->nmsr ? 0 : -1;
}

/* ---- KVM 6.1 loading: setup_vmcs_config, hardware_setup, nested setup ----- */

static uint64_t host_msr(const struct ref_host *h, const char *name)
{
	uint64_t v = 0;
	return table_get(h->msr, h->nmsr, name, &v) ? v : 0;
}

static bool host_has_msr(const struct ref_host *h, const char *name)
{
	uint64_t v;
	return table_get(h->msr, h->nmsr, name, &v);
}

static bool host_flag(const struct ref_host *h, const char *flag)
{
	for (unsigned i = 0; i < h->nflags; i++)
		if (!strcmp(h->flags[i], flag))
			return true;
	return false;
}

static bool adjust(uint32_t min, uint32_t opt, const struct ref_host *h, const char *msr, uint32_t *out)
{
	uint64_t v = host_msr(h, msr);
	uint32_t ctl = ((min | opt) & (uint32_t)(v >> 32)) | (uint32_t)v;
	*out = ctl;
	return (min & ~ctl) == 0;
}

/* CPUID.1:EAX from display family/model/stepping. */
static uint32_t signature(const struct ref_host *h)
{
	uint32_t fam = h->family, base = fam > 15 ? 15 : fam;
	uint32_t sig = (h->stepping & 0xf) | (h->model & 0xf) << 4 | base << 8;
	if (fam >= 6)
		sig |= ((h->model >> 4) & 0xf) << 16;
	if (fam >= 15)
		sig |= ((fam - 15) & 0xff) << 20;
	return sig;
}

void ref_derive_61(const struct ref_host *h, struct ref_caps *out)
{
	memset(out, 0, sizeof(*out));
	/* A host with a feature list must list vmx; no BASIC, no VMX. */
	if (!host_has_msr(h, "IA32_VMX_BASIC") || (h->nflags && !host_flag(h, "vmx")))
		return;

	uint32_t pin, proc, proc2 = 0, exit, entry, ept, vpid;
	uint64_t proc3 = 0;
	if (!adjust(0x21998e8c, 0xda621000, h, "IA32_VMX_PROCBASED_CTLS", &proc))
		return;
	if (proc & 0x80000000u)
		adjust(0, 0xc71bffff, h, "IA32_VMX_PROCBASED_CTLS2", &proc2);
	if (!(proc & 0x00200000u))			/* no TPR shadow */
		proc2 &= ~0x310u;			/* APIC-register virt., x2APIC, VID */
	uint64_t cap = host_msr(h, "IA32_VMX_EPT_VPID_CAP");
	ept = (uint32_t)cap;
	vpid = (uint32_t)(cap >> 32);
	/* error_on_inconsistent_vmcs_config=1 */
	if (!(proc2 & 0x2) && ept)
		return;
	if (!(proc2 & 0x20) && vpid)
		return;
	if (!host_flag(h, "sgx"))
		proc2 &= ~0x8000u;			/* ENCLS exiting */
	if (proc & 0x20000u)
		proc3 = 0x10 & host_msr(h, "IA32_VMX_PROCBASED_CTLS3");
	if (!adjust(0x8204, 0x03fc1000, h, "IA32_VMX_EXIT_CTLS", &exit))
		return;
	if (!adjust(0x9, 0xe0, h, "IA32_VMX_PINBASED_CTLS", &pin))
		return;
	static const uint32_t bad_timer[] = { 0x000206E6, 0x00020652, 0x00020655, 0x000106E5,
					      0x000106A0, 0x000106A1, 0x000106A4, 0x000106A5,
					      0x000306A8 };
	uint32_t sig = signature(h) & ~(3u << 14 | 0xfu << 28);
	for (unsigned i = 0; i < sizeof(bad_timer) / sizeof(bad_timer[0]); i++)
		if (sig == bad_timer[i])
			pin &= ~0x40u;
	if (!(proc2 & 0x200))
		pin &= ~0x80u;				/* posted interrupts need VID */
	if (!adjust(0x204, 0x7e000, h, "IA32_VMX_ENTRY_CTLS", &entry))
		return;
	static const uint32_t pairs[][2] = {	/* entry, exit */
		{ 1u << 13, 1u << 12 }, { 1u << 14, 1u << 19 }, { 1u << 15, 1u << 21 },
		{ 1u << 16, 1u << 23 }, { 1u << 18, 1u << 25 },
	};
	for (unsigned i = 0; i < 5; i++)
		if (!(entry & pairs[i][0]) != !(exit & pairs[i][1]))
			return;
	uint64_t basic = host_msr(h, "IA32_VMX_BASIC");
	if (((basic >> 32) & 0x1fff) > 4096 || (basic >> 48 & 1) || ((basic >> 50) & 0xf) != 6)
		return;
	uint64_t misc = host_msr(h, "IA32_VMX_MISC");

	/* hardware_setup(): which features the module parameters keep. */
	bool p_vpid = (proc2 & 0x20) && (vpid & 1) && (vpid & 0x600);
	bool p_ept = (proc2 & 0x2) && (ept & 0x40) && (ept & 0x4000) && (ept & 0x4000000);
	bool p_eptad = p_ept && (ept & 0x200000);
	bool p_ug = p_ept && (proc2 & 0x80);
	bool p_flex = (proc & 0x200000) && (proc2 & 0x1);
	bool p_apicv = (proc2 & 0x100) && (proc2 & 0x200) && (pin & 0x80);
	bool p_sgx = proc2 & 0x8000;
	(void)proc3;
	if (!p_ept && !host_flag(h, "nx"))
		return;

	/* nested_vmx_setup_ctls_msrs() */
	uint32_t pin_hi = (pin & (0x1 | 0x8 | 0x20 | (p_apicv ? 0x80 : 0))) | 0x16 | 0x40;
	uint32_t exit_hi = (exit & 0x008c0200) | 0x0073fdff;
	uint32_t entry_hi = (entry & 0x00014200) | 0x0000b1ff;
	uint32_t proc_hi = (proc & 0xebf99e8c) | 0x0401e172 | 0x10000000;
	uint32_t proc2_hi = (proc2 & 0x02111b5c) | 0x4000;
	uint32_t ept_caps = 0, vpid_caps = 0;
	uint64_t vmfunc = 0;
	if (p_ept) {
		proc2_hi |= 0x2;
		ept_caps = (ept & 0x1040c1) | 0x6030000;
		if (p_eptad) {
			proc2_hi |= 0x20000;
			ept_caps |= 0x200000;
		}
		if (proc2 & 0x2000)
			vmfunc = 1;
	}
	if (proc2 & 0x2000)
		proc2_hi |= 0x2000;
	if (p_vpid) {
		proc2_hi |= 0x20;
		vpid_caps = 0xf01;
	}
	if (p_ug)
		proc2_hi |= 0x80;
	if (p_flex)
		proc2_hi |= 0x1;
	if (p_sgx)
		proc2_hi |= 0x8000;
	uint64_t cr4_fixed1 = host_msr(h, "IA32_VMX_CR4_FIXED1");
	if (proc2 & 0x4)				/* UMIP emulated with descriptor exits */
		cr4_fixed1 |= 0x800;

	out->loaded = true;
	table_set(out->msr, &out->n, "IA32_VMX_BASIC",
		  0x11e57ed0ull | 0x1000ull << 32 | 6ull << 50 | 1ull << 55 | (basic & 1ull << 54));
	table_set(out->msr, &out->n, "IA32_VMX_PINBASED_CTLS", (uint64_t)pin_hi << 32 | 0x16);
	table_set(out->msr, &out->n, "IA32_VMX_PROCBASED_CTLS", (uint64_t)proc_hi << 32 | 0x0401e172);
	table_set(out->msr, &out->n, "IA32_VMX_EXIT_CTLS", (uint64_t)exit_hi << 32 | 0x36dff);
	table_set(out->msr, &out->n, "IA32_VMX_ENTRY_CTLS", (uint64_t)entry_hi << 32 | 0x11ff);
	table_set(out->msr, &out->n, "IA32_VMX_MISC", (misc & 0x20) | 0x20000145);
	table_set(out->msr, &out->n, "IA32_VMX_CR0_FIXED0", 0x80000021);
	table_set(out->msr, &out->n, "IA32_VMX_CR0_FIXED1", host_msr(h, "IA32_VMX_CR0_FIXED1"));
	table_set(out->msr, &out->n, "IA32_VMX_CR4_FIXED0", 0x2000);
	table_set(out->msr, &out->n, "IA32_VMX_CR4_FIXED1", cr4_fixed1);
	table_set(out->msr, &out->n, "IA32_VMX_VMCS_ENUM", 0x32);
	table_set(out->msr, &out->n, "IA32_VMX_PROCBASED_CTLS2", (uint64_t)proc2_hi << 32);
	table_set(out->msr, &out->n, "IA32_VMX_EPT_VPID_CAP", (uint64_t)vpid_caps << 32 | ept_caps);
	table_set(out->msr, &out->n, "IA32_VMX_TRUE_PINBASED_CTLS", (uint64_t)pin_hi << 32 | 0x16);
	table_set(out->msr, &out->n, "IA32_VMX_TRUE_PROCBASED_CTLS", (uint64_t)proc_hi << 32 | 0x04006172);
	table_set(out->msr, &out->n, "IA32_VMX_TRUE_EXIT_CTLS", (uint64_t)exit_hi << 32 | 0x36dfb);
	table_set(out->msr, &out->n, "IA32_VMX_TRUE_ENTRY_CTLS", (uint64_t)entry_hi << 32 | 0x11fb);
	table_set(out->msr, &out->n, "IA32_VMX_VMFUNC", vmfunc);
}

/* ---- the 6.1 write check ------------------------------------------------- */

void ref_vcpu_init(struct ref_vcpu *v, const struct ref_host *h)
{
	v->host = h;
	ref_derive_61(h, &v->v);
}

static uint32_t lo32(uint64_t x) { return (uint32_t)x; }
static uint32_t hi32(uint64_t x) { return (uint32_t)(x >> 32); }

int ref_set_msr_61(struct ref_vcpu *v, uint32_t index, uint64_t data)
{
	const char *name = ref_msr_name(index);
	struct ref_caps n;
	ref_derive_61(v->host, &n);	/* KVM's values, computed afresh */
	if (!n.loaded || !name || index > 0x491)
		return 1;
	uint64_t ref = 0;
	ref_caps_get(&n, name, &ref);

	if (!strcmp(name, "IA32_VMX_BASIC")) {
		const uint64_t checked = 0xffc2e00080000000ull;
		if ((data & checked) & ~(ref & checked))
			return -22;
		if (data >> 48 & 1)
			return -22;
		if ((data & 0x7fffffff) != (ref & 0x7fffffff))
			return -22;
		if (((data >> 32) & 0x1fff) < ((ref >> 32) & 0x1fff))
			return -22;
	} else if (!strcmp(name, "IA32_VMX_TRUE_PINBASED_CTLS") ||
		   !strcmp(name, "IA32_VMX_TRUE_PROCBASED_CTLS") ||
		   !strcmp(name, "IA32_VMX_TRUE_EXIT_CTLS") ||
		   !strcmp(name, "IA32_VMX_TRUE_ENTRY_CTLS") ||
		   !strcmp(name, "IA32_VMX_PROCBASED_CTLS2")) {
		if (lo32(ref) & ~lo32(data))
			return -22;
		if (hi32(data) & ~hi32(ref))
			return -22;
	} else if (!strcmp(name, "IA32_VMX_MISC")) {
		const uint64_t checked = 0xf000ffe0;
		uint64_t pin = 0;
		ref_caps_get(&v->v, "IA32_VMX_TRUE_PINBASED_CTLS", &pin);
		if ((data & checked) & ~(ref & checked))
			return -22;
		if ((pin >> 32 & 0x40) && (data & 0x1f) != (ref & 0x1f))
			return -22;
		if (((data >> 16) & 0x1ff) > ((ref >> 16) & 0x1ff))
			return -22;
		if (((data >> 25) & 0x7) > ((ref >> 25) & 0x7))
			return -22;
		if (hi32(data) != hi32(ref))
			return -22;
	} else if (!strcmp(name, "IA32_VMX_CR0_FIXED0") || !strcmp(name, "IA32_VMX_CR4_FIXED0")) {
		if (ref & ~data)
			return -22;
	} else if (!strcmp(name, "IA32_VMX_EPT_VPID_CAP") || !strcmp(name, "IA32_VMX_VMFUNC")) {
		if (data & ~ref)
			return -22;
	} else if (strcmp(name, "IA32_VMX_VMCS_ENUM")) {
		return -22;	/* non-TRUE controls and CR0/CR4_FIXED1 */
	}
	table_set(v->v.msr, &v->v.n, name, data);
	/* The TRUE controls and their non-TRUE twins share one value in KVM. */
	static const char *const twins[][2] = {
		{ "IA32_VMX_TRUE_PINBASED_CTLS", "IA32_VMX_PINBASED_CTLS" },
		{ "IA32_VMX_TRUE_PROCBASED_CTLS", "IA32_VMX_PROCBASED_CTLS" },
		{ "IA32_VMX_TRUE_EXIT_CTLS", "IA32_VMX_EXIT_CTLS" },
		{ "IA32_VMX_TRUE_ENTRY_CTLS", "IA32_VMX_ENTRY_CTLS" },
	};
	static const uint32_t default1[] = { 0x16, 0x0401e172, 0x36dff, 0x11ff };
	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(name, twins[i][0]))
			table_set(v->v.msr, &v->v.n, twins[i][1], data | default1[i]);
	return 0;
}
