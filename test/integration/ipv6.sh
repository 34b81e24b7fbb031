#!/bin/bash
# ipv6.sh - VRRPv3 over IPv6 (RFC 5798 §5.1.2, §8.2), then v4 + v6 side by side.
#  1. IPv6-only pair: lb1 2001:db8::1 (fe80::1) prio 150, lb2 2001:db8::2
#     (fe80::2) prio 100, VIP 2001:db8::10/64, adverts every 0.1 s; a client
#     2001:db8::100 pings the VIP every 10 ms. lb1's cable is cut:
#     - lb2 becomes MASTER and the client's pings are answered again, its
#       neighbour entry for the VIP now holds lb2's MAC (the NA overrode it);
#     - right after the takeover the VIP on lb2 is "nodad" and not
#       "tentative" (DAD is on in these hosts: a VIP added without
#       IFA_F_NODAD would be tentative for ~1 s and unusable, §8.2);
#     - on the bridge: an unsolicited NA (ICMPv6 136) from the VIP, from
#       lb2's MAC, target the VIP, Override flag set, hop limit 255.
#     Restored: lb1 preempts, the VIP is back on lb1 only.
#  2. Mixed: two instances on one eth0, "web" VRID 51 IPv4 192.0.2.10 and
#     "web6" VRID 51 IPv6 2001:db8::10 (same VRID, other family: separate
#     routers, §7.3). Both MASTER on lb1; cable cut -> both on lb2; restored
#     -> both back on lb1, each VIP on exactly one host.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v tcpdump >/dev/null || { echo "SKIP: $TN_TEST needs tcpdump"; exit 77; }
command -v tshark >/dev/null || { echo "SKIP: $TN_TEST needs tshark"; exit 77; }
VIP6=2001:db8::10
VIP4=192.0.2.10
tn_switch
tn_host6 lb1 2001:db8::1/64 fe80::1
tn_host6 lb2 2001:db8::2/64 fe80::2
tn_host6 client 2001:db8::100/64 fe80::100

mac_of() { ip -n "$(tn_ns "$1")" -o link show dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "link/ether") print $(i + 1) }'; }
client_neigh_mac() { tn_exec client ip -6 neigh show "$VIP6" dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'; }
client_neigh_is() { [ "$(client_neigh_mac)" = "$1" ]; }
MAC1=$(mac_of lb1)
MAC2=$(mac_of lb2)

# ---- 1. IPv6-only pair
tn_conf lb1 priority=150 vips="\"$VIP6/64\""
tn_conf lb2 priority=100 vips="\"$VIP6/64\""
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
master_is() { [ "$(tn_field "$1" "$2" master)" = "$3" ]; }
tn_wait_for 2 master_is lb2 web fe80::1 || master=$(tn_field lb2 web master)
[ -z "${master:-}" ] || tn_fail "lb2 reports master=$master, expected lb1's link-local fe80::1 (§5.1.2.1)"
tn_pass "lb2 hears lb1 from its link-local fe80::1"
tn_check "VIP on lb1 only" test "$(tn_vip_holders6 "$VIP6" lb1 lb2)" = lb1
sleep 1 # settle: NA burst over
tn_exec client ping -6 -c 1 -W 1 "$VIP6" >/dev/null || tn_fail "the client cannot ping $VIP6 on lb1"
tn_check "client's neighbour entry for the VIP is lb1's MAC $MAC1" client_neigh_is "$MAC1"

# Capture ICMPv6 on the switch; tcpdump says "listening" once it is.
PCAP=$TN_DIR/na.pcap
# (host name "sw": tn_ns sw is the switch namespace $TN_SW)
tn_spawn sw "$TN_DIR/tcpdump.log" tcpdump -i "$TN_BRIDGE" --immediate-mode -U -n -w "$PCAP" icmp6
TCPDUMP=$TN_LAST_PID
tn_wait_for 5 grep -q listening "$TN_DIR/tcpdump.log" || tn_error "tcpdump did not start: $(cat "$TN_DIR/tcpdump.log")"

# The client pings every 10 ms for 4 s; -D prints a timestamp per reply.
PINGLOG=$TN_DIR/ping.log
tn_spawn client "$PINGLOG" ping -6 -D -n -i 0.01 -W 1 -w 4 "$VIP6"
PING=$TN_LAST_PID
sleep 1
t_cut=$(tn_ms)
tn_link_down lb1
tn_wait_for 3 tn_state_is lb2 web MASTER || tn_fail "lb2 not MASTER within 3 s of cutting lb1's cable"
tn_wait_for 1 tn_has_vip6 lb2 "$VIP6" || tn_fail "lb2 MASTER without the VIP"
flags=$(tn_addr_flags lb2 eth0 "$VIP6")
tn_log "lb2 MASTER $(( $(tn_ms) - t_cut )) ms after the cut; VIP flags: $flags"
case " $flags " in *" tentative "*) tn_fail "VIP on lb2 is tentative ($flags): added without nodad" ;; esac
case " $flags " in *" nodad "*) ;; *) tn_fail "VIP on lb2 lacks the nodad flag ($flags)" ;; esac
tn_pass "VIP on lb2 at once, nodad, not tentative"
tn_wait_state lb1 web FAULT 2
tn_wait_for 5 tn_pid_gone "$PING" || tn_fail "ping did not end"
wait "$PING" 2>/dev/null
# Replies after the cut: the VIP answers again, now from lb2.
after=$(awk -v t="$t_cut" '/bytes from/ { s = substr($1, 2, length($1) - 2) * 1000; if (s > t) n++ } END { print n + 0 }' "$PINGLOG")
gap=$(awk '/bytes from/ { s = substr($1, 2, length($1) - 2) * 1000; if (p && s - p > g) g = s - p; p = s } END { printf "%d", g }' "$PINGLOG")
tn_log "client: $after replies after the cut, longest gap between replies ${gap} ms"
[ "$after" -ge 50 ] || tn_fail "the client got only $after ping replies after the cut (see ping.log: $(tail -3 "$PINGLOG" | tr '\n' ' '))"
tn_pass "the client's pings of $VIP6 are answered after the takeover"
tn_check "client's neighbour entry for the VIP moved to lb2's MAC $MAC2" client_neigh_is "$MAC2"

sleep 0.3 # the NA burst (5 x 10 ms) is on the wire
kill -INT "$TCPDUMP"
tn_wait_for 3 tn_pid_gone "$TCPDUMP"
wait "$TCPDUMP" 2>/dev/null
na=$(tshark -r "$PCAP" -n -T fields -e frame.number \
	-Y "icmpv6.type == 136 && ipv6.src == $VIP6 && eth.src == $MAC2 && icmpv6.nd.na.target_address == $VIP6 && icmpv6.nd.na.flag.o == 1 && ipv6.hlim == 255" 2>/dev/null | wc -l)
[ "$na" -ge 1 ] || tn_fail "no unsolicited NA from $VIP6 (lb2's MAC, O flag, hop limit 255) on the bridge; seen: $(tshark -r "$PCAP" -n -Y 'icmpv6.type == 136' 2>/dev/null | head -5)"
tn_pass "$na unsolicited NA(s) for $VIP6 from lb2's MAC with the Override flag"

t0=$(tn_ms)
tn_link_up lb1
tn_wait_for 5 tn_state_is lb1 web MASTER || tn_fail "lb1 did not preempt within 5 s of the link coming back"
tn_log "lb1 MASTER again $(( $(tn_ms) - t0 )) ms after the restore"
tn_wait_state lb2 web BACKUP 2
tn_wait_for 1 tn_no_vip6 lb2 "$VIP6" || tn_fail "lb2 went BACKUP but kept $VIP6"
tn_check "VIP on lb1 only" test "$(tn_vip_holders6 "$VIP6" lb1 lb2)" = lb1
tn_stop lb1 TERM || tn_fail "lb1's tandemd did not stop on SIGTERM"
tn_stop lb2 TERM || tn_fail "lb2's tandemd did not stop on SIGTERM"

# ---- 2. mixed IPv4 + IPv6 instances on one interface
tn_exec lb1 ip addr add 192.0.2.1/24 dev eth0 || tn_error "cannot add 192.0.2.1"
tn_exec lb2 ip addr add 192.0.2.2/24 dev eth0 || tn_error "cannot add 192.0.2.2"
mixed_conf() { # NAME PRIORITY
	tn_conf "$1" - <<EOF
vrrp_instances: (
  { name = "web"; interface = "eth0"; vrid = 51; priority = $2;
    advert_interval = 0.1; virtual_ipaddress = [ "$VIP4/24" ]; },
  { name = "web6"; interface = "eth0"; vrid = 51; priority = $2;
    advert_interval = 0.1; virtual_ipaddress = [ "$VIP6/64" ]; }
);
EOF
}
both_on() { # NAME: both VIPs on NAME only
	[ "$(tn_vip_holders "$VIP4" lb1 lb2)" = "$1" ] && [ "$(tn_vip_holders6 "$VIP6" lb1 lb2)" = "$1" ]
}
mixed_conf lb1 150
mixed_conf lb2 100
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_wait_state lb1 web6 MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
tn_wait_state lb2 web6 BACKUP 3
tn_wait_for 2 master_is lb2 web 192.0.2.1 || tn_fail "lb2/web reports master=$(tn_field lb2 web master), expected 192.0.2.1"
tn_wait_for 2 master_is lb2 web6 fe80::1 || tn_fail "lb2/web6 reports master=$(tn_field lb2 web6 master), expected fe80::1"
tn_pass "lb2/web hears 192.0.2.1, lb2/web6 hears fe80::1"
tn_check "both VIPs on lb1 only" both_on lb1
sleep 0.5
tn_link_down lb1
tn_wait_state lb2 web MASTER 3
tn_wait_state lb2 web6 MASTER 3
tn_wait_for 2 both_on lb2 ||
	tn_fail "after the cut: $VIP4 on '$(tn_vip_holders "$VIP4" lb1 lb2)', $VIP6 on '$(tn_vip_holders6 "$VIP6" lb1 lb2)', expected lb2 only"
tn_pass "cable cut: both VIPs on lb2 only"
tn_link_up lb1
tn_wait_state lb1 web MASTER 5
tn_wait_state lb1 web6 MASTER 5
tn_wait_for 2 both_on lb1 ||
	tn_fail "after the restore: $VIP4 on '$(tn_vip_holders "$VIP4" lb1 lb2)', $VIP6 on '$(tn_vip_holders6 "$VIP6" lb1 lb2)', expected lb1 only"
tn_pass "restored: both VIPs back on lb1 only"
tn_check "lb2/web BACKUP" tn_state_is lb2 web BACKUP
tn_check "lb2/web6 BACKUP" tn_state_is lb2 web6 BACKUP
tn_done
