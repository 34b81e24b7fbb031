/* vrrp_arp.c - gratuitous ARP for IPv4 virtual addresses.
 *
 * Design: as for netlink, what runs on the event loop is split into a pure
 * builder writing into a caller-owned buffer (tested byte for byte) and a
 * thin non-blocking send. The frame is a broadcast ARP request with sender
 * = target = VIP (RFC 5227 §3 announcement; RFC 5798 §8.1.2 asks the new
 * Master to send one per VIP so neighbours update their caches). */
#include "vrrp/vrrp_arp.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST 1

static const uint8_t bcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

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

size_t vrrp_arp_build(uint8_t *buf, size_t len, const uint8_t mac[6],
		      struct in_addr vip)
{
	static const uint8_t zero_mac[ETH_ALEN];
	uint8_t *p = buf;

	if (len < VRRP_ARP_FRAME_LEN)
		return 0;
	/* Ethernet header */
	p = put_bytes(p, bcast_mac, ETH_ALEN);
	p = put_bytes(p, mac, ETH_ALEN);
	p = put_be16(p, ETH_P_ARP);
	/* ARP (RFC 826): Ethernet/IPv4 request */
	p = put_be16(p, ARP_HTYPE_ETHER);
	p = put_be16(p, ETH_P_IP);
	*p++ = ETH_ALEN;
	*p++ = 4;
	p = put_be16(p, ARP_OP_REQUEST);
	p = put_bytes(p, mac, ETH_ALEN);          /* sha */
	p = put_bytes(p, &vip.s_addr, 4);         /* spa: network order already */
	p = put_bytes(p, zero_mac, ETH_ALEN);     /* tha: unknown, RFC 5227 §2.1.1 */
	p = put_bytes(p, &vip.s_addr, 4);         /* tpa = spa: gratuitous */
	return (size_t)(p - buf);
}

int vrrp_arp_open(void)
{
	/* Protocol 0: the socket is bound to no ethertype, so it receives
	 * nothing and never needs draining. */
	return socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int vrrp_arp_send(int fd, int ifindex, const uint8_t *frame, size_t len)
{
	return vrrp_frame_send(fd, ifindex, ETH_P_ARP, bcast_mac, frame, len);
}

/* The protocol becomes skb->protocol, which qdiscs, taps and netfilter
 * look at: each kind of frame gets its own. */
int vrrp_frame_send(int fd, int ifindex, uint16_t ethertype, const uint8_t dst[6],
		    const uint8_t *frame, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ethertype),
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
	};
	ssize_t n;

	memcpy(sll.sll_addr, dst, ETH_ALEN);
	do
		n = sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}
