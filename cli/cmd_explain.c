/* SPDX-License-Identifier: MIT */
/* nvmx explain: why KVM rejects a VMX MSR value QEMU wrote. */
#include "cli.h"

int cmd_explain(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("explain", "not implemented yet");
}
