/* SPDX-License-Identifier: MIT */
/*
 * The log scanner (explain FILE|-) on arbitrary bytes.  Invariants: no crash
 * or read past the end; the count covers what was filled; events come in
 * order of first appearance with lines inside the text and a count of at
 * least one; names and hints are NUL-terminated printable ASCII (they land
 * in JSON).
 */
#include "nvmx/report.h"
#include "fuzz.h"

static void printable(const char *s, size_t cap, const char *what)
{
	FUZZ_CHECK(memchr(s, '\0', cap) != NULL, "%s not terminated", what);
	for (; *s; s++)
		FUZZ_CHECK((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f,
			   "%s has byte 0x%02x", what, (unsigned char)*s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nvmx_event ev[16];
	struct nvmx_report_hints hints;
	/* Exactly size bytes, no terminator: the scanner must not need one. */
	char *buf = fuzz_dup(data, size);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += buf[i] == '\n';
	size_t n = nvmx_report_scan(buf, size, ev, 16, &hints);
	size_t got = n < 16 ? n : 16;
	for (size_t i = 0; i < got; i++) {
		FUZZ_CHECK(ev[i].line >= 1 && ev[i].line <= lines, "event %zu at line %u of %zu", i,
			   ev[i].line, lines);
		FUZZ_CHECK(ev[i].count >= 1, "event %zu counted %u times", i, ev[i].count);
		FUZZ_CHECK(!i || ev[i].line >= ev[i - 1].line, "events out of order");
		printable(ev[i].name, sizeof(ev[i].name), "name");
	}
	printable(hints.qemu, sizeof(hints.qemu), "qemu hint");
	printable(hints.kernel, sizeof(hints.kernel), "kernel hint");
	/* hints may be NULL. */
	FUZZ_CHECK(nvmx_report_scan(buf, size, ev, 16, NULL) == n, "hints change the count");
	free(buf);
	return 0;
}
