/* notify.c - the notify hook runner.
 *
 * Ordering. keepalived forks each notify script the moment the transition
 * happens and never looks back: a BACKUP script that starts while the
 * MASTER one is still running may finish first, and operators' scripts
 * then leave the box in the wrong state. Running the hooks of an instance
 * strictly one after another fixes that but lets one slow hook hold back
 * every later transition by up to the timeout (10 s by default). We do
 * this instead, per queue key (one instance or one sync group):
 *  - hooks START in enqueue order, always;
 *  - a hook starts only once the previous one of its key has exited, or
 *    has run for the ordering window (500 ms: 100 ms let a shell hook be
 *    overtaken on a loaded 2-core machine) - so the usual fast hooks are
 *    strictly serialized, and a hanging one delays the next by at most the
 *    window instead of the timeout;
 *  - different keys never wait for each other, and nothing waits in the
 *    loop: children are reaped through a pidfd each, timeouts are timers.
 * The window is settable (0 = keepalived-like, UINT32_MAX = strict).
 * Bounds keep a flapping instance from eating memory or the process
 * table: NOTIFY_QUEUE_MAX waiting (the oldest are dropped: the newest
 * transitions describe the current state) and NOTIFY_RUNNING_MAX running.
 *
 * Children: own session (so a timeout signals the hook's whole process
 * group, e.g. a script's `sleep`), signal mask and dispositions reset (the
 * daemon blocks signals for its signalfd and that mask survives exec),
 * credentials dropped, fds >= 3 closed, stdin/stdout on /dev/null, stderr
 * kept so a failing script's message reaches the daemon's log (journal),
 * cwd "/", and a fixed minimal environment (the daemon's own may hold
 * root's HOME etc.). A failure before exec is written to a CLOEXEC pipe
 * and read back when the pidfd reports the exit, so it is logged with its
 * errno instead of as a bare "exit 127". */
#include "daemon/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/spawn.h"

#ifndef P_PIDFD
#define P_PIDFD 3 /* waitid() on a pidfd, Linux >= 5.4; glibc 2.36 lacks it */
#endif


struct notify_job {
	struct notify_job *next;
	char **argv;
};

struct notify_queue;

struct notify_proc {
	struct notify_proc *next; /* in notify.procs */
	struct notify_queue *q;
	char **argv;
	pid_t pid;
	int pidfd;
	int errfd;             /* read end of the child's pre-exec error pipe */
	int signals_sent;      /* 0, 1 = SIGTERM, 2 = SIGKILL */
	struct loop_timer kill_timer;
};

struct notify_queue {
	struct notify_queue *next;
	struct notify *n;
	char *key;
	struct notify_job *head, *tail;
	unsigned npending;
	unsigned nrunning;
	unsigned long dropped;
	struct notify_proc *gate; /* last started; the next waits for it */
	struct loop_timer window_timer;
};

struct notify {
	struct loop *l;
	uid_t uid;
	gid_t gid;
	bool drop_privs;
	uint32_t timeout_ms;
	uint32_t window_ms;
	struct notify_queue *queues;
	struct notify_proc *procs;
};

/* What the child reports through the error pipe before _exit(127). */

static const char *const notify_type_names[] = {
	[NOTIFY_INSTANCE] = "INSTANCE",
	[NOTIFY_GROUP] = "GROUP",
};

static void notify_queue_run(struct notify_queue *q);

const char *notify_type_str(enum notify_type t)
{
	if ((unsigned)t >= sizeof(notify_type_names) / sizeof(notify_type_names[0]))
		return "?";
	return notify_type_names[t];
}

void notify_free_args(char **argv)
{
	if (argv == NULL)
		return;
	for (char **a = argv; *a != NULL; a++)
		free(*a);
	free(argv);
}

/* Copies argv and appends the extra strings (NULL-terminated list). */
static char **notify_argv_dup(char *const argv[], const char *const extra[])
{
	size_t n = 0, m = 0, i;
	char **v;

	while (argv[n] != NULL)
		n++;
	while (extra != NULL && extra[m] != NULL)
		m++;
	v = calloc(n + m + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (i = 0; i < n + m; i++) {
		v[i] = strdup(i < n ? argv[i] : extra[i - n]);
		if (v[i] == NULL) {
			notify_free_args(v);
			return NULL;
		}
	}
	return v;
}

char **notify_build_args(char *const conf_argv[], enum notify_type type,
			 const char *name, const char *state, int priority)
{
	char prio[16];
	const char *extra[] = { notify_type_str(type), name, state, prio, NULL };

	if (conf_argv == NULL || conf_argv[0] == NULL || name == NULL || state == NULL) {
		errno = EINVAL;
		return NULL;
	}
	snprintf(prio, sizeof(prio), "%d", priority);
	return notify_argv_dup(conf_argv, extra);
}

/* ---- the parent ---- */

static void notify_proc_free(struct notify_proc *p)
{
	struct notify *n = p->q->n;
	struct notify_proc **pp;

	for (pp = &n->procs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	loop_timer_cancel(n->l, &p->kill_timer);
	loop_del_fd(n->l, p->pidfd);
	close(p->pidfd);
	close(p->errfd);
	notify_free_args(p->argv);
	free(p);
}

/* Logs why a hook failed, if it did. */
static void notify_report(const struct notify_proc *p, const siginfo_t *si)
{
	const char *key = p->q->key, *prog = p->argv[0];
	char why[128];

	if (spawn_failed(p->errfd, why, sizeof(why))) {
		log_warnx("notify[%s]: %s: %s", key, prog, why);
		return;
	}
	if (si->si_code == CLD_EXITED && si->si_status == 0)
		log_debug("notify[%s]: %s (pid %d) done", key, prog, (int)p->pid);
	else if (si->si_code == CLD_EXITED)
		log_warnx("notify[%s]: %s (pid %d) exited with status %d", key, prog,
			  (int)p->pid, si->si_status);
	else
		log_warnx("notify[%s]: %s (pid %d) killed by signal %d (%s)%s", key,
			  prog, (int)p->pid, si->si_status, strsignal(si->si_status),
			  p->signals_sent ? " after timeout" : "");
}

static void notify_exited(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct notify_proc *p = arg;
	struct notify_queue *q = p->q;
	siginfo_t si = { 0 };

	if (waitid((idtype_t)P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0) {
		/* ECHILD: someone reaped it (SIGCHLD ignored?); it is gone. */
		log_warn("notify[%s]: waitid %s (pid %d)", q->key, p->argv[0], (int)p->pid);
		si.si_code = CLD_EXITED;
		si.si_status = 0;
	} else if (si.si_pid == 0) {
		return; /* not exited yet */
	}
	notify_report(p, &si);
	if (q->gate == p) {
		q->gate = NULL;
		loop_timer_cancel(l, &q->window_timer);
	}
	q->nrunning--;
	notify_proc_free(p);
	notify_queue_run(q); /* may free q */
}

/* Timeout: SIGTERM to the hook's process group, then SIGKILL. The pid
 * (and so the group id) cannot be reused before we reap the leader. */
static void notify_kill(struct loop *l, struct loop_timer *t, void *arg)
{
	struct notify_proc *p = arg;
	const char *key = p->q->key;

	if (p->signals_sent == 0) {
		log_warnx("notify[%s]: %s (pid %d) timed out after %u ms, terminating",
			  key, p->argv[0], (int)p->pid, p->q->n->timeout_ms);
		kill(-p->pid, SIGTERM);
		kill(p->pid, SIGTERM); /* if setsid() failed, it has no group */
		p->signals_sent = 1;
		loop_timer_arm(l, t, clock_now_ms() + NOTIFY_KILL_GRACE_MS);
		return;
	}
	log_warnx("notify[%s]: %s (pid %d) ignored SIGTERM, killing", key,
		  p->argv[0], (int)p->pid);
	kill(-p->pid, SIGKILL);
	kill(p->pid, SIGKILL);
	p->signals_sent = 2;
}

/* Starts argv (taken over) under q. Returns 0 or -1 (logged). */
static int notify_spawn(struct notify_queue *q, char **argv)
{
	struct notify *n = q->n;
	struct notify_proc *p = calloc(1, sizeof(*p));
	struct spawn_cred cred = { n->drop_privs, n->uid, n->gid };

	if (p != NULL)
		p->pid = spawn_start(argv, &cred, &p->pidfd, &p->errfd);
	if (p == NULL || p->pid < 0 ||
	    loop_add_fd(n->l, p->pidfd, EPOLLIN, notify_exited, p) < 0) {
		log_warn("notify[%s]: cannot start %s", q->key, argv[0]);
		if (p != NULL && p->pid > 0) {
			close(p->pidfd);
			close(p->errfd);
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0); /* just killed: returns at once */
		}
		notify_free_args(argv);
		free(p);
		return -1;
	}
	p->q = q;
	p->argv = argv;
	log_debug("notify[%s]: started %s (pid %d)", q->key, argv[0], (int)p->pid);
	loop_timer_init(&p->kill_timer, notify_kill, p);
	if (n->timeout_ms > 0)
		loop_timer_arm(n->l, &p->kill_timer, clock_now_ms() + n->timeout_ms);
	p->next = n->procs;
	n->procs = p;
	q->nrunning++;
	return 0;
}

static void notify_window_end(struct loop *l, struct loop_timer *t, void *arg)
{
	struct notify_queue *q = arg;

	q->gate = NULL;
	notify_queue_run(q);
}

static void notify_queue_free(struct notify_queue *q)
{
	struct notify_job *j;

	while ((j = q->head) != NULL) {
		q->head = j->next;
		notify_free_args(j->argv);
		free(j);
	}
	loop_timer_cancel(q->n->l, &q->window_timer);
	free(q->key);
	free(q);
}

/* A queue with nothing waiting or running goes away: keys of instances
 * removed by a reload must not pile up. */
static void notify_queue_gc(struct notify_queue *q)
{
	struct notify_queue **pp;

	if (q->npending > 0 || q->nrunning > 0)
		return;
	for (pp = &q->n->queues; *pp != q; pp = &(*pp)->next)
		;
	*pp = q->next;
	notify_queue_free(q);
}

/* Starts waiting hooks while the ordering rules allow. May free q. */
static void notify_queue_run(struct notify_queue *q)
{
	struct notify *n = q->n;

	while (q->head != NULL && q->gate == NULL && q->nrunning < NOTIFY_RUNNING_MAX) {
		struct notify_job *j = q->head;
		char **argv = j->argv;

		q->head = j->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->npending--;
		free(j);
		if (notify_spawn(q, argv) < 0 || n->window_ms == 0)
			continue;
		q->gate = n->procs; /* the one just started */
		if (n->window_ms != UINT32_MAX)
			loop_timer_arm(n->l, &q->window_timer,
				       clock_now_ms() + n->window_ms);
	}
	notify_queue_gc(q);
}

static struct notify_queue *notify_queue_get(struct notify *n, const char *key)
{
	struct notify_queue *q;

	for (q = n->queues; q != NULL; q = q->next)
		if (strcmp(q->key, key) == 0)
			return q;
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return NULL;
	q->key = strdup(key);
	if (q->key == NULL) {
		free(q);
		return NULL;
	}
	q->n = n;
	loop_timer_init(&q->window_timer, notify_window_end, q);
	q->next = n->queues;
	n->queues = q;
	return q;
}

/* Full queue: the oldest waiting hook describes the stalest state. */
static void notify_queue_drop_oldest(struct notify_queue *q)
{
	struct notify_job *j = q->head;

	q->head = j->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->npending--;
	q->dropped++;
	log_warnx("notify[%s]: queue full (%d waiting), dropped %s (%lu dropped so far)",
		  q->key, NOTIFY_QUEUE_MAX, j->argv[0], q->dropped);
	notify_free_args(j->argv);
	free(j);
}

int notify_enqueue(struct notify *n, const char *queue_key, char *const argv[])
{
	struct notify_queue *q;
	struct notify_job *j;

	if (queue_key == NULL || argv == NULL || argv[0] == NULL) {
		errno = EINVAL;
		return -1;
	}
	j = calloc(1, sizeof(*j));
	if (j == NULL || (j->argv = notify_argv_dup(argv, NULL)) == NULL ||
	    (q = notify_queue_get(n, queue_key)) == NULL) {
		if (j != NULL)
			notify_free_args(j->argv);
		free(j);
		errno = ENOMEM;
		return -1;
	}
	if (q->npending >= NOTIFY_QUEUE_MAX)
		notify_queue_drop_oldest(q);
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	q->npending++;
	notify_queue_run(q);
	return 0;
}

struct notify *notify_new(struct loop *l, uid_t uid, gid_t gid, bool drop_privs,
			  uint32_t timeout_ms)
{
	struct notify *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->l = l;
	n->uid = uid;
	n->gid = gid;
	n->drop_privs = drop_privs;
	n->timeout_ms = timeout_ms;
	n->window_ms = NOTIFY_ORDER_WINDOW_MS;
	return n;
}

void notify_set_order_window(struct notify *n, uint32_t window_ms)
{
	n->window_ms = window_ms;
}

bool notify_idle(const struct notify *n)
{
	return n->queues == NULL;
}

bool notify_pending(const struct notify *n)
{
	for (const struct notify_queue *q = n->queues; q != NULL; q = q->next)
		if (q->npending > 0)
			return true;
	return false;
}

/* Hooks still waiting are started now, in order (at exit there is no
 * loop left to pace them, and a STOP hook queued behind another must still
 * run); running hooks keep running (init reaps them once we exit); we only
 * stop watching them. */
void notify_free(struct notify *n)
{
	struct notify_queue *q;

	if (n == NULL)
		return;
	for (q = n->queues; q != NULL; q = q->next) {
		struct notify_job *j;

		while ((j = q->head) != NULL) {
			q->head = j->next;
			notify_spawn(q, j->argv); /* takes argv over */
			free(j);
		}
		q->tail = NULL;
		q->npending = 0;
	}
	while (n->procs != NULL) {
		log_debug("notify[%s]: leaving %s (pid %d) running", n->procs->q->key,
			  n->procs->argv[0], (int)n->procs->pid);
		notify_proc_free(n->procs);
	}
	while ((q = n->queues) != NULL) {
		n->queues = q->next;
		notify_queue_free(q);
	}
	free(n);
}
