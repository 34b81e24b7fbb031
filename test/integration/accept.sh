#!/bin/bash
# accept.sh - accept_mode (RFC 5798 §6.4.3), and several instances on one
# interface with several VIPs each.
#  lb1 runs "web" (VRID 51, VIPs .10 and .12, accept_mode off) and "db"
#  (VRID 52, VIP .11, accept_mode on) on eth0; lb2 backs both up.
#  - lb1 is MASTER of both, holds all three VIPs; lb2 holds none;
#  - the client reaches .11 but not .10/.12 (dropped by Tandem's nftables
#    table), while ARP for .10 still resolves to lb1 (the VIP is claimed);
#  - after lb1 stops, its nftables table is gone and lb2 holds all three.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v nft >/dev/null || { echo "SKIP: nft not installed"; exit 77; }
tn_topology client

conf() { # NAME PRIORITY
	tn_conf "$1" - <<EOF
vrrp_instances: (
  { name = "web"; interface = "eth0"; vrid = 51; priority = $2; advert_interval = 0.1;
    accept_mode = false; virtual_ipaddress = [ "192.0.2.10/24", "192.0.2.12/24" ]; },
  { name = "db"; interface = "eth0"; vrid = 52; priority = $2; advert_interval = 0.1;
    accept_mode = true; virtual_ipaddress = [ "192.0.2.11/24" ]; }
);
EOF
}
conf lb1 150
conf lb2 100
tn_tandemd lb1
tn_tandemd lb2
tn_wait_state lb1 web MASTER 3
tn_wait_state lb1 db MASTER 3
tn_wait_state lb2 web BACKUP 1
tn_wait_state lb2 db BACKUP 1
for v in 192.0.2.10 192.0.2.11 192.0.2.12; do
	[ "$(tn_vip_holders $v lb1 lb2)" = lb1 ] || tn_fail "$v should be on lb1 only, is on: '$(tn_vip_holders $v lb1 lb2)'"
done
tn_pass "two instances on eth0: lb1 holds 192.0.2.10, .11, .12; lb2 none"

ping_ok() { tn_exec client ping -c 1 -W 1 "$1" >/dev/null 2>&1; }
tn_check "accept_mode on: the client reaches 192.0.2.11" ping_ok 192.0.2.11
ping_ok 192.0.2.10 && tn_fail "accept_mode off: 192.0.2.10 answered a ping"
ping_ok 192.0.2.12 && tn_fail "accept_mode off: 192.0.2.12 answered a ping"
tn_pass "accept_mode off: 192.0.2.10 and .12 do not answer"
lb1mac=$(ip -n "$(tn_ns lb1)" -br link show eth0 | awk '{print $3}')
neigh=$(ip -n "$(tn_ns client)" neigh show 192.0.2.10 | awk '{print $5}')
[ "$neigh" = "$lb1mac" ] || tn_fail "client's ARP entry for 192.0.2.10 is '$neigh', expected lb1's $lb1mac"
tn_pass "ARP for 192.0.2.10 still resolves to lb1 ($lb1mac)"
drops=$(tn_exec lb1 nft list set inet tandem noaccept4 2>&1 | tr -d '\n')
case "$drops" in *192.0.2.10*192.0.2.12*) ;; *) tn_fail "nft set noaccept4 in lb1: $drops" ;; esac
case "$drops" in *192.0.2.11*) tn_fail "192.0.2.11 (accept_mode on) is in noaccept4" ;; esac
tn_pass "lb1's nftables set lists 192.0.2.10 and 192.0.2.12 only"

tn_stop lb1 TERM || tn_fail "lb1 did not stop"
tn_exec lb1 nft list table inet tandem >/dev/null 2>&1 && tn_fail "table inet tandem left in lb1 after stop"
tn_pass "lb1 removed its nftables table on stop"
tn_wait_state lb2 web MASTER 2
tn_wait_state lb2 db MASTER 2
for v in 192.0.2.10 192.0.2.11 192.0.2.12; do
	tn_check "$v moved to lb2" tn_has_vip lb2 $v
done
tn_done
