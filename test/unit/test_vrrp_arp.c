/* test_vrrp_arp.c - vrrp_arp_build against whole frames written out byte
 * by byte (RFC 826 layout, RFC 5227 §3 announcement). Sending needs
 * CAP_NET_RAW and an interface: that is for the integration tests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "vrrp/vrrp_arp.h"

/* VRRP virtual MAC of VRID 1 (RFC 5798 §7.3), VIP 192.0.2.10. */
static const uint8_t frame_vrid1[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* dst: broadcast */
	0x00, 0x00, 0x5e, 0x00, 0x01, 0x01, /* src */
	0x08, 0x06,                         /* ethertype ARP */
	0x00, 0x01,                         /* htype Ethernet */
	0x08, 0x00,                         /* ptype IPv4 */
	0x06, 0x04,                         /* hlen, plen */
	0x00, 0x01,                         /* oper: request */
	0x00, 0x00, 0x5e, 0x00, 0x01, 0x01, /* sha */
	192, 0, 2, 10,                      /* spa */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* tha */
	192, 0, 2, 10,                      /* tpa = spa */
};

/* A locally administered MAC and an address with high bits set, to catch
 * sign or byte-order slips. */
static const uint8_t frame_local[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x02, 0xab, 0xcd, 0xef, 0x80, 0xff,
	0x08, 0x06,
	0x00, 0x01,
	0x08, 0x00,
	0x06, 0x04,
	0x00, 0x01,
	0x02, 0xab, 0xcd, 0xef, 0x80, 0xff,
	203, 0, 113, 254,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	203, 0, 113, 254,
};

_Static_assert(sizeof(frame_vrid1) == VRRP_ARP_FRAME_LEN, "frame length");
_Static_assert(sizeof(frame_local) == VRRP_ARP_FRAME_LEN, "frame length");

struct arp_case {
	const char *name;
	const char *small_name;
	uint8_t mac[6];
	const char *vip;
	const uint8_t *frame;
};

static const struct arp_case cases[] = {
	{ "vrid 1 vmac", "vrid 1 vmac, buffer too small",
	  { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01 }, "192.0.2.10", frame_vrid1 },
	{ "local mac", "local mac, buffer too small",
	  { 0x02, 0xab, 0xcd, 0xef, 0x80, 0xff }, "203.0.113.254", frame_local },
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

#define CANARY 0xa5

static struct in_addr vip_of(const struct arp_case *c)
{
	struct in_addr vip;

	assert_int_equal(inet_pton(AF_INET, c->vip, &vip), 1);
	return vip;
}

static void test_frame(void **state)
{
	const struct arp_case *c = *state;
	uint8_t buf[VRRP_ARP_FRAME_LEN + 8];

	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(vrrp_arp_build(buf, sizeof(buf), c->mac, vip_of(c)),
			 VRRP_ARP_FRAME_LEN);
	assert_memory_equal(buf, c->frame, VRRP_ARP_FRAME_LEN);
	for (size_t i = VRRP_ARP_FRAME_LEN; i < sizeof(buf); i++)
		assert_int_equal(buf[i], CANARY);
}

static void test_too_small(void **state)
{
	const struct arp_case *c = *state;
	uint8_t buf[VRRP_ARP_FRAME_LEN];

	for (size_t len = 0; len < VRRP_ARP_FRAME_LEN; len++) {
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(vrrp_arp_build(buf, len, c->mac, vip_of(c)), 0);
		for (size_t i = 0; i < sizeof(buf); i++)
			assert_int_equal(buf[i], CANARY);
	}
	/* exactly the frame length is enough */
	assert_int_equal(vrrp_arp_build(buf, sizeof(buf), c->mac, vip_of(c)),
			 VRRP_ARP_FRAME_LEN);
	assert_memory_equal(buf, c->frame, VRRP_ARP_FRAME_LEN);
}

int main(void)
{
	struct CMUnitTest tests[2 * N_CASES];
	size_t n = 0;

	for (size_t i = 0; i < N_CASES; i++) {
		tests[n++] = (struct CMUnitTest){ .name = cases[i].name,
			.test_func = test_frame, .initial_state = (void *)&cases[i] };
		tests[n++] = (struct CMUnitTest){ .name = cases[i].small_name,
			.test_func = test_too_small, .initial_state = (void *)&cases[i] };
	}
	return _cmocka_run_group_tests("vrrp_arp", tests, n, NULL, NULL);
}
