/* SPDX-License-Identifier: MIT */
/* The reader of QEMU's vmxcap output on arbitrary bytes (fuzz/partial_host.h: the invariants). */
#include "partial_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_partial_host(data, size, io_parse_vmxcap, "fuzz.vmxcap");
	return 0;
}
