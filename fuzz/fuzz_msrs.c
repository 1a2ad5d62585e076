/* SPDX-License-Identifier: MIT */
/*
 * The `.msrs` text reader on arbitrary bytes.  Invariants: no crash or
 * sanitizer report; a refusal always has a message naming the input; a host
 * it accepts writes back (as text and as JSON) to the same host.
 */
#include "nvmx/io.h"
#include "fuzz.h"
#include "roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nvmx_hostfile h;
	static struct nvmx_diag d;
	char *buf = fuzz_dup(data, size);
	int rc = nvmx_hostfile_parse_text("fuzz.msrs", buf, size, &h, &d);
	if (rc < 0) {
		fuzz_check_error(&d.error, "fuzz.msrs");
	} else {
		FUZZ_CHECK(rc == 0, "rc %d", rc);
		FUZZ_CHECK(h.host.msrs.present != 0, "accepted without any MSR");
		FUZZ_CHECK(!(h.host.msrs.present >> NVMX_MSR_COUNT), "present bits past the block");
		for (unsigned i = 0; i < d.nwarn && i < NVMX_MAX_WARNINGS; i++)
			fuzz_check_message(d.warn[i], sizeof(d.warn[i]), "fuzz.msrs");
		if (fuzz_plain_host(&h)) {
			fuzz_roundtrip(&h, nvmx_hostfile_write_text, nvmx_hostfile_parse_text, "text");
			fuzz_roundtrip(&h, nvmx_hostfile_write_json, nvmx_hostfile_parse_json, "json");
		}
	}
	free(buf);
	return 0;
}
