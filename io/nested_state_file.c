/* SPDX-License-Identifier: MIT */
/* Reading a saved KVM_GET_NESTED_STATE blob from a file into the caller's buffer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

/* Fill err as the host readers say a file they cannot read (io_fail_read). */
static int read_fail(struct nvmx_ns_error *e, int code, const char *path, int sys, size_t cap)
{
	if (!e)
		return -1;
	struct nvmx_diag d;
	io_diag_begin(&d, NULL);
	if (code == NVMX_NS_ERR_ARG)
		io_fail(&d, NVMX_E_ARG, NULL, 0, "no file or buffer given");
	else if (sys == EFBIG)
		io_fail_sys(&d, NVMX_E_LIMIT, sys, path, 0, "larger than %zu bytes, not a nested-state blob",
			    cap);
	else
		io_fail_read(&d, NVMX_E_IO, path, sys, cap, "a nested-state blob");
	e->error = d.error;
	e->code = code;
	e->field = NULL;
	e->offset = e->width = 0;
	e->rel = NVMX_NS_REL_NONE;
	e->expected = e->found = 0;
	return -1;
}

int nvmx_nested_state_read_file(const char *path, void *buf, size_t cap, size_t *len,
				struct nvmx_ns_error *err)
{
	if (!path || !*path || !buf || !len) {
		return read_fail(err, NVMX_NS_ERR_ARG, path, 0, cap);
	}
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return read_fail(err, NVMX_NS_ERR_IO, path, errno, cap);
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (!is_stdin)
			close(fd);
		return read_fail(err, NVMX_NS_ERR_IO, path, EISDIR, cap);
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
			rc = read_fail(err, NVMX_NS_ERR_IO, path, errno, cap);
			break;
		}
		if (r == 0)
			break;
		if (full) {
			rc = read_fail(err, NVMX_NS_ERR_IO, path, EFBIG, cap);
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
		nvmx_error_clear(&err->error);
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
		if (err) {
			char *m = err->error.msg;
			size_t pl = strlen(path), room = sizeof(err->error.msg);
			if (pl + 2 < room) {
				memmove(m + pl + 2, m, room - pl - 2);
				memcpy(m, path, pl);
				m[pl] = ':';
				m[pl + 1] = ' ';
				m[room - 1] = '\0';
			}
		}
		return -1;
	}
	return 0;
}
