/* chk_tcp.c - non-blocking connect helpers shared by the socket checkers,
 * and the TCP checker itself: UP once the three-way handshake completes. */
#include "checkers/chk_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

int chk_connect_inet(const struct addr *a, uint32_t port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd;

	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sin->sin_addr = a->u.v4;
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sin6->sin6_addr = a->u.v6;
		len = sizeof(*sin6);
	}
	fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* A UNIX stream connect does not return EINPROGRESS: it succeeds or fails
 * at once (EAGAIN when the listener's backlog is full). */
int chk_start_connect(struct chk *c, const struct addr *a, uint32_t port, uint32_t events)
{
	int fd = chk_connect_inet(a, port), err;

	if (fd < 0) {
		err = errno;
		chk_done(c, chk_connect_result(err), "connect: %s", strerror(err));
		return -1;
	}
	if (chk_watch(c, fd, events) < 0) {
		err = errno;
		close(fd);
		chk_done(c, CHK_ERROR, "epoll: %s", strerror(err));
		return -1;
	}
	return fd;
}

int chk_connect_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 && errno != EINPROGRESS) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int chk_sock_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

int chk_connect_done(int fd, uint32_t events)
{
	if (events & (EPOLLERR | EPOLLHUP))
		return chk_sock_error(fd);
	return events & EPOLLOUT ? 0 : -1;
}

enum chk_result chk_connect_result(int err)
{
	return err == ECONNREFUSED ? CHK_DOWN : CHK_ERROR;
}

void chk_close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* ---- the TCP checker ---- */

struct tcp_priv {
	int fd;
};

/* We end first: RST, no TIME_WAIT here (chk_close_rst). */
static void tcp_release(struct chk *c)
{
	struct tcp_priv *p = c->priv;

	if (p->fd >= 0) {
		chk_close_rst(p->fd);
		chk_unwatch(c, p->fd); /* after close: see chk_unwatch() */
	}
	p->fd = -1;
}

static void tcp_start(struct chk *c)
{
	struct tcp_priv *p = c->priv;

	p->fd = chk_start_connect(c, &c->conf.u.tcp.address, c->conf.u.tcp.port, EPOLLOUT);
}

static void tcp_io(struct chk *c, int fd, uint32_t events)
{
	int err = chk_connect_done(fd, events);

	if (err < 0)
		return;
	tcp_release(c);
	if (err)
		chk_done(c, chk_connect_result(err), "connect: %s", strerror(err));
	else
		chk_done(c, CHK_UP, "connected");
}

static void tcp_timeout(struct chk *c, char *why, size_t len)
{
	tcp_release(c);
	snprintf(why, len, "connecting");
}

const struct chk_ops chk_tcp_ops = {
	.priv_size = sizeof(struct tcp_priv),
	.start = tcp_start,
	.io = tcp_io,
	.timeout = tcp_timeout,
	.cancel = tcp_release,
};
