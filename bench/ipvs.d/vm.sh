#!/bin/bash
# bench/ipvs.d/vm.sh - runs inside the test VM (bench/ipvs boots it): for
# each run and each tool, a fresh network namespace, hence a clean IPVS
# table (IPVS state is per namespace, including the trash list of deleted
# real servers that makes re-adding slower), then:
#   tandem     start -> table complete; no-op reload; 1% weight change; stop
#   ipvsadm    ipvsadm -R; ipvsadm -Sn / -Ln dumps; ipvsadm -C
#   keepalived start -> table complete; no-op SIGHUP; 1% change SIGHUP; stop
# Prints "R run tool metric value unit" lines (bench/ipvs summarises them).
#
# usage: vm.sh main DIR RUNS TOOLS      (DIR holds the generated configs)
#        vm.sh phase DIR RUN TOOL       (internal: inside the namespace)
# env: TANDEMD, KEEPALIVED
set -u
CMD=$1 DIR=$2
W=$(mktemp -d /tmp/bipvs.XXXXXX)
FULL=0      # lines of /proc/net/ip_vs when the table is complete (set by main)

us() { echo "${EPOCHREALTIME/./}"; }                 # wall clock, microseconds
ms_since() { echo $(( ($(us) - $1) / 1000 )); }      # integer ms since a us stamp
mkfifo "$W/nap" && exec 9<>"$W/nap"
nap() { read -r -t "$1" -u 9 _ || true; }            # sleep without a fork
res() { echo "R $RUN $TOOL $*"; }

# /proc/net/ip_vs of this namespace: 3 header lines, one per service, one
# per real server. mapfile is a builtin: polling costs no process.
lines() { mapfile -t L < /proc/net/ip_vs; N=${#L[@]}; }
weight2() { grep -c '^  -> .* Masq    2 ' /proc/net/ip_vs; }
wait_until() { # TIMEOUT_S cmd...: poll every 5 ms; 1 on timeout
	local end=$(( $(us) + $1 * 1000000 )); shift
	until "$@"; do [ "$(us)" -gt "$end" ] && return 1; nap 0.005; done
}
full() { lines; [ "$N" = "$FULL" ]; }
empty() { lines; [ "$N" = 3 ]; }
changed() { [ "$(weight2)" = 100 ]; }
unchanged() { [ "$(weight2)" = 0 ]; }

# CPU time (ns) of a process and its children, from /proc/PID/schedstat
cpu_ns() {
	local sum=0 p v
	for p in "$@" $(pgrep -P "$1" 2>/dev/null); do
		read -r v _ < /proc/$p/schedstat 2>/dev/null && sum=$((sum + v))
	done
	echo $sum
}
cpu_split() { # "user_ms sys_ms" of a process and its children (10 ms ticks)
	local u=0 y=0 p f
	for p in "$@" $(pgrep -P "$1" 2>/dev/null); do
		f=$(cut -d')' -f2 /proc/$p/stat 2>/dev/null) || continue
		set -- $f; u=$((u + ${12})); y=$((y + ${13}))
	done
	echo "$((u * 10)) $((y * 10))"
}
rss_kb() {
	local sum=0 p v
	for p in "$@" $(pgrep -P "$1" 2>/dev/null); do
		v=$(awk '/^VmRSS/ {print $2}' /proc/$p/status 2>/dev/null) && sum=$((sum + ${v:-0}))
	done
	echo $sum
}
# wall-clock ms of a tandemd log line ("YYYY-MM-DD HH:MM:SS.mmm ...")
log_us() { local t; t=$(date -d "$(cut -c1-23 <<< "$1")" +%s%N) && echo $((t / 1000)); }
nth_line() { grep "$2" "$1" | sed -n "${3}p"; }
count() { grep -c "$2" "$1"; }

dump_times() { # the dumps of a full table, for the no-op comparison
	local t0
	t0=$(us); ipvsadm -Sn > /dev/null; res ipvsadm_Sn_dump $(ms_since $t0) ms
	t0=$(us); ipvsadm -Ln > /dev/null; res ipvsadm_Ln_dump $(ms_since $t0) ms
}

# ---- tandem
phase_tandem() {
	local log=$W/tandemd.$RUN.log t0 td l n c0 ms
	cp "$DIR/tandem.conf" "$W/run.conf"
	t0=$(us)
	"$TANDEMD" -n -f "$W/run.conf" 2> "$log" & td=$!
	wait_until 60 full || { res error "table incomplete ($N lines)" -; tail "$log" >&2; }
	res program_seen $(ms_since $t0) ms          # start -> /proc shows it all
	wait_until 10 grep -q 'changes applied' "$log"
	l=$(nth_line "$log" 'changes applied' 1)
	res program_log $(( ($(log_us "$l") - t0) / 1000 )) ms   # start -> log line of the pass
	res program_pass "$(sed -n 's/.* applied in \([0-9]*\) ms.*/\1/p' <<< "$l")" ms
	res program_ops "$(sed -n 's/.*ipvs: \([0-9]*\) changes.*/\1/p' <<< "$l")" ops
	res rss "$(rss_kb $td)" kB
	set -- $(cpu_split $td); res program_cpu_user $1 ms; res program_cpu_sys $2 ms
	t0=$(us); "$TANDEMD" -t -f "$W/run.conf" > /dev/null; res config_check $(ms_since $t0) ms
	dump_times
	# no-op reload: the same file again
	c0=$(cpu_ns $td); n=$(count "$log" 'ipvs: in sync'); t0=$(us)
	kill -HUP $td
	wait_until 10 eval '[ "$(count "$log" "ipvs: in sync")" -gt '$n' ]'
	l=$(nth_line "$log" 'ipvs: in sync' $((n + 1)))
	res noop_log $(( ($(log_us "$l") - t0) / 1000 )) ms      # SIGHUP -> "in sync" (parse included)
	res noop_pass "$(sed -n 's/.* in sync in \([0-9]*\) ms.*/\1/p' <<< "$l")" ms
	nap 0.5; res noop_cpu $(( ($(cpu_ns $td) - c0) / 1000000 )) ms
	# 1% weight change
	cp "$DIR/tandem-changed.conf" "$W/run.conf"
	c0=$(cpu_ns $td); n=$(count "$log" 'changes applied'); t0=$(us)
	kill -HUP $td
	wait_until 10 changed || res error "weights not changed" -
	res change_seen $(ms_since $t0) ms
	wait_until 10 eval '[ "$(count "$log" "changes applied")" -gt '$n' ]'
	l=$(nth_line "$log" 'changes applied' $((n + 1)))
	res change_log $(( ($(log_us "$l") - t0) / 1000 )) ms
	res change_pass "$(sed -n 's/.* applied in \([0-9]*\) ms.*/\1/p' <<< "$l")" ms
	res change_ops "$(sed -n 's/.*ipvs: \([0-9]*\) changes.*/\1/p' <<< "$l")" ops
	nap 0.5; res change_cpu $(( ($(cpu_ns $td) - c0) / 1000000 )) ms
	# stop
	t0=$(us); kill -TERM $td; wait $td
	res stop_exit $(ms_since $t0) ms
	empty || res error "table not empty after stop ($N lines)" -
	l=$(grep 'changes applied' "$log" | tail -n1)
	res stop_pass "$(sed -n 's/.* applied in \([0-9]*\) ms.*/\1/p' <<< "$l")" ms
	res stop_ops "$(sed -n 's/.*ipvs: \([0-9]*\) changes.*/\1/p' <<< "$l")" ops
	grep -E 'warn|err' "$log" | head -n 5 >&2
}

# ---- ipvsadm
phase_ipvsadm() {
	local t0
	t0=$(us); ipvsadm -R < "$DIR/ipvsadm.rules"; res program $(ms_since $t0) ms
	full || res error "table incomplete ($N lines)" -
	dump_times
	t0=$(us); ipvsadm -C; res flush $(ms_since $t0) ms
}

# ---- keepalived
phase_keepalived() {
	local log=$W/keepalived.$RUN.log t0 kp c0
	cp "$DIR/keepalived.conf" "$W/k.conf"
	t0=$(us)
	"$KEEPALIVED" -n -l -G -C -f "$W/k.conf" -p "$W/k.pid" -c "$W/kc.pid" \
		> "$log" 2>&1 & kp=$!
	wait_until 60 full || { res error "table incomplete ($N lines)" -; tail "$log" >&2; }
	res program_seen $(ms_since $t0) ms
	nap 1; res rss "$(rss_kb $kp)" kB
	set -- $(cpu_split $kp); res program_cpu_user $1 ms; res program_cpu_sys $2 ms
	dump_times
	# no-op SIGHUP: nothing visible changes; its cost is CPU time
	c0=$(cpu_ns $kp); kill -HUP $kp; nap 3
	res noop_cpu $(( ($(cpu_ns $kp) - c0) / 1000000 )) ms
	cp "$DIR/keepalived-changed.conf" "$W/k.conf"
	c0=$(cpu_ns $kp); t0=$(us); kill -HUP $kp
	wait_until 20 changed || res error "weights not changed" -
	res change_seen $(ms_since $t0) ms
	nap 2; res change_cpu $(( ($(cpu_ns $kp) - c0) / 1000000 )) ms
	t0=$(us); kill -TERM $kp; wait $kp
	res stop_exit $(ms_since $t0) ms
	empty || res error "table not empty after stop ($N lines)" -
}

if [ "$CMD" = phase ]; then
	RUN=$3 TOOL=$4 FULL=$5
	"phase_$TOOL"
	rm -rf "$W"
	exit 0
fi

# ---- main (root namespace of the VM)
RUNS=$3 TOOLS=$4
FULL=$(( 3 + $(grep -c '^-A' "$DIR/ipvsadm.rules") + $(grep -c '^-a' "$DIR/ipvsadm.rules") ))
RUN=0 TOOL=vm
res kernel "$(uname -r)" -
res cpus "$(nproc)" -
res tandemd "$("$TANDEMD" -V 2>&1 | head -n1 | tr ' ' _)" -
res keepalived "$("$KEEPALIVED" -v 2>&1 | head -n1 | tr ' ' _)" -
res ipvsadm "$(ipvsadm -v 2>&1 | head -n1 | tr ' ' _)" -
for ((RUN = 1; RUN <= RUNS; RUN++)); do
	for TOOL in $TOOLS; do
		ip netns add b$TOOL$RUN || exit 99
		ip -n b$TOOL$RUN link set lo up
		ip netns exec b$TOOL$RUN bash "$0" phase "$DIR" $RUN $TOOL $FULL
		ip netns del b$TOOL$RUN
	done
done
rm -rf "$W"
