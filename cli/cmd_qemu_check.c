/* SPDX-License-Identifier: MIT */
/* nvmx qemu-check: would QEMU -cpu MODEL start on a host under a KVM release. */
#include "cli.h"

int cmd_qemu_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("qemu-check", "not implemented yet");
}
