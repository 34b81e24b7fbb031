/* vrrp_inst.c - performs what the state machine decides: adverts, VIPs,
 * gratuitous ARP, timers, logs. Decisions stay in vrrp_fsm.c. */
#include "vrrp/vrrp_inst.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink/nl_addr.h"
#include "netlink/nl_link.h"
#include "vrrp/vrrp_arp.h"
#include "vrrp/vrrp_sock.h"

static void inst_timer_cb(struct loop *l, struct loop_timer *t, void *arg);
static void garp_timer_cb(struct loop *l, struct loop_timer *t, void *arg);

static void params_from_conf(struct vrrp_params *p, const struct conf_vrrp *c,
			     const struct vrrp_iface *ifp)
{
	p->version = c->version;
	p->priority = c->priority;
	p->adver_int_ms = c->adver_int_ms;
	p->preempt = c->preempt;
	p->preempt_delay_ms = c->preempt_delay_ms;
	p->handover_ms = c->handover_ms;
	p->primary = ifp->primary4;
	p->owner = c->priority == 255;
}

static int conf_copy(struct conf_vrrp *dst, const struct conf_vrrp *src)
{
	struct conf_vip *v = calloc(src->n_vips ? src->n_vips : 1, sizeof(*v));

	if (!v)
		return -1;
	memcpy(v, src->vips, src->n_vips * sizeof(*v));
	free(dst->vips);
	*dst = *src;
	dst->vips = v;
	return 0;
}

struct vrrp_inst *vrrp_inst_create(struct vrrp_rt *rt, const struct conf_vrrp *c,
				   char *err, size_t errlen)
{
	struct vrrp_inst *in = calloc(1, sizeof(*in));

	if (!in || conf_copy(&in->conf, c) < 0) {
		free(in);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	in->rt = rt;
	in->ifp = vrrp_iface_get(rt, c->ifname, c, err, errlen);
	if (!in->ifp) {
		free(in->conf.vips);
		free(in);
		return NULL;
	}
	in->ifp->by_vrid4[c->vrid] = in;
	params_from_conf(&in->params, c, in->ifp);
	vrrp_fsm_init(&in->fsm);
	loop_timer_init(&in->timer, inst_timer_cb, in);
	loop_timer_init(&in->garp_timer, garp_timer_cb, in);
	in->next = rt->insts;
	rt->insts = in;
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
	if (in->ifp->by_vrid4[in->conf.vrid] == in)
		in->ifp->by_vrid4[in->conf.vrid] = NULL;
	vrrp_iface_put(in->ifp);
	free(in->conf.vips);
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

static void send_advert(struct vrrp_inst *in, uint8_t prio)
{
	struct vrrp_adv adv = {
		.version = in->conf.version, .type = VRRP_TYPE_ADVERT,
		.vrid = in->conf.vrid, .priority = prio,
		.naddr = (uint8_t)in->conf.n_vips,
		.adver_int_cs = (uint16_t)(in->conf.adver_int_ms / 10),
		.src = in->ifp->primary4,
	};
	uint8_t buf[VRRP_PKT_MAX];
	struct addr group;
	size_t len;

	for (size_t i = 0; i < in->conf.n_vips; i++)
		adv.addrs[i] = in->conf.vips[i].addr;
	vrrp_sock_group(AF_INET, &group);
	len = vrrp_pkt_encode(&adv, &group, buf, sizeof(buf));
	if (!len) {
		VLOG(LOG_ERR, in, "cannot encode advert");
		return;
	}
	if (vrrp_sock_send_from(in->ifp->fd4, &adv.src, &group, buf, len) < 0) {
		/* expected while the link is down: FAULT follows */
		VLOG(LOG_DEBUG, in, "advert not sent: %s", strerror(errno));
		return;
	}
	in->tx_adverts++;
	in->rt->tx_adverts++;
}

static void vips_change(struct vrrp_inst *in, enum nl_addr_op op,
			const struct conf_vip *vips, size_t n, bool quiet)
{
	uint8_t buf[256];
	char a[ADDR_STRLEN];

	for (size_t i = 0; i < n; i++) {
		size_t len = nl_addr_msg(buf, sizeof(buf), op, ++in->rt->nl_seq,
					 in->ifp->ifindex, &vips[i].addr,
					 vips[i].prefixlen);

		if (!quiet)
			VLOG(LOG_INFO, in, "%s %s/%u %s %s",
			     op == NL_ADDR_ADD ? "adding" : "removing",
			     addr_fmt(&vips[i].addr, a, sizeof(a)),
			     vips[i].prefixlen, op == NL_ADDR_ADD ? "to" : "from",
			     in->ifp->name);
		/* rtnetlink applies the change inside send(): when it returns
		 * the address is there (or gone); the ack reports errors. */
		if (!len || nl_route_send(in->rt->nl_fd, buf, len) < 0)
			VLOG(LOG_ERR, in, "netlink address request failed: %s",
			     strerror(errno));
	}
}

static void send_garps(struct vrrp_inst *in)
{
	uint8_t frame[VRRP_ARP_FRAME_LEN];

	if (!in->ifp->running || in->conf.family != AF_INET)
		return;
	for (size_t i = 0; i < in->conf.n_vips; i++) {
		size_t len = vrrp_arp_build(frame, sizeof(frame), in->ifp->mac,
					    in->conf.vips[i].addr.u.v4);

		if (vrrp_arp_send(in->rt->arp_fd, in->ifp->ifindex, frame, len) == 0)
			in->rt->tx_garp++;
		else
			VLOG(LOG_DEBUG, in, "gratuitous ARP not sent: %s", strerror(errno));
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

void vrrp_inst_event(struct vrrp_inst *in, const struct vrrp_event *ev)
{
	struct vrrp_rt *rt = in->rt;
	uint64_t now = loop_now(rt->loop);
	enum vrrp_state old = in->fsm.state;
	struct vrrp_actions acts;
	char a[ADDR_STRLEN];

	vrrp_fsm_step(&in->params, &in->fsm, ev, now, &acts);
	if (in->fsm.state != old || acts.why[0]) {
		if (ev->type == VRRP_EV_ADVERT)
			VLOG(LOG_NOTICE, in, "%s -> %s (%s: %s priority %u)",
			     vrrp_state_str(old), vrrp_state_str(in->fsm.state), acts.why,
			     addr_fmt(&ev->adv_src, a, sizeof(a)), ev->adv_priority);
		else
			VLOG(LOG_NOTICE, in, "%s -> %s (%s)", vrrp_state_str(old),
			     vrrp_state_str(in->fsm.state), acts.why);
	}
	if (in->fsm.state != old)
		in->since = now;
	perform(in, &acts);
	if (in->fsm.timer_at)
		loop_timer_arm(rt->loop, &in->timer, in->fsm.timer_at);
	else
		loop_timer_cancel(rt->loop, &in->timer);
	if (in->fsm.state != VRRP_MASTER)
		loop_timer_cancel(rt->loop, &in->garp_timer);
	if (in->stopped && rt->on_stopped)
		rt->on_stopped(rt, rt->arg);
}

static void inst_timer_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct vrrp_event ev = { .type = VRRP_EV_TIMER };

	vrrp_inst_event(arg, &ev);
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
	if (!in->ifp->running) {
		ev.type = VRRP_EV_FAULT;
		vrrp_inst_event(in, &ev);
	}
}

void vrrp_inst_shutdown(struct vrrp_inst *in)
{
	struct vrrp_event ev = { .type = VRRP_EV_SHUTDOWN };

	if (!in->stopped)
		vrrp_inst_event(in, &ev);
}

static bool vip_in(const struct conf_vip *v, const struct conf_vip *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (addr_eq(&v->addr, &set[i].addr) && v->prefixlen == set[i].prefixlen)
			return true;
	return false;
}

/* Reload: keep the state, move the VIPs we hold to the new list, and let
 * the state machine react to a new priority. */
void vrrp_inst_reconfigure(struct vrrp_inst *in, const struct conf_vrrp *c)
{
	struct conf_vrrp old = in->conf;
	bool holding = in->fsm.state == VRRP_MASTER || in->fsm.state == VRRP_LEAVING;
	uint8_t old_prio = in->params.priority;

	in->conf.vips = NULL;
	if (conf_copy(&in->conf, c) < 0) {
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
	free(old.vips);
	params_from_conf(&in->params, &in->conf, in->ifp);
	if (in->params.priority != old_prio) {
		struct vrrp_event ev = { .type = VRRP_EV_PRIORITY };

		VLOG(LOG_INFO, in, "priority %u -> %u", old_prio, in->params.priority);
		vrrp_inst_event(in, &ev);
	}
}

bool vrrp_rt_all_stopped(const struct vrrp_rt *rt)
{
	for (const struct vrrp_inst *in = rt->insts; in; in = in->next)
		if (!in->stopped)
			return false;
	return true;
}
