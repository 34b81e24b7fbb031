/* chk_pq.c - see chk_pq.h. */
#include "checkers/chk_pq.h"

#define CHK_PQ_DEF(fn) DL_SYM_PTR(fn);
CHK_PQ_SYMS(CHK_PQ_DEF)

static const struct dl_sym pq_syms[] = { CHK_PQ_SYMS(DL_SYM_ENTRY) };

static struct dl_lib pq_lib = {
	.soname = "libpq.so.5",
	.syms = pq_syms,
	.n_syms = sizeof(pq_syms) / sizeof(pq_syms[0]),
};

int chk_pq_load(char *err, size_t errlen)
{
	return dl_load(&pq_lib, err, errlen);
}
