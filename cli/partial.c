/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "partial.h"
#include "nvmx/catalog.h"

/* BASIC and MISC hold placeholders: flipping them all would describe no processor. */
static bool flippable(enum nvmx_msr_id id)
{
	return id != NVMX_BASIC && id != NVMX_MISC;
}

bool partial_has_unknown(const struct nvmx_hostfile *hf)
{
	if (!hf->partial)
		return false;
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		if (flippable((enum nvmx_msr_id)i) && hf->unknown[i] &&
		    nvmx_msrs_has(&hf->host.msrs, (enum nvmx_msr_id)i))
			return true;
	return false;
}

void partial_variant(const struct nvmx_hostfile *hf, bool ones, struct nvmx_host *out)
{
	*out = hf->host;
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		enum nvmx_msr_id id = (enum nvmx_msr_id)i;
		if (!flippable(id) || !nvmx_msrs_has(&out->msrs, id))
			continue;
		uint64_t v = out->msrs.val[i], u = hf->unknown[i];
		nvmx_msrs_set(&out->msrs, id, ones ? v | u : v & ~u);
	}
}

void partial_unknown_text(const struct nvmx_hostfile *hf, enum nvmx_msr_id id, char *buf,
			  size_t size)
{
	buf[0] = 0;
	uint64_t u = hf->partial && nvmx_msrs_has(&hf->host.msrs, id) ? hf->unknown[id] : 0;
	if (!u || !flippable(id) || size < 2)
		return;
	size_t n = (size_t)snprintf(buf, size, "%s bits", nvmx_msr_desc(id)->sdm);
	for (unsigned b = 0; b < 64 && n < size; b++)
		if (u >> b & 1)
			n += (size_t)snprintf(buf + n, size - n, "%s%u", n && buf[n - 1] == 's' ? " " : ",", b);
}
