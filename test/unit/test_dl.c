/* test_dl.c - run-time loading of optional libraries (daemon/dl.c):
 * a present library binds every symbol, a missing library or symbol is a
 * clear error that leaves nothing bound, unload clears the pointers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "daemon/dl.h"

/* libc's own strlen through the loader: any library present everywhere */
static size_t (*sym_strlen)(const char *);
static int (*sym_strcmp)(const char *, const char *);
static void *sym_missing;

static void test_load_binds_and_unloads(void **state)
{
	const struct dl_sym syms[] = { { "strlen", (void **)&sym_strlen },
				       { "strcmp", (void **)&sym_strcmp } };
	struct dl_lib lib = { .soname = "libc.so.6", .syms = syms, .n_syms = 2 };
	char err[256] = "";

	(void)state;
	assert_int_equal(dl_load(&lib, err, sizeof(err)), 0);
	assert_non_null(lib.handle);
	assert_int_equal(sym_strlen("tandem"), 6);
	assert_int_equal(sym_strcmp("a", "a"), 0);
	assert_int_equal(dl_load(&lib, err, sizeof(err)), 0); /* idempotent */
	dl_unload(&lib);
	assert_null(lib.handle);
	assert_null(sym_strlen);
	assert_null(sym_strcmp);
}

static void test_missing_library(void **state)
{
	const struct dl_sym syms[] = { { "strlen", (void **)&sym_strlen } };
	struct dl_lib lib = { .soname = "libtandem-absent.so.9", .syms = syms, .n_syms = 1 };
	char err[256] = "";

	(void)state;
	assert_int_equal(dl_load(&lib, err, sizeof(err)), -1);
	assert_null(lib.handle);
	assert_non_null(strstr(err, "cannot load libtandem-absent.so.9"));
}

static void test_missing_symbol_binds_nothing(void **state)
{
	const struct dl_sym syms[] = { { "strlen", (void **)&sym_strlen },
				       { "tandem_no_such_function", &sym_missing } };
	struct dl_lib lib = { .soname = "libc.so.6", .syms = syms, .n_syms = 2 };
	char err[256] = "";

	(void)state;
	assert_int_equal(dl_load(&lib, err, sizeof(err)), -1);
	assert_null(lib.handle);
	assert_null(sym_strlen);
	assert_string_equal(err, "libc.so.6 has no tandem_no_such_function");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_binds_and_unloads),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_symbol_binds_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
