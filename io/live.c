/* SPDX-License-Identifier: MIT */
/*
 * Live sources: the processor's own VMX MSRs through the msr driver, and what
 * KVM offers through /dev/kvm.
 *
 * Every path is taken relative to `root` so the tests can hand in a fake
 * tree.  When these fail the user is usually one command away from a working
 * setup, so each failure names which one: load the driver, become root,
 * enable VMX, or accept that this CPU or KVM configuration has none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/kvm.h>)
#include <sys/ioctl.h>
#include <linux/kvm.h>
#define HAVE_KVM_IOCTLS 1
#endif
#endif

/* /proc/cpuinfo of a large machine is about 1 MiB; leave ample room. */
#define CPUINFO_MAX_BYTES (32u << 20)

static void join(char *dst, size_t cap, const char *root, const char *rel)
{
	snprintf(dst, cap, "%s%s", root ? root : "", rel);
}

/* The fields of one "processor : N" block that the model uses. */
struct cpuinfo {
	bool found;
	char vendor[16];	/* as long as struct nvmx_host holds */
	char model_name[128];
	long family, model, stepping;	/* -1 if missing */
	const char *flags;		/* into the cpuinfo buffer */
	size_t flags_len;
	bool has_flags;
};

static bool word_in(const char *list, size_t len, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list, *e = list + len;
	while (p < e) {
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		const char *w = p;
		while (p < e && *p != ' ' && *p != '\t')
			p++;
		if ((size_t)(p - w) == wl && !memcmp(w, word, wl))
			return true;
	}
	return false;
}

static long parse_long(const char *s, size_t n)
{
	long v = 0;
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 100000)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static void copy_trim(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Walk "key<tabs>: value" lines; blank lines separate processors. */
static void parse_cpuinfo(char *buf, size_t len, unsigned cpu, struct cpuinfo *ci)
{
	bool in_block = false;
	memset(ci, 0, sizeof(*ci));
	ci->family = ci->model = ci->stepping = -1;
	struct io_lines it;
	const char *p;
	size_t n;
	io_lines_init(&it, buf, len);
	while (io_lines_next(&it, &p, &n)) {
		const char *le = p + n;
		const char *colon = memchr(p, ':', n);
		if (colon) {
			const char *ks = p, *ke = colon, *vs = colon + 1, *ve = le;
			while (ke > ks && (ke[-1] == ' ' || ke[-1] == '\t'))
				ke--;
			while (vs < ve && (*vs == ' ' || *vs == '\t'))
				vs++;
			while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
				ve--;
			size_t kl = (size_t)(ke - ks), vl = (size_t)(ve - vs);
#define KEY(lit) (kl == sizeof(lit) - 1 && !memcmp(ks, lit, kl))
			if (KEY("processor")) {
				if (ci->found && in_block)
					return;	/* our block ended without a blank line */
				in_block = parse_long(vs, vl) == (long)cpu;
				ci->found |= in_block;
			} else if (in_block) {
				if (KEY("vendor_id"))
					copy_trim(ci->vendor, sizeof(ci->vendor), vs, vl);
				else if (KEY("model name"))
					copy_trim(ci->model_name, sizeof(ci->model_name), vs, vl);
				else if (KEY("cpu family"))
					ci->family = parse_long(vs, vl);
				else if (KEY("model"))
					ci->model = parse_long(vs, vl);
				else if (KEY("stepping"))
					ci->stepping = parse_long(vs, vl);
				else if (KEY("flags")) {
					ci->flags = vs;
					ci->flags_len = vl;
					ci->has_flags = true;
				}
			}
#undef KEY
		}
	}
}

/* Flags into the hostfile, cut at a word boundary if the list is longer than the field. */
static void store_flags(struct nvmx_hostfile *h, const char *s, size_t n)
{
	if (n >= sizeof(h->flags)) {
		n = sizeof(h->flags) - 1;
		while (n && s[n] != ' ' && s[n] != '\t')
			n--;
	}
	memcpy(h->flags, s, n);
	h->flags[n] = '\0';
	h->has_flags = true;
}

static int read_cpuinfo(const char *root, unsigned cpu, struct nvmx_hostfile *out,
			struct nvmx_diag *d)
{
	char path[1024];
	size_t len;
	int err;
	join(path, sizeof(path), root, "/proc/cpuinfo");
	char *buf = io_read_all(path, CPUINFO_MAX_BYTES, &len, &err);
	if (!buf) {
		io_fail_read(d, NVMX_E_UNAVAILABLE, path, err, CPUINFO_MAX_BYTES, "/proc/cpuinfo");
		return -1;
	}
	struct cpuinfo ci;
	parse_cpuinfo(buf, len, cpu, &ci);
	int rc = -1;
	if (!ci.found) {
		io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
			"no processor %u (CPU offline or out of range)", cpu);
		goto out;
	}
	if (!strcmp(ci.vendor, "AuthenticAMD") || !strcmp(ci.vendor, "HygonGenuine")) {
		io_fail(d, NVMX_E_UNAVAILABLE, NULL, 0,
			"CPU %u is not Intel (%s): it virtualizes with SVM, which has no VMX "
			"capability MSRs",
			cpu, ci.vendor);
		goto out;
	}
	if (!ci.has_flags || !word_in(ci.flags, ci.flags_len, "vmx")) {
		io_fail(d, NVMX_E_UNAVAILABLE, NULL, 0,
			"CPU %u (%s) has no 'vmx' flag in %s: VMX is absent, disabled in the "
			"firmware, or hidden by a hypervisor",
			cpu, ci.vendor[0] ? ci.vendor : "unknown vendor", path);
		goto out;
	}
	snprintf(out->host.vendor, sizeof(out->host.vendor), "%s", ci.vendor);
	if (ci.family >= 0)
		out->host.family = (unsigned)ci.family;
	if (ci.model >= 0)
		out->host.model = (unsigned)ci.model;
	if (ci.stepping >= 0)
		out->host.stepping = (unsigned)ci.stepping;
	out->has_identity = ci.vendor[0] && ci.family >= 0 && ci.model >= 0;
	if (ci.model_name[0])
		snprintf(out->name, sizeof(out->name), "%s", ci.model_name);
	store_flags(out, ci.flags, ci.flags_len);
	/* From the whole list: a truncated copy must not lose features. */
	out->host.features = io_features_from_text(ci.flags, ci.flags_len);
	rc = 0;
out:
	free(buf);
	return rc;
}

/*
 * Fault injection for fixtures.  Next to a regular-file msr fixture, a file
 * `<device>.fault` (e.g. dev/cpu/0/msr.fault) lists reads that fail, one per
 * line: an MSR index and an errno name or SHORT (a 4-byte read), e.g.
 *
 *     # BASIC faults like on a CPU without VMX; the secondary controls are unreadable
 *     0x480 EIO
 *     0x48b EINVAL
 *
 * A real device (a character device) never looks for it.
 */
#define MAX_FAULTS 32
#define FAULT_SHORT (-1)

struct msr_faults {
	unsigned n;
	uint32_t index[MAX_FAULTS];
	int err[MAX_FAULTS];	/* errno value, or FAULT_SHORT */
};

static const struct { const char *name; int err; } fault_names[] = {
	{ "EIO", EIO }, { "EACCES", EACCES }, { "EPERM", EPERM }, { "EINVAL", EINVAL },
	{ "ENXIO", ENXIO }, { "ENODEV", ENODEV }, { "EBUSY", EBUSY }, { "EAGAIN", EAGAIN },
	{ "EFAULT", EFAULT }, { "SHORT", FAULT_SHORT },
};

static int read_faults(const char *dev, struct msr_faults *f, struct nvmx_diag *d)
{
	char path[1100];
	size_t len;
	int err;
	memset(f, 0, sizeof(*f));
	snprintf(path, sizeof(path), "%s.fault", dev);
	char *buf = io_read_all(path, 1u << 16, &len, &err);
	if (!buf) {
		if (err == ENOENT)
			return 0;
		io_fail_read(d, NVMX_E_UNAVAILABLE, path, err, 1u << 16, "a fault list");
		return -1;
	}
	unsigned line = 0;
	int rc = 0;
	struct io_lines it;
	const char *s;
	size_t n;
	io_lines_init(&it, buf, len);
	while (rc == 0 && io_lines_next(&it, &s, &n)) {
		line = it.lineno;
		char l[256], idx[32] = "", name[32], extra[2];
		int k = 3;	/* a line too long for l: not 'INDEX ERRNO' (unless a comment) */
		memcpy(l, s, n < sizeof(l) ? n : sizeof(l) - 1);
		l[n < sizeof(l) ? n : sizeof(l) - 1] = '\0';
		if (n < sizeof(l))
			k = sscanf(l, " %31s %31s %1s", idx, name, extra);
		else
			sscanf(l, " %31s", idx);
		if (k <= 0 || idx[0] == '#')
			continue;
		uint64_t v;
		int e = 0;
		bool known = false;
		for (unsigned i = 0; k == 2 && i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
			if (!strcmp(fault_names[i].name, name)) {
				e = fault_names[i].err;
				known = true;
			}
		if (k != 2 || io_parse_hex64(idx, &v, NULL) < 0 || v > UINT32_MAX || !known) {
			io_fail(d, NVMX_E_SYNTAX, path, line,
				"expected 'INDEX ERRNO' (e.g. '0x480 EIO'; EIO, EACCES, EPERM, "
				"EINVAL, ENXIO, ENODEV, EBUSY, EAGAIN, EFAULT or SHORT)");
			rc = -1;
		} else if (f->n >= MAX_FAULTS) {
			io_fail(d, NVMX_E_LIMIT, path, line, "more than %d faults", MAX_FAULTS);
			rc = -1;
		} else {
			f->index[f->n] = (uint32_t)v;
			f->err[f->n++] = e;
		}
	}
	free(buf);
	return rc;
}

/* pread of one MSR, through the fixture's fault list. */
static ssize_t msr_pread(int fd, uint64_t *v, uint32_t index, off_t stride,
			 const struct msr_faults *f)
{
	for (unsigned i = 0; i < f->n; i++) {
		if (f->index[i] != index)
			continue;
		if (f->err[i] == FAULT_SHORT)
			return (ssize_t)pread(fd, v, 4, (off_t)index * stride);
		errno = f->err[i];
		return -1;
	}
	return pread(fd, v, sizeof(*v), (off_t)index * stride);
}

/* The MSR whose value says `id` exists (SDM Vol. 3D, A.1-A.11), or -1 if it always does. */
static int enumerated_by(enum nvmx_msr_id id, const struct nvmx_msrs *m, const char **what)
{
	uint64_t basic = nvmx_msrs_get(m, NVMX_BASIC), proc = nvmx_msrs_get(m, NVMX_PROCBASED);
	uint64_t proc2 = nvmx_msrs_get(m, NVMX_PROCBASED2), exit = nvmx_msrs_get(m, NVMX_EXIT);
	switch (id) {
	case NVMX_PROCBASED2:
		*what = "IA32_VMX_PROCBASED_CTLS allows secondary controls (bit 63)";
		return (int)(proc >> 63);
	case NVMX_EPT_VPID_CAP:
		*what = "IA32_VMX_PROCBASED_CTLS2 allows EPT or VPID (bit 33 or 37)";
		return (int)((proc2 >> 33 | proc2 >> 37) & 1);
	case NVMX_TRUE_PINBASED: case NVMX_TRUE_PROCBASED: case NVMX_TRUE_EXIT: case NVMX_TRUE_ENTRY:
		*what = "IA32_VMX_BASIC has bit 55 (TRUE controls)";
		return (int)(basic >> 55 & 1);
	case NVMX_VMFUNC:
		*what = "IA32_VMX_PROCBASED_CTLS2 allows VM functions (bit 45)";
		return (int)(proc2 >> 45 & 1);
	case NVMX_PROCBASED3:
		*what = "IA32_VMX_PROCBASED_CTLS allows tertiary controls (bit 49)";
		return (int)(proc >> 49 & 1);
	case NVMX_EXIT2:
		*what = "IA32_VMX_EXIT_CTLS allows secondary exit controls (bit 63)";
		return (int)(exit >> 63);
	default:
		*what = "IA32_VMX_BASIC can be read (every VMX CPU has 0x480..0x48a)";
		return 1;
	}
}

int nvmx_live_read_cpu(const char *root, unsigned cpu, struct nvmx_hostfile *out,
		       struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	struct nvmx_diag *d = io_diag_begin(diag, &scratch);
	char rel[64], path[1024];
	io_hostfile_init(out, NULL);
	snprintf(out->name, sizeof(out->name), "cpu%u", cpu);

	if (read_cpuinfo(root, cpu, out, d) < 0)
		return -1;

	snprintf(rel, sizeof(rel), "/dev/cpu/%u/msr", cpu);
	join(path, sizeof(path), root, rel);
	snprintf(out->source, sizeof(out->source), "live: %.500s", path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENXIO || errno == ENODEV)
			io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
				"no such device: the msr driver is not loaded (try: modprobe msr)");
		else if (errno == EACCES || errno == EPERM)
			io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
				"permission denied: reading MSRs needs root (or CAP_SYS_RAWIO)");
		else
			io_fail_sys(d, NVMX_E_UNAVAILABLE, errno, path, 0, "cannot open: %s",
				    strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		io_fail(d, NVMX_E_UNAVAILABLE, path, 0, "is a directory, not the msr device");
		close(fd);
		return -1;
	}
	/*
	 * The device takes the file offset as the MSR index, so reads at 0x480
	 * and 0x481 return independent 8-byte values.  A plain file cannot do
	 * that, so a regular file here is a test fixture holding MSR n at byte
	 * offset 8*n (a sparse file; past its end = not implemented).
	 */
	off_t stride = S_ISREG(st.st_mode) ? 8 : 1;
	struct msr_faults faults = { 0 };
	if (S_ISREG(st.st_mode) && read_faults(path, &faults, d) < 0) {
		close(fd);
		return -1;
	}
	uint32_t faulted = 0;	/* MSRs whose RDMSR faulted (EIO) */
	for (int id = 0; id < NVMX_MSR_COUNT; id++) {
		uint64_t v;
		ssize_t r = msr_pread(fd, &v, nvmx_msr_index((enum nvmx_msr_id)id), stride, &faults);
		/*
		 * The driver answers EIO when RDMSR faults, i.e. the MSR is not
		 * implemented.  End of file only happens with test fixtures; both
		 * mean absent.
		 */
		if (r < 0 && errno == EIO) {
			faulted |= 1u << id;
			continue;
		}
		if (r == 0)
			continue;
		if (r < 0 && (errno == EACCES || errno == EPERM)) {
			io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
				"permission denied reading MSR 0x%x: reading MSRs needs root (or "
				"CAP_SYS_RAWIO)",
				nvmx_msr_index((enum nvmx_msr_id)id));
			close(fd);
			return -1;
		}
		if (r != (ssize_t)sizeof(v)) {
			io_fail_sys(d, NVMX_E_UNAVAILABLE, r < 0 ? errno : 0, path, 0,
				    "reading MSR 0x%x: %s", nvmx_msr_index((enum nvmx_msr_id)id),
				    r < 0 ? strerror(errno) : "short read");
			close(fd);
			return -1;
		}
		nvmx_msrs_set(&out->host.msrs, (enum nvmx_msr_id)id, v);
	}
	close(fd);
	if (!nvmx_msrs_has(&out->host.msrs, NVMX_BASIC)) {
		io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
			"IA32_VMX_BASIC (0x480) cannot be read%s: this CPU has no VMX capability "
			"MSRs",
			faulted & 1 ? " (RDMSR faults)" : "");
		return -1;
	}
	/* An MSR the others say exists, yet faulting, is worth a word (a hypervisor's gap?). */
	for (int id = 1; id < NVMX_MSR_COUNT; id++) {
		const char *what;
		if ((faulted >> id & 1) && enumerated_by((enum nvmx_msr_id)id, &out->host.msrs, &what) == 1)
			io_warn(d, "%s: MSR 0x%x (%s) faults although %s; left absent", path,
				nvmx_msr_index((enum nvmx_msr_id)id), nvmx_io_msr_name((enum nvmx_msr_id)id),
				what);
	}
	return 0;
}

static int kvm_fixture(const char *path, struct nvmx_msrs *out, struct nvmx_diag *d)
{
	size_t len;
	int err;
	char *buf = io_read_all(path, 1u << 20, &len, &err);
	if (!buf) {
		if (err == EACCES || err == EPERM)
			io_fail_sys(d, NVMX_E_UNAVAILABLE, err, path, 0,
				    "permission denied: join the kvm group or run as root");
		else
			io_fail_read(d, NVMX_E_UNAVAILABLE, path, err, 1u << 20, "the KVM device");
		return -1;
	}
	struct nvmx_hostfile *h = malloc(sizeof(*h));
	int rc = -1;
	if (!h)
		io_fail(d, NVMX_E_NOMEM, path, 0, "out of memory");
	else if (io_parse_text(path, buf, len, h, d, true) == 0) {
		*out = h->host.msrs;
		rc = 0;
	}
	free(h);
	free(buf);
	return rc;
}

#ifdef HAVE_KVM_IOCTLS
static int kvm_ioctls(const char *path, struct nvmx_msrs *out, struct nvmx_diag *d)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENXIO || errno == ENODEV)
			io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
				"no such device: KVM is not loaded (try: modprobe kvm_intel)");
		else if (errno == EACCES || errno == EPERM)
			io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
				"permission denied: join the kvm group or run as root");
		else
			io_fail_sys(d, NVMX_E_UNAVAILABLE, errno, path, 0, "cannot open: %s",
				    strerror(errno));
		return -1;
	}
	int rc = -1;
	struct kvm_msr_list probe = { .nmsrs = 0 };
	struct kvm_msr_list *list = NULL;
	int ext = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES);
	if (ext < 0) {
		io_fail_sys(d, NVMX_E_UNAVAILABLE, errno, path, 0,
			    "not a KVM device (KVM_CHECK_EXTENSION: %s)", strerror(errno));
		goto out;
	}
	if (ext == 0) {
		io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
			"this kernel has no KVM_GET_MSR_FEATURE_INDEX_LIST (needs Linux 4.17+)");
		goto out;
	}
	/* The first call, with room for none, reports how many there are. */
	if (ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe) < 0 && errno != E2BIG) {
		io_fail_sys(d, NVMX_E_UNAVAILABLE, errno, path, 0,
			    "KVM_GET_MSR_FEATURE_INDEX_LIST: %s", strerror(errno));
		goto out;
	}
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(list->indices[0]));
	if (!list) {
		io_fail(d, NVMX_E_NOMEM, path, 0, "out of memory");
		goto out;
	}
	list->nmsrs = probe.nmsrs;
	if (ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, list) < 0) {
		io_fail_sys(d, NVMX_E_UNAVAILABLE, errno, path, 0,
			    "KVM_GET_MSR_FEATURE_INDEX_LIST: %s", strerror(errno));
		goto out;
	}
	for (uint32_t i = 0; i < list->nmsrs; i++) {
		uint32_t idx = list->indices[i];
		if (idx < NVMX_MSR_BASE || idx >= NVMX_MSR_BASE + NVMX_MSR_COUNT)
			continue;
		/* One header plus one entry; uint64_t keeps the entry's alignment. */
		uint64_t raw[(sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)) / 8 + 1];
		struct kvm_msrs *one = (struct kvm_msrs *)raw;
		memset(raw, 0, sizeof(raw));
		one->nmsrs = 1;
		one->entries[0].index = idx;
		/* The ioctl returns how many entries it filled: 1, or 0 if KVM refused this one. */
		int n = ioctl(fd, KVM_GET_MSRS, one);
		if (n < 0) {
			io_fail_sys(d, NVMX_E_UNAVAILABLE, errno, path, 0, "KVM_GET_MSRS(0x%x): %s",
				    idx, strerror(errno));
			goto out;
		}
		if (n == 1)
			nvmx_msrs_set(out, (enum nvmx_msr_id)(idx - NVMX_MSR_BASE),
				      one->entries[0].data);
		else
			io_warn(d, "%s: KVM lists MSR 0x%x but KVM_GET_MSRS refuses it; left absent",
				path, idx);
	}
	rc = 0;
out:
	free(list);
	close(fd);
	return rc;
}
#endif

/*
 * A regular file at <root>/dev/kvm stands in for the device: ioctls cannot be
 * faked in a file tree, so tests put there, in .msrs text form, the MSRs a
 * KVM would offer (none at all models nested=0).  The real device is a
 * character device and goes through the ioctls.
 */
int nvmx_live_read_kvm(const char *root, struct nvmx_msrs *out, struct nvmx_diag *diag)
{
	struct nvmx_diag scratch;
	struct nvmx_diag *d = io_diag_begin(diag, &scratch);
	char path[1024];
	struct stat st;
	join(path, sizeof(path), root, "/dev/kvm");
	memset(out, 0, sizeof(*out));

	int rc;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		rc = kvm_fixture(path, out, d);
	} else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		io_fail(d, NVMX_E_UNAVAILABLE, path, 0, "is a directory, not the KVM device");
		rc = -1;
	} else {
#ifdef HAVE_KVM_IOCTLS
		rc = kvm_ioctls(path, out, d);
#else
		io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
			"reading KVM's feature MSRs needs Linux and <linux/kvm.h>");
		rc = -1;
#endif
	}
	if (rc == 0 && !out->present) {
		io_fail(d, NVMX_E_UNAVAILABLE, path, 0,
			"KVM offers no VMX feature MSRs (nested=0 or not Intel)");
		rc = -1;
	}
	return rc;
}
