#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The bad-input catalogue (docs/bad-input.md): every kind of bad input tried,
# per reader and per argument of every subcommand, each row a test that
# checks the exit code (2 bad input, 3 live source unavailable), that the
# first line of the error names the file/line or the argument, and that
# nothing at all is printed on standard output.
#
#   tests/bad_input.sh           run the rows (TAP); also checks that
#                                docs/bad-input.md shows exactly these rows with
#                                the messages they get now, and that every
#                                subcommand of `nvmx --help` has rows
#   tests/bad_input.sh --table   print the table docs/bad-input.md holds, from
#                                real runs (paste it over the old one)
#
# Fixtures are made in a scratch directory that is also the working
# directory, so the messages show short relative paths.
set -u
. "$(dirname "$0")/lib.sh"
mode=tap
[ "${1:-}" = --table ] && mode=table
doc=$here/docs/bad-input.md
good_src=$here/data/hosts/intel-xeon-platinum-8180.msrs

chmod 755 "$tmp"	# the rows marked @ run as nobody
cd "$tmp" || exit 2

# ---- fixtures ---------------------------------------------------------------

mkdir bad
cp "$good_src" good.msrs
msrs() { printf '%b' "$2" >"bad/$1"; }	# msrs NAME CONTENT (printf %b escapes)
base='vendor = GenuineIntel\nfamily = 6\nmodel = 85\nstepping = 4\n'
basic='IA32_VMX_BASIC = 0x00da040000000004\n'

msrs empty.msrs ''
msrs comments.msrs '# only a comment\n\n   # another\n'
msrs no-msrs.msrs "$base"
msrs no-equals.msrs "$basic"'IA32_VMX_MISC 0x7004c1e7\n'
msrs no-key.msrs "$basic"' = 0x1\n'
msrs bad-key.msrs "$basic"'IA32 VMX MISC = 0x1\n'
msrs empty-value.msrs "$basic"'IA32_VMX_MISC =\n'
msrs unknown-msr.msrs "$basic"'IA32_VMX_FOO = 0x1\n'
msrs index-out.msrs "$basic"'0x494 = 0x1\n'
msrs dup-msr.msrs "$basic$basic"
msrs dup-index.msrs "$basic"'0x480 = 0x00da040000000004\n'
msrs dup-meta.msrs "$base"'family = 6\n'"$basic"
msrs no-0x.msrs 'IA32_VMX_BASIC = 00da040000000004\n'
msrs not-hex.msrs 'IA32_VMX_BASIC = 0x00da04000000000g\n'
msrs too-wide.msrs 'IA32_VMX_BASIC = 0x100da040000000004\n'
msrs trailing.msrs 'IA32_VMX_BASIC = 0x00da040000000004 junk\n'
msrs glued-hash.msrs 'IA32_VMX_BASIC = 0x00da040000000004#\n'
msrs negative.msrs 'IA32_VMX_BASIC = -0x1\n'
msrs nul.msrs "$basic"'name = a\0b\n'
msrs control.msrs "$basic"'name = a\001b\n'
msrs del.msrs "$basic"'name = a\177b\n'
msrs utf8.msrs "$basic"'name = caf\351\n'
msrs cr.msrs "$basic"'name = a\rb\n'
msrs family-text.msrs 'family = six\n'"$basic"
msrs family-range.msrs 'family = 271\n'"$basic"
msrs model-range.msrs 'model = 256\n'"$basic"
msrs stepping-range.msrs 'stepping = 16\n'"$basic"
msrs evmcs-bool.msrs 'hyperv_evmcs = maybe\n'"$basic"
msrs no-flags.msrs "$base$basic"
msrs long-value.msrs "name = $(printf 'x%.0s' $(seq 1 600))\n$basic"
printf '\037\213\010\000\000\000\000\000\000\003' >bad/gzip.msrs
head -c $((5 << 20)) /dev/zero | tr '\0' '#' >bad/huge.msrs
printf "$basic" >bad/secret.msrs
chmod 000 bad/secret.msrs
chmod 755 bad

json() { printf '%b' "$2" >"bad/$1"; }
msrs_ok='"msrs":{"IA32_VMX_BASIC":"0x00da040000000004"}'
json syntax.json '{"name":"x",'"$msrs_ok"',}\n'
json truncated.json '{"name":"x","msrs":{"IA32_VMX_BASIC":"0x00da040000000004"'
json no-msrs.json '{"name":"x","vendor":"GenuineIntel"}\n'
json msrs-array.json '{"name":"x","msrs":["0x00da040000000004"]}\n'
json msrs-empty.json '{"name":"x","msrs":{}}\n'
json value-number.json '{"msrs":{"IA32_VMX_BASIC":61503167241732100}}\n'
json value-wide.json '{"msrs":{"IA32_VMX_BASIC":"0x100da040000000004"}}\n'
json value-nohex.json '{"msrs":{"IA32_VMX_BASIC":"12345"}}\n'
json unknown-msr.json '{"msrs":{"IA32_VMX_FOO":"0x1"}}\n'
json dup-key.json '{"name":"a","name":"b",'"$msrs_ok"'}\n'
json dup-msr.json '{"msrs":{"IA32_VMX_BASIC":"0x00da040000000004","0x480":"0x00da040000000004"}}\n'
json family-type.json '{"family":"6",'"$msrs_ok"'}\n'
json family-range.json '{"family":271,'"$msrs_ok"'}\n'
json evmcs-type.json '{"hyperv_evmcs":"yes",'"$msrs_ok"'}\n'
json utf8.json '{"name":"caf\351",'"$msrs_ok"'}\n'
json control.json '{"name":"a\tb",'"$msrs_ok"'}\n'
json surrogate.json '{"name":"\\ud800",'"$msrs_ok"'}\n'
json deep.json "$(printf '{"a":%.0s' $(seq 1 70))1$(printf '}%.0s' $(seq 1 70))\n"
json trailing.json '{'"$msrs_ok"'} {}\n'
json leading-zero.json '{"family":06,'"$msrs_ok"'}\n'
json nan.json '{"family":NaN,'"$msrs_ok"'}\n'
json comment.json '{/* c */'"$msrs_ok"'}\n'
json not-object-host.json '{"host":[1],"name":"x"}\n'

# Fake roots for the live readers (io/live.c describes the fixtures).
cpuinfo='processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nstepping\t: 4\nflags\t\t: fpu vme de pse tsc msr pae mce vmx smx lm nx\n\n'
names=(BASIC PINBASED_CTLS PROCBASED_CTLS EXIT_CTLS ENTRY_CTLS MISC CR0_FIXED0 CR0_FIXED1
	CR4_FIXED0 CR4_FIXED1 VMCS_ENUM PROCBASED_CTLS2 EPT_VPID_CAP TRUE_PINBASED_CTLS
	TRUE_PROCBASED_CTLS TRUE_EXIT_CTLS TRUE_ENTRY_CTLS VMFUNC PROCBASED_CTLS3 EXIT_CTLS2)
mkroot() {	# mkroot DIR [CPUINFO]: cpuinfo and an msr fixture holding good.msrs' values
	mkdir -p "$1/proc" "$1/dev/cpu/0"
	printf '%b' "${2:-$cpuinfo}" >"$1/proc/cpuinfo"
	: >"$1/dev/cpu/0/msr"
	local i key v
	while IFS=' =' read -r key v; do
		for i in "${!names[@]}"; do
			[ "$key" = "IA32_VMX_${names[$i]}" ] || continue
			# MSR 0x480+i, 8 bytes little-endian at byte offset 8 * (0x480+i)
			printf "$(echo "${v#0x}" | sed -E 's/(..)(..)(..)(..)(..)(..)(..)(..)/\\x\8\\x\7\\x\6\\x\5\\x\4\\x\3\\x\2\\x\1/')" |
				dd of="$1/dev/cpu/0/msr" bs=8 seek=$((0x480 + i)) conv=notrunc status=none
		done
	done <good.msrs
}
mkdir root
mkroot root/nodev && rm root/nodev/dev/cpu/0/msr
mkroot root/perm && chmod 000 root/perm/dev/cpu/0/msr
mkroot root/nocpuinfo && rm root/nocpuinfo/proc/cpuinfo
mkroot root/amd 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 33\nflags\t\t: fpu svm lm\n\n'
mkroot root/novmx 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nflags\t\t: fpu vme lm\n\n'
mkroot root/basic-eio && echo '0x480 EIO' >root/basic-eio/dev/cpu/0/msr.fault
mkroot root/einval && echo '0x48b EINVAL' >root/einval/dev/cpu/0/msr.fault
mkroot root/short && echo '0x481 SHORT' >root/short/dev/cpu/0/msr.fault
mkroot root/dirdev && rm root/dirdev/dev/cpu/0/msr && mkdir root/dirdev/dev/cpu/0/msr
mkdir -p root/kvm-missing/dev root/kvm-none/dev root/kvm-perm/dev root/kvm-null/dev root/kvm-dir/dev/kvm
echo '# nested=0: KVM lists no VMX MSR' >root/kvm-none/dev/kvm
printf "$basic" >root/kvm-perm/dev/kvm && chmod 000 root/kvm-perm/dev/kvm
ln -s /dev/null root/kvm-null/dev/kvm
mkroot root/noparams	# derive --live: no /sys/module/kvm_intel
mkdir -p root/noparams/proc/sys/kernel && echo 6.1.0-18-amd64 >root/noparams/proc/sys/kernel/osrelease
chmod -R a+rX root bad good.msrs 2>/dev/null
chmod 000 root/perm/dev/cpu/0/msr root/kvm-perm/dev/kvm bad/secret.msrs

# Nested-state blobs (docs/nested-state.md): a 128-byte header, little-endian.
blob() { { printf '%b' "$2"; head -c "$3" /dev/zero; } >"bad/$1"; }
ones='\377\377\377\377\377\377\377\377'
blob ns-truncated.bin '\0\0\0\0\200\0\0\0' 4
blob ns-svm.bin '\0\0\1\0\200\0\0\0' 120
blob ns-size-small.bin '\0\0\0\0\020\0\0\0' 120
blob ns-size-big.bin '\0\0\0\0\200\020\0\0' 120
blob ns-flags.bin '\377\377\0\0\200\0\0\0'"$ones$ones" 104
blob ns-run-pending.bin '\2\0\0\0\200\0\0\0\0\020\0\0\0\0\0\0'"$ones" 104
blob ns-vmxon-align.bin '\0\0\0\0\200\0\0\0\1\020\0\0\0\0\0\0'"$ones" 104
blob ns-no-vmcs12.bin '\0\0\0\0\200\0\0\0\0\020\0\0\0\0\0\0\0\040\0\0\0\0\0\0' 104

# Fleet inventories (docs/fleet.md): JSON Lines, one host per line.
inv() { printf '%b' "$2" >"bad/$1"; }
inv inv-syntax.jsonl '{"name":"a","dump":"good.msrs","kvm":"6.1"}\n{"name":"b",}\n'
inv inv-key.jsonl '{"name":"a","dump":"good.msrs","kvmm":"6.1"}\n'
inv inv-release.jsonl '{"dump":"good.msrs","kvm":"9.9"}\n'
inv inv-param.jsonl '{"dump":"good.msrs","kvm":"5.10","params":{"enable_pmu":"0"}}\n'
inv inv-value.jsonl '{"dump":"good.msrs","params":{"ept":"maybe"}}\n'
inv inv-nodump.jsonl '{"dump":"nope.msrs"}\n'
inv inv-both.jsonl '{"dump":"good.msrs","msrs":{"IA32_VMX_BASIC":"0x00da040000000004"}}\n'
inv inv-msrs.jsonl '{"name":"x","msrs":{"IA32_VMX_BASIC":"0x1g"}}\n'
inv inv-array.jsonl '\n[1]\n'
mkdir empty-dir

# The dumps, for fleet-gen --dumps.
ln -s "$here/data/hosts" hosts

# ---- running the rows --------------------------------------------------------

unpriv=""
can_unpriv=1
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null 2>&1; then
		unpriv="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		can_unpriv=0
	fi
fi

: >"$tmp/stdin"	# every row reads an empty standard input, unless row_stdin names a file
table=$tmp/table
: >"$table"
cmds_seen=" "

# Known bugs in the code under test, owned elsewhere: while such a row fails
# it is reported as a TAP TODO (the suite stays green, the output says why);
# once fixed it passes like any other row.  ID REASON per line.
known_bugs='
'
known_bug() { printf '%s\n' "$known_bugs" | sed -n "s/^$1 //p"; }

cell() { # markdown table cell text
	printf '%s' "$1" | sed 's/|/\\|/g'
}

tap() { [ "$mode" = tap ] && printf '%s\n' "$*"; return 0; }
tap_lines() { if [ "$mode" = tap ]; then cat; else cat >/dev/null; fi; }

# row ID EXIT MENTION AREA WHAT -- ARGS...   (ID starting with '@': run unprivileged)
row() {
	local id=$1 want=$2 mention=$3 area=$4 what=$5
	shift 6
	local priv=""
	case $id in @*) id=${id#@}; priv=1 ;; esac
	t_n=$((t_n + 1))
	local shown="nvmx $*${row_stdin:+ < $row_stdin}"
	[ ${#shown} -gt 100 ] && shown="${shown:0:97}..."
	case " $cmds_seen " in *" ${1:-} "*) ;; *) cmds_seen="$cmds_seen${1:-} " ;; esac
	if [ -n "$priv" ] && [ "$can_unpriv" = 0 ]; then
		tap "ok $t_n - $id: $what # SKIP root without setpriv cannot test permissions"
		echo "$id SKIP" >>"$table"
		return
	fi
	local rc
	if [ -n "$priv" ]; then
		$unpriv "$nvmx" "$@" <"${row_stdin:-$tmp/stdin}" >"$tmp/out" 2>"$tmp/err"
	else
		"$nvmx" "$@" <"${row_stdin:-$tmp/stdin}" >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
	local first
	# The release list grows with every profile: the table shows it elided.
	first=$(head -n 1 "$tmp/err" | sed -E 's/; supported: [0-9. ]+$/; supported: <the releases of nvmx kernels>/')
	printf '| %s | %s | %s | `%s` | %s | `%s` |\n' "$id" "$(cell "$area")" "$(cell "$what")" \
		"$(cell "$shown")" "$rc" "$(cell "$first")" >>"$table"
	local why=""
	[ "$rc" = "$want" ] || why="exit $rc, want $want"
	[ -s "$tmp/out" ] && why="${why:+$why; }printed $(wc -c <"$tmp/out") bytes on stdout"
	[ -n "$first" ] || why="${why:+$why; }no message on stderr"
	case $first in *"$mention"*) ;; *) why="${why:+$why; }message does not mention '$mention'" ;; esac
	case $first in "nvmx"* | "usage: nvmx"*) ;; *) why="${why:+$why; }message does not start with 'nvmx'" ;; esac
	local bug
	bug=$(known_bug "$id")
	if [ -z "$why" ]; then
		tap "ok $t_n - $id: $what"
	elif [ -n "$bug" ]; then
		tap "not ok $t_n - $id: $what: $why # TODO $bug"
		sed -i '$d' "$table"	# its document row is not what it prints now
		echo "$id SKIP" >>"$table"
	else
		t_failed=$((t_failed + 1))
		tap "not ok $t_n - $id: $what: $why"
		tap "#   $shown"
		tap "#   stderr: $first"
		[ -s "$tmp/out" ] && head -n 3 "$tmp/out" | sed 's/^/#   stdout: /' | tap_lines
	fi
}

H=good.msrs
K="--kvm 6.1"

# -- the command line ------------------------------------------------------------
row top-1 2 "usage: nvmx COMMAND" "nvmx" "no command" --
row top-2 2 "'frobnicate'" "nvmx" "unknown command" -- frobnicate
row top-3 2 "'--frob'" "nvmx" "unknown option as the command" -- --frob

# -- .msrs text (every command reads hosts the same way; decode shown) ---------------
A=".msrs text"
row text-1 2 "bad/none.msrs: no such file" "$A" "missing file" -- decode bad/none.msrs
row text-2 2 "bad: is a directory" "$A" "a directory" -- decode bad
row @text-3 2 "bad/secret.msrs: permission denied" "$A" "unreadable file" -- decode bad/secret.msrs
row text-4 2 "bad/huge.msrs: larger than 4 MiB" "$A" "larger than 4 MiB" -- decode bad/huge.msrs
row text-5 2 "bad/empty.msrs: empty file" "$A" "empty file" -- decode bad/empty.msrs
row text-6 2 "bad/comments.msrs: empty file" "$A" "comments only" -- decode bad/comments.msrs
row text-7 2 "bad/no-msrs.msrs: no VMX MSR values" "$A" "identity but no MSR line" -- decode bad/no-msrs.msrs
row text-8 2 "bad/no-equals.msrs:2:" "$A" "line without '='" -- decode bad/no-equals.msrs
row text-9 2 "bad/no-key.msrs:2:" "$A" "nothing before '='" -- decode bad/no-key.msrs
row text-10 2 "bad/bad-key.msrs:2:" "$A" "key with spaces" -- decode bad/bad-key.msrs
row text-11 2 "bad/empty-value.msrs:2:" "$A" "nothing after '='" -- decode bad/empty-value.msrs
row text-12 2 "bad/unknown-msr.msrs:2:" "$A" "unknown MSR name" -- decode bad/unknown-msr.msrs
row text-13 2 "bad/index-out.msrs:2:" "$A" "MSR index outside 0x480..0x493" -- decode bad/index-out.msrs
row text-14 2 "bad/dup-msr.msrs:2:" "$A" "an MSR twice" -- decode bad/dup-msr.msrs
row text-15 2 "bad/dup-index.msrs:2:" "$A" "an MSR by name and by index" -- decode bad/dup-index.msrs
row text-16 2 "bad/dup-meta.msrs:5:" "$A" "a metadata key twice" -- decode bad/dup-meta.msrs
row text-17 2 "bad/no-0x.msrs:1:" "$A" "value without 0x" -- decode bad/no-0x.msrs
row text-18 2 "bad/not-hex.msrs:1:" "$A" "non-hex digit" -- decode bad/not-hex.msrs
row text-19 2 "bad/too-wide.msrs:1:" "$A" "value wider than 64 bits" -- decode bad/too-wide.msrs
row text-20 2 "bad/trailing.msrs:1:" "$A" "text after the value" -- decode bad/trailing.msrs
row text-21 2 "bad/glued-hash.msrs:1:" "$A" "'#' glued to the value" -- decode bad/glued-hash.msrs
row text-22 2 "bad/negative.msrs:1:" "$A" "negative value" -- decode bad/negative.msrs
row text-23 2 "bad/nul.msrs:2:" "$A" "NUL byte" -- decode bad/nul.msrs
row text-24 2 "bad/control.msrs:2:" "$A" "control character" -- decode bad/control.msrs
row text-25 2 "bad/del.msrs:2:" "$A" "DEL character" -- decode bad/del.msrs
row text-26 2 "bad/utf8.msrs:2:" "$A" "invalid UTF-8 (Latin-1 byte)" -- decode bad/utf8.msrs
row text-27 2 "bad/cr.msrs:2:" "$A" "carriage return inside a line" -- decode bad/cr.msrs
row text-28 2 "bad/gzip.msrs:1:" "$A" "binary file (gzip)" -- decode bad/gzip.msrs
row text-29 2 "bad/family-text.msrs:1:" "$A" "family not a number" -- decode bad/family-text.msrs
row text-30 2 "bad/family-range.msrs:1:" "$A" "family out of range" -- decode bad/family-range.msrs
row text-31 2 "bad/model-range.msrs:1:" "$A" "model out of range" -- decode bad/model-range.msrs
row text-32 2 "bad/stepping-range.msrs:1:" "$A" "stepping out of range" -- decode bad/stepping-range.msrs
row text-33 2 "bad/evmcs-bool.msrs:1:" "$A" "hyperv_evmcs not a boolean" -- decode bad/evmcs-bool.msrs
row text-34 2 "bad/long-value.msrs:1:" "$A" "value longer than its field" -- decode bad/long-value.msrs
row text-35 2 "<stdin>: empty file" "$A" "empty standard input ('-')" -- decode -

# -- QEMU's vmxcap output (a partial host; decode shown) -------------------------------------------
A="vmxcap reader"
printf 'Basic VMX Information\n  Hex: 0xda040000000004\npin-based controls\n  NMI exiting                              maybe\n' >bad/state.vmxcap
printf 'Basic VMX Information\n  Revision                                 4\npin-based controls\n  NMI exiting                              yes\n' >bad/nohex.vmxcap
printf 'Basic VMX Information\n  Hex: 0xda040000000004\nSomething else\n' >bad/section.vmxcap
row vmxcap-1 2 "bad/state.vmxcap:4: state 'maybe'" "$A" "a control state vmxcap never prints" -- decode bad/state.vmxcap
row vmxcap-2 2 "bad/nohex.vmxcap: no 'Hex:' line" "$A" "BASIC without its Hex: line" -- decode bad/nohex.vmxcap
row vmxcap-3 2 "bad/section.vmxcap:3:" "$A" "a section vmxcap does not print" -- decode bad/section.vmxcap

# -- libvirt XML (virsh capabilities / domcapabilities; a partial host) ---------------------------
A="libvirt XML reader"
printf "<capabilities>\n  <host>\n    <cpu>\n      <model>Haswell</model>\n      <feature name='vme'/>\n    </cpu>\n  </host>\n</capabilities>\n" >bad/novmx.xml
printf "<domainCapabilities>\n  <cpu>\n    <mode name='host-model'>\n      <feature policy='require' name='vmx-ept'\n" >bad/cut.xml
printf "<domainCapabilities>\n  <cpu>\n  </cpu>\n</domainCapabilities>\n" >bad/nohost.xml
row xml-1 2 "bad/novmx.xml: no vmx-* feature" "$A" "virsh capabilities without vmx-* features" -- decode bad/novmx.xml
row xml-2 2 "bad/cut.xml:4: unterminated <feature" "$A" "a feature element cut off" -- decode bad/cut.xml
row xml-3 2 "bad/nohost.xml: neither a host-model CPU" "$A" "no host CPU described" -- decode bad/nohost.xml

# -- /proc/cpuinfo with its vmx flags line (a partial host) -----------------------------------------
A="cpuinfo reader"
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx\n\nprocessor\t: 1\n' >bad/noline.cpuinfo
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu lm\nvmx flags\t: vnmi ept\n' >bad/novmx.cpuinfo
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx\nvmx flags\t: vnmi apicv vtpr vid\n' >bad/aggr.cpuinfo
row cpuinfo-1 2 "bad/noline.cpuinfo: /proc/cpuinfo has no 'vmx flags' line: the kernel that wrote it is older than 5.6 (or built without CONFIG_X86_VMX_FEATURE_NAMES), and its 'flags' line says only that VMX is there, not which controls: on that host give QEMU's vmxcap output (scripts/kvm/vmxcap, as root), a dump, or the line 'nvmx inventory-line --live' prints" "$A" "a kernel before 5.6 (no vmx flags line)" -- decode bad/noline.cpuinfo
row cpuinfo-2 2 "bad/novmx.cpuinfo: /proc/cpuinfo without the 'vmx' flag" "$A" "VMX absent or hidden" -- decode bad/novmx.cpuinfo
row cpuinfo-3 2 "bad/aggr.cpuinfo:4: vmx flags: 'apicv' without all of its parts" "$A" "an aggregate flag without its parts" -- decode bad/aggr.cpuinfo
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 330\nstepping\t: 5\nflags\t\t: fpu vmx\nvmx flags\t: vnmi\n' >bad/model.cpuinfo
row cpuinfo-4 2 "bad/model.cpuinfo:4: model 330 is out of range (at most 255)" "$A" "a CPUID signature field wider than CPUID's" -- decode bad/model.cpuinfo

# -- JSON host ---------------------------------------------------------------------
A="JSON host"
row json-1 2 "bad/syntax.json:1:" "$A" "trailing comma" -- decode bad/syntax.json
row json-2 2 "bad/truncated.json:" "$A" "truncated document" -- decode bad/truncated.json
row json-3 2 "bad/no-msrs.json" "$A" "no \"msrs\"" -- decode bad/no-msrs.json
row json-4 2 "bad/msrs-array.json:1:" "$A" "\"msrs\" not an object" -- decode bad/msrs-array.json
row json-5 2 "bad/msrs-empty.json:1:" "$A" "\"msrs\" empty" -- decode bad/msrs-empty.json
row json-6 2 "bad/value-number.json:1:" "$A" "MSR value a number" -- decode bad/value-number.json
row json-7 2 "bad/value-wide.json:1:" "$A" "value wider than 64 bits" -- decode bad/value-wide.json
row json-8 2 "bad/value-nohex.json:1:" "$A" "value without 0x" -- decode bad/value-nohex.json
row json-9 2 "bad/unknown-msr.json:1:" "$A" "unknown MSR name" -- decode bad/unknown-msr.json
row json-10 2 "bad/dup-key.json:1:" "$A" "a key twice" -- decode bad/dup-key.json
row json-11 2 "bad/dup-msr.json:1:" "$A" "an MSR by name and by index" -- decode bad/dup-msr.json
row json-12 2 "bad/family-type.json:1:" "$A" "family a string" -- decode bad/family-type.json
row json-13 2 "bad/family-range.json:1:" "$A" "family out of range" -- decode bad/family-range.json
row json-14 2 "bad/evmcs-type.json:1:" "$A" "hyperv_evmcs not a boolean" -- decode bad/evmcs-type.json
row json-15 2 "bad/utf8.json:1:" "$A" "invalid UTF-8 in a string" -- decode bad/utf8.json
row json-16 2 "bad/control.json:1:" "$A" "raw control character in a string" -- decode bad/control.json
row json-17 2 "bad/surrogate.json:1:" "$A" "unpaired surrogate escape" -- decode bad/surrogate.json
row json-18 2 "bad/deep.json:1:" "$A" "nesting deeper than 64" -- decode bad/deep.json
row json-19 2 "bad/trailing.json:1:" "$A" "data after the document" -- decode bad/trailing.json
row json-20 2 "bad/leading-zero.json:1:" "$A" "number with a leading zero" -- decode bad/leading-zero.json
row json-21 2 "bad/nan.json:1:" "$A" "NaN" -- decode bad/nan.json
row json-22 2 "bad/comment.json:1:" "$A" "comment" -- decode bad/comment.json
row json-23 2 "bad/not-object-host.json" "$A" "\"host\" not an object, no \"msrs\"" -- decode bad/not-object-host.json

# -- live /dev/cpu/N/msr (decode --live-cpu; derive/verify --live read it the same way) --
A="/dev/cpu/N/msr"
row cpu-1 3 "root/nodev/dev/cpu/0/msr: no such device" "$A" "msr driver not loaded" -- decode --live-cpu 0 --root root/nodev
row @cpu-2 3 "root/perm/dev/cpu/0/msr: permission denied" "$A" "not root" -- decode --live-cpu 0 --root root/perm
row cpu-3 3 "root/nocpuinfo/proc/cpuinfo" "$A" "no /proc/cpuinfo" -- decode --live-cpu 0 --root root/nocpuinfo
row cpu-4 3 "no processor 7" "$A" "CPU not present" -- decode --live-cpu 7 --root root/nodev
row cpu-5 3 "not Intel (AuthenticAMD)" "$A" "AMD processor" -- decode --live-cpu 0 --root root/amd
row cpu-6 3 "no 'vmx' flag" "$A" "VMX absent or disabled" -- decode --live-cpu 0 --root root/novmx
row cpu-7 3 "root/basic-eio/dev/cpu/0/msr: IA32_VMX_BASIC (0x480) cannot be read" "$A" "RDMSR of BASIC faults (EIO)" -- decode --live-cpu 0 --root root/basic-eio
row cpu-8 3 "reading MSR 0x48b" "$A" "a read fails (EINVAL)" -- decode --live-cpu 0 --root root/einval
row cpu-9 3 "reading MSR 0x481" "$A" "short read" -- decode --live-cpu 0 --root root/short
row cpu-10 3 "is a directory" "$A" "directory in place of the device" -- decode --live-cpu 0 --root root/dirdev
row cpu-11 3 "root/none/proc/cpuinfo" "$A" "--root that does not exist" -- decode --live-cpu 0 --root root/none

# -- live /dev/kvm (decode --live-kvm; verify --live reads it the same way) -----------
A="/dev/kvm"
row kvm-1 3 "root/kvm-missing/dev/kvm: no such device" "$A" "KVM not loaded" -- decode --live-kvm --root root/kvm-missing
row @kvm-2 3 "root/kvm-perm/dev/kvm: permission denied" "$A" "not in the kvm group" -- decode --live-kvm --root root/kvm-perm
row kvm-3 3 "root/kvm-none/dev/kvm: KVM offers no VMX feature MSRs" "$A" "KVM lists no VMX MSR (nested=0)" -- decode --live-kvm --root root/kvm-none
row kvm-4 3 "root/kvm-null/dev/kvm: not a KVM device" "$A" "a device that is not KVM" -- decode --live-kvm --root root/kvm-null
row kvm-5 3 "root/kvm-dir/dev/kvm: is a directory" "$A" "a directory" -- decode --live-kvm --root root/kvm-dir

# -- nested-state blob (check --nested-state) -------------------------------------------
A="nested-state blob"
NS="--from-host $H --from-kvm 6.1 --to $H $K"
row ns-1 2 "bad/none.bin" "$A" "missing file" -- check --nested-state bad/none.bin $NS
row ns-2 2 "bad/ns-truncated.bin: hdr.vmx.vmxon_pa at offset 8" "$A" "truncated header" -- check --nested-state bad/ns-truncated.bin $NS
row ns-3 2 "bad/ns-svm.bin: format at offset 2" "$A" "SVM blob" -- check --nested-state bad/ns-svm.bin $NS
row ns-4 2 "bad/ns-size-small.bin: size at offset 4" "$A" "size below the header" -- check --nested-state bad/ns-size-small.bin $NS
row ns-5 2 "bad/ns-size-big.bin: size at offset 4" "$A" "size past the end" -- check --nested-state bad/ns-size-big.bin $NS
row ns-6 2 "bad/ns-flags.bin: flags at offset 0" "$A" "unknown flags" -- check --nested-state bad/ns-flags.bin $NS
row ns-7 2 "bad/ns-run-pending.bin: flags at offset 0" "$A" "RUN_PENDING without GUEST_MODE" -- check --nested-state bad/ns-run-pending.bin $NS
row ns-8 2 "bad/ns-vmxon-align.bin: hdr.vmx.vmxon_pa at offset 8" "$A" "VMXON region not page-aligned" -- check --nested-state bad/ns-vmxon-align.bin $NS
row ns-9 2 "bad/ns-no-vmcs12.bin: size at offset 4" "$A" "a current VMCS but no room for it" -- check --nested-state bad/ns-no-vmcs12.bin $NS
row ns-10 2 "bad: " "$A" "a directory" -- check --nested-state bad $NS

# -- decode ----------------------------------------------------------------------------
A="decode"
row decode-1 2 "no source" "$A" "no SOURCE" -- decode
row decode-2 2 "one SOURCE only" "$A" "two SOURCEs" -- decode $H $H
row decode-3 2 "give one source" "$A" "a file and --live-kvm" -- decode $H --live-kvm
row decode-4 2 "'--frob'" "$A" "unknown option" -- decode $H --frob
row decode-5 2 "--live-cpu: 'abc' is not a CPU number" "$A" "--live-cpu not a number" -- decode --live-cpu abc
row decode-6 2 "--live-cpu: '-1' is not a CPU number" "$A" "--live-cpu negative" -- decode --live-cpu -1
row decode-7 2 "--live-cpu needs N" "$A" "--live-cpu without its value" -- decode --live-cpu
row decode-8 2 "--root applies to --live-cpu and --live-kvm only" "$A" "--root with a file" -- decode $H --root /

# -- diff --------------------------------------------------------------------------------
A="diff"
row diff-1 2 "nvmx diff" "$A" "no argument" -- diff
row diff-2 2 "nvmx diff" "$A" "one source only" -- diff $H
row diff-3 2 "nvmx diff" "$A" "three sources" -- diff $H $H $H
row diff-4 2 "'--frob'" "$A" "unknown option" -- diff $H $H --frob
row diff-5 2 "bad/dup-msr.msrs:2:" "$A" "a bad second source" -- diff $H bad/dup-msr.msrs

# -- derive ------------------------------------------------------------------------------
A="derive"
row derive-1 2 "HOST" "$A" "no HOST" -- derive $K
row derive-2 2 "--kvm RELEASE is required" "$A" "no --kvm" -- derive $H
row derive-3 2 "kernel 9.9 is newer than every modelled release" "$A" "release newer than every row" -- derive $H --kvm 9.9
row derive-4 2 "--kvm needs RELEASE" "$A" "--kvm without its value" -- derive $H --kvm
row derive-5 2 "'frob'" "$A" "unknown --param name" -- derive $H $K --param frob=1
row derive-6 2 "'ept'" "$A" "--param without '='" -- derive $H $K --param ept
row derive-7 2 "'maybe'" "$A" "--param bad boolean" -- derive $H $K --param ept=maybe
row derive-8 2 "'99999999999'" "$A" "--param number out of range" -- derive $H $K --param ple_gap=99999999999
row derive-9 2 "'enable_ipiv'" "$A" "--param the release lacks" -- derive $H --kvm 5.10 --param enable_ipiv=0
row derive-10 2 "'ept='" "$A" "--param with an empty value" -- derive $H $K --param ept=
row derive-11 2 "'--frob'" "$A" "unknown option" -- derive $H $K --frob
row derive-12 2 "'good.msrs'" "$A" "two HOSTs" -- derive $H $H $K
row derive-13 2 "--live" "$A" "HOST and --live" -- derive $H --live $K
row derive-14 2 "--live-cpu: 'x' is not a CPU number" "$A" "--cpu (--live-cpu) not a number" -- derive --live --cpu x
row derive-15 3 "root/noparams/sys/module/kvm_intel/parameters" "$A" "--live without kvm_intel loaded" -- derive --live --root root/noparams
row derive-16 2 "bad/too-wide.msrs:1:" "$A" "a bad HOST file" -- derive bad/too-wide.msrs $K
row derive-17 2 "unknown KVM release 'bookwrom'" "$A" "a name that is no release" -- derive $H --kvm bookwrom
row derive-18 2 "is a release nvmx does not model" "$A" "a distribution release without a row" -- derive $H --kvm 5.14.0-284.30.1.el9_2.x86_64

# -- verify ------------------------------------------------------------------------------
A="verify"
row verify-1 2 "only --live is supported" "$A" "without --live" -- verify
row verify-2 2 "--live-cpu: 'x' is not a CPU number" "$A" "--live-cpu not a number" -- verify --live --live-cpu x
row verify-3 2 "--root needs DIR" "$A" "--root without its value" -- verify --live --root
row verify-4 2 "'--frob'" "$A" "unknown option" -- verify --live --frob
row verify-5 3 "root/nocpuinfo/proc/cpuinfo" "$A" "live source unavailable" -- verify --live --root root/nocpuinfo

# -- restore ------------------------------------------------------------------------------
A="restore"
row restore-1 2 "HOST is required" "$A" "no HOST" -- restore $K
row restore-2 2 "--kvm RELEASE is required" "$A" "no --kvm" -- restore $H
row restore-3 2 "'IA32_VMX_BASIC': expected MSR=VALUE" "$A" "MSR without =VALUE" -- restore $H $K IA32_VMX_BASIC
row restore-4 2 "'IA32_VMX_FOO': unknown MSR" "$A" "unknown MSR name" -- restore $H $K IA32_VMX_FOO=0x1
row restore-5 2 "'0x494': unknown MSR" "$A" "MSR index outside the block" -- restore $H $K 0x494=0x1
row restore-6 2 "'IA32_VMX_BASIC=12': value must be hex with 0x" "$A" "value without 0x" -- restore $H $K IA32_VMX_BASIC=12
row restore-7 2 "'IA32_VMX_BASIC=0x10000000000000000'" "$A" "value wider than 64 bits" -- restore $H $K IA32_VMX_BASIC=0x10000000000000000
row restore-8 2 "'IA32_VMX_BASIC=0xzz'" "$A" "value not hex" -- restore $H $K IA32_VMX_BASIC=0xzz
row restore-9 2 "'IA32_VMX_BASIC=0x'" "$A" "value with no digits" -- restore $H $K IA32_VMX_BASIC=0x
row restore-10 2 "'=0x1'" "$A" "no MSR before =" -- restore $H $K =0x1
row restore-11 2 "--guest-cpuid 'all'" "$A" "--guest-cpuid bad base" -- restore $H $K --guest-cpuid all
row restore-12 2 "--guest-cpuid: expected ,+flag or ,-flag" "$A" "--guest-cpuid flag without +/-" -- restore $H $K --guest-cpuid host,vmx
row restore-13 2 "--guest-cpuid: bad flag name" "$A" "--guest-cpuid bad flag name" -- restore $H $K --guest-cpuid host,+a.b
row restore-14 2 "--guest-cpuid needs SPEC" "$A" "--guest-cpuid without its value" -- restore $H $K --guest-cpuid
row restore-15 2 "--guest-cpuid host: bad/no-flags.msrs lists no cpuid.features" "$A" "--guest-cpuid host, HOST without flags" -- restore bad/no-flags.msrs $K --guest-cpuid host
row restore-16 2 "--state: unknown flag 'running'" "$A" "--state unknown flag" -- restore $H $K --state has-run,running
row restore-17 2 "--state needs FLAGS" "$A" "--state without its value" -- restore $H $K --state
row restore-18 2 "--policy must be strict, revoke-keep or revoke-clear" "$A" "--policy unknown" -- restore $H $K --policy lenient
row restore-19 2 "--pmu-version needs a number 0..255" "$A" "--pmu-version out of range" -- restore $H $K --pmu-version 256
row restore-20 2 "--disable-quirks needs a mask" "$A" "--disable-quirks not a number" -- restore $H $K --disable-quirks lots
row restore-21 2 "--revoke-since: kernel 1.0 is older than every modelled release" "$A" "--revoke-since unknown release" -- restore $H $K --policy revoke-keep --revoke-since 1.0
row restore-22 2 "more than 128 writes" "$A" "more than 128 writes" -- restore $H $K $(for i in $(seq 129); do printf 'IA32_VMX_VMCS_ENUM=0x2e '; done)
row restore-23 2 "'--frob'" "$A" "unknown option" -- restore $H $K --frob
row restore-24 2 "unknown kvm_intel parameter 'frob'" "$A" "unknown --param" -- restore $H $K --param frob=1

# -- check ---------------------------------------------------------------------------------
A="check"
row check-1 2 "the source is missing" "$A" "no SAVED and no --from-host" -- check --to $H $K
row check-2 2 "--to HOST is required" "$A" "no --to" -- check $H $K
row check-3 2 "--kvm RELEASE is required" "$A" "no --kvm" -- check $H --to $H
row check-4 2 "--order: unknown MSR 'foo'" "$A" "--order unknown MSR" -- check $H --to $H $K --order foo
row check-5 2 "--from-kvm" "$A" "--from-host without --from-kvm" -- check --from-host $H --to $H $K
row check-6 2 "kernel 4.19 is older than every modelled release" "$A" "--from-kvm older than every row" -- check --from-host $H --from-kvm 4.19 --to $H $K
row check-7 2 "bad/dup-msr.msrs:2:" "$A" "a bad SAVED file" -- check bad/dup-msr.msrs --to $H $K
row check-8 2 "'--frob'" "$A" "unknown option" -- check $H --to $H $K --frob
row check-9 2 "--policy must be strict" "$A" "--policy unknown" -- check $H --to $H $K --policy x
row check-10 2 "unknown flag 'x'" "$A" "--from-state unknown flag" -- check --from-host $H --from-kvm 6.1 --from-state x --to $H $K
row check-11 2 "--from-policy: a restore policy applies to the destination" "$A" "--from-policy (the source has no restore policy)" -- check --from-host $H --from-kvm 6.1 --from-policy revoke-keep --to $H $K
row check-12 2 "--semantics: qemu or saved-msrs" "$A" "--cpu with --semantics unknown" -- check --cpu Haswell,+vmx --semantics x --from-host $H --from-kvm 6.1 --to $H $K
row check-13 2 "not in QEMU 9.2" "$A" "--cpu a model the QEMU release lacks" -- check --cpu YongFeng,+vmx --qemu 9.2 --from-host $H --from-kvm 6.1 --to $H $K
row check-14 2 "the source is --from-host" "$A" "--cpu with a SAVED file" -- check $H --cpu Haswell,+vmx --to $H $K
row check-15 2 "unknown QEMU release '4.0'" "$A" "--cpu with --qemu unknown" -- check --cpu Haswell,+vmx --qemu 4.0 --from-host $H --from-kvm 6.1 --to $H $K
row check-16 2 "--guest-cpuid does not apply with --cpu: QEMU gives the guest the CPUID of the -cpu" "$A" "--cpu with --guest-cpuid (the -cpu gives the CPUID)" -- check --cpu Haswell,+vmx --from-host $H --from-kvm 6.1 --to $H $K --guest-cpuid none
row check-17 2 "--policy does not apply with --cpu: a restore policy is for a VMM that writes saved MSRs back" "$A" "--cpu with --policy" -- check --cpu Haswell,+vmx --from-host $H --from-kvm 6.1 --to $H $K --policy revoke-keep
row check-18 2 "--order does not apply with --cpu: QEMU writes the VMX MSRs in its own order" "$A" "--cpu with --order" -- check --cpu Haswell,+vmx --from-host $H --from-kvm 6.1 --to $H $K --order kernel
row check-19 2 "--from-state does not apply with --cpu" "$A" "--cpu with --from-state (the state is --nested-state's)" -- check --cpu Haswell,+vmx --from-host $H --from-kvm 6.1 --from-state vmxon --to $H $K
row check-20 2 "--pmu-version does not apply with --cpu" "$A" "--cpu with --pmu-version" -- check --cpu Haswell,+vmx --from-host $H --from-kvm 6.1 --to $H $K --pmu-version 2
row check-21 2 "kernel 4.15.0-213-generic is older than every modelled release" "$A" "--kvm an Ubuntu 18.04 uname (older than 5.4)" -- check $H --to $H --kvm 4.15.0-213-generic

# -- upgrade ---------------------------------------------------------------------------------
A="upgrade"
row upgrade-1 2 "give at least one HOST" "$A" "no HOST" -- upgrade --from-kvm 6.1 --to-kvm 6.6
row upgrade-2 2 "--kvm NEW are required" "$A" "no --kvm" -- upgrade --from-kvm 6.1 $H
row upgrade-3 2 "kernel 9.9 is newer than every modelled release" "$A" "release newer than every row" -- upgrade --from-kvm 6.1 --to-kvm 9.9 $H
row upgrade-4 2 "'--frob'" "$A" "unknown option" -- upgrade --from-kvm 6.1 --to-kvm 6.6 --frob $H
row upgrade-5 2 "bad/empty.msrs: empty file" "$A" "a bad HOST file" -- upgrade --from-kvm 6.1 --to-kvm 6.6 bad/empty.msrs
row upgrade-6 2 "bad/inv-key.jsonl:1: unknown key" "$A" "a bad --inventory" -- upgrade --kvm 6.6 --inventory bad/inv-key.jsonl
row upgrade-7 2 "--kvm NEW are required" "$A" "HOST operands besides --inventory, no --from-kvm" -- upgrade --kvm 6.6 --inventory bad/inv-key.jsonl $H
row upgrade-8 2 "two output formats (markdown and json)" "$A" "two output formats" -- upgrade --all --markdown --json $H
row upgrade-9 2 "--format markdown is the table of --all or --path" "$A" "--format markdown without --all or --path" -- upgrade --from-kvm 6.1 --kvm 6.6 --format markdown $H
row upgrade-10 2 "--releases debian-12,6.6: no two lie on one release history" "$A" "--all --releases with no upgrade pair (rows of different lineages)" -- upgrade --all --releases debian-12,6.6 $H

# -- revoke-list -------------------------------------------------------------------------------
A="revoke-list"
row revoke-1 2 "--kvm RELEASE is required" "$A" "no --kvm" -- revoke-list $H
row revoke-2 2 "give at least one HOST" "$A" "no HOST" -- revoke-list $K
row revoke-3 2 "--since: kernel 2.6 is older than every modelled release" "$A" "--since before every release" -- revoke-list $K --since 2.6 $H
row revoke-6 2 "--since: unknown KVM release 'bookwrom'" "$A" "--since a name that is no release" -- revoke-list $K --since bookwrom $H
row revoke-4 2 "'--frob'" "$A" "unknown option" -- revoke-list $K --frob $H
row revoke-5 2 "bad/inv-key.jsonl:1: unknown key" "$A" "a bad --inventory" -- revoke-list $K --inventory bad/inv-key.jsonl

# -- kernels ------------------------------------------------------------------------------------
row kernels-1 2 "unknown argument 'foo'" "kernels" "any argument but --json" -- kernels foo
row kernels-2 2 "--format: text, json or markdown" "kernels" "an unknown --format" -- kernels --format html

# -- qemu-check ---------------------------------------------------------------------------------
A="qemu-check"
row qemu-1 2 "-cpu MODEL[,FLAG]... is required" "$A" "no -cpu" -- qemu-check --to $H $K
row qemu-2 2 "unknown CPU model 'Frob'" "$A" "unknown CPU model" -- qemu-check -cpu Frob --to $H $K
row qemu-3 2 "--to HOST is required" "$A" "no --to" -- qemu-check -cpu Skylake-Server $K
row qemu-4 2 "--kvm RELEASE is required" "$A" "no --kvm" -- qemu-check -cpu Skylake-Server --to $H
row qemu-5 2 "'--frob'" "$A" "unknown option" -- qemu-check -cpu Skylake-Server --to $H $K --frob
row qemu-6 2 "unknown QEMU release 'x'" "$A" "--qemu unknown version" -- qemu-check -cpu Skylake-Server --to $H $K --qemu x
row qemu-7 2 "--also" "$A" "--also without @RELEASE" -- qemu-check -cpu Skylake-Server --to $H $K --also $H
row qemu-8 2 "--semantics: qemu or saved-msrs" "$A" "--semantics unknown" -- qemu-check -cpu Skylake-Server --to $H $K --semantics x
row qemu-9 2 "--also 'good.msrs@4.19': kernel 4.19 is older than every modelled release" "$A" "--also HOST@ a release before every row" -- qemu-check -cpu Skylake-Server --to $H $K --also $H@4.19

# -- explain ------------------------------------------------------------------------------------
A="explain"
row explain-1 2 "give QEMU's error line, MSR=VALUE, MSR VALUE, or a log" "$A" "nothing to explain" -- explain --host $H $K
row explain-2 2 "'garbage'" "$A" "not QEMU's line nor MSR=VALUE" -- explain garbage --host $H $K
row explain-3 2 "--host HOST is required" "$A" "no --host" -- explain 0x48d=0x1 $K
row explain-4 2 "--kvm RELEASE is required" "$A" "no --kvm" -- explain 0x48d=0x1 --host $H
row explain-5 2 "0x48d=0x10000000000000000" "$A" "value wider than 64 bits" -- explain 0x48d=0x10000000000000000 --host $H $K
row explain-6 2 "IA32_VMX_FOO" "$A" "unknown MSR name" -- explain IA32_VMX_FOO=0x1 --host $H $K
printf 'qemu started\nall fine\n' >bad/quiet.log
printf 'failed to set MSR 0x48d to 0x16\n\0\1\2' >bad/binary.log
printf 'qemu-system-x86_64: error: failed to set MSR 0x48d to 0xff00000016\n' >bad/one.log
row explain-7 2 "bad/quiet.log: no" "$A" "log without any QEMU MSR line" -- explain bad/quiet.log --host $H $K
row explain-8 2 "bad/binary.log:2: binary data" "$A" "binary log" -- explain bad/binary.log --host $H $K
row explain-9 2 "--uname 'x'" "$A" "--uname not a kernel release" -- explain bad/one.log --host $H --uname x
row explain-10 2 "a log or writes, not both" "$A" "a log and writes" -- explain bad/one.log 0x48d=0x1 --host $H $K
row explain-11 2 "one log at a time" "$A" "two logs" -- explain bad/one.log bad/quiet.log --host $H $K

# -- inventory-line -----------------------------------------------------------------------------
A="inventory-line"
row invline-1 2 "--live is required" "$A" "no --live" -- inventory-line
row invline-2 2 "unknown argument 'x'" "$A" "an extra argument" -- inventory-line --live x
row invline-3 2 "--live-cpu: 'x' is not a CPU number" "$A" "--cpu not a number" -- inventory-line --live --cpu x

# -- baseline, matrix, pools, fleet-gen (docs/fleet.md) ------------------------------------------
A="baseline"
row baseline-1 2 "no hosts given" "$A" "no HOST" -- baseline
row baseline-2 2 "kernel 9.9 is newer than every modelled release" "$A" "HOST@RELEASE newer than every row" -- baseline $H@9.9
row baseline-3 2 "nope.msrs" "$A" "HOST does not exist" -- baseline nope.msrs
row baseline-4 2 "bad/empty.msrs: empty file" "$A" "a bad HOST file" -- baseline bad/empty.msrs
row baseline-5 2 "--format: msrs, json, qemu or libvirt" "$A" "--format unknown" -- baseline $H --format x
row baseline-6 2 "unknown kvm_intel parameter 'frob'" "$A" "--param unknown" -- baseline $H --param frob=1
row baseline-7 2 "'--frob'" "$A" "unknown option" -- baseline $H --frob
row baseline-8 2 "empty-dir: no .msrs or .json dumps" "$A" "a directory without dumps" -- baseline empty-dir
row baseline-9 2 "good.msrs@: unknown KVM release ''" "$A" "HOST@ with no release" -- baseline $H@
row baseline-10 2 "kernel 9.9 is newer than every modelled release" "$A" "--kvm newer than every row" -- baseline $H --kvm 9.9
row baseline-11 2 "--qemu: a QEMU release" "$A" "--qemu unknown" -- baseline $H --format qemu --qemu 3.0
A="baseline (inventory)"
row inventory-1 2 "bad/inv-syntax.jsonl:2:" "$A" "a line that is not JSON" -- baseline --inventory bad/inv-syntax.jsonl
row inventory-2 2 "bad/inv-key.jsonl:1: unknown key" "$A" "an unknown key" -- baseline --inventory bad/inv-key.jsonl
row inventory-3 2 "bad/inv-release.jsonl:1:" "$A" "an unknown release" -- baseline bad/inv-release.jsonl
row inventory-4 2 "KVM 5.10 has no parameter enable_pmu" "$A" "a parameter the release lacks" -- baseline bad/inv-param.jsonl
row inventory-5 2 "bad value for parameter ept" "$A" "a bad parameter value" -- baseline bad/inv-value.jsonl
row inventory-6 2 "dump 'nope.msrs'" "$A" "a dump that does not exist" -- baseline bad/inv-nodump.jsonl
row inventory-7 2 "give either \"dump\"" "$A" "both dump and msrs" -- baseline bad/inv-both.jsonl
row inventory-8 2 "bad/inv-msrs.jsonl:1:38:" "$A" "a bad inline MSR value" -- baseline bad/inv-msrs.jsonl
row inventory-9 2 "bad/inv-array.jsonl:2: a host must be a JSON object" "$A" "a line that is not an object" -- baseline bad/inv-array.jsonl
row inventory-10 2 "nope.jsonl" "$A" "no such inventory" -- baseline --inventory nope.jsonl
A="matrix"
row matrix-1 2 "no hosts given" "$A" "no HOST" -- matrix
row matrix-2 2 "--policy: strict, revoke-keep, revoke-clear or all" "$A" "--policy unknown" -- matrix $H --policy x
row matrix-3 2 "--format: text, csv, json or html" "$A" "--format unknown" -- matrix $H --format x
row matrix-4 2 "--limit needs a positive number" "$A" "--limit 0" -- matrix $H --limit 0
row matrix-5 2 "--per-host is for text, csv and json" "$A" "--per-host with html" -- matrix $H --format html --per-host
row matrix-6 2 "bad/inv-key.jsonl:1:" "$A" "a bad inventory" -- matrix $H bad/inv-key.jsonl
row matrix-7 2 "--pools needs a number of at least 1" "$A" "--pools not a number" -- matrix $H --pools x
row matrix-8 2 "--max-loss needs a number" "$A" "--max-loss negative" -- matrix $H --max-loss -1
row matrix-9 2 "good.msrs@7.7: kernel 7.7 is newer than every modelled release" "$A" "HOST@RELEASE newer than every row" -- matrix $H@7.7
row matrix-10 2 "'--frob'" "$A" "unknown option" -- matrix $H --frob
row matrix-11 2 "--cpu (semantics qemu) is for text, json and html" "$A" "--cpu with --format csv" -- matrix $H --cpu Haswell,+vmx --format csv
row matrix-15 2 "--guest-cpuid, --pmu-version and --disable-quirks do not apply with --cpu" "$A" "--cpu with --guest-cpuid" -- matrix $H --cpu Haswell,+vmx --guest-cpuid none
row matrix-16 2 "--policy does not apply with --cpu" "$A" "--cpu with --policy" -- matrix $H --cpu Haswell,+vmx --policy all
row matrix-12 2 "unknown CPU model" "$A" "--cpu unknown model" -- matrix $H --cpu Pentium9
row matrix-13 2 "--guest-cpuid host: a fleet has many hosts' CPUIDs" "$A" "--guest-cpuid host (one host's CPUID of many)" -- matrix $H --guest-cpuid host
row matrix-14 2 "--pmu-version needs a number 0..255" "$A" "--pmu-version out of range" -- matrix $H --pmu-version 300
A="pools"
row pools-1 2 "no hosts given" "$A" "no HOST" -- pools
row pools-2 2 "--pools needs a number of at least 1" "$A" "--pools 0" -- pools $H --pools 0
row pools-3 2 "--max-loss needs a number" "$A" "--max-loss not a number" -- pools $H --max-loss x
row pools-4 2 "'--frob'" "$A" "unknown option" -- pools $H --frob
row pools-5 2 "--format: text, json, qemu or libvirt" "$A" "--format unknown" -- pools $H --format x
row pools-6 2 "--qemu: a QEMU release" "$A" "--qemu before the vmx-* words" -- pools $H --format qemu --qemu 4.1
A="fleet-gen"
row fleetgen-1 2 "--hosts N is required" "$A" "no --hosts" -- fleet-gen
row fleetgen-2 2 "--hosts needs a number" "$A" "--hosts not a number" -- fleet-gen --hosts x
row fleetgen-3 2 "empty-dir: no .msrs dumps" "$A" "--dumps without dumps" -- fleet-gen --hosts 5 --dumps empty-dir
row fleetgen-4 2 "'--frob'" "$A" "unknown option" -- fleet-gen --hosts 5 --frob
row fleetgen-5 2 "--hosts N is required (1 to 100000000)" "$A" "--hosts out of range" -- fleet-gen --hosts 1000000000
row fleetgen-6 2 "--seed needs a number" "$A" "--seed not a number" -- fleet-gen --hosts 5 --seed x
row fleetgen-7 2 "--profiles needs a number" "$A" "--profiles not a number" -- fleet-gen --hosts 5 --profiles x --dumps hosts
row fleetgen-8 2 "none/x" "$A" "--out in a missing directory" -- fleet-gen --hosts 5 --out none/x --dumps hosts
row fleetgen-9 2 "--models needs at least 1" "$A" "--models 0" -- fleet-gen --hosts 5 --models 0

A="batch"
printf '["kernels"\n' >bad/batch-truncated
printf '{"derive":"good.msrs"}\n' >bad/batch-object
printf '["derive", 1]\n' >bad/batch-number
printf '[]\n' >bad/batch-empty
printf '["decode","x\\u0000y"]\n' >bad/batch-nul
row batch-1 2 "takes no arguments" "$A" "an argument" -- batch good.msrs
row_stdin=bad/batch-truncated
row batch-2 2 "<stdin>:1:" "$A" "request not valid JSON" -- batch
row_stdin=bad/batch-object
row batch-3 2 "<stdin>:1:" "$A" "request not an array" -- batch
row_stdin=bad/batch-number
row batch-4 2 "<stdin>:1:" "$A" "request with a number" -- batch
row_stdin=bad/batch-empty
row batch-5 2 "<stdin>:1:" "$A" "empty request" -- batch
row_stdin=bad/batch-nul
row batch-6 2 "<stdin>:1:" "$A" "argument with a NUL" -- batch
unset row_stdin

# ---- the document and the coverage ------------------------------------------------------------

if [ "$mode" = table ]; then
	echo '| id | input | bad input | command | exit | message (first line of stderr) |'
	echo '|---|---|---|---|---|---|'
	while IFS= read -r line; do
		case $line in
		*" SKIP") id=${line% SKIP}; grep -E "^\| $id \|" "$doc" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done <"$table"
	exit 0
fi

t_n=$((t_n + 1))
if [ ! -f "$doc" ]; then
	echo "not ok $t_n - docs/bad-input.md exists"
	t_failed=$((t_failed + 1))
else
	grep -E '^\| [a-z@]+-[0-9]+ \|' "$doc" >"$tmp/doc-rows"
	ndiff=0
	while IFS= read -r line; do
		case $line in *" SKIP") continue ;; esac
		grep -qxF -- "$line" "$tmp/doc-rows" || { ndiff=$((ndiff + 1)); echo "$line" >>"$tmp/missing"; }
	done <"$table"
	nrows=$(grep -c . "$table")
	ndoc=$(grep -c . "$tmp/doc-rows")
	if [ "$ndiff" = 0 ] && [ "$ndoc" = "$nrows" ]; then
		echo "ok $t_n - docs/bad-input.md lists these $nrows rows with the messages they get"
	else
		t_failed=$((t_failed + 1))
		echo "not ok $t_n - docs/bad-input.md is out of date ($ndiff rows differ, $ndoc in the document," \
			"$nrows here): run tests/bad_input.sh --table and paste it in"
		head -n 5 "$tmp/missing" 2>/dev/null | sed 's/^/#   now: /'
	fi
fi

t_n=$((t_n + 1))
missing=""
for c in $("$nvmx" --help 2>/dev/null | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do
	case " $cmds_seen " in *" $c "*) ;; *) missing="$missing $c" ;; esac
done
if [ -z "$missing" ]; then
	echo "ok $t_n - every subcommand of nvmx --help has rows"
else
	t_failed=$((t_failed + 1))
	echo "not ok $t_n - subcommands without bad-input rows:$missing (add rows here and in docs/bad-input.md)"
fi

t_done
