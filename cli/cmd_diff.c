/* SPDX-License-Identifier: MIT */
#include "cli.h"
/* placeholder until the diff work lands */
int cmd_diff(int argc, char **argv) { (void)argc; (void)argv; return cli_usage_error("diff", "not built yet"); }
