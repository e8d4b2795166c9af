#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Seed 004: srv6d as a transit SRv6 End node between two Linux SRv6 hosts.
#
#   A (fd00:a::1, 10.0.1.1) -- veth -- srv6d End 2a0e:97c0:ae6:1001:e:: -- veth -- B (fd00:b::1, 10.0.2.1)
#
#   transit_end_test.sh linux|socket
#
# linux (needs seg6 lwtunnel): A encapsulates toward B with "encap seg6 mode
# encap segs <End SID>,<B's SID>"; B's SIDs are End.DT6 (table holding its own
# address) and End.DX4 (nh4 = itself). B answers the same way through the End
# SID toward A's SIDs. IPv6 and IPv4 pings.
# socket (any IPv6 kernel): the same packets from the socket API, as in seed
# 004: srh_host.py sends an inner IPv6/UDP or IPv4/UDP packet on a raw IPv6
# socket (protocol 41 / 4) with a sticky IPV6_RTHDR [final = the peer's SID,
# via = the End SID]; the peer's SIDs are plain local addresses and its
# kernel's built-in SRH code decapsulates at SL 0 and hands the inner packet
# to srh_host.py's UDP echo server, which answers the same way. UDP probes.
# Either way, captures on both sides check RFC 8986 End: SL decremented, DA =
# next segment, list unchanged, hop limit decremented by one, inner addresses
# (and, for socket, the inner UDP checksums).
. "$(dirname "$0")/lib.sh"
PEER=${1:-}
case $PEER in
linux | socket) ;;
*)
	echo "usage: $0 linux|socket" >&2
	exit 2
	;;
esac
e2e_init "transit_end_$PEER"
[[ $PEER == linux ]] && kernel_require seg6_lwt seg6local
transit_up "$PEER"

N=5
extra=()
if [[ $PEER == linux ]]; then
	nsx a ip sr tunsrc set "$TA_A"
	nsx b ip sr tunsrc set "$TB_B"
	nsx a ip -6 route add "$B_HOST6/128" encap seg6 mode encap segs "$R_SID_END,$B_SID_DT6" dev veth-a
	nsx a ip route add "$B_HOST4/32" encap seg6 mode encap segs "$R_SID_END,$B_SID_DX4" dev veth-a src "$A_HOST4"
	nsx b ip -6 route add "$A_HOST6/128" encap seg6 mode encap segs "$R_SID_END,$A_SID_DT6" dev veth-b
	nsx b ip route add "$A_HOST4/32" encap seg6 mode encap segs "$R_SID_END,$A_SID_DX4" dev veth-b src "$B_HOST4"

	capture_start a a veth-a
	capture_start b b veth-b
	before=$(srv6d_stats)

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
else
	# UDP echo servers on the service addresses; answers go back encapsulated
	# toward the client's SID for that family, through the End SID
	srh_server_start a --mode encap --listen "$A_HOST6" --listen "$A_HOST4" --via "$R_SID_END" \
		--outer-src "$TA_A" --return-sid6 "$B_SID_DT6" --return-sid4 "$B_SID_DX4"
	srh_server_start b --mode encap --listen "$B_HOST6" --listen "$B_HOST4" --via "$R_SID_END" \
		--outer-src "$TB_B" --return-sid6 "$A_SID_DT6" --return-sid4 "$A_SID_DX4"

	capture_start a a veth-a
	capture_start b b veth-b
	before=$(srv6d_stats)

	section "A -> B and B -> A, IPv6/UDP in SRv6 from a raw socket, via the End SID"
	srh_client a --mode encap --src "$A_HOST6" --dst "$B_HOST6" --sid "$B_SID_DT6" --via "$R_SID_END" \
		--outer-src "$TA_A" --warm 15 --count $N --interval 0.2
	srh_client b --mode encap --src "$B_HOST6" --dst "$A_HOST6" --sid "$A_SID_DT6" --via "$R_SID_END" \
		--outer-src "$TB_B" --count $N --interval 0.2
	section "A -> B and B -> A, IPv4/UDP in SRv6 from a raw socket, via the End SID"
	srh_client a --mode encap --src "$A_HOST4" --dst "$B_HOST4" --sid "$B_SID_DX4" --via "$R_SID_END" \
		--outer-src "$TA_A" --warm 15 --count $N --interval 0.2
	srh_client b --mode encap --src "$B_HOST4" --dst "$A_HOST4" --sid "$A_SID_DX4" --via "$R_SID_END" \
		--outer-src "$TB_B" --count $N --interval 0.2
	capture_stop a
	capture_stop b
	srh_server_stop a
	srh_server_stop b
	extra=(--udp-checksum)
fi

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
		--min $min --select-inner "${extra[@]}" || rc=1
	check_wire "$WORK/b.pcap" --label "IPv$fam A->B on B's link" --src "$TA_A" --dst "$sid" \
		--srh "$sid,$R_SID_END" --sl 0 --payload "$pl" --inner-src "$isrc" --inner-dst "$idst" \
		--hlim $((h - 1)) --min $min --select-inner "${extra[@]}" || rc=1
done
h=$(hlim_of "$WORK/b.pcap" "$R_SID_END")
[[ -n $h ]] || fail "no frame to the End SID on B's link"
for f in "6 41 $A_SID_DT6 $B_HOST6 $A_HOST6" "4 4 $A_SID_DX4 $B_HOST4 $A_HOST4"; do
	read -r fam pl sid isrc idst <<<"$f"
	check_wire "$WORK/b.pcap" --label "IPv$fam B->A on B's link" --src "$TB_B" --dst "$R_SID_END" \
		--srh "$sid,$R_SID_END" --sl 1 --payload "$pl" --inner-src "$isrc" --inner-dst "$idst" \
		--min $min --select-inner "${extra[@]}" || rc=1
	check_wire "$WORK/a.pcap" --label "IPv$fam B->A on A's link" --src "$TB_B" --dst "$sid" \
		--srh "$sid,$R_SID_END" --sl 0 --payload "$pl" --inner-src "$isrc" --inner-dst "$idst" \
		--hlim $((h - 1)) --min $min --select-inner "${extra[@]}" || rc=1
done

if [[ $PE1_IMPL == srv6d ]]; then
	section "srv6d counters"
	after=$(srv6d_stats)
	stats_summary "$after" >&2
	if ! drops_delta "$before" "$after" '^(eth_unsupported|eth_other_host|local_unhandled)$' >&2; then
		# the socket hosts send nothing srv6d should drop: there a drop fails
		[[ $PEER == socket ]] && rc=1
		log "note: datapath drops during the test (see above)"
	fi
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
