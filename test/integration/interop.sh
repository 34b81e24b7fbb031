#!/bin/bash
# interop.sh - Tandem and Debian's keepalived in one virtual router, so a
# pair can be migrated one host at a time.
#  Host "ka" (192.0.2.1, fe80::1, 2001:db8::1) runs keepalived, host "td"
#  (192.0.2.2, fe80::2, 2001:db8::2) runs tandemd; equivalent configs (same
#  VRID 51, version, advert interval and VIP, no authentication, preempt,
#  keepalived's vrrp_strict off as by default). For each of
#    VRRPv2 IPv4 1 s, VRRPv3 IPv4 0.1 s, VRRPv3 IPv6 0.1 s
#  and each role (keepalived prio 150 + Tandem 100, then the reverse):
#  1. the 150 one is MASTER and holds the VIP, the other is BACKUP without
#     it (Tandem as backup names keepalived's address as master);
#  2. the master's cable is cut: the other takes over (VIP there only);
#  3. restored: the 150 one preempts, the VIP is back on it only.
#  keepalived's state is judged by its VIPs (and its log on failure).
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v keepalived >/dev/null || { echo "SKIP: $TN_TEST needs keepalived (apt-get install keepalived)"; exit 77; }
tn_switch
tn_host6 ka 2001:db8::1/64 fe80::1 192.0.2.1/24
tn_host6 td 2001:db8::2/64 fe80::2 192.0.2.2/24

ka_conf() { # VERSION ADV VIP PRIO -> $TN_DIR/ka.kconf
	cat >"$TN_DIR/ka.kconf" <<EOF
global_defs {
  router_id ka
  script_user root
  enable_script_security
}
vrrp_instance web {
  state BACKUP
  interface eth0
  virtual_router_id 51
  version $1
  priority $4
  advert_int $2
  virtual_ipaddress {
    $3
  }
}
EOF
}

holders() { # VIP: which of ka td hold it on eth0
	local out='' n
	for n in ka td; do
		tn_has_addr "$n" eth0 "$1" && out="$out${out:+ }$n"
	done
	echo "$out"
}
only_on() { [ "$(holders "$1")" = "$2" ]; }
ka_fail() { # WHAT: fail with keepalived's log
	printf -- '----- keepalived log (last 30 lines)\n'
	tail -n 30 "$TN_DIR/ka.keepalived.log"
	tn_fail "$1"
}

# run_case VERSION ADV VIP/PREFIX KA_PRIO TD_PRIO
run_case() {
	local ver=$1 adv=$2 vipp=$3 kap=$4 tdp=$5 vip=${3%/*} win lose ka_addr wait_s what
	if [ "$kap" -gt "$tdp" ]; then win=ka lose=td; else win=td lose=ka; fi
	case $vip in *:*) ka_addr=fe80::1 ;; *) ka_addr=192.0.2.1 ;; esac
	what="v$ver ${adv}s $vip, keepalived $kap / Tandem $tdp"
	# a takeover: Master_Down_Interval (< 4 x adv) + generous slack
	wait_s=$(awk -v a="$adv" 'BEGIN { print 4 * a + 2 }')
	tn_log "---- $what"
	ka_conf "$ver" "$adv" "$vipp" "$kap"
	tn_conf td version="$ver" advert_interval="$adv" priority="$tdp" vips="\"$vipp\""

	# the future master first, so that it is MASTER by election, not by timer
	if [ $win = ka ]; then
		tn_keepalived ka "$TN_DIR/ka.kconf"
		tn_wait_for "$wait_s" tn_has_addr ka eth0 "$vip" || ka_fail "$what: keepalived alone never took the VIP"
		tn_tandemd td
		tn_wait_state td web BACKUP 3
	else
		tn_tandemd td
		tn_wait_state td web MASTER "$wait_s"
		tn_keepalived ka "$TN_DIR/ka.kconf"
	fi
	master_is() { [ "$(tn_field td web master)" = "$1" ]; }
	# both running: give the loser time to (wrongly) take over, then look
	sleep "$(awk -v a="$adv" 'BEGIN { print 4 * a + 0.5 }')"
	only_on "$vip" "$win" || ka_fail "$what: at start the VIP is on '$(holders "$vip")', expected $win only (Tandem: $(tn_state td web))"
	if [ $win = ka ]; then
		tn_check "$what: Tandem BACKUP" tn_state_is td web BACKUP
		tn_check "$what: Tandem names keepalived ($ka_addr) as master" master_is "$ka_addr"
	else
		tn_check "$what: Tandem MASTER" tn_state_is td web MASTER
		grep -q "Entering BACKUP STATE" "$TN_DIR/ka.keepalived.log" || ka_fail "$what: keepalived never logged 'Entering BACKUP STATE'"
	fi
	tn_pass "$what: $win MASTER with the VIP, $lose BACKUP without"

	tn_if_down "$win" eth0
	tn_wait_for "$wait_s" only_on "$vip" "$lose" ||
		ka_fail "$what: $win's cable cut, VIP on '$(holders "$vip")' after $wait_s s, expected $lose only (Tandem: $(tn_state td web))"
	[ $lose = td ] && tn_check "$what: Tandem MASTER" tn_state_is td web MASTER
	[ $win = td ] && tn_wait_state td web FAULT 2
	tn_pass "$what: $win's cable cut: $lose took over"

	tn_if_up "$win" eth0
	tn_wait_for "$wait_s" only_on "$vip" "$win" ||
		ka_fail "$what: $win's cable back, VIP on '$(holders "$vip")' after $wait_s s, expected $win only (Tandem: $(tn_state td web))"
	if [ $win = td ]; then
		tn_wait_state td web MASTER 2
	else
		tn_wait_state td web BACKUP 2
	fi
	sleep "$adv"
	only_on "$vip" "$win" || ka_fail "$what: VIP moved again to '$(holders "$vip")'"
	tn_pass "$what: restored: $win preempted, the VIP on it only"

	tn_keepalived_stop ka
	tn_stop td TERM || tn_fail "tandemd did not stop on SIGTERM"
	tn_wait_for 2 only_on "$vip" "" || tn_fail "$what: VIP left on '$(holders "$vip")' after both stopped"
	mv "$TN_DIR/ka.keepalived.log" "$TN_DIR/ka-v$ver-$vip-$kap.klog"
}

for prios in "150 100" "100 150"; do
	run_case 2 1 192.0.2.10/24 $prios
	run_case 3 0.1 192.0.2.10/24 $prios
	run_case 3 0.1 2001:db8::10/64 $prios
done
tn_done
