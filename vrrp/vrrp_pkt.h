/* vrrp_pkt.h - VRRP advertisement codec (RFC 5798 §5, RFC 3768 §5).
 * The only place that touches wire bytes: decode into a host-order struct,
 * encode from one. No sockets, no clock. */
#ifndef TANDEM_VRRP_PKT_H
#define TANDEM_VRRP_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/addr.h"

#define VRRP_PROTO 112
#define VRRP_TTL 255
#define VRRP_TYPE_ADVERT 1
#define VRRP_HDR_LEN 8      /* version/type .. checksum */
#define VRRP_V2_AUTH_LEN 8  /* RFC 3768 authentication data trailer */
#define VRRP_MAX_ADDRS 32   /* per advert; a larger count is refused */
#define VRRP_PKT_MAX (VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16 + VRRP_V2_AUTH_LEN)

/* Why a received packet was dropped. Names are shared by logs and tandemctl. */
enum vrrp_rx_err {
	VRRP_RX_OK = 0,
	VRRP_RX_TOO_SHORT,      /* shorter than the IP header or the 8-byte VRRP header */
	VRRP_RX_BAD_IP,         /* IPv4 header malformed (IHL, total length, protocol) */
	VRRP_RX_BAD_TTL,        /* IPv4 TTL / IPv6 hop limit != 255 (§7.1) */
	VRRP_RX_BAD_VERSION,    /* version not 2 or 3 (§7.1) */
	VRRP_RX_BAD_TYPE,       /* type != 1 (§5.2.2) */
	VRRP_RX_BAD_ADDR_COUNT, /* count vs payload length (§7.1) */
	VRRP_RX_BAD_CHECKSUM,   /* §5.2.8; v3 includes the pseudo-header */
	VRRP_RX_BAD_INTERVAL,   /* advert interval 0, or v2 interval != local (RFC 3768 §7.1) */
	VRRP_RX_BAD_AUTH,       /* v2 auth type not 0 (we do not implement auth) */
	VRRP_RX_UNKNOWN_VRID,   /* no instance with this VRID on the interface (§7.1) */
	VRRP_RX_VERSION_MISMATCH, /* instance runs the other version */
	VRRP_RX_OWNER,          /* we are the address owner: adverts are discarded (§7.1) */
	VRRP_RX_ADDR_MISMATCH,  /* address list differs from ours: logged, still processed (§7.1 MAY) */
	VRRP_RX_NOT_PEER,       /* unicast: source not in unicast_peers (issue 3) */
	VRRP_RX_ERR_MAX
};

const char *vrrp_rx_err_str(enum vrrp_rx_err e); /* "bad_ttl", ... */

/* Where a packet came from, as the socket layer saw it. For IPv6 the socket
 * gives no header: hop limit comes from a cmsg. */
struct vrrp_rx_meta {
	struct addr src;
	struct addr dst;
	int ttl; /* IPv4 TTL or IPv6 hop limit, -1 if unknown */
};

/* A decoded advertisement, host byte order. */
struct vrrp_adv {
	uint8_t version;       /* 2 or 3 */
	uint8_t type;
	uint8_t vrid;
	uint8_t priority;
	uint8_t naddr;
	uint16_t adver_int_cs; /* v3: centiseconds (12 bits); v2: seconds * 100 */
	uint16_t checksum;     /* as received */
	struct addr src;       /* IP source (the master's primary address) */
	struct addr addrs[VRRP_MAX_ADDRS];
};

/* Decode a VRRP payload (no IP header). family selects IPv4/IPv6 address
 * size; meta supplies the pseudo-header and TTL. Checks every §7.1 receive
 * rule that does not need the instance configuration. */
enum vrrp_rx_err vrrp_pkt_decode(const uint8_t *buf, size_t len,
				 const struct vrrp_rx_meta *meta,
				 struct vrrp_adv *out);

/* Parse an IPv4 header (as an AF_INET raw socket delivers it) into meta and
 * decode the payload. */
enum vrrp_rx_err vrrp_pkt_decode_ip4(const uint8_t *buf, size_t len,
				     struct vrrp_adv *out);

/* Encode an advert into buf (payload only: the kernel builds the IP header).
 * adv->src and dst are needed for the v3 pseudo-header checksum.
 * Returns the length written, or 0 if buflen is too small / adv invalid. */
size_t vrrp_pkt_encode(const struct vrrp_adv *adv, const struct addr *dst,
		       uint8_t *buf, size_t buflen);

/* Internet checksum helpers, exposed for tests. */
uint16_t vrrp_csum(const uint8_t *buf, size_t len, uint32_t initial);
uint32_t vrrp_pseudo_sum(const struct addr *src, const struct addr *dst,
			 size_t len);

#endif
