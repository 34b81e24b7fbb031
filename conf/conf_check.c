/* conf_check.c - rules that relate settings to each other: per instance
 * (families, prefix lengths, version-specific intervals) and across
 * instances (names, VRIDs, VIPs). Pure: reads the struct, writes only err. */
#include "conf/conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_pkt.h"

__attribute__((format(printf, 4, 5)))
static int chk_err(char *err, size_t errlen, const struct conf_pos *pos, const char *fmt, ...)
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
	return check_vip_shared(a, b, err, errlen);
}

int conf_check(const struct conf *c, char *err, size_t errlen)
{
	size_t i, j;

	if (errlen)
		err[0] = '\0';
	for (i = 0; i < c->n_vrrp; i++) {
		const struct conf_vrrp *v = &c->vrrp[i];

		if (check_ranges(v, err, errlen) < 0 || check_vips(v, err, errlen) < 0
		    || check_interval(v, err, errlen) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (check_pair(&c->vrrp[j], v, err, errlen) < 0)
				return -1;
	}
	return 0;
}
