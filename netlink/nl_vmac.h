/* nl_vmac.h - the RFC 5798 §7.3 virtual MAC on a macvlan interface:
 * rtnetlink messages built by pure functions into caller-owned buffers
 * (libmnl), so tests compare them byte for byte. */
#ifndef TANDEM_NL_VMAC_H
#define TANDEM_NL_VMAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 00-00-5E-00-01-{VRID} for AF_INET, 00-00-5E-00-02-{VRID} for AF_INET6
 * (RFC 5798 §7.3). Any other family gives the IPv4 one. */
void nl_vmac_addr(uint8_t vrid, int family, uint8_t out[6]);

/* RTM_NEWLINK (NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL): a macvlan
 * named name over parent_ifindex with address mac, mode private. EXCL: an
 * existing interface of that name is EEXIST, never silently adopted.
 * Returns the message length, or 0 if buflen is too small, name is empty
 * or too long (>= IF_NAMESIZE), parent_ifindex <= 0 or vrid is 0. */
size_t nl_vmac_new_msg(void *buf, size_t buflen, uint32_t seq, const char *name,
		       int parent_ifindex, const uint8_t mac[6], uint8_t vrid);

/* RTM_DELLINK (NLM_F_REQUEST|NLM_F_ACK) of the interface called name. The
 * kernel deletes whatever has that name, macvlan or not: pass only names
 * we created. Returns the length or 0 (as above). */
size_t nl_vmac_del_msg(void *buf, size_t buflen, uint32_t seq, const char *name);

/* RTM_NEWLINK (NLM_F_REQUEST|NLM_F_ACK) setting IPv6 addr_gen_mode "none"
 * on ifindex, so the link gets no automatic link-local address: every
 * router's VMAC interface has the same MAC, hence the same EUI-64 address
 * (DAD failure), and its Router Solicitations and MLD reports would carry
 * the VMAC from Backups too. Send it after nl_vmac_new_msg and before
 * bringing the link up: the kernel refuses IFLA_AF_SPEC in the create
 * message itself (EAFNOSUPPORT, the inet6 device does not exist yet).
 * Returns the length, or 0 if buflen is too small or ifindex <= 0. */
size_t nl_vmac_addrgen_none_msg(void *buf, size_t buflen, uint32_t seq, int ifindex);

/* RTM_NEWLINK (NLM_F_REQUEST|NLM_F_ACK) setting (up) or clearing IFF_UP,
 * with ifi_change = IFF_UP so no other flag moves. The link is ifindex if
 * > 0 (name is then ignored: IFLA_IFNAME with an index would rename it),
 * else name. Returns the length, or 0 if buflen is too small or neither
 * a valid index nor a valid name is given. */
size_t nl_link_set_up_msg(void *buf, size_t buflen, uint32_t seq,
			  int ifindex, const char *name, bool up);

#endif
