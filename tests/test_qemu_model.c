/* SPDX-License-Identifier: MIT */
/*
 * QEMU's model as data: the golden MSR values of the named models (QEMU
 * facts reference, section 3.4), model and version lookup, the -cpu parser,
 * property names from the catalogue, and the plan's order and formulas.
 */
#include <string.h>
#include "nvmx/qemu.h"
#include "tap.h"

struct golden {
	const char *models;	/* space-separated "Name" or "Name-vN" */
	uint64_t pin, proc, exit, entry, sec;
};

static const struct golden controls[] = {
	{ "kvm32 coreduo", 0x0000001f00000016, 0x7781fffe0401e172, 0x0003edff00036dff,
	  0x000011ff000011ff, 0 },
	{ "kvm64", 0x0000001f00000016, 0x67b9fffe0401e172, 0x0003efff00036dff, 0x000013ff000011ff, 0 },
	{ "core2duo Conroe", 0x0000003f00000016, 0xf7f9fffe0401e172, 0x0003efff00036dff,
	  0x000013ff000011ff, 0x0000000100000000 },
	{ "Penryn", 0x0000003f00000016, 0xf7f9fffe0401e172, 0x0003ffff00036dff, 0x000033ff000011ff,
	  0x0000004100000000 },
	{ "Nehalem Nehalem-v2", 0x0000007f00000016, 0xfff9fffe04006172, 0x007fffff00036dfb,
	  0x0000f3ff000011fb, 0x0000007700000000 },
	{ "Westmere Westmere-v2", 0x0000007f00000016, 0xfff9fffe04006172, 0x007fffff00036dfb,
	  0x0000f3ff000011fb, 0x000000f700000000 },
	{ "SandyBridge SandyBridge-v2", 0x0000007f00000016, 0xfff9fffe04006172, 0x007fffff00036dfb,
	  0x0000f3ff000011fb, 0x000000ff00000000 },
	{ "IvyBridge IvyBridge-v2", 0x000000ff00000016, 0xfff9fffe04006172, 0x007fffff00036dfb,
	  0x0000f3ff000011fb, 0x00000bff00000000 },
	{ "Haswell Haswell-v2 Haswell-v3 Haswell-v4 Icelake-Server Icelake-Server-v2 "
	  "Icelake-Server-v3", 0x000000ff00000016, 0xfff9fffe04006172, 0x007fffff00036dfb,
	  0x0000f3ff000011fb, 0x00007bff00000000 },
	{ "Broadwell Broadwell-v2 Broadwell-v3 Broadwell-v4 Skylake-Server Skylake-Server-v2 Skylake-Server-v3 "
	  "Skylake-Server-v4 Cascadelake-Server Cascadelake-Server-v2 Cascadelake-Server-v3 "
	  "Cascadelake-Server-v4 Cooperlake Icelake-Server-v4", 0x000000ff00000016,
	  0xfff9fffe04006172, 0x007fffff00036dfb, 0x0000f3ff000011fb, 0x00037bff00000000 },
	{ "Skylake-Client Skylake-Client-v2 Skylake-Client-v3", 0x0000007f00000016,
	  0xfff9fffe04006172, 0x007fffff00036dfb, 0x0000f3ff000011fb, 0x000378ef00000000 },
	{ "Skylake-Client-v4", 0x0000007f00000016, 0xfff9fffe04006172, 0x007fffff00036dfb,
	  0x0000f3ff000011fb, 0x001378ef00000000 },
	{ "SapphireRapids SapphireRapids-v2 SapphireRapids-v3 GraniteRapids GraniteRapids-v2 SierraForest "
	  "SierraForest-v2 ClearwaterForest Skylake-Server-v5 Cascadelake-Server-v5 Cooperlake-v2 "
	  "Icelake-Server-v5 Icelake-Server-v6 Icelake-Server-v7", 0x000000ff00000016,
	  0xfff9fffe04006172, 0x007fffff00036dfb, 0x0000f3ff000011fb, 0x00137bff00000000 },
	/*
	 * The Atom server models ask for Broadwell's secondary set, but have no
	 * CPUID INVPCID, so QEMU's dependency pass drops INVPCID exiting (bit 12).
	 */
	{ "Denverton Denverton-v2 Snowridge Snowridge-v2", 0x000000ff00000016, 0xfff9fffe04006172,
	  0x007fffff00036dfb, 0x0000f3ff000011fb, 0x00036bff00000000 },
	{ "Denverton-v3 Snowridge-v3 Snowridge-v4", 0x000000ff00000016, 0xfff9fffe04006172,
	  0x007fffff00036dfb, 0x0000f3ff000011fb, 0x00136bff00000000 },
	/* YongFeng: Broadwell's set without RDSEED exiting; its raw exit bit 9 is lm's anyway. */
	{ "YongFeng", 0x000000ff00000016, 0xfff9fffe04006172, 0x007fffff00036dfb,
	  0x0000f3ff000011fb, 0x00027bff00000000 },
};

/* Model part of 0x48C, 0x485, 0x480, 0x491 (section 3.4, "Other registers"). */
struct golden_other {
	const char *models;
	uint64_t ept, misc, basic, vmfunc;
};

#define E_NHM 0x00000f0106134041
#define E_HSW 0x00000f0106334041
#define E_SPR 0x00000f01063340c1
#define M_HLT 0x40
#define M_WSM 0x60
#define M_HSW 0x20000060
#define B_IO 0x0040000000000000
#define B_TRUE 0x00c0000000000000

static const struct golden_other others[] = {
	{ "kvm32 coreduo kvm64", 0, M_HLT, 0, 0 },
	{ "core2duo Conroe Penryn", 0, M_HLT, B_IO, 0 },
	{ "Nehalem", E_NHM, M_HLT, B_TRUE, 0 },
	{ "Westmere SandyBridge IvyBridge", E_NHM, M_WSM, B_TRUE, 0 },
	{ "Haswell Broadwell Skylake-Client Cooperlake", E_HSW, M_HSW, B_TRUE, 1 },
	{ "Skylake-Server Cascadelake-Server Icelake-Server", E_HSW, M_HSW, B_TRUE, 0 },
	{ "Skylake-Server-v4 Cascadelake-Server-v4 Icelake-Server-v4 Icelake-Server-v5", E_HSW, M_HSW,
	  B_TRUE, 1 },
	{ "Icelake-Server-v6 SapphireRapids GraniteRapids", E_SPR, M_HSW, B_TRUE, 1 },
	{ "SierraForest ClearwaterForest", E_HSW, M_HSW, B_TRUE, 1 },
	{ "Denverton Snowridge YongFeng", E_HSW, M_HSW, B_TRUE, 1 },
};

static const struct nvmx_qemu_model *find(const char *name, unsigned *v)
{
	return nvmx_qemu_model_find(name, strlen(name), v);
}

static void check_value(const struct nvmx_qemu_model *m, unsigned v, enum nvmx_msr_id id,
			uint64_t want, const char *label)
{
	uint64_t got, host;
	bool ok = nvmx_qemu_model_msr(m, v, nvmx_qemu_release_default(), id, &got, &host);
	if (!ok) {
		tap_ok(0, "%s: %s writes 0x%x", label, m->name, nvmx_msr_index(id));
		return;
	}
	(void)host;	/* the test host copies nothing: the value is the model part */
	tap_eq64(got, want, "%s v%u: 0x%x = 0x%016llx", label, v, nvmx_msr_index(id),
		 (unsigned long long)want);
}

static void golden(void)
{
	unsigned seen_named = 0;
	for (unsigned g = 0; g < sizeof(controls) / sizeof(controls[0]); g++) {
		char list[512];
		snprintf(list, sizeof(list), "%s", controls[g].models);
		for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " ")) {
			unsigned v;
			const struct nvmx_qemu_model *m = find(tok, &v);
			if (!tap_ok(m != NULL, "model %s is known", tok))
				continue;
			seen_named++;
			check_value(m, v, NVMX_TRUE_PINBASED, controls[g].pin, tok);
			check_value(m, v, NVMX_TRUE_PROCBASED, controls[g].proc, tok);
			check_value(m, v, NVMX_TRUE_EXIT, controls[g].exit, tok);
			check_value(m, v, NVMX_TRUE_ENTRY, controls[g].entry, tok);
			check_value(m, v, NVMX_PROCBASED2, controls[g].sec, tok);
			check_value(m, v, NVMX_CR0_FIXED0, 0x80000021, tok);
			check_value(m, v, NVMX_CR4_FIXED0, 0x2000, tok);
			check_value(m, v, NVMX_VMCS_ENUM, 0x2e, tok);
		}
	}
	for (unsigned g = 0; g < sizeof(others) / sizeof(others[0]); g++) {
		char list[512];
		snprintf(list, sizeof(list), "%s", others[g].models);
		for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " ")) {
			unsigned v;
			const struct nvmx_qemu_model *m = find(tok, &v);
			if (!tap_ok(m != NULL, "model %s is known", tok))
				continue;
			check_value(m, v, NVMX_EPT_VPID_CAP, others[g].ept, tok);
			check_value(m, v, NVMX_MISC, others[g].misc, tok);
			check_value(m, v, NVMX_BASIC, others[g].basic, tok);
			check_value(m, v, NVMX_VMFUNC, others[g].vmfunc, tok);
		}
	}
	/* Every version of every model appears in the control table. */
	unsigned total = 0;
	for (unsigned i = 0; i < nvmx_qemu_model_count(); i++)
		total += nvmx_qemu_model_at(i)->nversions;
	tap_ok(seen_named == total, "the golden table covers all %u model versions (%u)", total,
	       seen_named);
}

static void lookup(void)
{
	unsigned v = 0;
	const struct nvmx_qemu_model *m = find("Haswell-noTSX-IBRS", &v);
	tap_ok(m && !strcmp(m->name, "Haswell") && v == 4, "alias Haswell-noTSX-IBRS is Haswell-v4");
	m = find("Cascadelake-Server-noTSX", &v);
	tap_ok(m && !strcmp(m->name, "Cascadelake-Server") && v == 3,
	       "alias Cascadelake-Server-noTSX is v3");
	m = find("Icelake-Server-v7", &v);
	tap_ok(m && v == 7, "Icelake-Server-v7 exists");
	tap_ok(find("Icelake-Server-v8", &v) == NULL, "Icelake-Server-v8 does not");
	tap_ok(find("Skylake-Server-v0", &v) == NULL, "v0 does not exist");
	tap_ok(find("Skylake", &v) == NULL, "Skylake alone is not a model");
	m = find("skylake-server", &v);
	tap_ok(m && v == 1, "names are matched without case");
	const char *required[] = { "Nehalem", "Westmere", "SandyBridge", "IvyBridge", "Haswell",
				   "Broadwell", "Skylake-Client", "Skylake-Server",
				   "Cascadelake-Server", "Cooperlake", "Icelake-Server",
				   "SapphireRapids", "GraniteRapids", "SierraForest",
				   "ClearwaterForest", "Denverton", "Snowridge", "YongFeng" };
	for (unsigned i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		tap_ok(find(required[i], &v) != NULL, "model %s is in the table", required[i]);
}

static void names(void)
{
	const struct nvmx_qemu_release *r = nvmx_qemu_release_default();
	struct nvmx_qwords mask;
	tap_ok(nvmx_qemu_prop_lookup(r, "vmx-invept-single-context", 25, &mask) &&
	       mask.w[NVMX_QW_EPT_VPID] == ((UINT64_C(1) << 25) | (UINT64_C(1) << 41)),
	       "vmx-invept-single-context covers EPT bits 25 and 41");
	tap_ok(nvmx_qemu_prop_lookup(r, "VMX_POSTED_INTR", 15, &mask) &&
	       mask.w[NVMX_QW_PINBASED] == 0x80, "vmx_posted_intr reads as vmx-posted-intr");
	tap_ok(!nvmx_qemu_prop_lookup(nvmx_qemu_release_find("4.2"), "vmx-tsc-scaling", 15, &mask),
	       "QEMU 4.2 has no vmx-tsc-scaling");
	tap_ok(nvmx_qemu_prop_lookup(nvmx_qemu_release_find("8.1"), "vmx-tsc-scaling", 15, &mask),
	       "QEMU 8.1 has vmx-tsc-scaling");
	tap_ok(!nvmx_qemu_prop_lookup(nvmx_qemu_release_find("4.1"), "vmx-ept", 7, &mask),
	       "QEMU 4.1 has no vmx-* properties");
	/* Every catalogue QEMU name maps to a word and bit, and back to its name. */
	size_t n = nvmx_field_count(), bad = 0, named = 0;
	for (size_t i = 0; i < n; i++) {
		const struct nvmx_field *f = nvmx_field_index(i);
		enum nvmx_qword w;
		unsigned bit;
		if (!f->qemu)
			continue;
		named++;
		if (!nvmx_qemu_field_bit(f, &w, &bit) || !nvmx_qemu_bit_name(r, w, bit) ||
		    strcmp(nvmx_qemu_bit_name(r, w, bit), f->qemu))
			bad++;
	}
	tap_ok(named > 90 && !bad, "%zu catalogue QEMU names map to word bits and back (%zu bad)",
	       named, bad);
	char d[96];
	nvmx_qemu_bit_describe(r, NVMX_QW_PINBASED, 7, d, sizeof(d));
	tap_ok(!strcmp(d, "MSR(48DH).vmx-posted-intr [bit 7]"), "warning text %s", d);
	nvmx_qemu_bit_describe(r, NVMX_QW_EPT_VPID, 14, d, sizeof(d));
	tap_ok(!strcmp(d, "MSR(48CH) [bit 14]"), "unnamed bit text %s", d);
	nvmx_qemu_cpuid_describe(NVMX_F_VMX, d, sizeof(d));
	tap_ok(!strcmp(d, "CPUID.01H:ECX.vmx [bit 5]"), "CPUID text %s", d);
}

static void parse(void)
{
	const struct nvmx_qemu_release *r = nvmx_qemu_release_default();
	struct nvmx_qemu_cpu c;
	struct nvmx_error err;
	int rc = nvmx_qemu_cpu_parse(&c, r, "Skylake-Server-v4,+vmx,vmx-posted-intr=off,"
				     "-vmx-pml,enforce,hv-relaxed,model-id=x,pmu=on", &err);
	tap_ok(rc == 0, "a -cpu string parses (%s)", err.msg);
	tap_ok(c.kind == NVMX_QCPU_NAMED && c.version == 4, "model and version");
	tap_ok(c.cpuid_plus == NVMX_FEAT(NVMX_F_VMX), "+vmx is a CPUID plus");
	tap_ok(c.prop_mask.w[NVMX_QW_PINBASED] == 0x80 && !c.prop_val.w[NVMX_QW_PINBASED],
	       "vmx-posted-intr=off is a property");
	tap_ok(c.minus.w[NVMX_QW_SECONDARY] == (1u << 17), "-vmx-pml is a minus");
	tap_ok(c.enforce && c.pmu == 1 && c.nignored == 2, "enforce, pmu and two ignored options");
	tap_ok(nvmx_qemu_cpu_parse(&c, r, "Skylake-Server,vmx-nonsense=on", &err) < 0 &&
	       strstr(err.msg, "vmx-nonsense"), "an unknown vmx-* property is an error: %s", err.msg);
	tap_ok(nvmx_qemu_cpu_parse(&c, r, "Pentium9", &err) < 0 && err.code == NVMX_E_ARG &&
	       !err.line, "unknown model: an argument error: %s",
	       err.msg);
	tap_ok(nvmx_qemu_cpu_parse(&c, r, "host,enforce=maybe", &err) < 0,
	       "a bad boolean is an error: %s", err.msg);
	tap_ok(nvmx_qemu_cpu_parse(&c, r, "host,", &err) < 0, "a trailing comma: %s",
	       err.msg);
	tap_ok(nvmx_qemu_cpu_parse(&c, r, "", &err) < 0, "an empty string: %s", err.msg);
	tap_ok(nvmx_qemu_cpu_parse(&c, r, "max,+vmx-ept,vmx-ept=off", &err) == 0 &&
	       c.kind == NVMX_QCPU_MAX && c.ambiguous, "+feat with feat=off is ambiguous");
	tap_ok(nvmx_qemu_cpu_parse(&c, r, "Haswell,vmx,vmx_ept=off", &err) == 0 &&
	       c.cpuid_prop_val == NVMX_FEAT(NVMX_F_VMX) && c.prop_mask.w[NVMX_QW_SECONDARY] == 2,
	       "a bare feature is feat=on; '_' reads as '-'");
}

/* A host that offers everything and copies nothing, for the plan's shape. */
static void plan_order(void)
{
	const struct nvmx_qemu_release *r = nvmx_qemu_release_default();
	struct nvmx_qemu_host h = { .kvm_ok = true, .feature_list = true, .ctls2_listed = true,
				    .cpuid = NVMX_FEAT(NVMX_F_COUNT) - 1 };
	for (int id = 0; id <= NVMX_VMFUNC; id++)
		nvmx_msrs_set(&h.feat, (enum nvmx_msr_id)id, 0xffffffff00000000ull);
	h.feat.val[NVMX_BASIC] = 0x00da040000000004ull;
	struct nvmx_qemu_cpu c;
	struct nvmx_error err;
	nvmx_qemu_cpu_parse(&c, r, "Skylake-Server,+vmx", &err);
	struct nvmx_qemu_plan p;
	nvmx_qemu_plan(&p, &c, &h, r);
	static const uint32_t order[] = { 0x48e, 0x48d, 0x48f, 0x490, 0x48b, 0x48c, 0x480, 0x485,
					  0x491, 0x486, 0x488, 0x48a };
	bool same = p.nwrites == 12;
	for (unsigned i = 0; same && i < 12; i++)
		same = p.writes[i].index == order[i];
	tap_ok(same, "QEMU's order: 48e 48d 48f 490 48b 48c 480 485 491 486 488 48a");
	tap_eq64(p.writes[6].value, 0x00d8040000000004ull | B_TRUE,
		 "BASIC: model bits plus the host's revision, size and memory type (not bit 49)");
	nvmx_qemu_cpu_parse(&c, r, "Skylake-Server", &err);
	nvmx_qemu_plan(&p, &c, &h, r);
	tap_ok(p.nwrites == 0 && p.skip == NVMX_QSKIP_NO_VMX, "no vmx in the model: nothing written");
	h.feat.present &= ~(1u << NVMX_VMFUNC);
	nvmx_qemu_cpu_parse(&c, r, "Skylake-Server,+vmx,vmx-tsc-scaling=on", &err);
	nvmx_qemu_plan(&p, &c, &h, r);
	tap_ok(p.nwrites == 11 && p.writes[10].index == 0x48a && p.writes[10].value == 0x32,
	       "without 0x491 in KVM's list 11 writes; TSC scaling makes VMCS_ENUM 0x32");
	nvmx_qemu_cpu_parse(&c, r, "Skylake-Server,+vmx,vmx-xsaves=on", &err);
	nvmx_qemu_plan(&p, &c, &h, r);
	tap_ok(p.dep_warned.w[NVMX_QW_SECONDARY] == (1u << 20),
	       "vmx-xsaves without xsaves is dropped by the dependency pass, with a warning");
	char line[160];
	nvmx_qemu_message(&p, NULL, 0, line, sizeof(line));
	tap_ok(!strcmp(line, "qemu-system-x86_64: warning: This feature depends on other features "
			     "that were not requested: MSR(48BH).vmx-xsaves [bit 20]"),
	       "dependency warning: %s", line);
	/* nested=0: BASIC reads 0 and is not listed. */
	struct nvmx_qemu_host h0 = { .kvm_ok = true, .feature_list = true,
				     .cpuid = (NVMX_FEAT(NVMX_F_COUNT) - 1) & ~NVMX_FEAT(NVMX_F_VMX) };
	nvmx_qemu_cpu_parse(&c, r, "Haswell,+vmx", &err);
	nvmx_qemu_plan(&p, &c, &h0, r);
	tap_ok(p.stop == NVMX_QSTOP_NONE && p.skip == NVMX_QSKIP_NO_VMX &&
	       p.cpuid_filtered == NVMX_FEAT(NVMX_F_VMX),
	       "nested=0, default mode: vmx filtered, nothing written");
	nvmx_qemu_message(&p, NULL, 0, line, sizeof(line));
	tap_ok(!strcmp(line, "qemu-system-x86_64: warning: host doesn't support requested feature: "
			     "CPUID.01H:ECX.vmx [bit 5]"), "first warning: %s", line);
	nvmx_qemu_cpu_parse(&c, r, "Haswell,+vmx,enforce", &err);
	nvmx_qemu_plan(&p, &c, &h0, r);
	tap_ok(p.stop == NVMX_QSTOP_ENFORCE && !p.nwrites, "nested=0, enforce: refused before writing");
	nvmx_qemu_cpu_parse(&c, r, "Haswell,+vmx,x-force-features=on", &err);
	nvmx_qemu_plan(&p, &c, &h0, nvmx_qemu_release_find("4.2"));
	tap_ok(p.nwrites == 11 && p.writes[6].index == 0x480 && p.writes[6].value == B_TRUE,
	       "QEMU 4.2 has no BASIC guard: forced features write 0x480 anyway");
}

/* How a fix item is spelled in -cpu: QEMU's property syntax per kind. */
static void fix_item_spelling(void)
{
	static const struct { enum nvmx_qemu_fix_kind kind; const char *name, *want; } t[] = {
		{ NVMX_QFIX_VMX_OFF, "vmx-posted-intr", "vmx-posted-intr=off" },
		{ NVMX_QFIX_VMX_MINUS, "vmx-encls-exit", "-vmx-encls-exit" },
		{ NVMX_QFIX_CPUID_OFF, "pku", "pku=off" },
		{ NVMX_QFIX_CPUID_MINUS, "mpx", "-mpx" },
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct nvmx_qemu_fix_item it = { .kind = t[i].kind, .name = t[i].name };
		char buf[64];
		const char *s = nvmx_qemu_fix_item_str(&it, buf, sizeof(buf));
		tap_ok(s == buf && !strcmp(buf, t[i].want), "fix item %s (%s)", t[i].want, buf);
	}
	struct nvmx_qemu_fix_item it = { .kind = NVMX_QFIX_VMX_OFF, .name = "vmx-posted-intr" };
	char small[8];
	nvmx_qemu_fix_item_str(&it, small, sizeof(small));
	tap_ok(strlen(small) == sizeof(small) - 1, "a short buffer is cut and NUL-terminated");
}

int main(void)
{
	fix_item_spelling();
	golden();
	lookup();
	names();
	parse();
	plan_order();
	return tap_done();
}
