/* SPDX-License-Identifier: MIT */
/*
 * Finding QEMU's VMX MSR lines in whatever the user pasted.  The lines come
 * raw (stderr), inside libvirt's one-line "internal error: ..." message where
 * newlines are the two characters "\n" (or "\\n" once JSON-escaped again by
 * KubeVirt), and with timestamps or program names in front; so the scanner
 * looks for the phrases themselves, anywhere, and stops each number at the
 * first character that cannot belong to it.
 */
#include "nvmx/report.h"

/* The core has no libc string functions. */
static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static bool has_char(const char *set, char ch)
{
	for (; *set; set++)
		if (*set == ch)
			return true;
	return false;
}

static bool same_str(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void copy_n(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
	dst[n] = 0;
}

struct cur {
	const char *p, *end;
};

static bool at(const struct cur *c, const char *p, const char *lit)
{
	size_t n = slen(lit);
	if ((size_t)(c->end - p) < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] != lit[i])
			return false;
	return true;
}

/* The same, ASCII letters in any case: a message retyped by hand ("failed to set msr"). */
static bool at_nocase(const struct cur *c, const char *p, const char *lit)
{
	size_t n = slen(lit);
	if ((size_t)(c->end - p) < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = p[i], b = lit[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "0x" and 1..16 significant hex digits; the pointer after, or NULL. */
static const char *hex64(const struct cur *c, const char *p, uint64_t *v)
{
	if (!at(c, p, "0x") && !at(c, p, "0X"))
		return NULL;
	p += 2;
	unsigned sig = 0, n = 0;
	uint64_t x = 0;
	while (p < c->end && hexval(*p) >= 0) {
		if (x || hexval(*p))
			sig++;
		x = x << 4 | (uint64_t)hexval(*p);
		p++;
		n++;
	}
	if (!n || sig > 16)
		return NULL;
	*v = x;
	return p;
}

static unsigned line_of(const char *start, const char *p)
{
	unsigned l = 1;
	for (const char *q = start; q < p; q++)
		l += *q == '\n';
	return l;
}

static size_t add(struct nvmx_event *out, size_t max, size_t n, const struct nvmx_event *e)
{
	for (size_t i = 0; i < n && i < max; i++) {
		const struct nvmx_event *o = &out[i];
		if (o->kind == e->kind && o->index == e->index && o->value == e->value &&
		    o->bit == e->bit && o->tcg == e->tcg && same_str(o->name, e->name)) {
			out[i].count++;
			return n;
		}
	}
	if (n < max)
		out[n] = *e;
	return n + 1;
}

/*
 * Copy the name at p: letters, digits and the characters in `extra`, up to
 * cap - 1.  Only such characters, so what is copied is printable ASCII
 * whatever the log holds.
 */
static void copy_token(char *dst, size_t cap, const char *p, const char *end, const char *extra)
{
	size_t n = 0;
	while (p + n < end && n + 1 < cap &&
	       ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
		(p[n] >= '0' && p[n] <= '9') || (p[n] && has_char(extra, p[n]))))
		n++;
	copy_n(dst, p, n);
}

/* A version "4.2", "5.1.0", "2.11" right at p; copies it, returns its length. */
static size_t version_at(const struct cur *c, const char *p, char *dst, size_t cap)
{
	size_t n = 0;
	unsigned dots = 0;
	while (p + n < c->end && ((p[n] >= '0' && p[n] <= '9') || (p[n] == '.' && n && p[n - 1] != '.'))) {
		dots += p[n] == '.';
		n++;
	}
	while (n && p[n - 1] == '.') {
		n--;
		dots--;
	}
	if (!dots || n >= cap || !(p[0] >= '0' && p[0] <= '9'))
		return 0;
	copy_n(dst, p, n);
	return n;
}

static void hint_qemu(const struct cur *c, const char *p, struct nvmx_report_hints *h)
{
	if (!h || h->qemu[0])
		return;
	static const char *const lead[] = { "QEMU emulator version ", "qemu version: ", "/qemu-",
					    "QEMU v" };
	for (unsigned i = 0; i < sizeof(lead) / sizeof(lead[0]); i++)
		if (at(c, p, lead[i])) {
			version_at(c, p + slen(lead[i]), h->qemu, sizeof(h->qemu));
			return;
		}
}

static void hint_kernel(const struct cur *c, const char *p, const char *start,
			struct nvmx_report_hints *h)
{
	if (!h || h->kernel[0])
		return;
	const char *q = NULL;
	if (at(c, p, "kernel: ") || at(c, p, "kernel ")) {
		q = p + (at(c, p, "kernel: ") ? 8 : 7);
	} else if (at(c, p, "Linux ") && (p == start || p[-1] == '\n')) {
		/* uname -a: "Linux HOST RELEASE #..." */
		q = p + 6;
		while (q < c->end && *q != ' ' && *q != '\n')
			q++;
		if (q < c->end && *q == ' ')
			q++;
	}
	if (!q || q >= c->end || !(*q >= '0' && *q <= '9'))
		return;
	char tmp[16];
	if (!version_at(c, q, tmp, sizeof(tmp)))
		return;
	copy_token(h->kernel, sizeof(h->kernel), q, c->end, "._+~-");
	/* "with kernel 5.0.0-36-generic..." ends a sentence. */
	for (size_t n = slen(h->kernel); n && h->kernel[n - 1] == '.'; n--)
		h->kernel[n - 1] = 0;
}

/*
 * Words that are evidence for ranking the differences that reproduce a
 * failure (report_rank.c): the guest's eVMCS switch on QEMU's command line,
 * KVM itself running on Hyper-V, or in another hypervisor's VM.  Only
 * ranking uses them; no verdict depends on a word.
 */
static void hint_env(const struct cur *c, const char *p, struct nvmx_report_hints *h)
{
	static const char *const evmcs[] = { "hv-evmcs", "hv_evmcs", "hv-passthrough", "hv_passthrough" };
	static const char *const hyperv[] = { "Hyper-V", "WSL2", "microsoft-standard", "Azure" };
	static const char *const outer[] = { "VMware", "VirtualBox", "Parallels", "nested virtualization",
					     "nested virtualisation", "GCE", "Google Cloud" };
	if (!h)
		return;
	for (unsigned i = 0; i < sizeof(evmcs) / sizeof(evmcs[0]) && !h->evmcs; i++)
		h->evmcs = at_nocase(c, p, evmcs[i]);
	for (unsigned i = 0; i < sizeof(hyperv) / sizeof(hyperv[0]) && !h->hyperv; i++)
		h->hyperv = at_nocase(c, p, hyperv[i]);
	for (unsigned i = 0; i < sizeof(outer) / sizeof(outer[0]) && !h->outer_vm; i++)
		h->outer_vm = at_nocase(c, p, outer[i]);
}

size_t nvmx_report_scan(const char *buf, size_t len, struct nvmx_event *out, size_t max,
			struct nvmx_report_hints *hints)
{
	struct cur c = { buf, buf + len };
	size_t n = 0;
	if (hints)
		*hints = (struct nvmx_report_hints){ .qemu = { 0 } };
	for (const char *p = buf; p < c.end; p++) {
		struct nvmx_event e = { .count = 1 };
		hint_qemu(&c, p, hints);
		hint_kernel(&c, p, buf, hints);
		hint_env(&c, p, hints);
		if (at_nocase(&c, p, "failed to set MSR ")) {
			uint64_t idx, val;
			const char *q = hex64(&c, p + 18, &idx);
			if (!q || !at_nocase(&c, q, " to ") || idx > 0xffffffffu || !(q = hex64(&c, q + 4, &val)))
				continue;
			e.kind = NVMX_EV_SET_MSR;
			e.index = (uint32_t)idx;
			e.value = val;
			e.line = line_of(buf, p);
			n = add(out, max, n, &e);
			p = q - 1;
			continue;
		}
		static const char *const fns[] = { "kvm_buf_set_msrs: Assertion", "kvm_put_msrs: Assertion",
						   "kvm_init_msrs: Assertion" };
		for (unsigned i = 0; i < 3; i++)
			if (at(&c, p, fns[i])) {
				e.kind = NVMX_EV_ASSERT;
				copy_token(e.name, sizeof(e.name), p, c.end, "_");
				e.line = line_of(buf, p);
				n = add(out, max, n, &e);
			}
		/* QEMU's own text, and the stray space one report shows before the colon. */
		bool tcg = at(&c, p, "TCG doesn't support requested feature");
		if (!tcg && !at(&c, p, "host doesn't support requested feature"))
			continue;
		const char *q = p + (tcg ? 37 : 38);
		while (q < c.end && (*q == ' ' || *q == ':'))
			q++;
		if (!at(&c, q, "MSR("))
			continue;
		q += 4;
		uint32_t idx = 0;
		unsigned nd = 0;
		while (q < c.end && hexval(*q) >= 0 && nd < 8) {
			idx = idx << 4 | (uint32_t)hexval(*q++);
			nd++;
		}
		if (!nd || !at(&c, q, "H)"))
			continue;
		q += 2;
		e.kind = NVMX_EV_FEATURE;
		e.index = idx;
		e.tcg = tcg;
		if (q < c.end && *q == '.') {
			copy_token(e.name, sizeof(e.name), q + 1, c.end, "_-");
			q++;
			while (q < c.end && *q != ' ' && *q != '[' && *q != '\n')
				q++;
		}
		while (q < c.end && *q == ' ')
			q++;
		if (!at(&c, q, "[bit "))
			continue;
		q += 5;
		unsigned bit = 0, bd = 0;
		while (q < c.end && *q >= '0' && *q <= '9' && bd < 3) {
			bit = bit * 10 + (unsigned)(*q++ - '0');
			bd++;
		}
		if (!bd || bit > 63 || !at(&c, q, "]"))
			continue;
		e.bit = bit;
		e.line = line_of(buf, p);
		n = add(out, max, n, &e);
		p = q;
	}
	return n;
}
