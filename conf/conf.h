/* conf.h - configuration as plain structs. Loading (libconfig -> structs,
 * conf_load.c) and checking (ranges, cross-references, conf_check.c) are two
 * separate steps; a reload builds a whole new struct conf and only replaces
 * the running one when both steps succeed. */
#ifndef TANDEM_CONF_H
#define TANDEM_CONF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

#define CONF_NAME_MAX 32
#define CONF_PATH_MAX 256
#define CONF_ERR_MAX 512

/* Where a setting came from, for "file:line: what is wrong". */
struct conf_pos {
	char file[CONF_PATH_MAX];
	int line;
};

enum conf_log_level { CONF_LOG_ERR, CONF_LOG_WARNING, CONF_LOG_NOTICE,
		      CONF_LOG_INFO, CONF_LOG_DEBUG };

struct conf_global {
	char router_id[CONF_NAME_MAX];        /* default: hostname */
	char control_socket[CONF_PATH_MAX];   /* default: /run/tandem/tandemd.sock */
	char pid_file[CONF_PATH_MAX];         /* default: /run/tandem/tandemd.pid */
	enum conf_log_level log_level;        /* default: info */
	bool syslog;                          /* default: true */
};

struct conf_vip {
	struct addr addr;
	uint8_t prefixlen; /* default 32 / 128 */
	struct conf_pos pos;
};

struct conf_vrrp {
	char name[CONF_NAME_MAX];
	char ifname[IF_NAMESIZE];
	uint8_t vrid;             /* 1..255 */
	uint8_t priority;         /* 1..255, 255 = address owner; default 100 */
	uint8_t version;          /* 2 or 3; default 3 */
	uint8_t family;           /* AF_INET or AF_INET6, taken from the VIPs */
	uint32_t adver_int_ms;    /* v3: 10..40950 in 10 ms steps; v2: 1000..255000 in 1 s steps; default 1000 */
	bool preempt;             /* default true */
	uint32_t preempt_delay_ms;/* default 0; 0..3600 s */
	bool accept;              /* accept_mode; default true (see doc) */
	uint32_t garp_count;      /* gratuitous ARPs on becoming master; default 5; 1..100 */
	uint32_t garp_interval_ms;/* between them; default 10 ms (0..10 s) */
	uint32_t garp_refresh_ms; /* periodic refresh while master; default 60 s; 0 = off */
	uint32_t handover_ms;     /* on stop, keep VIPs until the new master is heard, at most this; default 2 x advert + 100 ms */
	struct conf_vip *vips;
	size_t n_vips;            /* 1..VRRP_MAX_ADDRS */
	struct conf_pos pos;
};

struct conf {
	char path[CONF_PATH_MAX];
	struct conf_global global;
	struct conf_vrrp *vrrp;
	size_t n_vrrp;
};

/* Load path into out (zeroed first). On error returns -1 and writes
 * "file:line: what is wrong" into err; out is left empty (conf_free-able). */
int conf_load(const char *path, struct conf *out, char *err, size_t errlen);

/* Check ranges and cross-references (unique names, unique (interface, vrid,
 * family), VIP families match, prefix lengths, v2 intervals whole seconds,
 * v2 IPv4 only, ...). Returns 0 or -1 with "file:line: what is wrong". */
int conf_check(const struct conf *c, char *err, size_t errlen);

/* Both steps. */
int conf_read(const char *path, struct conf *out, char *err, size_t errlen);

void conf_free(struct conf *c);

const char *conf_log_level_str(enum conf_log_level l);

#endif
