#!/bin/bash
# test/vm/run-in-vm.sh - run a command as root inside a throw-away qemu VM booted from
# the stock Debian kernel prepared by test/vm/setup.sh. The host root filesystem is
# the VM's root (virtio-9p, read-only, with a tmpfs overlay so it is writable
# inside the VM; writes are discarded). ip_vs + schedulers are preloaded; the
# full module tree of the guest kernel is available to modprobe.
#
# usage: run-in-vm.sh 'shell command string'      (run by /bin/sh)
#        run-in-vm.sh -f /path/to/script.sh       (copied, run by /bin/sh)
# The command runs in the caller's $PWD (if it exists in the VM). Its combined
# stdout+stderr is printed on stdout; the exit status is the command's.
# Exit 124 = timeout, 125 = VM/infrastructure failure.
#
# env: VM_ACCEL=auto|kvm|tcg (auto: KVM only with real VMX/SVM, else TCG;
#        a KVM guest that does not reach init in VM_KVM_PROBE=30 s -> TCG)
#      VM_MEM=512M
#      VM_SMP=2  VM_TIMEOUT=300 (seconds, whole VM)  VM_PASS_ENV="VAR1 VAR2"
#      VM_STREAM=1 (stream output live; 0 = print at end)
#      VM_CONSOLE=1 (also print guest serial console to stderr at end)
#      VM_KEEP=1 (keep the per-run directory)
#      TANDEM_VM_DIR (cache; default /var/cache/tandem-vm when writable, else
#        ${TMPDIR:-/tmp}/tandem-vm; must match setup.sh)
set -u
vm_dir() {  # same rule as setup.sh
    if [ -n "${TANDEM_VM_DIR:-}" ]; then echo "$TANDEM_VM_DIR"
    elif [ -w /var/cache/tandem-vm ]; then echo /var/cache/tandem-vm
    else echo "${TMPDIR:-/tmp}/tandem-vm"; fi
}
BASE=$(vm_dir)
ME=run-in-vm
die() { echo "$ME: ERROR: $*" >&2; exit 125; }

usage() { sed -n '2,/^set -u/p' "$0" | grep '^#' >&2; exit 125; }
[ $# -ge 1 ] || usage
SCRIPT=""
case "$1" in
    -h|--help) usage ;;
    -f) [ $# -eq 2 ] || usage; SCRIPT=$2; [ -r "$SCRIPT" ] || die "script $SCRIPT not readable" ;;
    --) shift ;;
esac

QEMU=$(command -v qemu-system-x86_64) ||
    die "qemu-system-x86_64 not found (apt-get install qemu-system-x86, or run test/vm/setup.sh)"
command -v timeout >/dev/null || die "timeout(1) not found (coreutils)"
[ -r "$BASE/vm.env" ] || die "$BASE/vm.env missing: run test/vm/setup.sh first (TANDEM_VM_DIR=$BASE)"
. "$BASE/vm.env"
[ -r "$KERNEL" ] || die "kernel $KERNEL missing: run test/vm/setup.sh"
[ -r "$INITRD" ] || die "initramfs $INITRD missing: run test/vm/setup.sh"

RUN=$(mktemp -d "$BASE/xfer.XXXXXX") || die "mktemp failed"
chmod 755 "$RUN"
KEEP=${VM_KEEP:-0}
cleanup() { [ "$KEEP" = 1 ] || rm -rf "$RUN"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$SCRIPT" ]; then cp "$SCRIPT" "$RUN/cmd.sh"; else printf '%s\n' "$*" > "$RUN/cmd.sh"; fi
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
    echo "export VM_CWD=$(sq "$PWD")"
    echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    echo "export HOME=/root"
    echo "export IN_TEST_VM=1"
    for v in LANG LC_ALL ${VM_PASS_ENV:-}; do
        [ -n "${!v+x}" ] && echo "export $v=$(sq "${!v}")"
    done
} > "$RUN/env"

kvm_ok() { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }
# A stock kernel needs real VMX/SVM. Hosts whose /dev/kvm is PVM (kvm_pvm,
# no vmx/svm in cpuinfo) only run PVM-built guest kernels: the Debian kernel
# crawls and dies there with "KVM internal error ... emulation failure".
kvm_real() { kvm_ok && [ ! -d /sys/module/kvm_pvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; }
ACCEL=${VM_ACCEL:-auto}
case "$ACCEL" in
    auto) if kvm_real; then ACCEL=kvm; else ACCEL=tcg; fi ;;
    kvm)  kvm_ok || die "/dev/kvm not usable (VM_ACCEL=kvm)" ;;
    tcg)  ;;
    *)    die "VM_ACCEL must be auto, kvm or tcg" ;;
esac
TIMEOUT=${VM_TIMEOUT:-300}

run_qemu() { # $1 = kvm|tcg
    local acc
    if [ "$1" = kvm ]; then acc=(-accel kvm -cpu host); else acc=(-accel tcg,thread=multi -cpu max); fi
    rm -f "$RUN/rc" "$RUN/out" "$RUN/init.log" "$RUN/console.log"
    timeout -k 10 "$TIMEOUT" "$QEMU" \
        -nodefaults -no-user-config -no-reboot -display none -monitor none \
        -machine pc "${acc[@]}" -m "${VM_MEM:-512M}" -smp "${VM_SMP:-2}" \
        -kernel "$KERNEL" -initrd "$INITRD" \
        -append "console=ttyS0 quiet loglevel=3 panic=-1 vm.kroot=$KROOT" \
        -serial "file:$RUN/console.log" \
        -fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap" \
        -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
        -fsdev "local,id=xfer,path=$RUN,security_model=none,multidevs=remap" \
        -device virtio-9p-pci,fsdev=xfer,mount_tag=xfer \
        </dev/null >"$RUN/qemu.log" 2>&1 &
    QPID=$!
    if [ "$1" = kvm ]; then  # watchdog: guest init must reach the xfer share quickly
        local i=0 lim=$(( ${VM_KVM_PROBE:-30} * 5 ))
        while [ ! -e "$RUN/init.log" ] && kill -0 $QPID 2>/dev/null && [ $i -lt $lim ]; do
            sleep 0.2; i=$((i + 1))
        done
        if [ ! -e "$RUN/init.log" ] && kill -0 $QPID 2>/dev/null; then
            kill $QPID; wait $QPID; KVM_STUCK=1; return 99
        fi
    fi
    if [ "${VM_STREAM:-1}" = 1 ]; then
        tail -n +1 -s 0.2 -F --pid=$QPID "$RUN/out" 2>/dev/null
    fi
    wait $QPID
}

T0=$(date +%s.%N)
KVM_STUCK=0
run_qemu $ACCEL; QRC=$?
if [ "$ACCEL" = kvm ] && [ ! -e "$RUN/rc" ] && { [ $KVM_STUCK = 1 ] || [ ! -e "$RUN/init.log" ]; } && [ $QRC -ne 124 ]; then
    if [ $KVM_STUCK = 1 ]; then
        echo "$ME: KVM guest did not reach init in ${VM_KVM_PROBE:-30}s; retrying with TCG" >&2
    else
        echo "$ME: KVM run failed ($(head -c 300 "$RUN/qemu.log")); retrying with TCG" >&2
    fi
    ACCEL=tcg; run_qemu tcg; QRC=$?
fi
T1=$(date +%s.%N)

[ "${VM_STREAM:-1}" = 1 ] || { [ -f "$RUN/out" ] && cat "$RUN/out"; }
if [ "${VM_CONSOLE:-0}" = 1 ]; then
    echo "----- $ME: guest console ($ACCEL) -----" >&2
    cat "$RUN/console.log" "$RUN/init.log" >&2 2>/dev/null
fi
[ "${VM_VERBOSE:-0}" = 1 ] &&
    echo "$ME: accel=$ACCEL wall=$(echo "$T1 - $T0" | bc 2>/dev/null || echo '?')s" >&2

if [ -s "$RUN/rc" ]; then
    RC=$(cat "$RUN/rc")
    case "$RC" in ''|*[!0-9]*) RC=125 ;; esac
    [ "$RC" -ge 200 ] && { echo "$ME: guest init failure ($RC); see below" >&2; KEEP=1; cat "$RUN/init.log" >&2 2>/dev/null; }
    exit "$RC"
fi
KEEP=1
if [ $QRC -eq 124 ] || [ $QRC -eq 137 ]; then
    echo "$ME: TIMEOUT after ${TIMEOUT}s (accel=$ACCEL); logs kept in $RUN" >&2
    tail -n 20 "$RUN/console.log" >&2 2>/dev/null
    exit 124
fi
echo "$ME: VM ended without an exit status (qemu rc=$QRC, accel=$ACCEL); logs kept in $RUN" >&2
tail -n 30 "$RUN/qemu.log" "$RUN/console.log" "$RUN/init.log" >&2 2>/dev/null
exit 125
