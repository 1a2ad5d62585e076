/* SPDX-License-Identifier: MIT */
/*
 * The .msrs reader and writers: every bundled dump reads cleanly and agrees
 * with an independent scan of its own text; JSON and text round trips are
 * exact; each kind of malformed input fails with its own message.
 */
#include <errno.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvmx/io.h"
#include "nvmx/kvm.h"
#include "tap.h"
#include "io_fixture.h"

/* Intel SDM Vol. 4, table 2-2: the VMX capability MSR indexes. */
static const struct { const char *name; unsigned index; } sdm[] = {
	{ "IA32_VMX_BASIC", 0x480 }, { "IA32_VMX_PINBASED_CTLS", 0x481 },
	{ "IA32_VMX_PROCBASED_CTLS", 0x482 }, { "IA32_VMX_EXIT_CTLS", 0x483 },
	{ "IA32_VMX_ENTRY_CTLS", 0x484 }, { "IA32_VMX_MISC", 0x485 },
	{ "IA32_VMX_CR0_FIXED0", 0x486 }, { "IA32_VMX_CR0_FIXED1", 0x487 },
	{ "IA32_VMX_CR4_FIXED0", 0x488 }, { "IA32_VMX_CR4_FIXED1", 0x489 },
	{ "IA32_VMX_VMCS_ENUM", 0x48a }, { "IA32_VMX_PROCBASED_CTLS2", 0x48b },
	{ "IA32_VMX_EPT_VPID_CAP", 0x48c }, { "IA32_VMX_TRUE_PINBASED_CTLS", 0x48d },
	{ "IA32_VMX_TRUE_PROCBASED_CTLS", 0x48e }, { "IA32_VMX_TRUE_EXIT_CTLS", 0x48f },
	{ "IA32_VMX_TRUE_ENTRY_CTLS", 0x490 }, { "IA32_VMX_VMFUNC", 0x491 },
	{ "IA32_VMX_PROCBASED_CTLS3", 0x492 }, { "IA32_VMX_EXIT_CTLS2", 0x493 },
};
#define NSDM (sizeof(sdm) / sizeof(sdm[0]))

static const char *data_dir(void)
{
	const char *d = getenv("NVMX_DATA");
	return d && *d ? d : "data/hosts";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of *.msrs in the data directory. */
static char **list_dumps(size_t *n)
{
	DIR *d = opendir(data_dir());
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	if (!d)
		return NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".msrs"))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			v = realloc(v, cap * sizeof(*v));
		}
		size_t plen = strlen(data_dir()) + l + 2;
		v[*n] = malloc(plen);
		snprintf(v[*n], plen, "%s/%s", data_dir(), e->d_name);
		(*n)++;
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/*
 * What the file says, found without the reader: sscanf over each
 * "NAME = 0x..." line.  Returns the number of MSR lines seen.
 */
static unsigned scan_independently(const char *path, struct nvmx_msrs *m, char *name, size_t ncap)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	unsigned count = 0;
	memset(m, 0, sizeof(*m));
	name[0] = '\0';
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char key[64];
		unsigned long long v;
		if (!strncmp(line, "name = ", 7)) {
			snprintf(name, ncap, "%.127s", line + 7);
			name[strcspn(name, "\r\n")] = '\0';
			continue;
		}
		if (sscanf(line, "%63s = 0x%llx", key, &v) != 2)
			continue;
		for (unsigned i = 0; i < NSDM; i++)
			if (!strcmp(key, sdm[i].name)) {
				m->val[sdm[i].index - 0x480] = v;
				m->present |= 1u << (sdm[i].index - 0x480);
				count++;
			}
	}
	fclose(f);
	return count;
}

/* The fields a host dump carries, compared one by one (path is allowed to differ). */
static int same_host(const struct nvmx_hostfile *a, const struct nvmx_hostfile *b, char *why,
		     size_t n)
{
	if (a->host.msrs.present != b->host.msrs.present)
		return snprintf(why, n, "present 0x%x vs 0x%x", a->host.msrs.present,
				b->host.msrs.present), 0;
	for (int i = 0; i < NVMX_MSR_COUNT; i++)
		if (((a->host.msrs.present >> i) & 1) && a->host.msrs.val[i] != b->host.msrs.val[i])
			return snprintf(why, n, "MSR 0x%x differs", 0x480 + i), 0;
	if (strcmp(a->host.vendor, b->host.vendor) || a->host.family != b->host.family ||
	    a->host.model != b->host.model || a->host.stepping != b->host.stepping ||
	    a->has_identity != b->has_identity)
		return snprintf(why, n, "identity differs"), 0;
	if (a->host.features != b->host.features)
		return snprintf(why, n, "features differ"), 0;
	if (a->host.hyperv_evmcs != b->host.hyperv_evmcs)
		return snprintf(why, n, "hyperv_evmcs differs"), 0;
	if (strcmp(a->flags, b->flags) || a->has_flags != b->has_flags)
		return snprintf(why, n, "flags differ"), 0;
	if (strcmp(a->name, b->name))
		return snprintf(why, n, "name '%s' vs '%s'", a->name, b->name), 0;
	if (strcmp(a->source, b->source))
		return snprintf(why, n, "source differs"), 0;
	return 1;
}

/* Serialize with one of the writers into memory and read it back. */
static int round_trip(const struct nvmx_hostfile *in, bool json, struct nvmx_hostfile *out,
		      struct nvmx_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (json)
		nvmx_hostfile_write_json(f, in);
	else
		nvmx_hostfile_write_text(f, in);
	fclose(f);
	int rc = json ? nvmx_hostfile_parse_json("rt.json", buf, len, out, d)
		      : nvmx_hostfile_parse_text("rt.msrs", buf, len, out, d);
	free(buf);
	return rc;
}

static void test_bundled(void)
{
	size_t n;
	char **files = list_dumps(&n);
	tap_ok(n >= 170, "found the bundled dumps in %s (%zu files)", data_dir(), n);
	unsigned parsed = 0, clean = 0, agree = 0, json_rt = 0, text_rt = 0, msr_lines = 0;
	static struct nvmx_hostfile h, back;
	for (size_t i = 0; i < n; i++) {
		struct nvmx_diag d;
		struct nvmx_msrs ref;
		char name[128], why[320];
		unsigned lines = scan_independently(files[i], &ref, name, sizeof(name));
		msr_lines += lines;
		if (nvmx_hostfile_read(files[i], &h, &d) < 0) {
			tap_diag("%s: %s", files[i], d.error.msg);
			continue;
		}
		parsed++;
		if (d.nwarn)
			tap_diag("%s: warning: %s", files[i], d.warn[0]);
		else
			clean++;
		if (ref.present == h.host.msrs.present &&
		    !memcmp(ref.val, h.host.msrs.val, sizeof(ref.val)) && !strcmp(name, h.name) &&
		    h.has_identity && h.has_flags && lines >= 11)
			agree++;
		else
			tap_diag("%s: reader and line scan disagree", files[i]);
		if (round_trip(&h, true, &back, &d) == 0 && same_host(&h, &back, why, sizeof(why)))
			json_rt++;
		else
			tap_diag("%s: JSON round trip: %s", files[i], d.error.msg[0] ? d.error.msg : why);
		if (round_trip(&h, false, &back, &d) == 0 && same_host(&h, &back, why, sizeof(why)))
			text_rt++;
		else
			tap_diag("%s: text round trip: %s", files[i], d.error.msg[0] ? d.error.msg : why);
		free(files[i]);
	}
	free(files);
	tap_ok(parsed == n, "every bundled dump parses (%u/%zu)", parsed, n);
	tap_ok(clean == n, "no bundled dump draws a warning (%u/%zu)", clean, n);
	tap_ok(agree == n, "values, name, identity match a line-by-line scan (%u/%zu, %u MSR lines)",
	       agree, n, msr_lines);
	tap_ok(json_rt == n, "text -> JSON -> struct is exact for every dump (%u/%zu)", json_rt, n);
	tap_ok(text_rt == n, "text -> text -> struct is exact for every dump (%u/%zu)", text_rt, n);
}

/* Facts read off data/hosts/intel-xeon-platinum-8180.msrs by eye. */
static void test_known_dump(void)
{
	char path[512];
	struct nvmx_hostfile h;
	struct nvmx_diag d;
	snprintf(path, sizeof(path), "%s/intel-xeon-platinum-8180.msrs", data_dir());
	if (!tap_ok(nvmx_hostfile_read(path, &h, &d) == 0, "read the Xeon Platinum 8180 dump")) {
		tap_diag("%s", d.error.msg);
		return;
	}
	tap_eq64(h.host.msrs.val[NVMX_BASIC], 0x00da040000000004, "8180 IA32_VMX_BASIC");
	tap_eq64(h.host.msrs.val[NVMX_PROCBASED2], 0x025f7fff00000000, "8180 PROCBASED_CTLS2");
	tap_eq64(h.host.msrs.val[NVMX_TRUE_ENTRY], 0x0003ffff000011fb, "8180 TRUE_ENTRY_CTLS");
	tap_eq64(h.host.msrs.present, 0x1ffff, "8180 has 0x480..0x490 and nothing above");
	tap_ok(!strcmp(h.name, "Intel Xeon Platinum 8180"), "name from 'name =': %s", h.name);
	tap_ok(!strcmp(h.host.vendor, "GenuineIntel") && h.host.family == 6 && h.host.model == 85 &&
	       h.host.stepping == 4, "identity GenuineIntel 6/85/4");
	static const char src[] = "github.com/InstLatx64/InstLatx64 GenuineIntel/";
	tap_ok(!strncmp(h.source, src, sizeof(src) - 1), "'# source:' header kept");
	uint64_t want = NVMX_FEAT(NVMX_F_VMX) | NVMX_FEAT(NVMX_F_MPX) | NVMX_FEAT(NVMX_F_PKU) |
			NVMX_FEAT(NVMX_F_SMAP) | NVMX_FEAT(NVMX_F_NX) | NVMX_FEAT(NVMX_F_LM);
	tap_ok((h.host.features & want) == want, "cpuid.features: vmx mpx pku smap nx lm set");
	tap_ok(!(h.host.features & (NVMX_FEAT(NVMX_F_XSAVES) | NVMX_FEAT(NVMX_F_LA57) |
				    NVMX_FEAT(NVMX_F_WAITPKG))),
	       "cpuid.features: xsaves la57 waitpkg (not listed) clear");
	tap_ok(strstr(h.flags, "avx512f") != NULL, "flags text kept verbatim");

	snprintf(path, sizeof(path), "%s/intel-core-i7-6700k.msrs", data_dir());
	if (nvmx_hostfile_read(path, &h, &d) == 0)
		tap_eq64(h.host.msrs.val[NVMX_VMFUNC], 1, "i7-6700K IA32_VMX_VMFUNC = 1");
	else
		tap_ok(0, "read i7-6700K: %s", d.error.msg);
}

struct bad_case {
	const char *what;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *must1, *must2;	/* substrings the error must contain */
};

static void test_malformed(void)
{
	static const char nul_text[] = "IA32_VMX_BASIC = 0x1\nname = a\0b\n";
	static const struct bad_case cases[] = {
		{ "truncated line (empty value)", "name = x\nIA32_VMX_BASIC =\n", 0,
		  "bad.msrs:2:", "empty value for 'IA32_VMX_BASIC'" },
		{ "line without '='", "IA32_VMX_BASIC 0x1\n", 0, "bad.msrs:1:", "no '='" },
		{ "non-hex value", "IA32_VMX_BASIC = 0x00da04zz\n", 0, "bad.msrs:1:", "non-hex" },
		{ "decimal value", "IA32_VMX_MISC = 1234\n", 0, "bad.msrs:1:", "not a hex number" },
		{ "0x without digits", "IA32_VMX_MISC = 0x\n", 0, "bad.msrs:1:", "no hex digits" },
		{ "value wider than 64 bits", "\n\nIA32_VMX_BASIC = 0x100da040000000004\n", 0,
		  "bad.msrs:3:", "wider than 64 bits" },
		{ "trailing junk", "IA32_VMX_BASIC = 0x1 0x2\n", 0, "bad.msrs:1:",
		  "unexpected text after the value" },
		{ "duplicate MSR key", "IA32_VMX_BASIC = 0x1\n# c\nIA32_VMX_BASIC = 0x2\n", 0,
		  "bad.msrs:3: duplicate key 'IA32_VMX_BASIC'", "line 1" },
		{ "duplicate by name and index", "IA32_VMX_MISC = 0x1\n0x485 = 0x1\n", 0,
		  "bad.msrs:2: duplicate key '0x485'", "line 1" },
		{ "duplicate metadata key", "family = 6\nfamily = 6\nIA32_VMX_BASIC = 0x1\n", 0,
		  "bad.msrs:2: duplicate key 'family'", "line 1" },
		{ "unknown MSR name", "IA32_VMX_BASIC = 0x1\nIA32_VMX_PROCBASED_CTLS4 = 0x1\n", 0,
		  "bad.msrs:2:", "unknown MSR 'IA32_VMX_PROCBASED_CTLS4'" },
		{ "unknown MSR index", "0x4a0 = 0x1\n", 0, "bad.msrs:1:", "unknown MSR '0x4a0'" },
		{ "empty file", "", 0, "bad.msrs", "empty file" },
		{ "only comments", "# source: nowhere\n\n   \n", 0, "bad.msrs", "empty file" },
		{ "no MSR at all", "name = x\nfamily = 6\n", 0, "bad.msrs", "no VMX MSR values" },
		{ "NUL byte", nul_text, sizeof(nul_text) - 1, "bad.msrs:2:", "NUL byte" },
		{ "invalid UTF-8", "IA32_VMX_BASIC = 0x1\nname = \xc3\x28\n", 0, "bad.msrs:2:",
		  "invalid UTF-8" },
		{ "binary garbage", "\x7f" "ELF\x02\x01\x01", 0, "bad.msrs:1:", "control character" },
		{ "bad family", "family = 6a\nIA32_VMX_BASIC = 0x1\n", 0, "bad.msrs:1:",
		  "family '6a' is not a decimal number" },
		{ "hex family", "family = 0x6\nIA32_VMX_BASIC = 0x1\n", 0, "bad.msrs:1:",
		  "not a decimal number" },
		{ "stepping out of range", "stepping = 16\nIA32_VMX_BASIC = 0x1\n", 0, "bad.msrs:1:",
		  "out of range" },
		{ "key with a space", "cpu family = 6\nIA32_VMX_BASIC = 0x1\n", 0, "bad.msrs:1:",
		  "malformed key 'cpu family'" },
		{ "missing key", "= 0x1\n", 0, "bad.msrs:1:", "missing key" },
		{ "bare carriage return", "IA32_VMX_BASIC = 0x1\rIA32_VMX_MISC = 0x2\n", 0,
		  "bad.msrs:1:", "carriage return" },
		{ "'#' glued to a value", "IA32_VMX_BASIC = 0x1#c\n", 0, "bad.msrs:1:", "non-hex" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		struct nvmx_hostfile h;
		struct nvmx_diag d;
		size_t len = c->len ? c->len : strlen(c->text);
		int rc = nvmx_hostfile_parse_text("bad.msrs", c->text, len, &h, &d);
		bool ok = rc < 0 && strstr(d.error.msg, c->must1) && strstr(d.error.msg, c->must2);
		if (!tap_ok(ok, "rejects %s", c->what))
			tap_diag("rc %d, error '%s'", rc, d.error.msg);
	}
}

static void test_accepted_forms(void)
{
	struct nvmx_hostfile h;
	struct nvmx_diag d;
	const char *crlf = "# source: bench\r\nname = Sample #2   # an inline comment\r\n"
			   "vendor = GenuineIntel\r\nfamily = 6   # display family\r\nmodel = 94\r\n"
			   "stepping = 3\r\n0x480 = 0x00DA040000000004\r\n"
			   "msr_ia32_vmx_misc = 0x0000000000000000000007\r\nIA32_VMX_EXIT_CTLS2 = 0x5";
	int rc = nvmx_hostfile_parse_text("ok.msrs", crlf, strlen(crlf), &h, &d);
	if (!tap_ok(rc == 0 && d.nwarn == 0, "CRLF, inline comments, hex and Linux keys, no final newline"))
		tap_diag("%s", d.error.msg);
	tap_eq64(h.host.msrs.val[NVMX_BASIC], 0x00da040000000004, "hex-index key, upper-case digits");
	tap_eq64(h.host.msrs.val[NVMX_MISC], 7, "leading zeros beyond 16 digits are fine");
	tap_eq64(h.host.msrs.val[NVMX_EXIT2], 5, "last line without newline is read");
	tap_ok(!strcmp(h.name, "Sample #2"), "'#' inside a word is text: '%s'", h.name);
	tap_ok(h.host.family == 6 && h.host.model == 94 && h.has_identity, "inline comment after family");
	tap_ok(!strcmp(h.source, "bench"), "source with CRLF: '%s'", h.source);
	tap_ok(!h.has_flags && h.host.features == 0, "no cpuid.features: no flags, no features");

	const char *unk = "IA32_VMX_BASIC = 0x1\nmicrocode = 0x2000011\nboard = x\n";
	rc = nvmx_hostfile_parse_text("dir/host-a.msrs", unk, strlen(unk), &h, &d);
	tap_ok(rc == 0 && d.nwarn == 2, "unknown metadata keys are warnings (%u)", d.nwarn);
	tap_ok(d.nwarn && !strcmp(d.warn[0], "dir/host-a.msrs:2: unknown key 'microcode' ignored"),
	       "warning text: '%s'", d.nwarn ? d.warn[0] : "");
	tap_ok(!strcmp(h.name, "host-a"), "name defaults to the base name without .msrs: '%s'", h.name);

	const char *ev = "IA32_VMX_BASIC = 0x1\nhyperv_evmcs = true\n";
	rc = nvmx_hostfile_parse_text("e.msrs", ev, strlen(ev), &h, &d);
	tap_ok(rc == 0 && h.host.hyperv_evmcs, "hyperv_evmcs = true");
}

static void test_files(void)
{
	struct nvmx_hostfile h;
	struct nvmx_diag d;
	int rc = nvmx_hostfile_read(fx_path("does-not-exist.msrs"), &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "does-not-exist.msrs: no such file"), "missing file: %s",
	       d.error.msg);
	fx_mkdirs("adir/");
	rc = nvmx_hostfile_read(fx_path("adir"), &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "is a directory"), "directory: %s", d.error.msg);

	const char *p = fx_write_str("json-host.msrs",
				     "\n  {\"name\": \"J\", \"msrs\": {\"0x480\": \"0x00da040000000004\"}}\n");
	rc = nvmx_hostfile_read(p, &h, &d);
	tap_ok(rc == 0 && !strcmp(h.name, "J") && h.host.msrs.present == 1,
	       "content starting with '{' is read as JSON whatever the file is called");
	p = fx_write_str("bom.json", "\xef\xbb\xbf{\"msrs\": {\"IA32_VMX_MISC\": \"0x7\"}}");
	rc = nvmx_hostfile_read(p, &h, &d);
	tap_ok(rc == 0 && h.host.msrs.val[NVMX_MISC] == 7, "JSON after a byte-order mark: %s", d.error.msg);
	p = fx_write_str("plain.json", "IA32_VMX_BASIC = 0x1\n");
	rc = nvmx_hostfile_read(p, &h, &d);
	tap_ok(rc == 0 && !strcmp(h.name, "plain.json"), "text content is text; name '%s'", h.name);
	p = fx_write_str("bad-line.msrs", "IA32_VMX_BASIC = 0x1\nIA32_VMX_MISC = q\n");
	rc = nvmx_hostfile_read(p, &h, &d);
	tap_ok(rc < 0 && strstr(d.error.msg, "bad-line.msrs:2:"), "errors carry the path: %s", d.error.msg);
}

/*
 * The error type (include/nvmx/error.h): each kind of failure has its code, a
 * line (and a column for JSON) that are the ones the message names, the
 * errno of a file that could not be read, and a success leaves no error.
 */
static void test_error_codes(void)
{
	struct nvmx_hostfile h;
	struct nvmx_diag d;
	static const struct {
		const char *name, *text;
		int code;
		unsigned line, col;
		const char *prefix;
	} cases[] = {
		{ "syntax.msrs", "IA32_VMX_BASIC = 0x1\nIA32_VMX_MISC 0x2\n", NVMX_E_SYNTAX, 2, 0,
		  "syntax.msrs:2: expected 'key = value'" },
		{ "binary.msrs", "IA32_VMX_BASIC = 0x1\n\n\x01\n", NVMX_E_SYNTAX, 3, 0,
		  "binary.msrs:3: control character 0x01" },
		{ "value.msrs", "IA32_VMX_BASIC = 0x1\nIA32_VMX_MISC = 0xg\n", NVMX_E_VALUE, 2, 0,
		  "value.msrs:2: IA32_VMX_MISC value '0xg'" },
		{ "dup.msrs", "IA32_VMX_BASIC = 0x1\n0x480 = 0x1\n", NVMX_E_VALUE, 2, 0,
		  "dup.msrs:2: duplicate key '0x480'" },
		{ "none.msrs", "# nothing\n", NVMX_E_MISSING, 0, 0, "none.msrs: empty file" },
		{ "long.msrs", "name = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
		  NVMX_E_LIMIT, 1, 0, "long.msrs:1: name value too long" },
		{ "j.json", "{\"msrs\": {\"0x480\": \"0x1\",}}", NVMX_E_SYNTAX, 1, 26,
		  "j.json:1:26: trailing comma" },
		{ "k.json", "{\n \"msrs\": {\"IA32_VMX_FOO\": \"0x1\"}}", NVMX_E_VALUE, 2, 27,
		  "k.json:2:27: unknown MSR" },
		{ "l.json", "{\"name\": \"x\"}", NVMX_E_MISSING, 0, 0, "l.json: no \"msrs\" object" },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *p = fx_write_str(cases[i].name, cases[i].text);
		int rc = nvmx_hostfile_read(p, &h, &d);
		const char *m = strstr(d.error.msg, cases[i].name);
		bool ok = rc < 0 && d.error.code == cases[i].code && d.error.line == cases[i].line &&
			  d.error.column == cases[i].col && d.error.sys_errno == 0 && m &&
			  !strncmp(m, cases[i].prefix, strlen(cases[i].prefix)) && !strchr(m, '\n');
		if (!tap_ok(ok, "%s: code %s, line %u, column %u", cases[i].name,
			    nvmx_errc_name(cases[i].code), cases[i].line, cases[i].col))
			tap_diag("rc %d, code %d, line %u, column %u, '%s'", rc, d.error.code, d.error.line,
				 d.error.column, d.error.msg);
	}
	/* The line iterator the line readers share: CRLF and a last line without '\n'. */
	const char *crlf = fx_write_str("crlf.msrs", "\xef\xbb\xbfIA32_VMX_BASIC = 0x1\r\n\r\n"
						     "IA32_VMX_MISC = 0x2\r\nx");
	int rc = nvmx_hostfile_read(crlf, &h, &d);
	tap_ok(rc < 0 && d.error.code == NVMX_E_SYNTAX && d.error.line == 4 &&
	       strstr(d.error.msg, "crlf.msrs:4:"),
	       "CRLF lines and a BOM: the fourth line is line 4: %s", d.error.msg);
	crlf = fx_write_str("crlf2.msrs", "IA32_VMX_BASIC = 0x1\r\nIA32_VMX_MISC = 0x2");
	rc = nvmx_hostfile_read(crlf, &h, &d);
	tap_ok(rc == 0 && h.host.msrs.val[NVMX_MISC] == 2, "CRLF, and a last line without a newline, read");
	rc = nvmx_hostfile_read(fx_path("missing.msrs"), &h, &d);
	tap_ok(rc < 0 && d.error.code == NVMX_E_IO && d.error.sys_errno == ENOENT && d.error.line == 0,
	       "a missing file: NVMX_E_IO with errno ENOENT: %s", d.error.msg);
	rc = nvmx_hostfile_read(fx_path("adir"), &h, &d);
	tap_ok(rc < 0 && d.error.code == NVMX_E_IO && d.error.sys_errno == EISDIR,
	       "a directory: NVMX_E_IO with errno EISDIR: %s", d.error.msg);
	rc = nvmx_hostfile_read(fx_write_str("fine.msrs", "IA32_VMX_BASIC = 0x1\n"), &h, &d);
	tap_ok(rc == 0 && d.error.code == NVMX_OK && !d.error.msg[0] && !d.error.line,
	       "a read that succeeds leaves no error behind (after failures in the same diag)");
	static const char *const names[] = { "ok", "arg", "io", "syntax", "value", "missing",
					     "limit", "unavailable", "nomem" };
	bool names_ok = NVMX_E_COUNT == sizeof(names) / sizeof(names[0]) && !nvmx_errc_name(-1) &&
			!nvmx_errc_name(NVMX_E_COUNT);
	for (int c = 0; c < NVMX_E_COUNT && names_ok; c++)
		names_ok = nvmx_errc_name(c) && !strcmp(nvmx_errc_name(c), names[c]);
	tap_ok(names_ok, "the codes' names are the stable ones docs/api.md lists");
	struct nvmx_params p;
	struct nvmx_error e;
	const struct nvmx_kernel *k = nvmx_kernel_find("5.10");
	nvmx_params_default(k, &p);
	tap_ok(nvmx_params_set(k, &p, "enable_ipiv", "0", &e) < 0 && e.code == NVMX_E_ARG &&
	       !strcmp(e.msg, "unknown kvm_intel parameter 'enable_ipiv' for release 5.10"),
	       "nvmx_params_set: a parameter the release lacks: %s", e.msg);
	tap_ok(nvmx_params_set(k, &p, "ept", "maybe", &e) < 0 && e.code == NVMX_E_ARG &&
	       !strcmp(e.msg, "bad value 'maybe' for parameter ept"),
	       "nvmx_params_set: a bad value: %s", e.msg);
	tap_ok(nvmx_params_set(k, &p, "ept", "0", &e) == 0 && p.val[NVMX_P_EPT] == 0 &&
	       nvmx_params_set(k, &p, "ept", "x", NULL) < 0, "nvmx_params_set: a good value; err may be NULL");
	tap_ok(NVMX_E_ARG == 1 && NVMX_E_IO == 2 && NVMX_E_SYNTAX == 3 && NVMX_E_VALUE == 4 &&
	       NVMX_E_MISSING == 5 && NVMX_E_LIMIT == 6 && NVMX_E_UNAVAILABLE == 7 && NVMX_E_NOMEM == 8,
	       "the codes keep their numbers");
}

/* Word by word through nvmx_feature_lookup: what nvmx_features_from_text must equal. */
static uint64_t features_slowly(const char *s)
{
	uint64_t f = 0;
	char w[256];
	while (*s) {
		size_t sp = strspn(s, " \t");
		s += sp;
		size_t n = strcspn(s, " \t");
		if (n && n < sizeof(w)) {
			memcpy(w, s, n);
			w[n] = 0;
			int k = nvmx_feature_lookup(w);
			if (k >= 0)
				f |= NVMX_FEAT(k);
		}
		s += n;
	}
	return f;
}

/* The readers' name lookups (hashed features, MSR names by length and first letter). */
static void test_lookups(void)
{
	bool ok = true;
	for (unsigned i = 0; i < NSDM; i++) {
		char k[96];
		int want = (int)(sdm[i].index - 0x480);
		for (unsigned form = 0; form < 4; form++) {
			snprintf(k, sizeof(k), "%s%s", form & 1 ? "MSR_" : "", sdm[i].name);
			if (form & 2)
				for (char *c = k; *c; c++)
					*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
			ok &= nvmx_io_msr_id(k) == want;
		}
		snprintf(k, sizeof(k), "0x%x", sdm[i].index);
		ok &= nvmx_io_msr_id(k) == want;
		snprintf(k, sizeof(k), "%sS", sdm[i].name);
		ok &= nvmx_io_msr_id(k) == -1;
		snprintf(k, sizeof(k), "%.*s", (int)strlen(sdm[i].name) - 1, sdm[i].name);
		ok &= nvmx_io_msr_id(k) == -1 || !strcmp(k, "IA32_VMX_EXIT_CTLS") ||
		      !strcmp(k, "IA32_VMX_PROCBASED_CTLS");	/* ..._CTLS2 cut is a name too */
	}
	ok &= nvmx_io_msr_id("IA32_VMX_") == -1 && nvmx_io_msr_id("") == -1 &&
	      nvmx_io_msr_id("MSR_") == -1 && nvmx_io_msr_id("IA32_VMX_BASICS") == -1 &&
	      nvmx_io_msr_id("IA32_VMXBASIC") == -1 && nvmx_io_msr_id("0x494") == -1;
	tap_ok(ok, "MSR keys: SDM and Linux names in any case, hex indexes; near misses refused");

	/* Every dump's flags, every feature name with neighbours that are not names. */
	size_t n;
	char **paths = list_dumps(&n);
	unsigned bad = 0, lines = 0;
	for (size_t i = 0; i < n; i++) {
		struct nvmx_hostfile h;
		struct nvmx_diag d;
		if (nvmx_hostfile_read(paths[i], &h, &d) == 0 && h.has_flags) {
			lines++;
			bad += nvmx_features_from_text(h.flags, strlen(h.flags)) != features_slowly(h.flags);
		}
		free(paths[i]);
	}
	free(paths);
	char text[4096] = "user_shstk\t\tshstk_ x ";
	for (int f = 0; f < NVMX_F_COUNT; f++) {
		const char *name = nvmx_feature_name((enum nvmx_feature)f);
		size_t l = strlen(text);
		snprintf(text + l, sizeof(text) - l, "%s %s_ %.*s \t%s", name, name,
			 (int)strlen(name) - 1, name, f % 2 ? "X " : "");
	}
	uint64_t all = nvmx_features_from_text(text, strlen(text));
	bad += all != features_slowly(text);
	tap_ok(!bad && lines > 100, "nvmx_features_from_text == the names word by word (%u dumps' flags "
	       "and a line of near misses, %u differ)", lines, bad);
	tap_ok(all == NVMX_FEAT(NVMX_F_COUNT) - 1 &&
	       nvmx_features_from_text("vmx", 2) == 0 && nvmx_features_from_text("vmx", 3) == NVMX_FEAT(NVMX_F_VMX),
	       "every feature is found by its name, a word cut by the length is not");
}

int main(void)
{
	fx_init();
	test_bundled();
	test_known_dump();
	test_malformed();
	test_accepted_forms();
	test_files();
	test_error_codes();
	test_lookups();
	return tap_done();
}
