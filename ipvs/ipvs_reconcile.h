/* ipvs_reconcile.h - desired IPVS table + what the kernel has + what we own
 * -> the ordered, minimal list of changes. Pure: no sockets, no globals.
 *
 * Rules:
 *  - desired and absent: add; desired and present with other settings
 *    (scheduler, flags, timeout, netmask / fwd, weight, thresholds): edit;
 *    desired and present, equal, not owned yet: adopt (no message, just
 *    owned from now on - how a restarted daemon takes over its table).
 *  - present, not desired: deleted only if owned; foreign entries are left
 *    alone. An owned service that still holds foreign real servers is kept
 *    (only our real servers go) so that deleting it cannot take theirs.
 *  - Deleting a service removes its real servers in the kernel, so no
 *    DEL_DEST is emitted for them: the caller disowns them with the service.
 *  - Order: service adds/edits, then real server adds/edits, then real
 *    server deletes, then service deletes (make before break).
 *  - Stop = reconcile against an empty desired table.
 * The caller marks an entry owned when its add/edit is acknowledged (or at
 * once for an adopt) and disowns it when its delete is acknowledged. */
#ifndef TANDEM_IPVS_RECONCILE_H
#define TANDEM_IPVS_RECONCILE_H

#include <stddef.h>
#include <sys/types.h>

#include "ipvs/ipvs.h"

enum ipvs_op_kind {
	IPVS_OP_ADD_SVC,
	IPVS_OP_EDIT_SVC,
	IPVS_OP_ADOPT_SVC,
	IPVS_OP_ADD_DEST,
	IPVS_OP_EDIT_DEST,
	IPVS_OP_ADOPT_DEST,
	IPVS_OP_DEL_DEST,
	IPVS_OP_DEL_SVC,
};

const char *ipvs_op_name(enum ipvs_op_kind kind); /* "add-service", ... */

struct ipvs_op {
	enum ipvs_op_kind kind;
	/* Service ops use svc, real server ops use dest (the whole desired
	 * entry for add/edit/adopt; the kernel's entry for a delete). */
	struct ipvs_service svc;
	struct ipvs_dest dest;
};

struct ipvs_table {
	const struct ipvs_service *svcs;
	size_t n_svcs;
	const struct ipvs_dest *dests; /* each names its service in dest.svc */
	size_t n_dests;
};

struct ipvs_owned {
	const struct ipvs_svc_key *svcs;
	size_t n_svcs;
	const struct ipvs_dest_key *dests;
	size_t n_dests;
};

/* Enough room for any result of ipvs_reconcile on these tables. */
size_t ipvs_reconcile_max_ops(const struct ipvs_table *desired, const struct ipvs_table *kernel);

/* Writes the operations into out (max entries) and returns their number,
 * or -1 if max is too small, memory runs out, or a desired real server
 * names a service that is not desired (errno EINVAL). Keys in the inputs
 * must be normalised (ipvs_svc_key_norm). */
ssize_t ipvs_reconcile(const struct ipvs_table *desired, const struct ipvs_table *kernel,
		       const struct ipvs_owned *owned, struct ipvs_op *out, size_t max);

#endif
