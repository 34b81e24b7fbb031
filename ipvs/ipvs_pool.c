/* ipvs_pool.c - write/read split of a database pool (rules in ipvs_pool.h). */
#include "ipvs/ipvs_pool.h"

#include <string.h>

const char *ipvs_pool_verdict_str(enum ipvs_pool_verdict v)
{
	static const char *const names[] = {
		[IPVS_POOL_OK] = "ok",
		[IPVS_POOL_NO_PRIMARY] = "no primary",
		[IPVS_POOL_TWO_PRIMARIES] = "several primaries: no writes",
		[IPVS_POOL_TWO_PRIMARIES_KEPT] = "several primaries: kept the one on the newest timeline",
		[IPVS_POOL_NO_REPLICA] = "no replica qualifies",
		[IPVS_POOL_FALLBACK] = "no replica qualifies: reads go to the primary",
	};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

static bool is_primary(const struct ipvs_node_state *s)
{
	return s->up && s->role == IPVS_NODE_PRIMARY;
}

int ipvs_pool_single_primary(const struct ipvs_node_state *nodes, size_t n)
{
	int found = -1;

	for (size_t i = 0; i < n; i++) {
		if (!is_primary(&nodes[i]))
			continue;
		if (found >= 0)
			return -1;
		found = (int)i;
	}
	return found;
}

/* Two-primary guard: keep last only if it is a primary now and its
 * timeline is strictly newer than every other primary's (a promoted
 * replica moves to a new timeline; the old primary stays behind). */
static bool keep_last(const struct ipvs_node_state *nodes, size_t n, int last)
{
	if (last < 0 || (size_t)last >= n || !is_primary(&nodes[last]) || !nodes[last].timeline)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((int)i != last && is_primary(&nodes[i]) &&
		    nodes[i].timeline >= nodes[last].timeline)
			return false;
	return true;
}

static enum ipvs_pool_verdict derive_write(const struct ipvs_node_state *nodes, size_t n,
					   const struct ipvs_pool_params *p, bool *member)
{
	size_t primaries = 0;
	int one = ipvs_pool_single_primary(nodes, n);

	for (size_t i = 0; i < n; i++)
		primaries += is_primary(&nodes[i]);
	if (one >= 0) {
		member[one] = true;
		return IPVS_POOL_OK;
	}
	if (primaries == 0)
		return IPVS_POOL_NO_PRIMARY;
	if (p->two_primaries == CONF_TWO_PRIMARIES_NEWEST_TL &&
	    keep_last(nodes, n, p->last_primary)) {
		member[p->last_primary] = true;
		return IPVS_POOL_TWO_PRIMARIES_KEPT;
	}
	return IPVS_POOL_TWO_PRIMARIES;
}

enum ipvs_pool_verdict ipvs_pool_derive(const struct ipvs_node_state *nodes, size_t n,
					const struct ipvs_pool_params *p, bool *member)
{
	size_t replicas = 0;

	memset(member, 0, n * sizeof(*member));
	if (p->role == CONF_ROLE_PRIMARY)
		return derive_write(nodes, n, p, member);
	for (size_t i = 0; i < n; i++) {
		const struct ipvs_node_state *s = &nodes[i];

		if (s->up && s->role == IPVS_NODE_REPLICA &&
		    (p->max_lag == CONF_IPVS_NO_LAG_BOUND || s->lag_bytes <= p->max_lag)) {
			member[i] = true;
			replicas++;
		}
	}
	if (replicas)
		return IPVS_POOL_OK;
	if (!p->fallback_primary)
		return IPVS_POOL_NO_REPLICA;
	/* the write rule, guard included: a split brain takes no reads either */
	derive_write(nodes, n, p, member);
	for (size_t i = 0; i < n; i++)
		if (member[i])
			return IPVS_POOL_FALLBACK;
	return IPVS_POOL_NO_REPLICA;
}
