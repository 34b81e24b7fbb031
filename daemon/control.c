/* control.c - UNIX stream control socket on the event loop. Nothing here
 * blocks: every read and write is non-blocking, input and output are
 * bounded per connection, and a client that does not read its event
 * stream is dropped rather than allowed to grow our memory
 * (doc/control-protocol.md "Limits"). */
#include "daemon/control.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/loop.h"

#define NO_GID ((gid_t)-1)
#define PEER_GROUPS_MAX 256

struct conn;

struct control {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler handler;
	void *arg;
	struct conn *conns;
	unsigned n_conns, n_streams;
};

struct conn {
	struct conn *next, **pprev;
	struct control *ctl;
	int fd;
	struct ctl_peer peer;
	struct loop_timer idle;
	char in[CTL_REQ_MAX + 1];
	size_t inlen;
	struct ctl_reply out;  /* unsent bytes are out.buf[sent..len) */
	size_t sent;
	bool eof;              /* the client shut down its side */
	bool closing;          /* close once out is sent */
	bool stream;           /* receives control_broadcast() */
	bool text_stream;      /* ... in the text form */
};

static struct ctl_auth g_auth = { NO_GID, NO_GID };
static bool g_auth_set;

/* ---- replies ---- */

void ctl_write(struct ctl_reply *r, const char *s, size_t len)
{
	if (r->failed)
		return;
	if (r->len + len + 1 > (r->max ? r->max : CTL_REPLY_MAX)) {
		r->failed = 1;
		return;
	}
	if (r->len + len + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 1024;
		char *p;

		while (cap < r->len + len + 1)
			cap *= 2;
		p = realloc(r->buf, cap);
		if (!p) {
			r->failed = 1;
			return;
		}
		r->buf = p;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, s, len);
	r->len += len;
	r->buf[r->len] = '\0';
}

void ctl_printf(struct ctl_reply *r, const char *fmt, ...)
{
	char small[512], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		ctl_write(r, small, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&big, fmt, ap);
	va_end(ap);
	if (n < 0) {
		r->failed = 1;
		return;
	}
	ctl_write(r, big, (size_t)n);
	free(big);
}

/* ---- authorization ---- */

const char *ctl_level_str(enum ctl_level l)
{
	static const char *const names[] = { "none", "read", "admin" };

	return (unsigned)l < 3 ? names[l] : "none";
}

static bool has_gid(gid_t want, gid_t gid, const gid_t *groups, size_t n)
{
	if (want == NO_GID)
		return false;
	if (gid == want)
		return true;
	for (size_t i = 0; i < n; i++)
		if (groups[i] == want)
			return true;
	return false;
}

enum ctl_level ctl_auth_level(const struct ctl_auth *a, uid_t uid, gid_t gid,
			      const gid_t *groups, size_t n_groups)
{
	if (uid == 0)
		return CTL_LEVEL_ADMIN;
	if (has_gid(a->admin_gid, gid, groups, n_groups))
		return CTL_LEVEL_ADMIN;
	if (has_gid(a->read_gid, gid, groups, n_groups))
		return CTL_LEVEL_READ;
	return CTL_LEVEL_NONE;
}

static int group_gid(const char *name, bool required, gid_t *out, char *err, size_t errlen)
{
	struct group *g;

	*out = NO_GID;
	if (!name || !name[0])
		return 0;
	g = getgrnam(name);
	if (g) {
		*out = g->gr_gid;
		return 0;
	}
	if (required) {
		snprintf(err, errlen, "control socket: group '%s' does not exist", name);
		return -1;
	}
	log_info("control socket: no group '%s': only root may use tandemctl", name);
	return 0;
}

int control_set_groups(const char *read_group, const char *admin_group, bool required,
		       char *err, size_t errlen)
{
	struct ctl_auth a;

	if (group_gid(read_group, required, &a.read_gid, err, errlen) < 0 ||
	    group_gid(admin_group, required, &a.admin_gid, err, errlen) < 0)
		return -1;
	g_auth = a;
	g_auth_set = true;
	return 0;
}

/* SO_PEERCRED gives the peer's uid/gid at connect(); SO_PEERGROUPS (Linux
 * 4.13) its supplementary groups, so membership via /etc/group counts. */
static void peer_creds(int fd, struct ctl_peer *p)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	gid_t groups[PEER_GROUPS_MAX];
	socklen_t glen = sizeof(groups);
	size_t n = 0;

	p->level = CTL_LEVEL_NONE;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return;
	p->pid = cr.pid;
	p->uid = cr.uid;
	p->gid = cr.gid;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0)
		n = glen / sizeof(gid_t);
	p->level = ctl_auth_level(&g_auth, cr.uid, cr.gid, groups, n);
}

/* ---- connections ---- */

static void conn_close(struct conn *c)
{
	struct control *ctl = c->ctl;

	loop_del_fd(ctl->loop, c->fd);
	loop_timer_cancel(ctl->loop, &c->idle);
	close(c->fd);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	ctl->n_conns--;
	if (c->stream)
		ctl->n_streams--;
	free(c->out.buf);
	free(c);
}

/* Which events to wait for: input unless the client is gone or we still
 * owe it a lot of output (a pipelining client that does not read must not
 * grow our buffer); output while some is unsent. EPOLLHUP always comes. */
static void conn_update(struct conn *c)
{
	uint32_t ev = 0;
	size_t pending = c->out.len - c->sent;

	if (!c->eof && !c->closing && pending < CTL_STREAM_MAX)
		ev |= EPOLLIN;
	if (pending)
		ev |= EPOLLOUT;
	loop_mod_fd(c->ctl->loop, c->fd, ev);
}

/* Returns -1 if the connection was closed. */
static int conn_flush(struct conn *c)
{
	while (c->sent < c->out.len) {
		ssize_t n = send(c->fd, c->out.buf + c->sent, c->out.len - c->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			conn_close(c);
			return -1;
		}
		c->sent += (size_t)n;
	}
	if (c->sent == c->out.len) {
		c->out.len = c->sent = 0;
		if (c->closing || (c->eof && !c->stream)) {
			conn_close(c);
			return -1;
		}
	} else if (c->sent > c->out.cap / 2) {
		memmove(c->out.buf, c->out.buf + c->sent, c->out.len - c->sent);
		c->out.len -= c->sent;
		c->sent = 0;
	}
	conn_update(c);
	return 0;
}

static void conn_error(struct conn *c, const char *code, const char *msg)
{
	ctl_printf(&c->out, "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n",
		   code, msg);
}

/* One request line (without its newline). */
static void conn_request(struct conn *c, char *line)
{
	size_t len = strlen(line);
	struct ctl_reply r = { .peer = &c->peer };

	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line)
		return; /* empty lines are keep-alives */
	r.json = *line == '{';
	c->ctl->handler(line, &r, c->ctl->arg);
	if (r.failed) {
		conn_error(c, "too-large", "reply too large or out of memory");
		r.close = true;
	} else {
		if (!r.len)
			ctl_write(&r, "\n", 1);
		ctl_write(&c->out, r.buf, r.len);
	}
	free(r.buf);
	/* the text protocol: one request per connection */
	if (r.close || (!r.json && !r.stream))
		c->closing = true;
	if (r.stream && !c->stream) {
		c->stream = true;
		c->text_stream = !r.json;
		c->ctl->n_streams++;
		loop_timer_cancel(c->ctl->loop, &c->idle);
	} else if (!c->stream) {
		loop_timer_arm(c->ctl->loop, &c->idle, loop_now(c->ctl->loop) + CTL_IDLE_MS);
	}
}

/* Handle every complete line in c->in; an over-long one is refused and
 * ends the connection (its end cannot be found reliably). */
static void conn_lines(struct conn *c)
{
	char *start = c->in, *nl;

	while (!c->closing && c->out.len - c->sent < CTL_STREAM_MAX &&
	       (nl = memchr(start, '\n', c->inlen - (size_t)(start - c->in)))) {
		*nl = '\0';
		if (!c->stream)
			conn_request(c, start);
		start = nl + 1;
	}
	c->inlen -= (size_t)(start - c->in);
	memmove(c->in, start, c->inlen);
	if (c->inlen >= CTL_REQ_MAX) {
		conn_error(c, "too-large", "request longer than 8192 bytes");
		c->closing = true;
		c->inlen = 0;
	} else if (c->eof && c->inlen && !c->closing && !c->stream) {
		c->in[c->inlen] = '\0'; /* a last line without newline */
		c->inlen = 0;
		conn_request(c, c->in);
	}
}

static void conn_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct conn *c = arg;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		ssize_t n = recv(fd, c->in + c->inlen, CTL_REQ_MAX - c->inlen, MSG_DONTWAIT);

		if ((n < 0 && errno != EAGAIN && errno != EINTR) || (n == 0 && c->stream)) {
			conn_close(c); /* an event reader that goes away is done */
			return;
		}
		if (n == 0)
			c->eof = true; /* answer what was asked, then close */
		if (n > 0)
			c->inlen += (size_t)n;
		conn_lines(c);
	}
	conn_flush(c);
}

static void idle_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	conn_close(arg);
}

/* Refusals at accept time: best effort, the socket is fresh and empty. */
static void refuse(int fd, const char *code, const char *msg)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf),
			 "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n",
			 code, msg);

	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("control: refusal not sent: %s", strerror(errno));
	close(fd);
}

static void conn_new(struct control *ctl, int cfd)
{
	struct conn *c = calloc(1, sizeof(*c));
	char msg[128];

	if (!c) {
		close(cfd);
		return;
	}
	c->out.max = (size_t)-1; /* bounded by conn_update and control_broadcast */
	peer_creds(cfd, &c->peer);
	if (c->peer.level == CTL_LEVEL_NONE) {
		snprintf(msg, sizeof(msg), "permission denied: uid %u is not root or in the control group",
			 (unsigned)c->peer.uid);
		log_info("control: refused uid %u pid %ld", (unsigned)c->peer.uid, (long)c->peer.pid);
		refuse(cfd, "permission-denied", msg);
		free(c);
		return;
	}
	if (loop_add_fd(ctl->loop, cfd, EPOLLIN, conn_cb, c) < 0) {
		close(cfd);
		free(c);
		return;
	}
	c->ctl = ctl;
	c->fd = cfd;
	loop_timer_init(&c->idle, idle_cb, c);
	loop_timer_arm(ctl->loop, &c->idle, loop_now(ctl->loop) + CTL_IDLE_MS);
	c->next = ctl->conns;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &ctl->conns;
	ctl->conns = c;
	ctl->n_conns++;
}

static void accept_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct control *ctl = arg;
	int cfd;

	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (ctl->n_conns >= CTL_CONN_MAX) {
			refuse(cfd, "busy", "too many control connections");
			continue;
		}
		conn_new(ctl, cfd);
	}
}

/* ---- events ---- */

void control_broadcast(struct control *ctl, const char *json, const char *text)
{
	struct conn *c, *next;

	if (!ctl)
		return;
	for (c = ctl->conns; c; c = next) {
		const char *s = c->text_stream ? text : json;
		size_t len = strlen(s);

		next = c->next;
		if (!c->stream || c->closing)
			continue;
		if (c->out.len - c->sent + len > CTL_STREAM_MAX) {
			log_warnx("control: event reader pid %ld does not keep up: dropped",
				  (long)c->peer.pid);
			conn_close(c);
			continue;
		}
		ctl_write(&c->out, s, len);
		conn_flush(c);
	}
}

unsigned control_subscribers(const struct control *ctl)
{
	return ctl ? ctl->n_streams : 0;
}

/* ---- the listening socket ---- */

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

/* Mode 0660, group = the read group: the file system already keeps
 * strangers out; SO_PEERCRED then tells readers from admins. */
static int set_perms(const char *path)
{
	if (chmod(path, 0660) < 0)
		return -1;
	if (g_auth.read_gid != NO_GID && chown(path, (uid_t)-1, g_auth.read_gid) < 0)
		return -1;
	return 0;
}

struct control *control_open(struct loop *l, const char *path, ctl_handler h,
			     void *arg, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *ctl;

	if (!g_auth_set && control_set_groups(CTL_DEFAULT_GROUP, CTL_DEFAULT_ADMIN_GROUP,
					      false, err, errlen) < 0)
		return NULL;
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
	    set_perms(path) < 0 || listen(ctl->fd, CTL_CONN_MAX) < 0 ||
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
	while (ctl->conns)
		conn_close(ctl->conns);
	loop_del_fd(ctl->loop, ctl->fd);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
}
