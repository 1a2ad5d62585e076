#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write what QEMU's scripts/kvm/vmxcap would print for a .msrs dump (test
fixture generator: the output format, not the script).  usage: vmxcap_gen.py DUMP"""
import sys

ORDER = ["BASIC", "PINBASED_CTLS", "PROCBASED_CTLS", "EXIT_CTLS", "ENTRY_CTLS", "MISC",
         "CR0_FIXED0", "CR0_FIXED1", "CR4_FIXED0", "CR4_FIXED1", "VMCS_ENUM", "PROCBASED_CTLS2",
         "EPT_VPID_CAP", "TRUE_PINBASED_CTLS", "TRUE_PROCBASED_CTLS", "TRUE_EXIT_CTLS",
         "TRUE_ENTRY_CTLS", "VMFUNC", "PROCBASED_CTLS3", "EXIT_CTLS2"]

def load(path):
    m = {}
    for line in open(path):
        line = line.split("#")[0].strip()
        if "=" not in line:
            continue
        k, v = [x.strip() for x in line.split("=", 1)]
        if k.startswith("IA32_VMX_"):
            m[0x480 + ORDER.index(k[9:])] = int(v, 16)
    return m

# (bit, label) per control section, in the order vmxcap prints them (sorted by bit).
PIN = {0: "External interrupt exiting", 3: "NMI exiting", 5: "Virtual NMIs",
       6: "Activate VMX-preemption timer", 7: "Process posted interrupts"}
PROC = {2: "Interrupt window exiting", 3: "Use TSC offsetting", 7: "HLT exiting", 9: "INVLPG exiting",
        10: "MWAIT exiting", 11: "RDPMC exiting", 12: "RDTSC exiting", 15: "CR3-load exiting",
        16: "CR3-store exiting", 17: "Activate tertiary controls", 19: "CR8-load exiting",
        20: "CR8-store exiting", 21: "Use TPR shadow", 22: "NMI-window exiting", 23: "MOV-DR exiting",
        24: "Unconditional I/O exiting", 25: "Use I/O bitmaps", 27: "Monitor trap flag",
        28: "Use MSR bitmaps", 29: "MONITOR exiting", 30: "PAUSE exiting", 31: "Activate secondary control"}
PROC2 = {0: "Virtualize APIC accesses", 1: "Enable EPT", 2: "Descriptor-table exiting", 3: "Enable RDTSCP",
         4: "Virtualize x2APIC mode", 5: "Enable VPID", 6: "WBINVD exiting", 7: "Unrestricted guest",
         8: "APIC register emulation", 9: "Virtual interrupt delivery", 10: "PAUSE-loop exiting",
         11: "RDRAND exiting", 12: "Enable INVPCID", 13: "Enable VM functions", 14: "VMCS shadowing",
         15: "Enable ENCLS exiting", 16: "RDSEED exiting", 17: "Enable PML", 18: "EPT-violation #VE",
         19: "Conceal non-root operation from PT", 20: "Enable XSAVES/XRSTORS",
         22: "Mode-based execute control (XS/XU)", 23: "Sub-page write permissions",
         24: "GPA translation for PT", 25: "TSC scaling", 26: "User wait and pause", 28: "ENCLV exiting"}
EXIT = {2: "Save debug controls", 9: "Host address-space size", 12: "Load IA32_PERF_GLOBAL_CTRL",
        15: "Acknowledge interrupt on exit", 18: "Save IA32_PAT", 19: "Load IA32_PAT", 20: "Save IA32_EFER",
        21: "Load IA32_EFER", 22: "Save VMX-preemption timer value", 23: "Clear IA32_BNDCFGS",
        24: "Conceal VM exits from PT", 25: "Clear IA32_RTIT_CTL"}
ENTRY = {2: "Load debug controls", 9: "IA-32e mode guest", 10: "Entry to SMM",
         11: "Deactivate dual-monitor treatment", 13: "Load IA32_PERF_GLOBAL_CTRL", 14: "Load IA32_PAT",
         15: "Load IA32_EFER", 16: "Load IA32_BNDCFGS", 17: "Conceal VM entries from PT", 18: "Load IA32_RTIT_CTL"}

def control(out, title, bits, m, cap, true_cap=None):
    out.append(title)
    v = m.get(cap, 0)
    mb1, cb1 = v & 0xffffffff, v >> 32
    tv = m.get(true_cap, 0) if true_cap else 0
    tmb1, tcb1 = tv & 0xffffffff, tv >> 32
    for bit in sorted(bits):
        zero, one = not (mb1 >> bit) & 1, (cb1 >> bit) & 1
        tzero, tone = not (tmb1 >> bit) & 1, (tcb1 >> bit) & 1
        if true_cap and tzero and tone and one and not zero:
            s = "default"
        elif zero and not one:
            s = "no"
        elif one and not zero:
            s = "forced"
        elif one and zero:
            s = "yes"
        else:
            s = "?"
        out.append("  %-40s %s" % (bits[bit], s))

def fields(out, title, value, names):
    out.append(title)
    out.append("  Hex: 0x%x" % value)
    for key, label in names:
        if isinstance(key, tuple):
            lo, hi = key
            out.append("  %-40s %d" % (label, (value >> lo) & ((1 << (hi - lo + 1)) - 1)))
        else:
            out.append("  %-40s %s" % (label, "yes" if (value >> key) & 1 else "no"))

def main():
    m = load(sys.argv[1])
    out = []
    fields(out, "Basic VMX Information", m.get(0x480, 0),
           [((0, 30), "Revision"), ((32, 44), "VMCS size"), (48, "VMCS restricted to 32 bit addresses"),
            (49, "Dual-monitor support"), ((50, 53), "VMCS memory type"),
            (54, "INS/OUTS instruction information"), (55, "IA32_VMX_TRUE_*_CTLS support")])
    control(out, "pin-based controls", PIN, m, 0x481, 0x48d)
    control(out, "primary processor-based controls", PROC, m, 0x482, 0x48e)
    control(out, "secondary processor-based controls", PROC2, m, 0x48b)
    out.append("tertiary processor-based controls")
    out.append("  %-40s %s" % ("Enable IPI virtualization", "yes" if (m.get(0x492, 0) >> 4) & 1 else "no"))
    control(out, "VM-Exit controls", EXIT, m, 0x483, 0x48f)
    control(out, "VM-Entry controls", ENTRY, m, 0x484, 0x490)
    fields(out, "Miscellaneous data", m.get(0x485, 0),
           [((0, 4), "VMX-preemption timer scale (log2)"), (5, "Store EFER.LMA into IA-32e mode guest control"),
            (6, "HLT activity state"), ((16, 24), "Number of CR3-target values")])
    fields(out, "VPID and EPT capabilities", m.get(0x48c, 0),
           [(0, "Execute-only EPT translations"), (6, "Page-walk length 4"), (21, "EPT accessed and dirty flags")])
    fields(out, "VM Functions", m.get(0x491, 0), [(0, "EPTP Switching")])
    print("\n".join(out))

if __name__ == "__main__":
    main()
