/* SPDX-License-Identifier: MIT */
/* The error type every fallible call fills (include/nvmx/error.h). */
#include "nvmx/error.h"
#include "fmt.h"

static const char *const names[NVMX_E_COUNT] = {
	[NVMX_OK] = "ok", [NVMX_E_ARG] = "arg", [NVMX_E_IO] = "io", [NVMX_E_SYNTAX] = "syntax",
	[NVMX_E_VALUE] = "value", [NVMX_E_MISSING] = "missing", [NVMX_E_LIMIT] = "limit",
	[NVMX_E_UNAVAILABLE] = "unavailable", [NVMX_E_NOMEM] = "nomem",
};

const char *nvmx_errc_name(int code)
{
	return code >= 0 && code < NVMX_E_COUNT ? names[code] : 0;
}

void nvmx_error_clear(struct nvmx_error *e)
{
	if (!e)
		return;
	e->code = NVMX_OK;
	e->line = e->column = 0;
	e->sys_errno = 0;
	e->msg[0] = 0;
}

struct fmt err_begin(struct nvmx_error *e, int code)
{
	if (!e)
		return fmt_init(0, 0);
	nvmx_error_clear(e);
	e->code = code;
	return fmt_init(e->msg, sizeof(e->msg));
}
