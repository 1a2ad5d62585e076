/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include "fmt.h"
#include "nvmx/catalog.h"

static void put(struct fmt *f, char c)
{
	if (f->len + 1 < f->size) {
		f->buf[f->len] = c;
		f->buf[f->len + 1] = 0;
	}
	f->len++;
}

void fmt_str(struct fmt *f, const char *s)
{
	while (s && *s)
		put(f, *s++);
}

void fmt_hex(struct fmt *f, uint64_t v)
{
	char d[16];
	int n = 0;
	do {
		d[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v && n < 16);
	fmt_str(f, "0x");
	while (n)
		put(f, d[--n]);
}


void fmt_uint(struct fmt *f, uint64_t v)
{
	char d[20];
	int n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put(f, d[--n]);
}

/*
 * Name every set bit; `word_shift` is where the word sits in the MSR (32 for
 * an allowed-1 half) so catalogue lookups see the real MSR bit.
 */
void fmt_bits(struct fmt *f, int msr_id, uint64_t bits, int word_shift)
{
	bool first = true;
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		if (!first)
			fmt_str(f, ", ");
		first = false;
		const struct nvmx_field *fld = 0;
		if (msr_id >= 0 && b + (unsigned)word_shift < 64)
			fld = nvmx_field_at((enum nvmx_msr_id)msr_id, b + (unsigned)word_shift);
		fmt_str(f, "bit ");
		fmt_uint(f, b);
		if (fld && fld->linux_name) {
			fmt_str(f, " ");
			fmt_str(f, fld->linux_name);
		} else if (fld && fld->sdm) {
			fmt_str(f, " (");
			fmt_str(f, fld->sdm);
			fmt_str(f, ")");
		}
		if (fld && fld->qemu) {
			fmt_str(f, " (");
			fmt_str(f, fld->qemu);
			fmt_str(f, ")");
		}
	}
}
