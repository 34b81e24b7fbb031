/* events.c - the ordered event stream (`tandemctl events`). Events are
 * numbered in the order the loop produced them; the time is the wall
 * clock, for people reading logs side by side, the order is the seq. */
#include "daemon/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/ctl_json.h"
#include "daemon/ctl_text.h"
#include "daemon/daemon.h"
#include "daemon/sdnotify.h"

/* Timing records of instances, by name (a handful: a linear table). */
struct inst_rec {
	char name[CONF_NAME_MAX];
	struct ctl_inst_times t;
	uint64_t leaving_since; /* handoff started (loop clock), 0 = none */
};

static struct {
	uint64_t seq;
	uint64_t started;
	struct inst_rec *recs;
	size_t n_recs;
} ev;

uint64_t ctl_events_started_ms(void) { return ev.started; }
uint64_t ctl_events_seq(void) { return ev.seq; }

static struct inst_rec *rec_get(const char *name, bool create)
{
	struct inst_rec *r;

	for (size_t i = 0; i < ev.n_recs; i++)
		if (strcmp(ev.recs[i].name, name) == 0)
			return &ev.recs[i];
	if (!create)
		return NULL;
	r = realloc(ev.recs, (ev.n_recs + 1) * sizeof(*r));
	if (!r)
		return NULL;
	ev.recs = r;
	r = &ev.recs[ev.n_recs++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

bool ctl_events_times(const char *instance, struct ctl_inst_times *out)
{
	struct inst_rec *r = rec_get(instance, false);

	if (!r)
		return false;
	*out = r->t;
	return true;
}

static void iso_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);

	snprintf(buf + n, len - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

void ctl_event_emit(struct daemon *d, json_object *e)
{
	char t[64];
	char *text;
	const char *json;

	iso_time(t, sizeof(t));
	json_object_object_add(e, "seq", json_object_new_int64((int64_t)++ev.seq));
	json_object_object_add(e, "time", json_object_new_string(t));
	if (control_subscribers(d->ctl)) {
		json_object *line = json_object_new_object();

		json_object_object_add(line, "v", json_object_new_int(1));
		json_object_object_add(line, "event", json_object_get(e));
		json = json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
		text = ctl_text_event_line(e);
		if (text) {
			char *jl;

			if (asprintf(&jl, "%s\n", json) >= 0) {
				control_broadcast(d->ctl, jl, text);
				free(jl);
			}
			free(text);
		}
		json_object_put(line);
	}
	json_object_put(e);
}

/* A handoff (or graceful stop) lasts from sending priority 0 until the
 * new master is heard: what the make-before-break costs, measured. */
static void record(const struct vrrp_inst *in, enum vrrp_state old, uint64_t now)
{
	struct inst_rec *r = rec_get(in->conf.name, true);
	enum vrrp_state st = in->fsm.state;

	if (!r)
		return;
	if (st == VRRP_MASTER)
		r->t.became_master_ms = now;
	/* how long the VIP was unclaimed as far as we know: from the last
	 * advert of the old master to our taking over */
	if (st == VRRP_MASTER && old == VRRP_BACKUP && in->last_adv_at)
		r->t.takeover_ms = (uint32_t)(now - in->last_adv_at);
	if (st == VRRP_LEAVING)
		r->leaving_since = now;
	else if (old == VRRP_LEAVING && r->leaving_since) {
		r->t.handoff_ms = (uint32_t)(now - r->leaving_since);
		r->leaving_since = 0;
	}
}

/* systemd's STATUS= line: "web MASTER, db BACKUP" (counts when long). */
static void status_update(const struct vrrp_rt *rt)
{
	char buf[256];
	unsigned n[VRRP_STATE_MAX] = { 0 }, total = 0;
	size_t len = (size_t)snprintf(buf, sizeof(buf), "STATUS=");

	if (!sdnotify_enabled())
		return;
	for (const struct vrrp_inst *in = rt->insts; in; in = in->next) {
		n[in->fsm.state]++;
		total++;
		if (len < sizeof(buf))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s %s",
						total > 1 ? ", " : "", in->conf.name,
						vrrp_state_str(in->fsm.state));
	}
	if (len >= sizeof(buf) - 1 || total > 4) {
		len = (size_t)snprintf(buf, sizeof(buf), "STATUS=%u instances:", total);
		for (int s = 0; s < VRRP_STATE_MAX; s++)
			if (n[s] && len < sizeof(buf))
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %u %s", n[s],
							vrrp_state_str((enum vrrp_state)s));
	}
	sdnotify(buf);
}

static void on_change(struct vrrp_rt *rt, const struct vrrp_inst *in,
		      enum vrrp_state old, const char *why, void *arg)
{
	struct daemon *d = arg;
	json_object *e = json_object_new_object();
	char a[ADDR_STRLEN];

	record(in, old, loop_now(d->loop));
	json_object_object_add(e, "type", json_object_new_string("vrrp"));
	json_object_object_add(e, "instance", json_object_new_string(in->conf.name));
	json_object_object_add(e, "vrid", json_object_new_int(in->conf.vrid));
	json_object_object_add(e, "interface", json_object_new_string(in->conf.ifname));
	json_object_object_add(e, "from", json_object_new_string(vrrp_state_str(old)));
	json_object_object_add(e, "to", json_object_new_string(vrrp_state_str(in->fsm.state)));
	json_object_object_add(e, "reason", json_object_new_string(why ? why : ""));
	json_object_object_add(e, "priority", json_object_new_int(in->params.priority));
	json_object_object_add(e, "master", in->fsm.master.family ?
			       json_object_new_string(addr_fmt(&in->fsm.master, a, sizeof(a))) : NULL);
	ctl_event_emit(d, e);
	status_update(rt);
	daemon_vrrp_changed(d); /* IPVS follows (ipvs.when_master) */
}

void ctl_events_attach(struct daemon *d)
{
	ev.started = loop_now(d->loop);
	d->rt.on_change = on_change;
	status_update(&d->rt);
}
