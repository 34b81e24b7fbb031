/* ctl_proto.c - control protocol requests and replies (pure functions;
 * doc/control-protocol.md). A request is either a JSON object on one line
 * or the same command in words ("show vrrp web"); both become a struct
 * ctl_req, so the daemon has one dispatcher. */
#include "daemon/ctl_proto.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum ctl_level level;
} cmds[CTL_CMD_MAX] = {
	[CTL_CMD_STATUS]      = { "status",      CTL_LEVEL_READ },
	[CTL_CMD_SHOW]        = { "show",        CTL_LEVEL_READ },
	[CTL_CMD_EVENTS]      = { "events",      CTL_LEVEL_READ },
	[CTL_CMD_METRICS]     = { "metrics",     CTL_LEVEL_READ },
	[CTL_CMD_COUNTERS]    = { "counters",    CTL_LEVEL_READ },
	[CTL_CMD_VERSION]     = { "version",     CTL_LEVEL_READ },
	[CTL_CMD_RELOAD]      = { "reload",      CTL_LEVEL_ADMIN },
	[CTL_CMD_HANDOFF]     = { "handoff",     CTL_LEVEL_ADMIN },
	[CTL_CMD_MAINTENANCE] = { "maintenance", CTL_LEVEL_ADMIN },
	[CTL_CMD_TRACK]       = { "track",       CTL_LEVEL_ADMIN },
};

static const char *const sections[] = { "vrrp", "sync", "peers", "checkers", "ipvs", NULL };

const char *ctl_cmd_str(enum ctl_cmd c)
{
	return (unsigned)c < CTL_CMD_MAX ? cmds[c].name : "?";
}

enum ctl_level ctl_cmd_level(enum ctl_cmd c)
{
	return (unsigned)c < CTL_CMD_MAX ? cmds[c].level : CTL_LEVEL_ADMIN;
}

static int cmd_lookup(const char *s, enum ctl_cmd *out)
{
	for (int i = 0; i < CTL_CMD_MAX; i++)
		if (strcmp(s, cmds[i].name) == 0) {
			*out = (enum ctl_cmd)i;
			return 0;
		}
	return -1;
}

static bool section_ok(const char *s)
{
	for (int i = 0; sections[i]; i++)
		if (strcmp(s, sections[i]) == 0)
			return true;
	return false;
}

/* Names are printable words: they end up in logs and in text replies. */
static bool word_ok(const char *s)
{
	if (strlen(s) >= CTL_ARG_MAX)
		return false;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return false;
	return true;
}

#define FAIL(c, ...) do { *code = (c); snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* The per-command arguments, shared by both forms: section/name/on. */
static int check_args(struct ctl_req *r, const char *section, const char *name,
		      int on, const char **code, char *err, size_t errlen)
{
	if (name && !word_ok(name))
		FAIL(CTL_E_BAD_REQUEST, "bad name");
	if (name)
		snprintf(r->name, sizeof(r->name), "%s", name);
	switch (r->cmd) {
	case CTL_CMD_SHOW:
		if (!section || !section_ok(section))
			FAIL(CTL_E_BAD_REQUEST, "show needs a section: vrrp, sync, peers, checkers or ipvs");
		snprintf(r->section, sizeof(r->section), "%s", section);
		break;
	case CTL_CMD_MAINTENANCE:
		if (on < 0)
			FAIL(CTL_E_BAD_REQUEST, "maintenance needs on or off");
		r->on = on;
		break;
	case CTL_CMD_TRACK:
		if (!name || !name[0] || on < 0)
			FAIL(CTL_E_BAD_REQUEST, "usage: track NAME ok|fail");
		r->on = on;
		break;
	case CTL_CMD_HANDOFF:
		if (!r->name[0])
			r->all = true; /* no name: every master instance */
		break;
	default:
		break;
	}
	return 0;
}

static int on_word(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "on") || !strcmp(s, "ok"))
		return 1;
	if (!strcmp(s, "off") || !strcmp(s, "fail"))
		return 0;
	return -1;
}

/* "show vrrp web", "handoff --all", "maintenance on", "track NAME ok" */
static int parse_text(const char *line, struct ctl_req *r, const char **code,
		      char *err, size_t errlen)
{
	char w[4][CTL_ARG_MAX + 1] = { "" };
	const char *section = NULL, *name = NULL;
	int n = sscanf(line, "%64s %64s %64s %64s", w[0], w[1], w[2], w[3]);
	int on = -1;

	if (n < 1 || cmd_lookup(w[0], &r->cmd) < 0)
		FAIL(CTL_E_UNKNOWN_CMD, "unknown command '%.64s'", line);
	if (n == 4)
		FAIL(CTL_E_BAD_REQUEST, "too many arguments");
	if (r->cmd == CTL_CMD_SHOW) {
		section = n > 1 ? w[1] : NULL;
		name = n > 2 ? w[2] : NULL;
	} else if (r->cmd == CTL_CMD_MAINTENANCE) {
		on = on_word(n > 1 ? w[1] : NULL);
	} else if (r->cmd == CTL_CMD_TRACK) {
		name = n > 1 ? w[1] : NULL;
		on = on_word(n > 2 ? w[2] : NULL);
	} else if (r->cmd == CTL_CMD_HANDOFF && n > 1) {
		r->all = strcmp(w[1], "--all") == 0;
		name = r->all ? NULL : w[1];
	} else if (n > 1 && r->cmd != CTL_CMD_STATUS) {
		FAIL(CTL_E_BAD_REQUEST, "%s takes no arguments", w[0]);
	} else if (n > 1) {
		name = w[1]; /* status NAME */
	}
	return check_args(r, section, name, on, code, err, errlen);
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int jbool(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	if (!json_object_is_type(v, json_type_boolean))
		return -2;
	return json_object_get_boolean(v);
}

static int parse_json(const char *line, struct ctl_req *r, const char **code,
		      char *err, size_t errlen)
{
	json_tokener *tok = json_tokener_new_ex(16);
	json_object *o, *v;
	const char *cmd;
	int rc, on, all = -1;

	if (!tok)
		FAIL(CTL_E_INTERNAL, "out of memory");
	o = json_tokener_parse_ex(tok, line, (int)strlen(line));
	rc = json_tokener_get_error(tok) == json_tokener_success &&
	     (size_t)json_tokener_get_parse_end(tok) == strlen(line);
	json_tokener_free(tok);
	if (!rc || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		FAIL(CTL_E_BAD_JSON, "not one JSON object");
	}
	if (json_object_object_get_ex(o, "id", &v))
		r->id = json_object_get(v);
	rc = -1;
	if (json_object_object_get_ex(o, "v", &v) &&
	    (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) != CTL_PROTO_VERSION)) {
		*code = CTL_E_VERSION;
		snprintf(err, errlen, "protocol version %d only", CTL_PROTO_VERSION);
	} else if (!(cmd = jstr(o, "cmd")) || cmd_lookup(cmd, &r->cmd) < 0) {
		*code = CTL_E_UNKNOWN_CMD;
		snprintf(err, errlen, "unknown or missing \"cmd\"");
	} else if ((on = jbool(o, "on")) == -2 || (all = jbool(o, "all")) == -2) {
		*code = CTL_E_BAD_REQUEST;
		snprintf(err, errlen, "\"on\" and \"all\" are booleans");
	} else {
		r->all = all == 1;
		rc = check_args(r, jstr(o, "section"), jstr(o, "name"), on, code, err, errlen);
	}
	json_object_put(o);
	return rc;
}

int ctl_req_parse(const char *line, struct ctl_req *req, const char **code,
		  char *err, size_t errlen)
{
	memset(req, 0, sizeof(*req));
	while (*line == ' ' || *line == '\t')
		line++;
	req->json = *line == '{';
	return req->json ? parse_json(line, req, code, err, errlen)
			 : parse_text(line, req, code, err, errlen);
}

void ctl_req_free(struct ctl_req *req)
{
	json_object_put(req->id);
	req->id = NULL;
}

char *ctl_req_format(const struct ctl_req *req)
{
	json_object *o = json_object_new_object();
	char *s;

	json_object_object_add(o, "v", json_object_new_int(CTL_PROTO_VERSION));
	json_object_object_add(o, "cmd", json_object_new_string(ctl_cmd_str(req->cmd)));
	if (req->section[0])
		json_object_object_add(o, "section", json_object_new_string(req->section));
	if (req->name[0])
		json_object_object_add(o, "name", json_object_new_string(req->name));
	if (req->cmd == CTL_CMD_HANDOFF && req->all)
		json_object_object_add(o, "all", json_object_new_boolean(1));
	if (req->cmd == CTL_CMD_MAINTENANCE || req->cmd == CTL_CMD_TRACK)
		json_object_object_add(o, "on", json_object_new_boolean(req->on));
	if (asprintf(&s, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		s = NULL;
	json_object_put(o);
	return s;
}

static char *reply(const struct ctl_req *req, json_object *body)
{
	json_object *o = json_object_new_object();
	char *s;

	json_object_object_add(o, "v", json_object_new_int(CTL_PROTO_VERSION));
	if (req && req->id)
		json_object_object_add(o, "id", json_object_get(req->id));
	json_object_object_foreach(body, k, v)
		json_object_object_add(o, k, json_object_get(v));
	json_object_put(body);
	if (asprintf(&s, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		s = NULL;
	json_object_put(o);
	return s;
}

char *ctl_reply_ok(const struct ctl_req *req, json_object *data)
{
	json_object *b = json_object_new_object();

	json_object_object_add(b, "ok", json_object_new_boolean(1));
	json_object_object_add(b, "data", data ? data : json_object_new_object());
	return reply(req, b);
}

char *ctl_reply_err(const struct ctl_req *req, const char *code, const char *msg)
{
	json_object *b = json_object_new_object(), *e = json_object_new_object();
	char file[256];
	int line;

	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	if (strcmp(code, CTL_E_RELOAD) == 0 &&
	    ctl_split_fileline(msg, file, sizeof(file), &line) == 0) {
		json_object_object_add(e, "file", json_object_new_string(file));
		json_object_object_add(e, "line", json_object_new_int(line));
	}
	json_object_object_add(b, "ok", json_object_new_boolean(0));
	json_object_object_add(b, "error", e);
	return reply(req, b);
}

int ctl_split_fileline(const char *msg, char *file, size_t filelen, int *line)
{
	const char *p = msg;

	/* the first ":DIGITS:" ends the file name */
	for (; (p = strchr(p, ':')); p++) {
		const char *q = p + 1;
		long n = 0;

		while (isdigit((unsigned char)*q) && n < 100000000)
			n = n * 10 + (*q++ - '0');
		if (q > p + 1 && *q == ':' && p > msg && (size_t)(p - msg) < filelen) {
			memcpy(file, msg, (size_t)(p - msg));
			file[p - msg] = '\0';
			*line = (int)n;
			return 0;
		}
	}
	return -1;
}
