#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Datapath benchmark: srv6d's pipeline vs an io-forward reference, same run.
# Usage: tests/bench/run.sh [WORKERS] [BURSTS]   (BUILD_DIR defaults to build)
set -euo pipefail
workers=${1:-1}
bursts=${2:-200000}
bin=${BUILD_DIR:-build}/tests/bench/bench_dp
[ -x "$bin" ] || { echo "build first: ninja -C ${BUILD_DIR:-build}" >&2; exit 1; }
mem=()
grep -q "^HugePages_Free: *[1-9]" /proc/meminfo || mem=(--no-huge -m 1536)
exec "$bin" -l "0-$workers" --no-pci --in-memory --no-shconf "${mem[@]}" \
	--vdev "net_null0,size=64" --vdev "net_null1,size=64" --log-level=lib.eal:error \
	-- --bursts "$bursts" --workers "$workers"
