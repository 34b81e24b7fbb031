/* vrrp_vmac.h - RFC 5798 §7.3 virtual MAC interfaces (macvlan). */
#ifndef TANDEM_VRRP_VMAC_H
#define TANDEM_VRRP_VMAC_H

#include <stddef.h>

#include "conf/conf.h"

/* Create (or re-create, if a crashed run left it) the macvlan
 * c->vmac_ifname over c->ifname with 00:00:5E:00:01:{VRID} (IPv4) or
 * 00:00:5E:00:02:{VRID} (IPv6), set the sysctls a VMAC needs (IPv6: no
 * address of its own) and bring it up. Blocking netlink round trips: at
 * start and reload only. Returns 0 or -1 with err. */
int vrrp_vmac_setup(const struct conf_vrrp *c, char *err, size_t errlen);
void vrrp_vmac_teardown(const struct conf_vrrp *c);

/* Prepare the instance's advert socket fd, bound to the macvlan: IPv6
 * sets IPV6_FREEBIND, since adverts leave from the parent's link-local
 * (RFC 5798 §5.1.2.1), which is not on the macvlan (vrrp_vmac.c says
 * why). IPv4 needs nothing. Returns 0 or -1 with err. */
int vrrp_vmac_sock_prepare(const struct conf_vrrp *c, int fd, char *err, size_t errlen);

#endif
