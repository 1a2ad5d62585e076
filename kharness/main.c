// SPDX-License-Identifier: GPL-2.0-only
/*
 * kharness driver: reads cases on stdin, runs each in a forked child so a
 * kernel BUG, a crash or a hang ends only that case, prints one JSON line per
 * case on stdout. Input (one line each; a case ends with `run`):
 *
 *   case NAME            kind KIND            cpu VENDOR FAMILY MODEL STEPPING
 *   feature NAME...      msr 0xINDEX 0xVALUE  param NAME VALUE
 *   env KEY VALUE        arg TEXT             run
 *
 * HACKING.md describes the output of each kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include "kh_run.h"

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void run_one(struct kh_case *c)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("kharness: fork");
		exit(3);
	}
	if (pid == 0) {
		alarm(20);
		int r = kh_run_case(c);
		fflush(stdout);
		_exit(r ? 4 : 0);
	}
	int st;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	printf("{\"case\":");
	json_str(stdout, c->name);
	printf(",\"kh_error\":\"%s %d\"}\n", WIFSIGNALED(st) ? "signal" : "exit",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

static void add_feature_words(char *p)
{
	for (char *t = strtok(p, " \t"); t; t = strtok(NULL, " \t"))
		if (kh_host.nfeatures < KH_MAX_FEATURES)
			snprintf(kh_host.features[kh_host.nfeatures++], sizeof(kh_host.features[0]), "%s", t);
}

int main(void)
{
	static char line[8192];
	static struct kh_case c;
	int lineno = 0;
	while (fgets(line, sizeof(line), stdin)) {
		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		char *sp = strchr(line, ' ');
		char *arg = sp ? sp + 1 : line + strlen(line);
		if (sp)
			*sp = 0;
		if (!*line)
			continue;
		if (!strcmp(line, "case")) {
			memset(&c, 0, sizeof(c));
			memset(&kh_host, 0, sizeof(kh_host));
			snprintf(c.name, sizeof(c.name), "%s", arg);
		} else if (!strcmp(line, "kind")) {
			snprintf(c.kind, sizeof(c.kind), "%s", arg);
		} else if (!strcmp(line, "cpu")) {
			if (sscanf(arg, "%15s %d %d %d", kh_host.vendor, &kh_host.family,
				   &kh_host.model, &kh_host.stepping) != 4)
				goto bad;
		} else if (!strcmp(line, "feature")) {
			add_feature_words(arg);
		} else if (!strcmp(line, "msr")) {
			unsigned long long i, v;
			if (sscanf(arg, "%llx %llx", &i, &v) != 2 || kh_host.nmsrs >= KH_MAX_MSRS)
				goto bad;
			kh_host.msr_index[kh_host.nmsrs] = (uint32_t)i;
			kh_host.msr_value[kh_host.nmsrs++] = v;
		} else if (!strcmp(line, "param")) {
			if (c.nparams >= KH_MAX_PARAMS ||
			    sscanf(arg, "%47s %31s", c.param_name[c.nparams], c.param_value[c.nparams]) != 2)
				goto bad;
			c.nparams++;
		} else if (!strcmp(line, "env")) {
			if (c.nenv >= 16 ||
			    sscanf(arg, "%31s %127s", c.env_key[c.nenv], c.env_value[c.nenv]) != 2)
				goto bad;
			c.nenv++;
		} else if (!strcmp(line, "arg")) {
			if (c.nextra >= KH_MAX_EXTRA)
				goto bad;
			snprintf(c.extra[c.nextra++], sizeof(c.extra[0]), "%s", arg);
		} else if (!strcmp(line, "run")) {
			run_one(&c);
		} else {
			goto bad;
		}
		continue;
bad:
		fprintf(stderr, "kharness: stdin:%d: cannot read `%s %s`\n", lineno, line, arg);
		return 2;
	}
	return 0;
}
