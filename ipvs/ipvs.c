/* ipvs.c - identity and equality of IPVS services and real servers. */
#include "ipvs/ipvs.h"

#include <string.h>

/* Three-way compare of two integers without overflow. */
#define CMP3(a, b) (((a) > (b)) - ((a) < (b)))

void ipvs_svc_key_norm(struct ipvs_svc_key *k)
{
	if (k->fwmark) {
		/* The kernel identifies fwmark services by family + mark only. */
		k->protocol = 0;
		k->port = 0;
		memset(&k->addr, 0, sizeof(k->addr));
		return;
	}
	k->addr.family = k->family;
	if (addr_len(&k->addr) < sizeof(k->addr.u.bytes))
		memset(k->addr.u.bytes + addr_len(&k->addr), 0,
		       sizeof(k->addr.u.bytes) - addr_len(&k->addr));
}

int ipvs_svc_key_cmp(const struct ipvs_svc_key *a, const struct ipvs_svc_key *b)
{
	int c;

	if ((c = CMP3(a->family, b->family)) != 0)
		return c;
	if ((c = CMP3(a->fwmark, b->fwmark)) != 0)
		return c;
	if (a->fwmark)
		return 0;
	if ((c = CMP3(a->protocol, b->protocol)) != 0)
		return c;
	if ((c = addr_cmp(&a->addr, &b->addr)) != 0)
		return c;
	return CMP3(a->port, b->port);
}

int ipvs_dest_key_cmp(const struct ipvs_dest_key *a, const struct ipvs_dest_key *b)
{
	int c;

	if ((c = ipvs_svc_key_cmp(&a->svc, &b->svc)) != 0)
		return c;
	if ((c = addr_cmp(&a->addr, &b->addr)) != 0)
		return c;
	return CMP3(a->port, b->port);
}

void ipvs_dest_key_of(const struct ipvs_dest *d, struct ipvs_dest_key *out)
{
	memset(out, 0, sizeof(*out));
	out->svc = d->svc;
	out->addr = d->addr;
	out->port = d->port;
}

int ipvs_dest_cmp_key(const struct ipvs_dest *a, const struct ipvs_dest *b)
{
	struct ipvs_dest_key ka, kb;

	ipvs_dest_key_of(a, &ka);
	ipvs_dest_key_of(b, &kb);
	return ipvs_dest_key_cmp(&ka, &kb);
}

bool ipvs_service_same(const struct ipvs_service *a, const struct ipvs_service *b)
{
	return strncmp(a->sched, b->sched, sizeof(a->sched)) == 0 &&
	       (a->flags & IPVS_SVC_F_USER_MASK) == (b->flags & IPVS_SVC_F_USER_MASK) &&
	       a->timeout == b->timeout && a->netmask == b->netmask;
}

bool ipvs_dest_same(const struct ipvs_dest *a, const struct ipvs_dest *b)
{
	return a->fwd == b->fwd && a->weight == b->weight &&
	       a->u_threshold == b->u_threshold && a->l_threshold == b->l_threshold;
}
