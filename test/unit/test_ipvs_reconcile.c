/* test_ipvs_reconcile.c - the reconciler as tables: (desired, kernel,
 * owned) -> the expected list of operations, in order. Also the key
 * compares of ipvs.c that the reconciler relies on. */
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

/* The pool every table row picks from (filled by setup_pool). */
static struct ipvs_service S0, S0rr, S1, S2, SF;
static struct ipvs_dest A, Aw, Athr, Adr, B, C, F, G;

static struct ipvs_service svc(uint8_t af, uint8_t proto, const char *ip, uint16_t port,
			       uint32_t fwmark, const char *sched)
{
	struct ipvs_service s;

	memset(&s, 0, sizeof(s));
	s.key.family = af;
	s.key.protocol = proto;
	s.key.port = port;
	s.key.fwmark = fwmark;
	if (ip)
		assert_int_equal(addr_parse(ip, &s.key.addr), 0);
	ipvs_svc_key_norm(&s.key);
	strcpy(s.sched, sched);
	return s;
}

static struct ipvs_dest dst(const struct ipvs_service *s, const char *ip, uint16_t port,
			    enum ipvs_fwd fwd, uint32_t weight)
{
	struct ipvs_dest d;

	memset(&d, 0, sizeof(d));
	d.svc = s->key;
	assert_int_equal(addr_parse(ip, &d.addr), 0);
	d.port = port;
	d.fwd = fwd;
	d.weight = weight;
	return d;
}

static int setup_pool(void **state)
{
	(void)state;
	S0 = svc(AF_INET, IPPROTO_TCP, "192.0.2.10", 80, 0, "wlc");
	S0rr = S0;
	strcpy(S0rr.sched, "rr");
	S1 = svc(AF_INET6, IPPROTO_UDP, "2001:db8::1", 53, 0, "sh");
	S2 = svc(AF_INET, 0, NULL, 0, 7, "rr");
	SF = svc(AF_INET, IPPROTO_TCP, "192.0.2.99", 80, 0, "rr"); /* someone else's */
	A = dst(&S0, "198.51.100.1", 80, IPVS_FWD_NAT, 1);
	Aw = A;
	Aw.weight = 5;
	Athr = A;
	Athr.u_threshold = 100;
	Athr.l_threshold = 10;
	Adr = A;
	Adr.fwd = IPVS_FWD_DR;
	B = dst(&S0, "198.51.100.2", 80, IPVS_FWD_NAT, 1);
	C = dst(&S1, "2001:db8::2", 53, IPVS_FWD_DR, 1);
	F = dst(&S0, "198.51.100.9", 80, IPVS_FWD_NAT, 1); /* foreign, in our service */
	G = dst(&SF, "198.51.100.3", 80, IPVS_FWD_DR, 1);
	return 0;
}

#define MAXN 6

struct side { /* NULL-terminated */
	const struct ipvs_service *svcs[MAXN];
	const struct ipvs_dest *dests[MAXN];
};

struct want {
	enum ipvs_op_kind kind;
	const struct ipvs_service *svc;
	const struct ipvs_dest *dest;
};

struct rcase {
	const char *name;
	struct side desired, kernel, owned;
	struct want want[8];
	size_t n_want;
};

#define W(k, s, d) { IPVS_OP_##k, s, d }
#define ROW(nm, d, k, o, ...) { nm, d, k, o, { __VA_ARGS__ }, \
	sizeof((struct want[]){ __VA_ARGS__ }) / sizeof(struct want) }
#define NONE { IPVS_OP_ADD_SVC, NULL, NULL } /* placeholder, n_want adjusted */
#define SIDE(svcs, dests) { svcs, dests }
#define L(...) { __VA_ARGS__ }
#define EMPTY SIDE(L(NULL), L(NULL))

static const struct rcase cases[] = {
	ROW("fresh start: services before their real servers",
	    SIDE(L(&S0, &S1), L(&A, &B, &C)), EMPTY, EMPTY,
	    W(ADD_SVC, &S0, NULL), W(ADD_SVC, &S1, NULL),
	    W(ADD_DEST, NULL, &A), W(ADD_DEST, NULL, &B), W(ADD_DEST, NULL, &C)),
	ROW("adopt what is already there and equal",
	    SIDE(L(&S0), L(&A)), SIDE(L(&S0), L(&A)), EMPTY,
	    W(ADOPT_SVC, &S0, NULL), W(ADOPT_DEST, NULL, &A)),
	ROW("edit only the weight",
	    SIDE(L(&S0), L(&Aw)), SIDE(L(&S0), L(&A)), SIDE(L(&S0), L(&A)),
	    W(EDIT_DEST, NULL, &Aw)),
	ROW("edit thresholds",
	    SIDE(L(&S0), L(&Athr)), SIDE(L(&S0), L(&A)), SIDE(L(&S0), L(&A)),
	    W(EDIT_DEST, NULL, &Athr)),
	ROW("edit forwarding method",
	    SIDE(L(&S0), L(&Adr)), SIDE(L(&S0), L(&A)), SIDE(L(&S0), L(&A)),
	    W(EDIT_DEST, NULL, &Adr)),
	ROW("edit scheduler",
	    SIDE(L(&S0rr), L(&A)), SIDE(L(&S0), L(&A)), SIDE(L(&S0), L(&A)),
	    W(EDIT_SVC, &S0rr, NULL)),
	ROW("adopt a service, edit a real server that differs",
	    SIDE(L(&S0), L(&Aw)), SIDE(L(&S0), L(&A)), EMPTY,
	    W(ADOPT_SVC, &S0, NULL), W(EDIT_DEST, NULL, &Aw)),
	ROW("re-add an owned real server the kernel lost",
	    SIDE(L(&S0), L(&A, &B)), SIDE(L(&S0), L(&A)), SIDE(L(&S0), L(&A, &B)),
	    W(ADD_DEST, NULL, &B)),
	ROW("owned real server no longer desired",
	    SIDE(L(&S0), L(&A)), SIDE(L(&S0), L(&A, &B)), SIDE(L(&S0), L(&A, &B)),
	    W(DEL_DEST, NULL, &B)),
	ROW("stop: owned services go, their real servers with them, foreign stay",
	    EMPTY, SIDE(L(&S0, &S1, &SF), L(&A, &B, &C, &G)), SIDE(L(&S0, &S1), L(&A, &B, &C)),
	    W(DEL_SVC, &S0, NULL), W(DEL_SVC, &S1, NULL)),
	ROW("stop: an owned service holding a foreign real server is kept",
	    EMPTY, SIDE(L(&S0), L(&A, &F)), SIDE(L(&S0), L(&A)),
	    W(DEL_DEST, NULL, &A)),
	ROW("order: adds, then deletes of real servers, then of services",
	    SIDE(L(&S1, &S0), L(&C, &A)), SIDE(L(&S0, &S2), L(&A, &B)), SIDE(L(&S0, &S2), L(&A, &B)),
	    W(ADD_SVC, &S1, NULL), W(ADD_DEST, NULL, &C), W(DEL_DEST, NULL, &B),
	    W(DEL_SVC, &S2, NULL)),
};

/* Rows with nothing to do (a ROW cannot hold an empty list). */
static const struct rcase quiet[] = {
	{ "steady state", SIDE(L(&S0), L(&A)), SIDE(L(&S0), L(&A)), SIDE(L(&S0), L(&A)), { NONE }, 0 },
	{ "leave foreign entries alone", SIDE(L(&S0), L(&A)), SIDE(L(&S0, &SF), L(&A, &F, &G)),
	  SIDE(L(&S0), L(&A)), { NONE }, 0 },
	{ "stop with nothing owned", EMPTY, SIDE(L(&S0, &SF), L(&A, &G)), EMPTY, { NONE }, 0 },
};

/* Materialises one side into arrays (values, as the callers hold them). */
struct built {
	struct ipvs_service svcs[MAXN];
	struct ipvs_dest dests[MAXN];
	struct ipvs_svc_key skeys[MAXN];
	struct ipvs_dest_key dkeys[MAXN];
	struct ipvs_table t;
	struct ipvs_owned o;
};

static void build(const struct side *s, struct built *b)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < MAXN && s->svcs[i]; i++) {
		b->svcs[i] = *s->svcs[i];
		b->skeys[i] = s->svcs[i]->key;
	}
	b->t.svcs = b->svcs;
	b->t.n_svcs = b->o.n_svcs = i;
	b->o.svcs = b->skeys;
	for (i = 0; i < MAXN && s->dests[i]; i++) {
		b->dests[i] = *s->dests[i];
		ipvs_dest_key_of(s->dests[i], &b->dkeys[i]);
	}
	b->t.dests = b->dests;
	b->t.n_dests = b->o.n_dests = i;
	b->o.dests = b->dkeys;
}

static void check_op(const struct ipvs_op *got, const struct want *w)
{
	assert_string_equal(ipvs_op_name(got->kind), ipvs_op_name(w->kind));
	if (w->svc) {
		assert_int_equal(ipvs_svc_key_cmp(&got->svc.key, &w->svc->key), 0);
		assert_true(ipvs_service_same(&got->svc, w->svc));
	} else {
		assert_int_equal(ipvs_dest_cmp_key(&got->dest, w->dest), 0);
		assert_true(ipvs_dest_same(&got->dest, w->dest));
	}
}

static void run_case(const struct rcase *c)
{
	struct built d, k, o;
	struct ipvs_op ops[32];
	ssize_t n;

	print_message("case: %s\n", c->name);
	build(&c->desired, &d);
	build(&c->kernel, &k);
	build(&c->owned, &o);
	assert_true(ipvs_reconcile_max_ops(&d.t, &k.t) <= 32);
	n = ipvs_reconcile(&d.t, &k.t, &o.o, ops, 32);
	for (ssize_t i = 0; i < n; i++)
		print_message("  got %s\n", ipvs_op_name(ops[i].kind));
	assert_int_equal(n, c->n_want);
	for (size_t i = 0; i < c->n_want; i++)
		check_op(&ops[i], &c->want[i]);
	/* Exactly enough room is enough; one less is refused, not truncated. */
	assert_int_equal(ipvs_reconcile(&d.t, &k.t, &o.o, ops, c->n_want), (ssize_t)c->n_want);
	if (c->n_want > 0) {
		errno = 0;
		assert_int_equal(ipvs_reconcile(&d.t, &k.t, &o.o, ops, c->n_want - 1), -1);
		assert_int_equal(errno, ENOSPC);
	}
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		run_case(&quiet[i]);
}

/* A real server whose service is not desired is a caller bug. */
static void test_orphan_dest(void **state)
{
	struct side ds = SIDE(L(&S1), L(&A));
	struct built d, k, o;
	struct ipvs_op ops[8];

	(void)state;
	build(&ds, &d);
	build(&(struct side)EMPTY, &k);
	build(&(struct side)EMPTY, &o);
	errno = 0;
	assert_int_equal(ipvs_reconcile(&d.t, &k.t, &o.o, ops, 8), -1);
	assert_int_equal(errno, EINVAL);
}

/* 100 services x 100 real servers (the keepalived anchor figure), 1% of
 * the weights changed, everything owned: exactly those 100 edits. */
static void test_large_table(void **state)
{
	enum { NS = 100, ND = 100 };
	struct ipvs_service *svcs = calloc(NS, sizeof(*svcs));
	struct ipvs_dest *want = calloc(NS * ND, sizeof(*want)), *have = calloc(NS * ND, sizeof(*have));
	struct ipvs_svc_key *sk = calloc(NS, sizeof(*sk));
	struct ipvs_dest_key *dk = calloc(NS * ND, sizeof(*dk));
	struct ipvs_op *ops = calloc(2 * NS * (ND + 1), sizeof(*ops));
	char ip[32];
	ssize_t n;

	(void)state;
	assert_true(svcs && want && have && sk && dk && ops);
	for (int s = 0; s < NS; s++) {
		snprintf(ip, sizeof(ip), "10.1.%d.1", s);
		svcs[s] = svc(AF_INET, IPPROTO_TCP, ip, 80, 0, "wrr");
		sk[s] = svcs[s].key;
		for (int r = 0; r < ND; r++) {
			snprintf(ip, sizeof(ip), "10.2.%d.%d", s, r + 1);
			have[s * ND + r] = dst(&svcs[s], ip, 8080, IPVS_FWD_NAT, 10);
			want[s * ND + r] = have[s * ND + r];
			if (r == s % ND) /* one per service */
				want[s * ND + r].weight = 20;
			ipvs_dest_key_of(&have[s * ND + r], &dk[s * ND + r]);
		}
	}
	{
		struct ipvs_table d = { svcs, NS, want, NS * ND }, k = { svcs, NS, have, NS * ND };
		struct ipvs_owned o = { sk, NS, dk, NS * ND };

		n = ipvs_reconcile(&d, &k, &o, ops, ipvs_reconcile_max_ops(&d, &k));
	}
	assert_int_equal(n, NS);
	for (ssize_t i = 0; i < n; i++) {
		assert_int_equal(ops[i].kind, IPVS_OP_EDIT_DEST);
		assert_int_equal(ops[i].dest.weight, 20);
	}
	free(svcs), free(want), free(have), free(sk), free(dk), free(ops);
}

static void test_keys(void **state)
{
	struct ipvs_service f1 = svc(AF_INET, 0, NULL, 0, 7, "rr"), f2 = f1, f6 = svc(AF_INET6, 0, NULL, 0, 7, "rr");
	struct ipvs_dest a2 = A;

	(void)state;
	/* a fwmark key ignores whatever was left in protocol/address/port */
	f2.key.protocol = IPPROTO_UDP;
	f2.key.port = 99;
	assert_int_equal(ipvs_svc_key_cmp(&f1.key, &f2.key), 0);
	ipvs_svc_key_norm(&f2.key);
	assert_int_equal(f2.key.protocol, 0);
	assert_int_equal(f2.key.port, 0);
	assert_int_not_equal(ipvs_svc_key_cmp(&f1.key, &f6.key), 0); /* family counts */
	assert_int_not_equal(ipvs_svc_key_cmp(&S0.key, &SF.key), 0);
	assert_true(ipvs_svc_key_cmp(&S0.key, &SF.key) == -ipvs_svc_key_cmp(&SF.key, &S0.key));
	assert_int_not_equal(ipvs_svc_key_cmp(&S0.key, &f1.key), 0);
	/* port differs -> another real server; settings differ -> same one */
	a2.port = 81;
	assert_int_not_equal(ipvs_dest_cmp_key(&A, &a2), 0);
	assert_int_equal(ipvs_dest_cmp_key(&A, &Aw), 0);
	assert_false(ipvs_dest_same(&A, &Aw));
	assert_false(ipvs_dest_same(&A, &Athr));
	assert_false(ipvs_dest_same(&A, &Adr));
	assert_true(ipvs_dest_same(&A, &A));
	assert_false(ipvs_service_same(&S0, &S0rr));
	f2 = f1;
	f2.flags = IPVS_SVC_F_PERSISTENT;
	assert_false(ipvs_service_same(&f1, &f2));
	f2 = f1;
	f2.timeout = 30;
	assert_false(ipvs_service_same(&f1, &f2));
	assert_string_equal(ipvs_op_name(IPVS_OP_DEL_SVC), "del-service");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_orphan_dest),
		cmocka_unit_test(test_large_table),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, setup_pool, NULL);
}
