/* SPDX-License-Identifier: MIT */
/*
 * Reading a fleet (io): HOST[@RELEASE] and DIR[@RELEASE] operands, and JSON
 * Lines inventories, one host per line:
 *
 *   {"name":"h000001","dump":"intel-xeon-platinum-8180.msrs","kvm":"6.1",
 *    "params":{"ept":"0"},"hyperv_evmcs":false}
 *
 * or with the MSRs inline ("msrs": {...} and the identity keys, as in a
 * JSON dump), or "uname" (the running kernel, as `nvmx inventory-line`
 * writes it) instead of "kvm".  Every host becomes a profile key (MSRs,
 * identity, release, parameters, environment) that is hashed and counted
 * as it streams in, so memory holds the unique profiles and the dumps read,
 * not the lines.  The reader allocates (the arrays below grow); the result
 * feeds nvmx_fleet_host_init() and nvmx_fleet_classify() (fleet.h).
 */
#ifndef NVMX_INVENTORY_H
#define NVMX_INVENTORY_H

#include <stddef.h>
#include "io.h"
#include "kvm.h"
#include "partial.h"

/* Hosts that are the same to the KVM model, counted once. */
struct nvmx_inventory_profile {
	uint64_t hash;			/* nvmx_fleet_profile_hash */
	unsigned long long count;	/* hosts with this profile */
	struct nvmx_host host;		/* the environment applied */
	const struct nvmx_kernel *kernel;
	struct nvmx_params params;	/* the release's defaults plus what was given */
	char name[128];			/* the first host's name */
	char cpu[128];			/* the processor: the dump's name, or the identity */
	/*
	 * A partial host (cpuinfo, vmxcap, libvirt XML): the bits its input
	 * leaves unknown, and which input it is (1..: one input is one machine,
	 * so two profiles of it share a completion; never merged with another
	 * input's profile); 0 for a complete host.
	 */
	unsigned machine;
	struct nvmx_unknown unknown;
};

/* A host, kept only with keep_members. */
struct nvmx_inventory_member {
	unsigned profile;
	unsigned name;			/* private: nvmx_inventory_member_name() */
};

struct nvmx_inventory_dump;

struct nvmx_inventory {
	/* ---- Settings: nvmx_inventory_init() gives the defaults; set before reading. */
	const struct nvmx_kernel *kernel;	/* a host naming no release (NULL: nvmx_kernel_default()) */
	/*
	 * "NAME=VALUE" kvm_intel parameters for every host whose release has
	 * NAME (a line's "params" come on top); the caller has checked them
	 * (nvmx_param_lookup, nvmx_params_set on some release).
	 */
	const char *const *params;
	unsigned nparams;
	bool hyperv_evmcs;		/* every host's KVM runs on Hyper-V with eVMCS */
	bool dedup;			/* (true) equal profiles are one profile, counted */
	bool keep_members;		/* (false) a record per host: its name and profile */
	/* Bundled dumps: a "dump" that is a bare file name found nowhere else (NULL: none). */
	const char *dumps_dir;
	/* Optional: told of each release name resolved to the nearest row (NVMX_MATCH_NEAREST). */
	void (*approximate)(void *ctx, const char *asked);
	/* Optional: a host file's warnings (without: into the reader's diag, as nvmx_hostfile_read). */
	void (*warning)(void *ctx, const char *msg);
	/* Optional: called now and then while reading (every 1024 files, 4096 lines). */
	void (*progress)(void *ctx);
	void *ctx;

	/* ---- The result. */
	struct nvmx_inventory_profile *prof;
	unsigned nprof;
	unsigned long long nhosts;
	struct nvmx_inventory_member *members;
	size_t nmembers;

	/* ---- Private. */
	unsigned capprof;
	unsigned *table;		/* open addressing: profile index + 1 */
	size_t tcap;
	size_t capmembers;
	char *names;
	size_t names_len, names_cap;
	struct nvmx_inventory_dump *dumps;	/* dumps read so far, by the inventory's spelling */
	size_t ndumps, capdumps;
	char **machines;		/* partial hosts' inputs by path: profile.machine - 1 */
	size_t nmachines, capmachines;
};

void nvmx_inventory_init(struct nvmx_inventory *inv);
void nvmx_inventory_free(struct nvmx_inventory *inv);

/*
 * A JSON Lines inventory ("-": standard input).  A relative "dump" is looked
 * up from here, then beside the inventory, then in dumps_dir.  Returns 0, or
 * -1 with diag->error "FILE:LINE: problem" (hosts read before stay).
 */
int nvmx_inventory_read(struct nvmx_inventory *inv, const char *path, struct nvmx_diag *diag);
/*
 * An operand: a dump or a directory of dumps (*.msrs, *.json, in name
 * order), with "@RELEASE" when the path alone names no file; a host is
 * named by its file's base name, plus "@RELEASE" when given so.  Returns 0
 * or -1 with diag->error.
 */
int nvmx_inventory_add_path(struct nvmx_inventory *inv, const char *arg, struct nvmx_diag *diag);
/*
 * One host: h (its environment, plus hyperv and the inventory's
 * hyperv_evmcs), processor cpu, name, release k, parameters p.  Returns 0,
 * or -1 with diag->error (NVMX_E_NOMEM: out of memory).
 */
int nvmx_inventory_add_host(struct nvmx_inventory *inv, const struct nvmx_host *h, const char *cpu,
			    const char *name, const struct nvmx_kernel *k, const struct nvmx_params *p,
			    bool hyperv, struct nvmx_diag *diag);
/*
 * Keep the profiles i with keep[i] (in order), their hosts and members;
 * old_to_new[0..nprof) receives each profile's new index, or UINT32_MAX for
 * a dropped one.  For leaving out hosts that run no VMX guests.
 */
void nvmx_inventory_keep(struct nvmx_inventory *inv, const bool *keep, unsigned *old_to_new);
/* Member i's host name. */
const char *nvmx_inventory_member_name(const struct nvmx_inventory *inv, size_t i);

#endif
