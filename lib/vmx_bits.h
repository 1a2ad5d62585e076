/* SPDX-License-Identifier: MIT */
/*
 * Bit constants of the VMX control words and capability fields that the KVM
 * model computes with.  The catalogue names them for people; these are the
 * same positions for arithmetic.  Values per the Intel SDM, Vol. 3, App. A.
 */
#ifndef NVMX_VMX_BITS_H
#define NVMX_VMX_BITS_H

#define BIT32(n) (UINT32_C(1) << (n))
#define BIT64(n) (UINT64_C(1) << (n))

/* Pin-based controls */
#define PIN_EXT_INTR		BIT32(0)
#define PIN_NMI_EXIT		BIT32(3)
#define PIN_VIRTUAL_NMIS	BIT32(5)
#define PIN_PREEMPT_TIMER	BIT32(6)
#define PIN_POSTED_INTR		BIT32(7)
#define PIN_DEFAULT1		UINT32_C(0x00000016)

/* Primary processor-based controls */
#define PROC_INTR_WINDOW	BIT32(2)
#define PROC_INVLPG		BIT32(9)
#define PROC_CR3_LOAD		BIT32(15)
#define PROC_CR3_STORE		BIT32(16)
#define PROC_TERTIARY		BIT32(17)
#define PROC_CR8_LOAD		BIT32(19)
#define PROC_CR8_STORE		BIT32(20)
#define PROC_TPR_SHADOW		BIT32(21)
#define PROC_NMI_WINDOW		BIT32(22)
#define PROC_MSR_BITMAPS	BIT32(28)
#define PROC_SECONDARY		BIT32(31)
#define PROC_DEFAULT1		UINT32_C(0x0401e172)

/* Secondary processor-based controls */
#define P2_VAPIC		BIT32(0)
#define P2_EPT			BIT32(1)
#define P2_DESC			BIT32(2)
#define P2_RDTSCP		BIT32(3)
#define P2_X2APIC		BIT32(4)
#define P2_VPID			BIT32(5)
#define P2_WBINVD		BIT32(6)
#define P2_UNRESTRICTED		BIT32(7)
#define P2_APIC_REG		BIT32(8)
#define P2_VID			BIT32(9)
#define P2_PLE			BIT32(10)
#define P2_RDRAND		BIT32(11)
#define P2_INVPCID		BIT32(12)
#define P2_VMFUNC		BIT32(13)
#define P2_SHADOW_VMCS		BIT32(14)
#define P2_ENCLS		BIT32(15)
#define P2_RDSEED		BIT32(16)
#define P2_PML			BIT32(17)
#define P2_EPT_VE		BIT32(18)
#define P2_PT_CONCEAL		BIT32(19)
#define P2_XSAVES		BIT32(20)
#define P2_MBEC			BIT32(22)	/* mode-based execute control for EPT */
#define P2_PT_USE_GPA		BIT32(24)
#define P2_TSC_SCALING		BIT32(25)
#define P2_USR_WAIT_PAUSE	BIT32(26)

/* Tertiary */
#define P3_IPI_VIRT		BIT64(4)

/* VM-exit controls */
#define EXIT_SAVE_DEBUG		BIT32(2)
#define EXIT_HOST_64		BIT32(9)
#define EXIT_LOAD_PERF_GLOBAL	BIT32(12)
#define EXIT_ACK_INTR		BIT32(15)
#define EXIT_SAVE_PAT		BIT32(18)
#define EXIT_LOAD_PAT		BIT32(19)
#define EXIT_SAVE_EFER		BIT32(20)
#define EXIT_LOAD_EFER		BIT32(21)
#define EXIT_SAVE_PREEMPT	BIT32(22)
#define EXIT_CLEAR_BNDCFGS	BIT32(23)
#define EXIT_CLEAR_RTIT		BIT32(25)
#define EXIT_LOAD_CET		BIT32(28)
#define EXIT_DEFAULT1		UINT32_C(0x00036dff)

/* VM-entry controls */
#define ENTRY_LOAD_DEBUG	BIT32(2)
#define ENTRY_IA32E		BIT32(9)
#define ENTRY_LOAD_PERF_GLOBAL	BIT32(13)
#define ENTRY_LOAD_PAT		BIT32(14)
#define ENTRY_LOAD_EFER		BIT32(15)
#define ENTRY_LOAD_BNDCFGS	BIT32(16)
#define ENTRY_LOAD_RTIT		BIT32(18)
#define ENTRY_LOAD_CET		BIT32(20)
#define ENTRY_DEFAULT1		UINT32_C(0x000011ff)

/* IA32_VMX_BASIC */
#define BASIC_SIZE_SHIFT	32
#define BASIC_SIZE_MASK		UINT64_C(0x1fff)
#define BASIC_32BIT_ADDR	BIT64(48)
#define BASIC_DUAL_MONITOR	BIT64(49)
#define BASIC_MEMTYPE_SHIFT	50
#define BASIC_MEMTYPE_MASK	UINT64_C(0xf)
#define BASIC_MEMTYPE_WB	6
#define BASIC_INOUT		BIT64(54)
#define BASIC_TRUE_CTLS		BIT64(55)
#define BASIC_NO_HW_ERRCODE	BIT64(56)
#define BASIC_REVISION		UINT64_C(0x7fffffff)
/* Bits a restore may only keep or clear: 49, 54, 55, (56), reserved 31, 47:45, 63:56. */
#define BASIC_RESTORE_CHECKED	UINT64_C(0xffc2e00080000000)
#define VMCS12_REVISION		UINT64_C(0x11e57ed0)
#define VMCS12_SIZE		UINT64_C(0x1000)

/* IA32_VMX_MISC */
#define MISC_TIMER_RATE		UINT32_C(0x1f)
#define MISC_SAVE_EFER_LMA	BIT32(5)
#define MISC_ACT_HLT		BIT32(6)
#define MISC_ACT_WAIT_SIPI	BIT32(8)
#define MISC_INTEL_PT		BIT32(14)
#define MISC_CR3_COUNT_SHIFT	16
#define MISC_CR3_COUNT_MASK	UINT32_C(0x1ff)
#define MISC_MAX_MSR_SHIFT	25
#define MISC_MAX_MSR_MASK	UINT32_C(0x7)
#define MISC_VMWRITE_ALL	BIT32(29)
/* Bits a restore may only keep or clear: 5-8, 14, 15, 28-30, reserved 9-13, 31. */
#define MISC_RESTORE_CHECKED	UINT64_C(0x00000000f000ffe0)

/* IA32_VMX_EPT_VPID_CAP (ept = low dword, vpid = high dword) */
#define EPT_EXEC_ONLY		BIT32(0)
#define EPT_PWL4		BIT32(6)
#define EPT_PWL5		BIT32(7)
#define EPT_WB			BIT32(14)
#define EPT_2M			BIT32(16)
#define EPT_1G			BIT32(17)
#define EPT_INVEPT		BIT32(20)
#define EPT_AD			BIT32(21)
#define EPT_ADV_EXIT		BIT32(22)	/* advanced VM-exit information for EPT violations */
#define EPT_INVEPT_CONTEXT	BIT32(25)
#define EPT_INVEPT_GLOBAL	BIT32(26)
#define VPID_INVVPID		BIT32(0)
#define VPID_INDIVIDUAL		BIT32(8)
#define VPID_SINGLE		BIT32(9)
#define VPID_GLOBAL		BIT32(10)
#define VPID_SINGLE_NONGLOBAL	BIT32(11)

/* CR4 bits KVM rebuilds CR4_FIXED1 from */
#define CR4_VME		BIT64(0)
#define CR4_PVI		BIT64(1)
#define CR4_TSD		BIT64(2)
#define CR4_DE		BIT64(3)
#define CR4_PSE		BIT64(4)
#define CR4_PAE		BIT64(5)
#define CR4_MCE		BIT64(6)
#define CR4_PGE		BIT64(7)
#define CR4_PCE		BIT64(8)
#define CR4_OSFXSR	BIT64(9)
#define CR4_OSXMMEXCPT	BIT64(10)
#define CR4_UMIP	BIT64(11)
#define CR4_LA57	BIT64(12)
#define CR4_VMXE	BIT64(13)
#define CR4_SMXE	BIT64(14)
#define CR4_FSGSBASE	BIT64(16)
#define CR4_PCIDE	BIT64(17)
#define CR4_OSXSAVE	BIT64(18)
#define CR4_SMEP	BIT64(20)
#define CR4_SMAP	BIT64(21)
#define CR4_PKE		BIT64(22)
#define CR4_CET		BIT64(23)
#define CR4_LAM_SUP	BIT64(28)

/*
 * The VM-entry/VM-exit control pairs KVM checks together (a processor
 * reports both halves of a pair or neither), in the order releases added
 * them: a row's entry_exit_pairs counts the first N.
 */
struct nvmx__ctl_pair { uint32_t entry, exit; };
#define NVMX__ENTRY_EXIT_PAIRS 6
extern const struct nvmx__ctl_pair nvmx__entry_exit_pairs[NVMX__ENTRY_EXIT_PAIRS];

#endif
