#!/bin/sh
# SPDX-License-Identifier: MIT
# The fleet commands end to end: deduplication changes no verdict, inline
# MSRs read like dumps, every output format parses, exit codes, and a
# generated 100,000-host inventory (20,000 under ASan) goes through
# baseline, matrix and pools within seconds.
set -u
cd "$(dirname "$0")/.." || exit 2
NVMX=${NVMX:-build/nvmx}
work=$(mktemp -d "${TMPDIR:-/tmp}/nvmx-fleet.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0
fail=0
ok() { # ok COND-EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
ms() { date +%s%N | cut -b1-13; }

# ---- deduplication ------------------------------------------------------------
small=400
[ -n "${NVMX_CONFORMANCE_SAMPLE:-}" ] && small=150
"$NVMX" fleet-gen --hosts $small --seed 7 --models 12 --profiles 30 --out "$work/small.jsonl"
ok $? "fleet-gen --hosts $small"
[ "$(wc -l <"$work/small.jsonl")" -eq $small ] && python3 -c '
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    assert set(d) <= {"name", "dump", "kvm", "params", "hyperv_evmcs"}, d
' "$work/small.jsonl"
ok $? "$small JSON lines with name, dump, kvm, params, hyperv_evmcs"
"$NVMX" fleet-gen --hosts $small --seed 7 --models 12 --profiles 30 | cmp -s - "$work/small.jsonl"
ok $? "the same seed gives the same inventory"

cut_cols() { cut -d, -f1,7,13,14; }	# source, destination, policy, migratable
"$NVMX" matrix "$work/small.jsonl" --per-host --policy all --format csv | cut_cols >"$work/dedup.csv"
"$NVMX" matrix "$work/small.jsonl" --no-dedup --policy all --format csv | cut_cols >"$work/nodedup.csv"
[ "$(wc -l <"$work/dedup.csv")" -eq $((small * small * 3 + 1)) ] && cmp -s "$work/dedup.csv" "$work/nodedup.csv"
ok $? "deduplicated and per-host matrices agree on all $small x $small x 3 cells"
profiles=$("$NVMX" matrix "$work/small.jsonl" --format json --no-reasons | python3 -c 'import json,sys; print(json.load(sys.stdin)["profiles"])')
[ "$profiles" -gt 1 ] && [ "$profiles" -lt $small ]
ok $? "$small hosts are $profiles unique profiles"
"$NVMX" baseline "$work/small.jsonl" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["msrs"])' >"$work/b1"
"$NVMX" baseline "$work/small.jsonl" --format json --no-dedup | python3 -c 'import json,sys; print(json.load(sys.stdin)["msrs"])' >"$work/b2"
[ -s "$work/b1" ] && cmp -s "$work/b1" "$work/b2"
ok $? "the baseline is the same without deduplication"

# Inline MSRs instead of dump paths: the same hosts, the same verdicts.
"$NVMX" fleet-gen --hosts $small --seed 7 --models 12 --profiles 30 --inline --out "$work/inline.jsonl"
"$NVMX" matrix "$work/inline.jsonl" --per-host --policy all --format csv | cut_cols >"$work/inline.csv"
cmp -s "$work/dedup.csv" "$work/inline.csv"
ok $? "an inventory with inline MSRs gives the same matrix as one with dump paths"
"$NVMX" matrix - --format json --no-reasons <"$work/small.jsonl" | grep -q "\"profiles\":$profiles,"
ok $? "an inventory on standard input (-)"

# ---- formats ---------------------------------------------------------------------
H="data/hosts/intel-core-i7-6700k.msrs@6.1 data/hosts/intel-xeon-platinum-8180.msrs@5.15 data/hosts/intel-core2-x6800.msrs@6.12"
# shellcheck disable=SC2086 # H is a list
"$NVMX" baseline $H --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["verified"] and d["hosts"] == 3 and len(d["members"]) == 3, d
assert all(m["qemu"].startswith("host") for m in d["members"])
assert d["members"][2]["loss"]["features"] == 0       # the Core 2 offers the least
assert d["members"][0]["loss"]["features"] > 0
'
ok $? "baseline --format json: verified, one member per host, losses"
# shellcheck disable=SC2086
"$NVMX" baseline $H --format qemu >"$work/q.txt"
[ "$(grep -c '^-cpu host' "$work/q.txt")" -eq 3 ] && grep -q 'vmx-ept=off' "$work/q.txt"
ok $? "baseline --format qemu: a -cpu host,vmx-...=off line per host"
# shellcheck disable=SC2086
"$NVMX" baseline $H --format libvirt | python3 -c '
import sys, xml.etree.ElementTree as ET
cpus = ET.fromstring("<r>" + sys.stdin.read() + "</r>").findall("cpu")
assert len(cpus) == 3
names = [f.get("name") for f in cpus[0].findall("feature") if f.get("policy") == "disable"]
assert "vmx-ept" in names and all(x.startswith("vmx-") for x in names), names
'
ok $? "baseline --format libvirt: well-formed <cpu> elements disabling vmx-* features"
# shellcheck disable=SC2086
"$NVMX" baseline $H >"$work/b.msrs" && "$NVMX" decode "$work/b.msrs" >/dev/null
ok $? "the .msrs baseline reads back"
# shellcheck disable=SC2086
"$NVMX" matrix $H --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = d["matrix"]["strict"]
assert len(m) == 3 and all(len(r) == 3 for r in m) and all(m[i][i] == "Y" for i in range(3))
assert d["rejections"] and all(r["rejected"] for r in d["rejections"])
assert all(b["linux"] or b["sdm"] for r in d["rejections"] for w in r["rejected"] for b in w["offending"])
'
ok $? "matrix --format json: rows, a diagonal of Y, rejections with offending bits by name"
# shellcheck disable=SC2086
"$NVMX" matrix $H >"$work/m.txt"
[ $? -eq 1 ] && grep -q '^ 1  Y' "$work/m.txt"
ok $? "matrix text, exit 1 when a pair does not migrate"
"$NVMX" matrix data/hosts/intel-core2-x6800.msrs@6.12 data/hosts/intel-core2-x6800.msrs@6.12 >/dev/null
ok $? "matrix exit 0 when every pair migrates"
"$NVMX" matrix data/hosts/intel-core2-x6800.msrs@6.12 --format html >"$work/r.html" &&
	grep -q '<script type="application/json" id="data">' "$work/r.html" && ! grep -Eq '(src|href)="?(https?:)?//' "$work/r.html"
ok $? "matrix --format html: one self-contained page"

# A directory of dumps is a fleet; a host that runs no VMX guests.
mkdir "$work/dir" && cp data/hosts/intel-core-i7-6700k.msrs data/hosts/intel-core2-x6800.msrs "$work/dir/"
"$NVMX" pools "$work/dir@6.6" --json | python3 -c 'import json,sys; d = json.load(sys.stdin); assert d["hosts"] == 2 and d["verified"]'
ok $? "a directory of dumps is a fleet (DIR@RELEASE)"
"$NVMX" baseline "$work/dir" --param nested=0 >/dev/null 2>"$work/err"
[ $? -eq 1 ] && grep -q 'nested=0' "$work/err"
ok $? "baseline exit 1 when hosts run no VMX guests, naming why"
printf '{"name":"x","dump":"data/hosts/intel-core2-x6800.msrs","kvm":"6.1","params":{"nested":"0"}}\n' >"$work/off.jsonl"
"$NVMX" baseline "$work/dir" "$work/off.jsonl" --skip-unusable >/dev/null 2>"$work/err"
[ $? -eq 0 ] && grep -q 'skipped x' "$work/err"
ok $? "--skip-unusable leaves them out and names them"

# ---- scale -------------------------------------------------------------------------
hosts=100000
limit=10000
[ -n "${NVMX_CONFORMANCE_SAMPLE:-}" ] && hosts=20000 limit=60000
"$NVMX" fleet-gen --hosts $hosts --seed 3 --out "$work/big.jsonl"
for c in baseline matrix pools; do
	t0=$(ms)
	"$NVMX" $c "$work/big.jsonl" >"$work/$c.out" 2>"$work/$c.err"
	rc=$?
	t=$(($(ms) - t0))
	[ $rc -le 1 ] && [ ! -s "$work/$c.err" ] && [ $t -lt $limit ]
	ok $? "$c over a generated $hosts-host inventory: exit $rc in $t ms, nothing on stderr (no progress bar without a terminal)"
done
grep -q "over $hosts hosts" "$work/baseline.out" && grep -q "nvmx pools: $hosts hosts" "$work/pools.out"
ok $? "every host counted"

echo "1..$n"
exit $fail
