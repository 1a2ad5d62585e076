/* SPDX-License-Identifier: MIT */
/*
 * The revoke list proposed in the 2022 review of the vmcs_config rework:
 * allowed-1 bits a newer KVM no longer offers on a host but that an older
 * supported release did, so that state saved under the older release still
 * restores.  Computed by loading every older release on the same host.
 */
#include "nvmx/vcpu.h"
#include "kernels.h"

static const enum nvmx_msr_id revocable[] = {
	NVMX_TRUE_PINBASED, NVMX_TRUE_PROCBASED, NVMX_TRUE_EXIT, NVMX_TRUE_ENTRY, NVMX_PROCBASED2,
};

/* Index of id in revocable[], or -1. */
static int revoke_slot(enum nvmx_msr_id id)
{
	for (unsigned r = 0; r < sizeof(revocable) / sizeof(revocable[0]); r++)
		if (revocable[r] == id)
			return (int)r;
	return -1;
}

bool nvmx_revoke_offered_by(const struct nvmx_revoke *r, enum nvmx_msr_id id, unsigned bit,
			    unsigned kernel)
{
	int s = revoke_slot(id);
	if (s < 0 || bit >= 32 || kernel >= NVMX_MAX_KERNELS)
		return false;
	return (r->offered_by[s][bit][kernel / 64] >> (kernel % 64)) & 1;
}

unsigned nvmx_revoke_compute(struct nvmx_revoke *out, const struct nvmx_host *h,
			     const struct nvmx_kernel *dest, const struct nvmx_params *p,
			     const struct nvmx_kernel *since)
{
	struct nvmx_kvm dst, old;
	struct nvmx_params op;
	unsigned count = 0;

	*out = (struct nvmx_revoke){ { 0 }, { { { 0 } } } };
	nvmx_kvm_load(&dst, h, dest, p);
	if (dst.status != NVMX_LOAD_OK || !dst.nested)
		return 0;
	for (unsigned i = 0; i < nvmx_kernel_count() && i < NVMX_MAX_KERNELS; i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (!nvmx_kernel_older(k, dest) || (since && nvmx_kernel_older(k, since)))
			continue;
		nvmx_params_for(k, p, &op);
		nvmx_kvm_load(&old, h, k, &op);
		if (old.status != NVMX_LOAD_OK || !old.nested)
			continue;
		for (unsigned r = 0; r < sizeof(revocable) / sizeof(revocable[0]); r++) {
			enum nvmx_msr_id id = revocable[r];
			uint32_t lost = nvmx_hi(nvmx_caps_read(&old.caps, id)) &
					~nvmx_hi(nvmx_caps_read(&dst.caps, id));
			for (unsigned b = 0; b < 32; b++)
				if ((lost >> b) & 1) {
					if (!((out->hi[id] >> b) & 1))
						count++;
					out->hi[id] |= UINT32_C(1) << b;
					out->offered_by[r][b][i / 64] |= UINT64_C(1) << (i % 64);
				}
		}
	}
	return count;
}

/*
 * The lists of many hosts together (`nvmx revoke-list` over hosts or an
 * inventory): every bit some host's list holds, the hosts that need it (by
 * weight), the first of them, and every release that offered it on any of
 * them -- only for bits that host's list holds.
 */
void nvmx_revoke_union_init(struct nvmx_revoke_union *u)
{
	*u = (struct nvmx_revoke_union){ .bits = 0 };
}

void nvmx_revoke_union_add(struct nvmx_revoke_union *u, const struct nvmx_revoke *r, const char *name,
			   unsigned long long weight)
{
	u->hosts += weight;
	for (unsigned s = 0; s < sizeof(revocable) / sizeof(revocable[0]); s++) {
		enum nvmx_msr_id id = revocable[s];
		for (unsigned b = 0; b < 32; b++) {
			if (!((r->hi[id] >> b) & 1))
				continue;
			if (!u->need[id][b]) {
				u->example[id][b] = name;
				u->bits++;
			}
			u->need[id][b] += weight;
			u->list.hi[id] |= UINT32_C(1) << b;
			for (unsigned w = 0; w < NVMX_MAX_KERNELS / 64; w++)
				u->list.offered_by[s][b][w] |= r->offered_by[s][b][w];
		}
	}
}
