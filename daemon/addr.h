/* addr.h - one IPv4/IPv6 address type shared by config, codec and state machine. */
#ifndef TANDEM_ADDR_H
#define TANDEM_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Stored in network byte order so memcmp() orders addresses numerically,
 * which is what the RFC 5798 §6.4.3 tie-break needs. */
struct addr {
	uint8_t family; /* AF_INET, AF_INET6 or 0 (unset) */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	} u;
};

#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

size_t addr_len(const struct addr *a);          /* 4, 16 or 0 */
int addr_cmp(const struct addr *a, const struct addr *b); /* <0, 0, >0 */
bool addr_eq(const struct addr *a, const struct addr *b);
/* Parse "192.0.2.1" or "2001:db8::1"; returns 0 or -1. */
int addr_parse(const char *s, struct addr *out);
/* Format into buf (>= ADDR_STRLEN); returns buf. */
const char *addr_fmt(const struct addr *a, char *buf, size_t len);

#endif
