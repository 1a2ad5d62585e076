/* SPDX-License-Identifier: MIT */
/* nvmx explain: what the per-write analysis and the environment search share. */
#ifndef NVMX_CLI_EXPLAIN_H
#define NVMX_CLI_EXPLAIN_H

#include "cli.h"
#include "nvmx/explain.h"

/* Search and print (text) or emit (JSON value) what would make probe p fail. */
void explain_would_fail_text(const struct nvmx_probe *p, const struct nvmx_would_fail *wf);
void explain_would_fail_json(const struct nvmx_probe *p, const struct nvmx_would_fail *wf);
/* Cause keys (the library's, each once) as a JSON array. */
void json_keys(const char (*keys)[NVMX_EXPLAIN_KEY], unsigned n);

#endif
