#!/bin/bash
# partition.sh - a partition heals: exactly one master again within one
# advert interval after the first advert crosses.
#  VRRPv3 every 0.1 s. tn_partition drops VRRP on the bridge (links stay
#  up): both hosts become MASTER and both hold the VIP. Then the rule is
#  removed; a capture on the loser's eth0 gives the time the first advert of
#  the winner reached it, the loser's log (ms timestamps) the time it went
#  MASTER -> BACKUP. That difference must be <= one advert interval
#  (RFC 5798 §6.4.3: a master hearing a better advert goes BACKUP at once);
#  then exactly one MASTER, the VIP on it only, and it stays so.
#  a. lb1 prio 150, lb2 prio 100: lb2 loses (lower priority).
#  b. both prio 100: lb1 loses (equal priority, lower primary address),
#     although it was the MASTER before the partition.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v nft >/dev/null || { echo "SKIP: $TN_TEST needs nft"; exit 77; }
command -v tcpdump >/dev/null || { echo "SKIP: $TN_TEST needs tcpdump"; exit 77; }
VIP=192.0.2.10
ADV_MS=100
tn_topology

# A log line's "YYYY-MM-DD HH:MM:SS.mmm" as ms since the epoch.
log_ms() { date -d "$1 $2" +%s%3N; }

heal() { # PRIO1 PRIO2 WINNER LOSER
	local p1=$1 p2=$2 win=$3 lose=$4 waddr pcap line t_adv t_bk t_heal dt
	waddr=192.0.2.${win#lb}
	tn_conf lb1 priority="$p1"
	tn_conf lb2 priority="$p2"
	tn_tandemd lb1
	tn_wait_state lb1 web MASTER 3
	tn_tandemd lb2
	# lb1 came first (and lb2 never has more priority): it stays MASTER
	tn_wait_state lb2 web BACKUP 3
	sleep 0.5

	tn_partition on
	tn_wait_state lb2 web MASTER 3
	tn_check "partition: lb1 still MASTER" tn_state_is lb1 web MASTER
	tn_wait_for 1 test "$(tn_vip_holders $VIP lb1 lb2)" = "lb1 lb2" ||
		tn_fail "partition: VIP on '$(tn_vip_holders $VIP lb1 lb2)', expected both"
	tn_pass "partition: both MASTER, both hold the VIP"
	sleep 0.5

	pcap=$TN_DIR/$lose-heal.pcap
	: >"$TN_DIR/tcpdump-$lose.log"
	tn_spawn "$lose" "$TN_DIR/tcpdump-$lose.log" tcpdump -i eth0 --immediate-mode -U -n -w "$pcap" ip proto 112 and src "$waddr"
	local tcpdump=$TN_LAST_PID
	tn_wait_for 5 grep -q listening "$TN_DIR/tcpdump-$lose.log" || tn_error "tcpdump did not start"
	sleep 0.2
	t_heal=$(tn_ms)
	tn_partition off || tn_error "nft: cannot remove the partition"
	tn_wait_state "$lose" web BACKUP 2
	tn_log "$lose BACKUP $(( $(tn_ms) - t_heal )) ms after the partition was removed (as polled)"
	sleep 0.3
	kill -INT "$tcpdump"
	tn_wait_for 3 tn_pid_gone "$tcpdump"
	wait "$tcpdump" 2>/dev/null

	t_adv=$(tcpdump -r "$pcap" -n -tt 2>/dev/null | awk -v t="$t_heal" '{ ms = $1 * 1000; if (ms >= t) { printf "%.0f", ms; exit } }')
	[ -n "$t_adv" ] || tn_fail "no advert from $waddr captured on $lose after the heal"
	line=$(grep 'web: MASTER -> BACKUP' "$TN_DIR/$lose.log" | tail -n 1)
	[ -n "$line" ] || tn_fail "no 'MASTER -> BACKUP' in $lose.log"
	t_bk=$(log_ms $line)
	dt=$(( t_bk - t_adv ))
	tn_log "$lose: first advert of $win at +$(( t_adv - t_heal )) ms, MASTER -> BACKUP at +$(( t_bk - t_heal )) ms: ${dt} ms later ($line)"
	# the log has ms resolution, the capture us: allow the rounding (1 ms)
	[ "$dt" -ge -1 ] || tn_fail "$lose went BACKUP ${dt} ms BEFORE the first advert of $win reached it: heard something else?"
	[ "$dt" -le "$ADV_MS" ] ||
		tn_fail "$lose went BACKUP ${dt} ms after the first advert of $win, more than one advert interval ($ADV_MS ms)"
	tn_pass "$lose BACKUP ${dt} ms after the first advert of $win (<= $ADV_MS ms)"
	tn_check "$win MASTER" tn_state_is "$win" web MASTER
	tn_wait_for 1 test "$(tn_vip_holders $VIP lb1 lb2)" = "$win" ||
		tn_fail "healed: VIP on '$(tn_vip_holders $VIP lb1 lb2)', expected $win only"
	tn_pass "healed: exactly one MASTER ($win), the VIP on it only"
	sleep 1
	tn_check "1 s later: $win still MASTER" tn_state_is "$win" web MASTER
	tn_check "1 s later: $lose still BACKUP" tn_state_is "$lose" web BACKUP
	tn_stop lb1 TERM || tn_fail "lb1's tandemd did not stop on SIGTERM"
	tn_stop lb2 TERM || tn_fail "lb2's tandemd did not stop on SIGTERM"
}

heal 150 100 lb1 lb2
heal 100 100 lb2 lb1
tn_done
