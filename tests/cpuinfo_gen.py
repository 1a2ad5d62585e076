#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a /proc/cpuinfo processor block for a .msrs dump, with the "vmx flags"
line a Linux 6.10+ kernel prints for those MSRs (test fixture generator; the
bit-to-name facts are the kernel's vmxfeatures.h and feat_ctl.c, the code is
ours).  usage: cpuinfo_gen.py DUMP [--old]  (--old: the names a 5.x kernel prints)"""
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from vmxcap_gen import load  # noqa: E402

# (word, bit, name, since): word 0 = pin + EPT/VPID + VMFUNC, 1 = primary,
# 2 = secondary, 3 = tertiary; since 0 = every kernel with the line, 1 = 6.0+, 2 = 6.10+.
NAMES = [(0, 5, "vnmi", 0), (0, 6, "preemption_timer", 0), (0, 7, "posted_intr", 0),
         (0, 16, "invvpid", 0), (0, 17, "ept_x_only", 0), (0, 18, "ept_ad", 0), (0, 19, "ept_1gb", 0),
         (0, 20, "ept_5level", 2), (0, 24, "flexpriority", 0), (0, 25, "apicv", 0),
         (0, 28, "eptp_switching", 0), (1, 3, "tsc_offset", 0), (1, 21, "vtpr", 0), (1, 27, "mtf", 0),
         (2, 0, "vapic", 0), (2, 1, "ept", 0), (2, 5, "vpid", 0), (2, 7, "unrestricted_guest", 0),
         (2, 8, "vapic_reg", 0), (2, 9, "vid", 0), (2, 10, "ple", 0), (2, 14, "shadow_vmcs", 0),
         (2, 17, "pml", 0), (2, 18, "ept_violation_ve", 2), (2, 22, "ept_mode_based_exec", 0),
         (2, 25, "tsc_scaling", 0), (2, 26, "usr_wait_pause", 0), (2, 31, "notify_vm_exiting", 1),
         (3, 4, "ipi_virt", 1)]


def words(m):
    hi = lambda i: m.get(i, 0) >> 32
    prim, sec, ter = hi(0x482), hi(0x48b), m.get(0x492, 0) & 0xffffffff
    ept = m.get(0x48c, 0)
    w0 = (hi(0x481) & 0xffff) | ((ept >> 32) & 1) << 16 | (m.get(0x491, 0) & 0xf) << 28
    for cap_bit, w0_bit in ((0, 17), (21, 18), (17, 19), (7, 20)):
        if ept >> cap_bit & 1:
            w0 |= 1 << w0_bit
    if prim >> 21 & 1 and sec & 1:
        w0 |= 1 << 24
    if prim >> 21 & 1 and sec >> 8 & 1 and sec >> 9 & 1 and w0 >> 7 & 1:
        w0 |= 1 << 25
    return [w0, prim, sec, ter]


def vmx_flags(m, newest=2):
    w = words(m)
    return " ".join(n for word, bit, n, since in NAMES if since <= newest and w[word] >> bit & 1)


def main():
    dump = sys.argv[1]
    newest = 0 if "--old" in sys.argv[2:] else 2
    meta = {}
    for line in open(dump):
        line = line.split("#")[0].strip()
        if "=" in line:
            k, v = [x.strip() for x in line.split("=", 1)]
            meta[k] = v
    m = load(dump)
    print("processor\t: 0")
    print("vendor_id\t: %s" % meta.get("vendor", "GenuineIntel"))
    print("cpu family\t: %s" % meta.get("family", "6"))
    print("model\t\t: %s" % meta.get("model", "0"))
    print("model name\t: %s" % meta.get("name", "unknown"))
    print("stepping\t: %s" % meta.get("stepping", "0"))
    print("flags\t\t: %s" % meta.get("cpuid.features", "vmx"))
    print("vmx flags\t: %s" % vmx_flags(m, newest))
    print("bugs\t\t: spectre_v1")
    print("")


if __name__ == "__main__":
    main()
