#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Mount hugetlbfs and reserve 2 MiB pages. Never fails the caller: without
# hugepages, srv6d and the tests run with EAL's --no-huge.
want=${1:-${HUGEPAGES:-1024}}
mkdir -p /dev/hugepages 2>/dev/null
if ! mountpoint -q /dev/hugepages 2>/dev/null; then
	mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
fi
echo "$want" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
got=$(awk '/^HugePages_Total/ {print $2}' /proc/meminfo 2>/dev/null)
echo "hugepages: ${got:-0} x 2 MiB reserved (wanted $want)${got:+}"
[ "${got:-0}" -gt 0 ] || echo "hugepages: none; tests fall back to --no-huge"
exit 0
