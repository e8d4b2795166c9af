#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# SRH inserted by an end host (seg6 mode inline), crossing srv6d as End node:
#
#   A (fd00:a::1) -- srv6d End 2a0e:97c0:ae6:1001:e:: -- B (fd00:b::1)
#
# A's kernel inserts an SRH with Segment List [fd00:b::1, <End SID>], SL 1 and
# sends to the End SID; srv6d decrements SL and rewrites the DA to fd00:b::1;
# B (seg6_enabled) takes the packet with SL 0 as its own. B answers the same
# way through the End SID. No encapsulation anywhere: the ICMPv6 echo follows
# the SRH directly.
. "$(dirname "$0")/lib.sh"
e2e_init inline_srh
transit_up

nsx a ip -6 route add "$B_HOST6/128" encap seg6 mode inline segs "$R_SID_END" dev veth-a
nsx b ip -6 route add "$A_HOST6/128" encap seg6 mode inline segs "$R_SID_END" dev veth-b

capture_start a a veth-a
capture_start b b veth-b
before=$(srv6d_stats)
N=5

section "A -> B and B -> A with an inline SRH through the End SID"
ping_warm a "$B_HOST6" 15 -I "$A_HOST6"
ping_ok a "$B_HOST6" $N 0.2 -I "$A_HOST6"
ping_ok b "$A_HOST6" $N 0.2 -I "$B_HOST6"
capture_stop a
capture_stop b

section "wire format before and after the End node"
rc=0
min=$((2 * N + 1))
h=$(hlim_of "$WORK/a.pcap" "$R_SID_END")
[[ -n $h ]] || fail "no frame to the End SID on A's link"
check_wire "$WORK/a.pcap" --label "A->B on A's link" --src "$A_HOST6" --dst "$R_SID_END" \
	--srh "$B_HOST6,$R_SID_END" --sl 1 --payload 58 --min $min || rc=1
check_wire "$WORK/b.pcap" --label "A->B on B's link" --src "$A_HOST6" --dst "$B_HOST6" \
	--srh "$B_HOST6,$R_SID_END" --sl 0 --payload 58 --hlim $((h - 1)) --min $min || rc=1
h=$(hlim_of "$WORK/b.pcap" "$R_SID_END")
[[ -n $h ]] || fail "no frame to the End SID on B's link"
check_wire "$WORK/b.pcap" --label "B->A on B's link" --src "$B_HOST6" --dst "$R_SID_END" \
	--srh "$A_HOST6,$R_SID_END" --sl 1 --payload 58 --min $min || rc=1
check_wire "$WORK/a.pcap" --label "B->A on A's link" --src "$B_HOST6" --dst "$A_HOST6" \
	--srh "$A_HOST6,$R_SID_END" --sl 0 --payload 58 --hlim $((h - 1)) --min $min || rc=1

if [[ $PE1_IMPL == srv6d ]]; then
	section "srv6d counters"
	after=$(srv6d_stats)
	stats_summary "$after" >&2
	drops_delta "$before" "$after" '^(eth_unsupported|eth_other_host|local_unhandled)$' >&2 ||
		log "note: datapath drops during the test (see above)"
	got=$(sid_packets "$after" "$R_SID_END")
	want=$((2 * min))
	if ((got < want)); then
		log "End SID $R_SID_END counted $got packets, want >= $want"
		rc=1
	fi
	stop_srv6d
fi
[[ $rc == 0 ]] || fail "wire format or counters (see above)"
log PASS
