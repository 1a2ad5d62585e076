/* SPDX-License-Identifier: GPL-2.0-only */
/* kh_kvm_late.h: stand-ins that need the kernel's types (after the copied types). */
#ifndef KH_KVM_LATE_H
#define KH_KVM_LATE_H
extern struct kh_x86_ops KH_X86_OPS, KH_INIT_OPS;
/* unprototyped: kvm_init() took the ops first before 6.2, not after */
int kvm_init();
int kvm_x86_vendor_init(struct kh_x86_ops *ops);
/* the vCPU the vCPU kinds run on (kind_vcpu.c) */
#include "kh_vcpu.h"
/* vmcs12 layout self-check (a build-time assertion in the kernel): not needed here */
#ifndef KH_HAS_vmx_check_vmcs12_offsets
static inline void vmx_check_vmcs12_offsets(void) { }
#endif
/* KVM's supported CPUID: consulted by the nested MSRs only from 6.6 (copied there) */
#ifndef KH_HAS_vmx_set_cpu_caps
static inline void vmx_set_cpu_caps(void) { }
#endif
#endif
