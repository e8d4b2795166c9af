#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Seed 002's route-based IPsec VPN mesh with srv6d (ipsec_mesh_topo.sh):
# sites A (two PEs, A1 and A2, CE-A dual-homed), B and C, every PE srv6d +
# gobgpd + srv6-bgp, BGP through FRR's route reflector on the P router, SRv6
# inside ESP (mode srv6) between every pair of PEs, the SA chosen per next
# hop by srv6-bgp --ipsec-sa. Checks, each with a PASS or FAIL line:
#   1. BGP: every PE installs the other sites' prefixes toward the SIDs the
#      other srv6-bgp allocated, each next hop bound to the SA toward that PE
#      (site A's LAN as ECMP over A1 and A2);
#   2. pings IPv4 and IPv6 between every pair of sites, both ways, and from
#      each of CE-A's links through its own PE to B, C and the other A PE's
#      own address (so that every SA carries traffic);
#   3. the wire on P's four links, judged by scapy with the test's keys
#      (ipsec_mesh_wire.py): only ESP between PEs, SRH next header 50, every
#      ESP packet decrypted to a customer's echo, every SA seen;
#   4. ipsec.sa.list: every SA of every PE counted packets, dropped none,
#      what one PE sent the other received; no key in the listing; no drop
#      counter of any srv6d grew during the pings (stats.get);
#   5. PMTU (seed 002's lesson): from CE-B with DF, the announced MTU (port
#      MTU - 40 - 8 - 16 - 37 for one segment) and the largest size that fits
#      get through, one byte more gets "frag needed" / "packet too big" with
#      the announced MTU, and CE-B's kernel learns it;
#   6. failover: steady pings CE-B -> CE-A while the site-A PE carrying them
#      dies (links down, processes killed): replies resume through the other
#      within FAILOVER_BOUND_S (default 6 s: a dead PE sends nothing, so the
#      RR drops its session at the 3 s BGP hold time and withdraws its paths;
#      then srv6-bgp's 300 ms withdraw hold and srv6d's commit, and up to
#      about 2.5 s of scheduling delay on two shared vCPUs; measured: B's
#      routes changed 3.0-3.7 s after the kill, outages 2.7-3.5 s; P's link
#      going down did not make the RR withdraw sooner). The PE killed is the
#      one B's SA counters show carrying CE-B's IPv4 pings (srv6d's ECMP
#      hash decides which), so that the flow really has to move.
#   7. rekey (doc/api.md: a rekey is a new SA): while CE-B pings CE-C every
#      10 ms (IPv4 and IPv6), both SAs between B and C are replaced make
#      before break, through srv6ctl: each receiver gets a new inbound SA
#      (new id, SPI and key) beside the old one, then each sender replaces
#      its outbound SA in place (same id, so the routes keep their binding),
#      then the old inbound SAs go. No ping lost, no drop counted (no
#      esp_unknown_spi: the new inbound SA was there first); on P's wire
#      (scapy, the test's new keys) the old SPIs before the swap, the new
#      ones after it from sequence number 1, never interleaved; the new SAs
#      count, sent = received. Negative control, that the check can fail:
#      B's outbound SA replaced with a key C lacks (pings lost, C counts
#      esp_auth_failed), then with an SPI C lacks, break before make (pings
#      lost, esp_unknown_spi); C's new inbound SA then heals it.
# Exits 77 without FRR, GoBGP, srv6-bgp or scapy's ESP.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/bgp_topo.sh"
. "$E2E_DIR/bgp_lib.sh"
. "$E2E_DIR/bgp_rr_topo.sh"
. "$E2E_DIR/ipsec_mesh_topo.sh"
FAILOVER_BOUND_S=${FAILOVER_BOUND_S:-6}
export LC_ALL=C # sort and the Python sorted() agree
e2e_init ipsec_mesh
trap mesh_trap EXIT
mesh_require_tools
T_START=$(date +%s%N)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
pass() { log "PASS $*"; }

section "topology: CE-A = A1, A2; CE-B - B; CE-C - C; all through P (Linux, FRR RR)"
mesh_up
mesh_read_sids


section "1. BGP: every PE learns the other sites' prefixes, next hops bound to SAs"
t0=$(date +%s%N)
mesh_wait_routes
echo "b: srv6ctl route list vrf $VRF" >&2
ctl_on b route list vrf "$VRF" >&2 || true
mesh_routes b | sed 's/^/    b: /' >&2
pass "1 BGP: every PE has the other sites' routes with ipsec_sa per next hop (site A ECMP over A1 and A2)" \
	"$(ms_since "$t0") ms after the helpers started"

section "2. pings between every pair of sites, IPv4 and IPv6, both ways"
declare -A STATS0=()
for pe in "${MESH_PES[@]}"; do STATS0[$pe]=$(rr_srv6d_stats "$pe"); done
for pe in "${MESH_PES[@]}"; do
	capture_start "wan-$pe" p "veth-p-$pe" ip6
done
# site_ping FROM_SITE TO_SITE FAM: CE of FROM pings the host of TO (CE-A from its LAN)
site_ping() {
	local from=$1 to=$2 fam=$3 dst src args=()
	if [[ $fam == 4 ]]; then dst=${MESH_HOST4[$to]} src=${MESH_HOST4[$from]}; else dst=${MESH_HOST6[$to]} src=${MESH_HOST6[$from]}; fi
	[[ $from != a ]] || args=(-I "$src")
	ping_warm "${MESH_SITE_CE[$from]}" "$dst" 30 "${args[@]}"
	ping_ok "${MESH_SITE_CE[$from]}" "$dst" 3 0.1 "${args[@]}"
}
for pair in a:b b:a a:c c:a b:c c:b; do
	for fam in 4 6; do site_ping "${pair%:*}" "${pair#*:}" $fam; done
done
# CE-A's link addresses route through their own PE (ip rule): each A PE to
# B and C, then to the other A PE's customer address. That echo srv6d
# answers itself: it arrives in ESP (decrypted, back to the SID, decapsulated
# into the VRF), the reply is protected toward the other A PE and routed:
# five lookups in one burst, the one thing here that carries traffic on the
# SAs between A1 and A2.
for pe in a1 a2; do
	for dst in "${MESH_HOST4[b]}" "${MESH_HOST4[c]}" "${MESH_HOST6[b]}" "${MESH_HOST6[c]}"; do
		src=${MESH_CE_V4[$pe]}
		[[ $dst != *:* ]] || src=${MESH_CE_V6[$pe]}
		ping_warm cea "$dst" 30 -I "$src"
		ping_ok cea "$dst" 3 0.1 -I "$src"
	done
done
for pe in a1 a2; do
	o=a2
	[[ $pe == a1 ]] || o=a1
	log "CE-A through $pe to $o's own address: $o's srv6d answers an echo that came in ESP, its reply goes out in ESP"
	for fam in 4 6; do
		if [[ $fam == 4 ]]; then src=${MESH_CE_V4[$pe]} dst=${RR_CE_V4[$o]}; else src=${MESH_CE_V6[$pe]} dst=${RR_CE_V6[$o]}; fi
		ping_warm cea "$dst" 15 -I "$src"
		ping_ok cea "$dst" 3 0.1 -I "$src"
	done
done
for pe in "${MESH_PES[@]}"; do capture_stop "wan-$pe"; done
pass "2 pings: A<->B, A<->C, B<->C IPv4 and IPv6 both ways, and through each of A1 and A2 to B, C and each other"

section "3. the wire on P: only ESP between PEs, decrypted by scapy with the test's keys"
want=() wanargs=() locargs=() cust=()
for x in "${MESH_PES[@]}"; do
	wanargs+=("$x=${RR_WAN[$x]}")
	locargs+=("$x=${RR_LOC[$x]}")
	cust+=("${RR_NET4[$x]}" "${RR_NET6[$x]}")
	for y in "${MESH_PES[@]}"; do [[ $x == "$y" ]] || want+=("$x>$y"); done
done
cust+=("$MESH_LAN_A4" "$MESH_LAN_A6")
out=$($PY "$E2E_DIR/ipsec_mesh_wire.py" --keys "$MESH_KEYS" --wan "${wanargs[@]}" --loc "${locargs[@]}" \
	--customer "${cust[@]}" --want "${want[@]}" -- "$WORK"/wan-*.pcap) || {
	printf '%s\n' "$out" | sed 's/^/    /' >&2
	fail "3 wire: see the errors above"
}
printf '%s\n' "$out" | sed 's/^/    /' >&2
pass "3 wire: no customer packet in clear on P, every SRv6 packet IPv6/SRH(NH 50)/ESP, all 12 SAs decrypted to echoes"

section "4. ipsec.sa.list: every SA counted, no drops, sent = received"
declare -A SA_PK=()
for pe in "${MESH_PES[@]}"; do
	list=$(rpc_ok_on "$pe" ipsec.sa.list)
	while read -r key; do
		[[ $list != *"$key"* && $list != *"${key^^}"* ]] || fail "$pe: ipsec.sa.list shows a key"
	done < <(cut -d' ' -f4 "$MESH_KEYS")
	res=$($PY -c '
import json, sys
bad = []
for s in json.load(sys.stdin)["result"]:
    d = sum((s.get("drops") or {}).values())
    print(s["id"], s["packets"], s["bytes"], d, s.get("path"))' <<<"$list") || fail "$pe: ipsec.sa.list: $list"
	n=0
	while read -r id pk by dr path; do
		n=$((n + 1))
		SA_PK[$pe:$id]=$pk
		((pk > 0 && by > 0)) || fail "$pe: SA $id counted $pk packets, $by bytes"
		[[ $dr == 0 ]] || fail "$pe: SA $id dropped $dr packets: $list"
		[[ $path == cpu-crypto ]] || fail "$pe: SA $id path $path"
	done <<<"$res"
	[[ $n == 6 ]] || fail "$pe: $n SAs in ipsec.sa.list, want 6"
done
echo "b: srv6ctl ipsec sa list" >&2
ctl_on b ipsec sa list >&2 || true
for x in "${MESH_PES[@]}"; do
	for y in "${MESH_PES[@]}"; do
		[[ $x != "$y" ]] || continue
		o=${SA_PK[$x:to-$y]} i=${SA_PK[$y:from-$x]}
		# a packet can be lost on the way (ND on P at the first ping), none made up
		((i <= o && o - i <= 2)) || fail "SA $x -> $y: $x sent $o packets, $y accepted $i"
	done
done
# and no packet of the pings was dropped anywhere (stats.get drops by reason)
for pe in "${MESH_PES[@]}"; do
	d=$(drops_delta "${STATS0[$pe]}" "$(rr_srv6d_stats "$pe")") || fail "$pe dropped packets during the pings:$(printf '\n%s' "$d")"
done
pass "4 ipsec.sa.list: 24 SAs on 4 PEs counted packets (path cpu-crypto), no drops, each PE accepted what the other sent;" \
	"no drop counter of any PE grew during the pings"

section "5. PMTU from CE-B with DF: the MTU srv6d announces for ESP in mode srv6"
PORT_MTU=$(rpc_ok_on b port.list | $PY -c '
import json, sys
print(next(p["mtu"] for p in json.load(sys.stdin)["result"] if p["name"] == "wan0"))')
SEGS=1
# doc/api.md: port MTU - IPv6 40 - SRH 8 - 16 per segment - ESP worst case 37
ANN=$((PORT_MTU - 40 - 8 - 16 * SEGS - 37))
# fits L: IPv6 + SRH + ESP header 8 + IV 8 + L + padding to 4 + 2 + ICV 16 <= MTU
fits() { (((40 + 8 + 16 * SEGS + 8 + 8 + $1 + (4 - ($1 + 2) % 4) % 4 + 2 + 16) <= PORT_MTU)); }
LMAX=$ANN
while fits $((LMAX + 1)); do LMAX=$((LMAX + 1)); done
((LMAX - ANN <= 3)) || fail "arithmetic: $((LMAX - ANN)) bytes fit beyond the announced MTU"
log "wan0 MTU $PORT_MTU, $SEGS segment: announced MTU $ANN, largest packet that fits $LMAX"
ip_route_mtu() { nsx ceb ip "-$1" route get "$2" | grep -o 'mtu [0-9]*' | head -n 1; }
for fam in 4 6; do
	if [[ $fam == 4 ]]; then hdr=28 dst=$MESH_HOST_A4 from=${RR_CE_V4[b]}; else hdr=48 dst=$MESH_HOST_A6 from=${RR_CE_V6[b]}; fi
	ping_ok ceb "$dst" 2 0.2 -M "do" -s $((ANN - hdr))
	ping_ok ceb "$dst" 2 0.2 -M "do" -s $((LMAX - hdr))
	rc=0
	out=$(nsx ceb ping -n -c 1 -W 2 -M "do" -s $((LMAX + 1 - hdr)) "$dst" 2>&1) || rc=$?
	printf '%s\n' "$out" | sed 's/^/    /' >&2
	((rc != 0)) || fail "IPv$fam: a $((LMAX + 1))-byte packet with DF got through"
	grep -Eq "From $from .*(Frag needed and DF set \(mtu = $ANN\)|Packet too big: mtu=$ANN)" <<<"$out" ||
		fail "IPv$fam: no frag needed / packet too big from $from with mtu $ANN for $((LMAX + 1)) bytes"
	[[ $(ip_route_mtu $fam "$dst") == "mtu $ANN" ]] ||
		fail "IPv$fam: CE-B's kernel has '$(nsx ceb ip "-$fam" route get "$dst")' toward $dst, want mtu $ANN"
	ping_ok ceb "$dst" 2 0.2 -M "do" -s $((ANN - hdr))
	log "IPv$fam: $ANN and $LMAX bytes through, $((LMAX + 1)) refused by $from with mtu $ANN, learnt by CE-B"
done
pass "5 PMTU: announced $ANN (= $PORT_MTU - 40 - 8 - 16 - 37), up to $LMAX bytes pass, $((LMAX + 1)) gets the error with $ANN, IPv4 and IPv6"

section "6. failover: the site-A PE carrying CE-B -> CE-A dies, the other takes over"
# which site-A PE carries each flow: the SA counters on B around 5 pings
sa_pk() { rpc_ok_on "$1" ipsec.sa.list | $PY -c '
import json, sys
print(next(s["packets"] for s in json.load(sys.stdin)["result"] if s["id"] == sys.argv[1]))' "$2"; }
declare -A CARRIER=()
for fam in 4 6; do
	dst=$MESH_HOST_A4
	[[ $fam == 4 ]] || dst=$MESH_HOST_A6
	b1=$(sa_pk b to-a1) b2=$(sa_pk b to-a2)
	ping_ok ceb "$dst" 5 0.05
	d1=$(($(sa_pk b to-a1) - b1)) d2=$(($(sa_pk b to-a2) - b2))
	CARRIER[$fam]=a1
	((d2 > d1)) && CARRIER[$fam]=a2
	log "IPv$fam CE-B -> CE-A: B sent $d1 packets to A1, $d2 to A2: carried by ${CARRIER[$fam]}"
done
VICTIM=${CARRIER[4]}
SURVIVOR=a2
[[ $VICTIM == a2 ]] && SURVIVOR=a1
INTERVAL=0.05
N=$(((2 + FAILOVER_BOUND_S + 4) * 20))
for fam in 4 6; do
	dst=$MESH_HOST_A4
	[[ $fam == 4 ]] || dst=$MESH_HOST_A6
	bg_start "fo$fam" ceb ping -n -D -i $INTERVAL -c $N -W 1 "$dst"
done
sleep 2
T_KILL=$(date +%s.%N)
t0=$(date +%s%N)
mesh_kill "$VICTIM"
log "$VICTIM killed (links down, srv6-bgp, gobgpd, srv6d SIGKILL) in $(ms_since "$t0") ms"
# B and C: the victim's SID leaves every route
gone() { ! mesh_routes "$1" | grep -q "${SID[$VICTIM]}="; }
wait_until 'gone b' 30 0.05 || fail "B still routes to $VICTIM's SID 30 s after it died: $(mesh_routes b)"
log "B's routes dropped $VICTIM's SID $(ms_since "$t0") ms after the kill (RR: $VICTIM $(rr_frr_state "$VICTIM"))"
wait_until 'gone c' 30 0.05 || fail "C still routes to $VICTIM's SID: $(mesh_routes c)"
for fam in 4 6; do
	rc=0
	bg_wait "fo$fam" || rc=$?
	res=$($PY - "$WORK/fo$fam.log" "$T_KILL" "$INTERVAL" <<'EOF'
import re, sys
log, t_kill, iv = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ts, seqs, tx = [], [], 0
for line in open(log):
    m = re.match(r"\[(\d+\.\d+)\].*icmp_seq=(\d+) ", line)
    if m and "bytes from" in line:
        ts.append(float(m.group(1)))
        seqs.append(int(m.group(2)))
    m = re.match(r"(\d+) packets transmitted", line)
    if m:
        tx = int(m.group(1))
# the longest silence between two replies, and whether replies came after the kill
gap, at = 0.0, 0.0
for a, b in zip(ts, ts[1:]):
    if b - a > gap:
        gap, at = b - a, a
after = sum(1 for t in ts if t > t_kill)
lost = tx - len(set(seqs))
# the outage: the silence minus the interval a reply is due anyway
print(tx, len(set(seqs)), lost, "%.2f" % max(0.0, gap - iv), "%.2f" % (at - t_kill), after,
      max(seqs) if seqs else 0)
EOF
	)
	read -r tx rx lost outage gap_at after last <<<"$res"
	log "IPv$fam CE-B -> CE-A during the failover: $tx sent, $rx answered, $lost lost ($(
		$PY -c "print('%.1f' % (100.0 * $lost / max($tx, 1)))")%), longest outage ${outage} s starting ${gap_at} s after the kill, $after replies after it, last seq $last"
	((after > 0)) || fail "IPv$fam: no reply after $VICTIM died"
	((last >= tx - 2)) || fail "IPv$fam: replies stopped at seq $last of $tx"
	$PY -c "import sys; sys.exit(not ($outage <= $FAILOVER_BOUND_S))" ||
		fail "IPv$fam: outage $outage s, more than the ${FAILOVER_BOUND_S} s bound"
done
# what is left: site A through the survivor only, every pair still talks
want_a="$MESH_LAN_A4 ${SID[$SURVIVOR]}=to-$SURVIVOR"
for pe in b c; do
	grep -qx "$want_a" <<<"$(mesh_routes "$pe")" || fail "$pe: site A's LAN not via $SURVIVOR alone: $(mesh_routes "$pe")"
done
for pair in c:a a:c a:b; do
	for fam in 4 6; do site_ping "${pair%:*}" "${pair#*:}" $fam; done
done
pass "6 failover: $VICTIM died, CE-B -> CE-A (carried by ${CARRIER[4]} for IPv4, ${CARRIER[6]} for IPv6) back through $SURVIVOR" \
	"within the ${FAILOVER_BOUND_S} s bound; B and C route site A through $SURVIVOR only"

section "7. rekey B <-> C make before break while CE-B pings CE-C every 10 ms"
t7=$(date +%s%N)
# sa_field PE ID FIELD: one field of an SA in ipsec.sa.list ("-" when the SA
# is absent); drops.REASON one drop counter, drops their sum
sa_field() { rpc_ok_on "$1" ipsec.sa.list | $PY -c '
import json, sys
sa = next((s for s in json.load(sys.stdin)["result"] if s["id"] == sys.argv[1]), None)
v = sa
for k in sys.argv[2].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else None
print("-" if v is None else sum(v.values()) if isinstance(v, dict) else v)' "$2" "$3"; }
# stat_drop PE REASON: one drop counter of PE's stats.get
stat_drop() { rr_srv6d_stats "$1" | $PY -c '
import json, sys
print((json.load(sys.stdin).get("drops") or {}).get(sys.argv[1], 0))' "$2"; }
# answered DST: how many of 5 pings CE-B -> DST were answered (loss expected)
answered() {
	local out
	out=$(nsx ceb ping -n -c 5 -i 0.1 -W 1 "$1" 2>&1) || true
	sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out"
}
routes_b0=$(mesh_routes b) routes_c0=$(mesh_routes c)
if ! grep -q "=to-c" <<<"$routes_b0" || ! grep -q "=to-b" <<<"$routes_c0"; then
	fail "B's and C's routes are not bound to to-c and to-b: $routes_b0 / $routes_c0"
fi
declare -A NEWSPI=() NEWKEY=()
for pair in b:c c:b; do
	x=${pair%:*} y=${pair#*:}
	NEWSPI[$pair]=$(mesh_spi "$x" "$y" 1)
	NEWKEY[$pair]=$(mesh_new_key)
	# the judge's table: old and new SAs (keys.tsv stays 0600)
	printf '%s %s %s %s\n' "$x" "$y" "${NEWSPI[$pair]}" "${NEWKEY[$pair]}" >>"$MESH_KEYS"
done
STATS7B=$(rr_srv6d_stats b) STATS7C=$(rr_srv6d_stats c)
capture_start rekey p veth-p-b ip6
# 3.5 s at 10 ms (5-6 s here: ping's timer on two busy vCPUs), the rekey ~1 s in
REKEY_N=350
for fam in 4 6; do
	dst=${MESH_HOST4[c]}
	[[ $fam == 4 ]] || dst=${MESH_HOST6[c]}
	bg_start "rk$fam" ceb ping -n -i 0.01 -c $REKEY_N -W 2 "$dst"
done
sleep 0.8
# 1. each receiver: the new inbound SA beside the old one
mesh_sa_add c from-b-r1 in "${NEWSPI[b:c]}" "${NEWKEY[b:c]}"
mesh_sa_add b from-c-r1 in "${NEWSPI[c:b]}" "${NEWKEY[c:b]}"
# 2. each sender: its outbound SA replaced in place, timed for the judge
swaps=()
for pair in b:c c:b; do
	x=${pair%:*} y=${pair#*:}
	t0=$(date +%s.%N)
	mesh_sa_add "$x" "to-$y" out "${NEWSPI[$pair]}" "${NEWKEY[$pair]}"
	swaps+=("$(mesh_spi "$x" "$y"):${NEWSPI[$pair]}:$t0:$(date +%s.%N)")
done
log "rekey: inbound SAs added, outbound SAs replaced $(ms_since "$t7") ms into the check"
for fam in 4 6; do
	rc=0
	bg_wait "rk$fam" || rc=$?
	sed 's/^/    /' < <(tail -n 3 "$WORK/rk$fam.log") >&2
	grep -q "^$REKEY_N packets transmitted, $REKEY_N received" "$WORK/rk$fam.log" ||
		fail "7 rekey: IPv$fam pings CE-B -> CE-C lost packets (rc $rc): $(grep transmitted "$WORK/rk$fam.log")"
done
# 3. after the traffic moved: the old inbound SAs go
rpc_ok_on c ipsec.sa.del '{"id": "from-b"}' >/dev/null
rpc_ok_on b ipsec.sa.del '{"id": "from-c"}' >/dev/null
capture_stop rekey
out=$($PY "$E2E_DIR/ipsec_mesh_wire.py" --keys "$MESH_KEYS" --wan "${wanargs[@]}" --loc "${locargs[@]}" \
	--customer "${cust[@]}" --want "b>c" "c>b" --swap "${swaps[@]}" -- "$WORK/rekey.pcap") || {
	printf '%s\n' "$out" | sed 's/^/    /' >&2
	fail "7 rekey wire: see the errors above"
}
printf '%s\n' "$out" | sed 's/^/    /' >&2
for pair in b:c c:b; do
	x=${pair%:*} y=${pair#*:}
	o=$(sa_field "$x" "to-$y" packets) i=$(sa_field "$y" "from-$x-r1" packets)
	od=$(sa_field "$x" "to-$y" spi)
	[[ $od == "${NEWSPI[$pair]}" ]] || fail "$x: to-$y has SPI $od after the rekey, want ${NEWSPI[$pair]}"
	[[ $(sa_field "$y" "from-$x" id) == - ]] || fail "$y: from-$x still listed after its ipsec.sa.del"
	# counters restart with the replacement: what went out on the new SA
	((o > 0 && i <= o && o - i <= 2)) || fail "7 rekey $x -> $y: $x sent $o on the new SA, $y accepted $i"
	for sa in "$x:to-$y" "$y:from-$x-r1"; do
		d=$(sa_field "${sa%%:*}" "${sa#*:}" drops)
		[[ $d == 0 ]] || fail "${sa%%:*}: SA ${sa#*:} dropped $d packets: $(rpc_on "${sa%%:*}" ipsec.sa.list)"
	done
	log "$x -> $y: new SA (SPI $(printf '%#x' "${NEWSPI[$pair]}")) carried $o packets, $y accepted $i"
done
d=$(drops_delta "$STATS7B" "$(rr_srv6d_stats b)") || fail "7 rekey: B dropped packets:$(printf '\n%s' "$d")"
d=$(drops_delta "$STATS7C" "$(rr_srv6d_stats c)") || fail "7 rekey: C dropped packets:$(printf '\n%s' "$d")"
[[ $(mesh_routes b) == "$routes_b0" && $(mesh_routes c) == "$routes_c0" ]] ||
	fail "7 rekey: routes changed: B $(mesh_routes b) C $(mesh_routes c)"
log "rekey proper: $(ms_since "$t7") ms"

# the negative control: the same check fails when the receiver lacks the key
# (a) B's outbound SA with C's SPI but a key C does not have
af0=$(stat_drop c esp_auth_failed) afsa0=$(sa_field c from-b-r1 drops.auth_failed)
mesh_sa_add b to-c out "${NEWSPI[b:c]}" "$(mesh_new_key)"
rx=$(answered "${MESH_HOST4[c]}")
af1=$(stat_drop c esp_auth_failed) afsa1=$(sa_field c from-b-r1 drops.auth_failed)
[[ $rx == 0 ]] || fail "7 negative control: $rx of 5 pings answered with a key C does not have"
((af1 - af0 >= 5 && afsa1 - afsa0 >= 5)) ||
	fail "7 negative control: C counted esp_auth_failed +$((af1 - af0)), from-b-r1 auth_failed +$((afsa1 - afsa0)), want +5"
log "negative control, wrong key: 5 pings lost, C: esp_auth_failed +$((af1 - af0)) (SA from-b-r1 +$((afsa1 - afsa0)))"
# (b) break before make: B's outbound SA on an SPI C has no SA for yet
R2SPI=$(mesh_spi b c 2) R2KEY=$(mesh_new_key)
us0=$(stat_drop c esp_unknown_spi)
mesh_sa_add b to-c out "$R2SPI" "$R2KEY"
rx=$(answered "${MESH_HOST4[c]}")
us1=$(stat_drop c esp_unknown_spi)
[[ $rx == 0 ]] || fail "7 negative control: $rx of 5 pings answered before C had the SPI"
((us1 - us0 >= 5)) || fail "7 negative control: C counted esp_unknown_spi +$((us1 - us0)), want +5"
log "negative control, break before make: 5 pings lost, C: esp_unknown_spi +$((us1 - us0))"
# restored: C's inbound SA for that SPI, the previous one goes
mesh_sa_add c from-b-r2 in "$R2SPI" "$R2KEY"
rpc_ok_on c ipsec.sa.del '{"id": "from-b-r1"}' >/dev/null
ping_ok ceb "${MESH_HOST4[c]}" 5 0.05
ping_ok ceb "${MESH_HOST6[c]}" 5 0.05
pass "7 rekey: B <-> C SAs replaced make before break under 2 x $REKEY_N pings (-i 0.01): none lost, no drop;" \
	"on the wire old SPIs then new ones from seq 1; new SAs sent = received; negative control:" \
	"a key or SPI C lacks loses every ping (esp_auth_failed, esp_unknown_spi) ($(ms_since "$t7") ms)"

section "stop"
for pe in "${MESH_PES[@]}"; do [[ $pe == "$VICTIM" ]] || rr_stop_helper "$pe"; done
for pe in "${MESH_PES[@]}"; do [[ $pe == "$VICTIM" ]] || stop_srv6d_named "$pe"; done
for pe in "${MESH_PES[@]}"; do [[ $pe == "$VICTIM" ]] || rr_stop_gobgpd "$pe"; done
rr_stop_frr
log "PASS in $(ms_since "$T_START") ms"
