/* notify.h - runs the operator's notify hooks on state transitions: argv
 * exec'd directly (never a shell), as an unprivileged user, with a timeout,
 * in order per queue key, without ever blocking the loop. The ordering
 * rules and their reasons are at the top of notify.c. */
#ifndef TANDEM_NOTIFY_H
#define TANDEM_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon/loop.h"

/* Hooks waiting to start, per key; when full the oldest waiting is dropped. */
#define NOTIFY_QUEUE_MAX 64
/* Hooks of one key running at once (slow hooks of a flapping instance). */
#define NOTIFY_RUNNING_MAX 8
/* Default ordering window, see notify_set_order_window(). */
#define NOTIFY_ORDER_WINDOW_MS 500
/* After the timeout's SIGTERM, SIGKILL follows this much later. */
#define NOTIFY_KILL_GRACE_MS 1000

struct notify;

/* Hooks run as uid/gid (supplementary groups cleared) when drop_privs,
 * else with the daemon's credentials. timeout_ms 0 = no timeout. */
struct notify *notify_new(struct loop *l, uid_t uid, gid_t gid, bool drop_privs,
			  uint32_t timeout_ms);
/* Pending hooks are started at once, in order; running ones are left to
 * finish on their own (a STOP hook started at shutdown must not be killed
 * by the exit). */
void notify_free(struct notify *n);

/* The next hook of a key starts once the previous one has exited or has
 * run for window_ms. 0 = start at once (order of start only); UINT32_MAX =
 * strictly one after another (a slow hook then delays its key's next hook
 * by up to the timeout). */
void notify_set_order_window(struct notify *n, uint32_t window_ms);

/* Queues a hook under queue_key (e.g. "instance:web"); argv (NULL-
 * terminated, argv[0] an absolute path) is copied. May start it at once.
 * Returns 0, or -1 with errno (EINVAL, ENOMEM). Spawn failures are logged. */
int notify_enqueue(struct notify *n, const char *queue_key, char *const argv[]);

/* True when no hook is waiting or running (e.g. to end a shutdown). */
bool notify_idle(const struct notify *n);
/* True while some hook waits to be started (running ones do not count). */
bool notify_pending(const struct notify *n);

enum notify_type {
	NOTIFY_INSTANCE,
	NOTIFY_GROUP,
};
const char *notify_type_str(enum notify_type t); /* "INSTANCE", "GROUP" */

/* conf_argv followed by TYPE NAME STATE PRIORITY (keepalived's order), as a
 * new NULL-terminated array. NULL on ENOMEM or if conf_argv is empty. */
char **notify_build_args(char *const conf_argv[], enum notify_type type,
			 const char *name, const char *state, int priority);
void notify_free_args(char **argv);

#endif
