/* SPDX-License-Identifier: MIT */
/*
 * The migration matrix (nvmx_fleet_matrix) on the fleet of
 * tests/fleet_check.sh (mixed releases, parameters, a Hyper-V host) plus a
 * duplicate host and one that runs no VMX guests: every host pair's cell is
 * the verdict `nvmx check` gives for that pair (nvmx_check on scenarios
 * built apart from the fleet), under each policy; the counts and the strict
 * cells are the ones `nvmx matrix --policy all --json` prints for this
 * inventory.  And the pools over its source classes, listed as `nvmx pools
 * --pools 5 --json` lists them (nvmx_pools_rank: most hosts first, ties by
 * the first member).
 */
#include <string.h>
#include "tap.h"
#include "nvmx/nvmx.h"

#define N 11

static const struct member {
	const char *name, *dump, *kvm, *params;	/* params: "a=1,b=0" */
	bool hyperv;
} fleet[N] = {
	{ "a", "intel-core-i7-6700k", "6.1", "", false },
	{ "b", "intel-core2-x6800", "6.12", "", false },
	{ "c", "centaur-es-cns-0040672", "5.19", "", false },
	{ "d", "centaur-es-cns-0040672", "6.1", "", false },
	{ "e", "intel-xeon-platinum-8180", "5.15", "ept=0", false },
	{ "f", "intel-core-i9-13900k", "7.0", "", false },
	{ "g", "intel-core-i9-13900k", "6.18.2", "", false },
	{ "h", "intel-xeon-platinum-8180", "6.6", "", true },
	{ "i", "intel-core-i7-6700k", "6.1", "enable_apicv=0,pml=0", false },
	{ "j", "intel-core-i7-6700k", "6.1", "", false },	/* a's profile again */
	{ "k", "intel-celeron-j6412", "6.1", "nested=0", false },	/* no VMX guests */
};

/* `nvmx matrix --policy all --json` on this inventory: rows and columns are
 * the profiles (j is a's), strict cells, and the host pairs per policy. */
static const char *const cli_strict[] = {
	"Y.Y.....Y.", "YYYYYYYYY.", "..Y.......", "..YY......", "....Y.....",
	".....YY...", "......Y...", "..YY...Y..", "Y.Y.....Y.", "----------",
};
static const unsigned long long cli_ok[3] = { 32, 38, 38 }, cli_pairs = 110;
static const enum nvmx_policy policies[3] = {
	NVMX_POLICY_STRICT, NVMX_POLICY_REVOKE_KEEP, NVMX_POLICY_REVOKE_CLEAR,
};

static struct nvmx_hostfile hf[N];
static struct nvmx_params params[N];
static const struct nvmx_kernel *kern[N];
static struct nvmx_fleet_host fh[N];
static struct nvmx_scenario src_s[N], dst_s[N];
static struct nvmx_target targets[N];
static struct nvmx_vcpu vcpu;
static struct nvmx_migration mig;

static void set_params(unsigned i)
{
	char buf[64], *save = NULL;
	nvmx_params_default(kern[i], &params[i]);
	snprintf(buf, sizeof(buf), "%s", fleet[i].params);
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		*eq = 0;
		if (nvmx_params_set(kern[i], &params[i], kv, eq + 1, NULL))
			tap_ok(0, "%s: parameter %s=%s", fleet[i].name, kv, eq + 1);
	}
}

static unsigned rows_seen, progress_calls;
static void progress(void *ctx, unsigned rows)
{
	(void)ctx;
	progress_calls++;
	if (rows == rows_seen + 1)
		rows_seen = rows;
}

int main(void)
{
	for (unsigned i = 0; i < N; i++) {
		char path[256];
		struct nvmx_diag d;
		snprintf(path, sizeof(path), "data/hosts/%s.msrs", fleet[i].dump);
		if (nvmx_hostfile_read(path, &hf[i], &d)) {
			tap_ok(0, "read %s: %s", path, d.error);
			return tap_done();
		}
		kern[i] = nvmx_kernel_find(fleet[i].kvm);
		set_params(i);
		struct nvmx_host h = hf[i].host;
		h.hyperv_evmcs = h.hyperv_evmcs || fleet[i].hyperv;
		nvmx_fleet_host_init(&fh[i], &h, kern[i], &params[i], NULL);
		nvmx_fleet_host_revoke(&fh[i]);
		/* what `nvmx check --from-host A --from-kvm RA --to B --kvm RB` builds */
		nvmx_scenario_init(&src_s[i], &hf[i].host, fleet[i].hyperv, kern[i], &params[i]);
		nvmx_scenario_init(&dst_s[i], &hf[i].host, fleet[i].hyperv, kern[i], &params[i]);
	}

	unsigned long long weight[N];
	unsigned table[32], src_of[N], dst_of[N];
	struct nvmx_fleet_class src[N], dst[N];
	for (unsigned i = 0; i < N; i++)
		weight[i] = 1;
	unsigned nsrc = nvmx_fleet_classify(fh, weight, N, NVMX_CLASS_OFFER, NVMX_POLICY_STRICT,
					    table, 32, src, src_of);
	tap_ok(nsrc < N, "a and j share a source class (%u classes for %u hosts)", nsrc, N);

	for (unsigned k = 0; k < 3; k++) {
		const char *pn = k == 0 ? "strict" : k == 1 ? "revoke-keep" : "revoke-clear";
		unsigned char cells[N * N];
		struct nvmx_fleet_matrix_counts c;
		unsigned ndst = nvmx_fleet_classify(fh, weight, N, NVMX_CLASS_RESTORE, policies[k],
						    table, 32, dst, dst_of);
		rows_seen = progress_calls = 0;
		nvmx_fleet_matrix(cells, &c, fh, src, nsrc, dst, ndst, policies[k], targets, progress, NULL);
		tap_ok(progress_calls == nsrc && rows_seen == nsrc, "%s: progress after each of the %u rows",
		       pn, nsrc);
		tap_ok(c.pairs == cli_pairs && c.ok == cli_ok[k],
		       "%s: %llu of %llu host pairs migrate, as nvmx matrix says (%llu of %llu)", pn, c.ok,
		       c.pairs, cli_ok[k], cli_pairs);

		/* every host pair: the cell of its classes is nvmx check's verdict */
		unsigned agree = 0, yes = 0, na = 0, checked = 0;
		for (unsigned a = 0; a < N; a++)
			for (unsigned b = 0; b < N; b++) {
				unsigned char cell = cells[src_of[a] * ndst + dst_of[b]];
				if (!nvmx_scenario_usable(&src_s[a])) {
					agree += cell == NVMX_CELL_NA;
					na++;
					continue;
				}
				struct nvmx_msrs saved;
				nvmx_scenario_save(&src_s[a], &saved);
				dst_s[b].policy = policies[k];
				nvmx_check(&mig, &vcpu, &dst_s[b], &saved, NULL, 0);
				checked++;
				yes += mig.migratable;
				agree += cell == (mig.migratable ? NVMX_CELL_YES : NVMX_CELL_NO);
			}
		tap_ok(agree == N * N, "%s: %u of %u cells are nvmx_check's verdict for the pair", pn, agree,
		       N * N);
		/* not a trivial comparison: both verdicts occur, and the unusable source is n/a */
		tap_ok(yes > 0 && yes < checked && na == N, "%s: %u of %u pairs yes, %u n/a", pn, yes,
		       checked, na);

		if (k == 0) {
			/* the profiles as the CLI lists them: the hosts but j */
			bool same = true;
			for (unsigned a = 0, r = 0; a < N; a++) {
				if (a == 9)
					continue;
				char row[N + 1];
				unsigned n = 0;
				for (unsigned b = 0; b < N; b++) {
					if (b == 9)
						continue;
					unsigned char cell = cells[src_of[a] * ndst + dst_of[b]];
					row[n++] = cell == NVMX_CELL_YES ? 'Y' : cell == NVMX_CELL_NO ? '.' : '-';
				}
				row[n] = 0;
				if (strcmp(row, cli_strict[r]))
					tap_diag("row %s: %s, the CLI printed %s", fleet[a].name, row, cli_strict[r]);
				same = same && !strcmp(row, cli_strict[r++]);
			}
			tap_ok(same, "strict: the cells nvmx matrix --json prints, row by row");
		}
	}

	/* nvmx pools --pools 5 --json: pools (members, hosts) in this order; k unpooled */
	static const struct { const char *members; unsigned long long hosts; } cli_pools[] = {
		{ "acdij", 5 }, { "fg", 2 }, { "b", 1 }, { "e", 1 }, { "h", 1 },
	};
	struct nvmx_pool_item items[N];
	struct nvmx_pool_slot slots[N];
	struct nvmx_pools_step steps[N];
	unsigned item_pool[N], order[N], rank[N], nsteps;
	for (unsigned c = 0; c < nsrc; c++)
		items[c] = (struct nvmx_pool_item){ &fh[src[c].rep].offer, fh[src[c].rep].usable, src[c].hosts };
	struct nvmx_pools_opts po = { 5, UINT32_MAX };
	nvmx_pools_compute(items, nsrc, &po, slots, item_pool, steps, &nsteps);
	unsigned np = nvmx_pools_rank(slots, item_pool, nsrc, order, rank);
	bool same = np == 5;
	for (unsigned r = 0; same && r < np; r++) {
		char got[N + 1];
		unsigned n = 0;
		for (unsigned i = 0; i < N; i++)
			if (rank[src_of[i]] == r)
				got[n++] = fleet[i].name[0];
		got[n] = 0;
		same = !strcmp(got, cli_pools[r].members) && slots[order[r]].weight == cli_pools[r].hosts;
		if (!same)
			tap_diag("pool %u: %s (%llu hosts), nvmx pools lists %s (%llu)", r + 1, got,
				 slots[order[r]].weight, cli_pools[r].members, cli_pools[r].hosts);
	}
	tap_ok(same, "5 pools with the members and hosts nvmx pools lists, in its order (%u)", np);
	tap_ok(rank[src_of[10]] == UINT32_MAX, "the host without VMX guests is in no pool");
	bool listed = true;
	for (unsigned r = 1; r < np; r++)
		listed = listed && (slots[order[r - 1]].weight > slots[order[r]].weight ||
				    (slots[order[r - 1]].weight == slots[order[r]].weight && order[r - 1] < order[r]));
	tap_ok(listed, "most hosts first, ties by the first member");

	/*
	 * What nvmx matrix shows of the cells.  A partial host's cell: "yes"
	 * only when every completion of its unknown bits migrates, "no" only
	 * when none does (a completion that holds makes a "no" unproven).
	 */
	static const enum nvmx_partial_answer ans[3] = { NVMX_PARTIAL_HOLDS, NVMX_PARTIAL_FAILS,
							 NVMX_PARTIAL_DEPENDS };
	static const enum nvmx_fleet_cell given[3] = { NVMX_CELL_YES, NVMX_CELL_NO, NVMX_CELL_NA };
	static const enum nvmx_fleet_cell want[3][3] = {
		{ NVMX_CELL_YES, NVMX_CELL_NOT_PROVEN, NVMX_CELL_NOT_PROVEN },
		{ NVMX_CELL_NO, NVMX_CELL_NO, NVMX_CELL_NOT_PROVEN },
		{ NVMX_CELL_NA, NVMX_CELL_NA, NVMX_CELL_NA },
	};
	bool proven = true;
	for (unsigned g = 0; g < 3; g++)
		for (unsigned a = 0; a < 3; a++)
			proven = proven && nvmx_fleet_cell_proven(given[g], ans[a]) == want[g][a];
	tap_ok(proven, "nvmx_fleet_cell_proven: yes needs every completion, no needs none");
	/* The legend of nvmx matrix --policy all: Y strict, k only revoke-keep, c only
	 * revoke-clear, . none, - no VMX guests, ? not proven. */
	static const struct { unsigned char c[3]; char mark; } marks[] = {
		{ { NVMX_CELL_YES, NVMX_CELL_YES, NVMX_CELL_YES }, 'Y' },
		{ { NVMX_CELL_NO, NVMX_CELL_YES, NVMX_CELL_YES }, 'k' },
		{ { NVMX_CELL_NO, NVMX_CELL_NO, NVMX_CELL_YES }, 'c' },
		{ { NVMX_CELL_NO, NVMX_CELL_NO, NVMX_CELL_NO }, '.' },
		{ { NVMX_CELL_NA, NVMX_CELL_NA, NVMX_CELL_NA }, '-' },
		{ { NVMX_CELL_NOT_PROVEN, NVMX_CELL_YES, NVMX_CELL_YES }, '?' },
		{ { NVMX_CELL_NO, NVMX_CELL_NOT_PROVEN, NVMX_CELL_YES }, '?' },
	};
	bool marked = true;
	for (unsigned i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		marked = marked && nvmx_fleet_cell_mark(marks[i].c, policies, 3) == marks[i].mark;
	unsigned char yes = NVMX_CELL_YES;
	/* one policy asked, whichever: Y . ? - */
	marked = marked && nvmx_fleet_cell_mark(&yes, &policies[2], 1) == 'Y';
	tap_ok(marked, "nvmx_fleet_cell_mark: the legend of nvmx matrix, over three policies and one");
	tap_ok(!strcmp(nvmx_fleet_cell_name(NVMX_CELL_YES), "true") &&
	       !strcmp(nvmx_fleet_cell_name(NVMX_CELL_NO), "false") &&
	       !strcmp(nvmx_fleet_cell_name(NVMX_CELL_NOT_PROVEN), "not proven") &&
	       !strcmp(nvmx_fleet_cell_name(NVMX_CELL_NA), "n/a"), "nvmx_fleet_cell_name: the CSV's words");
	/* --limit: the most populous rows in input order, ties to the earlier; the rest counted. */
	static const unsigned long long hosts[5] = { 3, 1, 5, 1, 5 };
	unsigned rows[5], nr;
	unsigned long long omitted;
	nr = nvmx_fleet_matrix_rows(hosts, 5, 2, rows, &omitted);
	bool limited = nr == 2 && rows[0] == 2 && rows[1] == 4 && omitted == 5;
	nr = nvmx_fleet_matrix_rows(hosts, 5, 4, rows, &omitted);
	limited = limited && nr == 4 && rows[0] == 0 && rows[1] == 1 && rows[2] == 2 && rows[3] == 4 &&
		  omitted == 1;
	nr = nvmx_fleet_matrix_rows(hosts, 5, 0, rows, &omitted);
	limited = limited && nr == 5 && rows[4] == 4 && omitted == 0;
	tap_ok(limited, "nvmx_fleet_matrix_rows: the most hosts first chosen, shown in input order");

	/*
	 * The qemu semantics (matrix --cpu), on the facts of tests/check_qemu.sh:
	 * the Xeon E3-1245 v3 has no posted interrupts or APIC register
	 * virtualization, the E5-2620 v4 has; QEMU filters what KVM does not
	 * offer, so Haswell,+vmx starts on both and L1's MSRs change either way,
	 * and with enforce and vmx-posted-intr=on it does not start on the E3.
	 */
	static struct nvmx_hostfile qf[2];
	static struct nvmx_scenario qs[2];
	static struct nvmx_qemu_host qh[2];
	static struct nvmx_qemu_env env[2];
	static struct nvmx_qemu_cpu cpu;
	static struct nvmx_qemu_migration qm;
	static const char *const qhosts[2] = { "data/hosts/intel-xeon-e5-2620-v4.msrs",
					       "data/hosts/intel-xeon-e3-1245-v3.msrs" };
	static const char *const qrel[2] = { "6.1", "6.6" };
	struct nvmx_diag d;
	struct nvmx_error err;
	unsigned char qc[4];
	unsigned long long cnt[3];
	bool qok = true;
	for (unsigned i = 0; i < 2; i++) {
		qok = qok && !nvmx_hostfile_read(qhosts[i], &qf[i], &d);
		if (!qok)
			break;
		nvmx_scenario_init(&qs[i], &qf[i].host, false, nvmx_kernel_find(qrel[i]), NULL);
		nvmx_scenario_qemu_env(&qs[i], &qh[i], &env[i]);
	}
	qok = qok && !nvmx_qemu_cpu_parse(&cpu, nvmx_qemu_release_default(), "Haswell,+vmx", &err);
	if (qok)
		nvmx_fleet_qemu_matrix(qc, cnt, env, 2, &cpu, &qm);
	tap_ok(qok && qc[0] == NVMX_QMIG_SAFE && qc[1] == NVMX_QMIG_CHANGE && qc[2] == NVMX_QMIG_CHANGE &&
	       qc[3] == NVMX_QMIG_SAFE && cnt[0] == 2 && cnt[1] == 2 && cnt[2] == 0,
	       "nvmx_fleet_qemu_matrix Haswell,+vmx: each host with itself safe, across L1's MSRs change");
	qok = qok && !nvmx_qemu_cpu_parse(&cpu, nvmx_qemu_release_default(),
					  "Haswell,+vmx,vmx-posted-intr=on,enforce", &err);
	if (qok)
		nvmx_fleet_qemu_matrix(qc, cnt, env, 2, &cpu, &qm);
	tap_ok(qok && qc[0] == NVMX_QMIG_SAFE && qc[1] == NVMX_QMIG_FAILS && qc[2] == NVMX_QMIG_FAILS &&
	       qc[3] == NVMX_QMIG_FAILS && cnt[0] == 1 && cnt[2] == 3,
	       "... with vmx-posted-intr=on,enforce: it does not start on the E3-1245 v3, to or from");
	/* matrix exits 0 only when every pair moves under some policy and every host runs VMX guests */
	static const unsigned long long ok3[3] = { 32, 38, 38 };
	tap_ok(!nvmx_fleet_matrix_all(ok3, 3, 38, 1) && !nvmx_fleet_matrix_all(ok3, 1, 38, 0) &&
	       nvmx_fleet_matrix_all(ok3, 3, 38, 0) && nvmx_fleet_matrix_all(ok3, 1, 32, 0),
	       "nvmx_fleet_matrix_all: the most permissive policy asked, and no host without VMX guests");
	tap_ok(nvmx_fleet_qemu_mark(NVMX_QMIG_SAFE) == 'Y' && nvmx_fleet_qemu_mark(NVMX_QMIG_CHANGE) == 'c' &&
	       nvmx_fleet_qemu_mark(NVMX_QMIG_FAILS) == '.', "nvmx_fleet_qemu_mark: the legend of matrix --cpu");
	return tap_done();
}
