/* SPDX-License-Identifier: MIT */
/* nvmx kernels: the supported releases and what changed in each. */
#include <string.h>
#include "cli.h"

int cmd_kernels(int argc, char **argv)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			return cli_usage_error("kernels", "unknown argument '%s'", argv[i]);
	}
	if (json)
		putchar('[');
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (json) {
			printf("%s{\"name\":", i ? "," : "");
			cli_json_str(stdout, nvmx_kernel_name(k));
			printf(",\"params\":[");
			bool first = true;
			for (int p = 0; p < NVMX_P_COUNT; p++)
				if (nvmx_kernel_has_param(k, (enum nvmx_param)p)) {
					printf("%s\"%s\"", first ? "" : ",", nvmx_param_name((enum nvmx_param)p));
					first = false;
				}
			printf("],\"changes\":");
			cli_json_str(stdout, nvmx_kernel_summary(k));
			putchar('}');
		} else {
			printf("%-8s %s\n", nvmx_kernel_name(k), nvmx_kernel_summary(k));
		}
	}
	if (json)
		printf("]\n");
	return EXIT_OK;
}
