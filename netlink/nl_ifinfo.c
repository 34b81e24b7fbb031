/* nl_ifinfo.c - one-shot interface snapshot (index, MAC, carrier, primary
 * addresses) at start and on reload.
 *
 * Design: libmnl serves everything that runs on the event loop (pure
 * builders into caller-owned buffers, non-blocking sockets, replies walked
 * with validation callbacks); libnl-route-3 serves this one-shot snapshot,
 * where its object model (rtnl_link_get_kernel, the rtnl_addr cache) saves
 * code and blocking is acceptable because nothing else is running yet. */
#include "netlink/nl_ifinfo.h"

#include <linux/if_addr.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int from_nl_addr(const struct nl_addr *na, struct addr *out)
{
	struct addr a = { 0 };

	if (!na)
		return -1;
	a.family = (uint8_t)nl_addr_get_family(na);
	if (addr_len(&a) == 0 || nl_addr_get_len(na) != addr_len(&a))
		return -1;
	memcpy(a.u.bytes, nl_addr_get_binary_addr(na), addr_len(&a));
	*out = a;
	return 0;
}

static bool is_excluded(const struct addr *a, const struct addr *exclude, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (addr_eq(a, &exclude[i]))
			return true;
	return false;
}

static bool is_link_local6(const struct addr *a)
{
	return a->family == AF_INET6 && a->u.bytes[0] == 0xfe &&
	       (a->u.bytes[1] & 0xc0) == 0x80; /* fe80::/10 */
}

static int ifinfo_link(struct nl_sock *sk, const char *ifname,
		       struct nl_ifinfo *out, char *err, size_t errlen)
{
	struct rtnl_link *link = NULL;
	struct nl_addr *mac;
	unsigned int flags;
	int rc;

	rc = rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV) {
		snprintf(err, errlen, "interface %s not found", ifname);
		return -1;
	}
	if (rc < 0) {
		snprintf(err, errlen, "interface %s: %s", ifname, nl_geterror(rc));
		return -1;
	}
	out->ifindex = rtnl_link_get_ifindex(link);
	snprintf(out->ifname, sizeof(out->ifname), "%s", rtnl_link_get_name(link));
	flags = rtnl_link_get_flags(link);
	/* IFF_RUNNING is the operstate (carrier and not dormant). */
	out->running = (flags & IFF_UP) && (flags & IFF_RUNNING);

	/* The gratuitous ARP needs a sender MAC: Ethernet-like links only. */
	mac = rtnl_link_get_addr(link);
	if (!mac || nl_addr_get_len(mac) != sizeof(out->mac)) {
		snprintf(err, errlen, "interface %s has no Ethernet address", ifname);
		rtnl_link_put(link);
		return -1;
	}
	memcpy(out->mac, nl_addr_get_binary_addr(mac), sizeof(out->mac));
	rtnl_link_put(link);
	return 0;
}

/* Pick the primaries among the addresses of out->ifindex. IPv4: the first
 * primary (not IFA_F_SECONDARY) one, else the first at all; IPv6: the first
 * usable link-local, the only valid source of advertisements (RFC 5798 §5.1.2.1). */
static void ifinfo_pick(struct nl_cache *cache, const struct addr *exclude,
			size_t n_exclude, struct nl_ifinfo *out)
{
	struct addr any4 = { 0 };
	struct nl_object *obj;

	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)obj;
		unsigned int flags = rtnl_addr_get_flags(ra);
		struct addr a;

		if (rtnl_addr_get_ifindex(ra) != out->ifindex ||
		    from_nl_addr(rtnl_addr_get_local(ra), &a) < 0 ||
		    is_excluded(&a, exclude, n_exclude))
			continue;
		if (a.family == AF_INET) {
			if (!any4.family)
				any4 = a;
			if (!(flags & IFA_F_SECONDARY) && !out->primary4.family)
				out->primary4 = a;
		} else if (is_link_local6(&a) && !(flags & IFA_F_DADFAILED) &&
			   !out->primary6.family) {
			out->primary6 = a;
		}
	}
	/* Only secondaries left (the primary is excluded, e.g. one of our VIPs). */
	if (!out->primary4.family)
		out->primary4 = any4;
}

static int ifinfo_addrs(struct nl_sock *sk, const struct addr *exclude,
			size_t n_exclude, struct nl_ifinfo *out,
			char *err, size_t errlen)
{
	struct nl_cache *cache = NULL;
	int rc;

	rc = rtnl_addr_alloc_cache(sk, &cache);
	if (rc < 0) {
		snprintf(err, errlen, "interface %s: listing addresses: %s",
			 out->ifname, nl_geterror(rc));
		return -1;
	}
	ifinfo_pick(cache, exclude, n_exclude, out);
	nl_cache_free(cache);
	return 0;
}

int nl_ifinfo_get(const char *ifname, const struct addr *exclude, size_t n_exclude,
		  struct nl_ifinfo *out, char *err, size_t errlen)
{
	struct nl_ifinfo info = { 0 };
	struct nl_sock *sk;
	int rc;

	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE) {
		snprintf(err, errlen, "invalid interface name \"%s\"", ifname ? ifname : "");
		return -1;
	}
	sk = nl_socket_alloc();
	if (!sk) {
		snprintf(err, errlen, "interface %s: out of memory", ifname);
		return -1;
	}
	rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0) {
		snprintf(err, errlen, "interface %s: netlink: %s", ifname, nl_geterror(rc));
		nl_socket_free(sk);
		return -1;
	}
	rc = ifinfo_link(sk, ifname, &info, err, errlen);
	if (rc == 0)
		rc = ifinfo_addrs(sk, exclude, n_exclude, &info, err, errlen);
	nl_socket_free(sk); /* closes the socket too */
	if (rc == 0)
		*out = info;
	return rc;
}
