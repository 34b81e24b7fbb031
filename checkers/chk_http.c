/* chk_http.c - the HTTP checker: non-blocking connect, one HTTP/1.0
 * request (Connection: close, so the server ends the body by closing),
 * the answer judged by chk_http_parse.c. No TLS. A body longer than
 * CHK_HTTP_BUF is judged on its first CHK_HTTP_BUF bytes: health
 * endpoints are small.
 *
 * Per run, on the usual path: socket, connect, one epoll_ctl (edge-
 * triggered for both directions, so no re-arm between the request and the
 * answer), send, recv until the end of the answer and then the server's
 * FIN, close. The cost per check is mostly the kernel's (see
 * doc/benchmarks-checkers.md), so system calls and wake-ups are what
 * counts here:
 * - a successful connect shows as EPOLLOUT without EPOLLERR (tcp_poll
 *   reports neither while SYN_SENT), so SO_ERROR is only read on errors;
 * - the answer is read into one buffer shared by all HTTP checkers (only
 *   one callback runs at a time) and copied into a buffer of the checker's
 *   own only when it arrives in pieces: checkers hold no 16 KiB between
 *   runs;
 * - the server closes first (it was told to), so a plain close after its
 *   FIN leaves the TIME_WAIT on the server's side, as with any HTTP/1.0
 *   client. When the answer is complete but the FIN is not there yet we do
 *   not wait for it: we close with an RST (chk_close_rst), which leaves no
 *   TIME_WAIT here either. */
#include "checkers/chk_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkers/chk_parse.h"

#define CHK_HTTP_BUF 16384

struct http_priv {
	int fd;
	bool connected;
	size_t sent, reqlen, len;
	char *buf;                        /* NULL unless an answer came in pieces */
	char req[CONF_CHK_STR_MAX * 2 + 128];
};

/* The engine-wide read buffer (see above). */
static char http_rbuf[CHK_HTTP_BUF];

/* eof: the server has closed, its FIN is read: close normally. Otherwise
 * we end first: RST, no TIME_WAIT here. */
static void http_release(struct chk *c, bool eof)
{
	struct http_priv *p = c->priv;

	if (p->fd >= 0) {
		if (eof)
			close(p->fd);
		else
			chk_close_rst(p->fd);
		chk_unwatch(c, p->fd); /* after close: see chk_unwatch() */
	}
	p->fd = -1;
	free(p->buf);
	p->buf = NULL;
	p->len = 0;
}

static void http_cancel(struct chk *c)
{
	http_release(c, false);
}

/* The request depends on the configuration only: built on the first run. */
static void http_build_request(struct chk *c)
{
	struct http_priv *p = c->priv;
	const struct conf_chk_http *h = &c->conf.u.http;
	int n = snprintf(p->req, sizeof(p->req),
			 "%s %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: tandem-check\r\n"
			 "Accept: */*\r\nConnection: close\r\n\r\n", h->method, h->path, h->host);

	p->reqlen = n < 0 ? 0 : (size_t)n < sizeof(p->req) ? (size_t)n : sizeof(p->req) - 1;
}

static void http_start(struct chk *c)
{
	struct http_priv *p = c->priv;
	const struct conf_chk_http *h = &c->conf.u.http;

	if (!p->reqlen)
		http_build_request(c);
	p->connected = false;
	p->sent = p->len = 0;
	p->fd = chk_start_connect(c, &h->address, h->port, EPOLLIN | EPOLLOUT | EPOLLET);
}

/* The answer so far: in the checker's buffer once it came in pieces. */
static char *http_data(struct http_priv *p)
{
	return p->buf ? p->buf : http_rbuf;
}

/* Judge a complete (DONE or BAD, or MORE with a full buffer) answer. */
static void http_judge(struct chk *c, enum chk_http_parse pr, const struct chk_http_resp *r,
		       bool eof)
{
	enum chk_result res;
	char why[CHK_REASON_MAX];

	if (pr == CHK_HTTP_BAD) {
		http_release(c, eof);
		chk_done(c, CHK_ERROR, "bad HTTP answer: %s", r->error);
		return;
	}
	if (pr == CHK_HTTP_MORE && !r->body) {
		http_release(c, eof);
		chk_done(c, CHK_ERROR, "bad HTTP answer: headers longer than %d bytes",
			 CHK_HTTP_BUF);
		return;
	}
	c->st.http_status = r->status;
	res = chk_http_eval(&c->conf.u.http, r, why, sizeof(why)); /* r points into the buffer */
	http_release(c, eof);
	chk_done(c, res, "%s", why);
}

/* After a complete answer: one more read tells whether the server's FIN
 * is already there (the usual case on a fast path). Returns true if so. */
static bool http_eof_now(int fd)
{
	char b[64];

	return recv(fd, b, sizeof(b), 0) == 0;
}

static void http_recv_error(struct chk *c, int err)
{
	struct http_priv *p = c->priv;
	struct chk_http_resp r;

	/* a reset after a complete answer is still an answer */
	if (err == ECONNRESET && p->len) {
		http_judge(c, chk_http_parse(http_data(p), p->len, true,
					     !strcmp(c->conf.u.http.method, "HEAD"), &r), &r, true);
		return;
	}
	http_release(c, false);
	chk_done(c, err == ECONNRESET ? CHK_DOWN : CHK_ERROR, "recv: %s", strerror(err));
}

/* Keep what came so far in the checker's own buffer: the shared one is
 * reused by the next callback. 0, or -1 (ENOMEM, the run is ended). */
static int http_keep(struct chk *c)
{
	struct http_priv *p = c->priv;

	if (p->buf)
		return 0;
	p->buf = malloc(CHK_HTTP_BUF);
	if (!p->buf) {
		http_release(c, false);
		chk_done(c, CHK_ERROR, "out of memory");
		return -1;
	}
	memcpy(p->buf, http_rbuf, p->len);
	return 0;
}

/* Edge-triggered: read until the answer is complete or the socket is
 * drained. */
static void http_recv(struct chk *c)
{
	struct http_priv *p = c->priv;
	bool head = !strcmp(c->conf.u.http.method, "HEAD");

	for (;;) {
		char *b = http_data(p);
		ssize_t n = recv(p->fd, b + p->len, CHK_HTTP_BUF - p->len, 0);
		struct chk_http_resp r;
		enum chk_http_parse pr;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (p->len)
				http_keep(c);
			return;
		}
		if (n < 0) {
			http_recv_error(c, errno);
			return;
		}
		p->len += (size_t)n;
		pr = chk_http_parse(b, p->len, n == 0, head, &r);
		if (pr == CHK_HTTP_MORE && p->len < CHK_HTTP_BUF)
			continue;
		http_judge(c, pr, &r, n == 0 || (pr == CHK_HTTP_DONE && http_eof_now(p->fd)));
		return;
	}
}

static void http_send(struct chk *c)
{
	struct http_priv *p = c->priv;
	ssize_t n = send(p->fd, p->req + p->sent, p->reqlen - p->sent, MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return; /* EPOLLOUT again when there is room */
	if (n < 0) {
		int err = errno;

		http_release(c, false);
		chk_done(c, CHK_ERROR, "send: %s", strerror(err));
		return;
	}
	p->sent += (size_t)n;
}

static void http_io(struct chk *c, int fd, uint32_t events)
{
	struct http_priv *p = c->priv;

	if (!p->connected) {
		int err = chk_connect_done(fd, events);

		if (err < 0)
			return; /* not yet */
		if (err) {
			http_release(c, false);
			chk_done(c, chk_connect_result(err), "connect: %s", strerror(err));
			return;
		}
		p->connected = true;
	}
	if (p->sent < p->reqlen) {
		http_send(c);
		/* the answer comes with a later EPOLLIN; but a server that
		 * closed (or reset) before the request was sent will not
		 * signal again: look now */
		if (p->fd < 0 || p->sent < p->reqlen ||
		    !(events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
			return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		http_recv(c);
}

static void http_timeout(struct chk *c, char *why, size_t len)
{
	struct http_priv *p = c->priv;

	snprintf(why, len, "%s", !p->connected ? "connecting"
				 : p->sent < p->reqlen ? "sending the request"
				 : p->len ? "reading the answer" : "waiting for the answer");
	http_release(c, false);
}

const struct chk_ops chk_http_ops = {
	.priv_size = sizeof(struct http_priv),
	.start = http_start,
	.io = http_io,
	.timeout = http_timeout,
	.cancel = http_cancel,
};
