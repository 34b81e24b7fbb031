/* ctl_proto.h - the control protocol's requests and replies as pure
 * functions (doc/control-protocol.md): parse a request line (JSON or the
 * plain-text form), build a reply line. Shared by tandemd and tandemctl;
 * no sockets, no daemon state. */
#ifndef TANDEM_CTL_PROTO_H
#define TANDEM_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include "daemon/control.h"

#define CTL_PROTO_VERSION 1
#define CTL_ARG_MAX 64

enum ctl_cmd {
	CTL_CMD_STATUS,
	CTL_CMD_SHOW,
	CTL_CMD_EVENTS,
	CTL_CMD_METRICS,
	CTL_CMD_COUNTERS,
	CTL_CMD_VERSION,
	CTL_CMD_RELOAD,
	CTL_CMD_HANDOFF,
	CTL_CMD_MAINTENANCE,
	CTL_CMD_TRACK,
	CTL_CMD_MAX
};

/* One vocabulary for errors: the "code" field of an error reply. */
#define CTL_E_BAD_JSON     "bad-json"
#define CTL_E_BAD_REQUEST  "bad-request"
#define CTL_E_UNKNOWN_CMD  "unknown-command"
#define CTL_E_VERSION      "unsupported-version"
#define CTL_E_TOO_LARGE    "too-large"
#define CTL_E_DENIED       "permission-denied"
#define CTL_E_NOT_FOUND    "not-found"
#define CTL_E_NOT_MASTER   "not-master"
#define CTL_E_RELOAD       "reload-refused"
#define CTL_E_STOPPING     "stopping"
#define CTL_E_INTERNAL     "internal"

struct ctl_req {
	bool json;                 /* arrived as JSON (reply in JSON) */
	json_object *id;           /* echoed in the reply; NULL if none (owned) */
	enum ctl_cmd cmd;
	char section[16];          /* show: vrrp|sync|peers|checkers|ipvs */
	char name[CTL_ARG_MAX];    /* instance / group / track name, "" = all */
	bool all;                  /* handoff --all */
	bool on;                   /* maintenance on, track ok */
};

const char *ctl_cmd_str(enum ctl_cmd c);
/* What a command needs: reading or changing. */
enum ctl_level ctl_cmd_level(enum ctl_cmd c);

/* Parse one request line (no newline). Returns 0, or -1 with an error
 * code (CTL_E_...) in *code and a message in err. req->json and req->id
 * are set as far as known even on error, so the error reply matches. */
int ctl_req_parse(const char *line, struct ctl_req *req, const char **code,
		  char *err, size_t errlen);
void ctl_req_free(struct ctl_req *req);

/* The request line tandemctl sends (JSON, ends with '\n'); malloc'd. */
char *ctl_req_format(const struct ctl_req *req);

/* A reply line (ends with '\n'), malloc'd: {"v":1,"id":..,"ok":true,
 * "data":DATA} or {"v":1,"id":..,"ok":false,"error":{"code","message"}}.
 * data is consumed. For a reload error "file:line: what", the error also
 * carries "file" and "line". */
char *ctl_reply_ok(const struct ctl_req *req, json_object *data);
char *ctl_reply_err(const struct ctl_req *req, const char *code, const char *msg);

/* "file:line: what" -> file and line; returns -1 if msg has no such form. */
int ctl_split_fileline(const char *msg, char *file, size_t filelen, int *line);

#endif
