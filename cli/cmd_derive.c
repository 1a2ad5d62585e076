/* SPDX-License-Identifier: MIT */
#include "cli.h"
int cmd_derive(int argc, char **argv) { (void)argc; (void)argv; return cli_usage_error("derive", "not built yet"); }
