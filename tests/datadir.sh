#!/usr/bin/env bash
# Bundled dumps are found by name from any directory, and fleet-gen writes
# inventories whose dump paths read the same from any directory.
. "$(dirname "$0")/lib.sh"
nvmx=$(cd "$(dirname "$nvmx")" && pwd)/$(basename "$nvmx")
out=$(cd / && env -u NVMX_DATA "$nvmx" derive intel-xeon-platinum-8180 --kvm 6.1 | head -n 1)
t_ok "a bundled dump by name from / ($out)" [ "$out" = "KVM 6.1 on Intel Xeon Platinum 8180: kvm_intel loads" ]
(cd "$here" && "$nvmx" fleet-gen --hosts 40 --seed 3) >"$tmp/inv.jsonl"
t_ok "fleet-gen names bundled dumps by file name" \
	bash -c "! grep -q '\"dump\":\"[^\"]*/' '$tmp/inv.jsonl' && grep -q '\"dump\":\"[a-z0-9-]*\\.msrs\"' '$tmp/inv.jsonl'"
(cd "$here" && "$nvmx" baseline --inventory "$tmp/inv.jsonl" --json) >"$tmp/a"
(cd / && "$nvmx" baseline --inventory "$tmp/inv.jsonl" --json) >"$tmp/b"
t_ok "... and the inventory reads the same from / as from the sources" \
	bash -c "[ -s '$tmp/a' ] && cmp -s '$tmp/a' '$tmp/b'"
mkdir -p "$tmp/other"
cp "$hosts/intel-celeron-j6412.msrs" "$hosts/intel-xeon-platinum-8180.msrs" "$tmp/other/"
(cd "$tmp" && "$nvmx" fleet-gen --hosts 5 --dumps other) >"$tmp/inv2.jsonl"
t_ok "from another --dumps directory: absolute paths" grep -q "\"dump\":\"$tmp/other/" "$tmp/inv2.jsonl"
t_ok "... which read from /" bash -c "cd / && '$nvmx' baseline --inventory '$tmp/inv2.jsonl' >/dev/null"
t_done
