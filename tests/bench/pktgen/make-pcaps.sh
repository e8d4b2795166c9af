#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
# Write the pcaps pktgen-dpdk replays (-s 0:FILE) for every srv6d benchmark
# case, one file per case and frame size, with tests/bench/trex/srv6_pkts.py.
# Usage: tests/bench/pktgen/make-pcaps.sh [OUTDIR] [FLOWS] [SIZES...]
#   OUTDIR default /tmp/srv6-pcaps, FLOWS default 1024 (one packet per flow:
#   pktgen keeps the whole file in memory), SIZES default 64 128 512 1518 imix.
# DUT_MAC_CORE / DUT_MAC_CE: the DUT port MACs (default: dut.json's).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/srv6-pcaps}
flows=${2:-1024}
shift 2 2>/dev/null || shift $#
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(64 128 512 1518 imix)
core=${DUT_MAC_CORE:-02:00:00:00:0a:02}
ce=${DUT_MAC_CE:-02:00:00:00:0c:01}
gen=(/usr/bin/python3 "$here/../trex/srv6_pkts.py")
mkdir -p "$out"

one() { # NAME DST_MAC ARGS...
	local name=$1 mac=$2 size
	shift 2
	for size in "${sizes[@]}"; do
		# IPv6 customer frames start at 78 bytes (66 is the floor; CSIT uses 78).
		if [[ "$*" == *"--family 6"* && "$size" == 64 ]]; then size=78; fi
		"${gen[@]}" --flows "$flows" --dst-mac "$mac" --size "$size" "$@" \
			--pcap "$out/$name-$size.pcap"
	done
}

for fam in 4 6; do
	one "encap$fam" "$ce" --case encap --family $fam
	for srh in sl0 sl1 none; do
		one "decap$fam-$srh-varied" "$core" --case decap --family $fam --srh $srh --outer varied
		one "decap$fam-$srh-single" "$core" --case decap --family $fam --srh $srh --outer single
		one "decap$fam-$srh-single-fl" "$core" --case decap --family $fam --srh $srh \
			--outer single --outer-fl flow
	done
	one "end$fam" "$core" --case end --family $fam --segs 2
done
