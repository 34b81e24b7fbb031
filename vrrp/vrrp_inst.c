/* vrrp_inst.c - performs what the state machine decides: adverts, VIPs,
 * gratuitous ARP, timers, logs. Decisions stay in vrrp_fsm.c. */
#include "vrrp/vrrp_inst.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/notify.h"
#include "netlink/nl_addr.h"
#include "netlink/nl_link.h"
#include "vrrp/vrrp_arp.h"
#include "vrrp/vrrp_na.h"
#include "vrrp/vrrp_sock.h"
#include "vrrp/vrrp_vmac.h"

static void inst_timer_cb(struct loop *l, struct loop_timer *t, void *arg);

static void garp_timer_cb(struct loop *l, struct loop_timer *t, void *arg);

/* Tracking weights move the priority within 1..254; the owner's 255 is
 * never tracked (issue 3: "Priority is clamped to 1..254"). */
static uint8_t effective_priority(uint8_t base, int delta)
{
	int p = base + delta;

	if (base == 255)
		return 255;
	return (uint8_t)(p < 1 ? 1 : p > 254 ? 254 : p);
}

static void params_from_conf(struct vrrp_inst *in)
{
	struct vrrp_params *p = &in->params;
	const struct conf_vrrp *c = &in->conf;

	/* unicast_src_ip, when set, is both the source and the §6.4.3
	 * tie-break address; otherwise the interface's primary. */
	in->src = c->unicast_src.family ? c->unicast_src
					: in->ifp->primary[vrrp_fam_idx(c->family)];
	p->version = c->version;
	p->priority = effective_priority(c->priority, in->track_delta);
	p->adver_int_ms = c->adver_int_ms;
	p->preempt = c->preempt;
	p->preempt_delay_ms = c->preempt_delay_ms;
	p->handover_ms = c->handover_ms;
	p->primary = in->src;
	p->owner = c->priority == 255;
	p->higher_prio_send_advert = c->higher_prio_send_advert;
}

struct vrrp_inst *vrrp_inst_create(struct vrrp_rt *rt, const struct conf_vrrp *c,
				   char *err, size_t errlen)
{
	struct vrrp_inst *in = calloc(1, sizeof(*in));

	if (!in || conf_vrrp_copy(&in->conf, c) < 0) {
		free(in);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	in->rt = rt;
	/* with a virtual MAC, adverts, VIPs and announcements all live on the
	 * macvlan (vrrp_vmac.c says why) */
	if (c->use_vmac && vrrp_vmac_setup(c, err, errlen) < 0) {
		conf_vrrp_free(&in->conf);
		free(in);
		return NULL;
	}
	in->ifp = vrrp_iface_get(rt, c->use_vmac ? c->vmac_ifname : c->ifname, c, err, errlen);
	if (in->ifp && c->use_vmac &&
	    vrrp_vmac_sock_prepare(c, in->ifp->fd[vrrp_fam_idx(c->family)], err, errlen) < 0) {
		vrrp_iface_put(in->ifp);
		in->ifp = NULL;
	}
	if (!in->ifp) {
		if (c->use_vmac)
			vrrp_vmac_teardown(c);
		conf_vrrp_free(&in->conf);
		free(in);
		return NULL;
	}
	in->ifp->by_vrid[vrrp_fam_idx(c->family)][c->vrid] = in;
	params_from_conf(in);
	in->params.maintenance = rt->maintenance;
	vrrp_fsm_init(&in->fsm);
	loop_timer_init(&in->timer, inst_timer_cb, in);
	loop_timer_init(&in->garp_timer, garp_timer_cb, in);
	in->next = rt->insts;
	rt->insts = in;
	if (vrrp_track_register(in, err, errlen) < 0) {
		vrrp_inst_destroy(in);
		return NULL;
	}
	return in;
}

void vrrp_inst_destroy(struct vrrp_inst *in)
{
	struct vrrp_inst **pp;

	for (pp = &in->rt->insts; *pp; pp = &(*pp)->next)
		if (*pp == in) {
			*pp = in->next;
			break;
		}
	loop_timer_cancel(in->rt->loop, &in->timer);
	loop_timer_cancel(in->rt->loop, &in->garp_timer);
	if (in->ifp->by_vrid[vrrp_fam_idx(in->conf.family)][in->conf.vrid] == in)
		in->ifp->by_vrid[vrrp_fam_idx(in->conf.family)][in->conf.vrid] = NULL;
	vrrp_iface_put(in->ifp);
	if (in->conf.use_vmac)
		vrrp_vmac_teardown(&in->conf);
	conf_vrrp_free(&in->conf);
	free(in);
}

struct vrrp_inst *vrrp_inst_find(struct vrrp_rt *rt, const char *ifname,
				 uint8_t vrid, uint8_t family)
{
	for (struct vrrp_inst *in = rt->insts; in; in = in->next)
		if (in->conf.vrid == vrid && in->conf.family == family &&
		    !in->removing && strcmp(in->conf.ifname, ifname) == 0)
			return in;
	return NULL;
}

/* ---- actions ---- */

static void send_one(struct vrrp_inst *in, const struct vrrp_adv *adv,
		     const struct addr *dst)
{
	uint8_t buf[VRRP_PKT_MAX];
	size_t len = vrrp_pkt_encode(adv, dst, buf, sizeof(buf)); /* v3 checksum covers dst */
	int fd = in->ifp->fd[vrrp_fam_idx(in->conf.family)];

	if (!len) {
		VLOG(LOG_ERR, in, "cannot encode advert");
		return;
	}
	if (vrrp_sock_send_from(fd, &adv->src, dst, buf, len) < 0) {
		/* expected while the link is down: FAULT follows */
		VLOG(LOG_DEBUG, in, "advert not sent: %s", strerror(errno));
		return;
	}
	in->tx_adverts++;
	in->rt->tx_adverts++;
}

/* Multicast to the group, or one copy per unicast peer. */
static void send_advert(struct vrrp_inst *in, uint8_t prio)
{
	struct vrrp_adv adv = {
		.version = in->conf.version, .type = VRRP_TYPE_ADVERT,
		.vrid = in->conf.vrid, .priority = prio,
		.naddr = (uint8_t)in->conf.n_vips,
		.adver_int_cs = (uint16_t)(in->conf.adver_int_ms / 10),
		.src = in->src,
	};
	struct addr group;

	for (size_t i = 0; i < in->conf.n_vips; i++)
		adv.addrs[i] = in->conf.vips[i].addr;
	if (!in->conf.n_unicast_peers) {
		vrrp_sock_group(in->conf.family, &group);
		send_one(in, &adv, &group);
	}
	for (size_t i = 0; i < in->conf.n_unicast_peers; i++)
		send_one(in, &adv, &in->conf.unicast_peers[i]);
}

static void vips_change(struct vrrp_inst *in, enum nl_addr_op op,
			const struct conf_vip *vips, size_t n, bool cleanup)
{
	uint8_t buf[256];
	char a[ADDR_STRLEN];
	struct vrrp_rt *rt = in->rt;

	for (size_t i = 0; i < n; i++) {
		uint32_t seq = ++rt->nl_seq;
		struct vrrp_nlreq *rq = &rt->nlreq[seq % VRRP_NLREQ_RING];
		size_t len = nl_addr_msg(buf, sizeof(buf), op, seq, in->ifp->ifindex,
					 &vips[i].addr, vips[i].prefixlen);

		rq->seq = seq;
		rq->cleanup = cleanup;
		snprintf(rq->what, sizeof(rq->what), "[VRID %u] %s: %s %s/%u %s %s",
			 in->conf.vrid, in->conf.name, op == NL_ADDR_ADD ? "add" : "remove",
			 addr_fmt(&vips[i].addr, a, sizeof(a)), vips[i].prefixlen,
			 op == NL_ADDR_ADD ? "to" : "from", in->ifp->name);
		if (!cleanup)
			log_info("%s", rq->what);
		/* rtnetlink applies the change inside send(): when it returns
		 * the address is there (or gone); the ack reports errors. */
		if (!len || nl_route_send(rt->nl_fd, buf, len) < 0)
			log_warn("%s: netlink", rq->what);
	}
}

/* Gratuitous ARP (IPv4) or unsolicited NA (IPv6, RFC 5798 §8.2) for
 * every VIP. The NA has R clear: a balancer's VIP is a service address,
 * and R set would make hosts list us as a default router (RFC 4861 §7.2.5). */
static void send_garps(struct vrrp_inst *in)
{
	uint8_t frame[VRRP_NA_FRAME_LEN > VRRP_ARP_FRAME_LEN ? VRRP_NA_FRAME_LEN : VRRP_ARP_FRAME_LEN];
	const uint8_t *mac = in->ifp->mac;
	int rc;

	if (!in->ifp->running)
		return;
	for (size_t i = 0; i < in->conf.n_vips; i++) {
		const struct addr *vip = &in->conf.vips[i].addr;
		size_t len;

		if (vip->family == AF_INET) {
			len = vrrp_arp_build(frame, sizeof(frame), mac, vip->u.v4);
			rc = vrrp_arp_send(in->rt->arp_fd, in->ifp->ifindex, frame, len);
		} else {
			len = vrrp_na_build(frame, sizeof(frame), mac, &vip->u.v6, false);
			rc = vrrp_na_send(in->rt->arp_fd, in->ifp->ifindex, frame, len);
		}
		if (rc == 0)
			in->rt->tx_garp++;
		else
			VLOG(LOG_DEBUG, in, "announcement not sent: %s", strerror(errno));
	}
}

/* One burst of garp_count, garp_interval apart, then one refresh burst every
 * garp_refresh while master (switches age out MAC entries). */
static void garp_timer_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct vrrp_inst *in = arg;

	if (in->fsm.state != VRRP_MASTER)
		return;
	send_garps(in);
	if (in->garp_left > 1) {
		in->garp_left--;
		loop_timer_arm(l, t, loop_now(l) + in->conf.garp_interval_ms);
	} else if (in->conf.garp_refresh_ms) {
		in->garp_left = 1;
		loop_timer_arm(l, t, loop_now(l) + in->conf.garp_refresh_ms);
	}
}

static void announce(struct vrrp_inst *in)
{
	in->garp_left = in->conf.garp_count;
	garp_timer_cb(in->rt->loop, &in->garp_timer, in);
}

static void perform(struct vrrp_inst *in, const struct vrrp_actions *acts)
{
	for (unsigned i = 0; i < acts->n; i++) {
		const struct vrrp_action *a = &acts->a[i];

		switch (a->type) {
		case VRRP_ACT_SEND_ADVERT:
			send_advert(in, a->priority);
			break;
		case VRRP_ACT_ADD_VIPS:
			vips_change(in, NL_ADDR_ADD, in->conf.vips, in->conf.n_vips, false);
			break;
		case VRRP_ACT_DEL_VIPS:
			vips_change(in, NL_ADDR_DEL, in->conf.vips, in->conf.n_vips, false);
			break;
		case VRRP_ACT_ANNOUNCE:
			announce(in);
			break;
		case VRRP_ACT_STOPPED:
			in->stopped = true;
			break;
		case VRRP_ACT_MAX:
			break;
		}
	}
}

/* ---- events ---- */

static const struct conf_argv *hook_for(const struct conf_notify *n, enum vrrp_state st,
					bool stopped)
{
	if (stopped)
		return &n->stop;
	switch (st) {
	case VRRP_MASTER: return &n->master;
	case VRRP_BACKUP: return &n->backup;
	case VRRP_FAULT: return &n->fault;
	default: return NULL;
	}
}

/* Notify hooks get the states operators know from keepalived: MASTER,
 * BACKUP, FAULT and STOP; INIT and LEAVING are transient. */
void vrrp_notify(struct notify *nt, const struct conf_notify *n, enum notify_type type,
		 const char *name, enum vrrp_state st, bool stopped, int prio)
{
	const struct conf_argv *specific = hook_for(n, st, stopped);
	const char *word = stopped ? "STOP" : vrrp_state_str(st);
	char key[CONF_NAME_MAX + 16];
	char **args;

	if (!nt || (!specific && !stopped))
		return;
	snprintf(key, sizeof(key), "%s:%s", notify_type_str(type), name);
	if (n->any.argv) {
		args = notify_build_args(n->any.argv, type, name, word, prio);
		if (args)
			notify_enqueue(nt, key, args);
		notify_free_args(args);
	}
	if (specific && specific->argv)
		notify_enqueue(nt, key, specific->argv);
}

static void after_change(struct vrrp_inst *in, enum vrrp_state old)
{
	in->since = loop_now(in->rt->loop);
	in->transitions++;
	in->group_ready = false;
	if (in->fsm.state != VRRP_INIT || in->stopped)
		vrrp_notify(in->rt->notify, &in->conf.notify, NOTIFY_INSTANCE, in->conf.name,
			    in->fsm.state, in->stopped, in->params.priority);
	if (in->sync)
		vrrp_sync_follow(in, old);
}

void vrrp_inst_event(struct vrrp_inst *in, const struct vrrp_event *ev)
{
	struct vrrp_rt *rt = in->rt;
	uint64_t now = loop_now(rt->loop);
	enum vrrp_state old = in->fsm.state;
	struct vrrp_actions acts;
	char a[ADDR_STRLEN];

	vrrp_fsm_step(&in->params, &in->fsm, ev, now, &acts);
	if (acts.why[0]) {
		if (ev->type == VRRP_EV_ADVERT)
			VLOG(LOG_NOTICE, in, "%s -> %s (%s: %s priority %u)",
			     vrrp_state_str(old), vrrp_state_str(in->fsm.state), acts.why,
			     addr_fmt(&ev->adv_src, a, sizeof(a)), ev->adv_priority);
		else
			VLOG(LOG_NOTICE, in, "%s -> %s (%s%s%s)", vrrp_state_str(old),
			     vrrp_state_str(in->fsm.state), acts.why,
			     in->fault_why[0] && in->fsm.state == VRRP_FAULT ? ": " : "",
			     in->fsm.state == VRRP_FAULT ? in->fault_why : "");
	}
	perform(in, &acts);
	if (in->fsm.timer_at)
		loop_timer_arm(rt->loop, &in->timer, in->fsm.timer_at);
	else
		loop_timer_cancel(rt->loop, &in->timer);
	if (in->fsm.state != VRRP_MASTER)
		loop_timer_cancel(rt->loop, &in->garp_timer);
	if (ev->type == VRRP_EV_ADVERT)
		in->group_ready = false; /* its master is alive after all */
	if (in->fsm.state != old) {
		after_change(in, old);
		if (rt->on_change)
			rt->on_change(rt, in, old, acts.why, rt->arg);
	}
	if (in->stopped && rt->on_stopped)
		rt->on_stopped(rt, rt->arg);
}

/* A sync group member whose Master_Down_Timer runs out only goes master
 * with the whole group (keepalived: vrrp_sync_can_goto_master). */
static void inst_timer_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct vrrp_inst *in = arg;
	struct vrrp_event ev = { .type = VRRP_EV_TIMER };

	if (in->sync && in->fsm.state == VRRP_BACKUP) {
		in->group_ready = true;
		if (!vrrp_sync_may_master(in)) {
			VLOG(LOG_INFO, in, "master down, waiting for sync group %s",
			     vrrp_sync_name(in->sync));
			return;
		}
	}
	vrrp_inst_event(in, &ev);
}

/* Tracking and links decide the fault and the priority; the state machine
 * hears about changes only. */
void vrrp_inst_refresh(struct vrrp_inst *in)
{
	struct vrrp_event ev = { 0 };
	int delta = 0;
	bool fault = false, was = in->fsm.state == VRRP_FAULT;
	uint8_t prio = in->params.priority;

	if (in->stopped)
		return;
	vrrp_track_eval(in, &delta, &fault, in->fault_why, sizeof(in->fault_why));
	in->own_fault = fault || !in->ifp->running;
	if (!in->ifp->running)
		snprintf(in->fault_why, sizeof(in->fault_why), "%s link down", in->ifp->name);
	in->track_delta = delta;
	in->params.priority = effective_priority(in->conf.priority, delta);
	fault = in->own_fault || vrrp_sync_group_fault(in);
	if (fault && !was && in->fsm.state != VRRP_INIT) {
		if (!in->own_fault && in->sync)
			snprintf(in->fault_why, sizeof(in->fault_why), "sync group %s",
				 vrrp_sync_name(in->sync));
		ev.type = VRRP_EV_FAULT;
		vrrp_inst_event(in, &ev);
	} else if (!fault && was) {
		in->fault_why[0] = '\0';
		ev.type = VRRP_EV_FAULT_CLEAR;
		vrrp_inst_event(in, &ev);
	}
	if (in->params.priority != prio) {
		VLOG(LOG_INFO, in, "priority %u -> %u (tracking %+d)", prio,
		     in->params.priority, delta);
		ev.type = VRRP_EV_PRIORITY;
		vrrp_inst_event(in, &ev);
	}
}

void vrrp_inst_start(struct vrrp_inst *in)
{
	struct vrrp_event ev = { .type = VRRP_EV_STARTUP };

	/* A crashed run may have left our VIPs behind (§6.4.1 requires we
	 * start without them); deleting an absent address is harmless. The
	 * address owner's addresses are the interface's own: leave them. */
	if (in->conf.priority != 255)
		vips_change(in, NL_ADDR_DEL, in->conf.vips, in->conf.n_vips, true);
	vrrp_inst_event(in, &ev);
	vrrp_inst_refresh(in);
}

void vrrp_inst_shutdown(struct vrrp_inst *in)
{
	struct vrrp_event ev = { .type = VRRP_EV_SHUTDOWN };

	if (!in->stopped)
		vrrp_inst_event(in, &ev);
}

int vrrp_inst_handoff(struct vrrp_inst *in)
{
	struct vrrp_event ev = { .type = VRRP_EV_HANDOFF };

	if (in->fsm.state != VRRP_MASTER)
		return -1;
	vrrp_inst_event(in, &ev);
	return 0;
}

void vrrp_inst_maintenance(struct vrrp_inst *in, bool on)
{
	if (in->params.maintenance == on)
		return;
	in->params.maintenance = on;
	VLOG(LOG_NOTICE, in, "maintenance %s", on ? "on" : "off");
	if (on)
		vrrp_inst_handoff(in);
}

static bool vip_in(const struct conf_vip *v, const struct conf_vip *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (addr_eq(&v->addr, &set[i].addr) && v->prefixlen == set[i].prefixlen)
			return true;
	return false;
}

/* Reload: keep the state, move the VIPs we hold to the new list, and let
 * tracking and the state machine react to the new priority. */
void vrrp_inst_reconfigure(struct vrrp_inst *in, const struct conf_vrrp *c)
{
	struct conf_vrrp old = in->conf;
	bool holding = in->fsm.state == VRRP_MASTER || in->fsm.state == VRRP_LEAVING;
	char err[CONF_ERR_MAX];
	uint8_t old_prio;

	memset(&in->conf, 0, sizeof(in->conf));
	if (conf_vrrp_copy(&in->conf, c) < 0) {
		in->conf = old;
		VLOG(LOG_ERR, in, "reload: out of memory, keeping the old settings");
		return;
	}
	if (holding && in->conf.priority != 255) {
		for (size_t i = 0; i < old.n_vips; i++)
			if (!vip_in(&old.vips[i], in->conf.vips, in->conf.n_vips))
				vips_change(in, NL_ADDR_DEL, &old.vips[i], 1, false);
		for (size_t i = 0; i < in->conf.n_vips; i++)
			if (!vip_in(&in->conf.vips[i], old.vips, old.n_vips))
				vips_change(in, NL_ADDR_ADD, &in->conf.vips[i], 1, false);
	}
	conf_vrrp_free(&old);
	old_prio = in->params.priority;
	params_from_conf(in);
	in->params.priority = old_prio; /* refresh announces the change */
	if (vrrp_track_register(in, err, sizeof(err)) < 0)
		VLOG(LOG_ERR, in, "reload: tracking: %s", err);
	vrrp_inst_refresh(in);
}

bool vrrp_rt_all_stopped(const struct vrrp_rt *rt)
{
	for (const struct vrrp_inst *in = rt->insts; in; in = in->next)
		if (!in->stopped)
			return false;
	return true;
}
