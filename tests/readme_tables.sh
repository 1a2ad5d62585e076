#!/usr/bin/env bash
# README's kernel-upgrade tables are what `nvmx upgrade --all --format markdown` prints now.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
# The releases whose model the conformance data verifies.
releases=5.10,5.15,5.19,6.1,6.6,6.12,6.18.2,7.0,7.1.3
# The operator paths: tag and release path.
paths="path-debian:debian-11,debian-12,debian-13
path-ubuntu:ubuntu-20.04,ubuntu-22.04,ubuntu-22.04-hwe,ubuntu-24.04,ubuntu-24.04-hwe
path-rhel:rhel-9.4,rhel-9.6,rhel-10.0
path-proxmox:pve-8,pve-9.0,pve-9.1,pve-9.2
path-stable:5.4.286,5.15.215,6.1.158,6.6.87,6.12.33,6.18.26,7.1.5,7.2.13"
t_plan $((2 + $(printf '%s\n' "$paths" | wc -l)))
for t in "upgrade-table:" "upgrade-table-cpuid:--guest-cpuid host --pmu-version 2"; do
	tag=${t%%:*} opts=${t#*:}
	want=$(sed -n "/<!-- $tag:begin -->/,/<!-- $tag:end -->/p" README.md | sed '1d;$d')
	got=$("$nvmx" upgrade --all --releases "$releases" --format markdown $opts data/hosts/*.msrs)
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		t_is 0 "README $tag matches 'nvmx upgrade --all --format markdown $opts'"
	else
		t_is 1 "README $tag is stale: rerun 'build/nvmx upgrade --all --releases $releases --format markdown $opts data/hosts/*.msrs'"
	fi
done
for t in $paths; do
	tag=${t%%:*} path=${t#*:}
	want=$(sed -n "/<!-- $tag:begin -->/,/<!-- $tag:end -->/p" README.md | sed '1d;$d')
	got=$("$nvmx" upgrade --path "$path" --format markdown data/hosts/*.msrs)
	if [ -n "$want" ] && [ "$want" = "$got" ] && grep -q "^nvmx upgrade --path $path --format markdown" README.md; then
		t_is 0 "README $tag matches 'nvmx upgrade --path $path --format markdown'"
	else
		t_is 1 "README $tag is stale: rerun 'build/nvmx upgrade --path $path --format markdown data/hosts/*.msrs'"
	fi
done
t_done
