/* SPDX-License-Identifier: MIT */
/*
 * Fleet baselines (include/nvmx/fleet.h) on random small fleets: each member
 * a bundled dump with bits flipped, its own release, parameters and
 * environment.  Input, per member (1 + first byte % 6 members):
 *   u16 host, u8 release, u8 nmut (% 4) x (u8 a, u8 b) as in the restore
 *   target, u8 env (bit 0 Hyper-V eVMCS, bit 1 SDM fix-up), u8 nparam (% 3) x
 *   (u8 param, u32 value), u8 weight.
 *
 * Invariants (abort on violation):
 *  - a baseline that exists restores accepted, strict policy, on a fresh vCPU
 *    of every member (the fleet promise: VMs started with it run anywhere);
 *  - it has no feature bit some member lacks, and each member's loss is the
 *    features it has and the baseline does not;
 *  - folding members in another order, or as two merged halves, gives the
 *    same baseline (the rules are associative and commutative);
 *  - a member that runs no VMX guests makes the baseline unusable.
 */
#include "nvmx/nvmx.h"
#include "nvmx/fleet.h"
#include "fuzz.h"
#include "fuzz_hosts.h"

#define MAX_MEMBERS 6

static void read_member(struct fuzz_in *in, struct nvmx_fleet_host *fh, unsigned long long *weight)
{
	struct nvmx_host h = fuzz_hosts[fin_u16(in) % FUZZ_NHOSTS];
	const struct nvmx_kernel *k = nvmx_kernel_at(fin_u8(in) % nvmx_kernel_count());
	unsigned nmut = fin_u8(in) % 4;
	for (unsigned i = 0; i < nmut; i++) {
		uint8_t a = fin_u8(in), b = fin_u8(in);
		enum nvmx_msr_id id = (enum nvmx_msr_id)((a & 0x7f) % NVMX_MSR_COUNT);
		if (a & 0x80)
			h.msrs.present ^= 1u << id;
		else
			h.msrs.val[id] ^= UINT64_C(1) << (b % 64);
	}
	uint8_t env = fin_u8(in);
	h.hyperv_evmcs = env & 1;
	if (env & 2) {	/* allowed-0 within allowed-1, a loadable BASIC */
		for (int id = NVMX_PINBASED; id < NVMX_MSR_COUNT; id++) {
			uint64_t v = h.msrs.val[id];
			if (id <= NVMX_ENTRY || id == NVMX_PROCBASED2 ||
			    (id >= NVMX_TRUE_PINBASED && id <= NVMX_TRUE_ENTRY))
				h.msrs.val[id] = nvmx_mk64(nvmx_lo(v) & nvmx_hi(v), nvmx_hi(v));
		}
		uint64_t basic = h.msrs.val[NVMX_BASIC];
		basic &= ~(UINT64_C(1) << 48 | UINT64_C(0xf) << 50 | UINT64_C(0x1fff) << 32);
		nvmx_msrs_set(&h.msrs, NVMX_BASIC, basic | UINT64_C(6) << 50 | UINT64_C(0x400) << 32);
	}
	struct nvmx_params p;
	nvmx_params_default(k, &p);
	unsigned np = fin_u8(in) % 3;
	for (unsigned i = 0; i < np; i++) {
		enum nvmx_param which = (enum nvmx_param)(fin_u8(in) % NVMX_P_COUNT);
		uint32_t v = fin_u32(in);
		if (!nvmx_kernel_has_param(k, which))
			continue;
		p.val[which] = which == NVMX_P_PT_MODE ? (int64_t)(v % 2) :
			       which >= NVMX_P_PLE_GAP ? (int64_t)v : (int64_t)(v & 1);
		p.given |= UINT32_C(1) << which;
	}
	nvmx_fleet_host_init(fh, &h, k, &p, NULL);
	*weight = 1 + fin_u8(in) % 4;
}

/* -DFUZZ_STATS: how many fleets had a baseline to check (printed at exit). */
#ifdef FUZZ_STATS
static unsigned long st_fleets, st_ok, st_members;
static void print_stats(void)
{
	fprintf(stderr, "fleets %lu with a baseline %lu members checked %lu\n", st_fleets, st_ok,
		st_members);
}
#define STAT(x) ((x)++)
#else
#define STAT(x) ((void)0)
#endif

static void same_baseline(const struct nvmx_baseline *a, const struct nvmx_baseline *b, const char *how)
{
	FUZZ_CHECK(a->status == b->status, "%s: status %d vs %d", how, (int)a->status, (int)b->status);
	FUZZ_CHECK(a->members == b->members, "%s: members %llu vs %llu", how, a->members, b->members);
	if (a->status != NVMX_BASELINE_OK)
		return;
	FUZZ_CHECK(nvmx_fleet_msrs_equal(&a->msrs, &b->msrs), "%s: values differ", how);
	FUZZ_CHECK(a->timer_dropped == b->timer_dropped, "%s: timer_dropped differs", how);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nvmx_fleet_host m[MAX_MEMBERS];
	static struct nvmx_migration mig;
	unsigned long long w[MAX_MEMBERS];
	struct fuzz_in in = { data, size };
#ifdef FUZZ_STATS
	if (!st_fleets++)
		atexit(print_stats);
#endif
	unsigned n = 1 + fin_u8(&in) % MAX_MEMBERS;
	bool all_usable = true;
	for (unsigned i = 0; i < n; i++) {
		read_member(&in, &m[i], &w[i]);
		all_usable &= m[i].usable;
	}

	struct nvmx_baseline fwd, rev, lo, hi;
	nvmx_baseline_init(&fwd);
	nvmx_baseline_init(&rev);
	nvmx_baseline_init(&lo);
	nvmx_baseline_init(&hi);
	for (unsigned i = 0; i < n; i++) {
		nvmx_baseline_add(&fwd, &m[i], w[i]);
		nvmx_baseline_add(&rev, &m[n - 1 - i], w[n - 1 - i]);
		nvmx_baseline_add(i < n / 2 ? &lo : &hi, &m[i], w[i]);
	}
	nvmx_baseline_merge(&lo, &hi);
	same_baseline(&fwd, &rev, "reverse order");
	same_baseline(&fwd, &lo, "two merged halves");
	FUZZ_CHECK(nvmx_baseline_status_text(fwd.status) != NULL, "status text");
	if (!all_usable)
		FUZZ_CHECK(fwd.status == NVMX_BASELINE_UNUSABLE, "an unusable member, status %d",
			   (int)fwd.status);
	if (fwd.status != NVMX_BASELINE_OK)
		return 0;

	STAT(st_ok);
	struct nvmx_fleet_features bf;
	nvmx_fleet_features(&fwd.msrs, &bf);
	for (unsigned i = 0; i < n; i++) {
		nvmx_fleet_restore(&mig, &m[i], &fwd.msrs, NVMX_POLICY_STRICT);
		STAT(st_members);
		if (!mig.migratable) {
			char why[1024];
			const struct nvmx_write *x = &mig.writes[mig.first_failure];
			nvmx_result_describe(&x->r, why, sizeof(why));
			FUZZ_CHECK(0, "member %u of %u (release %s) refuses the baseline's %s 0x%llx: %s", i, n,
				   nvmx_kernel_name(m[i].s.kvm.kernel), nvmx_msr_desc(x->id)->sdm,
				   (unsigned long long)x->value, why);
		}
		struct nvmx_fleet_features of;
		nvmx_fleet_features(&m[i].offer, &of);
		FUZZ_CHECK(nvmx_fleet_features_lost(&bf, &of) == 0,
			   "the baseline has features member %u lacks", i);
		struct nvmx_fleet_loss loss;
		nvmx_fleet_loss(&m[i].offer, &fwd.msrs, &loss);
		FUZZ_CHECK(loss.features == nvmx_fleet_features_lost(&of, &bf),
			   "member %u: loss %u, features lost %u", i, loss.features,
			   nvmx_fleet_features_lost(&of, &bf));
	}
	return 0;
}
