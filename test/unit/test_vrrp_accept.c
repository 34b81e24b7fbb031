/* test_vrrp_accept.c - the nftables script for accept_mode (RFC 5798 §6.4.3). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "vrrp/vrrp_accept.h"

static struct conf_vip vip(const char *s)
{
	struct conf_vip v = { .prefixlen = 24 };

	assert_int_equal(addr_parse(s, &v.addr), 0);
	return v;
}

static struct conf_vrrp inst(struct conf_vip *vips, size_t n, int family, bool accept, int prio)
{
	struct conf_vrrp v = { .vips = vips, .n_vips = n, .family = (uint8_t)family,
			       .accept = accept, .priority = (uint8_t)prio };
	return v;
}

#define DELETE_ONLY "add table inet tandem\ndelete table inet tandem\n" \
	"add table ip tandem_vmac\ndelete table ip tandem_vmac\n" \
	"add table ip6 tandem_vmac\ndelete table ip6 tandem_vmac\n"

static void test_script(void **state)
{
	struct conf_vip v4[] = { vip("192.0.2.10"), vip("192.0.2.11") };
	struct conf_vip v4b[] = { vip("192.0.2.20") };
	struct conf_vip v4o[] = { vip("192.0.2.30") };
	struct conf_vip v6[] = { vip("2001:db8::10") };
	struct conf_vrrp vr[] = {
		inst(v4, 2, AF_INET, false, 100),
		inst(v4b, 1, AF_INET, true, 100),   /* accepts: not listed */
		inst(v4o, 1, AF_INET, false, 255),  /* owner: always accepts */
		inst(v6, 1, AF_INET6, false, 100),
	};
	struct conf c = { .vrrp = vr, .n_vrrp = 4 };
	char buf[2048];
	size_t n = vrrp_accept_script(&c, buf, sizeof(buf));

	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf,
		DELETE_ONLY
		"table inet tandem {\n"
		"\tset noaccept4 { type ipv4_addr; elements = { 192.0.2.10, 192.0.2.11 } }\n"
		"\tset noaccept6 { type ipv6_addr; elements = { 2001:db8::10 } }\n"
		"\tchain input {\n"
		"\t\ttype filter hook input priority filter - 10; policy accept;\n"
		"\t\tip6 daddr @noaccept6 icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
		"\t\tip daddr @noaccept4 counter drop\n"
		"\t\tip6 daddr @noaccept6 counter drop\n"
		"\t}\n}\n");
	/* too small: refused, not truncated */
	assert_int_equal(vrrp_accept_script(&c, buf, n), 0);
	assert_int_equal(vrrp_accept_script(&c, buf, n + 1), n);
}

/* Nothing to drop: only remove a table a previous run may have left. */
static void test_nothing(void **state)
{
	struct conf_vip v4[] = { vip("192.0.2.10") };
	struct conf_vrrp vr[] = { inst(v4, 1, AF_INET, true, 100), inst(v4, 1, AF_INET, false, 255) };
	struct conf c = { .vrrp = vr, .n_vrrp = 2 };
	char buf[2048];

	assert_int_not_equal(vrrp_accept_script(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, DELETE_ONLY);
}

/* Virtual MACs: a Backup's IGMP/MLD reports leave from the parent, not
 * the VMAC; accept_mode and owners do not matter here. */
static void test_vmac(void **state)
{
	struct conf_vip v4[] = { vip("192.0.2.10") };
	struct conf_vip v6[] = { vip("2001:db8::10") };
	struct conf_vrrp vr[] = {
		inst(v4, 1, AF_INET, true, 100),
		inst(v6, 1, AF_INET6, true, 255),
		inst(v4, 1, AF_INET, true, 100),   /* no VMAC: no rule */
	};
	struct conf c = { .vrrp = vr, .n_vrrp = 3 };
	char buf[2048];

	(void)state;
	vr[0].use_vmac = vr[1].use_vmac = true;
	strcpy(vr[0].ifname, "eth0"), strcpy(vr[0].vmac_ifname, "vrrp.51");
	strcpy(vr[1].ifname, "eth1"), strcpy(vr[1].vmac_ifname, "vrrp6.52");
	assert_int_not_equal(vrrp_accept_script(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf,
		DELETE_ONLY
		"table ip tandem_vmac {\n\tchain out {\n"
		"\t\ttype filter hook output priority filter - 1; policy accept;\n"
		"\t\toifname \"vrrp.51\" ip protocol igmp dup to ip daddr device \"eth0\" drop\n"
		"\t}\n}\n"
		"table ip6 tandem_vmac {\n\tchain out {\n"
		"\t\ttype filter hook output priority filter - 1; policy accept;\n"
		"\t\toifname \"vrrp6.52\" icmpv6 type { mld-listener-report, mld2-listener-report, "
		"mld-listener-done } dup to ip6 daddr device \"eth1\" drop\n"
		"\t}\n}\n");
}

/* NFT_MSG_GETTABLE "tandem", family inet, as nft(8) sends it (nft -d
 * netlink list table inet tandem, header fields byte for byte). */
static void test_gettable_msg(void **state)
{
	static const uint8_t want[] = {
		0x20, 0, 0, 0,        /* nlmsg_len 32 */
		0x01, 0x0a,           /* type: NFNL_SUBSYS_NFTABLES (10) << 8 | GETTABLE (1) */
		0x05, 0x00,           /* flags: NLM_F_REQUEST | NLM_F_ACK */
		7, 0, 0, 0,           /* seq */
		0, 0, 0, 0,           /* pid */
		1, 0, 0, 0,           /* nfgenmsg: NFPROTO_INET, NFNETLINK_V0, res_id 0 */
		0x0b, 0, 0x01, 0,     /* NFTA_TABLE_NAME, len 11 */
		't', 'a', 'n', 'd', 'e', 'm', 0, 0, /* "tandem\0" + pad */
	};
	uint8_t buf[64];

	(void)state;
	assert_int_equal(vrrp_accept_gettable_msg(buf, sizeof(buf), 7, 1, "tandem"), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(vrrp_accept_gettable_msg(buf, 20, 7, 1, "tandem"), 0);
	/* ip6 tandem_vmac: family NFPROTO_IPV6 (10), 12 bytes of name */
	assert_int_equal(vrrp_accept_gettable_msg(buf, sizeof(buf), 8, 10, "tandem_vmac"), 36);
	assert_int_equal(buf[16], 10);
	assert_int_equal(buf[20], 0x10); /* attribute length 4 + 12 */
	assert_memory_equal(buf + 24, "tandem_vmac", 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_vmac),
		cmocka_unit_test(test_gettable_msg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
