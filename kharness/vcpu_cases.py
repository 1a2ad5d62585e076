#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The write plans of the vCPU case kinds (restore, cross, cpuid, guestread).

conformance/DATA.md names the case families; this module turns them into
write sequences from a kernel's own derived values, so that a tree without
conformance data gets the same cases, and a tree with data can be checked
case by case. Nothing here runs kernel code: the plans go to the harness
driver, which runs them through the tree's vmx_set_vmx_msr and friends.

    vcpu_cases.py check-plan CASES_DIR [--kernel V ...]
        regenerate every restore/cross/cpuid/guestread write sequence of the
        conformance files from their derive/synthetic files and compare
        (case names, order, indices, values): the plan is the data's plan.
"""
import argparse
import glob
import json
import os
import sys

# Every MSR a host-initiated write may restore, ascending, and in the order
# QEMU's kvm_put_msrs writes them.
RESTORABLE = [0x480, 0x485, 0x486, 0x488, 0x48a, 0x48b, 0x48c,
              0x48d, 0x48e, 0x48f, 0x490, 0x491]
QEMU_ORDER = [0x48e, 0x48b, 0x48c, 0x48d, 0x48f, 0x490,
              0x485, 0x480, 0x486, 0x488, 0x48a, 0x491]
# Read-only for userspace: the non-TRUE controls and CR0/CR4_FIXED1.
NONRESTORABLE = [0x481, 0x482, 0x483, 0x484, 0x487, 0x489]
# Control MSRs whose two halves are flipped bit by bit.
CONTROLS = [0x48b, 0x48d, 0x48e, 0x48f, 0x490]
M64 = (1 << 64) - 1
# the kinds kcases.py runs through kind_files()
KINDS = ("restore", "cross", "cpuid", "guestread")

# Host samples of the conformance data (the data's own choice, kept so a
# tree without data gets the same hosts). With --hosts-from the sample of an
# existing case file is used instead.
RESTORE_HOSTS = """
intel-core-i7-6700k intel-xeon-platinum-8180 intel-core-i7-11800h intel-xeon-silver-4514y
intel-core-i5-6400t intel-core-i7-3770k intel-core-i7-1365u intel-core-m3-8100y
zhaoxin-kaixian-kx-u5581 synthetic-064
""".split()
RESTORE_PARAM_HOSTS = """
intel-core-i7-6700k intel-xeon-platinum-8180 intel-core-i7-11800h intel-xeon-silver-4514y
intel-core-i5-6400t intel-core-i7-3770k
""".split()
CPUID_HOSTS = """
intel-core-i7-6700k intel-xeon-platinum-8180 centaur-es-cns-0040672 intel-celeron-n3150
intel-celeron-n4505 intel-core-i3-10110u intel-core-i3-8350k intel-core-i5-1135g7
intel-core-i5-1350p intel-core-i5-8250u intel-core-i7-14700k intel-core-i7-5600u
intel-core-i7-8750h intel-core-i9-10980xe intel-core-m3-8100y intel-pentium-4415u
intel-pentium-5405u intel-pentium-gold-g7400 intel-xeon-d-1540 montage-jintide-c2460
""".split()
GUESTREAD_HOSTS = """
intel-core-i7-6700k intel-xeon-platinum-8180 centaur-es-cns-0040672 intel-celeron-n3150
intel-celeron-n4505 intel-core-i3-10110u intel-core-i3-8350k intel-core-i5-1135g7
intel-core-i5-1350p intel-core-i5-8250u intel-core-i7-14700k intel-core-i7-5600u
intel-core-i7-8750h intel-core-i9-10980xe intel-core-m3-8100y intel-pentium-4415u
intel-pentium-5405u intel-pentium-gold-g7400 intel-xeon-d-1540 montage-jintide-c2460
synthetic-000 synthetic-001 synthetic-002 synthetic-003 synthetic-004 synthetic-005
synthetic-006 synthetic-007 synthetic-008 synthetic-009 synthetic-010 synthetic-011
synthetic-012 synthetic-013 synthetic-014 synthetic-015 synthetic-016 synthetic-017
synthetic-018 synthetic-019
""".split()
GUESTREAD_RESTORE_HOSTS = """
intel-core-i7-6700k intel-xeon-platinum-8180 centaur-es-cns-0040672 intel-celeron-n3150
intel-celeron-n4505
""".split()
CROSS_HOSTS = """
centaur-es-cns-0040672 intel-atom-c3958 intel-atom-e680 intel-atom-x7-z8700 intel-celeron-6305
intel-celeron-j3455 intel-celeron-j6412 intel-celeron-n3150 intel-celeron-n4505
intel-celeron-n5100 intel-core-5-320 intel-core-7-350 intel-core-i3-10110u intel-core-i3-7100
intel-core-i3-8350k intel-core-i5-10210u intel-core-i5-1135g7 intel-core-i5-12500
intel-core-i5-1350p intel-core-i5-14600k intel-core-i5-5250u intel-core-i5-7200u
intel-core-i5-8250u intel-core-i5-l16g7 intel-core-i7-10700k intel-core-i7-10750h
intel-core-i7-1165g7 intel-core-i7-11800h intel-core-i7-12800hx intel-core-i7-13700k
intel-core-i7-14700k intel-core-i7-3770k intel-core-i7-3930k intel-core-i7-4770
intel-core-i7-4930k intel-core-i7-5600u intel-core-i7-5820k intel-core-i7-6700k
intel-core-i7-6850k intel-core-i7-6950x intel-core-i7-7800x intel-core-i7-8565u
intel-core-i7-8750h intel-core-i9-10900k intel-core-i9-10980xe intel-core-i9-12900h
intel-core-i9-12900k intel-core-i9-13900k intel-core-i9-14900k intel-core-m3-6y30
intel-core-m3-8100y intel-core-ultra-5-245k intel-core-ultra-7-155u intel-core-ultra-7-265u
intel-core-ultra-9-275hx intel-core-ultra-9-288v intel-core2-x6800
intel-es-sandy-bridge-ep-0206d5 intel-pentium-4415u intel-pentium-5405u intel-pentium-g4600
intel-pentium-gold-8505 intel-pentium-gold-g7400 intel-pentium-n4200 intel-pentium-silver-n5030
intel-processor-5y70 intel-xeon-658x intel-xeon-d-1540 intel-xeon-d-2183it intel-xeon-e-2356g
intel-xeon-e5-2620-v4 intel-xeon-e5-2660-v3 intel-xeon-e5-2696-v4 intel-xeon-e5-2699-v3
intel-xeon-e7450 intel-xeon-gold-5520plus intel-xeon-gold-6212u intel-xeon-platinum-8180
intel-xeon-platinum-8570 intel-xeon-silver-4214 intel-xeon-w-3175x intel-xeon-w3670
intel-xeon-w9-3475x montage-jintide-c2460 via-quadcore-l4700 zhaoxin-kaixian-kx-6000g-4
zhaoxin-kaixian-kx-7000 zhaoxin-kaixian-kx-u6780a synthetic-000 synthetic-001 synthetic-002
synthetic-003 synthetic-004 synthetic-005 synthetic-006 synthetic-007 synthetic-008
synthetic-009 synthetic-010 synthetic-011 synthetic-012 synthetic-013 synthetic-014
synthetic-015 synthetic-016 synthetic-017 synthetic-018 synthetic-019 synthetic-020
synthetic-021 synthetic-024 synthetic-025 synthetic-026 synthetic-028 synthetic-029
""".split()

RESTORE_PARAM_SETS = [{'ept': '0'}, {'unrestricted_guest': '0'}, {'vpid': '0'}]
CPUID_SETS = [
    ('host-pmu2', {'guest_cpuid': 'host', 'pmu_version': 2}),
    ('none', {'guest_cpuid': 'none', 'pmu_version': 0}),
    ('mixed-pmu1', {'guest_cpuid': 'host,-mpx,-rdtscp,-rdpid,-rdseed,-invpcid,-xsaves',
                    'pmu_version': 1}),
]
# Only on kernels that have KVM_X86_QUIRK_STUFF_FEATURE_MSRS (7.0+).
CPUID_SET_NOSTUFF = ('none-nostuff', {'guest_cpuid': 'none', 'pmu_version': 0,
                                      'disable_quirks': '0x100'})


def hx(i):
    return '0x%x' % i


def val(v):
    return '0x%016x' % (v & M64)


def field(v, lo, width, new):
    """v with bits lo..lo+width-1 replaced by new (wrapped to the field)."""
    mask = ((1 << width) - 1) << lo
    return (v & ~mask) | ((new << lo) & mask)


def getf(v, lo, width):
    return (v >> lo) & ((1 << width) - 1)


def middle_bit(word):
    """The middle one of the set bits of a 32-bit word (the bit a seq case
    clears), or None when none is set."""
    bits = [b for b in range(32) if word >> b & 1]
    return bits[len(bits) // 2] if bits else None


def lowest_bit(v):
    return (v & -v).bit_length() - 1 if v else None


def seq_cases(n, with_extra=True):
    """Clear one bit, then write the original back, on one vCPU."""
    out = []
    for i in CONTROLS if with_extra else CONTROLS[:4]:
        b = middle_bit(n[i] >> 32)
        if b is None:
            continue
        out.append(('seq-%s-clear-bit%d-then-restore' % (hx(i), b),
                    [(i, n[i] & ~(1 << (32 + b))), (i, n[i])]))
    if not with_extra:
        return out
    out.append(('seq-basic-clear-bit54-then-restore',
                [(0x480, n[0x480] & ~(1 << 54)), (0x480, n[0x480])]))
    b = lowest_bit(n[0x48c])
    if b is not None:
        out.append(('seq-eptvpid-clear-bit%d-then-restore' % b,
                    [(0x48c, n[0x48c] & ~(1 << b)), (0x48c, n[0x48c])]))
    if n[0x491]:
        out.append(('seq-vmfunc-clear-then-restore', [(0x491, 0), (0x491, n[0x491])]))
    return out


def derived_cases(n, prefix='derived'):
    out = [('%s-all-ascending' % prefix, [(i, n[i]) for i in RESTORABLE]),
           ('%s-all-qemu-order' % prefix, [(i, n[i]) for i in QEMU_ORDER])]
    out += [('%s-single-%s' % (prefix, hx(i)), [(i, n[i])]) for i in RESTORABLE]
    return out


def restore_plan(n, full=True):
    """restore-V cases for one host from its derived values n (index -> int).
    full=False: the reduced set run with non-default module parameters."""
    out = derived_cases(n)
    misc = n[0x485]
    rate = getf(misc, 0, 5)
    pin_then_misc = ('seq-pin-no-preempt-then-misc-rate+1',
                     [(0x48d, n[0x48d] & ~(1 << 38)), (0x485, field(misc, 0, 5, rate + 1))])
    if not full:
        return out + [pin_then_misc] + seq_cases(n)
    out += [('nonrestorable-same-%s' % hx(i), [(i, n[i])]) for i in NONRESTORABLE]
    for i in CONTROLS:
        for half, lo in (('allowed0', 0), ('allowed1', 32)):
            out += [('flip-%s-%s-bit%d' % (hx(i), half, b), [(i, n[i] ^ (1 << (lo + b)))])
                    for b in range(32)]
    for i in (0x48c, 0x491):
        out += [('flip-%s-bit%d' % (hx(i), b), [(i, n[i] ^ (1 << b))]) for b in range(64)]
    basic = n[0x480]
    rev = getf(basic, 0, 31)
    out += [('basic-rev+1', [(0x480, field(basic, 0, 31, rev + 1))]),
            ('basic-rev-bit31', [(0x480, basic | 1 << 31)])]
    for size in (0x800, 0x1008, 0x2000, 0):
        out.append(('basic-size-%s' % (hx(size) if size else '0'),
                    [(0x480, (basic & ~(0x1fff << 32)) | size << 32)]))
    out += [('basic-memtype-uc', [(0x480, field(basic, 50, 4, 0))]),
            ('basic-memtype-7', [(0x480, field(basic, 50, 4, 7))])]
    out += [('basic-bit%d' % b, [(0x480, basic ^ (1 << b))])
            for b in (44, 45, 46, 47, 48, 49, 54, 55, 56, 57, 60, 63)]
    cr3, maxmsr, mseg = getf(misc, 16, 9), getf(misc, 25, 3), getf(misc, 32, 32)
    out += [('misc-rate+1', [(0x485, field(misc, 0, 5, rate + 1))]),
            ('misc-rate-1', [(0x485, field(misc, 0, 5, rate - 1))]),
            ('misc-rate-0', [(0x485, field(misc, 0, 5, 0))]),
            ('misc-cr3count+1', [(0x485, field(misc, 16, 9, cr3 + 1))]),
            ('misc-cr3count-1', [(0x485, field(misc, 16, 9, cr3 - 1))]),
            ('misc-cr3count-0', [(0x485, field(misc, 16, 9, 0))]),
            ('misc-maxmsr+1', [(0x485, field(misc, 25, 3, maxmsr + 1))]),
            ('misc-maxmsr-1', [(0x485, field(misc, 25, 3, maxmsr - 1))]),
            ('misc-mseg+1', [(0x485, field(misc, 32, 32, mseg + 1))]),
            ('misc-zero', [(0x485, 0)])]
    out += [('misc-bit%d' % b, [(0x485, misc ^ (1 << b))])
            for b in (5, 6, 7, 8, 9, 13, 14, 15, 28, 29, 30, 31)]
    out.append(pin_then_misc)
    enum = n[0x48a]
    out += [('vmcs-enum-zero', [(0x48a, 0)]),
            ('vmcs-enum-minus2', [(0x48a, enum - 2)]),
            ('vmcs-enum-plus2', [(0x48a, enum + 2)]),
            ('vmcs-enum-max', [(0x48a, 0x3fe)]),
            ('vmcs-enum-odd', [(0x48a, enum | 1)]),
            ('vmcs-enum-high-bits', [(0x48a, enum | 1 << 40)])]
    out += [('fixed0-0x486-bit%d' % b, [(0x486, n[0x486] ^ (1 << b))]) for b in (0, 5, 31, 1, 2, 16)]
    out += [('fixed0-0x488-bit%d' % b, [(0x488, n[0x488] ^ (1 << b))]) for b in (13, 0, 5, 7)]
    out += [('fixed1-%s-clear-bit0' % hx(i), [(i, n[i] & ~1)]) for i in (0x487, 0x489)]
    return out + seq_cases(n)


def cross_plan(n_from, singles=False):
    """cross-A-to-B: A's derived values written into a fresh vCPU of B."""
    out = [('cross-all-ascending', [(i, n_from[i]) for i in RESTORABLE]),
           ('cross-all-qemu-order', [(i, n_from[i]) for i in QEMU_ORDER])]
    if singles:
        out += [('cross-single-%s' % hx(i), [(i, n_from[i])]) for i in RESTORABLE]
    return out


def cpuid_plan(n, after=None):
    """cpuid-V cases for one host and guest CPUID set, after KVM_SET_CPUID2.
    `after` = the vCPU's values right after it (None: not known yet; the
    vcpu-values case is then left out)."""
    out = [('after-set-cpuid', [])]
    out.append(('derived-all-qemu-order', [(i, n[i]) for i in QEMU_ORDER]))
    out += [('derived-single-%s' % hx(i), [(i, n[i])]) for i in RESTORABLE]
    out += seq_cases(n, with_extra=False)
    if after is not None:
        out.append(('vcpu-values-qemu-order', [(i, after[i]) for i in QEMU_ORDER]))
    return out


def guestread_plan(n, qemu_restore):
    out = [('guestread', [], False), ('guestread/hyperv_evmcs=1', [], True)]
    if qemu_restore:
        out.append(('guestread-after-qemu-restore', [(i, n[i]) for i in QEMU_ORDER], False))
    return out


# ---- running the plans through the harness ---------------------------------

def host_path(name, hosts_dir, synthetic_dir):
    return os.path.join(synthetic_dir if name.startswith('synthetic-') else hosts_dir, name)


def plan_keys(path, key):
    """The ordered distinct key(line) of an existing case file (its sample)."""
    out = []
    for line in open(path):
        k = key(json.loads(line))
        if k not in out:
            out.append(k)
    return out


def derive_values(kc, binary, todo, jobs):
    """(host file name, params) -> nested values (None: does not load / nested=0),
    from the harness's own derive kind on this tree."""
    inputs, names = [], {}
    for host, params, path in todo:
        meta, msrs, _ = kc.read_host(path)
        name = '%s/%s' % (host, param_set_name(params))
        names[name] = (host, json.dumps(params, sort_keys=True))
        inputs.append(kc.case_input(name, 'derive', meta, msrs, params, {}))
    res = kc.run_batches(binary, inputs, jobs)
    out = {}
    for name, key in names.items():
        r = res.get(name, {})
        if 'kh_error' in r or name not in res:
            raise RuntimeError('derive %s failed in the harness: %s' % (name, r.get('kh_error', 'no result')))
        out[key] = nested_of(r['nested']) if r.get('load_ok') and r.get('nested') else None
    return out


def write_cases(kc, binary, cases, jobs):
    """cases: [(name, host path, params, writes)] -> results of kind vcpu by name."""
    inputs = []
    for name, path, params, writes in cases:
        meta, msrs, _ = kc.read_host(path)
        inputs.append(kc.case_input(name, 'vcpu', meta, msrs, params, {},
                                    ['write 0x%x 0x%x' % (i, v) for i, v in writes]))
    return kc.run_batches(binary, inputs, jobs)


def vcpu_line(base, r, writes):
    """DATA.md's restore/cross fields from one kind-vcpu result."""
    line = dict(base)
    if 'kh_error' in r:
        line['kh_error'] = r['kh_error']
        return line
    line['load_ok'] = bool(r.get('load_ok'))
    got = r.get('writes') or []
    if len(got) != len(writes):
        line['kh_error'] = 'the harness answered %d of %d writes' % (len(got), len(writes))
        return line
    line['writes'] = [{'index': hx(i), 'value': val(v), 'accepted': bool(g['accepted'])}
                      for (i, v), g in zip(writes, got)]
    line['final'] = r.get('final') or {}
    return line


def restore_lines(kc, binary, kernel, jobs, hosts_dir, synthetic_dir, hosts_from=None):
    """restore-V: the sample of hosts_from (an existing restore file), else the
    data's sample; values from this tree's own derive."""
    if hosts_from:
        keys = plan_keys(hosts_from, lambda d: (d['host'], json.dumps(d['params'], sort_keys=True)))
        todo = [(h, json.loads(p)) for h, p in keys]
    else:
        todo = [(h + '.msrs', {}) for h in RESTORE_HOSTS]  # a host that does not load is left out
        todo += [(h + '.msrs', p) for h in RESTORE_PARAM_HOSTS for p in RESTORE_PARAM_SETS]
    der = derive_values(kc, binary, [(h, p, host_path(h, hosts_dir, synthetic_dir)) for h, p in todo], jobs)
    cases = []
    for h, p in todo:
        n = der[(h, json.dumps(p, sort_keys=True))]
        if n is None:
            continue  # no vCPU with nested MSRs here: the data has no restore lines then
        for case, writes in restore_plan(n, full=not p):
            cases.append(('%s/%s/%s' % (h, param_set_name(p), case), h, p, case, writes))
    res = write_cases(kc, binary, [(c[0], host_path(c[1], hosts_dir, synthetic_dir), c[2], c[4])
                                   for c in cases], jobs)
    return [vcpu_line({'case': case, 'kernel': kernel, 'host': h, 'params': p},
                      res.get(name, {'kh_error': 'no result'}), writes)
            for name, h, p, case, writes in cases]


def cross_lines(kc, binary, kernel, source, source_derived, jobs, hosts_dir, synthetic_dir,
                singles=False, hosts_from=None):
    """cross-SOURCE-to-kernel: the values SOURCE derived (source_derived:
    derive/synthetic lines of that release, e.g. conformance/cases) written
    into a fresh vCPU of this tree, on the hosts of the sample that load there."""
    hosts = (plan_keys(hosts_from, lambda d: d['host']) if hosts_from
             else [h + '.msrs' for h in CROSS_HOSTS])
    cases = []
    for h in hosts:
        n = source_derived.get((h, 'defaults'))
        if n is None:
            continue
        for case, writes in cross_plan(n, singles):
            cases.append(('%s/cross-%s/%s' % (h, source, case), h, case, writes))
    res = write_cases(kc, binary, [(c[0], host_path(c[1], hosts_dir, synthetic_dir), {}, c[3])
                                   for c in cases], jobs)
    out = []
    for name, h, case, writes in cases:
        line = vcpu_line({'case': case, 'kernel': kernel, 'host': h, 'params': {}},
                         res.get(name, {'kh_error': 'no result'}), writes)
        line['derived_by'] = source
        out.append(line)
    return out


def env_cases(kc, binary, cases, jobs):
    """cases: [(name, host path, params, env, extra)] -> results of kind vcpu by name."""
    inputs = []
    for name, path, params, env, extra in cases:
        meta, msrs, _ = kc.read_host(path)
        inputs.append(kc.case_input(name, 'vcpu', meta, msrs, params, env, extra))
    return kc.run_batches(binary, inputs, jobs)


def writes_args(writes):
    return ['write 0x%x 0x%x' % (i, v) for i, v in writes]


def cpuid_lines(kc, binary, kernel, jobs, hosts_dir, synthetic_dir, hosts_from=None, nostuff=False):
    """cpuid-V: per host and guest CPUID set, the vCPU right after KVM_SET_CPUID2,
    then the writes of cpuid_plan() on fresh vCPUs with the same CPUID."""
    hosts = (plan_keys(hosts_from, lambda d: d['host']) if hosts_from
             else [h + '.msrs' for h in CPUID_HOSTS])
    if hosts_from:
        nostuff = any('"none-nostuff"' in l for l in open(hosts_from))
    sets = CPUID_SETS + ([CPUID_SET_NOSTUFF] if nostuff else [])
    der = derive_values(kc, binary, [(h, {}, host_path(h, hosts_dir, synthetic_dir)) for h in hosts], jobs)
    first = []
    for h in hosts:
        for cs, env in sets:
            first.append(('%s/%s/after-set-cpuid' % (h, cs), host_path(h, hosts_dir, synthetic_dir), {},
                          env, []))
    res1 = env_cases(kc, binary, first, jobs)
    todo = []
    for h in hosts:
        n = der[(h, '{}')]
        for cs, env in sets:
            r = res1.get('%s/%s/after-set-cpuid' % (h, cs), {'kh_error': 'no result'})
            after = nested_of(r['after_set_cpuid']) if r.get('after_set_cpuid') else None
            if n is None:
                plan = [('after-set-cpuid', [])]
            else:
                plan = cpuid_plan(n, after)
            for case, writes in plan:
                todo.append(('%s/%s/%s' % (h, cs, case), h, cs, env, case, writes))
    res = env_cases(kc, binary, [(t[0], host_path(t[1], hosts_dir, synthetic_dir), {}, t[3],
                                  writes_args(t[5])) for t in todo if t[4] != 'after-set-cpuid'], jobs)
    res.update({k: v for k, v in res1.items()})
    out = []
    for name, h, cs, env, case, writes in todo:
        r = res.get(name, {'kh_error': 'no result'})
        line = {'case': name, 'kernel': kernel, 'host': h, 'params': {}, 'env': dict(env)}
        if 'kh_error' in r:
            line['kh_error'] = r['kh_error']
            out.append(line)
            continue
        line['load_ok'] = bool(r.get('load_ok'))
        if case == 'after-set-cpuid':
            line['after_set_cpuid'] = r.get('after_set_cpuid')
        full = vcpu_line({}, r, writes)
        line['writes'] = full.get('writes', [])
        line['final'] = full.get('final', {})
        if 'kh_error' in full:
            line['kh_error'] = full['kh_error']
        line['cpuid_set'] = cs
        out.append(line)
    return out


GUESTREAD_ENV = {'guest_cpuid': 'host', 'pmu_version': 2}


def guestread_lines(kc, binary, kernel, jobs, hosts_dir, synthetic_dir, hosts_from=None):
    """guestread-V: what L1 reads (and KVM_GET_MSRS), with and without eVMCS,
    on bare metal and on Hyper-V, after KVM_SET_CPUID2 (host flags, PMU v2);
    a few hosts also after a QEMU-order restore of the derived values."""
    if hosts_from:
        hosts = plan_keys(hosts_from, lambda d: d['host'])
        qr = set(plan_keys(hosts_from, lambda d: d['host'] if d['case'].endswith('after-qemu-restore') else None))
    else:
        hosts = [h + '.msrs' for h in GUESTREAD_HOSTS]
        qr = {h + '.msrs' for h in GUESTREAD_RESTORE_HOSTS}
    der = derive_values(kc, binary, [(h, {}, host_path(h, hosts_dir, synthetic_dir)) for h in hosts], jobs)
    # the data's order: every host's reads first, then the restore-first ones
    reads, restores = [], []
    for h in hosts:
        n = der[(h, '{}')]
        for case, writes, hv in guestread_plan(n or {i: 0 for i in RESTORABLE}, h in qr and n is not None):
            env = dict({'hyperv_evmcs': 1} if hv else {}, **GUESTREAD_ENV)
            (restores if writes else reads).append(('%s/%s' % (h, case), h, env, writes))
    todo = reads + restores
    res = env_cases(kc, binary, [(t[0], host_path(t[1], hosts_dir, synthetic_dir), {}, t[2],
                                  writes_args(t[3]) + ['reads']) for t in todo], jobs)
    out = []
    for name, h, env, writes in todo:
        r = res.get(name, {'kh_error': 'no result'})
        line = {'case': name, 'kernel': kernel, 'host': h, 'params_requested': {}, 'env': env}
        if 'kh_error' in r:
            line['kh_error'] = r['kh_error']
            out.append(line)
            continue
        line['load_ok'] = bool(r.get('load_ok'))
        line['load_rc'] = r.get('load_rc')
        if 'kvm_using_evmcs' in r:
            line['kvm_using_evmcs'] = r['kvm_using_evmcs']
        line['nested'] = r.get('nested')
        line['after_set_cpuid'] = r.get('after_set_cpuid')
        full = vcpu_line({}, r, writes)
        # guestread lines also carry each write's return value (0, -EINVAL)
        line['writes'] = [dict(w, ret=g.get('ret')) for w, g in zip(full.get('writes', []), r.get('writes') or [])]
        if writes:
            line['final'] = {k: v for k, v in (r.get('vcpu') or {}).items() if int(k, 16) <= 0x491}
        line['reads'] = r.get('reads')
        line['kernel_log'] = r.get('kernel_log', [])
        out.append(line)
    return out


def version_of(label):
    """A release label as a tuple for ordering (6.18.2 -> (6, 18, 2))."""
    try:
        return tuple(int(x) for x in label.split('.'))
    except ValueError:
        return None


def cross_sources(cases_dir, kernel, tree_version):
    """Whose derived values cross-*-to-kernel writes: the releases with a
    reference file for this label, else the releases with conformance data
    nearest below (or equal) and above the tree's version."""
    refs = sorted(os.path.basename(p)[len('cross-'):-len('-to-%s.jsonl' % kernel)]
                  for p in glob.glob(os.path.join(cases_dir, 'cross-*-to-%s.jsonl' % kernel)))
    if refs:
        return refs
    have = sorted((version_of(os.path.basename(p)[len('derive-'):-len('.jsonl')]),
                   os.path.basename(p)[len('derive-'):-len('.jsonl')])
                  for p in glob.glob(os.path.join(cases_dir, 'derive-*.jsonl')))
    have = [x for x in have if x[0]]
    tv = version_of(tree_version) or ()
    below = [l for v, l in have if v <= tv]
    above = [l for v, l in have if v > tv]
    return below[-1:] + above[:1]


def has_stuff_quirk(ksrc):
    """Whether a tree has KVM_X86_QUIRK_STUFF_FEATURE_MSRS (cpuid then also runs
    the `none-nostuff` set, as the data does for 7.0)."""
    try:
        with open(os.path.join(ksrc, 'arch/x86/include/uapi/asm/kvm.h')) as f:
            return 'KVM_X86_QUIRK_STUFF_FEATURE_MSRS' in f.read()
    except (OSError, TypeError):
        return False


def kind_files(kc, a, kind):
    """The files of one vCPU kind for kcases.py: {file name: lines}.
    a: kcases's arguments (bin, kernel, jobs, hosts, synthetic, ksrc, cases)."""
    cases_dir = a.cases
    if kind == 'restore':
        ref = os.path.join(cases_dir, 'restore-%s.jsonl' % a.kernel)
        return {'restore-%s.jsonl' % a.kernel: restore_lines(
            kc, a.bin, a.kernel, a.jobs, a.hosts, a.synthetic,
            ref if os.path.exists(ref) else None)}
    if kind == 'cross':
        out = {}
        version = kc.tree_label(a.ksrc) if a.ksrc else a.kernel
        for src in (a.cross_from.split(',') if a.cross_from else cross_sources(cases_dir, a.kernel, version)):
            ref = os.path.join(cases_dir, 'cross-%s-to-%s.jsonl' % (src, a.kernel))
            have_ref = os.path.exists(ref)
            singles = have_ref and any('"cross-single-' in l for l in open(ref))
            out['cross-%s-to-%s.jsonl' % (src, a.kernel)] = cross_lines(
                kc, a.bin, a.kernel, src, load_derived(cases_dir, src), a.jobs, a.hosts,
                a.synthetic, singles, ref if have_ref else None)
        return out
    if kind == 'cpuid':
        ref = os.path.join(cases_dir, 'cpuid-%s.jsonl' % a.kernel)
        return {'cpuid-%s.jsonl' % a.kernel: cpuid_lines(
            kc, a.bin, a.kernel, a.jobs, a.hosts, a.synthetic, ref if os.path.exists(ref) else None,
            nostuff=has_stuff_quirk(a.ksrc))}
    if kind == 'guestread':
        ref = os.path.join(cases_dir, 'guestread-%s.jsonl' % a.kernel)
        return {'guestread-%s.jsonl' % a.kernel: guestread_lines(
            kc, a.bin, a.kernel, a.jobs, a.hosts, a.synthetic, ref if os.path.exists(ref) else None)}
    raise ValueError('no vCPU kind %s' % kind)


# ---- checking the plans against conformance files -------------------------

def nested_of(d):
    return {int(k, 16): int(v, 16) for k, v in d.items()}


def load_derived(cases, kernel):
    """(host, param_set) -> nested values, for derive and synthetic files."""
    out = {}
    for kind in ('derive', 'synthetic'):
        path = os.path.join(cases, '%s-%s.jsonl' % (kind, kernel))
        if not os.path.exists(path):
            continue
        for line in open(path):
            d = json.loads(line)
            out[(d['host'], d['param_set'])] = (nested_of(d['nested'])
                                                if d['load_ok'] and d['nested'] else None)
    return out


def param_set_name(params):
    if not params:
        return 'defaults'
    (k, v), = params.items()
    return '%s=%s' % (k, v)


def writes_of(d):
    return [(int(w['index'], 16), int(w['value'], 16)) for w in d['writes']]


def group(path, key):
    """Lines of a case file grouped by key(line), in file order."""
    out = {}
    for line in open(path):
        d = json.loads(line)
        out.setdefault(key(d), []).append(d)
    return out


class Tally:
    def __init__(self):
        self.n = self.bad = 0
        self.shown = 0

    def compare(self, what, plan, lines):
        """plan: [(case, writes)]; lines: the file's lines for the same group."""
        got = [(d['case'].rsplit('/', 1)[-1] if '/' in d['case'] and not
                d['case'].split('/', 1)[1].startswith('guestread') else d['case'],
                writes_of(d)) for d in lines]
        self.n += len(lines)
        if plan == got:
            return
        bad = 0
        pm = dict(plan)
        for case, w in got:
            if pm.get(case) != w:
                bad += 1
                if self.shown < 20:
                    self.shown += 1
                    print('  %s %s: data %s plan %s' % (what, case,
                          [(hx(i), val(v)) for i, v in w][:3],
                          [(hx(i), val(v)) for i, v in pm.get(case, [])][:3]))
        names_p = [c for c, _ in plan]
        names_d = [c for c, _ in got]
        if names_p != names_d:
            extra = [c for c in names_p if c not in names_d]
            missing = [c for c in names_d if c not in names_p]
            if self.shown < 20:
                self.shown += 1
                print('  %s: plan-only %s data-only %s%s' % (
                    what, extra[:4], missing[:4],
                    ' (order differs)' if not extra and not missing else ''))
            bad = max(bad, 1)
        self.bad += bad


def check_plan(cases, kernels):
    t = Tally()
    for k in kernels:
        der = load_derived(cases, k)
        n0 = t.n
        b0 = t.bad
        path = os.path.join(cases, 'restore-%s.jsonl' % k)
        for (host, ps), lines in group(path, lambda d: (d['host'], param_set_name(d['params']))).items():
            n = der[(host, ps)]
            t.compare('restore-%s %s/%s' % (k, host, ps), restore_plan(n, full=(ps == 'defaults')), lines)
        for path in sorted(glob.glob(os.path.join(cases, 'cross-*-to-%s.jsonl' % k))):
            a = os.path.basename(path)[len('cross-'):-len('-to-%s.jsonl' % k)]
            dera = load_derived(cases, a)
            singles = {a, k} == {'5.19', '6.1'}
            for host, lines in group(path, lambda d: d['host']).items():
                t.compare('cross-%s-to-%s %s' % (a, k, host), cross_plan(dera[(host, 'defaults')], singles), lines)
        path = os.path.join(cases, 'cpuid-%s.jsonl' % k)
        for (host, cs), lines in group(path, lambda d: (d['host'], d['cpuid_set'])).items():
            after = nested_of(lines[0]['after_set_cpuid'])
            t.compare('cpuid-%s %s/%s' % (k, host, cs), cpuid_plan(der[(host, 'defaults')], after), lines)
        path = os.path.join(cases, 'guestread-%s.jsonl' % k)
        for host, lines in group(path, lambda d: d['host']).items():
            n = der[(host, 'defaults')]
            qr = any(d['case'].endswith('after-qemu-restore') for d in lines)
            t.compare('guestread-%s %s' % (k, host),
                      [('%s/%s' % (host, c), w) for c, w, _ in guestread_plan(n, qr)], lines)
        print('check-plan %s: %d lines, %d differ' % (k, t.n - n0, t.bad - b0))
    print('check-plan: %d lines, %d agree' % (t.n, t.n - t.bad))
    return 1 if t.bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    c = sub.add_parser('check-plan')
    c.add_argument('cases')
    c.add_argument('--kernel', action='append')
    a = ap.parse_args()
    if a.cmd == 'check-plan':
        ks = a.kernel or sorted({os.path.basename(p)[len('restore-'):-len('.jsonl')]
                                 for p in glob.glob(os.path.join(a.cases, 'restore-*.jsonl'))})
        return check_plan(a.cases, ks)
    return 2


if __name__ == '__main__':
    sys.exit(main())
