/* ipvs_view.c - the kernel's IPVS table and our ownership, kept between
 * passes (rules in ipvs_view.h). Sorted arrays: lookups by binary search,
 * a pass's changes merged in one sweep instead of re-sorting everything. */
#include "ipvs/ipvs_view.h"

#include <assert.h>
#include <linux/ip_vs.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs/ipvs_msg.h"

/* Services, real servers and both key types start with their service's
 * key: one compare finds a service's entries in any of the arrays. */
static_assert(offsetof(struct ipvs_service, key) == 0, "service key first");
static_assert(offsetof(struct ipvs_dest, svc) == 0, "dest service first");
static_assert(offsetof(struct ipvs_dest_key, svc) == 0, "dest key service first");

static int svc_prefix_cmp(const void *a, const void *b)
{
	return ipvs_svc_key_cmp(a, b);
}

static int dest_cmp(const void *a, const void *b)
{
	return ipvs_dest_cmp_key(a, b);
}

static int dkey_cmp(const void *a, const void *b)
{
	return ipvs_dest_key_cmp(a, b);
}

/* ---- sorted arrays ---- */

static void sorted_init(struct ipvs_sorted *s, size_t size, int (*cmp)(const void *, const void *))
{
	memset(s, 0, sizeof(*s));
	s->size = size;
	s->cmp = cmp;
}

static void sorted_free(struct ipvs_sorted *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static void *at(const struct ipvs_sorted *s, size_t i)
{
	return (char *)s->v + i * s->size;
}

static int sorted_reserve(struct ipvs_sorted *s, size_t more)
{
	size_t cap = s->cap ? s->cap : 64;
	void *n;

	if (s->n + more <= s->cap)
		return 0;
	while (cap < s->n + more)
		cap *= 2;
	if (!(n = realloc(s->v, cap * s->size)))
		return -1;
	s->v = n;
	s->cap = cap;
	return 0;
}

static void *sorted_push(struct ipvs_sorted *s)
{
	if (sorted_reserve(s, 1) < 0)
		return NULL;
	return memset(at(s, s->n++), 0, s->size);
}

static int sorted_append(struct ipvs_sorted *s, const void *src, size_t count)
{
	if (!count)
		return 0;
	if (sorted_reserve(s, count) < 0)
		return -1;
	memcpy(at(s, s->n), src, count * s->size);
	s->n += count;
	return 0;
}

/* Sorted already, most of the time: a pass's operations follow the
 * desired table, configured in order, and dumps come in hash order. */
static void sorted_sort(struct ipvs_sorted *s)
{
	for (size_t i = 1; i < s->n; i++)
		if (s->cmp(at(s, i - 1), at(s, i)) > 0) {
			qsort(s->v, s->n, s->size, s->cmp);
			return;
		}
}

static void *sorted_find(const struct ipvs_sorted *s, const void *key)
{
	return s->n ? bsearch(key, s->v, s->n, s->size, s->cmp) : NULL;
}

/* [*lo, return) is the run of entries of service k. */
static size_t svc_range(const struct ipvs_sorted *s, const struct ipvs_svc_key *k, size_t *lo)
{
	size_t l = 0, h = s->n;

	while (l < h) {
		size_t mid = l + (h - l) / 2;

		if (svc_prefix_cmp(at(s, mid), k) < 0)
			l = mid + 1;
		else
			h = mid;
	}
	*lo = l;
	while (h < s->n && svc_prefix_cmp(at(s, h), k) == 0)
		h++;
	return h;
}

static bool dropped(const void *e, const struct ipvs_sorted *del, const struct ipvs_sorted *del_svc)
{
	if (del && sorted_find(del, e))
		return true;
	return del_svc && del_svc->n &&
	       bsearch(e, del_svc->v, del_svc->n, del_svc->size, svc_prefix_cmp);
}

/* Every entry of add is already there: overwrite them, O(m log n). */
static bool replace_in_place(struct ipvs_sorted *s, const struct ipvs_sorted *add)
{
	for (size_t j = 0; j < add->n; j++)
		if (!sorted_find(s, at(add, j)))
			return false;
	for (size_t j = 0; j < add->n; j++)
		memcpy(sorted_find(s, at(add, j)), at(add, j), s->size);
	return true;
}

/* Insert or replace the entries of add (sorted, unique, same type), then
 * drop the entries found in del (same type) or whose service is in
 * del_svc. One merge: O(n + m) moves, never a sort of the whole array.
 * Into an empty array (a first pass), add's memory is taken over. */
static int sorted_update(struct ipvs_sorted *s, struct ipvs_sorted *add,
			 const struct ipvs_sorted *del, const struct ipvs_sorted *del_svc)
{
	size_t i = 0, j = 0, k = 0, cap = s->n + add->n;
	bool no_del = (!del || !del->n) && !del_svc->n;
	char *out;

	if (no_del && !s->n) {
		struct ipvs_sorted t = *s;

		s->v = add->v, s->n = add->n, s->cap = add->cap;
		add->v = t.v, add->n = 0, add->cap = t.cap;
		return 0;
	}
	if (no_del && replace_in_place(s, add))
		return 0;
	if (!(out = malloc((cap ? cap : 1) * s->size)))
		return -1;
	while (i < s->n || j < add->n) {
		int c = i == s->n ? 1 : j == add->n ? -1 : s->cmp(at(s, i), at(add, j));
		const void *e = c < 0 ? at(s, i) : at(add, j);

		i += c <= 0;
		j += c >= 0;
		if (!dropped(e, del, del_svc))
			memcpy(out + k++ * s->size, e, s->size);
	}
	free(s->v);
	s->v = out;
	s->n = k;
	s->cap = cap ? cap : 1;
	return 0;
}

/* ---- the view ---- */

void ipvs_view_init(struct ipvs_view *v)
{
	sorted_init(&v->svcs, sizeof(struct ipvs_service), svc_prefix_cmp);
	sorted_init(&v->dests, sizeof(struct ipvs_dest), dest_cmp);
	sorted_init(&v->undumped, sizeof(struct ipvs_svc_key), svc_prefix_cmp);
	sorted_init(&v->osvc, sizeof(struct ipvs_svc_key), svc_prefix_cmp);
	sorted_init(&v->odest, sizeof(struct ipvs_dest_key), dkey_cmp);
	v->valid = false;
}

void ipvs_view_free(struct ipvs_view *v)
{
	sorted_free(&v->svcs);
	sorted_free(&v->dests);
	sorted_free(&v->undumped);
	sorted_free(&v->osvc);
	sorted_free(&v->odest);
	v->valid = false;
}

void ipvs_view_invalidate(struct ipvs_view *v)
{
	v->svcs.n = v->dests.n = v->undumped.n = 0;
	v->valid = false;
}

struct ipvs_service *ipvs_view_push_svc(struct ipvs_view *v)
{
	return sorted_push(&v->svcs);
}

struct ipvs_dest *ipvs_view_push_dest(struct ipvs_view *v)
{
	return sorted_push(&v->dests);
}

int ipvs_view_push_undumped(struct ipvs_view *v, const struct ipvs_svc_key *k)
{
	struct ipvs_svc_key *e = sorted_push(&v->undumped);

	if (!e)
		return -1;
	*e = *k;
	return 0;
}

void ipvs_view_dumped(struct ipvs_view *v)
{
	sorted_sort(&v->svcs);
	sorted_sort(&v->dests);
	sorted_sort(&v->undumped);
	v->valid = true;
}

bool ipvs_view_owns_svc(const struct ipvs_view *v, const struct ipvs_svc_key *k)
{
	return sorted_find(&v->osvc, k) != NULL;
}

bool ipvs_view_is_undumped(const struct ipvs_view *v, const struct ipvs_svc_key *k)
{
	return sorted_find(&v->undumped, k) != NULL;
}

bool ipvs_op_benign(enum ipvs_op_kind kind, int err)
{
	static const uint8_t cmd[] = {
		[IPVS_OP_ADD_SVC] = IPVS_CMD_NEW_SERVICE, [IPVS_OP_EDIT_SVC] = IPVS_CMD_SET_SERVICE,
		[IPVS_OP_ADD_DEST] = IPVS_CMD_NEW_DEST,   [IPVS_OP_EDIT_DEST] = IPVS_CMD_SET_DEST,
		[IPVS_OP_DEL_DEST] = IPVS_CMD_DEL_DEST,   [IPVS_OP_DEL_SVC] = IPVS_CMD_DEL_SERVICE,
	};

	if ((unsigned)kind >= sizeof(cmd) || !cmd[kind])
		return false; /* adopt: nothing was sent */
	return ipvs_err_benign(cmd[kind], err);
}

/* ---- applying a pass ---- */

enum { B_KSVC, B_KDEST, B_KDEST_DEL, B_GONE_SVC, B_OSVC, B_ODEST, B_ODEST_DEL, B_N };

static void batch_init(struct ipvs_sorted *b)
{
	sorted_init(&b[B_KSVC], sizeof(struct ipvs_service), svc_prefix_cmp);
	sorted_init(&b[B_KDEST], sizeof(struct ipvs_dest), dest_cmp);
	sorted_init(&b[B_KDEST_DEL], sizeof(struct ipvs_dest), dest_cmp);
	sorted_init(&b[B_GONE_SVC], sizeof(struct ipvs_svc_key), svc_prefix_cmp);
	sorted_init(&b[B_OSVC], sizeof(struct ipvs_svc_key), svc_prefix_cmp);
	sorted_init(&b[B_ODEST], sizeof(struct ipvs_dest_key), dkey_cmp);
	sorted_init(&b[B_ODEST_DEL], sizeof(struct ipvs_dest_key), dkey_cmp);
}

/* Owned from its ack on (adds, edits, adopts); disowned by a delete. */
static int collect_owned(struct ipvs_sorted *b, const struct ipvs_op *op)
{
	bool is_svc = op->kind <= IPVS_OP_ADOPT_SVC || op->kind == IPVS_OP_DEL_SVC;
	int slot = op->kind == IPVS_OP_DEL_SVC ? B_GONE_SVC : is_svc ? B_OSVC :
		   op->kind == IPVS_OP_DEL_DEST ? B_ODEST_DEL : B_ODEST;
	void *e = sorted_push(&b[slot]);

	if (!e)
		return -1;
	if (is_svc)
		memcpy(e, &op->svc.key, sizeof(op->svc.key));
	else
		ipvs_dest_key_of(&op->dest, e);
	return 0;
}

/* What the kernel holds after a successful op (adopts change nothing; a
 * deleted service is in B_GONE_SVC already). */
static int collect_kernel(struct ipvs_sorted *b, const struct ipvs_op *op)
{
	switch (op->kind) {
	case IPVS_OP_ADD_SVC:
	case IPVS_OP_EDIT_SVC:
		return sorted_append(&b[B_KSVC], &op->svc, 1);
	case IPVS_OP_ADD_DEST:
	case IPVS_OP_EDIT_DEST:
		return sorted_append(&b[B_KDEST], &op->dest, 1);
	case IPVS_OP_DEL_DEST:
		return sorted_append(&b[B_KDEST_DEL], &op->dest, 1);
	default:
		return 0;
	}
}

static int commit(struct ipvs_view *v, struct ipvs_sorted *b, bool kernel)
{
	for (int i = 0; i < B_N; i++)
		sorted_sort(&b[i]);
	if (sorted_update(&v->osvc, &b[B_OSVC], NULL, &b[B_GONE_SVC]) < 0 ||
	    sorted_update(&v->odest, &b[B_ODEST], &b[B_ODEST_DEL], &b[B_GONE_SVC]) < 0)
		return -1;
	if (!kernel)
		return 0;
	if (sorted_update(&v->svcs, &b[B_KSVC], NULL, &b[B_GONE_SVC]) < 0 ||
	    sorted_update(&v->dests, &b[B_KDEST], &b[B_KDEST_DEL], &b[B_GONE_SVC]) < 0)
		return -1;
	return 0;
}

int ipvs_view_apply(struct ipvs_view *v, const struct ipvs_op *ops, const int *err, size_t n)
{
	struct ipvs_sorted b[B_N];
	bool all_ok = true;
	int rc = 0;

	batch_init(b);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (err[i])
			all_ok = false;
		if (err[i] && !ipvs_op_benign(ops[i].kind, err[i]))
			continue; /* refused: the kernel did not change */
		rc = collect_owned(b, &ops[i]);
		if (rc == 0 && !err[i] && v->valid)
			rc = collect_kernel(b, &ops[i]);
	}
	if (rc == 0)
		rc = commit(v, b, v->valid && all_ok);
	if (rc < 0 || !all_ok)
		ipvs_view_invalidate(v);
	for (int i = 0; i < B_N; i++)
		sorted_free(&b[i]);
	return rc;
}

/* ---- what the reconciler reads ---- */

void ipvs_view_tables(const struct ipvs_view *v, struct ipvs_table *kernel,
		      struct ipvs_owned *owned)
{
	*kernel = (struct ipvs_table){ v->svcs.v, v->svcs.n, v->dests.v, v->dests.n };
	*owned = (struct ipvs_owned){ v->osvc.v, v->osvc.n, v->odest.v, v->odest.n };
}

static int slice_one(const struct ipvs_sorted *from, const struct ipvs_svc_key *k,
		     struct ipvs_sorted *to)
{
	size_t lo, hi = svc_range(from, k, &lo);

	return sorted_append(to, hi > lo ? at(from, lo) : NULL, hi - lo);
}

int ipvs_view_slice(const struct ipvs_view *v, const struct ipvs_svc_key *keys, size_t n,
		    struct ipvs_view_slice *out)
{
	const struct ipvs_sorted *from[4] = { &v->svcs, &v->dests, &v->osvc, &v->odest };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 4; i++)
		sorted_init(&out->mem[i], from[i]->size, from[i]->cmp);
	for (size_t k = 0; k < n && rc == 0; k++)
		for (int i = 0; i < 4 && rc == 0; i++)
			rc = slice_one(from[i], &keys[k], &out->mem[i]);
	if (rc < 0) {
		ipvs_view_slice_free(out);
		return -1;
	}
	out->kernel = (struct ipvs_table){ out->mem[0].v, out->mem[0].n, out->mem[1].v,
					   out->mem[1].n };
	out->owned = (struct ipvs_owned){ out->mem[2].v, out->mem[2].n, out->mem[3].v,
					  out->mem[3].n };
	return 0;
}

void ipvs_view_slice_free(struct ipvs_view_slice *s)
{
	for (int i = 0; i < 4; i++)
		sorted_free(&s->mem[i]);
}

bool ipvs_view_covered(const struct ipvs_view *v, const struct ipvs_svc_key *keys, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < v->svcs.n; i++) {
		while (k < n && ipvs_svc_key_cmp(&keys[k], at(&v->svcs, i)) < 0)
			k++;
		if (k == n || ipvs_svc_key_cmp(&keys[k], at(&v->svcs, i)) != 0)
			return false;
	}
	return true;
}

size_t ipvs_svc_keys_sort(struct ipvs_svc_key *keys, size_t n)
{
	size_t k = 0;

	if (n > 1)
		qsort(keys, n, sizeof(*keys), svc_prefix_cmp);
	for (size_t i = 0; i < n; i++)
		if (!k || ipvs_svc_key_cmp(&keys[k - 1], &keys[i]) != 0)
			keys[k++] = keys[i];
	return k;
}
