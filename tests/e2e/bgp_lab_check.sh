#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Developer check of the BGP lab (bgp_topo.sh), not a registered test: brings
# up CE1 - PE1 (srv6d + gobgpd) - PE2 (FRR 8.4) - CE2, shows the iBGP session,
# FRR's VPN routes as gobgpd received them (Prefix-SID, labels, RD, RTs, the
# rebuilt SIDs), installs PE2's SIDs in its kernel, runs the scale announce /
# withdraw, restarts gobgpd and FRR. Needs root; no srv6-bgp (so no routes
# toward FRR and no pings). The lib.sh EXIT trap cleans up.
#
#   sudo bash tests/e2e/bgp_lab_check.sh
#   BGP_SCALE_N=20000 BGP_LAB_SCALE_METHODS="network kernel" sudo -E bash tests/e2e/bgp_lab_check.sh

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bgp_topo.sh"

e2e_init bgp_lab_check
bgp_require_tools

BGP_LAB_SCALE_METHODS=${BGP_LAB_SCALE_METHODS:-network kernel}

# expect_sid FAMILY: gobgpd's rebuilt SID for CE2's net equals FRR's own SID
expect_sid() {
	local fam=$1 gfam net want got
	if [[ $fam == ipv4 ]]; then gfam=vpnv4 net=$CE2_NET4; else gfam=vpnv6 net=$CE2_NET6; fi
	want=$(bgp_pe2_sid "$fam")
	got=$(bgp_gobgp_paths "$gfam" | awk -v p="$net" '$1 == p { for (i = 2; i < NF; i++) if ($i == "sid") print $(i + 1) }')
	[[ -n $want && $got == "$want" ]] ||
		fail "$fam: gobgpd rebuilt SID '$got' for $net, FRR allocated '$want'"
	log "$fam: $net via SID $got (rebuilt from label + locator) = FRR's tovpn_sid"
}

section "topology up"
bgp_l3vpn_up

section "session"
bgp_gobgp neighbor >&2
bgp_gobgp neighbor "$PE2_BGP" | sed -n '/Neighbor capabilities/,/4-octet-as/p' >&2
bgp_frr_vtysh "show bgp summary" >&2
bgp_frr_vtysh "show bgp neighbors $PE1_BGP json" | $PY -c '
import json, sys
n = json.load(sys.stdin)[sys.argv[1]]
c = n.get("neighborCapabilities", {})
print("FRR: state %s, extendedNexthop %s, by peer %s" % (n.get("bgpState"), c.get("extendedNexthop"),
      json.dumps(c.get("extendedNexthopFamililesByPeer"))))' "$PE1_BGP" >&2
md5=$(bgp_session_md5) || fail "the BGP session's TCP socket has no MD5 key"
log "TCP-MD5 on the session socket in pe2: $md5"

section "FRR's VPN routes as gobgpd received them"
wait_until '(( $(bgp_gobgp_rx_count vpnv4) >= 1 && $(bgp_gobgp_rx_count vpnv6) >= 1 ))' 20 0.1 ||
	fail "gobgpd did not receive FRR's VPN routes in 20 s"
for fam in vpnv4 vpnv6; do
	echo "--- gobgp global rib -a $fam" >&2
	bgp_gobgp global rib -a "$fam" >&2
	echo "--- gobgp -j global rib -a $fam" >&2
	bgp_gobgp -j global rib -a "$fam" | $PY -m json.tool >&2
	echo "--- decoded" >&2
	bgp_gobgp_paths "$fam" >&2
done
expect_sid ipv4
expect_sid ipv6

section "FRR's SIDs and their kernel stand-ins"
bgp_frr_vtysh "show bgp segment-routing srv6" >&2
bgp_frr_vtysh "show segment-routing srv6 locator $BGP_LOCATOR detail" >&2
bgp_pe2_install_sids >&2
bgp_pe2_install_sids >/dev/null # idempotent
bgp_pe2_show_sids >&2
bgp_frr_vtysh "show bgp ipv4 vpn" "show bgp ipv6 vpn" >&2
log "FRR installed $(bgp_frr_route_count 4) IPv4 / $(bgp_frr_route_count 6) IPv6 BGP routes in pe2's kernel" \
	"(received $(bgp_frr_rx_count ipv4) / $(bgp_frr_rx_count ipv6) VPN prefixes from PE1; none without srv6-bgp)"

section "srv6d on PE1 (no VPN routes, no SIDs until srv6-bgp)"
ctl route list >&2 || true
ctl sid list >&2 || true

section "scale: $BGP_SCALE_N IPv4 VPN prefixes from FRR"
declare -a results=()
for m in $BGP_LAB_SCALE_METHODS; do
	bgp_scale_announce "$BGP_SCALE_N" "$m" >/dev/null
	results+=("$BGP_SCALE_RESULT")
	# gobgp cannot look one VPN prefix up ("route filtering is not supported
	# for this family") and the RIB in JSON is slow (see bgp_gobgp_paths)
	n=$(bgp_gobgp global rib -a vpnv4 | grep -c " $PE2_RD:${BGP_SCALE_NET%.*.*}\.") || true
	[[ $n == "$BGP_SCALE_N" ]] || fail "gobgpd's RIB holds $n of the $BGP_SCALE_N scale prefixes"
	bgp_scale_withdraw >/dev/null
	results+=("$BGP_SCALE_RESULT")
done
expect_sid ipv4

section "restart gobgpd"
bgp_stop_gobgpd
t0=$(date +%s%N)
bgp_start_gobgpd
bgp_wait_established 60
wait_until '(( $(bgp_gobgp_rx_count vpnv4) >= 1 && $(bgp_gobgp_rx_count vpnv6) >= 1 ))' 20 0.1 ||
	fail "no routes from FRR after the gobgpd restart"
results+=("gobgpd restart: Established + routes in $((($(date +%s%N) - t0) / 1000000)) ms")

section "restart FRR"
bgp_stop_frr
t0=$(date +%s%N)
bgp_start_frr
bgp_wait_established 60
wait_until '(( $(bgp_gobgp_rx_count vpnv4) >= 1 && $(bgp_gobgp_rx_count vpnv6) >= 1 ))' 20 0.1 ||
	fail "no routes from FRR after its restart"
results+=("FRR restart: Established + routes in $((($(date +%s%N) - t0) / 1000000)) ms")
expect_sid ipv4
expect_sid ipv6
bgp_pe2_install_sids >&2

section "summary"
printf '  %s\n' "${results[@]}" >&2
stop_srv6d
log "PASS"
