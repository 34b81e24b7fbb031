/* ctl_engines.c - the control protocol's view of the checkers (issue 6)
 * and of IPVS (issue 5): JSON arrays for `status`, `show checkers|ipvs`
 * and the metrics. The words are the engines' own (chk_result_str, ...). */
#include "daemon/ctl_json.h"

#include <stdlib.h>
#include <string.h>

#include "checkers/chk.h"
#include "conf/conf_checkers.h"
#include "daemon/daemon.h"
#include "daemon/events.h"
#include "ipvs/ipvs_run.h"

#define J_STR(o, k, v)  json_object_object_add(o, k, json_object_new_string(v))
#define J_INT(o, k, v)  json_object_object_add(o, k, json_object_new_int64((int64_t)(v)))
#define J_BOOL(o, k, v) json_object_object_add(o, k, json_object_new_boolean(v))

static json_object *j_checker(const struct chk_state *st, uint64_t now)
{
	json_object *o = json_object_new_object();

	J_STR(o, "name", st->name);
	J_STR(o, "type", conf_chk_type_str(st->type));
	J_STR(o, "state", chk_result_str(st->state));
	J_STR(o, "last", chk_result_str(st->last));
	J_STR(o, "reason", st->reason);
	J_INT(o, "in_state_ms", now >= st->since_ms ? now - st->since_ms : 0);
	J_INT(o, "last_duration_ms", st->last_duration_ms);
	J_INT(o, "runs", st->runs);
	J_INT(o, "failures", st->failures);
	J_INT(o, "changes", st->changes);
	if (st->role != CHK_ROLE_NONE) {
		J_STR(o, "role", chk_role_str(st->role));
		J_INT(o, "timeline", st->timeline);
		if (st->lag_known)
			J_INT(o, "lag_bytes", st->lag_bytes);
	}
	if (st->http_status)
		J_INT(o, "http_status", st->http_status);
	return o;
}

json_object *ctl_collect_checkers(struct daemon *d, const char *filter)
{
	json_object *arr = json_object_new_array();
	uint64_t now = loop_now(d->loop);

	for (size_t i = 0; d->chk && i < chk_engine_count(d->chk); i++) {
		const struct chk_state *st = chk_engine_state(d->chk, i);

		if (!filter || !strcmp(filter, st->name))
			json_object_array_add(arr, j_checker(st, now));
	}
	return arr;
}

static const char *fwd_str(enum ipvs_fwd f)
{
	switch (f) {
	case IPVS_FWD_NAT: return "nat";
	case IPVS_FWD_DR: return "dr";
	case IPVS_FWD_TUN: return "tun";
	default: return "local";
	}
}

/* The real servers of key in the desired table, as "addr:port" + weight. */
static json_object *j_dests(const struct ipvs_svc_key *key, const struct ipvs_dest *dests,
			    size_t n)
{
	json_object *arr = json_object_new_array();
	char a[ADDR_STRLEN];

	for (size_t i = 0; i < n; i++) {
		json_object *o;

		if (ipvs_svc_key_cmp(&dests[i].svc, key))
			continue;
		o = json_object_new_object();
		J_STR(o, "address", addr_fmt(&dests[i].addr, a, sizeof(a)));
		J_INT(o, "port", dests[i].port);
		J_INT(o, "weight", dests[i].weight);
		J_STR(o, "forward", fwd_str(dests[i].fwd));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* What Tandem wants in the kernel now (the reconciler keeps the kernel
 * equal to it): one object per service, with its real servers. */
json_object *ctl_collect_ipvs(struct daemon *d, const char *filter)
{
	json_object *arr = json_object_new_array();
	struct ipvs_service *svcs = NULL;
	struct ipvs_dest *dests = NULL;
	size_t ns = 0, nd = 0;
	char name[128];

	if (!d->ipvs || ipvs_run_desired(d->ipvs, &svcs, &ns, &dests, &nd) < 0)
		return arr;
	for (size_t i = 0; i < ns; i++) {
		json_object *o;

		ipvs_run_svc_name(d->ipvs, &svcs[i].key, name, sizeof(name));
		if (filter && !strstr(name, filter))
			continue;
		o = json_object_new_object();
		J_STR(o, "service", name);
		J_STR(o, "scheduler", svcs[i].sched);
		J_BOOL(o, "active", d->ipvs->active);
		json_object_object_add(o, "real_servers", j_dests(&svcs[i].key, dests, nd));
		json_object_array_add(arr, o);
	}
	free(svcs);
	free(dests);
	return arr;
}

/* The event stream: a checker changed state, an IPVS pass changed the
 * kernel table (the same words as `show`). */
void ctl_event_checker(struct daemon *d, const struct chk_state *st)
{
	json_object *e = j_checker(st, loop_now(d->loop));

	json_object_object_add(e, "type", json_object_new_string("checker"));
	ctl_event_emit(d, e);
}

void ctl_event_ipvs(size_t ops, size_t refused, uint64_t ms, void *arg)
{
	json_object *e = json_object_new_object();

	J_STR(e, "type", "ipvs");
	J_INT(e, "changes", ops);
	J_INT(e, "refused", refused);
	J_INT(e, "ms", ms);
	ctl_event_emit(arg, e);
}

json_object *ctl_ipvs_counters(struct daemon *d)
{
	json_object *o = json_object_new_object();
	const struct ipvs_counters *c = &d->ipvs->cnt;

	J_BOOL(o, "active", d->ipvs->active);
	J_INT(o, "passes", c->passes);
	J_INT(o, "ops_sent", c->ops_sent);
	J_INT(o, "ops_failed", c->ops_failed);
	J_INT(o, "resyncs", c->resyncs);
	J_INT(o, "two_primaries", c->two_primaries);
	J_INT(o, "last_pass_ms", c->last_pass_ms);
	J_INT(o, "last_pass_ops", c->last_pass_ops);
	return o;
}
