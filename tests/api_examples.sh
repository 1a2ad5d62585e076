#!/usr/bin/env bash
# docs/api.md's examples compile against libnvmx with only nvmx/nvmx.h, run
# from the repository root, and print what the page says they print.
. "$(dirname "$0")/lib.sh"
build=${NVMX_BUILD:-$here/build}
cc=${CC:-cc}
# The ASan+UBSan suite links against an instrumented library.
san=()
nm "$build/libnvmx.a" 2>/dev/null | grep -q __asan_ && san=(-fsanitize=address,undefined)
cd "$here" || exit 2
python3 - docs/api.md "$tmp" <<'PY'
import re, sys
doc, out = open(sys.argv[1]).read(), sys.argv[2]
for kind, name, body in re.findall(r"<!-- (example|output): (\w+) -->\n```\w*\n(.*?)```", doc, re.S):
    open(f"{out}/{name}.{'c' if kind == 'example' else 'want'}", "w").write(body)
PY
n=0
for c in "$tmp"/*.c; do
	name=$(basename "$c" .c)
	n=$((n + 1))
	if ! "$cc" "${san[@]}" -std=c11 -Wall -Wextra -Werror -Iinclude -o "$tmp/$name" "$c" "$build/libnvmx.a" 2>"$tmp/$name.err"; then
		t_ok "docs/api.md example '$name' compiles" false
		t_diag "$(cat "$tmp/$name.err")"
		continue
	fi
	"$tmp/$name" >"$tmp/$name.got"
	rc=$?
	t_ok "docs/api.md example '$name' runs (exit $rc) and prints what the page shows" \
		bash -c "[ $rc = 0 ] && cmp -s '$tmp/$name.got' '$tmp/$name.want'"
done
# The main uses each keep an example (issue 13 item 4): derive, kernel names, a
# migration verdict with its remedies, QEMU, one restore write, nested state, a
# user's report, errors.
for want in derive names check qemu restore nested report errors; do
	t_ok "docs/api.md keeps its '$want' example and its output" \
		test -s "$tmp/$want.c" -a -s "$tmp/$want.want"
done
t_ok "the page has its examples ($n)" [ "$n" -ge 8 ]
t_done
