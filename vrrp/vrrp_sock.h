/* vrrp_sock.h - raw IP protocol 112 sockets, one per interface and family. */
#ifndef TANDEM_VRRP_SOCK_H
#define TANDEM_VRRP_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon/addr.h"
#include "vrrp/vrrp_pkt.h"

/* Open a non-blocking raw socket for VRRP on ifindex/ifname: bound to the
 * device, multicast group joined (224.0.0.18 / ff02::12), multicast TTL and
 * unicast TTL 255, DSCP CS6, multicast loop off, close-on-exec.
 * Returns the fd or -1 with errno set. */
int vrrp_sock_open(int family, int ifindex, const char *ifname);

/* The group address for a family. */
void vrrp_sock_group(int family, struct addr *out);

/* Send an encoded payload to dst. Returns 0 or -1 with errno. */
int vrrp_sock_send(int fd, const struct addr *dst, const uint8_t *buf,
		   size_t len);

/* Same, with the source address pinned (IP_PKTINFO / IPV6_PKTINFO) so it
 * is the one the v3 pseudo-header checksum was computed with, even when a
 * VIP (e.g. a link-local IPv6 VIP) could win kernel source selection.
 * src NULL: the kernel chooses. src must be a local address. */
int vrrp_sock_send_from(int fd, const struct addr *src, const struct addr *dst,
			const uint8_t *buf, size_t len);

/* Receive one datagram. IPv4: buf gets the whole IP packet and the caller
 * decodes it with vrrp_pkt_decode_ip4. IPv6: buf gets the VRRP payload and
 * meta is filled from the cmsgs (source, destination, hop limit).
 * Returns the length, or -1 with errno (EAGAIN when drained). */
ssize_t vrrp_sock_recv(int fd, int family, uint8_t *buf, size_t len,
		       struct vrrp_rx_meta *meta);

#endif
