/* SPDX-License-Identifier: MIT */
/*
 * nvmx fleet-gen: a realistic large inventory (JSON Lines) from the bundled
 * dumps.  A fleet is a few processor models, each deployed under one to
 * three KVM releases (a fleet mid-upgrade), mostly with default parameters
 * and sometimes with one changed or running on Hyper-V; deployments have
 * long-tailed sizes.  Every deployment is one KVM loads on with nested=1.
 * The same seed gives the same inventory.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "opts.h"
#include "datadir.h"

struct gen_rng { uint64_t s; };

static uint64_t rnd(struct gen_rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double unit(struct gen_rng *r)
{
	return (double)(rnd(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Parameter changes operators make, as NAME=VALUE; "" is Hyper-V with eVMCS. */
static const char *const variations[] = {
	"enable_apicv=0", "pml=0", "ept=0", "preemption_timer=0", "enable_shadow_vmcs=0",
	"vpid=0", "eptad=0", "unrestricted_guest=0", "",
};

struct dump {
	char file[256];
	char path[4400];
	char written[4096];	/* what the inventory names: see below */
	struct nvmx_hostfile *hf;
	bool any_usable;	/* some release loads with nested=1 on defaults */
	double weight;
};

struct deployment {
	unsigned dump;
	const struct nvmx_kernel *k;
	int variation;		/* index in variations[], -1 none */
	double weight;
	double cum;
};

static bool usable(const struct nvmx_hostfile *hf, const struct nvmx_kernel *k, int var)
{
	static struct nvmx_kvm kvm;
	struct nvmx_params p;
	struct nvmx_host h = hf->host;
	nvmx_params_default(k, &p);
	if (var >= 0 && !variations[var][0]) {
		h.hyperv_evmcs = true;
	} else if (var >= 0) {
		char name[64];
		const char *eq = strchr(variations[var], '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq - variations[var]), variations[var]);
		if (nvmx_params_set(k, &p, name, eq + 1, NULL))
			return false;
	}
	nvmx_kvm_load(&kvm, &h, k, &p);
	return kvm.status == NVMX_LOAD_OK && kvm.nested;
}

static int ends(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && n > 5 && !strcmp(e->d_name + n - 5, ".msrs");
}

/* Releases a fleet runs: long-term ones more often. */
static double release_weight(const struct nvmx_kernel *k)
{
	static const char *const lts[] = { "5.10", "5.15", "6.1", "6.6", "6.12" };
	for (unsigned i = 0; i < sizeof(lts) / sizeof(lts[0]); i++)
		if (!strcmp(nvmx_kernel_name(k), lts[i]))
			return 3.0;
	return 1.0;
}

static const struct nvmx_kernel *pick_release(struct gen_rng *r)
{
	double total = 0, x;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++)
		total += release_weight(nvmx_kernel_at(i));
	x = unit(r) * total;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		x -= release_weight(nvmx_kernel_at(i));
		if (x < 0)
			return nvmx_kernel_at(i);
	}
	return nvmx_kernel_at(nvmx_kernel_count() - 1);
}

static void write_inline(FILE *out, const struct nvmx_hostfile *hf)
{
	const struct nvmx_host *h = &hf->host;
	if (hf->has_identity) {
		fputs(",\"vendor\":", out);
		cli_json_str(out, h->vendor);
		fprintf(out, ",\"family\":%u,\"model\":%u,\"stepping\":%u", h->family, h->model, h->stepping);
	}
	if (hf->has_flags) {
		fputs(",\"cpuid.features\":", out);
		cli_json_str(out, hf->flags);
	}
	fputs(",\"msrs\":{", out);
	bool first = true;
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (nvmx_msrs_has(&h->msrs, (enum nvmx_msr_id)id)) {
			fprintf(out, "%s\"%s\":\"0x%016llx\"", first ? "" : ",",
				nvmx_msr_desc((enum nvmx_msr_id)id)->sdm, (unsigned long long)h->msrs.val[id]);
			first = false;
		}
	fputc('}', out);
}

struct gen_args {
	unsigned long long hosts, seed, models, profiles;
	const char *out;
	bool inline_msrs;
};

static int opt_number(void *ctx, const struct opt *o, const char *v)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 0);
	if (!*v || *end || errno || *v == '-')
		return cli_usage_error("fleet-gen", "--%s needs a number", o->name);
	if (!n && (!strcmp(o->name, "models") || !strcmp(o->name, "profiles")))
		return cli_usage_error("fleet-gen", "--%s needs at least 1", o->name);
	*(unsigned long long *)((char *)ctx + o->off) = n;
	return 0;
}

const struct opt fleet_gen_opts[] = {
	OPT_CALL_AT("hosts", NULL, "N", opt_number, struct gen_args, hosts, "how many hosts (lines)"),
	OPT_CALL_AT("seed", NULL, "S", opt_number, struct gen_args, seed, "the random seed (default 1)"),
	OPT_STRING("out", NULL, "FILE", struct gen_args, out, "write there (default: standard output)"),
	OPT_CALL_AT("models", NULL, "K", opt_number, struct gen_args, models,
		    "processor models drawn from the dumps (default 24)"),
	OPT_CALL_AT("profiles", NULL, "P", opt_number, struct gen_args, profiles,
		    "deployments (default 2.5 per model)"),
	OPT_FLAG("inline", NULL, struct gen_args, inline_msrs, "the MSRs in each line, not a dump's name"),
	OPT_END,
};

int cmd_fleet_gen(int argc, char **argv)
{
	const char *dir;
	char dirbuf[4096];
	/* --dumps (taken by main for every command), else the bundled dumps. */
	if (!(dir = cli_hosts_dir(dirbuf, sizeof(dirbuf))))
		dir = "data/hosts";
	struct gen_args g = { 0, 1, 24, 0, NULL, false };
	int prc = opts_parse("fleet-gen", fleet_gen_opts, &g, NULL, NULL, argc, argv);
	if (prc)
		return prc;
	unsigned long long hosts = g.hosts, seed = g.seed;
	unsigned long models = (unsigned long)g.models, profiles = (unsigned long)g.profiles;
	const char *out_path = g.out;
	bool inline_msrs = g.inline_msrs;
	if (!hosts || hosts > UINT64_C(100000000))
		return cli_usage_error("fleet-gen", "--hosts N is required (1 to 100000000)");
	if (models > 100000 || profiles > 1000000)
		return cli_usage_error("fleet-gen", "--models or --profiles too large");
	if (!profiles)
		profiles = models * 5 / 2;

	struct dirent **ents;
	int nd = scandir(dir, &ents, ends, alphasort);
	if (nd <= 0)
		return cli_usage_error("fleet-gen", "%s: no .msrs dumps (%s)", dir, nd < 0 ? strerror(errno) : "empty");
	struct dump *d = calloc((size_t)nd, sizeof(*d));
	struct deployment *dep = calloc(profiles, sizeof(*dep));
	if (!d || !dep)
		return cli_usage_error("fleet-gen", "out of memory");
	int rc = 0;
	for (int i = 0; i < nd; i++) {
		snprintf(d[i].file, sizeof(d[i].file), "%s", ents[i]->d_name);
		snprintf(d[i].path, sizeof(d[i].path), "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	/*
	 * The path the inventory names: the bare file name when a reader anywhere
	 * finds it among the bundled dumps, else the absolute path, so the
	 * inventory reads the same from any directory.
	 */
	const char *given_dir = cli_dumps_dir;
	cli_dumps_dir = NULL;
	for (int i = 0; i < nd; i++) {
		char found[4096], a[PATH_MAX], b[PATH_MAX];
		if (cli_find_dump(d[i].file, found, sizeof(found)) && realpath(found, a) &&
		    realpath(d[i].path, b) && !strcmp(a, b))
			snprintf(d[i].written, sizeof(d[i].written), "%s", d[i].file);
		else if (realpath(d[i].path, b))
			snprintf(d[i].written, sizeof(d[i].written), "%s", b);
		else
			snprintf(d[i].written, sizeof(d[i].written), "%s", d[i].path);
	}
	cli_dumps_dir = given_dir;
	for (int i = 0; i < nd && !rc; i++) {
		d[i].hf = malloc(sizeof(*d[i].hf));
		if (!d[i].hf)
			rc = cli_usage_error("fleet-gen", "out of memory");
		else
			rc = cli_load_host("fleet-gen", d[i].path, d[i].hf);
	}
	struct gen_rng r = { seed * UINT64_C(0x2545f4914f6cdd1d) + 1 };
	unsigned nusable = 0;
	for (int i = 0; i < nd && !rc; i++) {
		for (unsigned k = 0; k < nvmx_kernel_count() && !d[i].any_usable; k++)
			d[i].any_usable = usable(d[i].hf, nvmx_kernel_at(k), -1);
		nusable += d[i].any_usable;
	}

	/* The fleet's processor models: servers more likely; popularity long-tailed. */
	unsigned nm = models < (unsigned long)nusable ? (unsigned)models : nusable;
	if (!rc && !nm)
		rc = cli_usage_error("fleet-gen", "%s: no dump on which a KVM release runs nested guests", dir);
	unsigned *chosen = calloc(nm + 1, sizeof(*chosen));
	if (!rc && !chosen)
		rc = cli_usage_error("fleet-gen", "out of memory");
	for (unsigned m = 0; m < nm && !rc; m++) {
		double total = 0, x;
		for (int i = 0; i < nd; i++) {
			bool taken = false;
			for (unsigned q = 0; q < m; q++)
				taken |= chosen[q] == (unsigned)i;
			d[i].weight = taken || !d[i].any_usable ? 0 : strstr(d[i].hf->name, "Xeon") ? 4.0 : 1.0;
			total += d[i].weight;
		}
		x = unit(&r) * total;
		int pick = nd - 1;
		for (int i = 0; i < nd; i++) {
			x -= d[i].weight;
			if (x < 0 && d[i].weight > 0) {
				pick = i;
				break;
			}
		}
		chosen[m] = (unsigned)pick;
	}

	/* Deployments: model x release x (mostly default) parameters, each usable. */
	unsigned ndep = 0;
	for (unsigned tries = 0; !rc && ndep < profiles && tries < profiles * 50 + 1000; tries++) {
		/* model popularity ~ 1/(rank+1); the first deployments cover every model once */
		unsigned m;
		if (ndep < nm) {
			m = ndep;
		} else {
			double total = 0, x;
			for (unsigned q = 0; q < nm; q++)
				total += 1.0 / (q + 1);
			x = unit(&r) * total;
			for (m = 0; m + 1 < nm; m++) {
				x -= 1.0 / (m + 1);
				if (x < 0)
					break;
			}
		}
		const struct nvmx_kernel *k = pick_release(&r);
		int var = unit(&r) < 0.25 ? (int)(rnd(&r) % (sizeof(variations) / sizeof(variations[0]))) : -1;
		bool dup = false;
		for (unsigned q = 0; q < ndep; q++)
			dup |= dep[q].dump == chosen[m] && dep[q].k == k && dep[q].variation == var;
		if (dup || !usable(d[chosen[m]].hf, k, var))
			continue;
		/* sizes: a model's main deployment is large, later ones smaller */
		double w = (1.0 / (m + 1)) * (0.2 + unit(&r)) * (var < 0 ? 1.0 : 0.15);
		dep[ndep++] = (struct deployment){ chosen[m], k, var, w, 0 };
	}
	if (!rc && !ndep)
		rc = cli_usage_error("fleet-gen", "no usable deployment found");
	double cum = 0;
	for (unsigned q = 0; q < ndep; q++)
		dep[q].cum = (cum += dep[q].weight);

	FILE *out = stdout;
	if (!rc && out_path && !(out = fopen(out_path, "w")))
		rc = cli_usage_error("fleet-gen", "%s: %s", out_path, strerror(errno));
	int width = 1;
	for (unsigned long long n = hosts; n >= 10; n /= 10)
		width++;
	if (width < 6)
		width = 6;
	for (unsigned long long h = 0; !rc && h < hosts; h++) {
		double x = unit(&r) * cum;
		unsigned lo = 0, hi = ndep - 1;
		while (lo < hi) {
			unsigned mid = (lo + hi) / 2;
			if (dep[mid].cum > x)
				hi = mid;
			else
				lo = mid + 1;
		}
		const struct deployment *p = &dep[lo];
		fprintf(out, "{\"name\":\"h%0*llu\"", width, h + 1);
		if (!inline_msrs) {
			fputs(",\"dump\":", out);
			cli_json_str(out, d[p->dump].written);
		}
		fprintf(out, ",\"kvm\":\"%s\"", nvmx_kernel_name(p->k));
		if (p->variation >= 0 && variations[p->variation][0]) {
			const char *v = variations[p->variation], *eq = strchr(v, '=');
			fprintf(out, ",\"params\":{\"%.*s\":\"%s\"}", (int)(eq - v), v, eq + 1);
		}
		fprintf(out, ",\"hyperv_evmcs\":%s", p->variation >= 0 && !variations[p->variation][0] ? "true" : "false");
		if (inline_msrs)
			write_inline(out, d[p->dump].hf);
		fputs("}\n", out);
	}
	if (!rc && (ferror(out) || (out != stdout && fclose(out))))
		rc = cli_usage_error("fleet-gen", "%s: write error", out_path ? out_path : "<stdout>");
	for (int i = 0; i < nd; i++)
		free(d[i].hf);
	free(d);
	free(dep);
	free(chosen);
	return rc;
}
