#!/usr/bin/env bash
# A program linking libnvmx reproduces every verdict and remedy the commands
# print (issue 13): the same cases go to the CLI (--json, through `nvmx
# batch`) and to build/tests/test_scenario.t --answers (the library's calls:
# nvmx_check, nvmx_remedies, nvmx_qemu_start, nvmx_qemu_dest, nvmx_qemu_move),
# and the fields are compared.
# Cases: every bundled host, each with a share of the release pairs (every
# consecutive pair of `nvmx kernels`, both ways, is asked of some hosts; the
# Celeron J6412 of the issue gets all of them), a VM with and without the
# host's CPUID (PMU v2); check (saved-msrs), upgrade, explain of each
# failing check's first rejected write; qemu-check (its verdict, remedies and
# --also under both semantics) and check --cpu (both semantics) for a few -cpu
# specs; explain on each public report's log (tests/reports), the kernel taken
# from --kvm, --uname or the log.  Each kind of verdict and remedy must
# occur, or the comparison proves nothing.
. "$(dirname "$0")/lib.sh"
build=${NVMX_BUILD:-$here/build}
answers=$build/tests/test_scenario.t
[ -x "$answers" ] || t_bail "$answers not built (make tests)"
cd "$here" || exit 2
python3 - "$nvmx" "$answers" "$tmp" <<'PY'
import json, subprocess, sys, glob, re
nvmx, answers, tmp = sys.argv[1:]
n = failed = 0
def ok(cond, desc, diag=()):
    global n, failed
    n += 1
    print(f"{'' if cond else 'not '}ok {n} - {desc}")
    failed += not cond
    for d in list(diag)[:8]:
        print(f"# {d}")

def batch(reqs):
    """The CLI's JSON for each request, one nvmx process."""
    out = subprocess.run([nvmx, "batch"], input="".join(json.dumps(r) + "\n" for r in reqs),
                         capture_output=True, text=True).stdout
    res = []
    # each request's standard output, then RS (0x1e), its exit status and a newline
    for body in re.split(r"\x1e\d+\n", out)[:len(reqs)]:
        try:
            res.append(json.loads(body))
        except ValueError:
            res.append(None)
    return res

def library(cases):
    out = subprocess.run([answers, "--answers"], input="".join(" ".join(c) + "\n" for c in cases),
                         capture_output=True, text=True).stdout.splitlines()
    return [json.loads(l) for l in out]

kernels = [k["name"] for k in json.loads(subprocess.run([nvmx, "kernels", "--json"],
                                                        capture_output=True, text=True).stdout)]
pairs = [(a, b) for a, b in zip(kernels, kernels[1:])] + [(b, a) for a, b in zip(kernels, kernels[1:])]
hosts = sorted(glob.glob("data/hosts/*.msrs"))
j6412 = "data/hosts/intel-celeron-j6412.msrs"
VM = {"none": [], "host2": ["--guest-cpuid", "host", "--pmu-version", "2"]}
# destination parameters (check, explain): a remedy puts them back or flips another
PARAMS = ("enable_apicv=0", "flexpriority=0", "unrestricted_guest=0", "ept=0")
for p in PARAMS:
    VM[p] = ["--param", p]
cases, pcases = [], []
for i, h in enumerate(hosts):
    share = pairs if h == j6412 else pairs[i % 23::23]
    for a, b in share:
        for vm in ("none", "host2"):
            cases.append((h, a, b, vm))
    pcases.append((h, kernels[i % len(kernels)], kernels[i % len(kernels)], PARAMS[i % len(PARAMS)]))
cases.append((j6412, "5.10", "6.1", "host2"))	# the issue's case

def compare(kind, reqs, lib_cases, pick, refused=None, run=None):
    cli, lib = (run or batch)(reqs), library(lib_cases)
    bad = []
    for r, c, l in zip(reqs, cli, lib):
        # no JSON: the CLI refused the case (check: a source without a usable KVM;
        # explain FILE: no release given and no kernel to take it from)
        got = pick(c) if c is not None else refused or {"source_loads": False}
        if l is None or got is None or any(got.get(k) != v for k, v in l.items()):
            bad.append(f"nvmx {' '.join(r)}: library {json.dumps(l)[:300]} cli {json.dumps(got)[:300]}")
    same = len(reqs) - len(bad)
    ok(len(cli) == len(reqs) == len(lib) and not bad,
       f"{kind}: the library's answer is the CLI's on {same} of {len(reqs)}", bad)
    return cli, lib

# check, saved-msrs: verdict, rejected MSRs and rules, the fixes object.
def pick_check(c):
    p = {"migratable": c["migratable"],
         "rejected": [{"msr": m["msr"], "rule": m["rule"]} for m in c["msrs"] if not m["accepted"]]}
    if "fixes" in c:
        p["fixes"] = c["fixes"]
    return p
ccases = cases + pcases
reqs = [["check", "--from-host", h, "--from-kvm", a, "--to", h, "--kvm", b, *VM[vm], "--json"]
        for h, a, b, vm in ccases]
cli, lib = compare("check", reqs, [("check", h, a, b, vm) for h, a, b, vm in ccases], pick_check)
lib = [l for l in lib if l and "source_loads" not in l]
fails = [l for l in lib if l and not l["migratable"]]
fx = [l["fixes"] for l in fails]
ok(len(fails) and len(fails) < len(lib) and any(f["qemu_off"] and f["qemu_off_sufficient"] for f in fx)
   and any(f["qemu_off"] and not f["qemu_off_sufficient"] for f in fx) and any(f["releases"] for f in fx)
   and any(f["params"] for f in fx) and any(f["policy"] for f in fx),
   f"... not trivial: {len(lib) - len(fails)} migratable, {len(fails)} not; flags that suffice "
   f"{sum(bool(f['qemu_off'] and f['qemu_off_sufficient']) for f in fx)}, that do not "
   f"{sum(bool(f['qemu_off'] and not f['qemu_off_sufficient']) for f in fx)}, releases "
   f"{sum(bool(f['releases']) for f in fx)}, parameters {sum(bool(f['params']) for f in fx)}, "
   f"revoke list {sum(bool(f['policy']) for f in fx)}")
# The issue's case, by the facts: 5.10 stuffs USR_WAIT_PAUSE into a VM with WAITPKG, 6.1 lacks it.
i = cases.index((j6412, "5.10", "6.1", "host2")) if (j6412, "5.10", "6.1", "host2") in cases else -1
ok(i >= 0 and cli[i] and not cli[i]["migratable"] and cli[i]["fixes"]["qemu_off"] == ["vmx-enable-user-wait-pause"]
   and cli[i]["fixes"]["qemu_off_sufficient"],
   "the J6412 5.10 -> 6.1 with the host's CPUID: NOT MIGRATABLE, vmx-enable-user-wait-pause=off suffices")

# explain of each failing check's first rejected write, on the destination.
ex_req = []
for (h, a, b, vm), c in zip(ccases, cli):
    if c and not c["migratable"]:
        w = next(m for m in c["msrs"] if not m["accepted"])
        ex_req.append((h, b, vm, w["msr"], w["value"]))
reqs = [["explain", f"{msr}={val}", "--to", h, "--kvm", b, *VM[vm], "--json"] for h, b, vm, msr, val in ex_req]
lib_cases = [("explain", h, b, msr, val, vm) for h, b, vm, msr, val in ex_req]
cli_ex, lib_ex = compare("explain", reqs, lib_cases, lambda c: c["writes"][0])
ok(any(l and l.get("flags") and l.get("fixed_accepted") for l in lib_ex)
   and any(l and l.get("releases_accepting") for l in lib_ex)
   and any(l and l.get("params_accepting") for l in lib_ex),
   f"... not trivial: {sum(bool(l and l.get('fixed_accepted')) for l in lib_ex)} fixed by flags, "
   f"{sum(bool(l and l.get('releases_accepting')) for l in lib_ex)} with releases, "
   f"{sum(bool(l and l.get('params_accepting')) for l in lib_ex)} with parameters")

# upgrade: the same pairs as upgrade sees them (one host each).
reqs = [["upgrade", "--from-kvm", a, "--kvm", b, *VM[vm], "--json", h] for h, a, b, vm in cases]
keys = ("loads", "migratable", "revoke_fixes", "rejected")
_, lib_up = compare("upgrade", reqs, [("upgrade", h, a, b, vm) for h, a, b, vm in cases],
                    lambda c: {k: c["hosts"][0][k] for k in keys})
ok(any(l and l["revoke_fixes"] for l in lib_up) and any(l and not l["loads"] for l in lib_up)
   and any(l and l["loads"] and not l["migratable"] for l in lib_up),
   f"... not trivial: {sum(bool(l and l['revoke_fixes']) for l in lib_up)} fixed by the revoke list, "
   f"{sum(bool(l and not l['loads']) for l in lib_up)} where KVM does not load with nested")

# qemu-check (a QEMU VM started on a host, and --also another host under
# either semantics) and check --cpu (both semantics).
specs = ["Skylake-Server,+vmx,enforce", "Icelake-Server,+vmx", "Haswell,+vmx", "host,+vmx",
         "Cascadelake-Server-v1,+vmx", "SapphireRapids,+vmx,enforce", "Snowridge,+vmx,enforce",
         "Denverton,+vmx,enforce", "Haswell,+vmx,x-force-features=on"]
SEMS = ("qemu", "saved-msrs")
qcases = [(h, b, s, f"{hosts[(i * 5) % len(hosts)]}@{kernels[(i // 7) % len(kernels)]}", SEMS[i // 14 % 2])
          for i, (h, a, b, vm) in enumerate(cases) if vm == "none" and i % 7 == 0
          for s in specs[i % 3::3]]
reqs = [["qemu-check", "-cpu", s, "--to", h, "--kvm", b, "--also", al, "--semantics", sem, "--json"]
        for h, b, s, al, sem in qcases]
QFIX = ("found", "flags", "cpu", "blocker", "versions_that_start")
QALSO = ("migratable", "qemu_verdict", "same_cpu_starts", "same_cpu_same_values")
_, lib_q = compare("qemu-check", reqs, [("qemu", h, b, s, al, sem) for h, b, s, al, sem in qcases],
                   lambda c: {"starts": c["starts"], "enforce_refused": c["enforce_refused"],
                              "first_rejected": c["first_rejected"],
                              "rejected": [{"index": w["index"], "rule": w["rule"]}
                                           for w in c["writes"] if not w["accepted"]],
                              "fix": c["fix"] and {k: c["fix"][k] for k in QFIX},
                              "also": [{**{k: a[k] for k in QALSO},
                                        "rejected": [w["index"] for w in a["writes"] if not w["accepted"]]}
                                       for a in c["also"]]})
lq = [l for l in lib_q if l]
also = [(sem, l["also"][0]) for (h, b, s, al, sem), l in zip(qcases, lib_q) if l]
count = {
    "start": sum(l["starts"] for l in lq),
    "enforce refuses": sum(l["enforce_refused"] for l in lq),
    "a write rejected": sum(l["first_rejected"] is not None for l in lq),
    "with later writes rejected too": sum(len(l["rejected"]) > 1 for l in lq),
    "--also values rejected": sum(bool(a["rejected"]) for s, a in also),
    "fixed by flags": sum(bool(l["fix"] and l["fix"]["found"]) for l in lq),
    "no flags help": sum(bool(l["fix"] and not l["fix"]["found"]) for l in lq),
    "other versions start": sum(bool(l["fix"] and l["fix"]["versions_that_start"]) for l in lq),
}
for sem in SEMS:
    count[f"--also {sem} migratable"] = sum(a["migratable"] for s, a in also if s == sem)
    count[f"--also {sem} not"] = sum(not a["migratable"] for s, a in also if s == sem)
ok(all(count.values()), "... not trivial: " + ", ".join(f"{v} {k}" for k, v in count.items()))
ccases = [(h, a, b, s, SEMS[i // 10 % 2]) for i, (h, a, b, vm) in enumerate(cases) if vm == "none" and i % 5 == 1
          for s in specs[i % 2::4]]
# two that no vmx-* flag fixes: L1's CR4_FIXED1 differs; QEMU drops vmx on the destination
ccases += [("data/hosts/intel-xeon-platinum-8351n.msrs", "5.15", "5.4.210", "host,+vmx", "qemu"),
           ("data/hosts/intel-core-i7-3770k.msrs", "rhel-9.6", "rhel-8.10", "Nehalem,+vmx", "qemu")]
reqs = [["check", "--cpu", s, "--from-host", h, "--from-kvm", a, "--to", h, "--kvm", b, "--semantics", sem,
         "--json"] for h, a, b, s, sem in ccases]
_, lib_c = compare("check --cpu", reqs, [("cpu", h, a, b, s, sem) for h, a, b, s, sem in ccases],
                   lambda c: {"verdict": c["verdict"], "fix": c["fix"] and {"cpu": c["fix"]["cpu"]}}
                   if c["semantics"] == "qemu" else
                   {"source_starts": c["source_starts"], "migratable": c["migratable"]})
verdicts = {l["verdict"] for l in lib_c if l and "verdict" in l}
saved = [l for l in lib_c if l and "migratable" in l]
# not safe and no fix: the remedy search (nvmx_remedies' migrate_fix) can also come back empty
unfixed = sum(bool(l and l.get("verdict", "safe") != "safe" and not l["fix"]) for l in lib_c)
ok(len(verdicts) == 3 and any(l and l.get("fix") for l in lib_c) and unfixed
   and any(l["migratable"] for l in saved) and any(not l["migratable"] for l in saved),
   f"... not trivial: verdicts {sorted(verdicts)}, {sum(bool(l and l.get('fix')) for l in lib_c)} with a fix, "
   f"{unfixed} not safe with none; "
   f"saved-msrs {sum(l['migratable'] for l in saved)} migratable, {sum(not l['migratable'] for l in saved)} not")
# explain on a whole log (each public report of tests/reports): the kernel
# chosen (--kvm, --uname, else the log's), every write's verdict and
# remedies, each would-fail ranking (across the log), the answer's causes.
UNAMES = ("5.4.0-131-generic", "4.19.0-21-amd64", "6.14.11-2-pve", "6.8.0-90-generic")
lcases = []
for i, r in enumerate(sorted(glob.glob("tests/reports/*.report"))):
    head = open(r).read().split("\n--- log", 1)[0]
    hm = re.search(r"^nvmx-host: (\S+)", head, re.M)
    h = "data/hosts/" + (hm.group(1) if hm else "intel-xeon-platinum-8180.msrs")
    args = (re.search(r"^nvmx-args:(.*)$", head, re.M) or re.match("()", "")).group(1).split()
    rel = args[args.index("--kvm") + 1] if "--kvm" in args else "-"
    vm = args[args.index("--param") + 1] if "--param" in args else "none"
    lcases += [(h, r, rel, "-", vm), (h, r, "-", "-", "none"), (h, r, "-", UNAMES[i % 4], "none"),
               (h, r, rel, UNAMES[(i + 1) % 4], "host2" if vm == "none" else vm)]
def lreq(h, r, rel, uname, vm):
    return (["explain", r, "--to", h] + (["--kvm", rel] if rel != "-" else [])
            + (["--uname", uname] if uname != "-" else []) + VM.get(vm, ["--param", vm]) + ["--json"])
def pick_log(c):
    rank = lambda w: [e["key"] for e in w["would_fail_with"]]
    fixes = lambda w: [e["fix"] for e in w["would_fail_with"]]
    return {"kernel": c["kernel"], "uname": c["uname"], "kernel_modelled": c["kernel_modelled"],
            "kernel_nearest": "approximate" in c,
            "writes": [{"index": w["index"], "line": w["line"], "accepted": w["accepted"], "rule": w["rule"],
                        "flags": w["flags"], "releases_accepting": w["releases_accepting"],
                        "params_accepting": w["params_accepting"], "ranking": rank(w), "fixes": fixes(w),
                        "causes": w["causes"]} for w in c["writes"]],
            "features": [{"msr": f["msr"], "bit": f["bit"], "offered_here": f["offered_here"],
                          "ranking": rank(f), "fixes": fixes(f)} for f in c["features"]],
            "out_of_scope": [{"index": o["index"], "name": o["name"]} for o in c["out_of_scope"]],
            "accepted": all(w["accepted"] and not (w["partial_host"] or {}).get("depends_on_unknown")
                            for w in c["writes"]),
            "causes": c["causes"]}
_, lib_l = compare("explain FILE", [lreq(*c) for c in lcases], [("log", h, r, rel, u, vm)
                   for h, r, rel, u, vm in lcases], pick_log, {"refused": True})
lib_l = [l for l in lib_l if l and "refused" not in l]
lw = [w for l in lib_l for w in l["writes"]]
ranked = [w["ranking"] for w in lw] + [f["ranking"] for l in lib_l for f in l["features"]]
fixes_all = [x for w in lw for x in w["fixes"]] + [x for l in lib_l for f in l["features"] for x in f["fixes"]]
ok(len({l["kernel"] for l in lib_l}) >= 4 and any(l["uname"] for l in lib_l)
   and any(l["kernel_nearest"] for l in lib_l) and any(not l["kernel_modelled"] for l in lib_l)
   and any(not w["accepted"] and w["flags"] for w in lw) and any(w["releases_accepting"] for w in lw)
   and sum(len(x) >= 2 for x in ranked) >= 5 and all(l["causes"] for l in lib_l)
   and any(o["name"] for l in lib_l for o in l["out_of_scope"])
   and any(len(f) >= 3 for f in fixes_all) and any(len(f) == 2 and f[1].startswith("-cpu") for f in fixes_all),
   f"... not trivial: {len(lib_l)} logs under {len({l['kernel'] for l in lib_l})} releases, "
   f"{sum(bool(l['uname']) for l in lib_l)} with a kernel, {sum(l['kernel_nearest'] for l in lib_l)} "
   f"nearest, {sum(not l['kernel_modelled'] for l in lib_l)} not modelled; {len(lw)} writes, "
   f"{sum(not w['accepted'] for w in lw)} rejected, {sum(bool(w['flags']) for w in lw)} with flags; "
   f"{sum(len(x) >= 2 for x in ranked)} rankings of two or more; {len(fixes_all)} fixes, "
   f"{sum(len(f) >= 2 and f[1].startswith('-cpu') for f in fixes_all)} with -cpu flags, "
   f"{sum(len(f) >= 2 and f[-1].startswith('KVM ') for f in fixes_all)} with releases; "
   f"{sum(not l['causes'] for l in lib_l)} answers without a cause; "
   f"{sum(bool(o['name']) for l in lib_l for o in l['out_of_scope'])} named MSRs out of scope")

# matrix (saved-msrs): groups of five hosts at releases in turn, and the first again at
# another release, under each policy; every cell and the host-pair counts.
mcases = []
for g, i in enumerate(range(0, len(hosts), 5)):
    grp = [f"{h}@{kernels[(i + j * 7 + g) % len(kernels)]}" for j, h in enumerate(hosts[i:i + 5])]
    grp.append(f"{hosts[i]}@{kernels[(g * 3 + 1) % len(kernels)]}")
    mcases.append((("strict", "revoke-keep", "revoke-clear")[g % 3], list(dict.fromkeys(grp))))
# partial hosts (their cpuinfo and vmxcap forms): '?' where a completion decides otherwise
for form, gen in (("cpuinfo", "tests/cpuinfo_gen.py"), ("vmxcap", "tests/vmxcap_gen.py")):
    part = []
    for h in ("intel-core-i5-12500", "intel-core-i9-13900k", "intel-xeon-platinum-8180"):
        out = f"{tmp}/{h}.{form}"
        with open(out, "w") as fo:
            subprocess.run([sys.executable, gen, f"data/hosts/{h}.msrs"], stdout=fo, check=True)
        part.append(out)
    grp = [f"{part[0]}@6.18.26", f"{part[0]}@6.12.33", f"{part[1]}@6.18.2", f"{part[1]}@7.0",
           f"{part[2]}@6.1", "data/hosts/intel-core-i5-12500.msrs@6.12.33"]
    mcases += [("strict", grp), ("revoke-keep", grp)]
reqs = [["matrix", *grp, "--policy", pol, "--json", "--no-reasons", "--no-progress"] for pol, grp in mcases]
def alone(reqs):
    """matrix cannot run in a batch: one process each."""
    res = []
    for r in reqs:
        try:
            res.append(json.loads(subprocess.run([nvmx, *r], capture_output=True, text=True).stdout))
        except ValueError:
            res.append(None)
    return res
_, lib_m = compare("matrix", reqs, [("matrix", pol, *grp) for pol, grp in mcases], run=alone, pick=
                   lambda c: {"pairs": c["pairs"], "migratable": list(c["migratable_pairs"].values())[0],
                              "matrix": list(c["matrix"].values())[0]})
marks = "".join("".join(l["matrix"]) for l in lib_m if l)
full = sum(bool(l and l["pairs"] and l["migratable"] == l["pairs"]) for l in lib_m)
ok(all(m in marks for m in "Y.-?") and full < len(lib_m) and
   len({pol for pol, _ in mcases}) == 3,
   f"... not trivial: {marks.count('Y')} cells migrate, {marks.count('.')} do not, {marks.count('-')} "
   f"from a host without VMX guests, {marks.count('?')} not proven (partial hosts); "
   f"{len(lib_m) - full} of {len(lib_m)} fleets not fully migratable")
print(f"1..{n}")
sys.exit(failed != 0)
PY
