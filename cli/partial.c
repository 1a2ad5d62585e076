/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "partial.h"
#include "nvmx/catalog.h"

void partial_unknowns(const struct nvmx_hostfile *hf, struct nvmx_unknown *u)
{
	memset(u, 0, sizeof(*u));
	if (!hf->partial)
		return;
	memcpy(u->msr, hf->unknown, sizeof(u->msr));
	u->features = hf->unknown_features;
}

bool partial_has_unknown(const struct nvmx_hostfile *hf)
{
	struct nvmx_unknown u;
	partial_unknowns(hf, &u);
	return nvmx_unknown_any(&u, &hf->host);
}

void partial_variant(const struct nvmx_hostfile *hf, bool ones, struct nvmx_host *out)
{
	*out = hf->host;
	if (!hf->partial)
		return;
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		enum nvmx_msr_id id = (enum nvmx_msr_id)i;
		if (!nvmx_msrs_has(&out->msrs, id))
			continue;
		uint64_t v = out->msrs.val[i], u = hf->unknown[i];
		nvmx_msrs_set(&out->msrs, id, ones ? v | u : v & ~u);
	}
	out->features = ones ? out->features | hf->unknown_features
			     : out->features & ~hf->unknown_features;
}

static size_t bits_text(char *buf, size_t size, size_t n, const char *what, uint64_t u)
{
	if (n >= size)
		return n;
	n += (size_t)snprintf(buf + n, size - n, "%s%s bit%s", n ? "; " : "", what,
			      __builtin_popcountll(u) > 1 ? "s" : "");
	bool first = true;
	for (unsigned b = 0; b < 64 && n < size; b++)
		if (u >> b & 1) {
			n += (size_t)snprintf(buf + n, size - n, "%s%u", first ? " " : ",", b);
			first = false;
		}
	return n;
}

void partial_unknown_text(const struct nvmx_hostfile *hf, enum nvmx_msr_id id, char *buf,
			  size_t size)
{
	buf[0] = 0;
	uint64_t u = hf->partial && nvmx_msrs_has(&hf->host.msrs, id) ? hf->unknown[id] : 0;
	if (!u || size < 2)
		return;
	bits_text(buf, size, 0, nvmx_msr_desc(id)->sdm, u);
}

/* "IA32_VMX_ENTRY_CTLS allowed-1 bit 20 VM_ENTRY_LOAD_CET_STATE", "IA32_VMX_BASIC bit 56 (...)" */
static size_t bit_text(char *buf, size_t size, size_t n, const char *side, enum nvmx_msr_id id,
		       unsigned b)
{
	if (n >= size)
		return n;
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	const struct nvmx_field *f = nvmx_field_at(id, b);
	const char *name = f ? (f->linux_name ? f->linux_name : f->sdm) : NULL;
	if (d->layout == NVMX_LAYOUT_CONTROLS)
		return n + (size_t)snprintf(buf + n, size - n, "%s%s%s %s bit %u%s%s", n ? "; " : "", side,
					    d->sdm, b >= 32 ? "allowed-1" : "allowed-0", b % 32,
					    name ? " " : "", name ? name : "");
	return n + (size_t)snprintf(buf + n, size - n, "%s%s%s bit %u%s%s%s", n ? "; " : "", side, d->sdm,
				    b, name ? " (" : "", name ? name : "", name ? ")" : "");
}

void partial_decide_text(const struct nvmx_partial_result *r, bool two_sides, char *buf,
			 size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	for (unsigned s = 0; s < 2; s++) {
		const struct nvmx_unknown *d = &r->decide[s];
		const char *side = two_sides ? (s ? "destination " : "source ") : "";
		for (unsigned id = 0; id < NVMX_MSR_COUNT; id++)
			for (unsigned b = 0; b < 64; b++)
				if (d->msr[id] >> b & 1)
					n = bit_text(buf, size, n, side, (enum nvmx_msr_id)id, b);
		for (unsigned f = 0; f < NVMX_F_COUNT && n < size; f++)
			if (d->features >> f & 1)
				n += (size_t)snprintf(buf + n, size - n, "%s%sCPUID flag %s", n ? "; " : "",
						      side, nvmx_feature_name((enum nvmx_feature)f));
	}
}

void partial_decide_json(FILE *f, const struct nvmx_partial_result *r, bool two_sides)
{
	bool first = true;
	fputc('[', f);
	for (unsigned s = 0; s < 2; s++) {
		const struct nvmx_unknown *d = &r->decide[s];
		const char *side = two_sides ? (s ? "\"destination\"" : "\"source\"") : "null";
		for (unsigned id = 0; id < NVMX_MSR_COUNT; id++) {
			if (!d->msr[id])
				continue;
			fprintf(f, "%s{\"side\":%s,\"msr\":\"%s\",\"bits\":[", first ? "" : ",", side,
				nvmx_msr_desc((enum nvmx_msr_id)id)->sdm);
			first = false;
			bool fb = true;
			for (unsigned b = 0; b < 64; b++)
				if (d->msr[id] >> b & 1) {
					fprintf(f, "%s%u", fb ? "" : ",", b);
					fb = false;
				}
			fputs("]}", f);
		}
		for (unsigned x = 0; x < NVMX_F_COUNT; x++)
			if (d->features >> x & 1) {
				fprintf(f, "%s{\"side\":%s,\"feature\":\"%s\"}", first ? "" : ",", side,
					nvmx_feature_name((enum nvmx_feature)x));
				first = false;
			}
	}
	fputc(']', f);
}

void partial_host_json(FILE *f, bool partial, bool not_proven, const struct nvmx_partial_result *r,
		       bool two_sides)
{
	if (!partial) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{\"not_proven\":%s,\"unknown_bits\":%u,\"completions\":%lu,\"exhaustive\":%s,"
		"\"deciding\":", not_proven ? "true" : "false", r->vars, r->tried,
		r->exhaustive ? "true" : "false");
	if (not_proven)
		partial_decide_json(f, r, two_sides);
	else
		fprintf(f, "[]");
	fputc('}', f);
}
