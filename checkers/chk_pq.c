/* chk_pq.c - see chk_pq.h. */
#include "checkers/chk_pq.h"

#define CHK_PQ_DEF(fn) DL_SYM_PTR(fn);
CHK_PQ_SYMS(CHK_PQ_DEF)

DL_LIB_DEFINE(pq_lib, "libpq.so.5", CHK_PQ_SYMS);

int chk_pq_load(char *err, size_t errlen)
{
	return dl_load(&pq_lib, err, errlen);
}
