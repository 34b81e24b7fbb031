#!/bin/bash
# ctl_handoff.sh - `tandemctl handoff` and `maintenance`.
#  lb1 prio 150, lb2 prio 100, VRRPv3 every 0.05 s (0.01 s worked, but on a
#  loaded 2-core machine lb1, a backup with a 34 ms Master_Down_Interval, took the role back when adverts were late); a UDP responder on both
#  answers from the VIP; the client probes the VIP at 1000 Hz.
#  1. handoff of a BACKUP instance is refused (exit 1), of an unknown one
#     exit 5; nothing changes.
#  2. `tandemctl handoff web` on lb1: make-before-break, so the client loses
#     at most 1 probe; lb2 ends MASTER with the VIP, lb1 BACKUP without it
#     and does not preempt back. Its event stream shows
#     MASTER -> LEAVING -> BACKUP.
#  3. `maintenance on` on lb1, then `handoff --all` on lb2: nobody takes
#     over, lb2 stays MASTER, lb1 BACKUP.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL" "$UDPPROBE"
VIP=192.0.2.10
PORT=7777
MAX_LOST=1
tn_topology client

tn_spawn lb1 "$TN_DIR/serve-lb1.out" "$UDPPROBE" serve $PORT lb1
tn_spawn lb2 "$TN_DIR/serve-lb2.out" "$UDPPROBE" serve $PORT lb2
tn_conf lb1 priority=150 advert_interval=0.05
tn_conf lb2 priority=100 advert_interval=0.05
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
# the client's ARP entry for the VIP must be older than the locktime (1 s)
sleep 2
# ---- 1. refusals (before the handoff: lb2 has been BACKUP for 2 s)
out=$(tn_ctl lb2 handoff web 2>&1); rc=$?
[ $rc = 1 ] || tn_fail "handoff of a BACKUP exited $rc (expected 1): $out"
tn_pass "handoff of a BACKUP is refused: $out"
out=$(tn_ctl lb1 handoff nosuch 2>&1); rc=$?
[ $rc = 5 ] || tn_fail "handoff of an unknown instance exited $rc (expected 5): $out"
tn_pass "handoff of an unknown instance: exit 5"
tn_check "lb1 still MASTER after the refusals" tn_state_is lb1 web MASTER

"$TANDEMCTL" -s "$(tn_sock lb1)" events >"$TN_DIR/events-lb1.out" 2>&1 &
TN_PIDS+=($!)

tn_spawn client "$TN_DIR/probe.out" "$UDPPROBE" probe $VIP $PORT \
	--rate 1000 --duration 20 --timeout-ms 50 --stop-file "$TN_DIR/stop"
probe_pid=$TN_LAST_PID
tn_wait_for 2 grep -q "to=lb1" "$TN_DIR/probe.out" ||
	tn_fail "the client gets no answer from lb1 before the test (probe output: $(cat "$TN_DIR/probe.out"))"
sleep "0.$(( 500 + RANDOM % 50 ))"

# ---- 2. handoff
out=$(tn_ctl lb1 handoff web 2>&1) || tn_fail "tandemctl handoff web exited $?: $out"
tn_pass "tandemctl handoff web: $out"
tn_wait_state lb2 web MASTER 2
tn_wait_state lb1 web BACKUP 2
tn_wait_for 1 tn_no_vip lb1 $VIP || tn_fail "the VIP stays on lb1 after the handoff"
tn_check "the VIP is on lb2" tn_has_vip lb2 $VIP
sleep 0.5 # replies from lb2 for a while
touch "$TN_DIR/stop"
tn_wait_for 3 tn_pid_gone "$probe_pid" || tn_fail "udpprobe did not stop"
sed 's/^/# probe: /' "$TN_DIR/probe.out"
summary=$(grep '^sent=' "$TN_DIR/probe.out") || tn_fail "udpprobe printed no summary"
lost=$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$summary")
received=$(sed -n 's/.*received=\([0-9]*\).*/\1/p' <<<"$summary")
gap=$(sed -n 's/.*max_gap_ms=\([0-9.]*\).*/\1/p' <<<"$summary")
grep -q "from=lb1 to=lb2" "$TN_DIR/probe.out" || tn_fail "the client never got an answer from lb2"
[ "$received" -gt 500 ] || tn_fail "only $received probes answered in total"
[ "$lost" -le $MAX_LOST ] ||
	tn_fail "the client lost $lost probes during the handoff (at most $MAX_LOST; longest gap ${gap} ms)"
tn_pass "handoff: $lost probe(s) lost, longest gap ${gap} ms"
sleep 0.5
tn_check "lb1 does not preempt back after a handoff" tn_state_is lb1 web BACKUP
grep -q 'web MASTER -> LEAVING (handoff' "$TN_DIR/events-lb1.out" &&
	grep -q 'web LEAVING -> BACKUP (handoff complete)' "$TN_DIR/events-lb1.out" ||
	tn_fail "lb1's event stream lacks MASTER -> LEAVING -> BACKUP: $(cat "$TN_DIR/events-lb1.out")"
tn_pass "lb1's event stream: MASTER -> LEAVING -> BACKUP"
h=$(tn_ctl lb1 metrics | sed -n 's/^tandem_vrrp_last_handoff_seconds{[^}]*} //p')
[ -n "$h" ] || tn_fail "no tandem_vrrp_last_handoff_seconds after the handoff"
tn_pass "metrics: last handoff took $h s"

# ---- 3. maintenance keeps lb1 from becoming master
tn_ctl lb1 maintenance on >/dev/null || tn_fail "maintenance on failed"
tn_field lb1 web maintenance | grep -qx on || tn_fail "status does not show maintenance=on: $(tn_ctl lb1 status)"
out=$(tn_ctl lb2 handoff --all 2>&1) || tn_fail "handoff --all on lb2 exited $?: $out"
sleep 1 # handover_timeout = 2 x 0.01 s + 0.1 s: long over
tn_check "lb1 in maintenance stays BACKUP" tn_state_is lb1 web BACKUP
tn_check "lb2 stays MASTER when nobody takes over" tn_state_is lb2 web MASTER
tn_check "the VIP stays on lb2" tn_has_vip lb2 $VIP
tn_ctl lb1 maintenance off >/dev/null || tn_fail "maintenance off failed"
tn_done
