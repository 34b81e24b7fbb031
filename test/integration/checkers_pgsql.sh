#!/bin/bash
# checkers_pgsql.sh - the pgsql checker against real PostgreSQL 15 nodes: a
# primary and two streaming replicas (initdb, pg_basebackup -R) on
# 198.51.100.11/.12/.13 in one namespace, watched by test/tools/chkrun.
#   1. roles: db1 PRIMARY, db2 and db3 REPLICA, all UP, timeline 1;
#   2. SIGSTOP of db2's postmaster: db2 times out, db1 and db3 keep their
#      rhythm (no result later than interval + 1 s, no run slower than 0.3 s);
#      SIGCONT: db2 UP again;
#   3. db3 replay paused + 4 MB written on the primary: db3 DOWN with a lag
#      over max_lag_bytes (1 MB); resumed: UP;
#   4. db1 stopped (immediate), db2 promoted: db1 DOWN, db2 PRIMARY on
#      timeline 2; db3 repointed to db2 follows it onto timeline 2.
. "$(dirname "$0")/../lib/ns.sh"

tn_need_root
tn_need_bin "$CHKRUN" "$PG_BIN/initdb" "$PG_BIN/pg_ctl" "$PG_BIN/pg_basebackup"
id postgres >/dev/null 2>&1 || tn_error "no postgres user (apt-get install postgresql-15)"

tn_switch
tn_host db 198.51.100.11/24
ip -n "$(tn_ns db)" addr add 198.51.100.12/24 dev eth0
ip -n "$(tn_ns db)" addr add 198.51.100.13/24 dev eth0
tn_pg_prepare
PG=$TN_DIR/pg

# ---- the cluster
tn_pg db "$PG_BIN/initdb" -D "$PG/db1" -U postgres --auth=trust -N --wal-segsize=1 \
	>"$PG/initdb.log" 2>&1 || tn_error "initdb failed"
cat >>"$PG/db1/pg_hba.conf" <<EOF
host all all 198.51.100.0/24 trust
host replication all 198.51.100.0/24 trust
EOF
tn_pg_start db "$PG/db1" 198.51.100.11
for n in 2 3; do
	tn_pg db "$PG_BIN/pg_basebackup" -h 198.51.100.11 -U postgres -D "$PG/db$n" -R \
		-X stream -c fast >>"$PG/basebackup.log" 2>&1 || tn_error "pg_basebackup db$n failed"
	tn_pg_start db "$PG/db$n" "198.51.100.1$n"
done
tn_log "primary + 2 replicas running"

cat >"$TN_DIR/checkers.conf" <<EOF
checkers: (
  { name = "db1"; type = "pgsql"; hostaddr = "198.51.100.11"; max_lag_bytes = 1048576;
    interval = 0.3; timeout = 0.6; rise = 2; fall = 2; },
  { name = "db2"; type = "pgsql"; hostaddr = "198.51.100.12"; max_lag_bytes = 1048576;
    interval = 0.3; timeout = 0.6; rise = 2; fall = 2; },
  { name = "db3"; type = "pgsql"; hostaddr = "198.51.100.13"; max_lag_bytes = 1048576;
    interval = 0.3; timeout = 0.6; rise = 2; fall = 2; }
);
EOF
tn_chkrun db "$TN_DIR/checkers.conf"

# ---- 1. roles
tn_chk_wait db1 role PRIMARY 10
tn_chk_wait db2 role REPLICA 10
tn_chk_wait db3 role REPLICA 10
for n in db1 db2 db3; do
	tn_chk_wait $n state UP 10
	tn_check "$n on timeline 1" tn_chk_is $n tli 1
done

# ---- 2. a frozen server times out, the others keep going
# Result times ("t=") and durations of one checker between two marks.
results() { # NAME FROM_LINE
	tail -n +"$2" "$TN_CHK_OUT" | awk -v n="name=$1" '
		$2 == "RESULT" && index($0, " " n " ") { sub("t=", "", $1); print $1, $0 }'
}
max_gap() { results "$1" "$2" | awk '{ if (p && $1 - p > g) g = $1 - p; p = $1 } END { print g + 0 }'; }
max_dur() {
	results "$1" "$2" | grep -o 'duration_ms=[0-9]*' | cut -d= -f2 | sort -n | tail -1
}
count() { results "$1" "$2" | wc -l; }

pm2=$(head -1 "$PG/db2/postmaster.pid")
mark=$(wc -l <"$TN_CHK_OUT")
kill -STOP "$pm2"
tn_log "SIGSTOP db2 postmaster (pid $pm2)"
tn_chk_wait db2 last TIMEOUT 5
tn_chk_wait db2 state DOWN 5
sleep 3 # several more timeouts of db2 while the others run
kill -CONT "$pm2"
tn_log "SIGCONT db2"
for n in db1 db3; do
	gap=$(max_gap $n $((mark + 1)))
	dur=$(max_dur $n $((mark + 1)))
	cnt=$(count $n $((mark + 1)))
	tn_log "$n during the freeze: $cnt results, max gap ${gap} ms, slowest run ${dur} ms"
	[ "$cnt" -ge 8 ] || tn_fail "$n: only $cnt results while db2 was frozen"
	[ "$gap" -le 1300 ] || tn_fail "$n: $gap ms between two results (interval 300 ms)"
	[ "$dur" -le 300 ] || tn_fail "$n: a run took $dur ms while db2 was frozen"
	tn_pass "$n unaffected by db2's timeouts (max gap $gap ms, slowest $dur ms)"
done
tn_check "db2 timed out several times" \
	[ "$(results db2 $((mark + 1)) | grep -c 'last=TIMEOUT')" -ge 3 ]
tn_chk_wait db2 state UP 10

# ---- 3. replay lag on db3
tn_psql db 198.51.100.13 "SELECT pg_wal_replay_pause()" >/dev/null ||
	tn_error "pg_wal_replay_pause failed"
tn_psql db 198.51.100.11 "CREATE TABLE lag AS SELECT g, md5(g::text) FROM generate_series(1, 50000) g" \
	|| tn_error "write on the primary failed"
tn_chk_wait db3 state DOWN 10
lag=$(tn_chk_field db3 lag_bytes)
tn_check "db3 lag $lag > 1048576 bytes, reported as the reason" \
	grep -q "name=db3 .*reason=\"replica, lag [0-9]* bytes > 1048576\"" "$TN_CHK_OUT"
tn_check "db1 and db2 stay UP" tn_chk_is db1 state UP
tn_check "db2 stays UP" tn_chk_is db2 state UP
tn_psql db 198.51.100.13 "SELECT pg_wal_replay_resume()" >/dev/null
tn_chk_wait db3 state UP 10

# ---- 4. failover: db1 stopped, db2 promoted
tn_pg db "$PG_BIN/pg_ctl" -D "$PG/db1" -m immediate stop >/dev/null
tn_chk_wait db1 state DOWN 5
tn_check "db1 refused: $(tn_chk_field db1 last)" tn_chk_is db1 last DOWN
tn_pg db "$PG_BIN/pg_ctl" -w -D "$PG/db2" promote >/dev/null || tn_error "promote failed"
tn_log "db2 promoted"
tn_chk_wait db2 role PRIMARY 10
tn_chk_wait db2 tli 2 5
tn_check "db2 UP as primary" tn_chk_is db2 state UP
tn_check "db3 still a replica" tn_chk_is db3 role REPLICA
tn_psql db 198.51.100.13 "ALTER SYSTEM SET primary_conninfo = 'host=198.51.100.12 user=postgres'" \
	>/dev/null && tn_psql db 198.51.100.13 "SELECT pg_reload_conf()" >/dev/null
tn_chk_wait db3 tli 2 30
tn_check "db3 UP following db2" tn_chk_is db3 state UP

kill -TERM "$TN_CHKRUN_PID"
tn_wait_for 5 tn_pid_gone "$TN_CHKRUN_PID" || tn_fail "chkrun did not exit on SIGTERM"
tn_check "final states printed" grep -q "FINAL name=db2 .*role=PRIMARY" "$TN_CHK_OUT"
tn_done
