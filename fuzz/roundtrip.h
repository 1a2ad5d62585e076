/* SPDX-License-Identifier: MIT */
/*
 * What every host the readers accept must survive: written out as `.msrs`
 * text and as JSON, it reads back with the same MSRs and the same facts the
 * model uses.  Shared by the text and JSON reader targets.
 */
#ifndef NVMX_FUZZ_ROUNDTRIP_H
#define NVMX_FUZZ_ROUNDTRIP_H

#include <stdbool.h>
#include <stdio.h>
#include "nvmx/io.h"
#include "fuzz.h"

/*
 * Whether the free-text fields (name, source, vendor, flags) are plain
 * printable ASCII.  The two readers differ on control characters in them
 * (the text form takes a tab in "# source:", JSON refuses it; JSON takes
 * U+007F, the text form refuses it), and a value longer than its field is
 * cut at a byte, possibly inside a UTF-8 sequence that the text reader then
 * refuses; a value of spaces only is written as an empty one, which the text
 * reader refuses.  So only hosts without these are required to round-trip.
 */
static bool fuzz_plain_text(const char *s)
{
	bool blank = *s != '\0';	/* non-empty and only spaces: written as an empty value */
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
		blank &= *s == ' ';
	}
	return !blank;
}

static bool fuzz_plain_host(const struct nvmx_hostfile *h)
{
	return fuzz_plain_text(h->name) && fuzz_plain_text(h->source) &&
	       fuzz_plain_text(h->host.vendor) && fuzz_plain_text(h->flags);
}

/*
 * Whether a free-text value looks like a comment to the text writer: it
 * starts with '#' or has a '#' word.  The writer then leaves the line out
 * (the vendor too, so the identity is lost), although "vendor = #x" would
 * read back; such hosts keep only their MSRs through the text form.
 */
static bool fuzz_comment_like(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '#')
		return true;
	for (const char *p = s; (p = strchr(p, '#')); p++)
		if ((p[-1] == ' ' || p[-1] == '\t') && (!p[1] || p[1] == ' ' || p[1] == '\t'))
			return true;
	return false;
}

static void fuzz_same_host(const struct nvmx_hostfile *a, const struct nvmx_hostfile *b,
			   const char *how)
{
	FUZZ_CHECK(a->host.msrs.present == b->host.msrs.present, "%s: MSR set 0x%x became 0x%x",
		   how, a->host.msrs.present, b->host.msrs.present);
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		if (nvmx_msrs_has(&a->host.msrs, (enum nvmx_msr_id)i))
			FUZZ_CHECK(a->host.msrs.val[i] == b->host.msrs.val[i],
				   "%s: MSR 0x%x 0x%llx became 0x%llx", how, 0x480 + i,
				   (unsigned long long)a->host.msrs.val[i],
				   (unsigned long long)b->host.msrs.val[i]);
	FUZZ_CHECK(a->host.hyperv_evmcs == b->host.hyperv_evmcs, "%s: hyperv_evmcs changed", how);
	/* The text form has no empty vendor ("vendor =" is an error); JSON allows "". */
	if (a->has_identity && !(how[0] == 't' && (fuzz_comment_like(a->host.vendor) ||
						    !a->host.vendor[0]))) {
		FUZZ_CHECK(b->has_identity, "%s: identity lost", how);
		FUZZ_CHECK(a->host.family == b->host.family && a->host.model == b->host.model &&
			   a->host.stepping == b->host.stepping,
			   "%s: family/model/stepping %u/%u/%u became %u/%u/%u", how, a->host.family,
			   a->host.model, a->host.stepping, b->host.family, b->host.model,
			   b->host.stepping);
	}
	if (a->has_flags && b->has_flags)
		FUZZ_CHECK(a->host.features == b->host.features, "%s: features 0x%llx became 0x%llx",
			   how, (unsigned long long)a->host.features,
			   (unsigned long long)b->host.features);
}

typedef void (*fuzz_writer)(FILE *, const struct nvmx_hostfile *);
typedef int (*fuzz_parser)(const char *, const char *, size_t, struct nvmx_hostfile *,
			   struct nvmx_diag *);

/* Write h with `write`, read it back with `parse`: must succeed and agree. */
static void fuzz_roundtrip(const struct nvmx_hostfile *h, fuzz_writer write, fuzz_parser parse,
			   const char *how)
{
	static struct nvmx_hostfile back;
	static struct nvmx_diag d;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	FUZZ_CHECK(f != NULL, "open_memstream");
	write(f, h);
	FUZZ_CHECK(fclose(f) == 0, "memstream");
	int rc = parse("roundtrip", text, len, &back, &d);
	FUZZ_CHECK(rc == 0, "%s: the writer's output does not read back: %s\n--- output:\n%.*s", how,
		   d.error.msg, (int)len, text);
	fuzz_same_host(h, &back, how);
	free(text);
}

#endif
