#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Fuzz smoke test (TAP).  Two parts:
#  1. replay: every seed input and every saved regression (fuzz/regressions/)
#     through each fuzz target built with the suite's own compiler and flags
#     (under `make test-asan` an ASan+UBSan binary): the invariants of the
#     targets must hold on all of them;
#  2. fuzz: with clang and libFuzzer, build the libFuzzer targets and fuzz
#     each for a share of NVMX_FUZZ_SECONDS (default 60 in all), seeded with
#     the bundled dumps.  Skipped (TAP skip) without clang/libFuzzer, or when
#     NVMX_FUZZ_SECONDS=0 (`make test` and `make test-asan` set that: the
#     fuzzing runs once, in `make test-fuzz`, part of `make test-all`).
#     `make fuzz-long` runs longer.
set -u
. "$(dirname "$0")/lib.sh"
obuild=${NVMX_BUILD:-build}	# as make knows it (relative to the repository root)
case $obuild in /*) build=$obuild ;; *) build=$here/$obuild ;; esac
fdir=$build/fuzz
total=${NVMX_FUZZ_SECONDS:-60}
fcc=${FUZZ_CC:-clang}

targets=()
for b in "$fdir"/replay_*; do
	[ -x "$b" ] && targets+=("${b##*/replay_}")
done
if [ ${#targets[@]} = 0 ]; then
	t_bail "no replay binaries in $fdir (make tests builds them)"
fi
t_plan $((2 * ${#targets[@]}))

for t in "${targets[@]}"; do
	inputs=()
	[ -d "$fdir/seeds/$t" ] && inputs+=("$fdir/seeds/$t/")
	[ -d "$here/fuzz/regressions/$t" ] && inputs+=("$here/fuzz/regressions/$t")
	if [ ${#inputs[@]} = 0 ]; then
		t_is 1 "replay $t: no seeds in $fdir/seeds/$t"
		continue
	fi
	if "$fdir/replay_$t" "${inputs[@]}" >"$tmp/replay-$t" 2>&1; then
		t_is 0 "replay $t: $(sed -n 's/.*: \([0-9]*\) inputs$/\1/p' "$tmp/replay-$t") inputs, invariants hold"
	else
		t_is 1 "replay $t"
		head -n 20 "$tmp/replay-$t" | sed 's/^/#   /'
	fi
done

skip_rest() {
	for t in "${targets[@]}"; do
		t_skip "$1" "fuzz $t"
	done
	t_done
	exit
}

[ "$total" = 0 ] && skip_rest "NVMX_FUZZ_SECONDS=0 (make test-fuzz fuzzes, in make test-all)"
command -v "$fcc" >/dev/null 2>&1 || skip_rest "$fcc not installed (scripts/install-deps.sh)"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$tmp/probe.c"
"$fcc" -fsanitize=fuzzer,address,undefined -o "$tmp/probe" "$tmp/probe.c" >"$tmp/probe.log" 2>&1 ||
	skip_rest "$fcc cannot link -fsanitize=fuzzer (the libclang-rt package is missing)"

if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$here" O="$obuild" FUZZ_CC="$fcc" fuzz-build \
	>"$tmp/build.log" 2>&1; then
	for t in "${targets[@]}"; do
		t_is 1 "fuzz $t: building the libFuzzer targets failed"
	done
	tail -n 20 "$tmp/build.log" | sed 's/^/#   /'
	exit 1
fi

secs=$((total / ${#targets[@]}))
[ "$secs" -lt 1 ] && secs=1
# fuzz/run.sh numbers its own TAP lines from 1; renumber after the replays
# (in the pipeline's subshell: t_n counts on from the replays there).
"$here/fuzz/run.sh" "$fdir" "$secs" "${targets[@]}" | while IFS= read -r line; do
	case $line in
	1..*) ;;
	"ok "* | "not ok "*)
		t_n=$((t_n + 1))
		printf '%s\n' "$line" | sed -E "s/^(not )?ok [0-9]+ - /\\1ok $t_n - /"
		;;
	*) printf '%s\n' "$line" ;;
	esac
done
exit "${PIPESTATUS[0]}"
