/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kh_vcpu.h: a vCPU for the copied vCPU functions (vmx_set_vmx_msr and the
 * vmx_restore_* helpers, vmx_get_vmx_msr on the vCPU's values). Written for
 * the harness: only the members those functions touch, by the kernel's names,
 * so the copied code compiles unchanged; the nested MSR set itself is the
 * tree's own struct nested_vmx_msrs. The vCPU is never in VMX operation
 * (nested.vmxon false) and has never run, as DATA.md's "fresh vCPU" says.
 */
#ifndef KH_VCPU_H
#define KH_VCPU_H

struct kvm { int kh_unused; };

struct kvm_vcpu {
	struct kvm *kvm;
};

#ifndef KH_HAS_struct_vcpu_vmx
struct kh_nested_vmx {
	bool vmxon;
	struct nested_vmx_msrs msrs;
};

struct vcpu_vmx {
	struct kvm_vcpu vcpu;
	struct kh_nested_vmx nested;
};
#endif
#endif
