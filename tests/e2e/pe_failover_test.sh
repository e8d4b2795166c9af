#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# PE redundancy across machines: two srv6d PEs at one site (A1 and A2, each
# with its own RD) announce the same VPN prefixes, site A's LAN, through FRR
# 8.4's route reflector; a remote srv6d PE (B) installs them as ECMP over
# both PEs' End.DT46 SIDs. ipsec_mesh_topo.sh's namespaces without site C
# and without IPsec (MESH_IPSEC=0): every PE is srv6d + gobgpd (hold time
# 3 s, keepalive 1 s, no graceful restart) + srv6-bgp.
#
#   CE-B --- B ---- P (Linux router, FRR RR) ----- A1 ---- CE-A (site A's LAN)
#                                           \----- A2 ----/
#
# Traffic: flows.py sends FLOWS UDP flows per family (own source port each)
# from CE-B to site A's LAN host, RATE packets/s each, with sequence
# numbers; CE-A's receiver notes each packet's incoming link, so every flow's
# path (A1 or A2), loss, duplicates, reordering and silences are measured,
# not inferred. Sections, each with a PASS line and its figures:
#   1. BGP: B has site A's LAN as ECMP over A1's and A2's SIDs.
#   2. ECMP: the flows spread over both PEs, each flow stays on one (no
#      reordering), nothing lost; the SIDs' counters agree.
#   3. planned maintenance: A1's BGP session shut down (gobgp neighbor
#      disable: a Cease NOTIFICATION, the RR withdraws at once), B moves
#      A1's flows to A2 while A1 still forwards, A1 stopped, then started
#      again from its configuration (srv6d, gobgpd, srv6-bgp) and back in
#      B's ECMP. Nothing may be lost in the whole section.
#   4. unplanned failure: the PE carrying the most flows dies (links down,
#      every process SIGKILL: nothing tells anyone). Its flows are lost
#      until the RR's hold timer (3 s) expires and it withdraws the dead
#      PE's paths, srv6-bgp (300 ms withdraw hold) and srv6d commit B's new
#      route; then they resume through the survivor. The survivor's flows
#      lose nothing. Bound: FAILOVER_BOUND_S (default 6 s: 3 s hold time, up
#      to 1 s until the RR's next hold check, the withdraw hold, and up to
#      about 1.5 s of scheduling on two shared vCPUs). The figures printed:
#      when B's route changed, each flow's outage, the packets lost.
#   5. the dead PE returns (links up, started from its saved configuration):
#      back in B's ECMP, nothing lost (its neighbour hold queue covers the
#      first packets toward CE-A).
# Needs FRR, GoBGP and srv6-bgp (skips, 77, without them); no kernel SRv6.
#   FAILOVER_FLOWS (16 per family), FAILOVER_RATE (50), FAILOVER_BOUND_S (6)
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/bgp_topo.sh"
. "$E2E_DIR/bgp_lib.sh"
. "$E2E_DIR/bgp_rr_topo.sh"
. "$E2E_DIR/ipsec_mesh_topo.sh"
MESH_PES=(a1 a2 b)
MESH_IPSEC=0
FAILOVER_BOUND_S=${FAILOVER_BOUND_S:-6}
FLOWS=${FAILOVER_FLOWS:-16}
RATE=${FAILOVER_RATE:-50}
FLOW_PORT=9000
export LC_ALL=C
e2e_init pe_failover
trap mesh_trap EXIT
mesh_require_tools
T_START=$(date +%s%N)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
SUMMARY=()
pass() {
	log "PASS $*"
	SUMMARY+=("$*")
}

# ---------------------------------------------------------------- traffic

# flows_start NAME: CE-A's receiver, then CE-B's FLOWS x 2 flows to site A's
# LAN host (files $WORK/NAME-{sent,recv,report}.json)
flows_start() {
	local n=$1 gap
	gap=$($PY -c "print(3.0 / $RATE)")
	bg_start "$n-recv" cea "$PY" "$E2E_DIR/flows.py" recv --port $FLOW_PORT --gap "$gap" --out "$WORK/$n-recv.json"
	wait_until "grep -q receiving '$WORK/$n-recv.log'" 10 0.05 ||
		fail "flows.py recv did not start: $(cat "$WORK/$n-recv.log")"
	bg_start "$n-send" ceb "$PY" "$E2E_DIR/flows.py" send --dst4 "$MESH_HOST_A4" --dst6 "$MESH_HOST_A6" \
		--port $FLOW_PORT --flows "$FLOWS" --rate "$RATE" --out "$WORK/$n-sent.json"
}

# flows_stop NAME [EVENT]: stops the sender, lets the last packets arrive,
# stops the receiver, writes and prints the report (times relative to EVENT,
# a date +%s.%N, when given)
flows_stop() {
	local n=$1 ev=${2:-} rc=0
	bg_stop "$n-send" TERM 10 || rc=$?
	[[ $rc == 0 ]] || fail "flows.py send exited with $rc: $(tail -5 "$WORK/$n-send.log")"
	sleep 0.5
	bg_stop "$n-recv" TERM 10 || rc=$?
	[[ $rc == 0 ]] || fail "flows.py recv exited with $rc: $(tail -5 "$WORK/$n-recv.log")"
	$PY "$E2E_DIR/flows.py" report --sent "$WORK/$n-sent.json" --recv "$WORK/$n-recv.json" \
		${ev:+--event "$ev"} --if veth-cea-a1=a1 --if veth-cea-a2=a2 --out "$WORK/$n-report.json" |
		sed 's/^/    /' >&2
}

# flows_q NAME EXPR: a Python expression over the report r (json)
flows_q() {
	$PY -c '
import json, sys
r = json.load(open(sys.argv[1]))
fl = r["flows"].values()
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list)) else v)' "$WORK/$1-report.json" "$2"
}

# flows_no_loss NAME WHAT: every flow got every packet, none twice
flows_no_loss() {
	local lost dups errs
	lost=$(flows_q "$1" 'r["total"]["lost"]')
	dups=$(flows_q "$1" 'r["total"]["dups"]')
	errs=$(flows_q "$1" 'sum(f["send_errors"] for f in fl)')
	[[ $errs == 0 ]] || fail "$2: CE-B's sender could not send $errs packets"
	[[ $lost == 0 && $dups == 0 ]] ||
		fail "$2: $lost packets lost, $dups duplicated: $(flows_q "$1" '{k: (f["lost"], f["paths"]) for k, f in r["flows"].items() if f["lost"]}')"
}

# b_site_a: B's next hops for site A's LAN (IPv4), "sid=-,sid=-"
b_site_a() { mesh_routes b | awk -v p="$MESH_LAN_A4" '$1 == p { print $2 }'; }
# b_avoids PE: no route of B leads to PE's SID
b_avoids() { ! mesh_routes b | grep -q "${SID[$1]}="; }

# pe_start PE: srv6d from its configuration, gobgpd, srv6-bgp, as mesh_up
pe_start() {
	local pe=$1
	rr_start_srv6d "$pe" "$WORK/$pe.json"
	rr_start_gobgpd "$pe"
	wait_until "mesh_established $pe" 60 0.2 || fail "$pe: BGP not Established in 60 s after its start"
	SRV6BGP_ARGS=$(mesh_helper_args "$pe") rr_start_helper "$pe"
}

section "topology: CE-B - B - P (Linux, FRR RR) - A1, A2 - CE-A"
mesh_up
mesh_read_sids
t0=$(date +%s%N)
mesh_wait_routes
ECMP_WANT=$(printf '%s=-\n' "${SID[a1]}" "${SID[a2]}" | sort | paste -sd,)
[[ $(b_site_a) == "$ECMP_WANT" ]] || fail "B's next hops for $MESH_LAN_A4: '$(b_site_a)', want '$ECMP_WANT'"
ctl_on b route list vrf "$VRF" >&2 || true
pass "1 BGP: B routes site A's LAN over A1 (RD ${RR_RDS[a1]})" \
	"and A2 (RD ${RR_RDS[a2]}) as ECMP, $(ms_since "$t0") ms after the helpers started"

section "warm-up: every neighbour on every path"
ping_warm ceb "$MESH_HOST_A4" 30
ping_warm ceb "$MESH_HOST_A6" 30
for pe in a1 a2; do
	# from CE-A's link to each PE: the answer comes back through that PE,
	# which so resolves CE-A on its link (the next hop of site A's LAN)
	ping_warm cea "${MESH_CE_V4[b]}" 30 -I "${MESH_CE_V4[$pe]}"
	ping_warm cea "${MESH_CE_V6[b]}" 30 -I "${MESH_CE_V6[$pe]}"
done

section "2. ECMP: B spreads $((2 * FLOWS)) flows over A1 and A2"
declare -A S0=()
for pe in a1 a2; do S0[$pe]=$(sid_packets "$(rr_srv6d_stats "$pe")" "${SID[$pe]}"); done
flows_start ecmp
sleep 4
flows_stop ecmp
flows_no_loss ecmp "ECMP"
declare -A NFLOWS=()
for pe in a1 a2; do
	NFLOWS[$pe]=$(flows_q ecmp "sum(1 for f in fl if f['path_final'] == '$pe')")
	got=$(flows_q ecmp "sum(f['received'] for f in fl if f['path_final'] == '$pe')")
	sid=$(($(sid_packets "$(rr_srv6d_stats "$pe")" "${SID[$pe]}") - S0[$pe]))
	((sid >= got)) || fail "$pe: its SID counted $sid packets, CE-A received $got through it"
	log "$pe: ${NFLOWS[$pe]} flows, $got packets received through it; its SID counted $sid"
done
((NFLOWS[a1] > 0 && NFLOWS[a2] > 0)) || fail "B did not spread the flows: A1 ${NFLOWS[a1]}, A2 ${NFLOWS[a2]}"
moved=$(flows_q ecmp 'sum(f["path_changes"] for f in fl)')
reord=$(flows_q ecmp 'r["total"]["reordered"]')
[[ $moved == 0 && $reord == 0 ]] || fail "ECMP: flows changed path $moved times, $reord packets reordered"
pass "2 ECMP: $((2 * FLOWS)) flows, ${NFLOWS[a1]} through A1 and ${NFLOWS[a2]} through A2, each on one path," \
	"$(flows_q ecmp 'r["total"]["received"]') packets, none lost or reordered"

section "3. planned maintenance of A1: BGP shut down, stopped, started again, under traffic"
flows_start drain
sleep 2
T_DRAIN=$(date +%s.%N)
t0=$(date +%s%N)
rr_gobgp a1 neighbor "$RR_ADDR" disable --reason "maintenance" ||
	fail "gobgp neighbor $RR_ADDR disable on A1 failed"
wait_until 'b_avoids a1' 20 0.02 || fail "B still routes to A1's SID 20 s after A1's session was shut down: $(mesh_routes b)"
DRAIN_MS=$(ms_since "$t0")
log "B's routes left A1's SID $DRAIN_MS ms after the shutdown (RR: A1 $(rr_frr_state a1))"
sleep 1
rr_stop_helper a1
rr_stop_gobgpd a1
stop_srv6d_named a1
log "A1 stopped (srv6-bgp, gobgpd, srv6d)"
sleep 2
t0=$(date +%s%N)
pe_start a1
wait_until 'mesh_has_routes b' 60 0.05 || fail "B did not take A1 back: $(mesh_routes b)"
BACK_MS=$(ms_since "$t0")
[[ $(b_site_a) == "$ECMP_WANT" ]] || fail "B's next hops for $MESH_LAN_A4 after A1's return: '$(b_site_a)'"
log "A1 back in B's ECMP $BACK_MS ms after its srv6d started"
sleep 3
flows_stop drain "$T_DRAIN"
flows_no_loss drain "planned maintenance"
back=$(flows_q drain "sum(1 for f in fl if f['path_final'] == 'a1')")
away=$(flows_q drain "sum(1 for f in fl if f['path_at_event'] == 'a1' and 'a2' in f['moved'])")
((away > 0 && back > 0)) || fail "planned maintenance: $away flows moved off A1, $back came back"
pass "3 planned maintenance: A1's flows ($away) moved to A2 ${DRAIN_MS} ms after its BGP shutdown, A1 stopped," \
	"restarted and back in ECMP $BACK_MS ms after its start ($back flows through it again);" \
	"$(flows_q drain 'r["total"]["sent"]') packets in $(flows_q drain 'r["seconds"]') s, none lost"

section "4. unplanned: the PE carrying the most flows dies"
VICTIM=a1
((NFLOWS[a2] > NFLOWS[a1])) && VICTIM=a2
SURVIVOR=a2
[[ $VICTIM == a2 ]] && SURVIVOR=a1
flows_start kill
sleep 3
T_KILL=$(date +%s.%N)
t0=$(date +%s%N)
mesh_kill "$VICTIM"
log "$VICTIM killed (links down, srv6-bgp, gobgpd, srv6d SIGKILL) in $(ms_since "$t0") ms"
wait_until "b_avoids $VICTIM" 30 0.02 || fail "B still routes to $VICTIM's SID 30 s after it died: $(mesh_routes b)"
WITHDRAW_MS=$(ms_since "$t0")
log "B's routes left $VICTIM's SID $WITHDRAW_MS ms after the kill (RR: $VICTIM $(rr_frr_state "$VICTIM"))"
sleep 3
flows_stop kill "$T_KILL"
# the flows each PE carried when the victim died
hit=$(flows_q kill "sum(1 for f in fl if f['path_at_event'] == '$VICTIM')")
kept=$(flows_q kill "sum(1 for f in fl if f['path_at_event'] == '$SURVIVOR')")
lost_hit=$(flows_q kill "sum(f['lost'] for f in fl if f['path_at_event'] == '$VICTIM')")
lost_kept=$(flows_q kill "sum(f['lost'] for f in fl if f['path_at_event'] == '$SURVIVOR')")
worst=$(flows_q kill "max([f['outage'] for f in fl if f['path_at_event'] == '$VICTIM'] or [0])")
best=$(flows_q kill "min([f['outage'] for f in fl if f['path_at_event'] == '$VICTIM'] or [0])")
stuck=$(flows_q kill "sum(1 for f in fl if f['path_final'] != '$SURVIVOR')")
((hit > 0)) || fail "no flow went through $VICTIM when it died"
((hit + kept == 2 * FLOWS)) || fail "flows at the kill: $hit through $VICTIM, $kept through $SURVIVOR, of $((2 * FLOWS))"
[[ $stuck == 0 ]] || fail "$stuck flows did not end through $SURVIVOR"
[[ $lost_kept == 0 ]] || fail "the survivor's flows lost $lost_kept packets"
$PY -c "import sys; sys.exit(not ($worst <= $FAILOVER_BOUND_S))" ||
	fail "the longest outage, $worst s, is over the ${FAILOVER_BOUND_S} s bound"
per_flow=$($PY -c "print('%.2f' % ($lost_hit / $hit / $RATE))")
pass "4 unplanned failure: $VICTIM died carrying $hit of $((2 * FLOWS)) flows; B's route changed $WITHDRAW_MS ms" \
	"after the kill (RR hold time ${MESH_HOLD_S} s); those flows lost $lost_hit packets ($per_flow s of traffic each)," \
	"outages $best-$worst s (bound ${FAILOVER_BOUND_S} s), then all through $SURVIVOR; the $kept flows on $SURVIVOR lost none"

section "5. $VICTIM returns under traffic"
flows_start back
sleep 2
nsx "$VICTIM" ip link set "veth-$VICTIM-wan" up
nsx "$VICTIM" ip link set "veth-$VICTIM-ce" up
t0=$(date +%s%N)
pe_start "$VICTIM"
wait_until "mesh_has_routes b" 60 0.05 || fail "B did not take $VICTIM back: $(mesh_routes b)"
RET_MS=$(ms_since "$t0")
sleep 3
flows_stop back
flows_no_loss back "$VICTIM's return"
back=$(flows_q back "sum(1 for f in fl if f['path_final'] == '$VICTIM')")
((back > 0)) || fail "no flow goes through $VICTIM after its return"
pass "5 return: $VICTIM back in B's ECMP $RET_MS ms after its srv6d started, $back flows through it again," \
	"$(flows_q back 'r["total"]["sent"]') packets, none lost"

section "summary"
for s in "${SUMMARY[@]}"; do echo "  $s" >&2; done
for pe in "${MESH_PES[@]}"; do rr_stop_helper "$pe"; done
for pe in "${MESH_PES[@]}"; do stop_srv6d_named "$pe"; done
for pe in "${MESH_PES[@]}"; do rr_stop_gobgpd "$pe"; done
rr_stop_frr
log "PASS in $(ms_since "$T_START") ms"
