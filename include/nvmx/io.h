/* SPDX-License-Identifier: MIT */
/*
 * Readers and writers around the pure core: host dumps (.msrs text, JSON),
 * live sources (/dev/cpu/N/msr, /dev/kvm).  These do I/O; the core does not.
 */
#ifndef NVMX_IO_H
#define NVMX_IO_H

#include <stdio.h>
#include "error.h"
#include "host.h"
#include "nested_state.h"

#define NVMX_MAX_WARNINGS 16

/*
 * What a reader says: the error when it fails (error.code != NVMX_OK, the
 * message "FILE:LINE: what", include/nvmx/error.h) and the warnings it gave
 * on the way (nwarn may exceed NVMX_MAX_WARNINGS: the rest were not kept).
 */
struct nvmx_diag {
	struct nvmx_error error;
	unsigned nwarn;
	char warn[NVMX_MAX_WARNINGS][256];	/* "FILE:LINE: what", e.g. unknown keys */
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
	bool partial;		/* rebuilt from an input that lacks some values (vmxcap) */
	char partial_note[512];	/* what is missing and what it could change */
	/*
	 * Bits whose value the input does not give (a partial host from
	 * /proc/cpuinfo's vmx flags): the host holds an assumption there.
	 */
	uint64_t unknown[NVMX_MSR_COUNT];
	uint64_t unknown_features;	/* NVMX_FEAT() bits the input does not give */
};

/*
 * Read a host from a file: `.msrs` text, JSON (as `nvmx decode --json`
 * prints it), QEMU's vmxcap output, libvirt XML or /proc/cpuinfo's vmx flags
 * (partial hosts), chosen by content.  Returns 0, or -1 with diag->error set
 * (error.h: a code, the line, "FILE:LINE: what").
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
 * MSR keys as dump files spell them: the SDM name ("IA32_VMX_PROCBASED_CTLS2",
 * case-insensitive), the Linux name ("MSR_IA32_VMX_PROCBASED_CTLS2") or the
 * hex index ("0x48b").  Returns the id, or -1.
 */
int nvmx_io_msr_id(const char *key);
/* The SDM name of an MSR id, or NULL when out of range. */
const char *nvmx_io_msr_name(enum nvmx_msr_id id);

/*
 * A command line given as a JSON array of strings (a request of `nvmx
 * batch`), buf[0..len) read at `line` of `path`: each string decoded and
 * NUL-terminated into store[0..cap), argv[0..*argc) pointing at them and
 * argv[*argc] = NULL (argv has room for max + 1).  0, or -1 with diag's
 * error: NVMX_E_SYNTAX for JSON that is not (the column set, more than max
 * strings included), NVMX_E_VALUE for anything but a non-empty array of
 * strings, NVMX_E_LIMIT when the strings do not fit in store.
 */
int nvmx_json_strings(const char *path, unsigned line, const char *buf, size_t len, char **argv,
		      unsigned max, unsigned *argc, char *store, size_t cap, struct nvmx_diag *diag);

/*
 * Live readers.  `root` prefixes every path ("" or NULL for the real system)
 * so tests can run them on fake trees.  Return 0, or -1 with diag->error
 * saying exactly what is missing (device, permission, not Intel, no VMX MSRs):
 * code NVMX_E_UNAVAILABLE (a malformed msr.fault fixture: NVMX_E_SYNTAX).
 *
 * nvmx_live_read_cpu: <root>/proc/cpuinfo (identity, flags) and
 * <root>/dev/cpu/N/msr; an MSR the CPU does not implement is left absent.
 * nvmx_live_read_kvm: KVM_GET_MSR_FEATURE_INDEX_LIST + KVM_GET_MSRS on
 * <root>/dev/kvm, keeping the listed 0x480..0x493.
 * Fixtures: a regular file as the msr device holds MSR n at byte offset 8*n;
 * a regular file as /dev/kvm is .msrs text of what KVM offers.
 */
int nvmx_live_read_cpu(const char *root, unsigned cpu, struct nvmx_hostfile *out,
		       struct nvmx_diag *diag);
int nvmx_live_read_kvm(const char *root, struct nvmx_msrs *out, struct nvmx_diag *diag);

/* <root>/proc/sys/kernel/hostname into buf; 0, or -1 with diag->error. */
int nvmx_live_read_hostname(const char *root, char *buf, size_t n, struct nvmx_diag *diag);

/*
 * A log excerpt for nvmx_report_scan() ("-": standard input): the whole text,
 * NUL-terminated, malloc'd; NULL with diag->error (unreadable, over 16 MiB,
 * binary).
 */
char *nvmx_log_read(const char *path, size_t *len, struct nvmx_diag *diag);

/* A saved KVM_GET_NESTED_STATE blob from a file (io/nested_state_file.c). */

/*
 * Read the whole file (`-`: standard input) into buf.  A file larger than
 * cap is an error.  Returns 0 with *len set, or -1 with err (code
 * NVMX_NS_ERR_IO; err->error says it as the host readers do: NVMX_E_IO or
 * NVMX_E_LIMIT, sys_errno, "PATH: no such file").
 */
int nvmx_nested_state_read_file(const char *path, void *buf, size_t cap, size_t *len,
				struct nvmx_ns_error *err);
/*
 * Read and parse (a parse error's message is prefixed with "PATH: "); buf
 * must hold cap >= NVMX_NS_MAX_SIZE bytes to accept every blob.  Returns 0,
 * or -1 with err as nvmx_nested_state_read_file or nvmx_nested_state_parse
 * fills it.
 */
int nvmx_nested_state_load(const char *path, void *buf, size_t cap,
			   struct nvmx_nested_state *out, struct nvmx_ns_error *err);

/* The running kvm_intel: kernel release and module parameters as sysfs shows them. */
#define NVMX_LIVE_MAX_PARAMS 48
struct nvmx_live_kvm {
	char release[128];	/* <root>/proc/sys/kernel/osrelease (= uname -r) */
	unsigned nparams;
	char name[NVMX_LIVE_MAX_PARAMS][48];
	char value[NVMX_LIVE_MAX_PARAMS][32];	/* "Y"/"N" for bools, as sysfs prints */
};
/*
 * Read the release and <root>/sys/module/kvm_intel/parameters/.  Returns 0,
 * or -1 with diag->error (kvm_intel not loaded, unreadable release).
 */
int nvmx_live_read_kvm_params(const char *root, struct nvmx_live_kvm *out, struct nvmx_diag *diag);

#endif
