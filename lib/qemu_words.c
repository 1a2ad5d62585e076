/* SPDX-License-Identifier: MIT */
/*
 * QEMU's VMX feature words: which MSR each one feeds, the default1 constants
 * of the control words, the names (taken from the catalogue, gated by QEMU
 * release), the CPUID flags the model reads, and how QEMU words its
 * per-bit warnings.  Facts: docs/qemu.md and the QEMU facts reference.
 */
#include "nvmx/qemu.h"
#include "fmt.h"
#include "names.h"
#include "qemu_words.h"

static const struct {
	const char *name;
	enum nvmx_msr_id msr;
	uint32_t default1;
	bool control;
} words[NVMX_QW_COUNT] = {
	[NVMX_QW_PINBASED] = { "FEAT_VMX_PINBASED_CTLS", NVMX_TRUE_PINBASED, 0x00000016, true },
	[NVMX_QW_PROCBASED] = { "FEAT_VMX_PROCBASED_CTLS", NVMX_TRUE_PROCBASED, 0x0401e172, true },
	[NVMX_QW_SECONDARY] = { "FEAT_VMX_SECONDARY_CTLS", NVMX_PROCBASED2, 0, true },
	[NVMX_QW_EXIT] = { "FEAT_VMX_EXIT_CTLS", NVMX_TRUE_EXIT, 0x00036dff, true },
	[NVMX_QW_ENTRY] = { "FEAT_VMX_ENTRY_CTLS", NVMX_TRUE_ENTRY, 0x000011ff, true },
	[NVMX_QW_MISC] = { "FEAT_VMX_MISC", NVMX_MISC, 0, false },
	[NVMX_QW_EPT_VPID] = { "FEAT_VMX_EPT_VPID_CAPS", NVMX_EPT_VPID_CAP, 0, false },
	[NVMX_QW_BASIC] = { "FEAT_VMX_BASIC", NVMX_BASIC, 0, false },
	[NVMX_QW_VMFUNC] = { "FEAT_VMX_VMFUNC", NVMX_VMFUNC, 0, false },
};

const char *nvmx_qword_name(enum nvmx_qword w)
{
	return (unsigned)w < NVMX_QW_COUNT ? words[w].name : 0;
}

enum nvmx_msr_id nvmx_qword_msr(enum nvmx_qword w)
{
	return words[w].msr;
}

int nvmx_qword_of_msr(enum nvmx_msr_id id)
{
	for (int w = 0; w < NVMX_QW_COUNT; w++)
		if (words[w].msr == id)
			return w;
	return -1;
}

bool nvmx_qword_is_control(enum nvmx_qword w)
{
	return words[w].control;
}

bool nvmx_qwords_empty(const struct nvmx_qwords *q)
{
	for (int w = 0; w < NVMX_QW_COUNT; w++)
		if (q->w[w])
			return false;
	return true;
}

uint64_t nvmx_qemu_control_msr(enum nvmx_qword w, uint32_t features)
{
	uint32_t d1 = words[w].default1;
	uint32_t may1 = features | d1;
	uint32_t must1 = d1 & ~features;
	return nvmx_mk64(must1, may1);
}

uint32_t nvmx_qemu_control_supported(uint64_t v)
{
	return nvmx_hi(v) & ~nvmx_lo(v);
}

/* ---- Releases ------------------------------------------------------------ */

/*
 * One row per QEMU x.y.  The "from" facts, each dated by the QEMU pull that
 * merged it (docs/qemu.md lists them): vmx-* words 4.2 (Sept-Nov 2019
 * series); BASIC=0 guard and the 0x48B workaround limited to kernels that do
 * not list 0x48B, 5.0; PKRS controls 6.0 (pull of Feb 2021); vmx-tsc-scaling
 * and VMCS_ENUM 0x32, 6.1 (pull of June 2021); the MPX dependency of the
 * BNDCFGS controls, 7.1 (posted May 2022); vmx-enable-user-wait-pause with a
 * WAITPKG dependency written the wrong way round, 8.2 (pull of Aug 2023);
 * vmx-any-errcode, 8.2 (pull of Sept 2023); the WAITPKG dependency turned
 * the right way and vmx-nested-exception, 9.1; FRED controls and VMCS_ENUM
 * 0x44/0x52, 9.2.  The KVM code moved to target/i386/kvm/ in 6.0; meson
 * builds (5.2 on) print source paths from the build directory.
 */
#define OLD_ASSERT "target/i386/kvm.c"
#define MESON_ASSERT "../target/i386/kvm.c"
#define KVM_DIR_ASSERT "../target/i386/kvm/kvm.c"
#define R(n, sum, ...) { .name = (n), .summary = (sum), .vmx_words = true, __VA_ARGS__ }
#define G .basic_guard = true
#define TSC .vmcs_enum_tsc = true
#define FRED .vmcs_enum_fred = true
#define MPX .mpx_dep = true
#define WREV .waitpkg_dep = NVMX_QWAITPKG_REVERSED
#define WFWD .waitpkg_dep = NVMX_QWAITPKG_FORWARD

static const struct nvmx_qemu_release releases[] = {
	{ .name = "4.1",
	  .summary = "no vmx-* feature words: QEMU writes no VMX MSR, the vCPU keeps KVM's defaults "
		     "(stands for every release before 4.2)",
	  .assert_file = OLD_ASSERT },
	R("4.2", "vmx-* words and VMX MSR writes; no BASIC=0 guard (nested=0 fails on 0x480); "
		 "0x48B allowed-1 always widened from KVM's CPUID; VMCS_ENUM always 0x2e",
	  .ctls2_workaround_always = true, .assert_file = OLD_ASSERT),
	R("5.0", "VMX MSRs skipped when KVM's BASIC reads 0 (nested=0); 0x48B widened only "
		 "when KVM does not list 0x48B itself", G, .assert_file = OLD_ASSERT),
	R("5.1", "", G, .assert_file = OLD_ASSERT),
	R("5.2", "", G, .assert_file = MESON_ASSERT),
	R("6.0", "vmx-exit-load-pkrs, vmx-entry-load-pkrs", G, .assert_file = KVM_DIR_ASSERT),
	R("6.1", "vmx-tsc-scaling; VMCS_ENUM 0x32 with TSC scaling", G, TSC,
	  .assert_file = KVM_DIR_ASSERT),
	R("6.2", "", G, TSC, .assert_file = KVM_DIR_ASSERT),
	R("7.0", "", G, TSC, .assert_file = KVM_DIR_ASSERT),
	R("7.1", "without CPUID mpx the BNDCFGS exit/entry controls are dropped (before: -cpu "
		 "host,-mpx fails to set 0x48f)", G, TSC, MPX, .assert_file = KVM_DIR_ASSERT),
	R("7.2", "", G, TSC, MPX, .assert_file = KVM_DIR_ASSERT),
	R("8.0", "", G, TSC, MPX, .assert_file = KVM_DIR_ASSERT),
	R("8.1", "", G, TSC, MPX, .assert_file = KVM_DIR_ASSERT),
	R("8.2", "vmx-enable-user-wait-pause (WAITPKG dropped without it: the dependency is "
		 "reversed), vmx-any-errcode", G, TSC, MPX, WREV, .assert_file = KVM_DIR_ASSERT),
	R("9.0", "", G, TSC, MPX, WREV, .assert_file = KVM_DIR_ASSERT),
	R("9.1", "vmx-nested-exception; WAITPKG dependency the right way (the user-wait control "
		 "dropped without WAITPKG)", G, TSC, MPX, WFWD, .assert_file = KVM_DIR_ASSERT),
	R("9.2", "FRED: vmx-entry-load-fred, vmx-exit-secondary-ctls; VMCS_ENUM 0x52 with guest "
		 "FRED, 0x44 with secondary exit controls", G, TSC, FRED, MPX, WFWD,
	  .assert_file = KVM_DIR_ASSERT),
	R("10.0", "", G, TSC, FRED, MPX, WFWD, .assert_file = KVM_DIR_ASSERT),
	R("10.1", "TDX VMs skip the VMX MSRs (not modelled: nvmx has no TDX guests)", G, TSC, FRED,
	  MPX, WFWD, .assert_file = KVM_DIR_ASSERT),
};

#define NRELEASES (sizeof(releases) / sizeof(releases[0]))

unsigned nvmx_qemu_release_count(void)
{
	return NRELEASES;
}

const struct nvmx_qemu_release *nvmx_qemu_release_at(unsigned i)
{
	return i < NRELEASES ? &releases[i] : 0;
}

/* "x.y" or "x.y.z" with decimal parts; *xy_len: the length of "x.y". */
static bool version_form(const char *s, size_t *xy_len)
{
	size_t i = 0;
	int parts = 0;
	for (;;) {
		size_t d = 0;
		while (s[i] >= '0' && s[i] <= '9' && d < 4)
			i++, d++;
		if (!d || (s[i] >= '0' && s[i] <= '9'))
			return false;
		if (++parts == 2)
			*xy_len = i;
		if (!s[i])
			return parts >= 2;
		if (s[i] != '.' || parts == 3)
			return false;
		i++;
	}
}

const struct nvmx_qemu_release *nvmx_qemu_release_find(const char *name)
{
	size_t xy = 0;
	if (!name || !version_form(name, &xy))
		return 0;
	for (unsigned i = 0; i < NRELEASES; i++) {
		const char *r = releases[i].name;
		size_t k = 0;
		while (k < xy && r[k] && r[k] == name[k])
			k++;
		if (k == xy && !r[k])
			return &releases[i];
	}
	return 0;
}

const struct nvmx_qemu_release *nvmx_qemu_release_default(void)
{
	return &releases[NRELEASES - 1];
}

unsigned nvmx_qemu_release_index(const struct nvmx_qemu_release *r)
{
	return (unsigned)(r - releases);
}

bool nvmx_qemu_release_has(const struct nvmx_qemu_release *r, const char *since)
{
	const struct nvmx_qemu_release *s = nvmx_qemu_release_find(since);
	return s && nvmx_qemu_release_index(r) >= nvmx_qemu_release_index(s);
}

/* ---- Names ----------------------------------------------------------------- */

bool nvmx_qemu_field_bit(const struct nvmx_field *f, enum nvmx_qword *w, unsigned *bit)
{
	if (!f || f->reserved || f->width != 1)
		return false;
	switch (f->word) {
	case NVMX_WORD_PIN: *w = NVMX_QW_PINBASED; break;
	case NVMX_WORD_PROC: *w = NVMX_QW_PROCBASED; break;
	case NVMX_WORD_PROC2: *w = NVMX_QW_SECONDARY; break;
	case NVMX_WORD_EXIT: *w = NVMX_QW_EXIT; break;
	case NVMX_WORD_ENTRY: *w = NVMX_QW_ENTRY; break;
	case NVMX_WORD_NONE:
		switch (f->msr) {
		case NVMX_BASIC: *w = NVMX_QW_BASIC; break;
		case NVMX_MISC: *w = NVMX_QW_MISC; break;
		case NVMX_EPT_VPID_CAP: *w = NVMX_QW_EPT_VPID; break;
		case NVMX_VMFUNC: *w = NVMX_QW_VMFUNC; break;
		default: return false;
		}
		break;
	default:
		return false;
	}
	*bit = f->lsb;
	return true;
}

/* vmx-* names QEMU added after 4.2, and the release each came with (see above). */
static const struct {
	const char *name, *since;
} late_names[] = {
	{ "vmx-exit-load-pkrs", "6.0" },
	{ "vmx-entry-load-pkrs", "6.0" },
	{ "vmx-tsc-scaling", "6.1" },
	{ "vmx-enable-user-wait-pause", "8.2" },
	{ "vmx-any-errcode", "8.2" },
	{ "vmx-nested-exception", "9.1" },
	{ "vmx-entry-load-fred", "9.2" },
	{ "vmx-exit-secondary-ctls", "9.2" },
};

const char *nvmx_qemu_name_since(const char *name)
{
	bool known = false;
	size_t n = nvmx_field_count();
	for (size_t i = 0; i < n && !known; i++) {
		const struct nvmx_field *f = nvmx_field_index(i);
		enum nvmx_qword w;
		unsigned bit;
		known = f->qemu && nvmx_name_eq(f->qemu, name) && nvmx_qemu_field_bit(f, &w, &bit);
	}
	if (!known)
		return 0;
	for (unsigned i = 0; i < sizeof(late_names) / sizeof(late_names[0]); i++)
		if (nvmx_name_eq(late_names[i].name, name))
			return late_names[i].since;
	return "4.2";
}

static bool release_has_name(const struct nvmx_qemu_release *r, const char *name)
{
	if (!r->vmx_words)
		return false;
	for (unsigned i = 0; i < sizeof(late_names) / sizeof(late_names[0]); i++)
		if (nvmx_name_eq(late_names[i].name, name))
			return nvmx_qemu_release_has(r, late_names[i].since);
	return true;
}

static const char *field_name(const struct nvmx_qemu_release *r, const struct nvmx_field *f)
{
	return f->qemu && release_has_name(r, f->qemu) ? f->qemu : 0;
}

const char *nvmx_qemu_bit_name(const struct nvmx_qemu_release *r, enum nvmx_qword w, unsigned bit)
{
	enum nvmx_msr_id id = words[w].msr;
	const struct nvmx_field *f = nvmx_field_at(id, bit);
	enum nvmx_qword fw;
	unsigned fb;
	if (!f || !nvmx_qemu_field_bit(f, &fw, &fb) || fw != w || fb != bit)
		return 0;
	return field_name(r, f);
}

void nvmx_qemu_named_bits(const struct nvmx_qemu_release *r, struct nvmx_qwords *out)
{
	*out = (struct nvmx_qwords){ { 0 } };
	size_t n = nvmx_field_count();
	for (size_t i = 0; i < n; i++) {
		const struct nvmx_field *f = nvmx_field_index(i);
		enum nvmx_qword w;
		unsigned bit;
		if (field_name(r, f) && nvmx_qemu_field_bit(f, &w, &bit))
			out->w[w] |= UINT64_C(1) << bit;
	}
}

/* Case-insensitive compare of name[0..len) with s, '_' matching '-'. */
static bool prop_eq(const char *name, size_t len, const char *s)
{
	size_t i = 0;
	for (; i < len && s[i]; i++) {
		char a = name[i] == '_' ? '-' : name[i], b = s[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != b)
			return false;
	}
	return i == len && !s[i];
}

bool nvmx_qemu_prop_lookup(const struct nvmx_qemu_release *r, const char *name, size_t len,
			   struct nvmx_qwords *out)
{
	bool found = false;
	*out = (struct nvmx_qwords){ { 0 } };
	size_t n = nvmx_field_count();
	for (size_t i = 0; i < n; i++) {
		const struct nvmx_field *f = nvmx_field_index(i);
		enum nvmx_qword w;
		unsigned bit;
		if (!f->qemu || !prop_eq(name, len, f->qemu) || !release_has_name(r, f->qemu) ||
		    !nvmx_qemu_field_bit(f, &w, &bit))
			continue;
		out->w[w] |= UINT64_C(1) << bit;
		found = true;
	}
	return found;
}

/* ---- CPUID flags ------------------------------------------------------------- */

static const struct {
	const char *name;	/* QEMU's spelling (also the cpuinfo one here) */
	const char *alias;
	const char *leaf;	/* as QEMU's warnings print the register */
	uint8_t bit;
} cpuid_bits[NVMX_F_COUNT] = {
	[NVMX_F_VME] = { "vme", 0, "CPUID.01H:EDX", 1 },
	[NVMX_F_DE] = { "de", 0, "CPUID.01H:EDX", 2 },
	[NVMX_F_PSE] = { "pse", 0, "CPUID.01H:EDX", 3 },
	[NVMX_F_TSC] = { "tsc", 0, "CPUID.01H:EDX", 4 },
	[NVMX_F_PAE] = { "pae", 0, "CPUID.01H:EDX", 6 },
	[NVMX_F_MCE] = { "mce", 0, "CPUID.01H:EDX", 7 },
	[NVMX_F_PGE] = { "pge", 0, "CPUID.01H:EDX", 13 },
	[NVMX_F_FXSR] = { "fxsr", 0, "CPUID.01H:EDX", 24 },
	[NVMX_F_SSE] = { "sse", 0, "CPUID.01H:EDX", 25 },
	[NVMX_F_VMX] = { "vmx", 0, "CPUID.01H:ECX", 5 },
	[NVMX_F_SMX] = { "smx", 0, "CPUID.01H:ECX", 6 },
	[NVMX_F_PCID] = { "pcid", 0, "CPUID.01H:ECX", 17 },
	[NVMX_F_XSAVE] = { "xsave", 0, "CPUID.01H:ECX", 26 },
	[NVMX_F_RDRAND] = { "rdrand", 0, "CPUID.01H:ECX", 30 },
	[NVMX_F_FSGSBASE] = { "fsgsbase", 0, "CPUID.07H:EBX", 0 },
	[NVMX_F_SGX] = { "sgx", 0, "CPUID.07H:EBX", 2 },
	[NVMX_F_SMEP] = { "smep", 0, "CPUID.07H:EBX", 7 },
	[NVMX_F_INVPCID] = { "invpcid", 0, "CPUID.07H:EBX", 10 },
	[NVMX_F_MPX] = { "mpx", 0, "CPUID.07H:EBX", 14 },
	[NVMX_F_RDSEED] = { "rdseed", 0, "CPUID.07H:EBX", 18 },
	[NVMX_F_SMAP] = { "smap", 0, "CPUID.07H:EBX", 20 },
	[NVMX_F_UMIP] = { "umip", 0, "CPUID.07H:ECX", 2 },
	[NVMX_F_PKU] = { "pku", 0, "CPUID.07H:ECX", 3 },
	[NVMX_F_WAITPKG] = { "waitpkg", 0, "CPUID.07H:ECX", 5 },
	[NVMX_F_SHSTK] = { "shstk", "cet-ss", "CPUID.07H:ECX", 7 },
	[NVMX_F_LA57] = { "la57", 0, "CPUID.07H:ECX", 16 },
	[NVMX_F_RDPID] = { "rdpid", 0, "CPUID.07H:ECX", 22 },
	[NVMX_F_IBT] = { "ibt", "cet-ibt", "CPUID.07H:EDX", 20 },
	[NVMX_F_LAM] = { "lam", 0, "CPUID.07H:EAX", 26 },
	[NVMX_F_XSAVES] = { "xsaves", 0, "CPUID.0DH:EAX", 3 },
	[NVMX_F_NX] = { "nx", "xd", "CPUID.80000001H:EDX", 20 },
	[NVMX_F_RDTSCP] = { "rdtscp", 0, "CPUID.80000001H:EDX", 27 },
	[NVMX_F_LM] = { "lm", "i64", "CPUID.80000001H:EDX", 29 },
};

int nvmx_qemu_cpuid_lookup(const char *name, size_t len)
{
	for (int f = 0; f < NVMX_F_COUNT; f++)
		if (prop_eq(name, len, cpuid_bits[f].name) ||
		    (cpuid_bits[f].alias && prop_eq(name, len, cpuid_bits[f].alias)))
			return f;
	return -1;
}

size_t nvmx_qemu_cpuid_describe(enum nvmx_feature f, char *buf, size_t n)
{
	struct fmt o = fmt_init(buf, n);
	if ((unsigned)f >= NVMX_F_COUNT)
		return 0;
	fmt_str(&o, cpuid_bits[f].leaf);
	fmt_str(&o, ".");
	fmt_str(&o, cpuid_bits[f].name);
	fmt_str(&o, " [bit ");
	fmt_uint(&o, cpuid_bits[f].bit);
	fmt_str(&o, "]");
	return o.len;
}

static void fmt_upper_hex(struct fmt *o, uint32_t v)
{
	char tmp[9];
	int n = 0;
	do {
		unsigned d = v & 0xf;
		tmp[n++] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
		v >>= 4;
	} while (v && n < 8);
	char out[10];
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
	fmt_str(o, out);
}

size_t nvmx_qemu_bit_describe(const struct nvmx_qemu_release *r, enum nvmx_qword w,
			      unsigned bit, char *buf, size_t n)
{
	struct fmt o = fmt_init(buf, n);
	const char *name = nvmx_qemu_bit_name(r, w, bit);
	fmt_str(&o, "MSR(");
	fmt_upper_hex(&o, nvmx_msr_index(words[w].msr));
	fmt_str(&o, "H)");
	if (name) {
		fmt_str(&o, ".");
		fmt_str(&o, name);
	}
	fmt_str(&o, " [bit ");
	fmt_uint(&o, bit);
	fmt_str(&o, "]");
	return o.len;
}
