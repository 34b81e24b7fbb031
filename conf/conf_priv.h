/* conf_priv.h - shared by the conf/ loaders only (not part of the API):
 * the error sink, the table rows and the generic table walker that
 * conf_load.c implements and conf_vrrp.c, conf_track.c and conf_sync.c use. */
#ifndef TANDEM_CONF_PRIV_H
#define TANDEM_CONF_PRIV_H

#include <libconfig.h>

#include "conf/conf.h"

#define CONF_MAX_UNICAST_PEERS 16
#define CONF_MAX_ARGV 64        /* notify = [ program, args... ] */
#define CONF_WEIGHT_MAX 254     /* track weights: -254..254 */
#define CONF_SYNC_MIN 2         /* members of a sync group */
#define CONF_SYNC_MAX 32

/* Where errors go; never global, so two loads (a reload) cannot interfere. */
struct ld {
	const char *path;
	char *err;
	size_t errlen;
};

enum row_kind { K_STR, K_INT, K_BOOL, K_DUR, K_FN };

struct row;
typedef int (*row_fn)(const struct ld *ld, const struct row *r,
		      const config_setting_t *s, void *obj);

struct row {
	const char *name;
	enum row_kind kind;
	size_t off, size;          /* the field inside the group's struct */
	long long min, max;        /* K_INT: value; K_DUR: ms; K_STR: length */
	bool required;
	row_fn fn;                 /* K_FN: whole custom handler */
	bool (*str_ok)(const char *s); /* K_STR: extra syntax check ... */
	const char *str_rule;          /* ... and how to explain a failure */
};

/* The notify settings of an instance or a sync group; F is the
 * offsetof/sizeof macro of the enclosing struct. */
#define NOTIFY_ROWS(F)                                                               \
	{ "notify", K_FN, F(notify.any), 0, 0, false, set_argv, NULL, NULL },           \
	{ "notify_master", K_FN, F(notify.master), 0, 0, false, set_argv, NULL, NULL }, \
	{ "notify_backup", K_FN, F(notify.backup), 0, 0, false, set_argv, NULL, NULL }, \
	{ "notify_fault", K_FN, F(notify.fault), 0, 0, false, set_argv, NULL, NULL },   \
	{ "notify_stop", K_FN, F(notify.stop), 0, 0, false, set_argv, NULL, NULL }

#define NROWS(t) (sizeof(t) / sizeof((t)[0]))

__attribute__((format(printf, 3, 4)))
int ld_err(const struct ld *ld, const config_setting_t *s, const char *fmt, ...);
void copy_str(char *dst, size_t size, const char *src);
void set_pos(struct conf_pos *pos, const struct ld *ld, const config_setting_t *s);
/* Tables have at most 32 rows (load_group keeps a bool seen[32]). */
int load_group(const struct ld *ld, const config_setting_t *grp, const struct row *rows,
	       size_t nrows, void *obj, const char *what);

bool str_printable(const char *s);
bool str_name_ok(const char *s);     /* instance, track and group names */
bool str_ifname_ok(const char *s);

/* conf_vrrp.c */
int load_vrrp_list(const struct ld *ld, const config_setting_t *s, struct conf *c);

/* conf_track.c: K_FN handlers for struct conf_vrrp / struct conf_sync_group */
int set_track_if(const struct ld *ld, const struct row *r, const config_setting_t *s,
		 void *obj);
int set_track_file(const struct ld *ld, const struct row *r, const config_setting_t *s,
		   void *obj);
int set_track(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj);
/* r->off locates a struct conf_argv inside obj */
int set_argv(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj);
void conf_notify_free(struct conf_notify *n);

/* conf_sync.c */
int load_sync_list(const struct ld *ld, const config_setting_t *s, struct conf *c);
void conf_sync_free(struct conf_sync_group *g);

/* conf_check.c: "file:line: message" for a checked setting; returns -1 */
__attribute__((format(printf, 4, 5)))
int chk_err(char *err, size_t errlen, const struct conf_pos *pos, const char *fmt, ...);

/* conf_ipvs.c (issue 5): top-level "virtual_servers" */
int conf_ipvs_load(const struct ld *ld, const config_setting_t *s, struct conf *c);
int conf_ipvs_check(const struct conf *c, char *err, size_t errlen);
void conf_ipvs_free(struct conf *c);

/* conf_checkers.c (issue 6): top-level "checkers" */
int conf_checkers_load(const struct ld *ld, const config_setting_t *s, struct conf *c);
int conf_checkers_check(const struct conf *c, char *err, size_t errlen);
void conf_checkers_free(struct conf *c);

#endif
