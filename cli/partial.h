/* SPDX-License-Identifier: MIT */
/*
 * Partial hosts (/proc/cpuinfo's vmx flags): the bits the input does not
 * give are held at an assumption; an answer is re-asked with them all 0 and
 * all 1, and one that changes is reported as depending on them.
 */
#ifndef NVMX_CLI_PARTIAL_H
#define NVMX_CLI_PARTIAL_H

#include <stdbool.h>
#include <stdio.h>
#include "nvmx/io.h"

/* Any unknown control or capability bit (BASIC and MISC placeholders aside). */
bool partial_has_unknown(const struct nvmx_hostfile *hf);
/* The host with its unknown control/capability bits all 1 (ones) or all 0. */
void partial_variant(const struct nvmx_hostfile *hf, bool ones, struct nvmx_host *out);
/* "IA32_VMX_PROCBASED_CTLS2 bits 35,40,..." for the unknown bits of one MSR, "" if none. */
void partial_unknown_text(const struct nvmx_hostfile *hf, enum nvmx_msr_id id, char *buf,
			  size_t size);

#endif
