#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nvmx qemu-check and nvmx explain as commands: exit codes, bad input, JSON
# that parses and agrees with the text, fixes that start when re-run, and
# explain's verdict equal to nvmx restore's for the same write.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
H=data/hosts
# status WANT DESCRIPTION -- CMD...: the command exits with WANT
status() {
	local want=$1 desc=$2
	shift 3
	"$@" >/dev/null 2>&1
	local got=$?
	[ "$got" -eq "$want" ]
	t_is $? "$desc (exit $got, want $want)"
}
# json FIELD-PATH JSON: print a value with python3
jget() {
	python3 -c 'import json,sys
d=json.loads(sys.stdin.read())
for k in sys.argv[1].split("."):
    d = d[int(k)] if k.isdigit() else d[k]
print(json.dumps(d) if isinstance(d,(dict,list,bool)) or d is None else d)' "$1" 2>/dev/null
}

if ! "$nvmx" qemu-check --help >/dev/null 2>&1; then
	t_bail "$nvmx qemu-check --help does not run"
fi

X8180=$H/intel-xeon-platinum-8180.msrs
E3=$H/intel-xeon-e3-1245-v3.msrs
BDW=$H/intel-xeon-e5-2620-v4.msrs

status 0 "qemu-check --help" -- "$nvmx" qemu-check --help
status 0 "explain --help" -- "$nvmx" explain --help
list=$("$nvmx" qemu-check --list)
t_is $? "qemu-check --list"
for m in Nehalem Westmere SandyBridge IvyBridge Haswell Broadwell Skylake-Client Skylake-Server \
	Cascadelake-Server Cooperlake Icelake-Server SapphireRapids GraniteRapids SierraForest; do
	grep -q "^  $m " <<<"$list"
	t_is $? "--list has $m"
done
"$nvmx" qemu-check --list --json | python3 -m json.tool >/dev/null
t_is $? "--list --json parses"

status 0 "Skylake-Server on a Platinum 8180 under 6.1 starts" -- \
	"$nvmx" qemu-check -cpu Skylake-Server,+vmx --to "$X8180" --kvm 6.1
status 0 "--cpu=SPEC and an alias" -- \
	"$nvmx" qemu-check --cpu=Cascadelake-Server-noTSX,+vmx --to "$X8180" --kvm 6.1
status 1 "Haswell with enforce on an E3-1245 v3 (no posted interrupts) does not" -- \
	"$nvmx" qemu-check -cpu Haswell,+vmx,enforce --to "$E3" --kvm 6.6
status 1 "x-force-features makes KVM reject 0x48d" -- \
	"$nvmx" qemu-check -cpu Haswell,+vmx,x-force-features=on --to "$E3" --kvm 6.6
status 2 "unknown model" -- "$nvmx" qemu-check -cpu Pentium9 --to "$E3" --kvm 6.6
status 2 "unknown vmx-* property" -- "$nvmx" qemu-check -cpu Haswell,vmx-bogus=on --to "$E3" --kvm 6.6
status 2 "vmx-tsc-scaling does not exist in QEMU 4.2" -- \
	"$nvmx" qemu-check -cpu Haswell,vmx-tsc-scaling=on --to "$E3" --kvm 6.6 --qemu 4.2
status 2 "bad boolean" -- "$nvmx" qemu-check -cpu Haswell,enforce=maybe --to "$E3" --kvm 6.6
status 2 "missing --to" -- "$nvmx" qemu-check -cpu Haswell --kvm 6.6
status 2 "missing --kvm" -- "$nvmx" qemu-check -cpu Haswell --to "$E3"
status 2 "missing -cpu" -- "$nvmx" qemu-check --to "$E3" --kvm 6.6
status 2 "unknown QEMU release" -- "$nvmx" qemu-check -cpu Haswell --to "$E3" --kvm 6.6 --qemu 3.1
status 2 "unknown KVM release" -- "$nvmx" qemu-check -cpu Haswell --to "$E3" --kvm 4.19
status 2 "missing host file" -- "$nvmx" qemu-check -cpu Haswell --to /nonexistent.msrs --kvm 6.6
status 2 "--also without @" -- "$nvmx" qemu-check -cpu Haswell --to "$E3" --kvm 6.6 --also "$E3"
status 2 "--also with an unknown release" -- \
	"$nvmx" qemu-check -cpu Haswell --to "$E3" --kvm 6.6 --also "$E3@9.9"
status 2 "bad --guest-cpuid" -- "$nvmx" qemu-check -cpu Haswell --to "$E3" --kvm 6.6 --guest-cpuid what
status 2 "a stray argument" -- "$nvmx" qemu-check -cpu Haswell --to "$E3" --kvm 6.6 extra

# JSON agrees with the text.
j=$("$nvmx" qemu-check -cpu Haswell,+vmx,x-force-features=on --to "$E3" --kvm 6.6 --json)
[ $? -eq 1 ]
t_is $? "qemu-check --json exits 1 for a VM that does not start"
python3 -m json.tool <<<"$j" >/dev/null
t_is $? "qemu-check --json parses"
t=$("$nvmx" qemu-check -cpu Haswell,+vmx,x-force-features=on --to "$E3" --kvm 6.6)
[ "$(jget starts <<<"$j")" = false ] && grep -q '^verdict: the VM does not start' <<<"$t"
t_is $? "JSON and text agree: does not start"
err=$(jget error <<<"$j")
[ "$err" = "qemu-system-x86_64: error: failed to set MSR 0x48d to 0xff00000016" ] &&
	grep -qxF "  $err" <<<"$t"
t_is $? "QEMU's error line, in both: $err"
fixed=$(jget fix.cpu <<<"$j")
[ "$(jget fix.verified <<<"$j")" = true ] && [ -n "$fixed" ]
t_is $? "a verified fix: $fixed"
status 0 "the fixed -cpu starts" -- "$nvmx" qemu-check -cpu "$fixed" --to "$E3" --kvm 6.6
for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
	idx=$(jget "writes.$i.index" <<<"$j")
	val=$(jget "writes.$i.value" <<<"$j")
	acc=$(jget "writes.$i.accepted" <<<"$j")
	grep -q "^  $idx .* $val " <<<"$t" || { echo "# $idx $val missing from the text"; false; }
	t_is $? "write $i ($idx) listed in the text; accepted=$acc"
done

# Migration targets.
j=$("$nvmx" qemu-check -cpu Haswell,+vmx --to "$BDW" --kvm 6.1 --also "$E3@6.6" \
	--also "$X8180@5.10" --json)
t_is $? "qemu-check with --also starts (exit 0)"
[ "$(jget also.0.migratable <<<"$j")" = false ] && [ "$(jget also.1.migratable <<<"$j")" = true ]
t_is $? "E3-1245 v3 under 6.6 rejects the values, the Platinum 8180 under 5.10 takes them"
# Under the qemu semantics (the default) a yes needs the same -cpu to start there and give
# L1 the same MSRs: never yes while QEMU there would write different values.
for spec in "host,vmx-encls-exit=off" "Haswell,+vmx" "Skylake-Server,+vmx" "host"; do
	j=$("$nvmx" qemu-check -cpu "$spec" --to "$BDW" --kvm 6.1 --also "$X8180@6.8" \
		--also "$E3@6.6" --also "$BDW@5.15" --json)
	python3 -c 'import json,sys
d=json.loads(sys.stdin.read())
bad=[a["host"] for a in d["also"] if a["semantics"]=="qemu" and a["migratable"]
     and not (a["same_cpu_starts"] and a["same_cpu_same_values"] and a["l1_changes"]==0)]
sys.exit(1 if bad else 0)' <<<"$j"
	t_is $? "-cpu $spec: no --also says yes while QEMU there writes other values or L1 reads others"
done
out=$("$nvmx" qemu-check -cpu host,vmx-encls-exit=off --to "$BDW" --kvm 6.1 --also "$X8180@6.8")
grep -q "Platinum 8180 under KVM 6.8 (semantics qemu.*): no, it starts there but L1 reads" <<<"$out"
t_is $? "the report's case: -cpu host,vmx-encls-exit=off to a Platinum 8180 under 6.8 is a no"
j=$("$nvmx" qemu-check -cpu Haswell,+vmx --to "$BDW" --kvm 6.1 --also "$E3@6.6" --semantics saved-msrs --json)
[ "$(jget also.0.semantics <<<"$j")" = saved-msrs ] && [ "$(jget also.0.migratable <<<"$j")" = false ]
t_is $? "--semantics saved-msrs: the written-back values decide"
status 2 "--semantics unknown" -- "$nvmx" qemu-check -cpu Haswell --to "$E3" --kvm 6.6 --semantics x

# nested=0: the VM starts without VMX; with enforce it does not.
status 0 "nested=0: starts without VMX" -- \
	"$nvmx" qemu-check -cpu Haswell,+vmx --to "$BDW" --kvm 6.1 --param nested=0
status 1 "nested=0 with enforce: does not start" -- \
	"$nvmx" qemu-check -cpu Haswell,+vmx,enforce --to "$BDW" --kvm 6.1 --param nested=0
status 0 "QEMU 4.1 writes no VMX MSR" -- \
	"$nvmx" qemu-check -cpu Haswell,+vmx --to "$BDW" --kvm 6.1 --qemu 4.1

# explain: the tracker examples, and the same verdict as nvmx restore.
explain_vs_restore() { # HOST RELEASE MSR VALUE [PARAM]
	local host=$1 rel=$2 msr=$3 val=$4 param=${5:-}
	local pa=()
	[ -n "$param" ] && pa=(--param "$param")
	local e r
	e=$("$nvmx" explain "failed to set MSR $msr to $val" --host "$host" --kvm "$rel" "${pa[@]}" --json)
	r=$("$nvmx" restore "$host" --kvm "$rel" "${pa[@]}" "$msr=$val" --json)
	[ "$(jget writes.0.reason <<<"$e")" = "$(jget writes.0.reason <<<"$r")" ] &&
		[ "$(jget writes.0.rule <<<"$e")" = "$(jget writes.0.rule <<<"$r")" ] &&
		[ "$(jget writes.0.accepted <<<"$e")" = "$(jget writes.0.accepted <<<"$r")" ]
	t_is $? "explain $msr=$val on ${host##*/} under $rel${param:+ ($param)} agrees with restore: $(jget writes.0.rule <<<"$e")"
}
explain_vs_restore "$E3" 6.6 0x48d 0xff00000016
explain_vs_restore "$H/intel-core2-x6800.msrs" 6.1 0x48d 0x7f00000016
explain_vs_restore "$H/intel-core2-extreme-x9650.msrs" 6.1 0x48e 0xfff9fffe04006172
explain_vs_restore "$BDW" 6.1 0x48f 0xffffff00036dfb
explain_vs_restore "$BDW" 6.1 0x480 0x0 nested=0
explain_vs_restore "$X8180" 6.1 0x48d 0xff00000016
status 0 "explain exits 0 for an accepted write" -- \
	"$nvmx" explain 0x48d=0xff00000016 --host "$X8180" --kvm 6.1
status 1 "explain exits 1 for a rejected write" -- \
	"$nvmx" explain 0x48d 0xff00000016 --host "$E3" --kvm 6.6
status 2 "explain: not a VMX MSR" -- "$nvmx" explain 0x499=0x1 --host "$E3" --kvm 6.6
status 2 "explain: value wider than 64 bits" -- \
	"$nvmx" explain "failed to set MSR 0x48d to 0x10000000000000000" --host "$E3" --kvm 6.6
status 2 "explain: garbage" -- "$nvmx" explain "hello world" --host "$E3" --kvm 6.6
status 2 "explain: no --host" -- "$nvmx" explain 0x48d=0x1 --kvm 6.6
status 2 "explain: nothing to explain" -- "$nvmx" explain --host "$E3" --kvm 6.6
e=$("$nvmx" explain 0x48d=0xff00000016 --host "$E3" --kvm 6.6 --json)
[ "$(jget writes.0.added.0.qemu <<<"$e")" = vmx-posted-intr ] &&
	[ "$(jget writes.0.fixed_accepted <<<"$e")" = true ]
t_is $? "explain --json names vmx-posted-intr and its fix is accepted"
e=$("$nvmx" explain IA32_VMX_TRUE_PINBASED_CTLS=0xff00000016 --host "$E3" --kvm 6.6 --json)
[ "$(jget writes.0.index <<<"$e")" = 0x48d ]
t_is $? "explain takes an SDM name"

# --uname picks the row by the reporter's kernel: a modelled one is used, an
# older one is named as not modelled (the version compare follows the rows' encoding)
u=$("$nvmx" explain 0x48d=0x7f00000016 --host "$E3" --uname 6.8.0-45-generic 2>&1)
grep -Eq "explained under (the nearest, )?(6\.8|ubuntu-24\.04)" <<<"$u" && ! grep -q "not modelled" <<<"$u"
t_is $? "explain --uname 6.8.0-45-generic is explained under its row (Ubuntu 24.04's, or 6.8)"
u=$("$nvmx" explain 0x48d=0x7f00000016 --host "$E3" --uname 5.4.0-131-generic 2>&1)
grep -q "explained under ubuntu-20.04-5.4.0-131$" <<<"$u" && ! grep -q "not modelled" <<<"$u"
t_is $? "explain --uname 5.4.0-131-generic is explained under its Ubuntu 20.04 row (5.4.0-131)"
u=$("$nvmx" explain 0x48d=0x7f00000016 --host "$E3" --uname 4.15.0-213-generic 2>&1)
grep -q "older than every modelled release (the oldest is 5.4.210), so it is not modelled" <<<"$u"
t_is $? "explain --uname 4.15.0-213-generic (older than 5.4) is named as not modelled"

t_done
