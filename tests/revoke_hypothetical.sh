#!/usr/bin/env bash
# A verdict that relies on the revoke list says it is a proposal no released
# kernel implements, in text and as "hypothetical" in JSON; one that does not
# rely on it says "hypothetical": false.  Case: 5.19's ENCLS exiting on a
# Centaur host without SGX, which 6.1 no longer offers (docs/kernels.md).
. "$(dirname "$0")/lib.sh"
H=$hosts/centaur-es-cns-0040672.msrs
check() { "$nvmx" check --from-host "$H" --from-kvm 5.19 --to "$H" --kvm 6.1 "$@"; }
js() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

out=$(check --policy revoke-keep)
t_ok "revoke-keep: migratable, and the verdict is called hypothetical" \
	grep -q '^hypothetical: this verdict relies on the revoke list, and the revoke list is a proposal no released kernel implements' <<<"$out"
t_ok "... in JSON too" test "$(check --policy revoke-keep --json | js 'd["migratable"], d["hypothetical"]')" = "True True"
t_ok "strict: not migratable, not hypothetical" test "$(check --json | js 'd["migratable"], d["hypothetical"]')" = "False False"
t_ok "strict: the revoke-list remedy is marked hypothetical" \
	test "$(check --json | js 'd["fixes"]["policy"], d["fixes"]["policy_hypothetical"]')" = "revoke-keep True"
t_ok "... and says so in text" grep -q 'but the revoke list is a proposal no released kernel implements' <<<"$(check)"
t_ok "revoke-keep on a host where 5.19 -> 6.1 needs no revoked bit: not hypothetical" \
	test "$("$nvmx" check --from-host "$hosts/intel-cc150.msrs" --from-kvm 5.19 --to "$hosts/intel-cc150.msrs" --kvm 6.1 --policy revoke-keep --json | js 'd["migratable"], d["hypothetical"]')" = "True False"
v=$("$nvmx" derive "$H" --kvm 5.19 --json | js 'd["nested"]["IA32_VMX_PROCBASED_CTLS2"]')
t_ok "restore --policy revoke-clear of 5.19's PROCBASED_CTLS2 on 6.1: hypothetical" \
	test "$("$nvmx" restore "$H" --kvm 6.1 --policy revoke-clear "IA32_VMX_PROCBASED_CTLS2=$v" --json | js 'd["hypothetical"]')" = True
up=$("$nvmx" upgrade --from-kvm 5.19 --to-kvm 6.1 "$H" --json | js 'd["hosts"][0]["revoke_fixes"], d["hosts"][0]["revoke_hypothetical"]')
t_ok "upgrade: the revoke list's fix is marked hypothetical ($up)" test "$up" = "True True"
t_ok "... and in text" grep -q 'the revoke list would fix it: hypothetical' <<<"$("$nvmx" upgrade --from-kvm 5.19 --to-kvm 6.1 "$H")"
rl=$("$nvmx" revoke-list --kvm 6.1 --since 5.19 "$H")
t_ok "revoke-list: the list is called hypothetical in text" grep -q '^hypothetical: the revoke list is a proposal' <<<"$rl"
t_ok "... and the ENCLS bit it lists is there (the list is not empty)" grep -q 'SECONDARY_EXEC_ENCLS_EXITING' <<<"$rl"
t_ok "revoke-list --json: \"hypothetical\": true" \
	test "$("$nvmx" revoke-list --kvm 6.1 --since 5.19 "$H" --json | js 'd["hypothetical"], len(d["bits"]) > 0')" = "True True"
t_done
