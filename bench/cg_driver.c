/* SPDX-License-Identifier: MIT */
/*
 * Small deterministic driver for bench/callgrind.sh: the same work with and
 * without the part being counted, so the difference of the two instruction
 * counts is that part alone.
 *
 *   cg_driver MODE [DUMPS_DIR]
 *
 *   parse        read and parse every dump
 *   derive       ... and load KVM 6.1 (default parameters) on each
 *   setup        ... and make a fresh vCPU per host that loads with nested
 *   writes       ... and write that host's 12 restorable values (N) to it
 *   ref-setup    as setup, with the naive reference (bench/reference.c)
 *   ref-writes   as writes, with the naive reference
 *   verdicts     as setup, then compile every host as a destination and check
 *                every host's saved values against every destination
 *                (nvmx_target_check; W = checks done)
 *
 * Prints "hosts H writes W" (W = writes done, 0 in the modes without).
 * callgrind.sh reads per-call inclusive costs from the call sites in the
 * callgrind output, and totals from the difference of two modes.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/nvmx.h"
#include "reference.h"

static volatile uint64_t sink;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: cg_driver parse|derive|setup|writes|ref-setup|ref-writes|verdicts [DIR]\n");
		return 2;
	}
	const char *mode = argv[1], *dir = argc > 2 ? argv[2] : "data/hosts";
	bool ref = !strncmp(mode, "ref-", 4);
	const char *m = ref ? mode + 4 : mode;
	bool verdicts = !ref && !strcmp(m, "verdicts");
	int level = !strcmp(m, "parse") ? 0 : !strcmp(m, "derive") ? 1 : !strcmp(m, "setup") ? 2 :
		    !strcmp(m, "writes") ? 3 : verdicts ? 2 : -1;
	if (level < 0 || (ref && level < 2)) {
		fprintf(stderr, "cg_driver: unknown mode '%s'\n", mode);
		return 2;
	}
	const struct nvmx_kernel *k = nvmx_kernel_find("6.1");

	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return 2;
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

	static struct nvmx_hostfile hf;
	static struct nvmx_kvm kvm, kvms[1024];
	static struct nvmx_target targets[1024];
	static struct nvmx_msrs saved[1024];
	static struct nvmx_vcpu v;
	static struct ref_host rh;
	static struct ref_vcpu rv;
	unsigned long writes = 0;
	for (unsigned i = 0; i < n; i++) {
		char path[1024];
		struct nvmx_diag diag;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (nvmx_hostfile_read(path, &hf, &diag) < 0) {
			fprintf(stderr, "cg_driver: %s\n", diag.error.msg);
			return 2;
		}
		if (level < 1)
			continue;
		nvmx_kvm_load(&kvm, &hf.host, k, NULL);
		if (verdicts) {
			kvms[i] = kvm;
			nvmx_vcpu_init(&v, &kvms[i], 0);
			nvmx_target_compile(&targets[i], &v, NULL, 0);
			nvmx_vcpu_save(&v, &saved[i]);
			continue;
		}
		if (level < 2 || kvm.status != NVMX_LOAD_OK || !kvm.nested)
			continue;
		/* The values to write, whether or not they are written. */
		uint64_t val[NVMX_RESTORABLE_COUNT];
		uint32_t idx[NVMX_RESTORABLE_COUNT];
		for (unsigned j = 0; j < NVMX_RESTORABLE_COUNT; j++) {
			idx[j] = nvmx_msr_index(nvmx_order_qemu[j]);
			val[j] = nvmx_caps_read(&kvm.caps, nvmx_order_qemu[j]);
		}
		if (ref) {
			FILE *f = fopen(path, "rb");
			static char text[1 << 16];
			size_t len = f ? fread(text, 1, sizeof(text), f) : 0;
			if (f)
				fclose(f);
			ref_parse_text(text, len, &rh);
			ref_vcpu_init(&rv, &rh);
			for (unsigned j = 0; level == 3 && j < NVMX_RESTORABLE_COUNT; j++, writes++)
				sink += (uint64_t)ref_set_msr_61(&rv, idx[j], val[j]);
		} else {
			nvmx_vcpu_init(&v, &kvm, 0);
			for (unsigned j = 0; level == 3 && j < NVMX_RESTORABLE_COUNT; j++, writes++)
				sink += (uint64_t)nvmx_vcpu_set_msr(&v, idx[j], val[j]).rc;
		}
	}
	for (unsigned from = 0; verdicts && from < n; from++)
		for (unsigned to = 0; to < n; to++, writes++)
			sink += nvmx_target_check(&targets[to], &saved[from]);
	printf("hosts %u writes %lu\n", n, writes);
	return sink == UINT64_MAX;
}
