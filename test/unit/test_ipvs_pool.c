/* test_ipvs_pool.c - the pure decisions of the IPVS runtime as tables:
 * the database pool's write/read split (ipvs_pool.c: roles, lag bound,
 * fallback, two-primary guard) and a virtual service's real servers from
 * up/down states (ipvs_desired.c: quorum with hysteresis, inhibit, sorry). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "ipvs/ipvs_desired.h"
#include "ipvs/ipvs_pool.h"

#define P IPVS_NODE_PRIMARY
#define R IPVS_NODE_REPLICA
#define U IPVS_NODE_UNKNOWN
#define NOB CONF_IPVS_NO_LAG_BOUND
#define N 3

struct pool_row {
	const char *what;
	struct ipvs_node_state nodes[N];
	struct ipvs_pool_params p;
	enum ipvs_pool_verdict want;
	bool member[N];
};

#define W(lp) { CONF_ROLE_PRIMARY, NOB, false, CONF_TWO_PRIMARIES_NONE, lp }
#define WTL(lp) { CONF_ROLE_PRIMARY, NOB, false, CONF_TWO_PRIMARIES_NEWEST_TL, lp }
#define RD(lag, fb) { CONF_ROLE_REPLICA, lag, fb, CONF_TWO_PRIMARIES_NONE, -1 }

static const struct pool_row pool_rows[] = {
	{ "write: the single primary", { { true, P, 0, 2 }, { true, R, 0, 2 }, { true, R, 0, 2 } },
	  W(-1), IPVS_POOL_OK, { true, false, false } },
	{ "write: a down primary is never in it", { { false, P, 0, 2 }, { true, R, 0, 2 }, { true, R, 0, 2 } },
	  W(0), IPVS_POOL_NO_PRIMARY, { false, false, false } },
	{ "write: promotion moves it", { { false, U, 0, 0 }, { true, P, 0, 3 }, { true, R, 0, 2 } },
	  W(0), IPVS_POOL_OK, { false, true, false } },
	{ "write: unknown roles give nothing", { { true, U, 0, 0 }, { true, U, 0, 0 }, { false, U, 0, 0 } },
	  W(-1), IPVS_POOL_NO_PRIMARY, { false, false, false } },
	{ "write: two primaries, none", { { true, P, 0, 2 }, { true, P, 0, 3 }, { true, R, 0, 2 } },
	  W(0), IPVS_POOL_TWO_PRIMARIES, { false, false, false } },
	{ "write: two primaries, last one newer: kept", { { true, P, 0, 2 }, { true, P, 0, 3 }, { true, R, 0, 2 } },
	  WTL(1), IPVS_POOL_TWO_PRIMARIES_KEPT, { false, true, false } },
	{ "write: two primaries, last one older: none", { { true, P, 0, 2 }, { true, P, 0, 3 }, { true, R, 0, 2 } },
	  WTL(0), IPVS_POOL_TWO_PRIMARIES, { false, false, false } },
	{ "write: two primaries, same timeline: none", { { true, P, 0, 3 }, { true, P, 0, 3 }, { true, R, 0, 2 } },
	  WTL(1), IPVS_POOL_TWO_PRIMARIES, { false, false, false } },
	{ "write: two primaries, no last: none", { { true, P, 0, 2 }, { true, P, 0, 3 }, { true, R, 0, 2 } },
	  WTL(-1), IPVS_POOL_TWO_PRIMARIES, { false, false, false } },
	{ "read: replicas without bound", { { true, P, 0, 2 }, { true, R, 999999, 2 }, { true, R, 0, 2 } },
	  RD(NOB, false), IPVS_POOL_OK, { false, true, true } },
	{ "read: lag bound, inclusive", { { true, P, 0, 2 }, { true, R, 1001, 2 }, { true, R, 1000, 2 } },
	  RD(1000, false), IPVS_POOL_OK, { false, false, true } },
	{ "read: a down replica is out", { { true, P, 0, 2 }, { false, R, 0, 2 }, { true, R, 0, 2 } },
	  RD(1000, false), IPVS_POOL_OK, { false, false, true } },
	{ "read: none qualifies, no fallback", { { true, P, 0, 2 }, { true, R, 5000, 2 }, { false, R, 0, 2 } },
	  RD(1000, false), IPVS_POOL_NO_REPLICA, { false, false, false } },
	{ "read: none qualifies, fallback primary", { { true, P, 0, 2 }, { true, R, 5000, 2 }, { false, R, 0, 2 } },
	  RD(1000, true), IPVS_POOL_FALLBACK, { true, false, false } },
	{ "read: fallback, but split brain: nobody", { { true, P, 0, 2 }, { true, P, 0, 3 }, { true, R, 5000, 2 } },
	  RD(1000, true), IPVS_POOL_NO_REPLICA, { false, false, false } },
};

static void test_pool_table(void **state)
{
	for (size_t i = 0; i < sizeof(pool_rows) / sizeof(pool_rows[0]); i++) {
		const struct pool_row *r = &pool_rows[i];
		bool member[N];
		enum ipvs_pool_verdict v = ipvs_pool_derive(r->nodes, N, &r->p, member);

		if (v != r->want || memcmp(member, r->member, sizeof(member)))
			fail_msg("row %zu (%s): verdict %s, members %d%d%d", i, r->what,
				 ipvs_pool_verdict_str(v), member[0], member[1], member[2]);
	}
}

static void test_single_primary(void **state)
{
	struct ipvs_node_state n[N] = { { true, R, 0, 1 }, { true, P, 0, 1 }, { false, P, 0, 1 } };

	assert_int_equal(ipvs_pool_single_primary(n, N), 1);
	n[2].up = true;
	assert_int_equal(ipvs_pool_single_primary(n, N), -1);
	n[1].up = n[2].up = false;
	assert_int_equal(ipvs_pool_single_primary(n, N), -1);
}

/* quorum 3, hysteresis 1: lost below 2, regained at 4 */
static void test_quorum(void **state)
{
	static const struct { bool was; size_t up; bool want; } rows[] = {
		{ true, 5, true }, { true, 2, true }, { true, 1, false }, { true, 0, false },
		{ false, 3, false }, { false, 4, true }, { false, 0, false },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (ipvs_quorum_next(rows[i].was, rows[i].up, 3, 1) != rows[i].want)
			fail_msg("row %zu", i);
	assert_true(ipvs_quorum_next(true, 1, 1, 0));
	assert_false(ipvs_quorum_next(true, 0, 1, 0));
	assert_true(ipvs_quorum_next(false, 1, 1, 0));
}

static struct conf_vs VS;
static struct ipvs_member M[3];

static int setup_vs(void **state)
{
	memset(&VS, 0, sizeof(VS));
	VS.svc.key.family = AF_INET;
	VS.svc.key.protocol = 6;
	VS.svc.key.port = 80;
	assert_int_equal(addr_parse("192.0.2.10", &VS.svc.key.addr), 0);
	VS.fwd = IPVS_FWD_DR;
	VS.quorum = 1;
	assert_int_equal(addr_parse("198.51.100.99", &VS.sorry_addr), 0);
	VS.sorry_port = 8080;
	for (int i = 0; i < 3; i++) {
		char a[32];

		snprintf(a, sizeof(a), "198.51.100.%d", 21 + i);
		memset(&M[i], 0, sizeof(M[i]));
		assert_int_equal(addr_parse(a, &M[i].addr), 0);
		M[i].port = 80;
		M[i].weight = (uint32_t)(3 - i);
		M[i].u_threshold = 100;
		M[i].up = true;
	}
	return 0;
}

/* weights of the result in order, the sorry server as 99 */
static void expect(size_t n, const struct ipvs_dest *d, const int *w, size_t nw)
{
	assert_int_equal(n, nw);
	for (size_t i = 0; i < n; i++) {
		int got = d[i].addr.u.bytes[3] == 99 ? 99 : (int)d[i].weight * 100 + d[i].addr.u.bytes[3];

		if (got != w[i])
			fail_msg("dest %zu: %d, want %d", i, got, w[i]);
		assert_int_equal(d[i].fwd, IPVS_FWD_DR);
		assert_int_equal(ipvs_svc_key_cmp(&d[i].svc, &VS.svc.key), 0);
	}
}

#define EXPECT(n, d, ...) do { static const int w_[] = { __VA_ARGS__ }; \
		expect(n, d, w_, sizeof(w_) / sizeof(w_[0])); } while (0)

static void test_vs_dests(void **state)
{
	struct ipvs_dest d[4];

	EXPECT(ipvs_vs_dests(&VS, M, 3, true, d), d, 321, 222, 123);
	assert_int_equal(d[0].u_threshold, 100);
	M[1].up = false;
	EXPECT(ipvs_vs_dests(&VS, M, 3, true, d), d, 321, 123);    /* down: removed */
	VS.inhibit_on_failure = true;
	EXPECT(ipvs_vs_dests(&VS, M, 3, true, d), d, 321, 22, 123); /* inhibit: weight 0 */
	VS.inhibit_on_failure = false;
	EXPECT(ipvs_vs_dests(&VS, M, 3, false, d), d, 321, 123);   /* quorum lost, no sorry */
	VS.has_sorry = true;
	EXPECT(ipvs_vs_dests(&VS, M, 3, false, d), d, 99);         /* the sorry server alone */
	assert_int_equal(d[0].port, 8080);
	VS.inhibit_on_failure = true;
	EXPECT(ipvs_vs_dests(&VS, M, 3, false, d), d, 21, 22, 23, 99); /* drained + sorry */
	EXPECT(ipvs_vs_dests(&VS, M, 0, true, d), d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_table),
		cmocka_unit_test(test_single_primary),
		cmocka_unit_test(test_quorum),
		cmocka_unit_test_setup(test_vs_dests, setup_vs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
