"""TAP lines for the Python parts of the shell tests (tests/lib.sh puts this
directory on PYTHONPATH): ok() prints one numbered line, done() the plan and
exits non-zero when any line failed."""
import sys

_n = 0
_failed = False


def ok(cond, msg):
    global _n, _failed
    _n += 1
    print(("ok %d - " if cond else "not ok %d - ") % _n + msg)
    _failed |= not cond
    return bool(cond)


def done():
    print("1..%d" % _n)
    sys.exit(1 if _failed else 0)
