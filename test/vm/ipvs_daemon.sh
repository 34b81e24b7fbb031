#!/bin/bash
# test/vm/ipvs_daemon.sh - tandemd programming real IPVS, in one VM boot
# (test/vm/run-in-vm.sh; the host kernel may lack IPVS):
#  1. examples/ipvs.conf (VRRP instance on a dummy eth0, when_master): once
#     MASTER, `ipvsadm -Ln` shows exactly the configured services and real
#     servers, plus the hand-made ones, untouched;
#  2. a client namespace reaches TCP servers in namespaces through the NAT
#     service on the VIP (traffic really flows);
#  3. reload with an edited weight, a removed real server and a new service:
#     exactly those 4 changes; the untouched service and real server keep
#     their counters (`ipvsadm -Ln --stats`);
#  4. a real server taken down (enabled = false) is removed, with
#     inhibit_on_failure set to weight 0, and restored; all down: the sorry
#     server alone, and it answers;
#  5. one of our real servers deleted and another edited by hand
#     (`ipvsadm -d` / `-e`): repaired by the next resync dump (the period
#     is 3 s here, TANDEM_IPVS_RESYNC_MS); passes between dumps reconcile
#     against the kept view (log: "kept view");
#  6. an unknown scheduler: a log line naming the service, the rest applied;
#  7. SIGTERM: exit 0, our entries gone, the hand-made ones (and the service
#     that still holds a hand-made real server) left.
# Exit: 0 pass, 1 fail, 77 skip (no VM here), 99 hard error.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$HERE/../.." && pwd)}
TOP_BUILDDIR=${TOP_BUILDDIR:-$TOP_SRCDIR}
TANDEMD=${TANDEMD:-$TOP_BUILDDIR/tandemd}
TANDEMCTL=${TANDEMCTL:-$TOP_BUILDDIR/tandemctl}
RUN_VM=$TOP_SRCDIR/test/vm/run-in-vm.sh
EXAMPLE=$TOP_SRCDIR/examples/ipvs.conf

unavailable() {
    echo "ipvs_daemon: $*" >&2
    [ "${TANDEM_VM_REQUIRED:-0}" = 1 ] && { echo "ipvs_daemon: TANDEM_VM_REQUIRED=1: failing" >&2; exit 99; }
    exit 77
}
[ -x "$TANDEMD" ] || { echo "ipvs_daemon: $TANDEMD not built" >&2; exit 99; }
[ "$(id -u)" = 0 ] || unavailable "needs root"
if [ "${TANDEM_VM_SETUP:-0}" = 1 ]; then
    "$TOP_SRCDIR/test/vm/setup.sh" || unavailable "test/vm/setup.sh failed"
fi
command -v qemu-system-x86_64 >/dev/null || unavailable "qemu-system-x86_64 missing (test/vm/setup.sh)"
for t in ipvsadm socat; do
    command -v $t >/dev/null || { echo "ipvs_daemon: $t missing (apt-get install $t)" >&2; exit 99; }
done

SCRIPT=$(mktemp "${TMPDIR:-/tmp}/ipvs_daemon.XXXXXX") || exit 99
trap 'rm -f "$SCRIPT"' EXIT
printf "TANDEMD='%s'\nTANDEMCTL='%s'\nEXAMPLE='%s'\n" "$TANDEMD" "$TANDEMCTL" "$EXAMPLE" > "$SCRIPT"
# Runs as root by /bin/sh (dash) inside the VM; everything it makes dies with the VM.
cat >> "$SCRIPT" <<'EOF'
set -u
T=$(mktemp -d); LOG=$T/tandemd.log; fail=0; PIDS=""
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
now() { date +%s; }
wait_for() { # SECONDS cmd...: poll every 0.1 s, bounded by time
    end=$(( $(now) + $1 )); shift
    until "$@" >/dev/null 2>&1; do [ "$(now)" -ge "$end" ] && return 1; sleep 0.1; done
}
table() { ipvsadm -Ln | tail -n +4 | awk '{print $1, $2, $3, $4}' | sed 's/ *$//'; }
stats_line() { ipvsadm -Ln --stats | grep -E -- "$1" | head -n1; }
passes() { grep -c 'changes applied' "$LOG"; }
table_is() { [ "$(table)" = "$(cat $T/want)" ]; }
more_passes() { [ "$(passes)" -gt "$1" ]; }
expect_table() { # LABEL, expected lines on stdin
    cat > $T/want
    if wait_for 10 table_is; then
        ok "$1"
    else
        bad "$1"; echo "--- want"; cat $T/want; echo "--- got"; table
    fi
}
ask() { ip netns exec cl socat -t 3 -T 3 - TCP:192.0.2.10:$1,connect-timeout=3 </dev/null 2>/dev/null; }
conf() { # NAME, then sed expressions applied to the example
    name=$1; shift
    sed -e "s|/run/tandem/|$T/|" "$@" "$EXAMPLE" > $T/$name.conf
}
reload_to() { # NAME: make it the running config and SIGHUP; waits for one more pass
    n0=$(passes); cp $T/$1.conf $T/run.conf; kill -HUP $TD
    wait_for 10 more_passes $n0 || bad "no pass after reload $1"
}

# ---- the network: VIP on a dummy eth0, real servers and a client in namespaces
ip link add eth0 type dummy && ip addr add 192.0.2.1/24 dev eth0 && ip link set eth0 up || exit 99
sysctl -qw net.ipv4.ip_forward=1
ip link add br0 type bridge && ip addr add 198.51.100.1/24 dev br0 && ip link set br0 up || exit 99
for n in 21 22 23 99; do
    ip netns add rs$n && ip link add v$n type veth peer name eth0 netns rs$n || exit 99
    ip link set v$n master br0 up
    ip -n rs$n addr add 198.51.100.$n/24 dev eth0; ip -n rs$n link set eth0 up
    ip -n rs$n link set lo up; ip -n rs$n route add default via 198.51.100.1
    ip netns exec rs$n socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:"echo rs$n" & PIDS="$PIDS $!"
done
ip netns add cl && ip link add vcl type veth peer name eth0 netns cl || exit 99
ip addr add 203.0.113.1/24 dev vcl; ip link set vcl up
ip -n cl addr add 203.0.113.2/24 dev eth0; ip -n cl link set eth0 up; ip -n cl route add default via 203.0.113.1

# ---- 1. the example, next to hand-made entries
ipvsadm -A -t 203.0.113.50:8080 -s rr && ipvsadm -a -t 203.0.113.50:8080 -r 198.51.100.77:8080 -m
conf example
cp $T/example.conf $T/run.conf
TANDEM_IPVS_RESYNC_MS=3000 "$TANDEMD" -n -l debug -f $T/run.conf 2>$LOG & TD=$!
expect_table "example programmed once MASTER, hand-made service kept" <<'X'
TCP 192.0.2.10:80 wrr
-> 198.51.100.21:80 Masq 3
-> 198.51.100.22:80 Masq 2
-> 198.51.100.23:80 Masq 1
TCP 192.0.2.10:5432 rr
TCP 192.0.2.10:5433 rr
TCP 203.0.113.50:8080 rr
-> 198.51.100.77:8080 Masq 1
X
grep -q 'ipvs: programming the table (VRRP master)' $LOG && ok "when_master followed VRRP" ||
    bad "no 'programming the table' log line"
shown=$("$TANDEMCTL" -s $T/tandemd.sock show ipvs 2>&1)
case "$shown" in *"192.0.2.10:80)"*"198.51.100.21:80/nat/w3,198.51.100.22:80/nat/w2"*)
    ok "tandemctl show ipvs lists the HTTP service and its real servers" ;;
*) bad "tandemctl show ipvs: $shown" ;; esac
# ---- 2. traffic through the NAT service
seen=""
for i in 1 2 3 4 5 6 7 8 9; do seen="$seen $(ask 80)"; done
case "$seen" in *rs21*) ;; *) bad "no answer from rs21 through the VIP: $seen" ;; esac
echo "$seen" | grep -q rs22 && ok "a client reaches the real servers through 192.0.2.10:80 ($seen)" ||
    bad "answers through the VIP: '$seen'"
# a hand-made real server inside our service: never ours
ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.77:80 -m -w 1

# ---- 3. reload: only the difference, counters kept
conf b -e 's/{ address = "198.51.100.22"; weight = 2; }/{ address = "198.51.100.22"; weight = 5; }/' \
       -e '/address = "198.51.100.23"/d' -e 's/{ address = "198.51.100.22"; weight = 5; },/{ address = "198.51.100.22"; weight = 5; }/' \
       -e 's/^virtual_servers: (/virtual_servers: ( { name = "extra"; address = "192.0.2.10"; port = 8080; scheduler = "rr"; real_servers = ( { address = "198.51.100.21"; port = 80; } ); },/'
# let connections that are still closing (or retransmitting) settle first
quiet() { a=$(ipvsadm -Ln --stats | awk '{print $3}'); sleep 1; [ "$a" = "$(ipvsadm -Ln --stats | awk '{print $3}')" ]; }
wait_for 15 quiet || bad "traffic did not settle"
svc0=$(stats_line "^TCP +192\.0\.2\.10:80 "); rs0=$(stats_line "-> 198\.51\.100\.21:80 ")
reload_to b
expect_table "reload applied (weight 2 -> 5, .23 removed, service extra added)" <<'X'
TCP 192.0.2.10:80 wrr
-> 198.51.100.21:80 Masq 3
-> 198.51.100.22:80 Masq 5
-> 198.51.100.77:80 Masq 1
TCP 192.0.2.10:5432 rr
TCP 192.0.2.10:5433 rr
TCP 192.0.2.10:8080 rr
-> 198.51.100.21:80 Masq 1
TCP 203.0.113.50:8080 rr
-> 198.51.100.77:8080 Masq 1
X
grep 'changes applied' $LOG | tail -n1 | grep -q 'ipvs: 4 changes applied' && ok "exactly 4 changes sent" ||
    bad "reload sent: $(grep 'changes applied' $LOG | tail -n1)"
svc1=$(stats_line "^TCP +192\.0\.2\.10:80 "); rs1=$(stats_line "-> 198\.51\.100\.21:80 ")
# connections count (packets may still trickle in from closing connections);
# an entry deleted and re-added would start again from 0
c0=$(echo "$svc0" | awk '{print $3}'); c1=$(echo "$svc1" | awk '{print $3}')
r0=$(echo "$rs0" | awk '{print $3}'); r1=$(echo "$rs1" | awk '{print $3}')
[ -n "$c0" ] && [ "$c0" -gt 0 ] && [ "$c0" = "$c1" ] && [ "$r0" -gt 0 ] && [ "$r0" = "$r1" ] &&
    ok "untouched entries kept their counters ($c1 connections, $r1 on .21)" ||
    bad "counters: before '$svc0' / '$rs0', after '$svc1' / '$rs1'"

# ---- 4. down, inhibit, sorry server, restore
conf c -e 's/{ address = "198.51.100.21"; weight = 3; }/{ address = "198.51.100.21"; weight = 3; enabled = false; }/' \
       -e 's/{ address = "198.51.100.22"; weight = 2; },/{ address = "198.51.100.22"; weight = 2; }/' -e '/address = "198.51.100.23"/d'
reload_to c
table | grep -q '198.51.100.21:80 Masq' && bad "disabled .21 still in the table" || ok "real server down: removed"
sed -i 's/inhibit_on_failure = false;/inhibit_on_failure = true;/' $T/c.conf
reload_to c
expect_table "inhibit_on_failure: weight 0" <<'X'
TCP 192.0.2.10:80 wrr
-> 198.51.100.21:80 Masq 0
-> 198.51.100.22:80 Masq 2
-> 198.51.100.77:80 Masq 1
TCP 192.0.2.10:5432 rr
TCP 192.0.2.10:5433 rr
TCP 203.0.113.50:8080 rr
-> 198.51.100.77:8080 Masq 1
X
conf d -e 's/weight = \([0-9]\); \(u_threshold = 1000; \)\?}/weight = \1; \2enabled = false; }/'
reload_to d
expect_table "all down: the sorry server alone" <<'X'
TCP 192.0.2.10:80 wrr
-> 198.51.100.77:80 Masq 1
-> 198.51.100.99:80 Masq 1
TCP 192.0.2.10:5432 rr
TCP 192.0.2.10:5433 rr
TCP 203.0.113.50:8080 rr
-> 198.51.100.77:8080 Masq 1
X
grep -q 'ipvs: service http: quorum lost (0 of 3 up, quorum 1, hysteresis 0): sorry server takes over' $LOG &&
    ok "quorum loss logged" || bad "no quorum log line"
ipvsadm -d -t 192.0.2.10:80 -r 198.51.100.77:80   # hand-made: we remove it ourselves
a=$(ask 80); [ "$a" = rs99 ] && ok "the sorry server answers" || bad "sorry server answer: '$a'"
ipvsadm -a -t 192.0.2.10:80 -r 198.51.100.77:80 -m -w 1
reload_to example
expect_table "restored" <<'X'
TCP 192.0.2.10:80 wrr
-> 198.51.100.21:80 Masq 3
-> 198.51.100.22:80 Masq 2
-> 198.51.100.23:80 Masq 1
-> 198.51.100.77:80 Masq 1
TCP 192.0.2.10:5432 rr
TCP 192.0.2.10:5433 rr
TCP 203.0.113.50:8080 rr
-> 198.51.100.77:8080 Masq 1
X

# ---- 5. changed behind our back: repaired by the resync dump
cp $T/want $T/restored
ipvsadm -d -t 192.0.2.10:80 -r 198.51.100.22:80
ipvsadm -e -t 192.0.2.10:80 -r 198.51.100.21:80 -m -w 9
expect_table "our entries deleted or edited by hand: repaired by the resync" < $T/restored
grep -q 'ipvs: 2 changes applied .*; dumped)' $LOG && ok "the repair was a pass after a dump" ||
    { bad "no 2-change pass after a dump"; grep 'changes applied' $LOG | tail -n 3; }
grep -q 'changes applied .*; kept view)' $LOG && ok "reload passes used the kept view (no dump)" ||
    bad "no pass used the kept view"

# ---- 6. kernel errors: logged by name, the rest applied
conf e -e 's/^virtual_servers: (/virtual_servers: ( { name = "bad"; address = "192.0.2.10"; port = 81; scheduler = "xyz"; real_servers = ( { address = "198.51.100.21"; } ); }, { name = "good"; address = "192.0.2.10"; port = 82; scheduler = "rr"; },/'
reload_to e
wait_for 5 grep -q "ipvs: service bad (tcp 192.0.2.10:81): add-service: scheduler 'xyz': No such file or directory" $LOG &&
    ok "unknown scheduler logged naming the service" || { bad "no scheduler error line"; grep ipvs: $LOG | tail -n 5; }
table | grep -q '^TCP 192.0.2.10:82 rr' && ! table | grep -q ':81 ' && ok "the rest of the batch applied" ||
    { bad "after the error"; table; }
[ "$(grep -c 'real server 198.51.100.21:81: add-dest: No such process' $LOG)" = 0 ] && ok "its real server's error folded into the service's" ||
    bad "real server errors logged separately"

# ---- 7. stop: ours removed, hand-made kept
kill -TERM $TD; wait $TD; rc=$?
[ $rc = 0 ] && ok "tandemd exited 0" || bad "tandemd exit status $rc"
expect_table "stop removed only our entries" <<'X'
TCP 192.0.2.10:80 wrr
-> 198.51.100.77:80 Masq 1
TCP 203.0.113.50:8080 rr
-> 198.51.100.77:8080 Masq 1
X
[ $fail = 0 ] || { echo "--- tandemd log"; tail -n 40 $LOG; }
for p in $PIDS; do kill $p 2>/dev/null; done
exit $fail
EOF

T0=$(date +%s.%N)
VM_STREAM=0 VM_TIMEOUT=${VM_TIMEOUT:-300} "$RUN_VM" -f "$SCRIPT"
rc=$?
echo "ipvs_daemon: VM run took $(echo "$(date +%s.%N) - $T0" | bc 2>/dev/null || echo '?') s (rc=$rc)"
case $rc in
    0|1) exit $rc ;;
    124|125) unavailable "the VM did not run (run-in-vm.sh status $rc)" ;;
    *) exit 1 ;;
esac
