/* vrrp_accept.h - accept_mode (RFC 5798 §6.4.3) and the virtual MACs'
 * multicast reports, through nftables. */
#ifndef TANDEM_VRRP_ACCEPT_H
#define TANDEM_VRRP_ACCEPT_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

/* The nftables script for c (pure): a table "inet tandem" that drops what
 * is addressed to the VIPs of instances with accept_mode off (address
 * owners excepted), tables "ip/ip6 tandem_vmac" that send the VMACs'
 * IGMP/MLD reports out of their parents instead, or only the deletion of
 * those tables when none is needed.
 * Returns the length, or 0 if len is too small. */
size_t vrrp_accept_script(const struct conf *c, char *buf, size_t len);

/* NFT_MSG_GETTABLE for table name of family (NFPROTO_*) (pure; the
 * start-up check for tables left by a crashed run): its length, or 0 if
 * len is too small. */
size_t vrrp_accept_gettable_msg(void *buf, size_t len, uint32_t seq, uint8_t family,
				const char *name);

/* Install the script for c (one atomic nftables transaction). */
int vrrp_accept_apply(const struct conf *c, char *err, size_t errlen);
/* Remove our table, if we installed it (on exit). */
void vrrp_accept_remove(void);

#endif
