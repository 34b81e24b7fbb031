/* chk_parse.h - the pure parts of the checkers: reading an HTTP response,
 * HAProxy's `show info` / `show stat` output and a script's exit status,
 * and judging them against the configuration. No I/O; unit-tested. */
#ifndef TANDEM_CHK_PARSE_H
#define TANDEM_CHK_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "checkers/chk.h"

/* ---- HTTP/1.0 response (chk_http_parse.c) ---- */

enum chk_http_parse { CHK_HTTP_MORE, CHK_HTTP_DONE, CHK_HTTP_BAD };

struct chk_http_resp {
	int status;                /* 100..599 */
	long long content_length;  /* -1 when absent */
	const char *body;          /* into the buffer */
	size_t body_len;           /* capped at content_length */
	const char *error;         /* CHK_HTTP_BAD: why */
};

/* buf holds everything received so far; eof = the peer closed. no_body for
 * HEAD requests (and 1xx/204/304 answers, detected here): done after the
 * headers. DONE once the body is complete (Content-Length reached or eof). */
enum chk_http_parse chk_http_parse(const char *buf, size_t len, bool eof, bool no_body,
				   struct chk_http_resp *out);

/* Status among h->expect, body containing h->body. UP or DOWN; why says
 * which ("HTTP 503", "body lacks 'ok'"). */
enum chk_result chk_http_eval(const struct conf_chk_http *h, const struct chk_http_resp *r,
			      char *why, size_t len);

/* ---- HAProxy stats socket (chk_haproxy_parse.c) ---- */

struct chk_haproxy_stat {
	bool info;                 /* `show info` answered: "Name: HAProxy" */
	bool csv;                  /* `show stat` header seen */
	bool fe_found, be_found;
	char fe_status[16], be_status[16];
	unsigned be_servers, be_up;
	const char *error;         /* malformed output */
};

/* Fed line by line (no '\n'), so the output of a big configuration never
 * has to be held whole. */
struct chk_haproxy_parser {
	const char *frontend, *backend;   /* "" = not looked for */
	int col_px, col_sv, col_status;
	struct chk_haproxy_stat st;
};

void chk_haproxy_init(struct chk_haproxy_parser *p, const char *frontend, const char *backend);
void chk_haproxy_line(struct chk_haproxy_parser *p, const char *line, size_t len);
/* All of buf, split on '\n' (tests, small outputs). */
void chk_haproxy_parse(struct chk_haproxy_parser *p, const char *buf, size_t len);
enum chk_result chk_haproxy_eval(const struct conf_chk_haproxy *h,
				 const struct chk_haproxy_stat *s, char *why, size_t len);
/* A server row's status counts as up: "UP", "UP 1/3" (going down but still
 * serving), "no check" (HAProxy sends it traffic). */
bool chk_haproxy_server_up(const char *status);

/* ---- script exit (chk_script.c) ---- */

/* From waitid(): code CLD_EXITED/KILLED/DUMPED and status. 0 = UP,
 * 1..125 = DOWN, 126..255 = ERROR (shell convention: cannot execute, not
 * found, killed), killed by a signal = ERROR. */
enum chk_result chk_script_status(int code, int status, char *why, size_t len);

/* ---- PostgreSQL answer (chk_pgsql.c) ---- */

/* Judges one row of the role query: in_recovery "t"/"f", lag (NULL = "")
 * and the timeline; fills role, lag and timeline into st. */
enum chk_result chk_pgsql_eval(const struct conf_chk_pgsql *p, const char *in_recovery,
			       const char *lag, const char *timeline, struct chk_state *st,
			       char *why, size_t len);

#endif
