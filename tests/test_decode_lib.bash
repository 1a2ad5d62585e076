# SPDX-License-Identifier: MIT
# Shared by tests/test_decode*.sh (sourced; not a test itself, hence .bash): tests/lib.sh
# (TAP, $nvmx, $tmp), the dumps as relative paths, and section extraction from `nvmx decode`.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$here" || exit 1
HOSTS=data/hosts

# section TEXT HEADING: the block of decode output starting at the line
# HEADING (exactly) up to the next blank line.
section() {
	printf '%s\n' "$1" | awk -v h="$2" '$0 == h { on = 1 } on && $0 == "" { exit } on { print }'
}

# has TEXT REGEX: TEXT has a line matching the extended regex.
has() { printf '%s\n' "$1" | grep -Eq -- "$2"; }
