#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The documents stay true to the program: the man page covers every command
# `nvmx --help` lists and renders cleanly, and README's commands point at real
# files and are what CI runs.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2

cmds=$("$nvmx" --help | awk '/^  [a-z]/ { print $1 }')
[ -n "$cmds" ]
t_is $? "nvmx --help lists commands: $(echo "$cmds" | tr '\n' ' ')"
for c in $cmds; do
	grep -q "^\.SY \"nvmx $c\"" docs/nvmx.1
	t_is $? "man page synopsis has nvmx $c"
	grep -q "^### nvmx $c\$" README.md
	t_is $? "README has a section for nvmx $c"
done

# Every option a command's --help names is in the man page (as \-\-name).
for c in $cmds; do
	missing=""
	for o in $("$nvmx" "$c" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" docs/nvmx.1 || missing="$missing $o"
	done
	[ -z "$missing" ]
	t_is $? "the man page has every option of 'nvmx $c --help'${missing:+, missing:$missing}"
done

for code in 0 1 2 3; do
	sed -n '/^\.SH "EXIT STATUS"/,/^\.SH FILES/p' docs/nvmx.1 | grep -q "^\.B $code\$"
	t_is $? "man page documents exit status $code"
done

if command -v groff >/dev/null 2>&1; then
	out=$(groff -man -Tutf8 -ww -z docs/nvmx.1 2>&1)
	[ -z "$out" ]
	t_is $? "groff renders docs/nvmx.1 without warnings${out:+: $out}"
else
	t_skip "groff not installed"
fi

host=$(sed -n 's/.*make && build\/nvmx derive \([^ ]*\) .*/\1/p' README.md | head -n 1)
[ -n "$host" ] && [ -f "$host" ]
t_is $? "README's first command uses an existing dump (${host:-none})"
grep -q "^name = Intel Xeon Platinum 8180\$" "${host:-/dev/null}"
t_is $? "that dump is the Skylake-SP Xeon Platinum 8180"

test_cmd=$(grep -m1 '^scripts/install-deps.sh && make test-all$' README.md)
[ -n "$test_cmd" ] && grep -qx "$test_cmd" .ci/run
t_is $? ".ci/run runs README's test command"
[ -x .ci/run ] && [ -x scripts/install-deps.sh ] && head -n 1 .ci/run | grep -qx '#!/usr/bin/env bash'
t_is $? ".ci/run and scripts/install-deps.sh are executable, .ci/run is bash"

# prove runs each tests/*.sh as a program: a clean clone must have them executable
# (git's mode, not the working tree's; lib.sh is sourced, not run)
if git -C "$here" rev-parse --git-dir >/dev/null 2>&1; then
	notx=$(git -C "$here" ls-files -s -- 'tests/*.sh' | awk '$1 != "100755" && $4 != "tests/lib.sh" { print $4 }')
	t_ok "every test script is executable in git (${notx:-all are})" [ -z "$notx" ]
else
	t_skip "not a git checkout: the scripts' git modes cannot be read"
fi

t_done
