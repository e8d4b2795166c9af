#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The README's demo: seed 000's two-site SRv6 L3VPN on one machine, in network
# namespaces, with BGP. Site A's PE is srv6d + gobgpd + srv6-bgp, site B's PE
# is FRR 8.4 (zebra + bgpd) on the Linux kernel; they learn each other's VPN
# routes and SIDs over iBGP (TCP-MD5, VPNv4 + VPNv6, extended next hop).
#
#   CE1 ---- PE1: srv6d ======= SRv6 over IPv6 (WAN) ======= PE2: Linux ---- CE2
#   172.16.10.2   gobgpd ----- iBGP over the same WAN ------ FRR bgpd   172.16.20.2
#   2001:db8:1::2 srv6-bgp     2001:db8:0:12::1 / ::2        zebra      2001:db8:2::2
#                 locator 2a0e:97c0:ae6:1001::/64  locator 2a0e:97c0:ae6:2001::/64
#
# As in seed 000, BGP runs between the WAN addresses: srv6d's wan0 port has a
# host interface (port key host_if), a kernel TAP named wan0 with the port's
# address, through which gobgpd's TCP session reaches the wire.
# BGP_LINK=control runs it over a separate control link instead.
#
# Run as root on Debian 12:   sudo tools/demo.sh [--static]
# It builds srv6d if needed (tools/deps.sh, meson, ninja), reserves hugepages
# when tools/hugepages.sh is there (otherwise runs with --no-huge), brings the
# topology up (tests/e2e/bgp_topo.sh), starts srv6-bgp, waits until both PEs
# have each other's routes, then shows the BGP session, the VPN routes each
# side learnt, srv6ctl's routes and SIDs, FRR's kernel routes toward us and
# srv6-bgp's counters, pings across the VPN both ways over IPv4 and IPv6,
# shows srv6ctl's counters and one encapsulated packet, and removes
# everything it created.
#
# --static: the older demo without BGP: PE2 is the Linux kernel alone and
# both sides have static VPN routes and SIDs (tests/e2e/topo.sh). It is also
# what runs, with a message, when srv6-bgp is not built or FRR or GoBGP is
# not installed.
#
# Exit status: 0 when every ping got its replies.
#
# Environment: BUILD_DIR (default build), SRV6D, SRV6CTL, SRV6D_EAL as in
# tests/e2e/lib.sh; SRV6BGP, FRR_BIN, GOBGPD, GOBGP as in tests/e2e/bgp_*.sh;
# DEMO_NO_BUILD=1 skips the build step.

set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

MODE=bgp
for arg in "$@"; do
	case $arg in
	--static) MODE=static ;;
	-h | --help)
		sed -n '5,/^$/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*)
		echo "demo.sh: unknown argument '$arg' (usage: $0 [--static])" >&2
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

# ---- build if needed (srv6d missing, or srv6-bgp missing for the BGP demo)
need_build=0
[[ -x ${SRV6D:-$BUILD_DIR/app/srv6d/srv6d} ]] || need_build=1
[[ $MODE == bgp && ! -x ${SRV6BGP:-$BUILD_DIR/app/srv6-bgp/srv6-bgp} ]] && need_build=1
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

# ---- hugepages if the project's helper is there, else --no-huge
if [[ -z ${SRV6D_EAL:-} ]]; then
	if [[ -f tools/hugepages.sh ]]; then
		bash tools/hugepages.sh 512 || echo "demo.sh: tools/hugepages.sh failed, continuing without hugepages" >&2
	fi
	free_mb=$(awk '/^HugePages_Free/ {f=$2} /^Hugepagesize/ {s=$2} END {print int(f * s / 1024)}' /proc/meminfo)
	if ((free_mb >= 768)); then
		SRV6D_EAL="-l 0,1 --in-memory --no-pci -m 512 --no-shconf"
	else
		SRV6D_EAL="-l 0,1 --no-pci --no-huge -m 1024 --no-shconf"
	fi
	export SRV6D_EAL
fi

# ---- the topology helpers of the end-to-end tests
BGP_LINK=${BGP_LINK:-wan}
. "$REPO/tests/e2e/lib.sh"
. "$REPO/tests/e2e/bgp_topo.sh"
. "$REPO/tests/e2e/bgp_lib.sh"
E2E_NAME=demo
if [[ $PE1_IMPL == srv6d && ! -x $SRV6D ]]; then
	echo "demo.sh: srv6d not found at $SRV6D" >&2
	exit 1
fi

# ---- BGP demo prerequisites; without them, the static demo
if [[ $MODE == bgp ]]; then
	missing=()
	[[ -x $SRV6BGP ]] || missing+=("srv6-bgp is not built at $SRV6BGP (meson builds it when it finds libgrpc-dev, libprotobuf-c-dev, protobuf-c-compiler and golang-github-osrg-gobgp-dev: after tools/deps.sh, meson setup --reconfigure $BUILD_DIR -Dbgp=enabled && ninja -C $BUILD_DIR)")
	[[ -x $FRR_BIN/zebra && -x $FRR_BIN/bgpd ]] || missing+=("FRR is not installed ($FRR_BIN/zebra, $FRR_BIN/bgpd: apt-get install frr)")
	for t in vtysh "$GOBGPD" "$GOBGP"; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t is not installed (apt-get install frr gobgpd)")
	done
	[[ $PE1_IMPL == srv6d ]] || missing+=("PE1_IMPL=$PE1_IMPL: the BGP demo needs srv6d on PE1")
	if ((${#missing[@]} > 0)); then
		echo "demo.sh: cannot run the BGP demo:" >&2
		printf 'demo.sh:   %s\n' "${missing[@]}" >&2
		echo "demo.sh: running the static demo instead (tools/demo.sh --static: Linux PE2, static VPN routes)" >&2
		MODE=static
	fi
fi

L3_CAPTURE=0
command -v dumpcap >/dev/null && command -v tshark >/dev/null && L3_CAPTURE=1
e2e_setup

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
# demo_warm FROM TO: the first packet may wait for ARP/ND on three hops; up to
# 10 s for a first reply (not counted)
demo_warm() {
	local end=$(($(date +%s) + 10))
	until nsx "$1" ping -n -c 1 -W 1 "$2" >/dev/null 2>&1; do
		(($(date +%s) < end)) || return 0
	done
}
demo_pings() {
	demo_warm ce1 "$CE2_V4"
	demo_warm ce1 "$CE2_V6"
	demo_ping ce1 "$CE2_V4"
	demo_ping ce2 "$CE1_V4"
	demo_ping ce1 "$CE2_V6"
	demo_ping ce2 "$CE1_V6"
}
demo_wire() {
	[[ $L3_CAPTURE == 1 ]] || return 0
	capture_stop wan
	say "one IPv4 echo request on the WAN link (outer IPv6 + SRH + inner IPv4)"
	tshark -r "$WORK/wan.pcap" -n -Y "icmp.type == 8 && ipv6.src == $PE1_WAN" -O ipv6,ip,icmp 2>/dev/null |
		awk 'NR > 1 && /^Frame / {exit} {print}' | grep -vE '^\s*\[|^Frame|^Ethernet' | sed -n '1,70p' || true
	say "the whole exchange (outer src -> dst | SL | inner)"
	tshark -r "$WORK/wan.pcap" -n -Y "ipv6.nxt == 43 || ipv6.nxt == 4 || ipv6.nxt == 41" -T fields \
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

# ---------------------------------------------------------------- static demo

if [[ $MODE == static ]]; then
	say "starting the static L3VPN (namespaces $E2E_PFX-ce1, -pe1, -pe2, -ce2; srv6d EAL: $SRV6D_EAL)"
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
	demo_wire
	if [[ $PE1_IMPL == srv6d ]]; then
		stop_srv6d
	fi
	demo_end ""
fi

# ---------------------------------------------------------------- BGP demo

# demo_helper_stats: the interesting part of srv6-bgp's counters, one line per
# group, zero reject reasons left out
demo_helper_stats() {
	bgp_helper_stats | $PY -c '
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

say "starting the BGP L3VPN (namespaces $E2E_PFX-ce1, -pe1, -pe2, -ce2; srv6d EAL: $SRV6D_EAL)"
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

demo_wire

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
