/* SPDX-License-Identifier: MIT */
/* Reading a saved KVM_GET_NESTED_STATE blob from a file into the caller's buffer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "nvmx/nested_state.h"

static int io_fail(struct nvmx_ns_error *e, const char *path, int sys, const char *what)
{
	if (!e)
		return -1;
	e->code = NVMX_NS_ERR_IO;
	e->field = NULL;
	e->offset = e->width = 0;
	e->rel = NVMX_NS_REL_NONE;
	e->expected = e->found = 0;
	e->sys_errno = sys;
	if (e->msg && e->msg_size)
		snprintf(e->msg, e->msg_size, "%s: %s%s%s", path ? path : "<no path>", what,
			 sys ? ": " : "", sys ? strerror(sys) : "");
	return -1;
}

int nvmx_nested_state_read_file(const char *path, void *buf, size_t cap, size_t *len,
				struct nvmx_ns_error *err)
{
	if (!path || !*path || !buf || !len) {
		io_fail(err, path, 0, "no file or buffer given");
		if (err)
			err->code = NVMX_NS_ERR_ARG;
		return -1;
	}
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_fail(err, path, errno, "cannot open");
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (!is_stdin)
			close(fd);
		return io_fail(err, path, EISDIR, "cannot read");
	}

	unsigned char *p = buf;
	size_t n = 0;
	int rc = 0;
	for (;;) {
		/* One byte past cap tells "exactly cap" from "larger than cap". */
		unsigned char probe;
		bool full = n == cap;
		ssize_t r = full ? read(fd, &probe, 1) : read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = io_fail(err, path, errno, "read failed");
			break;
		}
		if (r == 0)
			break;
		if (full) {
			char what[96];
			snprintf(what, sizeof(what), "larger than %zu bytes, not a nested-state blob",
				 cap);
			rc = io_fail(err, path, EFBIG, what);
			break;
		}
		n += (size_t)r;
	}
	if (!is_stdin)
		close(fd);
	if (rc)
		return rc;
	*len = n;
	if (err) {
		err->code = NVMX_NS_OK;
		err->field = NULL;
		err->sys_errno = 0;
		if (err->msg && err->msg_size)
			err->msg[0] = '\0';
	}
	return 0;
}

int nvmx_nested_state_load(const char *path, void *buf, size_t cap,
			   struct nvmx_nested_state *out, struct nvmx_ns_error *err)
{
	size_t len = 0;
	if (nvmx_nested_state_read_file(path, buf, cap, &len, err) < 0)
		return -1;
	if (nvmx_nested_state_parse(buf, len, out, err) < 0) {
		/* Prefix the path so the message says which file. */
		if (err && err->msg && err->msg_size) {
			char tmp[512];
			snprintf(tmp, sizeof(tmp), "%s", err->msg);
			snprintf(err->msg, err->msg_size, "%s: %s", path, tmp);
		}
		return -1;
	}
	return 0;
}
