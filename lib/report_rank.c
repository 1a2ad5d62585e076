/* SPDX-License-Identifier: MIT */
/*
 * Ranking what would reject a write the user's QEMU failed on: most likely
 * first.  The search (report_search.c) finds every single difference that
 * reproduces the failure; which one the user has is a matter of likelihood,
 * weighed in three tiers (docs/nvmx.1, explain, "Ranking"):
 *
 *  1. evidence in the user's own inputs: the log's kernel (uname) is of the
 *     release's series, the command line turns on hv-evmcs, the text names
 *     Hyper-V or another outer hypervisor, or the value itself lacks a
 *     control every QEMU model sets (only a host forcing it explains that);
 *  2. one change reproducing every failure of the log beats one that
 *     reproduces some (nvmx_would_fail_rank_across);
 *  3. how common the difference is: a build of the same series (a stable or
 *     distribution kernel: most users run one, not the upstream release);
 *     a guest CPUID flag turned off (-mpx, -waitpkg: models and libvirt do
 *     it); enable_apicv=0; QEMU 4.2's 0x48B workaround when the log names no
 *     QEMU; another series, nearer first; KVM on Hyper-V; an outer
 *     hypervisor that hides or forces a control (a partial-VMX host: it must
 *     exist at all, and lack exactly that bit); eVMCS in L1; other
 *     parameters; a write after KVM_RUN; no PMU.
 *
 * A release of another series ranks lowest when the log names the user's
 * kernel: it is then known not to be that.
 */
#include "nvmx/report.h"

/* Score of each tier; tiers never overlap (a prior is < 1000, a distance < 100). */
#define EVIDENCE 4000u
#define ALL_EVENTS 2000u

static unsigned series(uint32_t v)
{
	return (v >> 24) * 20 + ((v >> 16) & 0xff);
}

static unsigned distance(const struct nvmx_env *env, const struct nvmx_kernel *k)
{
	unsigned a = series(nvmx_kernel_version(env->kernel)), b = series(nvmx_kernel_version(k));
	unsigned d = a > b ? a - b : b - a;
	return d > 99 ? 99 : d;
}

/* The prior of a change (tier 3, x100) and its reasons; evidence is added by the caller. */
static unsigned prior(const struct nvmx_env *env, struct nvmx_env_change *c)
{
	switch (c->kind) {
	case NVMX_CH_RELEASE: {
		uint32_t kv = nvmx_kernel_version(c->kernel) >> 16;
		if (env->user_kernel && (env->user_kernel >> 16) != kv) {
			c->why |= NVMX_WHY_LOG_OTHER_KERNEL;
			return 100 - distance(env, c->kernel);
		}
		if (kv == nvmx_kernel_version(env->kernel) >> 16) {
			c->why |= NVMX_WHY_SAME_SERIES;
			return 900;
		}
		c->why |= NVMX_WHY_OTHER_SERIES;
		return 500 - distance(env, c->kernel);
	}
	case NVMX_CH_GUEST_NO_MPX:
	case NVMX_CH_GUEST_NO_WAITPKG:
		c->why |= NVMX_WHY_COMMON;
		return 800;
	case NVMX_CH_PARAM:
		if (c->param == NVMX_P_ENABLE_APICV && !c->param_value) {
			c->why |= NVMX_WHY_COMMON;
			return 700;
		}
		c->why |= NVMX_WHY_UNCOMMON;
		return 200;
	case NVMX_CH_QEMU_RELEASE:
		c->why |= NVMX_WHY_NO_QEMU;
		return 600;
	case NVMX_CH_HOST_HYPERV:
		if (!env->hint_hyperv)
			c->why |= NVMX_WHY_UNSEEN;
		return 400;
	case NVMX_CH_HOST_HIDES:
	case NVMX_CH_HOST_FORCES:
		if (!env->hint_outer_vm)
			c->why |= NVMX_WHY_UNSEEN;
		return 300;
	case NVMX_CH_STATE_EVMCS:
		if (!env->hint_evmcs)
			c->why |= NVMX_WHY_UNSEEN;
		return 300;
	case NVMX_CH_STATE_HAS_RUN:
	case NVMX_CH_GUEST_NO_PMU:
		c->why |= NVMX_WHY_UNCOMMON;
		return 100;
	}
	return 0;
}

static void score(const struct nvmx_env *env, struct nvmx_env_change *c)
{
	c->why &= NVMX_WHY_VALUE | NVMX_WHY_ALL_EVENTS;	/* set by the search / across probes */
	unsigned s = prior(env, c);
	if (c->kind == NVMX_CH_RELEASE && env->user_kernel &&
	    (env->user_kernel >> 16) == (nvmx_kernel_version(c->kernel) >> 16))
		c->why |= NVMX_WHY_LOG_KERNEL;
	if (c->kind == NVMX_CH_STATE_EVMCS && env->hint_evmcs)
		c->why |= NVMX_WHY_LOG_EVMCS;
	if (c->kind == NVMX_CH_HOST_HYPERV && env->hint_hyperv)
		c->why |= NVMX_WHY_LOG_HYPERV;
	if ((c->kind == NVMX_CH_HOST_HIDES || c->kind == NVMX_CH_HOST_FORCES) && env->hint_outer_vm)
		c->why |= NVMX_WHY_LOG_OUTER_VM;
	if (c->why & (NVMX_WHY_LOG_KERNEL | NVMX_WHY_LOG_EVMCS | NVMX_WHY_LOG_HYPERV |
		      NVMX_WHY_LOG_OUTER_VM | NVMX_WHY_VALUE))
		s += EVIDENCE;
	if (c->why & NVMX_WHY_ALL_EVENTS)
		s += ALL_EVENTS;
	c->likelihood = s;
}

/* Stable: equal likelihoods keep the search's order (a release table's order). */
static void sort(struct nvmx_would_fail *out)
{
	for (unsigned i = 1; i < out->n; i++) {
		struct nvmx_env_change t = out->c[i];
		unsigned j = i;
		for (; j > 0 && out->c[j - 1].likelihood < t.likelihood; j--)
			out->c[j] = out->c[j - 1];
		out->c[j] = t;
	}
}

/*
 * One outer hypervisor is one difference whichever of the bits it hides:
 * the per-bit entries of a kind become one, listing the bits (each alone
 * reproduces the failure); its verdict is the first bit's, as an example,
 * and the releases that accept it even then are those that accept every one.
 */
static void fold(struct nvmx_would_fail *out, enum nvmx_env_change_kind kind, uint32_t value)
{
	unsigned first = out->n, w = 0;
	for (unsigned i = 0; i < out->n; i++) {
		struct nvmx_env_change *c = &out->c[i];
		bool mine = c->kind == kind && (c->why & NVMX_WHY_VALUE) == value;
		if (mine && !c->hide_mask)
			c->hide_mask = UINT64_C(1) << c->hide_bit;
		if (!mine || first == out->n) {
			if (mine)
				first = w;
			out->c[w++] = *c;
			continue;
		}
		struct nvmx_env_change *f = &out->c[first];
		f->hide_mask |= c->hide_mask;	/* its verdict stays the first bit's: an example */
		for (unsigned k = 0; k < NVMX_ENV_MAX_RELEASES / 64; k++)
			f->releases_ok[k] &= c->releases_ok[k];
	}
	out->n = w;
}

void nvmx_would_fail_rank(struct nvmx_would_fail *out, const struct nvmx_env *env)
{
	/* Controls the value itself points at (NVMX_WHY_VALUE) stay apart from the others. */
	fold(out, NVMX_CH_HOST_HIDES, 0);
	fold(out, NVMX_CH_HOST_FORCES, NVMX_WHY_VALUE);
	fold(out, NVMX_CH_HOST_FORCES, 0);
	for (unsigned i = 0; i < out->n; i++)
		score(env, &out->c[i]);
	sort(out);
}

/* The same difference in two probes' lists (an outer hypervisor: any bits). */
static bool same(const struct nvmx_env_change *a, const struct nvmx_env_change *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case NVMX_CH_PARAM:
		return a->param == b->param && a->param_value == b->param_value;
	case NVMX_CH_RELEASE:
		return a->kernel == b->kernel;
	case NVMX_CH_QEMU_RELEASE:
		return a->qemu == b->qemu;
	default:
		return true;
	}
}

void nvmx_would_fail_rank_across(struct nvmx_would_fail *const *lists, unsigned n)
{
	unsigned nonempty = 0;
	for (unsigned i = 0; i < n; i++)
		nonempty += lists[i]->n != 0;
	if (nonempty < 2)
		return;
	for (unsigned i = 0; i < n; i++) {
		struct nvmx_would_fail *l = lists[i];
		for (unsigned k = 0; k < l->n; k++) {
			struct nvmx_env_change *c = &l->c[k];
			bool all = true;
			for (unsigned j = 0; j < n && all; j++) {
				if (j == i || !lists[j]->n)
					continue;
				bool found = false;
				for (unsigned m = 0; m < lists[j]->n && !found; m++)
					found = same(c, &lists[j]->c[m]);
				all = found;
			}
			if (all && !(c->why & NVMX_WHY_ALL_EVENTS)) {
				c->why |= NVMX_WHY_ALL_EVENTS;
				c->likelihood += ALL_EVENTS;
			}
		}
		sort(l);
	}
}

size_t nvmx_env_change_why(const struct nvmx_env_change *c, char *buf, size_t n)
{
	static const char *const text[] = {
		"the log's kernel is of this series",
		"the command line turns on hv-evmcs (hv-passthrough does)",
		"the log names Hyper-V, WSL or Azure",
		"the log names an outer hypervisor (VMware, VirtualBox, a cloud VM)",
		"the value lacks a control every QEMU model sets: only a host forcing it explains that",
		"it reproduces every failure in the log",
		"a build of the series explained (stable and distribution kernels are common)",
		"a difference users commonly have",
		"another series (nearer first)",
		"against it: the log's kernel is another series",
		"a setting few users change, or a rare situation",
		NULL,	/* NVMX_WHY_UNSEEN: by kind, below */
		"the log names no QEMU release, and an old one writes this other value",
	};
	size_t len = 0;
	if (n)
		buf[0] = 0;
	for (unsigned b = 0; b < sizeof(text) / sizeof(text[0]); b++) {
		if (!((c->why >> b) & 1))
			continue;
		const char *t = text[b];
		if (!t)
			t = c->kind == NVMX_CH_HOST_HYPERV ? "needs KVM on Hyper-V, which nothing in the log shows"
			    : c->kind == NVMX_CH_STATE_EVMCS ? "needs hv-evmcs in the guest, which nothing in the log shows"
			    : "needs an outer hypervisor lacking the bit, which nothing in the log shows";
		const char *sep = len ? "; " : "";
		for (const char *s = sep; *s; s++, len++)
			if (len + 1 < n)
				buf[len] = *s, buf[len + 1] = 0;
		for (const char *s = t; *s; s++, len++)
			if (len + 1 < n)
				buf[len] = *s, buf[len + 1] = 0;
	}
	return len;
}
