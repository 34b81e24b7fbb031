/* ipvs_desired.h - the real servers a virtual service should have now, from
 * its configuration and the up/down state of its candidates (checkers,
 * `enabled`, or a database pool's derivation). Pure.
 *
 * Rules (keepalived's semantics, issue 5):
 *  - up: present with its configured weight; down: removed, or with
 *    inhibit_on_failure present with weight 0 (existing connections drain).
 *  - quorum: lost when fewer than quorum - hysteresis candidates are up,
 *    regained at quorum + hysteresis; starts as (up >= quorum).
 *  - quorum lost and a sorry server configured: the sorry server alone
 *    (inhibited candidates stay at weight 0); without one, what is up stays. */
#ifndef TANDEM_IPVS_DESIRED_H
#define TANDEM_IPVS_DESIRED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf_ipvs.h"
#include "ipvs/ipvs.h"

struct ipvs_member {
	struct addr addr;
	uint16_t port;
	uint32_t weight, u_threshold, l_threshold;
	bool up;
};

/* The next quorum state; was_up is the state before (initial: pass
 * n_up >= quorum with hysteresis 0). */
bool ipvs_quorum_next(bool was_up, size_t n_up, uint32_t quorum, uint32_t hysteresis);

/* Real servers of vs into out (room for n + 1); returns their number. */
size_t ipvs_vs_dests(const struct conf_vs *vs, const struct ipvs_member *m, size_t n,
		     bool quorum_up, struct ipvs_dest *out);

#endif
