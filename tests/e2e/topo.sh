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
#   PE1 (srv6d) locator 2a0e:97c0:ae6:1001::/64, PE2 locator 2a0e:97c0:ae6:2001::/64.
#
#   PE2 is one of three peers (L3_PE2_PEER):
#     linux    the kernel's seg6 lwtunnel: encap seg6 routes, seg6local End.DX4/DX6/DT6
#              (needs CONFIG_IPV6_SEG6_LWTUNNEL; skips without it)
#     seg6srh  the kernel's built-in SRH processing decapsulates (PE2's SIDs are
#              local addresses, seg6_enabled=1); scapy_pe.py encapsulates CE2's
#              traffic toward PE1 (the kernel blackholes it)
#     scapy    scapy_pe.py does both, the kernel only answers ARP/ND (forwarding off)
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
PE2_SID_END=2a0e:97c0:ae6:2001:e::     # seg6srh red: an End ahead of the decap SID
PE2_STRAY=2a0e:97c0:ae6:2001:77::      # in PE2's locator, no SID (malformed-input check)

# ---- L3VPN knobs (set before l3vpn_up)
L3_ENCAP=${L3_ENCAP:-h.encaps}          # PE1 -> PE2: h.encaps | h.encaps.red
L3_PE2_MODE=${L3_PE2_MODE:-encap}       # PE2 -> PE1: encap | encap.red
L3_PE2_V4_SID=${L3_PE2_V4_SID:-$PE2_SID_DX4}   # PE1's IPv4 VPN route points here
L3_PE2_V6_SID=${L3_PE2_V6_SID:-$PE2_SID_DX6}   # PE1's IPv6 VPN route points here
L3_PE1_V4_SID=${L3_PE1_V4_SID:-$PE1_SID_DT46}  # PE2's IPv4 VPN route points here
L3_PE1_V6_SID=${L3_PE1_V6_SID:-$PE1_SID_DT46}  # PE2's IPv6 VPN route points here
L3_CAPTURE=${L3_CAPTURE:-1}             # dumpcap on PE2's WAN veth into $WORK/wan.pcap
L3_PE2_PEER=${L3_PE2_PEER:-}            # linux | seg6srh | scapy; empty: linux where the
                                        # kernel has seg6 lwtunnel, else scapy
L3_PE2_FIRST_SEG=${L3_PE2_FIRST_SEG:-}  # set: PE1's VPN routes use [this, PE2 SID]

# l3_srv6_nh SID...: srv6d next hop object for a VPN route (segments in order)
l3_srv6_nh() {
	local segs
	segs=$(printf '"%s",' "$@")
	printf '{"type":"srv6","segments":[%s],"encap":"%s"}' "${segs%,}" "$L3_ENCAP"
}

# l3_pe2_segs SID: PE1's segment list toward a PE2 SID (L3_PE2_FIRST_SEG first)
l3_pe2_segs() { echo ${L3_PE2_FIRST_SEG:+"$L3_PE2_FIRST_SEG"} "$1"; }

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
    {"vrf": "$VRF", "prefix": "$CE2_NET4", "nexthops": [$(l3_srv6_nh $(l3_pe2_segs "$L3_PE2_V4_SID"))]},
    {"vrf": "$VRF", "prefix": "$CE2_NET6", "nexthops": [$(l3_srv6_nh $(l3_pe2_segs "$L3_PE2_V6_SID"))]}
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
	local s4 s6
	s4=$(l3_pe2_segs "$L3_PE2_V4_SID") s6=$(l3_pe2_segs "$L3_PE2_V6_SID")
	nsx pe1 ip route add "$CE2_NET4" encap seg6 mode $mode segs "${s4// /,}" dev veth-pe1-wan table $VRF_TABLE
	nsx pe1 ip -6 route add "$CE2_NET6" encap seg6 mode $mode segs "${s6// /,}" dev veth-pe1-wan table $VRF_TABLE
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

# l3_pe2_peer_pick: L3_PE2_PEER's default (linux where the kernel has seg6
# lwtunnel and seg6local, scapy elsewhere); fails on an unknown name
l3_pe2_peer_pick() {
	if [[ -z $L3_PE2_PEER ]]; then
		L3_PE2_PEER=scapy
		if kernel_has seg6_lwt && kernel_has seg6local; then L3_PE2_PEER=linux; fi
	fi
	case $L3_PE2_PEER in
	linux | seg6srh | scapy) ;;
	*) fail "L3_PE2_PEER must be linux, seg6srh or scapy, not '$L3_PE2_PEER'" ;;
	esac
}

# l3_mac SHORT IF: the MAC address of an interface in one of our namespaces
l3_mac() { nsx "$1" cat "/sys/class/net/$2/address"; }

# l3vpn_pe2_linux: PE2 as the kernel's seg6 lwtunnel PE, VRF emulated with
# table 101 picked by iif
l3vpn_pe2_linux() {
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
}

# l3_scapy_pe_start ARGS...: scapy_pe.py in PE2 (encapsulating CE2's traffic
# toward PE1's SIDs with L3_PE2_MODE, outer hop limit 64) plus ARGS; returns
# once it listens. Its counters: $WORK/scapy_pe.json, and its log's last line.
l3_scapy_pe_start() {
	local encap=h.encaps
	[[ $L3_PE2_MODE == encap.red ]] && encap=h.encaps.red
	bg_start scapy_pe pe2 "$PY" "$E2E_DIR/scapy_pe.py" run --wan veth-pe2-wan \
		--wan-peer-mac "$(l3_mac pe1 veth-pe1-wan)" --ce veth-pe2-ce --ce-peer-mac "$(l3_mac ce2 veth-ce2)" \
		--src "$PE2_WAN" --hlim 64 --encap "$encap" \
		--route "$CE1_NET4=$L3_PE1_V4_SID" --route "$CE1_NET6=$L3_PE1_V6_SID" \
		--status "$WORK/scapy_pe.json" "$@"
	wait_until "grep -q 'scapy_pe ready' '$WORK/scapy_pe.log' || ! kill -0 ${E2E_BG[scapy_pe]}" 60 ||
		fail "scapy_pe.py did not start within 60 s"
	grep -q 'scapy_pe ready' "$WORK/scapy_pe.log" || fail "scapy_pe.py exited: $(tail -n 5 "$WORK/scapy_pe.log")"
	log "$(grep -m1 'scapy_pe ready' "$WORK/scapy_pe.log")"
}

# l3vpn_pe2_seg6srh: PE2's kernel decapsulates with its built-in SRH
# processing: the SIDs are addresses on lo, seg6_enabled on the WAN veth, and
# an SRH with Segments Left 0 and an inner IPv4/IPv6 packet is stripped and the
# inner packet routed to CE2 (main table). Linux cannot encapsulate without
# lwtunnel, so scapy_pe.py encapsulates CE2's traffic while the kernel
# blackholes it in the CE's table (no ICMP, unlike unreachable).
# With L3_PE2_FIRST_SEG (the red variant: PE1 sends [End, SID] reduced): the
# kernel refuses a reduced SRH (ipv6_srh_rcv: Segments Left >= Hdr Ext Len / 2
# gets a Parameter Problem, while RFC 8986 4.1 allows SL = Last Entry + 1), so
# scapy_pe.py owns that End and hands the packet (DA = the SID, SL 0) to the
# kernel over a second veth pair in PE2 (veth-pe2-end -> veth-pe2-dec).
l3vpn_pe2_seg6srh() {
	local sid extra=()
	router_sysctls pe2
	ifaddr pe2 veth-pe2-wan "$PE2_WAN/64"
	ifaddr pe2 veth-pe2-ce "$PE2_CE_V4/24" "$PE2_CE_V6/64"
	nsx pe2 sysctl -qw net.ipv6.conf.all.seg6_enabled=1 net.ipv6.conf.veth-pe2-wan.seg6_enabled=1 >/dev/null
	for sid in "$PE2_SID_DX4" "$PE2_SID_DX6" "$PE2_SID_DX4B" "$PE2_SID_DX6B" "$PE2_SID_DT6"; do
		ifaddr pe2 lo "$sid/128"
	done
	nsx pe2 ip rule add iif veth-pe2-ce lookup $VRF_TABLE pref 100
	nsx pe2 ip -6 rule add iif veth-pe2-ce lookup $VRF_TABLE pref 100
	nsx pe2 ip route add "$CE2_NET4" dev veth-pe2-ce table $VRF_TABLE
	nsx pe2 ip -6 route add "$CE2_NET6" dev veth-pe2-ce table $VRF_TABLE
	nsx pe2 ip route add blackhole "$CE1_NET4" table $VRF_TABLE
	nsx pe2 ip -6 route add blackhole "$CE1_NET6" table $VRF_TABLE
	nsx pe2 ip -6 route add "$PE1_LOC" via "$PE1_WAN" dev veth-pe2-wan
	if [[ -n $L3_PE2_FIRST_SEG ]]; then
		veth_add pe2 veth-pe2-end pe2 veth-pe2-dec
		kernel_quiet pe2 veth-pe2-end
		nsx pe2 sysctl -qw net.ipv6.conf.veth-pe2-dec.seg6_enabled=1 >/dev/null
		nsx pe2 ip -6 route add blackhole "$L3_PE2_FIRST_SEG/128"
		extra=(--sid "$L3_PE2_FIRST_SEG=end" --end-out veth-pe2-end
			--end-out-peer-mac "$(l3_mac pe2 veth-pe2-dec)")
	fi
	l3_scapy_pe_start "${extra[@]}"
}

# l3vpn_pe2_scapy: PE2 is scapy_pe.py alone with End.DX4 a4::/b4::, End.DX6
# a6::/b6:: and End.DT6 d6:: (toward CE2). The kernel keeps the addresses so
# that it answers ARP/ND, with forwarding off (it never forwards) and
# blackholes for CE1's prefixes and PE2's locator (silent, where no route at
# all would send ICMPv6 unreachables).
l3vpn_pe2_scapy() {
	nsx pe2 sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 >/dev/null
	ifaddr pe2 veth-pe2-wan "$PE2_WAN/64"
	ifaddr pe2 veth-pe2-ce "$PE2_CE_V4/24" "$PE2_CE_V6/64"
	nsx pe2 ip route add blackhole "$CE1_NET4"
	nsx pe2 ip -6 route add blackhole "$CE1_NET6"
	nsx pe2 ip -6 route add blackhole "$PE2_LOC"
	l3_scapy_pe_start --locator "$PE2_LOC" \
		--sid "$PE2_SID_DX4=dx4" --sid "$PE2_SID_DX6=dx6" \
		--sid "$PE2_SID_DX4B=dx4" --sid "$PE2_SID_DX6B=dx6" --sid "$PE2_SID_DT6=dt6"
}

# l3vpn_up: builds CE1 - PE1 - PE2 - CE2 with the PE2 of L3_PE2_PEER and
# starts PE1 (srv6d or Linux). The linux peer (and PE1_IMPL=linux) needs the
# kernel's seg6 lwtunnel: without it the test skips (77) naming the option.
l3vpn_up() {
	l3_pe2_peer_pick
	case $L3_PE2_PEER in
	linux) kernel_require seg6_lwt seg6local ;;
	seg6srh) kernel_require seg6_srh ;;
	esac
	[[ $PE1_IMPL == linux ]] && kernel_require seg6_lwt seg6local
	if [[ $PE1_IMPL == linux && $L3_PE1_V4_SID == "$L3_PE1_V6_SID" ]]; then
		log "PE1_IMPL=linux: no End.DT46 in this kernel, PE1 uses $PE1_SID_DT4 (End.DX4) and $PE1_SID_DT6 (End.DT6)"
		L3_PE1_V4_SID=$PE1_SID_DT4
		L3_PE1_V6_SID=$PE1_SID_DT6
	fi
	l3vpn_hosts_up

	case $L3_PE2_PEER in
	linux) l3vpn_pe2_linux ;;
	seg6srh) l3vpn_pe2_seg6srh ;;
	scapy) l3vpn_pe2_scapy ;;
	esac

	if [[ $L3_CAPTURE == 1 ]]; then
		capture_start wan pe2 veth-pe2-wan
		# what scapy's End hands to PE2's kernel (seg6srh red)
		if [[ $L3_PE2_PEER == seg6srh && -n $L3_PE2_FIRST_SEG ]]; then capture_start end pe2 veth-pe2-dec; fi
	fi

	# PE1
	if [[ $PE1_IMPL == linux ]]; then
		l3vpn_pe1_linux
	else
		kernel_quiet pe1 veth-pe1-ce
		kernel_quiet pe1 veth-pe1-wan
		l3vpn_srv6d_config "$WORK/pe1.json"
		start_srv6d pe1 "$WORK/pe1.json"
	fi
	log "L3VPN up: PE2 peer $L3_PE2_PEER; PE1->PE2 $L3_ENCAP to" \
		"${L3_PE2_FIRST_SEG:+$L3_PE2_FIRST_SEG,}$L3_PE2_V4_SID / ${L3_PE2_FIRST_SEG:+$L3_PE2_FIRST_SEG,}$L3_PE2_V6_SID;" \
		"PE2->PE1 $L3_PE2_MODE to $L3_PE1_V4_SID / $L3_PE1_V6_SID"
}

# l3_scapy_pe_inject: malformed frames (and one good one) from PE1's WAN veth
# toward scapy_pe.py (after srv6d stopped: the veth is free then); prints the
# drop counts they must add (JSON)
l3_scapy_pe_inject() {
	nsx pe1 "$PY" "$E2E_DIR/scapy_pe.py" inject --iface veth-pe1-wan --dst-mac "$(l3_mac pe2 veth-pe2-wan)" \
		--src 2001:db8:0:12::99 --sid4 "$PE2_SID_DX4" --sid6 "$PE2_SID_DX6" --stray "$PE2_STRAY" --ce-v4 "$CE2_V4"
}

# l3_scapy_pe_check EXPECT_DROPS_JSON RULE...: stops scapy_pe.py (exit 0
# wanted) and checks its final counters: every drop reason equals
# EXPECT_DROPS_JSON's count (0 when absent), no internal error, and each RULE
# "GROUP/SID[+SID...]>=N" holds (GROUP encapsulated, decapsulated or end; the
# sum over the SIDs)
l3_scapy_pe_check() {
	local want=$1 rc=0
	shift
	bg_stop scapy_pe TERM 15 || rc=$?
	[[ $rc == 0 ]] || { log "scapy_pe.py exited with status $rc"; return 1; }
	tail -n 1 "$WORK/scapy_pe.log" >"$WORK/scapy_pe.final.json"
	$PY - "$WORK/scapy_pe.final.json" "$want" "$@" <<'EOF'
import ipaddress, json, re, sys
c = json.load(open(sys.argv[1]))
want = json.loads(sys.argv[2])
bad = 0
print("  scapy_pe: encapsulated %s decapsulated %s end %s ignored %s" % (
    json.dumps(c["encapsulated"]), json.dumps(c["decapsulated"]), json.dumps(c["end"]), c["ignored"]))
for r, n in sorted(c["dropped"].items()):
    w = want.get(r, 0)
    if n != w:
        print("  scapy_pe: dropped %s = %d, want %d" % (r, n, w)); bad = 1
    elif n:
        print("  scapy_pe: dropped %s = %d as injected" % (r, n))
for r in set(want) - set(c["dropped"]):
    print("  scapy_pe: no counter %s" % r); bad = 1
if c.get("first_error"):
    print("  scapy_pe: first internal error: %s" % c["first_error"]); bad = 1
for rule in sys.argv[3:]:
    g, key, n = re.fullmatch(r"(\w+)/(.+)>=(\d+)", rule).groups()
    k = "+".join(str(ipaddress.IPv6Address(x)) for x in key.split("+"))
    got = sum(c[g].get(x, 0) for x in k.split("+"))
    ok = got >= int(n)
    print("  scapy_pe: %s %s = %d (want >= %s)%s" % (g, k, got, n, "" if ok else "  FAIL"))
    bad |= not ok
sys.exit(bad)
EOF
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

# l3vpn_case FAMILY VARIANT [PEER]: the L3VPN ping test, shared by
# l3vpn_v4_test.sh and l3vpn_v6_test.sh, against the PE2 of PEER (linux,
# seg6srh, scapy; default L3_PE2_PEER's). VARIANT:
#   base  PE1 h.encaps to PE2's End.DX4/DX6, PE2 "encap" back to PE1's End.DT46
#   red   PE1 h.encaps.red (no SRH for one segment), PE2 "encap.red" back to
#         PE1's End.DT4 / End.DT6; for IPv6 PE2's SID is End.DT6 table 101.
#         seg6srh: PE1's routes are [PE2 End, PE2 SID], so the wire carries a
#         reduced SRH (DA = the End, SRH [SID], SL 1, Last Entry 0)
l3vpn_case() {
	local fam=$1 variant=${2:-base} n=5
	local ce1 ce2 pe1sid pe2sid payload out_dst out_srh out_sl=0 out_le back_srh hl=() back_hl=()
	[[ -n ${3:-} ]] && L3_PE2_PEER=$3
	l3_pe2_peer_pick
	L3_PE2_FIRST_SEG=
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
		[[ $L3_PE2_PEER == seg6srh ]] && L3_PE2_FIRST_SEG=$PE2_SID_END
		;;
	*) fail "unknown variant '$variant' (base|red)" ;;
	esac
	section "L3VPN IPv$fam, variant $variant, PE2 peer $L3_PE2_PEER: PE1 $L3_ENCAP, PE2 $L3_PE2_MODE"
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
	[[ -n ${E2E_BG[cap-end]:-} ]] && capture_stop end

	section "wire format on the WAN link (tshark -T json)"
	out_dst=$pe2sid out_srh=$pe2sid back_srh=$pe1sid
	[[ $L3_ENCAP == h.encaps.red ]] && out_srh=none
	if [[ -n $L3_PE2_FIRST_SEG ]]; then
		# RFC 8986 5.2 H.Encaps.Red of [End, SID]: DA = End, SRH [SID] alone, SL 1
		out_dst=$L3_PE2_FIRST_SEG out_srh=$pe2sid out_sl=1 out_le=(--last-entry 0)
	fi
	[[ $L3_PE2_MODE == encap.red ]] && back_srh=none
	# srv6d's encap hop limit is configured to 64; the Linux stand-in copies the inner one
	[[ $PE1_IMPL == srv6d ]] && hl=(--hlim 64)
	# scapy_pe.py's outer hop limit is 64 (--hlim); the kernel's lwtunnel is not checked
	[[ $L3_PE2_PEER != linux ]] && back_hl=(--hlim 64)
	local rc=0
	check_wire "$WORK/wan.pcap" --label "PE1 -> PE2 ($L3_ENCAP)" --src "$PE1_WAN" --dst "$out_dst" \
		--srh "$out_srh" --sl $out_sl ${out_le[@]+"${out_le[@]}"} --payload $payload \
		--inner-src "$ce1" --inner-dst "$ce2" --min $((2 * n + 1)) ${hl[@]+"${hl[@]}"} || rc=1
	check_wire "$WORK/wan.pcap" --label "PE2 -> PE1 ($L3_PE2_PEER $L3_PE2_MODE)" --src "$PE2_WAN" --dst "$pe1sid" \
		--srh "$back_srh" --payload $payload --inner-src "$ce2" --inner-dst "$ce1" --min $((2 * n + 1)) \
		${back_hl[@]+"${back_hl[@]}"} || rc=1
	if [[ -n $L3_PE2_FIRST_SEG && -f $WORK/end.pcap ]]; then
		# after scapy's End: DA = Segment List[0], SL 0, hop limit - 1, into PE2's kernel
		check_wire "$WORK/end.pcap" --label "after PE2's End, to the kernel's decap" --src "$PE1_WAN" \
			--dst "$pe2sid" --srh "$pe2sid" --sl 0 --last-entry 0 --payload $payload \
			--inner-src "$ce1" --inner-dst "$ce2" --min $((2 * n + 1)) ${hl[@]+--hlim 63} || rc=1
	fi

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

	if [[ $L3_PE2_PEER != linux ]]; then
		section "PE2 (scapy_pe.py) counters"
		local want='{}' rules=("encapsulated/$pe1sid>=$((2 * n + 1))")
		if [[ $L3_PE2_PEER == scapy ]]; then
			rules+=("decapsulated/$pe2sid>=$((2 * n + 1))")
			if [[ $PE1_IMPL == srv6d ]]; then
				# malformed input is counted by reason, and a good packet after it still decapsulated
				local dec0
				dec0=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["decapsulated"].get(sys.argv[2], 0))' \
					"$WORK/scapy_pe.json" "$PE2_SID_DX4")
				want=$(l3_scapy_pe_inject | $PY -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["dropped"]))') ||
					fail "scapy_pe.py inject failed"
				log "injected malformed frames, expecting drops $want"
				wait_until "$PY -c 'import json,sys; c=json.load(open(sys.argv[1])); sys.exit(not (c[\"decapsulated\"].get(sys.argv[2],0) > $dec0 and sum(c[\"dropped\"].values()) >= sum(json.loads(sys.argv[3]).values())))' '$WORK/scapy_pe.json' '$PE2_SID_DX4' '$want'" 20 ||
					log "scapy_pe.py did not count the injected frames within 20 s"
			fi
		fi
		[[ -n $L3_PE2_FIRST_SEG ]] && rules+=("end/$L3_PE2_FIRST_SEG>=$((2 * n + 1))")
		l3_scapy_pe_check "$want" "${rules[@]}" >&2 || rc=1
	fi
	[[ $rc == 0 ]] || fail "wire format or counters (see above)"
	log "PASS"
}
