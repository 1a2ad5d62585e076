/* SPDX-License-Identifier: MIT */
/*
 * Reading a user's error report: the QEMU lines about VMX MSRs found in a
 * log excerpt (QEMU stderr, libvirt's "internal error: ..." message with its
 * escaped newlines, a KubeVirt event), and the explanation's vocabulary.
 * Pure: the caller hands in the text and the room for the results.
 */
#ifndef NVMX_REPORT_H
#define NVMX_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nvmx_event_kind {
	NVMX_EV_SET_MSR,	/* "failed to set MSR 0x48d to 0xff00000016" (any index) */
	NVMX_EV_ASSERT,		/* kvm_buf_set_msrs / kvm_put_msrs / kvm_init_msrs assertion */
	NVMX_EV_FEATURE,	/* "doesn't support requested feature: MSR(48DH).vmx-posted-intr [bit 7]" */
};

struct nvmx_event {
	enum nvmx_event_kind kind;
	unsigned line;		/* 1-based line of the first occurrence */
	unsigned count;		/* identical events folded into this one */
	uint32_t index;		/* SET_MSR, FEATURE: the MSR */
	uint64_t value;		/* SET_MSR */
	unsigned bit;		/* FEATURE: as QEMU prints it (control number for control MSRs) */
	bool tcg;		/* FEATURE: "TCG doesn't support" (no KVM involved) */
	char name[48];		/* FEATURE: "vmx-posted-intr", "" when unnamed; ASSERT: function */
};

/* What the excerpt says about the environment, when it says it. */
struct nvmx_report_hints {
	char qemu[16];		/* "4.2.1", from a build path or "QEMU emulator version" */
	char kernel[64];	/* "5.4.0-131-generic", from uname -a, "kernel: " or "with kernel " */
};

/*
 * Scan len bytes of text.  Fills up to max events in order of first
 * appearance and returns how many distinct events there are (which may
 * exceed max).  hints may be NULL.  Never reads past buf + len.
 */
size_t nvmx_report_scan(const char *buf, size_t len, struct nvmx_event *out, size_t max,
			struct nvmx_report_hints *hints);

#endif
