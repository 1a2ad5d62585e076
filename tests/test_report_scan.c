/* SPDX-License-Identifier: MIT */
/* nvmx_report_scan on the shapes QEMU's lines arrive in (stderr, libvirt, KubeVirt). */
#include <string.h>
#include "tap.h"
#include "nvmx/report.h"

static size_t scan(const char *s, struct nvmx_event *ev, size_t max, struct nvmx_report_hints *h)
{
	return nvmx_report_scan(s, strlen(s), ev, max, h);
}

int main(void)
{
	struct nvmx_event ev[8];
	struct nvmx_report_hints h;
	size_t n;

	n = scan("qemu-system-x86_64: error: failed to set MSR 0x48d to 0xff00000016\n"
		 "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:2753: kvm_buf_set_msrs: Assertion "
		 "`ret == cpu->kvm_msr_buf->nmsrs' failed.\n", ev, 8, &h);
	tap_ok(n == 2, "stderr: a failed write and the assertion (%zu)", n);
	tap_ok(ev[0].kind == NVMX_EV_SET_MSR && ev[0].index == 0x48d && ev[0].value == 0xff00000016ull &&
	       ev[0].line == 1, "the write: 0x48d = 0xff00000016 on line 1");
	tap_ok(ev[1].kind == NVMX_EV_ASSERT && !strcmp(ev[1].name, "kvm_buf_set_msrs") && ev[1].line == 2,
	       "the assertion names kvm_buf_set_msrs on line 2");

	/* Retyped by hand (gns3-server#1812): any case, the assertion's function alone is no event. */
	n = scan("qemu-system-x86_64 error failed to set msr 0xe1 to 0x0\nand this\nkvm_buf_set_msrs\n", ev, 8, &h);
	tap_ok(n == 1 && ev[0].kind == NVMX_EV_SET_MSR && ev[0].index == 0xe1 && ev[0].value == 0,
	       "a retyped 'failed to set msr 0xe1 to 0x0' is the write (%zu events)", n);
	n = scan("Failed To Set Msr 0x48D TO 0x7F00000016\n", ev, 8, &h);
	tap_ok(n == 1 && ev[0].index == 0x48d && ev[0].value == 0x7f00000016ull, "any case, hex digits too");

	/* libvirt's message, JSON-escaped again by KubeVirt: "\\n" ends the value. */
	n = scan("Message='internal error: qemu unexpectedly closed the monitor: 2021-02-21T02:17:50Z "
		 "qemu-kvm: error: failed to set MSR 0x48e to 0xfff9fffe04006172\\\\nqemu-kvm: "
		 "/builddir/build/BUILD/qemu-5.1.0/target/i386/kvm.c:2713: kvm_buf_set_msrs: Assertion", ev, 8, &h);
	tap_ok(n == 2 && ev[0].index == 0x48e && ev[0].value == 0xfff9fffe04006172ull,
	       "escaped libvirt line: the value stops at the backslash");
	tap_ok(!strcmp(h.qemu, "5.1.0"), "QEMU release from the build path (%s)", h.qemu);

	n = scan("warning: host doesn't support requested feature: MSR(48DH).vmx-posted-intr [bit 7]\\n"
		 "warning: host doesn't support requested feature : MSR(48BH).vmx-vmfunc [bit 13]\\n"
		 "warning: TCG doesn't support requested feature: MSR(48CH) [bit 14]\n"
		 "warning: host doesn't support requested feature: MSR(48DH).vmx-posted-intr [bit 7]\n",
		 ev, 8, &h);
	tap_ok(n == 3, "three distinct warnings, the repeated one folded (%zu)", n);
	tap_ok(ev[0].kind == NVMX_EV_FEATURE && ev[0].index == 0x48d && ev[0].bit == 7 &&
	       !strcmp(ev[0].name, "vmx-posted-intr") && ev[0].count == 2, "posted-intr, seen twice");
	tap_ok(ev[1].index == 0x48b && ev[1].bit == 13 && !strcmp(ev[1].name, "vmx-vmfunc"),
	       "the stray space before the colon is accepted");
	tap_ok(ev[2].tcg && ev[2].index == 0x48c && ev[2].bit == 14 && !ev[2].name[0],
	       "an unnamed bit under TCG");

	n = scan("error: failed to set MSR 0x10a to 0x69\nkvm_put_msrs: Assertion `ret' failed.\n", ev, 8, &h);
	tap_ok(n == 2 && ev[0].index == 0x10a && ev[0].value == 0x69 && !strcmp(ev[1].name, "kvm_put_msrs"),
	       "an out-of-range MSR is still reported, with kvm_put_msrs");

	n = scan("failed to set MSR 0x48d to 0x10000000000000000\nfailed to set MSR 0x48d\n"
		 "failed to set MSR to 0x1\nMSR(48DH).vmx-x [bit 7]\nhost doesn't support requested feature: "
		 "MSR(48DH).x [bit 99]\n", ev, 8, &h);
	tap_ok(n == 0, "malformed lines are not events (%zu)", n);

	n = scan("Linux T480s 5.4.0-131-generic #147-Ubuntu SMP\nQEMU emulator version 6.0.0 (Debian)\n",
		 ev, 8, &h);
	tap_ok(!strcmp(h.kernel, "5.4.0-131-generic") && !strcmp(h.qemu, "6.0.0"),
	       "uname -a and qemu --version give the hints (%s, %s)", h.kernel, h.qemu);
	scan("using QEMU v8.2.1 with kernel 5.0.0-36-generic...", ev, 8, &h);
	tap_ok(!strcmp(h.kernel, "5.0.0-36-generic"),
	       "'with kernel' gives the kernel (%s)", h.kernel);
	tap_ok(!strcmp(h.qemu, "8.2.1"), "'QEMU v' gives the release (%s)", h.qemu);
	tap_ok(!h.evmcs && !h.hyperv && !h.outer_vm, "no eVMCS, Hyper-V or outer-VM words: no such hint");
	/* Ranking evidence: words of the command line and of the setup, any case. */
	scan("$ qemu-system-x86_64 -cpu host,kvm=on,HV_PASSTHROUGH\nfailed to set MSR 0x48d to 0x7f00000016\n",
	     ev, 8, &h);
	tap_ok(h.evmcs && !h.hyperv && !h.outer_vm, "hv_passthrough on the command line: the eVMCS hint");
	scan("nested: multipass inside an Ubuntu guest of VMware Fusion\n", ev, 8, &h);
	tap_ok(h.outer_vm && !h.evmcs, "VMware: the outer-hypervisor hint");
	scan("Linux x 5.15.90.1-microsoft-standard-WSL2 #1 SMP\n", ev, 8, &h);
	tap_ok(h.hyperv && !h.outer_vm, "a WSL2 kernel: the Hyper-V hint");

	/* Names keep to QEMU's property alphabet, whatever bytes follow (JSON-safe). */
	n = scan("host doesn't support requested feature: MSR(48CH).vmx-ept-execon\xf9y [bit 0]\n"
		 "Linux h 5.4.0-1\xff\x01 #1\n", ev, 8, &h);
	tap_ok(n == 1 && !strcmp(ev[0].name, "vmx-ept-execon") && !strcmp(h.kernel, "5.4.0-1"),
	       "a name or kernel stops at the first byte outside [A-Za-z0-9_-.] (%s, %s)", ev[0].name, h.kernel);

	/* Room for one: the count still says how many there are. */
	n = scan("failed to set MSR 0x48d to 0x1 failed to set MSR 0x48e to 0x2", ev, 1, NULL);
	tap_ok(n == 2 && ev[0].index == 0x48d, "more events than room: all counted, the first kept");
	/* A buffer cut in the middle of a phrase is not read past its end. */
	const char *cut = "failed to set MSR 0x48d to 0xff";
	n = nvmx_report_scan(cut, 20, ev, 8, NULL);
	tap_ok(n == 0, "a cut buffer yields nothing");
	return tap_done();
}
