/* SPDX-License-Identifier: MIT */
/* The running kernel's release and kvm_intel's parameters, from procfs/sysfs. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

static int read_line(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(out, (int)n, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	out[strcspn(out, "\n")] = 0;
	return 0;
}

int nvmx_live_read_kvm_params(const char *root, struct nvmx_live_kvm *out, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	struct nvmx_diag *d = io_diag_begin(diag, &scratch);
	char path[1024];
	memset(out, 0, sizeof(*out));

	snprintf(path, sizeof(path), "%s/proc/sys/kernel/osrelease", root ? root : "");
	if (read_line(path, out->release, sizeof(out->release)) < 0 || !out->release[0]) {
		io_fail_sys(d, NVMX_E_UNAVAILABLE, errno ? errno : EIO, path, 0,
			    "cannot read the kernel release: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/sys/module/kvm_intel/parameters", root ? root : "");
	DIR *dir = opendir(path);
	if (!dir) {
		io_fail_sys(d, NVMX_E_UNAVAILABLE, errno, path, 0,
			    "%s (is kvm_intel loaded? 'modprobe kvm_intel')", strerror(errno));
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(dir)) && out->nparams < NVMX_LIVE_MAX_PARAMS) {
		char file[1400];
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(out->name[0]))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		if (read_line(file, out->value[out->nparams], sizeof(out->value[0])) < 0)
			continue;
		memcpy(out->name[out->nparams], e->d_name, strlen(e->d_name) + 1);
		out->nparams++;
	}
	closedir(dir);
	return 0;
}
