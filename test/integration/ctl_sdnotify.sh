#!/bin/bash
# ctl_sdnotify.sh - systemd's notify protocol without systemd: a datagram
#  socket stands in for $NOTIFY_SOCKET. tandemd with WATCHDOG_USEC=400000
#  must send READY=1, STATUS= with the instance's state, WATCHDOG=1 about
#  every 200 ms from its loop, RELOADING=1 (with MONOTONIC_USEC) then
#  READY=1 on SIGHUP and on `tandemctl reload`, STOPPING=1 on SIGTERM.
#  Without $NOTIFY_SOCKET it runs as before (every other test).
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
tn_switch
tn_host lb1 192.0.2.1/24
tn_conf lb1 priority=100
python3 - "$TN_DIR/notify.sock" >"$TN_DIR/notify.out" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(3)
t0 = time.monotonic()
try:
    while True:
        m = s.recv(4096).decode()
        print("%d %s" % ((time.monotonic() - t0) * 1000, m.replace("\n", "|")), flush=True)
except socket.timeout:
    pass
PY
TN_PIDS+=($!)
tn_wait_for 2 test -S "$TN_DIR/notify.sock" || tn_error "the stand-in notify socket did not appear"
NOTIFY_SOCKET=$TN_DIR/notify.sock WATCHDOG_USEC=400000 tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
sleep 1
kill -HUP "${TN_DPID[lb1]}"
sleep 0.3
tn_ctl lb1 reload >/dev/null || tn_fail "tandemctl reload failed"
sleep 0.3
tn_stop lb1 TERM 5 || tn_fail "tandemd did not stop"
sleep 0.2
sed 's/^/# /' "$TN_DIR/notify.out"
msgs=$(cut -d' ' -f2- "$TN_DIR/notify.out")
grep -qx 'READY=1' <<<"$msgs" || tn_fail "no READY=1"
grep -qx 'STATUS=web MASTER' <<<"$msgs" || tn_fail "no STATUS=web MASTER"
tn_pass "READY=1 and STATUS=web MASTER"
[ "$(grep -c '^RELOADING=1|MONOTONIC_USEC=[0-9]*$' <<<"$msgs")" = 2 ] || tn_fail "expected 2 RELOADING=1 with MONOTONIC_USEC"
[ "$(grep -A1 '^RELOADING=1' <<<"$msgs" | grep -c '^READY=1')" = 2 ] || tn_fail "RELOADING=1 not followed by READY=1"
tn_pass "SIGHUP and tandemctl reload: RELOADING=1 then READY=1"
grep -qx 'STOPPING=1' <<<"$msgs" || tn_fail "no STOPPING=1 on SIGTERM"
tn_pass "STOPPING=1 on SIGTERM"
# keep-alives: about every 200 ms over ~1.8 s; a generous floor
wd=$(grep -c '^WATCHDOG=1$' <<<"$msgs")
[ "$wd" -ge 5 ] || tn_fail "only $wd WATCHDOG=1 keep-alives (WatchdogSec 0.4 s: one every 0.2 s)"
tn_pass "$wd WATCHDOG=1 keep-alives"
tn_done
