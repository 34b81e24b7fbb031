/* chk_priv.h - between the engine (chk_engine.c) and the checker types
 * (chk_tcp.c, chk_http.c, chk_haproxy.c, chk_pgsql.c, chk_script.c).
 *
 * A run: the engine calls ops->start; the type registers its fds with
 * chk_watch() and gets ops->io for each event; it ends the run by releasing
 * everything and then calling chk_done() (possibly from start itself). If
 * timeout_ms passes first the engine calls ops->timeout (release, and say
 * in `why` what was still pending), then records TIMEOUT. ops->cancel
 * releases a run without a result (reload, shutdown). */
#ifndef TANDEM_CHK_PRIV_H
#define TANDEM_CHK_PRIV_H

#include <sys/socket.h>
#include <sys/types.h>

#include "checkers/chk.h"

struct chk;

struct chk_ops {
	size_t priv_size;                 /* zeroed per checker, freed with it */
	void (*start)(struct chk *c);
	void (*io)(struct chk *c, int fd, uint32_t events);
	void (*timeout)(struct chk *c, char *why, size_t len);
	void (*cancel)(struct chk *c);
};

extern const struct chk_ops chk_tcp_ops, chk_http_ops, chk_haproxy_ops, chk_pgsql_ops,
	chk_script_ops;

struct chk {
	struct chk_engine *e;
	struct conf_checker conf;         /* own deep copy */
	struct chk_state st;
	struct chk_fsm fsm;
	const struct chk_ops *ops;
	void *priv;
	bool running;
	uint64_t started_ms;
	uint64_t due_ms;      /* this (or the next) run's due time, before slot rounding */
	/* One timer: the next start while idle, the timeout while running
	 * (a run ends before the next starts). */
	struct loop_timer timer;
	uid_t uid;                        /* script: resolved at (re)load */
	gid_t gid;
	bool drop_privs;
};

struct loop *chk_loop(const struct chk *c);
int chk_watch(struct chk *c, int fd, uint32_t events);
int chk_rewatch(struct chk *c, int fd, uint32_t events);
/* Before or after close(fd): closing first lets the kernel drop the epoll
 * registration with the file (the loop's epoll_ctl then fails, harmlessly,
 * with EBADF; loop.c keys events by fd and generation, so an event still
 * queued for the old fd never reaches a new owner of the number). */
void chk_unwatch(struct chk *c, int fd);

/* A child killed on timeout, handed over with its pidfd (taken): reaped
 * on the loop whenever it dies, so the next run never waits for it.
 * 0, or -1 (ENOMEM: the caller reaps it itself). */
int chk_orphan_add(struct chk *c, int pidfd);

/* Ends the current run (no-op if none). The type has released its run. */
__attribute__((format(printf, 3, 4)))
void chk_done(struct chk *c, enum chk_result r, const char *fmt, ...);

/* Non-blocking, close-on-exec connect to a + port. Returns the fd (the
 * connection may be in progress: wait for EPOLLOUT, then chk_sock_error()),
 * or -1 with errno. */
int chk_connect_inet(const struct addr *a, uint32_t port);
int chk_connect_unix(const char *path);
/* Start a run's TCP connect and watch it for events (EPOLLOUT at least);
 * on failure the run is ended with chk_done() (refused = DOWN, else ERROR)
 * and -1 returned. */
int chk_start_connect(struct chk *c, const struct addr *a, uint32_t port, uint32_t events);
int chk_sock_error(int fd);  /* SO_ERROR: 0 or an errno */
/* The outcome of a connect from the events epoll reported: -1 still in
 * progress, 0 connected, else the errno. tcp_poll() reports neither
 * EPOLLOUT nor EPOLLERR while SYN_SENT, so EPOLLOUT alone means connected
 * and SO_ERROR is read only on errors (a system call less per check). */
int chk_connect_done(int fd, uint32_t events);
/* DOWN for a refused connection (the service said no), ERROR otherwise. */
enum chk_result chk_connect_result(int err);
/* Close without TIME_WAIT on our side (RST): thousands of checks a second
 * would otherwise exhaust local ports. */
void chk_close_rst(int fd);

#endif
