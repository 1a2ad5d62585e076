/* SPDX-License-Identifier: MIT */
#include "fleet.h"

void fleet_qemu_model(FILE *out, struct fleet *f, const struct nvmx_baseline *b)
{
	(void)f;
	(void)b;
	fprintf(out, "# TODO: a named QEMU model relative to the baseline\n");
}
