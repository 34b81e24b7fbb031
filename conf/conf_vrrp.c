/* conf_vrrp.c - the vrrp_instances list: one table row per setting of an
 * instance, the address parsers (VIPs, unicast) and the instance's derived
 * defaults (handover timeout, virtual MAC interface name). Tracked items and
 * notify programs are parsed by conf_track.c. */
#include "conf/conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/conf_priv.h"
#include "vrrp/vrrp_pkt.h"

#define HANDOVER_UNSET UINT32_MAX /* "not in the file": derived from advert_interval */

static bool vip_is_unicast(const struct addr *a)
{
	const uint8_t *b = a->u.bytes;
	static const uint8_t zero[16];

	if (a->family == AF_INET) /* not 0.0.0.0, not multicast/reserved (224/3) */
		return memcmp(b, zero, 4) && b[0] < 224;
	return memcmp(b, zero, 16) && b[0] != 0xff && !IN6_IS_ADDR_LOOPBACK(&a->u.v6);
}

/* "192.0.2.10/24" or "2001:db8::1"; the prefix only has to be a number
 * here, its range depends on the family and is checked by conf_check. */
static int parse_vip(const struct ld *ld, const config_setting_t *e, struct conf_vip *vip)
{
	char buf[ADDR_STRLEN + 8];
	const char *str;
	char *slash;
	size_t n;

	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return ld_err(ld, e, "virtual_ipaddress entries must be strings");
	str = config_setting_get_string(e);
	if (strlen(str) >= sizeof(buf))
		return ld_err(ld, e, "VIP '%s' is not an IPv4 or IPv6 address", str);
	copy_str(buf, sizeof(buf), str);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (addr_parse(buf, &vip->addr) < 0)
		return ld_err(ld, e, "VIP '%s' is not an IPv4 or IPv6 address", str);
	vip->prefixlen = vip->addr.family == AF_INET ? 32 : 128;
	if (slash) {
		n = strlen(slash);
		if (n < 1 || n > 3 || strspn(slash, "0123456789") != n || atoi(slash) > 255)
			return ld_err(ld, e, "VIP '%s' has a bad prefix length", str);
		vip->prefixlen = (uint8_t)atoi(slash);
	}
	if (!vip_is_unicast(&vip->addr))
		return ld_err(ld, e, "VIP '%s' is not a unicast address", str);
	set_pos(&vip->pos, ld, e);
	return 0;
}

/* One address without prefix (unicast_src_ip, unicast_peers entries). */
static int parse_host(const struct ld *ld, const config_setting_t *e, const char *what,
		      struct addr *out)
{
	const char *str = config_setting_get_string(e);

	if (addr_parse(str, out) < 0)
		return ld_err(ld, e, "%s '%s' is not an IPv4 or IPv6 address", what, str);
	if (!vip_is_unicast(out))
		return ld_err(ld, e, "%s '%s' is not a unicast address", what, str);
	return 0;
}

static int set_unicast_src(const struct ld *ld, const struct row *r, const config_setting_t *s,
			   void *obj)
{
	struct conf_vrrp *v = obj;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return ld_err(ld, s, "%s must be a string", r->name);
	return parse_host(ld, s, r->name, &v->unicast_src);
}

/* Families, duplicates and our own address are conf_check's (they relate
 * this setting to the VIPs and to unicast_src_ip). */
static int set_unicast_peers(const struct ld *ld, const struct row *r,
			     const config_setting_t *s, void *obj)
{
	struct conf_vrrp *v = obj;
	int i, n = config_setting_length(s);

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return ld_err(ld, s, "%s must be a list of addresses [ \"192.0.2.2\", ... ]",
			      r->name);
	if (n < 1 || n > CONF_MAX_UNICAST_PEERS)
		return ld_err(ld, s, "%s has %d entries; 1..%d allowed", r->name, n,
			      CONF_MAX_UNICAST_PEERS);
	free(v->unicast_peers);
	v->n_unicast_peers = 0;
	v->unicast_peers = calloc((size_t)n, sizeof(*v->unicast_peers));
	if (!v->unicast_peers)
		return ld_err(ld, s, "out of memory");
	v->n_unicast_peers = (size_t)n;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return ld_err(ld, e, "%s entries must be strings", r->name);
		if (parse_host(ld, e, "unicast peer", &v->unicast_peers[i]) < 0)
			return -1;
	}
	return 0;
}

static int set_vips(const struct ld *ld, const struct row *r, const config_setting_t *s, void *obj)
{
	struct conf_vrrp *v = obj;
	int i, n = config_setting_length(s);

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return ld_err(ld, s, "%s must be a list of addresses [ \"192.0.2.10/24\", ... ]",
			      r->name);
	if (n < 1 || n > VRRP_MAX_ADDRS)
		return ld_err(ld, s, "%s has %d entries; 1..%d allowed", r->name, n,
			      VRRP_MAX_ADDRS);
	free(v->vips);
	v->vips = calloc((size_t)n, sizeof(*v->vips));
	v->n_vips = 0;
	if (!v->vips)
		return ld_err(ld, s, "out of memory");
	v->n_vips = (size_t)n;
	for (i = 0; i < n; i++)
		if (parse_vip(ld, config_setting_get_elem(s, (unsigned)i), &v->vips[i]) < 0)
			return -1;
	v->family = v->vips[0].addr.family; /* conf_check makes sure all agree */
	return 0;
}

#define VF(f) offsetof(struct conf_vrrp, f), sizeof(((struct conf_vrrp *)0)->f)

/* Ranges of durations are in ms. advert_interval admits the union of the v2
 * and v3 ranges here; conf_check narrows it once the version is known. */
static const struct row vrrp_rows[] = {
	{ "name", K_STR, VF(name), 1, CONF_NAME_MAX - 1, true, NULL,
	  str_name_ok, "use A-Z a-z 0-9 _ . -" },
	{ "interface", K_STR, VF(ifname), 1, IF_NAMESIZE - 1, true, NULL,
	  str_ifname_ok, "no spaces, '/' or ':'" },
	{ "vrid", K_INT, VF(vrid), 1, 255, true, NULL, NULL, NULL },
	{ "priority", K_INT, VF(priority), 1, 255, false, NULL, NULL, NULL },
	{ "version", K_INT, VF(version), 2, 3, false, NULL, NULL, NULL },
	{ "advert_interval", K_DUR, VF(adver_int_ms), 10, 255000, false, NULL, NULL, NULL },
	{ "preempt", K_BOOL, VF(preempt), 0, 0, false, NULL, NULL, NULL },
	{ "preempt_delay", K_DUR, VF(preempt_delay_ms), 0, 3600000, false, NULL, NULL, NULL },
	{ "accept_mode", K_BOOL, VF(accept), 0, 0, false, NULL, NULL, NULL },
	{ "garp_count", K_INT, VF(garp_count), 1, 100, false, NULL, NULL, NULL },
	{ "garp_interval", K_DUR, VF(garp_interval_ms), 0, 10000, false, NULL, NULL, NULL },
	{ "garp_refresh", K_DUR, VF(garp_refresh_ms), 0, 86400000, false, NULL, NULL, NULL },
	{ "handover_timeout", K_DUR, VF(handover_ms), 0, 60000, false, NULL, NULL, NULL },
	{ "virtual_ipaddress", K_FN, VF(vips), 0, 0, true, set_vips, NULL, NULL },
	{ "unicast_src_ip", K_FN, VF(unicast_src), 0, 0, false, set_unicast_src, NULL, NULL },
	{ "unicast_peers", K_FN, VF(unicast_peers), 0, 0, false, set_unicast_peers, NULL, NULL },
	{ "track_interface", K_FN, VF(track_if), 0, 0, false, set_track_if, NULL, NULL },
	{ "track_file", K_FN, VF(track_file), 0, 0, false, set_track_file, NULL, NULL },
	{ "track", K_FN, VF(track), 0, 0, false, set_track, NULL, NULL },
	NOTIFY_ROWS(VF),
	{ "use_vmac", K_BOOL, VF(use_vmac), 0, 0, false, NULL, NULL, NULL },
	{ "vmac_interface", K_STR, VF(vmac_ifname), 1, IF_NAMESIZE - 1, false, NULL,
	  str_ifname_ok, "no spaces, '/' or ':'" },
	{ "higher_prio_send_advert", K_BOOL, VF(higher_prio_send_advert), 0, 0, false, NULL,
	  NULL, NULL },
};

/* load_group() keeps a bool per row in bool seen[32]. */
_Static_assert(sizeof(vrrp_rows) / sizeof(vrrp_rows[0]) <= 32, "too many rows");

static void vrrp_defaults(struct conf_vrrp *v)
{
	v->priority = 100;
	v->version = 3;
	v->adver_int_ms = 1000;
	v->preempt = true;
	v->preempt_delay_ms = 0;
	v->accept = true;
	v->garp_count = 5;
	v->garp_interval_ms = 10;
	v->garp_refresh_ms = 60000;
	v->handover_ms = HANDOVER_UNSET;
	v->use_vmac = false;
	v->higher_prio_send_advert = false;
}

static int load_vrrp(const struct ld *ld, const config_setting_t *s, struct conf_vrrp *v)
{
	if (!config_setting_is_group(s))
		return ld_err(ld, s, "vrrp instance must be a group { ... }");
	vrrp_defaults(v);
	set_pos(&v->pos, ld, s);
	if (load_group(ld, s, vrrp_rows, NROWS(vrrp_rows), v, "vrrp instance") < 0)
		return -1;
	/* Long enough for the backup to hear two adverts from the new master. */
	if (v->handover_ms == HANDOVER_UNSET)
		v->handover_ms = 2 * v->adver_int_ms + 100;
	/* Named like keepalived's, so tools that know those names keep working;
	 * v6 has its own prefix as IPv4 and IPv6 routers may share a VRID. */
	if (v->use_vmac && !v->vmac_ifname[0])
		snprintf(v->vmac_ifname, sizeof(v->vmac_ifname), "%s.%u",
			 v->family == AF_INET6 ? "vrrp6" : "vrrp", v->vrid);
	return 0;
}

int load_vrrp_list(const struct ld *ld, const config_setting_t *s, struct conf *c)
{
	int i, n = config_setting_length(s);

	if (!config_setting_is_list(s))
		return ld_err(ld, s, "vrrp_instances must be a list ( { ... }, ... )");
	if (n == 0)
		return 0;
	c->vrrp = calloc((size_t)n, sizeof(*c->vrrp));
	if (!c->vrrp)
		return ld_err(ld, s, "out of memory");
	c->n_vrrp = (size_t)n;
	for (i = 0; i < n; i++)
		if (load_vrrp(ld, config_setting_get_elem(s, (unsigned)i), &c->vrrp[i]) < 0)
			return -1;
	return 0;
}

/* ---- ownership of an instance's arrays ---- */

void conf_vrrp_free(struct conf_vrrp *v)
{
	free(v->vips);
	free(v->unicast_peers);
	free(v->track_if);
	free(v->track_file);
	free(v->track);
	conf_notify_free(&v->notify);
	v->vips = NULL;
	v->n_vips = 0;
	v->unicast_peers = NULL;
	v->n_unicast_peers = 0;
	v->track_if = NULL;
	v->n_track_if = 0;
	v->track_file = NULL;
	v->n_track_file = 0;
	v->track = NULL;
	v->n_track = 0;
}

/* malloc+memcpy of n items of size sz; a NULL/empty source gives NULL,
 * a failed allocation NULL and *failed set. */
static void *dup_array(const void *src, size_t n, size_t sz, bool *failed)
{
	void *p;

	if (!src || !n)
		return NULL;
	p = malloc(n * sz);
	if (!p) {
		*failed = true;
		return NULL;
	}
	return memcpy(p, src, n * sz);
}

static int dup_argv(struct conf_argv *dst, const struct conf_argv *src)
{
	size_t i;

	*dst = *src;
	dst->argv = NULL;
	if (!src->argv)
		return 0;
	dst->argv = calloc(src->argc + 1, sizeof(*dst->argv));
	if (!dst->argv)
		return -1;
	for (i = 0; i < src->argc; i++)
		if (!(dst->argv[i] = strdup(src->argv[i])))
			return -1;
	return 0;
}

int conf_vrrp_copy(struct conf_vrrp *dst, const struct conf_vrrp *src)
{
	bool failed = false;
	int rc = 0;

	*dst = *src;
	dst->vips = dup_array(src->vips, src->n_vips, sizeof(*src->vips), &failed);
	dst->unicast_peers = dup_array(src->unicast_peers, src->n_unicast_peers,
				       sizeof(*src->unicast_peers), &failed);
	dst->track_if = dup_array(src->track_if, src->n_track_if, sizeof(*src->track_if),
				  &failed);
	dst->track_file = dup_array(src->track_file, src->n_track_file,
				    sizeof(*src->track_file), &failed);
	dst->track = dup_array(src->track, src->n_track, sizeof(*src->track), &failed);
	rc |= dup_argv(&dst->notify.any, &src->notify.any);
	rc |= dup_argv(&dst->notify.master, &src->notify.master);
	rc |= dup_argv(&dst->notify.backup, &src->notify.backup);
	rc |= dup_argv(&dst->notify.fault, &src->notify.fault);
	rc |= dup_argv(&dst->notify.stop, &src->notify.stop);
	if (rc || failed) {
		conf_vrrp_free(dst);
		return -1;
	}
	return 0;
}
