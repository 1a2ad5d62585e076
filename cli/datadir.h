/* SPDX-License-Identifier: MIT */
/*
 * Where the bundled processor dumps are, from any working directory:
 * `--dumps DIR` (any command), then $NVMX_DATA/hosts, then the installed
 * PREFIX/share/nvmx/hosts next to the binary (PREFIX/bin/nvmx), then a
 * source tree's data/hosts next to build/nvmx.
 */
#ifndef NVMX_DATADIR_H
#define NVMX_DATADIR_H

#include <stddef.h>

/* Set by main from `--dumps DIR`. */
extern const char *cli_dumps_dir;

/* The dumps directory (the first of the above that exists), or NULL. */
const char *cli_hosts_dir(char *buf, size_t n);
/*
 * A host argument that is not a file here and has no '/': the bundled dump
 * of that name (NAME or NAME.msrs) into buf.  NULL when there is none.
 */
const char *cli_find_dump(const char *name, char *buf, size_t n);

#endif
