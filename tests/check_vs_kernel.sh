#!/usr/bin/env bash
# nvmx check's verdicts against the real kernel: for every recorded live-migration
# case (conformance/cases/cross-A-to-B, the values release A derived on a host
# written in QEMU's order into release B on the same host), `nvmx check
# --from-host H --from-kvm A --to H --kvm B` must accept exactly the MSRs the
# kernel accepted, and call the VM migratable exactly when all were.
# NVMX_CONFORMANCE_SAMPLE=N checks N hosts per file.  The commands of a file go
# through one `nvmx batch` (conformance/check's reader): same answers, no process
# per case.
set -u
. "$(dirname "$0")/lib.sh"
python3 - "$here" "$nvmx" "${NVMX_CONFORMANCE_SAMPLE:-0}" <<'PY'
import glob, json, os, random, sys
import importlib.machinery, importlib.util
here, nvmx, sample = sys.argv[1], sys.argv[2], int(sys.argv[3])
loader = importlib.machinery.SourceFileLoader("checker", os.path.join(here, "conformance/check"))
checker = importlib.util.module_from_spec(importlib.util.spec_from_loader("checker", loader))
loader.exec_module(checker)
files = sorted(glob.glob(os.path.join(here, "conformance/cases/cross-*.jsonl")))
print("1..%d" % (len(files) + 1))
rnd = random.Random(7)
# Guard: over all files both verdicts and both MSR outcomes must occur, or the
# comparison could pass with both sides saying the same constant.
seen = {"migratable": 0, "not": 0, "accepted": 0, "rejected": 0}
for n, f in enumerate(files, 1):
    a = os.path.basename(f)[len("cross-"):-len(".jsonl")].split("-to-")[0]
    cases = [json.loads(l) for l in open(f)]
    cases = [c for c in cases if c["case"] == "cross-all-qemu-order" and c["load_ok"]]
    if sample and len(cases) > sample:
        cases = rnd.sample(cases, sample)
    bad = []
    cmds = []
    for c in cases:
        h = os.path.join(here, "data/hosts", c["host"])
        if not os.path.exists(h):
            h = os.path.join(here, "conformance/hosts", c["host"])
        cmds.append(["check", "--from-host", h, "--from-kvm", a, "--to", h, "--kvm", c["kernel"], "--json"])
    answers, brc, berr = checker.batch_answers(nvmx, cmds)
    if len(answers) != len(cmds):
        bad.append("nvmx batch ended after %d of %d answers (exit %d): %s"
                   % (len(answers), len(cmds), brc, berr[:200]))
    for c, (out, rc) in zip(cases, answers):
        try:
            got = json.loads(out)
        except ValueError:
            bad.append("%s: no JSON (exit %d): %s" % (c["host"], rc, berr[:200])); continue
        want = {int(w["index"], 16): w["accepted"] for w in c["writes"]}
        have = {}
        for m in got["msrs"]:
            have[m["msr"]] = m["accepted"]
        names = {0x480:"IA32_VMX_BASIC",0x485:"IA32_VMX_MISC",0x486:"IA32_VMX_CR0_FIXED0",
                 0x488:"IA32_VMX_CR4_FIXED0",0x48a:"IA32_VMX_VMCS_ENUM",0x48b:"IA32_VMX_PROCBASED_CTLS2",
                 0x48c:"IA32_VMX_EPT_VPID_CAP",0x48d:"IA32_VMX_TRUE_PINBASED_CTLS",
                 0x48e:"IA32_VMX_TRUE_PROCBASED_CTLS",0x48f:"IA32_VMX_TRUE_EXIT_CTLS",
                 0x490:"IA32_VMX_TRUE_ENTRY_CTLS",0x491:"IA32_VMX_VMFUNC"}
        diff = [names[i] for i, acc in want.items() if have.get(names[i]) != acc]
        seen["migratable" if got["migratable"] else "not"] += 1
        for acc in want.values():
            seen["accepted" if acc else "rejected"] += 1
        if diff or got["migratable"] != all(want.values()) or (rc == 0) != got["migratable"]:
            bad.append("%s: differs on %s" % (c["host"], ", ".join(diff) or "the verdict"))
    name = "%s: nvmx check agrees with the kernel on %d hosts" % (os.path.basename(f), len(cases))
    if bad:
        print("not ok %d - %s" % (n, name))
        for b in bad[:5]:
            print("#   " + b)
    else:
        print("ok %d - %s" % (n, name))
both = all(seen.values())
print("%s %d - both outcomes occur: %d migratable, %d not; %d MSR writes accepted, %d rejected"
      % ("ok" if both else "not ok", len(files) + 1, seen["migratable"], seen["not"],
         seen["accepted"], seen["rejected"]))
PY
