/* conf_checkers.c - the top-level "checkers" list (issue 6).
 *
 * Every entry is a group whose `type` picks its row table: the common rows
 * (name, type, interval, timeout, rise, fall) followed by the type's own.
 * So a setting of another type (`path` in a tcp checker) is an "unknown
 * setting" error at its line, exactly like a typo. The type is read first,
 * before the walk, since it decides which table applies. */
#include "conf/conf_checkers.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "conf/conf_priv.h"

#define CHK_DUR_MIN 10            /* ms: below this a check is a busy loop */
#define CHK_DUR_MAX 3600000       /* ms */
#define CHK_RISEFALL_MAX 100

static const char *const type_names[CONF_CHK_NTYPES] = {
	[CONF_CHK_TCP] = "tcp", [CONF_CHK_HTTP] = "http", [CONF_CHK_HAPROXY] = "haproxy",
	[CONF_CHK_PGSQL] = "pgsql", [CONF_CHK_SCRIPT] = "script",
};

static const char *const role_names[] = {
	[CONF_PG_ANY] = "any", [CONF_PG_PRIMARY] = "primary", [CONF_PG_REPLICA] = "replica",
};

const char *conf_chk_type_str(enum conf_chk_type t)
{
	return (unsigned)t < CONF_CHK_NTYPES ? type_names[t] : "?";
}

const char *conf_pg_role_str(enum conf_pg_role r)
{
	return (unsigned)r < NROWS(role_names) ? role_names[r] : "?";
}

/* ---- K_FN handlers ---- */

static int set_type(const struct ld *ld, const struct row *r, const config_setting_t *s,
		    void *obj)
{
	return 0; /* read before the walk (load_checker) */
}

/* Numeric only: a name would need a resolver call that can block the loop. */
static int set_addr(const struct ld *ld, const struct row *r, const config_setting_t *s,
		    void *obj)
{
	struct addr *a = (struct addr *)(void *)((char *)obj + r->off);
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return ld_err(ld, s, "%s must be a string", r->name);
	v = config_setting_get_string(s);
	if (addr_parse(v, a) < 0)
		return ld_err(ld, s, "%s '%s' is not a numeric IPv4 or IPv6 address", r->name, v);
	return 0;
}

static int set_expect(const struct ld *ld, const struct row *r, const config_setting_t *s,
		      void *obj)
{
	struct conf_chk_http *h = &((struct conf_checker *)obj)->u.http;
	int i, n = config_setting_length(s);

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return ld_err(ld, s, "expect must be a list of status codes [ 200, ... ]");
	if (n < 1 || n > CONF_CHK_EXPECT_MAX)
		return ld_err(ld, s, "expect has %d entries; 1..%d allowed", n,
			      CONF_CHK_EXPECT_MAX);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		long long v;

		if (config_setting_type(e) != CONFIG_TYPE_INT &&
		    config_setting_type(e) != CONFIG_TYPE_INT64)
			return ld_err(ld, e, "expect entries must be integers");
		v = config_setting_get_int64(e);
		if (v < 100 || v > 599)
			return ld_err(ld, e, "expect %lld is not an HTTP status (100..599)", v);
		h->expect[i] = (uint32_t)v;
	}
	h->n_expect = (uint32_t)n;
	return 0;
}

/* 64 bits: the generic K_INT fields are 32 bits at most. */
static int set_max_lag(const struct ld *ld, const struct row *r, const config_setting_t *s,
		       void *obj)
{
	struct conf_chk_pgsql *p = &((struct conf_checker *)obj)->u.pgsql;
	long long v;

	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return ld_err(ld, s, "max_lag_bytes must be an integer (use 16L for 64 bits)");
	v = config_setting_get_int64(s);
	if (v < 0)
		return ld_err(ld, s, "max_lag_bytes %lld must not be negative", v);
	p->max_lag_bytes = (uint64_t)v;
	p->has_max_lag = true;
	return 0;
}

static int set_role(const struct ld *ld, const struct row *r, const config_setting_t *s,
		    void *obj)
{
	struct conf_chk_pgsql *p = &((struct conf_checker *)obj)->u.pgsql;
	const char *v;
	size_t i;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return ld_err(ld, s, "role must be a string");
	v = config_setting_get_string(s);
	for (i = 0; i < NROWS(role_names); i++) {
		if (!strcmp(v, role_names[i])) {
			p->role = (enum conf_pg_role)i;
			return 0;
		}
	}
	return ld_err(ld, s, "role '%s' unknown: use any, primary or replica", v);
}

static bool str_method_ok(const char *s)
{
	return !strcmp(s, "GET") || !strcmp(s, "HEAD");
}

static bool str_abs(const char *s)
{
	return s[0] == '/';
}

static bool str_user(const char *s)
{
	return s[0] != '-' && str_name_ok(s);
}

static bool str_sslmode(const char *s)
{
	static const char *const ok[] = { "disable", "allow", "prefer", "require",
					  "verify-ca", "verify-full" };
	size_t i;

	for (i = 0; i < NROWS(ok); i++)
		if (!strcmp(s, ok[i]))
			return true;
	return false;
}

/* ---- tables ---- */

#define KF(f) offsetof(struct conf_checker, f), sizeof(((struct conf_checker *)0)->f)
#define SUN_MAX ((long long)sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
#define NAME_RULE "use A-Z a-z 0-9 _ . -"

#define COMMON_ROWS                                                                      \
	{ "name", K_STR, KF(name), 1, CONF_NAME_MAX - 1, true, NULL, str_name_ok, NAME_RULE }, \
	{ "type", K_FN, KF(type), 0, 0, true, set_type, NULL, NULL },                         \
	{ "interval", K_DUR, KF(interval_ms), CHK_DUR_MIN, CHK_DUR_MAX, false, NULL, NULL,   \
	  NULL },                                                                             \
	{ "timeout", K_DUR, KF(timeout_ms), CHK_DUR_MIN, CHK_DUR_MAX, false, NULL, NULL,     \
	  NULL },                                                                             \
	{ "rise", K_INT, KF(rise), 1, CHK_RISEFALL_MAX, false, NULL, NULL, NULL },           \
	{ "fall", K_INT, KF(fall), 1, CHK_RISEFALL_MAX, false, NULL, NULL, NULL }

#define STR_ROW(key, f, minlen, req, ok, rule) \
	{ key, K_STR, KF(f), minlen, sizeof(((struct conf_checker *)0)->f) - 1, req, NULL, ok, rule }

static const struct row tcp_rows[] = {
	COMMON_ROWS,
	{ "address", K_FN, KF(u.tcp.address), 0, 0, true, set_addr, NULL, NULL },
	{ "port", K_INT, KF(u.tcp.port), 1, 65535, true, NULL, NULL, NULL },
};

static const struct row http_rows[] = {
	COMMON_ROWS,
	{ "address", K_FN, KF(u.http.address), 0, 0, true, set_addr, NULL, NULL },
	{ "port", K_INT, KF(u.http.port), 1, 65535, false, NULL, NULL, NULL },
	STR_ROW("method", u.http.method, 1, false, str_method_ok, "use GET or HEAD"),
	STR_ROW("path", u.http.path, 1, false, str_abs, "must start with '/'"),
	STR_ROW("host", u.http.host, 1, false, str_printable, "no spaces or control characters"),
	{ "expect", K_FN, KF(u.http.expect), 0, 0, false, set_expect, NULL, NULL },
	STR_ROW("body", u.http.body, 1, false, NULL, NULL),
};

static const struct row haproxy_rows[] = {
	COMMON_ROWS,
	{ "socket", K_STR, KF(u.haproxy.socket), 1, SUN_MAX, true, NULL, str_abs,
	  "must be an absolute path" },
	STR_ROW("frontend", u.haproxy.frontend, 1, false, str_printable, "no spaces"),
	STR_ROW("backend", u.haproxy.backend, 1, false, str_printable, "no spaces"),
	{ "min_up", K_INT, KF(u.haproxy.min_up), 0, 100000, false, NULL, NULL, NULL },
};

static const struct row pgsql_rows[] = {
	COMMON_ROWS,
	{ "hostaddr", K_FN, KF(u.pgsql.hostaddr), 0, 0, true, set_addr, NULL, NULL },
	{ "port", K_INT, KF(u.pgsql.port), 1, 65535, false, NULL, NULL, NULL },
	STR_ROW("dbname", u.pgsql.dbname, 1, false, str_printable, "no spaces"),
	STR_ROW("user", u.pgsql.user, 1, false, str_printable, "no spaces"),
	STR_ROW("passfile", u.pgsql.passfile, 1, false, str_abs, "must be an absolute path"),
	STR_ROW("password_env", u.pgsql.password_env, 1, false, str_name_ok, NAME_RULE),
	STR_ROW("sslmode", u.pgsql.sslmode, 1, false, str_sslmode,
		"use disable, allow, prefer, require, verify-ca or verify-full"),
	{ "role", K_FN, KF(u.pgsql.role), 0, 0, false, set_role, NULL, NULL },
	{ "max_lag_bytes", K_FN, KF(u.pgsql.max_lag_bytes), 0, 0, false, set_max_lag, NULL,
	  NULL },
};

static const struct row script_rows[] = {
	COMMON_ROWS,
	{ "argv", K_FN, KF(u.script.argv), 0, 0, true, set_argv, NULL, NULL },
	STR_ROW("user", u.script.user, 1, false, str_user, "use A-Z a-z 0-9 _ . - (not first)"),
};

static const struct {
	const struct row *rows;
	size_t n;
} type_rows[CONF_CHK_NTYPES] = {
	[CONF_CHK_TCP] = { tcp_rows, NROWS(tcp_rows) },
	[CONF_CHK_HTTP] = { http_rows, NROWS(http_rows) },
	[CONF_CHK_HAPROXY] = { haproxy_rows, NROWS(haproxy_rows) },
	[CONF_CHK_PGSQL] = { pgsql_rows, NROWS(pgsql_rows) },
	[CONF_CHK_SCRIPT] = { script_rows, NROWS(script_rows) },
};

_Static_assert(NROWS(pgsql_rows) <= 32 && NROWS(http_rows) <= 32, "load_group: 32 rows");

/* ---- loading ---- */

static void checker_defaults(struct conf_checker *k)
{
	k->interval_ms = 2000;
	k->timeout_ms = 1000;
	k->rise = 2;
	k->fall = 2;
	switch (k->type) {
	case CONF_CHK_HTTP:
		k->u.http.port = 80;
		copy_str(k->u.http.method, sizeof(k->u.http.method), "GET");
		copy_str(k->u.http.path, sizeof(k->u.http.path), "/");
		k->u.http.expect[0] = 200;
		k->u.http.n_expect = 1;
		break;
	case CONF_CHK_HAPROXY:
		k->u.haproxy.min_up = 1;
		break;
	case CONF_CHK_PGSQL:
		k->u.pgsql.port = 5432;
		copy_str(k->u.pgsql.dbname, sizeof(k->u.pgsql.dbname), "postgres");
		copy_str(k->u.pgsql.user, sizeof(k->u.pgsql.user), "postgres");
		copy_str(k->u.pgsql.sslmode, sizeof(k->u.pgsql.sslmode), "prefer");
		break;
	default:
		break;
	}
}

static int read_type(const struct ld *ld, const config_setting_t *s, struct conf_checker *k)
{
	const config_setting_t *t = config_setting_get_member(s, "type");
	const char *v;
	size_t i;

	if (!t)
		return ld_err(ld, s, "missing required setting 'type' in checker");
	if (config_setting_type(t) != CONFIG_TYPE_STRING)
		return ld_err(ld, t, "type must be a string");
	v = config_setting_get_string(t);
	for (i = 0; i < CONF_CHK_NTYPES; i++) {
		if (!strcmp(v, type_names[i])) {
			k->type = (enum conf_chk_type)i;
			return 0;
		}
	}
	return ld_err(ld, t, "type '%s' unknown: use tcp, http, haproxy, pgsql or script", v);
}

/* The Host header a browser would send: the address, bracketed for IPv6,
 * with the port unless it is 80. */
static void http_default_host(struct conf_chk_http *h)
{
	char a[ADDR_STRLEN];

	addr_fmt(&h->address, a, sizeof(a));
	snprintf(h->host, sizeof(h->host), h->address.family == AF_INET6 ? "[%s]" : "%s", a);
	if (h->port != 80)
		snprintf(h->host + strlen(h->host), sizeof(h->host) - strlen(h->host), ":%u",
			 h->port);
}

static int load_checker(const struct ld *ld, const config_setting_t *s, struct conf_checker *k)
{
	if (!config_setting_is_group(s))
		return ld_err(ld, s, "checkers entries must be groups { name = ...; type = ...; }");
	set_pos(&k->pos, ld, s);
	if (read_type(ld, s, k) < 0)
		return -1;
	checker_defaults(k);
	if (load_group(ld, s, type_rows[k->type].rows, type_rows[k->type].n, k,
		       "checker") < 0)
		return -1;
	if (k->type == CONF_CHK_HTTP && !k->u.http.host[0])
		http_default_host(&k->u.http);
	return 0;
}

int conf_checkers_load(const struct ld *ld, const config_setting_t *s, struct conf *c)
{
	int i, n = config_setting_length(s);
	struct conf_checkers *cs;

	if (!config_setting_is_list(s))
		return ld_err(ld, s, "checkers must be a list ( { ... }, ... )");
	if (n > CONF_CHK_MAX)
		return ld_err(ld, s, "checkers has %d entries; at most %d allowed", n, CONF_CHK_MAX);
	if (c->checkers)
		return ld_err(ld, s, "checkers is set twice");
	if (n == 0)
		return 0;
	cs = calloc(1, sizeof(*cs));
	if (cs)
		cs->list = calloc((size_t)n, sizeof(*cs->list));
	if (!cs || !cs->list) {
		free(cs);
		return ld_err(ld, s, "out of memory");
	}
	c->checkers = cs;
	cs->n = (size_t)n; /* zeroed entries: conf_free() copes with a partial load */
	for (i = 0; i < n; i++)
		if (load_checker(ld, config_setting_get_elem(s, (unsigned)i), &cs->list[i]) < 0)
			return -1;
	return 0;
}

/* ---- checking ---- */

static int check_one(const struct conf_checker *k, char *err, size_t errlen)
{
	if (k->type == CONF_CHK_SCRIPT && k->u.script.user[0] && !getpwnam(k->u.script.user))
		return chk_err(err, errlen, &k->pos, "checker '%s': user '%s' does not exist",
			       k->name, k->u.script.user);
	if (k->type == CONF_CHK_PGSQL && k->u.pgsql.has_max_lag &&
	    k->u.pgsql.role == CONF_PG_PRIMARY)
		return chk_err(err, errlen, &k->pos,
			       "checker '%s': max_lag_bytes applies to replicas, not to role "
			       "'primary'", k->name);
	return 0;
}

int conf_checkers_check(const struct conf *c, char *err, size_t errlen)
{
	const struct conf_checkers *cs = c->checkers;
	size_t i, j;

	for (i = 0; cs && i < cs->n; i++) {
		const struct conf_checker *k = &cs->list[i];

		if (check_one(k, err, errlen) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (!strcmp(cs->list[j].name, k->name))
				return chk_err(err, errlen, &k->pos,
					       "checker '%s' already defined at %s:%d", k->name,
					       cs->list[j].pos.file, cs->list[j].pos.line);
	}
	return 0;
}

/* ---- ownership ---- */

void conf_checker_free(struct conf_checker *k)
{
	char **p;

	if (k->type != CONF_CHK_SCRIPT)
		return;
	for (p = k->u.script.argv.argv; p && *p; p++)
		free(*p);
	free(k->u.script.argv.argv);
	k->u.script.argv.argv = NULL;
	k->u.script.argv.argc = 0;
}

int conf_checker_copy(struct conf_checker *dst, const struct conf_checker *src)
{
	const struct conf_argv *a = &src->u.script.argv;
	size_t i;

	memcpy(dst, src, sizeof(*dst)); /* padding too: conf_checker_equal() */
	if (src->type != CONF_CHK_SCRIPT || !a->argv)
		return 0;
	dst->u.script.argv.argv = calloc(a->argc + 1, sizeof(char *));
	if (!dst->u.script.argv.argv) {
		dst->u.script.argv.argc = 0;
		return -1;
	}
	for (i = 0; i < a->argc; i++) {
		dst->u.script.argv.argv[i] = strdup(a->argv[i]);
		if (!dst->u.script.argv.argv[i]) {
			conf_checker_free(dst);
			return -1;
		}
	}
	return 0;
}

static bool argv_equal(const struct conf_argv *a, const struct conf_argv *b)
{
	size_t i;

	if (a->argc != b->argc)
		return false;
	for (i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]))
			return false;
	return true;
}

/* Field by field where it matters; the type structs are compared as bytes,
 * which holds because the loader zeroes them (calloc) and copy_str() pads
 * nothing: a checker built by code must be zeroed first too. */
bool conf_checker_equal(const struct conf_checker *a, const struct conf_checker *b)
{
	if (strcmp(a->name, b->name) || a->type != b->type || a->interval_ms != b->interval_ms ||
	    a->timeout_ms != b->timeout_ms || a->rise != b->rise || a->fall != b->fall)
		return false;
	if (a->type == CONF_CHK_SCRIPT)
		return argv_equal(&a->u.script.argv, &b->u.script.argv) &&
		       !strcmp(a->u.script.user, b->u.script.user);
	return !memcmp(&a->u, &b->u, sizeof(a->u));
}

void conf_checkers_free(struct conf *c)
{
	size_t i;

	if (!c->checkers)
		return;
	for (i = 0; i < c->checkers->n && c->checkers->list; i++)
		conf_checker_free(&c->checkers->list[i]);
	free(c->checkers->list);
	free(c->checkers);
	c->checkers = NULL;
}

const struct conf_checker *conf_checkers_find(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; c && c->checkers && i < c->checkers->n; i++)
		if (!strcmp(c->checkers->list[i].name, name))
			return &c->checkers->list[i];
	return NULL;
}
