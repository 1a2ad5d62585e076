#!/usr/bin/env bash
# README's kernel-upgrade tables are what `nvmx upgrade --all --markdown` prints now.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
nvmx=${NVMX:-$here/build/nvmx}
cd "$here" || exit 2
# The releases whose model the conformance data verifies.
releases=5.10,5.15,5.19,6.1,6.6,6.12,6.18.2,7.0,7.1.3
echo "1..2"
n=0
for t in "upgrade-table:" "upgrade-table-cpuid:--guest-cpuid host --pmu-version 2"; do
	n=$((n + 1))
	tag=${t%%:*} opts=${t#*:}
	want=$(sed -n "/<!-- $tag:begin -->/,/<!-- $tag:end -->/p" README.md | sed '1d;$d')
	got=$("$nvmx" upgrade --all --releases "$releases" --markdown $opts data/hosts/*.msrs)
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		echo "ok $n - README $tag matches 'nvmx upgrade --all --markdown $opts'"
	else
		echo "not ok $n - README $tag is stale: rerun 'build/nvmx upgrade --all --releases $releases --markdown $opts data/hosts/*.msrs'"
	fi
done
