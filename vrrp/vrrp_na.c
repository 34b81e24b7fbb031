/* vrrp_na.c - unsolicited Neighbor Advertisements for IPv6 virtual
 * addresses.
 *
 * As vrrp_arp.c: a pure builder writing a whole Ethernet frame into a
 * caller-owned buffer (tested byte for byte) and a thin non-blocking send
 * on the AF_PACKET socket vrrp_arp_open() gives. RFC 5798 §8.2 asks the new
 * Master to send one NA per IPv6 VIP, R set if it is a router, S clear,
 * O set, so neighbours replace the cached link-layer address at once.
 *
 * IPv6 source address: the VIP itself. RFC 4861 §7.2.6 describes the
 * unsolicited NA as sent for the target address; Linux does the same for
 * its own unsolicited NAs (net/ipv6/ndisc.c ndisc_send_na(): when the
 * target is an address of the device it is also the source), and so do
 * keepalived (keepalived/vrrp/vrrp_ndisc.c) and FRR (vrrpd/vrrp_ndisc.c).
 * It also needs no link-local address on a VMAC interface, which may have
 * none (addr_gen_mode none, see netlink/nl_vmac.c). */
#include "vrrp/vrrp_na.h"
#include "vrrp/vrrp_arp.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#define ETH_HDR_LEN 14
#define IP6_HDR_LEN 40
#define NA_LEN 24      /* type, code, checksum, flags+reserved, target */
#define TLLAO_LEN 8    /* type 2, length 1 (in 8-octet units), MAC */
#define NA_PAYLOAD_LEN (NA_LEN + TLLAO_LEN)

#define ICMP6_NEIGHBOR_ADVERT 136
#define ND_OPT_TARGET_LLADDR 2
#define NA_FLAG_ROUTER 0x80    /* RFC 4861 §4.4 */
#define NA_FLAG_OVERRIDE 0x20
#define ND_HOP_LIMIT 255       /* RFC 4861 §7.1.2: receivers drop anything else */

_Static_assert(ETH_HDR_LEN + IP6_HDR_LEN + NA_PAYLOAD_LEN == VRRP_NA_FRAME_LEN,
	       "frame length");

/* RFC 2464 §7: 33:33 + the low 32 bits of ff02::1. */
static const uint8_t all_nodes_mac[ETH_ALEN] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t all_nodes_ip[16] = { 0xff, 0x02, [15] = 0x01 };

static uint8_t *put_bytes(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

static uint8_t *put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint32_t sum_be16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

/* RFC 4443 §2.3: the ICMPv6 checksum covers the RFC 8200 §8.1
 * pseudo-header (source, destination, upper-layer length, next header). */
static uint16_t icmp6_cksum(const uint8_t *ip6, const uint8_t *icmp, size_t n)
{
	uint32_t sum = 0;

	sum = sum_be16(sum, ip6 + 8, 32); /* source and destination */
	sum += (uint32_t)n;               /* n < 65536: the high half is 0 */
	sum += IPPROTO_ICMPV6;
	sum = sum_be16(sum, icmp, n);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t vrrp_na_build(uint8_t *buf, size_t len, const uint8_t mac[6],
		     const struct in6_addr *vip, bool router)
{
	uint8_t *ip6 = buf + ETH_HDR_LEN;
	uint8_t *icmp = ip6 + IP6_HDR_LEN;
	uint8_t *p = buf;

	if (len < VRRP_NA_FRAME_LEN)
		return 0;
	/* Ethernet */
	p = put_bytes(p, all_nodes_mac, ETH_ALEN);
	p = put_bytes(p, mac, ETH_ALEN);
	p = put_be16(p, ETH_P_IPV6);
	/* IPv6: version 6, traffic class 0, flow label 0 */
	p = put_bytes(p, (const uint8_t[]){ 0x60, 0, 0, 0 }, 4);
	p = put_be16(p, NA_PAYLOAD_LEN);
	*p++ = IPPROTO_ICMPV6;
	*p++ = ND_HOP_LIMIT;
	p = put_bytes(p, vip->s6_addr, 16);
	p = put_bytes(p, all_nodes_ip, 16);
	/* Neighbor Advertisement (RFC 4861 §4.4); checksum filled in below */
	*p++ = ICMP6_NEIGHBOR_ADVERT;
	*p++ = 0;
	p = put_be16(p, 0);
	/* S stays clear: the destination is multicast (RFC 4861 §7.2.6). */
	*p++ = (uint8_t)(NA_FLAG_OVERRIDE | (router ? NA_FLAG_ROUTER : 0));
	p = put_bytes(p, (const uint8_t[]){ 0, 0, 0 }, 3);
	p = put_bytes(p, vip->s6_addr, 16);
	/* Target Link-Layer Address option (RFC 4861 §4.6.1) */
	*p++ = ND_OPT_TARGET_LLADDR;
	*p++ = 1;
	p = put_bytes(p, mac, ETH_ALEN);

	put_be16(icmp + 2, icmp6_cksum(ip6, icmp, NA_PAYLOAD_LEN));
	return (size_t)(p - buf);
}

int vrrp_na_send(int fd, int ifindex, const uint8_t *frame, size_t len)
{
	return vrrp_frame_send(fd, ifindex, ETH_P_IPV6, all_nodes_mac, frame, len);
}
