#!/bin/bash
# SPDX-License-Identifier: MIT
# A group's label names its processor models, most hosts first, and its
# example is the most common processor (issue 13 item 5): in an inventory
# where the alphabetically first model has the fewest hosts, the old rule
# (first in alphabetical order) would name Atom; ties go alphabetical.
source "$(dirname "$0")/lib.sh"

line() { # line NAME DUMP
	printf '{"name":"%s","dump":"%s","kvm":"6.1","hyperv_evmcs":false}\n' "$1" "$2"
}
{
	line a1 intel-atom-c2750.msrs
	line x1 intel-xeon-e5-2620-v4.msrs
	line x2 intel-xeon-e5-2620-v4.msrs
	line x3 intel-xeon-e5-2620-v4.msrs
	line c1 intel-celeron-j6412.msrs
	line c2 intel-celeron-j6412.msrs
} >"$tmp/inv.jsonl"
run() { "$nvmx" "$@" --inventory "$tmp/inv.jsonl" --no-progress; }

run pools --pools 1 --json >"$tmp/pools.json"
t_ok "pools --json exits 0" test $? -eq 0
t_ok "pools: example is the most common model, models by hosts" python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["pools"][0]
assert p["example"] == "Intel Xeon E5-2620 v4", p["example"]
assert [(m["cpu"], m["hosts"]) for m in p["models"]] == [
    ("Intel Xeon E5-2620 v4", 3), ("Intel Celeron J6412", 2), ("Intel Atom C2750", 1)], p["models"]
assert p["label"] == "Intel Xeon E5-2620 v4, Intel Celeron J6412, Intel Atom C2750", p["label"]
assert sum(m["hosts"] for m in p["models"]) == p["hosts"]
' "$tmp/pools.json"
t_ok "pools text: the pool's label starts with the most common model" \
	grep -q '^pool 1 (Intel Xeon E5-2620 v4, Intel Celeron J6412, Intel Atom C2750): 6 hosts' \
	<(run pools --pools 1)

# a fourth model, and a tie (Core i3-7100 and Atom C2750, one host each): the
# label names the most common one and counts the rest; ties go alphabetical
line i1 intel-core-i3-7100.msrs >>"$tmp/inv.jsonl"
run baseline --json >"$tmp/base.json"
t_ok "baseline: example, tie-break by name, label with a count" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["example"] == "Intel Xeon E5-2620 v4", d["example"]
assert [m["cpu"] for m in d["models"]][2:] == ["Intel Atom C2750", "Intel Core i3-7100"], d["models"]
assert d["label"] == "Intel Xeon E5-2620 v4 + 3 more models", d["label"]
' "$tmp/base.json"
t_ok "baseline text names the models" \
	grep -q '^# processor models (most hosts first): Intel Xeon E5-2620 v4 + 3 more models$' \
	<(run baseline)
run matrix --json >"$tmp/matrix.json"
t_ok "matrix --json: the fleet's example and label" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["example"] == "Intel Xeon E5-2620 v4" and d["label"] == "Intel Xeon E5-2620 v4 + 3 more models", d
' "$tmp/matrix.json"
t_ok "matrix text names the models" \
	grep -q '^processor models (most hosts first): Intel Xeon E5-2620 v4 + 3 more models$' <(run matrix)
t_done
