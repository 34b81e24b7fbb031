#!/bin/bash
# vmac.sh - RFC 5798 §7.3 virtual MAC (use_vmac): the VIP answers from
# 00:00:5e:00:01:33 (VRID 51) on whichever balancer is master, so the
# client's ARP entry never changes across a failover. A Backup sends
# nothing from the VMAC (that would pull the VIP's traffic to it): its IGMP
# report for 224.0.0.18 leaves from its own MAC (nftables, vrrp_accept.c).
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
tn_topology client
VMAC=00:00:5e:00:01:33
tn_conf lb1 priority=150 use_vmac=true
tn_conf lb2 priority=100 use_vmac=true
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
PCAP2=$TN_DIR/lb2.pcap
tn_spawn sw "$TN_DIR/tcpdump.log" tcpdump -i "$(tn_swport lb2)" -Q in --immediate-mode -U -n -w "$PCAP2"
CAP2=$TN_LAST_PID
tn_wait_for 5 grep -q listening "$TN_DIR/tcpdump.log" || tn_error "tcpdump did not start"
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 1
sleep 1
kill -INT "$CAP2"; tn_wait_for 3 tn_pid_gone "$CAP2"; wait "$CAP2" 2>/dev/null
MAC2=$(ip -n "$(tn_ns lb2)" -br link show eth0 | awk '{print $3}')
from_vmac=$(tshark -r "$PCAP2" -n -Y "eth.src == $VMAC" 2>/dev/null | head -3)
[ -z "$from_vmac" ] || tn_fail "lb2 sent from the VMAC while BACKUP: $from_vmac"
igmp=$(tshark -r "$PCAP2" -n -Y "igmp && eth.src == $MAC2" 2>/dev/null | wc -l)
[ "$igmp" -ge 1 ] || tn_fail "lb2's IGMP report did not leave from its own MAC $MAC2"
tn_pass "lb2 sent nothing from the VMAC while BACKUP; its IGMP reports ($igmp) left from $MAC2"
mac_of() { ip -n "$(tn_ns "$1")" -br link show vrrp.51 2>/dev/null | awk '{print $3}'; }
[ "$(mac_of lb1)" = $VMAC ] || tn_fail "lb1: vrrp.51 has MAC '$(mac_of lb1)', expected $VMAC"
[ "$(mac_of lb2)" = $VMAC ] || tn_fail "lb2: vrrp.51 has MAC '$(mac_of lb2)', expected $VMAC"
tn_pass "both balancers created vrrp.51 with $VMAC"
ip -n "$(tn_ns lb1)" -br addr show vrrp.51 | grep -q 192.0.2.10 || tn_fail "the VIP is not on lb1's vrrp.51"
tn_pass "the VIP sits on lb1's vrrp.51"

ping_ok() { tn_exec client ping -c 1 -W 1 192.0.2.10 >/dev/null 2>&1; }
tn_check "the client reaches the VIP" ping_ok
neigh() { ip -n "$(tn_ns client)" neigh show 192.0.2.10 | awk '{print $5}'; }
[ "$(neigh)" = $VMAC ] || tn_fail "client's ARP entry for the VIP is '$(neigh)', expected $VMAC"
tn_pass "client resolves the VIP to the virtual MAC"

tn_link_down lb1
tn_wait_state lb2 web MASTER 2
tn_check "after failover the client reaches the VIP on lb2" tn_wait_for 3 ping_ok
[ "$(neigh)" = $VMAC ] || tn_fail "client's ARP entry changed to '$(neigh)'"
tn_pass "client's ARP entry is still $VMAC after the failover"
tn_link_up lb1
tn_wait_state lb1 web MASTER 3

tn_stop lb1 TERM || tn_fail "lb1 did not stop"
ip -n "$(tn_ns lb1)" link show vrrp.51 >/dev/null 2>&1 && tn_fail "lb1 left vrrp.51 behind"
tn_pass "lb1 removed vrrp.51 on stop"
tn_done
