/* chk_script.c - the script checker: argv exec'd directly (no shell) as the
 * configured user, exit status = result (chk_script_status), killed with
 * its whole process group on timeout.
 *
 * The child is prepared by daemon/spawn.c, as notify hooks are.
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
#include "daemon/spawn.h"

#ifndef P_PIDFD
#define P_PIDFD 3 /* waitid() on a pidfd, Linux >= 5.4; glibc 2.36 lacks it */
#endif


struct script_priv {
	pid_t pid;
	int pidfd;
	int errfd;
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
	struct spawn_cred cred = { c->drop_privs, c->uid, c->gid };

	p->pid = spawn_start(c->conf.u.script.argv.argv, &cred, &p->pidfd, &p->errfd);
	if (p->pid < 0) {
		p->pid = 0;
		chk_done(c, CHK_ERROR, "cannot start: %s", strerror(errno));
		return;
	}
	if (chk_watch(c, p->pidfd, EPOLLIN) < 0) {
		int err = errno;

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
	if (spawn_failed(p->errfd, why, sizeof(why))) {
		script_release(c, false);
		chk_done(c, CHK_ERROR, "%s: %s", c->conf.u.script.argv.argv[0], why);
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
