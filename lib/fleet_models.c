/* SPDX-License-Identifier: MIT */
/*
 * What a group of fleet members (a pool, a fleet) is made of, by processor
 * model: the models ordered by how many hosts have them, ties by name, so
 * that the order never depends on the order the hosts came in; the first one
 * is the group's example (its most common processor, not the alphabetically
 * first), and a short label names them.  `nvmx baseline`, `matrix` and
 * `pools` print these.
 */
#include "fmt.h"
#include "nvmx/fleet.h"

/* strcmp's order (bytes as unsigned char), without libc. */
static int name_cmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

static bool name_eq(const char *a, const char *b)
{
	return !name_cmp(a, b);
}

void nvmx_fleet_models_add(struct nvmx_fleet_model *m, unsigned *nm, const char *cpu,
			   unsigned long long hosts)
{
	unsigned j = 0;
	while (j < *nm && !name_eq(m[j].cpu, cpu))
		j++;
	if (j == *nm)
		m[(*nm)++] = (struct nvmx_fleet_model){ cpu, 0 };
	m[j].hosts += hosts;
}

/* a goes before b: more hosts, then the name. */
static bool before(const struct nvmx_fleet_model *a, const struct nvmx_fleet_model *b)
{
	if (a->hosts != b->hosts)
		return a->hosts > b->hosts;
	return name_cmp(a->cpu, b->cpu) < 0;
}

static void sift_down(struct nvmx_fleet_model *m, unsigned i, unsigned n)
{
	for (;;) {
		unsigned c = 2 * i + 1;
		if (c >= n)
			return;
		/* a heap whose root is the entry that goes last */
		if (c + 1 < n && before(&m[c], &m[c + 1]))
			c++;
		if (!before(&m[i], &m[c]))
			return;
		struct nvmx_fleet_model t = m[i];
		m[i] = m[c];
		m[c] = t;
		i = c;
	}
}

/*
 * Heapsort: models are distinct names, so the order is total and the result
 * does not depend on the sort's stability; no recursion, no workspace.
 */
void nvmx_fleet_models_sort(struct nvmx_fleet_model *m, unsigned nm)
{
	for (unsigned i = nm / 2; i-- > 0;)
		sift_down(m, i, nm);
	for (unsigned end = nm; end > 1; end--) {
		struct nvmx_fleet_model t = m[0];
		m[0] = m[end - 1];
		m[end - 1] = t;
		sift_down(m, 0, end - 1);
	}
}

size_t nvmx_fleet_models_label(const struct nvmx_fleet_model *m, unsigned nm, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	/* up to three named; more than that: the most common and a count */
	unsigned shown = nm <= 3 ? nm : 1;
	for (unsigned k = 0; k < shown; k++) {
		if (k)
			fmt_str(&f, ", ");
		fmt_str(&f, m[k].cpu);
	}
	if (shown < nm) {
		fmt_str(&f, " + ");
		fmt_uint(&f, nm - shown);
		fmt_str(&f, " more models");
	}
	return f.len;
}
