/* vrrp_sync.c - sync groups (issue 3): the members of a group move
 * together, so the HTTP VIP and the database VIP always sit on the same
 * balancer. Rules, as keepalived operators know them:
 *  - a member that yields to another router (MASTER -> BACKUP) takes the
 *    others with it;
 *  - a member going MASTER takes the BACKUP members with it; a member whose
 *    own Master_Down_Timer runs out waits until every member is ready;
 *  - a member with its own fault puts the whole group in FAULT, and the
 *    group leaves FAULT when no member has a fault of its own. */
#include "vrrp/vrrp_inst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vrrp_sync {
	struct vrrp_sync *next;
	char name[CONF_NAME_MAX];
	struct vrrp_inst **members;
	size_t n;
	bool busy;                 /* propagating: ignore the echoes */
	enum vrrp_state announced; /* last group state given to hooks */
	bool stopped_announced;
};

const char *vrrp_sync_name(const struct vrrp_sync *s)
{
	return s->name;
}

static struct vrrp_inst *by_name(struct vrrp_rt *rt, const char *name)
{
	for (struct vrrp_inst *in = rt->insts; in; in = in->next)
		if (!in->removing && strcmp(in->conf.name, name) == 0)
			return in;
	return NULL;
}

void vrrp_sync_free(struct vrrp_rt *rt)
{
	while (rt->syncs) {
		struct vrrp_sync *s = rt->syncs;

		rt->syncs = s->next;
		for (size_t i = 0; i < s->n; i++)
			if (s->members[i] && s->members[i]->sync == s)
				s->members[i]->sync = NULL;
		free(s->members);
		free(s);
	}
}

/* Rebuilt from scratch on start and reload: membership is cheap to
 * recompute and the instances keep their own states. */
int vrrp_sync_build(struct vrrp_rt *rt, const struct conf *c, char *err, size_t errlen)
{
	vrrp_sync_free(rt);
	for (size_t g = 0; g < c->n_sync; g++) {
		const struct conf_sync_group *cg = &c->sync[g];
		struct vrrp_sync *s = calloc(1, sizeof(*s));

		if (!s || !(s->members = calloc(cg->n_members, sizeof(*s->members)))) {
			free(s);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		snprintf(s->name, sizeof(s->name), "%s", cg->name);
		s->announced = VRRP_INIT;
		s->next = rt->syncs;
		rt->syncs = s;
		for (size_t i = 0; i < cg->n_members; i++) {
			struct vrrp_inst *in = by_name(rt, cg->members[i]);

			if (!in) {
				snprintf(err, errlen, "sync group %s: no instance %s", cg->name,
					 cg->members[i]);
				return -1;
			}
			in->sync = s;
			s->members[s->n++] = in;
		}
	}
	return 0;
}

bool vrrp_sync_group_fault(const struct vrrp_inst *in)
{
	if (!in->sync)
		return false;
	for (size_t i = 0; i < in->sync->n; i++)
		if (in->sync->members[i]->own_fault && !in->sync->members[i]->stopped)
			return true;
	return false;
}

static void step_all(struct vrrp_sync *s, const struct vrrp_inst *except,
		     enum vrrp_state from, enum vrrp_event_type type)
{
	struct vrrp_event ev = { .type = type };

	for (size_t i = 0; i < s->n; i++)
		if (s->members[i] != except && s->members[i]->fsm.state == from &&
		    !s->members[i]->stopped)
			vrrp_inst_event(s->members[i], &ev);
}

bool vrrp_sync_may_master(struct vrrp_inst *in)
{
	struct vrrp_sync *s = in->sync;

	for (size_t i = 0; i < s->n; i++) {
		const struct vrrp_inst *m = s->members[i];

		if (m->fsm.state != VRRP_MASTER && !(m->fsm.state == VRRP_BACKUP && m->group_ready))
			return false;
	}
	return true;
}

/* The group's state for its hooks: the state all members agree on. */
static void announce_group(struct vrrp_sync *s, struct vrrp_rt *rt)
{
	enum vrrp_state st = s->members[0]->fsm.state;
	bool stopped = true;
	const struct conf *c = rt->conf;

	for (size_t i = 0; i < s->n; i++) {
		stopped &= s->members[i]->stopped;
		if (s->members[i]->fsm.state != st)
			return;
	}
	if (st == s->announced && stopped == s->stopped_announced)
		return;
	if (st == VRRP_INIT && !stopped)
		return;
	s->announced = st;
	s->stopped_announced = stopped;
	log_notice("sync group %s: %s", s->name, stopped ? "STOP" : vrrp_state_str(st));
	for (size_t g = 0; c && g < c->n_sync; g++)
		if (strcmp(c->sync[g].name, s->name) == 0)
			vrrp_notify(rt->notify, &c->sync[g].notify, NOTIFY_GROUP, s->name, st,
				    stopped, 0);
}

void vrrp_sync_follow(struct vrrp_inst *in, enum vrrp_state old)
{
	struct vrrp_sync *s = in->sync;

	if (!s->busy) {
		s->busy = true;
		if (old == VRRP_MASTER && in->fsm.state == VRRP_BACKUP)
			step_all(s, in, VRRP_MASTER, VRRP_EV_GROUP_BACKUP);
		else if (in->fsm.state == VRRP_MASTER)
			step_all(s, in, VRRP_BACKUP, VRRP_EV_GROUP_MASTER);
		else if (in->fsm.state == VRRP_FAULT || old == VRRP_FAULT)
			for (size_t i = 0; i < s->n; i++)
				if (s->members[i] != in)
					vrrp_inst_refresh(s->members[i]);
		s->busy = false;
	}
	announce_group(s, in->rt);
}
