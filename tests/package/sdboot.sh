#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# PID 1 of the package test's private namespaces (unshare --pid --mount
# --uts --ipc --net --cgroup): prepares a view in which systemd can boot
# without touching the machine, then becomes systemd.
#
# - /run, /tmp and /var/tmp are fresh tmpfs mounts: systemd's runtime state
#   stays here, and nothing can clean the machine's /tmp.
# - systemd reads units only from UNITS (SYSTEMD_UNIT_PATH): the installed
#   package's own unit files (symlinks into /lib/systemd/system) and empty
#   stand-ins for the targets they name. None of the machine's other units
#   (udev, tmpfiles, sysctl, networking...) can start.
# - /sys is read-only except the cgroup mounts, as in a container; the
#   cgroup mounts are the namespace's own, so everything systemd creates is
#   under the test's cgroup folder, which the test removes.
#
# Usage: sdboot.sh UNITS_DIR

set -euo pipefail
units=$1

mount --make-rprivate /
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/lock
# The units may live in the /tmp or /var/tmp about to be covered.
cp -a "$units" /run/package-test-units
for d in /tmp /var/tmp; do
	mount -t tmpfs -o mode=1777 tmpfs "$d"
done
# cgroups mounted again from inside the cgroup namespace (rooted at the
# test's own cgroup): systemd's slices go there. Only the hierarchies systemd
# needs: unified alone, or name=systemd beside it (hybrid, as here).
mount --rbind /sys /sys
if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
else
	mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup
	mkdir /sys/fs/cgroup/unified /sys/fs/cgroup/systemd
	mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
	mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
fi
mount -o remount,bind,ro /sys
ip link set lo up
export SYSTEMD_UNIT_PATH=/run/package-test-units
export container=srv6d-package-test
exec /lib/systemd/systemd --system --unit=package-test.target --log-level=info
