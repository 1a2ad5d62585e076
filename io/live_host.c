/* SPDX-License-Identifier: MIT */
/* The running host's name, for an inventory line. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

int nvmx_live_read_hostname(const char *root, char *buf, size_t n, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	char path[4096];
	size_t len;
	int err;
	diag = io_diag_begin(diag, &scratch);
	snprintf(path, sizeof(path), "%s/proc/sys/kernel/hostname", root ? root : "");
	char *s = io_read_all(path, 4096, &len, &err);
	if (!s) {
		io_fail_sys(diag, NVMX_E_UNAVAILABLE, err, path, 0, "%s", strerror(err));
		return -1;
	}
	len = strcspn(s, "\n");
	if (!len || len >= n) {
		io_fail(diag, NVMX_E_UNAVAILABLE, path, 0, "no host name in it");
		free(s);
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = 0;
	free(s);
	return 0;
}
