/* SPDX-License-Identifier: MIT */
/* Helpers shared by the io/ readers; not part of the public API. */
#ifndef NVMX_IO_INTERNAL_H
#define NVMX_IO_INTERNAL_H

#include <stddef.h>
#include <string.h>
#include "nvmx/io.h"

/* A reader always has somewhere to write diagnostics, even if the caller passed NULL. */
struct nvmx_diag *io_diag_begin(struct nvmx_diag *d, struct nvmx_diag *scratch);

/*
 * Fail with code (enum nvmx_errc): the message is "PATH:LINE: what" ("PATH:
 * what" for line 0, just "what" for a NULL path), and line/column are kept
 * in d->error.  The first failure wins; later ones are fallout.  _sys also
 * records the errno behind it; _col is for JSON, "PATH:LINE:COL: what".
 */
void io_fail(struct nvmx_diag *d, int code, const char *path, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void io_fail_sys(struct nvmx_diag *d, int code, int sys_errno, const char *path, unsigned line,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void io_fail_col(struct nvmx_diag *d, int code, const char *path, unsigned line, unsigned col,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/*
 * A file that could not be read (err from io_read_all or open), said the same
 * way by every reader: "PATH: no such file", "PATH: permission denied",
 * "PATH: is a directory, not WHAT", "PATH: larger than N MiB, not WHAT"
 * (code NVMX_E_LIMIT then, if code was NVMX_E_IO), "PATH: cannot read: ...".
 */
void io_fail_read(struct nvmx_diag *d, int code, const char *path, int err, size_t max,
		  const char *what);
/* Fail with another reader's error as it is (the first failure wins). */
void io_fail_from(struct nvmx_diag *d, const struct nvmx_error *e);
void io_warn(struct nvmx_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A buffer's lines, one at a time, numbered from 1: each without its '\n'
 * and without a '\r' before it.  The line readers (.msrs text, vmxcap,
 * /proc/cpuinfo) share it, so that they count lines and take CRLF alike.
 */
struct io_lines {
	const char *p, *end;
	unsigned lineno;	/* the line last returned */
};

static inline void io_lines_init(struct io_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf + len;
	it->lineno = 0;
}

/* The next line in *s, *n; false past the last one. */
static inline bool io_lines_next(struct io_lines *it, const char **s, size_t *n)
{
	if (it->p >= it->end)
		return false;
	const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	const char *le = nl ? nl : it->end;
	*s = it->p;
	*n = (size_t)(le - it->p);
	if (*n && le[-1] == '\r')
		(*n)--;
	it->p = nl ? nl + 1 : it->end;
	it->lineno++;
	return true;
}

/* Label used in "file:line:" prefixes. */
const char *io_label(const char *path);

/* Start a hostfile: zeroed, path recorded, name defaulted from the path. */
void io_hostfile_init(struct nvmx_hostfile *h, const char *path);

/* Recompute host.features from the flags text. */
void io_features_from_flags(struct nvmx_hostfile *h);
/* NVMX_FEAT() bits named by a space-separated cpuinfo flag list. */
uint64_t io_features_from_text(const char *s, size_t len);

/*
 * Whole file ("-": standard input) into a NUL-terminated malloc'd buffer.
 * NULL with *err an errno value (EISDIR for directories, EFBIG past max bytes).
 */
char *io_read_all(const char *path, size_t max, size_t *len, int *err);

/* QEMU's vmxcap output: detection and the reader (io/hostfile_vmxcap.c). */
bool io_is_vmxcap(const char *buf, size_t len);
int io_parse_vmxcap(const char *path, const char *buf, size_t len, struct nvmx_hostfile *out,
		    struct nvmx_diag *d);

/* libvirt's capabilities / domcapabilities XML (io/hostfile_virsh.c). */
bool io_is_virsh_xml(const char *buf, size_t len);
int io_parse_virsh_xml(const char *path, const char *buf, size_t len, struct nvmx_hostfile *out,
		       struct nvmx_diag *d);

/* /proc/cpuinfo with its "vmx flags" line (io/hostfile_cpuinfo.c). */
int io_parse_cpuinfo(const char *path, const char *buf, size_t len, struct nvmx_hostfile *out,
		     struct nvmx_diag *d);

/* The .msrs text reader; allow_no_msrs accepts a file that lists none. */
int io_parse_text(const char *path, const char *buf, size_t len, struct nvmx_hostfile *out,
		  struct nvmx_diag *diag, bool allow_no_msrs);

/*
 * Length of the UTF-8 sequence at p (1..4), or 0 if it is not well formed
 * (overlong forms, surrogates and code points past U+10FFFF included).
 */
size_t io_utf8_seq(const unsigned char *p, size_t n);

/*
 * The catalogue's MSR names without their common "IA32_VMX_", gathered once
 * per file read so that each key costs a length and a first-letter compare
 * per name instead of a string compare.
 */
struct io_msr_names {
	const char *rest[NVMX_MSR_COUNT];
	unsigned char len[NVMX_MSR_COUNT];
};
void io_msr_names_init(struct io_msr_names *t);
/* nvmx_io_msr_id on n bytes (no NUL needed). */
int io_msr_id_n(const struct io_msr_names *t, const char *key, size_t n);

/*
 * Strict 64-bit hex: "0x" then 1..16 significant digits, nothing else.
 * Returns 0, or -1 with *why (if given) set to a short reason: a building
 * block of the readers, which put it in their struct nvmx_error with the
 * file, line and key ("FILE:LINE: KEY value 'V': why"); not API.
 */
int io_parse_hex64(const char *s, uint64_t *out, const char **why);
/* io_parse_hex64 on n bytes that need not be NUL-terminated. */
int io_parse_hex64n(const char *s, size_t n, uint64_t *out, const char **why);

/* Copy with truncation check: 0, or -1 if src (len bytes) does not fit. */
int io_copy(char *dst, size_t cap, const char *src, size_t len);

/*
 * Controls KVM refuses to load without (setup_vmcs_config's required sets,
 * the union over the releases): a partial host's reader assumes them where
 * the input cannot tell, since a host without them runs no KVM at all.
 */
#define KVM_MIN_PIN 0x00000009u
#define KVM_MIN_PROC 0x21998e8cu
#define KVM_MIN_EXIT 0x00008204u
#define KVM_MIN_ENTRY 0x00000204u

#endif
