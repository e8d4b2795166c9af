#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The README's demo: seed 000's two-site SRv6 L3VPN on one machine, in network
# namespaces, with BGP, on any Linux kernel (it needs none of the kernel's
# optional SRv6). Both sites' PEs are srv6d + gobgpd + srv6-bgp; between them
# a plain Linux router P stands for the Internet and also runs FRR 8.4's
# bgpd as the iBGP route reflector (TCP-MD5, VPNv4 + VPNv6, extended next
# hop). Each PE learns the other's VPN routes and SIDs through the RR.
#
#   CE1 ---- PE1: srv6d ====== P: Linux router ====== PE2: srv6d ---- CE2
#   172.16.10.2   gobgpd          FRR bgpd (RR)           gobgpd   172.16.20.2
#   2001:db8:1::2 srv6-bgp        2001:db8:0:ee::1        srv6-bgp 2001:db8:2::2
#    wan0 2001:db8:0:12::1 -- ::2 P ::1 -- 2001:db8:0:23::2 wan0
#    locator 2a0e:97c0:ae6:1001::/64        locator 2a0e:97c0:ae6:2001::/64
#
# As in seed 000, BGP runs from the WAN addresses: each srv6d's wan0 port has
# a host interface (port key host_if), a kernel TAP named wan0 with the
# port's address, through which gobgpd's TCP session reaches the wire.
#
# Run as root on Debian 12:   sudo tools/demo.sh [--frr-pe | --static]
# It builds srv6d if needed (tools/deps.sh, meson, ninja), reserves hugepages
# when tools/hugepages.sh is there (otherwise runs with --no-huge), prints
# what the kernel probe found (tests/e2e/kprobe.sh), brings the topology up
# (tests/e2e/bgp_rr_topo.sh), starts srv6-bgp on both PEs, waits until each
# has the other's routes, then shows the BGP sessions (gobgp on each PE,
# FRR's summary on the RR), what the RR holds, each PE's learnt routes and
# SIDs (srv6ctl), srv6-bgp's counters, pings across the VPN both ways over
# IPv4 and IPv6, srv6ctl's counters and one encapsulated packet captured on
# P, and removes everything it created.
#
# --frr-pe: the earlier BGP demo, site B being FRR 8.4 (zebra + bgpd) on the
# Linux kernel, peering directly with site A (tests/e2e/bgp_topo.sh). Its
# data plane is the kernel's seg6 lwtunnel (CONFIG_IPV6_SEG6_LWTUNNEL): on a
# kernel without it the demo says so and runs the default instead.
#
# --static: no BGP: site B is a kernel PE (tests/e2e/topo.sh; the kernel's
# seg6 lwtunnel where it has one, else a scapy PE) and both sides have static
# VPN routes and SIDs. It is also what runs, with a message, when srv6-bgp is
# not built or FRR or GoBGP is not installed.
#
# Exit status: 0 when every ping got its replies.
#
# Environment: BUILD_DIR (default build), SRV6D, SRV6CTL, SRV6D_EAL as in
# tests/e2e/lib.sh; SRV6BGP, FRR_BIN, GOBGPD, GOBGP as in tests/e2e/bgp_*.sh;
# DEMO_NO_BUILD=1 skips the build step.

set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

MODE=rr
for arg in "$@"; do
	case $arg in
	--frr-pe) MODE=frr-pe ;;
	--static) MODE=static ;;
	-h | --help)
		sed -n '5,/^$/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*)
		echo "demo.sh: unknown argument '$arg' (usage: $0 [--frr-pe | --static])" >&2
		exit 2
		;;
	esac
done

if [[ $(id -u) != 0 ]]; then
	echo "demo.sh: run as root (it creates network namespaces): sudo $0 $*" >&2
	exit 1
fi

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR
export BUILD_DIR

# ---- build if needed (srv6d missing, or srv6-bgp missing for a BGP demo)
need_build=0
[[ -x ${SRV6D:-$BUILD_DIR/app/srv6d/srv6d} ]] || need_build=1
[[ $MODE != static && ! -x ${SRV6BGP:-$BUILD_DIR/app/srv6-bgp/srv6-bgp} ]] && need_build=1
if [[ ${DEMO_NO_BUILD:-0} != 1 && $need_build == 1 ]]; then
	say "building srv6d and srv6-bgp (tools/deps.sh, meson, ninja)"
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

# ---- hugepages if the project's helper is there, else --no-huge. The
# default demo runs two srv6d (512 MiB each), the others one (--frr-pe may
# turn into the default below, on a kernel without seg6 lwtunnel).
if [[ -z ${SRV6D_EAL:-} ]]; then
	n_srv6d=2
	[[ $MODE == static ]] && n_srv6d=1
	if [[ -f tools/hugepages.sh ]]; then
		bash tools/hugepages.sh $((512 * n_srv6d)) ||
			echo "demo.sh: tools/hugepages.sh failed, continuing without hugepages" >&2
	fi
	free_mb=$(awk '/^HugePages_Free/ {f=$2} /^Hugepagesize/ {s=$2} END {print int(f * s / 1024)}' /proc/meminfo)
	if ((free_mb >= 512 * n_srv6d + 256)); then
		SRV6D_EAL="-l 0,1 --in-memory --no-pci -m 512 --no-shconf"
	else
		SRV6D_EAL="-l 0,1 --no-pci --no-huge -m 1024 --no-shconf"
	fi
	export SRV6D_EAL
fi

# ---- the topology helpers of the end-to-end tests
BGP_LINK=${BGP_LINK:-wan}
# srv6-bgp's default settle time (see bgp_rr_topo.sh)
RR_SETTLE_MS=${RR_SETTLE_MS:-2000}
. "$REPO/tests/e2e/lib.sh"
. "$REPO/tests/e2e/bgp_topo.sh"
. "$REPO/tests/e2e/bgp_lib.sh"
. "$REPO/tests/e2e/bgp_rr_topo.sh"
E2E_NAME=demo
if [[ $PE1_IMPL == srv6d && ! -x $SRV6D ]]; then
	echo "demo.sh: srv6d not found at $SRV6D" >&2
	exit 1
fi

# ---- what this kernel can do (printed once); --frr-pe needs seg6 lwtunnel
say "the kernel probe (tests/e2e/kprobe.sh)"
kernel_probe || { echo "demo.sh: kernel probe failed (bad SRV6D_KCAPS or SRV6D_KCAPS_FORCE)" >&2; exit 1; }
kernel_probe_print
if [[ $MODE == frr-pe ]] && ! kernel_has seg6_lwt; then
	echo "demo.sh: --frr-pe needs the kernel's seg6 lwtunnel for FRR's data plane (zebra installs" \
		"encap seg6 routes, PE2's SIDs are seg6local): $(kernel_missing_reason seg6_lwt)" >&2
	echo "demo.sh: running the default demo instead (both PEs srv6d, FRR as route reflector)" >&2
	MODE=rr
fi

# ---- BGP demo prerequisites; without them, the static demo
if [[ $MODE != static ]]; then
	missing=()
	[[ -x $SRV6BGP ]] || missing+=("srv6-bgp is not built at $SRV6BGP (meson builds it when it finds libgrpc-dev, libprotobuf-c-dev, protobuf-c-compiler and golang-github-osrg-gobgp-dev: after tools/deps.sh, meson setup --reconfigure $BUILD_DIR -Dbgp=enabled && ninja -C $BUILD_DIR)")
	[[ -x $FRR_BIN/zebra && -x $FRR_BIN/bgpd ]] || missing+=("FRR is not installed ($FRR_BIN/zebra, $FRR_BIN/bgpd: apt-get install frr)")
	for t in vtysh "$GOBGPD" "$GOBGP"; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t is not installed (apt-get install frr gobgpd)")
	done
	[[ $PE1_IMPL == srv6d ]] || missing+=("PE1_IMPL=$PE1_IMPL: the BGP demos need srv6d on PE1")
	if ((${#missing[@]} > 0)); then
		echo "demo.sh: cannot run the BGP demo:" >&2
		printf 'demo.sh:   %s\n' "${missing[@]}" >&2
		echo "demo.sh: running the static demo instead (tools/demo.sh --static: kernel PE2, static VPN routes)" >&2
		MODE=static
	fi
fi

L3_CAPTURE=0
command -v dumpcap >/dev/null && command -v tshark >/dev/null && L3_CAPTURE=1
e2e_setup
[[ $MODE == rr ]] && trap rr_trap EXIT

failed=0
ping_summary=()
demo_ping() {
	local from=$1 to=$2 out rc=0
	say "ping from $from to $to"
	out=$(nsx "$from" ping -n -c 4 -i 0.3 -W 2 "$to" 2>&1) || rc=$?
	printf '%s\n' "$out"
	ping_summary+=("$from -> $to: $(grep -m1 'packets transmitted' <<<"$out" || echo "no summary (exit $rc)")")
	if [[ $rc != 0 ]]; then
		failed=1
		echo "!! ping from $from to $to FAILED"
	fi
}
# demo_warm FROM TO: the first packet may wait for ARP/ND on every hop; up to
# 15 s for a first reply (not counted)
demo_warm() {
	local end=$(($(date +%s) + 15))
	until nsx "$1" ping -n -c 1 -W 1 "$2" >/dev/null 2>&1; do
		(($(date +%s) < end)) || return 0
	done
}
demo_pings() {
	demo_warm ce1 "$CE2_V4"
	demo_warm ce1 "$CE2_V6"
	demo_warm ce2 "$CE1_V4"
	demo_warm ce2 "$CE1_V6"
	demo_ping ce1 "$CE2_V4"
	demo_ping ce2 "$CE1_V4"
	demo_ping ce1 "$CE2_V6"
	demo_ping ce2 "$CE1_V6"
}
# demo_wire CAPTURE WHERE: one IPv4 echo request from PE1 decoded, and the
# whole exchange in one line per packet, from $WORK/CAPTURE.pcap
demo_wire() {
	[[ $L3_CAPTURE == 1 ]] || return 0
	capture_stop "$1"
	say "one IPv4 echo request on $2 (outer IPv6 + SRH + inner IPv4, decoded by tshark)"
	tshark -r "$WORK/$1.pcap" -n -Y "icmp.type == 8 && ipv6.src == $PE1_WAN" -O ipv6,ip,icmp 2>/dev/null |
		awk 'NR > 1 && /^Frame / {exit} {print}' | grep -vE '^\s*\[|^Frame|^Ethernet' | sed -n '1,70p' || true
	say "the whole exchange on $2 (outer src | dst | SL | inner)"
	tshark -r "$WORK/$1.pcap" -n -Y "ipv6.nxt == 43 || ipv6.nxt == 4 || ipv6.nxt == 41" -T fields \
		-E occurrence=f -e ipv6.src -e ipv6.dst -e ipv6.routing.segleft -e _ws.col.Info 2>/dev/null |
		sed 's/\t/ | /g' | head -n 24 || true
}
demo_end() {
	say "summary"
	printf '  ping %s\n' "${ping_summary[@]}"
	if [[ $failed == 0 ]]; then
		say "demo OK: CE1 and CE2 reach each other over the SRv6 L3VPN (IPv4 and IPv6)$1"
	else
		say "demo FAILED: see the output above"
		E2E_FAILED=1
	fi
	exit $failed
}
# demo_helper_stats [PE]: the interesting part of srv6-bgp's counters (PE's
# helper in the default demo, PE1's in --frr-pe), one line per group, zero
# reject reasons left out
demo_helper_stats() {
	if [[ -n ${1:-} ]]; then rr_helper_stats "$1"; else bgp_helper_stats; fi | $PY -c '
import json, sys
s = json.load(sys.stdin)
def line(name, d):
    if isinstance(d, dict):
        d = " ".join("%s=%s" % (k, json.dumps(v) if isinstance(v, (dict, list, bool)) else v) for k, v in d.items())
    print("  %-9s %s" % (name, d))
line("state", {k: s[k] for k in ("srv6d_connected", "gobgpd_connected", "settled", "sync_pending") if k in s})
if s.get("peers") is not None:
    line("peers", json.dumps(s["peers"]))
for k in ("import", "export", "sessions"):
    if k in s:
        line(k, s[k])
rej = {k: v for k, v in (s.get("rejected") or {}).items() if v}
line("rejected", rej if rej else "none")
if s.get("last_error"):
    line("last_err", s["last_error"])'
}

# ---------------------------------------------------------------- static demo

if [[ $MODE == static ]]; then
	# site B: the kernel's seg6 lwtunnel PE where there is one, else scapy
	if kernel_has seg6_lwt && kernel_has seg6local; then
		L3_PE2_PEER=linux
	else
		L3_PE2_PEER=scapy
	fi
	export L3_PE2_PEER
	say "starting the static L3VPN (namespaces $E2E_PFX-ce1, -pe1, -pe2, -ce2; PE2: $L3_PE2_PEER; srv6d EAL: $SRV6D_EAL)"
	l3vpn_up
	demo_pings
	if [[ $PE1_IMPL == srv6d ]]; then
		say "srv6ctl route list   (underlay and SIDs in VRF default, the VPN in $VRF)"
		ctl route list || failed=1
		say "srv6ctl sid list"
		ctl sid list || failed=1
		say "srv6ctl stats get"
		ctl stats get || failed=1
	fi
	demo_wire wan "the WAN link"
	if [[ $PE1_IMPL == srv6d ]]; then
		stop_srv6d
	fi
	demo_end ""
fi

# ---------------------------------------------------------------- FRR as PE2 (--frr-pe)

if [[ $MODE == frr-pe ]]; then
	say "starting the BGP L3VPN with FRR as PE2 (namespaces $E2E_PFX-ce1, -pe1, -pe2, -ce2; srv6d EAL: $SRV6D_EAL)"
	echo "PE1: srv6d + gobgpd ($PE1_BGP) + srv6-bgp; PE2: FRR 8.4 zebra + bgpd ($PE2_BGP) on the Linux kernel"
	echo "iBGP AS $BGP_AS with TCP-MD5, VPNv4 + VPNv6, RD $PE1_RD / $PE2_RD, RT $BGP_RT, locator $BGP_LOCATOR"
	t_start=$(date +%s%N)
	bgp_l3vpn_up
	bgp_start_helper

	FRR_SID4=$(bgp_pe2_sid ipv4)
	FRR_SID6=$(bgp_pe2_sid ipv6)
	want_routes="$CE2_NET4 $FRR_SID4
$CE2_NET6 $FRR_SID6"
	# shellcheck disable=SC2016 # wait_until evaluates it
	if ! wait_until '[[ "$(bgp_routes "$VRF")" == "$want_routes" ]]' 30 0.1; then
		echo "!! srv6d's BGP routes after 30 s: '$(bgp_routes "$VRF")', want '$want_routes'" >&2
		failed=1
	fi
	OUR_SID=$(bgp_our_sid End.DT46)
	if [[ -z $OUR_SID ]]; then
		echo "!! srv6-bgp allocated no End.DT46 SID in srv6d" >&2
		failed=1
	elif ! wait_until "bgp_frr_has 4 $CE1_NET4 $OUR_SID && bgp_frr_has 6 $CE1_NET6 $OUR_SID" 30 0.1; then
		echo "!! FRR's kernel has no encap seg6 routes toward $OUR_SID after 30 s" >&2
		failed=1
	fi
	wait_until bgp_helper_synced 30 0.2 || { echo "!! srv6-bgp not in sync after 30 s" >&2; failed=1; }
	say "PE2's kernel gets FRR's SIDs (FRR 8.4 cannot install End.DT4/DT6 for its default VRF)"
	bgp_pe2_install_sids
	log "both PEs have each other's routes $((($(date +%s%N) - t_start) / 1000000)) ms after the start"

	say "BGP session, our side: gobgp neighbor"
	bgp_gobgp neighbor || true
	say "BGP session, FRR's side: show bgp summary"
	bgp_frr_vtysh "show bgp summary" || true

	say "VPN routes in gobgpd: gobgp global rib -a vpnv4 / vpnv6 (FRR's and ours)"
	bgp_gobgp global rib -a vpnv4 || true
	bgp_gobgp global rib -a vpnv6 || true
	say "VPN routes in FRR: show bgp ipv4 vpn / show bgp ipv6 vpn"
	bgp_frr_vtysh "show bgp ipv4 vpn" || true
	bgp_frr_vtysh "show bgp ipv6 vpn" || true

	say "srv6ctl route list vrf $VRF   (owner bgp: FRR's SIDs, rebuilt from the transposed label)"
	ctl route list vrf "$VRF" || failed=1
	say "srv6ctl sid list   (the End.DT46 srv6-bgp allocated with sid.alloc)"
	ctl sid list || failed=1

	say "PE2's kernel routes toward us (installed by FRR's zebra)"
	nsx pe2 ip route show proto bgp || true
	nsx pe2 ip -6 route show proto bgp || true

	learnt_srv6d=$(bgp_routes "$VRF")
	learnt_frr=$({ nsx pe2 ip route show proto bgp; nsx pe2 ip -6 route show proto bgp; } |
		sed -n 's/^\([^ ]*\) .*encap seg6 mode \([a-z.]*\) segs [0-9]* \[ \([^]]*\) \].*/\1 -> SID \3 (seg6 \2)/p')

	say "srv6-bgp stats (trimmed)"
	demo_helper_stats || true

	demo_pings

	say "srv6ctl stats get"
	ctl stats get || failed=1

	demo_wire wan "the WAN link"

	say "stopping srv6-bgp, srv6d, gobgpd and FRR"
	rc=0
	bg_stop srv6-bgp TERM 10 || rc=$?
	if [[ $rc == 0 ]]; then
		log "srv6-bgp stopped (exit 0)"
	else
		echo "!! srv6-bgp exited with status $rc after SIGTERM" >&2
		failed=1
	fi
	stop_srv6d
	bgp_stop_gobgpd
	bgp_stop_frr
	say "what each side learnt over BGP"
	echo "  srv6d (VRF $VRF, owner bgp), from FRR:"
	printf '%s\n' "$learnt_srv6d" | sed 's/ / -> SID /; s/^/    /'
	echo "  PE2's kernel, from srv6-bgp:"
	printf '%s\n' "$learnt_frr" | sed 's/^/    /'
	demo_end " with routes and SIDs learnt over BGP"
fi

# ---------------------------------------------------------------- default: two srv6d PEs, FRR route reflector

say "starting the BGP L3VPN (namespaces $E2E_PFX-ce1, -pe1, -p, -pe2, -ce2; srv6d EAL: $SRV6D_EAL)"
echo "PE1: srv6d + gobgpd + srv6-bgp, WAN ${RR_WAN[pe1]}, locator $PE1_LOC, RD $PE1_RD"
echo "PE2: srv6d + gobgpd + srv6-bgp, WAN ${RR_WAN[pe2]}, locator $PE2_LOC, RD $PE2_RD"
echo "P:   Linux router (IPv6 forwarding only) + FRR 8.4 bgpd as route reflector $RR_ADDR"
echo "iBGP AS $BGP_AS with TCP-MD5, VPNv4 + VPNv6 with extended next hop, RT $BGP_RT"
t_start=$(date +%s%N)
rr_up
rr_start_helper pe1
rr_start_helper pe2
# shellcheck disable=SC2016 # wait_until evaluates it
if ! wait_until 'rr_has_routes pe1 && rr_has_routes pe2' 60 0.2; then
	echo "!! learnt routes after 60 s: PE1 '$(rr_routes pe1)', PE2 '$(rr_routes pe2)'" >&2
	failed=1
fi
for pe in pe1 pe2; do
	wait_until "rr_helper_synced $pe" 30 0.2 || { echo "!! srv6-bgp on $pe not in sync after 30 s" >&2; failed=1; }
done
log "both PEs have each other's routes $((($(date +%s%N) - t_start) / 1000000)) ms after the start"

for pe in pe1 pe2; do
	say "BGP session of ${pe^^}: gobgp neighbor (gobgpd in $pe, TCP-MD5, over srv6d's wan0 host interface)"
	rr_gobgp "$pe" neighbor || true
done
say "BGP sessions on the route reflector: show bgp summary (FRR on P)"
rr_vtysh "show bgp summary" || true
say "what the RR holds and reflects: show bgp ipv4 vpn / show bgp ipv6 vpn"
rr_vtysh "show bgp ipv4 vpn" || true
rr_vtysh "show bgp ipv6 vpn" || true

for pe in pe1 pe2; do
	o=${RR_OTHER[$pe]}
	say "${pe^^}: what the RR sent to gobgpd (adj-in): ${o^^}'s paths, and ${pe^^}'s own reflected back, which gobgpd does not use (SID rebuilt from the label; behavior 65535: the RR's opaque 0xFFFF)"
	for fam in vpnv4 vpnv6; do
		rr_gobgp_paths "$pe" "$fam" neighbor "$RR_ADDR" adj-in | sed 's/^/  /' || true
	done
	say "${pe^^}: srv6ctl route list vrf $VRF   (owner bgp: ${o^^}'s routes toward ${o^^}'s SID)"
	ctl_on "$pe" route list vrf "$VRF" || failed=1
	say "${pe^^}: srv6ctl sid list   (the End.DT46 srv6-bgp allocated with sid.alloc)"
	ctl_on "$pe" sid list || failed=1
done
learnt=()
for pe in pe1 pe2; do
	learnt+=("${pe^^} learnt from ${RR_OTHER[$pe]^^}: $(rr_routes "$pe" | sed 's/ / -> SID /' | paste -sd ';' | sed 's/;/; /g')")
done

for pe in pe1 pe2; do
	say "srv6-bgp on ${pe^^} (trimmed counters)"
	demo_helper_stats "$pe" || true
done

demo_pings

for pe in pe1 pe2; do
	say "${pe^^}: srv6ctl stats get"
	ctl_on "$pe" stats get || failed=1
done

demo_wire wan1 "P's link to PE1"

say "stopping srv6-bgp, srv6d and gobgpd on both PEs, FRR on P"
for pe in pe1 pe2; do
	rc=0
	bg_stop "srv6-bgp-$pe" TERM 10 || rc=$?
	if [[ $rc != 0 ]]; then
		echo "!! srv6-bgp on $pe exited with status $rc after SIGTERM" >&2
		failed=1
	fi
done
for pe in pe1 pe2; do stop_srv6d_named "$pe"; done
for pe in pe1 pe2; do rr_stop_gobgpd "$pe"; done
rr_stop_frr
say "what each PE learnt over BGP, through the route reflector"
printf '  %s\n' "${learnt[@]}"
demo_end " with routes and SIDs learnt over BGP through FRR's route reflector"
