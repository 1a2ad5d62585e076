/* SPDX-License-Identifier: MIT */
/* Restore verdicts in words: the MSR, the rule, every offending bit by name. */
#include "nvmx/catalog.h"
#include "nvmx/vcpu.h"
#include "fmt.h"

static const char *const reason_names[] = {
	[NVMX_R_OK] = "ok",
	[NVMX_R_NO_KVM] = "kvm-not-loaded",
	[NVMX_R_NO_NESTED] = "nested-disabled",
	[NVMX_R_NOT_VMX_MSR] = "not-a-vmx-msr",
	[NVMX_R_GUEST_WRITE] = "guest-write",
	[NVMX_R_NO_VMX_CPUID] = "no-vmx-in-guest-cpuid",
	[NVMX_R_FROZEN] = "immutable-after-run",
	[NVMX_R_VMXON] = "in-vmx-operation",
	[NVMX_R_READ_ONLY] = "not-restorable",
	[NVMX_R_MUST1_DROPPED] = "must-be-1-dropped",
	[NVMX_R_ALLOWED1_ADDED] = "allowed-1-added",
	[NVMX_R_BASIC_FEATURE] = "basic-feature-added",
	[NVMX_R_BASIC_ADDR32] = "basic-32bit-addresses",
	[NVMX_R_BASIC_REVISION] = "basic-revision-differs",
	[NVMX_R_BASIC_SIZE] = "basic-vmcs-size-smaller",
	[NVMX_R_MISC_FEATURE] = "misc-feature-added",
	[NVMX_R_MISC_TIMER_RATE] = "misc-timer-rate-differs",
	[NVMX_R_MISC_CR3_COUNT] = "misc-cr3-targets-more",
	[NVMX_R_MISC_MAX_MSR] = "misc-msr-list-larger",
	[NVMX_R_MISC_MSEG] = "misc-mseg-revision-differs",
	[NVMX_R_FIXED0_DROPPED] = "fixed0-bit-dropped",
	[NVMX_R_BITS_ADDED] = "capability-added",
};

const char *nvmx_reason_name(enum nvmx_reason r)
{
	return (unsigned)r < sizeof(reason_names) / sizeof(reason_names[0]) ? reason_names[r] : "?";
}

/* "allowed-1 bit 25 SECONDARY_EXEC_TSC_SCALING (vmx-tsc-scaling)" per bit. */
static void name_bits(struct fmt *f, enum nvmx_msr_id id, uint64_t bits, const char *half)
{
	bool first = true;
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		const struct nvmx_field *fld = nvmx_field_at(id, b);
		fmt_str(f, first ? "" : ", ");
		first = false;
		if (half) {
			fmt_str(f, half);
			fmt_str(f, " ");
		}
		fmt_str(f, "bit ");
		fmt_uint(f, half && b >= 32 ? b - 32 : b);
		if (fld) {
			fmt_str(f, " ");
			fmt_str(f, fld->linux_name ? fld->linux_name : fld->sdm);
			if (fld->qemu) {
				fmt_str(f, " (");
				fmt_str(f, fld->qemu);
				fmt_str(f, ")");
			}
		}
	}
}

size_t nvmx_result_describe(const struct nvmx_result *r, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	const struct nvmx_msr_desc *d = r->msr < NVMX_MSR_COUNT ? nvmx_msr_desc(r->msr) : 0;
	if (d) {
		fmt_str(&f, d->sdm);
		fmt_str(&f, ": ");
	}
	switch (r->reason) {
	case NVMX_R_OK:
		fmt_str(&f, "accepted");
		if (r->revoked) {
			fmt_str(&f, " through the revoke list: ");
			name_bits(&f, r->msr, (uint64_t)r->revoked << 32, "allowed-1");
		}
		break;
	case NVMX_R_NO_KVM:
		fmt_str(&f, "kvm_intel does not load on this host, so there is no vCPU");
		break;
	case NVMX_R_NO_NESTED:
		fmt_str(&f, "nested=0: KVM offers no VMX MSRs");
		break;
	case NVMX_R_NOT_VMX_MSR:
		fmt_str(&f, "not a VMX capability MSR KVM handles (0x480..0x491)");
		break;
	case NVMX_R_GUEST_WRITE:
		fmt_str(&f, "written by the guest: VMX capability MSRs are read-only for L1 (#GP)");
		break;
	case NVMX_R_NO_VMX_CPUID:
		fmt_str(&f, "the guest CPUID lacks VMX: set CPUID (with vmx) before the VMX MSRs");
		break;
	case NVMX_R_FROZEN:
		fmt_str(&f, "the vCPU has run (or L2 is active): feature MSRs are immutable, "
			    "only the current value may be written; differing ");
		name_bits(&f, r->msr, r->bits, 0);
		break;
	case NVMX_R_VMXON:
		fmt_str(&f, "L1 is in VMX operation (-EBUSY): restore VMX MSRs before nested state");
		break;
	case NVMX_R_READ_ONLY:
		fmt_str(&f, "KVM never accepts this MSR from userspace (non-TRUE controls and "
			    "CR0/CR4_FIXED1 are derived); write the TRUE MSR instead");
		break;
	case NVMX_R_MUST1_DROPPED:
		fmt_str(&f, "must-be-1 controls cleared, KVM requires them: ");
		name_bits(&f, r->msr, r->bits, "allowed-0");
		break;
	case NVMX_R_ALLOWED1_ADDED:
		name_bits(&f, r->msr, r->bits, "allowed-1");
		fmt_str(&f, r->bits & (r->bits - 1) ? " are set but this KVM does not offer them"
						    : " is set but this KVM does not offer it");
		break;
	case NVMX_R_BASIC_FEATURE:
	case NVMX_R_MISC_FEATURE:
	case NVMX_R_BITS_ADDED:
		name_bits(&f, r->msr, r->bits, 0);
		fmt_str(&f, r->bits & (r->bits - 1) ? " are set but this KVM does not offer them"
						    : " is set but this KVM does not offer it");
		break;
	case NVMX_R_BASIC_ADDR32:
		fmt_str(&f, "bit 48 (32-bit physical addresses) is never accepted");
		break;
	case NVMX_R_BASIC_REVISION:
		fmt_str(&f, "VMCS revision id ");
		fmt_hex(&f, r->wrote);
		fmt_str(&f, " differs from KVM's vmcs12 revision ");
		fmt_hex(&f, r->allowed);
		break;
	case NVMX_R_BASIC_SIZE:
		fmt_str(&f, "VMCS region size ");
		fmt_uint(&f, r->wrote);
		fmt_str(&f, " bytes is smaller than KVM's ");
		fmt_uint(&f, r->allowed);
		break;
	case NVMX_R_MISC_TIMER_RATE:
		fmt_str(&f, "preemption-timer rate ");
		fmt_uint(&f, r->wrote);
		fmt_str(&f, " differs from KVM's ");
		fmt_uint(&f, r->allowed);
		fmt_str(&f, " while the vCPU allows the preemption timer");
		break;
	case NVMX_R_MISC_CR3_COUNT:
		fmt_str(&f, "CR3-target count ");
		fmt_uint(&f, r->wrote);
		fmt_str(&f, " exceeds KVM's ");
		fmt_uint(&f, r->allowed);
		break;
	case NVMX_R_MISC_MAX_MSR:
		fmt_str(&f, "MSR-list limit field ");
		fmt_uint(&f, r->wrote);
		fmt_str(&f, " exceeds KVM's ");
		fmt_uint(&f, r->allowed);
		break;
	case NVMX_R_MISC_MSEG:
		fmt_str(&f, "MSEG revision ");
		fmt_hex(&f, r->wrote);
		fmt_str(&f, " differs from KVM's ");
		fmt_hex(&f, r->allowed);
		break;
	case NVMX_R_FIXED0_DROPPED:
		fmt_str(&f, "bits that must be 1 in VMX operation were cleared: ");
		name_bits(&f, r->msr, r->bits, 0);
		break;
	}
	return f.len;
}
