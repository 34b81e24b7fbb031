/* daemon.h - the running daemon: configuration, VRRP runtime, control
 * socket, and the rules for reload and stop. */
#ifndef TANDEM_DAEMON_H
#define TANDEM_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"
#include "daemon/control.h"
#include "daemon/loop.h"
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
};

/* Takes ownership of *c (zeroed on return). */
int daemon_init(struct daemon *d, struct loop *l, struct conf *c,
		char *err, size_t errlen);
/* Read the config file again; apply it whole or refuse it whole. */
int daemon_reload(struct daemon *d, char *err, size_t errlen);
/* Graceful stop: masters hand over, then the loop ends. */
void daemon_stop(struct daemon *d);
void daemon_free(struct daemon *d);

/* daemon/commands.c: the control socket's commands */
void daemon_command(const char *line, struct ctl_reply *r, void *arg);

int conf_syslog_level(enum conf_log_level l);

#endif
