# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# srv6-bgp helpers for the BGP e2e tests and the demo. Source after lib.sh
# and bgp_topo.sh. The helper runs in pe1 next to srv6d and gobgpd; its
# counters socket is $WORK/srv6-bgp.sock (next to srv6d's socket).

SRV6BGP=${SRV6BGP:-$BUILD_DIR/app/srv6-bgp/srv6-bgp}
SRV6BGP_ARGS=${SRV6BGP_ARGS:---settle 1000}

bgp_require_helper() {
	[[ -x $SRV6BGP ]] || skip "srv6-bgp not built at $SRV6BGP (needs libgrpc-dev, protobuf-c)"
}

# bgp_start_helper: srv6-bgp in pe1 (log $WORK/srv6-bgp.log), PID-tracked
bgp_start_helper() {
	[[ -z ${E2E_BG[srv6-bgp]:-} ]] || fail "srv6-bgp already running"
	# shellcheck disable=SC2086
	bg_start srv6-bgp pe1 "$SRV6BGP" --socket "$SOCK" --gobgp "$GOBGP_API" \
		--locator "$BGP_LOCATOR" $SRV6BGP_ARGS -v
	log "srv6-bgp started in pe1, pid ${E2E_BG[srv6-bgp]}"
	wait_until "bgp_helper_stats >/dev/null" 10 0.1 || fail "srv6-bgp serves no counters"
}

# bgp_stop_helper: SIGTERM; the helper must exit 0
bgp_stop_helper() {
	local rc=0
	bg_stop srv6-bgp TERM 10 || rc=$?
	[[ $rc == 0 ]] || fail "srv6-bgp exited with status $rc after SIGTERM (expected 0)"
	log "srv6-bgp stopped (exit 0)"
}

# bgp_helper_stats: the helper's counters (JSON)
bgp_helper_stats() { nsx pe1 "$SRV6BGP" --socket "$SOCK" stats 2>/dev/null; }

# bgp_helper_get KEY.PATH: one counter, e.g. import.routes, settled
bgp_helper_get() {
	bgp_helper_stats | $PY -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[k]
print(json.dumps(v) if isinstance(v, (bool, dict, list)) else v)' "$1"
}

# bgp_helper_synced: both sides connected, gobgpd's table settled, srv6d's
# route.sync_end done
bgp_helper_synced() {
	bgp_helper_stats | $PY -c '
import json, sys
s = json.load(sys.stdin)
ok = s["srv6d_connected"] and s["gobgpd_connected"] and s["settled"] and not s["sync_pending"]
sys.exit(0 if ok else 1)'
}

bgp_wait_helper_synced() {
	wait_until bgp_helper_synced "${1:-30}" 0.2 ||
		fail "srv6-bgp not in sync after ${1:-30} s: $(bgp_helper_stats)"
}

# bgp_routes [VRF]: srv6d's BGP routes, one "prefix sid[,sid]" line each, sorted
bgp_routes() {
	rpc route.list "{\"vrf\": \"${1:-$VRF}\", \"owner\": \"bgp\"}" | $PY -c '
import json, sys
for r in json.load(sys.stdin).get("result", []):
    sids = [s for nh in r.get("nexthops", []) for s in nh.get("segments", [])]
    print(r["prefix"], ",".join(sids))' | sort
}

# bgp_route_count [VRF]: how many BGP routes srv6d has
bgp_route_count() {
	rpc route.list "{\"vrf\": \"${1:-$VRF}\", \"owner\": \"bgp\"}" |
		$PY -c 'import json, sys; print(len(json.load(sys.stdin).get("result", [])))'
}

# bgp_our_sid: the End.DT46 SID srv6d has for $VRF (allocated by the helper)
bgp_our_sid() {
	rpc sid.list | $PY -c '
import json, sys
for s in json.load(sys.stdin).get("result", []):
    if s.get("vrf") == sys.argv[1] and s.get("behavior") == sys.argv[2]:
        print(s["sid"].split("/")[0]); break' "$VRF" "${1:-End.DT46}"
}

# bgp_frr_has PFX4|6 PREFIX SID: PE2's kernel routes PREFIX into SRv6 toward SID
bgp_frr_has() {
	[[ $(bgp_frr_route "$1" "$2") == *"encap seg6 mode encap segs 1 [ $3 ]"* ]]
}

# bgp_frr_network add|del 4|6 PREFIX: a "network" statement on FRR (the
# customer VRF is FRR's default VRF)
bgp_frr_network() {
	local no= af=ipv4
	[[ $1 == del ]] && no="no "
	[[ $2 == 6 ]] && af=ipv6
	bgp_frr_vtysh "configure terminal" "router bgp $BGP_AS" "address-family $af unicast" \
		"${no}network $3" "end" >/dev/null
}

# ping_flood_start NAME SHORT DST COUNT INTERVAL: a background ping whose
# summary ends up in $WORK/NAME.log
ping_flood_start() {
	bg_start "$1" "$2" ping -n -q -c "$4" -i "$5" -W 1 "$3"
}

# ping_flood_check NAME: waits for the ping to end; fails on any loss
ping_flood_check() {
	local rc=0 line
	bg_wait "$1" || rc=$?
	line=$(grep -E 'packets transmitted' "$WORK/$1.log" || true)
	log "$1: $line"
	[[ $rc == 0 && $line == *" 0% packet loss"* ]] || fail "$1 lost packets: $line (exit $rc)"
}
