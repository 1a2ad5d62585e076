/* SPDX-License-Identifier: MIT */
/*
 * The live readers when things go wrong: a missing or unreadable device, an
 * MSR whose read faults (injected through the fixture's `msr.fault` file, see
 * io/live.c), a KVM that is not KVM or lists no VMX MSRs.  Each must fail (or
 * warn) with a message that names the path and says what to do.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "nvmx/io.h"
#include "tap.h"
#include "io_fixture.h"

/* 0x480..0x490 of data/hosts/intel-xeon-platinum-8180.msrs. */
static const uint64_t xeon8180[17] = {
	0x00da040000000004, 0x000000ff00000016, 0xfff9fffe0401e172, 0x01ffffff00036dff,
	0x0003ffff000011ff, 0x000000007004c1e7, 0x0000000080000021, 0x00000000ffffffff,
	0x0000000000002000, 0x00000000007767ff, 0x000000000000002e, 0x025f7fff00000000,
	0x00000f0106734141, 0x000000ff00000016, 0xfff9fffe04006172, 0x01ffffff00036dfb,
	0x0003ffff000011fb,
};

static const char cpuinfo[] =
	"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
	"model name\t: Intel(R) Xeon(R) Platinum 8180 CPU @ 2.50GHz\nstepping\t: 4\n"
	"flags\t\t: fpu vme de pse tsc msr pae mce vmx smx lm nx\n\n";

/* A fake root with cpuinfo, the msr fixture and (if given) its fault list. */
static const char *root_with_faults(const char *name, const char *faults)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "%s/proc/cpuinfo", name);
	fx_write_str(rel, cpuinfo);
	snprintf(rel, sizeof(rel), "%s/dev/cpu/0/msr", name);
	const char *p = fx_write(rel, "", 0);
	int fd = open(p, O_WRONLY);
	for (unsigned i = 0; i < 17; i++)
		if (pwrite(fd, &xeon8180[i], 8, 8 * (0x480 + i)) != 8)
			perror("pwrite");
	close(fd);
	if (faults) {
		snprintf(rel, sizeof(rel), "%s/dev/cpu/0/msr.fault", name);
		fx_write_str(rel, faults);
	}
	static char roots[16][1024];
	static unsigned next;
	char *r = roots[next++ % 16];
	snprintf(r, sizeof(roots[0]), "%s", fx_path(name));
	return r;
}

static bool has_warning(const struct nvmx_diag *d, const char *a, const char *b)
{
	for (unsigned i = 0; i < d->nwarn && i < NVMX_MAX_WARNINGS; i++)
		if (strstr(d->warn[i], a) && (!b || strstr(d->warn[i], b)))
			return true;
	return false;
}

static void test_msr_faults(void)
{
	struct nvmx_hostfile h;
	struct nvmx_diag d;

	int rc = nvmx_live_read_cpu(root_with_faults("basic-eio", "# BASIC faults\n0x480 EIO\n"), 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "dev/cpu/0/msr: IA32_VMX_BASIC (0x480) cannot be read "
				 "(RDMSR faults): this CPU has no VMX capability MSRs"),
	       "BASIC faults (EIO): %s", d.error.msg);

	rc = nvmx_live_read_cpu(root_with_faults("proc2-eio", "0x48b EIO\n"), 0, &h, &d);
	tap_ok(rc == 0 && !nvmx_msrs_has(&h.host.msrs, NVMX_PROCBASED2) &&
	       nvmx_msrs_has(&h.host.msrs, NVMX_EPT_VPID_CAP),
	       "PROCBASED2 faults (EIO): absent, the others read");
	tap_ok(has_warning(&d, "MSR 0x48b (IA32_VMX_PROCBASED_CTLS2) faults although "
			       "IA32_VMX_PROCBASED_CTLS allows secondary controls", "left absent"),
	       "... with a warning: %s", d.nwarn ? d.warn[0] : "(none)");

	rc = nvmx_live_read_cpu(root_with_faults("vmfunc-eio", "0x491 EIO\n0x492 EIO\n0x493 EIO\n"),
				0, &h, &d);
	tap_ok(rc == 0 && !nvmx_msrs_has(&h.host.msrs, NVMX_VMFUNC) &&
	       has_warning(&d, "0x491 (IA32_VMX_VMFUNC) faults although", "VM functions") && d.nwarn == 1,
	       "VMFUNC enumerated but faulting warns; not-enumerated 0x492/0x493 faulting does not "
	       "(%u warning(s))", d.nwarn);

	rc = nvmx_live_read_cpu(root_with_faults("true-eio", "0x48d EIO\n"), 0, &h, &d);
	tap_ok(rc == 0 && has_warning(&d, "0x48d (IA32_VMX_TRUE_PINBASED_CTLS) faults although "
					  "IA32_VMX_BASIC has bit 55", NULL),
	       "TRUE_PINBASED faulting with BASIC bit 55 warns");

	rc = nvmx_live_read_cpu(root_with_faults("einval", "0x481 EINVAL\n"), 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "dev/cpu/0/msr: reading MSR 0x481: Invalid argument"),
	       "another errno stops the read, naming the MSR: %s", d.error.msg);

	rc = nvmx_live_read_cpu(root_with_faults("eacces", "0x482 EACCES\n"), 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "permission denied reading MSR 0x482") &&
	       strstr(d.error.msg, "needs root (or CAP_SYS_RAWIO)"), "EACCES on a read: %s", d.error.msg);

	rc = nvmx_live_read_cpu(root_with_faults("short", "0x483 SHORT\n"), 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "reading MSR 0x483: short read"), "short read: %s", d.error.msg);

	rc = nvmx_live_read_cpu(root_with_faults("badfault", "0x480 EIO\n0x48q EIO\n"), 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "dev/cpu/0/msr.fault:2: expected 'INDEX ERRNO'"),
	       "a malformed fault list names its line: %s", d.error.msg);
	rc = nvmx_live_read_cpu(root_with_faults("badname", "0x480 EWHAT\n"), 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "msr.fault:1:"), "an unknown errno name: %s", d.error.msg);
	rc = nvmx_live_read_cpu(root_with_faults("crlf", "# faults, a comment of words\r\n"
							"0x482 SHORT\r\n"), 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "reading MSR 0x482: short read") &&
	       d.error.code == NVMX_E_UNAVAILABLE, "a fault list with CRLF lines and a comment: %s",
	       d.error.msg);
	rc = nvmx_live_read_cpu(root_with_faults("badcode", "0x480 EIO\n\n0x48q EIO\n"), 0, &h, &d);
	tap_ok(rc < 0 && d.error.code == NVMX_E_SYNTAX && d.error.line == 3,
	       "a malformed fixture is a syntax error on its line (3): %s", d.error.msg);

	/* A character device is the real thing: its fault list is never read. */
	const char *root = root_with_faults("chardev", "0x480 EIO\n");
	char msr[1100];
	snprintf(msr, sizeof(msr), "%s/dev/cpu/0/msr", root);
	unlink(msr);
	if (symlink("/dev/zero", msr) < 0) {
		tap_ok(1, "# SKIP cannot symlink /dev/zero");
	} else {
		rc = nvmx_live_read_cpu(root, 0, &h, &d);
		tap_ok(rc == 0 && nvmx_msrs_has(&h.host.msrs, NVMX_BASIC) && h.host.msrs.val[NVMX_BASIC] == 0,
		       "a character device ignores msr.fault (/dev/zero reads as zeros)");
	}
}

static void test_msr_missing(void)
{
	struct nvmx_hostfile h;
	struct nvmx_diag d;
	fx_write_str("nodev/proc/cpuinfo", cpuinfo);
	int rc = nvmx_live_read_cpu(fx_path("nodev"), 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "nodev/dev/cpu/0/msr: no such device: the msr driver is not "
				 "loaded (try: modprobe msr)"), "no msr device: %s", d.error.msg);
	rc = nvmx_live_read_cpu(fx_path("no-such-root"), 0, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "no-such-root/proc/cpuinfo: no such file"),
	       "no cpuinfo: %s", d.error.msg);
}

static void test_kvm(void)
{
	struct nvmx_msrs m;
	struct nvmx_diag d;

	fx_mkdirs("kvm-missing/dev/");
	int rc = nvmx_live_read_kvm(fx_path("kvm-missing"), &m, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "kvm-missing/dev/kvm: no such device: KVM is not loaded "
				 "(try: modprobe kvm_intel)"), "no /dev/kvm: %s", d.error.msg);

	fx_write_str("kvm-none/dev/kvm", "# nested=0: no VMX MSR listed\n");
	rc = nvmx_live_read_kvm(fx_path("kvm-none"), &m, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "kvm-none/dev/kvm: KVM offers no VMX feature MSRs "
				 "(nested=0 or not Intel)"), "KVM lists no VMX MSR: %s", d.error.msg);

	fx_mkdirs("kvm-dir/dev/kvm/");
	rc = nvmx_live_read_kvm(fx_path("kvm-dir"), &m, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "is a directory, not the KVM device"), "directory: %s", d.error.msg);

	fx_mkdirs("kvm-null/dev/");
	char kvm[1100];
	snprintf(kvm, sizeof(kvm), "%s", fx_path("kvm-null/dev/kvm"));
	if (symlink("/dev/null", kvm) < 0) {
		tap_ok(1, "# SKIP cannot symlink /dev/null");
	} else {
		rc = nvmx_live_read_kvm(fx_path("kvm-null"), &m, &d);
#ifdef __linux__
		tap_ok(rc < 0 && strstr(d.error.msg, "kvm-null/dev/kvm: not a KVM device (KVM_CHECK_EXTENSION:"),
		       "a character device that is not KVM: %s", d.error.msg);
#else
		tap_ok(rc < 0, "a character device that is not KVM: %s", d.error.msg);
#endif
	}

	/* The real device, where there is one: a clean answer either way. */
	if (access("/dev/kvm", F_OK) == 0) {
		rc = nvmx_live_read_kvm(NULL, &m, &d);
		tap_ok(rc == 0 ? nvmx_msrs_has(&m, NVMX_BASIC) : strstr(d.error.msg, "/dev/kvm: ") == d.error.msg,
		       "this machine's /dev/kvm: %s", rc == 0 ? "VMX MSRs read" : d.error.msg);
	} else {
		tap_ok(1, "# SKIP no /dev/kvm on this machine");
	}
}

/*
 * Permission denied: root bypasses mode bits, so as root the reads run in a
 * child that becomes 'nobody'.  Returns the child's messages, or NULL (skip).
 */
static bool as_unprivileged(char msgs[2][600])
{
	const char *msr_root = root_with_faults("perm", NULL);
	fx_write_str("perm/dev/kvm", "IA32_VMX_BASIC = 0x00da040000000004\n");
	char p[1100];
	snprintf(p, sizeof(p), "%s/dev/cpu/0/msr", msr_root);
	chmod(p, 0);
	snprintf(p, sizeof(p), "%s/dev/kvm", msr_root);
	chmod(p, 0);
	chmod(fx_dir, 0755);
	int pipefd[2];
	if (pipe(pipefd) < 0)
		return false;
	fflush(stdout);	/* the child must not flush our TAP lines a second time */
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		if (geteuid() == 0) {
			struct passwd *pw = getpwnam("nobody");
			if (setgid(pw ? pw->pw_gid : 65534) < 0 || setuid(pw ? pw->pw_uid : 65534) < 0)
				_exit(3);
		}
		static struct nvmx_hostfile h;
		struct nvmx_msrs m;
		struct nvmx_diag d;
		char out[1200];
		int rc1 = nvmx_live_read_cpu(msr_root, 0, &h, &d);
		snprintf(out, 600, "%s", rc1 < 0 ? d.error.msg : "OK");
		int rc2 = nvmx_live_read_kvm(msr_root, &m, &d);
		size_t l = strlen(out) + 1;
		snprintf(out + l, 600, "%s", rc2 < 0 ? d.error.msg : "OK");
		l += strlen(out + l) + 1;
		_exit(write(pipefd[1], out, l) == (ssize_t)l ? 0 : 1);
	}
	close(pipefd[1]);
	char buf[1200];
	ssize_t n = 0, r;
	while ((r = read(pipefd[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += r;
	close(pipefd[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n <= 0)
		return false;
	buf[n] = 0;
	snprintf(msgs[0], 600, "%.599s", buf);
	snprintf(msgs[1], 600, "%.599s", buf + strlen(buf) + 1);
	return true;
}

static void test_permissions(void)
{
	char msgs[2][600];
	if (!as_unprivileged(msgs)) {
		tap_ok(1, "# SKIP cannot run unprivileged to test permission denied");
		tap_ok(1, "# SKIP cannot run unprivileged to test permission denied");
		return;
	}
	tap_ok(strstr(msgs[0], "dev/cpu/0/msr: permission denied: reading MSRs needs root "
			       "(or CAP_SYS_RAWIO)") != NULL, "unreadable msr device: %s", msgs[0]);
	tap_ok(strstr(msgs[1], "dev/kvm: permission denied: join the kvm group or run as root") != NULL,
	       "unreadable /dev/kvm: %s", msgs[1]);
}

int main(void)
{
	fx_init();
	test_msr_faults();
	test_msr_missing();
	test_kvm();
	test_permissions();
	return tap_done();
}
