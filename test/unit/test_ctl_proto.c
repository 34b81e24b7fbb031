/* test_ctl_proto.c - control protocol requests and replies
 * (daemon/ctl_proto.c) and the authorization rule (ctl_auth_level). Tables
 * of request lines with the expected verdict, in both forms. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "daemon/ctl_proto.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct good {
	const char *line;
	enum ctl_cmd cmd;
	const char *section, *name;
	bool all, on, json;
};

static const struct good goods[] = {
	{ "status", CTL_CMD_STATUS, "", "", false, false, false },
	{ "  status\t", CTL_CMD_STATUS, "", "", false, false, false },
	{ "status web", CTL_CMD_STATUS, "", "web", false, false, false },
	{ "show vrrp", CTL_CMD_SHOW, "vrrp", "", false, false, false },
	{ "show peers db", CTL_CMD_SHOW, "peers", "db", false, false, false },
	{ "handoff web", CTL_CMD_HANDOFF, "", "web", false, false, false },
	{ "handoff --all", CTL_CMD_HANDOFF, "", "", true, false, false },
	{ "handoff", CTL_CMD_HANDOFF, "", "", true, false, false },
	{ "maintenance on", CTL_CMD_MAINTENANCE, "", "", false, true, false },
	{ "maintenance off", CTL_CMD_MAINTENANCE, "", "", false, false, false },
	{ "track web1-http fail", CTL_CMD_TRACK, "", "web1-http", false, false, false },
	{ "track web1-http ok", CTL_CMD_TRACK, "", "web1-http", false, true, false },
	{ "events", CTL_CMD_EVENTS, "", "", false, false, false },
	{ "metrics", CTL_CMD_METRICS, "", "", false, false, false },
	{ "reload", CTL_CMD_RELOAD, "", "", false, false, false },
	{ "{\"cmd\":\"status\"}", CTL_CMD_STATUS, "", "", false, false, true },
	{ "{\"v\":1,\"cmd\":\"show\",\"section\":\"sync\",\"name\":\"g\"}",
	  CTL_CMD_SHOW, "sync", "g", false, false, true },
	{ "{\"v\":1,\"cmd\":\"handoff\",\"all\":true}", CTL_CMD_HANDOFF, "", "", true, false, true },
	{ "{\"v\":1,\"cmd\":\"maintenance\",\"on\":true,\"id\":7}",
	  CTL_CMD_MAINTENANCE, "", "", false, true, true },
	{ " {\"cmd\":\"track\",\"name\":\"x\",\"on\":false}", CTL_CMD_TRACK, "", "x", false, false, true },
};

static void test_parse_good(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(goods); i++) {
		const struct good *g = &goods[i];
		struct ctl_req q;
		const char *code = NULL;
		char err[256] = "";

		if (ctl_req_parse(g->line, &q, &code, err, sizeof(err)) != 0)
			fail_msg("'%s' refused: %s", g->line, err);
		assert_int_equal(q.cmd, g->cmd);
		assert_string_equal(q.section, g->section);
		assert_string_equal(q.name, g->name);
		assert_int_equal(q.all, g->all);
		assert_int_equal(q.on, g->on);
		assert_int_equal(q.json, g->json);
		ctl_req_free(&q);
	}
}

struct bad {
	const char *line;
	const char *code;
	bool json;
};

static const struct bad bads[] = {
	{ "", CTL_E_UNKNOWN_CMD, false },
	{ "stat", CTL_E_UNKNOWN_CMD, false },
	{ "show", CTL_E_BAD_REQUEST, false },
	{ "show routes", CTL_E_BAD_REQUEST, false },
	{ "maintenance", CTL_E_BAD_REQUEST, false },
	{ "maintenance maybe", CTL_E_BAD_REQUEST, false },
	{ "track x", CTL_E_BAD_REQUEST, false },
	{ "track x sometimes", CTL_E_BAD_REQUEST, false },
	{ "reload now", CTL_E_BAD_REQUEST, false },
	{ "show vrrp a b", CTL_E_BAD_REQUEST, false },
	{ "{", CTL_E_BAD_JSON, true },
	{ "{}}", CTL_E_BAD_JSON, true },
	{ "{\"cmd\":\"status\"} {\"cmd\":\"status\"}", CTL_E_BAD_JSON, true },
	{ "{\"cmd\":\"status\",\"v\":2}", CTL_E_VERSION, true },
	{ "{\"cmd\":\"status\",\"v\":\"1\"}", CTL_E_VERSION, true },
	{ "{\"cmd\":7}", CTL_E_UNKNOWN_CMD, true },
	{ "{\"v\":1}", CTL_E_UNKNOWN_CMD, true },
	{ "{\"cmd\":\"rm -rf\"}", CTL_E_UNKNOWN_CMD, true },
	{ "{\"cmd\":\"maintenance\",\"on\":\"yes\"}", CTL_E_BAD_REQUEST, true },
	{ "{\"cmd\":\"maintenance\"}", CTL_E_BAD_REQUEST, true },
	{ "{\"cmd\":\"show\",\"section\":\"vrrp\",\"name\":\"a b\"}", CTL_E_BAD_REQUEST, true },
	{ "{\"cmd\":\"show\",\"section\":\"vrrp\",\"name\":"
	  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
	  CTL_E_BAD_REQUEST, true },
	{ "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]"
	  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", CTL_E_BAD_JSON, true },
	{ "[\"status\"]", CTL_E_UNKNOWN_CMD, false }, /* not an object: text, unknown */
};

static void test_parse_bad(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(bads); i++) {
		struct ctl_req q;
		const char *code = NULL;
		char err[256] = "";

		if (ctl_req_parse(bads[i].line, &q, &code, err, sizeof(err)) == 0)
			fail_msg("'%s' accepted", bads[i].line);
		assert_non_null(code);
		if (strcmp(code, bads[i].code) != 0)
			fail_msg("'%s': code %s, expected %s (%s)", bads[i].line, code, bads[i].code, err);
		assert_int_equal(q.json, bads[i].json);
		assert_true(err[0] != '\0');
		ctl_req_free(&q);
	}
}

/* The id comes back, whatever its JSON type, also in an error reply. */
static void test_reply_id(void **state)
{
	struct ctl_req q;
	const char *code;
	char err[128], *s;

	assert_int_equal(ctl_req_parse("{\"cmd\":\"status\",\"id\":\"a/b\"}", &q, &code,
				       err, sizeof(err)), 0);
	s = ctl_reply_ok(&q, NULL);
	assert_string_equal(s, "{\"v\":1,\"id\":\"a/b\",\"ok\":true,\"data\":{}}\n");
	free(s);
	ctl_req_free(&q);
	assert_int_equal(ctl_req_parse("{\"cmd\":\"nope\",\"id\":42}", &q, &code, err,
				       sizeof(err)), -1);
	s = ctl_reply_err(&q, code, err);
	assert_string_equal(s, "{\"v\":1,\"id\":42,\"ok\":false,\"error\":{\"code\":"
			       "\"unknown-command\",\"message\":\"unknown or missing \\\"cmd\\\"\"}}\n");
	free(s);
	ctl_req_free(&q);
}

/* A reply is one line whatever the strings hold. */
static void test_reply_one_line(void **state)
{
	json_object *d = json_object_new_object();
	char *s;

	json_object_object_add(d, "x", json_object_new_string("a\nb\r\"c\"\x01"));
	s = ctl_reply_ok(NULL, d);
	assert_non_null(s);
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	assert_null(strchr(s, '\r'));
	free(s);
}

static void test_reload_error(void **state)
{
	char *s = ctl_reply_err(NULL, CTL_E_RELOAD, "/etc/tandem/tandem.conf:12: vrid 300 out of range");
	json_object *o = json_tokener_parse(s), *e, *v;

	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "error", &e));
	assert_true(json_object_object_get_ex(e, "file", &v));
	assert_string_equal(json_object_get_string(v), "/etc/tandem/tandem.conf");
	assert_true(json_object_object_get_ex(e, "line", &v));
	assert_int_equal(json_object_get_int(v), 12);
	json_object_put(o);
	free(s);
}

static void test_split_fileline(void **state)
{
	char file[64];
	int line = -1;

	assert_int_equal(ctl_split_fileline("a.conf:3: bad", file, sizeof(file), &line), 0);
	assert_string_equal(file, "a.conf");
	assert_int_equal(line, 3);
	assert_int_equal(ctl_split_fileline("c:/x:y:10: z", file, sizeof(file), &line), 0);
	assert_string_equal(file, "c:/x:y");
	assert_int_equal(line, 10);
	assert_int_equal(ctl_split_fileline("no line here", file, sizeof(file), &line), -1);
	assert_int_equal(ctl_split_fileline(":5: no file", file, sizeof(file), &line), -1);
	assert_int_equal(ctl_split_fileline("f::x", file, sizeof(file), &line), -1);
}

/* What tandemctl sends parses back to the same request. */
static void test_format_roundtrip(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(goods); i++) {
		struct ctl_req a, b;
		const char *code;
		char err[128], *line;

		assert_int_equal(ctl_req_parse(goods[i].line, &a, &code, err, sizeof(err)), 0);
		line = ctl_req_format(&a);
		assert_non_null(line);
		line[strlen(line) - 1] = '\0';
		if (ctl_req_parse(line, &b, &code, err, sizeof(err)) != 0)
			fail_msg("%s -> %s: %s", goods[i].line, line, err);
		assert_int_equal(a.cmd, b.cmd);
		assert_string_equal(a.section, b.section);
		assert_string_equal(a.name, b.name);
		assert_int_equal(a.all, b.all);
		assert_int_equal(a.on, b.on);
		free(line);
		ctl_req_free(&a);
		ctl_req_free(&b);
	}
}

static void test_levels(void **state)
{
	const struct ctl_auth a = { .read_gid = 100, .admin_gid = 200 };
	const struct ctl_auth none = { .read_gid = (gid_t)-1, .admin_gid = (gid_t)-1 };
	const gid_t sup_read[] = { 5, 100 }, sup_admin[] = { 200 };

	assert_int_equal(ctl_auth_level(&a, 0, 0, NULL, 0), CTL_LEVEL_ADMIN);
	assert_int_equal(ctl_auth_level(&none, 0, 0, NULL, 0), CTL_LEVEL_ADMIN);
	assert_int_equal(ctl_auth_level(&a, 1000, 1000, NULL, 0), CTL_LEVEL_NONE);
	assert_int_equal(ctl_auth_level(&a, 1000, 100, NULL, 0), CTL_LEVEL_READ);
	assert_int_equal(ctl_auth_level(&a, 1000, 1000, sup_read, 2), CTL_LEVEL_READ);
	assert_int_equal(ctl_auth_level(&a, 1000, 1000, sup_admin, 1), CTL_LEVEL_ADMIN);
	assert_int_equal(ctl_auth_level(&a, 1000, 200, sup_read, 2), CTL_LEVEL_ADMIN);
	/* no groups configured: (gid_t)-1 must not match a peer's -1 */
	assert_int_equal(ctl_auth_level(&none, 1000, (gid_t)-1, NULL, 0), CTL_LEVEL_NONE);
	/* reading commands need read, changing ones admin */
	assert_int_equal(ctl_cmd_level(CTL_CMD_STATUS), CTL_LEVEL_READ);
	assert_int_equal(ctl_cmd_level(CTL_CMD_EVENTS), CTL_LEVEL_READ);
	assert_int_equal(ctl_cmd_level(CTL_CMD_METRICS), CTL_LEVEL_READ);
	assert_int_equal(ctl_cmd_level(CTL_CMD_RELOAD), CTL_LEVEL_ADMIN);
	assert_int_equal(ctl_cmd_level(CTL_CMD_HANDOFF), CTL_LEVEL_ADMIN);
	assert_int_equal(ctl_cmd_level(CTL_CMD_MAINTENANCE), CTL_LEVEL_ADMIN);
	assert_int_equal(ctl_cmd_level(CTL_CMD_TRACK), CTL_LEVEL_ADMIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_reply_id),
		cmocka_unit_test(test_reply_one_line),
		cmocka_unit_test(test_reload_error),
		cmocka_unit_test(test_split_fileline),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
