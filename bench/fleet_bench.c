/* SPDX-License-Identifier: MIT */
/*
 * Fleet benchmark: the real `nvmx baseline`, `nvmx matrix` and `nvmx pools`
 * on generated inventories (`nvmx fleet-gen`), timed from outside: wall
 * time, hosts per second, and peak memory (ru_maxrss of the child, from
 * wait4).  Two series: hosts (10^3, 10^5, 10^6 with the default fleet
 * shape) and unique profiles (10^5 hosts, more and more deployments).
 *
 *   make bench    (builds it as build/bench/fleet_bench and runs it on build/nvmx)
 *   build/bench/fleet_bench [NVMX] [--quick]      (run from the repository root)
 *
 * Prints Markdown tables, then one line per command on the largest fleet:
 * fleet_COMMAND_cpu_seconds and fleet_COMMAND_peak_rss_kb (COMMAND baseline,
 * matrix, matrix_all for --policy all, pools).  --quick stops at 10^5 hosts.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

struct run { double secs, cpu; long maxrss_kb; int status; };

/* Run argv with stdout to `out` (a path, or NULL for /dev/null); time and measure it. */
static struct run run(char *const argv[], const char *out)
{
	struct run r = { 0, 0, 0, -1 };
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (!pid) {
		int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_WRONLY);
		if (fd < 0 || null < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	struct rusage ru;
	int st;
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("wait4");
		exit(2);
	}
	r.secs = now() - t0;
	r.cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
	r.maxrss_kb = ru.ru_maxrss;
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return r;
}

static const char *nvmx = "build/nvmx";
static char dir[256];

static void gen(const char *path, unsigned long hosts, unsigned long models, unsigned long profiles)
{
	char h[32], m[32], p[32];
	snprintf(h, sizeof(h), "%lu", hosts);
	snprintf(m, sizeof(m), "%lu", models);
	snprintf(p, sizeof(p), "%lu", profiles);
	char *argv[16] = { (char *)nvmx, "fleet-gen", "--hosts", h, "--seed", "1", "--out", (char *)path };
	int k = 8;
	if (models) {
		argv[k++] = "--models";
		argv[k++] = m;
	}
	if (profiles) {
		argv[k++] = "--profiles";
		argv[k++] = p;
	}
	argv[k] = NULL;
	struct run r = run(argv, NULL);
	if (r.status) {
		fprintf(stderr, "fleet_bench: %s fleet-gen failed (%d)\n", nvmx, r.status);
		exit(2);
	}
}

/* "nvmx pools: H hosts, U unique profiles, S unique offers -> ..." */
static void counts(const char *inv, unsigned long *profiles, unsigned long *offers)
{
	char out[300];
	snprintf(out, sizeof(out), "%s/pools.txt", dir);
	char *argv[] = { (char *)nvmx, "pools", (char *)inv, NULL };
	run(argv, out);
	FILE *f = fopen(out, "r");
	unsigned long h = 0;
	*profiles = *offers = 0;
	if (f) {
		if (fscanf(f, "nvmx pools: %lu hosts, %lu unique profiles, %lu unique offers", &h, profiles,
			   offers) != 3)
			*profiles = *offers = 0;
		fclose(f);
	}
}

static struct run best_of(char *const argv[], int n)
{
	struct run best = { 1e30, 1e30, 0, 0 };
	for (int i = 0; i < n; i++) {
		struct run r = run(argv, NULL);
		if (r.status > 1) {
			fprintf(stderr, "fleet_bench: %s %s failed (%d)\n", argv[0], argv[1], r.status);
			exit(2);
		}
		if (r.secs < best.secs)
			best.secs = r.secs;
		if (r.cpu < best.cpu)
			best.cpu = r.cpu;
		if (r.maxrss_kb > best.maxrss_kb)
			best.maxrss_kb = r.maxrss_kb;
	}
	return best;
}

int main(int argc, char **argv)
{
	int quick = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else
			nvmx = argv[i];
	}
	if (access(nvmx, X_OK)) {
		fprintf(stderr, "fleet_bench: %s is not executable (run `make` first, from the repository root)\n", nvmx);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/nvmx-fleet-bench.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	printf("fleet benchmark: %s, %ld CPU%s online, single-threaded runs, best of 3\n\n",
	       nvmx, ncpu, ncpu == 1 ? "" : "s");

	static const unsigned long sizes[] = { 1000, 100000, 1000000 };
	static const char *const keys[] = { "baseline", "matrix", "matrix_all", "pools" };
	struct run last[4];
	unsigned long last_hosts = 0;
	printf("| hosts | unique profiles / offers | command | wall time | CPU time | hosts/s (CPU) | peak RSS |\n"
	       "|---:|---:|---|---:|---:|---:|---:|\n");
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		if (quick && sizes[s] > 100000)
			break;
		char inv[300];
		snprintf(inv, sizeof(inv), "%s/fleet-%lu.jsonl", dir, sizes[s]);
		gen(inv, sizes[s], 0, 0);
		unsigned long prof, off;
		counts(inv, &prof, &off);
		static const char *const cmds[][3] = {
			{ "baseline", NULL, NULL }, { "matrix", NULL, NULL },
			{ "matrix", "--policy", "all" }, { "pools", NULL, NULL },
		};
		for (unsigned c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
			char *a[] = { (char *)nvmx, (char *)cmds[c][0], inv, (char *)cmds[c][1], (char *)cmds[c][2], NULL };
			struct run r = best_of(a, 3);
			last[c] = r;
			last_hosts = sizes[s];
			printf("| %lu | %lu / %lu | %s%s%s | %.3f s | %.3f s | %.0f | %.1f MB |\n", sizes[s], prof,
			       off, cmds[c][0], cmds[c][1] ? " --policy " : "", cmds[c][1] ? cmds[c][2] : "", r.secs,
			       r.cpu, (double)sizes[s] / (r.cpu > 0 ? r.cpu : 1e-6), (double)r.maxrss_kb / 1024.0);
			fflush(stdout);
		}
		unlink(inv);
	}

	printf("\nunique profiles (100000 hosts, all %s models, more deployments):\n\n"
	       "| deployments asked | unique profiles / offers | matrix (CPU) | matrix --policy all (CPU) | pools (CPU) | peak RSS |\n"
	       "|---:|---:|---:|---:|---:|---:|\n", "bundled");
	static const unsigned long deps[] = { 10, 100, 1000, 5000, 20000 };
	for (unsigned d = 0; d < sizeof(deps) / sizeof(deps[0]); d++) {
		if (quick && deps[d] > 1000)
			break;
		char inv[300];
		snprintf(inv, sizeof(inv), "%s/profiles-%lu.jsonl", dir, deps[d]);
		gen(inv, 100000, 1000, deps[d]);
		unsigned long prof, off;
		counts(inv, &prof, &off);
		char *m1[] = { (char *)nvmx, "matrix", inv, NULL };
		char *m2[] = { (char *)nvmx, "matrix", inv, "--policy", "all", NULL };
		char *p[] = { (char *)nvmx, "pools", inv, NULL };
		struct run a = best_of(m1, 3), b = best_of(m2, 3), c = best_of(p, 3);
		long rss = a.maxrss_kb > b.maxrss_kb ? a.maxrss_kb : b.maxrss_kb;
		if (c.maxrss_kb > rss)
			rss = c.maxrss_kb;
		printf("| %lu | %lu / %lu | %.3f s | %.3f s | %.3f s | %.1f MB |\n", deps[d], prof, off, a.cpu,
		       b.cpu, c.cpu, (double)rss / 1024.0);
		fflush(stdout);
		unlink(inv);
	}
	printf("\nfleet_hosts: %lu\n", last_hosts);
	for (unsigned c = 0; c < 4; c++)
		printf("fleet_%s_cpu_seconds: %.3f\nfleet_%s_peak_rss_kb: %ld\n", keys[c], last[c].cpu,
		       keys[c], last[c].maxrss_kb);
	char path[300];
	snprintf(path, sizeof(path), "%s/pools.txt", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}
