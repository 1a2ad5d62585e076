/* SPDX-License-Identifier: MIT */
/*
 * nvmx explain: take QEMU's "failed to set MSR 0x48d to 0x7f00000016" (or
 * MSR=VALUE, or MSR VALUE) and say why a KVM release on a host rejects that
 * write, bit by bit and by name, and what would make it pass: the vmx-*=off
 * flags, another release, another module parameter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "kvmopts.h"
#include "vcpu_opts.h"
#include "nvmx/qemu.h"

#define CMD "explain"
#define MAX_WRITES 16

struct write {
	uint32_t index;
	uint64_t value;
};

/* Bool parameters worth flipping to see whether KVM would then accept. */
static const enum nvmx_param flip_params[] = {
	NVMX_P_NESTED, NVMX_P_EPT, NVMX_P_VPID, NVMX_P_UNRESTRICTED_GUEST, NVMX_P_EPTAD,
	NVMX_P_FLEXPRIORITY, NVMX_P_ENABLE_APICV, NVMX_P_ENABLE_IPIV, NVMX_P_PML,
	NVMX_P_PREEMPTION_TIMER, NVMX_P_SGX, NVMX_P_ENLIGHTENED_VMCS, NVMX_P_SHADOW_VMCS,
	NVMX_P_VNMI, NVMX_P_ENABLE_PMU, NVMX_P_CET, NVMX_P_MEDIATED_PMU,
};
#define NFLIP (sizeof(flip_params) / sizeof(flip_params[0]))

static int parse_hex(const char *s, size_t len, uint64_t *out)
{
	char buf[40];
	if (len < 3 || len >= sizeof(buf) || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf + 2, &end, 16);
	if (errno || *end || end == buf + 2 || buf[2] == '-' || buf[2] == '+')
		return -1;
	*out = v;
	return 0;
}

/* An MSR: hex index 0x480..0x493 or a name the catalogue knows. */
static int parse_msr(const char *s, size_t len, uint32_t *index)
{
	char name[64];
	uint64_t v;
	if (!parse_hex(s, len, &v)) {
		if (v < NVMX_MSR_BASE || v >= NVMX_MSR_BASE + NVMX_MSR_COUNT)
			return -1;
		*index = (uint32_t)v;
		return 0;
	}
	if (len >= sizeof(name))
		return -1;
	memcpy(name, s, len);
	name[len] = 0;
	const struct nvmx_msr_desc *d = nvmx_msr_lookup(name);
	if (!d)
		return -1;
	*index = d->index;
	return 0;
}

static size_t hex_len(const char *s)
{
	size_t n = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		n = 2;
	while ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
	       (s[n] >= 'A' && s[n] <= 'F'))
		n++;
	return n;
}

/* QEMU's line, or MSR=VALUE.  0, or an error already printed. */
static int parse_one(const char *arg, struct write *w)
{
	const char *p = strstr(arg, "failed to set MSR ");
	if (p) {
		p += strlen("failed to set MSR ");
		size_t il = hex_len(p);
		if (parse_msr(p, il, &w->index))
			return cli_usage_error(CMD, "'%s': no VMX MSR index after 'failed to set MSR'", arg);
		p += il;
		if (strncmp(p, " to ", 4))
			return cli_usage_error(CMD, "'%s': expected ' to 0xVALUE' after the MSR", arg);
		p += 4;
		size_t vl = hex_len(p);
		if (parse_hex(p, vl, &w->value))
			return cli_usage_error(CMD, "'%s': the value is not a 64-bit hex number", arg);
		return 0;
	}
	const char *eq = strchr(arg, '=');
	if (!eq)
		return cli_usage_error(CMD, "'%s': expected QEMU's \"failed to set MSR 0x... to 0x...\" "
				       "line, MSR=VALUE, or MSR VALUE", arg);
	if (parse_msr(arg, (size_t)(eq - arg), &w->index))
		return cli_usage_error(CMD, "'%.*s': not a VMX capability MSR (0x480..0x493 or an SDM "
				       "name)", (int)(eq - arg), arg);
	if (parse_hex(eq + 1, strlen(eq + 1), &w->value))
		return cli_usage_error(CMD, "'%s': the value must be 0x and up to 16 hex digits", arg);
	return 0;
}

struct bitname {
	unsigned bit;
	const struct nvmx_field *f;
	const char *flag;
};

static unsigned name_bits(enum nvmx_msr_id id, uint64_t bits, struct bitname *out)
{
	unsigned n = 0;
	for (unsigned b = 0; b < 64; b++)
		if ((bits >> b) & 1) {
			out[n].bit = b;
			out[n].f = nvmx_field_at(id, b);
			out[n].flag = nvmx_qemu_flag_for_bit(nvmx_qemu_release_default(), id, b);
			n++;
		}
	return n;
}

static bool is_control(enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	return d && d->layout == NVMX_LAYOUT_CONTROLS;
}

static void print_bit_line(enum nvmx_msr_id id, const struct bitname *b)
{
	if (is_control(id))
		printf("  control bit %u (MSR bit %u): ", b->bit % 32, b->bit);
	else
		printf("  bit %u: ", b->bit);
	if (b->f)
		printf("%s / %s / %s\n", b->f->sdm, b->f->linux_name ? b->f->linux_name : "(no Linux name)",
		       b->f->qemu ? b->f->qemu : "(no QEMU name)");
	else
		printf("reserved\n");
}

static void json_bits(enum nvmx_msr_id id, uint64_t bits)
{
	struct bitname b[64];
	unsigned n = name_bits(id, bits, b);
	putchar('[');
	for (unsigned i = 0; i < n; i++) {
		printf("%s{\"bit\":%u,", i ? "," : "", b[i].bit);
		if (is_control(id))
			printf("\"control\":%u,", b[i].bit % 32);
		printf("\"sdm\":");
		if (b[i].f)
			cli_json_str(stdout, b[i].f->sdm);
		else
			printf("\"reserved\"");
		printf(",\"linux\":");
		if (b[i].f && b[i].f->linux_name)
			cli_json_str(stdout, b[i].f->linux_name);
		else
			printf("null");
		printf(",\"qemu\":");
		if (b[i].f && b[i].f->qemu)
			cli_json_str(stdout, b[i].f->qemu);
		else
			printf("null");
		putchar('}');
	}
	putchar(']');
}

/*
 * The value QEMU writes once the flags for `bits` are off: control words
 * go through QEMU's own transform again, other MSRs simply lose the bits.
 */
static uint64_t value_without(enum nvmx_msr_id id, uint64_t value, uint64_t bits)
{
	int w = nvmx_qword_of_msr(id);
	if (w < 0 || !nvmx_qword_is_control((enum nvmx_qword)w))
		return value & ~bits;
	uint32_t off = nvmx_hi(bits) | nvmx_lo(bits);
	uint32_t features = nvmx_qemu_control_supported(value) & ~off;
	uint64_t v = nvmx_qemu_control_msr((enum nvmx_qword)w, features);
	/* Exit bit 9 is not a word bit: QEMU adds it from the guest's lm. */
	if (id == NVMX_TRUE_EXIT)
		v |= value & (UINT64_C(1) << 41);
	return v;
}

struct report {
	struct write w;
	struct nvmx_qemu_explain ex;
	uint64_t flag_bits;		/* bits a vmx-* flag can turn off */
	uint64_t unnamed_bits;		/* offending bits without a QEMU name */
	const char *flags[64];
	unsigned nflags;
	bool fixed_valid;
	uint64_t fixed;
	struct nvmx_qemu_explain fixed_ex;
	const struct nvmx_kernel *releases[32];
	unsigned nreleases;
	const char *params[NFLIP];
	int param_vals[NFLIP];
	unsigned nparams;
	char models[1024];
};

static void load_with(const struct kvm_opts *ko, const struct nvmx_hostfile *hf,
		      const struct nvmx_kernel *k, const struct nvmx_params *base, int flip,
		      int flip_val, struct nvmx_kvm *kvm)
{
	struct nvmx_params p;
	struct nvmx_host env = hf->host;
	if (base) {
		p = *base;
	} else {
		nvmx_params_for(k, &ko->params, &p);
	}
	if (flip >= 0) {
		p.val[flip] = flip_val;
		p.given |= 1u << flip;
	}
	if (ko->hyperv_evmcs)
		env.hyperv_evmcs = true;
	nvmx_kvm_load(kvm, &env, k, &p);
}

static void models_writing(const struct write *w, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	enum nvmx_msr_id id = (enum nvmx_msr_id)(w->index - NVMX_MSR_BASE);
	/* A BASIC without a revision did not come from a KVM that offers VMX. */
	if (id == NVMX_BASIC && !(w->value & 0x7fffffff))
		return;
	for (unsigned i = 0; i < nvmx_qemu_model_count(); i++) {
		const struct nvmx_qemu_model *m = nvmx_qemu_model_at(i);
		unsigned match[32], nm = 0;
		for (unsigned v = 1; v <= m->nversions && nm < 32; v++) {
			uint64_t mv, hm;
			if (nvmx_qemu_model_msr(m, v, nvmx_qemu_release_default(), id, &mv, &hm) &&
			    (mv & ~hm) == (w->value & ~hm))
				match[nm++] = v;
		}
		if (!nm || len >= n)
			continue;
		if (nm == m->nversions) {
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? " " : "", m->name);
		} else {
			len += (size_t)snprintf(buf + len, n - len, "%s%s-", len ? " " : "", m->name);
			for (unsigned k = 0; k < nm && len < n; k++)
				len += (size_t)snprintf(buf + len, n - len, "%sv%u", k ? "," : "", match[k]);
		}
	}
}

static void analyse(struct report *rp, const struct kvm_opts *ko, const struct nvmx_hostfile *hf,
		    const struct nvmx_kvm *kvm, bool cpuid_set, uint64_t cpuid, unsigned pmu)
{
	static struct nvmx_kvm other;
	struct nvmx_qemu_explain *ex = &rp->ex;
	enum nvmx_msr_id id = (enum nvmx_msr_id)(rp->w.index - NVMX_MSR_BASE);
	nvmx_qemu_explain(ex, kvm, cpuid_set, cpuid, pmu, rp->w.index, rp->w.value);
	models_writing(&rp->w, rp->models, sizeof(rp->models));
	if (!ex->r.rc)
		return;

	/* Offending bits: the comparison, or the restore model's own bits. */
	uint64_t bits = ex->added | ex->dropped;
	if (!bits && (ex->r.reason == NVMX_R_ALLOWED1_ADDED || ex->r.reason == NVMX_R_MUST1_DROPPED ||
		      ex->r.reason == NVMX_R_BASIC_FEATURE || ex->r.reason == NVMX_R_MISC_FEATURE ||
		      ex->r.reason == NVMX_R_BITS_ADDED))
		bits = ex->r.bits;
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		const char *flag = nvmx_qemu_flag_for_bit(nvmx_qemu_release_default(), id, b);
		if (!flag) {
			rp->unnamed_bits |= UINT64_C(1) << b;
			continue;
		}
		rp->flag_bits |= UINT64_C(1) << b;
		bool dup = false;
		for (unsigned i = 0; i < rp->nflags; i++)
			dup |= !strcmp(rp->flags[i], flag);
		if (!dup && rp->nflags < 64)
			rp->flags[rp->nflags++] = flag;
	}
	if (rp->flag_bits && !rp->unnamed_bits && !ex->differs) {
		rp->fixed = value_without(id, rp->w.value, rp->flag_bits);
		nvmx_qemu_explain(&rp->fixed_ex, kvm, cpuid_set, cpuid, pmu, rp->w.index, rp->fixed);
		rp->fixed_valid = true;
	}
	for (unsigned i = 0; i < nvmx_kernel_count() && rp->nreleases < 32; i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		struct nvmx_qemu_explain e;
		load_with(ko, hf, k, NULL, -1, 0, &other);
		nvmx_qemu_explain(&e, &other, cpuid_set, cpuid, pmu, rp->w.index, rp->w.value);
		if (!e.r.rc)
			rp->releases[rp->nreleases++] = k;
	}
	for (unsigned i = 0; i < NFLIP; i++) {
		enum nvmx_param p = flip_params[i];
		if (!nvmx_kernel_has_param(kvm->kernel, p))
			continue;
		int now = ko->params.val[p] ? 1 : 0;
		struct nvmx_qemu_explain e;
		load_with(ko, hf, kvm->kernel, &ko->params, (int)p, !now, &other);
		nvmx_qemu_explain(&e, &other, cpuid_set, cpuid, pmu, rp->w.index, rp->w.value);
		if (!e.r.rc) {
			rp->params[rp->nparams] = nvmx_param_name(p);
			rp->param_vals[rp->nparams++] = !now;
		}
	}
}

static void print_differs(enum nvmx_msr_id id, const struct nvmx_qemu_explain *ex, bool json)
{
	size_t n;
	const struct nvmx_field *f = nvmx_msr_fields(id, &n);
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (f[i].width < 2 || !(nvmx_field_mask(&f[i]) & ex->differs))
			continue;
		uint64_t a = nvmx_field_get(&f[i], ex->value), b = nvmx_field_get(&f[i], ex->offered);
		if (json) {
			printf("%s{\"field\":", first ? "" : ",");
			cli_json_str(stdout, f[i].sdm);
			printf(",\"wrote\":\"0x%llx\",\"kvm\":\"0x%llx\"}", (unsigned long long)a,
			       (unsigned long long)b);
		} else {
			printf("  %s: wrote 0x%llx, KVM has 0x%llx\n", f[i].sdm, (unsigned long long)a,
			       (unsigned long long)b);
		}
		first = false;
	}
}

static const char *hint_for(const struct report *rp, const struct nvmx_kvm *kvm)
{
	const struct nvmx_result *r = &rp->ex.r;
	if (r->reason == NVMX_R_NO_NESTED || (rp->w.index == 0x480 && rp->w.value == 0))
		return "KVM's IA32_VMX_BASIC reads 0 when kvm_intel has nested=0: QEMU 5.0 and later "
		       "skip the VMX MSRs then; with an older QEMU drop vmx from the guest "
		       "(-cpu ...,-vmx) or load kvm_intel with nested=1";
	if (r->reason == NVMX_R_NO_KVM)
		return "kvm_intel does not load on this host: there is no vCPU to write to";
	if (r->reason == NVMX_R_NO_VMX_CPUID)
		return "the guest CPUID given has no vmx: QEMU writes VMX MSRs only to a guest with vmx";
	if (rp->unnamed_bits)
		return "some offending bits have no QEMU name, so no -cpu flag clears them (-cpu host "
		       "with migratable=off copies such bits): use a named model or another host";
	if (rp->ex.differs)
		return "a multi-bit field differs from KVM's; QEMU copies these from what KVM reports, "
		       "so the value comes from another host or release (e.g. a migration source)";
	(void)kvm;
	return NULL;
}

int cmd_explain(int argc, char **argv)
{
	struct kvm_opts ko;
	const char *host = NULL, *guest_cpuid = NULL;
	const char *pos[2 * MAX_WRITES];
	unsigned npos = 0;
	bool json = false;
	memset(&ko, 0, sizeof(ko));

	for (int i = 1; i < argc; i++) {
		int r = kvmopts_parse(&ko, CMD, "", argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		const char *a = argv[i];
		if (!strcmp(a, "--host") || !strcmp(a, "--guest-cpuid")) {
			if (i + 1 >= argc)
				return cli_usage_error(CMD, "%s needs a value", a);
			*(!strcmp(a, "--host") ? &host : &guest_cpuid) = argv[++i];
		} else if (!strncmp(a, "--host=", 7)) {
			host = a + 7;
		} else if (!strncmp(a, "--guest-cpuid=", 14)) {
			guest_cpuid = a + 14;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (a[0] == '-' && a[1] == '-') {
			return cli_usage_error(CMD, "unknown option '%s'", a);
		} else {
			if (npos >= 2 * MAX_WRITES)
				return cli_usage_error(CMD, "at most %d writes", MAX_WRITES);
			pos[npos++] = a;
		}
	}
	static struct report reps[MAX_WRITES];
	unsigned nw = 0;
	for (unsigned i = 0; i < npos; i++) {
		struct write w;
		/* MSR VALUE as two arguments. */
		if (!strchr(pos[i], '=') && !strstr(pos[i], "failed to set MSR ") && i + 1 < npos &&
		    !strchr(pos[i + 1], '=')) {
			char both[256];
			snprintf(both, sizeof(both), "%s=%s", pos[i], pos[i + 1]);
			if (parse_one(both, &w))
				return EXIT_USAGE;
			i++;
		} else if (parse_one(pos[i], &w)) {
			return EXIT_USAGE;
		}
		if (nw >= MAX_WRITES)
			return cli_usage_error(CMD, "at most %d writes", MAX_WRITES);
		memset(&reps[nw], 0, sizeof(reps[nw]));
		reps[nw++].w = w;
	}
	if (!nw)
		return cli_usage_error(CMD, "give QEMU's error line, MSR=VALUE, or MSR VALUE");
	if (!host)
		return cli_usage_error(CMD, "--host HOST is required (a .msrs dump or JSON)");
	int rc = kvmopts_finish(&ko, CMD, "");
	if (rc)
		return rc;
	static struct nvmx_hostfile hf;
	if ((rc = cli_load_host(CMD, host, &hf)))
		return rc;
	uint64_t cpuid = 0;
	if (guest_cpuid && guest_cpuid_parse(CMD, guest_cpuid, &hf, &cpuid))
		return EXIT_USAGE;

	static struct nvmx_kvm kvm;
	kvmopts_load(&ko, &hf.host, &kvm);
	bool all_ok = true;
	for (unsigned i = 0; i < nw; i++) {
		analyse(&reps[i], &ko, &hf, &kvm, guest_cpuid != NULL, cpuid, 0);
		if (reps[i].ex.r.rc)
			all_ok = false;
	}

	char why[CLI_REASON_MAX];
	if (json) {
		printf("{\"host\":");
		cli_json_str(stdout, hf.name);
		printf(",\"kernel\":");
		cli_json_str(stdout, nvmx_kernel_name(kvm.kernel));
		printf(",\"kvm_loaded\":%s,\"nested\":%s,\"writes\":[",
		       kvm.status == NVMX_LOAD_OK ? "true" : "false", kvm.nested ? "true" : "false");
		for (unsigned i = 0; i < nw; i++) {
			struct report *rp = &reps[i];
			struct nvmx_qemu_explain *ex = &rp->ex;
			enum nvmx_msr_id id = (enum nvmx_msr_id)(rp->w.index - NVMX_MSR_BASE);
			nvmx_result_describe(&ex->r, why, sizeof(why));
			printf("%s{\"index\":\"0x%x\",\"msr\":\"%s\",\"value\":", i ? "," : "", rp->w.index,
			       nvmx_msr_desc(id)->sdm);
			cli_json_hex(stdout, rp->w.value);
			printf(",\"accepted\":%s,\"rc\":%d,\"rule\":\"%s\",\"reason\":",
			       ex->r.rc ? "false" : "true", ex->r.rc, nvmx_reason_name(ex->r.reason));
			if (ex->r.rc)
				cli_json_str(stdout, why);
			else
				printf("null");
			printf(",\"offending\":\"0x%016llx\",\"offered\":",
			       (unsigned long long)ex->r.bits);
			if (ex->offered_valid)
				cli_json_hex(stdout, ex->offered);
			else
				printf("null");
			printf(",\"checked_against\":\"%s\",\"added\":",
			       !ex->offered_valid ? "none" : ex->against_vcpu ? "vcpu" : "kvm");
			json_bits(id, ex->added);
			printf(",\"dropped\":");
			json_bits(id, ex->dropped);
			printf(",\"differs\":[");
			print_differs(id, ex, true);
			printf("],\"models\":");
			cli_json_str(stdout, rp->models);
			printf(",\"flags\":[");
			for (unsigned f = 0; f < rp->nflags; f++) {
				printf("%s\"%s=off\"", f ? "," : "", rp->flags[f]);
			}
			printf("],\"fixed_value\":");
			if (rp->fixed_valid) {
				cli_json_hex(stdout, rp->fixed);
				printf(",\"fixed_accepted\":%s", rp->fixed_ex.r.rc ? "false" : "true");
			} else {
				printf("null,\"fixed_accepted\":null");
			}
			printf(",\"releases_accepting\":[");
			for (unsigned k = 0; k < rp->nreleases; k++)
				printf("%s\"%s\"", k ? "," : "", nvmx_kernel_name(rp->releases[k]));
			printf("],\"params_accepting\":[");
			for (unsigned k = 0; k < rp->nparams; k++)
				printf("%s\"%s=%d\"", k ? "," : "", rp->params[k], rp->param_vals[k]);
			printf("],\"hint\":");
			const char *hint = ex->r.rc ? hint_for(rp, &kvm) : NULL;
			if (hint)
				cli_json_str(stdout, hint);
			else
				printf("null");
			printf("}");
		}
		printf("]}\n");
		return all_ok ? EXIT_OK : EXIT_NO;
	}

	for (unsigned i = 0; i < nw; i++) {
		struct report *rp = &reps[i];
		struct nvmx_qemu_explain *ex = &rp->ex;
		enum nvmx_msr_id id = (enum nvmx_msr_id)(rp->w.index - NVMX_MSR_BASE);
		if (i)
			putchar('\n');
		printf("KVM %s on %s: write 0x%x %s = 0x%016llx on a fresh vCPU%s\n",
		       nvmx_kernel_name(kvm.kernel), hf.name, rp->w.index, nvmx_msr_desc(id)->sdm,
		       (unsigned long long)rp->w.value,
		       guest_cpuid ? " (after KVM_SET_CPUID2)" : "");
		nvmx_result_describe(&ex->r, why, sizeof(why));
		if (!ex->r.rc) {
			printf("verdict: accepted\n");
		} else {
			printf("verdict: rejected (%s, rule %s)\n",
			       ex->r.rc == -22 ? "-EINVAL" : ex->r.rc == -16 ? "-EBUSY" : "the handler returns 1",
			       nvmx_reason_name(ex->r.reason));
			printf("  %s\n", why);
		}
		if (ex->offered_valid)
			printf("KVM offers 0x%016llx (%s)\n", (unsigned long long)ex->offered,
			       ex->against_vcpu ? "this vCPU's current value: 5.19 and older check "
						  "writes against it"
						: "its maximum, which writes are checked against");
		if (ex->added) {
			struct bitname b[64];
			unsigned n = name_bits(id, ex->added, b);
			printf("set but not offered (SDM / Linux / QEMU):\n");
			for (unsigned k = 0; k < n; k++)
				print_bit_line(id, &b[k]);
		}
		if (ex->dropped) {
			struct bitname b[64];
			unsigned n = name_bits(id, ex->dropped, b);
			printf("required by KVM but clear (SDM / Linux / QEMU):\n");
			for (unsigned k = 0; k < n; k++)
				print_bit_line(id, &b[k]);
		}
		if (ex->differs) {
			printf("fields that differ:\n");
			print_differs(id, ex, false);
		}
		if (rp->models[0])
			printf("QEMU models that write this value: %s\n", rp->models);
		else if (nvmx_qword_of_msr(id) >= 0 && id != NVMX_BASIC)
			printf("no named QEMU model writes this value (-cpu host or max, or added "
			       "vmx-* flags, do)\n");
		if (!ex->r.rc)
			continue;
		printf("what to change:\n");
		if (rp->nflags) {
			printf("  -cpu ...");
			for (unsigned f = 0; f < rp->nflags; f++)
				printf(",%s=off", rp->flags[f]);
			if (rp->fixed_valid)
				printf("  (QEMU then writes 0x%llx: %s)", (unsigned long long)rp->fixed,
				       rp->fixed_ex.r.rc ? "still rejected" : "accepted");
			putchar('\n');
		}
		if (rp->nreleases) {
			printf("  or a KVM release that accepts it here:");
			for (unsigned k = 0; k < rp->nreleases; k++)
				printf(" %s", nvmx_kernel_name(rp->releases[k]));
			putchar('\n');
		} else {
			printf("  no KVM release accepts it on this host\n");
		}
		if (rp->nparams) {
			printf("  or kvm_intel parameters:");
			for (unsigned k = 0; k < rp->nparams; k++)
				printf(" %s=%d", rp->params[k], rp->param_vals[k]);
			putchar('\n');
		}
		const char *hint = hint_for(rp, &kvm);
		if (hint)
			printf("  note: %s\n", hint);
	}
	return all_ok ? EXIT_OK : EXIT_NO;
}
