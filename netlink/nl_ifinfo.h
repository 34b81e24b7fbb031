/* nl_ifinfo.h - one-shot interface snapshot through libnl-route-3: used at
 * start and on reload (never in a hot path): index, MAC, carrier, and the
 * primary address of a family. */
#ifndef TANDEM_NL_IFINFO_H
#define TANDEM_NL_IFINFO_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/addr.h"

struct nl_ifinfo {
	int ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t mac[6];
	bool running;          /* IFF_UP && IFF_RUNNING */
	struct addr primary4;  /* first non-secondary IPv4 address not excluded; family 0 if none */
	struct addr primary6;  /* link-local IPv6 address; family 0 if none */
};

/* Look up ifname. Addresses listed in exclude (e.g. our own VIPs) are never
 * chosen as primary. Returns 0, or -1 with a message in err. */
int nl_ifinfo_get(const char *ifname, const struct addr *exclude, size_t n_exclude,
		  struct nl_ifinfo *out, char *err, size_t errlen);

#endif
