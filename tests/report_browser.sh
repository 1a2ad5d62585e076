#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The HTML fleet report in a real browser: headless Chromium draws it
# (screenshot), opens the cell a #cell=ROW,COL fragment names, and opens the
# cell a scripted click hits, and the DOM then holds that cell's reason with
# the SDM, Linux and QEMU names of the rejected bits.  Chromium is large
# (about 120 MB to download), so it is not in the default dependencies:
# `scripts/install-deps.sh --browser` installs it; without it this is skipped.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2

browser=""
for b in chromium chromium-browser google-chrome; do
	command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }
done
if [ -z "$browser" ]; then
	echo "1..0 # SKIP chromium is not installed (scripts/install-deps.sh --browser installs it)"
	exit 0
fi


run() { # run ARGS...: headless, offline, a fresh profile each time
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-default-apps --disable-extensions --user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" \
		"$@" 2>>"$tmp/browser.log"
}

"$nvmx" matrix --format html --policy all --pools 2 \
	data/hosts/intel-core-i7-6700k.msrs@6.1 data/hosts/intel-core2-x6800.msrs@6.12 \
	data/hosts/centaur-es-cns-0040672.msrs@5.19 data/hosts/centaur-es-cns-0040672.msrs@6.1 \
	data/hosts/intel-xeon-platinum-8180.msrs@5.15 data/hosts/intel-core-i9-13900k.msrs@7.0 >"$tmp/report.html"
[ $? -le 1 ] && [ -s "$tmp/report.html" ]
t_is $? "nvmx matrix --format html writes the report"
url="file://$tmp/report.html"

run --screenshot="$tmp/shot.png" --window-size=1400,1000 "$url#cell=3,4" >/dev/null
python3 - "$tmp/shot.png" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (1400, 1000), (w, h)
assert len(d) > 20000, "suspiciously small: an empty page?"
EOF
t_is $? "a 1400x1000 screenshot of the report"
[ -n "${NVMX_KEEP_SCREENSHOT:-}" ] && cp "$tmp/shot.png" "$NVMX_KEEP_SCREENSHOT"

run --dump-dom "$url" >"$tmp/plain.html"
[ "$(grep -o 'class="cell ' "$tmp/plain.html" | wc -l)" -eq 36 ] && grep -q 'Select a cell' "$tmp/plain.html"
t_is $? "the script draws a 6 x 6 heatmap, no cell selected"
grep -q '<h3>Pool 2: ' "$tmp/plain.html" && grep -q 'What each profile gives up' "$tmp/plain.html"
t_is $? "the baseline and the two pools are drawn"

run --dump-dom "$url#cell=3,4" >"$tmp/cell.html"
reason=$(sed -n 's/.*<div id="reason">\(.*\)/\1/p' "$tmp/cell.html" | sed 's/<section>.*//')
echo "$reason" | grep -q 'Cell 3,4: centaur-es-cns-0040672@5.19 → centaur-es-cns-0040672@6.1'
t_is $? "#cell=3,4 opens that cell"
echo "$reason" | grep -q 'migrates only with revoke-keep' &&
	echo "$reason" | grep -q 'IA32_VMX_PROCBASED_CTLS2 (0x48b)' &&
	echo "$reason" | grep -q '<td>15</td><td>allowed-1</td><td>Enable ENCLS exiting</td><td>SECONDARY_EXEC_ENCLS_EXITING</td><td>vmx-encls-exit</td>'
t_is $? "its reason: the verdict, the MSR, and bit 15 by SDM, Linux and QEMU names"

# A scripted click on row 1, column 2 (the i7-6700K's VMs on the Core 2).
sed 's|</body>|<script>document.getElementById("c0_1").click();</script></body>|' \
	"$tmp/report.html" >"$tmp/click.html"
run --dump-dom "file://$tmp/click.html" >"$tmp/click-dom.html"
reason=$(sed -n 's/.*<div id="reason">\(.*\)/\1/p' "$tmp/click-dom.html" | sed 's/<section>.*//')
echo "$reason" | grep -q 'Cell 1,2: intel-core-i7-6700k@6.1 → intel-core2-x6800@6.12' &&
	echo "$reason" | grep -q 'does not migrate' &&
	echo "$reason" | grep -q 'CPU_BASED_ACTIVATE_SECONDARY_CONTROLS' &&
	grep -q 'id="c0_1" class="cell n sel"\|class="cell n sel"[^>]*id="c0_1"' "$tmp/click-dom.html"
t_is $? "a click on cell 1,2 selects it and shows why: the Core 2 has no secondary controls"

t_done
