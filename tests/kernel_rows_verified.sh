#!/bin/sh
# SPDX-License-Identifier: MIT
# How each row says it was verified is what conformance/cases holds: "conformance
# data" rows have every kind, "kernel harness" rows the harness's derive and
# synthetic cases of their own tree, and a row with harness cases says so.
set -u
cd "$(dirname "$0")/.." || exit 2
NVMX=${NVMX:-build/nvmx}
"$NVMX" kernels --json | python3 -c '
import json, os, sys
rows = json.load(sys.stdin)
cases = set(os.listdir("conformance/cases"))
def has(kind, name):
    return any(f in cases for f in ("%s-%s.jsonl" % (kind, name), "%s-%s.jsonl.gz" % (kind, name)))
n = 0
for r in rows:
    name, v = r["name"], r["verified"]
    kinds = [k for k in ("derive", "synthetic", "restore", "cpuid", "guestread") if has(k, name)]
    if v == "conformance data":
        ok = len(kinds) == 5
    elif v.startswith("kernel harness"):
        ok = "derive" in kinds and "synthetic" in kinds
    else:
        ok = not kinds
    n += 1
    print("%sok %d - %s: %s; cases: %s" % ("" if ok else "not ", n, name, v, " ".join(kinds) or "none"))
print("1..%d" % n)
'
