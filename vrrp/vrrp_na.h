/* vrrp_na.h - unsolicited Neighbor Advertisements for IPv6 virtual
 * addresses (RFC 5798 §6.4.2 / §8.2, RFC 4861 §4.4 / §7.2.6): the IPv6
 * counterpart of vrrp_arp.h, sent on the same AF_PACKET socket. */
#ifndef TANDEM_VRRP_NA_H
#define TANDEM_VRRP_NA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 14 Ethernet + 40 IPv6 + 24 NA + 8 Target Link-Layer Address option */
#define VRRP_NA_FRAME_LEN 86

/* Build an unsolicited NA for vip into buf (>= VRRP_NA_FRAME_LEN): from mac
 * to 33:33:00:00:00:01, IPv6 source = vip, destination ff02::1, hop limit
 * 255, flags O (and R if router), S clear, with a Target Link-Layer Address
 * option carrying mac. Pure. Returns the length, or 0 if len is too small
 * (buf is then untouched). */
size_t vrrp_na_build(uint8_t *buf, size_t len, const uint8_t mac[6],
		     const struct in6_addr *vip, bool router);

/* Send a frame built by vrrp_na_build on ifindex, through the socket of
 * vrrp_arp_open(). Returns 0 or -1 with errno. */
int vrrp_na_send(int fd, int ifindex, const uint8_t *frame, size_t len);

#endif
