/* SPDX-License-Identifier: MIT */
/*
 * How the restore target reads its input, so the seed generator can write
 * inputs that mean something.  All multi-byte values are little-endian; a
 * short input reads as zeros.
 *
 *   u16 host             index into the bundled dumps (modulo their number)
 *   u8  release          nvmx_kernel_at(release % count)
 *   u8  nmut             (% 9) host mutations, each 2 bytes:
 *         u8 a, u8 b      a & 0x80: toggle presence of MSR a % 20
 *                         else: flip bit b % 64 of MSR a % 20
 *   u8  nfeat            (% 5) feature toggles, each u8 (% NVMX_F_COUNT)
 *   u8  env              ENV_* bits below; policy = (env >> 5) % 3
 *   [u8 model]           if ENV_MODEL
 *   u8  nparam           (% 5) parameters, each u8 p (% NVMX_P_COUNT), u32 value
 *   [u8 mode, u64 mask, u8 pmu]   if ENV_CPUID: guest CPUID (CPUID_* modes)
 *   u8  state            initial vCPU state bits (& 0x1f)
 *   [u8 since]           if policy is not strict: 0 = every older release,
 *                        else nvmx_kernel_at((since - 1) % count)
 *   then operations until the input ends (at most FUZZ_MAX_OPS):
 *   u8  op               op & 0x0f < OP_CPUID: a write, value mode op >> 4
 *                        (VAL_*), then u8 m: MSR 0x480 + m % 20, except
 *                        m == 0xfe: 0x47f or 0x494 (next u8 & 1), m == 0xff: u32 index
 *                        OP_CPUID: u8 mode, u64 mask, u8 pmu (KVM_SET_CPUID2 again)
 *                        OP_STATE_OR / OP_STATE_SET: u8 state bits
 */
#ifndef NVMX_FUZZ_RESTORE_INPUT_H
#define NVMX_FUZZ_RESTORE_INPUT_H

#define ENV_HYPERV_EVMCS	0x01	/* KVM runs on Hyper-V with eVMCS */
#define ENV_FIXUP		0x02	/* make the mutated host SDM-consistent */
#define ENV_MODEL		0x04	/* override the display model (errata lists) */
#define ENV_NO_STUFF_QUIRK	0x08	/* disable KVM_X86_QUIRK_STUFF_FEATURE_MSRS */
#define ENV_CPUID		0x10	/* KVM_SET_CPUID2 before the writes */

#define CPUID_HOST		0	/* the host's own features */
#define CPUID_VMX_ONLY		1
#define CPUID_MASK		2	/* the mask as is */
#define CPUID_HOST_XOR		3	/* host features ^ mask */

#define OP_CPUID		13
#define OP_STATE_OR		14
#define OP_STATE_SET		15

#define VAL_RAW			0	/* u64 */
#define VAL_N			1	/* KVM's value (N) */
#define VAL_N_FLIP		2	/* N with bit (u8 % 64) flipped */
#define VAL_V			3	/* the vCPU's current value */
#define VAL_V_FLIP		4	/* ... with bit (u8 % 64) flipped */
#define VAL_N_DROP		5	/* N with allowed-1 bits & u32 */
#define VAL_N_ADD		6	/* N | bit (u8 % 64) */
#define VAL_N_AND		7	/* N & u64 */
#define VAL_N_REVOKED		8	/* N plus the revoke list's allowed-1 bits */
/* 9..15: N, exactly (most writes of a real restore). */

#define FUZZ_MAX_OPS		64

#endif
