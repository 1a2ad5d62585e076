/* SPDX-License-Identifier: MIT */
/* The reader of /proc/cpuinfo with its vmx flags line on arbitrary bytes (fuzz/partial_host.h: the invariants). */
#include "partial_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_partial_host(data, size, io_parse_cpuinfo, "fuzz.cpuinfo");
	return 0;
}
