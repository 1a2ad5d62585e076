#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compare harness cases with reference cases (e.g. conformance/cases), field
by field, line by line (matched by `case`).

    kcompare.py REF.jsonl GOT.jsonl [--show N]

Prints `kcompare: FILE: N cases, M identical` and, per differing field, the
count and the first N examples; exit 1 on any difference.
"""
import argparse
import collections
import json
import sys


def key(d):
    """A line's identity: restore/cross case names repeat across hosts and
    parameters, so those are part of it (derive names already hold them)."""
    k = d['case']
    if not k.startswith(d.get('host', '') + '/'):
        k = '%s/%s/%s' % (d.get('host'), json.dumps(d.get('params', {}), sort_keys=True), k)
    return k


def load(path):
    out = {}
    with open(path) as f:
        for d in map(json.loads, f):
            k = key(d)
            if k in out:
                raise SystemExit('kcompare: %s: two lines are %s' % (path, k))
            out[k] = d
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('ref')
    ap.add_argument('got')
    ap.add_argument('--show', type=int, default=3)
    ap.add_argument('--ignore', default='',
                    help='comma-separated fields not compared; FIELD.KEY for one key of an object field')
    a = ap.parse_args()
    ref, got = load(a.ref), load(a.got)
    ignore = set(filter(None, a.ignore.split(',')))
    diffs = collections.defaultdict(list)
    same = 0
    for name, r in ref.items():
        g = got.get(name)
        if g is None:
            diffs['(missing case)'].append((name, None, None))
            continue
        ok = True
        for k in sorted(set(r) | set(g)):
            if k in ignore:
                continue
            rv, gv = r.get(k, '(absent)'), g.get(k, '(absent)')
            drop = [x.split('.', 1)[1] for x in ignore if x.startswith(k + '.')]
            if drop and isinstance(rv, dict) and isinstance(gv, dict):
                rv = {x: v for x, v in rv.items() if x not in drop}
                gv = {x: v for x, v in gv.items() if x not in drop}
            if rv != gv:
                ok = False
                if isinstance(rv, dict) and isinstance(gv, dict):
                    sub = {x: (rv.get(x), gv.get(x)) for x in set(rv) | set(gv) if rv.get(x) != gv.get(x)}
                    diffs[k].append((name, sub, None))
                else:
                    diffs[k].append((name, rv, gv))
        same += ok
    extra = set(got) - set(ref)
    print('kcompare: %s: %d cases, %d identical%s' % (a.got, len(ref), same,
          ', %d extra' % len(extra) if extra else ''))
    for k, lst in sorted(diffs.items()):
        print('  %s: %d differ' % (k, len(lst)))
        for name, rv, gv in lst[:a.show]:
            if gv is None and isinstance(rv, dict):
                print('    %s: %s' % (name, json.dumps(rv)[:400]))
            else:
                print('    %s: ref %s | got %s' % (name, json.dumps(rv)[:300], json.dumps(gv)[:300]))
    return 0 if same == len(ref) and not extra else 1


if __name__ == '__main__':
    sys.exit(main())
