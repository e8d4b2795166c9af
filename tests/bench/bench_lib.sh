# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Sourced by the shell benchmarks that start their own srv6d (idle_cpu.sh,
# route_rate.sh, fib_scale.sh). The caller sets srv6d (the binary); pid
# holds the one srv6d running, empty when none.

pid=

# srv6d_start LOG SRV6D-ARGS...: start srv6d in the background, its output
# in LOG, and return once it serves its control socket; 1 (with the log
# shown) when it exits or is not up within 60 s.
srv6d_start() {
	local log=$1
	shift
	# shellcheck disable=SC2154  # srv6d: set by the caller
	"$srv6d" "$@" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		grep -q "control socket" "$log" && return 0
		kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
		sleep 0.1
	done
	echo "srv6d did not start within 60 s (log: $log)" >&2
	return 1
}

# stop_srv6d: end the srv6d srv6d_start started, if any, and wait for it.
stop_srv6d() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		wait "$pid" 2>/dev/null || true
	fi
	pid=
}

# null_ports_config FILE: two net_null ports that receive nothing, with IPv4
# and IPv6 subnets, and an encapsulation source: enough for routes of every
# next-hop kind (via on those subnets, SRv6 segments) and no traffic.
null_ports_config() {
	cat >"$1" <<-JSON
	{"ports": [{"name": "p0", "device": "net_null0,no-rx=1",
	            "addresses": ["192.0.2.1/24", "2001:db8:1::1/64"]},
	           {"name": "p1", "device": "net_null1,no-rx=1",
	            "addresses": ["198.51.100.1/24", "2001:db8:2::1/64"]}],
	 "encap": {"source": "2001:db8:1::1"}}
	JSON
}

# Free 2 MiB hugepages now.
hp_free() { awk '/^HugePages_Free/ { print $2 }' /proc/meminfo; }

# calc EXPR [DECIMALS]: an arithmetic expression with decimals (awk: bc is
# not on every machine).
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
