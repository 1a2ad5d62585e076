/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "datadir.h"

const char *cli_dumps_dir;

static bool is_dir(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISREG(st.st_mode);
}

const char *cli_hosts_dir(char *buf, size_t n)
{
	const char *env = getenv("NVMX_DATA");
	if (cli_dumps_dir) {
		snprintf(buf, n, "%s", cli_dumps_dir);
		return buf;
	}
	if (env && *env) {
		snprintf(buf, n, "%s/hosts", env);
		if (is_dir(buf))
			return buf;
	}
	/* Relative to the binary: PREFIX/bin/nvmx or a source tree's build/nvmx. */
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return NULL;
	exe[len] = 0;
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	static const char *const rel[] = { "../share/nvmx/hosts", "../data/hosts" };
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(buf, n, "%s/%s", exe, rel[i]);
		if (is_dir(buf))
			return buf;
	}
	return NULL;
}

const char *cli_find_dump(const char *name, char *buf, size_t n)
{
	char dir[4096];
	if (!*name || strchr(name, '/') || !cli_hosts_dir(dir, sizeof(dir)))
		return NULL;
	snprintf(buf, n, "%s/%s", dir, name);
	if (is_file(buf))
		return buf;
	snprintf(buf, n, "%s/%s.msrs", dir, name);
	return is_file(buf) ? buf : NULL;
}
