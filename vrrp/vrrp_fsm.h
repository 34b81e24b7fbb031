/* vrrp_fsm.h - the VRRP state machine of RFC 5798 §6.4 as a pure function:
 * (parameters, state, one event, now) -> new state + a short list of actions.
 * No sockets, no clock reads, no netlink here: the runtime (vrrp_inst.c)
 * performs the actions and arms the single timer at fsm->timer_at. */
#ifndef TANDEM_VRRP_FSM_H
#define TANDEM_VRRP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/addr.h"

enum vrrp_state {
	VRRP_INIT,    /* §6.4.1 Initialize; also "stopped" */
	VRRP_BACKUP,  /* §6.4.2 */
	VRRP_MASTER,  /* §6.4.3 */
	VRRP_FAULT,   /* not in the RFC: interface down / tracked item failed */
	VRRP_LEAVING, /* master on shutdown: sent priority 0, keeps the VIPs
			 until the new master is heard (graceful handover) */
	VRRP_STATE_MAX
};

enum vrrp_event_type {
	VRRP_EV_STARTUP,     /* §6.4.1 Startup event */
	VRRP_EV_TIMER,       /* fsm->timer_at reached: Master_Down_Timer,
				Adver_Timer or the handover bound, by state */
	VRRP_EV_ADVERT,      /* a validated advertisement for our VRID */
	VRRP_EV_SHUTDOWN,    /* §6.4.2/§6.4.3 Shutdown event */
	VRRP_EV_FAULT,       /* interface lost carrier, tracked item failed */
	VRRP_EV_FAULT_CLEAR, /* all clear again: re-initialize */
	VRRP_EV_PRIORITY,    /* params->priority changed (tracking, reload) */
	VRRP_EV_GROUP_MASTER,/* sync group: every member is ready to be master */
	VRRP_EV_GROUP_BACKUP,/* sync group: a member went back to Backup */
	VRRP_EV_HANDOFF,     /* planned handoff (tandemctl handoff/maintenance) */
	VRRP_EV_MAX
};

/* What an advert said, decoded (host order) by vrrp_pkt.c. */
struct vrrp_event {
	enum vrrp_event_type type;
	uint8_t adv_priority;
	uint32_t adv_int_ms; /* Max Adver Int in ms (v3); v2: the advert's */
	struct addr adv_src;
};

/* The instance's configuration as the state machine needs it. */
struct vrrp_params {
	uint8_t version;      /* 2 or 3 */
	uint8_t priority;     /* effective priority, 1..255 */
	uint32_t adver_int_ms;/* configured Advertisement_Interval */
	bool preempt;
	uint32_t preempt_delay_ms;
	uint32_t handover_ms; /* bound on the LEAVING state */
	struct addr primary;  /* our primary address on the interface (§6.4.3 tie-break) */
	bool higher_prio_send_advert; /* advertise once before yielding to a higher priority */
	bool owner;           /* address owner: configured priority 255 (§6.4.1) */
	bool maintenance;     /* never become master (tandemctl maintenance on) */
};

struct vrrp_fsm {
	enum vrrp_state state;
	uint32_t master_adver_int_ms; /* §6.1 Master_Adver_Interval (learned, v3) */
	uint64_t timer_at;            /* absolute ms, 0 = no timer */
	uint64_t preempt_after;       /* preemption allowed from this time on */
	struct addr master;           /* current master's address, family 0 = unknown */
	uint8_t master_priority;
	uint64_t last_reply_at;       /* last extra advert answering a priority 0 */
	bool handoff;                 /* LEAVING for a handoff: end in BACKUP, not INIT */
	bool yielded;                 /* handed off: do not preempt until master again */
};

enum vrrp_action_type {
	VRRP_ACT_SEND_ADVERT, /* .priority: our priority, or 0 on shutdown */
	VRRP_ACT_ADD_VIPS,
	VRRP_ACT_DEL_VIPS,
	VRRP_ACT_ANNOUNCE,    /* gratuitous ARP / unsolicited NA burst + refresh */
	VRRP_ACT_STOPPED,     /* shutdown complete for this instance */
	VRRP_ACT_MAX
};

struct vrrp_action {
	enum vrrp_action_type type;
	uint8_t priority;
};

#define VRRP_MAX_ACTIONS 6

struct vrrp_actions {
	unsigned n;
	struct vrrp_action a[VRRP_MAX_ACTIONS];
	const char *why; /* short reason for logs: "master down timer expired" */
};

/* §6.1 */
uint32_t vrrp_skew_ms(const struct vrrp_params *p, uint32_t master_adver_int_ms);
uint32_t vrrp_master_down_ms(const struct vrrp_params *p, uint32_t master_adver_int_ms);

void vrrp_fsm_init(struct vrrp_fsm *f);

/* One step. f is updated in place; out receives the actions in the order
 * they must be performed. Returns the new state. */
enum vrrp_state vrrp_fsm_step(const struct vrrp_params *p, struct vrrp_fsm *f,
			      const struct vrrp_event *ev, uint64_t now,
			      struct vrrp_actions *out);

const char *vrrp_state_str(enum vrrp_state s);
const char *vrrp_event_str(enum vrrp_event_type t);
const char *vrrp_action_str(enum vrrp_action_type t);

#endif
