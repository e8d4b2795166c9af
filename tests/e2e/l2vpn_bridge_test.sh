#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# An E-LAN over SRv6: three srv6d PEs bridge three unmodified Linux CEs in
# ONE subnet (RFC 8986 End.DT2U 4.10, End.DT2M 4.11, H.Encaps.L2 5.3), each
# PE's ce0 an l2vpn port with the two other PEs as peers (doc/api.md "l2vpn
# bridges"), the core a plain Linux IPv6 router:
#
#   CE1 - PE1 (srv6d) --+
#   CE2 - PE2 (srv6d) --+-- P (Linux) 
#   CE3 - PE3 (srv6d) --+
#
#   CEk veth-cek 172.16.79.k/24 2001:db8:79::k/64
#   PEk wan0 2001:db8:0:k::1 (P 2001:db8:0:k::2), locator 2a0e:97c0:ae6:k001::/64,
#       End.DT2U 2a0e:97c0:ae6:k001:d4::, End.DT2M 2a0e:97c0:ae6:k001:d5::
#       (port ce0); peers: the two others, address = their wan0, segments
#       [their End.DT2U], bum_segments [their End.DT2M]
#
# 1. ARP and ND: CE1 reaches CE2 and CE3, CE2 reaches CE3 (v4 and v6); the
#    broadcasts and multicasts were flooded: PE2's and PE3's End.DT2M both
#    counted CE1's, and every CE's neighbour entry holds the other's MAC.
# 2. MAC tables (l2vpn.mac.list, and srv6ctl l2vpn mac list): each PE has
#    its own CE local and each other CE behind the PE it sits at.
# 3. Unicast goes to one PE only: with the CEs' neighbour entries pinned,
#    N pings CE1 -> CE2 then N pings CE1 -> CE3: PE2's End.DT2U counts N
#    (the requests to CE2), PE3's End.DT2U N (to CE3), PE1's 2N (the
#    replies); no End.DT2M counts anything; PE3 receives nothing of the
#    CE1 - CE2 conversation; no drop anywhere.
# 4. Aging: PE3 forgets (mac_age_s 4) what it stops hearing: after 6 s of
#    silence its table holds no peer's MAC.
# 5. Clean exits (status 0 on SIGTERM).
#
# Every check prints "ok" or "FAIL"; the test exits 1 if any failed.
# Needs root, iproute2, ethtool, /usr/bin/python3 and srv6d (skips, 77,
# without them); no kernel SRv6.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/checks.sh"
export LC_ALL=C
e2e_init l2vpn_bridge
N=${L2VPN_PINGS:-5}
T0=$SECONDS

PES=(1 2 3)
ce_v4() { echo "172.16.79.$1"; }
ce_v6() { echo "2001:db8:79::$1"; }
wan() { echo "2001:db8:0:$1::1"; }
p_if() { echo "2001:db8:0:$1::2"; }
loc() { echo "2a0e:97c0:ae6:${1}001::/64"; }
dt2u() { echo "2a0e:97c0:ae6:${1}001:d4::"; }
dt2m() { echo "2a0e:97c0:ae6:${1}001:d5::"; }

trap srv6d_logs_trap EXIT

section "topology: three CEs, three srv6d PEs, one Linux P"
ns_add p
router_sysctls p
for k in "${PES[@]}"; do
	ns_add "ce$k"
	ns_add "pe$k"
	veth_add "ce$k" "veth-ce$k" "pe$k" "veth-pe$k-ce"
	veth_add "pe$k" "veth-pe$k-wan" p "veth-p-pe$k"
	kernel_quiet "pe$k" "veth-pe$k-ce"
	kernel_quiet "pe$k" "veth-pe$k-wan"
	ifaddr p "veth-p-pe$k" "$(p_if "$k")/64"
	nsx p ip -6 route add "$(loc "$k")" via "$(wan "$k")" dev "veth-p-pe$k"
	ifaddr "ce$k" "veth-ce$k" "$(ce_v4 "$k")/24" "$(ce_v6 "$k")/64"
done
declare -A CE_MAC
for k in "${PES[@]}"; do CE_MAC[$k]=$(mac_of "ce$k" "veth-ce$k"); done
log "CE MACs: 1 ${CE_MAC[1]}, 2 ${CE_MAC[2]}, 3 ${CE_MAC[3]}"

# bridge_config K AGE: PE K's configuration
bridge_config() {
	local k=$1 peers="" routes="" j
	for j in "${PES[@]}"; do
		[[ $j == "$k" ]] && continue
		peers+="${peers:+, }{\"address\": \"$(wan "$j")\", \"segments\": [\"$(dt2u "$j")\"], \"bum_segments\": [\"$(dt2m "$j")\"]}"
		routes+="${routes:+, }{\"vrf\": \"default\", \"prefix\": \"$(loc "$j")\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"$(p_if "$k")\", \"port\": \"wan0\"}]}"
		routes+=", {\"vrf\": \"default\", \"prefix\": \"2001:db8:0:$j::/64\", \"nexthops\": [{\"type\": \"ip\", \"via\": \"$(p_if "$k")\", \"port\": \"wan0\"}]}"
	done
	cat <<EOF
{
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-pe$k-ce", "vrf": "default",
     "addresses": [], "l2vpn": {"peers": [$peers], "mac_age_s": $2}},
    {"name": "wan0", "device": "net_af_packet1,iface=veth-pe$k-wan", "vrf": "default",
     "addresses": ["$(wan "$k")/64"]}
  ],
  "encap": {"source": "$(wan "$k")", "hop_limit": 64},
  "sids": [
    {"sid": "$(dt2u "$k")", "behavior": "End.DT2U", "port": "ce0"},
    {"sid": "$(dt2m "$k")", "behavior": "End.DT2M", "port": "ce0"}
  ],
  "routes": [$routes]
}
EOF
}
for k in "${PES[@]}"; do
	age=300
	[[ $k == 3 ]] && age=4
	bridge_config "$k" "$age" >"$WORK/pe$k.json"
done
srv6d_start_json pe1 pe2 pe3
ctl_on pe1 port list ce0 >&2 || true

declare -A S0 S1 S2
for k in "${PES[@]}"; do S0[$k]=$(stats "pe$k"); done

section "1. ARP and ND flooded to every PE, answered by unicast"
ping_warm ce1 "$(ce_v4 2)" 20
ping_warm ce1 "$(ce_v6 2)" 20
ping_warm ce1 "$(ce_v4 3)" 20
ping_warm ce1 "$(ce_v6 3)" 20
ping_warm ce2 "$(ce_v4 3)" 20
ping_warm ce2 "$(ce_v6 3)" 20
for k in "${PES[@]}"; do S1[$k]=$(stats "pe$k"); done
# dt2m_grew K: PE K's End.DT2M counted frames flooded to it
dt2m_grew() {
	local a b
	a=$(sid_packets "${S0[$1]}" "$(dt2m "$1")") b=$(sid_packets "${S1[$1]}" "$(dt2m "$1")")
	echo "PE$1 End.DT2M $(dt2m "$1"): $a -> $b"
	((b > a))
}
check "PE2's End.DT2M took flooded frames (CE1's ARP / ND)" dt2m_grew 2
check "PE3's End.DT2M took flooded frames" dt2m_grew 3
check "PE1's End.DT2M took flooded frames (CE2's)" dt2m_grew 1
for pair in 1:2 1:3 2:3 2:1 3:1 3:2; do
	a=${pair%%:*} b=${pair#*:}
	[[ $a == 1 || ($a == 2 && $b == 3) ]] || nsx "ce$a" ping -n -c 1 -W 2 "$(ce_v4 "$b")" >/dev/null 2>&1 || true
	check "CE$a's ARP entry for $(ce_v4 "$b") is CE$b's MAC" neigh_is "ce$a" "veth-ce$a" "$(ce_v4 "$b")" "${CE_MAC[$b]}"
done

section "2. MAC tables"
# mac_table K: PE K's table (l2vpn.mac.list) holds its CE local and each
# other CE behind that CE's PE, nothing else
mac_table() {
	$PY - "$(rpc_on "pe$1" l2vpn.mac.list '{"port": "ce0"}')" "$1" "${CE_MAC[1]}" "${CE_MAC[2]}" "${CE_MAC[3]}" <<'EOF'
import json, sys
k = int(sys.argv[2])
macs = {i + 1: m for i, m in enumerate(sys.argv[3:6])}
r = json.loads(sys.argv[1]).get("result", {})
got = {e["mac"]: e.get("peer", e["where"]) for e in r.get("macs", [])}
want = {macs[j]: ("local" if j == k else "2001:db8:0:%d::1" % j) for j in (1, 2, 3)}
print("PE%d: %s; want %s" % (k, got, want))
sys.exit(0 if got == want and r.get("port") == "ce0" else 1)
EOF
}
for k in "${PES[@]}"; do
	check "PE$k's table: CE$k local, the other CEs behind their PEs" mac_table "$k"
done
ctl_mac_list() {
	local out
	out=$(ctl_on pe1 l2vpn mac list port ce0) || return 1
	printf '%s\n' "$out"
	grep -q "${CE_MAC[2]}" <<<"$out" && grep -q "$(wan 2)" <<<"$out"
}
check "srv6ctl l2vpn mac list port ce0 on PE1 shows CE2 behind PE2" ctl_mac_list

section "3. unicast to one PE only ($N pings CE1 -> CE2, then CE1 -> CE3)"
# Pinned neighbour entries: no ARP or NUD frame in the window
for a in "${PES[@]}"; do
	for b in "${PES[@]}"; do
		[[ $a == "$b" ]] && continue
		nsx "ce$a" ip neigh replace "$(ce_v4 "$b")" lladdr "${CE_MAC[$b]}" dev "veth-ce$a" nud permanent
		nsx "ce$a" ip neigh replace "$(ce_v6 "$b")" lladdr "${CE_MAC[$b]}" dev "veth-ce$a" nud permanent
	done
done
sleep 0.5
for k in "${PES[@]}"; do S1[$k]=$(stats "pe$k"); done
check "ping CE1 -> CE2 ($(ce_v4 2))" ping_check ce1 "$(ce_v4 2)"
for k in "${PES[@]}"; do S2[$k]=$(stats "pe$k"); done
check "PE2 End.DT2U counted the $N requests to CE2" sid_delta "${S1[2]}" "${S2[2]}" "$(dt2u 2)" "$N"
check "PE1 End.DT2U counted the $N replies" sid_delta "${S1[1]}" "${S2[1]}" "$(dt2u 1)" "$N"
check "PE3 End.DT2U: nothing of the CE1 - CE2 conversation" sid_delta "${S1[3]}" "${S2[3]}" "$(dt2u 3)" 0
check "PE3 wan0 received nothing" port_delta "${S1[3]}" "${S2[3]}" wan0 rx_packets 0
check "ping CE1 -> CE3 ($(ce_v4 3))" ping_check ce1 "$(ce_v4 3)"
for k in "${PES[@]}"; do S1[$k]=$(stats "pe$k"); done
check "PE3 End.DT2U counted the $N requests to CE3" sid_delta "${S2[3]}" "${S1[3]}" "$(dt2u 3)" "$N"
check "PE2 End.DT2U: nothing of the CE1 - CE3 conversation" sid_delta "${S2[2]}" "${S1[2]}" "$(dt2u 2)" 0
no_flood() {
	local k
	for k in "${PES[@]}"; do
		sid_delta "${S2[$k]}" "${S1[$k]}" "$(dt2m "$k")" 0 || return 1
	done
}
check "no End.DT2M counted anything: nothing flooded" no_flood
for k in "${PES[@]}"; do
	check "PE$k: no drop during the unicast pings" drops_window "${S2[$k]}" "${S1[$k]}"
done

section "4. aging: PE3 (mac_age_s 4) forgets what it stops hearing"
sleep 6
pe3_forgot() {
	rpc_on pe3 l2vpn.mac.list '{"port": "ce0"}' | $PY -c '
import json, sys
m = json.load(sys.stdin)["result"]["macs"]
print("PE3 table after 6 s of silence: %s" % m)
sys.exit(1 if any(e["where"] == "peer" for e in m) else 0)'
}
check "PE3's table holds no peer's MAC any more" pe3_forgot
check "PE1 (mac_age_s 300) still knows CE3" mac_table 1

section "5. drops and exits"
for k in "${PES[@]}"; do
	check "PE$k: since the start, no drop but local_unhandled" drops_check "$(stats "pe$k")" '^local_unhandled$'
done
srv6d_stop_checked pe3 pe2 pe1

checks_end
