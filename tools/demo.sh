#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The README's demo: a two-site SRv6 L3VPN on one machine, in network
# namespaces, with srv6d as site A's PE and the Linux kernel as site B's PE.
#
#   CE1 ---- srv6d PE1 ==== SRv6 over IPv6 ==== Linux PE2 ---- CE2
#   172.16.10.2/24         locators                          172.16.20.2/24
#   2001:db8:1::2/64       2a0e:97c0:ae6:1001::/64 (PE1)     2001:db8:2::2/64
#                          2a0e:97c0:ae6:2001::/64 (PE2)
#
# Run as root on Debian 12:   sudo tools/demo.sh
# It builds srv6d if needed (tools/deps.sh, meson, ninja), reserves hugepages
# when tools/hugepages.sh is there (otherwise runs with --no-huge), starts the
# VPN, pings across it both ways over IPv4 and IPv6, shows srv6ctl's route,
# SID and counter tables and one encapsulated packet, then removes everything
# it created. Exit status: 0 when every ping got its replies.
#
# Environment: BUILD_DIR (default build), SRV6D, SRV6CTL, SRV6D_EAL as in
# tests/e2e/lib.sh; DEMO_NO_BUILD=1 skips the build step.

set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

if [[ $(id -u) != 0 ]]; then
	echo "demo.sh: run as root (it creates network namespaces): sudo $0" >&2
	exit 1
fi

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR
export BUILD_DIR

# ---- build if needed
if [[ ${DEMO_NO_BUILD:-0} != 1 && ! -x ${SRV6D:-$BUILD_DIR/app/srv6d/srv6d} ]]; then
	say "building srv6d"
	if [[ -x tools/deps.sh ]]; then
		tools/deps.sh
	elif [[ -f tools/deps.sh ]]; then
		bash tools/deps.sh
	fi
	[[ -d $BUILD_DIR ]] || meson setup "$BUILD_DIR"
	ninja -C "$BUILD_DIR"
fi
for t in ip ethtool ping; do
	command -v $t >/dev/null || { echo "demo.sh: missing $t (apt-get install iproute2 ethtool iputils-ping)" >&2; exit 1; }
done

# ---- hugepages if the project's helper is there, else --no-huge
if [[ -z ${SRV6D_EAL:-} ]]; then
	if [[ -f tools/hugepages.sh ]]; then
		bash tools/hugepages.sh 512 || echo "demo.sh: tools/hugepages.sh failed, continuing without hugepages" >&2
	fi
	free_mb=$(awk '/^HugePages_Free/ {f=$2} /^Hugepagesize/ {s=$2} END {print int(f * s / 1024)}' /proc/meminfo)
	if ((free_mb >= 768)); then
		SRV6D_EAL="-l 0,1 --in-memory --no-pci -m 512 --no-shconf"
	else
		SRV6D_EAL="-l 0,1 --no-pci --no-huge -m 1024 --no-shconf"
	fi
	export SRV6D_EAL
fi

# ---- the topology helpers of the end-to-end tests
. "$REPO/tests/e2e/lib.sh"
E2E_NAME=demo
if [[ $PE1_IMPL == srv6d && ! -x $SRV6D ]]; then
	echo "demo.sh: srv6d not found at $SRV6D" >&2
	exit 1
fi
L3_CAPTURE=0
command -v dumpcap >/dev/null && command -v tshark >/dev/null && L3_CAPTURE=1
e2e_setup

say "starting the L3VPN (namespaces $E2E_PFX-ce1, -pe1, -pe2, -ce2; srv6d EAL: $SRV6D_EAL)"
l3vpn_up

failed=0
demo_ping() {
	local from=$1 to=$2
	say "ping from $from to $to"
	if ! nsx "$from" ping -n -c 4 -i 0.3 -W 2 "$to"; then
		failed=1
		echo "!! ping from $from to $to FAILED"
	fi
}
# the first packet may wait for ARP/ND on three hops
nsx ce1 ping -n -c 1 -W 3 "$CE2_V4" >/dev/null 2>&1 || true
nsx ce1 ping -n -c 1 -W 3 "$CE2_V6" >/dev/null 2>&1 || true
demo_ping ce1 "$CE2_V4"
demo_ping ce2 "$CE1_V4"
demo_ping ce1 "$CE2_V6"
demo_ping ce2 "$CE1_V6"

if [[ $PE1_IMPL == srv6d ]]; then
	say "srv6ctl route list   (underlay and SIDs in VRF default, the VPN in $VRF)"
	ctl route list || failed=1
	say "srv6ctl sid list"
	ctl sid list || failed=1
	say "srv6ctl stats get"
	ctl stats get || failed=1
fi

if [[ $L3_CAPTURE == 1 ]]; then
	capture_stop wan
	say "one IPv4 echo request on the WAN link (outer IPv6 + SRH + inner IPv4)"
	tshark -r "$WORK/wan.pcap" -n -Y "icmp.type == 8 && ipv6.src == $PE1_WAN" -O ipv6,ip,icmp 2>/dev/null |
		awk 'NR > 1 && /^Frame / {exit} {print}' | grep -vE '^\s*\[|^Frame|^Ethernet' | sed -n '1,70p' || true
	say "the whole exchange (outer src -> dst | SL | inner)"
	tshark -r "$WORK/wan.pcap" -n -Y "ipv6.nxt == 43 || ipv6.nxt == 4 || ipv6.nxt == 41" -T fields \
		-E occurrence=f -e ipv6.src -e ipv6.dst -e ipv6.routing.segleft -e _ws.col.Info 2>/dev/null |
		sed 's/\t/ | /g' | head -n 24 || true
fi

if [[ $PE1_IMPL == srv6d ]]; then
	stop_srv6d
fi
if [[ $failed == 0 ]]; then
	say "demo OK: CE1 and CE2 reach each other over the SRv6 L3VPN (IPv4 and IPv6)"
else
	say "demo FAILED: see the output above"
	E2E_FAILED=1
fi
exit $failed
