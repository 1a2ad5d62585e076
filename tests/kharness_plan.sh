#!/bin/sh
# SPDX-License-Identifier: MIT
# The kernel harness's vCPU write plans (kharness/vcpu_cases.py) are the
# conformance data's plans: regenerated from each release's derived values,
# every restore, cross, cpuid and guestread line has the same case name, in
# the same order, with the same writes.  A tree without conformance data gets
# its cases from these plans, so a wrong rule here would test other writes
# than the data does.
set -u
cd "$(dirname "$0")/.." || exit 2
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..1"
	echo "not ok 1 - python3 missing (scripts/install-deps.sh)"
	exit 1
fi
n=0
fail=0
for f in conformance/cases/restore-*.jsonl; do
	k=${f##*/restore-}
	k=${k%.jsonl}
	n=$((n + 1))
	if out=$(python3 kharness/vcpu_cases.py check-plan conformance/cases --kernel "$k" 2>&1); then
		echo "ok $n - vCPU plans for $k: $(echo "$out" | tail -n 1)"
	else
		echo "not ok $n - vCPU plans for $k"
		echo "$out" | sed 's/^/# /'
		fail=1
	fi
done
echo "1..$n"
exit $fail
