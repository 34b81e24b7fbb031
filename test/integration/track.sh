#!/bin/bash
# track.sh - tracked interfaces, files and named inputs change lb1's priority.
#  lb1 prio 150 with more interfaces eth1, eth2 (bridges br1, br2), lb2 prio 100,
#  both preempting, v3 every 0.1 s. lb1 tracks:
#    track_interface eth1 weight -60     down: 150 - 60 = 90 < 100
#    track_interface eth2 weight 0       down: FAULT
#    track_file $TN_DIR/web.prio weight -2   value v: 150 - 2v
#    track haproxy weight -60            `tandemctl track haproxy fail`: 90
#    track pgsql (no weight)             failed: FAULT
#  For each: lb1 is MASTER; the input fails -> lb1's prio drops (or FAULT),
#  lb2 preempts and takes the VIP; the input recovers -> prio 150 again,
#  lb1 preempts back. Files are replaced by rename, as operators' scripts
#  do; a missing file is FAULT. The priority is clamped to 1..254.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
VIP=192.0.2.10
PRIOFILE=$TN_DIR/web.prio
tn_topology
tn_host_if lb1 eth1 198.51.100.1/24
tn_host_if lb1 eth2 203.0.113.1/24 br2

# write the file as a script would: a temp file renamed over the old one
set_file() { echo "$1" >"$PRIOFILE.tmp" && mv -f "$PRIOFILE.tmp" "$PRIOFILE"; }
set_file 0

tn_conf lb1 priority=150 \
	track_interface='( { interface = "eth1"; weight = -60; }, { interface = "eth2"; weight = 0; } )' \
	track_file="( { path = \"$PRIOFILE\"; weight = -2; } )" \
	track='( { name = "haproxy"; weight = -60; }, { name = "pgsql"; } )'
tn_conf lb2 priority=100
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
sleep 1

prio_is() { [ "$(tn_field lb1 web prio)" = "$1" ]; }
wait_prio() { # PRIO WHAT
	tn_wait_for 2 prio_is "$1" || tn_fail "$2: lb1 prio is $(tn_field lb1 web prio), expected $1"
	tn_pass "$2: lb1 prio $1"
}
on_lb2() { # WHAT [STATE of lb1, default BACKUP]
	tn_wait_state lb2 web MASTER 3
	tn_wait_state lb1 web "${2:-BACKUP}" 2
	tn_wait_for 1 tn_no_vip lb1 $VIP || tn_fail "$1: lb1 is $(tn_state lb1 web) but kept the VIP"
	tn_check "$1: VIP on lb2 only" test "$(tn_vip_holders $VIP lb1 lb2)" = lb2
}
back_on_lb1() { # WHAT
	tn_wait_state lb1 web MASTER 5
	tn_wait_state lb2 web BACKUP 2
	tn_wait_for 1 tn_no_vip lb2 $VIP || tn_fail "$1: lb2 went BACKUP but kept the VIP"
	tn_check "$1: VIP back on lb1 only" test "$(tn_vip_holders $VIP lb1 lb2)" = lb1
	sleep 0.5
}
tn_check "all tracked inputs fine: lb1 prio 150" prio_is 150

# ---- track_interface
tn_if_down lb1 eth1
wait_prio 90 "eth1 down (weight -60)"
on_lb2 "eth1 down"
tn_if_up lb1 eth1
wait_prio 150 "eth1 up"
back_on_lb1 "eth1 up"
tn_if_down lb1 eth2
on_lb2 "eth2 down (weight 0)" FAULT
tn_if_up lb1 eth2
back_on_lb1 "eth2 up"
tn_check "eth2 up: lb1 prio 150" prio_is 150

# ---- track_file
set_file 30
wait_prio 90 "file holds 30 (weight -2)"
on_lb2 "file 30"
set_file 0
wait_prio 150 "file holds 0"
back_on_lb1 "file 0"
set_file -100
wait_prio 254 "file holds -100: 150 + 200 clamped"
set_file 100
wait_prio 1 "file holds 100: 150 - 200 clamped"
on_lb2 "file 100"
set_file 0
wait_prio 150 "file holds 0"
back_on_lb1 "file 0"
rm -f "$PRIOFILE"
on_lb2 "file removed" FAULT
set_file 0
back_on_lb1 "file back"
tn_check "file back: lb1 prio 150" prio_is 150

# ---- track (generic input)
track() { tn_ctl lb1 track "$@" >"$TN_DIR/track.out" 2>&1 ||
	tn_fail "tandemctl track $* failed: $(cat "$TN_DIR/track.out")"; }
track haproxy fail
wait_prio 90 "haproxy failed (weight -60)"
on_lb2 "haproxy failed"
track haproxy ok
wait_prio 150 "haproxy ok"
back_on_lb1 "haproxy ok"
track pgsql fail
on_lb2 "pgsql failed (no weight)" FAULT
track pgsql ok
back_on_lb1 "pgsql ok"
tn_check "lb1 prio 150 at the end" prio_is 150
tn_ctl lb1 track nosuch fail >/dev/null 2>&1 && tn_fail "tandemctl track of an untracked name succeeded"
tn_pass "tandemctl track of an untracked name is refused"
tn_done
