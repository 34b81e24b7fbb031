/* chk_engine.c - schedules the checkers on the loop: a jittered first run,
 * then one run per interval (counted from the previous due time, so
 * neither a slow answer nor a late wake-up stretches the period; a run
 * longer than the interval is followed at once by the next), started on
 * coarse slots (chk_slot()) so one wake-up starts several checks. One timer
 * per checker serves as the next start and as the run's timeout; results
 * go through chk_fsm_step() and changes are reported to the owner.
 * Reload keeps the running object (state, streaks, even a run in flight) of
 * every checker whose definition is unchanged (conf_checker_equal), as
 * keepalived's checkers `compare`/`migrate` do. */
#include "checkers/chk_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/log.h"

#ifndef P_PIDFD
#define P_PIDFD 3 /* waitid() on a pidfd, Linux >= 5.4; glibc 2.36 lacks it */
#endif

struct chk_orphan {
	struct chk_orphan *next;
	struct chk_engine *e;
	int pidfd;
};

struct chk_engine {
	struct loop *l;
	struct chk_orphan *orphans;
	struct chk **v;
	size_t n;
	chk_cb on_change, on_result;
	void *change_arg, *result_arg;
	uint64_t rng;
};

static const struct chk_ops *const type_ops[CONF_CHK_NTYPES] = {
	[CONF_CHK_TCP] = &chk_tcp_ops, [CONF_CHK_HTTP] = &chk_http_ops,
	[CONF_CHK_HAPROXY] = &chk_haproxy_ops, [CONF_CHK_PGSQL] = &chk_pgsql_ops,
	[CONF_CHK_SCRIPT] = &chk_script_ops,
};

struct loop *chk_loop(const struct chk *c)
{
	return c->e->l;
}

/* xorshift64*: jitter needs spread, not secrecy. */
static uint64_t engine_rand(struct chk_engine *e)
{
	e->rng ^= e->rng >> 12;
	e->rng ^= e->rng << 25;
	e->rng ^= e->rng >> 27;
	return e->rng * 2685821657736338717ULL;
}

static void chk_fd_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct chk *c = arg;

	if (c->running)
		c->ops->io(c, fd, events);
}

int chk_watch(struct chk *c, int fd, uint32_t events)
{
	return loop_add_fd(c->e->l, fd, events, chk_fd_cb, c);
}

int chk_rewatch(struct chk *c, int fd, uint32_t events)
{
	return loop_mod_fd(c->e->l, fd, events);
}

void chk_unwatch(struct chk *c, int fd)
{
	loop_del_fd(c->e->l, fd);
}

static void orphan_free(struct chk_orphan *o)
{
	struct chk_orphan **pp;

	for (pp = &o->e->orphans; *pp && *pp != o; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = o->next;
	loop_del_fd(o->e->l, o->pidfd);
	close(o->pidfd);
	free(o);
}

static void orphan_reap(struct loop *l, int fd, uint32_t events, void *arg)
{
	siginfo_t si = { 0 };

	if (waitid((idtype_t)P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0)
		return;
	orphan_free(arg);
}

int chk_orphan_add(struct chk *c, int pidfd)
{
	struct chk_orphan *o = calloc(1, sizeof(*o));

	if (!o)
		return -1;
	o->e = c->e;
	o->pidfd = pidfd;
	if (loop_add_fd(c->e->l, pidfd, EPOLLIN, orphan_reap, o) < 0) {
		free(o);
		return -1;
	}
	o->next = c->e->orphans;
	c->e->orphans = o;
	return 0;
}

static void chk_start(struct chk *c)
{
	c->running = true;
	c->started_ms = clock_now_ms();
	/* the timer now stands for the timeout; chk_done() re-keys it to the
	 * next start (one heap fix instead of a cancel and an insert) */
	loop_timer_arm(c->e->l, &c->timer, c->started_ms + c->conf.timeout_ms);
	c->ops->start(c); /* may end the run at once */
}

static void chk_timeout(struct chk *c)
{
	char why[CHK_REASON_MAX] = "";

	c->ops->timeout(c, why, sizeof(why));
	chk_done(c, CHK_TIMEOUT, "no answer within %u ms%s%s", c->conf.timeout_ms,
		 why[0] ? ": " : "", why);
}

static void chk_tick(struct loop *l, struct loop_timer *t, void *arg)
{
	struct chk *c = arg;

	if (c->running)
		chk_timeout(c);
	else
		chk_start(c);
}

/* Arm the start of the run due at due (see chk_slot()). */
static void chk_schedule(struct chk *c, uint64_t due)
{
	c->due_ms = due;
	loop_timer_arm(c->e->l, &c->timer, chk_slot_round(due, chk_slot(c->conf.interval_ms)));
}

static void log_change(const struct chk *c, enum chk_result old)
{
	const struct chk_state *st = &c->st;

	if (st->type == CONF_CHK_PGSQL)
		log_notice("check %s: %s -> %s (%s; role %s)", st->name, chk_result_str(old),
			   chk_result_str(st->state), st->reason, chk_role_str(st->role));
	else
		log_notice("check %s: %s -> %s (%s)", st->name, chk_result_str(old),
			   chk_result_str(st->state), st->reason);
}

static void chk_record(struct chk *c, enum chk_result r, uint64_t now, enum chk_role role0)
{
	struct chk_engine *e = c->e;
	enum chk_result old = c->fsm.state;
	bool changed = chk_fsm_step(&c->fsm, r, c->conf.rise, c->conf.fall);

	c->st.last = r;
	c->st.state = c->fsm.state;
	c->st.streak = c->fsm.streak;
	c->st.runs++;
	c->st.failures += r != CHK_UP;
	c->st.last_ms = now;
	c->st.last_duration_ms = (uint32_t)(now - c->started_ms);
	if (changed) {
		c->st.since_ms = now;
		c->st.changes++;
		log_change(c, old);
	} else if (r != CHK_UP) {
		log_debug("check %s: %s (%s), state %s", c->st.name, chk_result_str(r),
			  c->st.reason, chk_result_str(c->st.state));
	}
	if (e->on_result)
		e->on_result(&c->st, e->result_arg);
	if ((changed || c->st.role != role0) && e->on_change)
		e->on_change(&c->st, e->change_arg);
}

void chk_done(struct chk *c, enum chk_result r, const char *fmt, ...)
{
	enum chk_role role0 = c->st.role;
	uint64_t now = clock_now_ms();
	va_list ap;

	if (!c->running)
		return;
	c->running = false;
	va_start(ap, fmt);
	vsnprintf(c->st.reason, sizeof(c->st.reason), fmt, ap);
	va_end(ap);
	/* reason="..." in key=value lines: libpq quotes addresses */
	for (char *q = c->st.reason; (q = strchr(q, '"'));)
		*q = '\'';
	chk_schedule(c, chk_next_due(c->due_ms, c->conf.interval_ms, now));
	chk_record(c, r, now, role0);
}

/* Script checkers run as a user looked up once here, not in the child
 * (getpwnam is not async-signal-safe). */
static int chk_resolve_user(struct chk *c)
{
	const struct passwd *pw;

	if (c->conf.type != CONF_CHK_SCRIPT || !c->conf.u.script.user[0])
		return 0;
	pw = getpwnam(c->conf.u.script.user);
	if (!pw) {
		log_warnx("check %s: user '%s' not found", c->conf.name, c->conf.u.script.user);
		return -1;
	}
	c->uid = pw->pw_uid;
	c->gid = pw->pw_gid;
	c->drop_privs = true;
	return 0;
}

static struct chk *chk_new(struct chk_engine *e, const struct conf_checker *k)
{
	struct chk *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->e = e;
	c->ops = type_ops[k->type];
	if (conf_checker_copy(&c->conf, k) < 0 || chk_resolve_user(c) < 0 ||
	    (c->ops->priv_size && !(c->priv = calloc(1, c->ops->priv_size)))) {
		conf_checker_free(&c->conf);
		free(c);
		return NULL;
	}
	c->st.name = c->conf.name;
	c->st.type = k->type;
	loop_timer_init(&c->timer, chk_tick, c);
	return c;
}

static void chk_arm_first(struct chk *c)
{
	uint64_t now = clock_now_ms();

	c->st.since_ms = now;
	chk_schedule(c, now + chk_jitter(c->conf.interval_ms, engine_rand(c->e)));
}

static void chk_free(struct chk *c)
{
	if (c->running)
		c->ops->cancel(c);
	c->running = false;
	loop_timer_cancel(c->e->l, &c->timer);
	conf_checker_free(&c->conf);
	free(c->priv);
	free(c);
}

struct chk_engine *chk_engine_new(struct loop *l, const struct conf *c, chk_cb on_change,
				  void *arg)
{
	struct chk_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->l = l;
	e->on_change = on_change;
	e->change_arg = arg;
	if (getrandom(&e->rng, sizeof(e->rng), GRND_NONBLOCK) != sizeof(e->rng))
		e->rng = clock_now_ms() ^ ((uint64_t)getpid() << 32);
	e->rng |= 1; /* xorshift must not start at 0 */
	if (chk_engine_reload(e, c) < 0) {
		free(e);
		return NULL;
	}
	return e;
}

static struct chk *take_same(struct chk_engine *e, const struct conf_checker *k)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		struct chk *c = e->v[i];

		if (c && conf_checker_equal(&c->conf, k)) {
			e->v[i] = NULL;
			c->conf.pos = k->pos;
			return c;
		}
	}
	return NULL;
}

/* All or nothing: new objects are made before the old ones go. */
int chk_engine_reload(struct chk_engine *e, const struct conf *c)
{
	size_t i, n = c && c->checkers ? c->checkers->n : 0;
	struct chk **v = calloc(n ? n : 1, sizeof(*v));
	bool *fresh = calloc(n ? n : 1, sizeof(*fresh));

	for (i = 0; v && fresh && i < n; i++) {
		const struct conf_checker *k = &c->checkers->list[i];
		struct chk *same = NULL;

		for (size_t j = 0; j < e->n && !same; j++)
			if (e->v[j] && conf_checker_equal(&e->v[j]->conf, k))
				same = e->v[j];
		if (same)
			continue;
		fresh[i] = true;
		if (!(v[i] = chk_new(e, k)))
			break;
	}
	if (!v || !fresh || i < n) {
		for (i = 0; v && fresh && i < n; i++)
			if (fresh[i] && v[i])
				chk_free(v[i]);
		free(v);
		free(fresh);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!fresh[i])
			v[i] = take_same(e, &c->checkers->list[i]);
	for (i = 0; i < e->n; i++)
		if (e->v[i])
			chk_free(e->v[i]);
	free(e->v);
	e->v = v;
	e->n = n;
	for (i = 0; i < n; i++)
		if (fresh[i])
			chk_arm_first(v[i]);
	free(fresh);
	return 0;
}

void chk_engine_free(struct chk_engine *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->n; i++)
		chk_free(e->v[i]);
	/* killed children still dying: one last non-blocking reap, then they
	 * are the process's (zombies at worst until it exits) */
	while (e->orphans) {
		siginfo_t si;

		waitid((idtype_t)P_PIDFD, (id_t)e->orphans->pidfd, &si, WEXITED | WNOHANG);
		orphan_free(e->orphans);
	}
	free(e->v);
	free(e);
}

void chk_engine_set_on_result(struct chk_engine *e, chk_cb on_result, void *arg)
{
	e->on_result = on_result;
	e->result_arg = arg;
}

size_t chk_engine_count(const struct chk_engine *e)
{
	return e->n;
}

const struct chk_state *chk_engine_state(const struct chk_engine *e, size_t i)
{
	return i < e->n ? &e->v[i]->st : NULL;
}

const struct chk_state *chk_engine_find(const struct chk_engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->v[i]->conf.name, name))
			return &e->v[i]->st;
	return NULL;
}
