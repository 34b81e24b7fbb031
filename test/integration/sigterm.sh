#!/bin/bash
# sigterm.sh - graceful stop of the master loses at most one client probe.
#  lb1 prio 150, lb2 prio 100, VRRPv3 every 0.01 s; a UDP responder in
#  lb1 and lb2 answers from the VIP; the client probes the VIP at 1000 Hz.
#  SIGTERM to lb1's tandemd: it sends priority 0 and keeps the VIP until it
#  hears lb2's advert (handover), then removes it and exits 0.  The client
#  may lose at most one probe (keepalived loses the whole Skew_Time, ~7 ms).
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL" "$UDPPROBE"
VIP=192.0.2.10
PORT=7777
MAX_LOST=1
tn_topology client

tn_spawn lb1 "$TN_DIR/serve-lb1.out" "$UDPPROBE" serve $PORT lb1
tn_spawn lb2 "$TN_DIR/serve-lb2.out" "$UDPPROBE" serve $PORT lb2
tn_conf lb1 priority=150 advert_interval=0.01
tn_conf lb2 priority=100 advert_interval=0.01
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
# Settle: lb1's gratuitous ARP burst is over and the client's ARP entry for
# the VIP is older than the neighbour locktime (1 s) when lb2 announces.
sleep 2

tn_spawn client "$TN_DIR/probe.out" "$UDPPROBE" probe $VIP $PORT \
	--rate 1000 --duration 20 --timeout-ms 50 --stop-file "$TN_DIR/stop"
probe_pid=$TN_LAST_PID
tn_wait_for 2 grep -q "to=lb1" "$TN_DIR/probe.out" ||
	tn_fail "the client gets no answer from lb1 before the test (probe output: $(cat "$TN_DIR/probe.out"))"
# a random phase within a few advert intervals
sleep "0.$(( 500 + RANDOM % 50 ))"

t0=$(tn_ms)
tn_stop lb1 TERM 3 || tn_fail "lb1's tandemd did not exit within 3 s of SIGTERM"
tn_log "lb1's tandemd exited with $TN_RC after $(( $(tn_ms) - t0 )) ms"
[ "$TN_RC" = 0 ] || tn_fail "lb1's tandemd exited with status $TN_RC on SIGTERM, expected 0"
tn_pass "lb1's tandemd exited 0"
tn_wait_state lb2 web MASTER 1
tn_check "the VIP is gone from lb1" tn_no_vip lb1 $VIP
tn_check "the VIP is on lb2" tn_has_vip lb2 $VIP

sleep 0.5 # replies from lb2 for a while
touch "$TN_DIR/stop"
tn_wait_for 3 tn_pid_gone "$probe_pid" || tn_fail "udpprobe did not stop"
sed 's/^/# probe: /' "$TN_DIR/probe.out"
summary=$(grep '^sent=' "$TN_DIR/probe.out") || tn_fail "udpprobe printed no summary"
lost=$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$summary")
received=$(sed -n 's/.*received=\([0-9]*\).*/\1/p' <<<"$summary")
gap=$(sed -n 's/.*max_gap_ms=\([0-9.]*\).*/\1/p' <<<"$summary")
grep -q "from=lb1 to=lb2" "$TN_DIR/probe.out" ||
	tn_fail "the client never got an answer from lb2 after the handover"
[ "$received" -gt 500 ] || tn_fail "only $received probes answered in total"
[ "$lost" -le $MAX_LOST ] ||
	tn_fail "the client lost $lost probes during the graceful handover (at most $MAX_LOST allowed; longest gap ${gap} ms)"
tn_pass "graceful handover: $lost probe(s) lost, longest gap ${gap} ms"
tn_done
