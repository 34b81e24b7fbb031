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

/* One packet per wakeup: epoll is level-triggered, so a second one wakes
 * us again at once, while the usual single advert costs no extra recvmsg()
 * that would only return EAGAIN (a third of a backup's syscalls). It also
 * lets timers run between the packets of a flood. */
#define RX_BURST 1

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

static bool from_peer(const struct vrrp_inst *in, const struct addr *src)
{
	for (size_t i = 0; i < in->conf.n_unicast_peers; i++)
		if (addr_eq(src, &in->conf.unicast_peers[i]))
			return true;
	return false;
}

/* §7.1 checks that need the instance, then the state machine. */
static void dispatch(struct vrrp_iface *ifp, int fi, const struct vrrp_adv *adv)
{
	struct vrrp_inst *in = ifp->by_vrid[fi][adv->vrid];
	struct vrrp_event ev = { .type = VRRP_EV_ADVERT };

	if (addr_eq(&adv->src, &ifp->primary[fi]) || (in && addr_eq(&adv->src, &in->src)))
		return; /* our own, looped back by a bridge or macvlan */
	if (!in || in->removing)
		return count(ifp->rt, NULL, VRRP_RX_UNKNOWN_VRID);
	/* unicast mode: only the configured peers may speak (issue 3) */
	if (in->conf.n_unicast_peers && !from_peer(in, &adv->src))
		return count(ifp->rt, in, VRRP_RX_NOT_PEER);
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
	in->last_adv_at = loop_now(ifp->rt->loop);
	ev.adv_priority = adv->priority;
	ev.adv_int_ms = adv->adver_int_cs * 10u;
	ev.adv_src = adv->src;
	vrrp_inst_event(in, &ev);
}

/* A packet that failed decoding is still attributed to its instance when
 * the VRID byte is readable. */
static struct vrrp_inst *guess_inst(struct vrrp_iface *ifp, int fi,
				    const uint8_t *buf, size_t n)
{
	size_t off = 0;

	if (fi == 0) {
		off = n > 0 ? (size_t)(buf[0] & 0x0f) * 4 : 0;
		if (off < 20)
			return NULL;
	}
	return n > off + 1 ? ifp->by_vrid[fi][buf[off + 1]] : NULL;
}

static void rx_family(struct vrrp_iface *ifp, int fi)
{
	int family = fi ? AF_INET6 : AF_INET;
	uint8_t buf[2048];
	struct vrrp_rx_meta meta;
	struct vrrp_adv adv;

	for (int i = 0; i < RX_BURST; i++) {
		ssize_t n = vrrp_sock_recv(ifp->fd[fi], family, buf, sizeof(buf), &meta);
		enum vrrp_rx_err e;

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("vrrp: %s: receive", ifp->name);
			return;
		}
		e = fi ? vrrp_pkt_decode(buf, (size_t)n, &meta, &adv)
		       : vrrp_pkt_decode_ip4(buf, (size_t)n, &adv);
		if (e != VRRP_RX_OK) {
			count(ifp->rt, guess_inst(ifp, fi, buf, (size_t)n), e);
			continue;
		}
		dispatch(ifp, fi, &adv);
	}
}

static void rx4_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	rx_family(arg, 0);
}

static void rx6_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	rx_family(arg, 1);
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
	if (c->use_vmac && strcmp(ifname, c->vmac_ifname) == 0) {
		/* a VMAC has no address of its own: send from the parent's */
		struct nl_ifinfo parent;

		if (nl_ifinfo_get(c->ifname, ex, nex, &parent, err, errlen) < 0)
			return NULL;
		info.primary4 = parent.primary4;
		info.primary6 = parent.primary6;
	}
	ifp = calloc(1, sizeof(*ifp));
	if (!ifp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ifp->rt = rt;
	ifp->fd[0] = ifp->fd[1] = -1;
	snprintf(ifp->name, sizeof(ifp->name), "%s", ifname);
	ifp->ifindex = info.ifindex;
	memcpy(ifp->mac, info.mac, sizeof(ifp->mac));
	ifp->running = info.running;
	ifp->primary[0] = info.primary4;
	ifp->primary[1] = info.primary6;
	return ifp;
}

/* The family's socket, opened when the first instance of it arrives. */
static int iface_family(struct vrrp_iface *ifp, int family, char *err, size_t errlen)
{
	int fi = vrrp_fam_idx(family);

	if (ifp->fd[fi] >= 0)
		return 0;
	if (!ifp->primary[fi].family) {
		snprintf(err, errlen, "interface %s has no %s address to send adverts from",
			 ifp->name, fi ? "IPv6 link-local" : "IPv4");
		return -1;
	}
	ifp->fd[fi] = vrrp_sock_open(family, ifp->ifindex, ifp->name);
	if (ifp->fd[fi] < 0 ||
	    loop_add_fd(ifp->rt->loop, ifp->fd[fi], EPOLLIN, fi ? rx6_cb : rx4_cb, ifp) < 0) {
		snprintf(err, errlen, "interface %s: VRRP socket: %s", ifp->name, strerror(errno));
		if (ifp->fd[fi] >= 0)
			close(ifp->fd[fi]);
		ifp->fd[fi] = -1;
		return -1;
	}
	return 0;
}

struct vrrp_iface *vrrp_iface_get(struct vrrp_rt *rt, const char *ifname,
				  const struct conf_vrrp *c, char *err, size_t errlen)
{
	struct vrrp_iface *ifp;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	for (ifp = rt->ifaces; ifp; ifp = ifp->next)
		if (strcmp(ifp->name, ifname) == 0)
			break;
	if (!ifp) {
		ifp = iface_open(rt, ifname, c, err, errlen);
		if (!ifp)
			return NULL;
		ifp->next = rt->ifaces;
		rt->ifaces = ifp;
		log_info("vrrp: %s: index %d, primary %s, link-local %s, link %s", ifname,
			 ifp->ifindex, addr_fmt(&ifp->primary[0], a, sizeof(a)),
			 addr_fmt(&ifp->primary[1], b, sizeof(b)), ifp->running ? "up" : "down");
	}
	ifp->refs++;
	if (iface_family(ifp, c->family, err, errlen) < 0) {
		vrrp_iface_put(ifp);
		return NULL;
	}
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
	for (int fi = 0; fi < VRRP_FAMILIES; fi++)
		if (ifp->fd[fi] >= 0) {
			loop_del_fd(ifp->rt->loop, ifp->fd[fi]);
			close(ifp->fd[fi]);
		}
	free(ifp);
}

static void link_changed(struct vrrp_iface *ifp, bool running)
{
	if (ifp->running == running)
		return;
	ifp->running = running;
	log_notice("vrrp: %s: link %s", ifp->name, running ? "up" : "down");
	for (struct vrrp_inst *in = ifp->rt->insts; in; in = in->next)
		if (in->ifp == ifp && !in->stopped)
			vrrp_inst_refresh(in);
}

static void link_cb(const struct nl_link_event *lev, void *arg)
{
	struct vrrp_rt *rt = arg;
	bool up = lev->running && !lev->deleted;

	for (struct vrrp_iface *ifp = rt->ifaces; ifp; ifp = ifp->next)
		if (ifp->ifindex == lev->ifindex)
			link_changed(ifp, up);
	vrrp_track_link(rt, lev->ifindex, lev->ifname, up);
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
	struct vrrp_rt *rt = arg;
	const struct vrrp_nlreq *rq = &rt->nlreq[seq % VRRP_NLREQ_RING];
	const char *what = rq->seq == seq ? rq->what : "netlink request";

	if (rq->seq == seq && rq->cleanup) {
		if (err == 0)
			log_notice("%s: it was left behind by a previous run", what);
		return;
	}
	/* Adding a present address or deleting an absent one is success. */
	if (err && err != -EEXIST && err != -EADDRNOTAVAIL && err != -ENOENT)
		log_warnx("%s: failed: %s", what, strerror(-err));
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
	rt->nl_fd = rt->nl_ev_fd = rt->arp_fd = rt->inotify_fd = -1;
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
	vrrp_sync_free(rt);
	vrrp_track_free(rt);
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
	rt->nl_fd = rt->nl_ev_fd = rt->arp_fd = rt->inotify_fd = -1;
}
