/* test_notify.c - the notify hook runner with a real loop and real
 * children. Hooks are `/bin/sh -c SCRIPT sh ARGS...` here only because a
 * test needs a program that records what it saw; the runner never adds a
 * shell. Timing asserts have generous upper bounds: CI machines stall. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/loop.h"
#include "daemon/notify.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct ctx {
	struct loop *l;
	struct notify *n;
	char dir[64];
	char out[128];  /* the file hooks append to */
	char log[128];  /* captured stderr */
	int saved_stderr;
};

/* ---- fixture ---- */

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->l = loop_new()) == NULL)
		return -1;
	strcpy(c->dir, "/tmp/tandem-notify-XXXXXX");
	if (mkdtemp(c->dir) == NULL || chmod(c->dir, 0777) < 0)
		return -1;
	snprintf(c->out, sizeof(c->out), "%s/out", c->dir);
	snprintf(c->log, sizeof(c->log), "%s/log", c->dir);
	c->saved_stderr = -1;
	log_init("test_notify", LOG_DEBUG, true, false);
	*state = c;
	alarm(20); /* SIGALRM kills a hung test; the harness reports it */
	return 0;
}

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[300];

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

static void poll_cb(struct loop *l, struct loop_timer *t, void *arg);

struct poll {
	struct loop_timer t;
	bool (*pred)(struct ctx *c);
	struct ctx *c;
	uint64_t deadline;
	bool met;
};

static void poll_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct poll *p = arg;

	if (p->pred(p->c)) {
		p->met = true;
		loop_stop(l);
	} else if (clock_now_ms() >= p->deadline) {
		loop_stop(l);
	} else {
		loop_timer_arm(l, t, clock_now_ms() + 2);
	}
}

/* Runs the loop until pred holds (true) or max_ms passed (false). */
static bool run_until(struct ctx *c, bool (*pred)(struct ctx *c), uint64_t max_ms)
{
	struct poll p = { .pred = pred, .c = c, .deadline = clock_now_ms() + max_ms };

	loop_timer_init(&p.t, poll_cb, &p);
	loop_timer_arm(c->l, &p.t, clock_now_ms());
	assert_int_equal(loop_run(c->l), 0);
	loop_timer_cancel(c->l, &p.t);
	return p.met;
}

static bool is_idle(struct ctx *c)
{
	return notify_idle(c->n);
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	if (c->n != NULL) {
		run_until(c, is_idle, 3000); /* let timeouts reap sleepers */
		notify_free(c->n);
	}
	if (c->saved_stderr >= 0) {
		dup2(c->saved_stderr, STDERR_FILENO);
		close(c->saved_stderr);
	}
	loop_free(c->l);
	rm_dir(c->dir);
	free(c);
	alarm(0);
	return 0;
}

/* ---- helpers ---- */

static void new_notify(struct ctx *c, uint32_t timeout_ms, uint32_t window_ms)
{
	c->n = notify_new(c->l, 0, 0, false, timeout_ms);
	assert_non_null(c->n);
	notify_set_order_window(c->n, window_ms);
}

/* Queues `/bin/sh -c SCRIPT OUT` under key: the script sees the output
 * file as $0. */
static void enqueue_sh(struct ctx *c, const char *key, const char *script)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, c->out, NULL };

	assert_int_equal(notify_enqueue(c->n, key, argv), 0);
}

static size_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd < 0 ? 0 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	buf[r > 0 ? r : 0] = '\0';
	return r > 0 ? (size_t)r : 0;
}

static bool out_has(struct ctx *c, const char *needle)
{
	char buf[4096];

	read_file(c->out, buf, sizeof(buf));
	return strstr(buf, needle) != NULL;
}

static bool out_has_next(struct ctx *c)
{
	return out_has(c, "next");
}

static void capture_stderr(struct ctx *c)
{
	int fd = open(c->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	c->saved_stderr = dup(STDERR_FILENO);
	assert_true(c->saved_stderr >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
}

static bool log_has(struct ctx *c, const char *needle)
{
	char buf[16384];

	read_file(c->log, buf, sizeof(buf));
	return strstr(buf, needle) != NULL;
}

/* ---- notify_build_args ---- */

static void test_build_args(void **state)
{
	static char *const conf[] = { "/usr/local/bin/hook", "--flag", NULL };
	static const struct {
		enum notify_type type;
		const char *name, *state;
		int prio;
		const char *want[7];
	} cases[] = {
		{ NOTIFY_INSTANCE, "web", "MASTER", 100,
		  { "/usr/local/bin/hook", "--flag", "INSTANCE", "web", "MASTER", "100", NULL } },
		{ NOTIFY_GROUP, "g1", "BACKUP", 0,
		  { "/usr/local/bin/hook", "--flag", "GROUP", "g1", "BACKUP", "0", NULL } },
		{ NOTIFY_INSTANCE, "db", "FAULT", 255,
		  { "/usr/local/bin/hook", "--flag", "INSTANCE", "db", "FAULT", "255", NULL } },
	};
	static char *const empty[] = { NULL };

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char **a = notify_build_args(conf, cases[i].type, cases[i].name,
					     cases[i].state, cases[i].prio);
		size_t k;

		assert_non_null(a);
		for (k = 0; cases[i].want[k] != NULL; k++)
			assert_string_equal(a[k], cases[i].want[k]);
		assert_null(a[k]);
		notify_free_args(a);
	}
	assert_null(notify_build_args(empty, NOTIFY_GROUP, "g", "MASTER", 0));
	assert_null(notify_build_args(NULL, NOTIFY_GROUP, "g", "MASTER", 0));
	assert_string_equal(notify_type_str(NOTIFY_INSTANCE), "INSTANCE");
	assert_string_equal(notify_type_str(NOTIFY_GROUP), "GROUP");
	notify_free_args(NULL);
}

/* ---- running ---- */

/* Each argument arrives as one word, unexpanded: no shell in between.
 * The caller's strings may change right after notify_enqueue(). */
static void test_exact_argv(void **state)
{
	struct ctx *c = *state;
	char mutable[] = "before";
	char *argv[] = { "/bin/sh", "-c", "printf '%s|' \"$@\" >> \"$0\"", c->out, "a b", "c*", "$HOME", "", mutable, NULL };
	char buf[256];

	new_notify(c, 5000, NOTIFY_ORDER_WINDOW_MS);
	assert_int_equal(notify_enqueue(c->n, "instance:web", argv), 0);
	strcpy(mutable, "after!");
	assert_true(run_until(c, is_idle, 5000));
	read_file(c->out, buf, sizeof(buf));
	assert_string_equal(buf, "a b|c*|$HOME||before|");
}

static void test_bad_args(void **state)
{
	struct ctx *c = *state;
	char *none[] = { NULL };
	char *argv[] = { "/bin/true", NULL };

	new_notify(c, 5000, NOTIFY_ORDER_WINDOW_MS);
	assert_int_equal(notify_enqueue(c->n, "k", none), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(notify_enqueue(c->n, NULL, argv), -1);
	assert_int_equal(notify_enqueue(c->n, "k", NULL), -1);
	assert_true(notify_idle(c->n));
}

static bool out_has_10(struct ctx *c)
{
	return out_has(c, "10\n");
}

/* Quick hooks of one key run one after another, in enqueue order. */
static void test_same_key_in_order(void **state)
{
	struct ctx *c = *state;
	char script[64], buf[256];

	new_notify(c, 5000, NOTIFY_ORDER_WINDOW_MS);
	for (int i = 1; i <= 10; i++) {
		snprintf(script, sizeof(script), "echo %d >> \"$0\"", i);
		enqueue_sh(c, "instance:web", script);
	}
	/* All but the first wait: nothing else ran during enqueue. */
	assert_false(notify_idle(c->n));
	assert_true(run_until(c, out_has_10, 5000));
	read_file(c->out, buf, sizeof(buf));
	assert_string_equal(buf, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
}

/* A process is gone once it no longer exists or is a zombie (our PID 1
 * may be slow to reap orphans). */
static bool pid_dead(pid_t pid)
{
	char path[64], buf[256], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof(buf)) == 0)
		return true;
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] == 'Z';
}

/* Strict ordering: the next hook waits for the sleeper, which the timeout
 * kills - with its `sleep`: the whole process group is signalled. */
static void test_timeout_kills(void **state)
{
	struct ctx *c = *state;
	uint64_t t0 = clock_now_ms(), dt;
	char buf[256], pidfile[160];
	pid_t sleeper;

	capture_stderr(c);
	new_notify(c, 300, UINT32_MAX);
	enqueue_sh(c, "instance:web", "echo start >> \"$0\"; sleep 5 & "
		   "echo $! > \"$0.pid\"; wait; echo end >> \"$0\"");
	enqueue_sh(c, "instance:web", "echo next >> \"$0\"");
	assert_true(run_until(c, out_has_next, 5000));
	dt = clock_now_ms() - t0;
	assert_true(dt >= 300);
	assert_true(dt < 1500);
	assert_true(run_until(c, is_idle, 1500));
	read_file(c->out, buf, sizeof(buf));
	assert_string_equal(buf, "start\nnext\n");
	assert_true(log_has(c, "timed out after 300 ms"));
	assert_true(log_has(c, "killed by signal 15"));

	snprintf(pidfile, sizeof(pidfile), "%s.pid", c->out);
	read_file(pidfile, buf, sizeof(buf));
	sleeper = (pid_t)atoi(buf);
	assert_true(sleeper > 1);
	for (int i = 0; i < 50 && !pid_dead(sleeper); i++)
		usleep(10000);
	assert_true(pid_dead(sleeper));
}

/* Default window: a hanging hook delays the next of its key by about the
 * window, not the timeout. */
static void test_window_bounds_delay(void **state)
{
	struct ctx *c = *state;
	uint64_t t0 = clock_now_ms(), dt;

	new_notify(c, 1000, NOTIFY_ORDER_WINDOW_MS);
	enqueue_sh(c, "instance:web", "sleep 5");
	enqueue_sh(c, "instance:web", "echo next >> \"$0\"");
	assert_true(run_until(c, out_has_next, 5000));
	dt = clock_now_ms() - t0;
	assert_true(dt >= NOTIFY_ORDER_WINDOW_MS - 1);
	assert_true(dt < NOTIFY_ORDER_WINDOW_MS + 700);
	assert_false(notify_idle(c->n)); /* the sleeper still runs */
}

/* Even in strict mode a sleeper of key A does not hold back key B. */
static void test_keys_independent(void **state)
{
	struct ctx *c = *state;
	uint64_t t0 = clock_now_ms();

	new_notify(c, 800, UINT32_MAX);
	enqueue_sh(c, "instance:a", "sleep 5");
	enqueue_sh(c, "instance:a", "echo late >> \"$0\"");
	enqueue_sh(c, "group:b", "echo next >> \"$0\"");
	assert_true(run_until(c, out_has_next, 5000));
	assert_true(clock_now_ms() - t0 < 600);
	assert_false(out_has(c, "late"));
}

struct ticker {
	struct loop_timer t;
	int count;
};

static void tick_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct ticker *tk = arg;

	tk->count++;
	loop_timer_arm(l, t, clock_now_ms() + 10);
}

static bool never(struct ctx *c)
{
	return false;
}

/* The loop keeps running timers while hooks sleep. */
static void test_loop_not_blocked(void **state)
{
	struct ctx *c = *state;
	struct ticker tk = { .count = 0 };
	uint64_t t0;

	new_notify(c, 700, UINT32_MAX);
	loop_timer_init(&tk.t, tick_cb, &tk);
	loop_timer_arm(c->l, &tk.t, clock_now_ms() + 10);
	t0 = clock_now_ms();
	enqueue_sh(c, "instance:web", "sleep 5");
	enqueue_sh(c, "instance:web", "sleep 5");
	assert_true(clock_now_ms() - t0 < 200); /* enqueue does not wait */
	run_until(c, never, 600);
	loop_timer_cancel(c->l, &tk.t);
	assert_true(tk.count >= 20); /* ~55 expected; 20 allows stalls */
	assert_false(notify_idle(c->n));
}

/* A full queue drops its oldest waiting hooks, and says so. */
static void test_queue_drops_oldest(void **state)
{
	struct ctx *c = *state;
	int total = NOTIFY_QUEUE_MAX + 6; /* 1 running + 5 too many */
	char script[64], buf[4096], want[4096];
	size_t off = 0;

	capture_stderr(c);
	new_notify(c, 5000, UINT32_MAX);
	for (int i = 1; i <= total; i++) {
		snprintf(script, sizeof(script), "echo %d >> \"$0\"%s", i,
			 i == 1 ? "; sleep 0.2" : "");
		enqueue_sh(c, "instance:web", script);
	}
	/* Hook 1 started at once; 2..6 were pushed out by 66..70. */
	off += (size_t)snprintf(want, sizeof(want), "1\n");
	for (int i = total - NOTIFY_QUEUE_MAX + 1; i <= total; i++)
		off += (size_t)snprintf(want + off, sizeof(want) - off, "%d\n", i);
	assert_true(run_until(c, is_idle, 10000));
	read_file(c->out, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_true(log_has(c, "queue full"));
	assert_true(log_has(c, "(5 dropped so far)"));
	assert_false(log_has(c, "(6 dropped so far)"));
}

static bool out_has_8_lines(struct ctx *c)
{
	char buf[256];
	int lines = 0;

	read_file(c->out, buf, sizeof(buf));
	for (char *p = buf; *p != '\0'; p++)
		lines += *p == '\n';
	return lines >= NOTIFY_RUNNING_MAX;
}

/* Window 0 starts hooks at once, but no more than NOTIFY_RUNNING_MAX of
 * a key run together; the rest start as those end. */
static void test_running_bound(void **state)
{
	struct ctx *c = *state;
	char buf[256];
	int lines = 0;

	new_notify(c, 400, 0);
	for (int i = 0; i < NOTIFY_RUNNING_MAX + 3; i++)
		enqueue_sh(c, "instance:web", "echo s >> \"$0\"; sleep 5");
	assert_true(run_until(c, out_has_8_lines, 3000));
	run_until(c, never, 100); /* would a 9th start? */
	read_file(c->out, buf, sizeof(buf));
	for (char *p = buf; *p != '\0'; p++)
		lines += *p == '\n';
	assert_int_equal(lines, NOTIFY_RUNNING_MAX);
	assert_true(run_until(c, is_idle, 5000)); /* the rest after timeouts */
	read_file(c->out, buf, sizeof(buf));
	lines = 0;
	for (char *p = buf; *p != '\0'; p++)
		lines += *p == '\n';
	assert_int_equal(lines, NOTIFY_RUNNING_MAX + 3);
}

static bool out_has_ok(struct ctx *c)
{
	return out_has(c, "ok");
}

/* A missing program or a failing one is logged; the queue goes on. */
static void test_failures_logged(void **state)
{
	struct ctx *c = *state;
	char *missing[] = { "/nonexistent/tandem-hook", "x", NULL };

	capture_stderr(c);
	new_notify(c, 5000, NOTIFY_ORDER_WINDOW_MS);
	assert_int_equal(notify_enqueue(c->n, "instance:web", missing), 0);
	enqueue_sh(c, "instance:web", "exit 3");
	enqueue_sh(c, "instance:web", "echo ok >> \"$0\"");
	assert_true(run_until(c, out_has_ok, 5000));
	assert_true(run_until(c, is_idle, 5000));
	assert_true(log_has(c, "notify[instance:web]: /nonexistent/tandem-hook: "
			    "exec failed: No such file or directory"));
	assert_true(log_has(c, "exited with status 3"));
	assert_true(log_has(c, "notify[instance:web]: started /bin/sh"));
}

/* The child starts clean although the daemon blocks and ignores signals
 * and holds fds without CLOEXEC. Signals are read by awk: a shell clears
 * its signal mask itself at startup and would hide a leak. */
static void test_child_environment(void **state)
{
	struct ctx *c = *state;
	char *awk[] = { "/usr/bin/awk", "BEGIN { while ((getline l < \"/proc/self/status\") > 0)"
			" if (l ~ /^Sig(Blk|Ign)/) print l >> ARGV[1] }", c->out, NULL };
	sigset_t block, old;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	int leak = dup(STDIN_FILENO);
	char buf[1024];

	if (access(awk[0], X_OK) < 0)
		skip();
	assert_true(leak > 2);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGPIPE, &ign, &old_pipe);
	setenv("TANDEM_SECRET", "x", 1);

	new_notify(c, 5000, UINT32_MAX);
	enqueue_sh(c, "instance:web",
		   "i=$(readlink /proc/$$/fd/0); o=$(readlink /proc/$$/fd/1); "
		   "exec >> \"$0\"; echo \"$i $o\"; pwd; "
		   /* test -e is a builtin: listing with ls or a glob would open
		    * fds of its own (a pipe, a directory) in the shell */
		   "printf fds:; n=3; while [ $n -le 64 ]; do "
		   "[ -e /proc/$$/fd/$n ] && printf ' %s' $n; n=$((n+1)); done; echo; "
		   "echo \"${TANDEM_SECRET-unset} $PATH\"; "
		   "[ \"$(cut -d' ' -f6 /proc/$$/stat)\" = $$ ] && echo leader");
	assert_int_equal(notify_enqueue(c->n, "instance:web", awk), 0);
	assert_true(run_until(c, is_idle, 5000));

	sigprocmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	unsetenv("TANDEM_SECRET");
	close(leak);
	read_file(c->out, buf, sizeof(buf));
	/* glibc reserves signals 32 and 33 (SIGCANCEL, SIGSETXID) and refuses
	 * to change them: if whoever started the tests ignored them, the hook
	 * inherits that and nothing in libc can undo it. Mask them out. */
	char *ignl = strstr(buf, "SigIgn:\t");
	assert_non_null(ignl);
	unsigned long long bits = strtoull(ignl + 8, NULL, 16);
	assert_int_equal(bits & ~0x180000000ULL, 0);
	*ignl = 0;
	assert_string_equal(buf,
		"/dev/null /dev/null\n/\nfds:\n"
		"unset /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
		"leader\n"
		"SigBlk:\t0000000000000000\n");
}

static void test_drop_privs(void **state)
{
	struct ctx *c = *state;
	char buf[256];

	if (geteuid() != 0)
		skip();
	c->n = notify_new(c->l, 65534, 65534, true, 5000);
	assert_non_null(c->n);
	enqueue_sh(c, "instance:web", "echo $(id -u) $(id -g) $(id -G) >> \"$0\"");
	assert_true(run_until(c, is_idle, 5000));
	read_file(c->out, buf, sizeof(buf));
	assert_string_equal(buf, "65534 65534 65534\n");
}

/* notify_free() forgets running hooks but does not kill them, and starts
 * the waiting ones (a STOP hook queued behind another must run at exit). */
static void test_free_leaves_running(void **state)
{
	struct ctx *c = *state;
	char buf[64];

	new_notify(c, 5000, NOTIFY_ORDER_WINDOW_MS);
	enqueue_sh(c, "instance:web", "sleep 0.2; echo late >> \"$0\"");
	enqueue_sh(c, "instance:web", "echo queued >> \"$0\"");
	notify_free(c->n);
	c->n = NULL;
	for (int i = 0; i < 100 && !out_has(c, "late"); i++)
		usleep(20000);
	read_file(c->out, buf, sizeof(buf));
	assert_string_equal(buf, "queued\nlate\n");
	while (waitpid(-1, NULL, WNOHANG) > 0) /* our zombies, as init would */
		;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_args),
		cmocka_unit_test_setup_teardown(test_exact_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_key_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_bounds_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_independent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_not_blocked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_drops_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_logged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_privs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_leaves_running, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
