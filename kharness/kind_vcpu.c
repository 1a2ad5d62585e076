// SPDX-License-Identifier: GPL-2.0-only
/*
 * kind vcpu: one fresh vCPU after loading kvm_intel, then host-initiated
 * writes (KVM_SET_MSRS) of nested VMX MSRs, in order, each checked by the
 * tree's vmx_set_vmx_msr; a refused write changes nothing and the next one
 * proceeds. Serves DATA.md's restore and cross kinds (kcases.py names the
 * lines). Input: `arg write 0xINDEX 0xVALUE` lines. Output: the load fields
 * of kh_case_load(), `writes` [{index, value, accepted}], `final` (each
 * written index, read back as KVM_GET_MSRS does: vmx_get_vmx_msr on the
 * vCPU's values) and `vcpu` (every VMX MSR of the vCPU after the writes).
 * With `env guest_cpuid SPEC` (and `pmu_version N`) the vCPU first gets that
 * CPUID through the tree's vmx_vcpu_after_set_cpuid (`after_set_cpuid`: its
 * MSRs right after); with `arg reads`, `reads` has what KVM_GET_MSRS and L1's
 * RDMSR (eVMCS off / on / with PERF_GLOBAL_CTRL) return after the writes.
 *
 * The fresh vCPU: vmx_create_vcpu() (5.10/5.15) and __vmx_vcpu_reset() (5.19+)
 * copy the system-wide nested MSRs into the vCPU when `nested` is on (6.13+:
 * only with KVM_X86_QUIRK_STUFF_FEATURE_MSRS, on by default); that copy is the
 * one thing those functions do to the nested MSRs, so it is done here
 * (kh_vcpu_reset) rather than by compiling their VMCS set-up.
 */

static struct vcpu_vmx kh_vmx;

static void kh_vcpu_reset(struct vcpu_vmx *vmx, bool stuff_feature_msrs)
{
	memset(vmx, 0, sizeof(*vmx));
	if (nested && stuff_feature_msrs)
		memcpy(&vmx->nested.msrs, KH_NESTED_MSRS, sizeof(vmx->nested.msrs));
}

/* ---- the guest CPUID (KVM_SET_CPUID2), for the cpuid and guestread kinds ---- */

#define KH_MAX_CPUID 16
static struct kvm_cpuid_entry2 kh_cpuid[KH_MAX_CPUID];
static struct kvm kh_vm;
static struct kvm_vcpu_hv kh_hv;

/*
 * The CPUID leaf, subleaf and register of each hardware-defined word of
 * cpufeatures.h (its comments name them: "CPUID level 0x00000007:0 (EBX),
 * word 9", ...); Linux-defined words have none. Word numbers are those of
 * 5.10 to 6.19; 7.0 reuses word 17 for a Linux-defined one.
 */
static bool kh_word_cpuid(unsigned int word, u32 *fn, u32 *idx, int *reg)
{
	static const struct { unsigned int word; u32 fn, idx; int reg; } t[] = {
		{ 0, 1, 0, 3 }, { 1, 0x80000001, 0, 3 }, { 4, 1, 0, 2 }, { 6, 0x80000001, 0, 2 },
		{ 9, 7, 0, 1 }, { 10, 0xd, 1, 0 }, { 12, 7, 1, 0 }, { 13, 0x80000008, 0, 1 },
		{ 14, 6, 0, 0 }, { 16, 7, 0, 2 },
#if KH_LAYOUT < 700
		{ 17, 0x80000007, 0, 1 },
#endif
		{ 18, 7, 0, 3 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].word == word) {
			*fn = t[i].fn;
			*idx = t[i].idx;
			*reg = t[i].reg;
			return true;
		}
	return false;
}

/* the kernel's cpuid_entry2_find(): a subleaf only counts where KVM marks it significant */
struct kvm_cpuid_entry2 *kh_find_cpuid(struct kvm_vcpu *vcpu, u32 function, u32 index)
{
	for (int i = 0; i < vcpu->arch.cpuid_nent; i++) {
		struct kvm_cpuid_entry2 *e = &vcpu->arch.cpuid_entries[i];
		if (e->function != function)
			continue;
		if (index == KH_ANY_INDEX || !(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index)
			return e;
	}
	return NULL;
}

static u32 *kh_cpuid_reg(struct kvm_cpuid_entry2 *e, int reg)
{
	return reg == 0 ? &e->eax : reg == 1 ? &e->ebx : reg == 2 ? &e->ecx : &e->edx;
}

bool kh_guest_cpuid_has(struct kvm_vcpu *vcpu, unsigned int f)
{
	u32 fn, idx;
	int reg;
	if (!kh_word_cpuid(f / 32, &fn, &idx, &reg))
		return false;
	struct kvm_cpuid_entry2 *e = kh_find_cpuid(vcpu, fn, idx);
	return e && (*kh_cpuid_reg(e, reg) >> (f % 32) & 1);
}

/* 5.10 clears INVPCID from the guest's CPUID where the host cannot do it */
void kh_guest_cpuid_clear(struct kvm_vcpu *vcpu, unsigned int f)
{
	u32 fn, idx;
	int reg;
	if (!kh_word_cpuid(f / 32, &fn, &idx, &reg))
		return;
	struct kvm_cpuid_entry2 *e = kh_find_cpuid(vcpu, fn, idx);
	if (e)
		*kh_cpuid_reg(e, reg) &= ~(1u << (f % 32));
}

static struct kvm_cpuid_entry2 *kh_cpuid_entry(struct kvm_vcpu *vcpu, u32 fn, u32 idx)
{
	struct kvm_cpuid_entry2 *e = kh_find_cpuid(vcpu, fn, idx);
	if (e || vcpu->arch.cpuid_nent >= KH_MAX_CPUID)
		return e;
	e = &vcpu->arch.cpuid_entries[vcpu->arch.cpuid_nent++];
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = idx;
	/* the leaves with subleaves: 7 and 0xd (KVM marks their index significant) */
	if (fn == 7 || fn == 0xd)
		e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	return e;
}

static bool kh_cpuid_flag(struct kvm_vcpu *vcpu, const char *name, bool on)
{
	for (const struct kh_feature *f = kh_features; f->name; f++) {
		if (strcmp(f->name, name))
			continue;
		u32 fn, idx;
		int reg;
		if (!kh_word_cpuid(f->bit / 32, &fn, &idx, &reg))
			return true;	/* a Linux-defined flag: no CPUID bit to place */
		u32 *r = kh_cpuid_reg(kh_cpuid_entry(vcpu, fn, idx), reg);
		if (on)
			*r |= 1u << (f->bit % 32);
		else
			*r &= ~(1u << (f->bit % 32));
		return true;
	}
	return false;	/* a name this tree has no X86_FEATURE_* for */
}

/*
 * The table a VMM passes to KVM_SET_CPUID2 (DATA.md "Guest CPUID"):
 * /proc/cpuinfo flag names at their CPUID bits (`host`: the dump's list,
 * `none`: only vmx, then `,+flag`/`,-flag`), leaf 1 EAX the host's
 * signature, leaf 0xA EAX the architectural PMU version (no leaf for 0).
 */
static void kh_guest_cpuid(struct kvm_vcpu *vcpu, const char *spec, int pmu_version)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", spec);
	vcpu->arch.cpuid_entries = kh_cpuid;
	vcpu->arch.cpuid_nent = 0;
	kh_cpuid_entry(vcpu, 1, 0)->eax = kh_cpuid_eax(1);
	for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
		if (!strcmp(t, "host")) {
			for (int i = 0; i < kh_host.nfeatures; i++)
				kh_cpuid_flag(vcpu, kh_host.features[i], true);
		} else if (!strcmp(t, "none")) {
			kh_cpuid_flag(vcpu, "vmx", true);
		} else if (*t == '+' || *t == '-') {
			kh_cpuid_flag(vcpu, t + 1, *t == '+');
		}
	}
	if (pmu_version > 0)
		kh_cpuid_entry(vcpu, 0xa, 0)->eax = (u32)pmu_version;
}

/*
 * vmx_get_msr()'s case for the VMX MSRs (0x480..0x491), which is all of
 * vmx_get_msr() a read of them reaches: the vCPU must be allowed VMX, the
 * value is vmx_get_vmx_msr() on the vCPU's MSRs, and a guest (not host-
 * initiated) read is filtered when L1 enabled eVMCS. The tests and the filter
 * are the tree's own functions.
 */
/* the vPMU, as far as the nested controls ask (5.x; see kh_vcpu.h) */
bool intel_is_valid_msr(struct kvm_vcpu *vcpu, u32 msr)
{
	return msr == MSR_CORE_PERF_GLOBAL_CTRL && vcpu->arch.kh_pmu_version > 1;
}
static struct kh_pmu_ops kh_intel_pmu_ops = { .is_valid_msr = intel_is_valid_msr };
struct kh_vcpu_x86_ops kh_x86_ops = { .pmu_ops = &kh_intel_pmu_ops };

/*
 * kvm_pmu_refresh() -> intel_pmu_refresh() up to its call into the nested
 * MSRs (5.x; 6.0+ no longer touch them): nothing without a leaf 0xA (5.19:
 * or with the VM's PMU disabled), the version from its EAX, nothing for
 * version 0, then the tree's nested_vmx_pmu_entry_exit_ctls_update() /
 * nested_vmx_pmu_refresh(). Runs before the vendor after-CPUID hook, as
 * kvm_vcpu_after_set_cpuid() calls them.
 */
static void kh_pmu_refresh(struct kvm_vcpu *vcpu)
{
#if KH_LAYOUT < 600 && KH_LAYOUT >= 510	/* 5.4's vPMU leaves the nested MSRs alone */
	struct kvm_cpuid_entry2 *e = kvm_find_cpuid_entry(vcpu, 0xa, 0);
	vcpu->arch.kh_pmu_version = 0;
#if KH_LAYOUT >= 519
	if (!e || !enable_pmu)
		return;
#else
	if (!e)
		return;
#endif
	vcpu->arch.kh_pmu_version = e->eax & 0xff;
	if (!vcpu->arch.kh_pmu_version)
		return;
#ifdef KH_HAS_nested_vmx_pmu_refresh
	nested_vmx_pmu_refresh(vcpu, intel_is_valid_msr(vcpu, MSR_CORE_PERF_GLOBAL_CTRL));
#else
	nested_vmx_pmu_entry_exit_ctls_update(vcpu);
#endif
#else
	(void)vcpu;
#endif
}

/*
 * 6.14+'s kvm_vcpu_after_set_cpuid() starts by computing the vCPU's
 * capabilities: for each hardware-defined word whose leaf the guest CPUID
 * has, KVM's supported CPUID plus what it emulates for that leaf
 * (cpuid_func_emulated(), the tree's), within the guest's bits.
 */
static void kh_vcpu_caps(struct kvm_vcpu *vcpu)
{
#if KH_LAYOUT >= 614
	memset(vcpu->arch.cpu_caps, 0, sizeof(vcpu->arch.cpu_caps));
	for (unsigned int w = 0; w < 32; w++) {
		u32 fn, idx;
		int reg;
		if (!kh_word_cpuid(w, &fn, &idx, &reg))
			continue;
		struct kvm_cpuid_entry2 *e = kh_find_cpuid(vcpu, fn, idx), emulated;
		if (!e)
			continue;
		cpuid_func_emulated(&emulated, fn, true);
		u32 kvm = 0;
		for (unsigned int b = 0; b < 32; b++)
			if (kvm_cpu_cap_has(w * 32 + b))
				kvm |= 1u << b;
		vcpu->arch.cpu_caps[w] = (kvm | *kh_cpuid_reg(&emulated, reg)) & *kh_cpuid_reg(e, reg);
	}
#else
	(void)vcpu;
#endif
}

/* the "vCPU may use VMX" test of vmx_get_msr()/vmx_set_msr() */
static bool kh_vmx_allowed(struct kvm_vcpu *vcpu)
{
#if KH_LAYOUT >= 614
	return guest_cpu_cap_has(vcpu, X86_FEATURE_VMX);
#elif defined(KH_HAS_nested_vmx_allowed)
	return nested_vmx_allowed(vcpu);	/* up to 6.5 */
#elif KH_LAYOUT >= 606
	return guest_can_use(vcpu, X86_FEATURE_VMX);
#else
	return nested_vmx_allowed(vcpu);
#endif
}

static int kh_read_vmx_msr(struct kvm_vcpu *vcpu, u32 idx, u64 *data, bool host_initiated)
{
	if (!kh_vmx_allowed(vcpu))
		return 1;
	if (vmx_get_vmx_msr(&to_vmx(vcpu)->nested.msrs, idx, data))
		return 1;
#if KH_LAYOUT == 504
	(void)host_initiated;	/* no read filter: nested_enable_evmcs() cut the vCPU's MSRs */
#elif KH_LAYOUT <= 600
	if (!host_initiated && to_vmx(vcpu)->nested.enlightened_vmcs_enabled)
		nested_evmcs_filter_control_msr(idx, data);
#elif KH_LAYOUT >= 614
	if (!host_initiated && guest_cpu_cap_has_evmcs(vcpu))
		nested_evmcs_filter_control_msr(vcpu, idx, data);
#else
	if (!host_initiated && guest_cpuid_has_evmcs(vcpu))
		nested_evmcs_filter_control_msr(vcpu, idx, data);
#endif
	return 0;
}

static void kh_json_reads(const char *k, struct kvm_vcpu *vcpu, bool host_initiated)
{
	kh_json_open(k);
	for (u32 idx = 0x480; idx <= 0x491; idx++) {
		char key[8];
		u64 v = 0;
		snprintf(key, sizeof(key), "0x%x", idx);
		if (kh_read_vmx_msr(vcpu, idx, &v, host_initiated))
			kh_json_null(key);
		else
			kh_json_hex64(key, v);
	}
	kh_json_close();
}

/* every VMX MSR the tree's vmx_get_vmx_msr answers, from one MSR set */
static void kh_json_vmx_msrs(const char *k, struct nested_vmx_msrs *msrs)
{
	kh_json_nested(k, msrs);
}

static int kind_vcpu(const struct kh_case *c)
{
	int rc = kh_case_load(c);
	bool have = rc == 0 && nested;
	const char *spec = kh_env(c, "guest_cpuid");
	const char *pmu = kh_env(c, "pmu_version");
	bool reads = false;
	u32 idx[KH_MAX_EXTRA];
	u64 val[KH_MAX_EXTRA];
	int nw = 0;

	for (int i = 0; i < c->nextra; i++) {
		unsigned long long a, b;
		if (sscanf(c->extra[i], "write %llx %llx", &a, &b) == 2) {
			idx[nw] = (u32)a;
			val[nw++] = b;
		} else if (!strcmp(c->extra[i], "reads")) {
			reads = true;
		} else {
			fprintf(stderr, "kharness: %s: arg '%s' is not `write 0xINDEX 0xVALUE` or `reads`\n",
				c->name, c->extra[i]);
			exit(5);
		}
	}
#ifndef KH_HAS_vmx_vcpu_after_set_cpuid
	if (spec || reads) {
		fprintf(stderr, "kharness: %s: KVM_SET_CPUID2 and guest reads are not in this layout's recipe\n",
			c->name);
		exit(5);
	}
#endif
	/* the system-wide values (KVM_GET_MSRS on /dev/kvm), for the guestread lines */
	if (have)
		kh_json_nested("nested", KH_NESTED_MSRS);
	else
		kh_json_null("nested");
	struct kvm_vcpu *vcpu = &kh_vmx.vcpu;
	const char *quirks = kh_env(c, "disable_quirks");
	kh_vm.arch.disabled_quirks = quirks ? strtoull(quirks, NULL, 0) : 0;
	if (have) {
#ifdef KVM_X86_QUIRK_STUFF_FEATURE_MSRS
		kh_vcpu_reset(&kh_vmx, kvm_check_has_quirk(&kh_vm, KVM_X86_QUIRK_STUFF_FEATURE_MSRS));
#else
		kh_vcpu_reset(&kh_vmx, true);
#endif
		vcpu->kvm = &kh_vm;
		vcpu->arch.hyperv = &kh_hv;
		kh_vmx.vpid = enable_vpid ? 1 : 0;	/* allocate_vpid() gives 0 without VPID */
	}
	if (spec) {
		if (have) {
			kh_guest_cpuid(vcpu, spec, pmu ? atoi(pmu) : 0);
#ifdef KH_HAS_vmx_vcpu_after_set_cpuid
			/* KVM_SET_CPUID2: kvm_vcpu_after_set_cpuid()'s vPMU refresh, then its vendor part */
			kh_vcpu_caps(vcpu);
			kh_pmu_refresh(vcpu);
			vmx_vcpu_after_set_cpuid(vcpu);
#endif
			kh_json_vmx_msrs("after_set_cpuid", &kh_vmx.nested.msrs);
		} else {
			kh_json_null("after_set_cpuid");
		}
	}

#if KH_LAYOUT == 504
	struct nested_vmx_msrs kh_before_writes = kh_vmx.nested.msrs;	/* for the l1_evmcs reads */
#endif
	kh_json_key("writes");
	putchar('[');
	kh_json_first = true;
	for (int i = 0; i < nw; i++) {
		/* host-initiated, on a vCPU not in VMX operation; with a guest CPUID it must
		 * first be allowed VMX (vmx_set_msr), without one DATA.md assumes it is */
		int ret = 1;	/* KVM_SET_MSRS stops at a write vmx_set_msr refuses */
		if (have)
			ret = 0;
#ifdef KH_HAS_vmx_vcpu_after_set_cpuid
		if (have && spec && !kh_vmx_allowed(vcpu))
			ret = 1;
#endif
		if (have && ret == 0)
			ret = vmx_set_vmx_msr(vcpu, idx[i], val[i]);
		bool ok = ret == 0;
		char key[8];
		snprintf(key, sizeof(key), "0x%x", idx[i]);
		kh_json_open(NULL);
		kh_json_key("index");
		kh_json_str(key);
		kh_json_hex64("value", val[i]);
		kh_json_bool("accepted", ok);
		kh_json_int("ret", ret);
		kh_json_close();
	}
	putchar(']');
	kh_json_first = false;

	kh_json_open("final");
	for (int i = 0; have && i < nw; i++) {
		bool seen = false;
		for (int j = 0; j < i; j++)
			seen |= idx[j] == idx[i];
		u64 v;
		if (seen || vmx_get_vmx_msr(&kh_vmx.nested.msrs, idx[i], &v))
			continue;
		char key[8];
		snprintf(key, sizeof(key), "0x%x", idx[i]);
		kh_json_hex64(key, v);
	}
	kh_json_close();
	if (have)
		kh_json_vmx_msrs("vcpu", &kh_vmx.nested.msrs);
	else
		kh_json_null("vcpu");
#ifdef KH_HAS_vmx_vcpu_after_set_cpuid
	if (reads && have) {
		/* DATA.md: host = KVM_GET_MSRS; l1 = RDMSR, eVMCS off; l1_evmcs = L1 enabled
		 * eVMCS (Hyper-V CPUID leaves, KVM_CAP_HYPERV_ENLIGHTENED_VMCS); l1_evmcs_pgc =
		 * and the Hyper-V nested features advertise EVMCS1_PERF_GLOBAL_CTRL */
		kh_json_open("reads");
		kh_json_reads("host", vcpu, true);
		kh_json_reads("l1", vcpu, false);
		vcpu->arch.hyperv_enabled = true;
#if KH_LAYOUT == 504
		/*
		 * 5.4: KVM_CAP_HYPERV_ENLIGHTENED_VMCS runs the tree's nested_enable_evmcs(),
		 * which cuts the vCPU's own control MSRs, so the order matters: as QEMU
		 * (hv-evmcs enabled at vCPU creation), eVMCS is enabled on the vCPU as it
		 * was before the writes, and the writes are made again; the vCPU is put
		 * back afterwards.
		 */
		struct nested_vmx_msrs kh_saved = kh_vmx.nested.msrs;
		kh_vmx.nested.msrs = kh_before_writes;
		nested_enable_evmcs(vcpu, NULL);
		for (int i = 0; i < nw; i++)
			if (!(spec && !kh_vmx_allowed(vcpu)))
				vmx_set_vmx_msr(vcpu, idx[i], val[i]);
#else
		kh_vmx.nested.enlightened_vmcs_enabled = true;
#endif
		kh_hv.cpuid_cache.nested_ebx = 0;
		kh_json_reads("l1_evmcs", vcpu, false);
#if KH_LAYOUT == 504
		kh_vmx.nested.msrs = kh_saved;
		kh_vmx.nested.enlightened_vmcs_enabled = false;
#endif
#if KH_LAYOUT >= 601
		kh_hv.cpuid_cache.nested_ebx = HV_X64_NESTED_EVMCS1_PERF_GLOBAL_CTRL;
		kh_json_reads("l1_evmcs_pgc", vcpu, false);
#endif
		vcpu->arch.hyperv_enabled = false;
		kh_vmx.nested.enlightened_vmcs_enabled = false;
		kh_json_close();
	} else if (reads) {
		kh_json_null("reads");
	}
#endif
	kh_json_log("kernel_log");
	return 0;
}
