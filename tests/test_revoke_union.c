/* SPDX-License-Identifier: MIT */
/*
 * The revoke lists of several hosts together (nvmx_revoke_union_*), as
 * `nvmx revoke-list --kvm 6.6 --hyperv-evmcs` prints them for a Core
 * i3-7100, the Centaur CNS sample and an Atom C2750: five PROCBASED_CTLS2
 * bits, how many hosts need each, the first host that does, and the
 * releases that offered each (the CLI's list, which later rows may extend);
 * host weights add up; a second union starts empty (`nvmx batch` runs
 * revoke-list many times in one process).
 */
#include <string.h>
#include "tap.h"
#include "nvmx/nvmx.h"

static struct nvmx_hostfile hf[3];
static struct nvmx_revoke r[3];
static struct nvmx_revoke_union u;

static const struct {
	unsigned bit;
	unsigned long long hosts;
	const char *example;
	const char *offered[8];
} cli[] = {
	{ 0, 3, "Intel Core i3-7100", { "6.1", "6.2.1" } },
	{ 8, 1, "Centaur CNS engineering sample 2.2GHz", { "5.10", "5.15", "5.19", "6.0", "6.1", "6.0.19", "6.2.1" } },
	{ 9, 1, "Centaur CNS engineering sample 2.2GHz", { "5.10", "5.15", "5.19", "6.0", "6.1", "6.0.19", "6.2.1" } },
	{ 13, 3, "Intel Core i3-7100", { "6.1", "6.2.1" } },
	{ 15, 2, "Centaur CNS engineering sample 2.2GHz", { "5.15", "5.19", "6.0" } },
};

static bool offered(const struct nvmx_revoke *l, unsigned bit, const char *release)
{
	const struct nvmx_kernel *k = nvmx_kernel_find(release);
	for (unsigned i = 0; k && i < nvmx_kernel_count(); i++)
		if (nvmx_kernel_at(i) == k)
			return nvmx_revoke_offered_by(l, NVMX_PROCBASED2, bit, i);
	return false;
}

int main(void)
{
	static const char *const dumps[] = { "intel-core-i3-7100", "centaur-es-cns-0040672", "intel-atom-c2750" };
	const struct nvmx_kernel *k = nvmx_kernel_find("6.6");
	for (unsigned h = 0; h < 3; h++) {
		char path[128];
		struct nvmx_diag d;
		struct nvmx_params p;
		snprintf(path, sizeof(path), "data/hosts/%s.msrs", dumps[h]);
		if (nvmx_hostfile_read(path, &hf[h], &d)) {
			tap_ok(0, "%s", d.error);
			return tap_done();
		}
		hf[h].host.hyperv_evmcs = true;
		nvmx_params_default(k, &p);
		nvmx_revoke_compute(&r[h], &hf[h].host, k, &p, NULL);
	}
	nvmx_revoke_union_init(&u);
	for (unsigned h = 0; h < 3; h++)
		nvmx_revoke_union_add(&u, &r[h], hf[h].name, 1);

	tap_ok(u.bits == 5 && u.hosts == 3, "5 bits over 3 hosts, as revoke-list says (%u, %llu)", u.bits, u.hosts);
	uint32_t want = 0;
	for (unsigned i = 0; i < 5; i++)
		want |= UINT32_C(1) << cli[i].bit;
	tap_eq64(u.list.hi[NVMX_PROCBASED2], want, "the bits are PROCBASED_CTLS2 0, 8, 9, 13, 15");
	for (unsigned i = 0; i < 5; i++) {
		unsigned b = cli[i].bit;
		bool all = true;
		for (unsigned j = 0; cli[i].offered[j] && j < 8; j++)
			all = all && offered(&u.list, b, cli[i].offered[j]);
		tap_ok(u.need[NVMX_PROCBASED2][b] == cli[i].hosts && u.example[NVMX_PROCBASED2][b] &&
		       !strcmp(u.example[NVMX_PROCBASED2][b], cli[i].example) && all,
		       "bit %u: %llu host(s), e.g. %s, offered by the releases the CLI names", b, cli[i].hosts,
		       cli[i].example);
	}
	/* offered_by is the union of the hosts' own, bit by bit, only where a host's list holds the bit */
	bool exact = true;
	for (unsigned b = 0; b < 32; b++)
		for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
			bool any = false;
			for (unsigned h = 0; h < 3; h++)
				any = any || (((r[h].hi[NVMX_PROCBASED2] >> b) & 1) &&
					      nvmx_revoke_offered_by(&r[h], NVMX_PROCBASED2, b, i));
			exact = exact && any == nvmx_revoke_offered_by(&u.list, NVMX_PROCBASED2, b, i);
		}
	tap_ok(exact, "each bit's releases: the union of the hosts' lists");

	/* weights: an inventory profile stands for its hosts */
	nvmx_revoke_union_init(&u);
	nvmx_revoke_union_add(&u, &r[1], "cns", 5);
	nvmx_revoke_union_add(&u, &r[0], "i3", 2);
	tap_ok(u.hosts == 7 && u.need[NVMX_PROCBASED2][0] == 7 && u.need[NVMX_PROCBASED2][15] == 5 &&
	       !strcmp(u.example[NVMX_PROCBASED2][0], "cns"), "host weights add; the first host is the example");
	/* No parameters given (NULL) is each release's defaults, as for nvmx_kvm_load. */
	static struct nvmx_revoke rn;
	unsigned nb = nvmx_revoke_compute(&rn, &hf[1].host, k, NULL, NULL);
	tap_ok(nb > 0 && !memcmp(&rn, &r[1], sizeof(rn)), "NULL parameters: the defaults' list (%u bits)", nb);
	nvmx_revoke_union_init(&u);
	tap_ok(u.bits == 0 && u.hosts == 0 && !u.list.hi[NVMX_PROCBASED2] && !u.need[NVMX_PROCBASED2][0],
	       "init empties a union");
	return tap_done();
}
