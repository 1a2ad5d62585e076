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
	if (m->nmay < sizeof(m->may_differ) / sizeof(m->may_differ[0]))
		m->may_differ[m->nmay++] = what;
}

/* Changes row k has over its base that row `used` lacks: what a kernel between may have. */
static void add_changes(struct nvmx_kernel_match *m, const struct nvmx_kernel *k,
			const struct nvmx_kernel *used)
{
	for (unsigned c = 0; c < NVMX_MAX_CHANGES && k->changes[c]; c++) {
		bool has = false;
		for (unsigned u = 0; used && u < NVMX_MAX_CHANGES && used->changes[u]; u++)
			has |= same(used->changes[u]->id, k->changes[c]->id);
		if (!has)
			add_may(m, k->changes[c]->title);
	}
}

/*
 * The nearest row to version v: rows of the same series (upstream and
 * stable rows, and the rows of `family` if given), the newest not newer than
 * v, else the oldest newer one; a series without rows takes the newest row
 * of an older series.
 */
static void nearest(struct nvmx_kernel_match *m, uint32_t v, const char *family)
{
	const struct nvmx_kernel *le = 0, *gt = 0, *older = 0;
	uint32_t oldest = 0xffffffff, newest = 0;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *k = nvmx_kernel_at(i);
		if (!k->distro && k->version < oldest)	/* the modelled range: upstream rows */
			oldest = k->version;
		if (!k->distro && k->version > newest)
			newest = k->version;
		if (k->distro && !(family && distro_is(k, family)))
			continue;
		if (SERIES(k->version) == SERIES(v)) {
			/* Ties: the family's row, then the upstream one. */
			if (k->version <= v && (!le || k->version > le->version ||
						(k->version == le->version && k->distro && !le->distro)))
				le = k;
			if (k->version > v && (!gt || k->version < gt->version))
				gt = k;
		} else if (!k->base && k->version < v && (!older || k->version > older->version)) {
			/* a series without rows descends from the previous mainline release */
			older = k;
		}
	}
	if (v < SERIES(oldest)) {
		m->how = NVMX_MATCH_TOO_OLD;
		return;
	}
	if (SERIES(v) > SERIES(newest)) {
		m->how = NVMX_MATCH_TOO_NEW;
		return;
	}
	if (le) {
		m->kernel = le;
		if (le->version == v && (!family || distro_is(le, family))) {
			m->how = NVMX_MATCH_EXACT;
			return;
		}
		m->how = NVMX_MATCH_NEAREST;
		if (family && !distro_is(le, family))
			add_may(m, "patches of the distribution");
		if (gt)
			add_changes(m, gt, le);	/* the next row's changes may be in v already */
		return;
	}
	if (gt) {
		m->kernel = gt;
		m->how = NVMX_MATCH_NEAREST;
		add_changes(m, gt, 0);		/* ... or not yet */
		return;
	}
	m->kernel = older;
	m->how = older ? NVMX_MATCH_NEAREST : NVMX_MATCH_TOO_OLD;
	if (older)
		add_may(m, "every change of a series that has no row");
}

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
	nearest(m, v, 0);
}

int nvmx_kernel_resolve(const char *asked, struct nvmx_kernel_match *m)
{
	*m = (struct nvmx_kernel_match){ 0 };
	m->how = NVMX_MATCH_UNKNOWN;
	if (!asked || !*asked)
		return m->how;
	/* A row's name or alias; a plain "X.Y" also names the row of that series. */
	const struct nvmx_kernel *k = by_name(asked);
	if (!k)
		k = nvmx_kernel_find(asked);
	if (k) {
		m->kernel = k;
		m->how = NVMX_MATCH_EXACT;
		m->version = k->version;
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
		nearest(m, v, 0);
		if (m->how == NVMX_MATCH_EXACT && !has_patch && m->kernel->version != v)
			m->how = NVMX_MATCH_NEAREST;
		return m->how;
	}
	if (ends(tail, "-pve")) {	/* Proxmox: "6.8.12-43-pve" */
		m->distro = "Proxmox VE";
		distro_row(m, asked, "Proxmox", v, abi, "other Proxmox kernel builds carry other patches");
		return m->how;
	}
	const char *el = 0;
	for (const char *p = tail; *p; p++)
		if (starts(p, ".el") && is_digit(p[3]))
			el = p + 3;
	if (el) {			/* RHEL and rebuilds: "5.14.0-570.32.1.el9_6.x86_64" */
		unsigned rmaj, rmin = 0;
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
	if (*tail == '-' && abi && ends(tail, "-amd64") && patch == 0 &&
	    (SERIES(v) == KV(6, 1, 0) || SERIES(v) == KV(5, 10, 0))) {
		/* Debian's ABI names: "6.1.0-41-amd64" is the package 6.1.158. */
		const uint16_t *t = SERIES(v) == KV(6, 1, 0) ? debian_61_abi : debian_510_abi;
		unsigned n = SERIES(v) == KV(6, 1, 0) ? sizeof(debian_61_abi) / 2 : sizeof(debian_510_abi) / 2;
		m->distro = "Debian";
		if (abi >= n) {
			m->how = NVMX_MATCH_UNKNOWN;	/* an ABI newer than the table */
			return m->how;
		}
		m->version = v = KV(maj, min, t[abi]);
		nearest(m, v, "Debian");
		return m->how;
	}
	if (contains(tail, "+deb")) {	/* Debian 13+: "6.12.48+deb13-amd64" */
		m->distro = "Debian";
		nearest(m, v, "Debian");
		return m->how;
	}
	if (*tail == '-' && abi && patch == 0) {	/* Ubuntu: "6.8.0-45-generic" */
		m->distro = "Ubuntu";
		for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
			const struct nvmx_kernel *r = nvmx_kernel_at(i);
			if (distro_is(r, "Ubuntu") && SERIES(r->version) == SERIES(v) && r->release) {
				/* "6.8.0-31" is exact for 6.8.0-31-generic; 6.8.0-N builds approximate. */
				unsigned rabi = 0;
				const char *q = r->release;
				while (*q && *q != '-')
					q++;
				if (*q == '-' && num(q + 1, &rabi) && rabi == abi) {
					m->kernel = r;
					m->how = NVMX_MATCH_EXACT;
					return m->how;
				}
				if (!m->kernel)
					m->kernel = r;
			}
		}
		if (m->kernel) {
			m->how = NVMX_MATCH_NEAREST;
			add_may(m, "Ubuntu stable updates and SRU backports of this build");
			return m->how;
		}
		nearest(m, v, 0);
		return m->how;
	}
	/* Any other suffix ("-arch1-1", "-rc2"): the version, never exact. */
	nearest(m, v, 0);
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
