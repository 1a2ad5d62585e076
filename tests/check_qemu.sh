#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nvmx check --cpu: QEMU's live migration, where the destination QEMU builds
# the VMX MSRs again from the same -cpu.  Cases from known facts: the Xeon
# E3-1245 v3 has no posted interrupts and no APIC register virtualization
# (QEMU filters them there, so L1's MSRs change); enforce refuses the CPU
# there; a live vmcs12 that uses posted interrupts cannot be restored there;
# QEMU before 7.1 keeps the BNDCFGS controls with -mpx, which KVM 5.15
# rejects.  Every fix printed is re-run and must come back safe.
set -u
source "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
H=data/hosts
SRC="--from-host $H/intel-xeon-e5-2620-v4.msrs --from-kvm 6.1"
DST="--to $H/intel-xeon-e3-1245-v3.msrs --kvm 6.6"
ok() { t_ok "$2" test "$1" -eq 0; }	# ok STATUS DESCRIPTION
jget() {
	python3 -c 'import json,sys
d=json.loads(sys.stdin.read())
for k in sys.argv[1].split("."):
    d = d[int(k)] if k.isdigit() else d[k]
print(json.dumps(d) if isinstance(d,(dict,list,bool)) or d is None else d)' "$1" 2>/dev/null
}
# blob FILE PIN: a KVM_GET_NESTED_STATE blob, L1 in VMX operation, vmcs12 with pin-based PIN
blob() {
	python3 - "$@" <<'PY'
import struct, sys
path, pin = sys.argv[1], int(sys.argv[2], 16)
hdr = bytearray(128)
struct.pack_into("<HHIQQ", hdr, 0, 0, 0, 128 + 4096, 0x1000, 0x2000)
v = bytearray(4096)
struct.pack_into("<I", v, 0, 0x11e57ed0)
struct.pack_into("<Q", v, 176, (1 << 64) - 1)
struct.pack_into("<I", v, 744, pin)
struct.pack_into("<I", v, 748, 0x84006172 | 0x80)
struct.pack_into("<I", v, 768, 0x36dfb | 0x200 | 0x8000)
struct.pack_into("<I", v, 780, 0x11fb | 0x200)
struct.pack_into("<I", v, 804, 0)
open(path, "wb").write(bytes(hdr) + bytes(v))
PY
}

# 1-4: filtered features: it starts, but L1 loses posted interrupts and APICv.
out=$("$nvmx" check --cpu Haswell,+vmx $SRC $DST); rc=$?
[ $rc = 1 ] && grep -q '^semantics: qemu' <<<"$out" && grep -q '^verdict: L1-visible change' <<<"$out"
ok $? "filtered on the destination: L1-visible change, exit 1 (rc $rc)"
grep -q 'may be 1, vanish: PIN_BASED_POSTED_INTR (vmx-posted-intr)' <<<"$out"
ok $? "the vanishing control is named by bit"
json=$("$nvmx" check --cpu Haswell,+vmx $SRC $DST --json)
[ "$(jget verdict <<<"$json")" = l1-visible-change ] && [ "$(jget semantics <<<"$json")" = qemu ] &&
	jget changes <<<"$json" | grep -q '"qemu": "vmx-apicv-vid"'
ok $? "--json: verdict, semantics and the changed bits"
fix=$(jget fix.cpu <<<"$json")
"$nvmx" check --cpu "$fix" $SRC $DST >"$tmp/o" 2>&1; rc=$?
[ $rc = 0 ] && grep -q '^verdict: safe' "$tmp/o"
ok $? "the printed fix ($fix) re-run: safe (rc $rc)"

# 5: the same host and release: safe.
"$nvmx" check --cpu Haswell,+vmx $SRC --to $H/intel-xeon-e5-2620-v4.msrs --kvm 6.1 >"$tmp/o"; rc=$?
[ $rc = 0 ] && grep -q '^what L1 reads: the same VMX MSRs on both sides' "$tmp/o"
ok $? "same host and release: safe, exit 0 (rc $rc)"

# 6-7: enforce: the destination QEMU refuses the CPU.
out=$("$nvmx" check --cpu Haswell,+vmx,enforce $SRC $DST); rc=$?
[ $rc = 1 ] && grep -q '^verdict: fails' <<<"$out" && grep -q "Host doesn't support requested features" <<<"$out"
ok $? "enforce on the destination: fails, with QEMU's line (rc $rc)"
fix=$("$nvmx" check --cpu Haswell,+vmx,enforce $SRC $DST --json | jget fix.cpu)
"$nvmx" check --cpu "$fix" $SRC $DST >/dev/null 2>&1
ok $? "the enforce fix ($fix) re-run: safe"

# 8-9: nested state: a vmcs12 with posted interrupts cannot land on the E3.
blob "$tmp/pi" 0x9f
blob "$tmp/nopi" 0x1f
json=$("$nvmx" check --cpu Haswell,+vmx $SRC $DST --nested-state "$tmp/pi" --json); rc=$?
[ $rc = 1 ] && [ "$(jget verdict <<<"$json")" = fails ] && [ "$(jget nested_state.fits <<<"$json")" = false ]
ok $? "vmcs12 uses posted interrupts the destination lacks: fails (rc $rc)"
json=$("$nvmx" check --cpu Haswell,+vmx $SRC $DST --nested-state "$tmp/nopi" --json)
[ "$(jget verdict <<<"$json")" = l1-visible-change ] && [ "$(jget nested_state.fits <<<"$json")" = true ]
ok $? "a vmcs12 without them fits: still only an L1-visible change"

# 10-11: QEMU before 7.1 with -cpu host,-mpx on an MPX host under KVM 5.15.
S8180="--from-host $H/intel-xeon-platinum-8180.msrs --from-kvm 5.15 --to $H/intel-xeon-platinum-8180.msrs --kvm 5.15"
out=$("$nvmx" check --cpu host,-mpx --qemu 5.0 $S8180); rc=$?
[ $rc = 1 ] && grep -q 'failed to set MSR 0x48f' <<<"$out" && grep -q '^verdict: fails' <<<"$out"
ok $? "-cpu host,-mpx under QEMU 5.0: does not start (rc $rc)"
"$nvmx" check --cpu host,-mpx --qemu 7.1.2 $S8180 >/dev/null; rc=$?
[ $rc = 0 ]
ok $? "-cpu host,-mpx under QEMU 7.1.2: safe (rc $rc)"

# 12-13: the other semantics says so; the plain check no longer quotes QEMU.
out=$("$nvmx" check --cpu Haswell,+vmx --semantics saved-msrs $SRC $DST); rc=$?
grep -q '^semantics: saved-msrs' <<<"$out" && [ $rc = 1 ]
ok $? "--semantics saved-msrs: the written-back values, named as such (rc $rc)"
out=$("$nvmx" check $SRC $DST)
grep -q '^semantics: saved-msrs' <<<"$out" && ! grep -q 'QEMU would print' <<<"$out" &&
	[ "$("$nvmx" check $SRC $DST --json | jget semantics)" = saved-msrs ]
ok $? "check without --cpu: saved-msrs semantics, no QEMU error line"

# A destination with nested=0: QEMU there drops vmx (the VM starts), L1 loses VMX: fails.
out=$("$nvmx" check --cpu Haswell,+vmx $SRC $DST --param nested=0); rc=$?
[ $rc = 1 ] && grep -q '^verdict: fails' <<<"$out" && grep -q 'guest CPUID, source -> destination: -vmx' <<<"$out"
ok $? "destination with nested=0: L1 loses VMX, fails (rc $rc)"

# 14-16: bad input.
"$nvmx" check --cpu Haswell,+vmx --semantics both $SRC $DST >/dev/null 2>&1
[ $? = 2 ]; ok $? "--semantics both: exit 2"
"$nvmx" check --cpu YongFeng,+vmx --qemu 9.2 $SRC $DST >/dev/null 2>"$tmp/e"
[ $? = 2 ] && grep -q 'not in QEMU 9.2' "$tmp/e"; ok $? "a model the release lacks: exit 2"
"$nvmx" check --cpu Haswell,+vmx --qemu 3.1 $SRC $DST >/dev/null 2>&1
[ $? = 2 ]; ok $? "--qemu 3.1: exit 2"

t_done
