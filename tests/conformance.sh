#!/usr/bin/env bash
# Conformance against the real KVM functions (conformance/cases, see
# conformance/README.md): every case of every kind and release must agree bit
# for bit.  NVMX_CONFORMANCE_SAMPLE=N checks N random cases per file instead
# (the sanitizer build uses that to stay quick).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
nvmx=${NVMX:-$here/build/nvmx}
sample=${NVMX_CONFORMANCE_SAMPLE:-0}
kinds="derive synthetic restore cross cpuid guestread"
set -- $kinds
echo "1..$#"
n=0
if ! command -v python3 >/dev/null; then
	for k in $kinds; do n=$((n + 1)); echo "not ok $n - conformance $k # python3 missing (scripts/install-deps.sh)"; done
	exit 1
fi
for k in $kinds; do
	n=$((n + 1))
	out=$(python3 "$here/conformance/check" --nvmx "$nvmx" --cases "$here/conformance/cases" \
		--kind "$k" --sample "$sample" --show 5 2>&1)
	last=$(printf '%s\n' "$out" | tail -n 1)
	if printf '%s\n' "$last" | grep -Eq '^conformance: [1-9][0-9]* passed, 0 failed$'; then
		echo "ok $n - conformance $k: ${last#conformance: }"
	else
		echo "not ok $n - conformance $k: ${last#conformance: }"
		printf '%s\n' "$out" | grep -E 'FAIL|agree' | head -n 20 | sed 's/^/#   /'
	fi
done
