#!/bin/bash
# notify.sh - notify hooks: order, arguments, user, and a slow hook.
#  A hook script appends its arguments to a file (one line per run) and, to
#  FILE.t, the time and the user it ran as. Hooks run as notify_user
#  "nobody".
#  1. lb1 (prio 100) has "web" (VRID 51) and "db" (VRID 52) on eth0 in the
#     sync group "balancer"; web has notify + notify_master/backup/fault/stop,
#     db has notify, the group has notify + notify_master/backup/fault/stop.
#     lb1 alone (BACKUP, MASTER); cable cut (FAULT); restored (BACKUP,
#     MASTER); lb2 with prio 150 appears (BACKUP); SIGTERM (STOP).
#     Each file must hold exactly the expected lines in that order:
#     `notify` gets TYPE NAME STATE PRIORITY appended ("INSTANCE web MASTER
#     100", "GROUP balancer MASTER 0"), notify_<state> runs as given and
#     after `notify` of the same transition. Every hook ran as nobody.
#     (The STOP lines are checked last, so that part 2 runs anyway.)
#  2. Slow hook, notify_timeout 3 s: web's notify_master sleeps 10 s. lb1
#     becomes MASTER, then its cable is cut while that hook sleeps: the
#     FAULT transition is not held back (`notify` for FAULT ran within 1 s of
#     the cut, while the slow hook still ran), and the slow hook is killed
#     after notify_timeout (its process group gone, it never finished).
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
id nobody >/dev/null 2>&1 || tn_error "user nobody does not exist"
tn_topology

# The hooks run as nobody: it must reach them and write its files.
chmod 711 "$TN_DIR"
H=$TN_DIR/hooks
mkdir -m 777 "$H"
HOOK=$H/hook
SLOW=$H/slow
cat >"$HOOK" <<'EOF'
#!/bin/bash
# hook FILE ARGS...: ARGS as one line to FILE; time, user, ARGS to FILE.t
f=$1
shift
printf '%s %s %s\n' "$EPOCHREALTIME" "$(id -un)" "$*" >>"$f.t"
printf '%s\n' "$*" >>"$f"
EOF
cat >"$SLOW" <<'EOF'
#!/bin/bash
# slow FILE: "start PID", 10 s of sleep, "end PID"
printf '%s start %s\n' "$EPOCHREALTIME" "$$" >>"$1"
sleep 10
printf '%s end %s\n' "$EPOCHREALTIME" "$$" >>"$1"
EOF
chmod 755 "$HOOK" "$SLOW"

nlines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
has_lines() { [ "$(nlines "$1")" -ge "$2" ]; }
wait_lines() { # FILE N WHAT
	tn_wait_for 3 has_lines "$1" "$2" ||
		tn_fail "$3: $(basename "$1") has $(nlines "$1") lines, expected $2: $(tr '\n' '|' <"$1" 2>/dev/null)"
}

# ---- 1. order and arguments
hooks() { # FILE: the five hooks writing to FILE
	echo "notify = [ \"$HOOK\", \"$1\", \"any\" ];"
	local s
	for s in master backup fault stop; do
		echo "notify_$s = [ \"$HOOK\", \"$1\", \"$s\" ];"
	done
}
tn_conf lb1 - <<EOF
vrrp_instances: (
  { name = "web"; interface = "eth0"; vrid = 51; priority = 100;
    advert_interval = 0.1; virtual_ipaddress = [ "192.0.2.10/24" ];
    $(hooks "$H/web") },
  { name = "db"; interface = "eth0"; vrid = 52; priority = 100;
    advert_interval = 0.1; virtual_ipaddress = [ "192.0.2.11/24" ];
    notify = [ "$HOOK", "$H/db", "any" ]; }
);
vrrp_sync_groups: (
  { name = "balancer"; group = [ "web", "db" ];
    $(hooks "$H/group") }
);
EOF
tn_conf_global_set lb1 'notify_user = "nobody";'
tn_conf lb2 - <<EOF
vrrp_instances: (
  { name = "web"; interface = "eth0"; vrid = 51; priority = 150;
    advert_interval = 0.1; virtual_ipaddress = [ "192.0.2.10/24" ]; },
  { name = "db"; interface = "eth0"; vrid = 52; priority = 150;
    advert_interval = 0.1; virtual_ipaddress = [ "192.0.2.11/24" ]; }
);
EOF

# web, db, group: lines expected after each step
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_wait_state lb1 db MASTER 3
wait_lines "$H/web" 4 "lb1 alone"
wait_lines "$H/db" 2 "lb1 alone"
wait_lines "$H/group" 4 "lb1 alone"
sleep 0.5
tn_link_down lb1
tn_wait_state lb1 web FAULT 2
tn_wait_state lb1 db FAULT 2
wait_lines "$H/web" 6 "cable cut"
wait_lines "$H/group" 6 "cable cut"
tn_link_up lb1
tn_wait_state lb1 web MASTER 3
tn_wait_state lb1 db MASTER 3
wait_lines "$H/web" 10 "cable restored"
wait_lines "$H/group" 10 "cable restored"
sleep 0.5
tn_tandemd lb2
tn_wait_state lb2 web MASTER 3
tn_wait_state lb1 web BACKUP 3
tn_wait_state lb1 db BACKUP 3
wait_lines "$H/web" 12 "lb2 preempted"
wait_lines "$H/group" 12 "lb2 preempted"
sleep 0.5 # anything that should not be there has time to show up
for f in web db group; do cp "$H/$f" "$H/$f.before-stop"; done
tn_stop lb1 TERM || tn_fail "lb1's tandemd did not stop on SIGTERM"
[ "$TN_RC" = 0 ] || tn_fail "lb1's tandemd exited $TN_RC on SIGTERM"
# the STOP hooks are checked at the very end (part 2 runs in any case)
tn_wait_for 3 has_lines "$H/web" 14
tn_wait_for 3 has_lines "$H/group" 14
tn_wait_for 3 has_lines "$H/db" 7
sleep 0.5 # anything that should not be there has time to show up
for f in web db group; do cp "$H/$f" "$H/$f.at-stop"; done

expect() { # FILE TYPE NAME PRIO STATE...: FILE's lines are, for each STATE,
	# "any TYPE NAME STATE PRIO" (+ "state" after it but in db's file)
	local f=$1 type=$2 name=$3 prio=$4 st lower want='' got
	shift 4
	for st in "$@"; do
		want+="any $type $name $st $prio"$'\n'
		lower=$(echo "$st" | tr 'A-Z' 'a-z')
		[ "${f%.*-stop}" != "$H/db" ] && want+="$lower"$'\n'
	done
	got=$(cat "$f")
	if [ "$got" != "${want%$'\n'}" ]; then
		printf -- '--- expected\n%s--- got\n%s\n' "$want" "$got"
		tn_fail "$(basename "$f"): hooks ran in another order or with other arguments"
	fi
	tn_pass "$(basename "$f"): $(echo "$got" | wc -l) hook runs in order: $(echo "$@")"
}
expect "$H/web.before-stop" INSTANCE web 100 BACKUP MASTER FAULT BACKUP MASTER BACKUP
expect "$H/db.before-stop" INSTANCE db 100 BACKUP MASTER FAULT BACKUP MASTER BACKUP
expect "$H/group.before-stop" GROUP balancer 0 BACKUP MASTER FAULT BACKUP MASTER BACKUP
users=$(cat "$H"/*.t | awk '{ print $2 }' | sort -u | tr '\n' ' ')
[ "$users" = "nobody " ] || tn_fail "hooks ran as: $users(expected nobody only)"
tn_pass "every hook ran as nobody"
tn_stop lb2 TERM || tn_fail "lb2's tandemd did not stop on SIGTERM"

# ---- 2. a slow hook holds back neither the loop nor the next hook
TIMEOUT_S=3
tn_conf lb1 - <<EOF
vrrp_instances: (
  { name = "web"; interface = "eth0"; vrid = 51; priority = 100;
    advert_interval = 0.1; virtual_ipaddress = [ "192.0.2.10/24" ];
    notify = [ "$HOOK", "$H/b", "any" ];
    notify_master = [ "$SLOW", "$H/slowlog" ]; }
);
EOF
tn_conf_global_set lb1 'notify_user = "nobody";' "notify_timeout = $TIMEOUT_S;"
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_wait_for 3 grep -q start "$H/slowlog" 2>/dev/null || tn_fail "the slow notify_master hook did not start"
t_start=$(awk '/start/ { printf "%.0f", $1 * 1000; exit }' "$H/slowlog")
spid=$(awk '/start/ { print $3; exit }' "$H/slowlog")
sleep 0.2
t_cut=$(tn_ms)
tn_link_down lb1
tn_wait_state lb1 web FAULT 1
wait_lines "$H/b" 3 "FAULT while the slow hook runs"
t_fault=$(awk '/ FAULT / { printf "%.0f", $1 * 1000; exit }' "$H/b.t")
[ -n "$t_fault" ] || tn_fail "no FAULT line in b.t: $(tr '\n' '|' <"$H/b.t")"
dt=$(( t_fault - t_cut ))
tn_log "cut -> FAULT hook ran: ${dt} ms (the slow hook started $(( t_cut - t_start )) ms before the cut)"
kill -0 "$spid" 2>/dev/null || tn_fail "the slow hook (pid $spid) was already gone when the FAULT hook ran"
[ "$dt" -le 1000 ] || tn_fail "the FAULT hook ran ${dt} ms after the cut, more than 1 s: the slow hook held it back"
tn_pass "FAULT hook ran ${dt} ms after the cut while the slow hook still slept"
tn_check "hooks in order" test "$(cat "$H/b")" = "any INSTANCE web BACKUP 100
any INSTANCE web MASTER 100
any INSTANCE web FAULT 100"
tn_check "tandemctl answers while the slow hook sleeps" tn_ctl_up lb1
# killed after notify_timeout, process group and all (its "sleep 10" too)
# (zombies do not count: orphans are reaped by pid 1, which may take a while)
group_alive() { ps -e -o pgid=,stat=,pid=,args= | awk -v g="$spid" '$1 == g && $2 !~ /^Z/'; }
group_gone() { [ -z "$(group_alive)" ]; }
tn_wait_for $(( TIMEOUT_S + 2 )) group_gone ||
	tn_fail "the slow hook's process group $spid still runs $(( TIMEOUT_S + 2 )) s after start (notify_timeout $TIMEOUT_S s): $(group_alive)"
dt=$(( $(tn_ms) - t_start ))
tn_log "slow hook gone ${dt} ms after it started"
# t_start is when the hook's shell got going, some time after tandemd
# forked it and armed the timeout (hundreds of ms on a loaded CI machine)
[ "$dt" -ge $(( TIMEOUT_S * 1000 - 500 )) ] || tn_fail "the slow hook was gone after ${dt} ms, before notify_timeout ${TIMEOUT_S} s"
tn_pass "slow hook killed after ${dt} ms (notify_timeout ${TIMEOUT_S} s)"
sleep 0.2
grep -q end "$H/slowlog" && tn_fail "the slow hook ran to its end despite notify_timeout"
tn_pass "the slow hook never finished"

# ---- 1, end: the STOP hooks of lb1's SIGTERM (files as they were then)
expect "$H/db.at-stop" INSTANCE db 100 BACKUP MASTER FAULT BACKUP MASTER BACKUP STOP
expect "$H/web.at-stop" INSTANCE web 100 BACKUP MASTER FAULT BACKUP MASTER BACKUP STOP
expect "$H/group.at-stop" GROUP balancer 0 BACKUP MASTER FAULT BACKUP MASTER BACKUP STOP
tn_done
