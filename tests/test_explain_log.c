/* SPDX-License-Identifier: MIT */
/*
 * nvmx_explain_log, the whole-log answer `nvmx explain FILE` prints: which
 * release a log is explained under (the release asked for, else the user's
 * kernel: given, else the one the log names), the refusals, the log's lines
 * that are not VMX writes, and the ranking across the log's failures.
 */
#include <string.h>
#include "tap.h"
#include "nvmx/nvmx.h"

static struct nvmx_hostfile hf;
static struct nvmx_explain_request req;
static struct nvmx_log_explanation x;
static struct nvmx_error err;
static char text[16384];

static enum nvmx_explain_status run(const char *log, const char *uname, const char *kvm)
{
	memset(&req, 0, sizeof(req));
	req.env.host = hf.host;
	req.env.kernel = kvm ? nvmx_kernel_find(kvm) : NULL;
	req.uname = uname;
	snprintf(text, sizeof(text), "%s", log);
	req.text = text;
	req.len = strlen(text);
	return nvmx_explain_log(&x, &req, &err);
}

static bool has_cause(const char *key)
{
	for (unsigned i = 0; i < x.ncauses; i++)
		if (!strcmp(x.causes[i], key))
			return true;
	return false;
}

/* USR_WAIT_PAUSE allowed in secondary controls: no release offers it to L1 on this host. */
#define WAIT_PAUSE "qemu-system-x86_64: error: failed to set MSR 0x48b to 0x400000000000000\n"

int main(void)
{
	struct nvmx_diag diag;
	memset(&diag, 0, sizeof(diag));
	if (nvmx_hostfile_read("data/hosts/intel-xeon-platinum-8180.msrs", &hf, &diag)) {
		tap_ok(0, "read the Platinum 8180 dump");
		printf("1..%d\n", tap_n);
		return 1;
	}

	/* The kernel the log names picks the release: Ubuntu 20.04's 5.4.0-131 has its own row. */
	tap_ok(run("Linux h 5.4.0-131-generic #147-Ubuntu SMP x86_64 GNU/Linux\n" WAIT_PAUSE, NULL, NULL) ==
	       NVMX_EXPLAIN_OK && x.uname_from_log && !strcmp(x.uname, "5.4.0-131-generic") &&
	       x.kernel == nvmx_kernel_find("ubuntu-20.04-5.4.0-131") && !x.kernel_nearest &&
	       !x.not_modelled, "the log's uname picks its own row, ubuntu-20.04-5.4.0-131");
	tap_ok(x.nwrites == 1 && x.line[0] == 2 && x.writes[0].index == 0x48b && x.writes[0].ex.r.rc &&
	       !x.all_accepted && has_cause("rejected:allowed-1-added"),
	       "... the write on line 2 rejected (allowed-1 added), the answer not accepted");
	/* The user's --uname wins over the log's, and a release asked for over both. */
	tap_ok(!run("Linux h 5.4.0-131-generic #147-Ubuntu\n" WAIT_PAUSE, "6.1.0", NULL) &&
	       !x.uname_from_log && x.kernel == nvmx_kernel_find("6.1"), "a given uname wins over the log's");
	tap_ok(!run("Linux h 5.4.0-131-generic #147-Ubuntu\n" WAIT_PAUSE, "6.1.0", "5.15") &&
	       x.kernel_asked && x.kernel == nvmx_kernel_find("5.15") && x.env.env.user_kernel >> 16 == 0x0601,
	       "a release asked for wins; the uname still ranks (user kernel 6.1)");
	/* Older than every row: explained under the oldest, and said so first among the causes. */
	tap_ok(!run(WAIT_PAUSE, "4.19.0-21-amd64", NULL) && x.not_modelled && x.kernel == nvmx_kernel_oldest() &&
	       x.ncauses && !strcmp(x.causes[0], "kernel-not-modelled"),
	       "4.19: not modelled, explained under the oldest row, cause kernel-not-modelled first");
	/* A Proxmox build has no exact row: the nearest, flagged as an approximation. */
	tap_ok(!run(WAIT_PAUSE, "6.14.11-2-pve", NULL) && x.kernel_nearest && x.kernel == x.match.kernel &&
	       x.match.how == NVMX_MATCH_NEAREST, "6.14.11-2-pve: the nearest row, an approximation");

	/* Refusals. */
	tap_ok(run(WAIT_PAUSE, NULL, NULL) == NVMX_EXPLAIN_NO_KERNEL && err.code == NVMX_E_ARG && err.msg[0],
	       "no release and no kernel anywhere: refused");
	tap_ok(run(WAIT_PAUSE, "not-a-kernel", NULL) == NVMX_EXPLAIN_BAD_UNAME && err.msg[0],
	       "a uname that is no release: refused");
	tap_ok(run("nothing QEMU said\n", NULL, "6.1") == NVMX_EXPLAIN_NO_EVENTS && err.code == NVMX_E_MISSING,
	       "a log without QEMU's lines: refused");
	{
		static char many[8192];
		size_t len = 0;
		for (unsigned i = 0; i < 17; i++)
			len += (size_t)snprintf(many + len, sizeof(many) - len,
						"error: failed to set MSR 0x48d to 0x%xff00000016\n", i + 1);
		tap_ok(run(many, NULL, "6.1") == NVMX_EXPLAIN_TOO_MANY_WRITES && err.code == NVMX_E_LIMIT,
		       "17 distinct VMX writes: more than one answer holds");
		len = 0;
		for (unsigned i = 0; i < 65; i++)
			len += (size_t)snprintf(many + len, sizeof(many) - len,
						"error: failed to set MSR 0x%x to 0x0\n", 0x100 + i);
		tap_ok(run(many, NULL, "6.1") == NVMX_EXPLAIN_TOO_MANY_EVENTS && x.nevents == 65,
		       "65 distinct lines: refused, and how many is said");
	}
	memset(&req, 0, sizeof(req));
	{
		struct nvmx_param_arg p = { "no_such_param=1", 13, "1" };
		run(WAIT_PAUSE, NULL, "6.1");
		req.params = &p;
		req.nparams = 1;
		tap_ok(nvmx_explain_log(&x, &req, &err) == NVMX_EXPLAIN_BAD_PARAM && err.code == NVMX_E_ARG,
		       "an unknown parameter: refused");
		struct nvmx_param_arg off = { "nested=0", 6, "0" };
		req.params = &off;
		tap_ok(!nvmx_explain_log(&x, &req, &err) && x.kvm.status == NVMX_LOAD_OK && !x.kvm.nested &&
		       x.writes[0].ex.r.reason == NVMX_R_NO_NESTED,
		       "nested=0 applied on the release's defaults: the write meets no nested VMX");
	}

	/* The lines that are not VMX writes. */
	tap_ok(!run("error: failed to set MSR 0xe1 to 0x0\n", NULL, "6.1") && !x.nwrites && x.all_accepted &&
	       x.ncauses == 1 && !strcmp(x.causes[0], "out-of-scope:0xe1"),
	       "IA32_UMWAIT_CONTROL: out of scope, no VMX write, cause out-of-scope:0xe1");
	tap_ok(!run("kvm.c:2947: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.\n",
		    NULL, "6.1") && x.assert_only && has_cause("assert-only"),
	       "QEMU's assertion alone: assert-only (the line naming the MSR is missing)");

	/*
	 * Across the log: two accepted writes (vNMI in 0x48d, EPT in 0x48b);
	 * one outer hypervisor hiding what each relies on reproduces both
	 * failures, so it leads both lists, marked so; alone, neither write's
	 * list carries that mark.
	 */
	tap_ok(!run("error: failed to set MSR 0x48d to 0x7f00000016\n"
		    "error: failed to set MSR 0x48b to 0x200000000\n", "5.15.0", NULL) && x.nwrites == 2 &&
	       !x.writes[0].ex.r.rc && !x.writes[1].ex.r.rc && x.all_accepted,
	       "two writes explained together, both accepted");
	{
		const struct nvmx_would_fail *a = &x.writes[0].wf, *b = &x.writes[1].wf;
		tap_ok(a->n && b->n && a->c[0].kind == NVMX_CH_HOST_HIDES && b->c[0].kind == NVMX_CH_HOST_HIDES &&
		       (a->c[0].why & NVMX_WHY_ALL_EVENTS) && (b->c[0].why & NVMX_WHY_ALL_EVENTS),
		       "... an outer hypervisor hiding bits leads both lists, as reproducing every failure");
		static struct nvmx_explanation alone;
		bool marked = false;
		nvmx_explain_write(&alone, &x.env, 0x48d, UINT64_C(0x7f00000016));
		for (unsigned i = 0; i < alone.wf.n; i++)
			marked |= (alone.wf.c[i].why & NVMX_WHY_ALL_EVENTS) != 0;
		tap_ok(alone.wf.n && !marked, "... the 0x48d write alone: no entry marked so");
	}
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
