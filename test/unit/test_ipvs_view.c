/* test_ipvs_view.c - the kernel view kept between passes (ipvs_view.c):
 * applying acknowledged operations, invalidation on failures, slices; and
 * the property the dirty-set passes rely on: reconciling only the changed
 * services against the kept view gives exactly the operations of a full
 * reconcile (the existing reconciler is the oracle), and leaves the view
 * equal to what a fresh dump would show - over rounds of random edits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipvs/ipvs.h"
#include "ipvs/ipvs_reconcile.h"
#include "ipvs/ipvs_view.h"

static struct ipvs_service svc(const char *ip, uint16_t port, const char *sched)
{
	struct ipvs_service s;

	memset(&s, 0, sizeof(s));
	s.key.family = AF_INET;
	s.key.protocol = IPPROTO_TCP;
	s.key.port = port;
	assert_int_equal(addr_parse(ip, &s.key.addr), 0);
	ipvs_svc_key_norm(&s.key);
	strcpy(s.sched, sched);
	return s;
}

static struct ipvs_dest dst(const struct ipvs_service *s, const char *ip, uint32_t weight)
{
	struct ipvs_dest d;

	memset(&d, 0, sizeof(d));
	d.svc = s->key;
	assert_int_equal(addr_parse(ip, &d.addr), 0);
	d.port = 80;
	d.weight = weight;
	return d;
}

static struct ipvs_op op_svc(enum ipvs_op_kind k, const struct ipvs_service *s)
{
	struct ipvs_op o;

	memset(&o, 0, sizeof(o));
	o.kind = k;
	o.svc = *s;
	return o;
}

static struct ipvs_op op_dest(enum ipvs_op_kind k, const struct ipvs_dest *d)
{
	struct ipvs_op o;

	memset(&o, 0, sizeof(o));
	o.kind = k;
	o.dest = *d;
	return o;
}

static void dump_into(struct ipvs_view *v, const struct ipvs_service *s, size_t ns,
		      const struct ipvs_dest *d, size_t nd)
{
	ipvs_view_invalidate(v);
	for (size_t i = 0; i < ns; i++)
		*ipvs_view_push_svc(v) = s[i];
	for (size_t i = 0; i < nd; i++)
		*ipvs_view_push_dest(v) = d[i];
	ipvs_view_dumped(v);
}

static const struct ipvs_dest *vdest(const struct ipvs_view *v, size_t i)
{
	return (const struct ipvs_dest *)v->dests.v + i;
}

static bool owns_dest(const struct ipvs_view *v, const struct ipvs_dest *d)
{
	struct ipvs_dest_key k;

	ipvs_dest_key_of(d, &k);
	for (size_t i = 0; i < v->odest.n; i++)
		if (ipvs_dest_key_cmp(&k, (const struct ipvs_dest_key *)v->odest.v + i) == 0)
			return true;
	return false;
}

/* Acks move the view: adds merged in order, edits in place, a deleted
 * service takes its real servers (and their ownership) with it. */
static void test_apply_acked(void **state)
{
	struct ipvs_service a = svc("192.0.2.10", 80, "wrr"), b = svc("192.0.2.11", 80, "rr");
	struct ipvs_service a2 = a;
	struct ipvs_dest d1 = dst(&a, "198.51.100.1", 1), d2 = dst(&a, "198.51.100.2", 1);
	struct ipvs_dest d3 = dst(&b, "198.51.100.3", 1), d1w = d1;
	struct ipvs_view v;
	int err[8] = { 0 };

	(void)state;
	ipvs_view_init(&v);
	dump_into(&v, &b, 1, &d3, 1); /* b and d3: foreign */
	{
		struct ipvs_op ops[] = { op_svc(IPVS_OP_ADD_SVC, &a), op_dest(IPVS_OP_ADD_DEST, &d2),
					 op_dest(IPVS_OP_ADD_DEST, &d1) };

		assert_int_equal(ipvs_view_apply(&v, ops, err, 3), 0);
	}
	assert_true(v.valid);
	assert_int_equal(v.svcs.n, 2);
	assert_int_equal(v.dests.n, 3);
	for (size_t i = 1; i < v.dests.n; i++) /* sorted */
		assert_true(ipvs_dest_cmp_key(vdest(&v, i - 1), vdest(&v, i)) < 0);
	assert_true(ipvs_view_owns_svc(&v, &a.key));
	assert_false(ipvs_view_owns_svc(&v, &b.key));
	assert_true(owns_dest(&v, &d1) && owns_dest(&v, &d2) && !owns_dest(&v, &d3));
	/* an edit of a weight and of a scheduler: replaced in place */
	d1w.weight = 7;
	strcpy(a2.sched, "lc");
	{
		struct ipvs_op ops[] = { op_svc(IPVS_OP_EDIT_SVC, &a2), op_dest(IPVS_OP_EDIT_DEST, &d1w) };

		assert_int_equal(ipvs_view_apply(&v, ops, err, 2), 0);
	}
	assert_int_equal(v.dests.n, 3);
	assert_int_equal(vdest(&v, 0)->weight, 7);
	assert_string_equal(((struct ipvs_service *)v.svcs.v)[0].sched, "lc");
	/* delete a: its real servers go with it, from the view and ownership */
	{
		struct ipvs_op ops[] = { op_svc(IPVS_OP_DEL_SVC, &a) };

		assert_int_equal(ipvs_view_apply(&v, ops, err, 1), 0);
	}
	assert_true(v.valid);
	assert_int_equal(v.svcs.n, 1);
	assert_int_equal(v.dests.n, 1);
	assert_int_equal(ipvs_dest_cmp_key(vdest(&v, 0), &d3), 0);
	assert_int_equal(v.osvc.n, 0);
	assert_int_equal(v.odest.n, 0);
	ipvs_view_free(&v);
}

/* Any failure drops the kernel part; ownership follows what succeeded or
 * failed benignly, never what was refused. */
static void test_apply_failures(void **state)
{
	struct ipvs_service a = svc("192.0.2.10", 80, "wrr"), x = svc("192.0.2.12", 80, "xyz");
	struct ipvs_dest d1 = dst(&a, "198.51.100.1", 1), d2 = dst(&a, "198.51.100.2", 1);
	struct ipvs_op ops[] = { op_svc(IPVS_OP_ADD_SVC, &a), op_svc(IPVS_OP_ADD_SVC, &x),
				 op_dest(IPVS_OP_ADD_DEST, &d1), op_dest(IPVS_OP_ADD_DEST, &d2) };
	int err[] = { 0, -ENOENT, -EEXIST, 0 };
	struct ipvs_view v;

	(void)state;
	ipvs_view_init(&v);
	dump_into(&v, NULL, 0, NULL, 0);
	assert_int_equal(ipvs_view_apply(&v, ops, err, 4), 0);
	assert_false(v.valid);
	assert_int_equal(v.svcs.n, 0);
	assert_true(ipvs_view_owns_svc(&v, &a.key));
	assert_false(ipvs_view_owns_svc(&v, &x.key)); /* refused */
	assert_true(owns_dest(&v, &d1));              /* EEXIST: there, now ours */
	assert_true(owns_dest(&v, &d2));
	/* a benign delete (already gone) disowns */
	{
		struct ipvs_op del[] = { op_dest(IPVS_OP_DEL_DEST, &d1) };
		int e[] = { -ENOENT };

		assert_int_equal(ipvs_view_apply(&v, del, e, 1), 0);
	}
	assert_false(owns_dest(&v, &d1));
	assert_true(owns_dest(&v, &d2));
	assert_true(ipvs_op_benign(IPVS_OP_DEL_SVC, -ESRCH));
	assert_false(ipvs_op_benign(IPVS_OP_EDIT_DEST, -ENOENT));
	assert_false(ipvs_op_benign(IPVS_OP_ADOPT_SVC, -EEXIST));
	ipvs_view_free(&v);
}

static void test_slice(void **state)
{
	struct ipvs_service s[3] = { svc("192.0.2.10", 80, "rr"), svc("192.0.2.11", 80, "rr"),
				     svc("192.0.2.12", 80, "rr") };
	struct ipvs_dest d[5] = { dst(&s[0], "198.51.100.1", 1), dst(&s[1], "198.51.100.1", 1),
				  dst(&s[1], "198.51.100.2", 1), dst(&s[2], "198.51.100.1", 1),
				  dst(&s[1], "198.51.100.3", 1) };
	struct ipvs_svc_key keys[] = { s[2].key, s[1].key, s[1].key };
	struct ipvs_view_slice sl;
	struct ipvs_view v;
	size_t nk;

	(void)state;
	ipvs_view_init(&v);
	dump_into(&v, s, 3, d, 5);
	nk = ipvs_svc_keys_sort(keys, 3);
	assert_int_equal(nk, 2);
	assert_int_equal(ipvs_view_slice(&v, keys, nk, &sl), 0);
	assert_int_equal(sl.kernel.n_svcs, 2);
	assert_int_equal(sl.kernel.n_dests, 4); /* 3 of s[1], 1 of s[2] */
	for (size_t i = 0; i < sl.kernel.n_dests; i++)
		assert_int_not_equal(ipvs_svc_key_cmp(&sl.kernel.dests[i].svc, &s[0].key), 0);
	assert_int_equal(sl.owned.n_svcs, 0);
	ipvs_view_slice_free(&sl);
	ipvs_view_free(&v);
}

/* ---- the oracle: random edits, dirty reconcile == full reconcile ---- */

#define NV 24  /* virtual servers (slots) */
#define NR 12  /* real server addresses per slot */

struct tvs {
	bool live;
	struct ipvs_service svc;
	bool has[NR];
	uint32_t weight[NR];
};

struct kernel { /* the truth, as the kernel holds it */
	struct ipvs_service s[NV + 4];
	size_t ns;
	struct ipvs_dest d[(NV + 4) * (NR + 2)];
	size_t nd;
};

static uint32_t rnd_state;
static unsigned covered_rounds;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static struct ipvs_dest tdest(const struct tvs *t, size_t r)
{
	char ip[32];

	snprintf(ip, sizeof(ip), "198.51.100.%zu", r + 1);
	return dst(&t->svc, ip, t->weight[r]);
}

/* The desired table of the live slots (all, or those whose key is in keys). */
static void desired(const struct tvs *t, const struct ipvs_svc_key *keys, size_t nk,
		    struct ipvs_service *s, struct ipvs_dest *d, struct ipvs_table *out)
{
	size_t ns = 0, nd = 0;

	for (size_t i = 0; i < NV; i++) {
		bool in = !keys;

		for (size_t k = 0; keys && k < nk; k++)
			in = in || ipvs_svc_key_cmp(&keys[k], &t[i].svc.key) == 0;
		if (!t[i].live || !in)
			continue;
		s[ns++] = t[i].svc;
		for (size_t r = 0; r < NR; r++)
			if (t[i].has[r])
				d[nd++] = tdest(&t[i], r);
	}
	*out = (struct ipvs_table){ s, ns, d, nd };
}

static void kernel_apply(struct kernel *k, const struct ipvs_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct ipvs_op *o = &ops[i];
		size_t j;

		if (o->kind == IPVS_OP_ADD_SVC) {
			k->s[k->ns++] = o->svc;
		} else if (o->kind == IPVS_OP_EDIT_SVC || o->kind == IPVS_OP_DEL_SVC) {
			for (j = 0; ipvs_svc_key_cmp(&k->s[j].key, &o->svc.key); j++)
				;
			k->s[j] = o->kind == IPVS_OP_EDIT_SVC ? o->svc : k->s[--k->ns];
			for (j = 0; o->kind == IPVS_OP_DEL_SVC && j < k->nd;)
				if (ipvs_svc_key_cmp(&k->d[j].svc, &o->svc.key) == 0)
					k->d[j] = k->d[--k->nd];
				else
					j++;
		} else if (o->kind == IPVS_OP_ADD_DEST) {
			k->d[k->nd++] = o->dest;
		} else if (o->kind == IPVS_OP_EDIT_DEST || o->kind == IPVS_OP_DEL_DEST) {
			for (j = 0; ipvs_dest_cmp_key(&k->d[j], &o->dest); j++)
				;
			k->d[j] = o->kind == IPVS_OP_EDIT_DEST ? o->dest : k->d[--k->nd];
		}
	}
}

static void assert_same_ops(const struct ipvs_op *a, ssize_t na, const struct ipvs_op *b,
			    ssize_t nb)
{
	assert_int_equal(na, nb);
	for (ssize_t i = 0; i < na; i++) {
		assert_int_equal(a[i].kind, b[i].kind);
		assert_int_equal(ipvs_svc_key_cmp(&a[i].svc.key, &b[i].svc.key), 0);
		assert_true(ipvs_service_same(&a[i].svc, &b[i].svc));
		assert_int_equal(ipvs_dest_cmp_key(&a[i].dest, &b[i].dest), 0);
		assert_true(ipvs_dest_same(&a[i].dest, &b[i].dest));
	}
}

/* The kept view equals a fresh dump of the truth (real servers of the
 * services we own), and a full reconcile against it finds nothing to do. */
static void assert_view_is_kernel(const struct ipvs_view *v, const struct kernel *k,
				  const struct ipvs_table *d)
{
	struct ipvs_view fresh;
	struct ipvs_table kt;
	struct ipvs_owned o;
	struct ipvs_op ops[1];

	ipvs_view_init(&fresh);
	for (size_t i = 0; i < k->ns; i++)
		*ipvs_view_push_svc(&fresh) = k->s[i];
	for (size_t i = 0; i < k->nd; i++)
		if (k->d[i].svc.addr.u.bytes[0] != 203) /* foreign services: not dumped */
			*ipvs_view_push_dest(&fresh) = k->d[i];
	ipvs_view_dumped(&fresh);
	assert_true(v->valid);
	assert_int_equal(v->svcs.n, fresh.svcs.n);
	assert_int_equal(v->dests.n, fresh.dests.n);
	for (size_t i = 0; i < v->svcs.n; i++)
		assert_true(ipvs_service_same((struct ipvs_service *)v->svcs.v + i,
					      (struct ipvs_service *)fresh.svcs.v + i));
	for (size_t i = 0; i < v->dests.n; i++) {
		assert_int_equal(ipvs_dest_cmp_key(vdest(v, i), vdest(&fresh, i)), 0);
		assert_true(ipvs_dest_same(vdest(v, i), vdest(&fresh, i)));
	}
	ipvs_view_free(&fresh);
	ipvs_view_tables(v, &kt, &o);
	assert_int_equal(ipvs_reconcile(d, &kt, &o, ops, 1), 0);
}

/* One random edit of the desired slots; the keys it touches into keys. */
static void edit(struct tvs *t, struct ipvs_svc_key *keys, size_t *nk)
{
	struct tvs *x = &t[rnd(NV)];
	uint32_t what = rnd(8), r = rnd(NR);

	keys[(*nk)++] = x->svc.key;
	if (!x->live) { /* a new virtual server */
		x->live = true;
		for (size_t i = 0; i < NR; i++)
			x->has[i] = rnd(2);
	} else if (what == 0) {
		x->live = false;
	} else if (what == 1) {
		strcpy(x->svc.sched, x->svc.sched[0] == 'r' ? "wlc" : "rr");
	} else if (what <= 4) {
		x->weight[r] = 1 + rnd(5);
	} else {
		x->has[r] = !x->has[r];
	}
}

static void one_round(struct tvs *t, struct kernel *k, struct ipvs_view *v)
{
	static struct ipvs_service ds[NV], dsub[NV];
	static struct ipvs_dest dd[NV * NR], dsubd[NV * NR];
	static struct ipvs_op full[NV * NR * 3], part[NV * NR * 3];
	static int err[NV * NR * 3];
	struct ipvs_svc_key keys[NV + 16];
	struct ipvs_table d, dsl, kt;
	struct ipvs_owned o;
	struct ipvs_view_slice sl;
	size_t nk = 0, edits = 1 + rnd(6);
	ssize_t nf, np;

	for (size_t i = 0; i < edits; i++)
		edit(t, keys, &nk);
	if (rnd(4) == 0) { /* every service touched (a weight in each): the pass's shortcut */
		for (size_t i = 0; i < NV; i++)
			keys[nk++] = t[i].svc.key;
		keys[nk++] = k->s[0].key; /* even someone else's, left alone */
	}
	nk = ipvs_svc_keys_sort(keys, nk);
	desired(t, NULL, 0, ds, dd, &d);
	ipvs_view_tables(v, &kt, &o);
	nf = ipvs_reconcile(&d, &kt, &o, full, NV * NR * 3);
	desired(t, keys, nk, dsub, dsubd, &dsl);
	assert_int_equal(ipvs_view_slice(v, keys, nk, &sl), 0);
	np = ipvs_reconcile(&dsl, &sl.kernel, &sl.owned, part, NV * NR * 3);
	ipvs_view_slice_free(&sl);
	assert_true(nf >= 0);
	assert_same_ops(full, nf, part, np);
	if (ipvs_view_covered(v, keys, nk)) { /* the pass then reads the whole view */
		static struct ipvs_op whole[NV * NR * 3];
		ssize_t nw = ipvs_reconcile(&dsl, &kt, &o, whole, NV * NR * 3);

		covered_rounds++;
		assert_same_ops(full, nf, whole, nw);
	}
	kernel_apply(k, part, (size_t)np);
	memset(err, 0, sizeof(err));
	assert_int_equal(ipvs_view_apply(v, part, err, (size_t)np), 0);
	assert_view_is_kernel(v, k, &d);
}

static void test_dirty_equals_full(void **state)
{
	static struct tvs t[NV];
	static struct kernel k;
	static struct ipvs_service ds[NV];
	static struct ipvs_dest dd[NV * NR];
	static struct ipvs_op ops[NV * NR * 3];
	static int err[NV * NR * 3];

	(void)state;
	for (uint32_t seed = 1; seed <= 40; seed++) {
		struct ipvs_view v;
		struct ipvs_table d, kt;
		struct ipvs_owned o;
		ssize_t n;
		char ip[32];

		rnd_state = seed;
		memset(t, 0, sizeof(t));
		memset(&k, 0, sizeof(k));
		for (size_t i = 0; i < NV; i++) {
			snprintf(ip, sizeof(ip), "192.0.2.%zu", i + 1);
			t[i].svc = svc(ip, 80, "rr");
			t[i].live = rnd(3) > 0;
			for (size_t r = 0; r < NR; r++)
				t[i].has[r] = rnd(2), t[i].weight[r] = 1;
		}
		/* someone else's service, with its real server */
		k.s[k.ns++] = svc("203.0.113.1", 80, "rr");
		k.d[k.nd++] = dst(&k.s[0], "198.51.100.99", 1);
		ipvs_view_init(&v);
		dump_into(&v, k.s, k.ns, NULL, 0);
		assert_int_equal(ipvs_view_push_undumped(&v, &k.s[0].key), 0);
		/* start: a full pass against the dump */
		desired(t, NULL, 0, ds, dd, &d);
		ipvs_view_tables(&v, &kt, &o);
		n = ipvs_reconcile(&d, &kt, &o, ops, NV * NR * 3);
		assert_true(n >= 0);
		kernel_apply(&k, ops, (size_t)n);
		memset(err, 0, sizeof(err));
		assert_int_equal(ipvs_view_apply(&v, ops, err, (size_t)n), 0);
		assert_view_is_kernel(&v, &k, &d);
		/* a foreign real server in one of ours, seen by a resync dump:
		 * that service is never deleted, only our real servers are */
		if (t[0].live) {
			k.d[k.nd++] = dst(&t[0].svc, "198.51.100.200", 1);
			dump_into(&v, k.s, k.ns, k.d + 1, k.nd - 1);
			assert_int_equal(ipvs_view_push_undumped(&v, &k.s[0].key), 0);
			ipvs_view_dumped(&v);
		}
		for (int round = 0; round < 30; round++)
			one_round(t, &k, &v);
		ipvs_view_free(&v);
	}
	assert_true(covered_rounds > 0); /* the shortcut was exercised */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_acked),
		cmocka_unit_test(test_apply_failures),
		cmocka_unit_test(test_slice),
		cmocka_unit_test(test_dirty_equals_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
