/* ipvs_run.c - the desired IPVS table at run time: per virtual server its
 * candidates and their up/down state, per database pool its nodes; the
 * inputs checkers will drive; reload keeping states; stop. The netlink
 * side is ipvs_pass.c; the decisions are pure (ipvs_desired.c,
 * ipvs_pool.c, ipvs_reconcile.c). */
#include "ipvs/ipvs_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/log.h"

static const char *hostport(const struct addr *a, unsigned port, char *buf, size_t len)
{
	char s[ADDR_STRLEN];

	snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 addr_fmt(a, s, sizeof(s)), port);
	return buf;
}

/* ---- run-time state built from a configuration ---- */

static void free_state(struct ipvs_run_vs *vs, size_t n_vs, struct ipvs_run_pool *pools,
		       size_t n_pools)
{
	for (size_t i = 0; vs && i < n_vs; i++) {
		free(vs[i].m);
		free(vs[i].check_up);
	}
	free(vs);
	for (size_t i = 0; pools && i < n_pools; i++)
		free(pools[i].nodes);
	free(pools);
}

static const struct ipvs_run_vs *old_vs(const struct ipvs_run *r, const char *name)
{
	for (size_t i = 0; i < r->n_vs; i++)
		if (strcmp(r->vs[i].name, name) == 0)
			return &r->vs[i];
	return NULL;
}

static const struct ipvs_run_pool *old_pool(const struct ipvs_run *r, const char *name)
{
	for (size_t i = 0; i < r->n_pools; i++)
		if (strcmp(r->pools[i].name, name) == 0)
			return &r->pools[i];
	return NULL;
}

/* A real server keeps its checker verdict across a reload if it is the same
 * server with the same check; a new one with a check starts down (traffic
 * only after a first success), one without a check is up. */
static bool initial_check_up(const struct ipvs_run_vs *o, const struct conf_rs *rs)
{
	for (size_t i = 0; o && i < o->n_m; i++) {
		const struct conf_rs *x = &o->conf->rs[i];

		if (o->conf->n_rs == o->n_m && addr_eq(&x->addr, &rs->addr) &&
		    x->port == rs->port && strcmp(x->check, rs->check) == 0)
			return o->check_up[i];
	}
	return rs->check[0] == '\0';
}

static int build_vs(const struct ipvs_run *r, const struct conf_ipvs *ci, size_t i,
		    struct ipvs_run_vs *vs)
{
	const struct conf_vs *cv = &ci->vs[i];
	const struct conf_db_pool *pool = cv->pool[0] ? conf_ipvs_find_pool(ci, cv->pool) : NULL;
	const struct ipvs_run_vs *o = old_vs(r, cv->name);
	size_t n = pool ? pool->n_nodes : cv->n_rs;

	memcpy(vs->name, cv->name, sizeof(vs->name));
	vs->conf = cv;
	vs->n_m = n;
	vs->m = calloc(n + 1, sizeof(*vs->m));
	vs->check_up = calloc(n + 1, sizeof(*vs->check_up));
	if (!vs->m || !vs->check_up)
		return -1;
	for (size_t k = 0; k < n; k++) {
		struct ipvs_member *m = &vs->m[k];

		if (pool) {
			m->addr = pool->nodes[k].addr;
			m->port = pool->nodes[k].port;
			m->weight = cv->pool_weight;
			continue; /* up comes from the pool derivation */
		}
		m->addr = cv->rs[k].addr;
		m->port = (uint16_t)cv->rs[k].port;
		m->weight = cv->rs[k].weight;
		m->u_threshold = cv->rs[k].u_threshold;
		m->l_threshold = cv->rs[k].l_threshold;
		vs->check_up[k] = initial_check_up(o, &cv->rs[k]);
		m->up = cv->rs[k].enabled && vs->check_up[k];
	}
	vs->fresh = !o;
	vs->quorum_up = o ? o->quorum_up : true;
	vs->verdict = o ? o->verdict : IPVS_POOL_OK;
	return 0;
}

static int build_pool(const struct ipvs_run *r, const struct conf_db_pool *cp,
		      struct ipvs_run_pool *p)
{
	const struct ipvs_run_pool *o = old_pool(r, cp->name);

	memcpy(p->name, cp->name, sizeof(p->name));
	p->conf = cp;
	p->last_primary = -1;
	if (!(p->nodes = calloc(cp->n_nodes + 1, sizeof(*p->nodes))))
		return -1;
	for (size_t k = 0; o && k < cp->n_nodes; k++)
		for (size_t j = 0; j < o->conf->n_nodes; j++)
			if (addr_eq(&o->conf->nodes[j].addr, &cp->nodes[k].addr) &&
			    o->conf->nodes[j].port == cp->nodes[k].port) {
				p->nodes[k] = o->nodes[j];
				if (o->last_primary == (int)j)
					p->last_primary = (int)k;
				p->split = o->split;
			}
	return 0;
}

/* New state arrays for conf; the old ones (r) are only read. */
static int build_state(const struct ipvs_run *r, const struct conf_ipvs *ci,
		       struct ipvs_run_vs **vs_out, struct ipvs_run_pool **pools_out)
{
	size_t n_vs = ci ? ci->n_vs : 0, n_pools = ci ? ci->n_pools : 0;
	struct ipvs_run_vs *vs = calloc(n_vs + 1, sizeof(*vs));
	struct ipvs_run_pool *pools = calloc(n_pools + 1, sizeof(*pools));
	int rc = vs && pools ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < n_vs; i++)
		rc = build_vs(r, ci, i, &vs[i]);
	for (size_t i = 0; rc == 0 && i < n_pools; i++)
		rc = build_pool(r, &ci->pools[i], &pools[i]);
	if (rc < 0) {
		free_state(vs, n_vs, pools, n_pools);
		return -1;
	}
	*vs_out = vs;
	*pools_out = pools;
	return 0;
}

/* ---- the desired table ---- */

static struct ipvs_run_pool *find_pool(struct ipvs_run *r, const char *name)
{
	for (size_t i = 0; i < r->n_pools; i++)
		if (strcmp(r->pools[i].name, name) == 0)
			return &r->pools[i];
	return NULL;
}

/* Two-primary guard, loud: once per episode, with a counter (issue 6). */
static void pool_watch(struct ipvs_run *r, struct ipvs_run_pool *p)
{
	char list[256] = "", hp[ADDR_STRLEN + 8];
	size_t primaries = 0, len = 0;

	for (size_t i = 0; i < p->conf->n_nodes; i++) {
		if (!p->nodes[i].up || p->nodes[i].role != IPVS_NODE_PRIMARY)
			continue;
		primaries++;
		hostport(&p->conf->nodes[i].addr, p->conf->nodes[i].port, hp, sizeof(hp));
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s timeline %u",
						primaries > 1 ? ", " : "", hp, p->nodes[i].timeline);
	}
	if (primaries > 1 && !p->split) {
		r->cnt.two_primaries++;
		log_errx("ipvs: database pool '%s': %zu nodes report primary (%s): split brain; "
			 "on_two_primaries = %s", p->name, primaries, list,
			 p->conf->two_primaries == CONF_TWO_PRIMARIES_NONE ? "none: no writes"
									    : "newest_timeline");
	} else if (primaries <= 1 && p->split) {
		log_notice("ipvs: database pool '%s': back to %zu primary", p->name, primaries);
	}
	p->split = primaries > 1;
}

static void derive_pool_vs(struct ipvs_run *r, struct ipvs_run_vs *vs)
{
	const struct conf_vs *cv = vs->conf;
	struct ipvs_run_pool *p = find_pool(r, cv->pool);
	struct ipvs_pool_params pp = { cv->role, cv->max_lag, cv->fallback_primary,
				       p ? p->conf->two_primaries : CONF_TWO_PRIMARIES_NONE,
				       p ? p->last_primary : -1 };
	bool member[CONF_IPVS_MAX_NODES] = { false };
	enum ipvs_pool_verdict v;

	if (!p || p->conf->n_nodes != vs->n_m)
		return;
	v = ipvs_pool_derive(p->nodes, vs->n_m, &pp, member);
	for (size_t i = 0; i < vs->n_m; i++)
		vs->m[i].up = member[i];
	if (v != vs->verdict || vs->fresh)
		log_msg(v == IPVS_POOL_OK ? LOG_NOTICE : LOG_WARNING,
			"ipvs: service %s (%s of pool '%s'): %s", vs->name, conf_vs_role_str(cv->role),
			cv->pool, ipvs_pool_verdict_str(v));
	vs->verdict = v;
}

static void update_quorum(struct ipvs_run_vs *vs)
{
	const struct conf_vs *cv = vs->conf;
	size_t up = 0;
	bool q;

	for (size_t i = 0; i < vs->n_m; i++)
		up += vs->m[i].up;
	q = vs->fresh ? up >= cv->quorum
		      : ipvs_quorum_next(vs->quorum_up, up, cv->quorum, cv->hysteresis);
	/* a service with no candidate and no sorry server has nothing to say */
	if ((q != vs->quorum_up || (vs->fresh && !q)) && (vs->n_m || cv->has_sorry))
		log_msg(q ? LOG_NOTICE : LOG_WARNING, "ipvs: service %s: quorum %s (%zu of %zu up, "
			"quorum %u, hysteresis %u)%s", vs->name, q ? "regained" : "lost", up, vs->n_m,
			cv->quorum, cv->hysteresis,
			!q && cv->has_sorry ? ": sorry server takes over" : "");
	vs->quorum_up = q;
	vs->fresh = false;
}

int ipvs_run_desired(struct ipvs_run *r, struct ipvs_service **svcs, size_t *n_svcs,
		     struct ipvs_dest **dests, size_t *n_dests)
{
	size_t total = 0, k = 0;

	*svcs = NULL;
	*dests = NULL;
	*n_svcs = *n_dests = 0;
	if (!r->conf || !r->active || r->stopping)
		return 0;
	for (size_t i = 0; i < r->n_vs; i++)
		total += r->vs[i].n_m + 1;
	*svcs = calloc(r->n_vs + 1, sizeof(**svcs));
	*dests = calloc(total + 1, sizeof(**dests));
	if (!*svcs || !*dests) {
		free(*svcs);
		free(*dests);
		*svcs = NULL;
		*dests = NULL;
		return -1;
	}
	for (size_t i = 0; i < r->n_pools; i++)
		pool_watch(r, &r->pools[i]);
	for (size_t i = 0; i < r->n_vs; i++) {
		struct ipvs_run_vs *vs = &r->vs[i];

		if (vs->conf->pool[0])
			derive_pool_vs(r, vs);
		update_quorum(vs);
		(*svcs)[i] = vs->conf->svc;
		k += ipvs_vs_dests(vs->conf, vs->m, vs->n_m, vs->quorum_up, *dests + k);
	}
	/* after the derivations, which read the previous one (guard) */
	for (size_t i = 0; i < r->n_pools; i++) {
		struct ipvs_run_pool *p = &r->pools[i];
		int one = ipvs_pool_single_primary(p->nodes, p->conf->n_nodes);

		if (one >= 0)
			p->last_primary = one;
	}
	*n_svcs = r->n_vs;
	*n_dests = k;
	return 0;
}

/* ---- words ---- */

const char *ipvs_run_svc_name(const struct ipvs_run *r, const struct ipvs_svc_key *k,
			      char *buf, size_t len)
{
	char key[80];

	conf_ipvs_key_fmt(k, key, sizeof(key));
	for (size_t i = 0; i < r->n_vs; i++)
		if (ipvs_svc_key_cmp(&r->vs[i].conf->svc.key, k) == 0) {
			snprintf(buf, len, "service %s (%s)", r->vs[i].name, key);
			return buf;
		}
	snprintf(buf, len, "service %s", key);
	return buf;
}

void ipvs_run_op_failed(struct ipvs_run *r, const struct ipvs_op *op, int err)
{
	char svc[CONF_NAME_MAX + 96], hp[ADDR_STRLEN + 8];
	bool is_svc = op->kind == IPVS_OP_ADD_SVC || op->kind == IPVS_OP_EDIT_SVC ||
		      op->kind == IPVS_OP_DEL_SVC;
	const struct ipvs_svc_key *k = is_svc ? &op->svc.key : &op->dest.svc;

	ipvs_run_svc_name(r, k, svc, sizeof(svc));
	if (is_svc) {
		r->failed_svc = *k;
		/* the kernel says ENOENT when no module provides the scheduler */
		if (err == -ENOENT && op->kind != IPVS_OP_DEL_SVC)
			log_errx("ipvs: %s: %s: scheduler '%s': %s", svc, ipvs_op_name(op->kind),
				 op->svc.sched, strerror(-err));
		else
			log_errx("ipvs: %s: %s: %s", svc, ipvs_op_name(op->kind), strerror(-err));
		return;
	}
	hostport(&op->dest.addr, op->dest.port, hp, sizeof(hp));
	if (err == -ESRCH && ipvs_svc_key_cmp(k, &r->failed_svc) == 0)
		log_debug("ipvs: %s: real server %s: %s: the service is missing", svc, hp,
			  ipvs_op_name(op->kind));
	else
		log_errx("ipvs: %s: real server %s: %s: %s", svc, hp, ipvs_op_name(op->kind),
			 strerror(-err));
}

/* ---- life cycle ---- */

static int ensure_pass(struct ipvs_run *r, char *err, size_t errlen)
{
	if (r->pass || !r->conf)
		return 0;
	r->pass = ipvs_pass_new(r->loop, r, err, errlen);
	return r->pass ? 0 : -1;
}

static void request(struct ipvs_run *r)
{
	if (r->pass)
		ipvs_pass_request(r->pass);
}

struct ipvs_run *ipvs_run_new(struct loop *l, const struct conf_ipvs *conf, bool active,
			      char *err, size_t errlen)
{
	struct ipvs_run *r = calloc(1, sizeof(*r));

	if (!r) {
		snprintf(err, errlen, "ipvs: out of memory");
		return NULL;
	}
	r->active = active;
	if (ipvs_run_reload(r, conf) < 0) { /* before r->loop: no socket yet */
		snprintf(err, errlen, "ipvs: out of memory");
		ipvs_run_free(r);
		return NULL;
	}
	r->loop = l;
	if (ensure_pass(r, err, errlen) < 0) {
		ipvs_run_free(r);
		return NULL;
	}
	request(r);
	return r;
}

void ipvs_run_free(struct ipvs_run *r)
{
	if (!r)
		return;
	ipvs_pass_free(r->pass);
	free_state(r->vs, r->n_vs, r->pools, r->n_pools);
	free(r);
}

int ipvs_run_reload(struct ipvs_run *r, const struct conf_ipvs *conf)
{
	struct ipvs_run_vs *vs;
	struct ipvs_run_pool *pools;
	char err[CONF_ERR_MAX];

	if (build_state(r, conf, &vs, &pools) < 0)
		return -1;
	free_state(r->vs, r->n_vs, r->pools, r->n_pools);
	r->vs = vs;
	r->n_vs = conf ? conf->n_vs : 0;
	r->pools = pools;
	r->n_pools = conf ? conf->n_pools : 0;
	r->conf = conf;
	/* a first virtual server in a reload: now we need the socket */
	if (r->loop && ensure_pass(r, err, sizeof(err)) < 0)
		log_errx("%s", err);
	request(r);
	return 0;
}

void ipvs_run_set_active(struct ipvs_run *r, bool active)
{
	if (r->active == active)
		return;
	r->active = active;
	log_notice("ipvs: %s", active ? "programming the table (VRRP master)"
				      : "removing our entries (not VRRP master)");
	request(r);
}

void ipvs_run_idle(struct ipvs_run *r)
{
	if (r->stopping && !r->done) {
		r->done = true;
		if (r->on_done)
			r->on_done(r->arg);
	}
}

void ipvs_run_stop(struct ipvs_run *r, void (*on_done)(void *arg), void *arg)
{
	r->on_done = on_done;
	r->arg = arg;
	if (r->stopping)
		return;
	r->stopping = true;
	/* never reached the kernel: nothing of ours can be there */
	if (!r->pass || !ipvs_pass_resolved(r->pass) || (r->conf && r->conf->keep_on_stop)) {
		if (r->pass && ipvs_pass_resolved(r->pass))
			log_notice("ipvs: on_stop = keep: leaving the table as it is");
		ipvs_run_idle(r);
		return;
	}
	log_notice("ipvs: stop: removing our entries");
	ipvs_pass_request(r->pass);
}

/* ---- inputs ---- */

static struct ipvs_run_vs *find_vs(struct ipvs_run *r, const char *name)
{
	for (size_t i = 0; i < r->n_vs; i++)
		if (strcmp(r->vs[i].name, name) == 0)
			return &r->vs[i];
	return NULL;
}

static void set_rs(struct ipvs_run *r, struct ipvs_run_vs *vs, size_t i, bool up)
{
	const struct conf_rs *rs = &vs->conf->rs[i];
	char hp[ADDR_STRLEN + 8];
	bool was = vs->m[i].up;

	vs->check_up[i] = up;
	vs->m[i].up = rs->enabled && up;
	if (vs->m[i].up == was)
		return;
	log_notice("ipvs: service %s: real server %s %s%s%s", vs->name,
		   hostport(&rs->addr, rs->port, hp, sizeof(hp)), up ? "up" : "down",
		   rs->check[0] ? " (check " : "", rs->check[0] ? rs->check : "");
	request(r);
}

int ipvs_run_set_rs_up(struct ipvs_run *r, const char *vs_name, size_t rs_index, bool up)
{
	struct ipvs_run_vs *vs = find_vs(r, vs_name);

	if (!vs || vs->conf->pool[0] || rs_index >= vs->n_m)
		return -1;
	set_rs(r, vs, rs_index, up);
	return 0;
}

int ipvs_run_check_result(struct ipvs_run *r, const char *check_name, bool up)
{
	int n = 0;

	for (size_t i = 0; i < r->n_vs; i++) {
		struct ipvs_run_vs *vs = &r->vs[i];

		for (size_t k = 0; !vs->conf->pool[0] && k < vs->n_m; k++)
			if (strcmp(vs->conf->rs[k].check, check_name) == 0) {
				set_rs(r, vs, k, up);
				n++;
			}
	}
	return n;
}

int ipvs_run_set_node(struct ipvs_run *r, const char *pool, size_t node_index,
		      const struct ipvs_node_state *st)
{
	struct ipvs_run_pool *p = find_pool(r, pool);
	struct ipvs_node_state *n;

	if (!p || node_index >= p->conf->n_nodes)
		return -1;
	n = &p->nodes[node_index];
	if (n->up == st->up && n->role == st->role && n->lag_bytes == st->lag_bytes &&
	    n->timeline == st->timeline)
		return 0;
	*n = *st;
	request(r);
	return 0;
}
