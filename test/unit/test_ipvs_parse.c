/* test_ipvs_parse.c - the IPVS reply parsers: replies shaped like the
 * kernel's (ip_vs_genl_fill_service/_dest: stats nests, HASHED flag, PE
 * name), round trips through our own builders, and one malformed reply per
 * validation rule, each of which must be refused whole. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ipvs/ipvs.h"
#include "ipvs/ipvs_msg.h"

#define FAM 0x1c

static uint8_t buf[1024];

static struct nlmsghdr *reply(uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = IPVS_GENL_VERSION;
	return nlh;
}

/* Which attribute of a kernel-like service reply to spoil. */
enum svc_fault {
	SF_NONE, SF_NO_SCHED, SF_BAD_AF, SF_SHORT_ADDR, SF_HOLEY_MASK, SF_SCHED_NO_NUL,
	SF_NO_PORT, SF_SHORT_FLAGS, SF_WRONG_CMD, SF_WRONG_FAMILY, SF_PROTO_16BIT,
};

static const uint8_t v4[16] = { 192, 0, 2, 10 };

static struct nlmsghdr *kernel_service(enum svc_fault f)
{
	struct nlmsghdr *nlh = reply(f == SF_WRONG_FAMILY ? FAM + 1 : FAM,
				     f == SF_WRONG_CMD ? IPVS_CMD_NEW_DEST : IPVS_CMD_NEW_SERVICE);
	struct ip_vs_flags fl = { IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_HASHED | IP_VS_SVC_F_SCHED1, ~0u };
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE), *stats;

	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_AF, f == SF_BAD_AF ? 3 : AF_INET);
	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PROTOCOL, f == SF_PROTO_16BIT ? 300 : IPPROTO_TCP);
	mnl_attr_put(nlh, IPVS_SVC_ATTR_ADDR, f == SF_SHORT_ADDR ? 2 : sizeof(v4), v4);
	if (f != SF_NO_PORT)
		mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PORT, htons(443));
	if (f == SF_SCHED_NO_NUL)
		mnl_attr_put(nlh, IPVS_SVC_ATTR_SCHED_NAME, 2, "sh");
	else if (f != SF_NO_SCHED)
		mnl_attr_put_strz(nlh, IPVS_SVC_ATTR_SCHED_NAME, "sh");
	mnl_attr_put_strz(nlh, IPVS_SVC_ATTR_PE_NAME, "sip");
	mnl_attr_put(nlh, IPVS_SVC_ATTR_FLAGS, f == SF_SHORT_FLAGS ? 4 : sizeof(fl), &fl);
	mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_TIMEOUT, 900);
	mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_NETMASK, htonl(f == SF_HOLEY_MASK ? 0xff00ff00u : 0xfffffe00u));
	stats = mnl_attr_nest_start(nlh, IPVS_SVC_ATTR_STATS);
	mnl_attr_put_u32(nlh, IPVS_STATS_ATTR_CONNS, 12);
	mnl_attr_nest_end(nlh, stats);
	stats = mnl_attr_nest_start(nlh, IPVS_SVC_ATTR_STATS64);
	mnl_attr_put_u64(nlh, IPVS_STATS_ATTR_CONNS, 12);
	mnl_attr_nest_end(nlh, stats);
	mnl_attr_put_u32(nlh, 60, 1); /* from a newer kernel: ignored */
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_service_from_kernel(void **state)
{
	struct ipvs_service s;

	(void)state;
	assert_int_equal(ipvs_parse_service(kernel_service(SF_NONE), FAM, &s), 0);
	assert_int_equal(s.key.family, AF_INET);
	assert_int_equal(s.key.protocol, IPPROTO_TCP);
	assert_int_equal(s.key.port, 443);
	assert_int_equal(s.key.fwmark, 0);
	assert_int_equal(s.key.addr.family, AF_INET);
	assert_memory_equal(s.key.addr.u.bytes, v4, 4);
	assert_string_equal(s.sched, "sh");
	/* HASHED is the kernel's business and must not look like a change. */
	assert_int_equal(s.flags, IPVS_SVC_F_PERSISTENT | IPVS_SVC_F_SCHED1);
	assert_int_equal(s.timeout, 900);
	assert_int_equal(s.netmask, 23);
}

static void test_service_faults(void **state)
{
	static const enum svc_fault faults[] = {
		SF_NO_SCHED, SF_BAD_AF, SF_SHORT_ADDR, SF_HOLEY_MASK, SF_SCHED_NO_NUL, SF_NO_PORT,
		SF_SHORT_FLAGS, SF_WRONG_CMD, SF_WRONG_FAMILY, SF_PROTO_16BIT,
	};
	struct ipvs_service s;

	(void)state;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		memset(&s, 0x5a, sizeof(s));
		print_message("fault %d\n", faults[i]);
		assert_int_equal(ipvs_parse_service(kernel_service(faults[i]), FAM, &s), -1);
		assert_int_equal(s.key.family, 0); /* nothing half-filled */
		assert_int_equal(s.sched[0], '\0');
	}
}

/* A fwmark service with an IPv6 family: no protocol/address/port; the
 * netmask is a prefix length there. */
static struct nlmsghdr *kernel_fwm6(uint32_t netmask)
{
	struct nlmsghdr *nlh = reply(FAM, IPVS_CMD_NEW_SERVICE);
	struct ip_vs_flags fl = { IP_VS_SVC_F_ONEPACKET, ~0u };
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);

	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_AF, AF_INET6);
	mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_FWMARK, 4242);
	mnl_attr_put_strz(nlh, IPVS_SVC_ATTR_SCHED_NAME, "mh");
	mnl_attr_put(nlh, IPVS_SVC_ATTR_FLAGS, sizeof(fl), &fl);
	mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_TIMEOUT, 0);
	mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_NETMASK, netmask);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_service_fwmark6(void **state)
{
	struct ipvs_service s;

	(void)state;
	assert_int_equal(ipvs_parse_service(kernel_fwm6(128), FAM, &s), 0);
	assert_int_equal(s.key.family, AF_INET6);
	assert_int_equal(s.key.fwmark, 4242);
	assert_int_equal(s.key.protocol, 0);
	assert_int_equal(s.key.addr.family, 0);
	assert_int_equal(s.flags, IPVS_SVC_F_ONEPACKET);
	assert_int_equal(s.netmask, 128);
	assert_int_equal(ipvs_parse_service(kernel_fwm6(56), FAM, &s), 0);
	assert_int_equal(s.netmask, 56);
	assert_int_equal(ipvs_parse_service(kernel_fwm6(129), FAM, &s), -1);
}

/* What our builders send parses back to the same value. */
static void test_round_trip(void **state)
{
	static const struct {
		uint8_t af, proto;
		const char *ip, *dip;
		uint32_t fwmark, flags;
		uint8_t netmask;
		enum ipvs_fwd fwd;
	} rows[] = {
		{ AF_INET, IPPROTO_TCP, "192.0.2.1", "198.51.100.1", 0, 0, 32, IPVS_FWD_NAT },
		{ AF_INET, IPPROTO_UDP, "192.0.2.2", "198.51.100.2", 0, IPVS_SVC_F_ONEPACKET, 8, IPVS_FWD_DR },
		{ AF_INET6, IPPROTO_SCTP, "2001:db8::1", "2001:db8::2", 0, IPVS_SVC_F_PERSISTENT, 48, IPVS_FWD_TUN },
		{ AF_INET6, 0, NULL, "2001:db8::3", 9, IPVS_SVC_F_SCHED2, 128, IPVS_FWD_LOCAL },
		{ AF_INET, 0, NULL, "2001:db8::4", 10, 0, 0, IPVS_FWD_TUN }, /* mixed family */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ipvs_service s = { .key = { rows[i].af, rows[i].proto, 1000 + (uint16_t)i,
						   rows[i].fwmark, { 0 } },
					  .sched = "wrr", .flags = rows[i].flags, .timeout = 7,
					  .netmask = rows[i].netmask }, got;
		struct ipvs_dest d = { .port = 2000, .fwd = rows[i].fwd, .weight = 9,
				       .u_threshold = 30, .l_threshold = 20 }, dgot;

		if (rows[i].ip)
			assert_int_equal(addr_parse(rows[i].ip, &s.key.addr), 0);
		ipvs_svc_key_norm(&s.key);
		d.svc = s.key;
		assert_int_equal(addr_parse(rows[i].dip, &d.addr), 0);
		assert_true(ipvs_msg_new_service(buf, sizeof(buf), FAM, 1, &s) > 0);
		assert_int_equal(ipvs_parse_service((struct nlmsghdr *)buf, FAM, &got), 0);
		assert_int_equal(ipvs_svc_key_cmp(&got.key, &s.key), 0);
		assert_true(ipvs_service_same(&got, &s));
		assert_true(ipvs_msg_new_dest(buf, sizeof(buf), FAM, 1, &d) > 0);
		assert_int_equal(ipvs_parse_dest((struct nlmsghdr *)buf, FAM, &s.key, &dgot), 0);
		assert_int_equal(ipvs_dest_cmp_key(&dgot, &d), 0);
		assert_true(ipvs_dest_same(&dgot, &d));
	}
}

enum dest_fault { DF_NONE, DF_NO_FAMILY, DF_BAD_FWD, DF_NEG_WEIGHT, DF_NO_LTHRESH, DF_SHORT_V6 };

static struct nlmsghdr *kernel_dest(enum dest_fault f)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	struct nlmsghdr *nlh = reply(FAM, IPVS_CMD_NEW_DEST);
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_DEST);

	mnl_attr_put(nlh, IPVS_DEST_ATTR_ADDR, f == DF_SHORT_V6 ? 4 : 16, v6);
	if (f != DF_NO_FAMILY)
		mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET6);
	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_PORT, htons(8080));
	/* the kernel reports conn_flags & FWD_MASK; 4 = bypass is not ours */
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_FWD_METHOD, f == DF_BAD_FWD ? 4 : IP_VS_CONN_F_DROUTE);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_WEIGHT, f == DF_NEG_WEIGHT ? 0xffffffffu : 4);
	mnl_attr_put_u8(nlh, IPVS_DEST_ATTR_TUN_TYPE, 0);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_U_THRESH, 500);
	if (f != DF_NO_LTHRESH)
		mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_L_THRESH, 400);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_ACTIVE_CONNS, 3);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_dest_from_kernel(void **state)
{
	struct ipvs_svc_key k = { .family = AF_INET6, .fwmark = 3 };
	struct ipvs_dest d;

	(void)state;
	assert_int_equal(ipvs_parse_dest(kernel_dest(DF_NONE), FAM, &k, &d), 0);
	assert_int_equal(ipvs_svc_key_cmp(&d.svc, &k), 0);
	assert_int_equal(d.addr.family, AF_INET6);
	assert_int_equal(d.addr.u.bytes[15], 7);
	assert_int_equal(d.port, 8080);
	assert_int_equal(d.fwd, IPVS_FWD_DR);
	assert_int_equal(d.weight, 4);
	assert_int_equal(d.u_threshold, 500);
	assert_int_equal(d.l_threshold, 400);
	/* old kernels omit ADDR_FAMILY: the service's family is used */
	assert_int_equal(ipvs_parse_dest(kernel_dest(DF_NO_FAMILY), FAM, &k, &d), 0);
	assert_int_equal(d.addr.family, AF_INET6);
	k.family = AF_INET;
	assert_int_equal(ipvs_parse_dest(kernel_dest(DF_NO_FAMILY), FAM, &k, &d), 0);
	assert_int_equal(d.addr.family, AF_INET);
	assert_int_equal(ipvs_parse_dest(kernel_dest(DF_BAD_FWD), FAM, &k, &d), -1);
	assert_int_equal(ipvs_parse_dest(kernel_dest(DF_NEG_WEIGHT), FAM, &k, &d), -1);
	assert_int_equal(ipvs_parse_dest(kernel_dest(DF_NO_LTHRESH), FAM, &k, &d), -1);
	assert_int_equal(ipvs_parse_dest(kernel_dest(DF_SHORT_V6), FAM, &k, &d), -1);
	assert_int_equal(d.addr.family, 0);
	assert_int_equal(ipvs_parse_dest(kernel_dest(DF_NONE), FAM + 1, &k, &d), -1);
}

static void test_family_and_info(void **state)
{
	struct nlmsghdr *nlh;
	struct ipvs_info info;
	uint16_t id = 0;

	(void)state;
	nlh = reply(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x21);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "IPVS");
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	assert_int_equal(ipvs_parse_family(nlh, &id), 0);
	assert_int_equal(id, 0x21);

	nlh = reply(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x22);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nl80211");
	assert_int_equal(ipvs_parse_family(nlh, &id), -1);
	nlh = reply(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "IPVS");
	assert_int_equal(ipvs_parse_family(nlh, &id), -1); /* no id */

	nlh = reply(FAM, IPVS_CMD_SET_INFO); /* GET_INFO's answer */
	mnl_attr_put_u32(nlh, IPVS_INFO_ATTR_VERSION, IP_VS_VERSION_CODE);
	mnl_attr_put_u32(nlh, IPVS_INFO_ATTR_CONN_TAB_SIZE, 4096);
	assert_int_equal(ipvs_parse_info(nlh, FAM, &info), 0);
	assert_int_equal(info.version, 0x010201);
	assert_int_equal(info.conn_tab_size, 4096);
	nlh = reply(FAM, IPVS_CMD_SET_INFO);
	mnl_attr_put_u16(nlh, IPVS_INFO_ATTR_VERSION, 1); /* too short for a u32 */
	mnl_attr_put_u32(nlh, IPVS_INFO_ATTR_CONN_TAB_SIZE, 4096);
	assert_int_equal(ipvs_parse_info(nlh, FAM, &info), -1);
}

static void test_acks(void **state)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	int err = 1;

	(void)state;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 9;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EEXIST;
	assert_int_equal(ipvs_msg_ack(nlh, &err), 1);
	assert_int_equal(err, -EEXIST);
	e->error = 0;
	assert_int_equal(ipvs_msg_ack(nlh, &err), 1);
	assert_int_equal(err, 0);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	assert_int_equal(ipvs_msg_ack(nlh, &err), -1);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(ipvs_msg_ack(nlh, &err), 0);
}

static void test_benign_errors(void **state)
{
	static const struct { uint8_t cmd; int err; bool benign; } rows[] = {
		{ IPVS_CMD_NEW_SERVICE, -EEXIST, true },
		{ IPVS_CMD_NEW_DEST, -EEXIST, true },
		{ IPVS_CMD_DEL_SERVICE, -ESRCH, true },
		{ IPVS_CMD_DEL_DEST, -ENOENT, true },
		{ IPVS_CMD_DEL_DEST, -ESRCH, true },
		{ IPVS_CMD_NEW_DEST, -ESRCH, false },     /* its service is missing */
		{ IPVS_CMD_SET_SERVICE, -ESRCH, false },
		{ IPVS_CMD_SET_DEST, -ENOENT, false },
		{ IPVS_CMD_NEW_SERVICE, -ENOENT, false }, /* unknown scheduler */
		{ IPVS_CMD_DEL_SERVICE, -EEXIST, false },
		{ IPVS_CMD_FLUSH, -EPERM, false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(ipvs_err_benign(rows[i].cmd, rows[i].err), rows[i].benign);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_from_kernel),
		cmocka_unit_test(test_service_faults),
		cmocka_unit_test(test_service_fwmark6),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_dest_from_kernel),
		cmocka_unit_test(test_family_and_info),
		cmocka_unit_test(test_acks),
		cmocka_unit_test(test_benign_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
