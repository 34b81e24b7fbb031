/* control.h - the control socket: a UNIX stream socket on the loop
 * (relayctl-style). Protocol: doc/control-protocol.md. Each request is one
 * line; a JSON line ('{' first) gets one JSON line back and the connection
 * stays open for more, a plain-text line (the older human protocol) gets a
 * text reply and the connection is closed. An "events" request turns the
 * connection into a stream. The peer's credentials (SO_PEERCRED) decide
 * what it may do. */
#ifndef TANDEM_CONTROL_H
#define TANDEM_CONTROL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct loop;
struct control;

/* Bounds (doc/control-protocol.md "Limits"). */
#define CTL_REQ_MAX      8192        /* one request line, newline included */
#define CTL_REPLY_MAX    (8u << 20)  /* a reply larger than this is refused */
#define CTL_STREAM_MAX   (256u << 10)/* unsent event bytes before a slow reader is dropped */
#define CTL_CONN_MAX     64          /* connections at once */
#define CTL_IDLE_MS      10000       /* a request must arrive within this */

/* Default groups (until tandem.conf has control_group/control_admin_group):
 * members of "tandem" may read; only root may change anything. */
#define CTL_DEFAULT_GROUP       "tandem"
#define CTL_DEFAULT_ADMIN_GROUP ""

enum ctl_level {
	CTL_LEVEL_NONE,  /* refused */
	CTL_LEVEL_READ,  /* status, show, events, metrics, counters */
	CTL_LEVEL_ADMIN, /* reload, handoff, maintenance, track */
};

/* Who is asking (SO_PEERCRED) and what they may do. */
struct ctl_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	enum ctl_level level;
};

/* Which groups grant what; a gid of (gid_t)-1 = no such group. */
struct ctl_auth {
	gid_t read_gid;
	gid_t admin_gid;
};

/* A reply being built; grows as needed. The handler reads peer and may set
 * stream (the connection then receives control_broadcast() lines) and
 * close (closed once the reply is sent). */
struct ctl_reply {
	char *buf;
	size_t len, cap;
	int failed; /* allocation failed or max exceeded: truncated */
	size_t max; /* 0 = CTL_REPLY_MAX */
	const struct ctl_peer *peer;
	bool json;   /* the request was a JSON line */
	bool stream; /* set by the handler: subscribe to events */
	bool close;  /* set by the handler: close after this reply */
};

void ctl_printf(struct ctl_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ctl_write(struct ctl_reply *r, const char *s, size_t len);

typedef void (*ctl_handler)(const char *line, struct ctl_reply *r, void *arg);

/* The groups used by the next control_open(); names may be "" (none).
 * A group that does not exist is logged and ignored. Returns -1 with a
 * message in err for a name that is set but unknown and required
 * (required = it was given explicitly, not a default). */
int control_set_groups(const char *read_group, const char *admin_group, bool required,
		       char *err, size_t errlen);

/* Listen on path (its directory is created if missing). Refuses when
 * another daemon answers there. Returns NULL with a message in err. */
struct control *control_open(struct loop *l, const char *path, ctl_handler h,
			     void *arg, char *err, size_t errlen);
void control_close(struct control *c);

/* Send one event line to every streaming connection: json to JSON
 * subscribers, text to text subscribers (each ends with '\n'). A
 * subscriber whose unsent bytes would exceed CTL_STREAM_MAX is dropped. */
void control_broadcast(struct control *c, const char *json, const char *text);
unsigned control_subscribers(const struct control *c);

/* Pure: the level a peer gets (root: admin; admin group: admin; read
 * group: read; else none). groups = the peer's supplementary groups. */
enum ctl_level ctl_auth_level(const struct ctl_auth *a, uid_t uid, gid_t gid,
			      const gid_t *groups, size_t n_groups);
const char *ctl_level_str(enum ctl_level l);

#endif
