/* timerheap.h - binary min-heap of intrusive timers keyed by absolute
 * monotonic milliseconds. Pure data structure: no clock reads. */
#ifndef TANDEM_TIMERHEAP_H
#define TANDEM_TIMERHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct th_node {
	uint64_t when;   /* absolute ms */
	uint64_t seq;    /* insertion order: equal deadlines fire FIFO */
	size_t idx;      /* position in the heap, TH_NONE when not queued */
};

#define TH_NONE ((size_t)-1)

struct timerheap {
	struct th_node **v;
	size_t n, cap;
	uint64_t next_seq;
};

void th_init(struct timerheap *h);
void th_free(struct timerheap *h);
void th_node_init(struct th_node *n);
bool th_queued(const struct th_node *n);
/* Insert or move n to deadline when. Returns 0 or -1 on ENOMEM. */
int th_set(struct timerheap *h, struct th_node *n, uint64_t when);
void th_remove(struct timerheap *h, struct th_node *n);
struct th_node *th_peek(const struct timerheap *h);
/* Remove and return the earliest node if its deadline is <= now, else NULL. */
struct th_node *th_pop_due(struct timerheap *h, uint64_t now);

#endif
