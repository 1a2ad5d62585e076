/* SPDX-License-Identifier: MIT */
/* `nvmx decode` as text: raw values, then every word and field by name. */
#include <string.h>
#include "decode.h"

#define NAME_W 50	/* wide enough for the longest SDM wording in the catalogue */

static void print_msr_line(FILE *f, const struct nvmx_msrs *m, enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	if (nvmx_msrs_has(m, id))
		fprintf(f, "  %s (0x%x) = 0x%016llx\n", d->sdm, d->index,
			(unsigned long long)m->val[id]);
	else
		fprintf(f, "  %s (0x%x): absent\n", d->sdm, d->index);
}

static void print_raw_table(FILE *f, const struct nvmx_msrs *m)
{
	fprintf(f, "MSR values\n");
	for (enum nvmx_msr_id id = 0; id < NVMX_MSR_COUNT; id++) {
		const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
		if (nvmx_msrs_has(m, id))
			fprintf(f, "  0x%x  %-30s 0x%016llx\n", d->index, d->sdm,
				(unsigned long long)m->val[id]);
		else
			fprintf(f, "  0x%x  %-30s absent\n", d->index, d->sdm);
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
		char bits[16], val[128];
		field_bits_text(&fl[i], bits, sizeof(bits));
		if (fl[i].reserved)
			snprintf(val, sizeof(val), "%llu", (unsigned long long)raw);
		else
			field_value_text(&fl[i], raw, val, sizeof(val));
		if (fl[i].qemu)
			fprintf(f, "  %-6s %-*s %-24s %s\n", bits, NAME_W, fl[i].sdm, val, fl[i].qemu);
		else
			fprintf(f, "  %-6s %-*s %s\n", bits, NAME_W, fl[i].sdm, val);
	}
	uint64_t other = unnamed_bits(id, v);
	if (other)
		fprintf(f, "  %-6s %-*s 0x%llx\n", "", NAME_W, "other bits set (unnamed)",
			(unsigned long long)other);
}

static void rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
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
	for (unsigned b = 0; b < word_bits(w); b++) {
		const struct nvmx_field *fl = word_field(w, b);
		enum ctl_state st[2];
		bool interesting = false;
		for (unsigned c = 0; c < ncol; c++) {
			st[c] = ctl_state_of(cols[c], m->val[cols[c]], b);
			interesting |= st[c] != CTL_MUST0;
		}
		/* unnamed bits are listed only when some MSR lets them be 1 */
		if (!fl && !interesting)
			continue;
		char line[256];
		int len = snprintf(line, sizeof(line), "  %-4u %-*s", b, NAME_W,
				   fl ? fl->sdm : "(unnamed)");
		for (unsigned c = 0; c < ncol && len > 0 && (size_t)len < sizeof(line); c++)
			len += snprintf(line + len, sizeof(line) - (size_t)len, " %-11s",
					ctl_state_name(st[c]));
		if (fl && fl->qemu && len > 0 && (size_t)len < sizeof(line))
			snprintf(line + len, sizeof(line) - (size_t)len, " %s", fl->qemu);
		rtrim(line);
		fprintf(f, "%s\n", line);
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
		fprintf(f, "  %-4u %-14s %-11s %s\n", fl[i].lsb, fl[i].sdm,
			ctl_state_name(cr_state_of(m, w, fl[i].lsb)), fl[i].desc);
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
