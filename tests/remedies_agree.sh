#!/usr/bin/env bash
# check and explain take their remedies from one library search
# (nvmx_remedies): for a migration that fails on a single MSR, every release and
# module-parameter change that makes check's whole migration work also makes
# explain's write of that MSR work, so explain lists at least what check lists.
# Cases cover releases, a parameter back at its default and a flipped one.
. "$(dirname "$0")/lib.sh"
python3 - "$nvmx" "$hosts" <<'PY'
import json, subprocess, sys
nvmx, hosts = sys.argv[1:]
def run(*a):
    return json.loads(subprocess.run([nvmx, *a], capture_output=True, text=True).stdout)
cases = [("centaur-es-cns-0040672", "5.19", "6.1", []),
         ("intel-celeron-j6412", "5.10", "6.1", ["--guest-cpuid", "host"]),
         ("intel-xeon-platinum-8180", "6.1", "6.1", ["--param", "flexpriority=0"]),
         ("intel-xeon-platinum-8180", "6.1", "6.1", ["--param", "enable_apicv=0"]),
         ("intel-core-i7-1365u", "6.6", "6.6", ["--param", "unrestricted_guest=0"])]
n = 0
seen_rel = seen_par = 0
for host, a, b, opts in cases:
    h = f"{hosts}/{host}.msrs"
    c = run("check", "--from-host", h, "--from-kvm", a, "--to", h, "--kvm", b, *opts, "--json")
    bad = [m for m in c["msrs"] if not m["accepted"]]
    n += 1
    if c["migratable"] or len(bad) != 1:
        print(f"not ok {n} - {host} {a}->{b} {' '.join(opts)}: expected one rejected MSR, got {len(bad)}")
        continue
    e = run("explain", "--host", h, "--kvm", b, *opts, f"{bad[0]['msr']}={bad[0]['value']}", "--json")["writes"][0]
    fx = c["fixes"]
    rel_ok = set(fx["releases"]) <= set(e["releases_accepting"])
    par_ok = set(fx["params"]) <= set(e["params_accepting"])
    seen_rel += bool(fx["releases"])
    seen_par += bool(fx["params"])
    ok = rel_ok and par_ok and not e["accepted"]
    print(f"{'' if ok else 'not '}ok {n} - {host} {a}->{b} {' '.join(opts)}: explain of {bad[0]['msr']} lists "
          f"check's releases {fx['releases']} and parameters {fx['params']}")
n += 1
print(f"{'' if seen_rel and seen_par else 'not '}ok {n} - not trivial: {seen_rel} cases with releases, "
      f"{seen_par} with parameters")
print(f"1..{n}")
PY
