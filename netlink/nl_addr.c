/* nl_addr.c - RTM_NEWADDR / RTM_DELADDR messages for the virtual addresses.
 *
 * Design: libmnl serves everything that runs on the event loop - messages
 * are built by pure functions into caller-owned buffers, sent on
 * non-blocking sockets, and replies/events are walked with
 * attribute-validation callbacks. libnl-route-3 only serves the one-shot
 * interface snapshot at start/reload (nl_ifinfo.c), where its object model
 * saves code and blocking is acceptable. This file is the pure builder. */
#include "netlink/nl_addr.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

/* Bytes the whole message needs, so nothing is written unless it all fits
 * (mnl_attr_put itself does not check the room left). */
static size_t addr_msg_size(size_t alen, int family)
{
	size_t n = MNL_ALIGN(sizeof(struct nlmsghdr)) +
		   MNL_ALIGN(sizeof(struct ifaddrmsg)) +
		   2 * MNL_ALIGN(sizeof(struct nlattr) + alen);

	if (family == AF_INET6)
		n += MNL_ALIGN(sizeof(struct nlattr) + sizeof(uint32_t));
	return n;
}

size_t nl_addr_msg(void *buf, size_t buflen, enum nl_addr_op op, uint32_t seq,
		   int ifindex, const struct addr *addr, uint8_t prefixlen)
{
	size_t alen = addr_len(addr);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	/* An unset family or an impossible prefix cannot make a valid request. */
	if (alen == 0 || prefixlen > alen * 8 || ifindex <= 0)
		return 0;
	if (buflen < addr_msg_size(alen, addr->family))
		return 0;

	nlh = mnl_nlmsg_put_header(buf);
	if (op == NL_ADDR_ADD) {
		nlh->nlmsg_type = RTM_NEWADDR;
		/* REPLACE: re-adding a VIP we already hold is success, not EEXIST. */
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	} else {
		nlh->nlmsg_type = RTM_DELADDR;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	}
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0; /* to the kernel */

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = addr->family;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_flags = 0;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;

	/* LOCAL == ADDRESS: a plain (non point-to-point) address. */
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr->u.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr->u.bytes);
	/* A VIP must answer at once after a takeover, so skip DAD
	 * (RFC 5798 §8.2); the kernel ignores the flag on delete. */
	if (addr->family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nlh->nlmsg_len;
}
