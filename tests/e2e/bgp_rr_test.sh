#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Seed 000 with both PEs srv6d (+ gobgpd + srv6-bgp), an iBGP route reflector
# (FRR 8.4 bgpd) on the plain Linux router P between them (bgp_rr_topo.sh).
# Each PE learns the other's VPNv4 and VPNv6 routes through the RR, which
# rewrites the SRv6 Endpoint Behavior to 0xFFFF and keeps SID, structure and
# label: each PE must install the other's customer nets toward the SID the
# other srv6-bgp allocated, refusing nothing. Then: pings both ways over IPv4
# and IPv6 and the SRv6 encapsulation checked on both WAN links (tshark); a
# route removed on PE1 disappears on PE2 and comes back; srv6-bgp and then
# gobgpd of PE1 restart during a steady ping without losing one; PE2's srv6d
# restarts from its saved configuration with every route and traffic flows
# again. Needs no kernel SRv6 (P only forwards IPv6).
#   bgp_rr_test.sh [plain|transpose]   transpose: both srv6-bgp --transpose
#   (the SID's function bits ride in the label, the SID field is the locator)
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/bgp_topo.sh"
. "$E2E_DIR/bgp_lib.sh"
. "$E2E_DIR/bgp_rr_topo.sh"
MODE=${1:-plain}
case $MODE in
plain) ;;
transpose) SRV6BGP_ARGS="$SRV6BGP_ARGS --transpose" ;;
*) echo "usage: $0 [plain|transpose]" >&2; exit 2 ;;
esac
e2e_init "bgp_rr_$MODE"
trap rr_trap EXIT
rr_require_tools
T_START=$(date +%s%N)
# ms_since T0: milliseconds since T0 (date +%s%N)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

section "topology: CE1 - srv6d PE1 - P (Linux, FRR RR) - srv6d PE2 - CE2"
rr_up
for pe in pe1 pe2; do
	# TCP-MD5 on both ends of both sessions
	md5=$(rr_session_md5 "$pe" "$RR_ADDR") || fail "$pe: the BGP session to the RR has no TCP-MD5 key"
	md5r=$(rr_session_md5 p "${RR_WAN[$pe]}") || fail "RR: the BGP session to $pe has no TCP-MD5 key"
	# the session rides on srv6d's WAN port: its host interface counts frames both ways
	host=$(rpc_on "$pe" port.list | $PY -c '
import json, sys
for p in json.load(sys.stdin)["result"]:
    if p["name"] == "wan0":
        c = p["counters"]; print(c.get("host_to_kernel", 0), c.get("host_from_kernel", 0))')
	read -r to_k from_k <<<"$host"
	((to_k > 0 && from_k > 0)) || fail "$pe: host interface counters: to kernel $to_k, from kernel $from_k"
	log "$pe: $md5 and RR $md5r; BGP through srv6d's wan0 host interface ($to_k frames to the kernel, $from_k from it)"
done

section "srv6-bgp on both PEs: each learns the other's routes through the RR"
t0=$(date +%s%N)
rr_start_helper pe1
rr_start_helper pe2
wait_until '[[ -n $(rr_our_sid pe1) && -n $(rr_our_sid pe2) ]]' 30 0.2 ||
	fail "no End.DT46 allocated: pe1 '$(rr_our_sid pe1)', pe2 '$(rr_our_sid pe2)'"
SID1=$(rr_our_sid pe1)
SID2=$(rr_our_sid pe2)
[[ $SID1 == ${PE1_LOC%::/64}:* ]] || fail "PE1's SID $SID1 is not in $PE1_LOC"
[[ $SID2 == ${PE2_LOC%::/64}:* ]] || fail "PE2's SID $SID2 is not in $PE2_LOC"
log "SIDs allocated by srv6-bgp (sid.list): PE1 $SID1, PE2 $SID2"
wait_until 'rr_has_routes pe1 && rr_has_routes pe2' 60 0.2 ||
	fail "learnt routes: pe1 '$(rr_routes pe1)' (want '$(rr_want_routes pe1)'), pe2 '$(rr_routes pe2)' (want '$(rr_want_routes pe2)')"
log "both PEs have each other's routes $(ms_since "$t0") ms after the helpers started"
for pe in pe1 pe2; do
	echo "$pe: srv6ctl route list vrf $VRF" >&2
	ctl_on "$pe" route list vrf "$VRF" >&2 || true
done

section "what crossed the RR: behaviour 0xFFFF, SID and label intact, reflected"
for fam in ipv4 ipv6; do
	for pe in pe1 pe2; do
		n=$(rr_frr_pfx "$pe" "$fam")
		[[ $n == 1 ]] || fail "RR: $n $fam VPN prefixes from $pe, want 1"
	done
done
rr_vtysh "show bgp ipv4 vpn" >&2
for pe in pe1 pe2; do
	o=${RR_OTHER[$pe]}
	osid=$(rr_our_sid "$o")
	for fam in vpnv4 vpnv6; do
		net=${RR_NET4[$o]}
		[[ $fam == vpnv6 ]] && net=${RR_NET6[$o]}
		# the path as the RR reflected it, from the RR's session (adj-in)
		path=$(rr_gobgp_paths "$pe" "$fam" neighbor "$RR_ADDR" adj-in | grep "^$net rd ${RR_RDS[$o]} ") ||
			fail "$pe: no $fam path for $net from the RR: $(rr_gobgp_paths "$pe" "$fam" neighbor "$RR_ADDR" adj-in)"
		log "$pe received: $path"
		if [[ $MODE == transpose ]]; then
			want=" label 16 nh ${RR_WAN[$o]} rt $BGP_RT sid $osid field ${RR_LOC[$o]%/64} behavior 65535 struct 48/16/16/0/16/64"
		else
			want=" label 3 nh ${RR_WAN[$o]} rt $BGP_RT sid $osid field $osid behavior 65535 struct 48/16/16/0/0/0"
		fi
		[[ $path == *"$want" ]] || fail "$pe: reflected path '$path', want '...$want'"
		# ORIGINATOR_ID = the other PE, CLUSTER_LIST = the RR: it was reflected
		refl=$(rr_gobgp "$pe" -j global rib -a "$fam" | $PY -c '
import json, sys
for key, paths in json.load(sys.stdin).items():
    for p in paths:
        if p["nlri"]["prefix"] == sys.argv[1]:
            a = {x["type"]: x for x in p["attrs"]}
            print(a.get(9, {}).get("value", "-"), ",".join(a.get(10, {}).get("value", [])) or "-", p.get("neighbor-ip", "-"))' "$net")
		[[ $refl == "${RR_RIDS[$o]} $RR_RID $RR_ADDR" ]] ||
			fail "$pe: $net originator/cluster/neighbor '$refl', want '${RR_RIDS[$o]} $RR_RID $RR_ADDR'"
	done
	rr_wait_helper_synced "$pe" 45
	rej=$(rr_helper_rejected "$pe")
	[[ $rej == 0 ]] || fail "$pe: srv6-bgp rejected $rej paths: $(rr_helper_get "$pe" rejected)"
	# the RR also reflects our own paths back: gobgpd drops them (never imported)
	[[ $(rr_helper_get "$pe" import.paths) == 2 ]] || fail "$pe: import $(rr_helper_get "$pe" import)"
done
log "the RR rewrote the behaviour to 0xFFFF; both srv6-bgp installed the paths, rejected none"

section "pings across the L3VPN, both ways, IPv4 and IPv6"
s1_before=$(rr_srv6d_stats pe1)
s2_before=$(rr_srv6d_stats pe2)
ping_warm ce1 "$CE2_V4" 30
ping_warm ce1 "$CE2_V6" 30
n=5
ping_ok ce1 "$CE2_V4" $n 0.2
ping_ok ce2 "$CE1_V4" $n 0.2
ping_ok ce1 "$CE2_V6" $n 0.2
ping_ok ce2 "$CE1_V6" $n 0.2
capture_stop wan1
capture_stop wan2
# on each WAN link: H.Encaps toward the other PE's End.DT46, one-SID SRH (SL
# 0), the CE addresses inside; srv6d sends with hop limit 64, P forwards (63)
rc=0
for link in 1 2; do
	hl1=64 hl2=63
	[[ $link == 2 ]] && hl1=63 hl2=64
	for fam in 4 6; do
		if [[ $fam == 4 ]]; then a=$CE1_V4 b=$CE2_V4 pl=4; else a=$CE1_V6 b=$CE2_V6 pl=41; fi
		check_wire "$WORK/wan$link.pcap" --label "link $link: PE1 -> PE2 IPv$fam" --src "$PE1_WAN" \
			--dst "$SID2" --srh "$SID2" --sl 0 --payload $pl --inner-src "$a" --inner-dst "$b" \
			--select-inner --hlim $hl1 --min $((2 * n)) || rc=1
		check_wire "$WORK/wan$link.pcap" --label "link $link: PE2 -> PE1 IPv$fam" --src "$RR_PE2_WAN" \
			--dst "$SID1" --srh "$SID1" --sl 0 --payload $pl --inner-src "$b" --inner-dst "$a" \
			--select-inner --hlim $hl2 --min $((2 * n)) || rc=1
	done
done
[[ $rc == 0 ]] || fail "wire format (see above)"
# every packet that reached a PE from the other was decapsulated by its SID
for pe in pe1 pe2; do
	sid=$SID1 before=$s1_before
	[[ $pe == pe2 ]] && sid=$SID2 before=$s2_before
	after=$(rr_srv6d_stats "$pe")
	got=$(($(sid_packets "$after" "$sid") - $(sid_packets "$before" "$sid")))
	((got >= 4 * n)) || fail "$pe: SID $sid counted $got packets in the pings, want >= $((4 * n))"
	log "$pe: SID $sid decapsulated $got packets"
done

section "withdraw: routes removed on PE1 leave PE2, and come back"
EXTRA4=10.99.0.0/24 EXTRA4_H=10.99.0.1
EXTRA6=2001:db8:99::/64 EXTRA6_H=2001:db8:99::1
# CE1 owns addresses in them, so that they can be pinged through PE2's route
ifaddr ce1 lo "$EXTRA4_H/32" "$EXTRA6_H/128"
want_extra=$(printf '%s %s\n' "$CE1_NET4" "$SID1" "$CE1_NET6" "$SID1" "$EXTRA4" "$SID1" "$EXTRA6" "$SID1" | sort)
extra_add() {
	rpc_ok_on pe1 route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA4\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"$CE1_V4\", \"port\": \"ce0\"}]}" >/dev/null
	rpc_ok_on pe1 route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA6\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"$CE1_V6\", \"port\": \"ce0\"}]}" >/dev/null
}
# extra_del: PE1 removes them
extra_del() {
	rpc_ok_on pe1 route.del "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA4\"}" >/dev/null
	rpc_ok_on pe1 route.del "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA6\"}" >/dev/null
}
extra_add
t0=$(date +%s%N)
wait_until '[[ "$(rr_routes pe2)" == "$want_extra" ]]' 30 0.05 || fail "PE2: '$(rr_routes pe2)', want '$want_extra'"
log "PE2 has PE1's new routes after $(ms_since "$t0") ms"
ping_ok ce2 "$EXTRA4_H" 3 0.2
ping_ok ce2 "$EXTRA6_H" 3 0.2
extra_del
t0=$(date +%s%N)
wait_until 'rr_has_routes pe2' 30 0.05 || fail "PE2 after PE1's route.del: '$(rr_routes pe2)', want '$(rr_want_routes pe2)'"
log "withdrawn on PE2 after $(ms_since "$t0") ms"
[[ -z $(rr_gobgp_paths pe2 vpnv4 | grep "^$EXTRA4 ") ]] || fail "PE2's gobgpd still has $EXTRA4"
extra_add
t0=$(date +%s%N)
wait_until '[[ "$(rr_routes pe2)" == "$want_extra" ]]' 30 0.05 || fail "PE2: '$(rr_routes pe2)' after the re-add"
log "back on PE2 after $(ms_since "$t0") ms"
ping_ok ce2 "$EXTRA4_H" 3 0.2
ping_ok ce2 "$EXTRA6_H" 3 0.2
extra_del
wait_until 'rr_has_routes pe2' 30 0.05 || fail "PE2: '$(rr_routes pe2)' after the second route.del"

section "PE1: srv6-bgp, then gobgpd restarted during a steady ping both ways: no loss"
# 0.02 s apart: 30 s at least, longer than both restarts with the sweeps
# after each (measured: 16 s; srv6-bgp settles $RR_SETTLE_MS ms after the
# RR's table came); the test fails if a flood ends before they are done
N=1500
ping_flood_start flood4 ce1 "$CE2_V4" $N 0.02
ping_flood_start flood6 ce2 "$CE1_V6" $N 0.02
t0=$(date +%s%N)
sleep 1
rr_stop_helper pe1
sleep 1
rr_start_helper pe1
rr_wait_helper_synced pe1 45
rr_has_routes pe1 || fail "PE1 after the srv6-bgp restart: $(rr_routes pe1)"
log "PE1's srv6-bgp resynced: $(rr_helper_get pe1 sessions)"
rr_stop_gobgpd pe1
sleep 1
rr_start_gobgpd pe1
rr_wait_established 60
rr_wait_helper_synced pe1 45
wait_until 'rr_has_routes pe1 && rr_has_routes pe2' 20 0.2 ||
	fail "after the gobgpd restart: pe1 '$(rr_routes pe1)', pe2 '$(rr_routes pe2)'"
log "restarts done after $(ms_since "$t0") ms; PE1 import: $(rr_helper_get pe1 import)"
for f in flood4 flood6; do
	kill -0 "${E2E_BG[$f]}" 2>/dev/null ||
		fail "$f ended before the restarts were over ($(ms_since "$t0") ms): the check would not cover them"
done
ping_flood_check flood4
ping_flood_check flood6
rej=$(rr_helper_rejected pe1)
[[ $rej == 0 ]] || fail "PE1's restarted srv6-bgp rejected $rej paths: $(rr_helper_get pe1 rejected)"

section "PE2: srv6d restarts from its saved configuration with every route"
rpc_ok_on pe2 config.save "{\"file\": \"$WORK/pe2-saved.json\"}" >/dev/null
before=$(rr_routes pe2)
stop_srv6d_named pe2
t0=$(date +%s%N)
rr_start_srv6d pe2 "$WORK/pe2-saved.json"
after=$(rr_routes pe2)
[[ $after == "$before" ]] || fail "PE2's routes after the restart: '$after', before '$before'"
[[ $(rr_our_sid pe2) == "$SID2" ]] || fail "PE2's SID after the restart: $(rr_our_sid pe2)"
log "PE2's srv6d restarted with its routes and SID: $(tr '\n' ';' <<<"$after")"
# the BGP session rode on the host interface that went with srv6d
rr_wait_established 90
wait_until '[[ $(rr_helper_get pe2 sessions.srv6d_connects) -ge 2 ]]' 30 0.2 ||
	fail "srv6-bgp pe2 did not reconnect to srv6d"
rr_wait_helper_synced pe2 45
wait_until 'rr_has_routes pe1 && rr_has_routes pe2' 30 0.2 ||
	fail "after PE2's srv6d restart: pe1 '$(rr_routes pe1)', pe2 '$(rr_routes pe2)'"
log "BGP and both helpers back $(ms_since "$t0") ms after PE2's srv6d started"
ping_warm ce2 "$CE1_V4" 30
ping_warm ce2 "$CE1_V6" 30
ping_ok ce1 "$CE2_V4" 3 0.2
ping_ok ce2 "$CE1_V4" 3 0.2
ping_ok ce1 "$CE2_V6" 3 0.2
ping_ok ce2 "$CE1_V6" 3 0.2

section "srv6-bgp counters"
for pe in pe1 pe2; do
	echo "$pe:" >&2
	rr_helper_stats "$pe" >&2
	rej=$(rr_helper_rejected "$pe")
	[[ $rej == 0 ]] || fail "$pe: srv6-bgp rejected $rej paths: $(rr_helper_get "$pe" rejected)"
	[[ $(rr_helper_get "$pe" import.route_errors) == 0 ]] || fail "$pe: srv6d refused route requests"
done
for pe in pe1 pe2; do rr_stop_helper "$pe"; done
for pe in pe1 pe2; do stop_srv6d_named "$pe"; done
for pe in pe1 pe2; do rr_stop_gobgpd "$pe"; done
rr_stop_frr
log "PASS ($MODE) in $(ms_since "$T_START") ms"
