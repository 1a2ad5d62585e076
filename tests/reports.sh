#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The corpus of public reports (tests/reports/*.report): nvmx explain reads
# each whole file as the user pasted it and its causes must include the keys
# the report's header restates from the thread's conclusion ("expect:").
# "explained" means never a bare "accepted": a rejection, an out-of-scope MSR,
# a feature the host does not offer, or a non-empty would_fail_with.  "none"
# records a known gap: nvmx must then claim no cause at all.
# REPORTS=DIR runs the same check on other reports.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
NVMX=${NVMX:-build/nvmx}
case $NVMX in /*) ;; *) NVMX=$here/$NVMX ;; esac
cd "$here" || exit 2
dir=${REPORTS:-tests/reports}
n=0
fail=0
ok() { # ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
hdr() { sed -n "/^--- log/q;s/^$1: *//p" "$2" | head -n 1; }

count=0
for f in "$dir"/*.report; do
	[ -e "$f" ] || continue
	count=$((count + 1))
	name=$(basename "$f" .report)
	src=$(hdr source "$f")
	host=$(hdr nvmx-host "$f")
	host=${host%% *}
	read -r -a args <<<"$(hdr nvmx-args "$f")"
	expect=$(hdr expect "$f")
	[ -n "$src" ] && [ -n "$expect" ] && [ -f "data/hosts/$host" ] && grep -q '^--- log$' "$f"
	ok $? "$name: header has source, expect, a bundled nvmx-host and a log"
	out=$("$NVMX" explain "$f" --host "data/hosts/$host" "${args[@]}" --json 2>&1)
	rc=$?
	[ "$rc" -le 1 ]
	ok $? "$name: explain reads the report (exit $rc)"
	OUT=$out python3 - "$expect" "$name" <<'PY'
import json, os, sys
want, name = sys.argv[1].split(), sys.argv[2]
try:
    d = json.loads(os.environ["OUT"])
except ValueError as e:
    print("# %s: not JSON: %s" % (name, e)); sys.exit(1)
causes = d["causes"]
def explained():
    if any(not w["accepted"] for w in d["writes"]): return True
    if d["out_of_scope"] or any(f["offered_here"] is False or f["tcg"] for f in d["features"]): return True
    if any(w["would_fail_with"] for w in d["writes"] + d["features"]): return True
    return "assert-only" in causes
bad = []
for k in want:
    if k == "explained":
        if not explained(): bad.append(k)
    elif k == "none":
        if causes: bad.append("none (got %s)" % causes)
    elif not any(c == k or c.startswith(k + ":") for c in causes):
        bad.append(k)
if bad:
    print("# %s: missing %s; causes: %s" % (name, " ".join(bad), " ".join(causes)))
    sys.exit(1)
# Whatever it says, it says for every error line of the log.
for w in d["writes"]:
    if w["accepted"] and not w["would_fail_with"] and "none" not in want and "kernel-not-modelled" not in causes:
        print("# %s: %s accepted with nothing else" % (name, w["index"])); sys.exit(1)
PY
	ok $? "$name: the explanation matches the thread ($expect)"
done
[ "$count" -ge 1 ]
ok $? "$dir holds reports ($count)"
if [ "$dir" = tests/reports ]; then
	[ "$count" -ge 15 ]
	ok $? "the corpus has at least 15 reports"
fi
echo "1..$n"
exit $fail
