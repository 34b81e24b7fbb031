/* vrrp_fsm.c - RFC 5798 §6.4 state machine, pure: see vrrp_fsm.h.
 *
 * Like ospfd's interface FSM, transitions are a table indexed by state and
 * event; each cell is a small handler that names its RFC section. The one
 * timer per instance means Master_Down_Timer in BACKUP, Adver_Timer in
 * MASTER and the handover bound in LEAVING. */
#include "vrrp/vrrp_fsm.h"

#include <string.h>

static const char *const state_names[VRRP_STATE_MAX] = {
	"INIT", "BACKUP", "MASTER", "FAULT", "LEAVING",
};
static const char *const event_names[VRRP_EV_MAX] = {
	"startup", "timer", "advert", "shutdown", "fault", "fault-clear", "priority",
	"group-master", "group-backup", "handoff",
};
static const char *const action_names[VRRP_ACT_MAX] = {
	"send-advert", "add-vips", "del-vips", "announce", "stopped",
};

const char *vrrp_state_str(enum vrrp_state s)
{
	return s < VRRP_STATE_MAX ? state_names[s] : "?";
}

const char *vrrp_event_str(enum vrrp_event_type t)
{
	return t < VRRP_EV_MAX ? event_names[t] : "?";
}

const char *vrrp_action_str(enum vrrp_action_type t)
{
	return t < VRRP_ACT_MAX ? action_names[t] : "?";
}

/* §6.1 Skew_Time. v3 scales it by Master_Adver_Interval; RFC 3768 §6.1 (v2)
 * defines it as (256 - Priority) / 256 seconds. Computed in ms rather than
 * centiseconds: finer, and within the RFC's rounding. */
uint32_t vrrp_skew_ms(const struct vrrp_params *p, uint32_t mai_ms)
{
	uint32_t base = p->version == 2 ? 1000 : mai_ms;

	return (uint32_t)(((uint64_t)(256 - p->priority) * base) / 256);
}

/* §6.1 Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time */
uint32_t vrrp_master_down_ms(const struct vrrp_params *p, uint32_t mai_ms)
{
	return 3 * mai_ms + vrrp_skew_ms(p, mai_ms);
}

void vrrp_fsm_init(struct vrrp_fsm *f)
{
	memset(f, 0, sizeof(*f));
	f->state = VRRP_INIT;
}

static void act(struct vrrp_actions *out, enum vrrp_action_type t, uint8_t prio)
{
	if (out->n < VRRP_MAX_ACTIONS) {
		out->a[out->n].type = t;
		out->a[out->n].priority = prio;
		out->n++;
	}
}

/* The owner flag comes from the configured priority: tracking never makes
 * an instance the owner, nor takes ownership away (§6.4.1). */
static bool is_owner(const struct vrrp_params *p)
{
	return p->owner;
}

typedef enum vrrp_state (*fsm_handler)(const struct vrrp_params *,
				       struct vrrp_fsm *,
				       const struct vrrp_event *, uint64_t,
				       struct vrrp_actions *);

/* §6.4.1 / §6.4.2 "transition to Master": the address owner's addresses are
 * the interface's own, so they are never added or removed. VIPs go first so
 * that the address answers before peers move traffic to us; the gratuitous
 * ARP before the advert, because a handing-over master drops the VIP as
 * soon as it hears our advert, and clients must have switched by then
 * (the RFC lists the advert first; the order within a transition is ours). */
static enum vrrp_state become_master(const struct vrrp_params *p,
				     struct vrrp_fsm *f, uint64_t now,
				     struct vrrp_actions *out)
{
	if (!is_owner(p))
		act(out, VRRP_ACT_ADD_VIPS, 0);
	act(out, VRRP_ACT_ANNOUNCE, 0);
	act(out, VRRP_ACT_SEND_ADVERT, p->priority);
	f->timer_at = now + p->adver_int_ms;
	f->master = p->primary;
	f->master_priority = p->priority;
	f->master_adver_int_ms = p->adver_int_ms;
	f->yielded = false;
	f->handoff = false;
	return VRRP_MASTER;
}

/* Maintenance: a backup whose timer runs out keeps waiting instead. */
static enum vrrp_state stay_backup(const struct vrrp_params *p, struct vrrp_fsm *f,
				   uint64_t now)
{
	f->timer_at = now + vrrp_master_down_ms(p, f->master_adver_int_ms);
	return VRRP_BACKUP;
}

/* §6.4.1 Startup: owner -> Master, otherwise Backup with
 * Master_Down_Timer = Master_Down_Interval. preempt_delay counts from here. */
static enum vrrp_state h_initialize(const struct vrrp_params *p,
				    struct vrrp_fsm *f,
				    const struct vrrp_event *ev, uint64_t now,
				    struct vrrp_actions *out)
{
	f->preempt_after = now + p->preempt_delay_ms;
	if (is_owner(p)) {
		out->why = "address owner (priority 255)";
		return become_master(p, f, now, out);
	}
	out->why = ev->type == VRRP_EV_STARTUP ? "startup" : "fault cleared";
	f->master_adver_int_ms = p->adver_int_ms;
	f->timer_at = now + vrrp_master_down_ms(p, f->master_adver_int_ms);
	memset(&f->master, 0, sizeof(f->master));
	f->master_priority = 0;
	return VRRP_BACKUP;
}

static enum vrrp_state h_ignore(const struct vrrp_params *p, struct vrrp_fsm *f,
				const struct vrrp_event *ev, uint64_t now,
				struct vrrp_actions *out)
{
	return f->state;
}

/* Shutdown outside Master: nothing to hand over (§6.4.2 Shutdown). */
static enum vrrp_state h_stop(const struct vrrp_params *p, struct vrrp_fsm *f,
			      const struct vrrp_event *ev, uint64_t now,
			      struct vrrp_actions *out)
{
	f->timer_at = 0;
	act(out, VRRP_ACT_STOPPED, 0);
	out->why = "shutdown";
	return VRRP_INIT;
}

static enum vrrp_state h_fault(const struct vrrp_params *p, struct vrrp_fsm *f,
			       const struct vrrp_event *ev, uint64_t now,
			       struct vrrp_actions *out)
{
	f->timer_at = 0;
	out->why = "fault";
	return VRRP_FAULT;
}

/* §6.4.2 "If the Master_Down_Timer fires" */
static enum vrrp_state h_backup_timer(const struct vrrp_params *p,
				      struct vrrp_fsm *f,
				      const struct vrrp_event *ev, uint64_t now,
				      struct vrrp_actions *out)
{
	if (p->maintenance)
		return stay_backup(p, f, now);
	out->why = "master down timer expired";
	return become_master(p, f, now, out);
}

/* §6.4.2 "If an ADVERTISEMENT is received" */
static enum vrrp_state h_backup_advert(const struct vrrp_params *p,
				       struct vrrp_fsm *f,
				       const struct vrrp_event *ev, uint64_t now,
				       struct vrrp_actions *out)
{
	uint64_t t;

	if (ev->adv_priority == 0) {
		/* The master is leaving: take over after Skew_Time. Only the
		 * master we follow can leave; a priority 0 from anyone else
		 * would let a stray packet start a takeover. */
		if (f->master.family && !addr_eq(&f->master, &ev->adv_src))
			return VRRP_BACKUP;
		f->timer_at = now + vrrp_skew_ms(p, f->master_adver_int_ms);
		out->why = "master sent priority 0";
		return VRRP_BACKUP;
	}
	/* after a handoff we do not take the role straight back */
	bool preempt = p->preempt && !f->yielded && !p->maintenance;

	if (preempt && ev->adv_priority < p->priority && now >= f->preempt_after)
		return VRRP_BACKUP; /* discard: we preempt when the timer fires */

	if (p->version == 3)
		f->master_adver_int_ms = ev->adv_int_ms;
	t = now + vrrp_master_down_ms(p, f->master_adver_int_ms);
	/* preempt_delay: a lower-priority master is tolerated until
	 * preempt_after, then the timer runs out as with preemption. */
	if (preempt && ev->adv_priority < p->priority && t < f->preempt_after)
		t = f->preempt_after;
	f->timer_at = t;
	f->master = ev->adv_src;
	f->master_priority = ev->adv_priority;
	return VRRP_BACKUP;
}

/* §6.4.3 "If the Adver_Timer fires" */
static enum vrrp_state h_master_timer(const struct vrrp_params *p,
				      struct vrrp_fsm *f,
				      const struct vrrp_event *ev, uint64_t now,
				      struct vrrp_actions *out)
{
	act(out, VRRP_ACT_SEND_ADVERT, p->priority);
	f->timer_at = now + p->adver_int_ms;
	return VRRP_MASTER;
}

/* A master's replies to other routers' adverts (below) are extra sends:
 * at most one per 3 intervals, and the Adver_Timer is never moved, so a
 * stream of packets (forged or not) can neither shift our adverts nor
 * multiply them by more than 4/3. */
static bool may_reply(const struct vrrp_params *p, struct vrrp_fsm *f, uint64_t now)
{
	if (f->last_reply_at && now < f->last_reply_at + 3 * p->adver_int_ms)
		return false;
	f->last_reply_at = now;
	return true;
}

/* §6.4.3 "If an ADVERTISEMENT is received" */
static enum vrrp_state h_master_advert(const struct vrrp_params *p,
				       struct vrrp_fsm *f,
				       const struct vrrp_event *ev, uint64_t now,
				       struct vrrp_actions *out)
{
	int cmp = addr_cmp(&ev->adv_src, &p->primary);

	if (ev->adv_priority == 0) {
		/* Another router is leaving: re-assert at once so its backups
		 * hear us before their Skew_Time runs out. */
		if (may_reply(p, f, now))
			act(out, VRRP_ACT_SEND_ADVERT, p->priority);
		return VRRP_MASTER;
	}
	if (ev->adv_priority < p->priority ||
	    (ev->adv_priority == p->priority && cmp <= 0)) {
		/* §6.4.3 discards it; but a lower router that claims master
		 * (a late backup on a loaded host, a healed partition) has
		 * announced the VIPs and taken clients' ARP caches: announce
		 * them back and advertise at once so it steps down now
		 * (keepalived does the same: garp_lower_prio_repeat). */
		if (may_reply(p, f, now)) {
			out->why = "lower priority router claims master, re-announcing";
			act(out, VRRP_ACT_SEND_ADVERT, p->priority);
			act(out, VRRP_ACT_ANNOUNCE, 0);
		}
		return VRRP_MASTER;
	}

	out->why = ev->adv_priority > p->priority ?
		   "higher priority advert" :
		   "equal priority, higher primary address";
	/* keepalived's vrrp_higher_prio_send_advert: after a partition heals
	 * the other master hears our priority at once. One advert per
	 * transition, so a stream of adverts cannot make us send more. */
	if (p->higher_prio_send_advert)
		act(out, VRRP_ACT_SEND_ADVERT, p->priority);
	if (p->version == 3)
		f->master_adver_int_ms = ev->adv_int_ms;
	f->timer_at = now + vrrp_master_down_ms(p, f->master_adver_int_ms);
	f->master = ev->adv_src;
	f->master_priority = ev->adv_priority;
	if (!is_owner(p))
		act(out, VRRP_ACT_DEL_VIPS, 0);
	return VRRP_BACKUP;
}

/* A handoff ends like a shutdown when the new master is heard, but in
 * Backup; if nobody took over, we stay master rather than drop traffic. */
static enum vrrp_state handoff_done(const struct vrrp_params *p, struct vrrp_fsm *f,
				    const struct vrrp_event *ev, uint64_t now,
				    struct vrrp_actions *out)
{
	f->handoff = false;
	if (ev->type == VRRP_EV_FAULT) {
		if (!is_owner(p))
			act(out, VRRP_ACT_DEL_VIPS, 0);
		return h_fault(p, f, ev, now, out);
	}
	if (ev->type != VRRP_EV_ADVERT) {
		out->why = "handoff: no router took over, staying master";
		act(out, VRRP_ACT_SEND_ADVERT, p->priority);
		f->timer_at = now + p->adver_int_ms;
		return VRRP_MASTER;
	}
	out->why = "handoff complete";
	if (!is_owner(p))
		act(out, VRRP_ACT_DEL_VIPS, 0);
	if (p->version == 3)
		f->master_adver_int_ms = ev->adv_int_ms;
	f->timer_at = now + vrrp_master_down_ms(p, f->master_adver_int_ms);
	f->master = ev->adv_src;
	f->master_priority = ev->adv_priority;
	f->yielded = true;
	return VRRP_BACKUP;
}

/* LEAVING ends: the new master was heard, or the bound passed. */
static enum vrrp_state h_leave_done(const struct vrrp_params *p,
				    struct vrrp_fsm *f,
				    const struct vrrp_event *ev, uint64_t now,
				    struct vrrp_actions *out)
{
	if (ev->type == VRRP_EV_ADVERT && ev->adv_priority == 0)
		return f->state; /* another router leaving too: keep waiting */
	if (f->handoff)
		return handoff_done(p, f, ev, now, out);
	if (!is_owner(p))
		act(out, VRRP_ACT_DEL_VIPS, 0);
	act(out, VRRP_ACT_STOPPED, 0);
	f->timer_at = 0;
	out->why = ev->type == VRRP_EV_ADVERT ? "new master heard" :
		   ev->type == VRRP_EV_TIMER ? "handover timeout" : "stopped";
	return VRRP_INIT;
}

/* §6.4.3 Shutdown: send priority 0 (so the backup takes over after
 * Skew_Time) but keep the VIPs until the new master is heard, so the
 * clients keep getting answers during the handover. */
static enum vrrp_state h_master_shutdown(const struct vrrp_params *p,
					 struct vrrp_fsm *f,
					 const struct vrrp_event *ev,
					 uint64_t now, struct vrrp_actions *out)
{
	act(out, VRRP_ACT_SEND_ADVERT, 0);
	out->why = "shutdown, handing over";
	f->handoff = false; /* a stop during a handoff: finish as a stop */
	if (p->handover_ms == 0)
		return h_leave_done(p, f, ev, now, out);
	f->timer_at = now + p->handover_ms;
	return VRRP_LEAVING;
}

/* Planned handoff: the same make-before-break as the graceful stop, but
 * the instance stays in the election (as a backup that does not preempt). */
static enum vrrp_state h_master_handoff(const struct vrrp_params *p, struct vrrp_fsm *f,
					const struct vrrp_event *ev, uint64_t now,
					struct vrrp_actions *out)
{
	act(out, VRRP_ACT_SEND_ADVERT, 0);
	out->why = "handoff, waiting for the new master";
	f->handoff = true;
	f->timer_at = now + (p->handover_ms ? p->handover_ms : 3 * p->adver_int_ms);
	return VRRP_LEAVING;
}

/* A stop while handing off finishes as a stop; a second stop signal
 * during a stop changes nothing. */
static enum vrrp_state h_leaving_shutdown(const struct vrrp_params *p, struct vrrp_fsm *f,
					  const struct vrrp_event *ev, uint64_t now,
					  struct vrrp_actions *out)
{
	if (!f->handoff)
		return f->state;
	return h_master_shutdown(p, f, ev, now, out);
}

/* Master losing its interface or a tracked item: priority 0 lets a backup
 * take over after Skew_Time instead of Master_Down_Interval (if the link is
 * down the send just fails). */
static enum vrrp_state h_master_fault(const struct vrrp_params *p,
				      struct vrrp_fsm *f,
				      const struct vrrp_event *ev, uint64_t now,
				      struct vrrp_actions *out)
{
	act(out, VRRP_ACT_SEND_ADVERT, 0);
	if (!is_owner(p))
		act(out, VRRP_ACT_DEL_VIPS, 0);
	return h_fault(p, f, ev, now, out);
}

/* Priority changed while master: advertise at once so that a backup with
 * preemption sees the new value now rather than at the next Adver_Timer. */
static enum vrrp_state h_master_priority(const struct vrrp_params *p,
					 struct vrrp_fsm *f,
					 const struct vrrp_event *ev,
					 uint64_t now, struct vrrp_actions *out)
{
	f->master_priority = p->priority;
	return h_master_timer(p, f, ev, now, out);
}

/* Sync group: the other members are ready to take over too (their
 * Master_Down_Timers ran out), so this one transitions with them. */
static enum vrrp_state h_group_master(const struct vrrp_params *p,
				      struct vrrp_fsm *f,
				      const struct vrrp_event *ev, uint64_t now,
				      struct vrrp_actions *out)
{
	if (p->maintenance)
		return stay_backup(p, f, now);
	out->why = "sync group";
	return become_master(p, f, now, out);
}

/* Sync group: a member yielded to another router, so this one yields too
 * and waits for the other router's adverts like after §6.4.3. */
static enum vrrp_state h_group_backup(const struct vrrp_params *p,
				      struct vrrp_fsm *f,
				      const struct vrrp_event *ev, uint64_t now,
				      struct vrrp_actions *out)
{
	out->why = "sync group";
	if (!is_owner(p))
		act(out, VRRP_ACT_DEL_VIPS, 0);
	f->timer_at = now + vrrp_master_down_ms(p, f->master_adver_int_ms);
	return VRRP_BACKUP;
}

static const fsm_handler table[VRRP_STATE_MAX][VRRP_EV_MAX] = {
	/*                startup       timer           advert           shutdown           fault           fault-clear    priority           group-master    group-backup    handoff */
	[VRRP_INIT]    = { h_initialize, h_ignore,       h_ignore,        h_stop,            h_fault,        h_ignore,      h_ignore,          h_ignore,       h_ignore,       h_ignore },
	[VRRP_BACKUP]  = { h_ignore,     h_backup_timer, h_backup_advert, h_stop,            h_fault,        h_ignore,      h_ignore,          h_group_master, h_ignore,       h_ignore },
	[VRRP_MASTER]  = { h_ignore,     h_master_timer, h_master_advert, h_master_shutdown, h_master_fault, h_ignore,      h_master_priority, h_ignore,       h_group_backup, h_master_handoff },
	[VRRP_FAULT]   = { h_ignore,     h_ignore,       h_ignore,        h_stop,            h_ignore,       h_initialize,  h_ignore,          h_ignore,       h_ignore,       h_ignore },
	[VRRP_LEAVING] = { h_ignore,     h_leave_done,   h_leave_done,    h_leaving_shutdown, h_leave_done,   h_ignore,      h_ignore,          h_ignore,       h_ignore,       h_ignore },
};

enum vrrp_state vrrp_fsm_step(const struct vrrp_params *p, struct vrrp_fsm *f,
			      const struct vrrp_event *ev, uint64_t now,
			      struct vrrp_actions *out)
{
	out->n = 0;
	out->why = "";
	if (f->state >= VRRP_STATE_MAX || ev->type >= VRRP_EV_MAX)
		return f->state;
	f->state = table[f->state][ev->type](p, f, ev, now, out);
	return f->state;
}
