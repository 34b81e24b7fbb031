/* vrrp_rx.c - interfaces VRRP runs on: their sockets, packet reception and
 * the §7.1 checks that need the instance, link events (FAULT), and the
 * shared runtime (netlink and ARP sockets). */
#include "vrrp/vrrp_inst.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "netlink/nl_ifinfo.h"
#include "netlink/nl_link.h"
#include "vrrp/vrrp_arp.h"
#include "vrrp/vrrp_sock.h"

/* Bounded so that a flood of packets cannot starve our own timers. */
#define RX_BURST 64

static void count(struct vrrp_rt *rt, struct vrrp_inst *in, enum vrrp_rx_err e)
{
	rt->rx[e]++;
	if (in)
		in->rx_drop[e]++;
	log_debug("vrrp: dropped packet: %s", vrrp_rx_err_str(e));
}

static bool same_addrs(const struct vrrp_inst *in, const struct vrrp_adv *adv)
{
	if (adv->naddr != in->conf.n_vips)
		return false;
	for (size_t i = 0; i < in->conf.n_vips; i++)
		if (!addr_eq(&adv->addrs[i], &in->conf.vips[i].addr))
			return false;
	return true;
}

/* §7.1 checks that need the instance, then the state machine. */
static void dispatch(struct vrrp_iface *ifp, const struct vrrp_adv *adv)
{
	struct vrrp_inst *in = ifp->by_vrid4[adv->vrid];
	struct vrrp_event ev = { .type = VRRP_EV_ADVERT };

	if (addr_eq(&adv->src, &ifp->primary4))
		return; /* our own, looped back by a bridge or macvlan */
	if (!in || in->removing)
		return count(ifp->rt, NULL, VRRP_RX_UNKNOWN_VRID);
	if (adv->version != in->conf.version)
		return count(ifp->rt, in, VRRP_RX_VERSION_MISMATCH);
	/* RFC 3768 §7.1: v2 routers must agree on the interval */
	if (adv->version == 2 && adv->adver_int_cs * 10u != in->conf.adver_int_ms)
		return count(ifp->rt, in, VRRP_RX_BAD_INTERVAL);
	if (in->params.owner)
		return count(ifp->rt, in, VRRP_RX_OWNER);
	if (!same_addrs(in, adv)) {
		/* §7.1 MAY: a misconfiguration, logged and counted; processed */
		count(ifp->rt, in, VRRP_RX_ADDR_MISMATCH);
		if (in->rx_drop[VRRP_RX_ADDR_MISMATCH] == 1)
			VLOG(LOG_WARNING, in, "advert lists other addresses than ours: misconfiguration?");
	}
	ifp->rt->rx[VRRP_RX_OK]++;
	in->rx_ok++;
	ev.adv_priority = adv->priority;
	ev.adv_int_ms = adv->adver_int_cs * 10u;
	ev.adv_src = adv->src;
	vrrp_inst_event(in, &ev);
}

static void rx_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct vrrp_iface *ifp = arg;
	uint8_t buf[2048];
	struct vrrp_rx_meta meta;
	struct vrrp_adv adv;

	for (int i = 0; i < RX_BURST; i++) {
		ssize_t n = vrrp_sock_recv(fd, AF_INET, buf, sizeof(buf), &meta);
		enum vrrp_rx_err e;

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("vrrp: %s: receive", ifp->name);
			return;
		}
		e = vrrp_pkt_decode_ip4(buf, (size_t)n, &adv);
		if (e != VRRP_RX_OK) {
			/* attribute it to the instance when the VRID is readable */
			struct vrrp_inst *in = NULL;
			size_t ihl = n > 0 ? (size_t)(buf[0] & 0x0f) * 4 : 0;

			if (ihl >= 20 && (size_t)n > ihl + 1)
				in = ifp->by_vrid4[buf[ihl + 1]];
			count(ifp->rt, in, e);
			continue;
		}
		dispatch(ifp, &adv);
	}
}

static void collect_vips(const struct vrrp_rt *rt, const char *ifname,
			 struct addr *ex, size_t *n, size_t max)
{
	for (const struct vrrp_inst *in = rt->insts; in; in = in->next) {
		if (strcmp(in->conf.ifname, ifname))
			continue;
		for (size_t i = 0; i < in->conf.n_vips && *n < max; i++)
			ex[(*n)++] = in->conf.vips[i].addr;
	}
}

static struct vrrp_iface *iface_open(struct vrrp_rt *rt, const char *ifname,
				     const struct conf_vrrp *c, char *err, size_t errlen)
{
	struct addr ex[256];
	size_t nex = 0;
	struct nl_ifinfo info;
	struct vrrp_iface *ifp;

	/* Never pick a VIP (ours, or one a crashed run left) as the primary. */
	for (size_t i = 0; i < c->n_vips; i++)
		ex[nex++] = c->vips[i].addr;
	collect_vips(rt, ifname, ex, &nex, sizeof(ex) / sizeof(ex[0]));
	if (nl_ifinfo_get(ifname, ex, nex, &info, err, errlen) < 0)
		return NULL;
	if (!info.primary4.family) {
		snprintf(err, errlen, "interface %s has no IPv4 address to send adverts from", ifname);
		return NULL;
	}
	ifp = calloc(1, sizeof(*ifp));
	if (!ifp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ifp->fd4 = vrrp_sock_open(AF_INET, info.ifindex, ifname);
	if (ifp->fd4 < 0 || loop_add_fd(rt->loop, ifp->fd4, EPOLLIN, rx_cb, ifp) < 0) {
		snprintf(err, errlen, "interface %s: VRRP socket: %s", ifname, strerror(errno));
		if (ifp->fd4 >= 0)
			close(ifp->fd4);
		free(ifp);
		return NULL;
	}
	ifp->rt = rt;
	snprintf(ifp->name, sizeof(ifp->name), "%s", ifname);
	ifp->ifindex = info.ifindex;
	memcpy(ifp->mac, info.mac, sizeof(ifp->mac));
	ifp->running = info.running;
	ifp->primary4 = info.primary4;
	return ifp;
}

struct vrrp_iface *vrrp_iface_get(struct vrrp_rt *rt, const char *ifname,
				  const struct conf_vrrp *c, char *err, size_t errlen)
{
	struct vrrp_iface *ifp;
	char a[ADDR_STRLEN];

	for (ifp = rt->ifaces; ifp; ifp = ifp->next)
		if (strcmp(ifp->name, ifname) == 0) {
			ifp->refs++;
			return ifp;
		}
	ifp = iface_open(rt, ifname, c, err, errlen);
	if (!ifp)
		return NULL;
	ifp->refs = 1;
	ifp->next = rt->ifaces;
	rt->ifaces = ifp;
	log_info("vrrp: %s: index %d, primary %s, link %s", ifname, ifp->ifindex,
		 addr_fmt(&ifp->primary4, a, sizeof(a)), ifp->running ? "up" : "down");
	return ifp;
}

void vrrp_iface_put(struct vrrp_iface *ifp)
{
	struct vrrp_iface **pp;

	if (--ifp->refs)
		return;
	for (pp = &ifp->rt->ifaces; *pp; pp = &(*pp)->next)
		if (*pp == ifp) {
			*pp = ifp->next;
			break;
		}
	loop_del_fd(ifp->rt->loop, ifp->fd4);
	close(ifp->fd4);
	free(ifp);
}

static void link_changed(struct vrrp_iface *ifp, bool running)
{
	struct vrrp_event ev = { .type = running ? VRRP_EV_FAULT_CLEAR : VRRP_EV_FAULT };

	if (ifp->running == running)
		return;
	ifp->running = running;
	log_notice("vrrp: %s: link %s", ifp->name, running ? "up" : "down");
	for (struct vrrp_inst *in = ifp->rt->insts; in; in = in->next)
		if (in->ifp == ifp && !in->stopped)
			vrrp_inst_event(in, &ev);
}

static void link_cb(const struct nl_link_event *lev, void *arg)
{
	struct vrrp_rt *rt = arg;

	for (struct vrrp_iface *ifp = rt->ifaces; ifp; ifp = ifp->next)
		if (ifp->ifindex == lev->ifindex)
			link_changed(ifp, lev->running && !lev->deleted);
}

/* Events were lost (ENOBUFS): ask the kernel for the truth again. */
static void link_resync(struct vrrp_rt *rt)
{
	char err[128];
	struct nl_ifinfo info;

	for (struct vrrp_iface *ifp = rt->ifaces; ifp; ifp = ifp->next) {
		if (nl_ifinfo_get(ifp->name, NULL, 0, &info, err, sizeof(err)) < 0)
			link_changed(ifp, false);
		else
			link_changed(ifp, info.running);
	}
}

void vrrp_rx_link_event_fd(struct loop *l, int fd, uint32_t events, void *arg)
{
	if (nl_route_read(fd, link_cb, NULL, arg) < 0) {
		if (errno == ENOBUFS)
			link_resync(arg);
		else
			log_warn("netlink: link events");
	}
}

static void ack_cb(uint32_t seq, int err, void *arg)
{
	/* Adding a present address or deleting an absent one is success. */
	if (err && err != -EEXIST && err != -EADDRNOTAVAIL && err != -ENOENT)
		log_warnx("netlink: request %u failed: %s", seq, strerror(-err));
}

static void nl_cmd_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	if (nl_route_read(fd, NULL, ack_cb, arg) < 0)
		log_warn("netlink: acks");
}

int vrrp_rt_init(struct vrrp_rt *rt, struct loop *l, char *err, size_t errlen)
{
	memset(rt, 0, sizeof(*rt));
	rt->loop = l;
	rt->nl_fd = rt->nl_ev_fd = rt->arp_fd = -1;
	rt->nl_fd = nl_route_open(0);
	rt->nl_ev_fd = nl_route_open(RTMGRP_LINK);
	rt->arp_fd = vrrp_arp_open();
	if (rt->nl_fd < 0 || rt->nl_ev_fd < 0 || rt->arp_fd < 0 ||
	    loop_add_fd(l, rt->nl_fd, EPOLLIN, nl_cmd_cb, rt) < 0 ||
	    loop_add_fd(l, rt->nl_ev_fd, EPOLLIN, vrrp_rx_link_event_fd, rt) < 0) {
		snprintf(err, errlen, "netlink/packet sockets: %s", strerror(errno));
		vrrp_rt_free(rt);
		return -1;
	}
	return 0;
}

void vrrp_rt_free(struct vrrp_rt *rt)
{
	while (rt->insts)
		vrrp_inst_destroy(rt->insts);
	if (rt->nl_fd >= 0) {
		loop_del_fd(rt->loop, rt->nl_fd);
		close(rt->nl_fd);
	}
	if (rt->nl_ev_fd >= 0) {
		loop_del_fd(rt->loop, rt->nl_ev_fd);
		close(rt->nl_ev_fd);
	}
	if (rt->arp_fd >= 0)
		close(rt->arp_fd);
	rt->nl_fd = rt->nl_ev_fd = rt->arp_fd = -1;
}
