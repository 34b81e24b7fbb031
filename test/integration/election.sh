#!/bin/bash
# election.sh - who becomes MASTER (RFC 5798 §6.4).
#  1. priority 150 (lb1) against 100 (lb2): lb2 starts first and is MASTER
#     alone; lb1 joins and takes over (§6.4.3: a master hearing a higher
#     priority steps down); the VIP is on lb1 only.
#  2. equal priority 100/100: both are made MASTER at once by dropping VRRP
#     on the switch (a partition: no carrier loss), then the partition heals;
#     the tie-break of §6.4.3 keeps the router with the higher primary
#     address, lb2 (192.0.2.2), and lb1 becomes BACKUP.  (Without a moment
#     where both are master the tie-break never runs: a BACKUP hearing an
#     equal priority just stays BACKUP, §6.4.2.)
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
VIP=192.0.2.10
tn_topology

check_roles() { # MASTER_HOST BACKUP_HOST MASTER_ADDR
	tn_check "$1 is MASTER" tn_state_is "$1" web MASTER
	tn_check "$2 is BACKUP" tn_state_is "$2" web BACKUP
	local holders
	holders=$(tn_vip_holders $VIP lb1 lb2)
	[ "$holders" = "$1" ] || tn_fail "VIP $VIP should be on $1 only, is on: '${holders:-nobody}'"
	tn_pass "VIP $VIP on $1 only"
	local seen
	seen=$(tn_field "$2" web master)
	[ "$seen" = "$3" ] || tn_fail "$2 reports master=$seen, expected $3"
	tn_pass "$2 reports master=$3"
}

# ---- 1. priority decides
tn_conf lb1 priority=150
tn_conf lb2 priority=100
tn_tandemd lb2
tn_wait_state lb2 web MASTER 3
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_wait_state lb2 web BACKUP 1
sleep 0.5 # the roles must hold, not just be reached once
check_roles lb1 lb2 192.0.2.1
[ "$(tn_field lb1 web prio)" = 150 ] || tn_fail "lb1 status prio=$(tn_field lb1 web prio), expected 150"

tn_stop lb1 TERM || tn_fail "lb1's tandemd did not stop on SIGTERM"
tn_stop lb2 TERM || tn_fail "lb2's tandemd did not stop on SIGTERM"
tn_check "no VIP left after both stopped" test -z "$(tn_vip_holders $VIP lb1 lb2)"

# ---- 2. equal priority: the higher primary address wins (§6.4.3)
tn_conf lb1 priority=100
tn_conf lb2 priority=100
tn_partition on
tn_tandemd lb1
tn_tandemd lb2
tn_wait_state lb1 web MASTER 3
tn_wait_state lb2 web MASTER 3
tn_pass "partitioned: both MASTER (split brain, as intended)"
tn_partition off
tn_wait_state lb1 web BACKUP 2
sleep 0.5
check_roles lb2 lb1 192.0.2.2
tn_done
