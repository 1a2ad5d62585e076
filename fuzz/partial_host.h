/* SPDX-License-Identifier: MIT */
/*
 * The readers of partial hosts (vmxcap output, libvirt XML, /proc/cpuinfo)
 * on arbitrary bytes.  Invariants: no crash or sanitizer report; a refusal
 * has a message naming the input; an accepted host is marked partial, has
 * MSRs only in the VMX block, says what is missing, and (when its free text
 * is plain) writes back as JSON to the same host, still partial with the
 * same unknown bits.
 */
#ifndef NVMX_FUZZ_PARTIAL_HOST_H
#define NVMX_FUZZ_PARTIAL_HOST_H

#include "internal.h"
#include "fuzz.h"
#include "roundtrip.h"

typedef int (*partial_reader)(const char *, const char *, size_t, struct nvmx_hostfile *,
			      struct nvmx_diag *);

static void fuzz_partial_host(const uint8_t *data, size_t size, partial_reader read,
			      const char *label)
{
	static struct nvmx_hostfile h, back;
	static struct nvmx_diag d, d2;
	/* As io_read_all hands it over: NUL-terminated (the XML detection relies on it). */
	char *buf = malloc(size + 1);
	FUZZ_CHECK(buf != NULL, "malloc");
	if (size)
		memcpy(buf, data, size);
	buf[size] = '\0';
	memset(&d, 0, sizeof(d));
	int rc = read(label, buf, size, &h, &d);
	if (rc < 0) {
		fuzz_check_error(&d.error, label);
	} else {
		FUZZ_CHECK(rc == 0, "rc %d", rc);
		FUZZ_CHECK(h.partial && h.partial_note[0], "accepted but not marked partial");
		FUZZ_CHECK(h.host.msrs.present != 0, "accepted without any MSR");
		FUZZ_CHECK(!(h.host.msrs.present >> NVMX_MSR_COUNT), "present bits past the block");
		for (unsigned i = 0; i < d.nwarn && i < NVMX_MAX_WARNINGS; i++)
			fuzz_check_message(d.warn[i], sizeof(d.warn[i]), label);
		if (fuzz_plain_host(&h)) {
			fuzz_roundtrip(&h, nvmx_hostfile_write_json, nvmx_hostfile_parse_json, "json");
			char *text = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&text, &len);
			FUZZ_CHECK(f != NULL, "open_memstream");
			nvmx_hostfile_write_json(f, &h);
			FUZZ_CHECK(fclose(f) == 0, "memstream");
			FUZZ_CHECK(nvmx_hostfile_parse_json("again", text, len, &back, &d2) == 0, "json");
			FUZZ_CHECK(back.partial, "partial lost through JSON");
			for (int i = 0; i < NVMX_MSR_COUNT; i++)
				FUZZ_CHECK(!nvmx_msrs_has(&h.host.msrs, (enum nvmx_msr_id)i) ||
					   back.unknown[i] == h.unknown[i],
					   "unknown bits of 0x%x changed through JSON", 0x480 + i);
			free(text);
		}
	}
	free(buf);
}

#endif
