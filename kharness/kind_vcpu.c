// SPDX-License-Identifier: GPL-2.0-only
/*
 * kind vcpu: one fresh vCPU after loading kvm_intel, then host-initiated
 * writes (KVM_SET_MSRS) of nested VMX MSRs, in order, each checked by the
 * tree's vmx_set_vmx_msr; a refused write changes nothing and the next one
 * proceeds. Serves DATA.md's restore and cross kinds (kcases.py names the
 * lines). Input: `arg write 0xINDEX 0xVALUE` lines. Output: the load fields
 * of kh_case_load(), `writes` [{index, value, accepted}], `final` (each
 * written index, read back as KVM_GET_MSRS does: vmx_get_vmx_msr on the
 * vCPU's values) and `vcpu` (every VMX MSR of the vCPU after the writes).
 *
 * The fresh vCPU: vmx_create_vcpu() (5.10/5.15) and __vmx_vcpu_reset() (5.19+)
 * copy the system-wide nested MSRs into the vCPU when `nested` is on (6.13+:
 * only with KVM_X86_QUIRK_STUFF_FEATURE_MSRS, on by default); that copy is the
 * one thing those functions do to the nested MSRs, so it is done here
 * (kh_vcpu_reset) rather than by compiling their VMCS set-up.
 */

static struct vcpu_vmx kh_vmx;

static void kh_vcpu_reset(struct vcpu_vmx *vmx, bool stuff_feature_msrs)
{
	memset(vmx, 0, sizeof(*vmx));
	if (nested && stuff_feature_msrs)
		memcpy(&vmx->nested.msrs, KH_NESTED_MSRS, sizeof(vmx->nested.msrs));
}

/* every VMX MSR the tree's vmx_get_vmx_msr answers, from one MSR set */
static void kh_json_vmx_msrs(const char *k, struct nested_vmx_msrs *msrs)
{
	kh_json_nested(k, msrs);
}

static int kind_vcpu(const struct kh_case *c)
{
	int rc = kh_case_load(c);
	bool have = rc == 0 && nested;
	u32 idx[KH_MAX_EXTRA];
	u64 val[KH_MAX_EXTRA];
	int nw = 0;

	for (int i = 0; i < c->nextra; i++) {
		unsigned long long a, b;
		if (sscanf(c->extra[i], "write %llx %llx", &a, &b) == 2) {
			idx[nw] = (u32)a;
			val[nw++] = b;
		} else {
			fprintf(stderr, "kharness: %s: arg '%s' is not `write 0xINDEX 0xVALUE`\n",
				c->name, c->extra[i]);
			exit(5);
		}
	}
	if (have)
		kh_vcpu_reset(&kh_vmx, true);

	kh_json_key("writes");
	putchar('[');
	kh_json_first = true;
	for (int i = 0; i < nw; i++) {
		/* host-initiated, on a vCPU allowed to use VMX and not in VMX operation */
		bool ok = have && vmx_set_vmx_msr(&kh_vmx.vcpu, idx[i], val[i]) == 0;
		char key[8];
		snprintf(key, sizeof(key), "0x%x", idx[i]);
		kh_json_open(NULL);
		kh_json_key("index");
		kh_json_str(key);
		kh_json_hex64("value", val[i]);
		kh_json_bool("accepted", ok);
		kh_json_close();
	}
	putchar(']');
	kh_json_first = false;

	kh_json_open("final");
	for (int i = 0; have && i < nw; i++) {
		bool seen = false;
		for (int j = 0; j < i; j++)
			seen |= idx[j] == idx[i];
		u64 v;
		if (seen || vmx_get_vmx_msr(&kh_vmx.nested.msrs, idx[i], &v))
			continue;
		char key[8];
		snprintf(key, sizeof(key), "0x%x", idx[i]);
		kh_json_hex64(key, v);
	}
	kh_json_close();
	if (have)
		kh_json_vmx_msrs("vcpu", &kh_vmx.nested.msrs);
	else
		kh_json_null("vcpu");
	kh_json_log("kernel_log");
	return 0;
}
