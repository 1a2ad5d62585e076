/* SPDX-License-Identifier: MIT */
/*
 * nvmx benchmarks: per-operation costs of libnvmx and the ratio to a naive
 * reference (reference.c) measured in the same run, on the bundled dumps,
 * KVM 6.1 with default parameters, one thread.
 *
 *   bench [DUMPS_DIR]      (default data/hosts)
 *
 * First it checks that the reference agrees with libnvmx everywhere it is
 * compared (parse, derive, write verdicts, the whole verdict matrix, the
 * compiled verdicts); a disagreement stops the run.  Times are the best of several batches of at
 * least 50 ms (CLOCK_MONOTONIC).  ratio = reference time / nvmx time.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "nvmx/nvmx.h"
#include "reference.h"

struct dump {
	char path[512];
	char *text;
	size_t len;
	struct nvmx_hostfile hf;
	struct ref_host ref;
	struct nvmx_kvm kvm;		/* 6.1, defaults */
	bool ok;			/* loaded with nested */
	struct nvmx_msrs saved;		/* N of the 12 restorable MSRs */
	struct nvmx_target target;	/* a fresh vCPU here, compiled for QEMU's order */
	struct ref_caps ref_n;		/* the reference's N (6.1, defaults) */
};

static struct dump *dumps;
static unsigned ndumps;
static const struct nvmx_kernel *k61;
static volatile uint64_t sink;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 14, n = 0;
	char *b = malloc(cap);
	while (b) {
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *nb = realloc(b, cap *= 2);
		if (!nb)
			free(b);
		b = nb;
	}
	fclose(f);
	*len = n;
	return b;
}

static int load_dumps(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return -1;
	}
	char *names[1024];
	unsigned n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 1024) {
		size_t l = strlen(e->d_name);
		if (l > 5 && !strcmp(e->d_name + l - 5, ".msrs"))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	dumps = calloc(n ? n : 1, sizeof(*dumps));
	for (unsigned i = 0; i < n; i++) {
		struct dump *x = &dumps[ndumps];
		struct nvmx_diag diag;
		snprintf(x->path, sizeof(x->path), "%s/%s", dir, names[i]);
		free(names[i]);
		x->text = slurp(x->path, &x->len);
		if (!x->text || nvmx_hostfile_parse_text(x->path, x->text, x->len, &x->hf, &diag) < 0) {
			fprintf(stderr, "bench: %s: %s\n", x->path, x->text ? diag.error.msg : "cannot read");
			return -1;
		}
		nvmx_kvm_load(&x->kvm, &x->hf.host, k61, NULL);
		x->ok = x->kvm.status == NVMX_LOAD_OK && x->kvm.nested;
		x->saved = (struct nvmx_msrs){ { 0 }, 0 };
		for (unsigned m = 0; x->ok && m < NVMX_RESTORABLE_COUNT; m++)
			nvmx_msrs_set(&x->saved, nvmx_order_qemu[m],
				      nvmx_caps_read(&x->kvm.caps, nvmx_order_qemu[m]));
		struct nvmx_vcpu v;
		nvmx_vcpu_init(&v, &x->kvm, 0);
		nvmx_target_compile(&x->target, &v, NULL, 0);
		ndumps++;
	}
	return ndumps ? 0 : -1;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One batch of work; returns how many operations it did. */
typedef unsigned long (*work_fn)(void *arg);

/* Nanoseconds per operation: best of `batches` batches of at least 50 ms. */
static double measure(work_fn fn, void *arg, int batches)
{
	unsigned reps = 1;
	double best = 0;
	for (int b = 0; b < batches; b++) {
		for (;;) {
			unsigned long ops = 0;
			double t0 = now();
			for (unsigned r = 0; r < reps; r++)
				ops += fn(arg);
			double dt = now() - t0;
			if (dt < 0.05 && b == 0) {
				reps *= 2;
				continue;
			}
			double per = dt / (double)(ops ? ops : 1);
			if (b == 0 || per < best)
				best = per;
			break;
		}
	}
	return best * 1e9;
}

/* ---- the operations ------------------------------------------------------- */

static unsigned long w_parse(void *arg)
{
	static struct nvmx_hostfile hf;
	struct nvmx_diag d;
	(void)arg;
	for (unsigned i = 0; i < ndumps; i++)
		sink += (uint64_t)nvmx_hostfile_parse_text(dumps[i].path, dumps[i].text, dumps[i].len, &hf, &d);
	return ndumps;
}

static unsigned long w_parse_ref(void *arg)
{
	static struct ref_host h;
	(void)arg;
	for (unsigned i = 0; i < ndumps; i++)
		sink += (uint64_t)ref_parse_text(dumps[i].text, dumps[i].len, &h);
	return ndumps;
}

static unsigned long w_derive(void *arg)
{
	static struct nvmx_kvm kvm;
	(void)arg;
	for (unsigned i = 0; i < ndumps; i++) {
		nvmx_kvm_load(&kvm, &dumps[i].hf.host, k61, NULL);
		sink += kvm.caps.proc2_hi;
	}
	return ndumps;
}

static unsigned long w_derive_ref(void *arg)
{
	static struct ref_caps c;
	(void)arg;
	for (unsigned i = 0; i < ndumps; i++) {
		ref_derive_61(&dumps[i].ref, &c);
		sink += c.n;
	}
	return ndumps;
}

/* Fresh vCPU per loaded dump, with (arg != NULL) or without the 12 writes of its N. */
static unsigned long w_writes(void *arg)
{
	static struct nvmx_vcpu v;
	unsigned long n = 0;
	for (unsigned i = 0; i < ndumps; i++) {
		if (!dumps[i].ok)
			continue;
		nvmx_vcpu_init(&v, &dumps[i].kvm, 0);
		for (unsigned m = 0; arg && m < NVMX_RESTORABLE_COUNT; m++) {
			enum nvmx_msr_id id = nvmx_order_qemu[m];
			sink += (uint64_t)nvmx_vcpu_set_msr(&v, nvmx_msr_index(id), dumps[i].saved.val[id]).rc;
		}
		n += NVMX_RESTORABLE_COUNT;
	}
	return n;
}

static unsigned long w_writes_ref(void *arg)
{
	static struct ref_vcpu v;
	unsigned long n = 0;
	for (unsigned i = 0; i < ndumps; i++) {
		if (!dumps[i].ok)
			continue;
		ref_vcpu_init(&v, &dumps[i].ref);
		for (unsigned m = 0; arg && m < NVMX_RESTORABLE_COUNT; m++) {
			enum nvmx_msr_id id = nvmx_order_qemu[m];
			sink += (uint64_t)ref_set_msr_61(&v, nvmx_msr_index(id), dumps[i].saved.val[id]);
		}
		n += NVMX_RESTORABLE_COUNT;
	}
	return n;
}

/* Whole-VM verdict: derive the source, fresh destination vCPU, the 12 writes. */
static bool verdict(const struct dump *src, const struct dump *dst)
{
	static struct nvmx_kvm kvm;
	static struct nvmx_vcpu v;
	static struct nvmx_migration mig;
	nvmx_kvm_load(&kvm, &src->hf.host, k61, NULL);
	if (kvm.status != NVMX_LOAD_OK || !kvm.nested)
		return false;
	struct nvmx_msrs saved = { { 0 }, 0 };
	for (unsigned m = 0; m < NVMX_RESTORABLE_COUNT; m++)
		nvmx_msrs_set(&saved, nvmx_order_qemu[m], nvmx_caps_read(&kvm.caps, nvmx_order_qemu[m]));
	nvmx_vcpu_init(&v, &dst->kvm, 0);
	nvmx_migrate(&mig, &v, &saved, nvmx_order_qemu, NVMX_RESTORABLE_COUNT);
	return mig.migratable;
}

static bool verdict_ref(const struct dump *src, const struct dump *dst)
{
	static struct ref_caps n;
	static struct ref_vcpu v;
	ref_derive_61(&src->ref, &n);
	if (!n.loaded)
		return false;
	ref_vcpu_init(&v, &dst->ref);
	bool ok = true;
	for (unsigned m = 0; m < NVMX_RESTORABLE_COUNT; m++) {
		const char *name = ref_msr_name(nvmx_msr_index(nvmx_order_qemu[m]));
		uint64_t val = 0;
		ref_caps_get(&n, name, &val);
		ok &= ref_set_msr_61(&v, nvmx_msr_index(nvmx_order_qemu[m]), val) == 0;
	}
	return ok;
}

/*
 * The whole-VM verdict at fleet scale: the source's saved set (derived once
 * per source) against the destination compiled once (nvmx_target_compile).
 */
static bool verdict_compiled(const struct dump *src, const struct dump *dst)
{
	return src->ok && nvmx_target_check(&dst->target, &src->saved);
}

/* The reference given the same head start: the source's N derived once, then vCPU + 12 writes. */
static bool verdict_ref_derived(const struct dump *src, const struct dump *dst)
{
	static struct ref_vcpu v;
	if (!src->ref_n.loaded)
		return false;
	ref_vcpu_init(&v, &dst->ref);
	bool ok = true;
	for (unsigned m = 0; m < NVMX_RESTORABLE_COUNT; m++) {
		uint32_t idx = nvmx_msr_index(nvmx_order_qemu[m]);
		uint64_t val = 0;
		ref_caps_get(&src->ref_n, ref_msr_name(idx), &val);
		ok &= ref_set_msr_61(&v, idx, val) == 0;
	}
	return ok;
}

/* A fixed pairing: every dump once as source, a spread of destinations. */
static unsigned pair_dest(unsigned i)
{
	return (i * 37 + 11) % ndumps;
}

static unsigned long w_verdicts(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < ndumps; i++)
		sink += verdict(&dumps[i], &dumps[pair_dest(i)]);
	return ndumps;
}

static unsigned long w_verdicts_ref(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < ndumps; i++)
		sink += verdict_ref(&dumps[i], &dumps[pair_dest(i)]);
	return ndumps;
}

/* Every ordered pair once per call: 178 x 178 compiled verdicts. */
static unsigned long w_compiled(void *arg)
{
	unsigned long yes = 0;
	(void)arg;
	for (unsigned s = 0; s < ndumps; s++)
		for (unsigned d = 0; d < ndumps; d++)
			yes += verdict_compiled(&dumps[s], &dumps[d]);
	sink += yes;
	return (unsigned long)ndumps * ndumps;
}

static unsigned long w_compiled_ref(void *arg)
{
	unsigned long yes = 0;
	(void)arg;
	for (unsigned i = 0; i < ndumps; i++)
		yes += verdict_ref_derived(&dumps[i], &dumps[pair_dest(i)]);
	sink += yes;
	return ndumps;
}

static unsigned long w_compile(void *arg)
{
	static struct nvmx_target t;
	static struct nvmx_vcpu v;
	(void)arg;
	for (unsigned i = 0; i < ndumps; i++) {
		nvmx_vcpu_init(&v, &dumps[i].kvm, 0);
		nvmx_target_compile(&t, &v, NULL, 0);
		sink += t.ids;
	}
	return ndumps;
}

/*
 * The fleet matrix over the first n dumps: every ordered pair.  libnvmx
 * derives each host once, compiles each destination once and checks each
 * pair; the reference does the whole naive verdict per pair.  One operation =
 * one matrix.
 */
struct fleet { unsigned n; unsigned long migratable; };

static unsigned long w_fleet(void *arg)
{
	struct fleet *f = arg;
	static struct nvmx_vcpu v;
	static struct nvmx_kvm kvm[1024];
	static struct nvmx_msrs saved[1024];
	static struct nvmx_target t[1024];
	unsigned long yes = 0;
	for (unsigned i = 0; i < f->n; i++) {
		nvmx_kvm_load(&kvm[i], &dumps[i].hf.host, k61, NULL);
		saved[i] = (struct nvmx_msrs){ { 0 }, 0 };
		if (kvm[i].status == NVMX_LOAD_OK && kvm[i].nested)
			for (unsigned m = 0; m < NVMX_RESTORABLE_COUNT; m++)
				nvmx_msrs_set(&saved[i], nvmx_order_qemu[m],
					      nvmx_caps_read(&kvm[i].caps, nvmx_order_qemu[m]));
		nvmx_vcpu_init(&v, &kvm[i], 0);
		nvmx_target_compile(&t[i], &v, NULL, 0);
	}
	for (unsigned s = 0; s < f->n; s++) {
		if (!saved[s].present)
			continue;
		for (unsigned d = 0; d < f->n; d++)
			yes += nvmx_target_check(&t[d], &saved[s]);
	}
	f->migratable = yes;
	return 1;
}

static unsigned long w_fleet_ref(void *arg)
{
	struct fleet *f = arg;
	unsigned long yes = 0;
	for (unsigned s = 0; s < f->n; s++)
		for (unsigned d = 0; d < f->n; d++)
			yes += verdict_ref(&dumps[s], &dumps[d]);
	f->migratable = yes;
	return 1;
}

/* ---- agreement of the reference with libnvmx ------------------------------ */

static int agree(void)
{
	unsigned long parse = 0, derive = 0, writes = 0, writes_ok = 0, pairs = 0, pairs_ok = 0,
		      compiled_ok = 0;
	int bad = 0;
	static struct ref_caps rc;
	static struct nvmx_vcpu v;
	static struct ref_vcpu rv;

	for (unsigned i = 0; i < ndumps; i++) {
		struct dump *x = &dumps[i];
		if (ref_parse_text(x->text, x->len, &x->ref) < 0) {
			fprintf(stderr, "bench: reference cannot parse %s\n", x->path);
			return -1;
		}
		bool same = true;
		for (int id = 0; id < NVMX_MSR_COUNT; id++) {
			uint64_t r = 0;
			struct ref_caps as_table = { .n = x->ref.nmsr };
			memcpy(as_table.msr, x->ref.msr, sizeof(as_table.msr));
			bool has = ref_caps_get(&as_table, ref_msr_name(nvmx_msr_index((enum nvmx_msr_id)id)), &r);
			same &= has == nvmx_msrs_has(&x->hf.host.msrs, (enum nvmx_msr_id)id) &&
				(!has || r == x->hf.host.msrs.val[id]);
		}
		parse += same;

		ref_derive_61(&x->ref, &rc);
		x->ref_n = rc;
		same = rc.loaded == x->ok;
		for (int id = 0; same && x->ok && id <= NVMX_VMFUNC; id++) {
			uint64_t r = 0;
			ref_caps_get(&rc, ref_msr_name(nvmx_msr_index((enum nvmx_msr_id)id)), &r);
			if (r != nvmx_caps_read(&x->kvm.caps, (enum nvmx_msr_id)id)) {
				fprintf(stderr, "bench: %s: reference 0x%x = 0x%016llx, nvmx 0x%016llx\n",
					x->path, nvmx_msr_index((enum nvmx_msr_id)id), (unsigned long long)r,
					(unsigned long long)nvmx_caps_read(&x->kvm.caps, (enum nvmx_msr_id)id));
				same = false;
			}
		}
		derive += same;
		bad |= !same;

		/* Every single-bit change of every MSR, one vCPU per host, in sequence. */
		if (!x->ok)
			continue;
		nvmx_vcpu_init(&v, &x->kvm, 0);
		ref_vcpu_init(&rv, &x->ref);
		for (int id = 0; id < NVMX_MSR_COUNT; id++)
			for (int b = -1; b < 64; b++) {
				uint64_t val = nvmx_caps_read(&x->kvm.caps, (enum nvmx_msr_id)id);
				if (b >= 0)
					val ^= UINT64_C(1) << b;
				uint32_t idx = nvmx_msr_index((enum nvmx_msr_id)id);
				int a = nvmx_vcpu_set_msr(&v, idx, val).rc, r = ref_set_msr_61(&rv, idx, val);
				writes++;
				if ((a == 0) == (r == 0)) {
					writes_ok++;
				} else if (!bad) {
					fprintf(stderr, "bench: %s: write 0x%x=0x%016llx: nvmx rc %d, reference %d\n",
						x->path, idx, (unsigned long long)val, a, r);
					bad = 1;
				}
			}
	}
	for (unsigned s = 0; s < ndumps; s++)
		for (unsigned d = 0; d < ndumps; d++) {
			pairs++;
			bool model = verdict(&dumps[s], &dumps[d]);
			pairs_ok += model == verdict_ref(&dumps[s], &dumps[d]);
			compiled_ok += model == verdict_compiled(&dumps[s], &dumps[d]) &&
				       model == verdict_ref_derived(&dumps[s], &dumps[d]);
		}
	printf("reference agrees with libnvmx: parse %lu/%u, derive %lu/%u, write verdicts %lu/%lu, "
	       "migration verdicts %lu/%lu, compiled verdicts %lu/%lu\n", parse, ndumps, derive, ndumps,
	       writes_ok, writes, pairs_ok, pairs, compiled_ok, pairs);
	return parse == ndumps && derive == ndumps && writes_ok == writes && pairs_ok == pairs &&
	       compiled_ok == pairs ? 0 : -1;
}

/* ref_ns 0: the reference has no such step. */
static void row(const char *what, double ns, double ref_ns)
{
	if (ref_ns > 0)
		printf("  %-50s %12.1f %16.1f %8.1f\n", what, ns, ref_ns, ref_ns / ns);
	else
		printf("  %-50s %12.1f %16s %8s\n", what, ns, "-", "-");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "data/hosts";
	k61 = nvmx_kernel_find("6.1");
	if (!k61 || load_dumps(dir) < 0)
		return 2;
	unsigned loaded = 0;
	for (unsigned i = 0; i < ndumps; i++)
		loaded += dumps[i].ok;
	printf("nvmx bench: KVM 6.1, default parameters, %u dumps from %s (%u load with nested), one thread\n",
	       ndumps, dir, loaded);
	if (agree() < 0) {
		fprintf(stderr, "bench: the reference disagrees with libnvmx; not timing\n");
		return 1;
	}

	printf("\n  %-50s %12s %16s %8s\n", "operation", "nvmx ns/op", "reference ns/op", "ratio");
	row("decode a dump (parse .msrs text)", measure(w_parse, NULL, 5), measure(w_parse_ref, NULL, 5));
	row("derive per host (nvmx_kvm_load)", measure(w_derive, NULL, 5), measure(w_derive_ref, NULL, 5));
	/* Per write: fresh vCPU + 12 writes, minus the fresh vCPU alone. */
	double w = measure(w_writes, "w", 5) - measure(w_writes, NULL, 5);
	double wr = measure(w_writes_ref, "w", 3) - measure(w_writes_ref, NULL, 3);
	row("restore write check (nvmx_vcpu_set_msr)", w, wr);
	row("migration verdict (derive + vCPU + 12 writes)", measure(w_verdicts, NULL, 5),
	    measure(w_verdicts_ref, NULL, 3));
	row("compile a destination (nvmx_target_compile)", measure(w_compile, NULL, 5), 0);
	double vns = measure(w_compiled, NULL, 5);
	row("whole-VM verdict: saved set vs compiled dest.", vns, measure(w_compiled_ref, NULL, 3));
	unsigned sizes[3] = { 10, 100, ndumps };
	for (unsigned s = 0; s < 3; s++) {
		struct fleet f = { sizes[s] < ndumps ? sizes[s] : ndumps, 0 }, fr = f;
		double t = measure(w_fleet, &f, 3), tr = measure(w_fleet_ref, &fr, s == 2 ? 1 : 3);
		char what[96];
		snprintf(what, sizeof(what), "fleet matrix %ux%u, per matrix (%lu migratable)",
			 f.n, f.n, f.migratable);
		row(what, t, tr);
		if (f.migratable != fr.migratable) {
			fprintf(stderr, "bench: fleet %u: nvmx %lu migratable, reference %lu\n", f.n,
				f.migratable, fr.migratable);
			return 1;
		}
		printf("  %-50s %12.0f %16.0f\n", "  pairwise verdicts per second",
		       (double)f.n * f.n / t * 1e9, (double)f.n * f.n / tr * 1e9);
	}
	/* Saved sets (derived once per source) against destinations compiled once: the fleet's unit. */
	printf("\nverdicts_per_second: %.0f\n", 1e9 / vns);
	return 0;
}
