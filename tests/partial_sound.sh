#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Partial hosts (cpuinfo, vmxcap) are never more confident than their dump:
# the cases a review found (a false MIGRATABLE where the dump says NOT
# MIGRATABLE) must say NOT PROVEN and name the bits that decide, and a sample
# of the bundled dumps x release pairs must never give MIGRATABLE where the
# dump does not, for check, upgrade and matrix (tests/partial_sound.py; all 178
# dumps: run it without --every).
set -u
source "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
i5=$hosts/intel-core-i5-12500.msrs
python3 tests/cpuinfo_gen.py "$i5" > "$tmp/i5.cpuinfo"
python3 tests/vmxcap_gen.py "$i5" > "$tmp/i5.vmxcap"

# verdict SRC A DST B: the verdict line of check
verdict() { "$nvmx" check --from-host "$1" --from-kvm "$2" --to "$3" --kvm "$4" 2>/dev/null | grep -A1 '^verdict:' | tr '\n' ' ' | sed 's/ *$//'; }

v=$(verdict "$i5" 6.18.26 "$i5" 6.12.33)
t_ok "the i5-12500 dump: 6.18.26 -> 6.12.33 NOT MIGRATABLE (BASIC bit 56)" grep -q "^verdict: NOT MIGRATABLE" <<<"$v"
v=$(verdict "$tmp/i5.cpuinfo" 6.18.26 "$tmp/i5.cpuinfo" 6.12.33)
t_diag "$v"
t_ok "its cpuinfo: NOT PROVEN, deciding bit IA32_VMX_BASIC bit 56" \
	grep -q 'NOT PROVEN.*IA32_VMX_BASIC bit 56' <<<"$v"
for f in cpuinfo vmxcap; do
	v=$(verdict "$tmp/i5.$f" 6.18.2 "$tmp/i5.$f" 7.0)
	t_diag "$v"
	t_ok "its $f: 6.18.2 -> 7.0 (load-CET controls) NOT PROVEN" grep -q 'NOT PROVEN' <<<"$v"
done
v=$(verdict "$i5" 6.18.2 "$i5" 7.0)
t_ok "the dump: 6.18.2 -> 7.0 NOT MIGRATABLE" grep -q "^verdict: NOT MIGRATABLE" <<<"$v"
# A pair the dump migrates: the partial forms may say MIGRATABLE, and do.
v=$(verdict "$tmp/i5.cpuinfo" 6.1 "$tmp/i5.cpuinfo" 6.6)
t_diag "$v"
t_ok "its cpuinfo: 6.1 -> 6.6 MIGRATABLE, as the dump" grep -q "^verdict: MIGRATABLE" <<<"$v"
j=$("$nvmx" check --from-host "$tmp/i5.cpuinfo" --from-kvm 6.18.26 --to "$tmp/i5.cpuinfo" --kvm 6.12.33 --json 2>/dev/null)
t_ok "--json: not_proven and the deciding bit" python3 -c '
import json, sys
p = json.loads(sys.argv[1])["partial_host"]
assert p["not_proven"] and {"side": None, "msr": "IA32_VMX_BASIC", "bits": [56]} in p["deciding"], p
' "$j"

# check --cpu (QEMU's migration) too: "safe" only on every completion.
"$nvmx" check --cpu max --from-host "$tmp/i5.cpuinfo" --from-kvm 6.18.2 --to "$tmp/i5.cpuinfo" --kvm 7.0 \
	>"$tmp/q.out" 2>/dev/null
rc=$?
t_diag "$(grep -A1 '^verdict' "$tmp/q.out")"
t_ok "check --cpu max 6.18.2 -> 7.0 on its cpuinfo: NOT PROVEN, exit 1 (the dump is not safe)" \
	sh -c "test $rc -eq 1 && grep -q '^verdict: NOT PROVEN' '$tmp/q.out' &&
	       ! '$nvmx' check --cpu max --from-host '$i5' --from-kvm 6.18.2 --to '$i5' --kvm 7.0 2>/dev/null | grep -q '^verdict: safe'"
"$nvmx" check --cpu max --from-host "$tmp/i5.cpuinfo" --from-kvm 6.18.2 --to "$tmp/i5.cpuinfo" --kvm 7.0 --json \
	2>/dev/null >"$tmp/q.json"
t_ok "... --json: verdict 'not proven', the deciding bits" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "not proven" and d["partial_host"]["not_proven"] and d["partial_host"]["deciding"], d["verdict"]
' "$tmp/q.json"

# qemu-check: "starts" only on every completion (cpuinfo gives no EPT page-walk-4 bit).
"$nvmx" qemu-check -cpu max,vmx-page-walk-4=on,enforce --to "$tmp/i5.cpuinfo" --kvm 6.12 >"$tmp/qc.out" 2>/dev/null
rc=$?
t_diag "$(grep -A1 '^verdict' "$tmp/qc.out")"
t_ok "qemu-check enforcing vmx-page-walk-4 on its cpuinfo: NOT PROVEN (EPT_VPID_CAP bit 6), exit 1" \
	sh -c "test $rc -eq 1 && grep -q '^verdict: NOT PROVEN' '$tmp/qc.out' &&
	       grep -q 'IA32_VMX_EPT_VPID_CAP bit 6' '$tmp/qc.out'"

# qemu-check --also: "yes" only on every completion of the partial input (both
# semantics); the dump says no for both of these moves.
"$nvmx" qemu-check -cpu max --to "$tmp/i5.cpuinfo" --kvm 6.18.26 --also "$i5@6.12.33" \
	--semantics saved-msrs >"$tmp/qa.out" 2>/dev/null
t_diag "$(grep -A1 '^migrate' "$tmp/qa.out")"
t_ok "qemu-check --also (saved-msrs) from its cpuinfo 6.18.26 -> the dump 6.12.33: not proven (BASIC bit 56)" \
	sh -c "grep -q '^migrate.*: not proven: every value is accepted' '$tmp/qa.out' &&
	       grep -q 'IA32_VMX_BASIC bit 56' '$tmp/qa.out'"
t_ok "... where the dump itself is rejected there" sh -c "'$nvmx' qemu-check -cpu max --to '$i5' --kvm 6.18.26 \
	--also '$i5@6.12.33' --semantics saved-msrs 2>/dev/null | grep -q '^migrate.*: no, 1 of 12 values rejected'"
"$nvmx" qemu-check -cpu max --to "$tmp/i5.cpuinfo" --kvm 6.18.2 --also "$tmp/i5.cpuinfo@7.0" --json \
	>"$tmp/qa.json" 2>/dev/null
t_ok "qemu-check --also (qemu) its cpuinfo 6.18.2 -> 7.0: not migratable, not proven, as the dump is not safe" python3 -c '
import json, subprocess, sys
a = json.load(open(sys.argv[1]))["also"][0]
assert not a["migratable"] and a["qemu_verdict"] == "safe" and a["partial_host"]["not_proven"], a
d = json.loads(subprocess.run([sys.argv[2], "qemu-check", "-cpu", "max", "--to", sys.argv[3], "--kvm", "6.18.2",
                               "--also", sys.argv[3] + "@7.0", "--json"], capture_output=True, text=True).stdout)
assert not d["also"][0]["migratable"] and d["also"][0]["partial_host"] is None, d["also"][0]
' "$tmp/qa.json" "$nvmx" "$i5"

# upgrade and matrix apply the same rule.
"$nvmx" upgrade --from-kvm pve-9.2 --kvm pve-9.1 "$tmp/i5.cpuinfo" >"$tmp/u.out" 2>/dev/null
rc=$?
t_diag "$(head -1 "$tmp/u.out")"
t_ok "upgrade pve-9.2 -> pve-9.1 of its cpuinfo: NOT PROVEN, exit 1 (the dump breaks)" \
	sh -c "test $rc -eq 1 && grep -q 'NOT PROVEN' '$tmp/u.out' && grep -q '1 not proven' '$tmp/u.out'"
t_ok "... and the dump itself breaks" sh -c "'$nvmx' upgrade --from-kvm pve-9.2 --kvm pve-9.1 '$i5' | grep -q BREAKS"
cp "$i5" "$tmp/i5.msrs"
(cd "$tmp" && "$nvmx" matrix i5.cpuinfo@6.18.26 i5.cpuinfo@6.12.33 --format json 2>/dev/null) >"$tmp/m.json"
(cd "$tmp" && "$nvmx" matrix i5.msrs@6.18.26 i5.msrs@6.12.33 --format json 2>/dev/null) >"$tmp/md.json"
t_ok "matrix of its cpuinfo @6.18.26 @6.12.33: '?' where the dump has '.', with the deciding bit" python3 -c '
import json, sys
p, d = (json.load(open(f)) for f in sys.argv[1:3])
assert d["matrix"]["strict"] == ["Y.", "YY"], d["matrix"]
assert p["matrix"]["strict"] == ["Y?", "YY"], p["matrix"]
assert p["not_proven"][0]["deciding"] == [{"side": None, "msr": "IA32_VMX_BASIC", "bits": [56]}], p
assert p["not_proven_pairs"]["strict"] == 1 and p["migratable_pairs"]["strict"] == 3
' "$tmp/m.json" "$tmp/md.json"

# baseline and pools: a partial host verifies the values only if every completion accepts them.
i7=$hosts/intel-core-i7-6700k.msrs
(cd "$tmp" && "$nvmx" baseline i5.cpuinfo "$i7" --kvm 6.12.33 --format json 2>/dev/null) >"$tmp/b.json"
rc=$?
t_ok "baseline with its cpuinfo: not verified (exit 1), the deciding bit named" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["verified"] and d["not_proven"][0]["host"] == "i5", d.get("not_proven")
assert d["not_proven"][0]["deciding"], d["not_proven"]
assert sys.argv[2] == "1"
' "$tmp/b.json" $rc
t_ok "... while its dump's baseline is verified (exit 0)" sh -c "'$nvmx' baseline '$i5' '$i7' --kvm 6.12.33 >/dev/null 2>&1"
"$nvmx" pools "$tmp/i5.cpuinfo" "$i7" --kvm 6.12.33 --format json >"$tmp/p.json" 2>/dev/null
rc=$?
t_ok "pools with its cpuinfo: not verified (exit 1)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["verified"] and d["not_proven"] >= 1 and sys.argv[2] == "1", (d["verified"], sys.argv[2])
' "$tmp/p.json" $rc

# libvirt XML: an unlisted vmx-* feature is unknown, not absent; a disabled one is 0.
x=tests/fixtures/domcapabilities.xml
"$nvmx" check --from-host $x --from-kvm 6.1 --to "$hosts/intel-celeron-j6412.msrs" --kvm 6.6 \
	>"$tmp/x.out" 2>"$tmp/x.err"
rc=$?
t_diag "$(grep verdict "$tmp/x.out")" "$(tail -1 "$tmp/x.err")"
t_ok "libvirt host-model without vmx-ept listed: not 'does not load' (exit 2) but NOT PROVEN" \
	sh -c "test $rc -eq 1 && grep -q 'NOT PROVEN' '$tmp/x.out'"
"$nvmx" decode $x --json 2>/dev/null >"$tmp/x.json"
t_ok "libvirt: unlisted vmx-ept unknown, disabled vmx-pml known 0" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
u = int(d["unknown"]["IA32_VMX_PROCBASED_CTLS2"], 16)
v = int(d["msrs"]["IA32_VMX_PROCBASED_CTLS2"], 16)
assert u >> 33 & 1, "EPT (secondary bit 1) should be unknown"
assert not u >> 49 & 1 and not v >> 49 & 1, "PML (secondary bit 17) is disabled: known 0"
' "$tmp/x.json"

# The sampled soundness run (its own TAP, counted as one test here).
out=$(python3 tests/partial_sound.py "$nvmx" "$tmp" --every 30)
rc=$?
grep -E '^not ok|^#' <<<"$out" | sed 's/^/# /'
t_ok "sampled dumps x release pairs: partial MIGRATABLE implies the dump MIGRATABLE" test $rc -eq 0
echo "1..$t_n"
exit $((t_failed > 0))
