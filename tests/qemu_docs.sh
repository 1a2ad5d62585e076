#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# docs/qemu.md stays true: every "$ nvmx ..." line in its console blocks is
# run, its exit status must be the one in the trailing "# exit N", and the
# lines quoted under it must be what it prints -- runs of quoted lines
# contiguous and in order, a "..." line standing for any lines left out and
# a line ending in "..." for any line that starts the same.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
doc=docs/qemu.md

# Split the console blocks into one directory per command: cmd, want.
python3 - "$doc" "$tmp" <<'EOF'
import os, sys
doc, out = sys.argv[1], sys.argv[2]
n, inside, cur = 0, False, None
for line in open(doc, encoding="utf-8").read().split("\n"):
    if line.startswith("```console"):
        inside = True
        continue
    if inside and line.startswith("```"):
        inside, cur = False, None
        continue
    if not inside:
        continue
    if line.startswith("$ "):
        n += 1
        cur = os.path.join(out, "%03d" % n)
        os.mkdir(cur)
        open(os.path.join(cur, "cmd"), "w").write(line[2:] + "\n")
        open(os.path.join(cur, "want"), "w").close()
    elif cur:
        with open(os.path.join(cur, "want"), "a") as f:
            f.write(line + "\n")
EOF


count=0
for d in "$tmp"/*/; do
	[ -f "$d/cmd" ] || continue
	count=$((count + 1))
	cmd=$(cat "$d/cmd")
	want_rc=$(sed -n 's/.*# exit \([0-9]\)$/\1/p' <<<"$cmd")
	run=${cmd%%#*}
	case $run in
	"nvmx "*) run="\"\$nvmx\" ${run#nvmx }" ;;
	*) t_is 1 "not an nvmx command: $cmd"; continue ;;
	esac
	eval "$run" >"$d/got" 2>&1
	rc=$?
	[ -n "$want_rc" ] && [ "$rc" -eq "$want_rc" ]
	t_is $? "exit $rc (doc: ${want_rc:-missing}): $cmd"
	python3 - "$d/want" "$d/got" >"$d/why" <<'EOF'
import sys
want = open(sys.argv[1]).read().split("\n")
got = open(sys.argv[2]).read().split("\n")
while want and want[-1] == "":
    want.pop()
while got and got[-1] == "":
    got.pop()
def same(w, g):
    # A quoted line ending in "..." stands for every line it starts.
    return g.startswith(w[:-3]) if w.endswith("...") else g == w

chunks, cur = [], []
for w in want:
    if w == "...":
        chunks.append(cur)
        cur = None
        chunks.append(None)
        cur = []
    else:
        cur.append(w)
chunks.append(cur)
# chunks: lists of lines, None for "...": a gap of any length.
pos, free = 0, False
for c in chunks:
    if c is None:
        free = True
        continue
    if not c:
        continue
    found = -1
    for start in range(pos, len(got) - len(c) + 1):
        if all(same(w, g) for w, g in zip(c, got[start:start + len(c)])):
            found = start
            break
        if not free:
            break
    if found < 0:
        print("quoted lines not found in order: %r" % c[0])
        sys.exit(1)
    pos, free = found + len(c), False
if not free and pos != len(got):
    print("output goes on after the quoted lines: %r" % got[pos])
    sys.exit(1)
EOF
	t_is $? "output as quoted: $cmd$( [ -s "$d/why" ] && printf ' -- %s' "$(cat "$d/why")")"
done
[ "$count" -ge 14 ]
t_is $? "docs/qemu.md has $count commands to check"
t_done
