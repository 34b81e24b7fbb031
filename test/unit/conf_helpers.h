/* conf_helpers.h - shared by test_conf.c and test_conf_track.c: temp
 * config files and the "config text -> exact error" table runner.
 * Include after cmocka.h. */
#ifndef TANDEM_TEST_CONF_HELPERS_H
#define TANDEM_TEST_CONF_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"

static inline const char *srcdir(void)
{
	const char *d = getenv("TOP_SRCDIR");

	return d && *d ? d : ".";
}

static inline void src_path(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", srcdir(), rel);
}

/* Write text to a fresh temp file; the caller unlinks path. */
static inline void write_tmp(char *path, size_t len, const char *text)
{
	int fd;

	snprintf(path, len, "/tmp/test_conf.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Load and check a configuration given as text; fails the test on error. */
static inline void load_text(const char *text, struct conf *c)
{
	char path[64], err[CONF_ERR_MAX];
	int rc;

	write_tmp(path, sizeof(path), text);
	rc = conf_read(path, c, err, sizeof(err));
	unlink(path);
	if (rc < 0)
		fail_msg("%s", err);
}

static inline void load_fixture(const char *name, struct conf *c)
{
	char path[512], err[CONF_ERR_MAX];

	snprintf(path, sizeof(path), "%s/test/unit/conf/%s", srcdir(), name);
	if (conf_read(path, c, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(c->path, path);
}

/* Rows with only `extra` get it on line 7 of this instance (opened on line 2). */
#define TEMPLATE "vrrp_instances: (\n"                                  \
		 "  {\n"                                                \
		 "    name = \"web\";\n"                                \
		 "    interface = \"eth0\";\n"                          \
		 "    vrid = 51;\n"                                     \
		 "    virtual_ipaddress = [ \"192.0.2.10/24\" ];\n"    \
		 "    %s\n"                                             \
		 "  }\n"                                                \
		 ");\n"

/* One instance opened on line 1 with settings s on line 2, to test
 * name/vrid/interface/VIPs (which the template already sets). */
#define INST(s) "vrrp_instances: ( {\n" s "\n} );\n"
#define LIST(s) "vrrp_instances: (\n" s "\n);\n"
/* An instance opened on its first line, VIPs on the next one. */
#define WEB(vrid, vips) "{ name = \"web\"; interface = \"eth0\"; vrid = " vrid ";\n" \
			"  virtual_ipaddress = " vips "; }"

struct bad {
	const char *text;   /* whole config, or NULL for TEMPLATE + extra */
	const char *extra;
	const char *expect; /* error after "FILE:" */
};

/* want = "PATH:" + expect, with a "%s" in expect (the file of a first
 * definition) replaced by PATH as well. */
static inline void expand(char *want, size_t len, const char *path, const char *expect)
{
	const char *p = strstr(expect, "%s");

	if (p)
		snprintf(want, len, "%s:%.*s%s%s", path, (int)(p - expect), expect, path, p + 2);
	else
		snprintf(want, len, "%s:%s", path, expect);
}

static inline void run_bad_rows(const struct bad *rows, size_t n)
{
	char text[4096], path[64], want[CONF_ERR_MAX + 64];
	char err[CONF_ERR_MAX];
	struct conf c;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const struct bad *b = &rows[i];

		if (b->text)
			snprintf(text, sizeof(text), "%s", b->text);
		else
			snprintf(text, sizeof(text), TEMPLATE, b->extra);
		write_tmp(path, sizeof(path), text);
		memset(&c, 0xa5, sizeof(c)); /* conf_read must not rely on a zeroed out */
		rc = conf_read(path, &c, err, sizeof(err));
		unlink(path);
		if (rc == 0)
			fail_msg("row %zu loaded:\n%s", i, text);
		expand(want, sizeof(want), path, b->expect);
		if (strcmp(err, want))
			fail_msg("row %zu:\n got: %s\nwant: %s", i, err, want);
		/* left empty on error */
		assert_int_equal(c.n_vrrp, 0);
		assert_null(c.vrrp);
		assert_int_equal(c.n_sync, 0);
		assert_null(c.sync);
		conf_free(&c);
	}
}

#endif
