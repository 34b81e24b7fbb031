/* spawn.c - see spawn.h. Between fork() and exec() only async-signal-safe
 * calls are made. */
#include "daemon/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum spawn_stage { SS_DUP, SS_SETSID, SS_SETGROUPS, SS_SETGID, SS_SETUID, SS_DEVNULL,
		   SS_CHDIR, SS_EXEC, SS_MAX };

static const char *const stage_str[SS_MAX] = {
	[SS_DUP] = "dup", [SS_SETSID] = "setsid", [SS_SETGROUPS] = "setgroups",
	[SS_SETGID] = "setgid", [SS_SETUID] = "setuid", [SS_DEVNULL] = "open /dev/null",
	[SS_CHDIR] = "chdir", [SS_EXEC] = "exec",
};

struct spawn_err {
	int stage;
	int err;
};

static char *const spawn_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	NULL,
};

__attribute__((noreturn))
static void child_fail(int errfd, enum spawn_stage stage)
{
	struct spawn_err e = { .stage = (int)stage, .err = errno };

	/* best effort: the parent still sees exit status 127 without it */
	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static void child_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* Ignored signals stay ignored across exec (a hook with SIGPIPE
	 * ignored misbehaves); errors are for SIGKILL/SIGSTOP/libc's own. */
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Closes every fd >= 3 but keep. */
static void child_close_fds(int keep)
{
	struct rlimit rl;

	if ((keep == 3 || close_range(3, (unsigned)keep - 1, 0) == 0) &&
	    close_range((unsigned)keep + 1, ~0u, 0) == 0)
		return;
	/* close_range() needs Linux 5.9 */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		rl.rlim_cur = 65536;
	for (rlim_t fd = 3; fd < rl.rlim_cur; fd++)
		if ((int)fd != keep)
			close((int)fd);
}

static void child_stdio(int errfd)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		child_fail(errfd, SS_DEVNULL);
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0)
		child_fail(errfd, SS_DUP);
	if (fd > STDERR_FILENO)
		close(fd);
}

__attribute__((noreturn))
static void child(char *const argv[], const struct spawn_cred *cred, int errfd)
{
	/* >= 3 so the stdio dup2()s below cannot land on it */
	errfd = fcntl(errfd, F_DUPFD_CLOEXEC, 3);
	if (errfd < 0)
		_exit(127);
	child_signals();
	if (setsid() < 0)
		child_fail(errfd, SS_SETSID);
	/* groups first: after setuid() we may no longer change them */
	if (cred && cred->drop) {
		if (setgroups(0, NULL) < 0)
			child_fail(errfd, SS_SETGROUPS);
		if (setgid(cred->gid) < 0)
			child_fail(errfd, SS_SETGID);
		if (setuid(cred->uid) < 0)
			child_fail(errfd, SS_SETUID);
	}
	child_stdio(errfd);
	if (chdir("/") < 0)
		child_fail(errfd, SS_CHDIR);
	child_close_fds(errfd);
	execve(argv[0], argv, spawn_env);
	child_fail(errfd, SS_EXEC);
}

pid_t spawn_start(char *const argv[], const struct spawn_cred *cred, int *pidfd, int *errfd)
{
	int errpipe[2], err;
	pid_t pid;

	if (pipe2(errpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	pid = fork();
	if (pid == 0)
		child(argv, cred, errpipe[1]);
	err = errno;
	close(errpipe[1]);
	if (pid < 0) {
		close(errpipe[0]);
		errno = err;
		return -1;
	}
	*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (*pidfd < 0) {
		err = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0); /* just killed: returns at once */
		close(errpipe[0]);
		errno = err;
		return -1;
	}
	*errfd = errpipe[0];
	return pid;
}

bool spawn_failed(int errfd, char *buf, size_t len)
{
	struct spawn_err e;

	if (read(errfd, &e, sizeof(e)) != (ssize_t)sizeof(e) || e.stage < 0 || e.stage >= SS_MAX)
		return false;
	snprintf(buf, len, "%s failed: %s", stage_str[e.stage], strerror(e.err));
	return true;
}
