#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kernel harness's vCPU write plans (kharness/vcpu_cases.py) are the
# conformance data's plans: regenerated from each release's derived values,
# every restore, cross, cpuid and guestread line has the same case name, in
# the same order, with the same writes.  A tree without conformance data gets
# its cases from these plans, so a wrong rule here would test other writes
# than the data does.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
if ! command -v python3 >/dev/null 2>&1; then
	t_bail "python3 missing (scripts/install-deps.sh)"
fi
for f in conformance/cases/restore-*.jsonl; do
	k=${f##*/restore-}
	k=${k%.jsonl}
	if out=$(python3 kharness/vcpu_cases.py check-plan conformance/cases --kernel "$k" 2>&1); then
		t_is 0 "vCPU plans for $k: $(echo "$out" | tail -n 1)"
	else
		t_is 1 "vCPU plans for $k"
		echo "$out" | sed 's/^/# /'
	fi
done
t_done
