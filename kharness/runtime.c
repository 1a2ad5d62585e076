// SPDX-License-Identifier: GPL-2.0-only
/*
 * runtime.c: the world the copied kernel code runs in, one case at a time.
 * The host dump answers RDMSR and CPUID; the kernel log is collected for the
 * case's output; a kernel BUG ends the case (the driver forks per case).
 * Included into kgen.c (one translation unit with the kernel code).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <unistd.h>

struct kh_host kh_host;
struct kh_log kh_klog;
struct ms_hyperv_info ms_hyperv;
bool kh_hyperv;
unsigned int tsc_khz;             /* unknown: the kernel's 5 GHz fallback applies */
struct cpuinfo_x86 boot_cpu_data;
struct x86_pmu_capability kvm_pmu_cap;
u64 host_efer, host_xcr0;
#ifndef KH_HAS_host_xss
u64 host_xss;
#endif
#ifndef KH_HAS_allow_smaller_maxphyaddr
bool allow_smaller_maxphyaddr;
#endif
static unsigned long kh_feature_bits[64];
int (*kvm_vmx_exit_handlers[128])(struct kvm_vcpu *);
#ifndef KH_HAS_vmx_nested_ops
struct kh_nested_ops vmx_nested_ops;
#endif

/* a page for what setup code allocates (bitmaps); one case runs per process */
void *kh_page(void)
{
	static char pages[16][4096];
	static int n;
	return n < 16 ? pages[n++] : NULL;
}

static int kh_msr_slot(u32 msr)
{
	for (int i = 0; i < kh_host.nmsrs; i++)
		if (kh_host.msr_index[i] == msr)
			return i;
	return -1;
}

/* IA32_VMX_* (0x480..0x493) absent from a dump: the kernel's fixup logs and reads 0 */
u64 kh_rdmsr(u32 msr)
{
	int i = kh_msr_slot(msr);
	if (i >= 0)
		return kh_host.msr_value[i];
	/* the kernel's MSR fixup warns once per boot (pr_warn_once), whatever the MSR */
	static bool warned;
	if (msr >= 0x480 && msr <= 0x493 && !warned) {
		warned = true;
		kh_log(KH_WARN, "unchecked MSR access error: RDMSR from 0x%x", msr);
	}
	return 0;
}

int kh_rdmsr_safe(u32 msr, u64 *val)
{
	int i = kh_msr_slot(msr);
	*val = i >= 0 ? kh_host.msr_value[i] : 0;
	if (i < 0 && msr >= 0x480 && msr <= 0x493)
		return -EIO;
	return 0;
}

bool kh_cpu_has(unsigned int f)
{
	return f < 64 * 64 && (kh_feature_bits[f / 64] >> (f % 64)) & 1;
}

void kh_cpu_set(unsigned int f, bool on)
{
	if (f >= 64 * 64)
		return;
	if (on)
		kh_feature_bits[f / 64] |= 1UL << (f % 64);
	else
		kh_feature_bits[f / 64] &= ~(1UL << (f % 64));
}

/* the dump's flag list, by name (for CPUID bits a tree may have no X86_FEATURE_* for) */
static bool kh_host_lists(const char *flag)
{
	for (int i = 0; i < kh_host.nfeatures; i++)
		if (!strcmp(kh_host.features[i], flag))
			return true;
	return false;
}

/* the processor signature, as CPUID.1:EAX encodes family/model/stepping */
u32 kh_cpuid_eax(u32 leaf)
{
	/* leaf 0: a maximum basic leaf past 0x12; leaf 0x12: SGX1 iff the dump lists `sgx` */
	if (leaf == 0)
		return 0x20;
	if (leaf == 0x12)
		return kh_host_lists("sgx") ? 1 : 0;
	if (leaf != 1)
		return 0;
	u32 fam = kh_host.family, model = kh_host.model;
	u32 eax = kh_host.stepping & 0xf;
	eax |= (model & 0xf) << 4;
	eax |= (fam < 0xf ? fam : 0xf) << 8;
	eax |= ((model >> 4) & 0xf) << 16;
	if (fam >= 0xf)
		eax |= ((fam - 0xf) & 0xff) << 20;
	return eax;
}

u32 kh_cpuid_ecx(u32 leaf)
{
	/* only what vendor code asks: leaf 1 ECX bit 5, VMX */
	return leaf == 1 && kh_host_lists("vmx") ? 1u << 5 : 0;
}

static unsigned long kh_kcap_bits[64];
void kh_kvm_set_cpu_caps(void)
{
	memcpy(kh_kcap_bits, kh_feature_bits, sizeof(kh_kcap_bits));
}

bool kh_kcap_has(unsigned int f)
{
	return f < 64 * 64 && (kh_kcap_bits[f / 64] >> (f % 64)) & 1;
}

void kh_kcap_set(unsigned int f, bool on)
{
	if (f >= 64 * 64)
		return;
	if (on)
		kh_kcap_bits[f / 64] |= 1UL << (f % 64);
	else
		kh_kcap_bits[f / 64] &= ~(1UL << (f % 64));
}

/* host page for Hyper-V's VP assist: present on every CPU when KVM runs on Hyper-V */
static char kh_vp_assist[4096];
struct hv_vp_assist_page *hv_get_vp_assist_page(unsigned int cpu)
{
	(void)cpu;
	return kh_hyperv ? (struct hv_vp_assist_page *)kh_vp_assist : NULL;
}

static void kh_vlog(enum kh_level lvl, const char *fmt, va_list ap)
{
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	if (kh_klog.n < KH_MAX_LOG) {
		kh_klog.lvl[kh_klog.n] = lvl;
		snprintf(kh_klog.msg[kh_klog.n], sizeof(kh_klog.msg[0]), "%.255s", buf);
		kh_klog.n++;
	}
}

void kh_log(enum kh_level lvl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kh_vlog(lvl, fmt, ap);
	va_end(ap);
}

/* printk: a KERN_<LEVEL> prefix picks the level (default: warn, like the kernel's default) */
void kh_printk(const char *fmt, ...)
{
	enum kh_level lvl = KH_WARN;
	if (fmt[0] == '\001' && fmt[1]) {
		int l = fmt[1] - '0';
		lvl = l <= 3 ? KH_ERR : l == 4 ? KH_WARN : l <= 6 ? KH_INFO : KH_DEBUG;
		fmt += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	kh_vlog(lvl, fmt, ap);
	va_end(ap);
}

int kh_warn(const char *file, int line, const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kh_log(KH_WARN, "WARNING at %s:%d: %s", file, line, buf);
	return 1;
}

_Noreturn void kh_bug(const char *file, int line)
{
	fprintf(stderr, "kharness: kernel BUG at %s:%d\n", file, line);
	fflush(stderr);
	abort();
}

/* Set up the host for a case: CPU identity, feature flags, MSRs, Hyper-V. */
void kh_host_apply(void)
{
	boot_cpu_data.x86 = kh_host.family;
	boot_cpu_data.x86_model = kh_host.model;
	boot_cpu_data.x86_stepping = kh_host.stepping;
	boot_cpu_data.x86_vendor = !strcmp(kh_host.vendor, "CentaurHauls") ? X86_VENDOR_CENTAUR :
				   !strcmp(kh_host.vendor, "  Shanghai  ") ? X86_VENDOR_ZHAOXIN :
				   X86_VENDOR_INTEL;
	boot_cpu_data.x86_vfm = ((u32)boot_cpu_data.x86_vendor << 16) |
				((u32)kh_host.family << 8) | kh_host.model;
	boot_cpu_data.x86_phys_bits = 46;
	memset(kh_feature_bits, 0, sizeof(kh_feature_bits));
	for (int i = 0; i < kh_host.nfeatures; i++)
		for (const struct kh_feature *f = kh_features; f->name; f++)
			if (!strcmp(f->name, kh_host.features[i]))
				kh_cpu_set(f->bit, true);
	/* Assumption: firmware enabled VMX (IA32_FEAT_CTL locked with VMX on), so the
	 * kernel's synthetic MSR_IA32_FEAT_CTL flag is set wherever VMX is. */
#ifdef X86_FEATURE_MSR_IA32_FEAT_CTL
	if (kh_cpu_has(X86_FEATURE_VMX))
		kh_cpu_set(X86_FEATURE_MSR_IA32_FEAT_CTL, true);
#endif
	/* Assumption: an architectural host PMU (enable_pmu stays on). */
	kvm_pmu_cap.version = 2;
	kvm_pmu_cap.num_counters_gp = 4;
	kvm_pmu_cap.num_counters_fixed = 3;
	memset(&ms_hyperv, 0, sizeof(ms_hyperv));
	if (kh_hyperv) {
		/* Hyper-V recommends the enlightened VMCS, version 1 (DATA.md) */
		ms_hyperv.hints = HV_X64_ENLIGHTENED_VMCS_RECOMMENDED;
		ms_hyperv.nested_features = 0x0101; /* eVMCS versions 1..1 */
	}
}
