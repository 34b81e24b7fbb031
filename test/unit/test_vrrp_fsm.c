/* test_vrrp_fsm.c - the RFC 5798 §6.4 state machine, one row per rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_fsm.h"

#define NOW 100000u
#define NO_CHANGE UINT64_MAX /* expected timer: untouched */
#define OLD_TIMER 555555u

enum variant { V3, V3_NOPREEMPT, V3_DELAYED, V3_OWNER, V2, V3_NOHANDOVER, V3_FAST, V3_KNOWN_MASTER, V3_HIGHER_ADVERT, V3_MAINT, V3_HANDOFF, V3_YIELDED };

struct row {
	const char *rfc;
	enum variant var;
	enum vrrp_state from;
	enum vrrp_event_type ev;
	uint8_t adv_prio;
	uint32_t adv_int_ms;
	uint8_t adv_src_last; /* 192.0.2.x */
	enum vrrp_state to;
	uint64_t timer; /* relative to NOW, or NO_CHANGE, or 0 = none */
	unsigned nact;
	struct vrrp_action act[VRRP_MAX_ACTIONS];
};

#define A(t, p) { VRRP_ACT_##t, p }
/* prio 100 @ 1 s: Skew = 156 * 1000 / 256 = 609, MDI = 3609 */
#define MDI_1S 3609u
#define SKEW_1S 609u
/* prio 100 @ 100 ms: Skew = 60, MDI = 360 */
#define MDI_100 360u

static const struct row rows[] = {
	{ "§6.4.1 startup, not owner: Backup, Master_Down_Timer", V3, VRRP_INIT, VRRP_EV_STARTUP, 0, 0, 0,
	  VRRP_BACKUP, MDI_1S, 0, { { 0, 0 } } },
	{ "§6.4.1 startup, owner: advert, announce, Master", V3_OWNER, VRRP_INIT, VRRP_EV_STARTUP, 0, 0, 0,
	  VRRP_MASTER, 1000, 2, { A(ANNOUNCE, 0), A(SEND_ADVERT, 255) } },
	{ "§6.4.1 advert while Initialize is ignored", V3, VRRP_INIT, VRRP_EV_ADVERT, 200, 1000, 9,
	  VRRP_INIT, NO_CHANGE, 0, { { 0, 0 } } },
	{ "§6.4.2 Master_Down_Timer fires: VIPs, advert, announce", V3, VRRP_BACKUP, VRRP_EV_TIMER, 0, 0, 0,
	  VRRP_MASTER, 1000, 3, { A(ADD_VIPS, 0), A(ANNOUNCE, 0), A(SEND_ADVERT, 100) } },
	{ "§6.4.2 priority 0: Master_Down_Timer = Skew_Time", V3, VRRP_BACKUP, VRRP_EV_ADVERT, 0, 1000, 1,
	  VRRP_BACKUP, SKEW_1S, 0, { { 0, 0 } } },
	{ "§6.4.2 higher priority: learn Master_Adver_Interval (v3), reset timer", V3, VRRP_BACKUP, VRRP_EV_ADVERT, 150, 100, 1,
	  VRRP_BACKUP, MDI_100, 0, { { 0, 0 } } },
	{ "§6.4.2 equal priority: reset timer", V3, VRRP_BACKUP, VRRP_EV_ADVERT, 100, 1000, 1,
	  VRRP_BACKUP, MDI_1S, 0, { { 0, 0 } } },
	{ "§6.4.2 lower priority with preempt: discard", V3, VRRP_BACKUP, VRRP_EV_ADVERT, 50, 1000, 1,
	  VRRP_BACKUP, NO_CHANGE, 0, { { 0, 0 } } },
	{ "§6.4.2 lower priority without preempt: reset timer", V3_NOPREEMPT, VRRP_BACKUP, VRRP_EV_ADVERT, 50, 1000, 1,
	  VRRP_BACKUP, MDI_1S, 0, { { 0, 0 } } },
	{ "§6.4.2 + preempt_delay: lower master tolerated until delay ends", V3_DELAYED, VRRP_BACKUP, VRRP_EV_ADVERT, 50, 1000, 1,
	  VRRP_BACKUP, 10000, 0, { { 0, 0 } } },
	{ "RFC 3768 §6.1 v2: interval not learned, Skew=(256-p)/256 s", V2, VRRP_BACKUP, VRRP_EV_ADVERT, 150, 2000, 1,
	  VRRP_BACKUP, MDI_1S, 0, { { 0, 0 } } },
	{ "§6.4.2 shutdown in Backup: stop", V3, VRRP_BACKUP, VRRP_EV_SHUTDOWN, 0, 0, 0,
	  VRRP_INIT, 0, 1, { A(STOPPED, 0) } },
	{ "§6.4.3 Adver_Timer fires: advert", V3, VRRP_MASTER, VRRP_EV_TIMER, 0, 0, 0,
	  VRRP_MASTER, 1000, 1, { A(SEND_ADVERT, 100) } },
	{ "§6.4.3 10 ms adverts", V3_FAST, VRRP_MASTER, VRRP_EV_TIMER, 0, 0, 0,
	  VRRP_MASTER, 10, 1, { A(SEND_ADVERT, 100) } },
	{ "§6.4.3 priority 0 heard: advert at once, cadence kept", V3, VRRP_MASTER, VRRP_EV_ADVERT, 0, 1000, 1,
	  VRRP_MASTER, NO_CHANGE, 1, { A(SEND_ADVERT, 100) } },
	{ "§6.4.2 priority 0 from a router that is not our master: ignored", V3_KNOWN_MASTER, VRRP_BACKUP, VRRP_EV_ADVERT, 0, 1000, 9,
	  VRRP_BACKUP, NO_CHANGE, 0, { { 0, 0 } } },
	{ "§6.4.2 priority 0 from our master: Skew_Time", V3_KNOWN_MASTER, VRRP_BACKUP, VRRP_EV_ADVERT, 0, 1000, 1,
	  VRRP_BACKUP, SKEW_1S, 0, { { 0, 0 } } },
	{ "§6.4.3 higher priority: Backup, learn interval, VIPs go", V3, VRRP_MASTER, VRRP_EV_ADVERT, 150, 100, 1,
	  VRRP_BACKUP, MDI_100, 1, { A(DEL_VIPS, 0) } },
	{ "§6.4.3 + higher_prio_send_advert: one advert, then Backup", V3_HIGHER_ADVERT, VRRP_MASTER, VRRP_EV_ADVERT, 150, 1000, 1,
	  VRRP_BACKUP, MDI_1S, 2, { A(SEND_ADVERT, 100), A(DEL_VIPS, 0) } },
	{ "sync group: members ready, Backup -> Master", V3, VRRP_BACKUP, VRRP_EV_GROUP_MASTER, 0, 0, 0,
	  VRRP_MASTER, 1000, 3, { A(ADD_VIPS, 0), A(ANNOUNCE, 0), A(SEND_ADVERT, 100) } },
	{ "sync group: a member yielded, Master -> Backup", V3, VRRP_MASTER, VRRP_EV_GROUP_BACKUP, 0, 0, 0,
	  VRRP_BACKUP, MDI_1S, 1, { A(DEL_VIPS, 0) } },
	{ "sync group: group-master ignored in Fault", V3, VRRP_FAULT, VRRP_EV_GROUP_MASTER, 0, 0, 0,
	  VRRP_FAULT, NO_CHANGE, 0, { { 0, 0 } } },
	{ "sync group: group-backup ignored in Backup", V3, VRRP_BACKUP, VRRP_EV_GROUP_BACKUP, 0, 0, 0,
	  VRRP_BACKUP, NO_CHANGE, 0, { { 0, 0 } } },
	{ "maintenance: Master_Down_Timer runs out, stay Backup", V3_MAINT, VRRP_BACKUP, VRRP_EV_TIMER, 0, 0, 0,
	  VRRP_BACKUP, MDI_1S, 0, { { 0, 0 } } },
	{ "maintenance: no preemption of a lower master", V3_MAINT, VRRP_BACKUP, VRRP_EV_ADVERT, 50, 1000, 1,
	  VRRP_BACKUP, MDI_1S, 0, { { 0, 0 } } },
	{ "maintenance: sync group cannot pull us to Master", V3_MAINT, VRRP_BACKUP, VRRP_EV_GROUP_MASTER, 0, 0, 0,
	  VRRP_BACKUP, MDI_1S, 0, { { 0, 0 } } },
	{ "handoff: priority 0 out, VIPs kept until the new master is heard", V3, VRRP_MASTER, VRRP_EV_HANDOFF, 0, 0, 0,
	  VRRP_LEAVING, 300, 1, { A(SEND_ADVERT, 0) } },
	{ "handoff: new master heard, VIPs go, Backup", V3_HANDOFF, VRRP_LEAVING, VRRP_EV_ADVERT, 100, 100, 1,
	  VRRP_BACKUP, MDI_100, 1, { A(DEL_VIPS, 0) } },
	{ "handoff: nobody took over, stay Master", V3_HANDOFF, VRRP_LEAVING, VRRP_EV_TIMER, 0, 0, 0,
	  VRRP_MASTER, 1000, 1, { A(SEND_ADVERT, 100) } },
	{ "handoff: fault meanwhile, VIPs go", V3_HANDOFF, VRRP_LEAVING, VRRP_EV_FAULT, 0, 0, 0,
	  VRRP_FAULT, 0, 1, { A(DEL_VIPS, 0) } },
	{ "handoff: a stop meanwhile finishes as a stop", V3_HANDOFF, VRRP_LEAVING, VRRP_EV_SHUTDOWN, 0, 0, 0,
	  VRRP_LEAVING, 300, 1, { A(SEND_ADVERT, 0) } },
	{ "stop: a second stop signal changes nothing", V3, VRRP_LEAVING, VRRP_EV_SHUTDOWN, 0, 0, 0,
	  VRRP_LEAVING, NO_CHANGE, 0, { { 0, 0 } } },
	{ "after a handoff: a lower master is not preempted", V3_YIELDED, VRRP_BACKUP, VRRP_EV_ADVERT, 50, 1000, 1,
	  VRRP_BACKUP, MDI_1S, 0, { { 0, 0 } } },
	{ "§6.4.3 equal priority, higher primary address: Backup", V3, VRRP_MASTER, VRRP_EV_ADVERT, 100, 1000, 3,
	  VRRP_BACKUP, MDI_1S, 1, { A(DEL_VIPS, 0) } },
	{ "§6.4.3 equal priority, lower primary address: stay, re-announce", V3, VRRP_MASTER, VRRP_EV_ADVERT, 100, 1000, 1,
	  VRRP_MASTER, NO_CHANGE, 2, { A(SEND_ADVERT, 100), A(ANNOUNCE, 0) } },
	{ "§6.4.3 lower priority claims master: stay, advert + re-announce", V3, VRRP_MASTER, VRRP_EV_ADVERT, 50, 1000, 9,
	  VRRP_MASTER, NO_CHANGE, 2, { A(SEND_ADVERT, 100), A(ANNOUNCE, 0) } },
	{ "§6.4.3 owner answers a lower priority the same way", V3_OWNER, VRRP_MASTER, VRRP_EV_ADVERT, 254, 1000, 9,
	  VRRP_MASTER, NO_CHANGE, 2, { A(SEND_ADVERT, 255), A(ANNOUNCE, 0) } },
	{ "§6.4.3 shutdown: priority 0, keep VIPs while handing over", V3, VRRP_MASTER, VRRP_EV_SHUTDOWN, 0, 0, 0,
	  VRRP_LEAVING, 300, 1, { A(SEND_ADVERT, 0) } },
	{ "§6.4.3 shutdown without handover: priority 0, VIPs go", V3_NOHANDOVER, VRRP_MASTER, VRRP_EV_SHUTDOWN, 0, 0, 0,
	  VRRP_INIT, 0, 3, { A(SEND_ADVERT, 0), A(DEL_VIPS, 0), A(STOPPED, 0) } },
	{ "handover: new master heard, VIPs go", V3, VRRP_LEAVING, VRRP_EV_ADVERT, 100, 1000, 1,
	  VRRP_INIT, 0, 2, { A(DEL_VIPS, 0), A(STOPPED, 0) } },
	{ "handover: another priority 0 does not end it", V3, VRRP_LEAVING, VRRP_EV_ADVERT, 0, 1000, 1,
	  VRRP_LEAVING, NO_CHANGE, 0, { { 0, 0 } } },
	{ "handover: bound passed, VIPs go", V3, VRRP_LEAVING, VRRP_EV_TIMER, 0, 0, 0,
	  VRRP_INIT, 0, 2, { A(DEL_VIPS, 0), A(STOPPED, 0) } },
	{ "handover: owner keeps its own addresses", V3_OWNER, VRRP_LEAVING, VRRP_EV_TIMER, 0, 0, 0,
	  VRRP_INIT, 0, 1, { A(STOPPED, 0) } },
	{ "fault in Master: priority 0, VIPs go", V3, VRRP_MASTER, VRRP_EV_FAULT, 0, 0, 0,
	  VRRP_FAULT, 0, 2, { A(SEND_ADVERT, 0), A(DEL_VIPS, 0) } },
	{ "fault in Backup: timer stops", V3, VRRP_BACKUP, VRRP_EV_FAULT, 0, 0, 0,
	  VRRP_FAULT, 0, 0, { { 0, 0 } } },
	{ "fault: adverts ignored", V3, VRRP_FAULT, VRRP_EV_ADVERT, 200, 1000, 1,
	  VRRP_FAULT, NO_CHANGE, 0, { { 0, 0 } } },
	{ "fault: timer ignored", V3, VRRP_FAULT, VRRP_EV_TIMER, 0, 0, 0,
	  VRRP_FAULT, NO_CHANGE, 0, { { 0, 0 } } },
	{ "fault cleared: §6.4.1 again, Backup", V3, VRRP_FAULT, VRRP_EV_FAULT_CLEAR, 0, 0, 0,
	  VRRP_BACKUP, MDI_1S, 0, { { 0, 0 } } },
	{ "fault cleared, owner: Master", V3_OWNER, VRRP_FAULT, VRRP_EV_FAULT_CLEAR, 0, 0, 0,
	  VRRP_MASTER, 1000, 2, { A(ANNOUNCE, 0), A(SEND_ADVERT, 255) } },
	{ "shutdown in Fault: stop", V3, VRRP_FAULT, VRRP_EV_SHUTDOWN, 0, 0, 0,
	  VRRP_INIT, 0, 1, { A(STOPPED, 0) } },
	{ "priority change in Master: advert at once", V3, VRRP_MASTER, VRRP_EV_PRIORITY, 0, 0, 0,
	  VRRP_MASTER, 1000, 1, { A(SEND_ADVERT, 100) } },
	{ "priority change in Backup: wait for the next advert", V3, VRRP_BACKUP, VRRP_EV_PRIORITY, 0, 0, 0,
	  VRRP_BACKUP, NO_CHANGE, 0, { { 0, 0 } } },
};

static struct addr ip(uint8_t last)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.u.bytes[0] = 192;
	a.u.bytes[2] = 2;
	a.u.bytes[3] = last;
	return a;
}

static struct vrrp_params params(enum variant v)
{
	struct vrrp_params p = {
		.version = 3, .priority = 100, .adver_int_ms = 1000,
		.preempt = true, .preempt_delay_ms = 0, .handover_ms = 300,
		.primary = ip(2),
	};

	switch (v) {
	case V3_NOPREEMPT: p.preempt = false; break;
	case V3_DELAYED: p.preempt_delay_ms = 10000; break;
	case V3_OWNER: p.priority = 255; p.owner = true; break;
	case V3_HIGHER_ADVERT: p.higher_prio_send_advert = true; break;
	case V3_MAINT: p.maintenance = true; break;
	case V2: p.version = 2; break;
	case V3_NOHANDOVER: p.handover_ms = 0; break;
	case V3_FAST: p.adver_int_ms = 10; break;
	default: break;
	}
	return p;
}

static void test_rows(void **state)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct vrrp_params p = params(r->var);
		struct vrrp_fsm f;
		struct vrrp_event ev = { .type = r->ev, .adv_priority = r->adv_prio,
					 .adv_int_ms = r->adv_int_ms, .adv_src = ip(r->adv_src_last) };
		struct vrrp_actions out;

		vrrp_fsm_init(&f);
		f.state = r->from;
		f.timer_at = OLD_TIMER;
		f.master_adver_int_ms = p.adver_int_ms;
		/* V3_DELAYED: the delay started at NOW */
		f.preempt_after = NOW + p.preempt_delay_ms;
		if (r->var == V3_KNOWN_MASTER)
			f.master = ip(1);
		f.handoff = r->var == V3_HANDOFF;
		f.yielded = r->var == V3_YIELDED;
		print_message("row %zu: %s\n", i, r->rfc);
		assert_int_equal(vrrp_fsm_step(&p, &f, &ev, NOW, &out), r->to);
		assert_int_equal(f.state, r->to);
		if (r->timer == NO_CHANGE)
			assert_int_equal(f.timer_at, OLD_TIMER);
		else if (r->timer == 0)
			assert_int_equal(f.timer_at, 0);
		else
			assert_int_equal(f.timer_at, NOW + r->timer);
		assert_int_equal(out.n, r->nact);
		for (unsigned k = 0; k < out.n; k++) {
			assert_string_equal(vrrp_action_str(out.a[k].type),
					    vrrp_action_str(r->act[k].type));
			assert_int_equal(out.a[k].priority, r->act[k].priority);
		}
	}
}

/* §6.1 formulas at the extremes. */
static void test_intervals(void **state)
{
	struct vrrp_params p = params(V3);

	p.priority = 255;
	assert_int_equal(vrrp_skew_ms(&p, 1000), 3);
	p.priority = 1;
	assert_int_equal(vrrp_skew_ms(&p, 1000), 996);
	p.priority = 100;
	assert_int_equal(vrrp_master_down_ms(&p, 10), 36);
	assert_int_equal(vrrp_master_down_ms(&p, 40950), 3 * 40950 + 24953);
	p.version = 2;
	assert_int_equal(vrrp_skew_ms(&p, 3000), 609);
	assert_int_equal(vrrp_master_down_ms(&p, 3000), 9609);
}

/* Two routers on a lossless wire with a virtual clock: the higher priority
 * wins, and when it dies the other takes over within Master_Down_Interval. */
struct router {
	struct vrrp_params p;
	struct vrrp_fsm f;
	bool alive;
};

static void deliver(struct router *to, const struct router *from, uint8_t prio, uint64_t now)
{
	struct vrrp_event ev = { VRRP_EV_ADVERT, prio, from->p.adver_int_ms, from->p.primary };
	struct vrrp_actions out;

	if (to->alive)
		vrrp_fsm_step(&to->p, &to->f, &ev, now, &out);
}

static void run(struct router r[2], uint64_t from, uint64_t until)
{
	for (uint64_t now = from; now <= until; now++) {
		for (int i = 0; i < 2; i++) {
			struct vrrp_event ev = { .type = VRRP_EV_TIMER };
			struct vrrp_actions out;

			if (!r[i].alive || !r[i].f.timer_at || r[i].f.timer_at > now)
				continue;
			vrrp_fsm_step(&r[i].p, &r[i].f, &ev, now, &out);
			for (unsigned k = 0; k < out.n; k++)
				if (out.a[k].type == VRRP_ACT_SEND_ADVERT)
					deliver(&r[1 - i], &r[i], out.a[k].priority, now);
		}
	}
}

static void test_two_routers(void **state)
{
	struct router r[2];
	struct vrrp_event start = { .type = VRRP_EV_STARTUP };
	struct vrrp_actions out;

	for (int i = 0; i < 2; i++) {
		r[i].p = params(V3);
		r[i].p.adver_int_ms = 100;
		r[i].p.primary = ip((uint8_t)(i + 1));
		r[i].alive = true;
		vrrp_fsm_init(&r[i].f);
		vrrp_fsm_step(&r[i].p, &r[i].f, &start, 0, &out);
	}
	r[0].p.priority = 150;
	run(r, 0, 2000);
	assert_int_equal(r[0].f.state, VRRP_MASTER);
	assert_int_equal(r[1].f.state, VRRP_BACKUP);
	r[0].alive = false; /* crash at t=2000 */
	run(r, 2001, 2000 + 360);
	assert_int_equal(r[1].f.state, VRRP_MASTER);
}

/* A stream of priority-0 or lower-priority packets cannot make a master
 * send more than one extra advert (and announce) per 3 intervals, nor
 * move its Adver_Timer. */
static void test_reply_stream(void **state)
{
	static const uint8_t prios[] = { 0, 50 };

	for (size_t k = 0; k < sizeof(prios); k++) {
		struct vrrp_params p = params(V3);
		struct vrrp_fsm f;
		struct vrrp_event ev = { VRRP_EV_ADVERT, prios[k], 1000, ip(1) };
		struct vrrp_actions out;
		unsigned adverts = 0;

		vrrp_fsm_init(&f);
		f.state = VRRP_MASTER;
		f.timer_at = NOW + 10000;
		for (uint64_t t = NOW; t < NOW + 9000; t += 10) {
			vrrp_fsm_step(&p, &f, &ev, t, &out);
			for (unsigned i = 0; i < out.n; i++)
				adverts += out.a[i].type == VRRP_ACT_SEND_ADVERT;
			assert_int_equal(f.timer_at, NOW + 10000);
		}
		assert_int_equal(adverts, 3); /* 9 s, one per 3 s */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_two_routers),
		cmocka_unit_test(test_reply_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
