/* dl.h - optional shared libraries loaded at run time, only when the
 * configuration needs them (libpq for pgsql checkers, libnftables for
 * accept_mode = false). Linked normally they cost every tandemd ~6 MB of
 * resident memory for their dependency trees (libpq alone pulls in
 * OpenSSL, GnuTLS, Kerberos, LDAP: doc/benchmarks.md "Idle cost"), and a
 * pair that uses neither pays for nothing.
 *
 * Pattern (as systemd's dlopen_*): a table of symbol names and the
 * addresses of typed function pointers, called sym_<name>; the headers
 * of the library still give the types at compile time. */
#ifndef TANDEM_DL_H
#define TANDEM_DL_H

#include <stddef.h>

struct dl_sym {
	const char *name;
	void **ptr;   /* address of the sym_ pointer, cast */
};

struct dl_lib {
	const char *soname;           /* e.g. "libpq.so.5" */
	const struct dl_sym *syms;
	size_t n_syms;
	void *handle;                 /* NULL until loaded */
};

/* Load the library and resolve every symbol, once (later calls return
 * 0 at once). On failure nothing is left loaded and err says which
 * library or symbol is missing: 0 or -1. */
int dl_load(struct dl_lib *lib, char *err, size_t errlen);

/* Unmap it again (its sym_ pointers become NULL): for a library needed
 * once, e.g. to tidy up after a crashed run. */
void dl_unload(struct dl_lib *lib);

/* Declare / define the pointer for one function of a library header. */
#define DL_SYM_PTR(fn) __typeof__(&fn) sym_##fn
#define DL_SYM_ENTRY(fn) { #fn, (void **)&sym_##fn },
/* A static struct dl_lib called var for soname, with the symbols of the
 * X-macro list SYMS (each X(fn) one function). */
#define DL_LIB_DEFINE(var, so, SYMS) \
	static const struct dl_sym var##_syms[] = { SYMS(DL_SYM_ENTRY) }; \
	static struct dl_lib var = { .soname = (so), .syms = var##_syms, \
		.n_syms = sizeof(var##_syms) / sizeof(var##_syms[0]) }

#endif
