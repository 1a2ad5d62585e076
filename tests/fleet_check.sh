#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nvmx matrix agrees with nvmx check cell by cell, under every policy, on a
# small fleet with mixed releases, parameters and a Hyper-V host; the
# baseline and every pool's baseline pass `nvmx check` on each member.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2

# name dump release params(k=v,...) hyperv
cat >"$tmp/fleet.txt" <<'EOF'
a intel-core-i7-6700k 6.1 - -
b intel-core2-x6800 6.12 - -
c centaur-es-cns-0040672 5.19 - -
d centaur-es-cns-0040672 6.1 - -
e intel-xeon-platinum-8180 5.15 ept=0 -
f intel-core-i9-13900k 7.0 - -
g intel-core-i9-13900k 6.18.2 - -
h intel-xeon-platinum-8180 6.6 - hyperv
i intel-core-i7-6700k 6.1 enable_apicv=0,pml=0 -
EOF
while read -r name dump rel params hv; do
	printf '{"name":"%s","dump":"data/hosts/%s.msrs","kvm":"%s"' "$name" "$dump" "$rel"
	if [ "$params" != - ]; then
		printf ',"params":{%s}' "$(echo "$params" | sed 's/\([a-z_]*\)=\([0-9]*\)/"\1":"\2"/g')"
	fi
	[ "$hv" = hyperv ] && printf ',"hyperv_evmcs":true'
	printf '}\n'
done <"$tmp/fleet.txt" >"$tmp/fleet.jsonl"

# The options `nvmx check` takes for host NAME as source (from-) or destination ("").
opts() { # opts NAME PREFIX
	grep "^$1 " "$tmp/fleet.txt" | while read -r _ dump rel params hv; do
		if [ "$2" = from- ]; then
			printf -- '--from-host data/hosts/%s.msrs --from-kvm %s' "$dump" "$rel"
		else
			printf -- '--to data/hosts/%s.msrs --kvm %s' "$dump" "$rel"
		fi
		[ "$params" != - ] && for p in $(echo "$params" | tr ',' ' '); do printf ' --%sparam %s' "$2" "$p"; done
		[ "$hv" = hyperv ] && printf ' --%shyperv-evmcs' "$2"
	done
}

"$nvmx" matrix --inventory "$tmp/fleet.jsonl" --per-host --policy all --format csv >"$tmp/m.csv"
[ $? -le 1 ] && [ "$(wc -l <"$tmp/m.csv")" -eq $((9 * 9 * 3 + 1)) ]
t_is $? "matrix --per-host --policy all --format csv: 9 x 9 cells x 3 policies"

policies="strict revoke-keep revoke-clear"
[ -n "${NVMX_CONFORMANCE_SAMPLE:-}" ] && policies="strict revoke-keep"
cells=0
bad=0
yes=0
for pol in $policies; do
	for a in a b c d e f g h i; do
		for b in a b c d e f g h i; do
			want=$(awk -F, -v a="\"$a\"" -v b="\"$b\"" -v p="$pol" \
				'$1 == a && $7 == b && $13 == p { print $14 }' "$tmp/m.csv")
			# shellcheck disable=SC2046 # the options are meant to split into words
			got=$("$nvmx" check $(opts "$a" from-) $(opts "$b" "") --policy "$pol" --json |
				grep -o '"migratable":[a-z]*' | head -n 1 | cut -d: -f2)
			cells=$((cells + 1))
			[ "$got" = true ] && yes=$((yes + 1))
			if [ "$want" != "$got" ]; then
				bad=$((bad + 1))
				echo "# $a -> $b ($pol): matrix says '$want', nvmx check says '$got'"
			fi
		done
	done
done
[ "$bad" -eq 0 ] && [ "$yes" -gt 0 ] && [ "$yes" -lt "$cells" ]
t_is $? "every matrix cell is nvmx check's verdict ($cells cells over: $policies; $yes migratable, $bad differ)"

# The VM's properties (guest CPUID, PMU version, quirks) apply to both sides of
# every cell, as in nvmx check: each cell is check's verdict with the same
# options, and the properties change some cells (or the test could not fail).
plain=$(awk -F, '$13 == "strict" { print $1, $7, $14 }' "$tmp/m.csv")
for vm in "--guest-cpuid=empty,+vmx,+pdcm --pmu-version 2" "--disable-quirks 0x100"; do
	# shellcheck disable=SC2086 # the options are meant to split into words
	"$nvmx" matrix --inventory "$tmp/fleet.jsonl" --per-host --format csv $vm >"$tmp/vm.csv"
	rc=$?
	cells=0
	bad=0
	yes=0
	for a in a b c d e f g h i; do
		for b in a b c d e f g h i; do
			want=$(awk -F, -v a="\"$a\"" -v b="\"$b\"" '$1 == a && $7 == b { print $14 }' "$tmp/vm.csv")
			# shellcheck disable=SC2046,SC2086
			got=$("$nvmx" check $(opts "$a" from-) $(opts "$b" "") $vm --json |
				grep -o '"migratable":[a-z]*' | head -n 1 | cut -d: -f2)
			cells=$((cells + 1))
			[ "$got" = true ] && yes=$((yes + 1))
			if [ "$want" != "$got" ]; then
				bad=$((bad + 1))
				echo "# $a -> $b ($vm): matrix says '$want', nvmx check says '$got'"
			fi
		done
	done
	changed=$(awk -F, 'NR > 1 { print $1, $7, $14 }' "$tmp/vm.csv" | grep -vcxF "$plain")
	[ "$rc" -le 1 ] && [ "$bad" -eq 0 ] && [ "$yes" -gt 0 ] && [ "$yes" -lt "$cells" ] &&
		[ "$changed" -gt 0 ]
	t_is $? "matrix $vm: every cell is nvmx check $vm ($cells cells, $yes migratable, $bad differ; $changed cells differ from the VM without properties)"
done
"$nvmx" matrix --inventory "$tmp/fleet.jsonl" --guest-cpuid host >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "guest-cpuid host" "$tmp/err"
t_is $? "matrix --guest-cpuid host: refused (exit 2), a fleet has many CPUIDs"

# Revoke policies only ever add verdicts: strict <= revoke-keep.
awk -F, 'NR > 1 { v[$1 "," $7 "," $13] = $14 }
	END { for (k in v) { split(k, p, ","); if (p[3] == "strict" && v[k] == "true" &&
		v[p[1] "," p[2] ",revoke-keep"] != "true") bad++ } exit bad > 0 }' "$tmp/m.csv"
t_is $? "a pair that migrates under strict also migrates under revoke-keep"
grep -q ',strict,false,' "$tmp/m.csv" && grep -q ',revoke-keep,true,' "$tmp/m.csv"
t_is $? "the fleet has pairs only a revoke policy fixes"

# The baseline restores on every host, as nvmx check sees it.
"$nvmx" baseline --inventory "$tmp/fleet.jsonl" >"$tmp/baseline.msrs"
t_is $? "baseline over the fleet: exit 0 (verified on every host)"
bad=0
for b in a b c d e f g h i; do
	# shellcheck disable=SC2046
	"$nvmx" check "$tmp/baseline.msrs" $(opts "$b" "") >/dev/null || { bad=$((bad + 1)); echo "# $b rejects the baseline"; }
done
t_is $bad "nvmx check accepts the baseline .msrs on every host"

# Pools: each pool's baseline passes nvmx check on each of its members.
"$nvmx" pools --inventory "$tmp/fleet.jsonl" --pools 3 --json >"$tmp/pools.json"
t_is $? "pools --pools 3 --json"
python3 - "$tmp" <<'EOF' >"$tmp/pools.txt"
import json, sys
d = json.load(open(sys.argv[1] + "/pools.json"))
for p in d["pools"]:
    path = "%s/pool%d.msrs" % (sys.argv[1], p["id"])
    with open(path, "w") as f:
        for k, v in p["msrs"].items():
            f.write("%s = %s\n" % (k, v))
    for m in p["members"]:
        print(path, m["name"])
print("count", len(d["pools"]), sum(len(p["members"]) for p in d["pools"]))
EOF
[ "$(grep '^count' "$tmp/pools.txt")" = "count 3 9" ]
t_is $? "3 pools holding the 9 hosts"
bad=0
while read -r path name; do
	[ "$path" = count ] && continue
	# shellcheck disable=SC2046
	"$nvmx" check "$path" $(opts "$name" "") >/dev/null || { bad=$((bad + 1)); echo "# $name rejects $path"; }
done <"$tmp/pools.txt"
t_is $bad "nvmx check accepts each pool's baseline on each member"

t_done
