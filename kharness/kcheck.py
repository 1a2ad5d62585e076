#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""kcheck: the kernel's own code (the harness) against the CLI, same inputs.

    kcheck.py --bin KHARNESS --ksrc TREE --nvmx NVMX [--kvm ROW] [--kind derive,synthetic]

Runs the harness on the tree, then `nvmx derive HOST --kvm ROW ... --json` on
every case (through `nvmx batch`, two processes; one process per case where the
CLI has no batch command), and compares: whether kvm_intel loads, the effective
module parameters, vmcs_config and every nested MSR, bit by bit. Prints
`kcheck: N cases, M agree` and each disagreement; exit 1 on any.
"""
import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kcases  # noqa: E402
import vcpu_cases  # noqa: E402
import re  # noqa: E402
from importlib.machinery import SourceFileLoader  # noqa: E402

# conformance/check judges the vCPU kinds' lines as it judges the recorded data
CHECK = SourceFileLoader('conformance_check', os.path.join(kcases.ROOT, 'conformance', 'check')).load_module()
# "final IA32_X: got 0x..., KVM 0x...": the kernel's and the CLI's value, for the bits
FINAL_RE = re.compile(r'final (\S+): got (0x[0-9a-f]+), KVM (0x[0-9a-f]+)')

NAMES = {v: k for k, v in kcases.VMX_MSRS.items()}


def bits(a, b):
    """The bits where two values differ, as `bit N: kernel X, nvmx Y`."""
    x = a ^ b
    out = []
    n = 0
    while x:
        if x & 1:
            out.append('bit %d: kernel %d, nvmx %d' % (n, (a >> n) & 1, (b >> n) & 1))
        x >>= 1
        n += 1
    return out


def kernel_basic(vc):
    """The harness's vmcs_config before 6.12 has revision_id/size/basic_cap: as one BASIC."""
    if 'basic' in vc:
        return int(vc['basic'], 16)
    return int(vc['revision_id'], 16) | ((int(vc['size']) | int(vc['basic_cap'], 16)) << 32)


def compare(line, cli):
    """Disagreements between one harness line and the CLI's JSON for it."""
    d = []
    if cli is None:
        return ['nvmx gave no JSON']
    if bool(line.get('load_ok')) != bool(cli.get('load_ok')):
        return ['load_ok: kernel %s, nvmx %s' % (line.get('load_ok'), cli.get('load_ok'))]
    if 'load_rc' in cli and line.get('load_rc') != cli.get('load_rc'):
        d.append('load_rc: kernel %s, nvmx %s' % (line.get('load_rc'), cli.get('load_rc')))
    pe, ce = line.get('params_effective') or {}, cli.get('params_effective') or {}
    if line.get('load_ok'):
        for k in sorted(set(pe) & set(ce)):
            if pe[k] != ce[k]:
                d.append('params_effective.%s: kernel %s, nvmx %s' % (k, pe[k], ce[k]))
        for k in sorted(set(pe) - set(ce)):
            d.append('params_effective.%s: kernel %s, nvmx has no such parameter' % (k, pe[k]))
        for k in sorted(set(ce) - set(pe)):
            d.append('params_effective.%s: nvmx %s, the kernel registers no such parameter' % (k, ce[k]))
    if 'kvm_using_evmcs' in line and cli.get('kvm_using_evmcs') is not None and \
            bool(line['kvm_using_evmcs']) != bool(cli['kvm_using_evmcs']):
        d.append('kvm_using_evmcs: kernel %s, nvmx %s' % (line['kvm_using_evmcs'], cli['kvm_using_evmcs']))
    kv, cv = line.get('vmcs_config'), cli.get('vmcs_config')
    if kv and cv:
        pairs = [('basic', kernel_basic(kv), cv.get('basic'))]
        pairs += [(k, int(kv[k], 16) if isinstance(kv[k], str) else kv[k], cv.get(k))
                  for k in kv if k not in ('basic', 'revision_id', 'size', 'basic_cap')]
        for k, a, b in pairs:
            if b is None:
                continue
            b = int(b, 16) if isinstance(b, str) else b
            if a != b:
                d.append('vmcs_config.%s: kernel 0x%x, nvmx 0x%x' % (k, a, b))
                d.extend('  ' + x for x in bits(a, b))
    kn = line.get('nested')
    cn = cli.get('nested')
    if (kn is None) != (cn is None):
        d.append('nested: kernel %s, nvmx %s' % ('null' if kn is None else 'values',
                                                 'null' if cn is None else 'values'))
    elif kn is not None:
        cidx = {}
        for k, v in cn.items():
            idx = kcases.VMX_MSRS.get(k) or int(k, 16)
            cidx[idx] = None if v is None else int(v, 16)
        for k, v in kn.items():
            idx = int(k, 16)
            a = int(v, 16)
            b = cidx.get(idx)
            if b is None:
                d.append('%s (0x%x): kernel 0x%016x, nvmx none' % (NAMES.get(idx, '?'), idx, a))
            elif a != b:
                d.append('%s (0x%x): kernel 0x%016x, nvmx 0x%016x' % (NAMES.get(idx, '?'), idx, a, b))
                d.extend('  ' + x for x in bits(a, b))
        for idx in sorted(set(i for i, v in cidx.items() if v is not None) - set(int(k, 16) for k in kn)):
            d.append('%s (0x%x): kernel none, nvmx 0x%016x' % (NAMES.get(idx, '?'), idx, cidx[idx]))
    return d


def cli_args(nvmx, host_path, row, line):
    cmd = [nvmx, 'derive', host_path, '--kvm', row, '--json']
    for k, v in line.get('params_requested', {}).items():
        cmd += ['--param', '%s=%s' % (k, v)]
    if (line.get('env') or {}).get('hyperv_evmcs'):
        cmd.append('--hyperv-evmcs')
    return cmd


def as_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def run_cli(nvmx, host_path, row, line):
    cmd = cli_args(nvmx, host_path, row, line)
    p = subprocess.run(cmd, capture_output=True, text=True)
    return as_json(p.stdout), cmd


def run_cli_batch(nvmx, todo, row, jobs):
    """The CLI on every case through `nvmx batch` (one process per job, requests
    as JSON arrays on stdin, each answer ended by RS, its exit status and a
    newline); None when this nvmx has no batch command."""
    cmds = [cli_args(nvmx, t[0], row, t[1]) for t in todo]
    chunks = [list(range(i, len(cmds), jobs)) for i in range(jobs)]

    def one(idx):
        req = ''.join(json.dumps(cmds[i][1:]) + '\n' for i in idx)
        p = subprocess.run([nvmx, 'batch'], input=req, capture_output=True, text=True)
        if p.returncode != 0:
            return None
        parts = p.stdout.split('\x1e')
        outs = [parts[0]] + [x.split('\n', 1)[1] if '\n' in x else '' for x in parts[1:]]
        if len(outs) != len(idx) + 1:
            return None
        return [(i, as_json(o)) for i, o in zip(idx, outs)]

    res = [None] * len(cmds)
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        for part in ex.map(one, [c for c in chunks if c]):
            if part is None:
                return None
            for i, j in part:
                res[i] = (j, cmds[i])
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bin', required=True)
    ap.add_argument('--ksrc', required=True)
    ap.add_argument('--nvmx', required=True)
    ap.add_argument('--kvm', help='the CLI row to check (default: the tree\'s version)')
    ap.add_argument('--kind', default='derive,synthetic')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--tmp', required=True, help='where the harness cases are written')
    ap.add_argument('--hosts', default=os.path.join(kcases.ROOT, 'data', 'hosts'))
    ap.add_argument('--synthetic', default=os.path.join(kcases.ROOT, 'conformance', 'hosts'))
    ap.add_argument('--show', type=int, default=20, help='disagreements printed in full')
    ap.add_argument('--cases', default=os.path.join(kcases.ROOT, 'conformance', 'cases'),
                    help='reference cases: the samples and source values of the vCPU kinds')
    ap.add_argument('--cross-from', help='cross: releases whose derived values are written')
    a = ap.parse_args()
    label = kcases.tree_label(a.ksrc)
    row = a.kvm or label
    # a row the CLI does not know would make every case a disagreement: say so once
    probe = subprocess.run([a.nvmx, 'derive', os.path.join(a.hosts, sorted(
        f for f in os.listdir(a.hosts) if f.endswith('.msrs'))[0]), '--kvm', row, '--json'],
        capture_output=True, text=True)
    if probe.returncode not in (0, 1):
        print('kcheck: %s cannot check row %s: %s' % (a.nvmx, row, probe.stderr.strip()),
              file=sys.stderr)
        print('kcheck: give the CLI row to compare with: KVM=ROW (`%s kernels`)' % a.nvmx,
              file=sys.stderr)
        return 2
    os.makedirs(a.tmp, exist_ok=True)
    todo = []
    vcpu_kinds = [k for k in a.kind.split(',') if k in vcpu_cases.KINDS]
    for kind in a.kind.split(','):
        if kind in vcpu_cases.KINDS:
            continue
        if kind not in ('derive', 'synthetic'):
            print('kcheck: kind %s is not checked here yet' % kind, file=sys.stderr)
            return 2
        d = a.hosts if kind == 'derive' else a.synthetic
        hosts = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith('.msrs'))
        for line in kcases.derive_lines(a.bin, label, hosts, kind, a.jobs, kcases.release_of(label)):
            todo.append((os.path.join(d, line['host']), line, kind))
    harness_errors = [t[1] for t in todo if 'kh_error' in t[1]]
    # per kind: [cases, agree], printed before the total
    per_kind = {k: [0, 0] for k in a.kind.split(',')}
    clis = run_cli_batch(a.nvmx, todo, row, a.jobs) if todo else []
    if clis is None:
        with ThreadPoolExecutor(max_workers=a.jobs) as ex:
            clis = list(ex.map(lambda t: run_cli(a.nvmx, t[0], row, t[1]), todo))
    agree = 0
    shown = 0
    for (path, line, kind), (cli, cmd) in zip(todo, clis):
        per_kind[kind][0] += 1
        if 'kh_error' in line:
            diffs = ['the harness failed on this case: %s' % line['kh_error']]
        else:
            diffs = compare(line, cli)
        if not diffs:
            agree += 1
            per_kind[kind][1] += 1
            continue
        if shown < a.show:
            print('DISAGREE %s (kernel %s, nvmx --kvm %s)' % (line['case'], label, row))
            print('  nvmx: %s' % ' '.join(cmd[1:]))
            for x in diffs:
                print('  ' + x)
        shown += 1
    # the vCPU kinds: the harness's lines, labelled with the row, judged by
    # conformance/check exactly as it judges the recorded data
    ncases = len(todo)
    for kind in vcpu_kinds:
        ns = argparse.Namespace(bin=a.bin, kernel=row, jobs=a.jobs, hosts=a.hosts,
                                synthetic=a.synthetic, ksrc=a.ksrc, cases=a.cases,
                                cross_from=a.cross_from)
        for name, lines in vcpu_cases.kind_files(kcases, ns, kind).items():
            with open(os.path.join(a.tmp, name), 'w') as f:
                for l in lines:
                    f.write(json.dumps(l, separators=(',', ':')) + '\n')
            ok = [l for l in lines if 'kh_error' not in l]
            verdicts = CHECK.check_cases(ok, 'restore', a.nvmx, [a.hosts, a.synthetic], True)
            ncases += len(lines)
            per_kind[kind][0] += len(lines)
            for line in lines:
                if 'kh_error' in line:
                    harness_errors.append(line)
            for line, why in zip(ok, verdicts):
                if why is None:
                    agree += 1
                    per_kind[kind][1] += 1
                    continue
                if shown < a.show:
                    print('DISAGREE %s %s %s %s (kernel %s, nvmx --kvm %s)' % (
                        name, line['host'], json.dumps(line.get('params', line.get('params_requested'))),
                        line['case'], label, row))
                    for x in why.split('; '):
                        print('  ' + x)
                        for _, nv, kv in FINAL_RE.findall(x):
                            print('\n'.join('    ' + b for b in bits(int(kv, 16), int(nv, 16))))
                shown += 1
    if shown > a.show:
        print('... %d more disagreements' % (shown - a.show))
    for k, (nk, ak) in per_kind.items():
        print('kcheck: %s: %d cases, %d agree' % (k, nk, ak))
    print('kcheck: %d cases, %d agree' % (ncases, agree))
    if harness_errors:
        print('kcheck: %d cases failed in the harness' % len(harness_errors))
    return 0 if agree == ncases else 1


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (kcases.HostError, RuntimeError, OSError) as e:
        print('kcheck: %s' % e, file=sys.stderr)
        sys.exit(2)
