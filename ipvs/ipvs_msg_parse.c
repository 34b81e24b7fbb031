/* ipvs_msg_parse.c - IPVS generic netlink replies into plain structs.
 * Each attribute is checked for its type and size before it is read (the
 * libmnl callback pattern); a reply missing a mandatory attribute, or with
 * a value out of range, is refused whole rather than half-used. */
#include "ipvs/ipvs_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <string.h>
#include <sys/socket.h>

/* Expected payload per attribute type: an mnl type, or MNL_TYPE_UNSPEC
 * with a minimum length for binary blobs. Types absent (len 0, UNSPEC)
 * are ignored, so newer kernels may add attributes. */
struct attr_rule {
	enum mnl_attr_data_type type;
	size_t minlen;
};

struct walk {
	const struct attr_rule *rules;
	int max;
	const struct nlattr **tb;
	bool bad;
};

static int walk_cb(const struct nlattr *a, void *data)
{
	struct walk *w = data;
	int type = mnl_attr_get_type(a);
	const struct attr_rule *r;

	if (type > w->max)
		return MNL_CB_OK; /* unknown: newer kernel */
	r = &w->rules[type];
	if (r->type == MNL_TYPE_UNSPEC && r->minlen == 0)
		return MNL_CB_OK;
	if (r->type != MNL_TYPE_UNSPEC ? mnl_attr_validate(a, r->type) < 0
				       : mnl_attr_get_payload_len(a) < r->minlen) {
		w->bad = true;
		return MNL_CB_ERROR;
	}
	w->tb[type] = a;
	return MNL_CB_OK;
}

static int walk_nested(const struct nlattr *nest, const struct attr_rule *rules, int max,
		       const struct nlattr **tb)
{
	struct walk w = { rules, max, tb, false };

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	if (mnl_attr_parse_nested(nest, walk_cb, &w) < 0 || w.bad)
		return -1;
	return 0;
}

/* Top level of a genl message of family fam and command cmd. */
static int walk_top(const struct nlmsghdr *nlh, uint16_t fam, uint8_t cmd,
		    const struct attr_rule *rules, int max, const struct nlattr **tb)
{
	struct walk w = { rules, max, tb, false };
	const struct genlmsghdr *g;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*g) || nlh->nlmsg_type != fam)
		return -1;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd != cmd)
		return -1;
	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	if (mnl_attr_parse(nlh, sizeof(*g), walk_cb, &w) < 0 || w.bad)
		return -1;
	return 0;
}

static const struct attr_rule ctrl_rules[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { MNL_TYPE_U16, 0 },
	[CTRL_ATTR_FAMILY_NAME] = { MNL_TYPE_NUL_STRING, 0 },
};

int ipvs_parse_family(const struct nlmsghdr *nlh, uint16_t *family_id)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (walk_top(nlh, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, ctrl_rules, CTRL_ATTR_MAX, tb) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), IPVS_GENL_NAME) != 0)
		return -1;
	*family_id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	/* Dynamic genl ids start after GENL_ID_CTRL; anything else is not IPVS. */
	return *family_id > GENL_ID_CTRL ? 0 : -1;
}

static const struct attr_rule info_rules[IPVS_INFO_ATTR_MAX + 1] = {
	[IPVS_INFO_ATTR_VERSION] = { MNL_TYPE_U32, 0 },
	[IPVS_INFO_ATTR_CONN_TAB_SIZE] = { MNL_TYPE_U32, 0 },
};

int ipvs_parse_info(const struct nlmsghdr *nlh, uint16_t family_id, struct ipvs_info *out)
{
	const struct nlattr *tb[IPVS_INFO_ATTR_MAX + 1];

	/* The kernel answers GET_INFO with the command SET_INFO. */
	if (walk_top(nlh, family_id, IPVS_CMD_SET_INFO, info_rules, IPVS_INFO_ATTR_MAX, tb) < 0 ||
	    !tb[IPVS_INFO_ATTR_VERSION] || !tb[IPVS_INFO_ATTR_CONN_TAB_SIZE])
		return -1;
	out->version = mnl_attr_get_u32(tb[IPVS_INFO_ATTR_VERSION]);
	out->conn_tab_size = mnl_attr_get_u32(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE]);
	return 0;
}

static const struct attr_rule cmd_rules[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE] = { MNL_TYPE_NESTED, 0 },
	[IPVS_CMD_ATTR_DEST] = { MNL_TYPE_NESTED, 0 },
};

static const struct attr_rule svc_rules[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF] = { MNL_TYPE_U16, 0 },
	[IPVS_SVC_ATTR_PROTOCOL] = { MNL_TYPE_U16, 0 },
	[IPVS_SVC_ATTR_ADDR] = { MNL_TYPE_UNSPEC, sizeof(struct in_addr) },
	[IPVS_SVC_ATTR_PORT] = { MNL_TYPE_U16, 0 },
	[IPVS_SVC_ATTR_FWMARK] = { MNL_TYPE_U32, 0 },
	[IPVS_SVC_ATTR_SCHED_NAME] = { MNL_TYPE_NUL_STRING, 0 },
	[IPVS_SVC_ATTR_FLAGS] = { MNL_TYPE_UNSPEC, sizeof(struct ip_vs_flags) },
	[IPVS_SVC_ATTR_TIMEOUT] = { MNL_TYPE_U32, 0 },
	[IPVS_SVC_ATTR_NETMASK] = { MNL_TYPE_U32, 0 },
};

static const struct attr_rule dest_rules[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR] = { MNL_TYPE_UNSPEC, sizeof(struct in_addr) },
	[IPVS_DEST_ATTR_PORT] = { MNL_TYPE_U16, 0 },
	[IPVS_DEST_ATTR_FWD_METHOD] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_WEIGHT] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_U_THRESH] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_L_THRESH] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_ADDR_FAMILY] = { MNL_TYPE_U16, 0 },
};

/* An address attribute long enough for its family. */
static int get_addr(const struct nlattr *a, uint16_t family, struct addr *out)
{
	memset(out, 0, sizeof(*out));
	if (family != AF_INET && family != AF_INET6)
		return -1;
	out->family = (uint8_t)family;
	if (mnl_attr_get_payload_len(a) < addr_len(out))
		return -1;
	memcpy(out->u.bytes, mnl_attr_get_payload(a), addr_len(out));
	return 0;
}

/* Wire netmask back to a prefix length; -1 for a non-contiguous IPv4 mask. */
static int netmask_plen(uint8_t family, uint32_t wire)
{
	uint32_t m = ntohl(wire);
	int n = 0;

	if (family == AF_INET6)
		return wire <= 128 ? (int)wire : -1;
	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return (n == 32 || (m << n) == 0) ? n : -1;
}

static int svc_key_from(const struct nlattr **tb, struct ipvs_svc_key *k)
{
	uint16_t af, proto;

	memset(k, 0, sizeof(*k));
	if (!tb[IPVS_SVC_ATTR_AF])
		return -1;
	af = mnl_attr_get_u16(tb[IPVS_SVC_ATTR_AF]);
	if (af != AF_INET && af != AF_INET6)
		return -1;
	k->family = (uint8_t)af;
	if (tb[IPVS_SVC_ATTR_FWMARK] && mnl_attr_get_u32(tb[IPVS_SVC_ATTR_FWMARK]) != 0) {
		k->fwmark = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
		return 0;
	}
	if (!tb[IPVS_SVC_ATTR_PROTOCOL] || !tb[IPVS_SVC_ATTR_ADDR] || !tb[IPVS_SVC_ATTR_PORT])
		return -1;
	proto = mnl_attr_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
	if (proto == 0 || proto > UINT8_MAX)
		return -1;
	k->protocol = (uint8_t)proto;
	k->port = ntohs(mnl_attr_get_u16(tb[IPVS_SVC_ATTR_PORT]));
	return get_addr(tb[IPVS_SVC_ATTR_ADDR], af, &k->addr);
}

static int svc_settings_from(const struct nlattr **tb, struct ipvs_service *s)
{
	const char *sched;
	struct ip_vs_flags fl;
	int plen;

	if (!tb[IPVS_SVC_ATTR_SCHED_NAME] || !tb[IPVS_SVC_ATTR_FLAGS] ||
	    !tb[IPVS_SVC_ATTR_TIMEOUT] || !tb[IPVS_SVC_ATTR_NETMASK])
		return -1;
	sched = mnl_attr_get_str(tb[IPVS_SVC_ATTR_SCHED_NAME]);
	if (strlen(sched) == 0 || strlen(sched) >= sizeof(s->sched))
		return -1;
	strcpy(s->sched, sched);
	memcpy(&fl, mnl_attr_get_payload(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(fl));
	/* Keep what a user can set; HASHED is kernel bookkeeping. */
	s->flags = fl.flags & IPVS_SVC_F_USER_MASK;
	s->timeout = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	plen = netmask_plen(s->key.family, mnl_attr_get_u32(tb[IPVS_SVC_ATTR_NETMASK]));
	if (plen < 0)
		return -1;
	s->netmask = (uint8_t)plen;
	return 0;
}

/* The nested attribute `which` of a reply with command cmd. */
static const struct nlattr *reply_nest(const struct nlmsghdr *nlh, uint16_t fam, uint8_t cmd,
				       uint16_t which)
{
	const struct nlattr *top[IPVS_CMD_ATTR_MAX + 1];

	if (walk_top(nlh, fam, cmd, cmd_rules, IPVS_CMD_ATTR_MAX, top) < 0)
		return NULL;
	return top[which];
}

int ipvs_parse_service(const struct nlmsghdr *nlh, uint16_t family_id, struct ipvs_service *out)
{
	const struct nlattr *nest = reply_nest(nlh, family_id, IPVS_CMD_NEW_SERVICE,
					       IPVS_CMD_ATTR_SERVICE);
	const struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (!nest || walk_nested(nest, svc_rules, IPVS_SVC_ATTR_MAX, tb) < 0 ||
	    svc_key_from(tb, &out->key) < 0 || svc_settings_from(tb, out) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

static int dest_from(const struct nlattr **tb, uint8_t svc_family, struct ipvs_dest *d)
{
	uint16_t af = svc_family;
	uint32_t fwd, weight;

	if (!tb[IPVS_DEST_ATTR_ADDR] || !tb[IPVS_DEST_ATTR_PORT] ||
	    !tb[IPVS_DEST_ATTR_FWD_METHOD] || !tb[IPVS_DEST_ATTR_WEIGHT] ||
	    !tb[IPVS_DEST_ATTR_U_THRESH] || !tb[IPVS_DEST_ATTR_L_THRESH])
		return -1;
	/* Kernels before 4.2 omit ADDR_FAMILY: then it is the service's. */
	if (tb[IPVS_DEST_ATTR_ADDR_FAMILY])
		af = mnl_attr_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]);
	if (get_addr(tb[IPVS_DEST_ATTR_ADDR], af, &d->addr) < 0)
		return -1;
	d->port = ntohs(mnl_attr_get_u16(tb[IPVS_DEST_ATTR_PORT]));
	fwd = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]) & IP_VS_CONN_F_FWD_MASK;
	weight = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]);
	if (fwd > IPVS_FWD_DR || weight > INT32_MAX)
		return -1;
	d->fwd = (enum ipvs_fwd)fwd;
	d->weight = weight;
	d->u_threshold = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_U_THRESH]);
	d->l_threshold = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_L_THRESH]);
	return 0;
}

int ipvs_parse_dest(const struct nlmsghdr *nlh, uint16_t family_id,
		    const struct ipvs_svc_key *svc, struct ipvs_dest *out)
{
	const struct nlattr *nest = reply_nest(nlh, family_id, IPVS_CMD_NEW_DEST, IPVS_CMD_ATTR_DEST);
	const struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];

	memset(out, 0, sizeof(*out));
	out->svc = *svc;
	if (!nest || walk_nested(nest, dest_rules, IPVS_DEST_ATTR_MAX, tb) < 0 ||
	    dest_from(tb, svc->family, out) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

int ipvs_msg_ack(const struct nlmsghdr *nlh, int *err)
{
	const struct nlmsgerr *e;

	if (nlh->nlmsg_type != NLMSG_ERROR)
		return 0;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(e->error))
		return -1;
	e = mnl_nlmsg_get_payload(nlh);
	*err = e->error;
	return 1;
}

bool ipvs_err_benign(uint8_t cmd, int err)
{
	switch (cmd) {
	case IPVS_CMD_NEW_SERVICE:
	case IPVS_CMD_NEW_DEST:
		return err == -EEXIST;
	case IPVS_CMD_DEL_SERVICE:
		return err == -ESRCH; /* no such service */
	case IPVS_CMD_DEL_DEST:
		/* ENOENT: no such destination; ESRCH: its service is gone too. */
		return err == -ENOENT || err == -ESRCH;
	default:
		return false;
	}
}
