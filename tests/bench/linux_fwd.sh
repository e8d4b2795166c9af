#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The Linux comparison: what this machine's kernel forwards per core for the
# behaviours srv6d implements, measured in network namespaces made here:
#
#   gen ns [g0] --veth-- [r0] router ns [r1] --veth-- [s0] sink ns
#
# Cases: ipv6_forward, ipv4_forward, end (an SRH with Segments Left > 0 to a
# local address, seg6_enabled: the kernel's built-in SRH code advances it and
# forwards), end_dt6 / end_dt4 (outer IPv6 + SRH with Segments Left 0 to a
# local address: the kernel decapsulates and routes the inner IPv6 / IPv4
# packet on), and h_encaps (a route with `encap seg6 mode encap`), which needs
# CONFIG_IPV6_SEG6_LWTUNNEL and is reported as not measured without it.
#
# Where the cycles land: a veth transmit hands the packet to netif_rx() on the
# sending CPU, so without steering the generator's CPU would also do all of
# the router's work. RPS on r0 moves the router's receive processing (NET_RX
# softirq: ip6_rcv/SRH/decap, route lookup, forward, r1's veth transmit) to
# ROUTER_CPU; RPS on s0 sends the sink's receive back to GEN_CPU. The router's
# CPU time is the irq + softirq time /proc/stat shows for ROUTER_CPU over the
# run (tick-sampled), its cycles that time at the TSC rate (as srv6d's bench
# counts them), and packets forwarded are r1's transmitted packets.
#
# Usage: tests/bench/linux_fwd.sh [--seconds N] [--json FILE] [--cases a,b]
#        [--gen-cpu N] [--router-cpu N] [--no-check] [--generator linux_gen|python]
# Exit: 0 when something was measured, 77 when this machine cannot (not root,
# no network namespaces), 1 on an error. Needs iproute2, /usr/bin/python3 with
# scapy, and a C compiler for the generator (linux_gen.c); without one a
# Python AF_PACKET loop generates, far slower.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
pkts=$here/linux_pkts.py

seconds=5
json=
cases=
gen_cpu=
router_cpu=
check=1
force_gen=
usage() { sed -n '/^# Usage:/,/^# Exit:/p' "$0" | sed 's/^# \{0,1\}//' | sed '$d'; }
while (($#)); do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--json) json=$2; shift 2 ;;
	--cases) cases=${2//,/ }; shift 2 ;;
	--gen-cpu) gen_cpu=$2; shift 2 ;;
	--router-cpu) router_cpu=$2; shift 2 ;;
	--no-check) check=0; shift ;;
	--generator) force_gen=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 1 ;;
	esac
done
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds == 0)); then
	echo "linux_fwd: --seconds wants a whole number > 0" >&2
	exit 1
fi

log() { printf 'linux_fwd: %s\n' "$*" >&2; }
skip() { log "SKIP: $*"; exit 77; }

[[ $(id -u) == 0 ]] || skip "needs root (network namespaces, veths, sysctls)"
command -v ip >/dev/null || skip "needs iproute2"
"$PY" -c 'import scapy' 2>/dev/null || skip "needs $PY with scapy (Debian: python3-scapy)"

eval "$("$PY" "$pkts" env)"
# shellcheck disable=SC2153 # CASES comes from the eval above
all_cases=$CASES
cases=${cases:-$all_cases}
for c in $cases; do
	[[ " $all_cases " == *" $c "* ]] || { echo "linux_fwd: unknown case $c (cases: $all_cases)" >&2; exit 1; }
done

ncpu=$(nproc)
gen_cpu=${gen_cpu:-0}
router_cpu=${router_cpu:-$((ncpu - 1))}
((gen_cpu < ncpu && router_cpu < ncpu)) || { echo "linux_fwd: CPUs 0..$((ncpu - 1)) only" >&2; exit 1; }
share_note=
if ((gen_cpu == router_cpu)); then
	share_note="generator and router share CPU $router_cpu: the CPU share counts softirq work of both"
	log "only one CPU to use: $share_note"
fi

# The TSC rate, to turn CPU time into cycles as srv6d's bench does (rte_get_tsc_hz).
tsc_hz=${TSC_HZ:-}
if [[ -z $tsc_hz ]]; then
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -1)
	[[ -n $mhz ]] || mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | tail -1)
	[[ -n $mhz ]] || mhz=$(awk -F': *' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
	[[ -n $mhz ]] || { echo "linux_fwd: cannot tell the TSC rate: set TSC_HZ" >&2; exit 1; }
	tsc_hz=$(awk -v m="$mhz" 'BEGIN { printf "%.0f", m * 1e6 }')
fi
hz=$(getconf CLK_TCK)

# Everything made here is named with our PID and removed on exit.
G=lfgen$$ R=lfrtr$$ S=lfsnk$$
made_ns=()
pids=()
work=$(mktemp -d /tmp/srv6d-linuxfwd.XXXXXX)
# TERM, not INT: a script's background jobs start with SIGINT ignored.
cleanup() {
	local p n
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	for n in "${made_ns[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$G" 2>/dev/null || skip "cannot create network namespaces (ip netns add)"
made_ns+=("$G")
ip netns add "$R" && made_ns+=("$R")
ip netns add "$S" && made_ns+=("$S")

# kprobe.sh makes its own throwaway namespace to learn whether the kernel has
# seg6 lwtunnel (h_encaps) and the built-in SRH processing.
# shellcheck source=../e2e/kprobe.sh
source "$repo/tests/e2e/kprobe.sh"
kernel_probe

xg=(ip netns exec "$G") xr=(ip netns exec "$R") xs=(ip netns exec "$S")

# Topology. The veth pairs are made inside the namespaces (no names in the
# host's namespace). Router: forwarding on, SRH processing on (all and r0),
# static neighbours with a MAC the sink does not own (it drops those packets
# at once, see linux_pkts.py), local SIDs on lo, no rp_filter.
ip link add g0 netns "$G" type veth peer r0 netns "$R"
ip link add r1 netns "$R" type veth peer s0 netns "$S"
"${xg[@]}" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
"${xs[@]}" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
"${xr[@]}" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1 \
	net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
"${xr[@]}" sysctl -qw net.ipv6.conf.all.seg6_enabled=1 net.ipv6.conf.default.seg6_enabled=1 ||
	log "cannot set seg6_enabled: the SRH cases will fail their check"
for n in lo r0 r1; do
	"${xr[@]}" ip link set "$n" up
done
"${xg[@]}" ip link set lo up
"${xg[@]}" ip link set g0 up
"${xs[@]}" ip link set s0 up
"${xr[@]}" sysctl -qw net.ipv6.conf.r0.seg6_enabled=1 net.ipv4.conf.r0.rp_filter=0 \
	net.ipv4.conf.r1.rp_filter=0 2>/dev/null || true
"${xr[@]}" ip -6 addr add "$R0_6/64" dev r0 nodad
"${xr[@]}" ip -6 addr add "$R1_6/64" dev r1 nodad
"${xr[@]}" ip -6 addr add "$SID_END/128" dev lo
"${xr[@]}" ip -6 addr add "$SID_DEC/128" dev lo
"${xr[@]}" ip addr add "$R0_4/24" dev r0
"${xr[@]}" ip addr add "$R1_4/24" dev r1
"${xr[@]}" ip -6 neigh replace "$NH6" lladdr "$NH_MAC" dev r1 nud permanent
"${xr[@]}" ip neigh replace "$NH4" lladdr "$NH_MAC" dev r1 nud permanent
"${xr[@]}" ip -6 route add "${DST6%::*}::/64" via "$NH6" dev r1
"${xr[@]}" ip -6 route add "${ENC_SID%::*}::/64" via "$NH6" dev r1
"${xr[@]}" ip route add 198.18.0.0/15 via "$NH4" dev r1
encap_why=
if kernel_has seg6_lwt; then
	"${xr[@]}" ip sr tunsrc set "$R1_6"
	"${xr[@]}" ip -6 route add "${ENC6%::*}::/64" encap seg6 mode encap segs "$ENC_SID" dev r1
else
	encap_why="not measured: $(kernel_missing_reason seg6_lwt)"
fi
# RPS: the router's receive work on router_cpu, the sink's on gen_cpu.
mask() { printf '%x' $((1 << $1)); }
"${xr[@]}" sh -c "echo $(mask "$router_cpu") > /sys/class/net/r0/queues/rx-0/rps_cpus"
"${xs[@]}" sh -c "echo $(mask "$gen_cpu") > /sys/class/net/s0/queues/rx-0/rps_cpus"
gen_mac=$("${xg[@]}" cat /sys/class/net/g0/address)
r0_mac=$("${xr[@]}" cat /sys/class/net/r0/address)

# The generator: linux_gen.c, built here (see its header for why not
# trafgen); without a C compiler a Python AF_PACKET loop, far slower.
generator=linux_gen
if [[ $force_gen == python ]]; then
	generator=python-af_packet
elif ! cc -O2 -Wall -o "$work/linux_gen" "$here/linux_gen.c" 2>"$work/cc.log"; then
	generator=python-af_packet
	log "cannot build linux_gen.c ($(head -1 "$work/cc.log")): the Python AF_PACKET sender is far slower than the router"
fi
log "kernel $(uname -r), $ncpu CPUs, generator $generator on CPU $gen_cpu, router softirq on CPU $router_cpu, TSC $((tsc_hz / 1000000)) MHz, ${seconds}s per case"

# start_gen CASE [COUNT]: start the generator on gen_cpu in the background
# (pid in gen_pid): COUNT frames 10 ms apart, or as fast as it can until
# stopped (or seconds + 3 s, a bound should stop_gen never come).
start_gen() {
	local c=$1 n=${2:-0} secs=$((seconds + 3))
	if [[ $generator == linux_gen ]]; then
		local gap=0
		((n == 0)) || gap=10000
		"${xg[@]}" taskset -c "$gen_cpu" "$work/linux_gen" g0 "$work/$c.frame" "$secs" "$n" "$gap" \
			>"$work/gen.log" 2>&1 &
	else
		((n == 0)) || secs=1
		"${xg[@]}" taskset -c "$gen_cpu" "$PY" "$pkts" send "$c" --iface g0 --smac "$gen_mac" \
			--dmac "$r0_mac" --seconds "$secs" >"$work/gen.log" 2>&1 &
	fi
	gen_pid=$!
	pids+=("$gen_pid")
}
# forget PID: drop a process that has ended from the cleanup list
forget() {
	local p keep=()
	for p in "${pids[@]}"; do
		[[ $p == "$1" ]] || keep+=("$p")
	done
	pids=("${keep[@]}")
}
stop_gen() {
	kill -TERM "$gen_pid" 2>/dev/null || true
	wait "$gen_pid" 2>/dev/null || true
	forget "$gen_pid"
}

# check_case CASE: a few packets through the router, sniffed at the sink.
check_case() {
	local c=$1 i
	"${xs[@]}" "$PY" "$pkts" check "$c" --iface s0 --count 4 --timeout 10 >"$work/check.log" 2>&1 &
	local cpid=$!
	pids+=("$cpid")
	for ((i = 0; i < 100; i++)); do
		grep -q READY "$work/check.log" && break
		sleep 0.1
	done
	start_gen "$c" 8
	wait "$gen_pid" 2>/dev/null || true
	forget "$gen_pid"
	local rc=0
	wait "$cpid" || rc=$?
	forget "$cpid"
	check_msg=$(grep -v READY "$work/check.log" | tail -1)
	return "$rc"
}

# Counters without forks, so that one snapshot is taken at one moment: the
# veths' counters from /proc/PID/net/dev of a process in their namespace (an
# anchor sleep), the router CPU's ticks from /proc/stat, its backlog from
# /proc/net/softnet_stat. anchor NS: start one (pid in anchor_pid).
anchor() {
	ip netns exec "$1" sleep 100000 &
	anchor_pid=$!
	pids+=("$anchor_pid")
}
anchor "$G"
gen_anchor=$anchor_pid
anchor "$R"
rtr_anchor=$anchor_pid
# devstat PID DEV: tx_packets + tx_drop of DEV into dev_tx, dev_drop
devstat() {
	local name rest f
	dev_tx=0 dev_drop=0
	while read -r name rest; do
		[[ $name == "$2:" ]] || continue
		read -ra f <<<"$rest"
		dev_tx=${f[9]} dev_drop=${f[11]}
	done <"/proc/$1/net/dev"
}
# snapshot: "time offered forwarded fwd_dropped busy sirq steal netrx netdrop"
# into snap (ticks of router_cpu; netrx/netdrop: its backlog's processed and
# dropped packets)
snapshot() {
	local t=$EPOCHREALTIME f line i=0 cpu
	devstat "$gen_anchor" g0
	local off=$((dev_tx + dev_drop))
	devstat "$rtr_anchor" r1
	local fw=$dev_tx fd=$dev_drop busy=0 sirq=0 steal=0 netrx=0 netdrop=0
	while read -ra f; do
		[[ ${f[0]} == "cpu$router_cpu" ]] || continue
		busy=$((f[1] + f[2] + f[3] + f[6] + f[7])) sirq=$((f[6] + f[7])) steal=${f[8]}
		break # before the long intr line
	done </proc/stat
	# one line per online CPU; since 5.10 the 13th column is the CPU's number
	while read -ra f; do
		cpu=$i
		((${#f[@]} < 13)) || cpu=$((16#${f[12]}))
		if ((cpu == router_cpu)); then
			netrx=$((16#${f[0]})) netdrop=$((16#${f[1]}))
		fi
		i=$((i + 1))
	done </proc/net/softnet_stat
	snap="$t $off $fw $fd $busy $sirq $steal $netrx $netdrop"
}

declare -A frame_len=()
while read -r c n; do
	frame_len[$c]=$n
done < <("$PY" "$pkts" frames "$work" --smac "$gen_mac" --dmac "$r0_mac")

results=$work/results.tsv
: >"$results"
measured=0
printf '\n%-13s %9s %9s %7s %9s %10s  %s\n' case "Mpps fwd" offered "CPU" "Mpps/core" "cyc/pkt" note
for c in $cases; do
	flen=${frame_len[$c]}
	note="${flen} B frames, one flow"
	if [[ $c == h_encaps && -n $encap_why ]]; then
		printf '%s\t0\t0\t0\t0\t0\t%s\n' "$c" "$encap_why" >>"$results"
		printf '%-13s %9s %9s %7s %9s %10s  %s\n' "$c" - - - - - "$encap_why"
		continue
	fi
	if ((check)); then
		log "$c: checking what the sink receives"
		if ! check_case "$c"; then
			why="not measured: the sink's packets are not the behaviour's: $check_msg"
			printf '%s\t0\t0\t0\t0\t0\t%s\n' "$c" "$why" >>"$results"
			printf '%-13s %9s %9s %7s %9s %10s  %s\n' "$c" - - - - - "$why"
			continue
		fi
		note+=", sink saw: ${check_msg#*as expected: }"
	fi
	log "$c: measuring for ${seconds}s"
	start_gen "$c"
	sleep 1 # past the generator's start
	snapshot
	a=$snap
	sleep "$seconds"
	snapshot
	b=$snap
	stop_gen
	[[ -z $share_note ]] || note+=", $share_note"
	line=$(awk -v a="$a" -v b="$b" -v hz="$hz" -v tsc="$tsc_hz" -v c="$c" -v note="$note" -v cpu="$router_cpu" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		t = y[1] - x[1]; off = (y[2] - x[2]) / t; fw = y[3] - x[3]; fd = y[4] - x[4]
		busy = (y[5] - x[5]) / hz / t; sirq = (y[6] - x[6]) / hz / t; steal = (y[7] - x[7]) / hz / t
		pps = fw / t
		if (fd > 0) note = note sprintf(", %d dropped toward the sink", fd)
		if (fw > 0) note = note sprintf(", router CPU backlog: %.2f packets in per packet out, %d dropped", (y[8] - x[8]) / fw, y[9] - x[9])
		note = note sprintf(", CPU %d busy %.0f%% (others included), steal %.0f%%", cpu, busy * 100, steal * 100)
		if (sirq > 1) sirq = 1
		if (fw <= 0 || sirq <= 0) { printf "%s\t0\t0\t0\t0\t%.6f\tnot measured: nothing forwarded or no softirq time seen, %s\n", c, off / 1e6, note; exit }
		if (sirq < 0.9 && busy < 0.95) note = note ", router CPU not saturated (the generator is slower): Mpps/core scales by the CPU share"
		else if (sirq < 0.9) note = note ", router CPU shared with other work: Mpps/core scales by the CPU share"
		printf "%s\t%.6f\t%.2f\t%.4f\t%.6f\t%.6f\t%s\n", c, pps / 1e6 / sirq, sirq * tsc / pps, sirq, pps / 1e6, off / 1e6, note
	}')
	echo "$line" >>"$results"
	IFS=$'\t' read -r _ mpc cyc share fwd off nt <<<"$line"
	if [[ $share != 0 ]]; then
		measured=1
		printf '%-13s %9.3f %9.3f %6.0f%% %9.3f %10.0f  %s\n' "$c" "$fwd" "$off" "$(awk -v s="$share" 'BEGIN { print s * 100 }')" "$mpc" "$cyc" "$nt"
	else
		printf '%-13s %9s %9.3f %7s %9s %10s  %s\n' "$c" - "$off" - - - "$nt"
	fi
done
echo "Mpps fwd: packets out of the router per second; offered: the generator's rate; CPU: the router CPU's irq+softirq share; Mpps/core = Mpps fwd / CPU; cyc/pkt = CPU x TSC / Mpps fwd."

if [[ -n $json ]]; then
	"$PY" - "$results" "$json" "$generator" "$(uname -r)" "$seconds" <<'EOF'
import json, sys
rows = []
for line in open(sys.argv[1]):
    c, mpc, cyc, share, fwd, off, note = line.rstrip("\n").split("\t")
    ok = float(share) > 0
    rows.append({"case": c, "mpps": float(mpc), "cycles_per_pkt": float(cyc),
                 "cpu_share": float(share), "generator": sys.argv[3], "note": note,
                 "measured": ok, "forwarded_mpps": float(fwd), "offered_mpps": float(off),
                 "kernel": sys.argv[4], "seconds": int(sys.argv[5])})
with open(sys.argv[2], "w") as f:
    json.dump(rows, f, indent=1)
    f.write("\n")
EOF
	log "wrote $json"
fi
((measured)) || { log "nothing measured"; exit 1; }
