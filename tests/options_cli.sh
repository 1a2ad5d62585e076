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
# The converted commands say the same with --opt=V as with --opt V, and the
# new vocabulary's names the same as the old spellings.
like() { [[ $1 == $2 ]]; }	# like TEXT PATTERN
run() { "$nvmx" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"; echo "rc=$?"; cat "$tmp/out" "$tmp/err"; }
same() { # same DESCRIPTION "ARGS A" "ARGS B": identical output and exit status
	local a b
	a=$(eval "\"\$nvmx\" $2" 2>&1; echo "rc=$?") b=$(eval "\"\$nvmx\" $3" 2>&1; echo "rc=$?")
	t_ok "$1" [ "$a" = "$b" -a "${#a}" -gt 40 ]
}
W='0x48d=0x7f00000016'
same "explain --to=HOST (--host HOST kept)" "explain $W --host \"\$J\" --kvm 6.1 --json" "explain $W --to=\"\$J\" --kvm=6.1 --json"
same "qemu-check --cpu=SPEC --to=HOST as -cpu SPEC --to HOST" "qemu-check -cpu Skylake-Client --to \"\$J\" --kvm 6.1 --qemu 9.2" "qemu-check --cpu=Skylake-Client --to=\"\$J\" --kvm=6.1 --qemu=9.2"
same "check --cpu=SPEC --from-host=H --from-kvm=R --to=H --kvm=R --qemu=V" "check --cpu Skylake-Client --from-host \"\$J\" --from-kvm 5.19 --to \"\$J\" --kvm 6.1 --qemu 9.2 --json" "check --cpu=Skylake-Client --from-host=\"\$J\" --from-kvm=5.19 --to=\"\$J\" --kvm=6.1 --qemu=9.2 --json"
same "restore --state=has-run --policy=strict" "restore \"\$J\" --kvm 6.1 --state has-run --policy strict IA32_VMX_PROCBASED_CTLS2=0" "restore \"\$J\" --kvm=6.1 --state=has-run --policy=strict IA32_VMX_PROCBASED_CTLS2=0"
same "derive --param=ept=0" "derive \"\$J\" --kvm 6.1 --param ept=0 --json" "derive \"\$J\" --kvm=6.1 --param=ept=0 --json"
same "baseline --format=json is --json" "baseline \"\$J\" \"\$C\" --kvm 6.1 --json" "baseline \"\$J\" \"\$C\" --kvm=6.1 --format=json"
same "matrix --format=csv --policy=all" "matrix \"\$J\" \"\$C\" --kvm 6.1 --format csv --policy all" "matrix \"\$J\" \"\$C\" --kvm=6.1 --format=csv --policy=all"
same "pools --pools=2 --max-loss=9" "pools \"\$J\" \"\$C\" --pools 2 --max-loss 9" "pools \"\$J\" \"\$C\" --pools=2 --max-loss=9"
same "fleet-gen --hosts=5 --seed=3" "fleet-gen --hosts 5 --seed 3 --models 2" "fleet-gen --hosts=5 --seed=3 --models=2"
same "diff, decode --json" "diff \"\$J\" \"\$C\" --json" "diff --json \"\$J\" \"\$C\""
# One vocabulary: --json is --format json, a format other than JSON is --format
# (--markdown kept as the old spelling), a destination is --to HOST.
same "kernels --format markdown (--markdown kept)" "kernels --markdown" "kernels --format=markdown"
same "kernels --format json is --json" "kernels --json" "kernels --format json"
same "upgrade --all --format markdown (--markdown kept)" "upgrade --all --releases 5.19,6.1 --markdown \"\$J\" \"\$C\"" "upgrade --all --releases=5.19,6.1 --format=markdown \"\$J\" \"\$C\""
same "upgrade --format json is --json" "upgrade --from-kvm 5.19 --kvm 6.1 --json \"\$J\"" "upgrade --from-kvm 5.19 --kvm 6.1 --format json \"\$J\""
same "restore --to HOST (HOST first kept)" "restore \"\$J\" --kvm 6.1 IA32_VMX_PROCBASED_CTLS2=0x0 --json" "restore IA32_VMX_PROCBASED_CTLS2=0x0 --to=\"\$J\" --kvm 6.1 --json"
# The live CPU is --live-cpu N everywhere (decode's spelling; --cpu N kept where
# it was: --cpu is QEMU's -cpu SPEC in check, qemu-check and matrix).
t_fake_root "$tmp/root" "$J" 6.1.0
cp -r "$tmp/root/dev/cpu/0" "$tmp/root/dev/cpu/1"
same "derive --live --live-cpu=1 (--cpu 1 kept)" "derive --live --root \"\$tmp/root\" --cpu 1 --json" "derive --live --root=\"\$tmp/root\" --live-cpu=1 --json"
a=$(run inventory-line --live --root "$tmp/root" --live-cpu 2)
t_ok "inventory-line --live-cpu 2 asks for processor 2 (absent here: exit 3)" like "$a" "rc=3*no processor 2*"
for k in "--kernel 6.1" "--kernel=6.1"; do
	a=$(run upgrade --from-kvm 5.19 $k "$J")
	t_ok "upgrade $k (one release where it needs two): exit 2, says which two" like "$a" "rc=2*nvmx upgrade: use --from-kvm OLD and --kvm NEW*"
done
a=$(run kernels --json --markdown)
t_ok "two formats are bad input, said so" like "$a" "rc=2*nvmx kernels: two output formats (json and markdown): choose one*"
a=$(run upgrade --from-kvm 5.19 --kvm 6.1 --format markdown "$J")
t_ok "upgrade --format markdown without --all or --path is bad input" like "$a" "rc=2*--format markdown is the table of --all or --path*"

# Every command: --help ends with its option table; each entry (and its alias)
# is accepted by the parser, a value the same way after '=' as in the next
# argument, a flag refuses '='; an unknown option is bad input, said so.
pending=" "
for c in $("$nvmx" --help | awk '/^  [a-z]/ { print $1 }'); do
	if [[ $pending == *" $c "* ]]; then
		t_n=$((t_n + 1)); echo "ok $t_n # SKIP $c: no option table yet"; continue
	fi
	"$nvmx" "$c" --help >"$tmp/help"
	awk '/^options \(a value follows/ { on = 1; next } on' "$tmp/help" >"$tmp/table"
	t_ok "$c --help lists its option table" bash -c "[ -s '$tmp/table' ] || grep -qx 'options: none' '$tmp/help'"
	bad=""
	while IFS= read -r line; do
		# "  --name ARG" in a 28-column field, then the help text.
		left=${line:2:28} left=${left%% *} name=${left#--}
		arg=$(awk '{ print ($2 ~ /^[A-Z]/) ? $2 : "" }' <<<"${line:2:29}")
		alias=$(sed -n 's/.*(also --\([a-z0-9-]*\))$/\1/p' <<<"$line")
		[[ ${line:30:1} == " " && $line == "  --"* ]] || { bad="$bad [$line: not in the 28-column form]"; continue; }
		for n in $name $alias; do
			if [ -n "$arg" ]; then
				a=$(run "$c" "--$n=0") b=$(run "$c" "--$n" 0)
				[ "$a" = "$b" ] || bad="$bad [--$n=0 differs from --$n 0]"
			else
				a=$(run "$c" "--$n=0")
				[[ $a == rc=2*"--$name takes no value"* ]] || bad="$bad [--$n=0 not refused]"
				a=$(run "$c" "--$n")
			fi
			[[ $a != *"unknown option"* ]] || bad="$bad [--$n unknown]"
		done
	done <"$tmp/table"
	t_ok "$c: every table entry and alias parses, --opt=V as --opt V${bad:+:$bad}" [ -z "$bad" ]
	a=$(run "$c" --no-such-option)
	t_ok "$c --no-such-option: exit 2, named" like "$a" "rc=2*nvmx $c: unknown option '--no-such-option'*"
done

# --help lists only what a command takes (check, with or without --cpu): the source's restore policy is the
# destination's, so --from-policy/--from-revoke-since are refused with that reason
# and not offered in help.
for c in check; do
	"$nvmx" "$c" --help >"$tmp/help" 2>&1
	t_ok "$c --help does not offer --from-policy or --from-revoke-since" \
		bash -c "grep -q -- '--to' '$tmp/help' && ! grep -q -- '--from-policy\|--from-revoke-since' '$tmp/help'"
done
t_done
