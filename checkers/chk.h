/* chk.h - the health-check engine (issue 6): every checker of the
 * configuration runs on the event loop, never blocking it (non-blocking
 * sockets, libpq's asynchronous API, children watched through pidfds);
 * each run ends in one chk_result, rise/fall turn results into a state.
 *
 * Wiring (daemon): chk_engine_new() with the loaded conf; on_change is
 * called when a checker's state (UNKNOWN -> UP/DOWN, UP <-> DOWN) or its
 * PostgreSQL role changes, e.g. to call vrrp_track_set(name, up) and to
 * recompute IPVS real servers. chk_engine_reload() after a reload keeps the
 * state of checkers whose definition did not change; the others restart
 * from UNKNOWN (no on_change for removed ones: re-read the list). */
#ifndef TANDEM_CHK_H
#define TANDEM_CHK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf_checkers.h"
#include "daemon/loop.h"

/* One vocabulary for logs, tandemctl and JSON (chk_result_str). A run ends
 * UP (passed), DOWN (the service answered, and the answer is wrong: HTTP
 * 503, backend without servers, exit 1, connection refused, replica too far
 * behind), TIMEOUT (no answer within timeout) or ERROR (could not ask: no
 * socket, protocol error, fork failed). A checker's state is UNKNOWN until
 * its first result, then UP or DOWN. */
enum chk_result { CHK_UNKNOWN, CHK_UP, CHK_DOWN, CHK_TIMEOUT, CHK_ERROR, CHK_NRESULTS };

enum chk_role { CHK_ROLE_NONE, CHK_ROLE_PRIMARY, CHK_ROLE_REPLICA, CHK_NROLES };

#define CHK_REASON_MAX 160

struct chk_state {
	const char *name;
	enum conf_chk_type type;
	enum chk_result state;      /* debounced: UNKNOWN, UP or DOWN */
	enum chk_result last;       /* the last run's outcome */
	char reason[CHK_REASON_MAX];/* the last run, in words ("HTTP 503", "exit 1") */
	uint32_t streak;            /* consecutive results against state */
	uint64_t since_ms;          /* state entered (loop clock) */
	uint64_t last_ms;           /* last run ended */
	uint32_t last_duration_ms;
	uint64_t runs, failures, changes;
	/* pgsql, from the last answer (kept over failed runs) */
	enum chk_role role;
	bool lag_known;
	uint64_t lag_bytes;         /* replica: WAL received - replayed */
	uint32_t timeline;
	/* http: the last status code (0 = none) */
	int http_status;
};

const char *chk_result_str(enum chk_result r); /* "UNKNOWN", "UP", "DOWN", ... */
const char *chk_role_str(enum chk_role r);     /* "-", "PRIMARY", "REPLICA" */

/* One line of key=value pairs (logs, tandemctl, chkrun); returns buf. */
const char *chk_state_fmt(const struct chk_state *st, char *buf, size_t len);

/* ---- pure decisions (unit-tested tables) ---- */

struct chk_fsm {
	enum chk_result state; /* UNKNOWN, UP, DOWN */
	uint32_t streak;
};

/* One result: the first one sets the state at once (a restarted daemon must
 * not wait rise x interval to know anything); afterwards `fall` non-UP
 * results in a row make an UP checker DOWN and `rise` UP results a DOWN one
 * UP (keepalived/HAProxy semantics). Returns true when the state changed. */
bool chk_fsm_step(struct chk_fsm *f, enum chk_result r, uint32_t rise, uint32_t fall);

/* Delay of a checker's first run: rnd spread over [0, interval), so
 * checkers configured alike do not all fire in the same millisecond. */
uint32_t chk_jitter(uint32_t interval_ms, uint64_t rnd);

/* Start slots: a run due at t starts at chk_slot_round(t, chk_slot(interval)),
 * so that the loop starts several checks per wake-up instead of waking once
 * per check: a wake-up (a context switch) costs more than the rest of an
 * HTTP check (doc/benchmarks-checkers.md). The slot is the largest power of
 * two <= interval / 16, between 1 and CHK_SLOT_MAX ms (32 ms at 1 s, 8 ms
 * at 0.2 s): a start is late by less than 1/16 of the interval, never
 * early, and the slots of different intervals line up (powers of two). The
 * schedule stays on the unrounded due times, so the rate does not drift. */
#define CHK_SLOT_MAX 64
uint32_t chk_slot(uint32_t interval_ms);
uint64_t chk_slot_round(uint64_t t_ms, uint32_t slot_ms);
/* The next run is due an interval after the previous one was due (not
 * after it started: the start is late by the slot and the loop's wake-up);
 * a run that ended after that is followed at once, without a burst of
 * catch-up runs. */
uint64_t chk_next_due(uint64_t due_ms, uint32_t interval_ms, uint64_t now_ms);

/* ---- the engine ---- */

struct chk_engine;
typedef void (*chk_cb)(const struct chk_state *st, void *arg);

/* Copies what it needs from c (c may be freed afterwards). NULL on ENOMEM. */
struct chk_engine *chk_engine_new(struct loop *l, const struct conf *c, chk_cb on_change,
				  void *arg);
/* 0, or -1 (ENOMEM) with the old checkers left running. */
int chk_engine_reload(struct chk_engine *e, const struct conf *c);
/* Cancels running checks (children killed, sockets closed). */
void chk_engine_free(struct chk_engine *e);
/* Called after every run (debugging, metrics). */
void chk_engine_set_on_result(struct chk_engine *e, chk_cb on_result, void *arg);

size_t chk_engine_count(const struct chk_engine *e);
const struct chk_state *chk_engine_state(const struct chk_engine *e, size_t i);
const struct chk_state *chk_engine_find(const struct chk_engine *e, const char *name);

#endif
