#!/bin/bash
# reclaim.sh - a backup that briefly takes over (here: the master's daemon
# frozen for 0.5 s, as a loaded host can be) announces the VIP and takes
# the clients' ARP caches; when it yields again, the master must announce
# the VIP back (RFC 5798 §6.4.3 only says to discard the lower advert), or
# clients keep sending to a balancer without the VIP.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL" "$UDPPROBE"
VIP=192.0.2.10
PORT=7777
tn_topology client
tn_spawn lb1 "$TN_DIR/serve-lb1.out" "$UDPPROBE" serve $PORT lb1
tn_spawn lb2 "$TN_DIR/serve-lb2.out" "$UDPPROBE" serve $PORT lb2
tn_conf lb1 priority=150
tn_conf lb2 priority=100
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
sleep 2 # lb1's announcements are over; the client's ARP entry is not locked
tn_spawn client "$TN_DIR/probe.out" "$UDPPROBE" probe $VIP $PORT \
	--rate 1000 --duration 20 --timeout-ms 50 --stop-file "$TN_DIR/stop"
probe_pid=$TN_LAST_PID
tn_wait_for 2 grep -q "to=lb1" "$TN_DIR/probe.out" || tn_fail "no answer from lb1 before the test"
sleep 1.2 # past the neighbour locktime of the client's first resolution

kill -STOP "${TN_DPID[lb1]}"
tn_wait_for 2 grep -q "from=lb1 to=lb2" "$TN_DIR/probe.out" ||
	tn_fail "lb2 never answered while lb1's daemon was frozen"
tn_pass "lb2 took over while lb1's daemon was frozen"
kill -CONT "${TN_DPID[lb1]}"
t0=$(tn_ms)
tn_wait_state lb2 web BACKUP 2
tn_wait_for 2 grep -q "from=lb2 to=lb1" "$TN_DIR/probe.out" ||
	tn_fail "the client stays on lb2 (which gave the VIP back) after lb1 resumed: $(cat "$TN_DIR/probe.out")"
tn_pass "the client is back on lb1 $(( $(tn_ms) - t0 )) ms after lb1 resumed (or sooner)"
sleep 1
touch "$TN_DIR/stop"
tn_wait_for 3 tn_pid_gone "$probe_pid" || tn_fail "udpprobe did not stop"
sed 's/^/# probe: /' "$TN_DIR/probe.out"
last=$(grep -o 'to=lb[12]' "$TN_DIR/probe.out" | tail -n 1)
[ "$last" = "to=lb1" ] || tn_fail "the last responder is ${last#to=}, expected lb1"
tn_done
