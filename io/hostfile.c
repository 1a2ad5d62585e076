/* SPDX-License-Identifier: MIT */
/* Reading a host dump from disk, and the bits every reader shares. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

/* Dumps are a few KiB; anything far larger is not a dump and is refused early. */
#define HOSTFILE_MAX_BYTES (4u << 20)

struct nvmx_diag *io_diag_begin(struct nvmx_diag *d, struct nvmx_diag *scratch)
{
	if (!d)
		d = scratch;
	nvmx_error_clear(&d->error);
	d->nwarn = 0;
	return d;
}

static void fail(struct nvmx_diag *d, int code, int sys_errno, const char *path, unsigned line,
		 unsigned col, const char *fmt, va_list ap)
{
	struct nvmx_error *e = &d->error;
	/* The first error is the one worth reporting; later ones are fallout. */
	if (e->code != NVMX_OK)
		return;
	e->code = code;
	e->line = line;
	e->column = col;
	e->sys_errno = sys_errno;
	int n = 0;
	if (path && line && col)
		n = snprintf(e->msg, sizeof(e->msg), "%s:%u:%u: ", path, line, col);
	else if (path && line)
		n = snprintf(e->msg, sizeof(e->msg), "%s:%u: ", path, line);
	else if (path)
		n = snprintf(e->msg, sizeof(e->msg), "%s: ", path);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(e->msg))
		vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
}

void io_fail(struct nvmx_diag *d, int code, const char *path, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail(d, code, 0, path, line, 0, fmt, ap);
	va_end(ap);
}

void io_fail_sys(struct nvmx_diag *d, int code, int sys_errno, const char *path, unsigned line,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail(d, code, sys_errno, path, line, 0, fmt, ap);
	va_end(ap);
}

void io_fail_from(struct nvmx_diag *d, const struct nvmx_error *e)
{
	if (d->error.code == NVMX_OK)
		d->error = *e;
}

void io_fail_col(struct nvmx_diag *d, int code, const char *path, unsigned line, unsigned col,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail(d, code, 0, path, line, col, fmt, ap);
	va_end(ap);
}

void io_warn(struct nvmx_diag *d, const char *fmt, ...)
{
	va_list ap;
	unsigned i = d->nwarn++;
	if (i >= NVMX_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(d->warn[i], sizeof(d->warn[i]), fmt, ap);
	va_end(ap);
}

void io_fail_read(struct nvmx_diag *d, int code, const char *path, int err, size_t max,
		  const char *what)
{
	if (err == ENOENT)
		io_fail_sys(d, code, err, path, 0, "no such file");
	else if (err == EACCES || err == EPERM)
		io_fail_sys(d, code, err, path, 0, "permission denied");
	else if (err == EISDIR)
		io_fail_sys(d, code, err, path, 0, "is a directory, not %s", what);
	else if (err == EFBIG)
		io_fail_sys(d, code == NVMX_E_IO ? NVMX_E_LIMIT : code, err, path, 0,
			    "larger than %zu MiB, not %s", max >> 20, what);
	else
		io_fail_sys(d, code, err, path, 0, "cannot read: %s", strerror(err));
}

const char *io_label(const char *path)
{
	return path && *path ? path : "<input>";
}

int io_copy(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

void io_hostfile_init(struct nvmx_hostfile *h, const char *path)
{
	memset(h, 0, sizeof(*h));
	if (!path)
		return;
	/* An over-long path is kept truncated: it only labels messages. */
	size_t plen = strlen(path);
	if (plen >= sizeof(h->path))
		plen = sizeof(h->path) - 1;
	memcpy(h->path, path, plen);
	h->path[plen] = '\0';
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".msrs"))
		n -= 5;
	if (n >= sizeof(h->name))
		n = sizeof(h->name) - 1;
	memcpy(h->name, base, n);
	h->name[n] = '\0';
}

uint64_t io_features_from_text(const char *s, size_t len)
{
	return nvmx_features_from_text(s, len);
}

void io_features_from_flags(struct nvmx_hostfile *h)
{
	h->host.features = io_features_from_text(h->flags, strlen(h->flags));
}

size_t io_utf8_seq(const unsigned char *p, size_t n)
{
	if (!n)
		return 0;
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned min, cp;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

char *io_read_all(const char *path, size_t max, size_t *len, int *err)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	char *buf = NULL;
	if (fd < 0) {
		*err = errno;
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		*err = EISDIR;
		goto out;
	}
	/* /proc files report size 0, so grow as the data comes rather than trust st_size. */
	size_t cap = 8192, n = 0;
	buf = malloc(cap + 1);
	if (!buf) {
		*err = ENOMEM;
		goto out;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				*err = EFBIG;
				goto fail;
			}
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				*err = ENOMEM;
				goto fail;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	*err = 0;
	goto out;
fail:
	free(buf);
	buf = NULL;
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return buf;
}

int nvmx_hostfile_read(const char *path, struct nvmx_hostfile *out, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	diag = io_diag_begin(diag, &scratch);
	if (!path || !*path) {
		io_fail(diag, NVMX_E_ARG, NULL, 0, "no host file given");
		return -1;
	}
	size_t len;
	int err;
	char *buf = io_read_all(path, HOSTFILE_MAX_BYTES, &len, &err);
	if (!buf) {
		io_fail_read(diag, NVMX_E_IO, path, err, HOSTFILE_MAX_BYTES, "a host dump");
		return -1;
	}
	/* "-" reads standard input; give it a readable label and no base name. */
	const char *label = strcmp(path, "-") ? path : "<stdin>";
	size_t i = len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	int rc;
	if (i < len && buf[i] == '{')
		rc = nvmx_hostfile_parse_json(label, buf, len, out, diag);
	else if (len - i > 10 && !memcmp(buf + i, "processor", 9) && (buf[i + 9] == '\t' || buf[i + 9] == ' ')) {
		/* /proc/cpuinfo: a partial host from its vmx flags line. */
		rc = io_parse_cpuinfo(label, buf, len, out, diag);
	} else if (io_is_virsh_xml(buf + i, len - i))
		rc = io_parse_virsh_xml(label, buf, len, out, diag);
	else if (io_is_vmxcap(buf, len))
		rc = io_parse_vmxcap(label, buf, len, out, diag);
	else
		rc = nvmx_hostfile_parse_text(label, buf, len, out, diag);
	free(buf);
	return rc;
}
