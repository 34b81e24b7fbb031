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
#include "daemon/notify.h"
#include "daemon/loop.h"
#include "daemon/log.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_pkt.h"

struct vrrp_inst;
struct vrrp_sync;

#define VRRP_FAMILIES 2 /* index 0 = IPv4, 1 = IPv6 */
static inline int vrrp_fam_idx(int family) { return family == AF_INET6; }

/* One network interface VRRP runs on. */
struct vrrp_iface {
	struct vrrp_iface *next;
	struct vrrp_rt *rt;
	char name[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[6];
	bool running;
	struct addr primary[VRRP_FAMILIES]; /* IPv4 primary, IPv6 link-local */
	int fd[VRRP_FAMILIES];            /* raw protocol 112 sockets, -1 if none */
	unsigned refs;
	struct vrrp_inst *by_vrid[VRRP_FAMILIES][256];
};

/* Tracked things shared by instances (vrrp_track.c). */
struct vrrp_tlink {   /* an interface named in track_interface */
	struct vrrp_tlink *next;
	char name[IF_NAMESIZE];
	int ifindex;
	bool running;
};
struct vrrp_tfile {   /* a file named in track_file */
	struct vrrp_tfile *next;
	char path[CONF_PATH_MAX];
	int wd;           /* inotify watch of its directory */
	bool ok;          /* readable and holds an integer */
	long value;
};
struct vrrp_tname {   /* a generic track input (checkers, tandemctl) */
	struct vrrp_tname *next;
	char name[CONF_NAME_MAX];
	bool ok;
};

/* What a netlink request was for, so that its ack can be logged in words. */
struct vrrp_nlreq {
	uint32_t seq;
	bool cleanup;   /* start-up removal of a VIP a crashed run may have left */
	char what[96];  /* "[VRID 51] web: add 192.0.2.10/24 to eth0" */
};
#define VRRP_NLREQ_RING 128

/* Everything the instances share: the loop, netlink and ARP sockets and the
 * daemon-wide counters. Owned by the daemon. */
struct vrrp_rt {
	struct loop *loop;
	int nl_fd;     /* rtnetlink requests (acks come back here) */
	int nl_ev_fd;  /* rtnetlink link events */
	int arp_fd;    /* AF_PACKET, send only */
	uint32_t nl_seq;
	struct vrrp_nlreq nlreq[VRRP_NLREQ_RING]; /* indexed by seq % ring */
	struct vrrp_iface *ifaces;
	struct vrrp_inst *insts;
	struct vrrp_sync *syncs;
	struct vrrp_tlink *tlinks;
	struct vrrp_tfile *tfiles;
	struct vrrp_tname *tnames;
	int inotify_fd;
	struct notify *notify; /* NULL: no hooks configured */
	const struct conf *conf; /* the running configuration (notify argv) */
	bool maintenance;        /* node-wide: instances created later inherit it */
	uint64_t rx[VRRP_RX_ERR_MAX]; /* [VRRP_RX_OK] = accepted */
	uint64_t tx_adverts, tx_garp;
	void (*on_stopped)(struct vrrp_rt *rt, void *arg);
	/* every state change of an instance, after its actions (event stream) */
	void (*on_change)(struct vrrp_rt *rt, const struct vrrp_inst *in,
			  enum vrrp_state old, const char *why, void *arg);
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
	struct vrrp_sync *sync;     /* sync group, or NULL */
	struct addr src;            /* advert source: unicast_src_ip or the interface's primary */
	bool group_ready;           /* Master_Down_Timer ran out; waiting for the sync group */
	bool own_fault;             /* own link down or a weight-0 tracked item failed */
	int track_delta;            /* sum of tracked weights now applied */
	char fault_why[96];
	bool stopped;               /* shutdown finished */
	bool removing;              /* dropped by a reload: destroy once stopped */
	uint64_t since;             /* time of the last state change */
	uint64_t transitions;       /* state changes since start */
	uint64_t rx_ok, tx_adverts;
	uint64_t last_adv_at;       /* loop time of the last accepted advert (takeover metric) */
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
/* Planned handoff: a master sends priority 0 and keeps its VIPs until the
 * new master is heard (make-before-break), then stays a non-preempting
 * backup. Returns -1 if the instance is not master. */
int vrrp_inst_handoff(struct vrrp_inst *in);
/* Maintenance: never become master while on; a master hands off first. */
void vrrp_inst_maintenance(struct vrrp_inst *in, bool on);
void vrrp_inst_destroy(struct vrrp_inst *in);
/* Feed one event to the state machine and perform its actions. */
void vrrp_inst_event(struct vrrp_inst *in, const struct vrrp_event *ev);
struct vrrp_inst *vrrp_inst_find(struct vrrp_rt *rt, const char *ifname,
				 uint8_t vrid, uint8_t family);

/* Queue the notify hooks of n for a transition to st (stopped: STOP). */
void vrrp_notify(struct notify *nt, const struct conf_notify *n, enum notify_type type,
		 const char *name, enum vrrp_state st, bool stopped, int prio);

/* Re-evaluate tracking and faults (vrrp_track.c) and feed the resulting
 * FAULT / FAULT_CLEAR / PRIORITY events. */
void vrrp_inst_refresh(struct vrrp_inst *in);

/* vrrp_track.c */
int vrrp_track_register(struct vrrp_inst *in, char *err, size_t errlen);
/* Effective priority and own fault from the tracked state. */
void vrrp_track_eval(const struct vrrp_inst *in, int *delta, bool *fault,
		     char *why, size_t whylen);
void vrrp_track_link(struct vrrp_rt *rt, int ifindex, const char *name, bool running);
/* Set a generic track input; returns -1 if no instance tracks NAME. */
int vrrp_track_set(struct vrrp_rt *rt, const char *name, bool ok);
void vrrp_track_free(struct vrrp_rt *rt);

/* vrrp_sync.c */
int vrrp_sync_build(struct vrrp_rt *rt, const struct conf *c, char *err, size_t errlen);
void vrrp_sync_free(struct vrrp_rt *rt);
/* True if another member of in's group has its own fault. */
bool vrrp_sync_group_fault(const struct vrrp_inst *in);
/* in's Master_Down_Timer ran out: true if the group may go master now
 * (then every ready member has been moved to master but in itself). */
bool vrrp_sync_may_master(struct vrrp_inst *in);
/* Propagate in's transition from old to the other members. */
void vrrp_sync_follow(struct vrrp_inst *in, enum vrrp_state old);
const char *vrrp_sync_name(const struct vrrp_sync *s);

/* vrrp_rx.c */
struct vrrp_iface *vrrp_iface_get(struct vrrp_rt *rt, const char *ifname,
				  const struct conf_vrrp *c, char *err, size_t errlen);
void vrrp_iface_put(struct vrrp_iface *ifp);
void vrrp_rx_link_event_fd(struct loop *l, int fd, uint32_t events, void *arg);

#endif
