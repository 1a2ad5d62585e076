/* SPDX-License-Identifier: MIT */
/* Why kvm_intel refuses to load, in words and control names. */
#include "kernels.h"
#include "fmt.h"

static const enum nvmx_msr_id word_msr[NVMX_WORD_COUNT] = {
	[NVMX_WORD_PIN] = NVMX_TRUE_PINBASED, [NVMX_WORD_PROC] = NVMX_TRUE_PROCBASED,
	[NVMX_WORD_PROC2] = NVMX_PROCBASED2, [NVMX_WORD_PROC3] = NVMX_PROCBASED3,
	[NVMX_WORD_EXIT] = NVMX_TRUE_EXIT, [NVMX_WORD_ENTRY] = NVMX_TRUE_ENTRY,
	[NVMX_WORD_EXIT2] = NVMX_EXIT2,
};

static const char *const word_name[NVMX_WORD_COUNT] = {
	[NVMX_WORD_PIN] = "pin-based", [NVMX_WORD_PROC] = "primary processor-based",
	[NVMX_WORD_PROC2] = "secondary processor-based", [NVMX_WORD_PROC3] = "tertiary",
	[NVMX_WORD_EXIT] = "VM-exit", [NVMX_WORD_ENTRY] = "VM-entry",
	[NVMX_WORD_EXIT2] = "secondary VM-exit",
};

size_t nvmx_kvm_describe_failure(const struct nvmx_kvm *kvm, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	int w = kvm->fail_word;
	int msr = (w >= 0 && w < NVMX_WORD_COUNT) ? (int)word_msr[w] : -1;
	const char *wn = (w >= 0 && w < NVMX_WORD_COUNT) ? word_name[w] : "";

	switch (kvm->status) {
	case NVMX_LOAD_OK:
		fmt_str(&f, "loads");
		break;
	case NVMX_LOAD_NO_VMX:
		fmt_str(&f, "no VMX: the CPU does not enumerate VMX or IA32_VMX_BASIC is absent");
		break;
	case NVMX_LOAD_MISSING_CONTROLS:
		fmt_str(&f, "required ");
		fmt_str(&f, wn);
		fmt_str(&f, " controls not supported by the CPU: ");
		fmt_bits(&f, msr, kvm->fail_bits, 32);
		break;
	case NVMX_LOAD_BAD_BASIC:
		fmt_str(&f, "IA32_VMX_BASIC unusable: VMCS region larger than 4096 bytes, "
			    "32-bit physical addresses only, or VMCS memory type not write-back");
		break;
	case NVMX_LOAD_EPT_INCONSISTENT:
		fmt_str(&f, "inconsistent vmcs_config: EPT capabilities reported without the "
			    "enable-EPT control (error_on_inconsistent_vmcs_config=1)");
		break;
	case NVMX_LOAD_VPID_INCONSISTENT:
		fmt_str(&f, "inconsistent vmcs_config: VPID capabilities reported without the "
			    "enable-VPID control (error_on_inconsistent_vmcs_config=1)");
		break;
	case NVMX_LOAD_PAIR_INCONSISTENT:
		fmt_str(&f, "inconsistent vmcs_config: ");
		fmt_str(&f, wn);
		fmt_str(&f, " control ");
		fmt_bits(&f, msr, kvm->fail_bits, 32);
		fmt_str(&f, " present without its VM-entry/VM-exit counterpart "
			    "(error_on_inconsistent_vmcs_config=1)");
		break;
	case NVMX_LOAD_NO_NX:
		fmt_str(&f, "NX (execute disable) not supported and EPT not usable");
		break;
	case NVMX_LOAD_BAD_PT_MODE:
		fmt_str(&f, "invalid pt_mode (must be 0 or 1)");
		break;
	}
	return f.len;
}
