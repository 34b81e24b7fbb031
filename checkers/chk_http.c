/* chk_http.c - the HTTP checker: non-blocking connect, one HTTP/1.0
 * request (Connection: close, so the server ends the body by closing),
 * the answer read into a fixed buffer and judged by chk_http_parse.c.
 * No TLS. A body longer than the buffer is judged on its first
 * CHK_HTTP_BUF bytes: health endpoints are small. */
#include "checkers/chk_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checkers/chk_parse.h"

#define CHK_HTTP_BUF 16384

struct http_priv {
	int fd;
	bool connected;
	size_t sent, reqlen, len;
	char req[CONF_CHK_STR_MAX * 2 + 128];
	char buf[CHK_HTTP_BUF];
};

static void http_release(struct chk *c)
{
	struct http_priv *p = c->priv;

	if (p->fd >= 0) {
		chk_unwatch(c, p->fd);
		chk_close_rst(p->fd); /* no TIME_WAIT here when we end first */
	}
	p->fd = -1;
}

static void http_start(struct chk *c)
{
	struct http_priv *p = c->priv;
	const struct conf_chk_http *h = &c->conf.u.http;
	int n;

	p->connected = false;
	p->sent = p->len = 0;
	n = snprintf(p->req, sizeof(p->req),
		     "%s %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: tandem-check\r\n"
		     "Accept: */*\r\nConnection: close\r\n\r\n", h->method, h->path, h->host);
	p->reqlen = (size_t)n;
	p->fd = chk_start_connect(c, &h->address, h->port);
}

static void http_finish(struct chk *c, bool eof)
{
	struct http_priv *p = c->priv;
	bool head = !strcmp(c->conf.u.http.method, "HEAD");
	struct chk_http_resp r;
	enum chk_http_parse pr = chk_http_parse(p->buf, p->len, eof, head, &r);
	enum chk_result res;
	char why[CHK_REASON_MAX];

	if (pr == CHK_HTTP_MORE && p->len < sizeof(p->buf))
		return;
	http_release(c);
	if (pr == CHK_HTTP_BAD) {
		chk_done(c, CHK_ERROR, "bad HTTP answer: %s", r.error);
		return;
	}
	if (pr == CHK_HTTP_MORE && !r.body) {
		chk_done(c, CHK_ERROR, "bad HTTP answer: headers longer than %d bytes",
			 CHK_HTTP_BUF);
		return;
	}
	c->st.http_status = r.status;
	res = chk_http_eval(&c->conf.u.http, &r, why, sizeof(why));
	chk_done(c, res, "%s", why);
}

static void http_send(struct chk *c)
{
	struct http_priv *p = c->priv;
	ssize_t n = send(p->fd, p->req + p->sent, p->reqlen - p->sent, MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		int err = errno;

		http_release(c);
		chk_done(c, CHK_ERROR, "send: %s", strerror(err));
		return;
	}
	p->sent += (size_t)n;
	if (p->sent == p->reqlen)
		chk_rewatch(c, p->fd, EPOLLIN);
}

static void http_recv(struct chk *c)
{
	struct http_priv *p = c->priv;
	ssize_t n = recv(p->fd, p->buf + p->len, sizeof(p->buf) - p->len, 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		int err = errno;

		/* a reset after a complete answer is still an answer */
		if (err == ECONNRESET && p->len) {
			http_finish(c, true);
			return;
		}
		http_release(c);
		chk_done(c, err == ECONNRESET ? CHK_DOWN : CHK_ERROR, "recv: %s", strerror(err));
		return;
	}
	p->len += (size_t)n;
	http_finish(c, n == 0);
}

static void http_io(struct chk *c, int fd, uint32_t events)
{
	struct http_priv *p = c->priv;

	if (!p->connected) {
		int err = chk_sock_error(fd);

		if (err) {
			http_release(c);
			chk_done(c, chk_connect_result(err), "connect: %s", strerror(err));
			return;
		}
		p->connected = true;
	}
	if (p->sent < p->reqlen)
		http_send(c);
	else
		http_recv(c);
}

static void http_timeout(struct chk *c, char *why, size_t len)
{
	struct http_priv *p = c->priv;

	snprintf(why, len, "%s", !p->connected ? "connecting"
				 : p->sent < p->reqlen ? "sending the request"
				 : p->len ? "reading the answer" : "waiting for the answer");
	http_release(c);
}

const struct chk_ops chk_http_ops = {
	.priv_size = sizeof(struct http_priv),
	.start = http_start,
	.io = http_io,
	.timeout = http_timeout,
	.cancel = http_release,
};
