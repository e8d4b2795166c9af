#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Seed 000 with BGP: srv6d + gobgpd + srv6-bgp on PE1, FRR 8.4 (zebra + bgpd)
# with the Linux kernel on PE2. FRR learns our VRF prefixes and SID and
# installs encap seg6 routes toward us; we learn FRR's and encapsulate toward
# it; CE1 and CE2 ping each other over IPv4 and IPv6. Then: a prefix withdrawn
# on FRR leaves route.list and comes back; a route added on our side appears
# on FRR and goes; srv6-bgp and then gobgpd restart during a steady ping
# without losing one; srv6d restarts from its saved config with every route;
# with gobgpd gone past the graceful-restart time the learnt routes go.
#   bgp_l3vpn_test.sh [plain|transpose]   transpose: srv6-bgp --transpose, our
#   SID's function bits ride in the label as FRR sends its own
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/bgp_topo.sh"
. "$E2E_DIR/bgp_lib.sh"
MODE=${1:-plain}
case $MODE in
plain) ;;
transpose) SRV6BGP_ARGS="$SRV6BGP_ARGS --transpose" ;;
*) echo "usage: $0 [plain|transpose]" >&2; exit 2 ;;
esac
e2e_init "bgp_l3vpn_$MODE"
bgp_require_tools
bgp_require_helper

section "topology: CE1 - srv6d/gobgpd/srv6-bgp - FRR/Linux - CE2"
bgp_l3vpn_up
bgp_session_md5 >/dev/null || fail "the BGP session has no TCP-MD5 key"
if [[ $BGP_LINK == wan ]]; then
	# BGP rides on srv6d's WAN port: the kernel sees it through the host
	# interface wan0, which holds the port's address
	# (grep on a captured output: with pipefail, grep -q in a pipe can fail
	# the pipe when the writer gets SIGPIPE)
	grep -q "$PE1_WAN/64" <<<"$(nsx pe1 ip -6 addr show dev wan0)" ||
		fail "host interface wan0 lacks $PE1_WAN: $(nsx pe1 ip addr show dev wan0)"
	host=$(rpc port.list | $PY -c '
import json, sys
for p in json.load(sys.stdin)["result"]:
    if p["name"] == "wan0":
        c = p["counters"]; print(c.get("host_to_kernel", 0), c.get("host_from_kernel", 0))')
	read -r to_k from_k <<<"$host"
	((to_k > 0 && from_k > 0)) || fail "host interface counters: to kernel $to_k, from kernel $from_k"
	log "BGP over srv6d's wan0 host interface: $to_k frames to the kernel, $from_k from it"
fi
t0=$(date +%s%N)
bgp_start_helper

section "import: FRR's VPN routes reach srv6d's VRF $VRF"
FRR_SID4=$(bgp_pe2_sid ipv4)
FRR_SID6=$(bgp_pe2_sid ipv6)
log "FRR SIDs: IPv4 $FRR_SID4, IPv6 $FRR_SID6 (sent transposed, behaviour 0xFFFF)"
want_routes="$CE2_NET4 $FRR_SID4
$CE2_NET6 $FRR_SID6"
wait_until '[[ "$(bgp_routes)" == "$want_routes" ]]' 30 0.1 ||
	fail "srv6d's BGP routes: '$(bgp_routes)', want '$want_routes'"
log "srv6d has FRR's routes $(($(($(date +%s%N) - t0)) / 1000000)) ms after srv6-bgp started"
ctl route list vrf "$VRF" >&2 || true

section "export: FRR installs encap seg6 routes toward our SID"
OUR_SID=$(bgp_our_sid)
[[ -n $OUR_SID ]] || fail "srv6-bgp allocated no End.DT46 SID: $(rpc sid.list)"
[[ $OUR_SID == ${PE1_LOC%::/64}:* ]] || fail "our SID $OUR_SID is not in locator $PE1_LOC"
wait_until "bgp_frr_has 4 $CE1_NET4 $OUR_SID && bgp_frr_has 6 $CE1_NET6 $OUR_SID" 30 0.1 ||
	fail "FRR's kernel: $(bgp_frr_route 4 "$CE1_NET4"); $(bgp_frr_route 6 "$CE1_NET6")"
bgp_frr_route 4 "$CE1_NET4" >&2
bgp_frr_route 6 "$CE1_NET6" >&2
# how our path looks in gobgpd (what FRR received): label 3 and the full SID,
# or (transpose) the function in the label and the locator in the SID field
ours=$(bgp_gobgp_paths vpnv4 | grep "^$CE1_NET4 rd $PE1_RD ")
log "our VPNv4 path: $ours"
if [[ $MODE == transpose ]]; then
	[[ $ours == *" label 16 "*" sid $OUR_SID field ${PE1_LOC%/64} "*"struct 48/16/16/0/16/64"* ]] ||
		fail "transposed path: $ours"
else
	[[ $ours == *" label 3 "*" sid $OUR_SID field $OUR_SID "*"behavior 20 struct 48/16/16/0/0/0"* ]] ||
		fail "path: $ours"
fi
bgp_wait_helper_synced 30
bgp_pe2_install_sids >&2

section "pings across the L3VPN, both ways, IPv4 and IPv6"
ping_warm ce1 "$CE2_V4"
ping_warm ce1 "$CE2_V6"
ping_ok ce1 "$CE2_V4" 5 0.2
ping_ok ce2 "$CE1_V4" 5 0.2
ping_ok ce1 "$CE2_V6" 5 0.2
ping_ok ce2 "$CE1_V6" 5 0.2
capture_stop wan
# the data path really is SRv6 toward each side's BGP-learnt SID
check_wire "$WORK/wan.pcap" --label "PE1 -> PE2 (srv6d, FRR's IPv4 SID)" --src "$PE1_WAN" \
	--dst "$FRR_SID4" --srh "$FRR_SID4" --payload 4 --inner-src "$CE1_V4" --inner-dst "$CE2_V4" \
	--min 5 || fail "wire format toward FRR's IPv4 SID"
check_wire "$WORK/wan.pcap" --label "PE2 -> PE1 (Linux, our End.DT46)" --src "$PE2_WAN" \
	--dst "$OUR_SID" --srh "$OUR_SID" --payload 41 --inner-src "$CE2_V6" --inner-dst "$CE1_V6" \
	--min 5 --select-inner || fail "wire format toward our SID"

section "withdraw on FRR: $CE2_NET4 leaves route.list, then comes back"
t0=$(date +%s%N)
bgp_frr_network del 4 "$CE2_NET4"
wait_until "! grep -q '^$CE2_NET4 ' <<<\"\$(bgp_routes)\"" 15 0.05 ||
	fail "$CE2_NET4 still in srv6d after FRR withdrew it: $(bgp_routes)"
log "withdrawn in srv6d after $((($(date +%s%N) - t0) / 1000000)) ms"
grep -q "^$CE2_NET6 $FRR_SID6\$" <<<"$(bgp_routes)" || fail "the IPv6 route went too: $(bgp_routes)"
t0=$(date +%s%N)
bgp_frr_network add 4 "$CE2_NET4"
wait_until '[[ "$(bgp_routes)" == "$want_routes" ]]' 15 0.05 ||
	fail "$CE2_NET4 not back after FRR re-announced it: $(bgp_routes)"
log "re-announced in srv6d after $((($(date +%s%N) - t0) / 1000000)) ms"
ping_ok ce1 "$CE2_V4" 3 0.2

section "route targets: FRR exports IPv6 with an RT no VRF of ours imports"
rej0=$(bgp_helper_get rejected.no_vrf)
bgp_frr_vtysh "configure terminal" "router bgp $BGP_AS" "address-family ipv6 unicast" \
	"rt vpn export 65513:999" "end" >/dev/null
wait_until "! grep -q '^$CE2_NET6 ' <<<\"\$(bgp_routes)\"" 15 0.05 ||
	fail "$CE2_NET6 still in srv6d with RT 65513:999: $(bgp_routes)"
[[ $(bgp_helper_get rejected.no_vrf) -gt $rej0 ]] || fail "no_vrf not counted: $(bgp_helper_get rejected)"
log "RT 65513:999: $CE2_NET6 left VRF $VRF, counted no_vrf ($(bgp_helper_get rejected.no_vrf))"
bgp_frr_vtysh "configure terminal" "router bgp $BGP_AS" "address-family ipv6 unicast" \
	"rt vpn export $BGP_RT" "end" >/dev/null
wait_until '[[ "$(bgp_routes)" == "$want_routes" ]]' 15 0.05 ||
	fail "$CE2_NET6 not back with RT $BGP_RT: $(bgp_routes)"
ping_ok ce1 "$CE2_V6" 3 0.2

section "a route added on our side appears on FRR, and goes"
EXTRA4=10.99.0.0/24
rpc_ok route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA4\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"$CE1_V4\", \"port\": \"ce0\"}]}" >/dev/null
wait_until "bgp_frr_has 4 $EXTRA4 $OUR_SID" 15 0.05 ||
	fail "FRR did not install $EXTRA4: $(bgp_frr_route 4 $EXTRA4)"
log "FRR installed $EXTRA4: $(bgp_frr_route 4 $EXTRA4)"
rpc_ok route.del "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA4\"}" >/dev/null
wait_until "[[ -z \$(bgp_frr_route 4 $EXTRA4) ]]" 15 0.05 ||
	fail "FRR still has $EXTRA4 after route.del: $(bgp_frr_route 4 $EXTRA4)"
log "FRR removed $EXTRA4"

section "a route removed while srv6-bgp is down is withdrawn when it starts (leftover)"
EXTRA6=2001:db8:99::/64
rpc_ok route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA6\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"$CE1_V6\", \"port\": \"ce0\"}]}" >/dev/null
wait_until "bgp_frr_has 6 $EXTRA6 $OUR_SID" 15 0.05 || fail "FRR did not install $EXTRA6"
bgp_stop_helper
rpc_ok route.del "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA6\"}" >/dev/null
bgp_frr_has 6 "$EXTRA6" "$OUR_SID" || fail "FRR lost $EXTRA6 while the helper was down"
bgp_start_helper
wait_until "[[ -z \$(bgp_frr_route 6 $EXTRA6) ]]" 15 0.05 ||
	fail "FRR still has $EXTRA6 after the helper restarted: $(bgp_frr_route 6 $EXTRA6)"
[[ $(bgp_helper_get export.leftovers_withdrawn) -ge 1 ]] ||
	fail "leftover not counted: $(bgp_helper_get export)"
log "leftover $EXTRA6 withdrawn after the restart: $(bgp_helper_get export)"
bgp_wait_helper_synced 20

section "restart srv6-bgp, then gobgpd, during a steady ping: no loss"
N=900 # 0.02 s apart: 18 s
ping_flood_start flood4 ce1 "$CE2_V4" $N 0.02
ping_flood_start flood6 ce2 "$CE1_V6" $N 0.02
sleep 1
bgp_stop_helper
sleep 1
bgp_start_helper
bgp_wait_helper_synced 20
log "srv6-bgp resynced: $(bgp_helper_get sessions)"
[[ "$(bgp_routes)" == "$want_routes" ]] || fail "routes after the helper restart: $(bgp_routes)"
bgp_stop_gobgpd
sleep 1
bgp_start_gobgpd
bgp_wait_established 30
bgp_wait_helper_synced 30
log "after the gobgpd restart: $(bgp_helper_get import)"
[[ "$(bgp_routes)" == "$want_routes" ]] || fail "routes after the gobgpd restart: $(bgp_routes)"
bgp_frr_has 4 "$CE1_NET4" "$OUR_SID" || fail "FRR lost our route: $(bgp_frr_route 4 "$CE1_NET4")"
ping_flood_check flood4
ping_flood_check flood6

section "srv6d restarts from its saved configuration with every route"
rpc_ok config.save "{\"file\": \"$WORK/saved.json\"}" >/dev/null
before=$(bgp_routes)
stop_srv6d
start_srv6d pe1 "$WORK/saved.json"
after=$(bgp_routes)
[[ $after == "$before" ]] || fail "routes after the srv6d restart: '$after', before '$before'"
[[ $(bgp_our_sid) == "$OUR_SID" ]] || fail "our SID after the restart: $(bgp_our_sid)"
# over the WAN port the session went down with srv6d's host interface
[[ $BGP_LINK == wan ]] && bgp_wait_established 60
wait_until '[[ $(bgp_helper_get sessions.srv6d_connects) -ge 2 ]]' 15 0.2 ||
	fail "srv6-bgp did not reconnect to srv6d"
bgp_wait_helper_synced 20
[[ "$(bgp_routes)" == "$want_routes" ]] || fail "routes after the resync: $(bgp_routes)"
ping_warm ce1 "$CE2_V4"
ping_ok ce1 "$CE2_V4" 3 0.2
ping_ok ce2 "$CE1_V6" 3 0.2

section "gobgpd gone for longer than the graceful-restart time: learnt routes flushed"
bgp_stop_helper
SRV6BGP_ARGS="$SRV6BGP_ARGS --gr-time 4"
bgp_start_helper
bgp_wait_helper_synced 20
bgp_stop_gobgpd
sleep 2
[[ "$(bgp_routes)" == "$want_routes" ]] || fail "routes gone before the GR time: $(bgp_routes)"
t0=$(date +%s%N)
wait_until '[[ -z "$(bgp_routes)" ]]' 10 0.1 || fail "routes not flushed after the GR time: $(bgp_routes)"
log "flushed $((($(date +%s%N) - t0) / 1000000 + 2000)) ms after gobgpd stopped (--gr-time 4)"
[[ $(bgp_helper_get import.gr_flushes) == 1 ]] || fail "gr_flushes: $(bgp_helper_get import)"
bgp_start_gobgpd
bgp_wait_established 30
bgp_wait_helper_synced 30
wait_until '[[ "$(bgp_routes)" == "$want_routes" ]]' 15 0.1 ||
	fail "routes not back with gobgpd: $(bgp_routes)"
ping_ok ce1 "$CE2_V4" 3 0.2

section "srv6-bgp counters"
bgp_helper_stats >&2
# the RT test's no_vrf aside, nothing FRR sent was refused (counters restart
# with the helper: this is the helper started last)
rej=$(bgp_helper_get rejected | $PY -c 'import json,sys; r=json.load(sys.stdin); r.pop("no_vrf"); print(sum(r.values()))')
[[ $rej == 0 ]] || fail "srv6-bgp refused $rej paths from FRR: $(bgp_helper_get rejected)"
[[ $(bgp_helper_get import.route_errors) == 0 ]] || fail "srv6d refused route requests"
bgp_stop_helper
stop_srv6d
log "PASS"
