/* ipvs_view.h - what the kernel's IPVS table holds, kept between passes,
 * and what Tandem owns in it. Pure: no sockets, no clock.
 *
 * A pass that dumped the kernel fills the view (ipvs_view_dumped()); later
 * passes reconcile against it without a dump, and ipvs_view_apply() moves it
 * forward with the operations the kernel acknowledged. It stays valid only
 * while it is known to equal the kernel: any failed operation, even a benign
 * one (EEXIST: the entry was already there, so somebody else changed the
 * table), drops it, and the next pass dumps again. Changes made behind our
 * back that cause no error (an `ipvsadm -d` of one of our real servers) are
 * found by the periodic resync dump (ipvs_run.h). Ownership is not part of
 * the kernel's state: it survives invalidation and dumps.
 *
 * Real servers are only dumped for the services we want or own: a foreign
 * service's real servers are none of our business, so such services are
 * listed in `undumped`; a pass that comes to want one must dump. */
#ifndef TANDEM_IPVS_VIEW_H
#define TANDEM_IPVS_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "ipvs/ipvs.h"
#include "ipvs/ipvs_reconcile.h"

/* A growable array kept sorted by cmp (between dumps and merges). */
struct ipvs_sorted {
	void *v;
	size_t n, cap, size;
	int (*cmp)(const void *a, const void *b);
};

struct ipvs_view {
	struct ipvs_sorted svcs;     /* struct ipvs_service, by key */
	struct ipvs_sorted dests;    /* struct ipvs_dest, by key: a service's are adjacent */
	struct ipvs_sorted undumped; /* struct ipvs_svc_key: services whose real servers we did not dump */
	struct ipvs_sorted osvc;     /* owned services: struct ipvs_svc_key */
	struct ipvs_sorted odest;    /* owned real servers: struct ipvs_dest_key */
	bool valid;                  /* svcs/dests/undumped equal the kernel's table */
};

void ipvs_view_init(struct ipvs_view *v);
void ipvs_view_free(struct ipvs_view *v);
/* Forget the kernel part (ownership stays): the next pass must dump. */
void ipvs_view_invalidate(struct ipvs_view *v);

/* A dump: ipvs_view_invalidate(), then the entries in any order (NULL:
 * out of memory), then ipvs_view_dumped() sorts them and makes the view
 * valid. */
struct ipvs_service *ipvs_view_push_svc(struct ipvs_view *v);
struct ipvs_dest *ipvs_view_push_dest(struct ipvs_view *v);
int ipvs_view_push_undumped(struct ipvs_view *v, const struct ipvs_svc_key *k);
void ipvs_view_dumped(struct ipvs_view *v);

bool ipvs_view_owns_svc(const struct ipvs_view *v, const struct ipvs_svc_key *k);
/* k is in the view but its real servers were not dumped. */
bool ipvs_view_is_undumped(const struct ipvs_view *v, const struct ipvs_svc_key *k);

/* A kernel error the reconciler's rules make harmless: an existing entry
 * on add, a missing one on delete (err: negative errno; 0 is not). */
bool ipvs_op_benign(enum ipvs_op_kind kind, int err);

/* The outcome of a pass: ops[i] was answered err[i] (0 or a negative
 * errno). Ownership follows the operations that succeeded or failed
 * benignly (ipvs_reconcile.h); the kernel part follows them when every
 * one succeeded, else it is invalidated. O(m log m + n) for m operations
 * on n entries, O(m log n) when they only edit or adopt. Returns 0, or -1
 * when memory ran out (the view is invalidated, ownership may lack this
 * pass's additions: they are adopted again by the next pass). */
int ipvs_view_apply(struct ipvs_view *v, const struct ipvs_op *ops, const int *err, size_t n);

/* The whole view as the reconciler's inputs (pointers into the view). */
void ipvs_view_tables(const struct ipvs_view *v, struct ipvs_table *kernel,
		      struct ipvs_owned *owned);

/* Only the services keys[0..n) (sorted, unique) and their real servers, as
 * the reconciler's inputs: copies, freed by ipvs_view_slice_free(). Costs
 * O(n log N + what the slice holds). 0 or -1 (ENOMEM). */
struct ipvs_view_slice {
	struct ipvs_table kernel;
	struct ipvs_owned owned;
	struct ipvs_sorted mem[4];
};
int ipvs_view_slice(const struct ipvs_view *v, const struct ipvs_svc_key *keys, size_t n,
		    struct ipvs_view_slice *out);
void ipvs_view_slice_free(struct ipvs_view_slice *s);

/* Every service of the view is in keys[0..n) (sorted): the whole view is
 * then that slice, and ipvs_view_tables() gives it without copies. */
bool ipvs_view_covered(const struct ipvs_view *v, const struct ipvs_svc_key *keys, size_t n);

/* Sort keys and drop duplicates; returns the new count. */
size_t ipvs_svc_keys_sort(struct ipvs_svc_key *keys, size_t n);

#endif
