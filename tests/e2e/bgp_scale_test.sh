#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# BGP route rate, end to end, both directions, in one run (the BGP L3VPN
# topology of bgp_l3vpn_test.sh):
#   import  FRR announces N VPNv4 /32s -> gobgpd -> srv6-bgp -> srv6d's FIB
#           (measured until route.list holds all N, then until all are gone)
#   export  N static routes added to srv6d's VRF -> srv6-bgp -> gobgpd -> FRR
#           bgpd (the reference on every kernel: measured until bgpd has
#           received all N, "show bgp ipv4 vpn summary json" pfxRcd) and,
#           where the kernel has seg6 lwtunnel, -> zebra -> PE2's kernel FIB
#           (FRR's own pipeline: measured until `ip route` shows N encap
#           seg6 routes). Without CONFIG_IPV6_SEG6_LWTUNNEL zebra cannot
#           install them; the log says which references were measured.
# A sample of the imported routes is checked with route.get (FRR's SID as next
# hop), and one of them, a host on CE2, with a ping from CE1: both ways
# through PE2's seg6local End.DX4 where the kernel has it, else one way
# (FRR's IPv4 SID a local address of PE2 with seg6_enabled: the kernel's
# built-in SRH decap; every echo request counted at CE2, PE2 drops the
# replies). The numbers go to the log and to $BGP_SCALE_REPORT when set.
#   bgp_scale_test.sh [N]        (default 5000)
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/bgp_topo.sh"
. "$E2E_DIR/bgp_lib.sh"
e2e_init bgp_scale
bgp_require_tools
bgp_require_helper
N=${1:-${BGP_SCALE_N:-5000}}
# the kernel's part: lwt (seg6 lwtunnel + seg6local: FRR's kernel FIB, End.DX4)
# or srh (built-in SRH decap only)
if kernel_has seg6_lwt && kernel_has seg6local; then KDP=lwt; else KDP=srh; fi

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
rate() { $PY -c "import sys; n, ms = int(sys.argv[1]), int(sys.argv[2]); print('%.0f' % (n * 1000.0 / max(ms, 1)))" "$1" "$2"; }

# srv6d holds at least COUNT BGP routes in $VRF (one entry at offset COUNT-1)
srv6d_has_at_least() {
	rpc route.list "{\"vrf\": \"$VRF\", \"owner\": \"bgp\", \"offset\": $(($1 - 1)), \"limit\": 1}" |
		$PY -c 'import json, sys; sys.exit(0 if json.load(sys.stdin).get("result") else 1)'
}

section "topology and helper"
bgp_l3vpn_up
bgp_start_helper
bgp_wait_helper_synced 30
base=$(bgp_route_count)
[[ $base == 2 ]] || fail "expected FRR's 2 routes before the scale test, got $base: $(bgp_routes)"
FRR_SID4=$(bgp_pe2_sid ipv4)

# One of the announced prefixes is a host on CE2, so that a ping checks that
# a route learnt in the burst forwards (PE2's End.DX4 delivers to CE2).
PROBE4=10.100.0.7
nsx ce2 ip addr add "$PROBE4/32" dev lo
if [[ $KDP == srh ]]; then
	log "kernel without seg6 lwtunnel (CONFIG_IPV6_SEG6_LWTUNNEL): the probe ping goes one way" \
		"(PE2's built-in SRH decap), the export is measured to FRR's BGP RIB, not its kernel FIB"
	bgp_pe2_drop_replies
	# the decapsulated packet is routed by PE2's table (End.DX4 would hand
	# it to CE2 whatever its destination): the probe host lives behind CE2
	nsx pe2 ip route add "$PROBE4/32" via "$CE2_V4" dev veth-pe2-ce
fi
bgp_pe2_install_sids >/dev/null

section "import: FRR announces $N VPNv4 prefixes"
t0=$(date +%s%N)
bgp_scale_announce "$N" network >/dev/null
t_gobgp=$(ms_since "$t0")
wait_until "srv6d_has_at_least $((base + N))" 180 0.05 ||
	fail "srv6d has $(bgp_route_count) BGP routes, want $((base + N)) after 180 s"
t_import=$(ms_since "$t0")
srv6d_has_at_least $((base + N + 1)) && fail "srv6d has more than $((base + N)) BGP routes"
log "import: FRR -> gobgpd $t_gobgp ms, FRR -> srv6d $t_import ms for $N routes ($(rate "$N" "$t_import") routes/s end to end)"
for a in 10.100.0.0 10.100.0.7 10.100.$(((N - 1) / 256)).$(((N - 1) % 256)); do
	out=$(rpc route.get "{\"vrf\": \"$VRF\", \"address\": \"$a\"}")
	grep -q "\"$FRR_SID4\"" <<<"$out" || fail "route.get $a: $out (want next hop $FRR_SID4)"
done
log "route.get: 3 sampled prefixes point at FRR's SID $FRR_SID4"
if [[ $KDP == lwt ]]; then
	ping_warm ce1 "$PROBE4" 10
	ping_ok ce1 "$PROBE4" 3 0.2
	log "CE1 reaches $PROBE4 on CE2 (and back) through a route of the burst"
else
	bgp_oneway_warm ce1 "$PROBE4" 10
	bgp_ping_oneway ce1 "$PROBE4" 3 0.2
	log "CE1's echo requests reach $PROBE4 on CE2 through a route of the burst (one way)"
fi
bgp_helper_stats | $PY -c 'import json,sys; s=json.load(sys.stdin); print("helper import:", json.dumps(s["import"]))' >&2

section "import: FRR withdraws them"
t0=$(date +%s%N)
bgp_scale_withdraw >/dev/null
t_gobgp_w=$(ms_since "$t0")
wait_until "! srv6d_has_at_least $((base + 1))" 180 0.05 ||
	fail "srv6d still has $(bgp_route_count) BGP routes after the withdraw"
t_withdraw=$(ms_since "$t0")
log "withdraw: FRR -> gobgpd $t_gobgp_w ms, FRR -> srv6d $t_withdraw ms ($(rate "$N" "$t_withdraw") routes/s, includes the ${SRV6BGP_WITHDRAW_HOLD:-300} ms withdraw hold)"

if [[ $KDP == lwt ]]; then
	section "export: $N static routes in srv6d -> FRR's BGP RIB and kernel FIB (FRR's own pipeline)"
else
	section "export: $N static routes in srv6d -> FRR's BGP RIB (no seg6 lwtunnel: no kernel FIB)"
fi
rib_before=$(bgp_frr_rx_count ipv4)
fib_before=$(bgp_frr_seg6_count 4)
$PY - "$N" "$VRF" "$CE1_V4" >"$WORK/export.lines" <<'EOF'
import json, sys
n, vrf, via = int(sys.argv[1]), sys.argv[2], sys.argv[3]
batch, rid = [], 1
for i in range(n):
    batch.append({"jsonrpc": "2.0", "id": rid, "method": "route.add",
                  "params": {"vrf": vrf, "prefix": "10.200.%d.%d/32" % (i // 256, i % 256),
                             "nexthops": [{"type": "ip", "via": via, "port": "ce0"}]}})
    rid += 1
    if len(batch) == 500 or i == n - 1:
        print(json.dumps(batch))
        batch = []
EOF
t0=$(date +%s%N)
$PY "$E2E_DIR/rpc.py" --socket "$SOCK" --lines <"$WORK/export.lines" >"$WORK/export.out" ||
	fail "route.add batches failed: $(grep -m1 error "$WORK/export.out")"
t_add=$(ms_since "$t0")
# both references polled together: the prefixes bgpd received from us, and
# (lwt) the encap seg6 routes zebra put in PE2's kernel
t_rib= t_fib=
end=$(($(date +%s) + 180))
while :; do
	[[ -z $t_rib ]] && (($(bgp_frr_rx_count ipv4) >= rib_before + N)) && t_rib=$(ms_since "$t0")
	[[ $KDP == lwt && -z $t_fib ]] && (($(bgp_frr_seg6_count 4) >= fib_before + N)) && t_fib=$(ms_since "$t0")
	[[ -n $t_rib && ($KDP == srh || -n $t_fib) ]] && break
	(($(date +%s) >= end)) && fail "after 180 s FRR's bgpd has $(bgp_frr_rx_count ipv4) VPNv4 prefixes from us" \
		"(want $((rib_before + N))), PE2's kernel $(bgp_frr_seg6_count 4) seg6 routes (want $((fib_before + N)) with lwt)"
	sleep 0.1
done
# a sample in FRR's RIBs: our SID (bgpd) and zebra's seg6 next hop
OUR_SID=$(bgp_our_sid)
for p in 10.200.0.0/32 10.200.0.5/32 10.200.$(((N - 1) / 256)).$(((N - 1) % 256))/32; do
	wait_until "bgp_frr_rib_has 4 $p $OUR_SID" 30 0.2 || fail "FRR's RIBs for $p: $(bgp_frr_show 4 $p)"
done
log "FRR's RIBs: 3 sampled prefixes toward our SID $OUR_SID (bgpd's path, zebra's seg6 next hop)"
log "export: route.add x$N into srv6d $t_add ms; srv6d -> FRR's BGP RIB $t_rib ms ($(rate "$N" "$t_rib") routes/s)"
export_report="export_ref=frr_bgp_rib export_ms=$t_rib export_rps=$(rate "$N" "$t_rib")"
if [[ $KDP == lwt ]]; then
	log "export: srv6d -> FRR's kernel FIB $t_fib ms ($(rate "$N" "$t_fib") routes/s)"
	nsx pe2 ip route show 10.200.0.5/32 >&2
	export_report="export_ref=frr_kernel_fib export_ms=$t_fib export_rps=$(rate "$N" "$t_fib")"
	export_report+=" export_rib_ms=$t_rib export_rib_rps=$(rate "$N" "$t_rib")"
else
	log "export: srv6d -> FRR's kernel FIB not measured: zebra cannot install seg6 routes without" \
		"CONFIG_IPV6_SEG6_LWTUNNEL; the reference measured is FRR's BGP RIB (pfxRcd)"
fi
bgp_helper_stats | $PY -c 'import json,sys; s=json.load(sys.stdin); print("helper export:", json.dumps(s["export"]))' >&2

section "summary"
report="bgp_scale N=$N import_ms=$t_import import_rps=$(rate "$N" "$t_import") withdraw_ms=$t_withdraw withdraw_rps=$(rate "$N" "$t_withdraw") frr_to_gobgpd_ms=$t_gobgp $export_report"
log "$report"
[[ -n ${BGP_SCALE_REPORT:-} ]] && echo "$report" >>"$BGP_SCALE_REPORT"
bgp_stop_helper
stop_srv6d
log "PASS"
