/* vrrp_inst.h - VRRP instances at run time: the I/O around the pure state
 * machine. vrrp_inst.c performs actions and owns timers; vrrp_rx.c owns the
 * interfaces, their sockets, packet reception and link events. */
#ifndef TANDEM_VRRP_INST_H
#define TANDEM_VRRP_INST_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "daemon/loop.h"
#include "daemon/log.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_pkt.h"

struct vrrp_inst;

/* One network interface VRRP runs on. */
struct vrrp_iface {
	struct vrrp_iface *next;
	struct vrrp_rt *rt;
	char name[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[6];
	bool running;
	struct addr primary4;
	int fd4;                          /* raw protocol 112 socket, -1 if none */
	unsigned refs;
	struct vrrp_inst *by_vrid4[256];  /* IPv4 instances by VRID */
};

/* Everything the instances share: the loop, netlink and ARP sockets and the
 * daemon-wide counters. Owned by the daemon. */
struct vrrp_rt {
	struct loop *loop;
	int nl_fd;     /* rtnetlink requests (acks come back here) */
	int nl_ev_fd;  /* rtnetlink link events */
	int arp_fd;    /* AF_PACKET, send only */
	uint32_t nl_seq;
	struct vrrp_iface *ifaces;
	struct vrrp_inst *insts;
	uint64_t rx[VRRP_RX_ERR_MAX]; /* [VRRP_RX_OK] = accepted */
	uint64_t tx_adverts, tx_garp;
	void (*on_stopped)(struct vrrp_rt *rt, void *arg);
	void *arg;
};

struct vrrp_inst {
	struct vrrp_inst *next;
	struct vrrp_rt *rt;
	struct vrrp_iface *ifp;
	struct conf_vrrp conf;      /* own copy; conf.vips is owned */
	struct vrrp_params params;
	struct vrrp_fsm fsm;
	struct loop_timer timer;    /* fsm.timer_at */
	struct loop_timer garp_timer;
	unsigned garp_left;
	bool stopped;               /* shutdown finished */
	bool removing;              /* dropped by a reload: destroy once stopped */
	uint64_t since;             /* time of the last state change */
	uint64_t rx_ok, tx_adverts;
	uint64_t rx_drop[VRRP_RX_ERR_MAX];
};

/* "[VRID 51] web: ..." on every line about an instance. */
#define VLOG(lvl, in, fmt, ...) \
	log_msg(lvl, "[VRID %u] %s: " fmt, (in)->conf.vrid, (in)->conf.name, ##__VA_ARGS__)

int vrrp_rt_init(struct vrrp_rt *rt, struct loop *l, char *err, size_t errlen);
void vrrp_rt_free(struct vrrp_rt *rt);
bool vrrp_rt_all_stopped(const struct vrrp_rt *rt);

/* Create an instance (opening its interface if needed); not started yet. */
struct vrrp_inst *vrrp_inst_create(struct vrrp_rt *rt, const struct conf_vrrp *c,
				   char *err, size_t errlen);
/* Remove VIPs a crashed run left behind, then §6.4.1 Startup. */
void vrrp_inst_start(struct vrrp_inst *in);
/* Apply a reloaded configuration with the same (interface, VRID, family). */
void vrrp_inst_reconfigure(struct vrrp_inst *in, const struct conf_vrrp *c);
void vrrp_inst_shutdown(struct vrrp_inst *in);
void vrrp_inst_destroy(struct vrrp_inst *in);
/* Feed one event to the state machine and perform its actions. */
void vrrp_inst_event(struct vrrp_inst *in, const struct vrrp_event *ev);
struct vrrp_inst *vrrp_inst_find(struct vrrp_rt *rt, const char *ifname,
				 uint8_t vrid, uint8_t family);

/* vrrp_rx.c */
struct vrrp_iface *vrrp_iface_get(struct vrrp_rt *rt, const char *ifname,
				  const struct conf_vrrp *c, char *err, size_t errlen);
void vrrp_iface_put(struct vrrp_iface *ifp);
void vrrp_rx_link_event_fd(struct loop *l, int fd, uint32_t events, void *arg);

#endif
