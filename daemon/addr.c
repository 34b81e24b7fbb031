/* addr.c - helpers for struct addr. */
#include "daemon/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

size_t addr_len(const struct addr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

int addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family)
		return (int)a->family - (int)b->family;
	return memcmp(a->u.bytes, b->u.bytes, addr_len(a));
}

bool addr_eq(const struct addr *a, const struct addr *b)
{
	return addr_cmp(a, b) == 0;
}

int addr_parse(const char *s, struct addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, &out->u.v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &out->u.v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -1;
}

const char *addr_fmt(const struct addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->u.bytes, buf, (socklen_t)len))
		snprintf(buf, len, "-");
	return buf;
}
