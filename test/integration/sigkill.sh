#!/bin/bash
# sigkill.sh - the master's daemon dies without a word (kill -9).
#  lb1 prio 150 (preempt), lb2 prio 100, VRRPv3 every 0.1 s.
#  - lb2 takes over after its Master_Down_Interval;
#  - the dead daemon could not clean up: the VIP is still on lb1's eth0;
#  - tandemd restarted on lb1 removes that stale VIP before it enters
#    BACKUP (two hosts answering ARP for the VIP is the failure we prevent),
#    then (preempt_delay 1 s) preempts lb2 and adds the VIP again;
#  - at the end the VIP is on exactly one host.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
VIP=192.0.2.10
tn_topology

tn_conf lb1 priority=150
tn_conf lb2 priority=100
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
tn_check "VIP on lb1" tn_has_vip lb1 $VIP
sleep 0.5

# ---- crash
tn_stop lb1 KILL 2 || tn_fail "lb1's tandemd survived SIGKILL?"
tn_wait_for 2 tn_state_is lb2 web MASTER ||
	tn_fail "lb2 did not take over within 2 s of lb1's crash (state $(tn_state lb2 web))"
tn_pass "lb2 took over after lb1's crash"
tn_wait_for 1 tn_has_vip lb2 $VIP || tn_fail "lb2 is MASTER without the VIP"
tn_check "the stale VIP is still on lb1 (nobody removed it)" tn_has_vip lb1 $VIP

# ---- restart: watch the order of "VIP removed" and "BACKUP".
# Each round reads state, VIP, state: BACKUP before and after a VIP sighting
# means the VIP was there during BACKUP (a MASTER would have re-added it
# legitimately, and then the second read would say MASTER).
# preempt_delay widens the BACKUP window (lb2 is MASTER) to ~1.3 s, so that
# even a loaded machine polls it several times.
tn_conf lb1 priority=150 preempt_delay=1
tn_spawn lb1 "$TN_DIR/addr-monitor.out" ip -ts monitor address
sleep 0.2
TN_NOWAIT=1 tn_tandemd lb1
seen_clean_backup=0
end=$(( $(tn_ms) + 5000 ))
while [ "$(tn_ms)" -lt "$end" ]; do
	s1=$(tn_state lb1 web)
	if tn_has_vip lb1 $VIP; then v=1; else v=0; fi
	s2=$(tn_state lb1 web)
	if [ "$s1" = BACKUP ] && [ "$s2" = BACKUP ]; then
		[ "$v" = 1 ] && tn_fail "restarted lb1 is BACKUP while the stale VIP $VIP is still on its eth0"
		seen_clean_backup=1
	fi
	[ "$s2" = MASTER ] && break
	tn_alive lb1 || tn_fail "restarted tandemd on lb1 exited"
	sleep 0.005
done
[ "$s2" = MASTER ] || tn_fail "restarted lb1 did not become MASTER again within 5 s (state '$s2')"
[ "$seen_clean_backup" = 1 ] ||
	tn_fail "never saw restarted lb1 in BACKUP (it should pass through BACKUP for its Master_Down_Interval before preempting)"
tn_pass "restarted lb1 was BACKUP without the stale VIP, then preempted"
# The kernel's own account: the stale VIP was deleted, then added back.
events=$(grep "$VIP/" "$TN_DIR/addr-monitor.out" | sed 's/^\[[^]]*\] *//' | awk '{ print ($1 == "Deleted") ? "del" : "add" }' | tr '\n' ' ')
tn_log "VIP events on lb1 after the restart: $events"
case "$events" in
"del add "*) tn_pass "the kernel saw the stale VIP deleted, then re-added by the new master" ;;
*) tn_fail "expected the VIP deleted then added on lb1 after the restart, ip monitor saw: '$events'" ;;
esac

tn_wait_state lb2 web BACKUP 1
tn_wait_for 1 tn_no_vip lb2 $VIP || tn_fail "lb2 is BACKUP but kept the VIP"
sleep 0.3
holders=$(tn_vip_holders $VIP lb1 lb2)
[ "$holders" = lb1 ] || tn_fail "VIP should be on exactly one host (lb1), is on: '${holders:-nobody}'"
tn_pass "VIP on exactly one host: lb1"
tn_done
