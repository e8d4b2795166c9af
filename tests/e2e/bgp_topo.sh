# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# BGP L3VPN topology for the srv6-bgp tests and the README demo. Source it
# after lib.sh (which brings topo.sh's seed 000 addressing):
#
#   CE1 ---- PE1 ===== WAN (data, srv6d af_packet) ====== PE2 ---- CE2
#            srv6d      veth-pe1-wan | veth-pe2-wan       Linux kernel
#            gobgpd  -- veth-pe1-bgp | veth-pe2-bgp --    FRR 8.4 zebra+bgpd
#            srv6-bgp   2001:db8:0:ff::1   ::2 (control: iBGP only)
#
# srv6d owns PE1's WAN veth (the kernel of pe1 keeps off it), so BGP runs over
# a separate control link between the kernels of pe1 and pe2. iBGP AS 65513,
# TCP-MD5, VPNv4 + VPNv6 with extended next hop (seed 000). PE2 is FRR with
# its default VRF as the customer VRF (no kernel VRF devices here); FRR cannot
# install its End.DT4/DT6 vrftable SIDs, bgp_pe2_install_sids puts kernel
# equivalents there. srv6d on PE1 starts with no VPN routes and no SIDs: the
# helper allocates SIDs (sid.alloc) and installs what BGP learns.
#
# Every FRR and gobgpd process is started with bg_start (PID-tracked, killed by
# the lib.sh EXIT trap). Call the start/stop functions from the test's own
# shell, not from a $(...) subshell (bg_stop waits for its child).

# ---- control link and BGP parameters
# BGP_LINK=control (default): iBGP on the separate control link below.
# BGP_LINK=wan: iBGP between the WAN addresses, as in seed 000; srv6d gives
# its wan0 port a host interface (port key "host_if"), a kernel TAP named
# wan0 in pe1 that holds the port's address and gets the TCP srv6d does not
# serve, so gobgpd's session rides on the port srv6d forwards on.
BGP_LINK=${BGP_LINK:-control}
case $BGP_LINK in
control)
	PE1_BGP=2001:db8:0:ff::1
	PE2_BGP=2001:db8:0:ff::2
	;;
wan)
	PE1_BGP=$PE1_WAN
	PE2_BGP=$PE2_WAN
	;;
*) fail "BGP_LINK must be control or wan, not '$BGP_LINK'" ;;
esac
BGP_AS=65513
BGP_PASSWORD=CorrectHorseBatteryStable
PE1_RID=10.1.1.1
PE2_RID=10.2.2.2
PE1_RD=10.1.1.1:101
PE2_RD=10.2.2.2:101
BGP_RT=65513:101
BGP_LOCATOR=VPN-SERVICES
GOBGP_API_HOST=127.0.0.1        # gobgpd's gRPC, inside pe1 (its own loopback)
GOBGP_API_PORT=50051
GOBGP_API=$GOBGP_API_HOST:$GOBGP_API_PORT
# FRR's "sid vpn export N" per family. FRR 8.4 makes SID locator:N<<8:: of them
# (function 0x0100 for 1) and sends them transposed: label N<<12, SID field
# = the locator only.
BGP_PE2_SID4_IDX=${BGP_PE2_SID4_IDX:-1}
BGP_PE2_SID6_IDX=${BGP_PE2_SID6_IDX:-2}
# scale test: prefixes carved out of this /16 as /32s (up to 65536)
BGP_SCALE_NET=${BGP_SCALE_NET:-10.100.0.0/16}
BGP_SCALE_N=${BGP_SCALE_N:-5000}
BGP_SCALE_METHOD=${BGP_SCALE_METHOD:-network}  # network | kernel (see bgp_scale_announce)
# PE2's kernel stand-in for FRR's IPv6 End.DT6 vrftable SID: dx6 (End.DX6 nh6
# CE2) or dt6 (End.DT6 table main)
BGP_PE2_V6_ACTION=${BGP_PE2_V6_ACTION:-dx6}

FRR_BIN=${FRR_BIN:-/usr/lib/frr}
FRR_USER=${FRR_USER:-frr}      # the FRR daemons run as this user (Debian: frr)
FRR_GROUP=${FRR_GROUP:-frr}
GOBGPD=${GOBGPD:-gobgpd}
GOBGP=${GOBGP:-gobgp}
BGP_FRR_DIR=               # $WORK/frr-pe2: configs, pid files, zserv and vty sockets
BGP_GOBGP_CONF=            # $WORK/gobgpd-pe1.toml

# bgp_require_tools: skip (77) when FRR or GoBGP is missing
bgp_require_tools() {
	[[ -x $FRR_BIN/zebra && -x $FRR_BIN/bgpd ]] || skip "FRR not installed ($FRR_BIN/zebra, bgpd)"
	e2e_require_tools vtysh "$GOBGPD" "$GOBGP"
}

# ---------------------------------------------------------------- PE1: srv6d

# bgp_wan_port_keys: with BGP_LINK=wan, the WAN port's host interface
bgp_wan_port_keys() { [[ $BGP_LINK != wan ]] || echo '"host_if": "wan0"'; }

# bgp_srv6d_config FILE: PE1 as in l3vpn_srv6d_config, minus the static VPN
# routes and SIDs (srv6-bgp installs the routes and sid.allocs the SIDs)
bgp_srv6d_config() {
	cat >"$1" <<EOF
{
$(l3vpn_pe1_ports "$(bgp_wan_port_keys)")
  "encap": {"source": "$PE1_WAN", "hop_limit": 64},
  "locators": [{"name": "$BGP_LOCATOR", "prefix": "$PE1_LOC",
                "block_len": 48, "node_len": 16, "func_len": 16, "usid": false}],
  "vrfs": [{"name": "$VRF", "table": $VRF_TABLE, "rd": "$PE1_RD",
            "import_rt": ["$BGP_RT"], "export_rt": ["$BGP_RT"]}],
  "routes": [
    {"vrf": "default", "prefix": "$PE2_LOC",
     "nexthops": [{"type": "ip", "via": "$PE2_WAN", "port": "wan0"}]}
  ]
}
EOF
}

# ---------------------------------------------------------------- PE1: gobgpd

# bgp_gobgp_config FILE: conf/gobgp/site-a.toml with seed 000's linknet
# addresses replaced by the lab's control link
bgp_gobgp_config() {
	sed -e "s/2a0e:97c0:ae0:700b::2/$PE2_BGP/g" -e "s/2a0e:97c0:ae0:700a::2/$PE1_BGP/g" \
		-e "s/^\( *router-id = \)\"[0-9.]*\"/\1\"$PE1_RID\"/" \
		-e "s/^\( *as = \)[0-9]*/\1$BGP_AS/" -e "s/^\( *peer-as = \)[0-9]*/\1$BGP_AS/" \
		"$REPO_ROOT/conf/gobgp/site-a.toml" >"$1"
	grep -q "neighbor-address = \"$PE2_BGP\"" "$1" || fail "gobgpd config $1: neighbor not rewritten"
}

# bgp_gobgp ARGS...: the gobgp CLI against gobgpd's API in pe1
bgp_gobgp() { nsx pe1 "$GOBGP" -u "$GOBGP_API_HOST" -p "$GOBGP_API_PORT" "$@"; }

# bgp_start_gobgpd: gobgpd in pe1 (log $WORK/pe1-gobgpd.log); returns when its
# API answers. Restartable after bgp_stop_gobgpd.
bgp_start_gobgpd() {
	[[ -z ${E2E_BG[pe1-gobgpd]:-} ]] || fail "gobgpd already running (pid ${E2E_BG[pe1-gobgpd]})"
	BGP_GOBGP_CONF=$WORK/gobgpd-pe1.toml
	[[ -f $BGP_GOBGP_CONF ]] || bgp_gobgp_config "$BGP_GOBGP_CONF"
	bg_start pe1-gobgpd pe1 "$GOBGPD" -f "$BGP_GOBGP_CONF" --api-hosts "$GOBGP_API" \
		--log-plain --log-level info --pprof-disable
	local pid=${E2E_BG[pe1-gobgpd]}
	wait_until "! kill -0 $pid || bgp_gobgp global" 20 0.2 ||
		fail "gobgpd API $GOBGP_API did not answer in 20 s: $(tail -5 "$WORK/pe1-gobgpd.log")"
	kill -0 "$pid" 2>/dev/null || fail "gobgpd exited: $(tail -5 "$WORK/pe1-gobgpd.log")"
	log "gobgpd started in pe1, pid $pid, API $GOBGP_API"
}

# bgp_stop_gobgpd: SIGTERM, waits for the exit; returns 0
bgp_stop_gobgpd() {
	local rc=0
	bg_stop pe1-gobgpd TERM 10 || rc=$?
	log "gobgpd stopped (exit $rc)"
}

# bgp_gobgp_state: gobgpd's session state with PE2 (e.g. "established")
bgp_gobgp_state() {
	bgp_gobgp -j neighbor "$PE2_BGP" 2>/dev/null | $PY -c '
import json, sys
n = json.load(sys.stdin)
s = n.get("state", {}).get("session_state", 0)
names = {1: "idle", 2: "connect", 3: "active", 4: "opensent", 5: "openconfirm", 6: "established"}
print(names.get(s, s) if isinstance(s, int) else str(s).lower())'
}

# bgp_gobgp_count [FAMILY]: destinations in gobgpd's global RIB (vpnv4
# default), its own (srv6-bgp's) included
bgp_gobgp_count() {
	bgp_gobgp -j global rib -a "${1:-vpnv4}" summary 2>/dev/null |
		$PY -c 'import json, sys; print(json.load(sys.stdin).get("num_destination", 0))' 2>/dev/null ||
		echo 0
}

# bgp_gobgp_rx_count [FAMILY]: destinations gobgpd received from PE2 (adj-in)
bgp_gobgp_rx_count() {
	bgp_gobgp -j neighbor "$PE2_BGP" adj-in -a "${1:-vpnv4}" summary 2>/dev/null |
		$PY -c 'import json, sys; print(json.load(sys.stdin).get("num_destination", 0))' 2>/dev/null ||
		echo 0
}

# bgp_gobgp_paths [FAMILY] [GOBGP_RIB_ARGS...]: the paths of gobgpd's RIB for
# FAMILY (vpnv4 default; default args "global rib"), one line each:
#   PREFIX rd RD label L nh NEXTHOP rt RT[,RT] sid SID field SID_FIELD
#   behavior B struct BLOCK/NODE/FUNC/ARG/TLEN/TOFF
# SID is rebuilt per RFC 9252 section 4: the top TLEN bits of the 20-bit label
# go into the SID field at bit TOFF (FRR 8.4 always transposes: the field
# holds the locator only). "sid -" when the path has no Prefix-SID.
# Slow for big RIBs: gobgp's JSON repeats, in each path's MP_REACH attribute
# (type 14 "value"), every NLRI of the UPDATE it came in (FRR packs ~240),
# about 25 kB a path (5000 paths: 113 MB, 12 s). The path's own prefix is
# "nlri"; the same holds for the gRPC API's MpReachNLRIAttribute.nlris.
bgp_gobgp_paths() {
	local fam=${1:-vpnv4}
	shift || true
	(($# > 0)) || set -- global rib
	bgp_gobgp -j "$@" -a "$fam" | $PY -c '
import base64, ipaddress, json, sys
text = sys.stdin.read().strip()
d = json.loads(text) if text else {}
if isinstance(d, list):  # "neighbor X adj-in" answers a list of paths
    d = {"": d}
for key in sorted(d):
    for p in d[key]:
        n = p.get("nlri", {})
        rd = n.get("rd", {})
        label = (n.get("labels") or [0])[0]
        nh, rts, sid, field, beh, st = "-", [], "-", "-", "-", "-"
        for a in p.get("attrs", []):
            if a.get("type") == 14:
                nh = a.get("nexthop", "-")
            elif a.get("type") == 16:
                rts += [v["value"] for v in a.get("value", []) if v.get("subtype") == 2]
            elif a.get("type") == 40:
                for t in a.get("TLVs", []):
                    if t.get("type") not in (5, 6):
                        continue
                    for sub in t.get("SubTLVs", []):
                        if sub.get("type") != 1:
                            continue
                        raw = bytearray(base64.b64decode(sub["sid"]))
                        field = str(ipaddress.IPv6Address(bytes(raw)))
                        beh = sub.get("endpoint_behavior", "-")
                        tl = to = 0
                        for ss in sub.get("sub_sub_tlvs", []):
                            if ss.get("type") == 1:
                                tl = ss.get("transposition_length", 0)
                                to = ss.get("transposition_offset", 0)
                                st = "%d/%d/%d/%d/%d/%d" % tuple(ss.get(k, 0) for k in (
                                    "locator_block_length", "locator_node_length", "function_length",
                                    "argument_length", "transposition_length", "transposition_offset"))
                        bits = (label >> (20 - tl)) if tl else 0
                        for i in range(tl):
                            b = to + i
                            if (bits >> (tl - 1 - i)) & 1:
                                raw[b // 8] |= 0x80 >> (b % 8)
                            else:
                                raw[b // 8] &= ~(0x80 >> (b % 8)) & 0xFF
                        sid = str(ipaddress.IPv6Address(bytes(raw)))
        print("%s rd %s:%s label %s nh %s rt %s sid %s field %s behavior %s struct %s" % (
            n.get("prefix", key), rd.get("admin", "?"), rd.get("assigned", "?"), label, nh,
            ",".join(rts) or "-", sid, field, beh, st))
'
}

# ---------------------------------------------------------------- PE2: FRR

# bgp_frr_render TEMPLATE OUT: conf/frr/TEMPLATE with its placeholders filled
bgp_frr_render() {
	sed -e "s|@HOSTNAME@|pe2|g" -e "s|@AS@|$BGP_AS|g" -e "s|@ROUTER_ID@|$PE2_RID|g" \
		-e "s|@PEER@|$PE1_BGP|g" -e "s|@LOCAL@|$PE2_BGP|g" -e "s|@PASSWORD@|$BGP_PASSWORD|g" \
		-e "s|@LOCATOR@|$BGP_LOCATOR|g" -e "s|@PE2_LOC@|$PE2_LOC|g" \
		-e "s|@NET4@|$CE2_NET4|g" -e "s|@NET6@|$CE2_NET6|g" \
		-e "s|@SID4@|$BGP_PE2_SID4_IDX|g" -e "s|@SID6@|$BGP_PE2_SID6_IDX|g" \
		-e "s|@RD@|$PE2_RD|g" -e "s|@RT@|$BGP_RT|g" \
		"$REPO_ROOT/conf/frr/$1" >"$2"
	! grep -v '^!' "$2" | grep -n '@[A-Z0-9_]*@' || fail "unfilled placeholder in $2"
}

# bgp_frr_vtysh CMD...: vtysh in pe2 on our daemons' sockets, one -c per CMD
bgp_frr_vtysh() {
	local args=() c
	for c in "$@"; do args+=(-c "$c"); done
	nsx pe2 vtysh --vty_socket "$BGP_FRR_DIR" "${args[@]}"
}

# _bgp_frr_daemon NAME: start one FRR daemon of pe2 in the foreground (so that
# bg_start has its PID) with its pid file, zserv socket and vty socket under
# $BGP_FRR_DIR, no TCP vty; waits for its vty. It drops to the frr user (as
# root with -u root it refuses: "privs_init: user(root) is not part of vty
# group specified(frrvty)"), hence the folder is frr's.
_bgp_frr_daemon() {
	local d=$1 pid
	bg_start "pe2-$d" pe2 "$FRR_BIN/$d" -f "$BGP_FRR_DIR/$d.conf" \
		-i "$BGP_FRR_DIR/$d.pid" -z "$BGP_FRR_DIR/zserv.api" --vty_socket "$BGP_FRR_DIR" -P 0
	pid=${E2E_BG[pe2-$d]}
	wait_until "! kill -0 $pid || [[ -S $BGP_FRR_DIR/$d.vty ]]" 20 0.1 ||
		fail "FRR $d: no vty socket in 20 s: $(tail -5 "$WORK/pe2-$d.log")"
	kill -0 "$pid" 2>/dev/null || fail "FRR $d exited: $(tail -5 "$WORK/pe2-$d.log")"
	log "FRR $d started in pe2, pid $pid"
}

# bgp_start_frr: zebra then bgpd in pe2 (logs $WORK/pe2-{zebra,bgpd}.log);
# returns when bgpd has its SIDs (bgp_frr_kick_sids). Restartable after
# bgp_stop_frr.
bgp_start_frr() {
	[[ -z ${E2E_BG[pe2-zebra]:-} ]] || fail "FRR already running"
	BGP_FRR_DIR=$WORK/frr-pe2
	mkdir -p "$BGP_FRR_DIR"
	chown "$FRR_USER:$FRR_GROUP" "$BGP_FRR_DIR"
	bgp_frr_render zebra.conf "$BGP_FRR_DIR/zebra.conf"
	bgp_frr_render bgpd.conf "$BGP_FRR_DIR/bgpd.conf"
	_bgp_frr_daemon zebra
	_bgp_frr_daemon bgpd
	bgp_frr_kick_sids
}

# bgp_frr_kick_sids: FRR 8.4 allocates the default VRF's "sid vpn export N"
# only when that config changes after the locator chunk arrived (the chunk
# handler refreshes all VRFs but the default one, and re-entering the same
# "sid vpn export" is a no-op, "no sid vpn export" answers "It's not
# implemented"). So: wait for the chunk, then "no export vpn" / "export vpn"
# in each family that has no SID yet; returns when both have one.
# _bgp_frr_has_chunk: bgpd lists a locator chunk ("locator_chunks:" then "- ...")
_bgp_frr_has_chunk() {
	local t
	t=$(bgp_frr_vtysh 'show bgp segment-routing srv6')
	t=$(grep -A1 '^locator_chunks:' <<<"$t")
	[[ $t == *$'\n- '* ]]
}

bgp_frr_kick_sids() {
	wait_until _bgp_frr_has_chunk 20 0.1 ||
		fail "bgpd got no SRv6 locator chunk from zebra in 20 s"
	local fam af
	for fam in ipv4 ipv6; do
		[[ -z $(bgp_pe2_sid "$fam") ]] || continue
		af="address-family $fam unicast"
		bgp_frr_vtysh "configure terminal" "router bgp $BGP_AS" "$af" "no export vpn" "export vpn" \
			"end" >/dev/null
	done
	wait_until '[[ -n $(bgp_pe2_sid ipv4) && -n $(bgp_pe2_sid ipv6) ]]' 20 0.1 ||
		fail "FRR allocated no SIDs: $(bgp_frr_vtysh 'show bgp segment-routing srv6' 2>&1)"
	log "FRR SIDs: IPv4 $(bgp_pe2_sid ipv4), IPv6 $(bgp_pe2_sid ipv6)"
}

# bgp_stop_frr: bgpd then zebra (zebra removes the routes it installed); 0
bgp_stop_frr() {
	local rc1=0 rc2=0
	bg_stop pe2-bgpd TERM 10 || rc1=$?
	bg_stop pe2-zebra TERM 10 || rc2=$?
	rm -f "$BGP_FRR_DIR"/*.vty "$BGP_FRR_DIR/zserv.api"
	log "FRR stopped (bgpd exit $rc1, zebra exit $rc2)"
}

# bgp_frr_state: bgpd's session state with PE1 (e.g. "Established")
bgp_frr_state() {
	bgp_frr_vtysh "show bgp neighbors $PE1_BGP json" 2>/dev/null | $PY -c '
import json, sys
print(json.load(sys.stdin).get(sys.argv[1], {}).get("bgpState", "?"))' "$PE1_BGP"
}

# bgp_session_md5: the established BGP socket in pe2 carries a TCP-MD5 key
# (ss -e shows "md5keys:PEER/128=KEY"); prints "md5keys:PEER/128" (no key)
bgp_session_md5() {
	nsx pe2 ss -tnie state established '( sport = :179 or dport = :179 )' 2>/dev/null |
		grep -o 'md5keys:[^=]*' | head -n 1 | grep .
}

# bgp_pe2_kernel: PE2's kernel, FRR's datapath: addresses, SRv6 source,
# underlay route to PE1's locator over the WAN (static, as in topo.sh)
bgp_pe2_kernel() {
	router_sysctls pe2
	ifaddr pe2 veth-pe2-wan "$PE2_WAN/64"
	ifaddr pe2 veth-pe2-ce "$PE2_CE_V4/24" "$PE2_CE_V6/64"
	[[ $BGP_LINK == wan ]] || ifaddr pe2 veth-pe2-bgp "$PE2_BGP/64"
	nsx pe2 ip sr tunsrc set "$PE2_WAN"
	nsx pe2 ip -6 route add "$PE1_LOC" via "$PE1_WAN" dev veth-pe2-wan
}

# ---------------------------------------------------------------- PE2: SIDs

# bgp_pe2_sid FAMILY: the SID FRR allocated to its default VRF for FAMILY
# (ipv4|ipv6), empty when none. Read from "show bgp segment-routing srv6"
# ("vpn_policy[AFI_IP].tovpn_sid: 2a0e:...:100::"): the only place that shows
# the full SID; that command has no json form in 8.4, and the VPN routes' json
# carries the transposed form only (remoteSid = locator, remoteLabel).
bgp_pe2_sid() {
	local key=AFI_IP
	[[ $1 == ipv6 ]] && key=AFI_IP6
	bgp_frr_vtysh "show bgp segment-routing srv6" 2>/dev/null |
		sed -n "s/^ *vpn_policy\[$key\]\.tovpn_sid: *\([0-9a-fA-F:]*\) *$/\1/p" | head -n 1
}

# bgp_pe2_sids: "ipv4 SID" and "ipv6 SID" lines (the families that have one)
bgp_pe2_sids() {
	local fam sid
	for fam in ipv4 ipv6; do
		sid=$(bgp_pe2_sid "$fam")
		[[ -n $sid ]] && printf '%s %s\n' "$fam" "$sid"
	done
	return 0
}

# BGP_PE2_SID_MODE: how PE2's kernel serves FRR's SIDs (bgp_pe2_install_sids)
#   seg6local  End.DX4 / End.DX6 (or End.DT6) routes: decapsulation both for
#              one segment and the full behaviour (needs seg6 lwtunnel)
#   local      the SIDs as local addresses of PE2 with seg6_enabled on: the
#              kernel's built-in SRH processing decapsulates a packet to them
#              at Segments Left 0 with an inner IPv4 (NH 4) / IPv6 (NH 41)
#              packet and routes the inner packet on (to CE2); any kernel
#   auto       (default) seg6local where the kernel has it, else local
BGP_PE2_SID_MODE=${BGP_PE2_SID_MODE:-auto}

# bgp_pe2_sid_mode: "seg6local" or "local", BGP_PE2_SID_MODE resolved
bgp_pe2_sid_mode() {
	case $BGP_PE2_SID_MODE in
	seg6local | local) echo "$BGP_PE2_SID_MODE" ;;
	auto) if kernel_has seg6local; then echo seg6local; else echo local; fi ;;
	*) fail "BGP_PE2_SID_MODE must be seg6local, local or auto, not '$BGP_PE2_SID_MODE'" ;;
	esac
}

# bgp_pe2_install_sids: kernel equivalents of FRR's End.DT4/DT6 vrftable SIDs
# (the lab kernel has no VRF devices), per bgp_pe2_sid_mode: seg6local puts
# the IPv4 SID as End.DX4 to CE2, the IPv6 SID as End.DX6 to CE2 (or End.DT6
# table main, BGP_PE2_V6_ACTION=dt6); local puts both on PE2's lo with
# seg6_enabled on (all, veth-pe2-wan), so the kernel decapsulates what comes
# to them (Segments Left 0, NH 4/41) and routes the inner packet to CE2.
# Idempotent (ip route/addr replace); prints "FAMILY SID" lines.
bgp_pe2_install_sids() {
	local sids fam sid n=0 mode
	mode=$(bgp_pe2_sid_mode)
	wait_until '[[ $(bgp_pe2_sids | wc -l) -ge 2 ]]' 20 0.2 ||
		fail "FRR has no SIDs: $(bgp_frr_vtysh 'show bgp segment-routing srv6' 2>&1)"
	sids=$(bgp_pe2_sids)
	[[ $mode == local ]] && nsx pe2 sysctl -qw net.ipv6.conf.all.seg6_enabled=1 \
		net.ipv6.conf.veth-pe2-wan.seg6_enabled=1 >/dev/null
	while read -r fam sid; do
		if [[ $mode == local ]]; then
			nsx pe2 ip -6 addr replace "$sid/128" dev lo nodad
		else
			case $fam in
			ipv4) nsx pe2 ip -6 route replace "$sid/128" encap seg6local action End.DX4 nh4 "$CE2_V4" dev veth-pe2-ce ;;
			ipv6)
				if [[ $BGP_PE2_V6_ACTION == dt6 ]]; then
					nsx pe2 ip -6 route replace "$sid/128" encap seg6local action End.DT6 table main dev veth-pe2-wan
				else
					nsx pe2 ip -6 route replace "$sid/128" encap seg6local action End.DX6 nh6 "$CE2_V6" dev veth-pe2-ce
				fi
				;;
			esac
		fi
		n=$((n + 1))
		printf '%s %s\n' "$fam" "$sid"
	done <<<"$sids"
	if [[ $mode == local ]]; then
		log "PE2 SIDs as local addresses with seg6_enabled (built-in SRH decap, one way) ($n): ${sids//$'\n'/, }"
	else
		log "PE2 SIDs installed in the kernel as seg6local ($n): ${sids//$'\n'/, }"
	fi
}

# bgp_pe2_show_sids: PE2's kernel state for FRR's SIDs (for the log)
bgp_pe2_show_sids() {
	nsx pe2 ip -6 route show | grep seg6local || true
	nsx pe2 ip -6 addr show dev lo | grep -F "${PE2_LOC%::/64}:" || true
}

# bgp_pe2_drop_replies: PE2 silently drops what CE2 sends toward CE1 (ip rule
# blackhole): without seg6 lwtunnel PE2 cannot encapsulate toward us, and its
# ICMP unreachables would only be noise; the one-way checks count what
# reaches CE2
bgp_pe2_drop_replies() {
	nsx pe2 ip rule add iif veth-pe2-ce to "$CE1_NET4" blackhole pref 90
	nsx pe2 ip -6 rule add iif veth-pe2-ce to "$CE1_NET6" blackhole pref 90
	log "PE2 drops CE2's packets toward CE1 (ip rule blackhole): the data plane is checked one way"
}

# bgp_frr_route 4|6 PREFIX: PE2's kernel route for PREFIX, e.g. "172.16.10.0/24
# nhid 15 encap seg6 mode encap segs 1 [ 2a0e:97c0:ae6:1001:4:: ] via inet6
# 2001:db8:0:ff::1 dev veth-pe2-bgp proto bgp metric 20". The via is the BGP
# next hop on the control link, but the kernel routes the encapsulated packet
# again on its outer destination: it leaves on veth-pe2-wan (checked).
bgp_frr_route() { nsx pe2 ip "-$1" route show "$2"; }

# bgp_frr_route_count 4|6: how many routes FRR (proto bgp) installed in PE2's
# kernel; bgp_frr_seg6_count 4|6: those with a seg6 encap
bgp_frr_route_count() { nsx pe2 ip "-$1" route show proto bgp | wc -l; }
bgp_frr_seg6_count() { nsx pe2 ip "-$1" route show proto bgp | grep -c 'encap seg6 ' || true; }

# bgp_frr_rx_count ipv4|ipv6: VPN prefixes FRR received from PE1 (pfxRcd)
bgp_frr_rx_count() {
	bgp_frr_vtysh "show bgp $1 vpn summary json" 2>/dev/null | $PY -c '
import json, sys
print(json.load(sys.stdin).get("peers", {}).get(sys.argv[1], {}).get("pfxRcd", 0))' "$PE1_BGP" 2>/dev/null ||
		echo 0
}

# ---------------------------------------------------------------- topology

# bgp_l3vpn_up: CE1 - PE1 (srv6d + gobgpd) - PE2 (FRR) - CE2 plus the control
# link; returns when the BGP session is Established (60 s at most). With
# L3_CAPTURE=1 (topo.sh's default) dumpcap records PE2's WAN veth into
# $WORK/wan.pcap (capture_stop wan). PE1 is always srv6d here.
bgp_l3vpn_up() {
	bgp_require_tools
	[[ $PE1_IMPL == srv6d ]] || fail "bgp_l3vpn_up needs srv6d on PE1 (PE1_IMPL=$PE1_IMPL)"
	l3vpn_hosts_up
	[[ $BGP_LINK == wan ]] || veth_add pe1 veth-pe1-bgp pe2 veth-pe2-bgp

	bgp_pe2_kernel
	if [[ $L3_CAPTURE == 1 ]]; then capture_start wan pe2 veth-pe2-wan; fi
	bgp_start_frr

	kernel_quiet pe1 veth-pe1-ce
	kernel_quiet pe1 veth-pe1-wan
	[[ $BGP_LINK == wan ]] || ifaddr pe1 veth-pe1-bgp "$PE1_BGP/64"
	bgp_srv6d_config "$WORK/pe1.json"
	start_srv6d pe1 "$WORK/pe1.json"

	local t0
	t0=$(date +%s%N)
	bgp_start_gobgpd
	bgp_wait_established 60
	log "BGP session PE1 $PE1_BGP <-> PE2 $PE2_BGP Established" \
		"$((($(date +%s%N) - t0) / 1000000)) ms after gobgpd started"
}

# bgp_wait_established [TIMEOUT_S]: both ends say Established
bgp_wait_established() {
	wait_until '[[ $(bgp_gobgp_state) == established && $(bgp_frr_state) == Established ]]' "${1:-60}" 0.2 ||
		fail "BGP not Established in ${1:-60} s: gobgpd $(bgp_gobgp_state), FRR $(bgp_frr_state)"
}

# ---------------------------------------------------------------- scale

# _bgp_scale_prefixes N: the first N /32s of $BGP_SCALE_NET (10.100.0.0,
# 10.100.0.1, ...), one a line
_bgp_scale_prefixes() {
	local base=${BGP_SCALE_NET%/*}
	awk -v n="$1" -v base="$base" 'BEGIN {
		split(base, o, ".")
		b = ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]
		for (i = 0; i < n; i++) {
			a = b + i
			printf "%d.%d.%d.%d/32\n", int(a / 16777216) % 256, int(a / 65536) % 256, int(a / 256) % 256, a % 256
		}
	}'
}

BGP_SCALE_ON=0                  # prefixes announced by bgp_scale_announce
BGP_SCALE_ON_METHOD=
BGP_SCALE_RESULT=               # "announce|withdraw N METHOD MS" of the last call

# bgp_scale_announce [N] [METHOD]: FRR announces N more IPv4 VPN prefixes
# (/32s of $BGP_SCALE_NET, RD/RT/SID of its VRF) as fast as it can; returns
# when gobgpd has them all (120 s at most); BGP_SCALE_RESULT (also printed)
# is "announce N METHOD MS", MS from the start of the FRR change until
# gobgpd's adj-in from PE2 holds all of them. Call it from the test's shell,
# not in $(...): the state for bgp_scale_withdraw is kept in variables. METHOD:
#   kernel   N blackhole routes in pe2's kernel (one ip -batch) redistributed
#            into BGP (redistribute kernel, route-map limited to the /16)
#   network  a vtysh -f file with N "network" lines
bgp_scale_announce() {
	local n=${1:-$BGP_SCALE_N} method=${2:-$BGP_SCALE_METHOD} base want t0 ms f
	((BGP_SCALE_ON == 0)) || fail "scale prefixes already announced ($BGP_SCALE_ON)"
	((n >= 1 && n <= 65536)) || fail "scale N must be 1..65536, not $n"
	base=$(bgp_gobgp_rx_count vpnv4)
	want=$((base + n))
	f=$WORK/scale-$method-$n
	case $method in
	kernel)
		_bgp_scale_prefixes "$n" | sed 's/^/route replace blackhole /' >"$f.ip"
		bgp_frr_vtysh "configure terminal" \
			"ip prefix-list BGP-SCALE seq 5 permit $BGP_SCALE_NET le 32" \
			"route-map BGP-SCALE permit 10" "match ip address prefix-list BGP-SCALE" "exit" \
			"end" >/dev/null
		t0=$(date +%s%N)
		nsx pe2 ip -batch "$f.ip" || fail "ip -batch $f.ip"
		bgp_frr_vtysh "configure terminal" "router bgp $BGP_AS" "address-family ipv4 unicast" \
			"redistribute kernel route-map BGP-SCALE" "end" >/dev/null
		;;
	network)
		{
			echo "router bgp $BGP_AS"
			echo " address-family ipv4 unicast"
			_bgp_scale_prefixes "$n" | sed 's/^/  network /'
			echo " exit-address-family"
			echo "exit"
		} >"$f.vtysh"
		t0=$(date +%s%N)
		nsx pe2 vtysh --vty_socket "$BGP_FRR_DIR" -f "$f.vtysh" >"$f.out" 2>&1 ||
			fail "vtysh -f $f.vtysh: $(tail -3 "$f.out")"
		;;
	*) fail "scale method must be kernel or network, not '$method'" ;;
	esac
	BGP_SCALE_ON=$n
	BGP_SCALE_ON_METHOD=$method
	wait_until "(( \$(bgp_gobgp_rx_count vpnv4) >= $want ))" 120 0.05 ||
		fail "gobgpd has $(bgp_gobgp_rx_count vpnv4) of $want VPNv4 destinations after 120 s"
	ms=$((($(date +%s%N) - t0) / 1000000))
	log "scale: FRR announced $n VPNv4 prefixes ($method), gobgpd has all $want after $ms ms"
	BGP_SCALE_RESULT="announce $n $method $ms"
	echo "$BGP_SCALE_RESULT"
}

# bgp_scale_withdraw: FRR withdraws what bgp_scale_announce announced; returns
# when gobgpd has dropped them (120 s at most); BGP_SCALE_RESULT (also
# printed) is "withdraw N METHOD MS"
bgp_scale_withdraw() {
	local n=$BGP_SCALE_ON method=$BGP_SCALE_ON_METHOD base want t0 ms f
	((n > 0)) || return 0
	base=$(bgp_gobgp_rx_count vpnv4)
	want=$((base - n))
	f=$WORK/scale-$method-$n
	t0=$(date +%s%N)
	case $method in
	kernel)
		bgp_frr_vtysh "configure terminal" "router bgp $BGP_AS" "address-family ipv4 unicast" \
			"no redistribute kernel route-map BGP-SCALE" "end" >/dev/null
		nsx pe2 ip route flush root "$BGP_SCALE_NET" type blackhole || true
		;;
	network)
		sed 's/^  network /  no network /' "$f.vtysh" >"$f.no.vtysh"
		nsx pe2 vtysh --vty_socket "$BGP_FRR_DIR" -f "$f.no.vtysh" >"$f.no.out" 2>&1 ||
			fail "vtysh -f $f.no.vtysh: $(tail -3 "$f.no.out")"
		;;
	esac
	BGP_SCALE_ON=0
	BGP_SCALE_ON_METHOD=
	wait_until "(( \$(bgp_gobgp_rx_count vpnv4) <= $want ))" 120 0.05 ||
		fail "gobgpd still has $(bgp_gobgp_rx_count vpnv4) VPNv4 destinations (want $want) after 120 s"
	ms=$((($(date +%s%N) - t0) / 1000000))
	log "scale: FRR withdrew $n VPNv4 prefixes ($method), gobgpd down to $want after $ms ms"
	BGP_SCALE_RESULT="withdraw $n $method $ms"
	echo "$BGP_SCALE_RESULT"
}
