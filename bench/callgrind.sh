#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Instruction counts with callgrind, for figures that repeat exactly from run
# to run and machine to machine (same compiler): the driver (cg_driver.c) is
# run with and without the counted work, and the difference divided by how
# many times it was done.
#
#   bench/callgrind.sh CG_DRIVER [DUMPS_DIR]
#
# restore_write_instructions: instructions per host-initiated write check
# (nvmx_vcpu_set_msr), over writing every bundled dump's 12 restorable 6.1
# values (default parameters) to a fresh vCPU per dump.
set -u
driver=${1:?usage: bench/callgrind.sh CG_DRIVER [DUMPS_DIR]}
dir=${2:-data/hosts}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "callgrind: valgrind is not installed (scripts/install-deps.sh); no instruction counts"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmx-cg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ir MODE: total instructions of one run (its "hosts H writes W" line stays in $tmp/MODE.txt).
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/$1.out" "$driver" "$1" "$dir" \
		>"$tmp/$1.txt" 2>"$tmp/$1.err" || { cat "$tmp/$1.err" >&2; exit 1; }
	sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$tmp/$1.out" | head -n 1
}
count() { # count MODE hosts|writes
	read -r _ h _ w <"$tmp/$1.txt"
	if [ "$2" = hosts ]; then echo "$h"; else echo "$w"; fi
}

parse=$(ir parse) && derive=$(ir derive) && setup=$(ir setup) && writes=$(ir writes) &&
	rsetup=$(ir ref-setup) && rwrites=$(ir ref-writes) || exit 1
hosts=$(count derive hosts)
nwrites=$(count writes writes)

per() { echo $((($1 - $2 + $3 / 2) / $3)); }
echo "callgrind (instructions, $hosts dumps, KVM 6.1, default parameters; $nwrites writes):"
echo "  derive per host (nvmx_kvm_load):            $(per "$derive" "$parse" "$hosts")"
echo "  reference write check per write:            $(per "$rwrites" "$rsetup" "$nwrites")"
echo "  (the kernel's vmx_set_vmx_msr on 6.1, counted the same way: about 68)"
echo "restore_write_instructions: $(per "$writes" "$setup" "$nwrites")"
