/* SPDX-License-Identifier: MIT */
/* Live sources (step 3 fills this in). */
#include "internal.h"

int nvmx_live_read_cpu(const char *root, unsigned cpu, struct nvmx_hostfile *out,
		       struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	(void)root; (void)cpu;
	diag = io_diag_begin(diag, &scratch);
	io_hostfile_init(out, NULL);
	io_error(diag, "live MSR reading is not built yet");
	return -1;
}

int nvmx_live_read_kvm(const char *root, struct nvmx_msrs *out, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	(void)root;
	diag = io_diag_begin(diag, &scratch);
	out->present = 0;
	io_error(diag, "live /dev/kvm reading is not built yet");
	return -1;
}
