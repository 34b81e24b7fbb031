/* ipvs_msg.h - generic netlink messages for IPVS (family "IPVS"), built by
 * pure functions into caller-owned buffers (libmnl) and parsed back into
 * struct ipvs_service / struct ipvs_dest. No sockets here: the caller sends
 * the bytes on a non-blocking NETLINK_GENERIC socket and matches replies by
 * sequence number (see ipvs_msg_ack()).
 *
 * Every builder returns the message length, or 0 when the input cannot make
 * a valid request or buflen is too small (IPVS_MSG_MAX always suffices).
 * Builders zero the first min(buflen, IPVS_MSG_MAX) bytes of buf, so
 * batch several requests by building them one after another, in order.
 * Change requests and GET_INFO carry NLM_F_ACK, so each of them ends with
 * exactly one NLMSG_ERROR (error 0 = success); dumps end with NLMSG_DONE. */
#ifndef TANDEM_IPVS_MSG_H
#define TANDEM_IPVS_MSG_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipvs/ipvs.h"

#define IPVS_MSG_MAX 512 /* largest request we build, with room to spare */

/* CTRL_CMD_GETFAMILY for "IPVS" (to GENL_ID_CTRL). */
size_t ipvs_msg_resolve(void *buf, size_t buflen, uint32_t seq);
/* IPVS_CMD_GET_INFO: the reply carries the version and connection table size. */
size_t ipvs_msg_get_info(void *buf, size_t buflen, uint16_t family_id, uint32_t seq);

size_t ipvs_msg_new_service(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			    const struct ipvs_service *svc);
size_t ipvs_msg_set_service(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			    const struct ipvs_service *svc);
size_t ipvs_msg_del_service(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			    const struct ipvs_svc_key *key);

size_t ipvs_msg_new_dest(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			 const struct ipvs_dest *dest);
size_t ipvs_msg_set_dest(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			 const struct ipvs_dest *dest);
size_t ipvs_msg_del_dest(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			 const struct ipvs_dest_key *key);

/* Dumps: one IPVS_CMD_NEW_SERVICE / IPVS_CMD_NEW_DEST message per entry. */
size_t ipvs_msg_dump_services(void *buf, size_t buflen, uint16_t family_id, uint32_t seq);
size_t ipvs_msg_dump_dests(void *buf, size_t buflen, uint16_t family_id, uint32_t seq,
			   const struct ipvs_svc_key *svc);

/* IPVS_CMD_FLUSH: removes every service (ours or not). Tests and tools only:
 * the daemon deletes what it owns. */
size_t ipvs_msg_flush(void *buf, size_t buflen, uint16_t family_id, uint32_t seq);

/* ---- replies (ipvs_msg_parse.c) ---- */

struct ipvs_info {
	uint32_t version;       /* 0x010201 = 1.2.1 */
	uint32_t conn_tab_size;
};

/* Each parser takes one whole netlink message (nlh->nlmsg_len bytes,
 * already bounded by the caller, e.g. with mnl_nlmsg_ok) and returns 0, or
 * -1 if it is not the expected reply or an attribute is malformed. */
int ipvs_parse_family(const struct nlmsghdr *nlh, uint16_t *family_id);
int ipvs_parse_info(const struct nlmsghdr *nlh, uint16_t family_id, struct ipvs_info *out);
int ipvs_parse_service(const struct nlmsghdr *nlh, uint16_t family_id, struct ipvs_service *out);
/* Destination dumps do not repeat the service: pass the one that was asked. */
int ipvs_parse_dest(const struct nlmsghdr *nlh, uint16_t family_id,
		    const struct ipvs_svc_key *svc, struct ipvs_dest *out);

/* 1 if nlh is an NLMSG_ERROR (the acknowledgement of request nlmsg_seq):
 * *err = 0 on success or a negative errno; 0 for any other message; -1 if
 * it is an NLMSG_ERROR too short to hold its error code. */
int ipvs_msg_ack(const struct nlmsghdr *nlh, int *err);

/* True when err (negative errno) from request cmd means the kernel already
 * is as asked: add of an existing entry, delete of a missing one. */
bool ipvs_err_benign(uint8_t cmd, int err);

#endif
