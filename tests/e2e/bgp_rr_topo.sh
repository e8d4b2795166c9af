# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Two srv6d PEs through an FRR 8.4 route reflector: seed 000 with the
# Internet in the middle. Source it after lib.sh, bgp_topo.sh and bgp_lib.sh
# (their addressing, AS, password, RDs, RT and locator name are reused):
#
#   CE1 ---- PE1 ========== P ========== PE2 ---- CE2
#            srv6d          Linux router  srv6d
#            gobgpd         FRR bgpd (RR) gobgpd
#            srv6-bgp       zebra         srv6-bgp
#
#   CE1 172.16.10.2 / 2001:db8:1::2      CE2 172.16.20.2 / 2001:db8:2::2
#   PE1 ce0 172.16.10.1 / 2001:db8:1::1  PE2 ce0 172.16.20.1 / 2001:db8:2::1
#   PE1 wan0 2001:db8:0:12::1  --  P 2001:db8:0:12::2 (veth-p-pe1)
#   PE2 wan0 2001:db8:0:23::2  --  P 2001:db8:0:23::1 (veth-p-pe2)
#   RR 2001:db8:0:ee::1 on P's lo; PE1 locator 2a0e:97c0:ae6:1001::/64,
#   PE2 locator 2a0e:97c0:ae6:2001::/64, both routed by P.
#
# Each PE is srv6d (ports ce0 in VRF L3VPN-1 and wan0 in the default VRF,
# wan0 with a host interface, so that gobgpd's TCP session rides on the port
# srv6d forwards on, as in seed 000), gobgpd peering with the RR only
# (conf/gobgp/rr-client.toml) and srv6-bgp. P is a plain kernel router (the
# "Internet") that also runs FRR's bgpd as the iBGP route reflector
# (conf/frr/rr-bgpd.conf, zebra for next-hop tracking). Nothing here needs the
# kernel's seg6 lwtunnel: the SRv6 data plane is srv6d on both ends, P only
# forwards IPv6.
#
# The srv6d instances are lib.sh's named instances (start_srv6d_named: pe1 and
# pe2, sockets $WORK/srv6d-pe{1,2}/srv6d.sock); per PE: gobgpd API
# 127.0.0.1:5005{1,2} inside its namespace, logs $WORK/{pe1,pe2}-gobgpd.log and
# $WORK/srv6-bgp-{pe1,pe2}.log. Every process is started with bg_start
# (PID-tracked, killed by the EXIT trap); call the start/stop functions from
# the test's own shell, not from a $(...) subshell.

# ---- addressing (PE1's side keeps topo.sh's WAN link, P takes PE2's place there)
RR_P_WAN1=2001:db8:0:12::2      # P on PE1's WAN link
RR_PE2_WAN=2001:db8:0:23::2     # PE2's WAN address (its wan0 port)
RR_P_WAN2=2001:db8:0:23::1      # P on PE2's WAN link
RR_ADDR=2001:db8:0:ee::1        # the route reflector, on P's lo
RR_RID=10.255.0.1

declare -A RR_WAN=([pe1]=$PE1_WAN [pe2]=$RR_PE2_WAN)     # PE's WAN address = BGP address
declare -A RR_GW=([pe1]=$RR_P_WAN1 [pe2]=$RR_P_WAN2)     # P, the PE's next hop
declare -A RR_LOC=([pe1]=$PE1_LOC [pe2]=$PE2_LOC)
declare -A RR_RIDS=([pe1]=$PE1_RID [pe2]=$PE2_RID)
declare -A RR_RDS=([pe1]=$PE1_RD [pe2]=$PE2_RD)
declare -A RR_CE_V4=([pe1]=$PE1_CE_V4 [pe2]=$PE2_CE_V4)  # the PE's customer port
declare -A RR_CE_V6=([pe1]=$PE1_CE_V6 [pe2]=$PE2_CE_V6)
declare -A RR_NET4=([pe1]=$CE1_NET4 [pe2]=$CE2_NET4)     # the PE's customer nets
declare -A RR_NET6=([pe1]=$CE1_NET6 [pe2]=$CE2_NET6)
declare -A RR_OTHER=([pe1]=pe2 [pe2]=pe1)
declare -A RR_API_PORT=([pe1]=50051 [pe2]=50052)         # gobgpd gRPC, own loopback
RR_FRR_DIR=                     # $WORK/frr-rr: configs, pid files, zserv and vty sockets
# srv6-bgp's --settle here. After it (re)connects to gobgpd, srv6-bgp sweeps
# the learnt paths not seen again once every peer is Established and the
# table has been quiet for this long, counted from the session's
# establishment (FRR sends its table about a second after it). srv6-bgp
# counted from its own connect before: the RR is passive and a restarted
# gobgpd connects 5-9 s after it starts, so a shorter settle swept the paths
# before the RR resent them (measured: 48 pings lost). srv6-bgp's default.
RR_SETTLE_MS=${RR_SETTLE_MS:-2000}

# rr_require_tools: skip (77) without FRR, GoBGP or srv6-bgp
rr_require_tools() {
	bgp_require_tools
	bgp_require_helper
	[[ $PE1_IMPL == srv6d ]] || skip "the route-reflector topology runs srv6d on both PEs (PE1_IMPL=$PE1_IMPL)"
}

# rr_trap: on failure, the last lines of each PE's srv6d and srv6-bgp logs
# before lib.sh's cleanup (which only knows the unnamed srv6d's log)
rr_trap() {
	local rc=$? f
	set +e # (exit rc) below must not end the trap before the cleanup
	if [[ $rc != 0 && $rc != 77 && -n $WORK ]]; then
		for f in "$WORK"/srv6d-pe?.log "$WORK"/srv6-bgp-pe?.log "$WORK"/pe?-gobgpd.log "$WORK"/rr-bgpd.log; do
			[[ -f $f ]] || continue
			echo "----- ${f##*/} (last 25 lines) -----" >&2
			tail -n 25 "$f" >&2
		done
	fi
	(exit "$rc") # e2e_cleanup reads the exit status from $?
	e2e_cleanup
}

# ---------------------------------------------------------------- namespaces

# rr_hosts_up: CE1, PE1, P, PE2, CE2, the four links, the CEs as plain hosts
rr_hosts_up() {
	local n
	for n in ce1 pe1 p pe2 ce2; do ns_add "$n"; done
	veth_add ce1 veth-ce1 pe1 veth-pe1-ce
	veth_add pe1 veth-pe1-wan p veth-p-pe1
	veth_add p veth-p-pe2 pe2 veth-pe2-wan
	veth_add pe2 veth-pe2-ce ce2 veth-ce2
	ifaddr ce1 veth-ce1 "$CE1_V4/24" "$CE1_V6/64"
	nsx ce1 ip route add default via "$PE1_CE_V4"
	nsx ce1 ip -6 route add default via "$PE1_CE_V6"
	ifaddr ce2 veth-ce2 "$CE2_V4/24" "$CE2_V6/64"
	nsx ce2 ip route add default via "$PE2_CE_V4"
	nsx ce2 ip -6 route add default via "$PE2_CE_V6"
	# srv6d owns both ports of each PE
	for n in pe1 pe2; do
		kernel_quiet "$n" "veth-$n-ce"
		kernel_quiet "$n" "veth-$n-wan"
	done
}

# rr_p_up: P as a plain IPv6 router between the two WAN links, with the RR's
# address on lo and a route to each PE's locator (no SRv6 at all)
rr_p_up() {
	router_sysctls p
	ifaddr p veth-p-pe1 "$RR_P_WAN1/64"
	ifaddr p veth-p-pe2 "$RR_P_WAN2/64"
	ifaddr p lo "$RR_ADDR/128"
	nsx p ip -6 route add "$PE1_LOC" via "$PE1_WAN" dev veth-p-pe1
	nsx p ip -6 route add "$PE2_LOC" via "$RR_PE2_WAN" dev veth-p-pe2
}

# ---------------------------------------------------------------- PEs: srv6d

# rr_srv6d_config PE FILE [ROUTES [MEMBERS]]: srv6d for PE (pe1|pe2) as
# bgp_srv6d_config does for PE1: no VPN route and no SID (srv6-bgp installs
# and allocates them), the WAN port with host interface wan0, the underlay
# routes to the other PE's locator and to the RR via P. ROUTES replaces the
# route lines before the RR's (each a JSON object and a comma, one per line;
# ipsec_mesh_topo.sh: every other locator); MEMBERS adds top-level members
# ("key": value, e.g. the PE's IPsec SAs).
rr_srv6d_config() {
	local pe=$1 f=$2 routes=${3:-} members=${4:-}
	if [[ -z $routes ]]; then
		routes="    {\"vrf\": \"default\", \"prefix\": \"${RR_LOC[${RR_OTHER[$pe]}]}\",
     \"nexthops\": [{\"type\": \"ip\", \"via\": \"${RR_GW[$pe]}\", \"port\": \"wan0\"}]},
"
	fi
	cat >"$f" <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-$pe-ce", "vrf": "$VRF",
     "addresses": ["${RR_CE_V4[$pe]}/24", "${RR_CE_V6[$pe]}/64"]},
    {"name": "wan0", "device": "net_af_packet1,iface=veth-$pe-wan", "vrf": "default",
     "addresses": ["${RR_WAN[$pe]}/64"], "host_if": "wan0"}
  ],
  "encap": {"source": "${RR_WAN[$pe]}", "hop_limit": 64},
  "locators": [{"name": "$BGP_LOCATOR", "prefix": "${RR_LOC[$pe]}",
                "block_len": 48, "node_len": 16, "func_len": 16, "usid": false}],
  "vrfs": [{"name": "$VRF", "table": $VRF_TABLE, "rd": "${RR_RDS[$pe]}",
            "import_rt": ["$BGP_RT"], "export_rt": ["$BGP_RT"]}],
  "routes": [
$routes    {"vrf": "default", "prefix": "$RR_ADDR/128",
     "nexthops": [{"type": "ip", "via": "${RR_GW[$pe]}", "port": "wan0"}]}
  ]${members:+,
  $members}
}
EOF
}

# rr_pe_kernel PE: the PE kernel's route to the RR through P on the host
# interface wan0 (srv6d creates the TAP when it starts, and it goes with
# srv6d: call this after every start)
rr_pe_kernel() {
	local pe=$1
	# (grep on a captured output, not at the end of a pipe: see bgp_l3vpn_test.sh)
	wait_until "grep -q '${RR_WAN[$pe]}/64' <<<\"\$(nsx $pe ip -6 addr show dev wan0)\"" 20 0.1 ||
		fail "$pe: host interface wan0 has no ${RR_WAN[$pe]}: $(nsx "$pe" ip addr 2>&1)"
	nsx "$pe" ip -6 route replace "$RR_ADDR/128" via "${RR_GW[$pe]}" dev wan0
}

# rr_start_srv6d PE [CONFIG]: srv6d instance PE in namespace PE (config
# default: $WORK/PE.json, written by rr_srv6d_config), then the kernel route
rr_start_srv6d() {
	local pe=$1 cfg=${2:-$WORK/$1.json}
	[[ -f $cfg ]] || rr_srv6d_config "$pe" "$cfg"
	start_srv6d_named "$pe" "$pe" "$cfg"
	rr_pe_kernel "$pe"
}

# rr_srv6d_stats PE: stats.get of PE's srv6d (JSON result)
rr_srv6d_stats() {
	rpc_on "$1" stats.get | $PY -c 'import json,sys; print(json.dumps(json.load(sys.stdin).get("result", {})))'
}

# ---------------------------------------------------------------- PEs: gobgpd

# rr_gobgp_render PE FILE [TEMPLATE]: conf/gobgp/TEMPLATE (default
# rr-client.toml) for PE
rr_gobgp_render() {
	sed -e "s|@AS@|$BGP_AS|g" -e "s|@ROUTER_ID@|${RR_RIDS[$1]}|g" -e "s|@RR@|$RR_ADDR|g" \
		-e "s|@LOCAL@|${RR_WAN[$1]}|g" -e "s|@PASSWORD@|$BGP_PASSWORD|g" \
		"$REPO_ROOT/conf/gobgp/${3:-rr-client.toml}" >"$2"
	! grep -v '^#' "$2" | grep -n '@[A-Z0-9_]*@' || fail "unfilled placeholder in $2"
}

# rr_gobgp PE ARGS...: the gobgp CLI against PE's gobgpd
rr_gobgp() {
	local pe=$1
	shift
	nsx "$pe" "$GOBGP" -u 127.0.0.1 -p "${RR_API_PORT[$pe]}" "$@"
}

# rr_start_gobgpd PE: gobgpd in PE (log $WORK/PE-gobgpd.log); returns when its
# API answers. Restartable after rr_stop_gobgpd.
rr_start_gobgpd() {
	local pe=$1 conf=$WORK/gobgpd-$1.toml pid
	[[ -z ${E2E_BG[$pe-gobgpd]:-} ]] || fail "gobgpd $pe already running"
	[[ -f $conf ]] || rr_gobgp_render "$pe" "$conf"
	bg_start "$pe-gobgpd" "$pe" "$GOBGPD" -f "$conf" --api-hosts "127.0.0.1:${RR_API_PORT[$pe]}" \
		--log-plain --log-level info --pprof-disable
	pid=${E2E_BG[$pe-gobgpd]}
	wait_until "! kill -0 $pid || rr_gobgp $pe global" 30 0.2 ||
		fail "gobgpd $pe: API did not answer in 30 s: $(tail -5 "$WORK/$pe-gobgpd.log")"
	kill -0 "$pid" 2>/dev/null || fail "gobgpd $pe exited: $(tail -5 "$WORK/$pe-gobgpd.log")"
	log "gobgpd started in $pe, pid $pid, API 127.0.0.1:${RR_API_PORT[$pe]}"
}

# rr_stop_gobgpd PE: SIGTERM, waits for the exit
rr_stop_gobgpd() {
	local rc=0
	bg_stop "$1-gobgpd" TERM 10 || rc=$?
	log "gobgpd $1 stopped (exit $rc)"
}

# rr_gobgp_state PE: PE's gobgpd session state with the RR ("established")
rr_gobgp_state() {
	rr_gobgp "$1" -j neighbor "$RR_ADDR" 2>/dev/null | $PY -c '
import json, sys
s = json.load(sys.stdin).get("state", {}).get("session_state", 0)
names = {1: "idle", 2: "connect", 3: "active", 4: "opensent", 5: "openconfirm", 6: "established"}
print(names.get(s, s) if isinstance(s, int) else str(s).lower())'
}

# rr_gobgp_paths PE FAMILY [RIB ARGS]: bgp_gobgp_paths (bgp_topo.sh's decoder,
# SID rebuilt from the label) on PE's gobgpd
rr_gobgp_paths() {
	local pe=$1
	shift
	(
		bgp_gobgp() { rr_gobgp "$pe" "$@"; }
		bgp_gobgp_paths "$@"
	)
}

# ---------------------------------------------------------------- P: FRR route reflector

# rr_frr_render TEMPLATE OUT: conf/frr/TEMPLATE with the RR's values
rr_frr_render() {
	sed -e "s|@HOSTNAME@|rr|g" -e "s|@AS@|$BGP_AS|g" -e "s|@ROUTER_ID@|$RR_RID|g" \
		-e "s|@LOCAL@|$RR_ADDR|g" -e "s|@PASSWORD@|$BGP_PASSWORD|g" \
		-e "s|@PE1@|${RR_WAN[pe1]}|g" -e "s|@PE2@|${RR_WAN[pe2]}|g" \
		"$REPO_ROOT/conf/frr/$1" >"$2"
	! grep -v '^!' "$2" | grep -n '@[A-Z0-9_]*@' || fail "unfilled placeholder in $2"
}

# rr_vtysh CMD...: vtysh in P on the RR's daemons, one -c per CMD
rr_vtysh() {
	local args=() c
	for c in "$@"; do args+=(-c "$c"); done
	nsx p vtysh --vty_socket "$RR_FRR_DIR" "${args[@]}"
}

# _rr_frr_daemon NAME: one FRR daemon in P in the foreground (PID-tracked),
# files under $RR_FRR_DIR (frr's folder: the daemons drop to the frr user, see
# bgp_topo.sh's _bgp_frr_daemon), no TCP vty; waits for its vty socket
_rr_frr_daemon() {
	local d=$1 pid
	bg_start "rr-$d" p "$FRR_BIN/$d" -f "$RR_FRR_DIR/$d.conf" \
		-i "$RR_FRR_DIR/$d.pid" -z "$RR_FRR_DIR/zserv.api" --vty_socket "$RR_FRR_DIR" -P 0
	pid=${E2E_BG[rr-$d]}
	wait_until "! kill -0 $pid || [[ -S $RR_FRR_DIR/$d.vty ]]" 30 0.1 ||
		fail "FRR $d: no vty socket in 30 s: $(tail -5 "$WORK/rr-$d.log")"
	kill -0 "$pid" 2>/dev/null || fail "FRR $d exited: $(tail -5 "$WORK/rr-$d.log")"
	log "FRR $d started in p, pid $pid"
}

# rr_start_frr: zebra then bgpd in P (logs $WORK/rr-{zebra,bgpd}.log)
rr_start_frr() {
	[[ -z ${E2E_BG[rr-zebra]:-} ]] || fail "the RR's FRR is already running"
	RR_FRR_DIR=$WORK/frr-rr
	mkdir -p "$RR_FRR_DIR"
	chown "$FRR_USER:$FRR_GROUP" "$RR_FRR_DIR"
	rr_frr_render rr-zebra.conf "$RR_FRR_DIR/zebra.conf"
	rr_frr_render rr-bgpd.conf "$RR_FRR_DIR/bgpd.conf"
	_rr_frr_daemon zebra
	_rr_frr_daemon bgpd
}

# rr_stop_frr: bgpd then zebra
rr_stop_frr() {
	local rc1=0 rc2=0
	bg_stop rr-bgpd TERM 10 || rc1=$?
	bg_stop rr-zebra TERM 10 || rc2=$?
	rm -f "$RR_FRR_DIR"/*.vty "$RR_FRR_DIR/zserv.api"
	log "the RR's FRR stopped (bgpd exit $rc1, zebra exit $rc2)"
}

# rr_frr_state PE: the RR's session state with PE ("Established")
rr_frr_state() {
	rr_vtysh "show bgp neighbors ${RR_WAN[$1]} json" 2>/dev/null | $PY -c '
import json, sys
print(json.load(sys.stdin).get(sys.argv[1], {}).get("bgpState", "?"))' "${RR_WAN[$1]}"
}

# rr_frr_pfx PE ipv4|ipv6: VPN prefixes the RR received from PE (pfxRcd)
rr_frr_pfx() {
	rr_vtysh "show bgp $2 vpn summary json" 2>/dev/null | $PY -c '
import json, sys
print(json.load(sys.stdin).get("peers", {}).get(sys.argv[1], {}).get("pfxRcd", 0))' "${RR_WAN[$1]}" 2>/dev/null ||
		echo 0
}

# rr_wait_established [TIMEOUT_S]: both PEs' gobgpd and the RR say Established
rr_wait_established() {
	wait_until '[[ $(rr_gobgp_state pe1) == established && $(rr_gobgp_state pe2) == established &&
		$(rr_frr_state pe1) == Established && $(rr_frr_state pe2) == Established ]]' "${1:-90}" 0.3 ||
		fail "BGP not Established in ${1:-90} s: pe1 $(rr_gobgp_state pe1), pe2 $(rr_gobgp_state pe2)," \
			"RR: pe1 $(rr_frr_state pe1), pe2 $(rr_frr_state pe2)"
}

# rr_session_md5 SHORT PEER: the established BGP socket in SHORT toward PEER
# carries a TCP-MD5 key (ss -e: "md5keys:PEER/128=KEY"); prints "md5keys:PEER/128"
rr_session_md5() {
	local out
	out=$(nsx "$1" ss -tnie state established '( sport = :179 or dport = :179 )' 2>/dev/null) || return 1
	grep -o "md5keys:$2/128" <<<"$out" | head -n 1 | grep .
}

# ---------------------------------------------------------------- PEs: srv6-bgp

# rr_start_helper PE: srv6-bgp in PE on its srv6d and gobgpd (log
# $WORK/srv6-bgp-PE.log; counters on srv6-bgp.sock next to srv6d's socket)
rr_start_helper() {
	local pe=$1
	[[ -z ${E2E_BG[srv6-bgp-$pe]:-} ]] || fail "srv6-bgp $pe already running"
	# shellcheck disable=SC2086
	bg_start "srv6-bgp-$pe" "$pe" "$SRV6BGP" --socket "$(srv6d_sock "$pe")" \
		--gobgp "127.0.0.1:${RR_API_PORT[$pe]}" --locator "$BGP_LOCATOR" $SRV6BGP_ARGS \
		--settle "$RR_SETTLE_MS" -v
	log "srv6-bgp started in $pe, pid ${E2E_BG[srv6-bgp-$pe]}"
	wait_until "rr_helper_stats $pe >/dev/null" 20 0.1 || fail "srv6-bgp $pe serves no counters"
}

# rr_stop_helper PE: SIGTERM; the helper must exit 0
rr_stop_helper() {
	local rc=0
	bg_stop "srv6-bgp-$1" TERM 10 || rc=$?
	[[ $rc == 0 ]] || fail "srv6-bgp $1 exited with status $rc after SIGTERM (expected 0)"
	log "srv6-bgp $1 stopped (exit 0)"
}

# rr_helper_stats PE: the helper's counters (JSON)
rr_helper_stats() { nsx "$1" "$SRV6BGP" --socket "$(srv6d_sock "$1")" stats 2>/dev/null; }

# rr_helper_get PE KEY.PATH: one counter of PE's helper
rr_helper_get() {
	rr_helper_stats "$1" | $PY -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[k]
print(json.dumps(v) if isinstance(v, (bool, dict, list)) else v)' "$2"
}

# rr_helper_rejected PE: the sum of PE's helper's "rejected" counters
rr_helper_rejected() {
	rr_helper_stats "$1" | $PY -c 'import json,sys; print(sum(json.load(sys.stdin)["rejected"].values()))'
}

# rr_helper_synced PE: both sides connected, gobgpd's table settled, srv6d's
# route.sync_end done
rr_helper_synced() {
	rr_helper_stats "$1" | $PY -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(0 if s["srv6d_connected"] and s["gobgpd_connected"] and s["settled"] and not s["sync_pending"] else 1)'
}

# rr_wait_helper_synced PE [TIMEOUT_S]
rr_wait_helper_synced() {
	wait_until "rr_helper_synced $1" "${2:-40}" 0.2 ||
		fail "srv6-bgp $1 not in sync after ${2:-40} s: $(rr_helper_stats "$1")"
}

# rr_routes PE: PE's srv6d BGP routes in $VRF, one "prefix sid[,sid]" line each, sorted
rr_routes() {
	rpc_on "$1" route.list "{\"vrf\": \"$VRF\", \"owner\": \"bgp\"}" | $PY -c '
import json, sys
for r in json.load(sys.stdin).get("result", []):
    sids = [s for nh in r.get("nexthops", []) for s in nh.get("segments", [])]
    print(r["prefix"], ",".join(sids))' | sort
}

# rr_our_sid PE: the End.DT46 SID PE's srv6-bgp allocated in its srv6d (sid.list)
rr_our_sid() {
	rpc_on "$1" sid.list | $PY -c '
import json, sys
for s in json.load(sys.stdin).get("result", []):
    if s.get("vrf") == sys.argv[1] and s.get("behavior") == "End.DT46":
        print(s["sid"].split("/")[0]); break' "$VRF"
}

# rr_want_routes PE: what PE must have learnt: the other PE's customer nets
# toward the SID the other PE's srv6-bgp allocated (sorted as rr_routes)
rr_want_routes() {
	local o=${RR_OTHER[$1]} sid
	sid=$(rr_our_sid "$o")
	[[ -n $sid ]] || return 1
	printf '%s %s\n%s %s\n' "${RR_NET4[$o]}" "$sid" "${RR_NET6[$o]}" "$sid" | sort
}

# rr_has_routes PE: PE's BGP routes are exactly rr_want_routes PE
rr_has_routes() {
	local want
	want=$(rr_want_routes "$1") || return 1
	[[ "$(rr_routes "$1")" == "$want" ]]
}

# ---------------------------------------------------------------- topology

# rr_up: CE1 - PE1 - P (RR) - PE2 - CE2, FRR on P, srv6d and gobgpd on both
# PEs; returns when every BGP session is Established. With L3_CAPTURE=1
# (topo.sh's default) dumpcap records both of P's WAN links into
# $WORK/wan1.pcap (PE1 side) and $WORK/wan2.pcap (PE2 side). The helpers
# (rr_start_helper) are the caller's.
rr_up() {
	rr_hosts_up
	rr_p_up
	if [[ $L3_CAPTURE == 1 ]]; then
		capture_start wan1 p veth-p-pe1
		capture_start wan2 p veth-p-pe2
	fi
	rr_start_frr
	rr_start_srv6d pe1
	rr_start_srv6d pe2
	local t0
	t0=$(date +%s%N)
	rr_start_gobgpd pe1
	rr_start_gobgpd pe2
	rr_wait_established 90
	log "BGP PE1 ${RR_WAN[pe1]} and PE2 ${RR_WAN[pe2]} <-> RR $RR_ADDR Established" \
		"$((($(date +%s%N) - t0) / 1000000)) ms after gobgpd started"
}
