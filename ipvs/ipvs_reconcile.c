/* ipvs_reconcile.c - diff of the desired IPVS table against the kernel's
 * (rules in ipvs_reconcile.h). Lookups go through sorted arrays of
 * pointers, so a table of 10,000 real servers costs O(n log n), while the
 * output follows the desired table's order (then the kernel's, sorted). */
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
	qsort_r(s->v, n, sizeof(*s->v), ptr_cmp, (void *)cmp);
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

static bool dest_owned(const struct rctx *c, const struct ipvs_dest *d)
{
	struct ipvs_dest_key k;

	ipvs_dest_key_of(d, &k);
	return find(&c->odest, &k) != NULL;
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
		if (!dest_owned(c, d))
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
		k = find(&c->kdest, d);
		if (!k)
			emit(c, IPVS_OP_ADD_DEST, NULL, d);
		else if (!ipvs_dest_same(d, k))
			emit(c, IPVS_OP_EDIT_DEST, NULL, d);
		else if (!dest_owned(c, d))
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

		if (find(&c->ddest, k) || !dest_owned(c, k))
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
	return c->goes ? 0 : -1;
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
