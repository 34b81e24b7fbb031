/* chk_http_parse.c - a minimal HTTP/1.x response reader for health checks
 * (RFC 9112 §4 status line, §6.3 message body length): the status code,
 * Content-Length, and the body for a substring test. We send HTTP/1.0
 * requests, so a conforming server answers without chunked encoding and
 * the body otherwise ends when the connection closes. */
#include "checkers/chk_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static enum chk_http_parse bad(struct chk_http_resp *out, const char *why)
{
	out->error = why;
	return CHK_HTTP_BAD;
}

/* "HTTP/1.1 200 OK": the version, one space, three digits, then a space or
 * the end of the line (the reason phrase may be empty). */
static int parse_status_line(const char *p, size_t len, int *status)
{
	if (len < 12 || memcmp(p, "HTTP/1.", 7) || (p[7] != '0' && p[7] != '1') || p[8] != ' ')
		return -1;
	if (p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' ||
	    p[11] > '9')
		return -1;
	if (len > 12 && p[12] != ' ' && p[12] != '\r')
		return -1;
	*status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	return 0;
}

/* Content-Length value: digits with optional surrounding blanks. */
static long long parse_length(const char *v, const char *end)
{
	long long n = 0;
	bool digits = false;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	for (; v < end && *v >= '0' && *v <= '9'; v++) {
		if (n > (1LL << 40))
			return -2;
		n = n * 10 + (*v - '0');
		digits = true;
	}
	while (v < end && (*v == ' ' || *v == '\t' || *v == '\r'))
		v++;
	return digits && v == end ? n : -2;
}

/* Header lines between the status line and the blank line. Returns -1 on a
 * malformed Content-Length. */
static int parse_headers(const char *p, const char *end, struct chk_http_resp *out)
{
	static const char cl[] = "content-length:";

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) >= sizeof(cl) - 1 && !strncasecmp(p, cl, sizeof(cl) - 1)) {
			long long n = parse_length(p + sizeof(cl) - 1, eol);

			if (n < 0 || (out->content_length >= 0 && out->content_length != n))
				return -1;
			out->content_length = n;
		}
		p = eol + 1;
	}
	return 0;
}

/* The blank line ending the header block: "\r\n\r\n", or "\n\n" from
 * sloppy servers (RFC 9112 §2.2 lets a recipient accept a bare LF). */
static const char *find_header_end(const char *buf, size_t len, size_t *skip)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n') {
			*skip = 2;
			return buf + i;
		}
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
			*skip = 3;
			return buf + i;
		}
	}
	return NULL;
}

enum chk_http_parse chk_http_parse(const char *buf, size_t len, bool eof, bool no_body,
				   struct chk_http_resp *out)
{
	const char *hend, *line_end;
	size_t skip, have;

	memset(out, 0, sizeof(*out));
	out->content_length = -1;
	if (len == 0 && eof)
		return bad(out, "connection closed without an answer");
	line_end = memchr(buf, '\n', len);
	if ((line_end || eof) &&
	    parse_status_line(buf, line_end ? (size_t)(line_end - buf) : len, &out->status) < 0)
		return bad(out, "malformed status line");
	hend = find_header_end(buf, len, &skip);
	if (!hend)
		return eof ? bad(out, "connection closed inside the headers") : CHK_HTTP_MORE;
	if (parse_headers(line_end + 1, hend + 1, out) < 0)
		return bad(out, "malformed Content-Length");
	out->body = hend + skip;
	have = len - (size_t)(out->body - buf);
	out->body_len = have;
	/* RFC 9112 §6.3: no body after HEAD, 1xx, 204 and 304 */
	if (no_body || out->status < 200 || out->status == 204 || out->status == 304) {
		out->body_len = 0;
		return CHK_HTTP_DONE;
	}
	if (out->content_length >= 0 && have >= (unsigned long long)out->content_length) {
		out->body_len = (size_t)out->content_length;
		return CHK_HTTP_DONE;
	}
	if (eof)
		return out->content_length >= 0 ? bad(out, "connection closed inside the body")
						: CHK_HTTP_DONE;
	return CHK_HTTP_MORE;
}

enum chk_result chk_http_eval(const struct conf_chk_http *h, const struct chk_http_resp *r,
			      char *why, size_t len)
{
	bool status_ok = false;
	size_t blen = strlen(h->body);
	uint32_t i;

	for (i = 0; i < h->n_expect; i++)
		status_ok |= h->expect[i] == (uint32_t)r->status;
	if (!status_ok) {
		snprintf(why, len, "HTTP %d", r->status);
		return CHK_DOWN;
	}
	if (blen && !memmem(r->body, r->body_len, h->body, blen)) {
		snprintf(why, len, "HTTP %d, body lacks '%s'", r->status, h->body);
		return CHK_DOWN;
	}
	snprintf(why, len, "HTTP %d", r->status);
	return CHK_UP;
}
