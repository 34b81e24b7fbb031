/* conf_ipvs.h - IPVS virtual services (issue 5) and database pools (issue 6,
 * role-aware services) as plain structs. Three top-level settings:
 *
 *   ipvs: { when_master = "web"; on_stop = "remove"; };
 *   db_pools: ( { name = "pg"; nodes = [ "198.51.100.31:5432", ... ];
 *                 checks = [ "pg1", ... ]; on_two_primaries = "none"; } );
 *   virtual_servers: ( { name = "http"; address = "192.0.2.10"; port = 80; ...
 *                        real_servers = ( { address = "198.51.100.21"; ... } ); } );
 *
 * Every setting, its range and default is documented at its field below and
 * in examples/ipvs.conf. */
#ifndef TANDEM_CONF_IPVS_H
#define TANDEM_CONF_IPVS_H

#include <libconfig.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"
#include "ipvs/ipvs.h"

struct ld; /* conf_priv.h */

#define CONF_IPVS_MAX_RS 1024      /* real servers per virtual server */
#define CONF_IPVS_MAX_NODES 32     /* nodes per database pool */
#define CONF_IPVS_NO_LAG_BOUND UINT64_MAX

/* Database role a virtual server serves from its pool. */
enum conf_vs_role {
	CONF_ROLE_NONE,    /* plain virtual server: real_servers */
	CONF_ROLE_PRIMARY, /* writes: exactly the node reporting primary */
	CONF_ROLE_REPLICA, /* reads: replicas under max_lag (fallback: the primary) */
};

struct conf_rs {
	struct addr addr;
	uint32_t port;         /* default: the virtual server's port */
	uint32_t weight;       /* 0..65535, default 1 */
	uint32_t u_threshold;  /* 0..65535, default 0 = no limit */
	uint32_t l_threshold;  /* 0..65535, default 0 */
	char check[CONF_NAME_MAX]; /* checker driving its state; "" = always up */
	bool enabled;          /* default true; false = administratively down (drained like a failed check) */
	struct conf_pos pos;
};

struct conf_vs {
	char name[CONF_NAME_MAX];      /* used by logs, tandemctl and the checkers */
	struct ipvs_service svc;       /* key (address/port/protocol or fwmark/family),
					* scheduler (default "wlc"), flags, persistence */
	enum ipvs_fwd fwd;             /* forward = "nat" (default) | "dr" | "tun" */
	bool has_addr, has_port, has_proto, has_family, has_netmask; /* what the file set */
	uint32_t port;                 /* as loaded (0..65535); copied into svc.key.port */
	uint32_t fwmark;
	uint32_t netmask;              /* persistence_netmask as a prefix length */
	uint32_t quorum;               /* 1..65535 real servers up, default 1 */
	uint32_t hysteresis;           /* 0..65534 (< quorum), default 0 */
	bool inhibit_on_failure;       /* down = weight 0 (connections drain), not removed */
	bool has_sorry;
	struct addr sorry_addr;        /* sorry_server = "198.51.100.99:80": alone while quorum is lost */
	uint32_t sorry_port;
	struct conf_rs *rs;
	size_t n_rs;
	/* role-aware database service */
	char pool[CONF_NAME_MAX];      /* db_pools entry; then no real_servers */
	enum conf_vs_role role;        /* role = "primary" | "replica" (required with pool) */
	uint64_t max_lag;              /* replica: bytes behind the primary; default no bound */
	bool fallback_primary;         /* replica: the primary when no replica qualifies; default false */
	uint32_t pool_weight;          /* weight of the derived real servers, default 1 */
	struct conf_pos pos;
};

/* What the write service gets while two nodes claim to be primary. */
enum conf_two_primaries {
	CONF_TWO_PRIMARIES_NONE,      /* "none" (default): no real server at all */
	CONF_TWO_PRIMARIES_NEWEST_TL, /* "newest_timeline": keep the last known primary if it
				       * alone is on the newest timeline */
};

struct conf_db_node {
	struct addr addr;
	uint16_t port;
	char check[CONF_NAME_MAX]; /* from `checks`, parallel to `nodes`; "" = none */
	struct conf_pos pos;
};

struct conf_db_pool {
	char name[CONF_NAME_MAX];
	struct conf_db_node *nodes;
	size_t n_nodes;            /* 1..CONF_IPVS_MAX_NODES */
	bool has_checks;
	struct conf_pos checks_pos;
	enum conf_two_primaries two_primaries;
	struct conf_pos pos;
};

struct conf_ipvs {
	struct conf_vs *vs;
	size_t n_vs;
	struct conf_db_pool *pools;
	size_t n_pools;
	/* ipvs { ... } */
	char when_master[CONF_NAME_MAX]; /* "" (default) = always, hot standby on both balancers;
					  * else only while this VRRP instance is MASTER */
	struct conf_pos when_master_pos;
	bool keep_on_stop;               /* on_stop = "remove" (default) | "keep" */
};

/* Top-level "ipvs" group and "db_pools" list (conf_load.c dispatches). */
int conf_ipvs_load_options(const struct ld *ld, const config_setting_t *s, struct conf *c);
int conf_ipvs_load_pools(const struct ld *ld, const config_setting_t *s, struct conf *c);

const struct conf_vs *conf_ipvs_find_vs(const struct conf_ipvs *ci, const char *name);
const struct conf_db_pool *conf_ipvs_find_pool(const struct conf_ipvs *ci, const char *name);

const char *conf_vs_role_str(enum conf_vs_role r);
/* "tcp 192.0.2.10:80", "fwmark 5 (IPv4)" */
const char *conf_ipvs_key_fmt(const struct ipvs_svc_key *k, char *buf, size_t len);

#endif
