/* SPDX-License-Identifier: MIT */
/* A user's log excerpt, read whole for nvmx_report_scan(). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define LOG_MAX_BYTES (16u << 20)

char *nvmx_log_read(const char *path, size_t *len, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	int err = 0;
	diag = io_diag_begin(diag, &scratch);
	char *buf = io_read_all(path, LOG_MAX_BYTES, len, &err);
	if (!buf) {
		io_fail_read(diag, NVMX_E_IO, io_label(path), err, LOG_MAX_BYTES,
			     "a log excerpt (give the lines around QEMU's error)");
		return NULL;
	}
	/* A NUL byte means this is not text (a core dump, an image). */
	if (memchr(buf, 0, *len)) {
		const char *nul = memchr(buf, 0, *len);
		unsigned line = 1;
		for (const char *q = buf; q < nul; q++)
			line += *q == '\n';
		io_fail(diag, NVMX_E_SYNTAX, io_label(path), line, "binary data (a NUL byte), not a log");
		free(buf);
		return NULL;
	}
	return buf;
}
