/* SPDX-License-Identifier: MIT */
/* VMX MSR bits as the -cpu flags that remove them (see qemu_flags.h). */
#include "qemu_flags.h"
#include "names.h"
#include "qemu_words.h"

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

bool nvmx__qemu_flag_add(struct nvmx_qemu_fix_item *items, unsigned *n,
			 const struct nvmx_qemu_fix_item *it)
{
	for (unsigned i = 0; i < *n; i++)
		if (nvmx_name_eq(items[i].name, it->name))
			return false;
	if (*n >= NVMX_QEMU_MAX_FIX)
		return false;
	items[(*n)++] = *it;
	return true;
}

bool nvmx__qemu_flags_for_bits(const struct nvmx_qemu_release *r, const struct nvmx_qemu_cpu *cpu,
			       enum nvmx_msr_id id, uint64_t bits, struct nvmx_qemu_fix_item *items,
			       unsigned *n)
{
	enum nvmx_msr_id wm = nvmx_msr_true(id);
	int w = nvmx_qword_of_msr(wm);
	bool added = false;
	if (!bits || w < 0)
		return false;
	bool control = nvmx_qword_is_control((enum nvmx_qword)w);
	for (unsigned b = control ? 32 : 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		const char *name = nvmx_qemu_flag_for_bit(r, wm, b);
		struct nvmx_qwords mask;
		if (!name || !nvmx_qemu_prop_lookup(r, name, slen(name), &mask))
			continue;
		unsigned cb = control ? b - 32 : b;
		struct nvmx_qemu_fix_item it = {
			.kind = cpu->plus.w[w] >> cb & 1 ? NVMX_QFIX_VMX_MINUS : NVMX_QFIX_VMX_OFF,
			.word = (enum nvmx_qword)w, .mask = mask.w[w], .feature = -1, .name = name,
		};
		added |= nvmx__qemu_flag_add(items, n, &it);
	}
	return added;
}

void nvmx__qemu_cpu_with(struct nvmx_qemu_cpu *out, const struct nvmx_qemu_cpu *cpu,
			 const struct nvmx_qemu_fix_item *items, unsigned n, int skip)
{
	*out = *cpu;
	for (unsigned i = 0; i < n; i++)
		if ((int)i != skip)
			nvmx_qemu_fix_apply(out, &items[i], 1);
}
