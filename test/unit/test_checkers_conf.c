/* test_checkers_conf.c - the "checkers" section: the documented example,
 * defaults per type, every error with its FILE:LINE, lookup by name, and
 * the copy/compare a reload relies on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/conf_checkers.h"
#include "test/unit/conf_helpers.h"

static void test_example(void **state)
{
	char path[512], err[CONF_ERR_MAX];
	const struct conf_checker *k;
	struct conf c;

	src_path(path, sizeof(path), "examples/checkers.conf");
	if (conf_read(path, &c, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(c.checkers->n, 6);
	k = conf_checkers_find(&c, "haproxy");
	assert_non_null(k);
	assert_int_equal(k->type, CONF_CHK_HAPROXY);
	assert_string_equal(k->u.haproxy.socket, "/run/haproxy/admin.sock");
	assert_string_equal(k->u.haproxy.frontend, "http-in");
	assert_string_equal(k->u.haproxy.backend, "app");
	assert_int_equal(k->interval_ms, 1000);
	assert_int_equal(k->timeout_ms, 500);
	k = conf_checkers_find(&c, "web1");
	assert_int_equal(k->type, CONF_CHK_HTTP);
	assert_int_equal(k->u.http.n_expect, 2);
	assert_int_equal(k->u.http.expect[1], 204);
	assert_string_equal(k->u.http.host, "app.example.com");
	assert_string_equal(k->u.http.body, "ok");
	k = conf_checkers_find(&c, "db1-patroni-primary");
	assert_string_equal(k->u.http.host, "198.51.100.31:8008"); /* derived */
	assert_string_equal(k->u.http.method, "GET");
	k = conf_checkers_find(&c, "db1");
	assert_int_equal(k->type, CONF_CHK_PGSQL);
	assert_true(k->u.pgsql.has_max_lag);
	assert_int_equal(k->u.pgsql.max_lag_bytes, 16777216);
	assert_string_equal(k->u.pgsql.user, "tandem");
	assert_string_equal(k->u.pgsql.passfile, "/etc/tandem/pgpass");
	k = conf_checkers_find(&c, "disk");
	assert_int_equal(k->u.script.argv.argc, 3);
	assert_string_equal(k->u.script.argv.argv[0], "/usr/bin/test");
	assert_string_equal(k->u.script.user, "nobody");
	assert_null(conf_checkers_find(&c, "nope"));
	conf_free(&c);
	assert_null(c.checkers);
}

static void test_defaults(void **state)
{
	struct conf c;
	const struct conf_checker *k;

	load_text("checkers: (\n"
		  " { name = \"t\"; type = \"tcp\"; address = \"2001:db8::1\"; port = 22; },\n"
		  " { name = \"h\"; type = \"http\"; address = \"192.0.2.1\"; },\n"
		  " { name = \"p\"; type = \"pgsql\"; hostaddr = \"192.0.2.2\"; },\n"
		  " { name = \"x\"; type = \"haproxy\"; socket = \"/run/x.sock\"; }\n"
		  ");\n", &c);
	k = conf_checkers_find(&c, "t");
	assert_int_equal(k->interval_ms, 2000);
	assert_int_equal(k->timeout_ms, 1000);
	assert_int_equal(k->rise, 2);
	assert_int_equal(k->fall, 2);
	assert_int_equal(k->u.tcp.address.family, AF_INET6);
	k = conf_checkers_find(&c, "h");
	assert_int_equal(k->u.http.port, 80);
	assert_string_equal(k->u.http.path, "/");
	assert_string_equal(k->u.http.host, "192.0.2.1");
	assert_int_equal(k->u.http.n_expect, 1);
	assert_int_equal(k->u.http.expect[0], 200);
	k = conf_checkers_find(&c, "p");
	assert_int_equal(k->u.pgsql.port, 5432);
	assert_string_equal(k->u.pgsql.dbname, "postgres");
	assert_string_equal(k->u.pgsql.sslmode, "prefer");
	assert_int_equal(k->u.pgsql.role, CONF_PG_ANY);
	assert_false(k->u.pgsql.has_max_lag);
	k = conf_checkers_find(&c, "x");
	assert_int_equal(k->u.haproxy.min_up, 1);
	assert_string_equal(k->u.haproxy.frontend, "");
	conf_free(&c);
}

/* Each: whole file, and the error after "FILE:" (%s = FILE again). */
static const struct bad bad_rows[] = {
	{ "checkers: { a = 1; };\n", NULL, "1: checkers must be a list ( { ... }, ... )" },
	{ "checkers: ( 1 );\n", NULL,
	  "1: checkers entries must be groups { name = ...; type = ...; }" },
	{ "checkers: (\n{ name = \"a\";\n  port = 1; }\n);\n", NULL,
	  "2: missing required setting 'type' in checker" },
	{ "checkers: (\n{ name = \"a\";\n  type = \"ftp\"; }\n);\n", NULL,
	  "3: type 'ftp' unknown: use tcp, http, haproxy, pgsql or script" },
	{ "checkers: (\n{ name = \"a\"; type = \"tcp\";\n  port = 1; }\n);\n", NULL,
	  "2: missing required setting 'address' in checker" },
	{ "checkers: (\n{ type = \"tcp\"; address = \"192.0.2.1\";\n port = 1; }\n);\n", NULL,
	  "2: missing required setting 'name' in checker" },
	{ "checkers: (\n{ name = \"a b\"; type = \"tcp\"; }\n);\n", NULL,
	  "2: name 'a b' is invalid: use A-Z a-z 0-9 _ . -" },
	{ "checkers: (\n{ name = \"a\"; type = \"tcp\"; port = 1;\n"
	  "  address = \"db1.example.com\"; }\n);\n", NULL,
	  "3: address 'db1.example.com' is not a numeric IPv4 or IPv6 address" },
	{ "checkers: (\n{ name = \"a\"; type = \"tcp\"; address = \"192.0.2.1\";\n"
	  "  port = 70000; }\n);\n", NULL, "3: port 70000 out of range 1..65535" },
	/* a setting of another type is unknown here */
	{ "checkers: (\n{ name = \"a\"; type = \"tcp\"; address = \"192.0.2.1\"; port = 1;\n"
	  "  path = \"/\"; }\n);\n", NULL, "3: unknown setting 'path' in checker" },
	{ "checkers: (\n{ name = \"a\"; type = \"tcp\"; address = \"192.0.2.1\"; port = 1;\n"
	  "  interval = 0.001; }\n);\n", NULL,
	  "3: interval 0.001 out of range 0.01..3600 seconds" },
	{ "checkers: (\n{ name = \"a\"; type = \"tcp\"; address = \"192.0.2.1\"; port = 1;\n"
	  "  fall = 0; }\n);\n", NULL, "3: fall 0 out of range 1..100" },
	{ "checkers: (\n{ name = \"a\"; type = \"http\"; address = \"192.0.2.1\";\n"
	  "  expect = [ 200, 99 ]; }\n);\n", NULL,
	  "3: expect 99 is not an HTTP status (100..599)" },
	{ "checkers: (\n{ name = \"a\"; type = \"http\"; address = \"192.0.2.1\";\n"
	  "  expect = [ ]; }\n);\n", NULL, "3: expect has 0 entries; 1..8 allowed" },
	{ "checkers: (\n{ name = \"a\"; type = \"http\"; address = \"192.0.2.1\";\n"
	  "  method = \"POST\"; }\n);\n", NULL, "3: method 'POST' is invalid: use GET or HEAD" },
	{ "checkers: (\n{ name = \"a\"; type = \"http\"; address = \"192.0.2.1\";\n"
	  "  path = \"health\"; }\n);\n", NULL, "3: path 'health' is invalid: must start with '/'" },
	{ "checkers: (\n{ name = \"a\"; type = \"haproxy\";\n  socket = \"run/h.sock\"; }\n);\n",
	  NULL, "3: socket 'run/h.sock' is invalid: must be an absolute path" },
	{ "checkers: (\n{ name = \"a\"; type = \"pgsql\"; hostaddr = \"192.0.2.1\";\n"
	  "  role = \"leader\"; }\n);\n", NULL,
	  "3: role 'leader' unknown: use any, primary or replica" },
	{ "checkers: (\n{ name = \"a\"; type = \"pgsql\"; hostaddr = \"192.0.2.1\";\n"
	  "  max_lag_bytes = -1; }\n);\n", NULL, "3: max_lag_bytes -1 must not be negative" },
	{ "checkers: (\n{ name = \"a\"; type = \"pgsql\"; hostaddr = \"192.0.2.1\";\n"
	  "  sslmode = \"on\"; }\n);\n", NULL,
	  "3: sslmode 'on' is invalid: use disable, allow, prefer, require, verify-ca or "
	  "verify-full" },
	{ "checkers: (\n{ name = \"a\"; type = \"script\";\n  argv = [ \"check\" ]; }\n);\n", NULL,
	  "3: argv program 'check' must be an absolute path" },
	/* conf_check: across entries, and the system */
	{ "checkers: (\n{ name = \"a\"; type = \"tcp\"; address = \"192.0.2.1\"; port = 1; },\n"
	  "{ name = \"a\"; type = \"tcp\"; address = \"192.0.2.2\"; port = 1; }\n);\n", NULL,
	  "3: checker 'a' already defined at %s:2" },
	{ "checkers: (\n{ name = \"a\"; type = \"script\"; argv = [ \"/bin/true\" ];\n"
	  "  user = \"no-such-user-here\"; }\n);\n", NULL,
	  "2: checker 'a': user 'no-such-user-here' does not exist" },
	{ "checkers: (\n{ name = \"a\"; type = \"pgsql\"; hostaddr = \"192.0.2.1\";\n"
	  "  role = \"primary\"; max_lag_bytes = 10; }\n);\n", NULL,
	  "2: checker 'a': max_lag_bytes applies to replicas, not to role 'primary'" },
};

static void test_bad(void **state)
{
	char path[64], want[CONF_ERR_MAX + 64], err[CONF_ERR_MAX];
	struct conf c;

	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		write_tmp(path, sizeof(path), bad_rows[i].text);
		memset(&c, 0xa5, sizeof(c));
		if (conf_read(path, &c, err, sizeof(err)) == 0)
			fail_msg("row %zu loaded:\n%s", i, bad_rows[i].text);
		unlink(path);
		expand(want, sizeof(want), path, bad_rows[i].expect);
		if (strcmp(err, want))
			fail_msg("row %zu:\n got: %s\nwant: %s", i, err, want);
		assert_null(c.checkers); /* left empty */
		conf_free(&c);
	}
}

static void test_copy_equal(void **state)
{
	struct conf c;
	struct conf_checker a, b;

	load_text("checkers: (\n"
		  " { name = \"s\"; type = \"script\"; argv = [ \"/bin/true\", \"x\" ]; },\n"
		  " { name = \"h\"; type = \"http\"; address = \"192.0.2.1\"; }\n"
		  ");\n", &c);
	assert_int_equal(conf_checker_copy(&a, &c.checkers->list[0]), 0);
	assert_ptr_not_equal(a.u.script.argv.argv, c.checkers->list[0].u.script.argv.argv);
	assert_true(conf_checker_equal(&a, &c.checkers->list[0]));
	free(a.u.script.argv.argv[1]);
	a.u.script.argv.argv[1] = strdup("y");
	assert_false(conf_checker_equal(&a, &c.checkers->list[0]));
	conf_checker_free(&a);
	assert_int_equal(conf_checker_copy(&b, &c.checkers->list[1]), 0);
	assert_true(conf_checker_equal(&b, &c.checkers->list[1]));
	b.pos.line = 99; /* where it is written does not matter */
	assert_true(conf_checker_equal(&b, &c.checkers->list[1]));
	b.u.http.port = 81;
	assert_false(conf_checker_equal(&b, &c.checkers->list[1]));
	b.u.http.port = 80;
	b.timeout_ms = 1;
	assert_false(conf_checker_equal(&b, &c.checkers->list[1]));
	assert_false(conf_checker_equal(&b, &c.checkers->list[0]));
	conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_copy_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
