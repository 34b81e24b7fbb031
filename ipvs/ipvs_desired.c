/* ipvs_desired.c - quorum, inhibit_on_failure and the sorry server
 * (rules in ipvs_desired.h). */
#include "ipvs/ipvs_desired.h"

#include <string.h>

bool ipvs_quorum_next(bool was_up, size_t n_up, uint32_t quorum, uint32_t hysteresis)
{
	if (was_up)
		return n_up + hysteresis >= quorum; /* lost below quorum - hysteresis */
	return n_up >= (size_t)quorum + hysteresis;
}

static void put(struct ipvs_dest *d, const struct conf_vs *vs, const struct addr *a,
		uint16_t port, uint32_t weight)
{
	memset(d, 0, sizeof(*d));
	d->svc = vs->svc.key;
	d->addr = *a;
	d->port = port;
	d->fwd = vs->fwd;
	d->weight = weight;
}

size_t ipvs_vs_dests(const struct conf_vs *vs, const struct ipvs_member *m, size_t n,
		     bool quorum_up, struct ipvs_dest *out)
{
	bool sorry = !quorum_up && vs->has_sorry;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool live = m[i].up && !sorry;

		if (!live && !vs->inhibit_on_failure)
			continue;
		put(&out[k], vs, &m[i].addr, m[i].port, live ? m[i].weight : 0);
		out[k].u_threshold = m[i].u_threshold;
		out[k].l_threshold = m[i].l_threshold;
		k++;
	}
	if (sorry)
		put(&out[k++], vs, &vs->sorry_addr, (uint16_t)vs->sorry_port, 1);
	return k;
}
