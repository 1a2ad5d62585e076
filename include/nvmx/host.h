/* SPDX-License-Identifier: MIT */
/*
 * A host as the KVM model sees it: raw VMX MSRs, CPU identity, the CPUID
 * features the kernel consults, and the environment KVM runs in.
 */
#ifndef NVMX_HOST_H
#define NVMX_HOST_H

#include <stddef.h>
#include "msr.h"

/*
 * CPUID features the model reads (host and guest).  Names are the
 * /proc/cpuinfo flag names; the table lives in lib/features.c.
 */
enum nvmx_feature {
	NVMX_F_VME, NVMX_F_DE, NVMX_F_PSE, NVMX_F_TSC, NVMX_F_PAE, NVMX_F_MCE,
	NVMX_F_PGE, NVMX_F_FXSR, NVMX_F_SSE,			/* CPUID.1:EDX */
	NVMX_F_VMX, NVMX_F_SMX, NVMX_F_PCID, NVMX_F_XSAVE,
	NVMX_F_RDRAND,						/* CPUID.1:ECX */
	NVMX_F_FSGSBASE, NVMX_F_SGX, NVMX_F_SMEP, NVMX_F_INVPCID,
	NVMX_F_MPX, NVMX_F_RDSEED, NVMX_F_SMAP,			/* CPUID.7:EBX */
	NVMX_F_UMIP, NVMX_F_PKU, NVMX_F_WAITPKG, NVMX_F_SHSTK,
	NVMX_F_LA57, NVMX_F_RDPID,				/* CPUID.7:ECX */
	NVMX_F_IBT,						/* CPUID.7:EDX */
	NVMX_F_LAM,						/* CPUID.7.1:EAX */
	NVMX_F_XSAVES,						/* CPUID.0xD.1:EAX */
	NVMX_F_NX, NVMX_F_RDTSCP, NVMX_F_LM,			/* CPUID.0x80000001 */
	NVMX_F_COUNT
};

#define NVMX_FEAT(f) (UINT64_C(1) << (f))

struct nvmx_host {
	struct nvmx_msrs msrs;
	char vendor[16];	/* "GenuineIntel" */
	unsigned family;	/* display family */
	unsigned model;		/* display model (Linux x86_model rule) */
	unsigned stepping;
	uint64_t features;	/* NVMX_FEAT() bits */
	bool hyperv_evmcs;	/* KVM itself runs on Hyper-V with enlightened VMCS */
};

/* cpuinfo flag name <-> feature; -1 / NULL when not one the model reads. */
int nvmx_feature_lookup(const char *cpuinfo_name);
const char *nvmx_feature_name(enum nvmx_feature f);
/* The features named in a cpuinfo flags line (words separated by spaces or tabs). */
uint64_t nvmx_features_from_text(const char *flags, size_t len);

#endif
