/* SPDX-License-Identifier: MIT */
#include "cli.h"
int cmd_kernels(int argc, char **argv) { (void)argc; (void)argv; return cli_usage_error("kernels", "not built yet"); }
