/* control.c - UNIX stream control socket on the event loop. Requests and
 * replies are small; reading and writing never block the loop. */
#include "daemon/control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/loop.h"

#define CTL_LINE_MAX 1024

struct control {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler handler;
	void *arg;
};

struct conn {
	struct control *ctl;
	int fd;
	char in[CTL_LINE_MAX];
	size_t inlen;
	struct ctl_reply out;
	size_t sent;
};

void ctl_printf(struct ctl_reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = r->cap - r->len;

		va_start(ap, fmt);
		n = vsnprintf(r->buf ? r->buf + r->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			r->len += (size_t)n;
			return;
		}
		size_t cap = (r->cap ? r->cap * 2 : 1024) + (size_t)n;
		char *p = realloc(r->buf, cap);
		if (!p) {
			r->failed = 1;
			return;
		}
		r->buf = p;
		r->cap = cap;
	}
}

static void conn_close(struct conn *c)
{
	loop_del_fd(c->ctl->loop, c->fd);
	close(c->fd);
	free(c->out.buf);
	free(c);
}

static void conn_write(struct conn *c)
{
	while (c->sent < c->out.len) {
		ssize_t n = send(c->fd, c->out.buf + c->sent, c->out.len - c->sent,
				 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN)
				return; /* EPOLLOUT will bring us back */
			break;
		}
		c->sent += (size_t)n;
	}
	conn_close(c);
}

static void conn_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct conn *c = arg;
	char *nl;
	ssize_t n;

	if (c->out.buf) {
		conn_write(c);
		return;
	}
	n = recv(fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen, 0);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	nl = strchr(c->in, '\n');
	if (!nl && c->inlen < sizeof(c->in) - 1)
		return; /* wait for the rest of the line */
	if (nl)
		*nl = '\0';
	if (nl > c->in && nl[-1] == '\r')
		nl[-1] = '\0';
	c->ctl->handler(c->in, &c->out, c->ctl->arg);
	if (!c->out.buf)
		ctl_printf(&c->out, "\n");
	loop_mod_fd(l, fd, EPOLLOUT);
	conn_write(c);
}

static void accept_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct control *ctl = arg;
	int cfd;

	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct conn *c = calloc(1, sizeof(*c));

		if (!c || loop_add_fd(l, cfd, EPOLLIN, conn_cb, c) < 0) {
			free(c);
			close(cfd);
			continue;
		}
		c->ctl = ctl;
		c->fd = cfd;
	}
}

/* A socket file left by a crashed run is removed; one that answers belongs
 * to a running daemon and is not ours to take. */
static int take_path(const struct sockaddr_un *sun, char *err, size_t errlen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0) {
		close(fd);
		snprintf(err, errlen, "%s: another tandemd is running", sun->sun_path);
		return -1;
	}
	close(fd);
	unlink(sun->sun_path);
	return 0;
}

static void make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
}

struct control *control_open(struct loop *l, const char *path, ctl_handler h,
			     void *arg, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *ctl;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	make_parent(path);
	if (take_path(&sun, err, errlen) < 0)
		return NULL;
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return NULL;
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0 || bind(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, 0660) < 0 || listen(ctl->fd, 16) < 0 ||
	    loop_add_fd(l, ctl->fd, EPOLLIN, accept_cb, ctl) < 0) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		if (ctl->fd >= 0)
			close(ctl->fd);
		free(ctl);
		return NULL;
	}
	ctl->loop = l;
	ctl->handler = h;
	ctl->arg = arg;
	memcpy(ctl->path, sun.sun_path, sizeof(ctl->path));
	return ctl;
}

void control_close(struct control *ctl)
{
	if (!ctl)
		return;
	loop_del_fd(ctl->loop, ctl->fd);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
}
