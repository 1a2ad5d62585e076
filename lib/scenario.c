/* SPDX-License-Identifier: MIT */
/*
 * The one builder of "a fresh vCPU of this VM on that host": environment,
 * parameters, CPUID, quirks, state, policy and revoke list combined the same
 * way for every command and for fleets.
 */
#include "nvmx/scenario.h"

void nvmx_scenario_init(struct nvmx_scenario *s, const struct nvmx_host *h, bool hyperv_evmcs,
			const struct nvmx_kernel *k, const struct nvmx_params *p)
{
	s->host = *h;
	s->host.hyperv_evmcs = h->hyperv_evmcs || hyperv_evmcs;
	if (p)
		s->params = *p;
	else
		nvmx_params_default(k, &s->params);
	s->vm = (struct nvmx_vm){ .cpuid_set = false };
	s->state = 0;
	s->policy = NVMX_POLICY_STRICT;
	s->revoke_since = NULL;
	s->has_revoke = false;
	nvmx_kvm_load(&s->kvm, &s->host, k, &s->params);
}

void nvmx_scenario_reload(struct nvmx_scenario *s, const struct nvmx_kernel *k)
{
	if (k && k != s->kvm.kernel) {
		struct nvmx_params p = s->params;
		nvmx_params_for(k, &p, &s->params);
	} else {
		k = s->kvm.kernel;
	}
	s->has_revoke = false;
	nvmx_kvm_load(&s->kvm, &s->host, k, &s->params);
}

bool nvmx_scenario_usable(const struct nvmx_scenario *s)
{
	return s->kvm.status == NVMX_LOAD_OK && s->kvm.nested;
}

void nvmx_scenario_revoke(struct nvmx_scenario *s)
{
	/* The same module parameters as requested, in the same environment. */
	if (s->kvm.status == NVMX_LOAD_OK)
		nvmx_revoke_compute(&s->revoke, &s->host, s->kvm.kernel, &s->params, s->revoke_since);
	else
		s->revoke = (struct nvmx_revoke){ { 0 }, { { { 0 } } } };
	s->has_revoke = true;
}

void nvmx_scenario_vcpu_as(const struct nvmx_scenario *s, struct nvmx_vcpu *v,
			   enum nvmx_policy policy)
{
	nvmx_vcpu_init(v, &s->kvm, s->vm.quirks_disabled);
	if (s->vm.cpuid_set)
		nvmx_vcpu_set_cpuid(v, s->vm.guest_features, s->vm.pmu_version);
	nvmx_vcpu_set_state(v, s->state);
	v->policy = policy;
	if (policy != NVMX_POLICY_STRICT && s->has_revoke && s->kvm.status == NVMX_LOAD_OK)
		v->revoke = &s->revoke;
}

void nvmx_scenario_vcpu(struct nvmx_scenario *s, struct nvmx_vcpu *v)
{
	/* Recomputed each time: the caller may have changed params or revoke_since. */
	if (s->policy != NVMX_POLICY_STRICT && s->kvm.status == NVMX_LOAD_OK)
		nvmx_scenario_revoke(s);
	nvmx_scenario_vcpu_as(s, v, s->policy);
}

void nvmx_scenario_qemu_env(const struct nvmx_scenario *s, struct nvmx_qemu_host *qh,
			    struct nvmx_qemu_env *env)
{
	nvmx_qemu_host_from_kvm(qh, &s->kvm, &s->host);
	*env = (struct nvmx_qemu_env){ &s->kvm, qh,
				       s->vm.qemu ? s->vm.qemu : nvmx_qemu_release_default(),
				       s->vm.cpuid_set, s->vm.guest_features };
}

void nvmx_scenario_save(struct nvmx_scenario *s, struct nvmx_msrs *saved)
{
	struct nvmx_vcpu v;
	nvmx_scenario_vcpu(s, &v);
	nvmx_vcpu_save(&v, saved);
}

void nvmx_check(struct nvmx_migration *m, struct nvmx_vcpu *v, struct nvmx_scenario *dst,
		const struct nvmx_msrs *saved, const enum nvmx_msr_id *order, unsigned norder)
{
	if (!order) {
		order = nvmx_order_qemu;
		norder = NVMX_RESTORABLE_COUNT;
	}
	nvmx_scenario_vcpu(dst, v);
	nvmx_migrate(m, v, saved, order, norder);
}
