/* test_chk_sched.c - when checkers run (chk.h, chk_state.c): the start
 * slots (chk_slot, chk_slot_round) and the schedule anchored on due times
 * (chk_next_due). Tables, then a simulated loop that wakes up late, runs
 * checks of various lengths and must neither drift nor start a run early. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "checkers/chk.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))

static void test_slot(void **state)
{
	static const struct {
		uint32_t interval, slot;
	} rows[] = {
		{ 0, 1 },        { 1, 1 },       { 31, 1 },     { 32, 2 },
		{ 100, 4 },      /* 100 / 16 = 6.25 -> 4 */
		{ 200, 8 },      { 500, 16 },    { 511, 16 },   { 512, 32 },
		{ 1000, 32 },    /* the benchmark's 1 s: 1,000 checks/s -> ~32 per wake-up */
		{ 1024, 64 },    { 2000, 64 },   { 3600000, CHK_SLOT_MAX },
		{ UINT32_MAX, CHK_SLOT_MAX },
	};

	for (size_t i = 0; i < N(rows); i++) {
		uint32_t s = chk_slot(rows[i].interval);

		assert_int_equal(s, rows[i].slot);
		assert_int_equal(s & (s - 1), 0);                 /* a power of two */
		assert_true(s == 1 || s <= rows[i].interval / 16); /* late by <= 1/16 */
	}
}

static void test_slot_round(void **state)
{
	static const struct {
		uint64_t t;
		uint32_t slot;
		uint64_t want;
	} rows[] = {
		{ 0, 32, 0 },       { 1, 32, 32 },     { 31, 32, 32 },   { 32, 32, 32 },
		{ 33, 32, 64 },     { 12345, 1, 12345 }, { 12345, 0, 12345 }, /* 0: no slot */
		{ 1000, 8, 1000 },  { 1001, 8, 1008 },
		{ 0xfffffffffffULL, 64, 0x100000000000ULL },
	};

	for (size_t i = 0; i < N(rows); i++)
		assert_int_equal(chk_slot_round(rows[i].t, rows[i].slot), rows[i].want);
}

static void test_next_due(void **state)
{
	/* on time or late by less than an interval: one interval after the due time */
	assert_int_equal(chk_next_due(1000, 1000, 1003), 2000);
	assert_int_equal(chk_next_due(1000, 1000, 1999), 2000);
	/* ended just at, or after, the next due time: now, no catch-up burst */
	assert_int_equal(chk_next_due(1000, 1000, 2000), 2000);
	assert_int_equal(chk_next_due(1000, 1000, 5432), 5432);
	assert_int_equal(chk_next_due(1000, 0, 1000), 1000);
}

/* xorshift: reproducible "random" wake-up delays and run lengths */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A checker driven as chk_engine.c drives it: the loop fires the timer at
 * the rounded due time or up to 3 ms later (epoll's rounding, a busy
 * loop), the run takes up to max_run ms, then the next run is scheduled.
 * Returns the number of runs that started before end. */
static unsigned simulate(uint32_t interval, uint32_t max_run, uint64_t end, uint64_t seed)
{
	uint32_t slot = chk_slot(interval);
	uint64_t due = 7, start, done, s = seed | 1;
	unsigned runs = 0;

	for (;;) {
		start = chk_slot_round(due, slot) + rnd(&s) % 4;
		if (start >= end)
			return runs;
		assert_true(start >= due);                 /* never early */
		assert_true(start - due < slot + 4);       /* late by the slot at most */
		runs++;
		done = start + rnd(&s) % (max_run + 1);
		due = chk_next_due(due, interval, done);
	}
}

static void test_no_drift(void **state)
{
	static const uint32_t intervals[] = { 100, 200, 1000, 2000, 3000 };

	for (size_t i = 0; i < N(intervals); i++) {
		uint32_t ivl = intervals[i];
		uint64_t end = 7 + 1000ULL * ivl; /* exactly 1,000 periods */

		/* runs shorter than the interval: one run per period, none lost
		 * to the slot or to the late wake-ups (the old drift: 977/s
		 * instead of 1,000 at 0.1 s) */
		assert_int_equal(simulate(ivl, ivl / 2, end, 42 + i), 1000);
	}
}

static void test_overrun(void **state)
{
	/* a run longer than the interval: the next starts when it ends
	 * (rounded to the slot), fewer runs, and never two at once */
	uint64_t due = 0, done = 2500;

	due = chk_next_due(due, 1000, done);
	assert_int_equal(due, 2500);
	assert_int_equal(chk_slot_round(due, chk_slot(1000)), 2528);
	assert_true(simulate(1000, 3000, 100000, 7) < 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot),
		cmocka_unit_test(test_slot_round),
		cmocka_unit_test(test_next_due),
		cmocka_unit_test(test_no_drift),
		cmocka_unit_test(test_overrun),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
