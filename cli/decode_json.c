/* SPDX-License-Identifier: MIT */
/*
 * `nvmx decode --json`.  The top level is exactly what the io writer emits
 * for the host (name, source, identity, cpuid.features, msrs), so the output
 * reads back as a host; decode adds "input", "decoded" and "warnings", which
 * the reader ignores.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"

/* The io writer's object without its closing brace, so keys can follow. */
static int write_host_open(FILE *f, const struct nvmx_hostfile *h)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return -1;
	nvmx_hostfile_write_json(mem, h);
	if (fclose(mem) != 0 || !buf) {
		free(buf);
		return -1;
	}
	while (len && buf[len - 1] != '}')
		len--;
	if (!len) {
		free(buf);
		return -1;
	}
	fwrite(buf, 1, len - 1, f);
	free(buf);
	return 0;
}

static void names(FILE *f, const struct nvmx_field *fl)
{
	fputs("\"sdm\":", f);
	cli_json_str(f, fl->sdm);
	fputs(",\"linux\":", f);
	json_str_or_null(f, fl->linux_name);
	fputs(",\"qemu\":", f);
	json_str_or_null(f, fl->qemu);
}

static void field_msr(FILE *f, enum nvmx_msr_id id, uint64_t v)
{
	size_t n;
	const struct nvmx_field *fl = nvmx_msr_fields(id, &n);
	fputs(",\"fields\":[", f);
	for (size_t i = 0; i < n; i++) {
		uint64_t raw = nvmx_field_get(&fl[i], v);
		char bits[16], text[128];
		field_bits_text(&fl[i], bits, sizeof(bits));
		if (fl[i].reserved)
			snprintf(text, sizeof(text), "%llu", (unsigned long long)raw);
		else
			field_value_text(&fl[i], raw, text, sizeof(text));
		fprintf(f, "%s{\"bits\":\"%s\",", i ? "," : "", bits);
		names(f, &fl[i]);
		fprintf(f, ",\"reserved\":%s,\"raw\":%llu,", fl[i].reserved ? "true" : "false",
			(unsigned long long)raw);
		if (fl[i].fmt == NVMX_FMT_MSR_LIST)
			fprintf(f, "\"value\":%llu,", (unsigned long long)nvmx_field_scaled(&fl[i], raw));
		fputs("\"unit\":", f);
		json_str_or_null(f, fl[i].unit);
		fputs(",\"text\":", f);
		cli_json_str(f, text);
		fputc('}', f);
	}
	fputs("],\"unnamed_bits\":", f);
	cli_json_hex(f, unnamed_bits(id, v));
}

static void control_msr(FILE *f, enum nvmx_msr_id id, uint64_t v)
{
	enum nvmx_word w = nvmx_msr_desc(id)->word;
	fputs(",\"word\":", f);
	cli_json_str(f, nvmx_word_name(w));
	fputs(",\"controls\":[", f);
	const char *sep = "";
	for (unsigned b = 0; b < word_bits(w); b++) {
		const struct nvmx_field *fl = word_field(w, b);
		enum ctl_state st = ctl_state_of(id, v, b);
		if (!fl && st == CTL_MUST0)
			continue;
		fprintf(f, "%s{\"bit\":%u,", sep, b);
		if (fl) {
			names(f, fl);
			fprintf(f, ",\"reserved\":%s", fl->reserved ? "true" : "false");
		} else {
			fputs("\"sdm\":null,\"linux\":null,\"qemu\":null,\"reserved\":false", f);
		}
		fprintf(f, ",\"state\":\"%s\"}", ctl_state_name(st));
		sep = ",";
	}
	fputc(']', f);
}

static void cr_msr(FILE *f, const struct nvmx_msrs *m, enum nvmx_msr_id id)
{
	enum nvmx_word w = nvmx_msr_desc(id)->word;
	size_t n;
	const struct nvmx_field *fl = nvmx_word_fields(w, &n);
	uint64_t v = m->val[id], named = 0;
	fputs(",\"bits\":[", f);
	for (size_t i = 0; i < n; i++) {
		named |= nvmx_field_mask(&fl[i]);
		fprintf(f, "%s{\"bit\":%u,", i ? "," : "", fl[i].lsb);
		names(f, &fl[i]);
		fprintf(f, ",\"set\":%s,\"state\":\"%s\"}", (v >> fl[i].lsb) & 1 ? "true" : "false",
			ctl_state_name(cr_state_of(m, w, fl[i].lsb)));
	}
	fputs("],\"unnamed_bits_set\":", f);
	cli_json_hex(f, v & ~named);
}

static void one_msr(FILE *f, const struct nvmx_msrs *m, enum nvmx_msr_id id)
{
	const struct nvmx_msr_desc *d = nvmx_msr_desc(id);
	cli_json_str(f, d->sdm);
	fprintf(f, ":{\"index\":\"0x%x\",\"present\":%s", d->index,
		nvmx_msrs_has(m, id) ? "true" : "false");
	if (nvmx_msrs_has(m, id)) {
		fputs(",\"value\":", f);
		cli_json_hex(f, m->val[id]);
		switch (d->layout) {
		case NVMX_LAYOUT_CONTROLS:
		case NVMX_LAYOUT_CONTROLS64:
			control_msr(f, id, m->val[id]);
			break;
		case NVMX_LAYOUT_CR_FIXED:
			cr_msr(f, m, id);
			break;
		case NVMX_LAYOUT_FIELDS:
		case NVMX_LAYOUT_VMCS_ENUM:
			field_msr(f, id, m->val[id]);
			break;
		}
	}
	fputc('}', f);
}

void decode_print_json(FILE *f, const char *input, const struct nvmx_hostfile *h,
		       const struct decode_warnings *w)
{
	const struct nvmx_msrs *m = &h->host.msrs;
	if (write_host_open(f, h) < 0) {
		/* only on out-of-memory; keep the output well formed regardless */
		fputs("{\"msrs\":{}", f);
	}
	fputs(",\"input\":", f);
	cli_json_str(f, input);
	fputs(",\"decoded\":{", f);
	for (enum nvmx_msr_id id = 0; id < NVMX_MSR_COUNT; id++) {
		if (id)
			fputc(',', f);
		one_msr(f, m, id);
	}
	fputs("},\"warnings\":[", f);
	for (unsigned i = 0; i < w->n; i++) {
		if (i)
			fputc(',', f);
		cli_json_str(f, w->msg[i]);
	}
	if (w->dropped)
		fprintf(f, "%s\"... and %u more\"", w->n ? "," : "", w->dropped);
	fputs("]}\n", f);
}
