#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A generic runner over a directory of public reports (NAME.report, the
# format of tests/reports/README.md): nvmx explain reads each whole file as
# the user pasted it, and its causes must include the keys the header
# restates from the thread's conclusion ("expect:"); "expect-first:" keys
# must be among the first entries of a ranked would_fail_with list.
# "explained" means never a bare "accepted": a rejection, an out-of-scope MSR,
# a feature the host does not offer, or a non-empty would_fail_with.  "none"
# records a known gap: nvmx must then claim no cause at all.
#
# usage: tests/reports.sh [DIR]   (or NVMX_REPORTS_DIR=DIR; default tests/reports)
# A report written elsewhere is checked the same way: its nvmx-host may name
# a bundled dump (data/hosts/NAME), a dump beside the report, or a path.
set -u
. "$(dirname "$0")/lib.sh"
dir=${1:-${NVMX_REPORTS_DIR:-${REPORTS:-tests/reports}}}
case $dir in /*) ;; *) dir=$(cd "$dir" 2>/dev/null && pwd || echo "$PWD/$dir") ;; esac
cd "$here" || exit 2
default_host=intel-xeon-platinum-8180.msrs
hdr() { sed -n "/^--- log/q;s/^$1: *//p" "$2" | head -n 1; }
# The dump standing for the reporter's processor: bundled, beside the report, or a path.
host_path() { # host_path NAME REPORT
	local h=${1:-$default_host}
	if [ -f "data/hosts/$h" ]; then echo "data/hosts/$h"
	elif [ -f "$(dirname "$2")/$h" ]; then echo "$(dirname "$2")/$h"
	else echo "$h"; fi
}

count=0
for f in "$dir"/*.report; do
	[ -e "$f" ] || continue
	count=$((count + 1))
	name=$(basename "$f" .report)
	src=$(hdr source "$f")
	hname=$(hdr nvmx-host "$f")
	host=$(host_path "${hname%% *}" "$f")
	read -r -a args <<<"$(hdr nvmx-args "$f")"
	expect=$(hdr expect "$f")
	first=$(hdr expect-first "$f")
	[ -n "$src" ] && [ -n "$expect" ] && [ -f "$host" ] && grep -q '^--- log$' "$f"
	t_is $? "$name: header has source, expect, a readable nvmx-host ($host) and a log"
	out=$("$nvmx" explain "$f" --host "$host" "${args[@]}" --json 2>/dev/null)  # stderr: an approximate row warns
	rc=$?
	[ "$rc" -le 1 ]
	t_is $? "$name: explain reads the report (exit $rc)"
	OUT=$out python3 - "$expect" "$name" "$first" <<'PY'
import json, os, sys
want, name, first = sys.argv[1].split(), sys.argv[2], sys.argv[3].split()
try:
    d = json.loads(os.environ["OUT"])
except ValueError as e:
    print("# %s: not JSON: %s" % (name, e)); sys.exit(1)
causes = d["causes"]
def match(c, k):
    # "A|B": either key (a conclusion nvmx states one way while a kernel is
    # older than every row, another once a row models it)
    return any(c == a or c.startswith(a + ":") for a in k.split("|"))
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
    elif not any(match(c, k) for c in causes):
        bad.append(k)
# Every list is ordered most likely first and says why each entry ranks there.
for l in [w["would_fail_with"] for w in d["writes"] + d["features"]]:
    lk = [x["likelihood"] for x in l]
    if lk != sorted(lk, reverse=True) or any(not x["why_ranked"] for x in l):
        bad.append("ranking (%s)" % [(x["key"], x["likelihood"], x["why_ranked"]) for x in l][:4])
# Ranked: the first len(first) entries of some would_fail_with list hold every expect-first key.
if first:
    lists = [[x["key"] for x in w["would_fail_with"]] for w in d["writes"] + d["features"]]
    if not any(all(any(match(c, k) for c in l[:len(first)]) for k in first) for l in lists if l):
        bad.append("expect-first %s (ranked: %s)" % (" ".join(first), [l[:3] for l in lists]))
if bad:
    print("# %s: missing %s; causes: %s" % (name, " ".join(bad), " ".join(causes)))
    sys.exit(1)
# Whatever it says, it says for every error line of the log.
for w in d["writes"]:
    if w["accepted"] and not w["would_fail_with"] and "none" not in want and "kernel-not-modelled" not in causes:
        print("# %s: %s accepted with nothing else" % (name, w["index"])); sys.exit(1)
PY
	t_is $? "$name: the explanation matches the thread ($expect${first:+; first: $first})"
done
[ "$count" -ge 1 ]
t_is $? "$dir holds reports ($count)"
if [ "$dir" = "$here/tests/reports" ]; then
	[ "$count" -ge 15 ]
	t_is $? "the corpus has at least 15 reports"
	# The runner itself: a report dropped into another directory is checked the
	# same way, and a wrong expectation fails.
	cp tests/reports/multipass-2603.report "$tmp/hidden.report"
	cp data/hosts/intel-core-i7-8750h.msrs "$tmp/beside.msrs"
	sed -i 's/^nvmx-host: .*/nvmx-host: beside.msrs/' "$tmp/hidden.report"
	NVMX_REPORTS_DIR=$tmp bash "$0" >"$tmp/out" 2>&1
	t_is $? "a report in NVMX_REPORTS_DIR with a dump beside it is checked the same way"
	sed -i 's/^expect-first: .*/expect-first: guest-cpuid:-mpx/' "$tmp/hidden.report"
	! bash "$0" "$tmp" >"$tmp/out" 2>&1 && grep -q "^not ok.*hidden: the explanation" "$tmp/out"
	t_is $? "a ranking that does not put the thread's cause first fails (argument DIR)"
fi
t_done
