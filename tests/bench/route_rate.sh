#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Control-plane rate: starts its own srv6d (own socket and --file-prefix,
# net_null ports, --no-huge when no hugepages are free), writes N4 IPv4 and
# N6 IPv6 routes with realistic prefix lengths (route_gen.py), loads them with
# `srv6ctl route load` in batches, then deletes them the same way. Prints,
# for each: routes/s, wall time, srv6ctl's CPU, srv6d's control-thread CPU and
# where it went (system.info "process"), srv6d's RSS before and after and the
# memory per route; hugepage use too when hugepages are used.
# Usage: tests/bench/route_rate.sh [N4] [N6] [BATCH] [WINDOW]
#        (defaults 100000 1000 1000 2; BUILD_DIR: build; MEM_MB: 2048;
#         VRF: load into this VRF, created first, instead of the default;
#         PERF: perf.data path, to profile the control thread over the load;
#         HUGE=0: plain memory even when hugepages are free)
set -euo pipefail

n4=${1:-100000}
n6=${2:-1000}
batch=${3:-1000}
window=${4:-2}
build=${BUILD_DIR:-build}
here=$(cd "$(dirname "$0")" && pwd)
srv6d=$build/app/srv6d/srv6d
srv6ctl=$build/app/srv6ctl/srv6ctl
[ -x "$srv6d" ] && [ -x "$srv6ctl" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
work=$(mktemp -d /tmp/srv6d-rrate.XXXXXX)
sock=$work/srv6d.sock
# shellcheck source=tests/bench/bench_lib.sh
. "$here/bench_lib.sh"
trap 'stop_srv6d; rm -rf "$work"' EXIT

# Hugepages when free ones exist, else plain memory (counted in RSS then).
mem=(--in-memory --file-prefix "rrate$$")
huge=1
if [ "${HUGE:-1}" = 0 ] || ! grep -q "^HugePages_Free: *[1-9]" /proc/meminfo; then
	mem=(--no-huge -m "${MEM_MB:-2048}" --no-shconf)
	huge=0
fi
hp_size_kb() { awk '/^Hugepagesize/ { print $2 }' /proc/meminfo; }

null_ports_config "$work/config.json"
echo "generating $n4 IPv4 + $n6 IPv6 routes" >&2
"$here/route_gen.py" "$n4" "$n6" >"$work/routes.txt"

hp0=$(hp_free 2>/dev/null || echo 0)
srv6d_start "$work/srv6d.log" -l 0,1 --no-pci "${mem[@]}" --log-level=lib.eal:error -- \
	--config "$work/config.json" --socket "$sock"
vrf_args=()
if [ -n "${VRF:-}" ]; then
	"$srv6ctl" --socket "$sock" vrf add "$VRF" table 100 >/dev/null
	vrf_args=(--vrf "$VRF")
fi
hp1=$(hp_free 2>/dev/null || echo 0)

echo "srv6d pid $pid; $(nproc) CPUs; batch $batch, window $window; huge=$huge" >&2
# PERF=FILE: perf record of srv6d's control thread (its tid is the pid) over
# the load, then the top of its report.
perf_pid=
if [ -n "${PERF:-}" ]; then
	perf record -q -g -t "$pid" -o "$PERF" >/dev/null 2>&1 &
	perf_pid=$!
	sleep 1
fi
"$srv6ctl" --socket "$sock" --timeout 600 route load "$work/routes.txt" --batch "$batch" \
	--window "$window" "${vrf_args[@]}"
if [ -n "$perf_pid" ]; then
	kill -INT "$perf_pid"
	wait "$perf_pid" || true
	perf report -i "$PERF" --no-children --percent-limit 1.5 --stdio -g none 2>/dev/null |
		grep -v "^#" | grep -v "^$" | head -40
fi
hp2=$(hp_free 2>/dev/null || echo 0)
"$srv6ctl" --socket "$sock" --timeout 600 route load "$work/routes.txt" --batch "$batch" \
	--window "$window" "${vrf_args[@]}" --delete
if [ "$huge" = 1 ]; then
	sz=$(hp_size_kb)
	echo "hugepages ($sz kB): $((hp0 - hp1)) at start, $((hp1 - hp2)) more for $((n4 + n6)) routes"
fi
