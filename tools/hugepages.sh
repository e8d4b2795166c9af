#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Mounts hugetlbfs for 2 MiB pages and reserves at least N of them, then says
# what it got. It never fails its caller: when nothing can be reserved (no
# root, a container, no memory) it exits 0 all the same and srv6d, the tests
# and the demo run with EAL's --no-huge instead.
#
# Usage: tools/hugepages.sh [N]      N = 2 MiB pages, default 1024 (2 GiB);
#                                    the environment variable HUGEPAGES works too
# Output: a summary, then one line  SRV6D_HUGEPAGES=<pages reserved>  that a
# caller may eval; the same number (alone) goes to /run/srv6d-hugepages.
#
# It only ever raises the reservation, never lowers one that another program
# made. 1 GiB pages cannot be reserved reliably at run time: put them on the
# kernel command line instead (see drivers-config/README.md).

set -u

want=${1:-${HUGEPAGES:-1024}}
sysdir=/sys/kernel/mm/hugepages/hugepages-2048kB
state=/run/srv6d-hugepages
mnt=

say() { printf 'hugepages.sh: %s\n' "$*"; }
# wr FILE VALUE: write quietly; failure (no root, read-only sysfs) is not an error
wr() { { printf '%s\n' "$2" >"$1"; } 2>/dev/null; }

if ! [[ $want =~ ^[0-9]+$ ]]; then
	say "ignoring \"$want\": not a page count; asking for 1024"
	want=1024
fi

# The mount point of a hugetlbfs for 2 MiB pages, if any. Without a
# pagesize= option the mount uses the default size, 2 MiB unless the kernel
# was booted with default_hugepagesz=1G.
find_mount() {
	local def
	def=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo 2>/dev/null)
	awk -v def="${def:-0}" '$3 == "hugetlbfs" {
		if ($4 ~ /pagesize=2M/ || ($4 !~ /pagesize=/ && def == 2048)) { print $2; exit }
	}' /proc/mounts 2>/dev/null
}

if [[ ! -d $sysdir ]]; then
	say "this kernel offers no 2 MiB hugepages"
else
	mnt=$(find_mount)
	if [[ -z $mnt ]]; then
		# /dev/hugepages may already hold a 1 GiB hugetlbfs; do not stack on it.
		target=/dev/hugepages
		mountpoint -q "$target" 2>/dev/null && target=/dev/hugepages-2M
		if mkdir -p "$target" 2>/dev/null &&
			mount -t hugetlbfs -o pagesize=2M nodev "$target" 2>/dev/null; then
			mnt=$target
			say "mounted hugetlbfs (2 MiB pages) on $mnt"
		else
			say "cannot mount hugetlbfs on $target (not root, or no CAP_SYS_ADMIN here)"
		fi
	fi

	have=$(cat "$sysdir/nr_hugepages" 2>/dev/null || echo 0)
	if ((have < want)); then
		if wr "$sysdir/nr_hugepages" "$want"; then
			have=$(cat "$sysdir/nr_hugepages" 2>/dev/null || echo 0)
			if ((have < want)); then
				# Free memory may be too fragmented for 2 MiB pages:
				# compact it and try once more.
				wr /proc/sys/vm/compact_memory 1
				wr "$sysdir/nr_hugepages" "$want"
			fi
		else
			say "cannot change the reservation (not root?)"
		fi
	fi
fi

got=$(cat "$sysdir/nr_hugepages" 2>/dev/null || echo 0)
free=$(cat "$sysdir/free_hugepages" 2>/dev/null || echo 0)
[[ $got =~ ^[0-9]+$ ]] || got=0
[[ $free =~ ^[0-9]+$ ]] || free=0

say "2 MiB pages: $got reserved, $free free (asked for $want)${mnt:+, hugetlbfs on $mnt}"
for node in /sys/devices/system/node/node[0-9]*; do
	f=$node/hugepages/hugepages-2048kB/nr_hugepages
	[[ -r $f ]] && say "  ${node##*/}: $(cat "$f") pages"
done
if ((got == 0 || free == 0)) || [[ -z $mnt ]]; then
	say "no usable hugepages: srv6d and the tests will run with --no-huge"
elif ((got < want)); then
	say "fewer pages than asked for; the tests fall back to --no-huge where they need more"
fi

wr "$state" "$got" || say "cannot write $state (not root?)"
echo "SRV6D_HUGEPAGES=$got"
exit 0
