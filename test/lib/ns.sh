# test/lib/ns.sh - the one namespace library of the integration tests and the demo.
#
# Source it from bash.  Every run gets its own prefix ("tn<pid>x<rand>"), so
# several tests can run at once.  The "switch" is a namespace holding a bridge;
# each host is a namespace whose eth0 is one end of a veth pair created INSIDE
# the switch namespace, so nothing is ever created in the root namespace.
# An EXIT/INT/TERM trap kills every process started here, deletes every
# namespace and the temp dir, whether the test passed or not.
#
#   tn_need_root                      exit 77 (automake SKIP) unless root + netns work
#   tn_switch                         create the switch namespace and its bridge
#   tn_host NAME ADDR/PREFIX          host namespace, eth0 on the bridge, lo up
#   tn_exec NAME cmd...               run a command inside NAME
#   tn_spawn NAME LOG cmd...          background command in NAME, PID in TN_LAST_PID
#   tn_link_down/tn_link_up NAME      cut / restore NAME's cable (switch side)
#   tn_topology [client]             switch + lb1 192.0.2.1 + lb2 .2 (+ client .100)
#   tn_partition on|off              drop VRRP on the bridge (links stay up)
#   tn_conf NAME [key=value...]       write $TN_DIR/NAME.conf (or "-": instances from stdin)
#   tn_tandemd NAME [CONFIG]          start tandemd -n -f CONFIG in NAME, wait for its socket
#   tn_stop NAME [SIGNAL [TIMEOUT_S]] signal tandemd, wait for its exit; status in TN_RC
#   tn_alive NAME                     tandemd of NAME still running
#   tn_ctl NAME args...               tandemctl -s <NAME's socket> args
#   tn_state NAME INSTANCE            state word from "tandemctl status"
#   tn_state_is NAME INSTANCE STATE   (for tn_wait_for)
#   tn_wait_state NAME INST STATE S   wait up to S seconds for STATE, or fail
#   tn_field NAME INSTANCE KEY        any key=value of "tandemctl status"
#   tn_counter NAME COUNTER           a value of "tandemctl counters" ("missing" if none)
#   tn_has_vip / tn_no_vip NAME ADDR  is ADDR on NAME's eth0
#   tn_vip_holders ADDR NAME...       which of the NAMEs hold ADDR
#   tn_wait_for TIMEOUT_S cmd...      poll cmd every 10 ms until it succeeds
#   tn_pid_gone PID                   process exited (zombie counts)
#   tn_ms                             milliseconds (microsecond clock, no fork)
#   tn_pass MSG / tn_check MSG cmd... / tn_fail MSG / tn_done
#                                     report; tn_fail dumps daemon logs and exits 1
#   tn_error MSG                      the test itself cannot run: exit 99
#   tn_log MSG                        "# [ms since start] MSG"
#
# Environment: TOP_BUILDDIR/TOP_SRCDIR (set by make check), TANDEMD, TANDEMCTL,
# UDPPROBE, TN_KEEP=1 (keep the temp dir), TN_LOG_LEVEL (default debug).

TN_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${TOP_SRCDIR:=$(cd "$TN_LIB_DIR/../.." && pwd)}"
if [ -z "${TOP_BUILDDIR:-}" ]; then
	# run by hand: an in-tree build, else the usual VPATH build dir "build"
	TOP_BUILDDIR=$TOP_SRCDIR
	[ ! -x "$TOP_SRCDIR/tandemd" ] && [ -x "$TOP_SRCDIR/build/tandemd" ] &&
		TOP_BUILDDIR=$TOP_SRCDIR/build
fi
: "${TANDEMD:=$TOP_BUILDDIR/tandemd}"
: "${TANDEMCTL:=$TOP_BUILDDIR/tandemctl}"
: "${UDPPROBE:=$TOP_BUILDDIR/test/tools/udpprobe}"
: "${VRRP_INJECT:=$TOP_SRCDIR/test/tools/vrrp_inject.py}"
: "${TN_LOG_LEVEL:=debug}"

TN_TEST=${TN_TEST:-$(basename "$0")}
TN_PREFIX="tn$$x$(printf '%04x' $((RANDOM & 0xffff)))"
TN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tandem-$TN_PREFIX.XXXXXX") || exit 99
TN_SW="${TN_PREFIX}sw"
TN_BRIDGE=br0
TN_NAMESPACES=()          # every namespace we created, in order
TN_PIDS=()                # every background process we started
declare -A TN_DPID=()     # host name -> tandemd PID
declare -A TN_CONF=()     # host name -> config path
TN_LAST_PID=
TN_RC=
TN_CLEANED=

# ---------------------------------------------------------------- cleanup

tn_cleanup() {
	[ -n "$TN_CLEANED" ] && return 0
	TN_CLEANED=1
	local pid ns
	for pid in "${TN_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	# Anything else still running inside our own namespaces was started by
	# us too (e.g. a child of a tool); a namespace with a live process in it
	# would outlive "ip netns del".
	for ns in "${TN_NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
	done
	for pid in "${TN_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${TN_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ "${TN_KEEP:-0}" = 1 ]; then
		echo "# TN_KEEP=1: logs kept in $TN_DIR"
	else
		rm -rf "$TN_DIR"
	fi
	return 0
}

# stderr off: bash would report every process killed here as "Killed".
trap 'tn_cleanup 2>/dev/null' EXIT
trap 'tn_cleanup 2>/dev/null; trap - INT; exit 130' INT
trap 'tn_cleanup 2>/dev/null; trap - TERM; exit 143' TERM

# ---------------------------------------------------------------- reporting

tn_log() { printf '# [%6s ms] %s\n' "$(( $(tn_ms) - TN_T0 ))" "$*"; }

tn_pass() { printf 'ok: %s\n' "$*"; }

# Print why, show the end of every daemon log and the hosts' addresses, exit 1.
tn_fail() {
	local f n
	printf 'FAIL: %s: %s\n' "$TN_TEST" "$*"
	for f in "$TN_DIR"/*.log; do
		[ -f "$f" ] || continue
		printf -- '----- last lines of %s\n' "$(basename "$f")"
		tail -n 40 "$f"
	done
	for n in "${!TN_DPID[@]}"; do
		printf -- '----- %s: tandemctl status / addresses\n' "$n"
		tn_ctl "$n" status 2>&1 | sed 's/^/  /'
		ip -n "$TN_PREFIX$n" -4 -o addr show dev eth0 2>&1 | sed 's/^/  /'
	done
	exit 1
}

# Infrastructure broke (not the daemon): automake "hard error".
tn_error() { printf 'ERROR: %s: %s\n' "$TN_TEST" "$*"; exit 99; }

tn_done() { printf 'PASS: %s\n' "$TN_TEST"; exit 0; }

# Assert: tn_check "what should hold" cmd...
tn_check() {
	local what=$1; shift
	if "$@"; then tn_pass "$what"; else tn_fail "$what (check failed: $*)"; fi
}

# ---------------------------------------------------------------- time

# Milliseconds since the epoch from bash's $EPOCHREALTIME (no fork, so
# polling loops stay cheap).  Only differences over a test are used.
tn_ms() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		echo $(( t / 1000 ))
	else
		date +%s%3N
	fi
}
TN_T0=$(tn_ms)

# tn_wait_for TIMEOUT_S cmd...: 0 as soon as cmd succeeds, 1 after the timeout.
# Bounded by time, not by a count of tries.
tn_wait_for() {
	local timeout_ms deadline
	timeout_ms=$(awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }')
	shift
	deadline=$(( $(tn_ms) + timeout_ms ))
	while :; do
		"$@" && return 0
		[ "$(tn_ms)" -ge "$deadline" ] && return 1
		sleep 0.01
	done
}

# ---------------------------------------------------------------- topology

tn_need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: $TN_TEST needs root (network namespaces)"
		exit 77
	fi
	if ! ip netns add "${TN_PREFIX}probe" 2>/dev/null; then
		echo "SKIP: $TN_TEST: cannot create network namespaces here"
		exit 77
	fi
	ip netns del "${TN_PREFIX}probe"
}

# Binaries the test needs: tn_need_bin PATH...  (hard error if missing).
tn_need_bin() {
	local b
	for b in "$@"; do
		[ -x "$b" ] || tn_error "$b not found or not executable (run make first, or set TOP_BUILDDIR)"
	done
}

tn_ns() { echo "$TN_PREFIX$1"; }

tn_switch() {
	ip netns add "$TN_SW" || tn_error "cannot create namespace $TN_SW"
	TN_NAMESPACES+=("$TN_SW")
	ip -n "$TN_SW" link set lo up
	# No STP (ports forward at once) and no multicast snooping (224.0.0.18
	# is flooded anyway, but snooping state must not make results vary).
	ip -n "$TN_SW" link add "$TN_BRIDGE" type bridge stp_state 0 \
		forward_delay 0 mcast_snooping 0 || tn_error "cannot create bridge"
	ip -n "$TN_SW" link set "$TN_BRIDGE" up
}

# Switch-side veth name of a host (interface names must be < 16 chars).
tn_swport() { echo "p-${1:0:13}"; }

tn_host() {
	local name=$1 addr=$2 ns port
	ns=$(tn_ns "$name")
	port=$(tn_swport "$name")
	ip netns add "$ns" || tn_error "cannot create namespace $ns"
	TN_NAMESPACES+=("$ns")
	ip -n "$TN_SW" link add "$port" type veth peer name eth0 netns "$ns" ||
		tn_error "cannot create veth pair for $name"
	ip -n "$TN_SW" link set "$port" master "$TN_BRIDGE" up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$addr" dev eth0 || tn_error "cannot add $addr to $name"
	ip -n "$ns" link set eth0 up
}

tn_exec() {
	local ns
	ns=$(tn_ns "$1"); shift
	ip netns exec "$ns" "$@"
}

# tn_spawn NAME LOGFILE cmd...: background process inside NAME, stdout and
# stderr to LOGFILE; PID in TN_LAST_PID (ip netns exec execs the command, so
# the PID is the command's own).  Must not be called in a $(...) subshell.
tn_spawn() {
	local ns log=$2
	ns=$(tn_ns "$1"); shift 2
	ip netns exec "$ns" "$@" >>"$log" 2>&1 &
	TN_LAST_PID=$!
	TN_PIDS+=("$TN_LAST_PID")
}

# The usual test network: switch, lb1 .1, lb2 .2 and (with "client") .100.
tn_topology() {
	tn_switch
	tn_host lb1 192.0.2.1/24
	tn_host lb2 192.0.2.2/24
	[ "${1:-}" = client ] && tn_host client 192.0.2.100/24
	return 0
}

# tn_partition on|off: drop VRRP (IP protocol 112) on the bridge, so the
# hosts stop hearing each other while their links stay up (no FAULT).
tn_partition() {
	if [ "$1" = on ]; then
		ip netns exec "$TN_SW" nft -f - <<'NFT' || tn_error "nft: cannot drop VRRP on the bridge"
table bridge tn_partition {
  chain drop_vrrp { type filter hook forward priority 0; ip protocol 112 drop; }
}
NFT
	else
		ip netns exec "$TN_SW" nft delete table bridge tn_partition
	fi
}

tn_link_down() { ip -n "$TN_SW" link set "$(tn_swport "$1")" down; }
tn_link_up()   { ip -n "$TN_SW" link set "$(tn_swport "$1")" up; }

# ---------------------------------------------------------------- config

tn_sock() { echo "$TN_DIR/$1.sock"; }

tn_conf_global() {
	cat <<EOF
# written by test/lib/ns.sh for $TN_TEST
global: {
  router_id = "$1";
  control_socket = "$(tn_sock "$1")";
  pid_file = "$TN_DIR/$1.pid";
  log_level = "$TN_LOG_LEVEL";
  syslog = false;
};
EOF
}

# tn_conf NAME [key=value...]: one instance with test defaults (name "web",
# eth0, VRID 51, v3, 0.1 s, VIP 192.0.2.10/24), each key=value overriding or
# adding a setting (values are written verbatim: quote strings yourself,
# e.g. name='"db"'; vips='"192.0.2.10/24", "192.0.2.11/24"').
# tn_conf NAME -: the global section is generated, the rest (typically a
# "vrrp_instances: ( ... );" block) is read from stdin.
# Prints nothing; the path is $TN_DIR/NAME.conf (also in TN_CONF[NAME]).
tn_conf() {
	local name=$1 f kv k v
	shift
	f="$TN_DIR/$name.conf"
	TN_CONF[$name]=$f
	if [ "${1:-}" = - ]; then
		{ tn_conf_global "$name"; cat; } >"$f"
		return
	fi
	local -A set=([name]='"web"' [interface]='"eth0"' [vrid]=51 [priority]=100
		[version]=3 [advert_interval]=0.1 [vips]='"192.0.2.10/24"')
	local order=(name interface vrid priority version advert_interval)
	for kv in "$@"; do
		k=${kv%%=*}; v=${kv#*=}
		[ -z "${set[$k]+x}" ] && order+=("$k")
		set[$k]=$v
	done
	{
		tn_conf_global "$name"
		echo "vrrp_instances: ("
		echo "  {"
		for k in "${order[@]}"; do
			[ "$k" = vips ] && continue
			echo "    $k = ${set[$k]};"
		done
		echo "    virtual_ipaddress = [ ${set[vips]} ];"
		echo "  }"
		echo ");"
	} >"$f"
}

# ---------------------------------------------------------------- daemon

# tn_tandemd NAME [CONFIG]: start tandemd in NAME (stderr appended to
# $TN_DIR/NAME.log) and wait until its control socket answers (set
# TN_NOWAIT=1 to return at once).  PID in TN_DPID[NAME] and TN_LAST_PID.
tn_tandemd() {
	local name=$1 conf=${2:-${TN_CONF[$1]:-}} log="$TN_DIR/$1.log"
	[ -n "$conf" ] || tn_error "tn_tandemd $name: no config (call tn_conf first)"
	TN_CONF[$name]=$conf
	echo "=== $(date '+%F %T.%3N') test starts tandemd -n -f $conf" >>"$log"
	tn_spawn "$name" "$log" "$TANDEMD" -n -f "$conf"
	TN_DPID[$name]=$TN_LAST_PID
	[ "${TN_NOWAIT:-0}" = 1 ] && return 0
	if ! tn_wait_for 5 tn_ctl_up "$name"; then
		kill -0 "${TN_DPID[$name]}" 2>/dev/null ||
			tn_fail "tandemd in $name exited at start (see $name.log above)"
		tn_fail "tandemd in $name: control socket $(tn_sock "$name") did not answer within 5 s"
	fi
}

tn_alive() { [ -n "${TN_DPID[$1]:-}" ] && kill -0 "${TN_DPID[$1]}" 2>/dev/null; }

tn_ctl_up() { tn_ctl "$1" status >/dev/null 2>&1; }

# tn_stop NAME [SIGNAL [TIMEOUT_S]]: signal NAME's tandemd (default TERM) and
# reap it; exit status in TN_RC (128+n when killed by signal n).  Returns 1
# if it did not exit within TIMEOUT_S (default 5): it is then left running.
tn_stop() {
	local name=$1 sig=${2:-TERM} timeout=${3:-5} pid
	pid=${TN_DPID[$name]:-}
	[ -n "$pid" ] || tn_error "tn_stop: no tandemd started in $name"
	TN_RC=
	# stderr off: bash reports a child killed by a signal ("Killed") when it
	# reaps it, which can happen anywhere in this block.
	{
		kill -"$sig" "$pid"
		tn_wait_for "$timeout" tn_pid_gone "$pid" || return 1
		wait "$pid"
		TN_RC=$?
	} 2>/dev/null
	return 0
}

# A reaped or zombie process counts as gone (zombies still answer kill -0).
tn_pid_gone() {
	local st
	[ -r "/proc/$1/stat" ] || return 0
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$st" = Z ]
}

# Bounded by timeout(1): a stuck daemon must fail the test, not hang it.
tn_ctl() {
	local name=$1; shift
	timeout 3 "$TANDEMCTL" -s "$(tn_sock "$name")" "$@"
}

# tn_field NAME INSTANCE KEY: value of KEY=... on INSTANCE's status line.
tn_field() {
	tn_ctl "$1" status 2>/dev/null |
		awk -v inst="$2" -v key="$3" '$1 == inst {
			for (i = 2; i <= NF; i++)
				if (index($i, key "=") == 1) { print substr($i, length(key) + 2); exit }
		}'
}

tn_state() { tn_field "$1" "$2" state; }

# tn_state_is NAME INSTANCE STATE
tn_state_is() { [ "$(tn_state "$1" "$2")" = "$3" ]; }

tn_counter() {
	tn_ctl "$1" counters 2>/dev/null | awk -v c="$2" '$1 == c { print $2; f = 1 } END { if (!f) print "missing" }'
}

# tn_has_vip NAME ADDR[/PREFIX]
tn_has_vip() {
	local a=${2%%/*}
	ip -n "$(tn_ns "$1")" -4 -o addr show dev eth0 2>/dev/null |
		awk -v a="$a" '{ split($4, p, "/"); if (p[1] == a) f = 1 } END { exit !f }'
}

tn_no_vip() { ! tn_has_vip "$@"; }

# tn_vip_holders ADDR NAME...: the NAMEs that have ADDR, space-separated.
tn_vip_holders() {
	local a=$1 n out=
	shift
	for n in "$@"; do
		tn_has_vip "$n" "$a" && out="$out${out:+ }$n"
	done
	echo "$out"
}

# tn_wait_state NAME INSTANCE STATE TIMEOUT_S: wait or fail saying what it saw.
tn_wait_state() {
	tn_wait_for "$4" tn_state_is "$1" "$2" "$3" ||
		tn_fail "$1/$2 is '$(tn_state "$1" "$2")', expected $3 within $4 s"
	tn_pass "$1/$2 is $3"
}

# ---------------------------------------------------------------- more hosts, IPv6, keepalived
#
#   tn_host6 NAME ADDR6/PREFIX LLADDR [ADDR4/PREFIX]
#                                     host with IPv6 on eth0: fixed link-local
#                                     LLADDR (e.g. fe80::1), nodad (+ an IPv4)
#   tn_host_if NAME IF ADDR/PREFIX [BRIDGE]
#                                     one more interface IF on bridge BRIDGE
#                                     (default br1, created on first use)
#   tn_if_down/tn_if_up NAME IF       cut / restore NAME's cable on IF
#   tn_has_addr NAME IF ADDR          ADDR (v4 or v6, prefix ignored) on IF
#   tn_addr_flags NAME IF ADDR        the flags "ip addr" shows for it
#   tn_has_vip6 / tn_no_vip6 NAME ADDR  (eth0)
#   tn_vip_holders6 ADDR NAME...      which of the NAMEs hold ADDR (v6) on eth0
#   tn_conf_global_set NAME 'key = value;'...
#                                     add settings to the global section of
#                                     NAME's config (after tn_conf)
#   tn_keepalived NAME CONF           start Debian's keepalived -n in NAME,
#                                     its pid files and log in $TN_DIR
#   tn_keepalived_stop NAME           SIGTERM it, wait up to 5 s (then KILL)

# Switch-side port of NAME's IF: eth0 keeps tn_swport's "p-NAME", ethN is
# "pN-NAME" (interface names must be < 16 chars).
tn_swport_if() {
	if [ "$2" = eth0 ]; then
		tn_swport "$1"
	else
		local s=${2#eth}
		echo "p${s:0:2}-${1:0:11}"
	fi
}

tn_host6() {
	local name=$1 addr6=$2 ll=$3 addr4=${4:-} ns port
	ns=$(tn_ns "$name")
	port=$(tn_swport "$name")
	ip netns add "$ns" || tn_error "cannot create namespace $ns"
	TN_NAMESPACES+=("$ns")
	ip -n "$TN_SW" link add "$port" type veth peer name eth0 netns "$ns" ||
		tn_error "cannot create veth pair for $name"
	ip -n "$TN_SW" link set "$port" master "$TN_BRIDGE" up
	# A fixed link-local instead of the EUI-64 one, so the tests know every
	# source address. DAD stays on (the kernel default): the host's own
	# addresses skip it (nodad), and an address added without nodad - a VIP
	# the daemon forgot to flag - is seen "tentative".
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.addr_gen_mode=1 >/dev/null ||
		tn_error "cannot set addr_gen_mode in $name"
	ip -n "$ns" link set lo up
	ip -n "$ns" -6 addr add "$ll/64" dev eth0 nodad || tn_error "cannot add $ll to $name"
	ip -n "$ns" -6 addr add "$addr6" dev eth0 nodad || tn_error "cannot add $addr6 to $name"
	if [ -n "$addr4" ]; then
		ip -n "$ns" addr add "$addr4" dev eth0 || tn_error "cannot add $addr4 to $name"
	fi
	ip -n "$ns" link set eth0 up
}

tn_host_if() {
	local name=$1 ifname=$2 addr=$3 br=${4:-br1} ns port
	ns=$(tn_ns "$name")
	port=$(tn_swport_if "$name" "$ifname")
	if ! ip -n "$TN_SW" link show "$br" >/dev/null 2>&1; then
		ip -n "$TN_SW" link add "$br" type bridge stp_state 0 \
			forward_delay 0 mcast_snooping 0 || tn_error "cannot create bridge $br"
		ip -n "$TN_SW" link set "$br" up
	fi
	ip -n "$TN_SW" link add "$port" type veth peer name "$ifname" netns "$ns" ||
		tn_error "cannot create veth pair for $name $ifname"
	ip -n "$TN_SW" link set "$port" master "$br" up
	ip -n "$ns" addr add "$addr" dev "$ifname" || tn_error "cannot add $addr to $name $ifname"
	ip -n "$ns" link set "$ifname" up
}

tn_if_down() { ip -n "$TN_SW" link set "$(tn_swport_if "$1" "$2")" down; }
tn_if_up()   { ip -n "$TN_SW" link set "$(tn_swport_if "$1" "$2")" up; }

tn_has_addr() {
	local a=${3%%/*}
	ip -n "$(tn_ns "$1")" -o addr show dev "$2" 2>/dev/null |
		awk -v a="$a" '{ split($4, p, "/"); if (p[1] == a) f = 1 } END { exit !f }'
}

# tn_addr_flags NAME IF ADDR: e.g. "scope global nodad" (empty if absent).
tn_addr_flags() {
	local a=${3%%/*}
	ip -n "$(tn_ns "$1")" -o addr show dev "$2" 2>/dev/null |
		awk -v a="$a" '{ split($4, p, "/"); if (p[1] != a) next
			s = ""; for (i = 5; i <= NF && $i != "valid_lft" && $i != "\\"; i++) s = s (s ? " " : "") $i
			print s }'
}

tn_has_vip6() { tn_has_addr "$1" eth0 "$2"; }
tn_no_vip6() { ! tn_has_addr "$1" eth0 "$2"; }

tn_vip_holders6() {
	local a=$1 n out=
	shift
	for n in "$@"; do
		tn_has_vip6 "$n" "$a" && out="$out${out:+ }$n"
	done
	echo "$out"
}

tn_conf_global_set() {
	local f=${TN_CONF[$1]:-} line
	shift
	[ -n "$f" ] || tn_error "tn_conf_global_set: no config (call tn_conf first)"
	for line in "$@"; do
		sed -i "/^global: {\$/a\\  $line" "$f" || tn_error "cannot edit $f"
	done
}

declare -A TN_KAPID=()    # host name -> keepalived (parent) PID

tn_keepalived() {
	local name=$1 conf=$2 log="$TN_DIR/$1.keepalived.log"
	command -v keepalived >/dev/null || tn_error "keepalived not installed (apt-get install keepalived)"
	echo "=== $(date '+%F %T.%3N') test starts keepalived -f $conf" >>"$log"
	# Own pid files: never touch a keepalived of the machine (/run/keepalived.pid).
	tn_spawn "$name" "$log" keepalived -n -l -D -G -f "$conf" \
		-p "$TN_DIR/$name.ka.pid" -r "$TN_DIR/$name.ka-vrrp.pid" \
		-c "$TN_DIR/$name.ka-check.pid" -b "$TN_DIR/$name.ka-bfd.pid"
	TN_KAPID[$name]=$TN_LAST_PID
}

tn_keepalived_stop() {
	local pid=${TN_KAPID[$1]:-}
	[ -n "$pid" ] || return 0
	{
		kill -TERM "$pid"
		tn_wait_for 5 tn_pid_gone "$pid" || kill -KILL "$pid"
		wait "$pid"
	} 2>/dev/null
	unset "TN_KAPID[$1]"
	return 0
}

# ---------------------------------------------------------------- checkers (issue 6)
#
#   tn_chkrun NAME CONFIG             chkrun -a CONFIG in NAME (every result in
#                                     $TN_DIR/chkrun.log), PID in TN_CHKRUN_PID
#   tn_chk_field CHECKER KEY          KEY of CHECKER's latest line in chkrun.out
#   tn_chk_is CHECKER KEY VALUE       (for tn_wait_for)
#   tn_chk_wait CHECKER KEY VALUE S   wait up to S seconds, or fail
#   tn_haproxy NAME CONFIG            haproxy -db -f CONFIG in NAME (PID in TN_LAST_PID)
#   tn_pg_prepare                     $TN_DIR traversable, $TN_DIR/pg owned by postgres
#   tn_pg NAME cmd...                 run cmd as user postgres inside NAME
#   tn_pg_start NAME DATADIR ADDR     start PostgreSQL 15 on ADDR:5432 (own socket dir)
#   tn_psql NAME ADDR SQL             one query as postgres, unaligned tuples only

: "${CHKRUN:=$TOP_BUILDDIR/test/tools/chkrun}"
: "${PG_BIN:=/usr/lib/postgresql/15/bin}"
TN_CHK_OUT="$TN_DIR/chkrun.log"

# Its stdout lines (t=... RESULT name=...) and its log share the file: the
# parsers below only look at name=... tokens.
tn_chkrun() {
	tn_spawn "$1" "$TN_CHK_OUT" "$CHKRUN" -a "$2"
	TN_CHKRUN_PID=$TN_LAST_PID
}

tn_chk_field() {
	awk -v n="name=$1" -v k="$2=" '
		{ for (i = 1; i <= NF; i++) if ($i == n) { line = $0; break } }
		END {
			m = split(line, f, " ")
			for (i = 1; i <= m; i++)
				if (index(f[i], k) == 1) { v = substr(f[i], length(k) + 1) }
			print v
		}' "$TN_CHK_OUT"
}

tn_chk_is() { [ "$(tn_chk_field "$1" "$2")" = "$3" ]; }

tn_chk_wait() {
	tn_wait_for "$4" tn_chk_is "$1" "$2" "$3" ||
		tn_fail "checker $1: $2 is '$(tn_chk_field "$1" "$2")' after $4 s, want '$3'"
	tn_pass "checker $1: $2=$3"
}

tn_haproxy() {
	tn_spawn "$1" "$TN_DIR/haproxy.log" haproxy -db -f "$2"
}

tn_pg_prepare() {
	chmod 711 "$TN_DIR"
	mkdir -p "$TN_DIR/pg"
	chown postgres: "$TN_DIR/pg"
}

tn_pg() {
	local ns
	ns=$(tn_ns "$1"); shift
	ip netns exec "$ns" runuser -u postgres -- "$@"
}

# Each node its own socket directory: all share one filesystem.
tn_pg_start() {
	local name=$1 data=$2 addr=$3
	mkdir -p "$data.sock" && chown postgres: "$data.sock"
	tn_pg "$name" "$PG_BIN/pg_ctl" -w -t 60 -D "$data" -l "$data.log" \
		-o "-c listen_addresses=$addr -c unix_socket_directories=$data.sock -c fsync=off" \
		start >/dev/null || tn_error "cannot start PostgreSQL in $data"
}

tn_psql() {
	tn_pg "$1" psql -X -q -At -h "$2" -U postgres -d postgres -c "$3"
}
