# Shared preamble of the shell tests (sourced, not run: the Makefile leaves it
# out of the suite).  Gives $here (the repository), $nvmx, $hosts, a $tmp that
# is removed on exit, TAP helpers, and the release list from `nvmx kernels` so
# that no test copies it (a new release row must not break a test).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
nvmx=${NVMX:-$here/build/nvmx}
# a relative NVMX is relative to the repository (where the Makefile runs prove)
case $nvmx in /*) ;; *) nvmx=$here/$nvmx ;; esac
hosts=$here/data/hosts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t_n=0
t_failed=0

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

# t_diag TEXT...: a TAP comment (shown when a test fails).
t_diag() { printf '# %s\n' "$@"; }

# t_done: the plan, after the tests (TAP allows it last), and the exit status.
t_done() {
	echo "1..$t_n"
	[ "$t_failed" = 0 ]
}

# The releases nvmx models, oldest first by date (names only; the rows' first lines).
t_releases() { "$nvmx" kernels | awk '/^[^ ]/ { print $1 }'; }
