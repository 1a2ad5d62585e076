/* SPDX-License-Identifier: MIT */
#include "kernels.h"

/* major << 16 | minor << 8 | patch: releases compare in time order. */
uint32_t nvmx_kernel_version(const struct nvmx_kernel *k)
{
	return k->version;
}
