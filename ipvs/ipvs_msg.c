/* ipvs_msg.c - generic netlink requests for IPVS, pure builders (libmnl).
 *
 * Attribute layout follows the kernel's parser (net/netfilter/ipvs/
 * ip_vs_ctl.c, ip_vs_genl_parse_service/_dest): a service is a nested
 * IPVS_CMD_ATTR_SERVICE with AF and either FWMARK or PROTOCOL+ADDR+PORT;
 * add/edit also need SCHED_NAME, FLAGS, TIMEOUT and NETMASK. A destination
 * adds a nested IPVS_CMD_ATTR_DEST with ADDR+PORT, and for add/edit
 * FWD_METHOD, WEIGHT, U_THRESH, L_THRESH. Ports and IPv4 netmasks are in
 * network byte order; addresses are always 16 bytes (union nf_inet_addr). */
#include "ipvs/ipvs_msg.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <string.h>
#include <sys/socket.h>

_Static_assert(IPVS_SVC_F_PERSISTENT == IP_VS_SVC_F_PERSISTENT, "flag value");
_Static_assert(IPVS_SVC_F_ONEPACKET == IP_VS_SVC_F_ONEPACKET, "flag value");
_Static_assert(IPVS_SVC_F_SCHED1 == IP_VS_SVC_F_SCHED1, "flag value");
_Static_assert(IPVS_SVC_F_SCHED2 == IP_VS_SVC_F_SCHED2, "flag value");
_Static_assert(IPVS_SVC_F_SCHED3 == IP_VS_SVC_F_SCHED3, "flag value");
_Static_assert(IPVS_FWD_NAT == IP_VS_CONN_F_MASQ && IPVS_FWD_LOCAL == IP_VS_CONN_F_LOCALNODE &&
	       IPVS_FWD_TUN == IP_VS_CONN_F_TUNNEL && IPVS_FWD_DR == IP_VS_CONN_F_DROUTE,
	       "forwarding method values");
_Static_assert(IPVS_SCHED_NAME_MAX == IP_VS_SCHEDNAME_MAXLEN, "scheduler name size");

#define IPVS_ADDR_LEN 16 /* sizeof(union nf_inet_addr) */

/* Headers of one request; NULL if buflen cannot hold them. */
static struct nlmsghdr *put_hdr(void *buf, size_t buflen, uint16_t type, uint16_t flags,
				uint32_t seq, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (buflen < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g)) || type == 0)
		return NULL;
	/* libmnl (1.0.4) leaves attribute padding as it finds it: start from
	 * zeros so the bytes sent are a function of the input only. */
	memset(buf, 0, buflen < IPVS_MSG_MAX ? buflen : IPVS_MSG_MAX);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0; /* to the kernel */
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = cmd == CTRL_CMD_GETFAMILY && type == GENL_ID_CTRL ? 1 : IPVS_GENL_VERSION;
	return nlh;
}

static bool family_ok(uint8_t family)
{
	return family == AF_INET || family == AF_INET6;
}

/* nf_inet_addr layout: an IPv4 address in the first 4 bytes, zeros after. */
static bool put_addr(struct nlmsghdr *nlh, size_t buflen, uint16_t type, const struct addr *a)
{
	uint8_t raw[IPVS_ADDR_LEN] = { 0 };

	memcpy(raw, a->u.bytes, addr_len(a));
	return mnl_attr_put_check(nlh, buflen, type, sizeof(raw), raw);
}

static bool put_u16(struct nlmsghdr *nlh, size_t buflen, uint16_t type, uint16_t v)
{
	return mnl_attr_put_check(nlh, buflen, type, sizeof(v), &v);
}

static bool put_u32(struct nlmsghdr *nlh, size_t buflen, uint16_t type, uint32_t v)
{
	return mnl_attr_put_check(nlh, buflen, type, sizeof(v), &v);
}

static bool svc_key_ok(const struct ipvs_svc_key *k)
{
	if (!family_ok(k->family))
		return false;
	if (k->fwmark)
		return true;
	return k->addr.family == k->family && k->protocol != 0;
}

/* The identifying attributes of a service (all a delete or a dump needs). */
static bool put_svc_key(struct nlmsghdr *nlh, size_t buflen, const struct ipvs_svc_key *k)
{
	if (!put_u16(nlh, buflen, IPVS_SVC_ATTR_AF, k->family))
		return false;
	if (k->fwmark)
		return put_u32(nlh, buflen, IPVS_SVC_ATTR_FWMARK, k->fwmark);
	return put_u16(nlh, buflen, IPVS_SVC_ATTR_PROTOCOL, k->protocol) &&
	       put_addr(nlh, buflen, IPVS_SVC_ATTR_ADDR, &k->addr) &&
	       put_u16(nlh, buflen, IPVS_SVC_ATTR_PORT, htons(k->port));
}

/* The persistence netmask as the kernel wants it: an IPv4 mask in network
 * order, for IPv6 the prefix length itself (ip_vs_add_service checks 1..128). */
static uint32_t netmask_wire(uint8_t family, uint8_t plen)
{
	if (family == AF_INET6)
		return plen;
	return htonl(plen == 0 ? 0 : 0xffffffffu << (32 - plen));
}

static bool service_ok(const struct ipvs_service *s)
{
	size_t n = strnlen(s->sched, sizeof(s->sched));

	return svc_key_ok(&s->key) && n > 0 && n < sizeof(s->sched) &&
	       (s->flags & ~IPVS_SVC_F_USER_MASK) == 0 &&
	       s->netmask <= (s->key.family == AF_INET6 ? 128 : 32) &&
	       (s->key.family != AF_INET6 || s->netmask > 0);
}

static bool put_service(struct nlmsghdr *nlh, size_t buflen, const struct ipvs_service *s)
{
	/* mask = all bits: the kernel ends with exactly our flags, nothing kept. */
	struct ip_vs_flags fl = { .flags = s->flags, .mask = ~0u };
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, IPVS_CMD_ATTR_SERVICE);

	if (!nest || !put_svc_key(nlh, buflen, &s->key) ||
	    !mnl_attr_put_strz_check(nlh, buflen, IPVS_SVC_ATTR_SCHED_NAME, s->sched) ||
	    !mnl_attr_put_check(nlh, buflen, IPVS_SVC_ATTR_FLAGS, sizeof(fl), &fl) ||
	    !put_u32(nlh, buflen, IPVS_SVC_ATTR_TIMEOUT, s->timeout) ||
	    !put_u32(nlh, buflen, IPVS_SVC_ATTR_NETMASK, netmask_wire(s->key.family, s->netmask)))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

static bool put_svc_key_nest(struct nlmsghdr *nlh, size_t buflen, const struct ipvs_svc_key *k)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen, IPVS_CMD_ATTR_SERVICE);

	if (!nest || !put_svc_key(nlh, buflen, k))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/* ADDR_FAMILY is sent always: the kernel needs it for an IPv6 real server
 * behind an IPv4 tunnel service, and defaults to the service's otherwise. */
static bool put_dest_key(struct nlmsghdr *nlh, size_t buflen, const struct addr *a, uint16_t port)
{
	return put_u16(nlh, buflen, IPVS_DEST_ATTR_ADDR_FAMILY, a->family) &&
	       put_addr(nlh, buflen, IPVS_DEST_ATTR_ADDR, a) &&
	       put_u16(nlh, buflen, IPVS_DEST_ATTR_PORT, htons(port));
}

static bool put_dest(struct nlmsghdr *nlh, size_t buflen, const struct ipvs_dest *d, bool full)
{
	struct nlattr *nest;

	if (!put_svc_key_nest(nlh, buflen, &d->svc))
		return false;
	nest = mnl_attr_nest_start_check(nlh, buflen, IPVS_CMD_ATTR_DEST);
	if (!nest || !put_dest_key(nlh, buflen, &d->addr, d->port))
		return false;
	if (full && (!put_u32(nlh, buflen, IPVS_DEST_ATTR_FWD_METHOD, d->fwd) ||
		     !put_u32(nlh, buflen, IPVS_DEST_ATTR_WEIGHT, d->weight) ||
		     !put_u32(nlh, buflen, IPVS_DEST_ATTR_U_THRESH, d->u_threshold) ||
		     !put_u32(nlh, buflen, IPVS_DEST_ATTR_L_THRESH, d->l_threshold)))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

static bool dest_ok(const struct ipvs_dest *d)
{
	/* The kernel stores the weight as an int and refuses negatives. */
	return svc_key_ok(&d->svc) && family_ok(d->addr.family) &&
	       (unsigned)d->fwd <= IPVS_FWD_DR && d->weight <= INT32_MAX;
}

#define REQ_ACK (NLM_F_REQUEST | NLM_F_ACK)

size_t ipvs_msg_resolve(void *buf, size_t buflen, uint32_t seq)
{
	struct nlmsghdr *nlh = put_hdr(buf, buflen, GENL_ID_CTRL, REQ_ACK, seq, CTRL_CMD_GETFAMILY);

	if (!nlh || !mnl_attr_put_strz_check(nlh, buflen, CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME))
		return 0;
	return nlh->nlmsg_len;
}

/* Requests with no attribute: GET_INFO, FLUSH, the service dump. */
static size_t bare(void *buf, size_t buflen, uint16_t fam, uint16_t flags, uint32_t seq, uint8_t cmd)
{
	struct nlmsghdr *nlh = put_hdr(buf, buflen, fam, flags, seq, cmd);

	return nlh ? nlh->nlmsg_len : 0;
}

size_t ipvs_msg_get_info(void *buf, size_t buflen, uint16_t family_id, uint32_t seq)
{
	return bare(buf, buflen, family_id, REQ_ACK, seq, IPVS_CMD_GET_INFO);
}

size_t ipvs_msg_flush(void *buf, size_t buflen, uint16_t family_id, uint32_t seq)
{
	return bare(buf, buflen, family_id, REQ_ACK, seq, IPVS_CMD_FLUSH);
}

size_t ipvs_msg_dump_services(void *buf, size_t buflen, uint16_t family_id, uint32_t seq)
{
	return bare(buf, buflen, family_id, NLM_F_REQUEST | NLM_F_DUMP, seq, IPVS_CMD_GET_SERVICE);
}

static size_t service_msg(void *buf, size_t buflen, uint16_t fam, uint32_t seq, uint8_t cmd,
			  const struct ipvs_service *svc)
{
	struct nlmsghdr *nlh;

	if (!service_ok(svc))
		return 0;
	nlh = put_hdr(buf, buflen, fam, REQ_ACK, seq, cmd);
	if (!nlh || !put_service(nlh, buflen, svc))
		return 0;
	return nlh->nlmsg_len;
}

size_t ipvs_msg_new_service(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			    const struct ipvs_service *svc)
{
	return service_msg(buf, buflen, family_id, seq, IPVS_CMD_NEW_SERVICE, svc);
}

size_t ipvs_msg_set_service(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			    const struct ipvs_service *svc)
{
	return service_msg(buf, buflen, family_id, seq, IPVS_CMD_SET_SERVICE, svc);
}

/* DEL_SERVICE and the destination dump name the service and nothing else. */
static size_t svc_key_msg(void *buf, size_t buflen, uint16_t fam, uint16_t flags, uint32_t seq,
			  uint8_t cmd, const struct ipvs_svc_key *key)
{
	struct nlmsghdr *nlh;

	if (!svc_key_ok(key))
		return 0;
	nlh = put_hdr(buf, buflen, fam, flags, seq, cmd);
	if (!nlh || !put_svc_key_nest(nlh, buflen, key))
		return 0;
	return nlh->nlmsg_len;
}

size_t ipvs_msg_del_service(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			    const struct ipvs_svc_key *key)
{
	return svc_key_msg(buf, buflen, family_id, REQ_ACK, seq, IPVS_CMD_DEL_SERVICE, key);
}

size_t ipvs_msg_dump_dests(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			   const struct ipvs_svc_key *svc)
{
	return svc_key_msg(buf, buflen, family_id, NLM_F_REQUEST | NLM_F_DUMP, seq,
			   IPVS_CMD_GET_DEST, svc);
}

static size_t dest_msg(void *buf, size_t buflen, uint16_t fam, uint32_t seq, uint8_t cmd,
		       const struct ipvs_dest *d, bool full)
{
	struct nlmsghdr *nlh;

	if (!dest_ok(d))
		return 0;
	nlh = put_hdr(buf, buflen, fam, REQ_ACK, seq, cmd);
	if (!nlh || !put_dest(nlh, buflen, d, full))
		return 0;
	return nlh->nlmsg_len;
}

size_t ipvs_msg_new_dest(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			 const struct ipvs_dest *dest)
{
	return dest_msg(buf, buflen, family_id, seq, IPVS_CMD_NEW_DEST, dest, true);
}

size_t ipvs_msg_set_dest(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			 const struct ipvs_dest *dest)
{
	return dest_msg(buf, buflen, family_id, seq, IPVS_CMD_SET_DEST, dest, true);
}

size_t ipvs_msg_del_dest(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			 const struct ipvs_dest_key *key)
{
	struct ipvs_dest d = { .svc = key->svc, .addr = key->addr, .port = key->port };

	return dest_msg(buf, buflen, family_id, seq, IPVS_CMD_DEL_DEST, &d, false);
}
