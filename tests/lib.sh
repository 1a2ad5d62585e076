# Shared preamble of the shell tests (sourced, not run: the Makefile leaves it
# out of the suite).  Gives $here (the repository), $nvmx, $hosts, a $tmp that
# is removed on exit, TAP helpers, and the release list from `nvmx kernels` so
# that no test copies it (a new release row must not break a test).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
nvmx=${NVMX:-$here/build/nvmx}
# a relative NVMX is relative to the repository (where the Makefile runs prove)
case $nvmx in /*) ;; *) nvmx=$here/$nvmx ;; esac
hosts=$here/data/hosts
# the Python parts of a test import tests/tap.py (ok, done) and the generators
export PYTHONPATH=$here/tests${PYTHONPATH:+:$PYTHONPATH}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmx-test.XXXXXX") || exit 2
# (u+rwx first: some tests make unreadable fixtures in it)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
t_n=0
t_failed=0
t_planned=

# t_ok DESCRIPTION COMMAND...: one TAP line, ok when COMMAND exits 0.
t_ok() {
	local d=$1
	shift
	t_n=$((t_n + 1))
	if "$@"; then
		echo "ok $t_n - $d"
	else
		echo "not ok $t_n - $d"
		t_failed=$((t_failed + 1))
	fi
}

# t_is STATUS DESCRIPTION: one TAP line, ok when STATUS is 0 (`cmd; t_is $? ...`,
# or a count of bad cases).
# Returns STATUS's truth, so `t_is $? ... || t_diag ...` explains a failure.
t_is() {
	t_n=$((t_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $t_n - $2"
	else
		echo "not ok $t_n - $2"
		t_failed=$((t_failed + 1))
		return 1
	fi
}

# t_result OK|NOTOK DESCRIPTION: one TAP line decided by the caller.
t_result() {
	[ "$1" = OK ]
	t_is $? "$2"
}

# t_skip REASON [DESCRIPTION]: one skipped TAP line.
t_skip() {
	t_n=$((t_n + 1))
	echo "ok $t_n${2:+ - $2} # SKIP $1"
}

# t_plan N: the plan first (for tests that know their count); t_done then
# prints no second plan.
t_plan() {
	t_planned=$1
	echo "1..$1"
}

# t_skip_all REASON: the whole test is skipped; exits.
t_skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# t_bail DESCRIPTION: the test cannot run at all: one failing line; exits.
t_bail() {
	echo "1..1"
	echo "not ok 1 - $1"
	exit 1
}

# t_diag TEXT...: a TAP comment (shown when a test fails).
t_diag() { printf '# %s\n' "$@"; }

# t_done: the plan, after the tests (TAP allows it last), and the exit status.
t_done() {
	[ -n "$t_planned" ] || echo "1..$t_n"
	[ "$t_failed" = 0 ]
}

# The releases nvmx models, oldest first by date (names only; the rows' first lines).
t_releases() { "$nvmx" kernels | awk '/^[^ ]/ { print $1 }'; }

# t_fake_root DIR DUMP RELEASE [EXTRA-CPU-FLAGS [PARAM=VALUE...]]: a fake
# /dev, /proc and /sys tree under DIR for the live readers (--root DIR), built
# from a .msrs dump: DIR/dev/cpu/0/msr holds MSR n at byte offset 8*n (the
# fixture form io/live.c reads), /proc/cpuinfo the dump's identity and flags
# (plus EXTRA-CPU-FLAGS), /proc/sys/kernel/osrelease RELEASE, hostname
# "node-<DIR's name>", and kvm_intel's parameters: nested, ept, vpid,
# unrestricted_guest, enable_apicv Y, enlightened_vmcs N, then PARAM=VALUE...
t_fake_root() {
	local r=$1 d=$2 rel=$3 extra=${4:-}
	shift 3
	[ $# -gt 0 ] && shift
	mkdir -p "$r/dev/cpu/0" "$r/proc/sys/kernel" "$r/sys/module/kvm_intel/parameters"
	echo "$rel" >"$r/proc/sys/kernel/osrelease"
	echo "node-${r##*/}" >"$r/proc/sys/kernel/hostname"
	python3 - "$d" "$r" "$extra" <<'PY'
import sys, struct
dump, root, extra = sys.argv[1], sys.argv[2], sys.argv[3]
names = ["BASIC","PINBASED_CTLS","PROCBASED_CTLS","EXIT_CTLS","ENTRY_CTLS","MISC","CR0_FIXED0",
         "CR0_FIXED1","CR4_FIXED0","CR4_FIXED1","VMCS_ENUM","PROCBASED_CTLS2","EPT_VPID_CAP",
         "TRUE_PINBASED_CTLS","TRUE_PROCBASED_CTLS","TRUE_EXIT_CTLS","TRUE_ENTRY_CTLS","VMFUNC",
         "PROCBASED_CTLS3","EXIT_CTLS2"]
vals, ident = {}, {}
for line in open(dump):
    line = line.split("#")[0].strip()
    if "=" not in line: continue
    k, v = [x.strip() for x in line.split("=", 1)]
    if k.startswith("IA32_VMX_"): vals[0x480 + names.index(k[9:])] = int(v, 16)
    else: ident[k] = v
with open(root + "/dev/cpu/0/msr", "wb") as f:
    for idx, v in vals.items():
        f.seek(8 * idx); f.write(struct.pack("<Q", v))
flags = " ".join(x for x in (ident["cpuid.features"], extra) if x)
with open(root + "/proc/cpuinfo", "w") as f:
    f.write("processor\t: 0\nvendor_id\t: %s\ncpu family\t: %s\nmodel\t\t: %s\n"
            "model name\t: %s\nstepping\t: %s\nflags\t\t: %s\n\n" % (ident["vendor"],
            ident["family"], ident["model"], ident["name"], ident["stepping"], flags))
PY
	local p
	for p in nested=Y ept=Y vpid=Y unrestricted_guest=Y enable_apicv=Y enlightened_vmcs=N "$@"; do
		echo "${p#*=}" >"$r/sys/module/kvm_intel/parameters/${p%%=*}"
	done
}
