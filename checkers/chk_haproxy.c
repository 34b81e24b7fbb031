/* chk_haproxy.c - the HAProxy checker: "show info;show stat" on the stats
 * socket (non-interactive mode: HAProxy answers and closes), the answer
 * fed line by line to chk_haproxy_parse.c. A missing socket (HAProxy not
 * running) or a refused connection is DOWN: the service we watch is gone. */
#include "checkers/chk_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checkers/chk_parse.h"

#define CHK_HAPROXY_LINE 8192   /* one CSV row; HAProxy 2.6 rows are ~400 bytes */

static const char haproxy_cmd[] = "show info;show stat\n";

struct haproxy_priv {
	int fd;
	size_t sent, len;
	struct chk_haproxy_parser parser;
	char line[CHK_HAPROXY_LINE];
};

static void haproxy_release(struct chk *c)
{
	struct haproxy_priv *p = c->priv;

	if (p->fd >= 0) {
		chk_unwatch(c, p->fd);
		close(p->fd);
	}
	p->fd = -1;
}

static void haproxy_fail(struct chk *c, const char *what, int err)
{
	bool gone = err == ENOENT || err == ECONNREFUSED;

	haproxy_release(c);
	chk_done(c, gone ? CHK_DOWN : CHK_ERROR, "%s %s: %s", what, c->conf.u.haproxy.socket,
		 strerror(err));
}

static void haproxy_start(struct chk *c)
{
	struct haproxy_priv *p = c->priv;
	const struct conf_chk_haproxy *h = &c->conf.u.haproxy;

	p->sent = p->len = 0;
	chk_haproxy_init(&p->parser, h->frontend, h->backend);
	p->fd = chk_connect_unix(h->socket);
	if (p->fd < 0) {
		haproxy_fail(c, "connect", errno);
		return;
	}
	if (chk_watch(c, p->fd, EPOLLOUT) < 0)
		haproxy_fail(c, "epoll", errno);
}

/* Splits what arrived into lines; the last, partial one stays in line[]. */
static void haproxy_feed(struct haproxy_priv *p, size_t n)
{
	char *start = p->line, *end = p->line + p->len + n, *nl;

	while ((nl = memchr(start, '\n', (size_t)(end - start)))) {
		chk_haproxy_line(&p->parser, start, (size_t)(nl - start));
		start = nl + 1;
	}
	p->len = (size_t)(end - start);
	memmove(p->line, start, p->len);
}

static void haproxy_recv(struct chk *c)
{
	struct haproxy_priv *p = c->priv;
	ssize_t n = read(p->fd, p->line + p->len, sizeof(p->line) - p->len);
	char why[CHK_REASON_MAX];
	enum chk_result r;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		haproxy_fail(c, "read", errno);
		return;
	}
	if (n > 0) {
		haproxy_feed(p, (size_t)n);
		if (p->len == sizeof(p->line)) {
			haproxy_release(c);
			chk_done(c, CHK_ERROR, "line longer than %d bytes", CHK_HAPROXY_LINE);
		}
		return;
	}
	if (p->len) /* a last line without '\n' */
		chk_haproxy_line(&p->parser, p->line, p->len);
	haproxy_release(c);
	r = chk_haproxy_eval(&c->conf.u.haproxy, &p->parser.st, why, sizeof(why));
	chk_done(c, r, "%s", why);
}

static void haproxy_io(struct chk *c, int fd, uint32_t events)
{
	struct haproxy_priv *p = c->priv;
	ssize_t n;

	if (p->sent == sizeof(haproxy_cmd) - 1) {
		haproxy_recv(c);
		return;
	}
	n = send(fd, haproxy_cmd + p->sent, sizeof(haproxy_cmd) - 1 - p->sent, MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		haproxy_fail(c, "send to", errno);
		return;
	}
	p->sent += (size_t)n;
	if (p->sent == sizeof(haproxy_cmd) - 1)
		chk_rewatch(c, fd, EPOLLIN);
}

static void haproxy_timeout(struct chk *c, char *why, size_t len)
{
	struct haproxy_priv *p = c->priv;

	snprintf(why, len, "%s", p->sent < sizeof(haproxy_cmd) - 1 ? "sending the command"
				 : "reading the answer");
	haproxy_release(c);
}

const struct chk_ops chk_haproxy_ops = {
	.priv_size = sizeof(struct haproxy_priv),
	.start = haproxy_start,
	.io = haproxy_io,
	.timeout = haproxy_timeout,
	.cancel = haproxy_release,
};
