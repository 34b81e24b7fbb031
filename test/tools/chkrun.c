/* chkrun - runs the checkers of a Tandem configuration on an event loop,
 * without VRRP, and prints what they find: the integration tests' driver
 * and a debugging tool ("does my checkers section do what I think?").
 *
 *   chkrun [-a] [-v] [-d SECONDS] CONFIG
 *
 * stdout, one line each, t = ms since start (CLOCK_MONOTONIC):
 *   t=1234 CHANGE name=web1 type=http state=UP last=UP ... reason="HTTP 200"
 *   t=1234 RESULT ...   (-a: every run, not only changes)
 *   t=5000 RELOAD ok    (SIGHUP re-reads CONFIG; "RELOAD failed: FILE:LINE: ...")
 *   t=9000 FINAL ...    (each checker's state at exit: SIGTERM/SIGINT or -d)
 * -v: the engine's debug log on stderr. Exit 0, or 1 if CONFIG is bad. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/chk.h"
#include "conf/conf.h"
#include "daemon/log.h"
#include "daemon/loop.h"

struct run {
	const char *path;
	struct loop *l;
	struct chk_engine *e;
	struct conf conf;
	uint64_t t0;
	struct loop_timer stop_timer;
};

static void print_state(const struct run *r, const char *what, const struct chk_state *st)
{
	char buf[512];

	printf("t=%" PRIu64 " %s %s\n", clock_now_ms() - r->t0, what,
	       chk_state_fmt(st, buf, sizeof(buf)));
	fflush(stdout);
}

static void on_change(const struct chk_state *st, void *arg)
{
	print_state(arg, "CHANGE", st);
}

static void on_result(const struct chk_state *st, void *arg)
{
	print_state(arg, "RESULT", st);
}

static void reload(struct run *r)
{
	struct conf c;
	char err[CONF_ERR_MAX];

	if (conf_read(r->path, &c, err, sizeof(err)) < 0) {
		printf("t=%" PRIu64 " RELOAD failed: %s\n", clock_now_ms() - r->t0, err);
	} else if (chk_engine_reload(r->e, &c) < 0) {
		printf("t=%" PRIu64 " RELOAD failed: out of memory\n", clock_now_ms() - r->t0);
		conf_free(&c);
	} else {
		conf_free(&r->conf);
		r->conf = c;
		printf("t=%" PRIu64 " RELOAD ok\n", clock_now_ms() - r->t0);
	}
	fflush(stdout);
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	if (signo == SIGHUP)
		reload(arg);
	else
		loop_stop(l);
}

static void on_stop_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	loop_stop(l);
}

static int usage(void)
{
	fprintf(stderr, "usage: chkrun [-a] [-v] [-d SECONDS] CONFIG\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, 0 };
	struct run r = { 0 };
	char err[CONF_ERR_MAX];
	bool all = false, verbose = false;
	double duration = 0;
	int opt;

	while ((opt = getopt(argc, argv, "avd:")) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'v')
			verbose = true;
		else if (opt == 'd')
			duration = atof(optarg);
		else
			return usage();
	}
	if (optind != argc - 1)
		return usage();
	r.path = argv[optind];
	log_init("chkrun", verbose ? LOG_DEBUG : LOG_NOTICE, true, false);
	if (conf_read(r.path, &r.conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	r.l = loop_new();
	if (!r.l || loop_signals(r.l, sigs, on_signal, &r) < 0)
		fatal("loop");
	r.t0 = clock_now_ms();
	r.e = chk_engine_new(r.l, &r.conf, on_change, &r);
	if (!r.e)
		fatal("chk_engine_new");
	if (all)
		chk_engine_set_on_result(r.e, on_result, &r);
	loop_timer_init(&r.stop_timer, on_stop_timer, &r);
	if (duration > 0)
		loop_timer_arm(r.l, &r.stop_timer, r.t0 + (uint64_t)(duration * 1000));
	printf("t=0 START checkers=%zu\n", chk_engine_count(r.e));
	fflush(stdout);
	if (loop_run(r.l) < 0)
		fatal("loop_run");
	for (size_t i = 0; i < chk_engine_count(r.e); i++)
		print_state(&r, "FINAL", chk_engine_state(r.e, i));
	chk_engine_free(r.e);
	loop_timer_cancel(r.l, &r.stop_timer);
	loop_free(r.l);
	conf_free(&r.conf);
	return 0;
}
