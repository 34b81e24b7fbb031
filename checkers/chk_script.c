/* chk_script.c - the script checker: argv exec'd directly (no shell) as the
 * configured user, exit status = result (chk_script_status), killed with
 * its whole process group on timeout.
 *
 * The child is prepared as daemon/notify.c prepares hooks (own session,
 * signals reset, privileges dropped, stdin/stdout on /dev/null, stderr kept
 * for the log, fixed environment, a CLOEXEC pipe reporting a failure before
 * exec). notify.c keeps those helpers static, so this is a small second
 * runner; both could share one spawn helper (reported to the lead).
 * Children are reaped through a pidfd on the loop; a child killed on
 * timeout is handed to an orphan watcher that reaps it whenever it dies,
 * so the next run never waits for it. */
#include "checkers/chk_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkers/chk_parse.h"
#include "daemon/log.h"

#ifndef P_PIDFD
#define P_PIDFD 3 /* waitid() on a pidfd, Linux >= 5.4; glibc 2.36 lacks it */
#endif

struct script_priv {
	pid_t pid;
	int pidfd;
	int errfd;
};

struct child_err {
	int stage; /* 0 privileges, 1 stdio, 2 exec */
	int err;
};

static const char *const stage_str[] = { "dropping privileges", "redirecting stdio", "exec" };

static char *const script_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	NULL,
};

enum chk_result chk_script_status(int code, int status, char *why, size_t len)
{
	if (code != CLD_EXITED) {
		snprintf(why, len, "killed by signal %d (%s)", status, strsignal(status));
		return CHK_ERROR;
	}
	snprintf(why, len, "exit %d", status);
	if (status == 0)
		return CHK_UP;
	return status <= 125 ? CHK_DOWN : CHK_ERROR;
}

/* ---- the child: async-signal-safe calls only ---- */

__attribute__((noreturn))
static void child_fail(int errfd, int stage)
{
	struct child_err e = { stage, errno };

	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

__attribute__((noreturn))
static void script_child(const struct chk *c, int errfd)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;
	int fd;

	/* The daemon blocks signals for its signalfd; exec keeps the mask. */
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid(); /* own group: a timeout kills the script's children too */
	if (c->drop_privs && (setgroups(0, NULL) < 0 || setgid(c->gid) < 0 ||
			      setuid(c->uid) < 0))
		child_fail(errfd, 0);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0)
		child_fail(errfd, 1);
	if (chdir("/") < 0)
		child_fail(errfd, 1);
	/* fds >= 3 are the daemon's (errfd is CLOEXEC); failures are harmless,
	 * the daemon opens its fds CLOEXEC anyway */
	if (errfd > 3)
		close_range(3, (unsigned)errfd - 1, 0);
	close_range((unsigned)errfd + 1, ~0u, 0);
	execve(c->conf.u.script.argv.argv[0], c->conf.u.script.argv.argv, script_env);
	child_fail(errfd, 2);
}

static void script_release(struct chk *c, bool kill_it)
{
	struct script_priv *p = c->priv;

	if (p->pid <= 0)
		return;
	chk_unwatch(c, p->pidfd);
	close(p->errfd);
	if (kill_it) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL); /* in case setsid() had not run yet */
		if (chk_orphan_add(c, p->pidfd) == 0) {
			p->pid = 0;
			return;
		}
		waitpid(p->pid, NULL, 0); /* just SIGKILLed: dies at once (unless in D state) */
	}
	close(p->pidfd);
	p->pid = 0;
}

static void script_start(struct chk *c)
{
	struct script_priv *p = c->priv;
	int errpipe[2];

	if (pipe2(errpipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		chk_done(c, CHK_ERROR, "pipe: %s", strerror(errno));
		return;
	}
	p->pid = fork();
	if (p->pid == 0)
		script_child(c, errpipe[1]);
	close(errpipe[1]);
	p->errfd = errpipe[0];
	if (p->pid < 0) {
		int err = errno;

		close(p->errfd);
		p->pid = 0;
		chk_done(c, CHK_ERROR, "fork: %s", strerror(err));
		return;
	}
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (p->pidfd < 0 || chk_watch(c, p->pidfd, EPOLLIN) < 0) {
		int err = errno;

		if (p->pidfd >= 0)
			close(p->pidfd);
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		close(p->errfd);
		p->pid = 0;
		chk_done(c, CHK_ERROR, "pidfd: %s", strerror(err));
	}
}

static void script_io(struct chk *c, int fd, uint32_t events)
{
	struct script_priv *p = c->priv;
	siginfo_t si = { 0 };
	struct child_err e;
	char why[CHK_REASON_MAX];
	enum chk_result r;

	if (waitid((idtype_t)P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0) {
		int err = errno; /* ECHILD: SIGCHLD ignored, reaped by the kernel */

		script_release(c, false);
		chk_done(c, CHK_ERROR, "waitid: %s", strerror(err));
		return;
	}
	if (si.si_pid == 0)
		return;
	if (read(p->errfd, &e, sizeof(e)) == (ssize_t)sizeof(e) && e.stage >= 0 && e.stage <= 2) {
		script_release(c, false);
		chk_done(c, CHK_ERROR, "%s %s: %s", stage_str[e.stage],
			 c->conf.u.script.argv.argv[0], strerror(e.err));
		return;
	}
	script_release(c, false);
	r = chk_script_status(si.si_code, si.si_status, why, sizeof(why));
	chk_done(c, r, "%s", why);
}

static void script_timeout(struct chk *c, char *why, size_t len)
{
	struct script_priv *p = c->priv;

	snprintf(why, len, "killed pid %d", (int)p->pid);
	script_release(c, true);
}

static void script_cancel(struct chk *c)
{
	script_release(c, true);
}

const struct chk_ops chk_script_ops = {
	.priv_size = sizeof(struct script_priv),
	.start = script_start,
	.io = script_io,
	.timeout = script_timeout,
	.cancel = script_cancel,
};
