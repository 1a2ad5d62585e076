#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The fleet commands end to end: deduplication changes no verdict, inline
# MSRs read like dumps, every output format parses, exit codes, and a
# generated 100,000-host inventory (20,000 under ASan) goes through
# baseline, matrix and pools within seconds.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
ms() { date +%s%N | cut -b1-13; }

# ---- deduplication ------------------------------------------------------------
small=400
[ -n "${NVMX_CONFORMANCE_SAMPLE:-}" ] && small=150
"$nvmx" fleet-gen --hosts $small --seed 7 --models 12 --profiles 30 --out "$tmp/small.jsonl"
t_is $? "fleet-gen --hosts $small"
[ "$(wc -l <"$tmp/small.jsonl")" -eq $small ] && python3 -c '
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    assert set(d) <= {"name", "dump", "kvm", "params", "hyperv_evmcs"}, d
' "$tmp/small.jsonl"
t_is $? "$small JSON lines with name, dump, kvm, params, hyperv_evmcs"
"$nvmx" fleet-gen --hosts $small --seed 7 --models 12 --profiles 30 | cmp -s - "$tmp/small.jsonl"
t_is $? "the same seed gives the same inventory"

cut_cols() { cut -d, -f1,7,13,14; }	# source, destination, policy, migratable
"$nvmx" matrix "$tmp/small.jsonl" --per-host --policy all --format csv | cut_cols >"$tmp/dedup.csv"
"$nvmx" matrix "$tmp/small.jsonl" --no-dedup --policy all --format csv | cut_cols >"$tmp/nodedup.csv"
[ "$(wc -l <"$tmp/dedup.csv")" -eq $((small * small * 3 + 1)) ] && cmp -s "$tmp/dedup.csv" "$tmp/nodedup.csv"
t_is $? "deduplicated and per-host matrices agree on all $small x $small x 3 cells"
profiles=$("$nvmx" matrix "$tmp/small.jsonl" --format json --no-reasons | python3 -c 'import json,sys; print(json.load(sys.stdin)["profiles"])')
[ "$profiles" -gt 1 ] && [ "$profiles" -lt $small ]
t_is $? "$small hosts are $profiles unique profiles"
"$nvmx" baseline "$tmp/small.jsonl" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["msrs"])' >"$tmp/b1"
"$nvmx" baseline "$tmp/small.jsonl" --format json --no-dedup | python3 -c 'import json,sys; print(json.load(sys.stdin)["msrs"])' >"$tmp/b2"
[ -s "$tmp/b1" ] && cmp -s "$tmp/b1" "$tmp/b2"
t_is $? "the baseline is the same without deduplication"

# Inline MSRs instead of dump paths: the same hosts, the same verdicts.
"$nvmx" fleet-gen --hosts $small --seed 7 --models 12 --profiles 30 --inline --out "$tmp/inline.jsonl"
"$nvmx" matrix "$tmp/inline.jsonl" --per-host --policy all --format csv | cut_cols >"$tmp/inline.csv"
cmp -s "$tmp/dedup.csv" "$tmp/inline.csv"
t_is $? "an inventory with inline MSRs gives the same matrix as one with dump paths"
"$nvmx" matrix - --format json --no-reasons <"$tmp/small.jsonl" | grep -q "\"profiles\":$profiles,"
t_is $? "an inventory on standard input (-)"

# ---- formats ---------------------------------------------------------------------
H="data/hosts/intel-core-i7-6700k.msrs@6.1 data/hosts/intel-xeon-platinum-8180.msrs@5.15 data/hosts/intel-core2-x6800.msrs@6.12"
# shellcheck disable=SC2086 # H is a list
"$nvmx" baseline $H --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["verified"] and d["hosts"] == 3 and len(d["members"]) == 3, d
assert all(m["qemu"].startswith("host") for m in d["members"])
assert d["members"][2]["loss"]["features"] == 0       # the Core 2 offers the least
assert d["members"][0]["loss"]["features"] > 0
'
t_is $? "baseline --format json: verified, one member per host, losses"
# shellcheck disable=SC2086
"$nvmx" baseline $H --format qemu >"$tmp/q.txt"
[ "$(grep -c '^-cpu ' "$tmp/q.txt")" -eq 1 ] && ! grep -q '^-cpu host' "$tmp/q.txt" &&
	grep -q '^# verified: replayed QEMU .* on each of the 3 unique profiles' "$tmp/q.txt" &&
	grep -q '^# no host-passthrough' "$tmp/q.txt"
t_is $? "baseline --format qemu: one named -cpu for the fleet, verified on every profile, no host-passthrough"
# Every ordered pair of hosts, through check --cpu (QEMU's migration): the line is safe.
spec=$(sed -n 's/^-cpu //p' "$tmp/q.txt")
pairs_ok=0
for a in $H; do
	for b in $H; do
		"$nvmx" check --cpu "$spec" --from-host "${a%@*}" --from-kvm "${a##*@}" \
			--to "${b%@*}" --kvm "${b##*@}" >/dev/null 2>&1 || pairs_ok=1
	done
done
[ $pairs_ok = 0 ]
t_is $? "check --cpu says safe for the baseline's -cpu ($spec) on every ordered pair"
# shellcheck disable=SC2086
"$nvmx" baseline $H --format libvirt >"$tmp/l.xml"
python3 - "$tmp/l.xml" >"$tmp/l.cpu" <<'PY'
import sys, xml.etree.ElementTree as ET
cpus = ET.fromstring("<r>" + open(sys.argv[1]).read() + "</r>").findall("cpu")
assert len(cpus) == 1
c = cpus[0]
assert (c.get("mode"), c.get("match"), c.get("check")) == ("custom", "exact", "full"), c.attrib
m = c.find("model")
assert m.get("fallback") == "forbid" and m.text
feats = c.findall("feature")
assert ("require", "vmx") in [(f.get("policy"), f.get("name")) for f in feats]
off = [f.get("name") for f in feats if f.get("policy") == "disable"]
print(",".join([m.text, "vmx=on"] + [n + "=off" for n in off]))
PY
[ $? = 0 ] && "$nvmx" check --cpu "$(cat "$tmp/l.cpu")" --from-host data/hosts/intel-core-i7-6700k.msrs \
	--from-kvm 6.1 --to data/hosts/intel-core2-x6800.msrs --kvm 6.12 >/dev/null
t_is $? "baseline --format libvirt: <cpu mode='custom' match='exact' check='full'>, model fallback='forbid'; as -cpu it checks safe"
# One profile: host-passthrough is offered; two differing ones: it is not.
"$nvmx" baseline data/hosts/intel-core-i7-6700k.msrs@6.1 --format libvirt | grep -q "host-passthrough' check='none'"
t_is $? "a single-profile fleet is offered host-passthrough"
jget() {
	python3 -c 'import json,sys
d=json.loads(sys.stdin.read())
for k in sys.argv[1].split("."):
    d = d[int(k)] if k.isdigit() else d[k]
print(json.dumps(d) if isinstance(d,(dict,list,bool)) or d is None else d)' "$1" 2>/dev/null
}
# pools --format qemu: per pool one -cpu, each safe between the pool's members.
P="data/hosts/intel-xeon-e5-2620-v4.msrs@6.1 data/hosts/intel-xeon-e3-1245-v3.msrs@6.6 data/hosts/intel-xeon-platinum-8180.msrs@5.15 data/hosts/intel-xeon-platinum-8180.msrs@6.8"
# shellcheck disable=SC2086
"$nvmx" pools $P --pools 2 --format qemu >"$tmp/pq.txt"; rc=$?
python3 - "$tmp/pq.txt" >"$tmp/pq.pairs" <<'PY'
import re, sys
pools, cur = [], None
for line in open(sys.argv[1]):
    if line.startswith("# pool "):
        cur = {"cpu": None, "members": []}; pools.append(cur)
    elif line.startswith("-cpu ") and cur is not None:
        cur["cpu"] = line[5:].strip()
    elif cur is not None and (m := re.match(r"#  (\S+)@(\S+) \(", line)):
        cur["members"].append((m.group(1), m.group(2)))
assert len(pools) == 2 and all(p["cpu"] and p["members"] for p in pools), pools
for p in pools:
    for a in p["members"]:
        for b in p["members"]:
            print(p["cpu"], a[0], a[1], b[0], b[1])
PY
pr=$?
bad=0
while read -r cpu ha ka hb kb; do
	"$nvmx" check --cpu "$cpu" --from-host "data/hosts/$ha.msrs" --from-kvm "$ka" \
		--to "data/hosts/$hb.msrs" --kvm "$kb" >/dev/null 2>&1 || bad=1
done <"$tmp/pq.pairs"
[ $rc = 0 ] && [ $pr = 0 ] && [ $bad = 0 ] && [ -s "$tmp/pq.pairs" ]
t_is $? "pools --format qemu: each pool's -cpu checks safe between every pair of its members"
# Under the qemu semantics hosts are pooled by what QEMU gives L1 there (-cpu max), not by
# the KVM offers: with --max-loss 0 every pool holds exactly one QEMU offer and no two pools
# share one.  QEMU 6.0 names fewer vmx-* features than the kernels offer, so pooling by KVM
# offers splits hosts QEMU cannot tell apart (11 pools of 56 did), which this catches.
Q=""
for h in data/hosts/*.msrs; do Q="$Q $h@5.15 $h@6.8"; done
# shellcheck disable=SC2086
"$nvmx" pools $Q --max-loss 0 --format qemu --qemu 6.0 >"$tmp/pq0.txt"
python3 - "$nvmx" "$tmp/pq0.txt" 6.0 <<'PY'
import json, re, subprocess, sys
nvmx, path, rel = sys.argv[1:4]
pools, cur = [], None
for line in open(path):
    if line.startswith("# pool "):
        cur = []; pools.append(cur)
    elif cur is not None and (m := re.match(r"#  (\S+)@(\S+) \(", line)):
        cur.append((m.group(1), m.group(2)))
def offer(h, k):
    d = json.loads(subprocess.run([nvmx, "qemu-check", "-cpu", "max", "--to", "data/hosts/%s.msrs" % h,
                                   "--kvm", k, "--qemu", rel, "--json"], capture_output=True, text=True).stdout)
    assert d["starts"], (h, k)
    return json.dumps(d["writes"], sort_keys=True)
seen = {}
assert len(pools) > 1
for i, p in enumerate(pools):
    offs = {offer(h, k) for h, k in p}
    assert len(offs) == 1, ("pool %d mixes QEMU offers" % (i + 1), p)
    o = offs.pop()
    assert o not in seen, ("pools %d and %d share a QEMU offer" % (seen[o] + 1, i + 1))
    seen[o] = i
PY
t_is $? "pools --format qemu --max-loss 0: one QEMU offer (-cpu max's writes) per pool, none shared"
# shellcheck disable=SC2086
"$nvmx" pools $P --pools 2 --format libvirt | python3 -c '
import sys, xml.etree.ElementTree as ET
cpus = ET.fromstring("<r>" + sys.stdin.read() + "</r>").findall("cpu")
assert len(cpus) == 2 and all(c.get("mode") == "custom" and c.find("model").get("fallback") == "forbid" for c in cpus)'
t_is $? "pools --format libvirt: one <cpu mode=custom> per pool"
# The same -cpu in JSON: baseline's "qemu" and each pool's.
# shellcheck disable=SC2086
[ "$("$nvmx" baseline $H --json | jget qemu.cpu)" = "$spec" ] &&
	"$nvmx" pools $P --pools 2 --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert all(p["qemu"]["semantics"] == "qemu" and p["qemu"]["verified"] and p["qemu"]["cpu"] for p in d["pools"])'
t_is $? "baseline and pools --json carry the verified -cpu (semantics qemu)"
# matrix by semantics: the saved-msrs matrix says so; --cpu colours cells by QEMU's verdict,
# each cell equal to check --cpu for that pair.
# shellcheck disable=SC2086
"$nvmx" matrix $P | grep -q '^semantics saved-msrs' && [ "$("$nvmx" matrix $P --json | jget semantics)" = saved-msrs ]
t_is $? "matrix without --cpu: semantics saved-msrs, said in text and json"
# shellcheck disable=SC2086
j=$("$nvmx" matrix $P --cpu Haswell,+vmx --json)
bad=0
i=0
for a in $P; do
	k=0
	for b in $P; do
		want=$(printf %s "$j" | jget "matrix.$i.$k")
		v=$("$nvmx" check --cpu Haswell,+vmx --from-host "${a%@*}" --from-kvm "${a##*@}" \
			--to "${b%@*}" --kvm "${b##*@}" --json | jget verdict)
		case $v in safe) c=Y ;; l1-visible-change) c=c ;; *) c=. ;; esac
		[ "$c" = "$want" ] || bad=1
		k=$((k + 1))
	done
	i=$((i + 1))
done
[ "$(printf %s "$j" | jget semantics)" = qemu ] && [ $bad = 0 ] && [ "$(printf %s "$j" | jget pairs.l1_visible_change)" -gt 0 ]
t_is $? "matrix --cpu: semantics qemu, every cell is check --cpu's verdict for that pair"
# shellcheck disable=SC2086
"$nvmx" matrix $P --format html | grep -q 'id="semantics">Semantics <b>saved-msrs</b>'
t_is $? "matrix --format html says which semantics its cells answer"
# The HTML report under --cpu, read without a browser: it says semantics qemu and the -cpu,
# every cell is the JSON matrix's (itself check --cpu's, above), and the reason of a cell is
# there exactly when the cell is not safe: MSR changes for 'c', a start failure for '.'.
for spec in Haswell,+vmx Haswell,+vmx,enforce; do
	# shellcheck disable=SC2086
	"$nvmx" matrix $P --cpu "$spec" --json >"$tmp/q.json"; jrc=$?
	# shellcheck disable=SC2086
	"$nvmx" matrix $P --cpu "$spec" --format html >"$tmp/q.html"; hrc=$?
	[ $jrc = $hrc ] && python3 -c '
import json, re, sys
spec, page, j = sys.argv[1], open(sys.argv[2]).read(), json.load(open(sys.argv[3]))
assert re.search(r"id=\"semantics\">Semantics <b>qemu</b>: the VM runs <code>-cpu " + re.escape(spec.replace("&", "&amp;")) + "</code>", page)
for w in ("safe", "L1-visible change", "fails"):
    assert w in page, w
d = json.loads(re.search(r"<script type=\"application/json\" id=\"data\">(.*?)</script>", page, re.S).group(1))
assert d["semantics"] == "qemu" and d["cpu"] == spec and d["qemu"] == j["qemu"] and d["pairs"] == j["pairs"]
assert [r["name"] for r in d["rows"]] == j["rows"]
assert d["m"] == ["".join(r) for r in j["matrix"]], (d["m"], j["matrix"])
seen = set()
for i, row in enumerate(d["m"]):
    for k, c in enumerate(row):
        why = d["why"].get("%d,%d" % (i, k))
        if c == "Y":
            assert why is None
            continue
        assert why, (i, k)
        seen.add(c)
        if c == ".":
            assert why[0].startswith("The -cpu does not start on the source") or why[0].startswith("The destination QEMU does not start"), why
            assert any(l.startswith("  QEMU: ") for l in why), why
        else:
            assert re.match(r"IA32_VMX_\w+: (0x[0-9a-f]{16}|\(#GP\)) -> ", why[0]) or why[0].startswith("guest CPUID"), why
assert seen, "no cell that is not safe"
' "$spec" "$tmp/q.html" "$tmp/q.json"
	t_is $? "matrix --cpu $spec --format html: semantics qemu, the JSON's cells, a reason for each unsafe cell"
done
# shellcheck disable=SC2086
"$nvmx" baseline $H >"$tmp/b.msrs" && "$nvmx" decode "$tmp/b.msrs" >/dev/null
t_is $? "the .msrs baseline reads back"
# shellcheck disable=SC2086
"$nvmx" matrix $H --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = d["matrix"]["strict"]
assert len(m) == 3 and all(len(r) == 3 for r in m) and all(m[i][i] == "Y" for i in range(3))
assert d["rejections"] and all(r["rejected"] for r in d["rejections"])
assert all(b["linux"] or b["sdm"] for r in d["rejections"] for w in r["rejected"] for b in w["offending"])
'
t_is $? "matrix --format json: rows, a diagonal of Y, rejections with offending bits by name"
# shellcheck disable=SC2086
"$nvmx" matrix $H >"$tmp/m.txt"
[ $? -eq 1 ] && grep -q '^ 1  Y' "$tmp/m.txt"
t_is $? "matrix text, exit 1 when a pair does not migrate"
"$nvmx" matrix data/hosts/intel-core2-x6800.msrs@6.12 data/hosts/intel-core2-x6800.msrs@6.12 >/dev/null
t_is $? "matrix exit 0 when every pair migrates"
"$nvmx" matrix data/hosts/intel-core2-x6800.msrs@6.12 --format html >"$tmp/r.html" &&
	grep -q '<script type="application/json" id="data">' "$tmp/r.html" && ! grep -Eq '(src|href)="?(https?:)?//' "$tmp/r.html"
t_is $? "matrix --format html: one self-contained page"

# A directory of dumps is a fleet; a host that runs no VMX guests.
mkdir "$tmp/dir" && cp data/hosts/intel-core-i7-6700k.msrs data/hosts/intel-core2-x6800.msrs "$tmp/dir/"
"$nvmx" pools "$tmp/dir@6.6" --json | python3 -c 'import json,sys; d = json.load(sys.stdin); assert d["hosts"] == 2 and d["verified"]'
t_is $? "a directory of dumps is a fleet (DIR@RELEASE)"
"$nvmx" baseline "$tmp/dir" --param nested=0 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'nested=0' "$tmp/err"
t_is $? "baseline exit 1 when hosts run no VMX guests, naming why"
printf '{"name":"x","dump":"data/hosts/intel-core2-x6800.msrs","kvm":"6.1","params":{"nested":"0"}}\n' >"$tmp/off.jsonl"
"$nvmx" baseline "$tmp/dir" "$tmp/off.jsonl" --skip-unusable >/dev/null 2>"$tmp/err"
[ $? -eq 0 ] && grep -q 'skipped x' "$tmp/err"
t_is $? "--skip-unusable leaves them out and names them"

# ---- scale -------------------------------------------------------------------------
hosts=100000
limit=10000
[ -n "${NVMX_CONFORMANCE_SAMPLE:-}" ] && hosts=20000 limit=60000
"$nvmx" fleet-gen --hosts $hosts --seed 3 --out "$tmp/big.jsonl"
for c in baseline matrix pools; do
	t0=$(ms)
	"$nvmx" $c "$tmp/big.jsonl" >"$tmp/$c.out" 2>"$tmp/$c.err"
	rc=$?
	t=$(($(ms) - t0))
	[ $rc -le 1 ] && [ ! -s "$tmp/$c.err" ] && [ $t -lt $limit ]
	t_is $? "$c over a generated $hosts-host inventory: exit $rc in $t ms, nothing on stderr (no progress bar without a terminal)"
done
grep -q "over $hosts hosts" "$tmp/baseline.out" && grep -q "nvmx pools: $hosts hosts" "$tmp/pools.out"
t_is $? "every host counted"

t_done
