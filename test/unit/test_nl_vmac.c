/* test_nl_vmac.c - nl_vmac_* and nl_link_set_up_msg against messages laid
 * out here by hand from the kernel's structs (not with libmnl): each
 * attribute is a struct nlattr and a payload array of NLA_ALIGN(length)
 * bytes, zero padded, and the asserts prove the compiler added no padding
 * of its own. Nests carry NLA_F_NESTED because libmnl 1.0.4's
 * mnl_attr_nest_start sets it (checked; the kernel masks it off). The
 * kernel round trip (macvlan created, mode private, set up) was checked by
 * hand in a network namespace; the integration tests own that. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink/nl_vmac.h"

#define NEW_FLAGS (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
#define ACK_FLAGS (NLM_F_REQUEST | NLM_F_ACK)
#define PARENT 7

/* nla_len covers header and payload, not the alignment padding. */
#define ATTR(type, len) { (uint16_t)(NLA_HDRLEN + (len)), (uint16_t)(type) }
#define NEST(type, len) ATTR(NLA_F_NESTED | (type), (len))
#define STR_ATTR(type, s) ATTR(type, sizeof(s))

/* ---- RTM_NEWLINK macvlan ---- */

#define KIND "macvlan"
#define NEW_MSG(tag, name_len)                                                 \
	struct tag {                                                           \
		struct nlmsghdr nh;                                            \
		struct ifinfomsg ifi;                                          \
		struct nlattr name_hdr;                                        \
		char name[NLA_ALIGN(name_len)];                                \
		struct nlattr link_hdr;                                        \
		uint32_t link;                                                 \
		struct nlattr addr_hdr;                                        \
		uint8_t addr[NLA_ALIGN(6)];                                    \
		struct nlattr linkinfo_hdr;                                    \
		struct nlattr kind_hdr;                                        \
		char kind[NLA_ALIGN(sizeof(KIND))];                            \
		struct nlattr data_hdr;                                        \
		struct nlattr mode_hdr;                                        \
		uint32_t mode;                                                 \
	}

#define NAME_SHORT "vrrp1"           /* 6 bytes with the NUL: 2 of padding */
#define NAME_MAX15 "vmac.0123456789" /* IFNAMSIZ - 1 characters */
NEW_MSG(new_short, sizeof(NAME_SHORT));
NEW_MSG(new_max, sizeof(NAME_MAX15));

#define DATA_LEN (NLA_HDRLEN + NLA_ALIGN(NLA_HDRLEN + sizeof(uint32_t)))
#define LINKINFO_LEN (NLA_ALIGN(NLA_HDRLEN + sizeof(KIND)) + NLA_ALIGN(DATA_LEN))
#define NEW_MSG_LEN(name_len)                                                  \
	(NLMSG_ALIGN(NLMSG_HDRLEN) + NLMSG_ALIGN(sizeof(struct ifinfomsg)) +   \
	 NLA_ALIGN(NLA_HDRLEN + (name_len)) + NLA_ALIGN(NLA_HDRLEN + 4) +      \
	 NLA_ALIGN(NLA_HDRLEN + 6) + NLA_HDRLEN + LINKINFO_LEN)
_Static_assert(sizeof(struct new_short) == NEW_MSG_LEN(sizeof(NAME_SHORT)),
	       "struct new_short must match the wire layout");
_Static_assert(sizeof(struct new_max) == NEW_MSG_LEN(sizeof(NAME_MAX15)),
	       "struct new_max must match the wire layout");

#define NEW_BODY(name_str, mac_bytes)                                          \
	.ifi = { .ifi_family = AF_UNSPEC },                                    \
	.name_hdr = STR_ATTR(IFLA_IFNAME, name_str),                           \
	.name = name_str,                                                      \
	.link_hdr = ATTR(IFLA_LINK, sizeof(uint32_t)),                         \
	.link = PARENT,                                                        \
	.addr_hdr = ATTR(IFLA_ADDRESS, 6),                                     \
	.addr = { mac_bytes },                                                 \
	.linkinfo_hdr = NEST(IFLA_LINKINFO, LINKINFO_LEN),                     \
	.kind_hdr = STR_ATTR(IFLA_INFO_KIND, KIND),                            \
	.kind = KIND,                                                          \
	.data_hdr = NEST(IFLA_INFO_DATA, DATA_LEN - NLA_HDRLEN),               \
	.mode_hdr = ATTR(IFLA_MACVLAN_MODE, sizeof(uint32_t)),                 \
	.mode = MACVLAN_MODE_PRIVATE

#define VMAC4_VRID1 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01
#define VMAC6_VRID255 0x00, 0x00, 0x5e, 0x00, 0x02, 0xff

static const struct new_short new_v4_vrid1 = {
	.nh = { sizeof(struct new_short), RTM_NEWLINK, NEW_FLAGS, 1, 0 },
	NEW_BODY(NAME_SHORT, VMAC4_VRID1),
};

static const struct new_max new_v6_vrid255 = {
	.nh = { sizeof(struct new_max), RTM_NEWLINK, NEW_FLAGS, 0xfffffffe, 0 },
	NEW_BODY(NAME_MAX15, VMAC6_VRID255),
};

/* ---- RTM_DELLINK / set up by name, and set up by index ---- */

#define NAME_MSG(tag, name_len)                                                \
	struct tag {                                                           \
		struct nlmsghdr nh;                                            \
		struct ifinfomsg ifi;                                          \
		struct nlattr name_hdr;                                        \
		char name[NLA_ALIGN(name_len)];                                \
	}
NAME_MSG(name_short, sizeof(NAME_SHORT));
NAME_MSG(name_max, sizeof(NAME_MAX15));

struct index_msg {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
};

#define HDRS_LEN (NLMSG_ALIGN(NLMSG_HDRLEN) + NLMSG_ALIGN(sizeof(struct ifinfomsg)))
_Static_assert(sizeof(struct name_short) == HDRS_LEN + NLA_ALIGN(NLA_HDRLEN + sizeof(NAME_SHORT)),
	       "struct name_short must match the wire layout");
_Static_assert(sizeof(struct name_max) == HDRS_LEN + NLA_ALIGN(NLA_HDRLEN + sizeof(NAME_MAX15)),
	       "struct name_max must match the wire layout");
_Static_assert(sizeof(struct index_msg) == HDRS_LEN, "struct index_msg must match the wire layout");

static const struct name_short del_short = {
	.nh = { sizeof(struct name_short), RTM_DELLINK, ACK_FLAGS, 3, 0 },
	.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 0 },
	.name_hdr = STR_ATTR(IFLA_IFNAME, NAME_SHORT),
	.name = NAME_SHORT,
};

static const struct name_max del_max = {
	.nh = { sizeof(struct name_max), RTM_DELLINK, ACK_FLAGS, 4, 0 },
	.ifi = { .ifi_family = AF_UNSPEC },
	.name_hdr = STR_ATTR(IFLA_IFNAME, NAME_MAX15),
	.name = NAME_MAX15,
};

static const struct index_msg up_index = {
	.nh = { sizeof(struct index_msg), RTM_NEWLINK, ACK_FLAGS, 5, 0 },
	.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 42,
		 .ifi_flags = IFF_UP, .ifi_change = IFF_UP },
};

static const struct index_msg down_index = {
	.nh = { sizeof(struct index_msg), RTM_NEWLINK, ACK_FLAGS, 6, 0 },
	.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 42,
		 .ifi_flags = 0, .ifi_change = IFF_UP },
};

static const struct name_short up_name = {
	.nh = { sizeof(struct name_short), RTM_NEWLINK, ACK_FLAGS, 7, 0 },
	.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 0,
		 .ifi_flags = IFF_UP, .ifi_change = IFF_UP },
	.name_hdr = STR_ATTR(IFLA_IFNAME, NAME_SHORT),
	.name = NAME_SHORT,
};

/* ---- RTM_NEWLINK IFLA_AF_SPEC { AF_INET6 { ADDR_GEN_MODE none } } ---- */

struct addrgen_msg {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	struct nlattr spec_hdr;
	struct nlattr inet6_hdr;
	struct nlattr mode_hdr;
	uint8_t mode[NLA_ALIGN(1)];
};
_Static_assert(sizeof(struct addrgen_msg) == HDRS_LEN + 3 * NLA_HDRLEN + NLA_ALIGN(1),
	       "struct addrgen_msg must match the wire layout");

static const struct addrgen_msg addrgen_none = {
	.nh = { sizeof(struct addrgen_msg), RTM_NEWLINK, ACK_FLAGS, 8, 0 },
	.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 42 },
	.spec_hdr = NEST(IFLA_AF_SPEC, 2 * NLA_HDRLEN + NLA_ALIGN(1)),
	.inet6_hdr = NEST(AF_INET6, NLA_HDRLEN + NLA_ALIGN(1)),
	.mode_hdr = ATTR(IFLA_INET6_ADDR_GEN_MODE, 1),
	.mode = { IN6_ADDR_GEN_MODE_NONE },
};

/* ---- the table ---- */

enum op { OP_NEW, OP_DEL, OP_UP, OP_DOWN, OP_ADDRGEN };

struct msg_case {
	const char *name;
	enum op op;
	uint32_t seq;
	const char *ifname;
	int ifindex;   /* the parent for OP_NEW */
	uint8_t vrid;
	int family;
	const void *expect; /* NULL: the builder must refuse */
	size_t expect_len;
};

#define LONG_NAME "vmac.0123456789x" /* IFNAMSIZ characters: one too many */

static const struct msg_case cases[] = {
	{ "new v4 vrid 1", OP_NEW, 1, NAME_SHORT, PARENT, 1, AF_INET,
	  &new_v4_vrid1, sizeof(new_v4_vrid1) },
	{ "new v6 vrid 255, longest name", OP_NEW, 0xfffffffe, NAME_MAX15, PARENT, 255, AF_INET6,
	  &new_v6_vrid255, sizeof(new_v6_vrid255) },
	{ "new: name too long", OP_NEW, 1, LONG_NAME, PARENT, 1, AF_INET, NULL, 0 },
	{ "new: empty name", OP_NEW, 1, "", PARENT, 1, AF_INET, NULL, 0 },
	{ "new: no name", OP_NEW, 1, NULL, PARENT, 1, AF_INET, NULL, 0 },
	{ "new: no parent", OP_NEW, 1, NAME_SHORT, 0, 1, AF_INET, NULL, 0 },
	{ "new: vrid 0", OP_NEW, 1, NAME_SHORT, PARENT, 0, AF_INET, NULL, 0 },
	{ "del", OP_DEL, 3, NAME_SHORT, 0, 0, 0, &del_short, sizeof(del_short) },
	{ "del, longest name", OP_DEL, 4, NAME_MAX15, 0, 0, 0, &del_max, sizeof(del_max) },
	{ "del: name too long", OP_DEL, 4, LONG_NAME, 0, 0, 0, NULL, 0 },
	{ "del: no name", OP_DEL, 4, NULL, 0, 0, 0, NULL, 0 },
	{ "up by index", OP_UP, 5, NULL, 42, 0, 0, &up_index, sizeof(up_index) },
	/* an index wins over a name: IFLA_IFNAME with an index renames */
	{ "up by index, name ignored", OP_UP, 5, "eth0", 42, 0, 0, &up_index, sizeof(up_index) },
	{ "down by index", OP_DOWN, 6, NULL, 42, 0, 0, &down_index, sizeof(down_index) },
	{ "up by name", OP_UP, 7, NAME_SHORT, 0, 0, 0, &up_name, sizeof(up_name) },
	{ "up by name, negative index", OP_UP, 7, NAME_SHORT, -1, 0, 0, &up_name, sizeof(up_name) },
	{ "up: neither index nor name", OP_UP, 7, NULL, 0, 0, 0, NULL, 0 },
	{ "up: name too long", OP_UP, 7, LONG_NAME, 0, 0, 0, NULL, 0 },
	{ "addrgen none", OP_ADDRGEN, 8, NULL, 42, 0, 0, &addrgen_none, sizeof(addrgen_none) },
	{ "addrgen none: no index", OP_ADDRGEN, 8, NULL, 0, 0, 0, NULL, 0 },
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

#define CANARY 0xa5
#define BUF_LEN 256

static size_t build(const struct msg_case *c, void *buf, size_t len)
{
	uint8_t mac[6];

	switch (c->op) {
	case OP_NEW:
		nl_vmac_addr(c->vrid, c->family, mac);
		return nl_vmac_new_msg(buf, len, c->seq, c->ifname, c->ifindex, mac, c->vrid);
	case OP_DEL:
		return nl_vmac_del_msg(buf, len, c->seq, c->ifname);
	case OP_UP:
	case OP_DOWN:
		return nl_link_set_up_msg(buf, len, c->seq, c->ifindex, c->ifname,
					  c->op == OP_UP);
	case OP_ADDRGEN:
		return nl_vmac_addrgen_none_msg(buf, len, c->seq, c->ifindex);
	}
	fail();
	return 0;
}

static void assert_untouched(const uint8_t *buf, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		assert_int_equal(buf[i], CANARY);
}

static void test_bytes(void **state)
{
	const struct msg_case *c = *state;
	_Alignas(struct nlmsghdr) uint8_t buf[BUF_LEN];
	size_t n;

	memset(buf, CANARY, sizeof(buf));
	n = build(c, buf, sizeof(buf));
	assert_int_equal(n, c->expect_len);
	if (c->expect)
		assert_memory_equal(buf, c->expect, c->expect_len);
	assert_untouched(buf, n, sizeof(buf));
	if (!c->expect)
		return;

	/* An exactly sized buffer is enough; one byte less is refused, and
	 * nothing is written then. */
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(build(c, buf, c->expect_len), c->expect_len);
	assert_memory_equal(buf, c->expect, c->expect_len);
	for (size_t len = 0; len < c->expect_len; len++) {
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(build(c, buf, len), 0);
		assert_untouched(buf, 0, sizeof(buf));
	}
}

struct mac_case {
	uint8_t vrid;
	int family;
	uint8_t mac[6];
};

/* RFC 5798 §7.3 */
static const struct mac_case mac_cases[] = {
	{ 1, AF_INET, { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01 } },
	{ 255, AF_INET, { 0x00, 0x00, 0x5e, 0x00, 0x01, 0xff } },
	{ 1, AF_INET6, { 0x00, 0x00, 0x5e, 0x00, 0x02, 0x01 } },
	{ 0x80, AF_INET6, { 0x00, 0x00, 0x5e, 0x00, 0x02, 0x80 } },
	{ 7, AF_UNSPEC, { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x07 } },
};

static void test_vmac_addr(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mac_cases) / sizeof(mac_cases[0]); i++) {
		uint8_t out[8];

		memset(out, CANARY, sizeof(out));
		nl_vmac_addr(mac_cases[i].vrid, mac_cases[i].family, out);
		assert_memory_equal(out, mac_cases[i].mac, 6);
		assert_untouched(out, 6, sizeof(out));
	}
}

int main(void)
{
	struct CMUnitTest tests[N_CASES + 1];
	size_t n = 0;

	tests[n++] = (struct CMUnitTest){ .name = "virtual MAC addresses",
		.test_func = test_vmac_addr };
	for (size_t i = 0; i < N_CASES; i++)
		tests[n++] = (struct CMUnitTest){ .name = cases[i].name,
			.test_func = test_bytes, .initial_state = (void *)&cases[i] };
	return _cmocka_run_group_tests("nl_vmac", tests, n, NULL, NULL);
}
