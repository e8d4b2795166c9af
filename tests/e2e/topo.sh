# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Topologies for the e2e tests (sourced by lib.sh).
#
# L3VPN (seed 000):
#
#   CE1 ---- veth-ce1 | veth-pe1-ce  PE1  veth-pe1-wan | veth-pe2-wan  PE2  veth-pe2-ce | veth-ce2 ---- CE2
#   172.16.10.2        172.16.10.1 (ce0)  2001:db8:0:12::1  ::2       (Linux)    172.16.20.1           172.16.20.2
#   2001:db8:1::2      2001:db8:1::1      (wan0)                                 2001:db8:2::1         2001:db8:2::2
#
#   PE1 (srv6d) locator 2a0e:97c0:ae6:1001::/64, PE2 (Linux) locator 2a0e:97c0:ae6:2001::/64.
#
# Transit (seed 004): topo_transit.sh

# ---- L3VPN addressing
CE1_V4=172.16.10.2
CE1_V6=2001:db8:1::2
PE1_CE_V4=172.16.10.1
PE1_CE_V6=2001:db8:1::1
PE1_WAN=2001:db8:0:12::1
PE2_WAN=2001:db8:0:12::2
PE2_CE_V4=172.16.20.1
PE2_CE_V6=2001:db8:2::1
CE2_V4=172.16.20.2
CE2_V6=2001:db8:2::2
CE1_NET4=172.16.10.0/24
CE1_NET6=2001:db8:1::/64
CE2_NET4=172.16.20.0/24
CE2_NET6=2001:db8:2::/64
VRF=L3VPN-1
VRF_TABLE=101

PE1_LOC=2a0e:97c0:ae6:1001::/64
PE1_SID_DT46=2a0e:97c0:ae6:1001:1::
PE1_SID_DT4=2a0e:97c0:ae6:1001:4::
PE1_SID_DT6=2a0e:97c0:ae6:1001:6::
PE1_SID_SPARE=2a0e:97c0:ae6:1001:99::
PE2_LOC=2a0e:97c0:ae6:2001::/64
PE2_SID_DX4=2a0e:97c0:ae6:2001:a4::
PE2_SID_DX6=2a0e:97c0:ae6:2001:a6::
PE2_SID_DX4B=2a0e:97c0:ae6:2001:b4::
PE2_SID_DX6B=2a0e:97c0:ae6:2001:b6::
PE2_SID_DT6=2a0e:97c0:ae6:2001:d6::

# ---- L3VPN knobs (set before l3vpn_up)
L3_ENCAP=${L3_ENCAP:-h.encaps}          # PE1 -> PE2: h.encaps | h.encaps.red
L3_PE2_MODE=${L3_PE2_MODE:-encap}       # PE2 -> PE1: encap | encap.red
L3_PE2_V4_SID=${L3_PE2_V4_SID:-$PE2_SID_DX4}   # PE1's IPv4 VPN route points here
L3_PE2_V6_SID=${L3_PE2_V6_SID:-$PE2_SID_DX6}   # PE1's IPv6 VPN route points here
L3_PE1_V4_SID=${L3_PE1_V4_SID:-$PE1_SID_DT46}  # PE2's IPv4 VPN route points here
L3_PE1_V6_SID=${L3_PE1_V6_SID:-$PE1_SID_DT46}  # PE2's IPv6 VPN route points here
L3_CAPTURE=${L3_CAPTURE:-1}             # dumpcap on PE2's WAN veth into $WORK/wan.pcap

# srv6d next hop object for a VPN route
l3_srv6_nh() { printf '{"type":"srv6","segments":["%s"],"encap":"%s"}' "$1" "$L3_ENCAP"; }

# l3vpn_pe1_ports [WAN_KEYS]: the "ports" member of PE1's srv6d configuration
# (CE and WAN af_packet ports); WAN_KEYS (e.g. "host_if": "wan0") are added
# to the WAN port object
l3vpn_pe1_ports() {
	local extra=${1:+, $1}
	cat <<EOF
  "ports": [
    {"name": "ce0", "device": "net_af_packet0,iface=veth-pe1-ce", "vrf": "$VRF",
     "addresses": ["$PE1_CE_V4/24", "$PE1_CE_V6/64"]},
    {"name": "wan0", "device": "net_af_packet1,iface=veth-pe1-wan", "vrf": "default",
     "addresses": ["$PE1_WAN/64"]$extra}
  ],
EOF
}

# l3vpn_srv6d_config FILE: srv6d's startup configuration for PE1
l3vpn_srv6d_config() {
	cat >"$1" <<EOF
{
$(l3vpn_pe1_ports)
  "encap": {"source": "$PE1_WAN", "hop_limit": 64},
  "locators": [{"name": "VPN-SERVICES", "prefix": "$PE1_LOC",
                "block_len": 48, "node_len": 16, "func_len": 16, "usid": false}],
  "vrfs": [{"name": "$VRF", "table": $VRF_TABLE, "rd": "10.1.1.1:101",
            "import_rt": ["65513:101"], "export_rt": ["65513:101"]}],
  "sids": [
    {"sid": "$PE1_SID_DT46/128", "behavior": "End.DT46", "vrf": "$VRF"},
    {"sid": "$PE1_SID_DT4/128", "behavior": "End.DT4", "vrf": "$VRF"},
    {"sid": "$PE1_SID_DT6/128", "behavior": "End.DT6", "vrf": "$VRF"}
  ],
  "routes": [
    {"vrf": "default", "prefix": "$PE2_LOC",
     "nexthops": [{"type": "ip", "via": "$PE2_WAN", "port": "wan0"}]},
    {"vrf": "$VRF", "prefix": "$CE2_NET4", "nexthops": [$(l3_srv6_nh "$L3_PE2_V4_SID")]},
    {"vrf": "$VRF", "prefix": "$CE2_NET6", "nexthops": [$(l3_srv6_nh "$L3_PE2_V6_SID")]}
  ]
}
EOF
}

# The Linux stand-in for PE1 (PE1_IMPL=linux): the same addresses and routes
# in a kernel namespace. The kernel has no End.DT4/DT46 without VRF devices,
# so the IPv4 SID becomes End.DX4 nh4 CE1 and the IPv6 SID End.DT6 table 101.
l3vpn_pe1_linux() {
	local mode=encap
	[[ $L3_ENCAP == h.encaps.red ]] && mode=encap.red
	router_sysctls pe1
	ifaddr pe1 veth-pe1-ce "$PE1_CE_V4/24" "$PE1_CE_V6/64"
	ifaddr pe1 veth-pe1-wan "$PE1_WAN/64"
	nsx pe1 ip sr tunsrc set "$PE1_WAN"
	nsx pe1 ip rule add iif veth-pe1-ce lookup $VRF_TABLE pref 100
	nsx pe1 ip -6 rule add iif veth-pe1-ce lookup $VRF_TABLE pref 100
	nsx pe1 ip route add "$CE1_NET4" dev veth-pe1-ce table $VRF_TABLE
	nsx pe1 ip -6 route add "$CE1_NET6" dev veth-pe1-ce table $VRF_TABLE
	nsx pe1 ip route add "$CE2_NET4" encap seg6 mode $mode segs "$L3_PE2_V4_SID" dev veth-pe1-wan table $VRF_TABLE
	nsx pe1 ip -6 route add "$CE2_NET6" encap seg6 mode $mode segs "$L3_PE2_V6_SID" dev veth-pe1-wan table $VRF_TABLE
	nsx pe1 ip -6 route add "$PE2_LOC" via "$PE2_WAN" dev veth-pe1-wan
	nsx pe1 ip -6 route add "$L3_PE1_V4_SID/128" encap seg6local action End.DX4 nh4 "$CE1_V4" dev veth-pe1-ce
	nsx pe1 ip -6 route add "$L3_PE1_V6_SID/128" encap seg6local action End.DT6 table $VRF_TABLE dev veth-pe1-wan
}

# l3vpn_pe2_routes_to_pe1: (re)install PE2's VPN routes toward PE1
l3vpn_pe2_vpn_routes() {
	nsx pe2 ip route replace "$CE1_NET4" encap seg6 mode "$L3_PE2_MODE" segs "$L3_PE1_V4_SID" \
		dev veth-pe2-wan table $VRF_TABLE
	nsx pe2 ip -6 route replace "$CE1_NET6" encap seg6 mode "$L3_PE2_MODE" segs "$L3_PE1_V6_SID" \
		dev veth-pe2-wan table $VRF_TABLE
}

# l3vpn_hosts_up: the four namespaces, the three veths, and CE1 and CE2 as
# plain hosts with their default routes toward the PEs
l3vpn_hosts_up() {
	ns_add ce1
	ns_add pe1
	ns_add pe2
	ns_add ce2
	veth_add ce1 veth-ce1 pe1 veth-pe1-ce
	veth_add pe1 veth-pe1-wan pe2 veth-pe2-wan
	veth_add pe2 veth-pe2-ce ce2 veth-ce2

	# CE1, CE2: plain hosts
	ifaddr ce1 veth-ce1 "$CE1_V4/24" "$CE1_V6/64"
	nsx ce1 ip route add default via "$PE1_CE_V4"
	nsx ce1 ip -6 route add default via "$PE1_CE_V6"
	ifaddr ce2 veth-ce2 "$CE2_V4/24" "$CE2_V6/64"
	nsx ce2 ip route add default via "$PE2_CE_V4"
	nsx ce2 ip -6 route add default via "$PE2_CE_V6"
}

# l3vpn_up: builds CE1 - PE1 - PE2 - CE2 and starts PE1 (srv6d or Linux)
l3vpn_up() {
	if [[ $PE1_IMPL == linux && $L3_PE1_V4_SID == "$L3_PE1_V6_SID" ]]; then
		log "PE1_IMPL=linux: no End.DT46 in this kernel, PE1 uses $PE1_SID_DT4 (End.DX4) and $PE1_SID_DT6 (End.DT6)"
		L3_PE1_V4_SID=$PE1_SID_DT4
		L3_PE1_V6_SID=$PE1_SID_DT6
	fi
	l3vpn_hosts_up

	# PE2: Linux kernel SRv6 PE, VRF emulated with table 101 picked by iif
	router_sysctls pe2
	ifaddr pe2 veth-pe2-wan "$PE2_WAN/64"
	ifaddr pe2 veth-pe2-ce "$PE2_CE_V4/24" "$PE2_CE_V6/64"
	nsx pe2 ip sr tunsrc set "$PE2_WAN"
	nsx pe2 ip rule add iif veth-pe2-ce lookup $VRF_TABLE pref 100
	nsx pe2 ip -6 rule add iif veth-pe2-ce lookup $VRF_TABLE pref 100
	nsx pe2 ip route add "$CE2_NET4" dev veth-pe2-ce table $VRF_TABLE
	nsx pe2 ip -6 route add "$CE2_NET6" dev veth-pe2-ce table $VRF_TABLE
	l3vpn_pe2_vpn_routes
	nsx pe2 ip -6 route add "$PE1_LOC" via "$PE1_WAN" dev veth-pe2-wan
	nsx pe2 ip -6 route add "$PE2_SID_DX4/128" encap seg6local action End.DX4 nh4 "$CE2_V4" dev veth-pe2-ce
	nsx pe2 ip -6 route add "$PE2_SID_DX6/128" encap seg6local action End.DX6 nh6 "$CE2_V6" dev veth-pe2-ce
	nsx pe2 ip -6 route add "$PE2_SID_DX4B/128" encap seg6local action End.DX4 nh4 "$CE2_V4" dev veth-pe2-ce
	nsx pe2 ip -6 route add "$PE2_SID_DX6B/128" encap seg6local action End.DX6 nh6 "$CE2_V6" dev veth-pe2-ce
	nsx pe2 ip -6 route add "$PE2_SID_DT6/128" encap seg6local action End.DT6 table $VRF_TABLE dev veth-pe2-wan

	if [[ $L3_CAPTURE == 1 ]]; then capture_start wan pe2 veth-pe2-wan; fi

	# PE1
	if [[ $PE1_IMPL == linux ]]; then
		l3vpn_pe1_linux
	else
		kernel_quiet pe1 veth-pe1-ce
		kernel_quiet pe1 veth-pe1-wan
		l3vpn_srv6d_config "$WORK/pe1.json"
		start_srv6d pe1 "$WORK/pe1.json"
	fi
	log "L3VPN up: PE1->PE2 $L3_ENCAP to $L3_PE2_V4_SID / $L3_PE2_V6_SID;" \
		"PE2->PE1 $L3_PE2_MODE to $L3_PE1_V4_SID / $L3_PE1_V6_SID"
}

# l3vpn_dump: state of PE1 for the log (srv6ctl when srv6d, ip otherwise)
l3vpn_dump() {
	if [[ $PE1_IMPL == linux ]]; then
		nsx pe1 ip -6 route show
		nsx pe1 ip route show table $VRF_TABLE
		nsx pe1 ip -6 route show table $VRF_TABLE
	else
		ctl route list || true
		ctl sid list || true
		ctl stats get || true
	fi
}

# l3vpn_case FAMILY VARIANT: the L3VPN ping test, shared by l3vpn_v4_test.sh and
# l3vpn_v6_test.sh. VARIANT:
#   base  PE1 h.encaps to PE2's End.DX4/DX6, PE2 "encap" back to PE1's End.DT46
#   red   PE1 h.encaps.red (no SRH for one segment), PE2 "encap.red" back to
#         PE1's End.DT4 / End.DT6; for IPv6 PE2's SID is End.DT6 table 101
l3vpn_case() {
	local fam=$1 variant=${2:-base} n=5
	local ce1 ce2 pe1sid pe2sid payload out_srh back_srh hl=()
	case $variant in
	base)
		L3_ENCAP=h.encaps L3_PE2_MODE=encap
		L3_PE2_V4_SID=$PE2_SID_DX4 L3_PE2_V6_SID=$PE2_SID_DX6
		L3_PE1_V4_SID=$PE1_SID_DT46 L3_PE1_V6_SID=$PE1_SID_DT46
		;;
	red)
		L3_ENCAP=h.encaps.red L3_PE2_MODE=encap.red
		L3_PE2_V4_SID=$PE2_SID_DX4 L3_PE2_V6_SID=$PE2_SID_DT6
		L3_PE1_V4_SID=$PE1_SID_DT4 L3_PE1_V6_SID=$PE1_SID_DT6
		;;
	*) fail "unknown variant '$variant' (base|red)" ;;
	esac
	section "L3VPN IPv$fam, variant $variant: PE1 $L3_ENCAP, PE2 seg6 mode $L3_PE2_MODE"
	l3vpn_up
	if [[ $fam == 4 ]]; then
		ce1=$CE1_V4 ce2=$CE2_V4 pe1sid=$L3_PE1_V4_SID pe2sid=$L3_PE2_V4_SID payload=4
	else
		ce1=$CE1_V6 ce2=$CE2_V6 pe1sid=$L3_PE1_V6_SID pe2sid=$L3_PE2_V6_SID payload=41
	fi
	local before
	before=$(srv6d_stats)

	section "ping CE1 -> CE2 ($ce1 -> $ce2)"
	ping_warm ce1 "$ce2"
	ping_ok ce1 "$ce2" $n 0.2
	section "ping CE2 -> CE1 ($ce2 -> $ce1)"
	ping_ok ce2 "$ce1" $n 0.2
	capture_stop wan

	section "wire format on the WAN link (tshark -T json)"
	out_srh=$pe2sid back_srh=$pe1sid
	[[ $L3_ENCAP == h.encaps.red ]] && out_srh=none
	[[ $L3_PE2_MODE == encap.red ]] && back_srh=none
	# srv6d's encap hop limit is configured to 64; the Linux stand-in copies the inner one
	[[ $PE1_IMPL == srv6d ]] && hl=(--hlim 64)
	local rc=0
	check_wire "$WORK/wan.pcap" --label "PE1 -> PE2 ($L3_ENCAP)" --src "$PE1_WAN" --dst "$pe2sid" \
		--srh "$out_srh" --payload $payload --inner-src "$ce1" --inner-dst "$ce2" --min $((2 * n + 1)) \
		"${hl[@]}" || rc=1
	check_wire "$WORK/wan.pcap" --label "PE2 -> PE1 (Linux $L3_PE2_MODE)" --src "$PE2_WAN" --dst "$pe1sid" \
		--srh "$back_srh" --payload $payload --inner-src "$ce2" --inner-dst "$ce1" --min $((2 * n + 1)) || rc=1

	if [[ $PE1_IMPL == srv6d ]]; then
		section "srv6d state and counters"
		l3vpn_dump >&2 || true
		local after got
		after=$(srv6d_stats)
		stats_summary "$after" >&2
		drops_delta "$before" "$after" '^(eth_unsupported|eth_other_host|local_unhandled)$' >&2 ||
			log "note: datapath drops during the test (see above)"
		got=$(sid_packets "$after" "$pe1sid")
		# every packet that came back from PE2 was decapsulated by this SID
		if ((got < 2 * n + 1)); then
			rc=1
			log "SID $pe1sid counted $got packets, want >= $((2 * n + 1)) (stats.get sids[].packets)"
		fi
		stop_srv6d
	fi
	[[ $rc == 0 ]] || fail "wire format or counters (see above)"
	log "PASS"
}
