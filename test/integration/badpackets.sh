#!/bin/bash
# badpackets.sh - malformed adverts are dropped and counted (RFC 5798 §7.1).
#  lb1 (prio 100) is MASTER alone; an injector on the same switch sends
#  adverts for VRID 51 with priority 200 - which WOULD make lb1 step down
#  if accepted - each with one defect.  Every batch must leave lb1 MASTER
#  and raise exactly its counter by the number sent.  Last, one valid
#  priority-200 advert must make lb1 BACKUP: proof that the injector works.
#  The injected adverts say 1 s intervals: had lb1 accepted one, it would stay
#  BACKUP for its 3.6 s Master_Down_Interval, long enough to be seen.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
command -v python3 >/dev/null || tn_error "python3 is needed for $VRRP_INJECT"
N=5
tn_switch
tn_host lb1 192.0.2.1/24
tn_host inj 192.0.2.50/24
tn_conf lb1 priority=100
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3

counter_is() { [ "$(tn_counter "$1" "$2")" = "$3" ]; }

inject() { # COUNTER WHAT injector-options...
	local counter=$1 what=$2 before after ok_before ok_after
	shift 2
	before=$(tn_counter lb1 "$counter")
	ok_before=$(tn_counter lb1 rx_ok)
	[ "$before" != missing ] || tn_fail "tandemctl counters has no $counter"
	tn_exec inj python3 "$VRRP_INJECT" --iface eth0 --src 192.0.2.50 \
		--vrid 51 --prio 200 --interval-cs 100 --repeat $N "$@" >/dev/null ||
		tn_error "the injector failed ($*)"
	# counted as soon as read; give the daemon a moment to read them
	tn_wait_for 1 counter_is lb1 "$counter" $((before + N))
	after=$(tn_counter lb1 "$counter")
	ok_after=$(tn_counter lb1 rx_ok)
	[ "$after" = $((before + N)) ] ||
		tn_fail "$what: $counter went from $before to $after, expected +$N. Counters now: $(tn_ctl lb1 counters | grep -v ' 0$' | tr '\n' ' ')"
	[ "$ok_after" = "$ok_before" ] ||
		tn_fail "$what: rx_ok went from $ok_before to $ok_after: some were accepted"
	tn_check "$what: $N dropped ($counter +$N), lb1 still MASTER" tn_state_is lb1 web MASTER
}

inject rx_bad_ttl "TTL 254" --ttl 254
inject rx_bad_checksum "bad checksum" --bad-checksum
inject rx_bad_version "version 1" --version 1
inject rx_bad_version "version 4" --version 4
inject rx_bad_addr_count "count 2 with one address" --count 2
inject rx_bad_type "type 2" --type 2
inject rx_too_short "6-byte message" --truncate 6
tn_check "VIP still on lb1" tn_has_vip lb1 192.0.2.10

# ---- the control: a valid priority-200 advert wins
ok_before=$(tn_counter lb1 rx_ok)
tn_exec inj python3 "$VRRP_INJECT" --iface eth0 --src 192.0.2.50 \
	--vrid 51 --prio 200 --interval-cs 100 >/dev/null || tn_error "the injector failed"
tn_wait_for 1 tn_state_is lb1 web BACKUP ||
	tn_fail "a valid priority-200 advert did not make lb1 BACKUP (state $(tn_state lb1 web)); rx_ok $ok_before -> $(tn_counter lb1 rx_ok)"
tn_pass "a valid priority-200 advert makes lb1 BACKUP (the injector works)"
[ "$(tn_counter lb1 rx_ok)" -gt "$ok_before" ] || tn_fail "lb1 went BACKUP but rx_ok did not grow"
master=$(tn_field lb1 web master)
[ "$master" = 192.0.2.50 ] || tn_fail "lb1 reports master=$master, expected the injector 192.0.2.50"
tn_pass "lb1 reports master=192.0.2.50"
tn_done
