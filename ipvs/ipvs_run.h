/* ipvs_run.h - IPVS at run time: the desired table (configuration + the
 * state checkers give real servers and database nodes) kept equal to the
 * kernel's by reconcile passes on the event loop (ipvs_pass.c).
 *
 * A pass: ipvs_reconcile() of the desired table against the kernel's, then
 * the changes sent with many requests in flight (acks matched by sequence
 * number), then the kept view of the kernel and what we own updated from
 * the acks (ipvs_view.h). Only the services that changed since the last
 * pass are reconciled: checker results, pool nodes and reloads mark the
 * virtual servers they touch (a reload leaves a virtual server whose
 * definition is unchanged alone). The kernel is dumped (services, then the
 * real servers of the services we want or own) only when the view is not
 * known to be right: at start, after a failed request, lost acks or an
 * aborted pass, every resync_ms (repairs what others changed behind our
 * back), on ipvs_run_resync(), and before a pass deletes a service (it may
 * have gained foreign real servers). Changes during a pass are coalesced
 * into one more pass. Kernel errors are logged naming the service; the
 * rest of the batch is applied.
 *
 * Ownership: an entry is ours once we added, edited or adopted it; only
 * ours are deleted (reload, inactive, stop). Foreign entries are left
 * alone. A restarted daemon adopts the entries its configuration wants. */
#ifndef TANDEM_IPVS_RUN_H
#define TANDEM_IPVS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf_ipvs.h"
#include "daemon/loop.h"
#include "ipvs/ipvs_desired.h"
#include "ipvs/ipvs_pool.h"
#include "ipvs/ipvs_reconcile.h"

struct ipvs_pass;

/* One configured virtual server at run time. */
struct ipvs_run_vs {
	char name[CONF_NAME_MAX];
	const struct conf_vs *conf;   /* into ipvs_run.conf */
	struct ipvs_member *m;        /* candidates: real servers, or the pool's nodes */
	bool *check_up;               /* plain: last checker verdict per real server */
	size_t n_m;
	bool quorum_up;
	bool fresh;                   /* quorum not evaluated yet */
	enum ipvs_pool_verdict verdict; /* pool services: last derivation */
	bool dirty;                   /* its key is in ipvs_run.dirty */
};

struct ipvs_run_pool {
	char name[CONF_NAME_MAX];
	const struct conf_db_pool *conf;
	struct ipvs_node_state *nodes; /* n = conf->n_nodes */
	int last_primary;              /* node index, -1 */
	bool split;                    /* several primaries right now */
	bool dirty;                    /* a node changed since the last pass */
};

struct ipvs_counters {
	uint64_t passes;        /* reconcile passes completed */
	uint64_t ops_sent;      /* change requests sent to the kernel */
	uint64_t ops_failed;    /* refused by the kernel (not counting benign ones) */
	uint64_t resyncs;       /* passes aborted (lost acks, dump errors) and redone */
	uint64_t two_primaries; /* times a pool went from <= 1 to several primaries */
	uint64_t last_pass_ms;  /* duration of the last completed pass */
	uint64_t last_pass_ops;
};

struct ipvs_run {
	struct loop *loop;
	const struct conf_ipvs *conf;  /* the daemon's; replaced by ipvs_run_reload */
	struct ipvs_run_vs *vs;
	size_t n_vs;
	struct ipvs_run_pool *pools;
	size_t n_pools;
	bool active;                   /* program the table (always, or while VRRP master) */
	bool stopping;
	bool done;                     /* stop finished */
	void (*on_done)(void *arg);    /* stop finished (own entries removed or kept) */
	void *arg;
	struct ipvs_counters cnt;
	/* a pass changed the kernel table (the control socket's event stream) */
	void (*on_applied)(size_t ops, size_t refused, uint64_t ms, void *arg);
	void *applied_arg;
	struct ipvs_pass *pass;        /* NULL until there is something to program */
	struct ipvs_svc_key failed_svc; /* last service the kernel refused: its real servers' errors are implied */
	/* what the next pass reconciles: everything, or the services in dirty
	 * (keys: a removed virtual server has no ipvs_run_vs left) */
	bool dirty_all;
	struct ipvs_svc_key *dirty;
	size_t n_dirty, cap_dirty;
	uint64_t resync_ms;            /* periodic dump: IPVS_RESYNC_MS, or TANDEM_IPVS_RESYNC_MS */
};

/* Default period of the resync dump. The environment variable
 * TANDEM_IPVS_RESYNC_MS (milliseconds, >= 100) overrides it for tests. */
#define IPVS_RESYNC_MS 60000

/* The desired state of what changed, for one pass. */
struct ipvs_changes {
	bool all;                   /* svcs/dests are the whole desired table, keys is NULL */
	struct ipvs_svc_key *keys;  /* else the services to reconcile (sorted, unique),
				     * removed ones included; svcs/dests: their desired entries */
	size_t n_keys;
	struct ipvs_service *svcs;
	size_t n_svcs;
	struct ipvs_dest *dests;
	size_t n_dests;
};

/* NULL conf = nothing to program (then no socket is opened either).
 * active: false while waiting for VRRP mastership. */
struct ipvs_run *ipvs_run_new(struct loop *l, const struct conf_ipvs *conf, bool active,
			      char *err, size_t errlen);
void ipvs_run_free(struct ipvs_run *r);

/* A reloaded configuration: states of unchanged real servers, nodes and
 * quorum are kept; the next pass applies only the difference. 0 or -1
 * (ENOMEM; the old configuration stays). */
int ipvs_run_reload(struct ipvs_run *r, const struct conf_ipvs *conf);
void ipvs_run_set_active(struct ipvs_run *r, bool active);
/* Remove what we own (unless on_stop = "keep"), then call on_done. */
void ipvs_run_stop(struct ipvs_run *r, void (*on_done)(void *arg), void *arg);
/* Dump the kernel's table and reconcile everything now (tandemctl). */
void ipvs_run_resync(struct ipvs_run *r);

/* ---- inputs from the checkers (issue 6) ---- */
/* Real server rs_index (configuration order) of virtual server vs is up or
 * down. -1 if there is no such real server. */
int ipvs_run_set_rs_up(struct ipvs_run *r, const char *vs, size_t rs_index, bool up);
/* Every real server whose `check` is check_name; returns how many. */
int ipvs_run_check_result(struct ipvs_run *r, const char *check_name, bool up);
/* Node node_index of database pool pool as its checker sees it. */
int ipvs_run_set_node(struct ipvs_run *r, const char *pool, size_t node_index,
		      const struct ipvs_node_state *st);

/* ---- for ipvs_pass.c ---- */
/* The desired table now (empty while inactive or stopping); arrays are
 * malloc'ed, the caller frees them. 0 or -1 (ENOMEM). */
int ipvs_run_desired(struct ipvs_run *r, struct ipvs_service **svcs, size_t *n_svcs,
		     struct ipvs_dest **dests, size_t *n_dests);
/* What changed since the last call (everything if all), and forget it:
 * the next call reports only later changes. Costs O(changed). 0 or -1
 * (ENOMEM: the next call reports everything). */
int ipvs_run_changes(struct ipvs_run *r, bool all, struct ipvs_changes *c);
void ipvs_changes_free(struct ipvs_changes *c);
/* "service http (tcp 192.0.2.10:80)" or "service tcp 192.0.2.10:80". */
const char *ipvs_run_svc_name(const struct ipvs_run *r, const struct ipvs_svc_key *k,
			      char *buf, size_t len);
/* The kernel refused op (err = negative errno): log it in words. */
void ipvs_run_op_failed(struct ipvs_run *r, const struct ipvs_op *op, int err);
/* A pass ended and no other is due. */
void ipvs_run_idle(struct ipvs_run *r);

/* ---- ipvs_pass.c: the netlink engine ---- */
struct ipvs_pass *ipvs_pass_new(struct loop *l, struct ipvs_run *r, char *err, size_t errlen);
void ipvs_pass_free(struct ipvs_pass *p);
/* Something changed: run a pass soon (coalesced). */
void ipvs_pass_request(struct ipvs_pass *p);
bool ipvs_pass_busy(const struct ipvs_pass *p);
/* The IPVS family is known (the kernel has IPVS). */
bool ipvs_pass_resolved(const struct ipvs_pass *p);
/* The next pass dumps the kernel and reconciles everything. */
void ipvs_pass_resync(struct ipvs_pass *p);

#endif
