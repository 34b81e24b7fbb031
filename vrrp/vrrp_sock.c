/* vrrp_sock.c - raw IP protocol 112 sockets, one per interface and family.
 * Plain non-blocking fds for the loop; no decoding here (vrrp_pkt.c does). */
#include "vrrp/vrrp_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/log.h"

#define VRRP_GROUP4 "224.0.0.18" /* RFC 5798 §5.1.1.2 */
#define VRRP_GROUP6 "ff02::12"   /* RFC 5798 §5.1.2.2 */
#define DSCP_CS6 0xc0            /* network control, as routers mark VRRP */

struct sockopt {
	int level, name;
	const char *what;
	const void *val;
	socklen_t len;
};

#define OPT(level, name, val) {level, name, #name, &(val), sizeof(val)}

static int set_opts(int fd, const char *ifname, const struct sockopt *o, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (setsockopt(fd, o[i].level, o[i].name, o[i].val, o[i].len) < 0) {
			int saved = errno;

			log_warn("vrrp_sock_open %s: %s", ifname, o[i].what);
			errno = saved;
			return -1;
		}
	}
	return 0;
}

static int setup_ip4(int fd, int ifindex, const char *ifname)
{
	const int ttl = VRRP_TTL, tos = DSCP_CS6, off = 0;
	struct ip_mreqn join = {.imr_ifindex = ifindex}, oif = {.imr_ifindex = ifindex};
	const struct sockopt opts[] = {
		OPT(IPPROTO_IP, IP_ADD_MEMBERSHIP, join),
		OPT(IPPROTO_IP, IP_MULTICAST_IF, oif),
		OPT(IPPROTO_IP, IP_MULTICAST_TTL, ttl), /* §5.1.1.3 */
		OPT(IPPROTO_IP, IP_TTL, ttl),           /* unicast peers too */
		OPT(IPPROTO_IP, IP_TOS, tos),
		OPT(IPPROTO_IP, IP_MULTICAST_LOOP, off), /* never hear ourselves */
	};

	inet_pton(AF_INET, VRRP_GROUP4, &join.imr_multiaddr);
	return set_opts(fd, ifname, opts, sizeof(opts) / sizeof(opts[0]));
}

/* IPV6_CHECKSUM is deliberately left unset: for a non-ICMPv6 raw socket
 * the kernel then neither fills nor verifies it, and vrrp_pkt.c does
 * both with the §5.2.8 pseudo-header. */
static int setup_ip6(int fd, int ifindex, const char *ifname)
{
	const int hops = VRRP_TTL, tclass = DSCP_CS6, off = 0, on = 1;
	struct ipv6_mreq join = {.ipv6mr_interface = (unsigned)ifindex};
	const struct sockopt opts[] = {
		OPT(IPPROTO_IPV6, IPV6_JOIN_GROUP, join),
		OPT(IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex),
		OPT(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops), /* §5.1.2.3 */
		OPT(IPPROTO_IPV6, IPV6_UNICAST_HOPS, hops),
		OPT(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, off),
		OPT(IPPROTO_IPV6, IPV6_TCLASS, tclass),
		/* the socket gives no IPv6 header: hop limit and dst come as cmsgs */
		OPT(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, on),
		OPT(IPPROTO_IPV6, IPV6_RECVPKTINFO, on),
	};

	inet_pton(AF_INET6, VRRP_GROUP6, &join.ipv6mr_multiaddr);
	return set_opts(fd, ifname, opts, sizeof(opts) / sizeof(opts[0]));
}

int vrrp_sock_open(int family, int ifindex, const char *ifname)
{
	int fd, rc, saved;

	if ((family != AF_INET && family != AF_INET6) || ifindex <= 0 || !ifname ||
	    !*ifname || strlen(ifname) >= IFNAMSIZ) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_PROTO);
	if (fd < 0)
		return -1;
	/* Bound to the device: adverts from other links never reach us, and
	 * unicast sends leave through this interface. */
	rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1);
	if (rc < 0)
		log_warn("vrrp_sock_open %s: SO_BINDTODEVICE", ifname);
	else if (family == AF_INET)
		rc = setup_ip4(fd, ifindex, ifname);
	else
		rc = setup_ip6(fd, ifindex, ifname);
	if (rc < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Parsed once: this runs for every advert sent (inet_pton + strlen were
 * ~3% of an idle master's CPU). */
void vrrp_sock_group(int family, struct addr *out)
{
	static struct addr g4, g6;

	if (!g4.family && (addr_parse(VRRP_GROUP4, &g4) < 0 || addr_parse(VRRP_GROUP6, &g6) < 0)) {
		memset(&g4, 0, sizeof(g4));
		memset(&g6, 0, sizeof(g6));
	}
	*out = family == AF_INET6 ? g6 : g4;
}

static socklen_t to_sockaddr(const struct addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr = a->u.v4;
		return sizeof(*sin);
	}
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		/* No scope id: SO_BINDTODEVICE picks the interface for
		 * link-local unicast, IPV6_MULTICAST_IF for ff02::12. */
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a->u.v6;
		return sizeof(*sin6);
	}
	return 0;
}

/* Ask for a source address with IP_PKTINFO / IPV6_PKTINFO. */
static size_t put_src_cmsg(const struct addr *src, struct msghdr *msg)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);
	struct in6_pktinfo pi6 = {.ipi6_addr = src->u.v6};

	if (src->family == AF_INET) {
		struct in_pktinfo pi = {.ipi_spec_dst = src->u.v4};

		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		return CMSG_SPACE(sizeof(pi));
	}
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi6));
	memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
	return CMSG_SPACE(sizeof(pi6));
}

int vrrp_sock_send_from(int fd, const struct addr *src, const struct addr *dst,
			const uint8_t *buf, size_t len)
{
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl;
	struct sockaddr_storage ss;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_name = &ss, .msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	msg.msg_namelen = to_sockaddr(dst, &ss);
	if (!msg.msg_namelen || (src && src->family != dst->family)) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (src) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf); /* CMSG_FIRSTHDR needs room */
		msg.msg_controllen = put_src_cmsg(src, &msg);
	}
	n = sendmsg(fd, &msg, 0);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE; /* a datagram is all or nothing; be explicit */
		return -1;
	}
	return 0;
}

int vrrp_sock_send(int fd, const struct addr *dst, const uint8_t *buf, size_t len)
{
	return vrrp_sock_send_from(fd, NULL, dst, buf, len);
}

static void from_sockaddr(const struct sockaddr_storage *ss, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		a->family = AF_INET;
		a->u.v4 = ((const struct sockaddr_in *)ss)->sin_addr;
	} else if (ss->ss_family == AF_INET6) {
		a->family = AF_INET6;
		a->u.v6 = ((const struct sockaddr_in6 *)ss)->sin6_addr;
	}
}

static void read_cmsgs6(struct msghdr *msg, struct vrrp_rx_meta *meta)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_HOPLIMIT && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&meta->ttl, CMSG_DATA(c), sizeof(int));
		} else if (c->cmsg_type == IPV6_PKTINFO &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			meta->dst.family = AF_INET6;
			meta->dst.u.v6 = pi.ipi6_addr;
		}
	}
}

/* A datagram longer than buf comes back cut to len (MSG_TRUNC); the
 * decoder then refuses it on length, which is the verdict we want. */
ssize_t vrrp_sock_recv(int fd, int family, uint8_t *buf, size_t len,
		       struct vrrp_rx_meta *meta)
{
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
	} ctl;
	struct sockaddr_storage ss;
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr msg = {
		.msg_name = &ss, .msg_namelen = sizeof(ss), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return -1;
	if (!meta)
		return n;
	/* IPv4: only src is known here; vrrp_pkt_decode_ip4 reads the rest
	 * from the IP header, which the raw socket hands over with the data. */
	memset(meta, 0, sizeof(*meta));
	meta->ttl = -1;
	from_sockaddr(&ss, &meta->src);
	if (family == AF_INET6)
		read_cmsgs6(&msg, meta);
	return n;
}
