/* SPDX-License-Identifier: MIT */
/*
 * What `nvmx explain` tells the user to do about each difference that would
 * make an accepted write fail (or hide an offered feature): the way back
 * from that difference, and the vmx-*=off flags that avoid what KVM then
 * refuses.  In the library so that a program gets the same fixes.
 */
#include "nvmx/explain.h"
#include "fmt.h"

/* needle occurs in hay (as strstr: a flag that is a prefix of one listed counts as listed). */
static bool contains(const char *hay, const char *needle)
{
	for (; *hay; hay++) {
		size_t i = 0;
		while (needle[i] && hay[i] == needle[i])
			i++;
		if (!needle[i])
			return true;
	}
	return !*needle;
}

bool nvmx_env_change_folded(const struct nvmx_env_change *c)
{
	return (c->kind == NVMX_CH_HOST_HIDES || c->kind == NVMX_CH_HOST_FORCES) &&
	       (c->hide_mask & (c->hide_mask - 1));
}

/* The first QEMU release with `has`, or NULL. */
static const struct nvmx_qemu_release *first_qemu(bool (*has)(const struct nvmx_qemu_release *))
{
	for (unsigned i = 0; i < nvmx_qemu_release_count(); i++)
		if (has(nvmx_qemu_release_at(i)))
			return nvmx_qemu_release_at(i);
	return 0;
}

static bool drops_bndcfgs(const struct nvmx_qemu_release *q)
{
	return q->mpx_dep;
}

static bool drops_wait_pause(const struct nvmx_qemu_release *q)
{
	return q->waitpkg_dep == NVMX_QWAITPKG_FORWARD;
}

static const char *fix_text(const struct nvmx_env_change *c)
{
	switch (c->kind) {
	case NVMX_CH_STATE_EVMCS:
		return "turn off hv-evmcs for this guest (or drop hv-passthrough)";
	case NVMX_CH_STATE_HAS_RUN:
		return "write the VMX MSRs before the first KVM_RUN (QEMU does, at vCPU creation)";
	case NVMX_CH_GUEST_NO_MPX:
		return "give the guest MPX (+mpx), as the host has it";
	case NVMX_CH_GUEST_NO_WAITPKG:
		return "give the guest WAITPKG (+waitpkg), as the host has it";
	case NVMX_CH_GUEST_NO_PMU:
		return "give the guest a PMU (pmu=on)";
	case NVMX_CH_HOST_HYPERV:
		return "run KVM on bare metal, or load kvm_intel with enlightened_vmcs=0";
	case NVMX_CH_HOST_HIDES:
		if (nvmx_env_change_folded(c))
			return "have the outer hypervisor expose the hidden one, or turn that one off in the "
			       "guest (-cpu ...,vmx-NAME=off; nvmx decode on the L1 host's dump shows which)";
		return "have the outer hypervisor expose it, or turn it off in the guest";
	case NVMX_CH_HOST_FORCES:
		return "an outer hypervisor that lets L1 clear the control, or KVM on bare metal "
		       "(no vmx-* flag helps: QEMU already writes it 0)";
	case NVMX_CH_RELEASE:
		return "stay on the release explained here";
	default:
		return "";
	}
}

size_t nvmx_env_change_fix(const struct nvmx_env_change *c, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	const struct nvmx_qemu_release *q;
	fmt_str(&f, fix_text(c));
	switch (c->kind) {
	case NVMX_CH_GUEST_NO_MPX:
		/* A QEMU release that drops the BNDCFGS controls itself for such a guest. */
		if ((q = first_qemu(drops_bndcfgs))) {
			fmt_str(&f, "; or QEMU ");
			fmt_str(&f, q->name);
			fmt_str(&f, " or later, which drops the BNDCFGS controls for a guest without MPX");
		}
		break;
	case NVMX_CH_GUEST_NO_WAITPKG:
		if ((q = first_qemu(drops_wait_pause))) {
			fmt_str(&f, "; or QEMU ");
			fmt_str(&f, q->name);
			fmt_str(&f, " or later, which drops vmx-enable-user-wait-pause for a guest without WAITPKG");
		}
		break;
	case NVMX_CH_PARAM:
		fmt_str(&f, "load kvm_intel with ");
		fmt_str(&f, nvmx_param_name(c->param));
		fmt_str(&f, c->param_value ? "=0" : "=1");
		break;
	case NVMX_CH_QEMU_RELEASE: {
		unsigned i = nvmx_qemu_release_index(c->qemu) + 1;
		fmt_str(&f, "QEMU ");
		fmt_str(&f, i < nvmx_qemu_release_count() ? nvmx_qemu_release_at(i)->name : "newer");
		fmt_str(&f, " or later, which takes 0x48b's allowed-1 bits from KVM when KVM lists them");
		break;
	}
	default:
		break;
	}
	return f.len;
}

size_t nvmx_env_change_cpu_flags(const struct nvmx_env_change *c, const struct nvmx_probe *p, char *buf,
				 size_t n)
{
	struct fmt f = fmt_init(buf, n);
	/* A feature QEMU drops itself; an example of several hidden bits; a control QEMU writes 0. */
	if (p->feature || nvmx_env_change_folded(c) || c->kind == NVMX_CH_HOST_FORCES ||
	    c->r.msr >= NVMX_MSR_COUNT)
		return 0;
	for (unsigned b = 0; b < 64; b++) {
		if (!((c->r.bits >> b) & 1))
			continue;
		const char *flag = nvmx_qemu_flag_for_bit(nvmx_qemu_release_default(), c->r.msr, b);
		if (!flag || (buf && n && contains(buf, flag)))
			continue;
		if (f.len)
			fmt_str(&f, ",");
		fmt_str(&f, flag);
		fmt_str(&f, "=off");
	}
	return f.len;
}
