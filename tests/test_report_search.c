/* SPDX-License-Identifier: MIT */
/*
 * nvmx_would_fail: each difference it lists must really turn an accepted
 * write (or an offered feature) into a failure, checked here against the
 * restore model directly and against kernel facts stated in the comments.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "nvmx/io.h"
#include "nvmx/report.h"
#include "nvmx/qemu.h"

static const char *dir(void)
{
	const char *d = getenv("NVMX_DATA");
	return d && *d ? d : "data/hosts";
}

static bool load(const char *name, struct nvmx_hostfile *hf)
{
	char path[512];
	struct nvmx_diag d;
	snprintf(path, sizeof(path), "%s/%s", dir(), name);
	return nvmx_hostfile_read(path, hf, &d) == 0;
}

/*
 * The entry whose key is key, or, for an outer hypervisor's entry folding
 * several bits ("host-hides:a,b"), the entry listing key's bit.
 */
static const struct nvmx_env_change *find(const struct nvmx_would_fail *wf, const char *key)
{
	char k[512];
	const char *pfx = "host-hides:";
	size_t pl = strlen(pfx);
	for (unsigned i = 0; i < wf->n; i++) {
		nvmx_env_change_key(&wf->c[i], k, sizeof(k));
		if (!strcmp(k, key))
			return &wf->c[i];
		if (strncmp(k, pfx, pl) || strncmp(key, pfx, pl))
			continue;
		for (char *s = k + pl, *t; s && *s; s = t) {
			t = strchr(s, ',');
			if (t)
				*t++ = 0;
			if (!strcmp(s, key + pl))
				return &wf->c[i];
		}
	}
	return NULL;
}

static unsigned kidx(const char *name)
{
	const struct nvmx_kernel *k = nvmx_kernel_find(name);
	for (unsigned i = 0; i < nvmx_kernel_count(); i++)
		if (nvmx_kernel_at(i) == k)
			return i;
	return 0;
}

static void env_for(struct nvmx_env *e, const struct nvmx_hostfile *hf, const char *rel)
{
	memset(e, 0, sizeof(*e));
	e->host = hf->host;
	e->kernel = nvmx_kernel_find(rel);
	nvmx_params_default(e->kernel, &e->params);
	e->params.given = 0;
}

int main(void)
{
	static struct nvmx_hostfile hf;
	static struct nvmx_kvm kvm;
	static struct nvmx_would_fail wf, wf2_scratch;
	struct nvmx_env e;
	struct nvmx_result r;

	/*
	 * 5.10 clears the BNDCFGS entry/exit controls from a vCPU whose CPUID
	 * lacks MPX and checks restores against the vCPU; 6.0 checks against
	 * KVM's maximum.  QEMU's host value with exit bit 23 is then refused.
	 */
	if (!tap_ok(load("intel-core-i9-10900k.msrs", &hf), "read the i9-10900K"))
		return tap_done();
	env_for(&e, &hf, "5.10");
	struct nvmx_probe w = { .index = 0x48f, .value = 0xffffff00036dfbull, .id = NVMX_TRUE_EXIT };
	tap_ok(!nvmx_probe_fails(&e, &w, &kvm, &r), "5.10 accepts 0x48f=0xffffff00036dfb on a fresh vCPU");
	nvmx_would_fail(&wf, &e, &w, &kvm);
	const struct nvmx_env_change *c = find(&wf, "guest-cpuid:-mpx");
	tap_ok(c && c->r.reason == NVMX_R_ALLOWED1_ADDED && c->r.bits == UINT64_C(1) << 55,
	       "a guest without MPX: exit control 23 (MSR bit 55) refused");
	unsigned i510 = 0, i60 = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		if (nvmx_kernel_at(i) == nvmx_kernel_find("5.10"))
			i510 = i;
		if (nvmx_kernel_at(i) == nvmx_kernel_find("6.0"))
			i60 = i;
	}
	tap_ok(c && !((c->releases_ok[i510 / 64] >> (i510 % 64)) & 1) &&
	       ((c->releases_ok[i60 / 64] >> (i60 % 64)) & 1),
	       "... 5.10 still refuses it then, 6.0 accepts it");
	/* Every listed difference reproduces the failure when applied by hand. */
	struct nvmx_env g = e;
	g.cpuid_set = true;
	g.cpuid = hf.host.features & ~NVMX_FEAT(NVMX_F_MPX);
	g.pmu_version = 2;
	tap_ok(nvmx_probe_fails(&g, &w, &kvm, &r), "applied by hand, the no-MPX guest is refused");
	tap_ok(!find(&wf, "state:has-run"), "a write after KVM_RUN is not refused by 5.10 (no has-run entry)");
	tap_ok(wf.c[0].kind <= NVMX_CH_GUEST_NO_PMU, "vCPU and guest differences come first");

	/* QEMU 7.1 on drops the BNDCFGS controls itself for a guest without MPX. */
	e.qemu = nvmx_qemu_release_find("7.1");
	nvmx_would_fail(&wf2_scratch, &e, &w, &kvm);
	tap_ok(!find(&wf2_scratch, "guest-cpuid:-mpx"), "the log names QEMU 7.1: no guest without MPX");
	e.qemu = nvmx_qemu_release_find("7.0");
	nvmx_would_fail(&wf2_scratch, &e, &w, &kvm);
	tap_ok(find(&wf2_scratch, "guest-cpuid:-mpx") != NULL, "QEMU 7.0 keeps them: a guest without MPX");
	e.qemu = NULL;

	/* An already-failing write gets no search. */
	g.cpuid |= 0;
	struct nvmx_would_fail wf2;
	nvmx_would_fail(&wf2, &g, &w, &kvm);
	tap_ok(wf2.n == 0 && wf2.tried == 0, "a failing write is explained, not searched");

	/* Posted interrupts on a Broadwell-EP: enable_apicv=0 takes them away (docs/qemu.md). */
	if (!tap_ok(load("intel-xeon-e5-2620-v4.msrs", &hf), "read the E5-2620 v4"))
		return tap_done();
	env_for(&e, &hf, "6.1");
	struct nvmx_probe pi = { .index = 0x48d, .value = 0xff00000016ull, .id = NVMX_TRUE_PINBASED };
	nvmx_would_fail(&wf, &e, &pi, &kvm);
	c = find(&wf, "param:enable_apicv=0");
	tap_ok(c && c->r.bits == UINT64_C(1) << 39, "enable_apicv=0 refuses posted interrupts (bit 39)");
	c = find(&wf, "host-hides:vmx-posted-intr");
	tap_ok(c != NULL, "an outer hypervisor hiding posted interrupts refuses it too");
	tap_ok(!find(&wf, "host-hides:0x48d:33") && !find(&wf, "host-hides:0x48d:34"),
	       "hiding always-on bits 1 and 2 (MSR bits 33, 34) reproduces nothing: KVM sets them whatever the host says");
	/* The feature itself, as QEMU's warning names it. */
	struct nvmx_probe fp = { .feature = true, .index = 0x48d, .id = NVMX_TRUE_PINBASED, .bit = 39 };
	tap_ok(!nvmx_probe_fails(&e, &fp, &kvm, &r), "6.1 offers vmx-posted-intr on the E5-2620 v4");
	nvmx_would_fail(&wf, &e, &fp, &kvm);
	tap_ok(find(&wf, "param:enable_apicv=0") && find(&wf, "host-hides:vmx-posted-intr"),
	       "the warning is reproduced by enable_apicv=0 and by a hiding hypervisor");
	tap_ok(!find(&wf, "param:nested=0"), "nested=0 is not offered as a cause (another symptom)");

	/* Ivy Bridge desktop: no posted interrupts at all. */
	if (!tap_ok(load("intel-core-i7-3770k.msrs", &hf), "read the i7-3770K"))
		return tap_done();
	env_for(&e, &hf, "5.10");
	tap_ok(nvmx_probe_fails(&e, &fp, &kvm, &r) && r.reason == NVMX_R_ALLOWED1_ADDED,
	       "5.10 on an i7-3770K does not offer vmx-posted-intr");

	/*
	 * The restore rule is the user's: 5.19 offers ENCLS exiting on the
	 * Centaur host without SGX, 6.1 does not but has it on its revoke list.
	 * Strict, "KVM 6.1" reproduces the failure of 5.19's value; under
	 * --policy revoke-keep it does not.
	 */
	if (!tap_ok(load("centaur-es-cns-0040672.msrs", &hf), "read the Centaur host"))
		return tap_done();
	env_for(&e, &hf, "5.19");
	nvmx_kvm_load(&kvm, &e.host, e.kernel, &e.params);
	uint64_t p2 = nvmx_caps_read(&kvm.caps, NVMX_PROCBASED2);
	struct nvmx_probe pe = { .index = 0x48b, .value = p2, .id = NVMX_PROCBASED2 };
	tap_ok(p2 >> 47 & 1 && !nvmx_probe_fails(&e, &pe, &kvm, &r), "5.19 offers and accepts ENCLS exiting");
	nvmx_would_fail(&wf, &e, &pe, &kvm);
	tap_ok(find(&wf, "release:6.1") != NULL, "strict: KVM 6.1 reproduces the rejection");
	e.policy = NVMX_POLICY_REVOKE_KEEP;
	nvmx_would_fail(&wf, &e, &pe, &kvm);
	tap_ok(find(&wf, "release:6.1") == NULL, "revoke-keep: KVM 6.1 accepts it back, no cause");
	env_for(&e, &hf, "6.1");
	tap_ok(nvmx_probe_fails(&e, &pe, &kvm, &r), "6.1 strict rejects 5.19's value");
	e.policy = NVMX_POLICY_REVOKE_KEEP;
	tap_ok(!nvmx_probe_fails(&e, &pe, &kvm, &r) && r.revoked == 1u << 15,
	       "6.1 revoke-keep accepts it via the revoke list (as restore does)");
	e.revoke_since = nvmx_kernel_find("6.1");
	tap_ok(nvmx_probe_fails(&e, &pe, &kvm, &r), "... but not with --revoke-since 6.1");

	/*
	 * QEMU 4.2 widens 0x48B from the guest CPUID.  A host (say a VM whose
	 * hypervisor hides RDSEED exiting) whose CPUID has RDSEED: KVM offers
	 * no RDSEED exiting and accepts its own value, which QEMU 5.0+ writes;
	 * QEMU 4.2 adds the bit and is refused.  A log that names its QEMU is
	 * not searched for another.
	 */
	if (!tap_ok(load("intel-core-i9-10900k.msrs", &hf), "read the i9-10900K"))
		return tap_done();
	hf.host.msrs.val[NVMX_PROCBASED2] &= ~(UINT64_C(1) << 48);
	env_for(&e, &hf, "6.1");
	nvmx_kvm_load(&kvm, &e.host, e.kernel, &e.params);
	struct nvmx_probe pq = { .index = 0x48b, .value = nvmx_caps_read(&kvm.caps, NVMX_PROCBASED2),
				 .id = NVMX_PROCBASED2 };
	tap_ok((hf.host.features & NVMX_FEAT(NVMX_F_RDSEED)) && !(pq.value >> 48 & 1) &&
	       !nvmx_probe_fails(&e, &pq, &kvm, &r), "KVM's own 0x48b (no RDSEED exiting) is accepted");
	nvmx_would_fail(&wf, &e, &pq, &kvm);
	const struct nvmx_env_change *cq = find(&wf, "qemu:4.2");
	tap_ok(cq && cq->value == (pq.value | UINT64_C(1) << 48) && cq->r.rc,
	       "no QEMU named: QEMU 4.2's widened value (RDSEED exiting added) is rejected");
	e.qemu = nvmx_qemu_release_find("9.2");
	nvmx_would_fail(&wf, &e, &pq, &kvm);
	tap_ok(!find(&wf, "qemu:4.2"), "the log names QEMU 9.2: no other QEMU is tried");

	/*
	 * A host hypervisor (VMware) that reports external-interrupt and NMI
	 * exiting as must-be-1 in IA32_VMX_PINBASED_CTLS.  KVM up to 6.0 reads
	 * that MSR's low half into what L1 must keep (nested_vmx_setup_ctls_msrs
	 * rdmsr of 0x481); 6.1 sets the low half to the always-on bits only.
	 * QEMU takes allowed-1 & ~allowed-0 as supported, so -cpu host writes
	 * both controls 0: 0x5600000016 on this host (multipass#2603), which
	 * 5.15 refuses (must-be-1 dropped) and 6.1 accepts.
	 */
	if (!tap_ok(load("intel-core-i7-8750h.msrs", &hf), "read the i7-8750H"))
		return tap_done();
	struct nvmx_hostfile forced = hf;
	forced.host.msrs.val[NVMX_PINBASED] |= 0x9;
	if (nvmx_msrs_has(&forced.host.msrs, NVMX_TRUE_PINBASED))
		forced.host.msrs.val[NVMX_TRUE_PINBASED] |= 0x9;
	env_for(&e, &forced, "5.15");
	nvmx_kvm_load(&kvm, &e.host, e.kernel, &e.params);
	uint64_t off = nvmx_caps_read(&kvm.caps, NVMX_TRUE_PINBASED);
	uint64_t qw = nvmx_qemu_control_msr((enum nvmx_qword)nvmx_qword_of_msr(NVMX_TRUE_PINBASED),
					    nvmx_qemu_control_supported(off) & 0xff);
	tap_ok((off & 0x9) == 0x9 && (qw & 0x900000009ull) == 0,
	       "5.15 on the forcing host: L1 must keep bits 0 and 3, QEMU writes them 0 (0x%llx)",
	       (unsigned long long)qw);
	tap_ok(nvmx_probe_fails(&e, &(struct nvmx_probe){ .index = 0x48d, .value = qw,
							  .id = NVMX_TRUE_PINBASED }, &kvm, &r) &&
	       r.reason == NVMX_R_MUST1_DROPPED, "... and 5.15 refuses QEMU's value");
	env_for(&e, &forced, "6.1");
	nvmx_kvm_load(&kvm, &e.host, e.kernel, &e.params);
	tap_ok(!(nvmx_caps_read(&kvm.caps, NVMX_TRUE_PINBASED) & 0x9), "6.1 does not pass the forcing on");
	env_for(&e, &hf, "5.15");
	struct nvmx_probe pf = { .index = 0x48d, .value = 0x5600000016ull, .id = NVMX_TRUE_PINBASED };
	tap_ok(!nvmx_probe_fails(&e, &pf, &kvm, &r), "5.15 on the bare i7-8750H accepts 0x5600000016");
	nvmx_would_fail(&wf, &e, &pf, &kvm);
	char k0[128] = "";
	if (wf.n)
		nvmx_env_change_key(&wf.c[0], k0, sizeof(k0));
	const struct nvmx_env_change *cf = find(&wf, "host-hides:vmx-intr-exit=0");
	unsigned i61 = kidx("6.1");
	unsigned i515 = kidx("5.15");
	tap_ok(!strcmp(k0, "host-hides:vmx-intr-exit=0,vmx-nmi-exit=0") && cf == &wf.c[0] &&
	       cf->r.reason == NVMX_R_MUST1_DROPPED && (cf->why & NVMX_WHY_VALUE),
	       "a write without external-interrupt exiting: a host forcing it is the first cause (%s)", k0);
	tap_ok(cf && ((cf->releases_ok[i61 / 64] >> (i61 % 64)) & 1) &&
	       !((cf->releases_ok[i515 / 64] >> (i515 % 64)) & 1), "... which 6.1 accepts even then, 5.15 not");
	tap_ok(find(&wf, "host-hides:vmx-nmi-exit=0") && !find(&wf, "host-hides:vmx-preemption-timer=0"),
	       "NMI exiting too; not the preemption timer the write sets");
	/* QEMU's own value for the bare host sets both: nothing forced is tried first. */
	nvmx_kvm_load(&kvm, &e.host, e.kernel, &e.params);
	struct nvmx_probe pk = { .index = 0x48d, .value = nvmx_caps_read(&kvm.caps, NVMX_TRUE_PINBASED),
				 .id = NVMX_TRUE_PINBASED };
	nvmx_would_fail(&wf, &e, &pk, &kvm);
	tap_ok(!find(&wf, "host-hides:vmx-intr-exit=0"), "KVM's own value: no control to force");

	/*
	 * The user-wait-pause control: 5.15 sets it in a vCPU's 0x48b from a
	 * guest CPUID with WAITPKG (vmx_adjust_secondary_exec_control, nested
	 * case) and checks restores against the vCPU, so the value restored
	 * into a guest without WAITPKG is refused.  QEMU 9.1 on clears the
	 * control for such a guest itself (feature_dependencies), 8.2-9.0 not.
	 */
	if (!tap_ok(load("intel-celeron-j6412.msrs", &hf), "read the Celeron J6412"))
		return tap_done();
	env_for(&e, &hf, "5.15");
	e.cpuid_set = true;	/* QEMU sets the CPUID before it writes the MSRs */
	e.cpuid = hf.host.features;
	e.pmu_version = 2;
	nvmx_kvm_load(&kvm, &e.host, e.kernel, &e.params);
	static struct nvmx_vcpu vw;
	nvmx_vcpu_init(&vw, &kvm, 0);
	nvmx_vcpu_set_cpuid(&vw, hf.host.features, 2);
	uint64_t v2 = 0;
	nvmx_vcpu_get_msr(&vw, 0x48b, false, &v2);
	struct nvmx_probe pw = { .index = 0x48b, .value = v2, .id = NVMX_PROCBASED2 };
	tap_ok((hf.host.features & NVMX_FEAT(NVMX_F_WAITPKG)) && (v2 >> 58 & 1) &&
	       !(nvmx_caps_read(&kvm.caps, NVMX_PROCBASED2) >> 58 & 1) && !nvmx_probe_fails(&e, &pw, &kvm, &r),
	       "5.15: the vCPU of a WAITPKG guest has user-wait-pause (KVM's maximum has not)");
	nvmx_would_fail(&wf, &e, &pw, &kvm);
	const struct nvmx_env_change *cw = find(&wf, "guest-cpuid:-waitpkg");
	tap_ok(cw && cw->r.rc && (cw->r.bits >> 58 & 1), "a guest without WAITPKG refuses bit 58");
	struct nvmx_env gw = e;
	gw.cpuid_set = true;
	gw.cpuid = hf.host.features & ~NVMX_FEAT(NVMX_F_WAITPKG);
	gw.pmu_version = 2;
	tap_ok(nvmx_probe_fails(&gw, &pw, &kvm, &r), "applied by hand, the guest without WAITPKG is refused");
	e.qemu = nvmx_qemu_release_find("9.1");
	nvmx_would_fail(&wf, &e, &pw, &kvm);
	tap_ok(!find(&wf, "guest-cpuid:-waitpkg"), "the log names QEMU 9.1: it drops the control itself");
	e.qemu = nvmx_qemu_release_find("8.2");
	nvmx_would_fail(&wf, &e, &pw, &kvm);
	tap_ok(find(&wf, "guest-cpuid:-waitpkg") != NULL, "QEMU 8.2 keeps it: a guest without WAITPKG");
	e.kernel = nvmx_kernel_find("6.12");
	e.qemu = NULL;
	nvmx_kvm_load(&kvm, &e.host, e.kernel, &e.params);
	pw.value &= nvmx_caps_read(&kvm.caps, NVMX_PROCBASED2);
	nvmx_would_fail(&wf, &e, &pw, &kvm);
	tap_ok((pw.value >> 58 & 1) && !nvmx_probe_fails(&e, &pw, &kvm, &r) && wf.tried &&
	       !find(&wf, "guest-cpuid:-waitpkg"),
	       "6.12 offers it and checks against its maximum: accepted, and no such cause");

	/* Keys and texts. */
	char k[128];
	struct nvmx_env_change ch = { .kind = NVMX_CH_RELEASE, .kernel = nvmx_kernel_find("6.1") };
	nvmx_env_change_key(&ch, k, sizeof(k));
	tap_ok(!strcmp(k, "release:6.1"), "release key (%s)", k);
	ch = (struct nvmx_env_change){ .kind = NVMX_CH_HOST_HIDES, .hide_id = NVMX_EPT_VPID_CAP, .hide_bit = 3 };
	nvmx_env_change_key(&ch, k, sizeof(k));
	tap_ok(!strcmp(k, "host-hides:0x48c:3"), "an unnamed bit keys by index and bit (%s)", k);

	/* Before the oldest row: the eVMCS narrowing of 4.19-5.3 (pin bits 6, 7). */
	char note[512];
	struct nvmx_probe p7 = { .index = 0x48d, .value = 0x7f00000016ull, .id = NVMX_TRUE_PINBASED };
	tap_ok(nvmx_prehistory_note(0x04130000u, &p7, note, sizeof(note)) && strstr(note, "bit 6 "),
	       "4.19 with hv-evmcs: the preemption timer (bit 6) is cut");
	struct nvmx_probe p3 = { .index = 0x48d, .value = 0x3f00000016ull, .id = NVMX_TRUE_PINBASED };
	tap_ok(!nvmx_prehistory_note(0x04130000u, &p3, note, sizeof(note)), "nothing to say without bits 6, 7");
	tap_ok(!nvmx_prehistory_note(0x05040000u, &p7, note, sizeof(note)), "5.4 is a row (5.4.210): no note");

	/*
	 * 5.4 (quickemu#594): L1 enabling eVMCS cuts the vCPU's own pin-based
	 * controls, and 5.4.210 checks restores against them, so QEMU's write of
	 * KVM's own TRUE_PINBASED fails with hv-evmcs; 5.4.286 checks against
	 * KVM's maximum, and 5.10 only filters L1's reads: no such cause there.
	 */
	static struct nvmx_hostfile kbl;
	if (tap_ok(load("intel-core-i5-8250u.msrs", &kbl), "read the i5-8250U")) {
		static const struct { const char *rel; bool cause; } ev[] = {
			{ "5.4.210", true }, { "ubuntu-20.04-5.4.0-131", true }, { "5.4.286", false },
			{ "ubuntu-20.04", false }, { "5.10", false },
		};
		for (unsigned i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
			env_for(&e, &kbl, ev[i].rel);
			bool fails = nvmx_probe_fails(&e, &p7, &kvm, &r);
			nvmx_would_fail(&wf, &e, &p7, &kvm);
			const struct nvmx_env_change *ce = find(&wf, "state:evmcs");
			tap_ok(!fails && (ev[i].cause ? ce && ce->r.bits == UINT64_C(1) << 38 : !ce),
			       "%s: 0x48d=0x7f00000016 accepted on a fresh vCPU; %s", ev[i].rel,
			       ev[i].cause ? "refused for bit 38 once L1 enabled eVMCS (state:evmcs)"
					   : "eVMCS is no cause");
		}
	}
	return tap_done();
}
