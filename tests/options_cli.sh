#!/usr/bin/env bash
# Commands that parse with an option table (cli/opts.c): --opt VALUE and
# --opt=VALUE alike, old spellings as aliases, --help listing the table.
# upgrade: --to-kvm is the alias of --kvm, --all --json is one JSON document
# whose counts are the text summary's.  revoke-list: --since=R, --revoke-since.
# check: --order=ORDER, --nested-state=FILE.
. "$(dirname "$0")/lib.sh"
J=$hosts/intel-celeron-j6412.msrs C=$hosts/centaur-es-cns-0040672.msrs

a=$("$nvmx" upgrade --from-kvm 5.19 --to-kvm 6.1 "$J" "$C")
b=$("$nvmx" upgrade --from-kvm=5.19 --kvm=6.1 "$J" "$C")
t_ok "--from-kvm=A --kvm=B says what --from-kvm A --to-kvm B says" [ "$a" = "$b" ]
t_ok "... and it is not empty (2 of 2 hosts break)" grep -q '5.19 -> 6.1: 2 of 2 hosts break' <<<"$a"
"$nvmx" upgrade --from-kvm 5.10 --kvm 6.1 --guest-cpuid=host --pmu-version=2 "$J" >"$tmp/o"
t_ok "--guest-cpuid=host --pmu-version=2: the VM's CPUID on both releases (BREAKS)" grep -q BREAKS "$tmp/o"
"$nvmx" upgrade --all --releases 5.19,6.1,7.0 --json "$J" "$C" >"$tmp/all.json"
"$nvmx" upgrade --all --releases 5.19,6.1,7.0 "$J" "$C" >"$tmp/all.txt"
t_ok "--all --json prints one JSON document, its counts those of the text" python3 - "$tmp/all.json" "$tmp/all.txt" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
want = {(a, b): (int(n), int(m)) for a, b, n, m in re.findall(r"^(\S+) -> (\S+): (\d+) of (\d+) hosts break", text, re.M)}
got = {(p["from"], p["to"]): (p["broken"], p["hosts"]) for p in d["pairs"]}
sys.exit(not (got == want and len(got) == 3 and any(n for n, _ in got.values())))
PY
"$nvmx" upgrade --help >"$tmp/help"
t_ok "--help lists the option table with the alias" grep -q -- '--kvm NEW .*(also --to-kvm)' "$tmp/help"
"$nvmx" upgrade --from-kvm 6.1 --kvm 6.6 --all=yes "$J" 2>"$tmp/err"; rc=$?
t_ok "a flag given a value is bad input (exit $rc)" bash -c "[ $rc = 2 ] && grep -q -- '--all takes no value' '$tmp/err'"
a=$("$nvmx" revoke-list --kvm 6.1 --since 5.15 "$J" "$C" --json)
b=$("$nvmx" revoke-list --kvm=6.1 --revoke-since=5.15 "$J" "$C" --json)
t_ok "revoke-list --since=R and --revoke-since=R say what --since R says" [ "$a" = "$b" ]
t_ok "... a non-empty list (ENCLS exiting)" grep -q 'SECONDARY_EXEC_ENCLS_EXITING' <<<"$a"
a=$("$nvmx" check --from-host "$C" --from-kvm 5.19 --to "$C" --kvm 6.1 --order ascending --json)
b=$("$nvmx" check --from-host="$C" --from-kvm=5.19 --to="$C" --kvm=6.1 --order=ascending --json)
t_ok "check --order=ascending (and every option with =) says what --order ascending says" [ "$a" = "$b" ]
t_ok "... which is the ascending order (BASIC first)" grep -q '"msrs":\[{"msr":"IA32_VMX_BASIC"' <<<"$a"
for c in upgrade revoke-list check; do
	t_ok "$c --help lists its option table" grep -q "^options (a value follows" <<<"$("$nvmx" "$c" --help)"
done
t_done
