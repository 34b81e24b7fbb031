/* test_loop.c - the real event loop: pipes, timers, signals.
 * Timing asserts are one-sided (fired >= deadline): CI machines stall. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "daemon/loop.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A loop that never stops would hang the suite: SIGALRM's default action
 * kills the test binary, which the harness reports as a failure. */
static int setup(void **state)
{
	struct loop *l = loop_new();

	if (l == NULL)
		return -1;
	*state = l;
	alarm(10);
	return 0;
}

static int teardown(void **state)
{
	alarm(0);
	loop_free(*state);
	return 0;
}

static void make_pipe(int p[2])
{
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
}

static void close_pipe(int p[2])
{
	close(p[0]);
	close(p[1]);
}

static void stop_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	loop_stop(l);
}

/* Arms t to stop the loop after ms. */
static void arm_stop(struct loop *l, struct loop_timer *t, uint64_t ms)
{
	loop_timer_init(t, stop_cb, NULL);
	loop_timer_arm(l, t, loop_now(l) + ms);
}

static void test_clock(void **state)
{
	struct loop *l = *state;
	uint64_t a = clock_now_ms(), b = clock_now_ms();

	assert_true(b >= a);
	assert_true(loop_now(l) <= a);
	assert_true(loop_now(l) > 0);
}

/* ---- fds ---- */

struct fd_rec {
	int calls;
	uint32_t events;
	char byte;
};

static void read_stop_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct fd_rec *r = arg;

	r->calls++;
	r->events = events;
	assert_int_equal(read(fd, &r->byte, 1), 1);
	loop_stop(l);
}

static void test_fd_callback_fires(void **state)
{
	struct loop *l = *state;
	struct fd_rec rec = { 0 };
	int p[2];

	make_pipe(p);
	assert_int_equal(loop_add_fd(l, p[0], EPOLLIN, read_stop_cb, &rec), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(rec.calls, 1);
	assert_true(rec.events & EPOLLIN);
	assert_int_equal(rec.byte, 'x');
	loop_del_fd(l, p[0]);
	close_pipe(p);
}

static void test_fd_errors(void **state)
{
	struct loop *l = *state;
	struct fd_rec rec = { 0 };
	int p[2];

	make_pipe(p);
	assert_int_equal(loop_add_fd(l, p[0], EPOLLIN, read_stop_cb, &rec), 0);
	errno = 0;
	assert_int_equal(loop_add_fd(l, p[0], EPOLLIN, read_stop_cb, &rec), -1);
	assert_int_equal(errno, EEXIST);
	errno = 0;
	assert_int_equal(loop_mod_fd(l, p[1], EPOLLOUT), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(loop_add_fd(l, -1, EPOLLIN, read_stop_cb, &rec), -1);
	loop_del_fd(l, p[0]);
	loop_del_fd(l, p[0]); /* deleting twice is harmless */
	close_pipe(p);
}

static void count_stop_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	(*(int *)arg)++;
	loop_stop(l);
}

/* A write end is always writable: it fires only once asked for EPOLLOUT. */
static void test_fd_mod(void **state)
{
	struct loop *l = *state;
	struct loop_timer stop;
	int calls = 0;
	int p[2];

	make_pipe(p);
	assert_int_equal(loop_add_fd(l, p[1], EPOLLIN, count_stop_cb, &calls), 0);
	arm_stop(l, &stop, 30);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(calls, 0);

	assert_int_equal(loop_mod_fd(l, p[1], EPOLLOUT), 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(calls, 1);
	loop_timer_cancel(l, &stop);
	loop_del_fd(l, p[1]);
	close_pipe(p);
}

/* Two readable pipes; whichever callback runs first deletes both fds, so
 * the other's event, already returned by the same epoll_wait, must be
 * skipped. Level-triggered: a registration that survived would fire again. */
struct del_ctx {
	int a[2], b[2];
	int calls;
};

static void del_both_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct del_ctx *c = arg;

	c->calls++;
	loop_del_fd(l, fd); /* its own registration first */
	loop_del_fd(l, c->a[0]);
	loop_del_fd(l, c->b[0]);
}

static void test_fd_delete_in_callback(void **state)
{
	struct loop *l = *state;
	struct loop_timer stop;
	struct del_ctx c = { .calls = 0 };

	make_pipe(c.a);
	make_pipe(c.b);
	assert_int_equal(loop_add_fd(l, c.a[0], EPOLLIN, del_both_cb, &c), 0);
	assert_int_equal(loop_add_fd(l, c.b[0], EPOLLIN, del_both_cb, &c), 0);
	assert_int_equal(write(c.a[1], "a", 1), 1);
	assert_int_equal(write(c.b[1], "b", 1), 1);
	arm_stop(l, &stop, 50);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.calls, 1);
	close_pipe(c.a);
	close_pipe(c.b);
}

/* The first callback closes the other pipe and puts a fresh, empty pipe on
 * the same fd number. The stale event for the old fd must not reach the
 * new registration (which has nothing to read). */
struct reuse_ctx {
	int a[2], b[2];
	int *replaced; /* a or b: the pipe the first callback replaced */
	int first_calls, new_calls;
};

static void new_owner_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct reuse_ctx *c = arg;
	char byte;

	c->new_calls++;
	assert_int_equal(read(fd, &byte, 1), 1);
	loop_stop(l);
}

static void reuse_first_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct reuse_ctx *c = arg;
	int *other = fd == c->a[0] ? c->b : c->a;
	int fresh[2];

	c->first_calls++;
	c->replaced = other;
	loop_del_fd(l, fd);
	loop_del_fd(l, other[0]);
	/* dup2() closes the old pipe and reuses its numbers atomically. */
	make_pipe(fresh);
	assert_int_equal(dup2(fresh[0], other[0]), other[0]);
	assert_int_equal(dup2(fresh[1], other[1]), other[1]);
	close_pipe(fresh);
	assert_int_equal(loop_add_fd(l, other[0], EPOLLIN, new_owner_cb, c), 0);
}

static void test_fd_reuse_in_callback(void **state)
{
	struct loop *l = *state;
	struct loop_timer stop;
	struct reuse_ctx c = { .first_calls = 0 };

	make_pipe(c.a);
	make_pipe(c.b);
	assert_int_equal(loop_add_fd(l, c.a[0], EPOLLIN, reuse_first_cb, &c), 0);
	assert_int_equal(loop_add_fd(l, c.b[0], EPOLLIN, reuse_first_cb, &c), 0);
	assert_int_equal(write(c.a[1], "a", 1), 1);
	assert_int_equal(write(c.b[1], "b", 1), 1);
	arm_stop(l, &stop, 50);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.first_calls, 1);
	assert_int_equal(c.new_calls, 0);

	/* ... yet the new registration works once it has data. */
	assert_non_null(c.replaced);
	assert_int_equal(write(c.replaced[1], "n", 1), 1);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.new_calls, 1);
	loop_timer_cancel(l, &stop);
	loop_del_fd(l, c.replaced[0]);
	close_pipe(c.a);
	close_pipe(c.b);
}

/* ---- timers ---- */

#define MAX_FIRED 16

struct fire_log {
	int n;
	int order[MAX_FIRED];
	uint64_t deadline[MAX_FIRED];
	uint64_t fired[MAX_FIRED];    /* clock_now_ms() inside the callback */
	uint64_t loop_now[MAX_FIRED];
};

struct rec_timer {
	struct loop_timer t;
	struct fire_log *log;
	int id;
	uint64_t deadline;
	bool stop;
};

static void record(struct loop *l, struct rec_timer *r)
{
	struct fire_log *fl = r->log;

	assert_true(fl->n < MAX_FIRED);
	fl->order[fl->n] = r->id;
	fl->deadline[fl->n] = r->deadline;
	fl->fired[fl->n] = clock_now_ms();
	fl->loop_now[fl->n] = loop_now(l);
	fl->n++;
}

static void rec_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct rec_timer *r = arg;

	assert_false(loop_timer_armed(t));
	record(l, r);
	if (r->stop)
		loop_stop(l);
}

static void rec_arm(struct loop *l, struct rec_timer *r, struct fire_log *fl,
		    int id, uint64_t delay, bool stop)
{
	*r = (struct rec_timer){ .log = fl, .id = id, .stop = stop,
				 .deadline = loop_now(l) + delay };
	loop_timer_init(&r->t, rec_cb, r);
	loop_timer_arm(l, &r->t, r->deadline);
	assert_true(loop_timer_armed(&r->t));
}

static void assert_not_early(const struct fire_log *fl)
{
	for (int i = 0; i < fl->n; i++) {
		assert_true(fl->fired[i] >= fl->deadline[i]);
		assert_true(fl->loop_now[i] >= fl->deadline[i]);
	}
}

/* Armed out of order, with a tie at 20 ms (fires in arming order) and a
 * deadline already in the past. */
static void test_timers_in_order(void **state)
{
	static const struct { int id; uint64_t delay; } arm[] = {
		{ 4, 30 }, { 1, 10 }, { 2, 20 }, { 3, 20 }, { 0, 0 },
	};
	static const int expect[] = { 0, 1, 2, 3, 4 };
	struct loop *l = *state;
	struct rec_timer r[ARRAY_LEN(arm)];
	struct fire_log fl = { .n = 0 };

	for (size_t i = 0; i < ARRAY_LEN(arm); i++)
		rec_arm(l, &r[i], &fl, arm[i].id, arm[i].delay, arm[i].id == 4);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fl.n, ARRAY_LEN(expect));
	for (size_t i = 0; i < ARRAY_LEN(expect); i++)
		assert_int_equal(fl.order[i], expect[i]);
	assert_not_early(&fl);
}

/* Re-arming from the callback, and moving an armed timer. */
struct rearm_ctx {
	struct rec_timer r;
	int left;
};

static void rearm_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct rearm_ctx *c = arg;

	record(l, &c->r);
	if (--c->left == 0) {
		loop_stop(l);
		return;
	}
	c->r.deadline = loop_now(l) + 5;
	loop_timer_arm(l, t, c->r.deadline);
}

static void test_timer_rearms_itself(void **state)
{
	struct loop *l = *state;
	struct fire_log fl = { .n = 0 };
	struct rearm_ctx c = { .left = 5 };

	c.r = (struct rec_timer){ .log = &fl, .id = 7, .deadline = loop_now(l) + 5 };
	loop_timer_init(&c.r.t, rearm_cb, &c);
	loop_timer_arm(l, &c.r.t, c.r.deadline);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fl.n, 5);
	assert_false(loop_timer_armed(&c.r.t));
	/* Each deadline was the previous loop_now() + 5 (not clock_now_ms():
	 * the callback may run a little after loop_now() was cached). */
	for (int i = 1; i < fl.n; i++)
		assert_true(fl.loop_now[i] >= fl.loop_now[i - 1] + 5);
	assert_not_early(&fl);
}

static void test_timer_arm_moves(void **state)
{
	struct loop *l = *state;
	struct fire_log fl = { .n = 0 };
	struct rec_timer a, b;

	rec_arm(l, &a, &fl, 1, 10, false);
	rec_arm(l, &b, &fl, 2, 20, true);
	a.deadline = loop_now(l) + 40; /* moved past b: b stops the loop first */
	loop_timer_arm(l, &a.t, a.deadline);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fl.n, 1);
	assert_int_equal(fl.order[0], 2);
	assert_true(loop_timer_armed(&a.t));
	loop_timer_cancel(l, &a.t);
}

/* Cancel before running, and cancel from another timer due at the same
 * time (armed earlier, so it runs first). */
struct cancel_ctx {
	struct loop_timer *victim;
	int calls;
};

static void cancel_other_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct cancel_ctx *c = arg;

	c->calls++;
	loop_timer_cancel(l, c->victim);
	assert_false(loop_timer_armed(c->victim));
}

static void test_timer_cancel(void **state)
{
	struct loop *l = *state;
	struct fire_log fl = { .n = 0 };
	struct rec_timer early, victim, last;
	struct loop_timer killer;
	struct cancel_ctx c = { .victim = &victim.t };

	rec_arm(l, &early, &fl, 1, 5, false);
	loop_timer_cancel(l, &early.t);
	assert_false(loop_timer_armed(&early.t));
	loop_timer_cancel(l, &early.t); /* cancelling an idle timer is a no-op */

	loop_timer_init(&killer, cancel_other_cb, &c);
	loop_timer_arm(l, &killer, loop_now(l) + 10);
	rec_arm(l, &victim, &fl, 2, 10, false);
	rec_arm(l, &last, &fl, 3, 30, true);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(fl.n, 1);
	assert_int_equal(fl.order[0], 3);
}

/* loop_stop() from a timer returns from loop_run(); later timers stay
 * armed and do not run; a stop before loop_run() is honoured. */
static void test_stop_from_timer(void **state)
{
	struct loop *l = *state;
	struct fire_log fl = { .n = 0 };
	struct rec_timer stopper, later;

	rec_arm(l, &stopper, &fl, 1, 5, true);
	rec_arm(l, &later, &fl, 2, 60000, false);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fl.n, 1);
	assert_true(loop_timer_armed(&later.t));

	loop_stop(l);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fl.n, 1);
	loop_timer_cancel(l, &later.t);
}

static uint64_t cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Waiting for a timer must sleep in epoll_wait, not spin: a wrong timeout
 * (0, or in the wrong unit) would burn the whole 200 ms of CPU. CPU time
 * is ours alone, so a loaded machine does not make this flaky. */
static void test_timer_wait_does_not_spin(void **state)
{
	struct loop *l = *state;
	struct fire_log fl = { .n = 0 };
	struct rec_timer r;
	uint64_t cpu0 = cpu_ms();

	rec_arm(l, &r, &fl, 1, 200, true);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fl.n, 1);
	assert_not_early(&fl);
	assert_true(cpu_ms() - cpu0 < 100);
}

/* A timer that re-arms itself for "now" forever must not starve fds. */
static void rearm_now_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	(*(int *)arg)++;
	loop_timer_arm(l, t, loop_now(l));
}

static void test_timer_rearm_now_does_not_starve(void **state)
{
	struct loop *l = *state;
	struct loop_timer spin;
	int spins = 0, fd_calls = 0;
	int p[2];

	make_pipe(p);
	loop_timer_init(&spin, rearm_now_cb, &spins);
	loop_timer_arm(l, &spin, loop_now(l));
	assert_int_equal(loop_add_fd(l, p[0], EPOLLIN, count_stop_cb, &fd_calls), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fd_calls, 1);
	assert_true(spins >= 1);
	loop_timer_cancel(l, &spin);
	loop_del_fd(l, p[0]);
	close_pipe(p);
}

/* ---- signals ---- */

struct sig_ctx {
	int signo[4];
	int n;
};

static void sig_cb(struct loop *l, int signo, void *arg)
{
	struct sig_ctx *c = arg;

	if (c->n < (int)ARRAY_LEN(c->signo))
		c->signo[c->n++] = signo;
	loop_stop(l);
}

static void test_signals(void **state)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, 0 };
	struct loop *l = *state;
	struct sig_ctx c = { .n = 0 };
	sigset_t blocked;

	assert_int_equal(loop_signals(l, sigs, sig_cb, &c), 0);
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &blocked), 0);
	assert_true(sigismember(&blocked, SIGUSR1));
	assert_true(sigismember(&blocked, SIGUSR2));

	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.signo[0], SIGUSR1);

	assert_int_equal(raise(SIGUSR2), 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.signo[1], SIGUSR2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_callback_fires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_mod, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_delete_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_reuse_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timers_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_rearms_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_arm_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_from_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_wait_does_not_spin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_rearm_now_does_not_starve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
