/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "nvmx/io.h"
/* placeholder until the readers land */
int nvmx_hostfile_read(const char *path, struct nvmx_hostfile *out, struct nvmx_diag *diag)
{
	(void)path; (void)out;
	strcpy(diag->error, "readers not built yet");
	return -1;
}
