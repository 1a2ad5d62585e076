/* SPDX-License-Identifier: MIT */
/*
 * nvmx check --cpu SPEC: the live migration of a QEMU VM.  QEMU does not
 * carry the VMX MSRs: the destination QEMU builds them from the same -cpu.
 * The verdict is nvmx_qemu_move()'s (lib/qemu_check.c); this file
 * parses, loads both sides and prints.  --semantics saved-msrs asks the
 * other question instead: a VMM that writes back what the source vCPU had.
 */
#include <string.h>
#include "print.h"
#include "side.h"
#include "partial.h"
#include "nvmx/qemu_migrate.h"

#define CMD "check"

struct qcheck {
	struct side src, dst;
	const char *spec, *qemu, *ns_path;
	enum nvmx_semantics sem;
	bool json;
	struct nvmx_nested_state ns;
	struct nvmx_qemu_cpu cpu;
	const struct nvmx_qemu_release *rel;
	struct nvmx_qemu_move mv;	/* the library's answer */
};

static void not_proven_text(const struct qcheck *q, const char *as_given);
static void not_proven_json(const struct qcheck *q);

bool check_wants_cpu(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--cpu") || !strcmp(argv[i], "-cpu") || !strncmp(argv[i], "--cpu=", 6))
			return true;
	return false;
}

/* Changed bits of MSR id, named: allowed-1 and must-be-1 halves of a control MSR. */
static void print_change(enum nvmx_msr_id id, uint64_t bits, const char *what)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	if (!bits)
		return;
	if (d->layout == NVMX_LAYOUT_CONTROLS) {
		if (nvmx_hi(bits)) {
			printf("      may be 1, %s: ", what);
			print_bit_names(stdout, id, nvmx_hi(bits), 32);
			putchar('\n');
		}
		if (nvmx_lo(bits)) {
			printf("      must be 1, %s: ", what);
			print_bit_names(stdout, id, nvmx_lo(bits), 0);
			putchar('\n');
		}
		return;
	}
	printf("      %s: ", what);
	print_field_names(stdout, id, bits);	/* a field that changes value: in both lines */
	putchar('\n');
}

static void json_bits(enum nvmx_msr_id id, uint64_t bits)
{
	bool first = true;
	bool ctl = nvmx_msr_desc(id)->layout == NVMX_LAYOUT_CONTROLS;
	putchar('[');
	for (unsigned b = 0; b < 64; b++) {
		if (!(bits >> b & 1))
			continue;
		const struct nvmx_field *f = nvmx_field_at(id, b);
		printf("%s{\"bit\":%u,\"half\":\"%s\",\"name\":", first ? "" : ",", ctl ? b % 32 : b,
		       ctl ? (b >= 32 ? "allowed-1" : "allowed-0") : "field");
		cli_json_str(stdout, f && f->linux_name ? f->linux_name : f && f->sdm ? f->sdm : "");
		printf(",\"qemu\":");
		if (f && f->qemu)
			cli_json_str(stdout, f->qemu);
		else
			printf("null");
		putchar('}');
		first = false;
	}
	putchar(']');
}

static const char *side_name(const struct side *s)
{
	return s->hf.name;
}

static void print_qemu_lines(const struct nvmx_qmig_side *s, const char *indent)
{
	char line[512];
	for (unsigned i = 0; nvmx_qemu_message(&s->plan, &s->rep, i, line, sizeof(line)); i++)
		printf("%s%s\n", indent, line);
}

static void report_qemu_text(const struct qcheck *q)
{
	const struct nvmx_qemu_migration *m = &q->mv.m;
	printf("semantics: qemu (the destination QEMU rebuilds the VMX MSRs from the same -cpu;\n"
	       "they are not in QEMU's migration stream)\n");
	printf("QEMU %s -cpu %s: %s, KVM %s -> %s, KVM %s\n", q->rel->name, q->spec, side_name(&q->src),
	       nvmx_kernel_name(q->src.sc.kvm.kernel), side_name(&q->dst),
	       nvmx_kernel_name(q->dst.sc.kvm.kernel));
	printf("source: %s\n", m->src.starts ? "the VM starts" : "the VM does not start there");
	if (!m->src.starts)
		print_qemu_lines(&m->src, "  ");
	printf("destination: %s\n", m->dst.starts ? "the same -cpu starts" : "the same -cpu does not start");
	if (!m->dst.starts || m->dst.plan.stop || m->dst.rep.nrejected)
		print_qemu_lines(&m->dst, "  ");
	else {
		char line[512];
		unsigned n = 0;
		while (nvmx_qemu_message(&m->dst.plan, &m->dst.rep, n, line, sizeof(line)))
			n++;
		if (n) {
			printf("  QEMU prints there:\n");
			print_qemu_lines(&m->dst, "    ");
		}
	}
	if (m->src.starts && m->dst.starts) {
		if (!m->nchanged) {
			printf("what L1 reads: the same VMX MSRs on both sides\n");
		} else {
			printf("what L1 reads, source -> destination (%u MSR%s change):\n", m->nchanged,
			       m->nchanged == 1 ? "" : "s");
			for (int id = 0; id < NVMX_MSR_COUNT; id++) {
				enum nvmx_msr_id e = (enum nvmx_msr_id)id;
				bool a = nvmx_msrs_has(&m->src.l1, e), b = nvmx_msrs_has(&m->dst.l1, e);
				if (a == b && (!a || m->src.l1.val[id] == m->dst.l1.val[id]))
					continue;
				printf("  %-30s ", nvmx_msr_desc(e)->sdm);
				if (a)
					printf("0x%016llx", (unsigned long long)m->src.l1.val[id]);
				else
					printf("(#GP)");
				printf(" -> ");
				if (b)
					printf("0x%016llx\n", (unsigned long long)m->dst.l1.val[id]);
				else
					printf("(#GP)\n");
				print_change(e, m->gone[id], "vanish");
				print_change(e, m->appeared[id], "appear");
			}
		}
	}
	if (m->src.starts && m->dst.starts && (m->cpuid_gone || m->cpuid_appeared)) {
		printf("guest CPUID, source -> destination:");
		for (int f = 0; f < NVMX_F_COUNT; f++) {
			if (m->cpuid_gone & NVMX_FEAT(f))
				printf(" -%s", nvmx_feature_name((enum nvmx_feature)f));
			if (m->cpuid_appeared & NVMX_FEAT(f))
				printf(" +%s", nvmx_feature_name((enum nvmx_feature)f));
		}
		putchar('\n');
	}
	if (m->nested) {
		char buf[2048];
		printf("nested state (%s): %s\n", q->ns_path, nvmx_ns_state_name(q->ns.state));
		if (!m->ns.applicable)
			printf("  no vmcs12 in it: nothing of L1's controls to check\n");
		else if (!m->ns.nbad)
			printf("  the live vmcs12 uses only controls the destination vCPU offers\n");
		else {
			nvmx_ns_check_describe(&m->ns, buf, sizeof(buf));
			printf("  %s\n", buf);
		}
	}
	if (q->mv.not_proven)
		not_proven_text(q, "safe");
	else
		printf("verdict: %s\n", m->verdict == NVMX_QMIG_SAFE ? "safe" :
	       m->verdict == NVMX_QMIG_CHANGE ? "L1-visible change (it starts, but L1's VMX MSRs change "
						"under a running L1 hypervisor)" : "fails");
	if (m->verdict == NVMX_QMIG_FAILS) {
		if (q->mv.why & NVMX_QMOVE_SRC_NO_START)
			printf("  - the -cpu does not start on the source: no such VM runs there\n");
		if (q->mv.why & NVMX_QMOVE_DST_NO_START)
			printf("  - the destination QEMU %s: the migration fails, the VM stays on the "
			       "source\n", m->dst.plan.stop == NVMX_QSTOP_ENFORCE ? "refuses the CPU (enforce)"
			       : m->dst.plan.stop == NVMX_QSTOP_NO_KVM ? "has no KVM" : "aborts on KVM_SET_MSRS");
		if (q->mv.why & NVMX_QMOVE_VMX_LOST)
			printf("  - QEMU there drops vmx from the guest (KVM offers none): L1 loses VMX, "
			       "a VMX-using L1 cannot continue\n");
		if (q->mv.why & NVMX_QMOVE_VMCS12)
			printf("  - the live vmcs12 uses controls the destination lacks: %s\n",
			       m->ns.set_fails ? "KVM_SET_NESTED_STATE fails" : "the next VM entry fails");
	}
	if (m->verdict == NVMX_QMIG_SAFE)
		return;
	char spec[4600];
	nvmx_qemu_fix_cpu_str(q->spec, q->mv.fix.item, q->mv.fix.n, spec, sizeof(spec));
	if (q->mv.fix.found && q->mv.fix.n)
		printf("fix, for VMs started from now on: -cpu %s (verified: starts on both sides, "
		       "L1 reads the same VMX MSRs)\n", spec);
	else if (!q->mv.fix.found)
		printf("no vmx-* flag list makes the two sides agree%s%s\n",
		       q->mv.fix.stuck >= 0 ? ": still differs: " : "",
		       q->mv.fix.stuck >= 0 ? nvmx_msr_desc((enum nvmx_msr_id)q->mv.fix.stuck)->sdm : "");
}

static void side_json(const char *key, const struct nvmx_qmig_side *s, const struct side *sd)
{
	char line[512];
	printf("\"%s\":{\"host\":", key);
	cli_json_str(stdout, sd->hf.name);
	printf(",\"kvm\":");
	cli_json_str(stdout, nvmx_kernel_name(sd->sc.kvm.kernel));
	printf(",\"starts\":%s,\"qemu_prints\":[", s->starts ? "true" : "false");
	for (unsigned i = 0; nvmx_qemu_message(&s->plan, &s->rep, i, line, sizeof(line)); i++) {
		if (i)
			putchar(',');
		cli_json_str(stdout, line);
	}
	printf("],\"l1_reads\":");
	print_msrs_json(stdout, &s->l1);
	putchar('}');
}

static void report_qemu_json(const struct qcheck *q)
{
	const struct nvmx_qemu_migration *m = &q->mv.m;
	printf("{\"semantics\":\"qemu\",\"qemu\":");
	cli_json_str(stdout, q->rel->name);
	printf(",\"cpu\":");
	cli_json_str(stdout, q->spec);
	printf(",\"verdict\":\"%s\"", q->mv.not_proven ? "not proven" : nvmx_qmig_verdict_name(m->verdict));
	not_proven_json(q);
	putchar(',');
	side_json("source", &m->src, &q->src);
	putchar(',');
	side_json("destination", &m->dst, &q->dst);
	printf(",\"changes\":[");
	bool first = true;
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		enum nvmx_msr_id e = (enum nvmx_msr_id)id;
		if (!m->gone[id] && !m->appeared[id] && !(m->presence_changed >> id & 1))
			continue;
		printf("%s{\"msr\":\"%s\",\"vanish\":", first ? "" : ",", nvmx_msr_desc(e)->sdm);
		json_bits(e, m->gone[id]);
		printf(",\"appear\":");
		json_bits(e, m->appeared[id]);
		printf(",\"presence_changed\":%s}", m->presence_changed >> id & 1 ? "true" : "false");
		first = false;
	}
	printf("],\"cpuid_gone\":");
	print_features_json(stdout, m->cpuid_gone);
	printf(",\"cpuid_appeared\":");
	print_features_json(stdout, m->cpuid_appeared);
	if (m->nested) {
		char buf[2048];
		nvmx_ns_check_describe(&m->ns, buf, sizeof(buf));
		printf(",\"nested_state\":{\"state\":\"%s\",\"vmcs12\":%s,\"fits\":%s,\"surfaces\":\"%s\","
		       "\"findings\":", nvmx_ns_state_name(q->ns.state),
		       m->ns.applicable ? "true" : "false", m->ns.nbad ? "false" : "true",
		       nvmx_ns_when_name(m->ns.when));
		cli_json_str(stdout, m->ns.nbad ? buf : "");
		putchar('}');
	}
	printf(",\"fix\":");
	if (m->verdict == NVMX_QMIG_SAFE || !q->mv.fix.found) {
		printf("null");
	} else {
		char spec[4600];
		nvmx_qemu_fix_cpu_str(q->spec, q->mv.fix.item, q->mv.fix.n, spec, sizeof(spec));
		printf("{\"cpu\":");
		cli_json_str(stdout, spec);
		printf(",\"verified\":true}");
	}
	printf("}\n");
}

/* saved-msrs: the source vCPU's values written back into a fresh destination vCPU. */
static void report_saved_text(struct qcheck *q)
{
	char why[CLI_REASON_MAX];
	printf("semantics: saved-msrs (the VMM writes back the VMX MSRs it saved on the source)\n");
	printf("source: QEMU %s -cpu %s on %s, KVM %s: %s\n", q->rel->name, q->spec, side_name(&q->src),
	       nvmx_kernel_name(q->src.sc.kvm.kernel), q->mv.m.src.starts ? "starts" : "does not start");
	printf("destination: %s, KVM %s\n", side_name(&q->dst), nvmx_kernel_name(q->dst.sc.kvm.kernel));
	for (unsigned i = 0; i < q->mv.sm.nwrites; i++) {
		const struct nvmx_write *w = &q->mv.sm.writes[i];
		printf("  %-30s 0x%016llx  %s\n", nvmx_msr_desc(w->id)->sdm, (unsigned long long)w->value,
		       w->r.rc ? "REJECTED" : "accepted");
		if (w->r.rc) {
			nvmx_result_describe(&w->r, why, sizeof(why));
			printf("      %s\n", why);
		}
	}
	if (q->mv.not_proven)
		not_proven_text(q, "migratable");
	else
		printf("verdict: %s\n", q->mv.ok ? "MIGRATABLE" : "NOT MIGRATABLE");
}

static void report_saved_json(struct qcheck *q)
{
	printf("{\"semantics\":\"saved-msrs\",\"qemu\":");
	cli_json_str(stdout, q->rel->name);
	printf(",\"cpu\":");
	cli_json_str(stdout, q->spec);
	printf(",\"source_starts\":%s,\"migratable\":%s", q->mv.m.src.starts ? "true" : "false",
	       q->mv.ok ? "true" : "false");
	not_proven_json(q);
	printf(",\"msrs\":[");
	for (unsigned i = 0; i < q->mv.sm.nwrites; i++) {
		const struct nvmx_write *w = &q->mv.sm.writes[i];
		printf("%s{\"msr\":\"%s\",\"value\":", i ? "," : "", nvmx_msr_desc(w->id)->sdm);
		cli_json_hex(stdout, w->value);
		printf(",\"accepted\":%s,\"rule\":\"%s\"}", w->r.rc ? "false" : "true",
		       nvmx_reason_name(w->r.reason));
	}
	printf("]}\n");
}

/*
 * The vCPU options of check without --cpu mean nothing here: QEMU derives
 * the guest CPUID and PMU from the -cpu and sets the vCPU up its own way,
 * writes the MSRs in its own order, and the destination rebuilds them (no
 * restore policy applies to values it never writes back); the vCPU's state
 * comes from --nested-state.  Silently ignoring one would answer another
 * question than the one asked, so each is refused.  0 or EXIT_USAGE.
 */
static int refuse_vcpu_opts(const struct side *s, const char *prefix)
{
	static const struct { uint32_t bit; const char *name, *why; } opts[] = {
		{ VO_CPUID, "guest-cpuid", "QEMU gives the guest the CPUID of the -cpu (its model "
		  "and flags): put CPUID flags in it (e.g. ,-pcid)" },
		{ VO_PMU, "pmu-version", "QEMU sets the PMU from the -cpu (its pmu property)" },
		{ VO_QUIRKS, "disable-quirks", "the vCPU is set up as QEMU sets it up" },
		{ VO_POLICY, "policy", "a restore policy is for a VMM that writes saved MSRs back; "
		  "the destination QEMU builds them again from the -cpu" },
		{ VO_SINCE, "revoke-since", "a restore policy is for a VMM that writes saved MSRs "
		  "back; the destination QEMU builds them again from the -cpu" },
	};
	for (unsigned k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
		if (s->vo.given & opts[k].bit)
			return cli_usage_error(CMD, "--%s%s does not apply with --cpu: %s (without "
					       "--cpu, check answers for a VMM that saves the MSRs)",
					       prefix, opts[k].name, opts[k].why);
	if (s->vo.state)
		return cli_usage_error(CMD, "--%sstate does not apply with --cpu: the vCPU's state "
				       "is the --nested-state FILE's", prefix);
	return 0;
}

static void not_proven_text(const struct qcheck *q, const char *as_given)
{
	char dec[1024];
	partial_decide_text(&q->mv.pr, q->mv.two_sides, dec, sizeof(dec));
	printf("verdict: NOT PROVEN: %s as given, but a partial host does not give what decides it\n"
	       "  not so when these differ from the input's assumption: %s\n", as_given, dec);
}

static void not_proven_json(const struct qcheck *q)
{
	printf(",\"partial_host\":");
	partial_host_json(stdout, q->mv.partial, q->mv.not_proven, &q->mv.pr, q->mv.two_sides);
}

static int opt_semantics(void *ctx, const struct opt *o, const char *v)
{
	struct qcheck *q = ctx;
	int sem = nvmx_semantics_parse(v);
	(void)o;
	if (sem < 0)
		return cli_usage_error(CMD, "--semantics: qemu or saved-msrs");
	q->sem = (enum nvmx_semantics)sem;
	return 0;
}

/* QEMU's own spelling -cpu SPEC; --order, with or without a value, is refused. */
static int more_cpu(void *ctx, const char *cmd, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	if (!strncmp(a, "--order", 7) && (!a[7] || a[7] == '=')) {
		cli_usage_error(cmd, "--order does not apply with --cpu: QEMU writes the "
				"VMX MSRs in its own order, at vCPU creation");
		return -1;
	}
	if (strcmp(a, "-cpu"))
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(cmd, "--cpu needs a QEMU -cpu string (MODEL[,FLAG]...)");
		return -1;
	}
	((struct qcheck *)ctx)->spec = argv[++*i];
	return 1;
}

static int operand_refused(void *ctx, const char *a)
{
	(void)ctx;
	return cli_usage_error(CMD, "with --cpu: unknown or unsupported argument '%s' "
			       "(the source is --from-host H --from-kvm R)", a);
}

/* check --cpu's options (its usage text is check's --help). */
static const struct opt check_cpu_opts[] = {
	SIDE_OPTS("", "to", struct qcheck, dst, ", destination"),
	SIDE_SOURCE_OPTS("from-", "from-host", struct qcheck, src),
	OPT_STRING("cpu", NULL, "SPEC", struct qcheck, spec, "QEMU's -cpu MODEL[,FLAG]..."),
	OPT_STRING("qemu", NULL, "VER", struct qcheck, qemu, "the QEMU release (default the newest)"),
	OPT_CALL("semantics", NULL, "S", opt_semantics, "qemu (default) or saved-msrs"),
	OPT_STRING("nested-state", NULL, "FILE", struct qcheck, ns_path,
		   "a KVM_GET_NESTED_STATE blob of the VM"),
	OPT_FLAG("json", NULL, struct qcheck, json, "one JSON document"),
	OPT_END,
};

int cmd_check_qemu(int argc, char **argv)
{
	static struct qcheck q;
	memset(&q, 0, sizeof(q));
	side_init(&q.src);
	side_init(&q.dst);
	q.sem = NVMX_SEM_QEMU;
	int prc = opts_parse(CMD, check_cpu_opts, &q, more_cpu, operand_refused, argc, argv);
	if (prc)
		return prc;
	if (refuse_vcpu_opts(&q.src, "from-") || refuse_vcpu_opts(&q.dst, ""))
		return EXIT_USAGE;
	if (!q.src.host_path)
		return cli_usage_error(CMD, "with --cpu the source is --from-host H --from-kvm R");
	if (!q.dst.host_path)
		return cli_usage_error(CMD, "--to HOST is required");
	q.rel = q.qemu ? nvmx_qemu_release_find(q.qemu) : nvmx_qemu_release_default();
	if (!q.rel)
		return cli_usage_error(CMD, "unknown QEMU release '%s': give x.y or x.y.z, %s to %s",
				       q.qemu, nvmx_qemu_release_at(1)->name,
				       nvmx_qemu_release_default()->name);
	struct nvmx_error err;
	if (nvmx_qemu_cpu_parse(&q.cpu, q.rel, q.spec, &err))
		return cli_usage_error(CMD, "--cpu %s: %s", q.spec, err.msg);
	if (q.ns_path) {
		static unsigned char blob[NVMX_NS_MAX_SIZE];
		struct nvmx_ns_error e;
		if (nvmx_nested_state_load(q.ns_path, blob, sizeof(blob), &q.ns, &e))
			return cli_error(CMD, &e.error);
	}
	int rc;
	if ((rc = side_load(&q.src, CMD, "from-", NULL)) || (rc = side_load(&q.dst, CMD, "", NULL)))
		return rc;
	/* The VM is its -cpu on both sides (its CPUID is the model's: --guest-cpuid is refused). */
	q.src.sc.vm.qemu_cpu = q.dst.sc.vm.qemu_cpu = &q.cpu;
	q.src.sc.vm.qemu = q.dst.sc.vm.qemu = q.rel;
	struct nvmx_unknown us, ud;
	partial_unknowns(&q.src.hf, &us);
	partial_unknowns(&q.dst.hf, &ud);
	nvmx_qemu_move(&q.mv, &q.src.sc, &q.dst.sc, q.sem, q.ns_path ? &q.ns : NULL, &us, &ud,
		       !strcmp(q.src.host_path, q.dst.host_path));
	if (q.sem == NVMX_SEM_SAVED_MSRS) {
		if (q.json)
			report_saved_json(&q);
		else
			report_saved_text(&q);
	} else if (q.json) {
		report_qemu_json(&q);
	} else {
		report_qemu_text(&q);
	}
	return q.mv.ok ? EXIT_OK : EXIT_NO;
}
