#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run the kernel harness on the project's hosts and write cases in the schema
of conformance/DATA.md.

    kcases.py --bin BUILD/kharness --kernel LABEL --out DIR [--kind derive,synthetic]
              [--hosts DIR] [--synthetic DIR] [--jobs N]

The binary (one per tree) does the kernel side of each case; this script builds
the cases (hosts x parameter sets), feeds them to it in batches, one process
per job, and puts each line together in DATA.md's field order.
"""
import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vcpu_cases  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

VMX_MSRS = {
    'IA32_VMX_BASIC': 0x480, 'IA32_VMX_PINBASED_CTLS': 0x481,
    'IA32_VMX_PROCBASED_CTLS': 0x482, 'IA32_VMX_EXIT_CTLS': 0x483,
    'IA32_VMX_ENTRY_CTLS': 0x484, 'IA32_VMX_MISC': 0x485,
    'IA32_VMX_CR0_FIXED0': 0x486, 'IA32_VMX_CR0_FIXED1': 0x487,
    'IA32_VMX_CR4_FIXED0': 0x488, 'IA32_VMX_CR4_FIXED1': 0x489,
    'IA32_VMX_VMCS_ENUM': 0x48a, 'IA32_VMX_PROCBASED_CTLS2': 0x48b,
    'IA32_VMX_EPT_VPID_CAP': 0x48c, 'IA32_VMX_TRUE_PINBASED_CTLS': 0x48d,
    'IA32_VMX_TRUE_PROCBASED_CTLS': 0x48e, 'IA32_VMX_TRUE_EXIT_CTLS': 0x48f,
    'IA32_VMX_TRUE_ENTRY_CTLS': 0x490, 'IA32_VMX_VMFUNC': 0x491,
    'IA32_VMX_PROCBASED_CTLS3': 0x492, 'IA32_VMX_EXIT_CTLS2': 0x493,
}
META = ('name', 'vendor', 'family', 'model', 'stepping', 'cpuid.features')

# DATA.md's parameter sets of derive-V: (name, module parameters, environment)
PARAM_SETS = [
    ('defaults', {}, {}),
    ('ept=0', {'ept': '0'}, {}),
    ('unrestricted_guest=0', {'unrestricted_guest': '0'}, {}),
    ('vpid=0', {'vpid': '0'}, {}),
    ('pml=0', {'pml': '0'}, {}),
    ('enable_apicv=0', {'enable_apicv': '0'}, {}),
    ('preemption_timer=0', {'preemption_timer': '0'}, {}),
    ('hyperv_evmcs=1', {}, {'hyperv_evmcs': 1}),
]


class HostError(Exception):
    pass


def tree_label(ksrc):
    """The release label of a tree: VERSION.PATCHLEVEL, plus .SUBLEVEL when not 0
    (6.1-rc7 is labelled 6.1, as conformance/ does)."""
    v = {}
    with open(os.path.join(ksrc, 'Makefile')) as f:
        for line in f:
            k, _, val = line.partition('=')
            if k.strip() in ('VERSION', 'PATCHLEVEL', 'SUBLEVEL') and k.strip() not in v:
                v[k.strip()] = val.strip()
    label = '%s.%s' % (v['VERSION'], v['PATCHLEVEL'])
    if v.get('SUBLEVEL', '0') not in ('', '0'):
        label += '.' + v['SUBLEVEL']
    return label


def read_host(path):
    """A host dump (.msrs text or JSON): meta, {index: value}, unknown keys."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    meta, msrs, warnings = {}, {}, []
    if text.lstrip().startswith('{'):
        d = json.loads(text)
        for k in META:
            if k in d:
                meta[k] = d[k]
        for k, v in (d.get('msrs') or {}).items():
            if v is None:
                continue
            idx = VMX_MSRS.get(k) or int(k, 16)
            msrs[idx] = int(v, 16)
        warnings = [k for k in d if k not in META + ('msrs', 'hyperv_evmcs')]
        return meta, msrs, warnings
    for n, raw in enumerate(text.split('\n'), 1):
        line = raw.split('#', 1)[0].strip()
        if not line:
            continue
        if '=' not in line:
            raise HostError('%s:%d: not `key = value`' % (path, n))
        k, v = (x.strip() for x in line.split('=', 1))
        if k in META:
            meta[k] = int(v, 0) if k in ('family', 'model', 'stepping') else v
        elif k in VMX_MSRS or k.lower().startswith('0x'):
            msrs[VMX_MSRS.get(k) or int(k, 16)] = int(v, 16)
        else:
            warnings.append(k)
    return meta, msrs, warnings


def case_input(name, kind, meta, msrs, params, env, extra=()):
    out = ['case %s' % name, 'kind %s' % kind,
           'cpu %s %d %d %d' % (meta.get('vendor', 'GenuineIntel').replace(' ', '_') or '-',
                                meta.get('family', 0), meta.get('model', 0), meta.get('stepping', 0))]
    feats = meta.get('cpuid.features', '')
    if feats:
        out.append('feature %s' % feats)
    for idx in sorted(msrs):
        out.append('msr 0x%x 0x%x' % (idx, msrs[idx]))
    for k, v in params.items():
        out.append('param %s %s' % (k, v))
    for k, v in env.items():
        out.append('env %s %s' % (k, v))
    out.extend('arg %s' % a for a in extra)
    out.append('run')
    return '\n'.join(out) + '\n'


def run_batches(binary, inputs, jobs):
    """Feed the cases to `jobs` harness processes; results by case name."""
    chunks = [inputs[i::jobs] for i in range(jobs)]

    def one(chunk):
        p = subprocess.run([binary], input=''.join(chunk), capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError('%s exited %d: %s' % (binary, p.returncode, p.stderr.strip()))
        return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]

    res = {}
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        for lines in ex.map(one, [c for c in chunks if c]):
            for d in lines:
                res[d['case']] = d
    return res


def release_of(label):
    """(major, minor) of a release label such as 6.1.192, or None (rhel-9.4)."""
    parts = label.split('.')
    try:
        return int(parts[0]), int(parts[1])
    except (ValueError, IndexError):
        return None


def data_conventions(line, release):
    """Report one field as conformance/ reads it, where its data and the code differ.

    enable_shadow_vmcs: every release's nested_vmx_hardware_setup() clears it on a
    host without usable VMCS shadowing, but the recorded data of the releases
    before 6.18 lists the requested value (conformance/DATA.md, "Where the
    recorded data differs from the kernel's code"). The cases and kcheck follow
    the data's reading there, so a tree's cases compare with the recorded files;
    `kcases.py --code-values` writes what the code left instead. No MSR depends
    on it."""
    if release is None or release >= (6, 18):
        return
    pe, pr = line.get('params_effective'), line.get('params')
    if pe and pr and 'enable_shadow_vmcs' in pe and 'enable_shadow_vmcs' in pr:
        pe['enable_shadow_vmcs'] = pr['enable_shadow_vmcs']


def derive_lines(binary, kernel, hosts, kind, jobs, release=None):
    """derive: every host x the 8 parameter sets; synthetic: defaults, host inline.
    release: the tree's (major, minor) for data_conventions(); None leaves the
    code's values as they are."""
    todo = []
    sets = PARAM_SETS if kind == 'derive' else PARAM_SETS[:1]
    for path in hosts:
        base = os.path.basename(path)
        meta, msrs, warnings = read_host(path)
        for psname, params, env in sets:
            todo.append((base + '/' + psname, psname, base, meta, msrs, warnings, params, env))
    res = run_batches(binary, [case_input(t[0], kind, t[3], t[4], t[6], t[7]) for t in todo], jobs)
    out = []
    for name, psname, base, meta, msrs, warnings, params, env in todo:
        r = res.get(name, {'kh_error': 'no result'})
        line = {'case': name, 'param_set': psname}
        if kind == 'synthetic':
            hm = {k: meta[k] for k in META if k in meta}
            hm['msrs'] = {'0x%x' % i: '0x%016x' % msrs[i] for i in sorted(msrs)}
            line['host_msrs'] = hm
        line.update({'kernel': kernel, 'host': base, 'params_requested': dict(params)})
        if env:
            line['env'] = dict(env)
        if 'kh_error' in r:
            line['kh_error'] = r['kh_error']
            out.append(line)
            continue
        for k in ('params', 'load_ok', 'load_rc', 'params_effective', 'kvm_using_evmcs',
                  'vmcs_config', 'nested'):
            if k in r:
                line[k] = r[k]
        data_conventions(line, release)
        line['host_warnings'] = warnings
        line['kernel_log'] = r.get('kernel_log', [])
        out.append(line)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bin', required=True)
    ap.add_argument('--kernel', help='the label written in each line (default: the tree\'s version)')
    ap.add_argument('--ksrc', help='the tree, for its version')
    ap.add_argument('--out', required=True)
    ap.add_argument('--kind', default='derive,synthetic')
    ap.add_argument('--hosts', default=os.path.join(ROOT, 'data', 'hosts'))
    ap.add_argument('--synthetic', default=os.path.join(ROOT, 'conformance', 'hosts'))
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--cases', default=os.path.join(ROOT, 'conformance', 'cases'),
                    help='reference cases: the samples and source values of the vCPU kinds')
    ap.add_argument('--cross-from', help='cross: releases whose derived values are written (default: vcpu_cases.py)')
    ap.add_argument('--code-values', action='store_true',
                    help="write the code's own value where conformance/ reads a field otherwise (data_conventions)")
    a = ap.parse_args()
    if not a.kernel:
        if not a.ksrc:
            ap.error('--kernel or --ksrc is required')
        a.kernel = tree_label(a.ksrc)
    os.makedirs(a.out, exist_ok=True)
    status = 0
    for kind in a.kind.split(','):
        d = a.hosts if kind == 'derive' else a.synthetic
        hosts = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith('.msrs'))
        if kind in ('derive', 'synthetic'):
            release = None if a.code_values else release_of(tree_label(a.ksrc) if a.ksrc else a.kernel)
            files = {'%s-%s.jsonl' % (kind, a.kernel): derive_lines(a.bin, a.kernel, hosts, kind, a.jobs, release)}
        elif kind in vcpu_cases.KINDS:
            files = vcpu_cases.kind_files(sys.modules[__name__], a, kind)
        else:
            print('kcases: no kind %s here' % kind, file=sys.stderr)
            return 2
        for name, lines in files.items():
            path = os.path.join(a.out, name)
            with open(path, 'w') as f:
                for l in lines:
                    f.write(json.dumps(l, separators=(',', ':')) + '\n')
            bad = sum(1 for l in lines if 'kh_error' in l)
            if bad:
                status = 1
            print('kcases: %s: %d cases%s' % (path, len(lines), ', %d failed in the harness' % bad if bad else ''))
    return status


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (HostError, RuntimeError, OSError) as e:
        print('kcases: %s' % e, file=sys.stderr)
        sys.exit(2)
