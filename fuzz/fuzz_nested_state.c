/* SPDX-License-Identifier: MIT */
/*
 * The KVM nested-state blob parser and the vmcs12-controls check.  Input:
 * one selector byte (host and release whose nested MSRs the controls are
 * checked against), then the blob.
 *
 * Invariants: no crash or sanitizer report (the blob is an exact-size heap
 * copy); a refusal has a code, a field and a terminated message, the same
 * with or without a message buffer; an accepted blob is self-consistent
 * (GUEST_MODE implies VMX on, a vmcs12 fits in `size`); the check's counts
 * agree with its findings and its text stays inside the buffer.
 */
#include "nvmx/nvmx.h"
#include "nvmx/nested_state.h"
#include "fuzz.h"
#include "fuzz_hosts.h"

static void check_describe(const struct nvmx_ns_check *c)
{
	static char big[8192];
	char small[32];
	size_t n = nvmx_ns_check_describe(c, big, sizeof(big));
	FUZZ_CHECK(n < sizeof(big) && strlen(big) == n, "describe: %zu vs %zu", n, strlen(big));
	size_t m = nvmx_ns_check_describe(c, small, sizeof(small));
	FUZZ_CHECK(m == n && strlen(small) == (n < sizeof(small) ? n : sizeof(small) - 1),
		   "describe truncation: %zu / %zu", m, strlen(small));
	FUZZ_CHECK(nvmx_ns_check_describe(c, NULL, 0) == n, "describe without a buffer");
	unsigned bad = 0;
	for (unsigned i = 0; i < NVMX_NS_W_COUNT; i++) {
		const struct nvmx_ns_finding *f = &c->w[i];
		bad += f->bad;
		FUZZ_CHECK(!f->bad || f->checked, "word %u bad but not checked", i);
		FUZZ_CHECK(!f->rejected_by_set || c->when == NVMX_NS_WHEN_SET, "rejected by SET when %d",
			   (int)c->when);
		FUZZ_CHECK(nvmx_ns_word_name((enum nvmx_ns_word)i) != NULL, "word name");
	}
	FUZZ_CHECK(bad == c->nbad, "nbad %u, findings %u", c->nbad, bad);
	FUZZ_CHECK(!c->set_fails || (c->nbad && c->when == NVMX_NS_WHEN_SET), "set_fails");
	FUZZ_CHECK(nvmx_ns_when_name(c->when) != NULL, "when name");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	size_t len = size - 1;
	char *blob = fuzz_dup(data + 1, len);

	struct nvmx_nested_state ns, ns2;
	struct nvmx_ns_error err, err2;
	const char *msg = err.error.msg;
	int rc = nvmx_nested_state_parse(blob, len, &ns, &err);
	int rc2 = nvmx_nested_state_parse(blob, len, &ns2, &err2);
	FUZZ_CHECK(rc == rc2 && err.code == err2.code && !strcmp(err.error.msg, err2.error.msg),
		   "a second parse answers differently");
	FUZZ_CHECK(rc == nvmx_nested_state_parse(blob, len, &ns2, NULL), "err NULL changes the verdict");
	FUZZ_CHECK(nvmx_ns_err_name(err.code) != NULL, "error name");

	if (rc < 0) {
		FUZZ_CHECK(rc == -1, "rc %d", rc);
		FUZZ_CHECK(err.code > NVMX_NS_OK && err.code < NVMX_NS_ERR_COUNT, "code %d", (int)err.code);
		FUZZ_CHECK(memchr(msg, '\0', sizeof(err.error.msg)) && msg[0] && !strchr(msg, '\n'),
			   "message");
		FUZZ_CHECK(err.error.code == (err.code == NVMX_NS_ERR_TRUNCATED ? NVMX_E_SYNTAX
					      : err.code == NVMX_NS_ERR_ARG    ? NVMX_E_ARG
									       : NVMX_E_VALUE),
			   "common code %d for %s", err.error.code, nvmx_ns_err_name(err.code));
		FUZZ_CHECK(err.field != NULL, "failure without a field: %s", msg);
		FUZZ_CHECK(err.width >= 1 && err.offset + err.width <= NVMX_NS_MAX_SIZE + 4096,
			   "field %s at %u+%u", err.field, err.offset, err.width);
		free(blob);
		return 0;
	}
	FUZZ_CHECK(rc == 0 && err.code == NVMX_NS_OK && err.error.code == NVMX_OK && !msg[0], "rc %d code %d",
		   rc, (int)err.code);
	FUZZ_CHECK(ns.size >= NVMX_NS_HEADER_SIZE && ns.size <= len, "size %u of %zu", ns.size, len);
	FUZZ_CHECK(!ns.guest_mode || ns.vmx_on, "GUEST_MODE with VMX off");
	FUZZ_CHECK(!ns.vmcs12_present || ns.size >= NVMX_NS_VMCS12_OFF + NVMX_NS_VMCS12_USED,
		   "vmcs12 read past size %u", ns.size);
	FUZZ_CHECK(!ns.shadow_present || ns.size >= NVMX_NS_SHADOW_OFF + NVMX_NS_VMCS12_USED,
		   "shadow vmcs12 read past size %u", ns.size);
	FUZZ_CHECK(!ns.guest_mode || ns.vmcs12_present, "L2 without a vmcs12");
	FUZZ_CHECK(nvmx_ns_state_name(ns.state) != NULL, "state name");

	/* Against KVM's N on a bundled host, and against the raw host MSRs. */
	const struct nvmx_host *h = &fuzz_hosts[sel % FUZZ_NHOSTS];
	const struct nvmx_kernel *k = nvmx_kernel_at((sel >> 4) % nvmx_kernel_count());
	static struct nvmx_kvm kvm;
	nvmx_kvm_load(&kvm, h, k, NULL);
	struct nvmx_ns_check c;
	if (kvm.status == NVMX_LOAD_OK && kvm.nested) {
		struct nvmx_msrs n;
		nvmx_caps_to_msrs(k, &kvm.caps, &n);
		unsigned nbad = nvmx_nested_state_check(&ns, &n, &c);
		FUZZ_CHECK(nbad == c.nbad && c.applicable == ns.vmcs12_present, "check summary");
		check_describe(&c);
	}
	unsigned nbad = nvmx_nested_state_check(&ns, &h->msrs, &c);
	FUZZ_CHECK(nbad == c.nbad && c.applicable == ns.vmcs12_present, "check summary (raw)");
	check_describe(&c);
	free(blob);
	return 0;
}
