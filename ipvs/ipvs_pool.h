/* ipvs_pool.h - role-aware database services (issue 6): which nodes of a
 * pool a write or read virtual server gets, from what the checkers report
 * about each node. Pure: no clock, no sockets; the runtime (ipvs_run.c)
 * logs the verdicts and counts two-primary events.
 *
 * Rules:
 *  - write ("primary"): exactly the node that is up and reports primary.
 *    A node that is down or reports replica is never in it.
 *  - two or more up nodes report primary: nobody (IPVS_POOL_TWO_PRIMARIES),
 *    or, with on_two_primaries = "newest_timeline", the last known primary if
 *    it is one of them and alone on the newest timeline (..._KEPT).
 *  - read ("replica"): up replicas whose lag is at most max_lag; when none
 *    qualifies and fallback_primary is set, what the write rule gives. */
#ifndef TANDEM_IPVS_POOL_H
#define TANDEM_IPVS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf_ipvs.h"

enum ipvs_node_role {
	IPVS_NODE_UNKNOWN, /* no answer yet, or the check could not tell */
	IPVS_NODE_PRIMARY, /* pg_is_in_recovery() = false */
	IPVS_NODE_REPLICA, /* pg_is_in_recovery() = true */
};

/* One node as its checker last saw it (the input the checkers provide). */
struct ipvs_node_state {
	bool up;                  /* check passed: connected and answered */
	enum ipvs_node_role role;
	uint64_t lag_bytes;       /* replica: bytes of WAL received but not replayed, or
				   * behind the primary; 0 for a primary */
	uint32_t timeline;        /* the node's current timeline id (0 = unknown) */
};

struct ipvs_pool_params {
	enum conf_vs_role role;               /* CONF_ROLE_PRIMARY or CONF_ROLE_REPLICA */
	uint64_t max_lag;                     /* CONF_IPVS_NO_LAG_BOUND = none */
	bool fallback_primary;
	enum conf_two_primaries two_primaries;
	int last_primary;                     /* node index of the last single primary, -1 */
};

enum ipvs_pool_verdict {
	IPVS_POOL_OK,                 /* the rule gave its normal result */
	IPVS_POOL_NO_PRIMARY,         /* write: no node reports primary */
	IPVS_POOL_TWO_PRIMARIES,      /* write: several primaries, nobody gets writes */
	IPVS_POOL_TWO_PRIMARIES_KEPT, /* write: several primaries, last one kept (newest timeline) */
	IPVS_POOL_NO_REPLICA,         /* read: no replica qualifies, no fallback */
	IPVS_POOL_FALLBACK,           /* read: no replica qualifies, the primary serves reads */
};

const char *ipvs_pool_verdict_str(enum ipvs_pool_verdict v);

/* member[i] = node i belongs to the service. Returns the verdict. */
enum ipvs_pool_verdict ipvs_pool_derive(const struct ipvs_node_state *nodes, size_t n,
					const struct ipvs_pool_params *p, bool *member);

/* The single primary of nodes (up, role primary), or -1 if none or several:
 * what the runtime remembers as last_primary. */
int ipvs_pool_single_primary(const struct ipvs_node_state *nodes, size_t n);

#endif
