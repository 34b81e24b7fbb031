#!/bin/bash
# linkdown.sh - the master's cable is cut, then restored.
#  lb1 prio 150 preempt_delay 1.5 s, lb2 prio 100, VRRPv3 every 0.1 s.
#  1. cut lb1's cable: lb2 becomes MASTER within its Master_Down_Interval
#     (RFC 5798 §6.1: 3 x 100 + (256-100) x 100 / 256 = 360.9 ms) + margin;
#     lb1 sees the carrier loss and goes FAULT.
#  2. restore: lb1 preempts lb2 again, but not before preempt_delay (1.5 s).
#  3. same with preempt = false on lb1: after the restore it stays BACKUP.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
VIP=192.0.2.10
ADV_MS=100
MDI_MS=$(( 3 * ADV_MS + (256 - 100) * ADV_MS / 256 )) # lb2's Master_Down_Interval
MARGIN_MS=300      # 2-core CI: scheduling + the 10 ms polling of this test
PREEMPT_DELAY_MS=1500
tn_topology

start_pair() { # extra settings for lb1
	tn_conf lb1 priority=150 "$@"
	tn_conf lb2 priority=100
	tn_tandemd lb1
	tn_wait_state lb1 web MASTER 3
	tn_tandemd lb2
	tn_wait_state lb2 web BACKUP 3
	sleep 1 # settle: gratuitous ARP bursts over
}

cut_lb1() {
	local t0 dt
	t0=$(tn_ms)
	tn_link_down lb1
	tn_wait_for 3 tn_state_is lb2 web MASTER ||
		tn_fail "lb2 did not become MASTER within 3 s of cutting lb1's cable (state $(tn_state lb2 web))"
	dt=$(( $(tn_ms) - t0 ))
	tn_log "lb2 MASTER ${dt} ms after the cut (Master_Down_Interval ${MDI_MS} ms)"
	[ "$dt" -le $(( MDI_MS + MARGIN_MS )) ] ||
		tn_fail "takeover took ${dt} ms, more than Master_Down_Interval ${MDI_MS} ms + ${MARGIN_MS} ms"
	# lb2 heard lb1 at most one interval before the cut, so its timer cannot
	# expire sooner than MDI - adv: faster means it did not wait for it.
	[ "$dt" -ge $(( MDI_MS - ADV_MS - 20 )) ] ||
		tn_fail "takeover after only ${dt} ms: lb2 did not wait Master_Down_Interval (${MDI_MS} ms)"
	tn_pass "lb2 MASTER after ${dt} ms (<= ${MDI_MS} + ${MARGIN_MS} ms)"
	tn_wait_for 2 tn_has_vip lb2 $VIP || tn_fail "lb2 is MASTER but has no VIP"
	# the daemon's own measure: last advert heard -> MASTER = its timer,
	# which cannot run out before Master_Down_Interval
	local tk
	tk=$(tn_ctl lb2 metrics | awk '/^tandem_vrrp_last_takeover_seconds/ {print int($2 * 1000)}')
	[ -n "$tk" ] && [ "$tk" -ge $(( MDI_MS - 1 )) ] ||
		tn_fail "tandem_vrrp_last_takeover_seconds on lb2: '${tk:-missing}' ms, expected >= ${MDI_MS} ms"
	tn_pass "lb2 reports its takeover: ${tk} ms after lb1's last advert"
	tn_wait_state lb1 web FAULT 2
}

# ---- 1. cut the master's cable
start_pair preempt_delay=1.5
cut_lb1

# ---- 2. restore it: preemption after preempt_delay
t0=$(tn_ms)
tn_link_up lb1
tn_wait_for 1.5 tn_state_is lb1 web BACKUP ||
	tn_fail "lb1 did not leave FAULT for BACKUP after the link came back (state $(tn_state lb1 web))"
tn_wait_for 5 tn_state_is lb1 web MASTER ||
	tn_fail "lb1 did not preempt within 5 s of the link coming back (state $(tn_state lb1 web))"
dt=$(( $(tn_ms) - t0 ))
tn_log "lb1 MASTER again ${dt} ms after the link came back"
[ "$dt" -ge "$PREEMPT_DELAY_MS" ] ||
	tn_fail "lb1 preempted after ${dt} ms, before preempt_delay ${PREEMPT_DELAY_MS} ms"
# delay + its own Master_Down_Interval (341 ms) + generous slack
[ "$dt" -lt $(( PREEMPT_DELAY_MS + 1500 )) ] ||
	tn_fail "lb1 preempted only after ${dt} ms (preempt_delay ${PREEMPT_DELAY_MS} ms)"
tn_pass "lb1 preempted after ${dt} ms (>= preempt_delay ${PREEMPT_DELAY_MS} ms)"
tn_wait_state lb2 web BACKUP 1
tn_wait_for 1 tn_no_vip lb2 $VIP || tn_fail "lb2 went BACKUP but kept the VIP"
tn_check "lb1 has the VIP" tn_has_vip lb1 $VIP

tn_stop lb1 TERM || tn_fail "lb1's tandemd did not stop on SIGTERM"
tn_stop lb2 TERM || tn_fail "lb2's tandemd did not stop on SIGTERM"

# ---- 3. preempt = false: lb1 stays BACKUP after the restore
start_pair preempt=false
cut_lb1
tn_link_up lb1
tn_wait_for 1.5 tn_state_is lb1 web BACKUP ||
	tn_fail "lb1 did not leave FAULT for BACKUP after the link came back (state $(tn_state lb1 web))"
# Watch for well past its Master_Down_Interval: it must never take over.
end=$(( $(tn_ms) + 2500 ))
while [ "$(tn_ms)" -lt "$end" ]; do
	s=$(tn_state lb1 web)
	[ "$s" = BACKUP ] || tn_fail "preempt=false, yet lb1 went $s after the link came back"
	sleep 0.05
done
tn_pass "preempt=false: lb1 stayed BACKUP for 2.5 s"
tn_check "lb2 still MASTER" tn_state_is lb2 web MASTER
tn_check "VIP still on lb2 only" test "$(tn_vip_holders $VIP lb1 lb2)" = lb2
tn_done
