/* test_nl_link.c - nl_link_parse and nl_route_walk on messages built here
 * by hand (struct nlmsghdr + struct ifinfomsg + NLA_ALIGNed attributes, no
 * libmnl), the way the kernel lays them out. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink/nl_link.h"

/* ---- a hand-made message builder ---- */

struct msgbuf {
	_Alignas(struct nlmsghdr) uint8_t b[1024];
	size_t len;
	size_t start; /* offset of the message being built */
};

static struct nlmsghdr *mb_hdr(struct msgbuf *m)
{
	return (struct nlmsghdr *)(m->b + m->start);
}

static void mb_put(struct msgbuf *m, const void *data, size_t len)
{
	assert_true(m->len + NLMSG_ALIGN(len) <= sizeof(m->b));
	memcpy(m->b + m->len, data, len);
	memset(m->b + m->len + len, 0, NLMSG_ALIGN(len) - len);
	m->len += NLMSG_ALIGN(len);
	mb_hdr(m)->nlmsg_len = (uint32_t)(m->len - m->start);
}

static void mb_msg(struct msgbuf *m, uint16_t type, uint32_t seq)
{
	struct nlmsghdr nh = { .nlmsg_type = type, .nlmsg_seq = seq };

	m->start = m->len;
	mb_put(m, &nh, sizeof(nh));
}

static void mb_link(struct msgbuf *m, uint16_t type, int ifindex, unsigned int flags)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex,
				 .ifi_flags = flags, .ifi_change = ~0u };

	mb_msg(m, type, 0);
	mb_put(m, &ifi, sizeof(ifi));
}

/* nla_len 0: the true length; anything else is written as is (lies). */
static void mb_attr(struct msgbuf *m, uint16_t type, const void *data, size_t len,
		    uint16_t nla_len)
{
	struct nlattr nla = { .nla_len = nla_len ? nla_len : (uint16_t)(NLA_HDRLEN + len),
			      .nla_type = type };
	size_t at = m->len;

	assert_true(m->len + NLA_ALIGN(NLA_HDRLEN + len) <= sizeof(m->b));
	memcpy(m->b + at, &nla, sizeof(nla));
	memcpy(m->b + at + NLA_HDRLEN, data, len);
	memset(m->b + at + NLA_HDRLEN + len, 0, NLA_ALIGN(NLA_HDRLEN + len) - NLA_HDRLEN - len);
	m->len += NLA_ALIGN(NLA_HDRLEN + len);
	mb_hdr(m)->nlmsg_len = (uint32_t)(m->len - m->start);
}

static void mb_error(struct msgbuf *m, uint32_t seq, int error)
{
	struct nlmsgerr e = { .error = error,
			      .msg = { .nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = RTM_NEWADDR,
				       .nlmsg_seq = seq } };

	mb_msg(m, NLMSG_ERROR, seq);
	mb_put(m, &e, sizeof(e));
}

/* ---- nl_link_parse, table-driven ---- */

struct attr_spec {
	uint16_t type;
	const void *data;
	size_t len;
	uint16_t nla_len; /* 0: true length */
};

#define STR(t, s) { (t), (s), sizeof(s), 0 }
#define U32(t, p) { (t), (p), sizeof(uint32_t), 0 }

static const uint32_t mtu = 1500;
static const char long_name[IF_NAMESIZE + 1] = "abcdefghijklmnop"; /* 16 chars + NUL */
static const char no_nul[4] = { 'e', 't', 'h', '0' };

/* <net/if.h> stops at IFF_DYNAMIC and <linux/if.h> clashes with it. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP (1u << 16)
#endif
#define UP_RUNNING (IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_LOWER_UP | IFF_MULTICAST)

struct parse_case {
	const char *name;
	uint16_t type;
	int ifindex;
	unsigned int flags;
	struct attr_spec attrs[3];
	size_t n_attrs;
	int len_delta; /* added to nlmsg_len once built */
	int rc;
	const char *ifname;
	bool running;
	bool deleted;
};

static const struct parse_case parse_cases[] = {
	{ "up and running", RTM_NEWLINK, 2, UP_RUNNING,
	  { STR(IFLA_IFNAME, "eth0") }, 1, 0, 0, "eth0", true, false },
	{ "up, no carrier", RTM_NEWLINK, 2, IFF_UP | IFF_BROADCAST | IFF_MULTICAST,
	  { STR(IFLA_IFNAME, "eth0") }, 1, 0, 0, "eth0", false, false },
	/* carrier without operstate up: dormant, or linkwatch not there yet */
	{ "lower up, not running", RTM_NEWLINK, 2, IFF_UP | IFF_LOWER_UP,
	  { STR(IFLA_IFNAME, "veth0") }, 1, 0, 0, "veth0", false, false },
	{ "admin down", RTM_NEWLINK, 4, IFF_BROADCAST | IFF_MULTICAST,
	  { STR(IFLA_IFNAME, "eth1") }, 1, 0, 0, "eth1", false, false },
	{ "running but not up", RTM_NEWLINK, 4, IFF_RUNNING,
	  { STR(IFLA_IFNAME, "eth1") }, 1, 0, 0, "eth1", false, false },
	{ "dellink", RTM_DELLINK, 7, IFF_BROADCAST,
	  { STR(IFLA_IFNAME, "vc") }, 1, 0, 0, "vc", false, true },
	{ "no name", RTM_NEWLINK, 9, UP_RUNNING,
	  { U32(IFLA_MTU, &mtu) }, 1, 0, 0, "", true, false },
	{ "no attributes", RTM_NEWLINK, 9, 0, { { 0 } }, 0, 0, 0, "", false, false },
	{ "name among others", RTM_NEWLINK, 3, UP_RUNNING,
	  { U32(IFLA_MTU, &mtu), STR(IFLA_IFNAME, "bond0"), U32(0x7ffe, &mtu) },
	  3, 0, 0, "bond0", true, false },
	{ "name of 15 chars", RTM_NEWLINK, 3, UP_RUNNING,
	  { STR(IFLA_IFNAME, "abcdefghijklmno") }, 1, 0, 0, "abcdefghijklmno", true, false },

	{ "wrong type", RTM_NEWADDR, 2, UP_RUNNING,
	  { STR(IFLA_IFNAME, "eth0") }, 1, 0, -1, NULL, false, false },
	{ "attribute overruns message", RTM_NEWLINK, 2, UP_RUNNING,
	  { { IFLA_IFNAME, "eth0", sizeof("eth0"), NLA_HDRLEN + sizeof("eth0") + 8 } },
	  1, 0, -1, NULL, false, false },
	{ "attribute shorter than its header", RTM_NEWLINK, 2, UP_RUNNING,
	  { { IFLA_MTU, &mtu, sizeof(mtu), NLA_HDRLEN - 1 } }, 1, 0, -1, NULL, false, false },
	{ "message cut inside an attribute", RTM_NEWLINK, 2, UP_RUNNING,
	  { STR(IFLA_IFNAME, "eth0") }, 1, -NLA_ALIGNTO, -1, NULL, false, false },
	{ "unaligned message length", RTM_NEWLINK, 2, UP_RUNNING,
	  { STR(IFLA_IFNAME, "eth0") }, 1, -1, -1, NULL, false, false },
	{ "shorter than ifinfomsg", RTM_NEWLINK, 2, UP_RUNNING,
	  { { 0 } }, 0, -NLMSG_ALIGNTO, -1, NULL, false, false },
	{ "name without NUL", RTM_NEWLINK, 2, UP_RUNNING,
	  { { IFLA_IFNAME, no_nul, sizeof(no_nul), 0 } }, 1, 0, -1, NULL, false, false },
	{ "empty name attribute", RTM_NEWLINK, 2, UP_RUNNING,
	  { { IFLA_IFNAME, "", 0, 0 } }, 1, 0, -1, NULL, false, false },
	{ "name longer than IF_NAMESIZE", RTM_NEWLINK, 2, UP_RUNNING,
	  { STR(IFLA_IFNAME, long_name) }, 1, 0, -1, NULL, false, false },
	{ "ifindex 0", RTM_NEWLINK, 0, UP_RUNNING,
	  { STR(IFLA_IFNAME, "eth0") }, 1, 0, -1, NULL, false, false },
};
#define N_PARSE (sizeof(parse_cases) / sizeof(parse_cases[0]))

static void build_case(struct msgbuf *m, const struct parse_case *c)
{
	memset(m, 0, sizeof(*m));
	mb_link(m, c->type, c->ifindex, c->flags);
	for (size_t i = 0; i < c->n_attrs; i++)
		mb_attr(m, c->attrs[i].type, c->attrs[i].data, c->attrs[i].len,
			c->attrs[i].nla_len);
	mb_hdr(m)->nlmsg_len = (uint32_t)((int)mb_hdr(m)->nlmsg_len + c->len_delta);
}

static void test_parse(void **state)
{
	const struct parse_case *c = *state;
	struct nl_link_event ev, before;
	struct msgbuf m;

	build_case(&m, c);
	memset(&ev, 0x5a, sizeof(ev));
	before = ev;
	assert_int_equal(nl_link_parse(mb_hdr(&m), &ev), c->rc);
	if (c->rc < 0) {
		/* a failed parse leaves the output alone */
		assert_memory_equal(&ev, &before, sizeof(ev));
		return;
	}
	assert_int_equal(ev.ifindex, c->ifindex);
	assert_string_equal(ev.ifname, c->ifname);
	assert_int_equal(ev.flags, c->flags);
	assert_int_equal(ev.running, c->running);
	assert_int_equal(ev.deleted, c->deleted);
}

/* ---- nl_route_walk ---- */

struct seen {
	struct nl_link_event links[8];
	size_t n_links;
	struct { uint32_t seq; int err; } acks[8];
	size_t n_acks;
	char order[16]; /* 'L' or 'A' per callback, in call order */
};

static void on_link(const struct nl_link_event *ev, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n_links < 8);
	s->links[s->n_links++] = *ev;
	s->order[strlen(s->order)] = 'L';
}

static void on_ack(uint32_t seq, int err, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n_acks < 8);
	s->acks[s->n_acks].seq = seq;
	s->acks[s->n_acks++].err = err;
	s->order[strlen(s->order)] = 'A';
}

/* ack, error, two links, with a DONE, an address event and a NOOP in
 * between that must neither be reported nor stop the walk. */
static void build_mixed(struct msgbuf *m)
{
	memset(m, 0, sizeof(*m));
	mb_error(m, 5, 0);
	mb_error(m, 6, -EEXIST);
	mb_msg(m, NLMSG_DONE, 0);
	mb_link(m, RTM_NEWLINK, 2, UP_RUNNING);
	mb_attr(m, IFLA_IFNAME, "eth0", sizeof("eth0"), 0);
	mb_msg(m, RTM_NEWADDR, 0);
	mb_put(m, &(struct ifaddrmsg){ .ifa_family = AF_INET, .ifa_index = 2 },
	       sizeof(struct ifaddrmsg));
	mb_msg(m, NLMSG_NOOP, 0);
	mb_link(m, RTM_DELLINK, 3, IFF_BROADCAST);
	mb_attr(m, IFLA_IFNAME, "veth1", sizeof("veth1"), 0);
}

static void test_walk(void **state)
{
	struct seen s = { 0 };
	struct msgbuf m;

	build_mixed(&m);
	assert_int_equal(nl_route_walk(m.b, m.len, on_link, on_ack, &s), 0);
	assert_string_equal(s.order, "AALL");
	assert_int_equal(s.acks[0].seq, 5);
	assert_int_equal(s.acks[0].err, 0);
	assert_int_equal(s.acks[1].seq, 6);
	assert_int_equal(s.acks[1].err, -EEXIST);
	assert_int_equal(s.links[0].ifindex, 2);
	assert_string_equal(s.links[0].ifname, "eth0");
	assert_true(s.links[0].running);
	assert_false(s.links[0].deleted);
	assert_int_equal(s.links[1].ifindex, 3);
	assert_string_equal(s.links[1].ifname, "veth1");
	assert_false(s.links[1].running);
	assert_true(s.links[1].deleted);
}

static void test_walk_null_callbacks(void **state)
{
	struct msgbuf m;

	build_mixed(&m);
	assert_int_equal(nl_route_walk(m.b, m.len, NULL, NULL, NULL), 0);
}

/* A positive error (not rtnetlink's habit) still reaches us as -errno. */
static void test_walk_positive_error(void **state)
{
	struct seen s = { 0 };
	struct msgbuf m = { 0 };

	mb_error(&m, 9, EPERM);
	assert_int_equal(nl_route_walk(m.b, m.len, on_link, on_ack, &s), 0);
	assert_int_equal(s.n_acks, 1);
	assert_int_equal(s.acks[0].err, -EPERM);
}

/* A malformed link message is skipped and reported; the ones after it
 * are still delivered. */
static void test_walk_bad_message(void **state)
{
	struct seen s = { 0 };
	struct msgbuf m = { 0 };

	mb_link(&m, RTM_NEWLINK, 2, UP_RUNNING);
	mb_attr(&m, IFLA_IFNAME, no_nul, sizeof(no_nul), 0);
	mb_msg(&m, NLMSG_ERROR, 4); /* too short for a struct nlmsgerr */
	mb_link(&m, RTM_NEWLINK, 3, UP_RUNNING);
	mb_attr(&m, IFLA_IFNAME, "eth1", sizeof("eth1"), 0);
	errno = 0;
	assert_int_equal(nl_route_walk(m.b, m.len, on_link, on_ack, &s), -1);
	assert_int_equal(errno, EBADMSG);
	assert_string_equal(s.order, "L");
	assert_int_equal(s.links[0].ifindex, 3);
}

/* A datagram cut inside its last message: the whole ones are delivered. */
static void test_walk_truncated(void **state)
{
	struct seen s = { 0 };
	struct msgbuf m;

	build_mixed(&m);
	errno = 0;
	assert_int_equal(nl_route_walk(m.b, m.len - NLA_ALIGNTO, on_link, on_ack, &s), -1);
	assert_int_equal(errno, EBADMSG);
	assert_string_equal(s.order, "AAL");
}

static void test_walk_empty(void **state)
{
	struct seen s = { 0 };

	assert_int_equal(nl_route_walk(s.order, 0, on_link, on_ack, &s), 0);
	assert_string_equal(s.order, "");
}

int main(void)
{
	static const struct CMUnitTest walk_tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_walk_null_callbacks),
		cmocka_unit_test(test_walk_positive_error),
		cmocka_unit_test(test_walk_bad_message),
		cmocka_unit_test(test_walk_truncated),
		cmocka_unit_test(test_walk_empty),
	};
	struct CMUnitTest parse_tests[N_PARSE];
	int failed;

	for (size_t i = 0; i < N_PARSE; i++)
		parse_tests[i] = (struct CMUnitTest){ .name = parse_cases[i].name,
			.test_func = test_parse, .initial_state = (void *)&parse_cases[i] };
	failed = _cmocka_run_group_tests("nl_link_parse", parse_tests, N_PARSE, NULL, NULL);
	failed += cmocka_run_group_tests_name("nl_route_walk", walk_tests, NULL, NULL);
	return failed;
}
