/* SPDX-License-Identifier: MIT */
/* Scratch files and directories for the io tests: made under $TMPDIR, removed at exit. */
#ifndef NVMX_IO_FIXTURE_H
#define NVMX_IO_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fx_dir[512];

/* Depth-first removal; only ever called on the directory made by fx_init. */
static void fx_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		chmod(path, 0700);
		DIR *d = opendir(path);
		if (d) {
			struct dirent *e;
			while ((e = readdir(d))) {
				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
					continue;
				char sub[1024];
				snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
				fx_rm_rf(sub);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void fx_cleanup(void)
{
	if (fx_dir[0])
		fx_rm_rf(fx_dir);
}

static inline const char *fx_init(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(fx_dir, sizeof(fx_dir), "%s/nvmx-io-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx_dir)) {
		perror("mkdtemp");
		exit(2);
	}
	atexit(fx_cleanup);
	return fx_dir;
}

/* fx_dir-relative path; a ring of buffers so a few can be live at once. */
static inline const char *fx_path(const char *rel)
{
	static char bufs[8][1024];
	static unsigned next;
	char *b = bufs[next++ % 8];
	snprintf(b, sizeof(bufs[0]), "%s/%s", fx_dir, rel);
	return b;
}

/* mkdir -p for the directories leading to rel (and rel itself when it ends in '/'). */
static inline void fx_mkdirs(const char *rel)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s/%s", fx_dir, rel);
	for (char *s = p + strlen(fx_dir) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
}

static inline const char *fx_write(const char *rel, const void *data, size_t len)
{
	fx_mkdirs(rel);
	const char *path = fx_path(rel);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(2);
	}
	return path;
}

static inline const char *fx_write_str(const char *rel, const char *text)
{
	return fx_write(rel, text, strlen(text));
}

#endif
