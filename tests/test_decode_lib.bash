# SPDX-License-Identifier: MIT
# Shared by tests/test_decode*.sh (sourced; not a test itself, hence .bash): TAP output, the nvmx
# binary, a scratch directory, and section extraction from `nvmx decode`.

# $NVMX may be relative to where prove runs; pin it before moving to the top.
NVMX=${NVMX:-build/nvmx}
case $NVMX in /*) ;; */*) NVMX=$PWD/$NVMX ;; esac
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
HOSTS=data/hosts

tap_n=0
tap_fail=0
# ok STATUS DESCRIPTION: STATUS 0 passes.
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_fail=$((tap_fail + 1))
	fi
}
diag() { printf '# %s\n' "$@"; }
done_testing() {
	echo "1..$tap_n"
	[ "$tap_fail" -eq 0 ]
}

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nvmx-decode-test.XXXXXX") || exit 1
trap 'rm -rf "$SCRATCH"' EXIT

# section TEXT HEADING: the block of decode output starting at the line
# HEADING (exactly) up to the next blank line.
section() {
	printf '%s\n' "$1" | awk -v h="$2" '$0 == h { on = 1 } on && $0 == "" { exit } on { print }'
}

# has TEXT REGEX: TEXT has a line matching the extended regex.
has() { printf '%s\n' "$1" | grep -Eq -- "$2"; }
