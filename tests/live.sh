#!/usr/bin/env bash
# derive --live and verify --live on fake /dev, /proc and /sys trees built
# from a bundled dump (the MSR device fixture holds MSR n at byte offset 8*n).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
nvmx=${NVMX:-$here/build/nvmx}
dump=$here/data/hosts/intel-xeon-platinum-8180.msrs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }

mkroot() {	# mkroot DIR RELEASE [PARAM=VALUE...]
	local r=$1 rel=$2; shift 2
	mkdir -p "$r/dev/cpu/0" "$r/proc/sys/kernel" "$r/sys/module/kvm_intel/parameters"
	echo "$rel" > "$r/proc/sys/kernel/osrelease"
	python3 - "$dump" "$r" <<'PY'
import sys, struct
dump, root = sys.argv[1], sys.argv[2]
names = ["BASIC","PINBASED_CTLS","PROCBASED_CTLS","EXIT_CTLS","ENTRY_CTLS","MISC","CR0_FIXED0",
         "CR0_FIXED1","CR4_FIXED0","CR4_FIXED1","VMCS_ENUM","PROCBASED_CTLS2","EPT_VPID_CAP",
         "TRUE_PINBASED_CTLS","TRUE_PROCBASED_CTLS","TRUE_EXIT_CTLS","TRUE_ENTRY_CTLS","VMFUNC",
         "PROCBASED_CTLS3","EXIT_CTLS2"]
vals, ident = {}, {}
for line in open(dump):
    line = line.split("#")[0].strip()
    if "=" not in line: continue
    k, v = [x.strip() for x in line.split("=", 1)]
    if k.startswith("IA32_VMX_"): vals[0x480 + names.index(k[9:])] = int(v, 16)
    else: ident[k] = v
with open(root + "/dev/cpu/0/msr", "wb") as f:
    for idx, v in vals.items():
        f.seek(8 * idx); f.write(struct.pack("<Q", v))
with open(root + "/proc/cpuinfo", "w") as f:
    f.write("processor\t: 0\nvendor_id\t: %s\ncpu family\t: %s\nmodel\t\t: %s\n"
            "model name\t: %s\nstepping\t: %s\nflags\t\t: %s\n\n" % (ident["vendor"],
            ident["family"], ident["model"], ident["name"], ident["stepping"], ident["cpuid.features"]))
PY
	for p in nested=Y ept=Y vpid=Y unrestricted_guest=Y enable_apicv=Y enlightened_vmcs=N "$@"; do
		echo "${p#*=}" > "$r/sys/module/kvm_intel/parameters/${p%%=*}"
	done
}

echo "1..10"
mkroot "$tmp/a" 6.1.0-18-amd64
"$nvmx" derive "$dump" --kvm 6.1 --json > "$tmp/want.json"
"$nvmx" derive --live --root "$tmp/a" --json > "$tmp/got.json"; rc=$?
ok "derive --live exits 0" "[ $rc = 0 ]"
ok "derive --live picks 6.1 for 6.1.0-18-amd64 and equals derive on the dump" \
   "python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(a[\"nested\"]!=b[\"nested\"] or b[\"kernel\"]!=\"6.1\")' $tmp/want.json $tmp/got.json"

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
out=$("$nvmx" derive --live --root "$tmp/b" --json)
ok "kvm_intel.ept=N from sysfs removes EPT from the nested secondary controls" \
   "python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(int(d[\"nested\"][\"IA32_VMX_PROCBASED_CTLS2\"],16)>>33&1)' '$out'"

mkroot "$tmp/c" 7.2.20
out=$("$nvmx" derive --live --root "$tmp/c")
ok "a newer kernel uses the closest older profile and says so" "grep -q 'closest profile 7.2.13' <<<\"\$out\""

mkroot "$tmp/d" 6.1.0; rm -rf "$tmp/d/sys/module/kvm_intel"
"$nvmx" derive --live --root "$tmp/d" >/dev/null 2>"$tmp/err"; rc=$?
ok "kvm_intel not loaded: exit 3" "[ $rc = 3 ]"
ok "... with a message saying so" "grep -q 'kvm_intel' $tmp/err"
