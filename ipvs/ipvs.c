/* ipvs.c - identity and equality of IPVS services and real servers. */
#include "ipvs/ipvs.h"

#include <arpa/inet.h>
#include <endian.h>
#include <string.h>
#include <sys/socket.h>

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

/* addr_cmp()'s order (family, then the bytes in network order) without a
 * memcmp call: the reconciler and the kept view compare keys ~20 times per
 * entry, and a 10,000-entry table is compared often. */
static int ip_cmp(const struct addr *a, const struct addr *b)
{
	uint64_t x, y;

	if (a->family != b->family)
		return (int)a->family - (int)b->family;
	if (a->family == AF_INET)
		return CMP3(ntohl(a->u.v4.s_addr), ntohl(b->u.v4.s_addr));
	if (a->family != AF_INET6)
		return 0;
	memcpy(&x, a->u.bytes, 8);
	memcpy(&y, b->u.bytes, 8);
	if (x != y)
		return CMP3(be64toh(x), be64toh(y));
	memcpy(&x, a->u.bytes + 8, 8);
	memcpy(&y, b->u.bytes + 8, 8);
	return CMP3(be64toh(x), be64toh(y));
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
	if ((c = ip_cmp(&a->addr, &b->addr)) != 0)
		return c;
	return CMP3(a->port, b->port);
}

int ipvs_dest_key_cmp(const struct ipvs_dest_key *a, const struct ipvs_dest_key *b)
{
	int c;

	if ((c = ipvs_svc_key_cmp(&a->svc, &b->svc)) != 0)
		return c;
	if ((c = ip_cmp(&a->addr, &b->addr)) != 0)
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
	int c;

	/* as ipvs_dest_key_cmp() of their keys, without making them */
	if ((c = ipvs_svc_key_cmp(&a->svc, &b->svc)) != 0)
		return c;
	if ((c = ip_cmp(&a->addr, &b->addr)) != 0)
		return c;
	return CMP3(a->port, b->port);
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
