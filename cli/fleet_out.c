/* SPDX-License-Identifier: MIT */
/* Output shared by the fleet commands: losses by name, QEMU flags, rejected writes. */
#include <string.h>
#include "fleet.h"

static bool is_control(enum nvmx_msr_id id)
{
	return nvmx_msr_desc(id)->layout == NVMX_LAYOUT_CONTROLS;
}

const char *fleet_bit_name(enum nvmx_msr_id id, unsigned bit, char *buf, size_t n)
{
	const struct nvmx_field *fld = nvmx_field_at(id, bit);
	if (fld && fld->linux_name)
		snprintf(buf, n, "%s", fld->linux_name);
	else if (fld && fld->sdm)
		snprintf(buf, n, "%s", fld->sdm);
	else
		snprintf(buf, n, "bit %u", is_control(id) ? bit % 32 : bit);
	return buf;
}

static void names(FILE *out, enum nvmx_msr_id id, uint64_t bits)
{
	bool first = true;
	char nm[128];
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		const struct nvmx_field *fld = nvmx_field_at(id, b);
		fprintf(out, "%s%s", first ? "" : ", ", fleet_bit_name(id, b, nm, sizeof(nm)));
		if (fld && fld->qemu)
			fprintf(out, " (%s)", fld->qemu);
		first = false;
	}
}

unsigned fleet_print_loss(FILE *out, const struct nvmx_fleet_loss *l, const char *indent)
{
	unsigned lines = 0;
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		enum nvmx_msr_id id = (enum nvmx_msr_id)i;
		const char *sdm = nvmx_msr_desc(id)->sdm;
		if (l->dropped[i]) {
			fprintf(out, "%s%s: loses ", indent, sdm);
			names(out, id, l->dropped[i]);
			fputc('\n', out);
			lines++;
		}
		if (l->forced[i]) {
			bool cr = id == NVMX_CR0_FIXED0 || id == NVMX_CR4_FIXED0;
			fprintf(out, "%s%s: %s ", indent, sdm,
				cr ? "L1 must keep set" : "now must be 1:");
			names(out, id, l->forced[i]);
			fputc('\n', out);
			lines++;
		}
	}
	if (l->cr3_count || l->msr_limit) {
		fprintf(out, "%sIA32_VMX_MISC: %s%s%s\n", indent, l->cr3_count ? "fewer CR3-target values" : "",
			l->cr3_count && l->msr_limit ? ", " : "",
			l->msr_limit ? "a smaller MSR-list limit" : "");
		lines++;
	}
	if (l->vmcs_enum) {
		fprintf(out, "%sIA32_VMX_VMCS_ENUM: a lower highest VMCS field index\n", indent);
		lines++;
	}
	return lines;
}

static void bit_json(FILE *out, enum nvmx_msr_id id, unsigned b, const char *kind)
{
	const struct nvmx_field *f = nvmx_field_at(id, b);
	bool ctl = is_control(id);
	fprintf(out, "{\"msr\":\"%s\",\"kind\":\"%s\",\"bit\":%u,\"half\":\"%s\",\"sdm\":",
		nvmx_msr_desc(id)->sdm, kind, ctl ? b % 32 : b,
		ctl ? (b >= 32 ? "allowed-1" : "allowed-0") : "field");
	cli_json_str(out, f && f->sdm ? f->sdm : "reserved");
	fputs(",\"linux\":", out);
	if (f && f->linux_name)
		cli_json_str(out, f->linux_name);
	else
		fputs("null", out);
	fputs(",\"qemu\":", out);
	if (f && f->qemu)
		cli_json_str(out, f->qemu);
	else
		fputs("null", out);
	fputc('}', out);
}

void fleet_loss_json(FILE *out, const struct nvmx_fleet_loss *l)
{
	bool first = true;
	fprintf(out, "{\"features\":%u,\"bits\":[", l->features);
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		for (int k = 0; k < 2; k++) {
			uint64_t bits = k ? l->forced[i] : l->dropped[i];
			for (unsigned b = 0; b < 64; b++)
				if ((bits >> b) & 1) {
					if (!first)
						fputc(',', out);
					first = false;
					bit_json(out, (enum nvmx_msr_id)i, b, k ? "forced" : "dropped");
				}
		}
	fprintf(out, "],\"fewer_cr3_targets\":%s,\"smaller_msr_list\":%s,\"lower_vmcs_enum\":%s}",
		l->cr3_count ? "true" : "false", l->msr_limit ? "true" : "false",
		l->vmcs_enum ? "true" : "false");
}

unsigned fleet_qemu_off(const struct nvmx_fleet_loss *l, char *buf, size_t n, unsigned *unnamed)
{
	size_t len = 0;
	unsigned count = 0;
	*unnamed = 0;
	buf[0] = 0;
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		for (unsigned b = 0; b < 64; b++) {
			if (!((l->dropped[i] >> b) & 1))
				continue;
			const struct nvmx_field *f = nvmx_field_at((enum nvmx_msr_id)i, b);
			if (!f || !f->qemu) {
				(*unnamed)++;
				continue;
			}
			/* one property may cover two bits: name it once */
			char item[96];
			snprintf(item, sizeof(item), "%s=off", f->qemu);
			bool dup = false;
			for (const char *p = buf; (p = strstr(p, item)); p++)
				if ((p == buf || p[-1] == ',') && (p[strlen(item)] == ',' || !p[strlen(item)]))
					dup = true;
			if (dup)
				continue;
			if (len + strlen(item) + 2 < n)
				len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "," : "", item);
			count++;
		}
		*unnamed += (unsigned)__builtin_popcountll(l->forced[i]);
	}
	return count;
}

void fleet_write_json(FILE *out, const struct nvmx_write *w)
{
	char why[CLI_REASON_MAX];
	fprintf(out, "{\"msr\":\"%s\",\"value\":", nvmx_msr_desc(w->id)->sdm);
	cli_json_hex(out, w->value);
	fprintf(out, ",\"accepted\":%s,\"rule\":\"%s\",\"reason\":", w->r.rc ? "false" : "true",
		nvmx_reason_name(w->r.reason));
	nvmx_result_describe(&w->r, why, sizeof(why));
	cli_json_str(out, why);
	fputs(",\"offending\":[", out);
	bool first = true;
	for (unsigned b = 0; b < 64; b++)
		if ((w->r.bits >> b) & 1) {
			if (!first)
				fputc(',', out);
			first = false;
			bit_json(out, w->id, b, "offending");
		}
	fputs("]}", out);
}

void fleet_print_msrs(FILE *out, const struct nvmx_msrs *m, const char *title,
		      unsigned long long hosts, unsigned profiles)
{
	fprintf(out, "# source: %s over %llu host%s (%u unique profile%s)\n", title, hosts,
		hosts == 1 ? "" : "s", profiles, profiles == 1 ? "" : "s");
	fprintf(out, "# write these values to a fresh vCPU on any of those hosts: every one accepts them\n");
	fprintf(out, "name = %s\n", title);
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		if (nvmx_msrs_has(m, (enum nvmx_msr_id)i))
			fprintf(out, "%s = 0x%016llx\n", nvmx_msr_desc((enum nvmx_msr_id)i)->sdm,
				(unsigned long long)m->val[i]);
}

void fleet_params_json(FILE *out, const struct nvmx_inventory_profile *p)
{
	bool first = true;
	fputc('{', out);
	for (int i = 0; i < NVMX_P_COUNT; i++)
		if ((p->params.given >> i) & 1) {
			fprintf(out, "%s\"%s\":%lld", first ? "" : ",", nvmx_param_name((enum nvmx_param)i),
				(long long)p->params.val[i]);
			first = false;
		}
	fputc('}', out);
}
