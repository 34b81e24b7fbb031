#!/bin/bash
# reload.sh - configuration reload, refused whole when the new file is bad.
#  1. lb1 runs as MASTER; its config is overwritten with one that has
#     vrid = 300 on line N; SIGHUP: tandemd keeps running on the old config,
#     state unchanged, and logs "FILE:N: ...".
#  2. "tandemctl reload" of the same file exits non-zero and prints the error.
#  3. a valid config with priority 120: "tandemctl reload" exits 0, status
#     shows prio=120 and lb1 is still MASTER - the VIP was never removed.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
VIP=192.0.2.10
tn_switch
tn_host lb1 192.0.2.1/24
tn_conf lb1 priority=100
conf=${TN_CONF[lb1]}
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
# Any removal of the VIP from now on means the reload disturbed the instance.
tn_spawn lb1 "$TN_DIR/addr-monitor.out" ip monitor address
sleep 0.2
masters_before=$(grep -c -- '-> MASTER' "$TN_DIR/lb1.log")

# ---- 1. broken config + SIGHUP
tn_conf lb1 priority=100 vrid=300
line=$(grep -n 'vrid = 300' "$conf" | cut -d: -f1)
[ -n "$line" ] || tn_error "could not write the broken config"
kill -HUP "${TN_DPID[lb1]}"
tn_wait_for 3 grep -q "$conf:$line:" "$TN_DIR/lb1.log" ||
	tn_fail "after SIGHUP with vrid = 300 on line $line, the log has no '$conf:$line:'"
tn_pass "SIGHUP with a bad config logs $(grep -o "$conf:$line:.*" "$TN_DIR/lb1.log" | tail -n 1)"
grep -q "reload refused" "$TN_DIR/lb1.log" || tn_fail "the log does not say 'reload refused'"
sleep 0.3
tn_alive lb1 || tn_fail "tandemd exited after SIGHUP with a bad config"
tn_check "still MASTER on the old config" tn_state_is lb1 web MASTER
tn_check "still vrid=51" test "$(tn_field lb1 web vrid)" = 51

# ---- 2. the same through the control socket
out=$(tn_ctl lb1 reload 2>&1); rc=$?
[ "$rc" -ne 0 ] || tn_fail "tandemctl reload of a bad config exited 0 (output: $out)"
case $out in
*"$conf:$line:"*) ;;
*) tn_fail "tandemctl reload output lacks '$conf:$line:': $out" ;;
esac
tn_pass "tandemctl reload refuses it (exit $rc): $out"
tn_alive lb1 || tn_fail "tandemd exited after a refused reload"
tn_check "still MASTER" tn_state_is lb1 web MASTER

# ---- 3. a valid config with priority 120
tn_conf lb1 priority=120
out=$(tn_ctl lb1 reload 2>&1); rc=$?
[ "$rc" -eq 0 ] || tn_fail "tandemctl reload of a valid config exited $rc: $out"
tn_pass "tandemctl reload of a valid config: exit 0 ($out)"
prio_is() { [ "$(tn_field lb1 web prio)" = "$1" ]; }
tn_wait_for 2 prio_is 120
prio=$(tn_field lb1 web prio)
[ "$prio" = 120 ] || tn_fail "after the reload status shows prio=$prio, expected 120"
tn_pass "status shows prio=120"
sleep 0.3
tn_check "state kept: MASTER" tn_state_is lb1 web MASTER
tn_check "VIP still on lb1" tn_has_vip lb1 $VIP
if grep -q "Deleted.*$VIP/" "$TN_DIR/addr-monitor.out"; then
	tn_fail "the VIP was removed during the reloads: $(grep "$VIP" "$TN_DIR/addr-monitor.out" | tr '\n' ';')"
fi
tn_pass "the VIP was never removed"
masters_after=$(grep -c -- '-> MASTER' "$TN_DIR/lb1.log")
[ "$masters_after" = "$masters_before" ] ||
	tn_fail "the log shows a new transition to MASTER: the reload restarted the instance"
tn_done
