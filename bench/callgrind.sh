#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Instruction counts with callgrind, for figures that repeat exactly from run
# to run and machine to machine (same compiler).  Two ways of counting:
#  - per call, inclusive: the cost callgrind records at every call site of a
#    function (its own instructions and everything it calls), summed and
#    divided by the calls -- how the kernel's vmx_set_vmx_msr was counted;
#  - by difference: the driver (cg_driver.c) run with and without the work,
#    the difference divided by how many times it was done (so including the
#    driver's loop around the calls).
#
#   bench/callgrind.sh CG_DRIVER [DUMPS_DIR]
#
# restore_write_instructions: instructions per host-initiated write check
# (nvmx_vcpu_set_msr, inclusive per call), over writing every bundled dump's
# 12 restorable 6.1 values (default parameters) to a fresh vCPU per dump;
# restore_write_loop_instructions: what the driver's loop adds per write.
# verdict_check_instructions: one whole-VM verdict (nvmx_target_check,
# inclusive per call): every dump's saved values against every dump compiled
# as a destination.
set -u
driver=${1:?usage: bench/callgrind.sh CG_DRIVER [DUMPS_DIR]}
dir=${2:-data/hosts}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "callgrind: valgrind is not installed (scripts/install-deps.sh); no instruction counts"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmx-cg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ir MODE: total instructions of one run (its "hosts H writes W" line stays in $tmp/MODE.txt,
# the callgrind output in $tmp/MODE.out).
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/$1.out" "$driver" "$1" "$dir" \
		>"$tmp/$1.txt" 2>"$tmp/$1.err" || { cat "$tmp/$1.err" >&2; exit 1; }
	sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$tmp/$1.out" | head -n 1
}
count() { # count MODE hosts|writes
	read -r _ h _ w <"$tmp/$1.txt"
	if [ "$2" = hosts ]; then echo "$h"; else echo "$w"; fi
}
# inclusive MODE FUNCTION: "CALLS COST", the cost lines after each calls= line whose
# callee (cfn=, names compressed as "(id) name" once, then "(id)") is FUNCTION.
inclusive() {
	awk -v fn="$2" '
	function name_of(s) {
		if (match(s, /^\([0-9]+\)/)) {
			id = substr(s, 1, RLENGTH)
			if (length(s) > RLENGTH)
				names[id] = substr(s, RLENGTH + 2)
			return names[id]
		}
		return s
	}
	/^fn=/ { name_of(substr($0, 4)); next }
	/^cfn=/ { callee = name_of(substr($0, 5)); next }
	/^calls=/ {
		split(substr($0, 7), c, " ")
		if ((getline line) > 0 && callee == fn) {
			split(line, v, " ")
			calls += c[1]
			cost += v[2]
		}
		next
	}
	END { printf "%d %d\n", calls, cost }' "$tmp/$1.out"
}

parse=$(ir parse) && derive=$(ir derive) && setup=$(ir setup) && writes=$(ir writes) &&
	rsetup=$(ir ref-setup) && rwrites=$(ir ref-writes) && ir verdicts >/dev/null || exit 1
hosts=$(count derive hosts)
nwrites=$(count writes writes)
read -r wcalls wcost < <(inclusive writes nvmx_vcpu_set_msr)
read -r rcalls rcost < <(inclusive ref-writes ref_set_msr_61)
read -r vcalls vcost < <(inclusive verdicts nvmx_target_check)
if [ "$wcalls" != "$nwrites" ] || [ "$rcalls" != "$nwrites" ] || [ "$vcalls" = 0 ]; then
	echo "callgrind: expected $nwrites calls of each write check, found $wcalls and $rcalls" >&2
	exit 1
fi

per() { echo $((($1 - $2 + $3 / 2) / $3)); }
echo "callgrind (instructions, $hosts dumps, KVM 6.1, default parameters; $nwrites writes):"
echo "  derive per host (nvmx_kvm_load):                 $(per "$derive" "$parse" "$hosts")"
echo "  reference write check per call, inclusive:       $(per "$rcost" 0 "$rcalls")"
echo "  (the kernel's vmx_set_vmx_msr on 6.1 with its helpers, counted the same way: about 68)"
echo "  nvmx write check with the driver's loop, per write: $(per "$writes" "$setup" "$nwrites")"
echo "restore_write_instructions: $(per "$wcost" 0 "$wcalls")"
echo "restore_write_loop_instructions: $(( $(per "$writes" "$setup" "$nwrites") - $(per "$wcost" 0 "$wcalls") ))"
echo "verdict_check_instructions: $(per "$vcost" 0 "$vcalls")"
