/* SPDX-License-Identifier: MIT */
/*
 * nvmx_would_fail_rank: each rule of the likelihood order (docs/nvmx.1,
 * explain, "Ranking") on real searches, so that a wrong rule moves an entry
 * these checks pin down.  Which differences reproduce a failure is checked
 * against the restore model in test_report_search; here, their order, and
 * that folding the outer hypervisor's bits keeps every bit a cause.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "nvmx/io.h"
#include "nvmx/report.h"

static bool load(const char *name, struct nvmx_hostfile *hf)
{
	char path[512];
	struct nvmx_diag d;
	const char *dir = getenv("NVMX_DATA");
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "data/hosts", name);
	return nvmx_hostfile_read(path, hf, &d) == 0;
}

static void env_for(struct nvmx_env *e, const struct nvmx_hostfile *hf, const char *rel)
{
	memset(e, 0, sizeof(*e));
	e->host = hf->host;
	e->kernel = nvmx_kernel_find(rel);
	nvmx_params_default(e->kernel, &e->params);
	e->params.given = 0;
}

/* Position of the first entry of this kind (and, for a release, this row), or -1. */
static int pos(const struct nvmx_would_fail *wf, enum nvmx_env_change_kind kind, const char *rel)
{
	for (unsigned i = 0; i < wf->n; i++)
		if (wf->c[i].kind == kind && (!rel || wf->c[i].kernel == nvmx_kernel_find(rel)))
			return (int)i;
	return -1;
}

static unsigned count(const struct nvmx_would_fail *wf, enum nvmx_env_change_kind kind)
{
	unsigned n = 0;
	for (unsigned i = 0; i < wf->n; i++)
		n += wf->c[i].kind == kind;
	return n;
}

static const struct nvmx_env_change *key0(const struct nvmx_would_fail *wf, char *k, size_t n)
{
	k[0] = 0;
	if (wf->n)
		nvmx_env_change_key(&wf->c[0], k, n);
	return wf->n ? &wf->c[0] : NULL;
}

int main(void)
{
	static struct nvmx_hostfile hf;
	static struct nvmx_kvm kvm;
	static struct nvmx_would_fail wf, wf2;
	struct nvmx_env e;
	struct nvmx_result r;
	char k[512];

	/*
	 * The review's case: QEMU's 0x48b with user-wait-pause (bit 26) on a
	 * Celeron J6412, explained for 5.15.215, which accepts it.  5.15 and
	 * the 5.10/6.1 series do not offer the control.
	 */
	if (!tap_ok(load("intel-celeron-j6412.msrs", &hf), "read the Celeron J6412"))
		return tap_done();
	env_for(&e, &hf, "5.15.215");
	struct nvmx_probe p = { .index = 0x48b, .value = 0x04036bff00000000ull, .id = NVMX_PROCBASED2 };
	tap_ok(!nvmx_probe_fails(&e, &p, &kvm, &r), "5.15.215 accepts 0x48b=0x04036bff00000000");
	nvmx_would_fail(&wf, &e, &p, &kvm);
	const struct nvmx_env_change *c = key0(&wf, k, sizeof(k));
	tap_ok(c && !strcmp(k, "release:5.15") && (c->why & NVMX_WHY_SAME_SERIES) && c->r.bits == UINT64_C(1) << 58,
	       "same series first: 5.15 itself rejects the user-wait-pause bit (%s)", k);
	int rel510 = pos(&wf, NVMX_CH_RELEASE, "5.10"), rel61 = pos(&wf, NVMX_CH_RELEASE, "6.1");
	int hides = pos(&wf, NVMX_CH_HOST_HIDES, NULL), param = pos(&wf, NVMX_CH_PARAM, NULL);
	tap_ok(rel510 > 0 && rel61 > 0 && hides > rel510 && hides > rel61 && param > rel510 && param > rel61,
	       "a release rejecting the bit ranks above a partial-VMX host and a flipped parameter "
	       "(5.10 at %d, 6.1 at %d, hides at %d, first parameter at %d)", rel510, rel61, hides, param);
	tap_ok(pos(&wf, NVMX_CH_RELEASE, "5.19") < rel510,
	       "other series nearer first: 5.19 before 5.10 for a 5.15 environment");

	/* Folding: one outer-hypervisor entry, whose every bit alone is refused. */
	tap_ok(count(&wf, NVMX_CH_HOST_HIDES) == 1, "one host-hides entry (%u)", count(&wf, NVMX_CH_HOST_HIDES));
	const struct nvmx_env_change *h = hides >= 0 ? &wf.c[hides] : NULL;
	tap_ok(h && (h->hide_mask >> 58 & 1) && (h->hide_mask >> 32 & 1) && (h->hide_mask & (h->hide_mask - 1)),
	       "it lists user-wait-pause (58) and APIC-access virtualisation (32)");
	bool each = h != NULL;
	for (unsigned b = 0; h && b < 64; b++) {
		if (!(h->hide_mask >> b & 1))
			continue;
		struct nvmx_env x = e;
		x.host.msrs.val[NVMX_PROCBASED2] &= ~(UINT64_C(1) << b);
		each &= nvmx_probe_fails(&x, &p, &kvm, &r);
	}
	tap_ok(each, "each bit it lists, hidden alone by hand, makes 5.15.215 refuse the write");
	nvmx_env_change_key(h ? h : &wf.c[0], k, sizeof(k));
	tap_ok(!strncmp(k, "host-hides:vmx-apicv-xapic,vmx-ept,", 35) && strstr(k, ",vmx-enable-user-wait-pause"),
	       "its key lists the bits (%.60s...)", k);

	/* Evidence: an outer hypervisor named in the log lifts that entry to the top. */
	e.hint_outer_vm = true;
	nvmx_would_fail(&wf, &e, &p, &kvm);
	c = key0(&wf, k, sizeof(k));
	tap_ok(c && c->kind == NVMX_CH_HOST_HIDES && (c->why & NVMX_WHY_LOG_OUTER_VM) && !(c->why & NVMX_WHY_UNSEEN),
	       "the log names VMware: the hiding host first (%.40s)", k);
	e.hint_outer_vm = false;
	e.hint_hyperv = true;
	nvmx_would_fail(&wf, &e, &p, &kvm);
	c = key0(&wf, k, sizeof(k));
	tap_ok(c && c->kind == NVMX_CH_HOST_HYPERV && (c->why & NVMX_WHY_LOG_HYPERV),
	       "the log names Hyper-V: KVM on Hyper-V first (%s)", k);
	e.hint_hyperv = false;

	/* The log's kernel: its series first, other series last. */
	e.user_kernel = nvmx_kernel_version(nvmx_kernel_find("6.1"));
	nvmx_would_fail(&wf, &e, &p, &kvm);
	c = key0(&wf, k, sizeof(k));
	tap_ok(c && c->kind == NVMX_CH_RELEASE && (nvmx_kernel_version(c->kernel) >> 16) == 0x0601 &&
	       (c->why & NVMX_WHY_LOG_KERNEL), "uname says 6.1: a 6.1 row first (%s)", k);
	int r515 = pos(&wf, NVMX_CH_RELEASE, "5.15");
	hides = pos(&wf, NVMX_CH_HOST_HIDES, NULL);
	tap_ok(r515 > hides && (wf.c[r515].why & NVMX_WHY_LOG_OTHER_KERNEL),
	       "... and 5.15, known not to be the user's kernel, below the hiding host (%d > %d)", r515, hides);
	e.user_kernel = 0;

	/*
	 * Common differences: on 6.1 with an E5-2620 v4, posted interrupts
	 * are refused with enable_apicv=0 or a host hiding them; the former
	 * is a setting users have, the latter needs a partial-VMX host.
	 */
	if (!tap_ok(load("intel-xeon-e5-2620-v4.msrs", &hf), "read the E5-2620 v4"))
		return tap_done();
	env_for(&e, &hf, "6.1");
	struct nvmx_probe fp = { .feature = true, .index = 0x48d, .id = NVMX_TRUE_PINBASED, .bit = 39 };
	nvmx_would_fail(&wf, &e, &fp, &kvm);
	int apicv = -1;
	for (unsigned i = 0; i < wf.n; i++)
		if (wf.c[i].kind == NVMX_CH_PARAM && wf.c[i].param == NVMX_P_ENABLE_APICV && apicv < 0)
			apicv = (int)i;
	hides = pos(&wf, NVMX_CH_HOST_HIDES, NULL);
	tap_ok(apicv >= 0 && hides > apicv && (wf.c[apicv].why & NVMX_WHY_COMMON),
	       "vmx-posted-intr: enable_apicv=0 (%d) above a host hiding it (%d)", apicv, hides);

	/*
	 * One change for every failure of the log: with vmx-eptad refused too,
	 * which enable_apicv=0 does not explain, the hiding host explains both.
	 */
	struct nvmx_probe fe = { .feature = true, .index = 0x48c, .id = NVMX_EPT_VPID_CAP, .bit = 21 };
	tap_ok(!nvmx_probe_fails(&e, &fe, &kvm, &r), "6.1 offers vmx-eptad on the E5-2620 v4");
	nvmx_would_fail(&wf2, &e, &fe, &kvm);
	tap_ok(pos(&wf2, NVMX_CH_HOST_HIDES, NULL) >= 0 && !(pos(&wf2, NVMX_CH_PARAM, NULL) >= 0 &&
	       wf2.c[pos(&wf2, NVMX_CH_PARAM, NULL)].param == NVMX_P_ENABLE_APICV),
	       "vmx-eptad: a hiding host reproduces it, enable_apicv=0 does not lead");
	struct nvmx_would_fail *lists[] = { &wf, &wf2 };
	nvmx_would_fail_rank_across(lists, 2);
	c = key0(&wf, k, sizeof(k));
	tap_ok(c && c->kind == NVMX_CH_HOST_HIDES && (c->why & NVMX_WHY_ALL_EVENTS),
	       "across both: the hiding host first for vmx-posted-intr too (%s)", k);
	apicv = -1;
	for (unsigned i = 0; i < wf.n; i++)
		if (wf.c[i].kind == NVMX_CH_PARAM && wf.c[i].param == NVMX_P_ENABLE_APICV)
			apicv = (int)i;
	tap_ok(apicv > 0 && !(wf.c[apicv].why & NVMX_WHY_ALL_EVENTS), "enable_apicv=0 explains one: not marked");
	static struct nvmx_would_fail empty;
	struct nvmx_would_fail *one[] = { &wf2, &empty };
	unsigned before = wf2.c[0].likelihood;
	nvmx_would_fail_rank_across(one, 2);
	tap_ok(wf2.c[0].likelihood == before, "one non-empty list: nothing changes");

	/*
	 * hv-evmcs on the command line: the eVMCS vCPU state (which only rows
	 * that cut the vCPU's MSRs produce) outranks every guess without
	 * evidence.  A list as the search leaves it, ranked.
	 */
	static struct nvmx_would_fail hand;
	hand = (struct nvmx_would_fail){ .n = 3 };
	hand.c[0] = (struct nvmx_env_change){ .kind = NVMX_CH_RELEASE, .kernel = nvmx_kernel_find("6.1") };
	hand.c[1] = (struct nvmx_env_change){ .kind = NVMX_CH_HOST_HIDES, .hide_id = NVMX_TRUE_PINBASED,
					      .hide_bit = 38 };
	hand.c[2] = (struct nvmx_env_change){ .kind = NVMX_CH_STATE_EVMCS };
	env_for(&e, &hf, "5.15");
	nvmx_would_fail_rank(&hand, &e);
	tap_ok(hand.c[2].kind == NVMX_CH_STATE_EVMCS && (hand.c[2].why & NVMX_WHY_UNSEEN),
	       "no hv-evmcs in the log: the eVMCS state ranks low");
	e.hint_evmcs = true;
	nvmx_would_fail_rank(&hand, &e);
	tap_ok(hand.c[0].kind == NVMX_CH_STATE_EVMCS && (hand.c[0].why & NVMX_WHY_LOG_EVMCS),
	       "hv_passthrough in the log: the eVMCS state first");

	/*
	 * The same rule on a real search: 5.4.210 cuts the vCPU's pin-based
	 * controls when L1 enables eVMCS and checks restores against them, so
	 * QEMU's 0x48d with the preemption timer (quickemu-594) is refused
	 * after hv-evmcs; the log's hv_passthrough puts that first.
	 */
	static struct nvmx_hostfile kbl;
	if (tap_ok(load("intel-core-i5-8250u.msrs", &kbl), "read the i5-8250U") && nvmx_kernel_find("5.4.210")) {
		env_for(&e, &kbl, "5.4.210");
		struct nvmx_probe pe = { .index = 0x48d, .value = 0x7f00000016ull, .id = NVMX_TRUE_PINBASED };
		tap_ok(!nvmx_probe_fails(&e, &pe, &kvm, &r), "5.4.210 accepts 0x48d=0x7f00000016 on a fresh vCPU");
		e.hint_evmcs = true;
		static struct nvmx_would_fail wfe;
		nvmx_would_fail(&wfe, &e, &pe, &kvm);
		c = key0(&wfe, k, sizeof(k));
		tap_ok(c && c->kind == NVMX_CH_STATE_EVMCS && (c->why & NVMX_WHY_LOG_EVMCS),
		       "hv_passthrough in the log: state:evmcs first (%s)", k);
	}

	/* Why texts: every reason set has words. */
	nvmx_env_change_why(&wf.c[0], k, sizeof(k));
	tap_ok(strstr(k, "every failure") != NULL, "why_ranked says it (%s)", k);
	return tap_done();
}
