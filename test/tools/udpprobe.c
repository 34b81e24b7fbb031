/* udpprobe - measure what a client sees during a VRRP failover.
 *
 *   udpprobe serve PORT NAME
 *	answer every probe with "<probe payload> NAME", sent from the address
 *	the probe was sent to (the VIP), not from the host's primary address:
 *	a client that checks the source, like any connected UDP socket, would
 *	otherwise drop the reply.
 *
 *   udpprobe probe ADDR PORT --rate HZ --duration S [--timeout-ms 50]
 *		    [--stop-file F]
 *	send sequence-numbered probes at HZ on absolute monotonic deadlines,
 *	print "t_ms=T from=A to=B" whenever the responder changes (from=- for
 *	the first one) and finally
 *	"sent=N received=M lost=K max_gap_ms=G late=L wrong_src=W".
 *	A probe is lost when no reply came within the timeout (a later reply
 *	counts as late, not received). max_gap_ms is the longest time between
 *	two successful replies; the start of probing and the last send count as
 *	replies so that a dead server shows as one long gap.
 *
 *   udpprobe now
 *	print CLOCK_MONOTONIC in milliseconds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ppoll, struct in_pktinfo; config.h is not included */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_MAX_LEN 64
#define PAYLOAD_MAX 256

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: udpprobe serve PORT NAME\n"
		"       udpprobe probe ADDR PORT --rate HZ --duration S"
		" [--timeout-ms MS] [--stop-file F]\n"
		"       udpprobe now\n");
	exit(2);
}

static long parse_num(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "udpprobe: bad %s '%s' (%ld..%ld)\n", what, s,
			min, max);
		exit(2);
	}
	return v;
}

/* ------------------------------------------------------------- serve */

/* Reply from the probe's destination address: ipi_spec_dst selects the
 * source address of the reply (ip(7), IP_PKTINFO). */
static void serve_reply(int fd, const struct sockaddr_in *peer,
			const struct in_pktinfo *pi, const char *buf,
			size_t len)
{
	union {
		char raw[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = (void *)peer, .msg_namelen = sizeof(*peer),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct in_pktinfo out = { .ipi_ifindex = 0 };

	if (pi) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.raw;
		msg.msg_controllen = sizeof(ctl.raw);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(out));
		out.ipi_spec_dst = pi->ipi_addr;
		memcpy(CMSG_DATA(c), &out, sizeof(out));
	}
	if (sendmsg(fd, &msg, 0) < 0)
		perror("udpprobe: sendmsg");
}

static int serve(const char *port_s, const char *name)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int one = 1, fd;
	size_t nlen = strlen(name);

	if (nlen == 0 || nlen > NAME_MAX_LEN)
		usage();
	sin.sin_port = htons((uint16_t)parse_num(port_s, 1, 65535, "port"));
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("udpprobe: serve socket");
		return 1;
	}
	printf("serving on port %s as %s\n", port_s, name);
	fflush(stdout);
	for (;;) {
		char buf[PAYLOAD_MAX + NAME_MAX_LEN + 2];
		union {
			char raw[CMSG_SPACE(sizeof(struct in_pktinfo)) + 64];
			struct cmsghdr align;
		} ctl;
		struct sockaddr_in peer;
		struct iovec iov = { .iov_base = buf, .iov_len = PAYLOAD_MAX };
		struct msghdr msg = {
			.msg_name = &peer, .msg_namelen = sizeof(peer),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.raw, .msg_controllen = sizeof(ctl.raw),
		};
		struct in_pktinfo pi, *pip = NULL;
		struct cmsghdr *c;
		ssize_t n = recvmsg(fd, &msg, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("udpprobe: recvmsg");
			return 1;
		}
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == IPPROTO_IP &&
			    c->cmsg_type == IP_PKTINFO) {
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				pip = &pi;
			}
		}
		buf[n] = ' ';
		memcpy(buf + n + 1, name, nlen);
		serve_reply(fd, &peer, pip, buf, (size_t)n + 1 + nlen);
	}
}

/* ------------------------------------------------------------- probe */

enum slot_state { SLOT_FREE, SLOT_PENDING };

struct slot {
	uint64_t seq;
	uint64_t sent_ns;
	enum slot_state state;
};

struct probe {
	int fd;
	struct sockaddr_in dst;
	uint64_t interval_ns, timeout_ns, start_ns, end_ns;
	const char *stop_file;
	struct slot *ring;
	size_t ring_len;
	uint64_t next_seq, oldest_seq, sent, received, lost, late, wrong_src;
	uint64_t last_reply_ns, max_gap_ns;
	char responder[NAME_MAX_LEN + 1];
};

static void note_gap(struct probe *p, uint64_t t)
{
	if (t > p->last_reply_ns && t - p->last_reply_ns > p->max_gap_ns)
		p->max_gap_ns = t - p->last_reply_ns;
	p->last_reply_ns = t;
}

static void send_probe(struct probe *p, uint64_t t)
{
	char buf[32];
	struct slot *s = &p->ring[p->next_seq % p->ring_len];
	int n;

	if (s->state == SLOT_PENDING) { /* ring too small: count it lost */
		s->state = SLOT_FREE;
		p->lost++;
	}
	n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)p->next_seq);
	s->seq = p->next_seq++;
	s->sent_ns = t;
	s->state = SLOT_PENDING;
	p->sent++;
	if (sendto(p->fd, buf, (size_t)n, 0, (struct sockaddr *)&p->dst,
		   sizeof(p->dst)) < 0 && errno != EAGAIN && errno != ENOBUFS &&
	    errno != EHOSTUNREACH && errno != ECONNREFUSED)
		perror("udpprobe: sendto");
}

/* Probes are sent in sequence order, so they expire in that order too:
 * walk from the oldest one that may still be pending. */
static void expire(struct probe *p, uint64_t t)
{
	while (p->oldest_seq < p->next_seq) {
		struct slot *s = &p->ring[p->oldest_seq % p->ring_len];

		if (s->state == SLOT_PENDING && s->seq == p->oldest_seq) {
			if (t - s->sent_ns < p->timeout_ns)
				return;
			s->state = SLOT_FREE;
			p->lost++;
		}
		p->oldest_seq++;
	}
}

static void take_reply(struct probe *p, const char *buf, uint64_t t)
{
	char name[NAME_MAX_LEN + 1];
	unsigned long long seq;
	struct slot *s;

	if (sscanf(buf, "%llu %64s", &seq, name) != 2)
		return;
	s = &p->ring[seq % p->ring_len];
	if (s->state != SLOT_PENDING || s->seq != seq) {
		if (seq < p->next_seq)
			p->late++;
		return;
	}
	if (t - s->sent_ns >= p->timeout_ns) { /* not yet expired by the loop */
		s->state = SLOT_FREE;
		p->lost++;
		p->late++;
		return;
	}
	s->state = SLOT_FREE;
	p->received++;
	note_gap(p, t);
	if (strcmp(name, p->responder) != 0) {
		printf("t_ms=%.1f from=%s to=%s\n",
		       (double)(t - p->start_ns) / 1e6,
		       p->responder[0] ? p->responder : "-", name);
		fflush(stdout);
		snprintf(p->responder, sizeof(p->responder), "%s", name);
	}
}

static void drain(struct probe *p)
{
	for (;;) {
		char buf[PAYLOAD_MAX + 1];
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(p->fd, buf, PAYLOAD_MAX, MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);

		if (n < 0)
			return; /* EAGAIN, or an ICMP error surfaced: ignore */
		buf[n] = '\0';
		if (from.sin_addr.s_addr != p->dst.sin_addr.s_addr) {
			p->wrong_src++;
			continue;
		}
		take_reply(p, buf, now_ns());
	}
}

static int pending(const struct probe *p)
{
	return p->oldest_seq < p->next_seq; /* valid right after expire() */
}

/* Wait for a reply or until the absolute time `until`. */
static void wait_until(struct probe *p, uint64_t until)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	uint64_t t = now_ns();
	struct timespec ts = { 0, 0 };

	if (until > t) {
		ts.tv_sec = (time_t)((until - t) / 1000000000u);
		ts.tv_nsec = (long)((until - t) % 1000000000u);
	}
	if (ppoll(&pfd, 1, &ts, NULL) > 0)
		drain(p);
}

static int stop_requested(const struct probe *p)
{
	struct stat st;

	return p->stop_file && stat(p->stop_file, &st) == 0;
}

static void probe_loop(struct probe *p)
{
	uint64_t next = p->start_ns, t, last_check = 0;
	int stopping = 0;

	p->last_reply_ns = p->start_ns;
	for (;;) {
		t = now_ns();
		if (!stopping && (t >= p->end_ns ||
				  (t - last_check >= 10000000u &&
				   stop_requested(p)))) {
			stopping = 1;
			note_gap(p, p->sent ? p->ring[(p->next_seq - 1) %
				 p->ring_len].sent_ns : t);
		}
		if (t - last_check >= 10000000u)
			last_check = t;
		if (!stopping) {
			if (next <= t) { /* absolute deadlines: no drift */
				send_probe(p, t);
				next += p->interval_ns;
				/* after a stall, skip the missed slots
				 * instead of sending a burst */
				if (next + p->interval_ns <= t)
					next = t + p->interval_ns;
			}
		}
		expire(p, t);
		if (stopping && !pending(p))
			return;
		wait_until(p, stopping ? t + 1000000u : next);
	}
}

static int probe(int argc, char **argv)
{
	struct probe p = { .responder = "" };
	long rate = 0, duration = 0, timeout_ms = 50;
	int i;

	if (argc < 4)
		usage();
	p.dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[2], &p.dst.sin_addr) != 1)
		usage();
	p.dst.sin_port = htons((uint16_t)parse_num(argv[3], 1, 65535, "port"));
	for (i = 4; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--rate"))
			rate = parse_num(argv[++i], 1, 100000, "rate");
		else if (!strcmp(argv[i], "--duration"))
			duration = parse_num(argv[++i], 1, 86400, "duration");
		else if (!strcmp(argv[i], "--timeout-ms"))
			timeout_ms = parse_num(argv[++i], 1, 60000, "timeout");
		else if (!strcmp(argv[i], "--stop-file"))
			p.stop_file = argv[++i];
		else
			usage();
	}
	if (!rate || !duration)
		usage();
	p.interval_ns = 1000000000u / (uint64_t)rate;
	p.timeout_ns = (uint64_t)timeout_ms * 1000000u;
	/* every probe that can still be pending, plus slack */
	p.ring_len = (size_t)(rate * (timeout_ms + 1000) / 1000) + 64;
	p.ring = calloc(p.ring_len, sizeof(*p.ring));
	p.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!p.ring || p.fd < 0) {
		perror("udpprobe: probe");
		return 1;
	}
	p.start_ns = now_ns();
	p.end_ns = p.start_ns + (uint64_t)duration * 1000000000u;
	probe_loop(&p);
	printf("sent=%llu received=%llu lost=%llu max_gap_ms=%.1f late=%llu "
	       "wrong_src=%llu\n",
	       (unsigned long long)p.sent, (unsigned long long)p.received,
	       (unsigned long long)p.lost, (double)p.max_gap_ns / 1e6,
	       (unsigned long long)p.late, (unsigned long long)p.wrong_src);
	free(p.ring);
	close(p.fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "now") && argc == 2) {
		printf("%llu\n", (unsigned long long)(now_ns() / 1000000u));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(argv[2], argv[3]);
	if (argc >= 2 && !strcmp(argv[1], "probe"))
		return probe(argc, argv);
	usage();
	return 2;
}
