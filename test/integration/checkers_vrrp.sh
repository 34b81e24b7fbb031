#!/bin/bash
# checkers_vrrp.sh - issue 6 end to end in tandemd: the HAProxy checker
# drives the VRRP track "haproxy" (weight -60).
#  lb1 (150) and lb2 (100) each run HAProxy with a stats socket; killing
#  lb1's HAProxy drops lb1 to 90, lb2 preempts and takes the VIP; restarting
#  it brings lb1 back to 150 and, with preempt, the VIP back.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v haproxy >/dev/null || { echo "SKIP: haproxy not installed"; exit 77; }
tn_topology

haproxy_conf() { # NAME
	cat >"$TN_DIR/haproxy-$1.cfg" <<EOF
global
  stats socket $TN_DIR/haproxy-$1.sock mode 600 level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend http-in
  bind 127.0.0.1:8080
  default_backend app
backend app
  server local 127.0.0.1:9 disabled
EOF
}
start_haproxy() { # NAME
	tn_spawn "$1" "$TN_DIR/haproxy-$1.log" haproxy -db -f "$TN_DIR/haproxy-$1.cfg"
	HAPROXY[$1]=$TN_LAST_PID
}
declare -A HAPROXY
prio_is() { [ "$(tn_field "$1" web prio)" = "$2" ]; }
conf() { # NAME PRIORITY
	tn_conf "$1" - <<EOF
vrrp_instances: (
  { name = "web"; interface = "eth0"; vrid = 51; priority = $2; advert_interval = 0.1;
    track = ( { name = "haproxy"; weight = -60; } );
    virtual_ipaddress = [ "192.0.2.10/24" ]; }
);
checkers: (
  { name = "haproxy"; type = "haproxy"; socket = "$TN_DIR/haproxy-$1.sock";
    frontend = "http-in"; min_up = 0; interval = 0.2; timeout = 0.5; rise = 2; fall = 2; }
);
EOF
}
for h in lb1 lb2; do haproxy_conf $h; start_haproxy $h; done
tn_wait_for 5 test -S "$TN_DIR/haproxy-lb1.sock" || tn_error "HAProxy in lb1 did not start"
tn_wait_for 5 test -S "$TN_DIR/haproxy-lb2.sock" || tn_error "HAProxy in lb2 did not start"
conf lb1 150
conf lb2 100
tn_tandemd lb1
tn_tandemd lb2
tn_wait_state lb1 web MASTER 3
tn_wait_state lb2 web BACKUP 2
sleep 1 # the checkers' first results come in (UP: nothing changes)
tn_check "lb1 keeps priority 150 while HAProxy is up" prio_is lb1 150
tn_check "lb1 still MASTER" tn_state_is lb1 web MASTER

"$TANDEMCTL" -s "$(tn_sock lb1)" events >"$TN_DIR/events-lb1.out" 2>&1 &
TN_PIDS+=($!)
sleep 0.2
kill -KILL "${HAPROXY[lb1]}"
tn_log "lb1's HAProxy killed"
tn_wait_for 5 prio_is lb1 90 ||
	tn_fail "lb1's priority is $(tn_field lb1 web prio) after its HAProxy died, want 90"
tn_pass "lb1's priority fell to 90"
line=$(tn_ctl lb1 status | grep '^check haproxy ')
case "$line" in *" state=DOWN "*) ;; *) tn_fail "tandemctl status on lb1: '$line', want state=DOWN" ;; esac
tn_pass "tandemctl status shows the checker: $line"
tn_ctl lb1 metrics | grep -q '^tandem_checker_up{checker="haproxy",type="haproxy"} 0$' ||
	tn_fail "metrics on lb1 lack tandem_checker_up{checker=\"haproxy\",...} 0"
tn_pass "metrics: tandem_checker_up for haproxy is 0"
tn_wait_for 2 grep -q ' checker .*name=haproxy.*state=DOWN' "$TN_DIR/events-lb1.out" ||
	tn_fail "no checker event on lb1's event stream: $(cat "$TN_DIR/events-lb1.out")"
tn_pass "the event stream shows the checker going DOWN"
tn_wait_state lb2 web MASTER 3
tn_wait_state lb1 web BACKUP 2
tn_check "the VIP moved to lb2" tn_has_vip lb2 192.0.2.10
tn_check "the VIP left lb1" tn_no_vip lb1 192.0.2.10

rm -f "$TN_DIR/haproxy-lb1.sock"
start_haproxy lb1
tn_log "lb1's HAProxy restarted"
tn_wait_for 5 prio_is lb1 150 ||
	tn_fail "lb1's priority is $(tn_field lb1 web prio) after HAProxy came back, want 150"
tn_pass "lb1's priority back to 150"
tn_wait_state lb1 web MASTER 3
tn_wait_state lb2 web BACKUP 2
tn_check "the VIP is back on lb1" tn_has_vip lb1 192.0.2.10
tn_done
