#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Instructions per packet of each datapath behaviour, from valgrind's
# callgrind: the figure machine noise does not move (cycles do). Runs
# bench_dp once per scenario under callgrind, collecting only inside
# dp_bench_burst (the pipeline: classify, lookups, rewrite, TX to net_null;
# not the generator's framing), and prints Ir per packet with the functions
# that take them. Valgrind 3.19 does not know AVX-512, so this uses its own
# build folder configured with -Dmarch=x86-64-v2 (BUILD_DIR, default
# build-cg; set up and built here when missing).
# Usage: tests/bench/callgrind.sh [BURSTS] [SCENARIOS]   (defaults 1000 "1 2 3 4")
set -euo pipefail

bursts=${1:-1000}
scenarios=${2:-1 2 3 4}
build=${BUILD_DIR:-build-cg}
repo=$(cd "$(dirname "$0")/../.." && pwd)
command -v valgrind >/dev/null || { echo "callgrind.sh: apt-get install valgrind" >&2; exit 77; }
if [ ! -d "$repo/$build" ] && [ ! -d "$build" ]; then
	meson setup "$repo/$build" "$repo" -Dmarch=x86-64-v2 -Dbgp=disabled >/dev/null
fi
[ -d "$build" ] || build=$repo/$build
ninja -C "$build" tests/bench/bench_dp >/dev/null
out=$(mktemp -d /tmp/srv6d-cg.XXXXXX)
trap 'rm -rf "$out"' EXIT
pkts=$((bursts * 32))
names=("reference" "IPv4 forward" "H.Encaps (IPv4 in SRv6)" "End.DT46 (decap to VRF)" "End (transit)")

printf '%-26s %10s   %s\n' "behaviour" "Ir/pkt" "top functions (Ir/pkt)"
for sc in $scenarios; do
	valgrind --tool=callgrind --callgrind-out-file="$out/cg.$sc" \
		--toggle-collect=dp_bench_burst "$build/tests/bench/bench_dp" -l 0-1 --no-pci \
		--no-shconf --no-huge -m 1024 --vdev "net_null0,size=64,no-rx=1" \
		--vdev "net_null1,size=64,no-rx=1" --log-level=lib.eal:error -- \
		--bursts "$bursts" --workers 1 --scenario "$sc" --loop-rounds 0 \
		>"$out/log.$sc" 2>&1 || { cat "$out/log.$sc" >&2; exit 1; }
	callgrind_annotate --inclusive=no --auto=no "$out/cg.$sc" 2>/dev/null >"$out/ann.$sc"
	total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }' "$out/ann.$sc")
	# Self cost by function (inlined header code counts for its caller).
	top=$(awk -v p="$pkts" '/^ *[0-9,]+ \( *[0-9.]+%\)  .*:/ && !/PROGRAM TOTALS/ {
		n = $1; gsub(",", "", n); fn = $0; sub(/ \[.*/, "", fn); sub(/.*:/, "", fn)
		if (fn ~ /^0x/) fn = "pmd"
		c[fn] += n } END { for (f in c) printf "%d %s\n", c[f] / p + 0.5, f }' "$out/ann.$sc" |
		sort -rn | head -7 | awk '{ printf "%s %s, ", $2, $1 }')
	printf '%-26s %10.1f   %s\n' "${names[$sc]}" "$(awk -v t="$total" -v p="$pkts" 'BEGIN { print t / p }')" "${top%, }"
done
