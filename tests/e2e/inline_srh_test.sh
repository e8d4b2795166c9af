#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# SRH inserted by an end host, crossing srv6d as End node:
#
#   A (fd00:a::1) -- srv6d End 2a0e:97c0:ae6:1001:e:: -- B (fd00:b::1)
#
#   inline_srh_test.sh linux|socket
#
# A's kernel inserts an SRH with Segment List [fd00:b::1, <End SID>], SL 1 and
# sends to the End SID; srv6d decrements SL and rewrites the DA to fd00:b::1;
# B (seg6_enabled) takes the packet with SL 0 as its own. B answers the same
# way through the End SID. No encapsulation anywhere: the payload follows the
# SRH directly.
# linux (needs seg6 lwtunnel): "seg6 mode inline" routes, ICMPv6 echo (ping).
# socket (any IPv6 kernel), as in seed 004: srh_host.py's UDP sockets carry a
# sticky IPV6_RTHDR [final = the other host, via = the End SID]; B's kernel
# delivers the datagram at SL 0 to its UDP echo server, which checks the SRH
# it got (IPV6_RECVRTHDR) and answers the same way. The UDP checksum (over the
# final destination) must still be good on both links. Then a malformed SRH
# (SL beyond the list) from a host socket, where the kernel lets one out: srv6d
# must count it (srh_sl_exceeds_list) and not forward it.
. "$(dirname "$0")/lib.sh"
PEER=${1:-}
case $PEER in
linux | socket) ;;
*)
	echo "usage: $0 linux|socket" >&2
	exit 2
	;;
esac
e2e_init "inline_srh_$PEER"
[[ $PEER == linux ]] && kernel_require seg6_lwt seg6local
transit_up "$PEER"

N=5
mal_rc=  # the malformed probe: 0 sent, 3 refused by the kernel (socket only)
if [[ $PEER == linux ]]; then
	nsx a ip -6 route add "$B_HOST6/128" encap seg6 mode inline segs "$R_SID_END" dev veth-a
	nsx b ip -6 route add "$A_HOST6/128" encap seg6 mode inline segs "$R_SID_END" dev veth-b

	capture_start a a veth-a
	capture_start b b veth-b
	before=$(srv6d_stats)

	section "A -> B and B -> A with an inline SRH through the End SID"
	ping_warm a "$B_HOST6" 15 -I "$A_HOST6"
	ping_ok a "$B_HOST6" $N 0.2 -I "$A_HOST6"
	ping_ok b "$A_HOST6" $N 0.2 -I "$B_HOST6"
	capture_stop a
	capture_stop b
	wire=(--payload 58)
else
	srh_server_start a --mode inline --listen "$A_HOST6" --via "$R_SID_END"
	srh_server_start b --mode inline --listen "$B_HOST6" --via "$R_SID_END"

	capture_start a a veth-a
	capture_start b b veth-b
	before=$(srv6d_stats)

	section "A -> B and B -> A, UDP with a socket-inserted SRH through the End SID"
	srh_client a --mode inline --src "$A_HOST6" --dst "$B_HOST6" --via "$R_SID_END" \
		--warm 15 --count $N --interval 0.2
	srh_client b --mode inline --src "$B_HOST6" --dst "$A_HOST6" --via "$R_SID_END" \
		--count $N --interval 0.2

	section "malformed SRH from a host socket: Segments Left beyond the list"
	mal_before=$(drop_count "$(srv6d_stats)" srh_sl_exceeds_list)
	mal_rc=0
	mal_out=$(nsx a "$PY" "$E2E_DIR/srh_host.py" malformed --via "$R_SID_END" --dst "$B_HOST6" \
		--port "$SRH_PORT" 2>&1) || mal_rc=$?
	printf '%s\n' "$mal_out" | sed 's/^/    /' >&2
	case $mal_rc in
	3) log "not sent: the kernel refuses it (seg6_validate_srh); srv6d's check of it is in tests/unit/test_srh.c (sl_exceeds_list)" ;;
	0)
		if [[ $PE1_IMPL == srv6d ]]; then
			wait_until '(($(drop_count "$(srv6d_stats)" srh_sl_exceeds_list) > mal_before))' 10 ||
				fail "srv6d did not count the malformed SRH under srh_sl_exceeds_list"
			log "srv6d counted it: srh_sl_exceeds_list $mal_before -> $(drop_count "$(srv6d_stats)" srh_sl_exceeds_list)"
		fi
		;;
	*) fail "srh_host.py malformed: exit $mal_rc" ;;
	esac
	capture_stop a
	capture_stop b
	srh_server_stop a
	srh_server_stop b
	if [[ $mal_rc == 0 ]]; then
		n=$(tshark -r "$WORK/b.pcap" -n -Y 'frame contains "srh_host malformed"' 2>/dev/null | wc -l)
		((n == 0)) || fail "the malformed SRH was forwarded: $n frame(s) on B's link"
		log "not forwarded: no malformed probe on B's link"
	fi
	wire=(--payload 17 --udp-checksum)
fi

section "wire format before and after the End node"
rc=0
min=$((2 * N + 1))
h=$(hlim_of "$WORK/a.pcap" "$R_SID_END")
[[ -n $h ]] || fail "no frame to the End SID on A's link"
check_wire "$WORK/a.pcap" --label "A->B on A's link" --src "$A_HOST6" --dst "$R_SID_END" \
	--srh "$B_HOST6,$R_SID_END" --sl 1 "${wire[@]}" --min $min || rc=1
check_wire "$WORK/b.pcap" --label "A->B on B's link" --src "$A_HOST6" --dst "$B_HOST6" \
	--srh "$B_HOST6,$R_SID_END" --sl 0 "${wire[@]}" --hlim $((h - 1)) --min $min || rc=1
h=$(hlim_of "$WORK/b.pcap" "$R_SID_END")
[[ -n $h ]] || fail "no frame to the End SID on B's link"
check_wire "$WORK/b.pcap" --label "B->A on B's link" --src "$B_HOST6" --dst "$R_SID_END" \
	--srh "$A_HOST6,$R_SID_END" --sl 1 "${wire[@]}" --min $min || rc=1
check_wire "$WORK/a.pcap" --label "B->A on A's link" --src "$B_HOST6" --dst "$A_HOST6" \
	--srh "$A_HOST6,$R_SID_END" --sl 0 "${wire[@]}" --hlim $((h - 1)) --min $min || rc=1

if [[ $PE1_IMPL == srv6d ]]; then
	section "srv6d counters"
	after=$(srv6d_stats)
	stats_summary "$after" >&2
	ignore='eth_unsupported|eth_other_host|local_unhandled'
	# the malformed probe, where a kernel let it out, is meant to be dropped
	[[ $PEER == socket && $mal_rc == 0 ]] && ignore+='|srh_sl_exceeds_list'
	if ! drops_delta "$before" "$after" "^($ignore)\$" >&2; then
		# the socket hosts send nothing srv6d should drop: there a drop fails
		[[ $PEER == socket ]] && rc=1
		log "note: datapath drops during the test (see above)"
	fi
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
