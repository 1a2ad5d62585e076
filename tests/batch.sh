#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# nvmx batch answers exactly as one process per command would: for a spread of
# requests (every batchable command, text and JSON, accepted and refused
# writes, bad arguments, missing files), the stdout and the exit status of
# each request in a batch equal those of `nvmx ARGS...` run on its own -- in
# the given order and again shuffled, so that nothing one request leaves
# behind changes the next.  Also: the record framing, blank lines, --help, and
# a command that must run on its own.
set -u
. "$(dirname "$0")/lib.sh"
python3 - "$here" "$nvmx" <<'PY'
import json, random, subprocess, sys
here, nvmx = sys.argv[1], sys.argv[2]
H = here + "/data/hosts/"
X8180, SKL, ATOM = H + "intel-xeon-platinum-8180.msrs", H + "intel-core-i7-6700k.msrs", H + "intel-atom-c2750.msrs"
SYN = here + "/conformance/hosts/synthetic-001.msrs"
reqs = [
    ["derive", X8180, "--kvm", "6.1", "--json"],
    ["derive", X8180, "--kvm", "5.10"],
    ["derive", ATOM, "--kvm", "7.0", "--param", "ept=0", "--json"],
    ["derive", SYN, "--kvm", "6.12", "--hyperv-evmcs", "--json"],
    ["restore", SKL, "--kvm", "6.1", "IA32_VMX_PROCBASED_CTLS2=0x0013f8ff00000000",
     "IA32_VMX_BASIC=0x00d8100011e57ed0", "--json"],
    ["restore", SKL, "--kvm", "5.19", "--guest-cpuid", "host,-rdrand", "0x48b=0xffffffff00000000"],
    ["restore", SKL, "--kvm", "6.1", "--state", "evmcs", "--json"],
    ["restore", X8180, "--kvm", "7.0", "--disable-quirks", "0x100", "IA32_VMX_MISC=0x20000165", "--json"],
    ["check", "--from-host", X8180, "--from-kvm", "6.1", "--to", SKL, "--kvm", "5.19", "--json"],
    ["check", "--from-host", X8180, "--from-kvm", "7.0", "--to", X8180, "--kvm", "5.10"],
    ["check", "--from-host", SKL, "--from-kvm", "6.1", "--to", SKL, "--kvm", "6.6", "--policy",
     "revoke-keep", "--json"],
    ["decode", X8180], ["decode", ATOM, "--json"],
    ["diff", X8180, SKL], ["diff", SKL, SKL, "--json"],
    ["explain", "failed to set MSR 0x48b to 0xffffffff00000000", "--host", SKL, "--kvm", "6.1"],
    ["explain", "0x48d=0x7f00000016", "--host", X8180, "--kvm", "5.10", "--json"],
    ["qemu-check", "-cpu", "Skylake-Server", "--to", X8180, "--kvm", "6.1"],
    ["qemu-check", "-cpu", "Cascadelake-Server,enforce", "--to", SKL, "--kvm", "6.12", "--json"],
    ["upgrade", "--from-kvm", "5.19", "--to-kvm", "6.1", X8180, SKL, "--json"],
    ["revoke-list", "--kvm", "6.12", SKL],
    # a list that is not empty: a second run in the same process must not add to the first's
    ["revoke-list", "--kvm", "6.1", H + "centaur-es-cns-0040672.msrs"],
    ["kernels"], ["kernels", "--json"],
    ["derive", "--help"],
    ["derive", here + "/no/such.msrs", "--kvm", "6.1"],
    ["restore", SKL, "--kvm", "9.9"],
    ["check", "--to", SKL],
    ["restore", SKL, "--kvm", "6.1", "NOT_AN_MSR=1"],
]

def alone(r):
    p = subprocess.run([nvmx, *r], capture_output=True)
    return p.stdout, p.returncode

def batch(rs, blank=False):
    text = "".join(json.dumps(r) + "\n" + ("\n" if blank else "") for r in rs)
    p = subprocess.run([nvmx, "batch"], input=text.encode(), capture_output=True)
    out, answers = p.stdout, []
    while out:
        rs_at = out.index(b"\x1e")
        nl = out.index(b"\n", rs_at)
        answers.append((out[:rs_at], int(out[rs_at + 1:nl])))
        out = out[nl + 1:]
    return answers, p.returncode

n = 0
def ok(cond, what, detail=""):
    global n
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    if not cond and detail:
        print("#   " + detail)

want = [alone(r) for r in reqs]
got, rc = batch(reqs)
bad = [" ".join(r[:2]) for r, w, g in zip(reqs, want, got) if w != g]
ok(rc == 0 and len(got) == len(reqs) and not bad,
   "%d requests of every batchable command answer as one process each" % len(reqs),
   "exit %d, %d answers, differ: %s" % (rc, len(got), "; ".join(bad[:4])))
codes = sorted({w[1] for w in want})
ok(codes == [0, 1, 2], "the requests cover exit statuses 0, 1 and 2 (%s)" % codes)

order = list(range(len(reqs))) * 2
random.Random(3).shuffle(order)
got, rc = batch([reqs[i] for i in order], blank=True)
bad = [" ".join(reqs[i][:2]) for i, g in zip(order, got) if want[i] != g]
ok(rc == 0 and len(got) == len(order) and not bad,
   "shuffled, each twice, blank lines between: still the same answers",
   "exit %d, %d answers, differ: %s" % (rc, len(got), "; ".join(bad[:4])))

p = subprocess.run([nvmx, "batch"], input=b'["matrix", "x"]\n["kernels"]\n', capture_output=True)
ok(p.returncode == 0 and p.stdout.startswith(b"\x1e2\n") and p.stdout.count(b"\x1e") == 2
   and b"cannot run in a batch" in p.stderr,
   "a fleet command is refused with status 2 and the batch goes on")

p = subprocess.run([nvmx, "batch"], input=b'["kernels"]\n["kernels",\n["kernels"]\n', capture_output=True)
ok(p.returncode == 2 and p.stdout.count(b"\x1e") == 1 and b"<stdin>:2:" in p.stderr,
   "a malformed request ends the batch after the answers before it, naming its line")

p = subprocess.run([nvmx, "batch"], input=b"", capture_output=True)
ok(p.returncode == 0 and p.stdout == b"", "no requests: no output, exit 0")
print("1..%d" % n)
PY
