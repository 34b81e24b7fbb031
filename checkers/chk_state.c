/* chk_state.c - the checkers' vocabulary (result and role words shared by
 * logs, tandemctl and JSON) and the pure decisions: rise/fall, jitter,
 * start slots and the schedule. */
#include "checkers/chk.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const result_names[CHK_NRESULTS] = {
	[CHK_UNKNOWN] = "UNKNOWN", [CHK_UP] = "UP", [CHK_DOWN] = "DOWN",
	[CHK_TIMEOUT] = "TIMEOUT", [CHK_ERROR] = "ERROR",
};

static const char *const role_names[CHK_NROLES] = {
	[CHK_ROLE_NONE] = "-", [CHK_ROLE_PRIMARY] = "PRIMARY", [CHK_ROLE_REPLICA] = "REPLICA",
};

const char *chk_result_str(enum chk_result r)
{
	return (unsigned)r < CHK_NRESULTS ? result_names[r] : "?";
}

const char *chk_role_str(enum chk_role r)
{
	return (unsigned)r < CHK_NROLES ? role_names[r] : "?";
}

bool chk_fsm_step(struct chk_fsm *f, enum chk_result r, uint32_t rise, uint32_t fall)
{
	bool ok = r == CHK_UP;

	if (r == CHK_UNKNOWN)
		return false;
	if (f->state == CHK_UNKNOWN) {
		f->state = ok ? CHK_UP : CHK_DOWN;
		f->streak = 0;
		return true;
	}
	if (ok == (f->state == CHK_UP)) {
		f->streak = 0; /* a result that agrees ends any streak against */
		return false;
	}
	if (++f->streak < (ok ? rise : fall))
		return false;
	f->state = ok ? CHK_UP : CHK_DOWN;
	f->streak = 0;
	return true;
}

uint32_t chk_jitter(uint32_t interval_ms, uint64_t rnd)
{
	return interval_ms ? (uint32_t)(rnd % interval_ms) : 0;
}

uint32_t chk_slot(uint32_t interval_ms)
{
	uint32_t slot = 1;

	while (slot < CHK_SLOT_MAX && slot * 2 <= interval_ms / 16)
		slot *= 2;
	return slot;
}

uint64_t chk_slot_round(uint64_t t_ms, uint32_t slot_ms)
{
	uint64_t m = slot_ms ? slot_ms : 1;

	return (t_ms + m - 1) / m * m;
}

uint64_t chk_next_due(uint64_t due_ms, uint32_t interval_ms, uint64_t now_ms)
{
	uint64_t next = due_ms + interval_ms;

	return next > now_ms ? next : now_ms;
}

const char *chk_state_fmt(const struct chk_state *st, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "name=%s type=%s state=%s last=%s streak=%" PRIu32
		     " runs=%" PRIu64 " failures=%" PRIu64 " duration_ms=%" PRIu32,
		     st->name, conf_chk_type_str(st->type), chk_result_str(st->state),
		     chk_result_str(st->last), st->streak, st->runs, st->failures,
		     st->last_duration_ms);
	if (n < 0 || (size_t)n >= len)
		return buf;
	if (st->type == CONF_CHK_PGSQL) {
		n += snprintf(buf + n, len - (size_t)n, " role=%s tli=%" PRIu32, chk_role_str(st->role),
			      st->timeline);
		if (st->lag_known && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, " lag_bytes=%" PRIu64, st->lag_bytes);
	}
	if (st->type == CONF_CHK_HTTP && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " http_status=%d", st->http_status);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " reason=\"%s\"", st->reason);
	return buf;
}
