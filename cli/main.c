/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "cli.h"
#include "datadir.h"

const struct cmd nvmx_cmds[] = {
	{ "decode", cmd_decode, "decode VMX capability MSRs of a host dump or a live source",
	  "usage: nvmx decode SOURCE [--json]\n"
	  "       nvmx decode --live-cpu N [--root DIR] [--json]\n"
	  "       nvmx decode --live-kvm [--root DIR] [--json]\n"
	  "\n"
	  "SOURCE is a .msrs dump or the JSON that --json prints.  Prints every MSR,\n"
	  "every control with its state (must be 0 / may be 1 / must be 1) and every\n"
	  "field of BASIC, MISC, EPT_VPID_CAP, VMFUNC and the CR fixed MSRs, and warns\n"
	  "about SDM inconsistencies.\n" },
	{ "diff", cmd_diff, "feature-level difference of two hosts or saved vCPU states",
	  "usage: nvmx diff A B [--json]\n"
	  "\n"
	  "Compares two sources control by control and field by field, by name.\n"
	  "Exit 0 when they are identical, 1 when they differ.\n" },
	{ "derive", cmd_derive, "vmcs_config and nested VMX MSRs a KVM release computes on a host",
	  "usage: nvmx derive HOST --kvm RELEASE [--param NAME=VALUE]... [--hyperv-evmcs] [--json]\n"
	  "       nvmx derive --live [--root DIR] [--live-cpu N] [--kvm RELEASE] [--param NAME=VALUE]... [--json]\n"
	  "\n"
	  "Models kvm_intel loading on HOST: its vmcs_config, effective module\n"
	  "parameters, and the nested VMX MSRs a fresh vCPU gets (what KVM_GET_MSRS\n"
	  "returns).  Exit 1 when KVM would refuse to load, naming the missing controls.\n"
	  "RELEASE is one of `nvmx kernels`.\n" },
	{ "verify", cmd_verify, "compare the model's prediction with what the running KVM offers",
	  "usage: nvmx verify --live [--root DIR] [--live-cpu N] [--kvm RELEASE] [--param NAME=VALUE]...\n"
	  "                   [--hyperv-evmcs] [--json]\n"
	  "\n"
	  "Raw MSRs from <root>/dev/cpu/N/msr, the release from <root>/proc/sys/kernel/osrelease\n"
	  "(or --kvm), kvm_intel's parameters from <root>/sys/module/kvm_intel/parameters/, and\n"
	  "what KVM offers from <root>/dev/kvm.  Prints every differing bit by name.\n"
	  "Exit 0 agree, 1 differ, 3 a live source is unavailable.\n" },
	{ "restore", cmd_restore, "KVM_SET_MSRS of VMX MSRs checked as a release checks it",
	  "usage: nvmx restore HOST|--to HOST --kvm RELEASE [--param NAME=VALUE]... [--hyperv-evmcs]\n"
	  "         [--guest-cpuid SPEC] [--pmu-version N] [--disable-quirks MASK]\n"
	  "         [--policy strict|revoke-keep|revoke-clear] [--revoke-since RELEASE]\n"
	  "         [--state has-run,vmxon,guest-mode,evmcs,evmcs-pgc] [MSR=VALUE]... [--json]\n"
	  "\n"
	  "The revoke policies use the revoke list, a proposal no released kernel implements:\n"
	  "what they accept is marked hypothetical.  --revoke-since: only releases from there on.\n"
	  "Writes go in order to one fresh vCPU; each is checked on its own.  MSR is an\n"
	  "SDM name or a hex index.  --guest-cpuid: host | none | empty, then ,+flag /\n"
	  "-flag (cpuinfo names).  Exit 0 when every write was accepted, 1 otherwise.\n" },
	{ "check", cmd_check, "will a VM's VMX MSRs restore on a destination KVM (live migration)",
	  "usage: nvmx check SAVED --to HOST --kvm RELEASE [destination options] [--json]\n"
	  "       nvmx check --from-host HOST --from-kvm RELEASE [--from-param N=V]... [--from-hyperv-evmcs]\n"
	  "                  --to HOST --kvm RELEASE [destination options] [--json]\n"
	  "\n"
	  "SAVED is what KVM_GET_MSRS returned on the source (.msrs, or the JSON nvmx prints:\n"
	  "derive's \"nested\", restore's \"final\").  Destination options: --param NAME=VALUE,\n"
	  "--hyperv-evmcs, --guest-cpuid SPEC, --pmu-version N, --disable-quirks MASK,\n"
	  "--state FLAGS, --policy strict|revoke-keep|revoke-clear; the source takes the same\n"
	  "with a from- prefix, except --policy and --revoke-since (the destination's restore\n"
	  "policy).  --guest-cpuid, --pmu-version and --disable-quirks describe the\n"
	  "VM, so they apply to the source too unless --from-guest-cpuid... override them.\n"
	  "--order qemu (default) | ascending | MSR,MSR,...\n"
	  "--nested-state FILE: a KVM_GET_NESTED_STATE blob; a dropped or revoked control the\n"
	  "live vmcs12 uses makes the migration unsafe under every policy.\n"
	  "Prints the verdict per MSR with the offending bits by SDM, Linux and QEMU names, what\n"
	  "L1 will read afterwards, and fixes that work.  Exit 0 migratable, 1 not, 2 bad input.\n"
	  "This answers the saved-msrs question (a VMM writing back what it saved).\n"
	  "\n"
	  "       nvmx check --cpu \"MODEL,+vmx,...\" [--qemu VER] --from-host HOST --from-kvm RELEASE\n"
	  "                  --to HOST --kvm RELEASE [--nested-state FILE] [--semantics S] [--json]\n"
	  "\n"
	  "With --cpu (QEMU's -cpu) the default semantics is qemu: QEMU does not migrate the\n"
	  "VMX MSRs, the destination QEMU builds them again from the same -cpu.  Says whether\n"
	  "that -cpu starts on the destination (filtering, enforce, failed to set MSR), every\n"
	  "VMX MSR bit L1 reads differently there, and with --nested-state whether the live\n"
	  "vmcs12 still fits.  Verdict safe / L1-visible change / fails, and a vmx-...=off list\n"
	  "for new VMs, re-checked.  --semantics saved-msrs writes the source vCPU's values back\n"
	  "instead.  --qemu x.y or x.y.z (default the newest).  The -cpu gives the guest CPUID,\n"
	  "PMU and QEMU's order: --guest-cpuid, --pmu-version, --disable-quirks, --policy,\n"
	  "--revoke-since, --order and --state are refused with --cpu (exit 2).\n"
	  "Exit 0 safe, 1 otherwise.\n" },
	{ "upgrade", cmd_upgrade, "do VMs started under one KVM release restore under another, per host",
	  "usage: nvmx upgrade --from-kvm OLD --kvm NEW [--param NAME=VALUE]... HOST... [--json]\n"
	  "       nvmx upgrade --all [--releases A,B,...] [--format text|json|markdown] HOST...\n"
	  "\n"
	  "For each host: the VMX MSRs a fresh vCPU has under OLD, written in QEMU's order\n"
	  "into a fresh vCPU under NEW on the same host.  Names the bits that break it and\n"
	  "whether the revoke list (hypothetical: a proposal in no released kernel) would fix\n"
	  "it.  --all: every upgrade pair along a release history (the mainline releases, a\n"
	  "stable line, one distribution's releases), summarised (--format markdown: the\n"
	  "README's table; --markdown is the old spelling).  The VM's properties apply to both releases.  KVM options: --param\n"
	  "NAME=VALUE, --hyperv-evmcs.  Exit 1 when any host breaks.\n", },
	{ "revoke-list", cmd_revoke_list, "bits a release must accept back for VMs from older releases",
	  "usage: nvmx revoke-list --kvm RELEASE [--since OLDER] [--param NAME=VALUE]... [--hyperv-evmcs]\n"
	  "                        HOST... [--json]\n"
	  "\n"
	  "The revoke list is computed, not hand-written: the allowed-1 bits of the control\n"
	  "MSRs that any older supported release (not older than --since) offered on a host\n"
	  "with the same parameters, and RELEASE does not.  Each bit with the releases and\n"
	  "hosts that need it.  `restore --policy revoke-keep|revoke-clear` uses it.\n" },
	{ "kernels", cmd_kernels, "list the supported KVM releases and what changed in each",
	  "usage: nvmx kernels [--format text|json|markdown]\n"
	  "\n"
	  "Every release row, oldest first by release date: name, kernel version, date,\n"
	  "distribution; a distribution or stable row as its base row plus the named\n"
	  "changes (upstream commit or distribution patch) it applies; how the row was\n"
	  "verified (conformance data, kernel harness, or read from tree) and the tree;\n"
	  "then the kernels operators run that no row models (4.19, RHEL 9.0-9.3, ...),\n"
	  "which every command refuses.\n"
	  "--format markdown (or --markdown) prints the table of docs/kernels.md; --json is\n"
	  "--format json.\n" },
	{ "qemu-check", cmd_qemu_check, "would QEMU -cpu MODEL start (and migrate) on a host under a KVM release",
	  "usage: nvmx qemu-check -cpu MODEL[,FLAG]... --to HOST --kvm RELEASE [--param NAME=VALUE]...\n"
	  "         [--hyperv-evmcs] [--guest-cpuid SPEC] [--qemu VERSION] [--also HOST@RELEASE]...\n"
	  "         [--semantics qemu|saved-msrs] [--json]\n"
	  "       nvmx qemu-check --list [--json]\n"
	  "\n"
	  "Replays QEMU on HOST under KVM RELEASE: the model's vmx-* feature words (its\n"
	  "-vN version, +flag/-flag and flag=on|off; host and max take what KVM offers),\n"
	  "QEMU's dependency pass and its filtering against what KVM reports (dropped\n"
	  "with a warning; with ,enforce the CPU is refused), then the VMX MSR values\n"
	  "QEMU builds, written in QEMU's order to a fresh vCPU after KVM_SET_CPUID2\n"
	  "and each checked as RELEASE checks it.  Prints whether the VM starts, the\n"
	  "first failure as QEMU prints it, every rejected MSR with the offending bits\n"
	  "by name, and the shortest vmx-...=off list that makes it start, verified by\n"
	  "a re-run.  --also: could the running VM live-migrate to another host and release;\n"
	  "by default (--semantics qemu) yes only when the same -cpu starts there and L1\n"
	  "reads the same VMX MSRs; saved-msrs writes the running VM's values there instead.\n"
	  "The guest CPUID is the model's; --guest-cpuid SPEC (host|none|empty, then ,+flag/,-flag) replaces\n"
	  "what KVM_SET_CPUID2 gets.  --qemu: x.y or x.y.z, 4.2 to 10.1 (default; 4.1: older).\n"
	  "--list prints the named models, their versions and the QEMU releases.\n"
	  "Exit 0 when the VM starts, 1 when it does not, 2 on bad input.\n" },
	{ "explain", cmd_explain, "why KVM rejects a VMX MSR value QEMU wrote, and what to change",
	  "usage: nvmx explain \"failed to set MSR 0x48d to 0x7f00000016\" --to HOST --kvm RELEASE\n"
	  "         [--param NAME=VALUE]... [--hyperv-evmcs] [--guest-cpuid SPEC] [--pmu-version N]\n"
	  "         [--disable-quirks MASK] [--state FLAGS] [--policy P] [--uname REL] [--json]\n"
	  "       nvmx explain MSR=VALUE ... | nvmx explain MSR VALUE ...\n"
	  "       nvmx explain LOGFILE|- --to HOST [--kvm RELEASE | --uname REL] [options]\n"
	  "\n"
	  "Reads QEMU's error line (the whole line, or just MSR=VALUE, or MSR VALUE;\n"
	  "MSR is a hex index or an SDM name) and explains the write on a fresh vCPU of\n"
	  "KVM RELEASE on HOST: the restore model's verdict, every bit set that KVM does\n"
	  "not offer and every must-be-1 bit cleared, with SDM, Linux and QEMU names,\n"
	  "the named QEMU models that write this value, and what to change: the\n"
	  "vmx-...=off flags, or the releases and module parameters that accept it.\n"
	  "A log excerpt (a file, or - for stdin: QEMU stderr, libvirt's escaped message,\n"
	  "KubeVirt events) is scanned for every such line, kvm_buf_set_msrs/kvm_put_msrs\n"
	  "assertion and MSR(48xH).vmx-... warning; MSRs outside 0x480-0x493 are named\n"
	  "and out of scope.  The kernel the log (or --uname) names picks the release\n"
	  "when --kvm is absent; one older than the oldest row is said to be not modelled.\n"
	  "The vCPU options are restore's.  When the write is accepted (or a warned\n"
	  "feature offered) here, the differences that reproduce the failure are listed\n"
	  "most likely first with fixes: vCPU state (has-run), guest CPUID (no MPX,\n"
	  "no WAITPKG, no PMU; not when the log's QEMU drops that control itself),\n"
	  "kvm_intel parameters, KVM on Hyper-V, an outer hypervisor hiding a bit or\n"
	  "forcing a control to 1, other releases, and QEMU 4.2's widened 0x48b when\n"
	  "the log names no QEMU;\n"
	  "all under the given --policy.  --json adds would_fail_with and cause keys (causes):\n"
	  "rejected:RULE, nested=0, state:has-run, guest-cpuid:-mpx, guest-cpuid:-waitpkg,\n"
	  "guest-cpuid:no-pmu, param:NAME=V, host:hyperv-evmcs, host-hides:FLAG(=0),\n"
	  "release:R, qemu:R, kernel-not-modelled, before-oldest-row:evmcs, out-of-scope:0xN,\n"
	  "not-offered, tcg, assert-only.\n"
	  "Exit 0 when this KVM accepts every write, 1 when it rejects one, 2 on bad input.\n" },
	{ "inventory-line", cmd_inventory_line, "this host as one line of a fleet inventory (run on each host)",
	  "usage: nvmx inventory-line --live [--root DIR] [--live-cpu N] [--name NAME]\n"
	  "\n"
	  "Prints one JSON line for an inventory (docs/fleet.md): the host's name\n"
	  "(<root>/proc/sys/kernel/hostname or --name), its VMX MSRs and identity from\n"
	  "<root>/dev/cpu/N/msr and /proc/cpuinfo, the running kernel (uname, and the\n"
	  "release row it maps to as kvm), kvm_intel's parameters from sysfs, and\n"
	  "hyperv_evmcs (kvm_intel's enlightened_vmcs reads Y only when KVM runs on\n"
	  "Hyper-V and uses it).  A fleet inventory is one loop:\n"
	  "  for h in $(cat hosts); do ssh \"$h\" nvmx inventory-line --live; done > fleet.jsonl\n"
	  "The line also reads as a host wherever a host is taken.  Warns on stderr when\n"
	  "the kernel is older than every row or the host is itself a VM.\n"
	  "Exit 0, 2 on bad arguments, 3 when a live source is unavailable.\n" },
	{ "baseline", cmd_baseline, "the richest VMX MSR values every host of a fleet accepts",
	  "usage: nvmx baseline HOST[@RELEASE]... [--kvm RELEASE] [--param NAME=VALUE]... [--hyperv-evmcs]\n"
	  "         [--inventory FILE.jsonl]... [--format msrs|json|qemu|libvirt] [--qemu VER]\n"
	  "         [--skip-unusable]\n"
	  "\n"
	  "HOST is a dump (or a directory of dumps), RELEASE its KVM release (default: --kvm,\n"
	  "else the newest); --param and --hyperv-evmcs apply to every host; an inventory has\n"
	  "one host per line (see nvmx(1)).  Control MSRs: allowed-1 intersected, must-be-1\n"
	  "united; BASIC and MISC flags ANDed, sizes and limits the safe extreme; EPT_VPID_CAP\n"
	  "and VMFUNC ANDed; CR0/CR4_FIXED0 ORed; VMCS_ENUM the smallest.  The result is\n"
	  "restored on a fresh vCPU of every host (a rejection is a bug: exit 1).  Prints it as\n"
	  "a .msrs dump with what each host gives up, or as JSON.  qemu and libvirt: QEMU\n"
	  "builds the MSRs from -cpu on each host, so one named model with vmx-...=off flags\n"
	  "(or a libvirt <cpu mode='custom'>), verified by replaying QEMU --qemu VER on every\n"
	  "profile: starts everywhere without filtering, L1 reads the same VMX MSRs.  Exit 1 when no baseline exists (a host runs no VMX\n"
	  "guests, unless --skip-unusable; different VMCS revisions).\n" },
	{ "matrix", cmd_matrix, "which hosts of a fleet can take which hosts' VMs, per restore policy",
	  "usage: nvmx matrix HOST[@RELEASE]... [fleet options] [--policy strict|revoke-keep|revoke-clear|all]\n"
	  "         [--format text|csv|json|html] [--per-host] [--limit N] [--reasons|--no-reasons]\n"
	  "         [--pools K] [--max-loss N] [--cpu SPEC [--qemu VER]]\n"
	  "         [--guest-cpuid none|empty[,+flag|,-flag]...] [--pmu-version N] [--disable-quirks MASK]\n"
	  "\n"
	  "A cell is `nvmx check --from-host A --from-kvm RA --to B --kvm RB`: what a fresh vCPU\n"
	  "on A saves, written in QEMU's order to a fresh vCPU on B.  The VM's properties\n"
	  "(--guest-cpuid, --pmu-version, --disable-quirks) apply to both sides, as in check.  Rows are unique profiles\n"
	  "(--per-host: hosts); text and html show the --limit most common (40, 150); json has\n"
	  "the rejected writes of every failing cell up to 200 rows (--reasons: always).  html is a\n"
	  "self-contained report: a heatmap whose cells show the rejected MSRs and bits, the\n"
	  "baseline and the pools (--pools, --max-loss as for nvmx pools).  Exit 1 when some\n"
	  "host pair cannot migrate under the most permissive policy asked for.  These cells\n"
	  "answer the saved-msrs semantics (a VMM writing back what it saved); --cpu SPEC\n"
	  "answers QEMU's (text, json, html): the -cpu started on the row's profile and the\n"
	  "column's, Y safe, c L1-visible change, . fails, as nvmx check --cpu (html: cells in\n"
	  "those colours, each unsafe cell's reason); exit 1 unless all Y.\n" },
	{ "pools", cmd_pools, "partition a fleet into migration pools that lose the fewest features",
	  "usage: nvmx pools HOST[@RELEASE]... [fleet options] [--pools K] [--max-loss N] [--json]\n"
	  "         [--format text|json|qemu|libvirt] [--qemu VER]\n"
	  "\n"
	  "Greedy agglomerative merging: one pool per unique offer, then repeatedly the merge\n"
	  "that loses the fewest host-weighted feature bits, until K pools (default 1) remain or\n"
	  "no merge is allowed (different VMCS revisions, or a host would lose more than N bits).\n"
	  "Each pool's baseline is verified on every member.  Prints the pools, what each\n"
	  "member gives up, and the loss for every pool count down to one.  --format qemu or\n"
	  "libvirt: hosts pooled by what QEMU's -cpu max gives L1 on each (semantics qemu),\n"
	  "per pool one -cpu (or libvirt <cpu>) as baseline --format qemu gives it, verified\n"
	  "on every profile of the pool (exit 1 when a pool has none).\n" },
	{ "fleet-gen", cmd_fleet_gen, "generate a realistic fleet inventory (JSON Lines)",
	  "usage: nvmx fleet-gen --hosts N [--seed S] [--out FILE] [--models K] [--profiles P]\n"
	  "         [--dumps DIR] [--inline]\n"
	  "\n"
	  "K processor models from DIR (default the bundled dumps, 24 models), P deployments (a\n"
	  "model, a KVM release, mostly default parameters; default 2.5 per model), long-tailed\n"
	  "sizes; every deployment loads KVM with nested=1.  One JSON object per line:\n"
	  "{\"name\":\"h000001\",\"dump\":\"intel-....msrs\",\"kvm\":\"6.1\",\"params\":{...},\n"
	  "\"hyperv_evmcs\":false}: a bundled dump by file name, another by absolute path, so\n"
	  "the inventory reads from any directory; --inline puts the MSRs in the line instead.\n" },
	{ "batch", cmd_batch, "run many commands in one process, requests on standard input",
	  "usage: nvmx batch < REQUESTS\n"
	  "\n"
	  "Each line of standard input is one request, a JSON array of strings: the\n"
	  "arguments of one nvmx command, e.g. [\"derive\",\"host.msrs\",\"--kvm\",\"6.1\",\"--json\"].\n"
	  "Each runs exactly as `nvmx ARGS...` would; its standard output is followed by\n"
	  "the record separator: the byte 0x1e (ASCII RS), the request's exit status and a\n"
	  "newline.  Standard error passes through.  Blank lines are skipped.  Commands:\n"
	  "decode, diff, derive, restore, check, upgrade, revoke-list, kernels, qemu-check,\n"
	  "explain (the fleet commands and verify run on their own).  A request line that\n"
	  "is not such an array ends the batch with <stdin>:LINE on standard error.\n"
	  "Exit 0 when every line was a request (whatever the requests answered), 2 when\n"
	  "one was not.\n" },
	{ NULL, NULL, NULL, NULL }
};

const struct cmd *cli_find_cmd(const char *name)
{
	for (const struct cmd *c = nvmx_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: nvmx COMMAND [ARGS]...   (nvmx COMMAND --help for details)\n\n");
	for (const struct cmd *c = nvmx_cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nA HOST that is not a file here is looked up by name among the bundled dumps\n"
		   "(--dumps DIR, $NVMX_DATA/hosts, PREFIX/share/nvmx/hosts).\n");
	fprintf(f, "\nExit status: 0 ok, 1 negative verdict, 2 bad input, 3 live source unavailable.\n");
}

int main(int argc, char **argv)
{
	/* --dumps DIR (or =DIR), anywhere: where bundled dumps named by file name are. */
	int kept = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dumps")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "nvmx: --dumps needs a directory\n");
				return EXIT_USAGE;
			}
			cli_dumps_dir = argv[++i];
		} else if (!strncmp(argv[i], "--dumps=", 8)) {
			cli_dumps_dir = argv[i] + 8;
		} else {
			argv[kept++] = argv[i];
		}
	}
	argc = kept;
	argv[argc] = NULL;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("nvmx 0.1.0\n");
		return EXIT_OK;
	}
	const struct cmd *c = cli_find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "nvmx: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (cli_is_help(argv[i])) {
			cli_help(stdout, c->name);
			return EXIT_OK;
		}
	cli_kernel_arg_reset();
	return c->run(argc - 1, argv + 1);
}
