/* test_ipvs_run.c - what a pass is told to reconcile (ipvs_run_changes()):
 * a checker flap marks its virtual server only, a pool node change the
 * pool's services, a reload the virtual servers whose definition changed
 * (and the removed ones), nothing for an unchanged definition; state
 * (checker verdicts) survives a reload. No socket: an ipvs_run without a
 * loop never opens one. */
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
#include "ipvs/ipvs_run.h"
#include "test/unit/conf_helpers.h"

#define HEAD "global: { router_id = \"t\"; syslog = false; };\n" \
	     "checkers: ( { name = \"c2\"; type = \"tcp\"; address = \"198.51.100.2\"; " \
	     "port = 80; } );\n" \
	     "db_pools: ( { name = \"pg\"; nodes = [ \"198.51.100.31:5432\", " \
	     "\"198.51.100.32:5432\" ]; } );\n"
#define VS(name, port, rs) "{ name = \"" name "\"; address = \"192.0.2.10\"; port = " #port \
	"; scheduler = \"rr\"; real_servers = ( " rs " ); }"
#define RS(last, w, extra) "{ address = \"198.51.100." #last "\"; weight = " #w "; " extra " }"
#define POOLVS "{ name = \"w\"; address = \"192.0.2.10\"; port = 5432; pool = \"pg\"; " \
	       "role = \"primary\"; }"

static const char *const base = HEAD "virtual_servers: ( "
	VS("a", 80, RS(1, 1, "") ", " RS(2, 1, "check = \"c2\";")) ", "
	VS("b", 81, RS(1, 1, "") ", " RS(2, 1, "")) ", " POOLVS " );\n";

struct fixture {
	struct conf c[2];
	int cur;
	struct ipvs_run *r;
};

static void reload(struct fixture *f, const char *text)
{
	int next = !f->cur;

	load_text(text, &f->c[next]);
	assert_int_equal(ipvs_run_reload(f->r, f->c[next].ipvs), 0);
	conf_free(&f->c[f->cur]);
	f->cur = next;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->r = calloc(1, sizeof(*f->r));
	assert_non_null(f->r);
	f->r->active = true;
	load_text(base, &f->c[0]);
	assert_int_equal(ipvs_run_reload(f->r, f->c[0].ipvs), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ipvs_run_free(f->r);
	conf_free(&f->c[f->cur]);
	free(f);
	return 0;
}

/* The ports of the services the next pass reconciles ("all" when all). */
static void changes_are(struct ipvs_run *r, const char *want)
{
	struct ipvs_changes c;
	char got[128] = "";
	size_t len = 0;

	assert_int_equal(ipvs_run_changes(r, false, &c), 0);
	if (c.all)
		snprintf(got, sizeof(got), "all");
	for (size_t i = 0; !c.all && i < c.n_keys; i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%u", i ? " " : "",
					c.keys[i].port);
	ipvs_changes_free(&c);
	assert_string_equal(got, want);
}

static void test_start_is_all(void **state)
{
	struct fixture *f = *state;

	changes_are(f->r, "all");
	changes_are(f->r, ""); /* taken */
}

static void test_checker_marks_its_service(void **state)
{
	struct fixture *f = *state;
	struct ipvs_changes c;

	changes_are(f->r, "all");
	assert_int_equal(ipvs_run_check_result(f->r, "c2", true), 1);
	assert_int_equal(ipvs_run_changes(f->r, false, &c), 0);
	assert_false(c.all);
	assert_int_equal(c.n_keys, 1);
	assert_int_equal(c.keys[0].port, 80);
	assert_int_equal(c.n_svcs, 1);
	assert_int_equal(c.n_dests, 2); /* c2 up: both real servers of a */
	ipvs_changes_free(&c);
	ipvs_run_check_result(f->r, "c2", true); /* no change: nothing */
	changes_are(f->r, "");
	ipvs_run_set_rs_up(f->r, "b", 0, false);
	ipvs_run_set_rs_up(f->r, "b", 1, false);
	changes_are(f->r, "81");
}

static void test_pool_node_marks_pool_services(void **state)
{
	struct fixture *f = *state;
	struct ipvs_node_state st = { .up = true, .role = IPVS_NODE_PRIMARY, .timeline = 1 };
	struct ipvs_changes c;

	changes_are(f->r, "all");
	assert_int_equal(ipvs_run_set_node(f->r, "pg", 1, &st), 0);
	assert_int_equal(ipvs_run_changes(f->r, false, &c), 0);
	assert_int_equal(c.n_keys, 1);
	assert_int_equal(c.keys[0].port, 5432);
	assert_int_equal(c.n_dests, 1);
	assert_int_equal(c.dests[0].addr.u.bytes[3], 32); /* the primary */
	ipvs_changes_free(&c);
	ipvs_run_set_node(f->r, "pg", 1, &st); /* the same again: nothing */
	changes_are(f->r, "");
}

static void test_reload_marks_changed_only(void **state)
{
	struct fixture *f = *state;

	changes_are(f->r, "all");
	ipvs_run_check_result(f->r, "c2", true);
	changes_are(f->r, "80");
	reload(f, base);
	changes_are(f->r, ""); /* same definitions: untouched */
	/* the checker's verdict survived: c2's real server still up */
	assert_true(f->r->vs[0].m[1].up);
	/* b: one weight edited; a: unchanged */
	reload(f, HEAD "virtual_servers: ( "
		  VS("a", 80, RS(1, 1, "") ", " RS(2, 1, "check = \"c2\";")) ", "
		  VS("b", 81, RS(1, 2, "") ", " RS(2, 1, "")) ", " POOLVS " );\n");
	changes_are(f->r, "81");
	assert_true(f->r->vs[0].m[1].up);
	/* a changed: its real server keeps the checker's verdict all the same */
	reload(f, HEAD "virtual_servers: ( "
		  VS("a", 80, RS(1, 3, "") ", " RS(2, 1, "check = \"c2\";")) ", "
		  VS("b", 81, RS(1, 2, "") ", " RS(2, 1, "")) ", " POOLVS " );\n");
	changes_are(f->r, "80");
	assert_true(f->r->vs[0].m[1].up);
	/* a removed, b moved to another port: the old keys too */
	reload(f, HEAD "virtual_servers: ( "
		  VS("b", 82, RS(1, 2, "") ", " RS(2, 1, "")) ", " POOLVS " );\n");
	changes_are(f->r, "80 81 82");
}

static void test_pending_marks_survive_reload(void **state)
{
	struct fixture *f = *state;

	changes_are(f->r, "all");
	ipvs_run_set_rs_up(f->r, "b", 0, false);
	reload(f, base); /* before the pass took b's change */
	changes_are(f->r, "81");
	ipvs_run_set_active(f->r, false);
	changes_are(f->r, "all");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_is_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checker_marks_its_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_node_marks_pool_services, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_marks_changed_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_marks_survive_reload, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
