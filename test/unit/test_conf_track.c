/* test_conf_track.c - configuration of issue 3: unicast peers, tracked
 * interfaces/files/names, notify programs, virtual MAC, sync groups and the
 * global notify settings. Bad configs: text -> exact "FILE:LINE: error". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/conf.h"
#include "test/unit/conf_helpers.h"

static void assert_addr(const struct addr *a, const char *want)
{
	struct addr w;

	assert_int_equal(addr_parse(want, &w), 0);
	assert_true(addr_eq(a, &w));
}

/* argv is NULL-terminated and matches want[0..n-1]. */
static void assert_argv(const struct conf_argv *a, const char *const *want, size_t n)
{
	size_t i;

	assert_non_null(a->argv);
	assert_int_equal(a->argc, n);
	for (i = 0; i < n; i++)
		assert_string_equal(a->argv[i], want[i]);
	assert_null(a->argv[n]);
	assert_true(a->pos.line > 0);
}

#define ARGV(a, ...) do {                                                     \
		static const char *const w_[] = { __VA_ARGS__ };              \
		assert_argv(a, w_, sizeof(w_) / sizeof(w_[0]));               \
	} while (0)

static void check_features_web(const struct conf_vrrp *v)
{
	assert_string_equal(v->name, "web");
	assert_addr(&v->unicast_src, "192.0.2.1");
	assert_int_equal(v->n_unicast_peers, 2);
	assert_addr(&v->unicast_peers[0], "192.0.2.2");
	assert_addr(&v->unicast_peers[1], "192.0.2.3");
	assert_int_equal(v->n_track_if, 2);
	assert_string_equal(v->track_if[0].ifname, "eth1");
	assert_int_equal(v->track_if[0].weight, -50);
	assert_int_equal(v->track_if[0].pos.line, 28);
	assert_string_equal(v->track_if[1].ifname, "eth2");
	assert_int_equal(v->track_if[1].weight, 0);   /* default: FAULT */
	assert_int_equal(v->track_if[1].pos.line, 29);
	assert_int_equal(v->n_track_file, 2);
	assert_string_equal(v->track_file[0].path, "/run/tandem/web.prio");
	assert_int_equal(v->track_file[0].weight, -3);
	assert_string_equal(v->track_file[1].path, "/run/tandem/other");
	assert_int_equal(v->track_file[1].weight, 1); /* default: the value counts once */
	assert_int_equal(v->n_track, 2);
	assert_string_equal(v->track[0].name, "haproxy");
	assert_int_equal(v->track[0].weight, -60);
	assert_string_equal(v->track[1].name, "pgsql");
	assert_int_equal(v->track[1].weight, 0);      /* default: FAULT */
	ARGV(&v->notify.any, "/usr/local/bin/tandem-notify", "--flag", "");
	assert_int_equal(v->notify.any.pos.line, 34);
	ARGV(&v->notify.master, "/usr/local/bin/master");
	ARGV(&v->notify.backup, "/usr/local/bin/backup", "b");
	ARGV(&v->notify.fault, "/usr/local/bin/fault");
	ARGV(&v->notify.stop, "/usr/local/bin/stop");
	assert_true(v->use_vmac);
	assert_string_equal(v->vmac_ifname, "vmac-web");
	assert_true(v->higher_prio_send_advert);
}

static void test_features(void **state)
{
	const struct conf_sync_group *g;
	struct conf c;

	load_fixture("features.conf", &c);
	assert_string_equal(c.global.notify_user, "root");
	assert_int_equal(c.global.notify_user_pos.line, 15);
	assert_int_equal(c.global.notify_timeout_ms, 2500);
	assert_int_equal(c.global.startup_delay_ms, 30000);
	assert_int_equal(c.n_vrrp, 3);
	check_features_web(&c.vrrp[0]);

	/* IPv6 unicast; default VMAC names per family */
	assert_int_equal(c.vrrp[1].family, AF_INET6);
	assert_int_equal(c.vrrp[1].unicast_src.family, 0);
	assert_int_equal(c.vrrp[1].n_unicast_peers, 1);
	assert_addr(&c.vrrp[1].unicast_peers[0], "fe80::2");
	assert_string_equal(c.vrrp[1].vmac_ifname, "vrrp6.51");
	assert_null(c.vrrp[1].notify.any.argv);
	assert_false(c.vrrp[1].higher_prio_send_advert);
	/* version 2 may use unicast too */
	assert_int_equal(c.vrrp[2].version, 2);
	assert_addr(&c.vrrp[2].unicast_src, "198.51.100.1");
	assert_addr(&c.vrrp[2].unicast_peers[0], "198.51.100.2");
	assert_string_equal(c.vrrp[2].vmac_ifname, "vrrp.52");

	assert_int_equal(c.n_sync, 1);
	g = &c.sync[0];
	assert_string_equal(g->name, "balancer");
	assert_int_equal(g->pos.line, 4);
	assert_int_equal(g->n_members, 2);
	assert_string_equal(g->members[0], "web");
	assert_string_equal(g->members[1], "web6");
	assert_int_equal(g->member_pos[1].line, 6);
	ARGV(&g->notify.any, "/usr/local/bin/tandem-notify", "--group");
	ARGV(&g->notify.master, "/bin/true");
	ARGV(&g->notify.backup, "/bin/true", "backup");
	ARGV(&g->notify.fault, "/bin/true", "fault");
	ARGV(&g->notify.stop, "/bin/true", "stop");
	conf_free(&c); /* under ASan: every argv string and array is freed */
	assert_null(c.sync);
	assert_int_equal(c.n_sync, 0);
}

/* A deep copy outlives the conf it came from (the runtime keeps one per
 * instance across reloads). */
static void test_vrrp_copy(void **state)
{
	struct conf_vrrp copy;
	struct conf c;

	load_fixture("features.conf", &c);
	assert_int_equal(conf_vrrp_copy(&copy, &c.vrrp[0]), 0);
	assert_ptr_not_equal(copy.notify.any.argv, c.vrrp[0].notify.any.argv);
	assert_ptr_not_equal(copy.track, c.vrrp[0].track);
	conf_free(&c);
	check_features_web(&copy);
	assert_int_equal(copy.n_vips, 1);
	conf_vrrp_free(&copy);
	assert_null(copy.vips);
	assert_null(copy.notify.any.argv);
	assert_int_equal(copy.n_track, 0);
	conf_vrrp_free(&copy); /* idempotent */
}

/* Two instances web (eth0, vrid 1) and db (eth0, vrid 2) on lines 1-2;
 * whatever follows starts on line 3. */
#define TWO "vrrp_instances: ( { name = \"web\"; interface = \"eth0\"; vrid = 1; " \
	    "virtual_ipaddress = [\"192.0.2.1\"]; },\n"                             \
	    "{ name = \"db\"; interface = \"eth0\"; vrid = 2; "                     \
	    "virtual_ipaddress = [\"192.0.2.2\"]; } );\n"
/* A sync group opened on line 4 with settings s from line 5. */
#define SYNC(s) TWO "vrrp_sync_groups: (\n{\n" s "\n}\n);\n"
#define GLOBAL(s) "global: {\n" s "\n};\n"

static const struct bad bad_rows[] = {
	/* global */
	{ GLOBAL("notify_user = \"tandem-no-such-user\";"), NULL,
	  "2: notify_user 'tandem-no-such-user' is not a user on this system" },
	{ GLOBAL("notify_user = \"\";"), NULL, "2: notify_user must not be empty" },
	{ GLOBAL("control_group = \"tandem-no-such-group\";"), NULL,
	  "2: control_group 'tandem-no-such-group' is not a group on this system" },
	{ GLOBAL("\ncontrol_admin_group = \"tandem-no-such-group\";"), NULL,
	  "3: control_admin_group 'tandem-no-such-group' is not a group on this system" },
	{ GLOBAL("control_group = \"-x\";"), NULL,
	  "2: control_group '-x' is invalid: use A-Z a-z 0-9 _ . - (not first)" },
	{ GLOBAL("notify_user = \"-x\";"), NULL,
	  "2: notify_user '-x' is invalid: use A-Z a-z 0-9 _ . - (not first)" },
	{ GLOBAL("notify_user = 0;"), NULL, "2: notify_user must be a string" },
	{ GLOBAL("notify_timeout = 0;"), NULL,
	  "2: notify_timeout 0 out of range 0.001..3600 seconds" },
	{ GLOBAL("notify_timeout = 3600.5;"), NULL,
	  "2: notify_timeout 3600.5 out of range 0.001..3600 seconds" },
	{ GLOBAL("startup_delay = -1;"), NULL,
	  "2: startup_delay -1 out of range 0..3600 seconds" },
	{ GLOBAL("startup_delay = 3601;"), NULL,
	  "2: startup_delay 3601 out of range 0..3600 seconds" },
	/* unicast: syntax (conf_load, at the setting or the entry) */
	{ NULL, "unicast_src_ip = \"192.0.2.300\";",
	  "7: unicast_src_ip '192.0.2.300' is not an IPv4 or IPv6 address" },
	{ NULL, "unicast_src_ip = \"192.0.2.1/24\";",
	  "7: unicast_src_ip '192.0.2.1/24' is not an IPv4 or IPv6 address" },
	{ NULL, "unicast_src_ip = \"224.0.0.1\";",
	  "7: unicast_src_ip '224.0.0.1' is not a unicast address" },
	{ NULL, "unicast_src_ip = 5;", "7: unicast_src_ip must be a string" },
	{ NULL, "unicast_peers = \"192.0.2.2\";",
	  "7: unicast_peers must be a list of addresses [ \"192.0.2.2\", ... ]" },
	{ NULL, "unicast_peers = [ ];", "7: unicast_peers has 0 entries; 1..16 allowed" },
	{ NULL, "unicast_peers = [ \"192.0.2.2\",\n \"peer2\" ];",
	  "8: unicast peer 'peer2' is not an IPv4 or IPv6 address" },
	{ NULL, "unicast_peers = [ \"ff02::12\" ];",
	  "7: unicast peer 'ff02::12' is not a unicast address" },
	{ NULL, "unicast_peers = ( \"192.0.2.2\", 5 );", "7: unicast_peers entries must be strings" },
	/* unicast: consistency (conf_check, at the instance) */
	{ NULL, "unicast_src_ip = \"192.0.2.1\";",
	  "2: vrrp instance 'web': unicast_src_ip without unicast_peers" },
	{ NULL, "unicast_src_ip = \"2001:db8::1\"; unicast_peers = [ \"192.0.2.2\" ];",
	  "2: vrrp instance 'web': unicast_src_ip 2001:db8::1 is IPv6 but the instance is IPv4" },
	{ NULL, "unicast_peers = [ \"192.0.2.2\", \"2001:db8::2\" ];",
	  "2: vrrp instance 'web': unicast peer 2001:db8::2 is IPv6 but the instance is IPv4" },
	{ LIST("{ name = \"web\"; interface = \"eth0\"; vrid = 1;\n"
	       "  virtual_ipaddress = [ \"2001:db8::10\" ]; unicast_peers = [ \"192.0.2.2\" ]; }"),
	  NULL, "2: vrrp instance 'web': unicast peer 192.0.2.2 is IPv4 but the instance is IPv6" },
	{ NULL, "unicast_src_ip = \"192.0.2.1\"; unicast_peers = [ \"192.0.2.2\", \"192.0.2.1\" ];",
	  "2: vrrp instance 'web': unicast peer 192.0.2.1 is our own unicast_src_ip" },
	{ NULL, "unicast_peers = [ \"192.0.2.2\", \"192.0.2.3\", \"192.0.2.2\" ];",
	  "2: vrrp instance 'web': duplicate unicast peer 192.0.2.2" },
	/* tracked items: syntax */
	{ NULL, "track_interface = { interface = \"eth1\"; };",
	  "7: track_interface must be a list ( { interface = \"eth1\"; weight = -50; }, ... )" },
	{ NULL, "track_interface = ( \"eth1\" );",
	  "7: track_interface entries must be groups ( { interface = \"eth1\"; weight = -50; }, "
	  "... )" },
	{ NULL, "track_interface = ( { weight = -50; } );",
	  "7: missing required setting 'interface' in track_interface" },
	{ NULL, "track_interface = ( { interface = \"eth1\";\n wieght = 5; } );",
	  "8: unknown setting 'wieght' in track_interface" },
	{ NULL, "track_interface = ( { interface = \"eth1\"; weight = 255; } );",
	  "7: weight 255 out of range -254..254" },
	{ NULL, "track_interface = ( { interface = \"eth0123456789abcd\"; } );",
	  "7: interface 'eth0123456789abcd' is too long (at most 15 characters)" },
	{ NULL, "track_file = { path = \"/run/x\"; };",
	  "7: track_file must be a list ( { path = \"/run/tandem/web.prio\"; weight = 1; }, ... )" },
	{ NULL, "track_file = ( { path = \"web.prio\"; } );",
	  "7: path 'web.prio' is invalid: must be an absolute path" },
	{ NULL, "track_file = ( { weight = 2; } );",
	  "7: missing required setting 'path' in track_file" },
	{ NULL, "track_file = ( { path = \"/run/x\"; weight = -255; } );",
	  "7: weight -255 out of range -254..254" },
	{ NULL, "track = ( { name = \"ha proxy\"; } );",
	  "7: name 'ha proxy' is invalid: use A-Z a-z 0-9 _ . -" },
	{ NULL, "track = ( { name = \"haproxy\"; weight = \"low\"; } );",
	  "7: weight must be an integer" },
	{ NULL, "track = ( { name = \"haproxy\"; interface = \"eth1\"; } );",
	  "7: unknown setting 'interface' in track" },
	/* tracked items: duplicates and the own interface, at the item */
	{ NULL, "track_interface = ( { interface = \"eth1\"; },\n { interface = \"eth1\"; } );",
	  "8: vrrp instance 'web': duplicate track_interface 'eth1' (first at line 7)" },
	{ NULL, "track_file = ( { path = \"/run/a\"; },\n { path = \"/run/a\"; weight = 2; } );",
	  "8: vrrp instance 'web': duplicate track_file '/run/a' (first at line 7)" },
	{ NULL, "track = ( { name = \"haproxy\"; },\n { name = \"haproxy\"; } );",
	  "8: vrrp instance 'web': duplicate track 'haproxy' (first at line 7)" },
	{ NULL, "track_interface = ( { interface = \"eth0\"; weight = -10; } );",
	  "7: vrrp instance 'web': track_interface 'eth0' is the instance's own interface, "
	  "always tracked (down = FAULT)" },
	/* notify programs */
	{ NULL, "notify = \"/bin/true\";",
	  "7: notify must be a list [ \"/path/to/program\", \"arg\", ... ]" },
	{ NULL, "notify_master = [ ];", "7: notify_master has 0 entries; 1..64 allowed" },
	{ NULL, "notify_backup = [ \"true\", \"x\" ];",
	  "7: notify_backup program 'true' must be an absolute path" },
	{ NULL, "notify_fault = ( \"/bin/x\",\n 5 );", "8: notify_fault entries must be strings" },
	{ NULL, "notify_stop = [ \"\" ];", "7: notify_stop program '' must be an absolute path" },
	/* virtual MAC */
	{ NULL, "use_vmac = 1;", "7: use_vmac must be true or false" },
	{ NULL, "vmac_interface = \"a:b\";",
	  "7: vmac_interface 'a:b' is invalid: no spaces, '/' or ':'" },
	{ NULL, "vmac_interface = \"vrrp.51\";",
	  "2: vrrp instance 'web': vmac_interface 'vrrp.51' is set but use_vmac is false" },
	{ NULL, "use_vmac = true; vmac_interface = \"eth0\";",
	  "2: vrrp instance 'web': vmac_interface 'eth0' is the instance's own interface" },
	{ "vrrp_instances: (\n"
	  "{ name = \"web\"; interface = \"eth0\"; vrid = 7; use_vmac = true;\n"
	  " virtual_ipaddress = [\"192.0.2.1\"]; },\n"
	  "{ name = \"b\"; interface = \"eth1\"; vrid = 7; use_vmac = true;\n"
	  " virtual_ipaddress = [\"192.0.2.2\"]; }\n);\n", NULL,
	  "4: vrrp instance 'b': vmac_interface 'vrrp.7' already used by vrrp instance 'web' "
	  "(%s:2)" },
	{ NULL, "higher_prio_send_advert = \"yes\";",
	  "7: higher_prio_send_advert must be true or false" },
	/* sync groups: syntax */
	{ TWO "vrrp_sync_groups: { };\n", NULL,
	  "3: vrrp_sync_groups must be a list ( { ... }, ... )" },
	{ TWO "vrrp_sync_groups: ( \"web\" );\n", NULL, "3: sync group must be a group { ... }" },
	{ SYNC("group = [ \"web\", \"db\" ];"), NULL,
	  "4: missing required setting 'name' in sync group" },
	{ SYNC("name = \"balancer\";"), NULL, "4: missing required setting 'group' in sync group" },
	{ SYNC("name = \"bal ancer\";"), NULL,
	  "5: name 'bal ancer' is invalid: use A-Z a-z 0-9 _ . -" },
	{ SYNC("name = \"b\"; members = [ \"web\", \"db\" ];"), NULL,
	  "5: unknown setting 'members' in sync group" },
	{ SYNC("name = \"b\"; group = \"web\";"), NULL,
	  "5: group must be a list of vrrp instance names [ \"web\", \"db\" ]" },
	{ SYNC("name = \"b\"; group = [ \"web\" ];"), NULL, "5: group has 1 entries; 2..32 allowed" },
	{ SYNC("name = \"b\"; group = ( \"web\",\n 5 );"), NULL, "6: group entries must be strings" },
	{ SYNC("name = \"b\"; group = [ \"web\",\n \"d b\" ];"), NULL,
	  "6: group entry 'd b' is not a vrrp instance name" },
	{ SYNC("name = \"b\"; group = [ \"web\", \"db\" ];\nnotify_master = [ \"x.sh\" ];"), NULL,
	  "6: notify_master program 'x.sh' must be an absolute path" },
	/* sync groups: cross-references (conf_check), at the member */
	{ SYNC("name = \"balancer\";\ngroup = [ \"web\",\n \"dbx\" ];"), NULL,
	  "7: unknown vrrp instance 'dbx' in sync group 'balancer'" },
	{ SYNC("name = \"balancer\";\ngroup = [ \"web\",\n \"web\" ];"), NULL,
	  "7: vrrp instance 'web' listed twice in sync group 'balancer'" },
	{ TWO "vrrp_sync_groups: (\n{ name = \"a\"; group = [ \"web\", \"db\" ]; },\n"
	  "{ name = \"a\"; group = [ \"web\", \"db\" ]; }\n);\n", NULL,
	  "5: duplicate sync group name 'a' (first at %s:4)" },
	{ TWO "vrrp_sync_groups: (\n{ name = \"a\"; group = [ \"db\", \"web\" ]; },\n"
	  "{ name = \"b\"; group = [ \"web\",\n \"db\" ]; }\n);\n", NULL,
	  "5: vrrp instance 'web' is already in sync group 'a' (%s:4)" },
};

static void test_bad_configs(void **state)
{
	run_bad_rows(bad_rows, sizeof(bad_rows) / sizeof(bad_rows[0]));
}

/* Count limits: max + 1 entries fail with the message, max entries load. */
struct limit {
	const char *setting;  /* in the TEMPLATE instance, or NULL: sync group */
	const char *pre;      /* entry i is "<pre>i\"" */
	int max;
	const char *expect;   /* after "FILE:" and before "<max + 1> entries; " */
	const char *allowed;
};

static const struct limit limits[] = {
	{ "unicast_peers", "\"192.0.2.", 16, "7: unicast_peers has ", "1..16 allowed" },
	{ "notify", "\"/bin/a", 64, "7: notify has ", "1..64 allowed" },
	{ NULL, "\"i", 32, "3: group has ", "2..32 allowed" },
};

/* Config text with n entries of l: in the template instance, or a sync
 * group (line 3) of instances i1..in (line 2, defined after it). */
static void limit_text(char *text, size_t len, const struct limit *l, int n)
{
	char list[4096] = "", insts[8192] = "";
	size_t a = 0, b = 0;
	int i;

	for (i = 1; i <= n; i++) {
		a += (size_t)snprintf(list + a, sizeof(list) - a, "%s%s%d\"", i > 1 ? ", " : "",
				      l->pre, i);
		b += (size_t)snprintf(insts + b, sizeof(insts) - b,
				      "%s{ name = \"i%d\"; interface = \"eth0\"; vrid = %d; "
				      "virtual_ipaddress = [ \"198.51.100.%d\" ]; }",
				      i > 1 ? ", " : "", i, i, i);
	}
	if (l->setting) {
		char extra[4200];

		snprintf(extra, sizeof(extra), "%s = [ %s ];", l->setting, list);
		snprintf(text, len, TEMPLATE, extra);
	} else {
		snprintf(text, len, "vrrp_sync_groups: (\n{ name = \"g\";\n group = [ %s ]; } );\n"
			 "vrrp_instances: ( %s );\n", list, insts);
	}
}

static void test_limits(void **state)
{
	char text[16384], path[64], want[CONF_ERR_MAX + 64], expect[128], err[CONF_ERR_MAX];
	struct conf c;
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const struct limit *l = &limits[i];

		limit_text(text, sizeof(text), l, l->max + 1);
		write_tmp(path, sizeof(path), text);
		assert_int_equal(conf_read(path, &c, err, sizeof(err)), -1);
		snprintf(expect, sizeof(expect), "%s%d entries; %s", l->expect, l->max + 1,
			 l->allowed);
		expand(want, sizeof(want), path, expect);
		assert_string_equal(err, want);
		unlink(path);

		limit_text(text, sizeof(text), l, l->max);
		write_tmp(path, sizeof(path), text);
		if (conf_read(path, &c, err, sizeof(err)) < 0)
			fail_msg("%s at its limit: %s", l->setting ? l->setting : "group", err);
		unlink(path);
		conf_free(&c);
	}
}

/* conf_check on structs built by code: no member positions, values the
 * loader would have refused. */
/* A valid one-instance conf ("x" on eth0, built:9) in caller storage. */
static void built_conf(struct conf *c, struct conf_vrrp *v, struct conf_vip *vip)
{
	memset(c, 0, sizeof(*c));
	memset(v, 0, sizeof(*v));
	memset(vip, 0, sizeof(*vip));
	snprintf(v->name, sizeof(v->name), "x");
	snprintf(v->ifname, sizeof(v->ifname), "eth0");
	snprintf(v->pos.file, sizeof(v->pos.file), "built");
	v->pos.line = 9;
	v->vrid = 5;
	v->priority = 100;
	v->version = 3;
	v->adver_int_ms = 1000;
	v->family = AF_INET;
	assert_int_equal(addr_parse("192.0.2.1", &vip->addr), 0);
	vip->prefixlen = 32;
	v->vips = vip;
	v->n_vips = 1;
	c->vrrp = v;
	c->n_vrrp = 1;
}

static void test_check_built(void **state)
{
	struct conf_track_if tif = { .ifname = "eth1", .weight = 300 };
	char *argv[] = { "rel", NULL };
	struct conf_vip vip;
	struct conf_vrrp v;
	struct conf c;
	char err[CONF_ERR_MAX];

	built_conf(&c, &v, &vip);
	assert_int_equal(conf_check(&c, err, sizeof(err)), 0);
	snprintf(tif.pos.file, sizeof(tif.pos.file), "built");
	tif.pos.line = 11;
	v.track_if = &tif;
	v.n_track_if = 1;
	assert_int_equal(conf_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "built:11: vrrp instance 'x': track_interface 'eth1' weight 300 "
			    "out of range -254..254");
	tif.weight = -254;

	v.notify.fault.argv = argv;
	v.notify.fault.argc = 1;
	snprintf(v.notify.fault.pos.file, sizeof(v.notify.fault.pos.file), "built");
	v.notify.fault.pos.line = 12;
	assert_int_equal(conf_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "built:12: vrrp instance 'x': notify_fault program 'rel' must be "
			    "an absolute path");
	argv[0] = "/bin/true";
	assert_int_equal(conf_check(&c, err, sizeof(err)), 0);

	v.use_vmac = true;
	assert_int_equal(conf_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "built:9: vrrp instance 'x': use_vmac without a vmac_interface "
			    "name");
}

/* Without member positions, errors point at the group. */
static void test_check_built_sync(void **state)
{
	char members[2][CONF_NAME_MAX] = { "x", "nope" };
	struct conf_sync_group g;
	struct conf_vip vip;
	struct conf_vrrp v;
	struct conf c;
	char err[CONF_ERR_MAX];

	built_conf(&c, &v, &vip);
	memset(&g, 0, sizeof(g));
	snprintf(g.name, sizeof(g.name), "grp");
	snprintf(g.pos.file, sizeof(g.pos.file), "built");
	g.pos.line = 20;
	g.members = members;
	g.n_members = 2;
	c.sync = &g;
	c.n_sync = 1;
	assert_int_equal(conf_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "built:20: unknown vrrp instance 'nope' in sync group 'grp'");
	g.n_members = 1;
	assert_int_equal(conf_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "built:20: sync group 'grp': 1 members; 2..32 allowed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_vrrp_copy),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_check_built),
		cmocka_unit_test(test_check_built_sync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
