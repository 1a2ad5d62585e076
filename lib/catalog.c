/* SPDX-License-Identifier: MIT */
/*
 * The catalogue's MSR table and every lookup over the field tables
 * (lib/catalog_controls.c, lib/catalog_fields.c).  Pure data and loops: no
 * libc, no allocation, so the core stays embeddable.
 */
#include "catalog_tables.h"
#include "names.h"

#define MSR(i, s, lx, lay, w, tw, d) \
	[i] = { .id = (i), .index = NVMX_MSR_BASE + (uint32_t)(i), .sdm = (s), \
		.linux_name = (lx), .desc = (d), .layout = (lay), .word = (w), .twin = (tw) }

static const struct nvmx_msr_desc msr_table[NVMX_MSR_COUNT] = {
	MSR(NVMX_BASIC, "IA32_VMX_BASIC", "MSR_IA32_VMX_BASIC", NVMX_LAYOUT_FIELDS,
	    NVMX_WORD_NONE, NVMX_BASIC,
	    "VMCS revision, region size and memory type, and basic VMX capabilities"),
	MSR(NVMX_PINBASED, "IA32_VMX_PINBASED_CTLS", "MSR_IA32_VMX_PINBASED_CTLS",
	    NVMX_LAYOUT_CONTROLS, NVMX_WORD_PIN, NVMX_TRUE_PINBASED,
	    "allowed settings of the pin-based VM-execution controls (default1 bits forced)"),
	MSR(NVMX_PROCBASED, "IA32_VMX_PROCBASED_CTLS", "MSR_IA32_VMX_PROCBASED_CTLS",
	    NVMX_LAYOUT_CONTROLS, NVMX_WORD_PROC, NVMX_TRUE_PROCBASED,
	    "allowed settings of the primary processor-based controls (default1 bits forced)"),
	MSR(NVMX_EXIT, "IA32_VMX_EXIT_CTLS", "MSR_IA32_VMX_EXIT_CTLS", NVMX_LAYOUT_CONTROLS,
	    NVMX_WORD_EXIT, NVMX_TRUE_EXIT,
	    "allowed settings of the primary VM-exit controls (default1 bits forced)"),
	MSR(NVMX_ENTRY, "IA32_VMX_ENTRY_CTLS", "MSR_IA32_VMX_ENTRY_CTLS", NVMX_LAYOUT_CONTROLS,
	    NVMX_WORD_ENTRY, NVMX_TRUE_ENTRY,
	    "allowed settings of the VM-entry controls (default1 bits forced)"),
	MSR(NVMX_MISC, "IA32_VMX_MISC", "MSR_IA32_VMX_MISC", NVMX_LAYOUT_FIELDS, NVMX_WORD_NONE,
	    NVMX_MISC, "preemption-timer rate, activity states, CR3 targets, MSR-list limit"),
	MSR(NVMX_CR0_FIXED0, "IA32_VMX_CR0_FIXED0", "MSR_IA32_VMX_CR0_FIXED0",
	    NVMX_LAYOUT_CR_FIXED, NVMX_WORD_CR0, NVMX_CR0_FIXED0,
	    "CR0 bits that must be 1 in VMX operation"),
	MSR(NVMX_CR0_FIXED1, "IA32_VMX_CR0_FIXED1", "MSR_IA32_VMX_CR0_FIXED1",
	    NVMX_LAYOUT_CR_FIXED, NVMX_WORD_CR0, NVMX_CR0_FIXED1,
	    "CR0 bits that may be 1 in VMX operation"),
	MSR(NVMX_CR4_FIXED0, "IA32_VMX_CR4_FIXED0", "MSR_IA32_VMX_CR4_FIXED0",
	    NVMX_LAYOUT_CR_FIXED, NVMX_WORD_CR4, NVMX_CR4_FIXED0,
	    "CR4 bits that must be 1 in VMX operation"),
	MSR(NVMX_CR4_FIXED1, "IA32_VMX_CR4_FIXED1", "MSR_IA32_VMX_CR4_FIXED1",
	    NVMX_LAYOUT_CR_FIXED, NVMX_WORD_CR4, NVMX_CR4_FIXED1,
	    "CR4 bits that may be 1 in VMX operation"),
	MSR(NVMX_VMCS_ENUM, "IA32_VMX_VMCS_ENUM", "MSR_IA32_VMX_VMCS_ENUM",
	    NVMX_LAYOUT_VMCS_ENUM, NVMX_WORD_NONE, NVMX_VMCS_ENUM,
	    "highest index of any supported VMCS field encoding"),
	MSR(NVMX_PROCBASED2, "IA32_VMX_PROCBASED_CTLS2", "MSR_IA32_VMX_PROCBASED_CTLS2",
	    NVMX_LAYOUT_CONTROLS, NVMX_WORD_PROC2, NVMX_PROCBASED2,
	    "allowed settings of the secondary processor-based controls"),
	MSR(NVMX_EPT_VPID_CAP, "IA32_VMX_EPT_VPID_CAP", "MSR_IA32_VMX_EPT_VPID_CAP",
	    NVMX_LAYOUT_FIELDS, NVMX_WORD_NONE, NVMX_EPT_VPID_CAP,
	    "EPT features and INVEPT types (low half), INVVPID types (high half)"),
	MSR(NVMX_TRUE_PINBASED, "IA32_VMX_TRUE_PINBASED_CTLS", "MSR_IA32_VMX_TRUE_PINBASED_CTLS",
	    NVMX_LAYOUT_CONTROLS, NVMX_WORD_PIN, NVMX_PINBASED,
	    "allowed settings of the pin-based controls, default1 bits included"),
	MSR(NVMX_TRUE_PROCBASED, "IA32_VMX_TRUE_PROCBASED_CTLS",
	    "MSR_IA32_VMX_TRUE_PROCBASED_CTLS", NVMX_LAYOUT_CONTROLS, NVMX_WORD_PROC,
	    NVMX_PROCBASED,
	    "allowed settings of the primary processor-based controls, default1 bits included"),
	MSR(NVMX_TRUE_EXIT, "IA32_VMX_TRUE_EXIT_CTLS", "MSR_IA32_VMX_TRUE_EXIT_CTLS",
	    NVMX_LAYOUT_CONTROLS, NVMX_WORD_EXIT, NVMX_EXIT,
	    "allowed settings of the primary VM-exit controls, default1 bits included"),
	MSR(NVMX_TRUE_ENTRY, "IA32_VMX_TRUE_ENTRY_CTLS", "MSR_IA32_VMX_TRUE_ENTRY_CTLS",
	    NVMX_LAYOUT_CONTROLS, NVMX_WORD_ENTRY, NVMX_ENTRY,
	    "allowed settings of the VM-entry controls, default1 bits included"),
	MSR(NVMX_VMFUNC, "IA32_VMX_VMFUNC", "MSR_IA32_VMX_VMFUNC", NVMX_LAYOUT_FIELDS,
	    NVMX_WORD_NONE, NVMX_VMFUNC, "VM functions the VMFUNC instruction may invoke"),
	MSR(NVMX_PROCBASED3, "IA32_VMX_PROCBASED_CTLS3", "MSR_IA32_VMX_PROCBASED_CTLS3",
	    NVMX_LAYOUT_CONTROLS64, NVMX_WORD_PROC3, NVMX_PROCBASED3,
	    "allowed-1 settings of the tertiary processor-based controls (64-bit mask)"),
	/* Linux has no macro for 0x493 (msr-index.h up to 7.1). */
	MSR(NVMX_EXIT2, "IA32_VMX_EXIT_CTLS2", NULL, NVMX_LAYOUT_CONTROLS64, NVMX_WORD_EXIT2,
	    NVMX_EXIT2, "allowed-1 settings of the secondary VM-exit controls (64-bit mask)"),
};

bool nvmx_name_eq(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

const struct nvmx_msr_desc *nvmx_msr_desc(enum nvmx_msr_id id)
{
	return (unsigned)id < NVMX_MSR_COUNT ? &msr_table[id] : NULL;
}

const struct nvmx_msr_desc *nvmx_msr_by_index(uint32_t index)
{
	if (index < NVMX_MSR_BASE || index - NVMX_MSR_BASE >= NVMX_MSR_COUNT)
		return NULL;
	return &msr_table[index - NVMX_MSR_BASE];
}

/* "0x48b" / "0X48B": strict hex with the prefix, at most 8 digits. */
static bool parse_index(const char *s, uint32_t *out)
{
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2])
		return false;
	uint32_t v = 0;
	unsigned n = 0;
	for (s += 2; *s; s++, n++) {
		char c = *s;
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (n >= 8)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

const struct nvmx_msr_desc *nvmx_msr_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < NVMX_MSR_COUNT; i++)
		if (nvmx_name_eq(name, msr_table[i].sdm) ||
		    nvmx_name_eq(name, msr_table[i].linux_name))
			return &msr_table[i];
	uint32_t index;
	if (parse_index(name, &index))
		return nvmx_msr_by_index(index);
	return NULL;
}

/* ---- field tables ----------------------------------------------------- */

static const struct catalog_slice *msr_slice(enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	if (!d)
		return NULL;
	if (d->word != NVMX_WORD_NONE)
		return &catalog_words[d->word];
	switch (id) {
	case NVMX_BASIC: return &catalog_basic;
	case NVMX_MISC: return &catalog_misc;
	case NVMX_VMCS_ENUM: return &catalog_vmcs_enum;
	case NVMX_EPT_VPID_CAP: return &catalog_ept_vpid;
	case NVMX_VMFUNC: return &catalog_vmfunc;
	default: return NULL;
	}
}

const struct nvmx_field *nvmx_word_fields(enum nvmx_word w, size_t *count)
{
	if ((unsigned)w >= NVMX_WORD_COUNT) {
		if (count)
			*count = 0;
		return NULL;
	}
	if (count)
		*count = catalog_words[w].n;
	return catalog_words[w].f;
}

const struct nvmx_field *nvmx_msr_fields(enum nvmx_msr_id id, size_t *count)
{
	const struct catalog_slice *s = msr_slice(id);
	if (count)
		*count = s ? s->n : 0;
	return s ? s->f : NULL;
}

const struct nvmx_field *nvmx_field_at(enum nvmx_msr_id id, unsigned bit)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	const struct catalog_slice *s = msr_slice(id);
	if (!d || !s || bit > 63)
		return NULL;
	/* allowed-0 in bits 31:0 and allowed-1 in 63:32 describe one control */
	if (d->layout == NVMX_LAYOUT_CONTROLS)
		bit &= 31;
	for (size_t i = 0; i < s->n; i++) {
		const struct nvmx_field *f = &s->f[i];
		if (bit >= f->lsb && bit < (unsigned)f->lsb + f->width)
			return f->reserved ? NULL : f;
	}
	return NULL;
}

/* Every slice, in MSR index order, for whole-catalogue iteration. */
static const struct catalog_slice *all_slices(unsigned i)
{
	static const struct catalog_slice *const order[] = {
		&catalog_basic,
		&catalog_words[NVMX_WORD_PIN],
		&catalog_words[NVMX_WORD_PROC],
		&catalog_words[NVMX_WORD_EXIT],
		&catalog_words[NVMX_WORD_ENTRY],
		&catalog_misc,
		&catalog_words[NVMX_WORD_CR0],
		&catalog_words[NVMX_WORD_CR4],
		&catalog_vmcs_enum,
		&catalog_words[NVMX_WORD_PROC2],
		&catalog_ept_vpid,
		&catalog_vmfunc,
		&catalog_words[NVMX_WORD_PROC3],
		&catalog_words[NVMX_WORD_EXIT2],
	};
	return i < CATALOG_LEN(order) ? order[i] : NULL;
}

uint64_t nvmx_catalog_bits(enum nvmx_msr_id id)
{
	uint64_t m = 0;
	for (unsigned b = 0; b < 64; b++)
		if (nvmx_field_at(id, b))
			m |= UINT64_C(1) << b;
	return m;
}

uint32_t nvmx_catalog_controls(enum nvmx_msr_id id)
{
	/* a control MSR's halves fold onto one 32-bit set of controls */
	uint64_t m = nvmx_catalog_bits(id);
	return (uint32_t)m | (uint32_t)(m >> 32);
}

size_t nvmx_field_count(void)
{
	size_t n = 0;
	for (unsigned i = 0; all_slices(i); i++)
		n += all_slices(i)->n;
	return n;
}

const struct nvmx_field *nvmx_field_index(size_t idx)
{
	for (unsigned i = 0; all_slices(i); i++) {
		const struct catalog_slice *s = all_slices(i);
		if (idx < s->n)
			return &s->f[idx];
		idx -= s->n;
	}
	return NULL;
}

/*
 * Names that changed or that other tools use: old kernel spellings and
 * libvirt's corrected QEMU name.  Resolved to (MSR, bit) through the tables.
 */
static const struct {
	const char *name;
	enum nvmx_msr_id msr;
	uint8_t bit;
} aliases[] = {
	{ "CPU_BASED_VIRTUAL_INTR_PENDING", NVMX_PROCBASED, 2 },	/* before 5.6 */
	{ "CPU_BASED_USE_TSC_OFFSETING", NVMX_PROCBASED, 3 },		/* before 5.6 */
	{ "CPU_BASED_VIRTUAL_NMI_PENDING", NVMX_PROCBASED, 22 },	/* before 5.6 */
	{ "SECONDARY_EXEC_RDTSCP", NVMX_PROCBASED2, 3 },
	{ "SECONDARY_EXEC_XSAVES", NVMX_PROCBASED2, 20 },		/* up to 6.5 */
	{ "VMX_BASIC_64", NVMX_BASIC, 48 },				/* up to 6.11 */
	{ "MSR_IA32_VMX_MISC_INTEL_PT", NVMX_MISC, 14 },		/* up to 6.11 */
	{ "MSR_IA32_VMX_MISC_VMWRITE_SHADOW_RO_FIELDS", NVMX_MISC, 29 },
	{ "MSR_IA32_VMX_MISC_PREEMPTION_TIMER_SCALE", NVMX_MISC, 0 },
	{ "vmx-invvpid-single-context-noglobals", NVMX_EPT_VPID_CAP, 43 },	/* libvirt */
};

enum name_kind { BY_LINUX, BY_QEMU, BY_SDM };

static const char *field_name(const struct nvmx_field *f, enum name_kind k)
{
	return k == BY_LINUX ? f->linux_name : k == BY_QEMU ? f->qemu : f->sdm;
}

/* Search one slice for name, Linux macros first, then QEMU, then SDM. */
static const struct nvmx_field *slice_lookup(const struct catalog_slice *s, const char *name,
					     enum name_kind k)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->f[i].reserved && nvmx_name_eq(name, field_name(&s->f[i], k)))
			return &s->f[i];
	return NULL;
}

const struct nvmx_field *nvmx_field_lookup(const char *name)
{
	if (!name || !*name)
		return NULL;
	for (int k = BY_LINUX; k <= BY_SDM; k++)
		for (unsigned i = 0; all_slices(i); i++) {
			const struct nvmx_field *f = slice_lookup(all_slices(i), name, k);
			if (f)
				return f;
		}
	for (size_t i = 0; i < CATALOG_LEN(aliases); i++)
		if (nvmx_name_eq(name, aliases[i].name))
			return nvmx_field_at(aliases[i].msr, aliases[i].bit);
	return NULL;
}

const struct nvmx_field *nvmx_field_lookup_in(enum nvmx_msr_id id, const char *name)
{
	const struct catalog_slice *s = msr_slice(id);
	if (!s || !name || !*name)
		return NULL;
	for (int k = BY_LINUX; k <= BY_SDM; k++) {
		const struct nvmx_field *f = slice_lookup(s, name, k);
		if (f)
			return f;
	}
	for (size_t i = 0; i < CATALOG_LEN(aliases); i++)
		if (nvmx_name_eq(name, aliases[i].name) && msr_slice(aliases[i].msr) == s)
			return nvmx_field_at(aliases[i].msr, aliases[i].bit);
	return NULL;
}

/* ---- values ----------------------------------------------------------- */

uint64_t nvmx_field_mask(const struct nvmx_field *f)
{
	uint64_t ones = f->width >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << f->width) - 1;
	return ones << f->lsb;
}

uint64_t nvmx_field_get(const struct nvmx_field *f, uint64_t msr_value)
{
	return (msr_value & nvmx_field_mask(f)) >> f->lsb;
}

uint64_t nvmx_field_scaled(const struct nvmx_field *f, uint64_t raw)
{
	/* SDM A.6: the recommended maximum is 512 * (N + 1) entries */
	return f->fmt == NVMX_FMT_MSR_LIST ? 512 * (raw + 1) : raw;
}

const char *nvmx_memtype_name(unsigned type)
{
	switch (type) {
	case 0: return "UC";
	case 1: return "WC";
	case 4: return "WT";
	case 5: return "WP";
	case 6: return "WB";
	default: return NULL;
	}
}

const char *nvmx_word_name(enum nvmx_word w)
{
	static const char *const names[NVMX_WORD_COUNT] = {
		[NVMX_WORD_PIN] = "pin-based VM-execution controls",
		[NVMX_WORD_PROC] = "primary processor-based VM-execution controls",
		[NVMX_WORD_PROC2] = "secondary processor-based VM-execution controls",
		[NVMX_WORD_PROC3] = "tertiary processor-based VM-execution controls",
		[NVMX_WORD_EXIT] = "primary VM-exit controls",
		[NVMX_WORD_ENTRY] = "VM-entry controls",
		[NVMX_WORD_EXIT2] = "secondary VM-exit controls",
		[NVMX_WORD_CR0] = "CR0 bits",
		[NVMX_WORD_CR4] = "CR4 bits",
	};
	return (unsigned)w < NVMX_WORD_COUNT ? names[w] : NULL;
}

enum nvmx_msr_id nvmx_msr_true(enum nvmx_msr_id id)
{
	switch (id) {
	case NVMX_PINBASED: return NVMX_TRUE_PINBASED;
	case NVMX_PROCBASED: return NVMX_TRUE_PROCBASED;
	case NVMX_EXIT: return NVMX_TRUE_EXIT;
	case NVMX_ENTRY: return NVMX_TRUE_ENTRY;
	default: return id;
	}
}

enum nvmx_msr_id nvmx_word_msr(enum nvmx_word w)
{
	static const enum nvmx_msr_id msr[NVMX_WORD_COUNT] = {
		[NVMX_WORD_PIN] = NVMX_PINBASED,
		[NVMX_WORD_PROC] = NVMX_PROCBASED,
		[NVMX_WORD_PROC2] = NVMX_PROCBASED2,
		[NVMX_WORD_PROC3] = NVMX_PROCBASED3,
		[NVMX_WORD_EXIT] = NVMX_EXIT,
		[NVMX_WORD_ENTRY] = NVMX_ENTRY,
		[NVMX_WORD_EXIT2] = NVMX_EXIT2,
		[NVMX_WORD_CR0] = NVMX_CR0_FIXED0,
		[NVMX_WORD_CR4] = NVMX_CR4_FIXED0,
	};
	return (unsigned)w < NVMX_WORD_COUNT ? msr[w] : NVMX_MSR_COUNT;
}

uint32_t nvmx_word_default1(enum nvmx_word w)
{
	/* SDM A.2: controls that a processor without TRUE MSRs keeps at 1 */
	switch (w) {
	case NVMX_WORD_PIN: return UINT32_C(0x00000016);
	case NVMX_WORD_PROC: return UINT32_C(0x0401e172);
	case NVMX_WORD_EXIT: return UINT32_C(0x00036dff);
	case NVMX_WORD_ENTRY: return UINT32_C(0x000011ff);
	default: return 0;
	}
}
