#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Seed 004: srv6d as a transit SRv6 End node between two Linux SRv6 hosts.
#
#   A (fd00:a::1, 10.0.1.1) -- veth -- srv6d End 2a0e:97c0:ae6:1001:e:: -- veth -- B (fd00:b::1, 10.0.2.1)
#
# A encapsulates toward B with "encap seg6 mode encap segs <End SID>,<B's SID>";
# B's SIDs are End.DT6 (table holding its own address) and End.DX4 (nh4 = itself).
# B answers the same way through the End SID toward A's SIDs. Captures on both
# sides check RFC 8986 End: SL decremented, DA = next segment, list unchanged,
# hop limit decremented by one.
. "$(dirname "$0")/lib.sh"
e2e_init transit_end
transit_up

nsx a ip sr tunsrc set "$TA_A"
nsx b ip sr tunsrc set "$TB_B"
nsx a ip -6 route add "$B_HOST6/128" encap seg6 mode encap segs "$R_SID_END,$B_SID_DT6" dev veth-a
nsx a ip route add "$B_HOST4/32" encap seg6 mode encap segs "$R_SID_END,$B_SID_DX4" dev veth-a src "$A_HOST4"
nsx b ip -6 route add "$A_HOST6/128" encap seg6 mode encap segs "$R_SID_END,$A_SID_DT6" dev veth-b
nsx b ip route add "$A_HOST4/32" encap seg6 mode encap segs "$R_SID_END,$A_SID_DX4" dev veth-b src "$B_HOST4"

capture_start a a veth-a
capture_start b b veth-b
before=$(srv6d_stats)
N=5

section "A -> B and B -> A, IPv6 over SRv6 via the End SID"
ping_warm a "$B_HOST6" 15 -I "$A_HOST6"
ping_ok a "$B_HOST6" $N 0.2 -I "$A_HOST6"
ping_ok b "$A_HOST6" $N 0.2 -I "$B_HOST6"
section "A -> B and B -> A, IPv4 over SRv6 via the End SID"
ping_warm a "$B_HOST4" 15 -I "$A_HOST4"
ping_ok a "$B_HOST4" $N 0.2 -I "$A_HOST4"
ping_ok b "$A_HOST4" $N 0.2 -I "$B_HOST4"
capture_stop a
capture_stop b

section "wire format before and after the End node"
rc=0
min=$((2 * N + 1))
# A -> B: SL 1 toward the End SID on A's link, SL 0 toward B's SID on B's link
h=$(hlim_of "$WORK/a.pcap" "$R_SID_END")
[[ -n $h ]] || fail "no frame to the End SID on A's link"
for f in "6 41 $B_SID_DT6 $A_HOST6 $B_HOST6" "4 4 $B_SID_DX4 $A_HOST4 $B_HOST4"; do
	read -r fam pl sid isrc idst <<<"$f"
	check_wire "$WORK/a.pcap" --label "IPv$fam A->B on A's link" --src "$TA_A" --dst "$R_SID_END" \
		--srh "$sid,$R_SID_END" --sl 1 --payload "$pl" --inner-src "$isrc" --inner-dst "$idst" \
		--min $min --select-inner || rc=1
	check_wire "$WORK/b.pcap" --label "IPv$fam A->B on B's link" --src "$TA_A" --dst "$sid" \
		--srh "$sid,$R_SID_END" --sl 0 --payload "$pl" --inner-src "$isrc" --inner-dst "$idst" \
		--hlim $((h - 1)) --min $min --select-inner || rc=1
done
h=$(hlim_of "$WORK/b.pcap" "$R_SID_END")
[[ -n $h ]] || fail "no frame to the End SID on B's link"
for f in "6 41 $A_SID_DT6 $B_HOST6 $A_HOST6" "4 4 $A_SID_DX4 $B_HOST4 $A_HOST4"; do
	read -r fam pl sid isrc idst <<<"$f"
	check_wire "$WORK/b.pcap" --label "IPv$fam B->A on B's link" --src "$TB_B" --dst "$R_SID_END" \
		--srh "$sid,$R_SID_END" --sl 1 --payload "$pl" --inner-src "$isrc" --inner-dst "$idst" \
		--min $min --select-inner || rc=1
	check_wire "$WORK/a.pcap" --label "IPv$fam B->A on A's link" --src "$TB_B" --dst "$sid" \
		--srh "$sid,$R_SID_END" --sl 0 --payload "$pl" --inner-src "$isrc" --inner-dst "$idst" \
		--hlim $((h - 1)) --min $min --select-inner || rc=1
done

if [[ $PE1_IMPL == srv6d ]]; then
	section "srv6d counters"
	after=$(srv6d_stats)
	stats_summary "$after" >&2
	drops_delta "$before" "$after" '^(eth_unsupported|eth_other_host|local_unhandled)$' >&2 ||
		log "note: datapath drops during the test (see above)"
	got=$(sid_packets "$after" "$R_SID_END")
	want=$((4 * min))
	if ((got < want)); then
		log "End SID $R_SID_END counted $got packets, want >= $want"
		rc=1
	fi
	stop_srv6d
fi
[[ $rc == 0 ]] || fail "wire format or counters (see above)"
log PASS
