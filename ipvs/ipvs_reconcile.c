/* ipvs_reconcile.c - diff of the desired IPVS table against the kernel's
 * (rules in ipvs_reconcile.h). Inputs are reached through sorted arrays of
 * pointers; real servers, the bulk, are matched desired <-> kernel <->
 * owned by merge walks, so a table of 10,000 real servers costs O(n) (its
 * arrays arrive sorted) to O(n log n), while the output follows the
 * desired table's order (then the kernel's, sorted). */
#include "ipvs/ipvs_reconcile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef int (*elem_cmp)(const void *a, const void *b);

struct sorted {
	const void **v;
	size_t n;
	elem_cmp cmp;
};

struct rctx {
	struct sorted dsvc, ddest, ksvc, kdest, osvc, odest;
	bool *goes; /* per ksvc.v[i]: deleted by this pass */
	const struct ipvs_dest *kbase;         /* the kernel's array */
	const struct ipvs_dest **dmatch;       /* per desired dest: the kernel's, or NULL */
	bool *downed, *kdesired, *kowned;      /* per desired / kernel dest */
	struct ipvs_op *out;
	size_t max, n;
	bool overflow;
};

static int svc_cmp(const void *a, const void *b)
{
	return ipvs_svc_key_cmp(&((const struct ipvs_service *)a)->key,
				&((const struct ipvs_service *)b)->key);
}

static int dest_cmp(const void *a, const void *b)
{
	return ipvs_dest_cmp_key(a, b);
}

static int key_cmp(const void *a, const void *b)
{
	return ipvs_svc_key_cmp(a, b);
}

static int dkey_cmp(const void *a, const void *b)
{
	return ipvs_dest_key_cmp(a, b);
}

static int ptr_cmp(const void *a, const void *b, void *cmp)
{
	return ((elem_cmp)cmp)(*(const void *const *)a, *(const void *const *)b);
}

static int sort_init(struct sorted *s, const void *base, size_t n, size_t size, elem_cmp cmp)
{
	s->n = n;
	s->cmp = cmp;
	s->v = calloc(n ? n : 1, sizeof(*s->v));
	if (!s->v)
		return -1;
	for (size_t i = 0; i < n; i++)
		s->v[i] = (const char *)base + i * size;
	/* the kept view and the owned set are sorted already, and so is a
	 * table configured in order: O(n) instead of O(n log n) */
	for (size_t i = 1; i < n; i++)
		if (cmp(s->v[i - 1], s->v[i]) > 0) {
			qsort_r(s->v, n, sizeof(*s->v), ptr_cmp, (void *)cmp);
			break;
		}
	return 0;
}

/* Index of the element equal to key, or s->n. */
static size_t find_at(const struct sorted *s, const void *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = s->cmp(s->v[mid], key);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return s->n;
}

static const void *find(const struct sorted *s, const void *key)
{
	size_t i = find_at(s, key);

	return i < s->n ? s->v[i] : NULL;
}

static bool svc_owned(const struct rctx *c, const struct ipvs_svc_key *k)
{
	return find(&c->osvc, k) != NULL;
}

/* A real server and an owned key, in ipvs_dest_key_cmp()'s order. */
static int dest_dkey_cmp(const void *d, const void *k)
{
	struct ipvs_dest_key dk;

	ipvs_dest_key_of(d, &dk);
	return ipvs_dest_key_cmp(&dk, k);
}

/* Walk two sorted arrays together: on(a's index, b's element) for every
 * element of a that has an equal in b. O(na + nb) compares. */
static void merge_walk(const struct sorted *a, const void *abase, size_t asize,
		       const struct sorted *b, int (*cmp)(const void *, const void *),
		       void (*on)(struct rctx *c, size_t ai, const void *be), struct rctx *c)
{
	size_t i = 0, j = 0;

	while (i < a->n && j < b->n) {
		int r = cmp(a->v[i], b->v[j]);

		if (r < 0) {
			i++;
		} else if (r > 0) {
			j++;
		} else {
			on(c, (size_t)((const char *)a->v[i] - (const char *)abase) / asize, b->v[j]);
			i++;
		}
	}
}

static void on_dmatch(struct rctx *c, size_t di, const void *k)
{
	c->dmatch[di] = k;
	c->kdesired[(const struct ipvs_dest *)k - c->kbase] = true;
}

static void on_downed(struct rctx *c, size_t di, const void *k)
{
	c->downed[di] = true;
}

static void on_kowned(struct rctx *c, size_t ki, const void *k)
{
	c->kowned[ki] = true;
}

static bool kdest_owned(const struct rctx *c, const struct ipvs_dest *k)
{
	return c->kowned[k - c->kbase];
}

static void emit(struct rctx *c, enum ipvs_op_kind kind, const struct ipvs_service *s,
		 const struct ipvs_dest *d)
{
	struct ipvs_op *op;

	if (c->n >= c->max) {
		c->overflow = true;
		return;
	}
	op = &c->out[c->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	if (s)
		op->svc = *s;
	if (d)
		op->dest = *d;
}

/* Would this kernel service be deleted? Owned, not desired, and holding no
 * real server we do not own (kernel dests are sorted by service first). */
static bool svc_goes(const struct rctx *c, const struct ipvs_service *k)
{
	size_t lo = 0, hi = c->kdest.n;

	if (find(&c->dsvc, k) || !svc_owned(c, &k->key))
		return false;
	while (lo < hi) { /* first real server of this service */
		size_t mid = lo + (hi - lo) / 2;
		const struct ipvs_dest *d = c->kdest.v[mid];

		if (ipvs_svc_key_cmp(&d->svc, &k->key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->kdest.n; lo++) {
		const struct ipvs_dest *d = c->kdest.v[lo];

		if (ipvs_svc_key_cmp(&d->svc, &k->key) != 0)
			break;
		if (!kdest_owned(c, d))
			return false;
	}
	return true;
}

static void desired_services(struct rctx *c, const struct ipvs_table *desired)
{
	for (size_t i = 0; i < desired->n_svcs; i++) {
		const struct ipvs_service *d = &desired->svcs[i];
		const struct ipvs_service *k = find(&c->ksvc, d);

		if (!k)
			emit(c, IPVS_OP_ADD_SVC, d, NULL);
		else if (!ipvs_service_same(d, k))
			emit(c, IPVS_OP_EDIT_SVC, d, NULL);
		else if (!svc_owned(c, &d->key))
			emit(c, IPVS_OP_ADOPT_SVC, d, NULL);
	}
}

static int desired_dests(struct rctx *c, const struct ipvs_table *desired)
{
	for (size_t i = 0; i < desired->n_dests; i++) {
		const struct ipvs_dest *d = &desired->dests[i];
		struct ipvs_service s = { .key = d->svc };
		const struct ipvs_dest *k;

		if (!find(&c->dsvc, &s))
			return -1;
		k = c->dmatch[i];
		if (!k)
			emit(c, IPVS_OP_ADD_DEST, NULL, d);
		else if (!ipvs_dest_same(d, k))
			emit(c, IPVS_OP_EDIT_DEST, NULL, d);
		else if (!c->downed[i])
			emit(c, IPVS_OP_ADOPT_DEST, NULL, d);
	}
	return 0;
}

static void stale_entries(struct rctx *c)
{
	for (size_t i = 0; i < c->ksvc.n; i++)
		c->goes[i] = svc_goes(c, c->ksvc.v[i]);
	for (size_t i = 0; i < c->kdest.n; i++) {
		const struct ipvs_dest *k = c->kdest.v[i];
		struct ipvs_service s = { .key = k->svc };
		size_t at = find_at(&c->ksvc, &s);

		if (c->kdesired[k - c->kbase] || !kdest_owned(c, k))
			continue;
		if (at < c->ksvc.n && c->goes[at])
			continue; /* goes with its service */
		emit(c, IPVS_OP_DEL_DEST, NULL, k);
	}
	for (size_t i = 0; i < c->ksvc.n; i++) {
		if (c->goes[i])
			emit(c, IPVS_OP_DEL_SVC, c->ksvc.v[i], NULL);
	}
}

static int rctx_init(struct rctx *c, const struct ipvs_table *d, const struct ipvs_table *k,
		     const struct ipvs_owned *o)
{
	if (sort_init(&c->dsvc, d->svcs, d->n_svcs, sizeof(*d->svcs), svc_cmp) < 0 ||
	    sort_init(&c->ddest, d->dests, d->n_dests, sizeof(*d->dests), dest_cmp) < 0 ||
	    sort_init(&c->ksvc, k->svcs, k->n_svcs, sizeof(*k->svcs), svc_cmp) < 0 ||
	    sort_init(&c->kdest, k->dests, k->n_dests, sizeof(*k->dests), dest_cmp) < 0 ||
	    sort_init(&c->osvc, o->svcs, o->n_svcs, sizeof(*o->svcs), key_cmp) < 0 ||
	    sort_init(&c->odest, o->dests, o->n_dests, sizeof(*o->dests), dkey_cmp) < 0)
		return -1;
	c->goes = calloc(k->n_svcs ? k->n_svcs : 1, sizeof(*c->goes));
	c->dmatch = calloc(d->n_dests ? d->n_dests : 1, sizeof(*c->dmatch));
	c->downed = calloc(d->n_dests ? d->n_dests : 1, sizeof(*c->downed));
	c->kdesired = calloc(k->n_dests ? k->n_dests : 1, sizeof(*c->kdesired));
	c->kowned = calloc(k->n_dests ? k->n_dests : 1, sizeof(*c->kowned));
	if (!c->goes || !c->dmatch || !c->downed || !c->kdesired || !c->kowned)
		return -1;
	c->kbase = k->dests;
	merge_walk(&c->ddest, d->dests, sizeof(*d->dests), &c->kdest, dest_cmp, on_dmatch, c);
	merge_walk(&c->ddest, d->dests, sizeof(*d->dests), &c->odest, dest_dkey_cmp, on_downed, c);
	merge_walk(&c->kdest, k->dests, sizeof(*k->dests), &c->odest, dest_dkey_cmp, on_kowned, c);
	return 0;
}

static void rctx_free(struct rctx *c)
{
	free(c->dsvc.v);
	free(c->ddest.v);
	free(c->ksvc.v);
	free(c->kdest.v);
	free(c->osvc.v);
	free(c->odest.v);
	free(c->goes);
	free(c->dmatch);
	free(c->downed);
	free(c->kdesired);
	free(c->kowned);
}

size_t ipvs_reconcile_max_ops(const struct ipvs_table *desired, const struct ipvs_table *kernel)
{
	return desired->n_svcs + desired->n_dests + kernel->n_svcs + kernel->n_dests;
}

ssize_t ipvs_reconcile(const struct ipvs_table *desired, const struct ipvs_table *kernel,
		       const struct ipvs_owned *owned, struct ipvs_op *out, size_t max)
{
	struct rctx c;
	int err = 0;

	memset(&c, 0, sizeof(c));
	c.out = out;
	c.max = max;
	if (rctx_init(&c, desired, kernel, owned) < 0) {
		rctx_free(&c);
		errno = ENOMEM;
		return -1;
	}
	desired_services(&c, desired);
	if (desired_dests(&c, desired) < 0)
		err = EINVAL;
	else
		stale_entries(&c);
	if (!err && c.overflow)
		err = ENOSPC;
	rctx_free(&c);
	if (err) {
		errno = err;
		return -1;
	}
	return (ssize_t)c.n;
}

const char *ipvs_op_name(enum ipvs_op_kind kind)
{
	static const char *const names[] = {
		[IPVS_OP_ADD_SVC] = "add-service",
		[IPVS_OP_EDIT_SVC] = "edit-service",
		[IPVS_OP_ADOPT_SVC] = "adopt-service",
		[IPVS_OP_ADD_DEST] = "add-dest",
		[IPVS_OP_EDIT_DEST] = "edit-dest",
		[IPVS_OP_ADOPT_DEST] = "adopt-dest",
		[IPVS_OP_DEL_DEST] = "del-dest",
		[IPVS_OP_DEL_SVC] = "del-service",
	};

	if ((unsigned)kind >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[kind];
}
