/* SPDX-License-Identifier: MIT */
/*
 * Partial hosts (/proc/cpuinfo's vmx flags, vmxcap output, libvirt XML) in
 * the commands: what the input leaves unknown, as the library's
 * nvmx_unknown, and the words every command uses for an answer that
 * depends on it (nvmx_partial_search decides).
 */
#ifndef NVMX_CLI_PARTIAL_H
#define NVMX_CLI_PARTIAL_H

#include <stdbool.h>
#include <stdio.h>
#include "nvmx/io.h"
#include "nvmx/partial.h"

/* The unknown bits and features of a host file (none for a complete one). */
void partial_unknowns(const struct nvmx_hostfile *hf, struct nvmx_unknown *u);
/* Any unknown bit of a present MSR or unknown feature. */
bool partial_has_unknown(const struct nvmx_hostfile *hf);
/* The host with its unknown control/capability bits and features all 1 (ones) or all 0. */
void partial_variant(const struct nvmx_hostfile *hf, bool ones, struct nvmx_host *out);
/* "IA32_VMX_PROCBASED_CTLS2 bits 35,40,..." for the unknown bits of one MSR, "" if none. */
void partial_unknown_text(const struct nvmx_hostfile *hf, enum nvmx_msr_id id, char *buf,
			  size_t size);
/*
 * The bits that decide, in words: "IA32_VMX_BASIC bit 56; feature shstk"
 * (prefix before each side's list, e.g. "source " / "destination ").
 */
void partial_decide_text(const struct nvmx_partial_result *r, bool two_sides, char *buf,
			 size_t size);
/* The same as a JSON array: [{"side":"source","msr":"IA32_VMX_BASIC","bits":[56]},...]. */
void partial_decide_json(FILE *f, const struct nvmx_partial_result *r, bool two_sides);
/*
 * A "partial_host" value: null when no input is partial, else the search
 * ({"not_proven":..,"unknown_bits":..,"completions":..,"exhaustive":..,"deciding":[..]}).
 */
void partial_host_json(FILE *f, bool partial, bool not_proven, const struct nvmx_partial_result *r,
		       bool two_sides);

#endif
