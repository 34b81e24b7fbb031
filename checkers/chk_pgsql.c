/* chk_pgsql.c - the PostgreSQL role checker, on libpq's asynchronous API
 * only (libpq manual §34.1 "Connection Control Functions": PQconnectStartParams
 * + PQconnectPoll; §34.4 "Asynchronous Command Processing": PQsendQuery,
 * PQflush, PQconsumeInput, PQisBusy). `hostaddr` is numeric, so libpq
 * never calls the resolver; the only blocking calls left are local file
 * reads (passfile). One query per run gives the role, the replay lag and
 * the timeline. Passwords come from passfile or an environment variable
 * and are never logged (libpq's error messages do not contain them). */
#include "checkers/chk_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/chk_parse.h"
#include "checkers/chk_pq.h"

/* Lag = WAL received but not replayed yet (receive - replay LSN), which
 * grows when replay stalls (pg_wal_replay_pause, a long conflict); the
 * replay timestamp would grow on an idle primary too (postgres-vm.md).
 * Timeline: a primary's from its current WAL file name (exact at once after
 * a promotion, unlike the checkpoint's); a replica's from its WAL receiver,
 * else its last restartpoint. */
static const char role_query[] =
	"SELECT pg_is_in_recovery(), "
	"CASE WHEN pg_is_in_recovery() THEN "
	"pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint END, "
	"CASE WHEN pg_is_in_recovery() THEN "
	"COALESCE((SELECT received_tli FROM pg_stat_wal_receiver), "
	"(SELECT timeline_id FROM pg_control_checkpoint())) "
	"ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END";

enum pg_phase { PG_IDLE, PG_CONNECTING, PG_QUERY };

struct pgsql_priv {
	PGconn *conn;
	int fd;
	enum pg_phase phase;
	bool have_row;
	char rec[4], lag[24], tli[12];
	char error[CHK_REASON_MAX];
};

enum chk_result chk_pgsql_eval(const struct conf_chk_pgsql *p, const char *in_recovery,
			       const char *lag, const char *timeline, struct chk_state *st,
			       char *why, size_t len)
{
	bool replica = !strcmp(in_recovery, "t");
	char *end;

	st->role = replica ? CHK_ROLE_REPLICA : CHK_ROLE_PRIMARY;
	st->timeline = (uint32_t)strtoul(timeline, NULL, 10);
	st->lag_known = replica && lag[0];
	st->lag_bytes = st->lag_known ? strtoull(lag, &end, 10) : 0;
	if (p->role == CONF_PG_PRIMARY && replica) {
		snprintf(why, len, "replica, primary required");
		return CHK_DOWN;
	}
	if (p->role == CONF_PG_REPLICA && !replica) {
		snprintf(why, len, "primary, replica required");
		return CHK_DOWN;
	}
	if (replica && p->has_max_lag && !st->lag_known) {
		snprintf(why, len, "replica, lag unknown (no WAL received)");
		return CHK_DOWN;
	}
	if (replica && p->has_max_lag && st->lag_bytes > p->max_lag_bytes) {
		snprintf(why, len, "replica, lag %" PRIu64 " bytes > %" PRIu64, st->lag_bytes,
			 p->max_lag_bytes);
		return CHK_DOWN;
	}
	if (replica)
		snprintf(why, len, "replica, timeline %" PRIu32 ", lag %s bytes", st->timeline,
			 st->lag_known ? lag : "?");
	else
		snprintf(why, len, "primary, timeline %" PRIu32, st->timeline);
	return CHK_UP;
}

static void pg_release(struct chk *c)
{
	struct pgsql_priv *p = c->priv;

	if (p->fd >= 0)
		chk_unwatch(c, p->fd);
	p->fd = -1;
	if (p->conn)
		sym_PQfinish(p->conn); /* nonblocking by then: cannot wait on a full buffer */
	p->conn = NULL;
	p->phase = PG_IDLE;
}

/* libpq may open a new socket while connecting (next address, SSL
 * fallback), possibly reusing the number: register afresh each time. */
static int pg_watch(struct chk *c, uint32_t events)
{
	struct pgsql_priv *p = c->priv;

	if (p->fd >= 0)
		chk_unwatch(c, p->fd);
	p->fd = sym_PQsocket(p->conn);
	if (p->fd < 0)
		return -1;
	if (chk_watch(c, p->fd, events) < 0) {
		p->fd = -1;
		return -1;
	}
	return 0;
}

/* libpq's message, first line, without the trailing newline. */
static const char *pg_msg(struct pgsql_priv *p)
{
	snprintf(p->error, sizeof(p->error), "%s", p->conn ? sym_PQerrorMessage(p->conn) : "");
	p->error[strcspn(p->error, "\n")] = '\0';
	return p->error;
}

/* The server said no (not running, starting, stopping): DOWN; anything
 * else (authentication, protocol) is ERROR: a configuration problem. */
static void pg_fail(struct chk *c, const char *what)
{
	struct pgsql_priv *p = c->priv;
	const char *m = pg_msg(p);
	bool down = strstr(m, "Connection refused") || strstr(m, "shutting down") ||
		    strstr(m, "starting up") || strstr(m, "recovery mode");
	char msg[CHK_REASON_MAX];

	snprintf(msg, sizeof(msg), "%s", m);
	pg_release(c);
	chk_done(c, down ? CHK_DOWN : CHK_ERROR, "%s: %s", what, msg);
}

static void pg_start(struct chk *c)
{
	struct pgsql_priv *p = c->priv;
	const struct conf_chk_pgsql *k = &c->conf.u.pgsql;
	const char *keys[10], *vals[10];
	char addr[ADDR_STRLEN], port[8];
	const char *pw = k->password_env[0] ? getenv(k->password_env) : NULL;
	int n = 0;

	/* normally loaded with the configuration (daemon.c); test tools that
	 * drive the engine directly load it here */
	if (chk_pq_load(p->error, sizeof(p->error)) < 0) {
		chk_done(c, CHK_ERROR, "%s", p->error);
		return;
	}
	addr_fmt(&k->hostaddr, addr, sizeof(addr));
	snprintf(port, sizeof(port), "%u", k->port);
	keys[n] = "hostaddr", vals[n++] = addr;
	keys[n] = "port", vals[n++] = port;
	keys[n] = "dbname", vals[n++] = k->dbname;
	keys[n] = "user", vals[n++] = k->user;
	keys[n] = "sslmode", vals[n++] = k->sslmode;
	keys[n] = "application_name", vals[n++] = "tandem-check";
	if (k->passfile[0])
		keys[n] = "passfile", vals[n++] = k->passfile;
	if (pw)
		keys[n] = "password", vals[n++] = pw;
	keys[n] = NULL, vals[n] = NULL;
	p->fd = -1;
	p->have_row = false;
	p->conn = sym_PQconnectStartParams(keys, vals, 0);
	if (!p->conn) {
		chk_done(c, CHK_ERROR, "libpq: out of memory");
		return;
	}
	p->phase = PG_CONNECTING;
	/* §34.1: after PQconnectStart, act as if PQconnectPoll said WRITING */
	if (sym_PQstatus(p->conn) == CONNECTION_BAD || pg_watch(c, EPOLLOUT) < 0)
		pg_fail(c, "connect");
}

static void pg_send_query(struct chk *c)
{
	struct pgsql_priv *p = c->priv;
	int f;

	p->phase = PG_QUERY;
	if (sym_PQsetnonblocking(p->conn, 1) < 0 || !sym_PQsendQuery(p->conn, role_query)) {
		pg_fail(c, "query");
		return;
	}
	f = sym_PQflush(p->conn);
	if (f < 0 || pg_watch(c, f ? EPOLLIN | EPOLLOUT : EPOLLIN) < 0)
		pg_fail(c, "query");
}

static void pg_connect_step(struct chk *c)
{
	struct pgsql_priv *p = c->priv;

	switch (sym_PQconnectPoll(p->conn)) {
	case PGRES_POLLING_READING:
		if (pg_watch(c, EPOLLIN) < 0)
			pg_fail(c, "connect");
		break;
	case PGRES_POLLING_WRITING:
		if (pg_watch(c, EPOLLOUT) < 0)
			pg_fail(c, "connect");
		break;
	case PGRES_POLLING_OK:
		pg_send_query(c);
		break;
	default:
		pg_fail(c, "connect");
		break;
	}
}

static void pg_take_result(struct pgsql_priv *p, PGresult *res)
{
	if (sym_PQresultStatus(res) == PGRES_TUPLES_OK && sym_PQntuples(res) == 1 &&
	    sym_PQnfields(res) == 3 && !p->have_row) {
		snprintf(p->rec, sizeof(p->rec), "%s", sym_PQgetvalue(res, 0, 0));
		snprintf(p->lag, sizeof(p->lag), "%s", sym_PQgetvalue(res, 0, 1));
		snprintf(p->tli, sizeof(p->tli), "%s", sym_PQgetvalue(res, 0, 2));
		p->have_row = true;
	} else if (sym_PQresultStatus(res) != PGRES_TUPLES_OK) {
		char *m = sym_PQresultErrorMessage(res);

		snprintf(p->error, sizeof(p->error), "%s", m ? m : "query failed");
		p->error[strcspn(p->error, "\n")] = '\0';
	}
	sym_PQclear(res);
}

static void pg_query_step(struct chk *c, uint32_t events)
{
	struct pgsql_priv *p = c->priv;
	char why[CHK_REASON_MAX], err[CHK_REASON_MAX];
	PGresult *res;
	enum chk_result r;

	if ((events & EPOLLOUT) && sym_PQflush(p->conn) == 0)
		chk_rewatch(c, p->fd, EPOLLIN);
	if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		return;
	if (!sym_PQconsumeInput(p->conn)) {
		pg_fail(c, "query");
		return;
	}
	p->error[0] = '\0';
	while (!sym_PQisBusy(p->conn)) {
		res = sym_PQgetResult(p->conn);
		if (!res)
			break;
		pg_take_result(p, res);
	}
	if (sym_PQisBusy(p->conn))
		return;
	snprintf(err, sizeof(err), "%s", p->error);
	pg_release(c);
	if (!p->have_row) {
		chk_done(c, CHK_ERROR, "query: %s", err[0] ? err : "no row");
		return;
	}
	r = chk_pgsql_eval(&c->conf.u.pgsql, p->rec, p->lag, p->tli, &c->st, why, sizeof(why));
	chk_done(c, r, "%s", why);
}

static void pg_io(struct chk *c, int fd, uint32_t events)
{
	struct pgsql_priv *p = c->priv;

	if (p->phase == PG_CONNECTING)
		pg_connect_step(c);
	else if (p->phase == PG_QUERY)
		pg_query_step(c, events);
}

static void pg_timeout(struct chk *c, char *why, size_t len)
{
	struct pgsql_priv *p = c->priv;

	snprintf(why, len, "%s", p->phase == PG_CONNECTING ? "connecting" : "waiting for the query");
	pg_release(c);
}

const struct chk_ops chk_pgsql_ops = {
	.priv_size = sizeof(struct pgsql_priv),
	.start = pg_start,
	.io = pg_io,
	.timeout = pg_timeout,
	.cancel = pg_release,
};
