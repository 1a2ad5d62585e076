/* SPDX-License-Identifier: MIT */
/*
 * QEMU's -cpu string: "MODEL[,FLAG]...".  A FLAG is +feat, -feat,
 * feat=VALUE or a bare feat (meaning feat=on), as QEMU's legacy feature
 * parser reads them.  Only the options that change the VMX words or the
 * CPUID flags nvmx reads are interpreted; the others are kept as ignored.
 */
#include "nvmx/qemu.h"
#include "fmt.h"

struct tok {
	const char *s;
	size_t len;
};

static bool tok_is(struct tok t, const char *lit)
{
	size_t i = 0;
	for (; i < t.len && lit[i]; i++) {
		char a = t.s[i] == '_' ? '-' : t.s[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != lit[i])
			return false;
	}
	return i == t.len && !lit[i];
}

static bool starts_vmx(struct tok t)
{
	return t.len >= 4 && (t.s[0] == 'v' || t.s[0] == 'V') && (t.s[1] == 'm' || t.s[1] == 'M') &&
	       (t.s[2] == 'x' || t.s[2] == 'X') && (t.s[3] == '-' || t.s[3] == '_');
}

/* on/off, true/false, yes/no: 1, 0, or -1. */
static int parse_bool(struct tok v)
{
	if (tok_is(v, "on") || tok_is(v, "true") || tok_is(v, "yes"))
		return 1;
	if (tok_is(v, "off") || tok_is(v, "false") || tok_is(v, "no"))
		return 0;
	return -1;
}

static void err_tok(struct nvmx_error *err, const char *a, struct tok t, const char *b)
{
	struct fmt f = err_begin(err, NVMX_E_ARG);
	char buf[96];
	size_t len = t.len < sizeof(buf) - 1 ? t.len : sizeof(buf) - 1;
	for (size_t i = 0; i < len; i++)
		buf[i] = t.s[i];
	buf[len] = 0;
	fmt_str(&f, a);
	fmt_str(&f, buf);
	fmt_str(&f, b);
}

enum feat_kind { FK_NONE, FK_VMX, FK_CPUID };

struct feat {
	enum feat_kind kind;
	struct nvmx_qwords mask;
	uint64_t cpuid;
};

/* What `name` is in release r: a vmx-* property, a CPUID flag, or neither. */
static int lookup_feat(const struct nvmx_qemu_release *r, struct tok name, struct feat *f,
		       struct nvmx_error *err)
{
	f->kind = FK_NONE;
	f->cpuid = 0;
	if (starts_vmx(name)) {
		if (!r->vmx_words || !nvmx_qemu_prop_lookup(r, name.s, name.len, &f->mask)) {
			err_tok(err, "no property '", name,
				r->vmx_words ? "' in this QEMU release (see the vmx-* names in "
					       "`nvmx decode`)"
					     : "': QEMU before 4.2 has no vmx-* properties");
			return -1;
		}
		f->kind = FK_VMX;
		return 0;
	}
	int c = nvmx_qemu_cpuid_lookup(name.s, name.len);
	if (c >= 0) {
		f->kind = FK_CPUID;
		f->cpuid = NVMX_FEAT(c);
	}
	return 0;
}

static void record_ignored(struct nvmx_qemu_cpu *cpu, const char *spec, struct tok t)
{
	if (cpu->nignored >= NVMX_QEMU_MAX_IGNORED)
		return;
	cpu->ignored[cpu->nignored].off = (uint16_t)(t.s - spec);
	cpu->ignored[cpu->nignored].len = (uint16_t)t.len;
	cpu->nignored++;
}

int nvmx_qemu_cpu_parse(struct nvmx_qemu_cpu *cpu, const struct nvmx_qemu_release *r,
			const char *spec, struct nvmx_error *err)
{
	*cpu = (struct nvmx_qemu_cpu){ 0 };
	cpu->check = true;
	cpu->migratable = true;
	cpu->pmu = -1;
	cpu->fred_prop = -1;
	nvmx_error_clear(err);

	size_t total = 0;
	while (spec[total])
		total++;
	if (total > 4000) {
		struct fmt f = err_begin(err, NVMX_E_ARG);
		fmt_str(&f, "the -cpu string is too long");
		return -1;
	}
	/* Features given with +/- and with =on/off, to spot QEMU's "ambiguous" case. */
	struct nvmx_qwords vmx_pm = { { 0 } }, vmx_eq = { { 0 } };
	uint64_t cpuid_pm = 0, cpuid_eq = 0;

	const char *p = spec;
	bool first = true;
	for (;;) {
		struct tok t = { p, 0 };
		while (p[t.len] && p[t.len] != ',')
			t.len++;
		if (first) {
			if (!t.len) {
				struct fmt f = err_begin(err, NVMX_E_ARG);
				fmt_str(&f, "-cpu needs a model name (a named model, host or max)");
				return -1;
			}
			if (tok_is(t, "host")) {
				cpu->kind = NVMX_QCPU_HOST;
			} else if (tok_is(t, "max")) {
				cpu->kind = NVMX_QCPU_MAX;
			} else {
				cpu->kind = NVMX_QCPU_NAMED;
				cpu->model = nvmx_qemu_model_find(t.s, t.len, &cpu->version);
				if (!cpu->model) {
					err_tok(err, "unknown CPU model '", t,
						"' (nvmx qemu-check --list shows the named models)");
					return -1;
				}
				if (!nvmx_qemu_model_in(cpu->model, cpu->version, r)) {
					struct fmt f = err_begin(err, NVMX_E_ARG);
					char name[96];
					size_t n = t.len < sizeof(name) - 1 ? t.len : sizeof(name) - 1;
					for (size_t i = 0; i < n; i++)
						name[i] = t.s[i];
					name[n] = 0;
					fmt_str(&f, "CPU model '");
					fmt_str(&f, name);
					fmt_str(&f, "' is not in QEMU ");
					fmt_str(&f, r->name);
					unsigned nv = nvmx_qemu_model_versions(cpu->model, r);
					if (nv) {
						fmt_str(&f, " (it has up to ");
						fmt_str(&f, cpu->model->name);
						fmt_str(&f, "-v");
						fmt_uint(&f, nv);
						fmt_str(&f, ")");
					}
					return -1;
				}
			}
			first = false;
		} else if (!t.len) {
			struct fmt f = err_begin(err, NVMX_E_ARG);
			fmt_str(&f, "empty option in the -cpu string");
			return -1;
		} else if (t.s[0] == '+' || t.s[0] == '-') {
			struct tok name = { t.s + 1, t.len - 1 };
			struct feat f;
			if (!name.len) {
				err_tok(err, "'", t, "': a feature name must follow + or -");
				return -1;
			}
			if (lookup_feat(r, name, &f, err))
				return -1;
			bool plus = t.s[0] == '+';
			if (tok_is(name, "fred")) {
				if (plus)
					cpu->fred_plus = true;
				else
					cpu->fred_minus = true;
			} else if (f.kind == FK_VMX) {
				for (int w = 0; w < NVMX_QW_COUNT; w++) {
					if (plus)
						cpu->plus.w[w] |= f.mask.w[w];
					else
						cpu->minus.w[w] |= f.mask.w[w];
					vmx_pm.w[w] |= f.mask.w[w];
				}
			} else if (f.kind == FK_CPUID) {
				if (plus)
					cpu->cpuid_plus |= f.cpuid;
				else
					cpu->cpuid_minus |= f.cpuid;
				cpuid_pm |= f.cpuid;
			} else {
				record_ignored(cpu, spec, t);
			}
		} else {
			struct tok name = t, val = { "on", 2 };
			for (size_t i = 0; i < t.len; i++)
				if (t.s[i] == '=') {
					name.len = i;
					val.s = t.s + i + 1;
					val.len = t.len - i - 1;
					break;
				}
			if (!name.len) {
				err_tok(err, "'", t, "': missing option name");
				return -1;
			}
			bool special = tok_is(name, "enforce") || tok_is(name, "check") ||
				       tok_is(name, "migratable") || tok_is(name, "x-force-features") ||
				       tok_is(name, "pmu") || tok_is(name, "fred");
			struct feat f = { FK_NONE, { { 0 } }, 0 };
			if (!special && lookup_feat(r, name, &f, err))
				return -1;
			if (!special && f.kind == FK_NONE) {
				record_ignored(cpu, spec, t);
			} else {
				int b = parse_bool(val);
				if (b < 0) {
					err_tok(err, "'", t, "': the value must be on or off");
					return -1;
				}
				if (tok_is(name, "enforce"))
					cpu->enforce = b;
				else if (tok_is(name, "check"))
					cpu->check = b;
				else if (tok_is(name, "migratable"))
					cpu->migratable = b;
				else if (tok_is(name, "x-force-features"))
					cpu->force_features = b;
				else if (tok_is(name, "pmu"))
					cpu->pmu = b;
				else if (tok_is(name, "fred"))
					cpu->fred_prop = b;
				else if (f.kind == FK_VMX) {
					for (int w = 0; w < NVMX_QW_COUNT; w++) {
						cpu->prop_mask.w[w] |= f.mask.w[w];
						if (b)
							cpu->prop_val.w[w] |= f.mask.w[w];
						else
							cpu->prop_val.w[w] &= ~f.mask.w[w];
						vmx_eq.w[w] |= f.mask.w[w];
					}
				} else {
					cpu->cpuid_prop_mask |= f.cpuid;
					if (b)
						cpu->cpuid_prop_val |= f.cpuid;
					else
						cpu->cpuid_prop_val &= ~f.cpuid;
					cpuid_eq |= f.cpuid;
				}
			}
		}
		p += t.len;
		if (!*p)
			break;
		p++;
		if (!*p) {
			struct fmt f = err_begin(err, NVMX_E_ARG);
			fmt_str(&f, "the -cpu string ends with a comma");
			return -1;
		}
	}
	for (int w = 0; w < NVMX_QW_COUNT; w++)
		if (vmx_pm.w[w] & vmx_eq.w[w])
			cpu->ambiguous = true;
	if (cpuid_pm & cpuid_eq)
		cpu->ambiguous = true;
	return 0;
}
