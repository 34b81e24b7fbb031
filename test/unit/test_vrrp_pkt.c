/* test_vrrp_pkt.c - VRRP codec: tables of wire bytes -> verdict and fields.
 *
 * Checksums in the tables were computed independently of vrrp_pkt.c with a
 * Python RFC 1071 one-liner (struct.unpack('!nH') sum, fold, invert, over
 * pseudo-header + message) and the three valid adverts were confirmed by
 * Wireshark's VRRP dissector (text2pcap -i 112 -4/-6 ... | tshark -V:
 * "Checksum: 0xd3cb [correct]", "0x86bf [correct]", "0x0ddd [correct]"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "daemon/addr.h"
#include "vrrp/vrrp_pkt.h"

/* A byte array and its compiler-computed length. */
#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

#define A4_SRC 192, 0, 2, 1
#define A4_VIP 192, 0, 2, 10
#define A4_GRP 224, 0, 0, 18
#define A6_VIP1 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
#define A6_VIP2 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
#define AUTH_ZERO 0, 0, 0, 0, 0, 0, 0, 0

/* VRID 51, prio 150, 1 addr 192.0.2.10, 100 cs, 192.0.2.1 -> 224.0.0.18 */
static const uint8_t v3_ip4[] = {0x31, 51, 150, 1, 0x00, 100, 0xd3, 0xcb, A4_VIP};
/* same as VRRPv2: auth type 0, 1 s, 8 bytes of zero auth data */
static const uint8_t v2_ip4[] = {0x21, 51, 150, 1, 0, 1, 0x86, 0xbf, A4_VIP, AUTH_ZERO};
/* VRID 51, prio 150, fe80::10 and 2001:db8::10, 100 cs, fe80::1 -> ff02::12 */
static const uint8_t v3_ip6[] = {0x31, 51, 150, 2, 0x00, 100, 0x0d, 0xdd, A6_VIP1, A6_VIP2};

static struct addr A(const char *s)
{
	struct addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static struct vrrp_rx_meta meta4(int ttl)
{
	struct vrrp_rx_meta m = {.src = A("192.0.2.1"), .dst = A("224.0.0.18"), .ttl = ttl};

	return m;
}

static struct vrrp_rx_meta meta6(int ttl)
{
	struct vrrp_rx_meta m = {.src = A("fe80::1"), .dst = A("ff02::12"), .ttl = ttl};

	return m;
}

/* ---- accepted adverts: every decoded field ---- */

static void test_decode_v3_ip4(void **state)
{
	struct vrrp_rx_meta m = meta4(255);
	struct vrrp_adv adv;
	struct addr vip = A("192.0.2.10");

	assert_int_equal(vrrp_pkt_decode(v3_ip4, sizeof(v3_ip4), &m, &adv), VRRP_RX_OK);
	assert_int_equal(adv.version, 3);
	assert_int_equal(adv.type, VRRP_TYPE_ADVERT);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.naddr, 1);
	assert_int_equal(adv.adver_int_cs, 100);
	assert_int_equal(adv.checksum, 0xd3cb);
	assert_true(addr_eq(&adv.src, &m.src));
	assert_true(addr_eq(&adv.addrs[0], &vip));
}

static void test_decode_v2_ip4(void **state)
{
	struct vrrp_rx_meta m = meta4(255);
	struct vrrp_adv adv;
	struct addr vip = A("192.0.2.10");

	assert_int_equal(vrrp_pkt_decode(v2_ip4, sizeof(v2_ip4), &m, &adv), VRRP_RX_OK);
	assert_int_equal(adv.version, 2);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.naddr, 1);
	assert_int_equal(adv.adver_int_cs, 100); /* 1 s */
	assert_int_equal(adv.checksum, 0x86bf);
	assert_true(addr_eq(&adv.addrs[0], &vip));
}

static void test_decode_v3_ip6(void **state)
{
	struct vrrp_rx_meta m = meta6(255);
	struct vrrp_adv adv;
	struct addr vip1 = A("fe80::10"), vip2 = A("2001:db8::10");

	assert_int_equal(vrrp_pkt_decode(v3_ip6, sizeof(v3_ip6), &m, &adv), VRRP_RX_OK);
	assert_int_equal(adv.version, 3);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.naddr, 2);
	assert_int_equal(adv.adver_int_cs, 100);
	assert_int_equal(adv.checksum, 0x0ddd);
	assert_true(addr_eq(&adv.src, &m.src));
	assert_true(addr_eq(&adv.addrs[0], &vip1));
	assert_true(addr_eq(&adv.addrs[1], &vip2));
}

/* RFC 5798 §5.2.7: reserved bits are ignored, not part of the interval. */
static void test_decode_v3_reserved_bits(void **state)
{
	static const uint8_t pkt[] = {0x31, 51, 150, 1, 0xf0, 100, 0xe3, 0xca, A4_VIP};
	struct vrrp_rx_meta m = meta4(255);
	struct vrrp_adv adv;

	assert_int_equal(vrrp_pkt_decode(pkt, sizeof(pkt), &m, &adv), VRRP_RX_OK);
	assert_int_equal(adv.adver_int_cs, 100);
}

/* ---- payload verdicts ---- */

enum fam { F4, F6 };

struct dec_case {
	const char *name;
	const uint8_t *buf;
	size_t len;
	enum fam fam;
	int ttl;
	enum vrrp_rx_err want;
};

static const struct dec_case dec_cases[] = {
	{"v3 ok", BYTES(0x31, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 255, VRRP_RX_OK},
	{"ttl unknown", BYTES(0x31, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP), F4, -1, VRRP_RX_OK},
	{"ttl 254", BYTES(0x31, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 254, VRRP_RX_BAD_TTL},
	{"hop limit 1", BYTES(0x31, 51, 150, 2, 0, 100, 0x0d, 0xdd, A6_VIP1, A6_VIP2), F6, 1,
	 VRRP_RX_BAD_TTL},
	{"1 byte", BYTES(0x31), F4, 255, VRRP_RX_TOO_SHORT},
	{"7 bytes", BYTES(0x31, 51, 150, 1, 0, 100, 0xd3), F4, 255, VRRP_RX_TOO_SHORT},
	{"version 4", BYTES(0x41, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 255,
	 VRRP_RX_BAD_VERSION},
	{"version 1", BYTES(0x11, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 255,
	 VRRP_RX_BAD_VERSION},
	{"v2 over ipv6", BYTES(0x21, 51, 150, 1, 0, 1, 0, 0, A6_VIP1, AUTH_ZERO), F6, 255,
	 VRRP_RX_BAD_VERSION},
	{"type 2", BYTES(0x32, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 255, VRRP_RX_BAD_TYPE},
	{"type 0", BYTES(0x30, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 255, VRRP_RX_BAD_TYPE},
	{"count 2, 1 addr", BYTES(0x31, 51, 150, 2, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 255,
	 VRRP_RX_BAD_ADDR_COUNT},
	{"count 1, 2 addrs", BYTES(0x31, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP, A4_VIP), F4, 255,
	 VRRP_RX_BAD_ADDR_COUNT},
	{"count 0, 1 addr", BYTES(0x31, 51, 150, 0, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 255,
	 VRRP_RX_BAD_ADDR_COUNT},
	{"truncated addr", BYTES(0x31, 51, 150, 1, 0, 100, 0xd3, 0xcb, 192, 0, 2), F4, 255,
	 VRRP_RX_BAD_ADDR_COUNT},
	{"count 33", BYTES(0x31, 51, 150, 33, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 255,
	 VRRP_RX_BAD_ADDR_COUNT},
	{"v6 count 2, 1 addr", BYTES(0x31, 51, 150, 2, 0, 100, 0x0d, 0xdd, A6_VIP1), F6, 255,
	 VRRP_RX_BAD_ADDR_COUNT},
	{"v3 with auth trailer", BYTES(0x31, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP, AUTH_ZERO),
	 F4, 255, VRRP_RX_BAD_ADDR_COUNT},
	/* RFC 3768 §7.1: the authentication data is part of a complete packet */
	{"v2 without auth trailer", BYTES(0x21, 51, 150, 1, 0, 1, 0x86, 0xbf, A4_VIP), F4, 255,
	 VRRP_RX_BAD_ADDR_COUNT},
	{"bad checksum", BYTES(0x31, 51, 150, 1, 0, 100, 0xd3, 0xcc, A4_VIP), F4, 255,
	 VRRP_RX_BAD_CHECKSUM},
	{"changed prio", BYTES(0x31, 51, 151, 1, 0, 100, 0xd3, 0xcb, A4_VIP), F4, 255,
	 VRRP_RX_BAD_CHECKSUM},
	/* a v3 checksum computed like v2, without the pseudo-header */
	{"v3 no pseudo-header", BYTES(0x31, 51, 150, 1, 0, 100, 0x76, 0x5c, A4_VIP), F4, 255,
	 VRRP_RX_BAD_CHECKSUM},
	{"v2 bad checksum", BYTES(0x21, 51, 150, 1, 0, 1, 0x86, 0xbe, A4_VIP, AUTH_ZERO), F4, 255,
	 VRRP_RX_BAD_CHECKSUM},
	{"v6 bad checksum", BYTES(0x31, 51, 150, 2, 0, 100, 0x0d, 0xde, A6_VIP1, A6_VIP2), F6, 255,
	 VRRP_RX_BAD_CHECKSUM},
	{"v3 interval 0", BYTES(0x31, 51, 150, 1, 0, 0, 0xd4, 0x2f, A4_VIP), F4, 255,
	 VRRP_RX_BAD_INTERVAL},
	{"v2 interval 0", BYTES(0x21, 51, 150, 1, 0, 0, 0x86, 0xc0, A4_VIP, AUTH_ZERO), F4, 255,
	 VRRP_RX_BAD_INTERVAL},
	{"v2 auth type 1", BYTES(0x21, 51, 150, 1, 1, 1, 0x85, 0xbf, A4_VIP, AUTH_ZERO), F4, 255,
	 VRRP_RX_BAD_AUTH},
};

static void test_decode_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(dec_cases) / sizeof(dec_cases[0]); i++) {
		const struct dec_case *c = &dec_cases[i];
		struct vrrp_rx_meta m = c->fam == F4 ? meta4(c->ttl) : meta6(c->ttl);
		struct vrrp_adv adv;
		enum vrrp_rx_err got = vrrp_pkt_decode(c->buf, c->len, &m, &adv);

		if (got != c->want)
			fail_msg("%s: got %s, want %s", c->name, vrrp_rx_err_str(got),
				 vrrp_rx_err_str(c->want));
	}
}

/* The v3 pseudo-header binds the checksum to the addresses it was sent
 * with: the same bytes seen with another destination are refused. */
static void test_decode_pseudo_header_dst(void **state)
{
	struct vrrp_rx_meta m = meta4(255);
	struct vrrp_adv adv;

	m.dst = A("192.0.2.2"); /* unicast peer instead of the group */
	assert_int_equal(vrrp_pkt_decode(v3_ip4, sizeof(v3_ip4), &m, &adv), VRRP_RX_BAD_CHECKSUM);
	/* v2 has no pseudo-header, so the same change is harmless */
	assert_int_equal(vrrp_pkt_decode(v2_ip4, sizeof(v2_ip4), &m, &adv), VRRP_RX_OK);
}

static void test_decode_bad_meta(void **state)
{
	struct vrrp_rx_meta m = meta4(255);
	struct vrrp_adv adv;

	m.src.family = 0;
	assert_int_equal(vrrp_pkt_decode(v3_ip4, sizeof(v3_ip4), &m, &adv), VRRP_RX_BAD_IP);
	m = meta4(255);
	m.dst = A("ff02::12");
	assert_int_equal(vrrp_pkt_decode(v3_ip4, sizeof(v3_ip4), &m, &adv), VRRP_RX_BAD_IP);
}

/* ---- whole IPv4 packets, as an AF_INET raw socket delivers them ---- */

/* IP header: TOS 0xc0, total length 32, TTL 255, proto 112, csum 0x189a */
#define IP4_HDR(ver_ihl, tot, ttl, proto) \
	ver_ihl, 0xc0, 0, tot, 0, 0, 0, 0, ttl, proto, 0x18, 0x9a, A4_SRC, A4_GRP
#define V3_PAYLOAD 0x31, 51, 150, 1, 0, 100, 0xd3, 0xcb, A4_VIP

static const struct dec_case ip4_cases[] = {
	{"ok", BYTES(IP4_HDR(0x45, 32, 255, 112), V3_PAYLOAD), F4, 0, VRRP_RX_OK},
	/* link-layer padding after the datagram is not part of it */
	{"padding", BYTES(IP4_HDR(0x45, 32, 255, 112), V3_PAYLOAD, 0, 0, 0, 0), F4, 0, VRRP_RX_OK},
	/* IHL 6: a router-alert option before the payload */
	{"options", BYTES(IP4_HDR(0x46, 36, 255, 112), 0x94, 0x04, 0, 0, V3_PAYLOAD), F4, 0,
	 VRRP_RX_OK},
	{"ttl 254", BYTES(IP4_HDR(0x45, 32, 254, 112), V3_PAYLOAD), F4, 0, VRRP_RX_BAD_TTL},
	{"19 bytes", BYTES(0x45, 0xc0, 0, 32, 0, 0, 0, 0, 255, 112, 0x18, 0x9a, A4_SRC, 224, 0, 0),
	 F4, 0, VRRP_RX_TOO_SHORT},
	{"ip version 6", BYTES(IP4_HDR(0x65, 32, 255, 112), V3_PAYLOAD), F4, 0, VRRP_RX_BAD_IP},
	{"ihl 4", BYTES(IP4_HDR(0x44, 32, 255, 112), V3_PAYLOAD), F4, 0, VRRP_RX_BAD_IP},
	{"ihl past end", BYTES(IP4_HDR(0x4f, 32, 255, 112), V3_PAYLOAD), F4, 0, VRRP_RX_BAD_IP},
	{"tot_len > len", BYTES(IP4_HDR(0x45, 33, 255, 112), V3_PAYLOAD), F4, 0,
	 VRRP_RX_TOO_SHORT},
	{"tot_len < ihl", BYTES(IP4_HDR(0x45, 16, 255, 112), V3_PAYLOAD), F4, 0, VRRP_RX_BAD_IP},
	{"protocol 17", BYTES(IP4_HDR(0x45, 32, 255, 17), V3_PAYLOAD), F4, 0, VRRP_RX_BAD_IP},
	{"short payload", BYTES(IP4_HDR(0x45, 27, 255, 112), V3_PAYLOAD), F4, 0,
	 VRRP_RX_TOO_SHORT},
	{"bad vrrp checksum", BYTES(IP4_HDR(0x45, 32, 255, 112), 0x31, 51, 150, 1, 0, 100, 0, 0,
				    A4_VIP), F4, 0, VRRP_RX_BAD_CHECKSUM},
};

static void test_decode_ip4_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(ip4_cases) / sizeof(ip4_cases[0]); i++) {
		const struct dec_case *c = &ip4_cases[i];
		struct vrrp_adv adv;
		enum vrrp_rx_err got = vrrp_pkt_decode_ip4(c->buf, c->len, &adv);

		if (got != c->want)
			fail_msg("ip4 %s: got %s, want %s", c->name, vrrp_rx_err_str(got),
				 vrrp_rx_err_str(c->want));
	}
}

static void test_decode_ip4_fields(void **state)
{
	static const uint8_t pkt[] = {IP4_HDR(0x45, 32, 255, 112), V3_PAYLOAD};
	struct addr src = A("192.0.2.1"), vip = A("192.0.2.10");
	struct vrrp_adv adv;

	assert_int_equal(vrrp_pkt_decode_ip4(pkt, sizeof(pkt), &adv), VRRP_RX_OK);
	assert_true(addr_eq(&adv.src, &src));
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.naddr, 1);
	assert_true(addr_eq(&adv.addrs[0], &vip));
}

/* ---- encoding ---- */

static struct vrrp_adv adv_new(int version, const char *src, int naddr, const char *const *vips,
			       uint16_t int_cs)
{
	struct vrrp_adv a;
	int i;

	memset(&a, 0, sizeof(a));
	a.version = (uint8_t)version;
	a.type = VRRP_TYPE_ADVERT;
	a.vrid = 51;
	a.priority = 150;
	a.naddr = (uint8_t)naddr;
	a.adver_int_cs = int_cs;
	a.src = A(src);
	for (i = 0; i < naddr; i++)
		a.addrs[i] = A(vips[i]);
	return a;
}

/* The encoder must produce exactly the independently checked vectors. */
static void test_encode_matches_vectors(void **state)
{
	static const char *const vip4[] = {"192.0.2.10"};
	static const char *const vip6[] = {"fe80::10", "2001:db8::10"};
	struct addr grp4 = A("224.0.0.18"), grp6 = A("ff02::12");
	uint8_t buf[VRRP_PKT_MAX];
	struct vrrp_adv a;

	a = adv_new(3, "192.0.2.1", 1, vip4, 100);
	assert_int_equal(vrrp_pkt_encode(&a, &grp4, buf, sizeof(buf)), sizeof(v3_ip4));
	assert_memory_equal(buf, v3_ip4, sizeof(v3_ip4));

	a = adv_new(2, "192.0.2.1", 1, vip4, 100);
	assert_int_equal(vrrp_pkt_encode(&a, &grp4, buf, sizeof(buf)), sizeof(v2_ip4));
	assert_memory_equal(buf, v2_ip4, sizeof(v2_ip4));

	a = adv_new(3, "fe80::1", 2, vip6, 100);
	assert_int_equal(vrrp_pkt_encode(&a, &grp6, buf, sizeof(buf)), sizeof(v3_ip6));
	assert_memory_equal(buf, v3_ip6, sizeof(v3_ip6));
}

struct rt_case {
	int version;
	const char *src, *dst;
	int naddr;
	const char *vips[4];
	uint16_t int_cs;
	size_t want_len;
};

static const struct rt_case rt_cases[] = {
	{3, "192.0.2.1", "224.0.0.18", 3, {"192.0.2.10", "192.0.2.11", "198.51.100.1"}, 100,
	 8 + 3 * 4},
	{3, "192.0.2.1", "192.0.2.2", 1, {"192.0.2.10"}, 4095, 8 + 4}, /* unicast peer */
	{3, "192.0.2.1", "224.0.0.18", 0, {NULL}, 1, 8},
	{2, "192.0.2.1", "224.0.0.18", 2, {"192.0.2.10", "192.0.2.11"}, 300, 8 + 2 * 4 + 8},
	{2, "192.0.2.1", "224.0.0.18", 1, {"192.0.2.10"}, 25500, 8 + 4 + 8},
	{3, "fe80::1", "ff02::12", 4, {"fe80::10", "2001:db8::10", "2001:db8::11", "2001:db8::1:0"},
	 50, 8 + 4 * 16},
};

static void test_encode_decode_roundtrip(void **state)
{
	size_t i, j;

	for (i = 0; i < sizeof(rt_cases) / sizeof(rt_cases[0]); i++) {
		const struct rt_case *c = &rt_cases[i];
		struct vrrp_adv in = adv_new(c->version, c->src, c->naddr, c->vips, c->int_cs), out;
		struct vrrp_rx_meta m = {.src = in.src, .dst = A(c->dst), .ttl = 255};
		uint8_t buf[VRRP_PKT_MAX];
		size_t len = vrrp_pkt_encode(&in, &m.dst, buf, sizeof(buf));

		assert_int_equal(len, c->want_len);
		assert_int_equal(vrrp_pkt_decode(buf, len, &m, &out), VRRP_RX_OK);
		assert_int_equal(out.version, in.version);
		assert_int_equal(out.type, VRRP_TYPE_ADVERT);
		assert_int_equal(out.vrid, in.vrid);
		assert_int_equal(out.priority, in.priority);
		assert_int_equal(out.naddr, in.naddr);
		assert_int_equal(out.adver_int_cs, in.adver_int_cs);
		assert_true(addr_eq(&out.src, &in.src));
		for (j = 0; j < in.naddr; j++)
			assert_true(addr_eq(&out.addrs[j], &in.addrs[j]));
	}
}

static void test_encode_max_addrs(void **state)
{
	struct vrrp_adv in, out;
	struct vrrp_rx_meta m = meta6(255);
	uint8_t buf[VRRP_PKT_MAX];
	size_t len;
	int i;

	memset(&in, 0, sizeof(in));
	in.version = 3;
	in.vrid = 255;
	in.priority = 255;
	in.naddr = VRRP_MAX_ADDRS;
	in.adver_int_cs = 100;
	in.src = m.src;
	for (i = 0; i < VRRP_MAX_ADDRS; i++) {
		in.addrs[i] = A("2001:db8::");
		in.addrs[i].u.bytes[15] = (uint8_t)i;
	}
	len = vrrp_pkt_encode(&in, &m.dst, buf, sizeof(buf));
	assert_int_equal(len, VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16);
	assert_int_equal(vrrp_pkt_decode(buf, len, &m, &out), VRRP_RX_OK);
	assert_int_equal(out.naddr, VRRP_MAX_ADDRS);
	assert_true(addr_eq(&out.addrs[VRRP_MAX_ADDRS - 1], &in.addrs[VRRP_MAX_ADDRS - 1]));
	/* one byte short of room: refused, not truncated */
	assert_int_equal(vrrp_pkt_encode(&in, &m.dst, buf, len - 1), 0);
}

enum bad_kind {
	BAD_COUNT, BAD_ADDR_FAMILY, BAD_DST_FAMILY, BAD_NO_SRC, BAD_V2_IP6, BAD_VERSION,
	BAD_V3_INT_BIG, BAD_V3_INT_0, BAD_V2_INT_0, BAD_V2_INT_FRACTION, BAD_V2_INT_BIG,
};

static void test_encode_rejects(void **state)
{
	static const char *const vip4[] = {"192.0.2.10"};
	static const enum bad_kind kinds[] = {
		BAD_COUNT, BAD_ADDR_FAMILY, BAD_DST_FAMILY, BAD_NO_SRC, BAD_V2_IP6, BAD_VERSION,
		BAD_V3_INT_BIG, BAD_V3_INT_0, BAD_V2_INT_0, BAD_V2_INT_FRACTION, BAD_V2_INT_BIG,
	};
	uint8_t buf[VRRP_PKT_MAX + 64];
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct vrrp_adv a = adv_new(3, "192.0.2.1", 1, vip4, 100);
		struct addr dst = A("224.0.0.18");

		switch (kinds[i]) {
		case BAD_COUNT: a.naddr = VRRP_MAX_ADDRS + 1; break;
		case BAD_ADDR_FAMILY: a.addrs[0] = A("2001:db8::10"); break;
		case BAD_DST_FAMILY: dst = A("ff02::12"); break;
		case BAD_NO_SRC: a.src.family = 0; break;
		case BAD_V2_IP6:
			a.version = 2;
			a.src = A("fe80::1");
			a.addrs[0] = A("fe80::10");
			dst = A("ff02::12");
			break;
		case BAD_VERSION: a.version = 4; break;
		case BAD_V3_INT_BIG: a.adver_int_cs = 4096; break;
		case BAD_V3_INT_0: a.adver_int_cs = 0; break;
		case BAD_V2_INT_0: a.version = 2; a.adver_int_cs = 0; break;
		case BAD_V2_INT_FRACTION: a.version = 2; a.adver_int_cs = 150; break;
		case BAD_V2_INT_BIG: a.version = 2; a.adver_int_cs = 25600; break;
		}
		if (vrrp_pkt_encode(&a, &dst, buf, sizeof(buf)) != 0)
			fail_msg("encode accepted invalid case %zu", i);
	}
}

/* ---- helpers ---- */

static void test_csum(void **state)
{
	/* RFC 1071 §3 example: sum 0xddf2, checksum its complement */
	static const uint8_t rfc1071[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	static const uint8_t odd[] = {0x12, 0x34, 0x56};

	assert_int_equal(vrrp_csum(rfc1071, sizeof(rfc1071), 0), 0x220d);
	/* the odd byte is padded on the right: 0x1234 + 0x5600 */
	assert_int_equal(vrrp_csum(odd, sizeof(odd), 0), (uint16_t)~0x6834);
	assert_int_equal(vrrp_csum(NULL, 0, 0x1234), (uint16_t)~0x1234);
	/* a carry out of 16 bits is folded back in */
	assert_int_equal(vrrp_csum(NULL, 0, 0x1fffe), 0x0000);
}

static void test_pseudo_sum(void **state)
{
	struct addr s4 = A("192.0.2.1"), d4 = A("224.0.0.18"), d6 = A("ff02::12");

	/* c000+0201+e000+0012+0070+000c = 0x1a28f -> folded 0xa290 */
	assert_int_equal(vrrp_pseudo_sum(&s4, &d4, 12), 0xa290);
	assert_int_equal(vrrp_pseudo_sum(&s4, &d6, 12), 0);
}

static void test_err_str(void **state)
{
	int i, j;

	assert_string_equal(vrrp_rx_err_str(VRRP_RX_OK), "ok");
	assert_string_equal(vrrp_rx_err_str(VRRP_RX_BAD_TTL), "bad_ttl");
	assert_string_equal(vrrp_rx_err_str(VRRP_RX_BAD_ADDR_COUNT), "bad_addr_count");
	assert_string_equal(vrrp_rx_err_str(VRRP_RX_NOT_PEER), "not_peer");
	assert_string_equal(vrrp_rx_err_str(VRRP_RX_ERR_MAX), "invalid");
	/* every value named, and names distinct: logs and tandemctl rely on it */
	for (i = 0; i < VRRP_RX_ERR_MAX; i++) {
		assert_string_not_equal(vrrp_rx_err_str((enum vrrp_rx_err)i), "invalid");
		for (j = 0; j < i; j++)
			assert_string_not_equal(vrrp_rx_err_str((enum vrrp_rx_err)i),
						vrrp_rx_err_str((enum vrrp_rx_err)j));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_v3_ip4),
		cmocka_unit_test(test_decode_v2_ip4),
		cmocka_unit_test(test_decode_v3_ip6),
		cmocka_unit_test(test_decode_v3_reserved_bits),
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_decode_pseudo_header_dst),
		cmocka_unit_test(test_decode_bad_meta),
		cmocka_unit_test(test_decode_ip4_table),
		cmocka_unit_test(test_decode_ip4_fields),
		cmocka_unit_test(test_encode_matches_vectors),
		cmocka_unit_test(test_encode_decode_roundtrip),
		cmocka_unit_test(test_encode_max_addrs),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_csum),
		cmocka_unit_test(test_pseudo_sum),
		cmocka_unit_test(test_err_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
