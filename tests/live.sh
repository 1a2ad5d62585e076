#!/usr/bin/env bash
# derive --live and verify --live on fake /dev, /proc and /sys trees built
# from a bundled dump (the MSR device fixture holds MSR n at byte offset 8*n).
set -u
. "$(dirname "$0")/lib.sh"
dump=$hosts/intel-xeon-platinum-8180.msrs
ok() { t_ok "$1" eval "$2"; }	# ok DESCRIPTION CONDITION

mkroot() { t_fake_root "$1" "$dump" "$2" "" "${@:3}"; }	# mkroot DIR RELEASE [PARAM=VALUE...]

t_plan 10
mkroot "$tmp/a" 6.1.0-18-amd64
"$nvmx" derive "$dump" --kvm 6.1.158 --json > "$tmp/want.json"
"$nvmx" derive --live --root "$tmp/a" --json > "$tmp/got.json"; rc=$?
ok "derive --live exits 0" "[ $rc = 0 ]"
# Debian's ABI 18 is the package 6.1.76: Debian's lineage (the 6.1.y row), not 6.1.0
ok "derive --live picks 6.1.158 for 6.1.0-18-amd64 and equals derive on the dump" \
   "python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(a[\"nested\"]!=b[\"nested\"] or b[\"kernel\"]!=\"6.1.158\")' $tmp/want.json $tmp/got.json"

# What KVM offers on /dev/kvm: the derived values, as .msrs text.
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
print("\n".join("%s = %s" % kv for kv in d["nested"].items()))' "$tmp/want.json" > "$tmp/a/dev/kvm"
out=$("$nvmx" verify --live --root "$tmp/a"); rc=$?
ok "verify --live agrees when /dev/kvm offers the predicted values" "[ $rc = 0 ] && grep -q 'agrees' <<<\"\$out\""

# A --kvm with no row of its own: said on stderr and in the JSON, as every command does.
"$nvmx" verify --live --root "$tmp/a" --kvm 6.10 --json >"$tmp/v.json" 2>"$tmp/v.err"
ok "verify --kvm 6.10: \"approximate\" in the JSON and a warning on stderr" \
   "python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))[\"approximate\"]; sys.exit(a[\"asked\"]!=\"6.10\" or a[\"used\"]!=\"6.9\")' $tmp/v.json && grep -q \"warning: no row for kernel '6.10'\" $tmp/v.err"

sed -i 's/^IA32_VMX_PROCBASED_CTLS2 = 0x02/IA32_VMX_PROCBASED_CTLS2 = 0x06/' "$tmp/a/dev/kvm"
out=$("$nvmx" verify --live --root "$tmp/a"); rc=$?
ok "verify --live exits 1 on a difference" "[ $rc = 1 ]"
ok "... and names the differing bit" "grep -q 'KVM offers, model does not: SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE' <<<\"\$out\""

mkroot "$tmp/b" 6.1.0-18-amd64 ept=N
"$nvmx" derive --live --root "$tmp/b" --json >"$tmp/b.json"
ok "kvm_intel.ept=N from sysfs removes EPT from the nested secondary controls" \
   "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(int(d[\"nested\"][\"IA32_VMX_PROCBASED_CTLS2\"],16)>>33&1)' $tmp/b.json"

mkroot "$tmp/c" 7.2.20
out=$("$nvmx" derive --live --root "$tmp/c")
ok "a newer kernel uses the closest older profile and says so" "grep -q 'closest profile 7.2.13' <<<\"\$out\""

mkroot "$tmp/d" 6.1.0; rm -rf "$tmp/d/sys/module/kvm_intel"
"$nvmx" derive --live --root "$tmp/d" >/dev/null 2>"$tmp/err"; rc=$?
ok "kvm_intel not loaded: exit 3" "[ $rc = 3 ]"
ok "... with a message saying so" "grep -q 'kvm_intel' $tmp/err"
t_done
