#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Datapath benchmark: srv6d's pipeline vs an io-forward reference, same run;
# then the real worker loop with the idle backoff off and on (net_ring0).
# Usage: tests/bench/run.sh [WORKERS] [BURSTS] [-- bench_dp options, e.g.
#        --loop-ms 1000 --loop-rounds 3 --idle-us 200]   (BUILD_DIR: build)
set -euo pipefail
workers=${1:-1}
bursts=${2:-200000}
shift 2 2>/dev/null || shift $#
[ "${1:-}" != "--" ] || shift
bin=${BUILD_DIR:-build}/tests/bench/bench_dp
[ -x "$bin" ] || { echo "build first: ninja -C ${BUILD_DIR:-build}" >&2; exit 1; }
# Without free hugepages: plain memory (EAL refuses --in-memory with --no-huge).
mem=(--in-memory)
grep -q "^HugePages_Free: *[1-9]" /proc/meminfo || mem=(--no-huge -m 1536)
exec "$bin" -l "0-$workers" --no-pci --no-shconf "${mem[@]}" \
	--vdev "net_null0,size=64,no-rx=1" --vdev "net_null1,size=64,no-rx=1" --vdev net_ring0 \
	--log-level=lib.eal:error -- --bursts "$bursts" --workers "$workers" "$@"
