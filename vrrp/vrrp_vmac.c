/* vrrp_vmac.c - RFC 5798 §7.3: the virtual router's MAC 00-00-5E-00-01-
 * {VRID} (IPv4) or 00-00-5E-00-02-{VRID} (IPv6) on a macvlan interface over
 * the instance's interface, so that clients keep one MAC for the VIP
 * whoever is master (no ARP/ND update needed on failover, only the
 * switch's FDB, which the gratuitous ARP / unsolicited NA refreshes).
 *
 * Facts measured here (see nl_vmac.c for the macvlan mode):
 *  - adverts from the other router carry the VMAC as source MAC and are
 *    delivered to our macvlan only, never to the parent: the instance sends
 *    and receives on the macvlan;
 *  - with default sysctls the parent answers ARP for the VIP with its own
 *    MAC too: arp_ignore=1 on the parent and on the macvlan; and the
 *    parent's own ARP requests (for a client it answers) name the VIP as
 *    sender, which teaches the client the parent's MAC: arp_announce=2;
 *  - `sysctl -w` cannot name "vrrp.51" (dots): write /proc directly.
 *
 * IPv6 (measured on Linux 6.18, test/integration/vmac6.sh):
 *  - the advert's source must be a link-local address (§5.1.2.1) and the
 *    kernel refuses an IPV6_PKTINFO link-local source that is not on the
 *    outgoing interface (EINVAL). keepalived 2.2.7 copies the parent's
 *    link-local onto the macvlan (nodad, deprecated); then the macvlan
 *    answers Neighbor Solicitations for it with the VMAC, on the Backup
 *    too: a client's entry for the Backup's own link-local became the VMAC,
 *    and the Backup's answer moves the switch's FDB entry for the VMAC
 *    (keepalived issue #2296). We put no address on the macvlan at all:
 *    addr_gen_mode none (no EUI-64 link-local, identical on both routers,
 *    hence DAD failure), and the advert socket gets IPV6_FREEBIND so the
 *    parent's link-local can be the source on the macvlan
 *    (vrrp_vmac_sock_prepare). Peers see the same source as without a
 *    VMAC, and the unsolicited NAs are sent from the VIP (vrrp_na.c);
 *  - the parent does not answer NS for a VIP on the macvlan (the kernel
 *    answers only for addresses of the receiving device), and its own NS
 *    never name the VIP (the source must be on the outgoing device): no
 *    arp_ignore/arp_announce analogue is needed;
 *  - VIPs go on the macvlan with IFA_F_NODAD (netlink/nl_addr.c); accept_ra
 *    and accept_dad are cleared: no Router Solicitation or DAD probe from
 *    the VMAC. Still sent by a Backup: the MLD reports of joining ff02::12
 *    (doc/design.md, "Kernel facts").
 * An IPv4 VMAC gets IPv6 disabled: left alone it gets the same EUI-64
 * link-local on both routers (fe80::200:5eff:fe00:xx, DAD failure), and a
 * Backup sends MLD reports and Router Solicitations from the VMAC. */
#include "vrrp/vrrp_vmac.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "netlink/nl_ifinfo.h"
#include "netlink/nl_link.h"
#include "netlink/nl_vmac.h"

struct ack {
	uint32_t seq;
	int err;
	bool got;
};

static void on_ack(uint32_t seq, int err, void *arg)
{
	struct ack *a = arg;

	if (seq == a->seq) {
		a->err = err;
		a->got = true;
	}
}

/* One request, one ack, on a throwaway blocking socket (1 s bound). */
static int request(const void *msg, size_t len, uint32_t seq)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 1 };
	struct ack a = { .seq = seq };
	char buf[8192];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || send(fd, msg, len, 0) < 0) {
		a.err = -errno;
		close(fd);
		return a.err;
	}
	while (!a.got) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n <= 0) {
			a.err = n < 0 ? -errno : -EIO;
			break;
		}
		nl_route_walk(buf, (size_t)n, NULL, on_ack, &a);
	}
	close(fd);
	return a.err;
}

/* proto: "ipv4" or "ipv6". */
static void write_sysctl(const char *proto, const char *ifname, const char *key,
			 const char *val)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", proto, ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && strcmp(proto, "ipv6") == 0)
		return; /* a kernel without IPv6 (ipv6.disable=1) */
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		log_warn("vmac: %s", path);
	if (fd >= 0)
		close(fd);
}

static uint32_t next_seq(void)
{
	static uint32_t seq = 0x7a000000; /* apart from the loop socket's */

	return ++seq;
}

static int create(const struct conf_vrrp *c, int parent, char *err, size_t errlen)
{
	uint8_t buf[512], mac[6];
	uint32_t seq = next_seq();
	size_t len;
	int rc;

	nl_vmac_addr(c->vrid, c->family, mac);
	len = nl_vmac_new_msg(buf, sizeof(buf), seq, c->vmac_ifname, parent, mac, c->vrid);
	rc = len ? request(buf, len, seq) : -EINVAL;
	if (rc == -EEXIST) {
		/* left by a crashed run (or by hand): start from a clean one */
		vrrp_vmac_teardown(c);
		seq = next_seq();
		len = nl_vmac_new_msg(buf, sizeof(buf), seq, c->vmac_ifname, parent, mac, c->vrid);
		rc = request(buf, len, seq);
	}
	if (rc < 0)
		snprintf(err, errlen, "vmac %s over %s: %s", c->vmac_ifname, c->ifname,
			 strerror(-rc));
	return rc < 0 ? -1 : 0;
}

/* IPv4: the parent must leave ARP for the VIPs to the macvlan. IPv6 off. */
static void sysctls4(const struct conf_vrrp *c)
{
	write_sysctl("ipv4", c->ifname, "arp_ignore", "1");
	/* replies to clients leave by the parent; its own ARP requests must
	 * not name the VIP as sender, or clients learn the parent's MAC */
	write_sysctl("ipv4", c->ifname, "arp_announce", "2");
	write_sysctl("ipv4", c->vmac_ifname, "arp_ignore", "1");
	write_sysctl("ipv4", c->vmac_ifname, "accept_local", "1");
	write_sysctl("ipv4", c->vmac_ifname, "rp_filter", "0");
	write_sysctl("ipv6", c->vmac_ifname, "disable_ipv6", "1");
}

/* IPv6: no address of its own (addr_gen_mode none), and nothing sent from
 * the VMAC but adverts, NAs and replies: no Router Solicitation (accept_ra
 * 0), no DAD probe (VIPs are nodad anyway). Before the link comes up. */
static int setup6(const struct conf_vrrp *c, int idx, char *err, size_t errlen)
{
	uint8_t buf[256];
	uint32_t seq = next_seq();
	int rc;

	/* the interface inherits "default": IPv6 may be off there */
	write_sysctl("ipv6", c->vmac_ifname, "disable_ipv6", "0");
	rc = request(buf, nl_vmac_addrgen_none_msg(buf, sizeof(buf), seq, idx), seq);
	if (rc < 0) {
		snprintf(err, errlen, "vmac %s: cannot set addr_gen_mode none: %s",
			 c->vmac_ifname, strerror(-rc));
		return -1;
	}
	write_sysctl("ipv6", c->vmac_ifname, "accept_ra", "0");
	write_sysctl("ipv6", c->vmac_ifname, "accept_dad", "0");
	return 0;
}

/* The adverts' source is the parent's link-local (§5.1.2.1): refuse before
 * creating anything, naming the parent, if it has none. */
static int parent_ll(const struct conf_vrrp *c, char *err, size_t errlen)
{
	struct nl_ifinfo info;

	if (nl_ifinfo_get(c->ifname, NULL, 0, &info, err, errlen) < 0)
		return -1;
	if (!info.primary6.family) {
		snprintf(err, errlen, "vmac %s: interface %s has no IPv6 link-local address "
			 "to send adverts from", c->vmac_ifname, c->ifname);
		return -1;
	}
	return 0;
}

int vrrp_vmac_setup(const struct conf_vrrp *c, char *err, size_t errlen)
{
	uint8_t buf[512];
	uint32_t seq;
	int parent = (int)if_nametoindex(c->ifname), idx, rc;

	if (c->family != AF_INET && c->family != AF_INET6) {
		snprintf(err, errlen, "vmac %s: unsupported address family %d",
			 c->vmac_ifname, c->family);
		return -1;
	}
	if (!parent) {
		snprintf(err, errlen, "interface %s not found", c->ifname);
		return -1;
	}
	if (c->family == AF_INET6 && parent_ll(c, err, errlen) < 0)
		return -1;
	if (create(c, parent, err, errlen) < 0)
		return -1;
	idx = (int)if_nametoindex(c->vmac_ifname);
	if (!idx) {
		snprintf(err, errlen, "vmac %s: gone right after its creation", c->vmac_ifname);
		vrrp_vmac_teardown(c);
		return -1;
	}
	if (c->family == AF_INET)
		sysctls4(c);
	else if (setup6(c, idx, err, errlen) < 0) {
		vrrp_vmac_teardown(c);
		return -1;
	}
	seq = next_seq();
	rc = request(buf, nl_link_set_up_msg(buf, sizeof(buf), seq, idx, NULL, true), seq);
	if (rc < 0) {
		snprintf(err, errlen, "vmac %s: cannot bring it up: %s", c->vmac_ifname,
			 strerror(-rc));
		vrrp_vmac_teardown(c);
		return -1;
	}
	log_info("vmac: %s over %s is up", c->vmac_ifname, c->ifname);
	return 0;
}

int vrrp_vmac_sock_prepare(const struct conf_vrrp *c, int fd, char *err, size_t errlen)
{
	int on = 1;

	if (c->family != AF_INET6)
		return 0;
	/* the parent's link-local is not on the macvlan (see the top) */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on)) < 0) {
		snprintf(err, errlen, "vmac %s: IPV6_FREEBIND: %s", c->vmac_ifname,
			 strerror(errno));
		return -1;
	}
	return 0;
}

void vrrp_vmac_teardown(const struct conf_vrrp *c)
{
	uint8_t buf[256];
	uint32_t seq = next_seq();
	size_t len = nl_vmac_del_msg(buf, sizeof(buf), seq, c->vmac_ifname);

	if (len)
		request(buf, len, seq);
}
