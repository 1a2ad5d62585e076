/* SPDX-License-Identifier: MIT */
/* `nvmx decode` as text: raw values, then every word and field by name. */
#include <string.h>
#include "decode.h"

#define NAME_W 50	/* wide enough for the longest SDM wording in the catalogue */

/*
 * Row building without printf: a control word prints a row per bit, and a
 * formatted fprintf per cell cost more than all the rest of decode.  These
 * write what "%-*s" and "%u" would.
 */
static char *put_padded(char *p, const char *s, size_t width)
{
	size_t n = strnlen(s, 400);
	memcpy(p, s, n);
	for (; n < width; n++)
		p[n] = ' ';
	return p + n;
}

static char *put_uint_padded(char *p, unsigned v, size_t width)
{
	char digits[12];
	size_t n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while (v /= 10);
	for (size_t i = 0; i < n; i++)
		p[i] = digits[n - 1 - i];
	for (; n < width; n++)
		p[n] = ' ';
	return p + n;
}

/* "0x%016llx" (digits = 16) or "0x%x" (digits = 0: as many as needed). */
static char *put_hex(char *p, uint64_t v, unsigned digits)
{
	static const char hex[] = "0123456789abcdef";
	unsigned n = 1;
	while (n < 16 && v >> (4 * n))
		n++;
	if (n < digits)
		n = digits;
	*p++ = '0';
	*p++ = 'x';
	for (unsigned i = n; i-- > 0;)
		*p++ = hex[(v >> (4 * i)) & 0xf];
	return p;
}

/* "  %s (0x%x) = 0x%016llx" or "  %s (0x%x): absent" */
static void print_msr_line(FILE *f, const struct nvmx_msrs *m, enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	char line[512], *p = line;
	*p++ = ' ';
	*p++ = ' ';
	p = put_padded(p, d->sdm, 0);
	*p++ = ' ';
	*p++ = '(';
	p = put_hex(p, d->index, 0);
	*p++ = ')';
	if (nvmx_msrs_has(m, id)) {
		p = put_padded(p, " = ", 0);
		p = put_hex(p, m->val[id], 16);
	} else {
		p = put_padded(p, ": absent", 0);
	}
	*p++ = '\n';
	fwrite(line, 1, (size_t)(p - line), f);
}

/* "  0x%x  %-30s 0x%016llx" or "  0x%x  %-30s absent" */
static void print_raw_table(FILE *f, const struct nvmx_msrs *m)
{
	fprintf(f, "MSR values\n");
	for (enum nvmx_msr_id id = 0; id < NVMX_MSR_COUNT; id++) {
		const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
		char line[512], *p = line;
		*p++ = ' ';
		*p++ = ' ';
		p = put_hex(p, d->index, 0);
		*p++ = ' ';
		*p++ = ' ';
		p = put_padded(p, d->sdm, 30);
		*p++ = ' ';
		if (nvmx_msrs_has(m, id))
			p = put_hex(p, m->val[id], 16);
		else
			p = put_padded(p, "absent", 0);
		*p++ = '\n';
		fwrite(line, 1, (size_t)(p - line), f);
	}
}

static void print_field_msr(FILE *f, const struct nvmx_msrs *m, enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	fprintf(f, "\n%s (0x%x): %s\n", d->sdm, d->index, d->desc);
	print_msr_line(f, m, id);
	if (!nvmx_msrs_has(m, id))
		return;
	uint64_t v = m->val[id];
	size_t n;
	const struct nvmx_field *fl = nvmx_msr_fields(id, &n);
	for (size_t i = 0; i < n; i++) {
		uint64_t raw = nvmx_field_get(&fl[i], v);
		/* reserved entries only matter when set; decode_check says why */
		if (fl[i].reserved && !raw)
			continue;
		char val[128];
		if (fl[i].reserved)
			snprintf(val, sizeof(val), "%llu", (unsigned long long)raw);
		else
			field_value_text(&fl[i], raw, val, sizeof(val));
		/* "  %-6s %-*s %s", or with QEMU's name "  %-6s %-*s %-24s %s" (bits "L" or "H:L") */
		char line[1024], bits[16], *p = bits;
		if (fl[i].width > 1) {
			p = put_uint_padded(p, fl[i].lsb + fl[i].width - 1u, 0);
			*p++ = ':';
		}
		p = put_uint_padded(p, fl[i].lsb, 0);
		*p = '\0';
		p = line;
		*p++ = ' ';
		*p++ = ' ';
		p = put_padded(p, bits, 6);
		*p++ = ' ';
		p = put_padded(p, fl[i].sdm, NAME_W);
		*p++ = ' ';
		p = put_padded(p, val, fl[i].qemu ? 24 : 0);
		if (fl[i].qemu) {
			*p++ = ' ';
			p = put_padded(p, fl[i].qemu, 0);
		}
		*p++ = '\n';
		fwrite(line, 1, (size_t)(p - line), f);
	}
	uint64_t other = unnamed_bits(id, v);
	if (other)
		fprintf(f, "  %-6s %-*s 0x%llx\n", "", NAME_W, "other bits set (unnamed)",
			(unsigned long long)other);
}

/* One control word: a row per control, a column per MSR that reports it. */
static void print_word(FILE *f, const struct nvmx_msrs *m, enum nvmx_word w)
{
	enum nvmx_msr_id cols[2];
	const char *heads[2];
	unsigned ncol = 0;
	enum nvmx_msr_id non = nvmx_word_msr(w), tru = nvmx_msr_desc(non)->twin;

	fprintf(f, "\n%s\n", nvmx_word_name(w));
	print_msr_line(f, m, non);
	if (tru != non)
		print_msr_line(f, m, tru);
	if (nvmx_msrs_has(m, non)) {
		cols[ncol] = non;
		heads[ncol++] = tru != non ? "default" : "setting";
	}
	if (tru != non && nvmx_msrs_has(m, tru)) {
		cols[ncol] = tru;
		heads[ncol++] = "(TRUE)";
	}
	if (!ncol)
		return;

	fprintf(f, "  %-4s %-*s", "bit", NAME_W, "control");
	for (unsigned c = 0; c < ncol; c++)
		fprintf(f, " %-11s", heads[c]);
	fprintf(f, " QEMU\n");
	/* The field of each bit, found once (word_field scans the word's fields). */
	const struct nvmx_field *field_of[64] = { 0 };
	size_t nf;
	const struct nvmx_field *fields = nvmx_word_fields(w, &nf);
	for (size_t i = nf; i-- > 0;)	/* the first field holding a bit wins, as in word_field */
		for (unsigned b = fields[i].lsb; b < (unsigned)fields[i].lsb + fields[i].width && b < 64; b++)
			field_of[b] = &fields[i];
	for (unsigned b = 0; b < word_bits(w); b++) {
		const struct nvmx_field *fl = field_of[b];
		enum ctl_state st[2];
		bool interesting = false;
		for (unsigned c = 0; c < ncol; c++) {
			st[c] = ctl_state_of(cols[c], m->val[cols[c]], b);
			interesting |= st[c] != CTL_MUST0;
		}
		/* unnamed bits are listed only when some MSR lets them be 1 */
		if (!fl && !interesting)
			continue;
		/* "  %-4u %-*s", then " %-11s" per column and " %s" for QEMU's name, right-trimmed */
		const char *name = fl ? fl->sdm : "(unnamed)";
		const char *qemu = fl && fl->qemu ? fl->qemu : NULL;
		char line[1024];	/* catalogue names are far shorter than put_padded's cap */
		char *start = line, *p = line;
		*p++ = ' ';
		*p++ = ' ';
		p = put_uint_padded(p, b, 4);
		*p++ = ' ';
		p = put_padded(p, name, NAME_W);
		for (unsigned c = 0; c < ncol; c++) {
			*p++ = ' ';
			p = put_padded(p, ctl_state_name(st[c]), 11);
		}
		if (qemu) {
			*p++ = ' ';
			p = put_padded(p, qemu, 0);
		}
		while (p > start && p[-1] == ' ')
			p--;
		*p++ = '\n';
		fwrite(start, 1, (size_t)(p - start), f);
	}
}

static void print_cr(FILE *f, const struct nvmx_msrs *m, enum nvmx_word w)
{
	/* FIXED1 directly follows FIXED0 for both CR0 (0x486/7) and CR4 (0x488/9) */
	enum nvmx_msr_id f0 = nvmx_word_msr(w), f1 = f0 + 1;
	const char *cr = w == NVMX_WORD_CR0 ? "CR0" : "CR4";
	fprintf(f, "\n%s in VMX operation\n", cr);
	print_msr_line(f, m, f0);
	print_msr_line(f, m, f1);
	if (!nvmx_msrs_has(m, f0) && !nvmx_msrs_has(m, f1))
		return;
	size_t n;
	const struct nvmx_field *fl = nvmx_word_fields(w, &n);
	uint64_t named = 0;
	fprintf(f, "  %-4s %-14s %-11s %s\n", "bit", cr, "state", "meaning");
	for (size_t i = 0; i < n; i++) {
		named |= nvmx_field_mask(&fl[i]);
		/* "  %-4u %-14s %-11s %s" */
		char line[1024], *p = line;
		*p++ = ' ';
		*p++ = ' ';
		p = put_uint_padded(p, fl[i].lsb, 4);
		*p++ = ' ';
		p = put_padded(p, fl[i].sdm, 14);
		*p++ = ' ';
		p = put_padded(p, ctl_state_name(cr_state_of(m, w, fl[i].lsb)), 11);
		*p++ = ' ';
		p = put_padded(p, fl[i].desc, 0);
		*p++ = '\n';
		fwrite(line, 1, (size_t)(p - line), f);
	}
	if (nvmx_msrs_has(m, f0) && (m->val[f0] & ~named))
		fprintf(f, "  unnamed %s bits that must be 1: 0x%llx\n", cr,
			(unsigned long long)(m->val[f0] & ~named));
	if (nvmx_msrs_has(m, f1)) {
		uint64_t may = m->val[f1] & ~named;
		if (nvmx_msrs_has(m, f0))
			may &= ~m->val[f0];
		if (may)
			fprintf(f, "  unnamed %s bits that may be 1: 0x%llx\n", cr,
				(unsigned long long)may);
	}
}

static void print_header(FILE *f, const char *input, const struct nvmx_hostfile *h)
{
	const struct nvmx_host *host = &h->host;
	fprintf(f, "input: %s\n", input);
	if (h->name[0])
		fprintf(f, "name: %s\n", h->name);
	if (h->source[0])
		fprintf(f, "source: %s\n", h->source);
	if (h->has_identity)
		fprintf(f, "cpu: %s family %u model %u stepping %u\n", host->vendor,
			host->family, host->model, host->stepping);
	if (h->partial) {
		fprintf(f, "partial host: %s\n", h->partial_note);
		for (int i = 0; i < NVMX_MSR_COUNT; i++)
			if (h->unknown[i] && nvmx_msrs_has(&host->msrs, (enum nvmx_msr_id)i))
				fprintf(f, "  unknown bits of %-28s 0x%016llx\n",
					nvmx_msr_desc((enum nvmx_msr_id)i)->sdm,
					(unsigned long long)h->unknown[i]);
	}
	fputc('\n', f);
}

void decode_print_text(FILE *f, const char *input, const struct nvmx_hostfile *h,
		       const struct decode_warnings *w)
{
	const struct nvmx_msrs *m = &h->host.msrs;
	print_header(f, input, h);
	print_raw_table(f, m);
	print_field_msr(f, m, NVMX_BASIC);
	print_word(f, m, NVMX_WORD_PIN);
	print_word(f, m, NVMX_WORD_PROC);
	print_word(f, m, NVMX_WORD_PROC2);
	print_word(f, m, NVMX_WORD_PROC3);
	print_word(f, m, NVMX_WORD_EXIT);
	print_word(f, m, NVMX_WORD_EXIT2);
	print_word(f, m, NVMX_WORD_ENTRY);
	print_field_msr(f, m, NVMX_MISC);
	print_cr(f, m, NVMX_WORD_CR0);
	print_cr(f, m, NVMX_WORD_CR4);
	print_field_msr(f, m, NVMX_VMCS_ENUM);
	print_field_msr(f, m, NVMX_EPT_VPID_CAP);
	print_field_msr(f, m, NVMX_VMFUNC);

	if (!w->n) {
		fprintf(f, "\nwarnings: none\n");
		return;
	}
	fprintf(f, "\nwarnings (%u)\n", w->n + w->dropped);
	for (unsigned i = 0; i < w->n; i++)
		fprintf(f, "  - %s\n", w->msg[i]);
	if (w->dropped)
		fprintf(f, "  ... and %u more\n", w->dropped);
}
