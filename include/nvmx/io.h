/* SPDX-License-Identifier: MIT */
/*
 * Readers and writers around the pure core: host dumps (.msrs text, JSON),
 * live sources (/dev/cpu/N/msr, /dev/kvm).  These do I/O; the core does not.
 */
#ifndef NVMX_IO_H
#define NVMX_IO_H

#include <stdio.h>
#include "host.h"

#define NVMX_MAX_WARNINGS 16

/* A diagnostic: "file:line: message". */
struct nvmx_diag {
	char error[512];			/* set when a reader fails */
	unsigned nwarn;
	char warn[NVMX_MAX_WARNINGS][256];	/* e.g. unknown keys */
};

/* What a dump file holds beyond the model's view of the host. */
struct nvmx_hostfile {
	struct nvmx_host host;
	char path[512];
	char name[128];		/* "name =" or the file's base name */
	char flags[4096];	/* cpuid.features as given, space separated */
	char source[512];	/* "# source:" header, if any */
	bool has_identity;	/* vendor/family/model given */
	bool has_flags;		/* cpuid.features given */
};

/*
 * Read a host from a file: `.msrs` text, or JSON (as `nvmx decode --json`
 * prints it), chosen by content.  Returns 0, or -1 with diag->error set.
 */
int nvmx_hostfile_read(const char *path, struct nvmx_hostfile *out, struct nvmx_diag *diag);
int nvmx_hostfile_parse_text(const char *path, const char *buf, size_t len,
			     struct nvmx_hostfile *out, struct nvmx_diag *diag);
int nvmx_hostfile_parse_json(const char *path, const char *buf, size_t len,
			     struct nvmx_hostfile *out, struct nvmx_diag *diag);

/* Write in `.msrs` text form / as a JSON object (no trailing newline). */
void nvmx_hostfile_write_text(FILE *f, const struct nvmx_hostfile *h);
void nvmx_hostfile_write_json(FILE *f, const struct nvmx_hostfile *h);

/*
 * Live readers.  `root` prefixes every path ("" or NULL for the real system)
 * so tests can run them on fake trees.  Return 0, or -1 with diag->error
 * saying exactly what is missing (device, permission, not Intel, no VMX MSRs).
 */
int nvmx_live_read_cpu(const char *root, unsigned cpu, struct nvmx_hostfile *out,
		       struct nvmx_diag *diag);
int nvmx_live_read_kvm(const char *root, struct nvmx_msrs *out, struct nvmx_diag *diag);

#endif
