/* nl_addr.h - rtnetlink address messages, built by pure functions into
 * caller-owned buffers (libmnl), so tests compare them byte for byte. */
#ifndef TANDEM_NL_ADDR_H
#define TANDEM_NL_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/addr.h"

enum nl_addr_op { NL_ADDR_ADD, NL_ADDR_DEL };

/* RTM_NEWADDR (NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_REPLACE) or
 * RTM_DELADDR (NLM_F_REQUEST|NLM_F_ACK) for addr/prefixlen on ifindex,
 * scope global, with IFA_LOCAL and IFA_ADDRESS. IPv6 adds IFA_FLAGS with
 * IFA_F_NODAD (a VIP must answer at once, RFC 5798 §8.2). Returns the
 * message length, or 0 if buflen is too small. */
size_t nl_addr_msg(void *buf, size_t buflen, enum nl_addr_op op, uint32_t seq,
		   int ifindex, const struct addr *addr, uint8_t prefixlen);

#endif
