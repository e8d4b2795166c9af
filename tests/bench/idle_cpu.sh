#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Idle CPU of one srv6d: two ports that receive nothing (net_null with no-rx),
# one worker, for each idle_sleep_us given (default: 0 = busy polling, and the
# default backoff). Prints the CPU time srv6d used over SECONDS of wall time,
# split into the worker thread and the rest, the worker's idle-sleep counters
# from stats.get, and then the round-trip time of 300 route.add requests on
# one connection: each commit waits for a QSBR grace period, which a sleeping
# worker must not hold up (it goes offline while it sleeps).
# Usage: tests/bench/idle_cpu.sh [SECONDS] [IDLE_SLEEP_US...]
#        (BUILD_DIR defaults to build; run as root or with hugepage rights)
set -euo pipefail

secs=${1:-10}
shift || true
settings=("$@")
[ ${#settings[@]} -gt 0 ] || settings=(0 200)
build=${BUILD_DIR:-build}
srv6d=$build/app/srv6d/srv6d
srv6ctl=$build/app/srv6ctl/srv6ctl
[ -x "$srv6d" ] && [ -x "$srv6ctl" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
hz=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/srv6d-idle.XXXXXX)
# shellcheck source=tests/bench/bench_lib.sh
. "$(dirname "$0")/bench_lib.sh"
trap 'stop_srv6d; rm -rf "$work"' EXIT

# ticks FILE: utime + stime (clock ticks) of a /proc stat file. The command
# name in field 2 may hold spaces: count fields after its closing paren.
ticks() {
	sed 's/^.*) //' "$1" | awk '{ print $12 + $13 }'
}

# worker_stat PID: the stat file of the worker lcore's thread.
worker_stat() {
	local t
	for t in /proc/"$1"/task/*; do
		case $(cat "$t/comm") in
		lcore-worker-*|rte-worker-*) echo "$t/stat"; return 0 ;;
		esac
	done
	return 1
}

# route_add_ms SOCKET: median and maximum route.add round trip, in ms.
route_add_ms() {
	/usr/bin/python3 - "$1" <<-'PY'
	import json, socket, sys, time
	s = socket.socket(socket.AF_UNIX)
	s.connect(sys.argv[1])
	f = s.makefile("rwb")
	lat = []
	for i in range(300):
	    req = {"jsonrpc": "2.0", "id": i, "method": "route.add",
	           "params": {"prefix": "10.%d.%d.0/24" % (i // 250, i % 250),
	                      "nexthops": [{"type": "blackhole"}]}}
	    t = time.monotonic()
	    f.write(json.dumps(req).encode() + b"\n")
	    f.flush()
	    r = json.loads(f.readline())
	    assert "result" in r, r
	    lat.append((time.monotonic() - t) * 1000)
	lat.sort()
	print("%.2f %.2f" % (lat[len(lat) // 2], lat[-1]))
	PY
}

printf '%-14s %8s %10s %10s %12s %14s %12s %12s\n' idle_sleep_us seconds "cpu %" "worker %" \
	idle_sleeps idle_sleep_ms "add med ms" "add max ms"
for us in "${settings[@]}"; do
	sock=$work/srv6d.sock
	cat >"$work/config.json" <<-JSON
	{"ports": [{"name": "p0", "device": "net_null0,no-rx=1", "addresses": ["2001:db8:1::1/64"]},
	           {"name": "p1", "device": "net_null1,no-rx=1", "vrf": "default",
	            "addresses": ["2001:db8:2::1/64"]}],
	 "datapath": {"idle_sleep_us": $us}}
	JSON
	srv6d_start "$work/srv6d.log" -l 0,1 --no-pci --no-huge -m 512 --no-shconf \
		--log-level=lib.eal:error -- --config "$work/config.json" --socket "$sock"
	sleep 1 # past start-up
	wstat=$(worker_stat "$pid")
	p0=$(ticks /proc/"$pid"/stat)
	w0=$(ticks "$wstat")
	t0=$(date +%s.%N)
	sleep "$secs"
	p1=$(ticks /proc/"$pid"/stat)
	w1=$(ticks "$wstat")
	t1=$(date +%s.%N)
	stats=$("$srv6ctl" --socket "$sock" --json stats get)
	sleeps=$(echo "$stats" | /usr/bin/python3 -c \
		'import json,sys; l=json.load(sys.stdin)["lcores"][0]; print(l["idle_sleeps"], l["idle_sleep_us"] // 1000)')
	adds=$(route_add_ms "$sock")
	stop_srv6d
	awk -v us="$us" -v p="$((p1 - p0))" -v w="$((w1 - w0))" -v hz="$hz" -v t0="$t0" \
		-v t1="$t1" -v s="$sleeps" -v r="$adds" 'BEGIN {
		split(s, a, " "); split(r, b, " "); el = t1 - t0
		printf "%-14s %8.1f %10.1f %10.1f %12s %14s %12s %12s\n", us, el,
			100 * p / hz / el, 100 * w / hz / el, a[1], a[2], b[1], b[2] }'
done
