/* SPDX-License-Identifier: MIT */
/* Host dumps as JSON (step 2 fills this in). */
#include "internal.h"

int nvmx_hostfile_parse_json(const char *path, const char *buf, size_t len,
			     struct nvmx_hostfile *out, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	(void)buf; (void)len;
	diag = io_diag_begin(diag, &scratch);
	io_hostfile_init(out, path);
	io_error(diag, "%s: JSON host files are not supported yet", io_label(path));
	return -1;
}

void nvmx_hostfile_write_json(FILE *f, const struct nvmx_hostfile *h)
{
	(void)f; (void)h;
}
