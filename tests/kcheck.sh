#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kernel harness in CI: Debian's own kernels, at pinned package versions
# (scripts/kernel-src.sh), run through `make kcheck` against the release rows
# for them, kind by kind: Debian 12's linux-source-6.1 against the debian-12
# row, Debian 13's linux-source-6.12 against debian-13.
#
# One SKIP line, and only when apt cannot reach Debian's archive (exit 3 of
# kernel-src.sh); anything else that stops a check, and any disagreement, fails
# the test. Where the recorded conformance data reads a field otherwise than the
# code (conformance/DATA.md), kcheck follows the data as kcases does.
# NVMX_KCHECK_KINDS overrides the kinds, NVMX_KCHECK_PAIRS the label:row pairs.
# The sanitizer build (NVMX_CONFORMANCE_SAMPLE set) checks the vCPU kinds
# restore and cross only: the harness is the same binary, the ASan CLI is slow.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
O=$(dirname "$nvmx")
kinds=${NVMX_KCHECK_KINDS:-derive synthetic restore cross cpuid guestread}
if [ -n "${NVMX_CONFORMANCE_SAMPLE:-}" ] && [ -z "${NVMX_KCHECK_KINDS:-}" ]; then
	kinds="restore cross"
fi
kinds=$(echo "$kinds" | tr ',' ' ')
# label of scripts/kernel-src.sh : release row of lib/kernels.c
pairs=${NVMX_KCHECK_PAIRS:-debian-6.1:debian-12 debian-6.12:debian-13}

trees=""
for p in $pairs; do
	label=${p%%:*}
	tree=$(scripts/kernel-src.sh "$label" 2>"$tmp/err")
	rc=$?
	if [ "$rc" = 3 ]; then
		echo "1..0 # SKIP Debian's archive cannot be reached (scripts/kernel-src.sh $label exit 3: $(tail -n 1 "$tmp/err"))"
		exit 0
	fi
	if [ "$rc" != 0 ]; then
		sed 's/^/# /' "$tmp/err"
		t_bail "scripts/kernel-src.sh $label exited $rc"
	fi
	trees="$trees $tree"
done

# shellcheck disable=SC2086 # the tree paths (cache dirs) have no blanks
set -- $trees
for p in $pairs; do
	label=${p%%:*}
	row=${p#*:}
	tree=$1
	shift
	what="$label ($(cut -d' ' -f2,3 "$tree/.nvmx-kernel-src" | tr ' ' =)) against row $row"
	if ! "$nvmx" kernels --json | grep -q "\"name\":\"$row\""; then
		t_result NOTOK "$what: $nvmx kernels has no row $row"
		continue
	fi
	if ! make -s --no-print-directory kharness O="$O" KSRC="$tree" >"$tmp/build" 2>&1; then
		t_result NOTOK "$what: the harness does not build"
		tail -n 20 "$tmp/build" | sed 's/^/# /'
		continue
	fi
	klist=$(echo "$kinds" | tr ' ' ',')
	nice make -s --no-print-directory kcheck O="$O" KSRC="$tree" KVM="$row" KIND="$klist" \
		KCHECK_SHOW=100000 >"$tmp/out" 2>&1
	rc=$?
	for kind in $kinds; do
		last=$(grep "^kcheck: $kind: [0-9]* cases, [0-9]* agree\$" "$tmp/out" | tail -n 1)
		total=$(echo "$last" | sed -n 's/^kcheck: [a-z]*: \([0-9]*\) cases, \([0-9]*\) agree$/\1/p')
		agree=$(echo "$last" | sed -n 's/^kcheck: [a-z]*: \([0-9]*\) cases, \([0-9]*\) agree$/\2/p')
		if [ -n "$total" ] && [ "$total" -gt 0 ] && [ "$total" = "$agree" ]; then
			t_result OK "$what, $kind: ${last#kcheck: "$kind": }"
		else
			t_result NOTOK "$what, $kind: ${last:-no kcheck summary for this kind} (kcheck exit $rc)"
			grep -v '^make' "$tmp/out" | head -n 40 | sed 's/^/# /'
		fi
	done
	if [ "$rc" != 0 ] && ! grep -q '^kcheck: [0-9]* cases, [0-9]* agree$' "$tmp/out"; then
		t_result NOTOK "$what: make kcheck exited $rc without a summary"
		tail -n 20 "$tmp/out" | sed 's/^/# /'
	fi
done
t_done
