/* test_checkers.c - the pure parts of the checkers, as tables: the HTTP
 * response reader and verdict, HAProxy's show info / show stat (a real
 * capture from HAProxy 2.6.12, Debian 12), script exit codes, the
 * PostgreSQL verdict, the rise/fall state machine and the first-run jitter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "checkers/chk.h"
#include "checkers/chk_parse.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))
#define S(lit) lit, sizeof(lit) - 1 /* a literal and its length, by the compiler */

/* ---- HTTP ---- */

struct http_row {
	const char *buf;
	size_t len;
	bool eof, no_body;
	enum chk_http_parse want;
	int status;
	long long clen;
	const char *body;  /* NULL: not compared */
};

static const struct http_row http_rows[] = {
	{ S("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"), false, false, CHK_HTTP_DONE, 200, 2, "ok" },
	/* extra bytes after Content-Length are not body */
	{ S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokXX"), false, false, CHK_HTTP_DONE, 200, 2, "ok" },
	{ S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok"), false, false, CHK_HTTP_MORE, 0, 0, NULL },
	{ S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok"), true, false, CHK_HTTP_BAD, 0, 0, NULL },
	/* no length: the body ends with the connection (HTTP/1.0) */
	{ S("HTTP/1.0 503 Service Unavailable\r\nServer: x\r\n\r\nreplica"), false, false, CHK_HTTP_MORE, 0, 0, NULL },
	{ S("HTTP/1.0 503 Service Unavailable\r\nServer: x\r\n\r\nreplica"), true, false, CHK_HTTP_DONE, 503, -1, "replica" },
	/* case-insensitive header name, blanks around the value */
	{ S("HTTP/1.1 204 No Content\r\ncontent-LENGTH:  0 \r\n\r\n"), false, false, CHK_HTTP_DONE, 204, 0, "" },
	/* bare LF line ends, empty reason phrase */
	{ S("HTTP/1.0 200\nContent-Length: 1\n\nx"), false, false, CHK_HTTP_DONE, 200, 1, "x" },
	/* HEAD: done after the headers whatever Content-Length says */
	{ S("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"), false, true, CHK_HTTP_DONE, 200, 100, "" },
	{ S("HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n"), false, false, CHK_HTTP_DONE, 304, 100, "" },
	/* incomplete headers */
	{ S("HTTP/1.1 200 OK\r\nContent-Le"), false, false, CHK_HTTP_MORE, 0, 0, NULL },
	{ S("HTTP/1.1 200 OK\r\nContent-Le"), true, false, CHK_HTTP_BAD, 0, 0, NULL },
	{ S("HTTP/1.1 2"), false, false, CHK_HTTP_MORE, 0, 0, NULL },
	{ S(""), true, false, CHK_HTTP_BAD, 0, 0, NULL },
	/* malformed */
	{ S("SSH-2.0-OpenSSH_9.2\r\n"), false, false, CHK_HTTP_BAD, 0, 0, NULL },
	{ S("HTTP/2 200\r\n\r\n"), false, false, CHK_HTTP_BAD, 0, 0, NULL },
	{ S("HTTP/1.1 20 OK\r\n\r\n"), false, false, CHK_HTTP_BAD, 0, 0, NULL },
	{ S("HTTP/1.1 2000 OK\r\n\r\n"), false, false, CHK_HTTP_BAD, 0, 0, NULL },
	{ S("HTTP/1.1 600 OK\r\n\r\n"), false, false, CHK_HTTP_BAD, 0, 0, NULL },
	{ S("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n"), false, false, CHK_HTTP_BAD, 0, 0, NULL },
	{ S("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"), false, false, CHK_HTTP_BAD, 0, 0, NULL },
};

static void test_http_parse(void **state)
{
	for (size_t i = 0; i < N(http_rows); i++) {
		const struct http_row *r = &http_rows[i];
		struct chk_http_resp out;
		enum chk_http_parse got = chk_http_parse(r->buf, r->len, r->eof, r->no_body, &out);

		if (got != r->want)
			fail_msg("row %zu: got %d want %d (%s)", i, got, r->want,
				 out.error ? out.error : "");
		if (got == CHK_HTTP_BAD) {
			assert_non_null(out.error);
			continue;
		}
		if (got != CHK_HTTP_DONE)
			continue;
		assert_int_equal(out.status, r->status);
		assert_int_equal(out.content_length, r->clen);
		if (r->body) {
			assert_int_equal(out.body_len, strlen(r->body));
			assert_memory_equal(out.body, r->body, out.body_len);
		}
	}
}

static void test_http_eval(void **state)
{
	struct conf_chk_http h = { .expect = { 200, 204 }, .n_expect = 2 };
	struct chk_http_resp r = { .status = 200, .body = "role: replica", .body_len = 13 };
	char why[CHK_REASON_MAX];

	assert_int_equal(chk_http_eval(&h, &r, why, sizeof(why)), CHK_UP);
	assert_string_equal(why, "HTTP 200");
	r.status = 503;
	assert_int_equal(chk_http_eval(&h, &r, why, sizeof(why)), CHK_DOWN);
	assert_string_equal(why, "HTTP 503");
	r.status = 204;
	strcpy(h.body, "replica");
	assert_int_equal(chk_http_eval(&h, &r, why, sizeof(why)), CHK_UP);
	strcpy(h.body, "primary");
	assert_int_equal(chk_http_eval(&h, &r, why, sizeof(why)), CHK_DOWN);
	assert_string_equal(why, "HTTP 204, body lacks 'primary'");
	/* the body is a length, not a C string: no match past its end */
	strcpy(h.body, "replica");
	r.body_len = 12;
	assert_int_equal(chk_http_eval(&h, &r, why, sizeof(why)), CHK_DOWN);
}

/* ---- HAProxy ---- */

/* `printf 'show info;show stat\n' | socat - UNIX:admin.sock` from HAProxy
 * 2.6.12 (Debian 12): frontend http-in; backend app with s1 UP (L7OK),
 * s2 DOWN (connection refused), s3 without checks ("no check"). */
static const char haproxy_capture[] =
	"Name: HAProxy\n"
	"Version: 2.6.12-1+deb12u4\n"
	"Release_date: 2026/10/17\n"
	"Nbthread: 2\n"
	"Nbproc: 1\n"
	"Process_num: 1\n"
	"Pid: 9614\n"
	"Uptime: 0d 0h00m01s\n"
	"Uptime_sec: 1\n"
	"Memmax_MB: 0\n"
	"PoolAlloc_MB: 0\n"
	"PoolUsed_MB: 0\n"
	"PoolFailed: 0\n"
	"Ulimit-n: 20000\n"
	"Maxsock: 20000\n"
	"Maxconn: 9985\n"
	"Hard_maxconn: 9985\n"
	"CurrConns: 0\n"
	"CumConns: 18\n"
	"CumReq: 1\n"
	"MaxSslConns: 0\n"
	"CurrSslConns: 0\n"
	"CumSslConns: 0\n"
	"Maxpipes: 0\n"
	"PipesUsed: 0\n"
	"PipesFree: 0\n"
	"ConnRate: 0\n"
	"ConnRateLimit: 0\n"
	"MaxConnRate: 0\n"
	"SessRate: 0\n"
	"SessRateLimit: 0\n"
	"MaxSessRate: 0\n"
	"SslRate: 0\n"
	"SslRateLimit: 0\n"
	"MaxSslRate: 0\n"
	"SslFrontendKeyRate: 0\n"
	"SslFrontendMaxKeyRate: 0\n"
	"SslFrontendSessionReuse_pct: 0\n"
	"SslBackendKeyRate: 0\n"
	"SslBackendMaxKeyRate: 0\n"
	"SslCacheLookups: 0\n"
	"SslCacheMisses: 0\n"
	"CompressBpsIn: 0\n"
	"CompressBpsOut: 0\n"
	"CompressBpsRateLim: 0\n"
	"Tasks: 15\n"
	"Run_queue: 0\n"
	"Idle_pct: 100\n"
	"node: vm\n"
	"Stopping: 0\n"
	"Jobs: 3\n"
	"Unstoppable Jobs: 0\n"
	"Listeners: 2\n"
	"ActivePeers: 0\n"
	"ConnectedPeers: 0\n"
	"DroppedLogs: 0\n"
	"BusyPolling: 0\n"
	"FailedResolutions: 0\n"
	"TotalBytesOut: 144\n"
	"TotalSplicdedBytesOut: 0\n"
	"BytesOutRate: 160\n"
	"DebugCommandsIssued: 0\n"
	"CumRecvLogs: 0\n"
	"Build info: 2.6.12-1+deb12u4\n"
	"Memmax_bytes: 0\n"
	"PoolAlloc_bytes: 105600\n"
	"PoolUsed_bytes: 105600\n"
	"Start_time_sec: 1795316959\n"
	"Tainted: 0\n"
	"\n"
	"# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,"
	"wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,"
	"throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,"
	"check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,"
	"req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,"
	"lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,"
	"agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,"
	"agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,"
	"intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,"
	"qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,"
	"need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-,"
	"ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,"
	"h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,"
	"h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,"
	"h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,"
	"h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,"
	"h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,\n"
	"http-in,FRONTEND,,,0,0,9985,0,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,0,,,,0,0,0,0,0,"
	"0,,0,0,0,,,0,0,0,0,,,,,,,,,,,,,,,,,,,,,http,,0,0,0,0,0,0,0,,,0,0,,,,,,,0,,,,,,,,,-,0,0,"
	"0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,\n"
	"app,s1,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,1,1,0,1,1,2,0,,1,3,1,,0,,2,0,,0,L7OK,200,1,0,0,0,0,"
	"0,0,,,,0,0,0,,,,,-1,,,0,0,0,0,,,,Layer7 check passed,,2,3,4,,,,127.0.0.1:18081,,http,,,,"
	",,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,\n"
	"app,s2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1,1,0,1,1,2,2,,1,3,2,,0,,2,0,,0,L4CON,,0,0,0,0,0,"
	"0,0,,,,0,0,0,,,,,-1,Connection refused,,0,0,0,0,,,,Layer4 connection problem,,2,3,0,,,,"
	"127.0.0.1:18082,,http,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,"
	",,,,\n"
	"app,s3,0,0,0,0,,0,0,0,,0,,0,0,0,0,no check,1,1,0,,,2,,,1,3,3,,0,,2,0,,0,,,,0,0,0,0,0,0,,"
	",,0,0,0,,,,,-1,,,0,0,0,0,,,,,,,,,,,,127.0.0.1:18083,,http,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,"
	"0,0,0,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,\n"
	"app,BACKEND,0,0,0,0,999,0,0,0,0,0,,0,0,0,0,UP,2,2,0,,0,2,0,,1,3,0,,0,,1,0,,0,,,,0,0,0,0,"
	"0,0,,,,0,0,0,0,0,0,0,-1,,,0,0,0,0,,,,,,,,,,,,,,http,roundrobin,,,,,,,0,0,0,0,0,,,0,0,0,"
	"0,0,,,,,2,0,0,0,-,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,17,17,2935,144,0,0,\n"
	"\n"
;

static enum chk_result haproxy_verdict(const char *text, size_t len, const char *fe,
				       const char *be, uint32_t min_up, char *why, size_t wlen)
{
	struct conf_chk_haproxy h = { .min_up = min_up };
	struct chk_haproxy_parser p;

	snprintf(h.frontend, sizeof(h.frontend), "%s", fe);
	snprintf(h.backend, sizeof(h.backend), "%s", be);
	chk_haproxy_init(&p, h.frontend, h.backend);
	chk_haproxy_parse(&p, text, len);
	return chk_haproxy_eval(&h, &p.st, why, wlen);
}

static void test_haproxy_capture(void **state)
{
	struct chk_haproxy_parser p;
	char why[CHK_REASON_MAX];
	const char *t = haproxy_capture;
	size_t n = sizeof(haproxy_capture) - 1;

	chk_haproxy_init(&p, "http-in", "app");
	chk_haproxy_parse(&p, t, n);
	assert_null(p.st.error);
	assert_true(p.st.info);
	assert_true(p.st.csv);
	assert_true(p.st.fe_found);
	assert_string_equal(p.st.fe_status, "OPEN");
	assert_true(p.st.be_found);
	assert_string_equal(p.st.be_status, "UP");
	assert_int_equal(p.st.be_servers, 3);
	assert_int_equal(p.st.be_up, 2); /* s1 UP, s3 no check */

	assert_int_equal(haproxy_verdict(t, n, "http-in", "app", 2, why, sizeof(why)), CHK_UP);
	assert_string_equal(why, "backend app: 2 of 3 servers up");
	assert_int_equal(haproxy_verdict(t, n, "http-in", "app", 3, why, sizeof(why)), CHK_DOWN);
	assert_string_equal(why, "backend app: 2 of 3 servers up, 3 needed");
	assert_int_equal(haproxy_verdict(t, n, "", "", 1, why, sizeof(why)), CHK_UP);
	assert_int_equal(haproxy_verdict(t, n, "https-in", "", 1, why, sizeof(why)), CHK_DOWN);
	assert_string_equal(why, "frontend https-in not found");
	assert_int_equal(haproxy_verdict(t, n, "", "db", 1, why, sizeof(why)), CHK_DOWN);
	assert_string_equal(why, "backend db not found");
	/* a frontend name is not a backend */
	assert_int_equal(haproxy_verdict(t, n, "", "http-in", 1, why, sizeof(why)), CHK_DOWN);
}

static void test_haproxy_odd(void **state)
{
	static const char stopped[] =
		"Name: HAProxy\n\n# pxname,svname,status,weight\n"
		"web,FRONTEND,STOP,\nweb,BACKEND,DOWN,0\nweb,a,DOWN 1/2,1\nweb,b,MAINT,1\n"
		"web,c,UP 1/3,1\nweb,d,NOLB,1\nweb,e,DRAIN,1\n\n";
	/* columns found by name, whatever their position */
	static const char moved[] =
		"Name: HAProxy\r\n\r\n# status,svname,pxname\r\nOPEN,FRONTEND,web\r\n";
	char why[CHK_REASON_MAX];

	assert_int_equal(haproxy_verdict(S(stopped), "web", "", 1, why, sizeof(why)), CHK_DOWN);
	assert_string_equal(why, "frontend web is STOP");
	assert_int_equal(haproxy_verdict(S(stopped), "", "web", 1, why, sizeof(why)), CHK_UP);
	assert_string_equal(why, "backend web: 1 of 5 servers up");
	assert_int_equal(haproxy_verdict(S(stopped), "", "web", 2, why, sizeof(why)), CHK_DOWN);
	assert_int_equal(haproxy_verdict(S(stopped), "", "web", 0, why, sizeof(why)), CHK_UP);
	assert_int_equal(haproxy_verdict(S(moved), "web", "", 1, why, sizeof(why)), CHK_UP);
	/* not HAProxy, or HAProxy refusing the command */
	assert_int_equal(haproxy_verdict(S("Unknown command.\n"), "", "", 1, why, sizeof(why)),
			 CHK_ERROR);
	assert_int_equal(haproxy_verdict(S("Permission denied\n"), "", "", 1, why, sizeof(why)),
			 CHK_ERROR);
	/* cut short: show stat missing */
	assert_int_equal(haproxy_verdict(S("Name: HAProxy\nVersion: 2.6\n"), "", "", 1, why,
					 sizeof(why)), CHK_ERROR);
	assert_string_equal(why, "incomplete answer (show info ok, show stat missing)");
	assert_int_equal(haproxy_verdict(S("Name: HAProxy\n\n# pxname,svname\n"), "", "", 1,
					 why, sizeof(why)), CHK_ERROR);
	assert_true(chk_haproxy_server_up("UP"));
	assert_true(chk_haproxy_server_up("no check"));
	assert_false(chk_haproxy_server_up("DOWN 1/2"));
	assert_false(chk_haproxy_server_up("MAINT (via x/y)"));
}

/* ---- script ---- */

static void test_script_status(void **state)
{
	static const struct {
		int code, status;
		enum chk_result want;
		const char *why;
	} rows[] = {
		{ CLD_EXITED, 0, CHK_UP, "exit 0" },
		{ CLD_EXITED, 1, CHK_DOWN, "exit 1" },
		{ CLD_EXITED, 125, CHK_DOWN, "exit 125" },
		{ CLD_EXITED, 126, CHK_ERROR, "exit 126" },
		{ CLD_EXITED, 127, CHK_ERROR, "exit 127" },
		{ CLD_EXITED, 255, CHK_ERROR, "exit 255" },
		{ CLD_KILLED, SIGKILL, CHK_ERROR, "killed by signal 9 (Killed)" },
		{ CLD_DUMPED, SIGSEGV, CHK_ERROR, "killed by signal 11 (Segmentation fault)" },
	};
	char why[CHK_REASON_MAX];

	for (size_t i = 0; i < N(rows); i++) {
		assert_int_equal(chk_script_status(rows[i].code, rows[i].status, why, sizeof(why)),
				 rows[i].want);
		assert_string_equal(why, rows[i].why);
	}
}

/* ---- PostgreSQL ---- */

static void test_pgsql_eval(void **state)
{
	static const struct {
		enum conf_pg_role role;
		bool has_max;
		uint64_t max;
		const char *rec, *lag, *tli;
		enum chk_result want;
		enum chk_role got_role;
		const char *why;
	} rows[] = {
		{ CONF_PG_ANY, false, 0, "f", "", "1", CHK_UP, CHK_ROLE_PRIMARY, "primary, timeline 1" },
		{ CONF_PG_ANY, false, 0, "t", "0", "1", CHK_UP, CHK_ROLE_REPLICA,
		  "replica, timeline 1, lag 0 bytes" },
		{ CONF_PG_PRIMARY, false, 0, "t", "0", "2", CHK_DOWN, CHK_ROLE_REPLICA,
		  "replica, primary required" },
		{ CONF_PG_REPLICA, false, 0, "f", "", "2", CHK_DOWN, CHK_ROLE_PRIMARY,
		  "primary, replica required" },
		{ CONF_PG_REPLICA, true, 1000, "t", "1000", "3", CHK_UP, CHK_ROLE_REPLICA,
		  "replica, timeline 3, lag 1000 bytes" },
		{ CONF_PG_REPLICA, true, 1000, "t", "1001", "3", CHK_DOWN, CHK_ROLE_REPLICA,
		  "replica, lag 1001 bytes > 1000" },
		{ CONF_PG_ANY, true, 1000, "t", "", "3", CHK_DOWN, CHK_ROLE_REPLICA,
		  "replica, lag unknown (no WAL received)" },
		/* the bound is for replicas; a primary has no lag */
		{ CONF_PG_ANY, true, 0, "f", "", "4", CHK_UP, CHK_ROLE_PRIMARY, "primary, timeline 4" },
		{ CONF_PG_ANY, false, 0, "t", "99999999999", "1", CHK_UP, CHK_ROLE_REPLICA,
		  "replica, timeline 1, lag 99999999999 bytes" },
	};
	char why[CHK_REASON_MAX];

	for (size_t i = 0; i < N(rows); i++) {
		struct conf_chk_pgsql p = { .role = rows[i].role, .has_max_lag = rows[i].has_max,
					    .max_lag_bytes = rows[i].max };
		struct chk_state st = { 0 };

		assert_int_equal(chk_pgsql_eval(&p, rows[i].rec, rows[i].lag, rows[i].tli, &st,
						why, sizeof(why)), rows[i].want);
		assert_string_equal(why, rows[i].why);
		assert_int_equal(st.role, rows[i].got_role);
		assert_int_equal(st.timeline, strtoul(rows[i].tli, NULL, 10));
	}
}

/* ---- rise / fall ---- */

#define U CHK_UP
#define D CHK_DOWN
#define T CHK_TIMEOUT
#define E CHK_ERROR
#define Q CHK_UNKNOWN

/* A sequence of results and the state after each ('?' UNKNOWN, 'U', 'D'). */
static const struct {
	uint32_t rise, fall;
	enum chk_result in[10];
	const char *states;
} fsm_rows[] = {
	{ 2, 2, { U, U, D, U, D, D, U, U }, "UUUUUDDU" },     /* first result decides */
	{ 2, 2, { D, U, D, U, U }, "DDDDU" },                 /* a streak resets */
	{ 3, 1, { U, T, U, U, U }, "UDDDU" },                 /* fall 1: at once */
	{ 1, 3, { U, E, T, D, U, D }, "UUUDUU" },             /* every failure kind counts */
	{ 2, 3, { T, U, U, D, D, U, D, D, D }, "DDUUUUUUD" },
	{ 1, 1, { Q, D, Q, U }, "?DDU" },                     /* UNKNOWN is not a result */
};

static void test_fsm(void **state)
{
	for (size_t i = 0; i < N(fsm_rows); i++) {
		struct chk_fsm f = { CHK_UNKNOWN, 0 };
		const char *want = fsm_rows[i].states;

		for (size_t j = 0; want[j]; j++) {
			enum chk_result before = f.state;
			bool changed = chk_fsm_step(&f, fsm_rows[i].in[j], fsm_rows[i].rise,
						    fsm_rows[i].fall);
			char got = f.state == CHK_UP ? 'U' : f.state == CHK_DOWN ? 'D' : '?';

			if (got != want[j])
				fail_msg("row %zu step %zu: state %c, want %c", i, j, got, want[j]);
			assert_int_equal(changed, before != f.state);
		}
	}
}

/* ---- jitter ---- */

static void test_jitter(void **state)
{
	static const uint32_t intervals[] = { 10, 1000, 2000, 3600000 };
	static const uint64_t rnds[] = { 0, 1, 9, 10, 999, 0x123456789abcdefULL, UINT64_MAX };

	for (size_t i = 0; i < N(intervals); i++)
		for (size_t j = 0; j < N(rnds); j++)
			assert_true(chk_jitter(intervals[i], rnds[j]) < intervals[i]);
	assert_int_equal(chk_jitter(1000, 0), 0);
	assert_int_equal(chk_jitter(1000, 999), 999);    /* the whole interval is used */
	assert_int_equal(chk_jitter(1000, 1000), 0);
	assert_int_equal(chk_jitter(0, 12345), 0);
}

static void test_strings(void **state)
{
	assert_string_equal(chk_result_str(CHK_UP), "UP");
	assert_string_equal(chk_result_str(CHK_TIMEOUT), "TIMEOUT");
	assert_string_equal(chk_result_str(CHK_NRESULTS), "?");
	for (int r = 0; r < CHK_NRESULTS; r++)
		assert_string_not_equal(chk_result_str((enum chk_result)r), "?");
	assert_string_equal(chk_role_str(CHK_ROLE_REPLICA), "REPLICA");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_parse),
		cmocka_unit_test(test_http_eval),
		cmocka_unit_test(test_haproxy_capture),
		cmocka_unit_test(test_haproxy_odd),
		cmocka_unit_test(test_script_status),
		cmocka_unit_test(test_pgsql_eval),
		cmocka_unit_test(test_fsm),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
