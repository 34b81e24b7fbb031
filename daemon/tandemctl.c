/* tandemctl.c - command line client of tandemd's control socket. It
 * speaks the JSON protocol (doc/control-protocol.md) and renders replies
 * as text with the daemon's own renderers (ctl_text.c), or prints them as
 * JSON with --json. Exit codes are for scripts: see usage(). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/ctl_proto.h"
#include "daemon/ctl_text.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#define DEFAULT_SOCKET RUNSTATEDIR "/tandem/tandemd.sock"

enum { EX_OK_ = 0, EX_FALSE = 1, EX_USAGE_ = 2, EX_CONNECT = 3, EX_DENIED = 4, EX_NOTFOUND = 5 };

struct opts {
	const char *path;
	bool json, quiet;
	const char *instance;   /* status --instance */
	const char *want_state; /* --is-master, --is-backup, --state S */
	long count;             /* events --count N: exit after N events */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tandemctl [-s SOCKET] [--json] COMMAND [ARGS]\n"
		"commands:\n"
		"  status [--instance NAME [--is-master|--is-backup|--state STATE]]\n"
		"  show vrrp|sync|peers|checkers|ipvs [NAME]\n"
		"  events [--count N]      stream transitions as they happen\n"
		"  reload                  re-read the configuration (refused whole if invalid)\n"
		"  handoff [NAME|--all]    a master hands over without losing traffic\n"
		"  maintenance on|off      never become master while on\n"
		"  metrics                 Prometheus text exposition\n"
		"  counters                received/dropped/sent packet counters\n"
		"  track NAME ok|fail      set a generic tracked input\n"
		"  version\n"
		"exit: 0 ok/true, 1 refused/false, 2 usage, 3 tandemd unreachable,\n"
		"      4 permission denied, 5 no such instance\n");
}

static int connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "tandemctl: socket path too long\n");
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "tandemctl: %s: %s%s\n", path, strerror(errno),
			errno == EACCES ? " (root or the control group only)" : " (is tandemd running?)");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One reply line, malloc'd without its newline; NULL at EOF or error. */
struct reader {
	int fd;
	char *buf;
	size_t len, cap;
};

static char *read_line(struct reader *rd)
{
	for (;;) {
		char *nl = rd->len ? memchr(rd->buf, '\n', rd->len) : NULL;
		ssize_t n;

		if (nl) {
			size_t l = (size_t)(nl - rd->buf);
			char *line = strndup(rd->buf, l);

			memmove(rd->buf, nl + 1, rd->len - l - 1);
			rd->len -= l + 1;
			return line;
		}
		if (rd->cap - rd->len < 4096) {
			char *p = realloc(rd->buf, rd->cap * 2 + 65536);

			if (!p)
				return NULL;
			rd->buf = p;
			rd->cap = rd->cap * 2 + 65536;
		}
		n = read(rd->fd, rd->buf + rd->len, rd->cap - rd->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		rd->len += (size_t)n;
	}
}

static json_object *get(json_object *o, const char *k)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static int error_exit(json_object *reply)
{
	json_object *e = get(reply, "error");
	const char *code = json_object_get_string(get(e, "code"));

	fprintf(stderr, "tandemctl: %s\n", json_object_get_string(get(e, "message")));
	if (code && strcmp(code, CTL_E_DENIED) == 0)
		return EX_DENIED;
	if (code && strcmp(code, CTL_E_NOT_FOUND) == 0)
		return EX_NOTFOUND;
	return EX_FALSE;
}

/* status --instance X --is-master: nothing printed, the exit code says. */
static int check_state(const struct opts *o, json_object *data)
{
	json_object *arr = get(data, "vrrp");

	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *in = json_object_array_get_idx(arr, i);

		if (strcmp(json_object_get_string(get(in, "name")), o->instance) == 0)
			return strcasecmp(json_object_get_string(get(in, "state")),
					  o->want_state) == 0 ? EX_OK_ : EX_FALSE;
	}
	if (!o->quiet)
		fprintf(stderr, "tandemctl: no VRRP instance '%s'\n", o->instance);
	return EX_NOTFOUND;
}

static void print_ok(const struct ctl_req *q, json_object *data)
{
	json_object *h;

	switch (q->cmd) {
	case CTL_CMD_STATUS:
	case CTL_CMD_SHOW:
		ctl_text_data(stdout, data);
		break;
	case CTL_CMD_COUNTERS:
		ctl_text_counters(stdout, data);
		break;
	case CTL_CMD_METRICS:
		fputs(json_object_get_string(get(data, "text")), stdout);
		break;
	case CTL_CMD_VERSION:
		printf("tandemd %s (protocol %d)\n", json_object_get_string(get(data, "version")),
		       json_object_get_int(get(data, "protocol")));
		break;
	case CTL_CMD_HANDOFF:
		h = get(data, "handoff");
		if (!json_object_array_length(h))
			printf("no instance is MASTER: nothing to hand off\n");
		for (size_t i = 0; i < json_object_array_length(h); i++)
			printf("%s: handing off (the VIPs stay until the new master is heard)\n",
			       json_object_get_string(json_object_array_get_idx(h, i)));
		break;
	case CTL_CMD_RELOAD:
		printf("ok: %s reloaded\n", json_object_get_string(get(data, "config")));
		break;
	case CTL_CMD_MAINTENANCE:
		printf("maintenance %s\n", json_object_get_boolean(get(data, "maintenance")) ? "on" : "off");
		break;
	default:
		printf("ok\n");
	}
}

static int stream_events(const struct opts *o, struct reader *rd)
{
	long seen = 0;
	char *line;

	fflush(stdout);
	while ((o->count <= 0 || seen < o->count) && (line = read_line(rd))) {
		json_object *r = json_tokener_parse(line), *ev = get(r, "event");
		char *text = ev && !o->json ? ctl_text_event_line(ev) : NULL;

		if (ev && o->json)
			printf("%s\n", line);
		else if (text)
			fputs(text, stdout);
		fflush(stdout);
		seen += ev != NULL;
		free(text);
		json_object_put(r);
		free(line);
	}
	if (o->count > 0 && seen >= o->count)
		return EX_OK_;
	fprintf(stderr, "tandemctl: tandemd closed the event stream\n");
	return EX_CONNECT;
}

static int handle_reply(const struct opts *o, const struct ctl_req *q, const char *line,
			struct reader *rd)
{
	json_object *r = json_tokener_parse(line);
	int rc = EX_OK_;

	if (!r || !get(r, "ok")) {
		fprintf(stderr, "tandemctl: unexpected reply: %.200s\n", line);
		json_object_put(r);
		return EX_CONNECT;
	}
	if (!json_object_get_boolean(get(r, "ok"))) {
		if (o->json)
			printf("%s\n", line);
		rc = error_exit(r);
	} else if (q->cmd == CTL_CMD_STATUS && o->want_state) {
		rc = check_state(o, get(r, "data"));
	} else if (q->cmd == CTL_CMD_EVENTS) {
		rc = stream_events(o, rd);
	} else if (o->json) {
		printf("%s\n", line);
	} else {
		print_ok(q, get(r, "data"));
	}
	json_object_put(r);
	return rc;
}

/* The words after the options, parsed exactly as the daemon would parse
 * them in the plain-text form, then sent as JSON. */
static int build_request(int argc, char **argv, const struct opts *o, bool all,
			 struct ctl_req *q)
{
	char line[512] = "", err[256];
	const char *code;

	for (int i = 0; i < argc; i++) {
		strncat(line, argv[i], sizeof(line) - strlen(line) - 2);
		strncat(line, " ", sizeof(line) - strlen(line) - 1);
	}
	if (all)
		strncat(line, "--all", sizeof(line) - strlen(line) - 1);
	if (ctl_req_parse(line, q, &code, err, sizeof(err)) < 0) {
		fprintf(stderr, "tandemctl: %s\n", err);
		return -1;
	}
	if (o->instance && q->cmd == CTL_CMD_STATUS)
		snprintf(q->name, sizeof(q->name), "%s", o->instance);
	if (o->want_state && !o->instance) {
		fprintf(stderr, "tandemctl: --is-master/--is-backup/--state need --instance NAME\n");
		return -1;
	}
	return 0;
}

static int run(const struct opts *o, const struct ctl_req *q)
{
	struct reader rd = { .fd = -1 };
	char *req = ctl_req_format(q), *line = NULL;
	int rc = EX_CONNECT;
	size_t off = 0;

	rd.fd = req ? connect_to(o->path) : -1;
	while (rd.fd >= 0 && off < strlen(req)) {
		ssize_t n = send(rd.fd, req + off, strlen(req) - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		/* refused at connect: the daemon closed at once, but its
		 * reason is waiting to be read */
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			break;
		if (n <= 0) {
			fprintf(stderr, "tandemctl: write: %s\n", strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (rd.fd < 0)
		goto out;
	line = read_line(&rd);
	if (!line)
		fprintf(stderr, "tandemctl: no reply from tandemd\n");
	else
		rc = handle_reply(o, q, line, &rd);
out:
	if (rd.fd >= 0)
		close(rd.fd);
	free(rd.buf);
	free(line);
	free(req);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "instance", required_argument, NULL, 'i' }, { "is-master", no_argument, NULL, 'M' },
		{ "is-backup", no_argument, NULL, 'B' }, { "state", required_argument, NULL, 'S' },
		{ "all", no_argument, NULL, 'a' }, { "count", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 }
	};
	struct opts o = { .path = getenv("TANDEM_SOCKET") };
	struct ctl_req q;
	bool all = false;
	int c, rc;

	if (!o.path)
		o.path = DEFAULT_SOCKET;
	while ((c = getopt_long(argc, argv, "s:jqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.path = optarg; break;
		case 'j': o.json = true; break;
		case 'i': o.instance = optarg; break;
		case 'M': o.want_state = "MASTER"; break;
		case 'B': o.want_state = "BACKUP"; break;
		case 'S': o.want_state = optarg; break;
		case 'a': all = true; break;
		case 'c': o.count = strtol(optarg, NULL, 10); break;
		case 'q': o.quiet = true; break;
		case 'V': puts("tandemctl " PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE_;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE_;
	}
	if (build_request(argc - optind, argv + optind, &o, all, &q) < 0)
		return EX_USAGE_;
	rc = run(&o, &q);
	ctl_req_free(&q);
	return rc;
}
