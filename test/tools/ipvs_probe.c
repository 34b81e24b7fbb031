/* ipvs_probe.c - drives the real kernel with the messages of ipvs/ipvs_msg.c
 * and prints the table in the layout of `ipvsadm -Ln`, so the VM test
 * (test/vm/ipvs_smoke.sh) can diff the two. Blocking I/O is fine here: it
 * is a test tool; the daemon sends the same bytes from its event loop.
 *
 * usage: ipvs_probe apply            flush, program the scenario, print
 *        ipvs_probe list [--thresholds]
 *        ipvs_probe flush
 * Exit: 0 ok, 1 a request failed, 2 usage or socket trouble. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipvs/ipvs.h"
#include "ipvs/ipvs_msg.h"

#define MAX_SVCS 32
#define MAX_DESTS 64
#define BATCH 16

static struct mnl_socket *nl;
static uint16_t fam;
static uint32_t next_seq = 1;

/* One reply handler per request kind; returns 0 to go on. */
typedef int (*reply_fn)(const struct nlmsghdr *nlh, void *arg);

/* Reads until every seq in [first, first + n) has ended (ack or DONE);
 * acks may arrive in any order, they are matched by sequence number.
 * errs[i] receives the status of request first + i. */
static int wait_replies(uint32_t first, size_t n, int *errs, reply_fn fn, void *arg)
{
	static char buf[65536];
	size_t left = n;

	while (left > 0) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int rest = (int)len, err;

		if (len < 0)
			return -1;
		for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
			uint32_t i = nlh->nlmsg_seq - first;

			if (i >= n) {
				fprintf(stderr, "probe: stray seq %u\n", nlh->nlmsg_seq);
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				errs[i] = 0, left--;
			} else if (ipvs_msg_ack(nlh, &err) == 1) {
				errs[i] = err, left--;
			} else if (fn && fn(nlh, arg) < 0) {
				fprintf(stderr, "probe: reply to seq %u does not parse\n", nlh->nlmsg_seq);
				return -1;
			}
		}
	}
	return 0;
}

/* Sends already-built messages in one datagram: all in flight at once. */
static int send_batch(const char *buf, size_t len)
{
	return mnl_socket_sendto(nl, buf, len) == (ssize_t)len ? 0 : -1;
}

static int one(size_t len, const char *buf, reply_fn fn, void *arg)
{
	int err = 0;

	if (len == 0 || send_batch(buf, len) < 0 ||
	    wait_replies(((const struct nlmsghdr *)buf)->nlmsg_seq, 1, &err, fn, arg) < 0)
		return -EIO;
	return err;
}

static int on_family(const struct nlmsghdr *nlh, void *arg)
{
	return ipvs_parse_family(nlh, arg);
}

static int on_info(const struct nlmsghdr *nlh, void *arg)
{
	return ipvs_parse_info(nlh, fam, arg);
}

static int open_ipvs(void)
{
	char buf[IPVS_MSG_MAX];

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("probe: netlink socket");
		return -1;
	}
	if (one(ipvs_msg_resolve(buf, sizeof(buf), next_seq++), buf, on_family, &fam) != 0 || !fam) {
		fprintf(stderr, "probe: genl family IPVS not found\n");
		return -1;
	}
	return 0;
}

/* ---- the table, dumped and printed like ipvsadm -Ln ---- */

struct table {
	struct ipvs_service svcs[MAX_SVCS];
	size_t n_svcs;
	struct ipvs_dest dests[MAX_SVCS][MAX_DESTS];
	size_t n_dests[MAX_SVCS];
};

static int on_service(const struct nlmsghdr *nlh, void *arg)
{
	struct table *t = arg;

	if (t->n_svcs >= MAX_SVCS)
		return -1;
	return ipvs_parse_service(nlh, fam, &t->svcs[t->n_svcs++]);
}

struct dest_ctx {
	struct table *t;
	size_t i;
};

static int on_dest(const struct nlmsghdr *nlh, void *arg)
{
	struct dest_ctx *c = arg;
	size_t *n = &c->t->n_dests[c->i];

	if (*n >= MAX_DESTS)
		return -1;
	return ipvs_parse_dest(nlh, fam, &c->t->svcs[c->i].key, &c->t->dests[c->i][(*n)++]);
}

/* ipvsadm's order: plain services before fwmark ones, then family,
 * protocol, address, port; real servers by address then port. */
static int svc_order(const void *pa, const void *pb)
{
	const struct ipvs_svc_key *a = &((const struct ipvs_service *)pa)->key;
	const struct ipvs_svc_key *b = &((const struct ipvs_service *)pb)->key;

	if ((a->fwmark != 0) != (b->fwmark != 0))
		return a->fwmark ? 1 : -1;
	if (a->fwmark != b->fwmark)
		return a->fwmark < b->fwmark ? -1 : 1;
	if (a->family != b->family)
		return a->family - b->family;
	if (a->protocol != b->protocol)
		return a->protocol - b->protocol;
	return ipvs_svc_key_cmp(a, b);
}

static int dest_order(const void *pa, const void *pb)
{
	const struct ipvs_dest *a = pa, *b = pb;
	int c = addr_cmp(&a->addr, &b->addr);

	return c ? c : a->port - b->port;
}

static int dump(struct table *t)
{
	char buf[IPVS_MSG_MAX];
	int err;

	memset(t, 0, sizeof(*t));
	err = one(ipvs_msg_dump_services(buf, sizeof(buf), fam, next_seq++), buf, on_service, t);
	if (err)
		return err;
	qsort(t->svcs, t->n_svcs, sizeof(t->svcs[0]), svc_order);
	for (size_t i = 0; i < t->n_svcs; i++) {
		struct dest_ctx c = { t, i };

		err = one(ipvs_msg_dump_dests(buf, sizeof(buf), fam, next_seq++, &t->svcs[i].key),
			  buf, on_dest, &c);
		if (err)
			return err;
		qsort(t->dests[i], t->n_dests[i], sizeof(t->dests[i][0]), dest_order);
	}
	return 0;
}

static const char *host_port(const struct addr *a, uint16_t port, char *out, size_t len)
{
	char s[ADDR_STRLEN];

	addr_fmt(a, s, sizeof(s));
	snprintf(out, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
	return out;
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "TCP" : p == IPPROTO_UDP ? "UDP" : p == IPPROTO_SCTP ? "SCTP" : "?";
}

static void print_sched_flags(const struct ipvs_service *s)
{
	const char *pfx = strcmp(s->sched, "sh") == 0 ? "sh-" : strcmp(s->sched, "mh") == 0 ? "mh-" : NULL;
	const char *names[3] = { "fallback", "port", NULL };
	const char *sep = " (";

	if (!(s->flags & (IPVS_SVC_F_SCHED1 | IPVS_SVC_F_SCHED2 | IPVS_SVC_F_SCHED3)))
		return;
	for (int i = 0; i < 3; i++) {
		if (!(s->flags & (IPVS_SVC_F_SCHED1 << i)))
			continue;
		if (pfx && names[i])
			printf("%s%s%s", sep, pfx, names[i]);
		else
			printf("%sflag-%d", sep, i + 1);
		sep = ",";
	}
	printf(")");
}

static void print_service(const struct ipvs_service *s)
{
	char hp[ADDR_STRLEN + 8];

	if (s->key.fwmark)
		printf("FWM  %u%s %s", s->key.fwmark, s->key.family == AF_INET6 ? " IPv6" : "", s->sched);
	else
		printf("%-4s %s %s", proto_name(s->key.protocol),
		       host_port(&s->key.addr, s->key.port, hp, sizeof(hp)), s->sched);
	print_sched_flags(s);
	if (s->flags & IPVS_SVC_F_PERSISTENT) {
		printf(" persistent %u", s->timeout);
		if (s->key.family == AF_INET && s->netmask != 32) {
			struct in_addr m = { htonl(s->netmask ? 0xffffffffu << (32 - s->netmask) : 0) };

			printf(" mask %s", inet_ntoa(m));
		} else if (s->key.family == AF_INET6 && s->netmask != 128) {
			printf(" mask %u", s->netmask);
		}
	}
	if (s->flags & IPVS_SVC_F_ONEPACKET)
		printf(" ops");
	printf("\n");
}

static void print_table(const struct table *t, const struct ipvs_info *info, int thresholds)
{
	static const char *const fwd[] = { "Masq", "Local", "Tunnel", "Route" };
	char hp[ADDR_STRLEN + 8];

	printf("IP Virtual Server version %u.%u.%u (size=%u)\n", info->version >> 16,
	       (info->version >> 8) & 0xff, info->version & 0xff, info->conn_tab_size);
	if (thresholds)
		printf("Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
		       "  -> RemoteAddress:Port\n");
	else
		printf("Prot LocalAddress:Port Scheduler Flags\n"
		       "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
	for (size_t i = 0; i < t->n_svcs; i++) {
		print_service(&t->svcs[i]);
		for (size_t j = 0; j < t->n_dests[i]; j++) {
			const struct ipvs_dest *d = &t->dests[i][j];

			host_port(&d->addr, d->port, hp, sizeof(hp));
			/* Active/inactive counters: always 0 on this idle test VM. */
			if (thresholds)
				printf("  -> %-28s %-10u %-10u %-10u %-10u\n", hp, d->u_threshold,
				       d->l_threshold, 0u, 0u);
			else
				printf("  -> %-28s %-7s %-6u %-10u %-10u\n", hp, fwd[d->fwd], d->weight, 0u, 0u);
		}
	}
}

static int list(int thresholds)
{
	char buf[IPVS_MSG_MAX];
	struct ipvs_info info;
	static struct table t;
	int err;

	err = one(ipvs_msg_get_info(buf, sizeof(buf), fam, next_seq++), buf, on_info, &info);
	if (!err)
		err = dump(&t);
	if (err) {
		fprintf(stderr, "probe: list: %s\n", strerror(-err));
		return 1;
	}
	print_table(&t, &info, thresholds);
	return 0;
}

/* ---- the scenario: requests batched, several in flight at once ---- */

struct batch {
	char buf[BATCH * IPVS_MSG_MAX];
	size_t len, n;
	uint32_t first;
	uint8_t cmd[BATCH];
	int want[BATCH]; /* expected status: 0 or a benign -errno */
	int bad;
};

static struct batch B;

static void b_begin(void)
{
	B.len = B.n = 0;
	B.first = next_seq;
}

static char *b_buf(void)
{
	return B.buf + B.len;
}

#define B_ROOM (sizeof(B.buf) - B.len)

/* Registers the message just built at b_buf() with seq = B.first + B.n. */
static void b_add(size_t len, uint8_t cmd, int want)
{
	if (len == 0 || B.n >= BATCH) {
		fprintf(stderr, "probe: builder refused request %zu (cmd %u)\n", B.n, cmd);
		B.bad = 1;
		return;
	}
	B.cmd[B.n] = cmd;
	B.want[B.n++] = want;
	B.len += len;
	next_seq++;
}

static int b_run(const char *what)
{
	int errs[BATCH];

	if (B.bad || send_batch(B.buf, B.len) < 0 || wait_replies(B.first, B.n, errs, NULL, NULL) < 0)
		return -1;
	for (size_t i = 0; i < B.n; i++) {
		int benign = errs[i] && ipvs_err_benign(B.cmd[i], errs[i]);

		fprintf(stderr, "probe: %s #%zu cmd %u: %s%s\n", what, i, B.cmd[i],
			errs[i] ? strerror(-errs[i]) : "ok", benign ? " (benign)" : "");
		if (errs[i] != B.want[i] || (errs[i] && !benign))
			B.bad = 1;
	}
	return B.bad ? -1 : 0;
}

static struct ipvs_service svc(uint8_t af, uint8_t proto, const char *ip, uint16_t port,
			       uint32_t fwmark, const char *sched, uint32_t flags,
			       uint32_t timeout, uint8_t netmask)
{
	struct ipvs_service s = { .key = { af, proto, port, fwmark, { 0 } } };

	if (ip)
		addr_parse(ip, &s.key.addr);
	ipvs_svc_key_norm(&s.key);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	s.flags = flags;
	s.timeout = timeout;
	s.netmask = netmask;
	return s;
}

static struct ipvs_dest dst(const struct ipvs_service *s, const char *ip, uint16_t port,
			    enum ipvs_fwd fwd, uint32_t w, uint32_t u, uint32_t l)
{
	struct ipvs_dest d = { .svc = s->key, .port = port, .fwd = fwd, .weight = w,
			       .u_threshold = u, .l_threshold = l };

	addr_parse(ip, &d.addr);
	return d;
}

#define PERSIST IPVS_SVC_F_PERSISTENT
#define S1S2 (IPVS_SVC_F_SCHED1 | IPVS_SVC_F_SCHED2)
#define NEW_SVC(s) b_add(ipvs_msg_new_service(b_buf(), B_ROOM, fam, next_seq, &(s)), IPVS_CMD_NEW_SERVICE, 0)
#define NEW_DST(d) b_add(ipvs_msg_new_dest(b_buf(), B_ROOM, fam, next_seq, &(d)), IPVS_CMD_NEW_DEST, 0)

static int apply(void)
{
	struct ipvs_service web = svc(AF_INET, IPPROTO_TCP, "192.0.2.10", 80, 0, "wlc", PERSIST, 300, 24);
	struct ipvs_service dns6 = svc(AF_INET6, IPPROTO_UDP, "2001:db8::1", 53, 0, "sh",
				       S1S2 | IPVS_SVC_F_ONEPACKET, 0, 128);
	struct ipvs_service fw6 = svc(AF_INET6, 0, NULL, 0, 7, "mh", PERSIST, 60, 64);
	struct ipvs_service sctp = svc(AF_INET, IPPROTO_SCTP, "192.0.2.10", 9, 0, "rr", 0, 0, 32);
	struct ipvs_service fw4 = svc(AF_INET, 0, NULL, 0, 8, "wrr", 0, 0, 32);
	struct ipvs_service tls = svc(AF_INET, IPPROTO_TCP, "192.0.2.20", 443, 0, "lc", 0, 0, 32);
	struct ipvs_dest w1 = dst(&web, "198.51.100.11", 80, IPVS_FWD_NAT, 3, 100, 10);
	struct ipvs_dest w2 = dst(&web, "198.51.100.12", 80, IPVS_FWD_DR, 1, 0, 0);
	struct ipvs_dest d1 = dst(&dns6, "2001:db8::2", 53, IPVS_FWD_TUN, 2, 0, 0);
	struct ipvs_dest f1 = dst(&fw4, "198.51.100.13", 0, IPVS_FWD_DR, 5, 0, 0);
	struct ipvs_dest t1 = dst(&tls, "198.51.100.14", 8443, IPVS_FWD_NAT, 1, 50, 5);
	struct ipvs_dest_key w1k;
	char buf[IPVS_MSG_MAX];

	if (one(ipvs_msg_flush(buf, sizeof(buf), fam, next_seq++), buf, NULL, NULL) != 0)
		return -1;
	b_begin();
	NEW_SVC(web); NEW_DST(w1); NEW_DST(w2);
	NEW_SVC(dns6); NEW_DST(d1); NEW_SVC(fw6); NEW_SVC(sctp);
	NEW_SVC(fw4); NEW_DST(f1); NEW_SVC(tls); NEW_DST(t1);
	if (b_run("add") < 0)
		return -1;

	/* Idempotence: adding what exists is reported, and benign. */
	b_begin();
	b_add(ipvs_msg_new_service(b_buf(), B_ROOM, fam, next_seq, &web), IPVS_CMD_NEW_SERVICE, -EEXIST);
	b_add(ipvs_msg_new_dest(b_buf(), B_ROOM, fam, next_seq, &w1), IPVS_CMD_NEW_DEST, -EEXIST);
	if (b_run("re-add") < 0)
		return -1;

	/* Edits: weight and thresholds of a real server, scheduler + persistence. */
	w2.weight = 7;
	w2.u_threshold = 20;
	tls = svc(AF_INET, IPPROTO_TCP, "192.0.2.20", 443, 0, "rr", PERSIST, 120, 32);
	b_begin();
	b_add(ipvs_msg_set_dest(b_buf(), B_ROOM, fam, next_seq, &w2), IPVS_CMD_SET_DEST, 0);
	b_add(ipvs_msg_set_service(b_buf(), B_ROOM, fam, next_seq, &tls), IPVS_CMD_SET_SERVICE, 0);
	if (b_run("edit") < 0)
		return -1;

	/* Deletes, then the same deletes again: missing is benign. */
	ipvs_dest_key_of(&w1, &w1k);
	b_begin();
	b_add(ipvs_msg_del_dest(b_buf(), B_ROOM, fam, next_seq, &w1k), IPVS_CMD_DEL_DEST, 0);
	b_add(ipvs_msg_del_service(b_buf(), B_ROOM, fam, next_seq, &sctp.key), IPVS_CMD_DEL_SERVICE, 0);
	b_add(ipvs_msg_del_dest(b_buf(), B_ROOM, fam, next_seq, &w1k), IPVS_CMD_DEL_DEST, -ENOENT);
	b_add(ipvs_msg_del_service(b_buf(), B_ROOM, fam, next_seq, &sctp.key), IPVS_CMD_DEL_SERVICE, -ESRCH);
	return b_run("delete");
}

int main(int argc, char **argv)
{
	char buf[IPVS_MSG_MAX];
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: ipvs_probe apply | list [--thresholds] | flush\n");
		return 2;
	}
	if (open_ipvs() < 0)
		return 2;
	if (strcmp(argv[1], "apply") == 0)
		rc = apply() < 0 ? 1 : list(0);
	else if (strcmp(argv[1], "list") == 0)
		rc = list(argc > 2 && strcmp(argv[2], "--thresholds") == 0);
	else if (strcmp(argv[1], "flush") == 0)
		rc = one(ipvs_msg_flush(buf, sizeof(buf), fam, next_seq++), buf, NULL, NULL) ? 1 : 0;
	else
		rc = 2;
	mnl_socket_close(nl);
	return rc;
}
