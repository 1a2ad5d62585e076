#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# /proc/cpuinfo's "vmx flags" as a host: sampled bundled dumps are printed as
# a kernel would print their processor block (tests/cpuinfo_gen.py: the names
# of vmxfeatures.h, the bit gathering of feat_ctl.c) and read back.  Every
# bit a flag stands for must come back as the dump has it and be marked
# known; the bits no flag names must be marked unknown; names an older kernel
# cannot print must read unknown in its form; the host must say it is partial,
# keep that through decode --json and back, and KVM's offer derived from it
# must agree with the dump's on the bits the flags give.
set -u
source "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
NVMX=$nvmx python3 - "$tmp" <<'PY'
import glob, json, os, subprocess, sys
tmp = sys.argv[1]
nvmx = os.environ["NVMX"]
sys.path.insert(0, "tests")
gen = __import__("cpuinfo_gen")
vg = __import__("vmxcap_gen")
from tap import ok, done
def idx(name):
    return 0x480 + vg.ORDER.index(name[9:])
def host(path):
    r = subprocess.run([nvmx, "decode", path, "--json"], capture_output=True, text=True)
    return r.returncode, json.loads(r.stdout) if r.returncode == 0 else None, r.stderr
def vals(obj):
    return {idx(k): int(v, 16) for k, v in (obj or {}).items() if isinstance(v, str)}
# Where each flag's bit lives in the MSRs (control bits in the allowed-1 half).
WHERE = {0: None, 1: (0x482, 32), 2: (0x48b, 32), 3: (0x492, 0)}
PIN_EPT = {5: (0x481, 37), 6: (0x481, 38), 7: (0x481, 39), 16: (0x48c, 32), 17: (0x48c, 0),
           18: (0x48c, 21), 19: (0x48c, 17), 20: (0x48c, 7), 28: (0x491, 0)}
def bit_of(word, bit):
    if word == 0:
        return PIN_EPT.get(bit)
    m, off = WHERE[word]
    return (m, off + bit)
def write(dump, old=False):
    path = os.path.join(tmp, os.path.basename(dump) + (".old" if old else "") + ".cpuinfo")
    with open(path, "w") as f:
        subprocess.run([sys.executable, "tests/cpuinfo_gen.py", dump] + (["--old"] if old else []),
                       stdout=f, check=True)
    return path
dumps = sorted(glob.glob("data/hosts/*.msrs"))
bad, unk_bad, old_bad, nested_bad, checked = [], [], [], [], 0
for i, dump in enumerate(dumps):
    if i % 6:
        continue
    want = vg.load(dump)
    if not (want.get(0x482, 0) >> 63) & 1:
        continue
    path = write(dump)
    rc, d, err = host(path)
    if rc != 0 or "partial host (/proc/cpuinfo)" not in err:
        bad.append("%s: exit %d %s" % (dump, rc, err.strip()[:120])); continue
    checked += 1
    got, unk = vals(d["msrs"]), vals(d.get("unknown"))
    for word, bit, name, since in gen.NAMES:
        where = bit_of(word, bit)
        if not where:
            continue
        m, b = where
        w = want.get(m, 0) >> b & 1
        # A dump without the MSR has the bit 0 (the kernel reads 0 then).
        if (got.get(m, 0) >> b & 1) != w:
            bad.append("%s: %s (0x%x bit %d) %d" % (dump, name, m, b, w))
        if (w or since == 0) and unk.get(m, 0) >> b & 1:
            unk_bad.append("%s: %s marked unknown" % (dump, name))
    # Flags a kernel of every generation prints (or that are set) are known; controls no flag names are unknown (HLT exiting is KVM-required, so assumed, not unknown).
    if not unk.get(0x483, 0) >> (32 + 20) & 1:
        unk_bad.append("%s: exit 'save EFER' not marked unknown" % dump)
    if not unk.get(0x48b, 0) >> (32 + 3) & 1:
        unk_bad.append("%s: secondary 'enable RDTSCP' not marked unknown" % dump)
    # The form of a kernel older than 6.0: its missing newer names are unknown, not absent.
    if i % 18 == 0:
        rc, d2, err = host(write(dump, old=True))
        u2 = vals(d2.get("unknown")) if d2 else {}
        if rc != 0 or not (u2.get(0x48b, 0) >> (32 + 18) & 1) or not (u2.get(0x48c, 0) >> 7 & 1):
            old_bad.append(dump)
        # KVM 6.1's offer on the bits the flags give (derive runs the whole model).
        def nested(p):
            r = subprocess.run([nvmx, "derive", p, "--kvm", "6.1", "--json"], capture_output=True, text=True)
            return vals(json.loads(r.stdout).get("nested")) if r.returncode == 0 else None
        a, b = nested(dump), nested(path)
        r = subprocess.run([nvmx, "derive", path, "--kvm", "6.1", "--json"], capture_output=True, text=True)
        pu = json.loads(r.stdout).get("partial_host") if r.returncode == 0 else None
        if not pu or not pu.get("offer_unknown"):
            nested_bad.append("%s: derive says nothing of the unknown bits" % dump)
        elif a is not None and b is not None:
            # Where the cpuinfo host's offer misses the dump's, derive must have said it may.
            unk = {idx(k): int(v, 16) for k, v in pu["offer_unknown"].items()}
            for m in (0x481, 0x482, 0x483, 0x484, 0x48b, 0x48c, 0x48d, 0x48e, 0x48f, 0x490, 0x491):
                diff = (a.get(m, 0) ^ b.get(m, 0)) & ~unk.get(m, 0)
                if diff:
                    nested_bad.append("%s: offer 0x%x differs from the dump's in 0x%x, not said unknown" % (dump, m, diff))
        if a is None or b is None:
            nested_bad.append("%s: derive failed" % dump)
        else:
            for word, bit, name, since in gen.NAMES:
                where = bit_of(word, bit)
                if where and where[0] in (0x481, 0x482, 0x48b) and \
                        (a.get(where[0], 0) >> where[1] & 1) != (b.get(where[0], 0) >> where[1] & 1):
                    nested_bad.append("%s: nested %s" % (dump, name))
ok(checked >= 20, "cpuinfo form of %d dumps read back" % checked)
ok(not bad, "every flag's bit comes back as the dump has it" + ("; " + "; ".join(bad[:5]) if bad else ""))
ok(not unk_bad, "flagged bits are known, unflagged controls unknown" + ("; " + "; ".join(unk_bad[:5]) if unk_bad else ""))
ok(not old_bad, "an older kernel's form leaves ept_violation_ve and ept_5level unknown" + ("; " + "; ".join(old_bad[:5]) if old_bad else ""))
ok(not nested_bad, "KVM 6.1's offer agrees with the dump's on the flagged controls, and derive names every other bit where it differs as depending on unknown bits" + ("; " + "; ".join(nested_bad[:5]) if nested_bad else ""))
# decode --json of a partial host reads back partial, with the same unknown bits.
src = write("data/hosts/intel-xeon-platinum-8180.msrs")
rc, d, err = host(src)
js = os.path.join(tmp, "again.json")
with open(js, "w") as f:
    json.dump({k: d[k] for k in d if k not in ("decoded", "warnings", "input")}, f)
rc2, d2, err2 = host(js)
ok(rc2 == 0 and "partial host" in err2 and d2.get("unknown") == d.get("unknown") and d2["msrs"] == d["msrs"],
   "decode --json of a cpuinfo host reads back partial, same MSRs and unknown bits")
# Answers on a partial host: a verdict an unknown bit could turn says so, and
# is never a confident "migratable" where the real dumps say otherwise.
def mig(a, b):
    r = subprocess.run([nvmx, "check", "--from-host", a, "--from-kvm", "6.1", "--to", b, "--kvm", "6.1",
                        "--json"], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        return None, None
    d = json.loads(r.stdout)
    return d["migratable"], d["partial_host"]
pool = [d for i, d in enumerate(dumps) if i % 36 == 3 and (vg.load(d).get(0x482, 0) >> 63) & 1]
false_mig, pairs, proven, unproven, no_note = [], 0, 0, 0, []
for a in pool:
    for b in pool:
        if a == b:
            continue
        real, _ = mig(a, b)
        for x, y in ((a, write(b)), (write(a), b), (write(a), write(b))):
            got, part = mig(x, y)
            pairs += 1
            if got is None or part is None:
                no_note.append("%s -> %s" % (x, y)); continue
            if got and not real:
                false_mig.append("%s -> %s" % (x, y))
            if part["depends_on_unknown"]:
                unproven += 1
            else:
                proven += 1
ok(pairs >= 30 and not no_note, "check on %d pairs with a cpuinfo side: %d verdicts hold whatever the "
   "unknown bits are, %d depend on them%s" % (pairs, proven, unproven, "; " + "; ".join(no_note[:3]) if no_note else ""))
ok(not false_mig, "no cpuinfo pair is called migratable where the dumps are not" +
   ("; " + "; ".join(false_mig[:5]) if false_mig else ""))
# explain: a write whose bits the vmx flags do not give depends on them (JSON and exit 1).
r = subprocess.run([nvmx, "explain", "0x48b=0x02137bff00000000", "--host", src, "--kvm", "6.1", "--json"],
                   capture_output=True, text=True)
w = json.loads(r.stdout)["writes"][0] if r.stdout else {}
ok(r.returncode == 1 and w.get("partial_host", {}).get("depends_on_unknown") is True,
   "explain: a secondary-controls write on the cpuinfo host depends on its unknown bits (exit %d)" % r.returncode)
r = subprocess.run([nvmx, "explain", "0x48d=0x000000ff00000016", "--host", src, "--kvm", "6.1"],
                   capture_output=True, text=True)
ok(r.returncode == 0 and "same on every completion of its unknown bits" in r.stdout,
   "explain: a pin-based write (every pin bit known) holds whatever the unknown bits are")
done()
PY
