/* ipvs.h - IPVS virtual services and real servers as plain values, in host
 * byte order, shared by the message codec (ipvs_msg*.c) and the reconciler.
 * Nothing here knows about netlink. */
#ifndef TANDEM_IPVS_H
#define TANDEM_IPVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/addr.h"

/* Service flags we manage; the kernel's IP_VS_SVC_F_* values (checked
 * against <linux/ip_vs.h> in ipvs_msg.c). HASHED is kernel-internal. */
#define IPVS_SVC_F_PERSISTENT 0x0001u
#define IPVS_SVC_F_ONEPACKET 0x0004u
#define IPVS_SVC_F_SCHED1 0x0008u /* sh/mh: fallback */
#define IPVS_SVC_F_SCHED2 0x0010u /* sh/mh: use the port too */
#define IPVS_SVC_F_SCHED3 0x0020u
#define IPVS_SVC_F_USER_MASK (IPVS_SVC_F_PERSISTENT | IPVS_SVC_F_ONEPACKET | \
			      IPVS_SVC_F_SCHED1 | IPVS_SVC_F_SCHED2 | IPVS_SVC_F_SCHED3)

#define IPVS_SCHED_NAME_MAX 16 /* IP_VS_SCHEDNAME_MAXLEN, NUL included */

/* Forwarding methods: the kernel's IP_VS_CONN_F_* values. */
enum ipvs_fwd {
	IPVS_FWD_NAT = 0,   /* masquerading */
	IPVS_FWD_LOCAL = 1, /* local node */
	IPVS_FWD_TUN = 2,   /* IP-in-IP tunnel */
	IPVS_FWD_DR = 3,    /* direct routing */
};

/* What identifies a virtual service: either protocol + address + port, or a
 * firewall mark (fwmark != 0; protocol, addr and port are then zero, only
 * addr.family is set). */
struct ipvs_svc_key {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t protocol; /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP; 0 with fwmark */
	uint16_t port;
	uint32_t fwmark;
	struct addr addr;
};

struct ipvs_service {
	struct ipvs_svc_key key;
	char sched[IPVS_SCHED_NAME_MAX]; /* "rr", "wrr", "lc", "wlc", "sh", "mh", ... */
	uint32_t flags;    /* IPVS_SVC_F_*, within IPVS_SVC_F_USER_MASK */
	uint32_t timeout;  /* persistence timeout in seconds */
	uint8_t netmask;   /* persistence granularity as a prefix length (32/128 = per client) */
};

/* A real server; it belongs to the service named by svc. */
struct ipvs_dest {
	struct ipvs_svc_key svc;
	struct addr addr;  /* its family may differ from the service's (tunnel only) */
	uint16_t port;
	enum ipvs_fwd fwd;
	uint32_t weight;      /* 0 = drained: no new connections */
	uint32_t u_threshold; /* 0 = no limit */
	uint32_t l_threshold;
};

struct ipvs_dest_key {
	struct ipvs_svc_key svc;
	struct addr addr;
	uint16_t port;
};

/* Total orders, for sorting and lookups (<0, 0, >0). */
int ipvs_svc_key_cmp(const struct ipvs_svc_key *a, const struct ipvs_svc_key *b);
int ipvs_dest_key_cmp(const struct ipvs_dest_key *a, const struct ipvs_dest_key *b);
void ipvs_dest_key_of(const struct ipvs_dest *d, struct ipvs_dest_key *out);
/* Same key: compares only what identifies the entry. */
int ipvs_dest_cmp_key(const struct ipvs_dest *a, const struct ipvs_dest *b);
/* Same settings (scheduler, flags, timeout, netmask / fwd, weight,
 * thresholds): true when an entry with the same key needs no edit. */
bool ipvs_service_same(const struct ipvs_service *a, const struct ipvs_service *b);
bool ipvs_dest_same(const struct ipvs_dest *a, const struct ipvs_dest *b);

/* Normalise a key before use: zeroes what does not identify the entry
 * (protocol/addr/port of an fwmark service) so memcmp-like compares hold. */
void ipvs_svc_key_norm(struct ipvs_svc_key *k);

#endif
