#!/bin/bash
# test/ansible/run.sh - the Ansible roles, tested for real (issue 4).
#
#  1. ansible-lint and ansible-playbook --syntax-check on ansible/.
#  2. Two throwaway Debian 12 hosts: chroots unpacked from a debootstrap
#     tarball cached in $TANDEM_ANSIBLE_CACHE (made once, ~1 min), reached with
#     the community.general.chroot connection. No systemd runs there: the
#     roles install the units and skip starting services.
#  3. site.yml on both: build deps, build from a snapshot of this checkout,
#     tandem.conf, group, unit, sysctl file, HAProxy. Then check the result:
#     tandemd -t accepts the config, files/owners/modes, peers, priorities.
#  4. A second run changes nothing (changed=0); a changed variable rewrites the
#     config and notifies the reload handler, not a restart, and no rebuild;
#     a config tandemd refuses never replaces the live file; a source change
#     rebuilds and notifies the restart handler.
#
# Usage (root, Debian 12): bash test/ansible/run.sh   (no make needed)
# Env: TANDEM_ANSIBLE_CACHE (default /var/cache/tandem-ansible),
#      TANDEM_ANSIBLE_KEEP=1 leaves the chroots in place for inspection.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${TANDEM_ANSIBLE_CACHE:-/var/cache/tandem-ansible}
base=$cache/bookworm-minbase.tar
t0=$(date +%s)
step() { echo; echo "=== [$(( $(date +%s) - t0 )) s] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "$0: needs root (chroot, mount)" >&2; exit 1; }

missing=""
for p in ansible ansible-lint debootstrap; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	step "installing:$missing"
	apt-get -o DPkg::Lock::Timeout=600 update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
		--no-install-recommends $missing
fi

step "ansible-lint, syntax check"
(cd "$top/ansible" && ansible-lint --nocolor && ansible-playbook --syntax-check site.yml)

# The Debian mirror this machine uses (the only registry reachable here).
mirror() {
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -oE 'https?://[^ ]+' | grep -v -e security -e snapshot | head -1 || true)
	echo "${m:-http://deb.debian.org/debian}"
}
mkdir -p "$cache"
if [ ! -f "$base" ]; then
	step "debootstrap bookworm (once; cached in $base)"
	rm -rf "$cache/rootfs.new"
	debootstrap --variant=minbase --include=python3 bookworm "$cache/rootfs.new" "$(mirror)"
	tar -C "$cache/rootfs.new" -cf "$base.new" .
	mv "$base.new" "$base"
	rm -rf --one-file-system "$cache/rootfs.new"
fi

work=$(mktemp -d /var/tmp/tandem-ansible.XXXXXX)
hosts="lb1 lb2"
cleanup() {
	for h in $hosts; do
		mountpoint -q "$work/$h/proc" && umount "$work/$h/proc"
	done
	if [ "${TANDEM_ANSIBLE_KEEP:-0}" = 1 ]; then
		echo "chroots kept in $work"
	else
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT

step "two Debian 12 chroots in $work"
# The role builds a snapshot of the source: the idempotence check needs one
# source revision throughout. In a git checkout, the last commit (edits in
# progress may not build yet); TANDEM_ANSIBLE_WORKTREE=1 takes the working
# tree as the role would (tracked + untracked files, ignored ones left out).
mkdir "$work/src"
if [ "${TANDEM_ANSIBLE_WORKTREE:-0}" != 1 ] && git -C "$top" rev-parse HEAD >/dev/null 2>&1; then
	git -C "$top" archive HEAD | tar -C "$work/src" -x
else
	rev=$("$top/ansible/roles/tandem/files/tandem-source-archive" "$top" "$cache/src")
	tar -C "$work/src" -xzf "$cache/src/tandem-src-$rev.tar.gz"
fi
rev=$("$top/ansible/roles/tandem/files/tandem-source-archive" "$work/src" "$cache/src")
for h in $hosts; do
	mkdir "$work/$h"
	tar -C "$work/$h" -xf "$base"
	cp /etc/resolv.conf "$work/$h/etc/resolv.conf"
	# Packages must not start services in a chroot (Debian's policy-rc.d).
	printf '#!/bin/sh\nexit 101\n' > "$work/$h/usr/sbin/policy-rc.d"
	chmod 755 "$work/$h/usr/sbin/policy-rc.d"
	# Package lists and .debs from earlier runs: apt downloads only what changed.
	if [ -d "$cache/apt/lists" ]; then
		cp -a "$cache/apt/lists/." "$work/$h/var/lib/apt/lists/"
		cp -a "$cache/apt/archives/." "$work/$h/var/cache/apt/archives/"
	fi
	mount -t proc proc "$work/$h/proc"
done

cat > "$work/hosts.yml" <<EOF
all:
  children:
    balancers:
      vars:
        ansible_connection: community.general.chroot
        tandem_interface: eth0
        tandem_vip: 192.168.10.39/24
        tandem_db_vip: 192.168.10.53/24
        tandem_advert_interval: 0.1
        tandem_unicast: true
        tandem_source_dir: $work/src
        tandem_controller_cache: $cache/src
        haproxy_http_bind: 192.168.10.39:80
        haproxy_pg_write_bind: 192.168.10.53:5432
        haproxy_pg_read_bind: 192.168.10.53:5433
      hosts:
        lb1: { ansible_host: $work/lb1, tandem_address: 192.168.10.40, tandem_ipvs_methods: [nat] }
        lb2: { ansible_host: $work/lb2, tandem_address: 192.168.10.41 }
    app:
      hosts:
        web1: { ansible_host: 192.168.10.21 }
        web2: { ansible_host: 192.168.10.22 }
    postgres:
      hosts:
        pg-master: { ansible_host: 192.168.10.31, pg_role: primary }
        pg-slave1: { ansible_host: 192.168.10.32, pg_role: replica }
        pg-slave2: { ansible_host: 192.168.10.33, pg_role: replica }
EOF

export ANSIBLE_CONFIG=$top/ansible/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks
play() { # LOG [ansible-playbook args]: runs site.yml, output to LOG and stdout
	local log=$1 s rc=0
	shift
	s=$(date +%s)
	ansible-playbook -i "$work/hosts.yml" "$top/ansible/site.yml" "$@" > "$log" 2>&1 || rc=$?
	# What changed, the handlers, failures and the recap.
	awk '/^TASK /{t=$0; sub(/ \**$/, "", t)} /^RUNNING HANDLER/{t=$0; sub(/ \**$/, "", t); print t}
	     /^(changed|fatal|failed)/{print t ": " substr($0, 1, 200)} /^(lb1|lb2) +:/{print}' "$log"
	echo "--- ansible-playbook took $(( $(date +%s) - s )) s, exit $rc"
	return $rc
}
recap_changed() { # LOG HOST: the changed= count of HOST's recap line
	sed -nE "s/^$2 +:.* changed=([0-9]+).*/\1/p" "$1"
}
task_changed() { # LOG TASK: true when TASK reported "changed" for some host
	awk -v want="TASK [$2]" '/^TASK /{t=$0; sub(/ \**$/, "", t)} /^changed/ && t == want {found=1}
	     END {exit !found}' "$1"
}
in_chroot() { local h=$1; shift; chroot "$work/$h" "$@"; }

step "first run"
play "$work/run1.log" || { tail -60 "$work/run1.log"; fail "first run failed"; }
echo "slowest tasks:"
grep -E ' -{3,} +[0-9.]+s$' "$work/run1.log" | head -6

step "checks"
for h in $hosts; do
	in_chroot "$h" /usr/local/sbin/tandemd -t -f /etc/tandem/tandem.conf || fail "$h: tandemd -t refuses the config"
	in_chroot "$h" getent group tandem >/dev/null || fail "$h: no tandem group"
	[ "$(in_chroot "$h" stat -c '%U:%G %a' /etc/tandem)" = "root:tandem 750" ] || fail "$h: /etc/tandem owner/mode"
	[ "$(in_chroot "$h" stat -c '%U:%G %a' /etc/tandem/tandem.conf)" = "root:tandem 640" ] ||
		fail "$h: tandem.conf owner/mode"
	cmp "$top/ansible/roles/tandem/files/tandemd.service" "$work/$h/etc/systemd/system/tandemd.service" ||
		fail "$h: unit not installed"
	[ "$(cat "$work/$h/usr/local/share/tandem/source-revision")" = "$rev" ] || fail "$h: build stamp"
	[ -x "$work/$h/usr/local/bin/tandemctl" ] || fail "$h: tandemctl not installed"
	grep -qx 'net.ipv4.ip_nonlocal_bind=1' "$work/$h/etc/sysctl.d/60-tandem.conf" || fail "$h: ip_nonlocal_bind"
	grep -qx 'net.ipv6.ip_nonlocal_bind=1' "$work/$h/etc/sysctl.d/60-tandem.conf" || fail "$h: ipv6 ip_nonlocal_bind"
	in_chroot "$h" haproxy -c -q -f /etc/haproxy/haproxy.cfg || fail "$h: haproxy.cfg invalid"
	grep -q 'server pg-master 192.168.10.31:5432' "$work/$h/etc/haproxy/haproxy.cfg" || fail "$h: pg primary"
done
# NAT asked on lb1 only: forwarding there, not on lb2.
grep -qx 'net.ipv4.ip_forward=1' "$work/lb1/etc/sysctl.d/60-tandem.conf" || fail "lb1: ip_forward for NAT"
! grep -q 'ip_forward' "$work/lb2/etc/sysctl.d/60-tandem.conf" || fail "lb2: ip_forward without NAT"
# Priorities and unicast peers derived from the group; the HAProxy track.
conf1=$work/lb1/etc/tandem/tandem.conf conf2=$work/lb2/etc/tandem/tandem.conf
[ "$(grep -c 'priority = 150;' "$conf1")" = 2 ] || fail "lb1: priority 150 in both instances"
[ "$(grep -c 'priority = 100;' "$conf2")" = 2 ] || fail "lb2: priority 100 in both instances"
grep -q 'unicast_peers = \[ "192.168.10.41" \];' "$conf1" || fail "lb1: peer lb2"
grep -q 'unicast_peers = \[ "192.168.10.40" \];' "$conf2" || fail "lb2: peer lb1"
grep -q 'unicast_src_ip = "192.168.10.40";' "$conf1" || fail "lb1: unicast_src_ip"
grep -q 'track = ( { name = "haproxy"; weight = -60; } );' "$conf1" || fail "lb1: haproxy track"
grep -q 'group = \[ "web", "db" \];' "$conf1" || fail "lb1: sync group"
echo "checks passed"

step "second run: nothing changes"
play "$work/run2.log" || fail "second run failed"
for h in $hosts; do
	[ "$(recap_changed "$work/run2.log" "$h")" = 0 ] || fail "$h: second run changed something"
done

step "third run: a new advert_interval is a reload, not a restart nor a rebuild"
play "$work/run3.log" -e tandem_advert_interval=0.2 || fail "third run failed"
grep -q 'RUNNING HANDLER \[tandem : Reload tandemd\]' "$work/run3.log" || fail "no reload handler"
! grep -q 'RUNNING HANDLER \[tandem : Restart tandemd\]' "$work/run3.log" || fail "restart on a config change"
! task_changed "$work/run3.log" "tandem : Compile" || fail "rebuilt on a config change"
task_changed "$work/run3.log" "tandem : Write tandem.conf" || fail "config not rewritten"
grep -q 'advert_interval = 0.2;' "$conf1" || fail "lb1: new interval not written"

step "fourth run: a config tandemd refuses does not replace the live one (failures expected)"
sum=$(sha256sum < "$conf1")
! play "$work/run4.log" -e tandem_vrid=300 || fail "a refused config did not fail the run"
grep -q 'failed to validate' "$work/run4.log" || fail "not refused by validate"
[ "$(sha256sum < "$conf1")" = "$sum" ] || fail "the refused config replaced the live one"

step "fifth run: a source change rebuilds and restarts"
echo "/* changed by test/ansible/run.sh */" >> "$work/src/daemon/main.c"
rev2=$("$top/ansible/roles/tandem/files/tandem-source-archive" "$work/src" "$cache/src")
play "$work/run5.log" || fail "fifth run failed"
task_changed "$work/run5.log" "tandem : Compile" || fail "no rebuild"
grep -q 'RUNNING HANDLER \[tandem : Restart tandemd\]' "$work/run5.log" || fail "no restart after a rebuild"
for h in $hosts; do
	[ "$(cat "$work/$h/usr/local/share/tandem/source-revision")" = "$rev2" ] || fail "$h: stamp not updated"
done

# Keep the package lists and .debs for the next run.
mkdir -p "$cache/apt/lists" "$cache/apt/archives"
cp -a "$work/lb1/var/lib/apt/lists/." "$cache/apt/lists/"
find "$work/lb1/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -u {} "$cache/apt/archives/" \;
rm -rf "$cache/apt/lists/partial" "$cache/apt/lists/lock"

step "PASS"
