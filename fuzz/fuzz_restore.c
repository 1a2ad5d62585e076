/* SPDX-License-Identifier: MIT */
/*
 * The restore API under random write sequences: a host (a bundled dump with
 * bits flipped), a release, module parameters, a guest CPUID, vCPU state
 * flags and a policy, then writes (restore_input.h has the byte layout).
 *
 * Invariants, checked after every operation (abort on violation):
 *  - no crash, no sanitizer report, describe() stays inside its buffer;
 *  - an accepted write reads back as written (host-initiated KVM_GET_MSRS);
 *  - a refused write changes nothing;
 *  - after an accepted write to a control MSR, host reads of it and of its
 *    non-TRUE twin never show allowed-1 bits outside what the policy allows:
 *    strict = the reference set (KVM's N, or the vCPU's V before the write on
 *    releases with restore_vs_vcpu), revoke policies add the revoke list;
 *    the bound holds until KVM_SET_CPUID2 legitimately changes V again;
 *  - KVM's own values (N) of the 12 restorable MSRs restore accepted on a
 *    fresh vCPU without CPUID, in ascending and in QEMU's order, and read back.
 */
#include <stdbool.h>
#include "nvmx/nvmx.h"
#include "kernels.h"	/* lib/: restore_vs_vcpu */
#include "fuzz.h"
#include "fuzz_hosts.h"
#include "restore_input.h"

#include "baseline_hook.h"

static const enum nvmx_msr_id control_ids[] = {
	NVMX_PROCBASED2, NVMX_TRUE_PINBASED, NVMX_TRUE_PROCBASED, NVMX_TRUE_EXIT, NVMX_TRUE_ENTRY,
};

static bool is_control(enum nvmx_msr_id id)
{
	for (unsigned i = 0; i < sizeof(control_ids) / sizeof(control_ids[0]); i++)
		if (control_ids[i] == id)
			return true;
	return false;
}

/* MSRs a host-initiated write stores (the others are refused or read-only). */
static bool stores(enum nvmx_msr_id id)
{
	return nvmx_msr_restorable(id);
}

/* -DFUZZ_STATS: how often each path is taken, printed at exit (is the fuzzer reaching it?). */
#ifdef FUZZ_STATS
static unsigned long st_cases, st_loaded, st_nested, st_writes, st_accepted, st_ctl_accepted,
	st_revoked, st_checked_reads;
static void print_stats(void)
{
	fprintf(stderr, "cases %lu loaded %lu nested %lu writes %lu accepted %lu control-accepted %lu "
		"through-revoke %lu bounded-reads %lu\n", st_cases, st_loaded, st_nested, st_writes,
		st_accepted, st_ctl_accepted, st_revoked, st_checked_reads);
}
#define STAT(x) ((x)++)
#else
#define STAT(x) ((void)0)
#endif

struct run {
	struct nvmx_host host;
	struct nvmx_kvm kvm;
	struct nvmx_vcpu vcpu;
	struct nvmx_revoke revoke;
	bool bounded[NVMX_MSR_COUNT];
	uint32_t bound[NVMX_MSR_COUNT];	/* allowed-1 bits a host read may show */
	unsigned nops;
};

static void mutate_host(struct fuzz_in *in, struct nvmx_host *h)
{
	unsigned nmut = fin_u8(in) % 9;
	for (unsigned i = 0; i < nmut; i++) {
		uint8_t a = fin_u8(in), b = fin_u8(in);
		enum nvmx_msr_id id = (enum nvmx_msr_id)((a & 0x7f) % NVMX_MSR_COUNT);
		if (a & 0x80)
			h->msrs.present ^= 1u << id;
		else
			h->msrs.val[id] ^= UINT64_C(1) << (b % 64);
	}
	unsigned nfeat = fin_u8(in) % 5;
	for (unsigned i = 0; i < nfeat; i++)
		h->features ^= NVMX_FEAT(fin_u8(in) % NVMX_F_COUNT);
}

/* Enough of the SDM's encoding rules that KVM usually loads. */
static void fixup_host(struct nvmx_host *h)
{
	static const enum nvmx_msr_id ctl[] = {
		NVMX_PINBASED, NVMX_PROCBASED, NVMX_EXIT, NVMX_ENTRY, NVMX_PROCBASED2,
		NVMX_TRUE_PINBASED, NVMX_TRUE_PROCBASED, NVMX_TRUE_EXIT, NVMX_TRUE_ENTRY,
	};
	for (unsigned i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		uint64_t v = h->msrs.val[ctl[i]];
		h->msrs.val[ctl[i]] = nvmx_mk64(nvmx_lo(v) & nvmx_hi(v), nvmx_hi(v));
	}
	uint64_t basic = h->msrs.val[NVMX_BASIC];
	basic &= ~(UINT64_C(1) << 48 | UINT64_C(0xf) << 50 | UINT64_C(0x1fff) << 32);
	basic |= UINT64_C(6) << 50 | UINT64_C(0x400) << 32;
	nvmx_msrs_set(&h->msrs, NVMX_BASIC, basic);
	h->features |= NVMX_FEAT(NVMX_F_VMX);
}

static void read_params(struct fuzz_in *in, const struct nvmx_kernel *k, struct nvmx_params *p)
{
	nvmx_params_default(k, p);
	unsigned n = fin_u8(in) % 5;
	for (unsigned i = 0; i < n; i++) {
		enum nvmx_param which = (enum nvmx_param)(fin_u8(in) % NVMX_P_COUNT);
		uint32_t v = fin_u32(in);
		if (!nvmx_kernel_has_param(k, which))
			continue;
		if (which == NVMX_P_PT_MODE)
			p->val[which] = (int64_t)(v % 4) - 1;	/* -1..2: 2 and -1 refuse to load */
		else if (which >= NVMX_P_PLE_GAP)
			p->val[which] = v;
		else
			p->val[which] = v & 1;
		p->given |= UINT32_C(1) << which;
	}
}

static uint64_t read_cpuid(struct fuzz_in *in, const struct nvmx_host *h, unsigned *pmu)
{
	uint8_t mode = fin_u8(in) % 4;
	uint64_t mask = fin_u64(in) & (NVMX_FEAT(NVMX_F_COUNT) - 1);
	*pmu = fin_u8(in) % 6;
	switch (mode) {
	case CPUID_HOST: return h->features;
	case CPUID_VMX_ONLY: return NVMX_FEAT(NVMX_F_VMX);
	case CPUID_MASK: return mask;
	default: return h->features ^ mask;
	}
}

static void check_describe(const struct nvmx_result *r)
{
	static char big[16384];
	char small[24];
	size_t n = nvmx_result_describe(r, big, sizeof(big));
	FUZZ_CHECK(n < sizeof(big) && strlen(big) == n, "describe: %zu vs %zu", n, strlen(big));
	size_t m = nvmx_result_describe(r, small, sizeof(small));
	FUZZ_CHECK(m == n, "describe length depends on the buffer: %zu vs %zu", m, n);
	FUZZ_CHECK(strlen(small) == (n < sizeof(small) ? n : sizeof(small) - 1),
		   "describe truncation: %zu", strlen(small));
	FUZZ_CHECK(nvmx_reason_name(r->reason) != NULL, "reason without a name");
}

/* Host reads of every control MSR with a bound stay inside it. */
static void check_bounds(const struct run *s)
{
	for (unsigned i = 0; i < sizeof(control_ids) / sizeof(control_ids[0]); i++) {
		enum nvmx_msr_id id = control_ids[i];
		if (!s->bounded[id])
			continue;
		enum nvmx_msr_id twin = nvmx_msr_desc(id)->twin;
		enum nvmx_msr_id both[2] = { id, twin };
		for (unsigned t = 0; t < 2; t++) {
			uint64_t v;
			struct nvmx_result r = nvmx_vcpu_get_msr(&s->vcpu, nvmx_msr_index(both[t]), false, &v);
			if (r.rc)
				continue;
			STAT(st_checked_reads);
			FUZZ_CHECK(!(nvmx_hi(v) & ~s->bound[id]),
				   "%s (release %s, policy %d, op %u) reads allowed-1 0x%08x, "
				   "outside 0x%08x",
				   nvmx_msr_desc(both[t])->sdm, nvmx_kernel_name(s->kvm.kernel),
				   (int)s->vcpu.policy, s->nops, nvmx_hi(v), s->bound[id]);
		}
	}
}

static uint64_t pick_value(struct fuzz_in *in, unsigned mode, const struct run *s,
			   enum nvmx_msr_id id, bool in_block)
{
	uint64_t n = in_block ? nvmx_caps_read(&s->kvm.caps, id) : 0;
	uint64_t v = in_block ? nvmx_caps_read(&s->vcpu.v, id) : 0;
	switch (mode) {
	case VAL_RAW: return fin_u64(in);
	case VAL_N_FLIP: return n ^ UINT64_C(1) << (fin_u8(in) % 64);
	case VAL_V: return v;
	case VAL_V_FLIP: return v ^ UINT64_C(1) << (fin_u8(in) % 64);
	case VAL_N_DROP: return nvmx_mk64(nvmx_lo(n), nvmx_hi(n) & fin_u32(in));
	case VAL_N_ADD: return n | UINT64_C(1) << (fin_u8(in) % 64);
	case VAL_N_AND: return n & fin_u64(in);
	case VAL_N_REVOKED: return n | (in_block ? (uint64_t)s->revoke.hi[id] << 32 : 0);
	default: return n;
	}
}

static void do_write(struct fuzz_in *in, struct run *s, uint8_t op)
{
	uint8_t m = fin_u8(in);
	uint32_t index;
	if (m == 0xff)
		index = fin_u32(in);
	else if (m == 0xfe)
		index = fin_u8(in) & 1 ? 0x494 : 0x47f;
	else
		index = NVMX_MSR_BASE + m % NVMX_MSR_COUNT;
	bool in_block = index >= NVMX_MSR_BASE && index < NVMX_MSR_BASE + NVMX_MSR_COUNT;
	enum nvmx_msr_id id = (enum nvmx_msr_id)(in_block ? index - NVMX_MSR_BASE : 0);
	uint64_t data = pick_value(in, op >> 4, s, id, in_block);

	struct nvmx_caps before = s->vcpu.v;
	uint32_t revoked_before[NVMX_MSR_COUNT];
	memcpy(revoked_before, s->vcpu.revoked_in_use, sizeof(revoked_before));
	const struct nvmx_kernel *k = s->kvm.kernel;
	uint32_t ref_hi = in_block ? nvmx_hi(nvmx_caps_read(k->restore_vs_vcpu ? &before : &s->kvm.caps, id))
				   : 0;

	struct nvmx_result r = nvmx_vcpu_set_msr(&s->vcpu, index, data);
	STAT(st_writes);
	check_describe(&r);
	FUZZ_CHECK(r.rc == 0 || r.rc == 1 || r.rc == -22 || r.rc == -16, "rc %d", r.rc);
	if (r.rc) {
		FUZZ_CHECK(!memcmp(&before, &s->vcpu.v, sizeof(before)) &&
			   !memcmp(revoked_before, s->vcpu.revoked_in_use, sizeof(revoked_before)),
			   "refused write of 0x%llx to 0x%x (%s) changed the vCPU",
			   (unsigned long long)data, index, nvmx_reason_name(r.reason));
		return;
	}
	STAT(st_accepted);
	FUZZ_CHECK(in_block && id <= NVMX_VMFUNC, "write to 0x%x accepted", index);
	/* 6.4-6.9 ignore a same-value write after KVM_RUN, whatever the MSR. */
	bool frozen = (s->vcpu.state & NVMX_STATE_HAS_RUN) ||
		      (k->freeze_in_guest_mode && (s->vcpu.state & NVMX_STATE_GUEST_MODE));
	FUZZ_CHECK(stores(id) || (k->freeze == FREEZE_IGNORE_SAME && frozen),
		   "write to 0x%x accepted, but KVM never takes it", index);
	uint64_t back;
	struct nvmx_result rd = nvmx_vcpu_get_msr(&s->vcpu, index, false, &back);
	FUZZ_CHECK(rd.rc == 0 && back == data, "0x%x: wrote 0x%llx, reads 0x%llx (rc %d)", index,
		   (unsigned long long)data, (unsigned long long)back, rd.rc);
	if (r.revoked)
		FUZZ_CHECK(s->vcpu.policy != NVMX_POLICY_STRICT && s->vcpu.revoke &&
			   !(r.revoked & ~s->vcpu.revoke->hi[id]),
			   "revoked bits 0x%08x accepted outside the revoke list", r.revoked);
	if (r.revoked)
		STAT(st_revoked);
	if (is_control(id)) {
		STAT(st_ctl_accepted);
		uint32_t allowed = ref_hi;
		if (s->vcpu.policy != NVMX_POLICY_STRICT && s->vcpu.revoke)
			allowed |= s->vcpu.revoke->hi[id];
		s->bounded[id] = true;
		s->bound[id] = allowed;
	}
}

/* N of the restorable MSRs, written to a fresh vCPU, must all be taken back. */
static void check_derived_restore(const struct nvmx_kvm *kvm, const enum nvmx_msr_id *order,
				  const char *which)
{
	static struct nvmx_vcpu fresh;
	static struct nvmx_migration mig;
	struct nvmx_msrs saved = { { 0 }, 0 };
	for (unsigned i = 0; i < NVMX_RESTORABLE_COUNT; i++)
		nvmx_msrs_set(&saved, order[i], nvmx_caps_read(&kvm->caps, order[i]));
	nvmx_vcpu_init(&fresh, kvm, 0);
	nvmx_migrate(&mig, &fresh, &saved, order, NVMX_RESTORABLE_COUNT);
	if (!mig.migratable) {
		char why[512];
		const struct nvmx_write *w = &mig.writes[mig.first_failure];
		nvmx_result_describe(&w->r, why, sizeof(why));
		FUZZ_CHECK(0, "release %s: KVM's own %s (0x%llx) refused on a fresh vCPU (%s order): %s",
			   nvmx_kernel_name(kvm->kernel), nvmx_msr_desc(w->id)->sdm,
			   (unsigned long long)w->value, which, why);
	}
	FUZZ_CHECK(mig.nwrites == NVMX_RESTORABLE_COUNT, "%u writes", mig.nwrites);
	for (unsigned i = 0; i < NVMX_RESTORABLE_COUNT; i++) {
		uint64_t v;
		struct nvmx_result r = nvmx_vcpu_get_msr(&fresh, nvmx_msr_index(order[i]), false, &v);
		FUZZ_CHECK(!r.rc && v == saved.val[order[i]], "%s reads back 0x%llx",
			   nvmx_msr_desc(order[i])->sdm, (unsigned long long)v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run s;
	struct fuzz_in in = { data, size };
	memset(&s, 0, sizeof(s));
#ifdef FUZZ_STATS
	if (!st_cases++)
		atexit(print_stats);
#endif

	s.host = fuzz_hosts[fin_u16(&in) % FUZZ_NHOSTS];
	const struct nvmx_kernel *k = nvmx_kernel_at(fin_u8(&in) % nvmx_kernel_count());
	mutate_host(&in, &s.host);
	uint8_t env = fin_u8(&in);
	if (env & ENV_MODEL)
		s.host.model = fin_u8(&in);
	if (env & ENV_FIXUP)
		fixup_host(&s.host);
	s.host.hyperv_evmcs = env & ENV_HYPERV_EVMCS;
	struct nvmx_params params;
	read_params(&in, k, &params);

	nvmx_kvm_load(&s.kvm, &s.host, k, &params);
	FUZZ_CHECK(s.kvm.kernel == k, "kernel");
	if (s.kvm.status != NVMX_LOAD_OK) {
		char why[512];
		size_t n = nvmx_kvm_describe_failure(&s.kvm, why, sizeof(why));
		FUZZ_CHECK(n > 0 && strlen(why) == (n < sizeof(why) ? n : sizeof(why) - 1),
			   "load failure text");
		FUZZ_CHECK(s.kvm.load_rc < 0, "refused load with rc %d", s.kvm.load_rc);
	} else {
		STAT(st_loaded);
		FUZZ_CHECK(s.kvm.load_rc == 0, "loaded with rc %d", s.kvm.load_rc);
		if (s.kvm.nested) {
			STAT(st_nested);
			check_derived_restore(&s.kvm, nvmx_order_ascending, "ascending");
			check_derived_restore(&s.kvm, nvmx_order_qemu, "QEMU");
		}
	}

	nvmx_vcpu_init(&s.vcpu, &s.kvm, env & ENV_NO_STUFF_QUIRK ? NVMX_QUIRK_STUFF_FEATURE_MSRS : 0);
	if (env & ENV_CPUID) {
		unsigned pmu;
		uint64_t f = read_cpuid(&in, &s.host, &pmu);
		nvmx_vcpu_set_cpuid(&s.vcpu, f, pmu);
	}
	s.vcpu.state = fin_u8(&in) & 0x1f;
	s.vcpu.policy = (enum nvmx_policy)((env >> 5) % 3);
	if (s.vcpu.policy != NVMX_POLICY_STRICT) {
		uint8_t since = fin_u8(&in);
		const struct nvmx_kernel *sk = since ? nvmx_kernel_at((since - 1u) % nvmx_kernel_count()) : NULL;
		unsigned bits = nvmx_revoke_compute(&s.revoke, &s.host, k, &s.kvm.params, sk);
		(void)bits;
		if (s.kvm.status == NVMX_LOAD_OK)
			s.vcpu.revoke = &s.revoke;
	}

	while (fin_more(&in) && s.nops < FUZZ_MAX_OPS) {
		uint8_t op = fin_u8(&in);
		s.nops++;
		switch (op & 0x0f) {
		case OP_CPUID: {
			unsigned pmu;
			uint64_t f = read_cpuid(&in, &s.host, &pmu);
			nvmx_vcpu_set_cpuid(&s.vcpu, f, pmu);
			/* KVM_SET_CPUID2 may change V (CPUID stuffing): bounds start over. */
			memset(s.bounded, 0, sizeof(s.bounded));
			break;
		}
		case OP_STATE_OR:
			s.vcpu.state |= fin_u8(&in) & 0x1f;
			break;
		case OP_STATE_SET:
			s.vcpu.state = fin_u8(&in) & 0x1f;
			break;
		default:
			do_write(&in, &s, op);
			break;
		}
		check_bounds(&s);
		fuzz_baseline_hook(&s.kvm, &s.vcpu);
	}
	return 0;
}
