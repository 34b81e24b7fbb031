/* conf_check.c - rules that relate settings to each other: per instance
 * (families, prefix lengths, version-specific intervals, unicast peers,
 * tracked items, notify programs, virtual MAC), across instances (names,
 * VRIDs, VIPs, VMAC interfaces) and sync groups (members exist, one group
 * each). Pure: reads the struct, writes only err; the one look at the system
 * is whether notify_user exists (getpwnam), so a typo fails the reload
 * rather than the first transition. */
#include "conf/conf.h"

#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/conf_priv.h"
#include "vrrp/vrrp_pkt.h"

int chk_err(char *err, size_t errlen, const struct conf_pos *pos, const char *fmt, ...)
{
	char msg[CONF_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (errlen)
		snprintf(err, errlen, "%s:%d: %s", pos->file, pos->line, msg);
	return -1;
}

static const char *family_str(int family)
{
	return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "no family";
}

/* Plain ranges again: a conf may also be built by code, not only by conf_load. */
static int check_ranges(const struct conf_vrrp *v, char *err, size_t errlen)
{
	const struct conf_pos *p = &v->pos;

	if (v->vrid < 1)
		return chk_err(err, errlen, p, "vrrp instance '%s': vrid 0 out of range 1..255",
			       v->name);
	if (v->priority < 1)
		return chk_err(err, errlen, p,
			       "vrrp instance '%s': priority 0 out of range 1..255", v->name);
	if (v->version != 2 && v->version != 3)
		return chk_err(err, errlen, p, "vrrp instance '%s': version %u is not 2 or 3",
			       v->name, v->version);
	if (v->n_vips < 1 || v->n_vips > VRRP_MAX_ADDRS || !v->vips)
		return chk_err(err, errlen, p,
			       "vrrp instance '%s': %zu virtual addresses; 1..%d allowed",
			       v->name, v->n_vips, VRRP_MAX_ADDRS);
	if (v->family != AF_INET && v->family != AF_INET6)
		return chk_err(err, errlen, p, "vrrp instance '%s': address family not set",
			       v->name);
	return 0;
}

/* RFC 5798 §5.2.7: v3 carries centiseconds in 12 bits (10 ms .. 40.95 s);
 * RFC 3768 §5.3.7: v2 carries whole seconds in 8 bits. */
static int check_interval(const struct conf_vrrp *v, char *err, size_t errlen)
{
	uint32_t ms = v->adver_int_ms;

	if (v->version == 2 && v->family != AF_INET)
		return chk_err(err, errlen, &v->pos,
			       "vrrp instance '%s': version 2 is IPv4 only (RFC 3768); "
			       "use version 3 for IPv6", v->name);
	if (v->version == 2 && (ms % 1000 || ms < 1000 || ms > 255000))
		return chk_err(err, errlen, &v->pos,
			       "vrrp instance '%s': advert_interval %g must be whole seconds "
			       "1..255 with version 2", v->name, ms / 1000.0);
	if (v->version == 3 && (ms % 10 || ms < 10 || ms > 40950))
		return chk_err(err, errlen, &v->pos,
			       "vrrp instance '%s': advert_interval %g must be a multiple of "
			       "0.01 in 0.01..40.95 with version 3", v->name, ms / 1000.0);
	return 0;
}

static int check_vips(const struct conf_vrrp *v, char *err, size_t errlen)
{
	char buf[ADDR_STRLEN];
	size_t i, j;

	for (i = 0; i < v->n_vips; i++) {
		const struct conf_vip *a = &v->vips[i];
		unsigned max = a->addr.family == AF_INET ? 32 : 128;

		addr_fmt(&a->addr, buf, sizeof(buf));
		if (a->addr.family != v->family)
			return chk_err(err, errlen, &a->pos,
				       "VIP %s is %s but vrrp instance '%s' is %s: one family "
				       "per instance", buf, family_str(a->addr.family), v->name,
				       family_str(v->family));
		if (a->prefixlen < 1 || a->prefixlen > max)
			return chk_err(err, errlen, &a->pos,
				       "VIP %s prefix length %u out of range 1..%u", buf,
				       a->prefixlen, max);
		for (j = 0; j < i; j++)
			if (addr_eq(&a->addr, &v->vips[j].addr))
				return chk_err(err, errlen, &a->pos,
					       "duplicate VIP %s in vrrp instance '%s' "
					       "(first at line %d)", buf, v->name,
					       v->vips[j].pos.line);
	}
	return 0;
}

/* Unicast mode (issue 3): adverts go to each peer instead of the group
 * address of RFC 5798 §5.1.1.2/§5.1.2.2, from unicast_src_ip. */
static int check_unicast(const struct conf_vrrp *v, char *err, size_t errlen)
{
	const struct conf_pos *p = &v->pos;
	char buf[ADDR_STRLEN];
	size_t i, j;

	if (v->n_unicast_peers > CONF_MAX_UNICAST_PEERS
	    || (v->n_unicast_peers && !v->unicast_peers))
		return chk_err(err, errlen, p, "vrrp instance '%s': %zu unicast peers; at most "
			       "%d allowed", v->name, v->n_unicast_peers, CONF_MAX_UNICAST_PEERS);
	if (v->unicast_src.family && !v->n_unicast_peers)
		return chk_err(err, errlen, p, "vrrp instance '%s': unicast_src_ip without "
			       "unicast_peers", v->name);
	if (v->unicast_src.family && v->unicast_src.family != v->family)
		return chk_err(err, errlen, p, "vrrp instance '%s': unicast_src_ip %s is %s but "
			       "the instance is %s", v->name,
			       addr_fmt(&v->unicast_src, buf, sizeof(buf)),
			       family_str(v->unicast_src.family), family_str(v->family));
	for (i = 0; i < v->n_unicast_peers; i++) {
		const struct addr *a = &v->unicast_peers[i];

		addr_fmt(a, buf, sizeof(buf));
		if (a->family != v->family)
			return chk_err(err, errlen, p, "vrrp instance '%s': unicast peer %s is %s "
				       "but the instance is %s", v->name, buf,
				       family_str(a->family), family_str(v->family));
		if (addr_eq(a, &v->unicast_src))
			return chk_err(err, errlen, p, "vrrp instance '%s': unicast peer %s is our "
				       "own unicast_src_ip", v->name, buf);
		for (j = 0; j < i; j++)
			if (addr_eq(a, &v->unicast_peers[j]))
				return chk_err(err, errlen, p, "vrrp instance '%s': duplicate "
					       "unicast peer %s", v->name, buf);
	}
	return 0;
}

/* The three tracked lists seen alike: entry i's key (interface, path or
 * name), weight and position, at fixed offsets. */
struct track_view {
	const char *what;
	const char *base;
	size_t n, size, key_off, weight_off, pos_off;
};

#define TRACK_VIEW(what, arr, n, T, key) \
	{ what, (const char *)(arr), n, sizeof(T), offsetof(T, key), offsetof(T, weight), \
	  offsetof(T, pos) }

static const char *tv_key(const struct track_view *t, size_t i)
{
	return t->base + i * t->size + t->key_off;
}

static const struct conf_pos *tv_pos(const struct track_view *t, size_t i)
{
	return (const struct conf_pos *)(const void *)(t->base + i * t->size + t->pos_off);
}

static int tv_weight(const struct track_view *t, size_t i)
{
	int w;

	memcpy(&w, t->base + i * t->size + t->weight_off, sizeof(w));
	return w;
}

/* A tracked item counted twice would apply its weight twice. */
static int check_track_list(const struct conf_vrrp *v, const struct track_view *t, char *err,
			    size_t errlen)
{
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		const char *key = tv_key(t, i);
		int w = tv_weight(t, i);

		if (w < -CONF_WEIGHT_MAX || w > CONF_WEIGHT_MAX)
			return chk_err(err, errlen, tv_pos(t, i), "vrrp instance '%s': %s '%s' "
				       "weight %d out of range %d..%d", v->name, t->what, key, w,
				       -CONF_WEIGHT_MAX, CONF_WEIGHT_MAX);
		for (j = 0; j < i; j++)
			if (!strcmp(key, tv_key(t, j)))
				return chk_err(err, errlen, tv_pos(t, i), "vrrp instance '%s': "
					       "duplicate %s '%s' (first at line %d)", v->name,
					       t->what, key, tv_pos(t, j)->line);
	}
	return 0;
}

static int check_tracks(const struct conf_vrrp *v, char *err, size_t errlen)
{
	const struct track_view views[] = {
		TRACK_VIEW("track_interface", v->track_if, v->n_track_if,
			   struct conf_track_if, ifname),
		TRACK_VIEW("track_file", v->track_file, v->n_track_file,
			   struct conf_track_file, path),
		TRACK_VIEW("track", v->track, v->n_track, struct conf_track, name),
	};
	size_t i;

	for (i = 0; i < NROWS(views); i++)
		if (check_track_list(v, &views[i], err, errlen) < 0)
			return -1;
	/* Its link going down is FAULT already (no adverts can be sent or
	 * heard); a weight on top would be counted twice or contradict it. */
	for (i = 0; i < v->n_track_if; i++)
		if (!strcmp(v->track_if[i].ifname, v->ifname))
			return chk_err(err, errlen, &v->track_if[i].pos,
				       "vrrp instance '%s': track_interface '%s' is the "
				       "instance's own interface, always tracked (down = FAULT)",
				       v->name, v->ifname);
	return 0;
}

/* The programs are run without a shell (execv), so no PATH lookup. */
static int check_notify(const struct conf_notify *n, const char *owner, const char *name,
			char *err, size_t errlen)
{
	const struct { const char *what; const struct conf_argv *a; } progs[] = {
		{ "notify", &n->any }, { "notify_master", &n->master },
		{ "notify_backup", &n->backup }, { "notify_fault", &n->fault },
		{ "notify_stop", &n->stop },
	};
	size_t i;

	for (i = 0; i < NROWS(progs); i++) {
		const struct conf_argv *a = progs[i].a;
		const char *prog = a->argv && a->argv[0] ? a->argv[0] : "";

		if (a->argv && prog[0] != '/')
			return chk_err(err, errlen, &a->pos, "%s '%s': %s program '%s' must be "
				       "an absolute path", owner, name, progs[i].what, prog);
	}
	return 0;
}

/* RFC 5798 §7.3 virtual MAC on a macvlan named vmac_interface. */
static int check_vmac(const struct conf_vrrp *v, char *err, size_t errlen)
{
	if (!v->use_vmac && v->vmac_ifname[0])
		return chk_err(err, errlen, &v->pos, "vrrp instance '%s': vmac_interface '%s' "
			       "is set but use_vmac is false", v->name, v->vmac_ifname);
	if (v->use_vmac && !v->vmac_ifname[0])
		return chk_err(err, errlen, &v->pos, "vrrp instance '%s': use_vmac without a "
			       "vmac_interface name", v->name);
	if (v->use_vmac && !strcmp(v->vmac_ifname, v->ifname))
		return chk_err(err, errlen, &v->pos, "vrrp instance '%s': vmac_interface '%s' "
			       "is the instance's own interface", v->name, v->ifname);
	return 0;
}

/* A VIP held by two virtual routers would flap between them. */
static int check_vip_shared(const struct conf_vrrp *a, const struct conf_vrrp *b,
			    char *err, size_t errlen)
{
	char buf[ADDR_STRLEN];
	size_t i, j;

	for (i = 0; i < b->n_vips; i++)
		for (j = 0; j < a->n_vips; j++)
			if (addr_eq(&b->vips[i].addr, &a->vips[j].addr))
				return chk_err(err, errlen, &b->vips[i].pos,
					       "VIP %s already used by vrrp instance '%s' (%s:%d)",
					       addr_fmt(&b->vips[i].addr, buf, sizeof(buf)),
					       a->name, a->vips[j].pos.file,
					       a->vips[j].pos.line);
	return 0;
}

/* b is compared with an earlier instance a. IPv4 and IPv6 virtual routers
 * with one VRID are distinct (RFC 5798 §7.3: virtual MACs 00-00-5E-00-01-xx
 * vs 00-00-5E-00-02-xx), so they may share a VRID on one interface. */
static int check_pair(const struct conf_vrrp *a, const struct conf_vrrp *b, char *err,
		      size_t errlen)
{
	if (!strcmp(a->name, b->name))
		return chk_err(err, errlen, &b->pos,
			       "duplicate vrrp instance name '%s' (first at %s:%d)", b->name,
			       a->pos.file, a->pos.line);
	if (a->vrid == b->vrid && a->family == b->family && !strcmp(a->ifname, b->ifname))
		return chk_err(err, errlen, &b->pos,
			       "vrrp instance '%s': vrid %u on %s (%s) already used by "
			       "vrrp instance '%s' (%s:%d)", b->name, b->vrid, b->ifname,
			       family_str(b->family), a->name, a->pos.file, a->pos.line);
	/* two macvlans cannot share a name */
	if (a->use_vmac && b->use_vmac && !strcmp(a->vmac_ifname, b->vmac_ifname))
		return chk_err(err, errlen, &b->pos,
			       "vrrp instance '%s': vmac_interface '%s' already used by "
			       "vrrp instance '%s' (%s:%d)", b->name, b->vmac_ifname, a->name,
			       a->pos.file, a->pos.line);
	return check_vip_shared(a, b, err, errlen);
}

static int check_instance(const struct conf_vrrp *v, char *err, size_t errlen)
{
	if (check_ranges(v, err, errlen) < 0 || check_vips(v, err, errlen) < 0
	    || check_interval(v, err, errlen) < 0 || check_unicast(v, err, errlen) < 0
	    || check_tracks(v, err, errlen) < 0 || check_vmac(v, err, errlen) < 0
	    || check_notify(&v->notify, "vrrp instance", v->name, err, errlen) < 0)
		return -1;
	return 0;
}

/* ---- sync groups ---- */

static const struct conf_pos *member_pos(const struct conf_sync_group *g, size_t i)
{
	return g->member_pos ? &g->member_pos[i] : &g->pos;
}

static bool vrrp_defined(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_vrrp; i++)
		if (!strcmp(c->vrrp[i].name, name))
			return true;
	return false;
}

/* Is member m of group g (or an earlier member of g) also in group h? An
 * instance in two groups would be pulled two ways at once. */
static int check_member(const struct conf *c, size_t gi, size_t m, char *err, size_t errlen)
{
	const struct conf_sync_group *g = &c->sync[gi];
	const char *name = g->members[m];
	size_t h, k;

	if (!vrrp_defined(c, name))
		return chk_err(err, errlen, member_pos(g, m),
			       "unknown vrrp instance '%s' in sync group '%s'", name, g->name);
	for (k = 0; k < m; k++)
		if (!strcmp(name, g->members[k]))
			return chk_err(err, errlen, member_pos(g, m),
				       "vrrp instance '%s' listed twice in sync group '%s'",
				       name, g->name);
	for (h = 0; h < gi; h++)
		for (k = 0; k < c->sync[h].n_members; k++)
			if (!strcmp(name, c->sync[h].members[k]))
				return chk_err(err, errlen, member_pos(g, m),
					       "vrrp instance '%s' is already in sync group "
					       "'%s' (%s:%d)", name, c->sync[h].name,
					       member_pos(&c->sync[h], k)->file,
					       member_pos(&c->sync[h], k)->line);
	return 0;
}

static int check_sync(const struct conf *c, size_t gi, char *err, size_t errlen)
{
	const struct conf_sync_group *g = &c->sync[gi];
	size_t i;

	for (i = 0; i < gi; i++)
		if (!strcmp(g->name, c->sync[i].name))
			return chk_err(err, errlen, &g->pos,
				       "duplicate sync group name '%s' (first at %s:%d)", g->name,
				       c->sync[i].pos.file, c->sync[i].pos.line);
	if (g->n_members < CONF_SYNC_MIN || g->n_members > CONF_SYNC_MAX || !g->members)
		return chk_err(err, errlen, &g->pos, "sync group '%s': %zu members; %d..%d "
			       "allowed", g->name, g->n_members, CONF_SYNC_MIN, CONF_SYNC_MAX);
	for (i = 0; i < g->n_members; i++)
		if (check_member(c, gi, i, err, errlen) < 0)
			return -1;
	return check_notify(&g->notify, "sync group", g->name, err, errlen);
}

/* Hooks run as this user (setuid after fork): it must exist now, not
 * fail at the first transition. */
static int check_global(const struct conf_global *g, char *err, size_t errlen)
{
	if (g->notify_user[0] && !getpwnam(g->notify_user))
		return chk_err(err, errlen, &g->notify_user_pos,
			       "notify_user '%s' is not a user on this system", g->notify_user);
	if (g->control_group[0] && !getgrnam(g->control_group))
		return chk_err(err, errlen, &g->control_group_pos,
			       "control_group '%s' is not a group on this system", g->control_group);
	if (g->control_admin_group[0] && !getgrnam(g->control_admin_group))
		return chk_err(err, errlen, &g->control_admin_group_pos,
			       "control_admin_group '%s' is not a group on this system",
			       g->control_admin_group);
	return 0;
}

int conf_check(const struct conf *c, char *err, size_t errlen)
{
	size_t i, j;

	if (errlen)
		err[0] = '\0';
	if (check_global(&c->global, err, errlen) < 0)
		return -1;
	for (i = 0; i < c->n_vrrp; i++) {
		const struct conf_vrrp *v = &c->vrrp[i];

		if (check_instance(v, err, errlen) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (check_pair(&c->vrrp[j], v, err, errlen) < 0)
				return -1;
	}
	for (i = 0; i < c->n_sync; i++)
		if (check_sync(c, i, err, errlen) < 0)
			return -1;
	/* checkers first: virtual servers refer to them by name */
	if (conf_checkers_check(c, err, errlen) < 0 || conf_ipvs_check(c, err, errlen) < 0)
		return -1;
	return 0;
}
