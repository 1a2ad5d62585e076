/* SPDX-License-Identifier: MIT */
/*
 * KVM_SET_MSRS rules per release, each stated from the kernel's restore
 * helpers (vmx_restore_control_msr, vmx_restore_vmx_basic,
 * vmx_restore_vmx_misc, vmx_restore_fixed0_msr, the EPT/VPID and VMFUNC
 * checks, the VMXON and immutable-MSR gates): the expectation of every
 * assertion is the rule, not the code under test.
 */
#include <stdlib.h>
#include <string.h>
#include "nvmx/nvmx.h"
#include "tap.h"

#define EINVAL_RC (-22)
#define EBUSY_RC (-16)

static struct nvmx_hostfile load(const char *name)
{
	static struct nvmx_hostfile hf;
	struct nvmx_diag d;
	char path[256];
	memset(&d, 0, sizeof(d));
	snprintf(path, sizeof(path), "data/hosts/%s", name);
	if (nvmx_hostfile_read(path, &hf, &d)) {
		printf("Bail out! %s: %s\n", path, d.error.msg);
		exit(1);
	}
	return hf;
}

static void kvm_on(struct nvmx_kvm *kvm, const struct nvmx_host *h, const char *rel)
{
	nvmx_kvm_load(kvm, h, nvmx_kernel_find(rel), NULL);
}

static int set(const struct nvmx_kvm *kvm, uint32_t idx, uint64_t v, struct nvmx_result *out)
{
	struct nvmx_vcpu vcpu;
	nvmx_vcpu_init(&vcpu, kvm, 0);
	struct nvmx_result r = nvmx_vcpu_set_msr(&vcpu, idx, v);
	if (out)
		*out = r;
	return r.rc;
}

static const char *const hosts[] = { "intel-core-i7-6700k.msrs", "intel-xeon-platinum-8180.msrs",
				     "intel-core2-x6800.msrs" };

static const uint32_t restorable[] = { 0x480, 0x485, 0x486, 0x488, 0x48a, 0x48b, 0x48c,
				       0x48d, 0x48e, 0x48f, 0x490, 0x491 };
static const uint32_t controls[] = { 0x48b, 0x48d, 0x48e, 0x48f, 0x490 };

/* Derived values restore; derived-only MSRs never do. */
static void derived_values(const struct nvmx_kvm *kvm, const char *tag)
{
	unsigned bad = 0;
	for (unsigned i = 0; i < sizeof(restorable) / 4; i++) {
		uint64_t v = nvmx_caps_read(&kvm->caps, (enum nvmx_msr_id)(restorable[i] - 0x480));
		bad += set(kvm, restorable[i], v, NULL) != 0;
	}
	tap_ok(!bad, "%s: all 12 derived restorable values accepted", tag);
	bad = 0;
	static const uint32_t never[] = { 0x481, 0x482, 0x483, 0x484, 0x487, 0x489 };
	for (unsigned i = 0; i < 6; i++) {
		uint64_t v = nvmx_caps_read(&kvm->caps, (enum nvmx_msr_id)(never[i] - 0x480));
		bad += set(kvm, never[i], v, NULL) != EINVAL_RC;
	}
	tap_ok(!bad, "%s: non-TRUE controls and CR0/CR4_FIXED1 rejected with -EINVAL", tag);
}

/* Control MSRs: must-be-1 bits kept, allowed-1 bits only dropped. */
static void control_flips(const struct nvmx_kvm *kvm, const char *tag)
{
	unsigned wrong = 0, checked = 0;
	for (unsigned c = 0; c < sizeof(controls) / 4; c++) {
		uint64_t n = nvmx_caps_read(&kvm->caps, (enum nvmx_msr_id)(controls[c] - 0x480));
		for (unsigned b = 0; b < 64; b++) {
			struct nvmx_result r;
			bool was = (n >> b) & 1, hi = b >= 32;
			int rc = set(kvm, controls[c], n ^ (UINT64_C(1) << b), &r);
			/* hi: clearing is a restriction, setting adds; lo: setting requires more. */
			bool want_ok = hi ? was : !was;
			checked++;
			if (want_ok != (rc == 0)) {
				wrong++;
				tap_diag("%s 0x%x bit %u: rc %d", tag, controls[c], b, rc);
			} else if (rc && hi && (r.reason != NVMX_R_ALLOWED1_ADDED ||
						r.bits != UINT64_C(1) << b)) {
				wrong++;
				tap_diag("%s 0x%x bit %u: reason %s bits %llx", tag, controls[c], b,
					 nvmx_reason_name(r.reason), (unsigned long long)r.bits);
			} else if (rc && !hi && r.reason != NVMX_R_MUST1_DROPPED) {
				wrong++;
			}
		}
	}
	tap_ok(!wrong, "%s: %u single-bit flips of the control MSRs follow the restrict-only rule",
	       tag, checked);
}

static void basic_misc_caps(const struct nvmx_kvm *kvm, const char *tag, bool bit56_feature)
{
	uint64_t b = nvmx_caps_read(&kvm->caps, NVMX_BASIC);
	tap_ok(set(kvm, 0x480, b + 1, NULL) == EINVAL_RC, "%s: BASIC revision id +1 rejected", tag);
	tap_ok(set(kvm, 0x480, (b & ~(UINT64_C(0x1fff) << 32)) | UINT64_C(0x800) << 32, NULL) ==
	       EINVAL_RC, "%s: BASIC VMCS size 0x800 (smaller) rejected", tag);
	tap_ok(set(kvm, 0x480, (b & ~(UINT64_C(0x1fff) << 32)) | UINT64_C(0x1008) << 32, NULL) == 0,
	       "%s: BASIC VMCS size 0x1008 (larger) accepted", tag);
	tap_ok(set(kvm, 0x480, b | UINT64_C(1) << 48, NULL) == EINVAL_RC,
	       "%s: BASIC bit 48 (32-bit addresses) rejected", tag);
	tap_ok(set(kvm, 0x480, b & ~(UINT64_C(1) << 55), NULL) == 0,
	       "%s: BASIC without TRUE controls (bit 55) accepted", tag);
	tap_ok(set(kvm, 0x480, (b & ~(UINT64_C(0xf) << 50)), NULL) == 0,
	       "%s: BASIC memory type is not checked", tag);
	tap_ok(set(kvm, 0x480, b | UINT64_C(1) << 63, NULL) == EINVAL_RC,
	       "%s: BASIC reserved bit 63 rejected", tag);
	int rc56 = set(kvm, 0x480, b | UINT64_C(1) << 56, NULL);
	tap_ok(bit56_feature ? rc56 == 0 : rc56 == EINVAL_RC,
	       "%s: BASIC bit 56 %s", tag, bit56_feature ? "accepted (offered)" : "rejected");

	uint64_t m = nvmx_caps_read(&kvm->caps, NVMX_MISC);
	tap_ok(set(kvm, 0x485, m + 1, NULL) == EINVAL_RC,
	       "%s: MISC timer rate +1 rejected while the timer is allowed", tag);
	tap_ok(set(kvm, 0x485, m | 1u << 16, NULL) == EINVAL_RC, "%s: MISC CR3-target count 1 rejected", tag);
	tap_ok(set(kvm, 0x485, m | UINT64_C(1) << 32, NULL) == EINVAL_RC, "%s: MISC MSEG revision rejected", tag);
	tap_ok(set(kvm, 0x485, m | 1u << 7, NULL) == EINVAL_RC,
	       "%s: MISC activity shutdown (bit 7, not offered) rejected", tag);
	tap_ok(set(kvm, 0x485, m & ~(1u << 6), NULL) == 0, "%s: MISC without activity HLT accepted", tag);

	/* Ordering: with the preemption timer dropped, any timer rate is accepted. */
	struct nvmx_vcpu v;
	nvmx_vcpu_init(&v, kvm, 0);
	uint64_t pin = nvmx_caps_read(&kvm->caps, NVMX_TRUE_PINBASED) & ~(UINT64_C(1) << 38);
	int r1 = nvmx_vcpu_set_msr(&v, 0x48d, pin).rc;
	int r2 = nvmx_vcpu_set_msr(&v, 0x485, m + 1).rc;
	tap_ok(r1 == 0 && r2 == 0, "%s: TRUE_PINBASED without the timer, then MISC rate +1: accepted", tag);

	uint64_t e = nvmx_caps_read(&kvm->caps, NVMX_EPT_VPID_CAP);
	tap_ok(set(kvm, 0x48c, e | 1u << 8, NULL) == EINVAL_RC,
	       "%s: EPT_VPID_CAP uncacheable EPTP (bit 8, never offered) rejected", tag);
	tap_ok(set(kvm, 0x48c, e & ~(1u << 21), NULL) == 0, "%s: EPT_VPID_CAP without A/D accepted", tag);
	tap_ok(set(kvm, 0x491, 2, NULL) == EINVAL_RC, "%s: VMFUNC bit 1 rejected", tag);
	tap_ok(set(kvm, 0x491, 0, NULL) == 0, "%s: VMFUNC 0 accepted", tag);
	tap_ok(set(kvm, 0x486, 0x80000020, NULL) == EINVAL_RC, "%s: CR0_FIXED0 without PE rejected", tag);
	tap_ok(set(kvm, 0x486, 0x80000023, NULL) == 0, "%s: CR0_FIXED0 requiring MP too accepted", tag);
	tap_ok(set(kvm, 0x488, 0, NULL) == EINVAL_RC, "%s: CR4_FIXED0 without VMXE rejected", tag);
	tap_ok(set(kvm, 0x48a, 0x3ff, NULL) == 0, "%s: VMCS_ENUM takes any value", tag);
}

/* VMXON, KVM_RUN and L2 gates. */
static void gates(const struct nvmx_kvm *kvm, const char *rel)
{
	struct nvmx_vcpu v;
	uint64_t b = nvmx_caps_read(&kvm->caps, NVMX_BASIC);
	uint64_t pin = nvmx_caps_read(&kvm->caps, NVMX_PINBASED);
	/* 6.4: immutable after KVM_RUN, same value ignored; 6.10: same value checked; 7.0: L2 too. */
	static const struct { const char *rel; bool freeze, same_checked, l2_frozen; } rules[] = {
		{ "5.10", 0, 0, 0 }, { "5.15", 0, 0, 0 }, { "5.19", 0, 0, 0 }, { "6.1", 0, 0, 0 },
		{ "6.6", 1, 0, 0 }, { "6.12", 1, 1, 0 }, { "6.18.2", 1, 1, 0 }, { "7.0", 1, 1, 1 },
		{ "7.1.3", 1, 1, 1 },
	};
	/* The gates are facts read for these nine releases only; other rows are skipped here. */
	unsigned ri = 0, nr = sizeof(rules) / sizeof(rules[0]);
	while (ri < nr && strcmp(rules[ri].rel, rel))
		ri++;
	if (ri == nr)
		return;
	bool freeze = rules[ri].freeze, same_checked = rules[ri].same_checked;
	bool l2_frozen = rules[ri].l2_frozen;

	nvmx_vcpu_init(&v, kvm, 0);
	v.state = NVMX_STATE_VMXON;
	tap_ok(nvmx_vcpu_set_msr(&v, 0x480, b).rc == EBUSY_RC, "%s: writes refused in VMX operation (-EBUSY)", rel);

	nvmx_vcpu_init(&v, kvm, 0);
	v.state = NVMX_STATE_HAS_RUN;
	int diff = nvmx_vcpu_set_msr(&v, 0x480, b & ~(UINT64_C(1) << 55)).rc;
	tap_ok(freeze ? diff == EINVAL_RC : diff == 0, "%s: a changed BASIC after KVM_RUN %s", rel,
	       freeze ? "refused" : "accepted");
	int same = nvmx_vcpu_set_msr(&v, 0x481, pin).rc;
	tap_ok(freeze && !same_checked ? same == 0 : same == EINVAL_RC,
	       "%s: the same non-TRUE value after KVM_RUN is %s", rel,
	       freeze && !same_checked ? "ignored" : "checked (and refused)");

	nvmx_vcpu_init(&v, kvm, 0);
	v.state = NVMX_STATE_GUEST_MODE | NVMX_STATE_VMXON;
	int gm = nvmx_vcpu_set_msr(&v, 0x480, b & ~(UINT64_C(1) << 55)).rc;
	tap_ok(gm == (l2_frozen ? EINVAL_RC : EBUSY_RC), "%s: a changed BASIC while L2 runs: %s", rel,
	       l2_frozen ? "immutable (-EINVAL)" : "-EBUSY");
}

/* <=5.19 check against the vCPU's values, 6.0+ against KVM's maximum. */
static void reference_set(const struct nvmx_host *h)
{
	static const struct { const char *rel; bool give_back; } cases[] = {
		{ "5.15", false }, { "5.19", false }, { "6.1", true }, { "7.0", true },
	};
	for (unsigned i = 0; i < 4; i++) {
		struct nvmx_kvm kvm;
		struct nvmx_vcpu v;
		kvm_on(&kvm, h, cases[i].rel);
		nvmx_vcpu_init(&v, &kvm, 0);
		uint64_t p2 = nvmx_caps_read(&kvm.caps, NVMX_PROCBASED2);
		int r1 = nvmx_vcpu_set_msr(&v, 0x48b, p2 & ~(UINT64_C(1) << 33)).rc;
		int r2 = nvmx_vcpu_set_msr(&v, 0x48b, p2).rc;
		tap_ok(r1 == 0 && (r2 == 0) == cases[i].give_back,
		       "%s: EPT dropped, then given back: %s", cases[i].rel,
		       cases[i].give_back ? "accepted" : "rejected");
	}
}

static void cpuid_rules(const struct nvmx_host *h)
{
	struct nvmx_kvm k519, k61, k70;
	struct nvmx_vcpu v;
	uint64_t val;
	kvm_on(&k519, h, "5.19");
	kvm_on(&k61, h, "6.1");
	kvm_on(&k70, h, "7.0");

	nvmx_vcpu_init(&v, &k61, 0);
	nvmx_vcpu_set_cpuid(&v, 0, 0);
	struct nvmx_result r = nvmx_vcpu_set_msr(&v, 0x480, nvmx_caps_read(&k61.caps, NVMX_BASIC));
	tap_ok(r.rc == 1 && r.reason == NVMX_R_NO_VMX_CPUID, "guest CPUID without VMX: write fails");
	tap_ok(nvmx_vcpu_get_msr(&v, 0x480, false, &val).rc == 1, "guest CPUID without VMX: read fails");

	nvmx_vcpu_init(&v, &k61, 0);
	nvmx_vcpu_set_cpuid(&v, NVMX_FEAT(NVMX_F_VMX), 0);
	nvmx_vcpu_get_msr(&v, 0x489, false, &val);
	tap_eq64(val, 0x2100, "CR4_FIXED1 with only VMX in CPUID: PCE and VMXE");
	nvmx_vcpu_get_msr(&v, 0x487, false, &val);
	tap_eq64(val, 0xffffffff, "CR0_FIXED1 after KVM_SET_CPUID2");

	/* <=5.19: PMU v1 clears the PERF_GLOBAL_CTRL loads from V; writing N back fails there only. */
	uint64_t exit519 = nvmx_caps_read(&k519.caps, NVMX_TRUE_EXIT);
	nvmx_vcpu_init(&v, &k519, 0);
	nvmx_vcpu_set_cpuid(&v, NVMX_FEAT(NVMX_F_VMX), 1);
	nvmx_vcpu_get_msr(&v, 0x48f, false, &val);
	tap_ok(!(val >> 44 & 1), "5.19: PMU version 1 clears load PERF_GLOBAL_CTRL from TRUE_EXIT");
	tap_ok(nvmx_vcpu_set_msr(&v, 0x48f, exit519).rc == (exit519 >> 44 & 1 ? EINVAL_RC : 0),
	       "5.19: the system-wide TRUE_EXIT is then checked against the vCPU's value");
	nvmx_vcpu_init(&v, &k61, 0);
	nvmx_vcpu_set_cpuid(&v, NVMX_FEAT(NVMX_F_VMX), 1);
	tap_ok(nvmx_vcpu_set_msr(&v, 0x48f, nvmx_caps_read(&k61.caps, NVMX_TRUE_EXIT)).rc == 0,
	       "6.1: no PMU tweak, and writes are checked against KVM's maximum");

	nvmx_vcpu_init(&v, &k70, 0x100);
	nvmx_vcpu_get_msr(&v, 0x480, false, &val);
	tap_eq64(val, 0, "7.0 without KVM_X86_QUIRK_STUFF_FEATURE_MSRS: a fresh vCPU's BASIC is 0");
}

static void evmcs_reads(void)
{
	struct nvmx_hostfile hf = load("intel-xeon-platinum-8180.msrs");
	static const struct { const char *rel; bool true_pin_filtered; } rows[] = {
		{ "5.15", false }, { "5.19", true }, { "6.1", true }, { "7.0", true },
	};
	for (unsigned i = 0; i < 4; i++) {
		struct nvmx_kvm kvm;
		struct nvmx_vcpu v;
		uint64_t host, guest, tp;
		kvm_on(&kvm, &hf.host, rows[i].rel);
		nvmx_vcpu_init(&v, &kvm, 0);
		v.state = NVMX_STATE_EVMCS;
		nvmx_vcpu_get_msr(&v, 0x48b, false, &host);
		nvmx_vcpu_get_msr(&v, 0x48b, true, &guest);
		tap_ok((host >> 57 & 1) && !(guest >> 57 & 1),
		       "%s: an eVMCS L1 does not see TSC scaling; KVM_GET_MSRS does", rows[i].rel);
		nvmx_vcpu_get_msr(&v, 0x48d, true, &tp);
		tap_ok(!(tp >> 39 & 1) == rows[i].true_pin_filtered,
		       "%s: eVMCS L1's TRUE_PINBASED posted interrupts %s", rows[i].rel,
		       rows[i].true_pin_filtered ? "filtered" : "not filtered");
	}
	struct nvmx_kvm kvm;
	struct nvmx_vcpu v;
	uint64_t x;
	kvm_on(&kvm, &hf.host, "6.1");
	nvmx_vcpu_init(&v, &kvm, 0);
	v.state = NVMX_STATE_EVMCS;
	nvmx_vcpu_get_msr(&v, 0x48f, true, &x);
	tap_ok(!(x >> 44 & 1), "6.1: eVMCS L1 without EVMCS1_PERF_GLOBAL_CTRL loses the load control");
	v.state = NVMX_STATE_EVMCS | NVMX_STATE_EVMCS_PGC;
	nvmx_vcpu_get_msr(&v, 0x48f, true, &x);
	tap_ok(x >> 44 & 1, "6.1: with EVMCS1_PERF_GLOBAL_CTRL it keeps it");
}

/* The revoke list: a 5.19 value carrying ENCLS exiting on a host without SGX, restored by 6.1. */
static void revoke_policies(void)
{
	struct nvmx_hostfile hf = load("centaur-es-cns-0040672.msrs");
	struct nvmx_kvm old, dst;
	struct nvmx_revoke rl;
	struct nvmx_vcpu v;
	uint64_t g, h;
	kvm_on(&old, &hf.host, "5.19");
	kvm_on(&dst, &hf.host, "6.1");
	uint64_t p2 = nvmx_caps_read(&old.caps, NVMX_PROCBASED2);
	tap_ok(p2 >> 47 & 1, "5.19 offers ENCLS exiting on a host without SGX (sgx=1)");
	tap_ok(set(&dst, 0x48b, p2, NULL) == EINVAL_RC, "strict 6.1 rejects it");
	unsigned n = nvmx_revoke_compute(&rl, &hf.host, dst.kernel, &dst.params, NULL);
	tap_ok(n >= 1 && (rl.hi[NVMX_PROCBASED2] >> 15 & 1), "6.1's revoke list has ENCLS exiting");
	bool by519 = false, by61 = false;
	for (unsigned k = 0; k < nvmx_kernel_count(); k++) {
		if (!strcmp(nvmx_kernel_name(nvmx_kernel_at(k)), "5.19"))
			by519 = nvmx_revoke_offered_by(&rl, NVMX_PROCBASED2, 15, k);
		if (!strcmp(nvmx_kernel_name(nvmx_kernel_at(k)), "6.1"))
			by61 = nvmx_revoke_offered_by(&rl, NVMX_PROCBASED2, 15, k);
	}
	tap_ok(by519 && !by61, "... offered by 5.19 (not by 6.1 itself)");

	nvmx_vcpu_init(&v, &dst, 0);
	v.policy = NVMX_POLICY_REVOKE_KEEP;
	v.revoke = &rl;
	struct nvmx_result r = nvmx_vcpu_set_msr(&v, 0x48b, p2);
	nvmx_vcpu_get_msr(&v, 0x48b, true, &g);
	tap_ok(r.rc == 0 && r.revoked == 1u << 15 && (g >> 47 & 1),
	       "revoke-keep accepts it and L1 still sees ENCLS exiting");
	nvmx_vcpu_init(&v, &dst, 0);
	v.policy = NVMX_POLICY_REVOKE_CLEAR;
	v.revoke = &rl;
	r = nvmx_vcpu_set_msr(&v, 0x48b, p2);
	nvmx_vcpu_get_msr(&v, 0x48b, true, &g);
	nvmx_vcpu_get_msr(&v, 0x48b, false, &h);
	tap_ok(r.rc == 0 && !(g >> 47 & 1) && (h >> 47 & 1),
	       "revoke-clear accepts it, hides it from L1, keeps it for the next migration");
	nvmx_vcpu_init(&v, &dst, 0);
	v.policy = NVMX_POLICY_REVOKE_KEEP;
	v.revoke = &rl;
	tap_ok(nvmx_vcpu_set_msr(&v, 0x48b, p2 | UINT64_C(1) << 63).rc == EINVAL_RC,
	       "a bit on no revoke list is still rejected under revoke-keep");
}

static void describe(void)
{
	struct nvmx_hostfile hf = load("intel-core-i7-6700k.msrs");
	struct nvmx_kvm kvm;
	struct nvmx_result r;
	char buf[512];
	kvm_on(&kvm, &hf.host, "6.1");
	uint64_t p2 = nvmx_caps_read(&kvm.caps, NVMX_PROCBASED2);
	set(&kvm, 0x48b, p2 | UINT64_C(1) << 57, &r);
	nvmx_result_describe(&r, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "IA32_VMX_PROCBASED_CTLS2: allowed-1 bit 25 SECONDARY_EXEC_TSC_SCALING "
			    "(vmx-tsc-scaling) is set but this KVM does not offer it"),
	       "a rejection names the MSR, the half, the bit, Linux and QEMU names: %s", buf);
}

int main(void)
{
	for (unsigned hidx = 0; hidx < sizeof(hosts) / sizeof(hosts[0]); hidx++) {
		struct nvmx_hostfile hf = load(hosts[hidx]);
		/* Every row the library has, so a new row is covered without editing this list. */
		for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
			struct nvmx_kvm kvm;
			char tag[128];
			const char *rel = nvmx_kernel_name(nvmx_kernel_at(i));
			kvm_on(&kvm, &hf.host, rel);
			snprintf(tag, sizeof(tag), "%s on %s", rel, hosts[hidx]);
			/* A distribution row may leave nested off by default on an old CPU
			 * (RHEL 8: only with EPT and VMCS shadowing); upstream rows must nest. */
			bool distro = nvmx_kernel_distro(nvmx_kernel_at(i)) != NULL;
			if (!tap_ok(kvm.status == NVMX_LOAD_OK && (kvm.nested || distro), "%s: KVM loads%s",
				    tag, kvm.nested ? "" : ", nested off by the distribution's default"))
				continue;
			if (!kvm.nested)
				continue;
			derived_values(&kvm, tag);
			control_flips(&kvm, tag);
			bool bit56 = nvmx_caps_read(&kvm.caps, NVMX_BASIC) >> 56 & 1;
			basic_misc_caps(&kvm, tag, bit56);
			if (hidx == 0)
				gates(&kvm, rel);
		}
	}
	struct nvmx_hostfile hf = load("intel-core-i7-6700k.msrs");
	reference_set(&hf.host);
	cpuid_rules(&hf.host);
	evmcs_reads();
	revoke_policies();
	describe();
	return tap_done();
}
