/* conf_load.c - libconfig file -> struct conf: syntax, types, per-setting
 * ranges and defaults. Everything that relates two settings or two instances
 * (families, uniqueness, version-specific intervals) is conf_check.c's job.
 *
 * Each group is described by a table of rows {name, kind, field, range};
 * one generic loop walks the group, so an unknown setting (a typo) is simply
 * a name with no row, and is an error rather than silently ignored.
 * This file holds that machinery, the global group and the top level;
 * conf_vrrp.c (instances), conf_track.c (tracked items, notify programs) and
 * conf_sync.c (sync groups) hold the other tables (conf_priv.h). */
#include "conf/conf.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf/conf_priv.h"
#include "conf/conf_ipvs.h"

#define DEFAULT_CONTROL_SOCKET "/run/tandem/tandemd.sock"
#define DEFAULT_PID_FILE "/run/tandem/tandemd.pid"
#define DEFAULT_NOTIFY_TIMEOUT_MS 10000

int ld_err(const struct ld *ld, const config_setting_t *s, const char *fmt, ...)
{
	const char *file = s ? config_setting_source_file(s) : NULL;
	int line = s ? (int)config_setting_source_line(s) : 0;
	char msg[CONF_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ld->errlen)
		snprintf(ld->err, ld->errlen, "%s:%d: %s", file ? file : ld->path, line, msg);
	return -1;
}

/* Bounded copy that always terminates (the caller has checked the length
 * where truncation would matter). */
void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void set_pos(struct conf_pos *pos, const struct ld *ld, const config_setting_t *s)
{
	const char *file = config_setting_source_file(s);

	copy_str(pos->file, sizeof(pos->file), file ? file : ld->path);
	pos->line = (int)config_setting_source_line(s);
}

/* Fields are uint8_t, uint32_t or int (track weights); the row's range
 * has been checked, so the value fits the field whatever its signedness. */
static void put_num(void *obj, const struct row *r, long long v)
{
	char *p = (char *)obj + r->off;

	if (r->size == sizeof(uint8_t)) {
		uint8_t x = (uint8_t)v;
		memcpy(p, &x, sizeof(x));
	} else if (r->min < 0) {
		int32_t x = (int32_t)v;
		memcpy(p, &x, sizeof(x));
	} else {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, sizeof(x));
	}
}

_Static_assert(sizeof(int) == sizeof(int32_t), "weights are int");

static bool is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

static int set_int(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj)
{
	long long v;

	if (!is_int(s))
		return ld_err(ld, s, "%s must be an integer", r->name);
	v = config_setting_get_int64(s);
	if (v < r->min || v > r->max)
		return ld_err(ld, s, "%s %lld out of range %lld..%lld", r->name, v, r->min, r->max);
	put_num(obj, r, v);
	return 0;
}

/* Seconds (int or float) -> ms, rounded to the nearest ms (0.01 -> 10). */
static int set_dur(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj)
{
	double sec;
	long long ms = -1;

	if (!is_int(s) && config_setting_type(s) != CONFIG_TYPE_FLOAT)
		return ld_err(ld, s, "%s must be a number of seconds", r->name);
	sec = config_setting_get_float(s); /* CONFIG_OPTION_AUTOCONVERT: ints too */
	if (isfinite(sec) && sec > -1e9 && sec < 1e9) /* round half away from 0, no libm */
		ms = (long long)(sec * 1000.0 + (sec < 0 ? -0.5 : 0.5));
	if (ms < r->min || ms > r->max)
		return ld_err(ld, s, "%s %g out of range %g..%g seconds", r->name, sec,
			      (double)r->min / 1000.0, (double)r->max / 1000.0);
	put_num(obj, r, ms);
	return 0;
}

static int set_bool(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj)
{
	bool v;

	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return ld_err(ld, s, "%s must be true or false", r->name);
	v = config_setting_get_bool(s) != 0;
	memcpy((char *)obj + r->off, &v, sizeof(v));
	return 0;
}

static int set_str(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj)
{
	const char *v;
	size_t n;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return ld_err(ld, s, "%s must be a string", r->name);
	v = config_setting_get_string(s);
	n = strlen(v);
	if (n == 0 && r->min > 0)
		return ld_err(ld, s, "%s must not be empty", r->name);
	if ((long long)n > r->max)
		return ld_err(ld, s, "%s '%s' is too long (at most %lld characters)",
			      r->name, v, r->max);
	if (r->str_ok && !r->str_ok(v))
		return ld_err(ld, s, "%s '%s' is invalid: %s", r->name, v, r->str_rule);
	copy_str((char *)obj + r->off, r->size, v);
	return 0;
}

static int set_fn(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj)
{
	return r->fn(ld, r, s, obj);
}

static const row_fn setters[] = {
	[K_STR] = set_str, [K_INT] = set_int, [K_BOOL] = set_bool,
	[K_DUR] = set_dur, [K_FN] = set_fn,
};

/* Walk one group against its table: unknown names are errors, required
 * rows must be present (reported at the group's own line). */
int load_group(const struct ld *ld, const config_setting_t *grp, const struct row *rows,
	       size_t nrows, void *obj, const char *what)
{
	bool seen[32] = { false };
	int i, n = config_setting_length(grp);
	size_t j;

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(s);

		for (j = 0; j < nrows && strcmp(rows[j].name, name); j++)
			;
		if (j == nrows)
			return ld_err(ld, s, "unknown setting '%s' in %s", name, what);
		if (setters[rows[j].kind](ld, &rows[j], s, obj) < 0)
			return -1;
		seen[j] = true;
	}
	for (j = 0; j < nrows; j++)
		if (rows[j].required && !seen[j])
			return ld_err(ld, grp, "missing required setting '%s' in %s",
				      rows[j].name, what);
	return 0;
}

/* ---- global ---- */

static const char *const log_level_names[] = {
	[CONF_LOG_ERR] = "err", [CONF_LOG_WARNING] = "warning", [CONF_LOG_NOTICE] = "notice",
	[CONF_LOG_INFO] = "info", [CONF_LOG_DEBUG] = "debug",
};
#define N_LOG_LEVELS (sizeof(log_level_names) / sizeof(log_level_names[0]))

const char *conf_log_level_str(enum conf_log_level l)
{
	return (size_t)l < N_LOG_LEVELS ? log_level_names[l] : "?";
}

static int set_log_level(const struct ld *ld, const struct row *r, const config_setting_t *s,
			 void *obj)
{
	struct conf_global *g = obj;
	const char *v;
	size_t i;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return ld_err(ld, s, "%s must be a string", r->name);
	v = config_setting_get_string(s);
	for (i = 0; i < N_LOG_LEVELS; i++) {
		if (!strcmp(v, log_level_names[i])) {
			g->log_level = (enum conf_log_level)i;
			return 0;
		}
	}
	return ld_err(ld, s, "log_level '%s' unknown: use err, warning, notice, info or debug", v);
}

bool str_printable(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

bool str_name_ok(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
	       == strlen(s);
}

/* What the kernel accepts as a device name (dev_valid_name). */
bool str_ifname_ok(const char *s)
{
	return strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/') && !strchr(s, ':')
	       && str_printable(s);
}

/* POSIX portable user names; whether the user exists is conf_check's job. */
static bool str_user_ok(const char *s)
{
	return s[0] != '-' && str_name_ok(s);
}

static int set_group(const struct ld *ld, const struct row *r, const config_setting_t *s,
		     void *obj)
{
	const struct row str_row = {
		r->name, K_STR, r->off, r->size, 1, CONF_NAME_MAX - 1, false,
		NULL, str_user_ok, "use A-Z a-z 0-9 _ . - (not first)"
	};
	struct conf_global *g = obj;

	if (set_str(ld, &str_row, s, obj) < 0)
		return -1;
	set_pos(strcmp(r->name, "control_group") ? &g->control_admin_group_pos
						 : &g->control_group_pos, ld, s);
	return 0;
}

static int set_notify_user(const struct ld *ld, const struct row *r,
			   const config_setting_t *s, void *obj)
{
	static const struct row str_row = {
		"notify_user", K_STR, offsetof(struct conf_global, notify_user),
		sizeof(((struct conf_global *)0)->notify_user), 1, CONF_NAME_MAX - 1, false,
		NULL, str_user_ok, "use A-Z a-z 0-9 _ . - (not first)"
	};
	struct conf_global *g = obj;

	if (set_str(ld, &str_row, s, obj) < 0)
		return -1;
	set_pos(&g->notify_user_pos, ld, s);
	return 0;
}

#define GF(f) offsetof(struct conf_global, f), sizeof(((struct conf_global *)0)->f)
#define SUN_MAX ((long long)sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

static const struct row global_rows[] = {
	{ "router_id", K_STR, GF(router_id), 1, CONF_NAME_MAX - 1, false, NULL,
	  str_printable, "no spaces or control characters" },
	{ "control_socket", K_STR, GF(control_socket), 1, SUN_MAX, false, NULL, NULL, NULL },
	{ "pid_file", K_STR, GF(pid_file), 1, CONF_PATH_MAX - 1, false, NULL, NULL, NULL },
	{ "log_level", K_FN, GF(log_level), 0, 0, false, set_log_level, NULL, NULL },
	{ "syslog", K_BOOL, GF(syslog), 0, 0, false, NULL, NULL, NULL },
	{ "notify_user", K_FN, GF(notify_user), 0, 0, false, set_notify_user, NULL, NULL },
	{ "notify_timeout", K_DUR, GF(notify_timeout_ms), 1, 3600000, false, NULL, NULL, NULL },
	{ "startup_delay", K_DUR, GF(startup_delay_ms), 0, 3600000, false, NULL, NULL, NULL },
	{ "control_group", K_FN, GF(control_group), 0, 0, false, set_group, NULL, NULL },
	{ "control_admin_group", K_FN, GF(control_admin_group), 0, 0, false, set_group, NULL, NULL },
};

static void global_defaults(struct conf_global *g)
{
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1) < 0 || !host[0] || !str_printable(host))
		copy_str(host, sizeof(host), "tandem");
	copy_str(g->router_id, sizeof(g->router_id), host); /* truncated to 31 chars */
	copy_str(g->control_socket, sizeof(g->control_socket), DEFAULT_CONTROL_SOCKET);
	copy_str(g->pid_file, sizeof(g->pid_file), DEFAULT_PID_FILE);
	g->log_level = CONF_LOG_INFO;
	g->syslog = true;
	g->notify_timeout_ms = DEFAULT_NOTIFY_TIMEOUT_MS;
	g->startup_delay_ms = 0;
}

/* ---- top level ---- */

static int load_root(const struct ld *ld, const config_setting_t *root, struct conf *c)
{
	int i, n = config_setting_length(root);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);

		if (!strcmp(name, "global")) {
			if (!config_setting_is_group(s))
				return ld_err(ld, s, "global must be a group { ... }");
			if (load_group(ld, s, global_rows, NROWS(global_rows), &c->global,
				       "global") < 0)
				return -1;
		} else if (!strcmp(name, "vrrp_instances")) {
			if (load_vrrp_list(ld, s, c) < 0)
				return -1;
		} else if (!strcmp(name, "vrrp_sync_groups")) {
			if (load_sync_list(ld, s, c) < 0)
				return -1;
		} else if (!strcmp(name, "virtual_servers")) {
			if (conf_ipvs_load(ld, s, c) < 0)
				return -1;
		} else if (!strcmp(name, "ipvs")) {
			if (conf_ipvs_load_options(ld, s, c) < 0)
				return -1;
		} else if (!strcmp(name, "db_pools")) {
			if (conf_ipvs_load_pools(ld, s, c) < 0)
				return -1;
		} else if (!strcmp(name, "checkers")) {
			if (conf_checkers_load(ld, s, c) < 0)
				return -1;
		} else {
			return ld_err(ld, s, "unknown setting '%s' at top level", name);
		}
	}
	return 0;
}

static int read_file(const struct ld *ld, config_t *cfg)
{
	const char *file;
	int err;

	errno = 0;
	if (config_read_file(cfg, ld->path))
		return 0;
	err = errno;
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO) {
		if (ld->errlen)
			snprintf(ld->err, ld->errlen, "%s: cannot read: %s", ld->path,
				 err ? strerror(err) : "I/O error");
		return -1;
	}
	file = config_error_file(cfg);
	if (ld->errlen)
		snprintf(ld->err, ld->errlen, "%s:%d: %s", file ? file : ld->path,
			 config_error_line(cfg), config_error_text(cfg));
	return -1;
}

int conf_load(const char *path, struct conf *out, char *err, size_t errlen)
{
	struct ld ld = { .path = path, .err = err, .errlen = errlen };
	config_t cfg;
	int rc;

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	if (strlen(path) >= sizeof(out->path)) {
		if (errlen)
			snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	copy_str(out->path, sizeof(out->path), path);
	global_defaults(&out->global);

	config_init(&cfg);
	config_set_options(&cfg, CONFIG_OPTION_AUTOCONVERT);
	rc = read_file(&ld, &cfg);
	if (rc == 0)
		rc = load_root(&ld, config_root_setting(&cfg), out);
	config_destroy(&cfg);
	if (rc < 0)
		conf_free(out);
	return rc;
}

int conf_read(const char *path, struct conf *out, char *err, size_t errlen)
{
	if (conf_load(path, out, err, errlen) < 0)
		return -1;
	if (conf_check(out, err, errlen) < 0) {
		conf_free(out);
		return -1;
	}
	return 0;
}

void conf_free(struct conf *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_vrrp && c->vrrp; i++)
		conf_vrrp_free(&c->vrrp[i]);
	free(c->vrrp);
	for (i = 0; i < c->n_sync && c->sync; i++)
		conf_sync_free(&c->sync[i]);
	free(c->sync);
	conf_ipvs_free(c);
	conf_checkers_free(c);
	memset(c, 0, sizeof(*c));
}
