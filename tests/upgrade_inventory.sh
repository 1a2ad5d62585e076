#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nvmx upgrade --inventory FILE: the hosts of a fleet inventory (docs/fleet.md),
# each line with its own parameters and environment, counted by host.  The
# counts must be those of the same hosts given one by one as HOST operands
# (a host listed twice counts twice), each with its line's options; without
# --from-kvm each host starts from the release its line names.  The same for
# revoke-list --inventory: per bit, the hosts that need it.
. "$(dirname "$0")/lib.sh"
J=$hosts/intel-celeron-j6412.msrs
X=$hosts/intel-xeon-platinum-8180.msrs
I=$hosts/intel-core-i9-13900k.msrs
cat >"$tmp/inv.jsonl" <<JSON
{"name":"j1","dump":"$J","kvm":"5.10"}
{"name":"j2","dump":"$J","kvm":"5.10"}
{"name":"j3","dump":"$J","kvm":"6.1"}
{"name":"x1","dump":"$X","kvm":"5.15","params":{"ept":"0"}}
{"name":"i1","dump":"$I","kvm":"6.6","hyperv_evmcs":true}
{"name":"i2","dump":"$I","kvm":"6.6"}
JSON
vm=(--guest-cpuid host --pmu-version 2)
rels=5.10,6.1,6.12
"$nvmx" upgrade --inventory "$tmp/inv.jsonl" --all --releases "$rels" "${vm[@]}" --json >"$tmp/inv.json"
t_ok "upgrade --inventory --all --json: exit 0 or 1" test $? -le 1
# The same hosts as operands, in three runs by their options.
"$nvmx" upgrade --all --releases "$rels" "${vm[@]}" --json "$J" "$J" "$J" "$I" >"$tmp/a.json"
"$nvmx" upgrade --all --releases "$rels" "${vm[@]}" --json --param ept=0 "$X" >"$tmp/b.json"
"$nvmx" upgrade --all --releases "$rels" "${vm[@]}" --json --hyperv-evmcs "$I" >"$tmp/c.json"
sum() {
	python3 - "$@" <<'PY'
import json, sys
tot = {}
for path in sys.argv[1:]:
    for p in json.load(open(path))["pairs"]:
        k = (p["from"], p["to"])
        t = tot.setdefault(k, {"hosts": 0, "broken": 0, "not_loading": 0, "bits": {}})
        for f in ("hosts", "broken", "not_loading"):
            t[f] += p[f]
        for b in p["bits"]:
            bk = "%s/%s/%s" % (b["msr"], b["bit"], b["half"])
            t["bits"][bk] = t["bits"].get(bk, 0) + b["hosts"]
print(json.dumps(sorted((list(k), v) for k, v in tot.items()), sort_keys=True))
PY
}
want=$(sum "$tmp/a.json" "$tmp/b.json" "$tmp/c.json")
got=$(sum "$tmp/inv.json")
t_ok "every pair's counts (hosts, broken, per rejected bit) are the operands' summed" test "$want" = "$got"
broken=$(python3 -c 'import json,sys; print(sum(p["broken"] for p in json.load(open(sys.argv[1]))["pairs"]))' "$tmp/inv.json")
t_ok "some host breaks on some pair ($broken host-pairs), so the comparison can fail" test "$broken" -gt 0

# Without --from-kvm each host upgrades from its line's release, counted by host.
"$nvmx" upgrade --inventory "$tmp/inv.jsonl" --kvm 6.12 "${vm[@]}" --json >"$tmp/own.json"
python3 - "$tmp/own.json" >"$tmp/own.txt" <<'PY'
import json, sys
for h in json.load(open(sys.argv[1]))["hosts"]:
    print(h["host"], h["from"], h["count"], str(h["migratable"]).lower())
PY
ok=1
while read -r name from count mig; do
	case $name in j1) args=("$J") ;; j3) args=("$J") ;; x1) args=(--param ept=0 "$X") ;;
		i1) args=(--hyperv-evmcs "$I") ;; i2) args=("$I") ;; *) ok=0; continue ;; esac
	one=$("$nvmx" upgrade --from-kvm "$from" --kvm 6.12 "${vm[@]}" --json "${args[@]}" |
		python3 -c 'import json,sys; print(str(json.load(sys.stdin)["hosts"][0]["migratable"]).lower())')
	[ "$one" = "$mig" ] || { ok=0; t_diag "$name from $from: inventory says $mig, the host alone $one"; }
done <"$tmp/own.txt"
t_ok "each line upgrades from its own release, as that host alone does" test "$ok" = 1
t_ok "j1 and j2 are one profile of 2 hosts from 5.10; j3 is apart (6.1)" \
	grep -q "^j1 5.10 2 " "$tmp/own.txt"
t_ok "... and j3 from 6.1" grep -q "^j3 6.1 1 " "$tmp/own.txt"
"$nvmx" upgrade --inventory "$tmp/inv.jsonl" --kvm 6.12 "${vm[@]}" >"$tmp/own.out"
t_ok "text: the summary counts hosts ('3 of 6 hosts break' style line)" \
	grep -qE "^each host's release -> 6.12: [0-9]+ of 6 hosts break" "$tmp/own.out"

# revoke-list --inventory: per bit the host counts of the operands, summed.
cat >"$tmp/rl.jsonl" <<JSON
{"name":"x1","dump":"$X","kvm":"6.1"}
{"name":"x2","dump":"$X","kvm":"6.1"}
{"name":"i1","dump":"$I","params":{"ept":"0"}}
{"name":"j1","dump":"$J","hyperv_evmcs":true}
JSON
"$nvmx" revoke-list --kvm 6.6 --inventory "$tmp/rl.jsonl" --json >"$tmp/rl.json"
"$nvmx" revoke-list --kvm 6.6 --json "$X" "$X" >"$tmp/rl1.json"
"$nvmx" revoke-list --kvm 6.6 --json --param ept=0 "$I" >"$tmp/rl2.json"
"$nvmx" revoke-list --kvm 6.6 --json --hyperv-evmcs "$J" >"$tmp/rl3.json"
bits() {
	python3 - "$@" <<'PY'
import json, sys
tot = {}
for path in sys.argv[1:]:
    for b in json.load(open(path))["bits"]:
        k = "%s/%s" % (b["msr"], b["bit"])
        tot[k] = tot.get(k, 0) + b["hosts"]
print(json.dumps(tot, sort_keys=True))
PY
}
want=$(bits "$tmp/rl1.json" "$tmp/rl2.json" "$tmp/rl3.json")
got=$(bits "$tmp/rl.json")
t_ok "revoke-list --inventory: per bit the operands' host counts, summed ($got)" test "$want" = "$got"
t_ok "... and some bit is needed by more than one host" \
	python3 -c 'import json,sys; sys.exit(not any(v > 1 for v in json.loads(sys.argv[1]).values()))' "$got"
"$nvmx" revoke-list --kvm 6.6 --inventory "$tmp/rl.jsonl" >"$tmp/rl.txt"
t_ok "text: over 4 host(s)" grep -q "^revoke list of KVM 6.6 over 4 host(s)" "$tmp/rl.txt"
t_done
