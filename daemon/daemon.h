/* daemon.h - the running daemon: configuration, VRRP runtime, control
 * socket, and the rules for reload and stop. */
#ifndef TANDEM_DAEMON_H
#define TANDEM_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"
#include "daemon/control.h"
#include "daemon/loop.h"
#include "ipvs/ipvs_run.h"
#include "vrrp/vrrp_inst.h"

struct daemon {
	struct loop *loop;
	struct conf conf;
	struct vrrp_rt rt;
	struct control *ctl;
	struct loop_timer reap_timer; /* destroys stopped instances, ends the run */
	struct loop_timer stop_timer; /* bound on a graceful stop */
	struct loop_timer start_timer;/* startup_delay */
	bool stopping;
	int log_level_override;       /* -l, or -1 */
	/* IPVS (issue 5): daemon.c "engines" section */
	struct ipvs_run *ipvs;        /* NULL without virtual_servers */
	bool ipvs_stop_started, ipvs_stop_done;
	struct chk_engine *chk;       /* NULL without checkers (issue 6) */
};

/* Takes ownership of *c (zeroed on return). */
int daemon_init(struct daemon *d, struct loop *l, struct conf *c,
		char *err, size_t errlen);
/* Read the config file again; apply it whole or refuse it whole. */
int daemon_reload(struct daemon *d, char *err, size_t errlen);
/* Graceful stop: masters hand over, then the loop ends. */
void daemon_stop(struct daemon *d);
void daemon_free(struct daemon *d);
/* A VRRP instance changed state: the engines that follow VRRP (IPVS with
 * ipvs.when_master) catch up at once. Meant to be called from the
 * vrrp_rt.on_change handler; until then daemon.c polls every 50 ms. */
void daemon_vrrp_changed(struct daemon *d);

/* daemon/commands.c: the control socket's commands */
void daemon_command(const char *line, struct ctl_reply *r, void *arg);

int conf_syslog_level(enum conf_log_level l);

#endif
