/* conf_ipvs.c - the IPVS sections (layout in conf_ipvs.h): the row tables
 * of a virtual server, a real server, a database pool and the "ipvs"
 * options, their value parsers ("addr:port", enums by name) and the
 * ownership of the arrays. The cross-references are in conf_ipvs_check.c. */
#include "conf/conf_ipvs.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/conf_checkers.h"
#include "conf/conf_priv.h"

/* The section's struct, made on first use by whichever of the three
 * top-level settings comes first. */
static struct conf_ipvs *ipvs_of(const struct ld *ld, const config_setting_t *s, struct conf *c)
{
	if (!c->ipvs && !(c->ipvs = calloc(1, sizeof(*c->ipvs))))
		ld_err(ld, s, "out of memory");
	return c->ipvs;
}

/* One of names[] -> its index into *out (an enum). */
static int pick(const struct ld *ld, const struct row *r, const config_setting_t *s,
		const char *const *names, size_t n, const char *choices, int *out)
{
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return ld_err(ld, s, "%s must be a string", r->name);
	v = config_setting_get_string(s);
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(v, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	return ld_err(ld, s, "%s '%s' unknown: use %s", r->name, v, choices);
}

/* "192.0.2.1:80" or "[2001:db8::1]:80". */
static int parse_hostport(const char *str, struct addr *a, uint32_t *port)
{
	char buf[ADDR_STRLEN + 8], *colon, *end;
	const char *host = buf;
	unsigned long p;

	if (strlen(str) >= sizeof(buf))
		return -1;
	copy_str(buf, sizeof(buf), str);
	colon = strrchr(buf, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	if (buf[0] == '[') {
		if (colon[-1] != ']')
			return -1;
		colon[-1] = '\0';
		host = buf + 1;
	} else if (strchr(buf, ':')) {
		return -1; /* IPv6 needs brackets */
	}
	if (addr_parse(host, a) < 0 || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -1;
	p = strtoul(colon + 1, &end, 10);
	if (p > 65535)
		return -1;
	*port = (uint32_t)p;
	return 0;
}

static int set_address(const struct ld *ld, const struct row *r, const config_setting_t *s,
		       void *obj)
{
	struct addr *a = (struct addr *)((char *)obj + r->off);

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return ld_err(ld, s, "%s must be a string", r->name);
	if (addr_parse(config_setting_get_string(s), a) < 0)
		return ld_err(ld, s, "%s '%s' is not an IPv4 or IPv6 address", r->name,
			      config_setting_get_string(s));
	return 0;
}

/* ---- real servers ---- */

#define RF(f) offsetof(struct conf_rs, f), sizeof(((struct conf_rs *)0)->f)

static const struct row rs_rows[] = {
	{ "address", K_FN, RF(addr), 0, 0, true, set_address, NULL, NULL },
	{ "port", K_INT, RF(port), 0, 65535, false, NULL, NULL, NULL },
	{ "weight", K_INT, RF(weight), 0, 65535, false, NULL, NULL, NULL },
	{ "u_threshold", K_INT, RF(u_threshold), 0, 65535, false, NULL, NULL, NULL },
	{ "l_threshold", K_INT, RF(l_threshold), 0, 65535, false, NULL, NULL, NULL },
	{ "check", K_STR, RF(check), 1, CONF_NAME_MAX - 1, false, NULL,
	  str_name_ok, "use A-Z a-z 0-9 _ . -" },
	{ "enabled", K_BOOL, RF(enabled), 0, 0, false, NULL, NULL, NULL },
};

#define UNSET_PORT UINT32_MAX /* real server port: the virtual server's */

static int set_real_servers(const struct ld *ld, const struct row *r, const config_setting_t *s,
			    void *obj)
{
	struct conf_vs *vs = obj;
	int i, n = config_setting_length(s);

	if (!config_setting_is_list(s))
		return ld_err(ld, s, "%s must be a list ( { address = \"198.51.100.21\"; }, ... )",
			      r->name);
	if (n < 1 || n > CONF_IPVS_MAX_RS)
		return ld_err(ld, s, "%s has %d entries; 1..%d allowed", r->name, n,
			      CONF_IPVS_MAX_RS);
	free(vs->rs);
	vs->n_rs = 0;
	if (!(vs->rs = calloc((size_t)n, sizeof(*vs->rs))))
		return ld_err(ld, s, "out of memory");
	vs->n_rs = (size_t)n;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct conf_rs *rs = &vs->rs[i];

		if (!config_setting_is_group(e))
			return ld_err(ld, e, "real server must be a group { ... }");
		rs->port = UNSET_PORT;
		rs->weight = 1;
		rs->enabled = true;
		set_pos(&rs->pos, ld, e);
		if (load_group(ld, e, rs_rows, NROWS(rs_rows), rs, "real server") < 0)
			return -1;
	}
	return 0;
}

/* ---- virtual servers ---- */

static int set_vs_address(const struct ld *ld, const struct row *r, const config_setting_t *s,
			  void *obj)
{
	struct conf_vs *vs = obj;

	vs->has_addr = true;
	return set_address(ld, r, s, obj);
}

static int set_vs_port(const struct ld *ld, const struct row *r, const config_setting_t *s,
		       void *obj)
{
	struct conf_vs *vs = obj;
	long long v;

	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return ld_err(ld, s, "%s must be an integer", r->name);
	v = config_setting_get_int64(s);
	if (v < 0 || v > 65535)
		return ld_err(ld, s, "%s %lld out of range 0..65535", r->name, v);
	vs->port = (uint32_t)v;
	vs->has_port = true;
	return 0;
}

static int set_protocol(const struct ld *ld, const struct row *r, const config_setting_t *s,
			void *obj)
{
	static const char *const names[] = { "tcp", "udp", "sctp" };
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };
	struct conf_vs *vs = obj;
	int i;

	if (pick(ld, r, s, names, NROWS(names), "tcp, udp or sctp", &i) < 0)
		return -1;
	vs->svc.key.protocol = protos[i];
	vs->has_proto = true;
	return 0;
}

static int set_family(const struct ld *ld, const struct row *r, const config_setting_t *s,
		      void *obj)
{
	static const char *const names[] = { "inet", "inet6" };
	struct conf_vs *vs = obj;
	int i;

	if (pick(ld, r, s, names, NROWS(names), "inet or inet6", &i) < 0)
		return -1;
	vs->svc.key.family = i ? AF_INET6 : AF_INET;
	vs->has_family = true;
	return 0;
}

static int set_forward(const struct ld *ld, const struct row *r, const config_setting_t *s,
		       void *obj)
{
	static const char *const names[] = {
		[IPVS_FWD_NAT] = "nat", [IPVS_FWD_TUN] = "tun", [IPVS_FWD_DR] = "dr",
	};
	struct conf_vs *vs = obj;
	int i;

	if (pick(ld, r, s, names, NROWS(names), "nat, dr or tun", &i) < 0)
		return -1;
	vs->fwd = (enum ipvs_fwd)i;
	return 0;
}

/* A service flag; the row's min holds the IPVS_SVC_F_* bit. */
static int set_flag(const struct ld *ld, const struct row *r, const config_setting_t *s,
		    void *obj)
{
	struct conf_vs *vs = obj;

	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return ld_err(ld, s, "%s must be true or false", r->name);
	if (config_setting_get_bool(s))
		vs->svc.flags |= (uint32_t)r->min;
	else
		vs->svc.flags &= ~(uint32_t)r->min;
	return 0;
}

/* An IPv4 dotted mask ("255.255.255.0") or a prefix length (24). */
static int set_netmask(const struct ld *ld, const struct row *r, const config_setting_t *s,
		       void *obj)
{
	struct conf_vs *vs = obj;
	struct in_addr m;
	uint32_t h;
	int n = 0;

	vs->has_netmask = true;
	if (config_setting_type(s) == CONFIG_TYPE_INT) {
		int v = config_setting_get_int(s);

		if (v < 0 || v > 128)
			return ld_err(ld, s, "%s %d out of range 0..128", r->name, v);
		vs->netmask = (uint32_t)v;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    inet_pton(AF_INET, config_setting_get_string(s), &m) != 1)
		return ld_err(ld, s, "%s must be a prefix length or an IPv4 mask \"255.255.255.0\"",
			      r->name);
	h = ntohl(m.s_addr);
	while (n < 32 && (h & (0x80000000u >> n)))
		n++;
	if (n < 32 && (h << n) != 0)
		return ld_err(ld, s, "%s '%s' is not a contiguous mask", r->name,
			      config_setting_get_string(s));
	vs->netmask = (uint32_t)n;
	return 0;
}

static int set_sorry(const struct ld *ld, const struct row *r, const config_setting_t *s,
		     void *obj)
{
	struct conf_vs *vs = obj;

	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    parse_hostport(config_setting_get_string(s), &vs->sorry_addr, &vs->sorry_port) < 0)
		return ld_err(ld, s, "%s must be \"address:port\" (\"[2001:db8::1]:80\" for IPv6)",
			      r->name);
	vs->has_sorry = true;
	return 0;
}

static int set_role(const struct ld *ld, const struct row *r, const config_setting_t *s,
		    void *obj)
{
	static const char *const names[] = {
		[CONF_ROLE_PRIMARY] = "primary", [CONF_ROLE_REPLICA] = "replica",
	};
	struct conf_vs *vs = obj;
	int i;

	if (pick(ld, r, s, names, NROWS(names), "primary or replica", &i) < 0)
		return -1;
	vs->role = (enum conf_vs_role)i;
	return 0;
}

static int set_max_lag(const struct ld *ld, const struct row *r, const config_setting_t *s,
		       void *obj)
{
	struct conf_vs *vs = obj;

	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return ld_err(ld, s, "%s must be an integer (bytes)", r->name);
	if (config_setting_get_int64(s) < 0)
		return ld_err(ld, s, "%s must not be negative", r->name);
	vs->max_lag = (uint64_t)config_setting_get_int64(s);
	return 0;
}

#define VSF(f) offsetof(struct conf_vs, f), sizeof(((struct conf_vs *)0)->f)

static const struct row vs_rows[] = {
	{ "name", K_STR, VSF(name), 1, CONF_NAME_MAX - 1, true, NULL,
	  str_name_ok, "use A-Z a-z 0-9 _ . -" },
	{ "address", K_FN, VSF(svc.key.addr), 0, 0, false, set_vs_address, NULL, NULL },
	{ "port", K_FN, VSF(port), 0, 0, false, set_vs_port, NULL, NULL },
	{ "protocol", K_FN, 0, 0, 0, 0, false, set_protocol, NULL, NULL },
	{ "fwmark", K_INT, VSF(fwmark), 1, UINT32_MAX, false, NULL, NULL, NULL },
	{ "family", K_FN, 0, 0, 0, 0, false, set_family, NULL, NULL },
	/* which schedulers exist is the kernel's business (one module each) */
	{ "scheduler", K_STR, VSF(svc.sched), 1, IPVS_SCHED_NAME_MAX - 1, false, NULL,
	  str_name_ok, "use A-Z a-z 0-9 _ . -" },
	{ "forward", K_FN, 0, 0, 0, 0, false, set_forward, NULL, NULL },
	{ "persistence", K_INT, VSF(svc.timeout), 0, INT32_MAX, false, NULL, NULL, NULL },
	{ "persistence_netmask", K_FN, 0, 0, 0, 0, false, set_netmask, NULL, NULL },
	{ "one_packet", K_FN, 0, 0, IPVS_SVC_F_ONEPACKET, 0, false, set_flag, NULL, NULL },
	{ "sh_fallback", K_FN, 0, 0, IPVS_SVC_F_SCHED1, 0, false, set_flag, NULL, NULL },
	{ "sh_port", K_FN, 0, 0, IPVS_SVC_F_SCHED2, 0, false, set_flag, NULL, NULL },
	{ "quorum", K_INT, VSF(quorum), 1, 65535, false, NULL, NULL, NULL },
	{ "hysteresis", K_INT, VSF(hysteresis), 0, 65534, false, NULL, NULL, NULL },
	{ "inhibit_on_failure", K_BOOL, VSF(inhibit_on_failure), 0, 0, false, NULL, NULL, NULL },
	{ "sorry_server", K_FN, 0, 0, 0, 0, false, set_sorry, NULL, NULL },
	{ "real_servers", K_FN, 0, 0, 0, 0, false, set_real_servers, NULL, NULL },
	{ "pool", K_STR, VSF(pool), 1, CONF_NAME_MAX - 1, false, NULL,
	  str_name_ok, "use A-Z a-z 0-9 _ . -" },
	{ "role", K_FN, 0, 0, 0, 0, false, set_role, NULL, NULL },
	{ "max_lag", K_FN, 0, 0, 0, 0, false, set_max_lag, NULL, NULL },
	{ "fallback_primary", K_BOOL, VSF(fallback_primary), 0, 0, false, NULL, NULL, NULL },
	{ "pool_weight", K_INT, VSF(pool_weight), 0, 65535, false, NULL, NULL, NULL },
};

_Static_assert(sizeof(vs_rows) / sizeof(vs_rows[0]) <= 32, "too many rows");

static void vs_defaults(struct conf_vs *vs)
{
	copy_str(vs->svc.sched, sizeof(vs->svc.sched), "wlc"); /* ipvsadm's default */
	vs->fwd = IPVS_FWD_NAT;
	vs->quorum = 1;
	vs->max_lag = CONF_IPVS_NO_LAG_BOUND;
	vs->pool_weight = 1;
}

/* The service key from what the file set: address + port (+ protocol) or
 * fwmark (+ family). Errors at the group's line: they concern the group. */
static int vs_key(const struct ld *ld, const config_setting_t *grp, struct conf_vs *vs)
{
	struct ipvs_svc_key *k = &vs->svc.key;

	if (vs->fwmark && (vs->has_addr || vs->has_port || vs->has_proto))
		return ld_err(ld, grp, "virtual server '%s': fwmark excludes address, port and "
			      "protocol", vs->name);
	if (!vs->fwmark && (!vs->has_addr || !vs->has_port))
		return ld_err(ld, grp, "virtual server '%s': needs address and port, or fwmark",
			      vs->name);
	if (!vs->fwmark && vs->has_family)
		return ld_err(ld, grp, "virtual server '%s': family is for fwmark services; "
			      "the address gives it", vs->name);
	if (vs->fwmark) {
		k->fwmark = vs->fwmark;
		if (!vs->has_family)
			k->family = AF_INET;
	} else {
		k->family = k->addr.family;
		k->port = (uint16_t)vs->port;
		if (!vs->has_proto)
			k->protocol = IPPROTO_TCP;
	}
	ipvs_svc_key_norm(k);
	return 0;
}

static int load_vs(const struct ld *ld, const config_setting_t *s, struct conf_vs *vs)
{
	if (!config_setting_is_group(s))
		return ld_err(ld, s, "virtual server must be a group { ... }");
	vs_defaults(vs);
	set_pos(&vs->pos, ld, s);
	if (load_group(ld, s, vs_rows, NROWS(vs_rows), vs, "virtual server") < 0 ||
	    vs_key(ld, s, vs) < 0)
		return -1;
	if (vs->svc.timeout)
		vs->svc.flags |= IPVS_SVC_F_PERSISTENT;
	if (!vs->has_netmask)
		vs->netmask = vs->svc.key.family == AF_INET6 ? 128 : 32;
	vs->svc.netmask = (uint8_t)(vs->netmask > 128 ? 128 : vs->netmask);
	for (size_t i = 0; i < vs->n_rs; i++)
		if (vs->rs[i].port == UNSET_PORT)
			vs->rs[i].port = vs->svc.key.port;
	return 0;
}

int conf_ipvs_load(const struct ld *ld, const config_setting_t *s, struct conf *c)
{
	struct conf_ipvs *ci = ipvs_of(ld, s, c);
	int i, n = config_setting_length(s);

	if (!ci)
		return -1;
	if (!config_setting_is_list(s))
		return ld_err(ld, s, "virtual_servers must be a list ( { ... }, ... )");
	if (ci->vs)
		return ld_err(ld, s, "virtual_servers appears twice");
	if (n == 0)
		return 0;
	if (!(ci->vs = calloc((size_t)n, sizeof(*ci->vs))))
		return ld_err(ld, s, "out of memory");
	ci->n_vs = (size_t)n;
	for (i = 0; i < n; i++)
		if (load_vs(ld, config_setting_get_elem(s, (unsigned)i), &ci->vs[i]) < 0)
			return -1;
	return 0;
}

/* ---- database pools ---- */

static int set_nodes(const struct ld *ld, const struct row *r, const config_setting_t *s,
		     void *obj)
{
	struct conf_db_pool *p = obj;
	int i, n = config_setting_length(s);

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return ld_err(ld, s, "%s must be a list [ \"198.51.100.31:5432\", ... ]", r->name);
	if (n < 1 || n > CONF_IPVS_MAX_NODES)
		return ld_err(ld, s, "%s has %d entries; 1..%d allowed", r->name, n,
			      CONF_IPVS_MAX_NODES);
	free(p->nodes);
	if (!(p->nodes = calloc((size_t)n, sizeof(*p->nodes))))
		return ld_err(ld, s, "out of memory");
	p->n_nodes = (size_t)n;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		uint32_t port;

		if (config_setting_type(e) != CONFIG_TYPE_STRING ||
		    parse_hostport(config_setting_get_string(e), &p->nodes[i].addr, &port) < 0)
			return ld_err(ld, e, "%s entries must be \"address:port\"", r->name);
		p->nodes[i].port = (uint16_t)port;
		set_pos(&p->nodes[i].pos, ld, e);
	}
	return 0;
}

/* Checker names parallel to nodes: `checks` must come after `nodes` in the
 * group (the error says so), one name per node. */
static int set_checks(const struct ld *ld, const struct row *r, const config_setting_t *s,
		      void *obj)
{
	struct conf_db_pool *p = obj;
	int i, n = config_setting_length(s);

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return ld_err(ld, s, "%s must be a list [ \"pg1\", ... ]", r->name);
	if (!p->nodes || (size_t)n != p->n_nodes)
		return ld_err(ld, s, "%s must follow nodes and name one checker per node", r->name);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_type(e) == CONFIG_TYPE_STRING
					? config_setting_get_string(e) : NULL;

		if (!v || !*v || strlen(v) >= CONF_NAME_MAX || !str_name_ok(v))
			return ld_err(ld, e, "%s entries must be checker names", r->name);
		copy_str(p->nodes[i].check, sizeof(p->nodes[i].check), v);
	}
	p->has_checks = true;
	set_pos(&p->checks_pos, ld, s);
	return 0;
}

static int set_two_primaries(const struct ld *ld, const struct row *r,
			     const config_setting_t *s, void *obj)
{
	static const char *const names[] = {
		[CONF_TWO_PRIMARIES_NONE] = "none", [CONF_TWO_PRIMARIES_NEWEST_TL] = "newest_timeline",
	};
	struct conf_db_pool *p = obj;
	int i;

	if (pick(ld, r, s, names, NROWS(names), "none or newest_timeline", &i) < 0)
		return -1;
	p->two_primaries = (enum conf_two_primaries)i;
	return 0;
}

#define PF(f) offsetof(struct conf_db_pool, f), sizeof(((struct conf_db_pool *)0)->f)

static const struct row pool_rows[] = {
	{ "name", K_STR, PF(name), 1, CONF_NAME_MAX - 1, true, NULL,
	  str_name_ok, "use A-Z a-z 0-9 _ . -" },
	{ "nodes", K_FN, 0, 0, 0, 0, true, set_nodes, NULL, NULL },
	{ "checks", K_FN, 0, 0, 0, 0, false, set_checks, NULL, NULL },
	{ "on_two_primaries", K_FN, 0, 0, 0, 0, false, set_two_primaries, NULL, NULL },
};

int conf_ipvs_load_pools(const struct ld *ld, const config_setting_t *s, struct conf *c)
{
	struct conf_ipvs *ci = ipvs_of(ld, s, c);
	int i, n = config_setting_length(s);

	if (!ci)
		return -1;
	if (!config_setting_is_list(s))
		return ld_err(ld, s, "db_pools must be a list ( { ... }, ... )");
	if (ci->pools)
		return ld_err(ld, s, "db_pools appears twice");
	if (n == 0)
		return 0;
	if (!(ci->pools = calloc((size_t)n, sizeof(*ci->pools))))
		return ld_err(ld, s, "out of memory");
	ci->n_pools = (size_t)n;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (!config_setting_is_group(e))
			return ld_err(ld, e, "database pool must be a group { ... }");
		set_pos(&ci->pools[i].pos, ld, e);
		if (load_group(ld, e, pool_rows, NROWS(pool_rows), &ci->pools[i],
			       "database pool") < 0)
			return -1;
	}
	return 0;
}

/* ---- ipvs { ... } ---- */

static int set_when_master(const struct ld *ld, const struct row *r, const config_setting_t *s,
			   void *obj)
{
	struct conf_ipvs *ci = obj;
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return ld_err(ld, s, "%s must be a string (a VRRP instance name)", r->name);
	v = config_setting_get_string(s);
	if (!*v || strlen(v) >= sizeof(ci->when_master) || !str_name_ok(v))
		return ld_err(ld, s, "%s '%s' is not an instance name", r->name, v);
	copy_str(ci->when_master, sizeof(ci->when_master), v);
	set_pos(&ci->when_master_pos, ld, s);
	return 0;
}

static int set_on_stop(const struct ld *ld, const struct row *r, const config_setting_t *s,
		       void *obj)
{
	static const char *const names[] = { "remove", "keep" };
	struct conf_ipvs *ci = obj;
	int i;

	if (pick(ld, r, s, names, NROWS(names), "remove or keep", &i) < 0)
		return -1;
	ci->keep_on_stop = i == 1;
	return 0;
}

static const struct row options_rows[] = {
	{ "when_master", K_FN, 0, 0, 0, 0, false, set_when_master, NULL, NULL },
	{ "on_stop", K_FN, 0, 0, 0, 0, false, set_on_stop, NULL, NULL },
};

int conf_ipvs_load_options(const struct ld *ld, const config_setting_t *s, struct conf *c)
{
	struct conf_ipvs *ci = ipvs_of(ld, s, c);

	if (!ci)
		return -1;
	if (!config_setting_is_group(s))
		return ld_err(ld, s, "ipvs must be a group { ... }");
	return load_group(ld, s, options_rows, NROWS(options_rows), ci, "ipvs");
}

/* ---- ownership, lookups, words ---- */

void conf_ipvs_free(struct conf *c)
{
	struct conf_ipvs *ci = c->ipvs;

	if (ci) {
		for (size_t i = 0; i < ci->n_vs && ci->vs; i++)
			free(ci->vs[i].rs);
		free(ci->vs);
		for (size_t i = 0; i < ci->n_pools && ci->pools; i++)
			free(ci->pools[i].nodes);
		free(ci->pools);
		free(ci);
	}
	c->ipvs = NULL;
}

const struct conf_vs *conf_ipvs_find_vs(const struct conf_ipvs *ci, const char *name)
{
	for (size_t i = 0; ci && i < ci->n_vs; i++)
		if (strcmp(ci->vs[i].name, name) == 0)
			return &ci->vs[i];
	return NULL;
}

const struct conf_db_pool *conf_ipvs_find_pool(const struct conf_ipvs *ci, const char *name)
{
	for (size_t i = 0; ci && i < ci->n_pools; i++)
		if (strcmp(ci->pools[i].name, name) == 0)
			return &ci->pools[i];
	return NULL;
}

const char *conf_vs_role_str(enum conf_vs_role r)
{
	return r == CONF_ROLE_PRIMARY ? "primary" : r == CONF_ROLE_REPLICA ? "replica" : "none";
}

const char *conf_ipvs_key_fmt(const struct ipvs_svc_key *k, char *buf, size_t len)
{
	char a[ADDR_STRLEN];
	const char *proto = k->protocol == IPPROTO_TCP ? "tcp"
			    : k->protocol == IPPROTO_UDP ? "udp"
			    : k->protocol == IPPROTO_SCTP ? "sctp" : "proto?";

	if (k->fwmark)
		snprintf(buf, len, "fwmark %u (%s)", k->fwmark,
			 k->family == AF_INET6 ? "IPv6" : "IPv4");
	else if (k->family == AF_INET6)
		snprintf(buf, len, "%s [%s]:%u", proto, addr_fmt(&k->addr, a, sizeof(a)), k->port);
	else
		snprintf(buf, len, "%s %s:%u", proto, addr_fmt(&k->addr, a, sizeof(a)), k->port);
	return buf;
}
