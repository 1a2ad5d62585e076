#!/usr/bin/env bash
# The VM's properties (guest CPUID, PMU version, quirks) belong to the VM: in
# `nvmx check` they apply to the source and the destination alike unless a
# --from-... option overrides the source.  The case that was a false
# MIGRATABLE: a Celeron J6412 VM with the host's CPUID under 5.10 has
# SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE (waitpkg) in PROCBASED_CTLS2, which 6.1
# does not offer; `nvmx restore` (checked against the kernel by the cpuid
# conformance cases) shows both facts independently of check.
. "$(dirname "$0")/lib.sh"
J=$hosts/intel-celeron-j6412.msrs
vm=(--guest-cpuid host --pmu-version 2)
check() { "$nvmx" check --from-host "$J" --from-kvm 5.10 --to "$J" --kvm 6.1 "$@"; }

# The facts, from restore alone.
saved=$("$nvmx" restore "$J" --kvm 5.10 "${vm[@]}" --json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["final"]["IA32_VMX_PROCBASED_CTLS2"])')
t_ok "5.10 with the host's CPUID offers USR_WAIT_PAUSE (PROCBASED_CTLS2 bit 26): $saved" \
	python3 -c "import sys; sys.exit(not (int('$saved', 16) >> 58) & 1)"
"$nvmx" restore "$J" --kvm 6.1 "${vm[@]}" "IA32_VMX_PROCBASED_CTLS2=$saved" >"$tmp/r61"
t_ok "6.1 with the same CPUID rejects that value" grep -q 'USR_WAIT_PAUSE.*does not offer it' "$tmp/r61"

check "${vm[@]}" >"$tmp/out"; rc=$?
t_ok "check with --guest-cpuid host --pmu-version 2: NOT MIGRATABLE, exit 1" \
	bash -c "[ $rc = 1 ] && grep -q '^verdict: NOT MIGRATABLE' '$tmp/out'"
t_ok "... rejecting PROCBASED_CTLS2 for USR_WAIT_PAUSE" \
	grep -q 'bit 26 SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE' "$tmp/out"
"$nvmx" upgrade --from-kvm 5.10 --to-kvm 6.1 "${vm[@]}" "$J" >"$tmp/up"
t_ok "upgrade with the same options says BREAKS too" grep -q 'BREAKS' "$tmp/up"

check "${vm[@]}" --from-guest-cpuid host,-waitpkg >"$tmp/out"; rc=$?
t_ok "--from-guest-cpuid overrides the source only (source without waitpkg: migratable)" \
	bash -c "[ $rc = 0 ] && grep -q '^verdict: MIGRATABLE' '$tmp/out'"
check --guest-cpuid host,-waitpkg --pmu-version 2 >"$tmp/out"; rc=$?
t_ok "a VM without waitpkg on both sides: migratable" [ $rc = 0 ]
check --guest-cpuid host --pmu-version 2 --from-pmu-version 0 >"$tmp/out"; rc=$?
t_ok "--from-pmu-version alone keeps the VM's CPUID on the source (still NOT MIGRATABLE)" [ $rc = 1 ]

# check and upgrade agree on every consecutive pair of releases for a few hosts
# with the VM's CPUID; the comparison must not be trivial (both answers seen).
python3 - "$nvmx" "$J" "$hosts" >"$tmp/agree" <<'PY'
import json, subprocess, sys
nvmx, j, hosts = sys.argv[1:]
vm = ["--guest-cpuid", "host", "--pmu-version", "2"]
rel = [k["name"] for k in json.loads(subprocess.run([nvmx, "kernels", "--json"], capture_output=True, text=True).stdout)]
sample = [j] + [f"{hosts}/{h}.msrs" for h in ("intel-core-i7-1365u", "intel-xeon-e5-4669-v3")]
agree = differ = yes = no = 0
for a, b in zip(rel, rel[1:]):
    up = json.loads(subprocess.run([nvmx, "upgrade", "--from-kvm", a, "--to-kvm", b, *vm, "--json", *sample],
                                   capture_output=True, text=True).stdout)
    for h, x in zip(sample, up["hosts"]):
        if not x["loads"]:
            continue
        got = json.loads(subprocess.run([nvmx, "check", "--from-host", h, "--from-kvm", a, "--to", h, "--kvm", b,
                                         *vm, "--json"], capture_output=True, text=True).stdout)["migratable"]
        if got == x["migratable"]:
            agree += 1
        else:
            differ += 1
            print(f"# {h.rsplit('/', 1)[-1]} {a} -> {b}: check {got}, upgrade {x['migratable']}")
        yes += x["migratable"]
        no += not x["migratable"]
print(agree, differ, yes, no)
PY
read -r agree differ yes no < <(grep -v '^#' "$tmp/agree")
grep '^#' "$tmp/agree"

# upgrade takes the same --from-... overrides as check, with the same meaning.
up() { "$nvmx" upgrade --from-kvm 5.10 --to-kvm 6.1 "${vm[@]}" "$@" --json "$J" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["hosts"][0]["migratable"])'; }
ck() { check "${vm[@]}" "$@" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["migratable"])'; }
for o in "--from-guest-cpuid host,-waitpkg" "--from-guest-cpuid none" "--from-pmu-version 0" \
	"--from-disable-quirks 0x100"; do
	u=$(up $o); c=$(ck $o)
	t_ok "upgrade $o: $u, as check says ($c)" [ -n "$u" ] && [ "$u" = "$c" ]
done
t_ok "upgrade --from-guest-cpuid host,-waitpkg: the source without waitpkg restores (True)" \
	[ "$(up --from-guest-cpuid host,-waitpkg)" = True ]
t_ok "upgrade --from-pmu-version 0 alone keeps the VM's CPUID on OLD (False)" \
	[ "$(up --from-pmu-version 0)" = False ]
t_ok "check and upgrade agree on $agree host/release pairs ($differ differ)" [ "${differ:-1}" = 0 ]
t_ok "... and the comparison is not trivial ($yes migratable, $no not)" \
	bash -c "[ ${yes:-0} -gt 0 ] && [ ${no:-0} -gt 0 ]"
t_done
