/* SPDX-License-Identifier: MIT */
/*
 * Release histories: which rows an operator upgrades between.  A row belongs
 * to the upstream mainline (the row a plain "X.Y" names), to the stable line
 * of its series (every upstream row of the series, the release first), or to
 * its distribution's releases (Debian 11 -> 12 -> 13 -> unstable, RHEL 8.10 ->
 * 9.4 -> ... -> 10.0, Ubuntu 22.04 -> its HWE -> 24.04 -> its HWE kernels,
 * Proxmox VE 8 -> 9.0 -> 9.1 -> 9.2).  Release dates order nothing across
 * lineages: rhel-8.10's rebuild came out after 5.15.215, which is no upgrade
 * path (issue 12 item 4).
 */
#include "kernels.h"

#define SERIES(v) ((v) & ~UINT32_C(0xffff))

/* The row a plain "X.Y" names: the series' oldest upstream row. */
static bool mainline(const struct nvmx_kernel *k)
{
	if (k->distro)
		return false;
	for (unsigned i = 0; i < nvmx_kernel_count(); i++) {
		const struct nvmx_kernel *o = nvmx_kernel_at(i);
		if (!o->distro && SERIES(o->version) == SERIES(k->version) && o->version < k->version)
			return false;
	}
	return true;
}

/* The distribution's name: its first word ("Debian", "RHEL"). */
static bool same_family(const char *a, const char *b)
{
	while (*a && *a != ' ' && *a == *b)
		a++, b++;
	return (!*a || *a == ' ') && (!*b || *b == ' ');
}

static bool has(const char *s, const char *needle)
{
	for (; *s; s++) {
		unsigned n = 0;
		while (needle[n] && s[n] == needle[n])
			n++;
		if (!needle[n])
			return true;
	}
	return false;
}

/*
 * A distribution row's place in its release history: the release number
 * ("11", "22.04", "9.5", "8.10"; none, as Debian unstable, is last), then the
 * GA kernel before the HWE ones, then the kernel version.
 */
static uint64_t release_key(const struct nvmx_kernel *k)
{
	const char *d = k->distro;
	while (*d && !(*d >= '0' && *d <= '9'))
		d++;
	uint32_t major = *d ? 0 : 0xffff, minor = 0;
	while (*d >= '0' && *d <= '9')
		major = major * 10 + (uint32_t)(*d++ - '0');
	if (*d == '.')
		for (d++; *d >= '0' && *d <= '9'; d++)
			minor = minor * 10 + (uint32_t)(*d - '0');
	return (uint64_t)(major & 0xffff) << 48 | (uint64_t)(minor & 0x7fff) << 33 |
	       (uint64_t)has(k->distro, "HWE") << 32 | k->version;
}

bool nvmx_kernel_follows(const struct nvmx_kernel *a, const struct nvmx_kernel *b)
{
	if (a == b)
		return false;
	if (a->distro || b->distro)
		return a->distro && b->distro && same_family(a->distro, b->distro) &&
		       release_key(a) < release_key(b);
	if (SERIES(a->version) == SERIES(b->version))	/* a stable line */
		return a->version < b->version;
	return mainline(a) && mainline(b) && a->version < b->version;
}
