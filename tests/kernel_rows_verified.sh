#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How each row says it was verified is what conformance/cases holds: "conformance
# data" rows have every kind, "kernel harness" rows the harness's cases of their
# own tree, every kind (cross included), and a row with harness cases says so.
# Every verified row names its tree (`nvmx kernels` prints it).
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
"$nvmx" kernels --json | python3 -c '
import json, os, sys
rows = json.load(sys.stdin)
cases = set(os.listdir("conformance/cases"))
def has(kind, name):
    return any(f in cases for f in ("%s-%s.jsonl" % (kind, name), "%s-%s.jsonl.gz" % (kind, name)))
n = 0
for r in rows:
    name, v = r["name"], r["verified"]
    kinds = [k for k in ("derive", "synthetic", "restore", "cpuid", "guestread") if has(k, name)]
    if any(f.startswith("cross-") and f.split("-to-", 1)[-1].split(".jsonl")[0] == name for f in cases):
        kinds.append("cross")
    tree = r.get("tree", "")
    if v == "conformance data":
        ok = len(kinds) >= 5 and tree
    elif v.startswith("kernel harness"):
        ok = len(kinds) == 6 and tree
    else:
        ok = not kinds
    n += 1
    print("%sok %d - %s: %s; cases: %s; tree: %s" % ("" if ok else "not ", n, name, v, " ".join(kinds) or "none", tree or "none"))
print("1..%d" % n)
'
