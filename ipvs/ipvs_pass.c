/* ipvs_pass.c - reconcile passes over generic netlink, on the event loop.
 *
 * One non-blocking NETLINK_GENERIC socket. A pass is a small state machine
 * driven by replies. Usually it is only APPLY: the services that changed
 * (ipvs_run_changes()) are reconciled against the kernel's table as kept
 * from earlier passes (ipvs_view.h), with no dump. When the view is not
 * known to be right (start, a failed request, lost acks, the periodic
 * resync, a service to delete) it is RESOLVE (once: CTRL_CMD_GETFAMILY
 * "IPVS") -> DUMP_SVCS -> DUMP_DESTS (one dump per service we want or own:
 * a netlink socket runs one dump at a time) -> APPLY of everything. APPLY
 * sends the reconciler's operations in datagrams of many messages; the
 * kernel handles each datagram inside send() and queues an ack for its
 * last request and for every failed one, so the number in flight is
 * bounded by what the receive buffer holds (window), never by a round trip
 * each. Acks are matched by sequence number: op i has seq seq0 + i. Lost
 * acks (ENOBUFS) abort the pass; the next one re-dumps and converges. */
#include "ipvs/ipvs_run.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/log.h"
#include "ipvs/ipvs_msg.h"
#include "ipvs/ipvs_reconcile.h"
#include "ipvs/ipvs_view.h"

#define RECV_BUF (64 * 1024)
#define SEND_BUF (32 * 1024)            /* one datagram of requests */
#define RCVBUF_BYTES (8 * 1024 * 1024)  /* room for the acks in flight */
#define ACK_TRUESIZE 1024               /* kernel memory one queued ack costs, rounded up */
#define RETRY_MS 5000                   /* family missing, socket trouble */
#define RESYNC_MS 100                   /* a pass aborted: try again soon */

enum phase { PH_IDLE, PH_RESOLVE, PH_DUMP_SVCS, PH_DUMP_DESTS, PH_APPLY };

struct ipvs_pass {
	struct loop *loop;
	struct ipvs_run *run;
	int fd;
	uint16_t fam;
	uint32_t seq, wait_seq;
	enum phase phase;
	bool want;                  /* a pass is due */
	bool resync;                /* the next pass dumps and reconciles everything */
	bool dumped;                /* this pass dumped the kernel's table */
	struct loop_timer kick, resync_timer;
	uint64_t t0;
	struct ipvs_view view;      /* the kernel's table and what we own, between passes */
	struct ipvs_changes ch;     /* what this pass reconciles */
	struct ipvs_svc_key *wanted; /* ch's service keys, sorted: whose real servers to dump */
	size_t n_wanted;
	size_t dump_i;              /* view.svcs index whose real servers are being dumped */
	size_t n_ksvc, n_kdest;     /* kernel entries the reconciler looked at */
	struct ipvs_op *ops;
	int *err;
	uint8_t *flag;              /* per op: F_MSG, F_TAIL */
	size_t n_ops, sent, done, failed;
	size_t ack_from;            /* first op whose datagram is not acked yet */
	uint32_t seq0;
	size_t window;
	char *rbuf, *sbuf;
};

/* ---- pass life cycle ---- */

static void free_pass_data(struct ipvs_pass *p)
{
	ipvs_changes_free(&p->ch);
	free(p->wanted);
	free(p->ops);
	free(p->err);
	free(p->flag);
	p->wanted = NULL;
	p->ops = NULL;
	p->err = NULL;
	p->flag = NULL;
	p->n_wanted = p->n_ops = 0;
}

/* again_in_ms: the pass failed, retry then (with a dump: the view may be
 * wrong now). */
static void end_pass(struct ipvs_pass *p, uint64_t again_in_ms)
{
	free_pass_data(p);
	p->phase = PH_IDLE;
	if (again_in_ms)
		ipvs_view_invalidate(&p->view);
	if (again_in_ms && p->run->stopping) {
		/* stopping: no time for retries; what is left stays in the kernel */
		p->want = false;
		ipvs_run_idle(p->run);
	} else if (again_in_ms) {
		p->want = true;
		loop_timer_arm(p->loop, &p->kick, loop_now(p->loop) + again_in_ms);
	} else if (p->want) {
		loop_timer_arm(p->loop, &p->kick, loop_now(p->loop));
	} else {
		ipvs_run_idle(p->run);
	}
}

static void abort_pass(struct ipvs_pass *p, const char *why)
{
	log_warnx("ipvs: %s; resynchronising", why);
	p->run->cnt.resyncs++;
	end_pass(p, RESYNC_MS);
}

static int send_all(struct ipvs_pass *p, const void *buf, size_t len)
{
	ssize_t n;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	n = send(p->fd, buf, len, 0);
	return n == (ssize_t)len ? 0 : -1;
}

static void send_resolve(struct ipvs_pass *p)
{
	size_t len = ipvs_msg_resolve(p->sbuf, SEND_BUF, ++p->seq);

	p->phase = PH_RESOLVE;
	p->wait_seq = p->seq;
	if (send_all(p, p->sbuf, len) < 0) {
		log_warn("ipvs: resolving the genl family");
		end_pass(p, RETRY_MS);
	}
}

static void send_dump_svcs(struct ipvs_pass *p)
{
	size_t len = ipvs_msg_dump_services(p->sbuf, SEND_BUF, p->fam, ++p->seq);

	p->phase = PH_DUMP_SVCS;
	p->wait_seq = p->seq;
	if (send_all(p, p->sbuf, len) < 0) {
		log_warn("ipvs: service dump");
		end_pass(p, RETRY_MS);
	}
}

/* A pass that dumps reconciles everything: the dump may show changes made
 * behind our back anywhere. */
static void start_dump(struct ipvs_pass *p)
{
	if (!p->ch.all) {
		ipvs_changes_free(&p->ch);
		if (ipvs_run_changes(p->run, true, &p->ch) < 0) {
			log_warnx("ipvs: out of memory building the desired table");
			end_pass(p, RETRY_MS);
			return;
		}
	}
	p->n_wanted = p->ch.n_svcs;
	p->wanted = calloc(p->n_wanted + 1, sizeof(*p->wanted));
	if (!p->wanted) {
		log_warnx("ipvs: out of memory");
		end_pass(p, RETRY_MS);
		return;
	}
	for (size_t i = 0; i < p->n_wanted; i++)
		p->wanted[i] = p->ch.svcs[i].key;
	p->n_wanted = ipvs_svc_keys_sort(p->wanted, p->n_wanted);
	p->dumped = true;
	ipvs_view_invalidate(&p->view);
	if (!p->fam)
		send_resolve(p);
	else
		send_dump_svcs(p);
}

/* A service we now want was in the kernel, foreign: its real servers are
 * not in the view. */
static bool needs_dump(const struct ipvs_pass *p)
{
	for (size_t i = 0; i < p->ch.n_svcs; i++)
		if (ipvs_view_is_undumped(&p->view, &p->ch.svcs[i].key))
			return true;
	return false;
}

static void apply_start(struct ipvs_pass *p);

static void kick_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct ipvs_pass *p = arg;
	bool dump;

	if (p->phase != PH_IDLE || !p->want)
		return;
	p->want = false;
	p->t0 = clock_now_ms();
	dump = p->resync || !p->view.valid;
	p->resync = false;
	p->dumped = false;
	if (ipvs_run_changes(p->run, dump, &p->ch) < 0) {
		log_warnx("ipvs: out of memory building the desired table");
		end_pass(p, RETRY_MS);
		return;
	}
	if (dump || needs_dump(p))
		start_dump(p);
	else
		apply_start(p);
}

static void resync_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	ipvs_pass_resync(arg);
}

void ipvs_pass_request(struct ipvs_pass *p)
{
	p->want = true;
	if (p->phase == PH_IDLE && !loop_timer_armed(&p->kick))
		loop_timer_arm(p->loop, &p->kick, loop_now(p->loop));
}

void ipvs_pass_resync(struct ipvs_pass *p)
{
	p->resync = true;
	ipvs_pass_request(p);
}

bool ipvs_pass_resolved(const struct ipvs_pass *p)
{
	return p->fam != 0;
}

bool ipvs_pass_busy(const struct ipvs_pass *p)
{
	return p->phase != PH_IDLE || p->want;
}

/* ---- dumps ---- */

static bool is_wanted(const struct ipvs_pass *p, const struct ipvs_svc_key *k)
{
	size_t lo = 0, hi = p->n_wanted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ipvs_svc_key_cmp(&p->wanted[mid], k);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The dump is complete: the view is the kernel's table. */
static void dump_done(struct ipvs_pass *p)
{
	ipvs_view_dumped(&p->view);
	loop_timer_arm(p->loop, &p->resync_timer, loop_now(p->loop) + p->run->resync_ms);
	apply_start(p);
}

/* Next service whose real servers matter: wanted or owned; the real
 * servers of foreign services are none of our business. */
static void next_dest_dump(struct ipvs_pass *p)
{
	const struct ipvs_service *ks = p->view.svcs.v;

	for (; p->dump_i < p->view.svcs.n; p->dump_i++) {
		const struct ipvs_svc_key *k = &ks[p->dump_i].key;

		if (is_wanted(p, k) || ipvs_view_owns_svc(&p->view, k))
			break;
		if (ipvs_view_push_undumped(&p->view, k) < 0) {
			abort_pass(p, "out of memory");
			return;
		}
	}
	if (p->dump_i == p->view.svcs.n) {
		dump_done(p);
		return;
	}
	p->phase = PH_DUMP_DESTS;
	p->wait_seq = ++p->seq;
	if (send_all(p, p->sbuf, ipvs_msg_dump_dests(p->sbuf, SEND_BUF, p->fam, p->seq,
						    &ks[p->dump_i].key)) < 0)
		abort_pass(p, "real server dump could not be sent");
}

static void on_dump_entry(struct ipvs_pass *p, const struct nlmsghdr *nlh)
{
	if (p->phase == PH_DUMP_SVCS) {
		struct ipvs_service *s = ipvs_view_push_svc(&p->view);

		if (!s) {
			abort_pass(p, "out of memory");
		} else if (ipvs_parse_service(nlh, p->fam, s) < 0) {
			p->view.svcs.n--; /* unparsable: an entry we cannot manage */
			log_debug("ipvs: skipped a service entry we cannot parse");
		}
	} else {
		const struct ipvs_service *ks = p->view.svcs.v;
		struct ipvs_dest *d = ipvs_view_push_dest(&p->view);

		if (!d) {
			abort_pass(p, "out of memory");
		} else if (ipvs_parse_dest(nlh, p->fam, &ks[p->dump_i].key, d) < 0) {
			p->view.dests.n--;
			log_debug("ipvs: skipped a real server entry we cannot parse");
		}
	}
}

static void on_dump_msg(struct ipvs_pass *p, const struct nlmsghdr *nlh)
{
	int err = 0;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (p->phase == PH_DUMP_SVCS)
			p->dump_i = 0;
		else
			p->dump_i++;
		next_dest_dump(p);
	} else if (ipvs_msg_ack(nlh, &err) != 0) {
		errno = -err;
		log_warn("ipvs: dump refused");
		abort_pass(p, "dump failed");
	} else {
		on_dump_entry(p, nlh);
	}
}

static void on_resolve_msg(struct ipvs_pass *p, const struct nlmsghdr *nlh)
{
	int err = 0;

	if (ipvs_msg_ack(nlh, &err) == 0) {
		if (ipvs_parse_family(nlh, &p->fam) < 0)
			p->fam = 0;
		return;
	}
	if (err || !p->fam) {
		log_errx("ipvs: generic netlink family IPVS not found (%s): is the ip_vs module "
			 "available? retrying in %d s", strerror(err ? -err : ENOENT),
			 RETRY_MS / 1000);
		p->fam = 0;
		end_pass(p, RETRY_MS);
		return;
	}
	log_info("ipvs: genl family IPVS is %u", p->fam);
	send_dump_svcs(p);
}

/* ---- apply ---- */

static size_t build_op(struct ipvs_pass *p, const struct ipvs_op *op, uint32_t seq, char *buf,
		       size_t len)
{
	struct ipvs_dest_key dk;

	switch (op->kind) {
	case IPVS_OP_ADD_SVC:
		return ipvs_msg_new_service(buf, len, p->fam, seq, &op->svc);
	case IPVS_OP_EDIT_SVC:
		return ipvs_msg_set_service(buf, len, p->fam, seq, &op->svc);
	case IPVS_OP_DEL_SVC:
		return ipvs_msg_del_service(buf, len, p->fam, seq, &op->svc.key);
	case IPVS_OP_ADD_DEST:
		return ipvs_msg_new_dest(buf, len, p->fam, seq, &op->dest);
	case IPVS_OP_EDIT_DEST:
		return ipvs_msg_set_dest(buf, len, p->fam, seq, &op->dest);
	case IPVS_OP_DEL_DEST:
		ipvs_dest_key_of(&op->dest, &dk);
		return ipvs_msg_del_dest(buf, len, p->fam, seq, &dk);
	default:
		return 0; /* adopt: nothing to send */
	}
}

static bool is_adopt(enum ipvs_op_kind k)
{
	return k == IPVS_OP_ADOPT_SVC || k == IPVS_OP_ADOPT_DEST;
}

static void finish_apply(struct ipvs_pass *p);

#define F_MSG 1  /* a request was sent for this op */
#define F_TAIL 2 /* the last request of its datagram: the only one asking for an ack */

/* One datagram of requests. Only its last one asks for an ack: the kernel
 * answers every failed request anyway (netlink_rcv_skb() acks errors
 * whatever the flags), in order, so the last ack also says that the
 * requests before it succeeded unless they were answered. One ack per
 * datagram instead of one per request spares the kernel ~10,000
 * allocations and wake-ups for a whole table. Returns its length. */
static size_t fill_datagram(struct ipvs_pass *p)
{
	size_t len = 0, prev = 0, last = 0;

	while (p->sent < p->n_ops && p->sent - p->done < p->window &&
	       len + IPVS_MSG_MAX <= SEND_BUF) {
		const struct ipvs_op *op = &p->ops[p->sent];
		size_t n;

		if (is_adopt(op->kind)) {
			p->err[p->sent++] = 0;
			p->done++;
			continue;
		}
		n = build_op(p, op, p->seq0 + (uint32_t)p->sent, p->sbuf + len, SEND_BUF - len);
		if (n == 0) { /* the config made an entry the kernel cannot take */
			p->err[p->sent++] = -EINVAL;
			p->done++;
			ipvs_run_op_failed(p->run, op, -EINVAL);
			p->failed++;
			continue;
		}
		if (len)
			((struct nlmsghdr *)(p->sbuf + prev))->nlmsg_flags &= ~NLM_F_ACK;
		p->flag[p->sent] = F_MSG;
		prev = len;
		last = p->sent++;
		len += n;
		p->run->cnt.ops_sent++;
	}
	if (len)
		p->flag[last] |= F_TAIL;
	return len;
}

/* Send while the window has room. */
static void fill_window(struct ipvs_pass *p)
{
	while (p->sent < p->n_ops && p->sent - p->done < p->window) {
		size_t len = fill_datagram(p);

		if (len && send_all(p, p->sbuf, len) < 0) {
			abort_pass(p, "sending changes failed");
			return;
		}
	}
	if (p->done == p->n_ops)
		finish_apply(p);
}

static bool has_del_svc(const struct ipvs_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].kind == IPVS_OP_DEL_SVC)
			return true;
	return false;
}

/* ipvs_reconcile() into p->ops; -1 when the pass ended instead. */
static ssize_t reconcile(struct ipvs_pass *p, const struct ipvs_table *d,
			 const struct ipvs_table *k, const struct ipvs_owned *o)
{
	size_t max = ipvs_reconcile_max_ops(d, k);
	ssize_t n;

	p->ops = calloc(max ? max : 1, sizeof(*p->ops));
	p->err = calloc(max ? max : 1, sizeof(*p->err));
	p->flag = calloc(max ? max : 1, sizeof(*p->flag));
	if (!p->ops || !p->err || !p->flag) {
		abort_pass(p, "out of memory");
		return -1;
	}
	n = ipvs_reconcile(d, k, o, p->ops, max);
	if (n < 0) {
		log_warn("ipvs: reconcile");
		end_pass(p, RETRY_MS);
	}
	p->n_ksvc = k->n_svcs;
	p->n_kdest = k->n_dests;
	return n;
}

/* Everything after a dump, else only the changed services against the
 * kept view. A service is deleted only after a dump: since the last one it
 * may have gained real servers that are not ours, and it must then stay. */
static void apply_start(struct ipvs_pass *p)
{
	struct ipvs_table d = { p->ch.svcs, p->ch.n_svcs, p->ch.dests, p->ch.n_dests }, k;
	struct ipvs_owned o;
	struct ipvs_view_slice sl;
	ssize_t n;

	memset(&sl, 0, sizeof(sl));
	if (p->ch.all || ipvs_view_covered(&p->view, p->ch.keys, p->ch.n_keys)) {
		ipvs_view_tables(&p->view, &k, &o);
	} else if (ipvs_view_slice(&p->view, p->ch.keys, p->ch.n_keys, &sl) == 0) {
		k = sl.kernel;
		o = sl.owned;
	} else {
		abort_pass(p, "out of memory");
		return;
	}
	n = reconcile(p, &d, &k, &o);
	ipvs_view_slice_free(&sl);
	if (n < 0)
		return;
	if (!p->dumped && has_del_svc(p->ops, (size_t)n)) {
		free(p->ops);
		free(p->err);
		free(p->flag);
		p->ops = NULL;
		p->err = NULL;
		p->flag = NULL;
		start_dump(p);
		return;
	}
	p->phase = PH_APPLY;
	p->n_ops = (size_t)n;
	p->sent = p->done = p->failed = p->ack_from = 0;
	p->seq0 = p->seq + 1;
	p->seq += (uint32_t)n;
	fill_window(p);
}

static void on_apply_msg(struct ipvs_pass *p, const struct nlmsghdr *nlh)
{
	uint32_t i = nlh->nlmsg_seq - p->seq0;
	int err = 0;

	if (i >= p->sent || !(p->flag[i] & F_MSG) || ipvs_msg_ack(nlh, &err) != 1)
		return; /* not one of ours, or not an ack */
	p->err[i] = err;
	if (err && !ipvs_op_benign(p->ops[i].kind, err)) {
		p->failed++;
		p->run->cnt.ops_failed++;
		ipvs_run_op_failed(p->run, &p->ops[i], err);
	}
	if (!(p->flag[i] & F_TAIL))
		return;
	/* the datagram's ack: its requests without an answer succeeded */
	for (; p->ack_from <= i; p->ack_from++)
		p->done += p->flag[p->ack_from] & F_MSG;
}

/* ---- the end of a pass ---- */

static void log_pass(struct ipvs_pass *p, uint64_t ms)
{
	const char *how = p->dumped ? "dumped" : "kept view";

	if (p->n_ops) {
		log_notice("ipvs: %zu changes applied in %llu ms (%zu refused; %zu services, "
			   "%zu real servers wanted; %s)", p->n_ops, (unsigned long long)ms,
			   p->failed, p->ch.n_svcs, p->ch.n_dests, how);
		if (p->run->on_applied)
			p->run->on_applied(p->n_ops, p->failed, ms, p->run->applied_arg);
	} else {
		log_info("ipvs: in sync in %llu ms (%zu services, %zu real servers checked; %s)",
			 (unsigned long long)ms, p->n_ksvc, p->n_kdest, how);
	}
}

static void finish_apply(struct ipvs_pass *p)
{
	struct ipvs_counters *c = &p->run->cnt;
	uint64_t ms;

	if (ipvs_view_apply(&p->view, p->ops, p->err, p->n_ops) < 0)
		log_warnx("ipvs: out of memory recording what we own");
	if (!p->view.valid && !p->dumped && !p->failed) {
		/* a benign error (EEXIST, ENOENT): the kernel was not what the
		 * view said; look at it now rather than at the next resync */
		log_info("ipvs: the kernel's table changed behind our back; dumping it again");
		ipvs_pass_resync(p);
	}
	ms = clock_now_ms() - p->t0;
	c->passes++;
	c->last_pass_ms = ms;
	c->last_pass_ops = p->n_ops;
	log_pass(p, ms);
	end_pass(p, 0);
}

/* ---- the socket ---- */

static void on_msg(struct ipvs_pass *p, const struct nlmsghdr *nlh)
{
	switch (p->phase) {
	case PH_RESOLVE:
		if (nlh->nlmsg_seq == p->wait_seq)
			on_resolve_msg(p, nlh);
		break;
	case PH_DUMP_SVCS:
	case PH_DUMP_DESTS:
		if (nlh->nlmsg_seq == p->wait_seq)
			on_dump_msg(p, nlh);
		break;
	case PH_APPLY:
		on_apply_msg(p, nlh);
		break;
	default:
		break;
	}
}

static void recv_cb(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct ipvs_pass *p = arg;

	/* bounded: a 10,000-ack batch must not starve VRRP timers */
	for (int burst = 0; burst < 256; burst++) {
		ssize_t n = recv(fd, p->rbuf, RECV_BUF, MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p->rbuf;
		int rest = (int)n;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n < 0) {
			log_warn("ipvs: netlink receive");
			if (p->phase != PH_IDLE)
				abort_pass(p, "replies lost");
			break;
		}
		/* only the kernel can send to this unbound-to-groups socket */
		for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest))
			on_msg(p, nlh);
		if (p->phase == PH_APPLY)
			fill_window(p);
	}
}

static int open_socket(struct ipvs_pass *p, char *err, size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, bytes = RCVBUF_BYTES;
	socklen_t sl = sizeof(bytes);

	p->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (p->fd < 0 || bind(p->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "ipvs: generic netlink socket: %s", strerror(errno));
		return -1;
	}
	/* acks without a copy of the request; room for many of them */
	setsockopt(p->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(p->fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0)
		setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
	if (getsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &bytes, &sl) < 0)
		bytes = 212992;
	p->window = (size_t)bytes / 2 / ACK_TRUESIZE;
	if (p->window < 16)
		p->window = 16;
	if (loop_add_fd(p->loop, p->fd, EPOLLIN, recv_cb, p) < 0) {
		snprintf(err, errlen, "ipvs: %s", strerror(errno));
		return -1;
	}
	return 0;
}

struct ipvs_pass *ipvs_pass_new(struct loop *l, struct ipvs_run *r, char *err, size_t errlen)
{
	struct ipvs_pass *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "ipvs: out of memory");
		return NULL;
	}
	p->loop = l;
	p->run = r;
	p->fd = -1;
	ipvs_view_init(&p->view);
	loop_timer_init(&p->kick, kick_cb, p);
	loop_timer_init(&p->resync_timer, resync_cb, p);
	p->rbuf = malloc(RECV_BUF);
	p->sbuf = malloc(SEND_BUF);
	if (!p->rbuf || !p->sbuf) {
		snprintf(err, errlen, "ipvs: out of memory");
		ipvs_pass_free(p);
		return NULL;
	}
	if (open_socket(p, err, errlen) < 0) {
		ipvs_pass_free(p);
		return NULL;
	}
	return p;
}

void ipvs_pass_free(struct ipvs_pass *p)
{
	if (!p)
		return;
	loop_timer_cancel(p->loop, &p->kick);
	loop_timer_cancel(p->loop, &p->resync_timer);
	if (p->fd >= 0) {
		loop_del_fd(p->loop, p->fd);
		close(p->fd);
	}
	free_pass_data(p);
	ipvs_view_free(&p->view);
	free(p->rbuf);
	free(p->sbuf);
	free(p);
}
