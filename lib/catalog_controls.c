/* SPDX-License-Identifier: MIT */
/*
 * The VM-execution, VM-exit and VM-entry control words, bit by bit.
 *
 * Names: SDM Vol. 3 ch. 25 (control tables) and App. A; Linux macros as in
 * arch/x86/include/asm/vmx.h of the newest release that has them (older
 * spellings are accepted as aliases in catalog.c); QEMU `vmx-*` properties
 * exactly as QEMU spells them, wrong names included, because users type them.
 * A NULL Linux or QEMU name means that project has no name for the bit.
 *
 * The default1 bits without a control of their own are listed as
 * "reserved (default1)" entries: decode shows them (a non-TRUE MSR reports
 * them as must-be-1), but lookups and nvmx_field_at() skip them.
 */
#include "catalog_tables.h"

#define CTL(w, m, bit, s, lx, qm, d) \
	{ .msr = (m), .word = (w), .lsb = (bit), .width = 1, .sdm = (s), \
	  .linux_name = (lx), .qemu = (qm), .desc = (d), .fmt = NVMX_FMT_FLAG }
#define RSV1(w, m, bit) \
	{ .msr = (m), .word = (w), .lsb = (bit), .width = 1, \
	  .sdm = "reserved (default1)", \
	  .desc = "reserved; reads as must-be-1 in the non-TRUE MSR", \
	  .fmt = NVMX_FMT_FLAG, .reserved = true }

#define PIN(b, s, lx, qm, d) CTL(NVMX_WORD_PIN, NVMX_TRUE_PINBASED, b, s, lx, qm, d)
#define PIN_D1(b) RSV1(NVMX_WORD_PIN, NVMX_TRUE_PINBASED, b)

static const struct nvmx_field pin_fields[] = {
	PIN(0, "External-interrupt exiting", "PIN_BASED_EXT_INTR_MASK", "vmx-intr-exit",
	    "external interrupts cause VM exits"),
	PIN_D1(1),
	PIN_D1(2),
	PIN(3, "NMI exiting", "PIN_BASED_NMI_EXITING", "vmx-nmi-exit",
	    "non-maskable interrupts cause VM exits"),
	PIN_D1(4),
	PIN(5, "Virtual NMIs", "PIN_BASED_VIRTUAL_NMIS", "vmx-vnmi",
	    "NMI blocking is tracked for the guest (needs NMI exiting)"),
	PIN(6, "Activate VMX-preemption timer", "PIN_BASED_VMX_PREEMPTION_TIMER",
	    "vmx-preemption-timer", "a countdown timer forces a VM exit when it reaches zero"),
	PIN(7, "Process posted interrupts", "PIN_BASED_POSTED_INTR", "vmx-posted-intr",
	    "interrupts with the notification vector update the virtual APIC without an exit"),
};

#define PROC(b, s, lx, qm, d) CTL(NVMX_WORD_PROC, NVMX_TRUE_PROCBASED, b, s, lx, qm, d)
#define PROC_D1(b) RSV1(NVMX_WORD_PROC, NVMX_TRUE_PROCBASED, b)

static const struct nvmx_field proc_fields[] = {
	PROC_D1(1),
	PROC(2, "Interrupt-window exiting", "CPU_BASED_INTR_WINDOW_EXITING", "vmx-vintr-pending",
	     "VM exit as soon as the guest can take an interrupt"),
	PROC(3, "Use TSC offsetting", "CPU_BASED_USE_TSC_OFFSETTING", "vmx-tsc-offset",
	     "guest TSC reads add the TSC offset"),
	PROC_D1(4),
	PROC_D1(5),
	PROC_D1(6),
	PROC(7, "HLT exiting", "CPU_BASED_HLT_EXITING", "vmx-hlt-exit", "HLT causes a VM exit"),
	PROC_D1(8),
	PROC(9, "INVLPG exiting", "CPU_BASED_INVLPG_EXITING", "vmx-invlpg-exit",
	     "INVLPG causes a VM exit"),
	PROC(10, "MWAIT exiting", "CPU_BASED_MWAIT_EXITING", "vmx-mwait-exit",
	     "MWAIT causes a VM exit"),
	PROC(11, "RDPMC exiting", "CPU_BASED_RDPMC_EXITING", "vmx-rdpmc-exit",
	     "RDPMC causes a VM exit"),
	PROC(12, "RDTSC exiting", "CPU_BASED_RDTSC_EXITING", "vmx-rdtsc-exit",
	     "RDTSC and RDTSCP cause VM exits"),
	PROC_D1(13),
	PROC_D1(14),
	/* default1 controls: QEMU's flags say the control may be *cleared* */
	PROC(15, "CR3-load exiting", "CPU_BASED_CR3_LOAD_EXITING", "vmx-cr3-load-noexit",
	     "MOV to CR3 causes a VM exit (unless the value is a CR3 target)"),
	PROC(16, "CR3-store exiting", "CPU_BASED_CR3_STORE_EXITING", "vmx-cr3-store-noexit",
	     "MOV from CR3 causes a VM exit"),
	PROC(17, "Activate tertiary controls", "CPU_BASED_ACTIVATE_TERTIARY_CONTROLS", NULL,
	     "the tertiary processor-based controls (IA32_VMX_PROCBASED_CTLS3) are used"),
	PROC(19, "CR8-load exiting", "CPU_BASED_CR8_LOAD_EXITING", "vmx-cr8-load-exit",
	     "MOV to CR8 causes a VM exit"),
	PROC(20, "CR8-store exiting", "CPU_BASED_CR8_STORE_EXITING", "vmx-cr8-store-exit",
	     "MOV from CR8 causes a VM exit"),
	PROC(21, "Use TPR shadow", "CPU_BASED_TPR_SHADOW", "vmx-flexpriority",
	     "CR8 accesses use the virtual-APIC page's TPR"),
	PROC(22, "NMI-window exiting", "CPU_BASED_NMI_WINDOW_EXITING", "vmx-vnmi-pending",
	     "VM exit as soon as there is no virtual-NMI blocking"),
	PROC(23, "MOV-DR exiting", "CPU_BASED_MOV_DR_EXITING", "vmx-movdr-exit",
	     "MOV to or from a debug register causes a VM exit"),
	PROC(24, "Unconditional I/O exiting", "CPU_BASED_UNCOND_IO_EXITING", "vmx-io-exit",
	     "every I/O instruction causes a VM exit"),
	PROC(25, "Use I/O bitmaps", "CPU_BASED_USE_IO_BITMAPS", "vmx-io-bitmap",
	     "I/O bitmaps select which ports cause VM exits"),
	PROC_D1(26),
	PROC(27, "Monitor trap flag", "CPU_BASED_MONITOR_TRAP_FLAG", "vmx-mtf",
	     "VM exit after each guest instruction"),
	PROC(28, "Use MSR bitmaps", "CPU_BASED_USE_MSR_BITMAPS", "vmx-msr-bitmap",
	     "MSR bitmaps select which RDMSR/WRMSR cause VM exits"),
	PROC(29, "MONITOR exiting", "CPU_BASED_MONITOR_EXITING", "vmx-monitor-exit",
	     "MONITOR causes a VM exit"),
	PROC(30, "PAUSE exiting", "CPU_BASED_PAUSE_EXITING", "vmx-pause-exit",
	     "PAUSE causes a VM exit"),
	PROC(31, "Activate secondary controls", "CPU_BASED_ACTIVATE_SECONDARY_CONTROLS",
	     "vmx-secondary-ctls",
	     "the secondary processor-based controls (IA32_VMX_PROCBASED_CTLS2) are used"),
};

#define P2(b, s, lx, qm, d) CTL(NVMX_WORD_PROC2, NVMX_PROCBASED2, b, s, lx, qm, d)

static const struct nvmx_field proc2_fields[] = {
	P2(0, "Virtualize APIC accesses", "SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES",
	   "vmx-apicv-xapic", "accesses to the APIC-access page are virtualized or exit"),
	P2(1, "Enable EPT", "SECONDARY_EXEC_ENABLE_EPT", "vmx-ept",
	   "guest-physical addresses go through extended page tables"),
	P2(2, "Descriptor-table exiting", "SECONDARY_EXEC_DESC", "vmx-desc-exit",
	   "LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT and STR cause VM exits"),
	P2(3, "Enable RDTSCP", "SECONDARY_EXEC_ENABLE_RDTSCP", "vmx-rdtscp-exit",
	   "RDTSCP does not raise #UD in the guest"),
	P2(4, "Virtualize x2APIC mode", "SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE",
	   "vmx-apicv-x2apic", "x2APIC MSR accesses use the virtual-APIC page"),
	P2(5, "Enable VPID", "SECONDARY_EXEC_ENABLE_VPID", "vmx-vpid",
	   "TLB entries are tagged with a virtual-processor identifier"),
	P2(6, "WBINVD exiting", "SECONDARY_EXEC_WBINVD_EXITING", "vmx-wbinvd-exit",
	   "WBINVD and WBNOINVD cause VM exits"),
	P2(7, "Unrestricted guest", "SECONDARY_EXEC_UNRESTRICTED_GUEST", "vmx-unrestricted-guest",
	   "the guest may run unpaged or in real mode (needs EPT)"),
	P2(8, "APIC-register virtualization", "SECONDARY_EXEC_APIC_REGISTER_VIRT",
	   "vmx-apicv-register", "APIC register reads are served from the virtual-APIC page"),
	P2(9, "Virtual-interrupt delivery", "SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY",
	   "vmx-apicv-vid", "pending virtual interrupts are evaluated and delivered by the CPU"),
	P2(10, "PAUSE-loop exiting", "SECONDARY_EXEC_PAUSE_LOOP_EXITING", "vmx-ple",
	   "a VM exit when PAUSE spins longer than the PLE window"),
	P2(11, "RDRAND exiting", "SECONDARY_EXEC_RDRAND_EXITING", "vmx-rdrand-exit",
	   "RDRAND causes a VM exit"),
	P2(12, "Enable INVPCID", "SECONDARY_EXEC_ENABLE_INVPCID", "vmx-invpcid-exit",
	   "INVPCID does not raise #UD in the guest"),
	P2(13, "Enable VM functions", "SECONDARY_EXEC_ENABLE_VMFUNC", "vmx-vmfunc",
	   "VMFUNC is usable (functions in IA32_VMX_VMFUNC)"),
	P2(14, "VMCS shadowing", "SECONDARY_EXEC_SHADOW_VMCS", "vmx-shadow-vmcs",
	   "guest VMREAD/VMWRITE may use a shadow VMCS"),
	P2(15, "Enable ENCLS exiting", "SECONDARY_EXEC_ENCLS_EXITING", "vmx-encls-exit",
	   "ENCLS leaves selected by the ENCLS-exiting bitmap cause VM exits"),
	P2(16, "RDSEED exiting", "SECONDARY_EXEC_RDSEED_EXITING", "vmx-rdseed-exit",
	   "RDSEED causes a VM exit"),
	P2(17, "Enable PML", "SECONDARY_EXEC_ENABLE_PML", "vmx-pml",
	   "page-modification logging of guest-physical writes"),
	P2(18, "EPT-violation #VE", "SECONDARY_EXEC_EPT_VIOLATION_VE", NULL,
	   "some EPT violations raise #VE in the guest instead of exiting"),
	P2(19, "Conceal VMX from PT", "SECONDARY_EXEC_PT_CONCEAL_VMX", NULL,
	   "Intel PT suppresses VMX-specific packets in the guest"),
	P2(20, "Enable XSAVES/XRSTORS", "SECONDARY_EXEC_ENABLE_XSAVES", "vmx-xsaves",
	   "XSAVES/XRSTORS do not raise #UD in the guest"),
	P2(21, "PASID translation", NULL, NULL,
	   "ENQCMD/ENQCMDS translate guest PASIDs"),
	P2(22, "Mode-based execute control for EPT", "SECONDARY_EXEC_MODE_BASED_EPT_EXEC", NULL,
	   "EPT execute permission separate for user and supervisor"),
	P2(23, "Sub-page write permissions for EPT", NULL, NULL,
	   "EPT write permission at 128-byte granularity"),
	P2(24, "Intel PT uses guest physical addresses", "SECONDARY_EXEC_PT_USE_GPA", NULL,
	   "Intel PT output addresses are guest-physical and go through EPT"),
	P2(25, "Use TSC scaling", "SECONDARY_EXEC_TSC_SCALING", "vmx-tsc-scaling",
	   "guest TSC reads are multiplied by the TSC multiplier"),
	P2(26, "Enable user wait and pause", "SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE",
	   "vmx-enable-user-wait-pause", "TPAUSE, UMONITOR and UMWAIT do not raise #UD"),
	P2(27, "Enable PCONFIG", NULL, NULL, "PCONFIG does not raise #UD in the guest"),
	P2(28, "Enable ENCLV exiting", NULL, NULL,
	   "ENCLV leaves selected by the ENCLV-exiting bitmap cause VM exits"),
	P2(30, "VMM bus-lock detection", "SECONDARY_EXEC_BUS_LOCK_DETECTION", NULL,
	   "a VM exit after a guest instruction acquires a bus lock"),
	P2(31, "Instruction timeout", "SECONDARY_EXEC_NOTIFY_VM_EXITING", NULL,
	   "notify VM exit when no event window opens within the notify window"),
};

/* 0x492 is a plain allowed-1 mask: bit n of the MSR is control n. */
#define P3(b, s, lx, d) CTL(NVMX_WORD_PROC3, NVMX_PROCBASED3, b, s, lx, NULL, d)

static const struct nvmx_field proc3_fields[] = {
	P3(0, "LOADIWKEY exiting", NULL, "LOADIWKEY causes a VM exit"),
	P3(1, "Enable HLAT", NULL, "hypervisor-managed linear-address translation"),
	P3(2, "EPT paging-write control", NULL,
	   "EPT paging-write permission for guest paging-structure updates"),
	P3(3, "Guest-paging verification", NULL,
	   "EPT verifies the guest paging structures used for a translation"),
	P3(4, "IPI virtualization", "TERTIARY_EXEC_IPI_VIRT",
	   "guest IPIs are delivered without VM exits"),
	P3(5, "SEAM guest-physical address width", NULL,
	   "EPT behaviour in SEAM non-root operation"),
	P3(6, "Enable MSR-list instructions", NULL,
	   "RDMSRLIST/WRMSRLIST do not raise #UD in the guest"),
	P3(7, "Virtualize IA32_SPEC_CTRL", NULL,
	   "guest IA32_SPEC_CTRL accesses go through a mask and shadow"),
	P3(8, "APIC-timer virtualization", NULL,
	   "guest TSC-deadline timer events are virtualized"),
	P3(9, "Enable PBNDKB", NULL, "PBNDKB does not raise #UD in the guest"),
	P3(12, "PEBS uses guest physical addresses", NULL,
	   "architectural PEBS output addresses are guest-physical and go through EPT"),
};

#define EXIT(b, s, lx, qm, d) CTL(NVMX_WORD_EXIT, NVMX_TRUE_EXIT, b, s, lx, qm, d)
#define EXIT_D1(b) RSV1(NVMX_WORD_EXIT, NVMX_TRUE_EXIT, b)

static const struct nvmx_field exit_fields[] = {
	EXIT_D1(0),
	EXIT_D1(1),
	EXIT(2, "Save debug controls", "VM_EXIT_SAVE_DEBUG_CONTROLS", "vmx-exit-nosave-debugctl",
	     "DR7 and IA32_DEBUGCTL are saved on VM exit"),
	EXIT_D1(3),
	EXIT_D1(4),
	EXIT_D1(5),
	EXIT_D1(6),
	EXIT_D1(7),
	EXIT_D1(8),
	/* QEMU leaves bit 9 unnamed: it derives it from the guest's LM bit */
	EXIT(9, "Host address-space size", "VM_EXIT_HOST_ADDR_SPACE_SIZE", NULL,
	     "the host runs in 64-bit mode after VM exit"),
	EXIT_D1(10),
	EXIT_D1(11),
	EXIT(12, "Load IA32_PERF_GLOBAL_CTRL", "VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL",
	     "vmx-exit-load-perf-global-ctrl", "the host IA32_PERF_GLOBAL_CTRL is loaded on VM exit"),
	EXIT_D1(13),
	EXIT_D1(14),
	EXIT(15, "Acknowledge interrupt on exit", "VM_EXIT_ACK_INTR_ON_EXIT", "vmx-exit-ack-intr",
	     "an external-interrupt exit acknowledges the interrupt and stores its vector"),
	EXIT_D1(16),
	EXIT_D1(17),
	EXIT(18, "Save IA32_PAT", "VM_EXIT_SAVE_IA32_PAT", "vmx-exit-save-pat",
	     "the guest IA32_PAT is saved on VM exit"),
	EXIT(19, "Load IA32_PAT", "VM_EXIT_LOAD_IA32_PAT", "vmx-exit-load-pat",
	     "the host IA32_PAT is loaded on VM exit"),
	EXIT(20, "Save IA32_EFER", "VM_EXIT_SAVE_IA32_EFER", "vmx-exit-save-efer",
	     "the guest IA32_EFER is saved on VM exit"),
	EXIT(21, "Load IA32_EFER", "VM_EXIT_LOAD_IA32_EFER", "vmx-exit-load-efer",
	     "the host IA32_EFER is loaded on VM exit"),
	EXIT(22, "Save VMX-preemption timer value", "VM_EXIT_SAVE_VMX_PREEMPTION_TIMER",
	     "vmx-exit-save-preemption-timer", "the remaining timer value is saved on VM exit"),
	EXIT(23, "Clear IA32_BNDCFGS", "VM_EXIT_CLEAR_BNDCFGS", "vmx-exit-clear-bndcfgs",
	     "IA32_BNDCFGS (MPX) is cleared on VM exit"),
	EXIT(24, "Conceal VMX from PT", "VM_EXIT_PT_CONCEAL_PIP", NULL,
	     "Intel PT emits no PIP/VMCS packet for the VM exit"),
	EXIT(25, "Clear IA32_RTIT_CTL", "VM_EXIT_CLEAR_IA32_RTIT_CTL", "vmx-exit-clear-rtit-ctl",
	     "IA32_RTIT_CTL (Intel PT) is cleared on VM exit"),
	EXIT(26, "Clear IA32_LBR_CTL", NULL, NULL,
	     "IA32_LBR_CTL (architectural LBRs) is cleared on VM exit"),
	EXIT(27, "Clear UINV", NULL, NULL,
	     "the user-interrupt notification vector is cleared on VM exit"),
	EXIT(28, "Load CET state", "VM_EXIT_LOAD_CET_STATE", NULL,
	     "the host CET MSRs and SSP are loaded on VM exit"),
	EXIT(29, "Load PKRS", NULL, "vmx-exit-load-pkrs",
	     "the host IA32_PKRS is loaded on VM exit"),
	EXIT(30, "Save IA32_PERF_GLOBAL_CTRL", "VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL", NULL,
	     "the guest IA32_PERF_GLOBAL_CTRL is saved on VM exit"),
	EXIT(31, "Activate secondary controls", NULL, "vmx-exit-secondary-ctls",
	     "the secondary VM-exit controls (IA32_VMX_EXIT_CTLS2) are used"),
};

#define ENTRY(b, s, lx, qm, d) CTL(NVMX_WORD_ENTRY, NVMX_TRUE_ENTRY, b, s, lx, qm, d)
#define ENTRY_D1(b) RSV1(NVMX_WORD_ENTRY, NVMX_TRUE_ENTRY, b)

static const struct nvmx_field entry_fields[] = {
	ENTRY_D1(0),
	ENTRY_D1(1),
	ENTRY(2, "Load debug controls", "VM_ENTRY_LOAD_DEBUG_CONTROLS", "vmx-entry-noload-debugctl",
	      "DR7 and IA32_DEBUGCTL are loaded on VM entry"),
	ENTRY_D1(3),
	ENTRY_D1(4),
	ENTRY_D1(5),
	ENTRY_D1(6),
	ENTRY_D1(7),
	ENTRY_D1(8),
	ENTRY(9, "IA-32e mode guest", "VM_ENTRY_IA32E_MODE", "vmx-entry-ia32e-mode",
	      "the guest is in IA-32e mode after VM entry"),
	ENTRY(10, "Entry to SMM", "VM_ENTRY_SMM", NULL,
	      "VM entry goes to SMM (dual-monitor treatment only)"),
	ENTRY(11, "Deactivate dual-monitor treatment", "VM_ENTRY_DEACT_DUAL_MONITOR", NULL,
	      "VM entry leaves dual-monitor treatment (from SMM only)"),
	ENTRY_D1(12),
	ENTRY(13, "Load IA32_PERF_GLOBAL_CTRL", "VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL",
	      "vmx-entry-load-perf-global-ctrl", "the guest IA32_PERF_GLOBAL_CTRL is loaded on VM entry"),
	ENTRY(14, "Load IA32_PAT", "VM_ENTRY_LOAD_IA32_PAT", "vmx-entry-load-pat",
	      "the guest IA32_PAT is loaded on VM entry"),
	ENTRY(15, "Load IA32_EFER", "VM_ENTRY_LOAD_IA32_EFER", "vmx-entry-load-efer",
	      "the guest IA32_EFER is loaded on VM entry"),
	ENTRY(16, "Load IA32_BNDCFGS", "VM_ENTRY_LOAD_BNDCFGS", "vmx-entry-load-bndcfgs",
	      "the guest IA32_BNDCFGS (MPX) is loaded on VM entry"),
	ENTRY(17, "Conceal VMX from PT", "VM_ENTRY_PT_CONCEAL_PIP", NULL,
	      "Intel PT emits no PIP/VMCS packet for the VM entry"),
	ENTRY(18, "Load IA32_RTIT_CTL", "VM_ENTRY_LOAD_IA32_RTIT_CTL", "vmx-entry-load-rtit-ctl",
	      "the guest IA32_RTIT_CTL (Intel PT) is loaded on VM entry"),
	ENTRY(19, "Load UINV", NULL, NULL,
	      "the guest user-interrupt notification vector is loaded on VM entry"),
	ENTRY(20, "Load CET state", "VM_ENTRY_LOAD_CET_STATE", NULL,
	      "the guest CET MSRs and SSP are loaded on VM entry"),
	ENTRY(21, "Load guest IA32_LBR_CTL", NULL, NULL,
	      "the guest IA32_LBR_CTL (architectural LBRs) is loaded on VM entry"),
	ENTRY(22, "Load PKRS", NULL, "vmx-entry-load-pkrs",
	      "the guest IA32_PKRS is loaded on VM entry"),
	ENTRY(23, "Load FRED", NULL, "vmx-entry-load-fred",
	      "the guest FRED MSRs are loaded on VM entry"),
	ENTRY(24, "Load IA32_SPEC_CTRL", NULL, NULL,
	      "the guest IA32_SPEC_CTRL is loaded on VM entry"),
	ENTRY(25, "Allow SEAM-guest telemetry", NULL, NULL,
	      "out-of-band core telemetry may stay on when entering a SEAM guest"),
};

/* 0x493, a 64-bit allowed-1 mask like 0x492. */
#define EXIT2(b, s, d) CTL(NVMX_WORD_EXIT2, NVMX_EXIT2, b, s, NULL, NULL, d)

static const struct nvmx_field exit2_fields[] = {
	EXIT2(0, "Save FRED", "the guest FRED MSRs are saved on VM exit"),
	EXIT2(1, "Load FRED", "the host FRED MSRs are loaded on VM exit"),
	EXIT2(2, "Load IA32_SPEC_CTRL", "the host IA32_SPEC_CTRL is loaded on VM exit"),
	EXIT2(3, "Prematurely busy shadow stack",
	      "VM exit on a shadow-stack token found busy before delivery completes"),
};

/* Control-register bits, for CR0/CR4_FIXED0/1 (lsb = the CR bit). */
#define CR(w, m, b, s, lx, d) \
	{ .msr = (m), .word = (w), .lsb = (b), .width = 1, .sdm = (s), \
	  .linux_name = (lx), .desc = (d), .fmt = NVMX_FMT_FLAG }
#define CR0(b, s, lx, d) CR(NVMX_WORD_CR0, NVMX_CR0_FIXED0, b, s, lx, d)
#define CR4(b, s, lx, d) CR(NVMX_WORD_CR4, NVMX_CR4_FIXED0, b, s, lx, d)

static const struct nvmx_field cr0_fields[] = {
	CR0(0, "CR0.PE", "X86_CR0_PE", "protection enable"),
	CR0(1, "CR0.MP", "X86_CR0_MP", "monitor coprocessor"),
	CR0(2, "CR0.EM", "X86_CR0_EM", "x87 emulation"),
	CR0(3, "CR0.TS", "X86_CR0_TS", "task switched"),
	CR0(4, "CR0.ET", "X86_CR0_ET", "extension type"),
	CR0(5, "CR0.NE", "X86_CR0_NE", "native x87 error reporting"),
	CR0(16, "CR0.WP", "X86_CR0_WP", "supervisor write protect"),
	CR0(18, "CR0.AM", "X86_CR0_AM", "alignment mask"),
	CR0(29, "CR0.NW", "X86_CR0_NW", "not write-through"),
	CR0(30, "CR0.CD", "X86_CR0_CD", "cache disable"),
	CR0(31, "CR0.PG", "X86_CR0_PG", "paging"),
};

static const struct nvmx_field cr4_fields[] = {
	CR4(0, "CR4.VME", "X86_CR4_VME", "virtual-8086 mode extensions"),
	CR4(1, "CR4.PVI", "X86_CR4_PVI", "protected-mode virtual interrupts"),
	CR4(2, "CR4.TSD", "X86_CR4_TSD", "time stamp disable"),
	CR4(3, "CR4.DE", "X86_CR4_DE", "debugging extensions"),
	CR4(4, "CR4.PSE", "X86_CR4_PSE", "page size extensions"),
	CR4(5, "CR4.PAE", "X86_CR4_PAE", "physical address extension"),
	CR4(6, "CR4.MCE", "X86_CR4_MCE", "machine-check enable"),
	CR4(7, "CR4.PGE", "X86_CR4_PGE", "global pages"),
	CR4(8, "CR4.PCE", "X86_CR4_PCE", "RDPMC at any privilege level"),
	CR4(9, "CR4.OSFXSR", "X86_CR4_OSFXSR", "OS supports FXSAVE/FXRSTOR"),
	CR4(10, "CR4.OSXMMEXCPT", "X86_CR4_OSXMMEXCPT", "OS handles unmasked SIMD exceptions"),
	CR4(11, "CR4.UMIP", "X86_CR4_UMIP", "user-mode instruction prevention"),
	CR4(12, "CR4.LA57", "X86_CR4_LA57", "57-bit linear addresses (5-level paging)"),
	CR4(13, "CR4.VMXE", "X86_CR4_VMXE", "VMX enable"),
	CR4(14, "CR4.SMXE", "X86_CR4_SMXE", "SMX enable"),
	CR4(16, "CR4.FSGSBASE", "X86_CR4_FSGSBASE", "RDFSBASE/WRFSBASE and friends"),
	CR4(17, "CR4.PCIDE", "X86_CR4_PCIDE", "process-context identifiers"),
	CR4(18, "CR4.OSXSAVE", "X86_CR4_OSXSAVE", "XSAVE and processor extended states"),
	CR4(19, "CR4.KL", NULL, "Key Locker"),
	CR4(20, "CR4.SMEP", "X86_CR4_SMEP", "supervisor-mode execution prevention"),
	CR4(21, "CR4.SMAP", "X86_CR4_SMAP", "supervisor-mode access prevention"),
	CR4(22, "CR4.PKE", "X86_CR4_PKE", "protection keys for user pages"),
	CR4(23, "CR4.CET", "X86_CR4_CET", "control-flow enforcement"),
	CR4(24, "CR4.PKS", "X86_CR4_PKS", "protection keys for supervisor pages"),
	CR4(25, "CR4.UINTR", NULL, "user interrupts"),
	CR4(27, "CR4.LASS", NULL, "linear-address space separation"),
	CR4(28, "CR4.LAM_SUP", "X86_CR4_LAM_SUP", "linear-address masking for supervisor pointers"),
	CR4(32, "CR4.FRED", "X86_CR4_FRED", "flexible return and event delivery"),
};

#define SLICE(a) { (a), CATALOG_LEN(a) }

const struct catalog_slice catalog_words[NVMX_WORD_COUNT] = {
	[NVMX_WORD_PIN] = SLICE(pin_fields),
	[NVMX_WORD_PROC] = SLICE(proc_fields),
	[NVMX_WORD_PROC2] = SLICE(proc2_fields),
	[NVMX_WORD_PROC3] = SLICE(proc3_fields),
	[NVMX_WORD_EXIT] = SLICE(exit_fields),
	[NVMX_WORD_ENTRY] = SLICE(entry_fields),
	[NVMX_WORD_EXIT2] = SLICE(exit2_fields),
	[NVMX_WORD_CR0] = SLICE(cr0_fields),
	[NVMX_WORD_CR4] = SLICE(cr4_fields),
};
