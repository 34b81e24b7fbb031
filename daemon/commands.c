/* commands.c - what the control socket answers. The words are the same as
 * in the logs (state names, drop reasons). */
#include "daemon/daemon.h"

#include <stdio.h>
#include <string.h>

static void cmd_status(struct daemon *d, struct ctl_reply *r)
{
	char a[ADDR_STRLEN];

	/* in configuration order, which is what an operator reads */
	for (size_t i = 0; i < d->conf.n_vrrp; i++) {
		const struct conf_vrrp *v = &d->conf.vrrp[i];
		const struct vrrp_inst *in = vrrp_inst_find(&d->rt, v->ifname, v->vrid, v->family);

		if (!in)
			continue;
		ctl_printf(r, "%s vrid=%u iface=%s state=%s prio=%u master=%s adv_ms=%u\n",
			   in->conf.name, in->conf.vrid, in->conf.ifname,
			   vrrp_state_str(in->fsm.state), in->params.priority,
			   addr_fmt(&in->fsm.master, a, sizeof(a)),
			   in->fsm.state == VRRP_MASTER ? in->params.adver_int_ms
							: in->fsm.master_adver_int_ms);
	}
}

static void cmd_counters(struct daemon *d, struct ctl_reply *r)
{
	ctl_printf(r, "rx_ok %llu\n", (unsigned long long)d->rt.rx[VRRP_RX_OK]);
	for (int e = VRRP_RX_OK + 1; e < VRRP_RX_ERR_MAX; e++)
		ctl_printf(r, "rx_%s %llu\n", vrrp_rx_err_str((enum vrrp_rx_err)e),
			   (unsigned long long)d->rt.rx[e]);
	ctl_printf(r, "tx_adverts %llu\n", (unsigned long long)d->rt.tx_adverts);
	ctl_printf(r, "tx_garp %llu\n", (unsigned long long)d->rt.tx_garp);
}

static void cmd_reload(struct daemon *d, struct ctl_reply *r)
{
	char err[CONF_ERR_MAX];

	if (daemon_reload(d, err, sizeof(err)) < 0)
		ctl_printf(r, "error: %s\n", err);
	else
		ctl_printf(r, "ok\n");
}

/* track NAME ok|fail: the generic track input, for operators' scripts
 * until the checkers drive it. */
static void cmd_track(struct daemon *d, const char *args, struct ctl_reply *r)
{
	char name[CONF_NAME_MAX], word[8];

	if (sscanf(args, "%31s %7s", name, word) != 2 ||
	    (strcmp(word, "ok") && strcmp(word, "fail"))) {
		ctl_printf(r, "error: usage: track NAME ok|fail\n");
		return;
	}
	if (vrrp_track_set(&d->rt, name, strcmp(word, "ok") == 0) < 0)
		ctl_printf(r, "error: no instance tracks '%s'\n", name);
	else
		ctl_printf(r, "ok\n");
}

void daemon_command(const char *line, struct ctl_reply *r, void *arg)
{
	struct daemon *d = arg;

	if (strcmp(line, "status") == 0)
		cmd_status(d, r);
	else if (strcmp(line, "counters") == 0)
		cmd_counters(d, r);
	else if (strcmp(line, "reload") == 0)
		cmd_reload(d, r);
	else if (strncmp(line, "track ", 6) == 0)
		cmd_track(d, line + 6, r);
	else
		ctl_printf(r, "error: unknown command '%.64s' (status, counters, reload, track)\n", line);
}
