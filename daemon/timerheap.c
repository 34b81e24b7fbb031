/* timerheap.c - binary min-heap of intrusive timer nodes.
 *
 * Ordered by (when, seq): seq is a per-heap counter handed out on every
 * th_set(), so nodes with equal deadlines come out in the order they were
 * (re)armed. Every node knows its slot, which makes remove and re-key
 * O(log n) without searching. */
#include "daemon/timerheap.h"

#include <errno.h>
#include <stdlib.h>

#define TH_INITIAL_CAP 16

void th_init(struct timerheap *h)
{
	h->v = NULL;
	h->n = 0;
	h->cap = 0;
	h->next_seq = 0;
}

/* Queued nodes are not touched: their owners may already be gone (cancel
 * before freeing an owner). A queued node must not be used afterwards. */
void th_free(struct timerheap *h)
{
	free(h->v);
	th_init(h);
}

void th_node_init(struct th_node *n)
{
	n->when = 0;
	n->seq = 0;
	n->idx = TH_NONE;
}

bool th_queued(const struct th_node *n)
{
	return n->idx != TH_NONE;
}

static bool th_less(const struct th_node *a, const struct th_node *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	return a->seq < b->seq;
}

static void th_place(struct timerheap *h, size_t i, struct th_node *n)
{
	h->v[i] = n;
	n->idx = i;
}

static void th_sift_up(struct timerheap *h, size_t i)
{
	struct th_node *n = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!th_less(n, h->v[parent]))
			break;
		th_place(h, i, h->v[parent]);
		i = parent;
	}
	th_place(h, i, n);
}

static void th_sift_down(struct timerheap *h, size_t i)
{
	struct th_node *n = h->v[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= h->n)
			break;
		if (child + 1 < h->n && th_less(h->v[child + 1], h->v[child]))
			child++;
		if (!th_less(h->v[child], n))
			break;
		th_place(h, i, h->v[child]);
		i = child;
	}
	th_place(h, i, n);
}

/* Restore the heap property around slot i after its key changed either way. */
static void th_fix(struct timerheap *h, size_t i)
{
	if (i > 0 && th_less(h->v[i], h->v[(i - 1) / 2]))
		th_sift_up(h, i);
	else
		th_sift_down(h, i);
}

static int th_grow(struct timerheap *h)
{
	size_t cap = h->cap ? h->cap * 2 : TH_INITIAL_CAP;
	struct th_node **v;

	if (cap < h->cap || cap > SIZE_MAX / sizeof(*v)) {
		errno = ENOMEM;
		return -1;
	}
	v = realloc(h->v, cap * sizeof(*v));
	if (v == NULL)
		return -1;
	h->v = v;
	h->cap = cap;
	return 0;
}

int th_set(struct timerheap *h, struct th_node *n, uint64_t when)
{
	n->when = when;
	n->seq = h->next_seq++;
	if (th_queued(n)) {
		th_fix(h, n->idx);
		return 0;
	}
	if (h->n == h->cap && th_grow(h) < 0)
		return -1;
	th_place(h, h->n++, n);
	th_sift_up(h, n->idx);
	return 0;
}

void th_remove(struct timerheap *h, struct th_node *n)
{
	size_t i = n->idx;
	struct th_node *last;

	if (!th_queued(n))
		return;
	last = h->v[--h->n];
	n->idx = TH_NONE;
	if (last == n)
		return;
	th_place(h, i, last);
	th_fix(h, i);
}

struct th_node *th_peek(const struct timerheap *h)
{
	return h->n > 0 ? h->v[0] : NULL;
}

struct th_node *th_pop_due(struct timerheap *h, uint64_t now)
{
	struct th_node *n = th_peek(h);

	if (n == NULL || n->when > now)
		return NULL;
	th_remove(h, n);
	return n;
}
