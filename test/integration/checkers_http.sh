#!/bin/bash
# checkers_http.sh - the http, tcp and script checkers, and reloads, driven
# through test/tools/chkrun against two Patroni-like REST endpoints
# (test/tools/patroni_fake.py) on 198.51.100.31/.32:8008 in a namespace:
#   1. n1 primary, n2 replica: /primary and /replica checks split 2 UP /
#      2 DOWN (HTTP 503); the body check, tcp and script checks agree;
#   2. a server that accepts but never answers times out, the others keep
#      their rhythm;
#   3. "failover": n1's API dies (connection refused), n2 becomes primary;
#   4. SIGHUP with one checker changed: the unchanged ones keep their state
#      and run counters, the changed one starts again; a bad config is
#      refused with FILE:LINE and everything keeps running.
. "$(dirname "$0")/../lib/ns.sh"

tn_need_root
tn_need_bin "$CHKRUN"
PATRONI_FAKE=$TOP_SRCDIR/test/tools/patroni_fake.py
[ -f "$PATRONI_FAKE" ] || tn_error "$PATRONI_FAKE missing"

tn_switch
tn_host db 198.51.100.31/24
ip -n "$(tn_ns db)" addr add 198.51.100.32/24 dev eth0
chmod 711 "$TN_DIR" # the script checker runs as nobody

api() { # N: node N's REST API on 198.51.100.3N:8008
	tn_spawn db "$TN_DIR/api$1.log" python3 "$PATRONI_FAKE" "198.51.100.3$1" 8008 \
		"$TN_DIR/role$1"
	eval "API$1=$TN_LAST_PID"
}
echo primary >"$TN_DIR/role1"
echo replica >"$TN_DIR/role2"
api 1
api 2
# accepts (kernel backlog), never answers
tn_spawn db "$TN_DIR/hung.log" python3 -c 'import socket, time
s = socket.socket(); s.bind(("198.51.100.31", 8009)); s.listen(64); time.sleep(1e6)'
tn_wait_for 5 tn_exec db bash -c 'exec 3<>/dev/tcp/198.51.100.31/8008' 2>/dev/null ||
	tn_error "REST API 1 not listening"

checkers() { # INTERVAL_OF_N2_REPLICA
	cat <<EOF
checkers: (
  { name = "n1-primary"; type = "http"; address = "198.51.100.31"; port = 8008;
    path = "/primary"; interval = 0.2; timeout = 0.5; },
  { name = "n1-replica"; type = "http"; address = "198.51.100.31"; port = 8008;
    path = "/replica"; interval = 0.2; timeout = 0.5; },
  { name = "n2-primary"; type = "http"; address = "198.51.100.32"; port = 8008;
    path = "/primary"; interval = 0.2; timeout = 0.5; },
  { name = "n2-replica"; type = "http"; address = "198.51.100.32"; port = 8008;
    path = "/replica"; interval = $1; timeout = 0.5; },
  { name = "n1-body"; type = "http"; address = "198.51.100.31"; port = 8008;
    path = "/health"; body = "primary"; method = "GET"; interval = 0.2; },
  { name = "n1-head"; type = "http"; address = "198.51.100.31"; port = 8008;
    method = "HEAD"; path = "/primary"; interval = 0.2; },
  { name = "n1-tcp"; type = "tcp"; address = "198.51.100.31"; port = 8008; interval = 0.2; },
  { name = "closed-tcp"; type = "tcp"; address = "198.51.100.31"; port = 9; interval = 0.2; },
  { name = "hung"; type = "http"; address = "198.51.100.31"; port = 8009;
    interval = 0.2; timeout = 0.4; },
  { name = "flag"; type = "script"; user = "nobody"; interval = 0.2;
    argv = [ "/usr/bin/test", "-e", "$TN_DIR/flag" ]; }
);
EOF
}
checkers 0.2 >"$TN_DIR/checkers.conf"
touch "$TN_DIR/flag"
tn_chkrun db "$TN_DIR/checkers.conf"

# ---- 1. the split
tn_chk_wait n1-primary state UP 10
tn_chk_wait n2-replica state UP 10
tn_chk_wait n1-replica state DOWN 10
tn_chk_wait n2-primary state DOWN 10
# the first (jittered) run may come before the fake API listens: refused
tn_chk_wait n2-primary http_status 503 5
tn_chk_wait n1-body state UP 5
tn_chk_wait n1-head state UP 5
tn_chk_wait n1-tcp state UP 5
tn_chk_wait closed-tcp state DOWN 5
tn_chk_wait flag state UP 5
rm "$TN_DIR/flag"
tn_chk_wait flag state DOWN 5
tn_check "script: exit status is the reason" \
	grep -q 'name=flag .*reason="exit 1"' "$TN_CHK_OUT"

# ---- 2. a hung server
tn_chk_wait hung last TIMEOUT 5
durs=$(awk '$2 == "RESULT" && / name=n1-primary /' "$TN_CHK_OUT" | grep -o 'duration_ms=[0-9]*' |
	cut -d= -f2 | sort -n | tail -1)
tn_check "n1-primary never slowed by the hung check (slowest $durs ms)" [ "$durs" -le 200 ]

# ---- 3. failover
kill "$API1"
echo primary >"$TN_DIR/role2"
tn_chk_wait n2-primary state UP 5
tn_chk_wait n2-replica state DOWN 5
tn_chk_wait n1-primary state DOWN 5
tn_check "refused = DOWN" tn_chk_is n1-primary last DOWN
tn_check "n1 reason" grep -q 'name=n1-primary .*Connection refused' "$TN_CHK_OUT"

# ---- 4. reload
runs_before=$(tn_chk_field n2-primary runs)
checkers 0.3 >"$TN_DIR/checkers.conf"
mark=$(wc -l <"$TN_CHK_OUT")
kill -HUP "$TN_CHKRUN_PID"
tn_wait_for 5 grep -q "RELOAD ok" "$TN_CHK_OUT" || tn_fail "no RELOAD ok"
tn_wait_for 5 grep -q "CHANGE name=n2-replica .* runs=1 " "$TN_CHK_OUT" ||
	tn_fail "the changed checker did not start again"
tn_pass "changed checker n2-replica restarted (runs=1)"
sleep 1
runs_after=$(tn_chk_field n2-primary runs)
tn_check "unchanged n2-primary kept its counters ($runs_before -> $runs_after)" \
	[ "$runs_after" -gt "$runs_before" ]
# a restarted checker would report UNKNOWN -> a first result with runs=1;
# a real flap of the UP state under a loaded CI machine is not a restart
tn_check "... and its state: not restarted by the reload" \
	bash -c "! tail -n +$mark '$TN_CHK_OUT' | grep -E -q 'CHANGE name=n2-primary .*(state=UNKNOWN| runs=1 )'"
printf 'checkers: (\n  { name = "x"; type = "tcp"; port = 1; }\n);\n' >"$TN_DIR/checkers.conf"
kill -HUP "$TN_CHKRUN_PID"
tn_wait_for 5 grep -q "RELOAD failed: $TN_DIR/checkers.conf:2: missing required setting 'address'" \
	"$TN_CHK_OUT" || tn_fail "bad reload not reported with FILE:LINE"
tn_pass "bad config refused with FILE:LINE"
runs_before=$(tn_chk_field n2-primary runs)
sleep 0.5
tn_check "checkers still running after the refused reload" \
	[ "$(tn_chk_field n2-primary runs)" -gt "$runs_before" ]
tn_done
