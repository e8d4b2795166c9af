#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Hitless updates: CE1 pings CE2 every 10 ms over IPv4 and IPv6 (1000 each)
# through the L3VPN while churn.py replaces the VRF's routes as fast as the
# control socket answers: the same prefixes alternately onto two equivalent
# SIDs on PE2 (End.DX4 a4::/b4::, End.DX6 a6::/b6::), sid.add/sid.del of an
# unrelated SID, route.add/route.del of an unrelated prefix, and batches that
# switch both families at once. Passes when every echo is answered, no
# datapath drop counter grew, every request succeeded, and both SIDs of each
# pair were really used on the wire.
#   update_no_loss_test.sh [linux|scapy]
# PE2: linux = the kernel's seg6local End.DX4/DX6 (skips without seg6
# lwtunnel), scapy = scapy_pe.py owning the same four SIDs, which must then
# have decapsulated on all four and dropped nothing; default: L3_PE2_PEER,
# else linux where the kernel has it.
. "$(dirname "$0")/lib.sh"
L3_PE2_PEER=${1:-${L3_PE2_PEER:-}}
case $L3_PE2_PEER in
'' | linux | scapy) ;;
*) echo "usage: $0 [linux|scapy]" >&2; exit 2 ;;
esac
e2e_init "update_no_loss${L3_PE2_PEER:+_$L3_PE2_PEER}"
COUNT=${UPDATE_PINGS:-1000}
INTERVAL=0.01

L3_ENCAP=h.encaps L3_PE2_MODE=encap
L3_PE2_V4_SID=$PE2_SID_DX4 L3_PE2_V6_SID=$PE2_SID_DX6
L3_CAPTURE=0
l3vpn_up
# only what goes to PE2's SIDs; counted per SID afterwards
capture_start wan pe2 veth-pe2-wan "ip6 dst net 2a0e:97c0:ae6:2001::/64"

section "warm-up"
ping_warm ce1 "$CE2_V4"
ping_warm ce1 "$CE2_V6"
sleep 1
before=$(srv6d_stats)

section "$COUNT pings every ${INTERVAL}s per family, routes churning"
bg_start ping4 ce1 ping -n -i $INTERVAL -c "$COUNT" -W 2 "$CE2_V4"
bg_start ping6 ce1 ping -n -i $INTERVAL -c "$COUNT" -W 2 "$CE2_V6"
if [[ $PE1_IMPL == linux ]]; then
	# harness development only: the same alternation with the kernel's route replace
	cat >"$WORK/churn.sh" <<'SHEOF'
n=0 e=0 i=0
trap 'echo "{\"requests\": $n, \"errors\": $e}"; exit $((e > 0))' TERM
while :; do
	if ((i % 2)); then s4=$4 s6=$6; else s4=$3 s6=$5; fi
	ip route replace "$1" encap seg6 mode encap segs "$s4" dev veth-pe1-wan table "$7" || e=$((e + 1))
	ip -6 route replace "$2" encap seg6 mode encap segs "$s6" dev veth-pe1-wan table "$7" || e=$((e + 1))
	n=$((n + 2)) i=$((i + 1))
done
SHEOF
	bg_start churn pe1 bash "$WORK/churn.sh" "$CE2_NET4" "$CE2_NET6" "$PE2_SID_DX4" "$PE2_SID_DX4B" \
		"$PE2_SID_DX6" "$PE2_SID_DX6B" "$VRF_TABLE"
else
	bg_start churn pe1 "$PY" "$E2E_DIR/churn.py" --socket "$SOCK" --vrf "$VRF" \
		--v4-prefix "$CE2_NET4" --v6-prefix "$CE2_NET6" \
		--v4-sids "$PE2_SID_DX4,$PE2_SID_DX4B" --v6-sids "$PE2_SID_DX6,$PE2_SID_DX6B" \
		--spare-sid "$PE1_SID_SPARE/128"
fi
rc4=0 rc6=0
bg_wait ping4 || rc4=$?
bg_wait ping6 || rc6=$?
churn_rc=0
bg_stop churn TERM 15 || churn_rc=$?
capture_stop wan
sleep 0.5
after=$(srv6d_stats)

section "results"
rc=0
churn_out=$(tail -n 1 "$WORK/churn.log")
log "churn: $churn_out"
if [[ $churn_rc != 0 ]]; then
	log "churn exited with status $churn_rc"
	rc=1
fi
# ping_result LOG FAMILY: prints the summary, lists missing sequence numbers
ping_result() {
	$PY - "$1" "$2" "$COUNT" <<'PYEOF'
import re, sys
log, fam, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(log).read()
m = re.search(r"(\d+) packets transmitted, (\d+) received", text)
seqs = {int(x) for x in re.findall(r"icmp_seq=(\d+) ttl", text)}
missing = sorted(set(range(1, count + 1)) - seqs)
tx, rx = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
print("  IPv%s: %d sent, %d received, %d distinct replies, missing seq %s" %
      (fam, tx, rx, len(seqs), (missing[:40] + (["..."] if len(missing) > 40 else [])) or "none"))
sys.exit(0 if tx == count and rx == count and not missing else 1)
PYEOF
}
ping_result "$WORK/ping4.log" 4 >&2 || rc=1
ping_result "$WORK/ping6.log" 6 >&2 || rc=1
[[ $rc4 == 0 && $rc6 == 0 ]] || { log "ping exit status v4 $rc4 v6 $rc6"; rc=1; }

# both SIDs of each pair must have carried traffic, or the churn proved nothing
sid_counts=$(tshark -r "$WORK/wan.pcap" -n -T fields -e ipv6.dst -E occurrence=f 2>/dev/null | sort | uniq -c)
printf '%s\n' "$sid_counts" | sed 's/^/  frames to /' >&2
for sid in "$PE2_SID_DX4" "$PE2_SID_DX4B" "$PE2_SID_DX6" "$PE2_SID_DX6B"; do
	if ! printf '%s\n' "$sid_counts" | awk -v s="$sid" '$2 == s && $1 > 0 {ok = 1} END {exit !ok}'; then
		log "no frame to $sid on the WAN link: the route alternation never reached the datapath"
		rc=1
	fi
done

if [[ $PE1_IMPL == srv6d ]]; then
	stats_summary "$after" >&2
	if ! drops_delta "$before" "$after" '^(eth_unsupported|eth_other_host|local_unhandled)$' >&2; then
		log "srv6d drop counters grew during the churn"
		rc=1
	fi
	got=$(($(sid_packets "$after" "$PE1_SID_DT46") - $(sid_packets "$before" "$PE1_SID_DT46")))
	log "End.DT46 $PE1_SID_DT46 decapsulated $got packets during the run (want >= $((2 * COUNT)))"
	((got >= 2 * COUNT)) || rc=1
	section "routes after the churn"
	rpc route.get "{\"vrf\":\"$VRF\",\"address\":\"$CE2_V4\"}" >&2 || rc=1
	rpc route.get "{\"vrf\":\"$VRF\",\"address\":\"$CE2_V6\"}" >&2 || rc=1
	ctl route list >&2 || true
	ctl sid list >&2 || true
	section "still forwarding after the churn"
	ping_ok ce1 "$CE2_V4" 3 0.2
	ping_ok ce1 "$CE2_V6" 3 0.2
	stop_srv6d
fi
if [[ $L3_PE2_PEER == scapy ]]; then
	section "PE2 (scapy_pe.py) counters"
	# every echo crossed it both ways, on all four SIDs, nothing dropped
	l3_scapy_pe_check '{}' "encapsulated/$L3_PE1_V4_SID>=$((2 * COUNT))" \
		"decapsulated/$PE2_SID_DX4>=1" "decapsulated/$PE2_SID_DX4B>=1" \
		"decapsulated/$PE2_SID_DX6>=1" "decapsulated/$PE2_SID_DX6B>=1" \
		"decapsulated/$PE2_SID_DX4+$PE2_SID_DX4B>=$COUNT" "decapsulated/$PE2_SID_DX6+$PE2_SID_DX6B>=$COUNT" >&2 || rc=1
fi
[[ $rc == 0 ]] || fail "updates were not hitless (see above)"
log PASS
