#!/bin/bash
# unicast.sh - unicast VRRP (unicast_src_ip + unicast_peers), for networks
# that do not carry multicast.
#  lb1 192.0.2.1 prio 150 <-> lb2 192.0.2.2 prio 100, each listing only the
#  other as peer; an attacker "inj" 192.0.2.50 on the same switch.
#  1. On the wire (captured during 2-4) every advert of lb1 and lb2 goes
#     from its unicast_src_ip to the peer, none to 224.0.0.18.
#  2. lb1's cable cut: lb2 MASTER with the VIP; restored: lb1 preempts.
#  3. inj sends priority-200 adverts (1 s interval: if one were accepted lb1
#     would stay BACKUP for 3.4 s) unicast to lb1: lb1 stays MASTER, rx_ok
#     does not move, rx_not_peer grows by exactly the number sent.
#  4. inj sends the same to 224.0.0.18: lb1 stays MASTER (its rx_ok
#     unchanged), lb2 still names lb1 as its master.
#  5. Control: the same advert with lb2's source address makes lb1 BACKUP
#     (the injector works, the drops above were the peer check's).
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v python3 >/dev/null || tn_error "python3 is needed for $VRRP_INJECT"
command -v tcpdump >/dev/null || { echo "SKIP: $TN_TEST needs tcpdump"; exit 77; }
VIP=192.0.2.10
N=5
tn_topology
tn_host inj 192.0.2.50/24

tn_conf lb1 priority=150 unicast_src_ip='"192.0.2.1"' unicast_peers='[ "192.0.2.2" ]'
tn_conf lb2 priority=100 unicast_src_ip='"192.0.2.2"' unicast_peers='[ "192.0.2.1" ]'

PCAP=$TN_DIR/vrrp.pcap
tn_spawn sw "$TN_DIR/tcpdump.log" tcpdump -i "$TN_BRIDGE" --immediate-mode -U -n -w "$PCAP" ip proto 112
TCPDUMP=$TN_LAST_PID
tn_wait_for 5 grep -q listening "$TN_DIR/tcpdump.log" || tn_error "tcpdump did not start: $(cat "$TN_DIR/tcpdump.log")"

tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
master_is() { [ "$(tn_field "$1" "$2" master)" = "$3" ]; }
tn_wait_for 2 master_is lb2 web 192.0.2.1 || tn_fail "lb2 reports master=$(tn_field lb2 web master), expected 192.0.2.1"
tn_pass "lb2 hears lb1's unicast adverts"
tn_check "VIP on lb1 only" test "$(tn_vip_holders $VIP lb1 lb2)" = lb1
sleep 1

# ---- 2. failover and back
tn_link_down lb1
tn_wait_state lb2 web MASTER 3
tn_wait_for 1 tn_has_vip lb2 $VIP || tn_fail "lb2 MASTER without the VIP"
tn_wait_state lb1 web FAULT 2
tn_check "VIP on lb2 only" test "$(tn_vip_holders $VIP lb1 lb2)" = lb2
tn_link_up lb1
tn_wait_state lb1 web MASTER 5
tn_wait_state lb2 web BACKUP 2
tn_wait_for 1 tn_no_vip lb2 $VIP || tn_fail "lb2 went BACKUP but kept the VIP"
tn_check "VIP back on lb1 only" test "$(tn_vip_holders $VIP lb1 lb2)" = lb1
tn_wait_for 2 master_is lb2 web 192.0.2.1 || tn_fail "lb2 reports master=$(tn_field lb2 web master), expected 192.0.2.1"
sleep 0.5

counter_is() { [ "$(tn_counter "$1" "$2")" = "$3" ]; }
inject() { # injector options...
	tn_exec inj python3 "$VRRP_INJECT" --iface eth0 --vrid 51 --prio 200 \
		--interval-cs 100 --addrs $VIP "$@" >/dev/null || tn_error "the injector failed ($*)"
}

# ---- 3. a stranger, unicast to lb1
np=$(tn_counter lb1 rx_not_peer)
[ "$np" != missing ] || tn_fail "tandemctl counters has no rx_not_peer: $(tn_ctl lb1 counters | tr '\n' ' ')"
ok1=$(tn_counter lb1 rx_ok)
inject --src 192.0.2.50 --dst 192.0.2.1 --repeat $N
tn_wait_for 1 counter_is lb1 rx_not_peer $((np + N)) ||
	tn_fail "rx_not_peer went from $np to $(tn_counter lb1 rx_not_peer), expected +$N. Counters: $(tn_ctl lb1 counters | grep -v ' 0$' | tr '\n' ' ')"
tn_pass "rx_not_peer +$N on lb1"
sleep 0.3 # had one been accepted, lb1 would now be BACKUP for 3.4 s
tn_check "lb1 still MASTER after $N stranger adverts (unicast)" tn_state_is lb1 web MASTER
tn_check "lb1's rx_ok unchanged" counter_is lb1 rx_ok "$ok1"
tn_check "VIP still on lb1 only" test "$(tn_vip_holders $VIP lb1 lb2)" = lb1

# ---- 4. a stranger, multicast
# (whether a unicast instance reads the group at all is its business: the
# counters are only logged; lb2 keeps getting lb1's adverts, so its rx_ok
# grows anyway)
ok1=$(tn_counter lb1 rx_ok)
inject --src 192.0.2.50 --repeat $N
sleep 0.3
tn_check "lb1 still MASTER after $N stranger adverts (multicast)" tn_state_is lb1 web MASTER
tn_check "lb1's rx_ok unchanged" counter_is lb1 rx_ok "$ok1"
tn_check "lb2 still names lb1 as master" master_is lb2 web 192.0.2.1
tn_check "VIP still on lb1 only" test "$(tn_vip_holders $VIP lb1 lb2)" = lb1
tn_log "counters after the multicast stranger: lb1 $(tn_ctl lb1 counters | grep -v ' 0$' | tr '\n' ' '); lb2 $(tn_ctl lb2 counters | grep -v ' 0$' | tr '\n' ' ')"

# ---- 1. the wire, over steps 2-4: every advert of lb1 and lb2 unicast to
# the other (the stranger's packets come from 192.0.2.50 and are left out)
sleep 0.3 # let tcpdump write the last packets (--immediate-mode -U)
kill -INT "$TCPDUMP"
tn_wait_for 3 tn_pid_gone "$TCPDUMP"
wait "$TCPDUMP" 2>/dev/null
pairs=$(tcpdump -r "$PCAP" -n 2>/dev/null | awk '$3 != "192.0.2.50" { print $3, $5 }' | sed 's/:$//' | sort | uniq -c)
tn_log "VRRP on the wire (count src dst): $(echo "$pairs" | tr '\n' ';')"
total=$(echo "$pairs" | awk '{ n += $1 } END { print n + 0 }')
ok_pairs=$(echo "$pairs" | awk '($2 == "192.0.2.1" && $3 == "192.0.2.2") || ($2 == "192.0.2.2" && $3 == "192.0.2.1") { n += $1 } END { print n + 0 }')
from2=$(echo "$pairs" | awk '$2 == "192.0.2.2" { n += $1 } END { print n + 0 }')
[ "$total" -ge 30 ] || tn_fail "only $total VRRP packets captured in seconds of adverts every 0.1 s"
[ "$from2" -ge 1 ] || tn_fail "no advert from lb2 captured, though it was MASTER for a while"
[ "$ok_pairs" = "$total" ] ||
	tn_fail "not every advert went to the peer: $(echo "$pairs" | tr '\n' ';')"
tn_pass "all $total adverts of lb1 and lb2 unicast to the peer, none to 224.0.0.18"

# ---- 5. control: the peer's address is accepted
inject --src 192.0.2.2 --dst 192.0.2.1
tn_wait_for 1 tn_state_is lb1 web BACKUP ||
	tn_fail "a priority-200 advert from the peer's address did not make lb1 BACKUP (state $(tn_state lb1 web)): the injector does not reach it"
tn_pass "the same advert from the peer's address makes lb1 BACKUP (the injector works)"
tn_check "lb1 names 192.0.2.2 as master" master_is lb1 web 192.0.2.2
tn_done
