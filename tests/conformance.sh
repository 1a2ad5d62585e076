#!/usr/bin/env bash
# Conformance against the real KVM functions (conformance/cases, see
# conformance/README.md): every case of every kind and release must agree bit
# for bit.  NVMX_CONFORMANCE_SAMPLE=N checks N random cases per file instead
# (the sanitizer build uses that to stay quick).  The kernel-harness cases of the
# further trees (*.jsonl.gz) are sampled, NVMX_CONFORMANCE_GZ_SAMPLE per file
# (default 60; 0 = all): each was checked whole against its tree with `make kcheck`
# (kharness/VALIDATION.md).  The checker sends each file's commands through one
# `nvmx batch`; a last test plants wrong answers in a copy of
# a few cases and requires the batch and the one-process-per-command modes to
# find exactly the same failures.
set -u
. "$(dirname "$0")/lib.sh"
sample=${NVMX_CONFORMANCE_SAMPLE:-0}
gz_sample=${NVMX_CONFORMANCE_GZ_SAMPLE:-60}
kinds="derive synthetic restore cross cpuid guestread"
set -- $kinds
t_plan $(($# + 1))
if ! command -v python3 >/dev/null; then
	for k in $kinds planted; do t_is 1 "conformance $k # python3 missing (scripts/install-deps.sh)"; done
	t_done
	exit
fi
for k in $kinds; do
	out=$(python3 "$here/conformance/check" --nvmx "$nvmx" --cases "$here/conformance/cases" \
		--kind "$k" --sample "$sample" --sample-gz "$gz_sample" --show 5 2>&1)
	last=$(printf '%s\n' "$out" | tail -n 1)
	printf '%s\n' "$last" | grep -Eq '^conformance: [1-9][0-9]* passed, 0 failed$'
	t_is $? "conformance $k: ${last#conformance: }" ||
		printf '%s\n' "$out" | grep -E 'FAIL|agree' | head -n 20 | sed 's/^/#   /'
done

mkdir "$tmp/cases"
python3 - "$here/conformance/cases" "$tmp/cases" <<'PY'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
d = [json.loads(l) for l in open(src + "/derive-6.1.jsonl").read().splitlines()[:40]]
d = [c for c in d if c["load_ok"]][:3]
k = sorted(d[1]["nested"])[2]
d[1]["nested"][k] = "0x%016x" % (int(d[1]["nested"][k], 16) ^ 4)	# KVM said otherwise
r = [json.loads(l) for l in open(src + "/restore-6.1.jsonl").read().splitlines()[:2]]
r[0]["writes"][3]["accepted"] = not r[0]["writes"][3]["accepted"]
for name, cases in (("derive-6.1.jsonl", d), ("restore-6.1.jsonl", r)):
    with open(dst + "/" + name, "w") as f:
        f.writelines(json.dumps(c) + "\n" for c in cases)
PY
for mode in batch process; do
	python3 "$here/conformance/check" --nvmx "$nvmx" --cases "$tmp/cases" --mode "$mode" >"$tmp/$mode" 2>&1
done
grep -qx 'conformance: 3 passed, 2 failed' "$tmp/batch" && [ "$(grep -c FAIL "$tmp/batch")" = 2 ] &&
	cmp -s "$tmp/batch" "$tmp/process"
if ! t_is $? "planted wrong answers: batch and process mode report the same 2 failures"; then
	diff "$tmp/batch" "$tmp/process" | head -n 10 | sed 's/^/#   /'
	tail -n 3 "$tmp/batch" | sed 's/^/#   /'
fi
t_done
