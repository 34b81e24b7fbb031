/* dl.c - see dl.h. */
#include "daemon/dl.h"

#include <dlfcn.h>
#include <stdio.h>

int dl_load(struct dl_lib *lib, char *err, size_t errlen)
{
	void *h;
	size_t i;

	if (lib->handle)
		return 0;
	/* RTLD_NOW: a missing symbol fails here, at start or reload, not in
	 * the middle of a check; RTLD_LOCAL: its symbols stay out of ours. */
	h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "cannot load %s: %s", lib->soname, dlerror());
		return -1;
	}
	for (i = 0; i < lib->n_syms; i++) {
		void *p = dlsym(h, lib->syms[i].name);

		if (!p) {
			snprintf(err, errlen, "%s has no %s", lib->soname, lib->syms[i].name);
			for (size_t j = 0; j < i; j++)
				*lib->syms[j].ptr = NULL;
			dlclose(h);
			return -1;
		}
		*lib->syms[i].ptr = p;
	}
	lib->handle = h;
	return 0;
}

void dl_unload(struct dl_lib *lib)
{
	if (!lib->handle)
		return;
	for (size_t i = 0; i < lib->n_syms; i++)
		*lib->syms[i].ptr = NULL;
	dlclose(lib->handle);
	lib->handle = NULL;
}
