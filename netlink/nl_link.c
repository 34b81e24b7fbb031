/* nl_link.c - rtnetlink link events and request acknowledgements on the loop.
 *
 * Design: libmnl serves everything that runs on the event loop - messages
 * are built by pure functions into caller-owned buffers, sent on
 * non-blocking sockets, and replies/events are walked with
 * attribute-validation callbacks (mnl_cb_run2, mnl_attr_parse). libnl-route-3
 * only serves the one-shot interface snapshot at start/reload
 * (nl_ifinfo.c), where its object model saves code and blocking is fine.
 *
 * The socket itself is a plain socket()+bind(), not a struct mnl_socket:
 * our API hands out an int fd that the loop polls and the owner close()s.
 * A struct mnl_socket kept on the side (keyed by fd) would leak, or worse
 * be found again after the fd number is reused, because nothing tells us
 * when the fd is closed. libmnl would add nothing else there. */
#include "netlink/nl_link.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Larger than MNL_SOCKET_BUFFER_SIZE (8 KiB at most): a link message with
 * many attributes must never be truncated. */
#define NL_ROUTE_RECVBUF (32 * 1024)
/* Kernel-side queue for the event socket: a burst of link changes (a bond
 * or a bridge flapping) must not overflow it and cost us an ENOBUFS resync. */
#define NL_ROUTE_RCVBUF_BYTES (1 << 20)

struct link_attrs {
	const struct nlattr *ifname;
	const char *next; /* where the attribute after the last one begins */
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_attrs *la = data;

	la->next = (const char *)attr + MNL_ALIGN(attr->nla_len);
	/* Other attributes are not ours to judge: newer kernels add more. */
	if (mnl_attr_get_type(attr) != IFLA_IFNAME)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_get_payload_len(attr) > IF_NAMESIZE)
		return MNL_CB_ERROR;
	la->ifname = attr;
	return MNL_CB_OK;
}

int nl_link_parse(const struct nlmsghdr *nlh, struct nl_link_event *out)
{
	const struct ifinfomsg *ifi;
	struct link_attrs la = { 0 };
	struct nl_link_event ev = { 0 };

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return -1;
	/* The kernel pads every message to NLMSG_ALIGNTO; libmnl reads up to
	 * the aligned length, so an unaligned one could make it overread. */
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)) ||
	    nlh->nlmsg_len != MNL_ALIGN(nlh->nlmsg_len))
		return -1;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (ifi->ifi_index <= 0)
		return -1;

	la.next = mnl_nlmsg_get_payload_offset(nlh, sizeof(*ifi));
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, &la) < MNL_CB_OK)
		return -1;
	/* mnl_attr_parse stops quietly at an attribute that overruns the
	 * message; leftover bytes mean the message was malformed. */
	if (la.next != (const char *)mnl_nlmsg_get_payload_tail(nlh))
		return -1;

	ev.ifindex = ifi->ifi_index;
	if (la.ifname)
		memcpy(ev.ifname, mnl_attr_get_str(la.ifname),
		       mnl_attr_get_payload_len(la.ifname));
	ev.flags = ifi->ifi_flags;
	/* IFF_RUNNING mirrors the operstate (RFC 2863 "up": carrier and not
	 * dormant); IFF_LOWER_UP is carrier alone: it stays set on a dormant
	 * (802.1X-blocked) link, and when a veth's peer comes up it arrives one
	 * event before RUNNING (linkwatch sets the operstate later). */
	ev.running = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	ev.deleted = nlh->nlmsg_type == RTM_DELLINK;
	*out = ev;
	return 0;
}

struct walk {
	nl_link_cb link_cb;
	nl_ack_cb ack_cb;
	void *arg;
	bool bad;
	const char *end; /* end of the last whole message seen */
};

static void walk_note(struct walk *w, const struct nlmsghdr *nlh)
{
	w->end = (const char *)nlh + MNL_ALIGN(nlh->nlmsg_len);
}

static int walk_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	struct nl_link_event ev;

	walk_note(w, nlh);
	/* Address or route events (other groups) are not for this walker. */
	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (nl_link_parse(nlh, &ev) < 0) {
		w->bad = true;
		return MNL_CB_OK; /* keep walking: later messages may be fine */
	}
	if (w->link_cb)
		w->link_cb(&ev, w->arg);
	return MNL_CB_OK;
}

static int walk_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	int err;

	walk_note(w, nlh);
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		w->bad = true;
		return MNL_CB_OK;
	}
	/* rtnetlink sends -errno; normalise in case a subsystem does not. */
	err = e->error > 0 ? -e->error : e->error;
	if (w->ack_cb)
		w->ack_cb(nlh->nlmsg_seq, err, w->arg);
	return MNL_CB_OK;
}

/* NOOP, DONE, OVERRUN and reserved types: nothing to do, but unlike
 * libmnl's defaults never stop the walk (an ack would end it early). */
static int walk_ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	walk_note(data, nlh);
	return MNL_CB_OK;
}

int nl_route_walk(const void *buf, size_t len, nl_link_cb link_cb,
		  nl_ack_cb ack_cb, void *arg)
{
	struct walk w = { link_cb, ack_cb, arg, false, buf };
	mnl_cb_t ctl[NLMSG_MIN_TYPE];

	for (size_t i = 0; i < NLMSG_MIN_TYPE; i++)
		ctl[i] = walk_ignore_cb;
	ctl[NLMSG_ERROR] = walk_error_cb;

	/* seq 0 / portid 0: accept any; events carry seq 0, acks ours. */
	mnl_cb_run2(buf, len, 0, 0, walk_data_cb, &w, ctl, NLMSG_MIN_TYPE);
	/* mnl_cb_run2 stops quietly at a header that overruns the buffer. */
	if (w.end < (const char *)buf + len)
		w.bad = true;
	if (w.bad) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

static void set_rcvbuf(int fd)
{
	int sz = NL_ROUTE_RCVBUF_BYTES;

	/* FORCE ignores net.core.rmem_max but needs CAP_NET_ADMIN; without it
	 * fall back to what rmem_max allows. Best effort either way. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

int nl_route_open(unsigned int groups)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int fd, saved;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (groups)
		set_rcvbuf(fd);
	/* nl_pid 0: the kernel picks a unique port id (MNL_SOCKET_AUTOPID). */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int nl_route_read(int fd, nl_link_cb link_cb, nl_ack_cb ack_cb, void *arg)
{
	_Alignas(struct nlmsghdr) char buf[NL_ROUTE_RECVBUF];
	bool bad = false;

	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = { .msg_name = &sa, .msg_namelen = sizeof(sa),
				      .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &msg, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return -1; /* ENOBUFS included: the caller resyncs */
		if (msg.msg_flags & MSG_TRUNC) {
			errno = EMSGSIZE; /* part of a message is lost: resync too */
			return -1;
		}
		/* Only the kernel may speak on this socket. */
		if (n == 0 || sa.nl_pid != 0)
			continue;
		if (nl_route_walk(buf, (size_t)n, link_cb, ack_cb, arg) < 0)
			bad = true;
	}
	if (bad) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

int nl_route_send(int fd, const void *msg, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(fd, msg, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}
