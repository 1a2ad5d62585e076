#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# QEMU's vmxcap output as a host: every bundled dump is printed in vmxcap's
# format (tests/vmxcap_gen.py) and read back; what vmxcap shows must come
# back exactly (BASIC, MISC, EPT_VPID_CAP, VMFUNC whole; each named control's
# must-be-1 and may-be-1 bits in both MSRs), the host must say it is partial,
# and KVM's offer derived from it must agree with the dump's on those bits.
set -u
source "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
NVMX=$nvmx python3 - "$tmp" <<'PY'
import glob, json, os, subprocess, sys
tmp = sys.argv[1]
nvmx = os.environ["NVMX"]
sys.path.insert(0, "tests")
gen = __import__("vmxcap_gen")
NAMED = {0x481: gen.PIN, 0x48d: gen.PIN, 0x482: gen.PROC, 0x48e: gen.PROC, 0x48b: gen.PROC2,
         0x483: gen.EXIT, 0x48f: gen.EXIT, 0x484: gen.ENTRY, 0x490: gen.ENTRY}
from tap import ok, done
def host(path):
    r = subprocess.run([nvmx, "decode", path, "--json"], capture_output=True, text=True)
    return r.returncode, json.loads(r.stdout) if r.returncode == 0 else None, r.stderr
def msrs(d):
    return {0x480 + gen.ORDER.index(k[9:]): int(v, 16) for k, v in d["msrs"].items() if v is not None}
def nested(path):
    r = subprocess.run([nvmx, "derive", path, "--kvm", "6.1", "--json"], capture_output=True, text=True)
    d = json.loads(r.stdout)
    return {k: int(v, 16) for k, v in (d.get("nested") or {}).items() if isinstance(v, str)}
dumps = sorted(glob.glob("data/hosts/*.msrs"))
bad, checked, nested_bad = [], 0, []
# Every 6th dump (the whole set takes 40 s; the sample covers each generation).
for i, dump in enumerate(dumps):
    if i % 6:
        continue
    want = gen.load(dump)
    if not (want.get(0x480, 0) >> 55) & 1:
        continue
    vx = os.path.join(tmp, os.path.basename(dump) + ".vmxcap")
    with open(vx, "w") as f:
        subprocess.run([sys.executable, "tests/vmxcap_gen.py", dump], stdout=f, check=True)
    rc, d, err = host(vx)
    if rc != 0 or "partial host (vmxcap)" not in err:
        bad.append("%s: exit %d %s" % (dump, rc, err.strip()[:120])); continue
    got = msrs(d)
    checked += 1
    for idx in (0x480, 0x485):
        if got.get(idx) != want.get(idx): bad.append("%s: 0x%x" % (dump, idx))
    proc_hi = want.get(0x482, 0) >> 32
    if proc_hi >> 31 & 1:
        p2 = want.get(0x48b, 0) >> 32
        for idx, ctl in ((0x48c, p2 & 0x22), (0x491, p2 >> 13 & 1)):
            if ctl and got.get(idx) != want.get(idx, 0): bad.append("%s: 0x%x" % (dump, idx))
    for idx, names in NAMED.items():
        if idx == 0x48b and not proc_hi >> 31 & 1: continue
        mask = sum(1 << b for b in names)
        mask64 = mask | mask << 32
        if (got.get(idx, 0) & mask64) != (want.get(idx, 0) & mask64):
            bad.append("%s: 0x%x named bits 0x%x vs 0x%x" % (dump, idx, got.get(idx, 0) & mask64, want.get(idx, 0) & mask64))
    # Sampled: KVM's offer on the named bits (derive runs the whole model).
    if i % 18 == 0:
        a, b = nested(dump), nested(vx)
        for k in a:
            idx = 0x480 + gen.ORDER.index(k[9:]) if k.startswith("IA32_VMX_") and k[9:] in gen.ORDER else None
            if idx in NAMED:
                mask = sum(1 << bb for bb in NAMED[idx]); mask64 = mask | mask << 32
                if (a[k] & mask64) != (b.get(k, 0) & mask64):
                    nested_bad.append("%s: nested %s" % (dump, k))
ok(checked >= 25, "vmxcap output of %d dumps read back" % checked)
ok(not bad, "BASIC, MISC, EPT_VPID_CAP, VMFUNC and every named control come back exactly" + ("; " + "; ".join(bad[:5]) if bad else ""))
ok(not nested_bad, "KVM 6.1's offer from the vmxcap host agrees with the dump's on the named bits" + ("; " + "; ".join(nested_bad[:5]) if nested_bad else ""))
# A line vmxcap never prints, and a state it never prints, are errors with file:line.
with open(os.path.join(tmp, "bad.vmxcap"), "w") as f:
    f.write("Basic VMX Information\n  Hex: 0xda040000000004\npin-based controls\n  NMI exiting  maybe\n")
rc, d, err = host(os.path.join(tmp, "bad.vmxcap"))
ok(rc == 2 and "bad.vmxcap:4: state 'maybe'" in err, "an unknown state is an error at its line (%s)" % err.strip())
done()
PY
