#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# FIB scale: many VRFs and millions of routes inside a fixed hugepage budget.
# Starts its own srv6d capped at LIMIT_MB of hugepage memory (EAL
# --socket-limit: every table allocation beyond it fails, so "fits" is
# enforced, not estimated), then
#   1. adds VRFS VRFs, one vrf.add each, timing every call;
#   2. loads BIG IPv4 routes (a full-table-like mix of lengths, route_gen.py)
#      into the default VRF;
#   3. loads the same SMALL-route file (IPv4 and IPv6) into every VRF, as
#      customer VRFs reuse the same private space;
# and reports hugepage memory (HugePages_Free before/after each step), RSS,
# the cost per VRF and per route, and the load rates.
# Usage: tests/bench/fib_scale.sh [VRFS] [SMALL] [BIG] [LIMIT_MB]
#        (defaults 1000 1000 1000000 4096; BUILD_DIR: build)
set -euo pipefail

vrfs=${1:-1000}
small=${2:-1000}
big=${3:-1000000}
limit_mb=${4:-4096}
build=${BUILD_DIR:-build}
here=$(cd "$(dirname "$0")" && pwd)
srv6d=$build/app/srv6d/srv6d
srv6ctl=$build/app/srv6ctl/srv6ctl
[ -x "$srv6d" ] && [ -x "$srv6ctl" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "fib_scale: needs root (hugepages)" >&2; exit 77; }
work=$(mktemp -d /tmp/srv6d-fibscale.XXXXXX)
sock=$work/srv6d.sock
# shellcheck source=tests/bench/bench_lib.sh
. "$here/bench_lib.sh"
nr_path=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
nr_before=$(cat "$nr_path" 2>/dev/null || echo 0)

cleanup() {
	stop_srv6d
	[ -w "$nr_path" ] && echo "$nr_before" >"$nr_path" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

say() { printf 'fib_scale: %s\n' "$*" >&2; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
ctl() { "$srv6ctl" --socket "$sock" --timeout 600 "$@"; }

# Enough 2 MiB pages for the cap plus headroom; given back at exit.
want=$((limit_mb / 2 + 256))
if [ "$(hp_free)" -lt "$want" ]; then
	echo $((nr_before + want - $(hp_free))) >"$nr_path" 2>/dev/null || true
fi
if [ "$(hp_free)" -lt "$((limit_mb / 2))" ]; then
	say "only $(hp_free) free 2 MiB hugepages, $((limit_mb / 2)) needed"
	exit 77
fi

null_ports_config "$work/config.json"
say "generating $big IPv4 routes and a $small-route VRF file"
"$here/route_gen.py" "$big" 0 1 >"$work/big.txt"
# A customer VRF: private IPv4 (/24 and some /32 in 10/8, 172.16/12) and
# IPv6 /48 and /56 inside the customer's own few /32s, all via one remote
# PE's SID, as BGP would install them.
/usr/bin/python3 - "$small" >"$work/small.txt" <<-'PY'
	import random, sys
	n = int(sys.argv[1]); rnd = random.Random(7); seen = set()
	while len(seen) < n:
	    if len(seen) % 2 == 0:
	        a = rnd.choice(("10.%d.%d.0/24", "172.%d.%d.0/24")) % (rnd.randrange(16, 32), rnd.randrange(256))
	        if rnd.random() < 0.1:
	            a = a.replace(".0/24", ".%d/32" % rnd.randrange(1, 255))
	    else:
	        blk = rnd.choice(("fd00:1", "fd00:2", "2001:db8"))
	        a = "%s:%x::/48" % (blk, rnd.randrange(65536)) if rnd.random() < 0.7 else \
	            "%s:%x:%x00::/56" % (blk, rnd.randrange(65536), rnd.randrange(256))
	    if a not in seen:
	        seen.add(a)
	        print(a, "segs fc00:0:1:e000::")
PY

hp0=$(hp_free)
srv6d_start "$work/srv6d.log" -l 0,1 --no-pci --in-memory --file-prefix "fibscale$$" \
	--socket-limit "$limit_mb" --log-level=lib.eal:error -- --config "$work/config.json" \
	--socket "$sock"
hp1=$(hp_free)
rss1=$(rss_kb)
say "srv6d pid $pid, hugepage memory capped at $limit_mb MiB, $(((hp0 - hp1) * 2)) MiB at start"

# 1. VRFs, each its own request so every add is timed alone.
t0=$(date +%s.%N)
max_ms=0
for i in $(seq 1 "$vrfs"); do
	a=$(date +%s%N)
	ctl vrf add "C$i" table "$((1000 + i))" >/dev/null
	b=$(date +%s%N)
	ms=$(((b - a) / 1000000))
	[ "$ms" -le "$max_ms" ] || max_ms=$ms
	[ $((i % 250)) -ne 0 ] || say "  $i VRFs"
done
t1=$(date +%s.%N)
hp2=$(hp_free)
rss2=$(rss_kb)
vrf_s=$(calc "$t1 - $t0" 2)
say "$vrfs VRFs in ${vrf_s}s (each vrf.add incl. srv6ctl start: avg $(calc "$vrf_s * 1000 / $vrfs" 2) ms, max $max_ms ms)"

# 2. The big table in the default VRF.
say "loading $big IPv4 routes into the default VRF"
ctl route load "$work/big.txt" --batch 2000 --window 4 | tee "$work/big.out" >&2
hp3=$(hp_free)
rss3=$(rss_kb)

# 3. The small file into every VRF.
say "loading $small routes into each of $vrfs VRFs"
t0=$(date +%s.%N)
for i in $(seq 1 "$vrfs"); do
	ctl route load "$work/small.txt" --vrf "C$i" --batch 1000 --window 2 >"$work/small.out" ||
		{ cat "$work/small.out" >&2; exit 1; }
	[ $((i % 250)) -ne 0 ] || say "  $i VRFs loaded"
done
t1=$(date +%s.%N)
hp4=$(hp_free)
rss4=$(rss_kb)
small_s=$(calc "$t1 - $t0" 2)
total=$((big + vrfs * small))

# A route lookup in the last VRF proves the routes are there.
probe=$(awk 'NR == 1 { print $1 }' "$work/small.txt")
"$srv6ctl" --socket "$sock" --json route get vrf "C$vrfs" "${probe%/*}" | grep -q "\"$probe\"" ||
	{ say "route get in C$vrfs did not find $probe"; exit 1; }

mib() { calc "$1 * 2"; }
echo
echo "== FIB scale: $vrfs VRFs, $total routes, hugepage cap $limit_mb MiB (--socket-limit) =="
printf '%-44s %10s %10s\n' "step" "huge MiB" "RSS MiB"
printf '%-44s %10s %10s\n' "srv6d started" "$(mib $((hp0 - hp1)))" "$((rss1 / 1024))"
printf '%-44s %10s %10s\n' "+ $vrfs VRFs" "$(mib $((hp1 - hp2)))" "$(((rss2 - rss1) / 1024))"
printf '%-44s %10s %10s\n' "+ $big IPv4 routes (default VRF)" "$(mib $((hp2 - hp3)))" "$(((rss3 - rss2) / 1024))"
printf '%-44s %10s %10s\n' "+ $small routes x $vrfs VRFs" "$(mib $((hp3 - hp4)))" "$(((rss4 - rss3) / 1024))"
printf '%-44s %10s %10s\n' "total" "$(mib $((hp0 - hp4)))" "$((rss4 / 1024))"
echo "per empty VRF: $(calc "($hp1 - $hp2) * 2048 / $vrfs") KiB hugepages, $(calc "($rss2 - $rss1) / $vrfs") KiB RSS; vrf.add max $max_ms ms (with srv6ctl's start)"
echo "per route: $(calc "($hp2 - $hp4) * 2097152 / $total") B hugepages, $(calc "($rss4 - $rss2) * 1024 / $total") B RSS"
grep -E "wall" "$work/big.out" | sed "s/^ */big table load: /"
echo "small VRF loads: $((vrfs * small)) routes in ${small_s}s ($(calc "$vrfs * $small / $small_s" 0) routes/s incl. $vrfs srv6ctl starts)"
