/* SPDX-License-Identifier: MIT */
#include "cli.h"
int cmd_restore(int argc, char **argv) { (void)argc; (void)argv; return cli_usage_error("restore", "not built yet"); }
