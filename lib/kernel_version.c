/* SPDX-License-Identifier: MIT */
#include "kernels.h"

/* major << 24 | minor << 16 | patch (see KV in kernels.h); release order is by date, not by this number. */
uint32_t nvmx_kernel_version(const struct nvmx_kernel *k)
{
	return k->version;
}
