/* loop.h - the single-threaded event loop: epoll for fds, a timer heap on
 * CLOCK_MONOTONIC milliseconds, signalfd for signals (after redis ae.c). */
#ifndef TANDEM_LOOP_H
#define TANDEM_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "daemon/timerheap.h"

struct loop;
struct loop_timer;

typedef void (*loop_fd_cb)(struct loop *l, int fd, uint32_t events, void *arg);
typedef void (*loop_timer_cb)(struct loop *l, struct loop_timer *t, void *arg);
typedef void (*loop_signal_cb)(struct loop *l, int signo, void *arg);

/* Caller-owned; embed it in the object it belongs to. */
struct loop_timer {
	struct th_node node; /* first member: the loop casts back */
	loop_timer_cb cb;
	void *arg;
};

uint64_t clock_now_ms(void); /* CLOCK_MONOTONIC in ms */

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* events: EPOLLIN / EPOLLOUT ... Returns 0 or -1 with errno. */
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg);
int loop_mod_fd(struct loop *l, int fd, uint32_t events);
void loop_del_fd(struct loop *l, int fd);

void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg);
void loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t when_ms); /* absolute */
void loop_timer_cancel(struct loop *l, struct loop_timer *t);
bool loop_timer_armed(const struct loop_timer *t);

/* Block the given signals and deliver them through a signalfd on the loop.
 * sigs is terminated by 0. Returns 0 or -1. */
int loop_signals(struct loop *l, const int *sigs, loop_signal_cb cb, void *arg);

/* Time cached at the start of this iteration (after epoll_wait returned). */
uint64_t loop_now(const struct loop *l);

/* Run until loop_stop(). Returns 0, or -1 on an epoll error. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif
