/* SPDX-License-Identifier: MIT */
/*
 * The live readers on fake roots: an msr "device" that is a sparse file with
 * MSR n's 8 bytes at offset 8*n (the fixture layout io/live.c documents), a
 * /proc/cpuinfo, and /dev/kvm as a .msrs file of the MSRs KVM would offer.  Values are those of data/hosts/intel-xeon-platinum-8180.msrs.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "nvmx/io.h"
#include "tap.h"
#include "io_fixture.h"

/* IA32_VMX_BASIC .. IA32_VMX_TRUE_ENTRY_CTLS (0x480..0x490) of a Xeon Platinum 8180. */
static const uint64_t xeon8180[17] = {
	0x00da040000000004, 0x000000ff00000016, 0xfff9fffe0401e172, 0x01ffffff00036dff,
	0x0003ffff000011ff, 0x000000007004c1e7, 0x0000000080000021, 0x00000000ffffffff,
	0x0000000000002000, 0x00000000007767ff, 0x000000000000002e, 0x025f7fff00000000,
	0x00000f0106734141, 0x000000ff00000016, 0xfff9fffe04006172, 0x01ffffff00036dfb,
	0x0003ffff000011fb,
};

#define FLAGS_INTEL "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat " \
	"pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc " \
	"pni pclmulqdq vmx smx est ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt " \
	"xsave avx f16c rdrand fsgsbase smep bmi2 erms invpcid mpx rdseed adx smap pku"

static const char cpuinfo_two[] =
	"processor\t: 0\n"
	"vendor_id\t: GenuineIntel\n"
	"cpu family\t: 6\n"
	"model\t\t: 85\n"
	"model name\t: Intel(R) Xeon(R) Platinum 8180 CPU @ 2.50GHz\n"
	"stepping\t: 4\n"
	"flags\t\t: " FLAGS_INTEL "\n"
	"vmx flags\t: vnmi preemption_timer invvpid ept_x_only ept_ad\n"
	"\n"
	"processor\t: 1\n"
	"vendor_id\t: GenuineIntel\n"
	"cpu family\t: 6\n"
	"model\t\t: 85\n"
	"model name\t: Second CPU\n"
	"stepping\t: 7\n"
	"flags\t\t: " FLAGS_INTEL "\n"
	"\n";

/* A fresh fake root named `name` under the fixture dir; returns its path. */
static const char *make_root(const char *name, const char *cpuinfo, unsigned nmsrs)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "%s/proc/cpuinfo", name);
	if (cpuinfo)
		fx_write_str(rel, cpuinfo);
	snprintf(rel, sizeof(rel), "%s/dev/cpu/0/msr", name);
	if (nmsrs != (unsigned)-1) {
		const char *p = fx_write(rel, "", 0);
		int fd = open(p, O_WRONLY);
		for (unsigned i = 0; i < nmsrs; i++)
			if (pwrite(fd, &xeon8180[i], 8, 8 * (0x480 + i)) != 8)
				perror("pwrite");
		close(fd);
	}
	static char roots[16][1024];
	static unsigned next;
	char *r = roots[next++ % 16];
	snprintf(r, sizeof(roots[0]), "%s", fx_path(name));
	return r;
}

static void test_cpu_ok(void)
{
	const char *root = make_root("good", cpuinfo_two, 17);
	struct nvmx_hostfile h;
	struct nvmx_diag d;
	int rc = nvmx_live_read_cpu(root, 0, &h, &d);
	if (!tap_ok(rc == 0, "reads CPU 0 of a fake root"))
		tap_diag("%s", d.error.msg);
	int same = 1;
	for (int i = 0; i < 17; i++)
		same &= nvmx_msrs_has(&h.host.msrs, (enum nvmx_msr_id)i) && h.host.msrs.val[i] == xeon8180[i];
	tap_ok(same, "0x480..0x490 equal the Xeon 8180 dump values");
	tap_ok(!nvmx_msrs_has(&h.host.msrs, NVMX_VMFUNC) && !nvmx_msrs_has(&h.host.msrs, NVMX_PROCBASED3) &&
	       !nvmx_msrs_has(&h.host.msrs, NVMX_EXIT2), "0x491..0x493 past the end: absent, not zero");
	tap_ok(!strcmp(h.host.vendor, "GenuineIntel") && h.host.family == 6 && h.host.model == 85 &&
	       h.host.stepping == 4 && h.has_identity, "identity from the processor 0 block");
	tap_ok(!strcmp(h.name, "Intel(R) Xeon(R) Platinum 8180 CPU @ 2.50GHz"), "name from model name");
	tap_ok(h.has_flags && !strncmp(h.flags, "fpu vme", 7), "flags line, not 'vmx flags'");
	uint64_t want = NVMX_FEAT(NVMX_F_VMX) | NVMX_FEAT(NVMX_F_SMAP) | NVMX_FEAT(NVMX_F_PKU) |
			NVMX_FEAT(NVMX_F_NX) | NVMX_FEAT(NVMX_F_LM);
	tap_ok((h.host.features & want) == want && !(h.host.features & NVMX_FEAT(NVMX_F_XSAVES)),
	       "features from flags");
	tap_ok(strstr(h.source, "/dev/cpu/0/msr") != NULL, "source names the device: %s", h.source);

	/* CPU 1 has its own cpuinfo block but no msr node in this tree. */
	rc = nvmx_live_read_cpu(root, 1, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "dev/cpu/1/msr: no such device") &&
	       strstr(d.error.msg, "modprobe msr"), "missing device: %s", d.error.msg);
	rc = nvmx_live_read_cpu(root, 7, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "no processor 7"), "CPU not in cpuinfo: %s", d.error.msg);
}

static void test_cpu_errors(void)
{
	struct nvmx_hostfile h;
	struct nvmx_diag d;
	const char *root = make_root("nodev", cpuinfo_two, (unsigned)-1);
	int rc = nvmx_live_read_cpu(root, 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "no such device") && strstr(d.error.msg, "modprobe msr"),
	       "no msr device: %s", d.error.msg);

	root = make_root("amd", "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
				"model\t\t: 33\nflags\t\t: fpu svm lm\n\n", 17);
	rc = nvmx_live_read_cpu(root, 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "not Intel (AuthenticAMD)"), "AMD: %s", d.error.msg);

	root = make_root("novmx", "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
				  "model\t\t: 85\nflags\t\t: fpu vme smx lm\n\n", 17);
	rc = nvmx_live_read_cpu(root, 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "no 'vmx' flag") && strstr(d.error.msg, "firmware"),
	       "Intel without vmx: %s", d.error.msg);

	root = make_root("nomsrs", cpuinfo_two, 0);
	rc = nvmx_live_read_cpu(root, 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "IA32_VMX_BASIC (0x480) cannot be read") &&
	       strstr(d.error.msg, "no VMX capability MSRs"), "BASIC unreadable: %s", d.error.msg);

	root = make_root("noproc", NULL, 17);
	rc = nvmx_live_read_cpu(root, 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "proc/cpuinfo: no such file") &&
	       d.error.code == NVMX_E_UNAVAILABLE && d.error.sys_errno == ENOENT,
	       "no cpuinfo: unavailable, ENOENT: %s", d.error.msg);

	root = make_root("dirdev", cpuinfo_two, (unsigned)-1);
	fx_mkdirs("dirdev/dev/cpu/0/msr/");
	rc = nvmx_live_read_cpu(root, 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "is a directory"), "directory in place of the device: %s",
	       d.error.msg);
}

/*
 * Permission denied needs a caller the mode bits apply to.  root bypasses
 * them, so as root the check runs in a child that drops to 'nobody'.
 */
static void test_cpu_permission(void)
{
	const char *root = make_root("perm", cpuinfo_two, 17);
	char msr[1100];
	snprintf(msr, sizeof(msr), "%s/dev/cpu/0/msr", root);
	chmod(msr, 0);
	if (geteuid() != 0) {
		struct nvmx_hostfile h;
		struct nvmx_diag d;
		int rc = nvmx_live_read_cpu(root, 0, &h, &d);
		tap_ok(rc < 0 && strstr(d.error.msg, "permission denied") && strstr(d.error.msg, "root"),
		       "unreadable device: %s", d.error.msg);
		return;
	}
	struct passwd *pw = getpwnam("nobody");
	uid_t uid = pw ? pw->pw_uid : 65534;
	gid_t gid = pw ? pw->pw_gid : 65534;
	chmod(fx_dir, 0755);	/* nobody must be able to walk to the file */
	int pipefd[2];
	if (pipe(pipefd) < 0) {
		tap_ok(1, "# SKIP pipe failed");
		return;
	}
	fflush(stdout);	/* the child must not flush our TAP lines a second time */
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		struct nvmx_hostfile h;
		struct nvmx_diag d;
		if (setgid(gid) < 0 || setuid(uid) < 0) {
			if (write(pipefd[1], "SKIP", 4) < 0)
				_exit(1);
			_exit(0);
		}
		int rc = nvmx_live_read_cpu(root, 0, &h, &d);
		if (write(pipefd[1], rc < 0 ? d.error.msg : "OK", strlen(rc < 0 ? d.error.msg : "OK")) < 0)
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	char msg[600] = "";
	ssize_t n = read(pipefd[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	if (!strcmp(msg, "SKIP"))
		tap_ok(1, "# SKIP running as root and cannot drop privileges to test permission denied");
	else
		tap_ok(strstr(msg, "permission denied") && strstr(msg, "root"),
		       "unreadable device (as nobody): %s", msg);
}

static void test_kvm(void)
{
	struct nvmx_msrs m;
	struct nvmx_diag d;
	fx_write_str("kvm1/dev/kvm", "# what KVM offers with nested=1\n"
				     "IA32_VMX_BASIC = 0x00da040000000004\n"
				     "IA32_VMX_VMFUNC = 0x0000000000000001\n");
	int rc = nvmx_live_read_kvm(fx_path("kvm1"), &m, &d);
	tap_ok(rc == 0 && m.present == ((1u << NVMX_BASIC) | (1u << NVMX_VMFUNC)),
	       "KVM fixture: the offered MSRs and only those");
	tap_eq64(m.val[NVMX_BASIC], 0x00da040000000004, "KVM fixture BASIC");

	fx_write_str("kvm0/dev/kvm", "# nested=0: KVM lists no VMX MSR\n");
	rc = nvmx_live_read_kvm(fx_path("kvm0"), &m, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "KVM offers no VMX feature MSRs (nested=0 or not Intel)") &&
	       m.present == 0, "nothing offered: %s", d.error.msg);

	fx_write_str("kvmbad/dev/kvm", "IA32_VMX_BASIC = nope\n");
	rc = nvmx_live_read_kvm(fx_path("kvmbad"), &m, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "dev/kvm:1:"), "bad fixture: %s", d.error.msg);

	fx_mkdirs("kvmnone/dev/");
	rc = nvmx_live_read_kvm(fx_path("kvmnone"), &m, &d);
#ifdef __linux__
	tap_ok(rc < 0 && strstr(d.error.msg, "no such device") && strstr(d.error.msg, "modprobe kvm_intel"),
	       "no /dev/kvm: %s", d.error.msg);
#else
	tap_ok(rc < 0, "no /dev/kvm: %s", d.error.msg);
#endif
}

int main(void)
{
	fx_init();
	test_cpu_ok();
	test_cpu_errors();
	test_cpu_permission();
	test_kvm();
	return tap_done();
}
