/* conf_ipvs_check.c - the IPVS sections' cross-references (conf_check
 * calls conf_ipvs_check after the checkers): unique names and service
 * keys, address families (only tunnels may mix them: the kernel refuses a
 * MASQ/DR real server of another family), persistence netmasks,
 * quorum/hysteresis, pools and roles, checker names, the VRRP instance of
 * when_master.
 *
 * Runs on every start and reload, over every real server: messages are
 * formatted only for the error reported, and duplicates are found by
 * sorting (100 x 100 real servers: the pairwise check was 17% of a load). */
#include "conf/conf_ipvs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/conf_checkers.h"
#include "conf/conf_priv.h"

/* A check name must exist once the checkers section does; before that, any
 * name is an error rather than a silent "always up". */
static int check_name(const struct conf *c, const char *name, const struct conf_pos *pos,
		      const char *who, char *err, size_t errlen)
{
	if (!name[0] || (c->checkers && conf_checkers_find(c, name)))
		return 0;
	return chk_err(err, errlen, pos, "%s: check '%s': no such checker", who, name);
}

static const char *hostport(const struct addr *a, unsigned port, char *buf, size_t len)
{
	char s[ADDR_STRLEN];

	snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 addr_fmt(a, s, sizeof(s)), port);
	return buf;
}

static int check_pool(const struct conf *c, const struct conf_db_pool *p, char *err,
		      size_t errlen)
{
	char who[CONF_NAME_MAX + ADDR_STRLEN + 64], hp[ADDR_STRLEN + 8];

	for (size_t i = 0; i < p->n_nodes; i++) {
		const struct conf_db_node *n = &p->nodes[i];

		for (size_t j = 0; j < i; j++)
			if (addr_eq(&n->addr, &p->nodes[j].addr) && n->port == p->nodes[j].port)
				return chk_err(err, errlen, &n->pos,
					       "database pool '%s': node %s listed twice", p->name,
					       hostport(&n->addr, n->port, hp, sizeof(hp)));
		snprintf(who, sizeof(who), "database pool '%s': node %s", p->name,
			 hostport(&n->addr, n->port, hp, sizeof(hp)));
		if (check_name(c, n->check, &p->checks_pos, who, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* Family of a real server or pool node against its service's. */
static int check_family(const struct conf_vs *vs, const struct addr *a, unsigned port,
			const struct conf_pos *pos, const char *what, char *err, size_t errlen)
{
	char hp[ADDR_STRLEN + 8];

	if (a->family == vs->svc.key.family || vs->fwd == IPVS_FWD_TUN)
		return 0;
	return chk_err(err, errlen, pos, "virtual server '%s': %s %s is not %s like the "
		       "service (only forward = \"tun\" may mix families)", vs->name, what,
		       hostport(a, port, hp, sizeof(hp)),
		       vs->svc.key.family == AF_INET6 ? "IPv6" : "IPv4");
}

/* Real servers of one service sorted by address and port, ties by
 * position: equal neighbours are duplicates. */
static int rs_cmp(const void *pa, const void *pb, void *arg)
{
	const struct conf_rs *rs = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int d = addr_cmp(&rs[a].addr, &rs[b].addr);

	if (!d)
		d = (rs[a].port > rs[b].port) - (rs[a].port < rs[b].port);
	return d ? d : (a > b) - (a < b);
}

/* The first real server (in file order) that repeats an earlier one, or
 * n_rs; -1 on ENOMEM. */
static long first_dup_rs(const struct conf_vs *vs)
{
	size_t *ix = malloc(vs->n_rs * sizeof(*ix));
	size_t dup = vs->n_rs;

	if (!ix)
		return -1;
	for (size_t i = 0; i < vs->n_rs; i++)
		ix[i] = i;
	qsort_r(ix, vs->n_rs, sizeof(*ix), rs_cmp, vs->rs);
	for (size_t i = 1; i < vs->n_rs; i++)
		if (ix[i] < dup && addr_eq(&vs->rs[ix[i]].addr, &vs->rs[ix[i - 1]].addr) &&
		    vs->rs[ix[i]].port == vs->rs[ix[i - 1]].port)
			dup = ix[i];
	free(ix);
	return (long)dup;
}

static int check_rs(const struct conf *c, const struct conf_vs *vs, size_t i, char *err,
		    size_t errlen)
{
	const struct conf_rs *rs = &vs->rs[i];
	char who[CONF_NAME_MAX + ADDR_STRLEN + 64], hp[ADDR_STRLEN + 8];

	if (check_family(vs, &rs->addr, rs->port, &rs->pos, "real server", err, errlen) < 0)
		return -1;
	if (vs->has_sorry && addr_eq(&rs->addr, &vs->sorry_addr) && rs->port == vs->sorry_port)
		return chk_err(err, errlen, &rs->pos,
			       "virtual server '%s': real server %s is also the sorry server",
			       vs->name, hostport(&rs->addr, rs->port, hp, sizeof(hp)));
	if (rs->l_threshold && rs->u_threshold && rs->l_threshold > rs->u_threshold)
		return chk_err(err, errlen, &rs->pos, "virtual server '%s': real server %s: "
			       "l_threshold %u above u_threshold %u", vs->name,
			       hostport(&rs->addr, rs->port, hp, sizeof(hp)),
			       rs->l_threshold, rs->u_threshold);
	if (!rs->check[0] || (c->checkers && conf_checkers_find(c, rs->check)))
		return 0;
	snprintf(who, sizeof(who), "virtual server '%s': real server %s", vs->name,
		 hostport(&rs->addr, rs->port, hp, sizeof(hp)));
	return check_name(c, rs->check, &rs->pos, who, err, errlen);
}

static int check_rs_all(const struct conf *c, const struct conf_vs *vs, char *err,
			size_t errlen)
{
	char hp[ADDR_STRLEN + 8];
	long dup = first_dup_rs(vs);

	if (dup < 0)
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': out of memory",
			       vs->name);
	for (size_t r = 0; r < vs->n_rs; r++) {
		const struct conf_rs *rs = &vs->rs[r];

		if (r == (size_t)dup)
			return chk_err(err, errlen, &rs->pos,
				       "virtual server '%s': real server %s listed twice",
				       vs->name, hostport(&rs->addr, rs->port, hp, sizeof(hp)));
		if (check_rs(c, vs, r, err, errlen) < 0)
			return -1;
	}
	return 0;
}

static int check_role(const struct conf *c, const struct conf_vs *vs, char *err, size_t errlen)
{
	const struct conf_db_pool *p;

	if (!vs->pool[0]) {
		if (vs->role != CONF_ROLE_NONE)
			return chk_err(err, errlen, &vs->pos,
				       "virtual server '%s': role needs a pool", vs->name);
		if (vs->max_lag != CONF_IPVS_NO_LAG_BOUND || vs->fallback_primary)
			return chk_err(err, errlen, &vs->pos, "virtual server '%s': max_lag and "
				       "fallback_primary need pool and role = \"replica\"", vs->name);
		return 0;
	}
	if (!(p = conf_ipvs_find_pool(c->ipvs, vs->pool)))
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': pool '%s': no such "
			       "database pool", vs->name, vs->pool);
	if (vs->n_rs)
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': a pool gives the real "
			       "servers; remove real_servers", vs->name);
	if (vs->role == CONF_ROLE_NONE)
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': pool '%s' needs role "
			       "= \"primary\" or \"replica\"", vs->name, vs->pool);
	if (vs->role == CONF_ROLE_PRIMARY &&
	    (vs->max_lag != CONF_IPVS_NO_LAG_BOUND || vs->fallback_primary))
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': max_lag and "
			       "fallback_primary are for role = \"replica\"", vs->name);
	for (size_t i = 0; i < p->n_nodes; i++)
		if (check_family(vs, &p->nodes[i].addr, p->nodes[i].port, &vs->pos, "pool node",
				 err, errlen) < 0)
			return -1;
	return 0;
}

static int check_service(const struct conf_vs *vs, char *err, size_t errlen)
{
	const struct ipvs_svc_key *k = &vs->svc.key;

	if (!k->fwmark && k->port == 0 && !vs->svc.timeout)
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': port 0 (all ports) "
			       "needs persistence", vs->name);
	if ((vs->svc.flags & IPVS_SVC_F_ONEPACKET) && !k->fwmark && k->protocol != IPPROTO_UDP)
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': one_packet is for "
			       "udp services", vs->name);
	if (k->family == AF_INET && vs->netmask > 32)
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': persistence_netmask "
			       "%u out of range 0..32 for IPv4", vs->name, vs->netmask);
	if (k->family == AF_INET6 && vs->netmask < 1)
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': persistence_netmask "
			       "0 out of range 1..128 for IPv6", vs->name);
	if (vs->hysteresis >= vs->quorum)
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': hysteresis %u must "
			       "be below quorum %u", vs->name, vs->hysteresis, vs->quorum);
	if (vs->has_sorry && vs->sorry_addr.family != k->family && vs->fwd != IPVS_FWD_TUN)
		return chk_err(err, errlen, &vs->pos, "virtual server '%s': sorry_server is not "
			       "%s like the service", vs->name,
			       k->family == AF_INET6 ? "IPv6" : "IPv4");
	return 0;
}

static int check_vs(const struct conf *c, size_t i, char *err, size_t errlen)
{
	const struct conf_ipvs *ci = c->ipvs;
	const struct conf_vs *vs = &ci->vs[i];
	char k[80];

	for (size_t j = 0; j < i; j++) {
		if (strcmp(vs->name, ci->vs[j].name) == 0)
			return chk_err(err, errlen, &vs->pos, "virtual server '%s' defined twice "
				       "(first at %s:%d)", vs->name, ci->vs[j].pos.file,
				       ci->vs[j].pos.line);
		if (ipvs_svc_key_cmp(&vs->svc.key, &ci->vs[j].svc.key) == 0)
			return chk_err(err, errlen, &vs->pos, "virtual server '%s': %s is already "
				       "virtual server '%s'", vs->name,
				       conf_ipvs_key_fmt(&vs->svc.key, k, sizeof(k)), ci->vs[j].name);
	}
	if (check_service(vs, err, errlen) < 0 || check_role(c, vs, err, errlen) < 0)
		return -1;
	return check_rs_all(c, vs, err, errlen);
}

static int check_when_master(const struct conf *c, char *err, size_t errlen)
{
	const struct conf_ipvs *ci = c->ipvs;

	if (!ci->when_master[0])
		return 0;
	for (size_t i = 0; i < c->n_vrrp; i++)
		if (strcmp(c->vrrp[i].name, ci->when_master) == 0)
			return 0;
	return chk_err(err, errlen, &ci->when_master_pos,
		       "when_master '%s': no such vrrp instance", ci->when_master);
}

int conf_ipvs_check(const struct conf *c, char *err, size_t errlen)
{
	const struct conf_ipvs *ci = c->ipvs;

	if (!ci)
		return 0;
	if (check_when_master(c, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < ci->n_pools; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(ci->pools[i].name, ci->pools[j].name) == 0)
				return chk_err(err, errlen, &ci->pools[i].pos,
					       "database pool '%s' defined twice", ci->pools[i].name);
		if (check_pool(c, &ci->pools[i], err, errlen) < 0)
			return -1;
	}
	for (size_t i = 0; i < ci->n_vs; i++)
		if (check_vs(c, i, err, errlen) < 0)
			return -1;
	return 0;
}
