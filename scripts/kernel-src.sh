#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fetch one of Debian's kernel source packages at a pinned version and
# extract only the parts of the tree the kernel harness (kharness/) reads.
#
#   scripts/kernel-src.sh LABEL [DEST]   fetch and extract; prints the tree's path
#   scripts/kernel-src.sh --list         the labels and their pinned packages
#   scripts/kernel-src.sh --help
#
# LABEL is one of the pins below (debian-5.10, debian-6.1, debian-6.12,
# debian-7.2).  DEST defaults to $NVMX_KERNEL_CACHE/LABEL, where
# NVMX_KERNEL_CACHE defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/nvmx/kernels.
# A DEST that already holds that pin (its .nvmx-kernel-src stamp says so) is
# used as it is, without any network access.
#
# apt runs with a private configuration under NVMX_KERNEL_CACHE/.apt/LABEL:
# its own sources list (the one suite of the pin), state, cache and lock
# files, and none of the machine's apt.conf.d parts; the machine's own apt
# configuration is only read, to learn which Debian archive URIs it uses
# (NVMX_DEBIAN_MIRROR and NVMX_DEBIAN_SECURITY_MIRROR override them;
# NVMX_DEBIAN_KEYRING the archive keyring).  Works without root.  The
# package's SHA-256 is pinned too: a package that changed is refused.
#
# Exit status: 0 ok, 2 usage, 3 the archive cannot be reached (no network,
# or no Debian archive known), 4 the pinned version is no longer published,
# 1 anything else.
set -eu

me=kernel-src.sh

# label package version suite archive(debian|security) sha256
pins='debian-5.10 linux-source-5.10 5.10.262-1 bullseye-security security 4f01148344ca9e5c1c9743ab4a084cf61c437548f803443ccc044602278b52bc
debian-6.1 linux-source-6.1 6.1.192-3 bookworm-security security 5259c57ca92092da39bd2ea803046da0e3c28f2b6a11ea20f6297468188ceb67
debian-6.12 linux-source-6.12 6.12.118-1 trixie-security security b75bb2e78a5c7762254e2af7685085c788a67eb342cb4092ad2a05eaf9fc33b7
debian-7.2 linux-source-7.2 7.2.13-1 unstable debian 30a8c5fc63f9028a62e6d7b3f7f43bee67425dbce2a05fceba83f9b87c92083d'

# The parts of the tree the harness compiles or includes (paths under the
# tarball's top directory).  Everything else (drivers, other arches, docs)
# is skipped, which keeps the tree near 60 MB instead of 1.4 GB.
parts='Makefile arch/x86/kvm arch/x86/include include virt/kvm'

usage() {
	echo "usage: $me LABEL [DEST] | --list | --help (labels: $(echo "$pins" | cut -d' ' -f1 | tr '\n' ' '))" >&2
	exit 2
}

die() { # die STATUS MESSAGE
	echo "$me: $2" >&2
	exit "$1"
}

case "${1-}" in
-h | --help)
	sed -n '4,/^[^#]/{/^#/s/^# \{0,1\}//p;}' "$0"
	exit 0
	;;
--list)
	[ $# -eq 1 ] || usage
	echo "$pins" | awk '{ print $1 " " $2 "=" $3 " (" $4 ")" }'
	exit 0
	;;
'' | -*) usage ;;
esac
[ $# -le 2 ] || usage
label=$1
dest=${2-}
pin=$(echo "$pins" | awk -v l="$label" '$1 == l')
[ -n "$pin" ] || {
	echo "$me: unknown label '$label'" >&2
	usage
}
# shellcheck disable=SC2086 # the pin line is meant to split into words
set -- $pin
pkg=$2 ver=$3 suite=$4 archive=$5 sha=$6

base=${NVMX_KERNEL_CACHE:-${XDG_CACHE_HOME:-${HOME:?}/.cache}/nvmx/kernels}
[ -n "$dest" ] || dest=$base/$label
stamp="$label $pkg $ver $sha"

if [ -f "$dest/.nvmx-kernel-src" ] && [ "$(cat "$dest/.nvmx-kernel-src")" = "$stamp" ]; then
	echo "$dest"
	exit 0
fi
if [ -e "$dest" ] && ! [ -f "$dest/.nvmx-kernel-src" ] && [ -n "$(ls -A "$dest" 2>/dev/null || echo x)" ]; then
	die 1 "$dest exists and was not made by $me; not overwriting it"
fi

for tool in apt-get apt-cache dpkg-deb tar xz sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die 1 "needs $tool (Debian packages apt, dpkg, tar, xz-utils, coreutils)"
done

# Which Debian archives this machine uses, read from its apt configuration.
uri_for() { # uri_for LABEL-OF-RELEASE-FILE
	# shellcheck disable=SC2016 # $(...) here is apt's field syntax
	apt-get indextargets --format '$(LABEL) $(REPO_URI)' 'Created-By: Packages' 2>/dev/null |
		awk -v l="$1" '$1 == l { print $2; exit }'
}
if [ "$archive" = security ]; then
	uri=${NVMX_DEBIAN_SECURITY_MIRROR:-$(uri_for Debian-Security)}
	var=NVMX_DEBIAN_SECURITY_MIRROR
else
	uri=${NVMX_DEBIAN_MIRROR:-$(uri_for Debian)}
	var=NVMX_DEBIAN_MIRROR
fi
[ -n "$uri" ] || die 3 "no Debian archive in this machine's apt sources; set $var to one"
keyring=${NVMX_DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
[ -r "$keyring" ] || die 1 "no Debian archive keyring at $keyring (package debian-archive-keyring; or set NVMX_DEBIAN_KEYRING)"

apt=$base/.apt/$label
mkdir -p "$apt/etc/empty" "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/debs" ||
	die 1 "cannot create $apt"
: >"$apt/state/status"
echo "deb [signed-by=$keyring] $uri $suite main" >"$apt/etc/sources.list"
# Valid-Until is not checked: the version and its hash are pinned, the
# signature still is, and a frozen mirror would otherwise count as gone.
cat >"$apt/apt.conf" <<EOF
Dir::Etc "$apt/etc";
Dir::Etc::sourcelist "$apt/etc/sources.list";
Dir::Etc::sourceparts "$apt/etc/empty";
Dir::Etc::parts "$apt/etc/empty";
Dir::Etc::preferences "$apt/etc/empty/none";
Dir::Etc::preferencesparts "$apt/etc/empty";
Dir::Etc::trusted "$apt/etc/empty/none.gpg";
Dir::Etc::trustedparts "$apt/etc/empty";
Dir::State "$apt/state";
Dir::State::status "$apt/state/status";
Dir::Cache "$apt/cache";
Dir::Log "$apt/state";
APT::Sandbox::User "$(id -un)";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
EOF
export APT_CONFIG="$apt/apt.conf"

deb=$apt/debs/${pkg}_${ver}_all.deb
have_deb() { [ -f "$deb" ] && echo "$sha  $deb" | sha256sum -c --status; }

if ! have_deb; then
	echo "$me: $pkg=$ver from $suite" >&2
	if ! apt-get -q update >"$apt/update.log" 2>&1 ||
		grep -q '^\(E:\|Err:\|W: Failed to fetch\)' "$apt/update.log"; then
		sed 's/^/  /' "$apt/update.log" >&2
		die 3 "cannot reach the $suite archive"
	fi
	if ! apt-cache madison "$pkg" 2>/dev/null | awk '{ print $3 }' | grep -qx -- "$ver"; then
		now=$(apt-cache madison "$pkg" 2>/dev/null | awk '{ print $3 }' | tr '\n' ' ')
		die 4 "$pkg $ver is no longer in $suite (it has: ${now:-nothing}); update the pin in $0"
	fi
	rm -f "$deb"
	if ! (cd "$apt/debs" && apt-get -q download "$pkg=$ver") >"$apt/download.log" 2>&1; then
		sed 's/^/  /' "$apt/download.log" >&2
		die 3 "cannot download $pkg=$ver"
	fi
	have_deb || die 1 "$deb: SHA-256 is not the pinned $sha; refusing it"
fi

# Extract into a scratch directory beside DEST, then move it into place, so
# an interrupted run never leaves a half tree that looks complete.
top=usr/src/$pkg.tar.xz
parent=$(dirname "$dest")
mkdir -p "$parent" || die 1 "cannot create $parent"
tmp=$(mktemp -d "$parent/.kernel-src.XXXXXX") || die 1 "cannot create a directory in $parent"
trap 'rm -rf "$tmp"' EXIT INT TERM
globs=
for p in $parts; do
	globs="$globs $pkg/$p"
done
set -f
# shellcheck disable=SC2086 # the names are meant to split into words
if ! dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$top" | xz -dc -T2 |
	tar -x -C "$tmp" $globs 2>"$tmp/tar.err"; then
	set +f
	# tar fails on a name it did not find: a tree of another layout.
	sed 's/^/  /' "$tmp/tar.err" >&2
	die 1 "cannot extract $top from $deb"
fi
set +f
[ -d "$tmp/$pkg/arch/x86/kvm" ] || die 1 "$top has no arch/x86/kvm"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/share/doc/$pkg/changelog.Debian.gz" >"$tmp/$pkg/.debian-changelog.gz" ||
	die 1 "cannot extract the Debian changelog from $deb"
echo "$stamp" >"$tmp/$pkg/.nvmx-kernel-src"
# The tree and its stamp are what is kept; the package and the indexes
# (close to 200 MB for unstable) are fetched again if the tree is removed.
rm -rf "$deb" "$apt/state/lists" "$apt/cache"
rm -rf "$dest"
mv "$tmp/$pkg" "$dest" || die 1 "cannot move the tree to $dest"
echo "$dest"
