#!/usr/bin/env bash
# nvmx check --nested-state: blobs in KVM's layout (kvm-nested-state.md: header
# 128 bytes, vmcs12 at 128; vmcs12 offsets pin +744, primary +748, exit +768,
# entry +780, secondary +804, link pointer +176).  Case: 5.19's ENCLS exiting on
# a host without SGX, which 6.1 no longer offers.
set -u
. "$(dirname "$0")/lib.sh"
host=$hosts/centaur-es-cns-0040672.msrs

blob() {	# blob FILE off|l1|l2 PROC2
	python3 - "$@" <<'PY'
import struct, sys
path, state, proc2 = sys.argv[1], sys.argv[2], int(sys.argv[3], 16)
hdr = bytearray(128)
if state == "off":
    struct.pack_into("<HHIQQ", hdr, 0, 0, 0, 128, (1 << 64) - 1, (1 << 64) - 1)
    open(path, "wb").write(bytes(hdr)); sys.exit(0)
flags = 1 if state == "l2" else 0                     # KVM_STATE_NESTED_GUEST_MODE
struct.pack_into("<HHIQQ", hdr, 0, flags, 0, 128 + 4096, 0x1000, 0x2000)
v = bytearray(4096)
struct.pack_into("<I", v, 0, 0x11e57ed0)
struct.pack_into("<Q", v, 176, (1 << 64) - 1)         # no VMCS link
struct.pack_into("<I", v, 744, 0x16 | 0x1 | 0x8)       # pin: default1, ext-intr, NMI exiting
struct.pack_into("<I", v, 748, 0x84006172 | 0x80)      # primary: default1, HLT, secondary on
struct.pack_into("<I", v, 768, 0x36dfb | 0x200)        # exit: default1, host 64-bit
struct.pack_into("<I", v, 780, 0x11fb | 0x200)         # entry: default1, IA-32e guest
struct.pack_into("<I", v, 804, proc2)
open(path, "wb").write(bytes(hdr) + bytes(v))
PY
}
check() { "$nvmx" check --from-host "$host" --from-kvm 5.19 --to "$host" --kvm 6.1 "$@"; }

t_plan 8
blob "$tmp/off" off 0
out=$(check --nested-state "$tmp/off"); rc=$?
[ $rc = 1 ]
t_is $? "VMX off: still rejected under strict (exit 1)" || t_diag "rc $rc"
grep -q 'the VM may not be using VMX features at all' <<<"$out" && grep -q 'safe to drop (vmcs12 does not use it): SECONDARY_EXEC_ENCLS_EXITING' <<<"$out"
t_is $? "... and ENCLS exiting is reported safe to drop" || t_diag "$out"

blob "$tmp/l1" l1 0x20
out=$(check --policy revoke-keep --nested-state "$tmp/l1"); rc=$?
[ $rc = 0 ]
t_is $? "L1 in VMX operation, vmcs12 without ENCLS exiting, revoke-keep: migratable" || t_diag "rc $rc"
grep -q 'safe to drop (vmcs12 does not use it): SECONDARY_EXEC_ENCLS_EXITING' <<<"$out"
t_is $? "... the revoked bit is unused"

blob "$tmp/l2" l2 0x8020
out=$(check --policy revoke-keep --nested-state "$tmp/l2"); rc=$?
[ $rc = 1 ]
t_is $? "L2 running with ENCLS exiting in vmcs12: not safe even under revoke-keep" || t_diag "rc $rc"
grep -q 'UNSAFE under every policy: the live vmcs12 uses SECONDARY_EXEC_ENCLS_EXITING' <<<"$out"
t_is $? "... naming the control in use" || t_diag "$out"
json=$(check --nested-state "$tmp/l2" --json)
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); n=d["nested_state"]; sys.exit(not(d["migratable"] is False and n["guest_mode"] and n["unsafe"] and n["used"][0][0]["bit"]==15))' "$json"
t_is $? "--json carries the nested-state verdict"

head -c 60 "$tmp/l2" > "$tmp/short"
check --nested-state "$tmp/short" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q 'short' "$tmp/err"
t_is $? "a truncated blob is bad input (exit 2) naming the file" || t_diag "rc $rc $(cat $tmp/err)"
t_done
