#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# srv6-bgp against hand-built VPN paths on a real BGP session. An independent
# injector (a second gobgpd in namespace inj, driven over gRPC by
# gobgp_inject.py) announces VPNv4/VPNv6 paths with Prefix-SIDs we build
# field by field; they reach our gobgpd in pe1 in GoBGP's own wire encoding
# and srv6-bgp installs them in srv6d (no FRR involved). Checked, each time
# with srv6d's route.list and the helper's rejected.<reason> counters:
#   1. ECMP: one prefix under two RDs with two SIDs -> one route with both
#      SIDs, sorted; a third RD with a SID already there adds none;
#      withdrawing one leaves one, withdrawing both removes the route
#   2. a transposed SID as FRR sends it (locator only, label 4096, structure
#      40/24/16/0/16/64, behaviour 0xFFFF) -> the rebuilt SID (v4 and v6);
#      an F3216 uSID structure (32/16/16/0/16/48) likewise
#      2b. a Color extended community -> the next hop is steered into SR
#      policy (color, the path's next hop); a new color follows
#   3. route targets: 65513:102 -> VRF L3VPN-2 only, 101 + 102 -> both, a
#      new RT moves the route; 65513:999 -> refused no_vrf, nowhere, but kept:
#      L3VPN-2 re-created importing 65513:999 gets it without a resend;
#      3b. a path for a connected prefix is shadowed (routes_shadowed)
#   4. a SID with no underlay route is held (routes_held) and installed once
#      route.add gives its locator a route in VRF default, removed on
#      route.del; an ECMP route uses its reachable SID only until then
#   5. bad input, each counted under its reason (and nothing else), logged,
#      never installed, while a good path sent with it installs: no
#      Prefix-SID, an L3 Service TLV without a SID Information Sub-TLV, End,
#      End.DT6 on VPNv4, End.DX4 on VPNv6, transposition of 24 bits, lengths
#      over 128, a SID in our own locator, no route target, a 15-byte SID
#      field (what GoBGP makes of it: see there)
#   6. a path replaced by a new SID keeps only the new one; replaced by a bad
#      version (End; a block length of 200, refused while decoding), the
#      route goes
#   7. no route request failed, srv6d answers, the helper and srv6d exit 0

# three VRFs (default, L3VPN-1, L3VPN-2), each with two generations of FIB
# tables: lib.sh's 1024 MB is not enough for the third
SRV6D_EAL=${SRV6D_EAL:--l 0,1 --no-pci --no-huge -m 2048 --no-shconf}
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/bgp_topo.sh"
. "$E2E_DIR/bgp_lib.sh"
e2e_init bgp_paths
e2e_require_tools "$GOBGPD" "$GOBGP"
bgp_require_helper
command -v protoc >/dev/null 2>&1 ||
	skip "protoc not found: gobgp_inject.py needs it for GoBGP's messages (Debian: protobuf-compiler)"
$PY -c 'import grpc, google.protobuf' 2>/dev/null ||
	skip "$PY cannot import grpc and google.protobuf (Debian: python3-grpcio python3-protobuf)"
[[ -f /usr/share/gocode/src/github.com/osrg/gobgp/api/attribute.proto ]] ||
	skip "GoBGP's .proto files not found (Debian: golang-github-osrg-gobgp-dev)"

# ---- addressing: pe1 (srv6d + gobgpd + srv6-bgp), inj (injector gobgpd), ce1
INJ_BGP=2001:db8:0:ee::2        # injector's end of the control link (kernel)
PE1_CTL=2001:db8:0:ee::1        # pe1's end (kernel; our gobgpd)
INJ_WAN=$PE2_WAN                # the underlay neighbour behind srv6d's wan0
INJ_WAN_MAC=02:00:00:00:12:02
INJ_API=127.0.0.1:50052         # injector gobgpd's gRPC, inside inj
VRF2=L3VPN-2
VRF2_TABLE=102
RT1=65513:101
RT2=65513:102
LOC2=2a0e:97c0:ae6:2001::/64    # remote locators with an underlay route
LOC3=2a0e:97c0:ae6:3001::/64
LOC4=2a0e:97c0:ae6:4001::/64    # remote locator without one
PB_DIR=$WORK/pb

# pe1's srv6d: two VRFs, our locator, underlay routes to LOC2 and LOC3 only
paths_srv6d_config() {
	cat >"$1" <<EOF
{
$(l3vpn_pe1_ports)
  "encap": {"source": "$PE1_WAN", "hop_limit": 64},
  "locators": [{"name": "$BGP_LOCATOR", "prefix": "$PE1_LOC",
                "block_len": 48, "node_len": 16, "func_len": 16, "usid": false}],
  "vrfs": [{"name": "$VRF", "table": $VRF_TABLE, "rd": "$PE1_RD",
            "import_rt": ["$RT1"], "export_rt": ["$RT1"]},
           {"name": "$VRF2", "table": $VRF2_TABLE, "import_rt": ["$RT2"]}],
  "neighbors": [{"port": "wan0", "address": "$INJ_WAN", "mac": "$INJ_WAN_MAC"}],
  "routes": [
    {"vrf": "default", "prefix": "$LOC2", "nexthops": [{"type": "ip", "via": "$INJ_WAN", "port": "wan0"}]},
    {"vrf": "default", "prefix": "$LOC3", "nexthops": [{"type": "ip", "via": "$INJ_WAN", "port": "wan0"}]}
  ]
}
EOF
}

# paths_gobgp_config FILE ROUTER_ID LOCAL PEER [PASSIVE]: iBGP, VPNv4 + VPNv6
paths_gobgp_config() {
	cat >"$1" <<EOF
[global.config]
  as = $BGP_AS
  router-id = "$2"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$4"
    peer-as = $BGP_AS
  [neighbors.transport.config]
    local-address = "$3"
    passive-mode = ${5:-false}
  [neighbors.timers.config]
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l3vpn-ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l3vpn-ipv6-unicast"
EOF
}

# inject ARGS...: gobgp_inject.py on the injector's gobgpd (inside inj)
inject() { nsx inj "$PY" "$E2E_DIR/gobgp_inject.py" --api "$INJ_API" --pb "$PB_DIR" "$@"; }
inject_ok() {
	local out
	out=$(inject "$@" 2>&1) || fail "gobgp_inject.py $*: $out"
}
# inject_batch: the JSON list on stdin, in one call
inject_batch() {
	local f=$WORK/batch.$RANDOM.json
	cat >"$f"
	inject --json "$f" >"$f.out" 2>&1 || fail "gobgp_inject.py --json: $(cat "$f.out")"
}

# route_of VRF PREFIX: the SIDs of srv6d's BGP route (comma-separated, in
# srv6d's next-hop order), empty when none
route_of() { bgp_routes "$1" | sed -n "s|^$2 ||p"; }
# routes_has_none PREFIX: neither VRF has a BGP route for PREFIX
routes_has_none() { [[ -z $(route_of "$VRF" "$1") && -z $(route_of "$VRF2" "$1") ]]; }
wait_route() {
	wait_until "[[ \"\$(route_of $1 $2)\" == '$3' ]]" "${4:-10}" 0.05 ||
		fail "VRF $1 $2: '$(route_of "$1" "$2")', want '$3' ($(bgp_helper_get import))"
}
wait_no_route() {
	wait_until "routes_has_none $1" "${2:-10}" 0.05 ||
		fail "$1 still in srv6d: $VRF '$(route_of "$VRF" "$1")', $VRF2 '$(route_of "$VRF2" "$1")'"
}

# wait_clean: every injected path withdrawn and applied (none held)
wait_clean() {
	wait_until '[[ $(bgp_helper_get import.paths) == 0 && $(bgp_helper_get import.withdraws_held) == 0 ]]' 10 0.05 ||
		fail "paths left in the helper: $(bgp_helper_get import)"
}

# rejected counters: a snapshot, and what grew since one ("reason+N ...")
rej_snap() { bgp_helper_get rejected; }
rej_delta() {
	$PY - "$1" "$(rej_snap)" <<'EOF'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(" ".join("%s+%d" % (k, b[k] - a.get(k, 0)) for k in sorted(b) if b[k] != a.get(k, 0)))
EOF
}
# expect_reject SNAPSHOT REASON PREFIX: REASON grew by one and nothing else,
# the helper logged the refusal, and PREFIX is in neither VRF
expect_reject() {
	local snap=$1 reason=$2 pfx=$3 n0 got line
	n0=$(printf '%s' "$snap" | $PY -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$reason")
	wait_until "[[ \$(bgp_helper_get rejected.$reason) -gt $n0 ]]" 10 0.05 ||
		fail "$pfx: rejected.$reason did not grow ($(rej_delta "$snap"); $(bgp_helper_get import))"
	got=$(rej_delta "$snap")
	[[ $got == "$reason+1" ]] || fail "$pfx: rejected counters grew by '$got', want '$reason+1'"
	line=$(grep "$pfx from $INJ_BGP refused: $reason " "$WORK/srv6-bgp.log" | tail -n 1)
	[[ -n $line ]] || fail "$pfx: no 'refused: $reason' log line"
	routes_has_none "$pfx" || fail "$pfx installed although refused $reason: $(bgp_routes "$VRF")"
	log "refused: ${line#*path }"
}

# pe1_rib FAMILY PREFIX: our gobgpd's view of PREFIX (bgp_gobgp_paths lines)
pe1_rib() { bgp_gobgp_paths "$1" | grep "^$2 " || true; }

# inj_state: our gobgpd's session with the injector
inj_state() {
	bgp_gobgp -j neighbor "$INJ_BGP" 2>/dev/null | $PY -c '
import json, sys
print(json.load(sys.stdin).get("state", {}).get("session_state", 0))'
}

section "topology: ce1 - srv6d/gobgpd/srv6-bgp (pe1) - injector gobgpd (inj)"
t_start=$(date +%s%N)
mkdir -p "$PB_DIR"
protoc --python_out="$PB_DIR" -I/usr/share/gocode/src/github.com/osrg/gobgp/api -I/usr/include \
	gobgp.proto attribute.proto || fail "protoc on GoBGP's .proto files"
ns_add ce1
ns_add pe1
ns_add inj
veth_add ce1 veth-ce1 pe1 veth-pe1-ce
veth_add pe1 veth-pe1-wan inj veth-inj-wan
veth_add pe1 veth-pe1-bgp inj veth-inj-bgp
ifaddr ce1 veth-ce1 "$CE1_V4/24" "$CE1_V6/64"
ip -n "${NS[inj]}" link set veth-inj-wan address "$INJ_WAN_MAC"
ifaddr inj veth-inj-wan "$INJ_WAN/64"
ifaddr inj veth-inj-bgp "$INJ_BGP/64"
ifaddr pe1 veth-pe1-bgp "$PE1_CTL/64"
kernel_quiet pe1 veth-pe1-ce
kernel_quiet pe1 veth-pe1-wan

# Both gobgpd first: GoBGP's first connect attempt waits 5-10 s (a random
# delay over its minimum connect-retry of 5 s, whatever the config says);
# srv6d starts meanwhile. The injector is passive, our gobgpd connects.
paths_gobgp_config "$WORK/gobgpd-inj.toml" 10.9.9.9 "$INJ_BGP" "$PE1_CTL" true
bg_start inj-gobgpd inj "$GOBGPD" -f "$WORK/gobgpd-inj.toml" --api-hosts "$INJ_API" \
	--log-plain --log-level info --pprof-disable
BGP_GOBGP_CONF=$WORK/gobgpd-pe1.toml
paths_gobgp_config "$BGP_GOBGP_CONF" "$PE1_RID" "$PE1_CTL" "$INJ_BGP"
bgp_start_gobgpd
paths_srv6d_config "$WORK/pe1.json"
start_srv6d pe1 "$WORK/pe1.json"
wait_until "nsx inj $GOBGP -u 127.0.0.1 -p ${INJ_API##*:} global" 20 0.2 ||
	fail "injector gobgpd: no API in 20 s: $(tail -5 "$WORK/inj-gobgpd.log")"
wait_until '[[ $(inj_state) == 6 ]]' 30 0.1 || fail "iBGP pe1 - inj not established: $(inj_state)"
log "iBGP established with the injector $((($(date +%s%N) - t_start) / 1000000)) ms after the start"
bgp_start_helper
bgp_wait_helper_synced 20
rej0=$(rej_snap)
t_cases=$(date +%s%N)

section "the injected Prefix-SID in our gobgpd's RIB, as built"
inject_ok add --family 4 --rd 10.3.3.3:101 --prefix 172.16.30.0/24 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:3001:30:: --behavior 19 --structure 48,16,16,0,0,0
wait_until '[[ -n $(pe1_rib vpnv4 172.16.30.0/24) ]]' 10 0.05 || fail "172.16.30.0/24 not in our gobgpd"
got=$(pe1_rib vpnv4 172.16.30.0/24)
log "pe1 gobgpd: $got"
want="172.16.30.0/24 rd 10.3.3.3:101 label 3 nh $INJ_BGP rt $RT1 sid 2a0e:97c0:ae6:3001:30:: field 2a0e:97c0:ae6:3001:30:: behavior 19 struct 48/16/16/0/0/0"
[[ $got == "$want" ]] || fail "our gobgpd's path: '$got', want '$want'"

section "1. ECMP: 172.16.30.0/24 from two PEs (two RDs, two SIDs)"
wait_route "$VRF" 172.16.30.0/24 2a0e:97c0:ae6:3001:30::
inject_ok add --family 4 --rd 10.2.2.2:101 --prefix 172.16.30.0/24 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:30:: --behavior 19 --structure 48,16,16,0,0,0
# sorted: the 2001 SID first although it came second
wait_route "$VRF" 172.16.30.0/24 "2a0e:97c0:ae6:2001:30::,2a0e:97c0:ae6:3001:30::"
log "ECMP: $(rpc route.list "{\"vrf\": \"$VRF\", \"owner\": \"bgp\"}")"
# a third path (RD) whose SID the route has already: still two next hops
paths0=$(bgp_helper_get import.paths)
inject_ok add --family 4 --rd 10.4.4.4:101 --prefix 172.16.30.0/24 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:30:: --behavior 20
wait_until "[[ \$(bgp_helper_get import.paths) == $((paths0 + 1)) ]]" 10 0.05 ||
	fail "third path not learnt: $(bgp_helper_get import)"
sleep 0.3
[[ $(route_of "$VRF" 172.16.30.0/24) == "2a0e:97c0:ae6:2001:30::,2a0e:97c0:ae6:3001:30::" ]] ||
	fail "a duplicate SID changed the route: $(route_of "$VRF" 172.16.30.0/24)"
inject_ok del --family 4 --rd 10.4.4.4:101 --prefix 172.16.30.0/24
wait_until "[[ \$(bgp_helper_get import.paths) == $paths0 ]]" 10 0.05 ||
	fail "third path not withdrawn: $(bgp_helper_get import)"
inject_ok del --family 4 --rd 10.3.3.3:101 --prefix 172.16.30.0/24
wait_route "$VRF" 172.16.30.0/24 2a0e:97c0:ae6:2001:30::
log "10.3.3.3:101 withdrawn: one next hop left"
inject_ok del --family 4 --rd 10.2.2.2:101 --prefix 172.16.30.0/24
wait_no_route 172.16.30.0/24
log "10.2.2.2:101 withdrawn: the route is gone"
wait_clean

section "2. a transposed SID, as FRR 8.4 sends it"
inject_ok add --family 4 --rd 10.2.2.2:101 --prefix 172.16.31.0/24 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:: --label 4096 --behavior 65535 --structure 40,24,16,0,16,64
wait_route "$VRF" 172.16.31.0/24 2a0e:97c0:ae6:2001:100::
log "pe1 gobgpd: $(pe1_rib vpnv4 172.16.31.0/24)"
inject_ok add --family 6 --rd 10.2.2.2:101 --prefix 2001:db8:31::/64 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:: --label 8192 --behavior 65535 --structure 40,24,16,0,16,64
wait_route "$VRF" 2001:db8:31::/64 2a0e:97c0:ae6:2001:200::
# a compressed-SID locator (RFC 9800, F3216: block 32, node 16, function
# 16 transposed at offset 48): the function 0x2001 rides in the label
inject_ok add --family 4 --rd 10.2.2.2:101 --prefix 172.16.38.0/24 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:: --label $((0x2001 << 4)) --behavior 20 --structure 32,16,16,0,16,48
wait_route "$VRF" 172.16.38.0/24 2a0e:97c0:ae6:2001::
inject_ok del --family 4 --rd 10.2.2.2:101 --prefix 172.16.38.0/24
wait_no_route 172.16.38.0/24
inject_ok del --family 4 --rd 10.2.2.2:101 --prefix 172.16.31.0/24
inject_ok del --family 6 --rd 10.2.2.2:101 --prefix 2001:db8:31::/64
wait_no_route 172.16.31.0/24
wait_no_route 2001:db8:31::/64
wait_clean

section "2b. a Color extended community steers the route into SR policy (color, next hop)"
# RFC 9256 8.5: srv6-bgp gives the next hop "policy": {color, endpoint = the
# BGP next hop}; srv6d uses the SID alone until such a policy exists
inject_ok add --family 4 --rd 10.2.2.2:101 --prefix 172.16.37.0/24 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:37:: --behavior 19 --color 10
wait_route "$VRF" 172.16.37.0/24 2a0e:97c0:ae6:2001:37::
nh=$(rpc route.list "{\"vrf\": \"$VRF\", \"owner\": \"bgp\"}" | $PY -c '
import json, sys
r = [x for x in json.load(sys.stdin)["result"] if x["prefix"] == "172.16.37.0/24"]
print(json.dumps(r[0]["nexthops"][0].get("policy"), sort_keys=True) if r else "none")')
[[ $nh == "{\"color\": 10, \"endpoint\": \"$INJ_BGP\"}" ]] ||
	fail "172.16.37.0/24: policy $nh, want color 10 endpoint $INJ_BGP"
log "colored path: next hop policy $nh"
# the color changes: the route follows
inject_ok add --family 4 --rd 10.2.2.2:101 --prefix 172.16.37.0/24 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:37:: --behavior 19 --color 20
wait_until "rpc route.list '{\"vrf\": \"$VRF\", \"owner\": \"bgp\"}' | grep -Eq '\"color\": ?20'" 10 0.05 ||
	fail "172.16.37.0/24: color 20 not applied: $(rpc route.list "{\"vrf\": \"$VRF\", \"owner\": \"bgp\"}"); pe1 gobgpd: $(pe1_rib vpnv4 172.16.37.0/24)"
inject_ok del --family 4 --rd 10.2.2.2:101 --prefix 172.16.37.0/24
wait_no_route 172.16.37.0/24
wait_clean

section "3. route targets pick the VRFs"
inject_batch <<EOF
[{"op": "add", "family": 4, "rd": "10.2.2.2:102", "prefix": "172.16.32.0/24", "rt": ["$RT2"],
  "nexthop": "$INJ_BGP", "sid": "2a0e:97c0:ae6:2001:32::", "behavior": 20},
 {"op": "add", "family": 6, "rd": "10.2.2.2:102", "prefix": "2001:db8:33::/64", "rt": ["$RT1", "$RT2"],
  "nexthop": "$INJ_BGP", "sid": "2a0e:97c0:ae6:2001:33::", "behavior": 18}]
EOF
wait_route "$VRF2" 172.16.32.0/24 2a0e:97c0:ae6:2001:32::
wait_route "$VRF2" 2001:db8:33::/64 2a0e:97c0:ae6:2001:33::
wait_route "$VRF" 2001:db8:33::/64 2a0e:97c0:ae6:2001:33::
[[ -z $(route_of "$VRF" 172.16.32.0/24) ]] || fail "172.16.32.0/24 (RT $RT2 only) is in $VRF too"
log "RT $RT2 -> $VRF2 only; RTs $RT1 + $RT2 -> both"
# the same path again with RT $RT1 instead: it moves to $VRF
inject_ok add --family 4 --rd 10.2.2.2:102 --prefix 172.16.32.0/24 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:32:: --behavior 20
wait_route "$VRF" 172.16.32.0/24 2a0e:97c0:ae6:2001:32::
wait_route "$VRF2" 172.16.32.0/24 ""
log "RT changed to $RT1: 172.16.32.0/24 moved from $VRF2 to $VRF"
snap=$(rej_snap)
inject_ok add --family 4 --rd 10.2.2.2:999 --prefix 172.16.34.0/24 --rt 65513:999 --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:34:: --behavior 19
expect_reject "$snap" no_vrf 172.16.34.0/24
inject_batch <<EOF
[{"op": "del", "family": 4, "rd": "10.2.2.2:102", "prefix": "172.16.32.0/24"},
 {"op": "del", "family": 6, "rd": "10.2.2.2:102", "prefix": "2001:db8:33::/64"}]
EOF
wait_no_route 172.16.32.0/24
wait_no_route 2001:db8:33::/64
# the no_vrf path is kept: $VRF2 created again with RT 65513:999 gets it
# without a resend
snap=$(rej_snap)
upd0=$(bgp_helper_get import.updates)
rpc_ok vrf.del "{\"name\": \"$VRF2\"}" >/dev/null
rpc_ok vrf.add "{\"name\": \"$VRF2\", \"table\": $VRF2_TABLE, \"import_rt\": [\"$RT2\", \"65513:999\"]}" >/dev/null
wait_route "$VRF2" 172.16.34.0/24 2a0e:97c0:ae6:2001:34::
[[ $(bgp_helper_get import.updates) == "$upd0" && -z $(rej_delta "$snap") ]] ||
	fail "172.16.34.0/24 was sent again: $(bgp_helper_get import), $(rej_delta "$snap")"
log "$VRF2 re-created with import_rt 65513:999: 172.16.34.0/24 installed from the kept path"
inject_ok del --family 4 --rd 10.2.2.2:999 --prefix 172.16.34.0/24
wait_no_route 172.16.34.0/24
rpc_ok vrf.del "{\"name\": \"$VRF2\"}" >/dev/null
rpc_ok vrf.add "{\"name\": \"$VRF2\", \"table\": $VRF2_TABLE, \"import_rt\": [\"$RT2\"]}" >/dev/null
wait_clean

section "3b. srv6d's own route wins: a BGP path for a connected prefix is shadowed"
inject_ok add --family 4 --rd 10.2.2.2:101 --prefix "$CE1_NET4" --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:10:: --behavior 19
wait_until '[[ $(bgp_helper_get import.routes_shadowed) == 1 ]]' 10 0.05 ||
	fail "routes_shadowed: $(bgp_helper_get import)"
conn_type() {
	rpc route.list "{\"vrf\": \"$VRF\"}" | $PY -c '
import json, sys
print(" ".join(r["type"] for r in json.load(sys.stdin)["result"] if r["prefix"] == sys.argv[1]))' "$CE1_NET4"
}
[[ $(conn_type) == connected ]] || fail "$CE1_NET4 in $VRF: '$(conn_type)', want the connected route only"
log "shadowed: $CE1_NET4 stays connected ($(bgp_helper_get import.routes_shadowed) shadowed)"
inject_ok del --family 4 --rd 10.2.2.2:101 --prefix "$CE1_NET4"
wait_clean
[[ $(bgp_helper_get import.routes_shadowed) == 0 ]] || fail "routes_shadowed: $(bgp_helper_get import)"
[[ $(conn_type) == connected ]] || fail "$CE1_NET4 in $VRF after the withdraw: '$(conn_type)'"

section "4. a SID without an underlay route is held until its locator is reachable"
# 172.16.35.0/24: one path, its SID in $LOC4 (no underlay route);
# 172.16.36.0/24: two paths, one SID in $LOC3 (reachable), one in $LOC4
inject_batch <<EOF
[{"op": "add", "family": 4, "rd": "10.4.4.4:101", "prefix": "172.16.35.0/24", "rt": ["$RT1"],
  "nexthop": "$INJ_BGP", "sid": "2a0e:97c0:ae6:4001:35::", "behavior": 19},
 {"op": "add", "family": 4, "rd": "10.4.4.4:101", "prefix": "172.16.36.0/24", "rt": ["$RT1"],
  "nexthop": "$INJ_BGP", "sid": "2a0e:97c0:ae6:4001:36::", "behavior": 19},
 {"op": "add", "family": 4, "rd": "10.3.3.3:101", "prefix": "172.16.36.0/24", "rt": ["$RT1"],
  "nexthop": "$INJ_BGP", "sid": "2a0e:97c0:ae6:3001:36::", "behavior": 19}]
EOF
wait_until '[[ $(bgp_helper_get import.paths) == 3 ]]' 10 0.05 || fail "paths: $(bgp_helper_get import)"
wait_route "$VRF" 172.16.36.0/24 2a0e:97c0:ae6:3001:36::
wait_until '[[ $(bgp_helper_get import.routes_held) == 1 ]]' 10 0.05 ||
	fail "routes_held: $(bgp_helper_get import)"
routes_has_none 172.16.35.0/24 || fail "172.16.35.0/24 installed without an underlay route to its SID"
log "held: $(bgp_helper_get import)"
log "172.16.36.0/24 uses its reachable SID only: $(route_of "$VRF" 172.16.36.0/24)"
t0=$(date +%s%N)
rpc_ok route.add "{\"vrf\": \"default\", \"prefix\": \"$LOC4\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"$INJ_WAN\", \"port\": \"wan0\"}]}" >/dev/null
wait_route "$VRF" 172.16.35.0/24 2a0e:97c0:ae6:4001:35:: 5
wait_route "$VRF" 172.16.36.0/24 "2a0e:97c0:ae6:3001:36::,2a0e:97c0:ae6:4001:36::" 5
log "installed $((($(date +%s%N) - t0) / 1000000)) ms after route.add $LOC4"
[[ $(bgp_helper_get import.routes_held) == 0 ]] || fail "routes_held after route.add: $(bgp_helper_get import)"
t0=$(date +%s%N)
rpc_ok route.del "{\"vrf\": \"default\", \"prefix\": \"$LOC4\"}" >/dev/null
wait_no_route 172.16.35.0/24 5
wait_route "$VRF" 172.16.36.0/24 2a0e:97c0:ae6:3001:36:: 5
log "removed $((($(date +%s%N) - t0) / 1000000)) ms after route.del $LOC4"
[[ $(bgp_helper_get import.routes_held) == 1 ]] || fail "routes_held after route.del: $(bgp_helper_get import)"
inject_batch <<EOF
[{"op": "del", "family": 4, "rd": "10.4.4.4:101", "prefix": "172.16.35.0/24"},
 {"op": "del", "family": 4, "rd": "10.4.4.4:101", "prefix": "172.16.36.0/24"},
 {"op": "del", "family": 4, "rd": "10.3.3.3:101", "prefix": "172.16.36.0/24"}]
EOF
wait_no_route 172.16.36.0/24
wait_clean
[[ $(bgp_helper_get import.routes_held) == 0 ]] || fail "routes_held after the withdraw: $(bgp_helper_get import)"

section "5. bad input: counted under its reason, never installed"
# bad_case NAME REASON FAMILY PREFIX JSON_FIELDS [CHECK]: the bad path and,
# in the same call, a good one that must install; CHECK is evaluated before
# both are withdrawn
n_bad=0
bad_case() {
	local name=$1 reason=$2 fam=$3 pfx=$4 fields=$5 check=${6:-} good gsid snap
	n_bad=$((n_bad + 1))
	if [[ $fam == 4 ]]; then good=172.16.50.$n_bad/32; else good=2001:db8:50::$n_bad/128; fi
	gsid=2a0e:97c0:ae6:3001:5$n_bad::
	log "-- $name: expect $reason"
	snap=$(rej_snap)
	inject_batch <<EOF
[{"op": "add", "family": $fam, "rd": "10.5.5.5:$n_bad", "prefix": "$pfx", "nexthop": "$INJ_BGP", $fields},
 {"op": "add", "family": $fam, "rd": "10.3.3.3:101", "prefix": "$good", "rt": ["$RT1"],
  "nexthop": "$INJ_BGP", "sid": "$gsid", "behavior": 20}]
EOF
	expect_reject "$snap" "$reason" "$pfx"
	wait_route "$VRF" "$good" "$gsid"
	[[ -z $check ]] || eval "$check"
	inject_batch <<EOF
[{"op": "del", "family": $fam, "rd": "10.5.5.5:$n_bad", "prefix": "$pfx"},
 {"op": "del", "family": $fam, "rd": "10.3.3.3:101", "prefix": "$good"}]
EOF
	wait_no_route "$good"
	wait_clean
}
SIDX=2a0e:97c0:ae6:2001:40::
bad_case "no Prefix-SID" no_sid 4 172.16.41.0/24 "\"rt\": [\"$RT1\"], \"no_sid\": true"
bad_case "L3 Service TLV without a SID Information Sub-TLV" no_sid 6 2001:db8:41::/64 \
	"\"rt\": [\"$RT1\"], \"empty_l3\": true"
bad_case "End (1)" behavior_unusable 4 172.16.42.0/24 "\"rt\": [\"$RT1\"], \"sid\": \"$SIDX\", \"behavior\": 1"
bad_case "End.DT6 on VPNv4" behavior_family 4 172.16.43.0/24 "\"rt\": [\"$RT1\"], \"sid\": \"$SIDX\", \"behavior\": 18"
bad_case "End.DX4 on VPNv6" behavior_family 6 2001:db8:43::/64 "\"rt\": [\"$RT1\"], \"sid\": \"$SIDX\", \"behavior\": 17"
bad_case "transposition of 24 bits" bad_structure 4 172.16.44.0/24 \
	"\"rt\": [\"$RT1\"], \"sid\": \"2a0e:97c0:ae6:2001::\", \"label\": 4096, \"behavior\": 19, \"structure\": \"40,24,16,0,24,64\""
bad_case "lengths over 128" bad_structure 6 2001:db8:44::/64 \
	"\"rt\": [\"$RT1\"], \"sid\": \"$SIDX\", \"behavior\": 18, \"structure\": \"64,48,16,16,0,0\""
bad_case "SID in our own locator" sid_local 4 172.16.45.0/24 \
	"\"rt\": [\"$RT1\"], \"sid\": \"2a0e:97c0:ae6:1001:45::\", \"behavior\": 19"
bad_case "no route target" no_route_target 6 2001:db8:46::/64 "\"sid\": \"$SIDX\", \"behavior\": 20"
# A 15-byte SID field: GoBGP's AddPath takes it and its encoder writes it as
# is, so everything behind it in the SID Information Sub-TLV moves up one
# byte on the wire. The receiving gobgpd always reads 16 bytes: the flags
# byte completes the SID and the behaviour becomes 0x13 0x00 (4864); with a
# Structure Sub-Sub-TLV behind it, that no longer parses and gobgpd discards
# the whole Prefix-SID (RFC 7606 attribute discard).
SID15=2a0e97c00ae6200100470000000000
bad_case "15-byte SID field, no structure" behavior_unusable 4 172.16.47.0/24 \
	"\"rt\": [\"$RT1\"], \"sid_hex\": \"$SID15\", \"behavior\": 19" \
	'[[ $(pe1_rib vpnv4 172.16.47.0/24) == *" field 2a0e:97c0:ae6:2001:47:: behavior 4864 "* ]] ||
		fail "15-byte SID in our gobgpd: $(pe1_rib vpnv4 172.16.47.0/24)"
	log "our gobgpd: $(pe1_rib vpnv4 172.16.47.0/24)"'
bad_case "15-byte SID field, with a structure" no_sid 6 2001:db8:47::/64 \
	"\"rt\": [\"$RT1\"], \"sid_hex\": \"$SID15\", \"behavior\": 18, \"structure\": \"48,16,16,0,0,0\"" \
	'grep -q "Some attributes were discarded.*Prefix SID Sub Sub TLV malformed" "$WORK/pe1-gobgpd.log" ||
		fail "our gobgpd did not discard the misaligned Prefix-SID"
	log "our gobgpd: $(grep -m1 "Some attributes were discarded" "$WORK/pe1-gobgpd.log" | sed "s/^.*msg=//")"'
log "not testable over GoBGP: bad_sid (its decoder always reads a 16-byte SID field, above);" \
	"no_label (NewMPLSLabelStack turns an empty label stack into label 0)"

section "6. a replaced path keeps only the new SID; a bad replacement removes it"
inject_ok add --family 6 --rd 10.2.2.2:101 --prefix 2001:db8:60::/64 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:2001:60:: --behavior 20
wait_route "$VRF" 2001:db8:60::/64 2a0e:97c0:ae6:2001:60::
inject_ok add --family 6 --rd 10.2.2.2:101 --prefix 2001:db8:60::/64 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:3001:60:: --behavior 20
wait_route "$VRF" 2001:db8:60::/64 2a0e:97c0:ae6:3001:60::
log "replaced: $(route_of "$VRF" 2001:db8:60::/64)"
snap=$(rej_snap)
inject_ok add --family 6 --rd 10.2.2.2:101 --prefix 2001:db8:60::/64 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:3001:60:: --behavior 1
expect_reject "$snap" behavior_unusable 2001:db8:60::/64
wait_no_route 2001:db8:60::/64
log "replaced by an End version: the route is gone"
# again, with a bad version the helper refuses while decoding (block length 200)
inject_ok add --family 6 --rd 10.2.2.2:101 --prefix 2001:db8:60::/64 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:3001:60:: --behavior 20
wait_route "$VRF" 2001:db8:60::/64 2a0e:97c0:ae6:3001:60::
snap=$(rej_snap)
inject_ok add --family 6 --rd 10.2.2.2:101 --prefix 2001:db8:60::/64 --rt "$RT1" --nexthop "$INJ_BGP" \
	--sid 2a0e:97c0:ae6:3001:60:: --behavior 20 --structure 200,16,16,0,0,0
expect_reject "$snap" bad_structure 2001:db8:60::/64
wait_no_route 2001:db8:60::/64
log "replaced by a version with block length 200: the route is gone"
inject_ok del --family 6 --rd 10.2.2.2:101 --prefix 2001:db8:60::/64

section "7. counters, srv6d still answers, clean exits"
wait_clean
bgp_helper_stats >&2
[[ -z $(bgp_routes "$VRF") && -z $(bgp_routes "$VRF2") ]] ||
	fail "BGP routes left: $(bgp_routes "$VRF"); $(bgp_routes "$VRF2")"
[[ $(bgp_helper_get import.route_errors) == 0 ]] || fail "route_errors: $(bgp_helper_get import)"
[[ $(bgp_helper_get rejected.srv6d_refused) == 0 ]] || fail "srv6d refused routes: $(bgp_helper_get rejected)"
log "rejected over the run: $(rej_delta "$rej0")"
rpc_ok system.info >/dev/null
bgp_stop_helper
stop_srv6d
log "PASS: cases in $((($(date +%s%N) - t_cases) / 1000000)) ms, $((($(date +%s%N) - t_start) / 1000000)) ms in all"
