#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nvmx diff: identical hosts, known differences between real processors,
# MSRs present on one side only, JSON, and exit codes.
. "$(dirname "$0")/test_decode_lib.bash"

SKL="$HOSTS/intel-core-i7-6700k.msrs"
ICX="$HOSTS/intel-xeon-platinum-8351n.msrs"
CORE2="$HOSTS/intel-core2-x6800.msrs"

out=$("$nvmx" diff "$SKL" "$SKL")
t_is $? "a host against itself: exit 0"
has "$out" '^no differences in the VMX capability MSRs$'
t_is $? "... and says so"
t_is "$(printf '%s\n' "$out" | grep -c '^  [-+~] ')" "... listing no change"

# A JSON host (decode --json) against its .msrs source is identical too.
"$nvmx" decode --json "$ICX" >"$tmp/icx.json"
"$nvmx" diff "$ICX" "$tmp/icx.json" >/dev/null
t_is $? "a dump against its own decode --json: exit 0"

# Skylake client (PROCBASED2 hi 0x001ffcff) vs Ice Lake-SP (0x4bdfffff):
# Ice Lake adds APIC-register virtualization (bit 8) and virtual-interrupt
# delivery (9); it drops clear-BNDCFGS (exit hi 0x01ffffff -> 0x037fffff,
# bit 23) with MPX.  Skylake's dump has VMFUNC, the AIDA64 Ice Lake one not.
out=$("$nvmx" diff "$SKL" "$ICX")
t_is $(($? != 1)) "i7-6700K vs Xeon 8351N: exit 1"
has "$out" '^  \+ bit 8   APIC-register virtualization \[SECONDARY_EXEC_APIC_REGISTER_VIRT, vmx-apicv-register\]: newly allowed \(must be 0 -> may be 1\)$'
t_is $? "names APIC-register virtualization as newly allowed, with Linux and QEMU names"
has "$out" '^  - bit 23  Clear IA32_BNDCFGS \[VM_EXIT_CLEAR_BNDCFGS, vmx-exit-clear-bndcfgs\]: no longer allowed \(may be 1 -> must be 0\)$'
t_is $? "names clear-BNDCFGS as no longer allowed"
has "$out" '^  ~ 44:32   VMCS region size \[vmx_basic_vmcs_size\(\)\]: changed \(1024 bytes -> 1280 bytes\)$'
t_is $? "names the VMCS size change with units"
has "$out" '^  \+ 7       Page-walk length 5 \[VMX_EPT_PAGE_WALK_5_BIT, vmx-page-walk-5\]: newly supported \(no -> yes\)$'
t_is $? "names 5-level EPT as newly supported"
has "$out" '^only in A: IA32_VMX_VMFUNC \(0x491\)$'
t_is $? "names the MSR present in A only"

# The other way round the signs flip.
out=$("$nvmx" diff "$ICX" "$SKL")
has "$out" '^  - bit 8   APIC-register virtualization .*: no longer allowed \(may be 1 -> must be 0\)$'
t_is $? "B -> A reverses the direction"
has "$out" '^only in B: IA32_VMX_VMFUNC \(0x491\)$'
t_is $? "... and the side"

# Core 2 has no secondary controls and no TRUE MSRs at all.
out=$("$nvmx" diff "$CORE2" "$SKL")
has "$out" '^only in B: IA32_VMX_PROCBASED_CTLS2 \(0x48b\), IA32_VMX_EPT_VPID_CAP \(0x48c\), IA32_VMX_TRUE_PINBASED_CTLS \(0x48d\), IA32_VMX_TRUE_PROCBASED_CTLS \(0x48e\), IA32_VMX_TRUE_EXIT_CTLS \(0x48f\), IA32_VMX_TRUE_ENTRY_CTLS \(0x490\), IA32_VMX_VMFUNC \(0x491\)$'
t_is $? "Core 2 vs Skylake: the seven MSRs only Skylake has"
has "$out" '^  \+ bit 31  Activate secondary controls \[CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, vmx-secondary-ctls\]: newly allowed'
t_is $? "Core 2 vs Skylake: secondary controls newly allowed"
has "$out" '^  \+ bit 11  CR4.UMIP \[X86_CR4_UMIP\]: newly allowed \(must be 0 -> may be 1\)$'
t_is $((!$?)) "Core 2 vs Skylake: CR4.UMIP is not claimed (Skylake client has no UMIP)"
has "$out" '^  \+ bit 16  CR4.FSGSBASE \[X86_CR4_FSGSBASE\]: newly allowed \(must be 0 -> may be 1\)$'
t_is $? "Core 2 vs Skylake: CR4.FSGSBASE newly allowed"

# A field-only difference: one MSR edited.
sed 's/^IA32_VMX_MISC = .*/IA32_VMX_MISC = 0x000000007004c1e5/' "$SKL" >"$tmp/rate5.msrs"
out=$("$nvmx" diff "$SKL" "$tmp/rate5.msrs")
t_is $(($? != 1)) "one field changed: exit 1"
has "$out" '^  ~ 4:0     VMX-preemption timer rate \[vmx_misc_preemption_timer_rate\(\)\]: changed \(TSC >> 7 -> TSC >> 5\)$'
t_is $? "names the preemption-timer rate change"
t_is $(($(printf '%s\n' "$out" | grep -c '^  [-+~] ') != 1)) "... and nothing else"

# JSON
json=$("$nvmx" diff --json "$SKL" "$ICX")
t_is $(($? != 1)) "--json: exit 1 on a difference"
has "$json" '"identical":false\}$'
t_is $? "--json: identical false"
has "$json" '"only_in_a":\["IA32_VMX_VMFUNC"\],"only_in_b":\[\]'
t_is $? "--json: MSRs on one side only"
has "$json" '\{"bit":8,"sdm":"APIC-register virtualization","linux":"SECONDARY_EXEC_APIC_REGISTER_VIRT","qemu":"vmx-apicv-register","change":"newly allowed","direction":"\+","a":"must be 0","b":"may be 1"\}'
t_is $? "--json: a control change with all names"
json=$("$nvmx" diff --json "$SKL" "$SKL")
has "$json" '"changed":\[\],"identical":true\}$'
t_is $? "--json: identical hosts"

# bad input
"$nvmx" diff "$SKL" >/dev/null 2>&1;                     t_is $(($? != 2)) "one source: exit 2"
"$nvmx" diff "$SKL" "$tmp/nope.msrs" >/dev/null 2>&1; t_is $(($? != 2)) "missing file: exit 2"
printf 'IA32_VMX_BASIC = zzz\n' >"$tmp/bad.msrs"
"$nvmx" diff "$SKL" "$tmp/bad.msrs" >/dev/null 2>&1;  t_is $(($? != 2)) "malformed file: exit 2"
"$nvmx" diff "$SKL" "$SKL" "$SKL" >/dev/null 2>&1;        t_is $(($? != 2)) "three sources: exit 2"
"$nvmx" diff --frobnicate "$SKL" "$SKL" >/dev/null 2>&1;  t_is $(($? != 2)) "unknown option: exit 2"

t_done
