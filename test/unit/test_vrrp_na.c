/* test_vrrp_na.c - vrrp_na_build against whole frames written out byte by
 * byte (RFC 4861 §4.4 layout). The checksums were not taken from our code:
 * they were computed by an independent Python implementation of the
 * RFC 4443 §2.3 sum, and each frame was also fed to tshark (text2pcap, then
 * tshark -V), which reported "Checksum Status: Good" and the flags named
 * below. Sending needs CAP_NET_RAW: that is for the integration tests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "vrrp/vrrp_na.h"

#define ALL_NODES_MAC 0x33, 0x33, 0x00, 0x00, 0x00, 0x01
#define IP6_HDR_START 0x60, 0x00, 0x00, 0x00, /* version 6, tc 0, flow 0 */ \
		      0x00, 0x20,             /* payload length 32 */      \
		      58, 255                 /* ICMPv6, hop limit 255 */
#define ALL_NODES_IP 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01
#define VIP_DB8_10 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
#define VMAC6_VRID1 0x00, 0x00, 0x5e, 0x00, 0x02, 0x01

/* VRID 1 IPv6 virtual MAC (RFC 5798 §7.3), VIP 2001:db8::10, R|O. */
static const uint8_t frame_router[] = {
	ALL_NODES_MAC, VMAC6_VRID1, 0x86, 0xdd,
	IP6_HDR_START, VIP_DB8_10, ALL_NODES_IP,
	136, 0, 0x1b, 0x0c,          /* NA, code 0, checksum */
	0xa0, 0x00, 0x00, 0x00,      /* R, O; S clear */
	VIP_DB8_10,                  /* target */
	2, 1, VMAC6_VRID1,           /* Target Link-Layer Address */
};

/* The same without R: only the flags byte and the checksum differ. */
static const uint8_t frame_host[] = {
	ALL_NODES_MAC, VMAC6_VRID1, 0x86, 0xdd,
	IP6_HDR_START, VIP_DB8_10, ALL_NODES_IP,
	136, 0, 0x9b, 0x0c,
	0x20, 0x00, 0x00, 0x00,      /* O only */
	VIP_DB8_10,
	2, 1, VMAC6_VRID1,
};

/* High bits everywhere, so a carry or byte-order slip in the checksum
 * shows. */
#define VIP_HIGH 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff, \
		 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe
#define MAC_LOCAL 0x02, 0xab, 0xcd, 0xef, 0x80, 0xff
static const uint8_t frame_high[] = {
	ALL_NODES_MAC, MAC_LOCAL, 0x86, 0xdd,
	IP6_HDR_START, VIP_HIGH, ALL_NODES_IP,
	136, 0, 0x29, 0x95,
	0xa0, 0x00, 0x00, 0x00,
	VIP_HIGH,
	2, 1, MAC_LOCAL,
};

_Static_assert(sizeof(frame_router) == VRRP_NA_FRAME_LEN, "frame length");
_Static_assert(sizeof(frame_host) == VRRP_NA_FRAME_LEN, "frame length");
_Static_assert(sizeof(frame_high) == VRRP_NA_FRAME_LEN, "frame length");

struct na_case {
	const char *name;
	const char *small_name;
	uint8_t mac[6];
	const char *vip;
	bool router;
	const uint8_t *frame;
};

static const struct na_case cases[] = {
	{ "vrid 1 vmac, router", "vrid 1 vmac, router, buffer too small",
	  { VMAC6_VRID1 }, "2001:db8::10", true, frame_router },
	{ "vrid 1 vmac, host", "vrid 1 vmac, host, buffer too small",
	  { VMAC6_VRID1 }, "2001:db8::10", false, frame_host },
	{ "high bits", "high bits, buffer too small",
	  { MAC_LOCAL }, "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe", true, frame_high },
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

#define CANARY 0xa5

static struct in6_addr vip_of(const struct na_case *c)
{
	struct in6_addr vip;

	assert_int_equal(inet_pton(AF_INET6, c->vip, &vip), 1);
	return vip;
}

static void test_frame(void **state)
{
	const struct na_case *c = *state;
	struct in6_addr vip = vip_of(c);
	uint8_t buf[VRRP_NA_FRAME_LEN + 8];

	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(vrrp_na_build(buf, sizeof(buf), c->mac, &vip, c->router),
			 VRRP_NA_FRAME_LEN);
	assert_memory_equal(buf, c->frame, VRRP_NA_FRAME_LEN);
	for (size_t i = VRRP_NA_FRAME_LEN; i < sizeof(buf); i++)
		assert_int_equal(buf[i], CANARY);
}

static void test_too_small(void **state)
{
	const struct na_case *c = *state;
	struct in6_addr vip = vip_of(c);
	uint8_t buf[VRRP_NA_FRAME_LEN];

	for (size_t len = 0; len < VRRP_NA_FRAME_LEN; len++) {
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(vrrp_na_build(buf, len, c->mac, &vip, c->router), 0);
		for (size_t i = 0; i < sizeof(buf); i++)
			assert_int_equal(buf[i], CANARY);
	}
	/* exactly the frame length is enough */
	assert_int_equal(vrrp_na_build(buf, sizeof(buf), c->mac, &vip, c->router),
			 VRRP_NA_FRAME_LEN);
	assert_memory_equal(buf, c->frame, VRRP_NA_FRAME_LEN);
}

/* A receiver verifies by summing the whole message, checksum included,
 * with the pseudo-header: the result must be 0xffff (RFC 1071). This does
 * not share code with the builder, so it also guards the expected bytes. */
static void test_checksum_verifies(void **state)
{
	const struct na_case *c = *state;
	const uint8_t *ip6 = c->frame + 14;
	const uint8_t *icmp = ip6 + 40;
	uint32_t sum = 32 + 58; /* upper-layer length, next header */

	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip6[i] << 8 | ip6[i + 1]);
	for (size_t i = 0; i < 32; i += 2)
		sum += (uint32_t)(icmp[i] << 8 | icmp[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal(sum, 0xffff);
}

int main(void)
{
	struct CMUnitTest tests[3 * N_CASES];
	size_t n = 0;

	for (size_t i = 0; i < N_CASES; i++) {
		tests[n++] = (struct CMUnitTest){ .name = cases[i].name,
			.test_func = test_frame, .initial_state = (void *)&cases[i] };
		tests[n++] = (struct CMUnitTest){ .name = cases[i].small_name,
			.test_func = test_too_small, .initial_state = (void *)&cases[i] };
		tests[n++] = (struct CMUnitTest){ .name = "expected checksum verifies",
			.test_func = test_checksum_verifies, .initial_state = (void *)&cases[i] };
	}
	return _cmocka_run_group_tests("vrrp_na", tests, n, NULL, NULL);
}
