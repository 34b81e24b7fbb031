/* vrrp_accept.h - accept_mode (RFC 5798 §6.4.3) through nftables. */
#ifndef TANDEM_VRRP_ACCEPT_H
#define TANDEM_VRRP_ACCEPT_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

/* The nftables script for c (pure): a table "inet tandem" that drops what
 * is addressed to the VIPs of instances with accept_mode off (address
 * owners excepted), or only the deletion of that table when none needs it.
 * Returns the length, or 0 if len is too small. */
size_t vrrp_accept_script(const struct conf *c, char *buf, size_t len);

/* NFT_MSG_GETTABLE for "inet tandem" (pure; the start-up check for a
 * table left by a crashed run): its length, or 0 if len is too small. */
size_t vrrp_accept_gettable_msg(void *buf, size_t len, uint32_t seq);

/* Install the script for c (one atomic nftables transaction). */
int vrrp_accept_apply(const struct conf *c, char *err, size_t errlen);
/* Remove our table, if we installed it (on exit). */
void vrrp_accept_remove(void);

#endif
