#!/bin/bash
# ctl_status.sh - tandemctl status/show --json, the event stream, metrics.
#  lb1 prio 150 (MASTER), lb2 prio 100 (BACKUP):
#  1. `status --json` on each: lb1 MASTER and master = itself, lb2 BACKUP
#     with master 192.0.2.1 priority 150; `--is-master` exit codes.
#  2. `events --json` runs on both while lb1's cable is cut and restored:
#     lb2 shows BACKUP -> MASTER -> BACKUP, lb1 MASTER -> FAULT -> BACKUP ->
#     MASTER, in that order with increasing seq numbers, one line each.
#  3. `metrics` counts those transitions.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v python3 >/dev/null || tn_error "python3 is needed to read JSON"

# tj JSON EXPR: EXPR (python) evaluated on the parsed JSON "d"
tj() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

tn_topology
tn_conf lb1 priority=150
tn_conf lb2 priority=100
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
# lb2 learns the master from its first advert
knows_master() { [ "$(tn_field lb2 web master)" = 192.0.2.1 ]; }
tn_wait_for 2 knows_master ||
	tn_fail "lb2 status does not show master=192.0.2.1: $(tn_ctl lb2 status)"

# ---- 1. status --json
j1=$(tn_ctl lb1 status --json) || tn_fail "status --json on lb1 failed"
j2=$(tn_ctl lb2 status --json) || tn_fail "status --json on lb2 failed"
[ "$(tj "$j1" 'd["ok"], d["v"], d["data"]["vrrp"][0]["name"], d["data"]["vrrp"][0]["state"]')" = \
  "(True, 1, 'web', 'MASTER')" ] || tn_fail "lb1 status --json: $j1"
[ "$(tj "$j1" 'd["data"]["vrrp"][0]["master"]')" = \
  "{'address': '192.0.2.1', 'priority': 150, 'self': True, 'advert_interval_ms': 100}" ] ||
	tn_fail "lb1 is not its own master in: $j1"
tn_pass "lb1: status --json says MASTER, master is itself"
[ "$(tj "$j2" 'd["data"]["vrrp"][0]["state"], d["data"]["vrrp"][0]["master"]')" = \
  "('BACKUP', {'address': '192.0.2.1', 'priority': 150, 'self': False, 'advert_interval_ms': 100})" ] ||
	tn_fail "lb2 status --json: $j2"
tn_pass "lb2: status --json says BACKUP, master 192.0.2.1 priority 150"
[ "$(tj "$j2" '[v["address"] + ":" + str(v["present"]) for v in d["data"]["vrrp"][0]["vips"]]')" = \
  "['192.0.2.10/24:False']" ] || tn_fail "lb2 VIP list: $j2"
p=$(tn_ctl lb2 show peers --json) || tn_fail "show peers failed"
[ "$(tj "$p" 'd["data"]["peers"][0]["source"], d["data"]["peers"][0]["master"]["address"]')" = \
  "('192.0.2.2', '192.0.2.1')" ] || tn_fail "lb2 show peers: $p"
tn_pass "lb2: show peers: source 192.0.2.2, master 192.0.2.1"

tn_ctl lb1 status --instance web --is-master; rc=$?
[ $rc = 0 ] || tn_fail "lb1 --is-master exited $rc"
tn_ctl lb2 status --instance web --is-master; rc=$?
[ $rc = 1 ] || tn_fail "lb2 --is-master exited $rc, expected 1"
tn_ctl lb2 status --instance web --is-backup || tn_fail "lb2 --is-backup is false"
tn_ctl lb2 status --instance nosuch --is-master 2>/dev/null; rc=$?
[ $rc = 5 ] || tn_fail "--is-master of a missing instance exited $rc, expected 5"
tn_pass "status --instance web --is-master: 0 on lb1, 1 on lb2, 5 for a missing instance"

# ---- 2. the event stream through a failover and back
for n in lb1 lb2; do
	"$TANDEMCTL" -s "$(tn_sock $n)" events --json >"$TN_DIR/events-$n.out" 2>&1 &
	TN_PIDS+=($!)
done
sleep 0.3 # both subscribed before the fault
tn_link_down lb1
tn_wait_state lb2 web MASTER 2
tn_wait_state lb1 web FAULT 2
sleep 1.2 # the client-side ARP locktime is no concern here, but let it settle
tn_link_up lb1
tn_wait_state lb1 web MASTER 5
tn_wait_state lb2 web BACKUP 2
sleep 0.3

# transitions as "seq from to" lines
trans() {
	python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)["event"]
    if e["type"] == "vrrp":
        print(e["seq"], e["instance"], e["from"], e["to"])
PY
}
t2=$(trans "$TN_DIR/events-lb2.out") || tn_fail "lb2's event stream is not JSON lines: $(cat "$TN_DIR/events-lb2.out")"
t1=$(trans "$TN_DIR/events-lb1.out") || tn_fail "lb1's event stream is not JSON lines: $(cat "$TN_DIR/events-lb1.out")"
tn_log "lb1 events: $(echo $t1)"
tn_log "lb2 events: $(echo $t2)"
[ "$(cut -d' ' -f2- <<<"$t2" | tr '\n' ';')" = "web BACKUP MASTER;web MASTER BACKUP;" ] ||
	tn_fail "lb2's stream: expected BACKUP->MASTER then MASTER->BACKUP, got: $t2"
[ "$(cut -d' ' -f2- <<<"$t1" | tr '\n' ';')" = "web MASTER FAULT;web FAULT BACKUP;web BACKUP MASTER;" ] ||
	tn_fail "lb1's stream: expected MASTER->FAULT->BACKUP->MASTER, got: $t1"
for t in "$t1" "$t2"; do
	[ "$(cut -d' ' -f1 <<<"$t" | sort -n -c 2>&1 && echo sorted)" = sorted ] ||
		tn_fail "seq numbers not increasing: $t"
done
tn_pass "event streams show the transitions in order, seq increasing"

# ---- 3. metrics
m=$(tn_ctl lb1 metrics) || tn_fail "metrics failed"
grep -qx 'tandem_vrrp_state{instance="web",vrid="51",interface="eth0",state="MASTER"} 1' <<<"$m" ||
	tn_fail "metrics: no MASTER state sample: $(grep tandem_vrrp_state <<<"$m")"
tr1=$(sed -n 's/^tandem_vrrp_transitions_total{instance="web",[^}]*} //p' <<<"$m")
# INIT->BACKUP->MASTER->FAULT->BACKUP->MASTER
[ "$tr1" = 5 ] || tn_fail "lb1 tandem_vrrp_transitions_total is '$tr1', expected 5"
tn_pass "metrics: MASTER and $tr1 transitions"
tn_done
