/* SPDX-License-Identifier: MIT */
/*
 * nvmx check: will the destination's KVM accept this VM's VMX MSRs on live
 * migration; if not, which bits break it and which changes would work.
 */
#include <string.h>
#include "print.h"
#include "side.h"
#include "partial.h"
#include "opts.h"
#include "nvmx/nested_state.h"

struct check {
	struct side src, dst;
	const char *saved_path;
	struct nvmx_hostfile saved_hf;
	struct nvmx_msrs saved;
	enum nvmx_policy policy;
	enum nvmx_msr_id order[NVMX_MSR_COUNT];
	unsigned norder;
	const char *order_name;
	bool json;
	const char *ns_path;
	struct nvmx_nested_state ns;
	bool partial;			/* a side is a partial host with unknown bits */
	bool partial_dep;		/* ... and they change the verdict */
	bool two_sides;			/* two partial machines, each with its own unknowns */
	struct nvmx_partial_result pr;	/* the search over their completions */
};

/*
 * A partial host (cpuinfo, vmxcap, libvirt): the check asked of one
 * completion of the unknown bits (nvmx_partial_search picks them).  A source
 * whose KVM would not load, or runs nested=0, has no VM to migrate in that
 * completion: it cannot be a counterexample.
 */
static bool check_completion(void *ctx, const struct nvmx_host *src, const struct nvmx_host *dst)
{
	struct check *c = ctx;
	static struct nvmx_scenario sc;
	static struct nvmx_vcpu v;
	static struct nvmx_migration m;
	struct nvmx_msrs saved = c->saved;
	if (src) {
		kvmopts_scenario(&c->src.ko, src, &sc);
		if (vcpu_opts_apply(&c->src.vo, "check", &c->src.hf, &sc) ||
		    sc.kvm.status != NVMX_LOAD_OK || !sc.kvm.nested)
			return true;
		sc.policy = NVMX_POLICY_STRICT;
		nvmx_scenario_save(&sc, &saved);
	}
	kvmopts_scenario(&c->dst.ko, dst, &sc);
	if (vcpu_opts_apply(&c->dst.vo, "check", c->src.host_path ? &c->src.hf : &c->dst.hf, &sc))
		return false;
	nvmx_check(&m, &v, &sc, &saved, c->order, c->norder);
	return m.migratable;
}

/* What the live nested state says about this migration. */
struct ns_verdict {
	struct nvmx_ns_check chk;	/* vmcs12 against the destination vCPU's MSRs */
	uint32_t used[NVMX_MSR_COUNT];	/* offending or revoked allowed-1 bits vmcs12 uses */
	uint32_t unused[NVMX_MSR_COUNT];	/* ... that it does not use: safe to drop */
	bool unsafe;
};

/* The vmcs12 control word an MSR's allowed-1 half governs. */
static bool vmcs12_word(const struct nvmx_nested_state *ns, enum nvmx_msr_id id, uint32_t *w)
{
	const struct nvmx_ns_controls *c = &ns->ctl;
	switch (id) {
	case NVMX_TRUE_PINBASED: *w = c->pin; return true;
	case NVMX_TRUE_PROCBASED: *w = c->proc; return true;
	case NVMX_PROCBASED2: *w = c->proc2_active ? c->proc2 : 0; return true;
	case NVMX_TRUE_EXIT: *w = c->exit; return true;
	case NVMX_TRUE_ENTRY: *w = c->entry; return true;
	default: return false;
	}
}

static void nested_verdict(const struct check *c, const struct nvmx_migration *m,
			   const struct nvmx_vcpu *v, struct ns_verdict *nv)
{
	struct nvmx_msrs now = { { 0 }, 0 };
	memset(nv, 0, sizeof(*nv));
	for (int id = 0; id <= NVMX_VMFUNC; id++) {
		uint64_t val;
		if (!nvmx_vcpu_get_msr(v, nvmx_msr_index((enum nvmx_msr_id)id), false, &val).rc)
			nvmx_msrs_set(&now, (enum nvmx_msr_id)id, val);
	}
	nvmx_nested_state_check(&c->ns, &now, &nv->chk);
	nv->unsafe = nv->chk.nbad > 0;
	for (unsigned i = 0; i < m->nwrites; i++) {
		const struct nvmx_write *w = &m->writes[i];
		uint32_t bits = (uint32_t)(w->r.bits >> 32) | w->r.revoked, word;
		if (!bits || !vmcs12_word(&c->ns, w->id, &word) || !c->ns.vmcs12_present) {
			nv->unused[w->id] |= bits;
			continue;
		}
		nv->used[w->id] |= bits & word;
		nv->unused[w->id] |= bits & ~word;
		if (bits & word)
			nv->unsafe = true;
	}
}

static int parse_order(struct check *c, const char *s)
{
	c->order_name = s;
	if (!strcmp(s, "qemu")) {
		memcpy(c->order, nvmx_order_qemu, sizeof(nvmx_order_qemu));
		c->norder = NVMX_RESTORABLE_COUNT;
		return 0;
	}
	if (!strcmp(s, "ascending")) {
		memcpy(c->order, nvmx_order_ascending, sizeof(nvmx_order_ascending));
		c->norder = NVMX_RESTORABLE_COUNT;
		return 0;
	}
	c->norder = 0;
	while (*s) {
		char name[64];
		size_t len = strcspn(s, ",");
		if (!len || len >= sizeof(name) || c->norder >= NVMX_MSR_COUNT)
			return cli_usage_error("check", "--order: qemu, ascending, or MSR,MSR,...");
		memcpy(name, s, len);
		name[len] = 0;
		const struct nvmx_msr_desc *d = nvmx_msr_lookup(name);
		if (!d)
			return cli_usage_error("check", "--order: unknown MSR '%s'", name);
		c->order[c->norder++] = d->id;
		s += len + (s[len] == ',');
	}
	return 0;
}

/* The saved values: a file, or what the source KVM gives a fresh vCPU. */
static int load_source(struct check *c)
{
	int rc;
	if (c->saved_path) {
		if ((rc = cli_load_host("check", c->saved_path, &c->saved_hf)))
			return rc;
		c->saved = (struct nvmx_msrs){ { 0 }, 0 };
		for (int id = 0; id < NVMX_MSR_COUNT; id++)
			if (nvmx_msr_restorable((enum nvmx_msr_id)id) &&
			    nvmx_msrs_has(&c->saved_hf.host.msrs, (enum nvmx_msr_id)id))
				nvmx_msrs_set(&c->saved, (enum nvmx_msr_id)id,
					      c->saved_hf.host.msrs.val[id]);
		if (!c->saved.present)
			return cli_usage_error("check", "%s holds none of the restorable VMX MSRs",
					       c->saved_path);
		return 0;
	}
	if ((rc = side_load(&c->src, "check", "from-", NULL)))
		return rc;
	const struct nvmx_kvm *kvm = &c->src.sc.kvm;
	if (kvm->status != NVMX_LOAD_OK) {
		char why[CLI_REASON_MAX];
		nvmx_kvm_describe_failure(kvm, why, sizeof(why));
		fprintf(stderr, "nvmx check: the source KVM %s does not load on %s: %s\n",
			nvmx_kernel_name(kvm->kernel), c->src.hf.name, why);
		return EXIT_USAGE;
	}
	if (!kvm->nested) {
		fprintf(stderr, "nvmx check: the source runs with nested=0: its VMs have no VMX MSRs\n");
		return EXIT_USAGE;
	}
	/* The source saved what its own KVM gave the VM, under its own rule. */
	c->src.sc.policy = NVMX_POLICY_STRICT;
	nvmx_scenario_save(&c->src.sc, &c->saved);
	return 0;
}

static void json_offending(const struct nvmx_write *w)
{
	bool first = true;
	putchar('[');
	for (unsigned b = 0; b < 64; b++) {
		if (!((w->r.bits >> b) & 1))
			continue;
		const struct nvmx_msr_desc *d = nvmx_msr_desc(w->id);
		const struct nvmx_field *f = nvmx_field_at(w->id, b);
		bool ctl = d->layout == NVMX_LAYOUT_CONTROLS;
		printf("%s{\"bit\":%u,\"half\":\"%s\",\"sdm\":", first ? "" : ",", ctl ? b % 32 : b,
		       ctl ? (b >= 32 ? "allowed-1" : "allowed-0") : "field");
		first = false;
		cli_json_str(stdout, f && f->sdm ? f->sdm : "reserved");
		printf(",\"linux\":");
		if (f && f->linux_name)
			cli_json_str(stdout, f->linux_name);
		else
			printf("null");
		printf(",\"qemu\":");
		if (f && f->qemu)
			cli_json_str(stdout, f->qemu);
		else
			printf("null");
		putchar('}');
	}
	putchar(']');
}

static void str_list_json(const char *const *v, unsigned n)
{
	putchar('[');
	for (unsigned i = 0; i < n; i++) {
		if (i)
			putchar(',');
		cli_json_str(stdout, v[i]);
	}
	putchar(']');
}

static void print_bits_json(enum nvmx_msr_id id, uint32_t bits)
{
	bool first = true;
	putchar('[');
	for (unsigned b = 0; b < 32; b++)
		if ((bits >> b) & 1) {
			const struct nvmx_field *f = nvmx_field_at(id, b + 32);
			printf("%s{\"msr\":\"%s\",\"bit\":%u,\"linux\":", first ? "" : ",",
			       nvmx_msr_desc(id)->sdm, b);
			cli_json_str(stdout, f && f->linux_name ? f->linux_name : "");
			putchar('}');
			first = false;
		}
	putchar(']');
}

static void nested_json(const struct check *c, const struct ns_verdict *nv)
{
	char buf[2048];
	printf(",\"nested_state\":{\"state\":\"%s\",\"vmx_on\":%s,\"guest_mode\":%s,"
	       "\"evmcs\":%s,\"unsafe\":%s,\"surfaces\":\"%s\",\"findings\":",
	       nvmx_ns_state_name(c->ns.state), c->ns.vmx_on ? "true" : "false",
	       c->ns.guest_mode ? "true" : "false", c->ns.evmcs ? "true" : "false",
	       nv->unsafe ? "true" : "false", nvmx_ns_when_name(nv->chk.when));
	nvmx_ns_check_describe(&nv->chk, buf, sizeof(buf));
	cli_json_str(stdout, nv->chk.nbad ? buf : "");
	printf(",\"used\":[");
	bool first = true;
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (nv->used[id]) {
			printf("%s", first ? "" : ",");
			print_bits_json((enum nvmx_msr_id)id, nv->used[id]);
			first = false;
		}
	printf("],\"safe_to_drop\":[");
	first = true;
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (nv->unused[id]) {
			printf("%s", first ? "" : ",");
			print_bits_json((enum nvmx_msr_id)id, nv->unused[id]);
			first = false;
		}
	printf("]}");
}

static void report_nested_text(const struct check *c, const struct ns_verdict *nv)
{
	char buf[2048];
	printf("\nnested state (%s): %s%s\n", c->ns_path, nvmx_ns_state_name(c->ns.state),
	       c->ns.evmcs ? ", enlightened VMCS" : "");
	printf("  restore the VMX MSRs before KVM_SET_NESTED_STATE: KVM refuses MSR writes once\n"
	       "  L1 is in VMX operation\n");
	if (!c->ns.vmx_on)
		printf("  L1 is not in VMX operation: the VM may not be using VMX features at all\n");
	if (nv->chk.nbad) {
		nvmx_ns_check_describe(&nv->chk, buf, sizeof(buf));
		printf("  vmcs12 against the destination's MSRs: %s\n", buf);
	}
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		if (nv->used[id]) {
			printf("  UNSAFE under every policy: the live vmcs12 uses ");
			print_bit_names(stdout, (enum nvmx_msr_id)id, nv->used[id], 32);
			printf(", which the destination does not offer\n");
		}
		if (nv->unused[id]) {
			printf("  safe to drop (vmcs12 does not use it): ");
			print_bit_names(stdout, (enum nvmx_msr_id)id, nv->unused[id], 32);
			putchar('\n');
		}
	}
	printf("  verdict with the nested state: %s\n", nv->unsafe ? "NOT SAFE" : "safe");
}

static void report_json(const struct check *c, const struct nvmx_migration *m,
			const struct nvmx_vcpu *v, const struct nvmx_remedies *fx, const struct ns_verdict *nv)
{
	char why[CLI_REASON_MAX];
	printf("{\"semantics\":\"saved-msrs\",\"migratable\":%s,\"policy\":\"%s\",\"order\":\"%s\","
	       "\"partial_host\":",
	       m->migratable ? "true" : "false", vcpu_policy_name(c->policy), c->order_name);
	if (c->partial) {
		printf("{\"depends_on_unknown\":%s,\"not_proven\":%s,\"unknown_bits\":%u,"
		       "\"completions\":%lu,\"exhaustive\":%s,\"deciding\":",
		       c->partial_dep ? "true" : "false", c->partial_dep ? "true" : "false", c->pr.vars,
		       c->pr.tried, c->pr.exhaustive ? "true" : "false");
		partial_decide_json(stdout, &c->pr, c->two_sides);
		printf("},");
	} else
		printf("null,");
	printf("\"destination\":{\"host\":");
	cli_json_str(stdout, c->dst.hf.name);
	printf(",\"kvm\":");
	cli_json_str(stdout, nvmx_kernel_name(c->dst.sc.kvm.kernel));
	printf(",\"load_ok\":%s},\"msrs\":[", c->dst.sc.kvm.status == NVMX_LOAD_OK ? "true" : "false");
	for (unsigned i = 0; i < m->nwrites; i++) {
		const struct nvmx_write *w = &m->writes[i];
		printf("%s{\"msr\":\"%s\",\"value\":", i ? "," : "", nvmx_msr_desc(w->id)->sdm);
		cli_json_hex(stdout, w->value);
		printf(",\"accepted\":%s,\"rule\":\"%s\",\"reason\":", w->r.rc ? "false" : "true",
		       nvmx_reason_name(w->r.reason));
		if (w->r.rc || w->r.revoked) {
			nvmx_result_describe(&w->r, why, sizeof(why));
			cli_json_str(stdout, why);
		} else {
			printf("null");
		}
		printf(",\"offending\":");
		json_offending(w);
		putchar('}');
	}
	printf("],\"hypothetical\":%s,\"first_failure\":",
	       m->migratable && migration_uses_revoke(m) ? "true" : "false");
	if (m->first_failure >= 0)
		printf("\"%s\"", nvmx_msr_desc(m->writes[m->first_failure].id)->sdm);
	else
		printf("null");
	printf(",\"guest\":");
	print_vcpu_reads_json(stdout, v, true);
	if (nv)
		nested_json(c, nv);
	if (!m->migratable) {
		printf(",\"fixes\":{\"qemu_off\":");
		str_list_json(fx->qemu_off, fx->nqemu);
		printf(",\"qemu_off_sufficient\":%s,\"releases\":[", fx->qemu_off_sufficient ? "true" : "false");
		for (unsigned i = 0; i < fx->nreleases; i++)
			printf("%s\"%s\"", i ? "," : "", nvmx_kernel_name(fx->releases[i]));
		printf("],\"params_at_default\":[");
		for (unsigned i = 0, n = 0; i < fx->nparams; i++)
			if (fx->params[i].is_default)
				printf("%s\"%s\"", n++ ? "," : "", nvmx_param_name(fx->params[i].param));
		printf("],\"params\":[");
		for (unsigned i = 0; i < fx->nparams; i++)
			printf("%s\"%s=%lld\"", i ? "," : "", nvmx_param_name(fx->params[i].param),
			       (long long)fx->params[i].value);
		printf("]");
		printf(",\"policy\":");
		if (fx->policy != NVMX_POLICY_STRICT)
			printf("\"%s\"", vcpu_policy_name(fx->policy));
		else
			printf("null");
		printf(",\"policy_hypothetical\":%s}", fx->policy != NVMX_POLICY_STRICT ? "true" : "false");
	}
	cli_json_approximate(stdout);
	printf("}\n");
}

static void report_text(const struct check *c, const struct nvmx_migration *m,
			const struct nvmx_vcpu *v, const struct nvmx_remedies *fx)
{
	char why[CLI_REASON_MAX];
	printf("semantics: saved-msrs (the VMM writes back the VMX MSRs it saved; QEMU does not:\n"
	       "give the VM's -cpu with --cpu for QEMU's migration)\n");
	printf("destination: %s, KVM %s, policy %s, writes in %s order\n", c->dst.hf.name,
	       nvmx_kernel_name(c->dst.sc.kvm.kernel), vcpu_policy_name(c->policy), c->order_name);
	if (c->partial_dep) {
		char dec[1024];
		partial_decide_text(&c->pr, c->two_sides, dec, sizeof(dec));
		printf("verdict: NOT PROVEN: it depends on what a partial host does not give\n"
		       "  not migratable when these differ from the input's assumption: %s\n", dec);
	} else {
		printf("verdict: %s\n", m->migratable ? "MIGRATABLE" : "NOT MIGRATABLE");
		if (c->partial)
			printf("partial host: the same on %s of its %u unknown bit%s (%lu asked)\n",
			       c->pr.exhaustive ? "every completion" : "every completion searched",
			       c->pr.vars, c->pr.vars == 1 ? "" : "s", c->pr.tried);
	}
	for (int s = 0; s < 2 && c->partial; s++) {
		const struct nvmx_hostfile *h = s ? &c->dst.hf : &c->src.hf;
		bool same = c->src.host_path && !strcmp(c->src.host_path, c->dst.host_path);
		if ((s ? !(same && c->src.hf.partial) : c->src.host_path != NULL) && h->partial)
			printf("partial host %s: %s\n", h->name, h->partial_note);
	}
	if (m->migratable && migration_uses_revoke(m))
		printf("hypothetical: this verdict relies on the revoke list, and %s\n",
		       CLI_REVOKE_HYPOTHETICAL);
	putchar('\n');
	for (unsigned i = 0; i < m->nwrites; i++) {
		const struct nvmx_write *w = &m->writes[i];
		printf("  %-30s 0x%016llx  %s\n", nvmx_msr_desc(w->id)->sdm,
		       (unsigned long long)w->value,
		       w->r.rc ? "REJECTED" : (w->r.revoked ? "accepted (revoke list)" : "accepted"));
		if (w->r.rc || w->r.revoked) {
			nvmx_result_describe(&w->r, why, sizeof(why));
			printf("      %s\n", why);
		}
	}
	if (m->first_failure >= 0) {
		const struct nvmx_write *w = &m->writes[m->first_failure];
		printf("\nA VMM writing them in one KVM_SET_MSRS batch stops at the first rejected "
		       "entry:\n  0x%x = 0x%llx\n", nvmx_msr_index(w->id), (unsigned long long)w->value);
	}
	if (m->migratable) {
		bool same = true;
		for (unsigned i = 0; i < m->nwrites; i++) {
			uint64_t g;
			const struct nvmx_write *w = &m->writes[i];
			if (!nvmx_vcpu_get_msr(v, nvmx_msr_index(w->id), true, &g).rc && g != w->value) {
				if (same)
					printf("\nwhat L1 reads differs from the saved values:\n");
				same = false;
				printf("  %-30s reads 0x%016llx\n", nvmx_msr_desc(w->id)->sdm,
				       (unsigned long long)g);
			}
		}
		if (same)
			printf("\nL1 reads the saved values unchanged.\n");
		return;
	}
	printf("\nwhat would work:\n");
	if (fx->nqemu) {
		printf("  - start such VMs without the offending features: -cpu ...");
		for (unsigned i = 0; i < fx->nqemu; i++)
			printf(",%s=off", fx->qemu_off[i]);
		printf("%s\n", fx->qemu_off_sufficient ? "" : "  (not sufficient on its own)");
	}
	if (fx->nreleases) {
		printf("  - a destination release that accepts these values on this host:");
		for (unsigned i = 0; i < fx->nreleases; i++)
			printf(" %s", nvmx_kernel_name(fx->releases[i]));
		putchar('\n');
	}
	for (unsigned i = 0; i < fx->nparams; i++)
		if (fx->params[i].is_default)
			printf("  - kvm_intel.%s at its default on the destination\n",
			       nvmx_param_name(fx->params[i].param));
		else
			printf("  - kvm_intel.%s=%lld on the destination\n",
			       nvmx_param_name(fx->params[i].param), (long long)fx->params[i].value);
	if (fx->policy != NVMX_POLICY_STRICT) {
		printf("  - the revoke-list policy (--policy revoke-keep or revoke-clear) would accept it,\n"
		       "    but %s;\n", CLI_REVOKE_HYPOTHETICAL);
		printf("    with revoke-keep L1 keeps seeing, and may set in vmcs12, controls this KVM\n"
		       "    does not offer:");
		for (int id = 0; id < NVMX_MSR_COUNT; id++)
			if (fx->revoked[id]) {
				printf(" ");
				print_bit_names(stdout, (enum nvmx_msr_id)id, fx->revoked[id], 32);
			}
		printf("\n    (revoke-clear hides them from L1 instead, which a running L1 may notice)\n");
	}
	if (!fx->nqemu && !fx->nreleases && !fx->nparams && fx->policy == NVMX_POLICY_STRICT)
		printf("  - nothing nvmx knows of: the values conflict with this KVM's fixed rules\n");
}

static int opt_order(void *ctx, const struct opt *o, const char *v)
{
	(void)o;
	return parse_order(ctx, v);
}

/* Both sides' options: --from-host/--from-kvm/--from-... and --to/--kvm/... */
static int operand_saved(void *ctx, const char *arg)
{
	struct check *c = ctx;
	if (c->saved_path)
		return cli_usage_error("check", "more than one saved state given ('%s')", arg);
	c->saved_path = arg;
	return 0;
}

const struct opt check_opts[] = {
	SIDE_OPTS("", "to", struct check, dst, ", destination"),
	SIDE_SOURCE_OPTS("from-", "from-host", struct check, src),
	OPT_STRING("nested-state", NULL, "FILE", struct check, ns_path,
		   "a KVM_GET_NESTED_STATE blob of the VM"),
	OPT_CALL("order", NULL, "ORDER", opt_order,
		 "the order of the writes: qemu (default), ascending or MSR,MSR,..."),
	OPT_FLAG("json", NULL, struct check, json, "one JSON document"),
	OPT_END,
};

int cmd_check(int argc, char **argv)
{
	/* A -cpu makes it QEMU's migration: the destination rebuilds the MSRs. */
	if (check_wants_cpu(argc, argv))
		return cmd_check_qemu(argc, argv);
	static struct check c;
	memset(&c, 0, sizeof(c));
	side_init(&c.src);
	side_init(&c.dst);
	parse_order(&c, "qemu");

	int prc = opts_parse("check", check_opts, &c, NULL, operand_saved, argc, argv);
	if (prc)
		return prc;
	bool json = c.json;
	if (c.saved_path && c.src.host_path)
		return cli_usage_error("check", "give the saved VMX MSRs (a file) or --from-host H "
				       "--from-kvm R, not both");
	if (!c.saved_path && !c.src.host_path)
		return cli_usage_error("check", "the source is missing: the saved VMX MSRs (a file) or "
				       "--from-host H --from-kvm R");
	if (!c.dst.host_path)
		return cli_usage_error("check", "--to HOST is required");
	/* The source saved its values under its own KVM: a restore policy is the destination's. */
	if (c.src.vo.given & (VO_POLICY | VO_SINCE))
		return cli_usage_error("check", "--from-%s: a restore policy applies to the destination "
				       "(--policy, --revoke-since)",
				       c.src.vo.given & VO_POLICY ? "policy" : "revoke-since");
	c.policy = c.dst.vo.policy;
	/*
	 * Guest CPUID, PMU version and quirks belong to the VM, not to a host:
	 * unprefixed they describe the VM on both sides, --from-... overrides
	 * the source only (a VMM that changed them across the migration).
	 */
	vcpu_opts_inherit_vm(&c.src.vo, &c.dst.vo);
	if (c.ns_path) {
		static unsigned char blob[NVMX_NS_MAX_SIZE];
		struct nvmx_ns_error e;
		if (nvmx_nested_state_load(c.ns_path, blob, sizeof(blob), &c.ns, &e))
			return cli_error("check", &e.error);
	}
	int rc = load_source(&c);
	if (rc)
		return rc;
	/* The VM's guest CPUID "host" is the source's when there is one. */
	if ((rc = side_load(&c.dst, "check", "", c.src.host_path ? &c.src.hf : NULL)))
		return rc;

	static struct nvmx_vcpu v;
	static struct nvmx_migration m;
	static struct nvmx_remedies fx;
	nvmx_check(&m, &v, &c.dst.sc, &c.saved, c.order, c.norder);
	c.partial = partial_has_unknown(&c.dst.hf) || (c.src.host_path && partial_has_unknown(&c.src.hf));
	if (c.partial) {
		/* One input for both sides is one machine: both get the same completion. */
		bool same = c.src.host_path && !strcmp(c.src.host_path, c.dst.host_path);
		struct nvmx_unknown us, ud;
		partial_unknowns(&c.src.hf, &us);
		partial_unknowns(&c.dst.hf, &ud);
		c.two_sides = !same && c.src.host_path && partial_has_unknown(&c.src.hf) &&
			      partial_has_unknown(&c.dst.hf);
		nvmx_partial_search(&c.pr, c.src.host_path ? &c.src.hf.host : NULL, &us, &c.dst.hf.host,
				    &ud, same, check_completion, &c);
		c.partial_dep = c.pr.answer == NVMX_PARTIAL_DEPENDS;
		/* Never a confident "migratable" that an unknown bit could turn. */
		if (c.pr.answer != NVMX_PARTIAL_HOLDS)
			m.migratable = false;
	}
	static struct ns_verdict nv;
	if (c.ns_path) {
		nested_verdict(&c, &m, &v, &nv);
		if (nv.unsafe)
			m.migratable = false;
	}
	if (!m.migratable)
		nvmx_remedies(&fx, NVMX_REMEDY_ALL, c.src.host_path ? &c.src.sc : NULL, &c.dst.sc,
			      &c.saved, &m, c.order, c.norder);
	if (json) {
		report_json(&c, &m, &v, &fx, c.ns_path ? &nv : NULL);
	} else {
		report_text(&c, &m, &v, &fx);
		if (c.ns_path)
			report_nested_text(&c, &nv);
	}
	return m.migratable ? EXIT_OK : EXIT_NO;
}
