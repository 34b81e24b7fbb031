#!/bin/bash
# ctl_auth.sh - who may use the control socket (SO_PEERCRED).
#  The test creates groups R (read) and A (admin) and users: a reader in R,
#  an admin in R and A, a stranger in neither (all removed by the trap).
#  tandemd runs with -g R -G A:
#  1. the socket is mode 0660, group R;
#  2. the reader can read status (text and --json) and the event stream,
#     and is refused reload and handoff (exit 4) - nothing changes;
#  3. the admin can reload;
#  4. the stranger cannot connect (exit 3), and even with the socket file
#     opened up (0666) the daemon refuses it (exit 4).
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v useradd >/dev/null && command -v runuser >/dev/null || tn_error "useradd/runuser missing"

sfx=$$
R=tnr$sfx A=tna$sfx
U_READ=tnur$sfx U_ADMIN=tnua$sfx U_STRANGE=tnus$sfx
ctl_users_cleanup() {
	local u
	for u in $U_READ $U_ADMIN $U_STRANGE; do userdel "$u" 2>/dev/null; done
	groupdel $R 2>/dev/null; groupdel $A 2>/dev/null
	return 0
}
trap 'ctl_users_cleanup; tn_cleanup 2>/dev/null' EXIT
trap 'ctl_users_cleanup; tn_cleanup 2>/dev/null; trap - INT; exit 130' INT
trap 'ctl_users_cleanup; tn_cleanup 2>/dev/null; trap - TERM; exit 143' TERM
groupadd $R && groupadd $A || tn_error "groupadd failed"
useradd -M -N -g nogroup -G $R -s /usr/sbin/nologin $U_READ &&
useradd -M -N -g nogroup -G $R,$A -s /usr/sbin/nologin $U_ADMIN &&
useradd -M -N -g nogroup -s /usr/sbin/nologin $U_STRANGE || tn_error "useradd failed"

# other users reach the socket in the temp dir through a copy of tandemctl
chmod 711 "$TN_DIR"
cp "$TANDEMCTL" "$TN_DIR/tandemctl" && chmod 755 "$TN_DIR/tandemctl"
sock=$(tn_sock lb1)
as() { local u=$1; shift; timeout 3 runuser -u "$u" -- "$TN_DIR/tandemctl" -s "$sock" "$@"; }

tn_switch
tn_host lb1 192.0.2.1/24
tn_conf lb1 priority=100
tn_spawn lb1 "$TN_DIR/lb1.log" "$TANDEMD" -n -f "${TN_CONF[lb1]}" -g $R -G $A
TN_DPID[lb1]=$TN_LAST_PID
tn_wait_for 5 tn_ctl_up lb1 || tn_fail "tandemd did not come up"
tn_wait_state lb1 web MASTER 3

# ---- 1.
perm=$(stat -c '%a %G' "$sock")
[ "$perm" = "660 $R" ] || tn_fail "socket is '$perm', expected '660 $R'"
tn_pass "socket mode 0660, group $R"

# ---- 2. reader
out=$(as $U_READ status) || tn_fail "reader: status exited $?: $out"
grep -q '^web vrid=51 .*state=MASTER' <<<"$out" || tn_fail "reader: status shows: $out"
as $U_READ status --json | grep -q '"state":"MASTER"' || tn_fail "reader: status --json"
tn_pass "reader can read status (text and JSON)"
as $U_READ events --json --count 1 >"$TN_DIR/reader-events.out" 2>&1 &
TN_PIDS+=($!)
rpid=$!
sleep 0.3
out=$(as $U_READ reload 2>&1); rc=$?
[ $rc = 4 ] || tn_fail "reader: reload exited $rc (expected 4): $out"
grep -q 'permission denied' <<<"$out" || tn_fail "reader: reload refusal says: $out"
tn_pass "reader cannot reload: $out"
out=$(as $U_READ handoff web 2>&1); rc=$?
[ $rc = 4 ] || tn_fail "reader: handoff exited $rc (expected 4): $out"
tn_check "still MASTER after the refused handoff" tn_state_is lb1 web MASTER
grep -q "uid $(id -u $U_READ) .*reload refused" "$TN_DIR/lb1.log" ||
	tn_fail "the refusal is not logged"
tn_pass "refusals are logged with the uid"

# ---- 3. admin
tn_conf lb1 priority=110
out=$(as $U_ADMIN reload 2>&1) || tn_fail "admin: reload exited $?: $out"
tn_check "admin's reload applied (prio=110)" test "$(tn_field lb1 web prio)" = 110
tn_wait_for 2 tn_pid_gone $rpid || tn_fail "the reader's event stream did not see the reload"
grep -q '"what":"reload"' "$TN_DIR/reader-events.out" ||
	tn_fail "reader's event stream: $(cat "$TN_DIR/reader-events.out")"
tn_pass "reader's event stream saw the admin's reload"

# ---- 4. stranger
out=$(as $U_STRANGE status 2>&1); rc=$?
[ $rc = 3 ] || tn_fail "stranger: status exited $rc (expected 3: cannot connect): $out"
tn_pass "stranger cannot connect: $out"
chmod 666 "$sock"
out=$(as $U_STRANGE status 2>&1); rc=$?
[ $rc = 4 ] || tn_fail "stranger with a 0666 socket: status exited $rc (expected 4): $out"
tn_pass "stranger with the socket opened up is refused by SO_PEERCRED: $out"
tn_check "tandemd still answers root" tn_ctl_up lb1
tn_done
