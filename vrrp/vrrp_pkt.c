/* vrrp_pkt.c - VRRP advertisement codec: RFC 5798 §5 (v3), RFC 3768 §5 (v2).
 * The only file that reads or writes VRRP wire bytes. Everything it
 * returns is in host byte order; addresses stay in network order inside
 * struct addr. */
#include "vrrp/vrrp_pkt.h"

#include <string.h>
#include <sys/socket.h>

#define IP4_HDR_MIN 20
#define V3_INT_MAX 0x0fff /* Max Adver Int is 12 bits (RFC 5798 §5.2.7) */
#define V2_INT_MAX 255    /* Adver Int is one byte of seconds (RFC 3768 §5.3.7) */

static const char *const rx_err_names[VRRP_RX_ERR_MAX] = {
	[VRRP_RX_OK] = "ok",
	[VRRP_RX_TOO_SHORT] = "too_short",
	[VRRP_RX_BAD_IP] = "bad_ip",
	[VRRP_RX_BAD_TTL] = "bad_ttl",
	[VRRP_RX_BAD_VERSION] = "bad_version",
	[VRRP_RX_BAD_TYPE] = "bad_type",
	[VRRP_RX_BAD_ADDR_COUNT] = "bad_addr_count",
	[VRRP_RX_BAD_CHECKSUM] = "bad_checksum",
	[VRRP_RX_BAD_INTERVAL] = "bad_interval",
	[VRRP_RX_BAD_AUTH] = "bad_auth",
	[VRRP_RX_UNKNOWN_VRID] = "unknown_vrid",
	[VRRP_RX_VERSION_MISMATCH] = "version_mismatch",
	[VRRP_RX_OWNER] = "owner",
	[VRRP_RX_ADDR_MISMATCH] = "addr_mismatch",
	[VRRP_RX_NOT_PEER] = "not_peer",
};

const char *vrrp_rx_err_str(enum vrrp_rx_err e)
{
	if ((unsigned)e >= VRRP_RX_ERR_MAX || !rx_err_names[e])
		return "invalid";
	return rx_err_names[e];
}

/* ---- Internet checksum (RFC 1071) ---- */

static uint32_t sum16(const uint8_t *buf, size_t len, uint64_t acc)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (len & 1)
		acc += (uint32_t)buf[len - 1] << 8; /* pad the odd byte with zero */
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

uint16_t vrrp_csum(const uint8_t *buf, size_t len, uint32_t initial)
{
	return (uint16_t)~sum16(buf, len, initial);
}

/* Sum of the pseudo-header: RFC 768-style for IPv4 (RFC 5798 §5.2.8),
 * RFC 8200 §8.1 for IPv6. Returns 0 if the families are unusable. */
uint32_t vrrp_pseudo_sum(const struct addr *src, const struct addr *dst,
			 size_t len)
{
	size_t alen = addr_len(src);
	uint64_t acc = VRRP_PROTO;

	if (!alen || src->family != dst->family)
		return 0;
	acc += sum16(src->u.bytes, alen, 0);
	acc += sum16(dst->u.bytes, alen, 0);
	/* IPv4 carries a 16-bit length, IPv6 a 32-bit one; summing both
	 * halves covers either since an IPv4 length never exceeds 16 bits. */
	acc += (len >> 16) & 0xffff;
	acc += len & 0xffff;
	return sum16(NULL, 0, acc);
}

/* ---- decoding ---- */

/* Exact length a VRRP message with naddr addresses must have. RFC 3768
 * §7.1 requires the complete packet "including ... Authentication Data",
 * so a v2 advert without its 8-byte trailer is refused (keepalived and
 * FRR both send the trailer). */
static size_t expected_len(unsigned version, size_t alen, unsigned naddr)
{
	size_t n = VRRP_HDR_LEN + alen * naddr;

	return version == 2 ? n + VRRP_V2_AUTH_LEN : n;
}

static uint32_t csum_initial(unsigned version, const struct vrrp_rx_meta *meta,
			     size_t len)
{
	/* RFC 3768 §5.3.8: v2 sums the VRRP message only. */
	return version == 3 ? vrrp_pseudo_sum(&meta->src, &meta->dst, len) : 0;
}

static enum vrrp_rx_err check_header(const uint8_t *buf, size_t len,
				     const struct vrrp_rx_meta *meta)
{
	size_t alen = addr_len(&meta->src);
	unsigned version = buf[0] >> 4;
	unsigned naddr = buf[3];

	if (!alen || meta->dst.family != meta->src.family)
		return VRRP_RX_BAD_IP;
	if (meta->ttl >= 0 && meta->ttl != VRRP_TTL)
		return VRRP_RX_BAD_TTL; /* §7.1: proves the sender is on-link */
	if (version != 2 && version != 3)
		return VRRP_RX_BAD_VERSION;
	if (version == 2 && meta->src.family != AF_INET)
		return VRRP_RX_BAD_VERSION; /* VRRPv2 has no IPv6 (RFC 5798 §1) */
	if ((buf[0] & 0x0f) != VRRP_TYPE_ADVERT)
		return VRRP_RX_BAD_TYPE; /* §5.2.2: unknown types are discarded */
	if (naddr > VRRP_MAX_ADDRS || len != expected_len(version, alen, naddr))
		return VRRP_RX_BAD_ADDR_COUNT;
	if (vrrp_csum(buf, len, csum_initial(version, meta, len)) != 0)
		return VRRP_RX_BAD_CHECKSUM;
	return VRRP_RX_OK;
}

enum vrrp_rx_err vrrp_pkt_decode(const uint8_t *buf, size_t len,
				 const struct vrrp_rx_meta *meta,
				 struct vrrp_adv *out)
{
	enum vrrp_rx_err err;
	size_t alen, i;

	memset(out, 0, sizeof(*out));
	if (len < VRRP_HDR_LEN)
		return VRRP_RX_TOO_SHORT;
	err = check_header(buf, len, meta);
	if (err != VRRP_RX_OK)
		return err;

	out->version = buf[0] >> 4;
	out->type = buf[0] & 0x0f;
	out->vrid = buf[1];
	out->priority = buf[2];
	out->naddr = buf[3];
	out->checksum = (uint16_t)(buf[6] << 8 | buf[7]);
	out->src = meta->src;
	if (out->version == 3)
		/* §5.2.7: the top 4 bits are reserved and ignored on receipt. */
		out->adver_int_cs = (uint16_t)((buf[4] << 8 | buf[5]) & V3_INT_MAX);
	else
		out->adver_int_cs = (uint16_t)(buf[5] * 100);

	alen = addr_len(&meta->src);
	for (i = 0; i < out->naddr; i++) {
		out->addrs[i].family = meta->src.family;
		memcpy(out->addrs[i].u.bytes, buf + VRRP_HDR_LEN + i * alen, alen);
	}

	if (out->adver_int_cs == 0)
		return VRRP_RX_BAD_INTERVAL; /* would make Master_Down_Interval 0 */
	if (out->version == 2 && buf[4] != 0)
		return VRRP_RX_BAD_AUTH; /* RFC 3768 §5.3.6: only "no auth" */
	return VRRP_RX_OK;
}

enum vrrp_rx_err vrrp_pkt_decode_ip4(const uint8_t *buf, size_t len,
				     struct vrrp_adv *out)
{
	struct vrrp_rx_meta meta;
	size_t ihl, tot;

	memset(out, 0, sizeof(*out));
	if (len < IP4_HDR_MIN)
		return VRRP_RX_TOO_SHORT;
	if (buf[0] >> 4 != 4)
		return VRRP_RX_BAD_IP;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	tot = (size_t)buf[2] << 8 | buf[3];
	if (ihl < IP4_HDR_MIN || tot < ihl)
		return VRRP_RX_BAD_IP;
	if (tot > len)
		return VRRP_RX_TOO_SHORT; /* Linux hands raw sockets tot_len unmodified */
	if (buf[9] != VRRP_PROTO)
		return VRRP_RX_BAD_IP;

	memset(&meta, 0, sizeof(meta));
	meta.src.family = AF_INET;
	memcpy(&meta.src.u.v4, buf + 12, 4);
	meta.dst.family = AF_INET;
	memcpy(&meta.dst.u.v4, buf + 16, 4);
	meta.ttl = buf[8];
	return vrrp_pkt_decode(buf + ihl, tot - ihl, &meta, out);
}

/* ---- encoding ---- */

static int encode_valid(const struct vrrp_adv *adv, const struct addr *dst)
{
	size_t i;

	if (!addr_len(&adv->src) || dst->family != adv->src.family)
		return 0;
	if (adv->naddr > VRRP_MAX_ADDRS)
		return 0;
	for (i = 0; i < adv->naddr; i++)
		if (adv->addrs[i].family != adv->src.family)
			return 0;
	if (adv->version == 3)
		return adv->adver_int_cs > 0 && adv->adver_int_cs <= V3_INT_MAX;
	if (adv->version != 2 || adv->src.family != AF_INET)
		return 0;
	/* v2 counts whole seconds: refuse what the wire cannot carry. */
	return adv->adver_int_cs > 0 && adv->adver_int_cs % 100 == 0 &&
	       adv->adver_int_cs / 100 <= V2_INT_MAX;
}

size_t vrrp_pkt_encode(const struct vrrp_adv *adv, const struct addr *dst,
		       uint8_t *buf, size_t buflen)
{
	size_t alen, len, i;
	uint16_t csum;

	if (!encode_valid(adv, dst))
		return 0;
	alen = addr_len(&adv->src);
	len = expected_len(adv->version, alen, adv->naddr);
	if (len > buflen)
		return 0;

	memset(buf, 0, len); /* also zeroes the checksum and the v2 auth data */
	buf[0] = (uint8_t)(adv->version << 4 | VRRP_TYPE_ADVERT);
	buf[1] = adv->vrid;
	buf[2] = adv->priority;
	buf[3] = adv->naddr;
	if (adv->version == 3) {
		buf[4] = (uint8_t)(adv->adver_int_cs >> 8); /* rsvd bits stay 0 */
		buf[5] = (uint8_t)adv->adver_int_cs;
	} else {
		buf[4] = 0; /* auth type: none (RFC 3768 §5.3.6) */
		buf[5] = (uint8_t)(adv->adver_int_cs / 100);
	}
	for (i = 0; i < adv->naddr; i++)
		memcpy(buf + VRRP_HDR_LEN + i * alen, adv->addrs[i].u.bytes, alen);

	csum = vrrp_csum(buf, len, adv->version == 3 ?
			 vrrp_pseudo_sum(&adv->src, dst, len) : 0);
	buf[6] = (uint8_t)(csum >> 8);
	buf[7] = (uint8_t)csum;
	return len;
}
