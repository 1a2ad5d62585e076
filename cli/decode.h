/* SPDX-License-Identifier: MIT */
/*
 * What `nvmx decode` and `nvmx diff` share: how a control, a CR bit or a field
 * of a capability MSR reads, the SDM-consistency checks, and the printers.
 * Everything is named through the catalogue (include/nvmx/catalog.h).
 */
#ifndef NVMX_CLI_DECODE_H
#define NVMX_CLI_DECODE_H

#include "cli.h"

/* How one control (or CR bit) may be set, per one MSR or MSR pair. */
enum ctl_state {
	CTL_UNKNOWN,	/* the MSR saying so is absent */
	CTL_MUST0,	/* allowed-1 clear */
	CTL_MAY1,	/* either setting allowed */
	CTL_MUST1,	/* allowed-0 clear (must be 1) and allowed-1 set */
	CTL_INVALID,	/* must be 1 yet not allowed to be 1: an inconsistent MSR */
};

/* "must be 0", "may be 1", "must be 1", ... */
const char *ctl_state_name(enum ctl_state s);

/* Control `bit` of a control MSR (32-bit pair or 64-bit allowed-1 mask). */
enum ctl_state ctl_state_of(enum nvmx_msr_id id, uint64_t v, unsigned bit);
/* CR bit `bit` of word NVMX_WORD_CR0/CR4 from FIXED0 and FIXED1 (either may be absent). */
enum ctl_state cr_state_of(const struct nvmx_msrs *m, enum nvmx_word w, unsigned bit);

/* Number of control bits in a word's MSR: 32 (pair layout), 64 (mask, CR bits). */
unsigned word_bits(enum nvmx_word w);
/* The catalogue entry for bit `bit` of word w, reserved entries included; or NULL. */
const struct nvmx_field *word_field(enum nvmx_word w, unsigned bit);

/* "bit 17 (Activate tertiary controls)" or "bit 18" when unnamed. */
void bit_label(enum nvmx_word w, unsigned bit, char *buf, size_t n);
/* "30:0" or "54" */
void field_bits_text(const struct nvmx_field *f, char *buf, size_t n);
/* A field's value with its unit: "1024 bytes", "6 (WB)", "yes", "5 (TSC >> 5)". */
void field_value_text(const struct nvmx_field *f, uint64_t raw, char *buf, size_t n);
/* Bits of a field-layout MSR value that no catalogue field covers. */
uint64_t unnamed_bits(enum nvmx_msr_id id, uint64_t v);

/* SDM-consistency warnings about one set of MSRs. */
#define DECODE_MAX_WARN 200
struct decode_warnings {
	unsigned n;		/* stored */
	unsigned dropped;	/* found beyond DECODE_MAX_WARN */
	char msg[DECODE_MAX_WARN][320];
};

void decode_check(const struct nvmx_msrs *m, struct decode_warnings *w);

/* `input` names what was read (a path, "cpu N", "/dev/kvm"). */
void decode_print_text(FILE *f, const char *input, const struct nvmx_hostfile *h,
		       const struct decode_warnings *w);
void decode_print_json(FILE *f, const char *input, const struct nvmx_hostfile *h,
		       const struct decode_warnings *w);

/* JSON helpers the printers share: a string or null. */
void json_str_or_null(FILE *f, const char *s);

#endif
