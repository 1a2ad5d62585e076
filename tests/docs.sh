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

# ... and where a reader of that command looks: its SYNOPSIS lines and its entry
# under COMMANDS, or what the entry refers to ("the options of derive", FLEET
# OPTIONS) or DESCRIPTION says of every command (--json).  Old spellings
# ("also --x" in --help) need only be somewhere (above).
python3 - "$nvmx" docs/nvmx.1 >"$tmp/mansec" <<'PY'
import re, subprocess, sys
nvmx, man = sys.argv[1], sys.argv[2]
src = open(man).read()
lines = src.split("\n")
cmds = [l.split()[0] for l in subprocess.run([nvmx, "--help"], capture_output=True, text=True).stdout.split("\n")
        if re.match(r"^  [a-z]", l)]
def part(start):
    i = src.find(start)
    return src[i:src.find("\n.SH ", i + 1)].replace("\\-", "-") if i >= 0 else ""
start = lines.index(".SH COMMANDS")
end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(".SH "))
sec, cur, depth = {}, None, 0
for i in range(start + 1, end):	# an entry: ".TP" then ".B[I] COMMAND ..." outside .RS/.RE
    l = lines[i]
    depth += l.startswith(".RS") - l.startswith(".RE")
    if depth == 0 and lines[i - 1] == ".TP" and l.startswith(".B"):
        m = re.match(r'\.BI?\s+"?([a-z][a-z\\-]*)', l)
        if m and m.group(1).replace("\\-", "-") in cmds:
            cur = m.group(1).replace("\\-", "-")
    if cur:
        sec.setdefault(cur, []).append(l)
for m in re.finditer(r'^\.SY "nvmx ([a-z-]+)"\n(.*?)^\.YS', src, re.M | re.S):
    sec.setdefault(m.group(1), []).append(m.group(2))
text = {c: "\n".join(v).replace("\\-", "-") for c, v in sec.items()}
fleet, common = part('.I "FLEET OPTIONS"'), part(".SH DESCRIPTION")
def doc(c, seen=()):
    t = text.get(c, "") + (fleet if "FLEET OPTIONS" in text.get(c, "") else "")
    for r in set(re.findall(r"options of\s*\n?\.BR?\s+([a-z-]+)", text.get(c, ""))) - set(seen) - {c}:
        t += doc(r, seen + (c,))
    return t
for c in cmds:
    h = subprocess.run([nvmx, c, "--help"], capture_output=True, text=True).stdout
    names = re.findall(r"^  (--[a-z0-9-]+)", h[h.find("\noptions"):], re.M)
    t = doc(c) + common
    miss = [o for o in names if not re.search(re.escape(o) + r"(?![a-z0-9-])", t)]
    print(c, len(text.get(c, "")), len(names), " ".join(miss) or "-")
PY
t_is $? "the man page's entries were read"
while read -r c len n missing; do
	[ "$len" -gt 100 ] && [ "$missing" = - ]
	st=$?
	[ "$missing" = - ] && missing=
	t_is $st "nvmx $c: its man page entry documents its $n options${missing:+, missing: $missing}"
done <"$tmp/mansec"

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
