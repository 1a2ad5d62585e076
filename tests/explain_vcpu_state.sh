#!/usr/bin/env bash
# explain's remedies are searched for the vCPU the options describe: with
# --state has-run (feature MSRs immutable after KVM_RUN, from 6.4) the
# releases explain says accept a write are exactly those where `nvmx restore`
# with the same state accepts it (restore's rules are checked against the
# kernel by the conformance cases).  The case that said "no KVM release
# accepts it": a restricting PROCBASED_CTLS2 on a J6412 vCPU that has run.
. "$(dirname "$0")/lib.sh"
J=$hosts/intel-celeron-j6412.msrs
python3 - "$nvmx" "$J" >"$tmp/out" <<'PY'
import json, subprocess, sys
nvmx, host = sys.argv[1:]
rel = [k["name"] for k in json.loads(subprocess.run([nvmx, "kernels", "--json"], capture_output=True, text=True).stdout)]
cases = [("has-run", "IA32_VMX_PROCBASED_CTLS2", "0x48b", "0x00036bff00000000", "6.8"),
         ("has-run", "IA32_VMX_PROCBASED_CTLS2", "0x48b", "0x00036bff00000000", "7.0"),
         ("has-run", "IA32_VMX_MISC", "0x485", "0x0000000000000000", "6.8")]
for state, name, idx, val, k in cases:
    ex = json.loads(subprocess.run([nvmx, "explain", f"{idx}={val}", "--to", host, "--kvm", k, "--state", state,
                                    "--json"], capture_output=True, text=True).stdout)["writes"][0]
    if ex["accepted"]:
        print(f"SKIP {state} {idx}={val} on {k}: accepted")
        continue
    want = []
    for r in rel:
        out = subprocess.run([nvmx, "restore", "--to", host, "--kvm", r, "--state", state, f"{name}={val}", "--json"],
                             capture_output=True, text=True)
        if out.returncode == 2:
            continue
        d = json.loads(out.stdout)
        if d["load_ok"] and all(w["accepted"] for w in d["writes"]):
            want.append(r)
    got = ex["releases_accepting"]
    print(("OK" if sorted(got) == sorted(want) else "DIFF") + f" {state} {idx}={val} on {k}: explain {len(got)} "
          f"{sorted(got)} restore {len(want)} {sorted(want)}")
PY
while read -r verdict rest; do
	case $verdict in
	OK) t_ok "$(cut -c1-160 <<<"$rest")" true ;;
	SKIP) t_ok "case still rejected on a fresh vCPU? $rest" false ;;
	*) t_ok "$rest" false ;;
	esac
done <"$tmp/out"
t_ok "some releases accept the has-run write (the comparison is not trivial)" \
	grep -q '^OK has-run 0x48b=0x00036bff00000000 on 6.8: explain [1-9]' "$tmp/out"
t_ok "... and some do not (6.4 and later make feature MSRs immutable)" \
	bash -c "! grep -q \"'6.8'\" <(grep '^OK has-run 0x48b' '$tmp/out')"
t_ok "text: the releases are listed, not 'no KVM release accepts it'" \
	grep -q 'a KVM release that accepts it here: .*6\.3\.8' \
	<("$nvmx" explain 0x48b=0x00036bff00000000 --to "$J" --kvm 6.8 --state has-run)
t_done
