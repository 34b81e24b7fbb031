/* nl_vmac.c - RTM_NEWLINK / RTM_DELLINK messages for the virtual MAC.
 *
 * RFC 5798 §7.3: the Master answers for its VIPs with the virtual router
 * MAC 00-00-5E-00-0{1,2}-{VRID}. Linux gives an interface one MAC, so the
 * VMAC lives on a macvlan over the real interface and the VIPs go there.
 *
 * Mode private, as keepalived (keepalived/vrrp/vrrp_vmac.c, its
 * doc/NOTE_vrrp_vmac.txt and issue #1209): in vepa and bridge mode the
 * macvlan drops received frames whose source MAC is its own address, and
 * the other routers' adverts carry exactly that source MAC (the same VMAC),
 * so a Backup would never hear the Master. Private mode does not filter on
 * the source, and also keeps the macvlan from talking to its siblings on
 * the same parent. passthru allows one macvlan per parent only.
 *
 * Pure builders, as nl_addr.c: sizes are checked before anything is
 * written, since mnl_attr_put does not check the room left. The message is
 * zeroed first: libmnl 1.0.4's mnl_attr_put leaves an attribute's
 * alignment padding as it found it (names and MACs need padding), and the
 * bytes must not depend on what the buffer held before. */
#include "netlink/nl_vmac.h"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#define MACVLAN_KIND "macvlan"

void nl_vmac_addr(uint8_t vrid, int family, uint8_t out[6])
{
	out[0] = 0x00;
	out[1] = 0x00;
	out[2] = 0x5e;
	out[3] = 0x00;
	out[4] = family == AF_INET6 ? 0x02 : 0x01;
	out[5] = vrid;
}

/* Room an attribute of payload n takes, padding included. */
static size_t attr_space(size_t n)
{
	return MNL_ALIGN(sizeof(struct nlattr) + n);
}

static size_t hdrs_space(void)
{
	return MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct ifinfomsg));
}

/* Length of a usable interface name, or 0. */
static size_t ifname_len(const char *name)
{
	size_t n;

	if (!name)
		return 0;
	n = strnlen(name, IFNAMSIZ);
	return n < IFNAMSIZ ? n : 0;
}

/* Starts the message in buf, whose first size bytes (the whole message)
 * the caller checked are there. */
static struct ifinfomsg *link_msg_start(void *buf, size_t size, uint16_t type,
					uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0; /* to the kernel */
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return ifi;
}

size_t nl_vmac_new_msg(void *buf, size_t buflen, uint32_t seq, const char *name,
		       int parent_ifindex, const uint8_t mac[6], uint8_t vrid)
{
	size_t nlen = ifname_len(name);
	struct nlattr *linkinfo, *data;
	struct nlmsghdr *nlh = buf;
	size_t need;

	/* VRID 0 is invalid (RFC 5798 §5.2.3): a sign the caller is confused. */
	if (nlen == 0 || parent_ifindex <= 0 || vrid == 0)
		return 0;
	need = hdrs_space() + attr_space(nlen + 1) + attr_space(sizeof(uint32_t)) +
	       attr_space(ETH_ALEN) +
	       attr_space(attr_space(sizeof(MACVLAN_KIND)) +
			  attr_space(attr_space(sizeof(uint32_t))));
	if (buflen < need)
		return 0;

	link_msg_start(buf, need, RTM_NEWLINK,
		       NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent_ifindex);
	mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, mac);
	/* libmnl 1.0.4 marks nests with NLA_F_NESTED; the kernel masks it. */
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, MACVLAN_KIND);
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh->nlmsg_len;
}

size_t nl_vmac_del_msg(void *buf, size_t buflen, uint32_t seq, const char *name)
{
	size_t nlen = ifname_len(name);
	size_t need = hdrs_space() + attr_space(nlen + 1);
	struct nlmsghdr *nlh = buf;

	if (nlen == 0 || buflen < need)
		return 0;
	/* ifi_index 0: the kernel looks the link up by IFLA_IFNAME. */
	link_msg_start(buf, need, RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh->nlmsg_len;
}

size_t nl_vmac_addrgen_none_msg(void *buf, size_t buflen, uint32_t seq, int ifindex)
{
	size_t need = hdrs_space() +
		      attr_space(attr_space(attr_space(sizeof(uint8_t))));
	struct nlmsghdr *nlh = buf;
	struct nlattr *spec, *inet6;
	struct ifinfomsg *ifi;

	if (ifindex <= 0 || buflen < need)
		return 0;
	ifi = link_msg_start(buf, need, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
	ifi->ifi_index = ifindex;
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	return nlh->nlmsg_len;
}

size_t nl_link_set_up_msg(void *buf, size_t buflen, uint32_t seq,
			  int ifindex, const char *name, bool up)
{
	size_t nlen = ifindex > 0 ? 0 : ifname_len(name);
	struct nlmsghdr *nlh = buf;
	struct ifinfomsg *ifi;
	size_t need = hdrs_space();

	if (ifindex <= 0 && nlen == 0)
		return 0;
	if (nlen)
		need += attr_space(nlen + 1);
	if (buflen < need)
		return 0;

	ifi = link_msg_start(buf, need, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
	ifi->ifi_index = ifindex > 0 ? ifindex : 0;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP; /* touch IFF_UP only */
	if (nlen)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh->nlmsg_len;
}
