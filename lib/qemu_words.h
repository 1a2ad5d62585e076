/* SPDX-License-Identifier: MIT */
/* QEMU's feature words inside the library (not API: what the plan, the fixes and the fleet share). */
#ifndef NVMX_QEMU_WORDS_H
#define NVMX_QEMU_WORDS_H

#include "nvmx/qemu.h"

/* A word QEMU turns into a control MSR (default1 and allowed-1 halves), not a feature MSR. */
bool nvmx_qword_is_control(enum nvmx_qword w);
/* Every bit release r can name, per word (what migratable=on keeps). */
void nvmx_qemu_named_bits(const struct nvmx_qemu_release *r, struct nvmx_qwords *out);

#endif
