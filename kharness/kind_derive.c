// SPDX-License-Identifier: GPL-2.0-only
/*
 * kind derive (also synthetic): load kvm_intel on the host with the case's
 * module parameters (env hyperv_evmcs=1: on Hyper-V with eVMCS), then report
 * what DATA.md's derive lines hold: parameters before and after, the load
 * result, vmcs_config, and the nested MSRs as KVM_GET_MSRS on /dev/kvm
 * answers them (vmx_get_vmx_msr on the system-wide values).
 */

static void kh_json_vmcs_config(void)
{
	kh_json_open("vmcs_config");
#ifdef KH_CONF_BASIC64
	kh_json_hex64("basic", vmcs_config.basic);
#else
	kh_json_hex("revision_id", (u32)vmcs_config.revision_id);
	kh_json_int("size", vmcs_config.size);
	kh_json_hex("basic_cap", (u32)vmcs_config.basic_cap);
#endif
	kh_json_hex("pin_based_exec_ctrl", vmcs_config.pin_based_exec_ctrl);
	kh_json_hex("cpu_based_exec_ctrl", vmcs_config.cpu_based_exec_ctrl);
	kh_json_hex("cpu_based_2nd_exec_ctrl", vmcs_config.cpu_based_2nd_exec_ctrl);
#if KH_LAYOUT >= 601
	kh_json_hex("cpu_based_3rd_exec_ctrl", vmcs_config.cpu_based_3rd_exec_ctrl);
#endif
	kh_json_hex("vmexit_ctrl", vmcs_config.vmexit_ctrl);
	kh_json_hex("vmentry_ctrl", vmcs_config.vmentry_ctrl);
#if KH_LAYOUT >= 601
	kh_json_hex("misc", vmcs_config.misc);
#endif
	kh_json_hex("vmx_capability_ept", vmx_capability.ept);
	kh_json_hex("vmx_capability_vpid", vmx_capability.vpid);
	kh_json_close();
}

static void kh_json_nested(const char *k, struct nested_vmx_msrs *msrs)
{
	kh_json_open(k);
	for (u32 idx = 0x480; idx <= 0x493; idx++) {
		u64 v = 0;
		if (vmx_get_vmx_msr(msrs, idx, &v))
			continue;
		char key[8];
		snprintf(key, sizeof(key), "0x%x", idx);
		kh_json_hex64(key, v);
	}
	kh_json_close();
}

/* the parts every kind that loads the module starts with; returns the load rc */
static int kh_case_load(const struct kh_case *c)
{
	const char *e = kh_env(c, "hyperv_evmcs");
	kh_hyperv = e && strcmp(e, "0");
	kh_host_apply();
	for (int i = 0; i < c->nparams; i++)
		if (kh_param_set(c->param_name[i], c->param_value[i])) {
			fprintf(stderr, "kharness: %s: no module parameter %s=%s in this tree\n",
				c->name, c->param_name[i], c->param_value[i]);
			exit(5);
		}
	kh_json_params("params");
	int rc = kh_cpu_has(X86_FEATURE_VMX) ? kh_load() : -EOPNOTSUPP;
	kh_json_bool("load_ok", rc == 0);
	kh_json_int("load_rc", rc);
	kh_json_params("params_effective");
	if (kh_hyperv)
		kh_json_bool("kvm_using_evmcs", KH_USING_EVMCS());
	return rc;
}

static int kind_derive(const struct kh_case *c)
{
	int rc = kh_case_load(c);
	if (rc == 0)
		kh_json_vmcs_config();
	if (rc == 0 && nested)
		kh_json_nested("nested", KH_NESTED_MSRS);
	else
		kh_json_null("nested");
	kh_json_log("kernel_log");
	return 0;
}
