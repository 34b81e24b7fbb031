/* loop.c - single-threaded event loop after redis ae.c: epoll for fds, a
 * binary heap for timers (ae.c keeps a list and admits it is O(n)), and a
 * signalfd so signals arrive as ordinary events instead of in handlers. */
#include "daemon/loop.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"

#define LOOP_MAX_EVENTS 64

/* One slot per fd number. gen changes on every registration so an event
 * queued for a closed fd is never delivered to a new owner of the number. */
struct loop_fd {
	loop_fd_cb cb; /* NULL: slot unused */
	void *arg;
	uint32_t gen;
};

struct loop {
	int epfd;
	struct loop_fd *fds;
	size_t nfds;
	uint32_t next_gen;
	struct timerheap timers;
	uint64_t now;
	bool stop;

	int sigfd;
	sigset_t sigmask;
	loop_signal_cb sig_cb;
	void *sig_arg;
};

uint64_t clock_now_ms(void)
{
	struct timespec ts;

	/* Floor to whole ms: see the timeout comment in loop_timeout(). */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	th_init(&l->timers);
	l->now = clock_now_ms();
	return l;
}

/* Registered fds belong to their owners and stay open. Signals stay
 * blocked: unblocking would deliver pending ones with default actions. */
void loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	if (l->sigfd >= 0)
		close(l->sigfd);
	close(l->epfd);
	th_free(&l->timers);
	free(l->fds);
	free(l);
}

static struct loop_fd *loop_fd_get(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || l->fds[fd].cb == NULL)
		return NULL;
	return &l->fds[fd];
}

static int loop_fd_reserve(struct loop *l, int fd)
{
	size_t n = l->nfds ? l->nfds : 16;
	struct loop_fd *v;

	if ((size_t)fd < l->nfds)
		return 0;
	while (n <= (size_t)fd)
		n *= 2;
	v = realloc(l->fds, n * sizeof(*v));
	if (v == NULL)
		return -1;
	memset(v + l->nfds, 0, (n - l->nfds) * sizeof(*v));
	l->fds = v;
	l->nfds = n;
	return 0;
}

static uint64_t loop_fd_key(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	uint32_t gen = l->next_gen++;

	if (fd < 0 || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (loop_fd_get(l, fd) != NULL) {
		errno = EEXIST;
		return -1;
	}
	if (loop_fd_reserve(l, fd) < 0)
		return -1;
	ev.data.u64 = loop_fd_key(fd, gen);
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	l->fds[fd] = (struct loop_fd){ .cb = cb, .arg = arg, .gen = gen };
	return 0;
}

int loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	struct loop_fd *r = loop_fd_get(l, fd);
	struct epoll_event ev = { .events = events };

	if (r == NULL) {
		errno = ENOENT;
		return -1;
	}
	ev.data.u64 = loop_fd_key(fd, r->gen);
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void loop_del_fd(struct loop *l, int fd)
{
	struct loop_fd *r = loop_fd_get(l, fd);

	if (r == NULL)
		return;
	/* Fails with EBADF if the owner closed fd first; the kernel already
	 * dropped it then, so the error is of no interest. */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	*r = (struct loop_fd){ 0 };
}

void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg)
{
	th_node_init(&t->node);
	t->cb = cb;
	t->arg = arg;
}

void loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t when_ms)
{
	/* A silently lost timer would freeze a VRRP instance: better to die. */
	if (th_set(&l->timers, &t->node, when_ms) < 0)
		fatal("loop_timer_arm");
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	th_remove(&l->timers, &t->node);
}

bool loop_timer_armed(const struct loop_timer *t)
{
	return th_queued(&t->node);
}

static void loop_signal_read(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	/* Non-blocking: drain every queued signal, stop at EAGAIN. */
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (l->sig_cb != NULL)
			l->sig_cb(l, (int)si.ssi_signo, l->sig_arg);
	}
}

int loop_signals(struct loop *l, const int *sigs, loop_signal_cb cb, void *arg)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (const int *s = sigs; *s != 0; s++) {
		if (sigaddset(&set, *s) < 0)
			return -1;
		sigaddset(&l->sigmask, *s);
	}
	/* signalfd only sees signals that are blocked, else they are handled
	 * (or kill us) the usual way. Children inherit this mask: whoever
	 * fork()s must unblock before exec(). */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	/* Passing the existing fd widens its mask instead of making a new one. */
	fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	l->sig_cb = cb;
	l->sig_arg = arg;
	if (l->sigfd >= 0)
		return 0;
	if (loop_add_fd(l, fd, EPOLLIN, loop_signal_read, NULL) < 0) {
		close(fd);
		return -1;
	}
	l->sigfd = fd;
	return 0;
}

uint64_t loop_now(const struct loop *l)
{
	return l->now;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

/* epoll_wait() timeout in ms for the earliest timer, -1 if none.
 *
 * epoll_wait's timeout is in whole ms and the kernel may round it (up, by
 * timer slack). A timer is due when when <= now. The clock is floored to
 * ms, so the real time is in [now, now + 1) and when - now is already the
 * CEILING of the real time left: after sleeping that long the clock reads
 * >= when and the timer fires. A floor (e.g. from a ns clock: 0.4 ms left
 * -> 0) would make the loop busy-spin until the deadline's millisecond.
 * The clock is read afresh because callbacks may have taken a while. */
static int loop_timeout(struct loop *l)
{
	struct th_node *first = th_peek(&l->timers);
	uint64_t now;

	if (first == NULL)
		return -1;
	now = clock_now_ms();
	if (first->when <= now)
		return 0;
	if (first->when - now > INT_MAX)
		return INT_MAX;
	return (int)(first->when - now);
}

static void loop_dispatch_fds(struct loop *l, const struct epoll_event *ev, int n)
{
	for (int i = 0; i < n; i++) {
		int fd = (int)(uint32_t)ev[i].data.u64;
		uint32_t gen = (uint32_t)(ev[i].data.u64 >> 32);
		/* Looked up again each time: an earlier callback may have
		 * deleted (or replaced) this registration. */
		struct loop_fd *r = loop_fd_get(l, fd);

		if (r == NULL || r->gen != gen)
			continue;
		r->cb(l, fd, ev[i].events, r->arg);
	}
}

/* Run the timers due at l->now, one pop at a time so callbacks may arm or
 * cancel any timer. Timers (re)armed during this pass get a seq >= start
 * and wait for the next iteration: a callback re-arming itself for "now"
 * then cannot starve fds. That next iteration polls with timeout 0. */
static void loop_run_timers(struct loop *l)
{
	uint64_t start = l->timers.next_seq;
	struct th_node *n;

	while ((n = th_peek(&l->timers)) != NULL && n->seq < start &&
	       (n = th_pop_due(&l->timers, l->now)) != NULL) {
		struct loop_timer *t = (struct loop_timer *)((char *)n -
			offsetof(struct loop_timer, node));

		t->cb(l, t, t->arg);
	}
}

int loop_run(struct loop *l)
{
	struct epoll_event ev[LOOP_MAX_EVENTS];
	int n, rc = 0;

	while (!l->stop) {
		n = epoll_wait(l->epfd, ev, LOOP_MAX_EVENTS, loop_timeout(l));
		if (n < 0 && errno != EINTR) {
			log_warn("epoll_wait");
			rc = -1;
			break;
		}
		l->now = clock_now_ms();
		if (n > 0)
			loop_dispatch_fds(l, ev, n);
		loop_run_timers(l);
	}
	/* Reset so the loop can be run again; a stop requested before
	 * loop_run() was still honoured above. */
	l->stop = false;
	return rc;
}
