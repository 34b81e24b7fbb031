/* conf_checkers.h - the top-level "checkers" list (issue 6): one entry per
 * health check, shared by VRRP `track` inputs and IPVS real servers, which
 * both refer to a checker by its name. Settings, ranges and defaults are
 * documented in examples/checkers.conf. Strings are fixed arrays so that a
 * checker is copied with one struct copy, except the script's argv
 * (conf_checker_copy() makes a deep copy for the engine). */
#ifndef TANDEM_CONF_CHECKERS_H
#define TANDEM_CONF_CHECKERS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"

#define CONF_CHK_MAX 1024          /* checkers in one file */
#define CONF_CHK_EXPECT_MAX 8      /* http expect = [ 200, 204, ... ] */
#define CONF_CHK_STR_MAX 128       /* path, host, body, frontend, dbname ... */

enum conf_chk_type { CONF_CHK_TCP, CONF_CHK_HTTP, CONF_CHK_HAPROXY, CONF_CHK_PGSQL,
		     CONF_CHK_SCRIPT, CONF_CHK_NTYPES };

/* The role a pgsql checker requires to be UP; ANY = reachable is enough. */
enum conf_pg_role { CONF_PG_ANY, CONF_PG_PRIMARY, CONF_PG_REPLICA };

struct conf_chk_tcp {
	struct addr address;
	uint32_t port;                 /* 1..65535 */
};

struct conf_chk_http {
	struct addr address;
	uint32_t port;                 /* default 80 */
	char method[8];                /* GET (default) or HEAD */
	char path[CONF_CHK_STR_MAX];   /* default "/" */
	char host[CONF_CHK_STR_MAX];   /* Host header; default the address */
	uint32_t expect[CONF_CHK_EXPECT_MAX]; /* status codes; default { 200 } */
	uint32_t n_expect;
	char body[CONF_CHK_STR_MAX];   /* substring the body must contain; "" = any */
};

struct conf_chk_haproxy {
	char socket[CONF_PATH_MAX];    /* stats socket (UNIX), required */
	char frontend[CONF_CHK_STR_MAX]; /* "" = not checked; else must be OPEN */
	char backend[CONF_CHK_STR_MAX];  /* "" = not checked; else >= min_up servers UP */
	uint32_t min_up;               /* default 1 */
};

struct conf_chk_pgsql {
	struct addr hostaddr;          /* numeric: libpq never resolves a name */
	uint32_t port;                 /* default 5432 */
	char dbname[CONF_NAME_MAX * 2];/* default "postgres" */
	char user[CONF_NAME_MAX * 2];  /* default "postgres" */
	char passfile[CONF_PATH_MAX];  /* "" = libpq's default (~/.pgpass) */
	char password_env[CONF_NAME_MAX]; /* name of an environment variable */
	char sslmode[16];              /* default "prefer" (libpq's default) */
	enum conf_pg_role role;        /* default ANY */
	bool has_max_lag;              /* max_lag_bytes set */
	uint64_t max_lag_bytes;        /* replica: WAL received but not replayed */
};

struct conf_chk_script {
	struct conf_argv argv;         /* argv[0] absolute, no shell */
	char user[CONF_NAME_MAX];      /* "" = the daemon's user (root) */
};

struct conf_checker {
	char name[CONF_NAME_MAX];
	enum conf_chk_type type;
	uint32_t interval_ms;          /* 10 ms..3600 s; default 2 s */
	uint32_t timeout_ms;           /* 10 ms..3600 s; default 1 s */
	uint32_t rise;                 /* 1..100; default 2 */
	uint32_t fall;                 /* 1..100; default 2 */
	union {
		struct conf_chk_tcp tcp;
		struct conf_chk_http http;
		struct conf_chk_haproxy haproxy;
		struct conf_chk_pgsql pgsql;
		struct conf_chk_script script;
	} u;
	struct conf_pos pos;
};

struct conf_checkers {
	struct conf_checker *list;
	size_t n;
};

/* The checker called name, or NULL. Virtual servers refer to checkers by
 * name (issue 5), tracked inputs too (issue 3's `track`). */
const struct conf_checker *conf_checkers_find(const struct conf *c, const char *name);

/* "tcp", "http", "haproxy", "pgsql", "script" */
const char *conf_chk_type_str(enum conf_chk_type t);
const char *conf_pg_role_str(enum conf_pg_role r); /* "any", "primary", "replica" */

/* Deep copy (dst overwritten, not freed): 0, or -1 on ENOMEM with dst empty. */
int conf_checker_copy(struct conf_checker *dst, const struct conf_checker *src);
void conf_checker_free(struct conf_checker *k);
/* Same definition (everything but the position in the file): a reload
 * keeps the running state of a checker whose definition is unchanged. */
bool conf_checker_equal(const struct conf_checker *a, const struct conf_checker *b);

#endif
