#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Make sure what `make`, `make test` and `make test-all` need is installed:
# a C compiler with libc headers and make, perl's prove (TAP runner),
# python3 (the conformance checker, the kernel harness), xz and dpkg-deb
# (scripts/kernel-src.sh unpacks Debian's kernel sources), valgrind, and
# clang with its libFuzzer runtime (libclang-rt-N-dev: the fuzz targets).
#
# Installs with apt-get only what is missing, and only when running as root
# on a system that has apt-get.  Otherwise prints what is missing and the
# command that would install it, and fails, so `install-deps.sh && make`
# stops early instead of failing halfway through a build.
#
#   scripts/install-deps.sh           check, install what is missing
#   scripts/install-deps.sh --check   check only; exit 1 if anything is missing
#   scripts/install-deps.sh --browser also Chromium, for tests/report_browser.sh
#                                     (about 120 MB to download, 410 MB installed,
#                                     so not by default: that test skips without it)
set -eu

check_only=0
browser=0
for arg in "$@"; do
	case "$arg" in
	--check) check_only=1 ;;
	--browser) browser=1 ;;
	-h | --help)
		# The header comment, from after the licence line to the first code line.
		sed -n '4,/^[^#]/{/^#/s/^# \{0,1\}//p;}' "$0"
		exit 0
		;;
	*)
		echo "install-deps.sh: unknown option '$arg' (try --help)" >&2
		exit 2
		;;
	esac
done

missing_pkgs=""
missing_what=""

need() { # need PACKAGE WHAT
	case " $missing_pkgs " in
	*" $1 "*) ;;
	*) missing_pkgs="$missing_pkgs $1" ;;
	esac
	missing_what="$missing_what
  - $2 (Debian package $1)"
}

have() { command -v "$1" >/dev/null 2>&1; }

# A compiler alone is not enough: without libc headers nothing builds.
cc_works() {
	have "${CC:-cc}" || return 1
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmx-deps.XXXXXX") || return 1
	printf '#include <stdio.h>\nint main(void) { return puts("") < 0; }\n' >"$tmp/t.c"
	ok=0
	"${CC:-cc}" -o "$tmp/t" "$tmp/t.c" >/dev/null 2>&1 || ok=1
	rm -rf "$tmp"
	return $ok
}

scan() {
	missing_pkgs=""
	missing_what=""
	cc_works || need build-essential "a working C compiler and libc headers (${CC:-cc})"
	have gcc || need build-essential "gcc (make test-asan builds with it)"
	have make || need build-essential "make"
	have prove || need perl "prove, the TAP test runner"
	have python3 || need python3 "python3, for the conformance checker and the kernel harness"
	have xz || need xz-utils "xz, for scripts/kernel-src.sh (Debian's kernel source tarballs)"
	have dpkg-deb || need dpkg "dpkg-deb, for scripts/kernel-src.sh"
	[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] ||
		need debian-archive-keyring "Debian's archive keys, for scripts/kernel-src.sh"
	have valgrind || need valgrind "valgrind"
	have clang || need clang "clang, for the libFuzzer targets"
	if [ "$browser" = 1 ]; then
		have chromium || have chromium-browser || need chromium "chromium, for tests/report_browser.sh"
	fi
	if have clang && ! fuzzer_links; then
		need "$(fuzzer_rt_pkg)" "clang's libFuzzer runtime (-fsanitize=fuzzer)"
	fi
}

# Debian ships libFuzzer in libclang-rt-N-dev, only recommended by clang-N.
fuzzer_links() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmx-deps.XXXXXX") || return 1
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$tmp/f.c"
	ok=0
	clang -fsanitize=fuzzer,address,undefined -o "$tmp/f" "$tmp/f.c" >/dev/null 2>&1 || ok=1
	rm -rf "$tmp"
	return $ok
}

fuzzer_rt_pkg() {
	echo "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
}

scan
if [ -z "$missing_pkgs" ]; then
	echo "install-deps.sh: all build and test dependencies are present"
	exit 0
fi

echo "install-deps.sh: missing:$missing_what" >&2
if [ "$check_only" = 1 ]; then
	exit 1
fi
if ! have apt-get; then
	echo "install-deps.sh: no apt-get here; install the tools above with your package manager" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: not root; to install them run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing_pkgs" >&2
	exit 1
fi

echo "install-deps.sh: installing:$missing_pkgs"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086 # the package list is meant to split into words
apt-get install -y --no-install-recommends $missing_pkgs

scan
if [ -n "$missing_pkgs" ]; then
	echo "install-deps.sh: still missing after installing:$missing_what" >&2
	exit 1
fi
echo "install-deps.sh: all build and test dependencies are present"
