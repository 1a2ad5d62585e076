#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libvirt's XML as a host.  For sampled bundled dumps, the vmx-* features a
# host-model CPU would list (every QEMU-named bit the dump offers) are written
# as `virsh domcapabilities` XML and read back: each named control and
# capability must come back as the dump has it, the host must say it is
# partial, and KVM's offer from it must agree with the dump's on those bits.
# The hand-written fixtures check disabled features, blockers outside
# host-model, unknown names, and a `virsh capabilities` without vmx-* names.
set -u
source "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
NVMX=$nvmx python3 - "$tmp" <<'PY'
import glob, json, os, subprocess, sys
tmp, nvmx = sys.argv[1], os.environ["NVMX"]
from tap import ok, done
def run(*a):
    r = subprocess.run([nvmx] + list(a), capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr
MSRS = ["IA32_VMX_TRUE_PINBASED_CTLS", "IA32_VMX_TRUE_PROCBASED_CTLS", "IA32_VMX_PROCBASED_CTLS2",
        "IA32_VMX_TRUE_EXIT_CTLS", "IA32_VMX_TRUE_ENTRY_CTLS", "IA32_VMX_MISC", "IA32_VMX_EPT_VPID_CAP",
        "IA32_VMX_VMFUNC", "IA32_VMX_BASIC"]
def named(decoded):
    """{(msr, bit): (qemu name, offered)} for every QEMU-named bit."""
    out = {}
    for m in MSRS:
        d = decoded.get(m)
        if not d or not d.get("present"):
            continue
        for c in d.get("controls", []):
            if c.get("qemu"):
                out[(m, c["bit"])] = (c["qemu"], c["state"] in ("may be 1", "must be 1"))
        for f in d.get("fields", []):
            if f.get("qemu") and ":" not in f["bits"]:
                out[(m, int(f["bits"]))] = (f["qemu"], f["raw"] == 1)
    return out
dumps = sorted(glob.glob("data/hosts/intel-*.msrs"))[::12]
bad, nested_bad, checked = [], [], 0
for dump in dumps:
    rc, o, e = run("decode", dump, "--json")
    want = named(json.loads(o)["decoded"])
    if not (int(json.loads(o)["msrs"].get("IA32_VMX_BASIC") or "0", 16) >> 55) & 1:
        continue
    feats = sorted({q for (q, on) in want.values() if on})
    # A name QEMU gives two bits (vmx-invept-single-context) is offered only if both are.
    feats = [f for f in feats if all(on for (q, on) in want.values() if q == f)]
    xml = os.path.join(tmp, os.path.basename(dump) + ".xml")
    with open(xml, "w") as fh:
        fh.write("<domainCapabilities>\n  <cpu>\n    <mode name='host-model' supported='yes'>\n"
                 "      <model fallback='forbid'>Skylake-Client</model>\n      <vendor>Intel</vendor>\n"
                 "      <feature policy='require' name='vmx'/>\n")
        for f in feats:
            fh.write("      <feature policy='require' name='%s'/>\n" % f)
        fh.write("    </mode>\n  </cpu>\n</domainCapabilities>\n")
    rc, o, e = run("decode", xml, "--json")
    if rc != 0 or "partial host (libvirt" not in e:
        bad.append("%s: exit %d %s" % (dump, rc, e.strip()[:100])); continue
    checked += 1
    got = named(json.loads(o)["decoded"])
    for key, (q, on) in want.items():
        if q in feats and got.get(key, (q, False))[1] != on:
            bad.append("%s: %s bit %d (%s)" % (dump, key[0], key[1], q))
    a = json.loads(run("derive", dump, "--kvm", "6.1", "--json")[1])
    b = json.loads(run("derive", xml, "--kvm", "6.1", "--json")[1])
    if not b.get("load_ok"):
        nested_bad.append("%s: KVM does not load (%s)" % (dump, b.get("error")))
ok(checked >= 8, "domcapabilities XML of %d dumps read back" % checked)
ok(not bad, "every vmx-* feature listed comes back as the dump's bit" + ("; " + "; ".join(bad[:5]) if bad else ""))
ok(not nested_bad, "KVM 6.1 loads on each (the required controls are all named)" + ("; " + "; ".join(nested_bad[:3]) if nested_bad else ""))
rc, o, e = run("decode", "tests/fixtures/domcapabilities.xml", "--json")
d = json.loads(o)["msrs"] if rc == 0 else {}
pin = int(d.get("IA32_VMX_TRUE_PINBASED_CTLS") or "0", 16)
p2 = int(d.get("IA32_VMX_PROCBASED_CTLS2") or "0", 16)
vmfunc = int(d.get("IA32_VMX_VMFUNC") or "0x1", 16)
ok(rc == 0 and pin >> 39 & 1 and not (p2 >> 49) & 1 and not vmfunc,
   "fixture: posted interrupts in, vmx-pml disabled stays out, the custom-mode blocker is not read")
ok("vmx-no-such-thing is not a vmx-* property" in e, "an unknown vmx-* name is a warning with file:line")
rc, o, e = run("decode", "tests/fixtures/capabilities-novmx.xml")
ok(rc == 2 and "no vmx-* feature in the host CPU" in e and not o, "virsh capabilities without vmx-* names: exit 2 (%d)" % rc)
done()
PY
