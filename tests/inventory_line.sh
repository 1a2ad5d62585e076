#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nvmx inventory-line --live on fake /dev, /proc and /sys trees (the MSR
# device fixture holds MSR n at byte offset 8*n): the line carries the dump,
# the kernel, the parameters and the Hyper-V environment, and a fleet reads it.
set -u
source "$(dirname "$0")/lib.sh"
dump=$hosts/intel-xeon-platinum-8180.msrs
ok() { t_ok "$1" eval "$2"; }	# ok DESCRIPTION CONDITION
jq_() { python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(eval(sys.argv[2]))' "$@"; }

mkroot() { t_fake_root "$1" "$dump" "$2" "$3" dump_invalid_vmcs=N "${@:4}"; }	# mkroot DIR RELEASE EXTRA-CPU-FLAGS [PARAM=VALUE...]

mkroot "$tmp/a" 6.1.0-18-amd64 "" ept=N
"$nvmx" inventory-line --live --root "$tmp/a" > "$tmp/a.jsonl" 2>"$tmp/err"; rc=$?
ok "a host's line (exit $rc), nothing on stderr" '[ $rc = 0 ] && [ ! -s "$tmp/err" ] && [ $(wc -l < "$tmp/a.jsonl") = 1 ]'
ok "name, uname and its row" '[ "$(jq_ "$tmp/a.jsonl" "(d[\"name\"], d[\"uname\"], d[\"kvm\"])")" = "('"'"'node-a'"'"', '"'"'6.1.0-18-amd64'"'"', '"'"'6.1.158'"'"')" ]'
ok "parameters: ept=N carried, unknown dump_invalid_vmcs and enlightened_vmcs left out" \
	'[ "$(jq_ "$tmp/a.jsonl" "(d[\"params\"][\"ept\"], \"dump_invalid_vmcs\" in d[\"params\"], \"enlightened_vmcs\" in d[\"params\"], d[\"hyperv_evmcs\"])")" = "('"'"'N'"'"', False, False, False)" ]'
ok "the MSRs are the dump's" '[ "$(jq_ "$tmp/a.jsonl" "d[\"msrs\"][\"IA32_VMX_TRUE_PINBASED_CTLS\"]")" = "$(sed -n "s/^IA32_VMX_TRUE_PINBASED_CTLS = 0x0*\(.*\)/\1/p" "$dump" | sed "s/^/0x/;s/^0x/0x/" | python3 -c "import sys; print(\"0x%016x\" % int(sys.stdin.read(),16))")" ]'
"$nvmx" derive "$tmp/a.jsonl" --kvm 6.1 --param ept=0 --json > "$tmp/d1.json"; rc1=$?
"$nvmx" derive "$dump" --kvm 6.1 --param ept=0 --json > "$tmp/d2.json"; rc2=$?
ok "the line reads as a host: derive gives what the dump gives" '[ $rc1 = 0 ] && [ $rc2 = 0 ] && [ "$(python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); print(a[\"nested\"] is not None and [a[k] for k in (\"nested\",\"vmcs_config\",\"params_effective\")]==[b[k] for k in (\"nested\",\"vmcs_config\",\"params_effective\")])" "$tmp/d1.json" "$tmp/d2.json")" = True ]'
out=$("$nvmx" baseline --inventory "$tmp/a.jsonl" --format json 2>&1); rc=$?
ok "a fleet reads the line (baseline exit $rc)" '[ $rc = 0 ]'

mkroot "$tmp/b" 6.6.30 "" enlightened_vmcs=Y
"$nvmx" inventory-line --live --root "$tmp/b" --name hv1 > "$tmp/b.jsonl" 2>"$tmp/err"
ok "enlightened_vmcs=Y: hyperv_evmcs true; --name wins" '[ "$(jq_ "$tmp/b.jsonl" "(d[\"name\"], d[\"hyperv_evmcs\"], d[\"kvm\"])")" = "('"'"'hv1'"'"', True, '"'"'6.6'"'"')" ]'

mkroot "$tmp/c" 4.15.0-213-generic hypervisor
"$nvmx" inventory-line --live --root "$tmp/c" > "$tmp/c.jsonl" 2>"$tmp/err"; rc=$?
ok "a 4.15 kernel (older than 5.4): uname only, with a warning (exit $rc)" '[ $rc = 0 ] && grep -q "4.15.0-213-generic.* is older than every modelled release" "$tmp/err" && [ "$(jq_ "$tmp/c.jsonl" "\"kvm\" in d")" = False ]'
ok "a host that is itself a VM is said to be one" 'grep -q "itself a virtual machine" "$tmp/err"'
out=$("$nvmx" baseline --inventory "$tmp/c.jsonl" 2>&1); rc=$?
ok "a fleet refuses the 4.15 line, naming it (exit $rc)" '[ $rc = 2 ] && [[ $out == *"4.15.0-213-generic"*"is older than every modelled release"* ]]'
mkroot "$tmp/u" 5.4.0-131-generic ""
"$nvmx" inventory-line --live --root "$tmp/u" > "$tmp/u.jsonl" 2>"$tmp/err"; rc=$?
ok "Ubuntu 20.04's 5.4.0-131: its row, ubuntu-20.04-5.4.0-131 (exit $rc)" '[ $rc = 0 ] && [ "$(jq_ "$tmp/u.jsonl" "d[\"kvm\"]")" = ubuntu-20.04-5.4.0-131 ]'

rm -rf "$tmp/a/sys/module/kvm_intel"
"$nvmx" inventory-line --live --root "$tmp/a" >"$tmp/out" 2>"$tmp/err"; rc=$?
ok "kvm_intel not loaded: exit 3, nothing on stdout" '[ $rc = 3 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ]'
t_done
