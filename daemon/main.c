/* main.c - tandemd: options, config test, daemonize, run the loop. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "daemon/events.h"
#include "daemon/log.h"
#include "daemon/loop.h"
#include "daemon/sdnotify.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

struct opts {
	const char *file;
	bool foreground, test;
	int level; /* -1: from the config */
	const char *group, *admin_group; /* -g, -G: control socket access */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tandemd [-n] [-t] [-l LEVEL] [-f FILE] [-g GROUP] [-G GROUP]\n"
		   "  -f FILE   configuration (default " SYSCONFDIR "/tandem/tandem.conf)\n"
		   "  -n        stay in the foreground, log to stderr\n"
		   "  -t        test the configuration and exit\n"
		   "  -l LEVEL  err|warning|notice|info|debug (overrides log_level)\n"
		   "  -g GROUP  may read the control socket (default " CTL_DEFAULT_GROUP ", if it exists)\n"
		   "  -G GROUP  may also change things: reload, handoff, ... (default: root only)\n");
}

static int parse_level(const char *s)
{
	static const char *const names[] = { "err", "warning", "notice", "info", "debug" };

	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return conf_syslog_level((enum conf_log_level)i);
	return -1;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	o->file = SYSCONFDIR "/tandem/tandem.conf";
	o->level = -1;
	while ((c = getopt(argc, argv, "f:ntl:g:G:hV")) != -1) {
		switch (c) {
		case 'g': o->group = optarg; break;
		case 'G': o->admin_group = optarg; break;
		case 'f': o->file = optarg; break;
		case 'n': o->foreground = true; break;
		case 't': o->test = true; break;
		case 'l':
			o->level = parse_level(optarg);
			if (o->level < 0) {
				fprintf(stderr, "tandemd: unknown log level '%s'\n", optarg);
				exit(2);
			}
			break;
		case 'V': puts("tandemd " PACKAGE_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(2);
	}
}

static void daemonize(void)
{
	int fd;

	if (daemon(0, 1) < 0)
		fatal("daemon");
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

static void write_pid(const char *path)
{
	FILE *f;

	if (!path[0])
		return;
	f = fopen(path, "we");
	if (!f) {
		log_warn("pid file %s", path);
		return;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	struct daemon *d = arg;
	char err[CONF_ERR_MAX];

	if (signo == SIGHUP) {
		log_notice("SIGHUP: reloading");
		sdnotify_reloading();
		daemon_reload(d, err, sizeof(err));
		sdnotify("READY=1");
	} else {
		log_notice("%s: stopping", strsignal(signo));
		sdnotify("STOPPING=1");
		daemon_stop(d);
	}
}

/* systemd's watchdog: a keep-alive from the loop itself, so a stuck loop
 * (not just a dead process) gets tandemd restarted. */
static struct loop_timer watchdog;

static void watchdog_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	sdnotify("WATCHDOG=1");
	loop_timer_arm(l, t, loop_now(l) + sdnotify_watchdog_ms());
}

/* -g/-G, else control_group/control_admin_group from the configuration
 * (checked to exist by conf_check); the built-in defaults need not exist. */
static void setup_groups(const struct opts *o, const struct conf *c)
{
	const char *rd = o->group ? o->group : c->global.control_group;
	const char *adm = o->admin_group ? o->admin_group : c->global.control_admin_group;
	char err[256];

	if (!rd[0] && !adm[0])
		return;
	if (control_set_groups(rd[0] ? rd : CTL_DEFAULT_GROUP,
			       adm[0] ? adm : CTL_DEFAULT_ADMIN_GROUP,
			       true, err, sizeof(err)) < 0) {
		fprintf(stderr, "tandemd: %s\n", err);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, 0 };
	struct opts o = { 0 };
	struct conf c;
	struct daemon d = { 0 };
	struct loop *l;
	char err[CONF_ERR_MAX];

	parse_opts(argc, argv, &o);
	if (conf_read(o.file, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (o.test) {
		printf("%s: configuration ok (%zu VRRP instances)\n", o.file, c.n_vrrp);
		conf_free(&c);
		return 0;
	}
	setup_groups(&o, &c);
	/* under systemd (-n with stderr to the journal) syslog would log every
	 * line twice */
	log_init("tandemd", o.level >= 0 ? o.level : conf_syslog_level(c.global.log_level),
		 o.foreground, !o.foreground || (c.global.syslog && !getenv("JOURNAL_STREAM")));
	if (!o.foreground)
		daemonize();
	signal(SIGPIPE, SIG_IGN);
	sdnotify_init();
	l = loop_new();
	if (!l || loop_signals(l, sigs, on_signal, &d) < 0)
		fatal("event loop");
	d.log_level_override = o.level;
	if (daemon_init(&d, l, &c, err, sizeof(err)) < 0) {
		log_errx("%s", err);
		daemon_free(&d);
		return 1;
	}
	ctl_events_attach(&d);
	write_pid(d.conf.global.pid_file);
	log_notice("tandemd %s started (%s)", PACKAGE_VERSION, d.conf.path);
	sdnotify("READY=1");
	loop_timer_init(&watchdog, watchdog_cb, NULL);
	if (sdnotify_watchdog_ms())
		loop_timer_arm(l, &watchdog, loop_now(l));
	loop_run(l);
	loop_timer_cancel(l, &watchdog);
	log_notice("tandemd stopped");
	if (d.conf.global.pid_file[0])
		unlink(d.conf.global.pid_file);
	daemon_free(&d);
	loop_free(l);
	return 0;
}
