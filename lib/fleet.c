/* SPDX-License-Identifier: MIT */
/*
 * Fleet members, their offers, the baseline every member accepts, what each
 * member gives up for it, and the hashes that let a large fleet be checked
 * once per unique profile.
 */
#include "nvmx/fleet.h"
#include "vmx_bits.h"

/* KVM checks these BASIC bits may only be kept or cleared (vcpu.c: BASIC_CHECKED). */
#define BASIC_FLAGS	UINT64_C(0xffc2e00080000000)
/* Fields with their own rule: revision 30:0, VMCS size 44:32, memory type 53:50. */
#define BASIC_REVISION	UINT64_C(0x7fffffff)
#define BASIC_SIZE	(BASIC_SIZE_MASK << BASIC_SIZE_SHIFT)
#define BASIC_MEMTYPE	(BASIC_MEMTYPE_MASK << BASIC_MEMTYPE_SHIFT)
/* MISC flag bits KVM checks (vcpu.c: MISC_CHECKED). */
#define MISC_FLAGS	UINT64_C(0x00000000f000ffe0)
#define MISC_RATE	((uint64_t)MISC_TIMER_RATE)
#define MISC_CR3	((uint64_t)MISC_CR3_COUNT_MASK << MISC_CR3_COUNT_SHIFT)
#define MISC_MSRS	((uint64_t)MISC_MAX_MSR_MASK << MISC_MAX_MSR_SHIFT)
#define MISC_MSEG	(UINT64_C(0xffffffff) << 32)

static bool is_control(enum nvmx_msr_id id)
{
	return id == NVMX_PROCBASED2 || (id >= NVMX_TRUE_PINBASED && id <= NVMX_TRUE_ENTRY);
}

/* ---- Members -------------------------------------------------------------- */

void nvmx_fleet_host_init(struct nvmx_fleet_host *fh, const struct nvmx_host *h,
			  const struct nvmx_kernel *k, const struct nvmx_params *p,
			  const struct nvmx_vm *vm)
{
	nvmx_scenario_init(&fh->s, h, false, k, p);
	if (vm)
		fh->s.vm = *vm;
	fh->usable = nvmx_scenario_usable(&fh->s);
	nvmx_scenario_save(&fh->s, &fh->offer);
}

void nvmx_fleet_host_revoke(struct nvmx_fleet_host *fh)
{
	nvmx_scenario_revoke(&fh->s);
}

void nvmx_fleet_restore(struct nvmx_migration *out, const struct nvmx_fleet_host *dst,
			const struct nvmx_msrs *saved, enum nvmx_policy policy)
{
	struct nvmx_vcpu v;
	nvmx_scenario_vcpu_as(&dst->s, &v, policy);
	nvmx_migrate(out, &v, saved, nvmx_order_qemu, NVMX_RESTORABLE_COUNT);
}

void nvmx_fleet_target(struct nvmx_target *t, const struct nvmx_fleet_host *dst,
		       enum nvmx_policy policy)
{
	struct nvmx_vcpu v;
	nvmx_scenario_vcpu_as(&dst->s, &v, policy);
	nvmx_target_compile(t, &v, nvmx_order_qemu, NVMX_RESTORABLE_COUNT);
}

/* ---- Hashing ---------------------------------------------------------------- */

/* A multiply-xorshift mixer over 64-bit words; bytes are packed little-endian. */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 29;
	return h;
}

uint64_t nvmx_fleet_hash_bytes(uint64_t seed, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = mix(seed, n);
	while (n) {
		uint64_t w = 0;
		unsigned k = n < 8 ? (unsigned)n : 8;
		for (unsigned i = 0; i < k; i++)
			w |= (uint64_t)s[i] << (8 * i);
		h = mix(h, w);
		s += k;
		n -= k;
	}
	return h;
}

/* Saved values: every present MSR and its value (absent ones do not count). */
static uint64_t msrs_hash(uint64_t seed, const struct nvmx_msrs *m)
{
	uint64_t h = mix(seed, m->present);
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (nvmx_msrs_has(m, (enum nvmx_msr_id)id))
			h = mix(h, m->val[id]);
	return h;
}

bool nvmx_fleet_msrs_equal(const struct nvmx_msrs *a, const struct nvmx_msrs *b)
{
	if (a->present != b->present)
		return false;
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (nvmx_msrs_has(a, (enum nvmx_msr_id)id) && a->val[id] != b->val[id])
			return false;
	return true;
}

static bool str_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

static uint64_t params_hash(uint64_t h, const struct nvmx_params *p)
{
	if (!p)
		return mix(h, 0xfeed);
	h = mix(h, p->given);
	for (int i = 0; i < NVMX_P_COUNT; i++)
		h = mix(h, (uint64_t)p->val[i]);
	return h;
}

uint64_t nvmx_fleet_profile_hash(const struct nvmx_host *h, const struct nvmx_kernel *k,
				 const struct nvmx_params *p)
{
	uint64_t x = msrs_hash(0x6e766d78, &h->msrs);
	size_t vl = 0;
	while (vl < sizeof(h->vendor) && h->vendor[vl])
		vl++;
	x = nvmx_fleet_hash_bytes(x, h->vendor, vl);
	x = mix(x, (uint64_t)h->family << 40 | (uint64_t)h->model << 16 | h->stepping);
	x = mix(x, h->features);
	x = mix(x, h->hyperv_evmcs);
	const char *kn = k ? nvmx_kernel_name(k) : "";
	size_t kl = 0;
	while (kn[kl])
		kl++;
	x = nvmx_fleet_hash_bytes(x, kn, kl);
	return params_hash(x, p);
}

static bool params_equal(const struct nvmx_params *a, const struct nvmx_params *b)
{
	if (!a || !b)
		return a == b;
	if (a->given != b->given)
		return false;
	for (int i = 0; i < NVMX_P_COUNT; i++)
		if (a->val[i] != b->val[i])
			return false;
	return true;
}

bool nvmx_fleet_profile_equal(const struct nvmx_host *ha, const struct nvmx_kernel *ka,
			      const struct nvmx_params *pa, const struct nvmx_host *hb,
			      const struct nvmx_kernel *kb, const struct nvmx_params *pb)
{
	return ka == kb && nvmx_fleet_msrs_equal(&ha->msrs, &hb->msrs) &&
	       str_eq(ha->vendor, hb->vendor, sizeof(ha->vendor)) && ha->family == hb->family &&
	       ha->model == hb->model && ha->stepping == hb->stepping &&
	       ha->features == hb->features && ha->hyperv_evmcs == hb->hyperv_evmcs &&
	       params_equal(pa, pb);
}

static uint64_t caps_hash(uint64_t h, const struct nvmx_caps *c)
{
	h = mix(h, (uint64_t)c->pin_lo << 32 | c->pin_hi);
	h = mix(h, (uint64_t)c->proc_lo << 32 | c->proc_hi);
	h = mix(h, (uint64_t)c->proc2_lo << 32 | c->proc2_hi);
	h = mix(h, (uint64_t)c->exit_lo << 32 | c->exit_hi);
	h = mix(h, (uint64_t)c->entry_lo << 32 | c->entry_hi);
	h = mix(h, (uint64_t)c->misc_lo << 32 | c->misc_hi);
	h = mix(h, c->basic);
	h = mix(h, c->cr0_fixed0);
	h = mix(h, c->cr0_fixed1);
	h = mix(h, c->cr4_fixed0);
	h = mix(h, c->cr4_fixed1);
	h = mix(h, c->vmcs_enum);
	h = mix(h, (uint64_t)c->ept_caps << 32 | c->vpid_caps);
	return mix(h, c->vmfunc);
}

static bool caps_equal(const struct nvmx_caps *a, const struct nvmx_caps *b)
{
	return a->pin_lo == b->pin_lo && a->pin_hi == b->pin_hi && a->proc_lo == b->proc_lo &&
	       a->proc_hi == b->proc_hi && a->proc2_lo == b->proc2_lo &&
	       a->proc2_hi == b->proc2_hi && a->exit_lo == b->exit_lo && a->exit_hi == b->exit_hi &&
	       a->entry_lo == b->entry_lo && a->entry_hi == b->entry_hi &&
	       a->misc_lo == b->misc_lo && a->misc_hi == b->misc_hi && a->basic == b->basic &&
	       a->cr0_fixed0 == b->cr0_fixed0 && a->cr0_fixed1 == b->cr0_fixed1 &&
	       a->cr4_fixed0 == b->cr4_fixed0 && a->cr4_fixed1 == b->cr4_fixed1 &&
	       a->vmcs_enum == b->vmcs_enum && a->ept_caps == b->ept_caps &&
	       a->vpid_caps == b->vpid_caps && a->vmfunc == b->vmfunc;
}

/* A VM with its own CPUID or quirks: its vCPUs depend on more than KVM's MSRs. */
static bool vm_plain(const struct nvmx_fleet_host *fh)
{
	return !fh->s.vm.cpuid_set && !fh->s.vm.quirks_disabled;
}

/*
 * A fresh vCPU without KVM_SET_CPUID2, state or disabled quirks, written
 * each restorable MSR once: nvmx_vcpu_set_msr then reads only whether KVM
 * runs nested guests, its nested MSRs (the vCPU starts with them; before
 * 6.0 writes are checked against the vCPU's own values, which for an MSR not
 * yet written are the same), and the revoke list.  The release's other
 * rules (freezing after KVM_RUN, the VMXON check, CPUID stuffing) need state
 * a fresh vCPU does not have.  With a guest CPUID or disabled quirks the
 * vCPU's own values differ from KVM's and the release's rules read the
 * CPUID: then the release, the VM and the vCPU's values count too.
 * tests/test_fleet.c checks this equivalence against direct restores.
 */
uint64_t nvmx_fleet_restore_hash(const struct nvmx_fleet_host *fh, enum nvmx_policy policy)
{
	uint64_t h = mix(0x7265, fh->usable);
	if (!fh->usable)
		return h;
	h = caps_hash(h, &fh->s.kvm.caps);
	if (policy != NVMX_POLICY_STRICT && fh->s.has_revoke)
		for (int id = 0; id < NVMX_MSR_COUNT; id++)
			h = mix(h, fh->s.revoke.hi[id]);
	if (!vm_plain(fh)) {
		struct nvmx_vcpu v;
		nvmx_scenario_vcpu_as(&fh->s, &v, NVMX_POLICY_STRICT);
		h = mix(h, (uint64_t)(uintptr_t)fh->s.kvm.kernel);
		h = mix(h, fh->s.vm.guest_features);
		h = mix(h, (uint64_t)fh->s.vm.pmu_version << 1 | fh->s.vm.cpuid_set);
		h = mix(h, fh->s.vm.quirks_disabled);
		h = caps_hash(h, &v.v);
	}
	return h;
}

static bool vm_equal(const struct nvmx_vm *a, const struct nvmx_vm *b)
{
	return a->cpuid_set == b->cpuid_set && a->guest_features == b->guest_features &&
	       a->pmu_version == b->pmu_version && a->quirks_disabled == b->quirks_disabled;
}

bool nvmx_fleet_same_restore(const struct nvmx_fleet_host *a, const struct nvmx_fleet_host *b,
			     enum nvmx_policy policy)
{
	if (a->usable != b->usable)
		return false;
	if (!a->usable)
		return true;
	if (!caps_equal(&a->s.kvm.caps, &b->s.kvm.caps))
		return false;
	if (policy != NVMX_POLICY_STRICT) {
		if (a->s.has_revoke != b->s.has_revoke)
			return false;
		if (a->s.has_revoke)
			for (int id = 0; id < NVMX_MSR_COUNT; id++)
				if (a->s.revoke.hi[id] != b->s.revoke.hi[id])
					return false;
	}
	if (vm_plain(a) != vm_plain(b) || !vm_equal(&a->s.vm, &b->s.vm))
		return false;
	if (!vm_plain(a)) {
		struct nvmx_vcpu va, vb;
		if (a->s.kvm.kernel != b->s.kvm.kernel)
			return false;
		nvmx_scenario_vcpu_as(&a->s, &va, NVMX_POLICY_STRICT);
		nvmx_scenario_vcpu_as(&b->s, &vb, NVMX_POLICY_STRICT);
		if (!caps_equal(&va.v, &vb.v))
			return false;
	}
	return true;
}

static uint64_t class_hash(const struct nvmx_fleet_host *fh, enum nvmx_fleet_classing by,
			   enum nvmx_policy policy)
{
	if (by == NVMX_CLASS_OFFER)
		return mix(msrs_hash(0x6f666672, &fh->offer), fh->usable);
	return nvmx_fleet_restore_hash(fh, policy);
}

static bool same_class(const struct nvmx_fleet_host *a, const struct nvmx_fleet_host *b,
		       enum nvmx_fleet_classing by, enum nvmx_policy policy)
{
	if (by == NVMX_CLASS_OFFER)
		return a->usable == b->usable && nvmx_fleet_msrs_equal(&a->offer, &b->offer);
	return nvmx_fleet_same_restore(a, b, policy);
}

unsigned nvmx_fleet_classify(const struct nvmx_fleet_host *fh, const unsigned long long *weight,
			     unsigned n, enum nvmx_fleet_classing by, enum nvmx_policy policy,
			     unsigned *table, size_t cap, struct nvmx_fleet_class *classes,
			     unsigned *class_of)
{
	unsigned nc = 0;
	for (size_t s = 0; s < cap; s++)
		table[s] = 0;
	/* Open addressing: table holds class index + 1; equal hashes are compared in full. */
	for (unsigned i = 0; i < n; i++) {
		uint64_t h = class_hash(&fh[i], by, policy);
		size_t s = h & (cap - 1);
		for (; table[s]; s = (s + 1) & (cap - 1)) {
			const struct nvmx_fleet_class *k = &classes[table[s] - 1];
			if (k->hash == h && same_class(&fh[k->rep], &fh[i], by, policy))
				break;
		}
		if (!table[s]) {
			classes[nc] = (struct nvmx_fleet_class){ i, 0, h };
			table[s] = ++nc;
		}
		class_of[i] = table[s] - 1;
		classes[table[s] - 1].hosts += weight[i];
	}
	return nc;
}

/* ---- Features --------------------------------------------------------------- */

static uint64_t feature_word(enum nvmx_msr_id id, uint64_t v)
{
	if (is_control(id))
		return v ^ UINT64_C(0xffffffff);
	switch (id) {
	case NVMX_BASIC:
		return v & BASIC_FLAGS;
	case NVMX_MISC:
		return v & MISC_FLAGS;
	case NVMX_EPT_VPID_CAP:
	case NVMX_VMFUNC:
		return v;
	case NVMX_CR0_FIXED0:
	case NVMX_CR4_FIXED0:
		return ~v;
	default:
		return 0;
	}
}

void nvmx_fleet_features(const struct nvmx_msrs *m, struct nvmx_fleet_features *out)
{
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		out->w[id] = nvmx_msrs_has(m, (enum nvmx_msr_id)id) && nvmx_msr_restorable((enum nvmx_msr_id)id)
				     ? feature_word((enum nvmx_msr_id)id, m->val[id]) : 0;
}

static unsigned popcount64(uint64_t v)
{
	unsigned n = 0;
	while (v) {
		v &= v - 1;
		n++;
	}
	return n;
}

unsigned nvmx_fleet_features_lost(const struct nvmx_fleet_features *have,
				  const struct nvmx_fleet_features *kept)
{
	unsigned n = 0;
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		n += popcount64(have->w[id] & ~kept->w[id]);
	return n;
}

/* ---- Baseline ----------------------------------------------------------------- */

void nvmx_baseline_init(struct nvmx_baseline *b)
{
	*b = (struct nvmx_baseline){ .status = NVMX_BASELINE_EMPTY };
}

static uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* Fold values o into a (both usable and non-empty); returns the new status. */
static enum nvmx_baseline_status fold(struct nvmx_msrs *a, const struct nvmx_msrs *o,
				      bool *timer_dropped)
{
	enum nvmx_baseline_status st = NVMX_BASELINE_OK;
	uint32_t present = a->present & o->present;
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		enum nvmx_msr_id id = (enum nvmx_msr_id)i;
		if (!((present >> i) & 1))
			continue;
		uint64_t x = a->val[i], y = o->val[i];
		if (is_control(id)) {
			/* allowed-1 intersected (63:32), must-be-1 united (31:0) */
			a->val[i] = ((x & y) & ~UINT64_C(0xffffffff)) | ((x | y) & UINT64_C(0xffffffff));
			continue;
		}
		switch (id) {
		case NVMX_BASIC: {
			uint64_t own = BASIC_REVISION | BASIC_SIZE | BASIC_MEMTYPE;
			if ((x & BASIC_REVISION) != (y & BASIC_REVISION))
				st = NVMX_BASELINE_REVISION;
			uint64_t size = umax(x & BASIC_SIZE, y & BASIC_SIZE);
			a->val[i] = ((x & y) & ~own) | (x & (BASIC_REVISION | BASIC_MEMTYPE)) | size;
			break;
		}
		case NVMX_MISC: {
			uint64_t own = MISC_RATE | MISC_CR3 | MISC_MSRS | MISC_MSEG;
			if ((x & MISC_MSEG) != (y & MISC_MSEG) && st == NVMX_BASELINE_OK)
				st = NVMX_BASELINE_MSEG;
			if ((x & MISC_RATE) != (y & MISC_RATE))
				*timer_dropped = true;
			a->val[i] = ((x & y) & ~own) | (x & (MISC_RATE | MISC_MSEG)) |
				    umin(x & MISC_CR3, y & MISC_CR3) | umin(x & MISC_MSRS, y & MISC_MSRS);
			break;
		}
		case NVMX_CR0_FIXED0:
		case NVMX_CR4_FIXED0:
			a->val[i] = x | y;
			break;
		case NVMX_VMCS_ENUM:
			a->val[i] = umin(x, y);
			break;
		default:	/* EPT_VPID_CAP, VMFUNC, and anything else: bits both offer */
			a->val[i] = x & y;
			break;
		}
	}
	a->present = present;
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		if (!((present >> i) & 1))
			a->val[i] = 0;
	/* Different timer rates: the rate is checked only while the timer is allowed. */
	if (*timer_dropped && nvmx_msrs_has(a, NVMX_TRUE_PINBASED))
		a->val[NVMX_TRUE_PINBASED] &= ~((uint64_t)PIN_PREEMPT_TIMER << 32);
	return st;
}

static void merge_values(struct nvmx_baseline *b, enum nvmx_baseline_status ost,
			 const struct nvmx_msrs *o, bool o_timer, unsigned long long weight)
{
	b->members += weight;
	if (b->status == NVMX_BASELINE_UNUSABLE || ost == NVMX_BASELINE_EMPTY)
		return;
	if (ost == NVMX_BASELINE_UNUSABLE) {
		b->status = NVMX_BASELINE_UNUSABLE;
		b->msrs = (struct nvmx_msrs){ { 0 }, 0 };
		return;
	}
	b->timer_dropped |= o_timer;
	if (b->status == NVMX_BASELINE_EMPTY) {
		b->msrs = *o;
		b->status = ost;
		if (b->timer_dropped && nvmx_msrs_has(&b->msrs, NVMX_TRUE_PINBASED))
			b->msrs.val[NVMX_TRUE_PINBASED] &= ~((uint64_t)PIN_PREEMPT_TIMER << 32);
		return;
	}
	enum nvmx_baseline_status st = fold(&b->msrs, o, &b->timer_dropped);
	if (b->status == NVMX_BASELINE_OK)
		b->status = ost != NVMX_BASELINE_OK ? ost : st;
}

void nvmx_baseline_add_msrs(struct nvmx_baseline *b, const struct nvmx_msrs *offer,
			    unsigned long long weight)
{
	merge_values(b, NVMX_BASELINE_OK, offer, false, weight);
}

void nvmx_baseline_add(struct nvmx_baseline *b, const struct nvmx_fleet_host *fh,
		       unsigned long long weight)
{
	merge_values(b, fh->usable ? NVMX_BASELINE_OK : NVMX_BASELINE_UNUSABLE, &fh->offer, false,
		     weight);
}

void nvmx_baseline_merge(struct nvmx_baseline *b, const struct nvmx_baseline *o)
{
	unsigned long long w = o->members;
	if (o->status == NVMX_BASELINE_EMPTY) {
		b->members += w;
		return;
	}
	merge_values(b, o->status, &o->msrs, o->timer_dropped, w);
}

const char *nvmx_baseline_status_text(enum nvmx_baseline_status s)
{
	switch (s) {
	case NVMX_BASELINE_OK: return "ok";
	case NVMX_BASELINE_EMPTY: return "no hosts";
	case NVMX_BASELINE_UNUSABLE: return "a host runs no VMX guests (KVM does not load or nested=0)";
	case NVMX_BASELINE_REVISION: return "the hosts' VMCS revision identifiers differ";
	case NVMX_BASELINE_MSEG: return "the hosts' MSEG revision identifiers differ";
	}
	return "?";
}

void nvmx_fleet_loss(const struct nvmx_msrs *offer, const struct nvmx_msrs *baseline,
		     struct nvmx_fleet_loss *out)
{
	struct nvmx_fleet_features have, kept;
	*out = (struct nvmx_fleet_loss){ 0 };
	nvmx_fleet_features(offer, &have);
	nvmx_fleet_features(baseline, &kept);
	out->features = nvmx_fleet_features_lost(&have, &kept);
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		enum nvmx_msr_id id = (enum nvmx_msr_id)i;
		uint64_t lost = have.w[i] & ~kept.w[i];
		if (!lost)
			continue;
		if (is_control(id)) {
			out->dropped[i] = lost & ~UINT64_C(0xffffffff);
			out->forced[i] = lost & UINT64_C(0xffffffff);
		} else if (id == NVMX_CR0_FIXED0 || id == NVMX_CR4_FIXED0) {
			out->forced[i] = lost;
		} else {
			out->dropped[i] = lost;
		}
	}
	if (nvmx_msrs_has(offer, NVMX_MISC) && nvmx_msrs_has(baseline, NVMX_MISC)) {
		uint64_t o = offer->val[NVMX_MISC], b = baseline->val[NVMX_MISC];
		out->cr3_count = (b & MISC_CR3) < (o & MISC_CR3);
		out->msr_limit = (b & MISC_MSRS) < (o & MISC_MSRS);
	}
	if (nvmx_msrs_has(offer, NVMX_VMCS_ENUM) && nvmx_msrs_has(baseline, NVMX_VMCS_ENUM))
		out->vmcs_enum = baseline->val[NVMX_VMCS_ENUM] < offer->val[NVMX_VMCS_ENUM];
}
