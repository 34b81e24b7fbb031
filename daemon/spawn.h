/* spawn.h - start a program on behalf of the daemon (notify hooks, script
 * checkers): argv exec'd directly, never through a shell. The child gets
 * its own session (a timeout can signal its whole process group), reset
 * signal mask and dispositions (the daemon blocks signals for its signalfd
 * and the mask survives exec), dropped credentials when asked, stdin and
 * stdout on /dev/null (stderr kept so a failing script's message reaches
 * the daemon's log), cwd "/", fds >= 3 closed and a fixed minimal
 * environment. A failure before exec comes back through a pipe, so it is
 * logged with its errno instead of as a bare "exit 127". */
#ifndef TANDEM_SPAWN_H
#define TANDEM_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct spawn_cred {
	bool drop;   /* run as uid/gid, supplementary groups cleared */
	uid_t uid;
	gid_t gid;
};

/* Fork and exec argv (argv[0] an absolute path). On success returns the
 * pid and sets *pidfd (for the loop: readable when the child exits; reap
 * with waitid(P_PIDFD)) and *errfd (the error pipe's non-blocking read
 * end), both close-on-exec. Returns -1 with errno, leaving nothing behind
 * (without pidfd support the child is killed: it could not be reaped
 * without blocking or stealing others' statuses). */
pid_t spawn_start(char *const argv[], const struct spawn_cred *cred, int *pidfd, int *errfd);

/* Once the child has exited: true if it failed before exec, with e.g.
 * "exec failed: No such file or directory" in buf. */
bool spawn_failed(int errfd, char *buf, size_t len);

#endif
