#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nvmx decode: each SDM-consistency warning, provoked by editing one value of
# a real dump (Core i7-6700K); argument errors; the live sources on fake trees.
. "$(dirname "$0")/test_decode_lib.bash"

BASE="$HOSTS/intel-core-i7-6700k.msrs"

# variant NAME SED-SCRIPT: a copy of the base dump with lines edited.
variant() {
	sed -e "$2" "$BASE" >"$tmp/$1.msrs"
	echo "$tmp/$1.msrs"
}

# warns FILE TEXT DESCRIPTION: decode succeeds and lists the warning TEXT.
warns() {
	local out
	out=$("$nvmx" decode "$1" 2>&1)
	local rc=$?
	printf '%s\n' "$out" | grep -Fxq -- "  - $2"
	local found=$?
	if [ $rc -ne 0 ] || [ $found -ne 0 ]; then
		t_diag "exit $rc; warnings:" "$(printf '%s\n' "$out" | grep '^  - ')"
		t_is 1 "$3"
	else
		t_is 0 "$3"
	fi
}

f=$(variant must1-not-allowed 's/^IA32_VMX_PINBASED_CTLS = .*/IA32_VMX_PINBASED_CTLS = 0x0000007e00000017/')
warns "$f" "IA32_VMX_PINBASED_CTLS: bit 0 (External-interrupt exiting) must be 1 (allowed-0 bit set) but is not allowed to be 1 (allowed-1 bit clear)" \
	"must-be-1 control that is not allowed-1"

f=$(variant true-allows-more 's/^IA32_VMX_TRUE_PINBASED_CTLS = .*/IA32_VMX_TRUE_PINBASED_CTLS = 0x000000ff00000016/')
warns "$f" "IA32_VMX_TRUE_PINBASED_CTLS allows bit 7 (Process posted interrupts) to be 1 but IA32_VMX_PINBASED_CTLS does not" \
	"TRUE MSR allowing a control its non-TRUE twin does not"

f=$(variant true-requires-more 's/^IA32_VMX_TRUE_PROCBASED_CTLS = .*/IA32_VMX_TRUE_PROCBASED_CTLS = 0xfff9fffe04006176/')
warns "$f" "IA32_VMX_TRUE_PROCBASED_CTLS requires bit 2 (Interrupt-window exiting) to be 1 but IA32_VMX_PROCBASED_CTLS does not" \
	"TRUE MSR requiring a control its non-TRUE twin does not"

f=$(variant nontrue-requires-more 's/^IA32_VMX_ENTRY_CTLS = .*/IA32_VMX_ENTRY_CTLS = 0x0003ffff000013ff/')
warns "$f" "IA32_VMX_ENTRY_CTLS requires bit 9 (IA-32e mode guest) to be 1 but IA32_VMX_TRUE_ENTRY_CTLS does not, and it is not a default1 control" \
	"non-TRUE and TRUE lo differing outside the default1 class"

f=$(variant default1-missing 's/^IA32_VMX_PINBASED_CTLS = .*/IA32_VMX_PINBASED_CTLS = 0x0000007f00000012/')
warns "$f" "IA32_VMX_PINBASED_CTLS: default1 bit 2 (reserved (default1)) is not reported as must-be-1 (allowed-0 bit clear), as the SDM requires of a non-TRUE control MSR" \
	"default1 bit not set in the non-TRUE allowed-0 half"

f=$(variant no-true-bit 's/^IA32_VMX_BASIC = .*/IA32_VMX_BASIC = 0x005a040000000004/')
warns "$f" "IA32_VMX_TRUE_PINBASED_CTLS is present but IA32_VMX_BASIC bit 55 (TRUE capability MSRs) is 0" \
	"TRUE MSR present while BASIC[55] = 0"

f=$(variant true-missing '/^IA32_VMX_TRUE_ENTRY_CTLS/d')
warns "$f" "IA32_VMX_BASIC bit 55 (TRUE capability MSRs) is 1 but IA32_VMX_TRUE_ENTRY_CTLS is absent" \
	"TRUE MSR absent while BASIC[55] = 1"

f=$(variant ctls2-unannounced 's/^IA32_VMX_PROCBASED_CTLS = .*/IA32_VMX_PROCBASED_CTLS = 0x7ff9fffe0401e172/')
warns "$f" "IA32_VMX_PROCBASED_CTLS2 is present but IA32_VMX_PROCBASED_CTLS does not allow bit 31 (Activate secondary controls) to be 1" \
	"PROCBASED_CTLS2 present while primary bit 31 is not allowed"

f=$(variant ctls2-missing '/^IA32_VMX_PROCBASED_CTLS2/d')
warns "$f" "IA32_VMX_PROCBASED_CTLS allows bit 31 (Activate secondary controls) to be 1 but IA32_VMX_PROCBASED_CTLS2 is absent" \
	"PROCBASED_CTLS2 absent while primary bit 31 is allowed"
warns "$f" "IA32_VMX_EPT_VPID_CAP is present but IA32_VMX_PROCBASED_CTLS2, which enumerates it, is absent" \
	"EPT_VPID_CAP present without PROCBASED_CTLS2"

f=$(variant ctls3-unannounced '$a IA32_VMX_PROCBASED_CTLS3 = 0x0000000000000010')
warns "$f" "IA32_VMX_PROCBASED_CTLS3 is present but IA32_VMX_PROCBASED_CTLS does not allow bit 17 (Activate tertiary controls) to be 1" \
	"PROCBASED_CTLS3 present while primary bit 17 is not allowed"

f=$(variant ctls3-missing 's/^IA32_VMX_PROCBASED_CTLS = .*/IA32_VMX_PROCBASED_CTLS = 0xfffbfffe0401e172/')
warns "$f" "IA32_VMX_PROCBASED_CTLS allows bit 17 (Activate tertiary controls) to be 1 but IA32_VMX_PROCBASED_CTLS3 is absent" \
	"PROCBASED_CTLS3 absent while primary bit 17 is allowed"

f=$(variant vmfunc-unannounced 's/^IA32_VMX_PROCBASED_CTLS2 = .*/IA32_VMX_PROCBASED_CTLS2 = 0x001fdcff00000000/')
warns "$f" "IA32_VMX_VMFUNC is present but IA32_VMX_PROCBASED_CTLS2 does not allow bit 13 (Enable VM functions) to be 1" \
	"VMFUNC present while secondary bit 13 is not allowed"

f=$(variant ept-unannounced 's/^IA32_VMX_PROCBASED_CTLS2 = .*/IA32_VMX_PROCBASED_CTLS2 = 0x001ffcdd00000000/')
warns "$f" "IA32_VMX_EPT_VPID_CAP is present but IA32_VMX_PROCBASED_CTLS2 does not allow bit 1 (Enable EPT) or bit 5 (Enable VPID) to be 1" \
	"EPT_VPID_CAP present while neither EPT nor VPID is allowed"

f=$(variant exit2-unannounced '$a IA32_VMX_EXIT_CTLS2 = 0x0000000000000003')
warns "$f" "IA32_VMX_EXIT_CTLS2 is present but IA32_VMX_EXIT_CTLS does not allow bit 31 (Activate secondary controls) to be 1" \
	"EXIT_CTLS2 present while exit bit 31 is not allowed"

f=$(variant vmcs-size-0 's/^IA32_VMX_BASIC = .*/IA32_VMX_BASIC = 0x00da000000000004/')
warns "$f" "IA32_VMX_BASIC bits 44:32 (VMCS region size) = 0: the SDM bounds it to 1..4096 bytes" \
	"VMCS size 0"

f=$(variant vmcs-size-big 's/^IA32_VMX_BASIC = .*/IA32_VMX_BASIC = 0x00da180000000004/')
warns "$f" "IA32_VMX_BASIC bits 44:32 (VMCS region size) = 6144: the SDM bounds it to 1..4096 bytes" \
	"VMCS size above 4096"

f=$(variant memtype-5 's/^IA32_VMX_BASIC = .*/IA32_VMX_BASIC = 0x00d6040000000004/')
warns "$f" "IA32_VMX_BASIC bits 53:50 (VMCS memory type) = 5: the SDM allows only 0 (UC) and 6 (WB)" \
	"VMCS memory type neither UC nor WB"

f=$(variant cr0-pg 's/^IA32_VMX_CR0_FIXED1 = .*/IA32_VMX_CR0_FIXED1 = 0x000000007fffffff/')
warns "$f" "IA32_VMX_CR0_FIXED0 requires CR0 bit 31 (CR0.PG) to be 1 but IA32_VMX_CR0_FIXED1 does not allow it" \
	"CR0 bit fixed to 1 but not allowed to be 1"

f=$(variant enum-bit0 's/^IA32_VMX_VMCS_ENUM = .*/IA32_VMX_VMCS_ENUM = 0x000000000000002f/')
warns "$f" "IA32_VMX_VMCS_ENUM has bits outside 9:1 set (0x1): reserved, the SDM says they read 0" \
	"VMCS_ENUM reserved bit set"

# An inconsistent control shows as such in the table, and in JSON.
f="$tmp/must1-not-allowed.msrs"
out=$("$nvmx" decode "$f")
has "$(section "$out" 'pin-based VM-execution controls')" '^  0 +External-interrupt exiting +invalid +may be 1 +vmx-intr-exit$'
t_is $? "the control table marks the inconsistent control 'invalid'"
json=$("$nvmx" decode --json "$f")
has "$json" '"warnings":\["IA32_VMX_PINBASED_CTLS: bit 0 \(External-interrupt exiting\) must be 1'
t_is $? "JSON carries the warnings"
has "$json" '"bit":0,"sdm":"External-interrupt exiting","linux":"PIN_BASED_EXT_INTR_MASK","qemu":"vmx-intr-exit","reserved":false,"state":"invalid"'
t_is $? "JSON control entry with all three names and its state"

# A minimal host: BASIC only.  Everything else is absent, nothing is invented.
printf 'IA32_VMX_BASIC = 0x00da040000000004\n' >"$tmp/basic-only.msrs"
out=$("$nvmx" decode "$tmp/basic-only.msrs")
t_is $? "a host with BASIC alone decodes"
n_absent=$(printf '%s\n' "$out" | grep -c '^  0x4[89][0-9a-f]  IA32_VMX_[A-Z0-9_]* \+absent$')
t_is $((n_absent != 19)) "the other 19 MSRs show as absent ($n_absent)"
has "$out" '^  - IA32_VMX_BASIC bit 55 \(TRUE capability MSRs\) is 1 but IA32_VMX_TRUE_PINBASED_CTLS is absent$'
t_is $? "and BASIC[55] without TRUE MSRs is reported"

# ---- arguments -------------------------------------------------------------
"$nvmx" decode >/dev/null 2>&1;                                   t_is $(($? != 2)) "no source: exit 2"
"$nvmx" decode "$BASE" "$BASE" >/dev/null 2>&1;                   t_is $(($? != 2)) "two sources: exit 2"
"$nvmx" decode "$tmp/no-such.msrs" >/dev/null 2>&1;           t_is $(($? != 2)) "missing file: exit 2"
"$nvmx" decode --bogus "$BASE" >/dev/null 2>&1;                   t_is $(($? != 2)) "unknown option: exit 2"
"$nvmx" decode --live-cpu x >/dev/null 2>&1;                      t_is $(($? != 2)) "--live-cpu x: exit 2"
"$nvmx" decode --live-cpu >/dev/null 2>&1;                        t_is $(($? != 2)) "--live-cpu without N: exit 2"
"$nvmx" decode --root "$tmp" "$BASE" >/dev/null 2>&1;         t_is $(($? != 2)) "--root with a file: exit 2"
"$nvmx" decode --live-kvm --live-cpu 0 >/dev/null 2>&1;           t_is $(($? != 2)) "two live sources: exit 2"
"$nvmx" decode --help | grep -q '^usage: nvmx decode SOURCE';      t_is $? "--help prints the usage"

# ---- live sources on fake trees --------------------------------------------
mkdir -p "$tmp/empty"
"$nvmx" decode --live-cpu 0 --root "$tmp/empty" >/dev/null 2>&1; t_is $(($? != 3)) "--live-cpu on a tree without the device: exit 3"
"$nvmx" decode --live-kvm --root "$tmp/empty" >/dev/null 2>&1;  t_is $(($? != 3)) "--live-kvm on a tree without /dev/kvm: exit 3"

# /dev/kvm as a regular file holds the MSRs a KVM would offer (io/live.c).
mkdir -p "$tmp/kvm/dev"
grep '^IA32_VMX' "$BASE" >"$tmp/kvm/dev/kvm"
"$nvmx" decode --live-kvm --root "$tmp/kvm" --json >"$tmp/kvm.json"
t_is $? "--live-kvm decodes a fake /dev/kvm"
"$nvmx" diff "$BASE" "$tmp/kvm.json" >/dev/null
t_is $? "... to the same MSRs"

# /dev/cpu/N/msr as a sparse file: MSR n at byte offset 8*n, little endian.
le64() {
	local v=$1 i
	for i in 0 1 2 3 4 5 6 7; do
		printf "\\$(printf '%03o' $(((v >> (8 * i)) & 0xff)))"
	done
}
mkdir -p "$tmp/cpu/proc" "$tmp/cpu/dev/cpu/0"
cat >"$tmp/cpu/proc/cpuinfo" <<'EOF'
processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 94
model name	: Intel(R) Core(TM) i7-6700K CPU @ 4.00GHz
stepping	: 3
flags		: fpu vme de pse tsc msr pae vmx lm nx

EOF
: >"$tmp/cpu/dev/cpu/0/msr"
# SDM names in index order from 0x480 (the dump holds 0x480-0x491 at most)
names=(BASIC PINBASED_CTLS PROCBASED_CTLS EXIT_CTLS ENTRY_CTLS MISC CR0_FIXED0 CR0_FIXED1
       CR4_FIXED0 CR4_FIXED1 VMCS_ENUM PROCBASED_CTLS2 EPT_VPID_CAP TRUE_PINBASED_CTLS
       TRUE_PROCBASED_CTLS TRUE_EXIT_CTLS TRUE_ENTRY_CTLS VMFUNC)
while read -r key val; do
	for idx in "${!names[@]}"; do
		[ "IA32_VMX_${names[$idx]}" = "$key" ] || continue
		le64 "$val" | dd of="$tmp/cpu/dev/cpu/0/msr" bs=8 seek=$((0x480 + idx)) \
			conv=notrunc status=none
	done
done < <(grep '^IA32_VMX' "$BASE" | sed 's/ = / /')
out=$("$nvmx" decode --live-cpu 0 --root "$tmp/cpu")
t_is $? "--live-cpu decodes a fake /dev/cpu/0/msr"
has "$out" '^cpu: GenuineIntel family 6 model 94 stepping 3$'
t_is $? "... with the identity from /proc/cpuinfo"
"$nvmx" decode --live-cpu 0 --root "$tmp/cpu" --json >"$tmp/cpu.json"
"$nvmx" diff "$BASE" "$tmp/cpu.json" >/dev/null
t_is $? "... and the same MSRs as the dump"

t_done
