/* test_conf.c - configuration loading and checking.
 * Bad configs are strings written to mkstemp files so each table row holds
 * the config text and the exact error expected after "FILE:". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/conf.h"
#include "test/unit/conf_helpers.h"

static void assert_vip(const struct conf_vip *v, const char *addr, unsigned prefixlen)
{
	struct addr want;

	assert_int_equal(addr_parse(addr, &want), 0);
	assert_true(addr_eq(&v->addr, &want));
	assert_int_equal(v->prefixlen, prefixlen);
}

/* ---- the documented examples ---- */

static void check_example(const char *rel, const char *router_id, unsigned priority)
{
	char path[512], err[CONF_ERR_MAX];
	struct conf c;

	src_path(path, sizeof(path), rel);
	assert_int_equal(conf_read(path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.global.router_id, router_id);
	assert_string_equal(c.global.control_socket, "/run/tandem/tandemd.sock");
	assert_int_equal(c.global.log_level, CONF_LOG_INFO);
	assert_int_equal(c.n_vrrp, 2);
	assert_string_equal(c.vrrp[0].name, "web");
	assert_string_equal(c.vrrp[0].ifname, "eth0");
	assert_int_equal(c.vrrp[0].vrid, 51);
	assert_int_equal(c.vrrp[0].priority, priority);
	assert_int_equal(c.vrrp[0].adver_int_ms, 100);
	assert_int_equal(c.vrrp[0].handover_ms, 300);
	assert_int_equal(c.vrrp[0].family, AF_INET);
	assert_int_equal(c.vrrp[0].n_vips, 1);
	assert_vip(&c.vrrp[0].vips[0], "192.168.10.39", 24);
	assert_string_equal(c.vrrp[1].name, "db");
	assert_int_equal(c.vrrp[1].vrid, 52);
	assert_int_equal(c.vrrp[1].priority, priority);
	assert_int_equal(c.vrrp[1].version, 3);
	assert_int_equal(c.vrrp[1].handover_ms, 2 * 100 + 100); /* derived default */
	assert_vip(&c.vrrp[1].vips[0], "192.168.10.53", 24);
	/* both instances watch the HAProxy checker and fail over together */
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(c.vrrp[i].n_track, 1);
		assert_string_equal(c.vrrp[i].track[0].name, "haproxy");
		assert_int_equal(c.vrrp[i].track[0].weight, -60);
	}
	assert_int_equal(c.n_sync, 1);
	assert_string_equal(c.sync[0].name, "balancer");
	assert_int_equal(c.sync[0].n_members, 2);
	assert_string_equal(c.sync[0].members[0], "web");
	assert_string_equal(c.sync[0].members[1], "db");
	conf_free(&c);
}

static void test_examples(void **state)
{
	check_example("examples/lb1.conf", "lb1", 150);
	check_example("examples/lb2.conf", "lb2", 100);
}

/* ---- fixtures ---- */

static void test_defaults(void **state)
{
	char host[256] = "";
	struct conf c;
	const struct conf_vrrp *v;

	load_fixture("minimal.conf", &c);
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	host[CONF_NAME_MAX - 1] = '\0';
	assert_string_equal(c.global.router_id, host);
	assert_string_equal(c.global.control_socket, "/run/tandem/tandemd.sock");
	assert_string_equal(c.global.pid_file, "/run/tandem/tandemd.pid");
	assert_int_equal(c.global.log_level, CONF_LOG_INFO);
	assert_true(c.global.syslog);
	assert_string_equal(c.global.notify_user, "");
	assert_int_equal(c.global.notify_timeout_ms, 10000);
	assert_int_equal(c.global.startup_delay_ms, 0);
	assert_int_equal(c.n_sync, 0);
	assert_null(c.sync);
	assert_int_equal(c.n_vrrp, 1);
	v = &c.vrrp[0];
	assert_int_equal(v->priority, 100);
	assert_int_equal(v->version, 3);
	assert_int_equal(v->adver_int_ms, 1000);
	assert_true(v->preempt);
	assert_int_equal(v->preempt_delay_ms, 0);
	assert_true(v->accept);
	assert_int_equal(v->garp_count, 5);
	assert_int_equal(v->garp_interval_ms, 10);
	assert_int_equal(v->garp_refresh_ms, 60000);
	assert_int_equal(v->handover_ms, 2100);
	assert_int_equal(v->family, AF_INET);
	assert_int_equal(v->n_vips, 1);
	assert_vip(&v->vips[0], "192.0.2.10", 32);
	assert_int_equal(v->pos.line, 3);
	assert_int_equal(v->vips[0].pos.line, 7);
	assert_string_equal(v->pos.file, c.path);
	/* issue 3: multicast, nothing tracked, no programs, no virtual MAC */
	assert_int_equal(v->unicast_src.family, 0);
	assert_null(v->unicast_peers);
	assert_int_equal(v->n_unicast_peers, 0);
	assert_null(v->track_if);
	assert_int_equal(v->n_track_if, 0);
	assert_null(v->track_file);
	assert_int_equal(v->n_track_file, 0);
	assert_null(v->track);
	assert_int_equal(v->n_track, 0);
	assert_null(v->notify.any.argv);
	assert_int_equal(v->notify.any.argc, 0);
	assert_null(v->notify.master.argv);
	assert_null(v->notify.backup.argv);
	assert_null(v->notify.fault.argv);
	assert_null(v->notify.stop.argv);
	assert_false(v->use_vmac);
	assert_string_equal(v->vmac_ifname, "");
	assert_false(v->higher_prio_send_advert);
	conf_free(&c);
}

static void test_full(void **state)
{
	struct conf c;
	const struct conf_vrrp *v;

	load_fixture("full.conf", &c);
	assert_string_equal(c.global.router_id, "node-a.example");
	assert_string_equal(c.global.control_socket, "/tmp/tandem-test.sock");
	assert_string_equal(c.global.pid_file, "/tmp/tandem-test.pid");
	assert_int_equal(c.global.log_level, CONF_LOG_DEBUG);
	assert_false(c.global.syslog);
	v = &c.vrrp[0];
	assert_string_equal(v->name, "web_1.a-b");
	assert_string_equal(v->ifname, "veth-lb1");
	assert_int_equal(v->vrid, 255);
	assert_int_equal(v->priority, 255);
	assert_int_equal(v->version, 2);
	assert_int_equal(v->adver_int_ms, 3000);
	assert_false(v->preempt);
	assert_int_equal(v->preempt_delay_ms, 1500);
	assert_false(v->accept);
	assert_int_equal(v->garp_count, 100);
	assert_int_equal(v->garp_interval_ms, 250);
	assert_int_equal(v->garp_refresh_ms, 0);
	assert_int_equal(v->handover_ms, 750);
	assert_int_equal(v->n_vips, 3);
	assert_vip(&v->vips[0], "192.0.2.10", 24);
	assert_vip(&v->vips[1], "198.51.100.7", 32);
	assert_vip(&v->vips[2], "203.0.113.200", 30);
	assert_int_equal(v->vips[1].pos.line, 26);
	conf_free(&c);
}

static void test_ipv6(void **state)
{
	struct conf c;

	load_fixture("ipv6.conf", &c);
	assert_int_equal(c.n_vrrp, 2);
	assert_int_equal(c.vrrp[0].family, AF_INET);
	assert_int_equal(c.vrrp[1].family, AF_INET6);
	assert_int_equal(c.vrrp[0].vrid, c.vrrp[1].vrid);
	assert_int_equal(c.vrrp[1].adver_int_ms, 50);
	assert_int_equal(c.vrrp[1].handover_ms, 200);
	assert_int_equal(c.vrrp[1].n_vips, 3);
	assert_vip(&c.vrrp[1].vips[0], "2001:db8::10", 64);
	assert_vip(&c.vrrp[1].vips[1], "2001:db8::11", 128);
	assert_vip(&c.vrrp[1].vips[2], "fe80::1:10", 64);
	conf_free(&c);
}

/* ---- durations ---- */

static void test_duration_rounding(void **state)
{
	static const struct { const char *text; uint32_t ms; } rows[] = {
		{ "0", 0 }, { "1", 1000 }, { "1.0", 1000 }, { "0.01", 10 },
		{ "0.1", 100 }, { "2.5", 2500 }, { "0.0004", 0 }, { "0.0006", 1 },
		{ "0.0114", 11 }, { "0.0116", 12 }, { "1e-3", 1 }, { "7L", 7000 },
		{ "10", 10000 },
	};
	char text[512], path[64], err[CONF_ERR_MAX];
	struct conf c;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(text, sizeof(text),
			 "vrrp_instances: ( { name = \"a\"; interface = \"eth0\"; vrid = 1;\n"
			 "garp_interval = %s;\nvirtual_ipaddress = [ \"192.0.2.1\" ]; } );\n",
			 rows[i].text);
		write_tmp(path, sizeof(path), text);
		rc = conf_read(path, &c, err, sizeof(err));
		unlink(path);
		if (rc < 0)
			fail_msg("%s: %s", rows[i].text, err);
		if (c.vrrp[0].garp_interval_ms != rows[i].ms)
			fail_msg("%s -> %u ms, want %u", rows[i].text,
				 c.vrrp[0].garp_interval_ms, rows[i].ms);
		conf_free(&c);
	}
}

/* ---- bad configs -> exact messages ---- */

static const struct bad bad_rows[] = {
	/* unknown settings, types, per-setting ranges (conf_load) */
	{ NULL, "priorty = 150;", "7: unknown setting 'priorty' in vrrp instance" },
	{ NULL, "check: { a = 1; };", "7: unknown setting 'check' in vrrp instance" },
	{ NULL, "priority = 0;", "7: priority 0 out of range 1..255" },
	{ NULL, "priority = 256;", "7: priority 256 out of range 1..255" },
	{ NULL, "priority = \"high\";", "7: priority must be an integer" },
	{ NULL, "priority = 150.0;", "7: priority must be an integer" },
	{ NULL, "version = 4;", "7: version 4 out of range 2..3" },
	{ NULL, "advert_interval = 0.005;",
	  "7: advert_interval 0.005 out of range 0.01..255 seconds" },
	{ NULL, "advert_interval = 256;", "7: advert_interval 256 out of range 0.01..255 seconds" },
	{ NULL, "advert_interval = \"1\";", "7: advert_interval must be a number of seconds" },
	{ NULL, "preempt = 1;", "7: preempt must be true or false" },
	{ NULL, "accept_mode = \"yes\";", "7: accept_mode must be true or false" },
	{ NULL, "preempt_delay = 3601;", "7: preempt_delay 3601 out of range 0..3600 seconds" },
	{ NULL, "preempt_delay = -1;", "7: preempt_delay -1 out of range 0..3600 seconds" },
	{ NULL, "garp_count = 0;", "7: garp_count 0 out of range 1..100" },
	{ NULL, "garp_count = 101;", "7: garp_count 101 out of range 1..100" },
	{ NULL, "garp_interval = 10.5;", "7: garp_interval 10.5 out of range 0..10 seconds" },
	{ NULL, "garp_refresh = 86401;", "7: garp_refresh 86401 out of range 0..86400 seconds" },
	{ NULL, "handover_timeout = 61;", "7: handover_timeout 61 out of range 0..60 seconds" },
	{ NULL, "vrid = 52;", "7: duplicate setting name" },
	/* version-dependent intervals and families (conf_check), at the instance */
	{ NULL, "advert_interval = 0.015;",
	  "2: vrrp instance 'web': advert_interval 0.015 must be a multiple of 0.01 in "
	  "0.01..40.95 with version 3" },
	{ NULL, "advert_interval = 41;",
	  "2: vrrp instance 'web': advert_interval 41 must be a multiple of 0.01 in "
	  "0.01..40.95 with version 3" },
	{ NULL, "version = 2; advert_interval = 1.5;",
	  "2: vrrp instance 'web': advert_interval 1.5 must be whole seconds 1..255 with "
	  "version 2" },
	{ NULL, "version = 2; advert_interval = 0.5;",
	  "2: vrrp instance 'web': advert_interval 0.5 must be whole seconds 1..255 with "
	  "version 2" },
	/* required settings: reported at the instance */
	{ INST("name = \"web\"; interface = \"eth0\"; virtual_ipaddress = [\"192.0.2.1\"];"),
	  NULL, "1: missing required setting 'vrid' in vrrp instance" },
	{ INST("interface = \"eth0\"; vrid = 1; virtual_ipaddress = [\"192.0.2.1\"];"),
	  NULL, "1: missing required setting 'name' in vrrp instance" },
	{ INST("name = \"web\"; vrid = 1; virtual_ipaddress = [\"192.0.2.1\"];"),
	  NULL, "1: missing required setting 'interface' in vrrp instance" },
	{ INST("name = \"web\"; interface = \"eth0\"; vrid = 1;"),
	  NULL, "1: missing required setting 'virtual_ipaddress' in vrrp instance" },
	/* strings */
	{ INST("name = \"we b\";"), NULL, "2: name 'we b' is invalid: use A-Z a-z 0-9 _ . -" },
	{ INST("name = \"\";"), NULL, "2: name must not be empty" },
	{ INST("name = \"a234567890123456789012345678901x\";"), NULL,
	  "2: name 'a234567890123456789012345678901x' is too long (at most 31 characters)" },
	{ INST("interface = \"eth0123456789abcd\";"), NULL,
	  "2: interface 'eth0123456789abcd' is too long (at most 15 characters)" },
	{ INST("interface = \"a/b\";"), NULL,
	  "2: interface 'a/b' is invalid: no spaces, '/' or ':'" },
	{ INST("vrid = 300;"), NULL, "2: vrid 300 out of range 1..255" },
	{ INST("vrid = 0;"), NULL, "2: vrid 0 out of range 1..255" },
	/* VIPs */
	{ INST("virtual_ipaddress = [ \"192.0.2.300\" ];"), NULL,
	  "2: VIP '192.0.2.300' is not an IPv4 or IPv6 address" },
	{ INST("virtual_ipaddress = [ \"192.0.2.1/abc\" ];"), NULL,
	  "2: VIP '192.0.2.1/abc' has a bad prefix length" },
	{ INST("virtual_ipaddress = [ \"192.0.2.1/\" ];"), NULL,
	  "2: VIP '192.0.2.1/' has a bad prefix length" },
	{ INST("virtual_ipaddress = [ \"224.0.0.18\" ];"), NULL,
	  "2: VIP '224.0.0.18' is not a unicast address" },
	{ INST("virtual_ipaddress = [ \"0.0.0.0\" ];"), NULL,
	  "2: VIP '0.0.0.0' is not a unicast address" },
	{ INST("virtual_ipaddress = [ \"ff02::12\" ];"), NULL,
	  "2: VIP 'ff02::12' is not a unicast address" },
	{ INST("virtual_ipaddress = [ ];"), NULL,
	  "2: virtual_ipaddress has 0 entries; 1..32 allowed" },
	{ INST("virtual_ipaddress = \"192.0.2.10\";"), NULL,
	  "2: virtual_ipaddress must be a list of addresses [ \"192.0.2.10/24\", ... ]" },
	{ INST("virtual_ipaddress = ( \"192.0.2.10\",\n 5 );"), NULL,
	  "3: virtual_ipaddress entries must be strings" },
	{ LIST(WEB("1", "[ \"192.0.2.1/33\" ]")), NULL,
	  "3: VIP 192.0.2.1 prefix length 33 out of range 1..32" },
	{ LIST(WEB("1", "[ \"192.0.2.1/0\" ]")), NULL,
	  "3: VIP 192.0.2.1 prefix length 0 out of range 1..32" },
	{ LIST(WEB("1", "[ \"2001:db8::1/129\" ]")), NULL,
	  "3: VIP 2001:db8::1 prefix length 129 out of range 1..128" },
	{ LIST(WEB("1", "[ \"192.0.2.1\",\n \"2001:db8::1\" ]")), NULL,
	  "4: VIP 2001:db8::1 is IPv6 but vrrp instance 'web' is IPv4: one family per instance" },
	{ LIST(WEB("1", "[ \"192.0.2.1/24\",\n \"192.0.2.1/32\" ]")), NULL,
	  "4: duplicate VIP 192.0.2.1 in vrrp instance 'web' (first at line 3)" },
	{ LIST("{ version = 2; name = \"web\"; interface = \"eth0\"; vrid = 1;\n"
	       "  virtual_ipaddress = [ \"2001:db8::1\" ]; }"), NULL,
	  "2: vrrp instance 'web': version 2 is IPv4 only (RFC 3768); use version 3 for IPv6" },
	/* across instances (conf_check) */
	{ "vrrp_instances: (\n" WEB("1", "[\"192.0.2.1\"]") ",\n" WEB("2", "[\"192.0.2.2\"]")
	  "\n);\n", NULL, "4: duplicate vrrp instance name 'web' (first at %s:2)" },
	{ "vrrp_instances: (\n" WEB("7", "[\"192.0.2.1\"]") ",\n"
	  "{ name = \"b\"; interface = \"eth0\"; vrid = 7;\n virtual_ipaddress = [\"192.0.2.2\"]; }"
	  "\n);\n", NULL,
	  "4: vrrp instance 'b': vrid 7 on eth0 (IPv4) already used by vrrp instance 'web' (%s:2)" },
	{ "vrrp_instances: (\n" WEB("7", "[\"192.0.2.1\"]") ",\n"
	  "{ name = \"b\"; interface = \"eth1\"; vrid = 8;\n virtual_ipaddress = [\"192.0.2.1\"]; }"
	  "\n);\n", NULL, "5: VIP 192.0.2.1 already used by vrrp instance 'web' (%s:3)" },
	/* structure and global */
	{ "vrrp_instance: ( );\n", NULL, "1: unknown setting 'vrrp_instance' at top level" },
	{ "vrrp_instances: { };\n", NULL, "1: vrrp_instances must be a list ( { ... }, ... )" },
	{ "vrrp_instances: ( \"web\" );\n", NULL, "1: vrrp instance must be a group { ... }" },
	{ "global = 5;\n", NULL, "1: global must be a group { ... }" },
	{ "global: {\n loglevel = \"debug\";\n};\n", NULL, "2: unknown setting 'loglevel' in global" },
	{ "global: {\n log_level = \"verbose\";\n};\n", NULL,
	  "2: log_level 'verbose' unknown: use err, warning, notice, info or debug" },
	{ "global: {\n router_id = \"lb 1\";\n};\n", NULL,
	  "2: router_id 'lb 1' is invalid: no spaces or control characters" },
	{ "global: {\n syslog = \"no\";\n};\n", NULL, "2: syslog must be true or false" },
	{ "global: {\n pid_file = \"\";\n};\n", NULL, "2: pid_file must not be empty" },
	{ "global: {\n router_id = \"lb1\";\n syslog = ;\n};\n", NULL, "3: syntax error" },
	{ "global: {\n router_id = \"lb1\";\n", NULL, "3: syntax error" },
};

static void test_bad_configs(void **state)
{
	run_bad_rows(bad_rows, sizeof(bad_rows) / sizeof(bad_rows[0]));
}

static void test_too_many_vips(void **state)
{
	char text[4096], path[64], want[256], err[CONF_ERR_MAX];
	size_t n = 0;
	struct conf c;
	int i;

	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "vrrp_instances: ( { name = \"a\"; interface = \"eth0\"; vrid = 1;\n"
			      "virtual_ipaddress = [");
	for (i = 1; i <= 33; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\"192.0.2.%d\"",
				      i > 1 ? ", " : " ", i);
	snprintf(text + n, sizeof(text) - n, " ]; } );\n");
	write_tmp(path, sizeof(path), text);
	assert_int_equal(conf_load(path, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: virtual_ipaddress has 33 entries; 1..32 allowed", path);
	assert_string_equal(err, want);
	unlink(path);

	/* 32 is the limit, not an error */
	text[strlen(text) - strlen(", \"192.0.2.33\" ]; } );\n")] = '\0';
	strcat(text, " ]; } );\n");
	write_tmp(path, sizeof(path), text);
	if (conf_read(path, &c, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(c.vrrp[0].n_vips, 32);
	conf_free(&c);
	unlink(path);
}

static void test_missing_file(void **state)
{
	char err[CONF_ERR_MAX];
	struct conf c;

	assert_int_equal(conf_read("/nonexistent/tandem.conf", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/tandem.conf: cannot read: No such file or directory");
	assert_int_equal(c.n_vrrp, 0);
}

/* conf_check works on a struct built by code too, and conf_free is safe
 * on zeroed and on partially filled structs. */
static void test_check_built(void **state)
{
	struct conf_vip vips[2];
	struct conf_vrrp v;
	struct conf c;
	char err[CONF_ERR_MAX];

	memset(&c, 0, sizeof(c));
	assert_int_equal(conf_check(&c, err, sizeof(err)), 0);
	conf_free(&c);
	conf_free(&c);

	memset(&v, 0, sizeof(v));
	memset(vips, 0, sizeof(vips));
	snprintf(v.name, sizeof(v.name), "x");
	snprintf(v.pos.file, sizeof(v.pos.file), "built");
	v.pos.line = 9;
	v.vrid = 5;
	v.priority = 100;
	v.version = 3;
	v.adver_int_ms = 1000;
	v.family = AF_INET;
	assert_int_equal(addr_parse("192.0.2.1", &vips[0].addr), 0);
	vips[0].prefixlen = 32;
	v.vips = vips;
	v.n_vips = 1;
	c.vrrp = &v;
	c.n_vrrp = 1;
	assert_int_equal(conf_check(&c, err, sizeof(err)), 0);
	v.vrid = 0;
	assert_int_equal(conf_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "built:9: vrrp instance 'x': vrid 0 out of range 1..255");
	v.vrid = 5;
	v.n_vips = 0;
	assert_int_equal(conf_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "built:9: vrrp instance 'x': 0 virtual addresses; 1..32 allowed");

	/* partially filled: an instance array whose VIPs are not allocated yet */
	c.vrrp = calloc(2, sizeof(*c.vrrp));
	assert_non_null(c.vrrp);
	c.n_vrrp = 2;
	c.vrrp[0].vips = calloc(1, sizeof(struct conf_vip));
	conf_free(&c);
	assert_null(c.vrrp);
	assert_int_equal(c.n_vrrp, 0);
}

static void test_log_level_str(void **state)
{
	assert_string_equal(conf_log_level_str(CONF_LOG_ERR), "err");
	assert_string_equal(conf_log_level_str(CONF_LOG_WARNING), "warning");
	assert_string_equal(conf_log_level_str(CONF_LOG_NOTICE), "notice");
	assert_string_equal(conf_log_level_str(CONF_LOG_INFO), "info");
	assert_string_equal(conf_log_level_str(CONF_LOG_DEBUG), "debug");
	assert_string_equal(conf_log_level_str((enum conf_log_level)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_duration_rounding),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_too_many_vips),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_check_built),
		cmocka_unit_test(test_log_level_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
