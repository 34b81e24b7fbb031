/* vrrp_vmac.c - RFC 5798 §7.3: the virtual router's MAC 00-00-5E-00-01-
 * {VRID} on a macvlan interface over the instance's interface, so that
 * clients keep one MAC for the VIP whoever is master (no ARP update needed
 * on failover, only the switch's FDB, which the gratuitous ARP refreshes).
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
 * IPv4 only for now: an IPv6 VMAC needs its own link-local address to send
 * from (a link-local source must belong to the outgoing interface). */
#include "vrrp/vrrp_vmac.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "daemon/log.h"
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

static void write_sysctl(const char *ifname, const char *key, const char *val)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
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

int vrrp_vmac_setup(const struct conf_vrrp *c, char *err, size_t errlen)
{
	uint8_t buf[512];
	uint32_t seq;
	int parent = (int)if_nametoindex(c->ifname), idx, rc;

	if (c->family != AF_INET) {
		snprintf(err, errlen, "vmac %s: IPv6 virtual MACs are not supported yet",
			 c->vmac_ifname);
		return -1;
	}
	if (!parent) {
		snprintf(err, errlen, "interface %s not found", c->ifname);
		return -1;
	}
	if (create(c, parent, err, errlen) < 0)
		return -1;
	idx = (int)if_nametoindex(c->vmac_ifname);
	write_sysctl(c->ifname, "arp_ignore", "1");
	/* replies to clients leave by the parent; its own ARP requests must
	 * not name the VIP as sender, or clients learn the parent's MAC */
	write_sysctl(c->ifname, "arp_announce", "2");
	write_sysctl(c->vmac_ifname, "arp_ignore", "1");
	write_sysctl(c->vmac_ifname, "accept_local", "1");
	write_sysctl(c->vmac_ifname, "rp_filter", "0");
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

void vrrp_vmac_teardown(const struct conf_vrrp *c)
{
	uint8_t buf[256];
	uint32_t seq = next_seq();
	size_t len = nl_vmac_del_msg(buf, sizeof(buf), seq, c->vmac_ifname);

	if (len)
		request(buf, len, seq);
}
