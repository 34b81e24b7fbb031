/* chk_haproxy_parse.c - HAProxy's answer to "show info;show stat" on its
 * stats socket (HAProxy management guide §9.3): `show info` is "Key: value"
 * lines, `show stat` a CSV whose first line "# pxname,svname,..." names the
 * columns. Columns are found by name, not position, since HAProxy versions
 * append columns. Each command's output ends with an empty line. */
#include "checkers/chk_parse.h"

#include <stdio.h>
#include <string.h>

void chk_haproxy_init(struct chk_haproxy_parser *p, const char *frontend, const char *backend)
{
	memset(p, 0, sizeof(*p));
	p->frontend = frontend;
	p->backend = backend;
	p->col_px = p->col_sv = p->col_status = -1;
}

/* Field i of a CSV line (HAProxy never quotes), as pointer + length. */
static bool csv_field(const char *line, size_t len, int i, const char **f, size_t *flen)
{
	const char *p = line, *end = line + len, *comma;

	for (; i > 0; i--) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (!comma)
			return false;
		p = comma + 1;
	}
	comma = memchr(p, ',', (size_t)(end - p));
	*f = p;
	*flen = comma ? (size_t)(comma - p) : (size_t)(end - p);
	return true;
}

static bool field_is(const char *f, size_t flen, const char *s)
{
	return flen == strlen(s) && !memcmp(f, s, flen);
}

static void csv_header(struct chk_haproxy_parser *p, const char *line, size_t len)
{
	const char *f;
	size_t flen;
	int i;

	line += 2; /* "# " */
	len -= 2;
	for (i = 0; csv_field(line, len, i, &f, &flen); i++) {
		if (field_is(f, flen, "pxname"))
			p->col_px = i;
		else if (field_is(f, flen, "svname"))
			p->col_sv = i;
		else if (field_is(f, flen, "status"))
			p->col_status = i;
	}
	p->st.csv = true;
	if (p->col_px < 0 || p->col_sv < 0 || p->col_status < 0)
		p->st.error = "show stat header lacks pxname, svname or status";
}

bool chk_haproxy_server_up(const char *status)
{
	return !strncmp(status, "UP", 2) || !strcmp(status, "no check");
}

static void copy_field(char *dst, size_t size, const char *f, size_t flen)
{
	if (flen >= size)
		flen = size - 1;
	memcpy(dst, f, flen);
	dst[flen] = '\0';
}

static void csv_row(struct chk_haproxy_parser *p, const char *line, size_t len)
{
	struct chk_haproxy_stat *st = &p->st;
	const char *px, *sv, *status;
	size_t pxl, svl, stl;
	char buf[16];

	if (!csv_field(line, len, p->col_px, &px, &pxl) ||
	    !csv_field(line, len, p->col_sv, &sv, &svl) ||
	    !csv_field(line, len, p->col_status, &status, &stl)) {
		st->error = "show stat row with too few columns";
		return;
	}
	if (p->frontend[0] && field_is(px, pxl, p->frontend) && field_is(sv, svl, "FRONTEND")) {
		st->fe_found = true;
		copy_field(st->fe_status, sizeof(st->fe_status), status, stl);
	}
	if (!p->backend[0] || !field_is(px, pxl, p->backend))
		return;
	if (field_is(sv, svl, "BACKEND")) {
		st->be_found = true;
		copy_field(st->be_status, sizeof(st->be_status), status, stl);
	} else if (!field_is(sv, svl, "FRONTEND")) {
		st->be_servers++;
		copy_field(buf, sizeof(buf), status, stl);
		st->be_up += chk_haproxy_server_up(buf);
	}
}

void chk_haproxy_line(struct chk_haproxy_parser *p, const char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		len--;
	if (p->st.error || len == 0)
		return;
	if (len >= 2 && line[0] == '#' && line[1] == ' ') { /* "# pxname,svname,..." */
		csv_header(p, line, len);
		return;
	}
	if (p->st.csv) {
		csv_row(p, line, len);
		return;
	}
	if (len == 13 && !memcmp(line, "Name: HAProxy", 13))
		p->st.info = true;
	else if (!memchr(line, ':', len))
		p->st.error = "unexpected answer (not HAProxy's show info / show stat)";
}

void chk_haproxy_parse(struct chk_haproxy_parser *p, const char *buf, size_t len)
{
	const char *end = buf + len;

	while (buf < end) {
		const char *nl = memchr(buf, '\n', (size_t)(end - buf));
		size_t n = nl ? (size_t)(nl - buf) : (size_t)(end - buf);

		chk_haproxy_line(p, buf, n);
		buf += n + 1;
	}
}

enum chk_result chk_haproxy_eval(const struct conf_chk_haproxy *h,
				 const struct chk_haproxy_stat *s, char *why, size_t len)
{
	if (s->error) {
		snprintf(why, len, "%s", s->error);
		return CHK_ERROR;
	}
	if (!s->info || !s->csv) {
		snprintf(why, len, "incomplete answer (show info %s, show stat %s)",
			 s->info ? "ok" : "missing", s->csv ? "ok" : "missing");
		return CHK_ERROR;
	}
	if (h->frontend[0] && !s->fe_found) {
		snprintf(why, len, "frontend %s not found", h->frontend);
		return CHK_DOWN;
	}
	if (h->frontend[0] && strcmp(s->fe_status, "OPEN")) {
		snprintf(why, len, "frontend %s is %s", h->frontend, s->fe_status);
		return CHK_DOWN;
	}
	if (h->backend[0] && !s->be_found) {
		snprintf(why, len, "backend %s not found", h->backend);
		return CHK_DOWN;
	}
	if (h->backend[0] && s->be_up < h->min_up) {
		snprintf(why, len, "backend %s: %u of %u servers up, %u needed", h->backend,
			 s->be_up, s->be_servers, h->min_up);
		return CHK_DOWN;
	}
	if (h->backend[0])
		snprintf(why, len, "backend %s: %u of %u servers up", h->backend, s->be_up,
			 s->be_servers);
	else
		snprintf(why, len, "HAProxy answers");
	return CHK_UP;
}
