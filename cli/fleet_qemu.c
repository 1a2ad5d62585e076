/* SPDX-License-Identifier: MIT */
/*
 * QEMU and libvirt advice for a fleet or a pool: one named model and a list
 * of flags off, found and verified by nvmx_qemu_fleet_fit() (lib/qemu_fleet.c),
 * which replays QEMU on every unique profile: it starts on each without
 * filtering and gives L1 the same VMX MSRs on each, so VMs started with it
 * migrate across the set unchanged (QEMU rebuilds the MSRs from -cpu on the
 * destination; they are not carried).  host-passthrough only for a set of
 * one profile: the same processor, kernel and parameters everywhere.
 */
#include <stdlib.h>
#include <string.h>
#include "fleet.h"
#include "nvmx/qemu_migrate.h"

bool fleet_qemu_fit(struct fleet *f, const unsigned *profs, unsigned n,
		    const struct nvmx_qemu_release *r, bool libvirt, struct nvmx_qemu_fleet_fit *fit)
{
	struct nvmx_qemu_host *qh = calloc(n ? n : 1, sizeof(*qh));
	struct nvmx_qemu_env *env = calloc(n ? n : 1, sizeof(*env));
	if (!qh || !env) {
		free(qh);
		free(env);
		return false;
	}
	for (unsigned k = 0; k < n; k++) {
		unsigned i = profs[k];
		nvmx_qemu_host_from_kvm(&qh[k], &f->fh[i].s.kvm, &f->inv.prof[i].host);
		env[k] = (struct nvmx_qemu_env){ &f->fh[i].s.kvm, &qh[k], r, false, 0 };
	}
	/* Models of the fleet's CPUID vendor when every host has the same one. */
	const char *vendor = n ? f->inv.prof[profs[0]].host.vendor : NULL;
	for (unsigned k = 1; vendor && k < n; k++)
		if (strcmp(vendor, f->inv.prof[profs[k]].host.vendor))
			vendor = NULL;
	if (vendor && !*vendor)
		vendor = NULL;
	nvmx_qemu_fleet_fit(fit, env, n, r, libvirt, vendor);
	free(qh);
	free(env);
	return fit->found;
}

void fleet_qemu_advice(FILE *out, struct fleet *f, const unsigned *profs, unsigned n,
		       const struct nvmx_qemu_release *r, bool libvirt, const char *what)
{
	static struct nvmx_qemu_fleet_fit fit;
	unsigned long long hosts = 0;
	for (unsigned k = 0; k < n; k++)
		hosts += f->inv.prof[profs[k]].count;
	fleet_qemu_fit(f, profs, n, r, libvirt, &fit);
	const char *open = libvirt ? "<!-- " : "# ", *close = libvirt ? " -->" : "";
	fprintf(out, "%s%s: %llu host%s, %u unique profile%s, QEMU %s%s\n", open, what, hosts,
		hosts == 1 ? "" : "s", n, n == 1 ? "" : "s", r->name, close);
	if (!fit.found) {
		fprintf(out, "%sno named model%s fits: tried %u model versions, %u QEMU replays; ", open,
			libvirt ? " libvirt can name" : "", fit.tried, fit.replays);
		if (fit.stuck_msr >= 0)
			fprintf(out, "no -cpu flag removes what differs in %s on %s", nvmx_msr_desc(
				(enum nvmx_msr_id)fit.stuck_msr)->sdm, f->inv.prof[profs[fit.stuck_env]].name);
		else if (n)
			fprintf(out, "%s runs no VMX guest with any of them",
				f->inv.prof[profs[fit.stuck_env]].name);
		fprintf(out, "%s\n", close);
	} else {
		fprintf(out, "%sverified: replayed QEMU %s on each of the %u unique profile%s (%u replays): "
			"it starts on every one without filtering and L1 reads the same VMX MSRs on "
			"all; keeps %u vmx-* feature%s%s\n", open, r->name, n, n == 1 ? "" : "s",
			fit.replays, fit.kept, fit.kept == 1 ? "" : "s", close);
		char t[96];
		if (libvirt) {
			fprintf(out, "<cpu mode='custom' match='exact' check='full'>\n"
				"  <model fallback='forbid'>%s</model>\n"
				"  <feature policy='require' name='vmx'/>\n",
				fit.alias ? fit.alias : fit.model->name);
			for (unsigned i = 0; i < fit.n; i++)
				fprintf(out, "  <feature policy='disable' name='%s'/>\n", fit.item[i].name);
			fprintf(out, "</cpu>\n");
		} else {
			fprintf(out, "-cpu %s-v%u,vmx=on", fit.model->name, fit.version);
			for (unsigned i = 0; i < fit.n; i++)
				fprintf(out, ",%s", nvmx_qemu_fix_item_str(&fit.item[i], t, sizeof(t)));
			fputc('\n', out);
		}
	}
	if (n == 1)
		fprintf(out, "%sone processor, kernel and parameter set: host-passthrough is safe here "
			"too%s\n%s", open, close,
			libvirt ? "<!-- <cpu mode='host-passthrough' check='none' migratable='on'/> -->\n"
				: "# -cpu host\n");
	else
		fprintf(out, "%sno host-passthrough: the profiles differ (processor, kernel or "
			"parameters), so CPUID and VMX MSRs would change across a migration%s\n", open,
			close);
}

void fleet_qemu_json(FILE *out, struct fleet *f, const unsigned *profs, unsigned n,
		     const struct nvmx_qemu_release *r)
{
	static struct nvmx_qemu_fleet_fit fit;
	char t[96];
	fprintf(out, "{\"semantics\":\"qemu\",\"qemu\":\"%s\",\"profiles\":%u,\"verified\":", r->name, n);
	if (!fleet_qemu_fit(f, profs, n, r, false, &fit)) {
		fprintf(out, "false,\"cpu\":null,\"libvirt_model\":null}");
		return;
	}
	fprintf(out, "true,\"replays\":%u,\"kept\":%u,\"cpu\":\"%s-v%u,vmx=on", fit.replays, fit.kept,
		fit.model->name, fit.version);
	for (unsigned i = 0; i < fit.n; i++)
		fprintf(out, ",%s", nvmx_qemu_fix_item_str(&fit.item[i], t, sizeof(t)));
	fprintf(out, "\",\"host_passthrough\":%s}", n == 1 ? "true" : "false");
}

void fleet_qemu_model(FILE *out, struct fleet *f, const struct nvmx_qemu_release *r, bool libvirt)
{
	unsigned *all = malloc((f->inv.nprof ? f->inv.nprof : 1) * sizeof(*all));
	if (!all)
		return;
	for (unsigned i = 0; i < f->inv.nprof; i++)
		all[i] = i;
	fleet_qemu_advice(out, f, all, f->inv.nprof, r, libvirt, "the whole fleet");
	free(all);
}
