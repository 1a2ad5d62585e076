/* SPDX-License-Identifier: MIT */
/*
 * The one error style of libnvmx: every function that can refuse its input
 * (the readers in io.h, parameter and -cpu parsing, the nested-state parser)
 * returns -1 and fills a struct nvmx_error: a stable code a program can
 * branch on, the line (and column) of the input at fault, and one line of
 * text that says it all, "FILE:LINE: what" for an input, "what" for an
 * argument.  nvmx prints that line after "nvmx COMMAND: " and exits 2, or 3
 * for NVMX_E_UNAVAILABLE.  Plain C11, no libc: part of the core.
 */
#ifndef NVMX_ERROR_H
#define NVMX_ERROR_H

#include <stddef.h>

/*
 * The codes are stable (values and names are never reused or renumbered);
 * new ones are added at the end.
 */
enum nvmx_errc {
	NVMX_OK = 0,
	NVMX_E_ARG = 1,		/* an argument: unknown name, bad value, not for this release */
	NVMX_E_IO = 2,		/* a file could not be opened or read (sys_errno says why) */
	NVMX_E_SYNTAX = 3,	/* not in the input's format: binary, a malformed line, bad JSON */
	NVMX_E_VALUE = 4,	/* well formed, but a value is wrong: out of range, duplicate, unknown MSR */
	NVMX_E_MISSING = 5,	/* the input lacks what it must hold (no MSRs, no 'vmx flags' line) */
	NVMX_E_LIMIT = 6,	/* past a size or count limit */
	NVMX_E_UNAVAILABLE = 7,	/* a live source cannot be read: device, permission, module, no VMX */
	NVMX_E_NOMEM = 8,	/* out of memory (io/ only: the core never allocates) */
	NVMX_E_COUNT
};

#define NVMX_ERROR_MSG 512

struct nvmx_error {
	int code;		/* enum nvmx_errc; NVMX_OK (0) when nothing failed */
	unsigned line;		/* 1-based line of the input at fault; 0 when not about a line */
	unsigned column;	/* 1-based column (JSON inputs); 0 when none */
	int sys_errno;		/* the errno behind NVMX_E_IO or NVMX_E_UNAVAILABLE, else 0 */
	char msg[NVMX_ERROR_MSG];	/* one line, no trailing newline; "" when code is NVMX_OK */
};

/* "ok", "arg", "io", "syntax", "value", "missing", "limit", "unavailable", "nomem"; NULL past the end. */
const char *nvmx_errc_name(int code);

/* Start empty: code NVMX_OK, no line, msg "" (e may be NULL). */
void nvmx_error_clear(struct nvmx_error *e);

#endif
