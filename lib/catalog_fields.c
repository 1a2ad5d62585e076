/* SPDX-License-Identifier: MIT */
/*
 * Fields of the non-control capability MSRs: BASIC, MISC, VMCS_ENUM,
 * EPT_VPID_CAP and VMFUNC.  Bit positions are within the 64-bit value.
 *
 * Multi-bit fields have no single Linux macro; where the kernel reads them
 * through an accessor, that accessor's name is given (with "()") so a reader
 * can grep the kernel for it.
 */
#include "catalog_tables.h"

#define FLD(m, lo, w, s, lx, qm, d, u, f) \
	{ .msr = (m), .word = NVMX_WORD_NONE, .lsb = (lo), .width = (w), .sdm = (s), \
	  .linux_name = (lx), .qemu = (qm), .desc = (d), .unit = (u), .fmt = (f) }
#define FLAG(m, b, s, lx, qm, d) FLD(m, b, 1, s, lx, qm, d, NULL, NVMX_FMT_FLAG)

static const struct nvmx_field basic_fields[] = {
	FLD(NVMX_BASIC, 0, 31, "VMCS revision identifier", "vmx_basic_vmcs_revision_id()", NULL,
	    "format identifier software writes into the VMCS and VMXON regions", NULL,
	    NVMX_FMT_ID),
	/* Always 0, so that bit 31 of a VMCS's first dword can mark a shadow VMCS. */
	{ .msr = NVMX_BASIC, .word = NVMX_WORD_NONE, .lsb = 31, .width = 1,
	  .sdm = "reserved (always 0)", .desc = "always reads 0",
	  .fmt = NVMX_FMT_FLAG, .reserved = true },
	FLD(NVMX_BASIC, 32, 13, "VMCS region size", "vmx_basic_vmcs_size()", NULL,
	    "bytes to allocate for a VMCS or VMXON region", "bytes", NVMX_FMT_NUMBER),
	FLAG(NVMX_BASIC, 48, "Physical addresses limited to 32 bits",
	     "VMX_BASIC_32BIT_PHYS_ADDR_ONLY", NULL,
	     "VMXON, VMCS and structures it references must lie below 4 GiB"),
	FLAG(NVMX_BASIC, 49, "Dual-monitor treatment of SMIs and SMM",
	     "VMX_BASIC_DUAL_MONITOR_TREATMENT", NULL,
	     "an SMM monitor (SMI transfer monitor) may be activated"),
	FLD(NVMX_BASIC, 50, 4, "VMCS memory type", "vmx_basic_vmcs_mem_type()", NULL,
	    "memory type the CPU uses to access the VMCS and related structures", NULL,
	    NVMX_FMT_MEMTYPE),
	FLAG(NVMX_BASIC, 54, "INS/OUTS exit information", "VMX_BASIC_INOUT", "vmx-ins-outs",
	     "VM exits for INS/OUTS report the instruction-information field"),
	FLAG(NVMX_BASIC, 55, "TRUE capability MSRs", "VMX_BASIC_TRUE_CTLS", "vmx-true-ctls",
	     "IA32_VMX_TRUE_*_CTLS exist and may let default1 controls be 0"),
	FLAG(NVMX_BASIC, 56, "No hardware error-code consistency check",
	     "VMX_BASIC_NO_HW_ERROR_CODE_CC", "vmx-any-errcode",
	     "VM entry may inject a hardware exception with or without an error code"),
	FLAG(NVMX_BASIC, 58, "Nested-exception support", NULL, "vmx-nested-exception",
	     "VM entry/exit carry the nested-exception indicator (FRED)"),
};

static const struct nvmx_field misc_fields[] = {
	FLD(NVMX_MISC, 0, 5, "VMX-preemption timer rate", "vmx_misc_preemption_timer_rate()",
	    NULL, "the timer counts down by 1 each time TSC bit N changes", "TSC shift",
	    NVMX_FMT_TSC_SHIFT),
	FLAG(NVMX_MISC, 5, "Store EFER.LMA on VM exit", "VMX_MISC_SAVE_EFER_LMA", "vmx-store-lma",
	     "VM exits store EFER.LMA into the IA-32e mode guest entry control"),
	FLAG(NVMX_MISC, 6, "Activity state HLT", "VMX_MISC_ACTIVITY_HLT", "vmx-activity-hlt",
	     "VM entry may put the guest in the HLT activity state"),
	FLAG(NVMX_MISC, 7, "Activity state shutdown", "VMX_MISC_ACTIVITY_SHUTDOWN",
	     "vmx-activity-shutdown", "VM entry may put the guest in the shutdown activity state"),
	FLAG(NVMX_MISC, 8, "Activity state wait-for-SIPI", "VMX_MISC_ACTIVITY_WAIT_SIPI",
	     "vmx-activity-wait-sipi",
	     "VM entry may put the guest in the wait-for-SIPI activity state"),
	FLAG(NVMX_MISC, 14, "Intel PT in VMX operation", "VMX_MISC_INTEL_PT", NULL,
	     "Intel PT may stay enabled in VMX operation"),
	FLAG(NVMX_MISC, 15, "RDMSR of IA32_SMBASE in SMM", "VMX_MISC_RDMSR_IN_SMM", NULL,
	     "RDMSR in SMM can read IA32_SMBASE"),
	FLD(NVMX_MISC, 16, 9, "Number of CR3-target values", "vmx_misc_cr3_count()", NULL,
	    "CR3 values that do not cause CR3-load exits", "CR3-target values",
	    NVMX_FMT_NUMBER),
	FLD(NVMX_MISC, 25, 3, "Maximum MSR-list entries", "vmx_misc_max_msr()", NULL,
	    "recommended limit of each VM-entry/VM-exit MSR list: 512 * (N + 1)", "entries",
	    NVMX_FMT_MSR_LIST),
	FLAG(NVMX_MISC, 28, "SMM monitor control bit 2", "VMX_MISC_VMXOFF_BLOCK_SMI", NULL,
	     "IA32_SMM_MONITOR_CTL bit 2 may be set (VMXOFF unblocks SMIs)"),
	FLAG(NVMX_MISC, 29, "VMWRITE to any VMCS field", "VMX_MISC_VMWRITE_SHADOW_RO_FIELDS",
	     "vmx-vmwrite-vmexit-fields", "VMWRITE may write the read-only VM-exit information fields"),
	FLAG(NVMX_MISC, 30, "Zero-length instruction injection", "VMX_MISC_ZERO_LEN_INS",
	     "vmx-zero-len-inject",
	     "VM entry may inject software interrupts/exceptions with instruction length 0"),
	FLD(NVMX_MISC, 32, 32, "MSEG revision identifier", "vmx_misc_mseg_revid()", NULL,
	    "revision the SMM monitor's MSEG header must carry", NULL, NVMX_FMT_ID),
};

static const struct nvmx_field vmcs_enum_fields[] = {
	FLD(NVMX_VMCS_ENUM, 1, 9, "Highest VMCS field index", NULL, NULL,
	    "largest index value (encoding bits 9:1) of any supported VMCS field", NULL,
	    NVMX_FMT_NUMBER),
};

#define EPT(b, s, lx, qm, d) FLAG(NVMX_EPT_VPID_CAP, b, s, lx, qm, d)

static const struct nvmx_field ept_vpid_fields[] = {
	EPT(0, "Execute-only EPT translations", "VMX_EPT_EXECUTE_ONLY_BIT", "vmx-ept-execonly",
	    "EPT entries may allow execute without read"),
	EPT(6, "Page-walk length 4", "VMX_EPT_PAGE_WALK_4_BIT", "vmx-page-walk-4",
	    "4-level EPT paging"),
	EPT(7, "Page-walk length 5", "VMX_EPT_PAGE_WALK_5_BIT", "vmx-page-walk-5",
	    "5-level EPT paging"),
	EPT(8, "EPT paging-structure memory type UC", "VMX_EPTP_UC_BIT", NULL,
	    "the EPTP may select uncacheable paging-structure accesses"),
	EPT(14, "EPT paging-structure memory type WB", "VMX_EPTP_WB_BIT", NULL,
	    "the EPTP may select write-back paging-structure accesses"),
	EPT(16, "2-Mbyte EPT pages", "VMX_EPT_2MB_PAGE_BIT", "vmx-ept-2mb",
	    "EPT PDEs may map 2-MByte pages"),
	EPT(17, "1-Gbyte EPT pages", "VMX_EPT_1GB_PAGE_BIT", "vmx-ept-1gb",
	    "EPT PDPTEs may map 1-GByte pages"),
	EPT(20, "INVEPT", "VMX_EPT_INVEPT_BIT", "vmx-invept", "the INVEPT instruction"),
	EPT(21, "EPT accessed and dirty flags", "VMX_EPT_AD_BIT", "vmx-eptad",
	    "EPT entries carry accessed and dirty flags"),
	EPT(22, "Advanced VM-exit information for EPT violations", "VMX_EPT_ADVANCED_VMEXIT_INFO_BIT",
	    "vmx-ept-advanced-exitinfo", "EPT-violation exits report more about the access"),
	EPT(23, "Supervisor shadow-stack control", NULL, NULL,
	    "EPT entries may mark supervisor shadow-stack pages"),
	EPT(25, "Single-context INVEPT", "VMX_EPT_EXTENT_CONTEXT_BIT",
	    "vmx-invept-single-context", "INVEPT type 1 (single context)"),
	EPT(26, "All-context INVEPT", "VMX_EPT_EXTENT_GLOBAL_BIT", "vmx-invept-all-context",
	    "INVEPT type 2 (all contexts)"),
	EPT(32, "INVVPID", "VMX_VPID_INVVPID_BIT", "vmx-invvpid", "the INVVPID instruction"),
	EPT(40, "Individual-address INVVPID", "VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT",
	    "vmx-invvpid-single-addr", "INVVPID type 0 (one linear address)"),
	/*
	 * QEMU gives bit 41 the same property name as bit 25 (one property that
	 * sets both bits), and bit 43 an INVEPT name; both are QEMU's spelling.
	 */
	EPT(41, "Single-context INVVPID", "VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT",
	    "vmx-invept-single-context", "INVVPID type 1 (single context)"),
	EPT(42, "All-context INVVPID", "VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT",
	    "vmx-invvpid-all-context", "INVVPID type 2 (all contexts)"),
	EPT(43, "Single-context-retaining-globals INVVPID",
	    "VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT", "vmx-invept-single-context-noglobals",
	    "INVVPID type 3 (single context, keeping global translations)"),
	FLD(NVMX_EPT_VPID_CAP, 48, 6, "Maximum HLAT prefix size", NULL, NULL,
	    "largest HLAT prefix size the VMCS field accepts (tertiary control 1, Enable HLAT)",
	    NULL, NVMX_FMT_NUMBER),
};

static const struct nvmx_field vmfunc_fields[] = {
	FLAG(NVMX_VMFUNC, 0, "EPTP switching", "VMX_VMFUNC_EPTP_SWITCHING", "vmx-eptp-switching",
	     "VM function 0: the guest may switch to an EPTP from a list"),
};

const struct catalog_slice catalog_basic = { basic_fields, CATALOG_LEN(basic_fields) };
const struct catalog_slice catalog_misc = { misc_fields, CATALOG_LEN(misc_fields) };
const struct catalog_slice catalog_vmcs_enum = { vmcs_enum_fields, CATALOG_LEN(vmcs_enum_fields) };
const struct catalog_slice catalog_ept_vpid = { ept_vpid_fields, CATALOG_LEN(ept_vpid_fields) };
const struct catalog_slice catalog_vmfunc = { vmfunc_fields, CATALOG_LEN(vmfunc_fields) };
