/* test_timerheap.c - the timer heap: ordering, FIFO ties, remove, re-key. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "daemon/timerheap.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_NODES 64

/* Every parent sorts before its children and every node knows its slot. */
static void assert_heap_valid(const struct timerheap *h)
{
	assert_true(h->n <= h->cap);
	for (size_t i = 0; i < h->n; i++) {
		const struct th_node *n = h->v[i];

		assert_int_equal(n->idx, i);
		if (i > 0) {
			const struct th_node *p = h->v[(i - 1) / 2];

			assert_true(p->when < n->when ||
				    (p->when == n->when && p->seq < n->seq));
		}
	}
}

/* Pop everything, asserting (when, seq) strictly increases; returns count. */
static size_t drain_sorted(struct timerheap *h)
{
	struct th_node *prev = NULL, *n;
	size_t count = 0;

	while ((n = th_pop_due(h, UINT64_MAX)) != NULL) {
		assert_false(th_queued(n));
		if (prev != NULL)
			assert_true(prev->when < n->when ||
				    (prev->when == n->when && prev->seq < n->seq));
		prev = n;
		count++;
		assert_heap_valid(h);
	}
	assert_int_equal(h->n, 0);
	return count;
}

struct sort_case {
	const char *name;
	size_t n;
	uint64_t when[MAX_NODES];
};

static const struct sort_case sort_cases[] = {
	{ "single", 1, { 7 } },
	{ "ascending", 6, { 1, 2, 3, 4, 5, 6 } },
	{ "descending", 6, { 6, 5, 4, 3, 2, 1 } },
	{ "duplicates", 8, { 5, 1, 5, 1, 5, 0, 9, 0 } },
	{ "zero and max", 4, { UINT64_MAX, 0, UINT64_MAX - 1, 1 } },
	{ "beyond initial capacity", 40, { 40, 39, 38, 37, 36, 35, 34, 33, 32, 31,
		30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15,
		14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 } },
};

static void test_pops_sorted(void **state)
{
	for (size_t c = 0; c < ARRAY_LEN(sort_cases); c++) {
		const struct sort_case *sc = &sort_cases[c];
		struct th_node nodes[MAX_NODES];
		struct timerheap h;

		th_init(&h);
		for (size_t i = 0; i < sc->n; i++) {
			th_node_init(&nodes[i]);
			assert_int_equal(th_set(&h, &nodes[i], sc->when[i]), 0);
			assert_true(th_queued(&nodes[i]));
			assert_heap_valid(&h);
		}
		assert_int_equal(drain_sorted(&h), sc->n);
		th_free(&h);
	}
}

/* Equal deadlines come out in insertion order. */
static void test_fifo_equal_deadlines(void **state)
{
	static const uint64_t when[] = { 5, 3, 5, 3, 5, 3 };
	static const size_t expect[] = { 1, 3, 5, 0, 2, 4 };
	struct th_node nodes[ARRAY_LEN(when)];
	struct timerheap h;

	th_init(&h);
	for (size_t i = 0; i < ARRAY_LEN(when); i++) {
		th_node_init(&nodes[i]);
		assert_int_equal(th_set(&h, &nodes[i], when[i]), 0);
	}
	for (size_t i = 0; i < ARRAY_LEN(expect); i++)
		assert_ptr_equal(th_pop_due(&h, 10), &nodes[expect[i]]);
	assert_null(th_pop_due(&h, 10));
	th_free(&h);
}

struct remove_case {
	const char *name;
	size_t remove_idx; /* index into nodes[] */
};

static const struct remove_case remove_cases[] = {
	{ "root", 0 }, { "middle", 4 }, { "leaf", 9 }, { "last inserted", 11 },
};

static void test_remove(void **state)
{
	static const uint64_t when[] = { 1, 8, 3, 7, 4, 6, 5, 2, 9, 12, 10, 11 };

	for (size_t c = 0; c < ARRAY_LEN(remove_cases); c++) {
		struct th_node nodes[ARRAY_LEN(when)];
		struct th_node *gone = &nodes[remove_cases[c].remove_idx];
		struct th_node *n;
		struct timerheap h;

		th_init(&h);
		for (size_t i = 0; i < ARRAY_LEN(when); i++) {
			th_node_init(&nodes[i]);
			assert_int_equal(th_set(&h, &nodes[i], when[i]), 0);
		}
		th_remove(&h, gone);
		assert_false(th_queued(gone));
		assert_int_equal(h.n, ARRAY_LEN(when) - 1);
		assert_heap_valid(&h);
		th_remove(&h, gone); /* a second remove is a no-op */
		assert_int_equal(h.n, ARRAY_LEN(when) - 1);
		while ((n = th_pop_due(&h, UINT64_MAX)) != NULL)
			assert_ptr_not_equal(n, gone);
		th_free(&h);
	}
}

static void test_rearm_moves(void **state)
{
	struct th_node a, b, c;
	struct timerheap h;

	th_init(&h);
	th_node_init(&a);
	th_node_init(&b);
	th_node_init(&c);
	th_set(&h, &a, 50);
	th_set(&h, &b, 100);
	th_set(&h, &c, 150);

	th_set(&h, &b, 10); /* earlier: moves up */
	assert_heap_valid(&h);
	assert_ptr_equal(th_peek(&h), &b);
	assert_int_equal(h.n, 3);

	th_set(&h, &b, 200); /* later: moves down */
	assert_heap_valid(&h);
	assert_ptr_equal(th_peek(&h), &a);
	assert_int_equal(h.n, 3);

	/* Re-arming to an equal deadline takes a new seq: it goes after c. */
	th_set(&h, &a, 150);
	assert_heap_valid(&h);
	assert_ptr_equal(th_pop_due(&h, UINT64_MAX), &c);
	assert_ptr_equal(th_pop_due(&h, UINT64_MAX), &a);
	assert_ptr_equal(th_pop_due(&h, UINT64_MAX), &b);
	assert_null(th_pop_due(&h, UINT64_MAX));
	th_free(&h);
}

static void test_pop_due_respects_now(void **state)
{
	struct th_node n10, n20, n30;
	struct timerheap h;

	th_init(&h);
	assert_null(th_peek(&h));
	assert_null(th_pop_due(&h, UINT64_MAX));
	th_node_init(&n10);
	th_node_init(&n20);
	th_node_init(&n30);
	th_set(&h, &n30, 30);
	th_set(&h, &n10, 10);
	th_set(&h, &n20, 20);

	assert_null(th_pop_due(&h, 9));
	assert_int_equal(h.n, 3);
	assert_ptr_equal(th_pop_due(&h, 20), &n10); /* when < now */
	assert_ptr_equal(th_pop_due(&h, 20), &n20); /* when == now is due */
	assert_null(th_pop_due(&h, 20));
	assert_ptr_equal(th_peek(&h), &n30);
	assert_true(th_queued(&n30));
	assert_ptr_equal(th_pop_due(&h, 31), &n30);
	th_free(&h);
}

/* th_free() leaves an empty heap that can be used again. */
static void test_free_and_reuse(void **state)
{
	struct th_node a, b;
	struct timerheap h;

	th_init(&h);
	th_node_init(&a);
	th_node_init(&b);
	assert_false(th_queued(&a));
	th_set(&h, &a, 1);
	th_set(&h, &b, 2);
	th_free(&h);
	assert_null(th_peek(&h));
	assert_int_equal(h.n, 0);

	th_node_init(&a);
	th_node_init(&b);
	assert_int_equal(th_set(&h, &b, 4), 0);
	assert_int_equal(th_set(&h, &a, 3), 0);
	assert_ptr_equal(th_pop_due(&h, 5), &a);
	assert_ptr_equal(th_pop_due(&h, 5), &b);
	th_free(&h);
}

/* Random inserts, re-arms and removes checked against a plain array. */
static void test_randomised(void **state)
{
	enum { N = 200, OPS = 5000 };
	static struct th_node nodes[N];
	struct timerheap h;
	size_t queued = 0;

	srand(12345);
	th_init(&h);
	for (size_t i = 0; i < N; i++)
		th_node_init(&nodes[i]);
	for (int op = 0; op < OPS; op++) {
		struct th_node *n = &nodes[(size_t)rand() % N];

		if (rand() % 3 == 0) {
			queued -= th_queued(n);
			th_remove(&h, n);
		} else {
			queued += !th_queued(n);
			assert_int_equal(th_set(&h, n, (uint64_t)(rand() % 50)), 0);
		}
		assert_int_equal(h.n, queued);
		assert_heap_valid(&h);
	}
	/* The earliest queued node (by when, then seq) must be the root. */
	if (queued > 0) {
		struct th_node *min = NULL;

		for (size_t i = 0; i < N; i++)
			if (th_queued(&nodes[i]) &&
			    (min == NULL || nodes[i].when < min->when ||
			     (nodes[i].when == min->when && nodes[i].seq < min->seq)))
				min = &nodes[i];
		assert_ptr_equal(th_peek(&h), min);
	}
	assert_int_equal(drain_sorted(&h), queued);
	th_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pops_sorted),
		cmocka_unit_test(test_fifo_equal_deadlines),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_rearm_moves),
		cmocka_unit_test(test_pop_due_respects_now),
		cmocka_unit_test(test_free_and_reuse),
		cmocka_unit_test(test_randomised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
