#!/bin/bash
# startup.sh - startup_delay: the instance stays in INIT (no adverts, no
# VIP) for the delay, then runs §6.4.1 Startup; meanwhile the control
# socket answers. A backup that is alone takes over once started.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
tn_topology
DELAY_MS=1500
tn_conf lb1 priority=150
tn_conf_global_set lb1 "startup_delay = $(( DELAY_MS / 1000 )).$(( DELAY_MS % 1000 ));"
t0=$(tn_ms)
tn_tandemd lb1
sleep 0.5
tn_check "INIT during startup_delay" tn_state_is lb1 web INIT
tn_check "no VIP during startup_delay" tn_no_vip lb1 192.0.2.10
[ "$(tn_counter lb1 tx_adverts)" = 0 ] || tn_fail "adverts sent during startup_delay: $(tn_counter lb1 tx_adverts)"
tn_pass "no advert sent during startup_delay"
tn_wait_state lb1 web MASTER 4
dt=$(( $(tn_ms) - t0 ))
[ "$dt" -ge "$DELAY_MS" ] || tn_fail "MASTER after ${dt} ms, before startup_delay ${DELAY_MS} ms"
tn_pass "MASTER ${dt} ms after start (startup_delay ${DELAY_MS} ms)"
tn_done
