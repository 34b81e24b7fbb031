/* vrrp_arp.h - gratuitous ARP frames (RFC 5798 §6.4.1 / §8.1.1 style announce). */
#ifndef TANDEM_VRRP_ARP_H
#define TANDEM_VRRP_ARP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_ARP_FRAME_LEN 42 /* 14 Ethernet + 28 ARP; the NIC pads to 60 */

/* Build a broadcast ARP request with sender = target = vip and sender MAC =
 * mac into buf (>= VRRP_ARP_FRAME_LEN). Pure. Returns the length. */
size_t vrrp_arp_build(uint8_t *buf, size_t len, const uint8_t mac[6],
		      struct in_addr vip);

/* Open an AF_PACKET socket for sending frames (receives nothing). */
int vrrp_arp_open(void);

/* Send a frame on ifindex. Returns 0 or -1 with errno. */
int vrrp_arp_send(int fd, int ifindex, const uint8_t *frame, size_t len);
/* Any whole Ethernet frame to dst, labelled with ethertype (host order). */
int vrrp_frame_send(int fd, int ifindex, uint16_t ethertype, const uint8_t dst[6],
		    const uint8_t *frame, size_t len);

#endif
