# bench/lib.sh - helpers of bench/failover: one VRRP pair (lb1 prio 150,
# lb2 prio 100) run by either tandemd or Debian's keepalived, faults, the
# client's view of a takeover, and the idle cost of a daemon.
#
# Sources test/lib/ns.sh (namespaces, cleanup trap, tandemd helpers).  All
# functions are prefixed bn_; "DAEMON" is "tandem" or "keepalived".
#
#   bn_setup                        topology + responders + ip batch + monitor
#   bn_conf DAEMON HOST PRIO VER ADV N   write HOST's config (N instances)
#   bn_start DAEMON HOST            start the daemon, PID in BN_PID[HOST]
#   bn_stop HOST                    SIGTERM + reap (no-op if not running)
#   bn_procs HOST                   the daemon's PIDs (parent + descendants)
#   bn_vip_on_lb1_only N            the N VIPs are on lb1 and not on lb2
#   bn_fault SCENARIO DAEMON        inject a fault on lb1, time in BN_T_FAULT
#   bn_restore DAEMON               undo it: lb1 MASTER again
#   bn_client_run ...               one probed fault, result in BN_RESULT
#   bn_idle_sample HOST             "cpu_ticks cpu_ns rss_kb pss_kb private_kb nprocs"

TN_LOG_LEVEL=${TN_LOG_LEVEL:-info} # debug logging at 100 Hz costs CPU
TN_TEST=${TN_TEST:-bench-failover}
. "$(dirname "${BASH_SOURCE[0]}")/../test/lib/ns.sh"

: "${KEEPALIVED:=$(command -v keepalived || echo /usr/sbin/keepalived)}"
BN_VIP=192.0.2.10
BN_PORT=7777
declare -A BN_PID=()   # host -> daemon PID (tandemd, or keepalived's parent)
BN_T_FAULT=            # $EPOCHREALTIME right before the fault

# VIP of instance I (1-based): 192.0.2.10, .11, ... (.100 is the client)
bn_vip() { echo "192.0.2.$(( 9 + $1 ))"; }

# ---------------------------------------------------------------- topology

# Client + lb1 + lb2, a UDP responder on each balancer answering from the
# VIP, a client-side neighbour monitor (its timestamps align the probe's
# clock, see bn_takeover_ms) and an "ip -batch -" in the switch namespace so
# a cable cut costs a pipe write, not an ip start (1-3 ms, anchors.md).
bn_setup() {
	tn_topology client
	tn_spawn lb1 "$TN_DIR/serve-lb1.out" "$UDPPROBE" serve $BN_PORT lb1
	tn_spawn lb2 "$TN_DIR/serve-lb2.out" "$UDPPROBE" serve $BN_PORT lb2
	tn_spawn client "$TN_DIR/neigh.mon" env TZ=UTC ip -ts monitor neigh
	coproc BN_IPB { exec ip -force -n "$TN_SW" -batch - 2>>"$TN_DIR/ipbatch.err"; }
	TN_PIDS+=("$BN_IPB_PID") # set by coproc; killed by ns.sh's cleanup
}

bn_ipbatch() { printf '%s\n' "$*" >&"${BN_IPB[1]}"; }

# ---------------------------------------------------------------- configs

# bn_conf DAEMON HOST PRIO VERSION ADVERT_S N: instance i = VRID 50+i,
# VIP bn_vip i, on eth0, preempt, everything else at the daemon's default.
bn_conf() {
	local daemon=$1 host=$2 prio=$3 ver=$4 adv=$5 n=$6 i
	if [ "$daemon" = tandem ]; then
		# not a pipe: tn_conf must run in this shell (it records TN_CONF)
		tn_conf "$host" - < <(
			echo "vrrp_instances: ("
			for ((i = 1; i <= n; i++)); do
				printf '  { name = "vi%d"; interface = "eth0"; vrid = %d; priority = %d;\n' \
					"$i" $((50 + i)) "$prio"
				printf '    version = %d; advert_interval = %s;\n' "$ver" "$adv"
				printf '    virtual_ipaddress = [ "%s/24" ]; }%s\n' "$(bn_vip "$i")" \
					"$([ "$i" -lt "$n" ] && echo ,)"
			done
			echo ");"
		)
		return
	fi
	{
		printf 'global_defs {\n  router_id %s\n}\n' "$host"
		for ((i = 1; i <= n; i++)); do
			printf 'vrrp_instance vi%d {\n  state BACKUP\n  interface eth0\n' "$i"
			printf '  virtual_router_id %d\n  priority %d\n' $((50 + i)) "$prio"
			printf '  version %d\n  advert_int %s\n' "$ver" "$adv"
			printf '  virtual_ipaddress {\n    %s/24 dev eth0\n  }\n}\n' "$(bn_vip "$i")"
		done
	} >"$TN_DIR/$host.kconf"
}

# ---------------------------------------------------------------- daemons

bn_start() {
	local daemon=$1 host=$2
	if [ "$daemon" = tandem ]; then
		tn_tandemd "$host"
		BN_PID[$host]=${TN_DPID[$host]}
		return
	fi
	# stale pid files (a killed VRRP child may still be a zombie) would make
	# keepalived think it is already running
	rm -f "$TN_DIR/$host.kpid" "$TN_DIR/$host.vpid"
	# -P: VRRP only (parent + one VRRP child); own pid files so that two
	# can run on one machine; -G -l: log to our file, not syslog.
	tn_spawn "$host" "$TN_DIR/$host.log" "$KEEPALIVED" -n -l -G -P \
		-f "$TN_DIR/$host.kconf" -p "$TN_DIR/$host.kpid" -r "$TN_DIR/$host.vpid"
	BN_PID[$host]=$TN_LAST_PID
	tn_wait_for 5 test -s "$TN_DIR/$host.vpid" ||
		tn_fail "keepalived in $host did not start its VRRP child (see $host.log)"
}

bn_alive() { [ -n "${BN_PID[$1]:-}" ] && ! tn_pid_gone "${BN_PID[$1]}"; }

# bn_reap HOST [TIMEOUT_S]: wait for the daemon's exit and forget it.
bn_reap() {
	local pid=${BN_PID[$1]:-}
	[ -n "$pid" ] || return 0
	{
		tn_wait_for "${2:-5}" tn_pid_gone "$pid" || return 1
		wait "$pid"
	} 2>/dev/null
	BN_PID[$1]=
	return 0
}

bn_stop() {
	bn_alive "$1" || { bn_reap "$1"; return 0; }
	kill -TERM "${BN_PID[$1]}" 2>/dev/null
	bn_reap "$1" 10 || tn_fail "daemon in $1 did not exit within 10 s of SIGTERM"
}

# Descendants from /proc/PID/task/TID/children (keepalived forks its VRRP
# child; tandemd may run notify helpers).
bn_descendants() {
	local p c t
	for t in /proc/"$1"/task/*/children; do
		[ -r "$t" ] || continue
		read -r -a c <"$t" || true
		for p in "${c[@]}"; do
			echo "$p"
			bn_descendants "$p"
		done
	done
}

bn_procs() {
	local pid=${BN_PID[$1]:-}
	[ -n "$pid" ] || return 0
	echo "$pid"
	bn_descendants "$pid"
}

# The N VIPs are all on lb1 and none on lb2 (checks first and last one).
bn_vip_on_lb1_only() {
	local v
	for v in "$(bn_vip 1)" "$(bn_vip "$1")"; do
		tn_has_vip lb1 "$v" && tn_no_vip lb2 "$v" || return 1
	done
}

# ---------------------------------------------------------------- faults

# bn_fault SCENARIO DAEMON: break lb1 and record the moment in BN_T_FAULT.
# Everything that forks is done before the timestamp.
#  linkdown  lb1's cable cut on the switch side (a pipe write to ip -batch)
#  sigkill   the daemon dies without a word.  keepalived's VRRP child gets
#            SIGTERM from its dying parent and would then send priority 0,
#            so (anchors.md): SIGSTOP all of them, SIGKILL children, parent
#  sigterm   graceful stop
bn_fault() {
	local scenario=$1 daemon=$2 pid=${BN_PID[lb1]} procs children
	case $scenario in
	linkdown)
		BN_T_FAULT=$EPOCHREALTIME
		bn_ipbatch "link set $(tn_swport lb1) down"
		;;
	sigkill)
		if [ "$daemon" = keepalived ]; then
			mapfile -t procs < <(bn_procs lb1)
			children=("${procs[@]:1}")
			BN_T_FAULT=$EPOCHREALTIME
			kill -STOP "${procs[@]}"
			kill -KILL "${children[@]}" 2>/dev/null
			kill -KILL "$pid"
		else
			BN_T_FAULT=$EPOCHREALTIME
			kill -KILL "$pid"
		fi
		;;
	sigterm)
		BN_T_FAULT=$EPOCHREALTIME
		kill -TERM "$pid"
		;;
	*) tn_error "unknown scenario $scenario" ;;
	esac
}

# bn_restore SCENARIO DAEMON N TIMEOUT_S: lb1 back, and MASTER of all N.
# A killed daemon leaves its VIPs behind (both daemons do): they are
# removed here, before the restart, so every run starts the same way.
bn_restore() {
	local scenario=$1 daemon=$2 n=$3 timeout=$4 i
	if [ "$scenario" = linkdown ]; then
		bn_ipbatch "link set $(tn_swport lb1) up"
	else
		bn_reap lb1 10 || tn_fail "lb1's daemon did not exit after $scenario"
		for ((i = 1; i <= n; i++)); do
			ip -n "$(tn_ns lb1)" addr del "$(bn_vip "$i")/24" dev eth0 2>/dev/null
		done
		bn_start "$daemon" lb1
	fi
	bn_alive lb2 || tn_fail "lb2's daemon died"
	tn_wait_for "$timeout" bn_vip_on_lb1_only "$n" ||
		tn_fail "lb1 did not get the VIPs back within $timeout s after $scenario (lb1: $(tn_vip_holders "$BN_VIP" lb1 lb2))"
}

# ---------------------------------------------------------------- client

# The probe prints times relative to its own start (CLOCK_MONOTONIC), the
# fault is stamped with $EPOCHREALTIME.  The bridge between the two: the
# client's neighbour table is flushed before the probe starts, so its first
# probe resolves the VIP, and "ip -ts monitor neigh" stamps that resolution
# (wall clock, microseconds) right when the probe's first answer arrives
# (t_first).  Probe time t is then wall time R0 - t_first + t.  Error: the
# two processes' wake-up latencies, well under 0.1 ms on an idle machine.
#
# bn_parse PROBE_OUT MONITOR_EXCERPT T_FAULT: prints
#   "takeover_ms lost max_gap_ms arp_ms late"
# takeover = fault -> first answer from lb2; arp = fault -> the client's
# neighbour entry for the VIP changes to another MAC (the new master's
# gratuitous ARP); NA when it did not happen.
bn_parse() {
	awk -v tf="$3" -v vip="$BN_VIP" '
	function sod(ts,   a) { # "[2026-11-22T03:07:29.301396]" -> s of day (UTC)
		split(substr(ts, 13, 15), a, ":")
		return a[1] * 3600 + a[2] * 60 + a[3]
	}
	function since_fault(t,   d) { # wall s of day -> ms after the fault
		d = (t - tfs) * 1000
		if (d < -43200000) d += 86400000 # midnight between the two
		return sprintf("%.1f", d)
	}
	BEGIN {
		split(tf, p, ".")
		tfs = p[1] % 86400 + ("0." p[2])
		r0 = r1 = tfirst = tswitch = ""
	}
	FNR == NR {
		if ($2 != vip || $0 !~ / lladdr /) next
		for (i = 3; i < NF; i++) if ($i == "lladdr") mac = $(i + 1)
		if (r0 == "" && / REACHABLE/) { r0 = sod($1); mac0 = mac }
		else if (r0 != "" && r1 == "" && mac != mac0) r1 = sod($1)
		next
	}
	/^t_ms=/ {
		t = substr($1, 6) / 1000
		if ($2 == "from=-" && tfirst == "") tfirst = t
		if ($2 == "from=lb1" && $3 == "to=lb2" && tswitch == "") tswitch = t
	}
	/^sent=/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] } }
	END {
		take = (r0 == "" || tfirst == "" || tswitch == "") ? "NA" : since_fault(r0 - tfirst + tswitch)
		arp = r1 == "" ? "NA" : since_fault(r1)
		printf "%s %s %s %s %s\n", take, s["lost"] == "" ? "NA" : s["lost"],
			s["max_gap_ms"] == "" ? "NA" : s["max_gap_ms"], arp, s["late"] == "" ? "NA" : s["late"]
	}' "$2" "$1"
}

bn_probe_switched() { grep -q 'from=lb1 to=lb2' "$1"; }

# bn_client_run SCENARIO DAEMON ADVERT_S WAIT_S RUNID: the client probes
# the VIP at 1 kHz, lb1 is broken at a random phase of the advert interval
# >= 1 s later, the probe runs until lb2 answers (at most WAIT_S) + 0.3 s.
# Result (bn_parse's line) in BN_RESULT: not a $(...) call, it spawns.
bn_client_run() {
	local scenario=$1 daemon=$2 adv=$3 wait_s=$4 id=$5 out mon off adv_us phase_us
	out="$TN_DIR/probe-$id.out"
	mon="$TN_DIR/neigh-$id.mon"
	rm -f "$TN_DIR/stop"
	ip -n "$(tn_ns client)" neigh flush dev eth0
	sleep 0.1
	off=$(stat -c %s "$TN_DIR/neigh.mon")
	: >"$out" # exists before the poll below
	tn_spawn client "$out" "$UDPPROBE" probe $BN_VIP $BN_PORT --rate 1000 \
		--duration 600 --timeout-ms 50 --stop-file "$TN_DIR/stop"
	local probe_pid=$TN_LAST_PID
	tn_wait_for 2 grep -q '^t_ms=.*to=lb1' "$out" ||
		tn_fail "run $id: the client gets no answer from lb1 ($(head -3 "$out"))"
	# the fault at a random phase of the advert interval (anchors.md)
	adv_us=$(awk -v a="$adv" 'BEGIN { printf "%d", a * 1000000 }')
	phase_us=$(( (RANDOM * 32768 + RANDOM) % adv_us ))
	sleep "$(printf '%d.%06d' $((1 + phase_us / 1000000)) $((phase_us % 1000000)))"
	bn_fault "$scenario" "$daemon"
	tn_wait_for "$wait_s" bn_probe_switched "$out"
	sleep 0.3
	touch "$TN_DIR/stop"
	tn_wait_for 3 tn_pid_gone "$probe_pid" || tn_fail "run $id: udpprobe did not stop"
	wait "$probe_pid" 2>/dev/null
	tail -c +$((off + 1)) "$TN_DIR/neigh.mon" >"$mon"
	BN_RESULT=$(bn_parse "$out" "$mon" "$BN_T_FAULT")
}

# ---------------------------------------------------------------- idle cost

# bn_idle_sample HOST: "cpu_ticks cpu_ns rss_kb pss_kb private_kb nprocs"
# summed over the daemon's processes: utime+stime (/proc/PID/stat, USER_HZ
# ticks), run time (/proc/PID/schedstat, ns: the same CPU time, finer),
# VmRSS, and from smaps_rollup Pss (shared pages split between their users)
# and Private_Clean+Private_Dirty (pages no other process maps).
bn_idle_sample() {
	local p line f k v _ ticks=0 ns=0 rss=0 pss=0 priv=0 n=0
	for p in $(bn_procs "$1"); do
		read -r line <"/proc/$p/stat" 2>/dev/null || continue
		read -r -a f <<<"${line##*) }" # f[0] is field 3 (state)
		ticks=$((ticks + f[11] + f[12]))
		read -r v _ <"/proc/$p/schedstat" && ns=$((ns + v))
		while read -r k v _; do
			[ "$k" = VmRSS: ] && rss=$((rss + v))
		done <"/proc/$p/status"
		while read -r k v _; do
			case $k in
			Pss:) pss=$((pss + v)) ;;
			Private_Clean: | Private_Dirty:) priv=$((priv + v)) ;;
			esac
		done <"/proc/$p/smaps_rollup"
		n=$((n + 1))
	done
	echo "$ticks $ns $rss $pss $priv $n"
}
