#!/bin/bash
# tshark.sh - what tandemd puts on the wire, judged by an independent
# dissector (Wireshark's).  A VRRPv3 pair (VRID 51, 0.1 s) and a VRRPv2 pair
# (VRID 52, 1 s) run on lb1 (prio 150) and lb2 (prio 100) while tshark
# captures on the switch's bridge; lb1 is stopped with SIGTERM during the
# capture so that its priority-0 adverts are captured too.
# Every packet must be VRRP with a Good checksum (v3: with the IPv4
# pseudo-header, RFC 5798 §5.2.8; v2: without, RFC 3768), TTL 255 (§5.1.1.3),
# sent to 224.0.0.18 / 01:00:5e:00:00:12, DSCP CS6.
# tshark 4.0 has no vrrp.check_checksum preference: its VRRP dissector always
# verifies, and vrrp.checksum.status is 1 for Good (0 Bad, 2 Unverified).
# vrrp.v3_checksum_as_in_v2 stays at its default (FALSE: pseudo-header).
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v tshark >/dev/null || { echo "SKIP: tshark not installed"; exit 77; }
CAP_S=4
tn_topology

for h in lb1 lb2; do
	[ $h = lb1 ] && prio=150 || prio=100
	tn_conf $h - <<EOC
vrrp_instances: (
  { name = "web"; interface = "eth0"; vrid = 51; priority = $prio; version = 3;
    advert_interval = 0.1; virtual_ipaddress = [ "192.0.2.10/24" ]; },
  { name = "legacy"; interface = "eth0"; vrid = 52; priority = $prio; version = 2;
    advert_interval = 1; virtual_ipaddress = [ "192.0.2.20/24" ]; }
);
EOC
done
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_wait_state lb1 legacy MASTER 5
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
tn_wait_state lb2 legacy BACKUP 3

pcap="$TN_DIR/vrrp.pcap"
tn_spawn sw "$TN_DIR/tshark.log" tshark -n -i "$TN_BRIDGE" -f 'ip proto 112' \
	-a duration:$CAP_S -w "$pcap"
cap_pid=$TN_LAST_PID
tn_wait_for 5 grep -q "Capturing on" "$TN_DIR/tshark.log" ||
	tn_error "tshark did not start: $(cat "$TN_DIR/tshark.log")"
sleep 1.5
tn_stop lb1 TERM 3 || tn_fail "lb1's tandemd did not exit on SIGTERM"
tn_wait_for $((CAP_S + 3)) tn_pid_gone "$cap_pid" || tn_error "tshark did not stop"
wait "$cap_pid" 2>/dev/null

fields="$TN_DIR/fields.txt"
tshark -n -r "$pcap" -T fields -E separator=/t -E occurrence=f \
	-e frame.number -e ip.src -e ip.dst -e eth.dst -e ip.ttl -e ip.dsfield.dscp \
	-e vrrp.version -e vrrp.virt_rtr_id -e vrrp.prio -e vrrp.checksum.status \
	-e _ws.malformed >"$fields" 2>"$TN_DIR/tshark-read.log" ||
	tn_error "tshark cannot read the capture: $(cat "$TN_DIR/tshark-read.log")"
{ head -n 3 "$fields"; awk -F'\t' '$9 == 0' "$fields"; } | sed 's/^/# /'

# Columns: 1 frame 2 src 3 dst 4 eth.dst 5 ttl 6 dscp 7 version 8 vrid 9 prio
# 10 checksum status (Wireshark: 0 Bad, 1 Good, 2 Unverified) 11 malformed
bad=$(awk -F'\t' '
	$7 == "" || $8 == "" { print "frame " $1 ": not dissected as VRRP"; next }
	$11 != "" { print "frame " $1 ": malformed VRRP"; next }
	$10 != 1 { print "frame " $1 ": checksum status " $10 " (1 = Good) for VRRPv" $7 " from " $2 }
	$5 != 255 { print "frame " $1 ": TTL " $5 " from " $2 }
	$3 != "224.0.0.18" { print "frame " $1 ": sent to " $3 }
	$4 != "01:00:5e:00:00:12" { print "frame " $1 ": Ethernet destination " $4 }
	$6 != 48 { print "frame " $1 ": DSCP " $6 ", expected 48 (CS6)" }
' "$fields")
[ -z "$bad" ] || tn_fail "bad packets on the wire: $(echo "$bad" | head -n 5 | tr '\n' ';')"
tn_pass "every captured packet is VRRP with a Good checksum, TTL 255, CS6, to 224.0.0.18"

count() { awk -F'\t' -v v="$1" -v id="$2" -v p="$3" '$7 == v && $8 == id && (p == "" || $9 == p) { n++ } END { print n + 0 }' "$fields"; }
v3=$(count 3 51 ""); v2=$(count 2 52 ""); v3_0=$(count 3 51 0); v2_0=$(count 2 52 0)
tn_log "captured: v3 $v3 (priority 0: $v3_0), v2 $v2 (priority 0: $v2_0)"
# v3 at 0.1 s for ~$CAP_S s minus startup: well over 15; v2 at 1 s: >= 2.
[ "$v3" -ge 15 ] || tn_fail "only $v3 VRRPv3 adverts for VRID 51 captured in $CAP_S s"
[ "$v2" -ge 2 ] || tn_fail "only $v2 VRRPv2 adverts for VRID 52 captured in $CAP_S s"
[ "$v3_0" -ge 1 ] || tn_fail "no priority-0 VRRPv3 advert captured when lb1 stopped"
[ "$v2_0" -ge 1 ] || tn_fail "no priority-0 VRRPv2 advert captured when lb1 stopped"
awk -F'\t' '$9 == 0 && $2 != "192.0.2.1" { bad = 1 } END { exit bad }' "$fields" ||
	tn_fail "a priority-0 advert came from someone other than the stopping lb1"
tn_pass "captured $v3 v3 and $v2 v2 adverts, including priority 0 from lb1"
tn_done
