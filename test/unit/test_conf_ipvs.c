/* test_conf_ipvs.c - the IPVS sections (virtual_servers, db_pools, ipvs):
 * examples/ipvs.conf loads with the documented defaults; bad configs give
 * the exact "FILE:LINE: error". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/conf_ipvs.h"
#include "test/unit/conf_helpers.h"

static void assert_addr(const struct addr *a, const char *want)
{
	struct addr w;

	assert_int_equal(addr_parse(want, &w), 0);
	assert_true(addr_eq(a, &w));
}

static void test_example(void **state)
{
	char path[512], err[CONF_ERR_MAX];
	const struct conf_vs *vs;
	struct conf c;

	src_path(path, sizeof(path), "examples/ipvs.conf");
	if (conf_read(path, &c, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_non_null(c.ipvs);
	assert_string_equal(c.ipvs->when_master, "web");
	assert_false(c.ipvs->keep_on_stop);
	assert_int_equal(c.ipvs->n_pools, 1);
	assert_int_equal(c.ipvs->pools[0].n_nodes, 3);
	assert_addr(&c.ipvs->pools[0].nodes[2].addr, "198.51.100.33");
	assert_int_equal(c.ipvs->pools[0].nodes[2].port, 5432);
	assert_int_equal(c.ipvs->n_vs, 3);
	vs = conf_ipvs_find_vs(c.ipvs, "http");
	assert_non_null(vs);
	assert_int_equal(vs->svc.key.family, AF_INET);
	assert_int_equal(vs->svc.key.protocol, IPPROTO_TCP);
	assert_int_equal(vs->svc.key.port, 80);
	assert_addr(&vs->svc.key.addr, "192.0.2.10");
	assert_string_equal(vs->svc.sched, "wrr");
	assert_int_equal(vs->fwd, IPVS_FWD_NAT);
	assert_int_equal(vs->svc.flags, 0);
	assert_int_equal(vs->svc.netmask, 32);
	assert_true(vs->has_sorry);
	assert_addr(&vs->sorry_addr, "198.51.100.99");
	assert_int_equal(vs->sorry_port, 80);
	assert_int_equal(vs->n_rs, 3);
	assert_int_equal(vs->rs[0].weight, 3);
	assert_int_equal(vs->rs[2].port, 80);           /* default: the service's */
	assert_int_equal(vs->rs[2].u_threshold, 1000);
	assert_true(vs->rs[2].enabled);
	vs = conf_ipvs_find_vs(c.ipvs, "pg-read");
	assert_non_null(vs);
	assert_int_equal(vs->role, CONF_ROLE_REPLICA);
	assert_string_equal(vs->pool, "pg");
	assert_int_equal(vs->max_lag, 16777216);
	assert_true(vs->fallback_primary);
	assert_int_equal(conf_ipvs_find_vs(c.ipvs, "pg-write")->role, CONF_ROLE_PRIMARY);
	assert_null(conf_ipvs_find_vs(c.ipvs, "nope"));
	conf_free(&c);
	assert_null(c.ipvs);
}

static void test_defaults_and_forms(void **state)
{
	struct conf c;
	const struct conf_vs *v;

	load_text("ipvs: { on_stop = \"keep\"; };\n"
		  "virtual_servers: (\n"
		  " { name = \"m\"; fwmark = 7; family = \"inet6\"; forward = \"dr\"; persistence = 300;\n"
		  "   persistence_netmask = 64; real_servers = ( { address = \"2001:db8::1\"; } ); },\n"
		  " { name = \"u\"; address = \"192.0.2.10\"; port = 53; protocol = \"udp\"; one_packet = true;\n"
		  "   scheduler = \"sh\"; sh_port = true; persistence = 60; persistence_netmask = \"255.255.255.0\"; },\n"
		  " { name = \"t\"; address = \"192.0.2.10\"; port = 443; forward = \"tun\";\n"
		  "   real_servers = ( { address = \"2001:db8::2\"; port = 8443; weight = 0; enabled = false; } ); }\n"
		  ");\n", &c);
	assert_true(c.ipvs->keep_on_stop);
	assert_string_equal(c.ipvs->when_master, "");
	v = &c.ipvs->vs[0];
	assert_int_equal(v->svc.key.fwmark, 7);
	assert_int_equal(v->svc.key.family, AF_INET6);
	assert_int_equal(v->svc.key.protocol, 0);
	assert_string_equal(v->svc.sched, "wlc");      /* ipvsadm's default */
	assert_int_equal(v->fwd, IPVS_FWD_DR);
	assert_int_equal(v->svc.flags, IPVS_SVC_F_PERSISTENT);
	assert_int_equal(v->svc.timeout, 300);
	assert_int_equal(v->svc.netmask, 64);
	assert_int_equal(v->rs[0].port, 0);            /* fwmark: no port */
	v = &c.ipvs->vs[1];
	assert_int_equal(v->svc.key.protocol, IPPROTO_UDP);
	assert_int_equal(v->svc.flags, IPVS_SVC_F_PERSISTENT | IPVS_SVC_F_ONEPACKET | IPVS_SVC_F_SCHED2);
	assert_int_equal(v->svc.netmask, 24);
	assert_int_equal(v->quorum, 1);
	v = &c.ipvs->vs[2];
	assert_int_equal(v->fwd, IPVS_FWD_TUN);
	assert_int_equal(v->rs[0].weight, 0);
	assert_false(v->rs[0].enabled);
	conf_free(&c);
}

#define VS(s) "virtual_servers: ( { name = \"h\"; address = \"192.0.2.10\"; port = 80;\n" s "\n} );\n"
#define RS(s) VS("real_servers = ( { address = \"198.51.100.21\";\n" s " } );")

static const struct bad bad_rows[] = {
	{ VS("scheduler = 5;"), NULL, "2: scheduler must be a string" },
	{ VS("scheduler = \"a b\";"), NULL, "2: scheduler 'a b' is invalid: use A-Z a-z 0-9 _ . -" },
	{ VS("scheduler = \"abcdefghijklmnop\";"), NULL,
	  "2: scheduler 'abcdefghijklmnop' is too long (at most 15 characters)" },
	{ VS("protocol = \"icmp\";"), NULL, "2: protocol 'icmp' unknown: use tcp, udp or sctp" },
	{ VS("forward = \"masq\";"), NULL, "2: forward 'masq' unknown: use nat, dr or tun" },
	{ "virtual_servers: ( { name = \"h\"; address = \"192.0.2.10\";\nport = 70000; } );\n", NULL,
	  "2: port 70000 out of range 0..65535" },
	{ VS("quorum = 0;"), NULL, "2: quorum 0 out of range 1..65535" },
	{ VS("quorum = 2; hysteresis = 2;"), NULL, "1: virtual server 'h': hysteresis 2 must be below quorum 2" },
	{ VS("sorry_server = \"198.51.100.99\";"), NULL,
	  "2: sorry_server must be \"address:port\" (\"[2001:db8::1]:80\" for IPv6)" },
	{ VS("sorry_server = \"[2001:db8::9]:80\";"), NULL,
	  "1: virtual server 'h': sorry_server is not IPv4 like the service" },
	{ VS("fwmark = 3;"), NULL, "1: virtual server 'h': fwmark excludes address, port and protocol" },
	{ VS("family = \"inet6\";"), NULL,
	  "1: virtual server 'h': family is for fwmark services; the address gives it" },
	{ "virtual_servers: ( { name = \"h\"; address = \"192.0.2.10\"; } );\n", NULL,
	  "1: virtual server 'h': needs address and port, or fwmark" },
	{ "virtual_servers: ( { name = \"h\"; address = \"192.0.2.10\"; port = 0; } );\n", NULL,
	  "1: virtual server 'h': port 0 (all ports) needs persistence" },
	{ VS("one_packet = true;"), NULL, "1: virtual server 'h': one_packet is for udp services" },
	{ VS("persistence_netmask = 33;"), NULL,
	  "1: virtual server 'h': persistence_netmask 33 out of range 0..32 for IPv4" },
	{ VS("persistence_netmask = \"255.0.255.0\";"), NULL,
	  "2: persistence_netmask '255.0.255.0' is not a contiguous mask" },
	{ VS("colour = 1;"), NULL, "2: unknown setting 'colour' in virtual server" },
	{ VS("real_servers = ( );"), NULL, "2: real_servers has 0 entries; 1..1024 allowed" },
	{ RS("check = \"web1\";"), NULL,
	  "2: virtual server 'h': real server 198.51.100.21:80: check 'web1': no such checker" },
	{ RS("weight = 65536;"), NULL, "3: weight 65536 out of range 0..65535" },
	{ RS("u_threshold = 5; l_threshold = 9;"), NULL,
	  "2: virtual server 'h': real server 198.51.100.21:80: l_threshold 9 above u_threshold 5" },
	{ VS("real_servers = ( { address = \"2001:db8::1\"; } );"), NULL,
	  "2: virtual server 'h': real server [2001:db8::1]:80 is not IPv4 like the service "
	  "(only forward = \"tun\" may mix families)" },
	{ VS("real_servers = ( { address = \"198.51.100.21\"; },\n{ address = \"198.51.100.21\"; port = 80; } );"),
	  NULL, "3: virtual server 'h': real server 198.51.100.21:80 listed twice" },
	/* two pairs, not adjacent: the first repeat in file order is named */
	{ VS("real_servers = ( { address = \"198.51.100.9\"; },\n{ address = \"198.51.100.5\"; },\n"
	     "{ address = \"198.51.100.5\"; port = 81; },\n{ address = \"198.51.100.9\"; },\n"
	     "{ address = \"198.51.100.5\"; } );"),
	  NULL, "5: virtual server 'h': real server 198.51.100.9:80 listed twice" },
	{ VS("sorry_server = \"198.51.100.21:80\";\nreal_servers = ( { address = \"198.51.100.21\"; } );"),
	  NULL, "3: virtual server 'h': real server 198.51.100.21:80 is also the sorry server" },
	{ "virtual_servers: ( { name = \"h\"; address = \"192.0.2.10\"; port = 80; },\n"
	  "{ name = \"h\"; fwmark = 1; } );\n", NULL,
	  "2: virtual server 'h' defined twice (first at %s:1)" },
	{ "virtual_servers: ( { name = \"a\"; address = \"192.0.2.10\"; port = 80; },\n"
	  "{ name = \"b\"; address = \"192.0.2.10\"; port = 80; protocol = \"tcp\"; } );\n", NULL,
	  "2: virtual server 'b': tcp 192.0.2.10:80 is already virtual server 'a'" },
	{ VS("role = \"primary\";"), NULL, "1: virtual server 'h': role needs a pool" },
	{ VS("max_lag = 5;"), NULL,
	  "1: virtual server 'h': max_lag and fallback_primary need pool and role = \"replica\"" },
	{ VS("pool = \"pg\"; role = \"primary\";"), NULL,
	  "1: virtual server 'h': pool 'pg': no such database pool" },
	{ "db_pools: ( { name = \"pg\"; nodes = [ \"198.51.100.31:5432\" ]; } );\n"
	  VS("pool = \"pg\";"), NULL,
	  "2: virtual server 'h': pool 'pg' needs role = \"primary\" or \"replica\"" },
	{ "db_pools: ( { name = \"pg\"; nodes = [ \"198.51.100.31:5432\" ]; } );\n"
	  VS("pool = \"pg\"; role = \"primary\"; fallback_primary = true;"), NULL,
	  "2: virtual server 'h': max_lag and fallback_primary are for role = \"replica\"" },
	{ "db_pools: ( { name = \"pg\"; nodes = [ \"198.51.100.31:5432\" ]; } );\n"
	  VS("pool = \"pg\"; role = \"replica\"; real_servers = ( { address = \"198.51.100.1\"; } );"), NULL,
	  "2: virtual server 'h': a pool gives the real servers; remove real_servers" },
	{ "db_pools: ( { name = \"pg\"; nodes = [ \"198.51.100.31\" ]; } );\n", NULL,
	  "1: nodes entries must be \"address:port\"" },
	{ "db_pools: ( { name = \"pg\";\nnodes = [ \"198.51.100.31:5432\", \"198.51.100.31:5432\" ]; } );\n",
	  NULL, "2: database pool 'pg': node 198.51.100.31:5432 listed twice" },
	{ "db_pools: ( { name = \"pg\"; nodes = [ \"198.51.100.31:5432\" ];\nchecks = [ \"a\", \"b\" ]; } );\n",
	  NULL, "2: checks must follow nodes and name one checker per node" },
	{ "db_pools: ( { name = \"pg\"; nodes = [ \"198.51.100.31:5432\" ];\nchecks = [ \"pg1\" ]; } );\n",
	  NULL, "2: database pool 'pg': node 198.51.100.31:5432: check 'pg1': no such checker" },
	{ "db_pools: ( { name = \"pg\"; nodes = [ \"[2001:db8::1]:5432\" ];\non_two_primaries = \"both\"; } );\n",
	  NULL, "2: on_two_primaries 'both' unknown: use none or newest_timeline" },
	{ "ipvs: {\n when_master = \"web\"; };\n", NULL, "2: when_master 'web': no such vrrp instance" },
	{ "ipvs: {\n on_stop = \"flush\"; };\n", NULL, "2: on_stop 'flush' unknown: use remove or keep" },
	{ "ipvs: {\n mode = 1; };\n", NULL, "2: unknown setting 'mode' in ipvs" },
	{ "virtual_servers: { };\n", NULL, "1: virtual_servers must be a list ( { ... }, ... )" },
};

static void test_bad(void **state)
{
	run_bad_rows(bad_rows, sizeof(bad_rows) / sizeof(bad_rows[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_defaults_and_forms),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
