#!/bin/bash
# test/vm/ipvs_dbpool.sh - role-aware database services end to end (issues 5
# and 6), in one VM boot (test/vm/run-in-vm.sh: the host kernel may lack
# IPVS). PostgreSQL 15 primary + 2 streaming replicas in namespaces db1/db2/db3
# (layout of ../shared/notes/postgres-vm.md), tandemd with one pgsql checker
# per node, a db_pool listing them, a write service VIP:5432 (role primary)
# and a read service VIP:5433 (role replica, max_lag 1 MiB):
#  1. ipvsadm -Ln: 5432 -> exactly the primary, 5433 -> the two replicas; a
#     psql from a client namespace through VIP:5432 reaches the primary
#     (inet_server_addr(), client address preserved), through 5433 a replica;
#  2. replay paused on db3 (pg_wal_replay_pause) and ~2.7 MB written on the
#     primary: db3 leaves 5433 once its lag crosses the bound; resumed, it
#     comes back;
#  3. the primary stopped (pg_ctl -m immediate) and db2 promoted: the write
#     service switches to db2 in one reconcile pass (the log shows one pass
#     after the verdict), and a sampler of /proc/net/ip_vs never sees two
#     real servers (or the old primary next to the new) in 5432; a psql
#     through VIP:5432 reaches db2.
# The cluster is made by initdb on the host (2 s there, ~10 s under TCG) and
# pg_basebackup -R in the VM. Exit: 0 pass, 1 fail, 77 skip (no VM or no
# PostgreSQL 15 here), 99 hard error.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$HERE/../.." && pwd)}
TOP_BUILDDIR=${TOP_BUILDDIR:-$TOP_SRCDIR}
TANDEMD=${TANDEMD:-$TOP_BUILDDIR/tandemd}
RUN_VM=$TOP_SRCDIR/test/vm/run-in-vm.sh
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

unavailable() {
    echo "ipvs_dbpool: $*" >&2
    [ "${TANDEM_VM_REQUIRED:-0}" = 1 ] && { echo "ipvs_dbpool: TANDEM_VM_REQUIRED=1: failing" >&2; exit 99; }
    exit 77
}
[ -x "$TANDEMD" ] || { echo "ipvs_dbpool: $TANDEMD not built" >&2; exit 99; }
[ "$(id -u)" = 0 ] || unavailable "needs root"
if [ "${TANDEM_VM_SETUP:-0}" = 1 ]; then
    "$TOP_SRCDIR/test/vm/setup.sh" || unavailable "test/vm/setup.sh failed"
fi
command -v qemu-system-x86_64 >/dev/null || unavailable "qemu-system-x86_64 missing (test/vm/setup.sh)"
command -v ipvsadm >/dev/null || unavailable "ipvsadm missing (test/vm/setup.sh)"
[ -x "$PGBIN/initdb" ] && command -v psql >/dev/null && id postgres >/dev/null 2>&1 ||
    unavailable "PostgreSQL 15 missing (apt-get install postgresql-15 postgresql-client-15)"

# The template data directory, made on the host where initdb is fast. The VM
# sees the host's files (read-only, with a tmpfs overlay) and copies it.
TPL=$(mktemp -d "${TMPDIR:-/tmp}/ipvs_dbpool.XXXXXX") || exit 99
SCRIPT=$TPL/cmd.sh
trap 'rm -rf "$TPL"' EXIT
chmod 755 "$TPL"; mkdir "$TPL/db" && chown postgres: "$TPL/db" || exit 99
runuser -u postgres -- "$PGBIN/initdb" -D "$TPL/db" -U postgres --auth=trust --data-checksums \
    -N --wal-segsize=1 >"$TPL/initdb.log" 2>&1 || { cat "$TPL/initdb.log" >&2; exit 99; }
# every address of the test networks: the nodes, the checkers (from the VM's
# root namespace) and the client through the NAT services
cat >> "$TPL/db/pg_hba.conf" <<'X'
host all all 0.0.0.0/0 trust
host replication all 0.0.0.0/0 trust
X

printf "TANDEMD='%s'\nPGBIN='%s'\nTPL='%s'\n" "$TANDEMD" "$PGBIN" "$TPL/db" > "$SCRIPT"
# Runs as root by /bin/sh (dash) inside the VM; everything it makes dies with the VM.
cat >> "$SCRIPT" <<'EOF'
set -u
T0=$(date +%s)
T=$(mktemp -d); chmod 755 $T; LOG=$T/tandemd.log; fail=0; TD=""
P=$T/pg; mkdir $P && chown postgres $P || exit 99    # data, logs, sockets: postgres's
VIP=192.0.2.10
ok() { echo "ok ($(($(now) - T0)) s): $*"; }
step() { echo "--- $(($(now) - T0)) s: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
now() { date +%s; }
wait_for() { # SECONDS cmd...: poll every 0.2 s, bounded by time
    end=$(( $(now) + $1 )); shift
    until "$@" >/dev/null 2>&1; do [ "$(now)" -ge "$end" ] && return 1; sleep 0.2; done
}
ipaddr() { echo 198.51.100.1${1#db}; }
asuser() { runuser -u postgres -- "$@"; }
pg() { # NODE ARGS...: pg_ctl of a node, inside its namespace
    n=$1; shift
    ip netns exec $n runuser -u postgres -- $PGBIN/pg_ctl -D $P/$n -l $P/$n.log "$@"
}
pgstart() {
    asuser mkdir -p $P/sock.$1
    pg $1 -w -t 60 -o "-c listen_addresses=$(ipaddr $1) -c unix_socket_directories=$P/sock.$1" start >/dev/null
}
sql() { psql -X -q -At -h "$1" -U postgres -d postgres -c "$2" 2>&1; }
# the services as "5432: addr ...; 5433: addr ..." from ipvsadm -Ln
table() {
    ipvsadm -Ln | awk '/^TCP/ { if (s) print s ";"; s = $2 ":" } /^  -> [0-9]/ { s = s " " $2 }
                        END { if (s) print s ";" }' | sed "s/$VIP://" | tr -d '\n'
}
table_is() { [ "$(table)" = "$1" ]; }
expect() { # LABEL WANT
    if wait_for ${3:-20} table_is "$2"; then ok "$1: $2"; else bad "$1: want '$2', got '$(table)'"; fi
}
passes() { grep -c 'changes applied' $LOG; }
stop_all() {
    [ -n "$TD" ] && kill -TERM $TD 2>/dev/null && wait $TD
    for n in db1 db2 db3; do pg $n -m immediate stop >/dev/null 2>&1; done
}
die() { bad "$*"; [ -f $LOG ] && tail -n 30 $LOG; for n in db1 db2 db3; do tail -n 5 $P/$n.log 2>/dev/null; done; stop_all; exit 1; }

# ---- network: IPVS in the root namespace, VIP on lo, nodes on a bridge
sysctl -qw net.ipv4.ip_forward=1
# one ip process per namespace: each process start costs 0.1-0.5 s under TCG
{
    echo "addr add $VIP/32 dev lo"
    echo "link add br0 type bridge"; echo "addr add 198.51.100.1/24 dev br0"; echo "link set br0 up"
    for n in db1 db2 db3; do
        echo "netns add $n"; echo "link add v$n type veth peer name eth0 netns $n"
        echo "link set v$n master br0 up"
    done
    echo "netns add cl"; echo "link add vcl type veth peer name eth0 netns cl"
    echo "addr add 203.0.113.1/24 dev vcl"; echo "link set vcl up"
} | ip -batch - || exit 99
for n in db1 db2 db3 cl; do
    case $n in cl) a=203.0.113.2/24 gw=203.0.113.1 ;; *) a=$(ipaddr $n)/24 gw=198.51.100.1 ;; esac
    printf 'addr add %s dev eth0\nlink set eth0 up\nlink set lo up\nroute add default via %s\n' \
        $a $gw | ip -n $n -batch - || exit 99
done

# ---- PostgreSQL: db1 primary, db2 and db3 streaming replicas
step PostgreSQL
# db1 runs on the host's template in place: the VM's overlay copies up only
# the files postgres writes (the host side is read-only)
ln -s $TPL $P/db1 && pgstart db1 || die "db1 did not start"
for n in db2 db3; do
    ip netns exec $n runuser -u postgres -- $PGBIN/pg_basebackup -h 198.51.100.11 -U postgres \
        -D $P/$n -R -X stream -c fast >$T/$n.bb 2>&1 &
done
wait
for n in db2 db3; do
    [ -f $P/$n/standby.signal ] || { cat $T/$n.bb; die "pg_basebackup $n"; }
    pgstart $n || die "$n did not start"
done
ok "PostgreSQL 15: primary db1, replicas db2 db3"

# ---- tandemd
step tandemd
cat > $T/tandem.conf <<X
global: { router_id = "lb1"; control_socket = "$T/tandemd.sock"; pid_file = "$T/tandemd.pid";
          log_level = "debug"; syslog = false; };
checkers: (
  { name = "db1"; type = "pgsql"; hostaddr = "198.51.100.11"; sslmode = "disable";
    interval = 1; timeout = 3; rise = 1; fall = 2; },
  { name = "db2"; type = "pgsql"; hostaddr = "198.51.100.12"; sslmode = "disable";
    interval = 1; timeout = 3; rise = 1; fall = 2; },
  { name = "db3"; type = "pgsql"; hostaddr = "198.51.100.13"; sslmode = "disable";
    interval = 1; timeout = 3; rise = 1; fall = 2; }
);
db_pools: ( { name = "pg";
              nodes = [ "198.51.100.11:5432", "198.51.100.12:5432", "198.51.100.13:5432" ];
              checks = [ "db1", "db2", "db3" ]; } );
virtual_servers: (
  { name = "pg-write"; address = "$VIP"; port = 5432; scheduler = "rr"; pool = "pg";
    role = "primary"; },
  { name = "pg-read"; address = "$VIP"; port = 5433; scheduler = "rr"; pool = "pg";
    role = "replica"; max_lag = 1048576; }
);
X
"$TANDEMD" -n -f $T/tandem.conf 2>$LOG & TD=$!
wait_for 10 grep -q 'tandemd .* started' $LOG || die "tandemd did not start: $(cat $LOG)"

# ---- 1. the split, and traffic through it
step roles
expect "roles" "5432: 198.51.100.11:5432;5433: 198.51.100.12:5432 198.51.100.13:5432;"
a=$(ip netns exec cl psql -X -At -h $VIP -p 5432 -U postgres -d postgres \
    -c "SELECT inet_server_addr(), inet_client_addr(), pg_is_in_recovery()" 2>&1)
[ "$a" = "198.51.100.11|203.0.113.2|f" ] && ok "client -> $VIP:5432 reaches the primary ($a)" ||
    bad "client through $VIP:5432: '$a'"
a=$(ip netns exec cl psql -X -At -h $VIP -p 5433 -U postgres -d postgres \
    -c "SELECT pg_is_in_recovery()" 2>&1)
[ "$a" = t ] && ok "client -> $VIP:5433 reaches a replica" || bad "client through $VIP:5433: '$a'"

# ---- 2. lag: db3 paused leaves the read service, resumed comes back
step lag
a=$(sql 198.51.100.13 "SELECT pg_wal_replay_pause()")
[ -z "$a" ] || bad "pause on db3: $a"
a=$(sql 198.51.100.11 "CREATE TABLE filler(x text);
    INSERT INTO filler SELECT repeat('x', 1000) FROM generate_series(1, 2500)")
[ -z "$a" ] || bad "writes on db1: $a"
expect "db3 paused, ~2.7 MB written: lag over 1 MiB" "5432: 198.51.100.11:5432;5433: 198.51.100.12:5432;"
lag=$(sql 198.51.100.13 "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())")
[ "${lag:-0}" -gt 1048576 ] 2>/dev/null && ok "db3's own lag is $lag bytes" || bad "db3 lag '$lag'"
sql 198.51.100.13 "SELECT pg_wal_replay_resume()" >/dev/null
expect "db3 resumed: back in the read service" "5432: 198.51.100.11:5432;5433: 198.51.100.12:5432 198.51.100.13:5432;"

# ---- 3. failover: db1 stopped, db2 promoted
step failover
# A sampler of /proc/net/ip_vs in shell builtins (no fork per sample but
# sleep): one line per distinct state of the write service (C000020A:1538 =
# 192.0.2.10:5432; C633640B/C/D = .11/.12/.13).
sampler() {
    last=x
    while [ ! -e $T/sampler.stop ]; do
        cur=""; w=""
        while read -r a b rest; do
            case "$a $b" in
                "TCP C000020A:1538") cur=w ;;
                TCP*) cur="" ;;
                "-> "*) [ "$cur" = w ] && w="$w ${b%%:*}" ;;
            esac
        done < /proc/net/ip_vs
        [ "$w" = "$last" ] || { echo "[$w ]" >> $T/samples; last=$w; }
        sleep 0.05
    done
}
sampler & SP=$!
pg db1 -m immediate stop >/dev/null || bad "pg_ctl -m immediate stop db1"
expect "primary stopped: no writer" "5432:;5433: 198.51.100.12:5432 198.51.100.13:5432;"
n0=$(passes)
pg db2 -w -t 60 promote >/dev/null || bad "pg_ctl promote db2"
expect "db2 promoted: it alone takes writes" "5432: 198.51.100.12:5432;5433: 198.51.100.13:5432;"
n1=$(passes)
touch $T/sampler.stop; wait $SP
# the pass that saw db2 as primary is the pass that switched
okline=$(grep -n "service pg-write (primary of pool 'pg'): ok" $LOG | tail -n1 | cut -d: -f1)
after=$(tail -n +${okline:-1} $LOG | grep -c 'changes applied')
[ -n "$okline" ] && [ "$after" = 1 ] && [ $((n1 - n0)) = 1 ] &&
    ok "switched in one reconcile pass: $(tail -n +$okline $LOG | grep 'changes applied')" ||
    { bad "passes after the promotion: $((n1 - n0)), after the verdict: $after"; grep ipvs: $LOG | tail -n 8; }
echo "write service states seen: $(tr '\n' ' ' < $T/samples)"
if ! awk 'NF > 3 { exit 1 }' $T/samples; then   # "[ A B ]": two real servers
    bad "an intermediate state had two real servers in 5432"
elif [ "$(tr -d '\n' < $T/samples)" = "[ C633640B ][ ][ C633640C ]" ]; then
    ok "the write service went db1 -> none -> db2, never two"
else
    bad "write service states: $(tr '\n' ' ' < $T/samples)"
fi
a=$(ip netns exec cl psql -X -At -h $VIP -p 5432 -U postgres -d postgres \
    -c "SELECT inet_server_addr(), pg_is_in_recovery()" 2>&1)
[ "$a" = "198.51.100.12|f" ] && ok "client -> $VIP:5432 reaches the new primary ($a)" ||
    bad "client through $VIP:5432 after failover: '$a'"
grep -q 'split brain' $LOG && bad "a split brain was reported" || true

[ $fail = 0 ] || { echo "--- tandemd log (ipvs, checks)"; grep -E 'ipvs:|check ' $LOG | tail -n 40; }
stop_all
step end
exit $fail
EOF

T0=$(date +%s.%N)
VM_STREAM=0 VM_MEM=${VM_MEM:-768M} VM_TIMEOUT=${VM_TIMEOUT:-300} "$RUN_VM" -f "$SCRIPT"
rc=$?
echo "ipvs_dbpool: VM run took $(echo "$(date +%s.%N) - $T0" | bc 2>/dev/null || echo '?') s (rc=$rc)"
case $rc in
    0|1) exit $rc ;;
    124|125) unavailable "the VM did not run (run-in-vm.sh status $rc)" ;;
    *) exit 1 ;;
esac
