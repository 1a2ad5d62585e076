/* SPDX-License-Identifier: MIT */
/*
 * QEMU's VMX writes against the restore model: one fresh vCPU set up as
 * QEMU sets it up, the writes in QEMU's order, the flags that make a VM
 * start, and the explanation of one rejected write.
 */
#include "nvmx/qemu.h"
#include "kernels.h"
#include "names.h"
#include "fmt.h"
#include "qemu_words.h"

#define B(n) (UINT64_C(1) << (n))

/* BASIC and MISC bits KVM lets userspace only keep or clear (feature and reserved bits). */
#define BASIC_KEEP_OR_CLEAR	UINT64_C(0xffc2e00080000000)
#define MISC_KEEP_OR_CLEAR	UINT64_C(0x00000000f000ffe0)

void nvmx_qemu_vcpu(struct nvmx_vcpu *vcpu, const struct nvmx_qemu_env *env,
		    const struct nvmx_qemu_plan *plan)
{
	nvmx_vcpu_init(vcpu, env->kvm, 0);
	nvmx_vcpu_set_cpuid(vcpu, env->cpuid_override ? env->guest_cpuid : plan->cpuid,
			    plan->pmu_version);
}

void nvmx_qemu_replay(struct nvmx_qemu_replay *out, const struct nvmx_qemu_plan *plan,
		      struct nvmx_vcpu *vcpu)
{
	*out = (struct nvmx_qemu_replay){ 0 };
	out->first = -1;
	for (unsigned i = 0; i < plan->nwrites; i++) {
		out->r[i] = nvmx_vcpu_set_msr(vcpu, plan->writes[i].index, plan->writes[i].value);
		if (out->r[i].rc) {
			if (out->first < 0)
				out->first = (int)i;
			out->nrejected++;
		}
	}
	out->starts = plan->stop == NVMX_QSTOP_NONE && !out->nrejected;
}

bool nvmx_qemu_run(const struct nvmx_qemu_env *env, const struct nvmx_qemu_cpu *cpu,
		   struct nvmx_qemu_plan *plan, struct nvmx_qemu_replay *rep)
{
	struct nvmx_vcpu vcpu;
	nvmx_qemu_plan(plan, cpu, env->host, env->release);
	nvmx_qemu_vcpu(&vcpu, env, plan);
	nvmx_qemu_replay(rep, plan, &vcpu);
	return rep->starts;
}

enum nvmx_qwrite_state nvmx_qemu_write_state(const struct nvmx_qemu_replay *rep, unsigned i)
{
	if (rep->r[i].rc)
		return (int)i == rep->first ? NVMX_QWRITE_REJECTED : NVMX_QWRITE_REJECTED_TOO;
	return rep->first >= 0 && (int)i > rep->first ? NVMX_QWRITE_NOT_REACHED : NVMX_QWRITE_ACCEPTED;
}

/* ---- Flags that make it start ------------------------------------------------ */

const char *nvmx_qemu_fix_item_str(const struct nvmx_qemu_fix_item *it, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	bool minus = it->kind == NVMX_QFIX_VMX_MINUS || it->kind == NVMX_QFIX_CPUID_MINUS;
	if (minus)
		fmt_str(&f, "-");
	fmt_str(&f, it->name);
	if (!minus)
		fmt_str(&f, "=off");
	return buf;
}

void nvmx_qemu_fix_apply(struct nvmx_qemu_cpu *cpu, const struct nvmx_qemu_fix_item *items,
			 unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct nvmx_qemu_fix_item *it = &items[i];
		uint64_t f = it->feature >= 0 ? NVMX_FEAT(it->feature) : 0;
		switch (it->kind) {
		case NVMX_QFIX_VMX_OFF:
			cpu->prop_mask.w[it->word] |= it->mask;
			cpu->prop_val.w[it->word] &= ~it->mask;
			break;
		case NVMX_QFIX_VMX_MINUS:
			cpu->minus.w[it->word] |= it->mask;
			break;
		case NVMX_QFIX_CPUID_OFF:
			cpu->cpuid_prop_mask |= f;
			cpu->cpuid_prop_val &= ~f;
			break;
		case NVMX_QFIX_CPUID_MINUS:
			cpu->cpuid_minus |= f;
			break;
		}
	}
}

static bool has_item(const struct nvmx_qemu_fix *fx, const char *name)
{
	for (unsigned i = 0; i < fx->n; i++)
		if (nvmx_name_eq(fx->item[i].name, name))
			return true;
	return false;
}

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* Add the flag turning off bit `bit` of word w; true when it is new. */
static bool add_vmx_item(struct nvmx_qemu_fix *fx, const struct nvmx_qemu_env *env,
			 const struct nvmx_qemu_cpu *cpu, enum nvmx_qword w, unsigned bit)
{
	const char *name = nvmx_qemu_bit_name(env->release, w, bit);
	struct nvmx_qwords mask;
	if (!name || has_item(fx, name) || fx->n >= NVMX_QEMU_MAX_FIX ||
	    !nvmx_qemu_prop_lookup(env->release, name, slen(name), &mask))
		return false;
	struct nvmx_qemu_fix_item *it = &fx->item[fx->n++];
	it->kind = cpu->plus.w[w] & B(bit) ? NVMX_QFIX_VMX_MINUS : NVMX_QFIX_VMX_OFF;
	it->word = w;
	it->mask = mask.w[w];
	it->feature = -1;
	it->name = name;
	return true;
}

static bool add_cpuid_item(struct nvmx_qemu_fix *fx, const struct nvmx_qemu_cpu *cpu, int f)
{
	const char *name = nvmx_feature_name((enum nvmx_feature)f);
	if (!name || has_item(fx, name) || fx->n >= NVMX_QEMU_MAX_FIX)
		return false;
	struct nvmx_qemu_fix_item *it = &fx->item[fx->n++];
	it->kind = cpu->cpuid_plus & NVMX_FEAT(f) ? NVMX_QFIX_CPUID_MINUS : NVMX_QFIX_CPUID_OFF;
	it->word = NVMX_QW_PINBASED;
	it->mask = 0;
	it->feature = f;
	it->name = name;
	return true;
}

/* The control or feature bits of a rejected write, as word bits QEMU could turn off. */
static bool add_for_result(struct nvmx_qemu_fix *fx, const struct nvmx_qemu_env *env,
			   const struct nvmx_qemu_cpu *cpu, const struct nvmx_result *r)
{
	int w = nvmx_qword_of_msr(r->msr);
	bool added = false;
	if (w < 0)
		return false;
	switch (r->reason) {
	case NVMX_R_ALLOWED1_ADDED:
	case NVMX_R_MUST1_DROPPED:
	case NVMX_R_BASIC_FEATURE:
	case NVMX_R_MISC_FEATURE:
	case NVMX_R_BITS_ADDED:
		break;
	default:
		return false;
	}
	bool control = nvmx_qword_is_control((enum nvmx_qword)w);
	for (unsigned b = 0; b < 64; b++)
		if ((r->bits >> b) & 1)
			added |= add_vmx_item(fx, env, cpu, (enum nvmx_qword)w,
					      control && b >= 32 ? b - 32 : b);
	return added;
}

/* The items found so far, applied to a copy of cpu, skipping item `skip` (or none). */
static bool try_items(const struct nvmx_qemu_env *env, const struct nvmx_qemu_cpu *cpu,
		      const struct nvmx_qemu_fix *fx, int skip, struct nvmx_qemu_plan *plan,
		      struct nvmx_qemu_replay *rep, unsigned *runs)
{
	struct nvmx_qemu_cpu c = *cpu;
	for (unsigned i = 0; i < fx->n; i++)
		if ((int)i != skip)
			nvmx_qemu_fix_apply(&c, &fx->item[i], 1);
	(*runs)++;
	return nvmx_qemu_run(env, &c, plan, rep);
}

void nvmx_qemu_find_fix(struct nvmx_qemu_fix *out, const struct nvmx_qemu_env *env,
			const struct nvmx_qemu_cpu *cpu)
{
	struct nvmx_qemu_plan plan;
	struct nvmx_qemu_replay rep;
	*out = (struct nvmx_qemu_fix){ 0 };
	if (try_items(env, cpu, out, -1, &plan, &rep, &out->runs))
		return;
	out->needed = true;

	for (unsigned round = 0; round < 2 * NVMX_QEMU_MAX_FIX; round++) {
		bool progress = false;
		if (plan.stop == NVMX_QSTOP_NO_KVM)
			break;
		if (plan.stop == NVMX_QSTOP_ENFORCE) {
			/* CPUID flags first: without vmx no vmx-* bit is requested at all. */
			for (int f = 0; f < NVMX_F_COUNT; f++)
				if (plan.cpuid_filtered & NVMX_FEAT(f))
					progress |= add_cpuid_item(out, cpu, f);
			for (int w = 0; w < NVMX_QW_COUNT; w++)
				for (unsigned b = 0; b < 64; b++)
					if (((plan.filtered.w[w] | plan.dep_warned.w[w]) >> b) & 1)
						progress |= add_vmx_item(out, env, cpu,
									 (enum nvmx_qword)w, b);
		} else {
			for (unsigned i = 0; i < plan.nwrites; i++) {
				if (!rep.r[i].rc)
					continue;
				bool a = add_for_result(out, env, cpu, &rep.r[i]);
				if (!a && !out->blocker_set) {
					out->blocker = rep.r[i];
					out->blocker_set = true;
				}
				progress |= a;
			}
		}
		if (!progress)
			break;
		if (try_items(env, cpu, out, -1, &plan, &rep, &out->runs)) {
			out->found = true;
			break;
		}
	}
	/*
	 * Without VMX in the guest QEMU writes no VMX MSR at all: the last
	 * resort when no vmx-* flag helps (nested=0 before QEMU 5.0, say).
	 */
	if (!out->found && (plan.cpuid_requested & NVMX_FEAT(NVMX_F_VMX)) &&
	    plan.stop != NVMX_QSTOP_NO_KVM) {
		out->n = 0;
		add_cpuid_item(out, cpu, NVMX_F_VMX);
		out->found = try_items(env, cpu, out, -1, &plan, &rep, &out->runs);
		if (!out->found)
			out->n = 0;
	}
	if (!out->found) {
		out->n = 0;
		return;
	}
	out->blocker_set = false;
	/* Drop every flag it starts without, last found first. */
	for (int i = (int)out->n - 1; i >= 0; i--) {
		if (!try_items(env, cpu, out, i, &plan, &rep, &out->runs))
			continue;
		for (unsigned j = (unsigned)i; j + 1 < out->n; j++)
			out->item[j] = out->item[j + 1];
		out->n--;
	}
	out->found = try_items(env, cpu, out, -1, &plan, &rep, &out->runs);
}

/* ---- One write, explained --------------------------------------------------------- */

const char *nvmx_qemu_flag_for_bit(const struct nvmx_qemu_release *r, enum nvmx_msr_id id,
				   unsigned bit)
{
	int w = nvmx_qword_of_msr(id);
	if (w < 0 || bit > 63)
		return 0;
	if (nvmx_qword_is_control((enum nvmx_qword)w) && bit >= 32)
		bit -= 32;
	return nvmx_qemu_bit_name(r, (enum nvmx_qword)w, bit);
}

void nvmx_qemu_explain(struct nvmx_qemu_explain *out, const struct nvmx_kvm *kvm,
		       bool cpuid_set, uint64_t cpuid, unsigned pmu_version,
		       uint32_t index, uint64_t value)
{
	struct nvmx_vcpu vcpu;
	*out = (struct nvmx_qemu_explain){ 0 };
	out->value = value;
	out->id = index >= NVMX_MSR_BASE && index < NVMX_MSR_BASE + NVMX_MSR_COUNT
			  ? (enum nvmx_msr_id)(index - NVMX_MSR_BASE) : NVMX_MSR_COUNT;
	nvmx_vcpu_init(&vcpu, kvm, 0);
	if (cpuid_set)
		nvmx_vcpu_set_cpuid(&vcpu, cpuid, pmu_version);

	if (index >= NVMX_MSR_BASE && index < NVMX_MSR_BASE + NVMX_MSR_COUNT &&
	    kvm->status == NVMX_LOAD_OK && kvm->nested) {
		enum nvmx_msr_id id = out->id;
		uint64_t v = 0;
		/* What the write is checked against: the vCPU's values up to 5.19, N from 6.0. */
		if (kvm->kernel->restore_vs_vcpu) {
			out->against_vcpu = true;
			out->offered_valid = !nvmx_vcpu_get_msr(&vcpu, index, false, &v).rc;
		} else if (id <= NVMX_VMFUNC) {
			v = nvmx_caps_read(&kvm->caps, id);
			out->offered_valid = true;
		}
		out->offered = v;
	}
	out->r = nvmx_vcpu_set_msr(&vcpu, index, value);
	if (!out->offered_valid)
		return;

	uint64_t off = out->offered;
	switch (out->id) {
	case NVMX_TRUE_PINBASED: case NVMX_TRUE_PROCBASED: case NVMX_TRUE_EXIT:
	case NVMX_TRUE_ENTRY: case NVMX_PROCBASED2:
	case NVMX_PINBASED: case NVMX_PROCBASED: case NVMX_EXIT: case NVMX_ENTRY:
		out->added = (uint64_t)(nvmx_hi(value) & ~nvmx_hi(off)) << 32;
		out->dropped = nvmx_lo(off) & ~nvmx_lo(value);
		break;
	case NVMX_BASIC:
		out->added = (value & BASIC_KEEP_OR_CLEAR & ~off) | (value & B(48));
		if ((value & 0x7fffffff) != (off & 0x7fffffff))
			out->differs |= 0x7fffffff;
		if (((value >> 32) & 0x1fff) < ((off >> 32) & 0x1fff))
			out->differs |= UINT64_C(0x1fff) << 32;
		break;
	case NVMX_MISC:
		out->added = value & MISC_KEEP_OR_CLEAR & ~off;
		if ((value & 0x1f) != (off & 0x1f))
			out->differs |= 0x1f;
		if (((value >> 16) & 0x1ff) > ((off >> 16) & 0x1ff))
			out->differs |= UINT64_C(0x1ff) << 16;
		if (((value >> 25) & 7) > ((off >> 25) & 7))
			out->differs |= UINT64_C(7) << 25;
		if (nvmx_hi(value) != nvmx_hi(off))
			out->differs |= UINT64_C(0xffffffff) << 32;
		break;
	case NVMX_EPT_VPID_CAP: case NVMX_VMFUNC:
		out->added = value & ~off;
		break;
	case NVMX_CR0_FIXED0: case NVMX_CR4_FIXED0:
		out->dropped = off & ~value;
		break;
	default:
		break;
	}
}
