/* control.h - the control socket: a UNIX stream socket on the loop. One
 * request line per connection, answered and closed (relayctl-style). */
#ifndef TANDEM_CONTROL_H
#define TANDEM_CONTROL_H

#include <stdarg.h>
#include <stddef.h>

struct loop;
struct control;

/* A reply being built; grows as needed. */
struct ctl_reply {
	char *buf;
	size_t len, cap;
	int failed; /* allocation failed: reply truncated */
};

void ctl_printf(struct ctl_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

typedef void (*ctl_handler)(const char *line, struct ctl_reply *r, void *arg);

/* Listen on path (its directory is created if missing). Refuses when
 * another daemon answers there. Returns NULL with a message in err. */
struct control *control_open(struct loop *l, const char *path, ctl_handler h,
			     void *arg, char *err, size_t errlen);
void control_close(struct control *c);

#endif
