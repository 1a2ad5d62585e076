/* SPDX-License-Identifier: MIT */
#include "nvmx/migrate.h"

/* kvm_init_msrs(): QEMU writes the TRUE controls before BASIC (qemu-vmx.md §2.3). */
const enum nvmx_msr_id nvmx_order_qemu[NVMX_RESTORABLE_COUNT] = {
	NVMX_TRUE_PROCBASED, NVMX_TRUE_PINBASED, NVMX_TRUE_EXIT, NVMX_TRUE_ENTRY,
	NVMX_PROCBASED2, NVMX_EPT_VPID_CAP, NVMX_BASIC, NVMX_MISC, NVMX_VMFUNC,
	NVMX_CR0_FIXED0, NVMX_CR4_FIXED0, NVMX_VMCS_ENUM,
};

const enum nvmx_msr_id nvmx_order_ascending[NVMX_RESTORABLE_COUNT] = {
	NVMX_BASIC, NVMX_MISC, NVMX_CR0_FIXED0, NVMX_CR4_FIXED0, NVMX_VMCS_ENUM,
	NVMX_PROCBASED2, NVMX_EPT_VPID_CAP, NVMX_TRUE_PINBASED, NVMX_TRUE_PROCBASED,
	NVMX_TRUE_EXIT, NVMX_TRUE_ENTRY, NVMX_VMFUNC,
};

bool nvmx_msr_restorable(enum nvmx_msr_id id)
{
	for (unsigned i = 0; i < NVMX_RESTORABLE_COUNT; i++)
		if (nvmx_order_ascending[i] == id)
			return true;
	return false;
}

void nvmx_migrate(struct nvmx_migration *out, struct nvmx_vcpu *dest, const struct nvmx_msrs *saved,
		  const enum nvmx_msr_id *order, unsigned norder)
{
	*out = (struct nvmx_migration){ .migratable = true, .first_failure = -1 };
	for (unsigned i = 0; i < norder && out->nwrites < NVMX_MSR_COUNT; i++) {
		enum nvmx_msr_id id = order[i];
		if (!nvmx_msrs_has(saved, id))
			continue;
		struct nvmx_write *w = &out->writes[out->nwrites];
		w->id = id;
		w->value = saved->val[id];
		w->r = nvmx_vcpu_set_msr(dest, nvmx_msr_index(id), w->value);
		out->revoked[id] = w->r.revoked;
		if (w->r.rc) {
			out->migratable = false;
			if (out->first_failure < 0)
				out->first_failure = (int)out->nwrites;
		}
		out->nwrites++;
	}
}

void nvmx_vcpu_save(const struct nvmx_vcpu *vcpu, struct nvmx_msrs *out)
{
	*out = (struct nvmx_msrs){ { 0 }, 0 };
	for (unsigned i = 0; i < NVMX_RESTORABLE_COUNT; i++) {
		enum nvmx_msr_id id = nvmx_order_ascending[i];
		uint64_t v;
		if (!nvmx_vcpu_get_msr(vcpu, nvmx_msr_index(id), false, &v).rc)
			nvmx_msrs_set(out, id, v);
	}
}
