// SPDX-License-Identifier: GPL-2.0-only
/* json.c: the few JSON writers the kinds need (one object per case, on stdout). */

static bool kh_json_first;

static void kh_json_sep(void)
{
	if (!kh_json_first)
		putchar(',');
	kh_json_first = false;
}

static void kh_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void kh_json_key(const char *k)
{
	kh_json_sep();
	kh_json_str(k);
	putchar(':');
}

static void kh_json_open(const char *k)
{
	if (k)
		kh_json_key(k);
	else
		kh_json_sep();
	putchar('{');
	kh_json_first = true;
}

static void kh_json_close(void)
{
	putchar('}');
	kh_json_first = false;
}

static void kh_json_hex(const char *k, unsigned long long v)
{
	kh_json_key(k);
	printf("\"0x%llx\"", v);
}

static void kh_json_hex64(const char *k, unsigned long long v)
{
	kh_json_key(k);
	printf("\"0x%016llx\"", v);
}

static void kh_json_int(const char *k, long long v)
{
	kh_json_key(k);
	printf("%lld", v);
}

static void kh_json_bool(const char *k, bool v)
{
	kh_json_key(k);
	fputs(v ? "true" : "false", stdout);
}

static void kh_json_null(const char *k)
{
	kh_json_key(k);
	fputs("null", stdout);
}

/* every module parameter of the layout's table, with its current value */
static void kh_json_params(const char *k)
{
	kh_json_open(k);
	for (const struct kh_param *p = kh_params; p->name; p++) {
		switch (p->type) {
		case KH_P_BOOL: kh_json_int(p->name, *(bool *)p->var); break;
		case KH_P_INT: kh_json_int(p->name, *(int *)p->var); break;
		case KH_P_UINT: kh_json_int(p->name, *(unsigned int *)p->var); break;
		case KH_P_ULONG: kh_json_int(p->name, (long long)*(unsigned long *)p->var); break;
		default: kh_json_null(p->name); break;
		}
	}
	kh_json_close();
}

static void kh_json_log(const char *k)
{
	static const char *const names[] = { "err", "warn", "info", "debug" };
	kh_json_key(k);
	putchar('[');
	for (int i = 0; i < kh_klog.n; i++) {
		if (i)
			putchar(',');
		printf("{\"level\":\"%s\",\"msg\":", names[kh_klog.lvl[i]]);
		kh_json_str(kh_klog.msg[i]);
		putchar('}');
	}
	putchar(']');
}

/* a module parameter given as the kernel's param parser would take it */
static int kh_param_set(const char *name, const char *value)
{
	for (const struct kh_param *p = kh_params; p->name; p++) {
		if (strcmp(p->name, name))
			continue;
		char *end;
		unsigned long long v = strtoull(value, &end, 0);
		if (p->type == KH_P_BOOL) {
			if (!strcmp(value, "Y") || !strcmp(value, "y")) v = 1, end = "";
			if (!strcmp(value, "N") || !strcmp(value, "n")) v = 0, end = "";
			*(bool *)p->var = v != 0;
		} else if (p->type == KH_P_INT) {
			*(int *)p->var = (int)strtoll(value, &end, 0);
		} else if (p->type == KH_P_UINT) {
			*(unsigned int *)p->var = (unsigned int)v;
		} else if (p->type == KH_P_ULONG) {
			*(unsigned long *)p->var = (unsigned long)v;
		} else {
			return -1;
		}
		return *end ? -1 : 0;
	}
	return -1;
}
