#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Runs e2e test scripts under another Linux kernel, one that has the optional
# SRv6 this machine's kernel may lack (seg6 lwtunnel, seg6local, VRF), so
# that the kernel-peer variants ("_linux") really run somewhere. The kernel is
# Debian's own (linux-image-amd64: CONFIG_IPV6_SEG6_LWTUNNEL=y), booted in
# qemu (software emulation when there is no /dev/kvm: slow, minutes a test)
# with this machine's root filesystem shared read-only over 9p, so the guest
# runs the very binaries and scripts of this checkout; /tmp and /run are the
# guest's own. A small busybox initramfs mounts it; nothing is installed in
# the guest. Each test's exit status and log come back in the output folder.
#
#   sudo tools/seg6-vm.sh [-o OUTDIR] [-m MB] [-c CPUS] [-t TIMEOUT_S] \
#        'l3vpn_v4_test.sh base linux' 'transit_end_test.sh linux' ...
#
# Needs root, qemu-system-x86, busybox-static and linux-image-amd64 (-i
# installs them with apt-get). BUILD_DIR as for the e2e tests (default
# build, already built). Exit status: 0 when every test exited 0 or 77.
# Not part of tools/test.sh: a development and release check.

set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

OUT= MEM=3072 CPUS=2 TIMEOUT=3000 INSTALL=0
while getopts "o:m:c:t:ih" opt; do
	case $opt in
	o) OUT=$OPTARG ;;
	m) MEM=$OPTARG ;;
	c) CPUS=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	i) INSTALL=1 ;;
	*)
		sed -n '5,/^$/s/^# \{0,1\}//p' "$0"
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
(($# > 0)) || { echo "seg6-vm.sh: name at least one test (e.g. 'l3vpn_v4_test.sh base linux')" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "seg6-vm.sh: run as root" >&2; exit 1; }

if ((INSTALL)); then
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		qemu-system-x86 busybox-static linux-image-amd64
fi
BUSYBOX=/bin/busybox
[[ -x $BUSYBOX ]] && file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	{ echo "seg6-vm.sh: needs busybox-static (-i installs it)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "seg6-vm.sh: needs qemu-system-x86 (-i)" >&2; exit 1; }
# the newest Debian kernel image with its modules
KVER=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
[[ -n $KVER && -d /lib/modules/$KVER ]] || { echo "seg6-vm.sh: needs linux-image-amd64 (-i)" >&2; exit 1; }
grep -q '^CONFIG_IPV6_SEG6_LWTUNNEL=y' "/boot/config-$KVER" ||
	echo "seg6-vm.sh: warning: $KVER has no CONFIG_IPV6_SEG6_LWTUNNEL" >&2

BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR
[[ -x $BUILD_DIR/app/srv6d/srv6d ]] || { echo "seg6-vm.sh: build first ($BUILD_DIR)" >&2; exit 1; }

[[ -n $OUT ]] || OUT=$(mktemp -d /tmp/seg6-vm.XXXXXX)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
INITRD_DIR=$(mktemp -d /tmp/seg6-vm-initrd.XXXXXX)
trap 'rm -rf "$INITRD_DIR"' EXIT

# ---- initramfs: busybox, the modules a 9p root needs, /init
mkdir -p "$INITRD_DIR"/{bin,proc,sys,dev,newroot,mods}
cp "$BUSYBOX" "$INITRD_DIR/bin/busybox"
: >"$INITRD_DIR/mods/order"
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
	cp "$ko" "$INITRD_DIR/mods/"
	basename "$ko" >>"$INITRD_DIR/mods/order"
done
cat >"$INITRD_DIR/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mods/order); do insmod "/mods/$m" || echo "init: insmod $m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /newroot ||
	{ echo "init: cannot mount the host's root"; poweroff -f; }
for d in tmp run var/tmp; do mount -t tmpfs "$d" "/newroot/$d"; done
mkdir -p /newroot/tmp/out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /newroot/tmp/out
exec switch_root /newroot /bin/bash /tmp/out/guest.sh
EOF
chmod 755 "$INITRD_DIR/init"
(cd "$INITRD_DIR" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$OUT/initrd.gz"

# ---- what the guest runs (from the shared output folder)
{
	echo '#!/bin/bash'
	echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev'
	echo 'mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs shm /dev/shm'
	echo 'mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null; mkdir -p /run/netns'
	# no udev in the guest: the TUN device node (srv6d's host interfaces)
	echo 'modprobe tun; [[ -e /dev/net/tun ]] || { mkdir -p /dev/net; mknod /dev/net/tun c 10 200; }'
	echo 'ip link set lo up'
	echo "cd '$REPO'"
	echo "export BUILD_DIR='$BUILD_DIR' PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	echo 'echo "guest kernel $(uname -r)" >/tmp/out/results'
	echo '. tests/e2e/kprobe.sh; kernel_probe_print >>/tmp/out/results 2>&1'
	i=0
	for t in "$@"; do
		i=$((i + 1))
		# leading VAR=value words are the test's environment
		envs=$(sed -E 's/^(([A-Za-z_][A-Za-z0-9_]*=[^ ]* +)*).*/\1/' <<<"$t")
		printf 't0=$(date +%%s); env %s bash tests/e2e/%s >/tmp/out/test%d.log 2>&1; rc=$?\n' \
			"$envs" "${t#"$envs"}" "$i"
		printf 'echo "%d rc=$rc $(( $(date +%%s) - t0 ))s %s" >>/tmp/out/results\n' "$i" "$t"
	done
	echo 'sync; echo o >/proc/sysrq-trigger; sleep 10'
} >"$OUT/guest.sh"
chmod 755 "$OUT/guest.sh"

accel=tcg
[[ -w /dev/kvm ]] && accel=kvm
echo "seg6-vm.sh: kernel $KVER, $CPUS CPUs ($accel), $MEM MB, output in $OUT"
rc=0
timeout "$TIMEOUT" qemu-system-x86_64 -machine q35,accel=$accel -cpu max -smp "$CPUS" -m "$MEM" \
	-kernel "/boot/vmlinuz-$KVER" -initrd "$OUT/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet net.ifnames=0" -nographic -no-reboot -nic none \
	-virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on \
	-virtfs "local,path=$OUT,mount_tag=out,security_model=passthrough" \
	>"$OUT/console.log" 2>&1 || rc=$?
((rc != 124)) || echo "seg6-vm.sh: the guest ran past ${TIMEOUT}s" >&2
cat "$OUT/results" 2>/dev/null || { echo "seg6-vm.sh: no results; console:" >&2; tail -n 30 "$OUT/console.log" >&2; exit 1; }
# every test ran and exited 0 or 77
n=$(grep -cE '^[0-9]+ rc=' "$OUT/results" || true)
bad=$(grep -E '^[0-9]+ rc=' "$OUT/results" | grep -vcE ' rc=(0|77) ' || true)
((n == $# && bad == 0))
