#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nvmx decode on real dumps: fields decoded by hand from the SDM for four
# processor generations, every bundled dump decodes, every warning it gives is
# true of the dump, and --json reads back to the same host.
. "$(dirname "$0")/test_decode_lib.bash"

BASIC='IA32_VMX_BASIC (0x480): VMCS revision, region size and memory type, and basic VMX capabilities'
MISC='IA32_VMX_MISC (0x485): preemption-timer rate, activity states, CR3 targets, MSR-list limit'
ENUM='IA32_VMX_VMCS_ENUM (0x48a): highest index of any supported VMCS field encoding'
EPT='IA32_VMX_EPT_VPID_CAP (0x48c): EPT features and INVEPT types (low half), INVVPID types (high half)'
VMFUNC='IA32_VMX_VMFUNC (0x491): VM functions the VMFUNC instruction may invoke'
PIN='pin-based VM-execution controls'
PROC='primary processor-based VM-execution controls'
PROC2='secondary processor-based VM-execution controls'
EXIT='primary VM-exit controls'

# expect OUTPUT SECTION REGEX DESCRIPTION
expect() {
	has "$(section "$1" "$2")" "$3"
	t_is $? "$4"
}

# ---- Core 2 X6800 (Conroe) --------------------------------------------------
# BASIC 0x001a040000000007: 30:0 = 7; 44:32 = 0x400; 63:48 = 0x1a: 53:50 = 6,
# 54 = 0, 55 = 0.  MISC 0x403c0: 4:0 = 0, 24:16 = 4, 27:25 = 0.  VMCS_ENUM
# 0x2c: 9:1 = 22.  PROCBASED hi 0x77b9fffe: bit 31 clear, so no 0x48b.
out=$("$nvmx" decode "$HOSTS/intel-core2-x6800.msrs")
t_is $? "Core 2 X6800 decodes"
expect "$out" "$BASIC" '^  30:0 +VMCS revision identifier +0x7$' "Core 2: revision id 7"
expect "$out" "$BASIC" '^  44:32 +VMCS region size +1024 bytes$' "Core 2: VMCS size 1024 bytes"
expect "$out" "$BASIC" '^  53:50 +VMCS memory type +6 \(WB\)$' "Core 2: VMCS memory type WB"
expect "$out" "$BASIC" '^  54 +INS/OUTS exit information +no +vmx-ins-outs$' "Core 2: no INS/OUTS info"
expect "$out" "$BASIC" '^  55 +TRUE capability MSRs +no +vmx-true-ctls$' "Core 2: no TRUE MSRs"
expect "$out" "$MISC" '^  4:0 +VMX-preemption timer rate +TSC >> 0$' "Core 2: timer rate field 0"
expect "$out" "$MISC" '^  24:16 +Number of CR3-target values +4 CR3-target values$' "Core 2: 4 CR3 targets"
expect "$out" "$MISC" '^  27:25 +Maximum MSR-list entries +512 entries \(N=0\)$' "Core 2: MSR list 512 entries"
expect "$out" "$ENUM" '^  9:1 +Highest VMCS field index +22 \(0x16\)$' "Core 2: highest VMCS index 22"
expect "$out" "$PIN" '^  6 +Activate VMX-preemption timer +must be 0 +vmx-preemption-timer$' \
	"Core 2: no preemption timer"
expect "$out" "$PROC" '^  31 +Activate secondary controls +must be 0 +vmx-secondary-ctls$' \
	"Core 2: secondary controls cannot be activated"
expect "$out" "$PROC2" '^  IA32_VMX_PROCBASED_CTLS2 \(0x48b\): absent$' "Core 2: 0x48b shown as absent"
has "$out" '^  0x48d  IA32_VMX_TRUE_PINBASED_CTLS +absent$'
t_is $? "Core 2: TRUE MSRs listed as absent, not as 0"
has "$out" '^warnings: none$'
t_is $? "Core 2: no warnings"

# ---- Core i7-6700K (Skylake) ------------------------------------------------
# BASIC 0x00da040000000004: revision 4, 1024 bytes, 0xda: 53:50 = 6, 54 = 1,
# 55 = 1.  MISC 0x7004c1e7: 4:0 = 7.  EPT 0x00000f0106334141: 6, 16, 17 set,
# 7 clear.  PROCBASED2 hi 0x001ffcff: 1 set, 8 and 25 clear.  PINBASED hi
# 0x7f: 7 clear.  Non-TRUE exit lo 0x36dff has bit 2, TRUE lo 0x36dfb not.
out=$("$nvmx" decode "$HOSTS/intel-core-i7-6700k.msrs")
t_is $? "i7-6700K decodes"
expect "$out" "$BASIC" '^  30:0 +VMCS revision identifier +0x4$' "Skylake: revision id 4"
expect "$out" "$BASIC" '^  44:32 +VMCS region size +1024 bytes$' "Skylake: VMCS size 1024 bytes"
expect "$out" "$BASIC" '^  53:50 +VMCS memory type +6 \(WB\)$' "Skylake: VMCS memory type WB"
expect "$out" "$BASIC" '^  54 +INS/OUTS exit information +yes +vmx-ins-outs$' "Skylake: INS/OUTS info"
expect "$out" "$MISC" '^  4:0 +VMX-preemption timer rate +TSC >> 7$' "Skylake: timer = TSC >> 7"
expect "$out" "$MISC" '^  24:16 +Number of CR3-target values +4 CR3-target values$' "Skylake: 4 CR3 targets"
expect "$out" "$MISC" '^  27:25 +Maximum MSR-list entries +512 entries \(N=0\)$' "Skylake: MSR list 512 entries"
expect "$out" "$ENUM" '^  9:1 +Highest VMCS field index +23 \(0x17\)$' "Skylake: highest VMCS index 23"
expect "$out" "$EPT" '^  6 +Page-walk length 4 +yes +vmx-page-walk-4$' "Skylake: 4-level EPT"
expect "$out" "$EPT" '^  7 +Page-walk length 5 +no +vmx-page-walk-5$' "Skylake: no 5-level EPT"
expect "$out" "$EPT" '^  16 +2-Mbyte EPT pages +yes +vmx-ept-2mb$' "Skylake: 2M EPT pages"
expect "$out" "$EPT" '^  17 +1-Gbyte EPT pages +yes +vmx-ept-1gb$' "Skylake: 1G EPT pages"
expect "$out" "$PROC2" '^  1 +Enable EPT +may be 1 +vmx-ept$' "Skylake: EPT control"
expect "$out" "$PROC2" '^  8 +APIC-register virtualization +must be 0 +vmx-apicv-register$' \
	"Skylake client: no APIC-register virtualization"
expect "$out" "$PROC2" '^  25 +Use TSC scaling +must be 0 +vmx-tsc-scaling$' "Skylake: no TSC scaling"
expect "$out" "$PIN" '^  bit +control +default +\(TRUE\) +QEMU$' "Skylake: default and (TRUE) columns"
expect "$out" "$PIN" '^  7 +Process posted interrupts +must be 0 +must be 0 +vmx-posted-intr$' \
	"Skylake client: no posted interrupts"
expect "$out" "$PIN" '^  1 +reserved \(default1\) +must be 1 +must be 1$' "Skylake: default1 pin bit 1 shown"
expect "$out" "$EXIT" '^  2 +Save debug controls +must be 1 +may be 1 +vmx-exit-nosave-debugctl$' \
	"Skylake: TRUE exit MSR lets 'save debug controls' be 0"
expect "$out" "$PROC" '^  15 +CR3-load exiting +must be 1 +may be 1 +vmx-cr3-load-noexit$' \
	"Skylake: TRUE primary MSR lets CR3-load exiting be 0"
expect "$out" "$VMFUNC" '^  0 +EPTP switching +yes +vmx-eptp-switching$' "Skylake: EPTP switching"
expect "$out" "CR4 in VMX operation" '^  13 +CR4.VMXE +must be 1 ' "Skylake: CR4.VMXE must be 1"
expect "$out" "CR4 in VMX operation" '^  12 +CR4.LA57 +must be 0 ' "Skylake: CR4.LA57 must be 0"
expect "$out" "CR0 in VMX operation" '^  31 +CR0.PG +must be 1 ' "Skylake: CR0.PG must be 1"
has "$out" '^warnings: none$'
t_is $? "Skylake: no warnings"

# ---- Xeon Platinum 8351N (Ice Lake-SP) -------------------------------------
# BASIC 0x00da050000000013: revision 0x13, 44:32 = 0x500.  EPT lo 0x067341c1:
# bit 7 set.  PROCBASED2 hi 0x4bdfffff: bit 8 set.  EXIT hi 0x037fffff: 23 clear.
out=$("$nvmx" decode "$HOSTS/intel-xeon-platinum-8351n.msrs")
t_is $? "Xeon 8351N decodes"
expect "$out" "$BASIC" '^  30:0 +VMCS revision identifier +0x13$' "Ice Lake-SP: revision id 0x13"
expect "$out" "$BASIC" '^  44:32 +VMCS region size +1280 bytes$' "Ice Lake-SP: VMCS size 1280 bytes"
expect "$out" "$EPT" '^  7 +Page-walk length 5 +yes +vmx-page-walk-5$' "Ice Lake-SP: 5-level EPT"
expect "$out" "$PROC2" '^  8 +APIC-register virtualization +may be 1 +vmx-apicv-register$' \
	"Ice Lake-SP: APIC-register virtualization"
expect "$out" "$EXIT" '^  23 +Clear IA32_BNDCFGS +must be 0 +must be 0 +vmx-exit-clear-bndcfgs$' \
	"Ice Lake-SP: no MPX state to clear"
has "$out" '^  - IA32_VMX_PROCBASED_CTLS2 allows bit 13 \(Enable VM functions\) to be 1 but IA32_VMX_VMFUNC is absent$'
t_is $? "Ice Lake-SP: the dump lacks VMFUNC although bit 13 enumerates it (AIDA64 reads 0x480-0x490 only)"

# ---- Xeon w9-3475X (Sapphire Rapids) ---------------------------------------
# BASIC 0x03da050000000013: 1280 bytes, bit 56 set.  EPT lo 0x06f341c1: 23 set.
out=$("$nvmx" decode "$HOSTS/intel-xeon-w9-3475x.msrs")
t_is $? "Xeon w9-3475X decodes"
expect "$out" "$BASIC" '^  56 +No hardware error-code consistency check +yes +vmx-any-errcode$' \
	"Sapphire Rapids: no hardware error-code check"
expect "$out" "$EPT" '^  23 +Supervisor shadow-stack control +yes$' \
	"Sapphire Rapids: supervisor shadow-stack EPT control"
expect "$out" "$PROC" '^  17 +Activate tertiary controls +may be 1 +may be 1$' \
	"Sapphire Rapids: tertiary controls can be activated"
has "$out" '^warnings \(3\)$'
t_is $? "Sapphire Rapids: three warnings (0x491-0x493 missing from the AIDA64 dump)"

# ---- JSON ------------------------------------------------------------------
json=$("$nvmx" decode --json "$HOSTS/intel-core2-x6800.msrs")
t_is $? "decode --json runs"
has "$json" '"IA32_VMX_VMFUNC":\{"index":"0x491","present":false\}'
t_is $? "JSON: absent MSRs are present:false, not 0"
has "$json" '"warnings":\[\]\}$'
t_is $? "JSON: empty warnings list"
has "$json" '^\{"name":"Intel Core2 X6800",.*"family":6,"model":15,"stepping":6,'
t_is $? "JSON: host identity at the top level"
has "$json" '"bits":"44:32","sdm":"VMCS region size","linux":"vmx_basic_vmcs_size\(\)","qemu":null,"reserved":false,"raw":1024,"unit":"bytes","text":"1024 bytes"'
t_is $? "JSON: VMCS size field with names, raw value and unit"

# ---- every bundled dump ----------------------------------------------------
# Each decodes cleanly; its JSON reads back to the same host; and its only
# warnings are MSRs the processor enumerates but the dump's source could not
# read, exactly those its "# note: partial" line lists.
nfiles=0 bad_decode=0 bad_readback=0 bad_warn=0 warned=0
for f in "$HOSTS"/*.msrs; do
	nfiles=$((nfiles + 1))
	base=${f##*/}
	if ! text=$("$nvmx" decode "$f" 2>"$tmp/err") || [ -s "$tmp/err" ]; then
		t_diag "$base: decode failed: $(cat "$tmp/err")"
		bad_decode=$((bad_decode + 1))
		continue
	fi
	"$nvmx" decode --json "$f" >"$tmp/host.json"
	back=$("$nvmx" decode "$tmp/host.json" 2>&1)
	if ! "$nvmx" diff "$f" "$tmp/host.json" >/dev/null ||
	   [ "$(printf '%s\n' "$text" | tail -n +2)" != "$(printf '%s\n' "$back" | tail -n +2)" ]; then
		t_diag "$base: decode --json does not read back to the same host"
		bad_readback=$((bad_readback + 1))
	fi
	absent_warned=$(printf '%s\n' "$text" | sed -n 's/^  - .* but \(IA32_VMX_[A-Z0-9_]*\) is absent$/\1/p' | sort)
	other=$(printf '%s\n' "$text" | grep '^  - ' | grep -v ' is absent$')
	noted=$(grep '^# note: partial:' "$f" | grep -o 'IA32_VMX_[A-Z0-9_]*' | sort)
	[ -n "$absent_warned" ] && warned=$((warned + 1))
	if [ -n "$other" ] || [ "$absent_warned" != "$noted" ]; then
		t_diag "$base: warnings [$absent_warned $other] vs partial note [$noted]"
		bad_warn=$((bad_warn + 1))
	fi
done
t_is $((nfiles < 170)) "found the bundled dumps ($nfiles)"
t_is $bad_decode "every bundled dump decodes with exit 0 and nothing on stderr"
t_is $bad_readback "every dump's decode --json reads back as the same host (diff 0, same decode)"
t_is $bad_warn "every warning names an MSR the processor enumerates and the partial dump lacks; no other warnings"
t_diag "$warned of $nfiles dumps warn, all of them AIDA64 dumps marked partial"

t_done
