/* SPDX-License-Identifier: MIT */
/*
 * A group's processor models (nvmx_fleet_models_*): the counts, the order
 * (most hosts first, ties by name), the example and the label, on the
 * groups whose labels `nvmx pools` and `nvmx baseline` print in
 * tests/fleet_labels.sh -- there the old rule (the alphabetically first
 * model) would name the Atom, which has the fewest hosts -- and the order
 * of the input does not matter.
 */
#include <string.h>
#include "tap.h"
#include "nvmx/nvmx.h"

static struct nvmx_hostfile atom, xeon, celeron, core;

static const char *load(struct nvmx_hostfile *hf, const char *path)
{
	struct nvmx_diag d;
	if (nvmx_hostfile_read(path, hf, &d)) {
		tap_ok(0, "read %s: %s", path, d.error);
		return "?";
	}
	return hf->name;
}

struct member { const char *cpu; unsigned long long hosts; };

/* Models and label of members[0..n) taken in the order perm[]. */
static unsigned group(const struct member *mem, const unsigned *perm, unsigned n,
		      struct nvmx_fleet_model *m, char *label, size_t cap)
{
	unsigned nm = 0;
	for (unsigned i = 0; i < n; i++)
		nvmx_fleet_models_add(m, &nm, mem[perm[i]].cpu, mem[perm[i]].hosts);
	nvmx_fleet_models_sort(m, nm);
	nvmx_fleet_models_label(m, nm, label, cap);
	return nm;
}

/* Every order of the members gives the same models and label (Heap's algorithm). */
static bool all_orders_agree(const struct member *mem, unsigned n, const char *want_label)
{
	unsigned perm[6], c[6] = { 0 };
	struct nvmx_fleet_model m[6], first[6];
	char label[512];
	for (unsigned i = 0; i < n; i++)
		perm[i] = i;
	unsigned nm = group(mem, perm, n, first, label, sizeof(label)), orders = 1;
	bool ok = !strcmp(label, want_label);
	for (unsigned i = 1; i < n && ok;) {
		if (c[i] < i) {
			unsigned j = i % 2 ? c[i] : 0, t = perm[j];
			perm[j] = perm[i];
			perm[i] = t;
			orders++;
			ok = group(mem, perm, n, m, label, sizeof(label)) == nm && !strcmp(label, want_label);
			for (unsigned k = 0; k < nm && ok; k++)
				ok = !strcmp(m[k].cpu, first[k].cpu) && m[k].hosts == first[k].hosts;
			c[i]++;
			i = 1;
		} else {
			c[i++] = 0;
		}
	}
	tap_diag("%u orders", orders);
	return ok;
}

int main(void)
{
	const char *a = load(&atom, "data/hosts/intel-atom-c2750.msrs");
	const char *x = load(&xeon, "data/hosts/intel-xeon-e5-2620-v4.msrs");
	const char *c = load(&celeron, "data/hosts/intel-celeron-j6412.msrs");
	const char *i3 = load(&core, "data/hosts/intel-core-i3-7100.msrs");

	/* tests/fleet_labels.sh's inventory: a1, x1-x3, c1-c2 (one profile per host, as --no-dedup) */
	const struct member six[] = { { a, 1 }, { x, 1 }, { x, 1 }, { x, 1 }, { c, 1 }, { c, 1 } };
	const unsigned id[] = { 0, 1, 2, 3, 4, 5, 6 };
	struct nvmx_fleet_model m[8];
	char label[512];
	unsigned nm = group(six, id, 6, m, label, sizeof(label));
	tap_ok(nm == 3, "three models in the group (%u)", nm);
	tap_ok(nm == 3 && !strcmp(m[0].cpu, "Intel Xeon E5-2620 v4") && m[0].hosts == 3 &&
	       !strcmp(m[1].cpu, "Intel Celeron J6412") && m[1].hosts == 2 &&
	       !strcmp(m[2].cpu, "Intel Atom C2750") && m[2].hosts == 1,
	       "models by hosts as pools --json lists them: Xeon 3, Celeron 2, Atom 1");
	tap_ok(!strcmp(m[0].cpu, x), "the example is the most common processor, not the alphabetically first");
	tap_ok(!strcmp(label, "Intel Xeon E5-2620 v4, Intel Celeron J6412, Intel Atom C2750"),
	       "label names the three: '%s'", label);

	/* profiles carrying several hosts add up per model */
	const struct member prof[] = { { c, 2 }, { a, 1 }, { x, 2 }, { x, 1 } };
	nm = group(prof, id, 4, m, label, sizeof(label));
	tap_ok(nm == 3 && m[0].hosts == 3 && m[1].hosts == 2 && m[2].hosts == 1,
	       "host counts of profiles add up per model");

	/* a fourth model with one host: a tie with the Atom, broken by name */
	const struct member seven[] = { { a, 1 }, { x, 3 }, { c, 2 }, { i3, 1 } };
	nm = group(seven, id, 4, m, label, sizeof(label));
	tap_ok(nm == 4 && !strcmp(m[2].cpu, "Intel Atom C2750") && !strcmp(m[3].cpu, "Intel Core i3-7100"),
	       "a tie goes alphabetical (Atom before Core)");
	tap_ok(!strcmp(label, "Intel Xeon E5-2620 v4 + 3 more models"),
	       "more than three: the most common and a count, as baseline prints: '%s'", label);

	tap_ok(all_orders_agree(six, 6, "Intel Xeon E5-2620 v4, Intel Celeron J6412, Intel Atom C2750"),
	       "every order of the six hosts gives the same models and label");
	tap_ok(all_orders_agree(seven, 4, "Intel Xeon E5-2620 v4 + 3 more models"),
	       "every order of the four profiles gives the same models and label");

	/* 40 models fed in reverse: 4 hosts for k % 5 == 4, the first of those by name is Db (k 29) */
	struct member many[40];
	char names[40][16];
	for (unsigned k = 0; k < 40; k++) {
		names[k][0] = (char)('A' + k % 26);
		names[k][1] = (char)('a' + k / 26);
		names[k][2] = 0;
		many[k] = (struct member){ names[k], k % 5 };
	}
	unsigned ids[40];
	for (unsigned k = 0; k < 40; k++)
		ids[k] = 39 - k;
	struct nvmx_fleet_model big[40];
	nm = group(many, ids, 40, big, label, sizeof(label));
	bool sorted = nm == 40;
	for (unsigned k = 1; k < nm && sorted; k++)
		sorted = big[k - 1].hosts > big[k].hosts ||
			 (big[k - 1].hosts == big[k].hosts && strcmp(big[k - 1].cpu, big[k].cpu) < 0);
	tap_ok(sorted, "40 models: most hosts first, ties by name");
	tap_ok(!strcmp(label, "Db + 39 more models"), "its label: '%s'", label);

	/* the label's length is what it needs; a short buffer is cut and terminated */
	nm = group(six, id, 6, m, label, sizeof(label));
	char small[10];
	size_t need = nvmx_fleet_models_label(m, nm, small, sizeof(small));
	tap_ok(need == strlen(label) && !strcmp(small, "Intel Xeo"), "a short buffer: cut, length needed %zu", need);
	tap_ok(nvmx_fleet_models_label(m, 0, small, sizeof(small)) == 0 && !small[0], "no models: an empty label");
	return tap_done();
}
