/* SPDX-License-Identifier: MIT */
/*
 * From a -cpu string to the VMX MSRs QEMU writes: what /dev/kvm tells QEMU,
 * the words of the model with the user's flags, host/max expansion, the
 * dependency pass, filtering against KVM, and the MSR values in QEMU's
 * order -- plus the lines QEMU prints along the way.
 */
#include "nvmx/qemu.h"
#include "kernels.h"
#include "fmt.h"
#include "qemu_words.h"

#define B(n) (UINT64_C(1) << (n))
#define F(x) NVMX_FEAT(NVMX_F_##x)

/* Secondary controls QEMU's 0x48B workaround looks at. */
#define SEC_EPT		B(1)
#define SEC_RDTSCP	B(3)
#define SEC_VPID	B(5)
#define SEC_UNRESTR	B(7)
#define SEC_RDRAND	B(11)
#define SEC_INVPCID	B(12)
#define SEC_VMFUNC	B(13)
#define SEC_RDSEED	B(16)
#define SEC_XSAVES	B(20)
#define SEC_TSC_SCALE	B(25)
#define SEC_WAITPKG	B(26)
#define SEC_DESC	B(2)
#define PROC_SECONDARY	B(31)
#define EXIT_HOST_64	B(9)
#define EXIT_BNDCFGS	B(23)
#define EXIT_SECONDARY	B(31)
#define ENTRY_IA32E	B(9)
#define ENTRY_BNDCFGS	B(16)
#define BASIC_DUAL_MON	B(49)

/* Host fields QEMU copies into BASIC and MISC, and the EPT memory types. */
#define BASIC_HOST	(UINT64_C(0x7fffffff) | UINT64_C(0x1fff) << 32 | UINT64_C(0x3c0000) << 32)
#define MISC_HOST	UINT64_C(0x0e00001f)
#define EPT_MEMTYPES	(B(8) | B(14))

/* ---- /dev/kvm ------------------------------------------------------------- */

void nvmx_qemu_host_from_kvm(struct nvmx_qemu_host *out, const struct nvmx_kvm *kvm,
			     const struct nvmx_host *h)
{
	*out = (struct nvmx_qemu_host){ 0 };
	if (kvm->status != NVMX_LOAD_OK)
		return;
	const struct nvmx_kernel *k = kvm->kernel;
	out->kvm_ok = true;
	out->feature_list = true;
	if (kvm->nested) {
		for (int id = 0; id <= NVMX_VMFUNC; id++)
			if (nvmx_kernel_reports(k, (enum nvmx_msr_id)id))
				nvmx_msrs_set(&out->feat, (enum nvmx_msr_id)id,
					      nvmx_caps_read(&kvm->caps, (enum nvmx_msr_id)id));
		out->ctls2_listed = nvmx_msrs_has(&out->feat, NVMX_PROCBASED2);
	}

	uint64_t all = (NVMX_FEAT(NVMX_F_COUNT) - 1);
	uint64_t f = h->features ? h->features : all;
	uint32_t p2 = kvm->cfg.proc2;
	f &= ~(F(VMX) | F(SMX) | F(MPX) | F(SHSTK) | F(IBT) | F(SGX));
	if (kvm->nested)
		f |= F(VMX);
	if (kvm->mpx_supported)
		f |= F(MPX);
	f |= kvm->kvm_features & (F(SHSTK) | F(IBT));
	if (nvmx_kernel_has_param(k, NVMX_P_SGX) && kvm->params.val[NVMX_P_SGX] &&
	    (!h->features || (h->features & F(SGX))))
		f |= F(SGX);
	/* Dumps do not record CPUID.0xD.1: XSAVES goes with XSAVE and the VMX control. */
	if ((f & F(XSAVE)) && (p2 & SEC_XSAVES))
		f |= F(XSAVES);
	if (!(p2 & SEC_XSAVES))
		f &= ~F(XSAVES);
	if (!(p2 & SEC_RDTSCP))
		f &= ~(F(RDTSCP) | F(RDPID));
	if (!(p2 & SEC_INVPCID))
		f &= ~F(INVPCID);
	if (!(p2 & SEC_WAITPKG))
		f &= ~F(WAITPKG);
	if (!kvm->params.val[NVMX_P_EPT])
		f &= ~F(PKU);
	if (p2 & SEC_DESC)
		f |= F(UMIP);
	if (!k->cr4_lam)
		f &= ~F(LAM);
	out->cpuid = f;
	out->pmu_version = nvmx_kernel_has_param(k, NVMX_P_ENABLE_PMU) &&
			   !kvm->params.val[NVMX_P_ENABLE_PMU] ? 0 : 2;
}

/* x86_cpu_get_supported_feature_word() for each VMX word. */
static void qemu_supported(const struct nvmx_qemu_host *host, const struct nvmx_qemu_release *r,
			   struct nvmx_qwords *out)
{
	*out = (struct nvmx_qwords){ { 0 } };
	if (!host->kvm_ok || !host->feature_list || !r->vmx_words)
		return;
	for (int w = 0; w < NVMX_QW_COUNT; w++) {
		enum nvmx_msr_id id = nvmx_qword_msr((enum nvmx_qword)w);
		if (!nvmx_msrs_has(&host->feat, id))
			continue;
		uint64_t v = host->feat.val[id];
		if (w == NVMX_QW_SECONDARY && (r->ctls2_workaround_always || !host->ctls2_listed)) {
			uint64_t c = host->cpuid, add = 0;
			if (c & F(XSAVES))
				add |= SEC_XSAVES;
			if (c & F(RDRAND))
				add |= SEC_RDRAND;
			if (c & F(INVPCID))
				add |= SEC_INVPCID;
			if (c & F(RDSEED))
				add |= SEC_RDSEED;
			if (c & F(RDTSCP))
				add |= SEC_RDTSCP;
			v |= add << 32;
		}
		out->w[w] = nvmx_qword_is_control((enum nvmx_qword)w) ?
			    nvmx_qemu_control_supported(v) : v;
	}
}

/* ---- Dependencies (QEMU's feature_dependencies[], VMX part, in order) ----- */

struct dep {
	int from_cpuid;			/* enum nvmx_feature, or -1 */
	enum nvmx_qword from_w;		/* when from_cpuid < 0 */
	uint64_t from_bit;
	enum nvmx_qword to_w;
	uint64_t to_mask;
	int to_cpuid;			/* a CPUID flag instead of word bits, or -1 */
};

#define ALL UINT64_C(0xffffffffffffffff)
#define C(f) NVMX_F_##f, 0, 0
#define W(w, b) -1, NVMX_QW_##w, (b)

/* Entries 12 and 13 (MPX) exist from 7.1; the WAITPKG entries are release-specific. */
static const struct dep deps[] = {
	{ C(VMX), NVMX_QW_PROCBASED, ALL, -1 },
	{ C(VMX), NVMX_QW_PINBASED, ALL, -1 },
	{ C(VMX), NVMX_QW_EXIT, ALL, -1 },
	{ C(VMX), NVMX_QW_ENTRY, ALL, -1 },
	{ C(VMX), NVMX_QW_MISC, ALL, -1 },
	{ C(VMX), NVMX_QW_BASIC, ALL, -1 },
	{ C(LM), NVMX_QW_ENTRY, ENTRY_IA32E, -1 },
	{ W(PROCBASED, PROC_SECONDARY), NVMX_QW_SECONDARY, ALL, -1 },
	{ C(XSAVES), NVMX_QW_SECONDARY, SEC_XSAVES, -1 },
	{ C(RDRAND), NVMX_QW_SECONDARY, SEC_RDRAND, -1 },
	{ C(INVPCID), NVMX_QW_SECONDARY, SEC_INVPCID, -1 },
	{ C(MPX), NVMX_QW_EXIT, EXIT_BNDCFGS, -1 },
	{ C(MPX), NVMX_QW_ENTRY, ENTRY_BNDCFGS, -1 },
	{ C(RDSEED), NVMX_QW_SECONDARY, SEC_RDSEED, -1 },
	{ C(RDTSCP), NVMX_QW_SECONDARY, SEC_RDTSCP, -1 },
	{ W(SECONDARY, SEC_EPT), NVMX_QW_EPT_VPID, UINT64_C(0xffffffff), -1 },
	{ W(SECONDARY, SEC_EPT), NVMX_QW_SECONDARY, SEC_UNRESTR, -1 },
	{ W(SECONDARY, SEC_VPID), NVMX_QW_EPT_VPID, UINT64_C(0xffffffff) << 32, -1 },
	{ W(SECONDARY, SEC_VMFUNC), NVMX_QW_VMFUNC, ALL, -1 },
};
static const struct dep waitpkg_reversed = { W(SECONDARY, SEC_WAITPKG), 0, 0, NVMX_F_WAITPKG };
static const struct dep waitpkg_forward = { C(WAITPKG), NVMX_QW_SECONDARY, SEC_WAITPKG, -1 };

static bool is_mpx_dep(const struct dep *d)
{
	return d->from_cpuid == NVMX_F_MPX;
}

static void run_dep(const struct dep *d, struct nvmx_qwords *words, uint64_t *cpuid,
		    const struct nvmx_qwords *user, uint64_t cpuid_user, struct nvmx_qemu_plan *p)
{
	bool have = d->from_cpuid >= 0 ? (*cpuid & NVMX_FEAT(d->from_cpuid)) != 0
				       : (words->w[d->from_w] & d->from_bit) != 0;
	if (have)
		return;
	if (d->to_cpuid >= 0) {
		uint64_t gone = *cpuid & NVMX_FEAT(d->to_cpuid);
		if (p) {
			p->cpuid_dep_cleared |= gone;
			p->cpuid_dep_warned |= gone & cpuid_user;
		}
		*cpuid &= ~gone;
		return;
	}
	uint64_t gone = words->w[d->to_w] & d->to_mask;
	if (p) {
		p->dep_cleared.w[d->to_w] |= gone;
		if (user)
			p->dep_warned.w[d->to_w] |= gone & user->w[d->to_w];
	}
	words->w[d->to_w] &= ~gone;
}

/* QEMU's dependency pass of release r, once, in its array order. */
static void run_deps(const struct nvmx_qemu_release *r, struct nvmx_qwords *words,
		     uint64_t *cpuid, const struct nvmx_qwords *user, uint64_t cpuid_user,
		     struct nvmx_qemu_plan *p)
{
	for (unsigned i = 0; i < sizeof(deps) / sizeof(deps[0]); i++)
		if (r->mpx_dep || !is_mpx_dep(&deps[i]))
			run_dep(&deps[i], words, cpuid, user, cpuid_user, p);
	if (r->waitpkg_dep == NVMX_QWAITPKG_REVERSED)
		run_dep(&waitpkg_reversed, words, cpuid, user, cpuid_user, p);
	else if (r->waitpkg_dep == NVMX_QWAITPKG_FORWARD)
		run_dep(&waitpkg_forward, words, cpuid, user, cpuid_user, p);
}

/* ---- The MSR values, in kvm_msr_entry_add_vmx()'s order ---------------------- */

static void add(struct nvmx_qemu_plan *p, enum nvmx_msr_id id, uint64_t v)
{
	if (p->nwrites < NVMX_QEMU_MAX_WRITES) {
		p->writes[p->nwrites].index = nvmx_msr_index(id);
		p->writes[p->nwrites].value = v;
		p->nwrites++;
	}
}

static void build_writes(struct nvmx_qemu_plan *p, const struct nvmx_qwords *wd, uint64_t cpuid,
			 bool fred, const struct nvmx_msrs *feat, const struct nvmx_qemu_release *r)
{
	uint64_t exit = nvmx_qemu_control_msr(NVMX_QW_EXIT, (uint32_t)wd->w[NVMX_QW_EXIT]);
	if (cpuid & F(LM))
		exit |= EXIT_HOST_64 << 32;
	uint64_t ept = wd->w[NVMX_QW_EPT_VPID];
	if (wd->w[NVMX_QW_SECONDARY] & SEC_EPT)
		ept |= nvmx_msrs_get(feat, NVMX_EPT_VPID_CAP) & EPT_MEMTYPES;
	uint64_t vmcs_enum = 0x2e;
	if (r->vmcs_enum_fred && fred)
		vmcs_enum = 0x52;
	else if (r->vmcs_enum_fred && (wd->w[NVMX_QW_EXIT] & EXIT_SECONDARY))
		vmcs_enum = 0x44;
	else if (r->vmcs_enum_tsc && (wd->w[NVMX_QW_SECONDARY] & SEC_TSC_SCALE))
		vmcs_enum = 0x32;

	add(p, NVMX_TRUE_PROCBASED,
	    nvmx_qemu_control_msr(NVMX_QW_PROCBASED, (uint32_t)wd->w[NVMX_QW_PROCBASED]));
	add(p, NVMX_TRUE_PINBASED,
	    nvmx_qemu_control_msr(NVMX_QW_PINBASED, (uint32_t)wd->w[NVMX_QW_PINBASED]));
	add(p, NVMX_TRUE_EXIT, exit);
	add(p, NVMX_TRUE_ENTRY,
	    nvmx_qemu_control_msr(NVMX_QW_ENTRY, (uint32_t)wd->w[NVMX_QW_ENTRY]));
	add(p, NVMX_PROCBASED2,
	    nvmx_qemu_control_msr(NVMX_QW_SECONDARY, (uint32_t)wd->w[NVMX_QW_SECONDARY]));
	add(p, NVMX_EPT_VPID_CAP, ept);
	add(p, NVMX_BASIC, wd->w[NVMX_QW_BASIC] | (nvmx_msrs_get(feat, NVMX_BASIC) & BASIC_HOST));
	add(p, NVMX_MISC, wd->w[NVMX_QW_MISC] | (nvmx_msrs_get(feat, NVMX_MISC) & MISC_HOST));
	if (nvmx_msrs_has(feat, NVMX_VMFUNC))
		add(p, NVMX_VMFUNC, wd->w[NVMX_QW_VMFUNC]);
	add(p, NVMX_CR0_FIXED0, 0x80000021);
	add(p, NVMX_CR4_FIXED0, 0x2000);
	add(p, NVMX_VMCS_ENUM, vmcs_enum);
}

/* ---- The plan ------------------------------------------------------------------- */

void nvmx_qemu_plan(struct nvmx_qemu_plan *p, const struct nvmx_qemu_cpu *cpu,
		    const struct nvmx_qemu_host *host, const struct nvmx_qemu_release *r)
{
	*p = (struct nvmx_qemu_plan){ 0 };
	p->release = r;
	if (!host->kvm_ok) {
		p->stop = NVMX_QSTOP_NO_KVM;
		return;
	}

	struct nvmx_qwords wd = { { 0 } };
	uint64_t cpuid = 0;
	if (cpu->kind == NVMX_QCPU_NAMED)
		nvmx_qemu_model_resolve(cpu->model, cpu->version, &wd, &cpuid);
	if (!r->vmx_words)
		wd = (struct nvmx_qwords){ { 0 } };

	/* Properties in order (last one won while parsing), then +feat, then -feat. */
	uint64_t cpuid_user = cpu->cpuid_prop_mask | cpu->cpuid_plus | cpu->cpuid_minus;
	for (int w = 0; w < NVMX_QW_COUNT; w++) {
		p->user.w[w] = cpu->prop_mask.w[w] | cpu->plus.w[w] | cpu->minus.w[w];
		wd.w[w] = (wd.w[w] & ~cpu->prop_mask.w[w]) | (cpu->prop_val.w[w] & cpu->prop_mask.w[w]);
		wd.w[w] = (wd.w[w] | cpu->plus.w[w]) & ~cpu->minus.w[w];
	}
	cpuid = (cpuid & ~cpu->cpuid_prop_mask) | (cpu->cpuid_prop_val & cpu->cpuid_prop_mask);
	cpuid = (cpuid | cpu->cpuid_plus) & ~cpu->cpuid_minus;

	qemu_supported(host, r, &p->supported);
	if (cpu->kind != NVMX_QCPU_NAMED) {
		struct nvmx_qwords named;
		nvmx_qemu_named_bits(r, &named);
		for (int w = 0; w < NVMX_QW_COUNT; w++) {
			uint64_t more = p->supported.w[w] & ~p->user.w[w];
			if (w == NVMX_QW_BASIC)
				more &= ~BASIC_DUAL_MON;
			if (cpu->migratable)
				more &= named.w[w];
			wd.w[w] |= more;
		}
		cpuid |= host->cpuid & ~cpuid_user;
	}
	bool pmu = cpu->pmu < 0 ? cpu->kind != NVMX_QCPU_NAMED : cpu->pmu;
	p->pmu_version = pmu ? host->pmu_version : 0;

	/* FRED: the model (none has it), host/max from KVM, then the user's flags. */
	bool fred = cpu->kind != NVMX_QCPU_NAMED && host->fred && cpu->fred_prop < 0 &&
		    !cpu->fred_plus && !cpu->fred_minus;
	if (cpu->fred_prop >= 0)
		fred = cpu->fred_prop;
	fred = (fred || cpu->fred_plus) && !cpu->fred_minus;
	if (!(cpuid & F(LM)))
		fred = false;
	if (r->vmx_words)
		run_deps(r, &wd, &cpuid, &p->user, cpuid_user, p);
	p->requested = wd;
	p->fred_requested = fred;
	p->cpuid_requested = cpuid;

	bool any = false;
	for (int w = 0; w < NVMX_QW_COUNT; w++) {
		p->filtered.w[w] = wd.w[w] & ~p->supported.w[w];
		if (p->filtered.w[w] || p->dep_warned.w[w])
			any = true;
		if (!cpu->force_features)
			wd.w[w] &= ~p->filtered.w[w];
	}
	p->cpuid_filtered = cpuid & ~host->cpuid;
	p->fred_filtered = fred && !host->fred;
	if (p->cpuid_filtered || p->fred_filtered || p->cpuid_dep_warned)
		any = true;
	if (!cpu->force_features && p->fred_filtered)
		fred = false;
	p->fred = fred;
	if (!cpu->force_features)
		cpuid &= ~p->cpuid_filtered;
	p->words = wd;
	p->cpuid = cpuid;
	p->warn_filtered = cpu->check || cpu->enforce;
	if (cpu->enforce && any) {
		p->stop = NVMX_QSTOP_ENFORCE;
		return;
	}

	if (!r->vmx_words)
		p->skip = NVMX_QSKIP_QEMU_TOO_OLD;
	else if (!(cpuid & F(VMX)))
		p->skip = NVMX_QSKIP_NO_VMX;
	else if (!host->feature_list)
		p->skip = NVMX_QSKIP_NO_FEATURE_LIST;
	else if (r->basic_guard && !nvmx_msrs_get(&host->feat, NVMX_BASIC))
		p->skip = NVMX_QSKIP_BASIC_ZERO;
	else
		build_writes(p, &wd, cpuid, fred, &host->feat, r);
}

/* ---- What QEMU prints --------------------------------------------------------------- */

/* QEMU's FeatureWord order for the VMX words (its warnings follow it). */
static const enum nvmx_qword print_order[NVMX_QW_COUNT] = {
	NVMX_QW_PROCBASED, NVMX_QW_SECONDARY, NVMX_QW_PINBASED, NVMX_QW_EXIT, NVMX_QW_ENTRY,
	NVMX_QW_MISC, NVMX_QW_EPT_VPID, NVMX_QW_BASIC, NVMX_QW_VMFUNC,
};

/* CPUID flags in QEMU's word order: 1.EDX, 1.ECX, 7.EBX, 7.ECX, 7.EDX, 7.1.EAX, 8000_0001.EDX, 0xD.1. */
static const enum nvmx_feature cpuid_order[NVMX_F_COUNT] = {
	NVMX_F_VME, NVMX_F_DE, NVMX_F_PSE, NVMX_F_TSC, NVMX_F_PAE, NVMX_F_MCE, NVMX_F_PGE,
	NVMX_F_FXSR, NVMX_F_SSE,
	NVMX_F_VMX, NVMX_F_SMX, NVMX_F_PCID, NVMX_F_XSAVE, NVMX_F_RDRAND,
	NVMX_F_FSGSBASE, NVMX_F_SGX, NVMX_F_SMEP, NVMX_F_INVPCID, NVMX_F_MPX, NVMX_F_RDSEED,
	NVMX_F_SMAP,
	NVMX_F_UMIP, NVMX_F_PKU, NVMX_F_WAITPKG, NVMX_F_SHSTK, NVMX_F_LA57, NVMX_F_RDPID,
	NVMX_F_IBT, NVMX_F_LAM,
	NVMX_F_NX, NVMX_F_RDTSCP, NVMX_F_LM,
	NVMX_F_XSAVES,
};

#define PROG "qemu-system-x86_64: "

static void fmt_error_line(struct fmt *f, const struct nvmx_qemu_write *w)
{
	fmt_str(f, PROG "error: failed to set MSR ");
	fmt_hex(f, w->index);
	fmt_str(f, " to ");
	fmt_hex(f, w->value);
}

size_t nvmx_qemu_error_line(const struct nvmx_qemu_write *w, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	fmt_error_line(&f, w);
	return f.len;
}

/* Emit line number `want` of a sequence; *at counts the lines seen so far. */
struct emitter {
	unsigned want, at;
	struct fmt f;
	bool done;
};

static bool take(struct emitter *e)
{
	if (e->done)
		return false;
	if (e->at++ == e->want) {
		e->done = true;
		return true;
	}
	return false;
}

static void bit_lines(struct emitter *e, const struct nvmx_qemu_release *r,
		      const struct nvmx_qwords *bits, const char *prefix)
{
	for (int i = 0; i < NVMX_QW_COUNT && !e->done; i++) {
		enum nvmx_qword w = print_order[i];
		for (unsigned b = 0; b < 64 && !e->done; b++) {
			if (!((bits->w[w] >> b) & 1) || !take(e))
				continue;
			char d[96];
			nvmx_qemu_bit_describe(r, w, b, d, sizeof(d));
			fmt_str(&e->f, PROG "warning: ");
			fmt_str(&e->f, prefix);
			fmt_str(&e->f, ": ");
			fmt_str(&e->f, d);
		}
	}
}

size_t nvmx_qemu_message(const struct nvmx_qemu_plan *p, const struct nvmx_qemu_replay *rep,
			 unsigned i, char *buf, size_t n)
{
	struct emitter e = { i, 0, fmt_init(buf, n), false };
	const struct nvmx_qemu_release *r = p->release;
	if (p->stop == NVMX_QSTOP_NO_KVM) {
		if (take(&e))
			fmt_str(&e.f, "Could not access KVM kernel module: No such file or directory");
		if (take(&e))
			fmt_str(&e.f, PROG "failed to initialize kvm: No such file or directory");
		return e.f.len;
	}
	bit_lines(&e, r, &p->dep_warned,
		  "This feature depends on other features that were not requested");
	for (unsigned k = 0; k < NVMX_F_COUNT && !e.done; k++) {
		enum nvmx_feature f = cpuid_order[k];
		if (!(p->cpuid_dep_warned & NVMX_FEAT(f)) || !take(&e))
			continue;
		char d[64];
		nvmx_qemu_cpuid_describe(f, d, sizeof(d));
		fmt_str(&e.f, PROG "warning: This feature depends on other features that were not "
			      "requested: ");
		fmt_str(&e.f, d);
	}
	for (unsigned k = 0; k < NVMX_F_COUNT && !e.done && p->warn_filtered; k++) {
		enum nvmx_feature f = cpuid_order[k];
		if (!(p->cpuid_filtered & NVMX_FEAT(f)) || !take(&e))
			continue;
		char d[64];
		nvmx_qemu_cpuid_describe(f, d, sizeof(d));
		fmt_str(&e.f, PROG "warning: host doesn't support requested feature: ");
		fmt_str(&e.f, d);
	}
	if (p->warn_filtered && p->fred_filtered && take(&e))
		fmt_str(&e.f, PROG "warning: host doesn't support requested feature: "
			      "CPUID.07H:EAX.fred [bit 17]");
	if (p->warn_filtered)
		bit_lines(&e, r, &p->filtered, "host doesn't support requested feature");
	if (p->stop == NVMX_QSTOP_ENFORCE && take(&e))
		fmt_str(&e.f, PROG "Host doesn't support requested features");
	if (rep && rep->first >= 0 && (unsigned)rep->first < p->nwrites) {
		if (take(&e))
			fmt_error_line(&e.f, &p->writes[rep->first]);
		if (take(&e)) {
			fmt_str(&e.f, PROG);
			fmt_str(&e.f, r->assert_file);
			fmt_str(&e.f, ": kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' "
				      "failed.");
		}
	}
	return e.done ? (e.f.len ? e.f.len : 1) : 0;
}

/* ---- A model's own values (no host, nothing filtered) --------------------------------- */

bool nvmx_qemu_model_msr(const struct nvmx_qemu_model *m, unsigned v,
			 const struct nvmx_qemu_release *r, enum nvmx_msr_id id,
			 uint64_t *value, uint64_t *host_mask)
{
	*value = 0;
	*host_mask = 0;
	if (!r->vmx_words)
		return false;
	struct nvmx_qemu_plan p = { 0 };
	struct nvmx_qwords wd;
	uint64_t cpuid;
	nvmx_qemu_model_resolve(m, v, &wd, &cpuid);
	cpuid |= F(VMX);
	run_deps(r, &wd, &cpuid, 0, 0, 0);
	struct nvmx_msrs feat = { { 0 }, 0 };
	nvmx_msrs_set(&feat, NVMX_VMFUNC, 0);
	build_writes(&p, &wd, cpuid, false, &feat, r);
	for (unsigned i = 0; i < p.nwrites; i++) {
		if (p.writes[i].index != nvmx_msr_index(id))
			continue;
		*value = p.writes[i].value;
		*host_mask = id == NVMX_BASIC ? BASIC_HOST : id == NVMX_MISC ? MISC_HOST :
			     id == NVMX_EPT_VPID_CAP ? EPT_MEMTYPES : 0;
		return true;
	}
	return false;
}
