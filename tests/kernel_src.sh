#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/kernel-src.sh without the network: usage errors exit 2 before
# anything is fetched, an archive that cannot be reached exits 3 (what
# tests/kcheck.sh turns into its one SKIP line), a destination the script did
# not make is never overwritten, and a destination that holds the pin is used
# as it is.  The real fetch is exercised by tests/kcheck.sh.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
# Every run below uses a private cache, never the user's.
NVMX_KERNEL_CACHE=$tmp/cache
export NVMX_KERNEL_CACHE
ks=scripts/kernel-src.sh

run() { # run ARGS...: status in $rc, stderr in $err, stdout in $out
	out=$("$ks" "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

run
[ "$rc" = 2 ] && echo "$err" | grep -q '^usage: kernel-src.sh LABEL \[DEST\]'
t_is $? "no argument: usage, exit 2 (got $rc)"
run debian-9.9
[ "$rc" = 2 ] && echo "$err" | grep -q "unknown label 'debian-9.9'"
t_is $? "unknown label: named, exit 2 (got $rc)"
run debian-6.1 "$tmp/a" extra
[ "$rc" = 2 ]
t_is $? "three arguments: exit 2 (got $rc)"
run --bogus
[ "$rc" = 2 ]
t_is $? "unknown option: exit 2 (got $rc)"
[ -z "$out" ] && ! [ -e "$tmp/cache" ]
t_is $? "usage errors print nothing on stdout and create no cache"

run --list
[ "$rc" = 0 ] && [ "$(echo "$out" | wc -l)" = 4 ] &&
	echo "$out" | grep -qx 'debian-6.1 linux-source-6.1=6.1.192-3 (bookworm-security)' &&
	echo "$out" | grep -qx 'debian-6.12 linux-source-6.12=6.12.118-1 (trixie-security)'
t_is $? "--list names the four pins"
run --help
[ "$rc" = 0 ] && echo "$out" | grep -q 'Exit status: 0 ok, 2 usage, 3'
t_is $? "--help prints the header with the exit statuses"

# Port 9 (discard) on the loopback refuses the connection at once.
NVMX_DEBIAN_SECURITY_MIRROR=http://127.0.0.1:9/debian-security run debian-6.12 "$tmp/t"
[ "$rc" = 3 ] && echo "$err" | grep -q 'cannot reach the trixie-security archive' && ! [ -e "$tmp/t" ]
t_is $? "archive unreachable: exit 3, no tree (got $rc)"

mkdir "$tmp/mine" && echo keep >"$tmp/mine/file"
run debian-6.1 "$tmp/mine"
[ "$rc" = 1 ] && [ "$(cat "$tmp/mine/file")" = keep ] && echo "$err" | grep -q 'not made by kernel-src.sh'
t_is $? "a directory the script did not make is left alone, exit 1 (got $rc)"

# A tree whose stamp names the pin is taken without apt (the mirror given
# here could not be reached).
mkdir "$tmp/have"
echo 'debian-6.1 linux-source-6.1 6.1.192-3 5259c57ca92092da39bd2ea803046da0e3c28f2b6a11ea20f6297468188ceb67' >"$tmp/have/.nvmx-kernel-src"
NVMX_DEBIAN_SECURITY_MIRROR=http://127.0.0.1:9/debian-security run debian-6.1 "$tmp/have"
[ "$rc" = 0 ] && [ "$out" = "$tmp/have" ]
t_is $? "a tree stamped with the pin is used offline, its path printed (got $rc)"
# ... and one stamped with another version is fetched again.
echo 'debian-6.1 linux-source-6.1 6.1.191-1 0' >"$tmp/have/.nvmx-kernel-src"
NVMX_DEBIAN_SECURITY_MIRROR=file:///nonexistent run debian-6.1 "$tmp/have"
[ "$rc" = 3 ]
t_is $? "a tree stamped with another version is refetched (exit 3 here, got $rc)"

t_done
