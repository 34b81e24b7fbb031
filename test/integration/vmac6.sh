#!/bin/bash
# vmac6.sh - RFC 5798 §7.3 virtual MAC for IPv6 (use_vmac, VRID 51):
# the VIP answers from 00:00:5e:00:02:33 on whichever balancer is master.
#  - both balancers make vrrp6.51 with that MAC and no address of its own
#    (addr_gen_mode none: a link-local there would be answered for with the
#    VMAC - keepalived issue #2296); the master's holds the VIP, nodad;
#  - adverts leave the macvlan from the parent's link-local (§5.1.2.1):
#    lb2 reports master=fe80::1;
#  - the client resolves the VIP to the VMAC, also after lb1 had to solicit
#    the client itself; it resolves lb2's own link-local to lb2's real MAC;
#    no NA for the VIP ever comes from another MAC than the VMAC (the
#    parent does not answer NS for a VIP on the macvlan);
#  - lb1's cable is cut: lb2 takes over, the client keeps pinging the VIP
#    (every 10 ms) and its neighbour entry is still the VMAC; lb2 still
#    sends its unsolicited NA (from the VMAC, source and target the VIP,
#    O flag), seen on lb2's switch port; lb2 sent nothing from the VMAC
#    while BACKUP (its MLD reports leave from its own MAC);
#  - restored: lb1 preempts; on stop the macvlan is removed;
#  - without a link-local on the parent, tandemd refuses to start, naming it.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v tcpdump >/dev/null || { echo "SKIP: $TN_TEST needs tcpdump"; exit 77; }
command -v tshark >/dev/null || { echo "SKIP: $TN_TEST needs tshark"; exit 77; }
VIP6=2001:db8::10
VMAC=00:00:5e:00:02:33
VIF=vrrp6.51
tn_switch
tn_host6 lb1 2001:db8::1/64 fe80::1
tn_host6 lb2 2001:db8::2/64 fe80::2
tn_host6 client 2001:db8::100/64 fe80::100

mac_of() { ip -n "$(tn_ns "$1")" -br link show "$2" 2>/dev/null | awk '{print $3}'; }
neigh_mac() { tn_exec client ip -6 neigh show "$1" dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'; }
neigh_is() { [ "$(neigh_mac "$1")" = "$2" ]; }
ping_ok() { tn_exec client ping -6 -c 1 -W 1 "$VIP6" >/dev/null 2>&1; }
# capture on NAME's switch port: what NAME sends (and what it receives)
# (MLD reports carry a hop-by-hop header: no "icmp6" filter, which misses them)
capture() { # NAME PCAP [tcpdump options]
	local name=$1 pcap=$2 log=$TN_DIR/tcpdump-$1.log
	shift 2
	tn_spawn sw "$log" tcpdump -i "$(tn_swport "$name")" --immediate-mode -U -n "$@" -w "$pcap" ip6
	tn_wait_for 5 grep -q listening "$log" || tn_error "tcpdump did not start: $(cat "$log")"
}
stop_capture() { # PID
	sleep 0.3
	kill -INT "$1"
	tn_wait_for 3 tn_pid_gone "$1"
	wait "$1" 2>/dev/null
}
count() { tshark -r "$1" -n -T fields -e frame.number -Y "$2" 2>/dev/null | wc -l; }
MAC2=$(mac_of lb2 eth0)

tn_conf lb1 priority=150 use_vmac=true vips="\"$VIP6/64\""
tn_conf lb2 priority=100 use_vmac=true vips="\"$VIP6/64\""
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
# what lb2 sends (-Q in on its switch port), from its start to the end
PCAP2=$TN_DIR/lb2.pcap
capture lb2 "$PCAP2" -Q in
CAP2=$TN_LAST_PID
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
master_is() { [ "$(tn_field lb2 web master)" = "$1" ]; }
tn_wait_for 2 master_is fe80::1 ||
	tn_fail "lb2 reports master=$(tn_field lb2 web master), expected lb1's link-local fe80::1 (§5.1.2.1)"
tn_pass "lb2 hears lb1's adverts on its $VIF, from lb1's link-local fe80::1"
for h in lb1 lb2; do
	[ "$(mac_of "$h" "$VIF")" = $VMAC ] || tn_fail "$h: $VIF has MAC '$(mac_of "$h" "$VIF")', expected $VMAC"
done
tn_pass "both balancers made $VIF with $VMAC"
tn_has_addr lb1 "$VIF" "$VIP6" || tn_fail "the VIP is not on lb1's $VIF"
tn_has_addr lb1 eth0 "$VIP6" && tn_fail "the VIP is on lb1's eth0 too"
flags=$(tn_addr_flags lb1 "$VIF" "$VIP6")
case " $flags " in *" nodad "*) ;; *) tn_fail "VIP on lb1's $VIF lacks nodad ($flags)" ;; esac
tn_pass "the VIP sits on lb1's $VIF ($flags)"
a2=$(ip -n "$(tn_ns lb2)" -6 -o addr show dev "$VIF")
[ -z "$a2" ] || tn_fail "lb2's $VIF has addresses of its own: $a2"
ip -n "$(tn_ns lb1)" -6 -o addr show dev "$VIF" scope link | grep -q . &&
	tn_fail "lb1's $VIF has a link-local address: $(ip -n "$(tn_ns lb1)" -6 -o addr show dev "$VIF" scope link)"
tn_pass "no link-local address on either $VIF"

sleep 1 # settle: lb1's NA burst over
PCAP1=$TN_DIR/lb1.pcap
capture lb1 "$PCAP1"
CAP1=$TN_LAST_PID
tn_exec client ip -6 neigh flush dev eth0
tn_check "the client reaches the VIP" ping_ok
tn_check "the client resolves the VIP to the VMAC" neigh_is "$VIP6" $VMAC
# lb1 must now solicit the client itself: its NS must not teach the client
# another MAC for the VIP (the IPv6 side of arp_announce).
tn_exec lb1 ip -6 neigh flush dev eth0
tn_exec lb1 ip -6 neigh flush dev "$VIF"
tn_check "the client reaches the VIP after lb1 forgot it" ping_ok
tn_check "the client still resolves the VIP to the VMAC" neigh_is "$VIP6" $VMAC
tn_exec client ping -6 -c 1 -W 1 fe80::2%eth0 >/dev/null || tn_fail "the client cannot ping lb2's fe80::2"
tn_check "the client resolves lb2's own link-local to lb2's MAC $MAC2, not the VMAC" neigh_is fe80::2 "$MAC2"
stop_capture "$CAP1"
bad=$(count "$PCAP1" "icmpv6.type == 136 && icmpv6.nd.na.target_address == $VIP6 && eth.src != $VMAC")
good=$(count "$PCAP1" "icmpv6.type == 136 && icmpv6.nd.na.target_address == $VIP6 && eth.src == $VMAC")
tn_log "NAs for the VIP on lb1's port: $good from the VMAC, $bad from another MAC"
[ "$bad" = 0 ] || tn_fail "lb1 answered for the VIP from another MAC than the VMAC: $(tshark -r "$PCAP1" -n -Y "icmpv6.type == 136 && eth.src != $VMAC" 2>/dev/null | head -3)"
[ "$good" -ge 1 ] || tn_fail "no NA for the VIP from the VMAC: the client's NS was not answered by $VIF"
tn_pass "only $VIF answers NS for the VIP, with the VMAC"
ns=$(count "$PCAP1" "icmpv6.type == 135 && ipv6.src == $VIP6 && icmpv6.nd.ns.target_address == 2001:db8::100")
bad=$(count "$PCAP1" "icmpv6.type == 135 && ipv6.src == $VIP6 && eth.src != $VMAC")
[ "$ns" -ge 1 ] || tn_fail "lb1 never solicited the client from the VIP: the check above proves nothing"
[ "$bad" = 0 ] || tn_fail "lb1 solicited from the VIP with another MAC than the VMAC"
tn_pass "lb1's own NS from the VIP ($ns) carry the VMAC"

PINGLOG=$TN_DIR/ping.log
tn_spawn client "$PINGLOG" ping -6 -D -n -i 0.01 -W 1 -w 4 "$VIP6"
PING=$TN_LAST_PID
sleep 1
t_cut=$(tn_ms)
tn_link_down lb1
tn_wait_state lb2 web MASTER 3
tn_wait_for 1 tn_has_addr lb2 "$VIF" "$VIP6" || tn_fail "lb2 MASTER without the VIP on $VIF"
tn_log "lb2 MASTER $(( $(tn_ms) - t_cut )) ms after the cut; VIP flags: $(tn_addr_flags lb2 "$VIF" "$VIP6")"
tn_wait_state lb1 web FAULT 2
tn_wait_for 5 tn_pid_gone "$PING" || tn_fail "ping did not end"
wait "$PING" 2>/dev/null
after=$(awk -v t="$t_cut" '/bytes from/ { s = substr($1, 2, length($1) - 2) * 1000; if (s > t) n++ } END { print n + 0 }' "$PINGLOG")
gap=$(awk '/bytes from/ { s = substr($1, 2, length($1) - 2) * 1000; if (p && s - p > g) g = s - p; p = s } END { printf "%d", g }' "$PINGLOG")
tn_log "client: $after replies after the cut, longest gap between replies ${gap} ms"
[ "$after" -ge 50 ] || tn_fail "the client got only $after ping replies after the cut (ping.log: $(tail -3 "$PINGLOG" | tr '\n' ' '))"
tn_pass "the client's pings of $VIP6 are answered after the takeover"
tn_check "the client's neighbour entry for the VIP is still the VMAC" neigh_is "$VIP6" $VMAC
stop_capture "$CAP2"
# A Backup's frame from the VMAC would move the switch's FDB entry to it
# until the Master's next advert (pings to the VIP lost meanwhile): its MLD
# reports for ff02::12 leave from the parent instead (nftables dup + drop,
# vrrp_accept.c), so that snooping switches still see it as a member.
cut_s=$(awk -v t="$t_cut" 'BEGIN { printf "%.3f", t / 1000 }')
early=$(tshark -r "$PCAP2" -n -T fields -e _ws.col.Info -Y "eth.src == $VMAC && frame.time_epoch < $cut_s" 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
[ -z "$early" ] || tn_fail "lb2 sent from the VMAC while BACKUP: $early"
tn_pass "lb2 sent nothing from the VMAC while BACKUP"
mld=$(count "$PCAP2" "eth.src == $MAC2 && (icmpv6.type == 143 || icmpv6.type == 131) && frame.time_epoch < $cut_s")
[ "$mld" -ge 1 ] || tn_fail "lb2's MLD report for ff02::12 did not leave from its own MAC $MAC2"
tn_pass "lb2's MLD reports ($mld) left from its own MAC"
na=$(count "$PCAP2" "icmpv6.type == 136 && eth.src == $VMAC && ipv6.src == $VIP6 && icmpv6.nd.na.target_address == $VIP6 && icmpv6.nd.na.flag.o == 1 && ipv6.hlim == 255")
[ "$na" -ge 1 ] || tn_fail "lb2 sent no unsolicited NA for $VIP6 from the VMAC; its NAs: $(tshark -r "$PCAP2" -n -Y 'icmpv6.type == 136' 2>/dev/null | head -5)"
tn_pass "lb2 sent $na unsolicited NA(s) for $VIP6 from the VMAC, O flag set"

tn_link_up lb1
tn_wait_state lb1 web MASTER 5
tn_wait_state lb2 web BACKUP 2
tn_wait_for 1 eval '! tn_has_addr lb2 "$VIF" "$VIP6"' || tn_fail "lb2 went BACKUP but kept the VIP on $VIF"
tn_check "after the restore the client reaches the VIP on lb1" tn_wait_for 3 ping_ok
tn_check "the client's neighbour entry for the VIP is still the VMAC" neigh_is "$VIP6" $VMAC

tn_stop lb1 TERM || tn_fail "lb1 did not stop"
ip -n "$(tn_ns lb1)" link show "$VIF" >/dev/null 2>&1 && tn_fail "lb1 left $VIF behind"
tn_pass "lb1 removed $VIF on stop"

# Without a link-local on the parent there is no advert source: a clear
# error naming the parent, at start, and nothing left behind.
tn_exec lb1 ip -6 addr del fe80::1/64 dev eth0 || tn_error "cannot remove lb1's fe80::1"
TN_NOWAIT=1 tn_tandemd lb1
tn_wait_for 5 tn_pid_gone "${TN_DPID[lb1]}" || tn_fail "tandemd started on lb1 without a link-local on eth0"
grep -q "vmac $VIF: interface eth0 has no IPv6 link-local address" "$TN_DIR/lb1.log" ||
	tn_fail "no clear error for the missing link-local: $(tail -2 "$TN_DIR/lb1.log")"
ip -n "$(tn_ns lb1)" link show "$VIF" >/dev/null 2>&1 && tn_fail "lb1 left $VIF behind after the refusal"
tn_pass "no link-local on eth0: refused at start, naming eth0"
tn_done
