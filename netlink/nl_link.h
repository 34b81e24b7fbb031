/* nl_link.h - rtnetlink link events on the loop (libmnl). */
#ifndef TANDEM_NL_LINK_H
#define TANDEM_NL_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

struct nl_link_event {
	int ifindex;
	char ifname[IF_NAMESIZE]; /* "" if the message had no IFLA_IFNAME */
	unsigned int flags;       /* ifi_flags */
	bool running;             /* IFF_UP and IFF_RUNNING (carrier) */
	bool deleted;             /* RTM_DELLINK */
};

/* Parse one RTM_NEWLINK/RTM_DELLINK message. Pure. Returns 0, or -1 if it
 * is not a link message or is malformed. */
int nl_link_parse(const struct nlmsghdr *nlh, struct nl_link_event *out);

/* A netlink route socket: non-blocking, close-on-exec. groups is a mask of
 * RTMGRP_* to subscribe to (0 for a command socket). Returns fd or -1. */
int nl_route_open(unsigned int groups);

typedef void (*nl_link_cb)(const struct nl_link_event *ev, void *arg);
/* An ack/error for one of our requests: err is 0 or a negative errno. */
typedef void (*nl_ack_cb)(uint32_t seq, int err, void *arg);

/* Drain fd (until EAGAIN): link messages go to link_cb, acks/errors to
 * ack_cb (either may be NULL). Returns 0, or -1 on a socket error other
 * than EAGAIN (ENOBUFS means events were lost: the caller should resync). */
int nl_route_read(int fd, nl_link_cb link_cb, nl_ack_cb ack_cb, void *arg);

/* The pure half of nl_route_read: walk one received datagram. Malformed
 * messages are skipped; the rest are still delivered. Returns 0, or -1
 * with errno EBADMSG if any message was skipped as malformed. */
int nl_route_walk(const void *buf, size_t len, nl_link_cb link_cb,
		  nl_ack_cb ack_cb, void *arg);

/* Send one message. Returns 0 or -1 with errno. */
int nl_route_send(int fd, const void *msg, size_t len);

#endif
