/* SPDX-License-Identifier: MIT */
/*
 * nvmx qemu-check: would `qemu-system-x86_64 -cpu MODEL[,FLAG]...` start on a
 * host under a KVM release -- QEMU's feature words, its filtering, its VMX
 * MSR writes in its order against the restore model -- and could the VM
 * live-migrate to other hosts and releases.
 */
#include <string.h>
#include "kvmopts.h"
#include "partial.h"
#include "opts.h"
#include "vcpu_opts.h"
#include "nvmx/qemu.h"
#include "nvmx/qemu_migrate.h"
#include "print.h"

#define CMD "qemu-check"
#define MAX_ALSO 16
#define MAX_PRINTED_LINES 24

struct also {
	const char *arg;
	char path[512];
	const struct nvmx_kernel *kernel;
	struct nvmx_hostfile hf;
	struct nvmx_qemu_dest d;
};

/* Parse HOST@RELEASE; the host path may itself contain '@'. */
static int parse_also(struct also *a, const char *arg)
{
	const char *at = strrchr(arg, '@');
	a->arg = arg;
	if (!at || at == arg || !at[1])
		return cli_usage_error(CMD, "--also '%s': expected HOST@RELEASE", arg);
	if ((size_t)(at - arg) >= sizeof(a->path))
		return cli_usage_error(CMD, "--also '%s': path too long", arg);
	memcpy(a->path, arg, (size_t)(at - arg));
	a->path[at - arg] = 0;
	char opt[64];
	snprintf(opt, sizeof(opt), "--also '%.40s'", arg);
	a->kernel = cli_kernel_opt(CMD, opt, at + 1);
	return a->kernel ? 0 : EXIT_USAGE;
}

static int list_models(bool json)
{
	if (json) {
		printf("{\"qemu_releases\":[");
		for (unsigned i = 0; i < nvmx_qemu_release_count(); i++) {
			const struct nvmx_qemu_release *r = nvmx_qemu_release_at(i);
			printf("%s{\"name\":", i ? "," : "");
			cli_json_str(stdout, r->name);
			printf(",\"summary\":");
			cli_json_str(stdout, r->summary);
			printf(",\"default\":%s}", r == nvmx_qemu_release_default() ? "true" : "false");

		}
		printf("],\"models\":[");
		for (unsigned i = 0; i < nvmx_qemu_model_count(); i++) {
			const struct nvmx_qemu_model *m = nvmx_qemu_model_at(i);
			printf("%s{\"name\":", i ? "," : "");
			cli_json_str(stdout, m->name);
			printf(",\"versions\":%u,\"since\":", m->nversions);
			cli_json_str(stdout, m->since);
			printf(",\"version_since\":{");
			for (unsigned v = 1; v <= m->nversions; v++) {
				const char *vs = m->versions ? m->versions[v - 1].since : m->since;
				printf("%s\"%u\":", v > 1 ? "," : "", v);
				cli_json_str(stdout, vs);
			}
			printf("},\"aliases\":{");
			bool first = true;
			for (unsigned v = 0; m->versions && v < m->nversions; v++)
				if (m->versions[v].alias) {
					printf("%s", first ? "" : ",");
					cli_json_str(stdout, m->versions[v].alias);
					printf(":%u", m->versions[v].version);
					first = false;
				}
			printf("}}");
		}
		printf("],\"also\":[\"host\",\"max\"]}\n");
		return EXIT_OK;
	}
	printf("QEMU releases (--qemu):\n");
	for (unsigned i = 0; i < nvmx_qemu_release_count(); i++) {
		const struct nvmx_qemu_release *r = nvmx_qemu_release_at(i);
		printf("  %-5s %s%s\n", r->name, *r->summary ? r->summary : "no VMX change",
		       r == nvmx_qemu_release_default() ? " (default)" : "");
	}
	printf("\nNamed models (-cpu NAME or NAME-vN; a bare NAME is v1), with the QEMU release\n"
	       "each version came with:\n");
	for (unsigned i = 0; i < nvmx_qemu_model_count(); i++) {
		const struct nvmx_qemu_model *m = nvmx_qemu_model_at(i);
		printf("  %-20s v1 %s", m->name, m->since);
		for (unsigned v = 2; m->versions && v <= m->nversions; v++)
			printf(", v%u %s", v, m->versions[v - 1].since);
		for (unsigned v = 0; m->versions && v < m->nversions; v++)
			if (m->versions[v].alias)
				printf("  %s=v%u", m->versions[v].alias, m->versions[v].version);
		putchar('\n');
	}
	printf("\nAlso: host and max (what KVM offers; named bits only unless migratable=off).\n");
	return EXIT_OK;
}

static void print_result_reason(const struct nvmx_result *r)
{
	char why[CLI_REASON_MAX];
	nvmx_result_describe(r, why, sizeof(why));
	fputs(why, stdout);
}

static void json_result(const struct nvmx_result *r)
{
	char why[CLI_REASON_MAX];
	printf("\"accepted\":%s,\"rule\":\"%s\",\"reason\":", r->rc ? "false" : "true",
	       nvmx_reason_name(r->reason));
	if (r->rc) {
		nvmx_result_describe(r, why, sizeof(why));
		cli_json_str(stdout, why);
	} else {
		printf("null");
	}
}

static void json_bits(const struct nvmx_qemu_release *r, const struct nvmx_qwords *q)
{
	bool first = true;
	putchar('[');
	for (int w = 0; w < NVMX_QW_COUNT; w++)
		for (unsigned b = 0; b < 64; b++) {
			if (!((q->w[w] >> b) & 1))
				continue;
			const char *name = nvmx_qemu_bit_name(r, (enum nvmx_qword)w, b);
			printf("%s{\"msr\":\"0x%x\",\"word\":\"%s\",\"bit\":%u,\"name\":", first ? "" : ",",
			       nvmx_msr_index(nvmx_qword_msr((enum nvmx_qword)w)),
			       nvmx_qword_name((enum nvmx_qword)w), b);
			if (name)
				cli_json_str(stdout, name);
			else
				printf("null");
			putchar('}');
			first = false;
		}
	putchar(']');
}

/* "not proven: WHAT on the input's assumption, ..." for an --also answer a partial input leaves open. */
static void also_not_proven(const struct nvmx_qemu_dest *d, const char *what)
{
	char dec[1024];
	partial_decide_text(&d->pr, d->two_sides, dec, sizeof(dec));
	printf("not proven: %s on the input's assumption, but a partial host does not give what "
	       "decides it\n  not so when these differ from the input's assumption: %s\n", what, dec);
}

/* --also under the qemu semantics: the same -cpu started there, what L1 then reads. */
static void also_qemu_text(const struct also *a, bool starts)
{
	const struct nvmx_qemu_migration *m = &a->d.mig;
	printf("migrate to %s under KVM %s (semantics qemu: QEMU there builds the MSRs from the "
	       "same -cpu): ", a->hf.name, nvmx_kernel_name(a->kernel));
	if (!starts) {
		printf("no: the VM does not start here\n");
		return;
	}
	if (!m->dst.starts) {
		printf("no, the same -cpu does not start there\n");
		char line[512];
		for (unsigned i = 0; nvmx_qemu_message(&m->dst.plan, &m->dst.rep, i, line, sizeof(line)); i++)
			printf("  %s\n", line);
		return;
	}
	if (a->d.not_proven) {
		also_not_proven(&a->d, "it starts there and L1 reads the same VMX MSRs");
		return;
	}
	if (!m->nchanged) {
		printf("yes, it starts there and L1 reads the same VMX MSRs\n");
		return;
	}
	printf("no, it starts there but L1 reads %u VMX MSR%s differently:\n", m->nchanged,
	       m->nchanged == 1 ? "" : "s");
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		enum nvmx_msr_id e = (enum nvmx_msr_id)id;
		uint64_t g = m->gone[id], p = m->appeared[id];
		if (!g && !p && !(m->presence_changed >> id & 1))
			continue;
		bool ctl = nvmx_msr_desc(e)->layout == NVMX_LAYOUT_CONTROLS;
		printf("  %s:", nvmx_msr_desc(e)->sdm);
		if (!ctl) {
			if (m->presence_changed >> id & 1)
				printf(" readable on one side only\n");
			else {
				printf(" 0x%llx -> 0x%llx (", (unsigned long long)m->src.l1.val[id],
				       (unsigned long long)m->dst.l1.val[id]);
				print_field_names(stdout, e, g | p);
				printf(")\n");
			}
			continue;
		}
		if (ctl ? nvmx_hi(g) : g) {
			printf(" vanish ");
			print_bit_names(stdout, e, ctl ? nvmx_hi(g) : g, ctl ? 32 : 0);
		}
		if (ctl ? nvmx_hi(p) : p) {
			printf(" appear ");
			print_bit_names(stdout, e, ctl ? nvmx_hi(p) : p, ctl ? 32 : 0);
		}
		if (ctl && (nvmx_lo(g) | nvmx_lo(p))) {
			printf(" must-be-1 changes ");
			print_bit_names(stdout, e, nvmx_lo(g) | nvmx_lo(p), 0);
		}
		if (m->presence_changed >> id & 1)
			printf(" readable on one side only");
		putchar('\n');
	}
}

struct qc_args {
	struct kvm_opts ko;
	struct also *also;
	unsigned nalso;
	const char *spec, *to, *guest_cpuid, *qemu, *sem_s;
	bool json, list;
};

static int opt_also(void *ctx, const struct opt *o, const char *v)
{
	struct qc_args *a = ctx;
	(void)o;
	if (a->nalso >= MAX_ALSO)
		return cli_usage_error(CMD, "at most %d --also hosts", MAX_ALSO);
	if (parse_also(&a->also[a->nalso], v))
		return EXIT_USAGE;
	a->nalso++;
	return 0;
}

/* QEMU's own spelling -cpu SPEC (or -cpu=SPEC). */
static int more_kvm_cpu(void *ctx, const char *cmd, int argc, char **argv, int *i)
{
	struct qc_args *a = ctx;
	const char *arg = argv[*i];
	if (!strncmp(arg, "-cpu=", 5)) {
		a->spec = arg + 5;
		return 1;
	}
	if (strcmp(arg, "-cpu"))
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(cmd, "-cpu needs a value");
		return -1;
	}
	a->spec = argv[++*i];
	return 1;
}

static int operand_none(void *ctx, const char *arg)
{
	(void)ctx;
	return cli_usage_error(CMD, "unexpected argument '%s' (the host goes after --to)", arg);
}

const struct opt qemu_check_opts[] = {
	OPT_STRING("cpu", NULL, "SPEC", struct qc_args, spec, "QEMU's -cpu MODEL[,FLAG]... (also -cpu SPEC)"),
	OPT_STRING("to", NULL, "HOST", struct qc_args, to, "the host QEMU runs on"),
	KVM_OPTS(struct qc_args, ko),
	OPT_STRING("guest-cpuid", NULL, "SPEC", struct qc_args, guest_cpuid,
		   "what KVM_SET_CPUID2 gets instead of the model's CPUID"),
	OPT_STRING("qemu", NULL, "VER", struct qc_args, qemu, "the QEMU release (default the newest)"),
	OPT_CALL("also", NULL, "HOST@RELEASE", opt_also, "could the VM live-migrate there (repeatable)"),
	OPT_STRING("semantics", NULL, "S", struct qc_args, sem_s, "qemu (default) or saved-msrs"),
	OPT_FLAG("list", NULL, struct qc_args, list, "the named models, versions, QEMU releases"),
	OPT_FLAG("json", NULL, struct qc_args, json, "one JSON document"),
	OPT_END,
};

int cmd_qemu_check(int argc, char **argv)
{
	static struct also also[MAX_ALSO];
	static struct qc_args args;
	memset(&args, 0, sizeof(args));
	args.also = also;
	int prc = opts_parse(CMD, qemu_check_opts, &args, more_kvm_cpu, operand_none, argc, argv);
	if (prc)
		return prc;
	struct kvm_opts ko = args.ko;
	unsigned nalso = args.nalso;
	const char *spec = args.spec, *to = args.to, *guest_cpuid = args.guest_cpuid;
	const char *qemu = args.qemu, *sem_s = args.sem_s;
	bool json = args.json, list = args.list;
	if (list)
		return list_models(json);
	if (!spec)
		return cli_usage_error(CMD, "-cpu MODEL[,FLAG]... is required (nvmx qemu-check --list)");
	if (!to)
		return cli_usage_error(CMD, "--to HOST is required (a .msrs dump or JSON)");
	const struct nvmx_qemu_release *rel = qemu ? nvmx_qemu_release_find(qemu)
						   : nvmx_qemu_release_default();
	if (!rel) {
		fprintf(stderr, "nvmx %s: unknown QEMU release '%s': give x.y or x.y.z, %s to %s "
			"(%s stands for every older release)\n", CMD, qemu,
			nvmx_qemu_release_at(1)->name, nvmx_qemu_release_default()->name,
			nvmx_qemu_release_at(0)->name);
		return EXIT_USAGE;
	}
	enum nvmx_semantics sem = NVMX_SEM_QEMU;
	if (sem_s) {
		int sv = nvmx_semantics_parse(sem_s);
		if (sv < 0)
			return cli_usage_error(CMD, "--semantics: qemu or saved-msrs");
		sem = (enum nvmx_semantics)sv;
	}
	int rc = kvmopts_finish(&ko, CMD, "");
	if (rc)
		return rc;
	static struct nvmx_qemu_cpu cpu;
	struct nvmx_error err;
	if (nvmx_qemu_cpu_parse(&cpu, rel, spec, &err))
		return cli_usage_error(CMD, "-cpu %s: %s", spec, err.msg);

	static struct nvmx_hostfile hf;
	if ((rc = cli_load_host(CMD, to, &hf)))
		return rc;
	for (unsigned i = 0; i < nalso; i++)
		if ((rc = cli_load_host(CMD, also[i].path, &also[i].hf)))
			return rc;

	/* The VM is its -cpu: one scenario, run, proven and fixed by the library. */
	static struct nvmx_scenario sc;
	kvmopts_scenario(&ko, &hf.host, &sc);
	sc.vm.qemu_cpu = &cpu;
	sc.vm.qemu = rel;
	if (guest_cpuid) {
		if (guest_cpuid_parse(CMD, guest_cpuid, &hf, &sc.vm.guest_features))
			return EXIT_USAGE;
		sc.vm.cpuid_set = true;
	}
	const struct nvmx_kvm *kvm = &sc.kvm;
	static struct nvmx_qemu_start st;
	struct nvmx_unknown u;
	partial_unknowns(&hf, &u);
	nvmx_qemu_start(&st, &sc, &u);
	const struct nvmx_qemu_plan *plan = &st.plan;
	const struct nvmx_qemu_replay *rep = &st.rep;
	const struct nvmx_qemu_fix *fix = &st.fx.cpu_fix;
	bool starts = st.starts, ok = st.verdict == NVMX_QSTART_STARTS;
	char fixed[4600];
	nvmx_qemu_fix_cpu_str(spec, fix->item, fix->n, fixed, sizeof(fixed));
	for (unsigned i = 0; i < nalso; i++) {
		struct nvmx_unknown ua;
		partial_unknowns(&also[i].hf, &ua);
		nvmx_qemu_dest(&also[i].d, &st, &sc, &also[i].hf.host, ko.hyperv_evmcs, also[i].kernel, sem,
			       &u, &ua, !strcmp(to, also[i].path));
	}

	char line[512];
	if (json) {
		printf("{\"qemu\":");
		cli_json_str(stdout, rel->name);
		printf(",\"cpu\":");
		cli_json_str(stdout, spec);
		printf(",\"host\":");
		cli_json_str(stdout, hf.name);
		printf(",\"kernel\":");
		cli_json_str(stdout, nvmx_kernel_name(kvm->kernel));
		printf(",\"kvm_loaded\":%s,\"nested\":%s", kvm->status == NVMX_LOAD_OK ? "true" : "false",
		       kvm->nested ? "true" : "false");
		printf(",\"ignored_options\":[");
		for (unsigned i = 0; i < cpu.nignored; i++) {
			char opt[256];
			snprintf(opt, sizeof(opt), "%.*s", (int)cpu.ignored[i].len, spec + cpu.ignored[i].off);
			printf("%s", i ? "," : "");
			cli_json_str(stdout, opt);
		}
		printf("],\"ambiguous\":%s,\"guest_cpuid\":", cpu.ambiguous ? "true" : "false");
		print_features_json(stdout, st.guest_cpuid);
		printf(",\"cpuid_filtered\":");
		print_features_json(stdout, plan->cpuid_filtered);
		printf(",\"pmu_version\":%u,\"filtered\":", plan->pmu_version);
		json_bits(rel, &plan->filtered);
		printf(",\"dependency_dropped\":");
		json_bits(rel, &plan->dep_cleared);
		printf(",\"enforce_refused\":%s,\"skip\":",
		       plan->stop == NVMX_QSTOP_ENFORCE ? "true" : "false");
		if (nvmx_qemu_skip_name(plan->skip))
			cli_json_str(stdout, nvmx_qemu_skip_name(plan->skip));
		else
			printf("null");
		printf(",\"messages\":[");
		for (unsigned i = 0; i < st.nmessages; i++) {
			nvmx_qemu_message(plan, rep, i, line, sizeof(line));
			printf("%s", i ? "," : "");
			cli_json_str(stdout, line);
		}
		printf("],\"writes\":[");
		for (unsigned i = 0; i < plan->nwrites; i++) {
			const struct nvmx_msr_desc *d = nvmx_msr_by_index(plan->writes[i].index);
			printf("%s{\"index\":\"0x%x\",\"msr\":\"%s\",\"value\":", i ? "," : "",
			       plan->writes[i].index, d->sdm);
			cli_json_hex(stdout, plan->writes[i].value);
			putchar(',');
			json_result(&rep->r[i]);
			putchar('}');
		}
		printf("],\"starts\":%s,\"partial_host\":", ok ? "true" : "false");
		partial_host_json(stdout, st.partial, st.verdict == NVMX_QSTART_NOT_PROVEN, &st.pr, false);
		printf(",\"first_rejected\":");
		if (rep->first >= 0)
			printf("\"0x%x\"", plan->writes[rep->first].index);
		else
			printf("null");
		printf(",\"error\":");
		if (rep->first >= 0) {
			nvmx_qemu_error_line(&plan->writes[rep->first], line, sizeof(line));
			cli_json_str(stdout, line);
		} else {
			printf("null");
		}
		printf(",\"fix\":");
		if (!fix->needed) {
			printf("null");
		} else {
			printf("{\"found\":%s,\"flags\":[", fix->found ? "true" : "false");
			for (unsigned i = 0; i < fix->n; i++) {
				char item[96];
				printf("%s", i ? "," : "");
				cli_json_str(stdout, nvmx_qemu_fix_item_str(&fix->item[i], item, sizeof(item)));
			}
			printf("],\"cpu\":");
			if (fix->found)
				cli_json_str(stdout, fixed);
			else
				printf("null");
			printf(",\"verified\":%s,\"runs\":%u,\"blocker\":", fix->found ? "true" : "false",
			       fix->runs);
			if (fix->blocker_set) {
				char why[CLI_REASON_MAX];
				nvmx_result_describe(&fix->blocker, why, sizeof(why));
				cli_json_str(stdout, why);
			} else {
				printf("null");
			}
			printf(",\"versions_that_start\":[");
			for (unsigned i = 0; i < st.fx.nversions; i++)
				printf("%s\"%s-v%u\"", i ? "," : "", cpu.model->name, st.fx.versions[i]);
			printf("]}");
		}
		printf(",\"also\":[");
		for (unsigned i = 0; i < nalso; i++) {
			const struct nvmx_qemu_dest *d = &also[i].d;
			printf("%s{\"host\":", i ? "," : "");
			cli_json_str(stdout, also[i].hf.name);
			printf(",\"kernel\":");
			cli_json_str(stdout, nvmx_kernel_name(also[i].kernel));
			printf(",\"kvm_loaded\":%s,\"semantics\":\"%s\",\"migratable\":%s,"
			       "\"qemu_verdict\":\"%s\",\"l1_changes\":%u,\"writes\":[",
			       d->sc.kvm.status == NVMX_LOAD_OK ? "true" : "false", nvmx_semantics_name(sem),
			       d->migratable ? "true" : "false", nvmx_qmig_verdict_name(d->mig.verdict),
			       d->mig.nchanged);
			for (unsigned w = 0; w < plan->nwrites; w++) {
				printf("%s{\"index\":\"0x%x\",", w ? "," : "", plan->writes[w].index);
				json_result(&d->r[w]);
				putchar('}');
			}
			printf("],\"same_cpu_starts\":%s,\"same_cpu_same_values\":%s,\"partial_host\":",
			       d->mig.dst.rep.starts ? "true" : "false", d->same_values ? "true" : "false");
			partial_host_json(stdout, d->partial, d->not_proven, &d->pr, d->two_sides);
			putchar('}');
		}
		printf("]");
		cli_json_approximate(stdout);
		printf("}\n");
		return ok ? EXIT_OK : EXIT_NO;
	}

	printf("QEMU %s -cpu %s on %s, KVM %s\n", rel->name, spec, hf.name,
	       nvmx_kernel_name(kvm->kernel));
	if (kvm->status != NVMX_LOAD_OK) {
		char why[CLI_REASON_MAX];
		nvmx_kvm_describe_failure(kvm, why, sizeof(why));
		printf("kvm_intel does not load: %s\n", why);
	}
	for (unsigned i = 0; i < cpu.nignored; i++)
		printf("not modelled (no effect here): %.*s\n", (int)cpu.ignored[i].len,
		       spec + cpu.ignored[i].off);
	if (cpu.ambiguous)
		printf("note: QEMU warns that the string is ambiguous (+feat/-feat mixed with "
		       "feat=on|off); the +/- list wins\n");
	if (plan->stop != NVMX_QSTOP_NO_KVM) {
		printf("guest CPUID%s: ", st.env.cpuid_override ? " (--guest-cpuid)" : "");
		print_features(stdout, st.guest_cpuid);
		if (plan->pmu_version)
			printf(" (PMU version %u)", plan->pmu_version);
		putchar('\n');
	}
	if (st.nmessages) {
		/* Warnings first (capped), then the final error lines, all as QEMU prints them. */
		unsigned warns = st.nwarnings;
		printf("QEMU prints:\n");
		for (unsigned i = 0; i < st.nmessages; i++) {
			if (i < warns && i >= MAX_PRINTED_LINES) {
				printf("  ... and %u more warnings\n", warns - i);
				i = warns - 1;
				continue;
			}
			nvmx_qemu_message(plan, rep, i, line, sizeof(line));
			printf("  %s\n", line);
		}
	}
	const char *skip = nvmx_qemu_skip_text(plan, kvm);
	if (skip)
		printf("%s\n", skip);
	if (plan->nwrites) {
		printf("VMX MSRs QEMU writes (one KVM_SET_MSRS, in this order):\n");
		for (unsigned i = 0; i < plan->nwrites; i++) {
			const struct nvmx_msr_desc *d = nvmx_msr_by_index(plan->writes[i].index);
			printf("  0x%x %-28s 0x%016llx ", plan->writes[i].index, d->sdm,
			       (unsigned long long)plan->writes[i].value);
			static const char *const state[] = {
				[NVMX_QWRITE_ACCEPTED] = "accepted",
				[NVMX_QWRITE_NOT_REACHED] = "not reached (accepted on its own)",
				[NVMX_QWRITE_REJECTED] = "REJECTED",
				[NVMX_QWRITE_REJECTED_TOO] = "rejected too",
			};
			printf("%s\n", state[nvmx_qemu_write_state(rep, i)]);
		}
	}
	switch (st.verdict) {
	case NVMX_QSTART_NOT_PROVEN: {
		char dec[1024];
		partial_decide_text(&st.pr, false, dec, sizeof(dec));
		printf("verdict: NOT PROVEN: the VM starts as given, but a partial host does not give what "
		       "decides it\n  not when these differ from the input's assumption: %s\n", dec);
		break;
	}
	case NVMX_QSTART_STARTS:
		printf("verdict: the VM starts%s\n", st.guest_vmx ? "" : " (without VMX in the guest)");
		break;
	case NVMX_QSTART_NO_KVM:
		printf("verdict: the VM does not start: no KVM\n");
		break;
	case NVMX_QSTART_ENFORCE:
		printf("verdict: the VM does not start: enforce refuses the CPU before any MSR is written\n");
		break;
	case NVMX_QSTART_REJECTED:
		printf("verdict: the VM does not start: KVM rejects 0x%x, QEMU aborts\n",
		       plan->writes[rep->first].index);
		printf("rejected writes:\n");
		for (unsigned i = 0; i < plan->nwrites; i++)
			if (rep->r[i].rc) {
				printf("  ");
				print_result_reason(&rep->r[i]);
				putchar('\n');
			}
		break;
	}
	if (fix->needed) {
		if (fix->found) {
			printf("fix: -cpu %s (verified: the VM starts%s)\n", fixed,
			       st.fix_drops_vmx ? ", without VMX in the guest" : "");
		} else {
			printf("fix: no vmx-...=off list makes it start");
			if (fix->blocker_set) {
				printf(": ");
				print_result_reason(&fix->blocker);
			}
			putchar('\n');
		}
		if (st.hint_nested)
			printf("hint: load kvm_intel with nested=1 to give the guest VMX\n");
		if (st.fx.nversions) {
			printf("versions that start as they are:");
			for (unsigned i = 0; i < st.fx.nversions; i++)
				printf(" %s-v%u", cpu.model->name, st.fx.versions[i]);
			putchar('\n');
		}
	}
	for (unsigned i = 0; i < nalso; i++) {
		const struct also *a = &also[i];
		const struct nvmx_qemu_dest *d = &a->d;
		if (sem == NVMX_SEM_QEMU) {
			also_qemu_text(a, starts);
			continue;
		}
		printf("migrate to %s under KVM %s (semantics saved-msrs: the VMM writes back these "
		       "values): ", a->hf.name, nvmx_kernel_name(a->kernel));
		if (d->not_proven)
			also_not_proven(d, plan->nwrites ? "every value is accepted there"
							 : "no VMX MSR to carry");
		else if (d->sc.kvm.status != NVMX_LOAD_OK)
			printf("no: kvm_intel does not load there\n");
		else if (!plan->nwrites)
			printf("%s (no VMX MSR to carry)\n", starts ? "yes" : "no: the VM does not start here");
		else if (!d->rejected)
			printf("%s\n", starts ? "yes, every value is accepted there"
					      : "the values would be accepted, but the VM does not start here");
		else {
			printf("no, %u of %u values rejected there:\n", d->rejected, plan->nwrites);
			for (unsigned w = 0; w < plan->nwrites; w++)
				if (d->r[w].rc) {
					printf("  ");
					print_result_reason(&d->r[w]);
					putchar('\n');
				}
		}
		if (d->sc.kvm.status == NVMX_LOAD_OK && plan->nwrites && !d->same_values)
			printf("  note: QEMU started there with the same -cpu would %s\n",
			       d->mig.dst.rep.starts ? "write different values (the guest's VMX MSRs would change "
						       "across the migration)"
						     : "not start");
	}
	return ok ? EXIT_OK : EXIT_NO;
}
