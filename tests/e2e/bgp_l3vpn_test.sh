#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Seed 000 with BGP: srv6d + gobgpd + srv6-bgp on PE1, FRR 8.4 (zebra + bgpd)
# with the Linux kernel on PE2. FRR learns our VRF prefixes with our SID; we
# learn FRR's (transposed) SIDs and install them; CE1 reaches CE2. Then: a
# prefix withdrawn on FRR leaves route.list and comes back; an RT no VRF of
# ours imports is counted; a route added on our side appears on FRR and goes;
# one removed while srv6-bgp is down is withdrawn when it starts; srv6-bgp and
# then gobgpd restart during a steady ping without losing one (and srv6d's
# routes never leave); srv6d restarts from its saved config with every route;
# srv6d killed with SIGKILL under traffic and restarted as its systemd unit
# would (RestartSec later, from the saved file): routes back, srv6-bgp
# resynced, forwarding back within 5 s (measured at CE2 and printed);
# with gobgpd gone past the graceful-restart time the learnt routes go.
#   bgp_l3vpn_test.sh [plain|transpose] [none|kernel]
# plain|transpose: transpose runs srv6-bgp --transpose, our SID's function
#   bits ride in the label as FRR sends its own.
# none|kernel: how much of PE2's kernel takes part.
#   none    any kernel: FRR's side is checked in its RIBs (bgpd's VPN path
#           with our SID, rebuilt from the label when transposed, and zebra's
#           selected route with that SID as seg6 next hop); the data plane
#           one way: FRR's SIDs are local addresses of PE2 with seg6_enabled,
#           so PE2's built-in SRH processing decapsulates our H.Encaps and
#           routes the inner packet to CE2, where a capture counts the echo
#           requests; PE2 drops CE2's replies (it cannot encapsulate toward
#           us without seg6 lwtunnel)
#   kernel  needs seg6 lwtunnel and seg6local (CONFIG_IPV6_SEG6_LWTUNNEL,
#           else exit 77): all of the above, plus FRR's encap seg6 routes in
#           PE2's kernel, its SIDs as seg6local End.DX4/DX6, and pings both
#           ways, steady pings both ways through the restarts
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/bgp_topo.sh"
. "$E2E_DIR/bgp_lib.sh"
MODE=${1:-plain}
DP=${2:-none}
case $MODE in
plain) ;;
transpose) SRV6BGP_ARGS="$SRV6BGP_ARGS --transpose" ;;
*) echo "usage: $0 [plain|transpose] [none|kernel]" >&2; exit 2 ;;
esac
case $DP in
none) BGP_FRR_FIB=rib BGP_PE2_SID_MODE=local ;;
kernel)
	E2E_NAME="bgp_l3vpn_${MODE}_$DP"
	kernel_require seg6_lwt seg6local
	BGP_FRR_FIB=kernel BGP_PE2_SID_MODE=seg6local
	;;
*) echo "usage: $0 [plain|transpose] [none|kernel]" >&2; exit 2 ;;
esac
e2e_init "bgp_l3vpn_${MODE}_$DP"
bgp_require_tools
bgp_require_helper

# frr_has 4|6 PREFIX SID: FRR has our route for PREFIX toward SID in its RIBs
# (bgpd and zebra), and with DP=kernel in PE2's kernel too
frr_has() {
	bgp_frr_rib_has "$@" || return 1
	[[ $DP == none ]] || bgp_frr_kernel_has "$@"
}

# fwd_warm DST / fwd_ping DST N: CE1 -> DST on CE2; both ways (ping_ok) with
# DP=kernel, every echo request counted at CE2 with DP=none
fwd_warm() {
	if [[ $DP == kernel ]]; then ping_warm ce1 "$1"; else bgp_oneway_warm ce1 "$1"; fi
}
fwd_ping() {
	if [[ $DP == kernel ]]; then ping_ok ce1 "$1" "$2" 0.2; else bgp_ping_oneway ce1 "$1" "$2" 0.2; fi
}

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

section "export: FRR learns our VPN routes with our SID"
OUR_SID=$(bgp_our_sid)
[[ -n $OUR_SID ]] || fail "srv6-bgp allocated no End.DT46 SID: $(rpc sid.list)"
[[ $OUR_SID == ${PE1_LOC%::/64}:* ]] || fail "our SID $OUR_SID is not in locator $PE1_LOC"
wait_until "frr_has 4 $CE1_NET4 $OUR_SID && frr_has 6 $CE1_NET6 $OUR_SID" 30 0.1 ||
	fail "FRR: $(bgp_frr_show 4 "$CE1_NET4"); $(bgp_frr_show 6 "$CE1_NET6")"
log "FRR $CE1_NET4: $(bgp_frr_show 4 "$CE1_NET4")"
log "FRR $CE1_NET6: $(bgp_frr_show 6 "$CE1_NET6")"
# what bgpd received (its JSON: remoteSid = the SID field, remoteLabel): the
# full SID with label 3, or (transpose) the locator with the function in the
# label; zebra's seg6 next hop (FRR's own rebuild) is our SID either way
for f in 4 6; do
	net=$CE1_NET4
	[[ $f == 6 ]] && net=$CE1_NET6
	frr=$(bgp_frr_bgp_path $f "$net")
	[[ $frr == *" rt "*"RT:$BGP_RT"* ]] || fail "FRR's path for $net lacks RT:$BGP_RT: $frr"
	if [[ $MODE == transpose ]]; then
		[[ $frr == "label 16 field ${PE1_LOC%/64} sid $OUR_SID "* ]] || fail "FRR's transposed path for $net: $frr"
	else
		[[ $frr == "label 3 field $OUR_SID sid $OUR_SID "* ]] || fail "FRR's path for $net: $frr"
	fi
done
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
[[ $DP == none ]] && bgp_pe2_drop_replies
bgp_pe2_install_sids >&2

if [[ $DP == kernel ]]; then
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
else
	section "pings CE1 -> CE2, IPv4 and IPv6, one way (PE2's built-in SRH decap)"
	log "skipped (variant none): CE2 -> CE1 pings, PE2's encapsulation toward our SID and FRR's routes" \
		"in PE2's kernel need seg6 lwtunnel (CONFIG_IPV6_SEG6_LWTUNNEL: this kernel" \
		"$(kernel_has seg6_lwt && echo has it || echo lacks it)); variant kernel runs them"
	bgp_oneway_warm ce1 "$CE2_V4"
	bgp_oneway_warm ce1 "$CE2_V6"
	bgp_ping_oneway ce1 "$CE2_V4" 5 0.2
	bgp_ping_oneway ce1 "$CE2_V6" 5 0.2
	capture_stop wan
	# srv6d's H.Encaps toward FRR's SIDs, as PE2's kernel took them
	check_wire "$WORK/wan.pcap" --label "PE1 -> PE2 (srv6d, FRR's IPv4 SID)" --src "$PE1_WAN" \
		--dst "$FRR_SID4" --srh "$FRR_SID4" --payload 4 --inner-src "$CE1_V4" --inner-dst "$CE2_V4" \
		--icmp request --min 5 || fail "wire format toward FRR's IPv4 SID"
	check_wire "$WORK/wan.pcap" --label "PE1 -> PE2 (srv6d, FRR's IPv6 SID)" --src "$PE1_WAN" \
		--dst "$FRR_SID6" --srh "$FRR_SID6" --payload 41 --inner-src "$CE1_V6" --inner-dst "$CE2_V6" \
		--icmp request --min 5 || fail "wire format toward FRR's IPv6 SID"
fi

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
fwd_ping "$CE2_V4" 3

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
fwd_ping "$CE2_V6" 3

section "a route added on our side appears on FRR, and goes"
EXTRA4=10.99.0.0/24
rpc_ok route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA4\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"$CE1_V4\", \"port\": \"ce0\"}]}" >/dev/null
wait_until "frr_has 4 $EXTRA4 $OUR_SID" 15 0.05 ||
	fail "FRR did not get $EXTRA4: $(bgp_frr_show 4 $EXTRA4)"
log "FRR has $EXTRA4: $(bgp_frr_show 4 $EXTRA4)"
rpc_ok route.del "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA4\"}" >/dev/null
wait_until "bgp_frr_gone 4 $EXTRA4" 15 0.05 ||
	fail "FRR still has $EXTRA4 after route.del: $(bgp_frr_show 4 $EXTRA4)"
log "FRR removed $EXTRA4"

section "a route removed while srv6-bgp is down is withdrawn when it starts (leftover)"
EXTRA6=2001:db8:99::/64
rpc_ok route.add "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA6\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"$CE1_V6\", \"port\": \"ce0\"}]}" >/dev/null
wait_until "frr_has 6 $EXTRA6 $OUR_SID" 15 0.05 || fail "FRR did not get $EXTRA6: $(bgp_frr_show 6 $EXTRA6)"
bgp_stop_helper
rpc_ok route.del "{\"vrf\": \"$VRF\", \"prefix\": \"$EXTRA6\"}" >/dev/null
frr_has 6 "$EXTRA6" "$OUR_SID" || fail "FRR lost $EXTRA6 while the helper was down"
bgp_start_helper
wait_until "bgp_frr_gone 6 $EXTRA6" 15 0.05 ||
	fail "FRR still has $EXTRA6 after the helper restarted: $(bgp_frr_show 6 $EXTRA6)"
[[ $(bgp_helper_get export.leftovers_withdrawn) -ge 1 ]] ||
	fail "leftover not counted: $(bgp_helper_get export)"
log "leftover $EXTRA6 withdrawn after the restart: $(bgp_helper_get export)"
bgp_wait_helper_synced 20

section "restart srv6-bgp, then gobgpd, during a steady ping: no loss"
N=900 # 0.02 s apart: 18 s
if [[ $DP == kernel ]]; then
	ping_flood_start flood4 ce1 "$CE2_V4" $N 0.02
	ping_flood_start flood6 ce2 "$CE1_V6" $N 0.02
else
	# one way: every echo request of both floods must reach CE2
	bgp_ce2_capture_start flood
	ping_flood_start flood4 ce1 "$CE2_V4" $N 0.02
	ping_flood_start flood6 ce1 "$CE2_V6" $N 0.02
fi
# and srv6d's FIB keeps FRR's routes throughout
bgp_routes_watch_start routes-watch
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
frr_has 4 "$CE1_NET4" "$OUR_SID" || fail "FRR lost our route: $(bgp_frr_show 4 "$CE1_NET4")"
if [[ $DP == kernel ]]; then
	bgp_routes_watch_check routes-watch "$want_routes"
	ping_flood_check flood4
	ping_flood_check flood6
else
	bg_wait flood4 || true # no replies: ping's own verdict is 100% loss
	bg_wait flood6 || true
	bgp_routes_watch_check routes-watch "$want_routes"
	capture_stop flood
	for f in 4 6; do
		dst=$CE2_V4 src=$CE1_V4
		[[ $f == 6 ]] && dst=$CE2_V6 src=$CE1_V6
		got=$(bgp_echo_count "$WORK/flood.pcap" $f "$src" "$dst") ||
			fail "flood$f: echo requests with bad checksums at CE2"
		[[ $got == "$N" ]] || fail "flood$f: $got of $N echo requests $src -> $dst reached CE2"
		log "flood$f: all $got of $N echo requests $src -> $dst reached CE2 through the restarts"
	done
fi

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
wait_until "frr_has 4 $CE1_NET4 $OUR_SID && frr_has 6 $CE1_NET6 $OUR_SID" 30 0.1 ||
	fail "FRR after the srv6d restart: $(bgp_frr_show 4 "$CE1_NET4"); $(bgp_frr_show 6 "$CE1_NET6")"
fwd_warm "$CE2_V4"
fwd_ping "$CE2_V4" 3
if [[ $DP == kernel ]]; then
	ping_ok ce2 "$CE1_V6" 3 0.2
else
	fwd_ping "$CE2_V6" 3
fi

section "kill -9 under traffic: restarted as systemd would, routes back, forwarding within 5 s"
# What conf/systemd/srv6d.service does after a crash: start again RestartSec
# later from the file config.save writes. srv6-bgp reconnects and resyncs.
unit=$E2E_DIR/../../conf/systemd/srv6d.service.in
restart_s=$(sed -n 's/^RestartSec=//p' "$unit")
grep -Eq '^Restart=(always|on-failure)' "$unit" && [[ $restart_s =~ ^[0-9.]+$ ]] ||
	fail "$unit: no Restart=on-failure / RestartSec="
rpc_ok config.save "{\"file\": \"$WORK/saved.json\"}" >/dev/null
before=$(bgp_routes)
connects=$(bgp_helper_get sessions.srv6d_connects)
N=1000 # 0.01 s apart: 10 s, the crash 2 s in
bgp_ce2_capture_start crash
ping_flood_start crash4 ce1 "$CE2_V4" $N 0.01
sleep 2
pid=${E2E_BG[srv6d]}
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
_forget_pid "$pid"
unset "E2E_BG[srv6d]"
t_kill=$(date +%s.%N)
log "srv6d (pid $pid) killed with SIGKILL; restart in $restart_s s ($unit)"
sleep "$restart_s"
start_srv6d pe1 "$WORK/saved.json"
t_up=$(date +%s.%N)
wait_until "[[ \$(bgp_helper_get sessions.srv6d_connects) -gt $connects ]]" 15 0.1 ||
	fail "srv6-bgp did not reconnect to the restarted srv6d"
t_conn=$(date +%s.%N)
bgp_wait_helper_synced 20
t_sync=$(date +%s.%N)
bg_wait crash4 || true # ping's verdict counts the echo requests lost in the outage
capture_stop crash
[[ "$(bgp_routes)" == "$want_routes" ]] || fail "routes after the crash: $(bgp_routes)"
[[ "$before" == "$want_routes" ]] || fail "routes before the crash: $before"
# The outage as CE2 saw it: the longest gap between echo requests arriving.
read -r got gap < <(tshark -r "$WORK/crash.pcap" -n -Y "icmp.type == 8 && ip.dst == $CE2_V4" \
	-T fields -e frame.time_epoch 2>/dev/null | $PY -c '
import sys
t = sorted(float(x) for x in sys.stdin if x.strip())
print(len(t), round(max((b - a for a, b in zip(t, t[1:])), default=99), 2))')
log "kill -9: $($PY -c 'import sys; k, u, c, s, r = map(float, sys.argv[1:])
print(f"srv6d answered again {u - k:.2f} s after the kill (RestartSec {r:g}), srv6-bgp "
      f"reconnected at {c - k:.2f} s and resynced at {s - k:.2f} s")' \
	"$t_kill" "$t_up" "$t_conn" "$t_sync" "$restart_s")"
log "kill -9: forwarding CE1 -> CE2 stopped for $gap s ($got of $N echo requests reached CE2); every route back: $(bgp_routes | wc -l) routes"
awk -v g="$gap" 'BEGIN { exit !(g <= 5) }' || fail "forwarding was out for $gap s after kill -9 (at most 5)"
[[ $got -gt $((N / 2)) ]] || fail "only $got of $N echo requests reached CE2 around the crash"
[[ $BGP_LINK == wan ]] && bgp_wait_established 60
wait_until "frr_has 4 $CE1_NET4 $OUR_SID && frr_has 6 $CE1_NET6 $OUR_SID" 60 0.2 ||
	fail "FRR after the crash: $(bgp_frr_show 4 "$CE1_NET4"); $(bgp_frr_show 6 "$CE1_NET6")"

section "gobgpd gone for longer than the graceful-restart time: learnt routes flushed"
# BGP_TEST_GR_S: the helper's --gr-time here (default 4 s); the routes must
# still be there at half of it and gone soon after it. A slow machine (the
# emulated CPU of tools/seg6-vm.sh) needs more than 4 s for the check itself.
GR_S=${BGP_TEST_GR_S:-4}
bgp_stop_helper
SRV6BGP_ARGS="$SRV6BGP_ARGS --gr-time $GR_S"
bgp_start_helper
bgp_wait_helper_synced 20
bgp_stop_gobgpd
t_stop=$(date +%s%N)
sleep $((GR_S / 2))
mid=$(bgp_routes)
(($(date +%s%N) - t_stop < GR_S * 1000000000)) ||
	fail "the check took past the GR time ($GR_S s): set BGP_TEST_GR_S higher on this machine"
[[ $mid == "$want_routes" ]] || fail "routes gone before the GR time: $mid"
wait_until '[[ -z "$(bgp_routes)" ]]' $((GR_S + 10)) 0.1 || fail "routes not flushed after the GR time: $(bgp_routes)"
log "flushed $((($(date +%s%N) - t_stop) / 1000000)) ms after gobgpd stopped (--gr-time $GR_S)"
[[ $(bgp_helper_get import.gr_flushes) == 1 ]] || fail "gr_flushes: $(bgp_helper_get import)"
bgp_start_gobgpd
bgp_wait_established 30
bgp_wait_helper_synced 30
wait_until '[[ "$(bgp_routes)" == "$want_routes" ]]' 15 0.1 ||
	fail "routes not back with gobgpd: $(bgp_routes)"
fwd_ping "$CE2_V4" 3

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
