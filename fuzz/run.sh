#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Fuzz each target for SECONDS, seeded with its seed corpus and saved
# regressions; print TAP (one line per target, the execution count in it).
#
#   fuzz/run.sh FUZZ_DIR SECONDS TARGET...
#
# FUZZ_DIR holds fuzz_TARGET binaries and seeds/TARGET (make fuzz-build).
# FUZZ_CORPUS=DIR keeps what the fuzzer learns in DIR/TARGET (make fuzz-long);
# otherwise a scratch directory is used.  FUZZ_ARGS adds libFuzzer options.
# A crash input is kept in FUZZ_DIR/crashes/TARGET/ and its report shown.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 3 ]; then
	echo "usage: fuzz/run.sh FUZZ_DIR SECONDS TARGET..." >&2
	exit 2
fi
dir=$1 secs=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmx-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "1..$#"
n=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	bin=$dir/fuzz_$t
	if [ -n "${FUZZ_CORPUS:-}" ]; then corpus=$FUZZ_CORPUS/$t; else corpus=$tmp/corpus-$t; fi
	art=$tmp/artifacts-$t
	mkdir -p "$corpus" "$art"
	opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
	      -artifact_prefix="$art/")
	[ -f "$here/fuzz/dict/$t.dict" ] && opts+=(-dict="$here/fuzz/dict/$t.dict")
	dirs=("$corpus")
	[ -d "$dir/seeds/$t" ] && dirs+=("$dir/seeds/$t")
	[ -d "$here/fuzz/regressions/$t" ] && dirs+=("$here/fuzz/regressions/$t")
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
	"$bin" "${opts[@]}" ${FUZZ_ARGS:-} "${dirs[@]}" >"$tmp/log-$t" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log-$t" | tail -n 1)
	cov=$(grep -Eo 'cov: [0-9]+' "$tmp/log-$t" | tail -n 1)
	if [ "$rc" = 0 ] && [ -z "$(ls -A "$art")" ]; then
		echo "ok $n - fuzz_$t: ${execs:-?} inputs in ${secs}s, ${cov:-cov: ?}, no crash"
	else
		failed=$((failed + 1))
		echo "not ok $n - fuzz_$t: exit $rc after ${execs:-?} inputs"
		mkdir -p "$dir/crashes/$t"
		cp "$art"/* "$dir/crashes/$t/" 2>/dev/null
		# The violated invariant (and the line after it) or the sanitizer's report head.
		grep -E -A1 'invariant violated|ERROR: (Address|Leak|Memory|Undefined)|runtime error' "$tmp/log-$t" |
			head -n 12 | sed 's/^/#   /'
		echo "#   input kept in $dir/crashes/$t/ (replay: $dir/replay_$t FILE)"
	fi
done
[ "$failed" = 0 ]
