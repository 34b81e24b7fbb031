/* ipvs_pass.c - reconcile passes over generic netlink, on the event loop.
 *
 * One non-blocking NETLINK_GENERIC socket. A pass is a small state machine
 * driven by replies: RESOLVE (once: CTRL_CMD_GETFAMILY "IPVS") -> DUMP_SVCS
 * -> DUMP_DESTS (one dump per service we want or own: a netlink socket runs
 * one dump at a time) -> APPLY. APPLY sends the reconciler's operations in
 * datagrams of many messages; the kernel handles each datagram inside
 * send() and queues one ack per request, so the number in flight is bounded
 * by what the receive buffer holds (window), never by a round trip each.
 * Acks are matched by sequence number: op i has seq seq0 + i. Lost acks
 * (ENOBUFS) abort the pass; the next one re-dumps and converges. */
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

#define RECV_BUF (64 * 1024)
#define SEND_BUF (32 * 1024)            /* one datagram of requests */
#define RCVBUF_BYTES (8 * 1024 * 1024)  /* room for the acks in flight */
#define ACK_TRUESIZE 1024               /* kernel memory one queued ack costs, rounded up */
#define RETRY_MS 5000                   /* family missing, socket trouble */
#define RESYNC_MS 100                   /* a pass aborted: try again soon */

enum phase { PH_IDLE, PH_RESOLVE, PH_DUMP_SVCS, PH_DUMP_DESTS, PH_APPLY };

struct vec {
	void *v;
	size_t n, cap, size;
};

struct ipvs_pass {
	struct loop *loop;
	struct ipvs_run *run;
	int fd;
	uint16_t fam;
	uint32_t seq, wait_seq;
	enum phase phase;
	bool want;                  /* a pass is due */
	struct loop_timer kick;
	uint64_t t0;
	struct vec ksvc, kdest, osvc, odest;
	struct ipvs_service *dsvc;
	size_t n_dsvc;
	struct ipvs_dest *ddest;
	size_t n_ddest;
	size_t dump_i;              /* ksvc index whose real servers are being dumped */
	struct ipvs_op *ops;
	int *err;
	size_t n_ops, sent, done, failed;
	uint32_t seq0;
	size_t window;
	char *rbuf, *sbuf;
};

/* ---- small growable arrays ---- */

static void *vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		void *n = realloc(v->v, cap * v->size);

		if (!n)
			return NULL;
		v->v = n;
		v->cap = cap;
	}
	return memset((char *)v->v + v->n++ * v->size, 0, v->size);
}

static void vec_free(struct vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/* ---- pass life cycle ---- */

static void free_pass_data(struct ipvs_pass *p)
{
	free(p->dsvc);
	free(p->ddest);
	free(p->ops);
	free(p->err);
	p->dsvc = NULL;
	p->ddest = NULL;
	p->ops = NULL;
	p->err = NULL;
	p->n_dsvc = p->n_ddest = p->n_ops = 0;
	p->ksvc.n = p->kdest.n = 0;
}

static void end_pass(struct ipvs_pass *p, uint64_t again_in_ms)
{
	free_pass_data(p);
	p->phase = PH_IDLE;
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

static void kick_cb(struct loop *l, struct loop_timer *t, void *arg)
{
	struct ipvs_pass *p = arg;

	if (p->phase != PH_IDLE || !p->want)
		return;
	p->want = false;
	p->t0 = clock_now_ms();
	if (ipvs_run_desired(p->run, &p->dsvc, &p->n_dsvc, &p->ddest, &p->n_ddest) < 0) {
		log_warnx("ipvs: out of memory building the desired table");
		end_pass(p, RETRY_MS);
		return;
	}
	if (!p->fam)
		send_resolve(p);
	else
		send_dump_svcs(p);
}

void ipvs_pass_request(struct ipvs_pass *p)
{
	p->want = true;
	if (p->phase == PH_IDLE && !loop_timer_armed(&p->kick))
		loop_timer_arm(p->loop, &p->kick, loop_now(p->loop));
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

static bool svc_in(const struct ipvs_svc_key *k, const struct ipvs_service *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ipvs_svc_key_cmp(k, &v[i].key) == 0)
			return true;
	return false;
}

static bool svc_owned(const struct ipvs_pass *p, const struct ipvs_svc_key *k)
{
	const struct ipvs_svc_key *o = p->osvc.v;

	for (size_t i = 0; i < p->osvc.n; i++)
		if (ipvs_svc_key_cmp(k, &o[i]) == 0)
			return true;
	return false;
}

static void apply_start(struct ipvs_pass *p);

/* Next service whose real servers matter: wanted or owned; the real
 * servers of foreign services are none of our business. */
static void next_dest_dump(struct ipvs_pass *p)
{
	const struct ipvs_service *ks = p->ksvc.v;

	for (; p->dump_i < p->ksvc.n; p->dump_i++) {
		const struct ipvs_svc_key *k = &ks[p->dump_i].key;

		if (svc_in(k, p->dsvc, p->n_dsvc) || svc_owned(p, k))
			break;
	}
	if (p->dump_i == p->ksvc.n) {
		apply_start(p);
		return;
	}
	p->phase = PH_DUMP_DESTS;
	p->wait_seq = ++p->seq;
	if (send_all(p, p->sbuf, ipvs_msg_dump_dests(p->sbuf, SEND_BUF, p->fam, p->seq,
						    &ks[p->dump_i].key)) < 0)
		abort_pass(p, "real server dump could not be sent");
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
	} else if (p->phase == PH_DUMP_SVCS) {
		struct ipvs_service *s = vec_push(&p->ksvc);

		if (!s || ipvs_parse_service(nlh, p->fam, s) < 0) {
			p->ksvc.n -= s != NULL; /* unparsable: an entry we cannot manage */
			log_debug("ipvs: skipped a service entry we cannot parse");
		}
	} else {
		const struct ipvs_service *ks = p->ksvc.v;
		struct ipvs_dest *d = vec_push(&p->kdest);

		if (!d || ipvs_parse_dest(nlh, p->fam, &ks[p->dump_i].key, d) < 0) {
			p->kdest.n -= d != NULL;
			log_debug("ipvs: skipped a real server entry we cannot parse");
		}
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

/* The genl command behind an operation, for ipvs_err_benign(). */
static uint8_t ipvs_op_genl_cmd(enum ipvs_op_kind k)
{
	switch (k) {
	case IPVS_OP_ADD_SVC: return IPVS_CMD_NEW_SERVICE;
	case IPVS_OP_EDIT_SVC: return IPVS_CMD_SET_SERVICE;
	case IPVS_OP_DEL_SVC: return IPVS_CMD_DEL_SERVICE;
	case IPVS_OP_ADD_DEST: return IPVS_CMD_NEW_DEST;
	case IPVS_OP_EDIT_DEST: return IPVS_CMD_SET_DEST;
	case IPVS_OP_DEL_DEST: return IPVS_CMD_DEL_DEST;
	default: return IPVS_CMD_UNSPEC;
	}
}

static bool is_adopt(enum ipvs_op_kind k)
{
	return k == IPVS_OP_ADOPT_SVC || k == IPVS_OP_ADOPT_DEST;
}

static void finish_apply(struct ipvs_pass *p);

/* Send while the window has room; datagrams of up to SEND_BUF bytes. */
static void fill_window(struct ipvs_pass *p)
{
	while (p->sent < p->n_ops && p->sent - p->done < p->window) {
		size_t len = 0;

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
			len += n;
			p->sent++;
			p->run->cnt.ops_sent++;
		}
		if (len && send_all(p, p->sbuf, len) < 0) {
			abort_pass(p, "sending changes failed");
			return;
		}
	}
	if (p->done == p->n_ops)
		finish_apply(p);
}

static void apply_start(struct ipvs_pass *p)
{
	struct ipvs_table d = { p->dsvc, p->n_dsvc, p->ddest, p->n_ddest };
	struct ipvs_table k = { p->ksvc.v, p->ksvc.n, p->kdest.v, p->kdest.n };
	struct ipvs_owned o = { p->osvc.v, p->osvc.n, p->odest.v, p->odest.n };
	size_t max = ipvs_reconcile_max_ops(&d, &k);
	ssize_t n;

	p->ops = calloc(max ? max : 1, sizeof(*p->ops));
	p->err = calloc(max ? max : 1, sizeof(*p->err));
	if (!p->ops || !p->err) {
		abort_pass(p, "out of memory");
		return;
	}
	n = ipvs_reconcile(&d, &k, &o, p->ops, max);
	if (n < 0) {
		log_warn("ipvs: reconcile");
		end_pass(p, RETRY_MS);
		return;
	}
	p->phase = PH_APPLY;
	p->n_ops = (size_t)n;
	p->sent = p->done = p->failed = 0;
	p->seq0 = p->seq + 1;
	p->seq += (uint32_t)n;
	fill_window(p);
}

static void on_apply_msg(struct ipvs_pass *p, const struct nlmsghdr *nlh)
{
	uint32_t i = nlh->nlmsg_seq - p->seq0;
	int err = 0;

	if (i >= p->sent || ipvs_msg_ack(nlh, &err) != 1)
		return; /* not one of ours, or not an ack */
	p->err[i] = err;
	p->done++;
	if (err && !ipvs_err_benign(ipvs_op_genl_cmd(p->ops[i].kind), err)) {
		p->failed++;
		p->run->cnt.ops_failed++;
		ipvs_run_op_failed(p->run, &p->ops[i], err);
	}
}

/* ---- ownership: updated from the acks of a whole pass ---- */

static int key_cmp(const void *a, const void *b)
{
	return ipvs_svc_key_cmp(a, b);
}

static int dkey_cmp(const void *a, const void *b)
{
	return ipvs_dest_key_cmp(a, b);
}

/* Sort, drop duplicates and the entries found in gone (sorted) - for dest
 * keys also those whose service is in gone_svc. O(n log n): the owned set
 * of a 10,000-entry table is rebuilt after every pass. */
static void compact(struct vec *v, int (*cmp)(const void *, const void *),
		    const struct vec *gone, const struct vec *gone_svc)
{
	char *b = v->v;
	size_t k = 0;

	qsort(v->v, v->n, v->size, cmp);
	for (size_t i = 0; i < v->n; i++) {
		const void *e = b + i * v->size;

		if (k && cmp(b + (k - 1) * v->size, e) == 0)
			continue;
		if (gone->n && bsearch(e, gone->v, gone->n, gone->size, cmp))
			continue;
		/* a dest key starts with its service key */
		if (gone_svc && gone_svc->n &&
		    bsearch(e, gone_svc->v, gone_svc->n, gone_svc->size, key_cmp))
			continue;
		memmove(b + k++ * v->size, e, v->size);
	}
	v->n = k;
}

static int own_results(struct ipvs_pass *p)
{
	struct vec gs = { NULL, 0, 0, sizeof(struct ipvs_svc_key) };
	struct vec gd = { NULL, 0, 0, sizeof(struct ipvs_dest_key) };
	int rc = 0;

	for (size_t i = 0; i < p->n_ops && rc == 0; i++) {
		const struct ipvs_op *op = &p->ops[i];
		int kind = op->kind;
		void *e;

		if (p->err[i] && !ipvs_err_benign(ipvs_op_genl_cmd(op->kind), p->err[i]))
			continue;
		if (kind == IPVS_OP_ADD_SVC || kind == IPVS_OP_EDIT_SVC || kind == IPVS_OP_ADOPT_SVC)
			e = vec_push(&p->osvc);
		else if (kind == IPVS_OP_DEL_SVC)
			e = vec_push(&gs);
		else if (kind == IPVS_OP_DEL_DEST)
			e = vec_push(&gd);
		else
			e = vec_push(&p->odest);
		if (!e)
			rc = -1;
		else if (kind == IPVS_OP_DEL_SVC || kind <= IPVS_OP_ADOPT_SVC)
			memcpy(e, &op->svc.key, sizeof(op->svc.key));
		else
			ipvs_dest_key_of(&op->dest, e);
	}
	qsort(gs.v, gs.n, gs.size, key_cmp);
	qsort(gd.v, gd.n, gd.size, dkey_cmp);
	compact(&p->osvc, key_cmp, &gs, NULL);
	compact(&p->odest, dkey_cmp, &gd, &gs);
	vec_free(&gs);
	vec_free(&gd);
	return rc;
}

static void finish_apply(struct ipvs_pass *p)
{
	struct ipvs_counters *c = &p->run->cnt;
	uint64_t ms = clock_now_ms() - p->t0;

	if (own_results(p) < 0)
		log_warnx("ipvs: out of memory recording what we own");
	c->passes++;
	c->last_pass_ms = ms;
	c->last_pass_ops = p->n_ops;
	if (p->n_ops) {
		log_notice("ipvs: %zu changes applied in %llu ms (%zu refused; %zu services, "
			   "%zu real servers wanted)", p->n_ops, (unsigned long long)ms, p->failed,
			   p->n_dsvc, p->n_ddest);
		if (p->run->on_applied)
			p->run->on_applied(p->n_ops, p->failed, ms, p->run->applied_arg);
	} else
		log_info("ipvs: in sync in %llu ms (%zu services, %zu real servers checked)",
			 (unsigned long long)ms, p->ksvc.n, p->kdest.n);
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
	p->ksvc.size = sizeof(struct ipvs_service);
	p->kdest.size = sizeof(struct ipvs_dest);
	p->osvc.size = sizeof(struct ipvs_svc_key);
	p->odest.size = sizeof(struct ipvs_dest_key);
	loop_timer_init(&p->kick, kick_cb, p);
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
	if (p->fd >= 0) {
		loop_del_fd(p->loop, p->fd);
		close(p->fd);
	}
	free_pass_data(p);
	vec_free(&p->ksvc);
	vec_free(&p->kdest);
	vec_free(&p->osvc);
	vec_free(&p->odest);
	free(p->rbuf);
	free(p->sbuf);
	free(p);
}
