#!/bin/bash
# ctl_reload.sh - `tandemctl reload` is synchronous and all-or-nothing.
#  lb1 runs MASTER at priority 100. Its config gets priority = 300 on line
#  N: `tandemctl reload` exits 1 and prints FILE:N:, `--json` carries
#  "file" and "line", the event stream reports the refusal, and nothing
#  changes (state, priority, the VIP, the daemon's pid). Then a valid
#  config with priority 120 is applied: exit 0 and prio=120 at once.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
VIP=192.0.2.10
tj() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }
tn_switch
tn_host lb1 192.0.2.1/24
tn_conf lb1 priority=100
conf=${TN_CONF[lb1]}
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
"$TANDEMCTL" -s "$(tn_sock lb1)" events --json >"$TN_DIR/events.out" 2>&1 &
TN_PIDS+=($!)
before=$(tn_ctl lb1 status --json) || tn_fail "status --json"
sleep 0.2

tn_conf lb1 priority=300
line=$(grep -n 'priority = 300' "$conf" | cut -d: -f1)
[ -n "$line" ] || tn_error "could not write the broken config"
out=$(tn_ctl lb1 reload 2>&1); rc=$?
[ $rc = 1 ] || tn_fail "reload of a broken config exited $rc (expected 1): $out"
case $out in *"$conf:$line:"*) ;; *) tn_fail "reload output lacks '$conf:$line:': $out" ;; esac
tn_pass "reload refused, exit 1: $out"
j=$(tn_ctl lb1 reload --json 2>/dev/null)
[ "$(tj "$j" 'd["ok"], d["error"]["code"], d["error"]["file"], d["error"]["line"]')" = \
  "(False, 'reload-refused', '$conf', $line)" ] || tn_fail "reload --json: $j"
tn_pass "reload --json: error carries file and line"
after=$(tn_ctl lb1 status --json) || tn_fail "status --json after the refused reload"
for e in 'd["data"]["daemon"]["pid"]' 'd["data"]["vrrp"][0]["state"]' \
	 'd["data"]["vrrp"][0]["priority"]' 'd["data"]["vrrp"][0]["transitions"]'; do
	[ "$(tj "$before" "$e")" = "$(tj "$after" "$e")" ] ||
		tn_fail "$e changed: $(tj "$before" "$e") -> $(tj "$after" "$e")"
done
tn_check "the VIP is still on lb1" tn_has_vip lb1 $VIP
tn_pass "nothing changed: same pid, state, priority, transitions"
tn_wait_for 2 grep -q '"what":"reload","ok":false' "$TN_DIR/events.out" ||
	tn_fail "the event stream does not report the refused reload: $(cat "$TN_DIR/events.out")"
tn_pass "the event stream reports the refused reload"

tn_conf lb1 priority=120
out=$(tn_ctl lb1 reload 2>&1) || tn_fail "reload of a valid config exited $?: $out"
tn_check "prio=120 as soon as reload returns" test "$(tn_field lb1 web prio)" = 120
tn_check "still MASTER" tn_state_is lb1 web MASTER
tn_done
