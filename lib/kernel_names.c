/* SPDX-License-Identifier: MIT */
/*
 * The names users type for a kernel, resolved to a release row: row names
 * and aliases, plain versions ("6.12.19"), and `uname -r` strings of the
 * distributions modelled ("6.1.0-41-amd64", "6.12.48+deb13-amd64",
 * "6.8.0-45-generic", "5.14.0-570.32.1.el9_6.x86_64", "7.0.14-14-pve").
 * One function, nvmx_kernel_resolve(), for every command: the exact row
 * when there is one, else the nearest with what may differ, else a refusal
 * that says why (older than the oldest row, newer than the newest series, a
 * distribution release that is not modelled).
 */
#include "fmt.h"
#include "kernels.h"

/*
 * Debian's ABI numbers ("6.1.0-41-amd64") to stable patch levels, from the
 * package changelogs: "Bump ABI to N" up to 6.1.147 / 5.10.244, then one ABI
 * per upload ("Generate kernel ABI name suffix automatically"; for 6.1 the
 * archive's linux-image-6.1.0-47..57 confirm it).  Index = ABI.
 */
static const uint16_t debian_61_abi[] = {
	0, 4, 7, 8, 11, 12, 15, 20, 25, 27, 37, 38, 52, 55, 64, 66, 67, 69, 76, 82, 85, 90,
	94, 98, 106, 106, 112, 115, 119, 123, 124, 128, 129, 133, 135, 137, 139, 140, 147, 148, 153,
	158, 159, 162, 164, 170, 170, 170, 172, 174, 176, 177, 180, 187, 190, 192, 192, 192,
};
static const uint16_t debian_510_abi[] = {
	0, 4, 9, 12, 19, 24, 28, 38, 46, 70, 84, 92, 103, 106, 113, 120, 127, 136, 140, 148, 158,
	162, 178, 179, 179, 191, 197, 205, 209, 216, 218, 221, 223, 226, 234, 237, 244,
	247, 249, 251, 251, 251, 251, 251, 257, 259, 262,
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *num(const char *s, unsigned *out)
{
	unsigned v = 0;
	if (!is_digit(*s))
		return 0;
	while (is_digit(*s) && v < 1000000)
		v = v * 10 + (unsigned)(*s++ - '0');
	*out = v;
	return s;
}

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool starts(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix)
		s++, prefix++;
	return !*prefix;
}

static bool contains(const char *s, const char *needle)
{
	for (; *s; s++)
		if (starts(s, needle))
			return true;
	return false;
}

static bool ends(const char *s, const char *suffix)
{
	unsigned n = 0, m = 0;
	while (s[n])
		n++;
	while (suffix[m])
		m++;
	return n >= m && same(s + n - m, suffix);
}

/* Name or alias, exactly. */
static const struct nvmx_kernel *by_name(const char *name)
{
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (same(k->name, name))
			return k;
		for (const char *a = k->aliases; a && *a;) {
			unsigned n = 0;
			while (a[n] && a[n] != ' ')
				n++;
			unsigned m = 0;
			while (m < n && a[m] == name[m])
				m++;
			if (m == n && !name[n])
				return k;
			a += n;
			while (*a == ' ')
				a++;
		}
	}
	return 0;
}

#define SERIES(v) ((v) & ~UINT32_C(0xffff))

static bool distro_is(const struct nvmx_kernel *k, const char *family)
{
	return k->distro && starts(k->distro, family);
}

static void add_may(struct nvmx_kernel_match *m, const char *what)
{
	for (unsigned i = 0; i < m->nmay; i++)
		if (same(m->may_differ[i], what))
			return;
	if (m->nmay < sizeof(m->may_differ) / sizeof(m->may_differ[0]))
		m->may_differ[m->nmay++] = what;
}

static bool has_change(const struct nvmx_kernel *k, const struct nvmx_change *c)
{
	for (unsigned u = 0; k && u < NVMX_MAX_CHANGES && k->changes[u]; u++)
		if (same(k->changes[u]->id, c->id))
			return true;
	return false;
}

/* An upstream commit ("31de69f4eea7", "5.15-rc (stable 5.10.84)"), not a distribution's patch. */
static bool upstream_change(const struct nvmx_change *c)
{
	unsigned n = 0;
	while (n < 12 && ((c->id[n] >= '0' && c->id[n] <= '9') || (c->id[n] >= 'a' && c->id[n] <= 'f')))
		n++;
	return (n == 12 && !c->id[n]) || contains(c->id, "(stable ");
}

/*
 * Which rows of a series stand for a kernel of a lineage: the upstream
 * releases and stable rows (plain versions), or a distribution's rows with
 * the stable line its builds follow (Debian's ABI and +deb names).
 */
struct lineage {
	const char *family;	/* the distribution's rows too ("Debian"), or NULL */
	bool stable_only;	/* upstream rows only past the .0 release (a distribution
				 * never ships the bare .0 release) */
};

static bool candidate(const struct nvmx_kernel *k, uint32_t v, const struct lineage *l)
{
	if (SERIES(k->version) != SERIES(v))
		return false;
	if (k->distro)
		return l->family && distro_is(k, l->family);
	return !l->stable_only || k->version != SERIES(k->version);
}

/*
 * The row for version v in lineage l: the candidate nearest by patch level
 * (ties: the older; the family's row over an upstream one at the same
 * version), and what may differ: every change a row of the series has beyond
 * the newest candidate not newer than v (a stable backport, or one a
 * distribution took from upstream, that may or may not be in v), and the
 * updates past the series' newest row.  Returns false if the series has no
 * candidate.
 */
static bool nearest_in(struct nvmx_kernel_match *m, uint32_t v, const struct lineage *l)
{
	const struct nvmx_kernel *le = 0, *gt = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (!candidate(k, v, l))
			continue;
		if (k->version <= v && (!le || k->version > le->version ||
					(k->version == le->version && k->distro && !le->distro)))
			le = k;
		if (k->version > v && (!gt || k->version < gt->version ||
				       (k->version == gt->version && k->distro && !gt->distro)))
			gt = k;
	}
	if (!le && !gt)
		return false;
	const struct nvmx_kernel *used = !gt || (le && v - le->version <= gt->version - v) ? le : gt;
	m->kernel = used;
	if (used->version == v && (!l->family || distro_is(used, l->family))) {
		m->how = NVMX_MATCH_EXACT;
		return true;
	}
	m->how = NVMX_MATCH_NEAREST;
	/* Changes of the series' rows past le: upstream ones (stable backports) from any row,
	 * a distribution's own patches only from its rows. */
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (SERIES(k->version) != SERIES(v) || (le && k->version <= le->version) || k == le)
			continue;
		bool own = candidate(k, v, l);
		for (unsigned c = 0; c < NVMX_MAX_CHANGES && k->changes[c]; c++)
			if ((own || upstream_change(k->changes[c])) && !has_change(le, k->changes[c]))
				add_may(m, k->changes[c]->title);
	}
	if (used == gt && !gt->base)
		add_may(m, "the backports of the row's point release, which an earlier build may lack "
			   "(not listed as changes)");
	if (!gt)
		add_may(m, "stable updates after the series' newest row (not read)");
	if (!m->nmay)
		add_may(m, "changes between this version and the row's (not read)");
	return true;
}

/*
 * A plain version: the upstream and stable rows of its series; a series
 * without rows descends from the previous mainline release.
 */
static void nearest(struct nvmx_kernel_match *m, uint32_t v, const struct lineage *l)
{
	const struct nvmx_kernel *older = 0;
	uint32_t oldest = 0xffffffff, newest = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (!k->distro && k->version < oldest)	/* the modelled range: upstream rows */
			oldest = k->version;
		if (!k->distro && k->version > newest)
			newest = k->version;
		if (!k->base && !k->distro && k->version < v && SERIES(k->version) != SERIES(v) &&
		    (!older || k->version > older->version))
			older = k;
	}
	if (v < SERIES(oldest)) {
		m->how = NVMX_MATCH_TOO_OLD;
		return;
	}
	if (SERIES(v) > SERIES(newest)) {
		m->how = NVMX_MATCH_TOO_NEW;
		return;
	}
	if (nearest_in(m, v, l))
		return;
	if (l->stable_only) {		/* no stable row: the .0 release, approximate */
		struct lineage up = { l->family, false };
		if (nearest_in(m, v, &up))
			return;
	}
	m->kernel = older;
	m->how = older ? NVMX_MATCH_NEAREST : NVMX_MATCH_TOO_OLD;
	if (older)
		add_may(m, "every change of a series that has no row");
}

static const struct lineage upstream = { 0, false };

/*
 * The distribution row of `family` whose release the uname begins with (or, for
 * a row that lists its same builds, whose version and build number `abi` match),
 * or the series' one.
 */
static void distro_row(struct nvmx_kernel_match *m, const char *uname, const char *family,
		       uint32_t v, unsigned abi, const char *other_builds)
{
	const struct nvmx_kernel *series = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (!distro_is(k, family) || SERIES(k->version) != SERIES(v))
			continue;
		if ((k->release && same(uname, k->release)) ||
		    (k->version == v && abi >= 1 && abi <= k->same_builds)) {
			m->kernel = k;
			m->how = NVMX_MATCH_EXACT;
			/* The row's tree is not the whole build: never exact. */
			if (k->tree_lacks) {
				m->how = NVMX_MATCH_NEAREST;
				add_may(m, k->tree_lacks);
			}
			return;
		}
		if (!series)
			series = k;
	}
	if (series) {
		m->kernel = series;
		m->how = NVMX_MATCH_NEAREST;
		add_may(m, other_builds);
		return;
	}
	nearest(m, v, &upstream);
}

/*
 * A distribution's build is never exactly an upstream row: when the name
 * resolved to a row that is not the distribution's, it is an approximation
 * that names the distribution's patches, and the stable backports of the
 * series the table knows (the build may or may not have them).
 */
static void distribution_build(struct nvmx_kernel_match *m, const char *family, const char *patches)
{
	if ((m->how != NVMX_MATCH_EXACT && m->how != NVMX_MATCH_NEAREST) || distro_is(m->kernel, family))
		return;
	m->how = NVMX_MATCH_NEAREST;
	add_may(m, patches);
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (SERIES(k->version) != SERIES(m->kernel->version) || k->distro)
			continue;
		for (unsigned c = 0; c < NVMX_MAX_CHANGES && k->changes[c]; c++)
			if (!has_change(m->kernel, k->changes[c]))
				add_may(m, k->changes[c]->title);
	}
}

int nvmx_kernel_resolve(const char *asked, struct nvmx_kernel_match *m)
{
	*m = (struct nvmx_kernel_match){ 0 };
	m->how = NVMX_MATCH_UNKNOWN;
	if (!asked || !*asked)
		return m->how;
	/* A row's name or alias; a plain "X.Y" also names the row of that series. */
	const struct nvmx_kernel *k = by_name(asked);
	bool series_only = !k;
	if (!k)
		k = nvmx_kernel_find(asked);
	if (k) {
		m->kernel = k;
		m->how = NVMX_MATCH_EXACT;
		m->version = k->version;
		/*
		 * "X.Y" is the release X.Y: exact when the series' row stands for it
		 * (the .0 tree, or a point release read as the release, as 6.18.2);
		 * a stable row derived from another (7.2.13, read in Debian's tree,
		 * no 7.2.0 tree found) is the nearest row, said so.
		 */
		if (series_only && k->base) {
			m->how = NVMX_MATCH_NEAREST;
			m->version = SERIES(k->version);
			add_may(m, "the release itself has no row: the series' point-release row may carry "
				   "stable backports it lacks (not listed)");
		}
		return m->how;
	}

	unsigned maj, min, patch = 0, abi = 0;
	const char *s = num(asked, &maj);
	if (!s || *s != '.' || !(s = num(s + 1, &min)) || maj > 255 || min > 255)
		return m->how;
	bool has_patch = false;
	if (*s == '.' && is_digit(s[1])) {
		s = num(s + 1, &patch);
		has_patch = true;
	}
	if (patch > 0xffff)
		return m->how;
	const char *tail = s;	/* "-41-amd64", "+deb13-amd64", "-45-generic", ... */
	if (*tail == '-' && is_digit(tail[1]))
		num(tail + 1, &abi);
	uint32_t v = KV(maj, min, patch);
	m->version = v;

	if (!*tail) {			/* a plain version: "6.12.19", "6.10" */
		nearest(m, v, &upstream);
		if (m->how == NVMX_MATCH_EXACT && !has_patch && m->kernel->version != v)
			m->how = NVMX_MATCH_NEAREST;
		return m->how;
	}
	if (ends(tail, "-pve")) {	/* Proxmox: "6.8.12-43-pve" */
		m->distro = "Proxmox VE";
		distro_row(m, asked, "Proxmox", v, abi, "other Proxmox kernel builds carry other patches");
		distribution_build(m, "Proxmox", "Proxmox's patches and its Ubuntu base (not modelled)");
		return m->how;
	}
	const char *el = 0;
	for (const char *p = tail; *p; p++)
		if (starts(p, ".el") && is_digit(p[3]))
			el = p + 3;
	if (el) {			/* RHEL and rebuilds: "5.14.0-570.32.1.el9_6.x86_64" */
		unsigned rmaj = 0, rmin = 0;
		const char *e = num(el, &rmaj);
		if (e && *e == '_')
			num(e + 1, &rmin);
		m->distro = "RHEL";
		for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
			const struct nvmx_kernel *r = nvmx_kernel_at(i);
			const char *d = r->distro;
			unsigned a, b;
			if (!distro_is(r, "RHEL ") || !(d = num(d + 5, &a)) || *d != '.' || !num(d + 1, &b) ||
			    a != rmaj || b != rmin)
				continue;
			m->kernel = r;
			m->how = r->release && starts(asked, r->release) ? NVMX_MATCH_EXACT : NVMX_MATCH_NEAREST;
			if (m->how == NVMX_MATCH_NEAREST)
				add_may(m, "the z-stream updates between this build and the row's");
			return m->how;
		}
		m->how = NVMX_MATCH_NOT_MODELLED;	/* RHEL 8.10, 9.2, ...: not a row */
		return m->how;
	}
	/* Debian's flavours ("-amd64", "-cloud-amd64", "-rt-arm64", "-686-pae"). */
	bool debian = contains(tail, "+deb") || ends(tail, "amd64") || ends(tail, "arm64") ||
		      ends(tail, "-686") || ends(tail, "-686-pae") || ends(tail, "armmp") ||
		      ends(tail, "armmp-lpae");
	if (debian) {
		static const struct lineage deb = { "Debian", true };
		m->distro = "Debian";
		if (*tail == '-' && abi && patch == 0 &&
		    (SERIES(v) == KV(6, 1, 0) || SERIES(v) == KV(5, 10, 0))) {
			/* ABI names: "6.1.0-41-amd64" is the package 6.1.158. */
			const uint16_t *t = SERIES(v) == KV(6, 1, 0) ? debian_61_abi : debian_510_abi;
			unsigned n = SERIES(v) == KV(6, 1, 0) ? sizeof(debian_61_abi) / 2 :
								 sizeof(debian_510_abi) / 2;
			if (abi >= n) {
				m->how = NVMX_MATCH_UNKNOWN;	/* an ABI newer than the table */
				return m->how;
			}
			m->version = v = KV(maj, min, t[abi]);
		} else if (patch == 0 && !contains(tail, "+deb")) {
			/* "6.0.0-1-amd64": an ABI name whose package version is not known
			 * here; Debian ships stable releases, so the series' stable row. */
			m->version = v = SERIES(v) | 0xffff;
			nearest(m, v, &deb);
			m->version = SERIES(v);
			if (m->how == NVMX_MATCH_NEAREST)
				add_may(m, "the package's stable release (its ABI number is not in nvmx's table)");
			distribution_build(m, "Debian", "Debian's patches (not modelled)");
			return m->how;
		}
		nearest(m, v, &deb);
		distribution_build(m, "Debian", "Debian's patches (not modelled)");
		return m->how;
	}
	if (*tail == '-' && abi && patch == 0) {	/* Ubuntu: "6.8.0-45-generic" */
		m->distro = "Ubuntu";
		/* The Ubuntu row of the series whose build (ABI number) is the asked one; else
		 * the newest build not newer, else the oldest: 6.8.0-45 is 6.8.0-31's row,
		 * 6.8.0-100 6.8.0-90's (one source for GA and HWE, so builds order them). */
		unsigned best = 0, next_abi = 0;
		const struct nvmx_kernel *next = 0;	/* the first row of a later build */
		for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
			const struct nvmx_kernel *r = nvmx_kernel_at(i);
			if (distro_is(r, "Ubuntu") && SERIES(r->version) == SERIES(v) && r->release) {
				unsigned rabi = 0;
				const char *q = r->release;
				while (*q && *q != '-')
					q++;
				if (*q != '-' || !num(q + 1, &rabi))
					rabi = 0;
				if (rabi && rabi == abi) {
					m->kernel = r;
					m->how = NVMX_MATCH_EXACT;
					return m->how;
				}
				if (rabi > abi && (!next || rabi < next_abi)) {
					next = r;
					next_abi = rabi;
				}
				bool better = !m->kernel ||
					      (rabi <= abi ? best > abi || rabi > best : best > abi && rabi < best);
				if (rabi && better) {
					m->kernel = r;
					best = rabi;
				} else if (!m->kernel) {
					m->kernel = r;
					best = 0xffffffffu;
				}
			}
		}
		if (m->kernel) {
			m->how = NVMX_MATCH_NEAREST;
			add_may(m, "Ubuntu stable updates and SRU backports of this build");
			/* A later build's backports may be in this one already. */
			for (unsigned c = 0; next && next != m->kernel && c < NVMX_MAX_CHANGES &&
					    next->changes[c]; c++)
				if (!has_change(m->kernel, next->changes[c]))
					add_may(m, next->changes[c]->title);
			return m->how;
		}
		/* A series without an Ubuntu row: its upstream rows, never exactly. */
		nearest(m, v, &upstream);
		distribution_build(m, "Ubuntu", "Ubuntu's patches and stable updates (not modelled)");
		return m->how;
	}
	/* Any other suffix ("-arch1-1", "-rc2"): the version, never exact. */
	nearest(m, v, &upstream);
	if (m->how == NVMX_MATCH_EXACT) {
		m->how = NVMX_MATCH_NEAREST;
		add_may(m, "the build's own patches");
	}
	return m->how;
}

/* The oldest / newest upstream row by version (distribution rows are branches of those). */
static const char *edge_name(bool newest)
{
	const struct nvmx_kernel *o = nvmx_kernel_at(0);
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (!nvmx_kernel_distro(k) && (newest ? nvmx_kernel_version(k) > nvmx_kernel_version(o)
						      : nvmx_kernel_version(k) < nvmx_kernel_version(o)))
			o = k;
	}
	return nvmx_kernel_name(o);
}

size_t nvmx_kernel_refusal(const struct nvmx_kernel_match *m, const char *asked, char *buf, size_t n)
{
	struct fmt f = fmt_init(buf, n);
	fmt_str(&f, "kernel ");
	switch (m->how) {
	case NVMX_MATCH_TOO_OLD:
		fmt_str(&f, asked);
		fmt_str(&f, " is older than every modelled release (the oldest is ");
		fmt_str(&f, edge_name(false));
		fmt_str(&f, ")");
		break;
	case NVMX_MATCH_TOO_NEW:
		fmt_str(&f, asked);
		fmt_str(&f, " is newer than every modelled release (the newest is ");
		fmt_str(&f, edge_name(true));
		fmt_str(&f, ")");
		break;
	case NVMX_MATCH_NOT_MODELLED:
		fmt_str(&f, asked);
		fmt_str(&f, " (");
		fmt_str(&f, m->distro ? m->distro : "distribution");
		fmt_str(&f, ") is a release nvmx does not model ('nvmx kernels' lists the rows)");
		break;
	default:
		f = fmt_init(buf, n);
		fmt_str(&f, "unknown KVM release '");
		fmt_str(&f, asked);
		fmt_str(&f, "' ('nvmx kernels' lists the releases and the names they take)");
		break;
	}
	return f.len;
}
