/* commands.c - what the control socket answers (doc/control-protocol.md).
 * Each command is a row: the level it needs and a handler producing JSON
 * data or an error; the reply is then written as JSON or, for requests in
 * the plain-text form, as text. The words are those of the logs. */
#include "config.h"

#include "daemon/daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ctl_json.h"
#include "daemon/ctl_proto.h"
#include "daemon/ctl_text.h"
#include "daemon/events.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/sdnotify.h"

struct result {
	json_object *data;     /* success */
	const char *code;      /* error: CTL_E_... */
	char msg[CONF_ERR_MAX];
	bool stream;           /* events */
	char *text;            /* plain-text form, when not derived from data */
};

typedef void (*cmd_fn)(struct daemon *d, const struct ctl_req *q, struct result *res);

#define ERR(res, c, ...) do { (res)->code = (c); \
	snprintf((res)->msg, sizeof((res)->msg), __VA_ARGS__); } while (0)

static void c_status(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	res->data = ctl_json_status(d, q->name[0] ? q->name : NULL);
}

static void c_show(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	res->data = ctl_json_show(d, q->section, q->name[0] ? q->name : NULL);
	if (!res->data)
		ERR(res, CTL_E_NOT_FOUND, "%s: not available in this version", q->section);
}

static void c_events(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	res->data = json_object_new_object();
	json_object_object_add(res->data, "stream", json_object_new_string("events"));
	json_object_object_add(res->data, "seq", json_object_new_int64((int64_t)ctl_events_seq()));
	res->stream = true;
	res->text = strdup("# events follow, one per line\n");
}

static void c_metrics(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	json_object *st = ctl_json_status(d, NULL);
	size_t len = 0;
	FILE *f = open_memstream(&res->text, &len);

	if (f) {
		metrics_render(f, st);
		if (fclose(f) != 0) {
			free(res->text);
			res->text = NULL;
		}
	}
	json_object_put(st);
	if (!res->text) {
		ERR(res, CTL_E_INTERNAL, "out of memory");
		return;
	}
	res->data = json_object_new_object();
	json_object_object_add(res->data, "content_type",
			       json_object_new_string(METRICS_CONTENT_TYPE));
	json_object_object_add(res->data, "text", json_object_new_string(res->text));
}

static void c_counters(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	res->data = ctl_json_counters(d);
}

static void c_version(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	res->data = json_object_new_object();
	json_object_object_add(res->data, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(res->data, "protocol", json_object_new_int(CTL_PROTO_VERSION));
}

static void daemon_event(struct daemon *d, const char *what, bool ok, const char *detail)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, "type", json_object_new_string("daemon"));
	json_object_object_add(e, "what", json_object_new_string(what));
	json_object_object_add(e, "ok", json_object_new_boolean(ok));
	if (detail && detail[0])
		json_object_object_add(e, "detail", json_object_new_string(detail));
	ctl_event_emit(d, e);
}

/* Synchronous: the reply says whether the new configuration runs. */
static void c_reload(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	sdnotify_reloading();
	if (daemon_reload(d, res->msg, sizeof(res->msg)) < 0) {
		res->code = d->stopping ? CTL_E_STOPPING : CTL_E_RELOAD;
		daemon_event(d, "reload", false, res->msg);
	} else {
		res->data = json_object_new_object();
		json_object_object_add(res->data, "config", json_object_new_string(d->conf.path));
		res->text = strdup("ok\n");
		daemon_event(d, "reload", true, d->conf.path);
	}
	sdnotify("READY=1");
}

static struct vrrp_inst *inst_by_name(struct daemon *d, const char *name)
{
	for (struct vrrp_inst *in = d->rt.insts; in; in = in->next)
		if (!in->removing && strcmp(in->conf.name, name) == 0)
			return in;
	return NULL;
}

/* Make-before-break (vrrp_inst_handoff): the VIPs stay until the new
 * master is heard. The reply comes at once; the event stream shows the end. */
static void c_handoff(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	json_object *done = json_object_new_array();
	struct vrrp_inst *in;

	if (!q->all) {
		if (!(in = inst_by_name(d, q->name))) {
			json_object_put(done);
			ERR(res, CTL_E_NOT_FOUND, "no VRRP instance '%s'", q->name);
			return;
		}
		if (vrrp_inst_handoff(in) < 0) {
			json_object_put(done);
			ERR(res, CTL_E_NOT_MASTER, "%s is %s, not MASTER", q->name,
			    vrrp_state_str(in->fsm.state));
			return;
		}
		json_object_array_add(done, json_object_new_string(in->conf.name));
	} else {
		for (in = d->rt.insts; in; in = in->next)
			if (!in->removing && vrrp_inst_handoff(in) == 0)
				json_object_array_add(done, json_object_new_string(in->conf.name));
	}
	res->data = json_object_new_object();
	json_object_object_add(res->data, "handoff", done);
}

static void c_maintenance(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	d->rt.maintenance = q->on;
	for (struct vrrp_inst *in = d->rt.insts; in; in = in->next)
		if (!in->removing)
			vrrp_inst_maintenance(in, q->on);
	log_notice("maintenance %s", q->on ? "on: this node will not become master" : "off");
	daemon_event(d, "maintenance", true, q->on ? "on" : "off");
	res->data = json_object_new_object();
	json_object_object_add(res->data, "maintenance", json_object_new_boolean(q->on));
}

/* track NAME ok|fail: the generic track input, for operators' scripts
 * until the checkers drive it. */
static void c_track(struct daemon *d, const struct ctl_req *q, struct result *res)
{
	if (vrrp_track_set(&d->rt, q->name, q->on) < 0) {
		ERR(res, CTL_E_NOT_FOUND, "no instance tracks '%s'", q->name);
		return;
	}
	res->data = json_object_new_object();
}

static const cmd_fn handlers[CTL_CMD_MAX] = {
	[CTL_CMD_STATUS] = c_status,   [CTL_CMD_SHOW] = c_show,
	[CTL_CMD_EVENTS] = c_events,   [CTL_CMD_METRICS] = c_metrics,
	[CTL_CMD_COUNTERS] = c_counters, [CTL_CMD_VERSION] = c_version,
	[CTL_CMD_RELOAD] = c_reload,   [CTL_CMD_HANDOFF] = c_handoff,
	[CTL_CMD_MAINTENANCE] = c_maintenance, [CTL_CMD_TRACK] = c_track,
};

/* The plain-text form of a successful reply. */
static void text_reply(const struct ctl_req *q, struct result *res, struct ctl_reply *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (res->text) {
		ctl_write(r, res->text, strlen(res->text));
		return;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		r->failed = 1;
		return;
	}
	if (q->cmd == CTL_CMD_COUNTERS)
		ctl_text_counters(f, res->data);
	else if (q->cmd == CTL_CMD_STATUS || q->cmd == CTL_CMD_SHOW)
		ctl_text_data(f, res->data);
	else
		fputs("ok\n", f);
	if (fclose(f) == 0)
		ctl_write(r, buf, len);
	else
		r->failed = 1;
	free(buf);
}

static void reply(const struct ctl_req *q, struct result *res, struct ctl_reply *r)
{
	char *line;

	if (!q->json) {
		if (res->code)
			ctl_printf(r, "error: %s\n", res->msg);
		else
			text_reply(q, res, r);
		json_object_put(res->data);
		return;
	}
	if (res->code)
		json_object_put(res->data);
	line = res->code ? ctl_reply_err(q, res->code, res->msg) : ctl_reply_ok(q, res->data);
	if (line)
		ctl_write(r, line, strlen(line));
	else
		r->failed = 1;
	free(line);
}

void daemon_command(const char *line, struct ctl_reply *r, void *arg)
{
	struct daemon *d = arg;
	struct ctl_req q;
	struct result res = { 0 };

	if (ctl_req_parse(line, &q, &res.code, res.msg, sizeof(res.msg)) < 0) {
		log_debug("control: uid %u: %s", (unsigned)r->peer->uid, res.msg);
	} else if (ctl_cmd_level(q.cmd) > r->peer->level) {
		ERR(&res, CTL_E_DENIED, "permission denied: %s needs root or the admin group (uid %u)",
		    ctl_cmd_str(q.cmd), (unsigned)r->peer->uid);
		log_notice("control: uid %u pid %ld: %s refused", (unsigned)r->peer->uid,
			   (long)r->peer->pid, ctl_cmd_str(q.cmd));
	} else {
		if (ctl_cmd_level(q.cmd) == CTL_LEVEL_ADMIN)
			log_notice("control: uid %u pid %ld: %s%s%s", (unsigned)r->peer->uid,
				   (long)r->peer->pid, ctl_cmd_str(q.cmd), q.name[0] ? " " : "", q.name);
		handlers[q.cmd](d, &q, &res);
	}
	r->json = q.json;
	r->stream = !res.code && res.stream;
	reply(&q, &res, r);
	free(res.text);
	ctl_req_free(&q);
}
