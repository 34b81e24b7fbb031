#!/bin/bash
# syncgroup.sh - a sync group keeps its instances on one balancer.
#  lb1 and lb2 each have eth0 (192.0.2.0/24, bridge br0) and eth1
#  (198.51.100.0/24, bridge br1). Instances "web" VRID 51 on eth0 (VIP
#  192.0.2.10) and "db" VRID 52 on eth1 (VIP 198.51.100.10), both in the
#  sync group "balancer"; lb1 prio 150, lb2 prio 100, v3 every 0.1 s.
#  1. Both MASTER on lb1.
#  2. lb1's eth1 cable cut: db goes FAULT on lb1 and web follows it out of
#     MASTER although eth0 is fine; lb2 takes both VIPs, lb1 holds none.
#  3. Restored: lb1 preempts both, both VIPs back on lb1 only.
#  4. Same with eth0 cut (the other member fails first).
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
WEB=192.0.2.10
DB=198.51.100.10
tn_topology
tn_host_if lb1 eth1 198.51.100.1/24
tn_host_if lb2 eth1 198.51.100.2/24

sync_conf() { # NAME PRIORITY
	tn_conf "$1" - <<EOF
vrrp_instances: (
  { name = "web"; interface = "eth0"; vrid = 51; priority = $2;
    advert_interval = 0.1; virtual_ipaddress = [ "$WEB/24" ]; },
  { name = "db"; interface = "eth1"; vrid = 52; priority = $2;
    advert_interval = 0.1; virtual_ipaddress = [ "$DB/24" ]; }
);
vrrp_sync_groups: (
  { name = "balancer"; group = [ "web", "db" ]; }
);
EOF
}

holders() { # ADDR IF: which of lb1 lb2 hold ADDR on IF
	local out='' n
	for n in lb1 lb2; do
		tn_has_addr "$n" "$2" "$1" && out="$out${out:+ }$n"
	done
	echo "$out"
}
both_on() { [ "$(holders $WEB eth0)" = "$1" ] && [ "$(holders $DB eth1)" = "$1" ]; }
where() { echo "web VIP on '$(holders $WEB eth0)', db VIP on '$(holders $DB eth1)'; lb1 web=$(tn_state lb1 web) db=$(tn_state lb1 db), lb2 web=$(tn_state lb2 web) db=$(tn_state lb2 db)"; }
not_master() { local s; s=$(tn_state "$1" "$2"); [ -n "$s" ] && [ "$s" != MASTER ]; }

sync_conf lb1 150
sync_conf lb2 100
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_wait_state lb1 db MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
tn_wait_state lb2 db BACKUP 3
tn_wait_for 1 both_on lb1 || tn_fail "at start: $(where)"
tn_pass "both VIPs on lb1 only"
sleep 1

cut_and_restore() { # IF that is cut on lb1, INSTANCE on it, the OTHER instance
	local ifname=$1 inst=$2 other=$3
	tn_if_down lb1 "$ifname"
	tn_wait_state lb1 "$inst" FAULT 2
	tn_wait_for 2 not_master lb1 "$other" ||
		tn_fail "$ifname cut: lb1/$inst is FAULT but lb1/$other stayed $(tn_state lb1 "$other") (sync group)"
	tn_pass "$ifname cut: lb1/$other followed lb1/$inst out of MASTER ($(tn_state lb1 "$other"))"
	tn_wait_state lb2 web MASTER 3
	tn_wait_state lb2 db MASTER 3
	tn_wait_for 2 both_on lb2 || tn_fail "$ifname cut: $(where)"
	tn_pass "$ifname cut: both VIPs on lb2 only"
	# stays so: lb1/$other must not come back on its own while $inst is FAULT
	sleep 1
	tn_check "$ifname still cut: both VIPs still on lb2 only" both_on lb2
	tn_if_up lb1 "$ifname"
	tn_wait_state lb1 web MASTER 5
	tn_wait_state lb1 db MASTER 5
	tn_wait_state lb2 web BACKUP 2
	tn_wait_state lb2 db BACKUP 2
	tn_wait_for 2 both_on lb1 || tn_fail "$ifname restored: $(where)"
	tn_pass "$ifname restored: both VIPs back on lb1 only"
	sleep 1
}

cut_and_restore eth1 db web
cut_and_restore eth0 web db
tn_done
