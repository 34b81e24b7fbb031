/* test_nl_addr.c - nl_addr_msg against RTM_NEWADDR/RTM_DELADDR bytes built
 * here by hand from the kernel's structs (not with libmnl), so a mistake in
 * how we drive libmnl cannot hide in both the code and the expectation.
 * A kernel round trip needs a network namespace: that belongs to the
 * integration tests, unit tests stay pure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/addr.h"
#include "netlink/nl_addr.h"

#define ADD_FLAGS (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE)
#define DEL_FLAGS (NLM_F_REQUEST | NLM_F_ACK)
#define IFINDEX 3

/* The wire layout, one member per field; the asserts below prove the
 * compiler added no padding, i.e. every part sits where NLMSG_ALIGN /
 * NLA_ALIGN put it. */
struct msg_v4 {
	struct nlmsghdr nh;
	struct ifaddrmsg ifa;
	struct nlattr local_hdr;
	uint8_t local[4];
	struct nlattr address_hdr;
	uint8_t address[4];
};

struct msg_v6 {
	struct nlmsghdr nh;
	struct ifaddrmsg ifa;
	struct nlattr local_hdr;
	uint8_t local[16];
	struct nlattr address_hdr;
	uint8_t address[16];
	struct nlattr flags_hdr;
	uint32_t flags;
};

#define HDRS_LEN (NLMSG_ALIGN(NLMSG_HDRLEN) + NLMSG_ALIGN(sizeof(struct ifaddrmsg)))
_Static_assert(sizeof(struct msg_v4) == HDRS_LEN + 2 * NLA_ALIGN(NLA_HDRLEN + sizeof(struct in_addr)),
	       "struct msg_v4 must match the wire layout");
_Static_assert(sizeof(struct msg_v6) == HDRS_LEN + 2 * NLA_ALIGN(NLA_HDRLEN + sizeof(struct in6_addr)) +
	       NLA_ALIGN(NLA_HDRLEN + sizeof(uint32_t)),
	       "struct msg_v6 must match the wire layout");

/* nla_len covers header and payload, not the alignment padding. */
#define ATTR(msg, type, member) { NLA_HDRLEN + sizeof(((struct msg *)0)->member), (type) }

static const struct msg_v4 add_v4_24 = {
	.nh = { sizeof(struct msg_v4), RTM_NEWADDR, ADD_FLAGS, 7, 0 },
	.ifa = { AF_INET, 24, 0, RT_SCOPE_UNIVERSE, IFINDEX },
	.local_hdr = ATTR(msg_v4, IFA_LOCAL, local),
	.local = { 192, 0, 2, 10 },
	.address_hdr = ATTR(msg_v4, IFA_ADDRESS, address),
	.address = { 192, 0, 2, 10 },
};

static const struct msg_v4 del_v4_32 = {
	.nh = { sizeof(struct msg_v4), RTM_DELADDR, DEL_FLAGS, 0xfffffffe, 0 },
	.ifa = { AF_INET, 32, 0, RT_SCOPE_UNIVERSE, IFINDEX },
	.local_hdr = ATTR(msg_v4, IFA_LOCAL, local),
	.local = { 198, 51, 100, 7 },
	.address_hdr = ATTR(msg_v4, IFA_ADDRESS, address),
	.address = { 198, 51, 100, 7 },
};

#define V6_BYTES { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00 }

static const struct msg_v6 add_v6_64 = {
	.nh = { sizeof(struct msg_v6), RTM_NEWADDR, ADD_FLAGS, 1, 0 },
	.ifa = { AF_INET6, 64, 0, RT_SCOPE_UNIVERSE, IFINDEX },
	.local_hdr = ATTR(msg_v6, IFA_LOCAL, local),
	.local = V6_BYTES,
	.address_hdr = ATTR(msg_v6, IFA_ADDRESS, address),
	.address = V6_BYTES,
	.flags_hdr = ATTR(msg_v6, IFA_FLAGS, flags),
	.flags = IFA_F_NODAD,
};

static const struct msg_v6 del_v6_64 = {
	.nh = { sizeof(struct msg_v6), RTM_DELADDR, DEL_FLAGS, 2, 0 },
	.ifa = { AF_INET6, 64, 0, RT_SCOPE_UNIVERSE, IFINDEX },
	.local_hdr = ATTR(msg_v6, IFA_LOCAL, local),
	.local = V6_BYTES,
	.address_hdr = ATTR(msg_v6, IFA_ADDRESS, address),
	.address = V6_BYTES,
	.flags_hdr = ATTR(msg_v6, IFA_FLAGS, flags),
	.flags = IFA_F_NODAD,
};

struct msg_case {
	const char *name;
	const char *small_name;
	enum nl_addr_op op;
	uint32_t seq;
	const char *addr;
	uint8_t prefixlen;
	const void *expect;
	size_t expect_len;
};

static const struct msg_case cases[] = {
	{ "add v4 /24", "add v4 /24, buffer too small",
	  NL_ADDR_ADD, 7, "192.0.2.10", 24, &add_v4_24, sizeof(add_v4_24) },
	{ "del v4 /32", "del v4 /32, buffer too small",
	  NL_ADDR_DEL, 0xfffffffe, "198.51.100.7", 32, &del_v4_32, sizeof(del_v4_32) },
	{ "add v6 /64 nodad", "add v6 /64 nodad, buffer too small",
	  NL_ADDR_ADD, 1, "2001:db8::100", 64, &add_v6_64, sizeof(add_v6_64) },
	{ "del v6 /64", "del v6 /64, buffer too small",
	  NL_ADDR_DEL, 2, "2001:db8::100", 64, &del_v6_64, sizeof(del_v6_64) },
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

#define CANARY 0xa5
#define BUF_LEN 256

static void assert_untouched(const uint8_t *buf, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		assert_int_equal(buf[i], CANARY);
}

static void test_bytes(void **state)
{
	const struct msg_case *c = *state;
	uint8_t buf[BUF_LEN];
	struct addr a;
	size_t n;

	assert_int_equal(addr_parse(c->addr, &a), 0);
	memset(buf, CANARY, sizeof(buf));
	n = nl_addr_msg(buf, sizeof(buf), c->op, c->seq, IFINDEX, &a, c->prefixlen);
	assert_int_equal(n, c->expect_len);
	assert_memory_equal(buf, c->expect, c->expect_len);
	assert_untouched(buf, n, sizeof(buf));

	/* An exactly sized buffer is enough. */
	memset(buf, CANARY, sizeof(buf));
	n = nl_addr_msg(buf, c->expect_len, c->op, c->seq, IFINDEX, &a, c->prefixlen);
	assert_int_equal(n, c->expect_len);
	assert_memory_equal(buf, c->expect, c->expect_len);
}

/* Every buffer one byte short or more: 0, and not a byte written. */
static void test_too_small(void **state)
{
	const struct msg_case *c = *state;
	uint8_t buf[BUF_LEN];
	struct addr a;

	assert_int_equal(addr_parse(c->addr, &a), 0);
	for (size_t len = 0; len < c->expect_len; len++) {
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(nl_addr_msg(buf, len, c->op, c->seq, IFINDEX, &a,
					     c->prefixlen), 0);
		assert_untouched(buf, 0, sizeof(buf));
	}
}

static void test_invalid(void **state)
{
	static const struct {
		const char *addr; /* NULL: family unset */
		uint8_t prefixlen;
		int ifindex;
	} bad[] = {
		{ NULL, 24, IFINDEX },
		{ "192.0.2.1", 33, IFINDEX },
		{ "2001:db8::1", 129, IFINDEX },
		{ "192.0.2.1", 24, 0 },
		{ "192.0.2.1", 24, -1 },
	};
	uint8_t buf[BUF_LEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct addr a = { 0 };

		if (bad[i].addr)
			assert_int_equal(addr_parse(bad[i].addr, &a), 0);
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(nl_addr_msg(buf, sizeof(buf), NL_ADDR_ADD, 1,
					     bad[i].ifindex, &a, bad[i].prefixlen), 0);
		assert_untouched(buf, 0, sizeof(buf));
	}
}

int main(void)
{
	struct CMUnitTest tests[2 * N_CASES + 1];
	size_t n = 0;

	for (size_t i = 0; i < N_CASES; i++) {
		tests[n++] = (struct CMUnitTest){ .name = cases[i].name,
			.test_func = test_bytes, .initial_state = (void *)&cases[i] };
		tests[n++] = (struct CMUnitTest){ .name = cases[i].small_name,
			.test_func = test_too_small, .initial_state = (void *)&cases[i] };
	}
	tests[n++] = (struct CMUnitTest){ .name = "invalid arguments", .test_func = test_invalid };
	return _cmocka_run_group_tests("nl_addr", tests, n, NULL, NULL);
}
