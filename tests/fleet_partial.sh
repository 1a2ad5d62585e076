#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Partial hosts in baseline and pools (matrix: tests/partial_sound.sh): a
# partial host is held to the values only when no completion of its unknown
# bits rejects them.  Checked two ways that do not go through the fleet
# code: nvmx check of the same values on the partial host (which asks the
# completions), and the host's two extremes (its unknown bits all 0, all 1)
# written out as complete hosts from decode --json: an extreme is one
# completion, so values it rejects must not be claimed accepted.  Exit
# status: never a confident 0 the unknown bits could turn.
set -u
source "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
python3 tests/cpuinfo_gen.py "$hosts/intel-core-i7-8750h.msrs" >"$tmp/part.cpuinfo" || exit 2
NVMX=$nvmx python3 - "$tmp" "$hosts" <<'PY'
import json, os, subprocess, sys
tmp, hosts = sys.argv[1], sys.argv[2]
nvmx = os.environ["NVMX"]
from tap import ok, done
def run(*args):
    r = subprocess.run([nvmx] + list(args), capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr
FULL = [hosts + "/intel-core-i7-8750h.msrs", hosts + "/intel-xeon-e5-2620-v4.msrs"]
KVM = ["--kvm", "6.1"]

# The extremes of a partial host as complete JSON hosts (BASIC and MISC hold
# placeholders and are not flipped, as the commands do).
def extremes(path, stem):
    rc, out, err = run("decode", path, "--json")
    d = json.loads(out)
    paths = []
    for ones in (0, 1):
        e = {k: v for k, v in d.items()
             if k not in ("partial", "unknown", "unknown_features", "input", "decoded", "warnings")}
        msrs = dict(d["msrs"])
        for name, mask in d["unknown"].items():
            if name in msrs:
                v, u = int(msrs[name], 16), int(mask, 16)
                msrs[name] = "0x%016x" % (v | u if ones else v & ~u)
        e["msrs"] = msrs
        feats = set(d.get("cpuid.features", "").split())
        unk = set(d.get("unknown_features", "").split()) if isinstance(d.get("unknown_features"), str) \
            else set(d.get("unknown_features") or [])
        e["cpuid.features"] = " ".join(sorted(feats | unk if ones else feats - unk))
        e["name"] = stem
        p = os.path.join(tmp, "%s%d" % (stem, ones), "%s.json" % stem)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            json.dump(e, f)
        paths.append(p)
    return d, paths

part = os.path.join(tmp, "part.cpuinfo")
d, ext = extremes(part, "part")
ok(d.get("partial") and any(int(v, 16) for v in d["unknown"].values()), "the cpuinfo host is partial with unknown bits")

def dump(path, msrs):
    with open(path, "w") as f:
        for k, val in msrs.items():
            f.write("%s = %s\n" % (k, val))

# ---- baseline -----------------------------------------------------------------
rc, out, err = run("baseline", part, *FULL, *KVM, "--json")
b = json.loads(out)
npl = {x["host"] for x in b.get("not_proven") or []}
saved = os.path.join(tmp, "baseline.msrs")
dump(saved, b["msrs"])
rc3, _, _ = run("check", saved, "--to", part, *KVM)
ok(rc3 in (0, 1) and ("part" in npl) == (rc3 != 0),
   "baseline: the partial host is not proven iff nvmx check of the values on it is not (exit %d)" % rc3)
for v in (0, 1):
    rc4, _, _ = run("check", saved, "--to", ext[v], *KVM)
    ok(rc4 in (0, 1) and (rc4 == 0 or "part" in npl),
       "baseline: unknown bits all %d: %s there, and the partial run %s" % (
           v, "accepted" if rc4 == 0 else "rejected", "agrees" if rc4 == 0 or "part" in npl else "claims it"))
ok(b["verified"] == (not npl) and (rc == 0) == b["verified"] and all(x["deciding"] for x in b.get("not_proven") or []),
   "baseline: verified=%s, exit %d, each unproven host with its deciding bits" % (b["verified"], rc))
rc, out, err = run("baseline", *FULL, *KVM, "--json")
ok(rc == 0 and not json.loads(out).get("not_proven"), "baseline of complete hosts: nothing unproven")

# ---- pools --------------------------------------------------------------------
rc, out, err = run("pools", part, *FULL, *KVM, "--pools", "2", "--json")
p = json.loads(out)
pool = next(q for q in p["pools"] if any(mb["name"] == "part" for mb in q["members"]))
saved = os.path.join(tmp, "pool.msrs")
dump(saved, pool["msrs"])
rc3, _, _ = run("check", saved, "--to", part, *KVM)
ok(rc3 in (0, 1) and (p["not_proven"] > 0) == (rc3 != 0),
   "pools: the partial member is not proven iff nvmx check of its pool's values on it is not (exit %d)" % rc3)
for v in (0, 1):
    rc4, _, _ = run("check", saved, "--to", ext[v], *KVM)
    ok(rc4 in (0, 1) and (rc4 == 0 or p["not_proven"] > 0), "pools: unknown bits all %d: sound" % v)
ok((rc == 0) == p["verified"] == (p["not_proven"] == 0), "pools: verified=%s, exit %d" % (p["verified"], rc))

# ---- a pool of the partial host alone: it accepts its own offer? ----------------------
rc, out, err = run("pools", part, *KVM, "--json")
p = json.loads(out)
saved = os.path.join(tmp, "own.msrs")
dump(saved, p["pools"][0]["msrs"])
rc3, _, _ = run("check", saved, "--to", part, *KVM)
ok(rc3 in (0, 1) and (p["not_proven"] > 0) == (rc3 != 0),
   "pools of the partial host alone: not proven iff nvmx check says so (exit %d)" % rc3)
done()
PY
