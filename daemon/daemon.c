/* daemon.c - wires configuration to the VRRP runtime and the engines that
 * follow it (IPVS; checkers later); reload and stop. Each engine has its own
 * section of static functions called from init, reload, stop and free. */
#include "daemon/daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>
#include <pwd.h>

#include "checkers/chk.h"
#include "checkers/chk_pq.h"
#include "daemon/ctl_json.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "vrrp/vrrp_accept.h"

#define STOP_MARGIN_MS 1000
#define IPVS_STOP_MS 3000  /* removing a 10,000-entry table takes well under 1 s */

/* ---- IPVS engine (issue 5) ----
 * Programs the kernel table always (hot standby on both balancers) or only
 * while the VRRP instance named by ipvs.when_master is MASTER: the event
 * stream's transition hook (events.c) calls daemon_vrrp_changed() after
 * every transition. On stop, IPVS entries go after the VRRP
 * instances have handed over their VIPs, so no packet reaches a VIP whose
 * service is already gone. */

static bool ipvs_should_program(struct daemon *d)
{
	const char *name = d->conf.ipvs ? d->conf.ipvs->when_master : "";

	if (!name[0])
		return true;
	for (struct vrrp_inst *in = d->rt.insts; in; in = in->next)
		if (!strcmp(in->conf.name, name) && !in->removing)
			return in->fsm.state == VRRP_MASTER && !in->stopped;
	return false;
}

static void ipvs_follow(struct daemon *d)
{
	if (d->ipvs && !d->stopping)
		ipvs_run_set_active(d->ipvs, ipvs_should_program(d));
}

void daemon_vrrp_changed(struct daemon *d)
{
	ipvs_follow(d);
}

static struct ipvs_run *ipvs_new(struct daemon *d, char *err, size_t errlen)
{
	struct ipvs_run *r = ipvs_run_new(d->loop, d->conf.ipvs, ipvs_should_program(d), err,
					  errlen);

	if (r) {
		r->on_applied = ctl_event_ipvs;
		r->applied_arg = d;
	}
	return r;
}

static int daemon_ipvs_start(struct daemon *d, char *err, size_t errlen)
{
	if (!d->conf.ipvs)
		return 0;
	d->ipvs = ipvs_new(d, err, errlen);
	if (!d->ipvs)
		return -1;
	ipvs_follow(d);
	return 0;
}

/* After d->conf is the new configuration, before the old one is freed. */
static void daemon_ipvs_reload(struct daemon *d)
{
	char err[CONF_ERR_MAX];

	if (!d->ipvs && d->conf.ipvs) {
		d->ipvs = ipvs_new(d, err, sizeof(err));
		if (!d->ipvs)
			log_errx("reload: %s", err);
	} else if (d->ipvs && ipvs_run_reload(d->ipvs, d->conf.ipvs) < 0) {
		/* keeps pointing at the old conf: stop using it */
		log_errx("reload: ipvs: out of memory; IPVS left as it is");
		ipvs_run_free(d->ipvs);
		d->ipvs = NULL;
	}
	ipvs_follow(d);
}

static void on_ipvs_stopped(void *arg)
{
	struct daemon *d = arg;

	d->ipvs_stop_done = true;
	loop_timer_arm(d->loop, &d->reap_timer, loop_now(d->loop));
}

/* True once IPVS is done (entries removed, or kept by on_stop = "keep"). */
static bool daemon_ipvs_stop(struct daemon *d)
{
	if (!d->ipvs)
		return true;
	if (!d->ipvs_stop_started) {
		d->ipvs_stop_started = true;
		ipvs_run_stop(d->ipvs, on_ipvs_stopped, d);
	}
	return d->ipvs_stop_done;
}

static void daemon_ipvs_free(struct daemon *d)
{
	ipvs_run_free(d->ipvs);
	d->ipvs = NULL;
}

/* ---- checkers engine (issue 6) ----
 * A checker's result drives everything that names it: the VRRP `track`
 * input of the same name (weight, or FAULT), the IPVS real servers whose
 * `check` it is, and the database pool nodes it watches (every run, so a
 * replica's growing lag moves it out of the read service in time). */

static enum ipvs_node_role node_role(enum chk_role r)
{
	return r == CHK_ROLE_PRIMARY ? IPVS_NODE_PRIMARY :
	       r == CHK_ROLE_REPLICA ? IPVS_NODE_REPLICA : IPVS_NODE_UNKNOWN;
}

static void chk_result_cb(const struct chk_state *st, void *arg)
{
	struct daemon *d = arg;
	const struct conf_ipvs *ci = d->conf.ipvs;
	struct ipvs_node_state ns = {
		.up = st->state == CHK_UP, .role = node_role(st->role),
		.lag_bytes = st->lag_known ? st->lag_bytes : 0, .timeline = st->timeline,
	};

	for (size_t p = 0; d->ipvs && ci && p < ci->n_pools; p++)
		for (size_t i = 0; i < ci->pools[p].n_nodes; i++)
			if (!strcmp(ci->pools[p].nodes[i].check, st->name))
				ipvs_run_set_node(d->ipvs, ci->pools[p].name, i, &ns);
}

static void chk_apply(struct daemon *d, const struct chk_state *st)
{
	bool up = st->state == CHK_UP;

	if (st->state == CHK_UNKNOWN)
		return;
	vrrp_track_set(&d->rt, st->name, up); /* -1: nothing tracks it */
	if (d->ipvs)
		ipvs_run_check_result(d->ipvs, st->name, up);
	chk_result_cb(st, d);
}

static void chk_change_cb(const struct chk_state *st, void *arg)
{
	struct daemon *d = arg;

	if (st->state != CHK_UNKNOWN) {
		log_info("check %s: %s (%s)", st->name, chk_result_str(st->state), st->reason);
		ctl_event_checker(d, st);
	}
	chk_apply(d, st);
}

/* After a reload every consumer hears every checker again: new tracks and
 * real servers start from defaults. */
static void chk_replay(struct daemon *d)
{
	for (size_t i = 0; d->chk && i < chk_engine_count(d->chk); i++)
		chk_apply(d, chk_engine_state(d->chk, i));
}

static int daemon_chk_start(struct daemon *d, char *err, size_t errlen)
{
	if (!d->conf.checkers)
		return 0;
	d->chk = chk_engine_new(d->loop, &d->conf, chk_change_cb, d);
	if (!d->chk) {
		snprintf(err, errlen, "checkers: cannot start");
		return -1;
	}
	chk_engine_set_on_result(d->chk, chk_result_cb, d);
	return 0;
}

static void daemon_chk_reload(struct daemon *d)
{
	char err[64];

	if (d->chk && !d->conf.checkers) {
		chk_engine_free(d->chk);
		d->chk = NULL;
	} else if (d->chk) {
		if (chk_engine_reload(d->chk, &d->conf) < 0)
			log_errx("reload: checkers: out of memory; checkers left as they were");
	} else if (daemon_chk_start(d, err, sizeof(err)) < 0) {
		log_errx("reload: %s", err);
	}
	chk_replay(d);
}

/* ---- VRRP ---- */

int conf_syslog_level(enum conf_log_level l)
{
	static const int map[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

	return (unsigned)l < sizeof(map) / sizeof(map[0]) ? map[l] : LOG_INFO;
}

/* Runs from a zero-delay timer rather than inside the instance's own
 * callback chain, so an instance is never freed under its caller. */
static void reap_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct daemon *d = arg;
	struct vrrp_inst *in = d->rt.insts, *next;

	for (; in; in = next) {
		next = in->next;
		if (in->stopped && (in->removing || d->stopping))
			vrrp_inst_destroy(in);
	}
	if (!d->stopping || d->rt.insts)
		return;
	/* the STOP hooks are queued behind the last transitions' hooks: let
	 * the notify runner start them in order (bounded by the stop timer) */
	if (d->rt.notify && notify_pending(d->rt.notify)) {
		loop_timer_arm(l, t, loop_now(l) + 20);
		return;
	}
	/* VIPs first, then IPVS (see the IPVS section) */
	if (daemon_ipvs_stop(d))
		loop_stop(l);
}

static void on_stopped(struct vrrp_rt *rt, void *arg)
{
	struct daemon *d = arg;

	loop_timer_arm(d->loop, &d->reap_timer, loop_now(d->loop));
}

static void stop_timeout_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	log_warnx("stop: instances did not finish in time, exiting");
	loop_stop(l);
}

static bool has_hooks(const struct conf_notify *n)
{
	return n->any.argv || n->master.argv || n->backup.argv || n->fault.argv || n->stop.argv;
}

static bool conf_has_hooks(const struct conf *c)
{
	for (size_t i = 0; i < c->n_vrrp; i++)
		if (has_hooks(&c->vrrp[i].notify))
			return true;
	for (size_t i = 0; i < c->n_sync; i++)
		if (has_hooks(&c->sync[i].notify))
			return true;
	return false;
}

/* The hook runner follows the configuration; hooks already running are
 * left to finish (notify_free does not kill them). */
static void setup_notify(struct daemon *d)
{
	const struct conf_global *g = &d->conf.global;
	struct passwd *pw = NULL;

	if (d->rt.notify) {
		notify_free(d->rt.notify);
		d->rt.notify = NULL;
	}
	if (!conf_has_hooks(&d->conf))
		return;
	/* conf_check verified the user exists; a lookup at (re)load only */
	if (g->notify_user[0] && !(pw = getpwnam(g->notify_user)))
		log_warnx("notify_user %s vanished: hooks disabled", g->notify_user);
	if (g->notify_user[0] && !pw)
		return;
	d->rt.notify = notify_new(d->loop, pw ? pw->pw_uid : 0, pw ? pw->pw_gid : 0,
				  pw != NULL, g->notify_timeout_ms);
}

static void apply_global(struct daemon *d)
{
	if (d->log_level_override < 0)
		log_set_level(conf_syslog_level(d->conf.global.log_level));
	d->rt.conf = &d->conf;
	setup_notify(d);
}

static void start_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct daemon *d = arg;

	for (struct vrrp_inst *in = d->rt.insts; in; in = in->next)
		if (in->fsm.state == VRRP_INIT && !in->stopped && !d->stopping)
			vrrp_inst_start(in);
}

/* Create every instance of c that is not running yet; all or nothing. */
static int create_new(struct daemon *d, const struct conf *c, struct vrrp_inst **made,
		      char *err, size_t errlen)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_vrrp; i++) {
		const struct conf_vrrp *v = &c->vrrp[i];

		made[i] = NULL;
		if (vrrp_inst_find(&d->rt, v->ifname, v->vrid, v->family))
			continue;
		made[i] = vrrp_inst_create(&d->rt, v, err, errlen);
		if (!made[i]) {
			for (size_t k = 0; k < i; k++)
				if (made[k])
					vrrp_inst_destroy(made[k]);
			return -1;
		}
		n++;
	}
	return (int)n;
}

/* The VMAC rules name each parent device ("dup to ... device eth0"), which
 * nftables resolves when the rules load: check the parents exist first, so
 * a missing interface is reported as such, not as an nftables error. */
static int vmac_parents_exist(const struct conf *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->n_vrrp; i++)
		if (c->vrrp[i].use_vmac && if_nametoindex(c->vrrp[i].ifname) == 0) {
			snprintf(err, errlen, "interface %s not found", c->vrrp[i].ifname);
			return -1;
		}
	return 0;
}

/* Libraries loaded only when the configuration needs them (daemon/dl.h):
 * a missing one refuses the configuration here, before anything changes.
 * (libnftables is loaded by vrrp_accept_apply() itself.) */
static int load_libs(const struct conf *c, char *err, size_t errlen)
{
	for (size_t i = 0; c->checkers && i < c->checkers->n; i++)
		if (c->checkers->list[i].type == CONF_CHK_PGSQL)
			return chk_pq_load(err, errlen);
	return 0;
}

int daemon_init(struct daemon *d, struct loop *l, struct conf *c,
		char *err, size_t errlen)
{
	struct vrrp_inst **made;

	d->loop = l;
	d->conf = *c;
	memset(c, 0, sizeof(*c));
	loop_timer_init(&d->reap_timer, reap_cb, d);
	loop_timer_init(&d->stop_timer, stop_timeout_cb, d);
	loop_timer_init(&d->start_timer, start_cb, d);
	if (vrrp_rt_init(&d->rt, l, err, errlen) < 0)
		return -1;
	apply_global(d);
	d->rt.on_stopped = on_stopped;
	d->rt.arg = d;
	made = calloc(d->conf.n_vrrp + 1, sizeof(*made));
	/* rules before instances: creating an instance joins 224.0.0.18 or
	 * ff02::12 on its socket, and the kernel sends the IGMP/MLD report at
	 * once; the VMAC rule must already be there to send it from the parent */
	if (!made || load_libs(&d->conf, err, errlen) < 0 ||
	    vmac_parents_exist(&d->conf, err, errlen) < 0 ||
	    vrrp_accept_apply(&d->conf, err, errlen) < 0) {
		free(made);
		return -1;
	}
	if (create_new(d, &d->conf, made, err, errlen) < 0 ||
	    vrrp_sync_build(&d->rt, &d->conf, err, errlen) < 0) {
		vrrp_accept_remove();
		free(made);
		return -1;
	}
	free(made);
	d->ctl = control_open(l, d->conf.global.control_socket, daemon_command, d,
			      err, errlen);
	if (!d->ctl || daemon_ipvs_start(d, err, errlen) < 0 ||
	    daemon_chk_start(d, err, errlen) < 0)
		return -1;
	/* startup_delay: stay in Initialize a while (e.g. until the network
	 * settles after boot) */
	if (d->conf.global.startup_delay_ms)
		log_notice("starting VRRP in %u ms (startup_delay)", d->conf.global.startup_delay_ms);
	loop_timer_arm(l, &d->start_timer, loop_now(l) + d->conf.global.startup_delay_ms);
	return 0;
}

static bool in_conf(const struct conf *c, const struct vrrp_inst *in)
{
	for (size_t i = 0; i < c->n_vrrp; i++)
		if (c->vrrp[i].vrid == in->conf.vrid &&
		    c->vrrp[i].family == in->conf.family &&
		    strcmp(c->vrrp[i].ifname, in->conf.ifname) == 0)
			return true;
	return false;
}

/* Apply nc, already checked and whose new instances exist (made[i]). */
static void apply_reload(struct daemon *d, struct conf *nc, struct vrrp_inst **made)
{
	struct conf old = d->conf;
	char err[CONF_ERR_MAX];

	if (strcmp(nc->global.control_socket, old.global.control_socket))
		log_warnx("reload: control_socket changes need a restart");
	d->conf = *nc;
	apply_global(d);
	daemon_ipvs_reload(d);
	daemon_chk_reload(d);
	for (struct vrrp_inst *in = d->rt.insts; in; in = in->next)
		if (!in_conf(&d->conf, in) && !in->removing) {
			in->removing = true;
			VLOG(LOG_NOTICE, in, "removed by reload");
			vrrp_inst_shutdown(in);
		}
	if (vrrp_sync_build(&d->rt, &d->conf, err, sizeof(err)) < 0)
		log_errx("reload: %s", err); /* conf_check makes this unreachable */
	for (size_t i = 0; i < d->conf.n_vrrp; i++) {
		struct conf_vrrp *v = &d->conf.vrrp[i];

		if (made[i])
			vrrp_inst_start(made[i]);
		else
			vrrp_inst_reconfigure(vrrp_inst_find(&d->rt, v->ifname, v->vrid, v->family), v);
	}
	conf_free(&old);
}

int daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct conf nc;
	struct vrrp_inst **made;

	if (d->stopping) {
		snprintf(err, errlen, "stopping");
		return -1;
	}
	if (conf_read(d->conf.path, &nc, err, errlen) < 0)
		goto refuse;
	/* accept_mode and VMAC rules: one atomic transaction, so a failure
	 * leaves the running rules in place and the reload is refused whole;
	 * loaded before the new instances exist (see daemon_init) */
	if (load_libs(&nc, err, errlen) < 0 ||
	    vmac_parents_exist(&nc, err, errlen) < 0 ||
	    vrrp_accept_apply(&nc, err, errlen) < 0) {
		conf_free(&nc);
		goto refuse;
	}
	made = calloc(nc.n_vrrp + 1, sizeof(*made));
	if (!made || create_new(d, &nc, made, err, errlen) < 0) {
		char err2[CONF_ERR_MAX];

		/* back to the running rules */
		if (vrrp_accept_apply(&d->conf, err2, sizeof(err2)) < 0)
			log_errx("reload: restoring the running rules: %s", err2);
		free(made);
		conf_free(&nc);
		goto refuse;
	}
	/* the whole new configuration is accepted from here on */
	apply_reload(d, &nc, made);
	free(made);
	log_notice("reload: %s applied", d->conf.path);
	return 0;
refuse:
	log_errx("reload refused, keeping the running configuration: %s", err);
	return -1;
}

void daemon_stop(struct daemon *d)
{
	uint32_t longest = 0;

	if (d->stopping) {
		log_notice("stop: already stopping");
		return;
	}
	d->stopping = true;
	log_notice("stop: handing over");
	for (struct vrrp_inst *in = d->rt.insts; in; in = in->next)
		if (in->conf.handover_ms > longest)
			longest = in->conf.handover_ms;
	if (d->ipvs)
		longest += IPVS_STOP_MS;
	loop_timer_arm(d->loop, &d->stop_timer, loop_now(d->loop) + longest + STOP_MARGIN_MS);
	for (struct vrrp_inst *in = d->rt.insts; in; in = in->next)
		vrrp_inst_shutdown(in);
	loop_timer_arm(d->loop, &d->reap_timer, loop_now(d->loop));
}

void daemon_free(struct daemon *d)
{
	loop_timer_cancel(d->loop, &d->reap_timer);
	loop_timer_cancel(d->loop, &d->stop_timer);
	loop_timer_cancel(d->loop, &d->start_timer);
	control_close(d->ctl);
	d->ctl = NULL;
	if (d->chk)
		chk_engine_free(d->chk);
	d->chk = NULL;
	daemon_ipvs_free(d);
	if (d->rt.notify)
		notify_free(d->rt.notify);
	d->rt.notify = NULL;
	vrrp_rt_free(&d->rt);
	if (d->loop)
		vrrp_accept_remove();
	conf_free(&d->conf);
}
