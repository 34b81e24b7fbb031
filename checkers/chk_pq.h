/* chk_pq.h - libpq, loaded at run time (daemon/dl.h says why): the
 * pgsql checker calls sym_PQ...() instead of PQ...(). chk_pq_load() is
 * called when a configuration with pgsql checkers is loaded, so a
 * missing libpq5 refuses that configuration with a clear error. */
#ifndef TANDEM_CHK_PQ_H
#define TANDEM_CHK_PQ_H

#include <libpq-fe.h>
#include <stddef.h>

#include "daemon/dl.h"

#define CHK_PQ_SYMS(X) \
	X(PQclear) X(PQconnectPoll) X(PQconnectStartParams) X(PQconsumeInput) \
	X(PQerrorMessage) X(PQfinish) X(PQflush) X(PQgetResult) X(PQgetvalue) \
	X(PQisBusy) X(PQnfields) X(PQntuples) X(PQresultErrorMessage) \
	X(PQresultStatus) X(PQsendQuery) X(PQsetnonblocking) X(PQsocket) X(PQstatus)

#define CHK_PQ_DECL(fn) extern DL_SYM_PTR(fn);
CHK_PQ_SYMS(CHK_PQ_DECL)
#undef CHK_PQ_DECL

/* 0, or -1 with err set ("cannot load libpq.so.5: ..."). */
int chk_pq_load(char *err, size_t errlen);

#endif
