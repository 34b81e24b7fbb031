/* ctl_json.c - the daemon's state as JSON (doc/control-protocol.md has
 * every field). States and reasons are the words of the logs. */
#include "config.h"

#include "daemon/ctl_json.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/events.h"

#define J_STR(o, k, v)  json_object_object_add(o, k, json_object_new_string(v))
#define J_INT(o, k, v)  json_object_object_add(o, k, json_object_new_int64((int64_t)(v)))
#define J_BOOL(o, k, v) json_object_object_add(o, k, json_object_new_boolean(v))

static json_object *j_addr(const struct addr *a)
{
	char s[ADDR_STRLEN];

	if (!a->family)
		return NULL; /* JSON null: unknown */
	return json_object_new_string(addr_fmt(a, s, sizeof(s)));
}

static json_object *j_vips(const struct vrrp_inst *in)
{
	json_object *arr = json_object_new_array();
	/* we hold the VIPs while MASTER and, make-before-break, LEAVING */
	bool held = in->fsm.state == VRRP_MASTER || in->fsm.state == VRRP_LEAVING;
	char s[ADDR_STRLEN + 8];

	for (size_t i = 0; i < in->conf.n_vips; i++) {
		json_object *v = json_object_new_object();
		char a[ADDR_STRLEN];

		snprintf(s, sizeof(s), "%s/%u", addr_fmt(&in->conf.vips[i].addr, a, sizeof(a)),
			 in->conf.vips[i].prefixlen);
		J_STR(v, "address", s);
		J_BOOL(v, "present", held);
		json_object_array_add(arr, v);
	}
	return arr;
}

static json_object *j_master(const struct vrrp_inst *in)
{
	json_object *m = json_object_new_object();

	json_object_object_add(m, "address", j_addr(&in->fsm.master));
	J_INT(m, "priority", in->fsm.master_priority);
	J_BOOL(m, "self", in->fsm.state == VRRP_MASTER || in->fsm.state == VRRP_LEAVING);
	J_INT(m, "advert_interval_ms", in->fsm.state == VRRP_MASTER ? in->params.adver_int_ms
								   : in->fsm.master_adver_int_ms);
	return m;
}

static json_object *j_counters(const struct vrrp_inst *in)
{
	json_object *c = json_object_new_object(), *drops = json_object_new_object();

	J_INT(c, "adverts_received", in->rx_ok);
	J_INT(c, "adverts_sent", in->tx_adverts);
	for (int e = VRRP_RX_OK + 1; e < VRRP_RX_ERR_MAX; e++)
		J_INT(drops, vrrp_rx_err_str((enum vrrp_rx_err)e), in->rx_drop[e]);
	json_object_object_add(c, "drops", drops);
	return c;
}

static json_object *j_peers(const struct vrrp_inst *in)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->conf.n_unicast_peers; i++)
		json_object_array_add(arr, j_addr(&in->conf.unicast_peers[i]));
	return arr;
}

static json_object *j_inst(struct daemon *d, const struct vrrp_inst *in)
{
	json_object *o = json_object_new_object();
	uint64_t now = loop_now(d->loop);
	struct ctl_inst_times t;

	J_STR(o, "name", in->conf.name);
	J_INT(o, "vrid", in->conf.vrid);
	J_STR(o, "interface", in->conf.ifname);
	J_STR(o, "family", in->conf.family == AF_INET6 ? "ipv6" : "ipv4");
	J_INT(o, "version", in->conf.version);
	J_STR(o, "state", vrrp_state_str(in->fsm.state));
	J_INT(o, "priority", in->params.priority);
	J_INT(o, "base_priority", in->conf.priority);
	J_INT(o, "advert_interval_ms", in->params.adver_int_ms);
	J_INT(o, "in_state_ms", now >= in->since ? now - in->since : 0);
	J_INT(o, "transitions", in->transitions);
	J_BOOL(o, "preempt", in->params.preempt);
	J_BOOL(o, "maintenance", in->params.maintenance);
	J_STR(o, "fault_reason", in->fsm.state == VRRP_FAULT ? in->fault_why : "");
	json_object_object_add(o, "sync_group",
			       in->sync ? json_object_new_string(vrrp_sync_name(in->sync)) : NULL);
	json_object_object_add(o, "master", j_master(in));
	json_object_object_add(o, "vips", j_vips(in));
	json_object_object_add(o, "unicast_peers", j_peers(in));
	json_object_object_add(o, "counters", j_counters(in));
	if (ctl_events_times(in->conf.name, &t)) {
		if (t.handoff_ms)
			J_INT(o, "last_handoff_ms", t.handoff_ms);
		if (t.takeover_ms)
			J_INT(o, "last_takeover_ms", t.takeover_ms);
		if (t.became_master_ms)
			J_INT(o, "master_since_ms", now - t.became_master_ms);
	}
	return o;
}

static bool match(const char *filter, const char *name)
{
	return !filter || !filter[0] || strcmp(filter, name) == 0;
}

/* In configuration order, which is what an operator reads. */
static json_object *collect_vrrp(struct daemon *d, const char *filter)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < d->conf.n_vrrp; i++) {
		const struct conf_vrrp *v = &d->conf.vrrp[i];
		const struct vrrp_inst *in = vrrp_inst_find(&d->rt, v->ifname, v->vrid, v->family);

		if (in && match(filter, in->conf.name))
			json_object_array_add(arr, j_inst(d, in));
	}
	return arr;
}

static const struct vrrp_inst *inst_by_name(struct daemon *d, const char *name)
{
	for (const struct vrrp_inst *in = d->rt.insts; in; in = in->next)
		if (!in->removing && strcmp(in->conf.name, name) == 0)
			return in;
	return NULL;
}

/* A group's state is its members' state when they agree, else "MIXED"
 * (a transition in progress, or a member in FAULT). */
static json_object *collect_sync(struct daemon *d, const char *filter)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < d->conf.n_sync; i++) {
		const struct conf_sync_group *g = &d->conf.sync[i];
		json_object *o, *members = json_object_new_array();
		const char *state = NULL;

		if (!match(filter, g->name)) {
			json_object_put(members);
			continue;
		}
		for (size_t k = 0; k < g->n_members; k++) {
			const struct vrrp_inst *in = inst_by_name(d, g->members[k]);
			const char *s = in ? vrrp_state_str(in->fsm.state) : "ABSENT";
			json_object *m = json_object_new_object();

			state = !state || strcmp(state, s) == 0 ? s : "MIXED";
			J_STR(m, "name", g->members[k]);
			J_STR(m, "state", s);
			json_object_array_add(members, m);
		}
		o = json_object_new_object();
		J_STR(o, "name", g->name);
		J_STR(o, "state", state ? state : "ABSENT");
		json_object_object_add(o, "members", members);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Who we hear: the master (ourselves when MASTER) and the configured
 * unicast peers. Backups are silent in VRRP, so that is all there is. */
static json_object *collect_peers(struct daemon *d, const char *filter)
{
	json_object *arr = json_object_new_array();

	for (const struct vrrp_inst *in = d->rt.insts; in; in = in->next) {
		json_object *o;

		if (in->removing || !match(filter, in->conf.name))
			continue;
		o = json_object_new_object();
		J_STR(o, "instance", in->conf.name);
		J_STR(o, "state", vrrp_state_str(in->fsm.state));
		json_object_object_add(o, "source", j_addr(&in->src));
		json_object_object_add(o, "master", j_master(in));
		json_object_object_add(o, "unicast_peers", j_peers(in));
		json_object_array_add(arr, o);
	}
	return arr;
}

const struct ctl_section ctl_sections[] = {
	{ "vrrp",     true,  collect_vrrp },
	{ "sync",     true,  collect_sync },
	{ "peers",    false, collect_peers },
	{ "checkers", true,  ctl_collect_checkers },
	{ "ipvs",     true,  ctl_collect_ipvs },
	{ NULL, false, NULL }
};

static json_object *j_daemon(struct daemon *d)
{
	json_object *o = json_object_new_object();

	J_STR(o, "version", PACKAGE_VERSION);
	J_STR(o, "router_id", d->conf.global.router_id);
	J_INT(o, "pid", getpid());
	J_STR(o, "config", d->conf.path);
	J_INT(o, "uptime_ms", loop_now(d->loop) - ctl_events_started_ms());
	J_BOOL(o, "maintenance", d->rt.maintenance);
	J_BOOL(o, "stopping", d->stopping);
	J_INT(o, "events_sent", ctl_events_seq());
	return o;
}

json_object *ctl_json_status(struct daemon *d, const char *filter)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "daemon", j_daemon(d));
	for (const struct ctl_section *s = ctl_sections; s->name; s++)
		if (s->in_status && s->collect)
			json_object_object_add(o, s->name, s->collect(d, filter));
	json_object_object_add(o, "counters", ctl_json_counters(d));
	return o;
}

json_object *ctl_json_show(struct daemon *d, const char *section, const char *filter)
{
	for (const struct ctl_section *s = ctl_sections; s->name; s++)
		if (strcmp(s->name, section) == 0 && s->collect) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, s->name, s->collect(d, filter));
			return o;
		}
	return NULL;
}

json_object *ctl_json_counters(struct daemon *d)
{
	json_object *o = json_object_new_object(), *rx = json_object_new_object();

	for (int e = VRRP_RX_OK; e < VRRP_RX_ERR_MAX; e++)
		J_INT(rx, e == VRRP_RX_OK ? "ok" : vrrp_rx_err_str((enum vrrp_rx_err)e), d->rt.rx[e]);
	json_object_object_add(o, "rx", rx);
	J_INT(o, "tx_adverts", d->rt.tx_adverts);
	J_INT(o, "tx_garp", d->rt.tx_garp);
	if (d->ipvs)
		json_object_object_add(o, "ipvs", ctl_ipvs_counters(d));
	return o;
}
