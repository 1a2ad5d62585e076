/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kh.h: stand-ins for the kernel's basic infrastructure, written for the
 * harness. The kernel functions copied from a tree (kgen.c) are compiled
 * against these instead of the kernel's own headers: plain types, compiler
 * attributes, logging into the case's kernel_log, WARN/BUG that end the case,
 * and the MSR/CPUID reads answered from the host dump (runtime.c).
 */
#ifndef KH_H
#define KH_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <limits.h>
#include "kh_layout.h"

/* the modelled kernel configuration (kextract.py CONFIG must agree) */
#define CONFIG_X86_64 1
#define CONFIG_X86 1
#define CONFIG_HYPERV 1
#define CONFIG_KVM_HYPERV 1
#define CONFIG_X86_SGX_KVM 1
#define CONFIG_KVM_INTEL 1
#define CONFIG_SMP 1
#define CONFIG_X86_LOCAL_APIC 1
#define CONFIG_CPU_SUP_INTEL 1
/* the kernel's trick, so that IS_ENABLED() also works in #if */
#define KH_ARG_PLACEHOLDER_1 0,
#define kh_take_second_arg(ignored, val, ...) val
#define kh_is_defined(x) kh_is_defined_(x)
#define kh_is_defined_(val) kh_is_defined__(KH_ARG_PLACEHOLDER_##val)
#define kh_is_defined__(arg1_or_junk) kh_take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(x) kh_is_defined(x)
#define IS_BUILTIN(x) IS_ENABLED(x)
#define IS_REACHABLE(x) IS_ENABLED(x)

typedef uint8_t u8;   typedef int8_t s8;
typedef uint16_t u16; typedef int16_t s16;
typedef uint32_t u32; typedef int32_t s32;
typedef uint64_t u64; typedef int64_t s64;
typedef uint8_t __u8; typedef uint16_t __u16; typedef uint32_t __u32; typedef uint64_t __u64;
typedef int32_t __s32; typedef int64_t __s64;
typedef u64 gpa_t; typedef u64 gva_t; typedef u64 gfn_t; typedef u64 hpa_t; typedef u64 hfn_t;
typedef u64 phys_addr_t;
typedef unsigned int gfp_t;
typedef struct { int counter; } atomic_t;

#define __init
#define __exit
#define __initdata
#define __initconst
#define __read_mostly
#define __ro_after_init
#undef __always_inline
#define __always_inline inline
#define noinline __attribute__((noinline))
#define noinstr
#define __maybe_unused __attribute__((unused))
#define __used __attribute__((used))
#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __cpuidle
#define __must_check
#define __weak __attribute__((weak))
#define __percpu
#define __user
#define __iomem
#define __force
#define __rcu
#define __pure
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define asmlinkage
#define fallthrough __attribute__((fallthrough))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (x)
#define WRITE_ONCE(x, v) ((x) = (v))
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define EXPORT_SYMBOL_NS_GPL(x, ns)
#define EXPORT_SYMBOL_FOR_KVM_INTERNAL(x)
#define EXPORT_SYMBOL_FOR_KVM(x)
#define module_param(name, type, perm) extern int kh_unused_decl
#define module_param_named(name, var, type, perm) extern int kh_unused_decl
#define module_param_cb(name, ops, arg, perm) extern int kh_unused_decl
#define MODULE_PARM_DESC(a, b) extern int kh_unused_decl
#define module_init(f) extern int kh_unused_decl
#define module_exit(f) extern int kh_unused_decl
#define THIS_MODULE NULL
#define KBUILD_MODNAME "kvm_intel"

#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l) (((~0UL) - (1UL << (l)) + 1) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) - (1ULL << (l)) + 1) & (~0ULL >> (63 - (h))))
#define GENMASK_U64(h, l) GENMASK_ULL(h, l)
#define _BITUL(x) (1UL << (x))
#define _BITULL(x) (1ULL << (x))
#define _AC(x, y) (x##y)
#define _UL(x) (x##UL)
#define _ULL(x) (x##ULL)
#define UL(x) (x##UL)
#define ULL(x) (x##ULL)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BITS_PER_LONG 64
#define BITS_TO_LONGS(n) (((n) + 63) / 64)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]
#define PAGE_SHIFT 12
#define PAGE_SIZE 4096UL
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define upper_32_bits(n) ((u32)(((u64)(n)) >> 32))
#define lower_32_bits(n) ((u32)((n) & 0xffffffff))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define BUILD_BUG_ON_MSG(c, m) _Static_assert(!(c), m)
#define static_assert(...) _Static_assert(__VA_ARGS__)
#define container_of(p, t, m) ((t *)((char *)(p) - offsetof(t, m)))
#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)
#define ffs(x) __builtin_ffs(x)
#define __ffs(x) ((unsigned long)__builtin_ctzl(x))
#define fls(x) ((x) ? 32 - __builtin_clz(x) : 0)
#define hweight32(x) __builtin_popcount(x)
#define hweight64(x) __builtin_popcountll(x)
#define ALIGN(x, a) (((x) + (a) - 1) & ~((typeof(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((typeof(x))(a) - 1)) == 0)

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define E2BIG 7
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define EOPNOTSUPP 95
#define ENOTSUPP 524

/* --- the case's kernel log (runtime.c) --- */
enum kh_level { KH_ERR, KH_WARN, KH_INFO, KH_DEBUG };
void kh_log(enum kh_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kh_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a kernel WARN: logged; the run goes on as the kernel's would */
int kh_warn(const char *file, int line, const char *fmt, ...);
/* a kernel BUG: the case ends (the driver reports it) */
_Noreturn void kh_bug(const char *file, int line);

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define printk(...) kh_printk(__VA_ARGS__)
#define KH_ONCE(stmt) ({ static bool kh_done_; bool kh_first_ = !kh_done_; kh_done_ = true; if (kh_first_) { stmt; } })
#define pr_crit(...) kh_log(KH_ERR, __VA_ARGS__)
#define pr_err(...) kh_log(KH_ERR, __VA_ARGS__)
#define pr_warn(...) kh_log(KH_WARN, __VA_ARGS__)
#define pr_warning(...) kh_log(KH_WARN, __VA_ARGS__)
#define pr_notice(...) kh_log(KH_INFO, __VA_ARGS__)
#define pr_info(...) kh_log(KH_INFO, __VA_ARGS__)
#define pr_debug(...) ((void)0)
#define pr_cont(...) kh_log(KH_INFO, __VA_ARGS__)
#define pr_err_once(...) KH_ONCE(kh_log(KH_ERR, __VA_ARGS__))
#define pr_warn_once(...) KH_ONCE(kh_log(KH_WARN, __VA_ARGS__))
#define pr_info_once(...) KH_ONCE(kh_log(KH_INFO, __VA_ARGS__))
#define pr_err_ratelimited(...) kh_log(KH_ERR, __VA_ARGS__)
#define pr_warn_ratelimited(...) kh_log(KH_WARN, __VA_ARGS__)
#define pr_info_ratelimited(...) kh_log(KH_INFO, __VA_ARGS__)
#define printk_once(...) KH_ONCE(kh_printk(__VA_ARGS__))
#define WARN(c, ...) ({ int kh_c_ = !!(c); if (kh_c_) kh_warn(__FILE__, __LINE__, __VA_ARGS__); kh_c_; })
#define WARN_ON(c) ({ int kh_c_ = !!(c); if (kh_c_) kh_warn(__FILE__, __LINE__, "%s", #c); kh_c_; })
#define WARN_ONCE(c, ...) ({ int kh_c_ = !!(c); if (kh_c_) KH_ONCE(kh_warn(__FILE__, __LINE__, __VA_ARGS__)); kh_c_; })
#define WARN_ON_ONCE(c) ({ int kh_c_ = !!(c); if (kh_c_) KH_ONCE(kh_warn(__FILE__, __LINE__, "%s", #c)); kh_c_; })
#define BUG() kh_bug(__FILE__, __LINE__)
#define BUG_ON(c) do { if (c) kh_bug(__FILE__, __LINE__); } while (0)

/* --- MSRs, answered from the host dump (runtime.c) --- */
/* an unchecked read of an MSR the host lacks logs as the kernel's fixup does and reads 0 */
u64 kh_rdmsr(u32 msr);
int kh_rdmsr_safe(u32 msr, u64 *val);
#define rdmsrl(msr, val) ((val) = kh_rdmsr(msr))
#define rdmsrq(msr, val) ((val) = kh_rdmsr(msr))
#define rdmsr(msr, lo, hi) do { u64 kh_v_ = kh_rdmsr(msr); (lo) = (u32)kh_v_; (hi) = (u32)(kh_v_ >> 32); } while (0)
#define rdmsr_safe(msr, lo, hi) ({ u64 kh_v_; int kh_r_ = kh_rdmsr_safe(msr, &kh_v_); *(lo) = (u32)kh_v_; *(hi) = (u32)(kh_v_ >> 32); kh_r_; })
#define rdmsrl_safe(msr, p) kh_rdmsr_safe(msr, p)
#define rdmsrq_safe(msr, p) kh_rdmsr_safe(msr, p)
#define native_read_msr(msr) kh_rdmsr(msr)

/* --- CPU identity and features, from the host dump --- */
bool kh_cpu_has(unsigned int feature);
void kh_cpu_set(unsigned int feature, bool on);
u32 kh_cpuid_eax(u32 leaf);
struct cpuinfo_x86 {
	u8 x86;
	u8 x86_vendor;
	u8 x86_model;
	u8 x86_stepping;
	u32 x86_vfm;
	int x86_phys_bits;
	int x86_cache_bits;
};
extern struct cpuinfo_x86 boot_cpu_data;
#define boot_cpu_has(f) kh_cpu_has(f)
#define static_cpu_has(f) kh_cpu_has(f)
#define this_cpu_has(f) kh_cpu_has(f)
#define cpu_has(c, f) kh_cpu_has(f)
#define cpu_feature_enabled(f) kh_cpu_has(f)
#define setup_clear_cpu_cap(f) kh_cpu_set(f, false)
#define cpuid_eax(l) kh_cpuid_eax(l)
#define X86_VENDOR_INTEL 0
#define X86_VENDOR_CENTAUR 5
#define X86_VENDOR_ZHAOXIN 10

/* --- static keys: plain booleans --- */
struct static_key_false { bool enabled; };
struct static_key_true { bool enabled; };
#define DEFINE_STATIC_KEY_FALSE(name) struct static_key_false name = { false }
#define DEFINE_STATIC_KEY_TRUE(name) struct static_key_true name = { true }
#define DECLARE_STATIC_KEY_FALSE(name) extern struct static_key_false name
#define DECLARE_STATIC_KEY_TRUE(name) extern struct static_key_true name
#define static_branch_unlikely(k) ((k)->enabled)
#define static_branch_likely(k) ((k)->enabled)
#define static_branch_enable(k) ((k)->enabled = true)
#define static_branch_disable(k) ((k)->enabled = false)
#define static_key_enabled(k) ((k)->enabled)

/* --- per-CPU and SMP: one CPU --- */
#define DEFINE_PER_CPU(t, n) t n
#define DECLARE_PER_CPU(t, n) extern t n
#define per_cpu(v, cpu) (v)
#define this_cpu_ptr(p) (p)
#define per_cpu_ptr(p, cpu) (p)
#define __this_cpu_read(v) (v)
#define this_cpu_read(v) (v)
#define smp_processor_id() 0
#define raw_smp_processor_id() 0
#define for_each_online_cpu(c) for ((c) = 0; (c) < 1; (c)++)
#define for_each_possible_cpu(c) for ((c) = 0; (c) < 1; (c)++)
#define num_online_cpus() 1

#endif
