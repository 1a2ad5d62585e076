/* SPDX-License-Identifier: MIT */
/*
 * Partial hosts: a host read from an input that does not give every bit
 * (/proc/cpuinfo's vmx flags, QEMU's vmxcap output, libvirt XML).  The host
 * holds an assumption where the input is silent, and nvmx_unknown says
 * where that is.  A question about such a host is answered for every
 * completion the input allows, not for the assumption: an answer "holds"
 * only if no completion was found where it does not.  Like the rest of the
 * core: no I/O, no allocation, no global state.
 */
#ifndef NVMX_PARTIAL_H
#define NVMX_PARTIAL_H

#include "host.h"

/* What an input leaves unknown. */
struct nvmx_unknown {
	uint64_t msr[NVMX_MSR_COUNT];	/* bits of each MSR (of those present) */
	uint64_t features;		/* NVMX_FEAT() bits of the CPUID features */
};

/* Any unknown bit of a present MSR or any unknown feature. */
bool nvmx_unknown_any(const struct nvmx_unknown *u, const struct nvmx_host *h);

/* The question asked of one completion: src and dst are the two hosts. */
typedef bool (*nvmx_partial_fn)(void *ctx, const struct nvmx_host *src,
				const struct nvmx_host *dst);

enum nvmx_partial_answer {
	NVMX_PARTIAL_HOLDS,	/* on every completion tried (every one when exhaustive) */
	NVMX_PARTIAL_FAILS,	/* on every completion tried */
	NVMX_PARTIAL_DEPENDS,	/* holds on some, not on others */
};

#define NVMX_PARTIAL_MAX_VARS 512

struct nvmx_partial_result {
	enum nvmx_partial_answer answer;
	bool exhaustive;		/* every completion was asked: the answer is proven */
	unsigned vars;			/* independent unknown bits */
	unsigned long tried;		/* completions asked */
	/*
	 * DEPENDS: a completion where it fails (fail[0] source, fail[1]
	 * destination) and the unknown bits in which it differs from one where
	 * it holds, reduced to those that decide (side 0 source, 1 destination).
	 */
	struct nvmx_host fail[2];
	struct nvmx_unknown decide[2];
};

/*
 * Ask fn of the completions of src (unknowns usrc) and dst (udst).  src may
 * be NULL (a source that is not a host: only dst varies); usrc or udst NULL
 * or empty: that side is as given.  same: src and dst are one machine (one
 * input), so both sides get the same completion.
 *
 * The non-TRUE and TRUE control MSRs share their allowed-1 half (SDM A.3):
 * an unknown allowed-1 bit is one variable for both.  Up to 14 variables
 * every completion is asked (exhaustive); beyond, the search asks the
 * assumption, all unknown bits 0, all 1, each bit flipped from these three,
 * pseudo-random completions, then every combination of the bits seen to
 * change the answer when those are at most 12.  It is a search, not a
 * proof: callers say "migratable" only on HOLDS, and name the bound.
 */
void nvmx_partial_search(struct nvmx_partial_result *r, const struct nvmx_host *src,
			 const struct nvmx_unknown *usrc, const struct nvmx_host *dst,
			 const struct nvmx_unknown *udst, bool same, nvmx_partial_fn fn,
			 void *ctx);

#endif
