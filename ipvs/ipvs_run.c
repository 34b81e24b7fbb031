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
#include "ipvs/ipvs_view.h"

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

static bool same_server(const struct conf_rs *a, const struct conf_rs *b)
{
	return addr_eq(&a->addr, &b->addr) && a->port == b->port && strcmp(a->check, b->check) == 0;
}

/* A real server keeps its checker verdict across a reload if it is the same
 * server with the same check; a new one with a check starts down (traffic
 * only after a first success), one without a check is up. The same index
 * is tried first: a reload rarely reorders real servers (O(n), not n^2). */
static bool initial_check_up(const struct ipvs_run_vs *o, const struct conf_rs *rs, size_t hint)
{
	if (o && o->conf->n_rs == o->n_m && hint < o->n_m && same_server(&o->conf->rs[hint], rs))
		return o->check_up[hint];
	for (size_t i = 0; o && i < o->n_m; i++)
		if (o->conf->n_rs == o->n_m && same_server(&o->conf->rs[i], rs))
			return o->check_up[i];
	return rs->check[0] == '\0';
}

static bool rs_same(const struct conf_rs *a, const struct conf_rs *b)
{
	return same_server(a, b) && a->weight == b->weight && a->u_threshold == b->u_threshold &&
	       a->l_threshold == b->l_threshold && a->enabled == b->enabled;
}

static bool pool_same(const struct conf_db_pool *a, const struct conf_db_pool *b)
{
	if (!a || !b || a->n_nodes != b->n_nodes || a->two_primaries != b->two_primaries)
		return false;
	for (size_t i = 0; i < a->n_nodes; i++)
		if (!addr_eq(&a->nodes[i].addr, &b->nodes[i].addr) ||
		    a->nodes[i].port != b->nodes[i].port ||
		    strcmp(a->nodes[i].check, b->nodes[i].check) != 0)
			return false;
	return true;
}

/* Everything that makes a virtual server's desired entries and state, so
 * that a reload can leave an unchanged one alone (not evaluated, not
 * reconciled). */
static bool vs_same(const struct conf_vs *a, const struct conf_ipvs *ca, const struct conf_vs *b,
		    const struct conf_ipvs *cb)
{
	if (ipvs_svc_key_cmp(&a->svc.key, &b->svc.key) != 0 || !ipvs_service_same(&a->svc, &b->svc) ||
	    a->fwd != b->fwd || a->quorum != b->quorum || a->hysteresis != b->hysteresis ||
	    a->inhibit_on_failure != b->inhibit_on_failure || a->has_sorry != b->has_sorry ||
	    (a->has_sorry && (!addr_eq(&a->sorry_addr, &b->sorry_addr) ||
			      a->sorry_port != b->sorry_port)) ||
	    strcmp(a->pool, b->pool) != 0 || a->role != b->role || a->max_lag != b->max_lag ||
	    a->fallback_primary != b->fallback_primary || a->pool_weight != b->pool_weight ||
	    a->n_rs != b->n_rs)
		return false;
	for (size_t i = 0; i < a->n_rs; i++)
		if (!rs_same(&a->rs[i], &b->rs[i]))
			return false;
	return !a->pool[0] ||
	       pool_same(conf_ipvs_find_pool(ca, a->pool), conf_ipvs_find_pool(cb, b->pool));
}

/* An unchanged virtual server: its state as it was. */
static int keep_vs(const struct ipvs_run_vs *o, const struct conf_vs *cv, struct ipvs_run_vs *vs)
{
	*vs = *o;
	vs->conf = cv;
	vs->m = malloc((o->n_m + 1) * sizeof(*vs->m));
	vs->check_up = malloc((o->n_m + 1) * sizeof(*vs->check_up));
	if (!vs->m || !vs->check_up)
		return -1;
	memcpy(vs->m, o->m, o->n_m * sizeof(*vs->m));
	memcpy(vs->check_up, o->check_up, o->n_m * sizeof(*vs->check_up));
	return 0;
}

static int build_vs(const struct ipvs_run *r, const struct conf_ipvs *ci, size_t i,
		    struct ipvs_run_vs *vs)
{
	const struct conf_vs *cv = &ci->vs[i];
	const struct conf_db_pool *pool = cv->pool[0] ? conf_ipvs_find_pool(ci, cv->pool) : NULL;
	const struct ipvs_run_vs *o = old_vs(r, cv->name);
	size_t n = pool ? pool->n_nodes : cv->n_rs;

	if (o && vs_same(o->conf, r->conf, cv, ci))
		return keep_vs(o, cv, vs);
	memcpy(vs->name, cv->name, sizeof(vs->name));
	vs->conf = cv;
	vs->n_m = n;
	vs->dirty = true; /* new or changed: ipvs_run_reload() marks its key */
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
		vs->check_up[k] = initial_check_up(o, &cv->rs[k], k);
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
	p->dirty = !o || !pool_same(o->conf, cp) || o->dirty;
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

static void evaluate_vs(struct ipvs_run *r, struct ipvs_run_vs *vs)
{
	if (vs->conf->pool[0])
		derive_pool_vs(r, vs);
	update_quorum(vs);
}

/* Before the derivations: the two-primary guard of the pools concerned. */
static void pools_before(struct ipvs_run *r, bool all)
{
	for (size_t i = 0; i < r->n_pools; i++)
		if (all || r->pools[i].dirty)
			pool_watch(r, &r->pools[i]);
}

/* After the derivations, which read the previous one (guard). */
static void pools_after(struct ipvs_run *r, bool all)
{
	for (size_t i = 0; i < r->n_pools; i++) {
		struct ipvs_run_pool *p = &r->pools[i];
		int one = ipvs_pool_single_primary(p->nodes, p->conf->n_nodes);

		if ((all || p->dirty) && one >= 0)
			p->last_primary = one;
	}
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
	pools_before(r, true);
	for (size_t i = 0; i < r->n_vs; i++) {
		struct ipvs_run_vs *vs = &r->vs[i];

		evaluate_vs(r, vs);
		(*svcs)[i] = vs->conf->svc;
		k += ipvs_vs_dests(vs->conf, vs->m, vs->n_m, vs->quorum_up, *dests + k);
	}
	pools_after(r, true);
	*n_svcs = r->n_vs;
	*n_dests = k;
	return 0;
}

/* ---- what changed since the last pass ---- */

static void mark_key(struct ipvs_run *r, const struct ipvs_svc_key *k)
{
	if (r->dirty_all)
		return;
	if (r->n_dirty == r->cap_dirty) {
		size_t cap = r->cap_dirty ? r->cap_dirty * 2 : 16;
		/* bounded: past a few per virtual server, reconcile everything */
		void *n = cap > 4 * r->n_vs + 64 ? NULL : realloc(r->dirty, cap * sizeof(*r->dirty));

		if (!n) {
			r->dirty_all = true;
			return;
		}
		r->dirty = n;
		r->cap_dirty = cap;
	}
	r->dirty[r->n_dirty++] = *k;
}

static void mark_vs(struct ipvs_run *r, struct ipvs_run_vs *vs)
{
	if (!vs->dirty)
		mark_key(r, &vs->conf->svc.key);
	vs->dirty = true;
}

static void clear_marks(struct ipvs_run *r)
{
	r->dirty_all = false;
	r->n_dirty = 0;
	for (size_t i = 0; i < r->n_vs; i++)
		r->vs[i].dirty = false;
	for (size_t i = 0; i < r->n_pools; i++)
		r->pools[i].dirty = false;
}

static bool key_in(const struct ipvs_svc_key *keys, size_t n, const struct ipvs_svc_key *k)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ipvs_svc_key_cmp(&keys[mid], k);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The desired entries of the marked services, in configuration order (as
 * ipvs_run_desired() would list them). O(virtual servers + their entries). */
static int desired_changed(struct ipvs_run *r, struct ipvs_changes *c)
{
	bool on = r->conf && r->active && !r->stopping;
	size_t total = 0, ns = 0;

	c->n_keys = ipvs_svc_keys_sort(r->dirty, r->n_dirty);
	c->keys = r->dirty; /* handed over */
	r->dirty = NULL;
	r->n_dirty = r->cap_dirty = 0;
	for (size_t i = 0; on && i < r->n_vs; i++)
		if (key_in(c->keys, c->n_keys, &r->vs[i].conf->svc.key))
			total += r->vs[i].n_m + 1, ns++;
	c->svcs = calloc(ns + 1, sizeof(*c->svcs));
	c->dests = calloc(total + 1, sizeof(*c->dests));
	if (!c->svcs || !c->dests)
		return -1;
	if (!on)
		return 0;
	pools_before(r, false);
	for (size_t i = 0; i < r->n_vs; i++) {
		struct ipvs_run_vs *vs = &r->vs[i];

		if (!key_in(c->keys, c->n_keys, &vs->conf->svc.key))
			continue;
		evaluate_vs(r, vs);
		c->svcs[c->n_svcs++] = vs->conf->svc;
		c->n_dests += ipvs_vs_dests(vs->conf, vs->m, vs->n_m, vs->quorum_up,
					    c->dests + c->n_dests);
	}
	pools_after(r, false);
	return 0;
}

int ipvs_run_changes(struct ipvs_run *r, bool all, struct ipvs_changes *c)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->all = all || r->dirty_all;
	if (c->all)
		rc = ipvs_run_desired(r, &c->svcs, &c->n_svcs, &c->dests, &c->n_dests);
	else
		rc = desired_changed(r, c);
	clear_marks(r);
	if (rc < 0) {
		ipvs_changes_free(c);
		r->dirty_all = true;
	}
	return rc;
}

void ipvs_changes_free(struct ipvs_changes *c)
{
	free(c->keys);
	free(c->svcs);
	free(c->dests);
	memset(c, 0, sizeof(*c));
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

static uint64_t resync_period(void)
{
	const char *e = getenv("TANDEM_IPVS_RESYNC_MS"); /* tests: see ipvs_run.h */
	char *end;
	unsigned long long v = e ? strtoull(e, &end, 10) : 0;

	return e && *e && !*end && v >= 100 ? v : IPVS_RESYNC_MS;
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
	r->resync_ms = resync_period();
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
	free(r->dirty);
	free(r);
}

/* The keys of the new and changed virtual servers, and of the old ones
 * gone or changed (a changed one may have another key now). */
static void mark_reloaded(struct ipvs_run *r, const struct ipvs_run *old)
{
	if (!old->conf || !r->conf)
		r->dirty_all = true;
	for (size_t i = 0; i < r->n_vs; i++)
		if (r->vs[i].dirty)
			mark_key(r, &r->vs[i].conf->svc.key);
	for (size_t i = 0; i < old->n_vs; i++) {
		const struct ipvs_run_vs *n = old_vs(r, old->vs[i].name);

		if (!n || n->dirty)
			mark_key(r, &old->vs[i].conf->svc.key);
	}
}

int ipvs_run_reload(struct ipvs_run *r, const struct conf_ipvs *conf)
{
	struct ipvs_run_vs *vs;
	struct ipvs_run_pool *pools;
	char err[CONF_ERR_MAX];
	const struct ipvs_run old = *r; /* the old state arrays, freed below */

	if (build_state(r, conf, &vs, &pools) < 0)
		return -1;
	r->vs = vs;
	r->n_vs = conf ? conf->n_vs : 0;
	r->pools = pools;
	r->n_pools = conf ? conf->n_pools : 0;
	r->conf = conf;
	mark_reloaded(r, &old);
	free_state(old.vs, old.n_vs, old.pools, old.n_pools);
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
	r->dirty_all = true;
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
	r->dirty_all = true;
	ipvs_pass_request(r->pass);
}

void ipvs_run_resync(struct ipvs_run *r)
{
	if (r->pass)
		ipvs_pass_resync(r->pass);
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
	mark_vs(r, vs);
	log_notice("ipvs: service %s: real server %s %s%s%s%s", vs->name,
		   hostport(&rs->addr, rs->port, hp, sizeof(hp)), up ? "up" : "down",
		   rs->check[0] ? " (check " : "", rs->check[0] ? rs->check : "",
		   rs->check[0] ? ")" : "");
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
	p->dirty = true;
	for (size_t i = 0; i < r->n_vs; i++)
		if (strcmp(r->vs[i].conf->pool, pool) == 0)
			mark_vs(r, &r->vs[i]);
	request(r);
	return 0;
}
