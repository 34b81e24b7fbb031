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

#include "daemon/addr.h"

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

/* A program run on transitions: argv[0] is an absolute path; no shell. */
struct conf_argv {
	char **argv;   /* NULL-terminated, owned; NULL when not set */
	size_t argc;
	struct conf_pos pos;
};

/* Tracked interface: down -> weight added to the priority (weight 0 = FAULT). */
struct conf_track_if {
	char ifname[IF_NAMESIZE];
	int weight;    /* -254..254; 0 = FAULT while down */
	struct conf_pos pos;
};

/* Tracked file holding an integer (keepalived's track_file): the value times
 * weight is added to the priority; with weight 0 a non-zero value = FAULT.
 * A missing or unreadable file counts as FAULT. */
struct conf_track_file {
	char path[CONF_PATH_MAX];
	int weight;    /* -254..254, default 1 */
	struct conf_pos pos;
};

/* Generic tracked input by name, driven by checkers (issue 6) or by
 * `tandemctl track NAME ok|fail`: failed -> weight (0 = FAULT). */
struct conf_track {
	char name[CONF_NAME_MAX];
	int weight;    /* -254..254, default 0 */
	struct conf_pos pos;
};

struct conf_notify {
	struct conf_argv any;    /* `notify`: args appended: TYPE NAME STATE PRIORITY */
	struct conf_argv master; /* `notify_master` etc.: run as given */
	struct conf_argv backup;
	struct conf_argv fault;
	struct conf_argv stop;
};

struct conf_global {
	char router_id[CONF_NAME_MAX];        /* default: hostname */
	char control_socket[CONF_PATH_MAX];   /* default: /run/tandem/tandemd.sock */
	char pid_file[CONF_PATH_MAX];         /* default: /run/tandem/tandemd.pid */
	enum conf_log_level log_level;        /* default: info */
	bool syslog;                          /* default: true */
	char notify_user[CONF_NAME_MAX];      /* default: "" = run hooks as root; else a user name */
	struct conf_pos notify_user_pos;      /* where it was set: conf_check's getpwnam error */
	uint32_t notify_timeout_ms;           /* default 10 s; 1 ms..3600 s: killed after */
	uint32_t startup_delay_ms;            /* default 0; 0..3600 s: stay INIT this long at start */
	char control_group[CONF_NAME_MAX];    /* may read the control socket; default "" = "tandem" if it exists */
	char control_admin_group[CONF_NAME_MAX]; /* may change things too; default "" = root only */
	struct conf_pos control_group_pos, control_admin_group_pos;
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
	/* issue 3 */
	struct addr unicast_src;  /* unicast_src_ip; family 0 = the interface's primary */
	struct addr *unicast_peers; /* unicast_peers = [ "192.0.2.2" ]; none = multicast */
	size_t n_unicast_peers;   /* 0..16; same family as the VIPs */
	struct conf_track_if *track_if;     size_t n_track_if;     /* track_interface */
	struct conf_track_file *track_file; size_t n_track_file;   /* track_file */
	struct conf_track *track;           size_t n_track;        /* track */
	struct conf_notify notify;
	bool use_vmac;            /* default false: RFC 5798 §7.3 virtual MAC via macvlan */
	char vmac_ifname[IF_NAMESIZE]; /* default "vrrp.<vrid>" (v6: "vrrp6.<vrid>") */
	bool higher_prio_send_advert; /* default false: as master, on a higher-priority advert send one advert before going BACKUP (keepalived vrrp_higher_prio_send_advert: the other side of a healed partition hears us at once) */
	struct conf_pos pos;
};

struct conf_sync_group {
	char name[CONF_NAME_MAX];
	char (*members)[CONF_NAME_MAX]; /* instance names, 2..32 */
	struct conf_pos *member_pos;    /* parallel to members (NULL if built by code) */
	size_t n_members;
	struct conf_notify notify;
	struct conf_pos pos;
};

struct conf_ipvs;     /* conf/conf_ipvs.h: virtual_servers (issue 5) */
struct conf_checkers; /* conf/conf_checkers.h: checkers (issue 6) */

struct conf {
	char path[CONF_PATH_MAX];
	struct conf_global global;
	struct conf_vrrp *vrrp;
	size_t n_vrrp;
	struct conf_sync_group *sync;
	size_t n_sync;
	struct conf_ipvs *ipvs;         /* NULL when the file has no virtual_servers */
	struct conf_checkers *checkers; /* NULL when the file has no checkers */
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

/* One instance's heap arrays (VIPs, peers, tracks, notify argv): a struct
 * copy shares them, so the runtime keeps its own deep copy. copy: dst is
 * overwritten (not freed); 0, or -1 on ENOMEM with dst left empty.
 * free: frees the arrays and sets the pointers and counts to 0. */
int conf_vrrp_copy(struct conf_vrrp *dst, const struct conf_vrrp *src);
void conf_vrrp_free(struct conf_vrrp *v);

const char *conf_log_level_str(enum conf_log_level l);

#endif
