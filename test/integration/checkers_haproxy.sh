#!/bin/bash
# checkers_haproxy.sh - the haproxy checker against a real HAProxy (Debian
# package) with a stats socket, in a namespace, watched by test/tools/chkrun:
#   1. frontend OPEN, backend with 2 of 2 servers UP (min_up 2): UP;
#   2. one backend server stopped: HAProxy marks it DOWN, the checker is
#      DOWN ("1 of 2 servers up, 2 needed"); restarted: UP;
#   3. HAProxy SIGSTOPped: the stats socket accepts but never answers, the
#      check times out (DOWN); SIGCONT: UP;
#   4. HAProxy killed (the socket file stays): DOWN, refused; restarted: UP.
. "$(dirname "$0")/../lib/ns.sh"

tn_need_root
tn_need_bin "$CHKRUN"
command -v haproxy >/dev/null || tn_error "haproxy not installed (apt-get install haproxy)"

tn_switch
tn_host lb 192.0.2.1/24

PATRONI_FAKE=$TOP_SRCDIR/test/tools/patroni_fake.py
echo primary >"$TN_DIR/role"
backend() { # PORT: a quiet web server answering 200 on /
	tn_spawn lb "$TN_DIR/www$1.log" python3 "$PATRONI_FAKE" 127.0.0.1 "$1" "$TN_DIR/role"
	eval "WWW$1=$TN_LAST_PID"
}
backend 18081
backend 18082

SOCK=$TN_DIR/haproxy.sock
cat >"$TN_DIR/haproxy.cfg" <<EOF
global
  stats socket $SOCK mode 600 level admin
  pidfile $TN_DIR/haproxy.pid
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend http-in
  bind 127.0.0.1:18080
  default_backend app
backend app
  option httpchk GET /
  server s1 127.0.0.1:18081 check inter 200 fall 1 rise 1
  server s2 127.0.0.1:18082 check inter 200 fall 1 rise 1
EOF
haproxy -c -q -f "$TN_DIR/haproxy.cfg" || tn_error "haproxy.cfg rejected"
start_haproxy() {
	rm -f "$SOCK"
	tn_haproxy lb "$TN_DIR/haproxy.cfg"
	HAPROXY=$TN_LAST_PID
	tn_wait_for 10 test -S "$SOCK" || tn_fail "HAProxy socket $SOCK missing"
}
start_haproxy

cat >"$TN_DIR/checkers.conf" <<EOF
checkers: (
  { name = "haproxy"; type = "haproxy"; socket = "$SOCK"; frontend = "http-in";
    backend = "app"; min_up = 2; interval = 0.2; timeout = 0.5; rise = 2; fall = 2; },
  { name = "alive"; type = "haproxy"; socket = "$SOCK"; interval = 0.2; timeout = 0.5; }
);
EOF
tn_chkrun lb "$TN_DIR/checkers.conf"

# 1.
tn_chk_wait haproxy state UP 10
tn_check "reason names the backend" \
	grep -q 'name=haproxy .*reason="backend app: 2 of 2 servers up"' "$TN_CHK_OUT"

# 2.
kill "$WWW18082"
tn_chk_wait haproxy state DOWN 10
tn_check "reason says why" \
	grep -q 'name=haproxy .*reason="backend app: 1 of 2 servers up, 2 needed"' "$TN_CHK_OUT"
tn_check "HAProxy itself still UP" tn_chk_is alive state UP
backend 18082
tn_chk_wait haproxy state UP 10

# 3.
kill -STOP "$HAPROXY"
tn_log "HAProxy SIGSTOPped"
tn_chk_wait haproxy last TIMEOUT 5
tn_chk_wait haproxy state DOWN 5
tn_chk_wait alive state DOWN 5
kill -CONT "$HAPROXY"
tn_chk_wait haproxy state UP 10

# 4.
kill -KILL "$HAPROXY"
tn_log "HAProxy killed"
tn_chk_wait alive state DOWN 5
# a run caught mid-conversation by the kill may end in ERROR (reset); the
# next ones must find the socket refused: DOWN, not ERROR
tn_wait_for 3 tn_chk_is alive last DOWN ||
	tn_fail "refused, not an error: last=$(tn_chk_field alive last)"
tn_pass "refused, not an error: last=DOWN"
tn_chk_wait haproxy state DOWN 5
grep -q 'name=alive .*Connection refused' "$TN_CHK_OUT" || tn_fail "no 'Connection refused' reason"
start_haproxy
tn_chk_wait alive state UP 10
tn_chk_wait haproxy state UP 10
tn_done
