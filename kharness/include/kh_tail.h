/* SPDX-License-Identifier: GPL-2.0-only */
/* kh_tail.h: the harness's own code that lives in the kernel code's translation unit. */
#include "kh_run.h"
#include "kh_features.h"
#include "runtime.c"
#include "glue.c"
#include "json.c"
#include "kinds.h"
