#!/bin/bash
# test/vm/setup.sh - prepare the IPVS test VM used by test/vm/run-in-vm.sh.
# Idempotent: a second run only rebuilds the small initramfs.
#  * apt-get install qemu-system-x86 busybox-static ipvsadm kmod cpio iproute2
#  * apt-get download the Debian kernel that linux-image-amd64 depends on,
#    extract it with dpkg -x (NOT installed into /boot), run depmod on it:
#    the host kernel may lack CONFIG_IP_VS, Debian's stock one has it.
#  * build a small gzip'ed cpio initramfs: busybox-static + virtio/9p/overlay
#    + ip_vs modules, and an /init that mounts the host root over virtio-9p.
# Env: TANDEM_VM_DIR (cache; default /var/cache/tandem-vm when writable, else
#      ${TMPDIR:-/tmp}/tandem-vm), KPKG (override kernel package, e.g.
#      linux-image-6.1.0-56-amd64), FORCE=1 re-downloads the kernel.
set -euo pipefail

vm_dir() {  # same rule as run-in-vm.sh
    if [ -n "${TANDEM_VM_DIR:-}" ]; then echo "$TANDEM_VM_DIR"
    elif mkdir -p /var/cache/tandem-vm 2>/dev/null && [ -w /var/cache/tandem-vm ]; then
        echo /var/cache/tandem-vm
    else echo "${TMPDIR:-/tmp}/tandem-vm"; fi
}
BASE=$(vm_dir)
mkdir -p "$BASE"
cd "$BASE"
log() { echo "[setup] $*" >&2; }
die() { echo "[setup] ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, mknod)"

# Parallel make check jobs may all call us: one builds, the others wait.
exec 9>"$BASE/.setup.lock"
flock -w 900 9 || die "timed out waiting for another setup.sh"

# ---------------------------------------------------------------- 1. packages
PKGS="qemu-system-x86 busybox-static ipvsadm kmod cpio iproute2 gzip"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    log "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # wait for a concurrent apt/dpkg run instead of failing
    apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
else
    log "packages already installed"
fi

# ---------------------------------------------------------------- 2. kernel
if [ -z "${KPKG:-}" ]; then
    KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
           awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    if [ -z "$KPKG" ]; then
        apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
        KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    fi
fi
[ -n "$KPKG" ] || die "cannot determine kernel package from linux-image-amd64"
KV=${KPKG#linux-image-}
KROOT=$BASE/kroot
MODDIR=$KROOT/lib/modules/$KV
KERNEL=$KROOT/boot/vmlinuz-$KV

if [ "${FORCE:-0}" = 1 ] || [ ! -f "$KERNEL" ] || [ ! -d "$MODDIR/kernel" ]; then
    mkdir -p "$BASE/debs"
    ( cd "$BASE/debs" && rm -f "${KPKG}"_*.deb && apt-get download "$KPKG" ) ||
        die "apt-get download $KPKG failed"
    DEB=$(ls -1 "$BASE/debs/${KPKG}"_*.deb | head -n1)
    log "extracting $DEB"
    rm -rf "$KROOT"
    dpkg -x "$DEB" "$KROOT"
else
    log "kernel $KV already extracted in $KROOT"
fi
[ -f "$KERNEL" ] || die "kernel image $KERNEL missing after extraction"

# Decompress .ko.xz / .ko.zst if a future kernel ships compressed modules
# (busybox insmod cannot load them).
find "$MODDIR" -name '*.ko.xz'  -exec xz   -d -f {} + 2>/dev/null || true
find "$MODDIR" -name '*.ko.zst' -exec zstd -d -q --rm {} + 2>/dev/null || true
if [ ! -f "$MODDIR/modules.dep" ] || [ "$MODDIR/modules.order" -nt "$MODDIR/modules.dep" ]; then
    log "depmod -b $KROOT $KV"
    depmod -b "$KROOT" "$KV"
fi

# ---------------------------------------------------------------- 3. initramfs
# Modules needed to reach the host root (virtio-pci, 9p, overlay) and the
# IPVS set. Order (with dependencies) computed by kmod from modules.dep.
BASE_MODS="virtio_pci 9pnet_virtio 9p overlay"
IPVS_MODS="ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_lblc ip_vs_lblcr"
order() {   # print ordered, de-duplicated module paths relative to $MODDIR
    for m in "$@"; do
        modprobe -d "$KROOT" -S "$KV" --show-depends "$m" ||
            die "module $m not found in $MODDIR"
    done | awk '$1=="insmod"{print $2}' | awk '!seen[$0]++' |
        sed "s|^$MODDIR/||"
}

STAGE=$BASE/initramfs.d
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,lower,rw,newroot,xfer,lib/modules/"$KV"}
cp /bin/busybox "$STAGE/bin/busybox"
mknod -m 600 "$STAGE/dev/console" c 5 1
mknod -m 666 "$STAGE/dev/null" c 1 3
order $BASE_MODS > "$STAGE/etc/modules.base"
order $IPVS_MODS > "$STAGE/etc/modules.ipvs"
cat "$STAGE/etc/modules.base" "$STAGE/etc/modules.ipvs" | sort -u |
while read -r rel; do
    mkdir -p "$STAGE/lib/modules/$KV/$(dirname "$rel")"
    cp "$MODDIR/$rel" "$STAGE/lib/modules/$KV/$rel"
done
echo "$KV" > "$STAGE/etc/kv"

cat > "$STAGE/sbin/vm-modprobe" <<'EOF'
#!/bin/busybox sh
# kernel request_module() helper: use the host's kmod inside the host root,
# where /lib/modules/$KV is bind-mounted from the extracted kernel package.
# (test inside the chroot: /sbin/modprobe is an absolute symlink to /bin/kmod)
if /bin/busybox chroot /newroot /bin/sh -c '[ -x /sbin/modprobe ]' 2>/dev/null; then
    exec /bin/busybox chroot /newroot /sbin/modprobe "$@"
fi
exec /bin/busybox modprobe "$@"
EOF
chmod 755 "$STAGE/sbin/vm-modprobe"

cat > "$STAGE/init" <<'EOF'
#!/bin/busybox sh
# PID 1 inside the test VM.
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
log() { echo "[vm-init] $*" > /dev/console; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
KV=$(cat /etc/kv)
[ "$(uname -r)" = "$KV" ] || log "WARNING: running kernel $(uname -r) != modules $KV"

ismnt() { grep -q " $1 " /proc/mounts; }
param() { # value of vm.$1= on the kernel command line
    for w in $(cat /proc/cmdline); do
        case "$w" in "vm.$1="*) echo "${w#vm.$1=}"; return;; esac
    done
}
finish() { # $1 = status written to xfer (if mounted)
    if [ -n "$1" ] && ismnt /xfer; then echo "$1" > /xfer/rc.tmp; mv /xfer/rc.tmp /xfer/rc; fi
    sync
    poweroff -f; echo o > /proc/sysrq-trigger; reboot -f
    sleep 10
}

loadlist() {
    while read -r m; do
        insmod "/lib/modules/$KV/$m" 2>/tmp/insmod.err ||
            { grep -q 'File exists' /tmp/insmod.err || log "insmod $m: $(cat /tmp/insmod.err)"; }
    done < "$1"
}
loadlist /etc/modules.base

# results/command share (read-write), then host root (read-only)
for i in 1 2 3 4 5 6 7 8 9 10; do
    mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 xfer /xfer 2>/dev/null && break
    sleep 0.2
done
ismnt /xfer || { log "FATAL: cannot mount 9p tag xfer"; finish ""; }
exec >>/xfer/init.log 2>&1   # init's own chatter; command output goes elsewhere

mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostroot /lower ||
    { log "FATAL: cannot mount 9p tag hostroot"; finish 200; }
mount -t tmpfs -o mode=755,size=${VM_TMPFS_SIZE:-50%} tmpfs /rw
mkdir -p /rw/upper /rw/work
if mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work,index=off,xino=off,redirect_dir=off,metacopy=off /newroot; then
    log "root: overlay(9p ro host root + tmpfs)"
else
    log "overlay failed; using read-only host root + tmpfs on /run"
    mount -o bind /lower /newroot
fi
R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts
mount -t tmpfs tmpfs $R/dev/shm
# devtmpfs has no /dev/fd: bash's <(...) (test/lib/ns.sh) needs it
ln -sf /proc/self/fd $R/dev/fd
mount -t tmpfs -o mode=755 tmpfs $R/run
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
mkdir -p $R/xfer && mount -o bind /xfer $R/xfer
# full module tree of the guest kernel, for modprobe / auto-loading
KROOT=$(param kroot)
if [ -n "$KROOT" ] && [ -d "$R$KROOT/lib/modules/$KV" ]; then
    mkdir -p $R/lib/modules/$KV /lib/modules/$KV
    mount -o bind "$R$KROOT/lib/modules/$KV" $R/lib/modules/$KV
    echo /sbin/vm-modprobe > /proc/sys/kernel/modprobe
fi

loadlist /etc/modules.ipvs
hostname vm
ip link set lo up
log "modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"

# run the command from the xfer share inside the host root
if [ -f /xfer/cmd.sh ]; then
    log "running /xfer/cmd.sh"
    chroot $R /bin/sh -c '
        [ -f /xfer/env ] && . /xfer/env
        cd "${VM_CWD:-/}" 2>/dev/null || cd /
        exec /bin/sh /xfer/cmd.sh' </dev/null >/xfer/out 2>&1
    rc=$?
else
    log "no /xfer/cmd.sh"; rc=201
fi
log "exit status $rc"
finish $rc
EOF
chmod 755 "$STAGE/init"

INITRD=$BASE/initramfs-$KV.img
( cd "$STAGE" && find . -print0 | cpio --null -o -H newc --quiet ) | gzip -9 > "$INITRD.tmp"
mv "$INITRD.tmp" "$INITRD"

cat > "$BASE/vm.env" <<EOF
KV=$KV
KPKG=$KPKG
KROOT=$KROOT
KERNEL=$KERNEL
INITRD=$INITRD
EOF
log "kernel  : $KERNEL"
log "initrd  : $INITRD ($(du -h "$INITRD" | cut -f1))"
log "modules : $(cat "$STAGE/etc/modules.base" "$STAGE/etc/modules.ipvs" | wc -l) in initramfs"
log "done; use test/vm/run-in-vm.sh 'command' (TANDEM_VM_DIR=$BASE)"
