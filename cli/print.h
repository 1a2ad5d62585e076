/* SPDX-License-Identifier: MIT */
/* Output helpers shared by the KVM-model commands. */
#ifndef NVMX_PRINT_H
#define NVMX_PRINT_H

#include "cli.h"

/* {"IA32_VMX_BASIC":"0x...", ...} for every MSR present in m. */
void print_msrs_json(FILE *f, const struct nvmx_msrs *m);
/* NVMX_FEAT() bits by name: "vme de pse" ("(none)" when empty), or a JSON array. */
void print_features(FILE *f, uint64_t feats);
void print_features_json(FILE *f, uint64_t feats);
/* Names of set bits, e.g. "SECONDARY_EXEC_ENABLE_EPT (vmx-ept), ...". */
void print_bit_names(FILE *f, enum nvmx_msr_id id, uint64_t bits, unsigned shift);
/* Names of the fields the set bits (MSR layout) fall in, a multi-bit field once. */
void print_field_names(FILE *f, enum nvmx_msr_id id, uint64_t bits);
/* One MSR per line with its allowed-1 / must-be-1 controls by name. */
void print_msrs_text(FILE *f, const struct nvmx_msrs *m, const char *indent);
/* Every VMX MSR of a vCPU as userspace (guest=false) or L1 reads it; null where it fails. */
void print_vcpu_reads_json(FILE *f, const struct nvmx_vcpu *vcpu, bool guest);
void print_vmcs_config_json(FILE *f, const struct nvmx_kvm *kvm);
void print_params_json(FILE *f, const struct nvmx_kernel *k, const struct nvmx_params *p);

/*
 * Said wherever an answer relies on the revoke list: it was proposed in the
 * 2022 review of the vmcs_config rework and no released kernel implements it.
 */
#define CLI_REVOKE_HYPOTHETICAL "the revoke list is a proposal no released kernel implements"
/* Any write of m accepted only through the revoke list. */
bool migration_uses_revoke(const struct nvmx_migration *m);

#endif
