/* SPDX-License-Identifier: MIT */
#include "print.h"

void print_msrs_json(FILE *f, const struct nvmx_msrs *m)
{
	bool first = true;
	fputc('{', f);
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		if (!nvmx_msrs_has(m, (enum nvmx_msr_id)id))
			continue;
		fprintf(f, "%s\"%s\":", first ? "" : ",", nvmx_msr_desc((enum nvmx_msr_id)id)->sdm);
		cli_json_hex(f, m->val[id]);
		first = false;
	}
	fputc('}', f);
}

/* One bit or field as the lists below name it: Linux name, else SDM name,
 * else "bit N", with QEMU's name in parentheses. */
static void print_one_field(FILE *f, const struct nvmx_field *fld, unsigned b, bool first)
{
	fprintf(f, "%s", first ? "" : ", ");
	if (fld && fld->linux_name)
		fprintf(f, "%s", fld->linux_name);
	else if (fld && fld->sdm)
		fprintf(f, "%s", fld->sdm);
	else
		fprintf(f, "bit %u", b);
	if (fld && fld->qemu)
		fprintf(f, " (%s)", fld->qemu);
}

void print_bit_names(FILE *f, enum nvmx_msr_id id, uint64_t bits, unsigned shift)
{
	bool first = true;
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		const struct nvmx_field *fld = b + shift < 64 ? nvmx_field_at(id, b + shift) : NULL;
		print_one_field(f, fld, b, first);
		first = false;
	}
	if (first)
		fprintf(f, "(none)");
}

static bool is_controls(enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	return d && d->layout == NVMX_LAYOUT_CONTROLS;
}

void print_msrs_text(FILE *f, const struct nvmx_msrs *m, const char *indent)
{
	for (int i = 0; i < NVMX_MSR_COUNT; i++) {
		enum nvmx_msr_id id = (enum nvmx_msr_id)i;
		if (!nvmx_msrs_has(m, id))
			continue;
		uint64_t v = m->val[id];
		fprintf(f, "%s%-30s 0x%016llx\n", indent, nvmx_msr_desc(id)->sdm, (unsigned long long)v);
		if (is_controls(id) && (id == NVMX_PROCBASED2 || id >= NVMX_TRUE_PINBASED)) {
			fprintf(f, "%s    may be 1:  ", indent);
			print_bit_names(f, id, nvmx_hi(v) & ~nvmx_lo(v), 32);
			fprintf(f, "\n%s    must be 1: ", indent);
			print_bit_names(f, id, nvmx_lo(v), 0);
			fputc('\n', f);
		} else if (!is_controls(id) && (id == NVMX_EPT_VPID_CAP || id == NVMX_VMFUNC)) {
			fprintf(f, "%s    features:  ", indent);
			print_bit_names(f, id, v, 0);
			fputc('\n', f);
		}
	}
}

void print_vmcs_config_json(FILE *f, const struct nvmx_kvm *kvm)
{
	const struct nvmx_vmcs_config *c = &kvm->cfg;
	fprintf(f, "{\"basic\":\"0x%016llx\",\"pin_based_exec_ctrl\":\"0x%x\","
		   "\"cpu_based_exec_ctrl\":\"0x%x\",\"cpu_based_2nd_exec_ctrl\":\"0x%x\","
		   "\"cpu_based_3rd_exec_ctrl\":\"0x%llx\",\"vmexit_ctrl\":\"0x%x\","
		   "\"vmentry_ctrl\":\"0x%x\",\"misc\":\"0x%llx\",\"vmx_capability_ept\":\"0x%x\","
		   "\"vmx_capability_vpid\":\"0x%x\"}",
		(unsigned long long)c->basic, c->pin, c->proc, c->proc2,
		(unsigned long long)c->proc3, c->exit, c->entry, (unsigned long long)c->misc,
		c->ept, c->vpid);
}

void print_params_json(FILE *f, const struct nvmx_kernel *k, const struct nvmx_params *p)
{
	bool first = true;
	fputc('{', f);
	for (int i = 0; i < NVMX_P_COUNT; i++) {
		if (!nvmx_kernel_has_param(k, (enum nvmx_param)i))
			continue;
		fprintf(f, "%s\"%s\":%lld", first ? "" : ",", nvmx_param_name((enum nvmx_param)i),
			(long long)p->val[i]);
		first = false;
	}
	fputc('}', f);
}

void print_vcpu_reads_json(FILE *f, const struct nvmx_vcpu *vcpu, bool guest)
{
	fputc('{', f);
	for (int id = 0; id <= NVMX_VMFUNC; id++) {
		uint64_t v;
		struct nvmx_result r = nvmx_vcpu_get_msr(vcpu, nvmx_msr_index((enum nvmx_msr_id)id),
							 guest, &v);
		fprintf(f, "%s\"%s\":", id ? "," : "", nvmx_msr_desc((enum nvmx_msr_id)id)->sdm);
		if (r.rc)
			fputs("null", f);
		else
			cli_json_hex(f, v);
	}
	fputc('}', f);
}

bool migration_uses_revoke(const struct nvmx_migration *m)
{
	for (unsigned i = 0; i < m->nwrites; i++)
		if (!m->writes[i].r.rc && m->writes[i].r.revoked)
			return true;
	return false;
}

void print_field_names(FILE *f, enum nvmx_msr_id id, uint64_t bits)
{
	const struct nvmx_field *prev = NULL;
	bool first = true;
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		const struct nvmx_field *fld = nvmx_field_at(id, b);
		if (fld && fld == prev)
			continue;	/* a multi-bit field is named once */
		prev = fld;
		print_one_field(f, fld, b, first);
		first = false;
	}
	if (first)
		fprintf(f, "(none)");
}

void print_features(FILE *f, uint64_t feats)
{
	bool first = true;
	for (int i = 0; i < NVMX_F_COUNT; i++)
		if (feats & NVMX_FEAT(i)) {
			fprintf(f, "%s%s", first ? "" : " ", nvmx_feature_name((enum nvmx_feature)i));
			first = false;
		}
	if (first)
		fprintf(f, "(none)");
}

void print_features_json(FILE *f, uint64_t feats)
{
	bool first = true;
	fputc('[', f);
	for (int i = 0; i < NVMX_F_COUNT; i++)
		if (feats & NVMX_FEAT(i)) {
			fprintf(f, "%s\"%s\"", first ? "" : ",", nvmx_feature_name((enum nvmx_feature)i));
			first = false;
		}
	fputc(']', f);
}
